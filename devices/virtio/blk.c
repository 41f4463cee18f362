/* virtio block device (see blk.h). */
#include "devices/virtio/blk.h"
#include "lib/string.h"

/* Byte `off` of struct virtio_blk_config (§5.2.4): capacity, seg_max and blk_size; size_max,
 * geometry, topology, writeback and the rest read 0 (their features are not offered). */
static uint8_t blk_config_byte(struct virtio_device *d, unsigned off)
{
	const struct virtio_blk *b = (const struct virtio_blk *)d;
	uint64_t v;
	unsigned base;
	if (off < VIRTIO_BLK_CFG_CAPACITY + 8)
		v = b->capacity, base = VIRTIO_BLK_CFG_CAPACITY;
	else if (off >= VIRTIO_BLK_CFG_SEG_MAX && off < VIRTIO_BLK_CFG_SEG_MAX + 4)
		v = VIRTIO_BLK_SEG_MAX, base = VIRTIO_BLK_CFG_SEG_MAX;
	else if (off >= VIRTIO_BLK_CFG_BLK_SIZE && off < VIRTIO_BLK_CFG_BLK_SIZE + 4)
		v = VIRTIO_BLK_SECTOR_SIZE, base = VIRTIO_BLK_CFG_BLK_SIZE;
	else
		return 0;
	return (uint8_t)(v >> (8 * (off - base)));
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* [sector * 512, + len) inside the disk, without overflowing (len is a multiple of 512). */
static bool in_range(const struct virtio_blk *b, uint64_t sector, uint64_t len)
{
	return sector <= b->capacity && len / VIRTIO_BLK_SECTOR_SIZE <= b->capacity - sector;
}

/*
 * Moves len bytes between the disk at pos and the chain's data: for IN the device-writable
 * segments from their start, for OUT the readable ones after the header. Segment by segment,
 * straight between guest memory and the backend (no bounce buffer on the 16 KiB exit stack).
 * 0, or -1 when the backend failed.
 */
static int transfer(struct virtio_blk *b, const struct vq_chain *c, bool in, uint64_t pos, uint64_t len)
{
	uint64_t skip = in ? 0 : VIRTIO_BLK_HEADER_SIZE, done = 0;
	for (unsigned i = 0; i < c->n && done < len; i++) {
		const struct vq_segment *s = &c->seg[i];
		if (s->write != in)
			continue;
		if (skip >= s->len) {
			skip -= s->len;
			continue;
		}
		uint8_t *p = (uint8_t *)s->host + skip;
		uint64_t piece = s->len - skip;
		skip = 0;
		if (piece > len - done)
			piece = len - done;
		int r = in ? b->backend.read(b->backend.ctx, pos + done, p, (size_t)piece)
			   : b->backend.write(b->backend.ctx, pos + done, p, (size_t)piece);
		if (r)
			return -1;
		done += piece;
	}
	return done == len ? 0 : -1;
}

/* IN (§5.2.6): the data is every device-writable byte before the status byte. */
static uint8_t do_in(struct virtio_blk *b, const struct vq_chain *c, uint64_t sector, uint64_t *written)
{
	uint64_t len = c->writable - 1;
	if (len % VIRTIO_BLK_SECTOR_SIZE || !in_range(b, sector, len))
		return VIRTIO_BLK_S_IOERR;
	if (transfer(b, c, true, sector * VIRTIO_BLK_SECTOR_SIZE, len))
		return VIRTIO_BLK_S_IOERR;
	*written = len;
	b->reads++;
	b->bytes_read += len;
	return VIRTIO_BLK_S_OK;
}

/* OUT (§5.2.6): the data is every readable byte after the header. A read-only device fails it
 * without writing anything (§5.2.6.2). */
static uint8_t do_out(struct virtio_blk *b, const struct vq_chain *c, uint64_t sector)
{
	uint64_t len = c->readable - VIRTIO_BLK_HEADER_SIZE;
	if (b->backend.read_only || len % VIRTIO_BLK_SECTOR_SIZE || !in_range(b, sector, len))
		return VIRTIO_BLK_S_IOERR;
	if (transfer(b, c, false, sector * VIRTIO_BLK_SECTOR_SIZE, len))
		return VIRTIO_BLK_S_IOERR;
	b->writes++;
	b->bytes_written += len;
	return VIRTIO_BLK_S_OK;
}

/* FLUSH (§5.2.6): UNSUPP when the backend cannot flush (VIRTIO_BLK_F_FLUSH was not offered). */
static uint8_t do_flush(struct virtio_blk *b)
{
	if (!b->backend.flush)
		return VIRTIO_BLK_S_UNSUPP;
	if (b->backend.flush(b->backend.ctx))
		return VIRTIO_BLK_S_IOERR;
	b->flushes++;
	return VIRTIO_BLK_S_OK;
}

/* GET_ID (§5.2.6): the serial number, zero-padded to VIRTIO_BLK_ID_BYTES (no NUL when it is
 * exactly 20 bytes long); a smaller buffer gets what fits. */
static uint8_t do_get_id(struct virtio_blk *b, const struct vq_chain *c, uint64_t *written)
{
	uint8_t id[VIRTIO_BLK_ID_BYTES];
	memset(id, 0, sizeof id);
	for (unsigned i = 0; b->backend.id && i < VIRTIO_BLK_ID_BYTES && b->backend.id[i]; i++)
		id[i] = (uint8_t)b->backend.id[i];
	uint64_t n = c->writable - 1 < VIRTIO_BLK_ID_BYTES ? c->writable - 1 : VIRTIO_BLK_ID_BYTES;
	*written = vq_chain_write(c, 0, id, (size_t)n);
	return VIRTIO_BLK_S_OK;
}

/*
 * One request (§5.2.6): header {le32 type, le32 reserved, le64 sector} at the start of the
 * readable part, data, and the status as the last device-writable byte. Returns the used
 * length: the data bytes the device wrote (IN, GET_ID) plus the status byte.
 */
static uint32_t handle(struct virtio_blk *b, const struct vq_chain *c)
{
	if (!c->writable) {
		b->errors++; /* no status byte: nothing can be reported, the request is returned as is */
		return 0;
	}
	uint64_t written = 0;
	uint8_t status = VIRTIO_BLK_S_IOERR, hdr[VIRTIO_BLK_HEADER_SIZE];
	if (c->readable >= VIRTIO_BLK_HEADER_SIZE) {
		vq_chain_read(c, 0, hdr, sizeof hdr); /* copied once: the guest may change it meanwhile */
		uint64_t sector = le64(hdr + 8);
		switch (le32(hdr)) {
		case VIRTIO_BLK_T_IN: status = do_in(b, c, sector, &written); break;
		case VIRTIO_BLK_T_OUT: status = do_out(b, c, sector); break;
		case VIRTIO_BLK_T_FLUSH: status = do_flush(b); break;
		case VIRTIO_BLK_T_GET_ID: status = do_get_id(b, c, &written); break;
		default: status = VIRTIO_BLK_S_UNSUPP; break; /* discard, write zeroes, ... (§5.2.6.2) */
		}
	}
	vq_chain_write(c, (size_t)(c->writable - 1), &status, 1);
	if (status != VIRTIO_BLK_S_OK)
		b->errors++;
	/* written < writable <= 2^32 - 16 when there is a header (vq_pop caps a chain at 2^32) */
	return (uint32_t)(written + 1);
}

/* Serves every available request; one interrupt for the batch, if the driver wants one. */
static void blk_notify(struct virtio_device *d, unsigned q)
{
	struct virtio_blk *b = (struct virtio_blk *)d;
	struct virtqueue *vq = &d->queue[0].vq;
	struct vq_chain c;
	int got;
	bool pushed = false;
	if (q != 0)
		return;
	while ((got = vq_pop(vq, &c)) == 1) {
		vq_push(vq, c.head, handle(b, &c));
		pushed = true;
	}
	if (got < 0)
		virtio_needs_reset(d); /* a malformed ring (§2.1.2) */
	if (pushed)
		virtio_queue_interrupt(d, 0);
}

static const struct virtio_device_ops blk_ops = {
	.notify = blk_notify,
	.config_byte = blk_config_byte, /* nothing is writable: writeback needs CONFIG_WCE (§5.2.4) */
};

void virtio_blk_init(struct virtio_blk *b, const struct blk_backend *backend, const struct vq_guest_mem *mem,
		     pci_raise_msi_fn raise, void *raise_ctx)
{
	b->backend = *backend;
	if (!b->backend.write)
		b->backend.read_only = true;
	b->capacity = backend->size / VIRTIO_BLK_SECTOR_SIZE;
	b->reads = b->writes = b->flushes = b->errors = 0;
	b->bytes_read = b->bytes_written = 0;
	b->dev.type = VIRTIO_ID_BLOCK;
	b->dev.features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE;
	if (b->backend.flush)
		b->dev.features |= VIRTIO_BLK_F_FLUSH;
	if (b->backend.read_only)
		b->dev.features |= VIRTIO_BLK_F_RO;
	b->dev.num_queues = 1;
	b->dev.config_size = VIRTIO_BLK_CONFIG_SIZE;
	b->dev.ops = &blk_ops;
	b->dev.name = "virtio-blk";
	virtio_pci_init(&b->dev, mem, raise, raise_ctx);
}
