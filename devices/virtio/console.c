/* virtio console device, single port (see console.h). */
#include "devices/virtio/console.h"
#include "lib/string.h"

/* Bytes copied out of guest memory at a time: the callback gets a stable copy, and the exit
 * stack (16 KiB, a struct vq_chain already takes ~1.5 KiB) stays small. */
#define CHUNK 256

static void emit(struct virtio_console *c, const uint8_t *bytes, size_t n)
{
	c->bytes_out += n;
	if (c->output && n)
		c->output(c->output_ctx, bytes, n);
}

/*
 * transmitq (§5.3.6 "For output, a buffer containing the characters is placed in the port's
 * transmitq"): every available chain's device-readable bytes go to output, segment by segment,
 * in order; the chain comes back with 0 bytes written. Device-writable segments (which the
 * driver must not put there, §5.3.6.1) are ignored. One interrupt for the batch.
 */
static void transmit(struct virtio_console *c)
{
	struct virtio_device *d = &c->dev;
	struct virtqueue *vq = &d->queue[VIRTIO_CONSOLE_TRANSMITQ].vq;
	struct vq_chain ch;
	uint8_t chunk[CHUNK];
	bool pushed = false;
	int got;
	while ((got = vq_pop(vq, &ch)) == 1) {
		for (unsigned i = 0; i < ch.n && !ch.seg[i].write; i++) { /* readable segments come first */
			const uint8_t *p = ch.seg[i].host;
			uint32_t left = ch.seg[i].len;
			while (left) {
				size_t k = left < CHUNK ? left : CHUNK;
				memcpy(chunk, p, k); /* a snapshot: the guest may be rewriting the buffer */
				emit(c, chunk, k);
				p += k;
				left -= (uint32_t)k;
			}
		}
		vq_push(vq, ch.head, 0);
		pushed = true;
	}
	if (got < 0)
		virtio_needs_reset(d); /* malformed ring: NEEDS_RESET, nothing more until reset */
	if (pushed)
		virtio_queue_interrupt(d, VIRTIO_CONSOLE_TRANSMITQ);
}

/* Bytes of pending input readable without wrapping. */
static size_t pending_run(const struct virtio_console *c)
{
	size_t to_end = VIRTIO_CONSOLE_PENDING - c->pending_head;
	return c->pending_len < to_end ? c->pending_len : to_end;
}

static void pending_consume(struct virtio_console *c, size_t k)
{
	c->pending_head = (uint16_t)((c->pending_head + k) & (VIRTIO_CONSOLE_PENDING - 1));
	c->pending_len = (uint16_t)(c->pending_len - k);
}

/* Appends up to n bytes to the pending ring; returns how many fit. */
static size_t pending_add(struct virtio_console *c, const uint8_t *in, size_t n)
{
	size_t room = VIRTIO_CONSOLE_PENDING - c->pending_len, k = n < room ? n : room;
	for (size_t i = 0; i < k; i++)
		c->pending[(c->pending_head + c->pending_len + i) & (VIRTIO_CONSOLE_PENDING - 1)] = in[i];
	c->pending_len = (uint16_t)(c->pending_len + k);
	return k;
}

/*
 * receiveq (§5.3.6: "When a buffer is used in the receiveq ..., the contents is the input to the
 * port"): fills the driver's receive buffers with pending input first, then in[0..n), pushing each
 * with the bytes written; one interrupt for the batch. Returns the bytes of `in` delivered.
 * Buffers are popped only while there is something to put in them.
 */
static size_t receive(struct virtio_console *c, const uint8_t *in, size_t n)
{
	struct virtio_device *d = &c->dev;
	struct virtqueue *vq = &d->queue[VIRTIO_CONSOLE_RECEIVEQ].vq;
	struct vq_chain ch;
	size_t taken = 0;
	bool pushed = false;
	if (!virtio_queue_ready(d, VIRTIO_CONSOLE_RECEIVEQ))
		return 0;
	while (c->pending_len || taken < n) {
		int got = vq_pop(vq, &ch);
		if (got < 0) {
			virtio_needs_reset(d);
			break;
		}
		if (!got)
			break; /* no buffers: the rest waits for the driver's next notify */
		size_t put = 0;
		while (c->pending_len) { /* oldest first */
			size_t run = pending_run(c), k = vq_chain_write(&ch, put, c->pending + c->pending_head, run);
			pending_consume(c, k);
			put += k;
			if (k < run)
				break; /* this buffer is full */
		}
		if (!c->pending_len && taken < n) {
			size_t k = vq_chain_write(&ch, put, in + taken, n - taken);
			taken += k;
			put += k;
		}
		/* A buffer with no writable bytes (the driver must not post one, §5.3.6.1) goes back
		 * empty. */
		vq_push(vq, ch.head, (uint32_t)put);
		c->bytes_in += put;
		pushed = true;
	}
	if (pushed)
		virtio_queue_interrupt(d, VIRTIO_CONSOLE_RECEIVEQ);
	return taken;
}

size_t virtio_console_input(struct virtio_console *c, const uint8_t *bytes, size_t n)
{
	size_t taken = receive(c, bytes, n);
	size_t queued = taken < n ? pending_add(c, bytes + taken, n - taken) : 0;
	c->dropped += n - taken - queued;
	return taken + queued;
}

static void console_notify(struct virtio_device *d, unsigned q)
{
	struct virtio_console *c = (struct virtio_console *)d;
	if (q == VIRTIO_CONSOLE_TRANSMITQ)
		transmit(c);
	else if (q == VIRTIO_CONSOLE_RECEIVEQ)
		receive(c, 0, 0); /* new receive buffers: deliver what has been waiting */
}

/* Byte `off` of struct virtio_console_config (§5.3.4): cols, rows, max_nr_ports; emerg_wr is
 * write-only and reads 0. */
static uint8_t console_config_byte(struct virtio_device *d, unsigned off)
{
	const struct virtio_console *c = (const struct virtio_console *)d;
	switch (off) {
	case VIRTIO_CONSOLE_CFG_COLS: return (uint8_t)c->cols;
	case VIRTIO_CONSOLE_CFG_COLS + 1: return (uint8_t)(c->cols >> 8);
	case VIRTIO_CONSOLE_CFG_ROWS: return (uint8_t)c->rows;
	case VIRTIO_CONSOLE_CFG_ROWS + 1: return (uint8_t)(c->rows >> 8);
	case VIRTIO_CONSOLE_CFG_MAX_NR_PORTS: return 1;
	default: return 0;
	}
}

/* emerg_wr (§5.3.5.1): the low byte written goes out, whatever the device's state. */
static void console_config_write(struct virtio_device *d, unsigned offset, unsigned size, uint64_t value)
{
	if (offset == VIRTIO_CONSOLE_CFG_EMERG_WR && size) {
		uint8_t b = (uint8_t)value;
		emit((struct virtio_console *)d, &b, 1);
	}
}

static const struct virtio_device_ops console_ops = {
	.notify = console_notify,
	.config_byte = console_config_byte,
	.config_write = console_config_write,
	/* no .reset: the transport resets the queues; pending input is kept (see console.h) */
};

void virtio_console_init(struct virtio_console *c, const struct vq_guest_mem *mem, pci_raise_msi_fn raise, void *raise_ctx,
			 void (*output)(void *ctx, const uint8_t *bytes, size_t n), void *output_ctx)
{
	c->dev.type = VIRTIO_ID_CONSOLE;
	c->dev.features = VIRTIO_CONSOLE_F_SIZE | VIRTIO_CONSOLE_F_EMERG_WRITE;
	c->dev.num_queues = 2;
	c->dev.config_size = VIRTIO_CONSOLE_CONFIG_SIZE;
	c->dev.ops = &console_ops;
	c->dev.name = "virtio-console";
	c->output = output;
	c->output_ctx = output_ctx;
	c->cols = VIRTIO_CONSOLE_DEFAULT_COLS;
	c->rows = VIRTIO_CONSOLE_DEFAULT_ROWS;
	c->pending_head = c->pending_len = 0;
	c->bytes_out = c->bytes_in = c->dropped = 0;
	virtio_pci_init(&c->dev, mem, raise, raise_ctx);
}

void virtio_console_resize(struct virtio_console *c, uint16_t cols, uint16_t rows)
{
	if (c->cols == cols && c->rows == rows)
		return;
	c->cols = cols;
	c->rows = rows;
	virtio_config_changed(&c->dev);
}
