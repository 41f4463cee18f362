/*
 * The decoder: prefixes, opcode lookup, ModRM/SIB/displacement, immediate (SDM vol.2 ch.2).
 * Table-driven (optable.c and the tables below) and short on branches: the benchmark
 * (tools/bench-decode.sh) counts ~100 instructions per decode. Every read is bounds-checked.
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

int x86_decode(const uint8_t *bytes, size_t n, enum x86_mode mode, struct x86_insn *in)
{
	if (mode == X86_MODE_64)
		return decode(bytes, n, X86_MODE_64, in);
	if (mode == X86_MODE_32)
		return decode(bytes, n, X86_MODE_32, in);
	return decode(bytes, n, X86_MODE_16, in);
}
