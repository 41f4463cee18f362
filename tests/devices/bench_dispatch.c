/*
 * Lookup cost of the flat range table with 1 500 ranges, the size of a fully populated bus
 * segment (32 slots x 8 functions x 6 BARs, first 1 500), against a linear scan of the same
 * sorted entries. Run under callgrind by tools/bench-dispatch.sh, which counts only the
 * instructions inside the lookup function (--toggle-collect) and takes the difference between
 * N and 2N lookups, so setup and loop overhead cancel.
 *
 * Usage: bench_dispatch binary|linear N
 */
#include "devices/range.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SLOTS = 32, FUNCS = 8, BARS = 6, RANGES = 1500, PROBES = 4096 };

static struct range_entry buf_a[RANGES], buf_b[RANGES];
static struct range_table table;
static uint64_t probes[PROBES];

static uint64_t dummy_read(void *opaque, uint64_t off, unsigned size) { return 0; }
static void dummy_write(void *opaque, uint64_t off, unsigned size, uint64_t v) {}
static const struct range_ops ops = { dummy_read, dummy_write, 0, 0 };

/* Firmware-style assignment: each BAR naturally aligned in the 32-bit window at 0xc0000000
 * or, for the large prefetchable 64-bit BAR, above 512 GiB. */
static void populate(void)
{
	static const uint64_t size[BARS] = { 0x4000, 0x1000, 0x100000, 0x2000, 0x10000, 0x1000 };
	uint64_t low = 0xc0000000ull, high = 0x8000000000ull;
	unsigned n = 0;
	range_table_init(&table, buf_a, buf_b, RANGES, "mmio");
	for (unsigned s = 0; s < SLOTS; s++)
		for (unsigned f = 0; f < FUNCS; f++)
			for (unsigned b = 0; b < BARS && n < RANGES; b++, n++) {
				uint64_t *cursor = size[b] >= 0x100000 ? &high : &low;
				uint64_t base = (*cursor + size[b] - 1) & ~(size[b] - 1);
				*cursor = base + size[b];
				if (range_register(&table, base, size[b], &ops, NULL, "bar") != RANGE_OK) {
					fprintf(stderr, "bench_dispatch: register %u failed\n", n);
					exit(2);
				}
			}
}

/* Random dword-aligned addresses inside random registered ranges (fixed seed). */
static void make_probes(void)
{
	unsigned count;
	const struct range_entry *e = range_entries(&table, &count);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (unsigned i = 0; i < PROBES; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		const struct range_entry *r = &e[x % count];
		probes[i] = r->base + ((x >> 20) % r->len & ~3ull);
	}
}

/* The obvious alternative: test every entry in turn. */
__attribute__((noinline)) const struct range_entry *linear_lookup(const struct range_table *t, uint64_t addr)
{
	unsigned count;
	const struct range_entry *e = range_entries(t, &count);
	for (unsigned i = 0; i < count; i++)
		if (addr - e[i].base < e[i].len)
			return &e[i];
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "binary") && strcmp(argv[1], "linear"))) {
		fprintf(stderr, "usage: bench_dispatch binary|linear N\n");
		return 2;
	}
	bool linear = strcmp(argv[1], "linear") == 0;
	unsigned long n = strtoul(argv[2], NULL, 0);
	populate();
	make_probes();
	unsigned long misses = 0;
	for (unsigned long i = 0; i < n; i++) {
		uint64_t a = probes[i % PROBES];
		const struct range_entry *e = linear ? linear_lookup(&table, a) : range_lookup(&table, a);
		misses += e == NULL;
	}
	printf("%s lookups=%lu misses=%lu\n", argv[1], n, misses);
	return misses != 0;
}
