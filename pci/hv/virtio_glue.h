/* The hypervisor's virtio devices (pci/hv/virtio_glue.c, docs/virtio.md). */
#ifndef PCI_HV_VIRTIO_GLUE_H
#define PCI_HV_VIRTIO_GLUE_H
#include "boot/bootinfo.h"

/* Adds virtio-rng, -console and -net, and -blk when a module is marked "virtio-blk". poll: the
 * idle poll-timer ticks before a busy queue asks for notifications again (0: never poll; needs
 * the VMX-preemption timer, vmx/exit_poll.h). */
void virtio_glue_init(const struct boot_info *bi, unsigned poll);
/* Lines for the exit statistics: what each device did, notifications and polls. */
void virtio_print_stats(void);
#endif
