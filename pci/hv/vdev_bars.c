/* Virtual functions' BARs: dispatch tables, EPT, IO bitmap (see vdev_bars.h). */
#include "pci/hv/vdev_bars.h"
#include "devices/io_spaces.h"
#include "vmx/bitmaps.h"
#include "ept/guest_memory.h"
#include "boot/console.h"

static void bar_changed(void *ctx, struct pci_function *fn, unsigned bar, struct pci_bar_state old_state,
			struct pci_bar_state new_state)
{
	struct vdev_bars *b = ctx;
	enum pci_bar_type type = fn->bar[bar].type;
	uint64_t size = fn->bar[bar].size;
	struct range_table *space = type == PCI_BAR_IO ? &pio_space : &mmio_space;
	bool old_routed = old_state.decoding && range_lookup(space, old_state.addr);
	if (pci_bar_route_update(&b->route, fn, bar, old_state, new_state) != RANGE_OK)
		log_printf("hv: %s BAR%u at 0x%lx overlaps another range: not dispatched\n", b->name, bar, new_state.addr);
	bool new_routed = new_state.decoding && range_lookup(space, new_state.addr);
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

void vdev_bars_init(struct vdev_bars *b, const char *name)
{
	b->name = name;
	pci_bar_route_init(&b->route, &mmio_space, &pio_space);
}

void vdev_bars_watch(struct vdev_bars *b, struct pci_function *fn)
{
	pci_config_on_bar_change(fn, bar_changed, b);
}
