/*
 * The emulator's guest-physical accesses (decode/linear.h's struct x86_phys_ops), by what backs
 * the address in EPT: guest RAM in place, emulated devices through the MMIO range table,
 * read-only memory (hidden memory, the ACPI page) with writes dropped, nothing (reads as ones).
 * Stores into guest RAM go past EPT, so they are reported to the write watches
 * (ept/write_watch.h). A page walk can be recorded: the caches watch the pages it read.
 */
#ifndef VMX_GUEST_PHYS_H
#define VMX_GUEST_PHYS_H
#include <stdint.h>
#include "decode/linear.h"

extern const struct x86_phys_ops guest_phys_data;  /* data accesses: devices included */
extern const struct x86_phys_ops guest_phys_fetch; /* instruction fetch, paging structures: never devices */

void guest_phys_read(uint64_t gpa, void *buf, unsigned n);
void guest_phys_write(uint64_t gpa, const void *buf, unsigned n);

#define GUEST_PHYS_WALK_MAX 5 /* paging entries of the deepest walk (5-level paging) */
/* Records the paging-entry addresses read from now on (a page walk)... */
void guest_phys_walk_begin(void);
/* ...until here: *gpa receives them, the count is returned. */
unsigned guest_phys_walk_end(const uint64_t **gpa);
#endif
