/* Guest-physical access by kind for the emulator (see guest_phys.h). */
#include "vmx/guest_phys.h"
#include "devices/io_spaces.h"
#include "ept/guest_memory.h"
#include "lib/string.h"

/* What backs a guest-physical address, from the EPT entry:
 *   DIRECT     guest RAM or passed-through memory: accessed in place
 *   READ_ONLY  mapped without write permission (hidden memory onto the ones page, the guest's
 *              ACPI page): reads in place, writes dropped
 *   MMIO       an emulated device (the MMIO range table)
 *   NOTHING    not mapped: reads as all ones, writes dropped */
enum phys_kind { PHYS_DIRECT, PHYS_READ_ONLY, PHYS_MMIO, PHYS_NOTHING };

static enum phys_kind classify(uint64_t gpa, uint64_t *hpa)
{
	if (guest_memory_is_ram(gpa)) { /* the common case: page tables, code, RAM operands */
		*hpa = gpa;
		return PHYS_DIRECT;
	}
	if (range_lookup(&mmio_space, gpa))
		return PHYS_MMIO; /* emulated devices, including read-only-mapped ones (ECAM) */
	uint64_t entry = ept_lookup(&guest_mem.ept, gpa, 0, hpa);
	if (ept_entry_is_mmio(entry))
		return PHYS_MMIO;
	if (!(entry & EPT_RWX))
		return PHYS_NOTHING;
	return (entry & EPT_W) ? PHYS_DIRECT : PHYS_READ_ONLY;
}

/* MMIO accesses go to the range table in naturally sized pieces of at most 8 bytes. */
static unsigned mmio_piece(uint64_t gpa, unsigned n)
{
	return n >= 8 && !(gpa & 7) ? 8 : n >= 4 && !(gpa & 3) ? 4 : n >= 2 && !(gpa & 1) ? 2 : 1;
}

static void mmio_read(uint64_t gpa, uint8_t *buf, unsigned n)
{
	while (n) {
		unsigned piece = mmio_piece(gpa, n);
		uint64_t v;
		if (!range_read(&mmio_space, gpa, piece, &v))
			v = ~0ull;
		memcpy(buf, &v, piece);
		buf += piece, gpa += piece, n -= piece;
	}
}

static void mmio_write(uint64_t gpa, const uint8_t *buf, unsigned n)
{
	while (n) {
		unsigned piece = mmio_piece(gpa, n);
		uint64_t v = 0;
		memcpy(&v, buf, piece);
		range_write(&mmio_space, gpa, piece, v);
		buf += piece, gpa += piece, n -= piece;
	}
}

/* Small copies without a byte loop (paging entries are 4 or 8 bytes). */
static void copy_bytes(void *dst, const void *src, unsigned n)
{
	if (n == 8)
		*(uint64_t *)dst = *(const uint64_t *)src;
	else if (n == 4)
		*(uint32_t *)dst = *(const uint32_t *)src;
	else
		memcpy(dst, src, n);
}

/* While a walk is recorded, the guest-physical addresses of the paging entries it reads. */
static struct {
	bool on;
	unsigned n;
	uint64_t gpa[GUEST_PHYS_WALK_MAX];
} walk_record;

void guest_phys_walk_begin(void)
{
	walk_record.on = true;
	walk_record.n = 0;
}

unsigned guest_phys_walk_end(const uint64_t **gpa)
{
	walk_record.on = false;
	*gpa = walk_record.gpa;
	return walk_record.n;
}

static int phys_read(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	uint64_t hpa;
	if (walk_record.on && walk_record.n < GUEST_PHYS_WALK_MAX)
		walk_record.gpa[walk_record.n++] = gpa;
	switch (classify(gpa, &hpa)) {
	case PHYS_DIRECT:
	case PHYS_READ_ONLY: copy_bytes(buf, (void *)(uintptr_t)hpa, n); break;
	case PHYS_MMIO: mmio_read(gpa, buf, n); break;
	case PHYS_NOTHING: memset(buf, 0xff, n); break;
	}
	return 0;
}

static int phys_write(void *ctx, uint64_t gpa, const void *buf, unsigned n)
{
	uint64_t hpa;
	switch (classify(gpa, &hpa)) {
	case PHYS_DIRECT: /* through the hypervisor's mapping, past EPT: watches must hear of it */
		copy_bytes((void *)(uintptr_t)hpa, buf, n);
		guest_memory_written(gpa, n);
		break;
	case PHYS_MMIO: mmio_write(gpa, buf, n); break;
	case PHYS_READ_ONLY:
	case PHYS_NOTHING: break;
	}
	return 0;
}

/* Accessed/dirty bits of the guest's paging entries: only in memory the guest owns. */
static int phys_set_bits(void *ctx, uint64_t gpa, unsigned size, uint64_t bits)
{
	uint64_t hpa;
	if (classify(gpa, &hpa) != PHYS_DIRECT)
		return -1;
	if (size == 8)
		__atomic_fetch_or((uint64_t *)(uintptr_t)hpa, bits, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_or((uint32_t *)(uintptr_t)hpa, (uint32_t)bits, __ATOMIC_SEQ_CST);
	return 0;
}

/* Instruction fetch and paging structures never touch devices. */
static int fetch_read(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	uint64_t hpa;
	if (classify(gpa, &hpa) == PHYS_MMIO)
		return -1;
	return phys_read(ctx, gpa, buf, n);
}

const struct x86_phys_ops guest_phys_data = { phys_read, phys_write, phys_set_bits };
const struct x86_phys_ops guest_phys_fetch = { fetch_read, phys_write, phys_set_bits };

void guest_phys_read(uint64_t gpa, void *buf, unsigned n)
{
	phys_read(0, gpa, buf, n);
}

void guest_phys_write(uint64_t gpa, const void *buf, unsigned n)
{
	phys_write(0, gpa, buf, n);
}

