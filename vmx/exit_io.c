/* IO-instruction exits (SDM 28.1.3, qualification in table 28-5): only ports set in the IO bitmap
 * exit; they go to the flat port dispatch table. An unclaimed port reads as all ones. */
#include "vmx/exits.h"
#include "vmx/vmx_insn.h"
#include "devices/io_spaces.h"
#include "boot/console.h"

void exit_io(struct vcpu *v)
{
	uint64_t q = vcpu_exit_qualification();
	unsigned size = (q & 7) + 1;
	bool in = q & 8, string = q & 16;
	uint16_t port = (uint16_t)(q >> 16);
	if (__builtin_expect(string, 0)) {
		/* INS/OUTS to an emulated port need guest-linear memory access; not supported yet. */
		log_printf("hv: string I/O (%s) to emulated port 0x%x at RIP 0x%lx is not supported; #GP to the guest\n",
			   in ? "INS" : "OUTS", port, vmread(VMCS_GUEST_RIP));
		vcpu_inject_exception_error(v, VEC_GP, 0);
		return;
	}
	uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
	if (in) {
		uint64_t val;
		if (!range_read(&pio_space, port, size, &val))
			val = ~0ull;
		/* IN EAX zero-extends into RAX; IN AL/AX leave the other bytes alone. */
		v->gpr[GPR_RAX] = size == 4 ? (uint32_t)val : (v->gpr[GPR_RAX] & ~mask) | (val & mask);
	} else {
		range_write(&pio_space, port, size, v->gpr[GPR_RAX] & mask);
	}
	vcpu_skip_instruction(v);
}
