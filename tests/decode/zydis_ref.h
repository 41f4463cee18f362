/* Zydis as the reference decoder for the differential test and the benchmark (host only). */
#ifndef TESTS_DECODE_ZYDIS_REF_H
#define TESTS_DECODE_ZYDIS_REF_H
#include <Zydis/Zydis.h>
#include "decode/x86_decode.h"

static inline void zydis_ref_init(ZydisDecoder *d, enum x86_mode mode)
{
	static const ZydisMachineMode mm[3] = { ZYDIS_MACHINE_MODE_LEGACY_16,
		ZYDIS_MACHINE_MODE_LONG_COMPAT_32, ZYDIS_MACHINE_MODE_LONG_64 };
	static const ZydisStackWidth sw[3] = { ZYDIS_STACK_WIDTH_16, ZYDIS_STACK_WIDTH_32,
		ZYDIS_STACK_WIDTH_64 };
	ZydisDecoderInit(d, mm[mode], sw[mode]);
}
#endif
