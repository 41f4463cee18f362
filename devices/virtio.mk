# virtio split virtqueues (pure): linked into the hypervisor and tested on the host.
HV_SRCS += devices/virtio/virtqueue.c
HOST_TESTS += $(HOST_BUILD)/test_virtqueue
$(HOST_BUILD)/test_virtqueue: $(HOST_BUILD)/obj/tests/devices/test_virtqueue.o $(HOST_BUILD)/obj/devices/virtio/virtqueue.o
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)
