/* The self-test guest's PCI config access, both ways: mechanism #1 (CF8/CFC, two port accesses
 * that exit) and the ECAM window from the ACPI MCFG table (memory reads that do not exit). */
#ifndef GUEST_SELFTEST_PCI_ACCESS_H
#define GUEST_SELFTEST_PCI_ACCESS_H
#include <stdbool.h>
#include <stdint.h>
#include "guest/guest_info_abi.h"

extern uint64_t ecam_base;
extern unsigned ecam_end_bus;

/* The ACPI table with that signature, found through info->acpi_rsdp; NULL when there is none. */
const uint8_t *acpi_table(const struct guest_info *info, const char sig[4]);
/* Finds the MCFG through info->acpi_rsdp; false when there is none. */
bool pci_find_ecam(const struct guest_info *info);

static inline void g_outl(uint16_t p, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(p)); }
static inline uint32_t g_inl(uint16_t p) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint16_t g_inw(uint16_t p) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }

static inline uint32_t cf8_addr(unsigned bdf, unsigned reg) { return 0x80000000u | bdf << 8 | (reg & 0xfc); }
static inline uint32_t cf8_read32(unsigned bdf, unsigned reg)
{
	g_outl(0xcf8, cf8_addr(bdf, reg));
	return g_inl(0xcfc);
}
static inline void cf8_write32(unsigned bdf, unsigned reg, uint32_t v)
{
	g_outl(0xcf8, cf8_addr(bdf, reg));
	g_outl(0xcfc, v);
}
static inline volatile uint32_t *ecam_ptr(unsigned bdf, unsigned reg)
{
	return (volatile uint32_t *)(ecam_base + ((uint64_t)bdf << 12) + reg);
}
static inline uint32_t ecam_read32(unsigned bdf, unsigned reg) { return *ecam_ptr(bdf, reg); }
static inline void ecam_write32(unsigned bdf, unsigned reg, uint32_t v) { *ecam_ptr(bdf, reg) = v; }

#define BDF(b, d, f) ((b) << 8 | (d) << 3 | (f))
/* Finds vendor:device on bus 0 by CF8; returns its B:D.F or -1. */
int pci_find_device(uint16_t vendor, uint16_t device);
/* Scans bus 0 like an OS: function 0 of every device, the others only for multi-function ones.
 * Returns the number of functions found. */
unsigned pci_scan_cf8(void);
unsigned pci_scan_ecam(void);
#endif
