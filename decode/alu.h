/* Integer ALU with RFLAGS exactly as the CPU computes them (SDM vol.1 3.4.3.1, appendix A;
 * vol.2 per-instruction "Flags Affected"). Pure C, host-testable against the host CPU. */
#ifndef DECODE_ALU_H
#define DECODE_ALU_H
#include <stdint.h>

/*
 * Computes `dst OP src` at `size` bytes (1 2 4 8) for op one of X86_OP_ADD OR ADC SBB AND SUB
 * XOR CMP TEST INC DEC NEG NOT (enum x86_op) and updates the status flags in *rflags:
 *   ADD ADC SUB SBB CMP NEG: CF PF AF ZF SF OF (ADC/SBB consume CF)
 *   INC DEC: PF AF ZF SF OF, CF unchanged
 *   AND OR XOR TEST: CF=OF=0, PF ZF SF from the result; AF is undefined in the SDM, we clear it
 *   NOT: no flags
 * Returns the result masked to size (CMP: dst - src, TEST: dst & src; the caller discards it).
 * For INC DEC NEG NOT, src is ignored.
 */
uint64_t x86_alu(unsigned op, unsigned size, uint64_t dst, uint64_t src, uint64_t *rflags);

static inline uint64_t x86_size_mask(unsigned bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
}

#endif
