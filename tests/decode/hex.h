/* Hex string to bytes for tests ("8b 04 25" or "8b0425"). */
#ifndef TESTS_DECODE_HEX_H
#define TESTS_DECODE_HEX_H
#include <ctype.h>
#include <stdint.h>

static inline unsigned hex_bytes(const char *s, uint8_t *out, unsigned max)
{
	unsigned n = 0;
	int half = -1;
	for (; *s && n < max; s++) {
		if (!isxdigit((unsigned char)*s))
			continue;
		int v = isdigit((unsigned char)*s) ? *s - '0' : tolower((unsigned char)*s) - 'a' + 10;
		if (half < 0) {
			half = v;
		} else {
			out[n++] = (uint8_t)(half << 4 | v);
			half = -1;
		}
	}
	return n;
}
#endif
