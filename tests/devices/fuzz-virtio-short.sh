#!/usr/bin/env bash
# make test entry: a short (20 s) run of the virtio fuzzer; prints a PASS/FAIL line.
exec "$(dirname "$0")/../../tools/fuzz-virtio.sh" 20
