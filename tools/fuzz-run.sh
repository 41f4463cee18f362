#!/usr/bin/env bash
# Runs a libFuzzer target (ASan/UBSan) for a bounded time and fails on any crash, sanitizer
# report or trap. Prints one PASS/FAIL line.
# Usage: tools/fuzz-run.sh NAME [seconds] [max_len]   (build/host/NAME, default 60 s, 4096 bytes)
# Needs clang and libclang-rt-14-dev (Debian).
set -u
cd "$(dirname "$0")/.."
name=$1 secs=${2:-60} max_len=${3:-4096}
bin=build/host/$name
corpus=build/fuzz/$name-corpus
log=build/fuzz/$name.log
mkdir -p "$corpus" build/fuzz
if ! make -s "$bin" >"build/fuzz/$name-build.log" 2>&1; then
	echo "FAIL $name: build failed (see build/fuzz/$name-build.log)"
	exit 1
fi
# -rss_limit_mb keeps a leak from taking the machine; artifacts go next to the log.
"$bin" -max_total_time="$secs" -max_len="$max_len" -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="build/fuzz/$name-" "$corpus" >"$log" 2>&1
rc=$?
runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | grep -Eo '[0-9]+' | tail -1)
if [ "$rc" -ne 0 ] || [ -z "$runs" ]; then
	echo "FAIL $name: exit status $rc after ${secs}s (see $log; crash input in build/fuzz/$name-*)"
	grep -m3 -E 'ERROR|SUMMARY|runtime error' "$log" | sed 's/^/  /'
	exit 1
fi
echo "PASS $name: $runs inputs in ${secs}s, no crash ($(ls "$corpus" | wc -l) corpus entries)"
