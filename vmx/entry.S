/*
 * VM entry and VM exit (SDM vol.3 chapters 27-28).
 *
 * The hypervisor's exit path is a loop in assembly: the CPU enters vmx_exit_stub on every VM exit
 * with RSP = the VMCS host RSP, the top of the vCPU's exit stack, where the vcpu pointer waits.
 * The stub saves the guest GPRs into the vcpu (RSP and RIP live in the VMCS), calls
 * vcpu_handle_exit(vcpu) in C, reloads the GPRs and resumes the guest. Nothing else is saved:
 * the hypervisor has no other context to return to.
 *
 * void vmx_launch(struct vcpu *v)      first entry (VMLAUNCH); returns never
 * On a failed VMLAUNCH/VMRESUME, vmx_entry_failed(vcpu, 1 = VMfailInvalid / 2 = VMfailValid)
 * reports it (it does not return).
 */
#define VCPU_EXIT_STACK_TOP 512 /* offsetof(struct vcpu, exit_stack_top) = VCPU_REGS_AREA */

	.text
	.macro LOAD_GUEST_GPRS            /* %rdi = vcpu; %rdi itself last */
	mov 0*8(%rdi), %rax
	mov 1*8(%rdi), %rcx
	mov 2*8(%rdi), %rdx
	mov 3*8(%rdi), %rbx
	mov 5*8(%rdi), %rbp
	mov 6*8(%rdi), %rsi
	mov 8*8(%rdi), %r8
	mov 9*8(%rdi), %r9
	mov 10*8(%rdi), %r10
	mov 11*8(%rdi), %r11
	mov 12*8(%rdi), %r12
	mov 13*8(%rdi), %r13
	mov 14*8(%rdi), %r14
	mov 15*8(%rdi), %r15
	mov 7*8(%rdi), %rdi
	.endm

	.globl vmx_launch
vmx_launch:
	mov VCPU_EXIT_STACK_TOP(%rdi), %rsp /* switch to the exit stack; the vcpu is at (%rsp) */
	LOAD_GUEST_GPRS
	vmlaunch
	jmp entry_failed

	.globl vmx_exit_stub
vmx_exit_stub:
	push %rdi
	mov 8(%rsp), %rdi               /* the vcpu */
	mov %rax, 0*8(%rdi)
	mov %rcx, 1*8(%rdi)
	mov %rdx, 2*8(%rdi)
	mov %rbx, 3*8(%rdi)
	mov %rbp, 5*8(%rdi)
	mov %rsi, 6*8(%rdi)
	mov %r8, 8*8(%rdi)
	mov %r9, 9*8(%rdi)
	mov %r10, 10*8(%rdi)
	mov %r11, 11*8(%rdi)
	mov %r12, 12*8(%rdi)
	mov %r13, 13*8(%rdi)
	mov %r14, 14*8(%rdi)
	mov %r15, 15*8(%rdi)
	pop %rax
	mov %rax, 7*8(%rdi)
	call vcpu_handle_exit           /* RSP is 16-byte aligned here */
	mov (%rsp), %rdi
	LOAD_GUEST_GPRS
	vmresume
entry_failed:
	/* Still in the host: CF=1 VMfailInvalid, ZF=1 VMfailValid. The GPRs hold guest values. */
	mov $1, %esi
	jc 1f
	mov $2, %esi
1:	mov (%rsp), %rdi
	call vmx_entry_failed
2:	cli
	hlt
	jmp 2b
