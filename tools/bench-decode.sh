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
command -v valgrind >/dev/null || { echo "bench-decode: valgrind not installed" >&2; exit 1; }
make -s build/host/bench_decode
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
MIX=68 # instructions in the mix; bench_decode checks every length against all three decoders

# Instructions counted inside function $2 for $3 passes over the mix with decoder $1.
count() {
	local file="$out/cg.$1.$3"
	valgrind --tool=callgrind --callgrind-out-file="$file" --toggle-collect="$2" \
		build/host/bench_decode "$1" "$3" >/dev/null 2>"$out/log" ||
		{ echo "bench-decode: $1 run failed" >&2; cat "$out/log" >&2; exit 1; }
	awk '/^(summary|totals):/ { print $2; exit }' "$file"
}

# Instructions per decode, rounded: (count(2N) - count(N)) / (N * MIX).
per_decode() {
	local n=$3 one two
	one=$(count "$1" "$2" "$n")
	two=$(count "$1" "$2" $((2 * n)))
	echo $(((two - one + n * MIX / 2) / (n * MIX)))
}

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
