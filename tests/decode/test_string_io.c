/* INS/OUTS emulation (decode/string_io.c): directions, REP with the per-exit bound, address
 * sizes and wrap-around, segment overrides, #PF midway (done iterations kept), #GP for a
 * read-only ES, and the prefix fallback for CPUs that do not report address size and segment. */
#include "decode/string_io.h"
#include "decode/alu.h"
#include "tests/decode/fake_guest.h"
#include "tests/check.h"

static struct fake_guest G;
static struct x86_fault F;
#define R (G.regs)

/* A port that logs what is written and reads back 0x11, 0x22, ... */
static struct {
	unsigned outs, ins;
	uint64_t out_val[128];
	uint16_t out_port[128];
} P;

static uint64_t p_in(void *ctx, uint16_t port, unsigned size)
{
	P.ins++;
	return (0x11ull * P.ins) & x86_size_mask(size);
}

static void p_out(void *ctx, uint16_t port, unsigned size, uint64_t v)
{
	if (P.outs < 128) {
		P.out_val[P.outs] = v;
		P.out_port[P.outs] = port;
	}
	P.outs++;
}

static const struct x86_port_ops ports = { p_in, p_out };

static int run(struct x86_string_io io, unsigned max_rep)
{
	return x86_string_io(&io, &R, &fg_emu, &ports, &G.lin, max_rep, &F);
}

static void reset64(void)
{
	fg_reset(&G, X86_MODE_64);
	fg_identity_map_64(&G);
	memset(&P, 0, sizeof P);
	R.rip = 0x100000;
}

/* 4 KiB pages for 0-2 MiB with page 0x100000 not present (tables at 0x10000..). */
static void map_4k_with_hole(void)
{
	memset(G.ram + 0x10000, 0, 0x4000);
	fg_w64(&G, 0x10000, 0x11000 | 3);
	fg_w64(&G, 0x11000, 0x12000 | 3);
	fg_w64(&G, 0x12000, 0x13000 | 3);
	for (uint64_t i = 0; i < 512; i++)
		fg_w64(&G, 0x13000 + 8 * i, i == 0x100 ? 0 : (i << 12) | 3);
	R.cr3 = 0x10000;
}

int main(void)
{
	/* OUTSB, no REP */
	reset64();
	G.ram[0x5000] = 0xab;
	R.gpr[X86_RSI] = 0x5000;
	int rc = run((struct x86_string_io){ .port = 0x80, .size = 1, .addrsize = 8, .seg = X86_DS, .len = 1 }, 0);
	CHECK(rc == X86_EMU_OK && P.outs == 1 && P.out_val[0] == 0xab && P.out_port[0] == 0x80 && R.gpr[X86_RSI] == 0x5001 &&
	      R.rip == 0x100001, "outsb: one byte from DS:RSI, RSI+1, RIP past it");

	/* REP OUTSD, 5 elements */
	reset64();
	for (uint32_t i = 0; i < 5; i++)
		fg_w32(&G, 0x6000 + 4 * i, 0x1000 + i);
	R.gpr[X86_RSI] = 0x6000;
	R.gpr[X86_RCX] = 5;
	rc = run((struct x86_string_io){ .port = 0x5a0, .size = 4, .addrsize = 8, .seg = X86_DS, .len = 2, .rep = true }, 0);
	bool vals = true;
	for (unsigned i = 0; i < 5; i++)
		vals &= P.out_val[i] == 0x1000 + i;
	CHECK(rc == X86_EMU_OK && P.outs == 5 && vals && R.gpr[X86_RCX] == 0 && R.gpr[X86_RSI] == 0x6014 && R.rip == 0x100002,
	      "rep outsd: 5 dwords in order, RCX 0, RSI +20, RIP past it");

	/* REP INSW backwards (DF=1) */
	reset64();
	R.rflags |= X86_FL_DF;
	R.gpr[X86_RDI] = 0x7004;
	R.gpr[X86_RCX] = 3;
	memset(G.ram + 0x7000, 0xee, 8);
	rc = run((struct x86_string_io){ .port = 0x5a4, .size = 2, .addrsize = 8, .len = 3, .in = true, .rep = true }, 0);
	CHECK(rc == X86_EMU_OK && P.ins == 3 && G.ram[0x7004] == 0x11 && G.ram[0x7002] == 0x22 && G.ram[0x7000] == 0x33 &&
	      G.ram[0x7006] == 0xee && R.gpr[X86_RDI] == 0x6ffe && R.gpr[X86_RCX] == 0 && R.rip == 0x100003,
	      "rep insw with DF=1: stores downwards, RDI -6");

	/* the per-exit bound: 100 iterations at most 64 per call */
	reset64();
	R.gpr[X86_RSI] = 0x8000;
	R.gpr[X86_RCX] = 100;
	struct x86_string_io many = { .port = 0x80, .size = 1, .addrsize = 8, .seg = X86_DS, .len = 2, .rep = true };
	rc = run(many, 64);
	bool first = rc == X86_EMU_OK && P.outs == 64 && R.gpr[X86_RCX] == 36 && R.rip == 0x100000;
	rc = run(many, 64);
	CHECK(first && rc == X86_EMU_OK && P.outs == 100 && R.gpr[X86_RCX] == 0 && R.gpr[X86_RSI] == 0x8064 && R.rip == 0x100002,
	      "rep outsb: 64 iterations per call, RIP kept until the last");

	/* count 0 */
	reset64();
	R.gpr[X86_RCX] = 0xffffffff00000000ull; /* 0 at a 32-bit address size */
	R.gpr[X86_RDI] = 0x9000;
	rc = run((struct x86_string_io){ .port = 0x80, .size = 1, .addrsize = 4, .len = 3, .in = true, .rep = true }, 0);
	CHECK(rc == X86_EMU_OK && P.ins == 0 && R.rip == 0x100003, "rep with a count of 0 (at the address size): nothing, RIP past it");

	/* 32-bit address size in 64-bit mode: ESI is the address, RSI is written as a 32-bit register */
	reset64();
	R.gpr[X86_RSI] = 0x100005000ull;
	fg_w32(&G, 0x5000, 0xbeef);
	rc = run((struct x86_string_io){ .port = 0x80, .size = 2, .addrsize = 4, .seg = X86_DS, .len = 2 }, 0);
	CHECK(rc == X86_EMU_OK && P.out_val[0] == 0xbeef && R.gpr[X86_RSI] == 0x5002, "outsw with 67: ESI used and zero-extended (0x%llx)",
	      (unsigned long long)R.gpr[X86_RSI]);

	/* segment override in 64-bit mode: FS base counts */
	reset64();
	R.seg[X86_FS].base = 0x20000;
	R.gpr[X86_RSI] = 0x10;
	G.ram[0x20010] = 0x5c;
	rc = run((struct x86_string_io){ .port = 0x80, .size = 1, .addrsize = 8, .seg = X86_FS, .len = 2 }, 0);
	CHECK(rc == X86_EMU_OK && P.out_val[0] == 0x5c, "outsb fs: the FS base is added");

	/* #PF in the middle: iterations done stay done, CR2 and error code of a read */
	reset64();
	map_4k_with_hole();
	R.gpr[X86_RSI] = 0xffff8;
	R.gpr[X86_RCX] = 4;
	rc = run((struct x86_string_io){ .port = 0x80, .size = 4, .addrsize = 8, .seg = X86_DS, .len = 2, .rep = true }, 0);
	CHECK(rc == X86_EMU_FAULT && F.vector == X86_EXC_PF && F.cr2 == 0x100000 && F.error_code == 0 && P.outs == 2 &&
	      R.gpr[X86_RCX] == 2 && R.gpr[X86_RSI] == 0x100000 && R.rip == 0x100000,
	      "rep outsd into a missing page: #PF(0) at 0x100000 after 2 iterations, registers as the CPU leaves them");
	R.gpr[X86_RDI] = 0x100000;
	R.gpr[X86_RCX] = 1;
	P.ins = 0;
	rc = run((struct x86_string_io){ .port = 0x80, .size = 1, .addrsize = 8, .len = 2, .in = true, .rep = true }, 0);
	CHECK(rc == X86_EMU_FAULT && F.vector == X86_EXC_PF && F.error_code == 2 && R.gpr[X86_RCX] == 1,
	      "rep insb into a missing page: #PF(write), nothing counted");

	/* 32-bit protected mode: ES read-only -> #GP(0); 16-bit mode: SI and IP wrap at 64 KiB */
	fg_reset(&G, X86_MODE_32);
	memset(&P, 0, sizeof P);
	R.seg[X86_ES].ar &= ~X86_AR_TYPE_W;
	R.gpr[X86_RDI] = 0x1000;
	rc = run((struct x86_string_io){ .port = 0x80, .size = 1, .addrsize = 4, .len = 1, .in = true }, 0);
	CHECK(rc == X86_EMU_FAULT && F.vector == X86_EXC_GP && F.has_error_code && F.error_code == 0 && P.ins == 0,
	      "insb to a read-only ES: #GP(0) before the port is read");
	fg_reset(&G, X86_MODE_16);
	memset(&P, 0, sizeof P);
	R.rip = 0xffff;
	R.gpr[X86_RSI] = 0xffff;
	G.ram[0xffff] = 0x77;
	rc = run((struct x86_string_io){ .port = 0x80, .size = 1, .addrsize = 2, .seg = X86_DS, .len = 1 }, 0);
	CHECK(rc == X86_EMU_OK && P.out_val[0] == 0x77 && R.gpr[X86_RSI] == 0 && R.rip == 0,
	      "16-bit outsb: SI and IP wrap to 0");

	/* the prefix fallback */
	uint8_t as, seg;
	static const uint8_t rep_outsb[] = { 0xf3, 0x6e }, a67[] = { 0x67, 0xf3, 0x6e }, fs[] = { 0x64, 0x6f },
			     cs[] = { 0x2e, 0x66, 0x6f }, rex[] = { 0x48, 0x6d }, nop[] = { 0x90 };
	bool p1 = x86_string_io_prefixes(rep_outsb, 2, X86_MODE_64, &as, &seg) && as == 8 && seg == X86_DS;
	bool p2 = x86_string_io_prefixes(a67, 3, X86_MODE_64, &as, &seg) && as == 4;
	bool p3 = x86_string_io_prefixes(a67, 3, X86_MODE_16, &as, &seg) && as == 4;
	bool p4 = x86_string_io_prefixes(fs, 2, X86_MODE_64, &as, &seg) && seg == X86_FS;
	bool p5 = x86_string_io_prefixes(cs, 3, X86_MODE_64, &as, &seg) && seg == X86_DS &&
		  x86_string_io_prefixes(cs, 3, X86_MODE_32, &as, &seg) && seg == X86_CS && as == 4;
	bool p6 = x86_string_io_prefixes(rex, 2, X86_MODE_64, &as, &seg) && !x86_string_io_prefixes(nop, 1, X86_MODE_64, &as, &seg) &&
		  !x86_string_io_prefixes(a67, 2, X86_MODE_64, &as, &seg);
	CHECK(p1 && p2 && p3 && p4 && p5 && p6, "prefixes: address size by mode and 67, segment overrides (null CS in 64-bit mode) (%d%d%d%d%d%d)",
	      p1, p2, p3, p4, p5, p6);
	return CHECK_DONE();
}
