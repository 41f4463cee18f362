/* Config mechanism #1 ports and the ECAM window as range devices (see cfg_ops.h). */
#include "pci/cfg_ops.h"

static uint64_t address_read(void *opaque, uint64_t offset, unsigned size)
{
	const struct pci_config_port *p = opaque;
	if (offset == 0 && size == 4)
		return p->address;
	return size >= 4 ? UINT32_MAX : (1u << (8 * size)) - 1;
}

static void address_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct pci_config_port *p = opaque;
	if (offset == 0 && size == 4)
		p->address = pci_cf8_latch((uint32_t)value);
}

static uint64_t data_read(void *opaque, uint64_t offset, unsigned size)
{
	const struct pci_config_port *p = opaque;
	return pci_bus_cf8_read(p->bus, p->address, (unsigned)offset, size);
}

static void data_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	const struct pci_config_port *p = opaque;
	pci_bus_cf8_write(p->bus, p->address, (unsigned)offset, size, (uint32_t)value);
}

static uint64_t ecam_read(void *opaque, uint64_t offset, unsigned size)
{
	const struct pci_ecam_window *w = opaque;
	return pci_bus_ecam_read(w->bus, offset, size, w->start_bus, w->bus_count);
}

static void ecam_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	const struct pci_ecam_window *w = opaque;
	pci_bus_ecam_write(w->bus, offset, size, w->start_bus, w->bus_count, (uint32_t)value);
}

/* Port I/O is at most 4 bytes; the range layer splits wider MMIO accesses into dwords. */
const struct range_ops pci_config_address_ops = { address_read, address_write, 1, 4 };
const struct range_ops pci_config_data_ops = { data_read, data_write, 1, 4 };
const struct range_ops pci_ecam_ops = { ecam_read, ecam_write, 1, 4 };
