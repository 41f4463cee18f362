/* The hypervisor's memory pool: one physically contiguous block taken from the top of RAM at boot.
 * Every page the hypervisor allocates after boot (page tables, VMCS, EPT, bitmaps, stacks) comes
 * from here, so the guest can be given "all RAM except the image, the loader's data and the pool".
 * Allocation is a bump pointer: the hypervisor's structures live as long as it does. */
#ifndef MM_HEAP_H
#define MM_HEAP_H
#include <stdint.h>

void heap_init(uint64_t base, uint64_t size);
/* Zeroed, page-aligned, physically contiguous pages; panics when the pool is exhausted (sized at
 * boot, so that is a hypervisor bug, never a guest action). */
void *heap_alloc_pages(unsigned n);
static inline uint64_t virt_to_phys(const void *p) { return (uint64_t)(uintptr_t)p; } /* identity map */
static inline void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)pa; }
uint64_t heap_base(void);
uint64_t heap_size(void);
uint64_t heap_used(void);
#endif
