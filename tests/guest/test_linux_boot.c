/* Host tests for guest/linux_boot.c: the setup header of a synthetic bzImage, refusals, the
 * E820 map with the hypervisor's memory cut out, and the zero page's fields. */
#include "guest/linux_boot.h"
#include "tests/check.h"
#include <stdlib.h>
#include <string.h>

static uint8_t img[8192];

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* A bzImage header like Debian 12's kernel: 39 setup sectors, protocol 2.15, 64-bit entry. */
static void make_image(void)
{
	memset(img, 0, sizeof img);
	img[0x1f1] = 3; /* setup sectors: the payload starts at 4 * 512 */
	put16(img + 0x1fe, 0xaa55);
	img[0x200] = 0xeb;
	img[0x201] = 0x6a; /* jmp to 0x26c: the header ends there */
	memcpy(img + 0x202, "HdrS", 4);
	put16(img + 0x206, 0x20f);
	img[0x211] = 1; /* LOADED_HIGH */
	put32(img + 0x22c, 0x7fffffff);
	put32(img + 0x230, 0x200000);
	img[0x234] = 1;
	put16(img + 0x236, 0x7f);
	put32(img + 0x238, 2047);
	put64(img + 0x258, 0x1000000);
	put32(img + 0x260, 0x3378000);
	memset(img + 2048, 0x90, sizeof img - 2048);
}

int main(void)
{
	struct linux_kernel_info k;
	const char *why = "";
	make_image();
	int rc = linux_parse_bzimage(img, sizeof img, &k, &why);
	CHECK(rc == 0 && k.setup_size == 2048 && k.payload_size == sizeof img - 2048 && k.version == 0x20f &&
	      k.kernel_alignment == 0x200000 && k.relocatable && k.init_size == 0x3378000 && k.cmdline_size == 2047 &&
	      k.pref_address == 0x1000000 && k.initrd_addr_max == 0x7fffffff && k.header_end == 0x26c,
	      "bzImage: setup header fields (%s)", why);
	img[0x1f1] = 0;
	CHECK(linux_parse_bzimage(img, sizeof img, &k, &why) == 0 && k.setup_size == 5 * 512, "bzImage: 0 setup sectors means 4");
	make_image();
	img[0x203] = 'x';
	bool bad_magic = linux_parse_bzimage(img, sizeof img, &k, &why) == -1;
	make_image();
	put16(img + 0x206, 0x20b);
	bool old = linux_parse_bzimage(img, sizeof img, &k, &why) == -1;
	make_image();
	put16(img + 0x236, 0x7e);
	bool no64 = linux_parse_bzimage(img, sizeof img, &k, &why) == -1;
	make_image();
	bool tiny = linux_parse_bzimage(img, 0x200, &k, &why) == -1 && linux_parse_bzimage(img, 2048, &k, &why) == -1;
	CHECK(bad_magic && old && no64 && tiny, "bzImage: refused without HdrS, before protocol 2.12, without a 64-bit entry, truncated");

	/* E820: firmware map with RAM, reserved and ACPI; hidden hypervisor ranges inside RAM */
	make_image();
	linux_parse_bzimage(img, sizeof img, &k, &why);
	const struct e820_entry fw[] = {
		{ 0, 0x9fc00, E820_RAM }, { 0x9fc00, 0x400, E820_RESERVED }, { 0xe8000, 0x18000, E820_RESERVED },
		{ 0x100000, 0x7ef0000, E820_RAM }, { 0x7ff0000, 0x10000, E820_ACPI }, { 0xfffc0000, 0x40000, E820_RESERVED },
	};
	const struct linux_range hidden[] = { { 0x100000, 0x180000 }, { 0x7800000, 0x8000000 }, { 0x200000, 0x300000 } };
	const struct linux_range ecam[] = { { 0xe0000000, 0xe0100000 } };
	struct e820_entry map[LINUX_E820_MAX];
	int n = linux_e820_build(fw, 6, hidden, 3, ecam, 1, map, LINUX_E820_MAX);
	const struct e820_entry want[] = {
		{ 0, 0x9fc00, E820_RAM }, { 0x9fc00, 0x400, E820_RESERVED },
		{ 0xe8000, 0x98000, E820_RESERVED }, /* the BIOS area and the hidden range after it, merged */
		{ 0x180000, 0x80000, E820_RAM }, { 0x200000, 0x100000, E820_RESERVED },
		{ 0x300000, 0x7500000, E820_RAM }, { 0x7800000, 0x7f0000, E820_RESERVED }, { 0x7ff0000, 0x10000, E820_ACPI },
		{ 0xe0000000, 0x100000, E820_RESERVED }, { 0xfffc0000, 0x40000, E820_RESERVED },
	};
	bool same = n == (int)(sizeof want / sizeof want[0]);
	for (int i = 0; same && i < n; i++)
		same = map[i].addr == want[i].addr && map[i].size == want[i].size && map[i].type == want[i].type;
	CHECK(same, "e820: hidden ranges cut out of RAM and reserved, extra reserved ranges added, sorted (%d entries)", n);
	const struct e820_entry two_ram[] = { { 0, 0x1000, E820_RAM }, { 0x1000, 0x1000, E820_RAM } };
	n = linux_e820_build(two_ram, 2, 0, 0, 0, 0, map, LINUX_E820_MAX);
	CHECK(n == 1 && map[0].size == 0x2000, "e820: touching entries of one type are merged");
	CHECK(linux_e820_build(fw, 6, hidden, 3, ecam, 1, map, 5) == -1, "e820: too many entries is an error");

	/* zero page */
	n = linux_e820_build(fw, 6, hidden, 3, ecam, 1, map, LINUX_E820_MAX);
	static uint8_t zp[LINUX_ZERO_PAGE_SIZE];
	memset(zp, 0xcc, sizeof zp);
	struct linux_boot_config c = { 0x11000, 0x17000000, 0x123456, 0xf0000, map, (unsigned)n };
	linux_fill_zero_page(zp, img, &k, &c);
	CHECK(memcmp(zp + 0x202, "HdrS", 4) == 0 && zp[0x210] == 0xff && get32(zp + 0x228) == 0x11000 &&
	      get32(zp + 0x218) == 0x17000000 && get32(zp + 0x21c) == 0x123456 && get64(zp + 0x070) == 0xf0000 &&
	      zp[0x1e8] == n && get64(zp + 0x2d0) == 0 && get64(zp + 0x2d0 + 20 * 3 + 8) == 0x80000 &&
	      get32(zp + 0x2d0 + 20 * 3 + 16) == E820_RAM && zp[0x26c] == 0 && zp[0] == 0 && get32(zp + 0x0c0) == 0,
	      "zero page: header copied, loader type, command line, initrd, RSDP, E820, the rest zero");
	c.cmdline_pa = 0x123456789ull;
	c.initrd_pa = 0x100000000ull;
	linux_fill_zero_page(zp, img, &k, &c);
	CHECK(get32(zp + 0x228) == 0x23456789 && get32(zp + 0x0c8) == 1 && get32(zp + 0x218) == 0 && get32(zp + 0x0c0) == 1,
	      "zero page: addresses above 4 GiB use the ext_ fields");
	return CHECK_DONE();
}
