/*
 * The device side of a virtio split virtqueue (virtio 1.2 §2.7). Pure: no hypervisor headers, no
 * allocation; guest memory is reached only through struct vq_guest_mem, so the host tests drive
 * it with a fake guest RAM.
 *
 * Everything the guest can write (ring indices, ring entries, descriptors, indirect tables) is
 * untrusted: each field is read once into a local before it is checked and used, and a
 * malformed ring makes vq_pop return -1 instead of crashing or looping. After -1 the queue stays
 * broken (vq_pop keeps returning -1) until vq_reset; the device sets DEVICE_NEEDS_RESET.
 *
 * Ring fields are little-endian (§2.7, non-legacy interface) and are used as such: x86 only.
 *
 * A device's processing loop, race-free with respect to available buffer notifications:
 *
 *	for (;;) {
 *		vq_set_notify(vq, false);           (optional: we are polling anyway)
 *		while ((r = vq_pop(vq, &chain)) > 0) { ...; vq_push(vq, chain.head, written); }
 *		if (r < 0) { needs reset; break; }
 *		vq_set_notify(vq, true);
 *		if (!vq_has_available(vq)) break;   (re-check after enabling, §2.7.10)
 *	}
 *	if (vq_should_interrupt(vq)) send the used buffer notification;
 *
 * With VIRTIO_F_EVENT_IDX and notifications enabled, a vq_pop that finds the ring empty also
 * re-arms avail_event itself (then re-checks), so a device that simply pops until 0 on every
 * notification cannot miss one either.
 */
#ifndef DEVICES_VIRTIO_VIRTQUEUE_H
#define DEVICES_VIRTIO_VIRTQUEUE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* struct virtq_desc flags (§2.7.5). */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
/* struct virtq_avail flags (§2.7.7) and struct virtq_used flags (§2.7.10). */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY 1

#define VQ_MAX_SIZE 32768          /* §2.7: the largest queue size */
#define VQ_MAX_INDIRECT 32768      /* entries in one indirect table (§2.7.5.3), our limit */
/*
 * Segments (non-empty descriptors) in one chain. §2.7.4.1 lets a device limit the descriptors in
 * a chain; a longer chain is malformed (-1). Devices advertise limits that fit: virtio-blk
 * seg_max at most VQ_MAX_SEGMENTS - 2 (header and status take two), and so on.
 */
#define VQ_MAX_SEGMENTS 64

/* Guest-physical memory as a device sees it (DMA). */
struct vq_guest_mem {
	void *ctx;
	/* Host pointer to [gpa, gpa+len) if all of it is guest RAM, else NULL. len > 0. The
	 * mapping of the rings is taken once, by vq_enable, and kept until vq_reset. */
	void *(*map)(void *ctx, uint64_t gpa, uint64_t len);
};

struct virtqueue {
	/* configuration, set by the transport before vq_enable */
	uint16_t size;                  /* power of two, 1..32768 */
	uint64_t desc_gpa, avail_gpa, used_gpa;
	bool event_idx;                 /* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect;                  /* VIRTIO_F_INDIRECT_DESC negotiated */

	/* private state below (cleared by vq_reset) */
	bool enabled;
	bool broken;                    /* vq_pop found the ring malformed */
	bool notify_on;                 /* available buffer notifications wanted (vq_set_notify) */
	uint16_t last_avail;            /* next avail ring index the device will consume */
	uint16_t used_idx;              /* next used ring index (what used->idx was last set to) */
	uint16_t signalled_used;        /* used_idx when vq_should_interrupt last looked */
	struct vq_guest_mem mem;
	uint8_t *desc;                  /* host views of the three parts (§2.7) */
	uint8_t *avail;
	uint8_t *used;
};

/* 0, or -1: bad size, a part misaligned (§2.7.1: descriptors 16, available ring 2, used ring 4)
 * or not entirely in guest RAM. Indices start at 0. */
int vq_enable(struct virtqueue *vq, const struct vq_guest_mem *mem);
/* Back to disabled, indices 0, not broken. The configuration fields are left alone. */
void vq_reset(struct virtqueue *vq);
bool vq_enabled(const struct virtqueue *vq);

struct vq_segment {
	void *host;                     /* host pointer to the whole segment */
	uint64_t gpa;
	uint32_t len;                   /* > 0: zero-length descriptors make no segment */
	bool write;                     /* device-writable */
};

/* One descriptor chain: its readable segments first, then its writable ones (§2.7.4.2). */
struct vq_chain {
	uint16_t head;                  /* for vq_push */
	unsigned n;                     /* segments */
	struct vq_segment seg[VQ_MAX_SEGMENTS];
	uint64_t readable, writable;    /* byte totals */
};

/*
 * Takes the next available chain. 1: *c holds it (push it back with vq_push when done); 0: none
 * (or the queue is disabled); -1: the driver broke the rules (the device must set
 * DEVICE_NEEDS_RESET). Malformed: avail->idx more than size ahead of the device; head >= size;
 * next >= table size; more than size descriptors in the chain (a loop), or more than the table's
 * entries in an indirect one; a readable descriptor after a writable one; a buffer not entirely
 * in guest RAM or wrapping past 2^64; more than 2^32 bytes in total (§2.7.5.2); more than
 * VQ_MAX_SEGMENTS segments; INDIRECT not negotiated, with NEXT, inside an indirect table, or its
 * table empty, not a multiple of 16 bytes or longer than VQ_MAX_INDIRECT entries.
 * Zero-length descriptors are allowed (the spec does not forbid them): their address is not
 * checked and they make no segment, but they still count for the chain length and ordering.
 */
int vq_pop(struct virtqueue *vq, struct vq_chain *c);

/* Returns a chain to the driver: one used element {head, written}, then used->idx with release
 * ordering (§2.7.8.2: len before idx). written: bytes written into the chain. */
void vq_push(struct virtqueue *vq, uint16_t head, uint32_t written);

/*
 * Call after pushes: true if the driver wants a used buffer notification for the elements pushed
 * since the last call. EVENT_IDX: vring_need_event(used_event, new, old) (§2.7.7.2); otherwise
 * !(avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT). False when nothing was pushed since the last call.
 */
bool vq_should_interrupt(struct virtqueue *vq);

/*
 * Device-side available buffer notification suppression (§2.7.10). Without EVENT_IDX:
 * used->flags = enable ? 0 : VIRTQ_USED_F_NO_NOTIFY. With EVENT_IDX (used->flags stays 0):
 * enabling writes avail_event = the driver's current avail->idx, disabling writes the entry
 * before the next one to consume (already passed: no notification for 2^16 adds). Then a
 * full barrier, so a following vq_has_available sees any buffer added before the driver read the
 * new value.
 */
void vq_set_notify(struct virtqueue *vq, bool enable);

/* avail->idx differs from what the device has consumed (false when disabled). */
bool vq_has_available(struct virtqueue *vq);

/* Copy into the chain's writable segments, starting `offset` bytes into them; returns the bytes
 * copied (less than n when the segments end). */
size_t vq_chain_write(const struct vq_chain *c, size_t offset, const void *src, size_t n);
/* Copy out of the chain's readable segments, likewise. */
size_t vq_chain_read(const struct vq_chain *c, size_t offset, void *dst, size_t n);

/* The spec's vring_need_event (§2.7.7.2 with EVENT_IDX): did the index move from old to new
 * pass event, i.e. is event in [old, new) mod 2^16. */
static inline bool vq_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

#endif
