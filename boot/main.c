/* boot_main: from the multiboot handoff to a running guest.
 *   console -> CPU tables -> multiboot info -> memory (allocator, pool, page tables)
 *   -> options -> VMX check -> VMXON -> EPT -> devices -> guest -> VMCS -> exit loop */
#include "boot/bootinfo.h"
#include "boot/cmdline.h"
#include "boot/console.h"
#include "boot/cpu_tables.h"
#include "boot/platform.h"
#include "mm/pmm.h"
#include "mm/heap.h"
#include "mm/paging.h"
#include "vmx/vmx_caps.h"
#include "vmx/vmcs_setup.h"
#include "vmx/bitmaps.h"
#include "vmx/exits.h"
#include "vmx/emulate_insn.h"
#include "ept/guest_memory.h"
#include "devices/io_spaces.h"
#include "guest/loader.h"
#include "pci/hv/vpci.h"
#include "pci/hv/virtio_glue.h"
#include "vmx/exit_poll.h"
#include "devices/apic_guard.h"
#include "lib/string.h"

extern char hv_image_start[], hv_image_end[];
void boot_main(uint32_t magic, uint64_t info_pa);
void msr_policy_init(void);
void testdev_glue_init(void);
void acpi_power_init(struct vcpu *v, uint64_t rsdp);
void guest_reset_init(struct vcpu *v);

#define POOL_SIZE (8ull << 20) /* the hypervisor's memory: page tables, VMCS, EPT, bitmaps */

static struct boot_info boot_info;
static struct pmm pmm;
static struct vcpu vcpu0;

static void memory_init(struct boot_info *bi)
{
	pmm_init(&pmm);
	for (unsigned i = 0; i < bi->n_mmap; i++)
		if (bi->mmap[i].type == MMAP_RAM)
			pmm_add(&pmm, bi->mmap[i].base, bi->mmap[i].len);
	/* Never handed out: the first MiB (BIOS, real-mode data), the image, the loader's structures,
	 * the modules. */
	pmm_reserve(&pmm, 0, 1 << 20);
	uint64_t img = (uint64_t)hv_image_start, img_len = (uint64_t)(hv_image_end - hv_image_start);
	pmm_reserve(&pmm, img, img_len);
	guest_memory_hide(img, img_len, "hypervisor image");
	for (unsigned i = 0; i < bi->n_structures; i++) {
		pmm_reserve(&pmm, bi->structures[i].base, bi->structures[i].len);
		guest_memory_hide(bi->structures[i].base, bi->structures[i].len, "multiboot information");
	}
	for (unsigned i = 0; i < bi->n_modules; i++) {
		pmm_reserve(&pmm, bi->modules[i].start, bi->modules[i].end - bi->modules[i].start);
		guest_memory_hide(bi->modules[i].start, bi->modules[i].end - bi->modules[i].start, "multiboot module");
	}
	uint64_t pool = pmm_alloc_top(&pmm, POOL_SIZE, 2 << 20, 1ull << 32);
	if (!pool)
		panic("no room for the hypervisor's %llu MiB pool below 4 GiB", POOL_SIZE >> 20);
	heap_init(pool, POOL_SIZE);
	guest_memory_hide(pool, POOL_SIZE, "hypervisor pool (page tables, VMCS, EPT)");
	log_printf("hv: image 0x%lx-0x%lx, pool 0x%lx-0x%llx, %lu MiB free for the guest\n", img,
		   img + img_len - 1, pool, pool + POOL_SIZE - 1, pmm.free_bytes >> 20);

	uint64_t top = 0;
	for (unsigned i = 0; i < bi->n_mmap; i++)
		if (bi->mmap[i].base + bi->mmap[i].len > top)
			top = bi->mmap[i].base + bi->mmap[i].len;
	paging_init(top > (4ull << 30) ? top : 4ull << 30);
}

static void no_vmx(const char *why)
{
	log_printf("hv: VMX unavailable: %s\n", why);
	platform_shutdown(1);
}

void boot_main(uint32_t magic, uint64_t info_pa)
{
	console_init();
	log_printf("\nhv: minihv starting\n");
	cpu_tables_init();
	if (multiboot_parse(magic, info_pa, &boot_info))
		platform_shutdown(1);
	boot_info_print(&boot_info);
	memory_init(&boot_info);

	char opt[64], why[256];
	const char *cl = boot_info.cmdline;
	if (cmdline_get(cl, "fault", opt, sizeof opt) && !strcmp(opt, "hv-exception"))
		__asm__ volatile("ud2"); /* test of the exception dump (tests/emu/scenarios.sh) */
	bool trace = cmdline_get(cl, "trace", opt, sizeof opt); /* trace=exits,mmio */
	trace_exits = trace && cmdline_list_has(opt, "exits");
	bool trace_mmio_on = trace && cmdline_list_has(opt, "mmio");
	enum vmcs_fault fault = VMCS_FAULT_NONE;
	if (cmdline_get(cl, "fault", opt, sizeof opt))
		fault = !strcmp(opt, "vmentry-guest-state") ? VMCS_FAULT_GUEST_STATE
			: !strcmp(opt, "vmentry-control")   ? VMCS_FAULT_CONTROL
							    : VMCS_FAULT_NONE;
	uint64_t watchdog = 0;
	if (cmdline_get(cl, "watchdog", opt, sizeof opt) && !cmdline_parse_u64(opt, &watchdog))
		log_printf("hv: ignoring watchdog=%s (want millions of TSC ticks)\n", opt);
	char selftest_args[64] = "all";
	cmdline_get(cl, "selftest", selftest_args, sizeof selftest_args);

	if (!vmx_available(why, sizeof why))
		no_vmx(why);
	vmx_read_caps();
	if (vmx_enable())
		platform_shutdown(1);

	if (guest_memory_build(&boot_info))
		platform_shutdown(1);
	guest_memory_print();
	bitmaps_init();
	emulate_init();
	emulate_set_trace(trace_mmio_on);
	msr_policy_init();
	io_spaces_init();
	testport_init();
	scratch_mmio_init();
	char hide[128] = "";
	cmdline_get(cl, "pci.hide", hide, sizeof hide);
	uint64_t rsdp = vpci_init(hide, boot_info.acpi_rsdp);
	testdev_glue_init();
	/* virtio.poll=N: busy virtio queues are polled until N poll-timer ticks find nothing (default
	 * 2; 0 off). Off with the watchdog, which needs the VMX-preemption timer for itself. */
	uint64_t virtio_poll = 2;
	if (cmdline_get(cl, "virtio.poll", opt, sizeof opt) && !cmdline_parse_u64(opt, &virtio_poll))
		log_printf("hv: ignoring virtio.poll=%s (want a number of polls)\n", opt);
	if (watchdog || !exit_poll_possible() || virtio_poll > 1000)
		virtio_poll = 0;
	virtio_glue_init(&boot_info, (unsigned)virtio_poll);
	vpci_map_ecam();
	acpi_power_init(&vcpu0, rsdp);
	guest_reset_init(&vcpu0);
	apic_guard_init();

	/* guest=linux boots the bzImage module, guest=selftest the built-in self-test guest; the
	 * default is Linux when a module is a bzImage. */
	char guest_kind[16] = "";
	cmdline_get(cl, "guest", guest_kind, sizeof guest_kind);
	bool boot_linux = guest_kind[0] ? !strcmp(guest_kind, "linux") : guest_have_linux(&boot_info);
	struct guest_start_state start;
	if (boot_linux ? guest_load_linux(&boot_info, rsdp, &start) : guest_load_selftest(selftest_args, rsdp, &start))
		platform_shutdown(1);
	vcpu0.watchdog_ticks = watchdog * 1000000;
	if (vmcs_setup(&vcpu0, &start, ept_pointer(&guest_mem.ept), fault))
		platform_shutdown(1);
	log_printf("hv: pool use %lu KiB; entering the guest\n", heap_used() >> 10);
	vcpu_run(&vcpu0);
}
