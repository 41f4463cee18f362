/* A tiny port-IO device for the self-test and benchmarks:
 *   TESTPORT_BASE + 0: a 32-bit latch — reads return what was last written
 *   TESTPORT_BASE + 4: a 32-bit read-only ID (TESTPORT_ID); writes are ignored
 * Narrower or unaligned accesses are split/combined little-endian by the range table. */
#include "devices/io_spaces.h"

static uint32_t latch;

static uint64_t testport_read(void *opaque, uint64_t offset, unsigned size)
{
	return offset == 0 ? latch : TESTPORT_ID;
}

static void testport_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	if (offset == 0)
		latch = (uint32_t)value;
}

static const struct range_ops testport_ops = {
	.read = testport_read, .write = testport_write, .min_access = 4, .max_access = 4,
};

void testport_init(void)
{
	pio_register(TESTPORT_BASE, TESTPORT_LEN, &testport_ops, 0, "testport");
}
