/*
 * Guest page-table walker (SDM vol.3A ch.4): paging off, 32-bit (with 4 MiB PSE pages),
 * PAE, 4-level and 5-level paging. Pure C, host-testable: guest-physical memory is reached
 * through struct x86_phys_ops. Sets accessed bits (and the dirty bit on writes) as the CPU
 * does (4.8), checks U/S, R/W with CR0.WP, NX with EFER.NXE, SMEP/SMAP, reserved bits, and
 * returns the #PF error code (P W U RSVD I, 4.7) and CR2 on failure.
 *
 * Not modelled: protection keys, PAE PDPTE registers (PDPTEs are read from memory at CR3; the
 * VMCS copies are equal unless the guest changed them without reloading CR3), HLAT.
 */
#ifndef DECODE_PAGEWALK_H
#define DECODE_PAGEWALK_H
#include "decode/x86_regs.h"

struct x86_phys_ops {
	/* Reads / writes n bytes of guest-physical memory; [gpa, gpa+n) never crosses a 4 KiB
	 * page. Return 0, or non-zero if there is no memory (the caller gets X86_EMU_ERROR). */
	int (*read)(void *ctx, uint64_t gpa, void *buf, unsigned n);
	int (*write)(void *ctx, uint64_t gpa, const void *buf, unsigned n);
	/* Atomically ORs `bits` into the naturally aligned 4- or 8-byte paging entry at gpa
	 * (accessed/dirty updates; a locked OR in the hypervisor). Return 0 or non-zero. */
	int (*set_bits)(void *ctx, uint64_t gpa, unsigned size, uint64_t bits);
};

/* x86_translate access flags */
#define X86_XLAT_WRITE      1u
#define X86_XLAT_FETCH      2u
#define X86_XLAT_SUPERVISOR 4u /* implicit supervisor access (e.g. descriptor tables) */

/*
 * Translates linear address la for an access by the vCPU in state r (CR0 CR3 CR4 EFER, CPL,
 * RFLAGS.AC, maxphyaddr). Returns X86_EMU_OK with *gpa set, X86_EMU_FAULT with #PF in
 * *fault, or X86_EMU_ERROR when a paging structure is not in readable guest memory.
 */
int x86_translate(const struct x86_regs *r, const struct x86_phys_ops *ops, void *ctx,
		  uint64_t la, unsigned access, uint64_t *gpa, struct x86_fault *fault);

#endif
