#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boots each kernel under QEMU (TCG) with our module and with
# the kernel's own binder_linux.ko alternately (ours, reference, ours, ...
# RUNS times each), runs "binder_bench all" in every boot (bench/init.sh is
# /init), then reports per row the median of each driver and the ratio
# ours/reference.  Speed is never pass/fail: the exit status says only
# whether every boot ran every row.
#
#   run.sh [--kernels "6.1 6.12"] [--runs 3] [--smp 2] [--quick]
#
# --quick: one boot per driver, tiny counts (a smoke run for CI).
#
# Output in build/bench/: raw.txt (every row line of every boot, prefixed
# "kernel= lane= run="), results.md (the table, also on stdout), bench.png
# (gnuplot); each boot's logs in build/bench/<kernel>/<lane>-<run>/.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
vm=$top/tools/vm
here=$top/bench
build=$top/build
out=$build/bench
kernels="6.1 6.12"
runs=3
smp=2
quick=0

while [ $# -gt 0 ]; do
	case $1 in
	--kernels) kernels=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	*) echo "usage: $0 [--kernels LIST] [--runs N] [--smp N] [--quick]" >&2
	   exit 2 ;;
	esac
done
[ "$quick" = 1 ] && runs=1

log() { echo "bench: $*" >&2; }

"$vm/install-deps.sh"
if ! dpkg-query -W -f='${Status}' gnuplot-nox 2>/dev/null | grep -q 'install ok installed' &&
		! command -v gnuplot >/dev/null; then
	log "installing gnuplot-nox"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2
	apt-get install -y -q --no-install-recommends gnuplot-nox >&2
fi

# Our module and the benchmark for one kernel, as tools/vm/test.sh builds
# the module and the selftests.
build_kernel_parts() { # KERNEL
	local k=$1 kdir uapi mod=$build/$1/module
	kdir=$("$vm/kernel.sh" "$k" kdir)
	uapi=$("$vm/kernel.sh" "$k" uapi)

	mkdir -p "$mod"
	cp -p "$top"/Kbuild "$top"/*.c "$top"/*.h "$mod/"
	cp -rp "$top/include" "$mod/"
	make -s -C "$kdir" M="$mod" W=1 BINDER_ALLOC_SELFTEST=n modules >&2

	mkdir -p "$build/$k/uapi/linux/android" "$build/$k/bench"
	sed -E 's/(^|[^a-zA-Z0-9_])__packed([^a-zA-Z0-9_]|$)/\1__attribute__((packed))\2/g' \
		"$uapi/linux/android/binder.h" >"$build/$k/uapi/linux/android/binder.h"
	make -s -C "$here" UAPI="$build/$k/uapi" OUT="$build/$k/bench" >&2
}

failures=0
summary=()

boot() { # KERNEL LANE RUN
	local k=$1 lane=$2 run=$3 dir=$out/$1/$2-$3 image refmod rc=0 status=ok
	local root=$dir/root limit=1500 t0 secs floor

	[ "$quick" = 1 ] && limit=400
	image=$("$vm/kernel.sh" "$k" image)
	rm -rf "$dir"
	mkdir -p "$root/bin" "$root/bench" "$root/dev"
	mknod "$root/dev/console" c 5 1
	cp /bin/busybox "$root/bin/busybox"
	cp "$here/init.sh" "$root/init"
	cp "$build/$k/bench/binder_bench" "$root/bench/"
	printf 'LANE=%s\nQUICK=%s\n' "$lane" "$([ "$quick" = 1 ] && echo 1)" >"$root/bench/env"
	case $lane in
	ours)
		cp "$build/$k/module/binder_linux.ko" "$root/bench/" ;;
	reference)
		refmod=$("$vm/kernel.sh" "$k" refmod)
		case $refmod in
		*.xz) xz -dc "$refmod" >"$root/bench/binder_linux.ko" ;;
		*) cp "$refmod" "$root/bench/binder_linux.ko" ;;
		esac ;;
	esac
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$dir/initramfs.gz"

	log "booting $k/$lane run $run"
	t0=$(date +%s)
	timeout "$limit" qemu-system-x86_64 -accel tcg -cpu max -smp "$smp" -m 1024 \
		-nodefaults -display none -no-reboot \
		-kernel "$image" -initrd "$dir/initramfs.gz" \
		-append "console=ttyS0 panic=-1 oops=panic" \
		-serial "file:$dir/console.log" -serial "file:$dir/results.log" \
		</dev/null >"$dir/qemu.log" 2>&1 || rc=$?
	secs=$(($(date +%s) - t0))
	tr -d '\r' <"$dir/results.log" >"$dir/results.txt"

	if [ "$rc" = 124 ]; then
		status="TIMEOUT after ${limit}s"
	elif ! grep -q "^BENCH-DONE $lane" "$dir/results.txt"; then
		status="guest did not finish (qemu exit $rc)"
	elif ! grep -q '^# exit 0$' "$dir/results.txt"; then
		status="binder_bench failed: $(grep -E '^# (exit|.*FAILED|FATAL)' "$dir/results.txt" | tr '\n' ' ')"
	elif grep -qE 'Kernel panic|Oops|BUG:|WARNING:|general protection fault|Call Trace:' "$dir/console.log"; then
		status="kernel reports on the console"
	fi
	[ "$status" = ok ] || failures=$((failures + 1))
	grep -E '^# .*(FAILED|FATAL|not reached|failed|stuck on|still busy|not back)' "$dir/results.txt" |
		sed "s|^|bench: $k/$lane/$run: |" >&2 || true
	grep -E '^row=' "$dir/results.txt" | sed "s|^|kernel=$k lane=$lane run=$run |" >>"$out/raw.txt"
	# the floor (a pipe, no binder) tells a boot the busy host slowed down
	floor=$(sed -n 's/^row=floor_pipe_p50 value=\([^ ]*\) .*/\1/p' "$dir/results.txt")
	summary+=("$(printf '%-6s %-9s run %d  %4ds  %3d rows  floor p50 %6s us  %s' "$k" "$lane" \
		"$run" "$secs" "$(grep -c '^row=' "$dir/results.txt" || true)" "${floor:-?}" "$status")")
}

rm -rf "$out"
mkdir -p "$out"
: >"$out/raw.txt"
for k in $kernels; do
	log "building for $k"
	build_kernel_parts "$k"
	for run in $(seq 1 "$runs"); do
		for lane in ours reference; do
			boot "$k" "$lane" "$run"
		done
	done
done

echo
echo "benchmark boots"
printf '%s\n' "${summary[@]}"
echo
python3 "$here/stats.py" --smp "$smp" --runs "$runs" $([ "$quick" = 1 ] && echo --quick) \
	"$out/raw.txt" "$out"
cat "$out/results.md"
gnuplot -e "dir='$out'" "$here/bench.gp"
echo
echo "bench: $out/results.md, $out/bench.png, $out/raw.txt"
[ "$failures" = 0 ]
