/* The virtual PCI test device (pci/testdev.c) in the hypervisor: its BARs follow the guest's
 * programming (pci/hv/vdev_bars.c); its messages become real interrupts (pci/hv/msi.c). */
#include "pci/hv/vpci.h"
#include "pci/hv/msi.h"
#include "pci/hv/vdev_bars.h"
#include "pci/testdev.h"
#include "mm/heap.h"
#include "boot/console.h"

static struct testdev *dev;
static struct vdev_bars bars;

void testdev_glue_init(void);
void testdev_glue_init(void)
{
	unsigned pages = (unsigned)((sizeof *dev + 4095) / 4096);
	dev = heap_alloc_pages(pages); /* page-aligned: its config bytes back an ECAM page */
	testdev_init(dev, msi_deliver, 0);
	vdev_bars_init(&bars, "testdev");
	testdev_attach(dev, &bars.route);
	vdev_bars_watch(&bars, &dev->fn);
	uint16_t bdf = vpci_add_virtual(&dev->fn);
	log_printf("hv: pci %02x:%02x.%x %04x:%04x virtual test device (BARs unassigned)\n", PCI_BDF_BUS(bdf),
		   PCI_BDF_DEV(bdf), PCI_BDF_FN(bdf), TESTDEV_VENDOR_ID, TESTDEV_DEVICE_ID);
}
