#!/usr/bin/env bash
# Boots the hypervisor under QEMU (TCG: no VMX) with a timeout, serial console to LOG.
# Exit status: the log's "hv: shutdown status=N", 124 on timeout, 125 if no status line.
# Usage: tools/run-qemu.sh (--kernel ELF32 [--append "ARGS"] | --iso FILE) --log FILE [--timeout S]
set -uo pipefail
kernel= iso= append= log= timeout=60
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--iso) iso=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	*) echo "run-qemu.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
mkdir -p "$(dirname "$log")"
: >"$log"
boot=()
if [ -n "$kernel" ]; then boot=(-kernel "$kernel" -append "$append"); else boot=(-cdrom "$iso" -boot d); fi
timeout --kill-after=5 "$timeout" qemu-system-x86_64 -m 128 -display none -no-reboot -monitor none \
	-serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${boot[@]}" </dev/null >/dev/null 2>&1
rc=$?
[ $rc -eq 124 ] && { echo "run-qemu.sh: timeout after ${timeout}s" >&2; exit 124; }
line=$(grep -a '^hv: shutdown status=' "$log" | tail -n 1 | tr -d '\r')
[ -n "$line" ] || exit 125
exit "${line#hv: shutdown status=}"
