// SPDX-License-Identifier: GPL-2.0
/*
 * The two field bugs our driver was written for (shared/seeds):
 *
 * 001: a process's mapping is gone before its file is released, and every
 *      transaction to it fails with "binder_alloc_buf, no vma", flooding
 *      the log.  Here the target unmaps its area itself (munmap, keeping
 *      the fd): calls to it fail with BR_DEAD_REPLY on both drivers, its
 *      node stays alive; ours logs "no vma" once for that proc.
 *
 * 000: a process dies while someone else (a forked child, a process it
 *      passed the fd to over a UNIX socket) still holds its binder file.
 *      Upstream keeps the proc (debugfs binder/proc/<pid>), its nodes never
 *      die and nobody gets BR_DEAD_BINDER until the holder lets go.  Ours:
 *      the proc is dead at once: BR_DEAD_BINDER, BR_DEAD_REPLY, "proc dead",
 *      its buffers and pages freed, and the holder's ioctls fail (ESRCH).
 *
 * What both drivers do is tested on both; the rest skips on the reference
 * (which is then only observed, and what it did is logged).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS
#define COOKIE 0x5eed0000ULL
#define EXTENSION "extension of our driver"

#define CODE_MUNMAP	20	/* munmap the area, keep the fd */
#define CODE_FORK	21	/* fork a holder of the binder fd */
#define CODE_SEND_FD	22	/* send the binder fd over the socket */
#define CODE_KEEP	23	/* keep the request's buffer */

/* Shared by the test, its server and the holder (fds made before forking) */
struct seed_ctx {
	int cmd[2];	/* test -> holder: 'p' probe; EOF: go */
	int res[2];	/* holder -> test: struct probe */
	int sock[2];	/* server -> receiver: SCM_RIGHTS */
};

/* What a holder of a dead proc's file gets */
struct probe {
	int version_err;	/* BINDER_VERSION: 0 or errno */
	int wr_err;		/* BINDER_WRITE_READ (BC_ENTER_LOOPER) */
	int poll_revents;	/* poll(POLLIN, 0 ms) */
};

static void holder_main(struct seed_ctx *ctx, int fd)
{
	char c;

	close(ctx->cmd[1]);
	close(ctx->res[0]);
	/* ready */
	if (write(ctx->res[1], "r", 1) != 1)
		_exit(1);
	while (read(ctx->cmd[0], &c, 1) == 1) {
		struct binder_write_read bwr;
		uint32_t cmd = BC_ENTER_LOOPER;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct binder_version v;
		struct probe p = { 0 };

		if (ioctl(fd, BINDER_VERSION, &v))
			p.version_err = errno;
		if (binder_write_read(fd, &cmd, sizeof(cmd), NULL, 0, &bwr))
			p.wr_err = errno;
		if (poll(&pfd, 1, 0) < 0)
			p.poll_revents = -errno;
		else
			p.poll_revents = pfd.revents;
		if (write(ctx->res[1], &p, sizeof(p)) != sizeof(p))
			_exit(1);
	}
	_exit(0);
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static void seed_handler(struct binder_server *s, struct binder_reader *r,
			 const struct binder_br *tr, struct binder_answer *ans)
{
	struct seed_ctx *ctx = s->arg;
	int32_t ret = 0;
	pid_t pid;

	switch (tr->txn.code) {
	case CODE_MUNMAP:
		if (munmap(s->map, BINDER_MAP_SIZE))
			ret = -errno;
		break;
	case CODE_FORK:
		pid = fork();
		if (pid == 0) {
			close(s->event_wr);
			holder_main(ctx, s->fd);
		}
		ret = pid < 0 ? -errno : pid;
		break;
	case CODE_SEND_FD:
		ret = send_fd(ctx->sock[0], s->fd);
		break;
	case CODE_KEEP:
		ans->keep_buffer = true;
		break;
	default:
		return;
	}
	memcpy(ans->data, &ret, sizeof(ret));
	ans->size = sizeof(ret);
}

/* A sync call answered with an int32; the int, or INT32_MIN (logged) */
static int32_t call_int(struct binder_reader *r, uint32_t code)
{
	struct binder_br br;
	int32_t v = INT32_MIN;
	int ret;

	ret = binder_call(r, 0, code, NULL, 0, &br);
	if (ret != BR_REPLY) {
		fprintf(stderr, "# call %u: %#x\n", code, ret);
		return INT32_MIN;
	}
	if (br.txn.data_size == sizeof(v))
		memcpy(&v, br_data(&br), sizeof(v));
	binder_free_buffer(r->fd, br.txn.data.ptr.buffer);
	return v;
}

/* Our lifecycle line of pid's proc contains what; false if no proc */
static bool lifecycle_says(pid_t pid, const char *what)
{
	static char buf[65536];
	char *line;

	if (binder_read_proc(pid, buf, sizeof(buf)) < 0)
		return false;
	line = strstr(buf, "  lifecycle: ");
	if (!line)
		return false;
	*strchrnul(line, '\n') = '\0';
	return strstr(line, what);
}

/* Wait until binder/proc/<pid> is gone; true if it went */
static bool proc_gone(pid_t pid, int timeout_ms)
{
	char path[64];
	int i;

	snprintf(path, sizeof(path), BINDER_DEBUGFS "/proc/%d", pid);
	for (i = 0; i < timeout_ms / 10 && access(path, F_OK) == 0; i++)
		usleep(10000);
	return access(path, F_OK) != 0;
}

/*
 * A manager server; the test's thread is a looper (deaths are proc work)
 * holding a strong ref to handle 0 with a death notification on it.
 */
FIXTURE(seed)
{
	struct seed_ctx ctx;
	struct binder_server s;
	struct binder_reader r;
	pid_t receiver;
	void *map;
	int fd;
};

FIXTURE_VARIANT(seed)
{
	const char *holder;	/* none, fork, socket */
};

FIXTURE_VARIANT_ADD(seed, plain) { .holder = "none" };
FIXTURE_VARIANT_ADD(seed, forked_child) { .holder = "fork" };
FIXTURE_VARIANT_ADD(seed, fd_over_socket) { .holder = "socket" };

FIXTURE_SETUP(seed)
{
	struct binder_cmds c = { .len = 0 };

	self->receiver = 0;
	ASSERT_EQ(0, pipe2(self->ctx.cmd, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(self->ctx.res, O_CLOEXEC));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				self->ctx.sock));
	if (!strcmp(variant->holder, "socket")) {
		/* before any binder fd of ours exists: it holds only the target's */
		self->receiver = fork();
		ASSERT_LE(0, self->receiver);
		if (self->receiver == 0) {
			int fd;

			close(self->ctx.sock[0]);
			fd = recv_fd(self->ctx.sock[1]);
			if (fd < 0)
				_exit(1);
			holder_main(&self->ctx, fd);
		}
	}
	memset(&self->s, 0, sizeof(self->s));
	self->s.flags = BINDER_SERVER_CTX_MGR;
	self->s.handler = seed_handler;
	self->s.arg = &self->ctx;
	ASSERT_EQ(0, binder_server_start(&self->s));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	binder_reader_init(&self->r, self->fd);
	cmd_u32(&c, BC_ENTER_LOOPER);
	cmd_handle(&c, BC_ACQUIRE, 0);
	cmd_death(&c, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
}

FIXTURE_TEARDOWN(seed)
{
	/* EOF: a holder lets go */
	close(self->ctx.cmd[1]);
	close(self->ctx.sock[0]);
	close(self->fd);
	binder_server_stop(&self->s);
	if (self->receiver > 0)
		waitpid(self->receiver, NULL, 0);
}

/* Wait for the holder's "ready" byte. */
static int holder_ready(struct seed_ctx *ctx)
{
	struct pollfd pfd = { .fd = ctx->res[0], .events = POLLIN };
	char c;

	if (poll(&pfd, 1, T) != 1 || read(ctx->res[0], &c, 1) != 1 || c != 'r')
		return -1;
	return 0;
}

static int holder_probe(struct seed_ctx *ctx, struct probe *p)
{
	struct pollfd pfd = { .fd = ctx->res[0], .events = POLLIN };

	if (write(ctx->cmd[1], "p", 1) != 1)
		return -1;
	if (poll(&pfd, 1, T) != 1 ||
	    read(ctx->res[0], p, sizeof(*p)) != sizeof(*p))
		return -1;
	return 0;
}

/*
 * Seed 000: the target is killed with SIGKILL, with or without someone
 * else holding its binder file.
 */
TEST_F(seed, killed_target)
{
	bool ours = binder_is_ours(), held = strcmp(variant->holder, "none");
	struct binder_cmds c = { .len = 0 };
	pid_t owner = self->s.pid;
	struct binder_br br;
	struct probe p;
	int ret, i, threads, strong, weak;
	bool dead = false;

	/* the target holds one of our buffers when it dies */
	ASSERT_EQ(0, call_int(&self->r, CODE_KEEP));
	ASSERT_EQ(1, binder_proc_count(owner, "  buffer "));
	if (!strcmp(variant->holder, "fork")) {
		ASSERT_LT(0, call_int(&self->r, CODE_FORK));
		ASSERT_EQ(0, holder_ready(&self->ctx));
	} else if (!strcmp(variant->holder, "socket")) {
		ASSERT_EQ(0, call_int(&self->r, CODE_SEND_FD));
		ASSERT_EQ(0, holder_ready(&self->ctx));
	}
	threads = binder_proc_count(owner, "  thread ");
	ASSERT_LT(0, threads);

	binder_server_stop(&self->s);

	/* the node dies now, holder or not (upstream: only without one) */
	ret = binder_read_until(&self->r, BR_DEAD_BINDER, &br, 1000);
	if (!ours && held) {
		TH_LOG("reference: BR_DEAD_BINDER within 1 s of the kill: %s",
		       ret ? "no" : "yes");
	} else {
		ASSERT_EQ(0, ret) TH_LOG("no BR_DEAD_BINDER within 1 s");
		EXPECT_EQ(COOKIE, br.cookie);
		cmd_ptr(&c, BC_DEAD_BINDER_DONE, COOKIE);
		EXPECT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	}

	/* calls fail with BR_DEAD_REPLY on both drivers, sync and oneway */
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(BR_DEAD_REPLY, binder_call(&self->r, 0, 1, NULL, 0, &br));
		EXPECT_EQ(BR_DEAD_REPLY, binder_transact(&self->r, 0, 1, TF_ONE_WAY,
							 NULL, 0, NULL, 0, &br));
	}

	if (!held) {
		EXPECT_TRUE(proc_gone(owner, 1000));
		return;
	}

	if (!ours) {
		/* observe what upstream does, then skip */
		TH_LOG("reference: binder/proc/%d still there: %s", owner,
		       proc_gone(owner, 0) ? "no" : "yes");
		if (!holder_probe(&self->ctx, &p))
			TH_LOG("reference: holder's BINDER_VERSION %d, WRITE_READ %d, poll %#x",
			       p.version_err, p.wr_err, p.poll_revents);
		close(self->ctx.cmd[1]);
		self->ctx.cmd[1] = -1;
		ret = binder_read_until(&self->r, BR_DEAD_BINDER, &br, 1000);
		TH_LOG("reference: BR_DEAD_BINDER once the holder let go: %s",
		       ret ? "no" : "yes");
		SKIP(return, EXTENSION);
	}

	/* ours: the proc is dead, though its file is still held */
	EXPECT_TRUE(lifecycle_says(owner, "proc dead since"));
	EXPECT_TRUE(lifecycle_says(owner, "vma torn down at exit"));
	EXPECT_EQ(1, binder_proc_value(owner, "  file refs: "));
	EXPECT_EQ(0, binder_proc_count(owner, "  buffer "));
	EXPECT_EQ(0, binder_proc_value(owner, "  pages resident: "));
	EXPECT_EQ(0, binder_ref_counts(getpid(), 0, &strong, &weak, &dead));
	EXPECT_TRUE(dead);
	/* the holder cannot use it, and creates no thread in it */
	ASSERT_EQ(0, holder_probe(&self->ctx, &p));
	EXPECT_EQ(ESRCH, p.version_err);
	EXPECT_EQ(ESRCH, p.wr_err);
	EXPECT_EQ(POLLERR, p.poll_revents);
	EXPECT_EQ(threads, binder_proc_count(owner, "  thread "));

	/* the holder lets go: the proc is released */
	close(self->ctx.cmd[1]);
	self->ctx.cmd[1] = -1;
	EXPECT_TRUE(proc_gone(owner, 2000));
	/* one death notification only */
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 200));
}

/*
 * Seed 001, as the owner itself can cause it: munmap of the area, the fd
 * kept.  Calls to it fail with BR_DEAD_REPLY, sync and oneway, as upstream;
 * its node is not dead (no BR_DEAD_BINDER) and the proc stays alive.
 */
TEST_F(seed, munmap_by_owner)
{
	pid_t owner = self->s.pid;
	struct binder_br br;
	int i, s, w;
	bool dead = true;

	if (strcmp(variant->holder, "none"))
		SKIP(return, "no holder needed");
	ASSERT_EQ(0, call_int(&self->r, CODE_MUNMAP));
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(BR_DEAD_REPLY, binder_call(&self->r, 0, 1, NULL, 0, &br))
			TH_LOG("sync call %d", i);
		ASSERT_EQ(BR_DEAD_REPLY, binder_transact(&self->r, 0, 1, TF_ONE_WAY,
							 "x", 1, NULL, 0, &br))
			TH_LOG("oneway call %d", i);
	}
	/* the node lives: no death notification, the ref is not dead */
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 300))
		TH_LOG("got BR %#x", br.cmd);
	EXPECT_EQ(0, binder_ref_counts(getpid(), 0, &s, &w, &dead));
	EXPECT_FALSE(dead);
	EXPECT_EQ(0, binder_proc_count(owner, "  buffer "));
	if (binder_is_ours()) {
		EXPECT_TRUE(lifecycle_says(owner, "proc alive since"));
		EXPECT_TRUE(lifecycle_says(owner, "vma unmapped by owner"));
		EXPECT_EQ(0, binder_proc_value(owner, "  pages resident: "));
	}

	/* the owner dies later: now the node dies, as for any death */
	binder_server_stop(&self->s);
	ASSERT_EQ(0, binder_read_until(&self->r, BR_DEAD_BINDER, &br, 1000));
	EXPECT_EQ(COOKIE, br.cookie);
}

/*
 * Seed 001's flood: ours logs "binder_alloc_buf, no vma" at most once per
 * proc, however many calls fail.
 */
TEST_F(seed, no_vma_logged_once)
{
	char needle[64];
	const char *no_vma;
	struct binder_br br;
	int kmsg, i, n;

	if (strcmp(variant->holder, "none"))
		SKIP(return, "no holder needed");
	kmsg = binder_kmsg_open();
	ASSERT_LE(0, kmsg);
	snprintf(needle, sizeof(needle), " %d: binder_alloc_buf, no vma",
		 self->s.pid);
	ASSERT_EQ(0, call_int(&self->r, CODE_MUNMAP));
	for (i = 0; i < 30; i++) {
		ASSERT_EQ(BR_DEAD_REPLY, binder_call(&self->r, 0, 1, NULL, 0, &br));
		ASSERT_EQ(BR_DEAD_REPLY, binder_transact(&self->r, 0, 1, TF_ONE_WAY,
							 NULL, 0, NULL, 0, &br));
	}
	no_vma = needle;
	n = binder_kmsg_count(kmsg, &no_vma, 1);
	close(kmsg);
	if (!binder_is_ours()) {
		TH_LOG("reference: %d \"no vma\" lines for 60 failed calls", n);
		SKIP(return, EXTENSION);
	}
	EXPECT_EQ(1, n) TH_LOG("\"%s\" logged %d times", needle, n);
}

/*
 * The target dies with oneway calls queued behind one it still holds (a
 * node runs one oneway call at a time): they all go with it, and nothing
 * is left behind: no transaction, no buffer, no node.
 */
TEST(killed_with_oneway_calls_queued)
{
	struct seed_ctx ctx = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	struct binder_server s = {
		.flags = BINDER_SERVER_CTX_MGR,
		.handler = seed_handler,
		.arg = &ctx,
	};
	struct binder_objects base;
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd, i;

	ASSERT_EQ(0, binder_objects_snapshot(&base));
	ASSERT_EQ(0, binder_server_start(&s));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	/* the first is delivered and kept: the node's oneway queue stalls */
	ASSERT_EQ(BR_TRANSACTION_COMPLETE,
		  binder_transact(&r, 0, CODE_KEEP, TF_ONE_WAY, "1", 1, NULL, 0, &br));
	ASSERT_EQ(0, binder_server_wait(&s, BR_TRANSACTION, NULL, T));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(BR_TRANSACTION_COMPLETE,
			  binder_transact(&r, 0, CODE_KEEP, TF_ONE_WAY, "2", 1,
					  NULL, 0, &br));
	EXPECT_EQ(4, binder_proc_count(s.pid, "  buffer "));
	EXPECT_NE(0, binder_server_wait(&s, BR_TRANSACTION, NULL, 200))
		TH_LOG("a oneway call came while the first was held");

	binder_server_stop(&s);
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	EXPECT_EQ(0, binder_wait_objects_back(&base, 2000));
}

TEST_HARNESS_MAIN
