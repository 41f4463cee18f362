/* x86dec: decode instruction bytes given as hex, one instruction per line (host tool).
 * Usage: x86dec [-m 64|32|16] < input
 * Each line prints "<hex> len=N size=N access=r|w|rw|none ..." or "<hex> unsupported". */
#include "decode/format.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

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
		for (int i = 0; i < n; i++)
			hl += (size_t)snprintf(hex + hl, sizeof hex - hl, "%s%02x", i ? " " : "", bytes[i]);
		if (n < 0) {
			printf("%s unsupported\n", line);
			continue;
		}
		struct x86_insn in;
		int rc = x86_decode(bytes, (size_t)n, mode, &in);
		if (rc != X86_DEC_OK) {
			printf("%s unsupported\n", hex);
			continue;
		}
		char text[256];
		x86_format_insn(text, sizeof text, &in);
		printf("%s %s\n", hex, text);
	}
	return 0;
}
