/* Config mechanism #1 and ECAM address decoding (see cfgaddr.h). */
#include "pci/cfgaddr.h"

uint32_t pci_cf8_latch(uint32_t value)
{
	return value & (PCI_CF8_ENABLE | 0x00fffffcu);
}

static bool within_dword(unsigned byte, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) && (byte & 3) + size <= 4;
}

bool pci_cf8_decode(uint32_t config_address, unsigned port_byte, unsigned size, struct pci_cfg_addr *out)
{
	if (!(config_address & PCI_CF8_ENABLE) || port_byte > 3 || !within_dword(port_byte, size))
		return false;
	out->bdf = (uint16_t)(config_address >> 8 & 0xffff);
	out->offset = (uint16_t)((config_address & 0xfc) + port_byte);
	return true;
}

bool pci_ecam_decode(uint64_t offset, unsigned size, unsigned start_bus, unsigned bus_count,
		     struct pci_cfg_addr *out)
{
	if (offset >> 20 >= bus_count || start_bus + (offset >> 20) > 0xff || !within_dword((unsigned)offset, size))
		return false;
	out->bdf = (uint16_t)((start_bus + (offset >> 20)) << 8 | (offset >> 12 & 0xff));
	out->offset = (uint16_t)(offset & 0xfff);
	return true;
}

uint64_t pci_ecam_offset(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	return (uint64_t)(bus & 0xff) << 20 | (uint64_t)(dev & 0x1f) << 15 | (uint64_t)(fn & 7) << 12 | (reg & 0xfff);
}
