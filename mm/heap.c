/* Bump allocator over the hypervisor's pool; see mm/heap.h. */
#include "mm/heap.h"
#include "boot/console.h"
#include "lib/string.h"

static uint64_t pool_base, pool_size, pool_next;

void heap_init(uint64_t base, uint64_t size)
{
	pool_base = pool_next = base;
	pool_size = size;
}

void *heap_alloc_pages(unsigned n)
{
	uint64_t bytes = (uint64_t)n * 4096;
	if (pool_next + bytes > pool_base + pool_size)
		panic("hypervisor pool exhausted (%lu KiB used of %lu)", (pool_next - pool_base) >> 10, pool_size >> 10);
	void *p = phys_to_virt(pool_next);
	pool_next += bytes;
	memset(p, 0, bytes);
	return p;
}

uint64_t heap_base(void) { return pool_base; }
uint64_t heap_size(void) { return pool_size; }
uint64_t heap_used(void) { return pool_next - pool_base; }
