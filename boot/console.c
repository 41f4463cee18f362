/* COM1 (16550) and port 0xE9 output. Polled, no interrupts: the hypervisor runs with IF=0. */
#include "boot/console.h"
#include "boot/platform.h"
#include "arch/x86.h"
#include "lib/fmt.h"

#define COM1 0x3f8
#define DEBUGCON 0xe9
/* 16550 registers (offsets from the base port). */
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20

static int uart_present;

void console_init(void)
{
	outb(COM1 + UART_IER, 0x00);    /* no interrupts */
	outb(COM1 + UART_LCR, 0x80);    /* DLAB on: divisor 1 = 115200 baud */
	outb(COM1 + 0, 0x01);
	outb(COM1 + 1, 0x00);
	outb(COM1 + UART_LCR, 0x03);    /* 8N1, DLAB off */
	outb(COM1 + UART_FCR, 0xc7);    /* FIFO on, cleared */
	outb(COM1 + UART_MCR, 0x03);    /* DTR, RTS */
	uart_present = inb(COM1 + UART_LSR) != 0xff;
}

static void uart_putc(char c)
{
	if (!uart_present)
		return;
	for (int spin = 0; spin < 100000 && !(inb(COM1 + UART_LSR) & UART_LSR_THRE); spin++)
		cpu_relax();
	outb(COM1 + UART_THR, (uint8_t)c);
}

static void put_char(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		uart_putc('\r');
	uart_putc(c);
	outb(DEBUGCON, (uint8_t)c);
}

void console_write(const char *s, unsigned long len)
{
	for (unsigned long i = 0; i < len; i++)
		put_char(0, s[i]);
}

void log_guest_line(const char *prefix, const char *text, unsigned long n)
{
	log_printf("%s", prefix);
	for (unsigned long k = 0; k < n; k++) {
		char c = text[k];
		put_char(0, c >= 0x20 && c < 0x7f ? c : '?');
	}
	put_char(0, '\n');
}

void log_vprintf(const char *fmt, va_list ap)
{
	fmt_vcallback(put_char, 0, fmt, ap);
}

void log_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	log_printf("hv: PANIC (hypervisor bug): ");
	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
	log_printf("\n");
	platform_shutdown(2);
}
