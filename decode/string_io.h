/*
 * String port I/O: INS and OUTS, with or without REP (SDM vol.2 INS/INSB/INSW/INSD,
 * OUTS/OUTSB/OUTSW/OUTSD, REP). A VM exit for one of them (SDM vol.3C 28.1.3, exit
 * qualification table 28-5; instruction information table 28-8) says the port, the size, the
 * direction, REP, the address size and the segment; the memory side needs the guest's
 * segmentation and paging, so it is emulated here over the same linear-access ops as
 * x86_emulate. Pure C, host-testable.
 *
 * Semantics, per iteration: OUTS reads [seg:rSI] then writes the port; INS reads the port then
 * writes ES:[rDI] (the destination segment cannot be overridden). rSI/rDI move by the size,
 * down when RFLAGS.DF is set, wrapping at the address size; with REP, rCX counts down and a
 * count of 0 does nothing. The privilege checks (CPL > IOPL and the TSS I/O bitmap) were done
 * by the CPU before the VM exit (SDM vol.3C 26.1.1).
 */
#ifndef DECODE_STRING_IO_H
#define DECODE_STRING_IO_H
#include "decode/emulate.h"

struct x86_port_ops {
	uint64_t (*in)(void *ctx, uint16_t port, unsigned size);
	void (*out)(void *ctx, uint16_t port, unsigned size, uint64_t value);
};

struct x86_string_io {
	uint16_t port;
	uint8_t size;     /* 1, 2 or 4 bytes per element */
	uint8_t addrsize; /* 2, 4 or 8 */
	uint8_t seg;      /* OUTS: the source segment (DS unless overridden); INS: ignored (ES) */
	uint8_t len;      /* instruction length (defined for I/O exits, SDM vol.3C 28.2.5) */
	bool in, rep;
};

/*
 * Runs at most max_rep iterations (0: X86_EMU_DEFAULT_MAX_REP). Returns X86_EMU_OK with the
 * registers updated and RIP past the instruction (RF cleared) when it is complete, or RIP
 * unchanged when iterations remain (the guest re-executes it); X86_EMU_FAULT with *fault to
 * inject, iterations done before the fault kept (as the CPU does); X86_EMU_ERROR if a memory
 * callback failed for a non-architectural reason.
 */
int x86_string_io(const struct x86_string_io *io, struct x86_regs *r, const struct x86_emu_ops *mem,
		  const struct x86_port_ops *ports, void *ctx, unsigned max_rep, struct x86_fault *fault);

/*
 * Address size and OUTS segment from the instruction's prefixes (67, segment overrides), for
 * CPUs whose VM exits do not report them (IA32_VMX_BASIC bit 54 clear). bytes: the
 * instruction (n of them). Returns false if they are not a string I/O instruction.
 */
bool x86_string_io_prefixes(const uint8_t *bytes, unsigned n, enum x86_mode mode, uint8_t *addrsize, uint8_t *seg);

#endif
