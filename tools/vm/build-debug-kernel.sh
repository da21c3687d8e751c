#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug test kernel from Debian's linux-source-6.1: tinyconfig plus
# tools/vm/debug.config (KASAN, lockdep, kmemleak, fault injection, and the
# in-tree binder as a module, which is that kernel's reference driver).
#
# The build lives in a cache outside the git tree, keyed by the config
# fragment, this script and the source package version, so a second run with
# the same inputs is instant.  Prints the build directory on stdout (usable as
# KDIR for out-of-tree modules); the build log goes to <dir>.log.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${BINDER_LANE_CACHE:-/var/cache/binder-lane}
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$({ cat "$here/debug.config" "$0"; echo "$srcver"; } | sha256sum | cut -c1-16)
out=$cache/debug-6.1-$key
log=$out.log

if [ -f "$out/.lane-done" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache"
src=$cache/linux-source-6.1-$srcver
if [ ! -f "$src/Makefile" ]; then
	echo "build-debug-kernel: extracting linux-source-6.1 $srcver" >&2
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$src.tmp" --strip-components=1
	mv "$src.tmp" "$src"
fi

rm -rf "$out"
mkdir -p "$out"
echo "build-debug-kernel: configuring in $out (log: $log)" >&2
{
	make -C "$src" O="$out" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$here/debug.config"
	make -C "$src" O="$out" olddefconfig
} >"$log" 2>&1

# Every option the fragment asks for must have survived olddefconfig:
# a checker silently dropped by a Kconfig dependency is a lane that lies.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n)
		opt=${line%%=*}
		if grep -q "^$opt=" "$out/.config"; then
			echo "build-debug-kernel: $opt should be off" >&2
			missing=1
		fi ;;
	CONFIG_*=*)
		if ! grep -qxF "$line" "$out/.config"; then
			echo "build-debug-kernel: $line did not stick" >&2
			missing=1
		fi ;;
	esac
done <"$here/debug.config"
[ "$missing" = 0 ] || exit 1

echo "build-debug-kernel: building (about 5-6 minutes on 2 cores)" >&2
if ! make -C "$src" O="$out" -j"$(nproc)" bzImage modules >>"$log" 2>&1; then
	tail -40 "$log" >&2
	exit 1
fi
touch "$out/.lane-done"
echo "$out"
