# virtio network device (pure): linked into the hypervisor and tested on the host with the transport.
HV_SRCS += devices/virtio/net.c
HOST_TESTS += $(HOST_BUILD)/test_virtio_net
$(HOST_BUILD)/test_virtio_net: $(HOST_BUILD)/obj/tests/devices/test_virtio_net.o \
		$(HOST_BUILD)/obj/devices/virtio/net.o $(VIRTIO_TRANSPORT_HOST_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)
