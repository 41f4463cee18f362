/* A fake guest for host tests: guest-physical RAM in an array, one MMIO window that records
 * accesses and backs them with a register array, XMM registers, and the emulator/walker ops. */
#ifndef TESTS_DECODE_FAKE_GUEST_H
#define TESTS_DECODE_FAKE_GUEST_H
#include "decode/linear.h"
#include <string.h>

#define FG_RAM_SIZE   (4u << 20)         /* RAM at guest-physical 0 */
#define FG_MMIO_BASE  0xfee00000ull      /* MMIO window */
#define FG_MMIO_SIZE  0x2000u

struct fake_guest {
	uint8_t ram[FG_RAM_SIZE];
	uint8_t mmio[FG_MMIO_SIZE];
	unsigned mmio_reads, mmio_writes;
	uint64_t last_gpa;
	unsigned last_size;
	uint8_t xmm[16][16];
	struct x86_regs regs;
	struct x86_linear_ctx lin;
};

static inline int fg_read(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	struct fake_guest *g = ctx;
	if (gpa + n <= FG_RAM_SIZE) {
		memcpy(buf, g->ram + gpa, n);
		return 0;
	}
	if (gpa >= FG_MMIO_BASE && gpa + n <= FG_MMIO_BASE + FG_MMIO_SIZE) {
		memcpy(buf, g->mmio + (gpa - FG_MMIO_BASE), n);
		g->mmio_reads++;
		g->last_gpa = gpa;
		g->last_size = n;
		return 0;
	}
	return 1;
}

static inline int fg_write(void *ctx, uint64_t gpa, const void *buf, unsigned n)
{
	struct fake_guest *g = ctx;
	if (gpa + n <= FG_RAM_SIZE) {
		memcpy(g->ram + gpa, buf, n);
		return 0;
	}
	if (gpa >= FG_MMIO_BASE && gpa + n <= FG_MMIO_BASE + FG_MMIO_SIZE) {
		memcpy(g->mmio + (gpa - FG_MMIO_BASE), buf, n);
		g->mmio_writes++;
		g->last_gpa = gpa;
		g->last_size = n;
		return 0;
	}
	return 1;
}

static inline int fg_set_bits(void *ctx, uint64_t gpa, unsigned size, uint64_t bits)
{
	struct fake_guest *g = ctx;
	if (gpa + size > FG_RAM_SIZE)
		return 1;
	uint64_t v = 0;
	memcpy(&v, g->ram + gpa, size);
	v |= bits;
	memcpy(g->ram + gpa, &v, size);
	return 0;
}

static inline void fg_get_xmm(void *ctx, unsigned reg, uint8_t val[16])
{
	struct fake_guest *g = ((struct x86_linear_ctx *)ctx)->user;
	memcpy(val, g->xmm[reg], 16);
}

static inline void fg_set_xmm(void *ctx, unsigned reg, const uint8_t val[16])
{
	struct fake_guest *g = ((struct x86_linear_ctx *)ctx)->user;
	memcpy(g->xmm[reg], val, 16);
}

static const struct x86_phys_ops fg_phys = { fg_read, fg_write, fg_set_bits };
static const struct x86_emu_ops fg_emu = { x86_linear_read, x86_linear_write, fg_get_xmm, fg_set_xmm };

static inline uint64_t fg_r64(struct fake_guest *g, uint64_t gpa)
{
	uint64_t v;
	memcpy(&v, g->ram + gpa, 8);
	return v;
}
static inline void fg_w64(struct fake_guest *g, uint64_t gpa, uint64_t v) { memcpy(g->ram + gpa, &v, 8); }
static inline void fg_w32(struct fake_guest *g, uint64_t gpa, uint32_t v) { memcpy(g->ram + gpa, &v, 4); }
static inline uint32_t fg_r32(struct fake_guest *g, uint64_t gpa)
{
	uint32_t v;
	memcpy(&v, g->ram + gpa, 4);
	return v;
}

/* Flat segments for the mode; paging off (callers set up paging when they need it). */
static inline void fg_reset(struct fake_guest *g, enum x86_mode mode)
{
	memset(&g->regs, 0, sizeof g->regs);
	struct x86_regs *r = &g->regs;
	r->rflags = 0x2;
	r->cr0 = X86_CR0_PE | (1u << 4) /* ET */;
	r->cr4 = X86_CR4_OSFXSR;
	uint32_t data = 0x93 | X86_AR_DB | X86_AR_G, code = 0x9b | X86_AR_G;
	if (mode == X86_MODE_64) {
		r->efer = X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE;
		r->cr0 |= X86_CR0_PG;
		r->cr4 |= X86_CR4_PAE;
		code |= X86_AR_L;
	} else if (mode == X86_MODE_32) {
		code |= X86_AR_DB;
	} else {
		data &= ~(X86_AR_DB | X86_AR_G);
		code &= ~X86_AR_G;
	}
	for (int s = 0; s < X86_SEG_COUNT; s++) {
		r->seg[s].base = 0;
		r->seg[s].limit = mode == X86_MODE_16 ? 0xffff : 0xffffffff;
		r->seg[s].ar = s == X86_CS ? code : data;
	}
	g->lin.regs = r;
	g->lin.phys = &fg_phys;
	g->lin.phys_ctx = g;
	g->lin.user = g;
	g->mmio_reads = g->mmio_writes = 0;
}

/* 64-bit mode needs paging: identity-map the first 4 GiB with 1 GiB pages (tables at 0x1000). */
static inline void fg_identity_map_64(struct fake_guest *g)
{
	memset(g->ram + 0x1000, 0, 0x2000);
	fg_w64(g, 0x1000, 0x2000 | 0x7);           /* PML4[0] -> PDPT, user, writable */
	for (uint64_t i = 0; i < 4; i++)
		fg_w64(g, 0x2000 + i * 8, (i << 30) | 0x87); /* 1 GiB pages, user, writable */
	g->regs.cr3 = 0x1000;
}
#endif
