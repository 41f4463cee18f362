/*
 * libFuzzer target: the virtio devices (rng, console, block, network) behind the virtio PCI
 * transport, driven by a guest gone wild. The input fills guest RAM (descriptor tables, rings,
 * indirect tables, buffers) and then is a list of operations: BAR reads and writes of any size,
 * configuration-space writes, notifications, polls, console input, network frames. Each device is
 * first brought up as a driver would (queues in RAM, MSI-X, bus mastering), so the fuzzer
 * reaches the ring processing at once. Built with clang -fsanitize=fuzzer,address,undefined
 * (devices/virtio_fuzz.mk); run by tools/fuzz-virtio.sh. Traps on a broken invariant: the disk
 * asked for bytes outside it, a device output larger than any frame or transmit.
 */
#include "devices/virtio/blk.h"
#include "devices/virtio/console.h"
#include "devices/virtio/net.h"
#include "devices/virtio/rng.h"
#include "pci/cap.h"
#include "pci/regs.h"
#include <string.h>

#define RAM_SIZE 0x10000u
static uint8_t ram[RAM_SIZE];
static void *map(void *ctx, uint64_t gpa, uint64_t len)
{
	if (!len)
		__builtin_trap(); /* the virtqueue never asks for nothing */
	return gpa < RAM_SIZE && len <= RAM_SIZE - gpa ? ram + gpa : NULL;
}
static const struct vq_guest_mem mem = { 0, map };

static void raise_msi(void *ctx, uint64_t addr, uint32_t data) {}
static uint64_t random64(void *ctx) { return 0x0123456789abcdefull; }

#define DISK_SIZE 0x8000u
static uint8_t disk[DISK_SIZE];
static int disk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	if (off > DISK_SIZE || len > DISK_SIZE - off)
		__builtin_trap(); /* the device checks the range first */
	memcpy(buf, disk + off, len);
	return 0;
}
static int disk_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	if (off > DISK_SIZE || len > DISK_SIZE - off)
		__builtin_trap();
	memcpy(disk + off, buf, len);
	return 0;
}
static int disk_flush(void *ctx) { return 0; }

static void console_out(void *ctx, const uint8_t *b, size_t n)
{
	if (n > 4096)
		__builtin_trap();
}
static void net_out(void *ctx, const uint8_t *f, size_t n)
{
	if (n < VIRTIO_NET_MIN_FRAME || n > VIRTIO_NET_MAX_FRAME)
		__builtin_trap();
}

static struct virtio_rng rng;
static struct virtio_console con;
static struct virtio_blk blk;
static struct virtio_net net;
static struct virtio_device *D;

static uint64_t rd(unsigned off, unsigned size) { return virtio_pci_bar_ops.read(D, off, size); }
static void wr(unsigned off, unsigned size, uint64_t v) { virtio_pci_bar_ops.write(D, off, size, v); }

/* What a driver does first: features (all offered), queues at fixed places in RAM, MSI-X. */
static void bring_up(void)
{
	wr(0x14, 1, 0);
	wr(0x14, 1, 3);
	for (unsigned half = 0; half < 2; half++) {
		wr(0x00, 4, half);
		uint64_t offered = rd(0x04, 4);
		wr(0x08, 4, half);
		wr(0x0c, 4, offered);
	}
	wr(0x14, 1, 11);
	for (unsigned q = 0; q < D->num_queues; q++) {
		wr(0x16, 2, q);
		wr(0x18, 2, 16);
		wr(0x1a, 2, q + 1);
		wr(0x20, 8, 0x1000 + 0x1000 * q);
		wr(0x28, 8, 0x1100 + 0x1000 * q);
		wr(0x30, 8, 0x1200 + 0x1000 * q);
		wr(0x1c, 2, 1);
	}
	wr(0x14, 1, 15);
	unsigned x = pci_cap_find(&D->fn, PCI_CAP_ID_MSIX);
	pci_config_write(&D->fn, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	pci_config_write(&D->fn, x + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	unsigned which = data[0] % 4;
	data++, size--;
	/* The first half (at most 12 KiB) fills RAM from 0x1000 on, where the rings are; the rest
	 * is the list of operations. */
	size_t fill = size / 2 < 0x3000 ? size / 2 : 0x3000;
	memset(ram, 0, sizeof ram);
	memcpy(ram + 0x1000, data, fill);
	struct blk_backend be = { 0, DISK_SIZE, false, disk_read, disk_write, disk_flush, "fuzz" };
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	switch (which) {
	case 0: virtio_rng_init(&rng, &mem, raise_msi, 0, random64, 0); D = &rng.dev; break;
	case 1: virtio_console_init(&con, &mem, raise_msi, 0, console_out, 0); D = &con.dev; break;
	case 2: virtio_blk_init(&blk, &be, &mem, raise_msi, 0); D = &blk.dev; break;
	default: virtio_net_init(&net, mac, &mem, raise_msi, 0, net_out, 0); D = &net.dev; break;
	}
	D->poll_budget = data[0] & 0x80 ? 1 + data[0] % 4 : 0; /* polling while busy on half of the runs */
	bring_up();
	/* operations: 12 bytes each (kind, size, offset le16, value le64) */
	for (size_t at = fill; at + 12 <= size; at += 12) {
		const uint8_t *op = data + at;
		unsigned sz = 1u << (op[1] & 3), off = (unsigned)(op[2] | op[3] << 8) % VIRTIO_PCI_BAR_SIZE;
		uint64_t v;
		memcpy(&v, op + 4, 8);
		switch (op[0] % 8) {
		case 0: case 1: wr(off & ~(sz - 1), sz, v); break;
		case 2: rd(off & ~(sz - 1), sz); break;
		case 3: wr(VIRTIO_PCI_NOTIFY + VIRTIO_PCI_NOTIFY_MULT * (op[2] % 2), 2, 0); break;
		case 4: pci_config_write(&D->fn, off % 256 & ~3u, sz > 4 ? 4 : sz, (uint32_t)v); break;
		case 5: ram[off % RAM_SIZE] = (uint8_t)v; break;
		case 6:
			if (which == 1)
				virtio_console_input(&con, op + 4, op[1] % 9);
			else if (which == 3)
				virtio_net_receive(&net, data, (size_t)(v % 1600) < size ? (size_t)(v % 1600) : size);
			break;
		default:
			if (v & 1)
				virtio_pci_poll(D, 1 + (unsigned)(v >> 8) % 4);
			else
				bring_up();
			break;
		}
	}
	return 0;
}
