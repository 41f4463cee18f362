/* Ending the machine. The last line on the console is the status the run scripts look for. */
#include "boot/platform.h"
#include "boot/console.h"
#include "arch/x86.h"

void platform_shutdown(int status)
{
	log_printf("hv: shutdown status=%d\n", status);
	/* QEMU -device isa-debug-exit,iobase=0xf4: exits with (value << 1) | 1. */
	outb(0xf4, (uint8_t)status);
	/* Bochs: the magic breakpoint stops the simulation; the debugger rc file then quits (exit 0). */
	if (status == 0)
		__asm__ volatile("xchg %bx, %bx");
	/* Bochs: "Shutdown" on port 0x8900 ends the simulation with exit code 1. */
	for (const char *p = "Shutdown"; *p; p++)
		outb(0x8900, (uint8_t)*p);
	cpu_halt_forever();
}
