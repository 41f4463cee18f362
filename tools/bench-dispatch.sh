#!/usr/bin/env bash
# Instructions per range lookup in a table of 1 500 ranges: binary search (devices/range.c)
# against a linear scan. Callgrind counts only instructions inside the lookup function
# (--toggle-collect); running N and 2N lookups and taking the difference removes setup cost.
# Prints:  bench: dispatch_lookup_1500 = <n> instructions
#          bench: dispatch_linear_1500 = <n> instructions
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "bench-dispatch: valgrind not installed" >&2; exit 1; }
make -s build/host/bench_dispatch
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Instructions counted inside function $2 for $3 lookups in mode $1.
count() {
	local file="$out/cg.$1.$3"
	valgrind --tool=callgrind --callgrind-out-file="$file" --toggle-collect="$2" \
		build/host/bench_dispatch "$1" "$3" >/dev/null 2>"$out/log" ||
		{ echo "bench-dispatch: $1 run failed" >&2; cat "$out/log" >&2; exit 1; }
	awk '/^(summary|totals):/ { print $2; exit }' "$file"
}

per_lookup() {
	local n=$3 one two
	one=$(count "$1" "$2" "$n")
	two=$(count "$1" "$2" $((2 * n)))
	echo $(((two - one + n / 2) / n))
}

binary=$(per_lookup binary range_lookup 20000)
linear=$(per_lookup linear linear_lookup 4000)
printf '%-34s %12s\n' "range lookup, 1500 ranges" "instructions"
printf '%-34s %12s\n' "binary search (devices/range.c)" "$binary"
printf '%-34s %12s\n' "linear scan" "$linear"
echo "bench: dispatch_lookup_1500 = $binary instructions"
echo "bench: dispatch_linear_1500 = $linear instructions"
