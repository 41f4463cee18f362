/* The one virtual CPU: guest registers that VMX does not keep in the VMCS, and what the exit
 * handlers need between exits. */
#ifndef VMX_VCPU_H
#define VMX_VCPU_H
#include <stdbool.h>
#include <stdint.h>
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"
#include "decode/x86_regs.h"

#define VCPU_REGS_AREA 512 /* vmx/entry.S: exit_stack_top follows at this offset */

/* Guest general-purpose registers, indexed by their x86 encoding (0 = RAX ... 15 = R15).
 * Slot 4 (RSP) is unused here: the guest RSP lives in the VMCS. vmx/entry.S relies on this layout. */
enum gpr { GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	   GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15 };

struct exit_stat {
	uint64_t count;
	uint64_t cycles; /* TSC ticks spent in the hypervisor handling this exit reason */
};

struct vcpu {
	/* The guest's registers as the emulator sees them (decode/x86_regs.h); gpr[] first, where
	 * vmx/entry.S saves and loads the GPRs. Only gpr[] is current between exits; the emulator
	 * path fills the rest from the VMCS. */
	union {
		uint64_t gpr[16];
		struct x86_regs regs;
		uint8_t regs_area[VCPU_REGS_AREA];
	};
	uint64_t *exit_stack_top; /* VMCS host RSP; holds the vcpu pointer (vmx/entry.S) */
	bool stopped;
	int stop_status;

	uint32_t exit_reason;     /* the exit being handled */

	uint32_t proc_controls;  /* current primary processor-based controls (NMI window) */
	uint64_t watchdog_ticks; /* 0: off */

	struct exit_stat stats[EXIT_REASON_MAX];
};

/* The exit qualification of the exit being handled (SDM 28.2.1). */
static inline uint64_t vcpu_exit_qualification(void)
{
	uint64_t v;
	__asm__ volatile("vmread %1, %0" : "=rm"(v) : "r"((uint64_t)0x6400) : "cc");
	return v;
}

/* Stops the guest: the run loop prints statistics and ends the machine with `status`. */
void vcpu_stop(struct vcpu *v, int status);

uint64_t vcpu_gpr_read(struct vcpu *v, unsigned reg);
void vcpu_gpr_write(struct vcpu *v, unsigned reg, uint64_t value);
/* Advances the guest RIP past the exiting instruction (its length from the VMCS; valid for
 * instruction-caused exits, SDM 28.2.5). Also clears STI/MOV-SS blocking as completion would. */
void vcpu_skip_instruction(struct vcpu *v);
/* Moves the guest to the next instruction at `rip` (an emulated instruction completed): the
 * blocking by STI or MOV SS ends with it. Inline: the MMIO hot path uses it. */
static inline void vcpu_set_rip(struct vcpu *v, uint64_t rip)
{
	vmwrite(VMCS_GUEST_RIP, rip);
	uint64_t intr = vmread(VMCS_GUEST_INTERRUPTIBILITY);
	if (__builtin_expect(intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS), 0))
		vmwrite(VMCS_GUEST_INTERRUPTIBILITY, intr & ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}
/* Flushes the guest's TLB entries, as the CPU's own MOV to CR0/CR4 of a paging bit would: with
 * VPID they survive VM entries (all-context INVVPID; VPID is only enabled with it). */
void vcpu_flush_tlb(struct vcpu *v);

/* Event injection at the next VM entry (SDM 27.6). */
void vcpu_inject_exception(struct vcpu *v, unsigned vector);
void vcpu_inject_exception_error(struct vcpu *v, unsigned vector, uint32_t error_code);
void vcpu_inject_nmi(struct vcpu *v);
#define VEC_DE 0
#define VEC_DB 1
#define VEC_NMI 2
#define VEC_UD 6
#define VEC_DF 8
#define VEC_SS 12
#define VEC_GP 13
#define VEC_PF 14
#define VEC_AC 17
#define VEC_MC 18

/* Status codes the hypervisor ends with (see docs/hypercalls.md for the guest's own). */
#define STOP_GUEST_TRIPLE_FAULT 64
#define STOP_GUEST_HALTED 65
#define STOP_VM_ENTRY_FAILED 66
#define STOP_UNHANDLED_EXIT 67
#define STOP_WATCHDOG 68
#define STOP_UNHANDLED_MMIO 69
#define STOP_GUEST_RESET 70 /* the guest tried to reset the machine (devices/guest_reset.c) */
#endif
