/*
 * Physical page allocator over the boot memory map (pure C, host-testable).
 * It holds a sorted list of free page-aligned ranges: usable RAM is added, the image, the loader's
 * structures and modules are carved out before anything is handed out. Allocation takes from the
 * top of the highest range below a limit, so the hypervisor's memory stays in one compact block.
 */
#ifndef MM_PMM_H
#define MM_PMM_H
#include <stdint.h>

#define PMM_MAX_RANGES 64
#define PAGE_SIZE 4096ull

struct pmm_range {
	uint64_t base, end; /* [base, end), page-aligned */
};

struct pmm {
	struct pmm_range free[PMM_MAX_RANGES];
	unsigned n;
	uint64_t free_bytes;
};

void pmm_init(struct pmm *p);
/* Adds usable memory (shrunk inward to whole pages). Returns -1 when the range table is full. */
int pmm_add(struct pmm *p, uint64_t base, uint64_t len);
/* Removes [base, base+len) (grown outward to whole pages) from the free ranges. */
int pmm_reserve(struct pmm *p, uint64_t base, uint64_t len);
/* Takes `size` bytes aligned to `align` (powers of two, >= 4 KiB) from the highest free memory that
 * ends at or below `limit`. Returns the physical address, or 0 when nothing fits. */
uint64_t pmm_alloc_top(struct pmm *p, uint64_t size, uint64_t align, uint64_t limit);
/* Gives a range back (page-aligned), merging with neighbours. */
int pmm_free(struct pmm *p, uint64_t base, uint64_t len);
#endif
