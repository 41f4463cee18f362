#!/usr/bin/env bash
# Boots an ISO under Bochs headless with a timeout; the serial console (COM1) goes to LOG.
# The verdict is the log's last "hv: shutdown status=N" line: the script exits with N, or 124 on
# timeout / 125 when the hypervisor never reported a status. Never leaves Bochs running.
# Usage: tools/run-bochs.sh --iso FILE --log FILE [--timeout SECONDS] [--megs N] [--cpus N] [--stream]
set -uo pipefail
iso= log= timeout=120 megs=64 stream=0 cpus=1
while [ $# -gt 0 ]; do
	case $1 in
	--iso) iso=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--megs) megs=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--stream) stream=1; shift ;;
	*) echo "run-bochs.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -f "$iso" ] || { echo "run-bochs.sh: no ISO $iso" >&2; exit 2; }
mkdir -p "$(dirname "$log")"
work=$(mktemp -d)
: >"$log"
cat >"$work/bochsrc" <<RC
megs: $megs
cpu: model=corei7_skylake_x, count=$cpus, ips=50000000, reset_on_triple_fault=0, ignore_bad_msrs=1
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$(realpath "$iso"), status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$(realpath "$log")
port_e9_hack: enabled=1
clock: sync=none, time0=946684800
magic_break: enabled=1
display_library: term
panic: action=fatal
error: action=report
log: $work/bochs.log
speaker: enabled=0
mouse: enabled=0
RC
printf 'continue\nquit\n' >"$work/debugger.rc"

streamer=
if [ "$stream" = 1 ]; then
	tail -n +1 -f "$log" &
	streamer=$!
fi
# Bochs's term display needs a terminal: script(1) gives it a pty. setsid puts it in its own
# process group so the timeout can end all of it.
setsid script -qfec "bochs -q -f $work/bochsrc -rc $work/debugger.rc" /dev/null >"$work/term.out" 2>&1 </dev/null &
pid=$!
deadline=$((SECONDS + timeout))
status=
while kill -0 "$pid" 2>/dev/null; do
	if grep -q '^hv: shutdown status=' "$log" 2>/dev/null; then
		sleep 1 # let Bochs finish on its own (magic breakpoint / shutdown port)
		break
	fi
	if [ $SECONDS -ge $deadline ]; then
		status=124
		echo "run-bochs.sh: timeout after ${timeout}s" >&2
		break
	fi
	sleep 0.5
done
kill -TERM -- -"$pid" 2>/dev/null
sleep 0.2
kill -KILL -- -"$pid" 2>/dev/null
wait "$pid" 2>/dev/null
[ -n "$streamer" ] && { sleep 0.3; kill "$streamer" 2>/dev/null; wait "$streamer" 2>/dev/null; }
cp "$work/bochs.log" "${log%.log}.bochs.log" 2>/dev/null
rm -rf "$work"
if [ -z "$status" ]; then
	line=$(grep -a '^hv: shutdown status=' "$log" | tail -n 1 | tr -d '\r')
	if [ -n "$line" ]; then status=${line#hv: shutdown status=}; else status=125; fi
fi
exit "$status"
