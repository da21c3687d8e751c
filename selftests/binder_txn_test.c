// SPDX-License-Identifier: GPL-2.0
/*
 * The context manager and transactions: who may be the manager, sync
 * calls to handle 0 and their replies, oneway calls and their ordering.
 * Conformance: the reference driver's behaviour is the spec.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS

/* Fork a child that runs fn(arg); its exit status is fn's result. */
static pid_t run_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(arg));
	return pid;
}

/* 0 if the child exited 0 within timeout_ms, else its status or -1 */
static int reap(pid_t pid, int timeout_ms)
{
	int status, i;

	for (i = 0; i < timeout_ms / 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

TEST(context_manager_once)
{
	int fd1, fd2;
	__s32 zero = 0;

	fd1 = binder_open_dev(BINDER_DEV, 0);
	fd2 = binder_open_dev(BINDER_DEV, 0);
	ASSERT_LE(0, fd1);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, binder_become_context_manager(fd1));
	/* the same proc again, and another proc of the same process */
	EXPECT_EQ(-1, ioctl(fd1, BINDER_SET_CONTEXT_MGR, &zero));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, ioctl(fd2, BINDER_SET_CONTEXT_MGR, &zero));
	EXPECT_EQ(EBUSY, errno);
	close(fd2);
	close(fd1);
	/* the manager is gone with its proc: a new one may come */
	fd2 = binder_open_dev(BINDER_DEV, 0);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, binder_become_context_manager(fd2));
	close(fd2);
}

static int busy_in_child(void *arg)
{
	int fd = binder_open_dev(BINDER_DEV, 0);
	__s32 zero = 0;

	if (fd < 0)
		return 10;
	if (ioctl(fd, BINDER_SET_CONTEXT_MGR, &zero) == 0)
		return 11;
	return errno == EBUSY ? 0 : 12;
}

TEST(context_manager_busy_for_other_process)
{
	int fd = binder_open_dev(BINDER_DEV, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, binder_become_context_manager(fd));
	EXPECT_EQ(0, reap(run_child(busy_in_child, NULL), 5000));
	close(fd);
}

/* Each device is a context with a manager of its own. */
TEST(context_manager_per_device)
{
	static const char * const devs[] = {
		"/dev/binder", "/dev/hwbinder", "/dev/vndbinder"
	};
	int fds[3], again;
	unsigned int i;
	__s32 zero = 0;

	for (i = 0; i < 3; i++) {
		fds[i] = binder_open_dev(devs[i], 0);
		ASSERT_LE(0, fds[i]) TH_LOG("%s", devs[i]);
		ASSERT_EQ(0, binder_become_context_manager(fds[i])) TH_LOG("%s", devs[i]);
	}
	for (i = 0; i < 3; i++) {
		again = binder_open_dev(devs[i], 0);
		ASSERT_LE(0, again);
		EXPECT_EQ(-1, ioctl(again, BINDER_SET_CONTEXT_MGR, &zero));
		EXPECT_EQ(EBUSY, errno) TH_LOG("%s", devs[i]);
		close(again);
	}
	for (i = 0; i < 3; i++)
		close(fds[i]);
}

/*
 * BINDER_SET_CONTEXT_MGR_EXT: the manager's node gets the object's ptr and
 * cookie (GET_NODE_DEBUG_INFO lists it, with both refs held), and a
 * transaction to handle 0 carries them as target.ptr and cookie.
 */
static int oneway_to_zero(void *arg)
{
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);

	if (fd < 0)
		return 10;
	binder_reader_init(&r, fd);
	if (binder_transact(&r, 0, 7, TF_ONE_WAY, "x", 1, NULL, 0, &br) !=
	    BR_TRANSACTION_COMPLETE)
		return 11;
	return 0;
}

TEST(context_manager_ext)
{
	struct flat_binder_object fbo = binder_obj_binder(0x1230, 0x4560, false);
	struct binder_node_debug_info info;
	struct binder_reader r;
	struct binder_br br;
	void *map;
	pid_t child;
	int fd;

	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, binder_become_context_manager_ext(fd, &fbo));

	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, ioctl(fd, BINDER_GET_NODE_DEBUG_INFO, &info));
	EXPECT_EQ(0x1230, info.ptr);
	EXPECT_EQ(0x4560, info.cookie);
	EXPECT_EQ(1, info.has_strong_ref);
	EXPECT_EQ(1, info.has_weak_ref);
	/* the next node after 0x1230: none, all zero */
	ASSERT_EQ(0, ioctl(fd, BINDER_GET_NODE_DEBUG_INFO, &info));
	EXPECT_EQ(0, info.ptr);
	EXPECT_EQ(0, info.cookie);

	ASSERT_EQ(0, binder_send_u32(fd, BC_ENTER_LOOPER));
	child = run_child(oneway_to_zero, NULL);
	binder_reader_init(&r, fd);
	ASSERT_EQ(0, binder_read_until(&r, BR_TRANSACTION, &br, T));
	EXPECT_EQ(0x1230, br.txn.target.ptr);
	EXPECT_EQ(0x4560, br.txn.cookie);
	EXPECT_EQ(7, br.txn.code);
	EXPECT_EQ(TF_ONE_WAY, br.txn.flags & TF_ONE_WAY);
	EXPECT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));
	EXPECT_EQ(0, reap(child, 5000));
	close(fd);
}

/* With no manager, handle 0 is a dead binder. */
TEST(call_without_context_manager)
{
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd = binder_open_mapped_dev("/dev/vndbinder", 0, &map);

	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	/* a manager of an earlier test may still be on its way out */
	EXPECT_EQ(BR_DEAD_REPLY, binder_call(&r, 0, 1, NULL, 0, &br));
	close(fd);
}

/* The manager's own process may not call handle 0: BR_FAILED_REPLY. */
TEST(context_manager_calls_itself)
{
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, binder_become_context_manager(fd));
	binder_reader_init(&r, fd);
	EXPECT_EQ(BR_FAILED_REPLY, binder_call(&r, 0, 1, NULL, 0, &br));
	close(fd);
}

/*
 * A sync round trip to handle 0: the sender sees BR_TRANSACTION_COMPLETE
 * then BR_REPLY; the server saw the data, code and flags sent, target 0,
 * and the kernel's sender_pid (our tgid) and sender_euid.  A reply has no
 * sender: its sender_pid is 0.  Both buffers are freed by BC_FREE_BUFFER.
 */
TEST(sync_round_trip)
{
	static const char msg[] = "hello, binder";
	struct binder_server s = { .flags = BINDER_SERVER_CTX_MGR };
	const struct binder_echo *e;
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd;

	ASSERT_EQ(0, binder_server_start(&s));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);

	ASSERT_EQ(BR_REPLY, binder_transact(&r, 0, 0x42, TF_ACCEPT_FDS, msg,
					    sizeof(msg), NULL, 0, &br));
	EXPECT_TRUE(binder_seen(&r, BR_TRANSACTION_COMPLETE));
	EXPECT_EQ(BR_TRANSACTION_COMPLETE, r.seen[0]);
	EXPECT_EQ(BR_REPLY, r.seen[1]);

	EXPECT_EQ(sizeof(*e) + sizeof(msg), br.txn.data_size);
	EXPECT_EQ(0, br.txn.offsets_size);
	EXPECT_EQ(0, br.txn.target.ptr);
	EXPECT_EQ(0, br.txn.cookie);
	EXPECT_EQ(0, br.txn.sender_pid);
	EXPECT_EQ(geteuid(), br.txn.sender_euid);
	EXPECT_EQ(0, br.txn.flags & TF_ONE_WAY);
	/* the reply lies in our mapping */
	EXPECT_LE((uintptr_t)map, br.txn.data.ptr.buffer);
	EXPECT_GT((uintptr_t)map + BINDER_MAP_SIZE, br.txn.data.ptr.buffer);

	e = br_data(&br);
	EXPECT_EQ(0x42, e->code);
	EXPECT_EQ(TF_ACCEPT_FDS, e->flags);
	EXPECT_EQ(getpid(), e->sender_pid);
	EXPECT_EQ(geteuid(), e->sender_euid);
	EXPECT_EQ(0, e->target_ptr);
	EXPECT_EQ(0, e->cookie);
	EXPECT_EQ(sizeof(msg), e->data_size);
	EXPECT_EQ(0, e->offsets_size);
	EXPECT_EQ(0, memcmp(e + 1, msg, sizeof(msg)));
	EXPECT_EQ(0, binder_server_wait(&s, BR_TRANSACTION, NULL, T));

	EXPECT_EQ(1, binder_proc_count(getpid(), "  buffer "));
	EXPECT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));
	EXPECT_EQ(0, binder_proc_count(getpid(), "  buffer "));
	/* the server freed the request before replying */
	EXPECT_EQ(0, binder_proc_count(s.pid, "  buffer "));

	/* the thread is free for the next call */
	ASSERT_EQ(BR_REPLY, binder_call(&r, 0, 0x43, "", 0, &br));
	e = br_data(&br);
	EXPECT_EQ(0x43, e->code);
	EXPECT_EQ(0, e->data_size);
	EXPECT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));
	close(fd);
	binder_server_stop(&s);
}

static void status_handler(struct binder_server *s, struct binder_reader *r,
			   const struct binder_br *tr, struct binder_answer *ans)
{
	int32_t status = -22;

	ans->flags = TF_STATUS_CODE;
	memcpy(ans->data, &status, sizeof(status));
	ans->size = sizeof(status);
}

/* A TF_STATUS_CODE reply arrives as a BR_REPLY with that flag and data. */
TEST(status_code_reply)
{
	struct binder_server s = {
		.flags = BINDER_SERVER_CTX_MGR, .handler = status_handler,
	};
	struct binder_reader r;
	struct binder_br br;
	int32_t status;
	void *map;
	int fd;

	ASSERT_EQ(0, binder_server_start(&s));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	ASSERT_EQ(BR_REPLY, binder_call(&r, 0, 1, NULL, 0, &br));
	EXPECT_EQ(TF_STATUS_CODE, br.txn.flags & TF_STATUS_CODE);
	ASSERT_EQ(sizeof(status), br.txn.data_size);
	memcpy(&status, br_data(&br), sizeof(status));
	EXPECT_EQ(-22, status);
	EXPECT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));
	close(fd);
	binder_server_stop(&s);
}

/* Replies 200 bytes of 0xab, with TF_CLEAR_BUF when the code is 1 */
static void pattern_handler(struct binder_server *s, struct binder_reader *r,
			    const struct binder_br *tr, struct binder_answer *ans)
{
	ans->flags = tr->txn.code == 1 ? TF_CLEAR_BUF : 0;
	ans->size = 200;
	memset(ans->data, 0xab, ans->size);
}

static int bytes_equal(const uint8_t *p, size_t n, uint8_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

/*
 * TF_CLEAR_BUF: the buffer is zeroed when it is freed, so its bytes do not
 * linger in the receiver's mapping; without it they stay until reused.
 */
TEST(clear_buf_on_free)
{
	struct binder_server s = {
		.flags = BINDER_SERVER_CTX_MGR, .handler = pattern_handler,
	};
	struct binder_reader r;
	struct binder_br br;
	const uint8_t *p;
	void *map;
	int fd;

	ASSERT_EQ(0, binder_server_start(&s));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);

	ASSERT_EQ(BR_REPLY, binder_call(&r, 0, 2, NULL, 0, &br));
	EXPECT_EQ(0, br.txn.flags & TF_CLEAR_BUF);
	ASSERT_EQ(200, br.txn.data_size);
	p = (const uint8_t *)(uintptr_t)br.txn.data.ptr.buffer;
	EXPECT_TRUE(bytes_equal(p, 200, 0xab));
	EXPECT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));
	EXPECT_TRUE(bytes_equal(p, 200, 0xab));

	ASSERT_EQ(BR_REPLY, binder_call(&r, 0, 1, NULL, 0, &br));
	EXPECT_EQ(TF_CLEAR_BUF, br.txn.flags & TF_CLEAR_BUF);
	ASSERT_EQ(200, br.txn.data_size);
	p = (const uint8_t *)(uintptr_t)br.txn.data.ptr.buffer;
	EXPECT_TRUE(bytes_equal(p, 200, 0xab));
	EXPECT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));
	EXPECT_TRUE(bytes_equal(p, 200, 0));

	close(fd);
	binder_server_stop(&s);
}

/*
 * A oneway call completes at once: BR_TRANSACTION_COMPLETE while the
 * server never reads.  The call waits, queued, in the server's space.
 */
TEST(oneway_completes_at_once)
{
	struct binder_server s = {
		.flags = BINDER_SERVER_CTX_MGR | BINDER_SERVER_NO_LOOP,
	};
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd;

	ASSERT_EQ(0, binder_server_start(&s));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	EXPECT_EQ(BR_TRANSACTION_COMPLETE,
		  binder_transact(&r, 0, 1, TF_ONE_WAY, "a", 1, NULL, 0, &br));
	EXPECT_EQ(1, binder_proc_count(s.pid, "  buffer "));
	/* and nothing else comes */
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&r, &br, 200));
	close(fd);
	binder_server_stop(&s);
}

struct oneway_sender {
	int sent[2];	/* the sender writes a byte when all are sent */
	int done[2];	/* the test closes it to let the sender go */
};

static int send_three_oneway(void *arg)
{
	struct oneway_sender *o = arg;
	struct binder_reader r;
	struct binder_br br;
	uint32_t i;
	void *map;
	char c;
	int fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);

	close(o->done[1]);
	if (fd < 0)
		return 10;
	binder_reader_init(&r, fd);
	for (i = 1; i <= 3; i++)
		if (binder_transact(&r, 0, i, TF_ONE_WAY, &i, sizeof(i), NULL, 0,
				    &br) != BR_TRANSACTION_COMPLETE)
			return 10 + i;
	if (write(o->sent[1], "s", 1) != 1)
		return 20;
	if (read(o->done[0], &c, 1) != 0)
		return 21;
	return 0;
}

/*
 * Oneway calls to one node come one at a time and in order: the next is
 * delivered only when the buffer of the previous one is freed.
 */
TEST(oneway_one_at_a_time_in_order)
{
	struct oneway_sender o;
	binder_uintptr_t buf;
	struct binder_reader r;
	struct binder_br br;
	uint32_t i, v;
	pid_t child;
	void *map;
	char c;
	int fd;

	ASSERT_EQ(0, pipe(o.sent));
	ASSERT_EQ(0, pipe(o.done));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, binder_become_context_manager(fd));
	ASSERT_EQ(0, binder_send_u32(fd, BC_ENTER_LOOPER));
	binder_reader_init(&r, fd);
	child = run_child(send_three_oneway, &o);
	ASSERT_LT(0, child);
	close(o.done[0]);
	ASSERT_EQ(1, read(o.sent[0], &c, 1));

	for (i = 1; i <= 3; i++) {
		ASSERT_EQ(0, binder_read_br(&r, &br, T)) TH_LOG("call %u", i);
		ASSERT_EQ(BR_TRANSACTION, br.cmd);
		EXPECT_EQ(i, br.txn.code);
		EXPECT_EQ(TF_ONE_WAY, br.txn.flags & TF_ONE_WAY);
		/* a oneway call has no sender thread: sender_pid is 0 */
		EXPECT_EQ(0, br.txn.sender_pid);
		EXPECT_EQ(geteuid(), br.txn.sender_euid);
		ASSERT_EQ(sizeof(v), br.txn.data_size);
		memcpy(&v, br_data(&br), sizeof(v));
		EXPECT_EQ(i, v);
		buf = br.txn.data.ptr.buffer;
		/* the next one waits for this buffer */
		EXPECT_EQ(-ETIMEDOUT, binder_read_br(&r, &br, 300));
		ASSERT_EQ(0, binder_free_buffer(fd, buf));
	}
	close(o.done[1]);
	EXPECT_EQ(0, reap(child, 5000));
	close(fd);
}

TEST_HARNESS_MAIN
