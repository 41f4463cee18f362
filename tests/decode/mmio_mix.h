/* A realistic MMIO instruction mix (64-bit), as Linux drivers compile readl/writel & co.,
 * memcpy_toio/memset_io, atomics on device memory, SSE copies. Used by the benchmark. */
#ifndef TESTS_DECODE_MMIO_MIX_H
#define TESTS_DECODE_MMIO_MIX_H
#include <stdint.h>

struct mix_insn {
	uint8_t len;
	uint8_t bytes[15];
};

static const struct mix_insn mmio_mix[] = {
	/* readl / writel with the common addressing forms */
	{ 2, { 0x8b, 0x07 } },                                     /* mov eax,[rdi] */
	{ 3, { 0x8b, 0x40, 0x10 } },                               /* mov eax,[rax+0x10] */
	{ 6, { 0x8b, 0x87, 0x00, 0x01, 0x00, 0x00 } },             /* mov eax,[rdi+0x100] */
	{ 4, { 0x41, 0x8b, 0x04, 0x24 } },                         /* mov eax,[r12] */
	{ 4, { 0x41, 0x8b, 0x45, 0x18 } },                         /* mov eax,[r13+0x18] */
	{ 3, { 0x8b, 0x04, 0x87 } },                               /* mov eax,[rdi+rax*4] */
	{ 4, { 0x8b, 0x44, 0x24, 0x08 } },                         /* mov eax,[rsp+8] */
	{ 3, { 0x8b, 0x53, 0x0c } },                               /* mov edx,[rbx+0xc] */
	{ 2, { 0x89, 0x07 } },                                     /* mov [rdi],eax */
	{ 3, { 0x89, 0x50, 0x08 } },                               /* mov [rax+8],edx */
	{ 6, { 0x89, 0x87, 0x00, 0x01, 0x00, 0x00 } },             /* mov [rdi+0x100],eax */
	{ 4, { 0x44, 0x89, 0x60, 0x04 } },                         /* mov [rax+4],r12d */
	{ 3, { 0x89, 0x04, 0x8f } },                               /* mov [rdi+rcx*4],eax */
	{ 2, { 0x89, 0x02 } },                                     /* mov [rdx],eax (notify) */
	{ 4, { 0x45, 0x89, 0x65, 0x00 } },                         /* mov [r13],r12d */
	{ 3, { 0x89, 0x77, 0x14 } },                               /* mov [rdi+0x14],esi */
	/* readb/readw/readq and stores */
	{ 3, { 0x0f, 0xb6, 0x07 } },                               /* movzx eax,byte [rdi] */
	{ 4, { 0x0f, 0xb6, 0x47, 0x05 } },                         /* movzx eax,byte [rdi+5] */
	{ 4, { 0x0f, 0xb7, 0x47, 0x02 } },                         /* movzx eax,word [rdi+2] */
	{ 2, { 0x88, 0x07 } },                                     /* mov [rdi],al */
	{ 3, { 0x40, 0x88, 0x37 } },                               /* mov [rdi],sil */
	{ 4, { 0x66, 0x89, 0x47, 0x02 } },                         /* mov [rdi+2],ax */
	{ 3, { 0x66, 0x89, 0x37 } },                               /* mov [rdi],si */
	{ 3, { 0x48, 0x8b, 0x07 } },                               /* mov rax,[rdi] */
	{ 4, { 0x48, 0x8b, 0x47, 0x08 } },                         /* mov rax,[rdi+8] */
	{ 3, { 0x48, 0x89, 0x07 } },                               /* mov [rdi],rax */
	{ 4, { 0x4c, 0x89, 0x67, 0x10 } },                         /* mov [rdi+0x10],r12 */
	{ 4, { 0x0f, 0xbe, 0x47, 0x01 } },                         /* movsx eax,byte [rdi+1] */
	{ 4, { 0x48, 0x63, 0x47, 0x04 } },                         /* movsxd rax,[rdi+4] */
	/* immediates */
	{ 6, { 0xc7, 0x07, 0x01, 0x00, 0x00, 0x00 } },             /* mov dword [rdi],1 */
	{ 7, { 0xc7, 0x47, 0x10, 0x00, 0x00, 0x00, 0x80 } },       /* mov dword [rdi+0x10],0x80000000 */
	{ 5, { 0x66, 0xc7, 0x07, 0x34, 0x12 } },                   /* mov word [rdi],0x1234 */
	{ 3, { 0xc6, 0x07, 0x01 } },                               /* mov byte [rdi],1 */
	{ 7, { 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff } },       /* mov qword [rdi],-1 */
	/* absolute / RIP-relative / per-CPU */
	{ 7, { 0x8b, 0x04, 0x25, 0x00, 0x00, 0xe0, 0xfe } },       /* mov eax,[0xfffffffffee00000] */
	{ 7, { 0x89, 0x04, 0x25, 0xb0, 0x00, 0xe0, 0xfe } },       /* mov [0xfffffffffee000b0],eax */
	{ 6, { 0x8b, 0x05, 0x10, 0x20, 0x30, 0x00 } },             /* mov eax,[rip+0x302010] */
	{ 6, { 0x89, 0x15, 0x10, 0x20, 0x30, 0x00 } },             /* mov [rip+0x302010],edx */
	{ 9, { 0x65, 0x48, 0x8b, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00 } }, /* mov rax,gs:[0x28] */
	{ 9, { 0xa1, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00 } }, /* mov eax,moffs64 */
	{ 10, { 0x48, 0xa3, 0x00, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00 } }, /* mov moffs64,rax */
	/* bit tests, read-modify-write, atomics */
	{ 3, { 0xf6, 0x07, 0x01 } },                               /* test byte [rdi],1 */
	{ 3, { 0x83, 0x3f, 0x00 } },                               /* cmp dword [rdi],0 */
	{ 2, { 0x85, 0x07 } },                                     /* test [rdi],eax */
	{ 2, { 0x09, 0x07 } },                                     /* or [rdi],eax */
	{ 2, { 0x21, 0x07 } },                                     /* and [rdi],eax */
	{ 6, { 0x81, 0x27, 0xff, 0xff, 0xff, 0xfe } },             /* and dword [rdi],0xfeffffff */
	{ 6, { 0x81, 0x0f, 0x00, 0x00, 0x00, 0x01 } },             /* or dword [rdi],0x01000000 */
	{ 3, { 0x83, 0x27, 0xfe } },                               /* and dword [rdi],-2 */
	{ 3, { 0x80, 0x0f, 0x01 } },                               /* or byte [rdi],1 */
	{ 4, { 0xf0, 0x0f, 0xb1, 0x17 } },                         /* lock cmpxchg [rdi],edx */
	{ 4, { 0xf0, 0x0f, 0xc1, 0x07 } },                         /* lock xadd [rdi],eax */
	{ 4, { 0xf0, 0x83, 0x07, 0x01 } },                         /* lock add dword [rdi],1 */
	{ 5, { 0xf0, 0x0f, 0xba, 0x2f, 0x03 } },                   /* lock bts dword [rdi],3 */
	{ 4, { 0xf0, 0x80, 0x0f, 0x01 } },                         /* lock or byte [rdi],1 */
	{ 2, { 0x87, 0x07 } },                                     /* xchg [rdi],eax */
	{ 3, { 0x0f, 0xa3, 0x07 } },                               /* bt [rdi],eax */
	{ 3, { 0x0f, 0xc3, 0x07 } },                               /* movnti [rdi],eax */
	{ 2, { 0xff, 0x07 } },                                     /* inc dword [rdi] */
	/* string copies (memcpy_toio / memset_io / ioread32_rep) */
	{ 2, { 0xf3, 0xa4 } },                                     /* rep movsb */
	{ 3, { 0xf3, 0x48, 0xa5 } },                               /* rep movsq */
	{ 2, { 0xf3, 0xa5 } },                                     /* rep movsd */
	{ 2, { 0xf3, 0xaa } },                                     /* rep stosb */
	{ 3, { 0xf3, 0x48, 0xab } },                               /* rep stosq */
	/* SSE copies */
	{ 4, { 0x66, 0x0f, 0x7f, 0x07 } },                         /* movdqa [rdi],xmm0 */
	{ 4, { 0xf3, 0x0f, 0x6f, 0x07 } },                         /* movdqu xmm0,[rdi] */
	{ 3, { 0x0f, 0x11, 0x07 } },                               /* movups [rdi],xmm0 */
	{ 5, { 0x66, 0x48, 0x0f, 0x7e, 0x07 } },                   /* movq [rdi],xmm0 */
};
#define MMIO_MIX_COUNT (sizeof mmio_mix / sizeof mmio_mix[0])
#endif
