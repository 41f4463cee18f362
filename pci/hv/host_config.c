#include "pci/hv/host_config.h"
#include "pci/hv/acpi.h"
#include "pci/cfgaddr.h"
#include "arch/x86.h"
#include "boot/console.h"
#include "lib/fmt.h"

static uint64_t host_ecam_base; /* 0: use CF8/CFC */
static unsigned host_ecam_start_bus, host_ecam_end_bus;
static char mechanism[48] = "CF8/CFC";

void host_pci_init(uint64_t rsdp_hint)
{
	bool nested = (cpuid(1, 0).ecx >> 31) & 1;
	struct mcfg_info m;
	if (acpi_find_mcfg(rsdp_hint, &m) && m.base) {
		if (nested) {
			host_ecam_base = m.base;
			host_ecam_start_bus = m.start_bus;
			host_ecam_end_bus = m.end_bus;
			fmt_snprintf(mechanism, sizeof mechanism, "ECAM at 0x%lx", m.base);
		}
		log_printf("hv: firmware MCFG: ECAM at 0x%lx, buses %u-%u%s\n", m.base, m.start_bus, m.end_bus,
			   nested ? " (nested: used for our own config accesses)" : "");
	}
}

const char *host_pci_mechanism(void) { return mechanism; }

static volatile uint8_t *ecam_ptr(uint16_t bdf, unsigned offset)
{
	unsigned bus = PCI_BDF_BUS(bdf);
	if (bus < host_ecam_start_bus || bus > host_ecam_end_bus)
		return 0;
	return (volatile uint8_t *)(uintptr_t)(host_ecam_base +
					       pci_ecam_offset(bus - host_ecam_start_bus, PCI_BDF_DEV(bdf), PCI_BDF_FN(bdf), offset));
}

static uint32_t cf8_address(uint16_t bdf, unsigned offset)
{
	return PCI_CF8_ENABLE | (uint32_t)bdf << 8 | (offset & 0xfc);
}

uint32_t host_pci_read(uint16_t bdf, unsigned offset, unsigned size)
{
	if (host_ecam_base) {
		volatile uint8_t *p = ecam_ptr(bdf, offset);
		if (!p)
			return ~0u;
		return size == 1 ? *p : size == 2 ? *(volatile uint16_t *)p : *(volatile uint32_t *)p;
	}
	if (offset >= 256)
		return ~0u; /* mechanism #1 reaches only the first 256 bytes */
	outl(PCI_CONFIG_ADDRESS_PORT, cf8_address(bdf, offset));
	uint16_t port = (uint16_t)(PCI_CONFIG_DATA_PORT + (offset & 3));
	return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

void host_pci_write(uint16_t bdf, unsigned offset, unsigned size, uint32_t value)
{
	if (host_ecam_base) {
		volatile uint8_t *p = ecam_ptr(bdf, offset);
		if (!p)
			return;
		if (size == 1) *p = (uint8_t)value;
		else if (size == 2) *(volatile uint16_t *)p = (uint16_t)value;
		else *(volatile uint32_t *)p = value;
		return;
	}
	if (offset >= 256)
		return;
	outl(PCI_CONFIG_ADDRESS_PORT, cf8_address(bdf, offset));
	uint16_t port = (uint16_t)(PCI_CONFIG_DATA_PORT + (offset & 3));
	if (size == 1) outb(port, (uint8_t)value);
	else if (size == 2) outw(port, (uint16_t)value);
	else outl(port, value);
}
