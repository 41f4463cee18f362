/*
 * The guest's PCI configuration space: one view of the machine's assigned functions and the
 * hypervisor's virtual ones, reachable by CF8/CFC and by an ECAM window the guest finds through
 * an ACPI MCFG table.
 *
 * ECAM reads run without exits: each function's 4 KiB page of the window is mapped read-only in
 * EPT — a virtual function's page onto its model's register bytes (so it is always current), an
 * absent function's page onto the all-ones page. Writes exit (EPT violation), are emulated and
 * reach the model. Assigned functions' pages are MMIO (every access exits and goes to the
 * hardware), because their registers change behind the hypervisor's back.
 */
#ifndef PCI_HV_VPCI_H
#define PCI_HV_VPCI_H
#include <stdbool.h>
#include <stdint.h>
#include "pci/bus.h"

extern struct pci_bus vpci_bus; /* the virtual functions */

/* Scans the machine (pci.hide= option), registers CF8/CFC, places the ECAM window in a free hole
 * and gives the guest its MCFG; returns the RSDP the guest should use (0: none). */
uint64_t vpci_init(const char *hide, uint64_t acpi_rsdp_hint);
/* Adds a virtual function at the first free device number of bus 0; returns its B:D.F. */
uint16_t vpci_add_virtual(struct pci_function *fn);
/* After the EPT exists: maps the ECAM window (call once every function is added). */
void vpci_map_ecam(void);

uint32_t vpci_read(uint16_t bdf, unsigned offset, unsigned size);
void vpci_write(uint16_t bdf, unsigned offset, unsigned size, uint32_t value);
uint64_t vpci_ecam_base(void);
/* Bytes of the ECAM window (0 without one). */
uint64_t vpci_ecam_size(void);
/* Every BAR of a function for the HC_PCI_BAR_INFO hypercall; false when absent or hidden. */
struct hc_bar_info;
bool vpci_bar_info(uint16_t bdf, struct hc_bar_info *out);
#endif
