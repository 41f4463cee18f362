/* Exception entry stubs: push a uniform frame (vector, error code, GPRs) and call
 * exception_report(frame), which prints a register dump and ends the machine. */
	.text
	.macro ISR vec, has_error
isr_\vec:
	.if \has_error == 0
	pushq $0
	.endif
	pushq $\vec
	jmp isr_common
	.endm

	.irp v, 0,1,2,3,4,5,6,7,9,15,16,18,19,20,22,23,24,25,26,27,28,31
	ISR \v, 0
	.endr
	.irp v, 8,10,11,12,13,14,17,21,29,30
	ISR \v, 1
	.endr

isr_common:
	push %rax
	push %rcx
	push %rdx
	push %rbx
	push %rbp
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rdi
	and $-16, %rsp
	call exception_report
1:	cli
	hlt
	jmp 1b

	.section .rodata
	.globl isr_table
	.align 8
isr_table:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad isr_\v
	.endr
