/*
 * Write watches on guest-physical pages: how a cache built from guest memory learns that the
 * guest changed that memory, without re-reading it (the technique of shadow paging). A watched
 * page is mapped in EPT without write permission, so the guest's first write to it exits as an
 * EPT violation; the watch then ends (write permission back, the write is retried) and the
 * generation number moves on.
 *
 * The caches use one rule: an entry built while all the pages it depends on were watched is valid
 * while the generation is the one it was built under. minihv watches the guest's paging-structure
 * pages behind its cached code translations (vmx/emulate_insn.c), so a cache hit costs one compare
 * instead of re-reading every paging entry. Writes to watched pages are rare (a process's top-level
 * table when it maps a new region, a page table when a module loads); each costs one exit and
 * invalidates every entry, which the next exits rebuild.
 *
 * Needs EPT accessed/dirty flags off (EPTP bit 6): with them on, the CPU's reads of paging
 * structures count as writes (SDM vol.3C 29.3.5) and every guest page walk through a watched page
 * would exit. Writes the hypervisor makes through its own mapping (device DMA) do not exit: the
 * hypervisor reports them with write_watch_written. Passed-through devices' DMA is not seen.
 *
 * Pure C over the EPT builder (ept/ept.h); the caller executes INVEPT when told the EPT changed.
 */
#ifndef EPT_WRITE_WATCH_H
#define EPT_WRITE_WATCH_H
#include <stdbool.h>
#include <stdint.h>
#include "ept/ept.h"

#define WRITE_WATCH_PAGES 64
#define WRITE_WATCH_MAX_ADD 8 /* pages per write_watch_pages call */
/* A page whose watch writes have ended this many times is not watched again (a page table that
 * shares its page with data the guest writes often would otherwise cost an exit per write and
 * a cache rebuild per MMIO exit); what depends on it is then not cached. After
 * WRITE_WATCH_HOT_RETRY refusals the counts start over. */
#define WRITE_WATCH_HOT_LIMIT 8
#define WRITE_WATCH_HOT_RETRY 256
#define WRITE_WATCH_HOT_SLOTS 32

struct write_watch {
	uint64_t generation;                  /* 1 or more; entries record it; 0 is never current */
	unsigned n;
	uint64_t page[WRITE_WATCH_PAGES];     /* watched pages (guest-physical, 4 KiB aligned) */
	uint64_t flags[WRITE_WATCH_PAGES];    /* their EPT leaf flags before the watch */
	uint64_t filter;                      /* bit (page >> 12) % 64 of every watched page */
	struct { uint64_t page; unsigned ends; } hot[WRITE_WATCH_HOT_SLOTS]; /* watch ends by page */
	uint64_t watches, writes, resets, refused_hot; /* statistics */
};

void write_watch_init(struct write_watch *w);

/*
 * Watches the 4 KiB pages holding gpa[0..n) (n <= WRITE_WATCH_MAX_ADD). A page already watched,
 * or mapped without write permission (the guest cannot change it), needs nothing. Returns the
 * generation under which all of them are watched, or 0 when one cannot be (not mapped as memory,
 * no memory to split a large EPT page, or written too often: WRITE_WATCH_HOT_LIMIT): then
 * nothing may be cached on them. *flush is set when
 * the EPT changed (the caller executes INVEPT). A full table is emptied first (all watches end,
 * the generation moves on).
 */
uint64_t write_watch_pages(struct write_watch *w, struct ept *ept, const uint64_t *gpa, unsigned n, bool *flush);

/* [gpa, gpa+len) was written (an EPT violation's address, or a device's DMA): the watches on those
 * pages end and the generation moves on. True if there was one (the EPT changed: INVEPT). */
bool write_watch_written(struct write_watch *w, struct ept *ept, uint64_t gpa, uint64_t len);

/* True if the page holding gpa is watched. */
bool write_watch_is_watched(const struct write_watch *w, uint64_t gpa);

/* Something else all cached entries depend on changed (minihv: the guest's paging mode): the
 * generation moves on, the watches stay. */
static inline void write_watch_invalidate(struct write_watch *w) { w->generation++; }

/* Ends every watch (the generation moves on). True if the EPT changed. */
bool write_watch_reset(struct write_watch *w, struct ept *ept);
#endif
