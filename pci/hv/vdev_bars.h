/* A virtual PCI function's BARs in the hypervisor: every decode change of a BAR becomes one
 * published dispatch update (pci/bar_route.h), then the EPT (memory BARs: misconfiguration
 * entries, so accesses exit and are emulated) or the IO bitmap (IO BARs) follows. */
#ifndef PCI_HV_VDEV_BARS_H
#define PCI_HV_VDEV_BARS_H
#include "pci/bar_route.h"

struct vdev_bars {
	struct pci_bar_route route;
	const char *name;
};

/* First vdev_bars_init; then bind the BARs (pci_bar_route_bind(&b->route, ...)); then
 * vdev_bars_watch makes fn's BAR changes go through b. */
void vdev_bars_init(struct vdev_bars *b, const char *name);
void vdev_bars_watch(struct vdev_bars *b, struct pci_function *fn);
#endif
