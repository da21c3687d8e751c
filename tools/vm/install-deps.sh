#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the build, the checks and the VM lane need, from
# Debian's packages.  Idempotent: does nothing when all are present.
set -euo pipefail

pkgs=(
	build-essential kmod xz-utils cpio busybox-static qemu-system-x86
	sparse dkms graphviz python3 linux-source-6.1
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	flex bison bc libelf-dev libssl-dev
	# binder_lsm_test: a BPF LSM policy (clang, bpftool, static libbpf);
	# the debug kernel's BTF (pahole)
	clang libbpf-dev bpftool zlib1g-dev libzstd-dev dwarves
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
