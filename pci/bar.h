/*
 * Base address registers, PCI LB 3.0 §6.2.5. A BAR's address bits below its size are
 * read-only zero and its type bits are read-only, so writing all ones and reading back gives
 * ~(size-1) | type bits: the size probe falls out of the write mask (§6.2.5.1).
 */
#ifndef PCI_BAR_H
#define PCI_BAR_H
#include "pci/config.h"

enum pci_bar_error {
	PCI_BAR_OK = 0,
	PCI_BAR_EINDEX = -1, /* no such BAR slot in this header type, or a 64-bit BAR in the last slot */
	PCI_BAR_EBUSY = -2,  /* slot (or the upper slot of a 64-bit BAR) already defined */
	PCI_BAR_ESIZE = -3,  /* not a power of two or outside the type's limits */
	PCI_BAR_ETYPE = -4,  /* ROM type outside the ROM slot or vice versa, or prefetchable I/O */
};

/* Defines BAR `bar` (0..5, or PCI_ROM_BAR) of an initialised function. Limits:
 * memory 16 bytes..2 GiB (32-bit) or ..2^63 (64-bit), I/O 4..256 bytes (§6.2.5.1),
 * ROM 2 KiB..16 MiB (§6.2.5.2). A type 1 header has BARs 0 and 1 only. */
int pci_bar_define(struct pci_function *fn, unsigned bar, enum pci_bar_type type, uint64_t size,
		   bool prefetchable);

/* Where the BAR currently decodes (command register and, for the ROM, its enable bit). */
struct pci_bar_state pci_bar_state(const struct pci_function *fn, unsigned bar);

/* The programmed address, whether or not decoding is on. */
uint64_t pci_bar_address(const struct pci_function *fn, unsigned bar);

/* Config offset of a BAR slot for this function's header type; 0 when it has none. */
unsigned pci_bar_offset(const struct pci_function *fn, unsigned bar);

/* Every BAR of a function in one call (sized from the model, not by probing). */
struct pci_bar_info {
	uint64_t size;           /* 0 for an unimplemented slot */
	uint64_t addr;           /* programmed address */
	uint8_t type;            /* enum pci_bar_type */
	bool prefetchable;
	bool decoding;
};
void pci_bar_info(const struct pci_function *fn, struct pci_bar_info out[PCI_BAR_SLOTS]);

#endif
