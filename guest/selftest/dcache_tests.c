/* The hypervisor's MMIO decode cache from the guest's side: a cached instruction must never be
 * emulated after the guest changed it — by remapping its code page (the page-table write is seen
 * through a write watch: one EPT violation; a write by the hypervisor's own emulation is seen
 * without one) or by rewriting its bytes in place; a page-table page the guest keeps writing
 * stops being watched, results staying right; and MOVs with RSP as the register operand must
 * use the guest's real stack pointer. */
#include "guest/selftest/gsupport.h"
#include "devices/io_spaces.h"
#include "vmx/vmcs_fields.h"

static uint8_t code_a[4096] __attribute__((aligned(4096)));
static uint8_t code_b[4096] __attribute__((aligned(4096)));
static uint64_t code_pt[512] __attribute__((aligned(4096)));

#define CODE_LIN SCRATCH_LIN

/* Calls the MMIO load at CODE_LIN with RBX = the scratch device and EAX = 0xaaaa0000: the EAX
 * it returns. */
static uint32_t call_code(void)
{
	uint32_t v = 0xaaaa0000u;
	__asm__ volatile("call *%1" : "+a"(v) : "r"(CODE_LIN), "b"(SCRATCH_MMIO_BASE) : "memory", "rcx", "rdx", "rsi", "rdi",
			 "r8", "r9", "r10", "r11", "cc");
	return v;
}

/* The versions differ in what the hypervisor takes from the decoding (the access size and how
 * the register is written), not only in the address: the exit tells the address anyway. */
static const uint8_t load32_disp0[] = { 0x8b, 0x43, 0x00, 0xc3 };       /* mov 0(%rbx), %eax; ret */
static const uint8_t load16_disp4[] = { 0x66, 0x8b, 0x43, 0x04, 0xc3 }; /* mov 4(%rbx), %ax; ret */

static void set_code(uint8_t *page, const uint8_t *bytes, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		page[i] = bytes[i];
}

static void test_code_remap(void)
{
	uint64_t *pde = scratch_lin_pde(), saved = *pde;
	volatile uint32_t *scratch = (volatile uint32_t *)SCRATCH_MMIO_BASE;
	scratch[0] = 0x11111111;
	scratch[1] = 0x22222222;
	set_code(code_a, load32_disp0, sizeof load32_disp0);
	set_code(code_b, load16_disp4, sizeof load16_disp4);
	code_pt[0] = (uint64_t)code_a | 3;
	*pde = (uint64_t)code_pt | 3;
	__asm__ volatile("invlpg (%0)" : : "r"(CODE_LIN) : "memory");

	uint32_t first = call_code(), again = call_code(); /* the second one hits the decode cache */
	uint64_t violations = exit_count(EXIT_EPT_VIOLATION);
	code_pt[0] = (uint64_t)code_b | 3; /* same linear address, another code page */
	__asm__ volatile("invlpg (%0)" : : "r"(CODE_LIN) : "memory");
	uint64_t watched = exit_count(EXIT_EPT_VIOLATION) - violations;
	uint32_t remapped = call_code();
	GCHECK(first == 0x11111111 && again == 0x11111111 && remapped == 0xaaaa2222 && watched == 1,
	       "dcache: a code page remapped under a cached instruction runs the new code (0x%x 0x%x 0x%x; the page-table "
	       "write was %lu EPT violation)", first, again, remapped, watched);

	uint32_t before = call_code();
	code_b[0] = 0x40; /* self-modifying: REX instead of 66, the same length: mov 4(%rbx), %eax */
	uint32_t rewritten = call_code();
	GCHECK(before == 0xaaaa2222 && rewritten == 0x22222222,
	       "dcache: a cached instruction rewritten in place is decoded afresh (0x%x 0x%x)", before, rewritten);

	/* The hypervisor itself writes the page table (an emulated MOVS from MMIO): the same. */
	volatile uint64_t *scratch64 = (volatile uint64_t *)SCRATCH_MMIO_BASE;
	scratch64[2] = (uint64_t)code_a | 3;
	uint32_t cached_b = call_code();
	uint64_t *src = (uint64_t *)(SCRATCH_MMIO_BASE + 16), *dst = &code_pt[0], n = 1;
	uint64_t violations2 = exit_count(EXIT_EPT_VIOLATION);
	__asm__ volatile("rep movsq" : "+S"(src), "+D"(dst), "+c"(n) : : "memory");
	__asm__ volatile("invlpg (%0)" : : "r"(CODE_LIN) : "memory");
	uint64_t pte_violations = exit_count(EXIT_EPT_VIOLATION) - violations2;
	uint32_t back = call_code();
	GCHECK(cached_b == 0x22222222 && (code_pt[0] & ~0x60ull) == ((uint64_t)code_a | 3) && back == 0x11111111 && pte_violations == 0,
	       "dcache: a page table written by the hypervisor's emulation (MOVS from MMIO) is followed too (0x%x 0x%x, %lu "
	       "violations)", cached_b, back, pte_violations);

	/* A page table that shares its page with data written between MMIO exits: each write ends
	 * the watch (an exit) until the hypervisor stops watching that page; results stay right. */
	uint64_t before_hot = exit_count(EXIT_EPT_VIOLATION);
	unsigned right = 0;
	for (unsigned i = 0; i < 40; i++) {
		right += call_code() == 0x11111111;
		code_pt[300] = i; /* an unused entry: "data" in the page-table page */
	}
	uint64_t hot_exits = exit_count(EXIT_EPT_VIOLATION) - before_hot;
	GCHECK(right == 40 && hot_exits >= 4 && hot_exits <= 12,
	       "dcache: a page-table page written between MMIO exits stops being watched (%lu exits for 40 writes), "
	       "emulation stays right (%u/40)", hot_exits, right);
	code_pt[300] = 0;

	*pde = saved;
	__asm__ volatile("invlpg (%0)" : : "r"(CODE_LIN) : "memory");
}

/* RSP is not among the registers the hypervisor's exit stub saves: a plain MOV of RSP must still
 * store and load the guest's real stack pointer. */
static void test_rsp_operand(void)
{
	volatile uint64_t *scratch = (volatile uint64_t *)SCRATCH_MMIO_BASE;
	uint64_t rsp, stored, loaded;
	for (int round = 0; round < 3; round++) { /* again from the decode cache */
		__asm__ volatile("mov %%rsp, %%rcx\n\t"
				 "mov %%rsp, (%3)\n\t"      /* store RSP to MMIO */
				 "mov (%3), %%rdx\n\t"
				 "lea -64(%%rsp), %%rax\n\t"
				 "mov %%rax, 8(%3)\n\t"
				 "mov 8(%3), %%rsp\n\t"     /* load RSP from MMIO */
				 "mov %%rsp, %%rax\n\t"
				 "mov %%rcx, %%rsp"
				 : "=&c"(rsp), "=&d"(stored), "=&a"(loaded)
				 : "r"(scratch)
				 : "memory");
	}
	GCHECK(stored == rsp && loaded == rsp - 64, "dcache: MOV with RSP stores and loads the real stack pointer "
	       "(0x%lx 0x%lx, RSP 0x%lx)", stored, loaded, rsp);
}

void run_dcache_tests(void)
{
	test_code_remap();
	test_rsp_operand();
}
