/* Exit round-trip costs measured from inside the guest. Under Bochs the TSC counts instructions
 * and VM exit/entry add none, so each figure is exactly the hypervisor's software cost plus the
 * few guest instructions of the loop. */
#include "guest/selftest/gsupport.h"
#include "devices/io_spaces.h"
#include "guest/selftest/pci_access.h"

#define LAPIC_BASE 0xfee00000ull

void mmio_distinct_loads(volatile void *mmio);

#define ROUNDS 200

#define MEASURE(name, ...) MEASURE_N(name, ROUNDS, __VA_ARGS__)
#define MEASURE_N(name, rounds, ...)                                                         \
	do {                                                                                 \
		const int ROUNDS_ = (rounds);                                                \
		uint64_t t0 = rdtsc_ordered();                                               \
		for (int i = 0; i < ROUNDS_; i++) {                                          \
			__VA_ARGS__;                                                              \
		}                                                                            \
		uint64_t t1 = rdtsc_ordered();                                               \
		gprintf("bench: %s = %lu cycles", name, (t1 - t0) / ROUNDS_);                \
	} while (0)

void run_benchmarks(const struct guest_info *info)
{
	uint64_t hidden = info->hidden[0].base + 0x800;
	MEASURE("vmcall", __asm__ volatile("vmcall" : : "a"(HC_NOP) : "memory", "rbx", "rcx"));
	MEASURE("cpuid", { uint32_t a = 0, b, c = 0, d; __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d)); });
	MEASURE("pio_out", __asm__ volatile("outl %0, %1" : : "a"(0x12345678), "Nd"((uint16_t)TESTPORT_BASE)));
	MEASURE("pio_in", { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"((uint16_t)TESTPORT_BASE)); });
	/* A write to hidden memory: EPT violation + one monitor-trap-flag step (two exits). */
	MEASURE("ept_violation", *(volatile uint32_t *)hidden = 1);
	MEASURE("loop_overhead", __asm__ volatile("" ::: "memory"));

	/* MMIO (EPT misconfiguration + emulation) on the scratch device: loads decoded in full with
	 * the decode cache off; loads that miss the cache (256 different instruction addresses, more
	 * than it holds: decoded and inserted); the same load repeated (cache hits); the notify
	 * instruction 89 02. */
	volatile uint32_t *mmio = (volatile uint32_t *)SCRATCH_MMIO_BASE;
	hypercall(HC_MMIO_DECODE_CACHE, 0, 0);
	MEASURE_N("mmio_decode", 4, { mmio_distinct_loads(mmio); });
	hypercall(HC_MMIO_DECODE_CACHE, 1, 0);
	MEASURE_N("mmio_miss", 4, { mmio_distinct_loads(mmio); });
	MEASURE("mmio_cached", { uint32_t v; __asm__ volatile("mov (%1), %0" : "=a"(v) : "b"(mmio) : "memory"); });
	MEASURE("mmio_fastpath", __asm__ volatile("movl %0, (%1)" : : "a"(1), "d"(mmio) : "memory"));
	/* A write to the local APIC (EOI with nothing in service: harmless): the page is read-only
	 * in EPT so that INIT/SIPI can be dropped (devices/apic_guard.c); the write is emulated. */
	MEASURE("apic_write", *(volatile uint32_t *)(LAPIC_BASE + 0xb0) = 0);

	/* PCI configuration space: the same register by CF8/CFC (two exits) and by ECAM (none). */
	int td = pci_find_device(0x1234, 0x11e5);
	if (!pci_find_ecam(info) || td < 0) {
		gprintf("FAIL bench: no ECAM window or no test device");
		return;
	}
	unsigned bdf = (unsigned)td;
	MEASURE_N("cfg_read_cf8", 100000, (void)cf8_read32(bdf, 0));
	MEASURE_N("cfg_read_ecam", 100000, (void)ecam_read32(bdf, 0));
	MEASURE_N("bus_scan_cf8", 20, (void)pci_scan_cf8());
	MEASURE_N("bus_scan_ecam", 20, (void)pci_scan_ecam());
	/* Sizing all six BARs of a function: save / all ones / read / restore per BAR through CF8
	 * (with decoding off meanwhile), against one hypercall. */
	MEASURE_N("bar_size_pio", 50, {
		uint32_t cmd = cf8_read32(bdf, 4);
		cf8_write32(bdf, 4, cmd & ~3u);
		for (unsigned b = 0; b < 6; b++) {
			uint32_t orig = cf8_read32(bdf, 0x10 + 4 * b);
			cf8_write32(bdf, 0x10 + 4 * b, ~0u);
			(void)cf8_read32(bdf, 0x10 + 4 * b);
			cf8_write32(bdf, 0x10 + 4 * b, orig);
		}
		cf8_write32(bdf, 4, cmd);
	});
	struct hc_bar_info bars[7];
	MEASURE_N("bar_size_hypercall", 50, (void)hypercall(HC_PCI_BAR_INFO, bdf, (uint64_t)bars));
}

/* selftest=profile: each operation once more after a warm-up, between two Bochs magic
 * breakpoints (xchg bx,bx) so tools/profile-exit.sh can trace exactly the hypervisor
 * instructions it costs. The operation's name is printed first. Each operation is its own
 * function so that every run executes the same instruction (same RIP: decode cache hits). */
#define MAGIC_BREAK() __asm__ volatile("xchg %%bx, %%bx" ::: "memory")
#define OP(name, ...) static __attribute__((noinline)) void op_##name(void) { __VA_ARGS__; }
OP(cpuid, { uint32_t a = 0, b, c = 0, d; __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d)); })
OP(pio_out, __asm__ volatile("outl %0, %1" : : "a"(0x12345678), "Nd"((uint16_t)TESTPORT_BASE)))
OP(pio_in, { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"((uint16_t)TESTPORT_BASE)); })
OP(mmio_cached, { uint32_t v; __asm__ volatile("mov (%1), %0" : "=a"(v) : "b"(SCRATCH_MMIO_BASE) : "memory"); })
OP(mmio_fastpath, __asm__ volatile("movl %0, (%1)" : : "a"(1), "d"(SCRATCH_MMIO_BASE) : "memory"))
OP(apic_write, *(volatile uint32_t *)(LAPIC_BASE + 0xb0) = 0)
/* A load at an instruction address the decode cache has not seen (warmed: the code page's
 * translation, by mmio_distinct_loads on the same page). */
OP(mmio_miss, { uint32_t v; __asm__ volatile("mov 4(%1), %0" : "=a"(v) : "b"(SCRATCH_MMIO_BASE) : "memory"); })
/* A load decoded in full: the decode cache is off (HC_MMIO_DECODE_CACHE). */
OP(mmio_decode, { uint32_t v; __asm__ volatile("mov 8(%1), %0" : "=a"(v) : "b"(SCRATCH_MMIO_BASE) : "memory"); })

static void profile(const char *name, void (*op)(void), int warmups)
{
	for (int i = 0; i < warmups; i++)
		op();
	gprintf("profile: %s", name);
	MAGIC_BREAK();
	op();
	MAGIC_BREAK();
}

void run_profile(void)
{
	profile("cpuid", op_cpuid, 3);
	profile("pio_out", op_pio_out, 3);
	profile("pio_in", op_pio_in, 3);
	profile("mmio_cached", op_mmio_cached, 3);
	profile("mmio_fastpath", op_mmio_fastpath, 3);
	profile("apic_write", op_apic_write, 3);
	mmio_distinct_loads((volatile void *)SCRATCH_MMIO_BASE);
	profile("mmio_miss", op_mmio_miss, 0);
	hypercall(HC_MMIO_DECODE_CACHE, 0, 0);
	profile("mmio_decode", op_mmio_decode, 3);
	hypercall(HC_MMIO_DECODE_CACHE, 1, 0);
}
