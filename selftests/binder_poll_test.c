// SPDX-License-Identifier: GPL-2.0
/*
 * poll() and epoll readiness of a binder fd: readable when the polling
 * thread has work (its own, or the proc's once it is a looper), not once
 * the work is read.  Conformance: the reference driver's behaviour is the
 * spec.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS

/* poll()'s revents for fd within timeout_ms; 0 if not ready, -1 on error */
static int poll_in(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n = poll(&pfd, 1, timeout_ms);

	if (n < 0)
		return -1;
	return n ? pfd.revents : 0;
}

static int wait_byte(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&pfd, 1, timeout_ms) != 1 || read(fd, &c, 1) != 1)
		return -1;
	return 0;
}

/*
 * A client process making one sync call to the manager when told to;
 * exits 0 on the reply.  Forked before the test opens its binder fd: a
 * child holding that fd would flush it when it exits (binder_flush sets
 * "need return" on all the proc's threads, which makes them readable).
 */
struct caller {
	pid_t pid;
	int go;		/* write a byte: make the call */
	int queued;	/* a byte comes back once the call is queued */
};

static void caller_main(int go, int queued, uint32_t id)
{
	struct binder_cmds c = { .len = 0 };
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (wait_byte(go, 10000))
		_exit(9);
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	if (fd < 0)
		_exit(10);
	cmd_txn(&c, BC_TRANSACTION, 0, 7, 0, &id, sizeof(id), NULL, 0);
	/* the write returns once the call is queued for the manager */
	if (binder_write_cmds(fd, &c, NULL) || write(queued, "q", 1) != 1)
		_exit(11);
	binder_reader_init(&r, fd);
	if (binder_read_until(&r, BR_REPLY, &br, 5 * T))
		_exit(12);
	/* a reply with data must be ours: our id back */
	if (br.txn.data_size && (br.txn.data_size != sizeof(id) ||
				 memcmp(br_data(&br), &id, sizeof(id))))
		_exit(13);
	_exit(0);
}

static int caller_fork(struct caller *cl, uint32_t id)
{
	int go[2], queued[2];

	if (pipe2(go, O_CLOEXEC))
		return -1;
	if (pipe2(queued, O_CLOEXEC)) {
		close(go[0]);
		close(go[1]);
		return -1;
	}
	cl->pid = fork();
	if (cl->pid == 0) {
		close(go[1]);
		close(queued[0]);
		caller_main(go[0], queued[1], id);
	}
	close(go[0]);
	close(queued[1]);
	cl->go = go[1];
	cl->queued = queued[0];
	return cl->pid < 0 ? -1 : 0;
}

/* Make the call; 0 once it is queued */
static int caller_go(struct caller *cl)
{
	if (write(cl->go, "g", 1) != 1)
		return -1;
	return wait_byte(cl->queued, 5000);
}

/* Its exit status (0: it got the reply) */
static int caller_wait(struct caller *cl)
{
	int status = -1;

	if (cl->pid > 0)
		waitpid(cl->pid, &status, 0);
	cl->pid = -1;
	return status;
}

static void caller_stop(struct caller *cl)
{
	if (cl->pid > 0)
		kill(cl->pid, SIGKILL);
	caller_wait(cl);
	close(cl->go);
	close(cl->queued);
}

/*
 * Read everything there is into buf (one BINDER_WRITE_READ); read_consumed.
 * Waits (poll) at most T first, so a silent driver fails instead of hanging.
 */
static long read_all(int fd, uint32_t *buf, size_t size)
{
	struct binder_write_read bwr;

	if (!poll_in(fd, T))
		return -ETIMEDOUT;
	if (binder_write_read(fd, NULL, 0, buf, size, &bwr))
		return -errno;
	return bwr.read_consumed;
}

FIXTURE(mgr)
{
	struct caller cl[2];
	void *map;
	int fd;
};

FIXTURE_SETUP(mgr)
{
	ASSERT_EQ(0, caller_fork(&self->cl[0], 0xca110));
	ASSERT_EQ(0, caller_fork(&self->cl[1], 0xca111));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, binder_become_context_manager(self->fd));
}

FIXTURE_TEARDOWN(mgr)
{
	caller_stop(&self->cl[0]);
	caller_stop(&self->cl[1]);
	close(self->fd);
}

/*
 * A looper with no work is not readable; a call arriving makes it
 * POLLIN; once BR_TRANSACTION is read it is not; BC_REPLY queues
 * BR_TRANSACTION_COMPLETE on the thread: readable until read.
 */
TEST_F(mgr, poll_looper)
{
	const struct binder_transaction_data *tr;
	uint32_t buf[64];
	long n;

	ASSERT_EQ(0, binder_send_u32(self->fd, BC_ENTER_LOOPER));
	EXPECT_EQ(0, poll_in(self->fd, 0));
	EXPECT_EQ(0, poll_in(self->fd, 100));

	ASSERT_EQ(0, caller_go(&self->cl[0]));
	EXPECT_EQ(POLLIN, poll_in(self->fd, T));
	EXPECT_EQ(POLLIN, poll_in(self->fd, 0));

	n = read_all(self->fd, buf, sizeof(buf));
	ASSERT_EQ(2 * sizeof(uint32_t) + sizeof(*tr), n);
	EXPECT_EQ(BR_NOOP, buf[0]);
	ASSERT_EQ(BR_TRANSACTION, buf[1]);
	tr = (const void *)&buf[2];
	EXPECT_EQ(7, tr->code);
	EXPECT_EQ(0, poll_in(self->fd, 0));
	EXPECT_EQ(0, poll_in(self->fd, 100));

	ASSERT_EQ(0, binder_reply(self->fd, tr->data.ptr.buffer, 0, NULL, 0,
				  NULL, 0));
	EXPECT_EQ(POLLIN, poll_in(self->fd, T));
	n = read_all(self->fd, buf, sizeof(buf));
	ASSERT_EQ(2 * sizeof(uint32_t), n);
	EXPECT_EQ(BR_TRANSACTION_COMPLETE, buf[1]);
	EXPECT_EQ(0, poll_in(self->fd, 100));
	EXPECT_EQ(0, caller_wait(&self->cl[0]));
	EXPECT_EQ(0, poll_in(self->fd, 0));
}

/*
 * A thread that waits is the proc's even without BC_ENTER_LOOPER: upstream
 * only logs that as a user error, and proc work makes the thread
 * readable and is read by it.
 */
TEST_F(mgr, proc_work_without_looper)
{
	const struct binder_transaction_data *tr;
	uint32_t buf[64];
	long n;

	EXPECT_EQ(0, poll_in(self->fd, 0));
	ASSERT_EQ(0, caller_go(&self->cl[0]));
	EXPECT_EQ(POLLIN, poll_in(self->fd, T));
	n = read_all(self->fd, buf, sizeof(buf));
	ASSERT_EQ(2 * sizeof(uint32_t) + sizeof(*tr), n);
	ASSERT_EQ(BR_TRANSACTION, buf[1]);
	tr = (const void *)&buf[2];
	EXPECT_EQ(0, poll_in(self->fd, 0));
	ASSERT_EQ(0, binder_reply(self->fd, tr->data.ptr.buffer, 0, NULL, 0,
				  NULL, 0));
	n = read_all(self->fd, buf, sizeof(buf));
	EXPECT_EQ(BR_TRANSACTION_COMPLETE, buf[1]);
	EXPECT_EQ(0, caller_wait(&self->cl[0]));
}

/* The same with epoll, level-triggered, on one thread */
TEST_F(mgr, epoll_looper)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	const struct binder_transaction_data *tr;
	uint32_t buf[64];
	int ep;
	long n;

	ASSERT_EQ(0, binder_send_u32(self->fd, BC_ENTER_LOOPER));
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 100));

	ASSERT_EQ(0, caller_go(&self->cl[0]));
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, T));
	EXPECT_EQ(EPOLLIN, out.events);
	/* level-triggered: still there until read */
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 0));

	n = read_all(self->fd, buf, sizeof(buf));
	ASSERT_EQ(2 * sizeof(uint32_t) + sizeof(*tr), n);
	ASSERT_EQ(BR_TRANSACTION, buf[1]);
	tr = (const void *)&buf[2];
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 100));

	ASSERT_EQ(0, binder_reply(self->fd, tr->data.ptr.buffer, 0, NULL, 0,
				  NULL, 0));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, T));
	n = read_all(self->fd, buf, sizeof(buf));
	EXPECT_EQ(BR_TRANSACTION_COMPLETE, buf[1]);
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 100));
	EXPECT_EQ(0, caller_wait(&self->cl[0]));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));

	EXPECT_EQ(0, epoll_ctl(ep, EPOLL_CTL_DEL, self->fd, &ev));
	close(ep);
}

/* Two calls queued for the proc: readable until both are read */
TEST_F(mgr, readable_until_all_read)
{
	uint32_t buf[64];
	const struct binder_transaction_data *tr = (const void *)&buf[2];
	long n;

	ASSERT_EQ(0, binder_send_u32(self->fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, caller_go(&self->cl[0]));
	ASSERT_EQ(0, caller_go(&self->cl[1]));
	EXPECT_EQ(POLLIN, poll_in(self->fd, 0));
	n = read_all(self->fd, buf, sizeof(buf));
	ASSERT_EQ(2 * sizeof(uint32_t) + sizeof(*tr), n);
	ASSERT_EQ(BR_TRANSACTION, buf[1]);
	/* with a transaction on our stack, proc work is not for us */
	EXPECT_EQ(0, poll_in(self->fd, 0));
	ASSERT_EQ(0, binder_reply(self->fd, tr->data.ptr.buffer, 0, NULL, 0,
				  NULL, 0));
	/* BR_TRANSACTION_COMPLETE, then (in the same read or the next) the
	 * second call
	 */
	EXPECT_EQ(POLLIN, poll_in(self->fd, 0));
	n = read_all(self->fd, buf, sizeof(buf));
	ASSERT_LE(2 * sizeof(uint32_t), n);
	EXPECT_EQ(BR_TRANSACTION_COMPLETE, buf[1]);
	if (n == 2 * sizeof(uint32_t)) {
		EXPECT_EQ(POLLIN, poll_in(self->fd, 0));
		n = read_all(self->fd, buf + 1, sizeof(buf) - sizeof(buf[0]));
		n += sizeof(uint32_t);
	}
	ASSERT_EQ(3 * sizeof(uint32_t) + sizeof(*tr), n);
	ASSERT_EQ(BR_TRANSACTION, buf[2]);
	tr = (const void *)&buf[3];
	EXPECT_EQ(0, poll_in(self->fd, 0));
	ASSERT_EQ(0, binder_reply(self->fd, tr->data.ptr.buffer, 0, NULL, 0,
				  NULL, 0));
	n = read_all(self->fd, buf, sizeof(buf));
	EXPECT_EQ(BR_TRANSACTION_COMPLETE, buf[1]);
	EXPECT_EQ(0, poll_in(self->fd, 100));
	EXPECT_EQ(0, caller_wait(&self->cl[0]));
	EXPECT_EQ(0, caller_wait(&self->cl[1]));
}

/*
 * One transaction per read: with two calls queued and room for both, a
 * read returns one BR_TRANSACTION; each reply (echoing the request's
 * data) goes to its own caller.
 */
TEST_F(mgr, one_transaction_per_read)
{
	uint32_t buf[128];
	const struct binder_transaction_data *tr = (const void *)&buf[2];
	int i;
	long n;

	ASSERT_EQ(0, binder_send_u32(self->fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, caller_go(&self->cl[0]));
	ASSERT_EQ(0, caller_go(&self->cl[1]));
	for (i = 0; i < 2; i++) {
		n = read_all(self->fd, buf, sizeof(buf));
		/* BR_TRANSACTION_COMPLETE of the first reply may come alone */
		if (n == 2 * sizeof(uint32_t) &&
		    buf[1] == BR_TRANSACTION_COMPLETE)
			n = read_all(self->fd, buf, sizeof(buf));
		ASSERT_LE(2 * sizeof(uint32_t) + sizeof(*tr), n);
		if (buf[1] == BR_TRANSACTION_COMPLETE) {
			memmove(&buf[1], &buf[2], n - 2 * sizeof(uint32_t));
			n -= sizeof(uint32_t);
		}
		EXPECT_EQ(2 * sizeof(uint32_t) + sizeof(*tr), n);
		ASSERT_EQ(BR_TRANSACTION, buf[1]);
		ASSERT_EQ(sizeof(uint32_t), tr->data_size);
		ASSERT_EQ(0, binder_reply(self->fd, 0, 0,
					  (void *)(uintptr_t)tr->data.ptr.buffer,
					  sizeof(uint32_t), NULL, 0));
		EXPECT_EQ(0, binder_free_buffer(self->fd, tr->data.ptr.buffer));
	}
	EXPECT_EQ(0, caller_wait(&self->cl[0]));
	EXPECT_EQ(0, caller_wait(&self->cl[1]));
}

/*
 * Closing any fd of the binder file (here a dup; a forked child's exit
 * does the same) flushes it: every thread of the proc must return to user
 * space, so an idle looper becomes readable and its read returns BR_NOOP
 * alone; then it is idle again.
 */
TEST_F(mgr, flush_makes_threads_return)
{
	uint32_t buf[64];
	int i;

	ASSERT_EQ(0, binder_send_u32(self->fd, BC_ENTER_LOOPER));
	EXPECT_EQ(0, poll_in(self->fd, 0));
	ASSERT_EQ(0, close(dup(self->fd)));
	/* the flush is deferred work, and wakes no poller: poll again */
	for (i = 0; i < 100 && !poll_in(self->fd, 0); i++)
		usleep(10000);
	EXPECT_EQ(POLLIN, poll_in(self->fd, 0));
	EXPECT_EQ(sizeof(uint32_t), read_all(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(BR_NOOP, buf[0]);
	EXPECT_EQ(0, poll_in(self->fd, 100));
}

/*
 * A thread's first poll finds it readable: a new thread must return from
 * its first read at once (with BR_NOOP), and poll says so.  After that
 * read it is not readable.
 */
TEST(new_thread_readable_once)
{
	uint32_t buf[8];
	int fd = binder_open_dev(BINDER_DEV, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(POLLIN, poll_in(fd, 0));
	EXPECT_EQ(sizeof(uint32_t), read_all(fd, buf, sizeof(buf)));
	EXPECT_EQ(BR_NOOP, buf[0]);
	EXPECT_EQ(0, poll_in(fd, 0));
	EXPECT_EQ(0, poll_in(fd, 100));
	close(fd);
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
