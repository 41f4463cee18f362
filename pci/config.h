/*
 * Configuration space of one PCI function: 256 bytes conventional + extended space to 4 KiB
 * (PCIe 4.0 §7.2.2), with one write mask and one write-1-to-clear mask per byte. A bit is
 * read-write when its wmask bit is set, write-1-to-clear when its w1cmask bit is set, and
 * read-only otherwise (reserved bits are read-only zero). Pure C; storage is the caller's.
 *
 * Accesses of 1, 2 or 4 bytes are accepted at any offset; bytes past 4 KiB read as ones and
 * are not written. Transport rules (dword crossing, CF8 reach) belong to pci/cfgaddr.h.
 */
#ifndef PCI_CONFIG_H
#define PCI_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCI_CONFIG_SIZE      4096
#define PCI_CONFIG_CONV_SIZE 256
#define PCI_NUM_BARS         6
#define PCI_ROM_BAR          6 /* BAR slot index used for the expansion ROM */
#define PCI_BAR_SLOTS        7
#define PCI_MAX_HOOKS        8

enum pci_bar_type {
	PCI_BAR_NONE = 0,
	PCI_BAR_MEM32,
	PCI_BAR_MEM64,      /* this slot and the next form one BAR */
	PCI_BAR_MEM64_UPPER,/* upper half of the MEM64 BAR in the slot before */
	PCI_BAR_IO,
	PCI_BAR_ROM,        /* expansion ROM, PCI LB 3.0 §6.2.5.2 */
};

struct pci_bar_shape {
	uint64_t size;      /* power of two; 0 when not implemented */
	enum pci_bar_type type;
	bool prefetchable;
};

/* Where a BAR decodes: `decoding` is false when the command register (or the ROM enable bit)
 * turns it off or no BAR is implemented; addr is then 0. */
struct pci_bar_state {
	bool decoding;
	uint64_t addr;
};

struct pci_function;

/* Called after a config write changed where a BAR decodes (address, or decoding on/off). */
typedef void (*pci_bar_changed_fn)(void *ctx, struct pci_function *fn, unsigned bar,
				   struct pci_bar_state old_state, struct pci_bar_state new_state);

/* Hooks on a register range [offset, offset+len), len 1..4. before_read runs before a read touching it
 * and may refresh the bytes (values that change behind the model, e.g. a pending bit);
 * after_write runs after the masked write with the intersecting bytes' old value. Both get
 * the intersection of the access with the hooked range; either may be NULL. */
struct pci_hook {
	uint16_t offset, len;
	void (*before_read)(void *ctx, struct pci_function *fn, unsigned offset, unsigned len);
	void (*after_write)(void *ctx, struct pci_function *fn, unsigned offset, unsigned len,
			    uint32_t old_value);
	void *ctx;
};

struct pci_function {
	uint8_t cfg[PCI_CONFIG_SIZE];
	uint8_t wmask[PCI_CONFIG_SIZE];
	uint8_t w1cmask[PCI_CONFIG_SIZE];
	struct pci_bar_shape bar[PCI_BAR_SLOTS];
	struct pci_hook hook[PCI_MAX_HOOKS];
	unsigned hooks;
	pci_bar_changed_fn bar_changed;
	void *bar_changed_ctx;
	uint16_t cap_next_free;  /* where the next capability goes (pci/cap.c) */
	uint16_t cap_last;       /* last capability in the list, 0 when none */
	uint16_t ext_next_free;  /* same for extended capabilities */
	uint16_t ext_last;
	const char *name;
};

/* Guest-visible accesses: masks applied, hooks and the BAR callback run. size is 1, 2 or 4;
 * other sizes read as all ones and write nothing. */
uint32_t pci_config_read(struct pci_function *fn, unsigned offset, unsigned size);
void pci_config_write(struct pci_function *fn, unsigned offset, unsigned size, uint32_t value);

/* Device-side accesses: raw bytes, little-endian, no masks or hooks; size 1..4. */
uint32_t pci_config_get(const struct pci_function *fn, unsigned offset, unsigned size);
void pci_config_set(struct pci_function *fn, unsigned offset, unsigned size, uint32_t value);

/* Sets which bits of [offset, offset+size) are read-write / write-1-to-clear; size 1..4.
 * A bit set in both masks is treated as write-1-to-clear. */
void pci_config_set_wmask(struct pci_function *fn, unsigned offset, unsigned size, uint32_t mask);
void pci_config_set_w1cmask(struct pci_function *fn, unsigned offset, unsigned size, uint32_t mask);

/* Returns false when all PCI_MAX_HOOKS are used or the range is outside config space. */
bool pci_config_add_hook(struct pci_function *fn, const struct pci_hook *hook);

/* Installs the BAR decode callback (one per function). */
void pci_config_on_bar_change(struct pci_function *fn, pci_bar_changed_fn cb, void *ctx);

#endif
