# PCI in the hypervisor: the machine's functions (assigned), the virtual ones, CF8/CFC, the ECAM
# window with its ACPI MCFG, MSI delivery.
HV_SRCS += pci/hv/host_config.c pci/hv/acpi.c pci/hv/assign.c pci/hv/vpci.c pci/hv/msi.c pci/hv/testdev_glue.c \
	pci/hv/vdev_bars.c pci/hv/virtio_glue.c
