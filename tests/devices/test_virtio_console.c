/* Host tests for the virtio console device (devices/virtio/console.c) behind the virtio PCI
 * transport, driven as Linux's virtio_pci_modern + virtio_console drivers do: configuration
 * through the BAR, transmitq chains, receive buffers, input before and after buffers are posted,
 * the pending ring, emerg_wr, malformed rings, nothing before DRIVER_OK. */
#include "devices/virtio/console.h"
#include "pci/cap.h"
#include "pci/regs.h"
#include "tests/check.h"
#include <string.h>

#define RAM_SIZE 0x10000
static uint8_t ram[RAM_SIZE];

#include "tests/pci/msi_log.h"

/* What the device output, and the largest single callback. */
static uint8_t out[4096];
static size_t nout, biggest_call;
static void output(void *ctx, const uint8_t *bytes, size_t n)
{
	if (nout + n <= sizeof out)
		memcpy(out + nout, bytes, n);
	nout += n;
	if (n > biggest_call)
		biggest_call = n;
}
static bool output_is(const void *s, size_t n) { return nout == n && !memcmp(out, s, n); }
static void output_clear(void) { nout = 0; biggest_call = 0; }

static struct virtio_console con;
#define D (&con.dev)

#include "tests/devices/virtio_test_rings.h"




static struct ring rx = { 0x1000, 0x1800, 0x1c00, 0, 0 }, tx = { 0x2000, 0x2800, 0x2c00, 0, 0 };
#define RXQ VIRTIO_CONSOLE_RECEIVEQ
#define TXQ VIRTIO_CONSOLE_TRANSMITQ

/* One receive buffer of len bytes at addr. */
static uint16_t post_rx(uint64_t addr, uint32_t len)
{
	struct seg s = { addr, len, true };
	return add_chain(&rx, &s, 1);
}

/* One transmit buffer holding text, at addr. */
static uint16_t post_tx(uint64_t addr, const char *text)
{
	struct seg s = { addr, (uint32_t)strlen(text), false };
	memcpy(ram + addr, text, s.len);
	return add_chain(&tx, &s, 1);
}


/* Probing: reset, ACKNOWLEDGE|DRIVER, features, FEATURES_OK, config vector 0, receiveq on
 * vector 1, transmitq on vector 2, then DRIVER_OK if driver_ok. Fresh rings. */
static void bring_up(uint64_t features, bool driver_ok)
{
	memset(ram + 0x1000, 0, 0x2000);
	start_rx_tx(features, driver_ok, RXQ, &rx, TXQ, &tx);
}


static size_t input(const char *s) { return virtio_console_input(&con, (const uint8_t *)s, strlen(s)); }

#define CONSOLE_FEATURES (VIRTIO_F_VERSION_1 | VIRTIO_CONSOLE_F_SIZE | VIRTIO_CONSOLE_F_EMERG_WRITE)
#define DEVCFG VIRTIO_PCI_DEVCFG
#define STATUS_RUNNING 15

int main(void)
{
	virtio_console_init(&con, &mem, raise_msi, 0, output, 0);

	/* identity and capabilities */
	unsigned devcfg = find_cap(4);
	CHECK(cfg(PCI_VENDOR_ID, 2) == 0x1af4 && cfg(PCI_DEVICE_ID, 2) == 0x1043 && devcfg && cfg(devcfg + 8, 4) == DEVCFG &&
	      cfg(devcfg + 12, 4) == 12, "ids 1af4:1043 (§4.1.2.1, console = 3); device config capability: 12 bytes at 0x200");
	wr(0x00, 4, 0);
	uint32_t f0 = (uint32_t)rd(0x04, 4);
	wr(0x00, 4, 1);
	uint32_t f1 = (uint32_t)rd(0x04, 4);
	CHECK((f0 & 7) == 5 && (f1 & 1) && rd(0x12, 2) == 2,
	      "features: SIZE and EMERG_WRITE offered, MULTIPORT not, VERSION_1; two queues (§5.3.2, §5.3.3)");

	/* configuration (§5.3.4): cols, rows, max_nr_ports, emerg_wr reading 0; any size, any offset */
	CHECK(rd(DEVCFG + 0, 2) == 80 && rd(DEVCFG + 2, 2) == 25 && rd(DEVCFG + 4, 4) == 1 && rd(DEVCFG + 8, 4) == 0 &&
	      rd(DEVCFG + 0, 4) == (80 | 25 << 16) && rd(DEVCFG + 0, 1) == 80 && rd(DEVCFG + 1, 1) == 0 &&
	      rd(DEVCFG + 1, 2) == 0x1900 && rd(DEVCFG + 2, 4) == (25 | 1 << 16) && rd(DEVCFG + 0, 8) == (80 | 25 << 16 | 1ull << 32) &&
	      rd(DEVCFG + 12, 4) == 0, "config through the BAR: cols 80, rows 25, max_nr_ports 1, emerg_wr 0; little-endian bytes");

	/* emerg_wr works on an unconfigured device (§5.3.5.1); other config writes are ignored */
	wr(DEVCFG + 8, 4, 0x4241);
	wr(DEVCFG + 8, 1, '!');
	wr(DEVCFG + 9, 1, 'x');
	wr(DEVCFG + 0, 2, 132);
	wr(DEVCFG + 4, 4, 9);
	CHECK(output_is("A!", 2) && rd(DEVCFG + 0, 2) == 80 && rd(DEVCFG + 4, 4) == 1 && con.bytes_out == 2 && nsent == 0,
	      "emerg_wr before any negotiation: the low byte of each write goes out; cols/max_nr_ports read-only");
	output_clear();

	/* nothing before DRIVER_OK: buffers posted and notified, input queued, no DMA, no interrupt */
	enable_msix_vectors(3);
	bring_up(CONSOLE_FEATURES, false);
	uint16_t early_tx = post_tx(0x4000, "early");
	notify(TXQ);
	uint16_t early_rx = post_rx(0x8000, 16);
	notify(RXQ);
	size_t took = input("hi");
	CHECK(took == 2 && con.pending_len == 2 && nout == 0 && used_idx(&tx) == 0 && used_idx(&rx) == 0 && nsent == 0 &&
	      rd(0x14, 1) == 11, "before DRIVER_OK: no transmit, no receive, no interrupt; input waits in pending");

	/* DRIVER_OK, then the driver's notifies: pending input delivered, the early chain sent */
	wr(0x14, 1, STATUS_RUNNING);
	notify(RXQ);
	bool rx_ok = used_idx(&rx) == 1 && used_id(&rx, 0) == early_rx && used_len(&rx, 0) == 2 && !memcmp(ram + 0x8000, "hi", 2) &&
		     nsent == 1 && sent[0].addr == 0xfee00000 && sent[0].data == 0x41 && con.pending_len == 0 && con.bytes_in == 2;
	notify(TXQ);
	CHECK(rx_ok && output_is("early", 5) && used_idx(&tx) == 1 && used_id(&tx, 0) == early_tx && used_len(&tx, 0) == 0 &&
	      nsent == 2 && sent[1].data == 0x42, "after DRIVER_OK: input typed early arrives on the driver's notify (used len 2, "
	      "vector 1); the early transmit goes out (used len 0, vector 2)");
	output_clear();
	nsent = 0;

	/* transmit: several readable segments in order (one longer than the copy chunk), a writable
	 * one ignored, two chains, one interrupt */
	uint8_t want[7 + 600 + 8 + 6];
	memcpy(want, "Hello, ", 7);
	for (unsigned i = 0; i < 600; i++)
		want[7 + i] = (uint8_t)(i * 13 + 5);
	memcpy(want + 607, "console\n", 8);
	memcpy(want + 615, "second", 6);
	memcpy(ram + 0x4000, want, 7);
	memcpy(ram + 0x4100, want + 7, 600);
	memcpy(ram + 0x4400, want + 607, 8);
	memset(ram + 0x4500, 0xee, 32);
	struct seg chain[4] = { { 0x4000, 7, false }, { 0x4100, 600, false }, { 0x4400, 8, false }, { 0x4500, 32, true } };
	uint16_t h1 = add_chain(&tx, chain, 4);
	uint16_t h2 = post_tx(0x4600, "second");
	notify(TXQ);
	CHECK(output_is(want, sizeof want) && biggest_call <= 256 && used_idx(&tx) == 3 && used_id(&tx, 1) == h1 &&
	      used_len(&tx, 1) == 0 && used_id(&tx, 2) == h2 && used_len(&tx, 2) == 0 && ram[0x4500] == 0xee && ram[0x451f] == 0xee &&
	      nsent == 1 && sent[0].data == 0x42 && con.bytes_out == 2 + 5 + sizeof want,
	      "transmit: 3 readable segments + 1 chain -> exact bytes in order (callbacks <= 256 bytes), used len 0, "
	      "writable segment untouched, one interrupt on vector 2");
	output_clear();
	nsent = 0;

	/* input with a posted receive buffer */
	uint16_t b = post_rx(0x8100, 16);
	notify(RXQ); /* nothing pending: the buffer stays available */
	bool kept = used_idx(&rx) == 1 && nsent == 0;
	took = input("abc");
	CHECK(kept && took == 3 && used_idx(&rx) == 2 && used_id(&rx, 1) == b && used_len(&rx, 1) == 3 &&
	      !memcmp(ram + 0x8100, "abc", 3) && nsent == 1 && sent[0].data == 0x41 && con.pending_len == 0,
	      "input with a receive buffer posted: delivered at once, used len 3, interrupt on vector 1");
	nsent = 0;

	/* more input than buffer space: split across a two-segment buffer and another; the rest waits */
	struct seg two[2] = { { 0x8200, 3, true }, { 0x8210, 2, true } };
	uint16_t ba = add_chain(&rx, two, 2), bb = post_rx(0x8300, 4);
	took = input("0123456789AB");
	bool split = took == 12 && used_idx(&rx) == 4 && used_id(&rx, 2) == ba && used_len(&rx, 2) == 5 && used_id(&rx, 3) == bb &&
		     used_len(&rx, 3) == 4 && !memcmp(ram + 0x8200, "012", 3) && !memcmp(ram + 0x8210, "34", 2) &&
		     !memcmp(ram + 0x8300, "5678", 4) && con.pending_len == 3 && nsent == 1;
	post_rx(0x8400, 8);
	notify(RXQ);
	CHECK(split && used_idx(&rx) == 5 && used_len(&rx, 4) == 3 && !memcmp(ram + 0x8400, "9AB", 3) && con.pending_len == 0 &&
	      nsent == 2 && con.dropped == 0, "12 bytes into 5 + 4 bytes of buffers: split in order, 3 wait; the next buffer gets them");
	nsent = 0;

	/* pending input goes before newer input in the same buffer */
	took = input("xyz");
	post_rx(0x8500, 8); /* no notify */
	size_t took2 = input("12");
	CHECK(took == 3 && took2 == 2 && used_idx(&rx) == 6 && used_len(&rx, 5) == 5 && !memcmp(ram + 0x8500, "xyz12", 5),
	      "pending input first, then new input, in one buffer");
	nsent = 0;

	/* overflow: the ring keeps the oldest 256 bytes and refuses the newest (counted) */
	uint8_t many[300];
	for (unsigned i = 0; i < sizeof many; i++)
		many[i] = (uint8_t)(i * 7 + 1);
	uint16_t head_before = con.pending_head;
	took = virtio_console_input(&con, many, sizeof many);
	took2 = input("0123456789");
	bool overflow = head_before != 0 && took == 256 && took2 == 0 && con.dropped == 44 + 10 && con.pending_len == 256 &&
			used_idx(&rx) == 6 && nsent == 0;
	post_rx(0x9000, 512);
	notify(RXQ);
	CHECK(overflow && used_idx(&rx) == 7 && used_len(&rx, 6) == 256 && !memcmp(ram + 0x9000, many, 256) && con.pending_len == 0 &&
	      nsent == 1, "pending overflow: 256 of 300 accepted, 54 dropped and counted; the 256 oldest arrive in order "
	      "(across the ring's wrap)");
	nsent = 0;

	/* a malformed transmit ring (a descriptor loop): NEEDS_RESET + config interrupt, no output */
	uint64_t d0 = tx.desc + 16 * (tx.next_desc % QSIZE);
	put64(d0, 0x4000);
	put32(d0 + 8, 4);
	put16(d0 + 12, VIRTQ_DESC_F_NEXT);
	put16(d0 + 14, tx.next_desc % QSIZE); /* points at itself */
	put16(tx.avail + 4 + 2 * (tx.avail_idx % QSIZE), tx.next_desc % QSIZE);
	tx.avail_idx++;
	put16(tx.avail + 2, tx.avail_idx);
	notify(TXQ);
	bool broke = (rd(0x14, 1) & VIRTIO_STATUS_NEEDS_RESET) && nout == 0 && nsent == 1 && sent[0].data == 0x40 && used_idx(&tx) == 3;
	post_tx(0x4700, "late");
	notify(TXQ);
	post_rx(0x9400, 16);
	took = input("kb");
	CHECK(broke && nout == 0 && used_idx(&tx) == 3 && used_idx(&rx) == 7 && took == 2 && con.pending_len == 2 && nsent == 1,
	      "transmit descriptor loop: NEEDS_RESET, config interrupt (vector 0), no output; then no processing, input waits");

	/* emerg_wr still works (§5.3.5: "catastrophic OS failures (eg. virtio ring corruption)") */
	wr(DEVCFG + 8, 4, 'E');
	CHECK(output_is("E", 1), "emerg_wr on a device that needs reset: the byte goes out");
	output_clear();
	nsent = 0;

	/* reset; a driver that did not negotiate the console features: emerg_wr still outputs (the
	 * driver may use it "without ... even acknowledging the feature"); type-ahead survives reset */
	bring_up(VIRTIO_F_VERSION_1, true);
	wr(DEVCFG + 8, 4, 'z');
	bool emerg = output_is("z", 1);
	post_rx(0x9800, 16);
	notify(RXQ);
	CHECK(emerg && rd(0x14, 1) == STATUS_RUNNING && used_idx(&rx) == 1 && used_len(&rx, 0) == 2 && !memcmp(ram + 0x9800, "kb", 2) &&
	      nsent == 1 && sent[0].data == 0x41, "after reset: emerg_wr without the feature negotiated; input from before the "
	      "reset delivered to the new driver");
	output_clear();
	nsent = 0;

	/* a malformed receive ring (available index too far ahead): NEEDS_RESET, the input is kept */
	put16(rx.avail + 2, (uint16_t)(rx.avail_idx + 100));
	took = input("q");
	CHECK(took == 1 && con.pending_len == 1 && (rd(0x14, 1) & VIRTIO_STATUS_NEEDS_RESET) && nsent == 1 && sent[0].data == 0x40,
	      "receive ring index 100 ahead: NEEDS_RESET + config interrupt, input kept in pending");
	nsent = 0;

	/* resize: new config values and a configuration change notification (§5.3.6) */
	bring_up(CONSOLE_FEATURES, true);
	uint8_t gen = (uint8_t)rd(0x15, 1);
	virtio_console_resize(&con, 132, 43);
	CHECK(rd(DEVCFG + 0, 2) == 132 && rd(DEVCFG + 2, 2) == 43 && (uint8_t)rd(0x15, 1) != gen && nsent == 1 &&
	      sent[0].data == 0x40, "resize: cols 132, rows 43, config generation bumped, config interrupt on vector 0");
	return CHECK_DONE();
}
