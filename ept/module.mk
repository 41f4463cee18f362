# EPT builder (pure) and its hypervisor glue.
HV_SRCS += ept/ept.c ept/guest_memory.c
HOST_TESTS += $(HOST_BUILD)/test_ept

$(HOST_BUILD)/test_ept: $(HOST_BUILD)/obj/tests/test_ept.o $(HOST_BUILD)/obj/ept/ept.o
	$(HOST_CC) -o $@ $^
