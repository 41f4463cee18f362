/* Mnemonics for messages and the x86dec tool. */
#include "decode/x86_decode.h"

static const char *const op_names[X86_OP_COUNT] = {
	[X86_OP_NONE] = "?",
	[X86_OP_ADD] = "add", [X86_OP_OR] = "or", [X86_OP_ADC] = "adc", [X86_OP_SBB] = "sbb",
	[X86_OP_AND] = "and", [X86_OP_SUB] = "sub", [X86_OP_XOR] = "xor", [X86_OP_CMP] = "cmp",
	[X86_OP_TEST] = "test", [X86_OP_INC] = "inc", [X86_OP_DEC] = "dec", [X86_OP_NEG] = "neg",
	[X86_OP_NOT] = "not", [X86_OP_BT] = "bt", [X86_OP_BTS] = "bts", [X86_OP_BTR] = "btr",
	[X86_OP_BTC] = "btc", [X86_OP_XCHG] = "xchg", [X86_OP_CMPXCHG] = "cmpxchg",
	[X86_OP_XADD] = "xadd", [X86_OP_MOV] = "mov", [X86_OP_MOVZX] = "movzx",
	[X86_OP_MOVSX] = "movsx", [X86_OP_MOVSXD] = "movsxd", [X86_OP_MOVNTI] = "movnti",
	[X86_OP_MOVS] = "movs", [X86_OP_STOS] = "stos", [X86_OP_LODS] = "lods",
	[X86_OP_MOVD] = "movd", [X86_OP_MOVQ] = "movq", [X86_OP_MOVDQA] = "movdqa",
	[X86_OP_MOVDQU] = "movdqu", [X86_OP_MOVAPS] = "movaps", [X86_OP_MOVUPS] = "movups",
	[X86_OP_MOVAPD] = "movapd", [X86_OP_MOVUPD] = "movupd", [X86_OP_MOVNTDQ] = "movntdq",
	[X86_OP_MOVNTPS] = "movntps", [X86_OP_MOVNTPD] = "movntpd",
};

const char *x86_op_name(unsigned op)
{
	return op < X86_OP_COUNT ? op_names[op] : "?";
}

static const char *const gpr_names[4][16] = {
	{ "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
	  "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b" },
	{ "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
	  "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w" },
	{ "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
	  "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d" },
	{ "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	  "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" },
};
static const char *const high8_names[4] = { "ah", "ch", "dh", "bh" };
static const char *const xmm_names[16] = { "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
	"xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15" };

const char *x86_reg_name(unsigned reg, unsigned size)
{
	if (reg == X86_REG_RIP)
		return size == 8 ? "rip" : "eip";
	if (reg >= X86_REG_AH && reg < X86_REG_AH + 4)
		return high8_names[reg - X86_REG_AH];
	if (reg >= 16)
		return "?";
	switch (size) {
	case 1: return gpr_names[0][reg];
	case 2: return gpr_names[1][reg];
	case 4: return gpr_names[2][reg];
	case 8: return gpr_names[3][reg];
	case 16: return xmm_names[reg];
	default: return "?";
	}
}

const char *x86_seg_name(unsigned seg)
{
	static const char *const names[X86_SEG_COUNT] = { "es", "cs", "ss", "ds", "fs", "gs" };
	return seg < X86_SEG_COUNT ? names[seg] : "?";
}
