/* \_S5 in a DSDT (see acpi_s5.h). */
#include "devices/acpi_s5.h"

/* An AML integer data object at p: ZeroOp, OneOp, BytePrefix n (§20.2.3); -1 otherwise. */
static int aml_small_int(const uint8_t *p, const uint8_t *end)
{
	if (p >= end)
		return -1;
	if (p[0] == 0x00 || p[0] == 0x01)
		return p[0];
	if (p[0] == 0x0a && p + 1 < end)
		return p[1];
	return -1;
}

int acpi_s5_slp_typ(const uint8_t *dsdt, uint32_t len)
{
	const uint8_t *end = dsdt + len;
	for (const uint8_t *p = dsdt + 36; p + 4 <= end; p++) { /* the AML after the table header */
		if (p[0] != '_' || p[1] != 'S' || p[2] != '5' || p[3] != '_')
			continue;
		/* NameOp (08) [root prefix '\'] _S5_ PackageOp (12) PkgLength NumElements elements */
		const uint8_t *q = p + 4;
		if (q >= end || *q != 0x12)
			continue;
		q++;
		if (q >= end)
			return -1;
		q += 1 + (*q >> 6); /* PkgLength: bits 7:6 count the bytes that follow the first */
		q++;                /* NumElements */
		return aml_small_int(q, end);
	}
	return -1;
}
