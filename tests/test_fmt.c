/* Host tests for lib/fmt.c, checked against the host libc's snprintf. */
#include "lib/fmt.h"
#include "tests/check.h"
#include <string.h>
#include <stdint.h>

#define SAME(...)                                                                        \
	do {                                                                             \
		char a[128], b[128];                                                     \
		int na = fmt_snprintf(a, sizeof a, __VA_ARGS__);                         \
		int nb = snprintf(b, sizeof b, __VA_ARGS__);                             \
		CHECK(na == nb && strcmp(a, b) == 0, "fmt %-24s -> \"%s\"", #__VA_ARGS__, a); \
	} while (0)

int main(void)
{
	SAME("%d %i %u", -5, 42, 7u);
	SAME("%x %X %#x %08x", 0xbeefu, 0xbeefu, 0x1fu, 0x2au);
	SAME("%lx %llx %lu", 0xdeadbeefcafeUL, 0xffffffffffffffffULL, 123456789012UL);
	SAME("%016lx|%-6d|%6d|%+d|% d", 0x1234UL, 12, 12, 3, 4);
	SAME("%s|%10s|%-10s|%.3s", "abc", "right", "left", "truncate");
	SAME("%c%c %5c", 'o', 'k', 'x');
	SAME("%hhx %hx %zu %%", 0x1ff, 0x1ffff, (size_t)99);
	SAME("%.4d %.0d|%o %#o", 7, 0, 8, 8);
	SAME("%ld", (long)INT64_MIN);
	char small[4];
	int n = fmt_snprintf(small, sizeof small, "%s", "truncated");
	CHECK(n == 9 && strcmp(small, "tru") == 0, "fmt truncates and reports full length");
	return CHECK_DONE();
}
