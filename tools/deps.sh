#!/usr/bin/env bash
# Installs the Debian packages the build, runs and tests need, if any are missing.
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have gcc || need+=(gcc)
have make || need+=(make)
have ld || need+=(binutils)
have bochs || need+=(bochs bochsbios vgabios bochs-term)
[ -f /usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so ] || need+=(bochs-term)
[ -f /usr/share/vgabios/vgabios.bin ] || need+=(vgabios)
[ -f /usr/share/bochs/BIOS-bochs-latest ] || need+=(bochsbios)
have qemu-system-x86_64 || need+=(qemu-system-x86)
have grub-mkrescue || need+=(grub-common)
[ -d /usr/lib/grub/i386-pc ] || need+=(grub-pc-bin)
have xorriso || need+=(xorriso)
have mformat || need+=(mtools)
have script || need+=(bsdutils)
have valgrind || need+=(valgrind)
have clang || need+=(clang)
[ -f /usr/include/Zydis/Zydis.h ] || need+=(libzydis-dev libzycore-dev)
dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || need+=(libclang-rt-14-dev)
[ ${#need[@]} -eq 0 ] && exit 0
echo "deps: installing ${need[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "deps: not root; install these packages: ${need[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
