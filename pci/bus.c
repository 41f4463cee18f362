/* A PCI segment as a sorted B:D.F table (see bus.h). */
#include "pci/bus.h"
#include "pci/regs.h"

void pci_bus_init(struct pci_bus *bus, struct pci_bus_slot *storage, unsigned capacity)
{
	bus->slot = storage;
	bus->count = 0;
	bus->capacity = capacity;
}

/* Index of the first slot with bdf >= the given one. */
static unsigned lower_bound(const struct pci_bus *bus, uint16_t bdf)
{
	unsigned lo = 0, hi = bus->count;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (bus->slot[mid].bdf < bdf)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct pci_function *lookup(const struct pci_bus *bus, uint16_t bdf)
{
	unsigned i = lower_bound(bus, bdf);
	return i < bus->count && bus->slot[i].bdf == bdf ? bus->slot[i].fn : NULL;
}

/* §6.2.1: header type bit 7 tells software to probe functions 1-7. Recomputed after every
 * change to a device's functions. */
static void update_multi_function(const struct pci_bus *bus, uint16_t bdf)
{
	uint16_t fn0 = (uint16_t)(bdf & ~7u);
	struct pci_function *f0 = lookup(bus, fn0);
	if (!f0)
		return;
	bool siblings = false;
	for (unsigned f = 1; f < 8; f++)
		siblings |= lookup(bus, (uint16_t)(fn0 | f)) != NULL;
	uint32_t type = pci_config_get(f0, PCI_HEADER_TYPE, 1) & ~(uint32_t)PCI_HEADER_MULTI_FUNCTION;
	pci_config_set(f0, PCI_HEADER_TYPE, 1, type | (siblings ? PCI_HEADER_MULTI_FUNCTION : 0));
}

int pci_bus_add(struct pci_bus *bus, uint16_t bdf, struct pci_function *fn)
{
	unsigned i = lower_bound(bus, bdf);
	if (i < bus->count && bus->slot[i].bdf == bdf)
		return PCI_BUS_EEXIST;
	if (bus->count >= bus->capacity)
		return PCI_BUS_EFULL;
	for (unsigned j = bus->count; j > i; j--)
		bus->slot[j] = bus->slot[j - 1];
	bus->slot[i] = (struct pci_bus_slot){ .bdf = bdf, .fn = fn };
	bus->count++;
	update_multi_function(bus, bdf);
	return PCI_BUS_OK;
}

int pci_bus_remove(struct pci_bus *bus, uint16_t bdf)
{
	unsigned i = lower_bound(bus, bdf);
	if (i >= bus->count || bus->slot[i].bdf != bdf)
		return PCI_BUS_ENOENT;
	for (unsigned j = i; j + 1 < bus->count; j++)
		bus->slot[j] = bus->slot[j + 1];
	bus->count--;
	update_multi_function(bus, bdf);
	return PCI_BUS_OK;
}

struct pci_function *pci_bus_find(const struct pci_bus *bus, uint16_t bdf)
{
	/* A device without function 0 is not there for software (§6.2.1). */
	if (PCI_BDF_FN(bdf) != 0 && !lookup(bus, (uint16_t)(bdf & ~7u)))
		return NULL;
	return lookup(bus, bdf);
}

bool pci_bus_bar_info(const struct pci_bus *bus, uint16_t bdf, struct pci_bar_info out[PCI_BAR_SLOTS])
{
	const struct pci_function *fn = pci_bus_find(bus, bdf);
	if (fn)
		pci_bar_info(fn, out);
	return fn != NULL;
}

static uint32_t all_ones(unsigned size)
{
	return size >= 4 ? UINT32_MAX : (1u << (8 * size)) - 1;
}

uint32_t pci_bus_read(const struct pci_bus *bus, uint16_t bdf, unsigned offset, unsigned size)
{
	struct pci_function *fn = pci_bus_find(bus, bdf);
	return fn ? pci_config_read(fn, offset, size) : all_ones(size);
}

void pci_bus_write(const struct pci_bus *bus, uint16_t bdf, unsigned offset, unsigned size, uint32_t value)
{
	struct pci_function *fn = pci_bus_find(bus, bdf);
	if (fn)
		pci_config_write(fn, offset, size, value);
}

uint32_t pci_bus_cf8_read(const struct pci_bus *bus, uint32_t config_address, unsigned port_byte, unsigned size)
{
	struct pci_cfg_addr a;
	if (!pci_cf8_decode(config_address, port_byte, size, &a))
		return all_ones(size);
	return pci_bus_read(bus, a.bdf, a.offset, size);
}

void pci_bus_cf8_write(const struct pci_bus *bus, uint32_t config_address, unsigned port_byte, unsigned size,
		       uint32_t value)
{
	struct pci_cfg_addr a;
	if (pci_cf8_decode(config_address, port_byte, size, &a))
		pci_bus_write(bus, a.bdf, a.offset, size, value);
}

uint32_t pci_bus_ecam_read(const struct pci_bus *bus, uint64_t offset, unsigned size, unsigned start_bus,
			   unsigned bus_count)
{
	struct pci_cfg_addr a;
	if (!pci_ecam_decode(offset, size, start_bus, bus_count, &a))
		return all_ones(size);
	return pci_bus_read(bus, a.bdf, a.offset, size);
}

void pci_bus_ecam_write(const struct pci_bus *bus, uint64_t offset, unsigned size, unsigned start_bus,
			unsigned bus_count, uint32_t value)
{
	struct pci_cfg_addr a;
	if (pci_ecam_decode(offset, size, start_bus, bus_count, &a))
		pci_bus_write(bus, a.bdf, a.offset, size, value);
}
