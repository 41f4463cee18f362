/* Exits about events rather than instructions: exceptions and NMIs, interrupts, triple fault,
 * INIT/SIPI, the preemption-timer watchdog and failed VM entries. */
#include "vmx/exits.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_names.h"
#include "vmx/vmx_caps.h"
#include "vmx/vmcs_setup.h"
#include "arch/x86.h"
#include "boot/console.h"

void vcpu_dump_guest_state(void)
{
	log_printf("hv: guest state: rip=0x%lx rsp=0x%lx rflags=0x%lx activity=%lu interruptibility=0x%lx\n",
		   vmread(VMCS_GUEST_RIP), vmread(VMCS_GUEST_RSP), vmread(VMCS_GUEST_RFLAGS),
		   vmread(VMCS_GUEST_ACTIVITY), vmread(VMCS_GUEST_INTERRUPTIBILITY));
	log_printf("hv:   cr0=0x%lx (guest sees 0x%lx) cr3=0x%lx cr4=0x%lx (guest sees 0x%lx) efer=0x%lx\n",
		   vmread(VMCS_GUEST_CR0), vmread(VMCS_CR0_SHADOW), vmread(VMCS_GUEST_CR3), vmread(VMCS_GUEST_CR4),
		   vmread(VMCS_CR4_SHADOW), vmread(VMCS_GUEST_EFER));
	static const struct { const char *name; uint32_t sel; } segs[] = {
		{ "cs", VMCS_GUEST_CS_SEL }, { "ss", VMCS_GUEST_SS_SEL }, { "ds", VMCS_GUEST_DS_SEL },
		{ "es", VMCS_GUEST_ES_SEL }, { "fs", VMCS_GUEST_FS_SEL }, { "gs", VMCS_GUEST_GS_SEL },
		{ "ldtr", VMCS_GUEST_LDTR_SEL }, { "tr", VMCS_GUEST_TR_SEL },
	};
	for (unsigned i = 0; i < sizeof segs / sizeof segs[0]; i++) {
		uint32_t n = (segs[i].sel - VMCS_GUEST_ES_SEL) / 2; /* ES=0 ... TR=7, in every group */
		log_printf("hv:   %-4s sel=0x%04lx base=0x%lx limit=0x%lx ar=0x%lx\n", segs[i].name,
			   vmread(segs[i].sel), vmread(VMCS_GUEST_ES_BASE + 2 * n), vmread(VMCS_GUEST_ES_LIMIT + 2 * n),
			   vmread(VMCS_GUEST_ES_AR + 2 * n));
	}
	log_printf("hv:   gdtr=0x%lx/0x%lx idtr=0x%lx/0x%lx entry controls=0x%lx\n", vmread(VMCS_GUEST_GDTR_BASE),
		   vmread(VMCS_GUEST_GDTR_LIMIT), vmread(VMCS_GUEST_IDTR_BASE), vmread(VMCS_GUEST_IDTR_LIMIT),
		   vmread(VMCS_ENTRY_CONTROLS));
}

/* Exception or NMI: with an empty exception bitmap only NMIs arrive here (NMI exiting). The NMI
 * came from the platform the guest owns, so it is delivered to the guest — now if the guest is
 * not blocking NMIs, otherwise as soon as it stops blocking (NMI-window exit). */
void exit_exception_nmi(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);
	if (((info >> 8) & 7) == 2) {
		if (vmread(VMCS_GUEST_INTERRUPTIBILITY) & (INTERRUPTIBILITY_NMI | INTERRUPTIBILITY_MOV_SS)) {
			v->proc_controls |= PROC_NMI_WINDOW;
			vmwrite(VMCS_PROC_CONTROLS, v->proc_controls);
		} else {
			vcpu_inject_nmi(v);
		}
		return;
	}
	/* An intercepted exception (none are, today): give it back to the guest unchanged. */
	uint32_t reinject = INTR_INFO_VALID | (info & 0x7ff);
	if (info & INTR_INFO_DELIVER_ERROR)
		vmwrite(VMCS_ENTRY_EXC_ERROR, vmread(VMCS_EXIT_INTR_ERROR));
	vmwrite(VMCS_ENTRY_INTR_INFO, reinject);
}

/* NMI window open: the guest can take the NMI we held back. */
void exit_nmi_window(struct vcpu *v)
{
	v->proc_controls &= ~PROC_NMI_WINDOW;
	vmwrite(VMCS_PROC_CONTROLS, v->proc_controls);
	vcpu_inject_nmi(v);
}

/* External interrupt: only if the CPU forces external-interrupt exiting. Interrupts belong to the
 * guest, which owns the devices: with "acknowledge interrupt on exit" the vector is in the exit
 * information; deliver it to the guest. */
void exit_external_interrupt(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);
	if (info & INTR_INFO_VALID)
		vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXTERNAL | (info & 0xff));
}

/* Triple fault: the guest took an exception while delivering a double fault; real hardware would
 * shut down. Report where, and stop the guest. */
void exit_triple_fault(struct vcpu *v)
{
	log_printf("hv: guest triple fault at RIP 0x%lx: the guest is stopped (a real CPU would shut down)\n",
		   vmread(VMCS_GUEST_RIP));
	vcpu_dump_guest_state();
	vcpu_stop(v, STOP_GUEST_TRIPLE_FAULT);
}

/* INIT signal: the vCPU goes to the wait-for-SIPI state, as an application processor does
 * (SDM 10.4.7.3 / 26.5.2). This guest has one vCPU, so INIT normally means a reset request. */
void exit_init_signal(struct vcpu *v)
{
	if (!((vmx_caps.misc >> 8) & 1)) {
		log_printf("hv: guest received INIT but this CPU has no wait-for-SIPI activity state; stopping it\n");
		vcpu_stop(v, STOP_UNHANDLED_EXIT);
		return;
	}
	log_printf("hv: guest received INIT at RIP 0x%lx: waiting for a start-up IPI\n", vmread(VMCS_GUEST_RIP));
	vmwrite(VMCS_GUEST_ACTIVITY, ACTIVITY_WAIT_SIPI);
}

/* Start-up IPI: begin in real mode at vector * 4096 (SDM 10.4.4.1, 9.1.1 reset state). */
void exit_sipi(struct vcpu *v)
{
	uint64_t vector = vcpu_exit_qualification() & 0xff;
	struct guest_start_state s = {
		.rip = 0, .rflags = 2, .cr0 = CR0_ET | CR0_NE,
		.cs = { (uint16_t)(vector << 8), vector << 12, 0xffff, 0x9b },
		.ss = { 0, 0, 0xffff, 0x93 }, .ds = { 0, 0, 0xffff, 0x93 }, .es = { 0, 0, 0xffff, 0x93 },
		.fs = { 0, 0, 0xffff, 0x93 }, .gs = { 0, 0, 0xffff, 0x93 },
		.tr = { 0, 0, 0xffff, 0x8b }, .ldtr = { 0, 0, 0xffff, 0x82 },
		.gdtr_limit = 0xffff, .idtr_limit = 0xffff,
	};
	log_printf("hv: guest start-up IPI, vector 0x%lx: starting at %lx:0000 in real mode\n", vector, vector << 8);
	vmcs_load_guest_state(v, &s);
	vcpu_flush_tlb(v);
}

/* VMX-preemption timer expired: the watchdog= budget of guest time is used up; or, without the
 * watchdog, the guest ran a poll interval without exiting (vmx/exit_poll.h): nothing to do here,
 * the poll runs after every exit. */
void exit_preemption_timer(struct vcpu *v)
{
	if (!v->watchdog_ticks)
		return;
	log_printf("hv: watchdog: the guest used its %lu TSC ticks (watchdog=) without finishing; stopping it at RIP 0x%lx\n",
		   v->watchdog_ticks, vmread(VMCS_GUEST_RIP));
	vcpu_dump_guest_state();
	vcpu_stop(v, STOP_WATCHDOG);
}

/* VM entry failed after the checks on controls and host state passed: the guest state (reason
 * 33), MSR loading (34) or a machine check (41). Print the state so the bad field can be found
 * against SDM 27.3.1. */
void exit_invalid_guest_state(struct vcpu *v)
{
	log_printf("hv: VM entry failed: exit reason %u (%s), qualification %lu\n", v->exit_reason,
		   exit_reason_name(v->exit_reason), vcpu_exit_qualification());
	if (v->exit_reason == EXIT_INVALID_GUEST_STATE)
		log_printf("hv:   the guest-state area breaks a check of SDM 27.3.1; the fields are:\n");
	vcpu_dump_guest_state();
	vcpu_stop(v, STOP_VM_ENTRY_FAILED);
}
