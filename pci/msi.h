/*
 * MSI capability, PCI LB 3.0 §6.8.1: 32- or 64-bit message address, 1..32 vectors, optional
 * per-vector mask and pending bits. pci_msi_notify is how a device model signals a vector;
 * clearing a mask bit with its pending bit set sends the message then (§6.8.1, Mask and Pending Bits).
 */
#ifndef PCI_MSI_H
#define PCI_MSI_H
#include "pci/config.h"
#include "pci/irq.h"

#define PCI_MSI_64     0x1 /* 64-bit message address */
#define PCI_MSI_MASKED 0x2 /* per-vector masking */

struct pci_msi {
	struct pci_function *fn;
	uint16_t cap;        /* capability offset */
	uint8_t vectors;     /* implemented: 1, 2, 4, 8, 16 or 32 */
	uint8_t flags;
	pci_raise_msi_fn raise;
	void *raise_ctx;
};

/* Adds the capability to fn (which must outlive msi). Returns the capability offset, or 0
 * when vectors is not a power of two up to 32, the list is full or no hook slot is left. */
unsigned pci_msi_init(struct pci_msi *msi, struct pci_function *fn, unsigned vectors, unsigned flags,
		      pci_raise_msi_fn raise, void *raise_ctx);

bool pci_msi_enabled(const struct pci_msi *msi);
/* Vectors software enabled: 2^(Multiple Message Enable), at most the implemented number. */
unsigned pci_msi_enabled_vectors(const struct pci_msi *msi);
uint64_t pci_msi_address(const struct pci_msi *msi);
/* Message data of a vector: the low log2(enabled) bits of Message Data replaced by it (§6.8.1, Message Data). */
uint32_t pci_msi_data(const struct pci_msi *msi, unsigned vector);
bool pci_msi_masked(const struct pci_msi *msi, unsigned vector);
bool pci_msi_pending(const struct pci_msi *msi, unsigned vector);

enum pci_irq_result pci_msi_notify(struct pci_msi *msi, unsigned vector);

#endif
