/* Opcode attribute tables used by decode.c (internal to decode/). One entry per opcode byte
 * says everything the decoder needs, so decoding is lookups rather than opcode switches. */
#ifndef DECODE_OPTABLE_H
#define DECODE_OPTABLE_H
#include <stdint.h>
#include "decode/x86_decode.h"

/* struct x86_opattr.flags */
#define OPA_MODRM   0x001 /* a ModRM byte follows (and the operand must be memory) */
#define OPA_BYTE    0x002 /* byte operand size */
#define OPA_LOCK    0x004 /* LOCK allowed (memory destination RMW, SDM vol.2 LOCK) */
#define OPA_GROUP   0x008 /* op is a row of optable_group, selected by ModRM.reg */
#define OPA_SSE     0x010 /* op is a row of optable_sse, selected by the mandatory prefix */
#define OPA_MOFFS   0x020 /* A0-A3: an address-size offset instead of ModRM */
#define OPA_NOT64   0x040 /* invalid in 64-bit mode */
#define OPA_ONLY64  0x080 /* valid only in 64-bit mode (else another instruction) */
#define OPA_SPECIAL 0x100 /* size rules of its own: MOVSXD, MOVNTI, MOVD/MOVQ (decode.c) */
#define OPA_V64     0x200 /* supported in 64-bit mode (a zero entry is unsupported) */
#define OPA_V32     0x400 /* supported in 16- and 32-bit mode */
/* the validity bits an entry with these flags gets */
#define OPA_VALID_FOR(f) (((f) & OPA_ONLY64) ? OPA_V64 : ((f) & OPA_NOT64) ? OPA_V32 : OPA_V64 | OPA_V32)

/* struct x86_opattr.imm */
#define IMM_NONE 0
#define IMM_8    1 /* imm8, zero-extended */
#define IMM_8S   2 /* imm8 sign-extended to the operand size (83 /x) */
#define IMM_Z    3 /* imm16 or imm32 sign-extended to 64 bits (SDM vol.2 "iz") */

/* struct x86_opattr.msz special values (otherwise the fixed memory size in bytes) */
#define MSZ_OPSIZE 0
#define MSZ_SXD    0xff /* MOVSXD: min(operand size, 4) */

/* 8 bytes, so an entry is one shifted index away. */
struct x86_opattr {
	uint8_t op;     /* enum x86_op, or a row index for OPA_GROUP / OPA_SSE */
	uint8_t form;   /* enum x86_form */
	uint16_t flags; /* OPA_* */
	uint8_t imm;    /* IMM_* */
	uint8_t access; /* X86_ACCESS_* on memory */
	uint8_t msz;    /* MSZ_* or fixed memory size */
	uint8_t pad;
};

enum { GRP_80, GRP_81, GRP_83, GRP_F6, GRP_F7, GRP_FE, GRP_FF, GRP_C6, GRP_C7, GRP_0FBA, GRP_COUNT };
enum { SSE_0F10, SSE_0F11, SSE_0F28, SSE_0F29, SSE_0F2B, SSE_0F6E, SSE_0F7E, SSE_0F6F, SSE_0F7F,
       SSE_0FD6, SSE_0FE7, SSE_COUNT };

extern const struct x86_opattr optable_1byte[256];
extern const struct x86_opattr optable_0f[256];
extern const struct x86_opattr optable_group[GRP_COUNT][8];
/* columns: no prefix, 66, F3, F2 (SDM vol.2 2.1.2: the mandatory prefix selects the instruction) */
extern const struct x86_opattr optable_sse[SSE_COUNT][4];

/* decode.c: x86_decode without its fast path. Same results; x86_decode falls back on it, and
 * tests/decode/test_decode.c compares the two. */
int x86_decode_general(const uint8_t *bytes, size_t n, enum x86_mode mode, struct x86_insn *in);

#endif
