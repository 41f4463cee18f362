/*
 * The notify instruction: a fixed encoding the hypervisor recognises by its bytes, without
 * a decode (docs/decoder.md "Notify instruction").
 *
 *   89 02    mov [rdx], eax   (32- and 64-bit mode, no prefixes)
 *
 * A driver emits it with inline asm: asm volatile("movl %0, (%1)" :: "a"(val), "d"(addr));
 * It is a plain 4-byte store, so the same driver works unchanged on bare metal. On an
 * EPT-misconfiguration exit the hypervisor already has the guest-physical address from the
 * VMCS and the CPU has already done segmentation and paging for the store, so the fast path is
 * exact: write EAX (4 bytes) to that GPA and advance RIP by 2.
 */
#ifndef DECODE_NOTIFY_H
#define DECODE_NOTIFY_H
#include <stdbool.h>
#include <stddef.h>
#include "decode/x86_regs.h"

#define X86_NOTIFY_BYTE0 0x89
#define X86_NOTIFY_BYTE1 0x02
#define X86_NOTIFY_LEN 2
#define X86_NOTIFY_SIZE 4 /* bytes stored */

/* True if bytes (n of them, fetched at RIP) begin with the notify instruction in this mode. */
static inline bool x86_notify_match(const uint8_t *bytes, size_t n, enum x86_mode mode)
{
	return n >= X86_NOTIFY_LEN && mode != X86_MODE_16 && bytes[0] == X86_NOTIFY_BYTE0 &&
	       bytes[1] == X86_NOTIFY_BYTE1;
}

/* The value stored: EAX. */
static inline uint32_t x86_notify_value(const struct x86_regs *r)
{
	return (uint32_t)r->gpr[0];
}

/* Completes the instruction after the store: RIP += 2 (wrapping in 32-bit mode), RF cleared. */
static inline void x86_notify_complete(struct x86_regs *r, enum x86_mode mode)
{
	uint64_t next = r->rip + X86_NOTIFY_LEN;
	r->rip = mode == X86_MODE_64 ? next : (uint32_t)next;
	r->rflags &= ~X86_FL_RF;
}

#endif
