/* The VM-exit loop: enter the guest, read why it exited, call that reason's handler from a table,
 * account the cost, repeat. */
#include "vmx/exits.h"
#include "vmx/exit_poll.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_names.h"
#include "vmx/vmx_caps.h"
#include "arch/x86.h"
#include "boot/console.h"
#include "boot/platform.h"
#include "mm/heap.h"
#include "vmx/emulate_insn.h"
#include "pci/hv/virtio_glue.h"

void vmx_launch(struct vcpu *v) __attribute__((noreturn)); /* vmx/entry.S */

bool trace_exits;

static void exit_unexpected(struct vcpu *v);

/* Every reason has an entry, so the hot path needs no check. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static exit_handler_fn *const exit_handlers[EXIT_REASON_MAX] = {
	[0 ... EXIT_REASON_MAX - 1] = exit_unexpected,
	[EXIT_EXCEPTION_NMI] = exit_exception_nmi,
	[EXIT_EXTERNAL_INTERRUPT] = exit_external_interrupt,
	[EXIT_TRIPLE_FAULT] = exit_triple_fault,
	[EXIT_INIT] = exit_init_signal,
	[EXIT_SIPI] = exit_sipi,
	[EXIT_NMI_WINDOW] = exit_nmi_window,
	[EXIT_CPUID] = exit_cpuid,
	[EXIT_GETSEC] = exit_vmx_instruction,
	[EXIT_HLT] = exit_hlt,
	[EXIT_INVD] = exit_cache_flush,
	[EXIT_VMCALL] = exit_vmcall,
	[EXIT_VMCLEAR] = exit_vmx_instruction,
	[EXIT_VMLAUNCH] = exit_vmx_instruction,
	[EXIT_VMPTRLD] = exit_vmx_instruction,
	[EXIT_VMPTRST] = exit_vmx_instruction,
	[EXIT_VMREAD] = exit_vmx_instruction,
	[EXIT_VMRESUME] = exit_vmx_instruction,
	[EXIT_VMWRITE] = exit_vmx_instruction,
	[EXIT_VMXOFF] = exit_vmx_instruction,
	[EXIT_VMXON] = exit_vmx_instruction,
	[EXIT_CR_ACCESS] = exit_cr_access,
	[EXIT_IO] = exit_io,
	[EXIT_RDMSR] = exit_rdmsr,
	[EXIT_WRMSR] = exit_wrmsr,
	[EXIT_INVALID_GUEST_STATE] = exit_invalid_guest_state,
	[EXIT_MSR_LOADING] = exit_invalid_guest_state,
	[EXIT_MACHINE_CHECK] = exit_invalid_guest_state,
	[EXIT_MWAIT] = exit_monitor_mwait,
	[EXIT_MONITOR] = exit_monitor_mwait,
	[EXIT_PAUSE] = exit_pause,
	[EXIT_EPT_VIOLATION] = exit_ept_violation,
	[EXIT_EPT_MISCONFIG] = exit_ept_misconfig,
	[EXIT_INVEPT] = exit_vmx_instruction,
	[EXIT_PREEMPTION_TIMER] = exit_preemption_timer,
	[EXIT_INVVPID] = exit_vmx_instruction,
	[EXIT_WBINVD] = exit_cache_flush,
	[EXIT_XSETBV] = exit_xsetbv,
	[EXIT_VMFUNC] = exit_vmx_instruction,
};
#pragma GCC diagnostic pop

/* An exit this hypervisor does not expect (its control was never enabled): say so by name and
 * stop the guest; the hypervisor stays in control. */
static void exit_unexpected(struct vcpu *v)
{
	log_printf("hv: unexpected VM exit %u (%s) at RIP 0x%lx, qualification 0x%lx; stopping the guest\n",
		   v->exit_reason, exit_reason_name(v->exit_reason), vmread(VMCS_GUEST_RIP), vcpu_exit_qualification());
	vcpu_dump_guest_state();
	vcpu_stop(v, STOP_UNHANDLED_EXIT);
}


/* For VM-instruction error 7: which control bits break the capability MSRs (SDM 27.2.1.1). */
static void explain_bad_controls(void)
{
	const struct vmx_caps *c = &vmx_caps;
	const struct { const char *name; uint32_t field, allowed0, allowed1; } ctl[] = {
		{ "pin-based", VMCS_PIN_CONTROLS, c->pin0, c->pin1 },
		{ "primary processor-based", VMCS_PROC_CONTROLS, c->proc0, c->proc1 },
		{ "secondary processor-based", VMCS_PROC_CONTROLS2, c->proc2_0, c->proc2_1 },
		{ "VM-exit", VMCS_EXIT_CONTROLS, c->exit0, c->exit1 },
		{ "VM-entry", VMCS_ENTRY_CONTROLS, c->entry0, c->entry1 },
	};
	for (unsigned i = 0; i < sizeof ctl / sizeof ctl[0]; i++) {
		uint32_t v = (uint32_t)vmread(ctl[i].field);
		uint32_t not_allowed = v & ~ctl[i].allowed1, missing = ~v & ctl[i].allowed0;
		log_printf("hv:   %-26s 0x%08x%s", ctl[i].name, v, not_allowed | missing ? "" : "  ok\n");
		if (not_allowed)
			log_printf("  bits 0x%x set but not allowed (allowed-1 0x%x)", not_allowed, ctl[i].allowed1);
		if (missing)
			log_printf("  bits 0x%x clear but required (allowed-0 0x%x)", missing, ctl[i].allowed0);
		if (not_allowed | missing)
			log_printf("\n");
	}
}

/* VMLAUNCH or VMRESUME itself failed (called from vmx/entry.S): the controls or host state
 * break a check of SDM 27.2 (VMfailValid, with a VM-instruction error), or there is no current
 * VMCS (VMfailInvalid). */
void vmx_entry_failed(struct vcpu *v, int how);
void vmx_entry_failed(struct vcpu *v, int how)
{
	if (how == 1) {
		log_printf("hv: VM entry failed: VMfailInvalid (no current VMCS)\n");
	} else {
		uint32_t err = (uint32_t)vmread(VMCS_INSN_ERROR);
		log_printf("hv: VM entry failed: VM-instruction error %u: %s (SDM 31.4)\n", err, vm_instruction_error_name(err));
		if (err == 7)
			explain_bad_controls();
	}
	vcpu_stop(v, STOP_VM_ENTRY_FAILED);
	vcpu_finish(v);
}

uint64_t vcpu_exits_total(const struct vcpu *v)
{
	uint64_t n = 0;
	for (unsigned r = 0; r < EXIT_REASON_MAX; r++)
		n += v->stats[r].count;
	return n;
}

/* The guest is done: print the statistics and end the machine with the stop status. */
void vcpu_finish(struct vcpu *v)
{
	log_printf("hv: exit statistics (%lu exits)\n", vcpu_exits_total(v));
	log_printf("  %-40s %10s %14s %10s\n", "exit reason", "count", "total cycles", "mean");
	for (unsigned r = 0; r < EXIT_REASON_MAX; r++) {
		const struct exit_stat *st = &v->stats[r];
		if (st->count)
			log_printf("  %-40s %10lu %14lu %10lu\n", exit_reason_name(r), st->count, st->cycles,
				   st->cycles / st->count);
	}
	emulation_print_stats();
	virtio_print_stats();
	platform_shutdown(v->stop_status);
}

/* Called by vmx/entry.S on every VM exit with the guest GPRs saved in v; returning resumes the
 * guest. The hot path: one VMREAD, one indirect call through the table, two RDTSCs for the
 * statistics. */
void vcpu_handle_exit(struct vcpu *v);
void vcpu_handle_exit(struct vcpu *v)
{
	uint64_t start = rdtsc();
	uint32_t raw = (uint32_t)vmread(VMCS_EXIT_REASON);
	uint32_t reason = raw & 0xffff;
	v->exit_reason = reason;
	if (__builtin_expect(trace_exits, 0))
		log_printf("exit: %-28s rip=0x%lx qual=0x%lx\n", exit_reason_name(reason), vmread(VMCS_GUEST_RIP),
			   vcpu_exit_qualification());
	if (__builtin_expect(raw >= EXIT_REASON_MAX, 0)) { /* entry failure (bit 31) or unknown */
		(raw & EXIT_REASON_ENTRY_FAILURE ? exit_invalid_guest_state : exit_unexpected)(v);
		vcpu_finish(v);
	}
	exit_handlers[reason](v);
	if (__builtin_expect(exit_polling, 0))
		exit_poll_run(v); /* devices serving busy queues (vmx/exit_poll.h) */
	v->stats[reason].count++;
	v->stats[reason].cycles += rdtsc() - start;
	if (__builtin_expect(v->stopped, 0))
		vcpu_finish(v);
}

void vcpu_run(struct vcpu *v)
{
	/* The exit stack: its top holds the vcpu pointer for vmx/entry.S. */
	uint64_t *stack = heap_alloc_pages(4);
	v->exit_stack_top = stack + 4 * 512 - 2;
	v->exit_stack_top[0] = (uint64_t)v;
	vmwrite(VMCS_HOST_RSP, (uint64_t)v->exit_stack_top);
	vmx_launch(v);
}
