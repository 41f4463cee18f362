/*
 * Decoding guest config-space addresses into (B:D.F, register offset).
 *  - Configuration mechanism #1 (PCI LB 3.0 §3.2.2.3.2): CONFIG_ADDRESS at port 0xCF8 holds
 *    enable (bit 31), bus (23:16), device (15:11), function (10:8), dword register (7:2);
 *    CONFIG_DATA at 0xCFC..0xCFF accesses byte (register + port - 0xCFC).
 *  - ECAM (PCIe 4.0 §7.2.2): offset in the window = bus << 20 | device << 15 | function << 12
 *    | register (12 bits).
 * Neither mechanism lets one access cross a dword boundary; such accesses are refused.
 */
#ifndef PCI_CFGADDR_H
#define PCI_CFGADDR_H
#include <stdbool.h>
#include <stdint.h>

#define PCI_BDF(bus, dev, fn) ((uint16_t)(((bus) & 0xff) << 8 | ((dev) & 0x1f) << 3 | ((fn) & 7)))
#define PCI_BDF_BUS(bdf)  ((unsigned)(bdf) >> 8)
#define PCI_BDF_DEV(bdf)  (((unsigned)(bdf) >> 3) & 0x1f)
#define PCI_BDF_FN(bdf)   ((unsigned)(bdf) & 7)

#define PCI_CONFIG_ADDRESS_PORT 0xcf8
#define PCI_CONFIG_DATA_PORT    0xcfc
#define PCI_CF8_ENABLE          0x80000000u

struct pci_cfg_addr {
	uint16_t bdf;
	uint16_t offset; /* byte offset in the function's config space */
};

/* The value CONFIG_ADDRESS holds after a 32-bit write: reserved bits 30:24 and 1:0 read 0. */
uint32_t pci_cf8_latch(uint32_t value);

/* A CONFIG_DATA access of `size` bytes at port 0xCFC + port_byte. False when the enable bit
 * is clear or the access leaves the data dword (then reads are all ones, writes dropped). */
bool pci_cf8_decode(uint32_t config_address, unsigned port_byte, unsigned size, struct pci_cfg_addr *out);

/* An access at `offset` into an ECAM window whose first bus is start_bus and which spans
 * bus_count buses. False when outside the window, size is not 1/2/4 or it crosses a dword. */
bool pci_ecam_decode(uint64_t offset, unsigned size, unsigned start_bus, unsigned bus_count,
		     struct pci_cfg_addr *out);

/* Window offset of a function's register; bus is counted from the window's first bus. */
uint64_t pci_ecam_offset(unsigned bus, unsigned dev, unsigned fn, unsigned reg);

#endif
