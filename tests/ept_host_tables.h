/* EPT tables for host tests: "physical" addresses are host pointers; an optional budget (int *
 * as the ops' ctx) makes allocation fail after that many tables. */
#ifndef TESTS_EPT_HOST_TABLES_H
#define TESTS_EPT_HOST_TABLES_H
#include "ept/ept.h"
#include <stdlib.h>
#include <string.h>

static void *host_alloc(void *ctx, uint64_t *pa)
{
	int *budget = ctx;
	if (budget && (*budget)-- <= 0)
		return NULL;
	void *p = aligned_alloc(4096, 4096);
	memset(p, 0, 4096);
	*pa = (uint64_t)(uintptr_t)p;
	return p;
}

static void *host_ptr(void *ctx, uint64_t pa) { return (void *)(uintptr_t)pa; }
#endif
