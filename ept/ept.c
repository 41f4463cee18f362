/* EPT builder; see ept/ept.h. One recursive routine writes any range at any level. */
#include "ept/ept.h"

#define ENTRIES 512
#define TABLE_PERMS EPT_RWX /* non-leaf entries allow everything; leaves decide */

static inline unsigned level_shift(unsigned level) { return 12 + 9 * (level - 1); }
static inline uint64_t level_size(unsigned level) { return 1ull << level_shift(level); }

/* A non-leaf entry: present, not a large page. */
static inline bool is_table(uint64_t entry, unsigned level)
{
	return level > 1 && (entry & EPT_RWX) && !(entry & EPT_LARGE) && !ept_entry_is_mmio(entry);
}

static inline bool is_present_leaf(uint64_t entry)
{
	return (entry & EPT_RWX) && !ept_entry_is_mmio(entry);
}

struct ept_request {
	uint64_t hpa;    /* next host address, for present mappings */
	uint64_t flags;  /* leaf bits without address */
	bool present;    /* has a host address */
	bool alias;      /* every page to the same host page */
};

/* Replaces a large leaf (or an empty entry) by a table of 512 equivalent smaller entries. */
static int split(struct ept *e, uint64_t *slot, unsigned level)
{
	uint64_t pa, old = *slot;
	uint64_t *t = e->ops.alloc_table(e->ops.ctx, &pa);
	if (!t)
		return EPT_ENOMEM;
	e->tables++;
	if (old) {
		unsigned child = level - 1;
		uint64_t large = child > 1 ? EPT_LARGE : 0;
		uint64_t attrs = (old & ~EPT_ADDR_MASK & ~EPT_LARGE) | large;
		for (unsigned i = 0; i < ENTRIES; i++) {
			uint64_t addr = is_present_leaf(old) ? (old & EPT_ADDR_MASK) + i * level_size(child) : 0;
			t[i] = addr | attrs;
		}
	}
	*slot = pa | TABLE_PERMS;
	return EPT_OK;
}

static int set_range(struct ept *e, uint64_t *table, unsigned level, uint64_t gpa, uint64_t end,
		     struct ept_request *req)
{
	uint64_t size = level_size(level);
	while (gpa < end) {
		uint64_t *slot = &table[(gpa >> level_shift(level)) & (ENTRIES - 1)];
		uint64_t entry_end = (gpa & ~(size - 1)) + size;
		uint64_t chunk_end = end < entry_end ? end : entry_end;
		bool whole = (gpa & (size - 1)) == 0 && chunk_end == entry_end;
		bool target_ok = !req->present || (!req->alias && (req->hpa & (size - 1)) == 0) || level == 1;
		if (level <= e->max_leaf_level && whole && target_ok && !is_table(*slot, level)) {
			uint64_t leaf = req->flags | (level > 1 ? EPT_LARGE : 0);
			*slot = req->flags ? (req->present ? req->hpa : 0) | leaf : 0;
			if (!req->alias)
				req->hpa += chunk_end - gpa;
		} else {
			if (level == 1)
				return EPT_EINVAL; /* unreachable with aligned input */
			if (!is_table(*slot, level)) {
				int r = split(e, slot, level);
				if (r)
					return r;
			}
			uint64_t *child = e->ops.table_ptr(e->ops.ctx, *slot & EPT_ADDR_MASK);
			int r = set_range(e, child, level - 1, gpa, chunk_end, req); /* advances req->hpa */
			if (r)
				return r;
		}
		gpa = chunk_end;
	}
	return EPT_OK;
}

int ept_init(struct ept *e, const struct ept_ops *ops, bool pages_2m, bool pages_1g)
{
	e->ops = *ops;
	e->max_leaf_level = pages_2m ? (pages_1g ? 3 : 2) : 1;
	e->tables = 0;
	e->pml4 = e->ops.alloc_table(e->ops.ctx, &e->pml4_pa);
	if (!e->pml4)
		return EPT_ENOMEM;
	e->tables = 1;
	return EPT_OK;
}

static int apply(struct ept *e, uint64_t gpa, uint64_t len, struct ept_request *req)
{
	if ((gpa | len | req->hpa) & 0xfff)
		return EPT_EINVAL;
	if (!len)
		return EPT_OK;
	if (gpa + len < gpa || gpa + len > (1ull << 48))
		return EPT_EINVAL;
	return set_range(e, e->pml4, 4, gpa, gpa + len, req);
}

int ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t len, uint64_t flags)
{
	if (!(flags & EPT_RWX) || ept_entry_is_mmio(flags))
		return EPT_EINVAL;
	struct ept_request req = { .hpa = hpa, .flags = flags & 0x7f, .present = true };
	return apply(e, gpa, len, &req);
}

int ept_map_alias(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t len, uint64_t flags)
{
	if (!(flags & EPT_RWX) || ept_entry_is_mmio(flags))
		return EPT_EINVAL;
	struct ept_request req = { .hpa = hpa, .flags = flags & 0x7f, .present = true, .alias = true };
	return apply(e, gpa, len, &req);
}

int ept_set_mmio(struct ept *e, uint64_t gpa, uint64_t len)
{
	struct ept_request req = { .flags = EPT_MISCONFIG_ENTRY };
	return apply(e, gpa, len, &req);
}

int ept_unmap(struct ept *e, uint64_t gpa, uint64_t len)
{
	struct ept_request req = { .flags = 0 };
	return apply(e, gpa, len, &req);
}

uint64_t ept_lookup(const struct ept *e, uint64_t gpa, unsigned *level, uint64_t *hpa)
{
	const uint64_t *table = e->pml4;
	for (unsigned l = 4; l >= 1; l--) {
		uint64_t entry = table[(gpa >> level_shift(l)) & (ENTRIES - 1)];
		if (!is_table(entry, l)) {
			if (level)
				*level = l;
			if (hpa)
				*hpa = is_present_leaf(entry) ? (entry & EPT_ADDR_MASK & ~(level_size(l) - 1)) +
									(gpa & (level_size(l) - 1))
							      : 0;
			return entry;
		}
		table = e->ops.table_ptr(e->ops.ctx, entry & EPT_ADDR_MASK);
	}
	return 0;
}
