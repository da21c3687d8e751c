#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side test of console.awk on a captured-style console (testdata/):
# the injected failures' stacks go, a report printed inside one and a
# stack outside any stay; the failure points are the innermost reliable
# binder_linux frames, per k and in total.  (make test-tools)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v mode=filter -f "$here/console.awk" "$here/testdata/console.log" >"$tmp/filter"
diff -u "$here/testdata/filter.expected" "$tmp/filter"
awk -v mode=count -f "$here/console.awk" "$here/testdata/console.log" >"$tmp/raw"
{ grep -v '^point ' "$tmp/raw"; grep '^point ' "$tmp/raw" | sort; } >"$tmp/count"
diff -u "$here/testdata/count.expected" "$tmp/count"
echo "faultinject console.awk: ok"
