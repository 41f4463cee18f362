/* Host tests for the virtio block device (devices/virtio/blk.c) on the virtio PCI transport,
 * driven as Linux's virtio_pci + virtio_blk drivers do: IDs, device configuration, features,
 * then requests built in a fake guest RAM (header, data, status; split and indirect chains)
 * against a RAM disk with fault injection. Guest RAM and the disk are allocated exactly, so
 * valgrind or a sanitizer sees any access past their ends. */
#include "devices/virtio/blk.h"
#include "pci/cap.h"
#include "pci/regs.h"
#include "tests/check.h"
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE 0x20000
static uint8_t *ram;

#include "tests/pci/msi_log.h"

/* The RAM disk: 64 KiB (128 sectors), every call counted, failures on demand; `outside` records
 * a call for bytes past the disk (the device must never make one). */
#define DISK_SIZE 0x10000
#define CAPACITY (DISK_SIZE / 512)
static struct {
	uint8_t *data;
	bool fail_read, fail_write, fail_flush, outside;
	unsigned reads, writes, flushes;
} disk;

static bool outside(uint64_t off, size_t len) { return off > DISK_SIZE || len > DISK_SIZE - off; }

static int disk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	disk.reads++;
	if (outside(off, len)) {
		disk.outside = true;
		return -1;
	}
	if (disk.fail_read)
		return -1;
	memcpy(buf, disk.data + off, len);
	return 0;
}

static int disk_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	disk.writes++;
	if (outside(off, len)) {
		disk.outside = true;
		return -1;
	}
	if (disk.fail_write)
		return -1;
	memcpy(disk.data + off, buf, len);
	return 0;
}

static int disk_flush(void *ctx)
{
	disk.flushes++;
	return disk.fail_flush ? -1 : 0;
}

static uint8_t pattern(uint64_t i) { return (uint8_t)(i * 7 + (i >> 9) * 13 + 1); }

static struct virtio_blk blk, blk_ro, blk_big;
static struct virtio_device *D;

#include "tests/devices/virtio_test_driver.h"

static void make(struct virtio_blk *b, uint64_t size, bool read_only, bool flush, const char *id)
{
	struct blk_backend be = { 0, size, read_only, disk_read, disk_write, flush ? disk_flush : NULL, id };
	virtio_blk_init(b, &be, &mem, raise_msi, 0);
}



static uint64_t offered(void)
{
	wr(0x00, 4, 0);
	uint64_t f = rd(0x04, 4);
	wr(0x00, 4, 1);
	return f | rd(0x04, 4) << 32;
}


#define QSIZE 16
#define DESC 0x1000
#define AVAIL 0x2000
#define USED 0x3000
#define INDIRECT 0x3800
#define HDR 0x4000      /* request headers, 0x40 apart */
#define STATUS 0x4800   /* status bytes, one per request */
#define DATA 0x8000     /* data buffers up to the end of RAM */

static uint16_t avail_idx, next_desc;

/* Reset, features, FEATURES_OK, queue 0 (16 entries), DRIVER_OK; MSI-X vectors 0 (config) and 1
 * (queue) to 0xfee00000 data 0x40 + v; bus mastering. The driver's ring state starts over. */
static void bring_up(struct virtio_blk *b, uint64_t features)
{
	D = &b->dev;
	memset(ram + DESC, 0, USED + 0x800 - DESC);
	avail_idx = next_desc = 0;
	negotiate(features);
	wr(0x16, 2, 0);
	wr(0x18, 2, QSIZE);
	wr(0x1a, 2, 1);
	wr(0x20, 8, DESC);
	wr(0x28, 8, AVAIL);
	wr(0x30, 8, USED);
	wr(0x1c, 2, 1);
	wr(0x10, 2, 0);
	wr(0x14, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	enable_msix_vectors(2);
}

struct sg {
	uint64_t addr;
	uint32_t len;
	bool write;
};

/* A chain in the next free descriptors, its head in the available ring (not yet published). */
static uint16_t add_chain(const struct sg *sg, unsigned n)
{
	uint16_t head = next_desc;
	for (unsigned i = 0; i < n; i++) {
		uint64_t d = DESC + 16 * next_desc;
		next_desc = (uint16_t)((next_desc + 1) % QSIZE);
		put64(d, sg[i].addr);
		put32(d + 8, sg[i].len);
		put16(d + 12, (uint16_t)((sg[i].write ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0)));
		put16(d + 14, next_desc);
	}
	put16(AVAIL + 4 + 2 * (avail_idx % QSIZE), head);
	avail_idx++;
	return head;
}

/* Publishes avail->idx and notifies queue 0. */
static void kick(void)
{
	put16(AVAIL + 2, avail_idx);
	wr(VIRTIO_PCI_NOTIFY, 2, 0);
}

static uint16_t used_idx(void) { return get16(USED + 2); }
static uint32_t used_id(uint16_t i) { return get32(USED + 4 + 8 * (i % QSIZE)); }
static uint32_t used_len(uint16_t i) { return get32(USED + 8 + 8 * (i % QSIZE)); }

static void header(uint64_t at, uint32_t type, uint64_t sector)
{
	put32(at, type);
	put32(at + 4, 0);
	put64(at + 8, sector);
}

/* Submits sg[0..n) alone and kicks. Returns the byte at `status` (0xff before), or -1 if the
 * chain did not come back as exactly one used element; *len: its used length. */
static int submit(const struct sg *sg, unsigned n, uint64_t status, uint32_t *len)
{
	if (status)
		ram[status] = 0xff;
	uint16_t before = used_idx();
	uint16_t head = add_chain(sg, n);
	kick();
	if (used_idx() != (uint16_t)(before + 1) || used_id(before) != head)
		return -1;
	*len = used_len(before);
	return status ? ram[status] : 0;
}

/* header, one data buffer (device-writable for IN and GET_ID; none if len is 0), status. */
static int request(uint32_t type, uint64_t sector, uint64_t data, uint32_t len, uint32_t *ulen)
{
	header(HDR, type, sector);
	bool in = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	struct sg sg[3] = { { HDR, 16, false }, { data, len, in }, { STATUS, 1, true } };
	if (!len)
		sg[1] = sg[2];
	return submit(sg, len ? 3 : 2, STATUS, ulen);
}

static bool disk_is(uint64_t off, const uint8_t *want, size_t len) { return !memcmp(disk.data + off, want, len); }

static bool disk_pristine(void)
{
	for (uint64_t i = 0; i < DISK_SIZE; i++)
		if (disk.data[i] != pattern(i))
			return false;
	return true;
}

static void disk_reset(void)
{
	for (uint64_t i = 0; i < DISK_SIZE; i++)
		disk.data[i] = pattern(i);
	disk.fail_read = disk.fail_write = disk.fail_flush = disk.outside = false;
	disk.reads = disk.writes = disk.flushes = 0;
}

static bool all(uint64_t at, uint8_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ram[at + i] != v)
			return false;
	return true;
}

#define FEATURES (VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH)
#define DEVCFG VIRTIO_PCI_DEVCFG

int main(void)
{
	ram = calloc(1, RAM_SIZE);
	disk.data = malloc(DISK_SIZE);
	disk_reset();
	make(&blk, DISK_SIZE, false, true, "minihv-0001");
	make(&blk_ro, DISK_SIZE, true, false, NULL);
	make(&blk_big, 0x123456789a00ull + 100, false, true, NULL); /* a partial last sector is dropped */
	uint32_t len;
	int st;

	/* identity, capabilities, configuration (§4.1.2, §5.2.4) */
	D = &blk.dev;
	unsigned devcfg = find_cap(4);
	CHECK(cfg(PCI_VENDOR_ID, 2) == 0x1af4 && cfg(PCI_DEVICE_ID, 2) == 0x1042 && devcfg &&
	      cfg(devcfg + 8, 4) == VIRTIO_PCI_DEVCFG && cfg(devcfg + 12, 4) == VIRTIO_BLK_CONFIG_SIZE && rd(0x12, 2) == 1,
	      "ids 1af4:1042; device configuration capability at 0x200, %u bytes; one queue", VIRTIO_BLK_CONFIG_SIZE);
	CHECK(rd(DEVCFG, 8) == CAPACITY && rd(DEVCFG, 4) == CAPACITY && rd(DEVCFG + 4, 4) == 0 &&
	      rd(DEVCFG + 12, 4) == VQ_MAX_SEGMENTS - 2 && rd(DEVCFG + 20, 4) == 512 && rd(DEVCFG + 8, 4) == 0 &&
	      rd(DEVCFG + 16, 4) == 0 && rd(DEVCFG + 32, 1) == 0 && rd(DEVCFG + 24, 8) == 0 &&
	      rd(DEVCFG + VIRTIO_BLK_CONFIG_SIZE - 4, 4) == 0,
	      "config: capacity 128 sectors, seg_max %u, blk_size 512, size_max/geometry/topology/writeback 0",
	      VQ_MAX_SEGMENTS - 2);
	CHECK(rd(DEVCFG + 11, 2) == 0x3e00 && rd(DEVCFG + 21, 1) == 2 && rd(DEVCFG + 13, 4) == 0 &&
	      rd(DEVCFG + 20, 2) == 512 && rd(DEVCFG + VIRTIO_BLK_CONFIG_SIZE, 4) == 0,
	      "config: unaligned and byte reads are little-endian slices; past the structure reads 0");
	wr(DEVCFG, 8, 5);
	wr(DEVCFG + 32, 1, 1);
	CHECK(rd(DEVCFG, 8) == CAPACITY && rd(DEVCFG + 32, 1) == 0, "config writes are ignored");
	D = &blk_big.dev;
	CHECK(rd(DEVCFG, 8) == 0x123456789a00ull / 512 && rd(DEVCFG + 4, 4) == (0x123456789a00ull / 512) >> 32,
	      "config: a 64-bit capacity through an 8-byte read and its high half");

	/* features (§5.2.3) */
	D = &blk.dev;
	uint64_t f_rw = offered();
	D = &blk_ro.dev;
	uint64_t f_ro = offered();
	uint64_t base = VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE;
	CHECK((f_rw & base) == base && (f_rw & VIRTIO_BLK_F_FLUSH) && !(f_rw & VIRTIO_BLK_F_RO) && (f_ro & base) == base &&
	      (f_ro & VIRTIO_BLK_F_RO) && !(f_ro & VIRTIO_BLK_F_FLUSH) &&
	      !((f_rw | f_ro) & (VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_GEOMETRY | VIRTIO_BLK_F_TOPOLOGY | VIRTIO_BLK_F_MQ |
				 VIRTIO_BLK_F_CONFIG_WCE)),
	      "features: SEG_MAX, BLK_SIZE; FLUSH only with a backend flush; RO only when read-only");
	bring_up(&blk, FEATURES);
	CHECK(rd(0x14, 1) == 15 && rd(0x1c, 2) == 1, "driver brought up with VERSION_1 + SEG_MAX + BLK_SIZE + FLUSH");

	/* IN: header split over two descriptors, three sectors over three unaligned data segments */
	memset(ram + DATA, 0xee, 0x3000);
	header(HDR, VIRTIO_BLK_T_IN, 3);
	memmove(ram + HDR + 0x100, ram + HDR + 6, 10);
	{
		struct sg sg[] = { { HDR, 6, false }, { HDR + 0x100, 10, false }, { DATA, 100, true },
				   { DATA + 0x1000, 924, true }, { DATA + 0x2000, 512, true }, { STATUS, 1, true } };
		st = submit(sg, 6, STATUS, &len);
	}
	CHECK(st == VIRTIO_BLK_S_OK && len == 1537 && !memcmp(ram + DATA, disk.data + 3 * 512, 100) &&
	      !memcmp(ram + DATA + 0x1000, disk.data + 3 * 512 + 100, 924) &&
	      !memcmp(ram + DATA + 0x2000, disk.data + 3 * 512 + 1024, 512) && ram[DATA + 100] == 0xee &&
	      ram[DATA + 0x1000 + 924] == 0xee && ram[DATA + 0x2000 + 512] == 0xee && blk.reads == 1,
	      "IN: 3 sectors into 3 segments (100+924+512), header in 6+10 bytes; used length 1537");

	/* IN with the status byte in the same descriptor as the data (framing is free, §2.6.4) */
	memset(ram + DATA, 0xee, 0x400);
	header(HDR, VIRTIO_BLK_T_IN, 127);
	{
		struct sg sg[] = { { HDR, 16, false }, { DATA, 513, true } };
		st = submit(sg, 2, DATA + 512, &len);
	}
	CHECK(st == VIRTIO_BLK_S_OK && len == 513 && !memcmp(ram + DATA, disk.data + 127 * 512, 512) && ram[DATA + 513] == 0xee,
	      "IN: last sector, data and status in one 513-byte descriptor");

	/* OUT then IN: header and data share a descriptor, the rest in another */
	for (unsigned i = 0; i < 1024; i++)
		ram[HDR + 0x200 + 16 + i] = (uint8_t)(0xa5 ^ i);
	header(HDR + 0x200, VIRTIO_BLK_T_OUT, 10);
	memcpy(ram + DATA + 0x4000, ram + HDR + 0x200 + 16 + 300, 724);
	{
		struct sg sg[] = { { HDR + 0x200, 16 + 300, false }, { DATA + 0x4000, 724, false }, { STATUS, 1, true } };
		st = submit(sg, 3, STATUS, &len);
	}
	bool neighbours = disk.data[10 * 512 - 1] == pattern(10 * 512 - 1) && disk.data[12 * 512] == pattern(12 * 512);
	CHECK(st == VIRTIO_BLK_S_OK && len == 1 && disk_is(10 * 512, ram + HDR + 0x200 + 16, 1024) && neighbours &&
	      blk.writes == 1 && blk.bytes_written == 1024,
	      "OUT: 2 sectors from header+300 and 724-byte descriptors; used length 1; neighbours untouched");
	memset(ram + DATA, 0, 1024);
	st = request(VIRTIO_BLK_T_IN, 10, DATA, 1024, &len);
	CHECK(st == VIRTIO_BLK_S_OK && len == 1025 && !memcmp(ram + DATA, ram + HDR + 0x200 + 16, 1024), "IN reads the OUT back");

	/* FLUSH, GET_ID */
	st = request(VIRTIO_BLK_T_FLUSH, 0, 0, 0, &len);
	CHECK(st == VIRTIO_BLK_S_OK && len == 1 && disk.flushes == 1 && blk.flushes == 1, "FLUSH: backend flushed, used length 1");
	memset(ram + DATA, 0xff, 32);
	st = request(VIRTIO_BLK_T_GET_ID, 0, DATA, 20, &len);
	CHECK(st == VIRTIO_BLK_S_OK && len == 21 && !memcmp(ram + DATA, "minihv-0001", 11) && all(DATA + 11, 0, 9) &&
	      ram[DATA + 20] == 0xff, "GET_ID: 11-byte serial zero-padded to 20 bytes; used length 21");
	blk.backend.id = "0123456789abcdefghijKLMN";
	memset(ram + DATA, 0xff, 32);
	st = request(VIRTIO_BLK_T_GET_ID, 0, DATA, 20, &len);
	bool long_id = st == VIRTIO_BLK_S_OK && len == 21 && !memcmp(ram + DATA, "0123456789abcdefghij", 20);
	memset(ram + DATA, 0xff, 32);
	st = request(VIRTIO_BLK_T_GET_ID, 0, DATA, 8, &len);
	bool short_buf = st == VIRTIO_BLK_S_OK && len == 9 && !memcmp(ram + DATA, "01234567", 8) && ram[DATA + 8] == 0xff;
	blk.backend.id = NULL;
	memset(ram + DATA, 0xff, 32);
	st = request(VIRTIO_BLK_T_GET_ID, 0, DATA, 20, &len);
	blk.backend.id = "minihv-0001";
	CHECK(long_id && short_buf && st == VIRTIO_BLK_S_OK && len == 21 && all(DATA, 0, 20),
	      "GET_ID: a longer serial is cut at 20 bytes, an 8-byte buffer gets 8, no serial gives zeros");

	/* errors: range, overflow, length, type, backend */
	disk_reset();
	uint64_t errors = blk.errors;
	memset(ram + DATA, 0xee, 0x1000);
	int in_past = request(VIRTIO_BLK_T_IN, CAPACITY - 1, DATA, 1024, &len);
	bool in_past_ok = len == 1 && all(DATA, 0xee, 1024);
	int in_at_end = request(VIRTIO_BLK_T_IN, CAPACITY, DATA, 512, &len);
	int out_past = request(VIRTIO_BLK_T_OUT, CAPACITY - 1, DATA, 1024, &len);
	int in_empty_end = request(VIRTIO_BLK_T_IN, CAPACITY, 0, 0, &len);
	CHECK(in_past == VIRTIO_BLK_S_IOERR && in_past_ok && in_at_end == VIRTIO_BLK_S_IOERR && out_past == VIRTIO_BLK_S_IOERR &&
	      in_empty_end == VIRTIO_BLK_S_OK && len == 1 && disk.reads == 0 && disk.writes == 0 && disk_pristine(),
	      "out of range: IN/OUT past the last sector -> IOERR, nothing read or written (an empty IN at the end is OK)");
	int ov1 = request(VIRTIO_BLK_T_IN, 1ull << 55, DATA, 512, &len); /* sector * 512 wraps to 0 */
	int ov2 = request(VIRTIO_BLK_T_OUT, 1ull << 55, DATA, 512, &len);
	int ov3 = request(VIRTIO_BLK_T_IN, ~0ull, DATA, 512, &len);
	int ov4 = request(VIRTIO_BLK_T_OUT, ~0ull >> 9, DATA, 1024, &len); /* end wraps to 512 */
	CHECK(ov1 == VIRTIO_BLK_S_IOERR && ov2 == VIRTIO_BLK_S_IOERR && ov3 == VIRTIO_BLK_S_IOERR && ov4 == VIRTIO_BLK_S_IOERR &&
	      len == 1 && disk.reads == 0 && disk.writes == 0 && disk_pristine() && all(DATA, 0xee, 1024),
	      "sector * 512 overflowing 64 bits -> IOERR, nothing read or written");
	int odd_in = request(VIRTIO_BLK_T_IN, 0, DATA, 513, &len);
	int odd_out = request(VIRTIO_BLK_T_OUT, 0, DATA, 100, &len);
	int odd_in2 = request(VIRTIO_BLK_T_IN, 0, DATA, 511, &len);
	CHECK(odd_in == VIRTIO_BLK_S_IOERR && odd_out == VIRTIO_BLK_S_IOERR && odd_in2 == VIRTIO_BLK_S_IOERR && len == 1 &&
	      disk.reads == 0 && disk.writes == 0 && disk_pristine() && all(DATA, 0xee, 1024),
	      "data not a multiple of 512 bytes -> IOERR");
	int t2 = request(2, 0, DATA, 512, &len);         /* SCSI_CMD (legacy) */
	int t11 = request(11, 0, DATA, 16, &len);        /* DISCARD, not offered */
	int tbar = request(0x80000001u, 0, DATA, 512, &len); /* legacy BARRIER | OUT */
	CHECK(t2 == VIRTIO_BLK_S_UNSUPP && t11 == VIRTIO_BLK_S_UNSUPP && tbar == VIRTIO_BLK_S_UNSUPP && len == 1 &&
	      disk.reads == 0 && disk.writes == 0 && disk_pristine(), "unknown types (SCSI, DISCARD, BARRIER|OUT) -> UNSUPP");
	disk.fail_read = disk.fail_write = disk.fail_flush = true;
	int e_in = request(VIRTIO_BLK_T_IN, 0, DATA, 512, &len);
	uint32_t e_in_len = len;
	int e_out = request(VIRTIO_BLK_T_OUT, 0, DATA, 512, &len);
	int e_flush = request(VIRTIO_BLK_T_FLUSH, 0, 0, 0, &len);
	disk.fail_read = disk.fail_write = disk.fail_flush = false;
	CHECK(e_in == VIRTIO_BLK_S_IOERR && e_in_len == 1 && e_out == VIRTIO_BLK_S_IOERR && e_flush == VIRTIO_BLK_S_IOERR &&
	      len == 1 && disk.reads == 1 && disk.writes == 1 && disk.flushes == 1 && !disk.outside,
	      "backend failures (read, write, flush) -> IOERR, used length 1");
	CHECK(blk.errors == errors + 16, "errors counted: %llu", (unsigned long long)(blk.errors - errors));

	/* malformed chains: no status byte; a short header */
	disk_reset();
	nsent = 0;
	errors = blk.errors;
	header(HDR, VIRTIO_BLK_T_OUT, 0);
	{
		struct sg sg[] = { { HDR, 16, false }, { DATA, 512, false } };
		st = submit(sg, 2, 0, &len);
	}
	bool no_status = st == 0 && len == 0 && disk.writes == 0 && !(rd(0x14, 1) & VIRTIO_STATUS_NEEDS_RESET);
	{
		struct sg sg[] = { { HDR, 8, false }, { STATUS, 1, true } };
		st = submit(sg, 2, STATUS, &len);
	}
	bool short_hdr = st == VIRTIO_BLK_S_IOERR && len == 1;
	{
		struct sg sg[] = { { STATUS, 1, true } };
		st = submit(sg, 1, STATUS, &len);
	}
	bool only_status = st == VIRTIO_BLK_S_IOERR && len == 1;
	st = request(VIRTIO_BLK_T_IN, 1, DATA, 512, &len);
	CHECK(no_status && short_hdr && only_status && st == VIRTIO_BLK_S_OK && blk.errors == errors + 3 && nsent == 4 &&
	      !(rd(0x14, 1) & VIRTIO_STATUS_NEEDS_RESET) && disk_pristine(),
	      "no status byte: returned with length 0; header < 16 bytes: IOERR; the queue keeps working");

	/* read-only device */
	bring_up(&blk_ro, VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_RO | VIRTIO_BLK_F_SEG_MAX);
	disk_reset();
	memset(ram + DATA, 0x5a, 1024);
	int ro_out = request(VIRTIO_BLK_T_OUT, 2, DATA, 1024, &len);
	uint32_t ro_out_len = len;
	int ro_in = request(VIRTIO_BLK_T_IN, 2, DATA, 1024, &len);
	int ro_flush = request(VIRTIO_BLK_T_FLUSH, 0, 0, 0, &len);
	CHECK(ro_out == VIRTIO_BLK_S_IOERR && ro_out_len == 1 && disk.writes == 0 && disk_pristine() && ro_in == VIRTIO_BLK_S_OK &&
	      !memcmp(ram + DATA, disk.data + 1024, 1024) && ro_flush == VIRTIO_BLK_S_UNSUPP && blk_ro.writes == 0 &&
	      blk_ro.reads == 1, "read-only: OUT -> IOERR and nothing written; IN works; FLUSH without a backend flush -> UNSUPP");

	/* several requests in one notification: one interrupt, every used length exact */
	bring_up(&blk, FEATURES);
	nsent = 0;
	uint16_t before = used_idx(), heads[4];
	header(HDR, VIRTIO_BLK_T_IN, 20);
	header(HDR + 0x40, VIRTIO_BLK_T_OUT, 30);
	header(HDR + 0x80, VIRTIO_BLK_T_FLUSH, 0);
	header(HDR + 0xc0, VIRTIO_BLK_T_GET_ID, 0);
	memset(ram + DATA + 0x1000, 0x77, 512);
	memset(ram + STATUS, 0xff, 4);
	{
		struct sg a[] = { { HDR, 16, false }, { DATA, 2048, true }, { STATUS, 1, true } };
		struct sg b[] = { { HDR + 0x40, 16, false }, { DATA + 0x1000, 512, false }, { STATUS + 1, 1, true } };
		struct sg c[] = { { HDR + 0x80, 16, false }, { STATUS + 2, 1, true } };
		struct sg d[] = { { HDR + 0xc0, 16, false }, { DATA + 0x2000, 20, true }, { STATUS + 3, 1, true } };
		heads[0] = add_chain(a, 3);
		heads[1] = add_chain(b, 3);
		heads[2] = add_chain(c, 2);
		heads[3] = add_chain(d, 3);
	}
	kick();
	uint32_t want_len[4] = { 2049, 1, 1, 21 };
	bool batch = used_idx() == (uint16_t)(before + 4) && all(STATUS, 0, 4);
	for (unsigned i = 0; i < 4; i++)
		batch = batch && used_id((uint16_t)(before + i)) == heads[i] && used_len((uint16_t)(before + i)) == want_len[i];
	CHECK(batch && nsent == 1 && sent[0].data == 0x41 && !memcmp(ram + DATA, disk.data + 20 * 512, 2048) &&
	      all(DATA + 0x1000, 0x77, 512) && disk.data[30 * 512 + 511] == 0x77 && !memcmp(ram + DATA + 0x2000, "minihv-0001", 11),
	      "4 requests (IN, OUT, FLUSH, GET_ID) in one notification: in order, lengths 2049/1/1/21, one interrupt");

	/* Linux's layout with INDIRECT_DESC: one descriptor pointing at a table of header, data, status */
	bring_up(&blk, FEATURES | VIRTIO_F_INDIRECT_DESC);
	header(HDR, VIRTIO_BLK_T_IN, 64);
	const struct sg table[] = { { HDR, 16, false }, { DATA, 4096, true }, { STATUS, 1, true } };
	for (unsigned i = 0; i < 3; i++) {
		put64(INDIRECT + 16 * i, table[i].addr);
		put32(INDIRECT + 16 * i + 8, table[i].len);
		put16(INDIRECT + 16 * i + 12, (uint16_t)((table[i].write ? VIRTQ_DESC_F_WRITE : 0) | (i < 2 ? VIRTQ_DESC_F_NEXT : 0)));
		put16(INDIRECT + 16 * i + 14, (uint16_t)(i + 1));
	}
	ram[STATUS] = 0xff;
	put64(DESC, INDIRECT);
	put32(DESC + 8, 48);
	put16(DESC + 12, VIRTQ_DESC_F_INDIRECT);
	put16(AVAIL + 4, 0);
	avail_idx = 1;
	kick();
	CHECK(used_idx() == 1 && used_id(0) == 0 && used_len(0) == 4097 && ram[STATUS] == 0 &&
	      !memcmp(ram + DATA, disk.data + 64 * 512, 4096), "IN of 8 sectors through an indirect table");

	/* a malformed ring (a descriptor outside guest RAM): NEEDS_RESET, config interrupt */
	nsent = 0;
	next_desc = 1;
	header(HDR, VIRTIO_BLK_T_IN, 0);
	{
		struct sg sg[] = { { HDR, 16, false }, { RAM_SIZE - 256, 512, true }, { STATUS, 1, true } };
		add_chain(sg, 3);
	}
	kick();
	CHECK((rd(0x14, 1) & VIRTIO_STATUS_NEEDS_RESET) && used_idx() == 1 && nsent == 1 && sent[0].data == 0x40,
	      "buffer outside guest RAM: DEVICE_NEEDS_RESET + configuration interrupt, nothing used");
	bring_up(&blk, FEATURES);
	st = request(VIRTIO_BLK_T_IN, 0, DATA, 512, &len);
	CHECK(st == VIRTIO_BLK_S_OK && len == 513 && !(rd(0x14, 1) & VIRTIO_STATUS_NEEDS_RESET) && !disk.outside,
	      "after a reset the device works again; the backend never saw a byte outside the disk");

	free(ram);
	free(disk.data);
	return CHECK_DONE();
}
