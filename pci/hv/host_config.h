/* The hypervisor's own access to the machine's PCI configuration space: ECAM when the firmware
 * has an MCFG table and the hypervisor is itself a guest (CF8/CFC accesses exit twice each in
 * the outer hypervisor; ECAM reads may not exit at all), else mechanism #1 (CF8/CFC). */
#ifndef PCI_HV_HOST_CONFIG_H
#define PCI_HV_HOST_CONFIG_H
#include <stdint.h>

void host_pci_init(uint64_t acpi_rsdp_hint);
uint32_t host_pci_read(uint16_t bdf, unsigned offset, unsigned size);
void host_pci_write(uint16_t bdf, unsigned offset, unsigned size, uint32_t value);
/* "CF8/CFC" or "ECAM at 0x..." for the log. */
const char *host_pci_mechanism(void);
#endif
