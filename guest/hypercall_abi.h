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
#define HC_PCI_BAR_INFO 5 /* RBX = B:D.F (bus << 8 | dev << 3 | fn), RCX = GPA of struct
                             hc_bar_info[7] -> RAX = 0, or HC_EINVAL for an absent function.
                             Every BAR's size, type and address in one exit (instead of 4-8
                             config accesses per BAR). */
#define HC_MMIO_DECODE_CACHE 6 /* RBX = 1: the MMIO decode cache on (the default), 0: off, every
                                  MMIO exit decodes its instruction afresh -> RAX = the previous
                                  setting. For measuring and testing the decode path. */

#define HC_BAR_NONE 0
#define HC_BAR_MEM32 1
#define HC_BAR_MEM64 2       /* this slot and the next are one BAR */
#define HC_BAR_MEM64_UPPER 3 /* the upper half of the previous slot's BAR */
#define HC_BAR_IO 4
#define HC_BAR_ROM 5         /* slot 6: the expansion ROM */
#define HC_BAR_PREFETCHABLE 1u /* flags */
#define HC_BAR_DECODING 2u     /* the command register (or ROM enable) lets it decode */
#ifndef __ASSEMBLY__
struct hc_bar_info {
	unsigned long long size, addr;
	unsigned int type, flags;
};
#endif

#define HC_ENOSYS (-1L) /* no such function */
#define HC_EINVAL (-2L) /* bad argument (e.g. a buffer outside guest RAM) */
#define HC_EPERM (-3L)  /* VMCALL from CPL > 0 */
#endif
