/* Test helper: a raise-MSI callback that records the messages a device model sends. */
#ifndef TESTS_PCI_MSI_LOG_H
#define TESTS_PCI_MSI_LOG_H
#include <stdint.h>

static struct { uint64_t addr; uint32_t data; } sent[16];
static unsigned nsent;

static void raise_msi(void *ctx, uint64_t addr, uint32_t data)
{
	if (nsent < 16)
		sent[nsent].addr = addr, sent[nsent].data = data;
	nsent++;
}
#endif
