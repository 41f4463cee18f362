#!/usr/bin/env bash
# Fuzzes the x86 decoder + emulator + page walker (tests/decode/fuzz_decode.c, libFuzzer with
# ASan/UBSan) for a bounded time. Usage: tools/fuzz-decode.sh [seconds]   (default 60).
exec "$(dirname "$0")/fuzz-run.sh" fuzz_decode "${1:-60}"
