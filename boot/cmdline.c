#include "boot/cmdline.h"

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

bool cmdline_get(const char *cmdline, const char *key, char *out, size_t size)
{
	bool found = false;
	size_t klen = 0;
	while (key[klen])
		klen++;
	for (const char *p = cmdline; p && *p;) {
		while (is_space(*p))
			p++;
		const char *w = p;
		while (*p && !is_space(*p))
			p++;
		size_t wlen = (size_t)(p - w);
		if (wlen >= klen && !__builtin_memcmp(w, key, klen) && (wlen == klen || w[klen] == '=')) {
			found = true;
			const char *val = wlen == klen ? w + klen : w + klen + 1;
			size_t n = (size_t)(p - val), i;
			for (i = 0; size && i < n && i + 1 < size; i++)
				out[i] = val[i];
			if (size)
				out[i] = 0;
		}
	}
	return found;
}

bool cmdline_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9') d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f') d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F') d = (unsigned)(*s - 'A' + 10);
		else return false;
		if (v > (~0ull - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

bool cmdline_list_has(const char *list, const char *item)
{
	size_t n = 0;
	while (item[n])
		n++;
	for (const char *p = list; *p;) {
		size_t len = 0;
		while (p[len] && p[len] != ',')
			len++;
		bool same = len == n;
		for (size_t i = 0; same && i < n; i++)
			same = p[i] == item[i];
		if (same)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}
