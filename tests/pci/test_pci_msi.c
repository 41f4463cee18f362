/* Host tests for pci/msi.c and pci/msix.c: layouts, masking, pending bits, delivery. */
#include "pci/bar.h"
#include "pci/header.h"
#include "pci/msi.h"
#include "pci/msix.h"
#include "pci/regs.h"
#include "tests/check.h"

static struct pci_function fn;
static const struct pci_ids ids = { .vendor = 0x1234, .device = 0x5678 };

#include "tests/pci/msi_log.h"

static void test_msi_layouts(void)
{
	struct pci_msi m;
	pci_function_init_type0(&fn, &ids, "t");
	unsigned cap = pci_msi_init(&m, &fn, 1, 0, raise_msi, NULL);
	CHECK(cap == 0x40 && pci_config_read(&fn, cap, 4) == 0x00000005, "MSI 32-bit, 1 vector: control 0");
	pci_config_write(&fn, cap + PCI_MSI_ADDRESS_LO, 4, 0xfee00003);
	pci_config_write(&fn, cap + PCI_MSI_DATA_32, 4, 0xffff4041);
	CHECK(pci_config_read(&fn, cap + PCI_MSI_ADDRESS_LO, 4) == 0xfee00000 &&
	      pci_config_read(&fn, cap + PCI_MSI_DATA_32, 4) == 0x4041, "address dword aligned, data 16 bits");
	pci_config_write(&fn, cap + PCI_MSI_FLAGS, 2, 0xffff);
	CHECK(pci_config_read(&fn, cap + PCI_MSI_FLAGS, 2) == 0x0071 && pci_msi_enabled(&m) &&
	      pci_msi_enabled_vectors(&m) == 1, "control: enable and MME writable; MME clamped to capable");
	CHECK(pci_msi_init(&m, &fn, 3, 0, raise_msi, NULL) == 0 && pci_msi_init(&m, &fn, 64, 0, raise_msi, NULL) == 0,
	      "vector counts 3 and 64 refused");

	pci_function_init_type0(&fn, &ids, "t");
	cap = pci_msi_init(&m, &fn, 8, PCI_MSI_64 | PCI_MSI_MASKED, raise_msi, NULL);
	CHECK(pci_config_read(&fn, cap + PCI_MSI_FLAGS, 2) == (3 << 1 | PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT),
	      "64-bit maskable 8 vectors: MMC 3, bits 7 and 8");
	pci_config_write(&fn, cap + PCI_MSI_ADDRESS_HI, 4, 0x12345678);
	pci_config_write(&fn, cap + PCI_MSI_MASK_64, 4, 0xffffffff);
	pci_config_write(&fn, cap + PCI_MSI_PENDING_64, 4, 0xffffffff);
	CHECK(pci_config_read(&fn, cap + PCI_MSI_ADDRESS_HI, 4) == 0x12345678 &&
	      pci_config_read(&fn, cap + PCI_MSI_MASK_64, 4) == 0xff && pci_config_read(&fn, cap + PCI_MSI_PENDING_64, 4) == 0,
	      "upper address RW, mask bits for 8 vectors, pending read-only");
	unsigned next = pci_msi_init(&m, &fn, 1, PCI_MSI_64, raise_msi, NULL);
	CHECK(next == cap + 0x18, "64-bit maskable MSI occupies 0x18 bytes");
}

static void test_msi_delivery(void)
{
	struct pci_msi m;
	pci_function_init_type0(&fn, &ids, "t");
	unsigned cap = pci_msi_init(&m, &fn, 4, PCI_MSI_64 | PCI_MSI_MASKED, raise_msi, &m);
	nsent = 0;
	CHECK(pci_msi_notify(&m, 0) == PCI_IRQ_DISABLED && nsent == 0, "disabled MSI sends nothing");
	pci_config_write(&fn, cap + PCI_MSI_ADDRESS_LO, 4, 0xfee01000);
	pci_config_write(&fn, cap + PCI_MSI_ADDRESS_HI, 4, 0);
	pci_config_write(&fn, cap + PCI_MSI_DATA_64, 2, 0x4063);
	pci_config_write(&fn, cap + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE | 2 << 4); /* 4 vectors */
	CHECK(pci_msi_enabled_vectors(&m) == 4 && pci_msi_data(&m, 2) == 0x4062, "vector 2 replaces the low 2 data bits");
	CHECK(pci_msi_notify(&m, 2) == PCI_IRQ_SENT && nsent == 1 && sent[0].addr == 0xfee01000 && sent[0].data == 0x4062,
	      "notify sends address and vector data");
	CHECK(pci_msi_notify(&m, 4) == PCI_IRQ_INVALID, "vector beyond implemented is invalid");
	pci_config_write(&fn, cap + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE | 1 << 4); /* only 2 enabled */
	CHECK(pci_msi_notify(&m, 3) == PCI_IRQ_INVALID, "vector beyond enabled is invalid");
	pci_config_write(&fn, cap + PCI_MSI_MASK_64, 4, 0x2);
	CHECK(pci_msi_notify(&m, 1) == PCI_IRQ_PENDING && nsent == 1 && pci_msi_pending(&m, 1) &&
	      pci_config_read(&fn, cap + PCI_MSI_PENDING_64, 4) == 0x2, "masked vector: pending bit, no message");
	CHECK(pci_msi_notify(&m, 0) == PCI_IRQ_SENT && nsent == 2, "other vector still sends");
	pci_config_write(&fn, cap + PCI_MSI_MASK_64, 1, 0);
	CHECK(nsent == 3 && sent[2].data == 0x4063 && !pci_msi_pending(&m, 1),
	      "unmasking a pending vector sends it and clears pending");
	pci_config_write(&fn, cap + PCI_MSI_MASK_64, 4, 0);
	CHECK(nsent == 3, "unmasking without pending sends nothing");
}

static struct pci_msix_entry table[70];
static uint64_t pba[2];

static void test_msix(void)
{
	struct pci_msix x;
	pci_function_init_type0(&fn, &ids, "t");
	pci_bar_define(&fn, 0, PCI_BAR_MEM32, 0x1000, false);
	pci_bar_define(&fn, 2, PCI_BAR_MEM64, 0x4000, false);
	CHECK(pci_msix_init(&x, &fn, 4, 1, 0, 0, 0x800, table, pba, raise_msi, NULL) == 0,
	      "table in an unimplemented BAR refused");
	CHECK(pci_msix_init(&x, &fn, 4, 0, 0x804, 0, 0x800, table, pba, raise_msi, NULL) == 0,
	      "table offset not qword aligned refused");
	CHECK(pci_msix_init(&x, &fn, 70, 0, 0xc00, 0, 0x800, table, pba, raise_msi, NULL) == 0,
	      "table past the BAR end refused");
	unsigned cap = pci_msix_init(&x, &fn, 70, 2, 0x1000, 0, 0x800, table, pba, raise_msi, NULL);
	CHECK(cap == 0x40 && pci_config_read(&fn, cap, 4) == (0x11 | 69u << 16), "MSI-X: ID 0x11, table size N-1");
	CHECK(pci_config_read(&fn, cap + PCI_MSIX_TABLE, 4) == 0x1002 && pci_config_read(&fn, cap + PCI_MSIX_PBA, 4) == 0x800,
	      "table and PBA offset/BIR");
	pci_config_write(&fn, cap + PCI_MSIX_FLAGS, 2, 0xffff);
	CHECK(pci_config_read(&fn, cap + PCI_MSIX_FLAGS, 2) == (0xc000 | 69), "enable and function mask writable");
	pci_config_write(&fn, cap + PCI_MSIX_TABLE, 4, 0);
	CHECK(pci_config_read(&fn, cap + PCI_MSIX_TABLE, 4) == 0x1002, "table location read-only");
	CHECK(pci_msix_table_size(&x) == 70 * 16 && pci_msix_pba_size(&x) == 16, "table and PBA sizes");
	CHECK(pci_msix_table_read(&x, 12, 4) == 1 && pci_msix_table_read(&x, 69 * 16 + 12, 4) == 1,
	      "entries start masked");

	pci_msix_table_write(&x, 16, 8, 0x00000000fee00003ull);
	pci_msix_table_write(&x, 24, 4, 0x4051);
	pci_msix_table_write(&x, 28, 4, 0xfffffffe);
	CHECK(pci_msix_table_read(&x, 16, 8) == 0xfee00000ull && pci_msix_table_read(&x, 24, 8) == 0x4051,
	      "qword/dword table writes; address aligned, control keeps only the mask bit");
	pci_msix_table_write(&x, 18, 2, 0x1234);
	pci_msix_table_write(&x, 20, 8, 0x1);
	CHECK(pci_msix_table_read(&x, 16, 4) == 0xfee00000 && pci_msix_table_read(&x, 20, 8) == 0 &&
	      pci_msix_table_read(&x, 16, 2) == 0, "misaligned or narrow table accesses ignored");

	nsent = 0;
	pci_config_write(&fn, cap + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	CHECK(pci_msix_notify(&x, 1) == PCI_IRQ_PENDING && pci_msix_pending(&x, 1) && nsent == 0,
	      "function mask: pending, nothing sent");
	CHECK(pci_msix_pba_read(&x, 0, 8) == 2 && pci_msix_pba_read(&x, 0, 4) == 2, "PBA shows vector 1");
	pci_config_write(&fn, cap + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	CHECK(nsent == 1 && sent[0].addr == 0xfee00000 && sent[0].data == 0x4051 && !pci_msix_pending(&x, 1),
	      "clearing the function mask sends the pending vector");
	CHECK(pci_msix_notify(&x, 66) == PCI_IRQ_PENDING && pci_msix_pba_read(&x, 8, 8) == 4 &&
	      pci_msix_pba_read(&x, 12, 4) == 0, "entry-masked vector 66 pends in PBA word 1");
	pci_msix_table_write(&x, 66 * 16 + 12, 4, 0);
	CHECK(nsent == 2 && !pci_msix_pending(&x, 66), "unmasking the entry sends it");
	CHECK(pci_msix_notify(&x, 1) == PCI_IRQ_SENT && nsent == 3, "unmasked vector sends at once");
	CHECK(pci_msix_notify(&x, 70) == PCI_IRQ_INVALID, "vector 70 of 70 invalid");
	pci_config_write(&fn, cap + PCI_MSIX_FLAGS, 2, 0);
	CHECK(pci_msix_notify(&x, 1) == PCI_IRQ_DISABLED && nsent == 3, "disabled MSI-X sends nothing");
}

int main(void)
{
	test_msi_layouts();
	test_msi_delivery();
	test_msix();
	return CHECK_DONE();
}
