/* The hypervisor's virtio devices (pci/hv/virtio_glue.c, docs/virtio.md). */
#ifndef PCI_HV_VIRTIO_GLUE_H
#define PCI_HV_VIRTIO_GLUE_H
#include "boot/bootinfo.h"

/* Adds virtio-rng, -console and -net, and -blk when a module is marked "virtio-blk". */
void virtio_glue_init(const struct boot_info *bi);
/* One line for the exit statistics: what each device did. */
void virtio_print_stats(void);
#endif
