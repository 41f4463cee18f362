/*
 * MMIO instruction emulator: executes one decoded instruction (struct x86_insn) against guest
 * register state and an access interface. Pure C, no hypervisor dependencies, no SSE in C.
 *
 * ABI (docs/decoder.md "Emulator ABI"):
 *  - The emulator does segmentation itself (limits, types, canonical checks, FS/GS bases;
 *    SDM vol.3A 3.4, 5.3, 3.3.7.1) and passes guest LINEAR addresses to ops->read/write,
 *    which translate (e.g. decode/linear.h over decode/pagewalk.h) and access RAM or devices.
 *  - Results: X86_EMU_OK (registers, RIP and RFLAGS updated), X86_EMU_FAULT (inject *fault;
 *    registers reflect the state the CPU would have at the fault: RIP unchanged, REP string
 *    iterations already done are kept), X86_EMU_ERROR (a callback failed for a
 *    non-architectural reason; nothing meaningful to inject).
 *  - REP string instructions run at most max_rep iterations per call; when iterations remain,
 *    RIP is left unchanged so the guest re-executes the instruction and exits again.
 *  - Register writes follow x86 rules: 32-bit writes zero bits 63:32, 8/16-bit writes merge.
 *  - XMM registers are read and written through get_xmm/set_xmm (the hypervisor's C is built
 *    with -mgeneral-regs-only; the callback saves/restores the guest's XMM state).
 *  - Not modelled: alignment checking (#AC), TF single-step traps, debug breakpoints,
 *    protection keys, interrupt shadow (the caller clears blocking-by-STI/MOV-SS on success).
 */
#ifndef DECODE_EMULATE_H
#define DECODE_EMULATE_H
#include "decode/x86_decode.h"
#include "decode/alu.h"

enum x86_emu_status {
	X86_EMU_OK = 0,
	X86_EMU_FAULT = 1, /* *fault holds the exception to inject */
	X86_EMU_ERROR = 2, /* a callback could not complete the access (not a guest fault) */
};

/* ops->read flags */
#define X86_EMU_RMW 1u /* read half of a read-modify-write: translate for write (SDM vol.3A 4.6) */

struct x86_emu_ops {
	/* Reads `size` (1 2 4 8 16) bytes at guest linear address la into buf (little-endian).
	 * The access may cross a page boundary; it must fault before any side effect.
	 * Returns X86_EMU_OK, X86_EMU_FAULT with *fault filled (#PF: error code, cr2), or X86_EMU_ERROR. */
	int (*read)(void *ctx, uint64_t la, void *buf, unsigned size, unsigned flags,
		    struct x86_fault *fault);
	/* Writes `size` bytes at la; same contract (translate every page before writing any). */
	int (*write)(void *ctx, uint64_t la, const void *buf, unsigned size, struct x86_fault *fault);
	/* Guest XMM register `reg` (0-15) as 16 little-endian bytes. Needed only for SSE forms. */
	void (*get_xmm)(void *ctx, unsigned reg, uint8_t val[16]);
	void (*set_xmm)(void *ctx, unsigned reg, const uint8_t val[16]);
};

#define X86_EMU_DEFAULT_MAX_REP 64

/* Fills *f with `vector` (error code 0 when it has one) and returns X86_EMU_FAULT. */
static inline int x86_fault_raise(struct x86_fault *f, unsigned vector, bool has_error_code)
{
	f->vector = (uint8_t)vector;
	f->has_error_code = has_error_code;
	f->error_code = 0;
	f->cr2 = 0;
	return X86_EMU_FAULT;
}

/*
 * Executes `in` (decoded in the guest's current mode, x86_regs_mode(r)) on r.
 * max_rep: iteration bound for REP string instructions (0 means X86_EMU_DEFAULT_MAX_REP).
 */
int x86_emulate(const struct x86_insn *in, struct x86_regs *r, const struct x86_emu_ops *ops,
		void *ctx, unsigned max_rep, struct x86_fault *fault);

/*
 * Segmentation of one data access (used by x86_emulate, exposed for tests and callers):
 * offset `ea` in segment `seg`, `size` bytes, `write` access. Returns X86_EMU_OK with *la set,
 * or X86_EMU_FAULT with #GP(0) / #SS(0) in *fault.
 */
int x86_seg_linear(const struct x86_regs *r, enum x86_mode mode, unsigned seg, uint64_t ea,
		   unsigned size, bool write, uint64_t *la, struct x86_fault *fault);

/* A register operand as struct x86_insn names it (GPR 0-15, AH..BH as 16-19) of `size` bytes;
 * writes follow x86 rules: 64-bit replace, 32-bit zero-extend, 8/16-bit merge (SDM vol.1 3.4.1.1).
 * Inline: the hypervisor's MMIO hot path uses them. */
static inline uint64_t x86_reg_get(const struct x86_regs *r, unsigned reg, unsigned size)
{
	if (reg >= X86_REG_AH)
		return (r->gpr[reg - X86_REG_AH] >> 8) & 0xff;
	return r->gpr[reg] & x86_size_mask(size);
}

static inline void x86_reg_set(struct x86_regs *r, unsigned reg, unsigned size, uint64_t v)
{
	if (reg >= X86_REG_AH) {
		uint64_t *g = &r->gpr[reg - X86_REG_AH];
		*g = (*g & ~0xff00ull) | ((v & 0xff) << 8);
		return;
	}
	uint64_t *g = &r->gpr[reg];
	if (size == 8) {
		*g = v;
	} else if (size == 4) {
		*g = (uint32_t)v;
	} else {
		uint64_t m = x86_size_mask(size);
		*g = (*g & ~m) | (v & m);
	}
}

/* Effective address (offset within the segment) of the ModRM / moffs memory operand. */
uint64_t x86_effective_address(const struct x86_insn *in, const struct x86_regs *r);

#endif
