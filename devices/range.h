/*
 * Flat range dispatch: one sorted table of [base, base+len) ranges per address space (PIO, MMIO),
 * searched by binary search. Pure C (no hypervisor dependencies): compiled into the hypervisor and
 * into host tests and benchmarks.
 *
 * - Overlapping registrations are refused (RANGE_EOVERLAP) and nothing changes.
 * - Updates never leave a half-done table visible to a lookup: the table keeps two entry arrays,
 *   builds the new sorted array in the inactive one and publishes it with one pointer store.
 * - Little-endian register semantics are handled once, here: a device declares the access sizes
 *   its callbacks implement (min_access..max_access, powers of two); an access of another size or
 *   alignment is split into / assembled from implemented-size accesses, little-endian: each
 *   piece is the largest naturally aligned implemented size that fits; a piece narrower than
 *   min_access reads the enclosing min_access unit, and a write there is read-modify-write of
 *   that unit (devices whose registers have side effects on read or write should implement
 *   byte accesses). A range's length must be a multiple of its min_access.
 */
#ifndef DEVICES_RANGE_H
#define DEVICES_RANGE_H
#include <stdbool.h>
#include <stdint.h>

struct range_ops {
	/* offset is relative to the range base; size is one of the implemented access sizes. */
	uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
	void (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t value);
	unsigned min_access; /* smallest implemented access in bytes (1, 2, 4 or 8); 0 means 1 */
	unsigned max_access; /* largest implemented access in bytes; 0 means 8 */
};

struct range_entry {
	uint64_t base, len;
	const struct range_ops *ops;
	void *opaque;
	const char *name;
	unsigned direct; /* the access sizes (1|2|4|8) the callbacks implement, as a bit set */
};

/* One published snapshot: a sorted entry array and its length, replaced together. */
struct range_view {
	struct range_entry *entries;
	unsigned count;
};

/* Private fields: use the functions below. A lookup loads `active` once and searches that view,
 * so it always sees a count that matches its array. Updates are serialised by the caller (one
 * writer at a time); the array a lookup searched is rebuilt by the second update after it, so a
 * returned entry stays valid until then (minihv looks up and updates on the same CPU). */
struct range_table {
	const struct range_view *volatile active; /* what lookups search */
	struct range_view view[2];                /* the inactive one is where updates are built */
	unsigned capacity;
	const char *name;                         /* "pio" or "mmio", for messages */
	uint64_t generation;                      /* counts updates: a remembered entry is still
						     valid while this is unchanged */
};

enum range_error {
	RANGE_OK = 0,
	RANGE_EOVERLAP = -1, /* the new range overlaps a registered one */
	RANGE_EFULL = -2,    /* capacity reached */
	RANGE_EINVAL = -3,   /* zero length, wrap-around, bad access sizes, no ops */
	RANGE_ENOENT = -4,   /* no range starts at that base */
};

/* Both arrays must hold `capacity` entries and stay valid for the table's lifetime. */
void range_table_init(struct range_table *t, struct range_entry *buf_a, struct range_entry *buf_b,
		      unsigned capacity, const char *name);
int range_register(struct range_table *t, uint64_t base, uint64_t len, const struct range_ops *ops,
		   void *opaque, const char *name);
int range_unregister(struct range_table *t, uint64_t base);
/* Moves a range to a new base in one published update (used when a BAR moves). */
int range_move(struct range_table *t, uint64_t old_base, uint64_t new_base);
const char *range_strerror(int err);

/* The published entries in ascending base order (for listings); *count receives their number. */
const struct range_entry *range_entries(const struct range_table *t, unsigned *count);

/* The entry containing addr, or NULL. */
const struct range_entry *range_lookup(const struct range_table *t, uint64_t addr);

/* Access size 1, 2, 4 or 8 bytes. Returns false when no range contains addr (the caller decides
 * what an unclaimed access means: PIO and MMIO reads of nothing return all ones). An access that
 * runs past the end of its range is truncated: the bytes beyond read as ones, writes are dropped. */
bool range_read(const struct range_table *t, uint64_t addr, unsigned size, uint64_t *value);
bool range_write(const struct range_table *t, uint64_t addr, unsigned size, uint64_t value);

/* The same for a remembered entry e (from range_lookup, while range_generation is unchanged)
 * that contains addr: for callers that cache the lookup. */
bool range_entry_read(const struct range_entry *e, uint64_t addr, unsigned size, uint64_t *value);
void range_entry_write(const struct range_entry *e, uint64_t addr, unsigned size, uint64_t value);

static inline uint64_t range_generation(const struct range_table *t)
{
	return __atomic_load_n(&t->generation, __ATOMIC_ACQUIRE);
}

#endif
