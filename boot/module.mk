# Boot: multiboot entry, long mode, console, CPU tables, exceptions, command line, main.
HV_SRCS += boot/entry.S boot/isr.S boot/console.c boot/platform.c boot/cpu_tables.c boot/exception.c \
	boot/multiboot.c boot/cmdline.c boot/main.c
HOST_TESTS += $(HOST_BUILD)/test_cmdline

$(HOST_BUILD)/test_cmdline: $(HOST_BUILD)/obj/tests/test_cmdline.o $(HOST_BUILD)/obj/boot/cmdline.o
	$(HOST_CC) -o $@ $^
