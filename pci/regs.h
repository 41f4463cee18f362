/* PCI configuration register offsets and bits used by the model (PCI Local Bus 3.0 §6,
 * PCI-to-PCI Bridge 1.2 §3.2, PCI PM 1.2 §3.2, PCIe Base 4.0 §7). */
#ifndef PCI_REGS_H
#define PCI_REGS_H

/* Common header, PCI LB 3.0 §6.1 figure 6-1. */
#define PCI_VENDOR_ID        0x00
#define PCI_DEVICE_ID        0x02
#define PCI_COMMAND          0x04
#define PCI_STATUS           0x06
#define PCI_REVISION_ID      0x08
#define PCI_CLASS_CODE       0x09 /* 3 bytes: programming interface, subclass, base class */
#define PCI_CACHE_LINE_SIZE  0x0c
#define PCI_LATENCY_TIMER    0x0d
#define PCI_HEADER_TYPE      0x0e
#define PCI_BIST             0x0f
#define PCI_BAR0             0x10
#define PCI_CAPABILITY_LIST  0x34
#define PCI_INTERRUPT_LINE   0x3c
#define PCI_INTERRUPT_PIN    0x3d

/* Type 0 only. */
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID     0x2e
#define PCI_ROM_ADDRESS      0x30

/* Type 1 (bridge) only, PCI-to-PCI Bridge 1.2 §3.2. */
#define PCI_PRIMARY_BUS      0x18
#define PCI_SECONDARY_BUS    0x19
#define PCI_SUBORDINATE_BUS  0x1a
#define PCI_SEC_LATENCY      0x1b
#define PCI_IO_BASE          0x1c
#define PCI_IO_LIMIT         0x1d
#define PCI_SEC_STATUS       0x1e
#define PCI_MEMORY_BASE      0x20
#define PCI_MEMORY_LIMIT     0x22
#define PCI_PREF_BASE        0x24
#define PCI_PREF_LIMIT       0x26
#define PCI_PREF_BASE_UPPER  0x28
#define PCI_PREF_LIMIT_UPPER 0x2c
#define PCI_IO_BASE_UPPER    0x30
#define PCI_IO_LIMIT_UPPER   0x32
#define PCI_ROM_ADDRESS1     0x38
#define PCI_BRIDGE_CONTROL   0x3e

#define PCI_HEADER_TYPE_NORMAL 0x00
#define PCI_HEADER_TYPE_BRIDGE 0x01
#define PCI_HEADER_MULTI_FUNCTION 0x80 /* §6.2.1 */

/* Command register, PCI LB 3.0 §6.2.2. */
#define PCI_COMMAND_IO            0x0001
#define PCI_COMMAND_MEMORY        0x0002
#define PCI_COMMAND_MASTER        0x0004
#define PCI_COMMAND_PARITY        0x0040
#define PCI_COMMAND_SERR          0x0100
#define PCI_COMMAND_INTX_DISABLE  0x0400

/* Status register, PCI LB 3.0 §6.2.3. */
#define PCI_STATUS_INTERRUPT      0x0008
#define PCI_STATUS_CAP_LIST       0x0010
#define PCI_STATUS_PARITY         0x0100 /* master data parity error */
#define PCI_STATUS_SIG_TARGET_ABORT 0x0800
#define PCI_STATUS_REC_TARGET_ABORT 0x1000
#define PCI_STATUS_REC_MASTER_ABORT 0x2000
#define PCI_STATUS_SIG_SYSTEM_ERROR 0x4000
#define PCI_STATUS_DETECTED_PARITY  0x8000
#define PCI_STATUS_ERROR_BITS     0xf900 /* the write-1-to-clear ones */

/* Base address registers, PCI LB 3.0 §6.2.5.1. */
#define PCI_BAR_SPACE_IO          0x1
#define PCI_BAR_MEM_TYPE_64       0x4
#define PCI_BAR_MEM_PREFETCH      0x8
#define PCI_BAR_MEM_ADDR_MASK     0xfffffff0u
#define PCI_BAR_IO_ADDR_MASK      0xfffffffcu
#define PCI_ROM_ENABLE            0x1 /* §6.2.5.2 */
#define PCI_ROM_ADDR_MASK         0xfffff800u

/* Capability IDs, PCI Code and ID Assignment 1.x / PCI LB 3.0 appendix H. */
#define PCI_CAP_ID_PM       0x01
#define PCI_CAP_ID_MSI      0x05
#define PCI_CAP_ID_VENDOR   0x09
#define PCI_CAP_ID_EXP      0x10
#define PCI_CAP_ID_MSIX     0x11
#define PCI_CAP_NEXT        1    /* offset of the next pointer inside a capability */
#define PCI_CAP_FIRST       0x40 /* first byte after the type 0/1 header */

/* Extended capability header, PCIe 4.0 §7.6.3. */
#define PCI_EXT_CAP_START   0x100
#define PCI_EXT_CAP_ID_VNDR 0x000b

/* Power management capability, PCI PM 1.2 §3.2. */
#define PCI_PM_PMC          2
#define PCI_PM_PMCSR        4
#define PCI_PM_SIZE         8
#define PCI_PM_STATE_MASK   0x0003
#define PCI_PM_NO_SOFT_RESET 0x0008
#define PCI_PM_PME_ENABLE   0x0100
#define PCI_PM_PME_STATUS   0x8000

/* MSI capability, PCI LB 3.0 §6.8.1. */
#define PCI_MSI_FLAGS       2
#define PCI_MSI_FLAGS_ENABLE 0x0001
#define PCI_MSI_FLAGS_QMASK 0x000e /* multiple message capable, log2 */
#define PCI_MSI_FLAGS_QSIZE 0x0070 /* multiple message enable, log2 */
#define PCI_MSI_FLAGS_64BIT 0x0080
#define PCI_MSI_FLAGS_MASKBIT 0x0100
#define PCI_MSI_ADDRESS_LO  4
#define PCI_MSI_ADDRESS_HI  8    /* 64-bit layout only */
#define PCI_MSI_DATA_32     8
#define PCI_MSI_DATA_64     12
#define PCI_MSI_MASK_32     12
#define PCI_MSI_PENDING_32  16
#define PCI_MSI_MASK_64     16
#define PCI_MSI_PENDING_64  20

/* MSI-X capability, PCI LB 3.0 §6.8.2. */
#define PCI_MSIX_FLAGS      2
#define PCI_MSIX_FLAGS_QSIZE 0x07ff
#define PCI_MSIX_FLAGS_MASKALL 0x4000
#define PCI_MSIX_FLAGS_ENABLE 0x8000
#define PCI_MSIX_TABLE      4
#define PCI_MSIX_PBA        8
#define PCI_MSIX_BIR_MASK   0x7
#define PCI_MSIX_SIZE       12
#define PCI_MSIX_ENTRY_SIZE 16
#define PCI_MSIX_ENTRY_ADDR_LO 0
#define PCI_MSIX_ENTRY_ADDR_HI 4
#define PCI_MSIX_ENTRY_DATA    8
#define PCI_MSIX_ENTRY_CTRL    12
#define PCI_MSIX_ENTRY_CTRL_MASKBIT 0x1

/* PCI Express capability, PCIe 4.0 §7.5.3. */
#define PCI_EXP_FLAGS       2
#define PCI_EXP_DEVCAP      4
#define PCI_EXP_DEVCTL      8
#define PCI_EXP_DEVSTA      10
#define PCI_EXP_LNKCAP      12
#define PCI_EXP_LNKCTL      16
#define PCI_EXP_LNKSTA      18
#define PCI_EXP_DEVCAP2     36
#define PCI_EXP_DEVCTL2     40
#define PCI_EXP_LNKCAP2     44
#define PCI_EXP_SIZE        60
#define PCI_EXP_TYPE_ENDPOINT 0x0
#define PCI_EXP_TYPE_RC_END   0x9

#endif
