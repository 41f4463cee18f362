/* EPT exits: violations (an access the EPT does not allow), misconfigurations (emulated MMIO)
 * and the monitor-trap-flag step used to drop writes to hidden memory. */
#include "vmx/exits.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmcs_setup.h"
#include "ept/guest_memory.h"
#include "boot/console.h"
#include "mm/heap.h"
#include "lib/string.h"

#define EPT_QUAL_READ (1u << 0)
#define EPT_QUAL_WRITE (1u << 1)
#define EPT_QUAL_FETCH (1u << 2)
#define EPT_QUAL_NMI_UNBLOCKED (1u << 12)

/* If the exit interrupted the delivery of an event (IDT-vectoring information valid), the event
 * must be delivered again on the next entry (SDM 28.2.4, 30.7.1.1). */
static void redeliver_interrupted_event(void)
{
	uint32_t info = (uint32_t)vmread(VMCS_IDT_VECTORING_INFO);
	if (!(info & INTR_INFO_VALID))
		return;
	if (info & INTR_INFO_DELIVER_ERROR)
		vmwrite(VMCS_ENTRY_EXC_ERROR, vmread(VMCS_IDT_VECTORING_ERROR));
	uint32_t type = info & (7u << 8);
	if (type == INTR_TYPE_SW_INTERRUPT || type == INTR_TYPE_SW_EXCEPTION || type == INTR_TYPE_PRIV_SW_EXC)
		vmwrite(VMCS_ENTRY_INSN_LEN, vmread(VMCS_EXIT_INSN_LEN));
	vmwrite(VMCS_ENTRY_INTR_INFO, info & ~(1u << 12));
}

/* EPT violation: the guest touched hidden (hypervisor) memory or memory above the map.
 * Reads there already return ones without an exit; what arrives is a write, a fetch or an access
 * to an unmapped page. A write is dropped: the page is pointed at a scratch "sink" page for exactly
 * one guest instruction (monitor trap flag), then pointed back at the ones page. */
void exit_ept_violation(struct vcpu *v)
{
	uint64_t gpa = vmread(VMCS_GUEST_PHYS_ADDR), page = gpa & ~0xfffull;
	uint64_t q = vcpu_exit_qualification();
	struct ept *e = &guest_mem.ept;
	bool hidden = guest_memory_is_hidden(gpa) || gpa >= guest_mem.top;
	if (!hidden || v->n_mtf_pages == sizeof v->mtf_pages / sizeof v->mtf_pages[0]) {
		log_printf("hv: EPT violation at GPA 0x%lx (qualification 0x%lx) at RIP 0x%lx outside hidden memory; stopping the guest\n",
			   gpa, q, vmread(VMCS_GUEST_RIP));
		vcpu_stop(v, STOP_UNHANDLED_EXIT);
		return;
	}
	redeliver_interrupted_event();
	if (q & EPT_QUAL_NMI_UNBLOCKED) /* SDM 28.2.3: re-block NMIs that IRET unblocked */
		vmwrite(VMCS_GUEST_INTERRUPTIBILITY, vmread(VMCS_GUEST_INTERRUPTIBILITY) | INTERRUPTIBILITY_NMI);
	if (q & EPT_QUAL_WRITE) {
		ept_map(e, page, guest_mem.sink_page_pa, 4096, EPT_RWX | EPT_MEMTYPE(EPT_MT_WB));
		v->mtf_pages[v->n_mtf_pages++] = page;
		vmcs_set_mtf(v, true);
	} else {
		/* Not present (above the map): from now on it reads as ones, like hidden memory. */
		ept_map_alias(e, page, guest_mem.ones_page_pa, 4096, EPT_R | EPT_X | EPT_MEMTYPE(EPT_MT_WB));
	}
	vcpu_flush_ept(v);
}

/* Monitor trap flag: the guest completed one instruction (or took an event) after a write was
 * let through to the sink page. Point the page back at the ones page and forget the write. */
void exit_mtf(struct vcpu *v)
{
	vmcs_set_mtf(v, false);
	if (!v->n_mtf_pages)
		return;
	for (unsigned i = 0; i < v->n_mtf_pages; i++)
		ept_map_alias(&guest_mem.ept, v->mtf_pages[i], guest_mem.ones_page_pa, 4096,
			      EPT_R | EPT_X | EPT_MEMTYPE(EPT_MT_WB));
	v->n_mtf_pages = 0;
	memset(phys_to_virt(guest_mem.sink_page_pa), 0xff, 4096);
	vcpu_flush_ept(v);
}

/* EPT misconfiguration: an access to emulated MMIO (SDM 29.3.3.1). The instruction decoder and
 * MMIO emulation handle these; without them the access cannot complete, so report and stop. */
void exit_ept_misconfig(struct vcpu *v)
{
	log_printf("hv: unhandled MMIO at GPA 0x%lx, RIP 0x%lx; stopping the guest\n", vmread(VMCS_GUEST_PHYS_ADDR),
		   vmread(VMCS_GUEST_RIP));
	vcpu_stop(v, STOP_UNHANDLED_MMIO);
}
