/* Ending the machine: Bochs, QEMU and bare metal each have their own way. */
#ifndef BOOT_PLATFORM_H
#define BOOT_PLATFORM_H

/* Prints "hv: shutdown status=N" and ends the emulator: QEMU's isa-debug-exit (port 0xf4),
 * Bochs's magic breakpoint (status 0, emulator exits 0) or its shutdown port 0x8900 (exits 1).
 * On real hardware it halts. The serial log, not the emulator's exit code, is the verdict. */
void platform_shutdown(int status) __attribute__((noreturn));

#endif
