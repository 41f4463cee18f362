/* Config space accesses through the per-byte masks (see config.h). */
#include "pci/config.h"
#include "pci/bar.h"
#include "pci/regs.h"

static bool valid_size(unsigned size)
{
	return size == 1 || size == 2 || size == 4;
}

/* Bytes of [offset, offset+size) inside config space. */
static unsigned bytes_inside(unsigned offset, unsigned size)
{
	if (offset >= PCI_CONFIG_SIZE)
		return 0;
	return PCI_CONFIG_SIZE - offset < size ? PCI_CONFIG_SIZE - offset : size;
}

static uint32_t get_bytes(const uint8_t *a, unsigned offset, unsigned n)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint32_t)a[offset + i] << (8 * i);
	return v;
}

static void set_bytes(uint8_t *a, unsigned offset, unsigned n, uint32_t v)
{
	for (unsigned i = 0; i < n; i++)
		a[offset + i] = (uint8_t)(v >> (8 * i));
}

/* Intersection of [offset, offset+n) with a hook's range; false when empty. */
static bool hook_span(const struct pci_hook *h, unsigned offset, unsigned n, unsigned *lo, unsigned *len)
{
	unsigned a = offset > h->offset ? offset : h->offset;
	unsigned b_access = offset + n, b_hook = (unsigned)h->offset + h->len;
	unsigned b = b_access < b_hook ? b_access : b_hook;
	if (a >= b)
		return false;
	*lo = a;
	*len = b - a;
	return true;
}

uint32_t pci_config_read(struct pci_function *fn, unsigned offset, unsigned size)
{
	if (!valid_size(size))
		return UINT32_MAX;
	unsigned n = bytes_inside(offset, size), lo, len;
	for (unsigned i = 0; i < fn->hooks; i++) {
		const struct pci_hook *h = &fn->hook[i];
		if (h->before_read && hook_span(h, offset, n, &lo, &len))
			h->before_read(h->ctx, fn, lo, len);
	}
	uint32_t ones = size == 4 ? UINT32_MAX : (1u << (8 * size)) - 1;
	uint32_t inside = n == 4 ? UINT32_MAX : (1u << (8 * n)) - 1;
	return (n ? get_bytes(fn->cfg, offset, n) : 0) | (ones & ~inside);
}

/* Writes that can move a BAR or switch its decoding: command register, BARs, ROM BARs. */
static bool may_change_decoding(unsigned offset, unsigned n)
{
	return offset < PCI_CAPABILITY_LIST + 8 && offset + n > PCI_COMMAND;
}

void pci_config_write(struct pci_function *fn, unsigned offset, unsigned size, uint32_t value)
{
	unsigned n = bytes_inside(offset, size);
	if (!valid_size(size) || n == 0)
		return;
	struct pci_bar_state before[PCI_BAR_SLOTS];
	bool watch = fn->bar_changed && may_change_decoding(offset, n);
	if (watch)
		for (unsigned b = 0; b < PCI_BAR_SLOTS; b++)
			before[b] = pci_bar_state(fn, b);

	uint32_t old_hooked[PCI_MAX_HOOKS];
	unsigned lo, len;
	for (unsigned i = 0; i < fn->hooks; i++)
		if (hook_span(&fn->hook[i], offset, n, &lo, &len))
			old_hooked[i] = get_bytes(fn->cfg, lo, len);

	for (unsigned i = 0; i < n; i++) {
		unsigned o = offset + i;
		uint8_t v = (uint8_t)(value >> (8 * i)), w1c = fn->w1cmask[o];
		uint8_t rw = fn->wmask[o] & (uint8_t)~w1c;
		fn->cfg[o] = (uint8_t)((fn->cfg[o] & ~rw) | (v & rw));
		fn->cfg[o] &= (uint8_t)~(v & w1c);
	}

	for (unsigned i = 0; i < fn->hooks; i++) {
		const struct pci_hook *h = &fn->hook[i];
		if (h->after_write && hook_span(h, offset, n, &lo, &len))
			h->after_write(h->ctx, fn, lo, len, old_hooked[i]);
	}

	if (watch)
		for (unsigned b = 0; b < PCI_BAR_SLOTS; b++) {
			struct pci_bar_state now = pci_bar_state(fn, b);
			if (now.decoding != before[b].decoding || now.addr != before[b].addr)
				fn->bar_changed(fn->bar_changed_ctx, fn, b, before[b], now);
		}
}

uint32_t pci_config_get(const struct pci_function *fn, unsigned offset, unsigned size)
{
	unsigned n = bytes_inside(offset, size > 4 ? 4 : size);
	return get_bytes(fn->cfg, offset, n);
}

void pci_config_set(struct pci_function *fn, unsigned offset, unsigned size, uint32_t value)
{
	set_bytes(fn->cfg, offset, bytes_inside(offset, size > 4 ? 4 : size), value);
}

void pci_config_set_wmask(struct pci_function *fn, unsigned offset, unsigned size, uint32_t mask)
{
	set_bytes(fn->wmask, offset, bytes_inside(offset, size > 4 ? 4 : size), mask);
}

void pci_config_set_w1cmask(struct pci_function *fn, unsigned offset, unsigned size, uint32_t mask)
{
	set_bytes(fn->w1cmask, offset, bytes_inside(offset, size > 4 ? 4 : size), mask);
}

bool pci_config_add_hook(struct pci_function *fn, const struct pci_hook *hook)
{
	if (fn->hooks >= PCI_MAX_HOOKS || hook->len == 0 || hook->len > 4 ||
	    (unsigned)hook->offset + hook->len > PCI_CONFIG_SIZE)
		return false;
	fn->hook[fn->hooks++] = *hook;
	return true;
}

void pci_config_on_bar_change(struct pci_function *fn, pci_bar_changed_fn cb, void *ctx)
{
	fn->bar_changed = cb;
	fn->bar_changed_ctx = cb ? ctx : NULL;
}
