#!/usr/bin/env bash
# Fuzzes the x86 decoder + emulator + page walker (tests/decode/fuzz_decode.c, libFuzzer with
# ASan/UBSan) for a bounded time and fails on any crash, sanitizer report or trap.
# Usage: tools/fuzz-decode.sh [seconds]   (default 60). Prints one PASS/FAIL line.
# Needs clang and libclang-rt-14-dev (Debian).
set -u
cd "$(dirname "$0")/.."
secs=${1:-60}
bin=build/host/fuzz_decode
corpus=build/fuzz/decode-corpus
log=build/fuzz/decode.log
mkdir -p "$corpus" build/fuzz
if ! make -s "$bin" >build/fuzz/decode-build.log 2>&1; then
	echo "FAIL fuzz_decode: build failed (see build/fuzz/decode-build.log)"
	exit 1
fi
# -rss_limit_mb keeps a leak from taking the machine; artifacts go next to the log.
"$bin" -max_total_time="$secs" -max_len=4096 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix=build/fuzz/decode- "$corpus" >"$log" 2>&1
rc=$?
runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | grep -Eo '[0-9]+' | tail -1)
if [ "$rc" -ne 0 ] || [ -z "$runs" ]; then
	echo "FAIL fuzz_decode: exit status $rc after ${secs}s (see $log; crash input in build/fuzz/decode-*)"
	grep -m3 -E 'ERROR|SUMMARY|runtime error' "$log" | sed 's/^/  /'
	exit 1
fi
echo "PASS fuzz_decode: $runs inputs in ${secs}s, no crash ($(ls "$corpus" | wc -l) corpus entries)"
