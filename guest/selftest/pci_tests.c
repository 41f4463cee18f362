/* PCI checks from inside the guest: MCFG, both config mechanisms agree, ECAM reads take no exit,
 * BAR sizing (PIO and hypercall agree), programming and moving the test device's BARs, its MSI
 * and MSI-X interrupts, and assigned devices' ports used without exits. */
#include "guest/selftest/gsupport.h"
#include "guest/selftest/pci_access.h"
#include "vmx/vmcs_fields.h"
#include "lib/string.h"
#include "devices/io_spaces.h"

/* One load instruction for every address (one RIP: the hypervisor's decode cache hits). */
static __attribute__((noinline)) uint32_t same_rip_read32(uint64_t addr)
{
	uint32_t v;
	__asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

#define TESTDEV_ID 0x11e51234u
#define TD_BAR0 0xd0100000u  /* test device MMIO registers (4 KiB) */
#define TD_BAR0_MOVED 0xd0110000u
#define TD_BAR1 0xd000u      /* test device IO registers (32 bytes) */
#define TD_BAR2 0xd0200000ull /* test device 64-bit prefetchable RAM (16 KiB) */
#define MSI_VECTOR 0x51
#define MSIX_VECTOR 0x52
#define LAPIC 0xfee00000ull

static uint64_t total_exits(void) { return exit_count(EXIT_COUNT_ALL); }

static void test_enumeration(void)
{
	unsigned n_cf8 = 0, mismatches = 0;
	for (unsigned dev = 0; dev < 32; dev++)
		for (unsigned fn = 0; fn < 8; fn++) {
			unsigned bdf = BDF(0, dev, fn);
			uint32_t id = cf8_read32(bdf, 0);
			if (ecam_read32(bdf, 0) != id)
				mismatches++;
			if ((id & 0xffff) == 0xffff)
				continue;
			n_cf8++;
			for (unsigned reg = 0; reg < 64; reg += 4)
				if (reg != 4 && cf8_read32(bdf, reg) != ecam_read32(bdf, reg)) /* 4: status may change */
					mismatches++;
		}
	GCHECK(n_cf8 >= 2 && mismatches == 0, "pci: CF8/CFC and ECAM see the same %u functions and headers (%u mismatches)",
	       n_cf8, mismatches);
	GCHECK(pci_scan_cf8() == n_cf8 && pci_scan_ecam() == n_cf8, "pci: a bus scan finds %u functions both ways", n_cf8);
}

static void test_ecam_no_exits(unsigned td)
{
	uint64_t before = total_exits();
	uint32_t x = 0;
	for (int i = 0; i < 1000; i++)
		x |= ecam_read32(td, (unsigned)(i * 4) & 0xfc) ^ ecam_read32(BDF(0, 31, 7), 0);
	uint64_t exits = total_exits() - before - 1;
	GCHECK(exits == 0 && x, "pci: 2000 ECAM reads (virtual and absent functions) take no exit (%lu)", exits);
}

/* Classic sizing through CF8: for each BAR save, write ones, read, restore (PCI LB 3.0 §6.2.5.1). */
static void size_bars_pio(unsigned bdf, uint32_t out[6])
{
	uint32_t cmd = cf8_read32(bdf, 4);
	cf8_write32(bdf, 4, cmd & ~3u);
	for (unsigned i = 0; i < 6; i++) {
		uint32_t orig = cf8_read32(bdf, 0x10 + 4 * i);
		cf8_write32(bdf, 0x10 + 4 * i, ~0u);
		out[i] = cf8_read32(bdf, 0x10 + 4 * i);
		cf8_write32(bdf, 0x10 + 4 * i, orig);
	}
	cf8_write32(bdf, 4, cmd);
}

static void test_bar_sizing(unsigned td)
{
	uint32_t probe[6];
	size_bars_pio(td, probe);
	struct hc_bar_info info[7];
	long rc = hypercall(HC_PCI_BAR_INFO, td, (uint64_t)info);
	GCHECK(rc == 0, "pci: BAR-info hypercall for the test device");
	GCHECK(probe[0] == 0xfffff000u && info[0].size == 0x1000 && info[0].type == HC_BAR_MEM32,
	       "pci: BAR0 4 KiB memory, by PIO (0x%x) and by hypercall", probe[0]);
	GCHECK(probe[1] == 0xffffffe1u && info[1].size == 32 && info[1].type == HC_BAR_IO,
	       "pci: BAR1 32 bytes IO, by PIO (0x%x) and by hypercall", probe[1]);
	GCHECK(probe[2] == 0xffffc00cu && probe[3] == 0xffffffffu && info[2].size == 0x4000 &&
		       info[2].type == HC_BAR_MEM64 && (info[2].flags & HC_BAR_PREFETCHABLE) && info[3].type == HC_BAR_MEM64_UPPER,
	       "pci: BAR2 16 KiB 64-bit prefetchable, by PIO and by hypercall");
	GCHECK(hypercall(HC_PCI_BAR_INFO, BDF(0, 31, 7), (uint64_t)info) == HC_EINVAL, "pci: BAR-info of an absent function -> EINVAL");
	int ide = pci_find_device(0x8086, 0x7010);
	if (ide >= 0) {
		rc = hypercall(HC_PCI_BAR_INFO, (uint64_t)ide, (uint64_t)info);
		GCHECK(rc == 0 && info[4].type == HC_BAR_IO && info[4].size == 16, "pci: BAR-info of an assigned device (IDE BAR4)");
	}
}

static void test_bars(unsigned td)
{
	cf8_write32(td, 0x10, TD_BAR0);
	cf8_write32(td, 0x14, TD_BAR1);
	ecam_write32(td, 0x18, (uint32_t)TD_BAR2); /* through ECAM: an emulated write */
	ecam_write32(td, 0x1c, (uint32_t)(TD_BAR2 >> 32));
	cf8_write32(td, 4, 0x7); /* IO, memory, bus master */
	volatile uint32_t *regs = (volatile uint32_t *)(uint64_t)TD_BAR0;
	GCHECK(same_rip_read32(TD_BAR0) == TESTDEV_ID, "pci: BAR0 ID read by the instruction used after the move too");
	GCHECK(regs[0] == TESTDEV_ID, "pci: test device ID through its MMIO BAR (0x%x)", regs[0]);
	GCHECK(g_inl(TD_BAR1) == TESTDEV_ID, "pci: test device ID through its IO BAR");
	regs[1] = 0xcafef00d;
	GCHECK(g_inl(TD_BAR1 + 4) == 0xcafef00d, "pci: scratch written by MMIO reads back by IO");
	volatile uint64_t *ram = (volatile uint64_t *)TD_BAR2;
	for (int i = 0; i < 8; i++)
		ram[i * 256] = 0x1111111111111111ull * (uint64_t)i;
	int ok = 1;
	for (int i = 0; i < 8; i++)
		ok &= ram[i * 256] == 0x1111111111111111ull * (uint64_t)i;
	GCHECK(ok, "pci: 64-bit prefetchable BAR holds data");
	ecam_write32(td, 0x10, TD_BAR0_MOVED);
	volatile uint32_t *moved = (volatile uint32_t *)(uint64_t)TD_BAR0_MOVED;
	GCHECK(moved[0] == TESTDEV_ID && moved[1] == 0xcafef00d, "pci: BAR0 moved: registers at the new address");
	GCHECK(regs[0] != TESTDEV_ID, "pci: BAR0 moved: nothing at the old address (0x%x)", regs[0]);
	/* The hypervisor's decode cache remembers the device an instruction reached; a moved BAR
	 * must not be found at its old address through that memory. */
	GCHECK(same_rip_read32(TD_BAR0) == ~0u && same_rip_read32(TD_BAR0_MOVED) == TESTDEV_ID,
	       "pci: BAR0 moved: the same instruction finds nothing at the old address, the device at the new");
	cf8_write32(td, 4, 0x0);
	GCHECK(same_rip_read32(TD_BAR0_MOVED) == ~0u, "pci: decoding off: the same instruction finds nothing");
	GCHECK(moved[0] != TESTDEV_ID && g_inl(TD_BAR1) != TESTDEV_ID, "pci: decoding off: BARs answer nothing");
	cf8_write32(td, 4, 0x7);
	GCHECK(moved[0] == TESTDEV_ID, "pci: decoding on again");
}

static void lapic_write(unsigned reg, uint32_t v) { *(volatile uint32_t *)(LAPIC + reg) = v; }
static uint32_t lapic_read(unsigned reg) { return *(volatile uint32_t *)(LAPIC + reg); }

static bool isr_empty(void)
{
	for (unsigned r = 0x100; r < 0x180; r += 0x10)
		if (lapic_read(r))
			return false;
	return true;
}

static void ring(volatile uint32_t *regs, uint32_t vector)
{
	__asm__ volatile("sti; movl %1, %0; nop; nop; cli" : "=m"(regs[2]) : "r"(vector) : "memory");
}

static void test_msi(unsigned td)
{
	volatile uint32_t *regs = (volatile uint32_t *)(uint64_t)TD_BAR0_MOVED;
	lapic_write(0xf0, 0x1ff); /* APIC software-enabled, spurious vector 0xff */
	/* MSI capability at 0x48: control 0x4a, address 0x4c/0x50, data 0x54, mask 0x58. */
	cf8_write32(td, 0x4c, 0xfee00000);
	cf8_write32(td, 0x50, 0);
	cf8_write32(td, 0x54, MSI_VECTOR);
	cf8_write32(td, 0x58, 0);
	cf8_write32(td, 0x48, cf8_read32(td, 0x48) | 1u << 16); /* MSI enable */
	uint64_t seen = interrupts_seen[MSI_VECTOR];
	ring(regs, 0);
	GCHECK(interrupts_seen[MSI_VECTOR] == seen + 1 && regs[4] == 0, "pci: MSI doorbell delivers vector 0x%x", MSI_VECTOR);
	GCHECK(isr_empty(), "pci: after the guest's EOI no interrupt is in service");
	cf8_write32(td, 0x58, 1); /* mask vector 0 */
	ring(regs, 0);
	GCHECK(interrupts_seen[MSI_VECTOR] == seen + 1 && regs[4] == 1, "pci: masked MSI stays pending");
	__asm__ volatile("sti" ::: "memory");
	cf8_write32(td, 0x58, 0); /* unmask: the pending message goes out */
	__asm__ volatile("nop; cli" ::: "memory");
	GCHECK(interrupts_seen[MSI_VECTOR] == seen + 2, "pci: unmasking sends the pending MSI");
	cf8_write32(td, 0x48, cf8_read32(td, 0x48) & ~(1u << 16)); /* MSI off */

	/* MSI-X: capability at 0x60 (control 0x62), table at BAR0 + 0x800, 16 bytes per entry. */
	volatile uint32_t *entry = (volatile uint32_t *)(uint64_t)(TD_BAR0_MOVED + 0x800 + 2 * 16);
	entry[0] = 0xfee00000;
	entry[1] = 0;
	entry[2] = MSIX_VECTOR;
	entry[3] = 0; /* unmasked */
	cf8_write32(td, 0x60, cf8_read32(td, 0x60) | 1u << 31); /* MSI-X enable */
	seen = interrupts_seen[MSIX_VECTOR];
	ring(regs, 2);
	GCHECK(interrupts_seen[MSIX_VECTOR] == seen + 1, "pci: MSI-X doorbell on vector 2 delivers 0x%x", MSIX_VECTOR);
	GCHECK(isr_empty(), "pci: MSI-X: no interrupt left in service");
	cf8_write32(td, 0x60, cf8_read32(td, 0x60) & ~(1u << 31));
}

/* Assigned devices: their IO BARs are not in the IO bitmap, so using them takes no exit. */
static void test_assigned_no_exits(void)
{
	int ide = pci_find_device(0x8086, 0x7010), uhci = pci_find_device(0x8086, 0x7020);
	if (ide < 0 || uhci < 0) {
		GCHECK(1, "pci: assigned-device check skipped (no PIIX IDE/UHCI)");
		return;
	}
	uint16_t bmide = (uint16_t)(cf8_read32((unsigned)ide, 0x20) & ~3u);
	uint16_t usb = (uint16_t)(cf8_read32((unsigned)uhci, 0x20) & ~3u);
	uint64_t before = total_exits();
	uint32_t x = 0;
	for (int i = 0; i < 100; i++)
		x += g_inw((uint16_t)(bmide + 2)) + g_inw(usb) + g_inw((uint16_t)(usb + 2));
	uint64_t exits = total_exits() - before - 1;
	GCHECK(exits == 0, "pci: 300 reads of assigned devices' IO BARs (IDE 0x%x, USB 0x%x) take no exit (%lu)", bmide, usb, exits);
	(void)x;
}

/* The hypervisor caches guest page walks for emulation, validated against the paging entries.
 * Remap one linear page from the scratch MMIO device to the test device's registers and check
 * that an emulated (non-MOV) access follows the new mapping at once. */
static uint64_t remap_pt[512] __attribute__((aligned(4096)));

static void test_translation_cache(void)
{
	const uint64_t lin = SCRATCH_LIN;
	uint64_t *pde = scratch_lin_pde(), saved = *pde;
	remap_pt[0] = SCRATCH_MMIO_BASE | 3;
	*pde = (uint64_t)remap_pt | 3;
	__asm__ volatile("invlpg (%0)" : : "r"(lin) : "memory");
	volatile uint32_t *scratch = (volatile uint32_t *)SCRATCH_MMIO_BASE;
	scratch[0] = 0x12345678;
	uint32_t a = 0, b = 0;
	__asm__ volatile("add (%1), %0" : "+r"(a) : "r"(lin) : "memory", "cc"); /* emulated: walks, caches */
	remap_pt[0] = TD_BAR0_MOVED | 3;
	__asm__ volatile("invlpg (%0)" : : "r"(lin) : "memory");
	__asm__ volatile("add (%1), %0" : "+r"(b) : "r"(lin) : "memory", "cc");
	GCHECK(a == 0x12345678 && b == TESTDEV_ID, "emulation follows a changed guest page table at once (0x%x, 0x%x)", a, b);
	*pde = saved;
	__asm__ volatile("invlpg (%0)" : : "r"(lin) : "memory");
}

/* The hypervisor runs one vCPU on the boot processor: the MADT the guest sees lists one usable
 * processor, whatever the machine has (a guest that saw more would start them natively). */
static void test_one_processor(const struct guest_info *info)
{
	const uint8_t *madt = acpi_table(info, "APIC");
	unsigned cpus = 0;
	if (madt) {
		uint32_t len = *(const uint32_t *)(madt + 4);
		for (uint32_t at = 44; at + 2 <= len && madt[at + 1] >= 2; at += madt[at + 1]) {
			const uint8_t *e = madt + at;
			if ((e[0] == 0 && (*(const uint32_t *)(e + 4) & 3)) || (e[0] == 9 && (*(const uint32_t *)(e + 8) & 3)))
				cpus++;
		}
	}
	GCHECK(madt && cpus == 1, "acpi: the MADT lists exactly one usable processor (%u)", cpus);
}

/* INIT + start-up IPIs to APIC ID 1 with real-mode code at 0x9000 that would write a marker:
 * the hypervisor must drop them (devices/apic_guard.c), so no processor runs it. On a
 * one-processor machine there is nobody to start anyway; tests/emu/scenarios.sh runs this on
 * two. */
static void test_no_processor_started(void)
{
	static const uint8_t code[] = { 0x2e, 0xc7, 0x06, 0x00, 0x01, 0xef, 0xbe, /* mov word [cs:0x100], 0xbeef */
					0xf4, 0xeb, 0xfd };                   /* hlt; jmp $-1 */
	volatile uint16_t *marker = (volatile uint16_t *)0x9100;
	memcpy((void *)0x9000, code, sizeof code);
	*marker = 0;
	lapic_write(0x310, 1u << 24);
	lapic_write(0x300, 0x4500); /* INIT, assert */
	for (volatile int i = 0; i < 20000; i++)
		;
	for (int n = 0; n < 2; n++) {
		lapic_write(0x310, 1u << 24);
		lapic_write(0x300, 0x4609); /* start-up, vector 09h: CS:IP = 0900:0000 */
		for (volatile int i = 0; i < 20000; i++)
			;
	}
	for (volatile int i = 0; i < 200000; i++)
		;
	GCHECK(*marker == 0, "apic: INIT and start-up IPIs to another processor are dropped (marker 0x%x)", *marker);
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1b));
	uint64_t base = (uint64_t)hi << 32 | lo;
	int moved = PROBE("wrmsr", : : "c"(0x1b), "a"((uint32_t)((base & 0xfff) | 0xfed00000u)), "d"(hi) : "r11", "memory");
	int same = PROBE("wrmsr", : : "c"(0x1b), "a"(lo), "d"(hi) : "r11", "memory");
	GCHECK(moved == 13 && same == -1 && lapic_read(0x30) != ~0u,
	       "apic: moving the APIC base -> #GP, rewriting it unchanged works (vectors %d, %d)", moved, same);
}

void run_pci_tests(const struct guest_info *info)
{
	test_one_processor(info);
	test_no_processor_started();
	GCHECK(pci_find_ecam(info), "pci: ACPI MCFG found: ECAM at 0x%lx, buses 0-%u", ecam_base, ecam_end_bus);
	if (!ecam_base)
		return;
	int td = pci_find_device(0x1234, 0x11e5);
	GCHECK(td >= 0, "pci: test device 1234:11e5 found");
	if (td < 0)
		return;
	test_enumeration();
	test_ecam_no_exits((unsigned)td);
	test_bar_sizing((unsigned)td);
	test_bars((unsigned)td);
	test_msi((unsigned)td);
	test_assigned_no_exits();
	test_translation_cache();
}
