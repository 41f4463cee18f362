/* The built-in guest starts directly in 64-bit mode: the loader copies its image, builds identity
 * page tables for the first 4 GiB (2 MiB pages) and a guest_info page after it, all in guest RAM. */
#include "guest/loader.h"
#include "guest/guest_info_abi.h"
#include "ept/guest_memory.h"
#include "arch/x86.h"
#include "boot/console.h"
#include "lib/string.h"

extern const uint8_t guest_selftest_image[], guest_selftest_image_end[]; /* guest/selftest_image.S */

#define PAGE 4096ull

static void fill_info(struct guest_info *gi, const char *args, uint64_t end, uint64_t rsdp)
{
	memset(gi, 0, sizeof *gi);
	gi->magic = GUEST_INFO_MAGIC;
	gi->size = sizeof *gi;
	for (unsigned i = 0; args[i] && i + 1 < sizeof gi->args; i++)
		gi->args[i] = args[i];
	gi->image_base = SELFTEST_LOAD_ADDR;
	gi->image_end = end;
	gi->acpi_rsdp = rsdp;
	for (unsigned i = 0; i < guest_mem.n_ram && gi->n_ram < GUEST_INFO_MAX_RAM; i++)
		gi->ram[gi->n_ram++] = (struct guest_range){ guest_mem.ram[i].base, guest_mem.ram[i].end - guest_mem.ram[i].base };
	for (unsigned h = 0; h < guest_mem.n_hidden && h < GUEST_INFO_MAX_HIDDEN; h++) {
		gi->hidden[h] = (struct guest_range){ guest_mem.hidden[h].base, guest_mem.hidden[h].end - guest_mem.hidden[h].base };
		gi->n_hidden++;
	}
}

int guest_load_selftest(const char *args, uint64_t rsdp, struct guest_start_state *s)
{
	uint64_t size = (uint64_t)(guest_selftest_image_end - guest_selftest_image);
	uint64_t image_end = (SELFTEST_LOAD_ADDR + size + PAGE - 1) & ~(PAGE - 1);
	uint64_t pml4 = image_end, pdpt = pml4 + PAGE, pd = pdpt + PAGE, info = pd + 4 * PAGE, end = info + PAGE;
	uint8_t *dst = guest_memory_ram_ptr(SELFTEST_LOAD_ADDR, end - SELFTEST_LOAD_ADDR);
	if (!dst) {
		log_printf("hv: guest RAM at 0x%llx-0x%lx is not free for the self-test guest\n", SELFTEST_LOAD_ADDR, end);
		return -1;
	}
	memcpy(dst, guest_selftest_image, size);
	uint64_t *t = (uint64_t *)(uintptr_t)pml4;
	memset(t, 0, 6 * PAGE);
	t[0] = pdpt | 3;
	for (unsigned i = 0; i < 4; i++)
		((uint64_t *)(uintptr_t)pdpt)[i] = (pd + i * PAGE) | 3;
	for (unsigned i = 0; i < 2048; i++)
		((uint64_t *)(uintptr_t)pd)[i] = ((uint64_t)i << 21) | 0x83; /* present, writable, 2 MiB */
	fill_info((struct guest_info *)(uintptr_t)info, args, end, rsdp);

	memset(s, 0, sizeof *s);
	s->rip = SELFTEST_LOAD_ADDR;
	s->rflags = 2;
	s->gpr[GPR_RDI] = info;
	s->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	s->cr3 = pml4;
	s->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	s->efer = EFER_LME | EFER_LMA;
	s->cs = (struct segment_state){ 0x08, 0, 0xffffffff, 0xa09b }; /* 64-bit code, DPL 0 */
	struct segment_state data = { 0x10, 0, 0xffffffff, 0xc093 };
	s->ss = s->ds = s->es = s->fs = s->gs = data;
	s->tr = (struct segment_state){ 0, 0, 0x67, 0x8b };              /* busy 64-bit TSS */
	s->ldtr = (struct segment_state){ 0, 0, 0, AR_UNUSABLE };
	s->gdtr_limit = 0xffff;
	s->idtr_limit = 0xffff;
	log_printf("hv: self-test guest loaded at 0x%llx (%lu bytes), args \"%s\"\n", SELFTEST_LOAD_ADDR, size, args);
	return 0;
}
