/* Minimal test helpers for host unit tests: one "PASS name" / "FAIL name: why" line per check. */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H
#include <stdio.h>

static int check_failures, check_passes;

#define CHECK(cond, ...)                                                              \
	do {                                                                          \
		if (cond) {                                                           \
			check_passes++;                                               \
			printf("PASS ");                                              \
			printf(__VA_ARGS__);                                          \
			printf("\n");                                                 \
		} else {                                                              \
			check_failures++;                                             \
			printf("FAIL ");                                              \
			printf(__VA_ARGS__);                                          \
			printf(": %s (%s:%d)\n", #cond, __FILE__, __LINE__);          \
		}                                                                     \
	} while (0)

#define CHECK_DONE() (check_failures ? 1 : 0)
#endif
