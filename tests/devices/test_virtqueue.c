/* Host tests for devices/virtio/virtqueue.c: the test plays the driver, building descriptor
 * tables and rings in a fake guest RAM, and checks what the device side makes of them. */
#include "devices/virtio/virtqueue.h"
#include "tests/check.h"
#include <stdlib.h>
#include <string.h>

/* Guest RAM: [RAM_BASE, RAM_BASE + RAM_SIZE); everything else is a hole. Allocated exactly, so a
 * sanitizer or valgrind sees any access past its end. */
#define RAM_BASE 0x100000ull
#define RAM_SIZE (2u << 20)
#define BUF(n) (RAM_BASE + 0x100000 + (uint64_t)(n) * 0x1000)
/* With fake_mem.huge, [HUGE_BASE, HUGE_BASE + 2^40) "maps" too (to the start of RAM), for
 * length limits the real RAM is too small to reach; never dereferenced by vq_pop. */
#define HUGE_BASE (1ull << 44)
#define HUGE_LEN (1ull << 40)

static uint8_t *ram;

#define LOG_MAX 256
struct fake_mem {
	bool huge;
	bool scribble;          /* the "guest" rewrites rings and descriptors during map calls */
	bool bad_call;          /* map asked for len 0 or a range wrapping past 2^64 */
	unsigned calls;
	struct { uint64_t gpa, len; void *host; } log[LOG_MAX];
	uint64_t scribble_lo, scribble_hi;    /* guest-physical range the scribbler may change */
};

#include "tests/decode/rng.h"

static void *fake_map(void *ctx, uint64_t gpa, uint64_t len)
{
	struct fake_mem *m = ctx;
	if (len == 0 || gpa + (len - 1) < gpa)
		m->bad_call = true;
	void *host = NULL;
	if (m->huge && gpa >= HUGE_BASE && gpa - HUGE_BASE < HUGE_LEN && len <= HUGE_LEN - (gpa - HUGE_BASE))
		host = ram;
	else if (gpa >= RAM_BASE && gpa - RAM_BASE < RAM_SIZE && len <= RAM_SIZE - (gpa - RAM_BASE))
		host = ram + (gpa - RAM_BASE);
	if (m->calls < LOG_MAX) {
		m->log[m->calls].gpa = gpa;
		m->log[m->calls].len = len;
		m->log[m->calls].host = host;
	}
	m->calls++;
	if (m->scribble && m->scribble_hi > m->scribble_lo)
		for (int i = 0; i < 4; i++)
			ram[m->scribble_lo - RAM_BASE + rng64() % (m->scribble_hi - m->scribble_lo)] = (uint8_t)rng64();
	return host;
}

static struct fake_mem fmem;
static const struct vq_guest_mem mem = { &fmem, fake_map };

/* Guest memory accessors (x86: little-endian like the rings). */
static uint8_t *G(uint64_t gpa) { return ram + (gpa - RAM_BASE); }
static void w16(uint64_t gpa, uint16_t v) { memcpy(G(gpa), &v, 2); }
static void w32(uint64_t gpa, uint32_t v) { memcpy(G(gpa), &v, 4); }
static void w64(uint64_t gpa, uint64_t v) { memcpy(G(gpa), &v, 8); }
static uint16_t r16(uint64_t gpa) { uint16_t v; memcpy(&v, G(gpa), 2); return v; }
static uint32_t r32(uint64_t gpa) { uint32_t v; memcpy(&v, G(gpa), 4); return v; }

/* The driver's view of one queue. */
struct drv {
	struct virtqueue vq;
	uint16_t size;
	uint64_t desc, avail, used;
	uint16_t aidx;          /* avail->idx as last published */
};

static struct drv d;
static struct vq_chain ch;

static void desc_at(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint64_t p = table + 16 * (uint64_t)i;
	w64(p, addr);
	w32(p + 8, len);
	w16(p + 12, flags);
	w16(p + 14, next);
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	desc_at(d.desc, i, addr, len, flags, next);
}

/* A queue: descriptor table at the start of RAM, rings after it (room for 32768 entries each);
 * RAM left as it is. */
static int setup_queue(uint16_t size, bool event_idx, bool indirect)
{
	memset(&fmem, 0, sizeof fmem);
	memset(&d, 0, sizeof d);
	d.size = size;
	d.desc = RAM_BASE;
	d.avail = RAM_BASE + 0x80000;
	d.used = RAM_BASE + 0xa0000;
	d.vq.size = size;
	d.vq.desc_gpa = d.desc;
	d.vq.avail_gpa = d.avail;
	d.vq.used_gpa = d.used;
	d.vq.event_idx = event_idx;
	d.vq.indirect = indirect;
	return vq_enable(&d.vq, &mem);
}

/* The same on zeroed RAM. */
static int setup(uint16_t size, bool event_idx, bool indirect)
{
	memset(ram, 0, RAM_SIZE);
	return setup_queue(size, event_idx, indirect);
}

/* Publishes n heads at once (one avail->idx update). */
static void publish(const uint16_t *heads, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		w16(d.avail + 4 + 2 * ((d.aidx + i) % d.size), heads[i]);
	d.aidx = (uint16_t)(d.aidx + n);
	w16(d.avail + 2, d.aidx);
}

static int offer(uint16_t head)
{
	publish(&head, 1);
	return vq_pop(&d.vq, &ch);
}

static uint16_t used_idx(void) { return r16(d.used + 2); }
static uint32_t used_id(uint16_t i) { return r32(d.used + 4 + 8 * (uint64_t)(i % d.size)); }
static uint32_t used_len(uint16_t i) { return r32(d.used + 8 + 8 * (uint64_t)(i % d.size)); }
static uint16_t used_flags(void) { return r16(d.used); }
static uint16_t avail_event(void) { return r16(d.used + 4 + 8 * (uint64_t)d.size); }
static void set_used_event(uint16_t v) { w16(d.avail + 4 + 2 * (uint64_t)d.size, v); }

static bool seg_is(unsigned i, uint64_t gpa, uint32_t len, bool write)
{
	return i < ch.n && ch.seg[i].gpa == gpa && ch.seg[i].len == len && ch.seg[i].write == write &&
	       ch.seg[i].host == G(gpa);
}

static void test_enable(void)
{
	CHECK(setup(8, false, false) == 0 && vq_enabled(&d.vq), "enable: aligned rings in RAM");
	CHECK(setup(1, false, false) == 0, "enable: size 1");
	CHECK(setup(32768, false, false) == 0, "enable: size 32768");
	bool bad_size = true;
	static const uint16_t sizes[] = { 0, 3, 6, 100, 32767, 65535 };
	for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		bad_size &= setup(sizes[i], false, false) == -1 && !vq_enabled(&d.vq);
	CHECK(bad_size, "enable: size 0 or not a power of two refused");

	setup(8, false, false);
	d.vq.desc_gpa = RAM_BASE + 8;
	CHECK(vq_enable(&d.vq, &mem) == -1 && !vq_enabled(&d.vq), "enable: descriptor table not 16-aligned");
	d.vq.desc_gpa = d.desc;
	d.vq.avail_gpa = d.avail + 1;
	CHECK(vq_enable(&d.vq, &mem) == -1, "enable: available ring not 2-aligned");
	d.vq.avail_gpa = d.avail + 2;
	d.vq.used_gpa = d.used + 2;
	CHECK(vq_enable(&d.vq, &mem) == -1, "enable: used ring not 4-aligned");
	d.vq.used_gpa = d.used + 4;
	CHECK(vq_enable(&d.vq, &mem) == 0, "enable: minimal alignments (avail 2, used 4) accepted");
	d.vq.used_gpa = 0x1000;
	CHECK(vq_enable(&d.vq, &mem) == -1, "enable: used ring below RAM");
	d.vq.used_gpa = d.used;
	d.vq.desc_gpa = RAM_BASE + RAM_SIZE - 0x40; /* 8 descriptors = 0x80 bytes: straddles the end */
	CHECK(vq_enable(&d.vq, &mem) == -1, "enable: descriptor table straddling the end of RAM");
	d.vq.desc_gpa = RAM_BASE + RAM_SIZE - 0x80;
	CHECK(vq_enable(&d.vq, &mem) == 0, "enable: descriptor table ending exactly at the end of RAM");
	d.vq.avail_gpa = RAM_BASE + RAM_SIZE - 20; /* 6 + 2 * 8 = 22 bytes, used_event included */
	CHECK(vq_enable(&d.vq, &mem) == -1, "enable: available ring's used_event outside RAM");
	d.vq.avail_gpa = d.avail;
	d.vq.used_gpa = RAM_BASE + RAM_SIZE - 68; /* 6 + 8 * 8 = 70 bytes */
	CHECK(vq_enable(&d.vq, &mem) == -1, "enable: used ring's avail_event outside RAM");
	d.vq.used_gpa = d.used;
	CHECK(vq_enable(&d.vq, NULL) == -1, "enable: no guest memory");

	setup(8, false, false);
	desc(0, BUF(0), 16, 0, 0);
	vq_reset(&d.vq);
	CHECK(!vq_enabled(&d.vq) && d.vq.size == 8 && d.vq.desc_gpa == d.desc, "reset: disabled, configuration kept");
	CHECK(offer(0) == 0 && !vq_has_available(&d.vq), "reset: a disabled queue has nothing to pop");
	vq_push(&d.vq, 0, 5);
	CHECK(used_idx() == 0 && used_id(0) == 0 && used_len(0) == 0, "reset: push on a disabled queue writes nothing");
	CHECK(!vq_should_interrupt(&d.vq), "reset: no interrupt from a disabled queue");
}

static void test_single(void)
{
	setup(8, false, false);
	CHECK(!vq_has_available(&d.vq) && vq_pop(&d.vq, &ch) == 0, "single: empty queue");
	desc(3, BUF(0), 100, 0, 0);
	memset(G(BUF(0)), 0xab, 100);
	publish((uint16_t[]){ 3 }, 1);
	CHECK(vq_has_available(&d.vq), "single: has_available after publishing");
	int r = vq_pop(&d.vq, &ch);
	CHECK(r == 1 && ch.head == 3 && ch.n == 1 && seg_is(0, BUF(0), 100, false) && ch.readable == 100 &&
	      ch.writable == 0, "single: one readable segment (r=%d n=%u)", r, ch.n);
	CHECK(!vq_has_available(&d.vq) && vq_pop(&d.vq, &ch) == 0, "single: consumed");
	vq_push(&d.vq, 3, 0);
	CHECK(used_idx() == 1 && used_id(0) == 3 && used_len(0) == 0, "single: used element and idx");

	desc(5, BUF(1), 64, VIRTQ_DESC_F_WRITE, 0);
	r = offer(5);
	CHECK(r == 1 && ch.head == 5 && seg_is(0, BUF(1), 64, true) && ch.writable == 64 && ch.readable == 0,
	      "single: one writable segment");
	vq_push(&d.vq, 5, 64);
	CHECK(used_idx() == 2 && used_id(1) == 5 && used_len(1) == 64, "single: second used element");

	/* a descriptor whose next field is garbage but NEXT is clear: the chain ends there */
	desc(1, BUF(2), 8, 0, 0xffff);
	CHECK(offer(1) == 1 && ch.n == 1, "single: next ignored without NEXT");
}

static void test_multi(void)
{
	setup(8, false, false);
	/* 6 -> 2 -> 7 -> 0: two readable (10 + 20), two writable (5 + 30), out of table order */
	desc(6, BUF(0), 10, VIRTQ_DESC_F_NEXT, 2);
	desc(2, BUF(1), 20, VIRTQ_DESC_F_NEXT, 7);
	desc(7, BUF(2), 5, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 0);
	desc(0, BUF(3), 30, VIRTQ_DESC_F_WRITE, 4);
	for (unsigned i = 0; i < 10; i++)
		G(BUF(0))[i] = (uint8_t)i;
	for (unsigned i = 0; i < 20; i++)
		G(BUF(1))[i] = (uint8_t)(10 + i);
	int r = offer(6);
	CHECK(r == 1 && ch.head == 6 && ch.n == 4 && seg_is(0, BUF(0), 10, false) && seg_is(1, BUF(1), 20, false) &&
	      seg_is(2, BUF(2), 5, true) && seg_is(3, BUF(3), 30, true) && ch.readable == 30 && ch.writable == 35,
	      "multi: 2 readable + 2 writable segments in chain order");

	uint8_t buf[64];
	size_t n = vq_chain_read(&ch, 0, buf, sizeof buf);
	bool ok = n == 30;
	for (unsigned i = 0; i < 30; i++)
		ok &= buf[i] == i;
	CHECK(ok, "chain_read: all readable bytes across segments (%zu)", n);
	n = vq_chain_read(&ch, 7, buf, 6);
	CHECK(n == 6 && buf[0] == 7 && buf[2] == 9 && buf[3] == 10 && buf[5] == 12, "chain_read: across a segment boundary");
	n = vq_chain_read(&ch, 25, buf, 10);
	CHECK(n == 5 && buf[0] == 25 && buf[4] == 29, "chain_read: stops at the end");
	CHECK(vq_chain_read(&ch, 30, buf, 10) == 0 && vq_chain_read(&ch, 1000, buf, 10) == 0,
	      "chain_read: offset at or past the end");
	CHECK(vq_chain_read(&ch, 3, buf, 0) == 0, "chain_read: zero bytes");

	uint8_t src[40];
	for (unsigned i = 0; i < sizeof src; i++)
		src[i] = (uint8_t)(0x80 + i);
	n = vq_chain_write(&ch, 3, src, 4);
	CHECK(n == 4 && G(BUF(2))[3] == 0x80 && G(BUF(2))[4] == 0x81 && G(BUF(3))[0] == 0x82 && G(BUF(3))[1] == 0x83 &&
	      G(BUF(3))[2] == 0, "chain_write: across a segment boundary");
	n = vq_chain_write(&ch, 0, src, sizeof src);
	CHECK(n == 35 && G(BUF(2))[0] == 0x80 && G(BUF(3))[29] == 0x80 + 34 && G(BUF(3))[30] == 0,
	      "chain_write: stops at the end of the writable segments");
	CHECK(G(BUF(1))[19] == 29 && G(BUF(0))[0] == 0, "chain_write: readable segments untouched");
	CHECK(vq_chain_write(&ch, 35, src, 1) == 0, "chain_write: offset at the end");

	vq_push(&d.vq, ch.head, 35);
	CHECK(used_idx() == 1 && used_id(0) == 6 && used_len(0) == 35, "multi: pushed");

	/* out of order completion: two chains popped, pushed in reverse */
	desc(1, BUF(4), 1, 0, 0);
	desc(3, BUF(5), 1, 0, 0);
	publish((uint16_t[]){ 1, 3 }, 2);
	int a = vq_pop(&d.vq, &ch);
	uint16_t h1 = ch.head;
	int b = vq_pop(&d.vq, &ch);
	uint16_t h2 = ch.head;
	vq_push(&d.vq, h2, 0);
	vq_push(&d.vq, h1, 0);
	CHECK(a == 1 && b == 1 && h1 == 1 && h2 == 3 && used_idx() == 3 && used_id(1) == 3 && used_id(2) == 1,
	      "multi: batch of two, completed out of order");

	/* zero-length descriptors: allowed, no segment, address not looked at */
	desc(4, 0xdead0000000ull, 0, VIRTQ_DESC_F_NEXT, 5);
	desc(5, BUF(6), 8, VIRTQ_DESC_F_NEXT, 1);
	desc(1, 0, 0, VIRTQ_DESC_F_WRITE, 0);
	r = offer(4);
	CHECK(r == 1 && ch.n == 1 && seg_is(0, BUF(6), 8, false) && ch.writable == 0,
	      "zero-length: allowed and skipped (r=%d n=%u)", r, ch.n);

	/* a chain of exactly size descriptors is fine */
	for (unsigned i = 0; i < 8; i++)
		desc(i, BUF(i), 1, i < 7 ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	r = offer(0);
	CHECK(r == 1 && ch.n == 8 && ch.readable == 8, "multi: chain of queue-size descriptors");
}

static void test_indirect(void)
{
	setup(8, false, true);
	/* an indirect table at an odd address: 0 (read 12) -> 2 (write 40) -> 1 (write 4) */
	uint64_t t = BUF(10) + 3;
	desc_at(t, 0, BUF(0), 12, VIRTQ_DESC_F_NEXT, 2);
	desc_at(t, 2, BUF(1), 40, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	desc_at(t, 1, BUF(2), 4, VIRTQ_DESC_F_WRITE, 0);
	desc(4, t, 48, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE, 0); /* WRITE here is ignored */
	int r = offer(4);
	CHECK(r == 1 && ch.head == 4 && ch.n == 3 && seg_is(0, BUF(0), 12, false) && seg_is(1, BUF(1), 40, true) &&
	      seg_is(2, BUF(2), 4, true) && ch.readable == 12 && ch.writable == 44,
	      "indirect: table at an unaligned address (r=%d n=%u)", r, ch.n);
	vq_push(&d.vq, 4, 44);
	CHECK(used_idx() == 1 && used_id(0) == 4 && used_len(0) == 44, "indirect: pushed by its head");

	/* aligned table, reached after two direct descriptors (§2.7.5.3.2) */
	t = BUF(11);
	desc_at(t, 0, BUF(3), 7, VIRTQ_DESC_F_WRITE, 0);
	desc(0, BUF(4), 3, VIRTQ_DESC_F_NEXT, 6);
	desc(6, BUF(5), 5, VIRTQ_DESC_F_NEXT, 2);
	desc(2, t, 16, VIRTQ_DESC_F_INDIRECT, 0);
	r = offer(0);
	CHECK(r == 1 && ch.n == 3 && seg_is(0, BUF(4), 3, false) && seg_is(1, BUF(5), 5, false) &&
	      seg_is(2, BUF(3), 7, true), "indirect: direct descriptors followed by an indirect one");

	/* an indirect chain may be longer than the queue (up to the table's entries) */
	t = BUF(12);
	for (unsigned i = 0; i < 20; i++)
		desc_at(t, i, BUF(20 + i), 2, i < 19 ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	desc(3, t, 20 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	r = offer(3);
	CHECK(r == 1 && ch.n == 20 && ch.readable == 40, "indirect: 20 entries in an 8-entry queue");

	/* the largest table: 32768 entries, chain of two at its end */
	t = BUF(0);
	desc_at(t, VQ_MAX_INDIRECT - 2, BUF(200), 4, VIRTQ_DESC_F_NEXT, VQ_MAX_INDIRECT - 1);
	desc_at(t, VQ_MAX_INDIRECT - 1, BUF(201), 4, VIRTQ_DESC_F_WRITE, 0);
	desc_at(t, 0, BUF(202), 0, VIRTQ_DESC_F_NEXT, VQ_MAX_INDIRECT - 2);
	desc(5, t, VQ_MAX_INDIRECT * 16, VIRTQ_DESC_F_INDIRECT, 0);
	r = offer(5);
	CHECK(r == 1 && ch.n == 2 && seg_is(0, BUF(200), 4, false) && seg_is(1, BUF(201), 4, true),
	      "indirect: a table of %d entries", VQ_MAX_INDIRECT);
}

/* Each case: a fresh queue, one chain offered with head 0, and vq_pop must say -1. */
static void malformed(const char *name, bool indirect, void (*build)(void))
{
	setup(8, false, indirect);
	build();
	int r = offer(0);
	int again = vq_pop(&d.vq, &ch);
	CHECK(r == -1 && again == -1 && !fmem.bad_call, "malformed: %s (r=%d)", name, r);
}

static void b_loop(void) { desc(0, BUF(0), 1, VIRTQ_DESC_F_NEXT, 1); desc(1, BUF(1), 1, VIRTQ_DESC_F_NEXT, 0); }
static void b_self_loop_empty(void) { desc(0, BUF(0), 0, VIRTQ_DESC_F_NEXT, 0); }
static void b_too_long(void)
{
	/* 9 descriptors in an 8-entry table can only be a loop: 0..7 then back to 3 */
	for (unsigned i = 0; i < 8; i++)
		desc(i, BUF(i), 1, VIRTQ_DESC_F_NEXT, (uint16_t)(i < 7 ? i + 1 : 3));
}
static void b_next_out(void) { desc(0, BUF(0), 1, VIRTQ_DESC_F_NEXT, 8); }
static void b_write_then_read(void)
{
	desc(0, BUF(0), 4, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	desc(1, BUF(1), 4, 0, 0);
}
static void b_write_then_empty_read(void)
{
	desc(0, BUF(0), 4, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	desc(1, BUF(1), 0, 0, 0);
}
static void b_below_ram(void) { desc(0, 0x1000, 16, 0, 0); }
static void b_past_ram(void) { desc(0, RAM_BASE + RAM_SIZE, 1, 0, 0); }
static void b_straddle(void) { desc(0, RAM_BASE + RAM_SIZE - 8, 9, 0, 0); }
static void b_wrap(void) { desc(0, 0xfffffffffffffff0ull, 0x20, 0, 0); }
static void b_second_bad(void) { desc(0, BUF(0), 4, VIRTQ_DESC_F_NEXT, 1); desc(1, 0x10, 4, VIRTQ_DESC_F_WRITE, 0); }
static void b_indirect(void) { desc_at(BUF(9), 0, BUF(0), 4, 0, 0); desc(0, BUF(9), 16, VIRTQ_DESC_F_INDIRECT, 0); }
static void b_indirect_next(void)
{
	desc_at(BUF(9), 0, BUF(0), 4, 0, 0);
	desc(0, BUF(9), 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	desc(1, BUF(1), 4, 0, 0);
}
static void b_nested(void)
{
	desc_at(BUF(8), 0, BUF(0), 4, 0, 0);
	desc_at(BUF(9), 0, BUF(8), 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc(0, BUF(9), 16, VIRTQ_DESC_F_INDIRECT, 0);
}
static void b_indirect_empty(void) { desc(0, BUF(9), 0, VIRTQ_DESC_F_INDIRECT, 0); }
static void b_indirect_ragged(void) { desc_at(BUF(9), 0, BUF(0), 4, 0, 0); desc(0, BUF(9), 24, VIRTQ_DESC_F_INDIRECT, 0); }
static void b_indirect_huge(void)
{
	/* in RAM, and its first entry a valid end of chain: only the size is wrong */
	desc_at(BUF(0), 0, BUF(200), 4, 0, 0);
	desc(0, BUF(0), (VQ_MAX_INDIRECT + 1) * 16, VIRTQ_DESC_F_INDIRECT, 0);
}
static void b_indirect_out(void) { desc(0, RAM_BASE + RAM_SIZE - 16, 32, VIRTQ_DESC_F_INDIRECT, 0); }
static void b_indirect_loop(void)
{
	desc_at(BUF(9), 0, BUF(0), 4, VIRTQ_DESC_F_NEXT, 1);
	desc_at(BUF(9), 1, BUF(1), 4, VIRTQ_DESC_F_NEXT, 0);
	desc(0, BUF(9), 32, VIRTQ_DESC_F_INDIRECT, 0);
}
static void b_indirect_next_out(void)
{
	desc_at(BUF(9), 0, BUF(0), 4, VIRTQ_DESC_F_NEXT, 2); /* a 2-entry table */
	desc_at(BUF(9), 2, BUF(1), 4, 0, 0);
	desc(0, BUF(9), 32, VIRTQ_DESC_F_INDIRECT, 0);
}
static void b_indirect_order(void)
{
	desc_at(BUF(9), 0, BUF(0), 4, 0, 0);
	desc(0, BUF(1), 4, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	desc(1, BUF(9), 16, VIRTQ_DESC_F_INDIRECT, 0);
}

static void test_malformed(void)
{
	malformed("descriptor loop", false, b_loop);
	malformed("zero-length self loop", false, b_self_loop_empty);
	malformed("chain longer than the queue", false, b_too_long);
	malformed("next >= size", false, b_next_out);
	malformed("readable after writable", false, b_write_then_read);
	malformed("zero-length readable after writable", false, b_write_then_empty_read);
	malformed("buffer below RAM", false, b_below_ram);
	malformed("buffer past RAM", false, b_past_ram);
	malformed("buffer straddling the end of RAM", false, b_straddle);
	malformed("buffer wrapping past 2^64", false, b_wrap);
	malformed("second buffer outside RAM", false, b_second_bad);
	malformed("INDIRECT not negotiated", false, b_indirect);
	malformed("INDIRECT with NEXT", true, b_indirect_next);
	malformed("nested INDIRECT", true, b_nested);
	malformed("indirect table of 0 bytes", true, b_indirect_empty);
	malformed("indirect table not a multiple of 16", true, b_indirect_ragged);
	malformed("indirect table over 32768 entries", true, b_indirect_huge);
	malformed("indirect table outside RAM", true, b_indirect_out);
	malformed("loop in an indirect table", true, b_indirect_loop);
	malformed("next past the indirect table", true, b_indirect_next_out);
	malformed("indirect readable after direct writable", true, b_indirect_order);

	setup(8, false, false);
	CHECK(offer(8) == -1, "malformed: head >= size");

	/* sticky until reset */
	setup(8, false, false);
	b_loop();
	int r1 = offer(0);
	desc(1, BUF(1), 1, 0, 0);
	int r2 = vq_pop(&d.vq, &ch);
	vq_reset(&d.vq);
	int en = vq_enable(&d.vq, &mem);
	d.aidx = 0;
	int r3 = offer(0);
	CHECK(r1 == -1 && r2 == -1 && en == 0 && r3 == 1, "malformed: stays broken until reset (%d %d %d)", r1, r2, r3);
}

static void test_avail_idx(void)
{
	setup(8, false, false);
	desc(0, BUF(0), 1, 0, 0);
	w16(d.avail + 2, 9);
	CHECK(vq_pop(&d.vq, &ch) == -1, "avail idx: size + 1 ahead is malformed");

	setup(8, false, false);
	desc(0, BUF(0), 1, 0, 0);
	uint16_t heads[8] = { 0 };
	publish(heads, 8);
	int n = 0, r;
	while ((r = vq_pop(&d.vq, &ch)) == 1)
		n++;
	CHECK(n == 8 && r == 0, "avail idx: exactly size ahead is a full ring (%d)", n);

	/* the driver decrements avail->idx: looks 65535 ahead */
	w16(d.avail + 2, 7);
	CHECK(vq_pop(&d.vq, &ch) == -1, "avail idx: going backwards is malformed");

	setup(8, false, false);
	w16(d.avail + 2, 0x8000);
	CHECK(vq_pop(&d.vq, &ch) == -1, "avail idx: far ahead is malformed");
}

static void test_wrap(void)
{
	setup(4, false, false);
	for (unsigned i = 0; i < 4; i++)
		desc(i, BUF(i), 1 + i, 0, 0);
	bool ok = true;
	unsigned total = 0;
	/* 70000 chains, in batches of 1..4: indices run through 65535 -> 0 */
	while (total < 70000 && ok) {
		unsigned batch = 1 + total % 4;
		uint16_t heads[4];
		for (unsigned i = 0; i < batch; i++)
			heads[i] = (uint16_t)((total + i) % 4);
		publish(heads, batch);
		for (unsigned i = 0; i < batch; i++) {
			int r = vq_pop(&d.vq, &ch);
			ok &= r == 1 && ch.head == heads[i] && ch.readable == 1u + heads[i];
			vq_push(&d.vq, ch.head, (uint32_t)(total + i));
			uint16_t u = (uint16_t)(total + i);
			ok &= used_idx() == (uint16_t)(u + 1) && used_id(u) == heads[i] && used_len(u) == total + i;
		}
		ok &= vq_pop(&d.vq, &ch) == 0;
		total += batch;
	}
	CHECK(ok && d.vq.last_avail == (uint16_t)total && used_idx() == (uint16_t)total,
	      "wrap: 70000 chains through index 65535 -> 0 (%u)", total);

	/* a full ring published across the wrap in one step */
	setup(8, false, false);
	for (unsigned i = 0; i < 8; i++)
		desc(i, BUF(i), 1, 0, 0);
	d.vq.last_avail = d.vq.used_idx = d.vq.signalled_used = 65532;
	d.aidx = 65532;
	uint16_t heads[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	publish(heads, 8);
	ok = d.aidx == 4;
	for (unsigned i = 0; i < 8; i++) {
		ok &= vq_pop(&d.vq, &ch) == 1 && ch.head == i;
		vq_push(&d.vq, ch.head, 0);
	}
	CHECK(ok && vq_pop(&d.vq, &ch) == 0 && used_idx() == 4 && used_id(65535) == 3 && used_id(0) == 4,
	      "wrap: full ring published across 65535 -> 0");
}

static void test_interrupts(void)
{
	setup(8, false, false);
	for (unsigned i = 0; i < 8; i++)
		desc(i, BUF(i), 1, 0, 0);
	CHECK(!vq_should_interrupt(&d.vq), "interrupt: nothing pushed, none");
	offer(0);
	vq_push(&d.vq, 0, 0);
	CHECK(vq_should_interrupt(&d.vq), "interrupt: flags 0, after a push");
	CHECK(!vq_should_interrupt(&d.vq), "interrupt: not twice for the same push");
	w16(d.avail, VIRTQ_AVAIL_F_NO_INTERRUPT);
	offer(1);
	vq_push(&d.vq, 1, 0);
	CHECK(!vq_should_interrupt(&d.vq), "interrupt: NO_INTERRUPT without EVENT_IDX suppresses");
	w16(d.avail, 0);
	set_used_event(100); /* ignored without EVENT_IDX */
	offer(2);
	vq_push(&d.vq, 2, 0);
	CHECK(vq_should_interrupt(&d.vq), "interrupt: used_event ignored without EVENT_IDX");

	setup(8, true, false);
	for (unsigned i = 0; i < 8; i++)
		desc(i, BUF(i), 1, 0, 0);
	w16(d.avail, VIRTQ_AVAIL_F_NO_INTERRUPT); /* lower bit of flags ignored with EVENT_IDX */
	set_used_event(0);
	offer(0);
	vq_push(&d.vq, 0, 0); /* used idx 0 -> 1: the entry at index 0 written */
	CHECK(vq_should_interrupt(&d.vq), "event idx: used_event 0, first push notifies (flags ignored)");
	offer(1);
	vq_push(&d.vq, 1, 0); /* 1 -> 2 */
	CHECK(!vq_should_interrupt(&d.vq), "event idx: used_event behind, no interrupt");
	set_used_event(3);
	offer(2);
	vq_push(&d.vq, 2, 0); /* 2 -> 3: entry 2 */
	bool before = vq_should_interrupt(&d.vq);
	offer(3);
	vq_push(&d.vq, 3, 0); /* 3 -> 4: entry 3 == used_event */
	bool at = vq_should_interrupt(&d.vq);
	CHECK(!before && at, "event idx: interrupt exactly when the entry at used_event is written");
	set_used_event(5);
	publish((uint16_t[]){ 4, 5, 6 }, 3);
	for (int i = 0; i < 3; i++) {
		vq_pop(&d.vq, &ch);
		vq_push(&d.vq, ch.head, 0);
	}
	CHECK(vq_should_interrupt(&d.vq), "event idx: a batch passing used_event (4 -> 7, event 5)");
	set_used_event(7);
	CHECK(!vq_should_interrupt(&d.vq), "event idx: no new pushes, no interrupt");

	/* used_event across the wrap */
	d.vq.used_idx = d.vq.signalled_used = 65534;
	set_used_event(65535);
	offer(7);
	vq_push(&d.vq, 7, 0); /* 65534 -> 65535 */
	bool b1 = vq_should_interrupt(&d.vq);
	offer(7);
	vq_push(&d.vq, 7, 0); /* 65535 -> 0 */
	bool b2 = vq_should_interrupt(&d.vq);
	set_used_event(0);
	offer(7);
	vq_push(&d.vq, 7, 0); /* 0 -> 1 */
	bool b3 = vq_should_interrupt(&d.vq);
	CHECK(!b1 && b2 && b3 && used_idx() == 1, "event idx: decisions across 65535 -> 0");

	/* vring_need_event itself */
	CHECK(vq_need_event(5, 6, 5) && !vq_need_event(5, 5, 4) && vq_need_event(5, 9, 2) && !vq_need_event(1, 9, 2) &&
	      vq_need_event(65535, 1, 65534) && !vq_need_event(3, 3, 3), "vq_need_event: [old, new) mod 2^16");
}

static void test_notify(void)
{
	setup(8, false, false);
	vq_set_notify(&d.vq, false);
	bool off = used_flags() == VIRTQ_USED_F_NO_NOTIFY;
	vq_set_notify(&d.vq, true);
	CHECK(off && used_flags() == 0 && avail_event() == 0, "notify: NO_NOTIFY in used->flags without EVENT_IDX");

	setup(8, true, false);
	for (unsigned i = 0; i < 8; i++)
		desc(i, BUF(i), 1, 0, 0);
	publish((uint16_t[]){ 0, 1, 2 }, 3);
	vq_set_notify(&d.vq, true);
	CHECK(avail_event() == 3 && used_flags() == 0, "notify: EVENT_IDX enable writes avail_event = avail idx");
	vq_set_notify(&d.vq, false);
	CHECK(avail_event() == 0xffff && used_flags() == 0 && !vq_need_event(avail_event(), 4, 3) &&
	      !vq_need_event(avail_event(), 3, 0),
	      "notify: EVENT_IDX disable writes avail_event = the entry before the next to consume (the driver never passes it)");
	int n = 0;
	while (vq_pop(&d.vq, &ch) == 1)
		n++;
	CHECK(n == 3 && avail_event() == 0xffff, "notify: disabled, an empty pop leaves avail_event");
	vq_set_notify(&d.vq, true);
	publish((uint16_t[]){ 3 }, 1);
	vq_pop(&d.vq, &ch);
	CHECK(avail_event() == 3 && vq_pop(&d.vq, &ch) == 0 && avail_event() == 4,
	      "notify: enabled, an empty pop re-arms avail_event at the next entry");
	CHECK(!vq_has_available(&d.vq), "notify: nothing left");
}

/* Random descriptor tables, rings and indices; the "guest" also rewrites them while vq_pop maps
 * buffers. vq_pop must terminate with 1/0/-1, ask map only for sane ranges, and hand out only
 * segments that map returned for exactly that gpa and length. */
static uint64_t rnd_addr(void)
{
	switch (rng64() % 8) {
	case 0: return rng64();
	case 1: return RAM_BASE + RAM_SIZE - rng64() % 64;
	case 2: return RAM_BASE - rng64() % 64;
	case 3: return 0xffffffffffffffffull - rng64() % 64;
	default: return RAM_BASE + 0x100000 + rng64() % 0x100000;
	}
}

static uint32_t rnd_len(void)
{
	switch (rng64() % 8) {
	case 0: return (uint32_t)rng64();
	case 1: return 0;
	case 2: return (uint32_t)(16 * (rng64() % 40));
	default: return (uint32_t)(rng64() % 300);
	}
}

static void rnd_desc_at(uint64_t table, unsigned i, unsigned size, bool top)
{
	uint16_t flags = (uint16_t)(rng64() % 4 ? rng64() % 8 : rng64());
	uint16_t next = (uint16_t)(rng64() % 8 ? rng64() % (size + 1) : rng64());
	uint64_t addr = rnd_addr();
	uint32_t len = rnd_len();
	if (top && (flags & VIRTQ_DESC_F_INDIRECT) && rng64() % 2) {
		/* an indirect table in RAM with random entries */
		unsigned n = 1 + rng64() % 40;
		addr = RAM_BASE + 0x100000 + rng64() % (0x100000 - 16 * n);
		len = rng64() % 8 ? 16 * n : (uint32_t)rnd_len();
		for (unsigned k = 0; k < n; k++)
			rnd_desc_at(addr, k, n, false);
	}
	desc_at(table, i, addr, len, flags, next);
}

/* A well-formed driver: the table cut into chains (readable then writable, now and then through
 * an indirect table), their heads in the avail ring; then a few random bytes flipped. Returns
 * the number of chains. */
static unsigned rnd_sane(uint16_t size)
{
	unsigned nchains = 0, i = 0;
	while (i < size) {
		unsigned len = 1 + rng64() % 4;
		if (len > size - i)
			len = size - i;
		unsigned nread = rng64() % (len + 1);
		uint64_t table = d.desc;
		unsigned first = i;
		if (d.vq.indirect && rng64() % 4 == 0) {
			/* one descriptor pointing at a table of len entries */
			table = RAM_BASE + 0x1c0000 + 0x400 * (uint64_t)nchains + rng64() % 16;
			desc(i, table, 16 * len, VIRTQ_DESC_F_INDIRECT, 0);
			first = 0;
		}
		for (unsigned k = 0; k < len; k++) {
			uint16_t flags = (uint16_t)((k >= nread ? VIRTQ_DESC_F_WRITE : 0) | (k + 1 < len ? VIRTQ_DESC_F_NEXT : 0));
			desc_at(table, first + k, RAM_BASE + 0x100000 + rng64() % 0xc0000, (uint32_t)(rng64() % 200), flags,
				(uint16_t)(first + k + 1));
		}
		w16(d.avail + 4 + 2 * (uint64_t)nchains, (uint16_t)i);
		i += table == d.desc ? len : 1;
		nchains++;
	}
	for (unsigned k = rng64() % 4; k > 0; k--)
		G(d.desc)[rng64() % (16 * (uint64_t)size)] ^= (uint8_t)(1u << (rng64() % 8));
	return nchains;
}

static void test_random(void)
{
	unsigned results[3] = { 0 };
	bool ok = true;
	for (unsigned iter = 0; iter < 20000 && ok; iter++) {
		uint16_t size = (uint16_t)(1u << (rng64() % 7));
		setup_queue(size, rng64() % 2, rng64() % 4 != 0);
		if (rng64() % 4 == 0) {
			/* rings flush against the end of RAM */
			d.desc = d.vq.desc_gpa = RAM_BASE + RAM_SIZE - 16 * (uint64_t)size;
			d.used = d.vq.used_gpa = (RAM_BASE + RAM_SIZE - 16 * (uint64_t)size - 6 - 8 * (uint64_t)size) & ~3ull;
			d.avail = d.vq.avail_gpa = (d.used - 6 - 2 * (uint64_t)size) & ~1ull;
			if (vq_enable(&d.vq, &mem) != 0) {
				ok = false;
				break;
			}
		}
		unsigned navail;
		if (rng64() % 2) {
			navail = rnd_sane(size);
		} else {
			for (unsigned i = 0; i < size; i++)
				rnd_desc_at(d.desc, i, size, true);
			navail = rng64() % (size + 2u);
			for (unsigned i = 0; i < size; i++)
				w16(d.avail + 4 + 2 * i, (uint16_t)(rng64() % 8 ? rng64() % (size + 1) : rng64()));
		}
		d.aidx = (uint16_t)(rng64() % 16 ? navail : rng64());
		w16(d.avail + 2, d.aidx);
		fmem.scribble = rng64() % 4 == 0;
		fmem.scribble_lo = d.desc;
		fmem.scribble_hi = d.desc + 16 * (uint64_t)size;

		for (unsigned k = 0; k < size + 2u; k++) {
			fmem.calls = 0;
			int r = vq_pop(&d.vq, &ch);
			if (r < -1 || r > 1 || fmem.bad_call || fmem.calls > VQ_MAX_SEGMENTS + 1) {
				ok = false;
				break;
			}
			results[r + 1]++;
			if (r != 1)
				break;
			uint64_t rd = 0, wr = 0;
			bool seen_write = false;
			ok &= ch.n <= VQ_MAX_SEGMENTS && ch.head < size;
			for (unsigned s = 0; s < ch.n && ok; s++) {
				const struct vq_segment *g = &ch.seg[s];
				bool mapped = false;
				for (unsigned m = 0; m < fmem.calls && m < LOG_MAX; m++)
					mapped |= fmem.log[m].gpa == g->gpa && fmem.log[m].len == g->len && fmem.log[m].host == g->host;
				ok &= mapped && g->len > 0 && g->host == G(g->gpa) && g->gpa >= RAM_BASE &&
				      g->gpa - RAM_BASE + g->len <= RAM_SIZE && !(seen_write && !g->write);
				seen_write |= g->write;
				*(g->write ? &wr : &rd) += g->len;
			}
			ok &= rd == ch.readable && wr == ch.writable && rd + wr <= (1ull << 32);
			vq_push(&d.vq, ch.head, (uint32_t)wr);
			if (rng64() % 2)
				vq_should_interrupt(&d.vq);
			if (rng64() % 4 == 0)
				vq_set_notify(&d.vq, rng64() % 2);
		}
	}
	CHECK(ok && results[0] && results[1] && results[2],
	      "random: 20000 queues, vq_pop terminates in RAM (-1: %u, 0: %u, 1: %u)", results[0], results[1], results[2]);
}

static void test_limits(void)
{
	/* more than VQ_MAX_SEGMENTS segments */
	setup(128, false, true);
	for (unsigned i = 0; i < 65; i++)
		desc(i, BUF(i), 1, i < 64 ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	int r65 = offer(0);
	setup(128, false, true);
	for (unsigned i = 0; i < 65; i++)
		desc(i, BUF(i), 1, i < 63 ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	int r64 = offer(0);
	CHECK(r65 == -1 && r64 == 1 && ch.n == VQ_MAX_SEGMENTS, "limits: %d segments refused, %d accepted",
	      VQ_MAX_SEGMENTS + 1, VQ_MAX_SEGMENTS);

	setup(8, false, true);
	for (unsigned i = 0; i < 65; i++)
		desc_at(BUF(100), i, BUF(i), 1, i < 64 ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	desc(0, BUF(100), 65 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	CHECK(offer(0) == -1, "limits: %d segments through an indirect table refused", VQ_MAX_SEGMENTS + 1);

	/* zero-length descriptors make no segments: 100 of them plus one real one is fine */
	setup(128, false, false);
	for (unsigned i = 0; i < 101; i++)
		desc(i, BUF(i), i == 100 ? 4 : 0, i < 100 ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	int r = offer(0);
	CHECK(r == 1 && ch.n == 1 && ch.readable == 4, "limits: zero-length descriptors do not count as segments");

	/* at most 2^32 bytes in total (§2.7.5.2) */
	setup(8, false, false);
	fmem.huge = true;
	desc(0, HUGE_BASE, 0x80000000u, VIRTQ_DESC_F_NEXT, 1);
	desc(1, HUGE_BASE + 0x80000000u, 0x80000000u, VIRTQ_DESC_F_WRITE, 0);
	r = offer(0);
	CHECK(r == 1 && ch.readable == 0x80000000u && ch.writable == 0x80000000u, "limits: exactly 2^32 bytes accepted");
	desc(2, HUGE_BASE, 0xffffffffu, VIRTQ_DESC_F_NEXT, 3);
	desc(3, HUGE_BASE, 0xffffffffu, VIRTQ_DESC_F_NEXT, 4);
	desc(4, HUGE_BASE, 2, 0, 0);
	CHECK(offer(2) == -1, "limits: more than 2^32 bytes in total refused");
}

int main(void)
{
	ram = malloc(RAM_SIZE);
	if (!ram)
		return 2;
	test_enable();
	test_single();
	test_multi();
	test_indirect();
	test_malformed();
	test_avail_idx();
	test_wrap();
	test_interrupts();
	test_notify();
	test_limits();
	test_random();
	free(ram);
	return CHECK_DONE();
}
