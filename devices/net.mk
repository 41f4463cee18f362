# Virtio-net "gateway" responder (pure): ARP and ICMP echo replies; linked into the hypervisor and tested on the host.
HV_SRCS += devices/net/responder.c
HOST_TESTS += $(HOST_BUILD)/test_net_responder
$(HOST_BUILD)/test_net_responder: $(HOST_BUILD)/obj/tests/devices/test_net_responder.o $(HOST_BUILD)/obj/devices/net/responder.o
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)
