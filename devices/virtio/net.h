/*
 * virtio network device (virtio 1.2 §5.1), one queue pair, no control queue. Pure: frames the
 * driver transmits go to the caller's transmit function, frames for the guest come in through
 * virtio_net_receive; guest memory is reached through the transport's struct vq_guest_mem.
 *
 * Queues (§5.1.2): 0 receiveq1 (device -> driver), 1 transmitq1 (driver -> device). No
 * VIRTIO_NET_F_MQ/RSS, so N = 1; no VIRTIO_NET_F_CTRL_VQ, so no controlq.
 * Features offered (§5.1.3): VIRTIO_NET_F_MAC and VIRTIO_NET_F_STATUS only: no checksum or
 * segmentation offloads (every frame is complete and fully checksummed, both ways), no
 * MRG_RXBUF (one receive buffer per frame), no MTU (see VIRTIO_NET_MAX_FRAME).
 *
 * Header (§5.1.6): with VIRTIO_F_VERSION_1 (always: the transport requires it) every frame, both
 * ways, is preceded by the 12-byte struct virtio_net_hdr that includes num_buffers, whether or
 * not MRG_RXBUF is negotiated (§5.1.6.3.1: "12 bytes if not [HASH_REPORT]"). The header and the
 * frame may be split across descriptors anywhere (§2.7.4: the device makes no assumption about
 * the arrangement of descriptors).
 *
 * Configuration (§5.1.4, little-endian, read-only): the whole struct virtio_net_config as Linux
 * 6.1 knows it, VIRTIO_NET_CONFIG_SIZE (24) bytes: mac[6] at 0, status le16 at 6
 * (VIRTIO_NET_S_LINK_UP while the link is up), then max_virtqueue_pairs, mtu, speed, duplex and
 * the RSS fields, which read 0 (their features are not offered). Linux's virtio_pci_modern
 * BUG()s on a configuration access past the structure's length, so the structure is exposed
 * whole rather than only the 8 bytes our features make valid. Reads of any size at any offset
 * inside it return little-endian bytes; writes are ignored (the driver "MUST NOT write to any of
 * the device configuration fields"; mac is writable only in the legacy interface).
 *
 * Transmit (queue 1 notified): every available chain's device-readable bytes are a header then
 * one Ethernet frame. The frame is copied (a snapshot the guest cannot change under the
 * callback) into `tx_frame` and handed to transmit(). Dropped and counted in tx_dropped, but
 * still returned to the driver: a header shorter than 12 bytes, a frame shorter than
 * VIRTIO_NET_MIN_FRAME or longer than VIRTIO_NET_MAX_FRAME, a gso_type other than
 * VIRTIO_NET_HDR_GSO_NONE (a driver bug: no HOST_TSO/UFO/USO was offered, §5.1.6.2.1), and every
 * frame while the link is down. flags, hdr_len, csum_* and num_buffers are ignored (no CSUM was
 * offered, so NEEDS_CSUM must not be set; §5.1.6.2.2 "MUST ignore flag bits that it does not
 * recognize"). Chains come back with 0 bytes written; one interrupt per batch. Device-writable
 * segments in a transmit chain are ignored.
 *
 * Receive (virtio_net_receive): one frame into one receive buffer (one descriptor chain, §5.1.6.3.2
 * "MUST use only a single descriptor [chain]" without MRG_RXBUF): a header of zeros (flags 0,
 * GSO_NONE: no GUEST_CSUM/TSO negotiated, §5.1.6.4.1) with num_buffers = 1, then the frame; the
 * used length is 12 + len; an interrupt if the driver wants one. No pending queue: a frame that
 * cannot be delivered now is dropped and counted in rx_dropped, as a NIC drops on an empty ring
 * (virtio_net_can_receive tells the caller beforehand). Dropped without touching the ring: the
 * device not ready (before DRIVER_OK, queue disabled, NEEDS_RESET, bus mastering off), the link
 * down, len outside [VIRTIO_NET_MIN_FRAME, VIRTIO_NET_MAX_FRAME], no buffer available.
 *
 * A receive buffer too small for 12 + len bytes (§5.1.6.3.1: without MRG_RXBUF the driver SHOULD
 * post at least 1526 bytes, enough for any frame we deliver; Linux 6.1 posts 12 + 1518): the
 * frame is dropped (rx_dropped, rx_too_small), and the buffer is returned with 0 bytes written,
 * nothing written into it (a frame is never truncated). The device cannot leave a popped buffer
 * in the ring, and keeping it would stall the ring on that buffer forever; Linux counts such a
 * used buffer as a "short packet" (rx_length_errors), frees it and refills. Only that one buffer
 * is consumed per dropped frame.
 *
 * Re-entrancy: virtio_net_receive touches only the receive queue, so transmit() may call it (an
 * echo or loopback backend): the reply lands in the receive ring while the transmit batch goes
 * on. If that call finds the receive ring malformed the device needs reset, and the transmit
 * batch stops after the current chain. A transmit notification arriving while transmit() runs
 * (only possible through a backend that re-enters the device) is absorbed by the running batch.
 *
 * Stack: a struct vq_chain (~1.5 KiB) per level (the transmit loop, and receive inside it); the
 * frame buffer lives in the struct, not on the 16 KiB exit stack.
 *
 * Not thread-safe: calls into one device (the BAR handlers, virtio_net_receive,
 * virtio_net_set_link) must be serialised by the caller.
 */
#ifndef DEVICES_VIRTIO_NET_H
#define DEVICES_VIRTIO_NET_H
#include "pci/virtio_pci.h"

#define VIRTIO_ID_NET 1

/* Feature bits (§5.1.3), as masks like VIRTIO_F_* in pci/virtio_pci.h. Only MAC and STATUS are
 * offered; the others are named for the tests and the drop rules. */
#define VIRTIO_NET_F_CSUM (1ull << 0)
#define VIRTIO_NET_F_GUEST_CSUM (1ull << 1)
#define VIRTIO_NET_F_MTU (1ull << 3)
#define VIRTIO_NET_F_MAC (1ull << 5)
#define VIRTIO_NET_F_MRG_RXBUF (1ull << 15)
#define VIRTIO_NET_F_STATUS (1ull << 16)
#define VIRTIO_NET_F_CTRL_VQ (1ull << 17)
#define VIRTIO_NET_F_MQ (1ull << 22)

/* Queues (§5.1.2). */
#define VIRTIO_NET_RECEIVEQ 0
#define VIRTIO_NET_TRANSMITQ 1

/* struct virtio_net_config (§5.1.4). */
#define VIRTIO_NET_CFG_MAC 0        /* u8[6] */
#define VIRTIO_NET_CFG_STATUS 6     /* le16 */
#define VIRTIO_NET_CONFIG_SIZE 24   /* through supported_hash_types (Linux 6.1's struct) */
#define VIRTIO_NET_S_LINK_UP 1
#define VIRTIO_NET_S_ANNOUNCE 2     /* needs GUEST_ANNOUNCE: never set */

/* struct virtio_net_hdr (§5.1.6): u8 flags, u8 gso_type, le16 hdr_len, le16 gso_size,
 * le16 csum_start, le16 csum_offset, le16 num_buffers. */
#define VIRTIO_NET_HDR_SIZE 12     /* struct virtio_net_hdr with num_buffers: always with VERSION_1 (§5.1.6) */
#define VIRTIO_NET_HDR_FLAGS 0
#define VIRTIO_NET_HDR_GSO_TYPE 1
#define VIRTIO_NET_HDR_NUM_BUFFERS 10
#define VIRTIO_NET_HDR_GSO_NONE 0

#define VIRTIO_NET_MIN_FRAME 14    /* an Ethernet header: anything shorter is not a frame */
#define VIRTIO_NET_MAX_FRAME 1514  /* Ethernet frame without FCS, no VLAN offload */

struct virtio_net {
	struct virtio_device dev;    /* FIRST member (page-aligned allocation; config bytes start it) */
	uint8_t mac[6];
	bool link_up;                /* status VIRTIO_NET_S_LINK_UP; initially up */
	bool in_transmit;            /* the transmit batch is running (re-entrancy guard) */
	/* A frame the guest sent, a stable copy (it stays valid only during the call). May be NULL
	 * (frames discarded, still counted in tx_frames). */
	void (*transmit)(void *ctx, const uint8_t *frame, size_t len);
	void *transmit_ctx;
	uint64_t tx_frames, rx_frames, rx_dropped, tx_dropped;
	uint64_t tx_bytes, rx_bytes;  /* frame bytes (headers not counted) */
	uint64_t rx_too_small;        /* of rx_dropped: the receive buffer was returned unused */
	uint8_t tx_frame[VIRTIO_NET_MAX_FRAME];  /* the frame being transmitted */
};

/* Sets up the device and its PCI function (n must stay where it is), link up. */
void virtio_net_init(struct virtio_net *n, const uint8_t mac[6], const struct vq_guest_mem *mem, pci_raise_msi_fn raise,
		     void *raise_ctx, void (*transmit)(void *ctx, const uint8_t *frame, size_t len), void *transmit_ctx);

/* A frame for the guest: into the next receive buffer (header + frame), interrupt. false if dropped (no buffer, too long, not ready). */
bool virtio_net_receive(struct virtio_net *n, const uint8_t *frame, size_t len);

/* True when virtio_net_receive would find a receive buffer: the receive queue ready, the link up,
 * a buffer available (whether it is big enough is only known once it is taken). */
bool virtio_net_can_receive(struct virtio_net *n);

/* Link up or down: the status field changes and the driver gets a configuration change
 * notification (§5.1.4, §4.1.5.3). While down, nothing is received and transmitted frames are
 * dropped (returned to the driver, counted). */
void virtio_net_set_link(struct virtio_net *n, bool up);

#endif
