#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel.sh NAME WHAT: where the lane finds one test kernel's parts.
#   NAME  6.1 (Debian's linux-image-amd64), 6.12 (linux-image-6.12-amd64),
#         debug (built from linux-source-6.1 by build-debug-kernel.sh)
#   WHAT  kdir     directory to build out-of-tree modules against
#         image    the bzImage to boot
#         refmod   Debian's (or the debug tree's) binder_linux.ko, maybe .xz
#         uapi     the include/uapi directory of that kernel's headers
#         release  the kernel release string (uname -r in the guest)
set -euo pipefail

name=$1
what=$2
here=$(cd "$(dirname "$0")" && pwd)

debian_release() {
	local r
	r=$(cd /lib/modules && ls -d "$1".*-amd64 2>/dev/null | sort -V | tail -n1)
	[ -n "$r" ] && [ -d "/lib/modules/$r/build" ] && [ -f "/boot/vmlinuz-$r" ] || {
		echo "kernel.sh: no Debian $1 kernel with headers installed" >&2
		exit 1
	}
	echo "$r"
}

# The source tree behind a build dir: Debian's arch headers and an O= build
# dir both hold a Makefile that includes the real one.
srctree() {
	local inc
	inc=$(sed -n 's|^include \(/.*\)/Makefile$|\1|p' "$1/Makefile" | head -n1)
	echo "${inc:-$1}"
}

case $name in
6.1 | 6.12)
	release=$(debian_release "$name")
	kdir=/lib/modules/$release/build
	image=/boot/vmlinuz-$release
	refmod=$(ls /lib/modules/"$release"/kernel/drivers/android/binder_linux.ko* | head -n1)
	;;
debug)
	kdir=$("$here/build-debug-kernel.sh")
	image=$kdir/arch/x86/boot/bzImage
	refmod=$kdir/drivers/android/binder_linux.ko
	release=$(cat "$kdir/include/config/kernel.release")
	;;
*)
	echo "kernel.sh: unknown kernel '$name' (6.1, 6.12 or debug)" >&2
	exit 1
	;;
esac

case $what in
kdir) echo "$kdir" ;;
image) echo "$image" ;;
refmod) echo "$refmod" ;;
uapi) echo "$(srctree "$kdir")/include/uapi" ;;
release) echo "$release" ;;
*) echo "kernel.sh: unknown part '$what'" >&2; exit 1 ;;
esac
