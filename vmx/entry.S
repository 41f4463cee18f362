/*
 * VM entry and VM exit (SDM vol.3 chapters 27-28).
 *
 * int vmx_run(struct vcpu *v)  -- v->gpr[] holds the guest GPRs (RSP lives in the VMCS).
 * Enters the guest with VMLAUNCH (first time) or VMRESUME; when the guest exits, the CPU loads the
 * host state from the VMCS and jumps to vmx_exit_stub with RSP = the value written below, where
 * the vcpu pointer waits on the stack. The stub saves the guest GPRs and returns 0 from vmx_run.
 * If the entry instruction itself fails, vmx_run returns 1 (VMfailInvalid) or 2 (VMfailValid).
 */
#define VCPU_LAUNCHED (16 * 8)
#define VMCS_HOST_RSP 0x6c14

	.text
	.globl vmx_run
vmx_run:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	push %rdi                       /* the vcpu, found again at (%rsp) after the exit */
	mov $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe entry_failed_early

	cmpb $0, VCPU_LAUNCHED(%rdi)
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
	mov 7*8(%rdi), %rdi             /* MOV leaves the flags of the CMP above alone */
	jne 1f
	vmlaunch
	jmp entry_failed
1:	vmresume
entry_failed:
	/* Still in the host: CF=1 VMfailInvalid, ZF=1 VMfailValid. The GPRs hold guest values. */
	mov $1, %eax
	jc 2f
	mov $2, %eax
2:	pop %rdi
	jmp restore_host

entry_failed_early:
	mov $1, %eax
	pop %rdi
	jmp restore_host

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
	pop %rdi
	xor %eax, %eax
restore_host:
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret
