# virtio network device (pure; devices/virtio/net.c), tested on the host through the PCI
# transport. Objects are listed explicitly: pci/module.mk (PCI_HOST_OBJS) is read after this file.
HV_SRCS += devices/virtio/net.c
HOST_TESTS += $(HOST_BUILD)/test_virtio_net
$(HOST_BUILD)/test_virtio_net: $(HOST_BUILD)/obj/tests/devices/test_virtio_net.o \
		$(HOST_BUILD)/obj/devices/virtio/net.o $(HOST_BUILD)/obj/pci/virtio_pci.o \
		$(HOST_BUILD)/obj/pci/config.o $(HOST_BUILD)/obj/pci/header.o $(HOST_BUILD)/obj/pci/bar.o \
		$(HOST_BUILD)/obj/pci/cap.o $(HOST_BUILD)/obj/pci/msi.o $(HOST_BUILD)/obj/pci/msix.o \
		$(HOST_BUILD)/obj/devices/virtio/virtqueue.o $(HOST_BUILD)/obj/devices/range.o
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)
