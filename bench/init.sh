#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the benchmark VM (busybox): loads this boot's binder module,
# runs "binder_bench all" and powers off.  The benchmark's lines go to the
# second serial port (ttyS1), the kernel's console stays on ttyS0.
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp
. /bench/env
export QUICK

exec 3>/dev/ttyS1
stty -F /dev/ttyS1 raw -echo 2>/dev/null

echo "# bench $LANE on $(uname -r), $(nproc) cpus" >&3
echo "binder-bench: insmod" >/dev/kmsg
if insmod /bench/binder_linux.ko devices=binder,hwbinder,vndbinder >/tmp/insmod.out 2>&1; then
	chmod 0666 /dev/binder /dev/hwbinder /dev/vndbinder 2>/dev/null
	(cd /tmp && /bench/binder_bench all) >&3 2>&1
	echo "# exit $?" >&3
else
	sed 's/^/# insmod: /' /tmp/insmod.out >&3
	echo "# exit insmod" >&3
fi

echo "BENCH-DONE $LANE" >&3
sync
reboot -f
