# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# In the guest, sourced by tools/vm/init.sh when FAULTINJECT is set (a list
# of intervals k): for each k, every k-th slab allocation (failslab) and
# every k-th page allocation (fail_page_alloc) of the test processes fails,
# and each selftest in /tests runs under it.  Only threads with
# make-it-fail set are hit (task-filter); a test's thread sets it for
# itself for the time of each binder open, mmap and ioctl made through
# selftests/binder_lib.c (BINDER_MAKE_IT_FAIL), so the failures land in
# the driver's paths (marked for the whole process, they all hit fork and
# the harness's setup before any binder call).  Each injected failure is
# logged with its stack on the console (verbose 2); the host counts them.
# The selftests' own results are not the verdict: they go out as TAP
# comments ("#  ").  The verdict, as TAP lines: make-it-fail reaches
# children, no test process dies of a crash signal, none is left running
# afterwards; then init.sh's usual checks (objects zero, rmmod, kmemleak).
fi_dir=/sys/kernel/debug

fi_set() { # ATTR VALUE: on failslab and fail_page_alloc both
	echo "$2" >$fi_dir/failslab/"$1" && echo "$2" >$fi_dir/fail_page_alloc/"$1"
}

fi_setup() { # K
	fi_set probability 0 &&
		fi_set task-filter Y &&
		fi_set ignore-gfp-wait N &&
		fi_set verbose 2 &&
		fi_set verbose_ratelimit_interval_ms 0 &&
		fi_set space 0 &&
		fi_set times -1 &&
		fi_set interval "$1" &&
		echo N >$fi_dir/fail_page_alloc/ignore-gfp-highmem &&
		echo 0 >$fi_dir/fail_page_alloc/min-order &&
		fi_set probability 100
}

fi_off() {
	fi_set probability 0
}

# pids of the processes of test NAME: by name (comm, 15 characters), or
# marked for fault injection
fi_left() { # NAME
	comm=$(echo "$1" | cut -c1-15)
	for p in /proc/[0-9]*; do
		if [ "$(cat "$p/make-it-fail" 2>/dev/null)" = 1 ] ||
				[ "$(cat "$p/comm" 2>/dev/null)" = "$comm" ]; then
			echo "${p#/proc/}"
		fi
	done
}

# make-it-fail reaches a forked child and what it execs
fi_inherited() {
	got=$(sh -c 'echo 1 >/proc/self/make-it-fail && (cat /proc/self/make-it-fail)')
	echo "child of a make-it-fail process: make-it-fail=$got"
	[ "$got" = 1 ]
}

# every process of the test gone within FI_WATCHDOG seconds, else killed
fi_exited() { # NAME
	for _ in $(seq "$FI_WATCHDOG"); do
		[ -z "$(fi_left "$1")" ] && return 0
		sleep 1
	done
	for p in $(fi_left "$1"); do
		echo "still running: $p $(cat /proc/"$p"/comm) state" \
			"$(sed -n 's/^State:[[:space:]]*//p' /proc/"$p"/status)"
		cat /proc/"$p"/stack 2>/dev/null
		kill -9 "$p"
	done
	false
}

# no process of the test died of SIGILL, SIGBUS, SIGFPE or SIGSEGV (an
# assertion's SIGABRT and the harness's SIGKILL of a test that timed out
# are how a selftest fails)
fi_no_crash() { # EXIT-CODE OUTPUT
	bad=0
	case $1 in 132 | 135 | 136 | 139) echo "exit $1: killed by signal $(($1 - 128))"; bad=1 ;; esac
	if grep -E 'terminated unexpectedly by signal ([^69]|[0-9][0-9])' "$2"; then
		bad=1
	fi
	[ "$bad" = 0 ]
}

fi_failed() { # FILE
	cat "$1"
	false
}

check make_it_fail_inherited fi_inherited
FI_WATCHDOG=${FI_WATCHDOG:-60}
for k in $FAULTINJECT; do
	for t in /tests/*_test; do
		tn=$(basename "$t")
		out "# fi-selftest k=$k $tn"
		echo "binder-lane: faultinject k=$k $tn" >/dev/kmsg
		if ! fi_setup "$k" >/tmp/fi.setup 2>&1; then
			check "fi.k$k.setup" fi_failed /tmp/fi.setup
			continue
		fi
		# a test's thread marks itself for each binder call
		# (binder_lib.c)
		(cd /tmp && BINDER_MAKE_IT_FAIL=1 exec timeout -s KILL "$FI_LIMIT" "$t") \
			>/tmp/fi.out 2>&1
		rc=$?
		fi_off
		echo "binder-lane: faultinject k=$k $tn done" >/dev/kmsg
		sed 's/^/#  /' /tmp/fi.out >&3
		out "# fi-exit k=$k $tn $rc"
		check "fi.k$k.$tn.no_crash" fi_no_crash "$rc" /tmp/fi.out
		check "fi.k$k.$tn.all_exited" fi_exited "$tn"
	done
done
fi_off
