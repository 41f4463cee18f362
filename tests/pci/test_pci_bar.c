/* Host tests for pci/bar.c: sizing per PCI LB 3.0 §6.2.5, decode callbacks, BAR report. */
#include "pci/bar.h"
#include "pci/header.h"
#include "pci/regs.h"
#include "tests/check.h"

static struct pci_function fn;
static const struct pci_ids ids = { .vendor = 0x1234, .device = 0x5678 };

/* The sizing probe software does: save, write ones, read back, restore. */
static uint32_t probe(unsigned off)
{
	uint32_t saved = pci_config_read(&fn, off, 4);
	pci_config_write(&fn, off, 4, 0xffffffff);
	uint32_t got = pci_config_read(&fn, off, 4);
	pci_config_write(&fn, off, 4, saved);
	return got;
}

static void test_sizing(void)
{
	pci_function_init_type0(&fn, &ids, "t");
	CHECK(pci_bar_define(&fn, 0, PCI_BAR_MEM32, 0x1000, false) == PCI_BAR_OK, "define mem32 4 KiB");
	CHECK(pci_bar_define(&fn, 1, PCI_BAR_MEM32, 16, true) == PCI_BAR_OK, "define mem32 16 B prefetchable");
	CHECK(pci_bar_define(&fn, 2, PCI_BAR_MEM64, 0x4000, true) == PCI_BAR_OK, "define mem64 16 KiB prefetchable");
	CHECK(pci_bar_define(&fn, 4, PCI_BAR_IO, 32, false) == PCI_BAR_OK, "define io 32 B");
	CHECK(pci_bar_define(&fn, 5, PCI_BAR_IO, 256, false) == PCI_BAR_OK, "define io 256 B");
	CHECK(pci_bar_define(&fn, PCI_ROM_BAR, PCI_BAR_ROM, 0x10000, false) == PCI_BAR_OK, "define 64 KiB ROM");

	CHECK(pci_config_read(&fn, PCI_BAR0, 4) == 0x00000000, "mem32 BAR reads type 0 before programming");
	CHECK(probe(PCI_BAR0) == 0xfffff000, "mem32 4 KiB probe: 0xfffff000");
	CHECK(probe(PCI_BAR0 + 4) == 0xfffffff8, "mem32 16 B prefetchable probe: 0xfffffff8");
	CHECK(probe(PCI_BAR0 + 8) == 0xffffc00c, "mem64 lower dword probe: 0xffffc00c");
	CHECK(probe(PCI_BAR0 + 12) == 0xffffffff, "mem64 upper dword probe: all ones");
	CHECK(probe(PCI_BAR0 + 16) == 0xffffffe1, "io 32 B probe: 0xffffffe1");
	CHECK(probe(PCI_BAR0 + 20) == 0xffffff01, "io 256 B probe: 0xffffff01");
	CHECK(probe(PCI_ROM_ADDRESS) == 0xffff0001, "ROM probe keeps enable bit writable: 0xffff0001");
	pci_config_write(&fn, PCI_ROM_ADDRESS, 4, 0xfffffffe);
	CHECK(pci_config_read(&fn, PCI_ROM_ADDRESS, 4) == 0xffff0000, "ROM probe with enable clear: 0xffff0000");
	CHECK(probe(PCI_BAR0 + 8) == 0xffffc00c && pci_config_read(&fn, PCI_BAR0, 4) == 0,
	      "probe restores the saved value");

	pci_config_write(&fn, PCI_BAR0, 4, 0xfebf1234);
	CHECK(pci_config_read(&fn, PCI_BAR0, 4) == 0xfebf1000 && pci_bar_address(&fn, 0) == 0xfebf1000,
	      "mem32 address keeps only bits above the size");
	pci_config_write(&fn, PCI_BAR0 + 8, 4, 0xe0004000);
	pci_config_write(&fn, PCI_BAR0 + 12, 4, 0x00000080);
	CHECK(pci_bar_address(&fn, 2) == 0x80e0004000ull, "mem64 address spans both dwords");
	pci_config_write(&fn, PCI_BAR0 + 16, 2, 0xc123);
	CHECK(pci_config_read(&fn, PCI_BAR0 + 16, 4) == 0x0000c121 && pci_bar_address(&fn, 4) == 0xc120,
	      "io BAR word write keeps the space bit (%#x)", pci_config_read(&fn, PCI_BAR0 + 16, 4));
	pci_config_write(&fn, PCI_BAR0 + 1, 1, 0x20);
	CHECK(pci_bar_address(&fn, 0) == 0xfebf2000, "byte write into a BAR");

	/* A 64-bit BAR of 8 GiB: all of the lower dword's address bits are read-only zero. */
	pci_function_init_type0(&fn, &ids, "t");
	pci_bar_define(&fn, 0, PCI_BAR_MEM64, 8ull << 30, false);
	CHECK(probe(PCI_BAR0) == 0x00000004 && probe(PCI_BAR0 + 4) == 0xfffffffe, "mem64 8 GiB probe");
	CHECK(probe(PCI_BAR0 + 8) == 0, "unimplemented BAR reads 0 and ignores writes");
}

static void test_define_errors(void)
{
	pci_function_init_type0(&fn, &ids, "t");
	CHECK(pci_bar_define(&fn, 5, PCI_BAR_MEM64, 0x1000, false) == PCI_BAR_EINDEX, "64-bit BAR in slot 5 refused");
	CHECK(pci_bar_define(&fn, 7, PCI_BAR_MEM32, 0x1000, false) == PCI_BAR_EINDEX, "slot 7 refused");
	CHECK(pci_bar_define(&fn, 0, PCI_BAR_MEM32, 0x1800, false) == PCI_BAR_ESIZE, "non-power-of-two refused");
	CHECK(pci_bar_define(&fn, 0, PCI_BAR_MEM32, 8, false) == PCI_BAR_ESIZE, "memory BAR under 16 B refused");
	CHECK(pci_bar_define(&fn, 0, PCI_BAR_MEM32, 1ull << 32, false) == PCI_BAR_ESIZE, "4 GiB 32-bit BAR refused");
	CHECK(pci_bar_define(&fn, 0, PCI_BAR_IO, 512, false) == PCI_BAR_ESIZE, "I/O BAR over 256 B refused");
	CHECK(pci_bar_define(&fn, 0, PCI_BAR_IO, 2, false) == PCI_BAR_ESIZE, "I/O BAR under 4 B refused");
	CHECK(pci_bar_define(&fn, 0, PCI_BAR_IO, 16, true) == PCI_BAR_ETYPE, "prefetchable I/O refused");
	CHECK(pci_bar_define(&fn, 0, PCI_BAR_ROM, 0x800, false) == PCI_BAR_ETYPE, "ROM in slot 0 refused");
	CHECK(pci_bar_define(&fn, PCI_ROM_BAR, PCI_BAR_MEM32, 0x800, false) == PCI_BAR_ETYPE, "memory in ROM slot refused");
	CHECK(pci_bar_define(&fn, PCI_ROM_BAR, PCI_BAR_ROM, 0x400, false) == PCI_BAR_ESIZE, "1 KiB ROM refused");
	CHECK(pci_bar_define(&fn, 1, PCI_BAR_MEM32, 0x1000, false) == PCI_BAR_OK &&
	      pci_bar_define(&fn, 1, PCI_BAR_IO, 16, false) == PCI_BAR_EBUSY, "slot defined twice refused");
	CHECK(pci_bar_define(&fn, 0, PCI_BAR_MEM64, 0x1000, false) == PCI_BAR_EBUSY, "64-bit BAR over a used slot");
	static const struct pci_ids bridge = { .vendor = 1, .device = 2, .class_code = 0x060400 };
	pci_function_init_type1(&fn, &bridge, "b");
	CHECK(pci_bar_define(&fn, 2, PCI_BAR_MEM32, 0x1000, false) == PCI_BAR_EINDEX &&
	      pci_bar_define(&fn, 1, PCI_BAR_MEM64, 0x1000, false) == PCI_BAR_EINDEX &&
	      pci_bar_define(&fn, 0, PCI_BAR_MEM64, 0x1000, false) == PCI_BAR_OK, "type 1 has BAR0-1 only");
	CHECK(pci_bar_define(&fn, PCI_ROM_BAR, PCI_BAR_ROM, 0x800, false) == PCI_BAR_OK &&
	      probe(PCI_ROM_ADDRESS1) == 0xfffff801, "type 1 ROM BAR at 0x38");
}

struct change {
	unsigned bar;
	struct pci_bar_state from, to;
};
static struct change changes[32];
static unsigned nchanges;

static void on_change(void *ctx, struct pci_function *f, unsigned bar, struct pci_bar_state from,
		      struct pci_bar_state to)
{
	if (nchanges < 32)
		changes[nchanges] = (struct change){ bar, from, to };
	nchanges++;
	(*(unsigned *)ctx)++;
}

static bool change_is(unsigned i, unsigned bar, bool from_on, uint64_t from, bool to_on, uint64_t to)
{
	const struct change *c = &changes[i];
	return i < nchanges && c->bar == bar && c->from.decoding == from_on && c->from.addr == from &&
	       c->to.decoding == to_on && c->to.addr == to;
}

static void test_decode_callback(void)
{
	unsigned calls = 0;
	pci_function_init_type0(&fn, &ids, "t");
	pci_bar_define(&fn, 0, PCI_BAR_MEM32, 0x1000, false);
	pci_bar_define(&fn, 1, PCI_BAR_IO, 32, false);
	pci_bar_define(&fn, 2, PCI_BAR_MEM64, 0x4000, true);
	pci_bar_define(&fn, PCI_ROM_BAR, PCI_BAR_ROM, 0x8000, false);
	pci_config_on_bar_change(&fn, on_change, &calls);

	pci_config_write(&fn, PCI_BAR0, 4, 0xfeb00000);
	pci_config_write(&fn, PCI_BAR0 + 4, 4, 0xc000);
	pci_config_write(&fn, PCI_BAR0 + 8, 4, 0x00010000);
	pci_config_write(&fn, PCI_BAR0 + 12, 4, 0x1);
	CHECK(nchanges == 0, "programming BARs with decoding off calls nothing");
	pci_config_write(&fn, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	CHECK(nchanges == 2 && change_is(0, 0, false, 0, true, 0xfeb00000) &&
	      change_is(1, 2, false, 0, true, 0x100010000ull), "memory enable: both memory BARs start decoding");
	pci_config_write(&fn, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	CHECK(nchanges == 3 && change_is(2, 1, false, 0, true, 0xc000), "I/O enable: the I/O BAR starts decoding");
	pci_config_write(&fn, PCI_BAR0, 4, 0xfeb01000);
	CHECK(nchanges == 4 && change_is(3, 0, true, 0xfeb00000, true, 0xfeb01000), "moving a decoding BAR");
	pci_config_write(&fn, PCI_BAR0 + 12, 4, 0x2);
	CHECK(nchanges == 5 && change_is(4, 2, true, 0x100010000ull, true, 0x200010000ull),
	      "upper dword write moves the 64-bit BAR");
	pci_config_write(&fn, PCI_BAR0, 4, 0xfeb01000);
	CHECK(nchanges == 5, "rewriting the same address calls nothing");
	pci_config_write(&fn, PCI_ROM_ADDRESS, 4, 0xfff00001);
	CHECK(nchanges == 6 && change_is(5, PCI_ROM_BAR, false, 0, true, 0xfff00000),
	      "ROM decodes with its enable bit and Memory Space");
	pci_config_write(&fn, PCI_COMMAND, 1, PCI_COMMAND_IO);
	CHECK(nchanges == 9 && change_is(6, 0, true, 0xfeb01000, false, 0) && change_is(8, PCI_ROM_BAR, true, 0xfff00000, false, 0),
	      "memory disable stops BAR0, BAR2 and the ROM");
	pci_config_write(&fn, PCI_BAR0, 4, 0xffffffff);
	CHECK(nchanges == 9, "sizing with decoding off calls nothing");
	pci_config_write(&fn, PCI_COMMAND, 4, 0);
	CHECK(nchanges == 10 && change_is(9, 1, true, 0xc000, false, 0) && calls == 10, "I/O disable");

	/* Sizing with decoding on is visible: the BAR really decodes at the probe value. */
	pci_config_write(&fn, PCI_BAR0, 4, 0xfeb00000);
	pci_config_write(&fn, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	nchanges = 0;
	probe(PCI_BAR0);
	CHECK(nchanges == 2 && change_is(0, 0, true, 0xfeb00000, true, 0xfffff000) &&
	      change_is(1, 0, true, 0xfffff000, true, 0xfeb00000), "probe with decoding on moves and restores");
}

static void test_bar_info(void)
{
	struct pci_bar_info info[PCI_BAR_SLOTS];
	pci_function_init_type0(&fn, &ids, "t");
	pci_bar_define(&fn, 0, PCI_BAR_MEM32, 0x1000, false);
	pci_bar_define(&fn, 1, PCI_BAR_IO, 32, false);
	pci_bar_define(&fn, 2, PCI_BAR_MEM64, 0x4000, true);
	pci_config_write(&fn, PCI_BAR0, 4, 0xfeb00000);
	pci_config_write(&fn, PCI_BAR0 + 12, 4, 0x80);
	pci_config_write(&fn, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	pci_bar_info(&fn, info);
	CHECK(info[0].type == PCI_BAR_MEM32 && info[0].size == 0x1000 && info[0].addr == 0xfeb00000 &&
	      info[0].decoding && !info[0].prefetchable, "info: BAR0 mem32");
	CHECK(info[1].type == PCI_BAR_IO && info[1].size == 32 && !info[1].decoding, "info: BAR1 io, not decoding");
	CHECK(info[2].type == PCI_BAR_MEM64 && info[2].size == 0x4000 && info[2].prefetchable &&
	      info[2].addr == 0x8000000000ull && info[2].decoding, "info: BAR2 mem64 prefetchable");
	CHECK(info[3].type == PCI_BAR_MEM64_UPPER && info[3].size == 0, "info: BAR3 is BAR2's upper half");
	CHECK(info[4].type == PCI_BAR_NONE && info[5].type == PCI_BAR_NONE && info[6].type == PCI_BAR_NONE &&
	      info[6].size == 0, "info: unimplemented slots");
}

int main(void)
{
	test_sizing();
	test_define_errors();
	test_decode_callback();
	test_bar_info();
	return CHECK_DONE();
}
