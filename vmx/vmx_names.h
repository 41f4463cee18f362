/* Names for what VMX reports as numbers: exit reasons (SDM Appendix C) and VM-instruction errors
 * (SDM 31.4), so every diagnostic reads as words. */
#ifndef VMX_VMX_NAMES_H
#define VMX_VMX_NAMES_H
#include <stdint.h>

const char *exit_reason_name(uint32_t reason);
const char *vm_instruction_error_name(uint32_t error);
#endif
