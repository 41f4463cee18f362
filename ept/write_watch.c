/* Write watches on guest-physical pages (see write_watch.h). */
#include "ept/write_watch.h"

#define PAGE(x) ((x) & ~0xfffull)
#define LEAF_FLAGS (EPT_RWX | EPT_MEMTYPE(7) | EPT_IGNORE_PAT)

static uint64_t filter_bit(uint64_t page) { return 1ull << ((page >> 12) & 63); }

void write_watch_init(struct write_watch *w)
{
	*w = (struct write_watch){ .generation = 1 };
}

static int find(const struct write_watch *w, uint64_t page)
{
	if (!(w->filter & filter_bit(page)))
		return -1;
	for (unsigned i = 0; i < w->n; i++)
		if (w->page[i] == page)
			return (int)i;
	return -1;
}

bool write_watch_is_watched(const struct write_watch *w, uint64_t gpa)
{
	return find(w, PAGE(gpa)) >= 0;
}

static void recompute_filter(struct write_watch *w)
{
	w->filter = 0;
	for (unsigned i = 0; i < w->n; i++)
		w->filter |= filter_bit(w->page[i]);
}

/* Ends watch i: the page's own flags come back (write permission); the last watch fills the gap. */
static void end_watch(struct write_watch *w, struct ept *ept, unsigned i)
{
	ept_map(ept, w->page[i], w->page[i], 4096, w->flags[i]); /* a 4 KiB leaf already: no allocation */
	w->page[i] = w->page[w->n - 1];
	w->flags[i] = w->flags[w->n - 1];
	w->n--;
}

bool write_watch_reset(struct write_watch *w, struct ept *ept)
{
	bool changed = w->n > 0;
	while (w->n)
		end_watch(w, ept, w->n - 1);
	w->filter = 0;
	w->generation++;
	w->resets++;
	return changed;
}

/* The count of watch ends of page (direct-mapped by page: a collision restarts the count). */
static unsigned *hot_count(struct write_watch *w, uint64_t page)
{
	unsigned slot = (unsigned)(page >> 12) % WRITE_WATCH_HOT_SLOTS;
	if (w->hot[slot].page != page) {
		w->hot[slot].page = page;
		w->hot[slot].ends = 0;
	}
	return &w->hot[slot].ends;
}

/* Watches one page: 1 newly watched, 0 nothing needed, -1 impossible. */
static int watch_one(struct write_watch *w, struct ept *ept, uint64_t page)
{
	if (find(w, page) >= 0)
		return 0;
	if (*hot_count(w, page) >= WRITE_WATCH_HOT_LIMIT) {
		/* Refused; every WRITE_WATCH_HOT_RETRY refusals all counts start over, so a page that
		 * has calmed down is watched (and cached on) again. */
		if (++w->refused_hot % WRITE_WATCH_HOT_RETRY == 0)
			for (unsigned i = 0; i < WRITE_WATCH_HOT_SLOTS; i++)
				w->hot[i].ends = 0;
		return -1;
	}
	uint64_t hpa;
	unsigned level;
	uint64_t leaf = ept_lookup(ept, page, &level, &hpa);
	if (!(leaf & EPT_R) || ept_entry_is_mmio(leaf) || hpa != page)
		return -1; /* not present, emulated MMIO, or not identity-mapped memory */
	if (!(leaf & EPT_W))
		return 0; /* the guest cannot write it */
	uint64_t flags = leaf & LEAF_FLAGS;
	if (ept_map(ept, page, page, 4096, flags & ~EPT_W) != EPT_OK) {
		/* out of tables: a split may have happened (equivalent mapping); the page is writable */
		return -1;
	}
	w->page[w->n] = page;
	w->flags[w->n] = flags;
	w->n++;
	w->filter |= filter_bit(page);
	w->watches++;
	return 1;
}

uint64_t write_watch_pages(struct write_watch *w, struct ept *ept, const uint64_t *gpa, unsigned n, bool *flush)
{
	if (n > WRITE_WATCH_MAX_ADD)
		return 0;
	if (w->n + n > WRITE_WATCH_PAGES && write_watch_reset(w, ept))
		*flush = true;
	for (unsigned i = 0; i < n; i++) {
		int r = watch_one(w, ept, PAGE(gpa[i]));
		if (r < 0)
			return 0; /* the pages watched so far stay watched: harmless */
		if (r > 0)
			*flush = true;
	}
	return w->generation;
}

bool write_watch_written(struct write_watch *w, struct ept *ept, uint64_t gpa, uint64_t len)
{
	if (!len || !w->n)
		return false;
	uint64_t first = PAGE(gpa), end = gpa + len - 1;
	uint64_t last = PAGE(end < gpa ? ~0ull : end);
	if (last - first < 64 * 4096ull) { /* a few pages (the usual DMA buffer): the filter answers */
		uint64_t bits = 0;
		for (uint64_t page = first;; page += 4096) {
			bits |= filter_bit(page);
			if (page == last)
				break;
		}
		if (!(bits & w->filter))
			return false;
	}
	bool ended = false;
	for (unsigned i = 0; i < w->n;) {
		if (w->page[i] >= first && w->page[i] <= last) {
			++*hot_count(w, w->page[i]);
			end_watch(w, ept, i); /* moves the last watch into slot i */
			ended = true;
		} else {
			i++;
		}
	}
	if (ended) {
		recompute_filter(w);
		w->generation++;
		w->writes++;
	}
	return ended;
}
