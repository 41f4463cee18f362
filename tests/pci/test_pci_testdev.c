/* Host tests for pci/testdev.c end to end: config through CF8, BAR sizing and programming,
 * dispatch through devices/range.h via pci/bar_route.c, registers, MSI, MSI-X, INTx. */
#include "pci/bar.h"
#include "pci/bar_route.h"
#include "pci/cap.h"
#include "pci/cfg_ops.h"
#include "pci/regs.h"
#include "pci/testdev.h"
#include "tests/check.h"

static struct testdev dev;
static struct pci_bus_slot slots[2];
static struct pci_bus bus;
static struct range_entry pa[8], pb[8], ma[8], mb[8];
static struct range_table pio, mmio;
static struct pci_config_port port = { .bus = &bus };
static struct pci_bar_route route;

#include "tests/pci/msi_log.h"

#define BDF PCI_BDF(0, 3, 0)

static uint32_t cfg_read(unsigned off, unsigned size)
{
	uint64_t v;
	range_write(&pio, 0xcf8, 4, PCI_CF8_ENABLE | BDF << 8 | (off & 0xfc));
	range_read(&pio, 0xcfc + (off & 3), size, &v);
	return (uint32_t)v;
}

static void cfg_write(unsigned off, unsigned size, uint32_t value)
{
	range_write(&pio, 0xcf8, 4, PCI_CF8_ENABLE | BDF << 8 | (off & 0xfc));
	range_write(&pio, 0xcfc + (off & 3), size, value);
}

static uint32_t mmio_read32(uint64_t addr)
{
	uint64_t v = 0;
	return range_read(&mmio, addr, 4, &v) ? (uint32_t)v : 0xdeadbeef;
}

static void setup(void)
{
	testdev_init(&dev, raise_msi, NULL);
	pci_bus_init(&bus, slots, 2);
	pci_bus_add(&bus, BDF, &dev.fn);
	range_table_init(&pio, pa, pb, 8, "pio");
	range_table_init(&mmio, ma, mb, 8, "mmio");
	range_register(&pio, PCI_CONFIG_ADDRESS_PORT, 4, &pci_config_address_ops, &port, "cf8");
	range_register(&pio, PCI_CONFIG_DATA_PORT, 4, &pci_config_data_ops, &port, "cfc");
	pci_bar_route_init(&route, &mmio, &pio);
	testdev_attach(&dev, &route);
}

static void test_identity_and_layout(void)
{
	setup();
	CHECK(cfg_read(0, 4) == 0x11e51234, "vendor 0x1234, device 0x11e5 through CF8");
	CHECK(cfg_read(PCI_CLASS_CODE - 1, 4) == 0xff000001 && cfg_read(PCI_SUBSYSTEM_VENDOR_ID, 4) == 0x00011234,
	      "class 0xff0000 rev 1, subsystem 1234:0001");
	CHECK(cfg_read(PCI_INTERRUPT_PIN, 1) == 1, "INTA#");
	CHECK(cfg_read(PCI_CAPABILITY_LIST, 1) == 0x40 && pci_cap_find(&dev.fn, PCI_CAP_ID_PM) == 0x40 &&
	      pci_cap_find(&dev.fn, PCI_CAP_ID_MSI) == 0x48 && pci_cap_find(&dev.fn, PCI_CAP_ID_MSIX) == 0x60 &&
	      pci_cap_find(&dev.fn, PCI_CAP_ID_VENDOR) == 0x6c && pci_cap_find(&dev.fn, PCI_CAP_ID_EXP) == 0x74,
	      "capability layout: PM 0x40, MSI 0x48, MSI-X 0x60, vendor 0x6c, PCIe 0x74");
	CHECK(cfg_read(0x6c, 4) == 0x4d087409 && cfg_read(0x70, 4) == 0x00015648, "vendor capability 'MHV' v1");
	CHECK(pci_ext_cap_find(&dev.fn, PCI_EXT_CAP_ID_VNDR) == 0x100 &&
	      pci_config_read(&dev.fn, 0x104, 4) == (0x11e5 | 1u << 16 | 12u << 20), "VSEC at 0x100");
	CHECK(cfg_read(0x60 + PCI_MSIX_TABLE, 4) == 0x800 && cfg_read(0x60 + PCI_MSIX_PBA, 4) == 0xc00 &&
	      cfg_read(0x60 + PCI_MSIX_FLAGS, 2) == 3, "MSI-X: 4 vectors, table BAR0+0x800, PBA BAR0+0xc00");
	CHECK(cfg_read(0x48 + PCI_MSI_FLAGS, 2) == 0x0184, "MSI: 4 vectors, 64-bit, per-vector masking");
}

static void test_bars(void)
{
	setup();
	uint32_t probe[6];
	for (unsigned b = 0; b < 6; b++) {
		cfg_write(PCI_BAR0 + 4 * b, 4, 0xffffffff);
		probe[b] = cfg_read(PCI_BAR0 + 4 * b, 4);
	}
	CHECK(probe[0] == 0xfffff000 && probe[1] == 0xffffffe1 && probe[2] == 0xffffc00c && probe[3] == 0xffffffff &&
	      probe[4] == 0 && probe[5] == 0, "BAR probes: 4 KiB mem32, 32 B io, 16 KiB mem64 pref, none");
	unsigned nmmio, npio;
	range_entries(&mmio, &nmmio);
	range_entries(&pio, &npio);
	CHECK(nmmio == 0 && npio == 2, "nothing dispatched with decoding off");
	cfg_write(PCI_BAR0, 4, 0xfebf0000);
	cfg_write(PCI_BAR0 + 4, 4, 0xc040);
	cfg_write(PCI_BAR0 + 8, 4, 0x00000000);
	cfg_write(PCI_BAR0 + 12, 4, 0x00000008);
	cfg_write(PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	const struct range_entry *e0 = range_lookup(&mmio, 0xfebf0000), *e1 = range_lookup(&pio, 0xc05f),
				 *e2 = range_lookup(&mmio, 0x800003ff8ull);
	CHECK(e0 && e0->len == 0x1000 && e0->ops == &testdev_mmio_ops && e1 && e1->base == 0xc040 && e1->len == 32 &&
	      e2 && e2->base == 0x800000000ull && e2->len == 0x4000, "enabling decode registers all three BARs");

	struct pci_bar_info info[PCI_BAR_SLOTS];
	pci_bar_info(&dev.fn, info);
	CHECK(info[0].addr == 0xfebf0000 && info[1].type == PCI_BAR_IO && info[1].addr == 0xc040 &&
	      info[2].size == 0x4000 && info[2].prefetchable && info[2].addr == 0x800000000ull, "BAR info in one call");
	struct pci_bar_info by_bdf[PCI_BAR_SLOTS];
	CHECK(pci_bus_bar_info(&bus, BDF, by_bdf) && by_bdf[0].size == 0x1000 && by_bdf[1].size == 32 &&
	      by_bdf[2].type == PCI_BAR_MEM64 && by_bdf[3].type == PCI_BAR_MEM64_UPPER && by_bdf[4].size == 0,
	      "BAR info by B:D.F through the bus");
	CHECK(!pci_bus_bar_info(&bus, PCI_BDF(0, 4, 0), by_bdf), "BAR info of an absent function fails");

	cfg_write(PCI_BAR0, 4, 0xfebf4000);
	CHECK(!range_lookup(&mmio, 0xfebf0000) && range_lookup(&mmio, 0xfebf4fff), "moving BAR0 moves its range");
	CHECK(mmio_read32(0xfebf4000) == TESTDEV_ID_VALUE, "ID register at the new address");
	cfg_write(PCI_COMMAND, 2, PCI_COMMAND_IO);
	CHECK(!range_lookup(&mmio, 0xfebf4000) && !range_lookup(&mmio, 0x800000000ull) && range_lookup(&pio, 0xc040),
	      "memory decode off removes the memory BARs only");
	cfg_write(PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	cfg_write(PCI_BAR0 + 12, 4, 0);
	cfg_write(PCI_BAR0 + 8, 4, 0xfebf4000); /* now on top of BAR0 */
	CHECK(route.last_error == RANGE_EOVERLAP && range_lookup(&mmio, 0xfebf4000)->ops == &testdev_mmio_ops,
	      "BAR2 moved over BAR0 is refused and BAR0 keeps its range");
	cfg_write(PCI_BAR0 + 8, 4, 0xfec00000);
	CHECK(range_lookup(&mmio, 0xfec00000) && range_lookup(&mmio, 0xfec00000)->ops == &testdev_ram_ops,
	      "BAR2 moved to a free place is dispatched again");
}

static void enable_decode(void)
{
	cfg_write(PCI_BAR0, 4, 0xfebf0000);
	cfg_write(PCI_BAR0 + 4, 4, 0xc040);
	cfg_write(PCI_BAR0 + 8, 4, 0xe0000000);
	cfg_write(PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

static void test_registers(void)
{
	uint64_t v;
	setup();
	enable_decode();
	CHECK(mmio_read32(0xfebf0000) == 0x11e51234, "MMIO ID");
	range_write(&mmio, 0xfebf0004, 4, 0xa5a5f00d);
	CHECK(mmio_read32(0xfebf0004) == 0xa5a5f00d, "MMIO scratch");
	range_write(&mmio, 0xfebf0005, 1, 0x11);
	CHECK(mmio_read32(0xfebf0004) == 0xa5a5110d, "byte write to scratch: read-modify-write of the dword");
	CHECK(range_read(&mmio, 0xfebf0000, 8, &v) && v == (0xa5a5110dull << 32 | 0x11e51234), "qword read combines ID and scratch");
	CHECK(range_read(&pio, 0xc044, 4, &v) && v == 0xa5a5110d && range_read(&pio, 0xc040, 2, &v) && v == 0x1234,
	      "I/O BAR mirrors the registers");
	range_write(&pio, 0xc044, 4, 7);
	CHECK(mmio_read32(0xfebf0004) == 7, "I/O scratch write seen through MMIO");
	CHECK(mmio_read32(0xfebf0100) == 0 && mmio_read32(0xfebf0008) == 0, "unassigned offsets and doorbell read 0");
	range_write(&mmio, 0xe0000000, 8, 0x0123456789abcdefull);
	range_write(&mmio, 0xe0003fff, 1, 0x5a);
	CHECK(range_read(&mmio, 0xe0000002, 4, &v) && v == 0x456789ab && range_read(&mmio, 0xe0003ffc, 8, &v) &&
	      v == 0xffffffff5a000000ull, "64-bit BAR is RAM; a read past its end is truncated");
}

static void test_interrupts(void)
{
	setup();
	enable_decode();
	nsent = 0;
	range_write(&mmio, 0xfebf0000 + TESTDEV_REG_DOORBELL, 4, 1);
	CHECK(mmio_read32(0xfebf0000 + TESTDEV_REG_LAST) == PCI_IRQ_DISABLED && mmio_read32(0xfebf0014) == 1 &&
	      (cfg_read(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT) && nsent == 0, "doorbell without MSI: INTx status");
	range_write(&mmio, 0xfebf0014, 4, 1);
	CHECK(mmio_read32(0xfebf0014) == 0 && !(cfg_read(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT), "INTx status W1C");

	/* MSI: address 0xfee00000, data 0x4040, 4 vectors enabled. */
	cfg_write(0x48 + PCI_MSI_ADDRESS_LO, 4, 0xfee00000);
	cfg_write(0x48 + PCI_MSI_DATA_64, 2, 0x4040);
	cfg_write(0x48 + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE | 2 << 4);
	range_write(&pio, 0xc048, 4, 3);
	CHECK(nsent == 1 && sent[0].addr == 0xfee00000 && sent[0].data == 0x4043 &&
	      mmio_read32(0xfebf000c) == 1, "MSI doorbell through the I/O BAR sends vector 3");
	cfg_write(0x48 + PCI_MSI_MASK_64, 4, 0x4);
	range_write(&mmio, 0xfebf0008, 4, 2);
	CHECK(nsent == 1 && mmio_read32(0xfebf0010) == PCI_IRQ_PENDING && (cfg_read(0x48 + PCI_MSI_PENDING_64, 4) & 4),
	      "masked MSI vector pends");
	cfg_write(0x48 + PCI_MSI_MASK_64, 4, 0);
	CHECK(nsent == 2 && sent[1].data == 0x4042 && mmio_read32(0xfebf000c) == 2, "unmask sends the pending MSI");
	cfg_write(PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	range_write(&mmio, 0xfebf0008, 4, 0);
	CHECK(nsent == 2 && mmio_read32(0xfebf0010) == TESTDEV_LAST_NO_BUS_MASTER, "no messages without Bus Master Enable");
	cfg_write(PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

	/* MSI-X takes over: program entry 1 through BAR0, masked function first. */
	cfg_write(0x60 + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	range_write(&mmio, 0xfebf0810, 8, 0x00000000fee01000ull);
	range_write(&mmio, 0xfebf0818, 8, 0x0000000000004051ull); /* data, control: unmasked */
	CHECK(range_read(&mmio, 0xfebf0810, 8, &(uint64_t){ 0 }) && mmio_read32(0xfebf0818) == 0x4051 &&
	      mmio_read32(0xfebf081c) == 0 && mmio_read32(0xfebf080c) == 1, "MSI-X table programmed through BAR0");
	range_write(&mmio, 0xfebf0008, 4, 1);
	CHECK(nsent == 2 && mmio_read32(0xfebf0010) == PCI_IRQ_PENDING && mmio_read32(0xfebf0c00) == 2,
	      "function-masked MSI-X vector pends in the PBA");
	range_write(&mmio, 0xfebf0c00, 4, 0);
	CHECK(mmio_read32(0xfebf0c00) == 2, "PBA is read-only");
	cfg_write(0x60 + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	CHECK(nsent == 3 && sent[2].addr == 0xfee01000 && sent[2].data == 0x4051 && mmio_read32(0xfebf0c00) == 0,
	      "clearing the function mask sends it (MSI-X wins over MSI)");
	range_write(&mmio, 0xfebf0008, 4, 0);
	CHECK(nsent == 3 && mmio_read32(0xfebf0010) == PCI_IRQ_PENDING && mmio_read32(0xfebf0c00) == 1,
	      "vector 0 is still entry-masked: pends");
	range_write(&mmio, 0xfebf080c, 4, 0);
	CHECK(nsent == 4 && mmio_read32(0xfebf0c00) == 0 && mmio_read32(0xfebf000c) == 4,
	      "unmasking entry 0 sends it; IRQ_COUNT counts every message");
	range_write(&mmio, 0xfebf0008, 4, 9);
	CHECK(mmio_read32(0xfebf0010) == PCI_IRQ_INVALID, "vector 9 invalid");
}

int main(void)
{
	test_identity_and_layout();
	test_bars();
	test_registers();
	test_interrupts();
	return CHECK_DONE();
}
