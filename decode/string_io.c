/* String port I/O emulation (see string_io.h). */
#include "decode/string_io.h"
#include "decode/alu.h"

int x86_string_io(const struct x86_string_io *io, struct x86_regs *r, const struct x86_emu_ops *mem,
		  const struct x86_port_ops *ports, void *ctx, unsigned max_rep, struct x86_fault *fault)
{
	enum x86_mode mode = x86_regs_mode(r);
	unsigned size = io->size, asize = io->addrsize;
	uint64_t amask = x86_size_mask(asize);
	uint64_t count = io->rep ? r->gpr[X86_RCX] & amask : 1;
	uint64_t step = (r->rflags & X86_FL_DF) ? (uint64_t)-(int64_t)size : size;
	unsigned ptr = io->in ? X86_RDI : X86_RSI, seg = io->in ? X86_ES : io->seg;
	if (!max_rep)
		max_rep = X86_EMU_DEFAULT_MAX_REP;

	for (unsigned done = 0; count && done < max_rep; done++) {
		uint64_t la, v = 0;
		int rc = x86_seg_linear(r, mode, seg, r->gpr[ptr] & amask, size, io->in, &la, fault);
		if (rc)
			return rc;
		if (io->in) {
			v = ports->in(ctx, io->port, size);
			rc = mem->write(ctx, la, &v, size, fault);
		} else {
			rc = mem->read(ctx, la, &v, size, 0, fault);
			if (!rc)
				ports->out(ctx, io->port, size, v);
		}
		if (rc)
			return rc;
		x86_reg_set(r, ptr, asize, r->gpr[ptr] + step);
		count--;
		if (io->rep)
			x86_reg_set(r, X86_RCX, asize, count);
	}
	if (count)
		return X86_EMU_OK; /* iterations left: RIP unchanged, the guest re-executes */
	uint64_t next = r->rip + io->len;
	r->rip = mode == X86_MODE_64 ? next : mode == X86_MODE_32 ? (uint32_t)next : (next & 0xffff);
	r->rflags &= ~X86_FL_RF;
	return X86_EMU_OK;
}

bool x86_string_io_prefixes(const uint8_t *bytes, unsigned n, enum x86_mode mode, uint8_t *addrsize, uint8_t *seg)
{
	static const uint8_t seg_of[8] = { X86_ES, X86_CS, X86_SS, X86_DS }; /* 26 2e 36 3e by (b >> 3) & 3 */
	bool a67 = false;
	*seg = X86_DS;
	for (unsigned i = 0; i < n && i < X86_MAX_INSN_LEN; i++) {
		uint8_t b = bytes[i];
		if (b == 0x67) {
			a67 = true;
		} else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e) {
			if (mode != X86_MODE_64) /* null prefixes in 64-bit mode (SDM vol.1 3.3.7.1) */
				*seg = seg_of[(b >> 3) & 3];
		} else if (b == 0x64 || b == 0x65) {
			*seg = b == 0x64 ? X86_FS : X86_GS;
		} else if (b == 0x66 || b == 0xf0 || b == 0xf2 || b == 0xf3 ||
			   (mode == X86_MODE_64 && (b & 0xf0) == 0x40)) {
			/* operand size (the exit reports the size), LOCK, REP, REX */
		} else {
			if (b != 0x6c && b != 0x6d && b != 0x6e && b != 0x6f)
				return false;
			*addrsize = mode == X86_MODE_64 ? (a67 ? 4 : 8) : mode == X86_MODE_32 ? (a67 ? 2 : 4) : (a67 ? 4 : 2);
			return true;
		}
	}
	return false;
}
