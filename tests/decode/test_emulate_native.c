/*
 * Whole-emulator differential test against the host CPU (64-bit mode): random encodings of
 * every supported form (random prefixes, REX, ModRM/SIB, displacements, immediates,
 * RIP-relative, moffs and 32-bit addressing, LOCK, REP string instructions with DF, SSE
 * moves through XMM0-15) are executed
 * natively from a code page next to a data buffer (mapped below 2 GiB so disp32 and 32-bit
 * addresses reach it) and emulated on a copy of the same state. Memory, all GPRs but RSP,
 * XMM registers, RIP and the defined RFLAGS must match. One PASS line with the count.
 */
#define _GNU_SOURCE
#include "decode/emulate.h"
#include "tests/decode/rng.h"
#include "tests/check.h"
#include <string.h>
#include <sys/mman.h>

struct native_state {
	uint64_t gpr[16];
	uint64_t rflags;
	uint64_t pad;
	uint8_t xmm[16][16]; /* at offset 144 */
};

/* run_native(state, code): loads XMM0-15, GPRs (except RSP) and RFLAGS from *state, jumps to
 * code, which ends with "jmp *native_return"; stores them back (RSP as it was). */
void run_native(struct native_state *s, const void *code);
void native_return(void);
__asm__(".text\n"
	".globl run_native\n"
	"run_native:\n"
	"	push %rbx\n	push %rbp\n	push %r12\n	push %r13\n	push %r14\n	push %r15\n"
	"	mov %rsp, nat_saved_rsp(%rip)\n"
	"	mov %rdi, nat_state(%rip)\n"
	"	mov %rsi, nat_code(%rip)\n"
	"	mov %rsp, 32(%rdi)\n"
	"	movdqu 144(%rdi), %xmm0\n"
	"	movdqu 160(%rdi), %xmm1\n"
	"	movdqu 176(%rdi), %xmm2\n"
	"	movdqu 192(%rdi), %xmm3\n"
	"	movdqu 208(%rdi), %xmm4\n"
	"	movdqu 224(%rdi), %xmm5\n"
	"	movdqu 240(%rdi), %xmm6\n"
	"	movdqu 256(%rdi), %xmm7\n"
	"	movdqu 272(%rdi), %xmm8\n"
	"	movdqu 288(%rdi), %xmm9\n"
	"	movdqu 304(%rdi), %xmm10\n"
	"	movdqu 320(%rdi), %xmm11\n"
	"	movdqu 336(%rdi), %xmm12\n"
	"	movdqu 352(%rdi), %xmm13\n"
	"	movdqu 368(%rdi), %xmm14\n"
	"	movdqu 384(%rdi), %xmm15\n"
	"	pushq 128(%rdi)\n	popfq\n"
	"	mov 0(%rdi), %rax\n	mov 8(%rdi), %rcx\n	mov 16(%rdi), %rdx\n	mov 24(%rdi), %rbx\n"
	"	mov 40(%rdi), %rbp\n	mov 48(%rdi), %rsi\n	mov 64(%rdi), %r8\n	mov 72(%rdi), %r9\n"
	"	mov 80(%rdi), %r10\n	mov 88(%rdi), %r11\n	mov 96(%rdi), %r12\n	mov 104(%rdi), %r13\n"
	"	mov 112(%rdi), %r14\n	mov 120(%rdi), %r15\n	mov 56(%rdi), %rdi\n"
	"	jmp *nat_code(%rip)\n"
	".globl native_return\n"
	"native_return:\n"
	"	pushfq\n"
	"	mov %rdi, nat_tmp(%rip)\n"
	"	mov nat_state(%rip), %rdi\n"
	"	popq 128(%rdi)\n"
	"	cld\n"
	"	movdqu %xmm0, 144(%rdi)\n"
	"	movdqu %xmm1, 160(%rdi)\n"
	"	movdqu %xmm2, 176(%rdi)\n"
	"	movdqu %xmm3, 192(%rdi)\n"
	"	movdqu %xmm4, 208(%rdi)\n"
	"	movdqu %xmm5, 224(%rdi)\n"
	"	movdqu %xmm6, 240(%rdi)\n"
	"	movdqu %xmm7, 256(%rdi)\n"
	"	movdqu %xmm8, 272(%rdi)\n"
	"	movdqu %xmm9, 288(%rdi)\n"
	"	movdqu %xmm10, 304(%rdi)\n"
	"	movdqu %xmm11, 320(%rdi)\n"
	"	movdqu %xmm12, 336(%rdi)\n"
	"	movdqu %xmm13, 352(%rdi)\n"
	"	movdqu %xmm14, 368(%rdi)\n"
	"	movdqu %xmm15, 384(%rdi)\n"
	"	mov %rax, 0(%rdi)\n	mov %rcx, 8(%rdi)\n	mov %rdx, 16(%rdi)\n	mov %rbx, 24(%rdi)\n"
	"	mov %rbp, 40(%rdi)\n	mov %rsi, 48(%rdi)\n	mov %r8, 64(%rdi)\n	mov %r9, 72(%rdi)\n"
	"	mov %r10, 80(%rdi)\n	mov %r11, 88(%rdi)\n	mov %r12, 96(%rdi)\n	mov %r13, 104(%rdi)\n"
	"	mov %r14, 112(%rdi)\n	mov %r15, 120(%rdi)\n"
	"	mov nat_tmp(%rip), %rax\n	mov %rax, 56(%rdi)\n"
	"	mov nat_saved_rsp(%rip), %rsp\n"
	"	pop %r15\n	pop %r14\n	pop %r13\n	pop %r12\n	pop %rbp\n	pop %rbx\n"
	"	ret\n"
	".data\n"
	"nat_saved_rsp: .quad 0\nnat_state: .quad 0\nnat_code: .quad 0\nnat_tmp: .quad 0\n"
	".text\n");

#define REGION_SIZE 0x20000u /* code page, then data */
#define DATA_OFF 0x1000u
#define DATA_SIZE (REGION_SIZE - DATA_OFF)
static uint8_t *region;
static uint8_t emu_data[DATA_SIZE];

/* Emulator access: linear addresses inside the data area map to emu_data. */
static int host_read(void *ctx, uint64_t la, void *buf, unsigned size, unsigned flags, struct x86_fault *f)
{
	uint64_t base = (uint64_t)(uintptr_t)region + DATA_OFF;
	if (la < base || la + size > base + DATA_SIZE)
		return X86_EMU_ERROR;
	memcpy(buf, emu_data + (la - base), size);
	return X86_EMU_OK;
}
static int host_write(void *ctx, uint64_t la, const void *buf, unsigned size, struct x86_fault *f)
{
	uint64_t base = (uint64_t)(uintptr_t)region + DATA_OFF;
	if (la < base || la + size > base + DATA_SIZE)
		return X86_EMU_ERROR;
	memcpy(emu_data + (la - base), buf, size);
	return X86_EMU_OK;
}
static uint8_t emu_xmm[16][16];
static void host_get_xmm(void *ctx, unsigned reg, uint8_t val[16]) { memcpy(val, emu_xmm[reg], 16); }
static void host_set_xmm(void *ctx, unsigned reg, const uint8_t val[16]) { memcpy(emu_xmm[reg], val, 16); }
static const struct x86_emu_ops host_ops = { host_read, host_write, host_get_xmm, host_set_xmm };

enum { I_NONE, I_8, I_Z, I_STR, I_MOFFS };
struct tmpl {
	uint8_t op[3], oplen;
	int8_t reg;      /* fixed ModRM.reg, -1 any, -2 string instruction */
	uint8_t imm, lock;
	uint8_t sse; /* SSE move: op[2] is its mandatory prefix (0 = none); no random 66 */
};
static struct tmpl tmpls[160];
static unsigned ntmpl;
static void add(uint8_t b0, int two, uint8_t b1, int reg, unsigned imm, unsigned lock)
{
	struct tmpl *t = &tmpls[ntmpl++];
	t->op[0] = b0;
	t->op[1] = b1;
	t->oplen = (uint8_t)(two ? 2 : 1);
	t->reg = (int8_t)reg;
	t->imm = (uint8_t)imm;
	t->lock = (uint8_t)lock;
	t->sse = 0;
	t->op[2] = 0;
}
static void build(void)
{
	for (unsigned row = 0; row < 8; row++)
		for (unsigned k = 0; k < 4; k++)
			add((uint8_t)(row * 8 + k), 0, 0, -1, I_NONE, k < 2 && row != 7);
	for (int r = 0; r < 8; r++) {
		add(0x80, 0, 0, r, I_8, r != 7);
		add(0x81, 0, 0, r, I_Z, r != 7);
		add(0x83, 0, 0, r, I_8, r != 7);
	}
	static const uint8_t plain[] = { 0x63, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b };
	for (unsigned i = 0; i < sizeof plain; i++)
		add(plain[i], 0, 0, -1, I_NONE, plain[i] == 0x86 || plain[i] == 0x87);
	add(0xc6, 0, 0, 0, I_8, 0);
	add(0xc7, 0, 0, 0, I_Z, 0);
	for (int r = 0; r < 4; r++) {
		add(0xf6, 0, 0, r, r < 2 ? I_8 : I_NONE, r >= 2);
		add(0xf7, 0, 0, r, r < 2 ? I_Z : I_NONE, r >= 2);
	}
	for (int r = 0; r < 2; r++) {
		add(0xfe, 0, 0, r, I_NONE, 1);
		add(0xff, 0, 0, r, I_NONE, 1);
	}
	static const uint8_t two[] = { 0xa3, 0xab, 0xb3, 0xbb, 0xb0, 0xb1, 0xc0, 0xc1, 0xb6, 0xb7, 0xbe, 0xbf, 0xc3 };
	for (unsigned i = 0; i < sizeof two; i++)
		add(0x0f, 1, two[i], -1, I_NONE, two[i] != 0xa3 && two[i] < 0xb6);
	for (int r = 4; r < 8; r++)
		add(0x0f, 1, 0xba, r, I_8, r > 4);
	static const uint8_t str[] = { 0xa4, 0xa5, 0xaa, 0xab, 0xac, 0xad };
	for (unsigned i = 0; i < sizeof str; i++)
		add(str[i], 0, 0, -2, I_STR, 0);
	for (uint8_t b = 0xa0; b <= 0xa3; b++)
		add(b, 0, 0, -2, I_MOFFS, 0);
	/* SSE moves: the mandatory prefix is a third opcode byte emitted first */
	static const uint8_t sse[][2] = { { 0, 0x10 }, { 0, 0x11 }, { 0, 0x28 }, { 0, 0x29 }, { 0, 0x2b },
		{ 0x66, 0x10 }, { 0x66, 0x11 }, { 0x66, 0x28 }, { 0x66, 0x29 }, { 0x66, 0x2b },
		{ 0x66, 0x6e }, { 0x66, 0x7e }, { 0x66, 0x6f }, { 0x66, 0x7f }, { 0x66, 0xd6 }, { 0x66, 0xe7 },
		{ 0xf3, 0x7e }, { 0xf3, 0x6f }, { 0xf3, 0x7f } };
	for (unsigned i = 0; i < sizeof sse / sizeof sse[0]; i++) {
		add(0x0f, 1, sse[i][1], -1, I_NONE, 0);
		tmpls[ntmpl - 1].op[2] = sse[i][0];
		tmpls[ntmpl - 1].sse = 1;
	}
}

/* Flags the SDM leaves undefined for op (excluded from the comparison). */
static uint64_t undefined_flags(unsigned op)
{
	if (op == X86_OP_AND || op == X86_OP_OR || op == X86_OP_XOR || op == X86_OP_TEST)
		return X86_FL_AF;
	if (op >= X86_OP_BT && op <= X86_OP_BTC)
		return X86_FL_OF | X86_FL_SF | X86_FL_AF | X86_FL_PF;
	return 0;
}

int main(void)
{
	region = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (region == MAP_FAILED) {
		printf("FAIL emulate_vs_cpu: cannot map an executable buffer below 2 GiB\n");
		return 1;
	}
	build();
	const uint64_t data = (uint64_t)(uintptr_t)region + DATA_OFF, mid = data + DATA_SIZE / 2;
	unsigned runs = 0, bad = 0, skipped = 0, per_op[X86_OP_COUNT] = { 0 };
	char first[400] = "";
	static const uint8_t nullsegs[] = { 0x26, 0x2e, 0x36, 0x3e };

	while (runs < 40000) {
		const struct tmpl *t = &tmpls[rng_below(ntmpl)];
		uint8_t code[32];
		unsigned n = 0;
		if (!t->sse && rng_below(4) == 0)
			code[n++] = 0x66;
		if (rng_below(6) == 0)
			code[n++] = 0x67;
		if (rng_below(8) == 0)
			code[n++] = nullsegs[rng_below(4)];
		if (t->lock && rng_below(2))
			code[n++] = 0xf0;
		if (t->imm == I_STR && rng_below(3))
			code[n++] = rng_below(4) ? 0xf3 : 0xf2;
		if (t->sse && t->op[2])
			code[n++] = t->op[2];
		if (rng_below(2))
			code[n++] = (uint8_t)(0x40 | rng_below(16));
		memcpy(code + n, t->op, t->oplen);
		n += t->oplen;
		unsigned disp_at = 0, disp_len = 0, riprel = 0;
		unsigned moffs_at = 0;
		if (t->imm == I_MOFFS) {
			moffs_at = n;
			memset(code + n, 0, 8);
			n += memchr(code, 0x67, moffs_at) ? 4 : 8;
		}
		if (t->reg != -2) {
			unsigned mod = rng_below(3), reg = t->reg >= 0 ? (unsigned)t->reg : rng_below(8);
			unsigned rm = rng_below(8);
			code[n++] = (uint8_t)(mod << 6 | reg << 3 | rm);
			if (rm == 4)
				code[n++] = (uint8_t)rng64();
			if (mod == 0 && rm == 5)
				riprel = 1;
			disp_len = mod == 1 ? 1 : mod == 2 ? 4 : (mod == 0 && (rm == 5 || (rm == 4 && (code[n - 1] & 7) == 5))) ? 4 : 0;
			disp_at = n;
			int32_t d = (int32_t)rng_below(512) - 256;
			memcpy(code + n, &d, disp_len);
			n += disp_len;
		}
		if (t->imm == I_8)
			code[n++] = (uint8_t)rng64();
		else if (t->imm == I_Z)
			for (int k = 0; k < 4; k++)
				code[n++] = (uint8_t)rng64();

		struct x86_insn in;
		if (x86_decode(code, n, X86_MODE_64, &in) != X86_DEC_OK || in.len != n) {
			if (x86_decode(code, n, X86_MODE_64, &in) == X86_DEC_OK && in.len < n)
				n = in.len; /* an imm16 under 66: the extra bytes are not part of it */
			else {
				skipped++;
				continue;
			}
		}
		/* no RSP anywhere: the harness needs its stack */
		if ((in.reg == X86_RSP && in.op < X86_OP_MOVD) || in.base == X86_RSP || in.index == X86_RSP) {
			skipped++;
			continue;
		}
		/* registers: random; base -> the middle of the buffer; index small; BT offsets small */
		struct native_state ns;
		for (int i = 0; i < 16; i++)
			ns.gpr[i] = rng_operand();
		if (t->imm == I_MOFFS) { /* an absolute address in the buffer */
			uint64_t target = mid + rng_below(512) * 8;
			memcpy(code + moffs_at, &target, in.addrsize);
			x86_decode(code, n, X86_MODE_64, &in);
		} else if (in.form == X86_FORM_STRING) {
			ns.gpr[X86_RSI] = mid + rng_below(256) - 128;
			ns.gpr[X86_RDI] = mid + 0x2000 + rng_below(256) - 128;
			ns.gpr[X86_RCX] = rng_below(17);
			if (in.addrsize == 4) /* upper halves must be ignored and cleared */
				for (int r = X86_RCX; r <= X86_RDI; r++)
					if (r == X86_RCX || r == X86_RSI || r == X86_RDI)
						ns.gpr[r] |= (uint64_t)rng64() << 32;
		} else {
			if (in.op >= X86_OP_BT && in.op <= X86_OP_BTC && in.form == X86_FORM_M_R)
				ns.gpr[in.reg] = (uint64_t)(int64_t)((int)rng_below(8192) - 4096);
			if (in.index != X86_REG_NONE)
				ns.gpr[in.index] = rng_below(64);
			if (in.base != X86_REG_NONE && in.base != X86_REG_RIP)
				ns.gpr[in.base] = mid + rng_below(512) * 8;
			if (in.base == X86_REG_NONE) { /* disp32 absolute: point it into the buffer */
				int32_t d = (int32_t)(mid + rng_below(512) * 8 - (in.index != X86_REG_NONE ? ns.gpr[in.index] * in.scale : 0));
				memcpy(code + disp_at, &d, 4);
			}
			if (riprel) { /* RIP-relative: target in the buffer */
				int32_t d = (int32_t)(mid + rng_below(512) * 8 - ((uint64_t)(uintptr_t)region + n));
				memcpy(code + disp_at, &d, 4);
			}
			if (x86_decode(code, n, X86_MODE_64, &in) != X86_DEC_OK) {
				skipped++;
				continue;
			}
			if (in.base == X86_REG_NONE && in.index == X86_REG_NONE && in.addrsize == 8 &&
			    (uint64_t)in.disp != (uint64_t)(uint32_t)in.disp) {
				skipped++;
				continue;
			}
		}
		for (int x = 0; x < 16; x++)
			for (int k = 0; k < 16; k++)
				ns.xmm[x][k] = (uint8_t)rng64();
		memcpy(emu_xmm, ns.xmm, sizeof emu_xmm);
		ns.rflags = 0x2 | (rng64() & X86_FL_STATUS) | (rng_below(2) ? X86_FL_DF : 0);
		if (in.form != X86_FORM_STRING)
			ns.rflags &= ~X86_FL_DF;

		/* the emulator's view of the same state */
		struct x86_regs r;
		memset(&r, 0, sizeof r);
		memcpy(r.gpr, ns.gpr, sizeof r.gpr);
		uint64_t before[16];
		memcpy(before, ns.gpr, sizeof before);
		/* REP string instruction, 32-bit address size, count 0: some CPUs write RCX/RSI/RDI
		 * as 32-bit registers (zero-extended, what the emulator does), an AMD EPYC host leaves
		 * them alone. The SDM leaves it unspecified; either is accepted. */
		bool vendor_choice = in.form == X86_FORM_STRING && in.addrsize == 4 &&
				     (in.prefixes & (X86_PFX_REP | X86_PFX_REPNE)) && !(uint32_t)ns.gpr[X86_RCX];
		r.rip = (uint64_t)(uintptr_t)region;
		r.rflags = ns.rflags;
		r.cr0 = X86_CR0_PE | X86_CR0_PG;
		r.cr4 = X86_CR4_PAE | X86_CR4_OSFXSR;
		r.efer = X86_EFER_LME | X86_EFER_LMA;
		r.seg[X86_CS].ar = 0x9b | X86_AR_L;
		/* safety: every access must stay inside the buffer, else skip */
		uint64_t ea = x86_effective_address(&in, &r);
		if (in.form != X86_FORM_STRING && in.op >= X86_OP_BT && in.op <= X86_OP_BTC && in.form == X86_FORM_M_R)
			ea += (uint64_t)(((int64_t)(int32_t)(in.opsize == 2 ? (int16_t)ns.gpr[in.reg] : (int32_t)ns.gpr[in.reg]) >> 3));
		if (in.form != X86_FORM_STRING && (ea < data + 0x1000 || ea + 64 > data + DATA_SIZE - 0x1000)) {
			skipped++;
			continue;
		}
		/* aligned SSE forms: #GP natively on a misaligned address; the emulator's #GP(0) for
		 * that is checked in test_emulate, here both run with aligned addresses */
		if ((in.op == X86_OP_MOVDQA || in.op == X86_OP_MOVAPS || in.op == X86_OP_MOVAPD ||
		     in.op == X86_OP_MOVNTDQ || in.op == X86_OP_MOVNTPS || in.op == X86_OP_MOVNTPD) && (ea & 15)) {
			skipped++;
			continue;
		}

		for (unsigned i = 0; i < DATA_SIZE; i++)
			emu_data[i] = (uint8_t)rng64();
		memcpy(region + DATA_OFF, emu_data, DATA_SIZE);
		memcpy(region, code, n);
		static const uint8_t jmp_back[6] = { 0xff, 0x25, 0, 0, 0, 0 }; /* jmp *0(%rip) */
		void (*ret)(void) = native_return;
		memcpy(region + n, jmp_back, 6);
		memcpy(region + n + 6, &ret, 8);
		__builtin___clear_cache((char *)region, (char *)region + n + 14);

		r.gpr[X86_RSP] = 0;
		struct x86_fault f;
		int rc;
		unsigned guard = 0;
		do /* REP runs until RIP moves on */
			rc = x86_emulate(&in, &r, &host_ops, NULL, 7, &f);
		while (rc == X86_EMU_OK && r.rip == (uint64_t)(uintptr_t)region && ++guard < 100);

		run_native(&ns, region);
		runs++;
		per_op[in.op]++;
		uint64_t fl_mask = X86_FL_STATUS & ~undefined_flags(in.op);
		bool same = rc == X86_EMU_OK && r.rip == (uint64_t)(uintptr_t)region + n &&
			    memcmp(emu_data, region + DATA_OFF, DATA_SIZE) == 0 &&
			    !((r.rflags ^ ns.rflags) & fl_mask) && !((r.rflags ^ ns.rflags) & X86_FL_DF);
		for (int i = 0; i < 16; i++)
			if (i != X86_RSP && r.gpr[i] != ns.gpr[i] &&
			    !(vendor_choice && (i == X86_RCX || i == X86_RSI || i == X86_RDI) && ns.gpr[i] == before[i] &&
			      r.gpr[i] == (uint32_t)before[i]))
				same = false;
		if (memcmp(emu_xmm, ns.xmm, sizeof emu_xmm))
			same = false;
		if (!same && !bad++) {
			size_t l = 0;
			for (unsigned i = 0; i < n; i++)
				l += (size_t)snprintf(first + l, sizeof first - l, "%02x ", code[i]);
			snprintf(first + l, sizeof first - l, "(%s): rc %d, flags cpu %llx ours %llx, mem %s",
				 x86_op_name(in.op), rc, (unsigned long long)(ns.rflags & X86_FL_STATUS),
				 (unsigned long long)(r.rflags & X86_FL_STATUS),
				 memcmp(emu_data, region + DATA_OFF, DATA_SIZE) ? "differs" : "same");
			if (memcmp(emu_xmm, ns.xmm, sizeof emu_xmm)) {
				l = strlen(first);
				snprintf(first + l, sizeof first - l, ", xmm differ");
			}
			for (int i = 0; i < 16; i++)
				if (i != X86_RSP && r.gpr[i] != ns.gpr[i]) {
					l = strlen(first);
					snprintf(first + l, sizeof first - l, ", %s cpu %llx ours %llx",
						 x86_reg_name((unsigned)i, 8), (unsigned long long)ns.gpr[i],
						 (unsigned long long)r.gpr[i]);
				}
		}
	}
	unsigned ops_seen = 0;
	for (unsigned i = 0; i < X86_OP_COUNT; i++)
		ops_seen += per_op[i] > 0;
	CHECK(bad == 0, "emulate_vs_cpu: %u random encodings of %u operations executed natively and emulated, "
	      "memory/GPRs/RIP/flags agree (%u differ%s%s; %u skipped)", runs, ops_seen, bad,
	      bad ? ", first: " : "", first, skipped);
	CHECK(ops_seen == X86_OP_COUNT - 1, "emulate_vs_cpu: every operation exercised (%u of %u)",
	      ops_seen, X86_OP_COUNT - 1);
	return CHECK_DONE();
}
