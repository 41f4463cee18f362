#include "devices/io_spaces.h"
#include "vmx/bitmaps.h"
#include "boot/console.h"
#include "ept/guest_memory.h"

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

int mmio_register(uint64_t base, uint64_t len, const struct range_ops *ops, void *opaque, const char *name)
{
	if ((base | len) & 0xfff || guest_memory_ram_ptr(base, 1) || guest_memory_is_hidden(base)) {
		log_printf("hv: cannot make 0x%lx-0x%lx MMIO for %s: not a page-aligned hole\n", base, base + len - 1, name);
		return RANGE_EINVAL;
	}
	int r = range_register(&mmio_space, base, len, ops, opaque, name);
	if (r) {
		log_printf("hv: cannot register MMIO 0x%lx-0x%lx for %s: %s\n", base, base + len - 1, name, range_strerror(r));
		return r;
	}
	ept_set_mmio(&guest_mem.ept, base, len);
	return 0;
}
