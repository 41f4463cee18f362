/* VM-exit handlers. Each handles one exit reason; vmx/exit_dispatch.c indexes them by reason. */
#ifndef VMX_EXITS_H
#define VMX_EXITS_H
#include "vmx/vcpu.h"

typedef void exit_handler_fn(struct vcpu *v);

exit_handler_fn exit_exception_nmi, exit_external_interrupt, exit_triple_fault, exit_init_signal,
	exit_sipi, exit_nmi_window, exit_cpuid, exit_hlt, exit_cache_flush, exit_vmcall, exit_vmx_instruction,
	exit_cr_access, exit_io, exit_rdmsr, exit_wrmsr, exit_monitor_mwait, exit_pause,
	exit_ept_violation, exit_ept_misconfig, exit_preemption_timer, exit_xsetbv,
	exit_invalid_guest_state;

/* Runs the guest until it stops; prints the exit statistics; never returns. */
void vcpu_run(struct vcpu *v) __attribute__((noreturn));
/* Prints the exit statistics and ends the machine with the stop status. */
void vcpu_finish(struct vcpu *v) __attribute__((noreturn));
uint64_t vcpu_exits_total(const struct vcpu *v);
/* Logs guest RIP, CR0/3/4, EFER and segment state: what a triple fault or bad entry needs. */
void vcpu_dump_guest_state(void);

extern bool trace_exits;
#endif
