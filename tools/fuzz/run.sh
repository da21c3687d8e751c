#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: boots the lane's VM (tools/vm/test.sh --fuzz) once per kernel
# and lane, runs tools/fuzz/binder_fuzz for SECONDS with SEED in it, and
# prints each boot's figures and every finding with the seed that found it.
# A finding: a kernel report on the console (BUG, WARNING, KASAN, lockdep,
# soft lockup, hung task, ...), a hang (a fuzzer process still running
# WATCHDOG seconds after the end), object counts not back to zero after
# every process exited, rmmod failing, a kmemleak report after a scan.
#
#   run.sh [--seconds 60] [--seed N] [--kernels debug] [--lanes "ours reference"]
#          [--watchdog 120]
#
# The seed defaults to a random one (printed).  Exits non-zero on any
# finding.  Logs: build/fuzz/<kernel>/<lane>/{console.log,results.txt}
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/fuzz
seconds=60
seed=
kernels=debug
lanes="ours reference"
watchdog=120

while [ $# -gt 0 ]; do
	case $1 in
	--seconds) seconds=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--kernels) kernels=$2; shift 2 ;;
	--lanes) lanes=$2; shift 2 ;;
	--watchdog) watchdog=$2; shift 2 ;;
	*) echo "usage: $0 [--seconds N] [--seed N] [--kernels LIST] [--lanes LIST]" \
		"[--watchdog N]" >&2
	   exit 2 ;;
	esac
done
[ -n "$seed" ] || seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')

echo "fuzz: seed $seed, $seconds s, kernels $kernels, lanes $lanes"
rc=0
"$top/tools/vm/test.sh" --kernels "$kernels" --lanes "$lanes" --fuzz "$seconds" \
	--seed "$seed" --watchdog "$watchdog" --out "$out" || rc=$?

REPORTS='Kernel panic|Oops|BUG:|WARNING:|INFO:|general protection fault|suspected memory leak|Call Trace:'
findings=0
echo
for k in $kernels; do
	for lane in $lanes; do
		dir=$out/$k/$lane
		echo "=== $k/$lane (seed $seed) ==="
		grep -E '^# (fuzz|hang|anomaly|worker)' "$dir/results.txt" 2>/dev/null || true
		found=()
		while IFS= read -r line; do
			found+=("$line")
		done < <({
			grep -E '^not ok ' "$dir/results.txt" 2>/dev/null || true
			grep -E '^# exit binder_fuzz [^0]' "$dir/results.txt" 2>/dev/null || true
			grep -q '^LANE-DONE' "$dir/results.txt" 2>/dev/null ||
				echo "the guest did not finish (a crash or a timeout)"
			grep -E "$REPORTS" "$dir/console.log" 2>/dev/null | sort -u | head -5 ||
				true
		})
		for line in "${found[@]}"; do
			echo "fuzz: FINDING $k/$lane seed=$seed: $line"
		done
		[ "${#found[@]}" = 0 ] && echo "fuzz: $k/$lane seed=$seed: clean"
		findings=$((findings + ${#found[@]}))
		echo
	done
done
if [ "$findings" != 0 ] || [ "$rc" != 0 ]; then
	echo "fuzz: seed $seed: $findings finding(s); replay: make fuzz SECONDS=$seconds SEED=$seed" \
		"KVER=\"$kernels\" LANES=\"$lanes\"; logs in $out/"
	exit 1
fi
echo "fuzz: seed $seed: no findings"
