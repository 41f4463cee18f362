/* Free-range list allocator; see mm/pmm.h. The list stays sorted and non-overlapping. */
#include "mm/pmm.h"

#define ALIGN_DOWN(x, a) ((x) & ~((a) - 1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + (a) - 1, a)

void pmm_init(struct pmm *p)
{
	p->n = 0;
	p->free_bytes = 0;
}

static void remove_at(struct pmm *p, unsigned i)
{
	for (; i + 1 < p->n; i++)
		p->free[i] = p->free[i + 1];
	p->n--;
}

static int insert_at(struct pmm *p, unsigned i, uint64_t base, uint64_t end)
{
	if (p->n == PMM_MAX_RANGES)
		return -1;
	for (unsigned j = p->n; j > i; j--)
		p->free[j] = p->free[j - 1];
	p->free[i] = (struct pmm_range){ base, end };
	p->n++;
	return 0;
}

static void recount(struct pmm *p)
{
	p->free_bytes = 0;
	for (unsigned i = 0; i < p->n; i++)
		p->free_bytes += p->free[i].end - p->free[i].base;
}

/* Inserts [base, end) merging with overlapping or touching ranges. */
static int add_range(struct pmm *p, uint64_t base, uint64_t end)
{
	if (base >= end)
		return 0;
	unsigned i = 0;
	while (i < p->n && p->free[i].end < base)
		i++;
	/* Merge every range that overlaps or touches [base, end). */
	while (i < p->n && p->free[i].base <= end) {
		if (p->free[i].base < base)
			base = p->free[i].base;
		if (p->free[i].end > end)
			end = p->free[i].end;
		remove_at(p, i);
	}
	int r = insert_at(p, i, base, end);
	recount(p);
	return r;
}

int pmm_add(struct pmm *p, uint64_t base, uint64_t len)
{
	uint64_t end = base + len < base ? ~0ull : base + len;
	return add_range(p, ALIGN_UP(base, PAGE_SIZE), ALIGN_DOWN(end, PAGE_SIZE));
}

int pmm_free(struct pmm *p, uint64_t base, uint64_t len)
{
	return pmm_add(p, base, len);
}

int pmm_reserve(struct pmm *p, uint64_t base, uint64_t len)
{
	uint64_t end = base + len < base ? ~0ull : ALIGN_UP(base + len, PAGE_SIZE);
	base = ALIGN_DOWN(base, PAGE_SIZE);
	for (unsigned i = 0; i < p->n;) {
		struct pmm_range r = p->free[i];
		if (r.end <= base || r.base >= end) {
			i++;
			continue;
		}
		remove_at(p, i);
		if (r.base < base) {
			if (insert_at(p, i, r.base, base))
				return -1;
			i++;
		}
		if (r.end > end) {
			if (insert_at(p, i, end, r.end))
				return -1;
			i++;
		}
	}
	recount(p);
	return 0;
}

uint64_t pmm_alloc_top(struct pmm *p, uint64_t size, uint64_t align, uint64_t limit)
{
	if (!size || align < PAGE_SIZE || (align & (align - 1)))
		return 0;
	size = ALIGN_UP(size, PAGE_SIZE);
	for (unsigned k = p->n; k-- > 0;) {
		uint64_t end = p->free[k].end < limit ? p->free[k].end : limit;
		if (end < size)
			continue;
		uint64_t base = ALIGN_DOWN(end - size, align);
		if (base < p->free[k].base || base == 0)
			continue;
		pmm_reserve(p, base, size);
		return base;
	}
	return 0;
}
