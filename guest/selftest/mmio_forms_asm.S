/*
 * Every instruction form the MMIO emulator supports, as tiny functions that use memory at
 * (%rbp)+disp. The self-test runs each once on RAM (the CPU executes it) and once on the scratch
 * MMIO device (the hypervisor emulates it) from the same registers and memory, and compares.
 *
 * void form_run(void (*code)(void), struct form_state *s, void *mem)
 *   loads RAX RBX RCX RDX RSI RDI R8 (RSI, RDI as offsets from mem), XMM0 and RFLAGS from s,
 *   sets RBP = mem, calls code, stores them all back (RSI, RDI again as offsets).
 */
	.equ SCRATCH, 0xd0000000 /* SCRATCH_MMIO_BASE, devices/io_spaces.h */

	.text
	.globl form_run
form_run:
	push %rbp
	push %rbx
	push %r12
	push %r13
	mov %rdi, %r12
	mov %rsi, %r13
	mov %rdx, %rbp
	movdqu 64(%r13), %xmm0
	mov 0(%r13), %rax
	mov 8(%r13), %rbx
	mov 16(%r13), %rcx
	mov 24(%r13), %rdx
	mov 32(%r13), %rsi
	add %rbp, %rsi
	mov 40(%r13), %rdi
	add %rbp, %rdi
	mov 48(%r13), %r8
	pushq 56(%r13)
	popfq
	call *%r12
	pushfq
	popq 56(%r13)
	cld
	mov %rax, 0(%r13)
	mov %rbx, 8(%r13)
	mov %rcx, 16(%r13)
	mov %rdx, 24(%r13)
	sub %rbp, %rsi
	mov %rsi, 32(%r13)
	sub %rbp, %rdi
	mov %rdi, 40(%r13)
	mov %r8, 48(%r13)
	movdqu %xmm0, 64(%r13)
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret

/* FORM name, flags-compared, setup, instruction(s): setup 0 random registers, 1 string (small
 * RCX, RSI/RDI inside the buffer), 2 string with DF=1, 3 bit offset register (small RAX). */
	.macro FORM name, mask, setup, insn:vararg
	.text
form_\name:
	\insn
	ret
	.section .rodata.str
str_\name:
	.asciz "\name"
	.section .rodata.forms, "a"
	.quad form_\name, form_\name, str_\name
	.long \mask, \setup
	.endm

/* Forms with an absolute address (moffs): one code for RAM, one for MMIO. */
	.macro FORM2 name, mask, setup, ram_insn, mmio_insn
	.text
form_\name\()_ram:
	\ram_insn
	ret
form_\name\()_mmio:
	\mmio_insn
	ret
	.section .rodata.str
str_\name:
	.asciz "\name"
	.section .rodata.forms, "a"
	.quad form_\name\()_ram, form_\name\()_mmio, str_\name
	.long \mask, \setup
	.endm

#define ALL 0x8d5   /* CF PF AF ZF SF OF */
#define LOGIC 0x8c5 /* AF undefined after AND/OR/XOR/TEST */
#define BTF 0x001   /* only CF defined after BT/BTS/BTR/BTC */

	.section .rodata.forms, "a"
	.globl mmio_forms
mmio_forms:
	FORM mov_load32, ALL, 0, mov (%rbp), %eax
	FORM mov_load64, ALL, 0, mov 8(%rbp), %rbx
	FORM mov_load16, ALL, 0, mov 2(%rbp), %cx
	FORM mov_load8, ALL, 0, mov 3(%rbp), %dl
	FORM mov_load8_sil, ALL, 0, mov 1(%rbp), %sil
	FORM mov_load8_ah, ALL, 0, mov 5(%rbp), %ah
	FORM mov_load_r8, ALL, 0, mov 12(%rbp), %r8d
	FORM mov_load_sib, ALL, 4, mov 4(%rbp,%rbx,2), %eax
	FORM mov_store32, ALL, 0, mov %eax, 4(%rbp)
	FORM mov_store64, ALL, 0, mov %rbx, 16(%rbp)
	FORM mov_store16, ALL, 0, mov %cx, 6(%rbp)
	FORM mov_store8, ALL, 0, mov %dl, 7(%rbp)
	FORM mov_store8_r8b, ALL, 0, mov %r8b, 9(%rbp)
	FORM mov_imm8, ALL, 0, movb $0x5a, 10(%rbp)
	FORM mov_imm16, ALL, 0, movw $0xbeef, 14(%rbp)
	FORM mov_imm32, ALL, 0, movl $0x12345678, 12(%rbp)
	FORM mov_imm64, ALL, 0, movq $-2, 24(%rbp)
	FORM movzx_b, ALL, 0, movzbl 1(%rbp), %eax
	FORM movzx_w, ALL, 0, movzwq 2(%rbp), %rbx
	FORM movsx_b, ALL, 0, movsbl 3(%rbp), %ecx
	FORM movsx_w, ALL, 0, movswq 6(%rbp), %rdx
	FORM movsxd, ALL, 0, movslq 4(%rbp), %rcx
	FORM add_rm32, ALL, 0, add %eax, (%rbp)
	FORM or_rm64, ALL, 0, or %rbx, 8(%rbp)
	FORM adc_rm32, ALL, 0, adc %ecx, 4(%rbp)
	FORM sbb_rm16, ALL, 0, sbb %dx, 2(%rbp)
	FORM and_rm32, LOGIC, 0, and %eax, (%rbp)
	FORM sub_rm64, ALL, 0, sub %rbx, 8(%rbp)
	FORM xor_rm8, LOGIC, 0, xor %cl, 3(%rbp)
	FORM cmp_rm32, ALL, 0, cmp %eax, (%rbp)
	FORM add_mr32, ALL, 0, add (%rbp), %eax
	FORM sub_mr64, ALL, 0, sub 8(%rbp), %rbx
	FORM cmp_mr32, ALL, 0, cmp (%rbp), %ecx
	FORM and_mr32, LOGIC, 0, and 4(%rbp), %edx
	FORM or_mr8, LOGIC, 0, or 2(%rbp), %al
	FORM xor_mr16, LOGIC, 0, xor 6(%rbp), %bx
	FORM adc_mr64, ALL, 0, adc 16(%rbp), %rcx
	FORM sbb_mr32, ALL, 0, sbb 12(%rbp), %edx
	FORM add_imm8s, ALL, 0, addl $0x7f, (%rbp)
	FORM sub_imm32, ALL, 0, subq $0x12345, 8(%rbp)
	FORM cmp_imm8, ALL, 0, cmpb $0x80, 3(%rbp)
	FORM and_imm16, LOGIC, 0, andw $0xff0f, 2(%rbp)
	FORM or_imm32, LOGIC, 0, orl $0x80000001, 4(%rbp)
	FORM xor_imm8s, LOGIC, 0, xorq $0x55, 8(%rbp)
	FORM adc_imm8, ALL, 0, adcb $0xff, 1(%rbp)
	FORM sbb_imm32, ALL, 0, sbbl $0x1000, 12(%rbp)
	FORM test_rm32, LOGIC, 0, test %eax, (%rbp)
	FORM test_rm8, LOGIC, 0, test %bl, 1(%rbp)
	FORM test_imm32, LOGIC, 0, testl $0x80000001, (%rbp)
	FORM test_imm8, LOGIC, 0, testb $0x81, 2(%rbp)
	FORM xchg32, ALL, 0, xchg %eax, (%rbp)
	FORM xchg8, ALL, 0, xchg %bl, 1(%rbp)
	FORM lock_cmpxchg32, ALL, 0, lock cmpxchg %ebx, (%rbp)
	FORM cmpxchg64, ALL, 0, cmpxchg %rcx, 8(%rbp)
	FORM lock_xadd32, ALL, 0, lock xadd %eax, (%rbp)
	FORM xadd16, ALL, 0, xadd %bx, 2(%rbp)
	FORM bt_reg32, BTF, 3, bt %eax, (%rbp)
	FORM bts_reg64, BTF, 3, bts %rax, 8(%rbp)
	FORM btr_reg16, BTF, 3, btr %ax, 2(%rbp)
	FORM btc_reg32, BTF, 3, lock btc %eax, 4(%rbp)
	FORM bt_imm32, BTF, 0, btl $5, (%rbp)
	FORM bts_imm64, BTF, 0, btsq $63, 8(%rbp)
	FORM btr_imm16, BTF, 0, btrw $3, 2(%rbp)
	FORM btc_imm32, BTF, 0, btcl $31, 4(%rbp)
	FORM inc32, ALL, 0, incl (%rbp)
	FORM dec64, ALL, 0, decq 8(%rbp)
	FORM neg16, ALL, 0, negw 2(%rbp)
	FORM not8, ALL, 0, notb 3(%rbp)
	FORM lock_inc64, ALL, 0, lock incq 16(%rbp)
	FORM movnti32, ALL, 0, movnti %eax, (%rbp)
	FORM movnti64, ALL, 0, movnti %rbx, 8(%rbp)
	FORM rep_stosl, ALL, 1, rep stosl
	FORM rep_stosb_df, ALL, 2, rep stosb
	FORM stosq, ALL, 1, stosq
	FORM rep_movsb, ALL, 1, rep movsb
	FORM rep_movsq, ALL, 1, rep movsq
	FORM movsw_df, ALL, 2, movsw
	FORM lodsl, ALL, 1, lodsl
	FORM lodsb_df, ALL, 2, lodsb
	FORM2 moffs_load32, ALL, 0, "movabs form_ram_buffer+8, %eax", "movabs SCRATCH+8, %eax"
	FORM2 moffs_store64, ALL, 0, "movabs %rax, form_ram_buffer+16", "movabs %rax, SCRATCH+16"
	FORM2 moffs_load8, ALL, 0, "movabs form_ram_buffer+3, %al", "movabs SCRATCH+3, %al"
	FORM movdqu_load, ALL, 0, movdqu (%rbp), %xmm0
	FORM movdqu_store, ALL, 0, movdqu %xmm0, 16(%rbp)
	FORM movdqa_load, ALL, 0, movdqa 16(%rbp), %xmm0
	FORM movaps_store, ALL, 0, movaps %xmm0, 32(%rbp)
	FORM movups_load, ALL, 0, movups 8(%rbp), %xmm0
	FORM movd_load, ALL, 0, movd (%rbp), %xmm0
	FORM movd_store, ALL, 0, movd %xmm0, 4(%rbp)
	FORM movq_load, ALL, 0, movq 8(%rbp), %xmm0
	FORM movq_store, ALL, 0, movq %xmm0, 16(%rbp)
	.section .rodata.forms, "a"
	.globl mmio_forms_end
mmio_forms_end:

	.bss
	.balign 4096
	.globl form_ram_buffer
form_ram_buffer:
	.skip 4096

/* For the MMIO benchmark without the decode cache: 256 loads at 256 different addresses
 * (RIPs), each one an exit; void mmio_distinct_loads(volatile void *mmio) */
	.text
	.globl mmio_distinct_loads
mmio_distinct_loads:
	.rept 256
	mov (%rdi), %eax
	.endr
	ret
