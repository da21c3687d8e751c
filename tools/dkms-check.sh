#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms add + build of this tree for Debian's 6.1 and 6.12 headers, in a
# scratch DKMS tree (nothing under /usr/src or /var/lib/dkms is touched,
# nothing is installed into the host kernel).  Then checks that what DKMS
# built is a binder_linux.ko with Debian's module parameters and the
# version dkms.conf names.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tools/vm/install-deps.sh"

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
modver=$(sed -n 's/^MODULE_VERSION("\(.*\)");/\1/p' "$top/binder_main.c")
if [ "$ver" != "$modver" ]; then
	echo "dkms-check: dkms.conf says $ver, MODULE_VERSION says $modver" >&2
	exit 1
fi

scratch=$(mktemp -d /tmp/binder-dkms.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
tree=$scratch/checkout
mkdir -p "$tree" "$scratch/src" "$scratch/tree"
# a clean checkout: what is committed or staged, no build products
(cd "$top" && git ls-files -z --cached | xargs -0 cp --parents -t "$tree")
dk=(dkms --sourcetree "$scratch/src" --dkmstree "$scratch/tree")

# the README's commands: dkms add <tree>, dkms build binder_linux/<ver>
"${dk[@]}" add "$tree" >/dev/null
for k in 6.1 6.12; do
	rel=$("$top/tools/vm/kernel.sh" "$k" release)
	if ! "${dk[@]}" build "binder_linux/$ver" -k "$rel" \
		>"$scratch/build-$k.log" 2>&1; then
		cat "$scratch/build-$k.log" >&2
		cat "$scratch/tree/binder_linux/$ver/build/make.log" >&2 || true
		echo "dkms-check: dkms build -k $rel failed" >&2
		exit 1
	fi
	ko=$scratch/tree/binder_linux/$ver/$rel/x86_64/module/binder_linux.ko
	[ -f "$ko" ] || ko=$(find "$scratch/tree/binder_linux/$ver/$rel" -name 'binder_linux.ko*' | head -1)
	for p in devices debug_mask alloc_debug_mask; do
		if ! modinfo -F parm "$ko" | grep -q "^$p:"; then
			echo "dkms-check: $ko lacks parameter $p" >&2
			exit 1
		fi
	done
	[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$rel" ] || {
		echo "dkms-check: $ko is not built for $rel" >&2
		exit 1
	}
	echo "dkms-check: dkms build -k $rel ok ($(basename "$ko"))"
done
"${dk[@]}" status binder_linux 2>/dev/null
