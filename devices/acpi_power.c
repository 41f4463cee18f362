/*
 * The guest's ACPI soft-off: the PM1a control register (its port from the FADT) is trapped;
 * a write that enters S5 (the \_S5 sleep type from the DSDT, with SLP_EN) ends the guest with
 * status 0, as powering off a real machine would. Every other access goes on to the chipset.
 */
#include "devices/acpi_s5.h"
#include "devices/io_spaces.h"
#include "pci/hv/acpi.h"
#include "vmx/vcpu.h"
#include "arch/x86.h"
#include "boot/console.h"
#include "lib/string.h"

void acpi_power_init(struct vcpu *v, uint64_t rsdp);

static struct {
	struct vcpu *v;
	uint16_t port;
	int s5;
} pm1;

static uint64_t pm1_read(void *opaque, uint64_t offset, unsigned size)
{
	return inw(pm1.port);
}

static void pm1_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	if (acpi_pm1_enters_s5((uint16_t)value, pm1.s5)) {
		log_printf("hv: the guest powered off (ACPI S5)\n");
		vcpu_stop(pm1.v, 0);
		return;
	}
	outw(pm1.port, (uint16_t)value);
}

/* 16-bit only: a byte write becomes read-modify-write of the register (devices/range.h). */
static const struct range_ops pm1_ops = { .read = pm1_read, .write = pm1_write, .min_access = 2, .max_access = 2 };

static uint32_t get32(uint64_t pa)
{
	uint32_t x;
	memcpy(&x, (const void *)(uintptr_t)pa, 4);
	return x;
}

void acpi_power_init(struct vcpu *v, uint64_t rsdp)
{
	uint64_t fadt = rsdp ? acpi_find_table(rsdp, "FACP") : 0;
	if (!fadt) {
		log_printf("hv: no ACPI FADT: a guest power-off is not seen\n");
		return;
	}
	uint32_t len = get32(fadt + 4), port = get32(fadt + 64); /* PM1a_CNT_BLK (ACPI 6.4 table 5.9) */
	uint64_t dsdt = get32(fadt + 40);
	if (len >= 148 && (get32(fadt + 140) || get32(fadt + 144))) /* X_DSDT */
		dsdt = get32(fadt + 140) | (uint64_t)get32(fadt + 144) << 32;
	int s5 = dsdt ? acpi_s5_slp_typ((const uint8_t *)(uintptr_t)dsdt, get32(dsdt + 4)) : -1;
	if (!port || port > 0xfffe || s5 < 0) {
		log_printf("hv: no ACPI soft-off (PM1a_CNT 0x%x, \\_S5 %s): a guest power-off is not seen\n", port,
			   s5 < 0 ? "absent" : "present");
		return;
	}
	pm1.v = v;
	pm1.port = (uint16_t)port;
	pm1.s5 = s5;
	if (!pio_register(pm1.port, 2, &pm1_ops, 0, "acpi-pm1a-cnt"))
		log_printf("hv: ACPI soft-off: PM1a_CNT port 0x%x, S5 sleep type %d\n", port, s5);
}
