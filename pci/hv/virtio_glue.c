/* Virtio devices in the hypervisor: each is a virtual PCI function (pci/virtio_pci.c) whose BAR
 * follows the guest's programming (pci/hv/vdev_bars.c), whose DMA reaches guest RAM only
 * (anything else is refused and the device asks for a reset), and whose MSI-X messages become
 * real interrupts (pci/hv/msi.c). */
#include "pci/hv/vpci.h"
#include "pci/hv/msi.h"
#include "pci/hv/vdev_bars.h"
#include "devices/virtio/rng.h"
#include "ept/guest_memory.h"
#include "arch/x86.h"
#include "mm/heap.h"
#include "boot/console.h"

void virtio_glue_init(void);

/* DMA: guest RAM only — never hypervisor memory, never device memory (virtio 1.2 §2.7: the
 * rings and buffers are in guest memory). */
static void *dma_map(void *ctx, uint64_t gpa, uint64_t len)
{
	return guest_memory_ram_ptr(gpa, len);
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
static struct vdev_bars rng_bars;

static void add(struct virtio_device *d, struct vdev_bars *b)
{
	vdev_bars_init(b, d->name);
	pci_bar_route_bind(&b->route, VIRTIO_PCI_BAR, &virtio_pci_bar_ops, d, d->name);
	vdev_bars_watch(b, &d->fn);
	uint16_t bdf = vpci_add_virtual(&d->fn);
	log_printf("hv: pci %02x:%02x.%x %04x:%04x %s (virtio device %u, %u queue%s)\n", PCI_BDF_BUS(bdf), PCI_BDF_DEV(bdf),
		   PCI_BDF_FN(bdf), VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE(d->type), d->name, d->type, d->num_queues,
		   d->num_queues == 1 ? "" : "s");
}

void virtio_glue_init(void)
{
	have_rdrand = cpuid(1, 0).ecx & (1u << 30);
	xorshift_state = rdtsc() | 1;
	if (!have_rdrand)
		log_printf("hv: virtio-rng: no RDRAND; random bytes come from a TSC-seeded xorshift (not for cryptography)\n");
	rng = heap_alloc_pages((unsigned)((sizeof *rng + 4095) / 4096)); /* page-aligned config bytes */
	virtio_rng_init(rng, &guest_ram, msi_deliver, 0, random64, 0);
	add(&rng->dev, &rng_bars);
}
