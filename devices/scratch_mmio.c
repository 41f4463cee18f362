/* A scratch MMIO device for the self-test: 4 KiB that behave like memory (any size 1-8 at any
 * offset, little-endian). The guest runs the same instruction on it and on RAM and compares; it
 * also serves the MMIO benchmarks. Every access to it exits (EPT misconfiguration) and is
 * emulated. */
#include "devices/io_spaces.h"

static uint8_t scratch[SCRATCH_MMIO_LEN];

/* One load or store of the access size (the range table passes 1, 2, 4 or 8, aligned). */
static uint64_t scratch_read(void *opaque, uint64_t offset, unsigned size)
{
	const uint8_t *p = scratch + offset;
	switch (size) {
	case 1: return *p;
	case 2: return *(const uint16_t *)p;
	case 4: return *(const uint32_t *)p;
	default: return *(const uint64_t *)p;
	}
}

static void scratch_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	uint8_t *p = scratch + offset;
	switch (size) {
	case 1: *p = (uint8_t)value; break;
	case 2: *(uint16_t *)p = (uint16_t)value; break;
	case 4: *(uint32_t *)p = (uint32_t)value; break;
	default: *(uint64_t *)p = value; break;
	}
}

static const struct range_ops scratch_ops = {
	.read = scratch_read, .write = scratch_write, .min_access = 1, .max_access = 8,
};

void scratch_mmio_init(void)
{
	mmio_register(SCRATCH_MMIO_BASE, SCRATCH_MMIO_LEN, &scratch_ops, 0, "scratch-mmio");
}
