/*
 * Capability list builders. Conventional capabilities are placed one after another from 0x40,
 * dword aligned, and linked from the capabilities pointer (PCI LB 3.0 §6.7); extended
 * capabilities start at 0x100 (PCIe 4.0 §7.6.3). Every builder returns the capability's
 * offset, or 0 when it does not fit. MSI and MSI-X builders live in pci/msi.h, pci/msix.h.
 */
#ifndef PCI_CAP_H
#define PCI_CAP_H
#include "pci/config.h"

/* Appends a capability of `size` bytes (ID and next pointer included), all read-only zero
 * except its ID; sets Status.Capabilities List. */
unsigned pci_cap_add(struct pci_function *fn, uint8_t id, unsigned size);

/* Offset of the first capability with that ID, 0 when none (walks the guest-visible list). */
unsigned pci_cap_find(const struct pci_function *fn, uint8_t id);

/* Power management, PCI PM 1.2 §3.2: D0 and D3hot, No_Soft_Reset set. PME# is offered from
 * the states in pme_support (PMC bits 15:11, 0 for none); PME_Status is write-1-to-clear. */
unsigned pci_cap_add_pm(struct pci_function *fn, uint8_t pme_support);

/* PCI Express capability version 2, PCIe 4.0 §7.5.3, for an endpoint (PCI_EXP_TYPE_ENDPOINT,
 * one 2.5 GT/s lane) or a root-complex integrated endpoint (PCI_EXP_TYPE_RC_END, no link). */
unsigned pci_cap_add_pcie(struct pci_function *fn, unsigned port_type);

/* Vendor-specific capability, PCI LB 3.0 §6.7 / appendix H: byte 2 holds the length; the
 * `len` bytes (>= 3) are read-only; the device fills bytes 3.. with pci_config_set. */
unsigned pci_cap_add_vendor(struct pci_function *fn, unsigned len);

/* Appends an extended capability with a read-only header (ID, version, next) and `size`
 * bytes in all, read-only zero after the header. */
unsigned pci_ext_cap_add(struct pci_function *fn, uint16_t id, uint8_t version, unsigned size);
unsigned pci_ext_cap_find(const struct pci_function *fn, uint16_t id);

#endif
