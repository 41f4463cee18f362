/* Runs every MMIO instruction form on RAM (executed by the CPU) and on the scratch MMIO device
 * (emulated by the hypervisor) from identical registers, flags and memory; results, defined
 * RFLAGS bits and memory must match. */
#include "guest/selftest/gsupport.h"
#include "devices/io_spaces.h"
#include "vmx/vmcs_fields.h"
#include "lib/string.h"

struct form_state {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, r8, rflags; /* RSI/RDI: offsets into the buffer */
	uint8_t xmm0[16];
};
_Static_assert(__builtin_offsetof(struct form_state, xmm0) == 64, "mmio_forms.S layout");

struct form {
	void (*ram_code)(void), (*mmio_code)(void);
	const char *name;
	uint32_t flag_mask, setup;
};

extern const struct form mmio_forms[], mmio_forms_end[];
extern uint8_t form_ram_buffer[4096];
void form_run(void (*code)(void), struct form_state *s, void *mem);

#define BUF 64 /* bytes of the buffer the forms touch */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void setup_state(struct form_state *s, uint32_t setup)
{
	s->rax = next_random();
	s->rbx = next_random();
	s->rcx = next_random();
	s->rdx = next_random();
	s->r8 = next_random();
	s->rsi = s->rdi = 0;
	for (int i = 0; i < 16; i++)
		s->xmm0[i] = (uint8_t)next_random();
	s->rflags = 0x2 | (next_random() & 0x8d5);
	if (setup == 1 || setup == 2) { /* strings: a few elements inside the buffer */
		s->rcx = 1 + next_random() % 3;
		s->rsi = setup == 1 ? 0 : 24;
		s->rdi = setup == 1 ? 32 : 56;
		if (setup == 2)
			s->rflags |= 1u << 10; /* DF: downwards */
	}
	if (setup == 3)
		s->rax = next_random() % 256; /* bit offset: within the first 32 bytes */
	if (setup == 4)
		s->rbx = next_random() % 16; /* index register of a SIB address */
}

static void fill(volatile uint8_t *mem, const uint8_t *pattern)
{
	volatile uint64_t *q = (volatile uint64_t *)mem;
	for (int i = 0; i < BUF / 8; i++)
		q[i] = ((const uint64_t *)pattern)[i];
}

static void dump(volatile uint8_t *mem, uint8_t *out)
{
	volatile uint64_t *q = (volatile uint64_t *)mem;
	for (int i = 0; i < BUF / 8; i++)
		((uint64_t *)out)[i] = q[i];
}

void run_mmio_forms(bool decode_cache)
{
	const char *how = decode_cache ? "" : " (decode cache off: every exit decodes)";
	hypercall(HC_MMIO_DECODE_CACHE, decode_cache, 0);
	uint8_t *mmio = (uint8_t *)SCRATCH_MMIO_BASE;
	uint64_t before = exit_count(EXIT_EPT_MISCONFIG);
	unsigned forms = 0, failed = 0;
	for (const struct form *f = mmio_forms; f < mmio_forms_end; f++, forms++) {
		int ok = 1;
		for (int round = 0; round < 4 && ok; round++) {
			uint8_t pattern[BUF], after_ram[BUF], after_mmio[BUF];
			for (int i = 0; i < BUF; i++)
				pattern[i] = (uint8_t)next_random();
			struct form_state ram, dev;
			setup_state(&ram, f->setup);
			dev = ram;
			fill(form_ram_buffer, pattern);
			fill(mmio, pattern);
			form_run(f->ram_code, &ram, form_ram_buffer);
			form_run(f->mmio_code, &dev, mmio);
			dump(form_ram_buffer, after_ram);
			dump(mmio, after_mmio);
			uint64_t fl_mask = f->flag_mask | (1u << 10);
			ok = ram.rax == dev.rax && ram.rbx == dev.rbx && ram.rcx == dev.rcx && ram.rdx == dev.rdx &&
			     ram.rsi == dev.rsi && ram.rdi == dev.rdi && ram.r8 == dev.r8 &&
			     (ram.rflags & fl_mask) == (dev.rflags & fl_mask) && !memcmp(ram.xmm0, dev.xmm0, 16) &&
			     !memcmp(after_ram, after_mmio, BUF);
			if (!ok)
				gprintf("FAIL selftest mmio form %s differs from RAM%s (round %d): rax %lx/%lx rbx %lx/%lx rcx %lx/%lx rdx %lx/%lx flags %lx/%lx mem %s",
					f->name, how, round, ram.rax, dev.rax, ram.rbx, dev.rbx, ram.rcx, dev.rcx, ram.rdx, dev.rdx,
					ram.rflags, dev.rflags, memcmp(after_ram, after_mmio, BUF) ? "differs" : "same");
		}
		if (ok)
			checks_passed++;
		else
			checks_failed++, failed++;
	}
	/* The notify instruction (89 02, mov [rdx], eax) takes the hypervisor's fast path: a 4-byte
	 * store of EAX, then the next instruction. */
	volatile uint32_t *slot = (volatile uint32_t *)(mmio + 40);
	slot[0] = 0;
	slot[1] = 0x77777777;
	uint64_t rax = 0xffffffff5a5a1234ull;
	__asm__ volatile(".byte 0x89, 0x02" : : "a"(rax), "d"(slot) : "memory");
	GCHECK(slot[0] == 0x5a5a1234 && slot[1] == 0x77777777, "mmio: notify instruction 89 02 stores EAX (4 bytes) and continues%s", how);
	/* An instruction the emulator does not support (CMPSB) on MMIO: #UD, and the guest goes on. */
	const void *p1 = mmio, *p2 = mmio + 8;
	int vec = PROBE("cmpsb", : "+S"(p1), "+D"(p2) : : "r11", "memory", "cc");
	GCHECK(vec == 6, "mmio: an unsupported instruction on MMIO gets #UD (vector %d)%s", vec, how);
	uint64_t exits = exit_count(EXIT_EPT_MISCONFIG) - before;
	GCHECK(failed == 0, "mmio: %u instruction forms give the same results, flags and memory on MMIO as on RAM%s", forms, how);
	GCHECK(exits > 4 * forms, "mmio: accesses to the scratch device exit as EPT misconfigurations (%lu)%s", exits, how);
	hypercall(HC_MMIO_DECODE_CACHE, 1, 0);
}

/* selftest=mmio: one MMIO access of each kind, for watching trace=mmio: a load, a store, the
 * notify instruction, a store of an immediate, an ALU instruction (the emulator's general path)
 * and a write to the local APIC. */
void run_mmio_demo(void)
{
	volatile uint32_t *mmio = (volatile uint32_t *)SCRATCH_MMIO_BASE;
	uint32_t v = 0x1234;
	__asm__ volatile("movl %1, (%0)" : : "r"(mmio), "r"(v) : "memory");
	__asm__ volatile("movl (%1), %0" : "=a"(v) : "r"(mmio) : "memory");
	__asm__ volatile(".byte 0x89, 0x02" : : "a"(v + 1), "d"(mmio + 1) : "memory");
	__asm__ volatile("movl $0x5678, 8(%0)" : : "r"(mmio) : "memory");
	__asm__ volatile("addl $3, 8(%0)" : : "r"(mmio) : "memory", "cc");
	*(volatile uint32_t *)0xfee000b0ull = 0; /* EOI with nothing in service */
	gprintf("mmio demo: scratch 0x%x 0x%x 0x%x", mmio[0], mmio[1], mmio[2]);
}
