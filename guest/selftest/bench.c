/* Exit round-trip costs measured from inside the guest. Under Bochs the TSC counts instructions
 * and VM exit/entry add none, so each figure is exactly the hypervisor's software cost plus the
 * few guest instructions of the loop. */
#include "guest/selftest/gsupport.h"
#include "devices/io_spaces.h"

#define ROUNDS 200

#define MEASURE(name, ...)                                                                  \
	do {                                                                                 \
		uint64_t t0 = rdtsc_ordered();                                               \
		for (int i = 0; i < ROUNDS; i++) {                                           \
			__VA_ARGS__;                                                              \
		}                                                                            \
		uint64_t t1 = rdtsc_ordered();                                               \
		gprintf("bench: %s = %lu cycles", name, (t1 - t0) / ROUNDS);                 \
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
}
