/* Test helper: the driver's side of split queues (descriptor chains, the available ring, queue
 * setup), on top of tests/devices/virtio_test_driver.h. */
#ifndef TESTS_DEVICES_VIRTIO_TEST_RINGS_H
#define TESTS_DEVICES_VIRTIO_TEST_RINGS_H
#include "tests/devices/virtio_test_driver.h"
#include <stdbool.h>

/* The driver's side of one split queue of QSIZE entries (virtio 1.2 §2.7). */
#define QSIZE 16
struct ring {
	uint64_t desc, avail, used;
	uint16_t avail_idx, next_desc;
};

struct seg {
	uint64_t addr;
	uint32_t len;
	bool write;
};

static inline void put_desc(uint64_t a, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	put64(a, addr);
	put32(a + 8, len);
	put16(a + 12, flags);
	put16(a + 14, next);
}

static inline void make_available(struct ring *r, uint16_t head)
{
	put16(r->avail + 4 + 2 * (r->avail_idx % QSIZE), head);
	r->avail_idx++;
	put16(r->avail + 2, r->avail_idx);
}

/* Descriptors for segs (consecutive slots, NEXT-linked), made available; returns the head. */
static inline uint16_t add_chain(struct ring *r, const struct seg *s, unsigned n)
{
	uint16_t head = r->next_desc % QSIZE;
	for (unsigned i = 0; i < n; i++) {
		uint16_t at = (uint16_t)((head + i) % QSIZE);
		put_desc(r->desc + 16 * at, s[i].addr, s[i].len,
			 (uint16_t)((i + 1 < n ? VIRTQ_DESC_F_NEXT : 0) | (s[i].write ? VIRTQ_DESC_F_WRITE : 0)),
			 (uint16_t)((at + 1) % QSIZE));
	}
	r->next_desc = (uint16_t)(r->next_desc + n);
	make_available(r, head);
	return head;
}

static inline void notify(unsigned q) { wr(VIRTIO_PCI_NOTIFY + VIRTIO_PCI_NOTIFY_MULT * q, 2, q); }
static inline uint16_t used_idx(const struct ring *r) { return get16(r->used + 2); }
static inline uint32_t used_id(const struct ring *r, unsigned i) { return get32(r->used + 4 + 8 * (i % QSIZE)); }
static inline uint32_t used_len(const struct ring *r, unsigned i) { return get32(r->used + 8 + 8 * (i % QSIZE)); }

/* Queue q of QSIZE entries on ring r with MSI-X vector `vector`, enabled. */
static inline void setup_queue(unsigned q, const struct ring *r, uint16_t vector)
{
	wr(0x16, 2, q);
	wr(0x18, 2, QSIZE);
	wr(0x1a, 2, vector);
	wr(0x20, 4, (uint32_t)r->desc);
	wr(0x24, 4, 0);
	wr(0x28, 4, (uint32_t)r->avail);
	wr(0x2c, 4, 0);
	wr(0x30, 4, (uint32_t)r->used);
	wr(0x34, 4, 0);
	wr(0x1c, 2, 1);
}

/* Probing a device with a receive and a transmit queue: reset, features, FEATURES_OK, config
 * vector 0, the receive queue on vector 1, the transmit queue on vector 2, then DRIVER_OK if
 * driver_ok. The driver's ring indices start over (the caller clears the ring memory). */
static inline void start_rx_tx(uint64_t features, bool driver_ok, unsigned rxq, struct ring *rx, unsigned txq,
			       struct ring *tx)
{
	rx->avail_idx = rx->next_desc = tx->avail_idx = tx->next_desc = 0;
	negotiate(features);
	wr(0x10, 2, 0);
	setup_queue(rxq, rx, 1);
	setup_queue(txq, tx, 2);
	if (driver_ok)
		wr(0x14, 1, VT_STATUS_FEATURES | VIRTIO_STATUS_DRIVER_OK);
}
#endif
