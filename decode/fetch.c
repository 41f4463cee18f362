/* Instruction fetch + decode through the cache (see fetch.h). */
#include "decode/fetch.h"


int x86_fetch_decode(const struct x86_linear_ctx *c, struct x86_dcache *cache,
		     struct x86_insn *insn, struct x86_fault *fault)
{
	const struct x86_regs *r = c->regs;
	enum x86_mode mode = x86_regs_mode(r);
	uint64_t rip = r->rip, la;
	unsigned avail = X86_MAX_INSN_LEN;

	if (mode == X86_MODE_64) {
		unsigned sh = (r->cr4 & X86_CR4_LA57) ? 7 : 16; /* 57- or 48-bit canonical */
		la = rip;
		if ((uint64_t)((int64_t)(la << sh) >> sh) != la)
			return x86_fault_raise(fault, X86_EXC_GP, true);
	} else {
		/* bytes beyond the CS limit cannot be fetched (SDM vol.3A 5.3) */
		uint64_t limit = r->seg[X86_CS].limit;
		if (rip > limit)
			return x86_fault_raise(fault, X86_EXC_GP, true);
		if (limit - rip + 1 < avail)
			avail = (unsigned)(limit - rip + 1);
		la = (uint32_t)(r->seg[X86_CS].base + rip);
	}

	uint8_t bytes[16] = { 0 }; /* the cache reads 16 */
	int frc;
	struct x86_fault ffault;
	if (cache) {
		const struct x86_dcache_entry *e = x86_dcache_find(cache, la, r->cr3, x86_fetch_key_of(r));
		if (e) {
			unsigned got = x86_linear_fetch(c, la, bytes, e->insn.len, &frc, &ffault);
			if (x86_dcache_match(cache, e, bytes, got)) {
				*insn = e->insn;
				return X86_EMU_OK;
			}
		}
	}
	unsigned got = x86_linear_fetch(c, la, bytes, avail, &frc, &ffault);
	int rc = x86_decode(bytes, got, mode, insn);
	if (rc == X86_DEC_OK) {
		if (cache)
			x86_dcache_insert(cache, la, r->cr3, x86_fetch_key_of(r), bytes, insn);
		return X86_EMU_OK;
	}
	if (rc == X86_DEC_TRUNCATED) {
		if (got < avail) { /* the bytes that could not be fetched are needed */
			*fault = ffault;
			return frc;
		}
		return x86_fault_raise(fault, X86_EXC_GP, true); /* runs past the CS limit */
	}
	if (rc == X86_DEC_TOO_LONG)
		return x86_fault_raise(fault, X86_EXC_GP, true);
	return x86_fault_raise(fault, X86_EXC_UD, false);
}
