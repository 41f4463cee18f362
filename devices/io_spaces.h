/* The hypervisor's two address spaces for emulated devices: port IO and MMIO, each one flat
 * range table (devices/range.h). Ports registered here are also set to exit in the IO bitmap. */
#ifndef DEVICES_IO_SPACES_H
#define DEVICES_IO_SPACES_H
#include "devices/range.h"

extern struct range_table pio_space, mmio_space;

void io_spaces_init(void);
/* Registers a port range and makes guest accesses to it exit; 0 or a RANGE_E* error (logged). */
int pio_register(uint16_t base, uint16_t len, const struct range_ops *ops, void *opaque, const char *name);
/* Registers guest-physical [base, base+len) (page-aligned) as emulated MMIO: the EPT marks it
 * with misconfiguration entries so every access exits and reaches `ops`. Before the guest runs
 * (no INVEPT needed); 0 or an error (logged). */
int mmio_register(uint64_t base, uint64_t len, const struct range_ops *ops, void *opaque, const char *name);

/* The self-test port device (devices/testport.c). */
void testport_init(void);
#define TESTPORT_BASE 0x5a0
#define TESTPORT_LEN 8
#define TESTPORT_ID 0x4d48 /* "MH", read from TESTPORT_BASE + 4 */

/* The scratch MMIO device (devices/scratch_mmio.c), in a hole of the Bochs/QEMU PC memory map
 * below the PCI windows; mmio_register refuses it if that is RAM. */
void scratch_mmio_init(void);
#define SCRATCH_MMIO_BASE 0xd0000000ull
#define SCRATCH_MMIO_LEN 0x1000ull
#endif
