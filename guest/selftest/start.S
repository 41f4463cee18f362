/* Self-test guest entry: own GDT and stack, then guest_main(info). Exception stubs build one
 * frame layout and call guest_trap(frame), which may redirect the return RIP (fault probes). */
	.section .text.entry, "ax"
	.globl _start
_start:
	lea stack_top(%rip), %rsp
	lgdt gdt_ptr(%rip)
	pushq $0x08
	lea 1f(%rip), %rax
	pushq %rax
	lretq
1:	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	call guest_main                 /* RDI = struct guest_info *, from the loader */
2:	cli
	hlt
	jmp 2b

	.text
	.macro TRAP vec, has_error
trap_\vec:
	.if \has_error == 0
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
	.endm
	.irp v, 0,1,2,3,4,5,6,7,9,15,16,18,19,20,22,23,24,25,26,27,28,31
	TRAP \v, 0
	.endr
	.irp v, 8,10,11,12,13,14,17,21,29,30
	TRAP \v, 1
	.endr

/* Vectors 32-255 (interrupts): 16-byte stubs, trap_irq_stubs + 16 * (vector - 32). */
	.balign 16
	.globl trap_irq_stubs
trap_irq_stubs:
	.set vec, 32
	.rept 224
	.balign 16
	pushq $0
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

trap_common:
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	mov %rsp, %rdi
	call guest_trap
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	add $16, %rsp
	iretq

	.section .rodata
	.globl trap_table
	.align 8
trap_table:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad trap_\v
	.endr
	.align 8
gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08 code64 */
	.quad 0x00cf92000000ffff        /* 0x10 data */
gdt_end:
gdt_ptr:
	.word gdt_end - gdt - 1
	.quad gdt

	.bss
	.align 16
	.skip 32768
stack_top:
