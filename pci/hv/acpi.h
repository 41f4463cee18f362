/* The few ACPI facts the hypervisor needs (ACPI 6.4 §5.2): finding the RSDP and a table by
 * signature, and the guest's own copy of the tables: an MCFG (PCI Firmware 3.2 §4.1.2) for its
 * ECAM window when the firmware has none, and a MADT with only the boot processor. */
#ifndef PCI_HV_ACPI_H
#define PCI_HV_ACPI_H
#include <stdbool.h>
#include <stdint.h>

struct mcfg_info {
	uint64_t base;
	unsigned segment, start_bus, end_bus;
};

/* The RSDP: at rsdp_hint if non-zero (a multiboot2 tag's copy), else found by scanning the
 * EBDA and 0xE0000-0xFFFFF. 0 when there is none. */
uint64_t acpi_find_rsdp(uint64_t rsdp_hint);
/* The first table with that signature in the RSDT/XSDT, or 0. */
uint64_t acpi_find_table(uint64_t rsdp, const char sig[4]);
bool acpi_find_mcfg(uint64_t rsdp_hint, struct mcfg_info *out);
/* The guest's ACPI tables, leaving the firmware's alone: a copy of the RSDT/XSDT with, when m is
 * given, an MCFG describing one ECAM window added, and the MADT replaced by a copy with only the
 * boot processor (APIC ID boot_apic_id: the others must not be started by the guest); a new
 * RSDP pointing there; all in `page` (4 KiB the guest can read but not write). Returns the RSDP
 * the guest is told (guest_info, boot_params.acpi_rsdp_addr): the new one, the firmware's when
 * its tables cannot be copied, or 0 without ACPI (logged). */
uint64_t acpi_guest_tables(uint64_t rsdp_hint, uint8_t *page, uint64_t page_pa, const struct mcfg_info *m,
			   uint32_t boot_apic_id);
#endif
