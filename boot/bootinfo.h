/* What the boot loader told us, copied out of the multiboot (v1 or v2) information structure. */
#ifndef BOOT_BOOTINFO_H
#define BOOT_BOOTINFO_H
#include <stdbool.h>
#include <stdint.h>

#define BOOT_MAX_MMAP 64
#define BOOT_MAX_MODULES 8
#define BOOT_MAX_RESERVED 16
#define BOOT_CMDLINE_MAX 512

/* Memory map types as in multiboot / e820. */
#define MMAP_RAM 1
#define MMAP_RESERVED 2
#define MMAP_ACPI 3
#define MMAP_NVS 4
#define MMAP_BAD 5

struct mmap_entry {
	uint64_t base, len;
	uint32_t type;
};

struct boot_module {
	uint64_t start, end;
	char cmdline[512]; /* a Linux kernel module carries the kernel's command line */
};

struct boot_info {
	int version; /* 1 or 2 */
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[64];
	struct mmap_entry mmap[BOOT_MAX_MMAP];
	unsigned n_mmap;
	struct boot_module modules[BOOT_MAX_MODULES];
	unsigned n_modules;
	/* Physical ranges the loader's structures occupy (never handed out by the allocator). */
	struct { uint64_t base, len; } structures[BOOT_MAX_RESERVED];
	unsigned n_structures;
	uint64_t acpi_rsdp; /* physical address of an RSDP copy the loader gave us, or 0 */
};

#define MB1_BOOT_MAGIC 0x2BADB002u
#define MB2_BOOT_MAGIC 0x36d76289u

/* A module's arguments: its string after the first word (the file name), "" if none. */
const char *boot_module_args(const struct boot_module *m);
/* True if the module's arguments begin with `word` (a whole word: "virtio-blk", say). */
bool boot_module_has_role(const struct boot_module *m, const char *word);

/* Returns 0, or -1 with a message printed if the magic is neither loader's. */
int multiboot_parse(uint32_t magic, uint64_t info_pa, struct boot_info *out);
void boot_info_print(const struct boot_info *bi);
const char *mmap_type_name(uint32_t type);
#endif
