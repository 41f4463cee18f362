/* Host tests for pci/cap.c: list layout and linking, PM, PCIe, vendor and extended capabilities. */
#include "pci/cap.h"
#include "pci/header.h"
#include "pci/regs.h"
#include "tests/check.h"

static struct pci_function fn;
static const struct pci_ids ids = { .vendor = 0x1234, .device = 0x5678 };

static void test_list(void)
{
	pci_function_init_type0(&fn, &ids, "t");
	CHECK(!(pci_config_read(&fn, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST) && pci_cap_find(&fn, PCI_CAP_ID_PM) == 0,
	      "no capabilities: status bit clear, find fails");
	unsigned a = pci_cap_add(&fn, 0x42, 6);
	unsigned b = pci_cap_add(&fn, 0x43, 8);
	unsigned c = pci_cap_add(&fn, 0x42, 4);
	CHECK(a == 0x40 && b == 0x48 && c == 0x50, "placed from 0x40, dword aligned (%#x %#x %#x)", a, b, c);
	CHECK(pci_config_read(&fn, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, "Status.Capabilities List set");
	CHECK(pci_config_read(&fn, PCI_CAPABILITY_LIST, 1) == 0x40 && pci_config_read(&fn, 0x40, 2) == 0x4842 &&
	      pci_config_read(&fn, 0x48, 2) == 0x5043 && pci_config_read(&fn, 0x50, 2) == 0x0042,
	      "pointer chain 0x34 -> 0x40 -> 0x48 -> 0x50 -> end");
	CHECK(pci_cap_find(&fn, 0x42) == 0x40 && pci_cap_find(&fn, 0x43) == 0x48 && pci_cap_find(&fn, 0x44) == 0,
	      "find returns the first match");
	pci_config_write(&fn, 0x40, 4, 0xffffffff);
	pci_config_write(&fn, PCI_CAPABILITY_LIST, 1, 0);
	CHECK(pci_config_read(&fn, 0x40, 2) == 0x4842 && pci_config_read(&fn, PCI_CAPABILITY_LIST, 1) == 0x40,
	      "ID and pointers are read-only");
	unsigned n = 3;
	while (pci_cap_add(&fn, 0x42, 16))
		n++;
	CHECK(n == 13 && pci_cap_add(&fn, 0x42, 4) == 0xf4 && pci_cap_add(&fn, 0x42, 12) == 0,
	      "list fills up to 0xff, then refuses (%u)", n);
	/* A looping list (corrupt device state) must not hang find. */
	pci_config_set(&fn, 0x48 + PCI_CAP_NEXT, 1, 0x40);
	CHECK(pci_cap_find(&fn, 0x77) == 0, "find terminates on a looping list");
}

static void test_pm(void)
{
	pci_function_init_type0(&fn, &ids, "t");
	unsigned pm = pci_cap_add_pm(&fn, 0);
	CHECK(pm == 0x40 && pci_config_read(&fn, pm, 4) == 0x00030001, "PM: ID 1, PMC version 3, no PME");
	CHECK(pci_config_read(&fn, pm + PCI_PM_PMCSR, 2) == PCI_PM_NO_SOFT_RESET, "PMCSR: D0, No_Soft_Reset");
	pci_config_write(&fn, pm + PCI_PM_PMCSR, 2, 3);
	CHECK((pci_config_read(&fn, pm + PCI_PM_PMCSR, 2) & 3) == 3, "D3hot accepted");
	pci_config_write(&fn, pm + PCI_PM_PMCSR, 2, 1);
	CHECK((pci_config_read(&fn, pm + PCI_PM_PMCSR, 2) & 3) == 3, "D1 (unsupported) discarded, stays D3hot");
	pci_config_write(&fn, pm + PCI_PM_PMCSR, 1, 2);
	CHECK((pci_config_read(&fn, pm + PCI_PM_PMCSR, 2) & 3) == 3, "D2 (unsupported) discarded");
	pci_config_write(&fn, pm + PCI_PM_PMCSR, 4, 0xffff0100);
	CHECK(pci_config_read(&fn, pm + PCI_PM_PMCSR, 2) == (PCI_PM_NO_SOFT_RESET | 0), "D0 back; PME_En RO without PME");

	pci_function_init_type0(&fn, &ids, "t");
	pm = pci_cap_add_pm(&fn, 0x19); /* PME from D0, D3hot, D3cold */
	CHECK(pci_config_read(&fn, pm + PCI_PM_PMC, 2) == (0x0003 | 0x19 << 11), "PMC advertises PME support");
	pci_config_set(&fn, pm + PCI_PM_PMCSR, 2, PCI_PM_PME_STATUS | PCI_PM_NO_SOFT_RESET);
	pci_config_write(&fn, pm + PCI_PM_PMCSR, 2, PCI_PM_PME_STATUS | PCI_PM_PME_ENABLE);
	CHECK(pci_config_read(&fn, pm + PCI_PM_PMCSR, 2) == (PCI_PM_PME_ENABLE | PCI_PM_NO_SOFT_RESET),
	      "PME_En RW, PME_Status write-1-to-clear");
}

static void test_pcie(void)
{
	pci_function_init_type0(&fn, &ids, "t");
	unsigned e = pci_cap_add_pcie(&fn, PCI_EXP_TYPE_ENDPOINT);
	CHECK(e == 0x40 && pci_config_read(&fn, e, 4) == 0x00020010, "PCIe cap: ID 0x10, version 2, endpoint");
	CHECK(pci_config_read(&fn, e + PCI_EXP_DEVCAP, 4) == 0x8000, "DevCap: role-based error reporting");
	CHECK(pci_config_read(&fn, e + PCI_EXP_DEVCTL, 2) == 0x2810, "DevCtl defaults");
	pci_config_write(&fn, e + PCI_EXP_DEVCTL, 2, 0xffff);
	CHECK(pci_config_read(&fn, e + PCI_EXP_DEVCTL, 2) == 0x79ff, "DevCtl writable bits");
	pci_config_set(&fn, e + PCI_EXP_DEVSTA, 2, 0x002f);
	pci_config_write(&fn, e + PCI_EXP_DEVSTA, 2, 0xffff);
	CHECK(pci_config_read(&fn, e + PCI_EXP_DEVSTA, 2) == 0x0020, "DevSta: error bits W1C, others RO");
	CHECK(pci_config_read(&fn, e + PCI_EXP_LNKCAP, 4) == 0x11 && pci_config_read(&fn, e + PCI_EXP_LNKSTA, 2) == 0x11,
	      "endpoint link: x1 2.5 GT/s");
	pci_config_write(&fn, e + PCI_EXP_LNKCTL, 2, 0xffff);
	CHECK(pci_config_read(&fn, e + PCI_EXP_LNKCTL, 2) == 0xcb, "LnkCtl writable bits");
	CHECK(pci_cap_find(&fn, PCI_CAP_ID_EXP) == e, "found by ID");

	pci_function_init_type0(&fn, &ids, "t");
	e = pci_cap_add_pcie(&fn, PCI_EXP_TYPE_RC_END);
	CHECK(pci_config_read(&fn, e + PCI_EXP_FLAGS, 2) == 0x0092 && pci_config_read(&fn, e + PCI_EXP_LNKCAP, 4) == 0,
	      "RC integrated endpoint: type 9, no link registers");
	CHECK(pci_cap_add_pcie(&fn, 4) == 0, "unsupported port type refused");
}

static void test_vendor_and_extended(void)
{
	pci_function_init_type0(&fn, &ids, "t");
	unsigned v = pci_cap_add_vendor(&fn, 8);
	CHECK(v == 0x40 && pci_config_read(&fn, v, 4) == 0x00080009, "vendor cap: ID 9, length 8");
	CHECK(pci_cap_add_vendor(&fn, 2) == 0, "vendor cap shorter than 3 refused");
	CHECK(pci_ext_cap_find(&fn, PCI_EXT_CAP_ID_VNDR) == 0, "no extended capability: find fails");
	unsigned x = pci_ext_cap_add(&fn, PCI_EXT_CAP_ID_VNDR, 1, 12);
	unsigned y = pci_ext_cap_add(&fn, 0x0001, 2, 0x2c);
	unsigned z = pci_ext_cap_add(&fn, 0x0003, 1, 5);
	CHECK(x == 0x100 && y == 0x10c && z == 0x138, "extended caps from 0x100, dword aligned");
	CHECK(pci_config_read(&fn, x, 4) == (0x000b | 1u << 16 | 0x10cu << 20) &&
	      pci_config_read(&fn, y, 4) == (0x0001 | 2u << 16 | 0x138u << 20) &&
	      pci_config_read(&fn, z, 4) == (0x0003 | 1u << 16), "headers: ID, version, next");
	CHECK(pci_ext_cap_find(&fn, 0x0003) == z && pci_ext_cap_find(&fn, 0x0002) == 0, "extended find");
	pci_config_write(&fn, x, 4, 0);
	CHECK(pci_config_read(&fn, x, 4) != 0, "extended header read-only");
	CHECK(pci_ext_cap_add(&fn, 1, 1, 0x1000) == 0, "extended cap past 4 KiB refused");
}

int main(void)
{
	test_list();
	test_pm();
	test_pcie();
	test_vendor_and_extended();
	return CHECK_DONE();
}
