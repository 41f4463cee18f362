/* A CPU exception in the hypervisor itself is a hypervisor bug: dump everything and stop. */
#include <stdint.h>
#include "boot/console.h"
#include "boot/platform.h"
#include "arch/x86.h"

struct exception_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS", "#NP segment not present",
	"#SS stack fault", "#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
	"#VE virtualization", "#CP control protection", "reserved 22", "reserved 23",
	"reserved 24", "reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

void exception_report(struct exception_frame *f);
void exception_report(struct exception_frame *f)
{
	log_printf("\nhv: CPU exception in the hypervisor: vector %lu (%s), error code 0x%lx\n",
		   f->vector, exception_names[f->vector & 31], f->error);
	log_printf("  rip=%016lx cs=%04lx rflags=%016lx rsp=%016lx ss=%04lx\n", f->rip, f->cs,
		   f->rflags, f->rsp, f->ss);
	log_printf("  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
	log_printf("  rsi=%016lx rdi=%016lx rbp=%016lx r8 =%016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
	log_printf("  r9 =%016lx r10=%016lx r11=%016lx r12=%016lx\n", f->r9, f->r10, f->r11, f->r12);
	log_printf("  r13=%016lx r14=%016lx r15=%016lx\n", f->r13, f->r14, f->r15);
	log_printf("  cr0=%016lx cr2=%016lx cr3=%016lx cr4=%016lx\n", read_cr0(), read_cr2(),
		   read_cr3(), read_cr4());
	platform_shutdown(3);
}
