/* Multiboot v1 (Multiboot Specification 0.6.96 §3.3) and v2 (Multiboot2 §3.6) information parsing.
 * Physical memory is identity-mapped, so a physical address is a pointer. */
#include "boot/bootinfo.h"
#include "boot/console.h"
#include "lib/string.h"

static void copy_str(char *dst, unsigned size, const char *src)
{
	unsigned i = 0;
	if (src)
		for (; i + 1 < size && src[i]; i++)
			dst[i] = src[i];
	dst[i] = 0;
}

static void add_structure(struct boot_info *bi, uint64_t base, uint64_t len)
{
	if (bi->n_structures < BOOT_MAX_RESERVED && len) {
		bi->structures[bi->n_structures].base = base;
		bi->structures[bi->n_structures].len = len;
		bi->n_structures++;
	}
}

static void add_mmap(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
	if (bi->n_mmap < BOOT_MAX_MMAP && len) {
		bi->mmap[bi->n_mmap++] = (struct mmap_entry){ base, len, type };
	}
}

static void add_module(struct boot_info *bi, uint64_t start, uint64_t end, const char *cmd)
{
	if (bi->n_modules < BOOT_MAX_MODULES) {
		struct boot_module *m = &bi->modules[bi->n_modules++];
		m->start = start;
		m->end = end;
		copy_str(m->cmdline, sizeof m->cmdline, cmd);
	}
}

static void parse_v1(const uint8_t *mbi, uint64_t pa, struct boot_info *bi)
{
	uint32_t flags = *(const uint32_t *)mbi;
	add_structure(bi, pa, 120);
	if (flags & (1u << 2))
		copy_str(bi->cmdline, sizeof bi->cmdline, (const char *)(uintptr_t)*(const uint32_t *)(mbi + 16));
	if (flags & (1u << 9))
		copy_str(bi->loader, sizeof bi->loader, (const char *)(uintptr_t)*(const uint32_t *)(mbi + 64));
	if (flags & (1u << 3)) {
		uint32_t count = *(const uint32_t *)(mbi + 20), addr = *(const uint32_t *)(mbi + 24);
		add_structure(bi, addr, (uint64_t)count * 16);
		for (uint32_t i = 0; i < count; i++) {
			const uint32_t *m = (const uint32_t *)(uintptr_t)(addr + i * 16);
			add_module(bi, m[0], m[1], (const char *)(uintptr_t)m[2]);
		}
	}
	if (flags & (1u << 6)) {
		uint32_t len = *(const uint32_t *)(mbi + 44), addr = *(const uint32_t *)(mbi + 48);
		add_structure(bi, addr, len);
		for (uint32_t off = 0; off + 24 <= len;) {
			const uint8_t *e = (const uint8_t *)(uintptr_t)(addr + off);
			uint32_t size = *(const uint32_t *)e;
			add_mmap(bi, *(const uint64_t *)(e + 4), *(const uint64_t *)(e + 12), *(const uint32_t *)(e + 20));
			off += size + 4;
		}
	} else if (flags & 1u) {
		/* Only mem_lower/mem_upper (KiB): conventional memory and memory above 1 MiB. */
		add_mmap(bi, 0, (uint64_t)*(const uint32_t *)(mbi + 4) << 10, MMAP_RAM);
		add_mmap(bi, 1 << 20, (uint64_t)*(const uint32_t *)(mbi + 8) << 10, MMAP_RAM);
	}
}

static void parse_v2(const uint8_t *mbi, uint64_t pa, struct boot_info *bi)
{
	uint32_t total = *(const uint32_t *)mbi;
	add_structure(bi, pa, total);
	for (uint32_t off = 8; off + 8 <= total;) {
		const uint8_t *tag = mbi + off;
		uint32_t type = *(const uint32_t *)tag, size = *(const uint32_t *)(tag + 4);
		if (type == 0 || size < 8)
			break;
		switch (type) {
		case 1: copy_str(bi->cmdline, sizeof bi->cmdline, (const char *)(tag + 8)); break;
		case 2: copy_str(bi->loader, sizeof bi->loader, (const char *)(tag + 8)); break;
		case 3: add_module(bi, *(const uint32_t *)(tag + 8), *(const uint32_t *)(tag + 12), (const char *)(tag + 16)); break;
		case 6: {
			uint32_t esize = *(const uint32_t *)(tag + 8);
			for (uint32_t e = 16; esize >= 20 && e + esize <= size; e += esize)
				add_mmap(bi, *(const uint64_t *)(tag + e), *(const uint64_t *)(tag + e + 8), *(const uint32_t *)(tag + e + 16));
			break;
		}
		case 14:
		case 15:
			if (!bi->acpi_rsdp)
				bi->acpi_rsdp = pa + off + 8;
			break;
		}
		off += (size + 7) & ~7u;
	}
}

int multiboot_parse(uint32_t magic, uint64_t info_pa, struct boot_info *bi)
{
	memset(bi, 0, sizeof *bi);
	const uint8_t *mbi = (const uint8_t *)(uintptr_t)info_pa;
	if (magic == MB1_BOOT_MAGIC) {
		bi->version = 1;
		parse_v1(mbi, info_pa, bi);
	} else if (magic == MB2_BOOT_MAGIC) {
		bi->version = 2;
		parse_v2(mbi, info_pa, bi);
	} else {
		log_printf("hv: not started by a multiboot loader (EAX=0x%x); stopping\n", magic);
		return -1;
	}
	return 0;
}

const char *mmap_type_name(uint32_t type)
{
	switch (type) {
	case MMAP_RAM: return "RAM";
	case MMAP_RESERVED: return "reserved";
	case MMAP_ACPI: return "ACPI reclaimable";
	case MMAP_NVS: return "ACPI NVS";
	case MMAP_BAD: return "bad memory";
	default: return "unknown";
	}
}

void boot_info_print(const struct boot_info *bi)
{
	log_printf("hv: multiboot v%d from \"%s\", command line \"%s\"\n", bi->version,
		   bi->loader[0] ? bi->loader : "?", bi->cmdline);
	log_printf("hv: memory map (%u entries):\n", bi->n_mmap);
	for (unsigned i = 0; i < bi->n_mmap; i++)
		log_printf("  %016lx-%016lx %s\n", bi->mmap[i].base, bi->mmap[i].base + bi->mmap[i].len - 1,
			   mmap_type_name(bi->mmap[i].type));
	log_printf("hv: %u module(s)\n", bi->n_modules);
	for (unsigned i = 0; i < bi->n_modules; i++)
		log_printf("  module %u: %08lx-%08lx \"%s\"\n", i, bi->modules[i].start, bi->modules[i].end,
			   bi->modules[i].cmdline);
}

const char *boot_module_args(const struct boot_module *m)
{
	const char *a = m->cmdline;
	while (*a && *a != ' ')
		a++;
	while (*a == ' ')
		a++;
	return a;
}

bool boot_module_has_role(const struct boot_module *m, const char *word)
{
	const char *a = boot_module_args(m);
	size_t n = strlen(word);
	return !strncmp(a, word, n) && (a[n] == 0 || a[n] == ' ');
}
