#!/usr/bin/env bash
# Emulator runs of the real image, judged by the serial log. Prints PASS/FAIL lines.
#   Bochs (VMX): self-test guest (v2 and v1 boot), VM-entry failure diagnosis (guest state and
#   controls), triple fault, HLT with IF=0, watchdog, exit tracing.
#   QEMU (no VMX): boot by -kernel and by ISO, the "VMX unavailable" path.
set -u
cd "$(dirname "$0")/../.."
out=build/test-emu
mkdir -p "$out"

pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; }
expect() { # expect NAME LOG PATTERN: the log has a line matching PATTERN (extended regex)
	if grep -aEq -- "$3" "$2"; then pass "$1"; else fail "$1: no line matching /$3/ in $2"; fi
}
refuse() { # refuse NAME LOG PATTERN: the log has no such line
	if grep -aEq -- "$3" "$2"; then fail "$1: unexpected /$3/ in $2"; else pass "$1"; fi
}

bochs_run() { # bochs_run NAME PROTO CMDLINE [MODULE...] -> log at $out/NAME.log, status in $rc
	local name=$1 proto=$2 cmdline=$3
	shift 3
	tools/mkiso.sh "$out/$name.iso" build/hv.elf "$proto" "$cmdline" "$@" || { fail "$name: ISO build"; rc=255; return; }
	set -- "$name"

	tools/run-bochs.sh --iso "$out/$1.iso" --log "$out/$1.log" --timeout 120 --cpus "${CPUS:-1}"
	rc=$?
	rm -f "$out/$1.iso"
}

# 1. The self-test guest, booted by multiboot2; every guest check becomes one PASS/FAIL line.
bochs_run selftest mb2 ""
log=$out/selftest.log
grep -a '^guest: \(PASS\|FAIL\) selftest' "$log" | sed 's/^guest: \(PASS\|FAIL\) selftest /\1 bochs selftest: /'
expect "bochs selftest reports 0 failed" "$log" '^guest: selftest: [0-9]+ passed, 0 failed'
expect "bochs guest lines are prefixed (a forged line stays the guest's)" "$log" '^guest: hv: shutdown status=0'
[ "$(grep -ac '^hv: shutdown status=' "$log")" = 1 ] && pass "bochs exactly one hypervisor shutdown line" ||
	fail "bochs exactly one hypervisor shutdown line: $(grep -ac '^hv: shutdown status=' "$log") found"
[ "$rc" = 0 ] && pass "bochs selftest shutdown status 0" || fail "bochs selftest shutdown status $rc"
expect "bochs boot parsed multiboot v2 and memory map" "$log" '^hv: multiboot v2 from "GRUB'
expect "bochs memory map printed" "$log" '^  0000000000100000-[0-9a-f]+ RAM'
expect "bochs hypervisor memory hidden from the guest" "$log" 'hypervisor pool \(page tables, VMCS, EPT\)'
expect "bochs exit statistics table" "$log" '^  VMCALL +[0-9]+ +[0-9]+ +[0-9]+'
refuse "bochs selftest no hypervisor exception" "$log" 'CPU exception in the hypervisor'
expect "bochs MMIO emulation statistics" "$log" '^hv: MMIO emulation: [1-9][0-9]* instructions emulated, [1-9][0-9]* by the MOV fast path, [1-9][0-9]* notify instructions recognised without decode, [1-9][0-9]* unsupported'
expect "bochs decode cache hit rate reported" "$log" '^hv:   decode cache hit rate [0-9]+% \([0-9]+ hits'
expect "bochs virtio: a driver's bad DMA address is logged, the device asks for a reset" "$log" '^hv: virtio-rng: the driver.s rings or buffers are malformed or outside guest RAM: DEVICE_NEEDS_RESET'
expect "bochs unsupported MMIO instruction logged" "$log" '^hv: cannot emulate the instruction at RIP 0x[0-9a-f]+ \(not a supported memory form\): a6( [0-9a-f]{2})*; #UD to the guest'

# 2. Multiboot v1 boot of the same image, with a module (hidden from the guest like all
#    hypervisor-owned memory).
head -c 100000 /dev/urandom >"$out/module.bin"
bochs_run selftest-mb1 mb1 "" "$out/module.bin"
log=$out/selftest-mb1.log
expect "bochs multiboot v1 boot" "$log" '^hv: multiboot v1 from "GRUB'
expect "bochs multiboot v1 module listed" "$log" '^  module 0: [0-9a-f]+-[0-9a-f]+ "module.bin"'
expect "bochs multiboot module hidden from the guest" "$log" '^  [0-9a-f]+-[0-9a-f]+ multiboot module'
expect "bochs multiboot v1 selftest passes" "$log" '^guest: selftest: [0-9]+ passed, 0 failed'

# 2b. A CPU exception inside the hypervisor: register dump, clean stop.
bochs_run hv-exception mb2 "fault=hv-exception"
log=$out/hv-exception.log
expect "bochs hypervisor exception named" "$log" '^hv: CPU exception in the hypervisor: vector 6 \(#UD invalid opcode\)'
expect "bochs hypervisor exception register dump" "$log" '^  rax=[0-9a-f]{16} rbx=[0-9a-f]{16}'
[ "$rc" = 3 ] && pass "bochs hypervisor exception: status 3" || fail "bochs hypervisor exception: status $rc"

# 2b'. A machine with two processors: the guest must see only the boot processor (it would
#      start the other one natively, outside VMX).
CPUS=2 bochs_run selftest-smp mb2 ""
log=$out/selftest-smp.log
expect "bochs 2 CPUs: the other processor hidden from the guest's MADT" "$log" '^hv: ACPI for the guest: MADT with the boot processor only \(APIC ID 0\), 1 other processor hidden'
expect "bochs 2 CPUs: the guest's MADT lists one processor" "$log" 'PASS selftest acpi: the MADT lists exactly one usable processor \(1\)'
expect "bochs 2 CPUs: the guest's INIT IPI to the other processor dropped, logged" "$log" '^hv: the guest sent an INIT IPI \(ICR 0x4500\): dropped'
expect "bochs 2 CPUs: the other processor never ran the guest's code" "$log" 'PASS selftest apic: INIT and start-up IPIs to another processor are dropped \(marker 0x0\)'
expect "bochs 2 CPUs: selftest passes" "$log" '^guest: selftest: [0-9]+ passed, 0 failed'

# 2c. pci.hide: a machine function the guest must not see (the IDE controller, 00:01.1).
bochs_run pci-hide mb2 "pci.hide=0:1.1"
log=$out/pci-hide.log
expect "bochs pci.hide logged" "$log" '^hv: pci 00:01.1 8086:7010 class [0-9a-f]+ \(hidden from the guest: pci.hide\)'
all=$(grep -aEo 'CF8/CFC and ECAM see the same [0-9]+ functions' "$out/selftest.log" | grep -Eo '[0-9]+')
expect "bochs pci.hide: the guest sees one function less than without it (${all:-?})" "$log" \
	"PASS selftest pci: CF8/CFC and ECAM see the same $((${all:-0} - 1)) functions"
expect "bochs pci.hide: selftest passes" "$log" '^guest: selftest: [0-9]+ passed, 0 failed'

# 3. VM-entry failure diagnosis, provoked on purpose.
bochs_run entry-guest-state mb2 "fault=vmentry-guest-state"
log=$out/entry-guest-state.log
expect "bochs bad guest state: exit reason named" "$log" 'VM entry failed: exit reason 33 \(VM-entry failure: invalid guest state\)'
expect "bochs bad guest state: guest-state fields printed" "$log" '^hv:   cs +sel=0x0008 .*ar=0x[0-9a-f]+'
[ "$rc" = 66 ] && pass "bochs bad guest state: status 66" || fail "bochs bad guest state: status $rc"
bochs_run entry-control mb2 "fault=vmentry-control"
log=$out/entry-control.log
expect "bochs bad control: VM-instruction error by name" "$log" 'VM-instruction error 7: VM entry with invalid control field\(s\)'
expect "bochs bad control: the offending bits named" "$log" "pin-based +0x[0-9a-f]+  bits 0x[0-9a-f]+ set but not allowed"
[ "$rc" = 66 ] && pass "bochs bad control: status 66" || fail "bochs bad control: status $rc"

# 4. Guest misbehaviour: triple fault (with exit tracing on), HLT with interrupts off, runaway guest.
bochs_run triplefault mb2 "selftest=triplefault trace=exits"
log=$out/triplefault.log
expect "bochs triple fault reported" "$log" '^hv: guest triple fault at RIP 0x[0-9a-f]+'
expect "bochs triple fault guest state dump" "$log" '^hv:   idtr=0x0/0x0|gdtr=.*idtr=0x0/0x0'
[ "$rc" = 64 ] && pass "bochs triple fault: status 64" || fail "bochs triple fault: status $rc"
expect "bochs trace=exits logs each exit" "$log" '^exit: VMCALL +rip=0x[0-9a-f]+ qual=0x0'
refuse "bochs triple fault: no hypervisor exception" "$log" 'CPU exception in the hypervisor'
bochs_run trace-mmio mb2 "selftest=mmio trace=exits,mmio"
log=$out/trace-mmio.log
expect "bochs trace=mmio logs a load with its device and value" "$log" '^mmio: rip 0x[0-9a-f]+ mov eax: read 4 bytes at 0xd0000000 \(scratch-mmio\+0x0\) -> 0x1234'
expect "bochs trace=mmio logs the notify store" "$log" '^mmio: rip 0x[0-9a-f]+ mov eax: write 4 bytes at 0xd0000004 \(scratch-mmio\+0x4\) <- 0x1235'
expect "bochs trace=mmio logs an instruction the general path emulates" "$log" '^mmio: rip 0x[0-9a-f]+ add at 0xd0000008: emulated'
expect "bochs selftest=mmio: the results" "$log" '^guest: mmio demo: scratch 0x1234 0x1235 0x567b'
expect "bochs trace=mmio logs a local-APIC write" "$log" '^mmio: rip 0x[0-9a-f]+ mov imm: write 4 bytes at 0xfee000b0 \(lapic-guard\+0xb0\) <- 0x0'
expect "bochs trace=exits,mmio: both traces" "$log" '^exit: EPT misconfiguration +rip=0x[0-9a-f]+'
[ "$rc" = 0 ] && pass "bochs trace=mmio: status 0" || fail "bochs trace=mmio: status $rc"
bochs_run reset-cf9 mb2 "selftest=reset-cf9"
expect "bochs guest reset by port 0xCF9 stopped, the machine not reset" "$out/reset-cf9.log" '^hv: the guest reset the machine \(port 0xCF9\); stopping it'
[ "$rc" = 70 ] && pass "bochs reset by 0xCF9: status 70" || fail "bochs reset by 0xCF9: status $rc"
bochs_run reset-kbc mb2 "selftest=reset-kbc"
expect "bochs guest reset by the keyboard controller stopped" "$out/reset-kbc.log" '^hv: the guest reset the machine \(keyboard controller command 0xFE\)'
[ "$rc" = 70 ] && pass "bochs reset by the keyboard controller: status 70" || fail "bochs reset by the keyboard controller: status $rc"
bochs_run halt mb2 "selftest=halt"
expect "bochs HLT with IF=0 reported" "$out/halt.log" 'HLT with interrupts disabled at RIP'
[ "$rc" = 65 ] && pass "bochs halt: status 65" || fail "bochs halt: status $rc"
bochs_run watchdog mb2 "selftest=spin watchdog=5"
expect "bochs watchdog stops a runaway guest" "$out/watchdog.log" '^hv: watchdog: the guest used its 5000000 TSC ticks'
[ "$rc" = 68 ] && pass "bochs watchdog: status 68" || fail "bochs watchdog: status $rc"

# 5. QEMU TCG: no VMX. Boots by -kernel (multiboot v1, ELF32) and by ISO (multiboot v2).
tools/run-qemu.sh --kernel build/hv32.elf --append "trace=exits" --log "$out/qemu-kernel.log" --timeout 60
rc=$?
log=$out/qemu-kernel.log
expect "qemu -kernel boots (multiboot v1)" "$log" '^hv: multiboot v1 from "qemu'
expect "qemu -kernel command line passed" "$log" 'command line ".*trace=exits"'
expect "qemu VMX unavailable, one clear line" "$log" '^hv: VMX unavailable: CPUID.1:ECX.VMX\[bit 5\] = 0'
refuse "qemu VMX unavailable: no exception dump" "$log" 'CPU exception'
[ "$rc" = 1 ] && pass "qemu -kernel: status 1" || fail "qemu -kernel: status $rc"
tools/run-qemu.sh --iso build/hv.iso --log "$out/qemu-iso.log" --timeout 60
rc=$?
expect "qemu ISO boots (multiboot v2)" "$out/qemu-iso.log" '^hv: multiboot v2 from "GRUB'
expect "qemu ISO: VMX unavailable" "$out/qemu-iso.log" '^hv: VMX unavailable:'
[ "$rc" = 1 ] && pass "qemu ISO: status 1" || fail "qemu ISO: status $rc"
exit 0
