/* printf-style formatting, freestanding and host-testable.
 * Supports %d %i %u %x %X %o %c %s %p %%, flags '-' '0' ' ' '+' '#', width, precision,
 * and the length modifiers hh h l ll z j t. */
#ifndef LIB_FMT_H
#define LIB_FMT_H
#include <stdarg.h>
#include <stddef.h>

/* Writes at most size-1 characters and a NUL; returns the length the full output would have. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Streams output through put(ctx, c) without a buffer; returns characters written. */
int fmt_vcallback(void (*put)(void *ctx, char c), void *ctx, const char *fmt, va_list ap);

#endif
