// SPDX-License-Identifier: GPL-2.0
/*
 * write_consumed and read_consumed, exactly: a write stops at the command
 * that fails, and consumes none of it; write_consumed and read_consumed
 * given in are where the driver starts; a read buffer too small for a
 * BR_TRANSACTION returns BR_NOOP alone and leaves the transaction queued.
 * Conformance: the reference driver's behaviour is the spec.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS
#define BAD_CMD 0xdeadbeef

FIXTURE(client)
{
	struct binder_server s;
	void *map;
	int fd;
};

FIXTURE_SETUP(client)
{
	memset(&self->s, 0, sizeof(self->s));
	self->s.flags = BINDER_SERVER_CTX_MGR;
	ASSERT_EQ(0, binder_server_start(&self->s));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(client)
{
	close(self->fd);
	binder_server_stop(&self->s);
}

/* Our ref to the manager (desc 0): strong and weak, or -1, -1 if none */
static void ref0(int *strong, int *weak)
{
	bool dead;

	if (binder_ref_counts(getpid(), 0, strong, weak, &dead)) {
		*strong = -1;
		*weak = -1;
	}
}

/*
 * BC_INCREFS 0, BC_ACQUIRE 0, a bad command, BC_RELEASE 0: EINVAL,
 * write_consumed 16 (the bad command is not consumed), the two before it
 * done, the one after it not; read_consumed 0 and the read buffer
 * untouched although one was given.  Written again from write_consumed
 * 20 (past the bad command), the rest is done and consumed.
 */
TEST_F(client, write_stops_at_bad_command)
{
	struct binder_write_read bwr;
	struct binder_cmds c;
	uint32_t rbuf[16];
	int strong, weak;

	cmds_reset(&c);
	cmd_handle(&c, BC_INCREFS, 0);
	cmd_handle(&c, BC_ACQUIRE, 0);
	cmd_u32(&c, BAD_CMD);
	cmd_handle(&c, BC_RELEASE, 0);
	ASSERT_EQ(28, c.len);
	memset(rbuf, 0xa5, sizeof(rbuf));

	EXPECT_EQ(-1, binder_write_read(self->fd, c.buf, c.len, rbuf,
					sizeof(rbuf), &bwr));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(16, bwr.write_consumed);
	EXPECT_EQ(0, bwr.read_consumed);
	EXPECT_EQ(0xa5a5a5a5, rbuf[0]);
	ref0(&strong, &weak);
	EXPECT_EQ(1, strong);
	EXPECT_EQ(1, weak);

	memset(&bwr, 0, sizeof(bwr));
	bwr.write_buffer = (binder_uintptr_t)(uintptr_t)c.buf;
	bwr.write_size = c.len;
	bwr.write_consumed = 20;
	ASSERT_EQ(0, ioctl(self->fd, BINDER_WRITE_READ, &bwr));
	EXPECT_EQ(28, bwr.write_consumed);
	ref0(&strong, &weak);
	EXPECT_EQ(0, strong);
	EXPECT_EQ(1, weak);

	/* write_consumed == write_size: nothing to do, nothing done */
	bwr.write_consumed = c.len;
	ASSERT_EQ(0, ioctl(self->fd, BINDER_WRITE_READ, &bwr));
	EXPECT_EQ(28, bwr.write_consumed);
	ref0(&strong, &weak);
	EXPECT_EQ(0, strong);
	EXPECT_EQ(1, weak);
}

/* The bad command first: nothing consumed, nothing done */
TEST_F(client, bad_command_first)
{
	struct binder_write_read bwr;
	struct binder_cmds c;
	int strong, weak;

	cmds_reset(&c);
	cmd_u32(&c, BAD_CMD);
	cmd_handle(&c, BC_ACQUIRE, 0);
	EXPECT_EQ(-1, binder_write_read(self->fd, c.buf, c.len, NULL, 0, &bwr));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, bwr.write_consumed);
	ref0(&strong, &weak);
	EXPECT_EQ(-1, strong);
}

FIXTURE(mgr)
{
	void *map;
	int fd;
	pid_t caller;
};

FIXTURE_SETUP(mgr)
{
	self->caller = -1;
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, binder_become_context_manager(self->fd));
	ASSERT_EQ(0, binder_send_u32(self->fd, BC_ENTER_LOOPER));
}

FIXTURE_TEARDOWN(mgr)
{
	int status;

	if (self->caller > 0) {
		kill(self->caller, SIGKILL);
		waitpid(self->caller, &status, 0);
	}
	close(self->fd);
}

/* A client making one sync call ("consumed") to the manager */
static pid_t start_caller(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct binder_reader r;
		struct binder_br br;
		void *map;
		int fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);

		if (fd < 0)
			_exit(10);
		binder_reader_init(&r, fd);
		if (binder_call(&r, 0, 9, "consumed", 8, &br) != BR_REPLY)
			_exit(11);
		_exit(0);
	}
	return pid;
}

static int read_at(int fd, void *buf, size_t size, binder_size_t from,
		   struct binder_write_read *bwr)
{
	memset(bwr, 0, sizeof(*bwr));
	bwr->read_buffer = (binder_uintptr_t)(uintptr_t)buf;
	bwr->read_size = size;
	bwr->read_consumed = from;
	return ioctl(fd, BINDER_WRITE_READ, bwr);
}

/*
 * A call is queued; an 8-byte read returns just BR_NOOP (read_consumed 4)
 * and the call stays queued: the fd is still readable and the next read,
 * large enough, returns BR_NOOP and BR_TRANSACTION (read_consumed 72).
 */
TEST_F(mgr, small_read_buffer_leaves_transaction_queued)
{
	struct binder_transaction_data tr;
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	struct binder_write_read bwr;
	uint32_t buf[64];
	int status;

	self->caller = start_caller();
	ASSERT_LT(0, self->caller);
	ASSERT_EQ(1, poll(&pfd, 1, T));

	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, read_at(self->fd, buf, 8, 0, &bwr));
	EXPECT_EQ(4, bwr.read_consumed);
	EXPECT_EQ(BR_NOOP, buf[0]);
	EXPECT_EQ(0xa5a5a5a5, buf[1]);
	EXPECT_EQ(1, poll(&pfd, 1, 0));

	/* 4 bytes: the same */
	ASSERT_EQ(0, read_at(self->fd, buf, 4, 0, &bwr));
	EXPECT_EQ(4, bwr.read_consumed);
	EXPECT_EQ(BR_NOOP, buf[0]);

	ASSERT_EQ(0, read_at(self->fd, buf, sizeof(buf), 0, &bwr));
	ASSERT_EQ(2 * sizeof(uint32_t) + sizeof(tr), bwr.read_consumed);
	EXPECT_EQ(BR_NOOP, buf[0]);
	ASSERT_EQ(BR_TRANSACTION, buf[1]);
	memcpy(&tr, &buf[2], sizeof(tr));
	EXPECT_EQ(9, tr.code);
	EXPECT_EQ(8, tr.data_size);
	EXPECT_EQ(0, memcmp((void *)(uintptr_t)tr.data.ptr.buffer,
			    "consumed", 8));
	EXPECT_EQ(0xa5a5a5a5, buf[2 + sizeof(tr) / 4]);

	ASSERT_EQ(0, binder_reply(self->fd, tr.data.ptr.buffer, 0, "ok", 2,
				  NULL, 0));
	waitpid(self->caller, &status, 0);
	self->caller = -1;
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("caller status %#x", status);
}

/*
 * read_consumed given in: the driver writes from there on, with no
 * BR_NOOP (that starts only an empty buffer), and read_consumed comes
 * back as the end of what it wrote.  BC_REPLY and the read of its
 * BR_TRANSACTION_COMPLETE in one call.
 */
TEST_F(mgr, read_from_read_consumed)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	struct binder_transaction_data tr;
	struct binder_write_read bwr;
	struct binder_cmds c;
	uint32_t buf[64];
	int status;

	self->caller = start_caller();
	ASSERT_LT(0, self->caller);
	ASSERT_EQ(1, poll(&pfd, 1, T));
	/* from 12: the transaction lands at 12 */
	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, read_at(self->fd, buf, sizeof(buf), 12, &bwr));
	ASSERT_EQ(12 + sizeof(uint32_t) + sizeof(tr), bwr.read_consumed);
	EXPECT_EQ(0xa5a5a5a5, buf[0]);
	EXPECT_EQ(0xa5a5a5a5, buf[2]);
	ASSERT_EQ(BR_TRANSACTION, buf[3]);
	memcpy(&tr, &buf[4], sizeof(tr));
	EXPECT_EQ(9, tr.code);

	cmds_reset(&c);
	cmd_free_buffer(&c, tr.data.ptr.buffer);
	cmd_txn(&c, BC_REPLY, 0, 0, 0, "ok", 2, NULL, 0);
	memset(buf, 0xa5, sizeof(buf));
	memset(&bwr, 0, sizeof(bwr));
	bwr.write_buffer = (binder_uintptr_t)(uintptr_t)c.buf;
	bwr.write_size = c.len;
	bwr.read_buffer = (binder_uintptr_t)(uintptr_t)buf;
	bwr.read_size = sizeof(buf);
	bwr.read_consumed = 8;
	ASSERT_EQ(0, ioctl(self->fd, BINDER_WRITE_READ, &bwr));
	EXPECT_EQ(c.len, bwr.write_consumed);
	EXPECT_EQ(12, bwr.read_consumed);
	EXPECT_EQ(0xa5a5a5a5, buf[0]);
	EXPECT_EQ(0xa5a5a5a5, buf[1]);
	EXPECT_EQ(BR_TRANSACTION_COMPLETE, buf[2]);
	EXPECT_EQ(0xa5a5a5a5, buf[3]);

	waitpid(self->caller, &status, 0);
	self->caller = -1;
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("caller status %#x", status);
}

FIXTURE(last)
{
};

FIXTURE_SETUP(last)
{
}

FIXTURE_TEARDOWN(last)
{
}

/* Everything above is gone once its processes are: no live objects. */
TEST_F(last, no_objects_left)
{
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

TEST_HARNESS_MAIN
