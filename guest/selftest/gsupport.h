/* Support for the self-test guest: hypercalls, console output, fault probes and checks. */
#ifndef GUEST_SELFTEST_GSUPPORT_H
#define GUEST_SELFTEST_GSUPPORT_H
#include <stdbool.h>
#include <stdint.h>
#include "guest/hypercall_abi.h"
#include "guest/guest_info_abi.h"

static inline long hypercall(long nr, uint64_t a1, uint64_t a2)
{
	long ret;
	__asm__ volatile("vmcall" : "=a"(ret) : "a"(nr), "b"(a1), "c"(a2) : "memory");
	return ret;
}

void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void guest_exit(int status) __attribute__((noreturn));
/* VM exits of one reason so far, or of all reasons for EXIT_COUNT_ALL (HC_EXIT_COUNT). */
uint64_t exit_count(uint64_t reason);
#define EXIT_COUNT_ALL (~0ull)

/* Fault probes: run one instruction with a recovery point; returns the vector it raised, or -1.
 * The trap handler records the vector/error code and resumes at the recovery label. */
extern volatile uint64_t probe_recover, probe_error;
extern volatile int64_t probe_vector;
#define PROBE(asm_insn, ...)                                                                  \
	({                                                                                    \
		probe_vector = -1;                                                            \
		__asm__ volatile("leaq 9f(%%rip), %%r11\n\t"                                  \
				 "movq %%r11, probe_recover(%%rip)\n\t" asm_insn "\n9:\n\t"   \
				 "movq $0, probe_recover(%%rip)" __VA_ARGS__);                \
		(int)probe_vector;                                                            \
	})

void traps_init(void);

/* Tests that remap a linear page use the 2 MiB at SCRATCH_LIN (the 3rd GiB: a hole in the
 * guest's identity map): the page-directory entry that maps it. Set it to a page table, restore
 * it after, invlpg on each change. */
#define SCRATCH_LIN 0xc0000000ull
uint64_t *scratch_lin_pde(void);
extern volatile uint64_t interrupts_seen[256];

extern int checks_passed, checks_failed;
#define GCHECK(cond, ...)                                                    \
	do {                                                                 \
		if (cond) {                                                  \
			checks_passed++;                                     \
			gprintf("PASS selftest " __VA_ARGS__);               \
		} else {                                                     \
			checks_failed++;                                     \
			gprintf("FAIL selftest " __VA_ARGS__);               \
		}                                                            \
	} while (0)

static inline uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

void run_selftests(const struct guest_info *info);
void run_mmio_forms(bool decode_cache);
void run_mmio_demo(void);
void run_dcache_tests(void);
void run_pci_tests(const struct guest_info *info);
void run_virtio_tests(const struct guest_info *info);
void run_benchmarks(const struct guest_info *info);
void run_profile(void);
#endif
