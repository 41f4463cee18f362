/* VMX detection, capability MSRs and turning VMX operation on (SDM vol.3 24.6-24.8, Appendix A). */
#ifndef VMX_VMX_CAPS_H
#define VMX_VMX_CAPS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmx_caps {
	uint64_t basic, misc, ept_vpid;
	/* allowed-0 (must be 1) and allowed-1 (may be 1) settings of each control word */
	uint32_t pin0, pin1, proc0, proc1, proc2_0, proc2_1, exit0, exit1, entry0, entry1;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool true_controls;      /* IA32_VMX_BASIC bit 55: use the TRUE_* MSRs */
	unsigned preemption_shift; /* timer ticks every 2^shift TSC ticks (IA32_VMX_MISC 4:0) */
	uint32_t revision;
};

extern struct vmx_caps vmx_caps;

/* True when VMX can be used; otherwise writes one sentence saying why into `why`. */
bool vmx_available(char *why, size_t size);
void vmx_read_caps(void);
/* Fixes CR0/CR4 by the FIXED MSRs, sets CR4.VMXE and executes VMXON. 0 or -1 (logged). */
int vmx_enable(void);
/* Combines wanted bits with what the CPU allows: (want | must-be-1) & may-be-1. If a bit in
 * `required` cannot be set, logs which one and returns -1. */
int vmx_adjust_controls(const char *name, uint32_t want, uint32_t required, uint32_t allowed0,
			uint32_t allowed1, uint32_t *out);
bool vmx_has_ept_2m(void);
bool vmx_has_ept_1g(void);
#endif
