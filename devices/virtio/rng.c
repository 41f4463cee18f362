/* virtio entropy device (see rng.h). */
#include "devices/virtio/rng.h"

#define MAX_REQUEST 4096 /* bytes per buffer: a driver asking for more gets this much (§5.4.6) */

/* Fills every available buffer; one interrupt for the batch, if the driver wants one. */
static void rng_notify(struct virtio_device *d, unsigned q)
{
	struct virtio_rng *r = (struct virtio_rng *)d;
	struct virtqueue *vq = &d->queue[0].vq;
	struct vq_chain c;
	int got;
	bool pushed = false;
	while ((got = vq_pop(vq, &c)) == 1) {
		uint64_t want = c.writable < MAX_REQUEST ? c.writable : MAX_REQUEST, done = 0;
		while (done < want) {
			uint64_t bits = r->random(r->random_ctx);
			size_t n = want - done < sizeof bits ? (size_t)(want - done) : sizeof bits, put;
			put = vq_chain_write(&c, (size_t)done, &bits, n);
			done += put;
			if (put < n)
				break;
		}
		vq_push(vq, c.head, (uint32_t)done);
		r->bytes += done;
		r->requests++;
		pushed = true;
	}
	if (got < 0)
		virtio_needs_reset(d); /* a malformed ring: the driver sees NEEDS_RESET, the hypervisor logs it */
	if (pushed)
		virtio_queue_interrupt(d, 0);
}

static const struct virtio_device_ops rng_ops = { .notify = rng_notify };

void virtio_rng_init(struct virtio_rng *r, const struct vq_guest_mem *mem, pci_raise_msi_fn raise, void *raise_ctx,
		     uint64_t (*random)(void *ctx), void *random_ctx)
{
	r->dev.type = VIRTIO_ID_RNG;
	r->dev.features = 0;
	r->dev.num_queues = 1;
	r->dev.config_size = 0;
	r->dev.ops = &rng_ops;
	r->dev.name = "virtio-rng";
	r->random = random;
	r->random_ctx = random_ctx;
	r->bytes = r->requests = 0;
	virtio_pci_init(&r->dev, mem, raise, raise_ctx);
}
