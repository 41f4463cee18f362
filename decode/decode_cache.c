/* Direct-mapped decode cache (see decode_cache.h). */
#include "decode/decode_cache.h"
#include "lib/string.h"

void x86_dcache_init(struct x86_dcache *c)
{
	memset(c, 0, sizeof *c);
}

void x86_dcache_flush(struct x86_dcache *c)
{
	for (unsigned i = 0; i < X86_DCACHE_ENTRIES; i++)
		x86_dcache_invalidate(&c->entry[i]);
}

const struct x86_dcache_entry *x86_dcache_find(struct x86_dcache *c, uint64_t la, uint64_t cr3, uint64_t key)
{
	const struct x86_dcache_entry *e = &c->entry[x86_dcache_slot(la, cr3)];
	if (e->valid && e->la == la && e->cr3 == cr3 && e->key == key)
		return e;
	c->misses++;
	return NULL;
}

/* Which bytes of the two little-endian words an instruction of len bytes (1..15) covers. */
#define LO(len) ((len) >= 8 ? ~0ull : (1ull << (8 * (len))) - 1)
#define HI(len) ((len) <= 8 ? 0 : (1ull << (8 * ((len) - 8))) - 1)
#define MASKS(len) { LO(len), HI(len) }
const uint64_t x86_dcache_byte_masks[16][2] = {
	MASKS(0), MASKS(1), MASKS(2), MASKS(3), MASKS(4), MASKS(5), MASKS(6), MASKS(7), MASKS(8), MASKS(9),
	MASKS(10), MASKS(11), MASKS(12), MASKS(13), MASKS(14), MASKS(15),
};

bool x86_dcache_match(struct x86_dcache *c, const struct x86_dcache_entry *e, const uint8_t *bytes, size_t n)
{
	if (n >= e->insn.len && !(((x86_load64(bytes) ^ e->bytes[0]) & e->mask[0]) |
				   ((x86_load64(bytes + 8) ^ e->bytes[1]) & e->mask[1]))) {
		c->hits++;
		return true;
	}
	c->misses++;
	x86_dcache_invalidate((struct x86_dcache_entry *)e);
	return false;
}

struct x86_dcache_entry *x86_dcache_insert(struct x86_dcache *c, uint64_t la, uint64_t cr3, uint64_t key,
					   const uint8_t *bytes, const struct x86_insn *insn)
{
	struct x86_dcache_entry *e = &c->entry[x86_dcache_slot(la, cr3)];
	e->insn = *insn;
	x86_dcache_fill(e, la, cr3, key, bytes);
	e->code = 0;
	e->gen = 0;
	return e;
}

struct x86_dcache_entry *x86_dcache_insert_in_place(struct x86_dcache *c, uint64_t la, uint64_t cr3, uint64_t key,
						    const uint8_t *code, const struct x86_insn *insn, uint64_t gen)
{
	struct x86_dcache_entry *e = x86_dcache_insert(c, la, cr3, key, code, insn);
	e->gen = gen;
	e->code = code;
	return e;
}
