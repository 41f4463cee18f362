/* VMCALL: the guest calls the hypervisor (ABI in guest/hypercall_abi.h, docs/hypercalls.md). */
#include "vmx/exits.h"
#include "vmx/vmx_insn.h"
#include "ept/guest_memory.h"
#include "boot/console.h"
#include "guest/hypercall_abi.h"
#include "pci/hv/vpci.h"
#include "vmx/emulate_insn.h"

static long hc_log(struct vcpu *v)
{
	uint64_t gpa = v->gpr[GPR_RBX], len = v->gpr[GPR_RCX];
	if (len > 4096)
		return HC_EINVAL;
	const char *text = guest_memory_ram_ptr(gpa, len);
	if (!text)
		return HC_EINVAL; /* never print what is not guest RAM (e.g. hypervisor memory) */
	/* Every line the guest prints starts with "guest: " (log_guest_line). */
	uint64_t start = 0;
	for (uint64_t i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		log_guest_line("guest: ", text + start, i - start);
		start = i + 1;
		if (i + 1 == len)
			break; /* a final newline ends the last line */
	}
	return 0;
}

static long hc_exit_count(struct vcpu *v)
{
	uint64_t reason = v->gpr[GPR_RBX];
	if (reason == ~0ull)
		return (long)vcpu_exits_total(v);
	if (reason >= EXIT_REASON_MAX)
		return HC_EINVAL;
	return (long)v->stats[reason].count;
}

static long hc_pci_bar_info(struct vcpu *v)
{
	struct hc_bar_info *out = guest_memory_ram_ptr(v->gpr[GPR_RCX], 7 * sizeof *out);
	uint16_t bdf = (uint16_t)v->gpr[GPR_RBX];
	if (!out || v->gpr[GPR_RBX] > 0xffff)
		return HC_EINVAL;
	guest_memory_written(v->gpr[GPR_RCX], 7 * sizeof *out); /* written past EPT (ept/write_watch.h) */
	return vpci_bar_info(bdf, out) ? 0 : HC_EINVAL;
}

/* VMCALL: function in RAX, arguments in RBX/RCX/RDX/RSI, result in RAX. Only CPL 0 may call. */
void exit_vmcall(struct vcpu *v)
{
	long ret;
	unsigned cpl = (vmread(VMCS_GUEST_SS_AR) >> 5) & 3;
	if (cpl != 0) {
		ret = HC_EPERM;
	} else {
		switch (v->gpr[GPR_RAX]) {
		case HC_VERSION: ret = HV_ABI_VERSION; break;
		case HC_NOP: ret = 0; break;
		case HC_LOG: ret = hc_log(v); break;
		case HC_EXIT:
			log_printf("hv: guest finished with status %lu\n", v->gpr[GPR_RBX]);
			vcpu_stop(v, (int)(v->gpr[GPR_RBX] & 0xff));
			return;
		case HC_EXIT_COUNT: ret = hc_exit_count(v); break;
		case HC_PCI_BAR_INFO: ret = hc_pci_bar_info(v); break;
		case HC_MMIO_DECODE_CACHE:
			ret = v->gpr[GPR_RBX] > 1 ? HC_EINVAL : emulate_set_decode_cache(v->gpr[GPR_RBX]);
			break;
		default: ret = HC_ENOSYS; break;
		}
	}
	v->gpr[GPR_RAX] = (uint64_t)ret;
	vcpu_skip_instruction(v);
}
