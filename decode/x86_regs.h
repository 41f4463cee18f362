/*
 * Guest register state seen by the decoder and emulator, and the fault they can report.
 * Pure C, no hypervisor dependencies: the hypervisor fills this from the VMCS (the segment
 * access rights use the VMCS format, SDM vol.3C 24.4.1) and writes back what changed.
 */
#ifndef DECODE_X86_REGS_H
#define DECODE_X86_REGS_H
#include <stdbool.h>
#include <stdint.h>

/* GPR numbers in encoding order (SDM vol.2 2.1.5, table 2-2). */
enum x86_gpr {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
};

/* Segment registers in encoding order (SDM vol.2 3.1.1.3 "Sreg"). */
enum x86_segreg { X86_ES, X86_CS, X86_SS, X86_DS, X86_FS, X86_GS, X86_SEG_COUNT };

/* Access-rights bits, VMCS layout (SDM vol.3C 24.4.1 table 24-2). */
#define X86_AR_TYPE_MASK   0x0fu
#define X86_AR_TYPE_A      0x01u    /* accessed */
#define X86_AR_TYPE_W      0x02u    /* data: writable; code: readable */
#define X86_AR_TYPE_E      0x04u    /* data: expand-down */
#define X86_AR_TYPE_CODE   0x08u
#define X86_AR_S           0x10u    /* code/data (not system) */
#define X86_AR_P           0x80u
#define X86_AR_L           0x2000u  /* 64-bit code segment */
#define X86_AR_DB          0x4000u
#define X86_AR_G           0x8000u
#define X86_AR_UNUSABLE    0x10000u

struct x86_seg {
	uint64_t base;
	uint32_t limit; /* byte granular (already scaled by G), as in the VMCS */
	uint32_t ar;    /* X86_AR_* */
};

#define X86_CR0_PE (1ull << 0)
#define X86_CR0_EM (1ull << 2)
#define X86_CR0_TS (1ull << 3)
#define X86_CR0_WP (1ull << 16)
#define X86_CR0_PG (1ull << 31)
#define X86_CR4_PSE (1ull << 4)
#define X86_CR4_PAE (1ull << 5)
#define X86_CR4_OSFXSR (1ull << 9)
#define X86_CR4_LA57 (1ull << 12)
#define X86_CR4_SMEP (1ull << 20)
#define X86_CR4_SMAP (1ull << 21)
#define X86_EFER_LME (1ull << 8)
#define X86_EFER_LMA (1ull << 10)
#define X86_EFER_NXE (1ull << 11)

/* RFLAGS bits (SDM vol.1 3.4.3). */
#define X86_FL_CF (1ull << 0)
#define X86_FL_PF (1ull << 2)
#define X86_FL_AF (1ull << 4)
#define X86_FL_ZF (1ull << 6)
#define X86_FL_SF (1ull << 7)
#define X86_FL_TF (1ull << 8)
#define X86_FL_DF (1ull << 10)
#define X86_FL_OF (1ull << 11)
#define X86_FL_RF (1ull << 16)
#define X86_FL_VM (1ull << 17)
#define X86_FL_AC (1ull << 18)
#define X86_FL_STATUS (X86_FL_CF | X86_FL_PF | X86_FL_AF | X86_FL_ZF | X86_FL_SF | X86_FL_OF)

/*
 * The state the emulator reads and updates. Only gpr[], rip and rflags are written by the
 * emulator; the rest is input. cpl is the current privilege level (SS.DPL; 3 in virtual-8086).
 */
struct x86_regs {
	uint64_t gpr[16];
	uint64_t rip, rflags;
	uint64_t cr0, cr3, cr4, efer;
	struct x86_seg seg[X86_SEG_COUNT];
	uint8_t cpl;
	uint8_t maxphyaddr; /* guest physical address width for reserved-bit checks; 0 means 52 */
};

enum x86_mode { X86_MODE_16, X86_MODE_32, X86_MODE_64 };

/* Code size from EFER.LMA, CS.L and CS.D (SDM vol.3A 5.2.1). */
static inline enum x86_mode x86_regs_mode(const struct x86_regs *r)
{
	uint32_t ar = r->seg[X86_CS].ar;
	if ((r->efer & X86_EFER_LMA) && (ar & X86_AR_L))
		return X86_MODE_64;
	return (ar & X86_AR_DB) ? X86_MODE_32 : X86_MODE_16;
}

/* Exception vectors the emulator and walker can ask the caller to inject. */
enum x86_vector { X86_EXC_UD = 6, X86_EXC_NM = 7, X86_EXC_SS = 12, X86_EXC_GP = 13, X86_EXC_PF = 14 };

/* #PF error code bits (SDM vol.3A 4.7). */
#define X86_PFEC_P    (1u << 0)
#define X86_PFEC_W    (1u << 1)
#define X86_PFEC_U    (1u << 2)
#define X86_PFEC_RSVD (1u << 3)
#define X86_PFEC_I    (1u << 4)

/* An exception to inject: vector, error code (#GP/#SS/#PF have one), CR2 for #PF. */
struct x86_fault {
	uint8_t vector;
	bool has_error_code;
	uint32_t error_code;
	uint64_t cr2;
};

#endif
