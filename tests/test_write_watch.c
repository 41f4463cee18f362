/* Host tests for write watches (ept/write_watch.c) over the real EPT builder: watched pages lose
 * only write permission, writes end watches and move the generation, a full table resets, and a
 * random run keeps the EPT and the watch table in agreement. */
#include "ept/write_watch.h"
#include "tests/check.h"
#include "tests/ept_host_tables.h"
#include <stdlib.h>
#include <string.h>


#define GIB (1ull << 30)
#define MIB (1ull << 20)
#define RAM_FLAGS (EPT_RWX | EPT_MEMTYPE(EPT_MT_WB))

static uint64_t leaf_of(struct ept *e, uint64_t gpa, unsigned *level)
{
	uint64_t hpa;
	return ept_lookup(e, gpa, level, &hpa);
}

static bool writable(struct ept *e, uint64_t gpa)
{
	unsigned level;
	return leaf_of(e, gpa, &level) & EPT_W;
}

int main(void)
{
	int budget = 1 << 20;
	struct ept e;
	struct ept_ops ops = { host_alloc, host_ptr, &budget };
	ept_init(&e, &ops, true, true);
	ept_map(&e, 0, 0, 8 * GIB, RAM_FLAGS);
	ept_set_mmio(&e, 0xd0000000, 2 * MIB);
	ept_map(&e, 0xe0000000, 0xe0000000, 4096, EPT_R | EPT_X | EPT_MEMTYPE(EPT_MT_WB)); /* read-only */

	struct write_watch w;
	write_watch_init(&w);
	bool flush = false;
	uint64_t pages[] = { 0x1000, 0x40201234, 0x1ffff000 };
	uint64_t g = write_watch_pages(&w, &e, pages, 3, &flush);
	unsigned level;
	uint64_t leaf = leaf_of(&e, 0x40201000, &level);
	CHECK(g == 1 && flush && w.n == 3 && level == 1 && (leaf & EPT_RWX) == (EPT_R | EPT_X) &&
	      (leaf & EPT_MEMTYPE(7)) == EPT_MEMTYPE(EPT_MT_WB) && writable(&e, 0x40200000) && writable(&e, 0x40202000) &&
	      !writable(&e, 0x1000) && !writable(&e, 0x1ffff000),
	      "write watch: three pages lose write permission only (4 KiB leaves, memory type kept)");
	flush = false;
	CHECK(write_watch_pages(&w, &e, pages, 2, &flush) == 1 && !flush && w.n == 3,
	      "write watch: watching watched pages changes nothing");
	uint64_t ro[] = { 0xe0000010 }, mmio[] = { 0xd0001000 };
	flush = false;
	CHECK(write_watch_pages(&w, &e, ro, 1, &flush) == 1 && !flush && w.n == 3 && !write_watch_is_watched(&w, 0xe0000000),
	      "write watch: a page the guest cannot write needs no watch");
	CHECK(write_watch_pages(&w, &e, mmio, 1, &flush) == 0, "write watch: emulated MMIO cannot be watched (0)");

	CHECK(!write_watch_written(&w, &e, 0x2000, 8) && w.generation == 1, "write watch: a write elsewhere changes nothing");
	CHECK(write_watch_written(&w, &e, 0x40201ff8, 8) && w.generation == 2 && w.n == 2 && writable(&e, 0x40201000) &&
	      !writable(&e, 0x1000) && !write_watch_is_watched(&w, 0x40201000) && write_watch_is_watched(&w, 0x1ffff000),
	      "write watch: a write to a watched page ends that watch and moves the generation");
	CHECK(write_watch_written(&w, &e, 0x800, 0x1ffff000) && w.n == 0 && w.generation == 3 && writable(&e, 0x1000) &&
	      writable(&e, 0x1ffff000),
	      "write watch: a large DMA range ends every watch it covers");
	CHECK(!write_watch_written(&w, &e, 0xfffffffffffff000ull, 0x2000), "write watch: a range wrapping the address space is safe");

	/* a full table empties itself first */
	uint64_t many[8];
	unsigned calls = 0;
	while (w.n + 8 <= WRITE_WATCH_PAGES) {
		for (unsigned i = 0; i < 8; i++)
			many[i] = 0x100000 + (uint64_t)(calls * 8 + i) * 0x3000;
		write_watch_pages(&w, &e, many, 8, &flush);
		calls++;
	}
	uint64_t before = w.generation, more[8];
	for (unsigned i = 0; i < 8; i++)
		more[i] = 0x80000000 + i * 4096;
	flush = false;
	uint64_t g2 = write_watch_pages(&w, &e, more, 8, &flush);
	CHECK(g2 == before + 1 && w.resets == 1 && w.n == 8 && flush && writable(&e, 0x100000) && !writable(&e, 0x80000000),
	      "write watch: a full table resets (every watch ends, generation %lu -> %lu)", before, g2);

	/* out of EPT tables: refused, and the mapping stays usable */
	budget = 0;
	uint64_t far[] = { 0x1c0000000ull + 0x5000 }; /* an unsplit 1 GiB page */
	uint64_t g3 = write_watch_pages(&w, &e, far, 1, &flush);
	CHECK(g3 == 0 && writable(&e, far[0]) && (leaf_of(&e, far[0], &level) & EPT_R),
	      "write watch: no memory to split a large page -> 0, page still mapped writable");
	budget = 1 << 20;

	/* a page written again and again is not watched any more */
	uint64_t hot[] = { 0x7000 };
	unsigned rounds = 0;
	while (rounds < 100 && write_watch_pages(&w, &e, hot, 1, &flush)) {
		write_watch_written(&w, &e, 0x7008, 8);
		rounds++;
	}
	CHECK(rounds == WRITE_WATCH_HOT_LIMIT && w.refused_hot == 1 && writable(&e, 0x7000),
	      "write watch: a page whose watch writes ended %u times is refused (stays writable)", rounds);
	unsigned refusals = 1;
	while (refusals < 1000 && !write_watch_pages(&w, &e, hot, 1, &flush))
		refusals++;
	CHECK(refusals == WRITE_WATCH_HOT_RETRY && write_watch_is_watched(&w, 0x7000),
	      "write watch: after %u refusals it is watched again", refusals);
	write_watch_written(&w, &e, 0x7000, 8);

	/* random: the EPT and the table agree, and the generation moves exactly when a watch ends */
	write_watch_reset(&w, &e);
	uint64_t seed = 42, pages_refused = w.refused_hot, resets = w.resets;
	bool ok = true;
	for (int step = 0; step < 20000 && ok; step++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t page = ((seed >> 33) % 96) * 4096 + 0x200000;
		uint64_t gen = w.generation;
		if ((seed >> 20) & 1) {
			bool was = write_watch_is_watched(&w, page);
			unsigned n_before = w.n;
			uint64_t refused = w.refused_hot;
			uint64_t got = write_watch_pages(&w, &e, &page, 1, &flush);
			if (got) /* watched, or refused as too often written */
				ok = got == w.generation && write_watch_is_watched(&w, page) && !writable(&e, page) &&
				     (was || n_before == WRITE_WATCH_PAGES || w.n == n_before + 1);
			else
				ok = !was && w.refused_hot == refused + 1 && !write_watch_is_watched(&w, page) && writable(&e, page);
		} else {
			bool was = write_watch_is_watched(&w, page);
			bool ended = write_watch_written(&w, &e, page + 8, 8);
			ok = ended == was && w.generation == gen + (was ? 1 : 0) && writable(&e, page);
		}
		for (uint64_t p = 0x200000; ok && p < 0x400000; p += 4096)
			ok = writable(&e, p) != write_watch_is_watched(&w, p);
		if (!ok)
			fprintf(stderr, "step %d page 0x%lx\n", step, page);
	}
	CHECK(ok && w.resets > resets,
	      "write watch: 20000 random watches and writes on 96 pages keep EPT permissions and the table in agreement "
	      "(%lu refused as hot, %lu full-table resets)", w.refused_hot - pages_refused, w.resets - resets);
	return CHECK_DONE();
}
