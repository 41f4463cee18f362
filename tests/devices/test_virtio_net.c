/* Host tests for the virtio network device (devices/virtio/net.c) behind the virtio PCI
 * transport, driven as Linux's virtio_pci_modern + virtio_net drivers do: configuration through
 * the BAR, transmit chains in the layouts Linux uses (header in its own descriptor, header pushed
 * in front of the frame, indirect tables), receive buffers, the drop rules, an echo backend that
 * receives from inside transmit, link changes, malformed rings, nothing before DRIVER_OK. */
#include "devices/virtio/net.h"
#include "pci/cap.h"
#include "pci/regs.h"
#include "tests/check.h"
#include <string.h>

#define RAM_SIZE 0x10000
static uint8_t ram[RAM_SIZE];

#include "tests/pci/msi_log.h"

static struct virtio_net net;
#define D (&net.dev)

#include "tests/devices/virtio_test_rings.h"

/* The backend: the frames transmit() got (copies), and an echo mode that hands each one straight
 * back to virtio_net_receive from inside the callback. */
#define MAX_SEEN 8
static uint8_t seen[MAX_SEEN][VIRTIO_NET_MAX_FRAME];
static size_t seen_len[MAX_SEEN];
static unsigned nseen;
static bool echo, renotify;
static unsigned echo_ok, echo_failed, depth, max_depth;
static void notify(unsigned q);
static void transmit(void *ctx, const uint8_t *frame, size_t len)
{
	if (++depth > max_depth)
		max_depth = depth;
	if (nseen < MAX_SEEN && len <= VIRTIO_NET_MAX_FRAME) {
		memcpy(seen[nseen], frame, len);
		seen_len[nseen] = len;
	}
	nseen++;
	if (echo) {
		if (virtio_net_receive(&net, frame, len))
			echo_ok++;
		else
			echo_failed++;
	}
	if (renotify)
		notify(VIRTIO_NET_TRANSMITQ); /* a backend that re-enters the device's transmit path */
	depth--;
}
static bool seen_is(unsigned i, const uint8_t *frame, size_t len) { return i < nseen && seen_len[i] == len && !memcmp(seen[i], frame, len); }
static void seen_clear(void) { nseen = 0; echo_ok = echo_failed = 0; }

static struct ring rx = { 0x1000, 0x1800, 0x1c00, 0, 0 }, tx = { 0x2000, 0x2800, 0x2c00, 0, 0 };
#define RXQ VIRTIO_NET_RECEIVEQ
#define TXQ VIRTIO_NET_TRANSMITQ
#define INDIRECT_TABLE 0x3000


/* The same segments through an indirect table (§2.7.5.3) at INDIRECT_TABLE: one ring descriptor. */
static uint16_t add_indirect(struct ring *r, const struct seg *s, unsigned n)
{
	uint16_t head = r->next_desc % QSIZE;
	for (unsigned i = 0; i < n; i++)
		put_desc(INDIRECT_TABLE + 16 * i, s[i].addr, s[i].len,
			 (uint16_t)((i + 1 < n ? VIRTQ_DESC_F_NEXT : 0) | (s[i].write ? VIRTQ_DESC_F_WRITE : 0)), (uint16_t)(i + 1));
	put_desc(r->desc + 16 * head, INDIRECT_TABLE, 16 * n, VIRTQ_DESC_F_INDIRECT, 0);
	r->next_desc++;
	make_available(r, head);
	return head;
}

/* A receive buffer of len bytes at addr, filled with 0xee first. */
static uint16_t post_rx(uint64_t addr, uint32_t len)
{
	struct seg s = { addr, len, true };
	memset(ram + addr, 0xee, len);
	return add_chain(&rx, &s, 1);
}

/* A virtio_net_hdr at addr: zeros (num_buffers 0, §5.1.6.2.1) but for gso_type. */
static void put_hdr(uint64_t addr, uint8_t gso_type)
{
	memset(ram + addr, 0, VIRTIO_NET_HDR_SIZE);
	ram[addr + VIRTIO_NET_HDR_GSO_TYPE] = gso_type;
}

/* A recognisable frame: broadcast destination, our source, then a pattern from seed. */
static void make_frame(uint8_t *f, size_t len, unsigned seed)
{
	static const uint8_t head[12] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	for (size_t i = 0; i < len; i++)
		f[i] = i < sizeof head ? head[i] : (uint8_t)(i * 31 + seed);
}

/* Linux's usual transmit layout (header pushed in front of the frame, can_push): one
 * descriptor at addr holding header + frame. */
static uint16_t post_tx(uint64_t addr, const uint8_t *frame, size_t len, uint8_t gso_type)
{
	put_hdr(addr, gso_type);
	memcpy(ram + addr + VIRTIO_NET_HDR_SIZE, frame, len);
	struct seg s = { addr, (uint32_t)(VIRTIO_NET_HDR_SIZE + len), false };
	return add_chain(&tx, &s, 1);
}


#define STATUS_RUNNING 15

/* Probing: reset, ACKNOWLEDGE|DRIVER, features, FEATURES_OK, config vector 0, receiveq on
 * vector 1, transmitq on vector 2, then DRIVER_OK if driver_ok. Fresh rings. */
static void bring_up(uint64_t features, bool driver_ok)
{
	memset(ram + 0x1000, 0, 0x3000);
	start_rx_tx(features, driver_ok, RXQ, &rx, TXQ, &tx);
}

/* Linux 6.1 with our offer: VERSION_1, MAC, STATUS, INDIRECT_DESC (EVENT_IDX left out so every
 * push interrupts: the transport's suppression is tested elsewhere). */
#define NET_FEATURES (VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS | VIRTIO_F_INDIRECT_DESC)
#define DEVCFG VIRTIO_PCI_DEVCFG
#define RXBUF 1530 /* Linux 6.1's small receive buffer: 12 + GOOD_PACKET_LEN (1518) */

static const uint8_t MAC[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

int main(void)
{
	virtio_net_init(&net, MAC, &mem, raise_msi, 0, transmit, 0);
	uint8_t f[VIRTIO_NET_MAX_FRAME + 1], g[VIRTIO_NET_MAX_FRAME + 1];

	/* identity and capabilities */
	unsigned devcfg = find_cap(4);
	CHECK(cfg(PCI_VENDOR_ID, 2) == 0x1af4 && cfg(PCI_DEVICE_ID, 2) == 0x1041 && devcfg && cfg(devcfg + 8, 4) == DEVCFG &&
	      cfg(devcfg + 12, 4) == VIRTIO_NET_CONFIG_SIZE, "ids 1af4:1041 (§4.1.2.1, net = 1); device config capability: "
	      "24 bytes (Linux 6.1's struct virtio_net_config) at 0x200");
	wr(0x00, 4, 0);
	uint32_t f0 = (uint32_t)rd(0x04, 4);
	wr(0x00, 4, 1);
	uint32_t f1 = (uint32_t)rd(0x04, 4);
	CHECK(f0 == (1u << 5 | 1u << 16 | 1u << 28 | 1u << 29) && f1 == 1 && rd(0x12, 2) == 2,
	      "features: MAC and STATUS only (no CSUM/GSO/MRG_RXBUF/CTRL_VQ/MQ/MTU), + INDIRECT, EVENT_IDX, "
	      "VERSION_1; two queues (§5.1.2, §5.1.3)");

	/* configuration (§5.1.4): mac, status LINK_UP, zeros; any size, any offset, little-endian */
	bool mac_ok = true;
	for (unsigned i = 0; i < 6; i++)
		mac_ok = mac_ok && rd(DEVCFG + i, 1) == MAC[i];
	CHECK(mac_ok && rd(DEVCFG + 6, 2) == VIRTIO_NET_S_LINK_UP && rd(DEVCFG + 6, 1) == 1 && rd(DEVCFG + 7, 1) == 0 &&
	      rd(DEVCFG + 0, 4) == 0x12005452 && rd(DEVCFG + 4, 4) == (0x34 | 0x56 << 8 | 1u << 16) &&
	      rd(DEVCFG + 0, 8) == 0x0001563412005452ull && rd(DEVCFG + 5, 2) == (0x56 | 1 << 8) && rd(DEVCFG + 8, 2) == 0 &&
	      rd(DEVCFG + 10, 2) == 0 && rd(DEVCFG + 12, 4) == 0 && rd(DEVCFG + 16, 8) == 0 && rd(DEVCFG + 24, 4) == 0,
	      "config through the BAR: mac 52:54:00:12:34:56 byte by byte (as virtio_cread_bytes), status le16 LINK_UP, "
	      "max_virtqueue_pairs/mtu/speed/... 0; wider and unaligned reads little-endian");
	wr(DEVCFG + 0, 4, 0xdeadbeef);
	wr(DEVCFG + 4, 2, 0);
	wr(DEVCFG + 6, 2, 0);
	wr(DEVCFG + 0, 1, 0x11);
	CHECK(rd(DEVCFG + 0, 8) == 0x0001563412005452ull && nsent == 0, "config writes ignored (§5.1.4.2: read-only; "
	      "mac is writable only in the legacy interface)");

	/* nothing before DRIVER_OK: chains posted and notified, a frame offered: no DMA, no interrupt */
	enable_msix_vectors(3);
	bring_up(NET_FEATURES, false);
	make_frame(f, 60, 1);
	uint16_t early_tx = post_tx(0x4000, f, 60, VIRTIO_NET_HDR_GSO_NONE);
	notify(TXQ);
	uint16_t early_rx = post_rx(0x8000, RXBUF);
	notify(RXQ);
	make_frame(g, 42, 2);
	bool took = virtio_net_receive(&net, g, 42);
	CHECK(!took && !virtio_net_can_receive(&net) && nseen == 0 && used_idx(&tx) == 0 && used_idx(&rx) == 0 && nsent == 0 &&
	      net.rx_dropped == 1 && net.tx_frames == 0 && rd(0x14, 1) == 11 && ram[0x8000] == 0xee,
	      "before DRIVER_OK: no transmit, receive refused (false, rx_dropped 1), no DMA, no interrupt");

	/* DRIVER_OK: the early transmit goes out on the driver's next notify; the early receive
	 * buffer takes the next frame */
	wr(0x14, 1, STATUS_RUNNING);
	notify(TXQ);
	bool tx_ok = seen_is(0, f, 60) && nseen == 1 && used_idx(&tx) == 1 && used_id(&tx, 0) == early_tx && used_len(&tx, 0) == 0 &&
		     nsent == 1 && sent[0].addr == 0xfee00000 && sent[0].data == 0x42 && net.tx_frames == 1 && net.tx_bytes == 60;
	bool can = virtio_net_can_receive(&net);
	took = virtio_net_receive(&net, g, 42);
	static const uint8_t hdr1[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	CHECK(tx_ok && can && took && used_idx(&rx) == 1 && used_id(&rx, 0) == early_rx && used_len(&rx, 0) == 12 + 42 &&
	      !memcmp(ram + 0x8000, hdr1, 12) && !memcmp(ram + 0x8000 + 12, g, 42) && ram[0x8000 + 54] == 0xee && nsent == 2 &&
	      sent[1].data == 0x41 && net.rx_frames == 1 && net.rx_bytes == 42,
	      "after DRIVER_OK: the early frame transmitted (used len 0, vector 2); a frame received into the early buffer: "
	      "header zeros + num_buffers 1, frame, used len 12 + 42, vector 1");
	seen_clear();
	nsent = 0;

	/* transmit layouts: header in its own descriptor and the frame split over two; the header
	 * itself split (5 + 7) with the frame after it in the same descriptor, plus a writable
	 * segment to ignore; header + frame in one descriptor of an indirect table. One batch. */
	make_frame(f, 100, 3);
	put_hdr(0x4000, VIRTIO_NET_HDR_GSO_NONE);
	ram[0x4000] = 1; /* flags (NEEDS_CSUM): ignored, §5.1.6.2.2 */
	memcpy(ram + 0x4100, f, 30);
	memcpy(ram + 0x4200, f + 30, 70);
	struct seg a[3] = { { 0x4000, 12, false }, { 0x4100, 30, false }, { 0x4200, 70, false } };
	uint16_t ha = add_chain(&tx, a, 3);
	make_frame(g, 64, 4);
	put_hdr(0x4300, VIRTIO_NET_HDR_GSO_NONE); /* header bytes 0-4 here ... */
	ram[0x4302] = 54;                         /* hdr_len: a hint, ignored */
	put_hdr(0x4400, VIRTIO_NET_HDR_GSO_NONE); /* ... bytes 5-11 at 0x4405, the frame after them */
	memcpy(ram + 0x4400 + 12, g, 64);
	memset(ram + 0x4500, 0xcc, 16);
	struct seg b[3] = { { 0x4300, 5, false }, { 0x4400 + 5, 7 + 64, false }, { 0x4500, 16, true } };
	uint16_t hb = add_chain(&tx, b, 3);
	uint8_t h[VIRTIO_NET_MAX_FRAME];
	make_frame(h, 590, 5);
	put_hdr(0x4600, VIRTIO_NET_HDR_GSO_NONE);
	memcpy(ram + 0x4600 + 12, h, 590);
	struct seg c1[1] = { { 0x4600, 12 + 590, false } };
	uint16_t hc = add_indirect(&tx, c1, 1);
	notify(TXQ);
	CHECK(nseen == 3 && seen_is(0, f, 100) && seen_is(1, g, 64) && seen_is(2, h, 590) && used_idx(&tx) == 4 &&
	      used_id(&tx, 1) == ha && used_len(&tx, 1) == 0 && used_id(&tx, 2) == hb && used_len(&tx, 2) == 0 &&
	      used_id(&tx, 3) == hc && used_len(&tx, 3) == 0 && ram[0x4500] == 0xcc && ram[0x450f] == 0xcc && nsent == 1 &&
	      sent[0].data == 0x42 && net.tx_frames == 4 && net.tx_dropped == 0 && net.tx_bytes == 60 + 100 + 64 + 590,
	      "transmit: header alone + frame over two descriptors, header split 5/7, indirect header+frame -> exact frames "
	      "in order; used len 0; writable segment untouched; flags ignored; one interrupt (vector 2) for the batch");
	seen_clear();
	nsent = 0;

	/* the drop rules (§5.1.6.2): 13-byte and 1515-byte frames, an 11-byte header, gso_type TCPV4
	 * and ECN|TCPV4: dropped, counted, returned with 0; 14 and 1514 bytes pass. One batch. */
	make_frame(f, VIRTIO_NET_MAX_FRAME + 1, 6);
	uint16_t heads[7];
	heads[0] = post_tx(0x4000, f, 13, VIRTIO_NET_HDR_GSO_NONE);
	heads[1] = post_tx(0x4100, f, 14, VIRTIO_NET_HDR_GSO_NONE);
	heads[2] = post_tx(0x4200, f, VIRTIO_NET_MAX_FRAME, VIRTIO_NET_HDR_GSO_NONE);
	heads[3] = post_tx(0x4800, f, VIRTIO_NET_MAX_FRAME + 1, VIRTIO_NET_HDR_GSO_NONE);
	struct seg shorthdr = { 0x4e00, 11, false };
	put_hdr(0x4e00, VIRTIO_NET_HDR_GSO_NONE);
	heads[4] = add_chain(&tx, &shorthdr, 1);
	heads[5] = post_tx(0x5000, f, 100, 1 /* VIRTIO_NET_HDR_GSO_TCPV4 */);
	heads[6] = post_tx(0x5100, f, 100, 0x81 /* GSO_ECN | GSO_TCPV4 */);
	notify(TXQ);
	bool all_back = used_idx(&tx) == 11;
	for (unsigned i = 0; i < 7; i++)
		all_back = all_back && used_id(&tx, 4 + i) == heads[i] && used_len(&tx, 4 + i) == 0;
	CHECK(all_back && nseen == 2 && seen_is(0, f, 14) && seen_is(1, f, VIRTIO_NET_MAX_FRAME) && net.tx_dropped == 5 &&
	      net.tx_frames == 6 && nsent == 1 && sent[0].data == 0x42,
	      "transmit drops: 13 and 1515 bytes, 11-byte header, gso_type TCPV4 and ECN|TCPV4 -> dropped (tx_dropped 5) but "
	      "returned (used len 0); 14 and 1514 bytes sent; one interrupt");
	seen_clear();
	nsent = 0;

	/* receive: a full-size frame into Linux's 1530-byte buffer; a buffer split as header + data
	 * descriptors (the legacy layout) */
	make_frame(f, VIRTIO_NET_MAX_FRAME, 7);
	uint16_t r1 = post_rx(0x8000, RXBUF);
	took = virtio_net_receive(&net, f, VIRTIO_NET_MAX_FRAME);
	bool full = took && used_idx(&rx) == 2 && used_id(&rx, 1) == r1 && used_len(&rx, 1) == 12 + VIRTIO_NET_MAX_FRAME &&
		    !memcmp(ram + 0x8000, hdr1, 12) && !memcmp(ram + 0x8000 + 12, f, VIRTIO_NET_MAX_FRAME) &&
		    ram[0x8000 + 12 + VIRTIO_NET_MAX_FRAME] == 0xee && nsent == 1 && sent[0].data == 0x41;
	memset(ram + 0x8800, 0xee, 12);
	memset(ram + 0x8900, 0xee, 100);
	struct seg two[2] = { { 0x8800, 12, true }, { 0x8900, 100, true } };
	uint16_t r2 = add_chain(&rx, two, 2);
	make_frame(g, 100, 8);
	took = virtio_net_receive(&net, g, 100);
	CHECK(full && took && used_idx(&rx) == 3 && used_id(&rx, 2) == r2 && used_len(&rx, 2) == 112 &&
	      !memcmp(ram + 0x8800, hdr1, 12) && !memcmp(ram + 0x8900, g, 100) && nsent == 2 && sent[1].data == 0x41 &&
	      net.rx_frames == 3, "receive: 1514 bytes into a 1530-byte buffer (used len 1526); 100 bytes into a 12 + 100 "
	      "buffer of two descriptors (used len 112); an interrupt each on vector 1");
	nsent = 0;

	/* no buffer: dropped, counted, nothing touched */
	uint64_t dropped = net.rx_dropped;
	bool empty = !virtio_net_can_receive(&net);
	took = virtio_net_receive(&net, g, 100);
	CHECK(empty && !took && net.rx_dropped == dropped + 1 && used_idx(&rx) == 3 && nsent == 0,
	      "receive with no buffer posted: false, rx_dropped + 1, no interrupt");

	/* frames the device never delivers: shorter than an Ethernet header, longer than 1514: the
	 * posted buffer stays available */
	uint16_t r3 = post_rx(0x9000, RXBUF);
	bool short_f = !virtio_net_receive(&net, f, 13), long_f = !virtio_net_receive(&net, f, VIRTIO_NET_MAX_FRAME + 1);
	CHECK(short_f && long_f && net.rx_dropped == dropped + 3 && used_idx(&rx) == 3 && virtio_net_can_receive(&net) &&
	      nsent == 0, "receive of 13 or 1515 bytes: false, counted, the buffer left in the ring");

	/* a buffer too small for the frame (the driver SHOULD post 1526 bytes, §5.1.6.3.1): returned
	 * with 0 bytes written, nothing written into it, the frame dropped and counted; the next
	 * frame goes into the next buffer */
	took = virtio_net_receive(&net, g, 60); /* into r3: fine */
	uint16_t r4 = post_rx(0x9800, 12 + 59);
	uint16_t r5 = post_rx(0xa000, RXBUF);
	bool small = !virtio_net_receive(&net, g, 60);
	small = small && used_idx(&rx) == 5 && used_id(&rx, 4) == r4 && used_len(&rx, 4) == 0 && ram[0x9800] == 0xee &&
		ram[0x9800 + 70] == 0xee && net.rx_too_small == 1 && net.rx_dropped == dropped + 4 && nsent == 2 &&
		sent[1].data == 0x41;
	bool next = virtio_net_receive(&net, g, 60);
	CHECK(took && used_id(&rx, 3) == r3 && small && next && used_idx(&rx) == 6 && used_id(&rx, 5) == r5 &&
	      used_len(&rx, 5) == 72 && !memcmp(ram + 0xa000 + 12, g, 60),
	      "receive into a 71-byte buffer of a 60-byte frame: dropped (rx_too_small), buffer returned with used len 0 "
	      "and untouched, interrupt; the next frame fills the next buffer");
	nsent = 0;

	/* an echo backend: receive from inside transmit; the reply lands in the receive ring */
	echo = true;
	uint16_t r6 = post_rx(0xa800, RXBUF);
	make_frame(f, 98, 9);
	uint16_t t1 = post_tx(0x4000, f, 98, VIRTIO_NET_HDR_GSO_NONE);
	notify(TXQ);
	CHECK(nseen == 1 && echo_ok == 1 && seen_is(0, f, 98) && used_idx(&rx) == 7 && used_id(&rx, 6) == r6 &&
	      used_len(&rx, 6) == 12 + 98 && !memcmp(ram + 0xa800, hdr1, 12) && !memcmp(ram + 0xa800 + 12, f, 98) &&
	      used_idx(&tx) == 12 && used_id(&tx, 11) == t1 && used_len(&tx, 11) == 0 && nsent == 2 && sent[0].data == 0x41 &&
	      sent[1].data == 0x42, "echo backend: the frame transmitted comes back into the receive buffer during the "
	      "callback (interrupt vector 1), then the transmit completes (vector 2)");
	seen_clear();
	nsent = 0;

	/* echo with no receive buffer: the reply is dropped, the transmit batch still completes */
	post_tx(0x4000, f, 98, VIRTIO_NET_HDR_GSO_NONE);
	post_tx(0x4100, f, 60, VIRTIO_NET_HDR_GSO_NONE);
	notify(TXQ);
	CHECK(nseen == 2 && echo_failed == 2 && used_idx(&tx) == 14 && used_idx(&rx) == 7 && nsent == 1 && sent[0].data == 0x42,
	      "echo with the receive ring empty: both replies dropped, both transmits returned, one interrupt");
	seen_clear();
	nsent = 0;
	echo = false;

	/* a transmit notification from inside transmit(): absorbed by the running batch (no nesting,
	 * every chain once, in order) */
	renotify = true;
	make_frame(g, 70, 11);
	post_tx(0x4000, f, 98, VIRTIO_NET_HDR_GSO_NONE);
	post_tx(0x4100, g, 70, VIRTIO_NET_HDR_GSO_NONE);
	notify(TXQ);
	renotify = false;
	bool absorbed = nseen == 2 && max_depth == 1 && seen_is(0, f, 98) && seen_is(1, g, 70) && used_idx(&tx) == 16 &&
			nsent == 1 && sent[0].data == 0x42;
	post_tx(0x4000, g, 70, VIRTIO_NET_HDR_GSO_NONE);
	notify(TXQ);
	CHECK(absorbed && nseen == 3 && seen_is(2, g, 70) && used_idx(&tx) == 17,
	      "notify of the transmit queue from inside transmit(): no nested call, both chains sent once in order, one "
	      "interrupt; the device keeps working");
	seen_clear();
	nsent = 0;

	/* link down (§5.1.4 status): config change interrupt; no receive; transmits dropped but returned */
	uint8_t gen = (uint8_t)rd(0x15, 1);
	virtio_net_set_link(&net, false);
	bool down = rd(DEVCFG + 6, 2) == 0 && (uint8_t)rd(0x15, 1) != gen && nsent == 1 && sent[0].data == 0x40;
	post_rx(0xb000, RXBUF);
	bool refused = !virtio_net_can_receive(&net) && !virtio_net_receive(&net, g, 60) && used_idx(&rx) == 7;
	uint64_t txd = net.tx_dropped;
	post_tx(0x4000, f, 98, VIRTIO_NET_HDR_GSO_NONE);
	notify(TXQ);
	bool tx_dropped_down = nseen == 0 && net.tx_dropped == txd + 1 && used_idx(&tx) == 18 && used_len(&tx, 17) == 0;
	virtio_net_set_link(&net, false); /* no change: no interrupt */
	virtio_net_set_link(&net, true);
	bool up = rd(DEVCFG + 6, 2) == VIRTIO_NET_S_LINK_UP && nsent == 3 && sent[2].data == 0x40 &&
		  virtio_net_receive(&net, g, 60) && used_idx(&rx) == 8;
	CHECK(down && refused && tx_dropped_down && up, "link down: status 0 + config interrupt (vector 0); receive "
	      "refused, transmit dropped but returned; link up again: status LINK_UP, config interrupt, receive works");
	seen_clear();
	nsent = 0;

	/* echo into a malformed receive ring (available index 100 ahead): NEEDS_RESET from inside the
	 * transmit callback; the transmit batch stops after the current chain */
	echo = true;
	put16(rx.avail + 2, (uint16_t)(rx.avail_idx + 100));
	post_tx(0x4000, f, 98, VIRTIO_NET_HDR_GSO_NONE);
	post_tx(0x4100, f, 60, VIRTIO_NET_HDR_GSO_NONE);
	notify(TXQ);
	CHECK(nseen == 1 && echo_failed == 1 && (rd(0x14, 1) & VIRTIO_STATUS_NEEDS_RESET) && used_idx(&tx) == 19 &&
	      nsent >= 1 && sent[0].data == 0x40, "echo into a malformed receive ring: NEEDS_RESET + config interrupt from "
	      "inside transmit; the batch stops after the current chain (returned), the next one stays");
	seen_clear();
	nsent = 0;
	echo = false;

	/* reset, then a malformed transmit ring (a descriptor loop): NEEDS_RESET, no transmit; then
	 * nothing is processed until reset */
	bring_up(NET_FEATURES, true);
	bool fresh = rd(0x14, 1) == STATUS_RUNNING && used_idx(&tx) == 0;
	uint16_t loop = tx.next_desc % QSIZE;
	put_desc(tx.desc + 16 * loop, 0x4000, 4, VIRTQ_DESC_F_NEXT, loop); /* points at itself */
	tx.next_desc++;
	make_available(&tx, loop);
	notify(TXQ);
	bool broke = (rd(0x14, 1) & VIRTIO_STATUS_NEEDS_RESET) && nseen == 0 && nsent == 1 && sent[0].data == 0x40 &&
		     used_idx(&tx) == 0;
	post_rx(0x8000, RXBUF);
	dropped = net.rx_dropped;
	took = virtio_net_receive(&net, g, 60);
	CHECK(fresh && broke && !took && net.rx_dropped == dropped + 1 && used_idx(&rx) == 0 && nsent == 1,
	      "transmit descriptor loop: NEEDS_RESET, config interrupt (vector 0), nothing sent; then receive refused");
	nsent = 0;

	/* a malformed receive ring met by virtio_net_receive itself */
	bring_up(NET_FEATURES, true);
	put16(rx.avail + 2, 100);
	took = virtio_net_receive(&net, g, 60);
	CHECK(!took && (rd(0x14, 1) & VIRTIO_STATUS_NEEDS_RESET) && nsent == 1 && sent[0].data == 0x40,
	      "receive ring index 100 ahead: false, NEEDS_RESET + config interrupt");
	nsent = 0;

	/* a driver that negotiates only VERSION_1 (a "truly minimal driver" minus MAC): works the same */
	bring_up(VIRTIO_F_VERSION_1, true);
	make_frame(f, 60, 10);
	post_rx(0x8000, RXBUF);
	post_tx(0x4000, f, 60, VIRTIO_NET_HDR_GSO_NONE);
	notify(TXQ);
	took = virtio_net_receive(&net, f, 60);
	CHECK(rd(0x14, 1) == STATUS_RUNNING && seen_is(0, f, 60) && took && used_len(&rx, 0) == 72 &&
	      !memcmp(ram + 0x8000 + 12, f, 60) && rd(DEVCFG + 0, 1) == 0x52,
	      "after reset, VERSION_1 only negotiated: transmit and receive work, the config still reads");
	return CHECK_DONE();
}
