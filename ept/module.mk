# EPT builder and write watches (pure) and their hypervisor glue.
HV_SRCS += ept/ept.c ept/write_watch.c ept/guest_memory.c
HOST_TESTS += $(HOST_BUILD)/test_ept $(HOST_BUILD)/test_write_watch

$(HOST_BUILD)/test_ept: $(HOST_BUILD)/obj/tests/test_ept.o $(HOST_BUILD)/obj/ept/ept.o
	$(HOST_CC) -o $@ $^

$(HOST_BUILD)/test_write_watch: $(HOST_BUILD)/obj/tests/test_write_watch.o $(HOST_BUILD)/obj/ept/write_watch.o $(HOST_BUILD)/obj/ept/ept.o
	$(HOST_CC) -o $@ $^
