/*
 * virtio block device (virtio 1.2 §5.2): one request queue; requests are read (IN), write (OUT),
 * flush and GET_ID, served synchronously from a caller-supplied backend. Pure: the disk is the
 * caller's (struct blk_backend), guest memory is reached through the transport's
 * struct vq_guest_mem, so the host tests drive it with a RAM disk and a fake guest RAM.
 *
 * Offered features: SEG_MAX (seg_max = VQ_MAX_SEGMENTS - 2), BLK_SIZE (512), FLUSH when the
 * backend can flush, RO when it is read-only. Device configuration (§5.2.4): the whole
 * struct virtio_blk_config as Linux 6.1 knows it (VIRTIO_BLK_CONFIG_SIZE bytes, up to the
 * secure-erase fields); fields other than capacity, seg_max and blk_size read 0, writes are
 * ignored (CONFIG_WCE is not offered).
 *
 * Malformed requests (a chain with no device-writable byte, so nowhere to put a status) are
 * returned with 0 bytes written and counted in `errors`; the queue keeps running (§5.2.6.1 puts
 * the layout on the driver; nothing in the device is broken). A chain with a status byte but a
 * short header gets VIRTIO_BLK_S_IOERR.
 */
#ifndef DEVICES_VIRTIO_BLK_H
#define DEVICES_VIRTIO_BLK_H
#include "pci/virtio_pci.h"

#define VIRTIO_ID_BLOCK 2

/* Feature bits (§5.2.3), as masks like VIRTIO_F_* in pci/virtio_pci.h. */
#define VIRTIO_BLK_F_SIZE_MAX (1ull << 1)
#define VIRTIO_BLK_F_SEG_MAX (1ull << 2)
#define VIRTIO_BLK_F_GEOMETRY (1ull << 4)
#define VIRTIO_BLK_F_RO (1ull << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ull << 6)
#define VIRTIO_BLK_F_FLUSH (1ull << 9)
#define VIRTIO_BLK_F_TOPOLOGY (1ull << 10)
#define VIRTIO_BLK_F_CONFIG_WCE (1ull << 11)
#define VIRTIO_BLK_F_MQ (1ull << 12)

/* struct virtio_blk_config offsets (§5.2.4, little-endian). */
#define VIRTIO_BLK_CFG_CAPACITY 0   /* le64, in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 8   /* le32 */
#define VIRTIO_BLK_CFG_SEG_MAX 12   /* le32 */
#define VIRTIO_BLK_CFG_GEOMETRY 16  /* le16 cylinders, u8 heads, u8 sectors */
#define VIRTIO_BLK_CFG_BLK_SIZE 20  /* le32 */
#define VIRTIO_BLK_CFG_WRITEBACK 32 /* u8 */
#define VIRTIO_BLK_CONFIG_SIZE 72   /* through secure_erase_sector_alignment (Linux 6.1's struct) */

/* Request types and status values (§5.2.6). */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_SECTOR_SIZE 512
#define VIRTIO_BLK_HEADER_SIZE 16   /* le32 type, le32 reserved, le64 sector */
#define VIRTIO_BLK_ID_BYTES 20
#define VIRTIO_BLK_SEG_MAX (VQ_MAX_SEGMENTS - 2) /* data segments: the header and status take two */

/* The disk behind the device. Callbacks get byte ranges inside [0, size) of any length (one
 * piece per guest buffer segment, not necessarily sector-aligned). */
struct blk_backend {
	void *ctx;
	uint64_t size;              /* bytes, a multiple of 512 (a partial last sector is not exposed) */
	bool read_only;
	int (*read)(void *ctx, uint64_t offset, void *buf, size_t len);        /* 0 or -1 (I/O error) */
	int (*write)(void *ctx, uint64_t offset, const void *buf, size_t len); /* 0 or -1 */
	int (*flush)(void *ctx);                                                /* 0 or -1; may be NULL */
	const char *id;             /* serial number for GET_ID (<= 20 bytes used), may be NULL */
};

struct virtio_blk {
	struct virtio_device dev;   /* first (see struct virtio_device) */
	struct blk_backend backend;
	uint64_t capacity;          /* backend.size / 512 */
	uint64_t reads, writes, flushes, errors;   /* requests served (errors: any status but OK, or malformed) */
	uint64_t bytes_read, bytes_written;
};

/* Sets up the device and its PCI function (b must stay where it is). The backend is copied. */
void virtio_blk_init(struct virtio_blk *b, const struct blk_backend *backend, const struct vq_guest_mem *mem,
		     pci_raise_msi_fn raise, void *raise_ctx);
#endif
