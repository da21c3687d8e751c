// SPDX-License-Identifier: GPL-2.0
/*
 * Threads: nested (recursive) calls routed to the waiting thread, looper
 * states (BC_ENTER_LOOPER, BC_REGISTER_LOOPER, BC_EXIT_LOOPER),
 * BR_SPAWN_LOOPER accounting, and BINDER_THREAD_EXIT in the middle of a
 * transaction.  Conformance: the reference driver's behaviour is the spec.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS

/* upstream's looper bits, as binder/proc/<pid> prints them ("l %02x") */
#define LOOPER_REGISTERED	0x01
#define LOOPER_ENTERED		0x02
#define LOOPER_EXITED		0x04
#define LOOPER_INVALID		0x08
#define LOOPER_WAITING		0x10

#define CODE_NESTED	20	/* data: a binder; call it back with "ping" */
#define CODE_EXIT	21	/* BINDER_THREAD_EXIT instead of replying */
#define CODE_SLOW	22	/* reply after 300 ms */

static pid_t gettid_(void)
{
	return syscall(SYS_gettid);
}

/* The looper byte of thread tid of this process, or -1 */
static int looper_state(pid_t tid)
{
	static char buf[65536];
	char want[48];
	const char *p;
	unsigned int l;

	if (binder_read_proc(getpid(), buf, sizeof(buf)) < 0)
		return -1;
	snprintf(want, sizeof(want), "  thread %d: l ", tid);
	p = strstr(buf, want);
	if (!p || sscanf(p + strlen(want), "%x", &l) != 1)
		return -1;
	return l;
}

static void handler(struct binder_server *s, struct binder_reader *r,
		    const struct binder_br *tr, struct binder_answer *ans)
{
	const struct flat_binder_object *obj = br_data(tr);
	struct binder_br br;
	int ret;

	switch (tr->txn.code) {
	case CODE_NESTED:
		/* call back into the caller while its call waits for us */
		ret = binder_call(r, obj->handle, 99, "ping", 4, &br);
		if (ret != BR_REPLY) {
			memcpy(ans->data, "fail", 4);
			ans->size = 4;
			return;
		}
		ans->size = br.txn.data_size < 64 ? br.txn.data_size : 64;
		memcpy(ans->data, br_data(&br), ans->size);
		binder_free_buffer(s->fd, br.txn.data.ptr.buffer);
		break;
	case CODE_EXIT:
		ioctl(s->fd, BINDER_THREAD_EXIT, 0);
		ans->no_reply = true;
		break;
	case CODE_SLOW:
		usleep(300000);
		break;
	}
}

static atomic_int idle_got_txn;
static atomic_int idle_tid;

/* A looper that blocks for proc work and counts what it is given */
static void *idle_looper(void *arg)
{
	struct binder_reader r;
	struct binder_br br;
	int fd = *(int *)arg;

	idle_tid = gettid_();
	binder_reader_init(&r, fd);
	if (binder_send_u32(fd, BC_ENTER_LOOPER))
		return NULL;
	for (;;) {
		if (binder_read_br(&r, &br, -1))
			return NULL;
		if (br.cmd == BR_TRANSACTION)
			idle_got_txn++;
		binder_handle_unwanted(&r, &br);
	}
}

/*
 * A calls B; B, while servicing it, calls back into A: the inner call goes
 * to A's thread that waits for its reply (its transaction stack), not to
 * A's idle looper.  A replies to the inner call, then gets B's reply.
 */
TEST(nested_call_to_waiting_thread)
{
	struct binder_server s = {
		.flags = BINDER_SERVER_CTX_MGR, .handler = handler,
	};
	struct flat_binder_object obj = binder_obj_binder(0xa0, 0xa1, false);
	binder_size_t off = 0;
	struct binder_reader r;
	struct binder_br br;
	pthread_t idle;
	void *map;
	int fd, i;

	ASSERT_EQ(0, binder_server_start(&s));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pthread_create(&idle, NULL, idle_looper, &fd));
	/* until the idle looper waits for work */
	for (i = 0; i < 100; i++) {
		int l = idle_tid ? looper_state(idle_tid) : -1;

		if (l >= 0 && (l & LOOPER_WAITING))
			break;
		usleep(20000);
	}
	ASSERT_LT(i, 100);

	binder_reader_init(&r, fd);
	ASSERT_EQ(BR_TRANSACTION,
		  binder_transact(&r, 0, CODE_NESTED, 0, &obj, sizeof(obj),
				  &off, 1, &br));
	EXPECT_EQ(99, br.txn.code);
	EXPECT_EQ(0xa0, br.txn.target.ptr);
	EXPECT_EQ(0xa1, br.txn.cookie);
	EXPECT_EQ(s.pid, br.txn.sender_pid);
	ASSERT_EQ(4, br.txn.data_size);
	EXPECT_EQ(0, memcmp(br_data(&br), "ping", 4));
	ASSERT_EQ(0, binder_reply(fd, br.txn.data.ptr.buffer, 0, "pong", 4,
				  NULL, 0));
	ASSERT_EQ(0, binder_read_until(&r, BR_REPLY, &br, T));
	ASSERT_EQ(4, br.txn.data_size);
	EXPECT_EQ(0, memcmp(br_data(&br), "pong", 4));
	EXPECT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));
	EXPECT_EQ(0, idle_got_txn);
	binder_server_stop(&s);
	close(fd);
}

/* The server's thread exits instead of replying: BR_DEAD_REPLY. */
TEST(thread_exit_instead_of_reply)
{
	struct binder_server s = {
		.flags = BINDER_SERVER_CTX_MGR, .handler = handler,
	};
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd;

	ASSERT_EQ(0, binder_server_start(&s));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	EXPECT_EQ(BR_DEAD_REPLY, binder_call(&r, 0, CODE_EXIT, NULL, 0, &br));
	/* the server lives on, on a new binder thread */
	ASSERT_EQ(BR_REPLY, binder_call(&r, 0, 1, NULL, 0, &br));
	EXPECT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));
	binder_server_stop(&s);
	close(fd);
}

/*
 * The caller's thread exits while its call is served: the server's
 * BC_REPLY is accepted (BR_TRANSACTION_COMPLETE, no error), the reply is
 * dropped, and the caller's next binder thread gets nothing.
 */
TEST(caller_thread_exit_mid_call)
{
	struct binder_server s = {
		.flags = BINDER_SERVER_CTX_MGR, .handler = handler,
	};
	struct binder_cmds c = { .len = 0 };
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd;

	ASSERT_EQ(0, binder_server_start(&s));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	cmd_txn(&c, BC_TRANSACTION, 0, CODE_SLOW, 0, NULL, 0, NULL, 0);
	ASSERT_EQ(0, binder_write_cmds(fd, &c, NULL));
	ASSERT_EQ(0, binder_server_wait(&s, BR_TRANSACTION, NULL, T));
	ASSERT_EQ(0, ioctl(fd, BINDER_THREAD_EXIT, 0));
	EXPECT_EQ(0, binder_server_wait(&s, BR_TRANSACTION_COMPLETE, NULL, T));
	EXPECT_EQ(-ETIMEDOUT, binder_server_wait(&s, BR_FAILED_REPLY, NULL, 300));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&r, &br, 300));
	EXPECT_EQ(0, binder_proc_count(getpid(), "  buffer "));
	binder_server_stop(&s);
	close(fd);
}

/* One BINDER_WRITE_READ: write then read; the first u32 read is returned. */
static int64_t write_read_first(int fd, uint32_t bc)
{
	struct binder_write_read bwr;
	uint32_t rbuf[32];
	int ret;

	rbuf[0] = 0;
	ret = binder_write_read(fd, &bc, bc ? sizeof(bc) : 0, rbuf,
				sizeof(rbuf), &bwr);
	if (ret < 0)
		return -errno;
	if (bwr.read_consumed != sizeof(uint32_t))
		return -EPROTO;
	return rbuf[0];
}

struct looper_job {
	int fd;
	uint32_t bc;
	int64_t first;
	int state;
};

static void *looper_job(void *arg)
{
	struct looper_job *j = arg;

	j->first = write_read_first(j->fd, j->bc);
	j->state = looper_state(gettid_());
	return NULL;
}

/* Run one looper_job on a new thread: a new binder thread. */
static struct looper_job on_new_thread(int fd, uint32_t bc)
{
	struct looper_job j = { .fd = fd, .bc = bc, .first = -1, .state = -1 };
	pthread_t t;

	if (pthread_create(&t, NULL, looper_job, &j) == 0)
		pthread_join(t, NULL);
	return j;
}

/*
 * BR_SPAWN_LOOPER comes in place of the leading BR_NOOP of a looper's
 * read when max_threads allows one more, none is requested yet and no
 * thread waits: only for a looper, one request at a time, and counted
 * against max_threads once BC_REGISTER_LOOPER answers it.
 */
TEST(spawn_looper_accounting)
{
	struct looper_job j;
	uint32_t max;
	int fd;

	fd = binder_open_dev(BINDER_DEV, O_NONBLOCK);
	ASSERT_LE(0, fd);

	/* max_threads 0: never */
	j = on_new_thread(fd, BC_ENTER_LOOPER);
	EXPECT_EQ(BR_NOOP, j.first);

	max = 1;
	ASSERT_EQ(0, ioctl(fd, BINDER_SET_MAX_THREADS, &max));
	/* not a looper: never */
	j = on_new_thread(fd, 0);
	EXPECT_EQ(BR_NOOP, j.first);
	/* a looper: once */
	j = on_new_thread(fd, BC_ENTER_LOOPER);
	EXPECT_EQ(BR_SPAWN_LOOPER, j.first);
	j = on_new_thread(fd, BC_ENTER_LOOPER);
	EXPECT_EQ(BR_NOOP, j.first) TH_LOG("requested already");

	/* the request answered: a registered looper, 1 of max 1 */
	j = on_new_thread(fd, BC_REGISTER_LOOPER);
	EXPECT_EQ(BR_NOOP, j.first);
	EXPECT_EQ(LOOPER_REGISTERED, j.state);
	j = on_new_thread(fd, BC_ENTER_LOOPER);
	EXPECT_EQ(BR_NOOP, j.first) TH_LOG("max reached");

	max = 2;
	ASSERT_EQ(0, ioctl(fd, BINDER_SET_MAX_THREADS, &max));
	j = on_new_thread(fd, BC_ENTER_LOOPER);
	EXPECT_EQ(BR_SPAWN_LOOPER, j.first);
	close(fd);
}

/*
 * Looper misuse is no error to the caller: the write succeeds, and the
 * thread is marked invalid -- BC_REGISTER_LOOPER without a request,
 * BC_ENTER_LOOPER after BC_REGISTER_LOOPER, BC_REGISTER_LOOPER after
 * BC_ENTER_LOOPER.  BC_EXIT_LOOPER only marks the thread exited.
 */
static void *misuse(void *arg)
{
	int *states = arg, fd = states[0];
	uint32_t cmds[2];
	struct binder_write_read bwr;

	cmds[0] = BC_REGISTER_LOOPER;
	if (binder_write_read(fd, cmds, 4, NULL, 0, &bwr) || bwr.write_consumed != 4)
		return NULL;
	states[1] = looper_state(gettid_());
	cmds[0] = BC_ENTER_LOOPER;
	cmds[1] = BC_EXIT_LOOPER;
	if (binder_write_read(fd, cmds, 8, NULL, 0, &bwr) || bwr.write_consumed != 8)
		return NULL;
	states[2] = looper_state(gettid_());
	return NULL;
}

static void *enter_then_register(void *arg)
{
	int *states = arg, fd = states[0];

	if (binder_send_u32(fd, BC_ENTER_LOOPER) ||
	    binder_send_u32(fd, BC_REGISTER_LOOPER))
		return NULL;
	states[1] = looper_state(gettid_());
	return NULL;
}

TEST(looper_misuse_marks_invalid)
{
	int states[3] = { -1, -1, -1 };
	pthread_t t;
	int fd;

	fd = binder_open_dev(BINDER_DEV, 0);
	ASSERT_LE(0, fd);
	states[0] = fd;
	ASSERT_EQ(0, pthread_create(&t, NULL, misuse, states));
	pthread_join(t, NULL);
	EXPECT_EQ(LOOPER_REGISTERED | LOOPER_INVALID, states[1]);
	EXPECT_EQ(LOOPER_REGISTERED | LOOPER_ENTERED | LOOPER_EXITED |
		  LOOPER_INVALID, states[2]);

	states[1] = -1;
	ASSERT_EQ(0, pthread_create(&t, NULL, enter_then_register, states));
	pthread_join(t, NULL);
	EXPECT_EQ(LOOPER_REGISTERED | LOOPER_ENTERED | LOOPER_INVALID, states[1]);
	close(fd);
}

/*
 * A server pool: with max_threads 2, concurrent slow calls make the
 * server spawn loopers, never more than max_threads registered ones, and
 * every call is answered.
 */
struct pool_call {
	int fd;
	int result;
};

static void *pool_caller(void *arg)
{
	struct pool_call *pc = arg;
	struct binder_reader r;
	struct binder_br br;

	binder_reader_init(&r, pc->fd);
	pc->result = binder_call(&r, 0, CODE_SLOW, NULL, 0, &br);
	if (pc->result == BR_REPLY)
		binder_free_buffer(pc->fd, br.txn.data.ptr.buffer);
	return NULL;
}

TEST(pool_spawns_up_to_max_threads)
{
	struct binder_server s = {
		.flags = BINDER_SERVER_CTX_MGR, .handler = handler,
		.max_threads = 2,
	};
	struct pool_call pc[4];
	pthread_t t[4];
	char buf[16384];
	const char *p;
	int i, fd, registered = 0, spawned = 0;
	uint64_t arg;
	void *map;

	ASSERT_EQ(0, binder_server_start(&s));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	for (i = 0; i < 4; i++) {
		pc[i].fd = fd;
		pc[i].result = 0;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, pool_caller, &pc[i]));
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(BR_REPLY, pc[i].result) TH_LOG("call %d", i);
	}
	while (binder_server_wait(&s, BR_SPAWN_LOOPER, &arg, 100) == 0)
		spawned++;
	EXPECT_LE(1, spawned);
	EXPECT_GE(2, spawned);
	/* a spawned thread registers soon after the request */
	for (i = 0; i < 50 && registered != spawned; i++) {
		usleep(20000);
		ASSERT_LT(0, binder_read_proc(s.pid, buf, sizeof(buf)));
		registered = 0;
		for (p = strstr(buf, ": l "); p; p = strstr(p + 1, ": l "))
			if (strtoul(p + 4, NULL, 16) & LOOPER_REGISTERED)
				registered++;
	}
	EXPECT_EQ(spawned, registered) TH_LOG("%s", buf);
	binder_server_stop(&s);
	close(fd);
}

TEST_HARNESS_MAIN
