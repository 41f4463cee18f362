# Flat range dispatch (PIO and MMIO): pure C, linked into the hypervisor and the host tests.
HV_SRCS += devices/range.c
HOST_TESTS += $(HOST_BUILD)/test_range
HOST_TOOLS += $(HOST_BUILD)/bench_dispatch
BENCH_SCRIPTS += tools/bench-dispatch.sh

$(HOST_BUILD)/test_range: $(HOST_BUILD)/obj/tests/devices/test_range.o $(HOST_BUILD)/obj/devices/range.o
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)

$(HOST_BUILD)/bench_dispatch: $(HOST_BUILD)/obj/tests/devices/bench_dispatch.o $(HOST_BUILD)/obj/devices/range.o
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)

# ACPI soft-off recognition (pure).
HV_SRCS += devices/acpi_s5.c
HOST_TESTS += $(HOST_BUILD)/test_acpi_s5
$(HOST_BUILD)/test_acpi_s5: $(HOST_BUILD)/obj/tests/devices/test_acpi_s5.o $(HOST_BUILD)/obj/devices/acpi_s5.o
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)

# virtio devices (pure; the transport is pci/virtio_pci.c, the queues devices/virtio/virtqueue.c).
HV_SRCS += devices/virtio/rng.c

# The guest's MADT with only the boot processor (pure).
HV_SRCS += devices/acpi_madt.c
HOST_TESTS += $(HOST_BUILD)/test_acpi_madt
$(HOST_BUILD)/test_acpi_madt: $(HOST_BUILD)/obj/tests/devices/test_acpi_madt.o $(HOST_BUILD)/obj/devices/acpi_madt.o
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)
