/* Command-line options: space-separated key=value words (pure, host-testable). */
#ifndef BOOT_CMDLINE_H
#define BOOT_CMDLINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copies the value of the last "key=value" word into out (NUL-terminated, truncated to size);
 * a bare "key" gives "". Returns false when the key is absent. */
bool cmdline_get(const char *cmdline, const char *key, char *out, size_t size);
/* True when the comma-separated list (a value such as "exits,mmio") holds item. */
bool cmdline_list_has(const char *list, const char *item);
/* Parses a decimal or 0x-hex number; false when malformed. */
bool cmdline_parse_u64(const char *s, uint64_t *out);
#endif
