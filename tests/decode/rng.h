/* Deterministic xorshift64* generator for host tests (same sequence every run). */
#ifndef TESTS_DECODE_RNG_H
#define TESTS_DECODE_RNG_H
#include <stdint.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static inline uint64_t rng64(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static inline unsigned rng_below(unsigned n) { return (unsigned)(rng64() % n); }

/* Operands biased toward the edges where flags change: 0, 1, all ones, sign boundaries. */
static inline uint64_t rng_operand(void)
{
	static const uint64_t edges[] = { 0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffffull, 0x8000000000000000ull,
		~0ull, 0x0f, 0x10 };
	unsigned k = rng_below(4);
	if (k == 0)
		return edges[rng_below(sizeof edges / sizeof edges[0])];
	if (k == 1)
		return edges[rng_below(sizeof edges / sizeof edges[0])] + rng_below(3) - 1;
	return rng64();
}
#endif
