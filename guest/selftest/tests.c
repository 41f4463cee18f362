/* The self-test: each exit kind the hypervisor handles, checked from inside the guest. */
#include "guest/selftest/gsupport.h"
#include "devices/io_spaces.h"
#include "vmx/vmcs_fields.h"
#include "lib/string.h"

static inline void cpuid4(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
static inline void outl(uint16_t p, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(p)); }
static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(p)); }
static inline uint32_t inl(uint16_t p) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint16_t inw(uint16_t p) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint8_t inb(uint16_t p) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }

static int rdmsr_probe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;
	int vec = PROBE("rdmsr", : "=a"(lo), "=d"(hi) : "c"(msr) : "r11", "memory");
	*val = ((uint64_t)hi << 32) | lo;
	return vec;
}

static void test_cpuid(void)
{
	uint32_t r[4];
	uint64_t before = exit_count(EXIT_CPUID);
	cpuid4(1, 0, r);
	GCHECK((r[2] >> 31) & 1, "cpuid leaf 1 hypervisor bit set");
	GCHECK(!((r[2] >> 5) & 1), "cpuid leaf 1 VMX bit hidden");
	cpuid4(0x40000000, 0, r);
	char sig[13];
	memcpy(sig, &r[1], 4);
	memcpy(sig + 4, &r[2], 4);
	memcpy(sig + 8, &r[3], 4);
	sig[12] = 0;
	GCHECK(!strcmp(sig, HV_CPUID_SIGNATURE) && r[0] >= 0x40000001, "cpuid leaf 0x40000000 signature \"%s\"", sig);
	cpuid4(0x40000001, 0, r);
	GCHECK(r[0] == HV_ABI_VERSION, "cpuid leaf 0x40000001 ABI version 0x%x", r[0]);
	GCHECK(exit_count(EXIT_CPUID) == before + 3, "cpuid exits counted");
}

static void test_hypercalls(void)
{
	GCHECK(hypercall(HC_VERSION, 0, 0) == HV_ABI_VERSION, "hypercall version");
	GCHECK(hypercall(HC_NOP, 0, 0) == 0, "hypercall nop");
	GCHECK(hypercall(0x1234, 0, 0) == HC_ENOSYS, "hypercall unknown function -> ENOSYS");
	uint64_t a = exit_count(EXIT_VMCALL), b = exit_count(EXIT_VMCALL);
	GCHECK(b == a + 1, "hypercall exit counter counts itself (%lu -> %lu)", a, b);
	GCHECK(hypercall(HC_EXIT_COUNT, 9999, 0) == HC_EINVAL, "hypercall exit count bad reason -> EINVAL");
	long was_on = hypercall(HC_MMIO_DECODE_CACHE, 0, 0), off = hypercall(HC_MMIO_DECODE_CACHE, 1, 0);
	GCHECK((was_on == 1 || (was_on == 0 && hypercall(HC_MMIO_DECODE_CACHE, 1, 0) == 0)) && off == 0 &&
	       hypercall(HC_MMIO_DECODE_CACHE, 2, 0) == HC_EINVAL,
	       "hypercall decode cache: off, on (previous settings %ld, %ld; with trace=mmio it stays off); RBX 2 -> EINVAL",
	       was_on, off);
	/* A guest cannot forge a hypervisor line: every printed line starts "guest: " (the
	 * scenario test checks there is exactly one "hv: shutdown" line). */
	static const char forged[] = "log with a forged line\nhv: shutdown status=0\n";
	GCHECK(hypercall(HC_LOG, (uint64_t)forged, sizeof forged - 1) == 0, "hypercall log of several lines");
	GCHECK(hypercall(HC_LOG, 0x100000, 16) == HC_EINVAL, "hypercall log of hypervisor memory -> EINVAL");
}

static void test_pio(void)
{
	uint64_t before = exit_count(EXIT_IO);
	outl(TESTPORT_BASE, 0xdeadbeef);
	GCHECK(inl(TESTPORT_BASE) == 0xdeadbeef, "pio 32-bit write/read");
	outb(TESTPORT_BASE + 1, 0x12);
	uint32_t merged = inl(TESTPORT_BASE);
	GCHECK(merged == 0xdead12ef, "pio byte write merges little-endian (0x%x)", merged);
	GCHECK(inw(TESTPORT_BASE + 2) == 0xdead, "pio 16-bit read of the upper half");
	GCHECK(inb(TESTPORT_BASE + 4) == (TESTPORT_ID & 0xff) && inl(TESTPORT_BASE + 4) == TESTPORT_ID, "pio id register");
	uint64_t rax = 0x1111111111111111ull;
	__asm__ volatile("inb %1, %%al" : "+a"(rax) : "Nd"((uint16_t)TESTPORT_BASE));
	GCHECK(rax == 0x11111111111111efull, "pio IN AL keeps the rest of RAX");
	rax = 0x1111111111111111ull;
	__asm__ volatile("inl %1, %%eax" : "+a"(rax) : "Nd"((uint16_t)TESTPORT_BASE));
	GCHECK(rax == 0xdead12efull, "pio IN EAX zero-extends into RAX");
	GCHECK(exit_count(EXIT_IO) == before + 9, "pio exits counted (%lu)", exit_count(EXIT_IO) - before);
}

/* INS/OUTS to an emulated port: the hypervisor emulates the memory side through the guest's own
 * paging, at most 64 iterations per exit, and injects #PF where the CPU would. */
static uint32_t sio_page[1024] __attribute__((aligned(4096)));
static uint64_t sio_pt[512] __attribute__((aligned(4096)));

static void test_string_pio(void)
{
	uint64_t before = exit_count(EXIT_IO);
	for (int i = 0; i < 8; i++)
		sio_page[i] = 0xa0000000u + (uint32_t)i;
	const uint32_t *src = sio_page;
	uint64_t cnt = 8;
	__asm__ volatile("rep outsl" : "+S"(src), "+c"(cnt) : "d"((uint16_t)TESTPORT_BASE) : "memory");
	GCHECK(cnt == 0 && src == sio_page + 8 && inl(TESTPORT_BASE) == 0xa0000007,
	       "string pio: rep outsl of 8 dwords (RCX %lu, the latch holds the last)", cnt);
	uint32_t ids[100];
	uint32_t *dst = ids;
	cnt = 100;
	__asm__ volatile("rep insl" : "+D"(dst), "+c"(cnt) : "d"((uint16_t)(TESTPORT_BASE + 4)) : "memory");
	int ok = cnt == 0 && dst == ids + 100;
	for (int i = 0; i < 100; i++)
		ok &= ids[i] == TESTPORT_ID;
	GCHECK(ok, "string pio: rep insl of 100 dwords from the ID register");
	GCHECK(exit_count(EXIT_IO) - before == 1 + 2 + 1, "string pio: one exit per 64 iterations (%lu exits)",
	       exit_count(EXIT_IO) - before);
	uint8_t bytes[4] = { 1, 2, 3, 4 };
	const uint8_t *bsrc = bytes + 3;
	cnt = 4;
	outl(TESTPORT_BASE, 0);
	__asm__ volatile("std; rep outsb; cld" : "+S"(bsrc), "+c"(cnt) : "d"((uint16_t)TESTPORT_BASE) : "memory", "cc");
	uint32_t latch = inl(TESTPORT_BASE);
	GCHECK((uintptr_t)bsrc == (uintptr_t)bytes - 1 && (latch & 0xff) == 1, "string pio: rep outsb with DF=1 goes down (last byte 0x%x)", latch & 0xff);

	/* The source runs into a page that is not present: #PF after the iterations before it. */
	const uint64_t lin = SCRATCH_LIN;
	uint64_t cr2, *pde = scratch_lin_pde(), saved = *pde;
	sio_pt[0] = (uint64_t)sio_page | 3;
	sio_pt[1] = 0;
	*pde = (uint64_t)sio_pt | 3;
	__asm__ volatile("invlpg (%0); invlpg 4096(%0)" : : "r"(lin) : "memory");
	sio_page[1022] = 0x5eed0001;
	sio_page[1023] = 0x5eed0002;
	src = (const uint32_t *)(lin + 0xff8);
	cnt = 4;
	int vec = PROBE("rep outsl", : "+S"(src), "+c"(cnt) : "d"((uint16_t)TESTPORT_BASE) : "r11", "memory");
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	GCHECK(vec == 14 && probe_error == 0 && cr2 == lin + 0x1000 && cnt == 2 && (uint64_t)src == lin + 0x1000 &&
	       inl(TESTPORT_BASE) == 0x5eed0002,
	       "string pio: #PF(0x%lx) at 0x%lx in the middle, 2 iterations done (vector %d, RCX %lu)", probe_error, cr2, vec, cnt);
	*pde = saved;
	__asm__ volatile("invlpg (%0); invlpg 4096(%0)" : : "r"(lin) : "memory");
}

static uint8_t ram_buffer[65536];

static void test_ram(const struct guest_info *info)
{
	for (unsigned i = 0; i < sizeof ram_buffer; i++)
		ram_buffer[i] = (uint8_t)(i * 7 + 3);
	int ok = 1;
	for (unsigned i = 0; i < sizeof ram_buffer; i++)
		ok &= ram_buffer[i] == (uint8_t)(i * 7 + 3);
	GCHECK(ok, "ram read/write 64 KiB in the guest image");
	/* The last page of the highest RAM range: far from the image, next to hypervisor memory. */
	const struct guest_range *r = &info->ram[info->n_ram - 1];
	volatile uint64_t *p = (volatile uint64_t *)(r->base + r->len - 4096);
	for (int i = 0; i < 512; i++)
		p[i] = 0x0123456789abcdefull ^ (uint64_t)i;
	ok = 1;
	for (int i = 0; i < 512; i++)
		ok &= p[i] == (0x0123456789abcdefull ^ (uint64_t)i);
	GCHECK(ok && info->n_ram > 0, "ram read/write at the top of guest RAM (0x%lx)", (uint64_t)p);
}

static void test_hidden(const struct guest_info *info)
{
	GCHECK(info->n_hidden >= 2, "hidden ranges reported (%u)", info->n_hidden);
	int reads_ok = 1, writes_ok = 1;
	uint64_t before = exit_count(EXIT_EPT_VIOLATION);
	for (unsigned i = 0; i < info->n_hidden; i++) {
		uint64_t b = info->hidden[i].base, len = info->hidden[i].len;
		volatile uint64_t *first = (volatile uint64_t *)b, *mid = (volatile uint64_t *)(b + (len / 2 & ~7ull)),
				  *last = (volatile uint64_t *)(b + len - 8);
		reads_ok &= *first == ~0ull && *mid == ~0ull && *last == ~0ull;
		*mid = 0x5555aaaa5555aaaaull;
		writes_ok &= *mid == ~0ull;
		volatile uint8_t *byte = (volatile uint8_t *)b + 3;
		*byte = 0;
		writes_ok &= *byte == 0xff && *first == ~0ull;
	}
	GCHECK(reads_ok, "hypervisor memory reads as all ones");
	GCHECK(writes_ok, "writes to hypervisor memory change nothing");
	uint64_t n = exit_count(EXIT_EPT_VIOLATION) - before;
	GCHECK(n == 2 * info->n_hidden, "each write to hypervisor memory is one EPT violation (%lu)", n);
}

/* Guest-physical addresses above the memory map read as all ones: each page the guest touches
 * there exits once and is then mapped onto the hypervisor's page of ones. A guest touching
 * thousands of 2 MiB regions there would need thousands of EPT tables: the hypervisor's memory
 * must not run out (past a budget it emulates such accesses instead of mapping them). */
static uint64_t far_pdpt[512] __attribute__((aligned(4096)));

static void test_above_memory(void)
{
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	uint64_t *pml4 = (uint64_t *)(cr3 & ~0xfffull);
	const uint64_t lin = 1ull << 39; /* PML4 entry 1: unused by the identity map */
	uint64_t saved = pml4[1];
	const unsigned gib = 8;
	for (unsigned i = 0; i < gib; i++)
		far_pdpt[i] = ((16ull + i) << 30) | 0x83; /* 1 GiB pages at 16 GiB and up */
	pml4[1] = (uint64_t)far_pdpt | 3;
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
	unsigned ones = 0, n = 0;
	for (unsigned i = 0; i < gib; i++)
		for (unsigned j = 0; j < 512; j++, n++)
			ones += *(volatile uint32_t *)(lin + ((uint64_t)i << 30) + ((uint64_t)j << 21)) == ~0u;
	unsigned again = 0;
	for (unsigned j = 0; j < 512; j++)
		again += *(volatile uint32_t *)(lin + ((uint64_t)j << 21) + 8) == ~0u;
	pml4[1] = saved;
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
	GCHECK(ones == n && again == 512, "%u reads in as many 2 MiB regions above the memory map read as ones, and again "
	       "(%u, %u): the hypervisor's memory does not run out", n, ones, again);
}

static void test_msrs(void)
{
	uint64_t v;
	GCHECK(rdmsr_probe(0x3a, &v) == -1 && v == 1, "rdmsr IA32_FEATURE_CONTROL: locked, VMX off (0x%lx)", v);
	GCHECK(rdmsr_probe(0x480, &v) == 13, "rdmsr IA32_VMX_BASIC -> #GP");
	GCHECK(rdmsr_probe(0x40000123, &v) == 13, "rdmsr unknown MSR -> #GP");
	uint32_t lo = 0, hi = 0;
	int vec = PROBE("wrmsr", : : "c"(0x3a), "a"(5), "d"(0) : "r11", "memory");
	GCHECK(vec == 13, "wrmsr IA32_FEATURE_CONTROL -> #GP");
	uint64_t before = exit_count(EXIT_RDMSR) + exit_count(EXIT_WRMSR);
	__asm__ volatile("wrmsr" : : "c"(0xc0000102), "a"(0x89abcdef), "d"(0xffff8123));
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000102));
	GCHECK(lo == 0x89abcdef && hi == 0xffff8123, "IA32_KERNEL_GS_BASE passes through");
	GCHECK(exit_count(EXIT_RDMSR) + exit_count(EXIT_WRMSR) == before, "pass-through MSRs take no exit");
}

static void test_control_registers(void)
{
	uint64_t cr0, cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	GCHECK(!(cr4 & (1u << 13)), "CR4.VMXE reads as 0");
	uint64_t with_vmxe = cr4 | (1u << 13);
	GCHECK(PROBE("mov %0, %%cr4", : : "r"(with_vmxe) : "r11", "memory") == 13, "setting CR4.VMXE -> #GP");
	uint64_t before = exit_count(EXIT_CR_ACCESS);
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 & ~(1ull << 5)));
	uint64_t cr0_after;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0_after));
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	GCHECK(!(cr0_after & (1ull << 5)), "CR0.NE cleared by the guest reads back clear (shadow)");
	GCHECK(exit_count(EXIT_CR_ACCESS) == before + 2, "CR0 writes of an owned bit exit");

	/* The paging-mode bits are owned too (the MMIO emulator's caches follow them): the
	 * architectural rules of IA-32e mode hold, and an allowed change reads back. */
	before = exit_count(EXIT_CR_ACCESS);
	GCHECK(PROBE("mov %0, %%cr0", : : "r"(cr0 & ~(1ull << 31)) : "r11", "memory") == 13,
	       "clearing CR0.PG in 64-bit mode -> #GP");
	GCHECK(PROBE("mov %0, %%cr4", : : "r"(cr4 & ~(1ull << 5)) : "r11", "memory") == 13,
	       "clearing CR4.PAE in IA-32e mode -> #GP");
	GCHECK(PROBE("mov %0, %%cr4", : : "r"(cr4 ^ (1ull << 12)) : "r11", "memory") == 13,
	       "changing CR4.LA57 in IA-32e mode -> #GP");
	uint64_t cr4_pse;
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 ^ (1ull << 4)) : "memory"); /* PSE: no effect in IA-32e mode */
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4_pse));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
	GCHECK(cr4_pse == (cr4 ^ (1ull << 4)) && exit_count(EXIT_CR_ACCESS) == before + 5,
	       "CR4.PSE toggles and reads back; each paging-mode write exits (%lu)", exit_count(EXIT_CR_ACCESS) - before);
}

static void test_xsetbv(void)
{
	uint32_t r[4];
	cpuid4(1, 0, r);
	if (!((r[2] >> 26) & 1)) {
		GCHECK(1, "xsetbv skipped: no XSAVE");
		return;
	}
	uint64_t cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | (1u << 18)));
	cpuid4(1, 0, r);
	GCHECK((r[2] >> 27) & 1, "CPUID OSXSAVE follows the guest's CR4");
	int vec = PROBE("xsetbv", : : "c"(0), "a"(3), "d"(0) : "r11", "memory");
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	GCHECK(vec == -1 && lo == 3, "xsetbv XCR0=3 (x87|SSE)");
	GCHECK(PROBE("xsetbv", : : "c"(0), "a"(0), "d"(0) : "r11", "memory") == 13, "xsetbv XCR0=0 -> #GP");
	GCHECK(PROBE("xsetbv", : : "c"(0), "a"(5), "d"(0) : "r11", "memory") == 13, "xsetbv AVX without SSE -> #GP");
	GCHECK(PROBE("xsetbv", : : "c"(1), "a"(1), "d"(0) : "r11", "memory") == 13, "xsetbv XCR1 -> #GP");
}

static void test_vmx_hidden(void)
{
	uint64_t region = 0x900000;
	GCHECK(PROBE("vmxon %0", : : "m"(region) : "r11", "memory") == 6, "vmxon -> #UD");
}

#define LAPIC 0xfee00000ull
static inline void lapic_write(unsigned reg, uint32_t v) { *(volatile uint32_t *)(LAPIC + reg) = v; }

static void test_hlt(void)
{
	/* Local APIC timer one-shot at vector 0x40, then STI; HLT: the timer interrupt must wake the
	 * guest directly (the APIC is the platform's, passed through). */
	/* The 8259 PICs still deliver the BIOS's IRQ0 at vector 8: mask them (ports pass through). */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	lapic_write(0xf0, 0x1ff);      /* spurious vector 0xff, APIC enabled */
	lapic_write(0x3e0, 0xb);       /* divide by 1 */
	lapic_write(0x320, 0x40);      /* one-shot, vector 0x40 */
	uint64_t before = exit_count(EXIT_HLT), seen = interrupts_seen[0x40];
	lapic_write(0x380, 20000);     /* initial count */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	GCHECK(interrupts_seen[0x40] == seen + 1, "HLT woken by the APIC timer interrupt");
	GCHECK(exit_count(EXIT_HLT) == before + 1, "HLT exits once");
}

void run_selftests(const struct guest_info *info)
{
	test_cpuid();
	test_hypercalls();
	test_pio();
	test_string_pio();
	test_ram(info);
	test_msrs();
	test_control_registers();
	test_xsetbv();
	test_vmx_hidden();
	test_hlt();
	test_hidden(info);
	test_above_memory();
	run_mmio_forms(true);
	run_mmio_forms(false);
	run_dcache_tests();
	run_pci_tests(info);
	run_virtio_tests(info);
}
