# virtio block device (pure): linked into the hypervisor and tested on the host with the transport.
HV_SRCS += devices/virtio/blk.c
HOST_TESTS += $(HOST_BUILD)/test_virtio_blk
$(HOST_BUILD)/test_virtio_blk: $(HOST_BUILD)/obj/tests/devices/test_virtio_blk.o $(HOST_BUILD)/obj/devices/virtio/blk.o \
		$(VIRTIO_TRANSPORT_HOST_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)
