/* Builds the guest's EPT from the memory map and the hypervisor's hidden ranges. */
#include "ept/guest_memory.h"
#include "mm/heap.h"
#include "vmx/vmx_caps.h"
#include "boot/console.h"
#include "lib/string.h"
#include "vmx/vmx_insn.h"

struct guest_memory guest_mem;

#define GIB (1ull << 30)
#define PAGE_DOWN(x) ((x) & ~0xfffull)
#define PAGE_UP(x) PAGE_DOWN((x) + 0xfff)

/* Once the EPT is built, its tables come from budgets by what they are for: from then on the
 * guest decides how many large pages get split, and one use running out (a guest touching
 * thousands of regions above memory, say) must not starve the others. An empty pool is a
 * refusal, not a panic. */
static unsigned tables_devices = DEVICE_EPT_TABLES, tables_watches = WATCH_EPT_TABLES,
		tables_above = ABOVE_MEMORY_EPT_TABLES;
static unsigned *budget; /* NULL while the EPT is built */

static void *ept_alloc(void *ctx, uint64_t *pa)
{
	if (budget) {
		if (!*budget || heap_used() + 4096 > heap_size())
			return NULL;
		(*budget)--;
	}
	void *p = heap_alloc_pages(1);
	*pa = virt_to_phys(p);
	return p;
}

static void *ept_ptr(void *ctx, uint64_t pa) { return phys_to_virt(pa); }

void guest_memory_hide(uint64_t base, uint64_t len, const char *what)
{
	if (guest_mem.n_hidden == HIDDEN_MAX || !len)
		panic("too many hidden ranges");
	guest_mem.hidden[guest_mem.n_hidden++] = (struct hidden_range){ PAGE_DOWN(base), PAGE_UP(base + len), what };
}

bool guest_memory_is_hidden(uint64_t gpa)
{
	for (unsigned i = 0; i < guest_mem.n_hidden; i++)
		if (gpa >= guest_mem.hidden[i].base && gpa < guest_mem.hidden[i].end)
			return true;
	return false;
}

bool guest_memory_is_ram(uint64_t gpa)
{
	for (unsigned i = 0; i < guest_mem.n_ram; i++)
		if (gpa < guest_mem.ram[i].end)
			return gpa >= guest_mem.ram[i].base;
	return false;
}

/* The sorted list of guest RAM: memory-map RAM minus the hidden ranges. */
static void build_ram_list(const struct boot_info *bi)
{
	struct guest_memory *g = &guest_mem;
	g->n_ram = 0;
	for (unsigned i = 0; i < bi->n_mmap; i++) {
		if (bi->mmap[i].type != MMAP_RAM)
			continue;
		uint64_t b = PAGE_UP(bi->mmap[i].base), e = PAGE_DOWN(bi->mmap[i].base + bi->mmap[i].len);
		while (b < e) {
			uint64_t cut = e, next = e;
			for (unsigned h = 0; h < g->n_hidden; h++) {
				if (g->hidden[h].base <= b && g->hidden[h].end > b) {
					cut = b;
					next = g->hidden[h].end;
					break;
				}
				if (g->hidden[h].base > b && g->hidden[h].base < cut) {
					cut = g->hidden[h].base;
					next = g->hidden[h].end;
				}
			}
			if (cut > b && g->n_ram < sizeof g->ram / sizeof g->ram[0]) {
				unsigned k = g->n_ram++;
				while (k > 0 && g->ram[k - 1].base > b) { /* keep sorted */
					g->ram[k] = g->ram[k - 1];
					k--;
				}
				g->ram[k].base = b;
				g->ram[k].end = cut;
			}
			b = next;
		}
	}
}

static bool is_ram_type(uint32_t type) { return type == MMAP_RAM || type == MMAP_ACPI || type == MMAP_NVS; }

void *guest_memory_ram_ptr(uint64_t gpa, uint64_t len)
{
	/* All of it inside one piece of the RAM list (memory-map RAM minus hidden ranges). */
	for (unsigned i = 0; i < guest_mem.n_ram; i++)
		if (gpa < guest_mem.ram[i].end)
			return gpa >= guest_mem.ram[i].base && len <= guest_mem.ram[i].end - gpa ? phys_to_virt(gpa) : 0;
	return 0;
}

/* The mapping [base, end) has when no device claims it: uncached identity, RAM write-back,
 * hidden ranges onto the ones page. */
static int map_default(uint64_t base, uint64_t end)
{
	struct guest_memory *g = &guest_mem;
	const struct boot_info *bi = g->boot;
	int r = ept_map(&g->ept, base, base, end - base, EPT_RWX | EPT_MEMTYPE(EPT_MT_UC));
	for (unsigned i = 0; i < bi->n_mmap && !r; i++) {
		const struct mmap_entry *m = &bi->mmap[i];
		uint64_t b = PAGE_UP(m->base), e = PAGE_DOWN(m->base + m->len);
		b = b < base ? base : b;
		e = e > end ? end : e;
		if (is_ram_type(m->type) && e > b)
			r = ept_map(&g->ept, b, b, e - b, EPT_RWX | EPT_MEMTYPE(EPT_MT_WB));
	}
	for (unsigned i = 0; i < g->n_hidden && !r; i++) {
		uint64_t b = g->hidden[i].base < base ? base : g->hidden[i].base;
		uint64_t e = g->hidden[i].end > end ? end : g->hidden[i].end;
		if (e > b)
			r = ept_map_alias(&g->ept, b, g->ones_page_pa, e - b, EPT_R | EPT_X | EPT_MEMTYPE(EPT_MT_WB));
	}
	return r;
}

void guest_memory_flush(void)
{
	/* Single-context INVEPT if supported (EPT_VPID_CAP bit 25), else all contexts (bit 26). */
	if ((vmx_caps.ept_vpid >> 25) & 1)
		invept(INVEPT_SINGLE_CONTEXT, ept_pointer(&guest_mem.ept));
	else
		invept(INVEPT_ALL_CONTEXTS, 0);
}

void guest_memory_restore(uint64_t gpa, uint64_t len)
{
	gpa = PAGE_DOWN(gpa);
	if (gpa < guest_mem.top && map_default(gpa, PAGE_UP(gpa + len) < guest_mem.top ? PAGE_UP(gpa + len) : guest_mem.top))
		log_printf("hv: EPT: no tables left to give 0x%lx (+0x%lx) its default mapping back\n", gpa, len);
	guest_memory_flush();
}

uint64_t guest_memory_watch(const uint64_t *gpa, unsigned n)
{
	bool flush = false;
	unsigned *was = budget;
	budget = &tables_watches;
	uint64_t gen = write_watch_pages(&guest_mem.watch, &guest_mem.ept, gpa, n, &flush);
	budget = was;
	if (flush)
		guest_memory_flush();
	return gen;
}

bool guest_memory_map_above(uint64_t gpa)
{
	unsigned *was = budget;
	budget = &tables_above;
	int r = ept_map_alias(&guest_mem.ept, PAGE_DOWN(gpa), guest_mem.ones_page_pa, 4096, EPT_R | EPT_X | EPT_MEMTYPE(EPT_MT_WB));
	budget = was;
	if (r == EPT_OK)
		guest_memory_flush();
	return r == EPT_OK;
}

bool guest_memory_written(uint64_t gpa, uint64_t len)
{
	if (!write_watch_written(&guest_mem.watch, &guest_mem.ept, gpa, len))
		return false;
	guest_memory_flush();
	return true;
}

bool guest_memory_set_mmio(uint64_t gpa, uint64_t len)
{
	gpa = PAGE_DOWN(gpa);
	len = PAGE_UP(len);
	for (unsigned i = 0; i < guest_mem.n_hidden; i++)
		if (gpa < guest_mem.hidden[i].end && guest_mem.hidden[i].base < gpa + len) {
			log_printf("hv: refusing MMIO at 0x%lx-0x%lx: it overlaps hypervisor memory\n", gpa, gpa + len - 1);
			return false;
		}
	int r = ept_set_mmio(&guest_mem.ept, gpa, len);
	guest_memory_flush();
	if (r)
		log_printf("hv: EPT: no tables left to trap MMIO at 0x%lx-0x%lx (device table budget used up)\n", gpa, gpa + len - 1);
	return r == EPT_OK;
}

int guest_memory_build(const struct boot_info *bi)
{
	struct guest_memory *g = &guest_mem;
	g->boot = bi;
	write_watch_init(&g->watch);
	uint64_t top = 4 * GIB;
	for (unsigned i = 0; i < bi->n_mmap; i++)
		if (bi->mmap[i].base + bi->mmap[i].len > top)
			top = bi->mmap[i].base + bi->mmap[i].len;
	g->top = (top + GIB - 1) & ~(GIB - 1);
	build_ram_list(bi);

	uint8_t *ones = heap_alloc_pages(1);
	memset(ones, 0xff, 4096);
	g->ones_page_pa = virt_to_phys(ones);

	struct ept_ops ops = { ept_alloc, ept_ptr, 0 };
	int r = ept_init(&g->ept, &ops, vmx_has_ept_2m(), vmx_has_ept_1g());
	r = r ?: map_default(0, g->top);
	if (r) {
		log_printf("hv: building the EPT failed (%d)\n", r);
		return -1;
	}
	budget = &tables_devices;
	return 0;
}

void guest_memory_print(void)
{
	log_printf("hv: EPT: identity map of 0-0x%lx (%u table pages, %s pages), hidden from the guest:\n",
		   guest_mem.top, guest_mem.ept.tables,
		   guest_mem.ept.max_leaf_level == 3 ? "1G/2M/4K" : guest_mem.ept.max_leaf_level == 2 ? "2M/4K" : "4K");
	for (unsigned i = 0; i < guest_mem.n_hidden; i++)
		log_printf("  %016lx-%016lx %s\n", guest_mem.hidden[i].base, guest_mem.hidden[i].end - 1,
			   guest_mem.hidden[i].what);
}
