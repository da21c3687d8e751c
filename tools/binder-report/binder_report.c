// SPDX-License-Identifier: GPL-2.0
/*
 * binder-report: print the binder driver's failed-transaction reports
 * (generic netlink family "binder", multicast group "report", upstream
 * 6.18's format; our driver sends them on 6.1 and 6.12 too), one line
 * each, as they come.  Needs CAP_NET_ADMIN.
 *
 *   binder-report [-n COUNT] [-t SECONDS]
 *
 * Exits 0 after COUNT reports or SECONDS without one (default: forever),
 * 1 when the family is not there (a driver without reports).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binder_lib.h"

static const char *br_name(uint32_t br)
{
	switch (br) {
	case BR_FAILED_REPLY:
		return "BR_FAILED_REPLY";
	case BR_DEAD_REPLY:
		return "BR_DEAD_REPLY";
	case BR_FROZEN_REPLY:
		return "BR_FROZEN_REPLY";
	default:
		return "BR_?";
	}
}

int main(int argc, char **argv)
{
	int count = -1, timeout_s = -1, opt, fd, n = 0;
	struct binder_nl_report rep;

	while ((opt = getopt(argc, argv, "n:t:")) != -1) {
		switch (opt) {
		case 'n':
			count = atoi(optarg);
			break;
		case 't':
			timeout_s = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-n COUNT] [-t SECONDS]\n", argv[0]);
			return 2;
		}
	}
	fd = binder_report_open();
	if (fd < 0) {
		fprintf(stderr, "binder-report: %s\n", fd == -ENOENT ?
			"no netlink family \"binder\" (is our binder_linux loaded?)" :
			strerror(-fd));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (count < 0 || n < count) {
		int ret = binder_report_read(fd, &rep, timeout_s < 0 ?
					     24 * 3600 * 1000 : timeout_s * 1000);

		if (ret == -ETIMEDOUT && timeout_s >= 0)
			break;
		if (ret == -ETIMEDOUT)
			continue;
		if (ret) {
			fprintf(stderr, "binder-report: %s\n", strerror(-ret));
			return 1;
		}
		printf("%s %s context %s from %u:%u to %s%u:%u code 0x%x flags 0x%x size %u\n",
		       rep.is_reply ? "reply" : "call", br_name(rep.error),
		       rep.context, rep.from_pid, rep.from_tid,
		       rep.has_to_pid ? "" : "?", rep.to_pid, rep.to_tid,
		       rep.code, rep.flags, rep.data_size);
		n++;
	}
	close(fd);
	return 0;
}
