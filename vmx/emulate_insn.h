/* Emulating the guest instruction that made an access the EPT does not let run on the hardware:
 * emulated MMIO (misconfiguration exits) and writes to hidden hypervisor memory. The bytes are
 * fetched through the guest's own page tables and decoded by decode/ — the exit's instruction
 * length is not trusted (undefined for these exits, SDM 28.2.5). */
#ifndef VMX_EMULATE_INSN_H
#define VMX_EMULATE_INSN_H
#include "vmx/vcpu.h"

/* Fetches, decodes and emulates the instruction at the guest's RIP, completing every memory
 * access by its guest-physical kind: RAM directly, emulated MMIO through the MMIO range table,
 * hidden or unbacked memory as all ones with writes dropped. Injects #UD, #GP, #SS or #PF where
 * the hardware would. Never fails the hypervisor. */
void emulate_current_instruction(struct vcpu *v);

/* INS/OUTS (with or without REP) to an emulated port, against the port range table: the memory
 * side through the guest's segmentation and paging, faults injected. io->addrsize 0: not known
 * from the exit, read from the instruction's prefixes. At most 64 iterations per exit; the guest
 * re-executes the instruction for the rest. */
struct x86_string_io;
void emulate_string_io(struct vcpu *v, struct x86_string_io *io);

struct emulation_stats {
	uint64_t emulated, mov_fast, notify, unsupported, faults, xlat_hits, xlat_misses;
};
extern struct emulation_stats emulation_stats;
void emulate_init(void);
/* The decode cache on (the default) or off: off, every MMIO exit decodes its instruction afresh
 * (nothing is cached or looked up; the code-page translations still are). Returns the previous
 * setting. */
bool emulate_set_decode_cache(bool on);
/* trace=mmio: a log line for every emulated MMIO instruction (keeps the decode cache off). */
void emulate_set_trace(bool on);
/* The MMIO lines of the exit statistics: emulations, fast paths, cache hit rates. */
void emulation_print_stats(void);
#endif
