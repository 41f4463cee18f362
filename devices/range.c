/*
 * Flat range dispatch (see range.h): registration keeps one sorted, non-overlapping array per
 * view; every update builds the inactive view and publishes it with one release store, so a
 * lookup (one acquire load) sees either the old or the new table, never a mixture.
 */
#include "devices/range.h"
#include "lib/string.h"

static const struct range_view *active_view(const struct range_table *t)
{
	return __atomic_load_n(&t->active, __ATOMIC_ACQUIRE);
}

static struct range_view *spare_view(struct range_table *t)
{
	return active_view(t) == &t->view[0] ? &t->view[1] : &t->view[0];
}

static void publish(struct range_table *t, struct range_view *v)
{
	__atomic_store_n(&t->active, v, __ATOMIC_RELEASE);
	__atomic_store_n(&t->generation, t->generation + 1, __ATOMIC_RELEASE);
}

/* The inclusive last address of [base, base+len); len >= 1 and no wrap-around were checked. */
static uint64_t last_of(uint64_t base, uint64_t len)
{
	return base + (len - 1);
}

/* Index of the first entry whose base is greater than addr (0..count). */
static unsigned upper_bound(const struct range_entry *e, unsigned count, uint64_t addr)
{
	unsigned lo = 0, hi = count;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (e[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int find_base(const struct range_view *v, uint64_t base)
{
	unsigned i = upper_bound(v->entries, v->count, base);
	if (i == 0 || v->entries[i - 1].base != base)
		return -1;
	return (int)(i - 1);
}

/* Would [base, last] overlap an entry of v other than index skip (-1: none skipped)? */
static bool overlaps(const struct range_view *v, uint64_t base, uint64_t last, int skip)
{
	unsigned i = upper_bound(v->entries, v->count, base);
	/* Entries are sorted and disjoint: only the one before the insertion point and the ones
	 * after it that start at or below `last` can intersect. */
	if (i > 0 && (int)(i - 1) != skip) {
		const struct range_entry *p = &v->entries[i - 1];
		if (last_of(p->base, p->len) >= base)
			return true;
	}
	for (; i < v->count; i++) {
		if ((int)i == skip)
			continue;
		return v->entries[i].base <= last;
	}
	return false;
}

static bool is_access_size(unsigned n)
{
	return n == 1 || n == 2 || n == 4 || n == 8;
}

static unsigned min_access(const struct range_ops *ops)
{
	return ops->min_access ? ops->min_access : 1;
}

static unsigned max_access(const struct range_ops *ops)
{
	return ops->max_access ? ops->max_access : 8;
}

static bool valid_geometry(uint64_t base, uint64_t len)
{
	return len != 0 && len - 1 <= UINT64_MAX - base;
}

/* Copies v without entry `drop` (-1: keep all) into dst, inserting `add` (NULL: none) in order. */
static void build(struct range_view *dst, const struct range_view *src, int drop,
		  const struct range_entry *add)
{
	unsigned n = 0;
	bool added = add == NULL;
	for (unsigned i = 0; i < src->count; i++) {
		if ((int)i == drop)
			continue;
		if (!added && add->base < src->entries[i].base) {
			dst->entries[n++] = *add;
			added = true;
		}
		dst->entries[n++] = src->entries[i];
	}
	if (!added)
		dst->entries[n++] = *add;
	dst->count = n;
}

void range_table_init(struct range_table *t, struct range_entry *buf_a, struct range_entry *buf_b,
		      unsigned capacity, const char *name)
{
	t->view[0].entries = buf_a;
	t->view[0].count = 0;
	t->view[1].entries = buf_b;
	t->view[1].count = 0;
	t->capacity = capacity;
	t->name = name;
	publish(t, &t->view[0]);
}

int range_register(struct range_table *t, uint64_t base, uint64_t len, const struct range_ops *ops,
		   void *opaque, const char *name)
{
	if (!ops || !ops->read || !ops->write || !valid_geometry(base, len))
		return RANGE_EINVAL;
	unsigned lo = min_access(ops), hi = max_access(ops);
	if (!is_access_size(lo) || !is_access_size(hi) || lo > hi || len % lo != 0)
		return RANGE_EINVAL;
	const struct range_view *cur = active_view(t);
	if (overlaps(cur, base, last_of(base, len), -1))
		return RANGE_EOVERLAP;
	if (cur->count >= t->capacity)
		return RANGE_EFULL;
	unsigned direct = 0;
	for (unsigned size = lo; size <= hi; size *= 2)
		direct |= size;
	struct range_entry e = { .base = base, .len = len, .ops = ops, .opaque = opaque, .name = name,
				 .direct = direct };
	struct range_view *next = spare_view(t);
	build(next, cur, -1, &e);
	publish(t, next);
	return RANGE_OK;
}

int range_unregister(struct range_table *t, uint64_t base)
{
	const struct range_view *cur = active_view(t);
	int i = find_base(cur, base);
	if (i < 0)
		return RANGE_ENOENT;
	struct range_view *next = spare_view(t);
	build(next, cur, i, NULL);
	publish(t, next);
	return RANGE_OK;
}

int range_move(struct range_table *t, uint64_t old_base, uint64_t new_base)
{
	const struct range_view *cur = active_view(t);
	int i = find_base(cur, old_base);
	if (i < 0)
		return RANGE_ENOENT;
	struct range_entry e = cur->entries[i];
	if (!valid_geometry(new_base, e.len))
		return RANGE_EINVAL;
	if (overlaps(cur, new_base, last_of(new_base, e.len), i))
		return RANGE_EOVERLAP;
	e.base = new_base;
	struct range_view *next = spare_view(t);
	build(next, cur, i, &e);
	publish(t, next);
	return RANGE_OK;
}

const char *range_strerror(int err)
{
	switch (err) {
	case RANGE_OK: return "ok";
	case RANGE_EOVERLAP: return "overlaps a registered range";
	case RANGE_EFULL: return "range table full";
	case RANGE_EINVAL: return "invalid range or access sizes";
	case RANGE_ENOENT: return "no range at that base";
	default: return "unknown range error";
	}
}

const struct range_entry *range_entries(const struct range_table *t, unsigned *count)
{
	const struct range_view *v = active_view(t);
	*count = v->count;
	return v->entries;
}

const struct range_entry *range_lookup(const struct range_table *t, uint64_t addr)
{
	const struct range_view *v = active_view(t);
	unsigned i = upper_bound(v->entries, v->count, addr);
	if (i == 0)
		return NULL;
	const struct range_entry *e = &v->entries[i - 1];
	return addr - e->base <= e->len - 1 ? e : NULL;
}

/*
 * Access splitting. [off, end) is the part of the access inside the range, relative to its
 * base. It is covered left to right by the largest naturally aligned implemented access that
 * fits; where even the smallest implemented access does not fit (narrower or misaligned), the
 * enclosing aligned min-size unit is read (and, for writes, modified and written back).
 */
struct chunk {
	uint64_t unit;      /* offset of the device access */
	unsigned size;      /* its size */
	unsigned skip;      /* bytes of the device access before the first byte we want */
	unsigned take;      /* bytes of it we want */
};

static struct chunk next_chunk(const struct range_ops *ops, uint64_t pos, uint64_t end)
{
	unsigned lo = min_access(ops), c = max_access(ops);
	while (c > lo && (pos % c != 0 || c > end - pos))
		c /= 2;
	struct chunk k = { .unit = pos, .size = c, .skip = 0, .take = c };
	if (pos % c != 0 || c > end - pos) {
		k.unit = pos - pos % c;
		k.skip = (unsigned)(pos - k.unit);
		k.take = c - k.skip;
		if (k.take > end - pos)
			k.take = (unsigned)(end - pos);
	}
	return k;
}

static uint64_t byte_mask(unsigned bytes)
{
	return bytes >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * bytes)) - 1;
}

/* The mask of an access size (1, 2, 4 or 8): one shift. */
static inline uint64_t size_mask(unsigned size)
{
	return UINT64_MAX >> (64 - 8 * size);
}

/* Bytes of an access of `size` at offset off that lie inside the range. */
static unsigned bytes_inside(const struct range_entry *e, uint64_t off, unsigned size)
{
	uint64_t room = e->len - off;
	return room < size ? (unsigned)room : size;
}

/* The common case, handled without the splitting loop: an access the device implements,
 * naturally aligned, inside the range. */
static inline bool is_direct(const struct range_entry *e, uint64_t off, unsigned size)
{
	return (e->direct & size) && !(off & (size - 1)) && off + size <= e->len;
}

/* Accesses the device does not implement directly: split / assembled little-endian. */
static __attribute__((noinline)) uint64_t read_split(const struct range_entry *e, uint64_t off, unsigned size)
{
	uint64_t end = off + bytes_inside(e, off, size);
	uint64_t v = byte_mask(size) & ~byte_mask((unsigned)(end - off)); /* ones past the end */
	for (uint64_t pos = off; pos < end;) {
		struct chunk k = next_chunk(e->ops, pos, end);
		uint64_t got = e->ops->read(e->opaque, k.unit, k.size) >> (8 * k.skip);
		v |= (got & byte_mask(k.take)) << (8 * (pos - off));
		pos += k.take;
	}
	return v;
}

static __attribute__((noinline)) void write_split(const struct range_entry *e, uint64_t off, unsigned size,
						   uint64_t value)
{
	uint64_t end = off + bytes_inside(e, off, size);
	for (uint64_t pos = off; pos < end;) {
		struct chunk k = next_chunk(e->ops, pos, end);
		uint64_t part = (value >> (8 * (pos - off))) & byte_mask(k.take);
		if (k.take == k.size) {
			e->ops->write(e->opaque, k.unit, k.size, part);
		} else {
			/* Narrower than the smallest implemented access: read-modify-write. */
			uint64_t field = byte_mask(k.take) << (8 * k.skip);
			uint64_t old = e->ops->read(e->opaque, k.unit, k.size);
			uint64_t merged = (old & ~field) | (part << (8 * k.skip));
			e->ops->write(e->opaque, k.unit, k.size, merged & byte_mask(k.size));
		}
		pos += k.take;
	}
}

bool range_entry_read(const struct range_entry *e, uint64_t addr, unsigned size, uint64_t *value)
{
	uint64_t off = addr - e->base;
	if (__builtin_expect(is_direct(e, off, size), 1))
		*value = e->ops->read(e->opaque, off, size) & size_mask(size);
	else
		*value = read_split(e, off, size);
	return true;
}

void range_entry_write(const struct range_entry *e, uint64_t addr, unsigned size, uint64_t value)
{
	uint64_t off = addr - e->base;
	if (__builtin_expect(is_direct(e, off, size), 1))
		e->ops->write(e->opaque, off, size, value & size_mask(size));
	else
		write_split(e, off, size, value);
}

bool range_read(const struct range_table *t, uint64_t addr, unsigned size, uint64_t *value)
{
	const struct range_entry *e = range_lookup(t, addr);
	if (!e || !is_access_size(size)) {
		*value = byte_mask(size);
		return false;
	}
	return range_entry_read(e, addr, size, value);
}

bool range_write(const struct range_table *t, uint64_t addr, unsigned size, uint64_t value)
{
	const struct range_entry *e = range_lookup(t, addr);
	if (!e || !is_access_size(size))
		return false;
	range_entry_write(e, addr, size, value);
	return true;
}
