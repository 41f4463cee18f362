/* One-line text form of a decoded instruction (host only: uses snprintf), as printed by
 * build/host/x86dec: "len=N size=N access=r|w|rw|none <mnemonic> reg=.. imm=.. mem=[..] seg=.." */
#include "decode/format.h"
#include <stdio.h>

/* Register used in an address: its name at the address size. */
static const char *addr_reg(const struct x86_insn *in, unsigned r)
{
	return x86_reg_name(r, in->addrsize);
}

#define OUT(...) (l += (size_t)snprintf(buf + l, l < size ? size - l : 0, __VA_ARGS__))

size_t x86_format_insn(char *buf, size_t size, const struct x86_insn *in)
{
	static const char *const acc[4] = { "none", "r", "w", "rw" };
	size_t l = 0;
	const char *r = x86_reg_name(in->reg, in->op >= X86_OP_MOVD ? 16 : in->opsize);
	OUT("len=%u size=%u access=%s %s", in->len, in->memsize, acc[in->access & 3], x86_op_name(in->op));
	if (in->form == X86_FORM_M_R || in->form == X86_FORM_R_M || in->form == X86_FORM_STRING)
		OUT(" reg=%s", r);
	if (in->form == X86_FORM_M_I)
		OUT(" imm=0x%llx", (unsigned long long)in->imm);
	OUT(" mem=[");
	const char *sep = "";
	if (in->op == X86_OP_MOVS) {
		OUT("%s -> es:%s", addr_reg(in, X86_RSI), addr_reg(in, X86_RDI));
	} else {
		if (in->base != X86_REG_NONE) {
			OUT("%s", addr_reg(in, in->base));
			sep = "+";
		}
		if (in->index != X86_REG_NONE) {
			OUT("%s%s*%u", sep, addr_reg(in, in->index), in->scale);
			sep = "+";
		}
		if (in->disp || !*sep) {
			if (in->disp < 0 && *sep)
				OUT("-0x%llx", (unsigned long long)-(uint64_t)in->disp);
			else
				OUT("%s0x%llx", sep, (unsigned long long)((uint64_t)in->disp & x86_addr_mask(in)));
		}
	}
	OUT("] seg=%s opsize=%u addrsize=%u", x86_seg_name(in->seg), in->opsize, in->addrsize);
	if (in->prefixes & X86_PFX_REP)
		OUT(" rep");
	if (in->prefixes & X86_PFX_REPNE)
		OUT(" repne");
	if (in->prefixes & X86_PFX_LOCK)
		OUT(" lock");
	return l;
}
