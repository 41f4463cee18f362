/* The self-test guest's flat binary, linked into the hypervisor as data. */
	.section .rodata
	.balign 4096
	.globl guest_selftest_image, guest_selftest_image_end
guest_selftest_image:
	.incbin "build/guest/selftest.bin"
guest_selftest_image_end:
