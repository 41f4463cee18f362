/*
 * The functions of one PCI segment, kept in a sorted table by B:D.F (caller storage).
 * An absent function reads as all ones (vendor ID 0xFFFF, PCI LB 3.0 §6.1) and ignores writes.
 * Functions 1-7 are visible only when function 0 of the device is present, and adding a
 * sibling sets function 0's multi-function bit (PCI LB 3.0 §6.2.1). The model is flat:
 * bridges' bus number registers are storage only, they do not route.
 */
#ifndef PCI_BUS_H
#define PCI_BUS_H
#include "pci/bar.h"
#include "pci/cfgaddr.h"
#include "pci/config.h"

struct pci_bus_slot {
	uint16_t bdf;
	struct pci_function *fn;
};

struct pci_bus {
	struct pci_bus_slot *slot; /* ascending bdf */
	unsigned count, capacity;
};

enum pci_bus_error {
	PCI_BUS_OK = 0,
	PCI_BUS_EEXIST = -1,
	PCI_BUS_EFULL = -2,
	PCI_BUS_ENOENT = -3,
};

void pci_bus_init(struct pci_bus *bus, struct pci_bus_slot *storage, unsigned capacity);
int pci_bus_add(struct pci_bus *bus, uint16_t bdf, struct pci_function *fn);
int pci_bus_remove(struct pci_bus *bus, uint16_t bdf);
/* The function the guest sees at bdf, or NULL. */
struct pci_function *pci_bus_find(const struct pci_bus *bus, uint16_t bdf);

/* Every BAR of the function at bdf in one call (pci_bar_info); false when it is absent. */
bool pci_bus_bar_info(const struct pci_bus *bus, uint16_t bdf, struct pci_bar_info out[PCI_BAR_SLOTS]);

uint32_t pci_bus_read(const struct pci_bus *bus, uint16_t bdf, unsigned offset, unsigned size);
void pci_bus_write(const struct pci_bus *bus, uint16_t bdf, unsigned offset, unsigned size, uint32_t value);

/* CONFIG_DATA (port 0xCFC + port_byte) and ECAM accesses, decoded with pci/cfgaddr.h;
 * undecodable accesses read as all ones and write nothing. */
uint32_t pci_bus_cf8_read(const struct pci_bus *bus, uint32_t config_address, unsigned port_byte, unsigned size);
void pci_bus_cf8_write(const struct pci_bus *bus, uint32_t config_address, unsigned port_byte, unsigned size,
		       uint32_t value);
uint32_t pci_bus_ecam_read(const struct pci_bus *bus, uint64_t offset, unsigned size, unsigned start_bus,
			   unsigned bus_count);
void pci_bus_ecam_write(const struct pci_bus *bus, uint64_t offset, unsigned size, unsigned start_bus,
			unsigned bus_count, uint32_t value);

#endif
