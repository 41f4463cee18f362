/* Header layout and masks: PCI LB 3.0 §6.1-§6.2 (type 0), PCI-to-PCI Bridge 1.2 §3.2 (type 1). */
#include "pci/header.h"
#include "pci/regs.h"
#include "lib/string.h"

/* Command bits a function implements here, PCI LB 3.0 §6.2.2: I/O and memory space, bus
 * master, parity error response, SERR# enable, interrupt disable. The rest are read-only 0. */
#define COMMAND_RW (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | \
		    PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)

static void init_common(struct pci_function *fn, const struct pci_ids *ids, uint8_t type, const char *name)
{
	memset(fn, 0, sizeof *fn);
	fn->name = name;
	fn->cap_next_free = PCI_CAP_FIRST;
	fn->ext_next_free = PCI_EXT_CAP_START;
	pci_config_set(fn, PCI_VENDOR_ID, 2, ids->vendor);
	pci_config_set(fn, PCI_DEVICE_ID, 2, ids->device);
	pci_config_set(fn, PCI_REVISION_ID, 1, ids->revision);
	pci_config_set(fn, PCI_CLASS_CODE, 3, ids->class_code);
	pci_config_set(fn, PCI_HEADER_TYPE, 1, type);
	pci_config_set(fn, PCI_INTERRUPT_PIN, 1, ids->interrupt_pin);
	pci_config_set_wmask(fn, PCI_COMMAND, 2, COMMAND_RW);
	/* Status error bits are write-1-to-clear, PCI LB 3.0 §6.2.3. */
	pci_config_set_w1cmask(fn, PCI_STATUS, 2, PCI_STATUS_ERROR_BITS);
	/* Cache line size is read-write (§6.2.4); the latency timer is hardwired to 0, as
	 * PCIe 4.0 §7.5.1.1 requires and §6.2.4 permits. Interrupt line is a scratch byte. */
	pci_config_set_wmask(fn, PCI_CACHE_LINE_SIZE, 1, 0xff);
	pci_config_set_wmask(fn, PCI_INTERRUPT_LINE, 1, 0xff);
}

void pci_function_init_type0(struct pci_function *fn, const struct pci_ids *ids, const char *name)
{
	init_common(fn, ids, PCI_HEADER_TYPE_NORMAL, name);
	pci_config_set(fn, PCI_SUBSYSTEM_VENDOR_ID, 2, ids->subsystem_vendor);
	pci_config_set(fn, PCI_SUBSYSTEM_ID, 2, ids->subsystem);
}

void pci_function_init_type1(struct pci_function *fn, const struct pci_ids *ids, const char *name)
{
	init_common(fn, ids, PCI_HEADER_TYPE_BRIDGE, name);
	/* Bus numbers, PCI-to-PCI Bridge 1.2 §3.2.5.3-5. */
	pci_config_set_wmask(fn, PCI_PRIMARY_BUS, 3, 0xffffff);
	/* I/O window with 32-bit addressing (§3.2.5.6): low nibble 1 = 32-bit, read-only. */
	pci_config_set(fn, PCI_IO_BASE, 1, 0x01);
	pci_config_set(fn, PCI_IO_LIMIT, 1, 0x01);
	pci_config_set_wmask(fn, PCI_IO_BASE, 1, 0xf0);
	pci_config_set_wmask(fn, PCI_IO_LIMIT, 1, 0xf0);
	pci_config_set_wmask(fn, PCI_IO_BASE_UPPER, 4, 0xffffffff);
	/* Secondary status: same write-1-to-clear error bits as status (§3.2.5.7). */
	pci_config_set_w1cmask(fn, PCI_SEC_STATUS, 2, PCI_STATUS_ERROR_BITS);
	/* Memory window, 1 MiB granularity (§3.2.5.8). */
	pci_config_set_wmask(fn, PCI_MEMORY_BASE, 2, 0xfff0);
	pci_config_set_wmask(fn, PCI_MEMORY_LIMIT, 2, 0xfff0);
	/* Prefetchable window with 64-bit addressing (§3.2.5.9): low nibble 1, read-only. */
	pci_config_set(fn, PCI_PREF_BASE, 2, 0x0001);
	pci_config_set(fn, PCI_PREF_LIMIT, 2, 0x0001);
	pci_config_set_wmask(fn, PCI_PREF_BASE, 2, 0xfff0);
	pci_config_set_wmask(fn, PCI_PREF_LIMIT, 2, 0xfff0);
	pci_config_set_wmask(fn, PCI_PREF_BASE_UPPER, 4, 0xffffffff);
	pci_config_set_wmask(fn, PCI_PREF_LIMIT_UPPER, 4, 0xffffffff);
	/* Bridge control (§3.2.5.18): parity response, SERR#, ISA, VGA, VGA 16-bit, master abort
	 * mode, secondary bus reset. */
	pci_config_set_wmask(fn, PCI_BRIDGE_CONTROL, 2, 0x007f);
}

unsigned pci_header_type(const struct pci_function *fn)
{
	return pci_config_get(fn, PCI_HEADER_TYPE, 1) & (unsigned)~PCI_HEADER_MULTI_FUNCTION;
}
