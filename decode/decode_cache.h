/*
 * Decode cache: a small direct-mapped cache of decoded instructions keyed by guest RIP, CR3
 * and mode. Entries keep the instruction bytes; a lookup hits only if the bytes fetched at RIP
 * are still the same (self-modifying code, remapped pages and CR3 reuse stay correct), so a
 * repeated MMIO access costs a fetch of `len` bytes and a compare instead of a decode.
 * Pure C; one cache per vCPU (no locking).
 */
#ifndef DECODE_DECODE_CACHE_H
#define DECODE_DECODE_CACHE_H
#include "decode/x86_decode.h"

#define X86_DCACHE_ENTRIES 64 /* power of two */

struct x86_dcache_entry {
	uint64_t rip, cr3;
	uint8_t mode;
	uint8_t valid;
	uint8_t bytes[X86_MAX_INSN_LEN];
	struct x86_insn insn;
};

struct x86_dcache {
	struct x86_dcache_entry entry[X86_DCACHE_ENTRIES];
	uint64_t hits, misses;
};

void x86_dcache_init(struct x86_dcache *c);
void x86_dcache_flush(struct x86_dcache *c);

/* Step 1: the entry for (rip, cr3, mode) or NULL; a NULL counts as a miss. */
const struct x86_dcache_entry *x86_dcache_find(struct x86_dcache *c, uint64_t rip, uint64_t cr3,
					       enum x86_mode mode);
/* Step 2: after fetching n bytes at RIP (n >= e->insn.len wanted), true if they still match;
 * counts the hit, or the miss (and drops the entry). */
bool x86_dcache_match(struct x86_dcache *c, const struct x86_dcache_entry *e,
		      const uint8_t *bytes, size_t n);
/* Remembers a successful decode of bytes[0..insn->len) at (rip, cr3, mode). */
void x86_dcache_insert(struct x86_dcache *c, uint64_t rip, uint64_t cr3, enum x86_mode mode,
		       const uint8_t *bytes, const struct x86_insn *insn);

#endif
