#!/usr/bin/env bash
# Fuzzes the virtio devices behind the virtio PCI transport (tests/devices/fuzz_virtio.c,
# libFuzzer with ASan/UBSan) for a bounded time. Usage: tools/fuzz-virtio.sh [seconds] (default 60).
exec "$(dirname "$0")/fuzz-run.sh" fuzz_virtio "${1:-60}" 8192
