/* Hypervisor glue for decode/: guest state from the VMCS, the translation and decode caches, the
 * hot and miss paths, fault injection, write-back. See vmx/emulate_insn.h; guest-physical access
 * by kind is vmx/guest_phys.c. */
#include "vmx/emulate_insn.h"
#include "vmx/vmx_insn.h"
#include "vmx/guest_phys.h"
#include "decode/emulate.h"
#include "decode/linear.h"
#include "decode/fetch.h"
#include "decode/notify.h"
#include "decode/string_io.h"
#include "devices/io_spaces.h"
#include "ept/guest_memory.h"
#include "arch/x86.h"
#include "boot/console.h"
#include "lib/string.h"

struct emulation_stats emulation_stats;

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
 * Validated translation cache. A guest page walk costs hundreds of instructions; the same few
 * pages (the driver's code, the device's registers) are walked on every MMIO exit. An entry
 * remembers a walk's result; the pages holding the paging entries it read are write-watched
 * (ept/write_watch.h), and the entry is valid while the watch generation is unchanged: any guest
 * write to one of those pages moves the generation, so a changed page table is never missed.
 * The key holds the code context (x86_code_ctx: paging mode bits, CPL) and the access kind.
 */
#define XLAT_ENTRIES 32
struct xlat_entry {
	uint64_t la_page, gpa_page, cr3, ctx;
	uint64_t gen; /* the watch generation it was built under; 0: invalid */
	unsigned access; /* X86_XLAT_* | 0x100 when RFLAGS.AC counts (SMAP, data accesses) */
	bool ram; /* the page is guest RAM (code can be read in place) */
};
static struct xlat_entry xlat_cache[XLAT_ENTRIES];

/* A walk for the cache entry e (the slot of la): translation, watches, the entry. */
static __attribute__((noinline)) int translate_miss(const struct x86_linear_ctx *c, struct xlat_entry *e, uint64_t la,
						    unsigned access, uint64_t ctx, uint64_t *gpa, struct x86_fault *fault,
						    const struct xlat_entry **hit)
{
	const struct x86_regs *r = c->regs;
	emulation_stats.xlat_misses++;
	*hit = 0;
	guest_phys_walk_begin();
	int rc = x86_translate(r, c->phys, c->phys_ctx, la, access & 0xff, gpa, fault);
	const uint64_t *walked;
	unsigned walk = guest_phys_walk_end(&walked);
	e->gen = 0;
	if (rc != X86_EMU_OK)
		return rc;
	uint64_t gen = guest_memory_watch(walked, walk);
	if (!gen)
		return rc; /* paging structures that cannot be watched: not cached */
	e->la_page = la & ~0xfffull;
	e->gpa_page = *gpa & ~0xfffull;
	e->cr3 = r->cr3;
	e->ctx = ctx;
	e->access = access;
	e->ram = guest_memory_is_ram(*gpa);
	e->gen = gen;
	*hit = e;
	return rc;
}

/* Translation through the cache (ctx: x86_code_ctx of the registers); *hit receives the entry
 * that now holds it (NULL: not cached). */
static inline int translate_page(const struct x86_linear_ctx *c, uint64_t la, unsigned access, uint64_t ctx,
				 uint64_t *gpa, struct x86_fault *fault, const struct xlat_entry **hit)
{
	struct xlat_entry *e = &xlat_cache[(la >> 12) % XLAT_ENTRIES];
	if (e->gen == guest_memory_watch_generation() && e->la_page == (la & ~0xfffull) && e->cr3 == c->regs->cr3 &&
	    e->ctx == ctx && e->access == access) {
		emulation_stats.xlat_hits++;
		*gpa = e->gpa_page | (la & 0xfff);
		*hit = e;
		return X86_EMU_OK;
	}
	return translate_miss(c, e, la, access, ctx, gpa, fault, hit);
}

static int translate_cached(const struct x86_linear_ctx *c, uint64_t la, unsigned access, uint64_t *gpa,
			    struct x86_fault *fault)
{
	const struct xlat_entry *unused;
	/* RFLAGS.AC matters to data accesses under SMAP (SDM vol.3A 4.6); fetches ignore it. */
	if (!(access & X86_XLAT_FETCH) && (c->regs->rflags & X86_FL_AC))
		access |= 0x100;
	return translate_page(c, la, access, x86_code_ctx(c->regs), gpa, fault, &unused);
}

static struct x86_dcache dcache;
static bool dcache_on = true; /* emulate_set_decode_cache */
static bool trace_mmio;       /* emulate_set_trace */
/* The notify instruction decoded once (decode/notify.h): on a cache miss its two bytes are
 * recognised and this is cached for it, without a decode. */
static struct x86_insn notify_insn[2]; /* [0] 32-bit mode, [1] 64-bit mode */

static uint8_t maxphyaddr;

/* The instruction at code (16 bytes readable): the notify instruction's fixed decoding when its
 * two bytes are there, else x86_decode's (X86_DEC_*). */
static inline __attribute__((always_inline)) int decode_bytes(const uint8_t *code, enum x86_mode mode, struct x86_insn *out)
{
	if (x86_notify_match(code, X86_NOTIFY_LEN, mode)) {
		*out = notify_insn[mode == X86_MODE_64];
		emulation_stats.notify++;
		return X86_DEC_OK;
	}
	return x86_decode(code, X86_MAX_INSN_LEN, mode, out);
}

void emulate_init(void)
{
	x86_dcache_init(&dcache);
	static const uint8_t notify[] = { X86_NOTIFY_BYTE0, X86_NOTIFY_BYTE1 };
	x86_decode(notify, sizeof notify, X86_MODE_32, &notify_insn[0]);
	x86_decode(notify, sizeof notify, X86_MODE_64, &notify_insn[1]);
	maxphyaddr = (uint8_t)cpuid(0x80000008, 0).eax;
}

void emulate_set_trace(bool on)
{
	trace_mmio = on;
	if (on) /* every MMIO exit then takes a path that can print it (not the cache's hot path) */
		emulate_set_decode_cache(false);
}

/* trace=mmio: one line per MMIO instruction completed at its guest-physical address. */
static __attribute__((noinline)) void trace_mov(uint64_t rip, const struct x86_insn *in, enum x86_mov_class mov,
						const struct range_entry *d, uint64_t gpa, uint64_t value)
{
	const char *what = mov == X86_MOV_LOAD ? "read" : "write";
	log_printf("mmio: rip 0x%lx %s %s: %s %u bytes at 0x%lx (%s+0x%lx) %s 0x%lx\n", rip, x86_op_name(in->op),
		   mov == X86_MOV_STORE_IMM ? "imm" : x86_reg_name(in->reg, in->opsize), what, in->memsize, gpa,
		   d ? d->name : "no device", d ? gpa - d->base : 0, mov == X86_MOV_LOAD ? "->" : "<-", value);
}

bool emulate_set_decode_cache(bool on)
{
	if (trace_mmio && on)
		return false; /* tracing keeps it off */
	bool was = dcache_on;
	x86_dcache_flush(&dcache); /* off: nothing may hit; on: start clean */
	dcache_on = on;
	return was;
}

void emulation_print_stats(void)
{
	const struct emulation_stats *e = &emulation_stats;
	uint64_t lookups = dcache.hits + dcache.misses, walks = e->xlat_hits + e->xlat_misses;
	log_printf("hv: MMIO emulation: %lu instructions emulated, %lu by the MOV fast path, %lu notify instructions recognised without decode, "
		   "%lu unsupported (#UD), %lu faults injected\n", e->emulated, e->mov_fast, e->notify, e->unsupported, e->faults);
	log_printf("hv:   decode cache hit rate %lu%% (%lu hits, %lu misses); translation cache hit rate %lu%% (%lu/%lu)\n",
		   lookups ? 100 * dcache.hits / lookups : 0, dcache.hits, dcache.misses,
		   walks ? 100 * e->xlat_hits / walks : 0, e->xlat_hits, walks);
	const struct write_watch *w = &guest_mem.watch;
	log_printf("hv:   write watches on guest page tables: %lu set, %lu ended by writes, %lu resets, %lu refused (written "
		   "too often); generation %lu\n", w->watches, w->writes, w->resets, w->refused_hot, w->generation);
}

/* What instruction fetch needs: RIP, CS, the paging registers and the CPL. CS base and limit
 * take part only outside 64-bit mode (SDM vol.3A 3.4.4, 5.3). */
static inline __attribute__((always_inline)) void load_fetch_regs(struct x86_regs *r)
{
	r->rip = vmread(VMCS_GUEST_RIP);
	r->cr0 = vmread(VMCS_GUEST_CR0);
	r->cr3 = vmread(VMCS_GUEST_CR3);
	r->cr4 = vmread(VMCS_GUEST_CR4) & ~CR4_VMXE;
	r->efer = vmread(VMCS_GUEST_EFER);
	r->seg[X86_CS].ar = (uint32_t)vmread(VMCS_GUEST_CS_AR);
	r->seg[X86_SS].ar = (uint32_t)vmread(VMCS_GUEST_SS_AR);
	r->cpl = (r->seg[X86_SS].ar >> 5) & 3;
	if (x86_regs_mode(r) == X86_MODE_64) {
		r->seg[X86_CS].base = 0;
		r->seg[X86_CS].limit = ~0u;
	} else {
		r->seg[X86_CS].base = vmread(VMCS_GUEST_CS_BASE);
		r->seg[X86_CS].limit = (uint32_t)vmread(VMCS_GUEST_CS_LIMIT);
	}
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
static inline __attribute__((always_inline)) void complete_instruction(struct vcpu *v, uint64_t next_rip, enum x86_mode mode)
{
	vcpu_set_rip(v, mode == X86_MODE_64 ? next_rip : (uint32_t)next_rip);
	uint64_t rflags = vmread(VMCS_GUEST_RFLAGS);
	if (__builtin_expect(rflags & X86_FL_RF, 0))
		vmwrite(VMCS_GUEST_RFLAGS, rflags & ~X86_FL_RF);
}

/*
 * The key of the hot path: a 64-bit code segment (CS.L=1, CS.D=0) and IA-32e mode. Only the CS
 * bits need reading: the paging-mode bits of the key (CR0.PE/PG, CR4.PSE/PAE/LA57, EFER.LMA) are
 * owned by the hypervisor and every change moves the watch generation (vmx/exit_cr.c), so an
 * entry of the current generation has the current ones.
 */
#define HOT_KEY (X86_EFER_LMA | X86_AR_L) /* its X86_FETCH_KEY_MODE bits */

/* Pages of code the MMIO miss path decodes in place (emulate_miss): a fetch translation of the
 * general path, remembered by linear page with its CR3, fetch key and watch generation. */
#define CODE_PAGES 8
static struct code_page {
	uint64_t tag;   /* the linear page | its fetch key's code-size bits >> 4 (below bit 12) */
	uint64_t cr3, gen;
	const uint8_t *host;
	uint64_t key;
} __attribute__((aligned(64))) code_pages[CODE_PAGES];

static inline uint64_t code_page_tag(uint64_t la, uint64_t key)
{
	return (la & ~0xfffull) | (key & X86_FETCH_KEY_MODE) >> 4;
}

/*
 * A cache miss with the instruction's bytes in place: all 16 bytes the cache compares lie in one
 * page of guest RAM whose translation the translation cache holds (the common case). The
 * exiting instruction was just fetched by the CPU, so RIP is canonical and inside CS. Remembers
 * the code page (code_pages, for emulate_miss); recognises the notify instruction, else decodes;
 * caches the result as an in-place entry under the watch generation of the code page's
 * translation (*out), or with the decode cache off returns it in *uncached. X86_EMU_OK;
 * X86_EMU_FAULT (#UD, #GP for over 15 bytes); or X86_EMU_ERROR: not in place, take the general
 * path.
 */
static int cache_in_place(const struct x86_linear_ctx *c, uint64_t la, uint64_t key, enum x86_mode mode,
			  struct x86_dcache_entry **out, struct x86_insn *uncached, struct x86_fault *fault)
{
	uint64_t gpa;
	const struct xlat_entry *page;
	if ((la & 0xfff) > 0x1000 - 16 ||
	    translate_page(c, la, X86_XLAT_FETCH, x86_code_ctx(c->regs), &gpa, fault, &page) != X86_EMU_OK ||
	    !page || !page->ram)
		return X86_EMU_ERROR;
	const uint8_t *code = (const uint8_t *)(uintptr_t)gpa;
	code_pages[(la >> 12) % CODE_PAGES] = (struct code_page){ code_page_tag(la, key), c->regs->cr3, page->gen,
								   code - (la & 0xfff), key };
	struct x86_insn decoded;
	int d = decode_bytes(code, mode, &decoded);
	if (d != X86_DEC_OK)
		return x86_fault_raise(fault, d == X86_DEC_TOO_LONG ? X86_EXC_GP : X86_EXC_UD, d == X86_DEC_TOO_LONG);
	if (dcache_on)
		*out = x86_dcache_insert_in_place(&dcache, la, c->regs->cr3, key, code, &decoded, page->gen);
	else
		*uncached = decoded;
	return X86_EMU_OK;
}

/* The emulated device at gpa: the one remembered by the cache entry while the MMIO table is
 * unchanged, else a table lookup (remembered for next time). */
static struct {
	const struct range_entry *dev;
	uint64_t gen;
	uint64_t none_gpa; /* with dev NULL: the address that has no device (a write to hidden memory) */
} last_device; /* for new instructions */

static __attribute__((noinline)) const struct range_entry *mmio_device_lookup(uint64_t gpa, uint64_t gen)
{
	if (!last_device.dev && last_device.gen == gen && last_device.none_gpa == gpa)
		return 0; /* asked again by the general path */
	const struct range_entry *d = range_lookup(&mmio_space, gpa);
	last_device.dev = d;
	last_device.gen = gen;
	last_device.none_gpa = gpa;
	return d;
}

static inline __attribute__((always_inline)) const struct range_entry *mmio_device(struct x86_dcache_entry *e, uint64_t gpa)
{
	uint64_t gen = range_generation(&mmio_space);
	const struct range_entry *d = e ? e->user : 0;
	if (d && e->user_gen == gen && gpa - d->base < d->len)
		return d;
	d = last_device.dev;
	if (!d || last_device.gen != gen || gpa - d->base >= d->len)
		d = mmio_device_lookup(gpa, gen);
	if (e) {
		e->user = d;
		e->user_gen = d ? gen : X86_DCACHE_NO_USER;
	}
	return d;
}

/* A plain MOV (mov: its x86_mov_class) to device d at the exit's gpa, completed: the register
 * or immediate goes out, or the value comes back into the register; RIP moves on. False for a
 * misaligned access (the general path splits it). The hot paths pass constant mode and trace. */
static inline __attribute__((always_inline)) bool mov_finish(struct vcpu *v, const struct x86_insn *in,
							      enum x86_mov_class mov, const struct range_entry *d,
							      uint64_t gpa, uint64_t rip, enum x86_mode mode, bool trace)
{
	unsigned size = in->memsize;
	if (gpa & (size - 1))
		return false;
	uint64_t value;
	if (mov == X86_MOV_LOAD) {
		range_entry_read(d, gpa, size, &value);
		x86_reg_set(&v->regs, in->reg, in->opsize, value);
	} else {
		/* range_entry_write keeps the low size bytes: a GPR goes as it is */
		unsigned reg = in->reg;
		value = mov == X86_MOV_STORE_IMM ? in->imm : reg < 16 ? v->regs.gpr[reg] : x86_reg_get(&v->regs, reg, size);
		range_entry_write(d, gpa, size, value);
	}
	if (trace)
		trace_mov(rip, in, mov, d, gpa, value);
	complete_instruction(v, rip + in->len, mode);
	emulation_stats.mov_fast++;
	return true;
}

/* A plain MOV between a register or immediate and its one memory operand (the readl/writel of
 * every driver, and the notify instruction; x86_mov_class): the CPU already did segmentation,
 * paging and alignment checks for the access and the exit names its guest-physical address, so
 * it is completed without the emulator. e: the instruction's cache entry, or NULL. */
static bool mov_fast_path(struct vcpu *v, const struct x86_insn *in, enum x86_mov_class mov, uint64_t rip,
			  enum x86_mode mode, struct x86_dcache_entry *e)
{
	if (mov == X86_MOV_OTHER)
		return false;
	uint64_t gpa = vmread(VMCS_GUEST_PHYS_ADDR), value = 0;
	unsigned size = in->memsize;
	if ((gpa & 0xfff) + size > 0x1000)
		return false; /* split across pages: the general path */
	/* Straight to the device: a misconfiguration exit is always emulated MMIO, and a violation
	 * that reaches emulation is a device page mapped read-only (ECAM, the local APIC) or memory
	 * the guest may not write (no device there: the access by kind below drops the write). */
	const struct range_entry *dev = (gpa & (size - 1)) ? 0 : mmio_device(e, gpa);
	if (dev)
		return mov_finish(v, in, mov, dev, gpa, rip, mode, trace_mmio);
	if (mov == X86_MOV_LOAD) {
		guest_phys_read(gpa, &value, size);
		x86_reg_set(&v->regs, in->reg, in->opsize, value);
	} else {
		value = mov == X86_MOV_STORE_IMM ? in->imm : x86_reg_get(&v->regs, in->reg, size);
		guest_phys_write(gpa, &value, size);
	}
	if (__builtin_expect(trace_mmio, 0))
		trace_mov(rip, in, mov, 0, gpa, value);
	complete_instruction(v, rip + in->len, mode);
	emulation_stats.mov_fast++;
	return true;
}

/* The end of an emulation that started at RIP rip: a fault is injected (REP iterations done
 * before it stay done: RCX/RSI/RDI are already in place); a failed access (guest paging
 * structures outside RAM) becomes #GP; success writes RFLAGS back and moves RIP unless REP
 * iterations remain (the guest re-executes). True on success. */
static bool finish_emulation(struct vcpu *v, int rc, const struct x86_fault *fault, uint64_t rip)
{
	if (rc == X86_EMU_FAULT) {
		inject(v, fault);
		return false;
	}
	if (rc != X86_EMU_OK) {
		log_printf("hv: emulation of the instruction at RIP 0x%lx failed (guest paging structures not in RAM); #GP to the guest\n", rip);
		struct x86_fault gp = { .vector = X86_EXC_GP, .has_error_code = true };
		inject(v, &gp);
		return false;
	}
	vmwrite(VMCS_GUEST_RFLAGS, v->regs.rflags);
	if (v->regs.rip != rip)
		vcpu_set_rip(v, v->regs.rip);
	return true;
}

/* Everything but the hot path: the general fetch, decode and emulation. In 64-bit mode the
 * in-place lookup was done already and found e (or NULL). */
static __attribute__((noinline)) void emulate_general(struct vcpu *v, struct x86_dcache_entry *e)
{
	struct x86_regs *r = &v->regs; /* the emulator works on the saved GPRs in place */
	load_fetch_regs(r);
	struct x86_linear_ctx ctx;
	enum x86_mode mode = x86_regs_mode(r);
	uint64_t la = mode == X86_MODE_64 ? r->rip : (uint32_t)(r->seg[X86_CS].base + r->rip);
	uint64_t key = x86_fetch_key_of(r);
	struct x86_fault fault;
	struct x86_insn fetched;
	const struct x86_insn *insn = &fetched;

	if (mode != X86_MODE_64) /* cached with its bytes in place and still the same? */
		e = x86_dcache_lookup_in_place(&dcache, la, r->cr3, key, guest_memory_watch_generation());
	int rc = X86_EMU_OK;
	if (!e) {
		ctx = (struct x86_linear_ctx){ r, &guest_phys_fetch, 0, 0, translate_cached };
		dcache.misses++;
		rc = cache_in_place(&ctx, la, key, mode, &e, &fetched, &fault);
		if (rc == X86_EMU_ERROR) /* bytes across a page end or outside RAM: fetch them */
			rc = x86_fetch_decode(&ctx, 0, &fetched, &fault);
	}
	if (e)
		insn = &e->insn;
	if (rc == X86_EMU_FAULT) {
		if (fault.vector == X86_EXC_UD) {
			uint8_t bytes[X86_MAX_INSN_LEN];
			int frc;
			ctx.phys = &guest_phys_data; /* bytes for the message: also from MMIO */
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
	if (mov_fast_path(v, insn, e ? (enum x86_mov_class)e->mov : x86_mov_class(insn), r->rip, mode, e))
		return;
	ctx = (struct x86_linear_ctx){ r, &guest_phys_data, 0, 0, translate_cached };
	load_data_regs(r, mode);
	uint64_t rip = r->rip;
	rc = x86_emulate(insn, r, &emu_ops, &ctx, 0, &fault);
	if (__builtin_expect(trace_mmio, 0))
		log_printf("mmio: rip 0x%lx %s at 0x%lx: emulated%s\n", rip, x86_op_name(insn->op), vmread(VMCS_GUEST_PHYS_ADDR),
			   rc == X86_EMU_OK ? "" : rc == X86_EMU_FAULT ? ", fault injected" : ", failed");
	if (finish_emulation(v, rc, &fault, rip)) {
		emulation_stats.emulated++;
		vmwrite(VMCS_GUEST_RSP, r->gpr[X86_RSP]);
	}
}

/*
 * The hot path: in 64-bit mode, a cached plain MOV whose bytes and code translation still hold,
 * to the device its cache entry remembers (resolved by mmio_device on its first use; an entry's
 * user is only ever set for a plain MOV). It reads only the access's GPA from the VMCS and
 * calls the device directly. Returns false when any of that does not hold (emulate_general then
 * does the full work).
 */
static inline __attribute__((always_inline)) bool mov_hot_path(struct vcpu *v, struct x86_dcache_entry *e, uint64_t rip)
{
	uint64_t gpa = vmread(VMCS_GUEST_PHYS_ADDR);
	const struct range_entry *d = e->user;
	if (__builtin_expect(e->user_gen != range_generation(&mmio_space) || gpa - d->base >= d->len, 0)) {
		if (e->mov == X86_MOV_OTHER)
			return false; /* never resolved: not a plain MOV */
		d = mmio_device(e, gpa);
		if (!d)
			return false;
	}
	return mov_finish(v, &e->insn, (enum x86_mov_class)e->mov, d, gpa, rip, X86_MODE_64, false);
}

/* The decode cache off (emulate_set_decode_cache): the bytes at code are decoded every time and
 * a plain MOV completes at once; anything else takes the general path. */
static inline __attribute__((always_inline)) void emulate_uncached(struct vcpu *v, const uint8_t *code, uint64_t rip)
{
	if (__builtin_expect(trace_mmio, 0)) {
		emulate_general(v, 0); /* prints what it does */
		return;
	}
	struct x86_insn in;
	if (decode_bytes(code, X86_MODE_64, &in) != X86_DEC_OK) {
		emulate_general(v, 0); /* decodes again and raises #UD or #GP */
		return;
	}
	enum x86_mov_class mov = x86_mov_class(&in);
	uint64_t gpa = vmread(VMCS_GUEST_PHYS_ADDR);
	const struct range_entry *d = mov != X86_MOV_OTHER ? mmio_device(0, gpa) : 0;
	if (!d || !mov_finish(v, &in, mov, d, gpa, rip, X86_MODE_64, false))
		emulate_general(v, 0);
}

/*
 * A decode-cache miss in 64-bit mode whose code page the code-page memo holds, with all 16
 * bytes the cache compares inside it: decode straight into the instruction's cache slot and
 * complete a plain MOV at once. Anything else goes to emulate_general.
 */
static inline __attribute__((always_inline)) void emulate_miss(struct vcpu *v, uint64_t rip, uint64_t cr3, uint64_t gen)
{
	const struct code_page *cp = &code_pages[(rip >> 12) % CODE_PAGES];
	if (cp->tag != code_page_tag(rip, HOT_KEY) || cp->cr3 != cr3 || cp->gen != gen || (rip & 0xfff) > 0x1000 - 16) {
		emulate_general(v, 0);
		return;
	}
	const uint8_t *code = cp->host + (rip & 0xfff);
	if (__builtin_expect(!dcache_on, 0)) {
		emulate_uncached(v, code, rip);
		return;
	}
	struct x86_dcache_entry *e = x86_dcache_claim(&dcache, rip, cr3);
	if (decode_bytes(code, X86_MODE_64, &e->insn) != X86_DEC_OK) {
		emulate_general(v, 0); /* decodes again and raises #UD or #GP */
		return;
	}
	x86_dcache_commit_in_place(e, rip, cr3, cp->key, code, gen);
	dcache.misses++;
	if (mov_hot_path(v, e, rip))
		return;
	emulate_general(v, e);
}

void emulate_current_instruction(struct vcpu *v)
{
	uint64_t rip = vmread(VMCS_GUEST_RIP), cr3 = vmread(VMCS_GUEST_CR3);
	uint64_t cs_ar = vmread(VMCS_GUEST_CS_AR);
	if (__builtin_expect((cs_ar & (X86_AR_L | X86_AR_DB)) == X86_AR_L, 1)) {
		uint64_t gen = guest_memory_watch_generation();
		struct x86_dcache_entry *e = 0;
		if (__builtin_expect(dcache_on, 1))
			e = x86_dcache_lookup_in_place_mode(&dcache, rip, cr3, HOT_KEY, gen);
		if (!e) {
			emulate_miss(v, rip, cr3, gen);
			return;
		}
		if (mov_hot_path(v, e, rip))
			return;
		emulate_general(v, e);
		return;
	}
	emulate_general(v, 0);
}

/* Ports for string I/O: the port range table; an unclaimed port reads as all ones. */
static uint64_t port_in(void *ctx, uint16_t port, unsigned size)
{
	uint64_t v;
	if (!range_read(&pio_space, port, size, &v))
		v = ~0ull;
	return v;
}

static void port_out(void *ctx, uint16_t port, unsigned size, uint64_t value)
{
	range_write(&pio_space, port, size, value);
}

static const struct x86_port_ops port_ops = { port_in, port_out };

void emulate_string_io(struct vcpu *v, struct x86_string_io *io)
{
	struct x86_regs *r = &v->regs;
	load_fetch_regs(r);
	enum x86_mode mode = x86_regs_mode(r);
	load_data_regs(r, mode);
	struct x86_linear_ctx ctx = { r, &guest_phys_data, 0, 0, translate_cached };
	struct x86_fault fault;
	if (!io->addrsize) { /* not reported by the exit: from the instruction's prefixes */
		uint8_t bytes[X86_MAX_INSN_LEN];
		int frc;
		uint64_t la = mode == X86_MODE_64 ? r->rip : (uint32_t)(r->seg[X86_CS].base + r->rip);
		ctx.phys = &guest_phys_fetch;
		unsigned n = x86_linear_fetch(&ctx, la, bytes, io->len, &frc, &fault);
		ctx.phys = &guest_phys_data;
		if (n < io->len || !x86_string_io_prefixes(bytes, n, mode, &io->addrsize, &io->seg)) {
			unsupported(v, bytes, n, "string I/O whose bytes cannot be read back");
			return;
		}
	}
	uint64_t rip = r->rip;
	finish_emulation(v, x86_string_io(io, r, &emu_ops, &port_ops, &ctx, 0, &fault), &fault, rip);
}
