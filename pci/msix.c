/* MSI-X capability, vector table and PBA (PCI LB 3.0 §6.8.2). */
#include "pci/msix.h"
#include "pci/cap.h"
#include "pci/regs.h"

static unsigned pba_words(unsigned vectors)
{
	return (vectors + 63) / 64;
}

uint64_t pci_msix_table_size(const struct pci_msix *x)
{
	return (uint64_t)x->vectors * PCI_MSIX_ENTRY_SIZE;
}

uint64_t pci_msix_pba_size(const struct pci_msix *x)
{
	return (uint64_t)pba_words(x->vectors) * 8;
}

static uint16_t control(const struct pci_msix *x)
{
	return (uint16_t)pci_config_get(x->fn, x->cap + PCI_MSIX_FLAGS, 2);
}

bool pci_msix_enabled(const struct pci_msix *x)
{
	return control(x) & PCI_MSIX_FLAGS_ENABLE;
}

bool pci_msix_function_masked(const struct pci_msix *x)
{
	return control(x) & PCI_MSIX_FLAGS_MASKALL;
}

bool pci_msix_pending(const struct pci_msix *x, unsigned vector)
{
	return vector < x->vectors && (x->pba[vector / 64] >> (vector % 64) & 1);
}

static bool vector_masked(const struct pci_msix *x, unsigned v)
{
	return pci_msix_function_masked(x) || (x->table[v].ctrl & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

static void send(struct pci_msix *x, unsigned v)
{
	const struct pci_msix_entry *e = &x->table[v];
	x->raise(x->raise_ctx, (uint64_t)e->addr_hi << 32 | e->addr_lo, e->data);
}

/* §6.8.2 (Vector Control, Pending Bits): a pending vector that is no longer masked sends its message and clears its bit. */
static void send_ready_pending(struct pci_msix *x)
{
	if (!pci_msix_enabled(x) || pci_msix_function_masked(x))
		return;
	for (unsigned w = 0; w < pba_words(x->vectors); w++)
		for (unsigned b = 0; b < 64 && x->pba[w]; b++) {
			unsigned v = w * 64 + b;
			if ((x->pba[w] >> b & 1) && v < x->vectors && !vector_masked(x, v)) {
				x->pba[w] &= ~(UINT64_C(1) << b);
				send(x, v);
			}
		}
}

static void control_written(void *ctx, struct pci_function *fn, unsigned offset, unsigned len,
			    uint32_t old_value)
{
	send_ready_pending(ctx);
}

static bool memory_bar_holds(const struct pci_function *fn, unsigned bir, uint64_t offset, uint64_t bytes)
{
	if (bir >= PCI_NUM_BARS)
		return false;
	const struct pci_bar_shape *s = &fn->bar[bir];
	return (s->type == PCI_BAR_MEM32 || s->type == PCI_BAR_MEM64) && offset <= s->size &&
	       bytes <= s->size - offset;
}

unsigned pci_msix_init(struct pci_msix *x, struct pci_function *fn, unsigned vectors,
		       unsigned table_bir, uint32_t table_offset, unsigned pba_bir, uint32_t pba_offset,
		       struct pci_msix_entry *table, uint64_t *pba, pci_raise_msi_fn raise, void *raise_ctx)
{
	/* Table and PBA offsets share their dword with the BIR, so they are qword aligned. */
	if (vectors == 0 || vectors > PCI_MSIX_MAX_VECTORS || (table_offset & 7) || (pba_offset & 7) ||
	    !table || !pba || !raise || fn->hooks >= PCI_MAX_HOOKS ||
	    !memory_bar_holds(fn, table_bir, table_offset, (uint64_t)vectors * PCI_MSIX_ENTRY_SIZE) ||
	    !memory_bar_holds(fn, pba_bir, pba_offset, (uint64_t)pba_words(vectors) * 8))
		return 0;
	unsigned cap = pci_cap_add(fn, PCI_CAP_ID_MSIX, PCI_MSIX_SIZE);
	if (!cap)
		return 0;
	*x = (struct pci_msix){ .fn = fn, .cap = (uint16_t)cap, .vectors = (uint16_t)vectors, .table = table,
				.pba = pba, .raise = raise, .raise_ctx = raise_ctx };
	/* Message Control: table size N-1 read-only; Function Mask and Enable read-write. */
	pci_config_set(fn, cap + PCI_MSIX_FLAGS, 2, vectors - 1);
	pci_config_set_wmask(fn, cap + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	pci_config_set(fn, cap + PCI_MSIX_TABLE, 4, table_offset | table_bir);
	pci_config_set(fn, cap + PCI_MSIX_PBA, 4, pba_offset | pba_bir);
	for (unsigned v = 0; v < vectors; v++)
		table[v] = (struct pci_msix_entry){ .ctrl = PCI_MSIX_ENTRY_CTRL_MASKBIT };
	for (unsigned w = 0; w < pba_words(vectors); w++)
		pba[w] = 0;
	struct pci_hook h = { .offset = (uint16_t)(cap + PCI_MSIX_FLAGS), .len = 2,
			      .after_write = control_written, .ctx = x };
	pci_config_add_hook(fn, &h);
	return cap;
}

static bool aligned_access(uint64_t offset, unsigned size, uint64_t limit)
{
	return (size == 4 || size == 8) && offset % size == 0 && offset < limit && size <= limit - offset;
}

static uint32_t *table_dword(struct pci_msix *x, uint64_t offset)
{
	struct pci_msix_entry *e = &x->table[offset / PCI_MSIX_ENTRY_SIZE];
	switch (offset % PCI_MSIX_ENTRY_SIZE) {
	case PCI_MSIX_ENTRY_ADDR_LO: return &e->addr_lo;
	case PCI_MSIX_ENTRY_ADDR_HI: return &e->addr_hi;
	case PCI_MSIX_ENTRY_DATA: return &e->data;
	default: return &e->ctrl;
	}
}

uint64_t pci_msix_table_read(struct pci_msix *x, uint64_t offset, unsigned size)
{
	if (!aligned_access(offset, size, pci_msix_table_size(x)))
		return 0;
	uint64_t v = *table_dword(x, offset);
	if (size == 8)
		v |= (uint64_t)*table_dword(x, offset + 4) << 32;
	return v;
}

static void write_dword(struct pci_msix *x, uint64_t offset, uint32_t value)
{
	uint32_t *d = table_dword(x, offset);
	switch (offset % PCI_MSIX_ENTRY_SIZE) {
	case PCI_MSIX_ENTRY_ADDR_LO:
		*d = value & ~3u; /* §6.8.2 Message Address: dword aligned */
		break;
	case PCI_MSIX_ENTRY_CTRL:
		*d = value & PCI_MSIX_ENTRY_CTRL_MASKBIT; /* §6.8.2 Vector Control: other bits reserved */
		break;
	default:
		*d = value;
	}
}

void pci_msix_table_write(struct pci_msix *x, uint64_t offset, unsigned size, uint64_t value)
{
	if (!aligned_access(offset, size, pci_msix_table_size(x)))
		return;
	write_dword(x, offset, (uint32_t)value);
	if (size == 8)
		write_dword(x, offset + 4, (uint32_t)(value >> 32));
	send_ready_pending(x);
}

uint64_t pci_msix_pba_read(const struct pci_msix *x, uint64_t offset, unsigned size)
{
	if (!aligned_access(offset, size, pci_msix_pba_size(x)))
		return 0;
	uint64_t word = x->pba[offset / 8];
	return size == 8 ? word : (uint32_t)(word >> (8 * (offset % 8)));
}

enum pci_irq_result pci_msix_notify(struct pci_msix *x, unsigned vector)
{
	if (vector >= x->vectors)
		return PCI_IRQ_INVALID;
	if (!pci_msix_enabled(x))
		return PCI_IRQ_DISABLED;
	if (vector_masked(x, vector)) {
		x->pba[vector / 64] |= UINT64_C(1) << (vector % 64);
		return PCI_IRQ_PENDING;
	}
	send(x, vector);
	return PCI_IRQ_SENT;
}
