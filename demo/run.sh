#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo / make shell.  Builds our module and demo/binder_demo for one
# kernel, then boots it under QEMU (TCG) with a busybox initramfs
# (demo/init.sh is /init), as tools/vm/test.sh and bench/run.sh do:
#
#   run.sh [--kernel 6.1] [--lanes "ours reference"]
#       one boot per lane ("ours" loads build/<kernel>/module/binder_linux.ko,
#       "reference" the kernel's own binder_linux.ko), each runs
#       "binder_demo story"; its lines are printed as they come, then one
#       verdict line per driver.  Exits non-zero when a boot did not finish
#       its story or the kernel reported a problem.
#   run.sh --shell [--kernel 6.1] [--lanes ours]
#       an interactive shell in the VM on this terminal (the serial console
#       on stdio), the module loaded, debugfs mounted, binder_demo and the
#       selftests on $PATH.  Leave with "poweroff -f" or Ctrl-A X.
#
# Logs: build/demo/<kernel>/<lane>/{console.log,story.log,qemu.log}
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
vm=$top/tools/vm
here=$top/demo
build=$top/build
cache=${BINDER_LANE_CACHE:-/var/cache/binder-lane}
k=6.1
lanes=
shell=0

while [ $# -gt 0 ]; do
	case $1 in
	--kernel) k=$2; shift 2 ;;
	--lanes) lanes=$2; shift 2 ;;
	--shell) shell=1; shift ;;
	*) echo "usage: $0 [--kernel 6.1|6.12|debug] [--lanes LIST] [--shell]" >&2
	   exit 2 ;;
	esac
done
if [ -z "$lanes" ]; then
	lanes="ours reference"
	[ "$shell" = 1 ] && lanes=ours
fi

log() { echo "demo: $*" >&2; }

"$vm/install-deps.sh"

# kselftest_harness.h comes from Debian's linux-source-6.1 (as test.sh).
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

# Our module and the demo (and, for the shell, the selftests) for $k, as
# tools/vm/test.sh builds them.
build_kernel_parts() {
	local kdir uapi mod=$build/$k/module
	kdir=$("$vm/kernel.sh" "$k" kdir)
	uapi=$("$vm/kernel.sh" "$k" uapi)

	mkdir -p "$mod"
	cp -p "$top"/Kbuild "$top"/*.c "$top"/*.h "$mod/"
	cp -rp "$top/include" "$mod/"
	local selftest=n
	[ "$k" = debug ] && selftest=y
	make -s -C "$kdir" M="$mod" W=1 BINDER_ALLOC_SELFTEST=$selftest modules >&2

	mkdir -p "$build/$k/uapi/linux/android" "$build/$k/demo"
	local h
	for h in binder.h binderfs.h; do
		sed -E 's/(^|[^a-zA-Z0-9_])__packed([^a-zA-Z0-9_]|$)/\1__attribute__((packed))\2/g' \
			"$uapi/linux/android/$h" >"$build/$k/uapi/linux/android/$h"
	done
	make -s -C "$here" UAPI="$build/$k/uapi" OUT="$build/$k/demo" >&2
	make -s -C "$top/tools/binder-report" UAPI="$build/$k/uapi" OUT="$build/$k/demo" >&2
	if [ "$shell" = 1 ]; then
		make -s -C "$top/selftests" UAPI="$build/$k/uapi" HARNESS="$(harness)" \
			OUT="$build/$k/selftests" >&2
	fi
}

# The initramfs of one boot: busybox, /init, the module, the programs.
initramfs() { # LANE DIR MODE
	local lane=$1 dir=$2 mode=$3 root=$2/root refmod rows='' cols=''
	rm -rf "$dir"
	mkdir -p "$root/bin" "$root/demo" "$root/tests" "$root/dev"
	mknod "$root/dev/console" c 5 1
	cp /bin/busybox "$root/bin/busybox"
	cp "$here/init.sh" "$root/init"
	cp "$build/$k/demo/binder_demo" "$build/$k/demo/binder-report" "$root/demo/"
	[ "$mode" = shell ] && cp "$build/$k/selftests/"*_test "$root/tests/"
	if [ "$mode" = shell ] && [ -t 0 ]; then
		read -r rows cols < <(stty size 2>/dev/null) || true
	fi
	printf 'LANE=%s\nMODE=%s\nROWS=%s\nCOLS=%s\n' "$lane" "$mode" "$rows" "$cols" \
		>"$root/demo/env"
	case $lane in
	ours)
		cp "$build/$k/module/binder_linux.ko" "$root/demo/" ;;
	reference)
		refmod=$("$vm/kernel.sh" "$k" refmod)
		case $refmod in
		*.xz) xz -dc "$refmod" >"$root/demo/binder_linux.ko" ;;
		*) cp "$refmod" "$root/demo/binder_linux.ko" ;;
		esac ;;
	*)
		echo "demo: unknown lane $lane" >&2; exit 2 ;;
	esac
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$dir/initramfs.gz"
}

qemu_args() { # DIR: the lane's machine, booting DIR's initramfs
	local mem=1024
	[ "$k" = debug ] && mem=2048
	qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m "$mem"
		-nodefaults -display none -no-reboot
		-kernel "$("$vm/kernel.sh" "$k" image)" -initrd "$1/initramfs.gz")
}

log "building for $k"
build_kernel_parts
release=$("$vm/kernel.sh" "$k" release)

if [ "$shell" = 1 ]; then
	lane=${lanes%% *}
	dir=$build/demo/$k/$lane-shell
	initramfs "$lane" "$dir" shell
	log "booting $release with the $lane binder_linux.ko; leave with 'poweroff -f' or Ctrl-A X"
	qemu_args "$dir"
	"${qemu[@]}" -append "console=ttyS0 quiet panic=-1" -serial mon:stdio
	exit 0
fi

REPORTS='Kernel panic|Oops|BUG:|WARNING:|general protection fault|Call Trace:'

# The binder/state dumps of the story ("@state TAG LINE"): saved as
# DIR/state-TAG.txt and drawn by tools/binder-graph as DIR/state-TAG.svg.
graphs() { # DIR
	local d=$1 tag
	for tag in $(sed -n 's/^@state \([^ ]*\) .*/\1/p' "$d/story.log" | uniq); do
		sed -n "s/^@state $tag //p" "$d/story.log" >"$d/state-$tag.txt"
		if "$top/tools/binder-graph/binder-graph" "$d/state-$tag.txt" \
			--title "$lane: $tag ($release)" -o "$d/state-$tag.svg"; then
			echo "   binder graph, $tag: ${d#"$top"/}/state-$tag.svg"
		fi
	done
}
verdicts=()
failures=0

for lane in $lanes; do
	dir=$build/demo/$k/$lane
	initramfs "$lane" "$dir" demo
	case $lane in
	ours) what="our binder_linux.ko (build/$k/module)" ;;
	reference) what="Debian's binder_linux.ko"
		[ "$k" = debug ] && what="the debug kernel's own binder_linux.ko" ;;
	esac
	echo
	echo "=== $lane: $what on $release (QEMU TCG) ==="
	t0=$(date +%s)
	rc=0
	: >"$dir/story.log"
	# the story's port (ttyS1) is our stdout, the kernel's goes to a file
	qemu_args "$dir"
	{ timeout 300 "${qemu[@]}" -append "console=ttyS0 panic=-1 oops=panic" \
		-serial "file:$dir/console.log" -serial stdio \
		</dev/null 2>"$dir/qemu.log" || echo "# qemu exit $?"; } |
	while IFS= read -r line; do
		line=${line%$'\r'}
		echo "$line" >>"$dir/story.log"
		case $line in
		'# demo '* | '# exit 0' | DEMO-DONE* | '@state '*) ;;
		*) echo "$line" ;;
		esac
	done
	graphs "$dir"
	secs=$(($(date +%s) - t0))
	verdict=$(grep -E "^demo $lane: " "$dir/story.log" | tail -n1 || true)
	if ! grep -q "^DEMO-DONE $lane" "$dir/story.log" ||
			! grep -q '^# exit 0$' "$dir/story.log"; then
		rc=1
		verdict="demo $lane: the story did not finish ($(grep -E '^# (exit|qemu)' \
			"$dir/story.log" | tr '\n' ' ')see $dir/)"
	fi
	if grep -qE "$REPORTS" "$dir/console.log"; then
		rc=1
		verdict="$verdict; kernel reports on the console ($dir/console.log)"
		grep -nE -A3 "$REPORTS" "$dir/console.log" | head -20 >&2
	fi
	log "$lane: boot and story took ${secs}s"
	failures=$((failures + rc))
	verdicts+=("${verdict:-demo $lane: no verdict}")
done

echo
echo "=== verdict ($release) ==="
printf '%s\n' "${verdicts[@]}"
[ "$failures" = 0 ]
