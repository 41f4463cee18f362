/*
 * The hypercall ABI (shared by the hypervisor and guests; documented in docs/hypercalls.md).
 *
 * A guest executes VMCALL (0F 01 C1) at CPL 0 with the function number in RAX and arguments in
 * RBX, RCX, RDX, RSI. The result comes back in RAX (negative values are errors); other registers
 * are preserved unless a function says otherwise. Addresses are guest-physical.
 */
#ifndef GUEST_HYPERCALL_ABI_H
#define GUEST_HYPERCALL_ABI_H

#define HV_ABI_VERSION 0x00010000 /* major 1, minor 0 */
#define HV_CPUID_SIGNATURE "MiniHVx86_64" /* CPUID 0x40000000 EBX, ECX, EDX */

#define HC_VERSION 0    /* -> RAX = HV_ABI_VERSION */
#define HC_NOP 1        /* -> RAX = 0; the cheapest round trip, for benchmarks */
#define HC_LOG 2        /* RBX = GPA of text, RCX = length (<= 4096) -> RAX = 0; printed as "guest: ..." */
#define HC_EXIT 3       /* RBX = status: the guest is finished; the hypervisor prints its exit
                           statistics and ends the machine with that status. Does not return. */
#define HC_EXIT_COUNT 4 /* RBX = exit reason, or ~0 for all reasons -> RAX = exits so far */
#define HC_PCI_BAR_INFO 5 /* reserved for the PCI work: all BARs of a function in one exit */

#define HC_ENOSYS (-1L) /* no such function */
#define HC_EINVAL (-2L) /* bad argument (e.g. a buffer outside guest RAM) */
#define HC_EPERM (-3L)  /* VMCALL from CPL > 0 */
#endif
