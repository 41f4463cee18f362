/* Control-register access exits (SDM 28.1.3, qualification format in table 28-3). Only writes
 * that change a bit the hypervisor owns (CR0/CR4 guest/host masks) arrive here. */
#include "vmx/exits.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_caps.h"
#include "arch/x86.h"

#define CR_ACCESS_MOV_TO 0
#define CR_ACCESS_MOV_FROM 1
#define CR_ACCESS_CLTS 2
#define CR_ACCESS_LMSW 3

/* A guest write to CR0 (SDM vol.3 2.5 for the #GP rules). The guest keeps its value in the read
 * shadow; the real CR0 also has the bits VMX needs. Paging switched on with EFER.LME set enters
 * IA-32e mode: EFER.LMA and the "IA-32e mode guest" entry control follow. */
static void guest_write_cr0(struct vcpu *v, uint64_t val)
{
	if ((val >> 32) || ((val & CR0_PG) && !(val & CR0_PE)) || ((val & CR0_NW) && !(val & CR0_CD))) {
		vcpu_inject_exception_error(v, VEC_GP, 0);
		return;
	}
	uint64_t old = vmread(VMCS_CR0_SHADOW), efer = vmread(VMCS_GUEST_EFER);
	uint32_t entry = (uint32_t)vmread(VMCS_ENTRY_CONTROLS);
	if (!(old & CR0_PG) && (val & CR0_PG) && (efer & EFER_LME)) {
		if (!(vmread(VMCS_CR4_SHADOW) & CR4_PAE)) {
			vcpu_inject_exception_error(v, VEC_GP, 0);
			return;
		}
		vmwrite(VMCS_GUEST_EFER, efer | EFER_LMA);
		vmwrite(VMCS_ENTRY_CONTROLS, entry | ENTRY_IA32E_MODE_GUEST);
	} else if ((old & CR0_PG) && !(val & CR0_PG) && (efer & EFER_LMA)) {
		vmwrite(VMCS_GUEST_EFER, efer & ~EFER_LMA);
		vmwrite(VMCS_ENTRY_CONTROLS, entry & ~ENTRY_IA32E_MODE_GUEST);
	}
	uint64_t fixed0 = vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG); /* unrestricted guest */
	vmwrite(VMCS_GUEST_CR0, (val | fixed0) & vmx_caps.cr0_fixed1);
	vmwrite(VMCS_CR0_SHADOW, val);
	vcpu_skip_instruction(v);
}

/* A guest write to CR4. VMXE stays set underneath but reads as the guest wrote it; the guest may
 * not set VMXE (no VMX offered) nor bits this CPU lacks: #GP as on such a CPU. */
static void guest_write_cr4(struct vcpu *v, uint64_t val)
{
	uint64_t allowed = vmx_caps.cr4_fixed1 & ~CR4_VMXE;
	if (val & ~allowed) {
		vcpu_inject_exception_error(v, VEC_GP, 0);
		return;
	}
	vmwrite(VMCS_GUEST_CR4, (val | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1);
	vmwrite(VMCS_CR4_SHADOW, val);
	vcpu_skip_instruction(v);
}

/* CR access: which register (bits 3:0), how (5:4), which GPR (11:8), LMSW data (31:16). */
void exit_cr_access(struct vcpu *v)
{
	uint64_t q = vcpu_exit_qualification();
	unsigned cr = q & 15, type = (q >> 4) & 3, reg = (q >> 8) & 15;
	switch (type) {
	case CR_ACCESS_MOV_TO: {
		uint64_t val = vcpu_gpr_read(v, reg);
		if (cr == 0)
			guest_write_cr0(v, val);
		else if (cr == 4)
			guest_write_cr4(v, val);
		else if (cr == 3) {
			vmwrite(VMCS_GUEST_CR3, val);
			vcpu_skip_instruction(v);
		} else
			vcpu_inject_exception(v, VEC_UD);
		return;
	}
	case CR_ACCESS_MOV_FROM:
		if (cr == 3)
			vcpu_gpr_write(v, reg, vmread(VMCS_GUEST_CR3));
		vcpu_skip_instruction(v);
		return;
	case CR_ACCESS_CLTS:
		vmwrite(VMCS_CR0_SHADOW, vmread(VMCS_CR0_SHADOW) & ~8ull);
		vmwrite(VMCS_GUEST_CR0, vmread(VMCS_GUEST_CR0) & ~8ull);
		vcpu_skip_instruction(v);
		return;
	case CR_ACCESS_LMSW: {
		/* LMSW loads CR0 bits 3:0 but cannot clear PE (SDM vol.2 LMSW). */
		uint64_t cr0 = vmread(VMCS_CR0_SHADOW);
		uint64_t src = (q >> 16) & 0xf;
		guest_write_cr0(v, (cr0 & ~0xeull) | src | (cr0 & CR0_PE));
		return;
	}
	}
}
