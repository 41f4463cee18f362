#!/usr/bin/env bash
# A stock Debian kernel (linux-image-cloud-amd64) as the guest under Bochs: it must reach its
# initramfs's /init, see the PCI devices, drive minihv's virtio devices with its own drivers
# (rng, block, console, network), and power off, which ends the hypervisor with status 0.
set -u
cd "$(dirname "$0")/../.."
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; }
log=build/linux/serial.log
tools/run-linux.sh --timeout 300 >build/linux-run.out 2>&1
rc=$?
expect() { if grep -aEq -- "$2" "$log" 2>/dev/null; then pass "$1"; else fail "$1: no line matching /$2/ in $log ($(tail -n 1 build/linux-run.out))"; fi; }
expect "linux guest: loaded by the 64-bit boot protocol" '^hv: linux: kernel \(boot protocol 2\.[0-9]+, [0-9]+ KiB\) at 0x[0-9a-f]+, entry'
expect "linux guest: init runs" '^minihv-linux: init running on Linux 6\.'
expect "linux guest: sees the PCI functions, the virtual test device too" '^minihv-linux: PCI devices: .*0000:00:02\.0'
expect "linux guest: CPUID says hypervisor" '^minihv-linux: hypervisor: +hypervisor'
expect "linux guest: virtio-pci finds our virtio-rng device (1af4:1044 at 00:03.0)" '^minihv-linux: virtio devices: virtio0'
expect "linux guest: Linux's virtio-rng driver is the current hwrng" '^minihv-linux: hwrng: virtio_rng\.0'
expect "linux guest: 32 random bytes read through the virtqueue" '^minihv-linux: random bytes: [0-9a-f]{64}[[:space:]]*$'
expect "linux guest: MSI-X interrupts arrive for the request queue" ': [1-9][0-9]* +PCI-MSI [0-9]+-edge +virtio0-(input|request)'
expect "linux guest: virtio-blk disk from the module, 1 MiB (2048 sectors)" '^minihv-linux: vda: 2048 sectors'
expect "linux guest: virtio-blk reads the disk image" '^minihv-linux: vda sector 0: minihv test disk, sector 0'
expect "linux guest: virtio-blk write, then read back past the page cache" '^minihv-linux: vda sector 1: written by linux through virtio-blk'
expect "linux guest: a bulk read of the whole disk (256 direct reads)" '^minihv-linux: vda bulk read: 256 direct 4 KiB reads'
expect "linux guest: ext2 made, mounted, written, remounted and read on virtio-blk" '^minihv-linux: ext2 on vda: a file on ext2 on virtio-blk'
expect "linux guest: virtio-net eth0 with minihv's MAC, link up" '^minihv-linux: eth0: 52:54:00:12:34:56 up'
expect "linux guest: ping through virtio-net to the hypervisor's gateway (ARP + ICMP)" '^minihv-linux: ping: 3 packets transmitted, 3 packets received'
# The guest's own serial output shares COM1 with the hypervisor's log: this line may start mid-line.
expect "linux guest: virtio-console output reaches the hypervisor log, prefixed" 'guest console: hello from linux through virtio-console'
expect "linux guest: the virtio statistics line at shutdown" '^hv: virtio: rng [1-9][0-9]* requests .* gateway 1 ARP \+ 3 ping replies; blk [1-9][0-9]* reads, [1-9][0-9]* writes'
# Polling while busy: the block requests, above all the bulk read, take few notifications.
requests=$(grep -aoE 'blk [0-9]+ reads, [0-9]+ writes' "$log" | awk '{print $2 + $4}' | tail -n 1)
kicks=$(grep -aoE '^hv: virtio: driver notifications: .*blk [0-9]+' "$log" | awk '{print $NF}' | tail -n 1)
if [ -n "$requests" ] && [ -n "$kicks" ] && [ "$requests" -ge 256 ] && [ $((kicks * 10)) -lt "$requests" ]; then
	pass "linux guest: virtio-blk served $requests requests on $kicks notifications (busy queue polled)"
else
	fail "linux guest: virtio-blk requests ${requests:-?} on ${kicks:-?} notifications: want fewer than one in ten"
fi
expect "linux guest: ACPI power-off seen by the hypervisor" '^hv: the guest powered off \(ACPI S5\)'
[ "$rc" = 0 ] && pass "linux guest: shutdown status 0" || fail "linux guest: shutdown status $rc"
exit 0
