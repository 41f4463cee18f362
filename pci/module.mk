# PCI: config space model, capabilities, MSI/MSI-X, bus and config transports, BAR routing,
# and the virtual test device. Pure C, linked into the hypervisor and the host tests.
PCI_SRCS := pci/config.c pci/header.c pci/bar.c pci/cap.c pci/msi.c pci/msix.c pci/cfgaddr.c \
	pci/bus.c pci/cfg_ops.c pci/bar_route.c pci/testdev.c pci/virtio_pci.c
HV_SRCS += $(PCI_SRCS)

PCI_HOST_OBJS := $(patsubst %.c,$(HOST_BUILD)/obj/%.o,$(PCI_SRCS)) $(HOST_BUILD)/obj/devices/range.o \
	$(HOST_BUILD)/obj/devices/virtio/virtqueue.o $(HOST_BUILD)/obj/devices/virtio/rng.o
PCI_TESTS := test_pci_config test_pci_bar test_pci_cap test_pci_msi test_pci_bus test_pci_testdev test_virtio_pci
HOST_TESTS += $(addprefix $(HOST_BUILD)/,$(PCI_TESTS))

$(addprefix $(HOST_BUILD)/,$(PCI_TESTS)): $(HOST_BUILD)/%: $(HOST_BUILD)/obj/tests/pci/%.o $(PCI_HOST_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LDLIBS)
