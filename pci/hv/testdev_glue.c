/* The virtual PCI test device (pci/testdev.c) in the hypervisor: its BARs follow the guest's
 * programming in the dispatch tables, the EPT and the IO bitmap; its messages become real
 * interrupts (pci/hv/msi.c). */
#include "pci/hv/vpci.h"
#include "pci/hv/msi.h"
#include "pci/testdev.h"
#include "devices/io_spaces.h"
#include "vmx/bitmaps.h"
#include "ept/guest_memory.h"
#include "mm/heap.h"
#include "boot/console.h"

static struct testdev *dev;
static struct pci_bar_route route;

/* A BAR moved, appeared or disappeared: one published dispatch update, then the EPT (MMIO BARs:
 * misconfiguration entries so accesses exit) or the IO bitmap (IO BARs) follows. */
static void bar_changed(void *ctx, struct pci_function *fn, unsigned bar, struct pci_bar_state old_state,
			struct pci_bar_state new_state)
{
	enum pci_bar_type type = fn->bar[bar].type;
	uint64_t size = fn->bar[bar].size;
	bool old_routed = old_state.decoding && range_lookup(type == PCI_BAR_IO ? &pio_space : &mmio_space, old_state.addr);
	if (pci_bar_route_update(&route, fn, bar, old_state, new_state) != RANGE_OK)
		log_printf("hv: testdev BAR%u at 0x%lx overlaps another range: not dispatched\n", bar, new_state.addr);
	bool new_routed = new_state.decoding && range_lookup(type == PCI_BAR_IO ? &pio_space : &mmio_space, new_state.addr);
	if (type == PCI_BAR_IO) {
		if (old_routed)
			io_intercept((uint16_t)old_state.addr, (unsigned)size, false);
		if (new_routed)
			io_intercept((uint16_t)new_state.addr, (unsigned)size, true);
		return;
	}
	if (old_routed)
		guest_memory_restore(old_state.addr, size);
	if (new_routed)
		guest_memory_set_mmio(new_state.addr, size);
}

void testdev_glue_init(void);
void testdev_glue_init(void)
{
	unsigned pages = (unsigned)((sizeof *dev + 4095) / 4096);
	dev = heap_alloc_pages(pages); /* page-aligned: its config bytes back an ECAM page */
	testdev_init(dev, msi_deliver, 0);
	pci_bar_route_init(&route, &mmio_space, &pio_space);
	testdev_attach(dev, &route);
	pci_config_on_bar_change(&dev->fn, bar_changed, 0);
	uint16_t bdf = vpci_add_virtual(&dev->fn);
	log_printf("hv: pci %02x:%02x.%x %04x:%04x virtual test device (BARs unassigned)\n", PCI_BDF_BUS(bdf),
		   PCI_BDF_DEV(bdf), PCI_BDF_FN(bdf), TESTDEV_VENDOR_ID, TESTDEV_DEVICE_ID);
}
