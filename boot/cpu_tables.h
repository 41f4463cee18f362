/* The hypervisor's own GDT, TSS and IDT (64-bit). Selectors are fixed; VMCS host state uses them. */
#ifndef BOOT_CPU_TABLES_H
#define BOOT_CPU_TABLES_H
#include <stdint.h>

#define SEL_CODE64 0x08
#define SEL_DATA 0x10
#define SEL_TSS 0x18

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

void cpu_tables_init(void);
uint64_t cpu_tss_base(void);
uint64_t cpu_gdt_base(void);
uint64_t cpu_idt_base(void);
#endif
