# virtio console device (pure): linked into the hypervisor and tested on the host with the transport.
HV_SRCS += devices/virtio/console.c
HOST_TESTS += $(HOST_BUILD)/test_virtio_console
$(HOST_BUILD)/test_virtio_console: $(HOST_BUILD)/obj/tests/devices/test_virtio_console.o \
		$(HOST_BUILD)/obj/devices/virtio/console.o $(VIRTIO_TRANSPORT_HOST_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)
