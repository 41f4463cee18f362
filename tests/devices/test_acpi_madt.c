/* Host tests for devices/acpi_madt.c: the MADT copy keeps the boot processor and everything
 * that is not a processor, fixes length and checksum, and refuses malformed tables. */
#include "devices/acpi_madt.h"
#include "tests/check.h"
#include <string.h>

static uint8_t madt[256], out[256];
static uint32_t len;

static void add(const uint8_t *e, unsigned n)
{
	memcpy(madt + len, e, n);
	len += n;
}

static uint8_t sum(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static void build(void)
{
	memset(madt, 0, sizeof madt);
	memcpy(madt, "APIC", 4);
	madt[8] = 5;
	len = 44;
	static const uint8_t cpu0[] = { 0, 8, 0, 0, 1, 0, 0, 0 }, cpu1[] = { 0, 8, 1, 1, 1, 0, 0, 0 },
			     cpu2_off[] = { 0, 8, 2, 2, 0, 0, 0, 0 }, ioapic[] = { 1, 12, 2, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0 },
			     iso[] = { 2, 10, 0, 0, 2, 0, 0, 0, 0, 0 },
			     x2cpu[] = { 9, 16, 0, 0, 0x00, 0x01, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0 }, nmi[] = { 4, 6, 0xff, 0, 0, 1 };
	add(cpu0, 8);
	add(cpu1, 8);
	add(cpu2_off, 8);
	add(ioapic, 12);
	add(iso, 10);
	add(x2cpu, 16);
	add(nmi, 6);
	memcpy(madt + 4, &len, 4);
	madt[9] = (uint8_t)-sum(madt, len);
}

int main(void)
{
	unsigned hidden;
	build();
	uint32_t n = acpi_madt_keep_one_cpu(madt, len, out, sizeof out, 0, &hidden);
	uint32_t olen;
	memcpy(&olen, out + 4, 4);
	CHECK(n == len - 8 - 8 - 16 && olen == n && sum(out, n) == 0 && out[44] == 0 && out[47] == 0 && out[52] == 1 &&
	      out[64] == 2 && out[74] == 4 && hidden == 2,
	      "MADT: APIC ID 0 kept; the other local APIC and the x2APIC processor dropped (2 usable hidden, 1 disabled); "
	      "IOAPIC, override, NMI kept; length and checksum right (%u bytes)", n);
	n = acpi_madt_keep_one_cpu(madt, len, out, sizeof out, 0x100, &hidden);
	CHECK(n == len - 24 && hidden == 2 && out[44] == 1 && out[44 + 12 + 10] == 9, "MADT: an x2APIC boot processor keeps its x2APIC entry only");
	CHECK(acpi_madt_keep_one_cpu(madt, len, out, len - 1, 0, &hidden) == 0, "MADT: output too small: refused");
	madt[44 + 1] = 0;
	CHECK(acpi_madt_keep_one_cpu(madt, len, out, sizeof out, 0, &hidden) == 0, "MADT: an entry of length 0: refused");
	build();
	madt[44 + 8 + 8 + 8 + 1] = 200;
	CHECK(acpi_madt_keep_one_cpu(madt, len, out, sizeof out, 0, &hidden) == 0, "MADT: an entry running past the end: refused");
	build();
	uint32_t wrong = len + 4;
	memcpy(madt + 4, &wrong, 4);
	CHECK(acpi_madt_keep_one_cpu(madt, len, out, sizeof out, 0, &hidden) == 0, "MADT: length field disagrees: refused");
	return CHECK_DONE();
}
