# SPDX-License-Identifier: GPL-2.0
#
# Reads a fault-injection run's console log (tools/faultinject/guest.sh).
#   awk -v mode=filter: the log without the injected failures' own lines
#       (the "FAULT_INJECTION: forcing a failure" notice and its stack), so
#       the lane's report patterns (Call Trace:, ...) see only the rest;
#       any other line printed inside such a block is kept.
#   awk -v mode=count: per interval k and in total, how many failures were
#       injected, how many of them with binder_linux on the stack, and the
#       distinct failure points: the innermost binder_linux frame
#       (function+offset) of each stack.  Lines:
#         k=K injected N driver N points N
#         total injected N driver N points N
#         point K FUNC+OFF COUNT        (one per point and k)
{ sub(/\r$/, "") }

/binder-lane: faultinject k=[0-9]+ / {
	k = $0
	sub(/.*binder-lane: faultinject k=/, "", k)
	sub(/ .*/, "", k)
	if (!(k in seen_k)) {
		seen_k[k] = 1
		order[nk++] = k
	}
}

# a notice and its stack may come apart (another CPU's stack between):
# each notice's stack is the next "CPU: ... Comm:" header outside a stack
/FAULT_INJECTION: forcing a failure/ {
	pending++
	injected[k]++
	total++
	if (mode == "filter")
		next
}

!inblk && pending > 0 && /^CPU: [0-9]+ PID: [0-9]+ Comm: / {
	pending--
	inblk = 1
	site = ""
	if (mode == "filter")
		next
}

inblk && /^ *<\/TASK>$/ {
	inblk = 0
	if (site != "") {
		driver[k]++
		alldriver++
		if (!((k, site) in hits))
			points[k]++
		hits[k, site]++
		if (!(site in allhits))
			allpoints++
		allhits[site]++
	}
	if (mode == "filter")
		next
}

# the innermost reliable binder_linux frame of the stack
inblk && site == "" && /^ *[A-Za-z0-9_.]+\+0x[0-9a-f]+\/0x[0-9a-f]+ \[binder_linux\]$/ {
	site = $1
	sub(/\/0x[0-9a-f]+$/, "", site)
}

mode == "filter" && /^name (failslab|fail_page_alloc), interval / { next }

mode == "filter" && inblk &&
	(/^name (failslab|fail_page_alloc), interval / ||
	 /^CPU: [0-9]+ PID: [0-9]+ Comm: / ||
	 /^Hardware name: / ||
	 /^Call Trace:$/ ||
	 /^ *<TASK>$/ ||
	 /^ *(\? )?[A-Za-z0-9_.]+\+0x[0-9a-f]+\/0x[0-9a-f]+( \[[A-Za-z0-9_]+\])?$/ ||
	 /^(RIP|Code|RSP|RAX|RDX|RBP|R10|R13): /) {
	next
}

mode == "filter" { print }

END {
	if (mode != "count")
		exit
	for (i = 0; i < nk; i++) {
		kk = order[i]
		printf "k=%s injected %d driver %d points %d\n", kk, injected[kk],
			driver[kk], points[kk]
	}
	printf "total injected %d driver %d points %d\n", total, alldriver, allpoints
	for (key in hits) {
		split(key, part, SUBSEP)
		printf "point %s %s %d\n", part[1], part[2], hits[key]
	}
}
