// SPDX-License-Identifier: GPL-2.0
/*
 * BINDER_FREEZE and BINDER_GET_FROZEN_INFO: a frozen process refuses sync
 * calls (BR_FROZEN_REPLY) and queues oneway ones; freezing one with work
 * in flight fails with EAGAIN unless a timeout lets it drain.  From 6.12,
 * a oneway call to a frozen process completes with
 * BR_TRANSACTION_PENDING_FROZEN, and freeze notifications
 * (BC_REQUEST_FREEZE_NOTIFICATION, BR_FROZEN_BINDER, ...) exist.
 * Conformance: the reference driver's behaviour is the spec.
 *
 * The 6.12 additions are spelled out here (values of the 6.12 UAPI), so
 * the test builds against any header; they are tested on kernels from
 * 6.12 on, skipped before.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS

/* 6.12's UAPI additions */
struct frozen_state_info {
	binder_uintptr_t cookie;
	uint32_t is_frozen;
	uint32_t reserved;
};

#define BR_PENDING_FROZEN	_IO('r', 20)
#define BR_FROZEN		_IOR('r', 21, struct frozen_state_info)
#define BR_CLEAR_FREEZE_DONE	_IOR('r', 22, binder_uintptr_t)
#define BC_REQUEST_FREEZE	_IOW('c', 19, struct binder_handle_cookie)
#define BC_CLEAR_FREEZE		_IOW('c', 20, struct binder_handle_cookie)
#define BC_FREEZE_DONE		_IOW('c', 21, binder_uintptr_t)

/* Since when a oneway call to a frozen process says so, and notifications */
#define HAS_612 binder_kernel_at_least(6, 12)

static int freeze(int fd, pid_t pid, bool enable, uint32_t timeout_ms)
{
	struct binder_freeze_info info = {
		.pid = pid, .enable = enable, .timeout_ms = timeout_ms,
	};

	return binder_ioctl(fd, BINDER_FREEZE, &info) ? -errno : 0;
}

static int frozen_info(int fd, pid_t pid, struct binder_frozen_status_info *fi)
{
	memset(fi, 0xa5, sizeof(*fi));
	fi->pid = pid;
	return binder_ioctl(fd, BINDER_GET_FROZEN_INFO, fi) ? -errno : 0;
}

static void slow_handler(struct binder_server *s, struct binder_reader *r,
			 const struct binder_br *tr, struct binder_answer *ans)
{
	if (tr->txn.code == 5)
		usleep(600 * 1000);
}

FIXTURE(frz) {
	struct binder_server s;
	struct binder_reader r;
	void *map;
	int fd;
};

FIXTURE_SETUP(frz)
{
	memset(&self->s, 0, sizeof(self->s));
	self->s.flags = BINDER_SERVER_CTX_MGR;
	self->s.handler = slow_handler;
	ASSERT_EQ(0, binder_server_start(&self->s));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	binder_reader_init(&self->r, self->fd);
}

FIXTURE_TEARDOWN(frz)
{
	munmap(self->map, BINDER_MAP_SIZE);
	close(self->fd);
	binder_server_stop(&self->s);
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

/*
 * A frozen server: sync calls get BR_FROZEN_REPLY (extended error
 * BR_FROZEN_REPLY, param 0) and never reach it; GET_FROZEN_INFO shows
 * sync_recv 1.  Unfrozen, all is as before, the flags cleared.
 */
TEST_F(frz, sync_call_to_frozen)
{
	struct binder_frozen_status_info fi;
	struct binder_extended_error ee;
	struct binder_br br;

	ASSERT_EQ(0, freeze(self->fd, self->s.pid, true, 0));
	ASSERT_EQ(0, frozen_info(self->fd, self->s.pid, &fi));
	EXPECT_EQ(0, fi.sync_recv);
	EXPECT_EQ(0, fi.async_recv);

	EXPECT_EQ(BR_FROZEN_REPLY, binder_call(&self->r, 0, 1, "x", 1, &br));
	ASSERT_EQ(0, ioctl(self->fd, BINDER_GET_EXTENDED_ERROR, &ee));
	EXPECT_NE(0, ee.id);
	EXPECT_EQ(BR_FROZEN_REPLY, ee.command);
	EXPECT_EQ(0, ee.param);
	EXPECT_EQ(-ETIMEDOUT, binder_server_wait(&self->s, BR_TRANSACTION,
						 NULL, 200));
	ASSERT_EQ(0, frozen_info(self->fd, self->s.pid, &fi));
	EXPECT_EQ(1, fi.sync_recv);
	EXPECT_EQ(0, fi.async_recv);
	/* freezing again resets the flags */
	ASSERT_EQ(0, freeze(self->fd, self->s.pid, true, 0));
	ASSERT_EQ(0, frozen_info(self->fd, self->s.pid, &fi));
	EXPECT_EQ(0, fi.sync_recv);

	ASSERT_EQ(0, freeze(self->fd, self->s.pid, false, 0));
	ASSERT_EQ(0, frozen_info(self->fd, self->s.pid, &fi));
	EXPECT_EQ(0, fi.sync_recv);
	EXPECT_EQ(0, fi.async_recv);
	ASSERT_EQ(BR_REPLY, binder_call(&self->r, 0, 2, "y", 1, &br));
	binder_free_buffer(self->fd, br.txn.data.ptr.buffer);
}

/* A pid with no binder proc: EINVAL for both ioctls. */
TEST_F(frz, unknown_pid)
{
	struct binder_frozen_status_info fi;

	EXPECT_EQ(-EINVAL, freeze(self->fd, 1, true, 0));
	EXPECT_EQ(-EINVAL, frozen_info(self->fd, 1, &fi));
	EXPECT_EQ(-EINVAL, freeze(self->fd, 1, false, 0));
}

static int slow_call(void *arg)
{
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);

	if (fd < 0)
		return 10;
	binder_reader_init(&r, fd);
	if (binder_call(&r, 0, 5, NULL, 0, &br) != BR_REPLY)
		return 11;
	return 0;
}

/* A child whose call to the (slow) server is being handled; its pid */
static pid_t start_slow_call(struct __test_metadata *_metadata,
			     struct binder_server *s)
{
	pid_t child = fork();

	if (child == 0)
		_exit(slow_call(NULL));
	EXPECT_LE(0, child);
	EXPECT_EQ(0, binder_server_wait(s, BR_TRANSACTION, NULL, T));
	return child;
}

static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * Freezing a server busy with a sync call: with timeout 0, EAGAIN (and
 * the server is left unfrozen; GET_FROZEN_INFO's sync_recv has bit 1,
 * "transactions pending"); with a timeout long enough, the freeze waits
 * for the reply and succeeds.  The frozen server's reply still goes out.
 */
TEST_F(frz, freeze_with_pending_call)
{
	struct binder_frozen_status_info fi;
	struct binder_br br;
	pid_t child;

	child = start_slow_call(_metadata, &self->s);
	ASSERT_LT(0, child);
	EXPECT_EQ(-EAGAIN, freeze(self->fd, self->s.pid, true, 0));
	ASSERT_EQ(0, frozen_info(self->fd, self->s.pid, &fi));
	EXPECT_EQ(2, fi.sync_recv);
	EXPECT_EQ(0, fi.async_recv);
	/* the call is still under way: the freeze waits for its reply */
	EXPECT_EQ(0, freeze(self->fd, self->s.pid, true, 3000));
	EXPECT_EQ(0, reap(child));
	EXPECT_EQ(BR_FROZEN_REPLY, binder_call(&self->r, 0, 1, NULL, 0, &br));
	EXPECT_EQ(0, freeze(self->fd, self->s.pid, false, 0));
}

struct sender {
	int res[2];	/* the child writes what each call got */
	int done[2];	/* the test closes it to let the child go */
};

/* Three oneway calls (code 9, TF_UPDATE_TXN, data 1..3), then a sync one */
static int send_oneways(struct sender *o)
{
	struct binder_reader r;
	struct binder_br br;
	uint32_t i, got;
	void *map;
	char c;
	int fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);

	close(o->done[1]);
	if (fd < 0)
		return 10;
	binder_reader_init(&r, fd);
	for (i = 1; i <= 3; i++) {
		struct binder_cmds cmds = { .len = 0 };

		cmd_txn(&cmds, BC_TRANSACTION, 0, 9, TF_ONE_WAY | TF_UPDATE_TXN,
			&i, sizeof(i), NULL, 0);
		if (binder_write_cmds(fd, &cmds, NULL) ||
		    binder_read_br(&r, &br, T))
			return 11;
		got = br.cmd;
		if (write(o->res[1], &got, sizeof(got)) != sizeof(got))
			return 12;
	}
	got = binder_call(&r, 0, 10, NULL, 0, &br);
	if (write(o->res[1], &got, sizeof(got)) != sizeof(got))
		return 13;
	if (read(o->done[0], &c, 1) != 0)
		return 14;
	return 0;
}

/*
 * We are the frozen manager, not reading; a child sends three oneway
 * calls with TF_UPDATE_TXN and one sync call.  Each oneway completes with
 * BR_TRANSACTION_COMPLETE (6.1) or BR_TRANSACTION_PENDING_FROZEN (6.12);
 * the sync one gets BR_FROZEN_REPLY.  The first oneway waits in the proc's
 * queue, the second in the node's async queue, where the third replaces
 * it: two buffers.  GET_FROZEN_INFO: sync_recv 3 (received | pending),
 * async_recv 1.  Unfrozen, we read calls 1 and 3.
 */
TEST(oneway_to_frozen)
{
	uint32_t want = HAS_612 ? BR_PENDING_FROZEN : BR_TRANSACTION_COMPLETE;
	struct binder_frozen_status_info fi;
	struct binder_reader r;
	struct binder_br br;
	struct sender o;
	uint32_t got, v;
	void *map;
	pid_t child;
	int fd, i;

	ASSERT_EQ(0, pipe(o.res));
	ASSERT_EQ(0, pipe(o.done));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, binder_become_context_manager(fd));
	ASSERT_EQ(0, binder_send_u32(fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, freeze(fd, getpid(), true, 0));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		_exit(send_oneways(&o));
	close(o.done[0]);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(sizeof(got), read(o.res[0], &got, sizeof(got)));
		EXPECT_EQ(want, got) TH_LOG("oneway %d: %#x", i + 1, got);
	}
	ASSERT_EQ(sizeof(got), read(o.res[0], &got, sizeof(got)));
	EXPECT_EQ(BR_FROZEN_REPLY, got);
	EXPECT_EQ(2, binder_proc_count(getpid(), "  buffer "));
	ASSERT_EQ(0, frozen_info(fd, getpid(), &fi));
	EXPECT_EQ(3, fi.sync_recv);
	EXPECT_EQ(1, fi.async_recv);

	ASSERT_EQ(0, freeze(fd, getpid(), false, 0));
	binder_reader_init(&r, fd);
	for (v = 1; v <= 3; v += 2) {
		uint32_t data;

		ASSERT_EQ(0, binder_read_br(&r, &br, T));
		ASSERT_EQ(BR_TRANSACTION, br.cmd);
		EXPECT_EQ(9, br.txn.code);
		ASSERT_EQ(sizeof(data), br.txn.data_size);
		memcpy(&data, br_data(&br), sizeof(data));
		EXPECT_EQ(v, data);
		EXPECT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));
	}
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&r, &br, 200));
	close(o.done[1]);
	EXPECT_EQ(0, reap(child));
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

/* Write one freeze notification command; 0 or -errno */
static int freeze_cmd(int fd, uint32_t bc, uint32_t handle, uint64_t cookie)
{
	struct binder_cmds c = { .len = 0 };

	if (bc == BC_FREEZE_DONE)
		cmd_ptr(&c, bc, cookie);
	else
		cmd_death(&c, bc, handle, cookie);
	return binder_write_cmds(fd, &c, NULL);
}

/* Next BR, a BR_FROZEN_BINDER of cookie; its is_frozen, or -1 */
static int read_frozen(struct binder_reader *r, uint64_t cookie, int timeout)
{
	struct frozen_state_info info;
	struct binder_br br;

	if (binder_read_br(r, &br, timeout) || br.cmd != BR_FROZEN)
		return -1;
	memcpy(&info, br.raw, sizeof(info));
	return info.cookie == cookie ? (int)info.is_frozen : -1;
}

/*
 * 6.12: BC_REQUEST_FREEZE_NOTIFICATION answers at once with the current
 * state, then each freeze and unfreeze sends BR_FROZEN_BINDER; while one
 * is unacknowledged (no BC_FREEZE_NOTIFICATION_DONE) the next waits for
 * the ack.  BC_CLEAR_FREEZE_NOTIFICATION: BR_CLEAR_FREEZE_NOTIFICATION_DONE,
 * then no more.  Bad handle, second request, wrong cookie, unknown done:
 * the write fails with EINVAL.
 */
TEST(freeze_notification)
{
	struct binder_server s = {
		.flags = BINDER_SERVER_CTX_MGR,
		.handler = binder_inspect_handler,
	};
	const uint64_t cookie = 0xf00dcafe12ULL;
	struct binder_reader r;
	struct binder_br br;
	uint64_t done;
	int64_t h;
	void *map;
	int fd;

	if (!HAS_612)
		SKIP(return, "freeze notifications came with 6.12");
	ASSERT_EQ(0, binder_server_start(&s));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	h = binder_inspect_node(&r, 0x4000, 0);
	ASSERT_LE(0, h);
	ASSERT_EQ(0, binder_send_u32(fd, BC_ENTER_LOOPER));

	EXPECT_EQ(-EINVAL, freeze_cmd(fd, BC_REQUEST_FREEZE, 77, cookie));
	ASSERT_EQ(0, freeze_cmd(fd, BC_REQUEST_FREEZE, h, cookie));
	EXPECT_EQ(0, read_frozen(&r, cookie, T));
	EXPECT_EQ(-EINVAL, freeze_cmd(fd, BC_REQUEST_FREEZE, h, cookie + 1));
	EXPECT_EQ(0, freeze_cmd(fd, BC_FREEZE_DONE, 0, cookie));
	EXPECT_EQ(-EINVAL, freeze_cmd(fd, BC_FREEZE_DONE, 0, cookie));

	/* the inspect call's buffer may not be freed yet: wait for it */
	ASSERT_EQ(0, freeze(fd, s.pid, true, T));
	EXPECT_EQ(1, read_frozen(&r, cookie, T));
	/* not acked: the unfreeze waits for the ack */
	ASSERT_EQ(0, freeze(fd, s.pid, false, 0));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&r, &br, 200));
	EXPECT_EQ(0, freeze_cmd(fd, BC_FREEZE_DONE, 0, cookie));
	EXPECT_EQ(0, read_frozen(&r, cookie, T));
	EXPECT_EQ(0, freeze_cmd(fd, BC_FREEZE_DONE, 0, cookie));

	EXPECT_EQ(-EINVAL, freeze_cmd(fd, BC_CLEAR_FREEZE, h, cookie + 1));
	ASSERT_EQ(0, freeze_cmd(fd, BC_CLEAR_FREEZE, h, cookie));
	ASSERT_EQ(0, binder_read_br(&r, &br, T));
	EXPECT_EQ(BR_CLEAR_FREEZE_DONE, br.cmd);
	memcpy(&done, br.raw, sizeof(done));
	EXPECT_EQ(cookie, done);
	EXPECT_EQ(-EINVAL, freeze_cmd(fd, BC_CLEAR_FREEZE, h, cookie));
	ASSERT_EQ(0, freeze(fd, s.pid, true, 0));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&r, &br, 200));
	ASSERT_EQ(0, freeze(fd, s.pid, false, 0));

	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	binder_server_stop(&s);
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

/*
 * Freezing with a timeout that runs out before the call is done: EAGAIN
 * after the wait (not before), and the server is left unfrozen.
 */
TEST_F(frz, freeze_timeout_runs_out)
{
	struct binder_frozen_status_info fi;
	int64_t t0, waited;
	pid_t child;

	child = start_slow_call(_metadata, &self->s);
	ASSERT_LT(0, child);
	t0 = binder_now_ms();
	EXPECT_EQ(-EAGAIN, freeze(self->fd, self->s.pid, true, 100));
	waited = binder_now_ms() - t0;
	EXPECT_LE(90, waited);
	/* left unfrozen, the call still pending */
	ASSERT_EQ(0, frozen_info(self->fd, self->s.pid, &fi));
	EXPECT_EQ(2, fi.sync_recv);
	EXPECT_EQ(0, reap(child));
	ASSERT_EQ(0, frozen_info(self->fd, self->s.pid, &fi));
	EXPECT_EQ(0, fi.sync_recv);
	EXPECT_EQ(0, fi.async_recv);
}

/* A client with a freeze notification on a handle to the server's node */
struct notif_env {
	struct binder_server s;
	struct binder_reader r;
	void *map;
	int fd;
	int64_t h;
};

static int notif_setup(struct notif_env *e)
{
	memset(e, 0, sizeof(*e));
	e->s.flags = BINDER_SERVER_CTX_MGR;
	e->s.handler = binder_inspect_handler;
	if (binder_server_start(&e->s))
		return -1;
	e->fd = binder_open_mapped_dev(BINDER_DEV, 0, &e->map);
	if (e->fd < 0)
		return -1;
	binder_reader_init(&e->r, e->fd);
	e->h = binder_inspect_node(&e->r, 0x4000, 0);
	if (e->h < 0)
		return -1;
	return binder_send_u32(e->fd, BC_ENTER_LOOPER);
}

/*
 * 6.12: clearing a notification that was delivered and not acknowledged:
 * BR_CLEAR_FREEZE_NOTIFICATION_DONE comes only after the ack; a freeze in
 * between sends nothing more.
 */
TEST(freeze_notification_clear_unacked)
{
	const uint64_t cookie = 0xabc0010ULL;
	struct notif_env e;
	struct binder_br br;
	uint64_t done;

	if (!HAS_612)
		SKIP(return, "freeze notifications came with 6.12");
	ASSERT_EQ(0, notif_setup(&e));
	ASSERT_EQ(0, freeze_cmd(e.fd, BC_REQUEST_FREEZE, e.h, cookie));
	EXPECT_EQ(0, read_frozen(&e.r, cookie, T));
	ASSERT_EQ(0, freeze_cmd(e.fd, BC_CLEAR_FREEZE, e.h, cookie));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&e.r, &br, 200));
	ASSERT_EQ(0, freeze(e.fd, e.s.pid, true, 0));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&e.r, &br, 200));
	EXPECT_EQ(0, freeze_cmd(e.fd, BC_FREEZE_DONE, 0, cookie));
	ASSERT_EQ(0, binder_read_br(&e.r, &br, T));
	EXPECT_EQ(BR_CLEAR_FREEZE_DONE, br.cmd);
	memcpy(&done, br.raw, sizeof(done));
	EXPECT_EQ(cookie, done);
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&e.r, &br, 200));
	ASSERT_EQ(0, freeze(e.fd, e.s.pid, false, 0));

	munmap(e.map, BINDER_MAP_SIZE);
	close(e.fd);
	binder_server_stop(&e.s);
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

/*
 * 6.12: a process that goes with notifications in every state (one
 * queued, one delivered and unacknowledged, one cleared waiting for its
 * ack) leaves nothing behind.
 */
TEST(freeze_notification_owner_exits)
{
	struct notif_env e;
	int64_t h2, h3;

	if (!HAS_612)
		SKIP(return, "freeze notifications came with 6.12");
	ASSERT_EQ(0, notif_setup(&e));
	h2 = binder_inspect_node(&e.r, 0x5000, 0);
	h3 = binder_inspect_node(&e.r, 0x6000, 0);
	ASSERT_LE(0, h2);
	ASSERT_LE(0, h3);
	/* 1: delivered, not acked; 2: delivered, then cleared */
	ASSERT_EQ(0, freeze_cmd(e.fd, BC_REQUEST_FREEZE, e.h, 1));
	EXPECT_EQ(0, read_frozen(&e.r, 1, T));
	ASSERT_EQ(0, freeze_cmd(e.fd, BC_REQUEST_FREEZE, h2, 2));
	EXPECT_EQ(0, read_frozen(&e.r, 2, T));
	ASSERT_EQ(0, freeze_cmd(e.fd, BC_CLEAR_FREEZE, h2, 2));
	/* 3: queued, never read */
	ASSERT_EQ(0, freeze_cmd(e.fd, BC_REQUEST_FREEZE, h3, 3));
	/*
	 * and a change while all that is pending (waiting, if need be, for
	 * the server to free the buffers of the inspect calls: it frees each
	 * after its reply, which we may have read first; CI saw EAGAIN here)
	 */
	ASSERT_EQ(0, freeze(e.fd, e.s.pid, true, T));

	munmap(e.map, BINDER_MAP_SIZE);
	close(e.fd);
	binder_server_stop(&e.s);
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

TEST_HARNESS_MAIN
