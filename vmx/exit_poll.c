/* Polling between exits (see exit_poll.h). */
#include "vmx/exit_poll.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_caps.h"

bool exit_polling;
static bool (*poll_fn)(bool tick);
static bool timer_on;

void exit_poll_init(bool (*poll)(bool tick))
{
	poll_fn = poll;
}

bool exit_poll_possible(void)
{
	return vmx_caps.pin1 & PIN_PREEMPTION_TIMER;
}

void exit_poll_request(void)
{
	exit_polling = poll_fn != 0;
}

/* The preemption timer counts down from the VMCS value at every VM entry (the exit controls do
 * not save it unless the watchdog runs), so it fires after EXIT_POLL_TICKS without an exit. */
static void set_timer(struct vcpu *v, bool on)
{
	if (v->watchdog_ticks || on == timer_on)
		return;
	uint32_t pin = (uint32_t)vmread(VMCS_PIN_CONTROLS);
	if (on)
		vmwrite(VMCS_PREEMPTION_TIMER, EXIT_POLL_TICKS >> vmx_caps.preemption_shift);
	vmwrite(VMCS_PIN_CONTROLS, on ? pin | PIN_PREEMPTION_TIMER : pin & ~PIN_PREEMPTION_TIMER);
	timer_on = on;
}

void exit_poll_run(struct vcpu *v)
{
	exit_polling = poll_fn(v->exit_reason == EXIT_PREEMPTION_TIMER);
	set_timer(v, exit_polling);
}
