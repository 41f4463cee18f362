/*
 * minihv's virtual PCI test device, 1234:11e5. Vendor 0x1234 is the unofficial ID that
 * QEMU's emulated devices also use (1234:1111 stdvga, 1234:11e8 edu); device 0x11e5 is
 * minihv's choice. Pure model: config space plus
 * range devices for its BARs. Interrupts go out through the hypervisor's raise_msi callback.
 *
 *   BAR0  4 KiB memory, 32-bit: registers at 0x000, MSI-X table at 0x800, PBA at 0xc00
 *   BAR1  32 bytes I/O: the same registers
 *   BAR2  16 KiB memory, 64-bit prefetchable (BAR2-3): plain RAM
 *
 * Registers (dword; narrower accesses are read-modify-write by the range layer):
 *   0x00 ID         RO  0x11e51234
 *   0x04 SCRATCH    RW
 *   0x08 DOORBELL   WO  writing v signals vector v: MSI-X if enabled, else MSI, else INTx
 *   0x0c IRQ_COUNT  RO  messages sent so far (including pending ones sent on unmask)
 *   0x10 LAST       RO  outcome of the last doorbell: enum pci_irq_result, or 4 when Bus
 *                       Master Enable is clear (PCIe 4.0 §7.5.1.1: no messages then)
 *   0x14 INTX       W1C bit 0: INTx requested by a doorbell while MSI and MSI-X were off
 *                       (mirrors Status.Interrupt Status; INTx is not delivered)
 *
 * Capabilities: 0x40 power management, 0x48 MSI (64-bit, 4 vectors, per-vector masking),
 * 0x60 MSI-X (4 vectors), 0x6c vendor-specific ("MHV", version 1), 0x74 PCI Express
 * (root-complex integrated endpoint); extended: 0x100 vendor-specific (VSEC ID 0x11e5).
 */
#ifndef PCI_TESTDEV_H
#define PCI_TESTDEV_H
#include "devices/range.h"
#include "pci/bar_route.h"
#include "pci/config.h"
#include "pci/msi.h"
#include "pci/msix.h"

#define TESTDEV_VENDOR_ID 0x1234
#define TESTDEV_DEVICE_ID 0x11e5
#define TESTDEV_ID_VALUE  0x11e51234u

#define TESTDEV_MMIO_BAR  0
#define TESTDEV_IO_BAR    1
#define TESTDEV_RAM_BAR   2
#define TESTDEV_MMIO_SIZE 0x1000
#define TESTDEV_IO_SIZE   32
#define TESTDEV_RAM_SIZE  0x4000
#define TESTDEV_VECTORS   4

#define TESTDEV_REG_ID        0x00
#define TESTDEV_REG_SCRATCH   0x04
#define TESTDEV_REG_DOORBELL  0x08
#define TESTDEV_REG_IRQ_COUNT 0x0c
#define TESTDEV_REG_LAST      0x10
#define TESTDEV_REG_INTX      0x14
#define TESTDEV_MSIX_TABLE    0x800
#define TESTDEV_MSIX_PBA      0xc00
#define TESTDEV_LAST_NO_BUS_MASTER 4

struct testdev {
	struct pci_function fn;
	struct pci_msi msi;
	struct pci_msix msix;
	struct pci_msix_entry msix_table[TESTDEV_VECTORS];
	uint64_t msix_pba[1];
	uint8_t ram[TESTDEV_RAM_SIZE];
	uint32_t scratch, irq_count, last, intx;
	pci_raise_msi_fn raise;
	void *raise_ctx;
};

/* d must stay where it is (capabilities keep pointers into it). */
void testdev_init(struct testdev *d, pci_raise_msi_fn raise, void *raise_ctx);

/* Binds the three BARs to route and makes route the function's BAR callback. */
void testdev_attach(struct testdev *d, struct pci_bar_route *route);

/* Range devices for the BARs; opaque is the struct testdev. */
extern const struct range_ops testdev_mmio_ops, testdev_io_ops, testdev_ram_ops;

#endif
