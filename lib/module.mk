# Freestanding runtime: string routines (hypervisor only; the host has libc) and formatting.
HV_SRCS += lib/string.c lib/fmt.c
HOST_TESTS += $(HOST_BUILD)/test_fmt

$(HOST_BUILD)/test_fmt: $(HOST_BUILD)/obj/tests/test_fmt.o $(HOST_BUILD)/obj/lib/fmt.o
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)
