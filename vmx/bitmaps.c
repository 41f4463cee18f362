#include "vmx/bitmaps.h"
#include "mm/heap.h"

static uint8_t *io_a, *io_b, *msr_map;

void bitmaps_init(void)
{
	io_a = heap_alloc_pages(1);
	io_b = heap_alloc_pages(1);
	msr_map = heap_alloc_pages(1);
}

uint64_t io_bitmap_a_pa(void) { return virt_to_phys(io_a); }
uint64_t io_bitmap_b_pa(void) { return virt_to_phys(io_b); }
uint64_t msr_bitmap_pa(void) { return virt_to_phys(msr_map); }

static void set_bit(uint8_t *map, unsigned bit, bool on)
{
	if (on)
		map[bit / 8] |= (uint8_t)(1u << (bit % 8));
	else
		map[bit / 8] &= (uint8_t)~(1u << (bit % 8));
}

void io_intercept(uint16_t port, unsigned count, bool on)
{
	for (unsigned p = port; p < (unsigned)port + count && p <= 0xffff; p++)
		set_bit(p < 0x8000 ? io_a : io_b, p & 0x7fff, on);
}

bool io_intercepted(uint16_t port)
{
	const uint8_t *map = port < 0x8000 ? io_a : io_b;
	unsigned bit = port & 0x7fff;
	return (map[bit / 8] >> (bit % 8)) & 1;
}

/* SDM 25.6.9: read-low at 0, read-high at 1024, write-low at 2048, write-high at 3072 bytes. */
void msr_intercept(uint32_t msr, bool read, bool write)
{
	unsigned offset;
	if (msr <= 0x1fff)
		offset = 0;
	else if (msr - 0xc0000000u <= 0x1fff)
		offset = 1024;
	else
		return; /* always exits */
	unsigned bit = msr & 0x1fff;
	set_bit(msr_map + offset, bit, read);
	set_bit(msr_map + offset + 2048, bit, write);
}
