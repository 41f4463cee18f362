/*
 * Keeps devices/range.h dispatch in step with a function's BARs: bind a range device to each
 * BAR, install pci_bar_route_changed as the function's BAR callback (or call
 * pci_bar_route_update from the hypervisor's own callback, which also fixes up EPT), and every
 * decode change becomes one published table update: register, unregister or move.
 */
#ifndef PCI_BAR_ROUTE_H
#define PCI_BAR_ROUTE_H
#include "devices/range.h"
#include "pci/config.h"

struct pci_bar_binding {
	const struct range_ops *ops; /* NULL: BAR not dispatched */
	void *opaque;
	const char *name;
};

struct pci_bar_route {
	struct range_table *mmio, *pio;
	struct pci_bar_binding bar[PCI_BAR_SLOTS];
	int last_error; /* RANGE_* of the last refused update (e.g. a BAR placed over another) */
};

void pci_bar_route_init(struct pci_bar_route *r, struct range_table *mmio, struct range_table *pio);
void pci_bar_route_bind(struct pci_bar_route *r, unsigned bar, const struct range_ops *ops, void *opaque,
			const char *name);

/* Applies one decode change. Returns RANGE_OK, or the error that left the BAR undispatched
 * (the guest then sees an unclaimed region, as on a real bus with a conflicting BAR). */
int pci_bar_route_update(struct pci_bar_route *r, const struct pci_function *fn, unsigned bar,
			 struct pci_bar_state old_state, struct pci_bar_state new_state);

/* pci_bar_changed_fn with ctx = struct pci_bar_route. */
void pci_bar_route_changed(void *ctx, struct pci_function *fn, unsigned bar, struct pci_bar_state old_state,
			   struct pci_bar_state new_state);

#endif
