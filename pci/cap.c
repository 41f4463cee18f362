/* Capability list builders (see cap.h). */
#include "pci/cap.h"
#include "pci/regs.h"

unsigned pci_cap_add(struct pci_function *fn, uint8_t id, unsigned size)
{
	unsigned off = fn->cap_next_free;
	if (size < 2 || off + size > PCI_CONFIG_CONV_SIZE)
		return 0;
	pci_config_set(fn, off, 1, id);
	pci_config_set(fn, off + PCI_CAP_NEXT, 1, 0);
	/* The list is linked in order of addition; pointers are dword aligned (§6.7). */
	pci_config_set(fn, fn->cap_last ? fn->cap_last + PCI_CAP_NEXT : PCI_CAPABILITY_LIST, 1, off);
	pci_config_set(fn, PCI_STATUS, 2, pci_config_get(fn, PCI_STATUS, 2) | PCI_STATUS_CAP_LIST);
	fn->cap_last = (uint16_t)off;
	fn->cap_next_free = (uint16_t)((off + size + 3) & ~3u);
	return off;
}

unsigned pci_cap_find(const struct pci_function *fn, uint8_t id)
{
	if (!(pci_config_get(fn, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	unsigned off = pci_config_get(fn, PCI_CAPABILITY_LIST, 1) & ~3u;
	/* At most 48 dword-aligned capabilities fit in 0x40..0xff: bound the walk. */
	for (unsigned steps = 0; off >= PCI_CAP_FIRST && steps < 48; steps++) {
		if (pci_config_get(fn, off, 1) == id)
			return off;
		off = pci_config_get(fn, off + PCI_CAP_NEXT, 1) & ~3u;
	}
	return 0;
}

/* PCI PM 1.2 §3.2.4: a write of an unsupported power state completes but changes nothing. */
static void pm_keep_supported_state(void *ctx, struct pci_function *fn, unsigned offset, unsigned len,
				    uint32_t old_value)
{
	unsigned pmcsr = offset; /* the hook covers the PMCSR's first byte, the power state */
	uint32_t state = pci_config_get(fn, pmcsr, 1) & PCI_PM_STATE_MASK;
	if (state == 1 || state == 2) /* D1, D2 not supported */
		pci_config_set(fn, pmcsr, 1, (pci_config_get(fn, pmcsr, 1) & ~PCI_PM_STATE_MASK) |
					     (old_value & PCI_PM_STATE_MASK));
}

unsigned pci_cap_add_pm(struct pci_function *fn, uint8_t pme_support)
{
	unsigned off = pci_cap_add(fn, PCI_CAP_ID_PM, PCI_PM_SIZE);
	if (!off)
		return 0;
	/* PMC: version 011b = PM 1.2; no D1/D2; PME support bits 15:11. */
	pci_config_set(fn, off + PCI_PM_PMC, 2, 0x0003 | (uint32_t)(pme_support & 0x1f) << 11);
	pci_config_set(fn, off + PCI_PM_PMCSR, 2, PCI_PM_NO_SOFT_RESET);
	pci_config_set_wmask(fn, off + PCI_PM_PMCSR, 2,
			     PCI_PM_STATE_MASK | (pme_support ? PCI_PM_PME_ENABLE : 0));
	pci_config_set_w1cmask(fn, off + PCI_PM_PMCSR, 2, pme_support ? PCI_PM_PME_STATUS : 0);
	struct pci_hook h = { .offset = (uint16_t)(off + PCI_PM_PMCSR), .len = 1,
			      .after_write = pm_keep_supported_state };
	pci_config_add_hook(fn, &h);
	return off;
}

unsigned pci_cap_add_pcie(struct pci_function *fn, unsigned port_type)
{
	if (port_type != PCI_EXP_TYPE_ENDPOINT && port_type != PCI_EXP_TYPE_RC_END)
		return 0;
	unsigned off = pci_cap_add(fn, PCI_CAP_ID_EXP, PCI_EXP_SIZE);
	if (!off)
		return 0;
	/* §7.5.3.2: capability version 2, device/port type. */
	pci_config_set(fn, off + PCI_EXP_FLAGS, 2, 0x0002 | port_type << 4);
	/* §7.5.3.3: 128-byte max payload, role-based error reporting (bit 15). */
	pci_config_set(fn, off + PCI_EXP_DEVCAP, 4, 1u << 15);
	/* §7.5.3.4: error reporting enables (3:0), relaxed ordering (4), max payload (7:5),
	 * extended tags (8), no snoop (11), max read request (14:12); defaults per the spec. */
	pci_config_set(fn, off + PCI_EXP_DEVCTL, 2, 0x2810);
	pci_config_set_wmask(fn, off + PCI_EXP_DEVCTL, 2, 0x79ff);
	/* §7.5.3.5: error detected bits 3:0 are write-1-to-clear. */
	pci_config_set_w1cmask(fn, off + PCI_EXP_DEVSTA, 2, 0x000f);
	if (port_type == PCI_EXP_TYPE_ENDPOINT) {
		/* §7.5.3.6-8: x1 at 2.5 GT/s, link trained; ASPM control, RCB, common clock,
		 * extended synch are read-write. */
		pci_config_set(fn, off + PCI_EXP_LNKCAP, 4, 0x00000011);
		pci_config_set_wmask(fn, off + PCI_EXP_LNKCTL, 2, 0x00cb);
		pci_config_set(fn, off + PCI_EXP_LNKSTA, 2, 0x0011);
		/* §7.5.3.18: supported link speeds vector, 2.5 GT/s. */
		pci_config_set(fn, off + PCI_EXP_LNKCAP2, 4, 0x00000002);
	}
	return off;
}

unsigned pci_cap_add_vendor(struct pci_function *fn, unsigned len)
{
	if (len < 3)
		return 0;
	unsigned off = pci_cap_add(fn, PCI_CAP_ID_VENDOR, len);
	if (off)
		pci_config_set(fn, off + 2, 1, len);
	return off;
}

/* Extended capability header, PCIe 4.0 §7.6.3: ID 15:0, version 19:16, next 31:20. */
static uint32_t ext_header(uint16_t id, uint8_t version, unsigned next)
{
	return id | (uint32_t)(version & 0xf) << 16 | (uint32_t)next << 20;
}

unsigned pci_ext_cap_add(struct pci_function *fn, uint16_t id, uint8_t version, unsigned size)
{
	unsigned off = fn->ext_next_free;
	if (size < 4 || off + size > PCI_CONFIG_SIZE)
		return 0;
	pci_config_set(fn, off, 4, ext_header(id, version, 0));
	if (fn->ext_last) {
		uint32_t prev = pci_config_get(fn, fn->ext_last, 4);
		pci_config_set(fn, fn->ext_last, 4, (prev & 0x000fffff) | (uint32_t)off << 20);
	}
	fn->ext_last = (uint16_t)off;
	fn->ext_next_free = (uint16_t)((off + size + 3) & ~3u);
	return off;
}

unsigned pci_ext_cap_find(const struct pci_function *fn, uint16_t id)
{
	unsigned off = PCI_EXT_CAP_START;
	/* (4096 - 256) / 4 headers at most. */
	for (unsigned steps = 0; off >= PCI_EXT_CAP_START && steps < 960; steps++) {
		uint32_t h = pci_config_get(fn, off, 4);
		if (h == 0)
			return 0; /* §7.6.3: an all-zero header at 0x100 means none */
		if ((h & 0xffff) == id)
			return off;
		off = (h >> 20) & ~3u;
	}
	return 0;
}
