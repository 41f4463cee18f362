/* virtio network device, one queue pair (see net.h). */
#include "devices/virtio/net.h"
#include "lib/string.h"

/*
 * One transmit chain (§5.1.6.2): header, then the frame, in the readable part. Returns true when
 * the frame was accepted (copied into n->tx_frame, its length in *len).
 */
static bool take_frame(struct virtio_net *n, const struct vq_chain *c, size_t *len)
{
	uint8_t hdr[VIRTIO_NET_HDR_SIZE];
	if (c->readable < VIRTIO_NET_HDR_SIZE)
		return false;
	uint64_t frame = c->readable - VIRTIO_NET_HDR_SIZE;
	if (frame < VIRTIO_NET_MIN_FRAME || frame > VIRTIO_NET_MAX_FRAME)
		return false;
	vq_chain_read(c, 0, hdr, sizeof hdr); /* copied once: the guest may change it meanwhile */
	/* No HOST_TSO/UFO/USO offered: the driver MUST set GSO_NONE (§5.1.6.2.1); anything else
	 * asks for a segmentation the device does not do. flags are ignored (§5.1.6.2.2). */
	if (hdr[VIRTIO_NET_HDR_GSO_TYPE] != VIRTIO_NET_HDR_GSO_NONE)
		return false;
	if (!n->link_up)
		return false;
	*len = vq_chain_read(c, VIRTIO_NET_HDR_SIZE, n->tx_frame, (size_t)frame); /* a snapshot */
	return true;
}

/*
 * transmitq1 (§5.1.6.2): every available chain, in order; each comes back with 0 bytes written,
 * whether its frame was sent or dropped. One interrupt for the batch. Stops early if the device
 * needs reset meanwhile (a receive from inside transmit() found the receive ring malformed).
 */
static void transmit(struct virtio_net *n)
{
	struct virtio_device *d = &n->dev;
	struct virtqueue *vq = &d->queue[VIRTIO_NET_TRANSMITQ].vq;
	struct vq_chain c;
	bool pushed = false;
	int got = 0;
	if (n->in_transmit)
		return; /* re-entered: the running batch pops until the ring is empty */
	n->in_transmit = true;
	while (virtio_queue_ready(d, VIRTIO_NET_TRANSMITQ) && (got = vq_pop(vq, &c)) == 1) {
		size_t len;
		if (take_frame(n, &c, &len)) {
			n->tx_frames++;
			n->tx_bytes += len;
			if (n->transmit)
				n->transmit(n->transmit_ctx, n->tx_frame, len);
		} else {
			n->tx_dropped++;
		}
		vq_push(vq, c.head, 0);
		pushed = true;
	}
	n->in_transmit = false;
	if (got < 0)
		virtio_needs_reset(d); /* malformed ring (§2.1.2): nothing more until reset */
	if (pushed)
		virtio_queue_interrupt(d, VIRTIO_NET_TRANSMITQ);
}

bool virtio_net_can_receive(struct virtio_net *n)
{
	return n->link_up && virtio_queue_ready(&n->dev, VIRTIO_NET_RECEIVEQ) &&
	       vq_has_available(&n->dev.queue[VIRTIO_NET_RECEIVEQ].vq);
}

/*
 * receiveq1 (§5.1.6.3, §5.1.6.4): one buffer per frame (no MRG_RXBUF), header then frame. Touches
 * only the receive queue, so transmit() may call it.
 */
bool virtio_net_receive(struct virtio_net *n, const uint8_t *frame, size_t len)
{
	struct virtio_device *d = &n->dev;
	struct virtqueue *vq = &d->queue[VIRTIO_NET_RECEIVEQ].vq;
	struct vq_chain c;
	if (len < VIRTIO_NET_MIN_FRAME || len > VIRTIO_NET_MAX_FRAME || !n->link_up ||
	    !virtio_queue_ready(d, VIRTIO_NET_RECEIVEQ)) {
		n->rx_dropped++;
		return false;
	}
	int got = vq_pop(vq, &c);
	if (got <= 0) {
		if (got < 0)
			virtio_needs_reset(d); /* malformed ring (§2.1.2) */
		n->rx_dropped++;           /* or no buffer posted: dropped, as on an empty NIC ring */
		return false;
	}
	if (c.writable < VIRTIO_NET_HDR_SIZE + len) {
		/* Smaller than the 1526 bytes §5.1.6.3.1 asks for: returned unused, never truncated
		 * (see net.h); the driver sees a used length below the header size and drops it. */
		vq_push(vq, c.head, 0);
		virtio_queue_interrupt(d, VIRTIO_NET_RECEIVEQ);
		n->rx_dropped++;
		n->rx_too_small++;
		return false;
	}
	/* flags 0 and gso_type NONE (§5.1.6.4.1: no GUEST_CSUM/TSO/UFO/USO negotiated), hdr_len,
	 * gso_size and csum_* 0, num_buffers 1 (no MRG_RXBUF). */
	uint8_t hdr[VIRTIO_NET_HDR_SIZE];
	memset(hdr, 0, sizeof hdr);
	hdr[VIRTIO_NET_HDR_NUM_BUFFERS] = 1;
	vq_chain_write(&c, 0, hdr, sizeof hdr);
	vq_chain_write(&c, VIRTIO_NET_HDR_SIZE, frame, len);
	vq_push(vq, c.head, (uint32_t)(VIRTIO_NET_HDR_SIZE + len));
	n->rx_frames++;
	n->rx_bytes += len;
	virtio_queue_interrupt(d, VIRTIO_NET_RECEIVEQ);
	return true;
}

static void net_notify(struct virtio_device *d, unsigned q)
{
	/* Receive buffers posted (queue 0) need nothing: frames are only ever delivered when they
	 * arrive, there is no pending queue. */
	if (q == VIRTIO_NET_TRANSMITQ)
		transmit((struct virtio_net *)d);
}

/* Byte `off` of struct virtio_net_config (§5.1.4): mac, status; the rest reads 0. */
static uint8_t net_config_byte(struct virtio_device *d, unsigned off)
{
	const struct virtio_net *n = (const struct virtio_net *)d;
	if (off < VIRTIO_NET_CFG_MAC + 6)
		return n->mac[off - VIRTIO_NET_CFG_MAC];
	if (off == VIRTIO_NET_CFG_STATUS) /* le16: the low byte holds LINK_UP */
		return n->link_up ? VIRTIO_NET_S_LINK_UP : 0;
	return 0;
}

static const struct virtio_device_ops net_ops = {
	.notify = net_notify,
	.config_byte = net_config_byte, /* read-only for the driver (§5.1.4.2: mac is writable only in the
					 * legacy interface, which does not exist here) */
	/* no .reset: the transport resets the queues; the MAC, link state and counters are the
	 * host's */
};

void virtio_net_init(struct virtio_net *n, const uint8_t mac[6], const struct vq_guest_mem *mem, pci_raise_msi_fn raise,
		     void *raise_ctx, void (*transmit_fn)(void *ctx, const uint8_t *frame, size_t len), void *transmit_ctx)
{
	memcpy(n->mac, mac, sizeof n->mac);
	n->link_up = true;
	n->in_transmit = false;
	n->transmit = transmit_fn;
	n->transmit_ctx = transmit_ctx;
	n->tx_frames = n->rx_frames = n->rx_dropped = n->tx_dropped = 0;
	n->tx_bytes = n->rx_bytes = n->rx_too_small = 0;
	n->dev.type = VIRTIO_ID_NET;
	n->dev.features = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS;
	n->dev.num_queues = 2;
	n->dev.config_size = VIRTIO_NET_CONFIG_SIZE;
	n->dev.ops = &net_ops;
	n->dev.name = "virtio-net";
	virtio_pci_init(&n->dev, mem, raise, raise_ctx);
}

void virtio_net_set_link(struct virtio_net *n, bool up)
{
	if (n->link_up == up)
		return;
	n->link_up = up;
	virtio_config_changed(&n->dev);
}
