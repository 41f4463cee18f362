/* The self-test guest: run by the hypervisor as its default guest. Its argument (the hypervisor
 * option selftest=) picks what to do:
 *   all          every check, then "selftest: N passed, M failed" and exit status 0 / 1
 *   bench        exit round-trip benchmarks ("bench: <name> = <n> cycles")
 *   profile      each benchmarked exit once between Bochs magic breakpoints (tools/profile-exit.sh)
 *   mmio         one MMIO access of each kind (to watch with the hypervisor's trace=mmio)
 *   triplefault  provoke a triple fault (the hypervisor must report it and stop the guest)
 *   reset-cf9, reset-kbc  reset the machine through port 0xCF9 / the keyboard controller (the
 *                hypervisor must stop the guest instead)
 *   halt         execute CLI; HLT (the hypervisor must report a guest that can never wake)
 *   spin         loop forever without exits (for the watchdog= option) */
#include "guest/selftest/gsupport.h"
#include "lib/string.h"

void guest_main(struct guest_info *info);
void guest_main(struct guest_info *info)
{
	if (info->magic != GUEST_INFO_MAGIC) {
		gprintf("FAIL selftest bad guest_info magic 0x%x", info->magic);
		guest_exit(2);
	}
	traps_init();
	gprintf("self-test guest running, args \"%s\", %u RAM ranges, %u hidden ranges", info->args, info->n_ram,
		info->n_hidden);
	if (!strcmp(info->args, "bench")) {
		run_benchmarks(info);
		guest_exit(0);
	}
	if (!strcmp(info->args, "mmio")) {
		run_mmio_demo();
		guest_exit(0);
	}
	if (!strcmp(info->args, "profile")) {
		run_profile();
		guest_exit(0);
	}
	if (!strcmp(info->args, "reset-cf9"))
		__asm__ volatile("outb %0, %1" : : "a"((uint8_t)0x06), "Nd"((uint16_t)0xcf9));
	if (!strcmp(info->args, "reset-kbc"))
		__asm__ volatile("outb %0, %1" : : "a"((uint8_t)0xfe), "Nd"((uint16_t)0x64));
	if (!strcmp(info->args, "triplefault")) {
		struct __attribute__((packed)) { uint16_t limit; uint64_t base; } empty = { 0, 0 };
		__asm__ volatile("lidt %0; ud2" : : "m"(empty));
	}
	if (!strcmp(info->args, "halt"))
		__asm__ volatile("cli; hlt");
	if (!strcmp(info->args, "spin"))
		for (;;)
			__asm__ volatile("pause");
	run_selftests(info);
	gprintf("selftest: %d passed, %d failed", checks_passed, checks_failed);
	guest_exit(checks_failed ? 1 : 0);
}
