/* The hypervisor's own page tables: an identity map of physical memory. */
#ifndef MM_PAGING_H
#define MM_PAGING_H
#include <stdint.h>

/* Identity-maps [0, limit) (rounded up to 1 GiB) with 1 GiB pages where the CPU has them, else
 * 2 MiB pages, NX off, writable, and switches CR3 to the new tables. */
void paging_init(uint64_t limit);
#endif
