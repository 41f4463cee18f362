/* virtio entropy device (virtio 1.2 §5.4): one request queue; every device-writable buffer the
 * driver posts comes back filled with random bytes. Pure: the random source is the caller's. */
#ifndef DEVICES_VIRTIO_RNG_H
#define DEVICES_VIRTIO_RNG_H
#include "pci/virtio_pci.h"

#define VIRTIO_ID_RNG 4

struct virtio_rng {
	struct virtio_device dev; /* first (see struct virtio_device) */
	uint64_t (*random)(void *ctx); /* 64 random bits */
	void *random_ctx;
	uint64_t bytes, requests; /* served so far */
};

void virtio_rng_init(struct virtio_rng *r, const struct vq_guest_mem *mem, pci_raise_msi_fn raise, void *raise_ctx,
		     uint64_t (*random)(void *ctx), void *random_ctx);
#endif
