/* Linux 64-bit boot protocol: setup header, zero page, E820 map (see linux_boot.h). */
#include "guest/linux_boot.h"
#include "lib/string.h"

/* Setup header and zero-page offsets (boot.rst, zero-page.rst). */
#define HDR_SETUP_SECTS 0x1f1
#define HDR_BOOT_FLAG 0x1fe
#define HDR_JUMP 0x200
#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE 0x234
#define HDR_XLOADFLAGS 0x236
#define HDR_CMDLINE_SIZE 0x238
#define HDR_PREF_ADDRESS 0x258
#define HDR_INIT_SIZE 0x260
#define ZP_ACPI_RSDP_ADDR 0x070
#define ZP_EXT_RAMDISK_IMAGE 0x0c0
#define ZP_EXT_RAMDISK_SIZE 0x0c4
#define ZP_EXT_CMD_LINE_PTR 0x0c8
#define ZP_E820_ENTRIES 0x1e8
#define ZP_E820_TABLE 0x2d0
#define XLF_KERNEL_64 1u

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

int linux_parse_bzimage(const uint8_t *img, uint64_t size, struct linux_kernel_info *k, const char **why)
{
	memset(k, 0, sizeof *k);
	if (size < 0x270 || get16(img + HDR_BOOT_FLAG) != 0xaa55 || memcmp(img + HDR_MAGIC, "HdrS", 4)) {
		*why = "not a Linux bzImage (no boot flag or HdrS signature)";
		return -1;
	}
	k->version = get16(img + HDR_VERSION);
	if (k->version < 0x20c) {
		*why = "boot protocol older than 2.12 (no 64-bit entry point)";
		return -1;
	}
	unsigned sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
	k->setup_size = (sects + 1) * 512;
	k->header_end = HDR_MAGIC + img[HDR_JUMP + 1]; /* the header ends where its short jump lands */
	k->xloadflags = get16(img + HDR_XLOADFLAGS);
	k->initrd_addr_max = get32(img + HDR_INITRD_ADDR_MAX);
	k->kernel_alignment = get32(img + HDR_KERNEL_ALIGNMENT);
	k->relocatable = img[HDR_RELOCATABLE] != 0;
	k->cmdline_size = get32(img + HDR_CMDLINE_SIZE);
	k->pref_address = get64(img + HDR_PREF_ADDRESS);
	k->init_size = get32(img + HDR_INIT_SIZE);
	if (!(k->xloadflags & XLF_KERNEL_64)) {
		*why = "the kernel has no 64-bit entry point (XLF_KERNEL_64 clear)";
		return -1;
	}
	if (k->setup_size >= size || k->header_end > 0x400 || k->header_end < HDR_INIT_SIZE + 4) {
		*why = "setup header out of bounds";
		return -1;
	}
	k->payload_size = size - k->setup_size;
	if (k->init_size < k->payload_size)
		k->init_size = (uint32_t)k->payload_size;
	return 0;
}

static void sort_entries(struct e820_entry *e, unsigned n)
{
	for (unsigned i = 1; i < n; i++) /* insertion sort: a few dozen entries */
		for (unsigned j = i; j > 0 && e[j - 1].addr > e[j].addr; j--) {
			struct e820_entry t = e[j - 1];
			e[j - 1] = e[j];
			e[j] = t;
		}
}

static bool add(struct e820_entry *out, unsigned *n, unsigned max, uint64_t base, uint64_t end, uint32_t type)
{
	if (end <= base)
		return true;
	if (*n >= max)
		return false;
	out[(*n)++] = (struct e820_entry){ base, end - base, type };
	return true;
}

int linux_e820_build(const struct e820_entry *firmware, unsigned n_firmware, const struct linux_range *hidden,
		     unsigned n_hidden, const struct linux_range *reserved, unsigned n_reserved, struct e820_entry *out,
		     unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < n_firmware; i++) {
		uint64_t base = firmware[i].addr, end = base + firmware[i].size;
		if (firmware[i].type != E820_RAM) {
			if (!add(out, &n, max, base, end, firmware[i].type))
				return -1;
			continue;
		}
		/* RAM: walk it, cutting out the hidden ranges it meets (lowest first). */
		while (base < end) {
			uint64_t cut = end, cut_end = end;
			for (unsigned h = 0; h < n_hidden; h++) {
				uint64_t hb = hidden[h].base < base ? base : hidden[h].base;
				if (hidden[h].end > base && hb < end && hb < cut) {
					cut = hb;
					cut_end = hidden[h].end < end ? hidden[h].end : end;
				}
			}
			if (!add(out, &n, max, base, cut, E820_RAM) || !add(out, &n, max, cut, cut_end, E820_RESERVED))
				return -1;
			base = cut_end;
		}
	}
	for (unsigned i = 0; i < n_reserved; i++)
		if (!add(out, &n, max, reserved[i].base, reserved[i].end, E820_RESERVED))
			return -1;
	sort_entries(out, n);
	unsigned m = 0; /* merge touching entries of one type */
	for (unsigned i = 0; i < n; i++) {
		if (m && out[m - 1].type == out[i].type && out[m - 1].addr + out[m - 1].size == out[i].addr)
			out[m - 1].size += out[i].size;
		else
			out[m++] = out[i];
	}
	return (int)m;
}

void linux_fill_zero_page(uint8_t zp[LINUX_ZERO_PAGE_SIZE], const uint8_t *img, const struct linux_kernel_info *k,
			  const struct linux_boot_config *c)
{
	memset(zp, 0, LINUX_ZERO_PAGE_SIZE);
	memcpy(zp + HDR_SETUP_SECTS, img + HDR_SETUP_SECTS, k->header_end - HDR_SETUP_SECTS);
	zp[HDR_TYPE_OF_LOADER] = 0xff; /* a loader without an assigned ID */
	put32(zp + HDR_CMD_LINE_PTR, (uint32_t)c->cmdline_pa);
	put32(zp + ZP_EXT_CMD_LINE_PTR, (uint32_t)(c->cmdline_pa >> 32));
	put32(zp + HDR_RAMDISK_IMAGE, (uint32_t)c->initrd_pa);
	put32(zp + ZP_EXT_RAMDISK_IMAGE, (uint32_t)(c->initrd_pa >> 32));
	put32(zp + HDR_RAMDISK_SIZE, (uint32_t)c->initrd_size);
	put32(zp + ZP_EXT_RAMDISK_SIZE, (uint32_t)(c->initrd_size >> 32));
	put64(zp + ZP_ACPI_RSDP_ADDR, c->acpi_rsdp);
	unsigned n = c->n_e820 < LINUX_E820_MAX ? c->n_e820 : LINUX_E820_MAX;
	zp[ZP_E820_ENTRIES] = (uint8_t)n;
	memcpy(zp + ZP_E820_TABLE, c->e820, n * sizeof(struct e820_entry));
}
