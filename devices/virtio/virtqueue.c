/* The device side of a virtio split virtqueue (see virtqueue.h). */
#include "devices/virtio/virtqueue.h"
#include "lib/string.h"

/* Layout of the three parts (§2.7.5, §2.7.6, §2.7.8). */
#define DESC_SIZE 16
#define AVAIL_FLAGS 0
#define AVAIL_IDX 2
#define AVAIL_RING 4                    /* le16 ring[size], then le16 used_event */
#define USED_FLAGS 0
#define USED_IDX 2
#define USED_RING 4                     /* struct virtq_used_elem ring[size], then le16 avail_event */
#define USED_ELEM_SIZE 8

/* A descriptor, copied out of guest memory once and only then looked at. */
struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

/* Guest-shared fields: single, untorn accesses the compiler may neither repeat nor merge. */
static uint16_t ld16(const uint8_t *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
}

static uint16_t ld16_acquire(const uint8_t *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE);
}

static void st16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELAXED);
}

static void st32(uint8_t *p, uint32_t v)
{
	__atomic_store_n((uint32_t *)p, v, __ATOMIC_RELAXED);
}

/* Descriptor tables are 16-byte aligned (§2.7.1) but indirect tables need not be. */
static struct desc load_desc(const uint8_t *p)
{
	uint64_t lo, hi;
	if (((uintptr_t)p & 7) == 0) {
		lo = __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
		hi = __atomic_load_n((const uint64_t *)(p + 8), __ATOMIC_RELAXED);
	} else {
		const volatile uint8_t *b = p;
		lo = hi = 0;
		for (unsigned i = 0; i < 8; i++) {
			lo |= (uint64_t)b[i] << (8 * i);
			hi |= (uint64_t)b[8 + i] << (8 * i);
		}
	}
	struct desc d = { lo, (uint32_t)hi, (uint16_t)(hi >> 32), (uint16_t)(hi >> 48) };
	return d;
}

/* Host view of [gpa, gpa+len), len > 0, or NULL (not all guest RAM, or wraps past 2^64). */
static void *map_range(const struct virtqueue *vq, uint64_t gpa, uint64_t len)
{
	if (len == 0 || gpa + (len - 1) < gpa)
		return NULL;
	return vq->mem.map(vq->mem.ctx, gpa, len);
}

static uint8_t *used_event(const struct virtqueue *vq)
{
	return vq->avail + AVAIL_RING + 2 * (size_t)vq->size;
}

static uint8_t *avail_event(const struct virtqueue *vq)
{
	return vq->used + USED_RING + USED_ELEM_SIZE * (size_t)vq->size;
}

static void full_barrier(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void vq_reset(struct virtqueue *vq)
{
	struct virtqueue cfg = *vq;
	memset(vq, 0, sizeof *vq);
	vq->size = cfg.size;
	vq->desc_gpa = cfg.desc_gpa;
	vq->avail_gpa = cfg.avail_gpa;
	vq->used_gpa = cfg.used_gpa;
	vq->event_idx = cfg.event_idx;
	vq->indirect = cfg.indirect;
}

bool vq_enabled(const struct virtqueue *vq)
{
	return vq->enabled;
}

int vq_enable(struct virtqueue *vq, const struct vq_guest_mem *mem)
{
	uint32_t n = vq->size;
	vq_reset(vq);
	if (!mem || !mem->map || n == 0 || n > VQ_MAX_SIZE || (n & (n - 1)))
		return -1;
	/* §2.7.1: descriptor table 16, available ring 2, used ring 4 */
	if ((vq->desc_gpa & 15) || (vq->avail_gpa & 1) || (vq->used_gpa & 3))
		return -1;
	vq->mem = *mem;
	/* §2.7: sizes 16 * n, 6 + 2 * n (with used_event), 6 + 8 * n (with avail_event) */
	vq->desc = map_range(vq, vq->desc_gpa, DESC_SIZE * (uint64_t)n);
	vq->avail = map_range(vq, vq->avail_gpa, 6 + 2 * (uint64_t)n);
	vq->used = map_range(vq, vq->used_gpa, 6 + USED_ELEM_SIZE * (uint64_t)n);
	/* the host views must allow the aligned single accesses used on them */
	if (!vq->desc || !vq->avail || !vq->used || ((uintptr_t)vq->desc & 7) ||
	    ((uintptr_t)vq->avail & 1) || ((uintptr_t)vq->used & 3)) {
		vq_reset(vq);
		return -1;
	}
	vq->notify_on = true;
	vq->enabled = true;
	return 0;
}

/* Walks the chain starting at head into c. 0, or -1 if it breaks a rule (see vq_pop). */
static int walk_chain(const struct virtqueue *vq, uint16_t head, struct vq_chain *c)
{
	const uint8_t *table = vq->desc;
	uint32_t entries = vq->size, budget = vq->size, idx = head;
	bool in_indirect = false, seen_write = false;

	c->head = head;
	c->n = 0;
	c->readable = c->writable = 0;
	for (;;) {
		/* §2.7.5.3.1: no chain longer than the queue size (or the indirect table): loops end */
		if (idx >= entries || budget == 0)
			return -1;
		budget--;
		struct desc d = load_desc(table + DESC_SIZE * (size_t)idx);

		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			/* §2.7.5.3.1: only if negotiated, never with NEXT, never inside a table;
			 * §2.7.5.3.2: WRITE on this descriptor is ignored */
			if (!vq->indirect || in_indirect || (d.flags & VIRTQ_DESC_F_NEXT))
				return -1;
			if (d.len == 0 || d.len % DESC_SIZE || d.len / DESC_SIZE > VQ_MAX_INDIRECT)
				return -1;
			table = map_range(vq, d.addr, d.len);
			if (!table)
				return -1;
			entries = budget = d.len / DESC_SIZE;
			idx = 0;
			in_indirect = true;
			continue;
		}

		bool write = d.flags & VIRTQ_DESC_F_WRITE;
		/* §2.7.4.2: device-writable descriptors after all device-readable ones */
		if (!write && seen_write)
			return -1;
		seen_write |= write;

		if (d.len) {
			/* §2.7.5.2: at most 2^32 bytes in total */
			if (c->n == VQ_MAX_SEGMENTS || c->readable + c->writable + d.len > (1ull << 32))
				return -1;
			void *host = map_range(vq, d.addr, d.len);
			if (!host)
				return -1;
			struct vq_segment *s = &c->seg[c->n++];
			s->host = host;
			s->gpa = d.addr;
			s->len = d.len;
			s->write = write;
			if (write)
				c->writable += d.len;
			else
				c->readable += d.len;
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		idx = d.next;
	}
}

int vq_pop(struct virtqueue *vq, struct vq_chain *c)
{
	if (!vq->enabled)
		return 0;
	if (vq->broken)
		return -1;
	/* acquire: the ring entry and descriptors are read after the index that published them */
	uint16_t avail_idx = ld16_acquire(vq->avail + AVAIL_IDX);
	if (avail_idx == vq->last_avail && vq->event_idx && vq->notify_on) {
		/* Empty: ask for a notification when the driver adds entry last_avail (§2.7.10),
		 * then look again in case it did so before it could see that request. */
		st16(avail_event(vq), vq->last_avail);
		full_barrier();
		avail_idx = ld16_acquire(vq->avail + AVAIL_IDX);
	}
	uint16_t pending = (uint16_t)(avail_idx - vq->last_avail);
	if (pending == 0)
		return 0;
	/* §2.7.13: free-running 16-bit indices; at most size entries can be outstanding */
	if (pending > vq->size) {
		vq->broken = true;
		return -1;
	}
	uint16_t head = ld16(vq->avail + AVAIL_RING + 2 * (size_t)(vq->last_avail & (vq->size - 1)));
	if (head >= vq->size || walk_chain(vq, head, c) < 0) {
		vq->broken = true;
		return -1;
	}
	vq->last_avail++;
	return 1;
}

void vq_push(struct virtqueue *vq, uint16_t head, uint32_t written)
{
	if (!vq->enabled)
		return;
	uint8_t *e = vq->used + USED_RING + USED_ELEM_SIZE * (size_t)(vq->used_idx & (vq->size - 1));
	st32(e, head);
	st32(e + 4, written);
	vq->used_idx++;
	/* §2.7.8.2: the element (and the data written) before the index: a release store */
	__atomic_store_n((uint16_t *)(vq->used + USED_IDX), vq->used_idx, __ATOMIC_RELEASE);
}

bool vq_should_interrupt(struct virtqueue *vq)
{
	if (!vq->enabled)
		return false;
	uint16_t old_idx = vq->signalled_used, new_idx = vq->used_idx;
	if (old_idx == new_idx)
		return false;
	vq->signalled_used = new_idx;
	/* the used->idx store before the used_event / flags load (store-load ordering) */
	full_barrier();
	if (vq->event_idx) /* §2.7.7.2: the lower bit of flags is ignored */
		return vq_need_event(ld16(used_event(vq)), new_idx, old_idx);
	return !(ld16(vq->avail + AVAIL_FLAGS) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

void vq_set_notify(struct virtqueue *vq, bool enable)
{
	if (!vq->enabled)
		return;
	vq->notify_on = enable;
	if (vq->event_idx) {
		/* §2.7.10: flags stay 0. Enabled: notify me when you add entry avail->idx. Disabled: an
		 * entry already consumed, which the driver's index does not pass again for 2^16 adds. */
		st16(avail_event(vq), enable ? ld16_acquire(vq->avail + AVAIL_IDX) : (uint16_t)(vq->last_avail - 1));
	} else {
		st16(vq->used + USED_FLAGS, enable ? 0 : VIRTQ_USED_F_NO_NOTIFY);
	}
	/* the store before the caller's re-check of avail->idx (store-load ordering) */
	full_barrier();
}

bool vq_has_available(struct virtqueue *vq)
{
	return vq->enabled && ld16_acquire(vq->avail + AVAIL_IDX) != vq->last_avail;
}

/* Copies from src into the writable segments (write) or from the readable ones into dst,
 * starting offset bytes into them. */
static size_t chain_copy(const struct vq_chain *c, bool write, size_t offset, const uint8_t *src,
			 uint8_t *dst, size_t n)
{
	size_t done = 0;
	for (unsigned i = 0; i < c->n && done < n; i++) {
		const struct vq_segment *s = &c->seg[i];
		if (s->write != write)
			continue;
		if (offset >= s->len) {
			offset -= s->len;
			continue;
		}
		size_t k = s->len - offset;
		if (k > n - done)
			k = n - done;
		if (write)
			memcpy((uint8_t *)s->host + offset, src + done, k);
		else
			memcpy(dst + done, (const uint8_t *)s->host + offset, k);
		done += k;
		offset = 0;
	}
	return done;
}

size_t vq_chain_write(const struct vq_chain *c, size_t offset, const void *src, size_t n)
{
	return chain_copy(c, true, offset, src, NULL, n);
}

size_t vq_chain_read(const struct vq_chain *c, size_t offset, void *dst, size_t n)
{
	return chain_copy(c, false, offset, NULL, dst, n);
}
