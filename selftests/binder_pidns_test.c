// SPDX-License-Identifier: GPL-2.0
/*
 * PID namespaces, as containers (Waydroid, redroid) use them: a process
 * inside a new PID namespace talks binder with processes inside and
 * outside it.
 *
 * Conformance (both lanes): BR_TRANSACTION's sender_pid is the sender as
 * the receiver sees it, 0 when the sender is not visible there.
 *
 * Extension of our driver (skipped on the reference): BINDER_FREEZE and
 * BINDER_GET_FROZEN_INFO read the pid in the caller's namespace.  Upstream
 * compares global pids, so a container that freezes its pid 2 freezes
 * whatever host process has pid 2, and can freeze host processes it cannot
 * see (redroid-doc#901).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define EXTENSION "extension of our driver"

/*
 * Run fn(arg) as pid 1 of a new PID namespace and return its exit status
 * (fn's return value), or -1.  Processes fn forks are in the namespace.
 */
static int in_new_pidns(int (*fn)(void *), void *arg)
{
	int status;
	pid_t outer;

	outer = fork();
	if (outer < 0)
		return -1;
	if (!outer) {
		pid_t init;

		if (unshare(CLONE_NEWPID))
			_exit(200);
		init = fork();
		if (init < 0)
			_exit(201);
		if (!init)
			_exit(fn(arg));
		if (waitpid(init, &status, 0) != init || !WIFEXITED(status))
			_exit(202);
		_exit(WEXITSTATUS(status));
	}
	if (waitpid(outer, &status, 0) != outer || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The sender_pid of the echo the context manager at handle 0 replies */
static int echo_sender_pid(struct binder_reader *r, int32_t *pid)
{
	const struct binder_echo *e;
	struct binder_br br;
	int ret;

	ret = binder_call(r, 0, 7, NULL, 0, &br);
	if (ret != BR_REPLY)
		return -1;
	if (br.txn.data_size < sizeof(*e)) {
		binder_free_buffer(r->fd, br.txn.data.ptr.buffer);
		return -1;
	}
	e = br_data(&br);
	*pid = e->sender_pid;
	return binder_free_buffer(r->fd, br.txn.data.ptr.buffer);
}

/* Exit codes of the namespace's init, so the test can say what failed */
enum {
	NS_OK = 0,
	NS_SETUP = 10,		/* open, map or server start failed */
	NS_CALL,		/* a call failed */
	NS_WRONG_PID,		/* sender_pid not the expected one */
	NS_FREEZE,		/* BINDER_FREEZE gave the wrong result */
	NS_FROZEN_INFO,		/* BINDER_GET_FROZEN_INFO gave the wrong result */
	NS_NOT_FROZEN,		/* the frozen server still took a call */
};

/*
 * A client inside the namespace calls the context manager outside: the
 * manager sees the client's global pid.  The namespace's init reports its
 * pid as it sees itself (1) through the pipe, and the test compares what
 * the server saw with the global pid it learns from the server's echo.
 */
struct call_out {
	int pipe_wr;
};

static int call_out_fn(void *arg)
{
	struct call_out *co = arg;
	struct binder_reader r;
	int32_t pid = -1;
	void *map;
	int fd;

	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	if (fd < 0)
		return NS_SETUP;
	binder_reader_init(&r, fd);
	if (echo_sender_pid(&r, &pid))
		return NS_CALL;
	if (write(co->pipe_wr, &pid, sizeof(pid)) != sizeof(pid))
		return NS_SETUP;
	return getpid() == 1 ? NS_OK : NS_WRONG_PID;
}

TEST(sender_pid_of_a_caller_inside_is_global)
{
	struct binder_server s = { .flags = BINDER_SERVER_CTX_MGR };
	struct call_out co;
	int32_t seen = -1;
	int p[2];

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, binder_server_start(&s));
	co.pipe_wr = p[1];
	EXPECT_EQ(NS_OK, in_new_pidns(call_out_fn, &co));
	ASSERT_EQ(sizeof(seen), read(p[0], &seen, sizeof(seen)));
	/* the namespace's init: a global pid, never its own view (1) */
	EXPECT_LT(1, seen);
	EXPECT_NE(getpid(), seen);
	EXPECT_NE(s.pid, seen);
	binder_server_stop(&s);
	close(p[0]);
	close(p[1]);
}

/*
 * In the namespace's init: start a context manager (the echo server, pid 2
 * there) and open a client of its own.  The client's fd, or -1.
 */
static int ns_manager_and_client(struct binder_server *s,
				 struct binder_reader *r)
{
	void *map;
	int fd;

	memset(s, 0, sizeof(*s));
	s->flags = BINDER_SERVER_CTX_MGR;
	if (binder_server_start(s) || s->pid != 2)
		return -1;
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	if (fd >= 0)
		binder_reader_init(r, fd);
	return fd;
}

/*
 * The context manager inside the namespace: a caller inside is seen by its
 * pid there (its init, pid 1), a caller outside as 0 (not visible).
 */
struct serve_in {
	int ready_wr;		/* init -> test: the manager is up */
	int done_rd;		/* test -> init: the outside call is done */
};

static int serve_in_fn(void *arg)
{
	struct serve_in *si = arg;
	struct binder_server s;
	struct binder_reader r;
	int32_t pid = -1;
	int ret = NS_OK;
	char c = 1;

	if (ns_manager_and_client(&s, &r) < 0)
		return NS_SETUP;
	if (echo_sender_pid(&r, &pid))
		ret = NS_CALL;
	else if (pid != 1)
		ret = NS_WRONG_PID;
	if (write(si->ready_wr, &c, 1) != 1 || read(si->done_rd, &c, 1) != 1)
		ret = ret ? ret : NS_SETUP;
	binder_server_stop(&s);
	return ret;
}

TEST(sender_pid_seen_from_inside)
{
	struct binder_reader r;
	struct serve_in si;
	int ready[2], done[2], status;
	int32_t pid = -1;
	pid_t child;
	void *map;
	char c;
	int fd;

	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(done, O_CLOEXEC));
	si.ready_wr = ready[1];
	si.done_rd = done[0];
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(in_new_pidns(serve_in_fn, &si));
	ASSERT_EQ(1, read(ready[0], &c, 1));

	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	EXPECT_EQ(0, echo_sender_pid(&r, &pid));
	/* this process is not visible in the manager's namespace */
	EXPECT_EQ(0, pid);
	close(fd);

	ASSERT_EQ(1, write(done[1], &c, 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(NS_OK, WEXITSTATUS(status));
	close(ready[0]);
	close(ready[1]);
	close(done[0]);
	close(done[1]);
}

/*
 * Inside the namespace, freeze the manager (pid 2 there) by its pid there:
 * it is frozen (a sync call gets BR_FROZEN_REPLY) and GET_FROZEN_INFO
 * finds it; then the test process outside, which has a binder proc of its
 * own, is not found by its global pid: -EINVAL, nothing frozen.
 */
struct freeze_in {
	pid_t outside;		/* the test process's global pid */
};

static int freeze_in_fn(void *arg)
{
	struct binder_freeze_info frz = { .enable = 1 };
	struct binder_frozen_status_info info;
	struct freeze_in *fi = arg;
	struct binder_server s;
	struct binder_reader r;
	struct binder_br br;
	int fd, ret = NS_OK;

	fd = ns_manager_and_client(&s, &r);
	if (fd < 0)
		return NS_SETUP;

	frz.pid = s.pid;
	if (ioctl(fd, BINDER_FREEZE, &frz)) {
		ret = NS_FREEZE;
		goto out;
	}
	memset(&info, 0, sizeof(info));
	info.pid = s.pid;
	if (ioctl(fd, BINDER_GET_FROZEN_INFO, &info)) {
		ret = NS_FROZEN_INFO;
		goto out;
	}
	if (binder_call(&r, 0, 1, NULL, 0, &br) != BR_FROZEN_REPLY) {
		ret = NS_NOT_FROZEN;
		goto out;
	}
	memset(&info, 0, sizeof(info));
	info.pid = s.pid;
	if (ioctl(fd, BINDER_GET_FROZEN_INFO, &info) || !(info.sync_recv & 1)) {
		ret = NS_FROZEN_INFO;
		goto out;
	}
	frz.enable = 0;
	if (ioctl(fd, BINDER_FREEZE, &frz)) {
		ret = NS_FREEZE;
		goto out;
	}
	if (binder_call(&r, 0, 1, NULL, 0, &br) != BR_REPLY) {
		ret = NS_CALL;
		goto out;
	}
	binder_free_buffer(fd, br.txn.data.ptr.buffer);

	/* a process this namespace cannot see, by its global pid */
	frz.pid = fi->outside;
	frz.enable = 1;
	if (!ioctl(fd, BINDER_FREEZE, &frz) || errno != EINVAL) {
		frz.enable = 0;
		ioctl(fd, BINDER_FREEZE, &frz);
		ret = NS_FREEZE;
		goto out;
	}
	memset(&info, 0, sizeof(info));
	info.pid = fi->outside;
	if (!ioctl(fd, BINDER_GET_FROZEN_INFO, &info) || errno != EINVAL)
		ret = NS_FROZEN_INFO;
out:
	binder_server_stop(&s);
	close(fd);
	return ret;
}

TEST(freeze_by_pid_in_callers_ns)
{
	struct freeze_in fi = { .outside = getpid() };
	struct binder_freeze_info thaw = { .pid = getpid() };
	int fd, ret;
	void *map;

	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	ret = in_new_pidns(freeze_in_fn, &fi);
	/* the reference may have frozen this process from inside: thaw it */
	EXPECT_EQ(0, ioctl(fd, BINDER_FREEZE, &thaw));
	close(fd);
	if (!binder_is_ours()) {
		TH_LOG("reference: the namespace's run ended with %d", ret);
		SKIP(return, EXTENSION);
	}
	EXPECT_EQ(NS_OK, ret);
}

TEST_HARNESS_MAIN
