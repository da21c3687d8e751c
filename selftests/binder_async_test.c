// SPDX-License-Identifier: GPL-2.0
/*
 * A node's oneway calls come one at a time: the next waits until the
 * buffer of the one being handled is freed.  That queue is the node's:
 * a sync call to the same node is not held behind it, and oneway calls
 * to another node go on.  Conformance: the reference driver's behaviour
 * is the spec.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS

#define CODE_NODE	1	/* reply a binder of ours, NODE_B */
#define CODE_HOLD	2	/* oneway: keep the buffer (the node stays busy) */
#define CODE_FREE	3	/* data: u64 node ptr: free what it holds */
#define CODE_PING	4
#define CODE_Q1		5
#define CODE_Q2		6
#define CODE_OB		7

#define NODE_A		0	/* the manager's node, handle 0 */
#define NODE_B		0xb0
#define EV_GOT		0x676f74	/* arg: GOT(node ptr, code) */
#define GOT(ptr, code)	(((uint64_t)(ptr) << 16) | (code))

static binder_uintptr_t held_a, held_b;

static void async_handler(struct binder_server *s, struct binder_reader *r,
			  const struct binder_br *tr, struct binder_answer *ans)
{
	binder_uintptr_t ptr = tr->txn.target.ptr;
	struct flat_binder_object obj;
	uint64_t which = 0;

	binder_server_event(s, EV_GOT, GOT(ptr, tr->txn.code));
	switch (tr->txn.code) {
	case CODE_NODE:
		obj = binder_obj_binder(NODE_B, 0, false);
		memcpy(ans->data, &obj, sizeof(obj));
		ans->size = sizeof(obj);
		ans->offsets[0] = 0;
		ans->n = 1;
		break;
	case CODE_HOLD:
		if (ptr == NODE_B)
			held_b = tr->txn.data.ptr.buffer;
		else
			held_a = tr->txn.data.ptr.buffer;
		ans->keep_buffer = true;
		break;
	case CODE_FREE:
		if (tr->txn.data_size == sizeof(which))
			memcpy(&which, br_data(tr), sizeof(which));
		if (which == NODE_B && held_b) {
			binder_free_buffer(s->fd, held_b);
			held_b = 0;
		} else if (which == NODE_A && held_a) {
			binder_free_buffer(s->fd, held_a);
			held_a = 0;
		}
		break;
	}
}

/* What the server got so far, in order */
struct got_log {
	uint64_t v[64];
	unsigned int n;
};

static bool in_log(const struct got_log *log, uint64_t got)
{
	unsigned int i;

	for (i = 0; i < log->n; i++)
		if (log->v[i] == got)
			return true;
	return false;
}

/* Wait for the server to get got, logging all; 0 or -ETIMEDOUT */
static int wait_got(struct binder_server *s, struct got_log *log, uint64_t got,
		    int timeout_ms)
{
	uint64_t arg;

	while (!in_log(log, got)) {
		if (binder_server_wait(s, EV_GOT, &arg, timeout_ms))
			return -ETIMEDOUT;
		if (log->n < ARRAY_SIZE(log->v))
			log->v[log->n++] = arg;
	}
	return 0;
}

static int oneway(struct binder_reader *r, uint32_t handle, uint32_t code)
{
	struct binder_br br;

	return binder_transact(r, handle, code, TF_ONE_WAY, NULL, 0, NULL, 0,
			       &br);
}

static int sync_call(struct binder_reader *r, uint32_t handle, uint32_t code,
		     const void *data, size_t size)
{
	struct binder_br br;
	int ret = binder_call(r, handle, code, data, size, &br);

	if (ret == BR_REPLY)
		binder_free_buffer(r->fd, br.txn.data.ptr.buffer);
	return ret;
}

FIXTURE(mgr)
{
	struct binder_server s;
	struct binder_reader r;
	struct got_log log;
	void *map;
	int fd;
	uint32_t hb;
};

FIXTURE_SETUP(mgr)
{
	const struct flat_binder_object *obj;
	struct binder_cmds c = { .len = 0 };
	struct binder_br br;

	memset(&self->s, 0, sizeof(self->s));
	memset(&self->log, 0, sizeof(self->log));
	self->s.flags = BINDER_SERVER_CTX_MGR;
	self->s.handler = async_handler;
	ASSERT_EQ(0, binder_server_start(&self->s));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	binder_reader_init(&self->r, self->fd);
	ASSERT_EQ(BR_REPLY, binder_call(&self->r, 0, CODE_NODE, NULL, 0, &br));
	obj = br_data(&br);
	ASSERT_EQ(BINDER_TYPE_HANDLE, obj->hdr.type);
	self->hb = obj->handle;
	cmd_handle(&c, BC_ACQUIRE, self->hb);
	cmd_free_buffer(&c, br.txn.data.ptr.buffer);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
}

FIXTURE_TEARDOWN(mgr)
{
	close(self->fd);
	binder_server_stop(&self->s);
}

/*
 * Node A busy with a oneway call whose buffer is kept, another oneway
 * queued behind it: a sync call to A is served at once, and the queued
 * call only once the first one's buffer is freed.
 */
TEST_F(mgr, sync_not_held_behind_oneway_queue)
{
	uint64_t a = NODE_A;

	ASSERT_EQ(BR_TRANSACTION_COMPLETE, oneway(&self->r, 0, CODE_HOLD));
	ASSERT_EQ(0, wait_got(&self->s, &self->log, GOT(NODE_A, CODE_HOLD), T));
	ASSERT_EQ(BR_TRANSACTION_COMPLETE, oneway(&self->r, 0, CODE_Q1));

	EXPECT_EQ(BR_REPLY, sync_call(&self->r, 0, CODE_PING, NULL, 0));
	EXPECT_EQ(0, wait_got(&self->s, &self->log, GOT(NODE_A, CODE_PING), T));
	EXPECT_EQ(BR_REPLY, sync_call(&self->r, 0, CODE_PING, NULL, 0));
	EXPECT_EQ(-ETIMEDOUT, wait_got(&self->s, &self->log,
				       GOT(NODE_A, CODE_Q1), 200));

	EXPECT_EQ(BR_REPLY, sync_call(&self->r, 0, CODE_FREE, &a, sizeof(a)));
	EXPECT_EQ(0, wait_got(&self->s, &self->log, GOT(NODE_A, CODE_Q1), T));
}

/*
 * Oneway calls to two nodes of one proc: A's queue held does not hold
 * B's, and the other way round; each queue drains when its own buffer
 * is freed.
 */
TEST_F(mgr, oneway_nodes_independent)
{
	uint64_t a = NODE_A, b = NODE_B;

	ASSERT_EQ(BR_TRANSACTION_COMPLETE, oneway(&self->r, 0, CODE_HOLD));
	ASSERT_EQ(0, wait_got(&self->s, &self->log, GOT(NODE_A, CODE_HOLD), T));
	ASSERT_EQ(BR_TRANSACTION_COMPLETE, oneway(&self->r, 0, CODE_Q1));

	/* B goes on while A is held */
	ASSERT_EQ(BR_TRANSACTION_COMPLETE, oneway(&self->r, self->hb, CODE_OB));
	EXPECT_EQ(0, wait_got(&self->s, &self->log, GOT(NODE_B, CODE_OB), T));
	ASSERT_EQ(BR_TRANSACTION_COMPLETE, oneway(&self->r, self->hb, CODE_HOLD));
	EXPECT_EQ(0, wait_got(&self->s, &self->log, GOT(NODE_B, CODE_HOLD), T));
	ASSERT_EQ(BR_TRANSACTION_COMPLETE, oneway(&self->r, self->hb, CODE_Q2));
	EXPECT_EQ(-ETIMEDOUT, wait_got(&self->s, &self->log,
				       GOT(NODE_B, CODE_Q2), 200));
	EXPECT_FALSE(in_log(&self->log, GOT(NODE_A, CODE_Q1)));

	/* freeing A's buffer lets A's queue go, not B's */
	EXPECT_EQ(BR_REPLY, sync_call(&self->r, 0, CODE_FREE, &a, sizeof(a)));
	EXPECT_EQ(0, wait_got(&self->s, &self->log, GOT(NODE_A, CODE_Q1), T));
	EXPECT_EQ(-ETIMEDOUT, wait_got(&self->s, &self->log,
				       GOT(NODE_B, CODE_Q2), 200));
	/* a sync call to B is not held either */
	EXPECT_EQ(BR_REPLY, sync_call(&self->r, self->hb, CODE_PING, NULL, 0));
	EXPECT_EQ(0, wait_got(&self->s, &self->log, GOT(NODE_B, CODE_PING), T));

	EXPECT_EQ(BR_REPLY, sync_call(&self->r, 0, CODE_FREE, &b, sizeof(b)));
	EXPECT_EQ(0, wait_got(&self->s, &self->log, GOT(NODE_B, CODE_Q2), T));
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
