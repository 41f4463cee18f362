/* Test helper: the driver's side of a virtio PCI device in a host test. The including file
 * defines RAM_SIZE and `ram` (its fake guest RAM) and D (the struct virtio_device *) first. */
#ifndef TESTS_DEVICES_VIRTIO_TEST_DRIVER_H
#define TESTS_DEVICES_VIRTIO_TEST_DRIVER_H
#include "pci/virtio_pci.h"
#include "pci/cap.h"
#include "pci/regs.h"
#include <stdbool.h>
#include <string.h>

static void *map(void *ctx, uint64_t gpa, uint64_t len) { return gpa < RAM_SIZE && len <= RAM_SIZE - gpa ? ram + gpa : NULL; }
static const struct vq_guest_mem mem = { 0, map };

/* The BAR and configuration space, as the driver sees them. */
static uint64_t rd(unsigned off, unsigned size) { return virtio_pci_bar_ops.read(D, off, size); }
static void wr(unsigned off, unsigned size, uint64_t v) { virtio_pci_bar_ops.write(D, off, size, v); }
static uint32_t cfg(unsigned off, unsigned size) { return pci_config_read(&D->fn, off, size); }

/* The virtio capability of cfg_type t (virtio 1.2 §4.1.4), or 0. */
static unsigned find_cap(unsigned t)
{
	for (unsigned c = cfg(PCI_CAPABILITY_LIST, 1); c; c = cfg(c + 1, 1))
		if (cfg(c, 1) == PCI_CAP_ID_VENDOR && cfg(c + 3, 1) == t)
			return c;
	return 0;
}

/* Little-endian fields in guest RAM. */
static void put16(uint64_t a, uint16_t v) { memcpy(ram + a, &v, 2); }
static void put32(uint64_t a, uint32_t v) { memcpy(ram + a, &v, 4); }
static void put64(uint64_t a, uint64_t v) { memcpy(ram + a, &v, 8); }
static uint16_t get16(uint64_t a) { uint16_t v; memcpy(&v, ram + a, 2); return v; }
static uint32_t get32(uint64_t a) { uint32_t v; memcpy(&v, ram + a, 4); return v; }

#define VT_STATUS_FEATURES (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK)

/* Probing up to FEATURES_OK (virtio 1.2 §3.1.1): reset, ACKNOWLEDGE|DRIVER, the driver's
 * features (both halves), FEATURES_OK. */
static void negotiate(uint64_t features)
{
	wr(0x14, 1, 0);
	wr(0x14, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(0x08, 4, 0);
	wr(0x0c, 4, (uint32_t)features);
	wr(0x08, 4, 1);
	wr(0x0c, 4, (uint32_t)(features >> 32));
	wr(0x14, 1, VT_STATUS_FEATURES);
}

/* MSI-X on with `vectors` vectors, vector v to address 0xfee00000 data 0x40 + v; memory
 * decoding and bus mastering on. */
static void enable_msix_vectors(unsigned vectors)
{
	unsigned x = pci_cap_find(&D->fn, PCI_CAP_ID_MSIX);
	pci_config_write(&D->fn, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	pci_config_write(&D->fn, x + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	for (unsigned v = 0; v < vectors; v++) {
		wr(VIRTIO_PCI_MSIX_TABLE + 16 * v, 4, 0xfee00000);
		wr(VIRTIO_PCI_MSIX_TABLE + 16 * v + 4, 4, 0);
		wr(VIRTIO_PCI_MSIX_TABLE + 16 * v + 8, 4, 0x40 + v);
		wr(VIRTIO_PCI_MSIX_TABLE + 16 * v + 12, 4, 0);
	}
}

#endif
