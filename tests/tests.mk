# Emulator scenarios (Bochs with VMX, QEMU without), judged by the serial log.
TEST_SCRIPTS += tests/emu/scenarios.sh tests/emu/linux.sh
BENCH_SCRIPTS += tools/bench-exits.sh
