/* The MADT with one processor (see acpi_madt.h). */
#include "devices/acpi_madt.h"
#include "lib/string.h"
#include <stdbool.h>

#define MADT_HEADER 44 /* the table header, local interrupt controller address, flags */
#define LOCAL_APIC 0
#define LOCAL_X2APIC 9
#define ENABLED_OR_ONLINE_CAPABLE 3u /* flags bits 0 and 1 (§5.2.12.2) */

static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

uint32_t acpi_madt_keep_one_cpu(const uint8_t *madt, uint32_t len, uint8_t *out, uint32_t out_cap, uint32_t keep_id,
				unsigned *hidden)
{
	*hidden = 0;
	if (len < MADT_HEADER || len > out_cap || get32(madt + 4) != len)
		return 0;
	memcpy(out, madt, MADT_HEADER);
	uint32_t n = MADT_HEADER;
	for (uint32_t at = MADT_HEADER; at < len;) {
		const uint8_t *e = madt + at;
		if (len - at < 2 || e[1] < 2 || e[1] > len - at)
			return 0; /* an entry that does not fit */
		uint32_t id = 0, flags = 0;
		bool cpu = false;
		if (e[0] == LOCAL_APIC && e[1] >= 8) { /* UID, APIC ID, flags (§5.2.12.2) */
			cpu = true;
			id = e[3];
			flags = get32(e + 4);
		} else if (e[0] == LOCAL_X2APIC && e[1] >= 16) { /* reserved, x2APIC ID, flags (§5.2.12.12) */
			cpu = true;
			id = get32(e + 4);
			flags = get32(e + 8);
		}
		if (cpu && id != keep_id) {
			*hidden += (flags & ENABLED_OR_ONLINE_CAPABLE) != 0;
		} else {
			memcpy(out + n, e, e[1]);
			n += e[1];
		}
		at += e[1];
	}
	memcpy(out + 4, &n, 4);
	uint8_t sum = 0;
	out[9] = 0;
	for (uint32_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + out[i]);
	out[9] = (uint8_t)-sum;
	return n;
}
