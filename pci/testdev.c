/* The virtual PCI test device (see testdev.h). */
#include "pci/testdev.h"
#include "pci/bar.h"
#include "pci/cap.h"
#include "pci/header.h"
#include "pci/regs.h"

/* Every message the device sends passes here, including pending ones sent on unmask. */
static void send_message(void *ctx, uint64_t address, uint32_t data)
{
	struct testdev *d = ctx;
	d->irq_count++;
	d->raise(d->raise_ctx, address, data);
}

static void build_config(struct testdev *d)
{
	struct pci_function *fn = &d->fn;
	static const struct pci_ids ids = {
		.vendor = TESTDEV_VENDOR_ID, .device = TESTDEV_DEVICE_ID,
		.subsystem_vendor = TESTDEV_VENDOR_ID, .subsystem = 0x0001,
		.class_code = 0xff0000, /* "device does not fit any defined class" */
		.revision = 1, .interrupt_pin = 1,
	};
	pci_function_init_type0(fn, &ids, "testdev");
	pci_bar_define(fn, TESTDEV_MMIO_BAR, PCI_BAR_MEM32, TESTDEV_MMIO_SIZE, false);
	pci_bar_define(fn, TESTDEV_IO_BAR, PCI_BAR_IO, TESTDEV_IO_SIZE, false);
	pci_bar_define(fn, TESTDEV_RAM_BAR, PCI_BAR_MEM64, TESTDEV_RAM_SIZE, true);

	pci_cap_add_pm(fn, 0);
	pci_msi_init(&d->msi, fn, TESTDEV_VECTORS, PCI_MSI_64 | PCI_MSI_MASKED, send_message, d);
	pci_msix_init(&d->msix, fn, TESTDEV_VECTORS, TESTDEV_MMIO_BAR, TESTDEV_MSIX_TABLE, TESTDEV_MMIO_BAR,
		      TESTDEV_MSIX_PBA, d->msix_table, d->msix_pba, send_message, d);
	unsigned vendor = pci_cap_add_vendor(fn, 8);
	pci_config_set(fn, vendor + 3, 4, 'M' | 'H' << 8 | 'V' << 16 | 1u << 24);
	pci_cap_add_pcie(fn, PCI_EXP_TYPE_RC_END);
	/* VSEC header, PCIe 4.0 §7.9 (Vendor-Specific Extended Capability): VSEC ID 15:0, revision 19:16, length 31:20. */
	unsigned vsec = pci_ext_cap_add(fn, PCI_EXT_CAP_ID_VNDR, 1, 12);
	pci_config_set(fn, vsec + 4, 4, TESTDEV_DEVICE_ID | 1u << 16 | 12u << 20);
	pci_config_set(fn, vsec + 8, 4, 'M' | 'H' << 8 | 'V' << 16 | '1' << 24);
}

void testdev_init(struct testdev *d, pci_raise_msi_fn raise, void *raise_ctx)
{
	build_config(d);
	for (unsigned i = 0; i < TESTDEV_RAM_SIZE; i++)
		d->ram[i] = 0;
	d->scratch = d->irq_count = d->last = d->intx = 0;
	d->raise = raise;
	d->raise_ctx = raise_ctx;
}

void testdev_attach(struct testdev *d, struct pci_bar_route *route)
{
	pci_bar_route_bind(route, TESTDEV_MMIO_BAR, &testdev_mmio_ops, d, "testdev-mmio");
	pci_bar_route_bind(route, TESTDEV_IO_BAR, &testdev_io_ops, d, "testdev-io");
	pci_bar_route_bind(route, TESTDEV_RAM_BAR, &testdev_ram_ops, d, "testdev-ram");
	pci_config_on_bar_change(&d->fn, pci_bar_route_changed, route);
}

static void set_intx(struct testdev *d, bool on)
{
	d->intx = on;
	uint32_t status = pci_config_get(&d->fn, PCI_STATUS, 2) & ~(uint32_t)PCI_STATUS_INTERRUPT;
	pci_config_set(&d->fn, PCI_STATUS, 2, status | (on ? PCI_STATUS_INTERRUPT : 0));
}

static uint32_t ring_doorbell(struct testdev *d, unsigned vector)
{
	bool msix = pci_msix_enabled(&d->msix), msi = pci_msi_enabled(&d->msi);
	if ((msix || msi) && !(pci_config_get(&d->fn, PCI_COMMAND, 2) & PCI_COMMAND_MASTER))
		return TESTDEV_LAST_NO_BUS_MASTER;
	if (msix) /* PCI LB 3.0 §6.8.2: with both enabled, MSI-X wins */
		return pci_msix_notify(&d->msix, vector);
	if (msi)
		return pci_msi_notify(&d->msi, vector);
	set_intx(d, true);
	return PCI_IRQ_DISABLED;
}

static uint32_t register_read(struct testdev *d, uint64_t offset)
{
	switch (offset) {
	case TESTDEV_REG_ID: return TESTDEV_ID_VALUE;
	case TESTDEV_REG_SCRATCH: return d->scratch;
	case TESTDEV_REG_IRQ_COUNT: return d->irq_count;
	case TESTDEV_REG_LAST: return d->last;
	case TESTDEV_REG_INTX: return d->intx;
	default: return 0; /* DOORBELL is write-only; unassigned offsets read 0 */
	}
}

static void register_write(struct testdev *d, uint64_t offset, uint32_t value)
{
	switch (offset) {
	case TESTDEV_REG_SCRATCH:
		d->scratch = value;
		break;
	case TESTDEV_REG_DOORBELL:
		d->last = ring_doorbell(d, value & 0xffff);
		break;
	case TESTDEV_REG_INTX:
		if (value & 1)
			set_intx(d, false);
		break;
	default:
		break;
	}
}

static bool in_window(uint64_t offset, uint64_t start, uint64_t size)
{
	return offset >= start && offset - start < size;
}

/* BAR0 is declared with 4-byte accesses only: wider ones arrive split into dwords. */
static uint64_t mmio_read(void *opaque, uint64_t offset, unsigned size)
{
	struct testdev *d = opaque;
	if (in_window(offset, TESTDEV_MSIX_TABLE, pci_msix_table_size(&d->msix)))
		return pci_msix_table_read(&d->msix, offset - TESTDEV_MSIX_TABLE, size);
	if (in_window(offset, TESTDEV_MSIX_PBA, pci_msix_pba_size(&d->msix)))
		return pci_msix_pba_read(&d->msix, offset - TESTDEV_MSIX_PBA, size);
	return register_read(d, offset);
}

static void mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct testdev *d = opaque;
	if (in_window(offset, TESTDEV_MSIX_TABLE, pci_msix_table_size(&d->msix)))
		pci_msix_table_write(&d->msix, offset - TESTDEV_MSIX_TABLE, size, value);
	else if (!in_window(offset, TESTDEV_MSIX_PBA, pci_msix_pba_size(&d->msix))) /* PBA is read-only */
		register_write(d, offset, (uint32_t)value);
}

static uint64_t io_read(void *opaque, uint64_t offset, unsigned size)
{
	return register_read(opaque, offset);
}

static void io_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	register_write(opaque, offset, (uint32_t)value);
}

static uint64_t ram_read(void *opaque, uint64_t offset, unsigned size)
{
	const struct testdev *d = opaque;
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)d->ram[offset + i] << (8 * i);
	return v;
}

static void ram_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct testdev *d = opaque;
	for (unsigned i = 0; i < size; i++)
		d->ram[offset + i] = (uint8_t)(value >> (8 * i));
}

const struct range_ops testdev_mmio_ops = { mmio_read, mmio_write, 4, 4 };
const struct range_ops testdev_io_ops = { io_read, io_write, 4, 4 };
const struct range_ops testdev_ram_ops = { ram_read, ram_write, 1, 8 };
