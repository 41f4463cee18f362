#include "devices/io_spaces.h"
#include "vmx/bitmaps.h"
#include "boot/console.h"

#define PIO_RANGES 256
#define MMIO_RANGES 2048

struct range_table pio_space, mmio_space;
static struct range_entry pio_a[PIO_RANGES], pio_b[PIO_RANGES];
static struct range_entry mmio_a[MMIO_RANGES], mmio_b[MMIO_RANGES];

void io_spaces_init(void)
{
	range_table_init(&pio_space, pio_a, pio_b, PIO_RANGES, "pio");
	range_table_init(&mmio_space, mmio_a, mmio_b, MMIO_RANGES, "mmio");
}

int pio_register(uint16_t base, uint16_t len, const struct range_ops *ops, void *opaque, const char *name)
{
	int r = range_register(&pio_space, base, len, ops, opaque, name);
	if (r) {
		log_printf("hv: cannot register ports 0x%x-0x%x for %s: %s\n", base, base + len - 1, name, range_strerror(r));
		return r;
	}
	io_intercept(base, len, true);
	return 0;
}
