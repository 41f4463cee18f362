#include "guest/selftest/pci_access.h"
#include "lib/string.h"

uint64_t ecam_base;
unsigned ecam_end_bus;

const uint8_t *acpi_table(const struct guest_info *info, const char sig[4])
{
	const uint8_t *rsdp = (const uint8_t *)info->acpi_rsdp;
	if (!rsdp || memcmp(rsdp, "RSD PTR ", 8))
		return 0;
	uint64_t sdt;
	unsigned entry;
	if (rsdp[15] >= 2 && *(const uint64_t *)(rsdp + 24)) {
		sdt = *(const uint64_t *)(rsdp + 24);
		entry = 8;
	} else {
		sdt = *(const uint32_t *)(rsdp + 16);
		entry = 4;
	}
	uint32_t len = *(const uint32_t *)(sdt + 4);
	for (uint32_t off = 36; off + entry <= len; off += entry) {
		uint64_t t = entry == 8 ? *(const uint64_t *)(sdt + off) : *(const uint32_t *)(sdt + off);
		if (!memcmp((const void *)t, sig, 4))
			return (const uint8_t *)t;
	}
	return 0;
}

bool pci_find_ecam(const struct guest_info *info)
{
	const uint8_t *t = acpi_table(info, "MCFG");
	if (!t)
		return false;
	ecam_base = *(const uint64_t *)(t + 44);
	ecam_end_bus = *(const uint8_t *)(t + 55);
	return true;
}

int pci_find_device(uint16_t vendor, uint16_t device)
{
	for (unsigned dev = 0; dev < 32; dev++)
		for (unsigned fn = 0; fn < 8; fn++)
			if (cf8_read32(BDF(0, dev, fn), 0) == ((uint32_t)device << 16 | vendor))
				return (int)BDF(0, dev, fn);
	return -1;
}

#define SCAN(name, read)                                                                  \
	unsigned name(void)                                                               \
	{                                                                                 \
		unsigned found = 0;                                                       \
		for (unsigned dev = 0; dev < 32; dev++) {                                 \
			if ((read(BDF(0, dev, 0), 0) & 0xffff) == 0xffff)                 \
				continue;                                                 \
			found++;                                                          \
			if (!(read(BDF(0, dev, 0), 0xc) & 0x800000))                      \
				continue; /* header type bit 7: multi-function */         \
			for (unsigned fn = 1; fn < 8; fn++)                               \
				if ((read(BDF(0, dev, fn), 0) & 0xffff) != 0xffff)        \
					found++;                                          \
		}                                                                         \
		return found;                                                             \
	}
SCAN(pci_scan_cf8, cf8_read32)
SCAN(pci_scan_ecam, ecam_read32)
