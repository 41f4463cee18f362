/* Text form of a decoded instruction for tools and tests (host only: uses snprintf). */
#ifndef DECODE_FORMAT_H
#define DECODE_FORMAT_H
#include "decode/x86_decode.h"

static inline uint64_t x86_addr_mask(const struct x86_insn *in)
{
	return in->addrsize >= 8 ? ~0ull : (1ull << (in->addrsize * 8)) - 1;
}

/* Writes "len=N size=N access=.. mnemonic ..." (no newline); returns the full length. */
size_t x86_format_insn(char *buf, size_t size, const struct x86_insn *in);

#endif
