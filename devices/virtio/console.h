/*
 * virtio console device (virtio 1.2 §5.3), one port: no VIRTIO_CONSOLE_F_MULTIPORT, so no control
 * queues. Pure: what the driver writes goes to the caller's output function, what the caller
 * types comes in through virtio_console_input.
 *
 * Queues (§5.3.2): 0 receiveq (port 0, device -> driver), 1 transmitq (port 0, driver -> device).
 * Features offered (§5.3.3): VIRTIO_CONSOLE_F_SIZE (cols x rows valid), VIRTIO_CONSOLE_F_EMERG_WRITE.
 * Configuration (§5.3.4, little-endian, 12 bytes): cols le16 at 0, rows le16 at 2, max_nr_ports
 * le32 at 4 (1), emerg_wr le32 at 8 (write-only: reads 0). cols comes first as in Linux's
 * include/uapi/linux/virtio_console.h and QEMU, which read it at offset 0.
 *
 * emerg_wr: a write starting at offset 8 (1, 2 or 4 bytes) outputs its low byte, at any time,
 * whatever the negotiated features and status: §5.3.5.1 "The device MUST allow a write to emerg_wr,
 * even on an unconfigured device", and §5.3.4 lets the driver use it "without initializing virtio
 * queues, or even acknowledging the feature". Other configuration writes are ignored.
 *
 * Output is the guest's bytes, unfiltered: control characters and escape sequences included. The
 * caller must sanitise them before they reach a terminal.
 *
 * Input policy: bytes go straight into the driver's receive buffers when it has posted some and
 * the receive queue is ready (DRIVER_OK, enabled, bus master, not NEEDS_RESET). The rest waits in
 * `pending`, a VIRTIO_CONSOLE_PENDING-byte ring, in order, and is delivered first when the driver
 * posts buffers (notify on queue 0) or more input arrives. When the ring is full the NEWEST bytes
 * are refused (as a UART overrun loses the character arriving): virtio_console_input returns how
 * many it took, and `dropped` counts the refused ones. Pending input survives a device reset (it
 * is host-side type-ahead, not driver-visible state), so keys typed while the guest's driver is
 * still probing reach it.
 *
 * Not thread-safe: calls into one device (the BAR handlers, virtio_console_input,
 * virtio_console_resize) must be serialised by the caller.
 */
#ifndef DEVICES_VIRTIO_CONSOLE_H
#define DEVICES_VIRTIO_CONSOLE_H
#include "pci/virtio_pci.h"

#define VIRTIO_ID_CONSOLE 3

/* Feature bits (§5.3.3). */
#define VIRTIO_CONSOLE_F_SIZE (1ull << 0)
#define VIRTIO_CONSOLE_F_MULTIPORT (1ull << 1) /* not offered */
#define VIRTIO_CONSOLE_F_EMERG_WRITE (1ull << 2)

/* Queues of port 0 (§5.3.2). */
#define VIRTIO_CONSOLE_RECEIVEQ 0
#define VIRTIO_CONSOLE_TRANSMITQ 1

/* struct virtio_console_config (§5.3.4). */
#define VIRTIO_CONSOLE_CFG_COLS 0
#define VIRTIO_CONSOLE_CFG_ROWS 2
#define VIRTIO_CONSOLE_CFG_MAX_NR_PORTS 4
#define VIRTIO_CONSOLE_CFG_EMERG_WR 8
#define VIRTIO_CONSOLE_CONFIG_SIZE 12

#define VIRTIO_CONSOLE_DEFAULT_COLS 80
#define VIRTIO_CONSOLE_DEFAULT_ROWS 25
#define VIRTIO_CONSOLE_PENDING 256 /* bytes of input waiting for receive buffers; power of two */

struct virtio_console {
	struct virtio_device dev; /* first (see struct virtio_device) */
	/* What the driver wrote: transmitq buffers and emerg_wr bytes, in order, as-is. May be NULL
	 * (output discarded, still counted). The bytes are a copy: the guest cannot change them
	 * while the callback looks at them. */
	void (*output)(void *ctx, const uint8_t *bytes, size_t n);
	void *output_ctx;
	uint16_t cols, rows; /* reported in the configuration (VIRTIO_CONSOLE_F_SIZE) */
	uint8_t pending[VIRTIO_CONSOLE_PENDING]; /* input ring: pending_len bytes from pending_head */
	uint16_t pending_head, pending_len;
	uint64_t bytes_out;  /* passed to output (transmitq and emerg_wr) */
	uint64_t bytes_in;   /* written into the driver's receive buffers */
	uint64_t dropped;    /* input refused because `pending` was full */
};

void virtio_console_init(struct virtio_console *c, const struct vq_guest_mem *mem, pci_raise_msi_fn raise, void *raise_ctx,
			 void (*output)(void *ctx, const uint8_t *bytes, size_t n), void *output_ctx);

/* Input for the guest (keyboard, host side): delivered into receive buffers now, or queued in
 * `pending` until the driver posts some. Returns the bytes accepted (delivered or queued); the
 * rest (pending full) is dropped and counted. n == 0 just retries delivering pending input. */
size_t virtio_console_input(struct virtio_console *c, const uint8_t *bytes, size_t n);

/* The console size changed: new cols/rows and a configuration change notification (§5.3.6). */
void virtio_console_resize(struct virtio_console *c, uint16_t cols, uint16_t rows);

#endif
