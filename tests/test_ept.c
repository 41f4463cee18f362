/* Host tests for the EPT builder (ept/ept.c): structure, large pages, splitting, MMIO and
 * unmapped kinds, and a randomized comparison against a page-granular reference model. */
#include "ept/ept.h"
#include "tests/check.h"
#include "tests/ept_host_tables.h"
#include <stdlib.h>
#include <string.h>


#define GIB (1ull << 30)
#define MIB (1ull << 20)

static struct ept new_ept(bool m2, bool g1, int *budget)
{
	struct ept e;
	struct ept_ops ops = { host_alloc, host_ptr, budget };
	ept_init(&e, &ops, m2, g1);
	return e;
}

/* Reference model: per 4 KiB page of the first 256 MiB: 0 unmapped, 1 MMIO, 2 mapped. */
#define MODEL_PAGES (256 * 256)
static uint8_t model_kind[MODEL_PAGES];
static uint64_t model_hpa[MODEL_PAGES], model_flags[MODEL_PAGES];

int main(void)
{
	struct ept e = new_ept(true, true, NULL);
	CHECK(ept_map(&e, 0, 0, 4 * GIB, EPT_RWX | EPT_MEMTYPE(EPT_MT_WB)) == 0, "ept identity map 4 GiB");
	unsigned level;
	uint64_t hpa, entry = ept_lookup(&e, 0x12345678, &level, &hpa);
	CHECK(level == 3 && hpa == 0x12345678 && (entry & EPT_LARGE), "ept uses 1 GiB pages when aligned");
	CHECK(e.tables == 2, "ept 4 GiB with 1 GiB pages needs 2 tables (got %u)", e.tables);
	CHECK(ept_pointer(&e) == (e.pml4_pa | 0x1e), "ept pointer: WB, 4-level walk");

	/* Hide one 4 KiB page inside the first GiB: splits 1G -> 2M -> 4K, neighbours unchanged. */
	CHECK(ept_unmap(&e, 0x100000, 0x1000) == 0, "ept unmap one page");
	entry = ept_lookup(&e, 0x100000, &level, &hpa);
	CHECK(entry == 0 && level == 1, "ept unmapped page is not present");
	entry = ept_lookup(&e, 0x101000, &level, &hpa);
	CHECK(level == 1 && hpa == 0x101000 && (entry & EPT_RWX) == EPT_RWX && ((entry >> 3) & 7) == EPT_MT_WB,
	      "ept split keeps neighbours and attributes");
	entry = ept_lookup(&e, 0x200000, &level, &hpa);
	CHECK(level == 2 && hpa == 0x200000, "ept split only as deep as needed");
	entry = ept_lookup(&e, 0x40000000, &level, &hpa);
	CHECK(level == 3 && hpa == 0x40000000, "ept other GiB untouched");

	CHECK(ept_set_mmio(&e, 0xfee00000, 0x1000) == 0, "ept mark MMIO page");
	entry = ept_lookup(&e, 0xfee00000, &level, &hpa);
	CHECK(ept_entry_is_mmio(entry) && level == 1 && hpa == 0, "ept MMIO page is a misconfiguration leaf");
	CHECK(ept_set_mmio(&e, 0xc0000000, 0x200000) == 0 &&
		      ept_entry_is_mmio(ept_lookup(&e, 0xc0100000, &level, NULL)) && level == 2,
	      "ept MMIO range uses a large misconfiguration leaf");

	CHECK(ept_map_alias(&e, 0x3000000, 0x5000, 0x4000, EPT_R | EPT_MEMTYPE(EPT_MT_WB)) == 0, "ept alias map");
	int alias_ok = 1;
	for (uint64_t g = 0x3000000; g < 0x3004000; g += 0x1000) {
		entry = ept_lookup(&e, g + 8, &level, &hpa);
		alias_ok &= hpa == 0x5008 && (entry & EPT_RWX) == EPT_R && level == 1;
	}
	CHECK(alias_ok, "ept alias maps every page to one host page, read-only");

	CHECK(ept_map(&e, 0x1001, 0, 0x1000, EPT_RWX) == EPT_EINVAL, "ept refuses unaligned gpa");
	CHECK(ept_map(&e, 0, 0, 0x1000, EPT_W) == EPT_EINVAL && ept_map(&e, 0, 0, 0x1000, EPT_W | EPT_X) == EPT_EINVAL, "ept refuses write without read (a misconfiguration)");
	CHECK(ept_map(&e, 0, 0, 0, EPT_RWX) == EPT_OK, "ept zero length is a no-op");
	CHECK(ept_map(&e, ~0xfffull, 0, 0x2000, EPT_RWX) == EPT_EINVAL, "ept refuses wrap-around");

	/* 2 MiB pages at most, misaligned host addresses: must fall back to 4 KiB. */
	struct ept f = new_ept(true, false, NULL);
	ept_map(&f, 0, 0x1000, 4 * MIB, EPT_RWX);
	ept_lookup(&f, 0x200000, &level, &hpa);
	CHECK(level == 1 && hpa == 0x201000, "ept misaligned host address forces 4 KiB pages");
	ept_map(&f, 2 * GIB, 2 * GIB, GIB, EPT_RWX);
	ept_lookup(&f, 2 * GIB + 5, &level, &hpa);
	CHECK(level == 2 && hpa == 2 * GIB + 5, "ept without 1 GiB support uses 2 MiB pages");

	int budget = 3;
	struct ept g = new_ept(true, true, &budget);
	CHECK(ept_map(&g, 0, 0, 0x1000, EPT_RWX) == EPT_ENOMEM, "ept reports running out of table memory");

	/* Randomized: operations on the first 256 MiB against the reference model. */
	srand(12345);
	struct ept r = new_ept(true, true, NULL);
	memset(model_kind, 0, sizeof model_kind);
	int ok = 1;
	for (int op = 0; op < 400 && ok; op++) {
		uint64_t first = rand() % MODEL_PAGES, n = 1 + rand() % (rand() % 3 ? 16 : 2048);
		if (rand() % 4 == 0)
			first &= ~511ull; /* sometimes 2 MiB aligned */
		if (first + n > MODEL_PAGES)
			n = MODEL_PAGES - first;
		int kind = rand() % 4;
		uint64_t host = (uint64_t)(rand() % 4096) << 12;
		if (rand() % 2)
			host = first << 12; /* identity, large pages possible */
		uint64_t flags = (1 + rand() % 7) | EPT_MEMTYPE(rand() % 2 ? EPT_MT_WB : EPT_MT_UC);
		if ((flags & 3) == EPT_W)
			flags |= EPT_R;
		int rc;
		if (kind == 0) rc = ept_unmap(&r, first << 12, n << 12);
		else if (kind == 1) rc = ept_set_mmio(&r, first << 12, n << 12);
		else rc = ept_map(&r, first << 12, host, n << 12, flags);
		ok &= rc == 0;
		for (uint64_t p = first; p < first + n; p++) {
			model_kind[p] = kind == 0 ? 0 : kind == 1 ? 1 : 2;
			model_hpa[p] = host + ((p - first) << 12);
			model_flags[p] = flags;
		}
		for (uint64_t p = 0; p < MODEL_PAGES && ok; p += 1 + rand() % 7) {
			entry = ept_lookup(&r, (p << 12) | 0x123, &level, &hpa);
			if (model_kind[p] == 0) ok &= entry == 0;
			else if (model_kind[p] == 1) ok &= ept_entry_is_mmio(entry);
			else ok &= hpa == (model_hpa[p] | 0x123) && (entry & 0x7f) == model_flags[p];
			if (!ok)
				printf("mismatch at page %#lx after op %d\n", (unsigned long)p, op);
		}
	}
	CHECK(ok, "ept randomized operations agree with a page-granular model");
	return CHECK_DONE();
}
