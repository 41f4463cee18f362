/* Direct-mapped decode cache (see decode_cache.h). */
#include "decode/decode_cache.h"
#include "lib/string.h"

static inline unsigned slot(uint64_t rip, uint64_t cr3)
{
	/* Fold RIP (its low bits vary most) with CR3's page-frame bits. */
	uint64_t h = rip ^ (rip >> 6) ^ (cr3 >> 12);
	return (unsigned)(h & (X86_DCACHE_ENTRIES - 1));
}

void x86_dcache_init(struct x86_dcache *c)
{
	memset(c, 0, sizeof *c);
}

void x86_dcache_flush(struct x86_dcache *c)
{
	for (unsigned i = 0; i < X86_DCACHE_ENTRIES; i++)
		c->entry[i].valid = 0;
}

const struct x86_dcache_entry *x86_dcache_find(struct x86_dcache *c, uint64_t rip, uint64_t cr3,
					       enum x86_mode mode)
{
	const struct x86_dcache_entry *e = &c->entry[slot(rip, cr3)];
	if (e->valid && e->rip == rip && e->cr3 == cr3 && e->mode == mode)
		return e;
	c->misses++;
	return NULL;
}

bool x86_dcache_match(struct x86_dcache *c, const struct x86_dcache_entry *e,
		      const uint8_t *bytes, size_t n)
{
	if (n >= e->insn.len && memcmp(e->bytes, bytes, e->insn.len) == 0) {
		c->hits++;
		return true;
	}
	c->misses++;
	((struct x86_dcache_entry *)e)->valid = 0;
	return false;
}

void x86_dcache_insert(struct x86_dcache *c, uint64_t rip, uint64_t cr3, enum x86_mode mode,
		       const uint8_t *bytes, const struct x86_insn *insn)
{
	struct x86_dcache_entry *e = &c->entry[slot(rip, cr3)];
	e->rip = rip;
	e->cr3 = cr3;
	e->mode = (uint8_t)mode;
	memcpy(e->bytes, bytes, insn->len);
	e->insn = *insn;
	e->valid = 1;
}
