/* VMX detection and enabling. */
#include "vmx/vmx_caps.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"
#include "arch/x86.h"
#include "boot/console.h"
#include "lib/fmt.h"
#include "mm/heap.h"

struct vmx_caps vmx_caps;

bool vmx_available(char *why, size_t size)
{
	struct cpuid_regs r = cpuid(1, 0);
	if (!(r.ecx & (1u << 5))) {
		fmt_snprintf(why, size, "CPUID.1:ECX.VMX[bit 5] = 0: this CPU (or the emulator: QEMU TCG has "
			     "no VMX) does not offer VMX; use Bochs, nested KVM (-cpu host,+vmx) or VT-x hardware");
		return false;
	}
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if ((fc & 1) && !(fc & (1u << 2))) {
		fmt_snprintf(why, size, "IA32_FEATURE_CONTROL = 0x%lx is locked with VMXON outside SMX disabled "
			     "(bit 2 = 0): enable VT-x in the firmware setup", fc);
		return false;
	}
	return true;
}

static void read_pair(uint32_t msr, uint32_t *allowed0, uint32_t *allowed1)
{
	uint64_t v = rdmsr(msr);
	*allowed0 = (uint32_t)v;
	*allowed1 = (uint32_t)(v >> 32);
}

void vmx_read_caps(void)
{
	struct vmx_caps *c = &vmx_caps;
	c->basic = rdmsr(MSR_VMX_BASIC);
	c->revision = (uint32_t)c->basic & 0x7fffffff;
	c->true_controls = (c->basic >> 55) & 1;
	c->misc = rdmsr(MSR_VMX_MISC);
	c->preemption_shift = c->misc & 0x1f;
	read_pair(c->true_controls ? MSR_VMX_TRUE_PINBASED : MSR_VMX_PINBASED, &c->pin0, &c->pin1);
	read_pair(c->true_controls ? MSR_VMX_TRUE_PROCBASED : MSR_VMX_PROCBASED, &c->proc0, &c->proc1);
	read_pair(c->true_controls ? MSR_VMX_TRUE_EXIT : MSR_VMX_EXIT, &c->exit0, &c->exit1);
	read_pair(c->true_controls ? MSR_VMX_TRUE_ENTRY : MSR_VMX_ENTRY, &c->entry0, &c->entry1);
	if (c->proc1 & PROC_SECONDARY_CONTROLS) {
		read_pair(MSR_VMX_PROCBASED2, &c->proc2_0, &c->proc2_1);
		if (c->proc2_1 & (PROC2_ENABLE_EPT | PROC2_ENABLE_VPID))
			c->ept_vpid = rdmsr(MSR_VMX_EPT_VPID_CAP);
	}
	c->cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
	log_printf("hv: VMX revision 0x%x, %s controls, EPT/VPID caps 0x%lx, secondary allowed-1 0x%x\n",
		   c->revision, c->true_controls ? "TRUE" : "default", c->ept_vpid, c->proc2_1);
}

bool vmx_has_ept_2m(void) { return (vmx_caps.ept_vpid >> 16) & 1; }
bool vmx_has_ept_1g(void) { return (vmx_caps.ept_vpid >> 17) & 1; }

int vmx_adjust_controls(const char *name, uint32_t want, uint32_t required, uint32_t allowed0,
			uint32_t allowed1, uint32_t *out)
{
	uint32_t v = (want | allowed0) & allowed1;
	uint32_t missing = required & ~v;
	if (missing) {
		log_printf("hv: this CPU cannot set %s control bits 0x%x (allowed-1 0x%x); VMX unusable\n",
			   name, missing, allowed1);
		return -1;
	}
	*out = v;
	return 0;
}

int vmx_enable(void)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if (!(fc & 1))
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc | 1 | (1u << 2)); /* lock with VMXON outside SMX on */

	/* SDM 24.8: CR0 and CR4 bits fixed in VMX operation (CR0.NE is clear after GRUB). */
	write_cr0((read_cr0() | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1);
	write_cr4((read_cr4() | vmx_caps.cr4_fixed0 | CR4_VMXE) & vmx_caps.cr4_fixed1);
	/* XSETBV exits are completed by executing XSETBV here, which needs CR4.OSXSAVE; emulated SSE
	 * moves read and write the guest's XMM registers, which needs CR4.OSFXSR. */
	write_cr4(read_cr4() | CR4_OSFXSR);
	if ((cpuid(1, 0).ecx >> 26) & 1)
		write_cr4(read_cr4() | CR4_OSXSAVE);

	uint32_t *vmxon_region = heap_alloc_pages(1);
	vmxon_region[0] = vmx_caps.revision;
	int r = vmxon(virt_to_phys(vmxon_region));
	if (r) {
		log_printf("hv: VMXON failed (%s)\n", r == 1 ? "VMfailInvalid" : "VMfailValid");
		return -1;
	}
	log_printf("hv: VMX operation on (VMXON region at 0x%lx)\n", virt_to_phys(vmxon_region));
	return 0;
}
