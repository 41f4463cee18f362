# Hypervisor-side device glue (the address spaces, built-in devices). devices/module.mk holds the
# pure range-dispatch code.
HV_SRCS += devices/io_spaces.c devices/testport.c devices/scratch_mmio.c devices/acpi_power.c devices/guest_reset.c devices/apic_guard.c
