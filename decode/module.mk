# decode/: x86 instruction decoder, MMIO emulator, guest page walker, decode cache (docs/decoder.md).
# Pure C: linked into the hypervisor and into host tests, tools, fuzzers and benchmarks.
DECODE_SRCS := decode/decode.c decode/optable.c decode/names.c decode/alu.c decode/emulate.c \
	decode/pagewalk.c decode/linear.c decode/decode_cache.c decode/fetch.c decode/string_io.c
HV_SRCS += $(DECODE_SRCS)

DECODE_HOST_OBJS := $(patsubst %.c,$(HOST_BUILD)/obj/%.o,$(DECODE_SRCS) decode/format.c)
ZYDIS_LIBS := -lZydis -lZycore

DECODE_TESTS := test_decode test_emulate test_emulate_native test_alu_native test_pagewalk test_cache test_zydis_diff \
	test_string_io
HOST_TESTS += $(patsubst %,$(HOST_BUILD)/%,$(DECODE_TESTS))
HOST_TOOLS += $(HOST_BUILD)/x86dec $(HOST_BUILD)/bench_decode
TEST_SCRIPTS += tests/decode/fuzz-short.sh
FUZZ_SCRIPTS += tools/fuzz-decode.sh
BENCH_SCRIPTS += tools/bench-decode.sh

$(HOST_BUILD)/x86dec: $(HOST_BUILD)/obj/decode/x86dec.o $(DECODE_HOST_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)

$(HOST_BUILD)/test_zydis_diff: $(HOST_BUILD)/obj/tests/decode/test_zydis_diff.o $(DECODE_HOST_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS) $(ZYDIS_LIBS)

$(HOST_BUILD)/bench_decode: $(HOST_BUILD)/obj/tests/decode/bench_decode.o $(DECODE_HOST_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS) $(ZYDIS_LIBS)

$(patsubst %,$(HOST_BUILD)/%,$(filter-out test_zydis_diff,$(DECODE_TESTS))): $(HOST_BUILD)/%: \
		$(HOST_BUILD)/obj/tests/decode/%.o $(DECODE_HOST_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)

# libFuzzer target: decode + emulate on random bytes and random guest page tables (clang).
FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -O1 -g -I. -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
$(HOST_BUILD)/fuzz_decode: tests/decode/fuzz_decode.c $(DECODE_SRCS) $(wildcard decode/*.h tests/decode/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/decode/fuzz_decode.c $(DECODE_SRCS)
