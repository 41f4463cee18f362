/* Host tests for devices/range.c: registration, overlap refusal, publication, split/combine. */
#include "devices/range.h"
#include "tests/check.h"
#include <stdlib.h>
#include <string.h>

/* A fake device: a byte array of registers plus a log of the accesses it was given. */
struct fake {
	uint8_t regs[64];
	unsigned calls;
	struct { char rw; uint64_t off; unsigned size; } log[16];
};

static void note(struct fake *f, char rw, uint64_t off, unsigned size)
{
	if (f->calls < 16) {
		f->log[f->calls].rw = rw;
		f->log[f->calls].off = off;
		f->log[f->calls].size = size;
	}
	f->calls++;
}

static uint64_t fake_read(void *opaque, uint64_t off, unsigned size)
{
	struct fake *f = opaque;
	uint64_t v = 0;
	note(f, 'r', off, size);
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)f->regs[(off + i) % sizeof f->regs] << (8 * i);
	return v;
}

static void fake_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
	struct fake *f = opaque;
	note(f, 'w', off, size);
	for (unsigned i = 0; i < size; i++)
		f->regs[(off + i) % sizeof f->regs] = (uint8_t)(value >> (8 * i));
}

static const struct range_ops any_ops = { fake_read, fake_write, 0, 0 };
static const struct range_ops dword_ops = { fake_read, fake_write, 4, 4 };
static const struct range_ops word_up_ops = { fake_read, fake_write, 2, 8 };

static void fake_reset(struct fake *f)
{
	for (unsigned i = 0; i < sizeof f->regs; i++)
		f->regs[i] = (uint8_t)(0x10 + i);
	f->calls = 0;
}

static bool logged(const struct fake *f, unsigned i, char rw, uint64_t off, unsigned size)
{
	return i < f->calls && f->log[i].rw == rw && f->log[i].off == off && f->log[i].size == size;
}

#define CAP 8
static struct range_entry buf_a[CAP], buf_b[CAP];
static struct range_table table;

static void fresh(unsigned capacity)
{
	memset(buf_a, 0xA5, sizeof buf_a);
	memset(buf_b, 0x5A, sizeof buf_b);
	range_table_init(&table, buf_a, buf_b, capacity, "test");
}

static unsigned count_of(void)
{
	unsigned n;
	range_entries(&table, &n);
	return n;
}

static void test_registration(void)
{
	struct fake f;
	fresh(CAP);
	CHECK(range_lookup(&table, 0) == NULL && count_of() == 0, "empty table finds nothing");
	CHECK(range_register(&table, 0x2000, 0x1000, &any_ops, &f, "b") == RANGE_OK, "register b");
	CHECK(range_register(&table, 0x1000, 0x100, &any_ops, &f, "a") == RANGE_OK, "register a below b");
	CHECK(range_register(&table, 0x9000, 8, &any_ops, &f, "c") == RANGE_OK, "register c above b");
	unsigned n;
	const struct range_entry *e = range_entries(&table, &n);
	CHECK(n == 3 && e[0].base == 0x1000 && e[1].base == 0x2000 && e[2].base == 0x9000,
	      "entries kept sorted by base");
	const struct range_entry *hit = range_lookup(&table, 0x2fff);
	CHECK(hit && strcmp(hit->name, "b") == 0, "lookup of last byte of b");
	CHECK(range_lookup(&table, 0x3000) == NULL, "lookup just past b misses");
	CHECK(range_lookup(&table, 0x10ff) && range_lookup(&table, 0x1100) == NULL, "a ends at 0x10ff");
	CHECK(range_lookup(&table, 0xfff) == NULL, "lookup just below a misses");
	hit = range_lookup(&table, 0x9007);
	CHECK(hit && hit->opaque == &f && hit->ops == &any_ops, "entry keeps ops and opaque");

	CHECK(range_register(&table, 0x100, 0, &any_ops, &f, "z") == RANGE_EINVAL, "zero length refused");
	CHECK(range_register(&table, 0x100, 4, NULL, &f, "z") == RANGE_EINVAL, "missing ops refused");
	static const struct range_ops bad_sizes = { fake_read, fake_write, 8, 4 };
	static const struct range_ops odd_size = { fake_read, fake_write, 3, 4 };
	static const struct range_ops no_write = { fake_read, NULL, 1, 8 };
	CHECK(range_register(&table, 0x100, 8, &bad_sizes, &f, "z") == RANGE_EINVAL, "min > max refused");
	CHECK(range_register(&table, 0x100, 8, &odd_size, &f, "z") == RANGE_EINVAL, "size 3 refused");
	CHECK(range_register(&table, 0x100, 8, &no_write, &f, "z") == RANGE_EINVAL, "missing write refused");
	CHECK(range_register(&table, 0x100, 6, &dword_ops, &f, "z") == RANGE_EINVAL,
	      "length not a multiple of min_access refused");
	CHECK(count_of() == 3, "refusals change nothing");
}

/* Existing range [0x1000, 0x1fff]; every geometry of a second range against it. */
static void test_overlap_geometries(void)
{
	struct fake f;
	static const struct { uint64_t base, len; int want; const char *what; } cases[] = {
		{ 0x1000, 0x1000, RANGE_EOVERLAP, "identical" },
		{ 0x1400, 0x100, RANGE_EOVERLAP, "inside" },
		{ 0x0800, 0x2000, RANGE_EOVERLAP, "containing" },
		{ 0x0800, 0x0801, RANGE_EOVERLAP, "left, one byte in" },
		{ 0x1fff, 0x10, RANGE_EOVERLAP, "right, one byte in" },
		{ 0x1000, 1, RANGE_EOVERLAP, "single byte at base" },
		{ 0x1fff, 1, RANGE_EOVERLAP, "single byte at last" },
		{ 0x0800, 0x0800, RANGE_OK, "adjacent below" },
		{ 0x2000, 0x0800, RANGE_OK, "adjacent above" },
		{ 0x0000, 1, RANGE_OK, "far below at 0" },
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fresh(CAP);
		range_register(&table, 0x1000, 0x1000, &any_ops, &f, "x");
		int r = range_register(&table, cases[i].base, cases[i].len, &any_ops, &f, "y");
		CHECK(r == cases[i].want && count_of() == (r == RANGE_OK ? 2u : 1u), "overlap: %s -> %s",
		      cases[i].what, range_strerror(r));
	}
	/* Spanning a gap between two ranges, and overlapping only the second of them. */
	fresh(CAP);
	range_register(&table, 0x1000, 0x100, &any_ops, &f, "p");
	range_register(&table, 0x3000, 0x100, &any_ops, &f, "q");
	CHECK(range_register(&table, 0x1100, 0x1f00, &any_ops, &f, "gap") == RANGE_OK, "fits the gap exactly");
	CHECK(range_register(&table, 0x0, 0x10000, &any_ops, &f, "all") == RANGE_EOVERLAP, "covering all refused");
	CHECK(range_register(&table, 0x30ff, 0x10, &any_ops, &f, "tail") == RANGE_EOVERLAP, "tail of q refused");
}

static void test_boundaries(void)
{
	struct fake f;
	fake_reset(&f);
	fresh(CAP);
	CHECK(range_register(&table, 0, 0x10, &any_ops, &f, "low") == RANGE_OK, "range at address 0");
	CHECK(range_register(&table, UINT64_MAX - 0xf, 0x10, &any_ops, &f, "top") == RANGE_OK,
	      "range ending at 2^64-1");
	CHECK(range_lookup(&table, 0) && range_lookup(&table, UINT64_MAX), "lookups of 0 and 2^64-1 hit");
	CHECK(range_register(&table, UINT64_MAX - 7, 16, &any_ops, &f, "wrap") == RANGE_EINVAL,
	      "wrap-around refused");
	CHECK(range_register(&table, UINT64_MAX, 1, &any_ops, &f, "x") == RANGE_EOVERLAP,
	      "last byte overlap detected");
	uint64_t v;
	CHECK(range_read(&table, UINT64_MAX - 3, 8, &v) && v == 0xffffffff1f1e1d1cull,
	      "8-byte read at 2^64-4 is truncated (got %#llx)", (unsigned long long)v);
	f.calls = 0;
	CHECK(range_write(&table, UINT64_MAX, 8, 0x1122334455667788ull) && f.calls == 1 &&
	      logged(&f, 0, 'w', 0xf, 1) && f.regs[0xf] == 0x88, "8-byte write at 2^64-1 keeps one byte");

	fresh(CAP);
	CHECK(range_register(&table, 0, UINT64_MAX, &any_ops, &f, "nearly all") == RANGE_OK,
	      "[0, 2^64-2] registers");
	CHECK(range_lookup(&table, UINT64_MAX - 1) && !range_lookup(&table, UINT64_MAX),
	      "it ends at 2^64-2");
	CHECK(range_register(&table, UINT64_MAX, 1, &any_ops, &f, "last") == RANGE_OK,
	      "the last byte registers beside it");
	CHECK(range_register(&table, 1, UINT64_MAX, &any_ops, &f, "x") == RANGE_EOVERLAP &&
	      range_register(&table, 2, UINT64_MAX, &any_ops, &f, "x") == RANGE_EINVAL,
	      "[1, 2^64-1] overlaps, [2, 2^64] wraps");
}

static void test_capacity(void)
{
	struct fake f;
	fresh(4);
	int r = 0;
	for (unsigned i = 0; i < 4; i++)
		r |= range_register(&table, 0x1000 * (4 - i), 0x10, &any_ops, &f, "n");
	CHECK(r == RANGE_OK && count_of() == 4, "fills to capacity");
	CHECK(range_register(&table, 0x9000, 0x10, &any_ops, &f, "n") == RANGE_EFULL, "one more is EFULL");
	CHECK(range_move(&table, 0x4000, 0x9000) == RANGE_OK, "move works when full");
	CHECK(range_unregister(&table, 0x1000) == RANGE_OK &&
	      range_register(&table, 0x9100, 0x10, &any_ops, &f, "n") == RANGE_OK, "slot reusable after unregister");
	fresh(0);
	CHECK(range_register(&table, 0, 1, &any_ops, &f, "n") == RANGE_EFULL, "capacity 0 holds nothing");
}

static void test_unregister_and_move(void)
{
	struct fake f;
	fresh(CAP);
	range_register(&table, 0x1000, 0x100, &any_ops, &f, "a");
	range_register(&table, 0x2000, 0x100, &any_ops, &f, "b");
	range_register(&table, 0x3000, 0x100, &any_ops, &f, "c");
	CHECK(range_unregister(&table, 0x2010) == RANGE_ENOENT, "unregister needs the exact base");
	CHECK(range_unregister(&table, 0x2000) == RANGE_OK && !range_lookup(&table, 0x2000) &&
	      range_lookup(&table, 0x1000) && range_lookup(&table, 0x3000) && count_of() == 2,
	      "unregister removes only that range");
	CHECK(range_unregister(&table, 0x2000) == RANGE_ENOENT, "second unregister is ENOENT");
	CHECK(range_move(&table, 0x1000, 0x3080) == RANGE_EOVERLAP && range_lookup(&table, 0x1000),
	      "move onto another range refused, nothing changed");
	CHECK(range_move(&table, 0x1000, 0x1080) == RANGE_OK && !range_lookup(&table, 0x107f) &&
	      range_lookup(&table, 0x117f), "move overlapping its own old place");
	CHECK(range_move(&table, 0x1080, 0x5000) == RANGE_OK, "move past another range");
	unsigned n;
	const struct range_entry *e = range_entries(&table, &n);
	CHECK(n == 2 && e[0].base == 0x3000 && e[1].base == 0x5000 && strcmp(e[1].name, "a") == 0,
	      "move keeps order and identity");
	CHECK(range_move(&table, 0x7000, 0x8000) == RANGE_ENOENT, "move of unknown base is ENOENT");
	CHECK(range_move(&table, 0x5000, UINT64_MAX - 0x10) == RANGE_EINVAL, "move that would wrap refused");
}

/* The snapshot a lookup searched stays intact across the next update (double buffering). */
static void test_publication(void)
{
	struct fake f;
	fresh(CAP);
	range_register(&table, 0x1000, 0x100, &any_ops, &f, "a");
	range_register(&table, 0x2000, 0x100, &any_ops, &f, "b");
	unsigned n_before;
	const struct range_entry *before = range_entries(&table, &n_before);
	range_unregister(&table, 0x1000);
	unsigned n_after;
	const struct range_entry *after = range_entries(&table, &n_after);
	CHECK(before != after && n_before == 2 && before[0].base == 0x1000 && before[1].base == 0x2000 &&
	      n_after == 1 && after[0].base == 0x2000, "update builds the other array and publishes it whole");
	const struct range_view *v = table.active;
	CHECK(v->entries == after && v->count == 1, "published view pairs entries with their count");
}

static void test_split_combine(void)
{
	struct fake f;
	uint64_t v;
	fresh(CAP);
	range_register(&table, 0x100, 8, &dword_ops, &f, "dword");
	fake_reset(&f);
	CHECK(range_read(&table, 0x101, 1, &v) && v == 0x11 && f.calls == 1 && logged(&f, 0, 'r', 0, 4),
	      "1-byte read of a dword device reads the dword");
	fake_reset(&f);
	CHECK(range_read(&table, 0x102, 2, &v) && v == 0x1312 && f.calls == 1, "aligned 2-byte read inside dword");
	fake_reset(&f);
	CHECK(range_read(&table, 0x103, 2, &v) && v == 0x1413 && f.calls == 2 && logged(&f, 0, 'r', 0, 4) &&
	      logged(&f, 1, 'r', 4, 4), "2-byte read across dwords combines two reads");
	fake_reset(&f);
	CHECK(range_read(&table, 0x100, 8, &v) && v == 0x1716151413121110ull && f.calls == 2 &&
	      logged(&f, 0, 'r', 0, 4) && logged(&f, 1, 'r', 4, 4), "8-byte read is low dword then high dword");
	fake_reset(&f);
	CHECK(range_read(&table, 0x102, 4, &v) && v == 0x15141312, "unaligned 4-byte read");
	fake_reset(&f);
	CHECK(range_write(&table, 0x100, 8, 0x8877665544332211ull) && f.calls == 2 && logged(&f, 0, 'w', 0, 4) &&
	      logged(&f, 1, 'w', 4, 4) && f.regs[0] == 0x11 && f.regs[7] == 0x88,
	      "8-byte write splits into two dword writes, little-endian");
	fake_reset(&f);
	CHECK(range_write(&table, 0x102, 1, 0xab) && f.calls == 2 && logged(&f, 0, 'r', 0, 4) &&
	      logged(&f, 1, 'w', 0, 4) && f.regs[2] == 0xab && f.regs[1] == 0x11 && f.regs[3] == 0x13,
	      "1-byte write is read-modify-write of its dword");
	fake_reset(&f);
	CHECK(range_write(&table, 0x103, 2, 0xbbaa) && f.calls == 4 && f.regs[3] == 0xaa && f.regs[4] == 0xbb &&
	      f.regs[2] == 0x12 && f.regs[5] == 0x15, "unaligned 2-byte write modifies two dwords");
	fake_reset(&f);
	CHECK(range_read(&table, 0x106, 4, &v) && v == 0xffff1716, "read past range end reads ones");
	fake_reset(&f);
	CHECK(range_write(&table, 0x104, 8, 0x0102030405060708ull) && f.calls == 1 && logged(&f, 0, 'w', 4, 4) &&
	      f.regs[4] == 0x08 && f.regs[8] == 0x18, "write past range end is dropped");
	fake_reset(&f);
	CHECK(!range_read(&table, 0x108, 4, &v) && v == 0xffffffff, "read of nothing: false and all ones");
	CHECK(!range_write(&table, 0xff, 4, 0), "write of nothing: false");
	CHECK(!range_read(&table, 0x100, 3, &v) && !range_write(&table, 0x100, 16, 0), "bad access sizes refused");

	fresh(CAP);
	range_register(&table, 0, 16, &any_ops, &f, "bytes");
	fake_reset(&f);
	CHECK(range_read(&table, 3, 8, &v) && v == 0x1a19181716151413ull && f.calls == 4 &&
	      logged(&f, 0, 'r', 3, 1) && logged(&f, 1, 'r', 4, 4) && logged(&f, 2, 'r', 8, 2) &&
	      logged(&f, 3, 'r', 10, 1), "unaligned 8-byte on 1..8 device: 1+4+2+1 natural pieces");
	fake_reset(&f);
	CHECK(range_read(&table, 8, 8, &v) && f.calls == 1 && logged(&f, 0, 'r', 8, 8), "aligned qword passes whole");

	fresh(CAP);
	range_register(&table, 0, 16, &word_up_ops, &f, "words");
	fake_reset(&f);
	CHECK(range_read(&table, 1, 4, &v) && v == 0x14131211 && f.calls == 3 && logged(&f, 0, 'r', 0, 2) &&
	      logged(&f, 1, 'r', 2, 2) && logged(&f, 2, 'r', 4, 2), "2..8 device, unaligned dword: three words");
}

/* Random operations against a byte-map reference model of a small address space. */
static void test_against_reference(void)
{
	enum { SPACE = 256, N = 8 };
	static struct range_entry a[N], b[N];
	struct range_table t;
	int owner[SPACE];
	static struct fake f;
	range_table_init(&t, a, b, N, "ref");
	for (int i = 0; i < SPACE; i++)
		owner[i] = -1;
	srand(12345);
	unsigned mismatches = 0, ops = 0;
	for (int step = 0; step < 20000; step++) {
		uint64_t base = (uint64_t)(rand() % SPACE), len = (uint64_t)(1 + rand() % 24);
		int op = rand() % 4;
		if (op == 0 || op == 1) {
			bool free_ = base + len <= SPACE;
			for (uint64_t i = base; free_ && i < base + len; i++)
				free_ = owner[i] < 0;
			unsigned n;
			range_entries(&t, &n);
			int want = base + len > SPACE ? -99 : !free_ ? RANGE_EOVERLAP : n == N ? RANGE_EFULL : RANGE_OK;
			if (want == -99)
				continue;
			int r = range_register(&t, base, len, &any_ops, &f, "r");
			mismatches += r != want;
			if (r == RANGE_OK)
				for (uint64_t i = base; i < base + len; i++)
					owner[i] = (int)base;
		} else if (op == 2) {
			bool is_base = owner[base] == (int)base && (base == 0 || owner[base - 1] != (int)base);
			int r = range_unregister(&t, base);
			mismatches += (r == RANGE_OK) != is_base;
			if (r == RANGE_OK)
				for (int i = 0; i < SPACE; i++)
					if (owner[i] == (int)base)
						owner[i] = -1;
		}
		uint64_t probe = (uint64_t)(rand() % (SPACE + 8));
		const struct range_entry *e = range_lookup(&t, probe);
		int want = probe < SPACE ? owner[probe] : -1;
		mismatches += want < 0 ? e != NULL : (!e || e->base != (uint64_t)want);
		ops++;
	}
	CHECK(mismatches == 0, "%u random register/unregister/lookup steps agree with a byte map", ops);
}

/* Callers that remember a looked-up entry (the MMIO decode cache) rely on the generation: it
 * changes with every published update and only then; and on range_entry_read/write matching
 * range_read/write. */
static void test_generation_and_entry_access(void)
{
	struct fake f = { 0 };
	fresh(CAP);
	uint64_t g0 = range_generation(&table);
	range_register(&table, 0x100, 8, &dword_ops, &f, "dword");
	uint64_t g1 = range_generation(&table);
	const struct range_entry *e = range_lookup(&table, 0x104);
	uint64_t v = 0, w = 0;
	range_read(&table, 0x104, 4, &v);
	bool same_gen = range_generation(&table) == g1;
	CHECK(g1 != g0 && same_gen && range_register(&table, 0x104, 4, &dword_ops, &f, "x") == RANGE_EOVERLAP &&
	      range_generation(&table) == g1, "generation: changes on register, not on lookups or refused updates");
	range_entry_write(e, 0x104, 4, 0xdeadbeef);
	range_entry_read(e, 0x104, 4, &v);
	range_entry_write(e, 0x101, 2, 0x1234); /* narrower than the device: read-modify-write */
	range_read(&table, 0x100, 4, &w);
	CHECK(v == 0xdeadbeef && w == 0x00123400u, "entry access: direct and split like range_read/write (0x%lx 0x%lx)",
	      (unsigned long)v, (unsigned long)w);
	range_move(&table, 0x100, 0x200);
	uint64_t g2 = range_generation(&table);
	range_unregister(&table, 0x200);
	CHECK(g2 != g1 && range_generation(&table) != g2, "generation: changes on move and unregister");
}

int main(void)
{
	test_registration();
	test_generation_and_entry_access();
	test_overlap_geometries();
	test_boundaries();
	test_capacity();
	test_unregister_and_move();
	test_publication();
	test_split_combine();
	test_against_reference();
	return CHECK_DONE();
}
