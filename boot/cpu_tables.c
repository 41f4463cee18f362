/* GDT with a 64-bit TSS, and an IDT whose 32 exception vectors go to boot/isr.S. */
#include "boot/cpu_tables.h"
#include "lib/string.h"

struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};

struct __attribute__((packed)) idt_gate {
	uint16_t offset_lo, selector;
	uint8_t ist, type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi, reserved;
};

static uint64_t gdt[5] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint8_t fault_stack[8192] __attribute__((aligned(16))); /* IST1: #DF, NMI, #MC */

extern const uint64_t isr_table[32]; /* boot/isr.S */

static void set_gate(int vec, uint64_t handler, int ist)
{
	struct idt_gate *g = &idt[vec];
	g->offset_lo = (uint16_t)handler;
	g->selector = SEL_CODE64;
	g->ist = (uint8_t)ist;
	g->type_attr = 0x8e; /* present, DPL 0, 64-bit interrupt gate */
	g->offset_mid = (uint16_t)(handler >> 16);
	g->offset_hi = (uint32_t)(handler >> 32);
	g->reserved = 0;
}

void cpu_tables_init(void)
{
	uint64_t t = (uint64_t)&tss;
	memset(&tss, 0, sizeof tss);
	tss.ist[0] = (uint64_t)fault_stack + sizeof fault_stack;
	tss.iomap_base = sizeof tss; /* no IO permission bitmap */

	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffull; /* 0x08 code: L=1, P, DPL 0 */
	gdt[2] = 0x00cf92000000ffffull; /* 0x10 data */
	/* 0x18: 64-bit available TSS, 16 bytes (SDM vol.3 8.2.3) */
	gdt[3] = (sizeof tss - 1) | ((t & 0xffffff) << 16) | (0x89ull << 40) | (((t >> 24) & 0xff) << 56);
	gdt[4] = t >> 32;

	struct desc_ptr gp = { sizeof gdt - 1, (uint64_t)gdt };
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%ax\n\t"
			 "mov %%ax, %%ds\n\t"
			 "mov %%ax, %%es\n\t"
			 "mov %%ax, %%ss\n\t"
			 "ltr %w3"
			 : : "m"(gp), "i"(SEL_CODE64), "i"(SEL_DATA), "r"(SEL_TSS) : "rax", "memory");

	for (int v = 0; v < 32; v++)
		set_gate(v, isr_table[v], (v == 2 || v == 8 || v == 18) ? 1 : 0);
	struct desc_ptr ip = { sizeof idt - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(ip));
}

uint64_t cpu_tss_base(void) { return (uint64_t)&tss; }
uint64_t cpu_gdt_base(void) { return (uint64_t)gdt; }
uint64_t cpu_idt_base(void) { return (uint64_t)idt; }
