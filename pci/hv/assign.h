/* The machine's own PCI functions, found at boot and passed through ("assigned") to the guest:
 * its config accesses reach the hardware except what must be filtered, its MMIO BARs stay
 * identity-mapped in EPT and its IO BARs are not in the IO bitmap, so using the device takes no
 * exit. A function named by pci.hide=B:D.F[,B:D.F...] reads as absent. */
#ifndef PCI_HV_ASSIGN_H
#define PCI_HV_ASSIGN_H
#include <stdbool.h>
#include <stdint.h>

#define ASSIGN_MAX 64

struct assigned_bar {
	uint64_t addr, size; /* size 0: not implemented */
	bool io, mem64, prefetchable;
};

struct assigned_fn {
	uint16_t bdf, vendor, device;
	uint32_t class_rev;
	uint8_t header_type;
	bool hidden;
	struct assigned_bar bar[6];
};

extern struct assigned_fn assigned[ASSIGN_MAX];
extern unsigned n_assigned;

/* Scans every bus, sizes every BAR, logs each function. `hide` is the pci.hide= value or "". */
void assign_scan(const char *hide);
struct assigned_fn *assign_find(uint16_t bdf);
/* Guest config access to an assigned function (filtered; see assign.c). */
uint32_t assign_config_read(struct assigned_fn *a, unsigned offset, unsigned size);
void assign_config_write(struct assigned_fn *a, unsigned offset, unsigned size, uint32_t value);
/* True when [base, base+len) overlaps a BAR of an assigned function. */
bool assign_range_in_use(uint64_t base, uint64_t len);
#endif
