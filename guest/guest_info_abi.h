/* What the hypervisor's loader hands a built-in guest in RDI at entry (guest-physical address):
 * its arguments and the guest-physical memory layout. Shared by the loader and the guests. */
#ifndef GUEST_GUEST_INFO_ABI_H
#define GUEST_GUEST_INFO_ABI_H
#include <stdint.h>

#define GUEST_INFO_MAGIC 0x4756484dU /* "MHVG" */
#define GUEST_INFO_MAX_RAM 16
#define GUEST_INFO_MAX_HIDDEN 16

struct guest_range {
	uint64_t base, len;
};

struct guest_info {
	uint32_t magic, size;
	char args[128];            /* the hypervisor's selftest= option, e.g. "all", "bench" */
	uint32_t n_ram, n_hidden;
	struct guest_range ram[GUEST_INFO_MAX_RAM];       /* RAM the guest owns */
	struct guest_range hidden[GUEST_INFO_MAX_HIDDEN]; /* hypervisor memory: reads as ones */
	uint64_t image_base, image_end;                   /* where the guest itself was loaded */
	uint64_t acpi_rsdp;                               /* the RSDP to use (it lists the MCFG) */
};
#endif
