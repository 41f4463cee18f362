/*
 * Multiboot v1 and v2 headers and the 32-bit entry: check for long mode, build the boot page
 * tables (identity map of the first 4 GiB with 2 MiB pages), enable PAE + LME + paging and jump
 * to 64-bit code, which calls boot_main(magic, info). Both loaders enter in 32-bit protected mode
 * with paging off, EAX = magic, EBX = physical address of the information structure.
 */
#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00000003 /* bit 0: page-align modules, bit 1: give memory map */
#define MB2_MAGIC 0xE85250D6

	.section .multiboot, "a"
	.align 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)

	.align 8
mb2_header:
	.long MB2_MAGIC
	.long 0                                 /* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
	.align 8                                /* module alignment tag: page-align modules */
	.word 6, 0
	.long 8
	.align 8                                /* end tag */
	.word 0, 0
	.long 8
mb2_header_end:

	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	mov %eax, %ebp                          /* magic, kept until the call to boot_main */
	mov %ebx, boot_info_pa                  /* CPUID below clobbers EBX */
	mov $boot_stack_top, %esp

	/* Zero .bss (not every loader does); EBP survives. */
	mov $hv_bss_start, %edi
	mov $hv_bss_end, %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb

	/* Long mode available? CPUID 0x80000001 EDX bit 29. */
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb no_long_mode
	mov $0x80000001, %eax
	cpuid
	bt $29, %edx
	jnc no_long_mode

	/* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages. */
	mov $boot_pdpt, %eax
	or $0x3, %eax
	mov %eax, boot_pml4
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $12, %eax
	add $boot_pd, %eax
	or $0x3, %eax
	mov %eax, boot_pdpt(,%ecx,8)
	inc %ecx
	cmp $4, %ecx
	jne 1b
	xor %ecx, %ecx                          /* 2048 entries: 4 GiB */
2:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax                          /* present, writable, 2 MiB page */
	mov %eax, boot_pd(,%ecx,8)
	mov %ecx, %eax
	shr $11, %eax                           /* high dword: bits 32+ of the address */
	mov %eax, boot_pd+4(,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jne 2b

	mov %cr4, %eax
	or $(1 << 5), %eax                      /* PAE */
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $0xC0000080, %ecx                   /* EFER.LME */
	rdmsr
	or $(1 << 8), %eax
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax                    /* PG | PE */
	mov %eax, %cr0
	lgdt boot_gdt_ptr
	ljmp $0x08, $long_mode_entry

no_long_mode:
	mov $no_long_mode_msg, %esi
3:	lodsb
	test %al, %al
	jz 4f
	mov $0x3f8, %dx                         /* COM1 transmit (works uninitialised in emulators) */
	out %al, %dx
	mov $0xe9, %dx
	out %al, %dx
	jmp 3b
4:	cli
	hlt
	jmp 4b

	.code64
long_mode_entry:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov $boot_stack_top, %rsp
	mov %ebp, %edi                          /* boot_main(magic, info) */
	mov boot_info_pa, %esi
	call boot_main
5:	cli
	hlt
	jmp 5b

	.section .data
	.align 4
boot_info_pa:
	.long 0

	.section .rodata
no_long_mode_msg:
	.asciz "hv: this CPU has no long mode (CPUID 0x80000001 EDX bit 29 clear); stopping\n"
	.align 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff                /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff                /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.section .bss
	.align 4096
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4096 * 4
	.globl boot_stack_top
boot_stack:	.skip 16384
boot_stack_top:
