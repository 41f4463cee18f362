/* Hypervisor log: every byte goes to COM1 (16550 UART) and to port 0xE9 (Bochs/QEMU debug port). */
#ifndef BOOT_CONSOLE_H
#define BOOT_CONSOLE_H
#include <stdarg.h>

void console_init(void);
void console_write(const char *s, unsigned long len);
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vprintf(const char *fmt, va_list ap);

/* One line of guest-controlled text: `prefix` (e.g. "guest: "), the n bytes with every control
 * or non-ASCII byte shown as '?', a newline. The prefix keeps a guest from forging a line of
 * the hypervisor's own (the run scripts judge by "hv: shutdown status=N"). */
void log_guest_line(const char *prefix, const char *text, unsigned long n);

/* For hypervisor bugs only (never for guest behaviour): prints, then ends the machine. */
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
#endif
