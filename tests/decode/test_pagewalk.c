/* Page walker tests: paging off, 32-bit (4 KiB and 4 MiB PSE pages), PAE, 4- and 5-level
 * paging; accessed/dirty updates; U/S, R/W with CR0.WP, NX, SMEP, SMAP, reserved bits; #PF
 * error codes and CR2; cross-page linear accesses and instruction fetch. */
#include "decode/fetch.h"
#include "tests/decode/fake_guest.h"
#include "tests/check.h"
#include <stdio.h>

static struct fake_guest G;
static struct x86_fault F;
#define R (G.regs)
static uint64_t next_page;

static uint64_t alloc_page(void)
{
	uint64_t p = next_page;
	next_page += 0x1000;
	memset(G.ram + p, 0, 0x1000);
	return p;
}

static int xlat(uint64_t la, unsigned acc, uint64_t *gpa)
{
	memset(&F, 0, sizeof F);
	return x86_translate(&R, &fg_phys, &G, la, acc, gpa, &F);
}

static bool pf(uint32_t ec, uint64_t la)
{
	return F.vector == X86_EXC_PF && F.has_error_code && F.error_code == ec && F.cr2 == la;
}

/* 4-level tables: maps la -> pa with leaf flags at level (1 = 4K, 2 = 2M, 3 = 1G). */
static uint64_t map4(uint64_t la, uint64_t pa, uint64_t flags, int leaf_level, unsigned levels)
{
	uint64_t table = R.cr3 & ~0xfffull, entry_addr = 0;
	for (int level = (int)levels; level >= leaf_level; level--) {
		unsigned shift = 12 + 9 * (unsigned)(level - 1);
		entry_addr = table + (((la >> shift) & 511) << 3);
		if (level == leaf_level) {
			fg_w64(&G, entry_addr, pa | flags | (leaf_level > 1 ? 0x80 : 0));
			break;
		}
		uint64_t e = fg_r64(&G, entry_addr);
		if (!(e & 1)) {
			e = alloc_page() | 0x7; /* non-leaf: present, writable, user */
			fg_w64(&G, entry_addr, e);
		}
		table = e & 0x000ffffffffff000ull;
	}
	return entry_addr;
}

static void setup_long(unsigned levels)
{
	fg_reset(&G, X86_MODE_64);
	next_page = 0x10000;
	R.cr3 = alloc_page();
	if (levels == 5)
		R.cr4 |= X86_CR4_LA57;
	R.maxphyaddr = 40;
}

static void test_paging_off(void)
{
	uint64_t gpa;
	fg_reset(&G, X86_MODE_32);
	CHECK(xlat(0x12345678, X86_XLAT_WRITE, &gpa) == 0 && gpa == 0x12345678, "walk paging off: gpa = la");
}

static void test_32bit(void)
{
	uint64_t gpa;
	fg_reset(&G, X86_MODE_32);
	next_page = 0x10000;
	R.cr0 |= X86_CR0_PG | X86_CR0_WP;
	R.cr3 = alloc_page();
	uint64_t pt = alloc_page();
	fg_w32(&G, R.cr3 + (0x00400000 >> 22) * 4, (uint32_t)pt | 0x7);
	fg_w32(&G, pt + 5 * 4, 0x00345000 | 0x5); /* la 0x00405000: user, read-only */
	CHECK(xlat(0x00405123, 0, &gpa) == 0 && gpa == 0x00345123, "walk 32-bit 4K page");
	CHECK((fg_r32(&G, R.cr3 + 4) & 0x20) && (fg_r32(&G, pt + 20) & 0x60) == 0x20,
	      "walk 32-bit read sets A in PDE and PTE, not D");
	CHECK(xlat(0x00405123, X86_XLAT_WRITE, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_P | X86_PFEC_W, 0x00405123) &&
	      !(fg_r32(&G, pt + 20) & 0x40), "walk 32-bit write to read-only with WP -> #PF(P|W), no D");
	R.cr0 &= ~X86_CR0_WP;
	CHECK(xlat(0x00405123, X86_XLAT_WRITE, &gpa) == 0 && (fg_r32(&G, pt + 20) & 0x40),
	      "walk 32-bit supervisor write with WP=0 succeeds and sets D");
	R.cpl = 3;
	CHECK(xlat(0x00405123, X86_XLAT_WRITE, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_P | X86_PFEC_W | X86_PFEC_U, 0x00405123),
	      "walk 32-bit user write to read-only -> #PF(P|W|U) even with WP=0");
	R.cpl = 0;
	CHECK(xlat(0x00406000, 0, &gpa) == X86_EMU_FAULT && pf(0, 0x00406000), "walk 32-bit not-present PTE -> #PF(0)");
	CHECK(xlat(0x00406000, X86_XLAT_FETCH, &gpa) == X86_EMU_FAULT && pf(0, 0x00406000),
	      "walk 32-bit fetch fault has no I flag without NX/SMEP");
	/* 4 MiB page with PSE-36 bits */
	R.cr4 |= X86_CR4_PSE;
	fg_w32(&G, R.cr3 + (0x80000000u >> 22) * 4, 0x01c00000 | (0x3u << 13) | 0x83);
	CHECK(xlat(0x80123456, 0, &gpa) == 0 && gpa == 0x301d23456ull, "walk 32-bit PSE 4M page with PA bits 39:32");
	fg_w32(&G, R.cr3 + (0x80000000u >> 22) * 4, 0x01c00000 | (1u << 21) | 0x83);
	CHECK(xlat(0x80123456, 0, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_P | X86_PFEC_RSVD, 0x80123456),
	      "walk 32-bit PSE reserved bit 21 -> #PF(P|RSVD)");
	R.cr4 &= ~X86_CR4_PSE; /* PS ignored: the PDE points to a page table */
	fg_w32(&G, R.cr3 + (0x80000000u >> 22) * 4, (uint32_t)pt | 0x83);
	CHECK(xlat(0x80005123, 0, &gpa) == 0 && gpa == 0x00345123, "walk 32-bit PS ignored without CR4.PSE");
}

static void test_pae(void)
{
	uint64_t gpa;
	fg_reset(&G, X86_MODE_32);
	next_page = 0x10000;
	R.cr0 |= X86_CR0_PG | X86_CR0_WP;
	R.cr4 |= X86_CR4_PAE;
	R.efer = X86_EFER_NXE;
	R.maxphyaddr = 36;
	uint64_t pdpt = alloc_page() + 0x20; /* 32-byte aligned PDPT */
	R.cr3 = pdpt;
	uint64_t pd = alloc_page(), pt = alloc_page();
	fg_w64(&G, pdpt + 2 * 8, pd | 1);              /* 0x80000000.. */
	fg_w64(&G, pd + 0 * 8, pt | 0x7);
	fg_w64(&G, pt + 1 * 8, 0x123456000ull | 0x3 | (1ull << 63)); /* NX, supervisor, writable */
	fg_w64(&G, pd + 1 * 8, 0x00a00000ull | 0x87);  /* 2M page at 0x80200000 */
	CHECK(xlat(0x80001abc, X86_XLAT_WRITE, &gpa) == 0 && gpa == 0x123456abcull &&
	      (fg_r64(&G, pt + 8) & 0x60) == 0x60 && !(fg_r64(&G, pdpt + 16) & 0x20),
	      "walk PAE 4K write: A/D set, PDPTE untouched");
	CHECK(xlat(0x80001abc, X86_XLAT_FETCH, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_P | X86_PFEC_I, 0x80001abc),
	      "walk PAE fetch from an NX page -> #PF(P|I)");
	CHECK(xlat(0x80234567, 0, &gpa) == 0 && gpa == 0x00a34567, "walk PAE 2M page");
	R.efer = 0;
	CHECK(xlat(0x80001abc, 0, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_P | X86_PFEC_RSVD, 0x80001abc),
	      "walk PAE XD bit with EFER.NXE=0 is reserved");
	fg_w64(&G, pdpt + 2 * 8, pd | 1 | 0x2); /* bit 1 reserved in a PDPTE */
	CHECK(xlat(0x80234567, 0, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_P | X86_PFEC_RSVD, 0x80234567),
	      "walk PAE PDPTE reserved bit -> #PF(P|RSVD)");
	CHECK(xlat(0x00001000, 0, &gpa) == X86_EMU_FAULT && pf(0, 0x1000), "walk PAE not-present PDPTE -> #PF(0)");
	fg_w64(&G, pdpt + 2 * 8, pd | 1);
	fg_w64(&G, pd + 1 * 8, 0x00a00000ull | 0x87 | (1ull << 40)); /* above MAXPHYADDR 36 */
	CHECK(xlat(0x80234567, 0, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_P | X86_PFEC_RSVD, 0x80234567),
	      "walk PAE address bit above MAXPHYADDR is reserved");
}

static void test_long(void)
{
	uint64_t gpa;
	setup_long(4);
	uint64_t la4k = 0x00007f0000001000ull, la2m = 0x00007f0040000000ull, la1g = 0xffff800000000000ull;
	uint64_t pte = map4(la4k, 0x0000000abcdef000ull, 0x7, 1, 4);
	map4(la2m, 0x40200000ull, 0x7 | (1ull << 63), 2, 4);
	map4(la1g, 0x80000000ull, 0x3, 3, 4);
	R.efer |= X86_EFER_NXE;
	CHECK(xlat(la4k + 0x123, X86_XLAT_WRITE, &gpa) == 0 && gpa == 0xabcdef123ull && (fg_r64(&G, pte) & 0x60) == 0x60,
	      "walk 4-level 4K page, A and D set");
	CHECK(xlat(la2m + 0x1234, 0, &gpa) == 0 && gpa == 0x40201234ull, "walk 4-level 2M page");
	CHECK(xlat(la1g + 0x12345678, 0, &gpa) == 0 && gpa == 0x92345678ull, "walk 4-level 1G page");
	CHECK(xlat(la2m, X86_XLAT_FETCH, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_P | X86_PFEC_I, la2m),
	      "walk 4-level NX fetch -> #PF(P|I)");
	CHECK(xlat(0x0000100000000000ull, X86_XLAT_FETCH, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_I, 0x0000100000000000ull),
	      "walk 4-level not-present fetch with NXE -> #PF(I)");
	R.cpl = 3;
	CHECK(xlat(la1g, 0, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_P | X86_PFEC_U, la1g),
	      "walk 4-level user read of a supervisor page -> #PF(P|U)");
	CHECK(xlat(la4k, X86_XLAT_SUPERVISOR, &gpa) == 0, "walk implicit supervisor access ignores CPL 3");
	R.cpl = 0;
	R.cr4 |= X86_CR4_SMEP;
	CHECK(xlat(la4k, X86_XLAT_FETCH, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_P | X86_PFEC_I, la4k),
	      "walk SMEP: supervisor fetch from a user page -> #PF(P|I)");
	R.cr4 |= X86_CR4_SMAP;
	CHECK(xlat(la4k, 0, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_P, la4k), "walk SMAP: supervisor read of a user page -> #PF(P)");
	R.rflags |= X86_FL_AC;
	CHECK(xlat(la4k, 0, &gpa) == 0, "walk SMAP with RFLAGS.AC=1 allows the access");
	CHECK(xlat(la4k, X86_XLAT_SUPERVISOR, &gpa) == X86_EMU_FAULT, "walk SMAP implicit access faults even with AC=1");
	R.rflags &= ~X86_FL_AC;
	R.cr4 &= ~(X86_CR4_SMEP | X86_CR4_SMAP);
	/* reserved bits */
	uint64_t pml4e = R.cr3 + ((la4k >> 39) & 511) * 8;
	uint64_t save = fg_r64(&G, pml4e);
	fg_w64(&G, pml4e, save | 0x80);
	CHECK(xlat(la4k, 0, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_P | X86_PFEC_RSVD, la4k), "walk PS in a PML4E is reserved");
	fg_w64(&G, pml4e, save);
	fg_w64(&G, pte, fg_r64(&G, pte) | (1ull << 45));
	CHECK(xlat(la4k, X86_XLAT_WRITE, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_P | X86_PFEC_RSVD | X86_PFEC_W, la4k),
	      "walk PTE bit above MAXPHYADDR 40 -> #PF(P|W|RSVD)");
	uint64_t pde2m = map4(la2m, 0x40200000ull | (1ull << 13), 0x7, 2, 4);
	(void)pde2m;
	CHECK(xlat(la2m, 0, &gpa) == X86_EMU_FAULT && pf(X86_PFEC_P | X86_PFEC_RSVD, la2m), "walk 2M page bit 13 reserved");
	/* A bits are not set on a faulting walk */
	uint64_t la_ro = 0x00007f0000005000ull;
	uint64_t pte_ro = map4(la_ro, 0x5000, 0x5, 1, 4);
	R.cr0 |= X86_CR0_WP;
	CHECK(xlat(la_ro, X86_XLAT_WRITE, &gpa) == X86_EMU_FAULT && !(fg_r64(&G, pte_ro) & 0x20),
	      "walk no accessed bit on a protection fault");
	/* 5-level */
	setup_long(5);
	uint64_t la57 = 0x00ff000000003000ull;
	map4(la57, 0x77000, 0x3, 1, 5);
	CHECK(xlat(la57 + 8, 0, &gpa) == 0 && gpa == 0x77008, "walk 5-level (LA57) 4K page");
}

static void test_linear_and_fetch(void)
{
	setup_long(4);
	uint64_t base = 0x0000400000000000ull;
	map4(base, 0x200000, 0x3, 1, 4);          /* page 0 present */
	/* page 1 (base+0x1000) not present */
	uint8_t buf[16] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	memset(G.ram + 0x200ff8, 0xee, 8);
	int rc = x86_linear_write(&G.lin, base + 0xffc, buf, 8, &F);
	CHECK(rc == X86_EMU_FAULT && pf(X86_PFEC_W, base + 0x1000) && G.ram[0x200ffc] == 0xee,
	      "linear write across into a not-present page faults with CR2 on the second page, nothing written");
	map4(base + 0x1000, 0x300000, 0x3, 1, 4);
	rc = x86_linear_write(&G.lin, base + 0xffc, buf, 8, &F);
	CHECK(rc == 0 && G.ram[0x200fff] == 4 && G.ram[0x300000] == 5 && G.ram[0x300003] == 8,
	      "linear write split across two pages");
	uint8_t rd[8] = { 0 };
	CHECK(x86_linear_read(&G.lin, base + 0xffc, rd, 8, 0, &F) == 0 && memcmp(rd, buf, 8) == 0, "linear read split across two pages");

	/* instruction fetch across a page boundary into a not-present page */
	map4(base + 0x1000, 0, 0, 1, 4); /* page 1 not present again */
	struct x86_insn in;
	R.rip = base + 0xffe;
	G.ram[0x200ffe] = 0x89;
	G.ram[0x200fff] = 0x02;           /* mov [rdx],eax fits in page 0 */
	CHECK(x86_fetch_decode(&G.lin, NULL, &in, &F) == 0 && in.len == 2,
	      "fetch: instruction ending at the page end decodes although the next page faults");
	G.ram[0x200ffe] = 0x8b;
	G.ram[0x200fff] = 0x82; /* ModRM mod=10: needs disp32 from page 1 */
	rc = x86_fetch_decode(&G.lin, NULL, &in, &F);
	CHECK(rc == X86_EMU_FAULT && pf(X86_PFEC_I, base + 0x1000),
	      "fetch: bytes needed from a not-present page -> #PF(I) with CR2 = page 1");
	R.rip = 0x0000800000000000ull;
	CHECK(x86_fetch_decode(&G.lin, NULL, &in, &F) == X86_EMU_FAULT && F.vector == X86_EXC_GP,
	      "fetch: non-canonical RIP -> #GP(0)");
	/* 32-bit: CS limit */
	fg_reset(&G, X86_MODE_32);
	R.seg[X86_CS].limit = 0x1001;
	R.rip = 0x1000;
	G.ram[0x1000] = 0x8b;
	G.ram[0x1001] = 0x02;
	CHECK(x86_fetch_decode(&G.lin, NULL, &in, &F) == 0 && in.len == 2, "fetch32: instruction ending at the CS limit");
	G.ram[0x1001] = 0x42; /* needs a disp8 beyond the limit */
	CHECK(x86_fetch_decode(&G.lin, NULL, &in, &F) == X86_EMU_FAULT && F.vector == X86_EXC_GP,
	      "fetch32: instruction crossing the CS limit -> #GP(0)");
	G.ram[0x1000] = 0x0f;
	G.ram[0x1001] = 0x0b;
	CHECK(x86_fetch_decode(&G.lin, NULL, &in, &F) == X86_EMU_FAULT && F.vector == X86_EXC_UD && !F.has_error_code,
	      "fetch32: unsupported instruction -> #UD");
}

int main(void)
{
	test_paging_off();
	test_32bit();
	test_pae();
	test_long();
	test_linear_and_fetch();
	return CHECK_DONE();
}
