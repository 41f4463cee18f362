/*
 * EPT paging-structure builder (SDM vol.3 29.3), pure C: takes its table memory through a small
 * interface, so the same code builds the hypervisor's EPT and runs in host tests.
 *
 * 4-level tables. Mappings use the largest page (1 GiB, 2 MiB, 4 KiB) that alignment and the CPU
 * allow; changing part of a large page splits it. Kinds of guest-physical ranges:
 *   mapped  - present, with permissions and memory type;
 *   MMIO    - a leaf with W=1, R=0: an EPT misconfiguration (SDM 29.3.3.1), so each access exits
 *             with reason 49 and the guest-physical address;
 *   unmapped- not present: an access exits as an EPT violation (reason 48).
 * The caller executes INVEPT after changing a live EPT.
 */
#ifndef EPT_EPT_H
#define EPT_EPT_H
#include <stdbool.h>
#include <stdint.h>

#define EPT_R 0x1ull
#define EPT_W 0x2ull
#define EPT_X 0x4ull
#define EPT_RWX 0x7ull
#define EPT_MT_UC 0ull
#define EPT_MT_WC 1ull
#define EPT_MT_WB 6ull
#define EPT_MEMTYPE(t) ((uint64_t)(t) << 3)
#define EPT_IGNORE_PAT (1ull << 6)
#define EPT_LARGE (1ull << 7)
#define EPT_ADDR_MASK 0x000ffffffffff000ull
#define EPT_MISCONFIG_ENTRY EPT_W /* write without read: misconfiguration */

struct ept_ops {
	/* A zeroed, 4 KiB-aligned page for a table: returns its pointer and stores its physical
	 * address in *pa; NULL when out of memory. */
	void *(*alloc_table)(void *ctx, uint64_t *pa);
	/* Pointer to the table at physical address pa. */
	void *(*table_ptr)(void *ctx, uint64_t pa);
	void *ctx;
};

struct ept {
	uint64_t *pml4;
	uint64_t pml4_pa;
	struct ept_ops ops;
	unsigned max_leaf_level; /* 1: 4 KiB pages only, 2: also 2 MiB, 3: also 1 GiB */
	unsigned tables;         /* paging-structure pages in use */
};

enum ept_error { EPT_OK = 0, EPT_ENOMEM = -1, EPT_EINVAL = -2 };

int ept_init(struct ept *e, const struct ept_ops *ops, bool pages_2m, bool pages_1g);
/* Maps [gpa, gpa+len) to [hpa, hpa+len); flags = permissions | EPT_MEMTYPE(t) [| EPT_IGNORE_PAT].
 * gpa, hpa and len must be 4 KiB-aligned. */
int ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t len, uint64_t flags);
/* Maps every page of [gpa, gpa+len) to the one host page hpa (4 KiB leaves). */
int ept_map_alias(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t len, uint64_t flags);
int ept_set_mmio(struct ept *e, uint64_t gpa, uint64_t len);
int ept_unmap(struct ept *e, uint64_t gpa, uint64_t len);

/* The leaf entry translating gpa (0 when not present) and its level (1 = 4 KiB). *hpa gets the
 * host-physical address when the entry is a present mapping. */
uint64_t ept_lookup(const struct ept *e, uint64_t gpa, unsigned *level, uint64_t *hpa);
/* True when an entry is a misconfiguration leaf as built by ept_set_mmio. */
static inline bool ept_entry_is_mmio(uint64_t entry) { return (entry & (EPT_R | EPT_W)) == EPT_W; }

/* EPTP for VMCS field 0x201A: write-back walks, 4 levels (SDM 25.6.11). */
static inline uint64_t ept_pointer(const struct ept *e) { return e->pml4_pa | 6 | (3 << 3); }
#endif
