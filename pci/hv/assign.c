/* Assigned PCI functions: discovery, BAR sizing, and the guest's filtered config access. */
#include "pci/hv/assign.h"
#include "pci/hv/host_config.h"
#include "pci/cfgaddr.h"
#include "ept/guest_memory.h"
#include "boot/console.h"

struct assigned_fn assigned[ASSIGN_MAX];
unsigned n_assigned;

#define CFG_VENDOR 0x00
#define CFG_COMMAND 0x04
#define CFG_CLASS_REV 0x08
#define CFG_HEADER_TYPE 0x0e
#define CFG_BAR0 0x10
#define CMD_IO 0x1
#define CMD_MEM 0x2

/* Parses "0:1.1,0:3.0" (hex bus and device, as lspci prints them). */
static bool hidden_by_option(const char *hide, uint16_t bdf)
{
	for (const char *p = hide; p && *p;) {
		unsigned v[3] = { 0, 0, 0 }, i = 0;
		for (; *p && *p != ','; p++) {
			char c = *p;
			if (c == ':' || c == '.') { if (i < 2) i++; continue; }
			unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
				: c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 0;
			v[i] = v[i] * 16 + d;
		}
		if (*p == ',')
			p++;
		if (PCI_BDF(v[0], v[1], v[2]) == bdf)
			return true;
	}
	return false;
}

/* PCI LB 3.0 §6.2.5.1: write all ones with decoding off, read back, restore. */
static void size_bars(struct assigned_fn *a)
{
	unsigned nbars = (a->header_type & 0x7f) == 0 ? 6 : (a->header_type & 0x7f) == 1 ? 2 : 0;
	uint32_t cmd = host_pci_read(a->bdf, CFG_COMMAND, 2);
	host_pci_write(a->bdf, CFG_COMMAND, 2, cmd & ~(CMD_IO | CMD_MEM));
	for (unsigned i = 0; i < nbars; i++) {
		unsigned off = CFG_BAR0 + 4 * i;
		uint32_t orig = host_pci_read(a->bdf, off, 4);
		host_pci_write(a->bdf, off, 4, ~0u);
		uint32_t probe = host_pci_read(a->bdf, off, 4);
		host_pci_write(a->bdf, off, 4, orig);
		struct assigned_bar *b = &a->bar[i];
		if (!probe || probe == ~0u)
			continue;
		if (orig & 1) {
			b->io = true;
			b->addr = orig & ~3u;
			b->size = (uint16_t)(~(probe & ~3u) + 1);
			continue;
		}
		uint64_t mask = probe & ~0xfull, addr = orig & ~0xfull;
		b->prefetchable = orig & 8;
		if (((orig >> 1) & 3) == 2 && i + 1 < nbars) { /* 64-bit: the next BAR is the upper half */
			uint32_t orig_hi = host_pci_read(a->bdf, off + 4, 4);
			host_pci_write(a->bdf, off + 4, 4, ~0u);
			uint32_t probe_hi = host_pci_read(a->bdf, off + 4, 4);
			host_pci_write(a->bdf, off + 4, 4, orig_hi);
			mask |= (uint64_t)probe_hi << 32;
			addr |= (uint64_t)orig_hi << 32;
			b->mem64 = true;
			i++;
		} else {
			mask |= 0xffffffff00000000ull;
		}
		b->addr = addr;
		b->size = ~mask + 1;
	}
	host_pci_write(a->bdf, CFG_COMMAND, 2, cmd);
}

void assign_scan(const char *hide)
{
	for (unsigned bus = 0; bus < 256; bus++)
		for (unsigned dev = 0; dev < 32; dev++)
			for (unsigned fn = 0; fn < 8; fn++) {
				uint16_t bdf = PCI_BDF(bus, dev, fn);
				uint32_t id = host_pci_read(bdf, CFG_VENDOR, 4);
				if ((id & 0xffff) == 0xffff) {
					if (fn == 0)
						break; /* no function 0: no device */
					continue;
				}
				if (n_assigned == ASSIGN_MAX) {
					log_printf("hv: more than %u PCI functions; %02x:%02x.%x and later are not assigned\n",
						   ASSIGN_MAX, bus, dev, fn);
					return;
				}
				struct assigned_fn *a = &assigned[n_assigned++];
				a->bdf = bdf;
				a->vendor = (uint16_t)id;
				a->device = (uint16_t)(id >> 16);
				a->class_rev = host_pci_read(bdf, CFG_CLASS_REV, 4);
				a->header_type = (uint8_t)host_pci_read(bdf, CFG_HEADER_TYPE, 1);
				a->hidden = hidden_by_option(hide, bdf);
				size_bars(a);
				log_printf("hv: pci %02x:%02x.%x %04x:%04x class %06x%s\n", bus, dev, fn, a->vendor, a->device,
					   a->class_rev >> 8, a->hidden ? " (hidden from the guest: pci.hide)" : " assigned");
				for (unsigned i = 0; i < 6; i++)
					if (a->bar[i].size)
						log_printf("      BAR%u %s 0x%lx size 0x%lx%s%s\n", i, a->bar[i].io ? "io " : "mem",
							   a->bar[i].addr, a->bar[i].size, a->bar[i].mem64 ? " 64-bit" : "",
							   a->bar[i].prefetchable ? " prefetchable" : "");
				if (fn == 0 && !(a->header_type & 0x80))
					break; /* single-function device */
			}
	log_printf("hv: pci: %u functions found (config access by %s)\n", n_assigned, host_pci_mechanism());
}

struct assigned_fn *assign_find(uint16_t bdf)
{
	for (unsigned i = 0; i < n_assigned; i++)
		if (assigned[i].bdf == bdf)
			return &assigned[i];
	return 0;
}

bool assign_range_in_use(uint64_t base, uint64_t len)
{
	for (unsigned i = 0; i < n_assigned; i++)
		for (unsigned b = 0; b < 6; b++) {
			const struct assigned_bar *r = &assigned[i].bar[b];
			if (r->size && !r->io && base < r->addr + r->size && r->addr < base + len)
				return true;
		}
	return false;
}

uint32_t assign_config_read(struct assigned_fn *a, unsigned offset, unsigned size)
{
	if (a->hidden)
		return ~0u;
	return host_pci_read(a->bdf, offset, size);
}

/* Which BAR a dword-aligned config offset is, or -1. */
static int bar_at(const struct assigned_fn *a, unsigned offset)
{
	if (offset < CFG_BAR0 || offset >= CFG_BAR0 + 24 || (a->header_type & 0x7f) != 0)
		return -1;
	return (int)(offset - CFG_BAR0) / 4;
}

/* Filter: a memory BAR may not be moved over the hypervisor's memory — the device would then
 * DMA-decode or answer there. Such a write is dropped and logged; everything else goes through.
 * (Without an IOMMU the device can still DMA anywhere: see docs/pci.md.) */
void assign_config_write(struct assigned_fn *a, unsigned offset, unsigned size, uint32_t value)
{
	if (a->hidden)
		return;
	int bar = bar_at(a, offset & ~3u);
	if (bar >= 0) {
		const struct assigned_bar *b = &a->bar[bar];
		int base_bar = b->size ? bar : (bar > 0 && a->bar[bar - 1].mem64 ? bar - 1 : -1);
		if (base_bar >= 0 && !a->bar[base_bar].io) {
			/* The address the BAR would decode after this write (both halves for 64-bit). */
			unsigned lo_off = CFG_BAR0 + 4 * (unsigned)base_bar;
			uint64_t lo = host_pci_read(a->bdf, lo_off, 4), hi = a->bar[base_bar].mem64 ? host_pci_read(a->bdf, lo_off + 4, 4) : 0;
			uint64_t cur = lo | hi << 32, shift = 8 * ((offset & 3) + ((offset & ~3u) - lo_off));
			uint64_t mask = (size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1) << shift;
			uint64_t next = (cur & ~mask) | (((uint64_t)value << shift) & mask);
			uint64_t size_mask = ~(a->bar[base_bar].size - 1);
			uint64_t addr = next & size_mask & ~0xfull;
			bool probe = (uint32_t)(next & size_mask) == (uint32_t)size_mask; /* sizing */
			for (unsigned h = 0; !probe && h < guest_mem.n_hidden; h++)
				if (addr < guest_mem.hidden[h].end && guest_mem.hidden[h].base < addr + a->bar[base_bar].size) {
					log_printf("hv: refused: guest moves BAR%d of %02x:%02x.%x to 0x%lx, over hypervisor memory\n",
						   base_bar, PCI_BDF_BUS(a->bdf), PCI_BDF_DEV(a->bdf), PCI_BDF_FN(a->bdf), addr);
					return;
				}
		}
	}
	host_pci_write(a->bdf, offset, size, value);
	if (bar >= 0) { /* keep our copy of where its BARs are */
		for (unsigned i = 0; i < 6; i++)
			if (a->bar[i].size) {
				uint64_t lo = host_pci_read(a->bdf, CFG_BAR0 + 4 * i, 4);
				uint64_t hi = a->bar[i].mem64 ? host_pci_read(a->bdf, CFG_BAR0 + 4 * i + 4, 4) : 0;
				a->bar[i].addr = (lo | hi << 32) & (a->bar[i].io ? ~3ull : ~0xfull);
			}
	}
}
