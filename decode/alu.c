/* ALU results and status flags (see alu.h). */
#include "decode/alu.h"
#include "decode/x86_decode.h"

/* PF: set when the low byte of the result has an even number of 1 bits (SDM vol.1 3.4.3.1). */
static inline uint64_t parity_flag(uint64_t r)
{
	unsigned x = (unsigned)r & 0xff;
	x ^= x >> 4;
	return ((0x6996u >> (x & 0xf)) & 1) ? 0 : X86_FL_PF;
}

uint64_t x86_alu(unsigned op, unsigned size, uint64_t dst, uint64_t src, uint64_t *rflags)
{
	uint64_t mask = x86_size_mask(size), sign = 1ull << (size * 8 - 1);
	uint64_t fl = *rflags, r, carry = 0, over = 0, aux = 0;
	dst &= mask;
	src &= mask;
	switch (op) {
	case X86_OP_ADC:
	case X86_OP_ADD: {
		uint64_t cin = op == X86_OP_ADC ? (fl & X86_FL_CF) : 0;
		r = (dst + src + cin) & mask;
		carry = ((dst & src) | ((dst | src) & ~r)) & sign; /* carry out of the top bit */
		over = (dst ^ r) & (src ^ r) & sign;
		aux = (dst ^ src ^ r) & 0x10;
		break;
	}
	case X86_OP_SBB:
	case X86_OP_SUB:
	case X86_OP_CMP: {
		uint64_t bin = op == X86_OP_SBB ? (fl & X86_FL_CF) : 0;
		r = (dst - src - bin) & mask;
		carry = ((~dst & src) | ((~dst | src) & r)) & sign; /* borrow out of the top bit */
		over = (dst ^ src) & (dst ^ r) & sign;
		aux = (dst ^ src ^ r) & 0x10;
		break;
	}
	case X86_OP_NEG: /* 0 - dst; CF = (dst != 0) (SDM vol.2 NEG) */
		r = (0 - dst) & mask;
		carry = dst;
		over = dst & r & sign;
		aux = (dst ^ r) & 0x10;
		break;
	case X86_OP_INC: /* CF unchanged (SDM vol.2 INC) */
		r = (dst + 1) & mask;
		carry = fl & X86_FL_CF;
		over = r == sign;
		aux = (dst ^ 1 ^ r) & 0x10;
		break;
	case X86_OP_DEC:
		r = (dst - 1) & mask;
		carry = fl & X86_FL_CF;
		over = dst == sign;
		aux = (dst ^ 1 ^ r) & 0x10;
		break;
	case X86_OP_AND:
	case X86_OP_TEST:
		r = dst & src;
		break;
	case X86_OP_OR:
		r = dst | src;
		break;
	case X86_OP_XOR:
		r = dst ^ src;
		break;
	default: /* X86_OP_NOT: no flags */
		return ~dst & mask;
	}
	fl &= ~X86_FL_STATUS;
	fl |= (carry ? X86_FL_CF : 0) | parity_flag(r) | (aux ? X86_FL_AF : 0) |
	      (r ? 0 : X86_FL_ZF) | ((r & sign) ? X86_FL_SF : 0) | (over ? X86_FL_OF : 0);
	*rflags = fl;
	return r;
}
