/*
 * Booting a Linux bzImage through its 64-bit entry point (Documentation/arch/x86/boot.rst,
 * "64-bit Boot Protocol"; zero-page.rst for struct boot_params): reading the setup header,
 * building the zero page and the E820 memory map. Pure C, host-tested; guest/linux_loader.c
 * places the pieces in guest memory and starts the vCPU.
 */
#ifndef GUEST_LINUX_BOOT_H
#define GUEST_LINUX_BOOT_H
#include <stdbool.h>
#include <stdint.h>

#define LINUX_ZERO_PAGE_SIZE 4096u
#define LINUX_ENTRY_64 0x200u          /* the 64-bit entry point, from the kernel's load address */
#define LINUX_BOOT_CS 0x10u            /* __BOOT_CS and __BOOT_DS: the GDT selectors the */
#define LINUX_BOOT_DS 0x18u            /* 64-bit boot protocol asks for */

/* What the setup header says (offsets in boot.rst, "The real-mode kernel header"). */
struct linux_kernel_info {
	uint32_t setup_size;       /* the real-mode part (boot sector included): the payload follows */
	uint64_t payload_size;     /* the protected-mode kernel, loaded at the kernel address */
	uint16_t version;          /* boot protocol version, e.g. 0x20f */
	uint16_t xloadflags;
	uint32_t kernel_alignment; /* the load address must be a multiple (relocatable kernels) */
	uint32_t init_size;        /* memory the kernel needs from its load address while booting */
	uint32_t cmdline_size;     /* longest command line, without the NUL */
	uint32_t initrd_addr_max;  /* highest address the initrd may end at (below 4 GiB loaders) */
	uint64_t pref_address;     /* preferred load address */
	unsigned header_end;       /* end of the setup header in the image (0x202 + its jump) */
	bool relocatable;
};

/* 0, or -1 with *why set: not a bzImage, protocol older than 2.12, no 64-bit entry point. */
int linux_parse_bzimage(const uint8_t *img, uint64_t size, struct linux_kernel_info *k, const char **why);

/* E820 memory map entry types (the multiboot memory map uses the same numbers). */
enum { E820_RAM = 1, E820_RESERVED = 2, E820_ACPI = 3, E820_NVS = 4, E820_UNUSABLE = 5 };
struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));
#define LINUX_E820_MAX 128 /* entries the zero page holds */

struct linux_range {
	uint64_t base, end; /* [base, end) */
};

/*
 * The guest's memory map: the firmware's map with the hypervisor's memory (hidden: never
 * guest RAM) cut out of the RAM entries and marked reserved, plus extra reserved ranges (an
 * emulated ECAM window, say). Sorted, adjacent entries of one type merged. Returns the number
 * of entries, or -1 if more than max would be needed.
 */
int linux_e820_build(const struct e820_entry *firmware, unsigned n_firmware, const struct linux_range *hidden,
		     unsigned n_hidden, const struct linux_range *reserved, unsigned n_reserved, struct e820_entry *out,
		     unsigned max);

struct linux_boot_config {
	uint64_t cmdline_pa;                /* the NUL-terminated command line in guest memory */
	uint64_t initrd_pa, initrd_size;    /* 0 size: no initrd */
	uint64_t acpi_rsdp;                 /* 0: the kernel searches the BIOS areas */
	const struct e820_entry *e820;
	unsigned n_e820;
};

/* The zero page (struct boot_params) for the 64-bit entry: the image's setup header, the
 * loader type, command line, initrd, RSDP and memory map. */
void linux_fill_zero_page(uint8_t zp[LINUX_ZERO_PAGE_SIZE], const uint8_t *img, const struct linux_kernel_info *k,
			  const struct linux_boot_config *c);

#endif
