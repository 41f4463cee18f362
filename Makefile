# minihv — a minimal Type-1 style hypervisor for x86-64.
#
#   make          build build/hv.elf, build/hv32.elf (QEMU -kernel) and build/hv.iso
#   make run      install missing Debian packages, build, boot the self-test guest under Bochs
#   make run-linux  the same with Debian's kernel and a busybox initramfs as the guest
#   make test     host unit tests, then Bochs and QEMU runs; last line "N passed, M failed"
#   make bench    exit-cost benchmarks (Bochs TSC = instruction counts, exact)
#
# Each subsystem may add a fragment named module.mk in its directory; fragments append to
#   HV_SRCS        C/asm sources linked into the hypervisor (freestanding flags)
#   HOST_TESTS     host test programs under build/host/ (run by make test; print PASS/FAIL lines)
#   HOST_TOOLS     other host programs built by "make host"
#   BENCH_SCRIPTS  scripts run by make bench (print "bench: <name> = <n> <unit>" lines)
#   FUZZ_SCRIPTS   scripts run by make fuzz
#   TEST_SCRIPTS   scripts run by make test after host tests (print PASS/FAIL lines)

BUILD      := build
HOST_BUILD := $(BUILD)/host

CC      ?= gcc
HV_CC   := gcc
HOST_CC := gcc
LD      := ld
OBJCOPY := objcopy

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes -Wshadow
HV_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer -mno-red-zone -mgeneral-regs-only \
	-mcmodel=kernel -fno-common -I. -MMD -MP -DMINIHV_HYPERVISOR=1
HV_ASFLAGS := -I. -MMD -MP -D__ASSEMBLY__
HV_LDFLAGS := -nostdlib -static -z noexecstack -z max-page-size=0x1000 -T linker.ld --no-warn-rwx-segments

HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -I. -MMD -MP
HOST_LDLIBS :=

HV_SRCS :=
HOST_TESTS :=
HOST_TOOLS :=
BENCH_SCRIPTS :=
FUZZ_SCRIPTS :=
TEST_SCRIPTS :=

# Fragments may define rules; plain "make" still builds everything.
.DEFAULT_GOAL := all
include $(sort $(wildcard */*.mk))

HV_SRCS := $(sort $(HV_SRCS)) # fragments may name a shared source twice
HV_OBJS := $(patsubst %.c,$(BUILD)/hv/%.o,$(filter %.c,$(HV_SRCS))) \
           $(patsubst %.S,$(BUILD)/hv/%.o,$(filter %.S,$(HV_SRCS)))

.PHONY: all host run run-linux test bench fuzz clean deps
all: $(BUILD)/hv.elf $(BUILD)/hv32.elf $(BUILD)/hv.iso host

host: $(HOST_TESTS) $(HOST_TOOLS)

$(BUILD)/hv/%.o: %.c
	@mkdir -p $(dir $@)
	$(HV_CC) $(HV_CFLAGS) -c $< -o $@

# Host objects (unit tests, tools, fuzzers, benchmarks): same sources, host compiler.
$(HOST_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.o: %.S
	@mkdir -p $(dir $@)
	$(HV_CC) $(HV_ASFLAGS) -c $< -o $@

$(BUILD)/hv.elf: $(HV_OBJS) linker.ld
	$(LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS)
	grub-file --is-x86-multiboot $@ || { echo "$@: no multiboot v1 header"; rm -f $@; exit 1; }
	grub-file --is-x86-multiboot2 $@ || { echo "$@: no multiboot v2 header"; rm -f $@; exit 1; }

# QEMU's -kernel loads multiboot images only as 32-bit ELF files.
$(BUILD)/hv32.elf: $(BUILD)/hv.elf
	$(OBJCOPY) -O elf32-i386 $< $@

$(BUILD)/hv.iso: $(BUILD)/hv.elf tools/mkiso.sh
	tools/mkiso.sh $@ $(BUILD)/hv.elf mb2 ""

run: deps
	$(MAKE) $(BUILD)/hv.iso
	tools/run-bochs.sh --iso $(BUILD)/hv.iso --log $(BUILD)/run/serial.log --timeout 300 --stream

run-linux: deps
	$(MAKE) $(BUILD)/hv.elf
	tools/run-linux.sh --stream

test: deps
	$(MAKE) all
	tools/test.sh $(HOST_TESTS) -- $(TEST_SCRIPTS)

bench: deps
	$(MAKE) all
	tools/bench.sh $(BENCH_SCRIPTS)

fuzz: deps
	$(MAKE) host
	set -e; for s in $(FUZZ_SCRIPTS); do $$s; done

deps:
	@tools/deps.sh

clean:
	rm -rf $(BUILD)

-include $(HV_OBJS:.o=.d)
-include $(shell find $(HOST_BUILD) -name '*.d' 2>/dev/null)
