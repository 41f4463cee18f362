#!/usr/bin/env bash
# Exact per-function profile of single exits, from Bochs's instruction trace.
#
# The self-test guest in profile mode (selftest=profile, guest/selftest/bench.c) runs each
# benchmarked operation once more after a warm-up, between two magic breakpoints (xchg bx,bx).
# Bochs's debugger turns tracing on at the first and off at the second, so the trace holds
# exactly the instructions that operation cost: the guest's instruction plus the hypervisor's
# exit path. Each traced address is attributed to its function in build/hv.elf.
#
# Usage: tools/profile-exit.sh [OPERATION...]   (default: all; see run_profile for the names)
# Prints, per operation, the total and the instructions per function, most first.
set -u
cd "$(dirname "$0")/.."
out=build/profile
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tools/mkiso.sh "$work/p.iso" build/hv.elf mb2 "selftest=profile" || exit 1
cat >"$work/bochsrc" <<RC
megs: 64
cpu: model=corei7_skylake_x, count=1, ips=50000000, reset_on_triple_fault=0, ignore_bad_msrs=1
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$work/p.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$out/serial.log
port_e9_hack: enabled=1
clock: sync=none, time0=946684800
magic_break: enabled=1
display_library: term
panic: action=fatal
log: $work/bochs.log
speaker: enabled=0
mouse: enabled=0
RC
{
	echo continue
	for _ in $(seq 1 12); do printf 'trace on\ncontinue\ntrace off\ncontinue\n'; done
	echo quit
} >"$work/rc"
timeout 120 setsid script -qfec "bochs -q -f $work/bochsrc -rc $work/rc" /dev/null >"$out/trace.out" 2>&1 </dev/null
grep -aq '^hv: shutdown status=0' "$out/serial.log" || { echo "profile-exit: the profile guest did not finish (see $out/)"; exit 1; }
nm -n build/hv.elf | awk '$2 ~ /^[tT]$/ { print $1, $3 }' >"$work/syms"

# Pass 1 (awk, POSIX): "operation function" per traced instruction; pass 2: counts per function.
tr -d '\r' <"$out/trace.out" | awk -v symfile="$work/syms" '
function hex(s,   i, v) { v = 0; s = tolower(s); for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
BEGIN { while ((getline line < symfile) > 0) { split(line, f, " "); addr[n] = hex(f[1]); name[n++] = f[2] } }
function func_of(a,   lo, hi, mid) {
	if (a < addr[0] || a >= 8388608) return "(guest)"
	lo = 0; hi = n - 1
	while (lo < hi) { mid = int((lo + hi + 1) / 2); if (addr[mid] <= a) lo = mid; else hi = mid - 1 }
	return name[lo]
}
/^guest: profile: / { op = $3; breaks = 0; next }
/Magic breakpoint/ { breaks++; next }
/^\(0\)\.\[[0-9]+\] \[0x/ {
	if (op == "" || breaks != 1 || ($1 in seen)) next
	seen[$1] = 1
	print op, func_of(hex(substr($2, 4, length($2) - 4)))
}' >"$work/attributed"
for op in $(awk '{print $1}' "$work/attributed" | uniq); do
	[ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$op" && continue
	echo "$op: $(grep -c "^$op " "$work/attributed") instructions"
	grep "^$op " "$work/attributed" | awk '{print $2}' | sort | uniq -c | sort -rn | awk '{ printf "  %6d  %s\n", $1, $2 }'
done
