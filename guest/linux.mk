# Linux guests: the 64-bit boot protocol (pure, host-tested) and the loader.
HV_SRCS += guest/linux_boot.c guest/linux_loader.c
HOST_TESTS += $(HOST_BUILD)/test_linux_boot

$(HOST_BUILD)/test_linux_boot: $(HOST_BUILD)/obj/tests/guest/test_linux_boot.o $(HOST_BUILD)/obj/guest/linux_boot.o
	$(HOST_CC) -o $@ $^
