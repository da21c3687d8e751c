#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: the module must be clean under sparse (C=2) and W=1 on every
# Debian kernel we build for, and under checkpatch.pl --strict.
#   check.sh [KDIR]   KDIR adds one more kernel to check against
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
vm=$top/tools/vm
cache=${BINDER_LANE_CACHE:-/var/cache/binder-lane}
fail=0

"$vm/install-deps.sh"

kdirs=$(for k in "$("$vm/kernel.sh" 6.1 kdir)" "$("$vm/kernel.sh" 6.12 kdir)" ${1:+"$1"}; do
	readlink -f "$k"
done | sort -u)

for kdir in $kdirs; do
	out=$top/build/check/$(basename "$(readlink -f "$kdir")")
	rm -rf "$out"
	mkdir -p "$out"
	cp -p "$top"/Kbuild "$top"/*.c "$top"/*.h "$out/"
	cp -rp "$top/include" "$out/"
	# with the debug-only allocator self-test, so it is checked too
	if ! make -s -C "$kdir" M="$out" W=1 C=2 BINDER_ALLOC_SELFTEST=y \
			modules >"$out.log" 2>&1 ||
	   grep -qE 'warning:|error:' "$out.log"; then
		echo "check: sparse/W=1 against $kdir:" >&2
		cat "$out.log" >&2
		fail=1
	else
		echo "check: sparse + W=1 clean against $kdir"
	fi
done

# checkpatch.pl and its data files come from Debian's linux-source-6.1.
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
cp_dir=$cache/checkpatch-$ver
if [ ! -x "$cp_dir/checkpatch.pl" ]; then
	mkdir -p "$cp_dir"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$cp_dir" --strip-components=2 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi
files=$(cd "$top" && git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null || ls ./*.c ./*.h include/*.h selftests/*.c selftests/*.h)
# userspace C: the selftests, the fuzzer and binder-report (<stdint.h> types)
user='^(selftests|tools/fuzz|tools/binder-report)/'
kfiles=$(echo "$files" | tr ' ' '\n' | grep -vE "$user" || true)
ufiles=$(echo "$files" | tr ' ' '\n' | grep -E "$user" || true)
cp() { (cd "$top" && "$cp_dir/checkpatch.pl" --strict --no-tree --quiet --show-types \
		--ignore FILE_PATH_CHANGES "$@"); }
# Userspace C uses <stdint.h> types, not u32/s64.
if cp -f $kfiles && cp --ignore PREFER_KERNEL_TYPES -f $ufiles; then
	echo "check: checkpatch --strict clean ($(echo "$files" | wc -w) files)"
else
	fail=1
fi
exit $fail
