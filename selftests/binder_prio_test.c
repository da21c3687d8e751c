// SPDX-License-Identifier: GPL-2.0
/*
 * Priority inheritance as upstream 6.1 does it, with nice values.  A node's
 * min priority is the FLAT_BINDER_FLAG_PRIORITY_MASK bits of the object
 * that made it (a nice value, 0..19 here; the plain context manager's node
 * has 0, BINDER_SET_CONTEXT_MGR_EXT's the bits of its object).  When a
 * transaction is delivered:
 *  - sync, caller's nice below the node's min: the handler takes the
 *    caller's nice; otherwise the node's min;
 *  - oneway: the handler goes to the node's min only if it is above it,
 *    never lower;
 *  - a thread that waits for proc work goes back to the proc's default
 *    nice, its opener's nice at open;
 *  - BC_REPLY restores the nice the handler had when it got the call.
 * Without CAP_SYS_NICE a nice below RLIMIT_NICE allows is clamped to it.
 * Conformance: the reference driver's behaviour is the spec.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS

#define CODE_NODE	1	/* data: u32 flags; reply a binder made with them */
#define CODE_NICE	2	/* reply (and report) the handler's nice */
#define CODE_AFTER	3	/* reply, then report the nice after BC_REPLY */
#define CODE_SET_NICE	4	/* oneway, data: i32: the handler sets its nice */
#define CODE_DROP	5	/* data: u32 RLIMIT_NICE; then become nobody */

#define EV_NICE		0x6e696365	/* arg: a handler's nice + NICE_BIAS */
#define EV_AFTER	0x61667472	/* arg: nice after BC_REPLY + NICE_BIAS */
#define EV_SET		0x73657420	/* arg: nice after CODE_SET_NICE + NICE_BIAS */
#define NICE_BIAS	100
#define NODE_PTR(flags)	(0x1000 + (flags))
#define NOBODY		65534

static pid_t gettid_(void)
{
	return syscall(SYS_gettid);
}

/* This thread's nice (getpriority() of a tid is the thread's own) */
static int my_nice(void)
{
	return getpriority(PRIO_PROCESS, gettid_());
}

static int set_my_nice(int nice)
{
	return setpriority(PRIO_PROCESS, gettid_(), nice);
}

static void reply_nice(struct binder_answer *ans, int32_t nice)
{
	memcpy(ans->data, &nice, sizeof(nice));
	ans->size = sizeof(nice);
}

static int drop_root(uint32_t rlim_nice)
{
	struct rlimit rl = { .rlim_cur = rlim_nice, .rlim_max = rlim_nice };

	if (setrlimit(RLIMIT_NICE, &rl))
		return errno;
	if (setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return errno;
	return 0;
}

static void prio_handler(struct binder_server *s, struct binder_reader *r,
			 const struct binder_br *tr, struct binder_answer *ans)
{
	int32_t nice = my_nice();
	struct flat_binder_object obj;
	uint32_t arg = 0;

	if (tr->txn.data_size >= sizeof(arg))
		memcpy(&arg, br_data(tr), sizeof(arg));
	switch (tr->txn.code) {
	case CODE_NODE:
		obj = binder_obj_binder(NODE_PTR(arg), 0, false);
		obj.flags = arg;
		memcpy(ans->data, &obj, sizeof(obj));
		ans->size = sizeof(obj);
		ans->offsets[0] = 0;
		ans->n = 1;
		break;
	case CODE_NICE:
		binder_server_event(s, EV_NICE, nice + NICE_BIAS);
		reply_nice(ans, nice);
		break;
	case CODE_AFTER:
		binder_reply(s->fd, tr->txn.data.ptr.buffer, 0, &nice,
			     sizeof(nice), NULL, 0);
		binder_server_event(s, EV_AFTER, my_nice() + NICE_BIAS);
		ans->no_reply = true;
		ans->keep_buffer = true;	/* freed with the reply */
		break;
	case CODE_SET_NICE:
		set_my_nice((int32_t)arg);
		binder_server_event(s, EV_SET, my_nice() + NICE_BIAS);
		break;
	case CODE_DROP:
		reply_nice(ans, drop_root(arg));
		break;
	}
}

FIXTURE(prio)
{
	struct binder_server s;
	struct binder_reader r;
	void *map;
	int fd;
};

FIXTURE_SETUP(prio)
{
	memset(&self->s, 0, sizeof(self->s));
	self->s.pid = -1;
	self->fd = -1;
}

FIXTURE_TEARDOWN(prio)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->s.pid > 0)
		binder_server_stop(&self->s);
}

/* The manager server opens at nice default_nice; the test's side opens. */
static int prio_start(struct _test_data_prio *self, int default_nice)
{
	self->s.flags = BINDER_SERVER_CTX_MGR;
	self->s.handler = prio_handler;
	if (set_my_nice(default_nice))
		return -errno;
	if (binder_server_start(&self->s))
		return -1;
	if (set_my_nice(0))
		return -errno;
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	if (self->fd < 0)
		return -errno;
	binder_reader_init(&self->r, self->fd);
	return 0;
}

/* A handle (with our strong ref) to a new node of the server's */
static int64_t get_node(struct binder_reader *r, uint32_t flags)
{
	const struct flat_binder_object *obj;
	struct binder_cmds c = { .len = 0 };
	struct binder_br br;
	int64_t handle = -1;

	if (binder_call(r, 0, CODE_NODE, &flags, sizeof(flags), &br) != BR_REPLY)
		return -1;
	obj = br_data(&br);
	if (br.txn.data_size == sizeof(*obj) &&
	    obj->hdr.type == BINDER_TYPE_HANDLE) {
		handle = obj->handle;
		cmd_handle(&c, BC_ACQUIRE, handle);
	}
	cmd_free_buffer(&c, br.txn.data.ptr.buffer);
	binder_write_cmds(r->fd, &c, NULL);
	return handle;
}

/* Call code at caller_nice; the i32 the handler replies, or 1000 + error */
static int call_at(struct binder_reader *r, uint32_t handle, uint32_t code,
		   int caller_nice, const void *data, size_t size)
{
	struct binder_br br;
	int32_t v = 1000;
	int ret;

	if (set_my_nice(caller_nice))
		return 2000;
	ret = binder_transact(r, handle, code, 0, data, size, NULL, 0, &br);
	set_my_nice(0);
	if (ret != BR_REPLY)
		return 1000 + ret;
	if (br.txn.data_size == sizeof(v))
		memcpy(&v, br_data(&br), sizeof(v));
	binder_free_buffer(r->fd, br.txn.data.ptr.buffer);
	return v;
}

static int nice_at(struct binder_reader *r, uint32_t handle, int caller_nice)
{
	return call_at(r, handle, CODE_NICE, caller_nice, NULL, 0);
}

/* A oneway CODE_NICE at caller_nice; the nice the handler reports */
static int oneway_nice_at(struct binder_server *s, struct binder_reader *r,
			  uint32_t handle, int caller_nice)
{
	struct binder_br br;
	uint64_t arg;
	int ret;

	if (set_my_nice(caller_nice))
		return 2000;
	ret = binder_transact(r, handle, CODE_NICE, TF_ONE_WAY, NULL, 0,
			      NULL, 0, &br);
	set_my_nice(0);
	if (ret != BR_TRANSACTION_COMPLETE)
		return 1000 + ret;
	if (binder_server_wait(s, EV_NICE, &arg, T))
		return 3000;
	return (int)arg - NICE_BIAS;
}

/* A oneway CODE_SET_NICE; the nice the handler then has */
static int set_nice_oneway(struct binder_server *s, struct binder_reader *r,
			   uint32_t handle, int32_t nice)
{
	struct binder_br br;
	uint64_t arg;

	if (binder_transact(r, handle, CODE_SET_NICE, TF_ONE_WAY, &nice,
			    sizeof(nice), NULL, 0, &br) != BR_TRANSACTION_COMPLETE)
		return 1000;
	if (binder_server_wait(s, EV_SET, &arg, T))
		return 3000;
	return (int)arg - NICE_BIAS;
}

/* Sync, caller's nice below the node's min (10): the caller's nice */
TEST_F(prio, sync_takes_caller_nice_below_min)
{
	int64_t h;

	ASSERT_EQ(0, prio_start(self, 0));
	h = get_node(&self->r, 10);
	ASSERT_LT(0, h);
	EXPECT_EQ(-5, nice_at(&self->r, h, -5));
	EXPECT_EQ(5, nice_at(&self->r, h, 5));
	EXPECT_EQ(9, nice_at(&self->r, h, 9));
	EXPECT_EQ(-20, nice_at(&self->r, h, -20));
}

/* Sync, caller's nice at or above the node's min: the node's min */
TEST_F(prio, sync_takes_node_min_otherwise)
{
	int64_t h;

	ASSERT_EQ(0, prio_start(self, 0));
	h = get_node(&self->r, 10);
	ASSERT_LT(0, h);
	EXPECT_EQ(10, nice_at(&self->r, h, 10));
	EXPECT_EQ(10, nice_at(&self->r, h, 15));
	EXPECT_EQ(10, nice_at(&self->r, h, 19));
	/* and the node's flags beyond the mask do not count */
	h = get_node(&self->r, FLAT_BINDER_FLAG_ACCEPTS_FDS | 12);
	ASSERT_LT(0, h);
	EXPECT_EQ(12, nice_at(&self->r, h, 17));
	EXPECT_EQ(3, nice_at(&self->r, h, 3));
}

/* BINDER_SET_CONTEXT_MGR's node has min priority 0 */
TEST_F(prio, context_manager_min_zero)
{
	ASSERT_EQ(0, prio_start(self, 0));
	EXPECT_EQ(0, nice_at(&self->r, 0, 7));
	EXPECT_EQ(0, nice_at(&self->r, 0, 19));
	EXPECT_EQ(-3, nice_at(&self->r, 0, -3));
}

/* A manager made with BINDER_SET_CONTEXT_MGR_EXT, replying its nice */
static void ext_manager(int ready, uint32_t flags)
{
	struct flat_binder_object fbo = binder_obj_binder(0, 0, false);
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int32_t nice;
	int fd;

	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	fbo.flags = flags;
	if (fd < 0 || binder_become_context_manager_ext(fd, &fbo) ||
	    binder_send_u32(fd, BC_ENTER_LOOPER))
		_exit(2);
	if (write(ready, "r", 1) != 1)
		_exit(3);
	binder_reader_init(&r, fd);
	while (!binder_read_until(&r, BR_TRANSACTION, &br, 10 * T)) {
		nice = my_nice();
		binder_reply(fd, br.txn.data.ptr.buffer, 0, &nice, sizeof(nice),
			     NULL, 0);
	}
	_exit(0);
}

TEST_F(prio, context_manager_ext_min)
{
	struct pollfd pfd;
	int p[2], status;
	pid_t mgr;
	char c;

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	mgr = fork();
	ASSERT_LE(0, mgr);
	if (mgr == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		ext_manager(p[1], FLAT_BINDER_FLAG_ACCEPTS_FDS | 10);
	}
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	ASSERT_EQ(1, read(p[0], &c, 1));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	binder_reader_init(&self->r, self->fd);
	EXPECT_EQ(10, nice_at(&self->r, 0, 15));
	EXPECT_EQ(10, nice_at(&self->r, 0, 10));
	EXPECT_EQ(2, nice_at(&self->r, 0, 2));
	EXPECT_EQ(-8, nice_at(&self->r, 0, -8));
	kill(mgr, SIGKILL);
	waitpid(mgr, &status, 0);
	close(p[0]);
}

/*
 * Oneway, server at nice 15 by default: lowered to the node's min (10),
 * never to the caller's nice; a node whose min is above 15 leaves it.
 */
TEST_F(prio, oneway_lowers_only_to_node_min)
{
	int64_t h10, h19;

	ASSERT_EQ(0, prio_start(self, 15));
	h10 = get_node(&self->r, 10);
	h19 = get_node(&self->r, 19);
	ASSERT_LT(0, h10);
	ASSERT_LT(0, h19);
	EXPECT_EQ(10, oneway_nice_at(&self->s, &self->r, h10, 0));
	EXPECT_EQ(10, oneway_nice_at(&self->s, &self->r, h10, -10));
	EXPECT_EQ(10, oneway_nice_at(&self->s, &self->r, h10, 19));
	EXPECT_EQ(15, oneway_nice_at(&self->s, &self->r, h19, 0));
	EXPECT_EQ(15, oneway_nice_at(&self->s, &self->r, h19, 19));
	/* a sync call from nice 0 to the min-10 node does go to 0 */
	EXPECT_EQ(0, nice_at(&self->r, h10, 0));
}

/* Oneway to a server at its default 0, below the min: it stays at 0 */
TEST_F(prio, oneway_does_not_raise_to_node_min)
{
	int64_t h;

	ASSERT_EQ(0, prio_start(self, 0));
	h = get_node(&self->r, 10);
	ASSERT_LT(0, h);
	EXPECT_EQ(0, oneway_nice_at(&self->s, &self->r, h, 19));
	EXPECT_EQ(0, oneway_nice_at(&self->s, &self->r, h, -10));
}

/*
 * A handler changes its own nice; the next call finds the thread back at
 * the proc's default (5, its opener's nice at open): waiting for proc
 * work resets it.
 */
TEST_F(prio, waiting_thread_back_to_default)
{
	int32_t nice;
	int64_t h;

	ASSERT_EQ(0, prio_start(self, 5));
	h = get_node(&self->r, 19);
	ASSERT_LT(0, h);
	EXPECT_EQ(5, oneway_nice_at(&self->s, &self->r, h, 0));
	nice = -3;
	EXPECT_EQ(-3, set_nice_oneway(&self->s, &self->r, h, nice));
	EXPECT_EQ(5, oneway_nice_at(&self->s, &self->r, h, 0));
	nice = 12;
	EXPECT_EQ(12, set_nice_oneway(&self->s, &self->r, h, nice));
	EXPECT_EQ(5, oneway_nice_at(&self->s, &self->r, h, 0));
	/* a sync call below the min is delivered at the caller's nice */
	EXPECT_EQ(12, set_nice_oneway(&self->s, &self->r, h, nice));
	EXPECT_EQ(1, nice_at(&self->r, h, 1));
}

/* After BC_REPLY the handler is back at the nice it had when called */
TEST_F(prio, restored_after_reply)
{
	uint64_t arg;
	int64_t h;

	ASSERT_EQ(0, prio_start(self, 0));
	h = get_node(&self->r, 10);
	ASSERT_LT(0, h);
	EXPECT_EQ(10, call_at(&self->r, h, CODE_AFTER, 15, NULL, 0));
	ASSERT_EQ(0, binder_server_wait(&self->s, EV_AFTER, &arg, T));
	EXPECT_EQ(0, (int)arg - NICE_BIAS);
	EXPECT_EQ(-7, call_at(&self->r, h, CODE_AFTER, -7, NULL, 0));
	ASSERT_EQ(0, binder_server_wait(&self->s, EV_AFTER, &arg, T));
	EXPECT_EQ(0, (int)arg - NICE_BIAS);
	/* the manager's node (min 0) too */
	EXPECT_EQ(0, call_at(&self->r, 0, CODE_AFTER, 9, NULL, 0));
	ASSERT_EQ(0, binder_server_wait(&self->s, EV_AFTER, &arg, T));
	EXPECT_EQ(0, (int)arg - NICE_BIAS);
}

/*
 * The server drops root (no CAP_SYS_NICE) with RLIMIT_NICE 25, which
 * allows nice -5 and up: a caller's nice -10 is clamped to -5; what the
 * rlimit allows is taken as is; the restore after BC_REPLY still works.
 */
TEST_F(prio, unprivileged_clamped_to_rlimit)
{
	uint32_t rlim = 25;
	uint64_t arg;
	int64_t h;

	ASSERT_EQ(0, prio_start(self, 0));
	h = get_node(&self->r, 10);
	ASSERT_LT(0, h);
	ASSERT_EQ(0, call_at(&self->r, h, CODE_DROP, 0, &rlim, sizeof(rlim)));
	EXPECT_EQ(-5, nice_at(&self->r, h, -10));
	EXPECT_EQ(-5, nice_at(&self->r, h, -20));
	EXPECT_EQ(-5, nice_at(&self->r, h, -5));
	EXPECT_EQ(3, nice_at(&self->r, h, 3));
	EXPECT_EQ(10, nice_at(&self->r, h, 15));
	EXPECT_EQ(-5, call_at(&self->r, h, CODE_AFTER, -10, NULL, 0));
	ASSERT_EQ(0, binder_server_wait(&self->s, EV_AFTER, &arg, T));
	EXPECT_EQ(0, (int)arg - NICE_BIAS);
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
