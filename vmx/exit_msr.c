/* RDMSR/WRMSR exits. The MSR bitmap lets nearly every MSR run on the hardware; what exits is
 * what the guest must not see or change: the VMX capability MSRs and IA32_FEATURE_CONTROL (VMX is
 * not offered), and every MSR outside the bitmap's ranges, which the hypervisor does not know —
 * executing an unknown MSR access for the guest could fault the hypervisor, so it is a #GP, as
 * on a CPU without that MSR. */
#include "vmx/exits.h"
#include "vmx/vmx_insn.h"
#include "vmx/bitmaps.h"
#include "vmx/vmcs_fields.h"
#include "arch/x86.h"
#include "devices/apic_guard.h"

void msr_policy_init(void);
void msr_policy_init(void)
{
	msr_intercept(MSR_IA32_FEATURE_CONTROL, true, true);
	for (uint32_t m = MSR_VMX_BASIC; m <= MSR_VMX_VMFUNC; m++)
		msr_intercept(m, true, true);
}

static uint32_t msr_index(struct vcpu *v) { return (uint32_t)v->gpr[GPR_RCX]; }

/* RDMSR: ECX = MSR, result in EDX:EAX. */
void exit_rdmsr(struct vcpu *v)
{
	uint32_t msr = msr_index(v);
	uint64_t value;
	if (msr == MSR_IA32_FEATURE_CONTROL) {
		value = 1; /* locked, VMX disabled: what a guest should see on a CPU without VMX */
	} else {
		vcpu_inject_exception_error(v, VEC_GP, 0);
		return;
	}
	v->gpr[GPR_RAX] = (uint32_t)value;
	v->gpr[GPR_RDX] = value >> 32;
	vcpu_skip_instruction(v);
}

/* WRMSR: ECX = MSR, value in EDX:EAX. The x2APIC ICR goes to the hardware unless it would start
 * another processor, IA32_APIC_BASE unless it would move the APIC (devices/apic_guard.c); every
 * other intercepted MSR is read-only or absent: #GP. */
void exit_wrmsr(struct vcpu *v)
{
	uint64_t value = v->gpr[GPR_RDX] << 32 | (uint32_t)v->gpr[GPR_RAX];
	if (msr_index(v) == MSR_X2APIC_ICR) {
		if (apic_guard_icr_allowed(value))
			wrmsr(MSR_X2APIC_ICR, value);
		vcpu_skip_instruction(v);
		return;
	}
	if (msr_index(v) == MSR_IA32_APIC_BASE && apic_guard_base_allowed(value)) {
		wrmsr(MSR_IA32_APIC_BASE, value); /* enable / x2APIC mode: the guest's APIC, its choice */
		vcpu_skip_instruction(v);
		return;
	}
	vcpu_inject_exception_error(v, VEC_GP, 0);
}
