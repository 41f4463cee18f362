/* Host tests for command-line parsing (boot/cmdline.c). */
#include "boot/cmdline.h"
#include "tests/check.h"
#include <string.h>

int main(void)
{
	char v[16];
	const char *cl = "/boot/hv.elf trace=exits guest=bench  watchdog=0x100 quiet guest=selftest";
	CHECK(cmdline_get(cl, "trace", v, sizeof v) && !strcmp(v, "exits"), "cmdline key=value");
	CHECK(cmdline_get(cl, "guest", v, sizeof v) && !strcmp(v, "selftest"), "cmdline last occurrence wins");
	CHECK(cmdline_get(cl, "quiet", v, sizeof v) && !strcmp(v, ""), "cmdline bare key");
	CHECK(!cmdline_get(cl, "trac", v, sizeof v), "cmdline no prefix match");
	CHECK(!cmdline_get(cl, "missing", v, sizeof v), "cmdline absent key");
	CHECK(!cmdline_get("", "x", v, sizeof v) && !cmdline_get(NULL, "x", v, sizeof v), "cmdline empty");
	char tiny[4];
	CHECK(cmdline_get("k=abcdef", "k", tiny, sizeof tiny) && !strcmp(tiny, "abc"), "cmdline truncates");
	uint64_t n;
	CHECK(cmdline_parse_u64("0x100", &n) && n == 256, "cmdline hex");
	CHECK(cmdline_parse_u64("1234", &n) && n == 1234, "cmdline decimal");
	CHECK(!cmdline_parse_u64("12a", &n) && !cmdline_parse_u64("", &n) && !cmdline_parse_u64("0x", &n), "cmdline malformed");
	CHECK(!cmdline_parse_u64("18446744073709551616", &n), "cmdline overflow");
	CHECK(cmdline_list_has("exits,mmio", "mmio") && cmdline_list_has("exits,mmio", "exits") &&
	      cmdline_list_has("mmio", "mmio") && !cmdline_list_has("exits,mmio", "mmi") && !cmdline_list_has("", "mmio") &&
	      !cmdline_list_has("exitsmmio", "mmio") && cmdline_list_has("a,,mmio", "mmio"),
	      "cmdline comma-separated lists");
	return CHECK_DONE();
}
