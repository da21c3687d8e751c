#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# binder-graph on captured binder/state dumps (testdata/, see its README):
# the DOT text must hold every statement of NAME.expect and exactly the
# number of arrows it names; with Graphviz present, the DOT must render.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fail=0 n=0
for st in "$here"/testdata/*.state; do
	name=$(basename "$st" .state)
	exp=$here/testdata/$name.expect
	n=$((n + 1))
	if ! dot_out=$("$here/binder-graph" "$st"); then
		echo "not ok $n $name: binder-graph failed"; fail=1; continue
	fi
	bad=
	while IFS= read -r want; do
		case $want in
		'#'* | '') ;;
		'edges '*)
			got=$(grep -c -- ' -> ' <<<"$dot_out")
			[ "$got" = "${want#edges }" ] || bad="$bad; $got arrows, want ${want#edges }" ;;
		*)
			grep -qxF -- "$want" <<<"$dot_out" || bad="$bad; missing: $want" ;;
		esac
	done <"$exp"
	if command -v dot >/dev/null && ! dot -Tsvg <<<"$dot_out" >/dev/null; then
		bad="$bad; dot cannot render it"
	fi
	if [ -n "$bad" ]; then
		echo "not ok $n $name${bad/#;/:}"; fail=1
	else
		echo "ok $n $name"
	fi
done
# not a state dump: a clear error, no graph
if "$here/binder-graph" /dev/null >/dev/null 2>&1; then
	echo "not ok $((n + 1)) refuses a file that is not a state dump"; fail=1
else
	echo "ok $((n + 1)) refuses a file that is not a state dump"
fi
exit $fail
