#!/usr/bin/env bash
# Boots Debian's cloud kernel with a busybox initramfs (tools/linux-guest.sh) as the guest of
# minihv under Bochs, headless, with a timeout; the serial console goes to build/linux/serial.log
# (and the terminal with --stream). Exits with the hypervisor's shutdown status (0 when the
# guest powered off), like tools/run-bochs.sh.
# Usage: tools/run-linux.sh [--stream] [--timeout SECONDS] [--cpus N] [--hv OPTIONS] [--iso-only] [KERNEL ARGUMENTS...]
#   --hv        the hypervisor's own command line (e.g. "virtio.poll=0 trace=exits")
#   --iso-only  build build/linux/linux.iso and stop (to boot it elsewhere, e.g. nested KVM)
set -uo pipefail
cd "$(dirname "$0")/.."
stream= timeout=600 iso_only=0 cpus=1 hv_options=
while [ $# -gt 0 ]; do
	case $1 in
	--stream) stream=--stream; shift ;;
	--iso-only) iso_only=1; shift ;;
	--cpus) cpus=$2; shift 2 ;;
	--hv) hv_options=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	*) break ;;
	esac
done
args=${*:-console=ttyS0 quiet cryptomgr.notests mitigations=off tsc=reliable no_timer_check nokaslr}
out=build/linux
tools/linux-guest.sh "$out" || exit 1
# The disk image's module string "disk.img virtio-blk" makes it a virtio block device's disk.
tools/mkiso.sh "$out/linux.iso" build/hv.elf mb2 "$hv_options" "$out/vmlinuz $args" "$out/initrd.img" "$out/disk.img virtio-blk" || exit 1
if [ "$iso_only" = 1 ]; then
	echo "run-linux: $out/linux.iso"
	exit 0
fi
tools/run-bochs.sh --iso "$out/linux.iso" --log "$out/serial.log" --megs 256 --cpus "$cpus" --timeout "$timeout" $stream
rc=$?
rm -f "$out/linux.iso"
exit $rc
