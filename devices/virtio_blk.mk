# virtio block device (pure): linked into the hypervisor and tested on the host with the transport.
# This fragment is read before pci/module.mk (fragments are included in sorted order and make
# expands a rule's prerequisites at once), so the transport's objects are named here instead of
# using $(PCI_HOST_OBJS).
HV_SRCS += devices/virtio/blk.c
VIRTIO_BLK_HOST_OBJS := $(HOST_BUILD)/obj/devices/virtio/blk.o \
	$(patsubst %,$(HOST_BUILD)/obj/pci/%.o,virtio_pci config header bar cap msi msix) \
	$(HOST_BUILD)/obj/devices/virtio/virtqueue.o $(HOST_BUILD)/obj/devices/range.o
HOST_TESTS += $(HOST_BUILD)/test_virtio_blk
$(HOST_BUILD)/test_virtio_blk: $(HOST_BUILD)/obj/tests/devices/test_virtio_blk.o $(VIRTIO_BLK_HOST_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)
