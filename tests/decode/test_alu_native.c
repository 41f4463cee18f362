/*
 * Flags exactness: executes each ALU instruction natively on the host CPU (inline asm between
 * popf and pushf) and compares result and RFLAGS with x86_alu() for many random operands and
 * random incoming flags, at every operand size. Flags the SDM leaves undefined (AF after
 * AND/OR/XOR/TEST) are excluded from the comparison; the line reports how often the host's
 * value matched ours anyway.
 */
#include "decode/alu.h"
#include "decode/x86_decode.h"
#include "tests/decode/rng.h"
#include "tests/check.h"

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

int main(void)
{
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
