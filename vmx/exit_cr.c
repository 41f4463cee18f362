/* Control-register access exits (SDM 28.1.3, qualification format in table 28-3). Only writes
 * that change a bit the hypervisor owns (CR0/CR4 guest/host masks) arrive here. */
#include "vmx/exits.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_caps.h"
#include "arch/x86.h"
#include "ept/guest_memory.h"

#define CR_ACCESS_MOV_TO 0
#define CR_ACCESS_MOV_FROM 1
#define CR_ACCESS_CLTS 2
#define CR_ACCESS_LMSW 3

/* The bits that choose the guest's paging mode (with EFER.LMA, which follows CR0.PG). The
 * hypervisor owns them (vmx/vmcs_setup.c), so every change arrives here: its caches of guest
 * translations and decodings (vmx/emulate_insn.c) are then stale, and the guest's TLB is flushed
 * as the CPU's own MOV to CR0/CR4 would (SDM vol.3A 4.10.4.1): with VPID, VM entry keeps it. */
#define CR0_PAGING_MODE (CR0_PE | CR0_PG)
#define CR4_PAGING_MODE (CR4_PSE | CR4_PAE | CR4_LA57)
#define AR_L (1u << 13)

static void paging_mode_changed(struct vcpu *v)
{
	guest_memory_paging_mode_changed();
	vcpu_flush_tlb(v);
}

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
	if ((old & CR0_PG) && !(val & CR0_PG) &&
	    (((efer & EFER_LMA) && (vmread(VMCS_GUEST_CS_AR) & AR_L)) || (vmread(VMCS_GUEST_CR4) & CR4_PCIDE))) {
		vcpu_inject_exception_error(v, VEC_GP, 0); /* paging off in 64-bit mode or with PCIDE (SDM vol.2 MOV CR) */
		return;
	}
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
	if ((old ^ val) & CR0_PAGING_MODE)
		paging_mode_changed(v);
	vcpu_skip_instruction(v);
}

/* A guest write to CR4. VMXE stays set underneath but reads as the guest wrote it; the guest may
 * not set VMXE (no VMX offered) nor bits this CPU lacks: #GP as on such a CPU. In IA-32e mode
 * PAE cannot be cleared nor LA57 changed (SDM vol.2 MOV CR). */
static void guest_write_cr4(struct vcpu *v, uint64_t val)
{
	uint64_t allowed = vmx_caps.cr4_fixed1 & ~CR4_VMXE, old = vmread(VMCS_CR4_SHADOW);
	bool ia32e = vmread(VMCS_GUEST_EFER) & EFER_LMA;
	if ((val & ~allowed) || (ia32e && (!(val & CR4_PAE) || ((old ^ val) & CR4_LA57)))) {
		vcpu_inject_exception_error(v, VEC_GP, 0);
		return;
	}
	vmwrite(VMCS_GUEST_CR4, (val | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1);
	vmwrite(VMCS_CR4_SHADOW, val);
	if ((old ^ val) & CR4_PAGING_MODE)
		paging_mode_changed(v);
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
