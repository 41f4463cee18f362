/* The IO bitmaps and MSR bitmap (SDM 25.6.4, 25.6.9): one bit per port or MSR, set = VM exit.
 * Everything not intercepted runs on the hardware with no exit: passed-through devices' ports
 * cost nothing. */
#ifndef VMX_BITMAPS_H
#define VMX_BITMAPS_H
#include <stdbool.h>
#include <stdint.h>

void bitmaps_init(void);
uint64_t io_bitmap_a_pa(void);
uint64_t io_bitmap_b_pa(void);
uint64_t msr_bitmap_pa(void);
/* Ports [port, port+count) exit (or stop exiting). */
void io_intercept(uint16_t port, unsigned count, bool on);
bool io_intercepted(uint16_t port);
/* Reads and/or writes of an MSR exit. MSRs outside 0-0x1fff and 0xc0000000-0xc0001fff always exit. */
void msr_intercept(uint32_t msr, bool read, bool write);
#endif
