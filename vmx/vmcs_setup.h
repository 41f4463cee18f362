/* Building the VMCS: controls adjusted from the capability MSRs, host state from the running
 * hypervisor, guest state from a loader's description. */
#ifndef VMX_VMCS_SETUP_H
#define VMX_VMCS_SETUP_H
#include <stdint.h>
#include "vmx/vcpu.h"

struct segment_state {
	uint16_t selector;
	uint64_t base;
	uint32_t limit;
	uint32_t ar; /* VMX access-rights format (SDM 25.4.1), AR_UNUSABLE for unusable */
};

/* What a loader wants the guest to start with. */
struct guest_start_state {
	uint64_t rip, rsp, rflags;
	uint64_t cr0, cr3, cr4, efer;
	struct segment_state cs, ss, ds, es, fs, gs, tr, ldtr;
	uint64_t gdtr_base, idtr_base;
	uint32_t gdtr_limit, idtr_limit;
	uint64_t gpr[16];
};

/* Deliberate breakage for the VM-entry failure diagnosis tests (command line fault=...). */
enum vmcs_fault { VMCS_FAULT_NONE, VMCS_FAULT_GUEST_STATE, VMCS_FAULT_CONTROL };

/* Allocates and loads the VMCS for `v`; 0 or -1 (logged). */
int vmcs_setup(struct vcpu *v, const struct guest_start_state *g, uint64_t eptp, enum vmcs_fault fault);
/* Writes a guest start state into the current VMCS (also used for INIT/SIPI). */
void vmcs_load_guest_state(struct vcpu *v, const struct guest_start_state *g);
#endif
