/* Reading the ACPI soft-off (S5) sleep type from a DSDT and recognising the write that enters
 * it (ACPI 6.4 §4.8.3.2.1 PM1 control register: SLP_TYP bits 12:10, SLP_EN bit 13; §7.4.2
 * \_S5 package; AML encodings §20.2). Pure C, host-tested. */
#ifndef DEVICES_ACPI_S5_H
#define DEVICES_ACPI_S5_H
#include <stdbool.h>
#include <stdint.h>

#define ACPI_PM1_SLP_EN (1u << 13)

/* SLP_TYPa of \_S5 in the AML of a DSDT (header included), or -1 if it has none. */
int acpi_s5_slp_typ(const uint8_t *dsdt, uint32_t len);

/* True if `value` written to PM1a_CNT enters S5 (slp_typ from acpi_s5_slp_typ). */
static inline bool acpi_pm1_enters_s5(uint16_t value, int slp_typ)
{
	return (value & ACPI_PM1_SLP_EN) && slp_typ >= 0 && ((value >> 10) & 7) == (unsigned)slp_typ;
}
#endif
