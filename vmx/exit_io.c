/* IO-instruction exits (SDM 28.1.3, qualification in table 28-5): only ports set in the IO bitmap
 * exit; they go to the flat port dispatch table. An unclaimed port reads as all ones. IN/OUT are
 * completed from the qualification alone; INS/OUTS also need the guest's memory (emulated). */
#include "vmx/exits.h"
#include "vmx/vmx_insn.h"
#include "devices/io_spaces.h"
#include "boot/console.h"
#include "vmx/vmx_caps.h"
#include "vmx/emulate_insn.h"
#include "decode/string_io.h"

/* INS/OUTS: the exit's instruction information gives the address size (bits 9:7: 16/32/64-bit)
 * and, for OUTS, the segment (bits 17:15) when IA32_VMX_BASIC bit 54 says so (SDM vol.3C
 * 28.2.5 table 28-8, A.1); otherwise the emulator reads them from the prefixes. The
 * instruction length is defined for I/O exits. */
static void exit_string_io(struct vcpu *v, uint64_t q, uint16_t port, unsigned size, bool in)
{
	struct x86_string_io io = { .port = port, .size = (uint8_t)size, .in = in, .rep = q & 32,
				    .len = (uint8_t)vmread(VMCS_EXIT_INSN_LEN) };
	if (vmx_caps.basic & (1ull << 54)) {
		uint32_t info = (uint32_t)vmread(VMCS_EXIT_INSN_INFO);
		io.addrsize = (uint8_t)(2u << ((info >> 7) & 3));
		io.seg = in ? 0 : (uint8_t)((info >> 15) & 7);
	}
	emulate_string_io(v, &io);
}

void exit_io(struct vcpu *v)
{
	uint64_t q = vcpu_exit_qualification();
	unsigned size = (q & 7) + 1;
	bool in = q & 8, string = q & 16;
	uint16_t port = (uint16_t)(q >> 16);
	if (__builtin_expect(string, 0)) {
		exit_string_io(v, q, port, size, in);
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
