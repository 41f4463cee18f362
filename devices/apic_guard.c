/*
 * The local APIC stays the guest's, except for one thing: it must not start the other
 * processors. An INIT or start-up IPI (ICR delivery mode 101b / 110b, SDM vol.3A 10.6.1) would
 * run guest code on them natively, outside VMX. So the xAPIC page is mapped read-only in EPT
 * (reads run on the hardware without an exit; writes exit as EPT violations and are emulated
 * here, going on to the real register), and in x2APIC mode WRMSR to the ICR (MSR 830H) exits.
 * INIT and SIPI are dropped with a log line; every other write reaches the local APIC.
 * (The ACPI MADT already hides the other processors, pci/hv/acpi.c; this closes the door for
 * a guest that does not ask ACPI.) Moving the APIC base (IA32_APIC_BASE) is refused: the APIC
 * could be put over the hypervisor's own memory, and the guard would be left behind.
 */
#include "devices/apic_guard.h"
#include "devices/io_spaces.h"
#include "ept/guest_memory.h"
#include "vmx/bitmaps.h"
#include "arch/x86.h"
#include "boot/console.h"

#define MSR_APIC_BASE 0x1b
#define APIC_ICR_LOW 0x300
#define ICR_MODE(v) (((v) >> 8) & 7)
#define ICR_MODE_INIT 5
#define ICR_MODE_STARTUP 6

static uint64_t apic_base;
static uint64_t refused;

bool apic_guard_icr_allowed(uint64_t icr)
{
	unsigned mode = ICR_MODE(icr);
	if (mode != ICR_MODE_INIT && mode != ICR_MODE_STARTUP)
		return true;
	if (!refused++)
		log_printf("hv: the guest sent an %s IPI (ICR 0x%lx): dropped, the other processors stay parked\n",
			   mode == ICR_MODE_INIT ? "INIT" : "start-up", icr);
	return false;
}

static volatile uint32_t *reg(uint64_t offset)
{
	return (volatile uint32_t *)(uintptr_t)(apic_base + offset);
}

static uint64_t apic_read(void *opaque, uint64_t offset, unsigned size)
{
	return *reg(offset);
}

static void apic_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	if (offset != APIC_ICR_LOW || apic_guard_icr_allowed(value))
		*reg(offset) = (uint32_t)value;
}

static const struct range_ops apic_ops = { .read = apic_read, .write = apic_write, .min_access = 4, .max_access = 4 };

bool apic_guard_base_allowed(uint64_t value)
{
	uint64_t now = rdmsr(MSR_APIC_BASE), base_bits = ~0xfffull & ((1ull << 52) - 1);
	if (((value ^ now) & base_bits) == 0)
		return true;
	log_printf("hv: the guest tried to move its local APIC to 0x%lx: refused (#GP)\n", value & base_bits);
	return false;
}

void apic_guard_init(void)
{
	apic_base = rdmsr(MSR_APIC_BASE) & ~0xfffull & ((1ull << 52) - 1);
	range_register(&mmio_space, apic_base, 4096, &apic_ops, 0, "lapic-guard");
	ept_map(&guest_mem.ept, apic_base, apic_base, 4096, EPT_R | EPT_MEMTYPE(EPT_MT_UC));
	guest_memory_flush();
	msr_intercept(MSR_X2APIC_ICR, false, true);
	msr_intercept(MSR_APIC_BASE, false, true);
}
