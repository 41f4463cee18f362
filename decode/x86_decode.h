/*
 * A small, exact x86 decoder for the instructions a guest uses on MMIO (docs/decoder.md).
 * Pure C, no hypervisor dependencies. It computes the instruction length itself: the VM-exit
 * instruction length is undefined for EPT misconfiguration exits (SDM vol.3C 27.2.5).
 *
 * Only forms that access memory are decoded; anything else (including register-only ModRM
 * forms, which cannot cause an MMIO exit) is X86_DEC_UNSUPPORTED and the caller injects #UD.
 */
#ifndef DECODE_X86_DECODE_H
#define DECODE_X86_DECODE_H
#include <stddef.h>
#include <stdint.h>
#include "decode/x86_regs.h"

#define X86_MAX_INSN_LEN 15 /* SDM vol.2 2.3.11 */

enum x86_op {
	X86_OP_NONE,
	/* ALU group 1, in ModRM.reg order (SDM vol.2 table A-6 group 1) */
	X86_OP_ADD, X86_OP_OR, X86_OP_ADC, X86_OP_SBB, X86_OP_AND, X86_OP_SUB, X86_OP_XOR, X86_OP_CMP,
	X86_OP_TEST, X86_OP_INC, X86_OP_DEC, X86_OP_NEG, X86_OP_NOT,
	X86_OP_BT, X86_OP_BTS, X86_OP_BTR, X86_OP_BTC,
	X86_OP_XCHG, X86_OP_CMPXCHG, X86_OP_XADD,
	X86_OP_MOV, X86_OP_MOVZX, X86_OP_MOVSX, X86_OP_MOVSXD, X86_OP_MOVNTI,
	X86_OP_MOVS, X86_OP_STOS, X86_OP_LODS,
	/* SSE moves; reg is an XMM register number */
	X86_OP_MOVD, X86_OP_MOVQ, X86_OP_MOVDQA, X86_OP_MOVDQU, X86_OP_MOVAPS, X86_OP_MOVUPS,
	X86_OP_MOVAPD, X86_OP_MOVUPD, X86_OP_MOVNTDQ, X86_OP_MOVNTPS, X86_OP_MOVNTPD,
	X86_OP_COUNT
};

/* Where the memory operand sits. */
enum x86_form {
	X86_FORM_M_R,   /* memory destination, register source: 89 /r, 01 /r, 87 /r, 0F A3 */
	X86_FORM_R_M,   /* register destination, memory source: 8B /r, 03 /r, 0F B6 /r */
	X86_FORM_M_I,   /* memory destination, immediate source: C7 /0, 81 /x, 0F BA /x */
	X86_FORM_M,     /* memory only: INC, DEC, NEG, NOT */
	X86_FORM_STRING /* MOVS, STOS, LODS: rSI / rDI addressing, accumulator register */
};

#define X86_ACCESS_READ  1u
#define X86_ACCESS_WRITE 2u

/* Register numbers in struct x86_insn: 0-15 GPRs (byte registers SPL..R15B with REX),
 * 16-19 AH CH DH BH (byte operands without REX, SDM vol.2 3.7.2.1); XMM number for SSE ops. */
#define X86_REG_AH   16
#define X86_REG_RIP  0xfe /* base of a RIP-relative operand (SDM vol.2 2.2.1.6) */
#define X86_REG_NONE 0xff

/* insn->prefixes */
#define X86_PFX_LOCK     0x01u
#define X86_PFX_REP      0x02u /* F3 */
#define X86_PFX_REPNE    0x04u /* F2 */
#define X86_PFX_OPSIZE   0x08u /* 66 */
#define X86_PFX_ADDRSIZE 0x10u /* 67 */
#define X86_PFX_SEG      0x20u /* a segment override was present (even if ignored in 64-bit mode) */
#define X86_PFX_REX      0x40u

struct x86_insn {
	uint8_t len;      /* total length in bytes, 1..15 */
	uint8_t op;       /* enum x86_op */
	uint8_t form;     /* enum x86_form */
	uint8_t mode;     /* enum x86_mode it was decoded in */
	uint8_t opsize;   /* operand (register / result) size in bytes: 1 2 4 8, SSE: = memsize */
	uint8_t memsize;  /* bytes accessed per memory operand (per element for string ops) */
	uint8_t addrsize; /* address size in bytes: 2 4 8 */
	uint8_t access;   /* X86_ACCESS_* on the memory operand (MOVS: read source, write dest) */
	uint8_t seg;      /* enum x86_segreg of the memory operand (MOVS/LODS: the source) */
	uint8_t reg;      /* register operand (see X86_REG_*); for string ops the accumulator 0 */
	uint8_t base;     /* GPR, X86_REG_RIP or X86_REG_NONE */
	uint8_t index;    /* GPR or X86_REG_NONE */
	uint8_t scale;    /* 1 2 4 8 */
	uint8_t prefixes; /* X86_PFX_* */
	uint8_t rex;      /* the REX byte used (0 if none) */
	uint8_t pad;      /* unused; not written by x86_decode */
	int64_t disp;     /* sign-extended displacement; moffs (A0-A3): the offset, zero-extended */
	uint64_t imm;     /* immediate extended to opsize as the CPU does, masked to opsize */
};

enum x86_decode_status {
	X86_DEC_OK = 0,
	X86_DEC_UNSUPPORTED = -1, /* not a supported memory form, or #UD encoding: inject #UD */
	X86_DEC_TRUNCATED = -2,   /* the n bytes given end inside the instruction: fetch more */
	X86_DEC_TOO_LONG = -3,    /* more than 15 bytes: the CPU raises #GP(0) (SDM vol.2 2.3.11) */
};

/* Decodes one instruction from bytes[0..n). Never reads bytes[n] or beyond. */
int x86_decode(const uint8_t *bytes, size_t n, enum x86_mode mode, struct x86_insn *insn);

/* Lower-case names for messages and tools; "?" for unknown values. */
const char *x86_op_name(unsigned op);
/* reg as in struct x86_insn; size 1 2 4 8 for GPRs (AH..BH ignore it), 16 for XMM registers. */
const char *x86_reg_name(unsigned reg, unsigned size);
const char *x86_seg_name(unsigned seg);

#endif
