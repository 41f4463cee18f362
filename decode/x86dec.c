/* x86dec: decode instruction bytes given as hex, one instruction per line (host tool).
 * Usage: x86dec [-m 64|32|16] < input
 * Each line prints "<hex> len=N size=N access=r|w|rw|none ..." or "<hex> unsupported". */
#include "decode/x86_decode.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

/* Register used in an address: its name at the address size. */
static const char *addr_reg(const struct x86_insn *in, unsigned r)
{
	return x86_reg_name(r, in->addrsize);
}

/* Parses hex digits, ignoring spaces; returns the byte count or -1 on a bad character. */
static int parse_hex(const char *s, unsigned char *out, int max)
{
	int n = 0, half = -1;
	for (; *s; s++) {
		if (isspace((unsigned char)*s) || *s == ',')
			continue;
		if (!isxdigit((unsigned char)*s))
			return -1;
		int v = isdigit((unsigned char)*s) ? *s - '0' : (tolower((unsigned char)*s) - 'a' + 10);
		if (half < 0) {
			half = v;
		} else {
			if (n >= max)
				return -1;
			out[n++] = (unsigned char)(half << 4 | v);
			half = -1;
		}
	}
	return half < 0 ? n : -1;
}

int main(int argc, char **argv)
{
	enum x86_mode mode = X86_MODE_64;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-m") && i + 1 < argc) {
			int m = atoi(argv[++i]);
			mode = m == 16 ? X86_MODE_16 : m == 32 ? X86_MODE_32 : X86_MODE_64;
			if (m != 16 && m != 32 && m != 64) {
				fprintf(stderr, "x86dec: mode must be 64, 32 or 16\n");
				return 2;
			}
		} else {
			fprintf(stderr, "usage: x86dec [-m 64|32|16] < hex-lines\n");
			return 2;
		}
	}
	char line[4096];
	while (fgets(line, sizeof line, stdin)) {
		line[strcspn(line, "\r\n")] = 0;
		unsigned char bytes[64];
		int n = parse_hex(line, bytes, (int)sizeof bytes);
		if (n == 0)
			continue; /* blank line */
		char hex[200] = "";
		size_t hl = 0;
		for (int i = 0; i < (n < 40 ? n : 40); i++)
			hl += (size_t)snprintf(hex + hl, sizeof hex - hl, "%s%02x", i ? " " : "", bytes[i]);
		if (n < 0) {
			printf("%s unsupported (bad hex)\n", line);
			continue;
		}
		struct x86_insn in;
		int rc = x86_decode(bytes, (size_t)n, mode, &in);
		if (rc != X86_DEC_OK) {
			printf("%s unsupported%s\n", hex,
			       rc == X86_DEC_TRUNCATED ? " (truncated)" : rc == X86_DEC_TOO_LONG ? " (too long)" : "");
			continue;
		}
		static const char *const acc[4] = { "none", "r", "w", "rw" };
		const char *r = x86_reg_name(in.reg, in.op >= X86_OP_MOVD ? 16 : in.opsize);
		printf("%s len=%u size=%u access=%s %s", hex, in.len, in.memsize, acc[in.access & 3],
		       x86_op_name(in.op));
		if (in.form == X86_FORM_M_R || in.form == X86_FORM_R_M)
			printf(" reg=%s", r);
		if (in.form == X86_FORM_STRING)
			printf(" reg=%s", r);
		if (in.form == X86_FORM_M_I)
			printf(" imm=0x%llx", (unsigned long long)in.imm);
		printf(" mem=[");
		const char *sep = "";
		if (in.form == X86_FORM_STRING && in.op == X86_OP_MOVS) {
			printf("%s -> es:%s", addr_reg(&in, X86_RSI), addr_reg(&in, X86_RDI));
		} else {
			if (in.base != X86_REG_NONE) { printf("%s", addr_reg(&in, in.base)); sep = "+"; }
			if (in.index != X86_REG_NONE) { printf("%s%s*%u", sep, addr_reg(&in, in.index), in.scale); sep = "+"; }
			if (in.disp || !*sep) {
				if (in.disp < 0 && *sep)
					printf("-0x%llx", (unsigned long long)-(uint64_t)in.disp);
				else
					printf("%s0x%llx", sep, (unsigned long long)in.disp);
			}
		}
		printf("] seg=%s opsize=%u addrsize=%u", x86_seg_name(in.seg), in.opsize, in.addrsize);
		if (in.prefixes & X86_PFX_REP) printf(" rep");
		if (in.prefixes & X86_PFX_REPNE) printf(" repne");
		if (in.prefixes & X86_PFX_LOCK) printf(" lock");
		printf("\n");
	}
	return 0;
}
