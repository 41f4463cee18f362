/* The guest's copy of the ACPI MADT with only the boot processor (ACPI 6.4 §5.2.12): the
 * hypervisor runs one vCPU on the boot processor; a guest that saw the other processors would
 * start them with INIT/SIPI through the real local APIC, and they would run its code natively,
 * outside VMX. Pure C, host-tested. */
#ifndef DEVICES_ACPI_MADT_H
#define DEVICES_ACPI_MADT_H
#include <stdint.h>

/*
 * Copies the MADT (madt, len bytes, header included) to out without the Processor Local APIC
 * (type 0) and Processor Local x2APIC (type 9) entries of processors other than the one with
 * APIC ID keep_id, fixing length and checksum. *hidden counts the processors left out that
 * were usable (Enabled or Online Capable). Returns the copy's length, or 0 if out_cap is too
 * small or the table is malformed (then nothing useful is in out).
 */
uint32_t acpi_madt_keep_one_cpu(const uint8_t *madt, uint32_t len, uint8_t *out, uint32_t out_cap, uint32_t keep_id,
				unsigned *hidden);
#endif
