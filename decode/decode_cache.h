/*
 * Decode cache: a small direct-mapped cache of decoded instructions keyed by the linear address
 * of the instruction, CR3 and the fetch key (x86_fetch_key: the bits of CR0, CR4, EFER and CS
 * that decoding and the form of the code page's translation depend on). Entries keep the
 * instruction bytes; a lookup hits only if the bytes at the address are still the same
 * (self-modifying code, remapped pages and CR3 reuse stay correct), so a repeated MMIO access
 * costs a compare instead of a decode.
 *
 * In-place entries (x86_dcache_insert_in_place) also remember where the bytes are in host memory
 * and a generation number from the caller: the entry is valid only while the caller's
 * generation is unchanged. minihv moves its generation whenever the guest writes a page its
 * code translations were read from (ept/write_watch.h), so an unchanged generation means an
 * unchanged translation. A hit compares the key, the generation and the bytes in place: no page
 * walk, no copy.
 *
 * An entry can also carry one resolved object for its user (minihv: the MMIO range the
 * instruction touched) with a generation number, so the user can skip its own lookup.
 * Pure C; one cache per vCPU (no locking).
 */
#ifndef DECODE_DECODE_CACHE_H
#define DECODE_DECODE_CACHE_H
#include "decode/x86_decode.h"
#include "decode/x86_regs.h"

static inline uint64_t x86_load64(const uint8_t *p)
{
	uint64_t v;
	__builtin_memcpy(&v, p, 8);
	return v;
}

#define X86_DCACHE_ENTRIES 64 /* power of two */
struct x86_dcache_entry {
	uint64_t la, cr3, key;              /* key (key: x86_fetch_key) */
	const uint8_t *code;                /* in-place entries: the bytes in host memory; else NULL */
	uint64_t gen;                       /* in-place entries: the caller's generation at insertion */
	uint64_t bytes[2], mask[2];         /* the instruction's bytes (little-endian words) and which count */
	const void *user;                   /* resolved by the user for this instruction, or NULL */
	uint64_t user_gen;                  /* the user's generation for it; X86_DCACHE_NO_USER: none */
	struct x86_insn insn;
	uint16_t mode_key;                  /* key & X86_FETCH_KEY_MODE */
	uint8_t mov;                        /* enum x86_mov_class of insn */
	uint8_t valid;
} __attribute__((aligned(128)));        /* 128 bytes, a power of two: the slot's address is a shift */

/* user_gen of an entry without a resolved object: a generation no counter reaches, so that a
 * user comparing generations needs no separate NULL test. */
#define X86_DCACHE_NO_USER (~0ull)

struct x86_dcache {
	struct x86_dcache_entry entry[X86_DCACHE_ENTRIES];
	uint64_t hits, misses;
};

/* Plain MOVs between a register or an immediate and one memory operand of at most 8 bytes (the
 * readl/writel of every driver): a caller can complete them from the access's address alone.
 * A register operand of RSP (SP, ESP, SPL) is left to the emulator: a hypervisor keeps the
 * guest's RSP in the VMCS, apart from the GPRs its exit stub saves. */
enum x86_mov_class { X86_MOV_OTHER, X86_MOV_LOAD, X86_MOV_STORE, X86_MOV_STORE_IMM };
static inline enum x86_mov_class x86_mov_class(const struct x86_insn *in)
{
	/* MOV (88-8B, A0-A3, C6/C7: never LOCK, at most 8 bytes: the decoder refuses the rest) */
	if (in->op != X86_OP_MOV)
		return X86_MOV_OTHER;
	switch (in->form) {
	case X86_FORM_R_M: return in->reg == X86_RSP ? X86_MOV_OTHER : X86_MOV_LOAD; /* RSP: see above */
	case X86_FORM_M_R: return in->reg == X86_RSP ? X86_MOV_OTHER : X86_MOV_STORE;
	case X86_FORM_M_I: return X86_MOV_STORE_IMM;
	default: return X86_MOV_OTHER;
	}
}

/* The code context of the translation cache's key (minihv's vmx/emulate_insn.c): CR0.PE/WP/PG,
 * CR4.PSE/PAE/LA57/SMEP/SMAP/PKE, EFER.LMA/NXE, CS.L/D and the CPL — everything a page walk's
 * result and its access-rights checks depend on — packed into one word (CR4's bits in the upper
 * half). */
#define X86_CR4_PKE (1ull << 22)
static inline uint64_t x86_code_ctx_of(uint64_t cr0, uint64_t cr4, uint64_t efer, uint32_t cs_ar, unsigned cpl)
{
	return (cr0 & (X86_CR0_PE | X86_CR0_WP | X86_CR0_PG)) | (efer & (X86_EFER_LMA | X86_EFER_NXE)) |
	       (cs_ar & (X86_AR_L | X86_AR_DB)) | (uint64_t)(cpl & 3) << 2 |
	       (cr4 & (X86_CR4_PSE | X86_CR4_PAE | X86_CR4_LA57 | X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_PKE)) << 32;
}

static inline uint64_t x86_code_ctx(const struct x86_regs *r)
{
	return x86_code_ctx_of(r->cr0, r->cr4, r->efer, r->seg[X86_CS].ar, r->cpl);
}

/*
 * The decode cache's key context: what decoding (the code size: EFER.LMA, CS.L, CS.D) and the
 * form of the code page's translation (CR0.PE/PG, CR4.PSE/PAE/LA57, EFER.LMA) depend on. No
 * access rights (CPL, WP, SMEP, NX): a cached decoding is used only for an instruction the CPU
 * has just fetched under the current rights — its data access is what exited, and the guest's
 * paging checks come before EPT's (SDM vol.3C 29.3.3) — and x86_fetch_decode re-fetches with
 * the rights checked. The bits do not overlap, so they stay in place.
 */
static inline uint64_t x86_fetch_key(uint64_t cr0, uint64_t cr4, uint64_t efer, uint32_t cs_ar)
{
	return (cr0 & (X86_CR0_PE | X86_CR0_PG)) | (cr4 & (X86_CR4_PSE | X86_CR4_PAE | X86_CR4_LA57)) |
	       (efer & X86_EFER_LMA) | (cs_ar & (X86_AR_L | X86_AR_DB));
}

static inline uint64_t x86_fetch_key_of(const struct x86_regs *r)
{
	return x86_fetch_key(r->cr0, r->cr4, r->efer, r->seg[X86_CS].ar);
}

/* The bits of a fetch key that the code segment sets (with EFER.LMA: together the code size). */
#define X86_FETCH_KEY_MODE (X86_EFER_LMA | X86_AR_L | X86_AR_DB)
_Static_assert(X86_FETCH_KEY_MODE <= 0xffff, "x86_dcache_entry.mode_key is 16 bits");
_Static_assert(sizeof(struct x86_dcache_entry) == 128, "decode cache entries are 128 bytes");

/* A fetch key of 64-bit mode (EFER.LMA and CS.L). */
static inline bool x86_fetch_key_is_64(uint64_t key)
{
	return (key & (X86_EFER_LMA | X86_AR_L)) == (X86_EFER_LMA | X86_AR_L);
}

void x86_dcache_init(struct x86_dcache *c);
void x86_dcache_flush(struct x86_dcache *c);

static inline unsigned x86_dcache_slot(uint64_t la, uint64_t cr3)
{
	/* Fold the address (its low bits vary most) with CR3's page-frame bits. */
	return (unsigned)((la ^ (la >> 6) ^ (cr3 >> 12)) & (X86_DCACHE_ENTRIES - 1));
}

/* Step 1: the entry for the key or NULL; a NULL counts as a miss. */
const struct x86_dcache_entry *x86_dcache_find(struct x86_dcache *c, uint64_t la, uint64_t cr3, uint64_t key);
/* Step 2: after fetching n bytes at the address (n >= e->insn.len wanted; 16 bytes readable at
 * `bytes`), true if they still match; counts the hit, or the miss (and drops the entry). */
bool x86_dcache_match(struct x86_dcache *c, const struct x86_dcache_entry *e, const uint8_t *bytes, size_t n);
/* Remembers a successful decode of bytes[0..insn->len) under the key (16 bytes readable at
 * `bytes`); returns the entry. */
struct x86_dcache_entry *x86_dcache_insert(struct x86_dcache *c, uint64_t la, uint64_t cr3, uint64_t key,
					   const uint8_t *bytes, const struct x86_insn *insn);
/* The same as an in-place entry: the bytes stay at `code` (host memory, 16 bytes readable) and
 * the entry is valid while the caller's generation is gen. */
struct x86_dcache_entry *x86_dcache_insert_in_place(struct x86_dcache *c, uint64_t la, uint64_t cr3, uint64_t key,
						    const uint8_t *code, const struct x86_insn *insn, uint64_t gen);
/* The same without copying a decoded instruction: x86_dcache_claim invalidates the slot of the
 * key and returns it, the caller decodes into its insn, and x86_dcache_commit_in_place makes it
 * an in-place entry (the same la and cr3). A claimed entry that is not committed stays invalid. */
/* An entry no lookup finds (code NULL also ends in-place hits). */
static inline void x86_dcache_invalidate(struct x86_dcache_entry *e)
{
	e->valid = 0;
	e->code = 0;
}

static inline struct x86_dcache_entry *x86_dcache_claim(struct x86_dcache *c, uint64_t la, uint64_t cr3)
{
	struct x86_dcache_entry *e = &c->entry[x86_dcache_slot(la, cr3)];
	x86_dcache_invalidate(e);
	return e;
}

/* Which bytes of the two little-endian words an instruction of len bytes (1..15) covers. */
extern const uint64_t x86_dcache_byte_masks[16][2];

/* Everything of an entry but insn (already there), the generation and the code pointer. */
static inline void x86_dcache_fill(struct x86_dcache_entry *e, uint64_t la, uint64_t cr3, uint64_t key,
				   const uint8_t *bytes)
{
	const uint64_t *mask = x86_dcache_byte_masks[e->insn.len & 15]; /* len: 1..15 */
	e->la = la;
	e->cr3 = cr3;
	e->key = key;
	e->mask[0] = mask[0];
	e->mask[1] = mask[1];
	e->bytes[0] = x86_load64(bytes) & mask[0];
	e->bytes[1] = x86_load64(bytes + 8) & mask[1];
	e->mov = (uint8_t)x86_mov_class(&e->insn);
	e->mode_key = (uint16_t)(key & X86_FETCH_KEY_MODE);
	e->user = 0;
	e->user_gen = X86_DCACHE_NO_USER;
	e->valid = 1;
}

static inline void x86_dcache_commit_in_place(struct x86_dcache_entry *e, uint64_t la, uint64_t cr3, uint64_t key,
					      const uint8_t *code, uint64_t gen)
{
	x86_dcache_fill(e, la, cr3, key, code);
	e->gen = gen;
	e->code = code;
}


/* The bytes of in-place entry e are still the ones it was decoded from. */
static inline bool x86_dcache_bytes_hold(const struct x86_dcache_entry *e)
{
	return !(((x86_load64(e->code) ^ e->bytes[0]) & e->mask[0]) | ((x86_load64(e->code + 8) ^ e->bytes[1]) & e->mask[1]));
}

/*
 * The hot path: the in-place entry for the key, built under generation gen, whose bytes are
 * still the same, or NULL (then take the general path, which replaces the entry). Counts the
 * hit; a NULL is counted by the general path's lookup.
 */
static inline struct x86_dcache_entry *x86_dcache_lookup_in_place(struct x86_dcache *c, uint64_t la,
									  uint64_t cr3, uint64_t key, uint64_t gen)
{
	struct x86_dcache_entry *e = &c->entry[x86_dcache_slot(la, cr3)];
	if (e->la != la || e->cr3 != cr3 || e->key != key || e->gen != gen || !e->code || !x86_dcache_bytes_hold(e))
		return 0; /* code: NULL when invalid */
	c->hits++;
	return e;
}

/* The same comparing only the code-size bits of the key (mode_key: X86_FETCH_KEY_MODE bits), for
 * a caller whose generation moves whenever the paging-mode bits change (minihv owns them in
 * CR0/CR4), so that it need not read those registers. */
static inline struct x86_dcache_entry *x86_dcache_lookup_in_place_mode(struct x86_dcache *c, uint64_t la,
									       uint64_t cr3, uint64_t mode_key, uint64_t gen)
{
	struct x86_dcache_entry *e = &c->entry[x86_dcache_slot(la, cr3)];
	if (e->la != la || e->cr3 != cr3 || e->mode_key != mode_key || e->gen != gen || !e->code ||
	    !x86_dcache_bytes_hold(e))
		return 0;
	c->hits++;
	return e;
}

#endif
