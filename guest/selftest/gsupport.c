#include "guest/selftest/gsupport.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include <stdarg.h>

volatile uint64_t probe_recover, probe_error;
volatile int64_t probe_vector;
volatile uint64_t interrupts_seen[256];
int checks_passed, checks_failed;

void gprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 1)
		n = sizeof buf - 1;
	hypercall(HC_LOG, (uint64_t)buf, (uint64_t)n);
}

void guest_exit(int status)
{
	hypercall(HC_EXIT, (uint64_t)status, 0);
	for (;;)
		__asm__ volatile("cli; hlt");
}

uint64_t exit_count(uint64_t reason)
{
	return (uint64_t)hypercall(HC_EXIT_COUNT, reason, 0);
}

struct trap_frame {
	uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

#define LAPIC_EOI 0xfee000b0ull

void guest_trap(struct trap_frame *f);
void guest_trap(struct trap_frame *f)
{
	if (f->vector >= 32) {
		interrupts_seen[f->vector]++;
		*(volatile uint32_t *)LAPIC_EOI = 0;
		return;
	}
	if (probe_recover) {
		probe_vector = (int64_t)f->vector;
		probe_error = f->error;
		f->rip = probe_recover;
		probe_recover = 0;
		return;
	}
	gprintf("FAIL selftest unexpected exception %lu (error 0x%lx) at RIP 0x%lx", f->vector, f->error, f->rip);
	guest_exit(2);
}

struct __attribute__((packed)) idt_gate {
	uint16_t lo, sel;
	uint8_t ist, attr;
	uint16_t mid;
	uint32_t hi, zero;
};
static struct idt_gate idt[256] __attribute__((aligned(16)));
extern const uint64_t trap_table[32];
extern const uint8_t trap_irq_stubs[];

void traps_init(void)
{
	for (int v = 0; v < 256; v++) {
		uint64_t h = v < 32 ? trap_table[v] : (uint64_t)(trap_irq_stubs + 16 * (v - 32));
		idt[v] = (struct idt_gate){ (uint16_t)h, 0x08, 0, 0x8e, (uint16_t)(h >> 16), (uint32_t)(h >> 32), 0 };
	}
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } p = { sizeof idt - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}

uint64_t *scratch_lin_pde(void)
{
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	uint64_t *pml4 = (uint64_t *)(cr3 & ~0xfffull);
	uint64_t *pdpt = (uint64_t *)(pml4[SCRATCH_LIN >> 39] & ~0xfffull);
	uint64_t *pd = (uint64_t *)(pdpt[(SCRATCH_LIN >> 30) & 511] & ~0xfffull);
	return &pd[(SCRATCH_LIN >> 21) & 511];
}
