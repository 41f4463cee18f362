#!/usr/bin/env bash
# Builds a GRUB (BIOS) ISO that boots the hypervisor.
# Usage: tools/mkiso.sh OUT.iso HV.elf mb1|mb2 "COMMAND LINE" [MODULE...]
# A MODULE is a file, optionally followed by a space and its own arguments ("vmlinuz console=ttyS0"):
# the module string is the file's name and those arguments.
set -euo pipefail
out=$1 elf=$2 proto=$3 cmdline=$4
shift 4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$elf" "$dir/boot/hv.elf"
cmd=multiboot2; mod=module2
[ "$proto" = mb1 ] && { cmd=multiboot; mod=module; }
{
	echo "set timeout=0"
	echo "set default=0"
	echo "serial --unit=0 --speed=115200"
	echo "terminal_output serial"
	echo "menuentry minihv {"
	echo "  $cmd /boot/hv.elf $cmdline"
	for m in "$@"; do
		file=${m%% *} args=
		[ "$file" != "$m" ] && args=" ${m#* }"
		cp "$file" "$dir/boot/$(basename "$file")"
		echo "  $mod /boot/$(basename "$file") $(basename "$file")$args"
	done
	echo "  boot"
	echo "}"
} >"$dir/boot/grub/grub.cfg"
mkdir -p "$(dirname "$out")"
grub-mkrescue -o "$out" "$dir" >/dev/null 2>&1 || { echo "grub-mkrescue failed" >&2; exit 1; }
