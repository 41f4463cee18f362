/*
 * The guest's view of physical memory: an identity map of the machine (guest-physical = host-
 * physical, so passed-through devices can DMA to guest buffers) minus the hypervisor's own memory.
 *
 *   RAM in the memory map              mapped RWX, write-back
 *   holes, reserved, device memory     mapped RWX, uncached (passed-through MMIO works, no exits)
 *   hypervisor memory ("hidden")       every page mapped read+execute to one page of 0xFF bytes:
 *                                      reads return all ones, code there is an invalid opcode, and
 *                                      a write exits (EPT violation): the instruction is emulated
 *                                      with the write dropped
 *   emulated MMIO                      misconfiguration entries: every access exits
 *   above the map                      not present: EPT violation, treated like hidden memory
 */
#ifndef EPT_GUEST_MEMORY_H
#define EPT_GUEST_MEMORY_H
#include <stdbool.h>
#include <stdint.h>
#include "ept/ept.h"
#include "ept/write_watch.h"
#include "boot/bootinfo.h"

#define HIDDEN_MAX 24

struct hidden_range {
	uint64_t base, end;
	const char *what;
};

struct guest_memory {
	struct ept ept;
	uint64_t top;             /* end of the identity map */
	struct hidden_range hidden[HIDDEN_MAX];
	unsigned n_hidden;
	uint64_t ones_page_pa;    /* 4 KiB of 0xFF */
	const struct boot_info *boot;
	struct { uint64_t base, end; } ram[2 * HIDDEN_MAX + 16]; /* guest RAM, sorted */
	unsigned n_ram;
	struct write_watch watch; /* pages the hypervisor's caches depend on (ept/write_watch.h) */
};

extern struct guest_memory guest_mem;

/* Records hypervisor memory (page-rounded outward) before guest_memory_build(). */
void guest_memory_hide(uint64_t base, uint64_t len, const char *what);
/* Builds the EPT; 0 or -1 (logged). */
int guest_memory_build(const struct boot_info *bi);
bool guest_memory_is_hidden(uint64_t gpa);
/* True when gpa is guest RAM (in the memory map, not hidden): a short sorted-list search. */
bool guest_memory_is_ram(uint64_t gpa);
/* A host pointer to [gpa, gpa+len) if all of it is guest RAM (never hidden memory), else NULL. */
void *guest_memory_ram_ptr(uint64_t gpa, uint64_t len);
void guest_memory_print(void);
/* INVEPT after a change to the live EPT (SDM 29.4.3.1). */
void guest_memory_flush(void);
/* Gives [gpa, gpa+len) its default mapping back (after a device left it), and flushes. */
void guest_memory_restore(uint64_t gpa, uint64_t len);
/* Makes [gpa, gpa+len) emulated MMIO (misconfiguration entries) and flushes; refuses (logged)
 * ranges over hypervisor memory. */
bool guest_memory_set_mmio(uint64_t gpa, uint64_t len);

/* EPT tables the guest's behaviour may cost once the EPT is built, by use (3.5 MiB in all).
 * Past a budget, a change that needs a split fails and its caller falls back: accesses above
 * memory are emulated instead of mapped, pages are not watched, a BAR is not mapped (logged). */
#define DEVICE_EPT_TABLES 512      /* BARs, MMIO ranges, the ECAM window, the APIC page */
#define ABOVE_MEMORY_EPT_TABLES 128

/* A page above the memory map the guest touched: it reads as ones from now on (the ones page,
 * read+execute). False when the budget for these is used up (then emulate the access). */
bool guest_memory_map_above(uint64_t gpa);

/* Write watches (ept/write_watch.h) on the pages holding gpa[0..n): the generation under which
 * they are all watched, or 0 (then cache nothing on them). Splitting large EPT pages for watches
 * uses at most WATCH_EPT_TABLES of those tables; when they are used up, watching fails. Flushes. */
#define WATCH_EPT_TABLES 256
uint64_t guest_memory_watch(const uint64_t *gpa, unsigned n);
/* [gpa, gpa+len) was written by the guest (an EPT violation) or a device: watches on it end
 * (flushed); true if there was one. */
bool guest_memory_written(uint64_t gpa, uint64_t len);
/* The guest's paging mode changed (CR0.PE/PG, CR4.PSE/PAE/LA57, EFER.LMA: vmx/exit_cr.c): every
 * cached translation and decoding is stale. */
static inline void guest_memory_paging_mode_changed(void) { write_watch_invalidate(&guest_mem.watch); }
/* The current watch generation: a cache entry built under another one is stale. */
static inline uint64_t guest_memory_watch_generation(void) { return guest_mem.watch.generation; }
#endif
