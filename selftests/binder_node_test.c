// SPDX-License-Identifier: GPL-2.0
/*
 * Nodes and refs: binder objects translated to handles and back, handle
 * numbering, the owner's BR_INCREFS/BR_ACQUIRE/BR_RELEASE/BR_DECREFS,
 * BC_INCREFS/BC_ACQUIRE/BC_RELEASE/BC_DECREFS on handles, and the node
 * info ioctls.  Conformance: the reference driver's behaviour is the spec.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS

#define CODE_GET_BINDER	10	/* data: u32 n; reply: binder (PTR(n), COOKIE(n)) */
#define PTR(n)		(0xb000 + (n))
#define COOKIE(n)	(0xc000 + (n))

/* The manager hands out binders of its own, or echoes. */
static void node_handler(struct binder_server *s, struct binder_reader *r,
			 const struct binder_br *tr, struct binder_answer *ans)
{
	struct flat_binder_object obj;
	uint32_t n = 0;

	if (tr->txn.code != CODE_GET_BINDER)
		return;
	if (tr->txn.data_size >= sizeof(n))
		memcpy(&n, br_data(tr), sizeof(n));
	obj = binder_obj_binder(PTR(n), COOKIE(n), false);
	memcpy(ans->data, &obj, sizeof(obj));
	ans->size = sizeof(obj);
	ans->offsets[0] = 0;
	ans->n = 1;
}

static void echo_or_nodes(struct binder_server *s, struct binder_reader *r,
			  const struct binder_br *tr, struct binder_answer *ans);

FIXTURE(mgr)
{
	struct binder_server s;
	struct binder_reader r;
	void *map;
	int fd;
};

FIXTURE_SETUP(mgr)
{
	memset(&self->s, 0, sizeof(self->s));
	self->s.flags = BINDER_SERVER_CTX_MGR;
	self->s.handler = echo_or_nodes;
	ASSERT_EQ(0, binder_server_start(&self->s));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	binder_reader_init(&self->r, self->fd);
}

FIXTURE_TEARDOWN(mgr)
{
	close(self->fd);
	binder_server_stop(&self->s);
}

/* the default echo unless asked for a binder */
static void echo_or_nodes(struct binder_server *s, struct binder_reader *r,
			  const struct binder_br *tr, struct binder_answer *ans)
{
	struct binder_echo e = {
		.code = tr->txn.code,
		.flags = tr->txn.flags,
		.sender_pid = tr->txn.sender_pid,
		.sender_euid = tr->txn.sender_euid,
		.target_ptr = tr->txn.target.ptr,
		.cookie = tr->txn.cookie,
		.data_size = tr->txn.data_size,
		.offsets_size = tr->txn.offsets_size,
	};

	if (tr->txn.code == CODE_GET_BINDER) {
		node_handler(s, r, tr, ans);
		return;
	}
	if (tr->txn.data_size > sizeof(ans->data) - sizeof(e))
		return;
	memcpy(ans->data, &e, sizeof(e));
	memcpy(ans->data + sizeof(e), br_data(tr), tr->txn.data_size);
	ans->size = sizeof(e) + tr->txn.data_size;
}

/*
 * Ask the manager for binder n: returns the handle the reply carried, and
 * keeps it (BC_ACQUIRE) before freeing the reply when keep.  -1 on error.
 */
static int64_t get_binder(struct binder_reader *r, uint32_t n, bool keep)
{
	const struct flat_binder_object *obj;
	struct binder_cmds c = { .len = 0 };
	struct binder_br br;
	int64_t handle;

	if (binder_call(r, 0, CODE_GET_BINDER, &n, sizeof(n), &br) != BR_REPLY)
		return -1;
	obj = br_data(&br);
	if (br.txn.data_size != sizeof(*obj) ||
	    br.txn.offsets_size != sizeof(binder_size_t) ||
	    br_offsets(&br)[0] != 0 || obj->hdr.type != BINDER_TYPE_HANDLE ||
	    obj->binder >> 32 || obj->cookie != 0) {
		binder_free_buffer(r->fd, br.txn.data.ptr.buffer);
		return -1;
	}
	handle = obj->handle;
	if (keep)
		cmd_handle(&c, BC_ACQUIRE, handle);
	cmd_free_buffer(&c, br.txn.data.ptr.buffer);
	binder_write_cmds(r->fd, &c, NULL);
	return handle;
}

/*
 * A binder in a reply reaches the client as a handle; handles start at 1
 * (0 is the manager's), the same node always maps to the same handle,
 * and a freed handle number is reused: the lowest free one is taken.
 * The owner hears BR_INCREFS and BR_ACQUIRE for the node's first ref.
 */
TEST_F(mgr, binder_becomes_handle)
{
	uint64_t ptr;

	EXPECT_EQ(1, get_binder(&self->r, 1, true));
	EXPECT_EQ(0, binder_server_wait(&self->s, BR_INCREFS, &ptr, T));
	EXPECT_EQ(PTR(1), ptr);
	EXPECT_EQ(0, binder_server_wait(&self->s, BR_ACQUIRE, &ptr, T));
	EXPECT_EQ(PTR(1), ptr);

	EXPECT_EQ(2, get_binder(&self->r, 2, true));
	EXPECT_EQ(1, get_binder(&self->r, 1, true));	/* the same node */
	EXPECT_EQ(3, get_binder(&self->r, 3, true));
}

TEST_F(mgr, lowest_free_handle_reused)
{
	struct binder_cmds c = { .len = 0 };
	int s, w;
	bool dead;

	ASSERT_EQ(1, get_binder(&self->r, 1, true));
	ASSERT_EQ(2, get_binder(&self->r, 2, true));
	ASSERT_EQ(3, get_binder(&self->r, 3, true));
	/* drop handle 2 entirely */
	cmd_handle(&c, BC_RELEASE, 2);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	EXPECT_EQ(-1, binder_ref_counts(getpid(), 2, &s, &w, &dead));
	EXPECT_EQ(2, get_binder(&self->r, 4, true));
	EXPECT_EQ(4, get_binder(&self->r, 5, true));
}

/*
 * A call on the handle reaches the owner with the node's ptr and cookie
 * as target.ptr and cookie.
 */
TEST_F(mgr, call_on_handle)
{
	const struct binder_echo *e;
	struct binder_br br;
	int64_t h;

	h = get_binder(&self->r, 7, true);
	ASSERT_EQ(1, h);
	ASSERT_EQ(BR_REPLY, binder_call(&self->r, h, 77, "abc", 3, &br));
	e = br_data(&br);
	EXPECT_EQ(77, e->code);
	EXPECT_EQ(PTR(7), e->target_ptr);
	EXPECT_EQ(COOKIE(7), e->cookie);
	EXPECT_EQ(0, memcmp(e + 1, "abc", 3));
	EXPECT_EQ(0, binder_free_buffer(self->fd, br.txn.data.ptr.buffer));
}

/* A handle sent back to the node's owner arrives as the binder itself. */
TEST_F(mgr, handle_back_to_owner_is_binder)
{
	struct flat_binder_object obj;
	const struct flat_binder_object *back;
	const struct binder_echo *e;
	binder_size_t off = 0;
	struct binder_br br;
	int64_t h;

	h = get_binder(&self->r, 3, true);
	ASSERT_EQ(1, h);
	obj = binder_obj_handle(h, false);
	ASSERT_EQ(BR_REPLY, binder_transact(&self->r, 0, 5, 0, &obj, sizeof(obj),
					    &off, 1, &br));
	e = br_data(&br);
	EXPECT_EQ(sizeof(obj), e->data_size);
	EXPECT_EQ(sizeof(binder_size_t), e->offsets_size);
	back = (const void *)(e + 1);
	EXPECT_EQ(BINDER_TYPE_BINDER, back->hdr.type);
	EXPECT_EQ(PTR(3), back->binder);
	EXPECT_EQ(COOKIE(3), back->cookie);
	EXPECT_EQ(0, binder_free_buffer(self->fd, br.txn.data.ptr.buffer));

	/* and a weak handle as a weak binder */
	obj = binder_obj_handle(h, true);
	ASSERT_EQ(BR_REPLY, binder_transact(&self->r, 0, 5, 0, &obj, sizeof(obj),
					    &off, 1, &br));
	e = br_data(&br);
	back = (const void *)(e + 1);
	EXPECT_EQ(BINDER_TYPE_WEAK_BINDER, back->hdr.type);
	EXPECT_EQ(PTR(3), back->binder);
	EXPECT_EQ(COOKIE(3), back->cookie);
	EXPECT_EQ(0, binder_free_buffer(self->fd, br.txn.data.ptr.buffer));
}

/*
 * BC_ACQUIRE/BC_INCREFS/BC_RELEASE/BC_DECREFS move the ref's strong and
 * weak counts; when both reach zero the ref goes and the owner hears
 * BR_RELEASE then BR_DECREFS for its node.
 */
TEST_F(mgr, ref_counts_and_release)
{
	struct binder_cmds c = { .len = 0 };
	uint64_t ptr;
	int s, w;
	bool dead;

	/* the reply's own ref is dropped with its buffer: keep one */
	ASSERT_EQ(1, get_binder(&self->r, 9, true));
	ASSERT_EQ(0, binder_ref_counts(getpid(), 1, &s, &w, &dead));
	EXPECT_EQ(1, s);
	EXPECT_EQ(0, w);
	EXPECT_FALSE(dead);

	cmd_handle(&c, BC_ACQUIRE, 1);
	cmd_handle(&c, BC_INCREFS, 1);
	cmd_handle(&c, BC_INCREFS, 1);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	ASSERT_EQ(0, binder_ref_counts(getpid(), 1, &s, &w, &dead));
	EXPECT_EQ(2, s);
	EXPECT_EQ(2, w);

	cmds_reset(&c);
	cmd_handle(&c, BC_RELEASE, 1);
	cmd_handle(&c, BC_RELEASE, 1);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	ASSERT_EQ(0, binder_ref_counts(getpid(), 1, &s, &w, &dead));
	EXPECT_EQ(0, s);
	EXPECT_EQ(2, w);
	/* strong refs gone: BR_RELEASE; the weak ones keep the node */
	EXPECT_EQ(0, binder_server_wait(&self->s, BR_RELEASE, &ptr, T));
	EXPECT_EQ(PTR(9), ptr);

	cmds_reset(&c);
	cmd_handle(&c, BC_DECREFS, 1);
	cmd_handle(&c, BC_DECREFS, 1);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	EXPECT_EQ(-1, binder_ref_counts(getpid(), 1, &s, &w, &dead));
	EXPECT_EQ(0, binder_server_wait(&self->s, BR_DECREFS, &ptr, T));
	EXPECT_EQ(PTR(9), ptr);
}

/* A released handle is no handle: calls on it fail, BR_FAILED_REPLY. */
TEST_F(mgr, call_on_released_handle)
{
	struct binder_br br;

	ASSERT_EQ(1, get_binder(&self->r, 1, false));
	EXPECT_EQ(BR_FAILED_REPLY, binder_call(&self->r, 1, 1, NULL, 0, &br));
}

/*
 * BC_ACQUIRE/BC_INCREFS 0 by a client make a ref to the manager, with
 * desc 0.
 */
TEST_F(mgr, acquire_handle_zero)
{
	struct binder_cmds c = { .len = 0 };
	int s, w;
	bool dead;

	EXPECT_EQ(-1, binder_ref_counts(getpid(), 0, &s, &w, &dead));
	cmd_handle(&c, BC_ACQUIRE, 0);
	cmd_handle(&c, BC_INCREFS, 0);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	ASSERT_EQ(0, binder_ref_counts(getpid(), 0, &s, &w, &dead));
	EXPECT_EQ(1, s);
	EXPECT_EQ(1, w);
	/* a binder handed out next still gets 1 */
	EXPECT_EQ(1, get_binder(&self->r, 1, true));
	cmds_reset(&c);
	cmd_handle(&c, BC_RELEASE, 0);
	cmd_handle(&c, BC_DECREFS, 0);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	EXPECT_EQ(-1, binder_ref_counts(getpid(), 0, &s, &w, &dead));
}

/* Only the context manager may use BINDER_GET_NODE_INFO_FOR_REF. */
TEST_F(mgr, node_info_for_ref_not_manager)
{
	struct binder_node_info_for_ref info;

	ASSERT_EQ(1, get_binder(&self->r, 1, true));
	memset(&info, 0, sizeof(info));
	info.handle = 1;
	EXPECT_EQ(-1, ioctl(self->fd, BINDER_GET_NODE_INFO_FOR_REF, &info));
	EXPECT_EQ(EPERM, errno);
}

/*
 * The manager asks about a ref it holds.  strong_count is the node's
 * local + internal strong refs (one internal: there is one strong ref),
 * weak_count only its local weak refs -- upstream counts no ref in it.
 * Only handle may be set on the way in (EINVAL), and an unknown handle
 * is EINVAL.
 */
static int publish(void *unused)
{
	struct binder_reader r;
	void *map;
	int fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);

	if (fd < 0)
		return 10;
	binder_reader_init(&r, fd);
	if (binder_sm_add(&r, 0xd0, 0xd1))
		return 11;
	pause();	/* keep the node alive: killed by the test */
	return 0;
}

TEST(node_info_for_ref)
{
	struct binder_node_info_for_ref info;
	const struct flat_binder_object *obj;
	struct binder_reader r;
	struct binder_br br;
	void *map;
	pid_t child;
	int fd, status;

	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, binder_become_context_manager(fd));
	ASSERT_EQ(0, binder_send_u32(fd, BC_ENTER_LOOPER));
	binder_reader_init(&r, fd);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		_exit(publish(NULL));

	ASSERT_EQ(0, binder_read_until(&r, BR_TRANSACTION, &br, T));
	ASSERT_EQ(BINDER_SM_ADD, br.txn.code);
	obj = br_data(&br);
	ASSERT_EQ(BINDER_TYPE_HANDLE, obj->hdr.type);
	EXPECT_EQ(1, obj->handle);

	memset(&info, 0, sizeof(info));
	info.handle = obj->handle;
	ASSERT_EQ(0, ioctl(fd, BINDER_GET_NODE_INFO_FOR_REF, &info));
	EXPECT_EQ(1, info.strong_count);
	EXPECT_EQ(0, info.weak_count);
	EXPECT_EQ(obj->handle, info.handle);

	memset(&info, 0, sizeof(info));
	info.handle = 1;
	info.reserved1 = 1;
	EXPECT_EQ(-1, ioctl(fd, BINDER_GET_NODE_INFO_FOR_REF, &info));
	EXPECT_EQ(EINVAL, errno);
	memset(&info, 0, sizeof(info));
	info.handle = 1;
	info.strong_count = 1;
	EXPECT_EQ(-1, ioctl(fd, BINDER_GET_NODE_INFO_FOR_REF, &info));
	EXPECT_EQ(EINVAL, errno);
	memset(&info, 0, sizeof(info));
	info.handle = 42;
	EXPECT_EQ(-1, ioctl(fd, BINDER_GET_NODE_INFO_FOR_REF, &info));
	EXPECT_EQ(EINVAL, errno);

	EXPECT_EQ(0, binder_reply(fd, br.txn.data.ptr.buffer, 0, NULL, 0,
				  NULL, 0));
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	close(fd);
}

/*
 * BINDER_GET_NODE_DEBUG_INFO walks a proc's nodes by ptr: it returns the
 * first node whose ptr is above the one given, all zero past the last.
 */
TEST(node_debug_info)
{
	struct binder_node_debug_info info;
	void *map;
	int fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	struct binder_server s = {
		.flags = BINDER_SERVER_CTX_MGR, .handler = binder_sm_handler,
	};
	struct binder_reader r;

	ASSERT_LE(0, fd);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, ioctl(fd, BINDER_GET_NODE_DEBUG_INFO, &info));
	EXPECT_EQ(0, info.ptr);

	/* two nodes of ours, made by sending them to a manager */
	ASSERT_EQ(0, binder_server_start(&s));
	binder_reader_init(&r, fd);
	ASSERT_EQ(0, binder_sm_add(&r, 0x2000, 0x2001));
	ASSERT_EQ(0, binder_sm_add(&r, 0x1000, 0x1001));

	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, ioctl(fd, BINDER_GET_NODE_DEBUG_INFO, &info));
	EXPECT_EQ(0x1000, info.ptr);
	EXPECT_EQ(0x1001, info.cookie);
	ASSERT_EQ(0, ioctl(fd, BINDER_GET_NODE_DEBUG_INFO, &info));
	EXPECT_EQ(0x2000, info.ptr);
	EXPECT_EQ(0x2001, info.cookie);
	/* the manager keeps the last one strongly; we acked it */
	EXPECT_EQ(1, info.has_strong_ref);
	EXPECT_EQ(1, info.has_weak_ref);
	ASSERT_EQ(0, ioctl(fd, BINDER_GET_NODE_DEBUG_INFO, &info));
	EXPECT_EQ(0, info.ptr);
	EXPECT_EQ(0, info.cookie);

	binder_server_stop(&s);
	close(fd);
}

TEST_HARNESS_MAIN
