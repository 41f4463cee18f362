/* Hypervisor glue for decode/: guest state from the VMCS, guest-physical access by kind,
 * fault injection, write-back. See vmx/emulate_insn.h. */
#include "vmx/emulate_insn.h"
#include "vmx/vmx_insn.h"
#include "decode/emulate.h"
#include "decode/linear.h"
#include "decode/fetch.h"
#include "decode/notify.h"
#include "devices/io_spaces.h"
#include "ept/guest_memory.h"
#include "arch/x86.h"
#include "boot/console.h"
#include "lib/string.h"

struct emulation_stats emulation_stats;

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

/* While a walk for the translation cache runs, the paging-entry reads are recorded here. */
static struct {
	bool on;
	unsigned n;
	uint64_t gpa[5];
	uint8_t size[5];
} walk_record;

static int phys_read(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	uint64_t hpa;
	if (walk_record.on && walk_record.n < 5) {
		walk_record.gpa[walk_record.n] = gpa;
		walk_record.size[walk_record.n++] = (uint8_t)n;
	}
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
	case PHYS_DIRECT: copy_bytes((void *)(uintptr_t)hpa, buf, n); break;
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

static const struct x86_phys_ops data_phys = { phys_read, phys_write, phys_set_bits };
static const struct x86_phys_ops fetch_phys = { fetch_read, phys_write, phys_set_bits };

/* The guest's XMM registers are live in the CPU during an exit: the hypervisor never uses SSE. */
#define XMM_CASE(n)                                                                       \
	case n:                                                                           \
		if (store)                                                                \
			__asm__ volatile("movdqu %%xmm" #n ", (%0)" : : "r"(val) : "memory"); \
		else                                                                      \
			__asm__ volatile("movdqu (%0), %%xmm" #n : : "r"(val) : "memory");   \
		break;

static void xmm_access(unsigned reg, uint8_t *val, bool store)
{
	switch (reg & 15) {
		XMM_CASE(0) XMM_CASE(1) XMM_CASE(2) XMM_CASE(3) XMM_CASE(4) XMM_CASE(5) XMM_CASE(6) XMM_CASE(7)
		XMM_CASE(8) XMM_CASE(9) XMM_CASE(10) XMM_CASE(11) XMM_CASE(12) XMM_CASE(13) XMM_CASE(14) XMM_CASE(15)
	}
}

static void get_xmm(void *ctx, unsigned reg, uint8_t val[16]) { xmm_access(reg, val, true); }
static void set_xmm(void *ctx, unsigned reg, const uint8_t val[16]) { xmm_access(reg, (uint8_t *)val, false); }

static const struct x86_emu_ops emu_ops = { x86_linear_read, x86_linear_write, get_xmm, set_xmm };

/*
 * Validated translation cache. A guest page walk costs about a thousand instructions; the same
 * few pages (the driver's code, the device's registers) are walked on every MMIO exit. An entry
 * remembers a walk's result together with the guest-physical address and value of every paging
 * entry it read; a hit re-reads those entries and compares (a handful of loads), so a changed
 * page table is never missed — unchanged entries give the same translation, by construction.
 */
#define XLAT_ENTRIES 32
struct xlat_entry {
	uint64_t la_page, gpa_page, cr3, cr0, cr4, efer;
	uint8_t access, cpl, valid, n, ac;
	uint8_t size[5];
	uint64_t pte_gpa[5], pte_val[5];
};
static struct xlat_entry xlat_cache[XLAT_ENTRIES];

static uint64_t read_pte(uint64_t gpa, unsigned size)
{
	return size == 8 ? *(const volatile uint64_t *)(uintptr_t)gpa : *(const volatile uint32_t *)(uintptr_t)gpa;
}

static int translate_cached(const struct x86_linear_ctx *c, uint64_t la, unsigned access, uint64_t *gpa,
			    struct x86_fault *fault)
{
	const struct x86_regs *r = c->regs;
	struct xlat_entry *e = &xlat_cache[(la >> 12) % XLAT_ENTRIES];
	/* RFLAGS.AC matters to data accesses under SMAP (SDM vol.3A 4.6); fetches ignore it. */
	uint8_t ac = !(access & X86_XLAT_FETCH) && (r->rflags & X86_FL_AC);
	if (e->valid && e->la_page == (la & ~0xfffull) && e->cr3 == r->cr3 && e->access == access &&
	    e->cpl == r->cpl && e->ac == ac && e->cr0 == r->cr0 && e->cr4 == r->cr4 && e->efer == r->efer) {
		bool same = true;
		for (unsigned i = 0; i < e->n && same; i++)
			same = read_pte(e->pte_gpa[i], e->size[i]) == e->pte_val[i];
		if (same) {
			emulation_stats.xlat_hits++;
			*gpa = e->gpa_page | (la & 0xfff);
			return X86_EMU_OK;
		}
	}
	emulation_stats.xlat_misses++;
	walk_record.on = true;
	walk_record.n = 0;
	int rc = x86_translate(r, c->phys, c->phys_ctx, la, access, gpa, fault);
	walk_record.on = false;
	e->valid = 0;
	if (rc != X86_EMU_OK)
		return rc;
	for (unsigned i = 0; i < walk_record.n; i++)
		if (!guest_memory_is_ram(walk_record.gpa[i]) || (walk_record.size[i] != 4 && walk_record.size[i] != 8))
			return rc; /* paging structures outside RAM: do not cache */
	*e = (struct xlat_entry){ .la_page = la & ~0xfffull, .gpa_page = *gpa & ~0xfffull, .cr3 = r->cr3,
				  .cr0 = r->cr0, .cr4 = r->cr4, .efer = r->efer, .access = (uint8_t)access,
				  .cpl = r->cpl, .ac = ac, .valid = 1, .n = (uint8_t)walk_record.n };
	for (unsigned i = 0; i < walk_record.n; i++) {
		e->size[i] = walk_record.size[i];
		e->pte_gpa[i] = walk_record.gpa[i];
		e->pte_val[i] = read_pte(walk_record.gpa[i], walk_record.size[i]); /* after A/D updates */
	}
	return rc;
}

static struct x86_dcache dcache;
static uint8_t maxphyaddr;

void emulate_init(void)
{
	x86_dcache_init(&dcache);
	maxphyaddr = (uint8_t)cpuid(0x80000008, 0).eax;
}

void emulation_print_stats(void)
{
	const struct emulation_stats *e = &emulation_stats;
	uint64_t lookups = dcache.hits + dcache.misses, walks = e->xlat_hits + e->xlat_misses;
	log_printf("hv: MMIO emulation: %lu instructions emulated, %lu by the MOV fast path, %lu by the notify fast path, "
		   "%lu unsupported (#UD), %lu faults injected\n", e->emulated, e->mov_fast, e->notify, e->unsupported, e->faults);
	log_printf("hv:   decode cache hit rate %lu%% (%lu hits, %lu misses); translation cache hit rate %lu%% (%lu/%lu)\n",
		   lookups ? 100 * dcache.hits / lookups : 0, dcache.hits, dcache.misses,
		   walks ? 100 * e->xlat_hits / walks : 0, e->xlat_hits, walks);
}

/* What instruction fetch needs: RIP, CS, the paging registers and the CPL. */
static void load_fetch_regs(struct x86_regs *r)
{
	r->rip = vmread(VMCS_GUEST_RIP);
	r->cr0 = vmread(VMCS_GUEST_CR0);
	r->cr3 = vmread(VMCS_GUEST_CR3);
	r->cr4 = vmread(VMCS_GUEST_CR4) & ~CR4_VMXE;
	r->efer = vmread(VMCS_GUEST_EFER);
	r->seg[X86_CS].base = vmread(VMCS_GUEST_CS_BASE);
	r->seg[X86_CS].limit = (uint32_t)vmread(VMCS_GUEST_CS_LIMIT);
	r->seg[X86_CS].ar = (uint32_t)vmread(VMCS_GUEST_CS_AR);
	r->seg[X86_SS].ar = (uint32_t)vmread(VMCS_GUEST_SS_AR);
	r->cpl = (r->seg[X86_SS].ar >> 5) & 3;
	r->maxphyaddr = maxphyaddr;
}

/* The rest the emulator needs: RSP (the other GPRs are already there), RFLAGS, the data segments. In 64-bit mode only the FS and
 * GS bases take part in addressing (SDM vol.3A 3.4.4), so only they are read. */
static void load_data_regs(struct x86_regs *r, enum x86_mode mode)
{
	r->gpr[X86_RSP] = vmread(VMCS_GUEST_RSP);
	r->rflags = vmread(VMCS_GUEST_RFLAGS);
	if (mode == X86_MODE_64) {
		r->seg[X86_FS].base = vmread(VMCS_GUEST_FS_BASE);
		r->seg[X86_GS].base = vmread(VMCS_GUEST_GS_BASE);
		return;
	}
	for (unsigned s = 0; s < X86_SEG_COUNT; s++) { /* ES CS SS DS FS GS: VMCS order too */
		if (s == X86_CS)
			continue;
		r->seg[s].base = vmread(VMCS_GUEST_ES_BASE + 2 * s);
		r->seg[s].limit = (uint32_t)vmread(VMCS_GUEST_ES_LIMIT + 2 * s);
		r->seg[s].ar = (uint32_t)vmread(VMCS_GUEST_ES_AR + 2 * s);
	}
}

static void inject(struct vcpu *v, const struct x86_fault *f)
{
	emulation_stats.faults++;
	if (f->vector == X86_EXC_PF)
		write_cr2(f->cr2); /* CR2 is not in the VMCS: the guest's value is the CPU's (SDM 27.3) */
	if (f->has_error_code)
		vcpu_inject_exception_error(v, f->vector, f->error_code);
	else
		vcpu_inject_exception(v, f->vector);
}

static void unsupported(struct vcpu *v, const uint8_t *bytes, unsigned n, const char *why)
{
	emulation_stats.unsupported++;
	log_printf("hv: cannot emulate the instruction at RIP 0x%lx (%s):", vmread(VMCS_GUEST_RIP), why);
	for (unsigned i = 0; i < n && i < 15; i++)
		log_printf(" %02x", bytes[i]);
	log_printf("; #UD to the guest\n");
	vcpu_inject_exception(v, VEC_UD);
}

/* A fast path's instruction is done: RIP moves past it (wrapping outside 64-bit mode), RF is
 * cleared as on completion (SDM vol.3A 18.3.1.1). */
static void complete_instruction(struct vcpu *v, uint64_t next_rip, enum x86_mode mode)
{
	vcpu_set_rip(v, mode == X86_MODE_64 ? next_rip : (uint32_t)next_rip);
	uint64_t rflags = vmread(VMCS_GUEST_RFLAGS);
	if (rflags & X86_FL_RF)
		vmwrite(VMCS_GUEST_RFLAGS, rflags & ~X86_FL_RF);
}

/* The bytes at RIP in place, when all 15 that an instruction may have lie in one page of guest
 * RAM (the common case: one cached translation, no copy). The exiting instruction was just
 * fetched by the CPU, so RIP is canonical and inside CS. NULL: take the general path. */
static const uint8_t *code_in_place(const struct x86_linear_ctx *c, uint64_t la)
{
	uint64_t gpa;
	struct x86_fault fault;
	if ((la & 0xfff) > 0x1000 - X86_MAX_INSN_LEN || translate_cached(c, la, X86_XLAT_FETCH, &gpa, &fault) != X86_EMU_OK ||
	    !guest_memory_is_ram(gpa))
		return 0;
	return (const uint8_t *)(uintptr_t)gpa;
}

/* The notify instruction (decode/notify.h, "89 02" = mov [rdx], eax): the CPU already did
 * segmentation and paging for the store and the exit gives its guest-physical address, so it is
 * completed from two bytes without a decode. */
static bool notify_fast_path(struct vcpu *v, const struct x86_regs *r, const uint8_t *code, enum x86_mode mode)
{
	uint64_t gpa = vmread(VMCS_GUEST_PHYS_ADDR);
	if (!x86_notify_match(code, X86_NOTIFY_LEN, mode) || (gpa & 0xfff) > 0x1000 - X86_NOTIFY_SIZE)
		return false;
	uint32_t value = (uint32_t)v->gpr[GPR_RAX]; /* x86_notify_value: EAX */
	if (v->exit_reason == EXIT_EPT_MISCONFIG && !(gpa & 3))
		range_write(&mmio_space, gpa, X86_NOTIFY_SIZE, value); /* always emulated MMIO */
	else
		phys_write(0, gpa, &value, X86_NOTIFY_SIZE);
	complete_instruction(v, r->rip + X86_NOTIFY_LEN, mode); /* as x86_notify_complete */
	emulation_stats.notify++;
	return true;
}

/* Decoded instruction for code in place: the decode cache, else the decoder. */
static int decode_in_place(const struct x86_regs *r, const uint8_t *code, enum x86_mode mode, struct x86_insn *insn,
			   struct x86_fault *fault)
{
	const struct x86_dcache_entry *e = x86_dcache_find(&dcache, r->rip, r->cr3, mode);
	if (e && x86_dcache_match(&dcache, e, code, X86_MAX_INSN_LEN)) {
		*insn = e->insn;
		return X86_EMU_OK;
	}
	int d = x86_decode(code, X86_MAX_INSN_LEN, mode, insn);
	if (d == X86_DEC_OK) {
		x86_dcache_insert(&dcache, r->rip, r->cr3, mode, code, insn);
		return X86_EMU_OK;
	}
	return x86_fault_raise(fault, d == X86_DEC_TOO_LONG ? X86_EXC_GP : X86_EXC_UD, d == X86_DEC_TOO_LONG);
}

/* A plain MOV between a register or immediate and its one memory operand (the readl/writel of
 * every driver): the CPU already did segmentation, paging and alignment checks for the access
 * and the exit names its guest-physical address, so it is completed without the emulator. */
static bool mov_fast_path(struct vcpu *v, struct x86_regs *r, const struct x86_insn *in, enum x86_mode mode)
{
	if (in->op != X86_OP_MOV || in->form == X86_FORM_STRING || in->form == X86_FORM_M || (in->prefixes & X86_PFX_LOCK))
		return false;
	uint64_t gpa = vmread(VMCS_GUEST_PHYS_ADDR), value = 0;
	unsigned size = in->memsize;
	if ((gpa & 0xfff) + size > 0x1000 || size > 8)
		return false; /* split across pages, or SSE: the general path */
	/* A misconfiguration exit is always emulated MMIO: straight to the range table. */
	bool mmio = v->exit_reason == EXIT_EPT_MISCONFIG && !(gpa & (size - 1));
	if (in->form == X86_FORM_R_M) {
		if (!mmio)
			phys_read(0, gpa, &value, size);
		else if (!range_read(&mmio_space, gpa, size, &value))
			value = ~0ull;
		x86_reg_set(r, in->reg, in->opsize, value);
	} else {
		value = in->form == X86_FORM_M_I ? in->imm : x86_reg_get(r, in->reg, size);
		if (mmio)
			range_write(&mmio_space, gpa, size, value);
		else
			phys_write(0, gpa, &value, size);
	}
	complete_instruction(v, r->rip + in->len, mode);
	emulation_stats.mov_fast++;
	return true;
}

void emulate_current_instruction(struct vcpu *v)
{
	struct x86_regs *r = &v->regs; /* the emulator works on the saved GPRs in place */
	load_fetch_regs(r);
	struct x86_linear_ctx ctx = { r, &fetch_phys, 0, 0, translate_cached };
	enum x86_mode mode = x86_regs_mode(r);
	uint64_t la = mode == X86_MODE_64 ? r->rip : (uint32_t)(r->seg[X86_CS].base + r->rip);
	const uint8_t *code = code_in_place(&ctx, la);
	if (code && notify_fast_path(v, r, code, mode))
		return;
	struct x86_fault fault;
	struct x86_insn insn;
	int rc = code ? decode_in_place(r, code, mode, &insn, &fault) : x86_fetch_decode(&ctx, &dcache, &insn, &fault);
	ctx.phys = &data_phys;
	if (rc == X86_EMU_FAULT) {
		if (fault.vector == X86_EXC_UD) {
			uint8_t bytes[X86_MAX_INSN_LEN];
			int frc;
			unsigned n = x86_linear_fetch(&ctx, la, bytes, sizeof bytes, &frc, &fault);
			unsupported(v, bytes, n, "not a supported memory form");
			return;
		}
		inject(v, &fault);
		return;
	}
	if (rc != X86_EMU_OK) {
		unsupported(v, 0, 0, "its bytes are not in guest memory");
		return;
	}
	if (code && mov_fast_path(v, r, &insn, mode))
		return;
	load_data_regs(r, mode);
	uint64_t rip = r->rip;
	rc = x86_emulate(&insn, r, &emu_ops, &ctx, 0, &fault);
	if (rc == X86_EMU_FAULT) {
		/* REP iterations done before the fault stay done (RCX/RSI/RDI are already in place). */
		inject(v, &fault);
		return;
	}
	if (rc != X86_EMU_OK) {
		log_printf("hv: emulation of the instruction at RIP 0x%lx failed (guest paging structures not in RAM); #GP to the guest\n", rip);
		struct x86_fault gp = { .vector = X86_EXC_GP, .has_error_code = true };
		inject(v, &gp);
		return;
	}
	emulation_stats.emulated++;
	vmwrite(VMCS_GUEST_RSP, r->gpr[X86_RSP]);
	vmwrite(VMCS_GUEST_RFLAGS, r->rflags);
	if (r->rip != rip) /* unchanged: REP iterations remain, the guest re-executes */
		vcpu_set_rip(v, r->rip);
}
