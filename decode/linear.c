/* Linear-address reads, writes and fetches over the page walker (see linear.h). */
#include "decode/linear.h"

#define PAGE_SIZE 4096u

/* The address of the next page: linear addresses wrap at 4 GiB outside IA-32e mode. */
static inline uint64_t next_la(const struct x86_regs *r, uint64_t la, unsigned n)
{
	return (r->efer & X86_EFER_LMA) ? la + n : (uint32_t)(la + n);
}

static int translate(const struct x86_linear_ctx *c, uint64_t la, unsigned access, uint64_t *gpa,
		     struct x86_fault *fault)
{
	if (c->translate)
		return c->translate(c, la, access, gpa, fault);
	return x86_translate(c->regs, c->phys, c->phys_ctx, la, access, gpa, fault);
}

/* Translates every page of [la, la+size) for `access`, then reads into rbuf or writes wbuf. */
static int linear_access(const struct x86_linear_ctx *c, uint64_t la, void *rbuf,
			 const void *wbuf, unsigned size, unsigned access, struct x86_fault *fault)
{
	uint64_t gpa0, gpa1 = 0;
	unsigned n0 = PAGE_SIZE - (unsigned)(la & (PAGE_SIZE - 1));
	if (n0 > size)
		n0 = size;
	int rc = translate(c, la, access, &gpa0, fault);
	if (rc)
		return rc;
	if (n0 < size) {
		rc = translate(c, next_la(c->regs, la, n0), access,
				   &gpa1, fault);
		if (rc)
			return rc;
	}
	if (wbuf) {
		const uint8_t *b = wbuf;
		if (c->phys->write(c->phys_ctx, gpa0, b, n0) ||
		    (n0 < size && c->phys->write(c->phys_ctx, gpa1, b + n0, size - n0)))
			return X86_EMU_ERROR;
	} else {
		uint8_t *b = rbuf;
		if (c->phys->read(c->phys_ctx, gpa0, b, n0) ||
		    (n0 < size && c->phys->read(c->phys_ctx, gpa1, b + n0, size - n0)))
			return X86_EMU_ERROR;
	}
	return X86_EMU_OK;
}

int x86_linear_read(void *ctx, uint64_t la, void *buf, unsigned size, unsigned flags,
		    struct x86_fault *fault)
{
	/* the read half of a read-modify-write is translated for write (SDM vol.3A 4.6) */
	return linear_access(ctx, la, buf, NULL, size,
			     (flags & X86_EMU_RMW) ? X86_XLAT_WRITE : 0, fault);
}

int x86_linear_write(void *ctx, uint64_t la, const void *buf, unsigned size,
		     struct x86_fault *fault)
{
	return linear_access(ctx, la, NULL, buf, size, X86_XLAT_WRITE, fault);
}

unsigned x86_linear_fetch(const struct x86_linear_ctx *c, uint64_t la, uint8_t *buf, unsigned n,
			  int *rc, struct x86_fault *fault)
{
	unsigned got = 0;
	*rc = X86_EMU_OK;
	while (got < n) {
		unsigned chunk = PAGE_SIZE - (unsigned)(la & (PAGE_SIZE - 1));
		if (chunk > n - got)
			chunk = n - got;
		uint64_t gpa;
		*rc = translate(c, la, X86_XLAT_FETCH, &gpa, fault);
		if (*rc)
			break;
		if (c->phys->read(c->phys_ctx, gpa, buf + got, chunk)) {
			*rc = X86_EMU_ERROR;
			break;
		}
		got += chunk;
		la = next_la(c->regs, la, chunk);
	}
	return got;
}
