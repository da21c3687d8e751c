#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM lane.  For each kernel, builds our module and the selftests
# against it, then boots the kernel once per lane under QEMU (TCG) with a
# busybox initramfs: "ours" loads build/<kernel>/module/binder_linux.ko,
# "reference" loads the kernel's own binder_linux.ko.  tools/vm/init.sh runs
# in the guest.  Prints one summary line per boot and a last line
# "N passed, N failed, N skipped"; exits non-zero on any failed test, any
# kernel report on the console, a crash or a timeout.
#
#   test.sh [--kernels "6.1 6.12 debug"] [--lanes "ours reference"]
#           [--tests GLOB] [--modargs "debug_mask=0x7ff"]
#           [--fuzz SECONDS --seed SEED [--watchdog SECONDS]]
#           [--faultinject "K..." [--watchdog SECONDS]] [--out DIR]
#
# --tests runs only the selftest binaries matching GLOB (e.g. 'binder_race*');
# --modargs adds insmod parameters (debugging one failure).
# --fuzz runs tools/fuzz/binder_fuzz for SECONDS instead of the selftests,
# with the same checks after it (tools/fuzz/run.sh, make fuzz); --watchdog
# bounds how long its processes may take to finish after the end (120).
# --faultinject runs the selftests (--tests) with every K-th allocation of
# their processes failing, for each K (tools/faultinject/guest.sh and
# run.sh, make faultinject; debug kernel only): their own results are not
# counted, the lane's checks are; --watchdog bounds how long a test's
# processes may outlive it (60).
# --out puts the logs in DIR/<kernel>/<lane>/ instead of build/.
#
# Logs: build/<kernel>/<lane>/{console,results}.log
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
vm=$top/tools/vm
build=$top/build
cache=${BINDER_LANE_CACHE:-/var/cache/binder-lane}
kernels="6.1 6.12 debug"
lanes="ours reference"
tests='*_test'
modargs=
fuzz=
seed=
watchdog=
faultinject=
out=

while [ $# -gt 0 ]; do
	case $1 in
	--kernels) kernels=$2; shift 2 ;;
	--lanes) lanes=$2; shift 2 ;;
	--tests) tests=$2; shift 2 ;;
	--modargs) modargs=$2; shift 2 ;;
	--fuzz) fuzz=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--watchdog) watchdog=$2; shift 2 ;;
	--faultinject) faultinject=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*) echo "usage: $0 [--kernels LIST] [--lanes LIST] [--tests GLOB] [--modargs ARGS]" \
		"[--fuzz SECONDS --seed SEED [--watchdog SECONDS]]" \
		"[--faultinject \"K...\" [--watchdog SECONDS]] [--out DIR]" >&2
	   exit 2 ;;
	esac
done

log() { echo "lane: $*" >&2; }

"$vm/install-deps.sh"

# kselftest_harness.h comes from Debian's linux-source-6.1.
harness() {
	local ver dir
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	dir=$cache/harness-$ver
	if [ ! -f "$dir/kselftest_harness.h" ]; then
		mkdir -p "$dir"
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$dir" --strip-components=4 \
			linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
			linux-source-6.1/tools/testing/selftests/kselftest.h
	fi
	echo "$dir"
}

# The kernel's own binderfs selftest, unchanged, with the kselftest harness
# of the same tree: extracted from Debian's linux-source-6.1 into build/.
upstream_tests() {
	local ver dir
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	dir=$build/upstream-selftests-$ver
	if [ ! -f "$dir/filesystems/binderfs/binderfs_test.c" ]; then
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$dir.tmp" --strip-components=4 \
			linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
			linux-source-6.1/tools/testing/selftests/kselftest.h \
			linux-source-6.1/tools/testing/selftests/filesystems/binderfs/binderfs_test.c
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
	fi
	echo "$dir"
}

# Tests the reference lane cannot run, and why (init.sh reports a skip).
REFERENCE_SKIPS='binderfs_test no binderfs in the reference: CONFIG_ANDROID_BINDERFS is off in every lane kernel'

build_kernel_parts() { # KERNEL: our module and the selftests for it
	local k=$1 kdir uapi mod=$build/$1/module
	kdir=$("$vm/kernel.sh" "$k" kdir)
	uapi=$("$vm/kernel.sh" "$k" uapi)

	# Build from a copy, so each kernel's objects stay apart.
	mkdir -p "$mod"
	cp -p "$top"/Kbuild "$top"/*.c "$top"/*.h "$mod/"
	cp -rp "$top/include" "$mod/"
	# the allocator self-test is a debug build's only
	local selftest=n
	[ "$k" = debug ] && selftest=y
	make -s -C "$kdir" M="$mod" W=1 BINDER_ALLOC_SELFTEST=$selftest modules >&2

	# What "make headers_install" would install: __packed spelled out.
	mkdir -p "$build/$k/uapi/linux/android"
	local h
	for h in binder.h binderfs.h; do
		sed -E 's/(^|[^a-zA-Z0-9_])__packed([^a-zA-Z0-9_]|$)/\1__attribute__((packed))\2/g' \
			"$uapi/linux/android/$h" >"$build/$k/uapi/linux/android/$h"
	done
	if [ -n "$fuzz" ]; then
		make -s -C "$top/tools/fuzz" UAPI="$build/$k/uapi" OUT="$build/$k/fuzz" >&2
		return
	fi
	make -s -C "$top/selftests" UAPI="$build/$k/uapi" HARNESS="$HARNESS" \
		UPSTREAM="$UPSTREAM" OUT="$build/$k/selftests" all upstream >&2
}

# Kernel reports that fail a run, wherever they appear on the console.
REPORTS='Kernel panic|Oops|BUG:|WARNING:|INFO:|general protection fault|suspected memory leak|Call Trace:'

total_pass=0
total_fail=0
total_skip=0
summary=()

run_lane() { # KERNEL LANE
	local k=$1 lane=$2 dir=${out:-$build}/$1/$2 image refmod mem=1024 limit=600
	local root=$dir/root pass fail skip status=ok rc=0 attempt

	image=$("$vm/kernel.sh" "$k" image)
	rm -rf "$dir"
	mkdir -p "$root/bin" "$root/lane" "$root/tests" "$root/dev"
	mknod "$root/dev/console" c 5 1
	cp /bin/busybox "$root/bin/busybox"
	cp "$vm/init.sh" "$root/init"
	cp "$vm/objects-zero.sh" "$root/lane/"
	if [ -n "$fuzz" ]; then
		cp "$build/$k/fuzz/binder_fuzz" "$root/tests/"
		printf 'FUZZ_SECONDS=%s\nFUZZ_SEED=%s\nFUZZ_WATCHDOG=%s\n' \
			"$fuzz" "$seed" "$watchdog" >"$root/lane/env"
	else
		# shellcheck disable=SC2086 # $tests is a glob, or a list of them
		(cd "$build/$k/selftests" && cp $tests "$root/tests/")
	fi
	if [ -n "$faultinject" ]; then
		cp "$top/tools/faultinject/guest.sh" "$root/lane/faultinject.sh"
		printf 'FAULTINJECT="%s"\nFI_WATCHDOG=%s\nFI_LIMIT=%s\n' \
			"$faultinject" "$watchdog" "$FI_LIMIT" >"$root/lane/env"
	fi
	printf 'LANE=%s\nMODARGS="%s"\n' "$lane" "$modargs" >>"$root/lane/env"
	: >"$root/lane/skip"
	[ "$lane" = reference ] && echo "$REFERENCE_SKIPS" >"$root/lane/skip"
	case $lane in
	ours)
		cp "$build/$k/module/binder_linux.ko" "$root/lane/" ;;
	reference)
		refmod=$("$vm/kernel.sh" "$k" refmod)
		case $refmod in
		*.xz) xz -dc "$refmod" >"$root/lane/binder_linux.ko" ;;
		*) cp "$refmod" "$root/lane/binder_linux.ko" ;;
		esac ;;
	*)
		echo "lane: unknown lane $lane" >&2; exit 2 ;;
	esac
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$dir/initramfs.gz"

	# the whole boot log stays readable (log_buf_len: binder_death_test
	# reads it); a use-after-free crashes Debian's kernels too, not only KASAN's
	local cmdline="console=ttyS0 panic=-1 oops=panic hung_task_panic=0 log_buf_len=4M"
	[ "$k" = debug ] || cmdline="$cmdline init_on_free=1 slub_debug=FZP"
	[ "$k" = debug ] && { mem=2048; limit=1500; }
	# the fuzz: its time, its watchdog twice over, the checks after it
	[ -n "$fuzz" ] && limit=$((300 + fuzz + 3 * watchdog))
	# fault injection: each test's bound and its watchdog, for each k
	if [ -n "$faultinject" ]; then
		local nt nk
		nt=$(find "$root/tests" -name '*_test' | wc -l)
		nk=$(echo "$faultinject" | wc -w)
		limit=$((300 + nk * nt * (FI_LIMIT + watchdog)))
	fi
	for attempt in 1 2; do
		log "booting $k/$lane"
		rc=0
		timeout "$limit" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m "$mem" \
			-nodefaults -display none -no-reboot \
			-kernel "$image" -initrd "$dir/initramfs.gz" \
			-append "$cmdline" \
			-serial "file:$dir/console.log" -serial "file:$dir/results.log" \
			</dev/null >"$dir/qemu.log" 2>&1 || rc=$?
		# A report of the test kernel itself, before any binder module
		# was loaded (seen: KASAN in early-boot IRQ handling under TCG),
		# says nothing about the module: boot once more, and say so.
		# (grep reads all of sed's output: grep -q would stop early,
		# sed would die of SIGPIPE and pipefail make the test false)
		if [ "$attempt" = 1 ] && sed -n '/binder-lane: insmod/q;p' "$dir/console.log" |
				grep -E "$REPORTS" >/dev/null; then
			log "$k/$lane: kernel report before the module was loaded; booting again"
			cp "$dir/console.log" "$dir/console-boot1.log"
			continue
		fi
		break
	done

	tr -d '\r' <"$dir/results.log" >"$dir/results.txt"
	pass=$(grep -cE '^ok [0-9]+ ' "$dir/results.txt" | tr -d ' ' || true)
	skip=$(grep -cE '^ok [0-9]+ .*# SKIP' "$dir/results.txt" || true)
	fail=$(grep -cE '^not ok [0-9]+ ' "$dir/results.txt" || true)
	pass=$((pass - skip))

	# A selftest binary that exited non-zero (0 passed, 4 all skipped)
	# without reporting a failure of its own still failed.
	while read -r name code; do
		log "$k/$lane: $name exited $code with no failure reported"
		fail=$((fail + 1))
	done < <(awk '/^# selftest /{bad = 0} /^not ok /{bad = 1}
		/^# exit / && $4 != 0 && $4 != 4 && !bad {print $3, $4}' \
		"$dir/results.txt")

	if [ "$rc" = 124 ]; then
		status="TIMEOUT after ${limit}s"
		fail=$((fail + 1))
	elif ! grep -q "^LANE-DONE $lane" "$dir/results.txt"; then
		status="guest did not finish (qemu exit $rc)"
		fail=$((fail + 1))
	fi
	# the injected failures' own stacks are no kernel report
	local console=$dir/console.log
	if [ -n "$faultinject" ]; then
		console=$dir/console-reports.log
		awk -v mode=filter -f "$top/tools/faultinject/console.awk" \
			"$dir/console.log" >"$console"
	fi
	if grep -qE "$REPORTS" "$console"; then
		status="kernel reports on the console"
		fail=$((fail + 1))
		grep -nE -A3 "$REPORTS" "$console" | head -40 >&2
	fi
	if [ -n "$faultinject" ]; then
		awk -v mode=count -f "$top/tools/faultinject/console.awk" \
			"$dir/console.log" >"$dir/faultinject.txt"
		status="$status; $(sed -n 's/^total //p' "$dir/faultinject.txt")"
	fi

	grep -E '^not ok ' "$dir/results.txt" | sed "s|^|lane: $k/$lane: |" >&2 || true
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	summary+=("$(printf '%-6s %-9s %3d passed, %d failed, %d skipped  %s' \
		"$k" "$lane" "$pass" "$fail" "$skip" "$status")")
}

if [ -n "$faultinject" ]; then
	[ -z "$fuzz" ] || { echo "lane: --fuzz or --faultinject, not both" >&2; exit 2; }
	case $faultinject in *[!0-9\ ]* | "") echo "lane: --faultinject takes numbers" >&2; exit 2 ;; esac
	for k in $faultinject; do
		[ "$k" -ge 2 ] || { echo "lane: --faultinject: k=1 fails every page fault forever" >&2; exit 2; }
	done
	case " $kernels " in
	" debug ") ;;
	*) echo "lane: --faultinject needs --kernels debug (fault injection)" >&2; exit 2 ;;
	esac
	FI_LIMIT=${FI_LIMIT:-300}
	watchdog=${watchdog:-60}
fi
watchdog=${watchdog:-120}
if [ -n "$fuzz" ]; then
	case $fuzz$seed in *[!0-9]*) echo "lane: --fuzz and --seed take numbers" >&2; exit 2 ;; esac
	[ -n "$seed" ] || { echo "lane: --fuzz needs --seed" >&2; exit 2; }
fi
HARNESS=$(harness)
UPSTREAM=$(upstream_tests)
for k in $kernels; do
	log "building for $k"
	build_kernel_parts "$k"
	for lane in $lanes; do
		run_lane "$k" "$lane"
	done
done

echo
echo "kernel lane"
printf '%s\n' "${summary[@]}"
echo "${total_pass} passed, ${total_fail} failed, ${total_skip} skipped"
[ "$total_fail" = 0 ]
