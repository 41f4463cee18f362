# decode/: x86 instruction decoder, MMIO emulator, guest page walker, decode cache (docs/decoder.md).
# Pure C: linked into the hypervisor and into host tests, tools, fuzzers and benchmarks.
DECODE_SRCS := decode/decode.c decode/optable.c decode/names.c
HV_SRCS += $(DECODE_SRCS)

DECODE_HOST_OBJS := $(patsubst %.c,$(HOST_BUILD)/obj/%.o,$(DECODE_SRCS))
ZYDIS_LIBS := -lZydis -lZycore

HOST_TESTS += $(HOST_BUILD)/test_zydis_diff
HOST_TOOLS += $(HOST_BUILD)/x86dec

$(HOST_BUILD)/x86dec: $(HOST_BUILD)/obj/decode/x86dec.o $(DECODE_HOST_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)

$(HOST_BUILD)/test_zydis_diff: $(HOST_BUILD)/obj/tests/decode/test_zydis_diff.o $(DECODE_HOST_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS) $(ZYDIS_LIBS)
