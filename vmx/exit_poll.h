/*
 * Polling between exits, for devices that serve the guest without being told (virtio's busy
 * queues, pci/hv/virtio_glue.c). While polling is on, the poll function runs after every VM
 * exit, and the VMX-preemption timer (SDM vol.3C 26.5.1) ends any stretch of guest execution
 * longer than EXIT_POLL_TICKS TSC ticks, so that a guest which waits for a device without
 * exiting is still served. The timer runs only while polling is on; the watchdog= option owns it
 * otherwise (then polling is not offered).
 */
#ifndef VMX_EXIT_POLL_H
#define VMX_EXIT_POLL_H
#include <stdbool.h>
#include "vmx/vcpu.h"

#define EXIT_POLL_TICKS (1u << 16)

extern bool exit_polling; /* read on every exit */

/* Sets the poll function: it returns true while it wants to go on polling; tick is true on the
 * timer's exit (the guest ran EXIT_POLL_TICKS without exiting). */
void exit_poll_init(bool (*poll)(bool tick));
/* True when this CPU has the timer polling needs. */
bool exit_poll_possible(void);
/* A device started polling (called from an exit handler): polling is on from this exit on. */
void exit_poll_request(void);
/* After an exit's handler, when exit_polling is set: one poll, and the timer follows. */
void exit_poll_run(struct vcpu *v);
#endif
