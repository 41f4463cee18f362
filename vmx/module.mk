# VMX: capabilities, VMCS, entry/exit stubs, the exit loop and its handlers.
HV_SRCS += vmx/vmx_caps.c vmx/vmx_names.c vmx/vmcs_setup.c vmx/bitmaps.c vmx/vcpu.c vmx/entry.S \
	vmx/exit_dispatch.c vmx/exit_cpu.c vmx/exit_events.c vmx/exit_cr.c vmx/exit_msr.c vmx/exit_io.c \
	vmx/exit_ept.c vmx/hypercall.c vmx/emulate_insn.c vmx/guest_phys.c vmx/exit_poll.c

