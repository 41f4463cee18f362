# virtio split virtqueues (pure): linked into the hypervisor and tested on the host.
HV_SRCS += devices/virtio/virtqueue.c
HOST_TESTS += $(HOST_BUILD)/test_virtqueue
$(HOST_BUILD)/test_virtqueue: $(HOST_BUILD)/obj/tests/devices/test_virtqueue.o $(HOST_BUILD)/obj/devices/virtio/virtqueue.o
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)

# What a virtio device's host test links besides the device: the PCI transport and what it
# needs. Named here, not as $(PCI_HOST_OBJS): fragments are included in sorted order, this one
# before devices/virtio_*.mk and pci/module.mk, and make expands a rule's prerequisites at once.
VIRTIO_TRANSPORT_HOST_OBJS := $(patsubst %,$(HOST_BUILD)/obj/pci/%.o,virtio_pci config header bar cap msi msix) \
	$(HOST_BUILD)/obj/devices/virtio/virtqueue.o $(HOST_BUILD)/obj/devices/range.o
