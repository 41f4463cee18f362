/* Minimal ACPI table access (ACPI 6.4 §5.2.5 RSDP, §5.2.7 RSDT, §5.2.8 XSDT; MCFG per PCI
 * Firmware 3.2 §4.1.2). Physical memory is identity-mapped. */
#include "pci/hv/acpi.h"
#include "devices/acpi_madt.h"
#include "boot/console.h"
#include "lib/string.h"

#define PTR(pa) ((uint8_t *)(uintptr_t)(pa))

static uint8_t checksum(const uint8_t *p, unsigned n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static bool rsdp_valid(const uint8_t *p)
{
	return !memcmp(p, "RSD PTR ", 8) && checksum(p, 20) == 0;
}

uint64_t acpi_find_rsdp(uint64_t hint)
{
	if (hint && rsdp_valid(PTR(hint)))
		return hint;
	const volatile uint16_t *bda_ebda = (const volatile uint16_t *)PTR(0x40e);
	__asm__("" : "+r"(bda_ebda)); /* a real address, not a null-pointer offset */
	uint64_t ebda = (uint64_t)*bda_ebda << 4;                     /* BIOS data area: EBDA segment */
	if (ebda >= 0x80000 && ebda < 0xa0000)
		for (uint64_t a = ebda; a < ebda + 1024; a += 16)
			if (rsdp_valid(PTR(a)))
				return a;
	for (uint64_t a = 0xe0000; a < 0x100000; a += 16)
		if (rsdp_valid(PTR(a)))
			return a;
	return 0;
}

static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

uint64_t acpi_find_table(uint64_t rsdp, const char sig[4])
{
	const uint8_t *r = PTR(rsdp);
	bool xsdt = r[15] >= 2 && get64(r + 24);
	uint64_t sdt = xsdt ? get64(r + 24) : get32(r + 16);
	if (!sdt)
		return 0;
	uint32_t len = get32(PTR(sdt) + 4), entry = xsdt ? 8 : 4;
	for (uint32_t off = 36; off + entry <= len; off += entry) {
		uint64_t t = xsdt ? get64(PTR(sdt) + off) : get32(PTR(sdt) + off);
		if (t && !memcmp(PTR(t), sig, 4))
			return t;
	}
	return 0;
}

bool acpi_find_mcfg(uint64_t hint, struct mcfg_info *out)
{
	uint64_t rsdp = acpi_find_rsdp(hint);
	uint64_t t = rsdp ? acpi_find_table(rsdp, "MCFG") : 0;
	if (!t || get32(PTR(t) + 4) < 44 + 16)
		return false;
	const uint8_t *e = PTR(t) + 44; /* first allocation: base, segment, start bus, end bus */
	out->base = get64(e);
	out->segment = (unsigned)(e[8] | e[9] << 8);
	out->start_bus = e[10];
	out->end_bus = e[11];
	return true;
}

static void header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	memcpy(t + 4, &len, 4);
	t[8] = rev;
	memcpy(t + 10, "MINIHV", 6);
	memcpy(t + 16, "MINIHV  ", 8);
	uint32_t one = 1;
	memcpy(t + 24, &one, 4);
	memcpy(t + 28, "MHV ", 4);
	memcpy(t + 32, &one, 4);
}

uint64_t acpi_guest_tables(uint64_t hint, uint8_t *page, uint64_t page_pa, const struct mcfg_info *m,
			   uint32_t boot_apic_id)
{
	uint64_t rsdp = acpi_find_rsdp(hint);
	if (!rsdp) {
		log_printf("hv: no ACPI RSDP: the guest gets no ACPI tables of ours (no MCFG, all processors visible)\n");
		return 0;
	}
	const uint8_t *r = PTR(rsdp);
	bool xsdt = r[15] >= 2 && get64(r + 24);
	uint64_t old = xsdt ? get64(r + 24) : get32(r + 16);
	uint32_t old_len = get32(PTR(old) + 4), entry = xsdt ? 8 : 4;
	uint32_t new_len = old_len + (m ? entry : 0);
	if (128 + new_len > 4096) {
		log_printf("hv: ACPI %s too large to copy; the guest gets the firmware's tables\n", xsdt ? "XSDT" : "RSDT");
		return rsdp;
	}
	memset(page, 0, 4096);
	/* 0: MCFG (header, 8 reserved bytes, one allocation), when the firmware has none. */
	if (m) {
		uint8_t *mcfg = page;
		header(mcfg, "MCFG", 60, 1);
		memcpy(mcfg + 44, &m->base, 8);
		mcfg[52] = (uint8_t)m->segment;
		mcfg[53] = (uint8_t)(m->segment >> 8);
		mcfg[54] = (uint8_t)m->start_bus;
		mcfg[55] = (uint8_t)m->end_bus;
		mcfg[9] = (uint8_t)-checksum(mcfg, 60);
	}
	/* 64: a new RSDP (the firmware's stays untouched). 128: the RSDT/XSDT copy (plus MCFG).
	 * After it: the MADT with the boot processor only (devices/acpi_madt.h). */
	uint8_t *nr = page + 64, *sdt = page + 128;
	uint64_t sdt_pa = page_pa + 128;
	memcpy(sdt, PTR(old), old_len);
	if (m)
		memcpy(sdt + old_len, &page_pa, entry);
	memcpy(sdt + 4, &new_len, 4);
	uint32_t madt_off = (128 + new_len + 15) & ~15u;
	for (uint32_t off = 36; off + entry <= old_len; off += entry) {
		uint64_t t = xsdt ? get64(sdt + off) : get32(sdt + off);
		if (!t || memcmp(PTR(t), "APIC", 4))
			continue;
		unsigned hidden;
		uint32_t n = madt_off < 4096 ? acpi_madt_keep_one_cpu(PTR(t), get32(PTR(t) + 4), page + madt_off, 4096 - madt_off,
								       boot_apic_id, &hidden) : 0;
		if (!n) {
			log_printf("hv: ACPI MADT malformed or too large to copy: the guest sees every processor\n");
			break;
		}
		uint64_t madt_pa = page_pa + madt_off;
		memcpy(sdt + off, &madt_pa, entry);
		log_printf("hv: ACPI for the guest: MADT with the boot processor only (APIC ID %u), %u other processor%s hidden\n",
			   boot_apic_id, hidden, hidden == 1 ? "" : "s");
		break;
	}
	sdt[9] = 0;
	sdt[9] = (uint8_t)-checksum(sdt, new_len);
	memcpy(nr, r, xsdt ? 36 : 20);
	if (xsdt) {
		memcpy(nr + 24, &sdt_pa, 8);
	} else {
		uint32_t pa32 = (uint32_t)sdt_pa;
		memcpy(nr + 16, &pa32, 4);
	}
	nr[8] = 0;
	nr[8] = (uint8_t)-checksum(nr, 20);
	if (xsdt) {
		nr[32] = 0;
		nr[32] = (uint8_t)-checksum(nr, 36);
	}
	if (m)
		log_printf("hv: ACPI for the guest: RSDP 0x%lx -> %s 0x%lx -> MCFG 0x%lx: ECAM 0x%lx, buses %u-%u\n",
			   page_pa + 64, xsdt ? "XSDT" : "RSDT", sdt_pa, page_pa, m->base, m->start_bus, m->end_bus);
	return page_pa + 64;
}
