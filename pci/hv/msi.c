#include "pci/hv/msi.h"
#include "arch/x86.h"
#include "boot/console.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_X2APIC (1ull << 10)
#define MSR_X2APIC_SELF_IPI 0x83f
#define APIC_ICR_LOW 0x300
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_DEST_SELF (1u << 18)

uint64_t msi_delivered, msi_dropped;

void msi_deliver(void *ctx, uint64_t address, uint32_t data)
{
	unsigned vector = data & 0xff, mode = (data >> 8) & 7;
	uint64_t apic = rdmsr(MSR_APIC_BASE);
	/* SDM 11.11.1-2: address 0xFEExxxxx; fixed (0) or lowest-priority (1) delivery of a vector
	 * >= 16. Anything else (or a disabled APIC) is a message no CPU would take: drop it. */
	if ((address >> 20) != 0xfee || mode > 1 || vector < 16 || !(apic & APIC_BASE_ENABLE)) {
		if (!msi_dropped++)
			log_printf("hv: dropping MSI address 0x%lx data 0x%x (not a fixed interrupt to the APIC)\n", address, data);
		return;
	}
	if (apic & APIC_BASE_X2APIC) {
		wrmsr(MSR_X2APIC_SELF_IPI, vector);
	} else {
		volatile uint32_t *icr = (volatile uint32_t *)(uintptr_t)((apic & ~0xfffull) + APIC_ICR_LOW);
		for (int spin = 0; spin < 100000 && (*icr & ICR_DELIVERY_PENDING); spin++)
			cpu_relax();
		*icr = vector | ICR_DEST_SELF;
	}
	msi_delivered++;
}
