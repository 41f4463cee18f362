/* The guest's PCI view; see vpci.h. */
#include "pci/hv/vpci.h"
#include "pci/hv/acpi.h"
#include "pci/hv/assign.h"
#include "pci/hv/host_config.h"
#include "pci/cfgaddr.h"
#include "devices/io_spaces.h"
#include "vmx/bitmaps.h"
#include "ept/guest_memory.h"
#include "mm/heap.h"
#include "boot/console.h"
#include "arch/x86.h"
#include "guest/hypercall_abi.h"
#include "lib/string.h"

#define VPCI_MAX 16

struct pci_bus vpci_bus;
static struct pci_bus_slot vpci_slots[VPCI_MAX];
static uint32_t config_address; /* the guest's CONFIG_ADDRESS latch */
static uint64_t ecam_base;
static unsigned ecam_buses;

uint32_t vpci_read(uint16_t bdf, unsigned offset, unsigned size)
{
	struct assigned_fn *a = assign_find(bdf);
	if (a)
		return assign_config_read(a, offset, size);
	return pci_bus_read(&vpci_bus, bdf, offset, size);
}

void vpci_write(uint16_t bdf, unsigned offset, unsigned size, uint32_t value)
{
	struct assigned_fn *a = assign_find(bdf);
	if (a)
		assign_config_write(a, offset, size, value);
	else
		pci_bus_write(&vpci_bus, bdf, offset, size, value);
}

/* CONFIG_ADDRESS (0xCF8): only dword accesses latch (PCI LB 3.0 §3.2.2.3.2). */
/* 0xCF9, the byte after CONFIG_ADDRESS, is the chipset's reset control: devices/guest_reset.c. */
uint8_t guest_reset_cf9_read(void);
void guest_reset_cf9_write(uint8_t value);

static uint64_t cf8_read(void *opaque, uint64_t offset, unsigned size)
{
	if (offset == 1 && size == 1)
		return guest_reset_cf9_read();
	return size == 4 ? config_address : ~0ull;
}

static void cf8_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	if (offset == 1 && size == 1)
		guest_reset_cf9_write((uint8_t)value);
	else if (size == 4)
		config_address = pci_cf8_latch((uint32_t)value);
}

/* CONFIG_DATA (0xCFC-0xCFF): the register CONFIG_ADDRESS selects, plus the port's byte. */
static uint64_t cfc_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pci_cfg_addr a;
	if (!pci_cf8_decode(config_address, (unsigned)offset, size, &a))
		return ~0ull;
	return vpci_read(a.bdf, a.offset, size);
}

static void cfc_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct pci_cfg_addr a;
	if (pci_cf8_decode(config_address, (unsigned)offset, size, &a))
		vpci_write(a.bdf, a.offset, size, (uint32_t)value);
}

static uint64_t ecam_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pci_cfg_addr a;
	if (!pci_ecam_decode(offset, size, 0, ecam_buses, &a))
		return ~0ull;
	return vpci_read(a.bdf, a.offset, size);
}

static void ecam_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	struct pci_cfg_addr a;
	if (pci_ecam_decode(offset, size, 0, ecam_buses, &a))
		vpci_write(a.bdf, a.offset, size, (uint32_t)value);
}

static const struct range_ops cf8_ops = { cf8_read, cf8_write, 1, 4 };
static const struct range_ops cfc_ops = { cfc_read, cfc_write, 1, 4 };
static const struct range_ops ecam_ops = { ecam_read, ecam_write, 1, 4 };

/* The boot processor's APIC ID: the x2APIC ID (CPUID leaf 0BH) when there is one, else the
 * initial APIC ID (CPUID.1:EBX[31:24]) (SDM vol.3A 10.4.6, 10.12.8.1). */
static uint32_t boot_apic_id(void)
{
	if (cpuid(0, 0).eax >= 0xb && cpuid(0xb, 0).ebx)
		return cpuid(0xb, 0).edx;
	return cpuid(1, 0).ebx >> 24;
}

/* A free, aligned hole below the local APIC / IOAPIC area for the guest's ECAM window. */
static uint64_t find_ecam_hole(uint64_t size)
{
	for (uint64_t base = 0xe0000000ull; base >= 0x80000000ull; base -= 0x10000000ull) {
		bool ram = false;
		for (unsigned i = 0; i < guest_mem.boot->n_mmap; i++) {
			const struct mmap_entry *m = &guest_mem.boot->mmap[i];
			if (base < m->base + m->len && m->base < base + size)
				ram = true;
		}
		if (!ram && !assign_range_in_use(base, size) && !range_lookup(&mmio_space, base) &&
		    !(base <= SCRATCH_MMIO_BASE && SCRATCH_MMIO_BASE < base + size))
			return base;
	}
	return 0;
}

uint64_t vpci_init(const char *hide, uint64_t rsdp_hint)
{
	pci_bus_init(&vpci_bus, vpci_slots, VPCI_MAX);
	host_pci_init(rsdp_hint);
	assign_scan(hide);

	range_register(&pio_space, PCI_CONFIG_ADDRESS_PORT, 4, &cf8_ops, 0, "pci-cf8");
	io_intercept(PCI_CONFIG_ADDRESS_PORT, 1, true); /* 0xCF9: devices/guest_reset.c */
	pio_register(PCI_CONFIG_DATA_PORT, 4, &cfc_ops, 0, "pci-cfc");

	/* The platform's own ECAM window where the firmware has an MCFG (the guest keeps the
	 * firmware's tables and finds it there); otherwise a window in a free hole with an MCFG of
	 * our own. Either way the hypervisor owns the window in EPT (vpci_map_ecam). */
	struct mcfg_info m;
	bool firmware_mcfg = acpi_find_mcfg(rsdp_hint, &m) && m.base && m.start_bus == 0;
	if (firmware_mcfg) {
		ecam_base = m.base;
		ecam_buses = m.end_bus + 1;
		log_printf("hv: pci: the guest uses the firmware's ECAM window at 0x%lx (MCFG, buses 0-%u)\n", m.base, m.end_bus);
	} else {
		unsigned max_bus = 0;
		for (unsigned i = 0; i < n_assigned; i++)
			if (PCI_BDF_BUS(assigned[i].bdf) > max_bus)
				max_bus = PCI_BDF_BUS(assigned[i].bdf);
		ecam_buses = max_bus + 1;
		ecam_base = find_ecam_hole((uint64_t)ecam_buses << 20);
		m = (struct mcfg_info){ ecam_base, 0, 0, ecam_buses - 1 };
	}
	/* The guest's ACPI tables: ours (MCFG when the firmware has none; the MADT with the boot
	 * processor only), in a page of the pool the guest can read and not write. */
	uint8_t *page = heap_alloc_pages(1);
	uint64_t rsdp = acpi_guest_tables(rsdp_hint, page, virt_to_phys(page), firmware_mcfg || !ecam_base ? 0 : &m,
					  boot_apic_id());
	ept_map(&guest_mem.ept, virt_to_phys(page), virt_to_phys(page), 4096, EPT_R | EPT_MEMTYPE(EPT_MT_WB));
	if (!ecam_base) {
		log_printf("hv: no free hole for an ECAM window; the guest has CF8/CFC only\n");
		return rsdp;
	}
	range_register(&mmio_space, ecam_base, (uint64_t)ecam_buses << 20, &ecam_ops, 0, "pci-ecam");
	return rsdp;
}

uint16_t vpci_add_virtual(struct pci_function *fn)
{
	for (unsigned dev = 1; dev < 32; dev++) {
		uint16_t bdf = PCI_BDF(0, dev, 0);
		if (!assign_find(bdf) && !pci_bus_find(&vpci_bus, bdf)) {
			pci_bus_add(&vpci_bus, bdf, fn);
			return bdf;
		}
	}
	panic("no free device number on bus 0 for a virtual function");
}

static bool has_read_hooks(const struct pci_function *fn)
{
	for (unsigned i = 0; i < fn->hooks; i++)
		if (fn->hook[i].before_read)
			return true;
	return false;
}

void vpci_map_ecam(void)
{
	if (!ecam_base)
		return;
	struct ept *e = &guest_mem.ept;
	uint64_t len = (uint64_t)ecam_buses << 20;
	/* Absent functions: all ones, read-only. Then assigned (MMIO) and virtual (their bytes). */
	ept_map_alias(e, ecam_base, guest_mem.ones_page_pa, len, EPT_R | EPT_MEMTYPE(EPT_MT_UC));
	for (unsigned i = 0; i < n_assigned; i++) {
		uint16_t b = assigned[i].bdf;
		ept_set_mmio(e, ecam_base + pci_ecam_offset(PCI_BDF_BUS(b), PCI_BDF_DEV(b), PCI_BDF_FN(b), 0), 4096);
	}
	for (unsigned i = 0; i < vpci_bus.count; i++) {
		uint16_t b = vpci_bus.slot[i].bdf;
		struct pci_function *fn = vpci_bus.slot[i].fn;
		uint64_t gpa = ecam_base + pci_ecam_offset(PCI_BDF_BUS(b), PCI_BDF_DEV(b), PCI_BDF_FN(b), 0);
		uint64_t cfg = virt_to_phys(fn->cfg);
		if ((cfg & 0xfff) || has_read_hooks(fn))
			ept_set_mmio(e, gpa, 4096); /* cannot be read directly: trap reads too */
		else
			ept_map(e, gpa, cfg, 4096, EPT_R | EPT_MEMTYPE(EPT_MT_WB));
	}
	log_printf("hv: pci: guest ECAM window 0x%lx-0x%lx (%u bus%s): reads without exits, writes emulated\n",
		   ecam_base, ecam_base + len - 1, ecam_buses, ecam_buses == 1 ? "" : "es");
}

uint64_t vpci_ecam_base(void) { return ecam_base; }
uint64_t vpci_ecam_size(void) { return ecam_base ? (uint64_t)ecam_buses << 20 : 0; }

bool vpci_bar_info(uint16_t bdf, struct hc_bar_info *out)
{
	memset(out, 0, 7 * sizeof *out);
	struct assigned_fn *a = assign_find(bdf);
	if (a) {
		if (a->hidden)
			return false;
		uint32_t cmd = host_pci_read(bdf, 0x04, 2);
		for (unsigned i = 0; i < 6; i++) {
			const struct assigned_bar *b = &a->bar[i];
			if (!b->size) {
				if (i > 0 && a->bar[i - 1].mem64)
					out[i].type = HC_BAR_MEM64_UPPER;
				continue;
			}
			out[i].size = b->size;
			out[i].addr = b->addr;
			out[i].type = b->io ? HC_BAR_IO : b->mem64 ? HC_BAR_MEM64 : HC_BAR_MEM32;
			out[i].flags = (b->prefetchable ? HC_BAR_PREFETCHABLE : 0) | ((cmd & (b->io ? 1 : 2)) ? HC_BAR_DECODING : 0);
		}
		return true;
	}
	struct pci_bar_info info[PCI_BAR_SLOTS];
	if (!pci_bus_bar_info(&vpci_bus, bdf, info))
		return false;
	static const unsigned types[] = { [PCI_BAR_NONE] = HC_BAR_NONE, [PCI_BAR_MEM32] = HC_BAR_MEM32,
		[PCI_BAR_MEM64] = HC_BAR_MEM64, [PCI_BAR_MEM64_UPPER] = HC_BAR_MEM64_UPPER, [PCI_BAR_IO] = HC_BAR_IO,
		[PCI_BAR_ROM] = HC_BAR_ROM };
	for (unsigned i = 0; i < PCI_BAR_SLOTS; i++) {
		out[i].size = info[i].size;
		out[i].addr = info[i].addr;
		out[i].type = types[info[i].type];
		out[i].flags = (info[i].prefetchable ? HC_BAR_PREFETCHABLE : 0) | (info[i].decoding ? HC_BAR_DECODING : 0);
	}
	return true;
}
