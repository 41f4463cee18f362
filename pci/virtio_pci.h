/*
 * The virtio PCI transport, modern interface only (virtio 1.2 §4.1). Pure model: a PCI function
 * (pci/config.h) whose one 64-bit memory BAR holds the common configuration, the ISR status,
 * the device-specific configuration, the notification area and the MSI-X table; devices
 * (devices/virtio/) plug in through struct virtio_device_ops and use their virtqueues
 * (devices/virtio/virtqueue.h).
 *
 * BAR0 (16 KiB, 64-bit, not prefetchable):
 *   0x0000  common configuration (struct virtio_pci_common_cfg, §4.1.4.3)
 *   0x0100  ISR status (§4.1.4.5), read to clear
 *   0x0200  device-specific configuration (§4.1.4.6), when the device has one
 *   0x1000  notifications: queue q at 0x1000 + 4 * q (notify_off_multiplier 4, §4.1.4.4)
 *   0x2000  MSI-X table (num_queues + 1 vectors), 0x3000 its PBA
 * Capabilities: the virtio structures (vendor-specific, §4.1.4), PCI configuration access
 * (§4.1.4.9), MSI-X.
 *
 * Offered features: VIRTIO_F_VERSION_1 (required of the driver), VIRTIO_F_INDIRECT_DESC,
 * VIRTIO_F_EVENT_IDX, plus the device's own. INTx is not delivered (MSI-X only); the ISR status
 * is kept for drivers that read it.
 */
#ifndef PCI_VIRTIO_PCI_H
#define PCI_VIRTIO_PCI_H
#include "devices/range.h"
#include "devices/virtio/virtqueue.h"
#include "pci/config.h"
#include "pci/msix.h"

#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_DEVICE(type) (0x1040 + (type)) /* modern device IDs (§4.1.2.1) */

#define VIRTIO_PCI_BAR 0
#define VIRTIO_PCI_BAR_SIZE 0x4000
#define VIRTIO_PCI_COMMON 0x0000
#define VIRTIO_PCI_ISR 0x0100
#define VIRTIO_PCI_DEVCFG 0x0200
#define VIRTIO_PCI_DEVCFG_MAX 0x0e00
#define VIRTIO_PCI_NOTIFY 0x1000
#define VIRTIO_PCI_NOTIFY_MULT 4
#define VIRTIO_PCI_MSIX_TABLE 0x2000
#define VIRTIO_PCI_MSIX_PBA 0x3000

#define VIRTIO_MAX_QUEUES 8
#define VIRTIO_QUEUE_MAX_SIZE 256
#define VIRTIO_NO_VECTOR 0xffff

/* Device status bits (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED 0x80

/* Reserved feature bits (§6). */
#define VIRTIO_F_INDIRECT_DESC (1ull << 28)
#define VIRTIO_F_EVENT_IDX (1ull << 29)
#define VIRTIO_F_VERSION_1 (1ull << 32)

struct virtio_device;

struct virtio_device_ops {
	/* The driver notified queue q (DRIVER_OK, queue enabled, bus mastering on). */
	void (*notify)(struct virtio_device *d, unsigned q);
	/* Byte `offset` (< config_size) of the device-specific configuration; the transport puts
	 * accesses of any size together, little-endian (§4.1.3). NULL if the device has none. */
	uint8_t (*config_byte)(struct virtio_device *d, unsigned offset);
	/* A driver write to it; NULL: every field is read-only (writes are ignored). */
	void (*config_write)(struct virtio_device *d, unsigned offset, unsigned size, uint64_t value);
	/* The driver reset the device (status 0 written) or the transport reset it. */
	void (*reset)(struct virtio_device *d);
};

struct virtio_queue {
	uint16_t size, msix_vector, enabled;
	uint64_t desc, driver, device;
	struct virtqueue vq;
	uint64_t kicks;           /* available buffer notifications the driver sent */
	unsigned idle_polls;      /* polling (see virtio_pci_poll): polls without work left; 0: not polling */
};

struct virtio_device {
	struct pci_function fn;   /* first: its config bytes start the (page-aligned) allocation */
	/* set by the device before virtio_pci_init */
	uint16_t type;            /* virtio device ID: 1 net, 2 blk, 3 console, 4 rng (§5) */
	uint64_t features;        /* device-specific feature bits offered */
	unsigned num_queues;      /* 1..VIRTIO_MAX_QUEUES */
	unsigned config_size;     /* bytes of device-specific configuration (0: none) */
	const struct virtio_device_ops *ops;
	const char *name;
	/* transport state */
	struct pci_msix msix;
	struct pci_msix_entry msix_table[VIRTIO_MAX_QUEUES + 1];
	uint64_t msix_pba[1];
	const struct vq_guest_mem *mem;
	uint64_t driver_features;
	uint32_t device_feature_select, driver_feature_select;
	uint16_t queue_select, msix_config;
	uint8_t status, config_generation, isr;
	unsigned pci_cfg_cap;     /* offset of the PCI configuration access capability */
	struct virtio_queue queue[VIRTIO_MAX_QUEUES];
	pci_raise_msi_fn raise;
	void *raise_ctx;
	uint64_t interrupts;      /* messages sent */
	/* Optional: told when the device sets DEVICE_NEEDS_RESET (the hypervisor logs it). */
	void (*on_needs_reset)(struct virtio_device *d);
	/* Polling (set by the user after init; 0: never poll): a queue that had work when notified
	 * stops asking for notifications and is polled instead, until polls that find nothing have
	 * used up this budget (each costs its idle_cost, virtio_pci_poll). */
	unsigned poll_budget;
	/* Optional: told when a queue starts polling (the user must then call virtio_pci_poll). */
	void (*on_polling)(struct virtio_device *d);
};

/* Builds the PCI function (d must stay where it is: the capabilities keep pointers into it).
 * mem: how the device reaches guest memory; raise: how MSI-X messages are sent. */
void virtio_pci_init(struct virtio_device *d, const struct vq_guest_mem *mem, pci_raise_msi_fn raise, void *raise_ctx);

/* The BAR's range device (opaque: the struct virtio_device). */
extern const struct range_ops virtio_pci_bar_ops;

/* For devices. After pushing used buffers on queue q: an interrupt if the driver wants one. */
void virtio_queue_interrupt(struct virtio_device *d, unsigned q);
/* The device-specific configuration changed (§4.1.5.3). */
void virtio_config_changed(struct virtio_device *d);
/* Something the driver did broke the device (a malformed ring, say): DEVICE_NEEDS_RESET and a
 * configuration-change interrupt (§2.1.2); the device stops processing until reset. */
void virtio_needs_reset(struct virtio_device *d);
/* True when the device may process queue q: DRIVER_OK, not NEEDS_RESET, enabled, bus master. */
bool virtio_queue_ready(const struct virtio_device *d, unsigned q);

/*
 * Polling while busy (virtio 1.2 §2.7.10, available buffer notification suppression): a bulk
 * transfer should cost no notifications. When a notification finds work, the queue turns
 * notifications off and the user polls it instead: virtio_pci_poll serves every polling queue
 * (the device's notify handler) and returns true while one is still polling. Each poll that
 * finds no work takes idle_cost from the queue's budget (poll_budget, restored by work); when it
 * is used up, notifications come back on, followed by one more look (a buffer added in between
 * is served, and the queue goes on polling). The user must poll often enough for a driver that
 * waits without exiting (minihv: after every VM exit and on a timer; a timer poll costs more).
 */
bool virtio_pci_poll(struct virtio_device *d, unsigned idle_cost);
/* Notifications received, all queues. */
uint64_t virtio_pci_kicks(const struct virtio_device *d);
bool virtio_feature_negotiated(const struct virtio_device *d, uint64_t feature);

#endif
