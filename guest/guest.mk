# Built-in guests. The self-test guest is its own freestanding program, linked at guest-physical
# 0x800000, flattened to a binary and embedded in the hypervisor (guest/selftest_image.S).
GUEST_CFLAGS := $(filter-out -mcmodel=kernel -DMINIHV_HYPERVISOR=1,$(HV_CFLAGS)) -mcmodel=small
GUEST_SRCS := guest/selftest/start.S guest/selftest/gsupport.c guest/selftest/tests.c \
	guest/selftest/bench.c guest/selftest/main.c guest/selftest/mmio_forms_asm.S guest/selftest/mmio_forms.c \
	guest/selftest/pci_access.c guest/selftest/pci_tests.c guest/selftest/virtio_tests.c guest/selftest/dcache_tests.c \
	lib/fmt.c lib/string.c
GUEST_OBJS := $(patsubst %,$(BUILD)/guest/obj/%.o,$(basename $(GUEST_SRCS)))

HV_SRCS += guest/loader.c guest/selftest_image.S

$(BUILD)/guest/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HV_CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest/obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(HV_CC) $(HV_ASFLAGS) -c $< -o $@

$(BUILD)/guest/selftest.elf: $(GUEST_OBJS) guest/selftest/guest.ld
	$(LD) -nostdlib -static -z noexecstack -z max-page-size=0x1000 --no-warn-rwx-segments -T guest/selftest/guest.ld -o $@ $(GUEST_OBJS)

$(BUILD)/guest/selftest.bin: $(BUILD)/guest/selftest.elf
	$(OBJCOPY) -O binary $< $@

$(BUILD)/hv/guest/selftest_image.o: $(BUILD)/guest/selftest.bin
