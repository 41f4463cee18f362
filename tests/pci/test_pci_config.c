/* Host tests for pci/config.c and pci/header.c: widths, alignment, masks, hooks, headers. */
#include "pci/config.h"
#include "pci/header.h"
#include "pci/regs.h"
#include "tests/check.h"

static struct pci_function fn;

static const struct pci_ids ids = {
	.vendor = 0x8086, .device = 0x1237, .subsystem_vendor = 0x1af4, .subsystem = 0x1100,
	.class_code = 0x020000, .revision = 0x02, .interrupt_pin = 1,
};

static void test_widths(void)
{
	pci_function_init_type0(&fn, &ids, "t");
	CHECK(pci_config_read(&fn, 0, 4) == 0x12378086, "dword at 0 is device:vendor");
	CHECK(pci_config_read(&fn, 0, 2) == 0x8086 && pci_config_read(&fn, 2, 2) == 0x1237, "words at 0 and 2");
	CHECK(pci_config_read(&fn, 0, 1) == 0x86 && pci_config_read(&fn, 3, 1) == 0x12, "bytes at 0 and 3");
	CHECK(pci_config_read(&fn, 1, 2) == 0x3780, "unaligned word at 1 within the dword");
	CHECK(pci_config_read(&fn, 1, 4) == 0x00123780, "unaligned dword at 1 spans into command");
	CHECK(pci_config_read(&fn, 8, 4) == 0x02000002, "revision and class code");
	CHECK(pci_config_read(&fn, PCI_HEADER_TYPE, 1) == 0 && pci_header_type(&fn) == PCI_HEADER_TYPE_NORMAL,
	      "type 0 header");
	CHECK(pci_config_read(&fn, PCI_SUBSYSTEM_VENDOR_ID, 4) == 0x11001af4, "subsystem ids");
	CHECK(pci_config_read(&fn, PCI_INTERRUPT_LINE, 2) == 0x0100, "interrupt pin 1, line 0");
	CHECK(pci_config_read(&fn, 0, 3) == 0xffffffff, "size 3 reads as all ones");
	CHECK(pci_config_read(&fn, 0xffe, 4) == 0xffff0000, "dword at 0xffe: bytes past 4 KiB read ones");
	CHECK(pci_config_read(&fn, 0x1000, 1) == 0xff, "offset 4096 reads ones");
	pci_config_write(&fn, 0xffe, 4, 0x12345678);
	CHECK(pci_config_get(&fn, 0xffe, 2) == 0, "write at 0xffe stays read-only and inside 4 KiB");
	CHECK(pci_config_read(&fn, 0x100, 4) == 0, "extended space without capabilities reads 0");
}

static void test_masks(void)
{
	pci_function_init_type0(&fn, &ids, "t");
	pci_config_write(&fn, PCI_VENDOR_ID, 4, 0xdeadbeef);
	CHECK(pci_config_read(&fn, 0, 4) == 0x12378086, "vendor and device ids are read-only");
	pci_config_write(&fn, PCI_COMMAND, 2, 0xffff);
	CHECK(pci_config_read(&fn, PCI_COMMAND, 2) == 0x0547, "command: only implemented bits stick (%#x)",
	      pci_config_read(&fn, PCI_COMMAND, 2));
	pci_config_write(&fn, PCI_COMMAND + 1, 1, 0x00);
	CHECK(pci_config_read(&fn, PCI_COMMAND, 2) == 0x0047, "byte write to command's high byte");
	pci_config_set(&fn, PCI_STATUS, 2, 0xf910 | PCI_STATUS_INTERRUPT);
	pci_config_write(&fn, PCI_STATUS, 2, 0x0100);
	CHECK(pci_config_read(&fn, PCI_STATUS, 2) == 0xf818, "status: writing 1 clears that error bit only");
	pci_config_write(&fn, PCI_STATUS, 2, 0);
	CHECK(pci_config_read(&fn, PCI_STATUS, 2) == 0xf818, "status: writing 0 clears nothing");
	pci_config_write(&fn, PCI_STATUS, 2, 0xffff);
	CHECK(pci_config_read(&fn, PCI_STATUS, 2) == 0x0018, "status: read-only bits survive writing ones");
	pci_config_set(&fn, PCI_STATUS, 2, 0x8000);
	pci_config_write(&fn, PCI_COMMAND, 4, 0x80000002);
	CHECK(pci_config_read(&fn, PCI_COMMAND, 4) == 0x00000002, "dword write sets command and clears status");
	pci_config_write(&fn, PCI_CACHE_LINE_SIZE, 4, 0xffffffff);
	CHECK(pci_config_read(&fn, PCI_CACHE_LINE_SIZE, 4) == 0x000000ff,
	      "cache line size read-write; latency timer, header type, BIST read-only");
	pci_config_write(&fn, PCI_INTERRUPT_LINE, 2, 0xff0b);
	CHECK(pci_config_read(&fn, PCI_INTERRUPT_LINE, 2) == 0x010b, "interrupt line RW, pin RO");
	/* A byte mixing read-only, read-write and write-1-to-clear bits. */
	pci_config_set(&fn, 0x50, 1, 0xf0);
	pci_config_set_wmask(&fn, 0x50, 1, 0x0f);
	pci_config_set_w1cmask(&fn, 0x50, 1, 0x30);
	pci_config_write(&fn, 0x50, 1, 0x25);
	CHECK(pci_config_read(&fn, 0x50, 1) == 0xd5, "mixed byte: RO high, W1C 5:4, RW low (%#x)",
	      pci_config_read(&fn, 0x50, 1));
	pci_config_set_wmask(&fn, 0x51, 1, 0xff);
	pci_config_set_w1cmask(&fn, 0x51, 1, 0x01);
	pci_config_set(&fn, 0x51, 1, 0x01);
	pci_config_write(&fn, 0x51, 1, 0x81);
	CHECK(pci_config_read(&fn, 0x51, 1) == 0x80, "a bit in both masks is write-1-to-clear");
	pci_config_set_wmask(&fn, 0x53, 2, 0xffff);
	pci_config_write(&fn, 0x53, 2, 0xbeef);
	CHECK(pci_config_read(&fn, 0x52, 4) == 0x00beef00, "unaligned word write at 0x53");
}

static unsigned reads, writes, last_off, last_len;
static uint32_t last_old;

static void refresh(void *ctx, struct pci_function *f, unsigned offset, unsigned len)
{
	reads++;
	last_off = offset, last_len = len;
	pci_config_set(f, 0x60, 4, *(uint32_t *)ctx);
}

static void written(void *ctx, struct pci_function *f, unsigned offset, unsigned len, uint32_t old)
{
	writes++;
	last_off = offset, last_len = len, last_old = old;
}

static void test_hooks(void)
{
	uint32_t live = 0x11223344;
	pci_function_init_type0(&fn, &ids, "t");
	pci_config_set_wmask(&fn, 0x60, 4, 0xffffffff);
	struct pci_hook h = { .offset = 0x60, .len = 4, .before_read = refresh, .after_write = written, .ctx = &live };
	CHECK(pci_config_add_hook(&fn, &h), "hook added");
	CHECK(pci_config_read(&fn, 0x60, 4) == 0x11223344 && reads == 1, "read hook refreshes the register");
	live = 0x55667788;
	CHECK(pci_config_read(&fn, 0x62, 2) == 0x5566 && last_off == 0x62 && last_len == 2,
	      "read hook sees the intersection and the new value");
	pci_config_read(&fn, 0x5c, 4);
	CHECK(reads == 2, "read hook not run for an access beside it");
	pci_config_read(&fn, 0x5e, 4);
	CHECK(reads == 3 && last_off == 0x60 && last_len == 2, "access overlapping the hook's start");
	pci_config_set(&fn, 0x60, 4, 0xaabbccdd);
	pci_config_write(&fn, 0x63, 2, 0x0102);
	CHECK(writes == 1 && last_off == 0x63 && last_len == 1 && last_old == 0xaa &&
	      pci_config_get(&fn, 0x63, 1) == 0x02, "write hook gets its part and the old byte");
	struct pci_hook bad = { .offset = 0xffe, .len = 4 };
	CHECK(!pci_config_add_hook(&fn, &bad), "hook past 4 KiB refused");
	for (unsigned i = 1; i < PCI_MAX_HOOKS; i++)
		pci_config_add_hook(&fn, &h);
	CHECK(!pci_config_add_hook(&fn, &h), "hook table full refused");
}

static void test_type1(void)
{
	static const struct pci_ids bridge = { .vendor = 0x8086, .device = 0x244e, .class_code = 0x060400 };
	pci_function_init_type1(&fn, &bridge, "bridge");
	CHECK(pci_header_type(&fn) == PCI_HEADER_TYPE_BRIDGE && pci_config_read(&fn, 0x08, 4) == 0x06040000,
	      "type 1 header, bridge class");
	pci_config_write(&fn, PCI_PRIMARY_BUS, 4, 0xff050100);
	CHECK(pci_config_read(&fn, PCI_PRIMARY_BUS, 4) == 0x00050100, "bus numbers RW, secondary latency RO");
	pci_config_write(&fn, PCI_IO_BASE, 2, 0xffff);
	CHECK(pci_config_read(&fn, PCI_IO_BASE, 2) == 0xf1f1, "I/O base/limit: 4K granularity, 32-bit type RO");
	pci_config_write(&fn, PCI_MEMORY_BASE, 4, 0xffffffff);
	CHECK(pci_config_read(&fn, PCI_MEMORY_BASE, 4) == 0xfff0fff0, "memory window 1 MiB granularity");
	pci_config_write(&fn, PCI_PREF_BASE, 4, 0);
	CHECK(pci_config_read(&fn, PCI_PREF_BASE, 4) == 0x00010001, "prefetchable window advertises 64-bit");
	pci_config_write(&fn, PCI_PREF_BASE_UPPER, 4, 0x12345678);
	CHECK(pci_config_read(&fn, PCI_PREF_BASE_UPPER, 4) == 0x12345678, "prefetchable upper 32 bits RW");
	pci_config_set(&fn, PCI_SEC_STATUS, 2, 0x2000);
	pci_config_write(&fn, PCI_SEC_STATUS, 2, 0x2000);
	CHECK(pci_config_read(&fn, PCI_SEC_STATUS, 2) == 0, "secondary status W1C");
	pci_config_write(&fn, PCI_BRIDGE_CONTROL, 2, 0xffff);
	CHECK(pci_config_read(&fn, PCI_BRIDGE_CONTROL, 2) == 0x007f, "bridge control implemented bits");
	CHECK(pci_config_read(&fn, PCI_SUBSYSTEM_VENDOR_ID, 4) == 0, "no subsystem ids in a type 1 header");
}

int main(void)
{
	test_widths();
	test_masks();
	test_hooks();
	test_type1();
	return CHECK_DONE();
}
