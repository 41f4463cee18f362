/*
 * libFuzzer target: decode + emulate arbitrary bytes against arbitrary guest state and guest
 * page tables (the input also fills guest RAM, so page-table entries are fuzzed too).
 * Built with clang -fsanitize=fuzzer,address,undefined by decode/module.mk; run by
 * tools/fuzz-decode.sh. Traps on any broken invariant; sanitizers catch memory errors.
 */
#include "decode/fetch.h"
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE 0x10000u
#define MMIO_BASE 0xfee00000ull
#define MMIO_SIZE 0x2000u
static uint8_t ram[RAM_SIZE], mmio[MMIO_SIZE], xmm[16][16];

static int ph_read(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	if (n > 4096 || ((gpa & 0xfff) + n) > 4096)
		__builtin_trap(); /* the walker and linear layer never cross a page */
	if (gpa >= MMIO_BASE && gpa < MMIO_BASE + MMIO_SIZE) {
		memcpy(buf, mmio + (gpa - MMIO_BASE), n);
		return 0;
	}
	if (gpa >> 40)
		return 1; /* no memory: X86_EMU_ERROR path */
	memcpy(buf, ram + (gpa & (RAM_SIZE - 1)), n); /* RAM mirrored every 64 KiB */
	return 0;
}

static int ph_write(void *ctx, uint64_t gpa, const void *buf, unsigned n)
{
	if (n > 4096 || ((gpa & 0xfff) + n) > 4096)
		__builtin_trap();
	if (gpa >= MMIO_BASE && gpa < MMIO_BASE + MMIO_SIZE) {
		memcpy(mmio + (gpa - MMIO_BASE), buf, n);
		return 0;
	}
	if (gpa >> 40)
		return 1;
	memcpy(ram + (gpa & (RAM_SIZE - 1)), buf, n);
	return 0;
}

static int ph_set_bits(void *ctx, uint64_t gpa, unsigned size, uint64_t bits)
{
	if ((size != 4 && size != 8) || (gpa & (size - 1)))
		__builtin_trap();
	uint64_t v = 0;
	if (ph_read(ctx, gpa, &v, size))
		return 1;
	v |= bits;
	return ph_write(ctx, gpa, &v, size);
}

static void get_xmm(void *ctx, unsigned reg, uint8_t val[16])
{
	if (reg > 15)
		__builtin_trap();
	memcpy(val, xmm[reg], 16);
}

static void set_xmm(void *ctx, unsigned reg, const uint8_t val[16])
{
	if (reg > 15)
		__builtin_trap();
	memcpy(xmm[reg], val, 16);
}

static const struct x86_phys_ops phys = { ph_read, ph_write, ph_set_bits };
static const struct x86_emu_ops emu = { x86_linear_read, x86_linear_write, get_xmm, set_xmm };

struct reader {
	const uint8_t *p;
	size_t left;
};
static uint64_t take(struct reader *rd, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes && rd->left; i++, rd->left--)
		v |= (uint64_t)*rd->p++ << (8 * i);
	return v;
}
/* An address-like value: mostly near RAM, the MMIO window, or canonical edges. */
static uint64_t take_addr(struct reader *rd)
{
	uint64_t v = take(rd, 8);
	switch (v & 3) {
	case 0: return (v >> 2) & (RAM_SIZE - 1);
	case 1: return MMIO_BASE + ((v >> 2) & (MMIO_SIZE - 1));
	case 2: return (v >> 2) | ((v & 4) ? 0xffff800000000000ull : 0);
	default: return v;
	}
}

static void check_result(int rc, const struct x86_fault *f)
{
	if (rc == X86_EMU_FAULT) {
		if (f->vector != X86_EXC_UD && f->vector != X86_EXC_NM && f->vector != X86_EXC_SS &&
		    f->vector != X86_EXC_GP && f->vector != X86_EXC_PF)
			__builtin_trap();
		if ((f->vector == X86_EXC_GP || f->vector == X86_EXC_SS) && f->error_code)
			__builtin_trap(); /* the emulator only raises #GP(0) / #SS(0) */
	} else if (rc != X86_EMU_OK && rc != X86_EMU_ERROR) {
		__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader rd = { data, size };
	unsigned cfg = (unsigned)take(&rd, 4);
	enum x86_mode mode = (enum x86_mode)(cfg % 3);

	/* 1. the decoder alone on exactly n heap bytes (ASan catches any over-read) */
	size_t n = (cfg >> 2) % 17;
	if (n > rd.left)
		n = rd.left;
	uint8_t *raw = malloc(n ? n : 1);
	memcpy(raw, rd.p, n);
	struct x86_insn in;
	int drc = x86_decode(raw, n, mode, &in);
	if (drc == X86_DEC_OK && (in.len == 0 || in.len > n || in.len > X86_MAX_INSN_LEN))
		__builtin_trap();
	if (drc != X86_DEC_OK && drc != X86_DEC_UNSUPPORTED && drc != X86_DEC_TRUNCATED && drc != X86_DEC_TOO_LONG)
		__builtin_trap();
	if (n < X86_MAX_INSN_LEN && drc == X86_DEC_TOO_LONG)
		__builtin_trap();
	free(raw);
	rd.p += n;
	rd.left -= n;

	/* 2. guest state */
	struct x86_regs r;
	memset(&r, 0, sizeof r);
	unsigned paging = (cfg >> 8) % 6; /* off, 32-bit, 32-bit+PSE, PAE, 4-level, 5-level */
	r.cr0 = X86_CR0_PE | ((cfg & (1u << 12)) ? X86_CR0_WP : 0) | ((cfg & (1u << 13)) ? X86_CR0_TS : 0);
	r.cr4 = ((cfg & (1u << 14)) ? X86_CR4_OSFXSR : 0) | ((cfg & (1u << 15)) ? X86_CR4_SMEP : 0) |
		((cfg & (1u << 16)) ? X86_CR4_SMAP : 0);
	r.efer = (cfg & (1u << 17)) ? X86_EFER_NXE : 0;
	r.cpl = (cfg >> 18) & 3;
	r.rflags = 0x2 | (take(&rd, 4) & (X86_FL_STATUS | X86_FL_DF | X86_FL_AC));
	r.maxphyaddr = (uint8_t)(36 + (cfg >> 20) % 17);
	if (mode == X86_MODE_64)
		paging = 4 + (paging & 1);
	if (paging >= 1) {
		r.cr0 |= X86_CR0_PG;
		if (paging == 2)
			r.cr4 |= X86_CR4_PSE;
		if (paging >= 3)
			r.cr4 |= X86_CR4_PAE;
		if (paging >= 4)
			r.efer |= X86_EFER_LME | X86_EFER_LMA;
		if (paging == 5)
			r.cr4 |= X86_CR4_LA57;
	}
	if ((cfg >> 25) & 1)
		r.cr0 &= ~(X86_CR0_PE | X86_CR0_PG); /* real mode (ignored in 64-bit mode below) */
	r.cr3 = take(&rd, 2) << 4;
	for (int i = 0; i < 16; i++)
		r.gpr[i] = take_addr(&rd);
	r.rip = take_addr(&rd);
	for (int s = 0; s < X86_SEG_COUNT; s++) {
		r.seg[s].base = mode == X86_MODE_64 ? take_addr(&rd) : (uint32_t)take(&rd, 4);
		r.seg[s].limit = (uint32_t)take(&rd, 4);
		r.seg[s].ar = (uint32_t)take(&rd, 3) & 0x1f0ff;
	}
	if (mode == X86_MODE_64) {
		r.cr0 |= X86_CR0_PE | X86_CR0_PG;
		r.seg[X86_CS].ar = (r.seg[X86_CS].ar | X86_AR_L) & ~X86_AR_DB;
	} else {
		r.seg[X86_CS].ar &= ~X86_AR_L;
		r.seg[X86_CS].ar = mode == X86_MODE_32 ? r.seg[X86_CS].ar | X86_AR_DB : r.seg[X86_CS].ar & ~X86_AR_DB;
	}
	if (x86_regs_mode(&r) != mode)
		__builtin_trap();

	/* 3. guest RAM (page tables and data) from the rest of the input */
	memset(ram, 0, sizeof ram);
	memcpy(ram, rd.p, rd.left < RAM_SIZE ? rd.left : RAM_SIZE);

	struct x86_linear_ctx lc = { &r, &phys, NULL, NULL };
	struct x86_fault f;
	unsigned max_rep = 1 + (cfg >> 26) % 16;

	/* 4. emulate the decoded instruction directly */
	if (drc == X86_DEC_OK) {
		struct x86_regs before = r;
		int rc = x86_emulate(&in, &r, &emu, &lc, max_rep, &f);
		check_result(rc, &f);
		if (rc != X86_EMU_OK && r.rip != before.rip)
			__builtin_trap(); /* RIP only moves on success */
		r = before;
	}

	/* 5. fetch (through random page tables) + decode through the cache, then emulate */
	static struct x86_dcache cache;
	int rc = x86_fetch_decode(&lc, &cache, &in, &f);
	check_result(rc, &f);
	if (rc == X86_EMU_OK) {
		rc = x86_emulate(&in, &r, &emu, &lc, max_rep, &f);
		check_result(rc, &f);
	}
	return 0;
}
