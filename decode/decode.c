/*
 * The decoder: prefixes, opcode lookup, ModRM/SIB/displacement, immediate (SDM vol.2 ch.2).
 * Table-driven (optable.c and the tables below) and short on branches, ~100-170 instructions
 * per decode; the fast path at the end takes the common MOV forms in 30-40 (tools/bench-decode.sh
 * measures a mix). Every read is bounds-checked.
 */
#include "decode/x86_decode.h"
#include "decode/optable.h"

/*
 * Prefix state, one word: the X86_PFX_* bits of struct x86_insn in bits 0-7 (so the result is
 * st & 0x7f), the REX byte in bits 8-15 and the segment override + 1 in bits 16-19. A prefix
 * byte's entry says which bits it sets and which it clears, so "the last of F2/F3 wins", "the
 * last segment override wins" and "REX counts only directly before the opcode" are one AND-OR.
 */
#define ST_REX_SHIFT 8
#define ST_REX   (0xffu << ST_REX_SHIFT)
#define ST_SEG_SHIFT 16
#define ST_SEG   (0xfu << ST_SEG_SHIFT)
#define ST_REPS  (X86_PFX_REP | X86_PFX_REPNE)
#define ST_NOREX (ST_REX | X86_PFX_REX)

struct prefix_entry {
	uint32_t set, clear;
};
#define P_SEG(s) { X86_PFX_SEG | ((s) + 1) << ST_SEG_SHIFT, ST_NOREX | ST_SEG }
#define P_NULLSEG { X86_PFX_SEG, ST_NOREX } /* ES CS SS DS overrides in 64-bit mode (SDM vol.1 3.3.7.1) */
#define P_FLAG(f) { f, ST_NOREX }
#define P_REP(f) { f, ST_NOREX | ST_REPS }
#define P_REX(b) { (b) << ST_REX_SHIFT | X86_PFX_REX, ST_REX } /* SDM vol.2 2.2.1 */
#define LEGACY_PREFIXES(cs, ds, es, ss) \
	[0x26] = es, [0x2e] = cs, [0x36] = ss, [0x3e] = ds, [0x64] = P_SEG(X86_FS), [0x65] = P_SEG(X86_GS), \
	[0x66] = P_FLAG(X86_PFX_OPSIZE), [0x67] = P_FLAG(X86_PFX_ADDRSIZE), [0xf0] = P_FLAG(X86_PFX_LOCK), \
	[0xf2] = P_REP(X86_PFX_REPNE), [0xf3] = P_REP(X86_PFX_REP)
#define REX4(b) [b] = P_REX(b), [b + 1] = P_REX(b + 1), [b + 2] = P_REX(b + 2), [b + 3] = P_REX(b + 3)

static const struct prefix_entry prefixes_legacy[256] = {
	LEGACY_PREFIXES(P_SEG(X86_CS), P_SEG(X86_DS), P_SEG(X86_ES), P_SEG(X86_SS)),
};
static const struct prefix_entry prefixes_64[256] = {
	LEGACY_PREFIXES(P_NULLSEG, P_NULLSEG, P_NULLSEG, P_NULLSEG),
	REX4(0x40), REX4(0x44), REX4(0x48), REX4(0x4c),
};

/* Operand size | address size << 4 | ModRM table (modrm_forms index) << 8, by
 * [mode][66 present | 67 present << 1] (SDM vol.1 3.6 table 3-4, vol.2 2.2.1.2 table 2-4). */
static const uint16_t sizes[3][4] = {
	{ 0x022, 0x024, 0x142, 0x144 },
	{ 0x144, 0x142, 0x024, 0x022 },
	{ 0x284, 0x282, 0x244, 0x242 },
};

/* What a ModRM byte means for addressing, packed in one word so it is one load
 * (SDM vol.2 tables 2-1, 2-2): bits 0-7 base (a register, X86_REG_NONE or X86_REG_RIP),
 * 8-15 index (16-bit forms; X86_REG_NONE otherwise), 16-23 displacement bytes (0xff: register
 * operand, mod 3), bit 27 "REX.B extends the base", bit 31 "a SIB byte follows". */
#define MF_REXB (8u << 24)
#define MF_SIB  (0x80u << 24)
#define MF(base, index, disp, flags) ((uint32_t)(base) | (uint32_t)(index) << 8 | (uint32_t)(disp) << 16 | (flags))
#define NONE X86_REG_NONE
#define DISP32(mod) ((mod) == 1 ? 1 : (mod) == 2 ? 4 : 0)
#define MF32(mod, rm, rip)                                                                  \
	((mod) == 3 ? MF(NONE, NONE, 0xff, 0) :                                              \
	 (rm) == 4 ? MF(NONE, NONE, DISP32(mod), MF_SIB) :                                   \
	 ((mod) == 0 && (rm) == 5) ? MF(rip, NONE, 4, 0) : MF(rm, NONE, DISP32(mod), MF_REXB))
#define B16(rm) ((rm) == 0 || (rm) == 1 || (rm) == 7 ? X86_RBX : (rm) == 2 || (rm) == 3 || (rm) == 6 ? X86_RBP : \
		 (rm) == 4 ? X86_RSI : X86_RDI)
#define I16(rm) ((rm) == 0 || (rm) == 2 ? X86_RSI : (rm) == 1 || (rm) == 3 ? X86_RDI : NONE)
#define MF16(mod, rm, unused)                                                               \
	((mod) == 3 ? MF(NONE, NONE, 0xff, 0) :                                              \
	 ((mod) == 0 && (rm) == 6) ? MF(NONE, NONE, 2, 0) :                                  \
	 MF(B16(rm), I16(rm), (mod) == 1 ? 1 : (mod) == 2 ? 2 : 0, 0))
#define RM8(F, mod, rip) F(mod, 0, rip), F(mod, 1, rip), F(mod, 2, rip), F(mod, 3, rip), \
			 F(mod, 4, rip), F(mod, 5, rip), F(mod, 6, rip), F(mod, 7, rip)
#define REG8(F, mod, rip) RM8(F, mod, rip), RM8(F, mod, rip), RM8(F, mod, rip), RM8(F, mod, rip), \
			  RM8(F, mod, rip), RM8(F, mod, rip), RM8(F, mod, rip), RM8(F, mod, rip)
#define MODRM_TABLE(F, rip) { REG8(F, 0, rip), REG8(F, 1, rip), REG8(F, 2, rip), REG8(F, 3, rip) }

/* 16-bit addressing, 32-bit addressing outside 64-bit mode (disp32 without base), 64-bit mode
 * (mod 00 r/m 101 is RIP- or EIP-relative, SDM vol.2 2.2.1.6) */
static const uint32_t modrm_forms[3][256] = {
	MODRM_TABLE(MF16, NONE),
	MODRM_TABLE(MF32, NONE),
	MODRM_TABLE(MF32, X86_REG_RIP),
};

static inline int64_t load_s8(const uint8_t *p) { return (int8_t)p[0]; }
static inline int64_t load_s16(const uint8_t *p) { int16_t v; __builtin_memcpy(&v, p, 2); return v; }
static inline int64_t load_s32(const uint8_t *p) { int32_t v; __builtin_memcpy(&v, p, 4); return v; }
static inline uint64_t load_u64(const uint8_t *p) { uint64_t v; __builtin_memcpy(&v, p, 8); return v; }

/* Little-endian signed load of 1, 2 or 4 bytes. */
static inline int64_t load_signed(const uint8_t *p, unsigned n)
{
	return n == 1 ? load_s8(p) : n == 2 ? load_s16(p) : load_s32(p);
}

/* REX bits inside the prefix state word */
#define ST_REX_W (8u << ST_REX_SHIFT)
#define ST_REX_R (4u << ST_REX_SHIFT)
#define ST_REX_X (2u << ST_REX_SHIFT)
#define ST_REX_B (1u << ST_REX_SHIFT)

/* Bytes an instruction can still need after its first opcode byte: 0F, ModRM, SIB, disp32,
 * imm32 (moffs64 needs 8). With that many bytes left the bounds checks can be skipped. */
#define MAX_TAIL 11
/* Bounds check before reading k more bytes; compiled out when `room` is known. */
#define NEED(k) do { if (!room && p + (k) > end) goto short_input; } while (0)

/*
 * Decodes from the opcode byte b on (p points past it), with prefix state st. Fields are
 * stored into *in as soon as they are known, which keeps few values live and the hot path
 * free of register spills. On failure *in holds garbage. Inlined per mode and per `room` so
 * that mode-dependent tables are constants and bounds checks disappear when 11 bytes are left.
 */
static inline __attribute__((always_inline)) int decode_tail(const uint8_t *bytes, size_t n,
	const uint8_t *p, const uint8_t *end, uint32_t st, unsigned b, const enum x86_mode mode,
	const bool room, struct x86_insn *in)
{
	const struct x86_opattr *a;
	if (b != 0x0f) {
		a = &optable_1byte[b];
	} else {
		NEED(1);
		a = &optable_0f[*p++];
	}
	unsigned flags = a->flags, valid = mode == X86_MODE_64 ? OPA_V64 : OPA_V32;
	if (__builtin_expect(!(flags & valid), 0))
		return X86_DEC_UNSUPPORTED;
	unsigned sz = sizes[mode][0];
	if (__builtin_expect(st & (X86_PFX_OPSIZE | X86_PFX_ADDRSIZE), 0))
		sz = sizes[mode][(st >> 3) & 3];
	unsigned addrsize = (sz >> 4) & 0xf;
	in->mode = (uint8_t)mode;
	in->addrsize = (uint8_t)addrsize;

	if (flags & OPA_MODRM) {
		NEED(1);
		unsigned modrm = *p++;
		uint32_t mf = modrm_forms[sz >> 8][modrm];
		unsigned dsz = (mf >> 16) & 0xff;
		if (dsz == 0xff)
			return X86_DEC_UNSUPPORTED; /* register operand: no memory access to emulate */
		if (flags & (OPA_GROUP | OPA_SSE)) {
			if (flags & OPA_GROUP) {
				a = &optable_group[a->op][(modrm >> 3) & 7];
				flags = (flags & OPA_BYTE) | a->flags;
			} else {
				/* mandatory prefix: F2/F3 (the last one) before 66 (SDM vol.2 2.1.2) */
				unsigned col = (st & X86_PFX_REP) ? 2 : (st & X86_PFX_REPNE) ? 3 : (st >> 3) & 1;
				a = &optable_sse[a->op][col];
				flags = a->flags;
				st &= ~ST_REPS; /* consumed as the mandatory prefix */
			}
			if (!(flags & valid))
				return X86_DEC_UNSUPPORTED;
		}
		unsigned reg = ((modrm >> 3) & 7) | ((st & ST_REX_R) >> 7);
		if ((flags & OPA_BYTE) && reg - 4 < 4 && !(st & X86_PFX_REX))
			reg += X86_REG_AH - 4; /* AH CH DH BH without REX (SDM vol.2 3.7.2.1) */
		in->reg = (uint8_t)reg;
		unsigned base = (mf & 0xff) | ((st << 19) & mf & MF_REXB) >> 24; /* REX.B: st bit 8 */
		if (!(mf & MF_SIB)) {
			in->index = (uint8_t)(mf >> 8);
			in->scale = 1;
		} else { /* SIB (SDM vol.2 table 2-3) */
			NEED(1);
			unsigned sib = *p++;
			unsigned index = ((sib >> 3) & 7) | ((st & ST_REX_X) >> 6);
			in->index = index != 4 ? (uint8_t)index : X86_REG_NONE; /* 100b w/o REX.X: none */
			in->scale = (uint8_t)(1u << (sib >> 6));
			base = sib & 7;
			if (base == 5 && dsz == 0) {
				base = X86_REG_NONE; /* mod 00, base 101b: disp32, REX.B ignored */
				dsz = 4;
			} else {
				base |= (st & ST_REX_B) >> 5;
			}
		}
		in->base = (uint8_t)base;
		/* rSP/rBP-based addressing defaults to SS (SDM vol.1 3.7.4) */
		in->seg = (base | 1) == X86_RBP ? X86_SS : X86_DS;
		in->disp = 0;
		if (dsz) {
			NEED(dsz);
			in->disp = load_signed(p, dsz);
			p += dsz;
		}
	} else {
		in->index = X86_REG_NONE;
		in->scale = 1;
		in->reg = 0;
		in->seg = X86_DS;
		if (flags & OPA_MOFFS) {
			in->base = X86_REG_NONE;
			NEED(addrsize);
			in->disp = addrsize == 8 ? (int64_t)load_u64(p) :
				   addrsize == 4 ? (int64_t)(uint32_t)load_s32(p) : (int64_t)(uint16_t)load_s16(p);
			p += addrsize;
		} else { /* string instruction: DS:rSI, or ES:rDI that cannot be overridden */
			in->disp = 0;
			in->base = X86_RSI;
			if (a->op == X86_OP_STOS) {
				in->base = X86_RDI;
				in->seg = X86_ES;
				st &= ~ST_SEG;
			}
		}
	}

	if (__builtin_expect(st & (X86_PFX_LOCK | ST_SEG), 0)) {
		if ((st & X86_PFX_LOCK) && !(flags & OPA_LOCK))
			return X86_DEC_UNSUPPORTED; /* #UD (SDM vol.2 LOCK) */
		if (st & ST_SEG)
			in->seg = (uint8_t)(((st & ST_SEG) >> ST_SEG_SHIFT) - 1);
	}

	unsigned opsize = (flags & OPA_BYTE) ? 1 : (st & ST_REX_W) ? 8 : sz & 0xf;
	in->imm = 0;
	if (a->imm) {
		unsigned isz = a->imm != IMM_Z ? 1 : opsize == 2 ? 2 : 4;
		NEED(isz);
		in->imm = a->imm == IMM_8 ? *p : (uint64_t)load_signed(p, isz) & (~0ull >> (64 - 8 * opsize));
		p += isz;
	}

	unsigned op = a->op, memsize = a->msz ? a->msz : opsize;
	if (flags & OPA_SPECIAL) {
		if (op == X86_OP_MOVSXD) {
			if (st & X86_PFX_OPSIZE)
				return X86_DEC_UNSUPPORTED; /* 66 63: Intel and AMD disagree on the size read */
			memsize = opsize < 4 ? opsize : 4;
		} else if (op == X86_OP_MOVNTI) {
			if (st & (X86_PFX_OPSIZE | ST_REPS))
				return X86_DEC_UNSUPPORTED; /* NP 0F C3 */
			opsize = memsize = (st & ST_REX_W) ? 8 : 4; /* m32 or m64 in every mode */
		} else { /* SSE */
			if (op == X86_OP_MOVD && (st & ST_REX_W)) {
				op = X86_OP_MOVQ; /* 66 REX.W 0F 6E/7E */
				memsize = 8;
			}
			opsize = memsize;
		}
	}
	in->len = (uint8_t)(p - bytes);
	in->op = (uint8_t)op;
	in->form = a->form;
	in->access = a->access;
	in->opsize = (uint8_t)opsize;
	in->memsize = (uint8_t)memsize;
	in->rex = (uint8_t)((st & ST_REX) >> ST_REX_SHIFT);
	in->prefixes = (uint8_t)(st & 0x7f);
	return X86_DEC_OK;

short_input:
	return n >= X86_MAX_INSN_LEN ? X86_DEC_TOO_LONG : X86_DEC_TRUNCATED;
}

/* Prefixes (SDM vol.2 2.1.1), then the rest with or without bounds checks. */
static inline __attribute__((always_inline)) int decode(const uint8_t *bytes, size_t n,
							 const enum x86_mode mode, struct x86_insn *in)
{
	const uint8_t *p = bytes;
	const uint8_t *end = bytes + (n < X86_MAX_INSN_LEN ? n : X86_MAX_INSN_LEN);
	const struct prefix_entry *ptab = mode == X86_MODE_64 ? prefixes_64 : prefixes_legacy;
	uint32_t st = 0;
	unsigned b;

	for (;;) {
		if (p >= end)
			return n >= X86_MAX_INSN_LEN ? X86_DEC_TOO_LONG : X86_DEC_TRUNCATED;
		b = *p++;
		const struct prefix_entry *e = &ptab[b];
		if (__builtin_expect(!e->set, 1))
			break;
		st = (st & ~e->clear) | e->set;
	}
	if (__builtin_expect(end - p >= MAX_TAIL, 1))
		return decode_tail(bytes, n, p, end, st, b, mode, true, in);
	return decode_tail(bytes, n, p, end, st, b, mode, false, in);
}

/* The general path, one function per mode, out of line so that the fast path below keeps
 * x86_decode a leaf function with few registers to save. */
static __attribute__((noinline)) int decode_general_64(const uint8_t *bytes, size_t n, struct x86_insn *in)
{
	return decode(bytes, n, X86_MODE_64, in);
}

static __attribute__((noinline)) int decode_general_32(const uint8_t *bytes, size_t n, struct x86_insn *in)
{
	return decode(bytes, n, X86_MODE_32, in);
}

static __attribute__((noinline)) int decode_general_16(const uint8_t *bytes, size_t n, struct x86_insn *in)
{
	return decode(bytes, n, X86_MODE_16, in);
}

/* x86_decode without the fast path (optable.h); tests/decode/test_decode.c compares the two. */
int x86_decode_general(const uint8_t *bytes, size_t n, enum x86_mode mode, struct x86_insn *in)
{
	if (mode == X86_MODE_64)
		return decode_general_64(bytes, n, in);
	if (mode == X86_MODE_32)
		return decode_general_32(bytes, n, in);
	return decode_general_16(bytes, n, in);
}

/* The fast path's way out, in 64- or 32-bit mode. */
static inline __attribute__((always_inline)) int decode_general(const uint8_t *bytes, size_t n,
	const enum x86_mode mode, struct x86_insn *in)
{
	return mode == X86_MODE_64 ? decode_general_64(bytes, n, in) : decode_general_32(bytes, n, in);
}

/*
 * Fast path. MMIO traffic is mostly a few forms: MOV 88/89/8A/8B /r, MOV C6/C7 /0 and MOVZX
 * 0F B6/B7 /r with a memory operand, after at most a 66 and a REX prefix, in that order. In 64-
 * and 32-bit mode, when all 15 bytes are given (then nothing accepted can be truncated or too
 * long), x86_decode decodes these here in 30-50 instructions (~65 with three bytes before ModRM,
 * as in 66 REX 89 or REX 0F B6) instead of 140-190; anything else goes to the general path
 * before *in is touched (~10 instructions more than it costs alone). The result is the general
 * path's, byte for byte (tests/decode/test_decode.c compares the two on millions of encodings).
 *
 * struct x86_insn is put together from precomputed words, written with two overlapping 8-byte
 * stores (the pad byte 15 is not written, as in the general path):
 *   bytes 0-7   len op form mode opsize memsize addrsize access: the template of the opcode
 *               class and prefix variant; its len counts all but the SIB and displacement bytes;
 *   bytes 7-14  (access) seg reg base index scale prefixes rex: the word of the ModRM byte, OR
 *               the word of the SIB byte, OR the prefix word; its byte 0 carries ModRM flags and
 *               is then overwritten by the template's access byte;
 * plus the displacement and the immediate. REX.R and REX.B are OR'ed in like the prefix bytes:
 * they set bit 3 of reg and of a base register, and a base of R12 or R13 defaults to DS where
 * RSP and RBP default to SS (SDM vol.1 3.7.4), and DS is SS | 1. A RIP-relative or absent base
 * ignores REX.B (SDM vol.2 2.2.1.2, table 2-5), and X86_REG_RIP and X86_REG_NONE have bit 3 set.
 */
_Static_assert(offsetof(struct x86_insn, access) == 7 && offsetof(struct x86_insn, seg) == 8 &&
	       offsetof(struct x86_insn, scale) == 12 && offsetof(struct x86_insn, rex) == 14,
	       "the fast path writes struct x86_insn as two overlapping 8-byte words");
_Static_assert(X86_DS == (X86_SS | 1) && (X86_REG_RIP & 8) != 0 && (X86_REG_NONE & 8) != 0,
	       "REX.B and REX.R are OR'ed into the ModRM word");
#define BYTE_AT(v, i) ((uint64_t)(v) << (8 * (i))) /* byte i of a little-endian word */

/* Opcode classes, and their prefix variants (what changes the template). */
enum { FK_88 = 1, FK_89, FK_8A, FK_8B, FK_C6, FK_C7, FK_B6, FK_B7, FK_N };
#define FV_66  1
#define FV_W   2 /* REX.W */
#define FV_REX 4 /* any REX: no AH CH DH BH */

/* What class k and variant v give (SDM vol.1 3.6; vol.2 2.2.1.2, table A-2, MOV, MOVZX). */
#define FK_OP(k)     ((k) >= FK_B6 ? X86_OP_MOVZX : X86_OP_MOV)
#define FK_FORM(k)   ((k) <= FK_89 ? X86_FORM_M_R : (k) == FK_C6 || (k) == FK_C7 ? X86_FORM_M_I : X86_FORM_R_M)
#define FK_ACCESS(k) (FK_FORM(k) == X86_FORM_R_M ? X86_ACCESS_READ : X86_ACCESS_WRITE)
#define FK_BYTE(k)   ((k) == FK_88 || (k) == FK_8A || (k) == FK_C6)
#define FK_OPSIZE(k, v) (FK_BYTE(k) ? 1 : ((v) & FV_W) ? 8 : ((v) & FV_66) ? 2 : 4)
#define FK_MEMSIZE(k, v) ((k) == FK_B6 ? 1 : (k) == FK_B7 ? 2 : FK_OPSIZE(k, v))
#define FK_IMMSIZE(k, v) ((k) == FK_C6 ? 1 : (k) != FK_C7 ? 0 : FK_OPSIZE(k, v) == 2 ? 2 : 4)
/* prefixes, opcode, ModRM and immediate: the length but for SIB and displacement */
#define FK_LEN(k, v) (!!((v) & FV_66) + !!((v) & FV_REX) + ((k) >= FK_B6 ? 2 : 1) + 1 + FK_IMMSIZE(k, v))
/* The immediate is the 4 bytes after the displacement, sign-extended (iz), AND this: masked
 * to the operand size as in the general path; 0 without an immediate. */
#define FK_IMASK(k, v) (FK_IMMSIZE(k, v) ? ~0ull >> (64 - 8 * FK_OPSIZE(k, v)) : 0)

/* ModRM word: bytes 1-5 seg reg base index scale without REX (SDM vol.2 table 2-2); byte 0:
 * bits 0-2 the bytes that follow ModRM (SIB, displacement), FM_SIB (a SIB byte follows: its word
 * fills bytes 1 and 3-5) and FM_REG (mod 11, a register operand: not ours). */
#define FM_SIB 0x40
#define FM_REG 0x80
#define FM_REGFIELD BYTE_AT(7, 2)
#define FE(mod, reg, rm, rip) (BYTE_AT(reg, 2) | ((mod) == 3 ? FM_REG : (rm) == 4 ? FM_SIB | (1 + DISP32(mod)) : \
	((mod) == 0 && (rm) == 5) ? 4 | BYTE_AT(X86_DS, 1) | BYTE_AT(rip, 3) | BYTE_AT(NONE, 4) | BYTE_AT(1, 5) :   \
	DISP32(mod) | BYTE_AT((rm) == 5 ? X86_SS : X86_DS, 1) | BYTE_AT(rm, 3) | BYTE_AT(NONE, 4) | BYTE_AT(1, 5)))
#define FE8(mod, reg, rip) FE(mod, reg, 0, rip), FE(mod, reg, 1, rip), FE(mod, reg, 2, rip), FE(mod, reg, 3, rip), \
			   FE(mod, reg, 4, rip), FE(mod, reg, 5, rip), FE(mod, reg, 6, rip), FE(mod, reg, 7, rip)
#define FE64(mod, rip) FE8(mod, 0, rip), FE8(mod, 1, rip), FE8(mod, 2, rip), FE8(mod, 3, rip), \
		       FE8(mod, 4, rip), FE8(mod, 5, rip), FE8(mod, 6, rip), FE8(mod, 7, rip)
#define FE_MODE(rip) { FE64(0, rip), FE64(1, rip), FE64(2, rip), FE64(3, rip) }

/* SIB word (SDM vol.2 table 2-3): seg base index scale without REX, as for mod 01 and 10 (mod
 * 00 with base 101b is fixed up); rSP- and rBP-based addressing defaults to SS. */
#define FS(ss, index, base) (BYTE_AT((base) == 4 || (base) == 5 ? X86_SS : X86_DS, 1) | BYTE_AT(base, 3) | \
	BYTE_AT((index) == 4 ? NONE : (index), 4) | BYTE_AT(1 << (ss), 5))
#define FS8(ss, index) FS(ss, index, 0), FS(ss, index, 1), FS(ss, index, 2), FS(ss, index, 3), \
		       FS(ss, index, 4), FS(ss, index, 5), FS(ss, index, 6), FS(ss, index, 7)
#define FS64(ss) FS8(ss, 0), FS8(ss, 1), FS8(ss, 2), FS8(ss, 3), FS8(ss, 4), FS8(ss, 5), FS8(ss, 6), FS8(ss, 7)

/* A template is three words: bytes 0-7 of struct x86_insn (FK_LEN in the len byte), the
 * immediate mask, and the ModRM word bits that need a second look: FM_SIB, FM_REG, and in the
 * reg field, reg != 0 for C6/C7 (only /0 is MOV, group 11) and reg >= 4 for a byte register
 * without REX (AH CH DH BH, SDM vol.2 3.7.2.1). FROW(k) + 3 * v: class k, variant v. */
#define FROW(k) ((k) * 24)
#define FK_WTEST(k, v) (FM_SIB | FM_REG | ((k) == FK_C6 || (k) == FK_C7 ? FM_REGFIELD : \
					    FK_BYTE(k) && !((v) & FV_REX) ? BYTE_AT(4, 2) : 0))
#define FT(m, k, v) BYTE_AT(FK_LEN(k, v), 0) | BYTE_AT(FK_OP(k), 1) | BYTE_AT(FK_FORM(k), 2) | BYTE_AT(m, 3) | \
	BYTE_AT(FK_OPSIZE(k, v), 4) | BYTE_AT(FK_MEMSIZE(k, v), 5) | BYTE_AT((m) == X86_MODE_64 ? 8 : 4, 6) |    \
	BYTE_AT(FK_ACCESS(k), 7), FK_IMASK(k, v), FK_WTEST(k, v)
#define FT8(m, k) FT(m, k, 0), FT(m, k, 1), FT(m, k, 2), FT(m, k, 3), FT(m, k, 4), FT(m, k, 5), FT(m, k, 6), FT(m, k, 7)
#define FT_MODE(m) { [FROW(FK_88)] = FT8(m, FK_88), FT8(m, FK_89), FT8(m, FK_8A), FT8(m, FK_8B), \
		     FT8(m, FK_C6), FT8(m, FK_C7), FT8(m, FK_B6), FT8(m, FK_B7) }

/* First-byte word: a fast opcode's FROW (below FP_PREFIX); for 66, REX and 0F a prefix word
 * (FP_PREFIX or more): bytes 1-3 REX.B and REX.R as above, bytes 6-7 prefixes and rex, and in
 * bits 6-7 the map of fast.next for the next byte; 0 for anything else. */
#define FP_PREFIX 0xc0
#define FN_66   0
#define FN_REX  1
#define FN_REXW 2
#define FN_0F   3
#define FP_66 (FN_66 << 6 | BYTE_AT(X86_PFX_OPSIZE, 6))
#define FP_0F (FN_0F << 6)
#define FP_REX(r) (((r) & 8 ? FN_REXW : FN_REX) << 6 | BYTE_AT(X86_PFX_REX, 6) | BYTE_AT(r, 7) | \
	((r) & 4 ? BYTE_AT(8, 2) : 0) | ((r) & 1 ? BYTE_AT(8, 3) | BYTE_AT(1, 1) : 0))
#define FP_REX4(r) [r] = FP_REX(r), [r + 1] = FP_REX(r + 1), [r + 2] = FP_REX(r + 2), [r + 3] = FP_REX(r + 3)

/* fast.next[mode][map * 256 + second byte]: the template (FROW + 3 * variant) of a fast opcode
 * after a prefix of variant v; FN_LONGER for what may begin a longer form (decode_longer). */
#define FN_LONGER 0xff
#define FN_OPS(map, v) [(map) * 256 + 0x88] = FROW(FK_88) + 3 * (v), [(map) * 256 + 0x89] = FROW(FK_89) + 3 * (v), \
	[(map) * 256 + 0x8a] = FROW(FK_8A) + 3 * (v), [(map) * 256 + 0x8b] = FROW(FK_8B) + 3 * (v),             \
	[(map) * 256 + 0xc6] = FROW(FK_C6) + 3 * (v), [(map) * 256 + 0xc7] = FROW(FK_C7) + 3 * (v),             \
	[(map) * 256 + 0x0f] = FN_LONGER

/* All fast-path tables in one object, so that position-independent code needs one base
 * address; the 64-bit templates first, at offset 0. */
static const struct {
	uint64_t tmpl[2][FROW(FK_N)]; /* [0] 64-bit mode, [1] 32-bit mode */
	uint64_t first[256];
	uint8_t next[2][4 * 256];     /* [0] 64-bit mode, [1] 32-bit mode: no REX */
	uint64_t modrm[2][256];       /* [64-bit mode]: mod 00 r/m 101 is RIP-relative in 64-bit mode */
	uint64_t sib[256];
	uint8_t variant3[4];          /* [map]: 3 * the variant of the prefix */
} fast = {
	.tmpl = { FT_MODE(X86_MODE_64), FT_MODE(X86_MODE_32) },
	.first = { [0x88] = FROW(FK_88), [0x89] = FROW(FK_89), [0x8a] = FROW(FK_8A), [0x8b] = FROW(FK_8B),
		   [0xc6] = FROW(FK_C6), [0xc7] = FROW(FK_C7), [0x66] = FP_66, [0x0f] = FP_0F,
		   FP_REX4(0x40), FP_REX4(0x44), FP_REX4(0x48), FP_REX4(0x4c) },
	.next = { { FN_OPS(FN_66, FV_66), [FN_66 * 256 + 0x40 ... FN_66 * 256 + 0x4f] = FN_LONGER,
		    FN_OPS(FN_REX, FV_REX), FN_OPS(FN_REXW, FV_REX | FV_W),
		    [FN_0F * 256 + 0xb6] = FROW(FK_B6), [FN_0F * 256 + 0xb7] = FROW(FK_B7) },
		  { FN_OPS(FN_66, FV_66), [FN_0F * 256 + 0xb6] = FROW(FK_B6), [FN_0F * 256 + 0xb7] = FROW(FK_B7) } },
	.modrm = { FE_MODE(NONE), FE_MODE(X86_REG_RIP) },
	.sib = { FS64(0), FS64(1), FS64(2), FS64(3) },
	.variant3 = { [FN_66] = 3 * FV_66, [FN_REX] = 3 * FV_REX, [FN_REXW] = 3 * (FV_REX | FV_W) },
};

/* The stores. w: the whole second word; q: the displacement, dsz bytes, then the immediate;
 * tail: the bytes not counted in the template's len (SIB, displacement). */
static inline __attribute__((always_inline)) int fast_store(uint64_t w, const uint8_t *q, size_t dsz,
	size_t tail, const uint64_t *t, struct x86_insn *in)
{
	int64_t disp = 0;
	if (dsz)
		disp = dsz == 1 ? load_s8(q) : load_s32(q);
	__builtin_memcpy((uint8_t *)in + 7, &w, 8);
	in->disp = disp;
	in->imm = (uint64_t)load_s32(q + dsz) & t[1];
	uint64_t word = t[0] + tail;
	__builtin_memcpy(in, &word, 8); /* after w: byte 7 becomes access */
	return X86_DEC_OK;
}

/* ModRM word w says a SIB byte follows (at p[1]); pw is the prefix word. */
static inline __attribute__((always_inline)) int fast_sib(const uint8_t *p, uint64_t w, const uint64_t *t,
	struct x86_insn *in, uint64_t pw)
{
	size_t tail = w & 7;
	unsigned sib = p[1];
	w |= fast.sib[sib];
	if ((sib & 7) == 5 && tail == 1) { /* mod 00, base 101b: no base, disp32 */
		w = (w & ~(BYTE_AT(0xff, 1) | BYTE_AT(0xff, 3))) | BYTE_AT(X86_DS, 1) | BYTE_AT(NONE, 3);
		tail = 5;
	}
	if (pw & BYTE_AT(2, 7)) /* REX.X: index + 8, so 100b is R12 and no longer "none" */
		w = (w & ~BYTE_AT(0xff, 4)) | BYTE_AT(((sib >> 3) & 7) | 8, 4);
	return fast_store(w | pw, p + 2, tail - 1, tail, t, in);
}

/* The same out of line, for the prefixed forms: inline there it would cost every prefixed
 * form registers to save. */
static __attribute__((noinline)) int fast_sib_prefixed(const uint8_t *p, uint64_t w, const uint64_t *t,
	struct x86_insn *in, uint64_t pw)
{
	return fast_sib(p, w, t, in, pw);
}

/* The template's second look found a register operand, C6/C7 with reg != 0 (both for the
 * general path to refuse), or AH CH DH BH. */
static __attribute__((noinline)) int decode_fast_rare(const uint8_t *bytes, const uint8_t *p,
	const uint64_t *t, struct x86_insn *in, uint64_t w, uint64_t pw)
{
	if ((w & FM_REG) || (t[2] & BYTE_AT(3, 2))) /* C6/C7 test the whole reg field */
		return x86_decode_general(bytes, X86_MAX_INSN_LEN, (enum x86_mode)((t[0] >> 24) & 0xff), in);
	w += BYTE_AT(X86_REG_AH - 4, 2);
	if (w & FM_SIB)
		return fast_sib_prefixed(p, w, t, in, pw);
	return fast_store(w | pw, p + 1, w & 7, w & 7, t, in);
}

/* From the ModRM byte (at p) on, with template t and prefix word pw (0 if !prefixed). */
static inline __attribute__((always_inline)) int decode_fast_modrm(const uint8_t *bytes, const uint8_t *p,
	const uint64_t *t, uint64_t pw, const bool prefixed, const bool m64, struct x86_insn *in)
{
	uint64_t w = fast.modrm[m64][*p];
	if (__builtin_expect(w & t[2], 0)) {
		if (w & t[2] & ~(uint64_t)FM_SIB)
			return decode_fast_rare(bytes, p, t, in, w, pw);
		if (prefixed)
			return fast_sib_prefixed(p, w, t, in, pw);
		return fast_sib(p, w, t, in, 0);
	}
	return fast_store(w | pw, p + 1, w & 7, w & 7, t, in);
}

/* Three or four bytes before ModRM: e, the first byte's word, is 66 or REX, and the second
 * byte REX (after 66) or 0F: 66 REX op, 66 0F B6/B7, REX 0F B6/B7, 66 REX 0F B6/B7. Called only
 * with 15 bytes, with which the general path's answer does not depend on n. */
static inline __attribute__((always_inline)) int decode_longer_mode(const uint8_t *bytes, uint64_t e,
	const enum x86_mode mode, struct x86_insn *in)
{
	const bool m64 = mode == X86_MODE_64;
	const uint8_t *p = bytes + 1;
	uint64_t pw = e;
	size_t v3 = fast.variant3[(uint8_t)e >> 6];
	if (*p != 0x0f) { /* 66 REX, in 64-bit mode only */
		uint64_t rex = fast.first[*p++];
		pw |= rex;
		v3 += fast.variant3[(uint8_t)rex >> 6];
	}
	size_t row = fast.first[*p++];
	if (row == FP_0F)
		row = fast.next[!m64][FN_0F * 256 + *p++];
	else if (row >= FP_PREFIX)
		row = 0; /* 66 or REX again (66 after REX: REX ignored) */
	if (row)
		return decode_fast_modrm(bytes, p, &fast.tmpl[!m64][row + v3], pw, true, m64, in);
	return decode_general(bytes, X86_MAX_INSN_LEN, mode, in);
}

static __attribute__((noinline)) int decode_longer(const uint8_t *bytes, uint64_t e, enum x86_mode mode,
						 struct x86_insn *in)
{
	if (mode == X86_MODE_64)
		return decode_longer_mode(bytes, e, X86_MODE_64, in);
	return decode_longer_mode(bytes, e, X86_MODE_32, in);
}

/* One or two bytes before ModRM: a fast opcode; 66 or REX, then one; 0F B6/B7. */
static inline __attribute__((always_inline)) int decode_fast(const uint8_t *bytes, size_t n,
	const enum x86_mode mode, struct x86_insn *in)
{
	const bool m64 = mode == X86_MODE_64;
	uint64_t e = fast.first[bytes[0]];
	if (__builtin_expect(e >= FP_PREFIX, 0)) {
		size_t row = fast.next[!m64][(size_t)(uint8_t)e * 4 + bytes[1]];
		if (__builtin_expect(row - 1 < FN_LONGER - 1, 1))
			return decode_fast_modrm(bytes, bytes + 2, &fast.tmpl[!m64][row], e, true, m64, in);
		if (row)
			return decode_longer(bytes, e, mode, in);
		return decode_general(bytes, n, mode, in);
	}
	if (__builtin_expect(!e, 0))
		return decode_general(bytes, n, mode, in);
	return decode_fast_modrm(bytes, bytes + 1, &fast.tmpl[!m64][e], 0, false, m64, in);
}

/* The fast path wants all 15 bytes: then nothing it accepts can be truncated or too long. */
int x86_decode(const uint8_t *bytes, size_t n, enum x86_mode mode, struct x86_insn *in)
{
	if (mode == X86_MODE_64)
		return n >= X86_MAX_INSN_LEN ? decode_fast(bytes, n, X86_MODE_64, in) : decode_general_64(bytes, n, in);
	if (mode == X86_MODE_32)
		return n >= X86_MAX_INSN_LEN ? decode_fast(bytes, n, X86_MODE_32, in) : decode_general_32(bytes, n, in);
	return decode_general_16(bytes, n, in);
}
