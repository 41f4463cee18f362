/* VMCS construction (SDM vol.3 chapter 25; checks in chapter 27.2-27.3). */
#include "vmx/vmcs_setup.h"
#include "vmx/vmx_caps.h"
#include "ept/guest_memory.h"
#include "vmx/vmx_insn.h"
#include "vmx/bitmaps.h"
#include "arch/x86.h"
#include "boot/console.h"
#include "boot/cpu_tables.h"
#include "mm/heap.h"

extern char vmx_exit_stub[]; /* vmx/entry.S */

#define VPID_GUEST 1

static void write_segment(uint32_t sel_field, uint32_t base_field, uint32_t limit_field, uint32_t ar_field,
			  const struct segment_state *s)
{
	vmwrite(sel_field, s->selector);
	vmwrite(base_field, s->base);
	vmwrite(limit_field, s->limit);
	vmwrite(ar_field, s->ar);
}

void vmcs_load_guest_state(struct vcpu *v, const struct guest_start_state *g)
{
	/* The guest sees its own CR0/CR4 values through the read shadows; the real registers also
	 * carry the bits VMX requires (SDM 24.8). With unrestricted guest, PE and PG may be 0. */
	uint64_t cr0_fixed0 = vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG);
	vmwrite(VMCS_GUEST_CR0, (g->cr0 | cr0_fixed0) & vmx_caps.cr0_fixed1);
	vmwrite(VMCS_CR0_SHADOW, g->cr0);
	vmwrite(VMCS_GUEST_CR4, (g->cr4 | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1);
	vmwrite(VMCS_CR4_SHADOW, g->cr4);
	vmwrite(VMCS_GUEST_CR3, g->cr3);
	vmwrite(VMCS_GUEST_EFER, g->efer);
	guest_memory_paging_mode_changed(); /* a new paging mode for the emulator's caches */
	vmwrite(VMCS_GUEST_PAT, 0x0007040600070406ull); /* power-on default PAT */
	vmwrite(VMCS_GUEST_DR7, 0x400);
	vmwrite(VMCS_GUEST_RSP, g->rsp);
	vmwrite(VMCS_GUEST_RIP, g->rip);
	vmwrite(VMCS_GUEST_RFLAGS, g->rflags | 2);
	write_segment(VMCS_GUEST_CS_SEL, VMCS_GUEST_CS_BASE, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_AR, &g->cs);
	write_segment(VMCS_GUEST_SS_SEL, VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_AR, &g->ss);
	write_segment(VMCS_GUEST_DS_SEL, VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_AR, &g->ds);
	write_segment(VMCS_GUEST_ES_SEL, VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_AR, &g->es);
	write_segment(VMCS_GUEST_FS_SEL, VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_AR, &g->fs);
	write_segment(VMCS_GUEST_GS_SEL, VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_AR, &g->gs);
	write_segment(VMCS_GUEST_TR_SEL, VMCS_GUEST_TR_BASE, VMCS_GUEST_TR_LIMIT, VMCS_GUEST_TR_AR, &g->tr);
	write_segment(VMCS_GUEST_LDTR_SEL, VMCS_GUEST_LDTR_BASE, VMCS_GUEST_LDTR_LIMIT, VMCS_GUEST_LDTR_AR, &g->ldtr);
	vmwrite(VMCS_GUEST_GDTR_BASE, g->gdtr_base);
	vmwrite(VMCS_GUEST_GDTR_LIMIT, g->gdtr_limit);
	vmwrite(VMCS_GUEST_IDTR_BASE, g->idtr_base);
	vmwrite(VMCS_GUEST_IDTR_LIMIT, g->idtr_limit);
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmwrite(VMCS_GUEST_ACTIVITY, ACTIVITY_ACTIVE);
	vmwrite(VMCS_GUEST_PENDING_DBG, 0);
	vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
	vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
	vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
	vmwrite(VMCS_GUEST_DEBUGCTL, 0);
	vmwrite(VMCS_LINK_POINTER, ~0ull); /* no shadow VMCS: must be all ones (SDM 27.3.1.5) */

	uint32_t entry = (uint32_t)vmread(VMCS_ENTRY_CONTROLS);
	if (g->efer & EFER_LMA)
		entry |= ENTRY_IA32E_MODE_GUEST;
	else
		entry &= ~ENTRY_IA32E_MODE_GUEST;
	vmwrite(VMCS_ENTRY_CONTROLS, entry);
	for (int i = 0; i < 16; i++)
		v->gpr[i] = g->gpr[i];
}

static void load_host_state(void)
{
	vmwrite(VMCS_HOST_CR0, read_cr0());
	vmwrite(VMCS_HOST_CR3, read_cr3());
	vmwrite(VMCS_HOST_CR4, read_cr4());
	vmwrite(VMCS_HOST_CS_SEL, SEL_CODE64);
	vmwrite(VMCS_HOST_SS_SEL, SEL_DATA);
	vmwrite(VMCS_HOST_DS_SEL, SEL_DATA);
	vmwrite(VMCS_HOST_ES_SEL, SEL_DATA);
	vmwrite(VMCS_HOST_FS_SEL, 0);
	vmwrite(VMCS_HOST_GS_SEL, 0);
	vmwrite(VMCS_HOST_TR_SEL, SEL_TSS); /* must be non-zero (SDM 27.2.3) */
	vmwrite(VMCS_HOST_FS_BASE, 0);
	vmwrite(VMCS_HOST_GS_BASE, 0);
	vmwrite(VMCS_HOST_TR_BASE, cpu_tss_base());
	vmwrite(VMCS_HOST_GDTR_BASE, cpu_gdt_base());
	vmwrite(VMCS_HOST_IDTR_BASE, cpu_idt_base());
	vmwrite(VMCS_HOST_SYSENTER_CS, 0);
	vmwrite(VMCS_HOST_SYSENTER_ESP, 0);
	vmwrite(VMCS_HOST_SYSENTER_EIP, 0);
	vmwrite(VMCS_HOST_EFER, rdmsr(MSR_EFER));
	vmwrite(VMCS_HOST_PAT, rdmsr(MSR_IA32_PAT));
	vmwrite(VMCS_HOST_RIP, (uint64_t)vmx_exit_stub);
	/* VMCS_HOST_RSP: the exit stack, set by vcpu_run(). */
}

static int load_controls(struct vcpu *v, uint64_t eptp, enum vmcs_fault fault)
{
	const struct vmx_caps *c = &vmx_caps;
	uint32_t pin, proc, proc2 = 0, exit_ctl, entry_ctl;
	/* NMIs exit (the hypervisor reflects them); external interrupts go straight to the guest,
	 * which owns the platform's devices. */
	uint32_t pin_want = PIN_NMI_EXITING | PIN_VIRTUAL_NMIS | (v->watchdog_ticks ? PIN_PREEMPTION_TIMER : 0);
	if (vmx_adjust_controls("pin-based", pin_want, pin_want, c->pin0, c->pin1, &pin))
		return -1;
	uint32_t proc_req = PROC_HLT_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS | PROC_SECONDARY_CONTROLS;
	if (vmx_adjust_controls("primary processor-based", proc_req, proc_req, c->proc0, c->proc1, &proc))
		return -1;
	/* CR3 accesses, INVLPG, RDTSC, MOV DR need no exit with EPT: clear whatever may be 0. */
	proc &= ~((PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING | PROC_INVLPG_EXITING | PROC_RDTSC_EXITING |
		   PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING | PROC_MOV_DR_EXITING) & ~c->proc0);
	uint32_t proc2_req = PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST;
	/* VPID only with all-context INVVPID (EPT/VPID capability bit 42): the hypervisor must be
	 * able to flush the guest's TLB when it emulates a paging-mode change (vmx/vcpu.c). */
	uint32_t vpid = (c->ept_vpid >> 42) & 1 ? PROC2_ENABLE_VPID : 0;
	uint32_t proc2_want = proc2_req | vpid | PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID | PROC2_ENABLE_XSAVES;
	if (vmx_adjust_controls("secondary processor-based", proc2_want, proc2_req, c->proc2_0, c->proc2_1, &proc2))
		return -1;
	uint32_t exit_req = EXIT_HOST_ADDR_SPACE_64 | EXIT_SAVE_EFER | EXIT_LOAD_EFER;
	uint32_t exit_want = exit_req | EXIT_SAVE_PAT | EXIT_LOAD_PAT | EXIT_ACK_INTERRUPT |
			     (v->watchdog_ticks ? EXIT_SAVE_PREEMPTION : 0);
	if (vmx_adjust_controls("VM-exit", exit_want, exit_req, c->exit0, c->exit1, &exit_ctl))
		return -1;
	uint32_t entry_req = ENTRY_LOAD_EFER;
	if (vmx_adjust_controls("VM-entry", entry_req | ENTRY_LOAD_PAT, entry_req, c->entry0, c->entry1, &entry_ctl))
		return -1;
	if (fault == VMCS_FAULT_CONTROL) {
		uint32_t forbidden = ~c->pin1;
		pin |= forbidden & -forbidden; /* the lowest pin-based control this CPU cannot set */
	}

	vmwrite(VMCS_PIN_CONTROLS, pin);
	vmwrite(VMCS_PROC_CONTROLS, proc);
	vmwrite(VMCS_PROC_CONTROLS2, proc2);
	vmwrite(VMCS_EXIT_CONTROLS, exit_ctl);
	vmwrite(VMCS_ENTRY_CONTROLS, entry_ctl);
	v->proc_controls = proc;

	vmwrite(VMCS_EXCEPTION_BITMAP, 0); /* the guest handles its own exceptions */
	vmwrite(VMCS_PF_ERROR_MASK, 0);
	vmwrite(VMCS_PF_ERROR_MATCH, 0);
	vmwrite(VMCS_CR3_TARGET_COUNT, 0);
	vmwrite(VMCS_EXIT_MSR_STORE_CNT, 0);
	vmwrite(VMCS_EXIT_MSR_LOAD_CNT, 0);
	vmwrite(VMCS_ENTRY_MSR_LOAD_CNT, 0);
	vmwrite(VMCS_ENTRY_INTR_INFO, 0);
	vmwrite(VMCS_IO_BITMAP_A, io_bitmap_a_pa());
	vmwrite(VMCS_IO_BITMAP_B, io_bitmap_b_pa());
	vmwrite(VMCS_MSR_BITMAP, msr_bitmap_pa());
	vmwrite(VMCS_EPT_POINTER, eptp);
	if (proc2 & PROC2_ENABLE_VPID)
		vmwrite(VMCS_VPID, VPID_GUEST);

	/* CR0/CR4 bits the host owns: writes that change them exit (SDM 25.6.6). For CR0 these are the
	 * bits VMX fixes (PE/PG are free under unrestricted guest, but owned too); for CR4, VMXE
	 * (hidden from the guest) and every bit this CPU cannot set. Also the paging-mode bits
	 * (CR0.PE/PG, CR4.PSE/PAE/LA57): the MMIO emulator's caches must learn every change
	 * (vmx/exit_cr.c). Guests change them at boot, not while running. */
	uint64_t cr0_mask = c->cr0_fixed0 | CR0_PE | CR0_PG | (~c->cr0_fixed1 & 0xffffffffull);
	uint64_t cr4_mask = c->cr4_fixed0 | CR4_PSE | CR4_PAE | CR4_LA57 | (~c->cr4_fixed1 & 0xffffffffull);
	vmwrite(VMCS_CR0_MASK, cr0_mask);
	vmwrite(VMCS_CR4_MASK, cr4_mask);

	if (v->watchdog_ticks) {
		uint64_t t = v->watchdog_ticks >> c->preemption_shift;
		vmwrite(VMCS_PREEMPTION_TIMER, t > 0xffffffffull ? 0xffffffffull : t);
	}
	return 0;
}

int vmcs_setup(struct vcpu *v, const struct guest_start_state *g, uint64_t eptp, enum vmcs_fault fault)
{
	uint32_t *vmcs = heap_alloc_pages(1);
	vmcs[0] = vmx_caps.revision;
	uint64_t pa = virt_to_phys(vmcs);
	if (vmclear(pa) || vmptrld(pa)) {
		log_printf("hv: VMCLEAR/VMPTRLD of the VMCS at 0x%lx failed\n", pa);
		return -1;
	}
	if (load_controls(v, eptp, fault))
		return -1;
	load_host_state();
	vmcs_load_guest_state(v, g);
	if (fault == VMCS_FAULT_GUEST_STATE)
		vmwrite(VMCS_GUEST_CS_AR, g->cs.ar & ~0x80u); /* CS not present: invalid guest state */
	log_printf("hv: VMCS at 0x%lx: pin 0x%x proc 0x%x proc2 0x%x exit 0x%x entry 0x%x\n", pa,
		   (uint32_t)vmread(VMCS_PIN_CONTROLS), (uint32_t)vmread(VMCS_PROC_CONTROLS),
		   (uint32_t)vmread(VMCS_PROC_CONTROLS2), (uint32_t)vmread(VMCS_EXIT_CONTROLS),
		   (uint32_t)vmread(VMCS_ENTRY_CONTROLS));
	return 0;
}
