/*
 * Config space transports as devices/range.h devices, so the hypervisor registers them in
 * its PIO and MMIO tables like any other device:
 *   CONFIG_ADDRESS: range_register(pio, 0xcf8, 4, &pci_config_address_ops, port, "pci-cf8")
 *   CONFIG_DATA:    range_register(pio, 0xcfc, 4, &pci_config_data_ops, port, "pci-cfc")
 *   ECAM:           range_register(mmio, base, bus_count << 20, &pci_ecam_ops, window, "ecam")
 * CONFIG_ADDRESS latches only 32-bit accesses (PCI LB 3.0 §3.2.2.3.2); narrower accesses to
 * 0xCF8-0xCFB read as ones and are dropped (port 0xCF9 is the chipset reset register there).
 */
#ifndef PCI_CFG_OPS_H
#define PCI_CFG_OPS_H
#include "devices/range.h"
#include "pci/bus.h"

struct pci_config_port {
	struct pci_bus *bus;
	uint32_t address; /* latched CONFIG_ADDRESS */
};

struct pci_ecam_window {
	struct pci_bus *bus;
	uint8_t start_bus;
	uint16_t bus_count; /* 1..256 */
};

extern const struct range_ops pci_config_address_ops; /* opaque: struct pci_config_port */
extern const struct range_ops pci_config_data_ops;    /* opaque: struct pci_config_port */
extern const struct range_ops pci_ecam_ops;           /* opaque: struct pci_ecam_window */

#endif
