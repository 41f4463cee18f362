/* MSI capability and delivery (PCI LB 3.0 §6.8.1, §6.8.3). */
#include "pci/msi.h"
#include "pci/cap.h"
#include "pci/regs.h"

static bool is64(const struct pci_msi *msi)
{
	return msi->flags & PCI_MSI_64;
}

static unsigned data_reg(const struct pci_msi *msi)
{
	return msi->cap + (is64(msi) ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32);
}

static unsigned mask_reg(const struct pci_msi *msi)
{
	return msi->cap + (is64(msi) ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);
}

static unsigned pending_reg(const struct pci_msi *msi)
{
	return msi->cap + (is64(msi) ? PCI_MSI_PENDING_64 : PCI_MSI_PENDING_32);
}

static uint32_t vector_bits(unsigned vectors)
{
	return vectors >= 32 ? UINT32_MAX : (1u << vectors) - 1;
}

static unsigned log2_of(unsigned x)
{
	unsigned n = 0;
	while (x > 1)
		x >>= 1, n++;
	return n;
}

/* §6.8.1 (Mask and Pending Bits): unmasking a vector whose pending bit is set sends its message. */
static void send_unmasked_pending(void *ctx, struct pci_function *fn, unsigned offset, unsigned len,
				  uint32_t old_value)
{
	struct pci_msi *msi = ctx;
	if (!pci_msi_enabled(msi))
		return;
	uint32_t pending = pci_config_get(fn, pending_reg(msi), 4);
	uint32_t mask = pci_config_get(fn, mask_reg(msi), 4);
	uint32_t ready = pending & ~mask & vector_bits(pci_msi_enabled_vectors(msi));
	for (unsigned v = 0; ready; v++, ready >>= 1)
		if (ready & 1) {
			pci_config_set(fn, pending_reg(msi), 4, pci_config_get(fn, pending_reg(msi), 4) & ~(1u << v));
			msi->raise(msi->raise_ctx, pci_msi_address(msi), pci_msi_data(msi, v));
		}
}

unsigned pci_msi_init(struct pci_msi *msi, struct pci_function *fn, unsigned vectors, unsigned flags,
		      pci_raise_msi_fn raise, void *raise_ctx)
{
	if (vectors == 0 || vectors > 32 || (vectors & (vectors - 1)) || !raise)
		return 0;
	bool masked = flags & PCI_MSI_MASKED;
	if (masked && fn->hooks >= PCI_MAX_HOOKS)
		return 0;
	*msi = (struct pci_msi){ .fn = fn, .vectors = (uint8_t)vectors, .flags = (uint8_t)flags,
				 .raise = raise, .raise_ctx = raise_ctx };
	bool wide = flags & PCI_MSI_64;
	unsigned size = wide ? (masked ? 0x18 : 0x0e) : (masked ? 0x14 : 0x0a);
	unsigned cap = pci_cap_add(fn, PCI_CAP_ID_MSI, size);
	if (!cap)
		return 0;
	msi->cap = (uint16_t)cap;
	/* Message Control: capable count, 64-bit and per-vector masking are read-only; Enable and
	 * Multiple Message Enable are read-write. */
	pci_config_set(fn, cap + PCI_MSI_FLAGS, 2, log2_of(vectors) << 1 | (wide ? PCI_MSI_FLAGS_64BIT : 0) |
						      (masked ? PCI_MSI_FLAGS_MASKBIT : 0));
	pci_config_set_wmask(fn, cap + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	pci_config_set_wmask(fn, cap + PCI_MSI_ADDRESS_LO, 4, 0xfffffffc); /* dword aligned */
	if (wide)
		pci_config_set_wmask(fn, cap + PCI_MSI_ADDRESS_HI, 4, 0xffffffff);
	pci_config_set_wmask(fn, data_reg(msi), 2, 0xffff);
	if (masked) {
		pci_config_set_wmask(fn, mask_reg(msi), 4, vector_bits(vectors));
		struct pci_hook h = { .offset = (uint16_t)mask_reg(msi), .len = 4,
				      .after_write = send_unmasked_pending, .ctx = msi };
		pci_config_add_hook(fn, &h);
	}
	return cap;
}

bool pci_msi_enabled(const struct pci_msi *msi)
{
	return pci_config_get(msi->fn, msi->cap + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_ENABLE;
}

unsigned pci_msi_enabled_vectors(const struct pci_msi *msi)
{
	unsigned mme = (pci_config_get(msi->fn, msi->cap + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_QSIZE) >> 4;
	unsigned n = mme > 5 ? 32 : 1u << mme;
	return n < msi->vectors ? n : msi->vectors;
}

uint64_t pci_msi_address(const struct pci_msi *msi)
{
	uint64_t a = pci_config_get(msi->fn, msi->cap + PCI_MSI_ADDRESS_LO, 4);
	if (is64(msi))
		a |= (uint64_t)pci_config_get(msi->fn, msi->cap + PCI_MSI_ADDRESS_HI, 4) << 32;
	return a;
}

uint32_t pci_msi_data(const struct pci_msi *msi, unsigned vector)
{
	uint32_t low = pci_msi_enabled_vectors(msi) - 1;
	return (pci_config_get(msi->fn, data_reg(msi), 2) & ~low) | (vector & low);
}

bool pci_msi_masked(const struct pci_msi *msi, unsigned vector)
{
	return (msi->flags & PCI_MSI_MASKED) && vector < 32 &&
	       (pci_config_get(msi->fn, mask_reg(msi), 4) >> vector & 1);
}

bool pci_msi_pending(const struct pci_msi *msi, unsigned vector)
{
	return (msi->flags & PCI_MSI_MASKED) && vector < 32 &&
	       (pci_config_get(msi->fn, pending_reg(msi), 4) >> vector & 1);
}

enum pci_irq_result pci_msi_notify(struct pci_msi *msi, unsigned vector)
{
	if (vector >= msi->vectors)
		return PCI_IRQ_INVALID;
	if (!pci_msi_enabled(msi))
		return PCI_IRQ_DISABLED;
	if (vector >= pci_msi_enabled_vectors(msi))
		return PCI_IRQ_INVALID;
	if (pci_msi_masked(msi, vector)) {
		unsigned p = pending_reg(msi);
		pci_config_set(msi->fn, p, 4, pci_config_get(msi->fn, p, 4) | 1u << vector);
		return PCI_IRQ_PENDING;
	}
	msi->raise(msi->raise_ctx, pci_msi_address(msi), pci_msi_data(msi, vector));
	return PCI_IRQ_SENT;
}
