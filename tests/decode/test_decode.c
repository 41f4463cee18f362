/* Decoder unit tests: every supported form in 64-, 32- and 16-bit mode, checked field by field
 * through the text form (decode/format.c); unsupported and malformed inputs; truncation; and the
 * fast path of x86_decode against the general path on random and generated encodings. */
#include "decode/format.h"
#include "decode/optable.h"
#include "tests/decode/hex.h"
#include "tests/decode/rng.h"
#include "tests/check.h"
#include <string.h>

struct dcase {
	int mode; /* 64 32 16 */
	const char *hex;
	const char *want; /* x86_format_insn text, or "unsupported", "truncated", "too-long" */
};

static const struct dcase cases[] = {
	/* MOV 88/89/8A/8B, C6/C7, moffs, ModRM/SIB/disp forms */
	{ 64, "8b 04 25 00 00 e0 fe", "len=7 size=4 access=r mov reg=eax mem=[0xfffffffffee00000] seg=ds opsize=4 addrsize=8" },
	{ 64, "89 02", "len=2 size=4 access=w mov reg=eax mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "88 37", "len=2 size=1 access=w mov reg=dh mem=[rdi] seg=ds opsize=1 addrsize=8" },
	{ 64, "40 88 37", "len=3 size=1 access=w mov reg=sil mem=[rdi] seg=ds opsize=1 addrsize=8" },
	{ 64, "44 88 7d 00", "len=4 size=1 access=w mov reg=r15b mem=[rbp] seg=ss opsize=1 addrsize=8" },
	{ 64, "40 8a 2c 24", "len=4 size=1 access=r mov reg=bpl mem=[rsp] seg=ss opsize=1 addrsize=8" },
	{ 64, "8a 24 24", "len=3 size=1 access=r mov reg=ah mem=[rsp] seg=ss opsize=1 addrsize=8" },
	{ 64, "66 89 47 10", "len=4 size=2 access=w mov reg=ax mem=[rdi+0x10] seg=ds opsize=2 addrsize=8" },
	{ 64, "48 8b 84 c8 00 01 00 00", "len=8 size=8 access=r mov reg=rax mem=[rax+rcx*8+0x100] seg=ds opsize=8 addrsize=8" },
	{ 64, "4e 8b 44 e5 f8", "len=5 size=8 access=r mov reg=r8 mem=[rbp+r12*8-0x8] seg=ss opsize=8 addrsize=8" },
	{ 64, "41 8b 45 00", "len=4 size=4 access=r mov reg=eax mem=[r13] seg=ds opsize=4 addrsize=8" },
	{ 64, "41 8b 04 24", "len=4 size=4 access=r mov reg=eax mem=[r12] seg=ds opsize=4 addrsize=8" },
	{ 64, "43 8b 04 25 10 00 00 00", "len=8 size=4 access=r mov reg=eax mem=[r12*1+0x10] seg=ds opsize=4 addrsize=8" },
	{ 64, "8b 05 f0 ff ff ff", "len=6 size=4 access=r mov reg=eax mem=[rip-0x10] seg=ds opsize=4 addrsize=8" },
	{ 64, "67 8b 05 10 00 00 00", "len=7 size=4 access=r mov reg=eax mem=[eip+0x10] seg=ds opsize=4 addrsize=4" },
	{ 64, "67 8b 04 8d 00 10 00 00", "len=8 size=4 access=r mov reg=eax mem=[ecx*4+0x1000] seg=ds opsize=4 addrsize=4" },
	{ 64, "65 48 8b 04 25 28 00 00 00", "len=9 size=8 access=r mov reg=rax mem=[0x28] seg=gs opsize=8 addrsize=8" },
	{ 64, "64 2e 8b 03", "len=4 size=4 access=r mov reg=eax mem=[rbx] seg=fs opsize=4 addrsize=8" },
	{ 64, "26 8b 03", "len=3 size=4 access=r mov reg=eax mem=[rbx] seg=ds opsize=4 addrsize=8" },
	{ 64, "48 c7 02 ff ff ff ff", "len=7 size=8 access=w mov imm=0xffffffffffffffff mem=[rdx] seg=ds opsize=8 addrsize=8" },
	{ 64, "66 c7 43 10 34 12", "len=6 size=2 access=w mov imm=0x1234 mem=[rbx+0x10] seg=ds opsize=2 addrsize=8" },
	{ 64, "c6 44 24 08 80", "len=5 size=1 access=w mov imm=0x80 mem=[rsp+0x8] seg=ss opsize=1 addrsize=8" },
	{ 64, "48 a1 88 77 66 55 44 33 22 11", "len=10 size=8 access=r mov reg=rax mem=[0x1122334455667788] seg=ds opsize=8 addrsize=8" },
	{ 64, "67 a2 44 33 22 11", "len=6 size=1 access=w mov reg=al mem=[0x11223344] seg=ds opsize=1 addrsize=4" },
	{ 32, "a3 00 00 e0 fe", "len=5 size=4 access=w mov reg=eax mem=[0xfee00000] seg=ds opsize=4 addrsize=4" },
	{ 16, "a1 00 f0", "len=3 size=2 access=r mov reg=ax mem=[0xf000] seg=ds opsize=2 addrsize=2" },
	/* 32- and 16-bit addressing */
	{ 32, "8b 45 fc", "len=3 size=4 access=r mov reg=eax mem=[ebp-0x4] seg=ss opsize=4 addrsize=4" },
	{ 32, "8b 05 00 00 e0 fe", "len=6 size=4 access=r mov reg=eax mem=[0xfee00000] seg=ds opsize=4 addrsize=4" },
	{ 32, "66 8b 0c 9e", "len=4 size=2 access=r mov reg=cx mem=[esi+ebx*4] seg=ds opsize=2 addrsize=4" },
	{ 32, "67 8b 00", "len=3 size=4 access=r mov reg=eax mem=[bx+si*1] seg=ds opsize=4 addrsize=2" },
	{ 16, "8b 46 02", "len=3 size=2 access=r mov reg=ax mem=[bp+0x2] seg=ss opsize=2 addrsize=2" },
	{ 16, "8b 06 34 12", "len=4 size=2 access=r mov reg=ax mem=[0x1234] seg=ds opsize=2 addrsize=2" },
	{ 16, "89 81 00 80", "len=4 size=2 access=w mov reg=ax mem=[bx+di*1-0x8000] seg=ds opsize=2 addrsize=2" },
	{ 16, "66 67 89 04 24", "len=5 size=4 access=w mov reg=eax mem=[esp] seg=ss opsize=4 addrsize=4" },
	{ 16, "26 88 3c", "len=3 size=1 access=w mov reg=bh mem=[si] seg=es opsize=1 addrsize=2" },
	/* MOVZX MOVSX MOVSXD MOVNTI */
	{ 64, "0f b6 02", "len=3 size=1 access=r movzx reg=eax mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "48 0f b7 02", "len=4 size=2 access=r movzx reg=rax mem=[rdx] seg=ds opsize=8 addrsize=8" },
	{ 64, "66 0f be 02", "len=4 size=1 access=r movsx reg=ax mem=[rdx] seg=ds opsize=2 addrsize=8" },
	{ 32, "0f bf 02", "len=3 size=2 access=r movsx reg=eax mem=[edx] seg=ds opsize=4 addrsize=4" },
	{ 64, "48 63 02", "len=3 size=4 access=r movsxd reg=rax mem=[rdx] seg=ds opsize=8 addrsize=8" },
	{ 64, "63 02", "len=2 size=4 access=r movsxd reg=eax mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 32, "63 02", "unsupported" }, /* ARPL */
	{ 64, "66 63 02", "unsupported" },
	{ 64, "0f c3 02", "len=3 size=4 access=w movnti reg=eax mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "48 0f c3 02", "len=4 size=8 access=w movnti reg=rax mem=[rdx] seg=ds opsize=8 addrsize=8" },
	{ 16, "0f c3 07", "len=3 size=4 access=w movnti reg=eax mem=[bx] seg=ds opsize=4 addrsize=2" },
	{ 64, "66 0f c3 02", "unsupported" },
	/* ALU: register forms and 80/81/83 immediates */
	{ 64, "01 02", "len=2 size=4 access=rw add reg=eax mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "f0 09 0a", "len=3 size=4 access=rw or reg=ecx mem=[rdx] seg=ds opsize=4 addrsize=8 lock" },
	{ 64, "13 0a", "len=2 size=4 access=r adc reg=ecx mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "18 0a", "len=2 size=1 access=rw sbb reg=cl mem=[rdx] seg=ds opsize=1 addrsize=8" },
	{ 64, "48 23 0a", "len=3 size=8 access=r and reg=rcx mem=[rdx] seg=ds opsize=8 addrsize=8" },
	{ 64, "29 0a", "len=2 size=4 access=rw sub reg=ecx mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "32 0a", "len=2 size=1 access=r xor reg=cl mem=[rdx] seg=ds opsize=1 addrsize=8" },
	{ 64, "39 0a", "len=2 size=4 access=r cmp reg=ecx mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "f0 39 0a", "unsupported" },
	{ 64, "f0 03 0a", "unsupported" },
	{ 64, "80 0a 80", "len=3 size=1 access=rw or imm=0x80 mem=[rdx] seg=ds opsize=1 addrsize=8" },
	{ 64, "81 62 04 ff 00 ff 00", "len=7 size=4 access=rw and imm=0xff00ff mem=[rdx+0x4] seg=ds opsize=4 addrsize=8" },
	{ 64, "48 81 2a 00 00 00 80", "len=7 size=8 access=rw sub imm=0xffffffff80000000 mem=[rdx] seg=ds opsize=8 addrsize=8" },
	{ 64, "66 83 02 ff", "len=4 size=2 access=rw add imm=0xffff mem=[rdx] seg=ds opsize=2 addrsize=8" },
	{ 64, "83 3a 00", "len=3 size=4 access=r cmp imm=0x0 mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 32, "82 32 01", "len=3 size=1 access=rw xor imm=0x1 mem=[edx] seg=ds opsize=1 addrsize=4" },
	{ 64, "82 32 01", "unsupported" },
	{ 16, "81 07 34 12", "len=4 size=2 access=rw add imm=0x1234 mem=[bx] seg=ds opsize=2 addrsize=2" },
	/* TEST XCHG CMPXCHG XADD */
	{ 64, "85 0a", "len=2 size=4 access=r test reg=ecx mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "84 2a", "len=2 size=1 access=r test reg=ch mem=[rdx] seg=ds opsize=1 addrsize=8" },
	{ 64, "f6 02 01", "len=3 size=1 access=r test imm=0x1 mem=[rdx] seg=ds opsize=1 addrsize=8" },
	{ 64, "f7 42 08 00 00 00 80", "len=7 size=4 access=r test imm=0x80000000 mem=[rdx+0x8] seg=ds opsize=4 addrsize=8" },
	{ 64, "87 0a", "len=2 size=4 access=rw xchg reg=ecx mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "f0 86 0a", "len=3 size=1 access=rw xchg reg=cl mem=[rdx] seg=ds opsize=1 addrsize=8 lock" },
	{ 64, "f0 0f b1 0a", "len=4 size=4 access=rw cmpxchg reg=ecx mem=[rdx] seg=ds opsize=4 addrsize=8 lock" },
	{ 64, "f0 48 0f b1 0a", "len=5 size=8 access=rw cmpxchg reg=rcx mem=[rdx] seg=ds opsize=8 addrsize=8 lock" },
	{ 64, "0f b0 0a", "len=3 size=1 access=rw cmpxchg reg=cl mem=[rdx] seg=ds opsize=1 addrsize=8" },
	{ 64, "f0 0f c1 0a", "len=4 size=4 access=rw xadd reg=ecx mem=[rdx] seg=ds opsize=4 addrsize=8 lock" },
	{ 64, "66 0f c1 0a", "len=4 size=2 access=rw xadd reg=cx mem=[rdx] seg=ds opsize=2 addrsize=8" },
	/* BT BTS BTR BTC */
	{ 64, "0f a3 0a", "len=3 size=4 access=r bt reg=ecx mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "f0 48 0f ab 0a", "len=5 size=8 access=rw bts reg=rcx mem=[rdx] seg=ds opsize=8 addrsize=8 lock" },
	{ 64, "66 0f b3 0a", "len=4 size=2 access=rw btr reg=cx mem=[rdx] seg=ds opsize=2 addrsize=8" },
	{ 64, "0f bb 0a", "len=3 size=4 access=rw btc reg=ecx mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "0f ba 22 1f", "len=4 size=4 access=r bt imm=0x1f mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "f0 0f ba 2a 03", "len=5 size=4 access=rw bts imm=0x3 mem=[rdx] seg=ds opsize=4 addrsize=8 lock" },
	{ 64, "0f ba 32 03", "len=4 size=4 access=rw btr imm=0x3 mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "0f ba 3a 03", "len=4 size=4 access=rw btc imm=0x3 mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "0f ba 02 03", "unsupported" },
	{ 64, "f0 0f ba 22 03", "unsupported" },
	/* INC DEC NEG NOT */
	{ 64, "ff 02", "len=2 size=4 access=rw inc mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "f0 fe 0a", "len=3 size=1 access=rw dec mem=[rdx] seg=ds opsize=1 addrsize=8 lock" },
	{ 64, "48 f7 1a", "len=3 size=8 access=rw neg mem=[rdx] seg=ds opsize=8 addrsize=8" },
	{ 64, "66 f7 12", "len=3 size=2 access=rw not mem=[rdx] seg=ds opsize=2 addrsize=8" },
	{ 64, "ff 12", "unsupported" }, /* call */
	{ 64, "f7 22", "unsupported" }, /* mul */
	/* string instructions */
	{ 64, "f3 a5", "len=2 size=4 access=rw movs reg=eax mem=[rsi -> es:rdi] seg=ds opsize=4 addrsize=8 rep" },
	{ 64, "f3 48 a5", "len=3 size=8 access=rw movs reg=rax mem=[rsi -> es:rdi] seg=ds opsize=8 addrsize=8 rep" },
	{ 32, "64 a4", "len=2 size=1 access=rw movs reg=al mem=[esi -> es:edi] seg=fs opsize=1 addrsize=4" },
	{ 64, "67 f3 48 ab", "len=4 size=8 access=w stos reg=rax mem=[edi] seg=es opsize=8 addrsize=4 rep" },
	{ 64, "64 aa", "len=2 size=1 access=w stos reg=al mem=[rdi] seg=es opsize=1 addrsize=8" },
	{ 16, "f3 ab", "len=2 size=2 access=w stos reg=ax mem=[di] seg=es opsize=2 addrsize=2 rep" },
	{ 64, "f2 ad", "len=2 size=4 access=r lods reg=eax mem=[rsi] seg=ds opsize=4 addrsize=8 repne" },
	{ 16, "66 ac", "len=2 size=1 access=r lods reg=al mem=[si] seg=ds opsize=1 addrsize=2" },
	/* SSE moves */
	{ 64, "66 0f 6e 02", "len=4 size=4 access=r movd reg=xmm0 mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "66 48 0f 6e 02", "len=5 size=8 access=r movq reg=xmm0 mem=[rdx] seg=ds opsize=8 addrsize=8" },
	{ 64, "66 44 0f 7e 3a", "len=5 size=4 access=w movd reg=xmm15 mem=[rdx] seg=ds opsize=4 addrsize=8" },
	{ 64, "f3 0f 7e 0a", "len=4 size=8 access=r movq reg=xmm1 mem=[rdx] seg=ds opsize=8 addrsize=8" },
	{ 64, "66 0f d6 0a", "len=4 size=8 access=w movq reg=xmm1 mem=[rdx] seg=ds opsize=8 addrsize=8" },
	{ 64, "66 0f 6f 0a", "len=4 size=16 access=r movdqa reg=xmm1 mem=[rdx] seg=ds opsize=16 addrsize=8" },
	{ 64, "66 0f 7f 0a", "len=4 size=16 access=w movdqa reg=xmm1 mem=[rdx] seg=ds opsize=16 addrsize=8" },
	{ 64, "f3 0f 6f 0a", "len=4 size=16 access=r movdqu reg=xmm1 mem=[rdx] seg=ds opsize=16 addrsize=8" },
	{ 64, "f3 45 0f 7f 0a", "len=5 size=16 access=w movdqu reg=xmm9 mem=[r10] seg=ds opsize=16 addrsize=8" },
	{ 32, "0f 28 0a", "len=3 size=16 access=r movaps reg=xmm1 mem=[edx] seg=ds opsize=16 addrsize=4" },
	{ 32, "0f 29 0a", "len=3 size=16 access=w movaps reg=xmm1 mem=[edx] seg=ds opsize=16 addrsize=4" },
	{ 64, "0f 10 0a", "len=3 size=16 access=r movups reg=xmm1 mem=[rdx] seg=ds opsize=16 addrsize=8" },
	{ 64, "0f 11 0a", "len=3 size=16 access=w movups reg=xmm1 mem=[rdx] seg=ds opsize=16 addrsize=8" },
	{ 64, "66 0f 29 0a", "len=4 size=16 access=w movapd reg=xmm1 mem=[rdx] seg=ds opsize=16 addrsize=8" },
	{ 64, "66 0f e7 0a", "len=4 size=16 access=w movntdq reg=xmm1 mem=[rdx] seg=ds opsize=16 addrsize=8" },
	{ 64, "0f 2b 0a", "len=3 size=16 access=w movntps reg=xmm1 mem=[rdx] seg=ds opsize=16 addrsize=8" },
	{ 64, "f3 0f 10 0a", "unsupported" }, /* movss */
	{ 64, "0f 6f 0a", "unsupported" },    /* MMX movq */
	{ 64, "f0 66 0f 7f 0a", "unsupported" },
	/* unsupported, malformed, truncated, too long */
	{ 64, "89 c0", "unsupported" },  /* register operand */
	{ 64, "8d 02", "unsupported" },  /* lea: no access */
	{ 64, "f0 89 02", "unsupported" },
	{ 64, "c4 e2 79 18 02", "unsupported" }, /* VEX */
	{ 64, "0f 0b", "unsupported" },
	{ 32, "40", "unsupported" },     /* inc eax, not REX */
	{ 64, "8b", "truncated" },
	{ 64, "8b 84", "truncated" },
	{ 64, "8b 84 24 00 00 00", "truncated" },
	{ 64, "66 66 66 66 66 66 66 66 66 66 66 8b 84 24 00 00 00 00", "too-long" },
	{ 64, "66 66 66 66 66 66 66 8b 84 24 00 00 00 00", "len=14 size=2 access=r mov reg=ax mem=[rsp] seg=ss opsize=2 addrsize=8" },
	{ 64, "66 66 66 66 66 66 66 66 8b 84 24 00 00 00 00", "len=15 size=2 access=r mov reg=ax mem=[rsp] seg=ss opsize=2 addrsize=8" },
	{ 64, "48 66 8b 02", "len=4 size=2 access=r mov reg=ax mem=[rdx] seg=ds opsize=2 addrsize=8" }, /* REX before a prefix is ignored */
	{ 64, "f2 f3 a5", "len=3 size=4 access=rw movs reg=eax mem=[rsi -> es:rdi] seg=ds opsize=4 addrsize=8 rep" },
};

/*
 * x86_decode (fast path first) against x86_decode_general on the same bytes: the same status
 * and, when accepted, the same struct x86_insn byte for byte, with the pad byte left alone.
 */
static unsigned diff_bad, diff_accepted;

static void diff_one(const uint8_t *b, size_t n, enum x86_mode mode)
{
	struct x86_insn f, g;
	memset(&f, 0xa5, sizeof f);
	memset(&g, 0xa5, sizeof g);
	int rf = x86_decode(b, n, mode, &f), rg = x86_decode_general(b, n, mode, &g);
	if (rf == rg && (rf != X86_DEC_OK || (memcmp(&f, &g, sizeof f) == 0 && f.pad == 0xa5))) {
		diff_accepted += rf == X86_DEC_OK;
		return;
	}
	if (++diff_bad > 10)
		return;
	char fs[256] = "", gs[256] = "";
	if (rf == X86_DEC_OK)
		x86_format_insn(fs, sizeof fs, &f);
	if (rg == X86_DEC_OK)
		x86_format_insn(gs, sizeof gs, &g);
	printf("FAIL fast path, mode %d n %zu bytes", mode, n);
	for (size_t i = 0; i < n && i < 15; i++)
		printf(" %02x", b[i]);
	printf(": fast %d \"%s\" pad %02x, general %d \"%s\"\n", rf, fs, f.pad, rg, gs);
}

/* Bytes that look like what the fast path takes: 66 and REX in either order or twice, other
 * prefixes, the fast opcodes, 0F and others, then random ModRM, SIB, displacement, immediate. */
static void gen_encoding(uint8_t *b)
{
	static const uint8_t pfx[] = { 0x66, 0x66, 0x66, 0x40, 0x48, 0xf0, 0xf2, 0xf3, 0x26, 0x2e,
				       0x36, 0x3e, 0x64, 0x65, 0x67, 0x0f };
	static const uint8_t ops[] = { 0x88, 0x89, 0x8a, 0x8b, 0xc6, 0xc7, 0x0f, 0x0f };
	unsigned n = 0, np = rng_below(8);
	np = np < 3 ? 0 : np < 7 ? 1 : 2;
	for (unsigned i = 0; i < np; i++) {
		uint8_t p = pfx[rng_below(sizeof pfx)];
		b[n++] = p == 0x40 || p == 0x48 ? (uint8_t)(0x40 | rng_below(16)) : p;
	}
	unsigned k = rng_below(16);
	b[n++] = k < 12 ? ops[rng_below(sizeof ops)] : (uint8_t)rng64();
	if (b[n - 1] == 0x0f)
		b[n++] = rng_below(4) ? (uint8_t)(0xb6 + rng_below(2)) : (uint8_t)rng64();
	while (n < 16)
		b[n++] = (uint8_t)rng64();
}

/* Prefix sequence k of the 38 that the fast path tells apart: none, 66, 66 66, 4C 66 (REX
 * then 66: REX ignored), 48 41 (REX twice), F0 (not for the fast path); 6-21: a REX 40-4F;
 * 22-37: 66 then a REX. Returns the length. */
#define PREFIX_SEQS 38
static unsigned prefix_seq(unsigned k, uint8_t *b)
{
	static const uint8_t fixed[][3] = { { 0 }, { 1, 0x66 }, { 2, 0x66, 0x66 }, { 2, 0x4c, 0x66 },
					    { 2, 0x48, 0x41 }, { 1, 0xf0 } };
	if (k < 6) {
		memcpy(b, fixed[k] + 1, fixed[k][0]);
		return fixed[k][0];
	}
	if (k < 22) {
		b[0] = (uint8_t)(0x40 + k - 6);
		return 1;
	}
	b[0] = 0x66;
	b[1] = (uint8_t)(0x40 + k - 22);
	return 2;
}

/* Every prefix sequence above before every fast opcode (and a few others), with every ModRM
 * byte, and every SIB byte where one follows. */
static void fast_path_exhaustive(enum x86_mode mode)
{
	static const uint8_t ops[][2] = { { 0x88 }, { 0x89 }, { 0x8a }, { 0x8b }, { 0xc6 }, { 0xc7 },
					  { 0x0f, 0xb6 }, { 0x0f, 0xb7 }, { 0x0f, 0xbe }, { 0x63 } };
	uint8_t b[16];
	for (unsigned k = 0; k < PREFIX_SEQS; k++) {
		unsigned np = prefix_seq(k, b);
		for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++) {
			unsigned n = np;
			b[n++] = ops[o][0];
			if (ops[o][1])
				b[n++] = ops[o][1];
			for (unsigned modrm = 0; modrm < 256; modrm++) {
				bool sib = (modrm & 7) == 4 && modrm < 0xc0;
				for (unsigned s = 0; s < (sib ? 256u : 1u); s++) {
					b[n] = (uint8_t)modrm;
					b[n + 1] = (uint8_t)(sib ? s : rng64());
					for (unsigned j = n + 2; j < sizeof b; j++)
						b[j] = (uint8_t)rng64();
					diff_one(b, X86_MAX_INSN_LEN, mode);
				}
			}
		}
	}
}

static void fast_path_check(void)
{
	static const enum x86_mode modes[] = { X86_MODE_64, X86_MODE_32, X86_MODE_16 };
	uint8_t b[16];
	for (unsigned m = 0; m < 3; m++)
		fast_path_exhaustive(modes[m]);
	for (unsigned i = 0; i < 3000000; i++) {
		enum x86_mode mode = modes[i % 3];
		if (i & 1) {
			gen_encoding(b);
		} else {
			for (unsigned j = 0; j < sizeof b; j++)
				b[j] = (uint8_t)rng64();
		}
		diff_one(b, X86_MAX_INSN_LEN, mode);
		if (i % 16 == 0) /* short buffers (the general path) and longer ones */
			diff_one(b, rng_below(sizeof b + 1), mode);
	}
	CHECK(diff_bad == 0 && diff_accepted > 2000000,
	      "decode: fast path = general path: every prefix/opcode/ModRM/SIB form, 3000000 random and "
	      "generated encodings (%u accepted, %u differ)", diff_accepted, diff_bad);
}

int main(void)
{
	unsigned bad = 0;
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct dcase *c = &cases[i];
		uint8_t b[32];
		unsigned n = hex_bytes(c->hex, b, sizeof b);
		enum x86_mode mode = c->mode == 64 ? X86_MODE_64 : c->mode == 32 ? X86_MODE_32 : X86_MODE_16;
		struct x86_insn in;
		char got[256];
		memset(&in, 0, sizeof in); /* the decoder leaves the pad byte alone */
		int rc = x86_decode(b, n, mode, &in);
		if (rc == X86_DEC_OK)
			x86_format_insn(got, sizeof got, &in);
		else
			snprintf(got, sizeof got, "%s", rc == X86_DEC_TRUNCATED ? "truncated" :
				 rc == X86_DEC_TOO_LONG ? "too-long" : "unsupported");
		int ok = strcmp(got, c->want) == 0;
		/* an accepted instruction decodes identically with trailing bytes present */
		if (ok && rc == X86_DEC_OK) {
			struct x86_insn in2;
			uint8_t padded[32];
			memset(&in2, 0, sizeof in2);
			memcpy(padded, b, n);
			memset(padded + n, 0x90, sizeof padded - n);
			ok = x86_decode(padded, sizeof padded, mode, &in2) == X86_DEC_OK &&
			     memcmp(&in, &in2, sizeof in) == 0;
		}
		if (!ok) {
			bad++;
			printf("FAIL decode %d-bit %s: got \"%s\", want \"%s\"\n", c->mode, c->hex, got, c->want);
		}
	}
	CHECK(bad == 0, "decode: %u unit cases (every form, 3 modes, prefixes, unsupported, truncated)",
	      (unsigned)(sizeof cases / sizeof cases[0]));
	fast_path_check();
	return bad ? 1 : CHECK_DONE();
}
