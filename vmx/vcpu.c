/* Small vCPU helpers shared by the exit handlers. */
#include "vmx/vcpu.h"
#include "vmx/vmx_insn.h"
#include <stddef.h>

_Static_assert(offsetof(struct vcpu, exit_stack_top) == VCPU_REGS_AREA && sizeof(struct x86_regs) <= VCPU_REGS_AREA,
	       "vmx/entry.S expects exit_stack_top after the register area");

void vcpu_stop(struct vcpu *v, int status)
{
	if (!v->stopped) {
		v->stopped = true;
		v->stop_status = status;
	}
}

uint64_t vcpu_gpr_read(struct vcpu *v, unsigned reg)
{
	return reg == GPR_RSP ? vmread(VMCS_GUEST_RSP) : v->gpr[reg & 15];
}

void vcpu_gpr_write(struct vcpu *v, unsigned reg, uint64_t value)
{
	if (reg == GPR_RSP)
		vmwrite(VMCS_GUEST_RSP, value);
	else
		v->gpr[reg & 15] = value;
}

void vcpu_skip_instruction(struct vcpu *v)
{
	vcpu_set_rip(v, vmread(VMCS_GUEST_RIP) + vmread(VMCS_EXIT_INSN_LEN));
}

void vcpu_inject_exception(struct vcpu *v, unsigned vector)
{
	vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector);
}

void vcpu_inject_exception_error(struct vcpu *v, unsigned vector, uint32_t error_code)
{
	vmwrite(VMCS_ENTRY_EXC_ERROR, error_code);
	vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_INFO_DELIVER_ERROR | INTR_TYPE_HW_EXCEPTION | vector);
}

void vcpu_inject_nmi(struct vcpu *v)
{
	vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | VEC_NMI);
}

void vcpu_flush_tlb(struct vcpu *v)
{
	if (vmread(VMCS_PROC_CONTROLS2) & PROC2_ENABLE_VPID) /* else every VM entry flushes */
		invvpid(INVVPID_ALL_CONTEXTS, 0);
}
