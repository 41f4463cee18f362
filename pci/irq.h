/* What MSI and MSI-X delivery share: the hypervisor's injection callback and the outcome. */
#ifndef PCI_IRQ_H
#define PCI_IRQ_H
#include <stdint.h>

/* Sends one message: a dword write of `data` to `address` (PCI LB 3.0 §6.8). The hypervisor
 * supplies it, typically decoding the x86 MSI address/data into a virtual interrupt. */
typedef void (*pci_raise_msi_fn)(void *ctx, uint64_t address, uint32_t data);

enum pci_irq_result {
	PCI_IRQ_SENT = 0,     /* the message went out */
	PCI_IRQ_PENDING = 1,  /* masked: the pending bit is set, it goes out when unmasked */
	PCI_IRQ_DISABLED = 2, /* MSI / MSI-X is off: the device should use INTx */
	PCI_IRQ_INVALID = 3,  /* vector beyond the enabled or implemented ones */
};

#endif
