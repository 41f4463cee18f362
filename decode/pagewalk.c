/* Guest page-table walker (see pagewalk.h). */
#include "decode/pagewalk.h"
#include "decode/emulate.h"

#define PTE_P   (1ull << 0)
#define PTE_RW  (1ull << 1)
#define PTE_US  (1ull << 2)
#define PTE_A   (1ull << 5)
#define PTE_D   (1ull << 6)
#define PTE_PS  (1ull << 7)
#define PTE_XD  (1ull << 63)

static inline uint64_t bits_range(unsigned hi, unsigned lo) /* bits hi..lo set */
{
	return ((hi >= 63 ? ~0ull : ((1ull << (hi + 1)) - 1))) & ~((1ull << lo) - 1);
}

static int page_fault(struct x86_fault *f, uint64_t la, uint32_t ec)
{
	f->vector = X86_EXC_PF;
	f->has_error_code = true;
	f->error_code = ec;
	f->cr2 = la;
	return X86_EMU_FAULT;
}

int x86_translate(const struct x86_regs *r, const struct x86_phys_ops *ops, void *ctx,
		  uint64_t la, unsigned access, uint64_t *gpa, struct x86_fault *fault)
{
	if (!(r->cr0 & X86_CR0_PG)) {
		*gpa = (r->efer & X86_EFER_LMA) ? la : (uint32_t)la;
		return X86_EMU_OK;
	}
	bool write = access & X86_XLAT_WRITE, fetch = access & X86_XLAT_FETCH;
	bool user = r->cpl == 3 && !(access & X86_XLAT_SUPERVISOR);
	bool nxe = r->efer & X86_EFER_NXE;
	unsigned maxpa = r->maxphyaddr ? r->maxphyaddr : 52;
	uint64_t frame_mask = bits_range(maxpa - 1, 12);
	uint64_t rsvd_high = maxpa < 52 ? bits_range(51, maxpa) : 0;

	/* Error code bits that describe the access (SDM vol.3A 4.7). The I flag needs SMEP or
	 * NX in use (PAE or 4-level paging with EFER.NXE). */
	uint32_t ec = (write ? X86_PFEC_W : 0) | (user ? X86_PFEC_U : 0);
	if (fetch && ((r->cr4 & X86_CR4_SMEP) || ((r->cr4 & X86_CR4_PAE) && nxe)))
		ec |= X86_PFEC_I;

	uint64_t entry_gpa[5], entry_val[5];
	unsigned entry_size, nentries = 0;
	uint64_t table, entry = 0, pa;
	bool rw = true, us = true, xd = false;

	if (!(r->cr4 & X86_CR4_PAE)) {
		/* 32-bit paging (SDM vol.3A 4.3): 4-byte entries, PDE.PS with CR4.PSE = 4 MiB page */
		uint32_t e32;
		entry_size = 4;
		table = r->cr3 & 0xfffff000ull;
		uint64_t addr = table + (((uint32_t)la >> 22) << 2);
		if (ops->read(ctx, addr, &e32, 4))
			return X86_EMU_ERROR;
		entry = e32;
		if (!(entry & PTE_P))
			return page_fault(fault, la, ec);
		entry_gpa[nentries] = addr;
		entry_val[nentries++] = entry;
		rw &= !!(entry & PTE_RW);
		us &= !!(entry & PTE_US);
		if ((entry & PTE_PS) && (r->cr4 & X86_CR4_PSE)) {
			/* bits 20:13 hold PA bits 39:32 (PSE-36); bit 21 and bits beyond MAXPHYADDR
			 * are reserved (table 4-4) */
			uint64_t rsvd = 1ull << 21;
			if (maxpa < 40)
				rsvd |= bits_range(20, 13 + (maxpa - 32));
			if (entry & rsvd)
				return page_fault(fault, la, ec | X86_PFEC_P | X86_PFEC_RSVD);
			pa = (entry & 0xffc00000ull) | (((entry >> 13) & 0xff) << 32) | ((uint32_t)la & 0x3fffff);
		} else {
			addr = (entry & 0xfffff000ull) + ((((uint32_t)la >> 12) & 0x3ff) << 2);
			if (ops->read(ctx, addr, &e32, 4))
				return X86_EMU_ERROR;
			entry = e32;
			if (!(entry & PTE_P))
				return page_fault(fault, la, ec);
			entry_gpa[nentries] = addr;
			entry_val[nentries++] = entry;
			rw &= !!(entry & PTE_RW);
			us &= !!(entry & PTE_US);
			pa = (entry & 0xfffff000ull) | (la & 0xfff);
		}
	} else {
		/* PAE (4.4), 4-level and 5-level (4.5): 8-byte entries, 9 bits per level */
		uint64_t xd_rsvd = nxe ? 0 : PTE_XD;
		unsigned level;
		entry_size = 8;
		if (r->efer & X86_EFER_LMA) {
			level = (r->cr4 & X86_CR4_LA57) ? 5 : 4;
			table = r->cr3 & frame_mask;
		} else {
			/* PAE: the 4 PDPTEs at CR3[31:5]; reserved: bits 2:1, 8:5, 63 and above
			 * MAXPHYADDR; a PDPTE has no R/W, U/S or accessed flag (table 4-8) */
			uint64_t addr = (r->cr3 & 0xffffffe0ull) + ((((uint32_t)la >> 30) & 3) << 3);
			if (ops->read(ctx, addr, &entry, 8))
				return X86_EMU_ERROR;
			if (!(entry & PTE_P))
				return page_fault(fault, la, ec);
			if (entry & (rsvd_high | 0x6ull | 0x1e0ull | PTE_XD))
				return page_fault(fault, la, ec | X86_PFEC_P | X86_PFEC_RSVD);
			table = entry & frame_mask;
			level = 2;
		}
		for (;; level--) {
			unsigned shift = 12 + 9 * (level - 1);
			uint64_t addr = table + (((la >> shift) & 511) << 3);
			if (ops->read(ctx, addr, &entry, 8))
				return X86_EMU_ERROR;
			if (!(entry & PTE_P))
				return page_fault(fault, la, ec);
			uint64_t rsvd = rsvd_high | xd_rsvd;
			bool leaf = level == 1;
			if (level >= 4) {
				rsvd |= PTE_PS; /* PML5E/PML4E: PS is reserved */
			} else if (level >= 2 && (entry & PTE_PS)) {
				leaf = true; /* 1 GiB or 2 MiB page: PAT at bit 12, then reserved bits */
				rsvd |= bits_range(shift - 1, 13);
			}
			if (entry & rsvd)
				return page_fault(fault, la, ec | X86_PFEC_P | X86_PFEC_RSVD);
			entry_gpa[nentries] = addr;
			entry_val[nentries++] = entry;
			rw &= !!(entry & PTE_RW);
			us &= !!(entry & PTE_US);
			xd |= nxe && (entry & PTE_XD);
			if (leaf) {
				uint64_t off_mask = (1ull << shift) - 1;
				pa = (entry & frame_mask & ~off_mask) | (la & off_mask);
				break;
			}
			table = entry & frame_mask;
		}
	}

	/* Access rights (SDM vol.3A 4.6) */
	uint32_t prot = ec | X86_PFEC_P;
	if (user) {
		if (!us || (write && !rw) || (fetch && xd))
			return page_fault(fault, la, prot);
	} else {
		if (write && !rw && (r->cr0 & X86_CR0_WP))
			return page_fault(fault, la, prot);
		if (fetch && (xd || (us && (r->cr4 & X86_CR4_SMEP))))
			return page_fault(fault, la, prot);
		bool implicit = access & X86_XLAT_SUPERVISOR;
		if (!fetch && us && (r->cr4 & X86_CR4_SMAP) && (implicit || !(r->rflags & X86_FL_AC)))
			return page_fault(fault, la, prot);
	}

	/* Accessed flags on every entry used, dirty on the leaf for writes (SDM vol.3A 4.8). */
	for (unsigned i = 0; i < nentries; i++) {
		uint64_t want = PTE_A | ((write && i == nentries - 1) ? PTE_D : 0);
		if ((entry_val[i] & want) != want && ops->set_bits(ctx, entry_gpa[i], entry_size, want))
			return X86_EMU_ERROR;
	}
	*gpa = pa;
	return X86_EMU_OK;
}
