/* Virtio devices in the hypervisor: each is a virtual PCI function (pci/virtio_pci.c) whose BAR
 * follows the guest's programming (pci/hv/vdev_bars.c), whose DMA reaches guest RAM only
 * (anything else is refused and the device asks for a reset), and whose MSI-X messages become
 * real interrupts (pci/hv/msi.c). */
#include "pci/hv/virtio_glue.h"
#include "pci/hv/vpci.h"
#include "pci/hv/msi.h"
#include "pci/hv/vdev_bars.h"
#include "devices/virtio/rng.h"
#include "devices/virtio/console.h"
#include "devices/virtio/blk.h"
#include "devices/virtio/net.h"
#include "devices/net/responder.h"
#include "boot/bootinfo.h"
#include "lib/string.h"
#include "ept/guest_memory.h"
#include "arch/x86.h"
#include "mm/heap.h"
#include "boot/console.h"
#include "vmx/exit_poll.h"

/* DMA: guest RAM only — never hypervisor memory, never device memory (virtio 1.2 §2.7: the
 * rings and buffers are in guest memory). The device may write what it maps, bypassing EPT, so
 * write watches on it end (ept/write_watch.h: a quick filter test for the usual buffer). */
static void *dma_map(void *ctx, uint64_t gpa, uint64_t len)
{
	void *p = guest_memory_ram_ptr(gpa, len);
	if (p)
		guest_memory_written(gpa, len);
	return p;
}

static const struct vq_guest_mem guest_ram = { 0, dma_map };

/* 64 random bits: RDRAND when the CPU has it (retried as the SDM advises, vol.1 7.3.17.1),
 * else a xorshift generator seeded from the TSC (not cryptographic; said in the log). */
static bool have_rdrand;
static uint64_t xorshift_state;

static uint64_t random64(void *ctx)
{
	for (int i = 0; have_rdrand && i < 10; i++) {
		uint64_t v;
		bool ok;
		__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok) : : "cc");
		if (ok)
			return v;
	}
	uint64_t x = xorshift_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return xorshift_state = x;
}

static struct virtio_rng *rng;
static struct virtio_console *console;
static struct virtio_blk *blk;
static struct virtio_net *net;
static struct vdev_bars rng_bars, console_bars, blk_bars, net_bars;

/* The network behind virtio-net: no wire, a gateway at 10.0.2.2 (52:54:00:12:35:02) that answers
 * ARP and ping (devices/net/responder.c); the guest is 52:54:00:12:34:56, e.g. 10.0.2.15/24. */
static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t gateway_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x35, 0x02 };
#define GATEWAY_IP 0x0a000202u
static struct net_responder gateway;
static uint8_t reply[VIRTIO_NET_MAX_FRAME];

static void net_transmit(void *ctx, const uint8_t *frame, size_t len)
{
	size_t n = net_responder_handle(&gateway, frame, len, reply, sizeof reply);
	if (n)
		virtio_net_receive(net, reply, n);
}

/* The virtio console's output, a line at a time, as "guest console: ..." (control characters
 * masked: the guest cannot forge a hypervisor line). */
static struct {
	char text[160];
	unsigned n;
} console_line;

static void console_output(void *ctx, const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = (char)bytes[i];
		if (c == '\r')
			continue;
		if (c == '\n' || console_line.n == sizeof console_line.text) {
			log_guest_line("guest console: ", console_line.text, console_line.n);
			console_line.n = 0;
			if (c == '\n')
				continue;
		}
		console_line.text[console_line.n++] = c;
	}
}

/* A RAM disk over a multiboot module's memory (hidden from the guest): writes last until the
 * machine stops. */
static struct {
	uint8_t *base;
	uint64_t size;
} ramdisk;

static int ramdisk_read(void *ctx, uint64_t offset, void *buf, size_t len)
{
	if (offset > ramdisk.size || len > ramdisk.size - offset)
		return -1;
	memcpy(buf, ramdisk.base + offset, len);
	return 0;
}

static int ramdisk_write(void *ctx, uint64_t offset, const void *buf, size_t len)
{
	if (offset > ramdisk.size || len > ramdisk.size - offset)
		return -1;
	memcpy(ramdisk.base + offset, buf, len);
	return 0;
}

static int ramdisk_flush(void *ctx)
{
	return 0; /* RAM: nothing is cached */
}

/* The first module whose arguments say "virtio-blk" ("virtio-blk ro": read-only). */
static const struct boot_module *disk_module(const struct boot_info *bi)
{
	for (unsigned i = 0; i < bi->n_modules; i++)
		if (boot_module_has_role(&bi->modules[i], "virtio-blk"))
			return &bi->modules[i];
	return 0;
}

static void *alloc_device(size_t size)
{
	return heap_alloc_pages((unsigned)((size + 4095) / 4096)); /* page-aligned config bytes */
}

/* A guest's driver broke a device (malformed ring, DMA outside guest RAM, rings it cannot use):
 * the device asks for a reset (virtio 1.2 §2.1.2) and the hypervisor says so once. */
static void needs_reset(struct virtio_device *d)
{
	log_printf("hv: %s: the driver's rings or buffers are malformed or outside guest RAM: DEVICE_NEEDS_RESET\n", d->name);
}

/* Busy queues are polled after every exit (vmx/exit_poll.h) instead of waiting for the driver's
 * notifications (pci/virtio_pci.h, "Polling while busy"). */
static unsigned poll_budget;
static struct virtio_device *devices[4];
static unsigned n_devices;
static uint64_t polls;

static void start_polling(struct virtio_device *d)
{
	exit_poll_request();
}

/* An idle poll on the preemption timer (the guest ran a poll interval without exiting) costs a
 * whole tick; one after another exit costs 1/POLL_EXITS_PER_TICK of it (so polling also ends
 * for a guest that keeps exiting for other reasons). */
#define POLL_EXITS_PER_TICK 32

static bool poll_devices(bool tick)
{
	bool again = false;
	polls++;
	for (unsigned i = 0; i < n_devices; i++)
		again |= virtio_pci_poll(devices[i], tick ? POLL_EXITS_PER_TICK : 1);
	return again;
}

static void add(struct virtio_device *d, struct vdev_bars *b)
{
	d->on_needs_reset = needs_reset;
	d->poll_budget = poll_budget * POLL_EXITS_PER_TICK;
	d->on_polling = start_polling;
	devices[n_devices++] = d;
	vdev_bars_init(b, d->name);
	pci_bar_route_bind(&b->route, VIRTIO_PCI_BAR, &virtio_pci_bar_ops, d, d->name);
	vdev_bars_watch(b, &d->fn);
	uint16_t bdf = vpci_add_virtual(&d->fn);
	log_printf("hv: pci %02x:%02x.%x %04x:%04x %s (virtio device %u, %u queue%s)\n", PCI_BDF_BUS(bdf), PCI_BDF_DEV(bdf),
		   PCI_BDF_FN(bdf), VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE(d->type), d->name, d->type, d->num_queues,
		   d->num_queues == 1 ? "" : "s");
}

void virtio_glue_init(const struct boot_info *bi, unsigned poll)
{
	poll_budget = poll;
	if (poll) {
		exit_poll_init(poll_devices);
		log_printf("hv: virtio: busy queues are polled after every exit and every %u TSC ticks without one, until %u "
			   "such ticks (or %u exits) find nothing (virtio.poll=)\n", EXIT_POLL_TICKS, poll, poll * POLL_EXITS_PER_TICK);
	}
	have_rdrand = cpuid(1, 0).ecx & (1u << 30);
	xorshift_state = rdtsc() | 1;
	if (!have_rdrand)
		log_printf("hv: virtio-rng: no RDRAND; random bytes come from a TSC-seeded xorshift (not for cryptography)\n");
	rng = alloc_device(sizeof *rng);
	virtio_rng_init(rng, &guest_ram, msi_deliver, 0, random64, 0);
	add(&rng->dev, &rng_bars);

	console = alloc_device(sizeof *console);
	virtio_console_init(console, &guest_ram, msi_deliver, 0, console_output, 0);
	add(&console->dev, &console_bars);

	net_responder_init(&gateway, gateway_mac, GATEWAY_IP);
	net = alloc_device(sizeof *net);
	virtio_net_init(net, guest_mac, &guest_ram, msi_deliver, 0, net_transmit, 0);
	add(&net->dev, &net_bars);

	const struct boot_module *m = disk_module(bi);
	if (!m)
		return;
	ramdisk.base = (uint8_t *)(uintptr_t)m->start;
	ramdisk.size = (m->end - m->start) & ~511ull;
	if (!ramdisk.size) {
		log_printf("hv: virtio-blk: module \"%s\" is smaller than one sector: no disk\n", m->cmdline);
		return;
	}
	const char *args = boot_module_args(m);
	struct blk_backend disk = { 0, ramdisk.size, !strcmp(args, "virtio-blk ro"), ramdisk_read, ramdisk_write,
				    ramdisk_flush, "minihv-ramdisk" };
	blk = alloc_device(sizeof *blk);
	virtio_blk_init(blk, &disk, &guest_ram, msi_deliver, 0);
	add(&blk->dev, &blk_bars);
	log_printf("hv: virtio-blk: RAM disk of %lu KiB from module \"%s\"%s\n", ramdisk.size >> 10, m->cmdline,
		   disk.read_only ? ", read-only" : "");
}

/* The virtio lines of the exit statistics: what each device did. */
void virtio_print_stats(void)
{
	if (!rng)
		return;
	log_printf("hv: virtio: rng %lu requests (%lu bytes); console %lu bytes out, %lu in; net %lu frames out, %lu in "
		   "(%lu dropped), gateway %lu ARP + %lu ping replies", rng->requests, rng->bytes, console->bytes_out,
		   console->bytes_in, net->tx_frames, net->rx_frames, net->rx_dropped + net->tx_dropped, gateway.arp_replies,
		   gateway.echo_replies);
	if (blk)
		log_printf("; blk %lu reads, %lu writes, %lu flushes, %lu errors", blk->reads, blk->writes, blk->flushes,
			   blk->errors);
	log_printf("\n");
	log_printf("hv: virtio: driver notifications: rng %lu, console %lu, net %lu", virtio_pci_kicks(&rng->dev),
		   virtio_pci_kicks(&console->dev), virtio_pci_kicks(&net->dev));
	if (blk)
		log_printf(", blk %lu", virtio_pci_kicks(&blk->dev));
	log_printf("; %lu polls\n", polls);
}
