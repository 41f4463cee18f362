/* A scratch MMIO device for the self-test: 4 KiB that behave like memory (any size 1-8 at any
 * offset, little-endian). The guest runs the same instruction on it and on RAM and compares; it
 * also serves the MMIO benchmarks. Every access to it exits (EPT misconfiguration) and is
 * emulated. */
#include "devices/io_spaces.h"
#include "lib/string.h"

static uint8_t scratch[SCRATCH_MMIO_LEN];

static uint64_t scratch_read(void *opaque, uint64_t offset, unsigned size)
{
	uint64_t v = 0;
	memcpy(&v, scratch + offset, size);
	return v;
}

static void scratch_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	memcpy(scratch + offset, &value, size);
}

static const struct range_ops scratch_ops = {
	.read = scratch_read, .write = scratch_write, .min_access = 1, .max_access = 8,
};

void scratch_mmio_init(void)
{
	mmio_register(SCRATCH_MMIO_BASE, SCRATCH_MMIO_LEN, &scratch_ops, 0, "scratch-mmio");
}
