#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In the guest: succeed when every live binder object count is zero.
# Both drivers: the global "X: active N" lines of binder/stats (the part
# before the first "proc" block).  Ours also: every line of binder/objects.
# -v prints what is not zero.
d=/sys/kernel/debug/binder
bad=$(awk '/^proc /{exit} / active / && $3 != 0' $d/stats)
if [ -r $d/objects ]; then
	bad="$bad$(awk '$2 != 0' $d/objects)"
fi
if [ -n "$1" ] && [ -n "$bad" ]; then
	echo "live objects: $bad"
	cat $d/transactions
fi
[ -z "$bad" ]
