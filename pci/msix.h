/*
 * MSI-X, PCI LB 3.0 §6.8.2: the capability in config space plus the vector table and pending
 * bit array (PBA) that live in a memory BAR. The device model forwards its BAR accesses for
 * those regions to pci_msix_table_read/write and pci_msix_pba_read, and signals a vector with
 * pci_msix_notify. A masked vector (entry mask or function mask) gets its pending bit set and
 * is sent when unmasked (§6.8.2, Vector Control).
 */
#ifndef PCI_MSIX_H
#define PCI_MSIX_H
#include "pci/config.h"
#include "pci/irq.h"

#define PCI_MSIX_MAX_VECTORS 2048

struct pci_msix_entry {
	uint32_t addr_lo, addr_hi, data, ctrl;
};

struct pci_msix {
	struct pci_function *fn;
	uint16_t cap;
	uint16_t vectors;
	struct pci_msix_entry *table; /* `vectors` entries */
	uint64_t *pba;                /* (vectors + 63) / 64 words */
	pci_raise_msi_fn raise;
	void *raise_ctx;
};

/* Table and PBA locations: a memory BAR already defined on fn (BIR 0..5) and a qword-aligned
 * offset with room inside it. Storage is the caller's; entries start masked (§6.8.2, Vector Control).
 * Returns the capability offset, or 0 on bad arguments or when the list is full. */
unsigned pci_msix_init(struct pci_msix *x, struct pci_function *fn, unsigned vectors,
		       unsigned table_bir, uint32_t table_offset, unsigned pba_bir, uint32_t pba_offset,
		       struct pci_msix_entry *table, uint64_t *pba, pci_raise_msi_fn raise, void *raise_ctx);

bool pci_msix_enabled(const struct pci_msix *x);
bool pci_msix_function_masked(const struct pci_msix *x);
bool pci_msix_pending(const struct pci_msix *x, unsigned vector);

/* Offsets are relative to the table / PBA start. §6.8.2: software uses aligned dword or qword
 * accesses; others read as 0 and are ignored. The PBA is read-only. */
uint64_t pci_msix_table_read(struct pci_msix *x, uint64_t offset, unsigned size);
void pci_msix_table_write(struct pci_msix *x, uint64_t offset, unsigned size, uint64_t value);
uint64_t pci_msix_pba_read(const struct pci_msix *x, uint64_t offset, unsigned size);
uint64_t pci_msix_table_size(const struct pci_msix *x); /* bytes */
uint64_t pci_msix_pba_size(const struct pci_msix *x);   /* bytes, whole qwords */

enum pci_irq_result pci_msix_notify(struct pci_msix *x, unsigned vector);

#endif
