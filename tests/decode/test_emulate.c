/* Emulator unit tests: every supported form against a fake guest (RAM + an MMIO window),
 * register write-back rules, RFLAGS, RIP, REP bounds, segmentation, canonical and page faults,
 * SSE moves through the XMM callbacks. */
#include "decode/emulate.h"
#include "decode/alu.h"
#include "tests/decode/fake_guest.h"
#include "tests/decode/hex.h"
#include "tests/check.h"
#include <stdio.h>

static struct fake_guest G;
static struct x86_fault F;
#define R (G.regs)
#define MMIO FG_MMIO_BASE
#define FL_MASK X86_FL_STATUS

static int run_max(const char *hex, unsigned max_rep)
{
	uint8_t b[16];
	unsigned n = hex_bytes(hex, b, sizeof b);
	struct x86_insn in;
	memset(&F, 0, sizeof F);
	int rc = x86_decode(b, n, x86_regs_mode(&R), &in);
	if (rc != X86_DEC_OK)
		return 100 + rc;
	return x86_emulate(&in, &R, &fg_emu, &G.lin, max_rep, &F);
}
static int run(const char *hex) { return run_max(hex, 0); }

static uint64_t mmio64(unsigned off) { uint64_t v; memcpy(&v, G.mmio + off, 8); return v; }
static void set_mmio64(unsigned off, uint64_t v) { memcpy(G.mmio + off, &v, 8); }

static void reset64(void)
{
	fg_reset(&G, X86_MODE_64);
	fg_identity_map_64(&G);
	memset(G.mmio, 0, sizeof G.mmio);
	R.rip = 0x100000;
	R.gpr[X86_RDX] = MMIO;
}

static bool fault_is(unsigned vector, uint32_t ec)
{
	return F.vector == vector && F.has_error_code && F.error_code == ec;
}

static void test_moves(void)
{
	reset64();
	set_mmio64(0, 0x1122334455667788ull);
	R.gpr[X86_RAX] = ~0ull;
	CHECK(run("8b 02") == 0 && R.gpr[X86_RAX] == 0x55667788 && R.rip == 0x100002,
	      "emu mov eax,[rdx]: 32-bit load zero-extends, RIP += 2");
	R.gpr[X86_RAX] = ~0ull;
	CHECK(run("66 8b 02") == 0 && R.gpr[X86_RAX] == 0xffffffffffff7788ull,
	      "emu mov ax,[rdx]: 16-bit load merges");
	R.gpr[X86_RAX] = ~0ull;
	CHECK(run("8a 22") == 0 && R.gpr[X86_RAX] == 0xffffffffffff88ffull, "emu mov ah,[rdx]");
	R.gpr[X86_RSI] = ~0ull;
	CHECK(run("40 8a 32") == 0 && R.gpr[X86_RSI] == 0xffffffffffffff88ull, "emu mov sil,[rdx] (REX)");
	CHECK(run("48 8b 02") == 0 && R.gpr[X86_RAX] == 0x1122334455667788ull, "emu mov rax,[rdx]");
	R.gpr[X86_R9] = 0xdeadbeefcafef00dull;
	G.mmio_writes = 0;
	CHECK(run("44 89 4a 08") == 0 && mmio64(8) == 0xcafef00d && G.mmio_writes == 1 &&
	      G.last_gpa == MMIO + 8 && G.last_size == 4, "emu mov [rdx+8],r9d: one 4-byte MMIO write");
	CHECK(run("48 c7 42 10 fe ff ff ff") == 0 && mmio64(16) == 0xfffffffffffffffeull,
	      "emu mov qword [rdx+16],-2: imm32 sign-extended");
	CHECK(run("66 c7 42 18 34 12") == 0 && mmio64(24) == 0x1234, "emu mov word [rdx+24],0x1234");
	CHECK(run("c6 42 1a 99") == 0 && mmio64(24) == 0x991234, "emu mov byte [rdx+26],0x99");
	R.gpr[X86_RAX] = 0;
	CHECK(run("48 a1 00 00 e0 fe 00 00 00 00") == 0 && R.gpr[X86_RAX] == 0x1122334455667788ull,
	      "emu mov rax,moffs64");
	R.gpr[X86_RAX] = 0xabcd;
	CHECK(run("66 a3 20 00 e0 fe 00 00 00 00") == 0 && mmio64(32) == 0xabcd, "emu mov moffs64,ax");
	set_mmio64(40, 0x8081);
	R.gpr[X86_RCX] = ~0ull;
	CHECK(run("0f b6 4a 28") == 0 && R.gpr[X86_RCX] == 0x81, "emu movzx ecx,byte [rdx+40]");
	CHECK(run("48 0f bf 4a 28") == 0 && R.gpr[X86_RCX] == 0xffffffffffff8081ull, "emu movsx rcx,word [rdx+40]");
	CHECK(run("66 0f be 4a 28") == 0 && R.gpr[X86_RCX] == 0xffffffffffffff81ull, "emu movsx cx,byte [rdx+40]");
	set_mmio64(48, 0x80000000u);
	CHECK(run("48 63 4a 30") == 0 && R.gpr[X86_RCX] == 0xffffffff80000000ull, "emu movsxd rcx,[rdx+48]");
	R.gpr[X86_RAX] = 0x0123456789abcdefull;
	CHECK(run("48 0f c3 42 38") == 0 && mmio64(56) == 0x0123456789abcdefull, "emu movnti [rdx+56],rax");
	/* RIP-relative: target = next RIP + disp */
	R.rip = MMIO - 0x100;
	G.mmio[0x10] = 0x5a;
	CHECK(run("8a 05 0a 01 00 00") == 0 && (R.gpr[X86_RAX] & 0xff) == 0x5a && R.rip == MMIO - 0x100 + 6,
	      "emu mov al,[rip+0x10a]: RIP-relative from the next instruction");
	/* FS/GS bases honoured in 64-bit mode; DS override ignored */
	R.seg[X86_GS].base = MMIO;
	R.seg[X86_DS].base = 0x1000; /* ignored in 64-bit mode */
	set_mmio64(0x80, 0x77);
	CHECK(run("65 8b 04 25 80 00 00 00") == 0 && R.gpr[X86_RAX] == 0x77, "emu mov eax,gs:[0x80]");
	R.gpr[X86_RBX] = MMIO + 0x80;
	CHECK(run("3e 8b 03") == 0 && R.gpr[X86_RAX] == 0x77, "emu ds:[rbx] ignores the DS base in 64-bit mode");
	/* 32-bit address size in 64-bit mode wraps at 4 GiB */
	R.gpr[X86_RBX] = 0xffffffff00000000ull | (uint32_t)(MMIO + 0x80);
	CHECK(run("67 8b 03") == 0 && R.gpr[X86_RAX] == 0x77, "emu mov eax,[ebx]: 32-bit address size truncates");
}

static void expect_flags(const char *hex, uint64_t mem_in, uint64_t mem_out, uint64_t flags, const char *name)
{
	set_mmio64(0, mem_in);
	R.rflags = 0x2;
	int rc = run(hex);
	CHECK(rc == 0 && mmio64(0) == mem_out && (R.rflags & FL_MASK) == flags,
	      "emu %s: mem %llx flags %llx", name, (unsigned long long)mmio64(0),
	      (unsigned long long)(R.rflags & FL_MASK));
}

static void test_alu(void)
{
	reset64();
	const uint64_t CF = X86_FL_CF, PF = X86_FL_PF, AF = X86_FL_AF, ZF = X86_FL_ZF,
		       SF = X86_FL_SF, OF = X86_FL_OF;
	expect_flags("83 02 01", 0xffffffff, 0, CF | PF | AF | ZF, "add dword [rdx],1 wraps");
	expect_flags("80 02 01", 0x7f, 0x80, AF | SF | OF, "add byte [rdx],1 overflows");
	expect_flags("48 83 2a 01", 0, ~0ull, CF | PF | AF | SF, "sub qword [rdx],1 borrows");
	expect_flags("66 81 0a 00 80", 0x0001, 0x8001, SF, "or word [rdx],0x8000");
	expect_flags("81 22 f0 00 00 00", 0xff, 0xf0, PF, "and dword [rdx],0xf0");
	expect_flags("83 32 ff", 0x0f, 0xfffffff0, PF | SF, "xor dword [rdx],-1");
	expect_flags("83 3a 05", 5, 5, PF | ZF, "cmp dword [rdx],5 leaves memory");
	expect_flags("f7 02 00 00 00 80", 0x80000000, 0x80000000, SF | PF, "test dword [rdx],0x80000000");
	expect_flags("f6 02 01", 0xfe, 0xfe, ZF | PF, "test byte [rdx],1");
	expect_flags("ff 02", 0x7fffffff, 0x80000000, SF | OF | AF | PF, "inc dword [rdx]");
	expect_flags("fe 0a", 0, 0xff, SF | AF | PF, "dec byte [rdx] (CF kept clear)");
	expect_flags("f7 1a", 1, 0xffffffff, CF | SF | AF | PF, "neg dword [rdx]");
	expect_flags("f7 12", 0xf0f0f0f0, 0x0f0f0f0f, 0, "not dword [rdx] (flags untouched)");
	/* ADC/SBB consume CF */
	set_mmio64(0, 1);
	R.rflags = 0x2 | CF;
	R.gpr[X86_RCX] = 1;
	CHECK(run("11 0a") == 0 && mmio64(0) == 3 && !(R.rflags & CF), "emu adc [rdx],ecx with CF=1");
	R.rflags = 0x2 | CF;
	CHECK(run("19 0a") == 0 && mmio64(0) == 1, "emu sbb [rdx],ecx with CF=1");
	/* register destination: ALU reg, [mem] writes the register, not memory */
	set_mmio64(0, 10);
	R.gpr[X86_RCX] = 0xffffffff00000003ull;
	G.mmio_writes = 0;
	CHECK(run("03 0a") == 0 && R.gpr[X86_RCX] == 13 && G.mmio_writes == 0,
	      "emu add ecx,[rdx]: 32-bit register result zero-extends, memory only read");
	R.gpr[X86_RCX] = 0xffffffffffff0003ull;
	CHECK(run("66 2b 0a") == 0 && R.gpr[X86_RCX] == 0xfffffffffffffff9ull, "emu sub cx,[rdx] merges");
	CHECK(run("3b 0a") == 0 && R.gpr[X86_RCX] == 0xfffffffffffffff9ull, "emu cmp ecx,[rdx] writes nothing");
	/* the read of a read-modify-write is a single read then a single write */
	G.mmio_reads = G.mmio_writes = 0;
	CHECK(run("f0 83 02 01") == 0 && G.mmio_reads == 1 && G.mmio_writes == 1, "emu lock add: one read, one write");
}

static void test_atomics_and_bits(void)
{
	reset64();
	set_mmio64(0, 5);
	R.gpr[X86_RCX] = 9;
	CHECK(run("87 0a") == 0 && mmio64(0) == 9 && R.gpr[X86_RCX] == 5, "emu xchg [rdx],ecx");
	R.gpr[X86_RAX] = 9;
	R.gpr[X86_RCX] = 42;
	CHECK(run("f0 0f b1 0a") == 0 && mmio64(0) == 42 && (R.rflags & X86_FL_ZF) && R.gpr[X86_RAX] == 9,
	      "emu lock cmpxchg [rdx],ecx (equal): stores ecx, ZF=1");
	R.gpr[X86_RAX] = 0xffffffff00000001ull;
	G.mmio_writes = 0;
	CHECK(run("f0 0f b1 0a") == 0 && mmio64(0) == 42 && !(R.rflags & X86_FL_ZF) &&
	      R.gpr[X86_RAX] == 42 && G.mmio_writes == 1,
	      "emu lock cmpxchg (not equal): eax = old (zero-extended), destination written back");
	R.gpr[X86_RCX] = 8;
	CHECK(run("0f c1 0a") == 0 && mmio64(0) == 50 && R.gpr[X86_RCX] == 42, "emu xadd [rdx],ecx");
	/* BT family */
	set_mmio64(0, 0);
	set_mmio64(8, 0);
	R.gpr[X86_RCX] = 35; /* beyond the operand: dword at +4, bit 3 */
	G.last_gpa = 0;
	CHECK(run("0f ab 0a") == 0 && mmio64(0) == (1ull << 35) && G.last_gpa == MMIO + 4 && !(R.rflags & X86_FL_CF),
	      "emu bts [rdx],ecx=35 sets bit 3 of the dword at +4");
	CHECK(run("0f a3 0a") == 0 && (R.rflags & X86_FL_CF), "emu bt [rdx],ecx=35 reads CF=1");
	R.gpr[X86_RDX] = MMIO + 8;
	R.gpr[X86_RCX] = (uint64_t)-1; /* negative: qword at -8, bit 63 */
	CHECK(run("48 0f bb 0a") == 0 && mmio64(0) == ((1ull << 35) | (1ull << 63)) && G.last_gpa == MMIO,
	      "emu btc [rdx],rcx=-1 complements bit 63 of the qword before");
	R.gpr[X86_RCX] = 0xffff0000 | 0xfff0; /* 16-bit offset -16: word at -2 */
	set_mmio64(0, 0xffff000000000000ull);
	CHECK(run("66 0f b3 0a") == 0 && mmio64(0) == 0xfffe000000000000ull && (R.rflags & X86_FL_CF),
	      "emu btr [rdx],cx=-16 clears bit 0 of the word at -2");
	R.gpr[X86_RDX] = MMIO;
	set_mmio64(0, 0);
	CHECK(run("0f ba 2a 24") == 0 && mmio64(0) == (1u << 4), "emu bts dword [rdx],36: immediate taken mod 32");
	uint64_t before = R.rflags | X86_FL_ZF | X86_FL_SF;
	R.rflags = before;
	CHECK(run("0f ba 22 04") == 0 && (R.rflags & ~X86_FL_CF) == (before & ~X86_FL_CF) && (R.rflags & X86_FL_CF),
	      "emu bt: only CF changes (undefined OF SF AF PF left as they were)");
}

static void test_strings(void)
{
	reset64();
	for (unsigned i = 0; i < 64; i++)
		G.ram[0x200000 + i] = (uint8_t)i;
	R.gpr[X86_RSI] = 0x200000;
	R.gpr[X86_RDI] = MMIO;
	R.gpr[X86_RCX] = 10;
	G.mmio_writes = 0;
	CHECK(run_max("f3 a5", 4) == 0 && R.gpr[X86_RCX] == 6 && R.rip == 0x100000 &&
	      R.gpr[X86_RSI] == 0x200010 && R.gpr[X86_RDI] == MMIO + 16 && G.mmio_writes == 4,
	      "emu rep movsd bounded at 4 iterations: RCX 6 left, RIP unchanged");
	CHECK(run_max("f3 a5", 4) == 0 && run_max("f3 a5", 4) == 0 && R.gpr[X86_RCX] == 0 &&
	      R.rip == 0x100002 && memcmp(G.mmio, G.ram + 0x200000, 40) == 0,
	      "emu rep movsd completes on re-execution, RIP advances");
	CHECK(run("f3 a5") == 0 && R.rip == 0x100004 && R.gpr[X86_RSI] == 0x200028, "emu rep movsd with RCX=0 does nothing");
	R.rflags |= X86_FL_DF;
	R.gpr[X86_RDI] = MMIO + 0x107;
	R.gpr[X86_RCX] = 8;
	R.gpr[X86_RAX] = 0xa5;
	CHECK(run("f3 aa") == 0 && R.gpr[X86_RDI] == MMIO + 0xff && G.mmio[0x100] == 0xa5 && G.mmio[0x107] == 0xa5 &&
	      G.mmio[0xff] == 0, "emu std; rep stosb goes down");
	R.rflags &= ~X86_FL_DF;
	R.gpr[X86_RSI] = MMIO;
	R.gpr[X86_RAX] = ~0ull;
	set_mmio64(0, 0x44332211);
	CHECK(run("ad") == 0 && R.gpr[X86_RAX] == 0x44332211 && R.gpr[X86_RSI] == MMIO + 4, "emu lodsd");
	/* 32-bit address size: ECX/ESI/EDI, zero-extended */
	R.gpr[X86_RCX] = 0xffffffff00000001ull;
	R.gpr[X86_RDI] = 0xabcd000000000000ull | (uint32_t)(MMIO + 0x200);
	CHECK(run("67 f3 48 ab") == 0 && R.gpr[X86_RCX] == 0 && R.gpr[X86_RDI] == (uint32_t)(MMIO + 0x208) &&
	      mmio64(0x200) == 0x44332211, "emu a32 rep stosq uses ECX/EDI");
	/* fault in the middle of REP: completed iterations kept, RIP unchanged */
	R.gpr[X86_RDI] = MMIO + FG_MMIO_SIZE - 8;
	R.gpr[X86_RCX] = 4;
	uint64_t rip = R.rip;
	CHECK(run("f3 48 ab") == X86_EMU_ERROR && R.gpr[X86_RCX] == 3 && R.rip == rip,
	      "emu rep stosq stops at an unbacked address with RCX/RDI of the completed iteration");
	/* ES is used for the destination, segment override for the source */
	R.gpr[X86_RSI] = 0x80;
	R.gpr[X86_RDI] = 0x200100;
	R.seg[X86_FS].base = MMIO;
	set_mmio64(0x80, 0x5566);
	CHECK(run("64 66 a5") == 0 && fg_r32(&G, 0x200100) == 0x5566, "emu fs: movsw reads fs:rsi, writes es:rdi");
}

static void test_faults_64(void)
{
	reset64();
	R.gpr[X86_RAX] = 0x0000800000000000ull;
	CHECK(run("8b 00") == X86_EMU_FAULT && fault_is(X86_EXC_GP, 0), "emu non-canonical [rax] -> #GP(0)");
	R.gpr[X86_RBP] = 0x0000800000000000ull;
	CHECK(run("8b 45 00") == X86_EMU_FAULT && fault_is(X86_EXC_SS, 0), "emu non-canonical [rbp] -> #SS(0)");
	R.gpr[X86_RAX] = 0x00007ffffffffffeull;
	CHECK(run("8b 00") == X86_EMU_FAULT && fault_is(X86_EXC_GP, 0), "emu access whose last byte is non-canonical -> #GP(0)");
	/* not-present page: beyond the 4 GiB identity map */
	R.gpr[X86_RAX] = 0x0000001000000000ull;
	CHECK(run("89 00") == X86_EMU_FAULT && fault_is(X86_EXC_PF, X86_PFEC_W) && F.cr2 == 0x0000001000000000ull,
	      "emu write to an unmapped page -> #PF(W), CR2");
	/* read-only page with CR0.WP: RMW faults with W set even though it reads first */
	fg_w64(&G, 0x2000 + 3 * 8, (3ull << 30) | 0x85); /* 3-4 GiB: read-only */
	R.cr0 |= X86_CR0_WP;
	R.gpr[X86_RDX] = MMIO;
	G.mmio_reads = 0;
	CHECK(run("83 02 01") == X86_EMU_FAULT && fault_is(X86_EXC_PF, X86_PFEC_P | X86_PFEC_W) && G.mmio_reads == 0,
	      "emu add [ro page] -> #PF(P|W) before the read");
	CHECK(run("8b 02") == 0, "emu read of a read-only page is fine");
	R.cpl = 3;
	fg_w64(&G, 0x2000 + 3 * 8, (3ull << 30) | 0x83); /* supervisor-only */
	CHECK(run("8b 02") == X86_EMU_FAULT && fault_is(X86_EXC_PF, X86_PFEC_P | X86_PFEC_U),
	      "emu user read of a supervisor page -> #PF(P|U)");
	R.cpl = 0;
	/* SSE */
	fg_w64(&G, 0x2000 + 3 * 8, (3ull << 30) | 0x87);
	for (int i = 0; i < 16; i++)
		G.xmm[1][i] = (uint8_t)(0xa0 + i);
	CHECK(run("66 0f 7f 0a") == 0 && G.mmio[0] == 0xa0 && G.mmio[15] == 0xaf && G.last_size == 16,
	      "emu movdqa [rdx],xmm1: one 16-byte write");
	R.gpr[X86_RDX] = MMIO + 8;
	CHECK(run("66 0f 7f 0a") == X86_EMU_FAULT && fault_is(X86_EXC_GP, 0), "emu movdqa misaligned -> #GP(0)");
	CHECK(run("0f 11 0a") == 0 && G.mmio[8] == 0xa0, "emu movups [rdx+8] unaligned is fine");
	R.gpr[X86_RDX] = MMIO;
	memset(G.xmm[2], 0xff, 16);
	CHECK(run("66 0f 6e 12") == 0 && G.xmm[2][0] == 0xa0 && G.xmm[2][3] == 0xa3 && G.xmm[2][4] == 0 &&
	      G.xmm[2][15] == 0, "emu movd xmm2,[rdx] zero-extends");
	memset(G.xmm[10], 0xff, 16);
	CHECK(run("f3 44 0f 7e 12") == 0 && G.xmm[10][7] == 0xa7 && G.xmm[10][8] == 0, "emu movq xmm10,[rdx]");
	CHECK(run("66 4c 0f 7e 52 20") == 0 && mmio64(0x20) == 0xa7a6a5a4a3a2a1a0ull, "emu movq [rdx+32],xmm10 (REX.W 7E)");
	CHECK(run("66 0f d6 52 30") == 0 && mmio64(0x30) == 0xa3a2a1a0, "emu movq [rdx+48],xmm2 (D6) after movd");
	R.cr0 |= X86_CR0_TS;
	CHECK(run("0f 28 0a") == X86_EMU_FAULT && F.vector == X86_EXC_NM, "emu movaps with CR0.TS -> #NM");
	R.cr0 &= ~X86_CR0_TS;
	R.cr4 &= ~X86_CR4_OSFXSR;
	CHECK(run("0f 28 0a") == X86_EMU_FAULT && F.vector == X86_EXC_UD, "emu movaps without CR4.OSFXSR -> #UD");
	CHECK(run("f0 89 02") == 100 + X86_DEC_UNSUPPORTED, "decode lock mov -> unsupported (#UD)");
}

static void test_segments_32_16(void)
{
	fg_reset(&G, X86_MODE_32);
	R.rip = 0x1000;
	R.seg[X86_DS].base = 0x10000;
	R.seg[X86_DS].limit = 0xfff;
	R.gpr[X86_RBX] = 0xffc;
	fg_w32(&G, 0x10ffc, 0xfeedface);
	CHECK(run("8b 03") == 0 && R.gpr[X86_RAX] == 0xfeedface, "emu32 mov eax,[ebx] at the DS limit, DS base added");
	R.gpr[X86_RBX] = 0xffd;
	CHECK(run("8b 03") == X86_EMU_FAULT && fault_is(X86_EXC_GP, 0), "emu32 access past the DS limit -> #GP(0)");
	R.seg[X86_SS].limit = 0xfff;
	R.gpr[X86_RBP] = 0xffd;
	CHECK(run("8b 45 00") == X86_EMU_FAULT && fault_is(X86_EXC_SS, 0), "emu32 [ebp] past the SS limit -> #SS(0)");
	R.seg[X86_ES].ar = 0x91 | X86_AR_DB; /* read-only data */
	R.gpr[X86_RBX] = 0;
	CHECK(run("26 89 03") == X86_EMU_FAULT && fault_is(X86_EXC_GP, 0), "emu32 write via a read-only ES -> #GP(0)");
	CHECK(run("26 8b 03") == 0, "emu32 read via a read-only ES is fine");
	R.seg[X86_FS].ar = X86_AR_UNUSABLE;
	CHECK(run("64 8b 03") == X86_EMU_FAULT && fault_is(X86_EXC_GP, 0), "emu32 access via a null FS -> #GP(0)");
	R.seg[X86_GS].ar = 0x93 | X86_AR_DB | X86_AR_TYPE_E; /* expand-down, limit 0xfff */
	R.seg[X86_GS].limit = 0xfff;
	R.gpr[X86_RBX] = 0x800;
	CHECK(run("65 8b 03") == X86_EMU_FAULT, "emu32 expand-down: offsets up to the limit fault");
	R.gpr[X86_RBX] = 0x2000;
	CHECK(run("65 8b 03") == 0, "emu32 expand-down: offsets above the limit are valid");
	R.seg[X86_CS].ar = 0x99 | X86_AR_DB; /* execute-only code */
	CHECK(run("2e 8b 03") == X86_EMU_FAULT && fault_is(X86_EXC_GP, 0), "emu32 read via execute-only CS -> #GP(0)");
	R.seg[X86_DS].base = 0xfffff000;
	R.seg[X86_DS].limit = 0xffffffff;
	R.gpr[X86_RBX] = 0x1000;
	fg_w32(&G, 0, 0x600d);
	CHECK(run("8b 03") == 0 && R.gpr[X86_RAX] == 0x600d, "emu32 linear address wraps at 4 GiB");
	R.rip = 0xfffffffe;
	CHECK(run("8b 03") == 0 && R.rip == 0, "emu32 EIP wraps at 4 GiB");

	fg_reset(&G, X86_MODE_16);
	R.cr0 = 0; /* real mode */
	R.seg[X86_DS].base = 0x20000;
	R.gpr[X86_RBX] = 0xfff0;
	R.gpr[X86_RSI] = 0x0014;
	fg_w32(&G, 0x20008, 0xbeef);
	R.gpr[X86_RAX] = 0x12340000;
	CHECK(run("8b 40 04") == 0 && R.gpr[X86_RAX] == 0x1234beef, "emu16 mov ax,[bx+si+4] wraps at 64 KiB");
	R.gpr[X86_RDI] = 0xfffe;
	R.gpr[X86_RCX] = 0x10002;
	R.seg[X86_ES].base = 0x30000;
	R.gpr[X86_RAX] = 0x4142;
	CHECK(run("f3 ab") == 0 && R.gpr[X86_RDI] == 0x0002 && R.gpr[X86_RCX] == 0x10000 &&
	      fg_r32(&G, 0x3fffe) == 0x4142 && fg_r32(&G, 0x30000) == 0x4142,
	      "emu16 rep stosw: DI wraps, only CX changes");
	R.gpr[X86_RBX] = 0xfffe;
	CHECK(run("66 8b 07") == X86_EMU_FAULT && fault_is(X86_EXC_GP, 0), "emu16 dword at offset 0xfffe -> #GP(0)");
}

int main(void)
{
	test_moves();
	test_alu();
	test_atomics_and_bits();
	test_strings();
	test_faults_64();
	test_segments_32_16();
	return CHECK_DONE();
}
