/*
 * Flags exactness: executes each ALU instruction natively on the host CPU (inline asm between
 * popf and pushf) and compares result and RFLAGS with x86_alu() for many random operands and
 * random incoming flags, at every operand size. Flags the SDM leaves undefined (AF after
 * AND/OR/XOR/TEST) are excluded from the comparison; the line reports how often the host's
 * value matched ours anyway.
 */
#include "decode/alu.h"
#include "decode/x86_decode.h"
#include "decode/emulate.h"
#include "tests/decode/hex.h"
#include "tests/decode/rng.h"
#include "tests/check.h"
#include "tests/decode/fake_guest.h"
#include <string.h>

/* The asm moves %rsp below the red zone before pushing. */
#define NATIVE2(name, mnem, sfx, type)                                                      \
	static uint64_t name(uint64_t d, uint64_t s, uint64_t *fl)                          \
	{                                                                                   \
		type dd = (type)d, ss = (type)s;                                            \
		uint64_t f = *fl;                                                           \
		__asm__ volatile("lea -128(%%rsp), %%rsp\n\tpush %[f]\n\tpopf\n\t"          \
				 mnem sfx " %[s], %[d]\n\t"                                 \
				 "pushf\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp"               \
				 : [d] "+r"(dd), [f] "+r"(f) : [s] "r"(ss) : "cc", "memory"); \
		*fl = f;                                                                    \
		return dd;                                                                  \
	}
#define NATIVE1(name, mnem, sfx, type)                                                      \
	static uint64_t name(uint64_t d, uint64_t s, uint64_t *fl)                          \
	{                                                                                   \
		type dd = (type)d;                                                          \
		uint64_t f = *fl;                                                           \
		(void)s;                                                                    \
		__asm__ volatile("lea -128(%%rsp), %%rsp\n\tpush %[f]\n\tpopf\n\t"          \
				 mnem sfx " %[d]\n\t"                                       \
				 "pushf\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp"               \
				 : [d] "+r"(dd), [f] "+r"(f) : : "cc", "memory");            \
		*fl = f;                                                                    \
		return dd;                                                                  \
	}
#define SIZES(N, name, mnem)                                                                \
	N(name##_b, mnem, "b", uint8_t) N(name##_w, mnem, "w", uint16_t)                    \
	N(name##_l, mnem, "l", uint32_t) N(name##_q, mnem, "q", uint64_t)

SIZES(NATIVE2, n_add, "add") SIZES(NATIVE2, n_or, "or") SIZES(NATIVE2, n_adc, "adc")
SIZES(NATIVE2, n_sbb, "sbb") SIZES(NATIVE2, n_and, "and") SIZES(NATIVE2, n_sub, "sub")
SIZES(NATIVE2, n_xor, "xor") SIZES(NATIVE2, n_cmp, "cmp") SIZES(NATIVE2, n_test, "test")
SIZES(NATIVE1, n_inc, "inc") SIZES(NATIVE1, n_dec, "dec") SIZES(NATIVE1, n_neg, "neg")
SIZES(NATIVE1, n_not, "not")

typedef uint64_t (*native_fn)(uint64_t, uint64_t, uint64_t *);
struct case_ {
	const char *name;
	unsigned op;
	native_fn fn[4];
	uint64_t undefined; /* flags the SDM leaves undefined */
};
#define CASE(nm, OP, undef) { #nm, X86_OP_##OP, { n_##nm##_b, n_##nm##_w, n_##nm##_l, n_##nm##_q }, undef }
static const struct case_ cases[] = {
	CASE(add, ADD, 0), CASE(or, OR, X86_FL_AF), CASE(adc, ADC, 0), CASE(sbb, SBB, 0),
	CASE(and, AND, X86_FL_AF), CASE(sub, SUB, 0), CASE(xor, XOR, X86_FL_AF), CASE(cmp, CMP, 0),
	CASE(test, TEST, X86_FL_AF), CASE(inc, INC, 0), CASE(dec, DEC, 0), CASE(neg, NEG, 0),
	CASE(not, NOT, 0),
};

/*
 * Memory forms through the whole emulator: BT/BTS/BTR/BTC with register bit offsets far
 * outside the operand (negative too) and immediate offsets, XADD, CMPXCHG. The same
 * instruction runs natively on a host buffer; memory, registers and defined flags must match.
 */
#define BUF_MID 256
static uint8_t native_buf[512];
static struct fake_guest G;
#define GUEST_BUF 0x200000u

#define NATIVE_MEM(name, text, type)                                                         \
	static uint64_t name(uint64_t reg, uint64_t *rax, uint64_t *fl)                      \
	{                                                                                    \
		type r = (type)reg;                                                          \
		uint64_t f = *fl, a = *rax;                                                  \
		uint8_t *base = native_buf + BUF_MID;                                        \
		__asm__ volatile("lea -128(%%rsp), %%rsp\n\tpush %[f]\n\tpopf\n\t" text "\n\t"   \
				 "pushf\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp"                \
				 : [r] "+r"(r), [f] "+r"(f), "+a"(a) : [b] "r"(base) : "cc", "memory"); \
		*fl = f;                                                                     \
		*rax = a;                                                                    \
		return (uint64_t)r;                                                          \
	}
#define MEM_SIZES(name, mnem, tail)                                                           \
	NATIVE_MEM(name##_w, mnem "w " tail, uint16_t) NATIVE_MEM(name##_l, mnem "l " tail, uint32_t) \
	NATIVE_MEM(name##_q, mnem "q " tail, uint64_t)
MEM_SIZES(m_bt, "bt", "%[r], (%[b])") MEM_SIZES(m_bts, "bts", "%[r], (%[b])")
MEM_SIZES(m_btr, "btr", "%[r], (%[b])") MEM_SIZES(m_btc, "btc", "%[r], (%[b])")
MEM_SIZES(m_bti, "bt", "$77, (%[b])") MEM_SIZES(m_btsi, "bts", "$13, (%[b])")
MEM_SIZES(m_btri, "btr", "$35, (%[b])") MEM_SIZES(m_btci, "btc", "$6, (%[b])")
MEM_SIZES(m_xadd, "lock xadd", "%[r], (%[b])") MEM_SIZES(m_cmpxchg, "lock cmpxchg", "%[r], (%[b])")

typedef uint64_t (*mem_fn)(uint64_t, uint64_t *, uint64_t *);
struct mem_case {
	const char *name;
	mem_fn fn[3];           /* 16 32 64 */
	const char *opcode;     /* bytes after the size prefix; ModRM 0a = [rdx], reg ecx */
	uint64_t defined;       /* flags the SDM defines */
	int bit_range;          /* register bit offsets drawn from [-range, range) */
};
#define MC(nm, op, def, range) { #nm, { m_##nm##_w, m_##nm##_l, m_##nm##_q }, op, def, range }
static const struct mem_case mem_cases[] = {
	MC(bt, "0f a3 0a", X86_FL_CF, 1000), MC(bts, "0f ab 0a", X86_FL_CF, 1000),
	MC(btr, "0f b3 0a", X86_FL_CF, 1000), MC(btc, "0f bb 0a", X86_FL_CF, 1000),
	MC(bti, "0f ba 22 4d", X86_FL_CF, 0), MC(btsi, "0f ba 2a 0d", X86_FL_CF, 0),
	MC(btri, "0f ba 32 23", X86_FL_CF, 0), MC(btci, "0f ba 3a 06", X86_FL_CF, 0),
	MC(xadd, "0f c1 0a", X86_FL_STATUS, 0), MC(cmpxchg, "0f b1 0a", X86_FL_STATUS, 0),
};

static void check_memory_forms(void)
{
	static const char *const size_prefix[3] = { "66 ", "", "48 " };
	for (unsigned c = 0; c < sizeof mem_cases / sizeof mem_cases[0]; c++) {
		const struct mem_case *k = &mem_cases[c];
		unsigned bad = 0, n = 0;
		char first[256] = "";
		for (unsigned si = 0; si < 3; si++) {
			unsigned size = 2u << si;
			char hex[64];
			/* LOCK before the size prefixes: a REX must directly precede the opcode */
			snprintf(hex, sizeof hex, "%s%s%s", strstr(k->name, "x") ? "f0 " : "", size_prefix[si], k->opcode);
			uint8_t code[16];
			unsigned len = hex_bytes(hex, code, sizeof code);
			struct x86_insn in;
			if (x86_decode(code, len, X86_MODE_64, &in) != X86_DEC_OK) {
				bad++;
				continue;
			}
			for (unsigned i = 0; i < 4000; i++) {
				for (unsigned b = 0; b < sizeof native_buf; b++)
					native_buf[b] = (uint8_t)rng64();
				uint64_t reg = k->bit_range ? (uint64_t)(int64_t)((int)rng_below(2u * (unsigned)k->bit_range) - k->bit_range)
							    : rng_operand();
				uint64_t rax = rng_below(2) ? rng_operand() : 0; /* cmpxchg: sometimes equal */
				if (rng_below(2))
					memcpy(&rax, native_buf + BUF_MID, 8);
				uint64_t fin = 0x2 | (rng64() & X86_FL_STATUS);

				fg_reset(&G, X86_MODE_64);
				fg_identity_map_64(&G);
				memcpy(G.ram + GUEST_BUF, native_buf, sizeof native_buf);
				G.regs.gpr[X86_RDX] = GUEST_BUF + BUF_MID;
				G.regs.gpr[X86_RCX] = reg;
				G.regs.gpr[X86_RAX] = rax;
				G.regs.rflags = fin;
				struct x86_fault f;
				int rc = x86_emulate(&in, &G.regs, &fg_emu, &G.lin, 0, &f);

				uint64_t fhw = fin, rax_hw = rax;
				uint64_t reg_hw = k->fn[si](reg, &rax_hw, &fhw);
				uint64_t m = x86_size_mask(size);
				n++;
				bool same = rc == 0 && memcmp(G.ram + GUEST_BUF, native_buf, sizeof native_buf) == 0 &&
					    (G.regs.gpr[X86_RCX] & m) == (reg_hw & m) &&
					    /* full RAX: 32-bit writes zero-extend (cmpxchg) */
					    (size == 2 ? (G.regs.gpr[X86_RAX] & m) == (rax_hw & m)
						       : G.regs.gpr[X86_RAX] == rax_hw) &&
					    !((G.regs.rflags ^ fhw) & k->defined);
				if (!same && !bad++)
					snprintf(first, sizeof first, "size %u reg %llx rax %llx: rc %d flags hw %llx ours %llx",
						 size, (unsigned long long)reg, (unsigned long long)rax, rc,
						 (unsigned long long)(fhw & X86_FL_STATUS),
						 (unsigned long long)(G.regs.rflags & X86_FL_STATUS));
			}
		}
		CHECK(bad == 0, "emulate_native %s [rdx]: %u runs x 3 sizes match the host CPU (%u differ%s%s)",
		      k->name, n / 3, bad, bad ? ", first: " : "", first);
	}
}

int main(void)
{
	check_memory_forms();
	const unsigned per_size = 50000;
	unsigned total = 0;
	for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		const struct case_ *k = &cases[c];
		unsigned bad = 0, undef_same = 0, n = 0;
		char first[200] = "";
		for (unsigned si = 0; si < 4; si++) {
			unsigned size = 1u << si;
			uint64_t mask = x86_size_mask(size);
			for (unsigned i = 0; i < per_size; i++) {
				uint64_t d = rng_operand(), s = rng_operand();
				uint64_t fin = 0x2 | (rng64() & X86_FL_STATUS);
				uint64_t fhw = fin, fem = fin;
				uint64_t rhw = k->fn[si](d, s, &fhw) & mask;
				uint64_t rem = x86_alu(k->op, size, d, s, &fem);
				fhw &= X86_FL_STATUS;
				fem &= X86_FL_STATUS;
				int res_differs = k->op != X86_OP_CMP && k->op != X86_OP_TEST && rhw != rem;
				n++;
				if (res_differs || ((fhw ^ fem) & ~k->undefined)) {
					if (!bad++)
						snprintf(first, sizeof first,
							 "size %u dst %llx src %llx flags-in %llx: result hw %llx ours %llx, flags hw %llx ours %llx",
							 size, (unsigned long long)d, (unsigned long long)s,
							 (unsigned long long)fin, (unsigned long long)rhw,
							 (unsigned long long)rem, (unsigned long long)fhw,
							 (unsigned long long)fem);
				}
				undef_same += !((fhw ^ fem) & k->undefined);
			}
		}
		total += n;
		if (k->undefined)
			CHECK(bad == 0, "alu_native %s: %u operand pairs x 4 sizes match the host CPU (%u differ%s%s); undefined AF matched %u/%u",
			      k->name, per_size, bad, bad ? ", first: " : "", first, undef_same, n);
		else
			CHECK(bad == 0, "alu_native %s: %u operand pairs x 4 sizes match the host CPU (%u differ%s%s)",
			      k->name, per_size, bad, bad ? ", first: " : "", first);
	}
	printf("alu_native: %u comparisons\n", total);
	return CHECK_DONE();
}
