/* printf-style formatting without libc: one streaming core, two front ends. */
#include "lib/fmt.h"
#include <stdint.h>
#include <stdbool.h>

struct spec {
	bool left, zero, plus, space, alt;
	int width, prec; /* prec < 0: none */
};

static int emit(void (*put)(void *, char), void *ctx, char c)
{
	put(ctx, c);
	return 1;
}

static int pad(void (*put)(void *, char), void *ctx, char c, int n)
{
	int out = 0;
	while (n-- > 0)
		out += emit(put, ctx, c);
	return out;
}

static int emit_number(void (*put)(void *, char), void *ctx, uint64_t v, bool neg, unsigned base,
		       bool upper, const struct spec *sp)
{
	char digits[24];
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int nd = 0;
	while (v) {
		digits[nd++] = set[v % base];
		v /= base;
	}
	int prec = sp->prec < 0 ? 1 : sp->prec;
	int zeros = prec > nd ? prec - nd : 0;
	const char *prefix = "";
	if (neg)
		prefix = "-";
	else if (sp->plus && base == 10)
		prefix = "+";
	else if (sp->space && base == 10)
		prefix = " ";
	else if (sp->alt && base == 16 && nd)
		prefix = upper ? "0X" : "0x";
	else if (sp->alt && base == 8 && !zeros)
		zeros = 1;
	int plen = 0;
	while (prefix[plen])
		plen++;
	int body = plen + zeros + nd;
	int out = 0;
	if (!sp->left && !(sp->zero && sp->prec < 0))
		out += pad(put, ctx, ' ', sp->width - body);
	for (int i = 0; i < plen; i++)
		out += emit(put, ctx, prefix[i]);
	if (!sp->left && sp->zero && sp->prec < 0)
		out += pad(put, ctx, '0', sp->width - body);
	out += pad(put, ctx, '0', zeros);
	while (nd)
		out += emit(put, ctx, digits[--nd]);
	if (sp->left)
		out += pad(put, ctx, ' ', sp->width - body);
	return out;
}

int fmt_vcallback(void (*put)(void *ctx, char c), void *ctx, const char *fmt, va_list ap)
{
	int out = 0;
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			out += emit(put, ctx, *fmt);
			continue;
		}
		struct spec sp = { .prec = -1 };
		for (;; fmt++) {
			char f = fmt[1];
			if (f == '-') sp.left = true;
			else if (f == '0') sp.zero = true;
			else if (f == '+') sp.plus = true;
			else if (f == ' ') sp.space = true;
			else if (f == '#') sp.alt = true;
			else break;
		}
		fmt++;
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.prec = sp.prec * 10 + (*fmt++ - '0');
			}
		}
		int len = 0; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
		for (;; fmt++) {
			if (*fmt == 'l') len++;
			else if (*fmt == 'h') len--;
			else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't') len = 2;
			else break;
		}
		char c = *fmt;
		if (!c)
			break;
		switch (c) {
		case 'd':
		case 'i': {
			int64_t v = len >= 1 ? (len == 1 ? va_arg(ap, long) : va_arg(ap, long long)) : va_arg(ap, int);
			if (len == -1) v = (short)v;
			if (len <= -2) v = (signed char)v;
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			out += emit_number(put, ctx, mag, v < 0, 10, false, &sp);
			break;
		}
		case 'u': case 'x': case 'X': case 'o': {
			uint64_t v = len >= 1 ? (len == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned long long))
					      : va_arg(ap, unsigned int);
			if (len == -1) v = (unsigned short)v;
			if (len <= -2) v = (unsigned char)v;
			unsigned base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
			out += emit_number(put, ctx, v, false, base, c == 'X', &sp);
			break;
		}
		case 'p': {
			sp.alt = true;
			out += emit_number(put, ctx, (uintptr_t)va_arg(ap, void *), false, 16, false, &sp);
			break;
		}
		case 'c': {
			int n = sp.width - 1;
			if (!sp.left) out += pad(put, ctx, ' ', n);
			out += emit(put, ctx, (char)va_arg(ap, int));
			if (sp.left) out += pad(put, ctx, ' ', n);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int n = 0;
			while (s[n] && (sp.prec < 0 || n < sp.prec))
				n++;
			if (!sp.left) out += pad(put, ctx, ' ', sp.width - n);
			for (int i = 0; i < n; i++)
				out += emit(put, ctx, s[i]);
			if (sp.left) out += pad(put, ctx, ' ', sp.width - n);
			break;
		}
		default:
			out += emit(put, ctx, '%');
			if (c != '%')
				out += emit(put, ctx, c);
			break;
		}
	}
	return out;
}

struct bufctx {
	char *buf;
	size_t size, pos;
};

static void buf_put(void *ctx, char c)
{
	struct bufctx *b = ctx;
	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct bufctx b = { buf, size, 0 };
	int n = fmt_vcallback(buf_put, &b, fmt, ap);
	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
