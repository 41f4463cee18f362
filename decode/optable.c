/* Opcode attribute tables (SDM vol.2 appendix A, opcode maps and group table A-6). */
#include "decode/optable.h"
#include "decode/x86_decode.h"

#define R X86_ACCESS_READ
#define W X86_ACCESS_WRITE
#define RW (X86_ACCESS_READ | X86_ACCESS_WRITE)
#define A(op, form, flags, imm, acc, msz) { X86_OP_##op, X86_FORM_##form, (flags) | OPA_VALID_FOR(flags), imm, acc, msz, 0 }
/* a row of optable_group or optable_sse */
#define ROW(row, flags, imm) { row, 0, (flags) | OPA_VALID_FOR(flags), imm, 0, 0, 0 }
#define MR OPA_MODRM
#define MB (OPA_MODRM | OPA_BYTE)

/* The four ModRM forms of a classic ALU opcode row: Eb,Gb Ev,Gv Gb,Eb Gv,Ev. */
#define ALU4(base, op, acc, lk)                                      \
	[base + 0] = A(op, M_R, MB | (lk), IMM_NONE, acc, MSZ_OPSIZE), \
	[base + 1] = A(op, M_R, MR | (lk), IMM_NONE, acc, MSZ_OPSIZE), \
	[base + 2] = A(op, R_M, MB, IMM_NONE, R, MSZ_OPSIZE),          \
	[base + 3] = A(op, R_M, MR, IMM_NONE, R, MSZ_OPSIZE)

const struct x86_opattr optable_1byte[256] = {
	ALU4(0x00, ADD, RW, OPA_LOCK),
	ALU4(0x08, OR, RW, OPA_LOCK),
	ALU4(0x10, ADC, RW, OPA_LOCK),
	ALU4(0x18, SBB, RW, OPA_LOCK),
	ALU4(0x20, AND, RW, OPA_LOCK),
	ALU4(0x28, SUB, RW, OPA_LOCK),
	ALU4(0x30, XOR, RW, OPA_LOCK),
	ALU4(0x38, CMP, R, 0),
	[0x63] = A(MOVSXD, R_M, MR | OPA_ONLY64 | OPA_SPECIAL, IMM_NONE, R, MSZ_SXD), /* ARPL outside 64-bit */
	[0x80] = ROW(GRP_80, MB | OPA_GROUP, IMM_8),
	[0x81] = ROW(GRP_81, MR | OPA_GROUP, IMM_Z),
	[0x82] = ROW(GRP_80, MB | OPA_GROUP | OPA_NOT64, IMM_8),
	[0x83] = ROW(GRP_83, MR | OPA_GROUP, IMM_8S),
	[0x84] = A(TEST, M_R, MB, IMM_NONE, R, MSZ_OPSIZE),
	[0x85] = A(TEST, M_R, MR, IMM_NONE, R, MSZ_OPSIZE),
	[0x86] = A(XCHG, M_R, MB | OPA_LOCK, IMM_NONE, RW, MSZ_OPSIZE),
	[0x87] = A(XCHG, M_R, MR | OPA_LOCK, IMM_NONE, RW, MSZ_OPSIZE),
	[0x88] = A(MOV, M_R, MB, IMM_NONE, W, MSZ_OPSIZE),
	[0x89] = A(MOV, M_R, MR, IMM_NONE, W, MSZ_OPSIZE),
	[0x8a] = A(MOV, R_M, MB, IMM_NONE, R, MSZ_OPSIZE),
	[0x8b] = A(MOV, R_M, MR, IMM_NONE, R, MSZ_OPSIZE),
	[0xa0] = A(MOV, R_M, OPA_MOFFS | OPA_BYTE, IMM_NONE, R, MSZ_OPSIZE),
	[0xa1] = A(MOV, R_M, OPA_MOFFS, IMM_NONE, R, MSZ_OPSIZE),
	[0xa2] = A(MOV, M_R, OPA_MOFFS | OPA_BYTE, IMM_NONE, W, MSZ_OPSIZE),
	[0xa3] = A(MOV, M_R, OPA_MOFFS, IMM_NONE, W, MSZ_OPSIZE),
	[0xa4] = A(MOVS, STRING, OPA_BYTE, IMM_NONE, RW, MSZ_OPSIZE),
	[0xa5] = A(MOVS, STRING, 0, IMM_NONE, RW, MSZ_OPSIZE),
	[0xaa] = A(STOS, STRING, OPA_BYTE, IMM_NONE, W, MSZ_OPSIZE),
	[0xab] = A(STOS, STRING, 0, IMM_NONE, W, MSZ_OPSIZE),
	[0xac] = A(LODS, STRING, OPA_BYTE, IMM_NONE, R, MSZ_OPSIZE),
	[0xad] = A(LODS, STRING, 0, IMM_NONE, R, MSZ_OPSIZE),
	[0xc6] = ROW(GRP_C6, MB | OPA_GROUP, IMM_8),
	[0xc7] = ROW(GRP_C7, MR | OPA_GROUP, IMM_Z),
	[0xf6] = ROW(GRP_F6, MB | OPA_GROUP, IMM_8),
	[0xf7] = ROW(GRP_F7, MR | OPA_GROUP, IMM_Z),
	[0xfe] = ROW(GRP_FE, MB | OPA_GROUP, IMM_NONE),
	[0xff] = ROW(GRP_FF, MR | OPA_GROUP, IMM_NONE),
};

const struct x86_opattr optable_0f[256] = {
	[0x10] = ROW(SSE_0F10, MR | OPA_SSE, 0),
	[0x11] = ROW(SSE_0F11, MR | OPA_SSE, 0),
	[0x28] = ROW(SSE_0F28, MR | OPA_SSE, 0),
	[0x29] = ROW(SSE_0F29, MR | OPA_SSE, 0),
	[0x2b] = ROW(SSE_0F2B, MR | OPA_SSE, 0),
	[0x6e] = ROW(SSE_0F6E, MR | OPA_SSE, 0),
	[0x6f] = ROW(SSE_0F6F, MR | OPA_SSE, 0),
	[0x7e] = ROW(SSE_0F7E, MR | OPA_SSE, 0),
	[0x7f] = ROW(SSE_0F7F, MR | OPA_SSE, 0),
	[0xd6] = ROW(SSE_0FD6, MR | OPA_SSE, 0),
	[0xe7] = ROW(SSE_0FE7, MR | OPA_SSE, 0),
	[0xa3] = A(BT, M_R, MR, IMM_NONE, R, MSZ_OPSIZE),
	[0xab] = A(BTS, M_R, MR | OPA_LOCK, IMM_NONE, RW, MSZ_OPSIZE),
	[0xb3] = A(BTR, M_R, MR | OPA_LOCK, IMM_NONE, RW, MSZ_OPSIZE),
	[0xbb] = A(BTC, M_R, MR | OPA_LOCK, IMM_NONE, RW, MSZ_OPSIZE),
	[0xba] = ROW(GRP_0FBA, MR | OPA_GROUP, IMM_8),
	[0xb0] = A(CMPXCHG, M_R, MB | OPA_LOCK, IMM_NONE, RW, MSZ_OPSIZE),
	[0xb1] = A(CMPXCHG, M_R, MR | OPA_LOCK, IMM_NONE, RW, MSZ_OPSIZE),
	[0xc0] = A(XADD, M_R, MB | OPA_LOCK, IMM_NONE, RW, MSZ_OPSIZE),
	[0xc1] = A(XADD, M_R, MR | OPA_LOCK, IMM_NONE, RW, MSZ_OPSIZE),
	[0xb6] = A(MOVZX, R_M, MR, IMM_NONE, R, 1),
	[0xb7] = A(MOVZX, R_M, MR, IMM_NONE, R, 2),
	[0xbe] = A(MOVSX, R_M, MR, IMM_NONE, R, 1),
	[0xbf] = A(MOVSX, R_M, MR, IMM_NONE, R, 2),
	[0xc3] = A(MOVNTI, M_R, MR | OPA_SPECIAL, IMM_NONE, W, MSZ_OPSIZE),
};

#define NO { 0, 0, 0, 0, 0, 0, 0 }
/* Group rows: form, imm, access and LOCK are per ModRM.reg; OPA_BYTE comes from the opcode. */
#define G1(imm) {                                              \
	A(ADD, M_I, OPA_LOCK, imm, RW, MSZ_OPSIZE), A(OR, M_I, OPA_LOCK, imm, RW, MSZ_OPSIZE),   \
	A(ADC, M_I, OPA_LOCK, imm, RW, MSZ_OPSIZE), A(SBB, M_I, OPA_LOCK, imm, RW, MSZ_OPSIZE),  \
	A(AND, M_I, OPA_LOCK, imm, RW, MSZ_OPSIZE), A(SUB, M_I, OPA_LOCK, imm, RW, MSZ_OPSIZE),  \
	A(XOR, M_I, OPA_LOCK, imm, RW, MSZ_OPSIZE), A(CMP, M_I, 0, imm, R, MSZ_OPSIZE) }
#define G3(imm) {                                                                          \
	A(TEST, M_I, 0, imm, R, MSZ_OPSIZE), A(TEST, M_I, 0, imm, R, MSZ_OPSIZE), /* /1 alias */ \
	A(NOT, M, OPA_LOCK, IMM_NONE, RW, MSZ_OPSIZE), A(NEG, M, OPA_LOCK, IMM_NONE, RW, MSZ_OPSIZE), \
	NO, NO, NO, NO }
#define G45 { A(INC, M, OPA_LOCK, IMM_NONE, RW, MSZ_OPSIZE), A(DEC, M, OPA_LOCK, IMM_NONE, RW, MSZ_OPSIZE), \
	NO, NO, NO, NO, NO, NO }
#define G11(imm) { A(MOV, M_I, 0, imm, W, MSZ_OPSIZE), NO, NO, NO, NO, NO, NO, NO }

const struct x86_opattr optable_group[GRP_COUNT][8] = {
	[GRP_80] = G1(IMM_8),
	[GRP_81] = G1(IMM_Z),
	[GRP_83] = G1(IMM_8S),
	[GRP_F6] = G3(IMM_8),
	[GRP_F7] = G3(IMM_Z),
	[GRP_FE] = G45,
	[GRP_FF] = G45,
	[GRP_C6] = G11(IMM_8),
	[GRP_C7] = G11(IMM_Z),
	[GRP_0FBA] = { NO, NO, NO, NO,
		A(BT, M_I, 0, IMM_8, R, MSZ_OPSIZE), A(BTS, M_I, OPA_LOCK, IMM_8, RW, MSZ_OPSIZE),
		A(BTR, M_I, OPA_LOCK, IMM_8, RW, MSZ_OPSIZE), A(BTC, M_I, OPA_LOCK, IMM_8, RW, MSZ_OPSIZE) },
};

#define LD(op, sz) A(op, R_M, OPA_SPECIAL, IMM_NONE, R, sz)
#define ST(op, sz) A(op, M_R, OPA_SPECIAL, IMM_NONE, W, sz)
const struct x86_opattr optable_sse[SSE_COUNT][4] = {
	/*               none               66                  F3              F2 */
	[SSE_0F10] = { LD(MOVUPS, 16),    LD(MOVUPD, 16),     NO,             NO },
	[SSE_0F11] = { ST(MOVUPS, 16),    ST(MOVUPD, 16),     NO,             NO },
	[SSE_0F28] = { LD(MOVAPS, 16),    LD(MOVAPD, 16),     NO,             NO },
	[SSE_0F29] = { ST(MOVAPS, 16),    ST(MOVAPD, 16),     NO,             NO },
	[SSE_0F2B] = { ST(MOVNTPS, 16),   ST(MOVNTPD, 16),    NO,             NO },
	[SSE_0F6E] = { NO,                LD(MOVD, 4),        NO,             NO }, /* REX.W: movq */
	[SSE_0F7E] = { NO,                ST(MOVD, 4),        LD(MOVQ, 8),    NO }, /* REX.W: movq */
	[SSE_0F6F] = { NO,                LD(MOVDQA, 16),     LD(MOVDQU, 16), NO },
	[SSE_0F7F] = { NO,                ST(MOVDQA, 16),     ST(MOVDQU, 16), NO },
	[SSE_0FD6] = { NO,                ST(MOVQ, 8),        NO,             NO },
	[SSE_0FE7] = { NO,                ST(MOVNTDQ, 16),    NO,             NO },
};
