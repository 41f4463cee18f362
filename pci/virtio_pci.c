/* The virtio PCI transport, modern interface (see virtio_pci.h). */
#include "pci/virtio_pci.h"
#include "pci/bar.h"
#include "pci/cap.h"
#include "pci/header.h"
#include "pci/regs.h"
#include "lib/string.h"

/* virtio_pci_cap.cfg_type (§4.1.4) */
#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR 3
#define CAP_DEVICE 4
#define CAP_PCI_CFG 5

/* struct virtio_pci_common_cfg (§4.1.4.3) */
#define CC_DFSELECT 0x00
#define CC_DF 0x04
#define CC_GFSELECT 0x08
#define CC_GF 0x0c
#define CC_MSIX 0x10
#define CC_NUMQ 0x12
#define CC_STATUS 0x14
#define CC_CFGGEN 0x15
#define CC_Q_SELECT 0x16
#define CC_Q_SIZE 0x18
#define CC_Q_MSIX 0x1a
#define CC_Q_ENABLE 0x1c
#define CC_Q_NOFF 0x1e
#define CC_Q_DESCLO 0x20
#define CC_Q_DESCHI 0x24
#define CC_Q_AVAILLO 0x28
#define CC_Q_AVAILHI 0x2c
#define CC_Q_USEDLO 0x30
#define CC_Q_USEDHI 0x34
#define CC_SIZE 0x38

#define TRANSPORT_FEATURES (VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX)

static uint64_t offered(const struct virtio_device *d)
{
	return d->features | TRANSPORT_FEATURES;
}

bool virtio_feature_negotiated(const struct virtio_device *d, uint64_t feature)
{
	return (d->driver_features & feature) == feature;
}

static void send_message(void *ctx, uint64_t address, uint32_t data);

/* A virtio structure capability (§4.1.4): type, BAR, offset and length; extra bytes follow. */
static unsigned add_cap(struct pci_function *fn, unsigned type, uint32_t offset, uint32_t length, unsigned len)
{
	unsigned c = pci_cap_add_vendor(fn, len);
	if (c) {
		pci_config_set(fn, c + 3, 1, type);
		pci_config_set(fn, c + 4, 1, VIRTIO_PCI_BAR);
		pci_config_set(fn, c + 8, 4, offset);
		pci_config_set(fn, c + 12, 4, length);
	}
	return c;
}

static void reset_queue(struct virtio_queue *q)
{
	q->size = VIRTIO_QUEUE_MAX_SIZE;
	q->msix_vector = VIRTIO_NO_VECTOR;
	q->enabled = 0;
	q->desc = q->driver = q->device = 0;
	q->idle_polls = 0;
	vq_reset(&q->vq);
}

/* Device reset (§2.4): everything the driver set goes back to its initial value. */
static void reset(struct virtio_device *d)
{
	d->driver_features = 0;
	d->device_feature_select = d->driver_feature_select = 0;
	d->queue_select = 0;
	d->msix_config = VIRTIO_NO_VECTOR;
	d->status = 0;
	d->isr = 0;
	for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++)
		reset_queue(&d->queue[i]);
	if (d->ops->reset)
		d->ops->reset(d);
}

static void pci_cfg_access(void *ctx, struct pci_function *fn, unsigned offset, unsigned len, uint32_t old_value);

void virtio_pci_init(struct virtio_device *d, const struct vq_guest_mem *mem, pci_raise_msi_fn raise, void *raise_ctx)
{
	struct pci_function *fn = &d->fn;
	struct pci_ids ids = {
		.vendor = VIRTIO_PCI_VENDOR, .device = VIRTIO_PCI_DEVICE(d->type),
		.subsystem_vendor = VIRTIO_PCI_VENDOR, .subsystem = 0x40, /* §4.1.2.1: >= 0x40 */
		.class_code = 0xff0000, .revision = 1, .interrupt_pin = 1,
	};
	pci_function_init_type0(fn, &ids, d->name);
	pci_bar_define(fn, VIRTIO_PCI_BAR, PCI_BAR_MEM64, VIRTIO_PCI_BAR_SIZE, false);
	d->mem = mem;
	d->interrupts = 0;
	d->on_needs_reset = 0; /* set by the user after init */
	d->on_polling = 0;
	d->poll_budget = 0;
	d->config_generation = 0;
	add_cap(fn, CAP_COMMON, VIRTIO_PCI_COMMON, CC_SIZE, 16);
	unsigned notify = add_cap(fn, CAP_NOTIFY, VIRTIO_PCI_NOTIFY, VIRTIO_PCI_NOTIFY_MULT * d->num_queues, 20);
	pci_config_set(fn, notify + 16, 4, VIRTIO_PCI_NOTIFY_MULT);
	add_cap(fn, CAP_ISR, VIRTIO_PCI_ISR, 1, 16);
	if (d->config_size)
		add_cap(fn, CAP_DEVICE, VIRTIO_PCI_DEVCFG, d->config_size, 16);
	/* PCI configuration access (§4.1.4.9): bar, offset, length and data are the driver's. */
	d->pci_cfg_cap = add_cap(fn, CAP_PCI_CFG, 0, 0, 20);
	pci_config_set_wmask(fn, d->pci_cfg_cap + 4, 1, 0xff);
	pci_config_set_wmask(fn, d->pci_cfg_cap + 8, 4, 0xffffffff);
	pci_config_set_wmask(fn, d->pci_cfg_cap + 12, 4, 0xffffffff);
	pci_config_set_wmask(fn, d->pci_cfg_cap + 16, 4, 0xffffffff);
	static const uint8_t field[4][2] = { { 4, 1 }, { 8, 4 }, { 12, 4 }, { 16, 4 } }; /* bar offset length data */
	for (unsigned i = 0; i < 4; i++) {
		struct pci_hook h = { (uint16_t)(d->pci_cfg_cap + field[i][0]), field[i][1], 0, pci_cfg_access, d };
		pci_config_add_hook(fn, &h);
	}
	pci_msix_init(&d->msix, fn, d->num_queues + 1, VIRTIO_PCI_BAR, VIRTIO_PCI_MSIX_TABLE, VIRTIO_PCI_BAR,
		      VIRTIO_PCI_MSIX_PBA, d->msix_table, d->msix_pba, send_message, d);
	d->raise = raise;
	d->raise_ctx = raise_ctx;
	reset(d);
}

static void send_message(void *ctx, uint64_t address, uint32_t data)
{
	struct virtio_device *d = ctx;
	d->interrupts++;
	d->raise(d->raise_ctx, address, data);
}

static bool bus_master(const struct virtio_device *d)
{
	return pci_config_get(&d->fn, PCI_COMMAND, 2) & PCI_COMMAND_MASTER;
}

/* One interrupt through MSI-X vector `vector` (masked ones stay pending in the PBA). Without
 * MSI-X the ISR bit is all the driver gets (INTx is not delivered). */
static void interrupt(struct virtio_device *d, uint16_t vector)
{
	if (vector != VIRTIO_NO_VECTOR && pci_msix_enabled(&d->msix) && bus_master(d))
		pci_msix_notify(&d->msix, vector);
}

void virtio_queue_interrupt(struct virtio_device *d, unsigned q)
{
	if (q >= d->num_queues || !vq_should_interrupt(&d->queue[q].vq))
		return;
	d->isr |= 1;
	interrupt(d, d->queue[q].msix_vector);
}

void virtio_config_changed(struct virtio_device *d)
{
	d->config_generation++;
	d->isr |= 2;
	interrupt(d, d->msix_config);
}

void virtio_needs_reset(struct virtio_device *d)
{
	if (d->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	if (d->on_needs_reset)
		d->on_needs_reset(d);
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		virtio_config_changed(d);
}

bool virtio_queue_ready(const struct virtio_device *d, unsigned q)
{
	return q < d->num_queues && (d->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET)) == VIRTIO_STATUS_DRIVER_OK &&
	       d->queue[q].enabled && bus_master(d);
}

/* The device serves queue q (its notify handler); true if it consumed available buffers. */
static bool serve_once(struct virtio_device *d, unsigned q)
{
	uint16_t before = d->queue[q].vq.last_avail;
	d->ops->notify(d, q);
	return d->queue[q].vq.last_avail != before;
}

/* A notification, or a poll: serve the queue; work found starts (or continues) polling. */
static void serve(struct virtio_device *d, unsigned q)
{
	struct virtio_queue *vq = &d->queue[q];
	if (!serve_once(d, q) || !d->poll_budget || !virtio_queue_ready(d, q))
		return;
	bool start = !vq->idle_polls;
	vq->idle_polls = d->poll_budget;
	if (start) {
		vq_set_notify(&vq->vq, false); /* the driver is busy: it need not tell us */
		if (d->on_polling)
			d->on_polling(d);
	}
}

bool virtio_pci_poll(struct virtio_device *d, unsigned idle_cost)
{
	bool polling = false;
	for (unsigned q = 0; q < d->num_queues; q++) {
		struct virtio_queue *vq = &d->queue[q];
		if (!vq->idle_polls)
			continue;
		if (!virtio_queue_ready(d, q)) { /* reset, NEEDS_RESET, bus mastering off: stop */
			vq->idle_polls = 0;
			continue;
		}
		if (serve_once(d, q)) {
			vq->idle_polls = d->poll_budget;
		} else if (idle_cost < vq->idle_polls) {
			vq->idle_polls -= idle_cost;
		} else {
			/* Idle: notifications back on, then a last look, so that a buffer the driver
			 * added before it saw them on is not left waiting (§2.7.10). */
			vq->idle_polls = 0;
			vq_set_notify(&vq->vq, true);
			serve(d, q);
		}
		polling |= vq->idle_polls != 0;
	}
	return polling;
}

uint64_t virtio_pci_kicks(const struct virtio_device *d)
{
	uint64_t n = 0;
	for (unsigned q = 0; q < d->num_queues; q++)
		n += d->queue[q].kicks;
	return n;
}

static struct virtio_queue *selected(struct virtio_device *d)
{
	return d->queue_select < d->num_queues ? &d->queue[d->queue_select] : 0;
}

/* Common configuration reads, by field; accesses of another size or alignment read 0. */
static uint64_t common_read(struct virtio_device *d, unsigned off, unsigned size)
{
	struct virtio_queue *q = selected(d);
	switch (off | size << 8) {
	case CC_DFSELECT | 4 << 8: return d->device_feature_select;
	case CC_DF | 4 << 8: return d->device_feature_select < 2 ? (uint32_t)(offered(d) >> (32 * d->device_feature_select)) : 0;
	case CC_GFSELECT | 4 << 8: return d->driver_feature_select;
	case CC_GF | 4 << 8: return d->driver_feature_select < 2 ? (uint32_t)(d->driver_features >> (32 * d->driver_feature_select)) : 0;
	case CC_MSIX | 2 << 8: return d->msix_config;
	case CC_NUMQ | 2 << 8: return d->num_queues;
	case CC_STATUS | 1 << 8: return d->status;
	case CC_CFGGEN | 1 << 8: return d->config_generation;
	case CC_Q_SELECT | 2 << 8: return d->queue_select;
	case CC_Q_SIZE | 2 << 8: return q ? q->size : 0; /* 0: no such queue (§4.1.4.3) */
	case CC_Q_MSIX | 2 << 8: return q ? q->msix_vector : VIRTIO_NO_VECTOR;
	case CC_Q_ENABLE | 2 << 8: return q ? q->enabled : 0;
	case CC_Q_NOFF | 2 << 8: return q ? d->queue_select : 0;
	case CC_Q_DESCLO | 4 << 8: return q ? (uint32_t)q->desc : 0;
	case CC_Q_DESCHI | 4 << 8: return q ? (uint32_t)(q->desc >> 32) : 0;
	case CC_Q_AVAILLO | 4 << 8: return q ? (uint32_t)q->driver : 0;
	case CC_Q_AVAILHI | 4 << 8: return q ? (uint32_t)(q->driver >> 32) : 0;
	case CC_Q_USEDLO | 4 << 8: return q ? (uint32_t)q->device : 0;
	case CC_Q_USEDHI | 4 << 8: return q ? (uint32_t)(q->device >> 32) : 0;
	case CC_Q_DESCLO | 8 << 8: return q ? q->desc : 0;
	case CC_Q_AVAILLO | 8 << 8: return q ? q->driver : 0;
	case CC_Q_USEDLO | 8 << 8: return q ? q->device : 0;
	default: return 0;
	}
}

static void set_half(uint64_t *field, bool high, uint32_t v)
{
	*field = high ? (*field & 0xffffffffull) | (uint64_t)v << 32 : (*field & ~0xffffffffull) | v;
}

/* FEATURES_OK only for a subset of what was offered that includes VERSION_1 (§2.2.2, §6.1). */
static bool features_acceptable(const struct virtio_device *d)
{
	return !(d->driver_features & ~offered(d)) && (d->driver_features & VIRTIO_F_VERSION_1);
}

static void enable_queue(struct virtio_device *d, struct virtio_queue *q)
{
	q->vq.size = q->size;
	q->vq.desc_gpa = q->desc;
	q->vq.avail_gpa = q->driver;
	q->vq.used_gpa = q->device;
	q->vq.event_idx = virtio_feature_negotiated(d, VIRTIO_F_EVENT_IDX);
	q->vq.indirect = virtio_feature_negotiated(d, VIRTIO_F_INDIRECT_DESC);
	if (!q->size || (q->size & (q->size - 1)) || vq_enable(&q->vq, d->mem)) {
		virtio_needs_reset(d); /* a queue the device cannot use: rings outside RAM, bad size */
		return;
	}
	q->enabled = 1;
}

static void status_write(struct virtio_device *d, uint8_t v)
{
	if (!v) {
		reset(d);
		return;
	}
	if ((v & VIRTIO_STATUS_FEATURES_OK) && !(d->status & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(d))
		v &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK; /* the driver reads it back and gives up */
	d->status = (uint8_t)(v | (d->status & VIRTIO_STATUS_NEEDS_RESET));
}

static void common_write(struct virtio_device *d, unsigned off, unsigned size, uint64_t value)
{
	struct virtio_queue *q = selected(d);
	uint32_t v = (uint32_t)value;
	bool can_configure = q && !q->enabled; /* queue fields are fixed once enabled (§4.1.4.3.2) */
	bool features_open = !(d->status & VIRTIO_STATUS_FEATURES_OK);
	switch (off | size << 8) {
	case CC_DFSELECT | 4 << 8: d->device_feature_select = v; break;
	case CC_GFSELECT | 4 << 8: d->driver_feature_select = v; break;
	case CC_GF | 4 << 8:
		if (features_open && d->driver_feature_select < 2)
			set_half(&d->driver_features, d->driver_feature_select, v);
		break;
	case CC_MSIX | 2 << 8: d->msix_config = (uint16_t)(v < d->msix.vectors ? v : VIRTIO_NO_VECTOR); break;
	case CC_STATUS | 1 << 8: status_write(d, (uint8_t)v); break;
	case CC_Q_SELECT | 2 << 8: d->queue_select = (uint16_t)v; break;
	case CC_Q_SIZE | 2 << 8:
		if (can_configure && v && v <= VIRTIO_QUEUE_MAX_SIZE)
			q->size = (uint16_t)v;
		break;
	case CC_Q_MSIX | 2 << 8:
		if (q) /* a vector the device does not have reads back as NO_VECTOR (§4.1.5.1.2) */
			q->msix_vector = (uint16_t)(v < d->msix.vectors ? v : VIRTIO_NO_VECTOR);
		break;
	case CC_Q_ENABLE | 2 << 8:
		if (can_configure && v == 1)
			enable_queue(d, q);
		break;
	case CC_Q_DESCLO | 4 << 8: case CC_Q_DESCHI | 4 << 8:
		if (can_configure)
			set_half(&q->desc, off == CC_Q_DESCHI, v);
		break;
	case CC_Q_AVAILLO | 4 << 8: case CC_Q_AVAILHI | 4 << 8:
		if (can_configure)
			set_half(&q->driver, off == CC_Q_AVAILHI, v);
		break;
	case CC_Q_USEDLO | 4 << 8: case CC_Q_USEDHI | 4 << 8:
		if (can_configure)
			set_half(&q->device, off == CC_Q_USEDHI, v);
		break;
	case CC_Q_DESCLO | 8 << 8: if (can_configure) q->desc = value; break;
	case CC_Q_AVAILLO | 8 << 8: if (can_configure) q->driver = value; break;
	case CC_Q_USEDLO | 8 << 8: if (can_configure) q->device = value; break;
	default: break; /* read-only fields and odd accesses are ignored */
	}
}

static bool in_window(uint64_t offset, uint64_t start, uint64_t size)
{
	return offset >= start && offset - start < size;
}

static uint64_t bar_read(void *opaque, uint64_t offset, unsigned size)
{
	struct virtio_device *d = opaque;
	if (offset < CC_SIZE)
		return common_read(d, (unsigned)offset, size);
	if (offset == VIRTIO_PCI_ISR) { /* read to clear (§4.1.4.5) */
		uint8_t isr = d->isr;
		d->isr = 0;
		return isr;
	}
	if (in_window(offset, VIRTIO_PCI_DEVCFG, d->config_size) && d->ops->config_byte &&
	    offset - VIRTIO_PCI_DEVCFG + size <= d->config_size) {
		uint64_t v = 0; /* little-endian (§4.1.3) */
		for (unsigned i = 0; i < size; i++)
			v |= (uint64_t)d->ops->config_byte(d, (unsigned)(offset - VIRTIO_PCI_DEVCFG) + i) << (8 * i);
		return v;
	}
	if (in_window(offset, VIRTIO_PCI_MSIX_TABLE, pci_msix_table_size(&d->msix)))
		return pci_msix_table_read(&d->msix, offset - VIRTIO_PCI_MSIX_TABLE, size);
	if (in_window(offset, VIRTIO_PCI_MSIX_PBA, pci_msix_pba_size(&d->msix)))
		return pci_msix_pba_read(&d->msix, offset - VIRTIO_PCI_MSIX_PBA, size);
	return 0;
}

static void bar_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct virtio_device *d = opaque;
	if (offset < CC_SIZE) {
		common_write(d, (unsigned)offset, size, value);
	} else if (in_window(offset, VIRTIO_PCI_NOTIFY, VIRTIO_PCI_NOTIFY_MULT * d->num_queues)) {
		unsigned q = (unsigned)(offset - VIRTIO_PCI_NOTIFY) / VIRTIO_PCI_NOTIFY_MULT;
		if (virtio_queue_ready(d, q)) {
			d->queue[q].kicks++;
			serve(d, q);
		}
	} else if (in_window(offset, VIRTIO_PCI_DEVCFG, d->config_size) && d->ops->config_write &&
		   offset - VIRTIO_PCI_DEVCFG + size <= d->config_size) {
		d->ops->config_write(d, (unsigned)(offset - VIRTIO_PCI_DEVCFG), size, value);
	} else if (in_window(offset, VIRTIO_PCI_MSIX_TABLE, pci_msix_table_size(&d->msix))) {
		pci_msix_table_write(&d->msix, offset - VIRTIO_PCI_MSIX_TABLE, size, value);
	}
}

const struct range_ops virtio_pci_bar_ops = { bar_read, bar_write, 1, 8 };

/* The PCI configuration access capability (§4.1.4.9): after the driver writes pci_cfg_data,
 * that many bytes go to the BAR at cap.offset; after it sets up bar/offset/length, the data
 * field is filled from the BAR (config-space reads do not reach the device: they run on the
 * ECAM page without an exit, so the data is fetched when the window is set up). */
static void pci_cfg_access(void *ctx, struct pci_function *fn, unsigned offset, unsigned len, uint32_t old_value)
{
	struct virtio_device *d = ctx;
	unsigned c = d->pci_cfg_cap;
	unsigned bar = pci_config_get(fn, c + 4, 1), size = pci_config_get(fn, c + 12, 4);
	uint32_t at = pci_config_get(fn, c + 8, 4);
	if (bar != VIRTIO_PCI_BAR || (size != 1 && size != 2 && size != 4) || (at & (size - 1)) || at >= VIRTIO_PCI_BAR_SIZE)
		return;
	if (offset >= c + 16)
		bar_write(d, at, size, pci_config_get(fn, c + 16, 4) & (0xffffffffu >> (32 - 8 * size)));
	else
		pci_config_set(fn, c + 16, 4, (uint32_t)bar_read(d, at, size));
}

