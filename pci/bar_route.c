/* BAR decode changes to range table updates (see bar_route.h). */
#include "pci/bar_route.h"

void pci_bar_route_init(struct pci_bar_route *r, struct range_table *mmio, struct range_table *pio)
{
	r->mmio = mmio;
	r->pio = pio;
	for (unsigned b = 0; b < PCI_BAR_SLOTS; b++)
		r->bar[b] = (struct pci_bar_binding){ NULL, NULL, NULL };
	r->last_error = RANGE_OK;
}

void pci_bar_route_bind(struct pci_bar_route *r, unsigned bar, const struct range_ops *ops, void *opaque,
			const char *name)
{
	if (bar < PCI_BAR_SLOTS)
		r->bar[bar] = (struct pci_bar_binding){ ops, opaque, name };
}

/* Is this BAR's device the range registered at addr? (A refused registration leaves the
 * address to whoever holds it; that range must not be moved or removed for us.) */
static bool ours_at(const struct range_table *t, const struct pci_bar_binding *b, uint64_t addr)
{
	const struct range_entry *e = range_lookup(t, addr);
	return e && e->base == addr && e->ops == b->ops && e->opaque == b->opaque;
}

int pci_bar_route_update(struct pci_bar_route *r, const struct pci_function *fn, unsigned bar,
			 struct pci_bar_state old_state, struct pci_bar_state new_state)
{
	if (bar >= PCI_BAR_SLOTS || !r->bar[bar].ops)
		return RANGE_OK;
	const struct pci_bar_binding *b = &r->bar[bar];
	struct range_table *t = fn->bar[bar].type == PCI_BAR_IO ? r->pio : r->mmio;
	int rc = RANGE_OK;
	if (!t)
		return RANGE_OK;
	bool registered = old_state.decoding && ours_at(t, b, old_state.addr);
	if (registered && new_state.decoding) {
		rc = range_move(t, old_state.addr, new_state.addr);
		if (rc != RANGE_OK)
			range_unregister(t, old_state.addr);
	} else if (registered) {
		rc = range_unregister(t, old_state.addr);
	} else if (new_state.decoding) {
		rc = range_register(t, new_state.addr, fn->bar[bar].size, b->ops, b->opaque, b->name);
	}
	if (rc != RANGE_OK)
		r->last_error = rc;
	return rc;
}

void pci_bar_route_changed(void *ctx, struct pci_function *fn, unsigned bar, struct pci_bar_state old_state,
			   struct pci_bar_state new_state)
{
	pci_bar_route_update(ctx, fn, bar, old_state, new_state);
}
