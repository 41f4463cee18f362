/*
 * A guest resetting the machine. The two classic reset doors of a PC are trapped: the reset
 * control register at port 0xCF9 (bit 2, RST_CPU, going from 0 to 1, Intel PIIX4/ICH
 * datasheets; the hardware never sees a 1 there from the guest, so every write with it set is
 * that transition) and the keyboard controller's "pulse reset line" command 0xFE at port 0x64.
 * Either would otherwise reset the real machine, hypervisor and all. The hypervisor ends the
 * guest with STOP_GUEST_RESET instead and says so; every other access goes on to the chipset.
 * (The ACPI reset register of the FADT is 0xCF9 on these chipsets.)
 */
#include "devices/io_spaces.h"
#include "vmx/bitmaps.h"
#include "vmx/vcpu.h"
#include "arch/x86.h"
#include "boot/console.h"

void guest_reset_init(struct vcpu *v);
void guest_reset_cf9_write(uint8_t value);
uint8_t guest_reset_cf9_read(void);

#define CF9_RST_CPU 0x04
#define KBC_COMMAND_PORT 0x64
#define KBC_PULSE_RESET 0xfe

static struct vcpu *vcpu;

static void reset(const char *how)
{
	log_printf("hv: the guest reset the machine (%s); stopping it\n", how);
	vcpu_stop(vcpu, STOP_GUEST_RESET);
}

/* Port 0xCF9 is the byte after CONFIG_ADDRESS: pci/hv/vpci.c hands its accesses here. */
void guest_reset_cf9_write(uint8_t value)
{
	if (value & CF9_RST_CPU)
		reset("port 0xCF9");
	else
		outb(0xcf9, value);
}

uint8_t guest_reset_cf9_read(void)
{
	return inb(0xcf9);
}

static uint64_t kbc_read(void *opaque, uint64_t offset, unsigned size)
{
	return inb(KBC_COMMAND_PORT);
}

static void kbc_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
	if ((uint8_t)value == KBC_PULSE_RESET)
		reset("keyboard controller command 0xFE");
	else
		outb(KBC_COMMAND_PORT, (uint8_t)value);
}

static const struct range_ops kbc_ops = { .read = kbc_read, .write = kbc_write, .min_access = 1, .max_access = 1 };

void guest_reset_init(struct vcpu *v)
{
	vcpu = v;
	pio_register(KBC_COMMAND_PORT, 1, &kbc_ops, 0, "kbc-command");
	io_intercept(0xcf9, 1, true); /* in the CONFIG_ADDRESS range (pci/hv/vpci.c) */
}
