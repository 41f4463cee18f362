/* Host tests for pci/bus.c, pci/cfgaddr.c and pci/cfg_ops.c: lookup, absent functions,
 * CF8/ECAM decoding and the config transports as range devices. */
#include "pci/bus.h"
#include "pci/cfg_ops.h"
#include "pci/header.h"
#include "pci/regs.h"
#include "tests/check.h"

static struct pci_function f0, f3, bridge, orphan;
static struct pci_bus_slot slots[4];
static struct pci_bus bus;

static void setup(void)
{
	static const struct pci_ids a = { .vendor = 0x8086, .device = 0x1237, .class_code = 0x060000 };
	static const struct pci_ids b = { .vendor = 0x8086, .device = 0x7000, .class_code = 0x060100 };
	static const struct pci_ids c = { .vendor = 0x8086, .device = 0x244e, .class_code = 0x060400 };
	pci_function_init_type0(&f0, &a, "host");
	pci_function_init_type0(&f3, &b, "isa");
	pci_function_init_type1(&bridge, &c, "bridge");
	pci_function_init_type0(&orphan, &b, "orphan");
	pci_bus_init(&bus, slots, 4);
}

static void test_bus(void)
{
	setup();
	CHECK(pci_bus_add(&bus, PCI_BDF(0, 1, 3), &f3) == PCI_BUS_OK, "add 00:01.3 before its function 0");
	CHECK(pci_bus_find(&bus, PCI_BDF(0, 1, 3)) == NULL && pci_bus_read(&bus, PCI_BDF(0, 1, 3), 0, 4) == 0xffffffff,
	      "function 3 invisible without function 0");
	CHECK(pci_bus_add(&bus, PCI_BDF(0, 1, 0), &f0) == PCI_BUS_OK, "add 00:01.0");
	CHECK(pci_bus_find(&bus, PCI_BDF(0, 1, 3)) == &f3 && pci_bus_find(&bus, PCI_BDF(0, 1, 0)) == &f0,
	      "both functions found");
	CHECK(pci_config_read(&f0, PCI_HEADER_TYPE, 1) == PCI_HEADER_MULTI_FUNCTION, "function 0 became multi-function");
	CHECK(pci_bus_add(&bus, PCI_BDF(0, 1, 0), &f0) == PCI_BUS_EEXIST, "duplicate B:D.F refused");
	CHECK(pci_bus_add(&bus, PCI_BDF(2, 31, 0), &bridge) == PCI_BUS_OK &&
	      pci_bus_add(&bus, PCI_BDF(0, 0, 0), &orphan) == PCI_BUS_OK, "fill the bus");
	CHECK(pci_bus_add(&bus, PCI_BDF(3, 0, 0), &orphan) == PCI_BUS_EFULL, "capacity enforced");
	CHECK(pci_bus_read(&bus, PCI_BDF(2, 31, 0), PCI_HEADER_TYPE, 1) == PCI_HEADER_TYPE_BRIDGE &&
	      pci_bus_read(&bus, PCI_BDF(0, 0, 0), 0, 2) == 0x8086, "reads reach the right function");
	CHECK(pci_bus_read(&bus, PCI_BDF(0, 2, 0), 0, 2) == 0xffff && pci_bus_read(&bus, PCI_BDF(0, 2, 0), 0, 1) == 0xff &&
	      pci_bus_read(&bus, PCI_BDF(255, 31, 7), 0x100, 4) == 0xffffffff, "absent functions read as all ones");
	pci_bus_write(&bus, PCI_BDF(0, 2, 0), PCI_COMMAND, 2, 7);
	pci_bus_write(&bus, PCI_BDF(0, 1, 3), PCI_COMMAND, 2, 2);
	CHECK(pci_config_read(&f3, PCI_COMMAND, 2) == 2, "writes reach the right function");
	CHECK(pci_bus_remove(&bus, PCI_BDF(0, 1, 3)) == PCI_BUS_OK &&
	      pci_config_read(&f0, PCI_HEADER_TYPE, 1) == 0, "removing the sibling clears multi-function");
	CHECK(pci_bus_remove(&bus, PCI_BDF(0, 1, 3)) == PCI_BUS_ENOENT, "second remove is ENOENT");
}

static void test_cf8(void)
{
	struct pci_cfg_addr a;
	uint32_t cf8 = PCI_CF8_ENABLE | 0x12 << 16 | 0x1f << 11 | 5 << 8 | 0x3c;
	CHECK(pci_cf8_decode(cf8, 0, 4, &a) && a.bdf == PCI_BDF(0x12, 31, 5) && a.offset == 0x3c,
	      "CF8 fields: bus 0x12, dev 31, fn 5, reg 0x3c");
	CHECK(pci_cf8_decode(cf8, 3, 1, &a) && a.offset == 0x3f, "port 0xCFF is byte 3 of the dword");
	CHECK(pci_cf8_decode(cf8, 2, 2, &a) && a.offset == 0x3e, "word at 0xCFE");
	CHECK(!pci_cf8_decode(cf8, 3, 2, &a) && !pci_cf8_decode(cf8, 1, 4, &a), "accesses leaving the dword refused");
	CHECK(!pci_cf8_decode(cf8 & ~PCI_CF8_ENABLE, 0, 4, &a), "enable bit clear: no config cycle");
	CHECK(pci_cf8_latch(0xffffffff) == 0x80fffffc, "reserved bits 30:24 and 1:0 read 0");
	CHECK(pci_cf8_decode(pci_cf8_latch(PCI_CF8_ENABLE | 0x7f000000 | 0xff), 0, 4, &a) && a.bdf == 0 && a.offset == 0xfc,
	      "register field ends at bit 7: no extended space through CF8");
	CHECK(PCI_BDF_BUS(a.bdf) == 0 && PCI_BDF_DEV(PCI_BDF(1, 2, 3)) == 2 && PCI_BDF_FN(PCI_BDF(1, 2, 3)) == 3,
	      "B:D.F helpers");
}

static void test_ecam(void)
{
	struct pci_cfg_addr a;
	uint64_t off = pci_ecam_offset(3, 17, 6, 0x1a4);
	CHECK(off == (3u << 20 | 17u << 15 | 6u << 12 | 0x1a4), "ECAM offset layout");
	CHECK(pci_ecam_decode(off, 4, 0, 256, &a) && a.bdf == PCI_BDF(3, 17, 6) && a.offset == 0x1a4, "ECAM decode");
	CHECK(pci_ecam_decode(off, 4, 0x80, 4, &a) && a.bdf == PCI_BDF(0x83, 17, 6), "window starting at bus 0x80");
	CHECK(!pci_ecam_decode(4u << 20, 4, 0x80, 4, &a), "offset past bus_count refused");
	CHECK(!pci_ecam_decode(2u << 20, 4, 0xff, 4, &a), "bus number past 255 refused");
	CHECK(pci_ecam_decode(off + 3, 1, 0, 256, &a) && a.offset == 0x1a7 && !pci_ecam_decode(off + 3, 2, 0, 256, &a) &&
	      !pci_ecam_decode(off, 8, 0, 256, &a), "ECAM byte ok; dword crossing and 8-byte refused");
	CHECK(pci_ecam_decode(pci_ecam_offset(255, 31, 7, 0xfff), 1, 0, 256, &a) && a.bdf == 0xffff && a.offset == 0xfff,
	      "last byte of a 256-bus window");
}

static void test_transports(void)
{
	static struct range_entry pa[4], pb[4], ma[4], mb[4];
	struct range_table pio, mmio;
	struct pci_config_port port = { .bus = &bus };
	struct pci_ecam_window win = { .bus = &bus, .start_bus = 0, .bus_count = 16 };
	uint64_t v;
	setup();
	pci_bus_add(&bus, PCI_BDF(0, 1, 0), &f0);
	pci_bus_add(&bus, PCI_BDF(1, 0, 0), &bridge);
	range_table_init(&pio, pa, pb, 4, "pio");
	range_table_init(&mmio, ma, mb, 4, "mmio");
	CHECK(range_register(&pio, PCI_CONFIG_ADDRESS_PORT, 4, &pci_config_address_ops, &port, "cf8") == RANGE_OK &&
	      range_register(&pio, PCI_CONFIG_DATA_PORT, 4, &pci_config_data_ops, &port, "cfc") == RANGE_OK &&
	      range_register(&mmio, 0xb0000000, 16u << 20, &pci_ecam_ops, &win, "ecam") == RANGE_OK,
	      "transports register as range devices");
	range_write(&pio, 0xcf8, 4, PCI_CF8_ENABLE | 1 << 11);
	CHECK(range_read(&pio, 0xcf8, 4, &v) && v == 0x80000800, "CONFIG_ADDRESS reads back");
	CHECK(range_read(&pio, 0xcfc, 4, &v) && v == 0x12378086, "CONFIG_DATA reads 00:01.0 vendor/device");
	CHECK(range_read(&pio, 0xcfe, 2, &v) && v == 0x1237, "word read at 0xCFE");
	range_write(&pio, 0xcf9, 1, 0x06);
	CHECK(port.address == 0x80000800, "byte write to 0xCF9 does not touch CONFIG_ADDRESS");
	CHECK(range_read(&pio, 0xcf8, 2, &v) && v == 0xffff, "narrow CONFIG_ADDRESS read is all ones");
	range_write(&pio, 0xcf8, 4, PCI_CF8_ENABLE | 1 << 11 | PCI_COMMAND);
	range_write(&pio, 0xcfc, 2, PCI_COMMAND_MEMORY);
	CHECK(pci_config_read(&f0, PCI_COMMAND, 2) == PCI_COMMAND_MEMORY, "CONFIG_DATA write reaches the function");
	range_write(&pio, 0xcf8, 4, PCI_CF8_ENABLE | 2 << 11);
	CHECK(range_read(&pio, 0xcfc, 4, &v) && v == 0xffffffff, "absent device through CF8: all ones");
	range_write(&pio, 0xcf8, 4, 1 << 11);
	CHECK(range_read(&pio, 0xcfc, 4, &v) && v == 0xffffffff, "enable bit clear: all ones");

	CHECK(range_read(&mmio, 0xb0000000 + pci_ecam_offset(1, 0, 0, 0x0c), 4, &v) && v == 0x00010000,
	      "ECAM dword read of the bridge's header type");
	CHECK(range_read(&mmio, 0xb0000000 + pci_ecam_offset(0, 1, 0, 0), 8, &v) && v == 0x0000000212378086ull,
	      "ECAM qword read split into two dwords");
	range_write(&mmio, 0xb0000000 + pci_ecam_offset(1, 0, 0, PCI_SECONDARY_BUS), 1, 0x02);
	CHECK(pci_config_read(&bridge, PCI_SECONDARY_BUS, 1) == 0x02, "ECAM byte write");
	pci_config_set_wmask(&f0, 0x104, 4, 0xffffffff);
	range_write(&mmio, 0xb0000000 + pci_ecam_offset(0, 1, 0, 0x104), 4, 0xcafef00d);
	CHECK(range_read(&mmio, 0xb0000000 + pci_ecam_offset(0, 1, 0, 0x104), 4, &v) && v == 0xcafef00d,
	      "extended space reachable through ECAM");
	CHECK(range_read(&mmio, 0xb0000000 + pci_ecam_offset(5, 0, 0, 0), 4, &v) && v == 0xffffffff,
	      "absent function through ECAM: all ones");
}

int main(void)
{
	test_bus();
	test_cf8();
	test_ecam();
	test_transports();
	return CHECK_DONE();
}
