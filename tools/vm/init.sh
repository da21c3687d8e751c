#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test VM (busybox).  Loads the binder module of this lane,
# runs every selftest (or, with FUZZ_SECONDS set, the fuzzer; with
# FAULTINJECT set, the selftests with allocations failing), checks that
# all objects are gone and that rmmod works, and powers off.  Results go to the second serial port (ttyS1) as
# TAP, the kernel's console stays on ttyS0: the host reads both.
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp
. /lane/env

exec 3>/dev/ttyS1
stty -F /dev/ttyS1 raw -echo 2>/dev/null
out() { echo "$*" >&3; }
n=0
check() { # check NAME CMD...: one TAP line for a lane check
	name=$1
	shift
	n=$((n + 1))
	if "$@" >/tmp/check.out 2>&1; then
		out "ok $n lane.$name"
	else
		sed 's/^/# /' /tmp/check.out >&3
		out "not ok $n lane.$name"
	fi
}

echo 20 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
kmemleak=/sys/kernel/debug/kmemleak
if [ -w $kmemleak ]; then
	# forget what boot left behind: only what the lane leaks is reported
	echo scan >$kmemleak
	echo clear >$kmemleak
fi

out "# lane $LANE on $(uname -r)"
out "TAP version 13"

# the host tells the test kernel's own reports from the module's by this
echo "binder-lane: insmod" >/dev/kmsg
# shellcheck disable=SC2086 # MODARGS is a list of parameters
check insmod insmod /lane/binder_linux.ko devices=binder,hwbinder,vndbinder $MODARGS
chmod 0666 /dev/binder /dev/hwbinder /dev/vndbinder 2>/dev/null

settle=10
if [ -n "$FUZZ_SECONDS" ]; then
	# tools/fuzz/binder_fuzz; its own watchdog reports a hang, this one
	# stops a fuzzer that hangs itself
	out "# selftest binder_fuzz"
	(cd /tmp && timeout -s KILL $((FUZZ_SECONDS + 3 * FUZZ_WATCHDOG)) /tests/binder_fuzz \
		-s "$FUZZ_SEED" -t "$FUZZ_SECONDS" -w "$FUZZ_WATCHDOG") >&3 2>&1
	out "# exit binder_fuzz $?"
	settle=60
elif [ -n "$FAULTINJECT" ]; then
	# tools/faultinject/guest.sh: the selftests with allocations failing
	. /lane/faultinject.sh
	settle=30
else
	for t in /tests/*_test; do
		name=$(basename "$t")
		out "# selftest $name"
		# /lane/skip: "NAME WHY" for a test this lane cannot run at all
		why=$(sed -n "s/^$name //p" /lane/skip)
		if [ -n "$why" ]; then
			out "ok 1 $name # SKIP $why"
			out "# exit $name 4"
			continue
		fi
		(cd /tmp && "$t") >&3 2>&1
		out "# exit $name $?"
	done
fi

# Deferred teardown runs on a workqueue: give it a moment.
objects_zero() {
	for i in $(seq "$settle"); do
		/lane/objects-zero.sh && return 0
		sleep 1
	done
	/lane/objects-zero.sh -v
}
check objects_zero objects_zero
if [ "$LANE" = reference ]; then
	# upstream binder has no module_exit: it cannot be unloaded (EBUSY)
	n=$((n + 1)); out "ok $n lane.rmmod # SKIP reference cannot be unloaded"
	n=$((n + 1)); out "ok $n lane.no_debugfs_left # SKIP reference cannot be unloaded"
else
	# a dying process's last binderfs mount (a file of a lazily unmounted
	# one) may still be on its way out: give it the same moment
	unload() {
		for i in 1 2 3 4 5 6 7 8 9 10; do
			rmmod binder_linux 2>/dev/null && return 0
			sleep 1
		done
		grep binder_linux /proc/modules
		rmmod binder_linux
	}
	check rmmod unload
	check no_debugfs_left test ! -e /sys/kernel/debug/binder
fi

if [ -w $kmemleak ]; then
	leaks() {
		sleep 6
		echo scan >$kmemleak
		echo scan >$kmemleak
		# debugfs files have no size: read the report itself
		report=$(cat $kmemleak)
		[ -z "$report" ] || { echo "$report"; false; }
	}
	check kmemleak leaks
fi

out "LANE-DONE $LANE"
sync
reboot -f
