#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the demo VM (busybox).  Loads this boot's binder module, then
#   MODE=demo   runs "binder_demo story LANE", its lines on the second
#               serial port (ttyS1, which the host prints), and powers off;
#   MODE=shell  gives an interactive shell on the console (ttyS0), the demo
#               and the selftests on $PATH; powers off when it exits.
/bin/busybox --install -s /bin
export PATH=/bin:/demo:/tests
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp
. /demo/env

echo "binder-demo: insmod" >/dev/kmsg
insmod /demo/binder_linux.ko devices=binder,hwbinder,vndbinder >/tmp/insmod.out 2>&1
loaded=$?
chmod 0666 /dev/binder /dev/hwbinder /dev/vndbinder 2>/dev/null

if [ "$MODE" = shell ]; then
	[ -n "$ROWS" ] && stty rows "$ROWS" cols "$COLS" 2>/dev/null
	[ "$loaded" = 0 ] || sed 's/^/insmod failed: /' /tmp/insmod.out
	cat <<EOF

binder demo shell: $LANE binder_linux.ko on $(uname -r)
  devices:  $(echo /dev/*binder)
  debugfs:  /sys/kernel/debug/binder/ (state stats transactions proc/)
  try:      binder_demo story
            binder_demo servicemanager & binder_demo service upper &
            binder_demo call upper hello; binder_demo list
            ls /tests; binder_seed_test; dmesg | tail
            binder-report &   # failed transactions, as netlink reports
            cat /sys/kernel/debug/binder/failed_transaction_log
  leave:    poweroff -f  (or exit, or Ctrl-A X)

EOF
	cd /tmp || exit 1
	export HOME=/tmp PS1='binder-vm:\w# '
	setsid cttyhack sh
	poweroff -f
fi

exec 3>/dev/ttyS1
stty -F /dev/ttyS1 raw -echo 2>/dev/null
echo "# demo $LANE on $(uname -r)" >&3
if [ "$loaded" = 0 ]; then
	(cd /tmp && binder_demo story "$LANE") >&3 2>&1
	echo "# exit $?" >&3
else
	sed 's/^/insmod: /' /tmp/insmod.out >&3
	echo "# exit insmod" >&3
fi
echo "DEMO-DONE $LANE" >&3
sync
reboot -f
