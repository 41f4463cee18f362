/* Decode cache and notify fast path: hits skip decode, bytes are validated on every hit
 * (self-modifying code), keys include CR3 and mode, counters; the notify encoding. */
#include "decode/fetch.h"
#include "decode/notify.h"
#include "tests/decode/fake_guest.h"
#include "tests/check.h"

static struct fake_guest G;
static struct x86_fault F;
#define R (G.regs)

int main(void)
{
	struct x86_dcache cache;
	struct x86_insn in;
	x86_dcache_init(&cache);
	fg_reset(&G, X86_MODE_64);
	fg_identity_map_64(&G);
	R.rip = 0x100000;
	memcpy(G.ram + 0x100000, "\x8b\x04\x25\x00\x00\xe0\xfe", 7);

	CHECK(x86_fetch_decode(&G.lin, &cache, &in, &F) == 0 && in.len == 7 && cache.misses == 1 && cache.hits == 0,
	      "cache: first decode is a miss");
	CHECK(x86_fetch_decode(&G.lin, &cache, &in, &F) == 0 && in.len == 7 && in.op == X86_OP_MOV && cache.hits == 1,
	      "cache: second decode at the same RIP/CR3 is a hit");
	G.ram[0x100000] = 0x89; /* self-modifying code: now a store */
	CHECK(x86_fetch_decode(&G.lin, &cache, &in, &F) == 0 && in.access == X86_ACCESS_WRITE && cache.misses == 2,
	      "cache: changed bytes at the same RIP are a miss and decode afresh");
	CHECK(x86_fetch_decode(&G.lin, &cache, &in, &F) == 0 && in.access == X86_ACCESS_WRITE && cache.hits == 2,
	      "cache: the new decoding is cached");
	uint64_t cr3 = R.cr3;
	memcpy(G.ram + 0x3000, G.ram + 0x1000, 0x2000); /* same mapping under another CR3 */
	fg_w64(&G, 0x3000, 0x4000 | 0x7);
	R.cr3 = 0x3000;
	CHECK(x86_fetch_decode(&G.lin, &cache, &in, &F) == 0 && cache.misses == 3, "cache: another CR3 is a miss");
	R.cr3 = cr3;
	CHECK(x86_fetch_decode(&G.lin, &cache, &in, &F) == 0 && cache.misses == 3 && cache.hits == 3,
	      "cache: both CR3s stay cached (the slot index mixes in CR3)");
	/* unsupported instructions are not cached and give #UD every time */
	R.rip = 0x100100;
	memcpy(G.ram + 0x100100, "\x0f\x0b", 2);
	CHECK(x86_fetch_decode(&G.lin, &cache, &in, &F) == X86_EMU_FAULT && F.vector == X86_EXC_UD &&
	      x86_fetch_decode(&G.lin, &cache, &in, &F) == X86_EMU_FAULT, "cache: #UD is not cached");
	/* a full set of distinct RIPs */
	unsigned hits_before = (unsigned)cache.hits;
	for (unsigned pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < X86_DCACHE_ENTRIES; i++) {
			R.rip = 0x200000 + i * 16;
			memcpy(G.ram + R.rip, "\x89\x02", 2);
			x86_fetch_decode(&G.lin, &cache, &in, &F);
		}
	CHECK(cache.hits - hits_before == X86_DCACHE_ENTRIES,
	      "cache: %u instructions 16 bytes apart all fit (second pass all hits)", X86_DCACHE_ENTRIES);
	/* the fetch key: mode and paging form are part of it, access rights are not */
	x86_dcache_flush(&cache);
	uint8_t b[16] = { 0x89, 0x02 }; /* the cache reads 16 bytes */
	struct x86_insn i64;
	x86_decode(b, 2, X86_MODE_64, &i64);
	uint64_t ctx64 = x86_fetch_key_of(&R);
	x86_dcache_insert(&cache, 0x5000, 0, ctx64, b, &i64);
	struct x86_regs r2 = R;
	r2.seg[X86_CS].ar &= ~X86_AR_L; /* compatibility mode */
	uint64_t ctx32 = x86_fetch_key_of(&r2);
	r2 = R;
	r2.cr4 |= X86_CR4_LA57; /* 5-level paging: the same CR3 means other tables */
	uint64_t ctx_la57 = x86_fetch_key_of(&r2);
	r2 = R;
	r2.cpl = 3;
	r2.cr4 ^= X86_CR4_SMEP | (1ull << 7); /* rights and PGE: no part of the key */
	r2.cr0 ^= X86_CR0_WP;
	r2.efer ^= X86_EFER_NXE;
	CHECK(x86_dcache_find(&cache, 0x5000, 0, ctx32) == NULL && x86_dcache_find(&cache, 0x5000, 0, ctx_la57) == NULL &&
	      x86_dcache_find(&cache, 0x5000, 0, ctx64) && x86_fetch_key_of(&r2) == ctx64 && x86_fetch_key_is_64(ctx64) &&
	      !x86_fetch_key_is_64(ctx32),
	      "cache: mode and the paging form (CR0/CR4/EFER) are part of the key; CPL, WP, SMEP, NXE, PGE are not");
	/* ...because a hit is only taken for an instruction whose rights the fetch checks again */
	R.rip = 0x100200;
	memcpy(G.ram + 0x100200, "\x8b\x03", 2);
	int first = x86_fetch_decode(&G.lin, &cache, &in, &F);
	fg_w64(&G, 0x2000, 0x83); /* the first GiB becomes supervisor-only */
	R.cpl = 3;
	int user = x86_fetch_decode(&G.lin, &cache, &in, &F);
	CHECK(first == X86_EMU_OK && user == X86_EMU_FAULT && F.vector == X86_EXC_PF && (F.error_code & X86_PFEC_U),
	      "cache: a cached instruction on a page the CPL may not fetch from still gets #PF (error 0x%x)", F.error_code);
	R.cpl = 0;
	fg_w64(&G, 0x2000, 0x87);

	/* in-place entries: a hit needs the generation, the key and the bytes in place unchanged */
	static uint8_t code[32] = { 0x89, 0x02, 0x90 };
	struct x86_dcache_entry *e = x86_dcache_insert_in_place(&cache, 0x7000, 0x9000, ctx64, code, &i64, 5);
	bool hit1 = x86_dcache_lookup_in_place(&cache, 0x7000, 0x9000, ctx64, 5) == e;
	code[2] = 0xcc; /* beyond the instruction: still a hit */
	bool hit2 = x86_dcache_lookup_in_place(&cache, 0x7000, 0x9000, ctx64, 5) == e;
	bool miss1 = !x86_dcache_lookup_in_place(&cache, 0x7000, 0x9000, ctx64, 6); /* the generation moved */
	code[1] = 0x03; /* the instruction changed */
	bool miss2 = !x86_dcache_lookup_in_place(&cache, 0x7000, 0x9000, ctx64, 5);
	code[1] = 0x02;
	bool miss3 = !x86_dcache_lookup_in_place(&cache, 0x7000, 0x9000, ctx32, 5) &&
		     !x86_dcache_lookup_in_place(&cache, 0x7000, 0x9001, ctx64, 5) &&
		     !x86_dcache_lookup_in_place(&cache, 0x7001, 0x9000, ctx64, 5);
	bool hit3 = x86_dcache_lookup_in_place(&cache, 0x7000, 0x9000, ctx64, 5) == e;
	x86_dcache_insert(&cache, 0x7000, 0x9000, ctx64, code, &i64); /* replaced by a fetched entry */
	bool miss4 = !x86_dcache_lookup_in_place(&cache, 0x7000, 0x9000, ctx64, 5) &&
		     !x86_dcache_lookup_in_place(&cache, 0x7000, 0x9000, ctx64, 0);
	/* the code-size part of the key alone */
	bool masked = x86_dcache_lookup_in_place_mode(&cache, 0x7000, 0x9000, X86_AR_L | X86_EFER_LMA, 5) == 0 && /* fetched entry */
		      x86_dcache_insert_in_place(&cache, 0x7000, 0x9000, ctx64, code, &i64, 5) &&
		      x86_dcache_lookup_in_place_mode(&cache, 0x7000, 0x9000, X86_AR_L | X86_EFER_LMA, 5) &&
		      !x86_dcache_lookup_in_place_mode(&cache, 0x7000, 0x9000, X86_AR_L | X86_AR_DB | X86_EFER_LMA, 5) &&
		      !x86_dcache_lookup_in_place_mode(&cache, 0x7000, 0x9000, X86_AR_L | X86_EFER_LMA, 6);
	CHECK(masked, "cache: a lookup by the code-size bits of the key (and the generation)");
	CHECK(hit1 && hit2 && miss1 && miss2 && miss3 && hit3 && miss4,
	      "cache: in-place hits need the same generation, bytes and key (%d%d%d%d%d%d%d)", hit1, hit2, miss1, miss2,
	      miss3, hit3, miss4);

	/* MOV classes: what a caller may complete from the access's address alone */
	static const struct { uint8_t bytes[16]; enum x86_mov_class want; } classes[] = { /* zero-padded */
		{ { 0x8b, 0x03 }, X86_MOV_LOAD }, { { 0x89, 0x02 }, X86_MOV_STORE },
		{ { 0xc7, 0x03, 0x01 }, X86_MOV_STORE_IMM }, { { 0x48, 0xa1, 0, 0, 0xe0, 0xfe }, X86_MOV_LOAD },
		{ { 0x88, 0x23 }, X86_MOV_STORE }, { { 0x0f, 0xb6, 0x03 }, X86_MOV_OTHER }, { { 0xa5 }, X86_MOV_OTHER },
		{ { 0x01, 0x03 }, X86_MOV_OTHER }, { { 0x66, 0x0f, 0xd6, 0x03 }, X86_MOV_OTHER },
		{ { 0xf3, 0x0f, 0x6f, 0x03 }, X86_MOV_OTHER },
	};
	unsigned class_ok = 0, nclasses = sizeof classes / sizeof classes[0];
	for (unsigned i = 0; i < nclasses; i++) {
		struct x86_insn ci;
		class_ok += x86_decode(classes[i].bytes, 15, X86_MODE_64, &ci) == X86_DEC_OK &&
			    x86_mov_class(&ci) == classes[i].want;
	}
	CHECK(class_ok == nclasses, "cache: MOV classes (load, store, store immediate, moffs; not MOVZX, MOVS, ADD, SSE): %u/%u",
	      class_ok, nclasses);

	/* notify fast path */
	uint8_t n1[] = { 0x89, 0x02, 0x90 }, n2[] = { 0x66, 0x89, 0x02 }, n3[] = { 0x89, 0x03 };
	CHECK(x86_notify_match(n1, 3, X86_MODE_64) && x86_notify_match(n1, 2, X86_MODE_32) &&
	      !x86_notify_match(n1, 2, X86_MODE_16) && !x86_notify_match(n2, 3, X86_MODE_64) &&
	      !x86_notify_match(n3, 2, X86_MODE_64) && !x86_notify_match(n1, 1, X86_MODE_64),
	      "notify: exactly 89 02 in 32/64-bit mode");
	struct x86_insn nin;
	CHECK(x86_decode(n1, 2, X86_MODE_64, &nin) == 0 && nin.len == X86_NOTIFY_LEN && nin.memsize == X86_NOTIFY_SIZE &&
	      nin.reg == X86_RAX && nin.base == X86_RDX && nin.access == X86_ACCESS_WRITE,
	      "notify: the full decoder agrees (store of EAX to [RDX], 4 bytes, length 2)");
	R.rip = 0xfffffffe;
	R.gpr[X86_RAX] = 0x1234567800000003ull;
	x86_notify_complete(&R, X86_MODE_32);
	CHECK(x86_notify_value(&R) == 3 && R.rip == 0, "notify: value is EAX, RIP advances by 2 (wrapping in 32-bit mode)");
	return CHECK_DONE();
}
