/*
 * Loads a Linux bzImage (a multiboot module) as the guest and starts it at its 64-bit entry
 * point (Documentation/arch/x86/boot.rst, "64-bit Boot Protocol"):
 *
 *   module 1: the bzImage; its module string is "NAME KERNEL-COMMAND-LINE"
 *   module 2: an initrd (optional)
 *
 * The protected-mode kernel is copied to a free, aligned stretch of guest RAM at or above its
 * preferred address with room for init_size; the initrd to the top of RAM below the
 * hypervisor's pool. Boot structures go at 0x10000: the zero page, the command line, a GDT
 * with __BOOT_CS/__BOOT_DS, and identity page tables for the first 4 GiB. The modules
 * themselves stay hidden (reserved in the E820 map).
 */
#include "guest/loader.h"
#include "guest/linux_boot.h"
#include "ept/guest_memory.h"
#include "pci/hv/vpci.h"
#include "arch/x86.h"
#include "boot/console.h"
#include "lib/string.h"

#define PAGE 4096ull
#define MIB (1ull << 20)
#define BOOT_AREA 0x10000ull /* zero page, command line, GDT, page tables: 10 pages */
#define ZERO_PAGE (BOOT_AREA)
#define CMDLINE (BOOT_AREA + PAGE)
#define GDT (BOOT_AREA + 2 * PAGE)
#define PML4 (BOOT_AREA + 3 * PAGE)
#define PDPT (BOOT_AREA + 4 * PAGE)
#define PD (BOOT_AREA + 5 * PAGE) /* 4 pages: 4 GiB in 2 MiB pages */
#define BOOT_AREA_END (BOOT_AREA + 9 * PAGE)

/* The kernel's module: the first one with a bzImage header. */
static const struct boot_module *find_kernel(const struct boot_info *bi, struct linux_kernel_info *k)
{
	for (unsigned i = 0; i < bi->n_modules; i++) {
		const char *why;
		const struct boot_module *m = &bi->modules[i];
		if (!linux_parse_bzimage((const uint8_t *)(uintptr_t)m->start, m->end - m->start, k, &why))
			return m;
	}
	return 0;
}

/* Lowest address >= from, a multiple of align, with [a, a+len) all guest RAM; 0 if none. */
static uint64_t find_ram(uint64_t from, uint64_t len, uint64_t align)
{
	for (unsigned i = 0; i < guest_mem.n_ram; i++) {
		uint64_t a = guest_mem.ram[i].base > from ? guest_mem.ram[i].base : from;
		a = (a + align - 1) & ~(align - 1);
		if (a + len <= guest_mem.ram[i].end && guest_memory_ram_ptr(a, len))
			return a;
	}
	return 0;
}

/* Highest page-aligned address with [a, a+len) guest RAM below limit and not overlapping
 * [avoid, avoid_end); 0 if none. */
static uint64_t find_ram_top(uint64_t len, uint64_t limit, uint64_t avoid, uint64_t avoid_end)
{
	for (unsigned i = guest_mem.n_ram; i-- > 0;) {
		uint64_t hi = guest_mem.ram[i].end < limit ? guest_mem.ram[i].end : limit;
		for (int tries = 0; tries < 2 && hi >= len; tries++) {
			uint64_t a = (hi - len) & ~(PAGE - 1);
			if (a < guest_mem.ram[i].base)
				break;
			if (a < avoid_end && a + len > avoid) {
				hi = avoid; /* below the kernel instead */
				continue;
			}
			if (guest_memory_ram_ptr(a, len))
				return a;
			break;
		}
	}
	return 0;
}

/* The guest's memory map: the firmware's, minus hypervisor memory, plus the ECAM window. */
static int build_e820(const struct boot_info *bi, struct e820_entry *map)
{
	struct e820_entry fw[BOOT_MAX_MMAP];
	struct linux_range hidden[HIDDEN_MAX], ecam = { vpci_ecam_base(), vpci_ecam_base() + vpci_ecam_size() };
	for (unsigned i = 0; i < bi->n_mmap; i++)
		fw[i] = (struct e820_entry){ bi->mmap[i].base, bi->mmap[i].len, bi->mmap[i].type };
	for (unsigned i = 0; i < guest_mem.n_hidden; i++)
		hidden[i] = (struct linux_range){ guest_mem.hidden[i].base, guest_mem.hidden[i].end };
	return linux_e820_build(fw, bi->n_mmap, hidden, guest_mem.n_hidden, &ecam, ecam.end > ecam.base,
				map, LINUX_E820_MAX);
}

static void fill_start_state(struct guest_start_state *s, uint64_t entry)
{
	memset(s, 0, sizeof *s);
	s->rip = entry;
	s->rflags = 2; /* interrupts disabled */
	s->gpr[GPR_RSI] = ZERO_PAGE;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG;
	s->cr3 = PML4;
	s->cr4 = CR4_PAE;
	s->efer = EFER_LME | EFER_LMA;
	s->cs = (struct segment_state){ LINUX_BOOT_CS, 0, 0xffffffff, 0xa09b }; /* 64-bit code */
	struct segment_state data = { LINUX_BOOT_DS, 0, 0xffffffff, 0xc093 };
	s->ss = s->ds = s->es = s->fs = s->gs = data;
	s->tr = (struct segment_state){ 0, 0, 0x67, 0x8b };
	s->ldtr = (struct segment_state){ 0, 0, 0, AR_UNUSABLE };
	s->gdtr_base = GDT;
	s->gdtr_limit = 4 * 8 - 1;
	s->idtr_limit = 0;
}

bool guest_have_linux(const struct boot_info *bi)
{
	struct linux_kernel_info k;
	return find_kernel(bi, &k) != 0;
}

int guest_load_linux(const struct boot_info *bi, uint64_t rsdp, struct guest_start_state *s)
{
	struct linux_kernel_info k;
	const struct boot_module *km = find_kernel(bi, &k);
	if (!km) {
		log_printf("hv: linux: no multiboot module is a bzImage with a 64-bit entry point\n");
		return -1;
	}
	const uint8_t *img = (const uint8_t *)(uintptr_t)km->start;
	const struct boot_module *initrd = 0; /* the next module that is not a disk */
	for (unsigned i = 0; i < bi->n_modules && !initrd; i++)
		if (&bi->modules[i] != km && !boot_module_has_role(&bi->modules[i], "virtio-blk"))
			initrd = &bi->modules[i];

	uint64_t align = k.kernel_alignment > 2 * MIB ? k.kernel_alignment : 2 * MIB;
	uint64_t kaddr = find_ram(k.pref_address > 16 * MIB ? k.pref_address : 16 * MIB, k.init_size, align);
	if (!kaddr || (!k.relocatable && kaddr != k.pref_address)) {
		log_printf("hv: linux: no free guest RAM for the kernel (%u MiB from 0x%lx)\n", k.init_size >> 20, k.pref_address);
		return -1;
	}
	uint64_t isize = initrd ? initrd->end - initrd->start : 0, iaddr = 0;
	if (isize) {
		uint64_t limit = k.initrd_addr_max ? (uint64_t)k.initrd_addr_max + 1 : 1ull << 32;
		iaddr = find_ram_top(isize, limit, kaddr, kaddr + k.init_size);
		if (!iaddr) {
			log_printf("hv: linux: no free guest RAM for the %lu KiB initrd\n", isize >> 10);
			return -1;
		}
	}
	uint8_t *boot = guest_memory_ram_ptr(BOOT_AREA, BOOT_AREA_END - BOOT_AREA);
	if (!boot) {
		log_printf("hv: linux: guest RAM at 0x%llx is not free for the boot structures\n", BOOT_AREA);
		return -1;
	}
	memset(boot, 0, BOOT_AREA_END - BOOT_AREA);

	/* The command line: the kernel module's string after its first word. */
	const char *args = boot_module_args(km);
	size_t len = strlen(args), max = k.cmdline_size && k.cmdline_size < PAGE ? k.cmdline_size : PAGE - 1;
	if (len > max)
		len = max;
	memcpy((char *)(uintptr_t)CMDLINE, args, len);

	static struct e820_entry map[LINUX_E820_MAX];
	int n = build_e820(bi, map);
	if (n < 0) {
		log_printf("hv: linux: the memory map needs more than %u entries\n", LINUX_E820_MAX);
		return -1;
	}
	struct linux_boot_config cfg = { CMDLINE, iaddr, isize, rsdp, map, (unsigned)n };
	linux_fill_zero_page((uint8_t *)(uintptr_t)ZERO_PAGE, img, &k, &cfg);

	/* GDT: null, unused, __BOOT_CS (64-bit code), __BOOT_DS (flat data). */
	uint64_t *gdt = (uint64_t *)(uintptr_t)GDT;
	gdt[2] = 0x00af9b000000ffffull;
	gdt[3] = 0x00cf93000000ffffull;
	/* Identity map of the first 4 GiB in 2 MiB pages (the kernel builds its own at once). */
	uint64_t *pml4 = (uint64_t *)(uintptr_t)PML4, *pdpt = (uint64_t *)(uintptr_t)PDPT, *pd = (uint64_t *)(uintptr_t)PD;
	pml4[0] = PDPT | 3;
	for (unsigned i = 0; i < 4; i++)
		pdpt[i] = (PD + i * PAGE) | 3;
	for (unsigned i = 0; i < 2048; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83;

	memcpy((void *)(uintptr_t)kaddr, img + k.setup_size, k.payload_size);
	if (isize)
		memcpy((void *)(uintptr_t)iaddr, (const void *)(uintptr_t)initrd->start, isize);
	fill_start_state(s, kaddr + LINUX_ENTRY_64);
	log_printf("hv: linux: kernel (boot protocol %u.%02u, %lu KiB) at 0x%lx, entry 0x%lx, initrd %lu KiB at 0x%lx, "
		   "%d E820 entries, command line \"%s\"\n",
		   k.version >> 8, k.version & 0xff, k.payload_size >> 10, kaddr, kaddr + LINUX_ENTRY_64, isize >> 10, iaddr, n,
		   (const char *)(uintptr_t)CMDLINE);
	return 0;
}
