#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make faultinject: boots the debug kernel's lane (tools/vm/test.sh
# --faultinject) once per lane and runs the transaction, sg, fd and freeze
# selftests with every k-th slab and page allocation of their processes
# failing (failslab, fail_page_alloc, task-filter), for each k of KS.
# The selftests' results are not the verdict; a finding is a kernel report
# on the console (besides the injected failures' own stacks), a hang (a
# hung task, or a test's process still running a watchdog's time after
# it), a test process killed by SIGSEGV, SIGBUS, SIGILL or SIGFPE, object
# counts not back to zero, rmmod failing, a kmemleak report, or a driver
# message that says its state went wrong (bad object/node/handle, an fd
# left open, an unexpected reply error).  Prints, per k and in total, the
# failures injected, those with binder_linux on the stack and the distinct
# failure points (the innermost binder_linux frame of each stack).
#
#   run.sh [--ks "5 13 31"] [--lanes "ours reference"]
#          [--tests "binder_txn*_test binder_sg*_test ..."] [--watchdog 60]
#
# Exits non-zero on any finding.  Logs: build/faultinject/debug/<lane>/
# {console.log,results.txt,faultinject.txt}
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/faultinject
ks="5 13 31"
lanes="ours reference"
tests='binder_txn*_test binder_sg*_test binder_fd*_test binder_freeze*_test'
watchdog=60

while [ $# -gt 0 ]; do
	case $1 in
	--ks) ks=$2; shift 2 ;;
	--lanes) lanes=$2; shift 2 ;;
	--tests) tests=$2; shift 2 ;;
	--watchdog) watchdog=$2; shift 2 ;;
	*) echo "usage: $0 [--ks LIST] [--lanes LIST] [--tests GLOBS] [--watchdog N]" >&2
	   exit 2 ;;
	esac
done

# what a driver says when its own state went wrong, never for an ENOMEM
BAD_LOG='binder_linux: .*(bad object|bad node|bad handle|bad fd array|left open|unexpected reply error|invalid inc)'

echo "faultinject: k in $ks, lanes $lanes, tests $tests"
rc=0
start=$(date +%s)
"$top/tools/vm/test.sh" --kernels debug --lanes "$lanes" --tests "$tests" \
	--faultinject "$ks" --watchdog "$watchdog" --out "$out" || rc=$?

findings=0
lines=()
echo
for lane in $lanes; do
	dir=$out/debug/$lane
	echo "=== debug/$lane ==="
	found=()
	while IFS= read -r line; do
		found+=("$line")
	done < <({
		grep -E '^not ok ' "$dir/results.txt" 2>/dev/null || true
		grep -q '^LANE-DONE' "$dir/results.txt" 2>/dev/null ||
			echo "the guest did not finish (a crash or a timeout)"
		grep -E "$BAD_LOG" "$dir/console.log" 2>/dev/null | sort | uniq -c | head -5 || true
	})
	[ "$rc" = 0 ] || [ "${#found[@]}" != 0 ] || found+=("the lane failed (tools/vm/test.sh exit $rc)")
	# what the tests did under it: how each ended (informational)
	grep -E '^# fi-exit ' "$dir/results.txt" 2>/dev/null | sed 's/^# fi-exit /fi-exit /' || true
	printf 'driver messages: %s (%s distinct)\n' \
		"$(grep -c 'binder_linux: ' "$dir/console.log" 2>/dev/null || true)" \
		"$(grep 'binder_linux: ' "$dir/console.log" 2>/dev/null |
			sed -E 's/[0-9]+/N/g' | sort -u | wc -l)"
	grep -vE '^point ' "$dir/faultinject.txt" 2>/dev/null || true
	for line in "${found[@]}"; do
		echo "faultinject: FINDING debug/$lane: $line"
	done
	[ "${#found[@]}" = 0 ] && echo "faultinject: debug/$lane: clean"
	findings=$((findings + ${#found[@]}))
	perk=$(sed -nE 's/^k=([0-9]+) .* points ([0-9]+)$/k=\1: \2/p' "$dir/faultinject.txt" \
		2>/dev/null | paste -sd, - | sed 's/,/, /g')
	total=$(sed -nE 's/^total injected ([0-9]+) driver ([0-9]+) points ([0-9]+)$/\1 injected, \2 in binder_linux, \3 distinct failure points/p' \
		"$dir/faultinject.txt" 2>/dev/null)
	lines+=("faultinject: debug/$lane: ${#found[@]} finding(s); ${total:-nothing injected} ($perk)")
	echo
done
printf '%s\n' "${lines[@]}"
echo "faultinject: $(($(date +%s) - start)) s"
if [ "$findings" != 0 ] || [ "$rc" != 0 ]; then
	echo "faultinject: $findings finding(s); replay: make faultinject KS=\"$ks\" LANES=\"$lanes\";" \
		"logs in $out/debug/"
	exit 1
fi
echo "faultinject: no findings"
