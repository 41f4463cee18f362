/* The hypervisor's two address spaces for emulated devices: port IO and MMIO, each one flat
 * range table (devices/range.h). Ports registered here are also set to exit in the IO bitmap. */
#ifndef DEVICES_IO_SPACES_H
#define DEVICES_IO_SPACES_H
#include "devices/range.h"

extern struct range_table pio_space, mmio_space;

void io_spaces_init(void);
/* Registers a port range and makes guest accesses to it exit; 0 or a RANGE_E* error (logged). */
int pio_register(uint16_t base, uint16_t len, const struct range_ops *ops, void *opaque, const char *name);
/* The self-test port device (devices/testport.c). */
void testport_init(void);
#define TESTPORT_BASE 0x5a0
#define TESTPORT_LEN 8
#define TESTPORT_ID 0x4d48 /* "MH", read from TESTPORT_BASE + 4 */
#endif
