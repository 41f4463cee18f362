#!/usr/bin/env bash
# Instructions per range lookup in a table of 1 500 ranges: binary search (devices/range.c)
# against a linear scan. Callgrind counts only instructions inside the lookup function
# (--toggle-collect); running N and 2N lookups and taking the difference removes setup cost.
# Prints:  bench: dispatch_lookup_1500 = <n> instructions
#          bench: dispatch_linear_1500 = <n> instructions
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/host/bench_dispatch
binary=$(tools/callgrind-per-op.sh build/host/bench_dispatch binary range_lookup 20000)
linear=$(tools/callgrind-per-op.sh build/host/bench_dispatch linear linear_lookup 4000)
printf '%-34s %12s\n' "range lookup, 1500 ranges" "instructions"
printf '%-34s %12s\n' "binary search (devices/range.c)" "$binary"
printf '%-34s %12s\n' "linear scan" "$linear"
echo "bench: dispatch_lookup_1500 = $binary instructions"
echo "bench: dispatch_linear_1500 = $linear instructions"
