/*
 * The decoder: prefixes, opcode lookup, ModRM/SIB/displacement, immediate (SDM vol.2 ch.2).
 * Table-driven (optable.c); every read is bounds-checked against the bytes given.
 */
#include "decode/x86_decode.h"
#include "decode/optable.h"

/* Legacy prefix bytes (SDM vol.2 2.1.1): low byte X86_PFX_*, bits 8-10 segment + 1. */
#define PT_REX 0x1000
#define PT_SEG(s) (X86_PFX_SEG | (((s) + 1) << 8))
static const uint16_t prefix_tab[256] = {
	[0x26] = PT_SEG(X86_ES), [0x2e] = PT_SEG(X86_CS), [0x36] = PT_SEG(X86_SS),
	[0x3e] = PT_SEG(X86_DS), [0x64] = PT_SEG(X86_FS), [0x65] = PT_SEG(X86_GS),
	[0x66] = X86_PFX_OPSIZE, [0x67] = X86_PFX_ADDRSIZE,
	[0xf0] = X86_PFX_LOCK, [0xf2] = X86_PFX_REPNE, [0xf3] = X86_PFX_REP,
	[0x40 ... 0x4f] = PT_REX, /* REX only in 64-bit mode (SDM vol.2 2.2.1) */
};

/* [mode][66 or 67 present] (SDM vol.1 3.6 table 3-4, vol.2 2.2.1.2 table 2-4) */
static const uint8_t opsize_tab[3][2] = { { 2, 4 }, { 4, 2 }, { 4, 2 } };
static const uint8_t addrsize_tab[3][2] = { { 2, 4 }, { 4, 2 }, { 8, 4 } };

/* 16-bit ModRM addressing (SDM vol.2 table 2-1) */
static const uint8_t modrm16_base[8] = { X86_RBX, X86_RBX, X86_RBP, X86_RBP,
					 X86_RSI, X86_RDI, X86_RBP, X86_RBX };
static const uint8_t modrm16_index[8] = { X86_RSI, X86_RDI, X86_RSI, X86_RDI,
					  X86_REG_NONE, X86_REG_NONE, X86_REG_NONE, X86_REG_NONE };

static inline int64_t load_s8(const uint8_t *p) { return (int8_t)p[0]; }
static inline int64_t load_s16(const uint8_t *p) { int16_t v; __builtin_memcpy(&v, p, 2); return v; }
static inline int64_t load_s32(const uint8_t *p) { int32_t v; __builtin_memcpy(&v, p, 4); return v; }
static inline uint64_t load_u64(const uint8_t *p) { uint64_t v; __builtin_memcpy(&v, p, 8); return v; }

static inline uint64_t size_mask(unsigned bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
}

int x86_decode(const uint8_t *bytes, size_t n, enum x86_mode mode, struct x86_insn *in)
{
	const uint8_t *p = bytes;
	const uint8_t *end = bytes + (n < X86_MAX_INSN_LEN ? n : X86_MAX_INSN_LEN);
	unsigned pfx = 0, rex = 0, segovr = 0, rep = 0, b, c;

	for (;;) {
		if (p >= end)
			goto short_input;
		b = *p;
		c = prefix_tab[b];
		if (__builtin_expect(!c, 1))
			break;
		if (c & PT_REX) {
			if (mode != X86_MODE_64)
				break; /* INC/DEC r32 */
			rex = b;
			p++;
			continue;
		}
		rex = 0; /* a REX not directly before the opcode is ignored (SDM vol.2 2.2.1) */
		pfx |= c & 0xff;
		/* The last segment override wins; in 64-bit mode ES/CS/SS/DS overrides are null
		 * prefixes and leave an earlier FS/GS in force (SDM vol.1 3.3.7.1). */
		if ((c >> 8) && (mode != X86_MODE_64 || (c >> 8) > X86_DS + 1))
			segovr = c >> 8;
		if (c & (X86_PFX_REP | X86_PFX_REPNE))
			rep = c & (X86_PFX_REP | X86_PFX_REPNE); /* the last of F2/F3 wins */
		p++;
	}
	p++;

	const struct x86_opattr *a;
	if (b != 0x0f) {
		a = &optable_1byte[b];
	} else {
		if (p >= end)
			goto short_input;
		a = &optable_0f[*p++];
	}
	unsigned flags = a->flags;
	if (__builtin_expect(!(flags | a->op), 0))
		return X86_DEC_UNSUPPORTED; /* empty table entry */
	if (flags & (OPA_NOT64 | OPA_ONLY64)) {
		if ((mode == X86_MODE_64) != !!(flags & OPA_ONLY64))
			return X86_DEC_UNSUPPORTED;
	}
	unsigned opsize = (flags & OPA_BYTE) ? 1 : (rex & 8) ? 8 : opsize_tab[mode][(pfx >> 3) & 1];
	unsigned addrsize = addrsize_tab[mode][(pfx >> 4) & 1];
	unsigned seg = X86_DS, base = X86_REG_NONE, index = X86_REG_NONE, scale = 1, reg = 0;
	int64_t disp = 0;

	if (flags & OPA_MODRM) {
		if (p >= end)
			goto short_input;
		unsigned modrm = *p++;
		unsigned mod = modrm >> 6, rm = modrm & 7;
		if (mod == 3)
			return X86_DEC_UNSUPPORTED; /* register operand: no memory access to emulate */
		reg = (modrm >> 3) & 7;
		if (flags & OPA_GROUP) {
			a = &optable_group[a->op][reg];
			flags = (flags & (OPA_BYTE | OPA_MODRM)) | a->flags;
		} else if (flags & OPA_SSE) {
			/* mandatory prefix: F2/F3 (the last one) before 66 (SDM vol.2 2.1.2) */
			unsigned col = rep ? (rep == X86_PFX_REP ? 2 : 3) : (pfx >> 3) & 1;
			a = &optable_sse[a->op][col];
			flags = OPA_MODRM;
			rep = 0;
		}
		if (!a->op)
			return X86_DEC_UNSUPPORTED;
		reg |= (rex & 4) << 1;
		if (opsize == 1 && !rex && reg >= 4)
			reg += X86_REG_AH - 4; /* AH CH DH BH without REX */

		if (addrsize != 2) {
			if (rm == 4) {
				if (p >= end)
					goto short_input;
				unsigned sib = *p++;
				unsigned idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
				if (idx != 4)
					index = idx; /* SIB index 100b without REX.X means none */
				scale = 1u << (sib >> 6);
				rm = sib & 7;
				if (rm == 5 && mod == 0)
					mod = 2; /* no base, disp32 */
				else
					base = rm | ((rex & 1) << 3);
			} else if (rm == 5 && mod == 0) {
				mod = 2; /* disp32; RIP-relative in 64-bit mode (SDM vol.2 2.2.1.6) */
				if (mode == X86_MODE_64)
					base = X86_REG_RIP;
			} else {
				base = rm | ((rex & 1) << 3);
			}
			if (base == X86_RSP || base == X86_RBP)
				seg = X86_SS;
			if (mod == 1) {
				if (p + 1 > end)
					goto short_input;
				disp = load_s8(p);
				p += 1;
			} else if (mod == 2) {
				if (p + 4 > end)
					goto short_input;
				disp = load_s32(p);
				p += 4;
			}
		} else {
			if (mod == 0 && rm == 6) {
				mod = 2; /* disp16 only */
			} else {
				base = modrm16_base[rm];
				index = modrm16_index[rm];
				if (base == X86_RBP)
					seg = X86_SS;
			}
			if (mod == 1) {
				if (p + 1 > end)
					goto short_input;
				disp = load_s8(p);
				p += 1;
			} else if (mod == 2) {
				if (p + 2 > end)
					goto short_input;
				disp = load_s16(p);
				p += 2;
			}
		}
	} else if (flags & OPA_MOFFS) {
		if (p + addrsize > end)
			goto short_input;
		disp = addrsize == 8 ? (int64_t)load_u64(p) :
		       addrsize == 4 ? (int64_t)(uint32_t)load_s32(p) : (int64_t)(uint16_t)load_s16(p);
		p += addrsize;
	} else { /* string instruction */
		if (a->op == X86_OP_STOS) {
			base = X86_RDI;
			seg = X86_ES; /* ES:rDI cannot be overridden (SDM vol.2 STOS) */
			segovr = 0;
		} else {
			base = X86_RSI;
		}
	}

	unsigned op = a->op;
	if ((pfx & X86_PFX_LOCK) && !(flags & OPA_LOCK))
		return X86_DEC_UNSUPPORTED; /* #UD (SDM vol.2 LOCK) */
	if (op == X86_OP_MOVNTI) {
		if (pfx & (X86_PFX_OPSIZE | X86_PFX_REP | X86_PFX_REPNE))
			return X86_DEC_UNSUPPORTED; /* NP 0F C3 */
		opsize = (rex & 8) ? 8 : 4;   /* m32 or m64 in every mode */
	}
	if (op == X86_OP_MOVSXD && (pfx & X86_PFX_OPSIZE))
		return X86_DEC_UNSUPPORTED; /* 66 63: Intel and AMD disagree on the size read */

	if (segovr)
		seg = segovr - 1;

	uint64_t imm = 0;
	switch (a->imm) {
	case IMM_8:
		if (p + 1 > end)
			goto short_input;
		imm = *p++;
		break;
	case IMM_8S:
		if (p + 1 > end)
			goto short_input;
		imm = (uint64_t)load_s8(p) & size_mask(opsize);
		p += 1;
		break;
	case IMM_Z:
		if (opsize == 2) {
			if (p + 2 > end)
				goto short_input;
			imm = (uint16_t)load_s16(p);
			p += 2;
		} else {
			if (p + 4 > end)
				goto short_input;
			imm = (uint64_t)load_s32(p) & size_mask(opsize);
			p += 4;
		}
		break;
	}

	unsigned memsize = a->msz;
	if (memsize == MSZ_OPSIZE) {
		memsize = opsize;
	} else if (memsize == MSZ_SXD) {
		memsize = opsize < 4 ? opsize : 4;
	} else if (op >= X86_OP_MOVD) {
		if (op == X86_OP_MOVD && (rex & 8)) {
			op = X86_OP_MOVQ; /* 66 REX.W 0F 6E/7E */
			memsize = 8;
		}
		opsize = memsize;
	}

	in->len = (uint8_t)(p - bytes);
	in->op = (uint8_t)op;
	in->form = a->form;
	in->mode = (uint8_t)mode;
	in->opsize = (uint8_t)opsize;
	in->memsize = (uint8_t)memsize;
	in->addrsize = (uint8_t)addrsize;
	in->access = a->access;
	in->seg = (uint8_t)seg;
	in->reg = (uint8_t)reg;
	in->base = (uint8_t)base;
	in->index = (uint8_t)index;
	in->scale = (uint8_t)scale;
	in->prefixes = (uint8_t)((pfx & ~(X86_PFX_REP | X86_PFX_REPNE)) | rep | (rex ? X86_PFX_REX : 0));
	in->rex = (uint8_t)rex;
	in->pad = 0;
	in->disp = disp;
	in->imm = imm;
	return X86_DEC_OK;

short_input:
	return n >= X86_MAX_INSN_LEN ? X86_DEC_TOO_LONG : X86_DEC_TRUNCATED;
}
