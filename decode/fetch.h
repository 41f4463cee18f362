/*
 * Fetch and decode the instruction at the guest's CS:RIP, through the decode cache.
 * This is the first half of handling an EPT-misconfiguration (MMIO) exit; x86_emulate is the
 * second. The VM-exit instruction length is not used (undefined for these exits).
 */
#ifndef DECODE_FETCH_H
#define DECODE_FETCH_H
#include "decode/decode_cache.h"
#include "decode/linear.h"

/*
 * Returns X86_EMU_OK with *insn decoded; X86_EMU_FAULT with *fault to inject: #PF from the
 * fetch (only if the instruction needs bytes from the page that faulted), #GP(0) for a CS
 * limit or canonical violation or an instruction over 15 bytes, #UD for an unsupported
 * instruction; or X86_EMU_ERROR (instruction bytes not in guest memory). cache may be NULL.
 */
int x86_fetch_decode(const struct x86_linear_ctx *c, struct x86_dcache *cache,
		     struct x86_insn *insn, struct x86_fault *fault);

#endif
