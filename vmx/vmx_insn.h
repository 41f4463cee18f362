/* The VMX instructions, one inline function each (SDM vol.3 chapter 31). The ones that can fail
 * return 0 on success, 1 for VMfailInvalid (CF=1) and 2 for VMfailValid (ZF=1: read the
 * VM-instruction error field). */
#ifndef VMX_VMX_INSN_H
#define VMX_VMX_INSN_H
#include <stdint.h>

#define VMX_FAIL_RESULT(insn, ...)                                                             \
	({                                                                                     \
		uint8_t cf, zf;                                                                \
		__asm__ volatile(insn "; setc %0; setz %1" : "=qm"(cf), "=qm"(zf) : __VA_ARGS__ : "cc", "memory"); \
		cf ? 1 : zf ? 2 : 0;                                                           \
	})

static inline int vmxon(uint64_t pa) { return VMX_FAIL_RESULT("vmxon %2", "m"(pa)); }
static inline int vmclear(uint64_t pa) { return VMX_FAIL_RESULT("vmclear %2", "m"(pa)); }
static inline int vmptrld(uint64_t pa) { return VMX_FAIL_RESULT("vmptrld %2", "m"(pa)); }
static inline void vmxoff(void) { __asm__ volatile("vmxoff" ::: "cc", "memory"); }

static inline uint64_t vmread(uint64_t field)
{
	uint64_t v;
	__asm__ volatile("vmread %1, %0" : "=rm"(v) : "r"(field) : "cc");
	return v;
}
static inline void vmwrite(uint64_t field, uint64_t v)
{
	__asm__ volatile("vmwrite %1, %0" : : "r"(field), "rm"(v) : "cc");
}
/* vmwrite that reports failure (used while building the VMCS, where a bad field is a bug). */
static inline int vmwrite_checked(uint64_t field, uint64_t v)
{
	return VMX_FAIL_RESULT("vmwrite %3, %2", "r"(field), "rm"(v));
}

struct invept_desc { uint64_t eptp, reserved; };
struct invvpid_desc { uint64_t vpid, linear; };
#define INVEPT_SINGLE_CONTEXT 1
#define INVEPT_ALL_CONTEXTS 2
#define INVVPID_SINGLE_CONTEXT 1
#define INVVPID_ALL_CONTEXTS 2

static inline int invept(uint64_t type, uint64_t eptp)
{
	struct invept_desc d = { eptp, 0 };
	return VMX_FAIL_RESULT("invept %2, %3", "m"(d), "r"(type));
}
static inline int invvpid(uint64_t type, uint16_t vpid)
{
	struct invvpid_desc d = { vpid, 0 };
	return VMX_FAIL_RESULT("invvpid %2, %3", "m"(d), "r"(type));
}
#endif
