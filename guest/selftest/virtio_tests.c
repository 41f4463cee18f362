/* Virtio from inside the guest, under the real hypervisor: the virtio-rng device (1af4:1044)
 * driven through its BAR (MMIO exits through the emulator), a request served into guest RAM,
 * and the same with a buffer in hypervisor memory: the device must refuse it (NEEDS_RESET),
 * write nothing there, and the hypervisor must keep running. */
#include "guest/selftest/gsupport.h"
#include "guest/selftest/pci_access.h"
#include "lib/string.h"
#include "vmx/vmcs_fields.h"

#define RNG_BAR 0xd0400000u /* a free hole (the test device uses 0xd01..-0xd02..) */
#define STATUS_ACK_DRIVER 3
#define STATUS_FEATURES_OK 8
#define STATUS_DRIVER_OK 4
#define STATUS_NEEDS_RESET 0x40
#define QSIZE 8

static volatile uint8_t *bar;
static uint8_t rings[3 * 4096] __attribute__((aligned(4096)));
static uint8_t buffer[64] __attribute__((aligned(64)));

static void w8(unsigned off, uint8_t v) { bar[off] = v; }
static void w16(unsigned off, uint16_t v) { *(volatile uint16_t *)(bar + off) = v; }
static void w32(unsigned off, uint32_t v) { *(volatile uint32_t *)(bar + off) = v; }
static uint8_t r8(unsigned off) { return bar[off]; }
static uint16_t r16(unsigned off) { return *(volatile uint16_t *)(bar + off); }

/* The desc, avail and used rings of queue 0, one page each. */
#define DESC ((volatile uint64_t *)rings)
#define AVAIL ((volatile uint16_t *)(rings + 4096))
#define USED ((volatile uint32_t *)(rings + 8192))

/* virtio 1.2 §3.1.1: reset, ACKNOWLEDGE|DRIVER, VERSION_1, FEATURES_OK, queue 0, DRIVER_OK.
 * Common configuration offsets as in §4.1.4.3. */
static bool bring_up(void)
{
	memset(rings, 0, sizeof rings);
	w8(0x14, 0);
	w8(0x14, STATUS_ACK_DRIVER);
	w32(0x08, 1);
	w32(0x0c, 1); /* VIRTIO_F_VERSION_1 (bit 32) */
	w8(0x14, STATUS_ACK_DRIVER | STATUS_FEATURES_OK);
	if (!(r8(0x14) & STATUS_FEATURES_OK))
		return false;
	w16(0x16, 0);
	w16(0x18, QSIZE);
	w32(0x20, (uint32_t)(uintptr_t)DESC);
	w32(0x24, 0);
	w32(0x28, (uint32_t)(uintptr_t)AVAIL);
	w32(0x2c, 0);
	w32(0x30, (uint32_t)(uintptr_t)USED);
	w32(0x34, 0);
	w16(0x1c, 1);
	w8(0x14, STATUS_ACK_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
	return r16(0x1c) == 1;
}

/* One device-writable buffer [addr, addr+len) as request n, then the notification. */
static void request(uint16_t n, uint64_t addr, uint32_t len)
{
	DESC[0] = addr;
	DESC[1] = len | (uint64_t)2 << 32; /* len, flags WRITE, next 0 */
	AVAIL[2 + n % QSIZE] = 0;
	__asm__ volatile("" ::: "memory");
	AVAIL[1] = (uint16_t)(n + 1);
	w16(0x1000, 0); /* queue 0's notification address */
}

void run_virtio_tests(const struct guest_info *info)
{
	int rng = pci_find_device(0x1af4, 0x1044);
	GCHECK(rng >= 0, "virtio: the virtio-rng function is on the bus");
	if (rng < 0 || !ecam_base)
		return;
	unsigned bdf = (unsigned)rng;
	ecam_write32(bdf, 0x10, RNG_BAR); /* BAR0, 64-bit memory */
	ecam_write32(bdf, 0x14, 0);
	ecam_write32(bdf, 0x04, 0x6); /* memory decoding, bus master */
	bar = (volatile uint8_t *)(uintptr_t)RNG_BAR;
	GCHECK(bring_up(), "virtio: rng brought up through its BAR (features, FEATURES_OK, queue 0)");

	memset(buffer, 0, sizeof buffer);
	request(0, (uint64_t)(uintptr_t)buffer, 32);
	unsigned nonzero = 0;
	for (unsigned i = 0; i < 32; i++)
		nonzero += buffer[i] != 0;
	GCHECK((USED[0] >> 16) == 1 && USED[1] == 0 && USED[2] == 32 && nonzero > 16 && buffer[40] == 0,
	       "virtio: a 32-byte request is filled and returned (used idx %u, len %u, %u nonzero bytes)", USED[0] >> 16,
	       USED[2], nonzero);

	/* Polling while busy: the request above found work, so the device stopped asking for
	 * notifications (used->flags NO_NOTIFY) and the hypervisor polls the queue. A driver that
	 * honours that does not notify: it waits — here it spins without a single exit — and the
	 * poll, driven by the VMX-preemption timer, serves the request. Once polls find nothing,
	 * notifications come back on and the timer stops. */
	uint16_t flags = (uint16_t)USED[0];
	uint64_t misconfig = exit_count(EXIT_EPT_MISCONFIG), timer = exit_count(EXIT_PREEMPTION_TIMER);
	DESC[0] = (uint64_t)(uintptr_t)buffer;
	DESC[1] = 8 | (uint64_t)2 << 32;
	AVAIL[3] = 0;
	__asm__ volatile("" ::: "memory");
	AVAIL[1] = 2; /* no notification */
	unsigned spins = 0;
	while ((USED[0] >> 16) != 2 && spins < 10000000)
		spins++;
	uint64_t timer_exits = exit_count(EXIT_PREEMPTION_TIMER) - timer;
	GCHECK(flags == 1 && (USED[0] >> 16) == 2 && USED[4] == 8 && exit_count(EXIT_EPT_MISCONFIG) == misconfig && timer_exits >= 1,
	       "virtio: a busy queue is polled: a request added without a notification is served (flags %u, %u spins, %lu "
	       "timer exits)", flags, spins, timer_exits);
	spins = 0;
	while ((USED[0] & 0xffff) && spins < 10000000)
		spins++;
	uint64_t t1 = exit_count(EXIT_PREEMPTION_TIMER);
	for (volatile unsigned i = 0; i < 300000; i++)
		;
	GCHECK(!(USED[0] & 0xffff) && exit_count(EXIT_PREEMPTION_TIMER) == t1 + 0,
	       "virtio: idle polls turn notifications back on and the poll timer off (%u spins)", spins);
	request(2, (uint64_t)(uintptr_t)buffer, 32);
	GCHECK((USED[0] >> 16) == 3, "virtio: and a notification serves the next request at once");

	/* A buffer in hypervisor memory: refused, nothing written there (it still reads as ones). */
	uint64_t hidden = info->hidden[0].base;
	request(3, hidden, 32);
	GCHECK((r8(0x14) & STATUS_NEEDS_RESET) && (USED[0] >> 16) == 3 && *(volatile uint64_t *)(uintptr_t)hidden == ~0ull,
	       "virtio: a buffer in hypervisor memory -> DEVICE_NEEDS_RESET, nothing served (status 0x%x)", r8(0x14));
	request(4, (uint64_t)(uintptr_t)buffer, 32);
	GCHECK((USED[0] >> 16) == 3, "virtio: after NEEDS_RESET the device does nothing until reset");
	GCHECK(bring_up(), "virtio: a reset brings the device back");
	request(0, (uint64_t)(uintptr_t)buffer, 16);
	GCHECK((USED[0] >> 16) == 1 && USED[2] == 16, "virtio: and it serves requests again");
	w8(0x14, 0);
	ecam_write32(bdf, 0x04, 0);
}
