/* EPT exits: violations (an access the EPT does not allow) and misconfigurations (emulated
 * MMIO). Both are completed by emulating the guest's instruction (vmx/emulate_insn.c). */
#include "vmx/exits.h"
#include "vmx/vmx_insn.h"
#include "vmx/emulate_insn.h"
#include "ept/guest_memory.h"
#include "boot/console.h"
#include "devices/io_spaces.h"

#define EPT_QUAL_WRITE (1u << 1)
#define EPT_QUAL_NMI_UNBLOCKED (1u << 12)

/* If the exit interrupted the delivery of an event (IDT-vectoring information valid), the event
 * is delivered again on the next entry and the instruction is not emulated: the guest touched
 * the page while delivering, not while executing (SDM 28.2.4, 30.7.1.1). Returns true then. */
static bool redeliver_interrupted_event(void)
{
	uint32_t info = (uint32_t)vmread(VMCS_IDT_VECTORING_INFO);
	if (!(info & INTR_INFO_VALID))
		return false;
	if (info & INTR_INFO_DELIVER_ERROR)
		vmwrite(VMCS_ENTRY_EXC_ERROR, vmread(VMCS_IDT_VECTORING_ERROR));
	uint32_t type = info & (7u << 8);
	if (type == INTR_TYPE_SW_INTERRUPT || type == INTR_TYPE_SW_EXCEPTION || type == INTR_TYPE_PRIV_SW_EXC)
		vmwrite(VMCS_ENTRY_INSN_LEN, vmread(VMCS_EXIT_INSN_LEN));
	vmwrite(VMCS_ENTRY_INTR_INFO, info & ~(1u << 12));
	return true;
}

/* EPT violation: the guest wrote to a read-only device page (the ECAM window, or the local APIC:
 * reads run on the hardware, writes are emulated so that INIT/SIPI can be dropped,
 * devices/apic_guard.c), to a page of its own that is write-watched (its page tables: the
 * watch ends and the write is retried), or touched hidden (hypervisor) memory or memory above
 * the map.
 * Reads of hidden memory return ones without an exit (the ones page); what arrives is a write,
 * a fetch, or an access to an unmapped page. A page above the map becomes a ones page; a write
 * is completed by emulating the instruction with the write dropped. */
void exit_ept_violation(struct vcpu *v)
{
	uint64_t gpa = vmread(VMCS_GUEST_PHYS_ADDR);
	uint64_t q = vcpu_exit_qualification();
	if (range_lookup(&mmio_space, gpa)) {
		if (!redeliver_interrupted_event())
			emulate_current_instruction(v);
		return;
	}
	if (q & EPT_QUAL_NMI_UNBLOCKED) /* SDM 28.2.3: re-block NMIs that IRET unblocked */
		vmwrite(VMCS_GUEST_INTERRUPTIBILITY, vmread(VMCS_GUEST_INTERRUPTIBILITY) | INTERRUPTIBILITY_NMI);
	if (!guest_memory_is_hidden(gpa) && gpa < guest_mem.top) {
		if (guest_memory_written(gpa, 1)) {
			/* A page the hypervisor's caches watch (ept/write_watch.h): the watch ended and
			 * write permission is back, so the write is simply retried (an event being
			 * delivered is delivered again). */
			redeliver_interrupted_event();
			return;
		}
		log_printf("hv: EPT violation at GPA 0x%lx (qualification 0x%lx) at RIP 0x%lx outside hidden memory; stopping the guest\n",
			   gpa, q, vmread(VMCS_GUEST_RIP));
		vcpu_stop(v, STOP_UNHANDLED_EXIT);
		return;
	}
	if (gpa >= guest_mem.top) {
		/* Not present (above the map): from now on it reads as ones, like hidden memory. With
		 * the EPT table budget used up (a guest touching thousands of regions there), the
		 * access is emulated instead: it reads ones all the same (vmx/emulate_insn.c). */
		static bool said;
		if (guest_memory_map_above(gpa)) {
			if (!(q & EPT_QUAL_WRITE))
				return; /* retry the read or fetch */
		} else if (!said) {
			said = true;
			log_printf("hv: EPT table budget used up by guest accesses above memory (GPA 0x%lx): emulating them from now on\n", gpa);
		}
	}
	if (redeliver_interrupted_event())
		return;
	emulate_current_instruction(v);
}

/* EPT misconfiguration: an access to emulated MMIO (SDM 29.3.3.1). The instruction is decoded
 * and emulated against the MMIO range table. */
void exit_ept_misconfig(struct vcpu *v)
{
	if (redeliver_interrupted_event())
		return;
	emulate_current_instruction(v);
}
