/* Type 0 (device) and type 1 (PCI-to-PCI bridge) configuration headers with their masks. */
#ifndef PCI_HEADER_H
#define PCI_HEADER_H
#include "pci/config.h"

struct pci_ids {
	uint16_t vendor, device;
	uint16_t subsystem_vendor, subsystem; /* type 0 only */
	uint32_t class_code;                  /* base class << 16 | subclass << 8 | prog-if */
	uint8_t revision;
	uint8_t interrupt_pin;                /* 0 none, 1..4 INTA#..INTD# */
};

/* Clears the whole function (registers, masks, BARs, hooks, callback) and lays out a header.
 * BARs and capabilities are added afterwards with pci/bar.h and pci/cap.h. */
void pci_function_init_type0(struct pci_function *fn, const struct pci_ids *ids, const char *name);
void pci_function_init_type1(struct pci_function *fn, const struct pci_ids *ids, const char *name);

/* The header type without the multi-function bit: PCI_HEADER_TYPE_NORMAL or _BRIDGE. */
unsigned pci_header_type(const struct pci_function *fn);

#endif
