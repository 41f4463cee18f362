#!/usr/bin/env bash
# Runs host test programs, then test scripts (emulator runs), each under a timeout.
# Every program prints one line per check: "PASS <name>" or "FAIL <name>: <why>".
# A program that exits non-zero without printing a FAIL line counts as one failure.
# Usage: tools/test.sh HOST_TEST... -- SCRIPT...
set -u
passed=0 failed=0
mkdir -p build/test-logs
run_one() {
	local what=$1 limit=$2 log out rc p f
	log="build/test-logs/$(basename "$what").log"
	timeout --kill-after=10 "$limit" "$what" >"$log" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL)' "$log" | sed 's/^/  /'
	p=$(grep -c '^PASS' "$log")
	f=$(grep -c '^FAIL' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		[ "$rc" -eq 124 ] && echo "  FAIL $what: timed out after ${limit}s" || echo "  FAIL $what: exit status $rc (see $log)"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	echo "$what: $p passed, $f failed"
}
mode=host
for arg in "$@"; do
	if [ "$arg" = "--" ]; then mode=script; continue; fi
	if [ "$mode" = host ]; then run_one "$arg" 600; else run_one "$arg" 1200; fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
