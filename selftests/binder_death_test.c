// SPDX-License-Identifier: GPL-2.0
/*
 * Death notifications and dead binders: BR_DEAD_BINDER when a node's
 * owner dies, BC_DEAD_BINDER_DONE, clearing (before, during and after the
 * death), and calls to a dead node.  Conformance: the reference driver's
 * behaviour is the spec.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS
#define COOKIE 0xdead0001ULL

#define CODE_GET_BINDER	10
#define CODE_HANG	11	/* never answered */

static void handler(struct binder_server *s, struct binder_reader *r,
		    const struct binder_br *tr, struct binder_answer *ans)
{
	struct flat_binder_object obj;

	if (tr->txn.code == CODE_HANG) {
		ans->no_reply = true;
		return;
	}
	if (tr->txn.code != CODE_GET_BINDER)
		return;
	obj = binder_obj_binder(0xb1, 0xc1, false);
	memcpy(ans->data, &obj, sizeof(obj));
	ans->size = sizeof(obj);
	ans->offsets[0] = 0;
	ans->n = 1;
}

/*
 * A manager server; the test's thread is a looper (deaths are proc work)
 * holding a strong ref to handle 0.
 */
FIXTURE(death)
{
	struct binder_server s;
	struct binder_reader r;
	void *map;
	int fd;
};

FIXTURE_SETUP(death)
{
	struct binder_cmds c = { .len = 0 };

	memset(&self->s, 0, sizeof(self->s));
	self->s.flags = BINDER_SERVER_CTX_MGR;
	self->s.handler = handler;
	ASSERT_EQ(0, binder_server_start(&self->s));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	binder_reader_init(&self->r, self->fd);
	cmd_u32(&c, BC_ENTER_LOOPER);
	cmd_handle(&c, BC_ACQUIRE, 0);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
}

FIXTURE_TEARDOWN(death)
{
	close(self->fd);
	binder_server_stop(&self->s);
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

/* Wait (2 s) until our ref desc shows its node dead. */
static bool ref_dead(uint32_t desc)
{
	int i, s, w;
	bool dead = false;

	for (i = 0; i < 100 && !dead; i++) {
		if (binder_ref_counts(getpid(), desc, &s, &w, &dead))
			return false;
		if (!dead)
			usleep(20000);
	}
	return dead;
}

/* The owner is killed: BR_DEAD_BINDER with our cookie within 1 s. */
TEST_F(death, dead_binder_on_kill)
{
	struct binder_br br;

	ASSERT_EQ(0, death_cmd(self->fd, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE));
	/* nothing while it lives */
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 200));
	binder_server_stop(&self->s);
	ASSERT_EQ(0, binder_read_until(&self->r, BR_DEAD_BINDER, &br, 1000));
	EXPECT_EQ(COOKIE, br.cookie);
	EXPECT_TRUE(ref_dead(0));
	ASSERT_EQ(0, send_ptr(self->fd, BC_DEAD_BINDER_DONE, COOKIE));
	/* one notification only */
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 200));
	/* and it can still be cleared: done at once */
	ASSERT_EQ(0, death_cmd(self->fd, BC_CLEAR_DEATH_NOTIFICATION, 0, COOKIE));
	ASSERT_EQ(0, binder_read_br(&self->r, &br, T));
	EXPECT_EQ(BR_CLEAR_DEATH_NOTIFICATION_DONE, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
}

/* Cleared before the death: BR_CLEAR_DEATH_NOTIFICATION_DONE, no death. */
TEST_F(death, clear_then_kill)
{
	struct binder_br br;

	ASSERT_EQ(0, death_cmd(self->fd, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE));
	ASSERT_EQ(0, death_cmd(self->fd, BC_CLEAR_DEATH_NOTIFICATION, 0, COOKIE));
	ASSERT_EQ(0, binder_read_br(&self->r, &br, T));
	EXPECT_EQ(BR_CLEAR_DEATH_NOTIFICATION_DONE, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
	binder_server_stop(&self->s);
	EXPECT_TRUE(ref_dead(0));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 300));
}

/* Asked on a node already dead: BR_DEAD_BINDER at once. */
TEST_F(death, request_on_dead_node)
{
	struct binder_br br;

	binder_server_stop(&self->s);
	ASSERT_TRUE(ref_dead(0));
	ASSERT_EQ(0, death_cmd(self->fd, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE));
	ASSERT_EQ(0, binder_read_br(&self->r, &br, 500));
	EXPECT_EQ(BR_DEAD_BINDER, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
	EXPECT_EQ(0, send_ptr(self->fd, BC_DEAD_BINDER_DONE, COOKIE));
}

/*
 * Cleared while the death is queued, not yet read: BR_DEAD_BINDER still
 * comes, and the clear is done (BR_CLEAR_DEATH_NOTIFICATION_DONE) only
 * after BC_DEAD_BINDER_DONE.
 */
TEST_F(death, clear_while_death_queued)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	struct binder_br br;

	ASSERT_EQ(0, death_cmd(self->fd, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE));
	binder_server_stop(&self->s);
	ASSERT_EQ(1, poll(&pfd, 1, 1000));
	ASSERT_EQ(0, death_cmd(self->fd, BC_CLEAR_DEATH_NOTIFICATION, 0, COOKIE));
	ASSERT_EQ(0, binder_read_br(&self->r, &br, T));
	EXPECT_EQ(BR_DEAD_BINDER, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 300));
	ASSERT_EQ(0, send_ptr(self->fd, BC_DEAD_BINDER_DONE, COOKIE));
	ASSERT_EQ(0, binder_read_br(&self->r, &br, T));
	EXPECT_EQ(BR_CLEAR_DEATH_NOTIFICATION_DONE, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
}

/* Cleared after BR_DEAD_BINDER, before BC_DEAD_BINDER_DONE: the same. */
TEST_F(death, clear_before_dead_binder_done)
{
	struct binder_br br;

	ASSERT_EQ(0, death_cmd(self->fd, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE));
	binder_server_stop(&self->s);
	ASSERT_EQ(0, binder_read_br(&self->r, &br, 1000));
	ASSERT_EQ(BR_DEAD_BINDER, br.cmd);
	ASSERT_EQ(0, death_cmd(self->fd, BC_CLEAR_DEATH_NOTIFICATION, 0, COOKIE));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 300));
	ASSERT_EQ(0, send_ptr(self->fd, BC_DEAD_BINDER_DONE, COOKIE));
	ASSERT_EQ(0, binder_read_br(&self->r, &br, T));
	EXPECT_EQ(BR_CLEAR_DEATH_NOTIFICATION_DONE, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
}

/*
 * One notification per ref: a second request is ignored (the first cookie
 * stays), so is a clear with the wrong cookie.
 */
TEST_F(death, second_request_ignored)
{
	struct binder_br br;

	ASSERT_EQ(0, death_cmd(self->fd, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE));
	ASSERT_EQ(0, death_cmd(self->fd, BC_REQUEST_DEATH_NOTIFICATION, 0, 0x77));
	ASSERT_EQ(0, death_cmd(self->fd, BC_CLEAR_DEATH_NOTIFICATION, 0, 0x77));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 200));
	binder_server_stop(&self->s);
	ASSERT_EQ(0, binder_read_br(&self->r, &br, 1000));
	EXPECT_EQ(BR_DEAD_BINDER, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
	ASSERT_EQ(0, send_ptr(self->fd, BC_DEAD_BINDER_DONE, COOKIE));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 300));
}

/* Each ref gets its own notification, handle 0 and handle 1 alike. */
TEST_F(death, every_ref_notified)
{
	const struct flat_binder_object *obj;
	struct binder_cmds c = { .len = 0 };
	struct binder_br br;
	bool got0 = false, got1 = false;
	int i;

	ASSERT_EQ(BR_REPLY, binder_call(&self->r, 0, CODE_GET_BINDER, NULL, 0, &br));
	obj = br_data(&br);
	ASSERT_EQ(BINDER_TYPE_HANDLE, obj->hdr.type);
	ASSERT_EQ(1, obj->handle);
	cmd_handle(&c, BC_ACQUIRE, 1);
	cmd_free_buffer(&c, br.txn.data.ptr.buffer);
	cmd_death(&c, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE);
	cmd_death(&c, BC_REQUEST_DEATH_NOTIFICATION, 1, COOKIE + 1);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	binder_server_stop(&self->s);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, binder_read_until(&self->r, BR_DEAD_BINDER, &br, 1000));
		got0 |= br.cookie == COOKIE;
		got1 |= br.cookie == COOKIE + 1;
		ASSERT_EQ(0, send_ptr(self->fd, BC_DEAD_BINDER_DONE, br.cookie));
	}
	EXPECT_TRUE(got0);
	EXPECT_TRUE(got1);
}

/* Calls to a dead node, by handle 0 or a ref, fail with BR_DEAD_REPLY. */
TEST_F(death, call_dead_node)
{
	const struct flat_binder_object *obj;
	struct binder_cmds c = { .len = 0 };
	struct binder_br br;

	ASSERT_EQ(BR_REPLY, binder_call(&self->r, 0, CODE_GET_BINDER, NULL, 0, &br));
	obj = br_data(&br);
	ASSERT_EQ(1, obj->handle);
	cmd_handle(&c, BC_ACQUIRE, 1);
	cmd_free_buffer(&c, br.txn.data.ptr.buffer);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	binder_server_stop(&self->s);
	ASSERT_TRUE(ref_dead(1));
	EXPECT_EQ(BR_DEAD_REPLY, binder_call(&self->r, 1, 1, NULL, 0, &br));
	EXPECT_EQ(BR_DEAD_REPLY, binder_call(&self->r, 0, 1, NULL, 0, &br));
	/* oneway too */
	EXPECT_EQ(BR_DEAD_REPLY, binder_transact(&self->r, 1, 1, TF_ONE_WAY, NULL,
						 0, NULL, 0, &br));
}

/* The server dies while our call waits for its reply: BR_DEAD_REPLY. */
TEST_F(death, owner_dies_during_call)
{
	struct binder_cmds c = { .len = 0 };
	struct binder_br br;

	cmd_txn(&c, BC_TRANSACTION, 0, CODE_HANG, 0, NULL, 0, NULL, 0);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	ASSERT_EQ(0, binder_server_wait(&self->s, BR_TRANSACTION, NULL, T));
	binder_server_stop(&self->s);
	ASSERT_EQ(0, binder_read_br(&self->r, &br, T));
	if (br.cmd == BR_TRANSACTION_COMPLETE)
		ASSERT_EQ(0, binder_read_br(&self->r, &br, T));
	EXPECT_EQ(BR_DEAD_REPLY, br.cmd);
}

TEST_HARNESS_MAIN
