/*
 * Guest linear-address access over the page walker: the ready-made read/write callbacks for
 * struct x86_emu_ops, and instruction fetch. Accesses that cross a page are translated page by
 * page and fault before any byte is touched (SDM vol.3A 4.7: the fault is for the first page
 * that cannot be accessed).
 */
#ifndef DECODE_LINEAR_H
#define DECODE_LINEAR_H
#include "decode/emulate.h"
#include "decode/pagewalk.h"

struct x86_linear_ctx {
	const struct x86_regs *regs;       /* paging state: CR0 CR3 CR4 EFER CPL RFLAGS.AC */
	const struct x86_phys_ops *phys;   /* guest-physical RAM and MMIO */
	void *phys_ctx;
	void *user;                        /* for the caller's get_xmm / set_xmm */
	/* Optional: translates instead of x86_translate (e.g. a caller's validated translation
	 * cache); same contract as x86_translate. NULL: walk the guest's tables every time. */
	int (*translate)(const struct x86_linear_ctx *c, uint64_t la, unsigned access, uint64_t *gpa,
			 struct x86_fault *fault);
};

/* struct x86_emu_ops callbacks; ctx is a struct x86_linear_ctx *. */
int x86_linear_read(void *ctx, uint64_t la, void *buf, unsigned size, unsigned flags,
		    struct x86_fault *fault);
int x86_linear_write(void *ctx, uint64_t la, const void *buf, unsigned size,
		     struct x86_fault *fault);

/*
 * Instruction fetch of up to n (<= 15) bytes at la. Fetches page by page and stops at the
 * first page that cannot be fetched: returns the number of bytes fetched and, if fewer than
 * n, the reason in *rc (X86_EMU_FAULT with *fault, or X86_EMU_ERROR). The caller decides
 * whether the missing bytes were needed (a fault on the second page only matters if the
 * instruction extends into it).
 */
unsigned x86_linear_fetch(const struct x86_linear_ctx *c, uint64_t la, uint8_t *buf, unsigned n,
			  int *rc, struct x86_fault *fault);

#endif
