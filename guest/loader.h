/* Loads the built-in self-test guest into guest RAM and describes its starting state. */
#ifndef GUEST_LOADER_H
#define GUEST_LOADER_H
#include "vmx/vmcs_setup.h"
#include "boot/bootinfo.h"

#define SELFTEST_LOAD_ADDR 0x800000ull /* must match guest/selftest/guest.ld */

/* 0 or -1 (logged). `args` is passed to the guest in its guest_info. */
int guest_load_selftest(const char *args, uint64_t acpi_rsdp, struct guest_start_state *out);

/* Loads a Linux bzImage from the multiboot modules (guest/linux_loader.c): the first module
 * that is one is the kernel, its module string "NAME ARGS" gives the command line ARGS, the
 * next module is the initrd. 0 or -1 (logged). */
int guest_load_linux(const struct boot_info *bi, uint64_t acpi_rsdp, struct guest_start_state *out);
/* True if a multiboot module is a bzImage (the default guest is then Linux). */
bool guest_have_linux(const struct boot_info *bi);
#endif
