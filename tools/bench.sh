#!/usr/bin/env bash
# Runs every benchmark script; each prints a table and "bench: <name> = <n> <unit>" lines.
set -u
status=0
for s in "$@"; do
	echo "== $s"
	timeout --kill-after=10 1800 "$s" || { echo "bench: $s failed"; status=1; }
done
exit $status
