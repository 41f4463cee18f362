/*
 * Decode-cost benchmark driver, run under callgrind by tools/bench-decode.sh.
 *   bench_decode ours|zydis_full|zydis_min ITERATIONS
 * decodes the 68-instruction MMIO mix ITERATIONS times with the chosen decoder. The script
 * counts instructions inside the decode function only (callgrind --toggle-collect), so the
 * harness is not included. Before timing, every decoder's lengths are checked against the mix.
 */
#include "decode/x86_decode.h"
#include "tests/decode/mmio_mix.h"
#include "tests/decode/zydis_ref.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile unsigned sink;

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_decode ours|zydis_full|zydis_min ITERATIONS\n");
		return 2;
	}
	const char *which = argv[1];
	unsigned iters = (unsigned)strtoul(argv[2], NULL, 0);
	ZydisDecoder zd, zmin;
	zydis_ref_init(&zd, X86_MODE_64);
	zydis_ref_init(&zmin, X86_MODE_64);
	ZydisDecoderEnableMode(&zmin, ZYDIS_DECODER_MODE_MINIMAL, ZYAN_TRUE);

	/* sanity: all three agree on every length */
	for (unsigned i = 0; i < MMIO_MIX_COUNT; i++) {
		const struct mix_insn *m = &mmio_mix[i];
		struct x86_insn in;
		ZydisDecodedInstruction zi;
		ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
		ZydisDecoderContext ctx;
		if (x86_decode(m->bytes, m->len, X86_MODE_64, &in) != X86_DEC_OK || in.len != m->len ||
		    !ZYAN_SUCCESS(ZydisDecoderDecodeFull(&zd, m->bytes, m->len, &zi, zo)) || zi.length != m->len ||
		    !ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&zmin, &ctx, m->bytes, m->len, &zi)) ||
		    zi.length != m->len) {
			fprintf(stderr, "bench_decode: mix entry %u does not decode to length %u\n", i, m->len);
			return 1;
		}
	}

	unsigned total = 0;
	if (!strcmp(which, "ours")) {
		struct x86_insn in;
		for (unsigned it = 0; it < iters; it++)
			for (unsigned i = 0; i < MMIO_MIX_COUNT; i++) {
				x86_decode(mmio_mix[i].bytes, X86_MAX_INSN_LEN, X86_MODE_64, &in);
				total += in.len;
			}
	} else if (!strcmp(which, "zydis_full")) {
		ZydisDecodedInstruction zi;
		ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
		for (unsigned it = 0; it < iters; it++)
			for (unsigned i = 0; i < MMIO_MIX_COUNT; i++) {
				ZydisDecoderDecodeFull(&zd, mmio_mix[i].bytes, X86_MAX_INSN_LEN, &zi, zo);
				total += zi.length;
			}
	} else if (!strcmp(which, "zydis_min")) {
		ZydisDecodedInstruction zi;
		ZydisDecoderContext ctx;
		for (unsigned it = 0; it < iters; it++)
			for (unsigned i = 0; i < MMIO_MIX_COUNT; i++) {
				ZydisDecoderDecodeInstruction(&zmin, &ctx, mmio_mix[i].bytes, X86_MAX_INSN_LEN, &zi);
				total += zi.length;
			}
	} else {
		fprintf(stderr, "bench_decode: unknown decoder %s\n", which);
		return 2;
	}
	sink = total;
	printf("%s: %u decodes\n", which, iters * (unsigned)MMIO_MIX_COUNT);
	return 0;
}
