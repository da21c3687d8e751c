// SPDX-License-Identifier: GPL-2.0
/*
 * Oneway spam detection: a sender that fills a target's async space is
 * told BR_ONEWAY_SPAM_SUSPECT (instead of BR_TRANSACTION_COMPLETE) once,
 * when it enabled BINDER_ENABLE_ONEWAY_SPAM_DETECTION.  Upstream starts
 * suspecting when less than a tenth of the area is free for async
 * buffers and the sender holds more than 50 of them or a quarter of the
 * area.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define CHUNK	8192	/* 1 MiB area: about 63 fit in the async half */

struct flood {
	int sent;		/* oneway calls that completed (either way) */
	int suspects;		/* of which flagged BR_ONEWAY_SPAM_SUSPECT */
	int first_suspect;	/* index of the first flagged one, or -1 */
	uint32_t last;		/* what ended the flood */
};

/* Oneway calls of CHUNK bytes to a manager that never reads, until one fails. */
static void flood(int fd, struct flood *f)
{
	static char data[CHUNK];
	struct binder_reader r;
	struct binder_br br;
	int i;

	memset(f, 0, sizeof(*f));
	f->first_suspect = -1;
	binder_reader_init(&r, fd);
	for (i = 0; i < 200; i++) {
		f->last = binder_transact(&r, 0, 1, TF_ONE_WAY, data,
					  sizeof(data), NULL, 0, &br);
		if (f->last != BR_TRANSACTION_COMPLETE &&
		    f->last != BR_ONEWAY_SPAM_SUSPECT)
			return;
		if (f->last == BR_ONEWAY_SPAM_SUSPECT) {
			if (f->first_suspect < 0)
				f->first_suspect = i;
			f->suspects++;
		}
		f->sent++;
	}
}

FIXTURE(spam) {
	struct binder_server s;
	void *map;
	int fd;
};

FIXTURE_SETUP(spam)
{
	memset(&self->s, 0, sizeof(self->s));
	self->s.flags = BINDER_SERVER_CTX_MGR | BINDER_SERVER_NO_LOOP;
	ASSERT_EQ(0, binder_server_start(&self->s));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(spam)
{
	close(self->fd);
	binder_server_stop(&self->s);
}

TEST_F(spam, reported_once_when_enabled)
{
	uint32_t enable = 1;
	struct flood f;

	ASSERT_EQ(0, ioctl(self->fd, BINDER_ENABLE_ONEWAY_SPAM_DETECTION,
			   &enable));
	flood(self->fd, &f);
	/* the async half filled up: the call that did not fit failed */
	EXPECT_EQ(BR_FAILED_REPLY, f.last);
	EXPECT_LT(50, f.sent);
	EXPECT_EQ(1, f.suspects);
	/* not before the sender holds more than 50 buffers */
	EXPECT_LE(50, f.first_suspect);
}

TEST_F(spam, silent_when_not_enabled)
{
	struct flood f;

	flood(self->fd, &f);
	EXPECT_EQ(BR_FAILED_REPLY, f.last);
	EXPECT_LT(50, f.sent);
	EXPECT_EQ(0, f.suspects);
}

TEST_F(spam, enable_bad_pointer)
{
	EXPECT_EQ(-1, ioctl(self->fd, BINDER_ENABLE_ONEWAY_SPAM_DETECTION,
			    (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_HARNESS_MAIN
