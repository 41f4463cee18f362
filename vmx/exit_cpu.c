/* Exits caused by instructions the guest executes on the CPU itself: CPUID, HLT, XSETBV, cache
 * and VMX instructions, MONITOR/MWAIT, PAUSE. */
#include "vmx/exits.h"
#include "vmx/vmx_insn.h"
#include "arch/x86.h"
#include "boot/console.h"
#include "guest/hypercall_abi.h"
#include "lib/string.h"

/* CPUID: executed for the guest on the real CPU, then edited: VMX hidden, "hypervisor present"
 * set, and the hypervisor's own leaves 0x40000000+ (SDM vol.2 CPUID; the 0x40000000 range is
 * reserved for hypervisors). */
void exit_cpuid(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->gpr[GPR_RAX], sub = (uint32_t)v->gpr[GPR_RCX];
	struct cpuid_regs r;
	if (leaf >= 0x40000000 && leaf <= 0x4fffffff) {
		memset(&r, 0, sizeof r);
		if (leaf == 0x40000000) {
			const char *sig = HV_CPUID_SIGNATURE;
			r.eax = 0x40000001; /* highest hypervisor leaf */
			memcpy(&r.ebx, sig, 4);
			memcpy(&r.ecx, sig + 4, 4);
			memcpy(&r.edx, sig + 8, 4);
		} else if (leaf == 0x40000001) {
			r.eax = HV_ABI_VERSION;
		}
	} else {
		r = cpuid(leaf, sub);
		if (leaf == 1) {
			r.ecx &= ~(1u << 5);  /* VMX: not offered to the guest */
			r.ecx |= 1u << 31;    /* hypervisor present */
			/* OSXSAVE mirrors the guest's CR4 (a bit the guest owns), not the hypervisor's. */
			r.ecx &= ~(1u << 27);
			if (vmread(VMCS_GUEST_CR4) & CR4_OSXSAVE)
				r.ecx |= 1u << 27;
		}
	}
	v->gpr[GPR_RAX] = r.eax;
	v->gpr[GPR_RBX] = r.ebx;
	v->gpr[GPR_RCX] = r.ecx;
	v->gpr[GPR_RDX] = r.edx;
	vcpu_skip_instruction(v);
}

/* HLT: the guest waits for an interrupt. With IF=1 it is put in the HLT activity state on the
 * real CPU, so the next interrupt wakes it directly (no exit, nothing to poll). With IF=0 nothing
 * can wake it: that is how a guest stops, so report it and stop the guest. */
void exit_hlt(struct vcpu *v)
{
	uint64_t rflags = vmread(VMCS_GUEST_RFLAGS);
	if (!(rflags & RFLAGS_IF)) {
		log_printf("hv: guest executed HLT with interrupts disabled at RIP 0x%lx: it can never wake; stopping it\n",
			   vmread(VMCS_GUEST_RIP));
		vcpu_stop(v, STOP_GUEST_HALTED);
		return;
	}
	vcpu_skip_instruction(v);
	vmwrite(VMCS_GUEST_ACTIVITY, ACTIVITY_HLT);
}

/* XSETBV: the guest sets an extended control register. XCR0 is not switched by VM exits, so the
 * hypervisor checks the value as the CPU would (SDM vol.1 13.3) and executes it; it never uses
 * x87/SSE/AVX state itself. */
void exit_xsetbv(struct vcpu *v)
{
	uint32_t index = (uint32_t)v->gpr[GPR_RCX];
	uint64_t value = (v->gpr[GPR_RDX] << 32) | (uint32_t)v->gpr[GPR_RAX];
	struct cpuid_regs d = cpuid(0xd, 0);
	uint64_t supported = ((uint64_t)d.edx << 32) | d.eax;
	bool ok = index == 0 && (value & 1) && !(value & ~supported) &&
		  !((value & 4) && !(value & 2)) &&                    /* AVX needs SSE */
		  ((value & 0xe0) == 0 || (value & 0xe0) == 0xe0) &&   /* AVX-512 all or none */
		  !((value & 0xe0) && !(value & 4));                   /* AVX-512 needs AVX */
	uint16_t cpl = (vmread(VMCS_GUEST_SS_AR) >> 5) & 3;
	if (!ok || cpl != 0) {
		vcpu_inject_exception_error(v, VEC_GP, 0);
		return;
	}
	xsetbv(0, value);
	vcpu_skip_instruction(v);
}

/* VMX instructions, GETSEC, INVEPT/INVVPID, VMFUNC: VMX is not offered to the guest (CPUID hides
 * it), so they are invalid opcodes as on a CPU without VMX. */
void exit_vmx_instruction(struct vcpu *v)
{
	vcpu_inject_exception(v, VEC_UD);
}

/* INVD (always exits) and WBINVD (only if the CPU forces WBINVD exiting): both get a WBINVD —
 * INVD would throw away dirty cache lines the hypervisor owns too. */
void exit_cache_flush(struct vcpu *v)
{
	__asm__ volatile("wbinvd" ::: "memory");
	vcpu_skip_instruction(v);
}

/* MONITOR/MWAIT (only when the CPU forces these exits): MONITOR does nothing, MWAIT returns at
 * once — both allowed behaviours (MWAIT may wake spuriously). */
void exit_monitor_mwait(struct vcpu *v)
{
	vcpu_skip_instruction(v);
}

/* PAUSE (only when the CPU forces PAUSE exiting): nothing to do. */
void exit_pause(struct vcpu *v)
{
	vcpu_skip_instruction(v);
}
