// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime attacks a reviewer reproduced against our driver (the
 * reference survives each):
 *
 *  - a death notification asked for on a dead node, by a looper, whose
 *    ref is then dropped: no work is left behind (a read must not spin),
 *    and death work asked for by a looper is the proc's, so it is not lost
 *    when that looper exits and another thread of the proc gets it (AOSP
 *    binderLibTest DeathNotificationThread, at the protocol level);
 *  - the owner of a proc dies while another process sleeps on its file
 *    (extension: the sleepers wake with -ESRCH / EPOLLERR);
 *  - a binder file opened in a vfork() child, mapped after exec in a new
 *    mm: the open recorded the parent's mm;
 *  - BC_FREE_BUFFER closing, through an fd array, the very binder fd the
 *    ioctl runs on.
 *
 * Conformance: the reference driver's behaviour is the spec; extension
 * tests skip on it.  The tests that can lock up or crash a driver with
 * these bugs come last.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS
#define COOKIE 0xa77ac0000ULL
#define EXTENSION "extension of our driver"

/* ---- small helpers ---- */

static pid_t tid_self(void)
{
	return syscall(SYS_gettid);
}

/* Read exactly size bytes (one pipe write) within timeout_ms; 0 or -errno */
static int read_timeout(int fd, void *buf, size_t size, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return -ETIMEDOUT;
	n = read(fd, buf, size);
	return n == (ssize_t)size ? 0 : -EPIPE;
}

static void write_all(int fd, const void *buf, size_t size)
{
	if (write(fd, buf, size) != (ssize_t)size)
		_exit(90);
}

/* Wait (up to timeout_ms) until desc of pid's binder proc is a dead ref. */
static bool ref_dead(pid_t pid, uint32_t desc, int timeout_ms)
{
	int64_t end = binder_now_ms() + timeout_ms;
	int s, w;
	bool dead = false;

	while (!dead) {
		if (binder_ref_counts(pid, desc, &s, &w, &dead))
			return false;
		if (dead || binder_now_ms() > end)
			break;
		usleep(20000);
	}
	return dead;
}

/* Wait until binder/proc/<pid> is gone; true if it went. */
static bool proc_gone(pid_t pid, int timeout_ms)
{
	int64_t end = binder_now_ms() + timeout_ms;
	char path[64];

	snprintf(path, sizeof(path), BINDER_DEBUGFS "/proc/%d", pid);
	while (access(path, F_OK) == 0) {
		if (binder_now_ms() > end)
			return false;
		usleep(20000);
	}
	return true;
}

/*
 * Wait until task pid sleeps in system call nr (/proc/<pid>/syscall);
 * true if it does within timeout_ms.
 */
static bool blocked_in(pid_t pid, long nr, int timeout_ms)
{
	int64_t end = binder_now_ms() + timeout_ms;
	char path[64], buf[256];

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	for (;;) {
		char stat[64], *p;

		if (binder_read_file(path, buf, sizeof(buf)) > 0 &&
		    strtol(buf, NULL, 10) == nr && buf[0] != 'r') {
			/* and asleep, not about to enter it */
			snprintf(stat, sizeof(stat), "/proc/%d/stat", pid);
			if (binder_read_file(stat, buf, sizeof(buf)) > 0) {
				p = strrchr(buf, ')');
				if (p && p[1] == ' ' && p[2] == 'S')
					return true;
			}
		}
		if (binder_now_ms() > end)
			return false;
		usleep(20000);
	}
}

/* Kill pid and reap it, waiting at most timeout_ms; true if reaped. */
static bool kill_reap(pid_t pid, int timeout_ms)
{
	int64_t end = binder_now_ms() + timeout_ms;

	if (pid <= 0)
		return true;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, WNOHANG) == 0) {
		if (binder_now_ms() > end)
			return false;
		usleep(20000);
	}
	return true;
}

static int death_cmd(int fd, uint32_t bc, uint32_t handle, uint64_t cookie)
{
	struct binder_cmds c = { .len = 0 };

	cmd_death(&c, bc, handle, cookie);
	return binder_write_cmds(fd, &c, NULL);
}

static int send_ptr(int fd, uint32_t bc, uint64_t ptr)
{
	struct binder_cmds c = { .len = 0 };

	cmd_ptr(&c, bc, ptr);
	return binder_write_cmds(fd, &c, NULL);
}

/*
 * A handle whose node is dead: a manager server, our looper thread holds
 * handle 0 (strong by BC_ACQUIRE, or weak by BC_INCREFS), the server is
 * killed.
 */
struct dead_ref {
	struct binder_server s;
	struct binder_reader r;
	void *map;
	int fd;
	bool weak;
};

static int dead_ref_setup(struct dead_ref *d, bool weak, int open_flags)
{
	struct binder_cmds c = { .len = 0 };
	int ret;

	memset(d, 0, sizeof(*d));
	d->weak = weak;
	d->s.flags = BINDER_SERVER_CTX_MGR;
	ret = binder_server_start(&d->s);
	if (ret)
		return ret;
	d->fd = binder_open_mapped_dev(BINDER_DEV, open_flags, &d->map);
	if (d->fd < 0)
		return -errno;
	binder_reader_init(&d->r, d->fd);
	cmd_u32(&c, BC_ENTER_LOOPER);
	cmd_handle(&c, weak ? BC_INCREFS : BC_ACQUIRE, 0);
	ret = binder_write_cmds(d->fd, &c, NULL);
	if (ret)
		return ret;
	binder_server_stop(&d->s);
	return ref_dead(getpid(), 0, 3000) ? 0 : -ENOENT;
}

/* Ask for the death notification, then drop the only count of the ref. */
static int dead_ref_request_and_drop(struct dead_ref *d)
{
	struct binder_cmds c = { .len = 0 };

	cmd_death(&c, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE);
	cmd_handle(&c, d->weak ? BC_DECREFS : BC_RELEASE, 0);
	return binder_write_cmds(d->fd, &c, NULL);
}

static void dead_ref_teardown(struct dead_ref *d)
{
	if (d->fd > 0) {
		munmap(d->map, BINDER_MAP_SIZE);
		close(d->fd);
	}
	binder_server_stop(&d->s);
}

/* ---- death work asked for by a looper is the proc's ---- */

struct exiting_looper {
	int fd;
	int request;		/* BC_ENTER_LOOPER + the request: 0 or -errno */
	int exit;		/* BINDER_THREAD_EXIT: 0 or errno */
};

static void *exiting_looper(void *arg)
{
	struct exiting_looper *l = arg;
	struct binder_cmds c = { .len = 0 };

	cmd_u32(&c, BC_ENTER_LOOPER);
	cmd_death(&c, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE);
	l->request = binder_write_cmds(l->fd, &c, NULL);
	l->exit = ioctl(l->fd, BINDER_THREAD_EXIT, 0) ? errno : 0;
	return NULL;
}

/*
 * Looper L asks for a death notification on a dead node, then leaves
 * (BINDER_THREAD_EXIT) without reading: the BR_DEAD_BINDER is not lost,
 * another looper of the proc (ours, the test's thread) gets it, as the
 * work went to the proc, not to L.
 */
TEST(dead_node_death_survives_looper_exit)
{
	struct exiting_looper l = { .request = 1, .exit = 1 };
	struct dead_ref d;
	struct binder_br br;
	pthread_t t;

	ASSERT_EQ(0, dead_ref_setup(&d, false, 0));
	l.fd = d.fd;
	ASSERT_EQ(0, pthread_create(&t, NULL, exiting_looper, &l));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(0, l.request);
	ASSERT_EQ(0, l.exit);
	ASSERT_EQ(0, binder_read_br(&d.r, &br, T))
		TH_LOG("no BR_DEAD_BINDER for the proc once its asking looper left");
	EXPECT_EQ(BR_DEAD_BINDER, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
	EXPECT_EQ(0, send_ptr(d.fd, BC_DEAD_BINDER_DONE, COOKIE));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&d.r, &br, 200));
	dead_ref_teardown(&d);
}

/* ---- AOSP binderLibTest DeathNotificationThread ---- */

/*
 * Four processes: a service manager (M), a target (T), a client (C) with
 * two looper threads, and the test (X, a looper, owner of a callback
 * node).  X links to T's death and has T exit; then X passes its (dead)
 * handle of T and the callback to C, oneway.  The C thread that takes
 * the call acquires the handle, asks for a death notification on it and
 * waits (5 s) for it to come: it must reach C's other looper, which clears
 * the notification (as libbinder's sendObituary does), wakes the waiter
 * and sends BC_DEAD_BINDER_DONE.  The waiter then calls the callback with
 * 0, or with -ETIMEDOUT if the notification never came.
 */
#define DNT_CODE_EXIT		30	/* T: exit */
#define DNT_CODE_LINK_DEATH	31	/* C: [dead handle, callback] */
#define DNT_CODE_CALL_BACK	32	/* X: int32 result */
#define DNT_COOKIE_X		(COOKIE + 1)
#define DNT_COOKIE_C		(COOKIE + 2)
#define DNT_WAIT_MS		5000

enum {
	DNT_EV_LOOPING = 1,	/* a C thread entered its loop */
	DNT_EV_LINK_DEATH,	/* the thread that took the call */
	DNT_EV_DEAD_BINDER,	/* the thread that got BR_DEAD_BINDER */
	DNT_EV_CLEAR_DONE,	/* ... BR_CLEAR_DEATH_NOTIFICATION_DONE */
	DNT_EV_WAITED,		/* arg: the waiter's result */
	DNT_EV_ERROR,		/* arg: what failed */
};

struct dnt_event {
	uint32_t what;
	int32_t tid;
	int64_t arg;
};

struct dnt_client {
	int fd;
	int ev_wr;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool died;
	uint32_t target;	/* C's handle of the dead target */
};

static void dnt_event(struct dnt_client *c, uint32_t what, int64_t arg)
{
	struct dnt_event ev = { .what = what, .tid = tid_self(), .arg = arg };

	write_all(c->ev_wr, &ev, sizeof(ev));
}

/* C: the thread that takes DNT_CODE_LINK_DEATH */
static void dnt_link_death(struct dnt_client *c, struct binder_reader *r,
			   const struct binder_br *tr)
{
	const struct flat_binder_object *obj = br_data(tr);
	struct binder_cmds cmds = { .len = 0 };
	uint32_t target, callback;
	struct binder_br reply;
	struct timespec until;
	int32_t result = 0;
	int ret;

	dnt_event(c, DNT_EV_LINK_DEATH, 0);
	if (tr->txn.data_size != 2 * sizeof(*obj) ||
	    obj[0].hdr.type != BINDER_TYPE_HANDLE ||
	    obj[1].hdr.type != BINDER_TYPE_HANDLE) {
		dnt_event(c, DNT_EV_ERROR, 1);
		return;
	}
	target = obj[0].handle;
	callback = obj[1].handle;
	/* readStrongBinder() twice, then linkToDeath(): written at once */
	pthread_mutex_lock(&c->lock);
	c->target = target;
	pthread_mutex_unlock(&c->lock);
	cmd_handle(&cmds, BC_ACQUIRE, target);
	cmd_handle(&cmds, BC_ACQUIRE, callback);
	cmd_death(&cmds, BC_REQUEST_DEATH_NOTIFICATION, target, DNT_COOKIE_C);
	if (binder_write_cmds(c->fd, &cmds, NULL)) {
		dnt_event(c, DNT_EV_ERROR, 2);
		return;
	}

	/* this thread now waits: it reads nothing until the death came */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += DNT_WAIT_MS / 1000;
	pthread_mutex_lock(&c->lock);
	while (!c->died && !result)
		if (pthread_cond_timedwait(&c->cond, &c->lock, &until))
			result = -ETIMEDOUT;
	pthread_mutex_unlock(&c->lock);
	dnt_event(c, DNT_EV_WAITED, result);

	ret = binder_call(r, callback, DNT_CODE_CALL_BACK, &result,
			  sizeof(result), &reply);
	if (ret == BR_REPLY)
		binder_free_buffer(c->fd, reply.txn.data.ptr.buffer);
	else
		dnt_event(c, DNT_EV_ERROR, 3);

	/* the call is done: its buffer and both proxies go */
	cmds_reset(&cmds);
	cmd_free_buffer(&cmds, tr->txn.data.ptr.buffer);
	cmd_handle(&cmds, BC_RELEASE, callback);
	cmd_handle(&cmds, BC_RELEASE, target);
	binder_write_cmds(c->fd, &cmds, NULL);
}

/* C: what libbinder does with BR_DEAD_BINDER (sendObituary) */
static void dnt_dead_binder(struct dnt_client *c, uint64_t cookie)
{
	uint32_t target;

	dnt_event(c, DNT_EV_DEAD_BINDER, cookie);
	pthread_mutex_lock(&c->lock);
	target = c->target;
	pthread_mutex_unlock(&c->lock);
	if (death_cmd(c->fd, BC_CLEAR_DEATH_NOTIFICATION, target, cookie))
		dnt_event(c, DNT_EV_ERROR, 4);
	pthread_mutex_lock(&c->lock);
	c->died = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	if (send_ptr(c->fd, BC_DEAD_BINDER_DONE, cookie))
		dnt_event(c, DNT_EV_ERROR, 5);
}

static void *dnt_client_loop(void *arg)
{
	struct dnt_client *c = arg;
	struct binder_reader *r = malloc(sizeof(*r));
	struct binder_br br;

	if (!r || binder_send_u32(c->fd, BC_ENTER_LOOPER))
		_exit(3);
	binder_reader_init(r, c->fd);
	dnt_event(c, DNT_EV_LOOPING, 0);
	for (;;) {
		if (binder_read_br(r, &br, -1))
			_exit(4);
		switch (br.cmd) {
		case BR_TRANSACTION:
			if (br.txn.code == DNT_CODE_LINK_DEATH)
				dnt_link_death(c, r, &br);
			else
				binder_handle_unwanted(r, &br);
			break;
		case BR_DEAD_BINDER:
			dnt_dead_binder(c, br.cookie);
			break;
		case BR_CLEAR_DEATH_NOTIFICATION_DONE:
			dnt_event(c, DNT_EV_CLEAR_DONE, br.cookie);
			break;
		default:
			binder_handle_unwanted(r, &br);
		}
	}
	return NULL;
}

/* C: publish a node with M, then two loopers */
static void dnt_client_main(int ev_wr)
{
	static struct dnt_client c = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	struct binder_reader r;
	pthread_t t;
	void *map;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	c.ev_wr = ev_wr;
	c.fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	if (c.fd < 0)
		_exit(2);
	binder_reader_init(&r, c.fd);
	if (binder_sm_add(&r, 0xc0, 0xc0))
		_exit(2);
	if (pthread_create(&t, NULL, dnt_client_loop, &c))
		_exit(2);
	dnt_client_loop(&c);
}

/* T: publish a node with M, serve until told to exit */
static void dnt_target_main(int ready_wr)
{
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	if (fd < 0 || binder_send_u32(fd, BC_ENTER_LOOPER))
		_exit(2);
	binder_reader_init(&r, fd);
	if (binder_sm_add(&r, 0xb1, 0xb1))
		_exit(2);
	write_all(ready_wr, "r", 1);
	for (;;) {
		if (binder_read_br(&r, &br, -1))
			_exit(4);
		if (br.cmd == BR_TRANSACTION && br.txn.code == DNT_CODE_EXIT)
			_exit(0);
		binder_handle_unwanted(&r, &br);
	}
}

/* The next event from C, other than DNT_EV_LOOPING; 0 or -ETIMEDOUT */
static int dnt_next_event(int ev_rd, struct dnt_event *ev, int timeout_ms)
{
	int64_t end = binder_now_ms() + timeout_ms;

	for (;;) {
		int64_t left = end - binder_now_ms();

		if (read_timeout(ev_rd, ev, sizeof(*ev), left < 0 ? 0 : left))
			return -ETIMEDOUT;
		if (ev->what != DNT_EV_LOOPING)
			return 0;
	}
}

TEST(death_notification_thread)
{
	struct binder_server m = {
		.flags = BINDER_SERVER_CTX_MGR,
		.handler = binder_sm_handler,
	};
	struct flat_binder_object objs[2];
	binder_size_t offs[2] = { 0, sizeof(objs[0]) };
	struct binder_cmds c = { .len = 0 };
	struct dnt_event ev;
	struct binder_reader r;
	struct binder_br br;
	int ev_pipe[2], ready[2], fd, i, status, waiter = 0, dead = 0;
	int64_t target, client;
	int32_t result = 1;
	pid_t tpid, cpid;
	bool cleared = false;
	char b;
	void *map;

	ASSERT_EQ(0, pipe2(ev_pipe, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	ASSERT_EQ(0, binder_server_start(&m));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	ASSERT_EQ(0, binder_send_u32(fd, BC_ENTER_LOOPER));

	/* target = addServer() */
	tpid = fork();
	ASSERT_LE(0, tpid);
	if (tpid == 0)
		dnt_target_main(ready[1]);
	ASSERT_EQ(0, read_timeout(ready[0], &b, 1, 5000));
	target = binder_sm_get(&r);
	ASSERT_LE(0, target);

	/* client = addServer(): two loopers */
	cpid = fork();
	ASSERT_LE(0, cpid);
	if (cpid == 0)
		dnt_client_main(ev_pipe[1]);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, read_timeout(ev_pipe[0], &ev, sizeof(ev), 5000));
		ASSERT_EQ(DNT_EV_LOOPING, ev.what);
	}
	client = binder_sm_get(&r);
	ASSERT_LE(0, client);
	ASSERT_NE(target, client);

	/* target->linkToDeath(); target EXIT, oneway; wait until it is dead */
	ASSERT_EQ(0, death_cmd(fd, BC_REQUEST_DEATH_NOTIFICATION, target,
			       DNT_COOKIE_X));
	ASSERT_EQ(BR_TRANSACTION_COMPLETE,
		  binder_transact(&r, target, DNT_CODE_EXIT, TF_ONE_WAY, NULL, 0,
				  NULL, 0, &br));
	ASSERT_EQ(0, binder_read_until(&r, BR_DEAD_BINDER, &br, 5000));
	ASSERT_EQ(DNT_COOKIE_X, br.cookie);
	ASSERT_EQ(tpid, waitpid(tpid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* sendObituary: clear, then done */
	cmd_death(&c, BC_CLEAR_DEATH_NOTIFICATION, target, DNT_COOKIE_X);
	cmd_ptr(&c, BC_DEAD_BINDER_DONE, DNT_COOKIE_X);
	ASSERT_EQ(0, binder_write_cmds(fd, &c, NULL));
	ASSERT_EQ(0, binder_read_until(&r, BR_CLEAR_DEATH_NOTIFICATION_DONE,
				       &br, T));
	EXPECT_EQ(DNT_COOKIE_X, br.cookie);

	/* client->transact(LINK_DEATH, [target, callback], oneway) */
	objs[0] = binder_obj_handle(target, false);
	objs[1] = binder_obj_binder(0xcb, 0xcb, false);
	ASSERT_EQ(BR_TRANSACTION_COMPLETE,
		  binder_transact(&r, client, DNT_CODE_LINK_DEATH, TF_ONE_WAY,
				  objs, sizeof(objs), offs, 2, &br));

	/* callback->waitEvent(5): its call comes, with the waiter's result */
	ASSERT_EQ(0, binder_read_until(&r, BR_TRANSACTION, &br,
				       DNT_WAIT_MS + 3000))
		TH_LOG("no callback from the client");
	EXPECT_EQ(DNT_CODE_CALL_BACK, br.txn.code);
	if (br.txn.data_size == sizeof(result))
		memcpy(&result, br_data(&br), sizeof(result));
	EXPECT_EQ(0, result)
		TH_LOG("the client's waiter got %d: its BR_DEAD_BINDER went to the waiting thread",
		       result);
	EXPECT_EQ(0, binder_reply(fd, br.txn.data.ptr.buffer, 0, NULL, 0,
				  NULL, 0));

	/* who got what in the client */
	while (dnt_next_event(ev_pipe[0], &ev, 1000) == 0) {
		switch (ev.what) {
		case DNT_EV_LINK_DEATH:
			waiter = ev.tid;
			break;
		case DNT_EV_DEAD_BINDER:
			EXPECT_EQ(DNT_COOKIE_C, ev.arg);
			dead = ev.tid;
			break;
		case DNT_EV_CLEAR_DONE:
			EXPECT_EQ(DNT_COOKIE_C, ev.arg);
			EXPECT_EQ(dead, ev.tid);
			cleared = true;
			break;
		case DNT_EV_WAITED:
			EXPECT_EQ(0, ev.arg);
			break;
		default:
			EXPECT_EQ(0, ev.arg) TH_LOG("client event %u", ev.what);
		}
		if (cleared && waiter)
			break;
	}
	EXPECT_NE(0, waiter);
	EXPECT_NE(0, dead);
	EXPECT_NE(waiter, dead) TH_LOG("BR_DEAD_BINDER went to the waiter");
	EXPECT_TRUE(cleared);

	kill_reap(cpid, 2000);
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	binder_server_stop(&m);
}

/* ---- sleepers on a dead proc's file (our extension) ---- */

struct sleeper_report {
	int32_t ret;		/* the last read, or epoll_wait() */
	int32_t err;		/* its errno */
	uint32_t events;	/* epoll: what came */
	uint32_t reads;		/* reads that returned nothing but BR_NOOP */
	int64_t at_ms;		/* when it ended (CLOCK_MONOTONIC) */
};

/*
 * H: a holder of the owner's fd, asleep in a read or in epoll_wait, as a
 * looper is: a read that returns nothing (a flush wakes readers) is read
 * again, readable is read.  Reports how the sleep ended.
 */
static void sleeper_main(int fd, bool use_epoll, int res_wr)
{
	struct sleeper_report rep = { 0 };
	struct epoll_event ev = { .events = EPOLLIN };
	struct binder_write_read bwr;
	uint8_t buf[256];
	pid_t pid = getpid();
	int epfd = -1;

	/* a new thread's first read returns at once: be one already */
	if (binder_send_u32(fd, BC_ENTER_LOOPER))
		_exit(2);
	if (use_epoll) {
		epfd = epoll_create1(EPOLL_CLOEXEC);
		if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev))
			_exit(2);
	}
	write_all(res_wr, &pid, sizeof(pid));
	for (;;) {
		if (use_epoll) {
			memset(&ev, 0, sizeof(ev));
			rep.ret = syscall(SYS_epoll_wait, epfd, &ev, 1, 30000);
			rep.events = ev.events;
			if (rep.ret != 1 || (ev.events & ~EPOLLIN))
				break;
		}
		rep.ret = binder_write_read(fd, NULL, 0, buf, sizeof(buf), &bwr);
		if (rep.ret || bwr.read_consumed > sizeof(uint32_t))
			break;
		rep.reads++;
	}
	rep.err = rep.ret < 0 ? errno : 0;
	rep.at_ms = binder_now_ms();
	write_all(res_wr, &rep, sizeof(rep));
	_exit(0);
}

/*
 * The owner (a child) maps a binder fd and forks H, which sleeps on it;
 * the owner maybe closes its fd (keeping only the mapping: then no flush
 * comes at its death), and is killed.  H's sleep ends within 2 s: a read
 * fails with ESRCH, epoll_wait reports EPOLLERR.
 */
static void dead_proc_sleeper(struct __test_metadata *_metadata,
			      bool use_epoll, bool owner_closes)
{
	struct sleeper_report rep;
	int res[2], own[2], ret;
	pid_t owner, holder = 0;
	int64_t killed;
	char b;

	if (!binder_is_ours())
		SKIP(return, EXTENSION);
	/* H is the owner's child: reparented to us, so we can reap it */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	ASSERT_EQ(0, pipe2(res, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(own, O_CLOEXEC));
	owner = fork();
	ASSERT_LE(0, owner);
	if (owner == 0) {
		void *map;
		int fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd < 0)
			_exit(2);
		if (fork() == 0)
			sleeper_main(fd, use_epoll, res[1]);
		if (owner_closes)
			close(fd);
		write_all(own[1], "o", 1);
		for (;;)
			pause();
	}
	close(res[1]);
	close(own[1]);
	ASSERT_EQ(0, read_timeout(own[0], &b, 1, 5000));
	ASSERT_EQ(0, read_timeout(res[0], &holder, sizeof(holder), 5000));
	usleep(100000);
	ASSERT_TRUE(blocked_in(holder, use_epoll ? SYS_epoll_wait : SYS_ioctl,
			       5000))
		TH_LOG("the holder does not sleep in %s",
		       use_epoll ? "epoll_wait" : "the read");
	ASSERT_EQ(-ETIMEDOUT, read_timeout(res[0], &rep, sizeof(rep), 0))
		TH_LOG("the holder's sleep ended before the owner died");

	ASSERT_TRUE(kill_reap(owner, 5000));
	killed = binder_now_ms();
	ret = read_timeout(res[0], &rep, sizeof(rep), 5000);
	EXPECT_EQ(0, ret) TH_LOG("the holder still sleeps 5 s after the owner died");
	if (!ret) {
		EXPECT_GT(2000, rep.at_ms - killed)
			TH_LOG("woke %lld ms after the owner died",
			       (long long)(rep.at_ms - killed));
		if (use_epoll) {
			EXPECT_EQ(1, rep.ret);
			EXPECT_TRUE(rep.events & EPOLLERR)
				TH_LOG("events %#x", rep.events);
		} else {
			EXPECT_EQ(-1, rep.ret);
			EXPECT_EQ(ESRCH, rep.err);
		}
		TH_LOG("%u empty reads before", rep.reads);
	}
	kill_reap(holder, 5000);
	close(res[0]);
	close(own[0]);
}

TEST(dead_proc_wakes_blocked_read)
{
	dead_proc_sleeper(_metadata, false, false);
}

TEST(dead_proc_wakes_blocked_read_owner_fd_closed)
{
	dead_proc_sleeper(_metadata, false, true);
}

TEST(dead_proc_wakes_epoll_wait)
{
	dead_proc_sleeper(_metadata, true, false);
}

TEST(dead_proc_wakes_epoll_wait_owner_fd_closed)
{
	dead_proc_sleeper(_metadata, true, true);
}

/* ---- BC_FREE_BUFFER closes the binder fd it runs on ---- */

struct fdclose_msg {
	uint64_t head;
	struct binder_buffer_object ptr;
	struct binder_fd_array_object fda;
};

struct fdclose_report {
	int32_t got;		/* the fds received, or -1 */
	int32_t ret;		/* the BC_FREE_BUFFER ioctl (write and read) */
	int32_t err;
	uint32_t write_consumed;
	uint32_t read_consumed;
	uint32_t first_br;	/* what it read first */
	int32_t fd_err[2];	/* fcntl(F_GETFD) of the fds after: errno */
};

/*
 * R, the manager (fds accepted): receives two fds in an FDA, makes the
 * first of them its binder fd (dup2) and closes the original one, maybe
 * unmaps its area too; then frees the buffer through that fd, which
 * closes the FDA's fds, the binder fd among them; as libbinder does, the
 * same ioctl reads too.  ctl: 'u' unmaps, EOF exits.
 */
static void fdclose_receiver(int res_wr, int ctl_rd, bool unmap)
{
	struct flat_binder_object mgr = {
		.hdr.type = BINDER_TYPE_BINDER,
		.flags = FLAT_BINDER_FLAG_ACCEPTS_FDS,
	};
	struct fdclose_report rep = { .got = -1 };
	const struct binder_buffer_object *ptr;
	const struct fdclose_msg *msg;
	struct binder_cmds c = { .len = 0 };
	struct binder_write_read bwr;
	struct binder_reader r;
	struct binder_br br;
	uint32_t fds[2], rbuf[64];
	void *map;
	char cmd;
	int fd, i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	if (fd < 0 || binder_become_context_manager_ext(fd, &mgr) ||
	    binder_send_u32(fd, BC_ENTER_LOOPER))
		_exit(2);
	binder_reader_init(&r, fd);
	write_all(res_wr, "r", 1);
	if (binder_read_until(&r, BR_TRANSACTION, &br, 10000))
		_exit(3);
	msg = br_data(&br);
	ptr = &msg->ptr;
	if (br.txn.data_size != sizeof(*msg) || ptr->hdr.type != BINDER_TYPE_PTR ||
	    ptr->length != sizeof(fds))
		_exit(4);
	memcpy(fds, (const void *)(uintptr_t)ptr->buffer, sizeof(fds));
	rep.got = 2;
	if (dup2(fd, fds[0]) != (int)fds[0])
		_exit(5);
	close(fd);
	if (unmap)
		munmap(map, BINDER_MAP_SIZE);

	cmd_free_buffer(&c, br.txn.data.ptr.buffer);
	rbuf[0] = 0;
	rep.ret = binder_write_read(fds[0], c.buf, c.len, rbuf,
				    sizeof(rbuf), &bwr);
	rep.err = rep.ret ? errno : 0;
	rep.write_consumed = bwr.write_consumed;
	rep.read_consumed = bwr.read_consumed;
	rep.first_br = rbuf[0];
	for (i = 0; i < 2; i++)
		rep.fd_err[i] = fcntl(fds[i], F_GETFD) < 0 ? errno : 0;
	write_all(res_wr, &rep, sizeof(rep));
	while (read(ctl_rd, &cmd, 1) == 1)
		if (cmd == 'u') {
			munmap(map, BINDER_MAP_SIZE);
			write_all(res_wr, "u", 1);
		}
	_exit(0);
}

struct fdclose_env {
	struct binder_reader r;
	struct fdclose_report rep;
	pid_t receiver;
	void *map;
	int fd;
	int res;	/* from R */
	int ctl;	/* to R */
	int memfd[2];
};

/*
 * Start R, take a ref to it with a death notification, send it the FDA
 * (oneway) and wait for its report.
 */
static void fdclose_run(struct __test_metadata *_metadata,
			struct fdclose_env *e, bool unmap)
{
	struct fdclose_msg msg;
	uint32_t pl[2];
	binder_size_t offs[2] = {
		offsetof(struct fdclose_msg, ptr),
		offsetof(struct fdclose_msg, fda),
	};
	struct binder_cmds c = { .len = 0 };
	struct binder_br br;
	int res[2], ctl[2];
	char b;

	e->fd = -1;
	e->receiver = 0;
	ASSERT_EQ(0, pipe2(res, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(ctl, O_CLOEXEC));
	e->receiver = fork();
	ASSERT_LE(0, e->receiver);
	if (e->receiver == 0) {
		close(ctl[1]);
		fdclose_receiver(res[1], ctl[0], unmap);
	}
	close(res[1]);
	close(ctl[0]);
	e->res = res[0];
	e->ctl = ctl[1];
	ASSERT_EQ(0, read_timeout(e->res, &b, 1, 5000));

	e->memfd[0] = binder_memfd("zero");
	e->memfd[1] = binder_memfd("one");
	ASSERT_LE(0, e->memfd[0]);
	ASSERT_LE(0, e->memfd[1]);
	e->fd = binder_open_mapped_dev(BINDER_DEV, 0, &e->map);
	ASSERT_LE(0, e->fd);
	binder_reader_init(&e->r, e->fd);
	cmd_u32(&c, BC_ENTER_LOOPER);
	cmd_handle(&c, BC_ACQUIRE, 0);
	cmd_death(&c, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE);
	ASSERT_EQ(0, binder_write_cmds(e->fd, &c, NULL));

	pl[0] = e->memfd[0];
	pl[1] = e->memfd[1];
	memset(&msg, 0, sizeof(msg));
	msg.ptr.hdr.type = BINDER_TYPE_PTR;
	msg.ptr.buffer = (binder_uintptr_t)(uintptr_t)pl;
	msg.ptr.length = sizeof(pl);
	msg.fda.hdr.type = BINDER_TYPE_FDA;
	msg.fda.num_fds = 2;
	msg.fda.parent = 0;
	msg.fda.parent_offset = 0;
	cmds_reset(&c);
	cmd_txn_sg(&c, BC_TRANSACTION_SG, 0, 1, TF_ONE_WAY, &msg, sizeof(msg),
		   offs, 2, sizeof(pl));
	ASSERT_EQ(BR_TRANSACTION_COMPLETE,
		  binder_transact_cmds(&e->r, &c, TF_ONE_WAY, &br));

	ASSERT_EQ(0, read_timeout(e->res, &e->rep, sizeof(e->rep), 10000))
		TH_LOG("no report from the receiver");
	ASSERT_EQ(2, e->rep.got);
	/*
	 * The ioctl completes: the write consumed, its read back at once
	 * with nothing (BR_NOOP); every FDA fd closed after it.
	 */
	EXPECT_EQ(0, e->rep.ret) TH_LOG("BC_FREE_BUFFER: errno %d", e->rep.err);
	EXPECT_EQ(sizeof(uint32_t) + sizeof(binder_uintptr_t),
		  e->rep.write_consumed);
	EXPECT_EQ(sizeof(uint32_t), e->rep.read_consumed);
	EXPECT_EQ(BR_NOOP, e->rep.first_br);
	EXPECT_EQ(EBADF, e->rep.fd_err[0]);
	EXPECT_EQ(EBADF, e->rep.fd_err[1]);
}

static void fdclose_teardown(struct fdclose_env *e)
{
	if (e->fd >= 0) {
		munmap(e->map, BINDER_MAP_SIZE);
		close(e->fd);
	}
	close(e->ctl);
	close(e->memfd[0]);
	close(e->memfd[1]);
	if (e->receiver > 0)
		kill_reap(e->receiver, 5000);
	close(e->res);
}

/*
 * The area is still mapped: the mapping keeps the file, and the proc,
 * alive; it is released once R unmaps it.
 */
TEST(fda_free_closes_own_binder_fd)
{
	struct fdclose_env e;
	struct binder_br br;
	char b;

	fdclose_run(_metadata, &e, false);
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&e.r, &br, 300))
		TH_LOG("BR %#x while R's mapping holds its file", br.cmd);
	EXPECT_FALSE(proc_gone(e.receiver, 0));
	ASSERT_EQ(1, write(e.ctl, "u", 1));
	ASSERT_EQ(0, read_timeout(e.res, &b, 1, 5000));
	ASSERT_EQ(0, binder_read_until(&e.r, BR_DEAD_BINDER, &br, 3000))
		TH_LOG("R's proc not released after its munmap");
	EXPECT_EQ(COOKIE, br.cookie);
	EXPECT_EQ(0, send_ptr(e.fd, BC_DEAD_BINDER_DONE, COOKIE));
	EXPECT_TRUE(proc_gone(e.receiver, 3000));
	fdclose_teardown(&e);
}

/*
 * The area was unmapped first: that fd held the last reference to the
 * file; the proc is released after the ioctl, R still running.
 */
TEST(fda_free_drops_last_binder_ref)
{
	struct fdclose_env e;
	struct binder_br br;

	fdclose_run(_metadata, &e, true);
	ASSERT_EQ(0, binder_read_until(&e.r, BR_DEAD_BINDER, &br, 3000))
		TH_LOG("R's proc not released after its last file ref went");
	EXPECT_EQ(COOKIE, br.cookie);
	EXPECT_EQ(0, send_ptr(e.fd, BC_DEAD_BINDER_DONE, COOKIE));
	EXPECT_TRUE(proc_gone(e.receiver, 3000));
	EXPECT_EQ(0, waitpid(e.receiver, NULL, WNOHANG)) TH_LOG("R died");
	fdclose_teardown(&e);
}

/* ---- a dropped ref to a dead node leaves no work behind ---- */

/*
 * A looper asks for a death notification on a dead node (BR_DEAD_BINDER
 * is queued at once), then drops its only count on the ref, which goes
 * with the notification: there is nothing to read, poll says so.
 */
static void dead_ref_nothing_to_poll(struct __test_metadata *_metadata,
				     bool weak)
{
	struct pollfd pfd;
	struct dead_ref d;
	int s, w;
	bool dead;

	ASSERT_EQ(0, dead_ref_setup(&d, weak, 0));
	ASSERT_EQ(0, dead_ref_request_and_drop(&d));
	EXPECT_EQ(-1, binder_ref_counts(getpid(), 0, &s, &w, &dead))
		TH_LOG("the ref is still there");
	pfd.fd = d.fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	EXPECT_EQ(0, poll(&pfd, 1, 300)) TH_LOG("revents %#x", pfd.revents);
	dead_ref_teardown(&d);
}

TEST(dead_ref_released_nothing_to_poll)
{
	dead_ref_nothing_to_poll(_metadata, false);
}

TEST(dead_ref_decrefed_nothing_to_poll)
{
	dead_ref_nothing_to_poll(_metadata, true);
}

/* ---- a binder fd opened in a vfork() child, mapped after exec ---- */

#define FOREIGN_MM_FLAG	"--attack-life-foreign-mm"
#define FOREIGN_MM_ADDR	0x200000000000UL	/* free in both images */
#define FOREIGN_FD	100	/* the binder fd, after exec */
#define FOREIGN_RES	101	/* helper -> test */
#define FOREIGN_CTL	102	/* test -> helper: EOF ends it */

struct foreign_report {
	int32_t mmap_err;	/* mmap() of the binder fd: 0 or errno */
	int32_t mgr_err;	/* BINDER_SET_CONTEXT_MGR: 0 or errno */
};

/*
 * The helper image: map the binder fd at the address where the vfork
 * parent has its anonymous mapping (MAP_FIXED: this is a new mm), become
 * the manager, report, and wait.
 */
static void foreign_mm_helper(void)
{
	struct foreign_report rep = { 0 };
	struct pollfd pfd = { .fd = FOREIGN_CTL, .events = POLLIN };
	void *p;
	int ret;

	p = mmap((void *)FOREIGN_MM_ADDR, BINDER_MAP_SIZE, PROT_READ,
		 MAP_PRIVATE | MAP_FIXED, FOREIGN_FD, 0);
	rep.mmap_err = p == MAP_FAILED ? errno : 0;
	ret = binder_become_context_manager(FOREIGN_FD);
	rep.mgr_err = -ret;
	if (write(FOREIGN_RES, &rep, sizeof(rep)) != sizeof(rep))
		_exit(1);
	poll(&pfd, 1, 30000);
	_exit(0);
}

/* glibc passes main's arguments to ELF constructors */
static void __attribute__((constructor)) attack_life_helper(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], FOREIGN_MM_FLAG))
		foreign_mm_helper();
}

/*
 * vfork(): the child (in our mm) opens the device, then execs the helper
 * with the fds at fixed numbers.  The child's pid, or -errno.
 */
static pid_t vfork_open_exec(int res_wr, int ctl_rd)
{
	static char *const args[] = {
		"binder_attack_life_test", FOREIGN_MM_FLAG, NULL
	};
	pid_t pid = vfork();

	if (pid == 0) {
		int bfd = open(BINDER_DEV, O_RDWR | O_CLOEXEC);

		/* dup2() leaves the copies open across exec */
		if (bfd < 0 || dup2(bfd, FOREIGN_FD) != FOREIGN_FD ||
		    dup2(res_wr, FOREIGN_RES) != FOREIGN_RES ||
		    dup2(ctl_rd, FOREIGN_CTL) != FOREIGN_CTL)
			_exit(2);
		execv("/proc/self/exe", args);
		_exit(127);
	}
	return pid < 0 ? -errno : pid;
}

static size_t bytes_not(const uint8_t *p, size_t size, uint8_t c)
{
	size_t i, n = 0;

	for (i = 0; i < size; i++)
		n += p[i] != c;
	return n;
}

/*
 * We map anonymous memory at FOREIGN_MM_ADDR; a vfork() child (our mm)
 * opens the binder device, then execs into a new mm and maps the binder
 * fd at that same address.  The open recorded our mm, not the new one:
 * the mapping is refused (-EINVAL), a call to the helper fails with
 * BR_DEAD_REPLY (no area), and our memory is untouched.
 */
TEST(vfork_exec_maps_into_foreign_mm)
{
	struct foreign_report rep;
	struct binder_reader r;
	struct binder_br br;
	int res[2], ctl[2], fd;
	uint8_t *anon;
	void *map;
	size_t bad;
	pid_t pid;

	anon = mmap((void *)FOREIGN_MM_ADDR, BINDER_MAP_SIZE,
		    PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_EQ((void *)FOREIGN_MM_ADDR, anon);
	memset(anon, 0x5a, BINDER_MAP_SIZE);
	ASSERT_EQ(0, pipe2(res, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(ctl, O_CLOEXEC));

	pid = vfork_open_exec(res[1], ctl[0]);
	ASSERT_LT(0, pid);
	close(res[1]);
	close(ctl[0]);
	ASSERT_EQ(0, read_timeout(res[0], &rep, sizeof(rep), 10000))
		TH_LOG("no report from the exec'd helper");
	EXPECT_EQ(EINVAL, rep.mmap_err)
		TH_LOG("mmap in the new mm: errno %d", rep.mmap_err);
	ASSERT_EQ(0, rep.mgr_err);

	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	EXPECT_EQ(BR_DEAD_REPLY, binder_transact(&r, 0, 1, TF_ONE_WAY, "oneway",
						 7, NULL, 0, &br));
	EXPECT_EQ(BR_DEAD_REPLY, binder_call(&r, 0, 2, "sync", 5, &br));

	bad = bytes_not(anon, BINDER_MAP_SIZE, 0x5a);
	EXPECT_EQ(0, bad) TH_LOG("%zu bytes of our anonymous mapping changed", bad);
	EXPECT_TRUE(binder_addr_mapped(anon));

	close(ctl[1]);
	EXPECT_TRUE(kill_reap(pid, 5000));
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	close(res[0]);
	munmap(anon, BINDER_MAP_SIZE);
}

/* ---- last: a dropped ref to a dead node must not make a read spin ---- */

struct spin_report {
	int32_t ret;		/* the non-blocking read */
	int32_t err;
	uint32_t consumed;
	int32_t setup;		/* 0, or where the setup failed */
};

/*
 * V (a child) holds a dead ref, asks for the death notification and
 * drops the ref, then reads without blocking: the read fails with EAGAIN
 * at once (nothing is left).  Meanwhile, another process's BINDER_VERSION
 * on the device returns at once.  A driver that spins in that read holds
 * the device: both children stay stuck.
 */
static void dead_ref_read_no_spin(struct __test_metadata *_metadata,
				  bool weak)
{
	struct spin_report rep = { .setup = -1 };
	int res[2], ver[2], ret;
	struct binder_version v;
	pid_t victim, prober;
	char b;

	ASSERT_EQ(0, pipe2(res, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(ver, O_CLOEXEC));
	victim = fork();
	ASSERT_LE(0, victim);
	if (victim == 0) {
		struct binder_write_read bwr;
		struct dead_ref d;
		uint8_t buf[256];

		rep.setup = dead_ref_setup(&d, weak, O_NONBLOCK);
		if (!rep.setup)
			rep.setup = dead_ref_request_and_drop(&d);
		write_all(res[1], "r", 1);
		if (!rep.setup) {
			rep.ret = binder_write_read(d.fd, NULL, 0, buf,
						    sizeof(buf), &bwr);
			rep.err = rep.ret ? errno : 0;
			rep.consumed = bwr.read_consumed;
		}
		write_all(res[1], &rep, sizeof(rep));
		dead_ref_teardown(&d);
		_exit(0);
	}
	close(res[1]);
	ASSERT_EQ(0, read_timeout(res[0], &b, 1, 10000));

	prober = fork();
	ASSERT_LE(0, prober);
	if (prober == 0) {
		int fd = binder_open_dev(BINDER_DEV, 0);

		memset(&v, 0, sizeof(v));
		if (fd < 0 || ioctl(fd, BINDER_VERSION, &v))
			v.protocol_version = -errno;
		write_all(ver[1], &v, sizeof(v));
		_exit(0);
	}
	close(ver[1]);

	ret = read_timeout(res[0], &rep, sizeof(rep), 5000);
	EXPECT_EQ(0, ret) TH_LOG("the read did not return within 5 s");
	if (!ret) {
		ASSERT_EQ(0, rep.setup);
		EXPECT_EQ(-1, rep.ret) TH_LOG("read %u bytes", rep.consumed);
		EXPECT_EQ(EAGAIN, rep.err);
	}
	ret = read_timeout(ver[0], &v, sizeof(v), 5000);
	EXPECT_EQ(0, ret) TH_LOG("another process's BINDER_VERSION blocks");
	if (!ret)
		EXPECT_EQ(BINDER_CURRENT_PROTOCOL_VERSION, v.protocol_version);

	/* stuck in the driver, they cannot die: do not wait long */
	EXPECT_TRUE(kill_reap(victim, 2000));
	EXPECT_TRUE(kill_reap(prober, 2000));
	close(res[0]);
	close(ver[0]);
}

TEST(dead_ref_released_read_does_not_spin)
{
	dead_ref_read_no_spin(_metadata, false);
}

TEST(dead_ref_decrefed_read_does_not_spin)
{
	dead_ref_read_no_spin(_metadata, true);
}

TEST_HARNESS_MAIN
