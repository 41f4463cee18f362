/* Host tests for devices/acpi_s5.c: \_S5 packages as firmware writes them, and the PM1 write
 * that enters S5. */
#include "devices/acpi_s5.h"
#include "tests/check.h"
#include <string.h>

static uint8_t table[256];

/* A DSDT whose AML is `aml` after the 36-byte header. */
static uint32_t dsdt(const uint8_t *aml, unsigned n)
{
	memset(table, 0, sizeof table);
	memcpy(table, "DSDT", 4);
	memcpy(table + 36, aml, n);
	return 36 + n;
}

int main(void)
{
	/* Name (\_S5, Package (0x04) { Zero, Zero, Zero, Zero }) as in Bochs's and SeaBIOS's tables */
	static const uint8_t bochs[] = { 0x10, 0x05, 0x5c, 0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00 };
	/* Name (_S5, Package () { 0x07, 0x07 }) with BytePrefix; and with a 2-byte PkgLength */
	static const uint8_t byte_prefix[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x02, 0x0a, 0x07, 0x0a, 0x07 };
	static const uint8_t long_pkg[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x48, 0x00, 0x02, 0x01, 0x0a, 0x05 };
	static const uint8_t no_s5[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0x0a, 0x02 };
	static const uint8_t truncated[] = { 0x08, '_', 'S', '5', '_', 0x12 };
	int a = acpi_s5_slp_typ(table, dsdt(bochs, sizeof bochs));
	int b = acpi_s5_slp_typ(table, dsdt(byte_prefix, sizeof byte_prefix));
	int c = acpi_s5_slp_typ(table, dsdt(long_pkg, sizeof long_pkg));
	int d = acpi_s5_slp_typ(table, dsdt(no_s5, sizeof no_s5));
	int e = acpi_s5_slp_typ(table, dsdt(truncated, sizeof truncated));
	CHECK(a == 0 && b == 7 && c == 1 && d == -1 && e == -1, "\\_S5: Zero, BytePrefix, 2-byte PkgLength, absent, truncated (%d %d %d %d %d)",
	      a, b, c, d, e);
	CHECK(acpi_pm1_enters_s5(0x2000, 0) && acpi_pm1_enters_s5(0x3c01, 7) && !acpi_pm1_enters_s5(0x0000, 0) &&
	      !acpi_pm1_enters_s5(0x2400, 0) && !acpi_pm1_enters_s5(0x2000, -1),
	      "PM1a_CNT: SLP_EN with the S5 type enters S5; other types, no SLP_EN or no \\_S5 do not");
	return CHECK_DONE();
}
