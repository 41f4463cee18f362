/* Host tests for the virtio PCI transport (pci/virtio_pci.c) with the entropy device
 * (devices/virtio/rng.c), driven as Linux's virtio_pci_modern driver does: capabilities,
 * feature negotiation, status, queue setup, notification, used ring, MSI-X, ISR, malformed
 * rings (NEEDS_RESET), the PCI configuration access capability. */
#include "devices/virtio/rng.h"
#include "pci/cap.h"
#include "pci/regs.h"
#include "tests/check.h"
#include <string.h>

#define RAM_SIZE 0x10000
static uint8_t ram[RAM_SIZE];

#include "tests/pci/msi_log.h"

static uint64_t counter;
static uint64_t fake_random(void *ctx) { return 0x0101010101010101ull * (++counter & 0xff); }

static struct virtio_rng rng;
#define D (&rng.dev)

#include "tests/devices/virtio_test_driver.h"



#define DESC 0x1000
#define AVAIL 0x2000
#define USED 0x3000
#define BUF 0x4000

/* The driver side of probing: reset, ACKNOWLEDGE|DRIVER, features, FEATURES_OK, queue 0. */
static void bring_up(uint64_t features)
{
	negotiate(features);
	wr(0x16, 2, 0);
	wr(0x18, 2, 16);
	wr(0x1a, 2, 1);
	wr(0x20, 4, DESC);
	wr(0x24, 4, 0);
	wr(0x28, 8, AVAIL); /* a 64-bit write works as two halves do */
	wr(0x30, 4, USED);
	wr(0x34, 4, 0);
	wr(0x1c, 2, 1);
	wr(0x10, 2, 0);
	wr(0x14, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

/* One device-writable buffer of len bytes in descriptor slot 0, made available as entry n. */
static void post(uint16_t n, uint32_t len)
{
	put64(DESC, BUF);
	put32(DESC + 8, len);
	put16(DESC + 12, 2); /* VIRTQ_DESC_F_WRITE */
	put16(DESC + 14, 0);
	put16(AVAIL + 4 + 2 * (n % 16), 0);
	put16(AVAIL + 2, (uint16_t)(n + 1));
}

int main(void)
{
	virtio_rng_init(&rng, &mem, raise_msi, 0, fake_random, 0);
	CHECK(cfg(PCI_VENDOR_ID, 2) == 0x1af4 && cfg(PCI_DEVICE_ID, 2) == 0x1044 && cfg(PCI_REVISION_ID, 1) == 1 &&
	      cfg(PCI_SUBSYSTEM_ID, 2) >= 0x40, "ids: 1af4:1044, revision 1, subsystem >= 0x40 (virtio 1.2 §4.1.2)");
	unsigned common = find_cap(1), notify = find_cap(2), isr = find_cap(3), devcfg = find_cap(4), pcicfg = find_cap(5);
	CHECK(common && notify && isr && !devcfg && pcicfg && cfg(common + 4, 1) == 0 && cfg(common + 8, 4) == 0 &&
	      cfg(common + 12, 4) >= 0x38 && cfg(notify + 8, 4) == VIRTIO_PCI_NOTIFY && cfg(notify + 16, 4) == 4 &&
	      cfg(isr + 8, 4) == VIRTIO_PCI_ISR && pci_cap_find(&D->fn, PCI_CAP_ID_MSIX),
	      "capabilities: common, notify (multiplier 4), ISR, PCI cfg access, MSI-X; no device config for rng");

	wr(0x00, 4, 0);
	uint32_t f0 = (uint32_t)rd(0x04, 4);
	wr(0x00, 4, 1);
	uint32_t f1 = (uint32_t)rd(0x04, 4);
	CHECK((f1 & 1) && (f0 & (1u << 28)) && (f0 & (1u << 29)) && rd(0x12, 2) == 1,
	      "features: VERSION_1, INDIRECT_DESC, EVENT_IDX offered; one queue");

	/* FEATURES_OK is refused without VERSION_1 and with bits never offered */
	wr(0x14, 1, 3);
	wr(0x08, 4, 0);
	wr(0x0c, 4, 0);
	wr(0x14, 1, 3 | VIRTIO_STATUS_FEATURES_OK);
	bool refused_legacy = !(rd(0x14, 1) & VIRTIO_STATUS_FEATURES_OK);
	wr(0x14, 1, 0);
	wr(0x14, 1, 3);
	wr(0x08, 4, 1);
	wr(0x0c, 4, 1 | 2); /* VERSION_1 and ACCESS_PLATFORM (bit 33, not offered) */
	wr(0x14, 1, 3 | VIRTIO_STATUS_FEATURES_OK);
	bool refused_unknown = !(rd(0x14, 1) & VIRTIO_STATUS_FEATURES_OK);
	CHECK(refused_legacy && refused_unknown, "FEATURES_OK: refused without VERSION_1, refused for bits not offered");

	bring_up(1ull << 32);
	bool ready = rd(0x14, 1) == 15 && rd(0x1c, 2) == 1 && rd(0x18, 2) == 16 && rd(0x28, 4) == AVAIL && rd(0x1a, 2) == 1;
	wr(0x18, 2, 64); /* fixed once enabled */
	wr(0x16, 2, 5);
	bool no_queue5 = rd(0x18, 2) == 0;
	wr(0x16, 2, 0);
	CHECK(ready && rd(0x18, 2) == 16 && no_queue5, "queue 0 set up and enabled; its size fixed once enabled; queue 5 reads size 0");

	/* no bus mastering: the device must not touch the rings */
	post(0, 16);
	wr(VIRTIO_PCI_NOTIFY, 2, 0);
	bool no_dma = get16(USED + 2) == 0;
	enable_msix_vectors(2);
	wr(VIRTIO_PCI_NOTIFY, 2, 0);
	uint8_t want[16];
	memset(want, 1, 8);
	memset(want + 8, 2, 8);
	CHECK(no_dma && get16(USED + 2) == 1 && get32(USED + 4) == 0 && get32(USED + 8) == 16 && !memcmp(ram + BUF, want, 16),
	      "notify: without bus mastering nothing; with it the buffer is filled, used ring says 16 bytes");
	CHECK(nsent == 1 && sent[0].addr == 0xfee00000 && sent[0].data == 0x41 && rd(VIRTIO_PCI_ISR, 1) == 1 &&
	      rd(VIRTIO_PCI_ISR, 1) == 0, "interrupt: MSI-X vector 1 for the queue; ISR bit 0, cleared by reading");

	/* a buffer bigger than 4 KiB gets 4 KiB (§5.4.6: the device may return less) */
	counter = 0;
	post(1, 0x5000);
	wr(VIRTIO_PCI_NOTIFY, 4, 0);
	CHECK(get16(USED + 2) == 2 && get32(USED + 8 + 8) == 4096 && rng.bytes == 16 + 4096, "a 20 KiB request gets 4 KiB");

	/* a descriptor outside guest RAM: NEEDS_RESET and a configuration interrupt on vector 0 */
	nsent = 0;
	put64(DESC, 0x100000);
	put32(DESC + 8, 16);
	put16(AVAIL + 4 + 2 * 2, 0);
	put16(AVAIL + 2, 3);
	wr(VIRTIO_PCI_NOTIFY, 2, 0);
	bool needs_reset = (rd(0x14, 1) & VIRTIO_STATUS_NEEDS_RESET) && nsent == 1 && sent[0].data == 0x40 && rd(0x15, 1) == 1;
	post(3, 16);
	wr(VIRTIO_PCI_NOTIFY, 2, 0);
	bool stopped = get16(USED + 2) == 2;
	wr(0x14, 1, 0);
	CHECK(needs_reset && stopped && rd(0x14, 1) == 0 && rd(0x1c, 2) == 0 && rd(0x1a, 2) == VIRTIO_NO_VECTOR,
	      "wild DMA address: DEVICE_NEEDS_RESET + config interrupt, no more processing; reset clears it all");

	/* rings outside RAM when enabling: NEEDS_RESET, the queue stays off */
	bring_up(1ull << 32);
	wr(0x14, 1, 0);
	wr(0x14, 1, 3);
	wr(0x08, 4, 1);
	wr(0x0c, 4, 1);
	wr(0x14, 1, 11);
	wr(0x16, 2, 0);
	wr(0x20, 4, 0x200000);
	wr(0x1c, 2, 1);
	CHECK((rd(0x14, 1) & VIRTIO_STATUS_NEEDS_RESET) && rd(0x1c, 2) == 0, "queue rings outside guest RAM: NEEDS_RESET, not enabled");

	/* the PCI configuration access capability reads and writes the BAR */
	wr(0x14, 1, 0);
	pci_config_write(&D->fn, pcicfg + 4, 1, 0);
	pci_config_write(&D->fn, pcicfg + 12, 4, 2);
	pci_config_write(&D->fn, pcicfg + 8, 4, 0x12);
	bool read_numq = cfg(pcicfg + 16, 4) == 1;
	pci_config_write(&D->fn, pcicfg + 8, 4, 0x16);
	pci_config_write(&D->fn, pcicfg + 16, 4, 7);
	CHECK(read_numq && rd(0x16, 2) == 7, "PCI cfg access capability: num_queues read and queue_select written through it");

	/* Polling while busy: a notification that finds work turns notifications off; polls serve
	 * what the driver adds; idle polls turn them back on. */
	bring_up(1ull << 32);
	D->poll_budget = 3;
	uint64_t kicks0 = virtio_pci_kicks(D), served0 = rng.requests;
	post(0, 16);
	wr(VIRTIO_PCI_NOTIFY, 2, 0);
	bool busy = get16(USED + 2) == 1 && get16(USED) == VIRTQ_USED_F_NO_NOTIFY;
	post(1, 16); /* the driver sees NO_NOTIFY: no notification */
	bool polled = virtio_pci_poll(D, 1) && get16(USED + 2) == 2;
	bool idle = virtio_pci_poll(D, 1) && virtio_pci_poll(D, 1) && !virtio_pci_poll(D, 1) && get16(USED) == 0 && !virtio_pci_poll(D, 1);
	CHECK(busy && polled && idle && virtio_pci_kicks(D) == kicks0 + 1 && rng.requests == served0 + 2,
	      "polling: a busy queue sets NO_NOTIFY, a poll serves a buffer added without a notification, 3 idle polls "
	      "clear NO_NOTIFY (%d%d%d)", busy, polled, idle);
	post(2, 16);
	wr(VIRTIO_PCI_NOTIFY, 2, 0);
	bool again = get16(USED + 2) == 3 && get16(USED) == VIRTQ_USED_F_NO_NOTIFY && virtio_pci_poll(D, 1);
	bring_up(1ull << 32); /* a reset ends polling */
	CHECK(again && !virtio_pci_poll(D, 1), "polling: a later notification polls again; a device reset ends it");

	bring_up((1ull << 32) | VIRTIO_F_EVENT_IDX);
	D->poll_budget = 2;
	put16(USED, 0); /* a fresh used ring: flags and avail_event 0 */
	put16(USED + 4 + 8 * 16, 0);
	post(0, 16);
	wr(VIRTIO_PCI_NOTIFY, 2, 0);
	uint16_t event = get16(USED + 4 + 8 * 16);
	post(1, 16);
	bool suppressed = !vq_need_event(event, 2, 1);
	bool served = virtio_pci_poll(D, 1) && get16(USED + 2) == 2;
	bool rearmed = virtio_pci_poll(D, 1) && !virtio_pci_poll(D, 1) && get16(USED + 4 + 8 * 16) == 2 && get16(USED) == 0;
	CHECK(suppressed && served && rearmed,
	      "polling with EVENT_IDX: avail_event 0x%x suppresses the next notification, the poll serves it, idle polls "
	      "re-arm avail_event (%d%d%d)", event, suppressed, served, rearmed);
	/* idle polls can cost more than one: a budget of 4 ends after two polls of cost 2 (or one of 5) */
	bring_up(1ull << 32);
	put16(USED, 0);
	D->poll_budget = 4;
	post(0, 16);
	wr(VIRTIO_PCI_NOTIFY, 2, 0);
	bool costs = virtio_pci_poll(D, 2) && !virtio_pci_poll(D, 2) && get16(USED) == 0;
	post(1, 16);
	wr(VIRTIO_PCI_NOTIFY, 2, 0);
	costs = costs && get16(USED) == VIRTQ_USED_F_NO_NOTIFY && !virtio_pci_poll(D, 5) && get16(USED) == 0;
	CHECK(costs, "polling: each idle poll takes its cost from the budget");
	D->poll_budget = 0;

	/* A driver gone wild: random BAR and config-space writes of every size, random ring
	 * memory, notifications; the model must stay within its RAM and keep answering. */
	uint64_t seed = 0x243f6a8885a308d3ull;
	unsigned resets = 0, served_before = (unsigned)rng.requests;
	for (unsigned i = 0; i < 200000; i++) {
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		unsigned size = 1u << (seed & 3), what = (unsigned)(seed >> 8) % 8;
		unsigned off = (unsigned)(seed >> 16) % 0x4000 & ~(size - 1);
		if (what < 3)
			wr(off % 0x40, size, seed >> 24); /* common configuration */
		else if (what == 3)
			wr(VIRTIO_PCI_NOTIFY, 2, 0);
		else if (what == 4)
			rd(off, size);
		else if (what == 5)
			pci_config_write(&D->fn, (unsigned)(seed >> 20) % 256 & ~(size - 1) & ~3u, size > 4 ? 4 : size, (uint32_t)(seed >> 32));
		else if (what == 6)
			ram[(seed >> 20) % RAM_SIZE] = (uint8_t)(seed >> 40);
		else
			bring_up(1ull << 32);
		resets += (rd(0x14, 1) & VIRTIO_STATUS_NEEDS_RESET) != 0;
	}
	bring_up(1ull << 32);
	enable_msix_vectors(2);
	memset(ram + BUF, 0, 16);
	put16(USED + 2, 0);
	post(0, 16);
	wr(VIRTIO_PCI_NOTIFY, 2, 0);
	CHECK(get16(USED + 2) == 1 && get32(USED + 8) == 16, "200000 random accesses (%u with NEEDS_RESET set, %u requests served): "
	      "no crash, and after a reset the device works", resets, (unsigned)rng.requests - served_before);
	return CHECK_DONE();
}
