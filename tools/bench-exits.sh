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
printf '%-16s %12s %12s\n' "exit round trip" "raw cycles" "net cycles"
lines=()
while read -r name value; do
	[ "$name" = loop_overhead ] && continue
	net=$((value - overhead))
	printf '%-16s %12d %12d\n' "$name" "$value" "$net"
	lines+=("bench: $name = $net cycles")
done < <(grep -a '^guest: bench: ' "$out/exits.log" | awk '{print $3, $5}')
printf '%s\n' "${lines[@]}"
