/* BAR definition, decode state and the one-call BAR report (PCI LB 3.0 §6.2.5). */
#include "pci/bar.h"
#include "pci/header.h"
#include "pci/regs.h"

unsigned pci_bar_offset(const struct pci_function *fn, unsigned bar)
{
	bool bridge = pci_header_type(fn) == PCI_HEADER_TYPE_BRIDGE;
	if (bar == PCI_ROM_BAR)
		return bridge ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS;
	if (bar < (bridge ? 2u : (unsigned)PCI_NUM_BARS))
		return PCI_BAR0 + 4 * bar;
	return 0;
}

static bool power_of_two(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

static bool size_allowed(enum pci_bar_type type, uint64_t size)
{
	if (!power_of_two(size))
		return false;
	switch (type) {
	case PCI_BAR_MEM32: return size >= 16 && size <= 0x80000000ull;   /* §6.2.5.1: 4 type bits */
	case PCI_BAR_MEM64: return size >= 16 && size <= (1ull << 63);
	case PCI_BAR_IO: return size >= 4 && size <= 256;                  /* §6.2.5.1: at most 256 */
	case PCI_BAR_ROM: return size >= 2048 && size <= (16ull << 20);    /* §6.2.5.2 */
	default: return false;
	}
}

int pci_bar_define(struct pci_function *fn, unsigned bar, enum pci_bar_type type, uint64_t size,
		   bool prefetchable)
{
	unsigned off = bar < PCI_BAR_SLOTS ? pci_bar_offset(fn, bar) : 0;
	if (off == 0)
		return PCI_BAR_EINDEX;
	if (type == PCI_BAR_NONE || type == PCI_BAR_MEM64_UPPER || (type == PCI_BAR_ROM) != (bar == PCI_ROM_BAR) ||
	    ((type == PCI_BAR_IO || type == PCI_BAR_ROM) && prefetchable))
		return PCI_BAR_ETYPE;
	if (type == PCI_BAR_MEM64 && (bar + 1 >= PCI_ROM_BAR || pci_bar_offset(fn, bar + 1) == 0))
		return PCI_BAR_EINDEX;
	if (fn->bar[bar].type != PCI_BAR_NONE || (type == PCI_BAR_MEM64 && fn->bar[bar + 1].type != PCI_BAR_NONE))
		return PCI_BAR_EBUSY;
	if (!size_allowed(type, size))
		return PCI_BAR_ESIZE;

	uint64_t addr_bits = ~(size - 1);
	uint32_t pf = prefetchable ? PCI_BAR_MEM_PREFETCH : 0;
	switch (type) {
	case PCI_BAR_MEM32:
		pci_config_set(fn, off, 4, pf);
		pci_config_set_wmask(fn, off, 4, (uint32_t)addr_bits & PCI_BAR_MEM_ADDR_MASK);
		break;
	case PCI_BAR_MEM64:
		/* Lower dword carries the type bits; the next BAR is the upper 32 address bits. */
		pci_config_set(fn, off, 4, PCI_BAR_MEM_TYPE_64 | pf);
		pci_config_set_wmask(fn, off, 4, (uint32_t)addr_bits & PCI_BAR_MEM_ADDR_MASK);
		pci_config_set(fn, off + 4, 4, 0);
		pci_config_set_wmask(fn, off + 4, 4, (uint32_t)(addr_bits >> 32));
		fn->bar[bar + 1] = (struct pci_bar_shape){ .size = 0, .type = PCI_BAR_MEM64_UPPER };
		break;
	case PCI_BAR_IO:
		pci_config_set(fn, off, 4, PCI_BAR_SPACE_IO);
		pci_config_set_wmask(fn, off, 4, (uint32_t)addr_bits & PCI_BAR_IO_ADDR_MASK);
		break;
	default: /* PCI_BAR_ROM: address bits 31:11 and the enable bit 0 */
		pci_config_set(fn, off, 4, 0);
		pci_config_set_wmask(fn, off, 4, ((uint32_t)addr_bits & PCI_ROM_ADDR_MASK) | PCI_ROM_ENABLE);
		break;
	}
	fn->bar[bar] = (struct pci_bar_shape){ .size = size, .type = type, .prefetchable = prefetchable };
	return PCI_BAR_OK;
}

uint64_t pci_bar_address(const struct pci_function *fn, unsigned bar)
{
	if (bar >= PCI_BAR_SLOTS)
		return 0;
	unsigned off = pci_bar_offset(fn, bar);
	uint32_t lo = off ? pci_config_get(fn, off, 4) : 0;
	switch (fn->bar[bar].type) {
	case PCI_BAR_MEM32: return lo & PCI_BAR_MEM_ADDR_MASK;
	case PCI_BAR_MEM64: return (lo & PCI_BAR_MEM_ADDR_MASK) | (uint64_t)pci_config_get(fn, off + 4, 4) << 32;
	case PCI_BAR_IO: return lo & PCI_BAR_IO_ADDR_MASK;
	case PCI_BAR_ROM: return lo & PCI_ROM_ADDR_MASK;
	default: return 0;
	}
}

/* §6.2.2: memory BARs decode only with Memory Space set, I/O BARs with I/O Space set;
 * §6.2.5.2: the ROM additionally needs its own enable bit. */
static bool decoding(const struct pci_function *fn, unsigned bar)
{
	uint32_t cmd = pci_config_get(fn, PCI_COMMAND, 2);
	switch (fn->bar[bar].type) {
	case PCI_BAR_MEM32:
	case PCI_BAR_MEM64: return cmd & PCI_COMMAND_MEMORY;
	case PCI_BAR_IO: return cmd & PCI_COMMAND_IO;
	case PCI_BAR_ROM:
		return (cmd & PCI_COMMAND_MEMORY) && (pci_config_get(fn, pci_bar_offset(fn, bar), 4) & PCI_ROM_ENABLE);
	default: return false;
	}
}

struct pci_bar_state pci_bar_state(const struct pci_function *fn, unsigned bar)
{
	struct pci_bar_state s = { false, 0 };
	if (bar < PCI_BAR_SLOTS && decoding(fn, bar)) {
		s.decoding = true;
		s.addr = pci_bar_address(fn, bar);
	}
	return s;
}

void pci_bar_info(const struct pci_function *fn, struct pci_bar_info out[PCI_BAR_SLOTS])
{
	for (unsigned b = 0; b < PCI_BAR_SLOTS; b++) {
		const struct pci_bar_shape *s = &fn->bar[b];
		out[b] = (struct pci_bar_info){
			.size = s->size,
			.addr = pci_bar_address(fn, b),
			.type = (uint8_t)s->type,
			.prefetchable = s->prefetchable,
			.decoding = pci_bar_state(fn, b).decoding,
		};
	}
}
