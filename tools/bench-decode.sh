#!/usr/bin/env bash
# Instructions per decode on a 68-instruction MMIO mix (tests/decode/mmio_mix.h): this decoder
# (decode/decode.c) against Zydis 4 DecodeFull and Zydis minimal mode, counted by callgrind
# inside the decode function only (--toggle-collect). Running N and 2N passes over the mix and
# taking the difference removes the fixed cost (the harness's one-off length check).
# Prints a table and:  bench: decode_ours = <n> instructions
#                      bench: decode_zydis_full = <n> instructions
#                      bench: decode_zydis_min = <n> instructions
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/host/bench_decode
MIX=68 # instructions in the mix; bench_decode checks every length against all three decoders
per_decode() { tools/callgrind-per-op.sh build/host/bench_decode "$1" "$2" "$3" "$MIX"; }
ours=$(per_decode ours x86_decode 2000)
full=$(per_decode zydis_full ZydisDecoderDecodeFull 300)
min=$(per_decode zydis_min ZydisDecoderDecodeInstruction 300)
ratio() { awk -v a="$1" -v b="$ours" 'BEGIN { printf "%.1fx", a / b }'; }
printf '%-44s %14s %8s\n' "decoder (${MIX}-instruction MMIO mix)" "instr/decode" "vs ours"
printf '%-44s %14s %8s\n' "ours: x86_decode (decode/decode.c)" "$ours" "1.0x"
printf '%-44s %14s %8s\n' "Zydis 4 ZydisDecoderDecodeFull" "$full" "$(ratio "$full")"
printf '%-44s %14s %8s\n' "Zydis 4 minimal mode, DecodeInstruction" "$min" "$(ratio "$min")"
echo "bench: decode_ours = $ours instructions"
echo "bench: decode_zydis_full = $full instructions"
echo "bench: decode_zydis_min = $min instructions"
