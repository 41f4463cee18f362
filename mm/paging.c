/* Builds the hypervisor's identity map from the pool and loads it (SDM vol.3 4.5). */
#include "mm/paging.h"
#include "mm/heap.h"
#include "arch/x86.h"
#include "boot/console.h"

#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_PS 0x80ull
#define GIB (1ull << 30)

void paging_init(uint64_t limit)
{
	uint64_t gibs = (limit + GIB - 1) / GIB;
	if (gibs > 512 * 512)
		gibs = 512 * 512;
	int has_1g = (cpuid(0x80000001, 0).edx >> 26) & 1;
	uint64_t *pml4 = heap_alloc_pages(1);
	uint64_t npdpt = (gibs + 511) / 512;
	uint64_t *pdpt = heap_alloc_pages((unsigned)npdpt);
	for (uint64_t i = 0; i < npdpt; i++)
		pml4[i] = virt_to_phys(pdpt + 512 * i) | PTE_P | PTE_W;
	uint64_t *pd = has_1g ? 0 : heap_alloc_pages((unsigned)gibs);
	for (uint64_t g = 0; g < gibs; g++) {
		if (has_1g) {
			pdpt[g] = g * GIB | PTE_P | PTE_W | PTE_PS;
			continue;
		}
		pdpt[g] = virt_to_phys(pd + 512 * g) | PTE_P | PTE_W;
		for (uint64_t j = 0; j < 512; j++)
			pd[512 * g + j] = (g * GIB + (j << 21)) | PTE_P | PTE_W | PTE_PS;
	}
	write_cr3(virt_to_phys(pml4));
	log_printf("hv: page tables: identity map of %lu GiB with %s pages\n", gibs, has_1g ? "1 GiB" : "2 MiB");
}
