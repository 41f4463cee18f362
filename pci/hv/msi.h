/* Delivering a device's MSI to the guest through the real local APIC (which the guest owns):
 * the hypervisor sends a self-IPI with the message's vector, so the interrupt arrives by the
 * normal hardware path — IRR, then ISR when the guest takes it, cleared by the guest's own EOI —
 * and the guest's APIC state stays exactly as on real hardware. */
#ifndef PCI_HV_MSI_H
#define PCI_HV_MSI_H
#include <stdint.h>

/* pci_raise_msi_fn: address/data in the x86 MSI format (SDM vol.3 11.11). */
void msi_deliver(void *ctx, uint64_t address, uint32_t data);
extern uint64_t msi_delivered, msi_dropped;
#endif
