#!/usr/bin/env bash
# Deterministic cost of one operation: runs PROGRAM MODE N and PROGRAM MODE 2N under callgrind,
# counting only instructions inside FUNCTION (--toggle-collect), and prints
# (count(2N) - count(N)) / (N * OPS), rounded: the fixed setup cost cancels out.
# Usage: tools/callgrind-per-op.sh PROGRAM MODE FUNCTION N [OPS per unit of N, default 1]
set -euo pipefail
prog=$1 mode=$2 func=$3 n=$4 ops=${5:-1}
command -v valgrind >/dev/null || { echo "callgrind-per-op: valgrind not installed" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count() {
	valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1" --toggle-collect="$func" \
		"$prog" "$mode" "$1" >/dev/null 2>"$out/log" ||
		{ echo "callgrind-per-op: $prog $mode $1 failed" >&2; cat "$out/log" >&2; exit 1; }
	awk '/^(summary|totals):/ { print $2; exit }' "$out/cg.$1"
}
one=$(count "$n")
two=$(count $((2 * n)))
echo $(((two - one + n * ops / 2) / (n * ops)))
