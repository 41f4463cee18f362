/* Host tests for the physical page allocator (mm/pmm.c). */
#include "mm/pmm.h"
#include "tests/check.h"

static int ranges_are(const struct pmm *p, unsigned n, const uint64_t *pairs)
{
	if (p->n != n)
		return 0;
	for (unsigned i = 0; i < n; i++)
		if (p->free[i].base != pairs[2 * i] || p->free[i].end != pairs[2 * i + 1])
			return 0;
	return 1;
}

int main(void)
{
	struct pmm p;
	pmm_init(&p);
	/* A Bochs-like map: low memory, then RAM from 1 MiB to 64 MiB minus an ACPI tail. */
	pmm_add(&p, 0x0, 0x9fc00);
	pmm_add(&p, 0x100000, 0x3ef0000);
	CHECK(ranges_are(&p, 2, (uint64_t[]){ 0x0, 0x9f000, 0x100000, 0x3ff0000 }), "pmm add shrinks to whole pages");
	CHECK(p.free_bytes == 0x9f000 + 0x3ef0000, "pmm counts free bytes");

	pmm_add(&p, 0x3ff0000, 0x10000);
	CHECK(ranges_are(&p, 2, (uint64_t[]){ 0x0, 0x9f000, 0x100000, 0x4000000 }), "pmm merges touching ranges");

	/* Image at 1 MiB..1.3 MiB, loader structures in low memory, a module. */
	pmm_reserve(&p, 0x0, 0x100000);
	pmm_reserve(&p, 0x100000, 0x4c123);
	pmm_reserve(&p, 0x200000, 0x1000);
	CHECK(ranges_are(&p, 2, (uint64_t[]){ 0x14d000, 0x200000, 0x201000, 0x4000000 }), "pmm reserve carves holes");

	uint64_t pool = pmm_alloc_top(&p, 4 << 20, 2 << 20, 1ull << 32);
	CHECK(pool == 0x3c00000, "pmm alloc_top takes from the top, aligned (got %#lx)", (unsigned long)pool);
	CHECK(ranges_are(&p, 2, (uint64_t[]){ 0x14d000, 0x200000, 0x201000, 0x3c00000 }), "pmm alloc leaves the rest");

	uint64_t small = pmm_alloc_top(&p, 0x1000, 0x1000, 0x200000);
	CHECK(small == 0x1ff000, "pmm honours the limit (got %#lx)", (unsigned long)small);
	CHECK(pmm_alloc_top(&p, 1ull << 40, 0x1000, ~0ull) == 0, "pmm refuses what does not fit");
	CHECK(pmm_alloc_top(&p, 0x1000, 0x1800, ~0ull) == 0, "pmm refuses a non-power-of-two alignment");

	pmm_free(&p, 0x1ff000, 0x1000);
	pmm_free(&p, 0x3c00000, 4 << 20);
	CHECK(ranges_are(&p, 2, (uint64_t[]){ 0x14d000, 0x200000, 0x201000, 0x4000000 }), "pmm free merges back");

	/* Whatever is reserved is never handed out, however the allocations fall. */
	struct pmm q;
	pmm_init(&q);
	pmm_add(&q, 0, 1 << 24);
	pmm_reserve(&q, 0x5000, 0x3000);
	int ok = 1;
	for (int i = 0; i < 4096; i++) {
		uint64_t a = pmm_alloc_top(&q, 0x1000, 0x1000, ~0ull);
		if (!a)
			break;
		if (a >= 0x5000 && a < 0x8000)
			ok = 0;
	}
	CHECK(ok && q.n == 1 && q.free[0].base == 0 && q.free[0].end == 0x1000, "pmm never hands out a reserved page and never page 0");

	struct pmm full;
	pmm_init(&full);
	int refused = 0;
	for (int i = 0; i < PMM_MAX_RANGES + 1; i++)
		refused |= pmm_add(&full, (uint64_t)i * 0x10000, 0x1000) != 0;
	CHECK(refused && full.n == PMM_MAX_RANGES, "pmm reports a full range table");
	return CHECK_DONE();
}
