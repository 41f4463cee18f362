#!/usr/bin/env bash
# Prepares a Linux guest in build/linux/: Debian's cloud kernel (vmlinuz) and a busybox
# initramfs (initrd.img) whose /init prints what it finds, then powers the machine off.
# The packages are fetched with apt-get download (never installed) and cached.
# Usage: tools/linux-guest.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/linux}
mkdir -p "$out/pkg"
if [ ! -f "$out/vmlinuz" ]; then
	kernel_pkg() { apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'; }
	kpkg=$(kernel_pkg)
	if [ -z "$kpkg" ] && [ "$(id -u)" = 0 ]; then
		apt-get update -q >/dev/null 2>&1
		kpkg=$(kernel_pkg)
	fi
	[ -n "$kpkg" ] || { echo "linux-guest: no linux-image-cloud-amd64 in the package lists (apt-get update?)" >&2; exit 1; }
	(cd "$out/pkg" && apt-get download -q "$kpkg" >/dev/null 2>&1) || { echo "linux-guest: cannot download $kpkg" >&2; exit 1; }
	rm -rf "$out/kernel" && dpkg-deb -x "$out"/pkg/linux-image-*.deb "$out/kernel"
	cp "$out"/kernel/boot/vmlinuz-* "$out/vmlinuz"
fi
if [ ! -f "$out/initrd.img" ] || [ tools/linux-guest.sh -nt "$out/initrd.img" ]; then
	if [ ! -x "$out/busybox/bin/busybox" ]; then
		(cd "$out/pkg" && apt-get download -q busybox-static >/dev/null 2>&1) || { echo "linux-guest: cannot download busybox-static" >&2; exit 1; }
		rm -rf "$out/busybox" && dpkg-deb -x "$out"/pkg/busybox-static_*.deb "$out/busybox"
	fi
	root=$(mktemp -d)
	trap 'rm -rf "$root"' EXIT
	mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/lib/modules"
	cp "$out/busybox/bin/busybox" "$root/bin/busybox"
	# The virtio drivers are modules in Debian's kernel (loaded by /init in this order).
	for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio-rng virtio_blk \
		virtio_console failover net_failover virtio_net; do
		find "$out"/kernel/lib/modules -name "$m.ko" -exec cp {} "$root/lib/modules/" \;
	done
	cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
echo "minihv-linux: init running on $(uname -sr)"
echo "minihv-linux: $(grep -c ^processor /proc/cpuinfo) CPU, $(grep MemTotal /proc/meminfo)"
echo "minihv-linux: hypervisor: $(grep -o ' hypervisor' /proc/cpuinfo | head -n 1)"
echo "minihv-linux: PCI devices: $(ls /sys/bus/pci/devices | tr '\n' ' ')"
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio-rng virtio_blk \
	virtio_console failover net_failover virtio_net; do
	insmod /lib/modules/$m.ko || echo "minihv-linux: insmod $m failed"
done
echo "minihv-linux: virtio devices: $(ls /sys/bus/virtio/devices 2>/dev/null | tr '\n' ' ')"
echo "minihv-linux: hwrng: $(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)"
echo "minihv-linux: random bytes: $(dd if=/dev/hwrng bs=16 count=2 2>/dev/null | od -An -tx1 | tr -d ' \n')"
echo "minihv-linux: interrupts: $(grep -i virtio /proc/interrupts | tr -s ' ' | tr '\n' ';')"
if [ -b /dev/vda ]; then
	echo "minihv-linux: vda: $(cat /sys/block/vda/size) sectors"
	echo "minihv-linux: vda sector 0: $(dd if=/dev/vda bs=512 count=1 2>/dev/null | tr -d '\000')"
	echo "written by linux through virtio-blk" | dd of=/dev/vda bs=512 seek=1 conv=sync 2>/dev/null
	sync
	echo 3 >/proc/sys/vm/drop_caches
	echo "minihv-linux: vda sector 1: $(dd if=/dev/vda bs=512 skip=1 count=1 2>/dev/null | tr -d '\000')"
	# A bulk transfer: the whole disk in 256 direct 4 KiB reads (the hypervisor polls the busy
	# queue, so these should need almost no notifications).
	dd if=/dev/vda of=/dev/null bs=4k count=256 iflag=direct 2>/dev/null &&
		echo "minihv-linux: vda bulk read: 256 direct 4 KiB reads"
	# A filesystem on it: many requests of every size, through the page cache and back.
	mkdir -p /mnt
	if mke2fs -q -F /dev/vda >/dev/null 2>&1 && mount -t ext2 /dev/vda /mnt; then
		echo "a file on ext2 on virtio-blk" >/mnt/hello.txt
		umount /mnt
		mount -t ext2 /dev/vda /mnt && echo "minihv-linux: ext2 on vda: $(cat /mnt/hello.txt)" && umount /mnt
	fi
fi
if [ -d /sys/class/net/eth0 ]; then
	ip link set lo up
	ip link set eth0 up
	ip addr add 10.0.2.15/24 dev eth0
	echo "minihv-linux: ping: $(ping -c 3 -W 2 10.0.2.2 2>&1 | grep 'packets transmitted')"
	echo "minihv-linux: eth0: $(cat /sys/class/net/eth0/address) $(cat /sys/class/net/eth0/operstate)" # after linkwatch ran
fi
# The hypervisor's log shares the serial port with this console: let it drain first.
sleep 1
[ -c /dev/hvc0 ] && echo "hello from linux through virtio-console" >/dev/hvc0
echo "minihv-linux: done"
sleep 1
poweroff -f
INIT
	chmod +x "$root/init"
	(cd "$root" && find . | "$OLDPWD/$out/busybox/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -9) >"$out/initrd.img"
fi
if [ ! -f "$out/disk.img" ] || [ tools/linux-guest.sh -nt "$out/disk.img" ]; then
	printf 'minihv test disk, sector 0' | dd of="$out/disk.img" bs=1M count=1 conv=sync 2>/dev/null
fi
echo "linux-guest: $out/vmlinuz ($(du -k "$out/vmlinuz" | cut -f1) KiB), $out/initrd.img ($(du -k "$out/initrd.img" | cut -f1) KiB)"
