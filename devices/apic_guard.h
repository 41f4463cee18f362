/* Keeping the guest from starting the other processors (devices/apic_guard.c). */
#ifndef DEVICES_APIC_GUARD_H
#define DEVICES_APIC_GUARD_H
#include <stdbool.h>
#include <stdint.h>

#define MSR_X2APIC_ICR 0x830

/* After the EPT exists: the xAPIC page read-only with writes emulated, WRMSR 830H trapped. */
void apic_guard_init(void);
/* A WRMSR to IA32_APIC_BASE: true if it keeps the base (enable and x2APIC bits may change);
 * false (logged) if it would move the APIC: the caller injects #GP. */
bool apic_guard_base_allowed(uint64_t value);
#define MSR_IA32_APIC_BASE 0x1b
/* False for an INIT or start-up IPI (logged once): the write must be dropped. */
bool apic_guard_icr_allowed(uint64_t icr);
#endif
