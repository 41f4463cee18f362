#!/usr/bin/env bash
# Exit round-trip costs under Bochs: the self-test guest in bench mode times each exit kind with
# RDTSC. Under Bochs the TSC counts instructions and VM exit/entry add nothing, so the figures are
# exact, repeatable counts of the hypervisor's software path (plus the exiting instruction).
# The guest's empty-loop cost is subtracted.
set -u
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
tools/mkiso.sh "$out/bench.iso" build/hv.elf mb2 "selftest=bench"
tools/run-bochs.sh --iso "$out/bench.iso" --log "$out/exits.log" --timeout 300
rc=$?
rm -f "$out/bench.iso"
[ $rc -eq 0 ] || { echo "bench-exits: the bench guest did not finish cleanly (status $rc, see $out/exits.log)"; exit 1; }
overhead=$(grep -a '^guest: bench: loop_overhead = ' "$out/exits.log" | awk '{print $5}')
printf '%-20s %12s %12s\n' "operation" "raw cycles" "net cycles"
lines=()
while read -r name value; do
	[ "$name" = loop_overhead ] && continue
	net=$((value - overhead))
	case $name in bus_scan_*|bar_size_*) net=$value ;; esac # whole operations: overhead negligible
	case $name in mmio_decode|mmio_miss) value=$((value / 256)); net=$value ;; esac # 256 loads per round
	printf '%-20s %12d %12d\n' "$name" "$value" "$net"
	lines+=("bench: $name = $net cycles")
done < <(grep -a '^guest: bench: ' "$out/exits.log" | awk '{print $3, $5}')
printf '%s\n' "${lines[@]}"
value_of() { printf '%s\n' "${lines[@]}" | awk -v n="$1" '$2 == n {print $4}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
echo "ratio: mmio_decode / pio_in = $(ratio "$(value_of mmio_decode)" "$(value_of pio_in)")x, mmio_miss / pio_in = $(ratio "$(value_of mmio_miss)" "$(value_of pio_in)")x, mmio_cached / pio_in = $(ratio "$(value_of mmio_cached)" "$(value_of pio_in)")x, mmio_fastpath / pio_out = $(ratio "$(value_of mmio_fastpath)" "$(value_of pio_out)")x"
grep -a '^hv:.*\(MMIO emulation\|hit rate\)' "$out/exits.log" | tr -d '\r'
echo "ratio: cfg_read_cf8 / cfg_read_ecam = $(ratio "$(value_of cfg_read_cf8)" "$(value_of cfg_read_ecam)")x"
echo "ratio: bus_scan_cf8 / bus_scan_ecam = $(ratio "$(value_of bus_scan_cf8)" "$(value_of bus_scan_ecam)")x"
echo "ratio: bar_size_pio / bar_size_hypercall = $(ratio "$(value_of bar_size_pio)" "$(value_of bar_size_hypercall)")x"
