// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input, each with upstream's answer: an errno, a BR_FAILED_REPLY, or
 * nothing at all (ignored, logged by the driver).  Every failed
 * transaction must leave no object behind: the last test waits for
 * binder/stats to show none active.  Conformance: the reference driver's
 * behaviour is the spec.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS
#define TXN_SIZE (sizeof(uint32_t) + sizeof(struct binder_transaction_data))

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

/* Send c; the write must succeed and consume it all; then the next BR. */
static uint32_t send_then_read(int fd, struct binder_reader *r,
			       const struct binder_cmds *c)
{
	binder_size_t consumed = 0;
	struct binder_br br;

	if (binder_write_cmds(fd, c, &consumed) || consumed != c->len)
		return 1;
	if (binder_read_br(r, &br, T))
		return 2;
	if (br.cmd == BR_REPLY || br.cmd == BR_TRANSACTION)
		binder_handle_unwanted(r, &br);
	return br.cmd;
}

/*
 * A command cut off by the end of readable memory: EFAULT, and
 * write_consumed ends after the last whole command.
 */
TEST(truncated_command_at_unmapped_end)
{
	struct binder_write_read bwr;
	uint32_t *cmds;
	char *mem;
	int fd;

	fd = binder_open_dev(BINDER_DEV, 0);
	ASSERT_LE(0, fd);
	mem = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, mprotect(mem + 4096, 4096, PROT_NONE));
	cmds = (uint32_t *)(mem + 4096 - 8);
	cmds[0] = BC_EXIT_LOOPER;
	cmds[1] = BC_INCREFS;	/* its handle would be in the next page */
	EXPECT_EQ(-1, binder_write_read(fd, cmds, 8, NULL, 0, &bwr));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(4, bwr.write_consumed);
	close(fd);
}

/*
 * Upstream reads a command's payload from user memory without checking
 * write_size: a BC_INCREFS whose handle lies past write_size is read
 * whole, and write_consumed (8) exceeds write_size (4).  (The handle is
 * no ref: the command is otherwise ignored.)
 */
TEST(payload_read_past_write_size)
{
	struct binder_write_read bwr;
	uint32_t cmds[2] = { BC_INCREFS, 77 };
	int fd;

	fd = binder_open_dev(BINDER_DEV, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, binder_write_read(fd, cmds, 4, NULL, 0, &bwr));
	EXPECT_EQ(8, bwr.write_consumed);
	close(fd);
}

/*
 * A failed transaction stops the write: what follows it is not consumed,
 * nor is any later write until the thread has read its BR_FAILED_REPLY.
 */
TEST(failed_transaction_stops_writes)
{
	struct binder_cmds c = { .len = 0 };
	struct binder_reader r;
	binder_size_t consumed;
	struct binder_br br;
	void *map;
	int fd;

	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	cmd_txn(&c, BC_TRANSACTION, 99, 1, 0, NULL, 0, NULL, 0);
	cmd_u32(&c, BC_ENTER_LOOPER);
	ASSERT_EQ(0, binder_write_cmds(fd, &c, &consumed));
	EXPECT_EQ(TXN_SIZE, consumed);
	cmds_reset(&c);
	cmd_u32(&c, BC_ENTER_LOOPER);
	ASSERT_EQ(0, binder_write_cmds(fd, &c, &consumed));
	EXPECT_EQ(0, consumed);
	ASSERT_EQ(0, binder_read_br(&r, &br, T));
	EXPECT_EQ(BR_FAILED_REPLY, br.cmd);
	ASSERT_EQ(0, binder_write_cmds(fd, &c, &consumed));
	EXPECT_EQ(4, consumed);
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&r, &br, 200));
	close(fd);
}

/* BC_REPLY with no transaction to answer: BR_FAILED_REPLY. */
TEST(reply_without_transaction)
{
	struct binder_cmds c = { .len = 0 };
	struct binder_reader r;
	void *map;
	int fd;

	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	cmd_txn(&c, BC_REPLY, 0, 0, 0, "x", 1, NULL, 0);
	EXPECT_EQ(BR_FAILED_REPLY, send_then_read(fd, &r, &c));
	close(fd);
}

/*
 * The context manager may not take refs on handle 0 (its own node):
 * EINVAL, and write_consumed stops before the command.
 */
TEST(manager_acquires_handle_zero)
{
	struct binder_cmds c = { .len = 0 };
	binder_size_t consumed = 99;
	int fd;

	fd = binder_open_dev(BINDER_DEV, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, binder_become_context_manager(fd));
	cmd_handle(&c, BC_INCREFS, 0);
	EXPECT_EQ(-EINVAL, binder_write_cmds(fd, &c, &consumed));
	EXPECT_EQ(0, consumed);
	cmds_reset(&c);
	cmd_u32(&c, BC_ENTER_LOOPER);
	cmd_handle(&c, BC_ACQUIRE, 0);
	EXPECT_EQ(-EINVAL, binder_write_cmds(fd, &c, &consumed));
	EXPECT_EQ(4, consumed);
	/* releasing is no increment: an unknown ref, ignored */
	cmds_reset(&c);
	cmd_handle(&c, BC_RELEASE, 0);
	EXPECT_EQ(0, binder_write_cmds(fd, &c, &consumed));
	EXPECT_EQ(8, consumed);
	close(fd);
}

/* Transactions to a handle we hold no ref on: BR_FAILED_REPLY. */
TEST_F(mgr, transaction_to_bad_handle)
{
	struct binder_br br;

	EXPECT_EQ(BR_FAILED_REPLY, binder_call(&self->r, 5, 1, NULL, 0, &br));
	EXPECT_EQ(BR_FAILED_REPLY, binder_transact(&self->r, 5, 1, TF_ONE_WAY,
						   NULL, 0, NULL, 0, &br));
	/* the manager's handle 0 still works */
	ASSERT_EQ(BR_REPLY, binder_call(&self->r, 0, 1, NULL, 0, &br));
	EXPECT_EQ(0, binder_free_buffer(self->fd, br.txn.data.ptr.buffer));
}

/*
 * Ref commands, death requests and acks naming nothing are ignored: the
 * write succeeds whole and nothing comes back.
 */
TEST_F(mgr, bogus_refs_and_acks_ignored)
{
	struct binder_cmds c = { .len = 0 };
	binder_size_t consumed;
	struct binder_br br;
	int s, w;
	bool dead;

	cmd_handle(&c, BC_ACQUIRE, 42);
	cmd_handle(&c, BC_RELEASE, 42);
	cmd_handle(&c, BC_DECREFS, 42);
	cmd_death(&c, BC_REQUEST_DEATH_NOTIFICATION, 42, 1);
	cmd_death(&c, BC_CLEAR_DEATH_NOTIFICATION, 42, 1);
	cmd_ptr(&c, BC_DEAD_BINDER_DONE, 1);
	cmd_ptr_cookie(&c, BC_INCREFS_DONE, 0x1000, 0);
	cmd_ptr_cookie(&c, BC_ACQUIRE_DONE, 0x1000, 0);
	/* a ref without a death notification: clearing one is ignored */
	cmd_handle(&c, BC_ACQUIRE, 0);
	cmd_death(&c, BC_CLEAR_DEATH_NOTIFICATION, 0, 1);
	cmd_u32(&c, BC_ENTER_LOOPER);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, &consumed));
	EXPECT_EQ(c.len, consumed);
	EXPECT_EQ(-1, binder_ref_counts(getpid(), 42, &s, &w, &dead));
	ASSERT_EQ(0, binder_ref_counts(getpid(), 0, &s, &w, &dead));
	EXPECT_EQ(1, s);
	EXPECT_EQ(0, w);
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 100));
}

/*
 * BC_FREE_BUFFER of a buffer already freed, of an address inside our
 * mapping that starts no buffer, and of one outside it: ignored.
 */
TEST_F(mgr, free_buffer_bad)
{
	struct binder_cmds c = { .len = 0 };
	binder_size_t consumed;
	binder_uintptr_t buf;
	struct binder_br br;

	ASSERT_EQ(BR_REPLY, binder_call(&self->r, 0, 1, "abc", 3, &br));
	buf = br.txn.data.ptr.buffer;
	EXPECT_EQ(1, binder_proc_count(getpid(), "  buffer "));
	cmd_free_buffer(&c, buf + 8);
	cmd_free_buffer(&c, buf);
	cmd_free_buffer(&c, buf);
	cmd_free_buffer(&c, (uintptr_t)self->map + 4096);
	cmd_free_buffer(&c, 0x1234);
	cmd_u32(&c, BC_ENTER_LOOPER);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, &consumed));
	EXPECT_EQ(c.len, consumed);
	EXPECT_EQ(0, binder_proc_count(getpid(), "  buffer "));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 100));
	/* the allocator is fine: the next call works */
	ASSERT_EQ(BR_REPLY, binder_call(&self->r, 0, 1, "abc", 3, &br));
	EXPECT_EQ(0, binder_free_buffer(self->fd, br.txn.data.ptr.buffer));
}

/* A BC_TRANSACTION with its offsets described raw */
static void raw_txn(struct binder_cmds *c, const void *data, size_t size,
		    const void *offsets, size_t offsets_size)
{
	struct binder_transaction_data tr;

	memset(&tr, 0, sizeof(tr));
	tr.code = 1;
	tr.data_size = size;
	tr.offsets_size = offsets_size;
	tr.data.ptr.buffer = (uintptr_t)data;
	tr.data.ptr.offsets = (uintptr_t)offsets;
	cmd_u32(c, BC_TRANSACTION);
	cmd_raw(c, &tr, sizeof(tr));
}

/*
 * Bad buffers fail the transaction with BR_FAILED_REPLY before the target
 * hears of it: offsets_size not a multiple of 8, an offset past the data,
 * an object running past the data, a misaligned offset, overlapping
 * objects, an unknown object type, bad data and offsets pointers.  The
 * buffer such a call took in the target's area is freed before the
 * sender's write returns (debugfs shows none).
 */
TEST_F(mgr, bad_buffers_fail)
{
	struct {
		struct flat_binder_object a, b;
	} data;
	struct {
		const char *what;
		binder_size_t offs[2];
		size_t offsets_size;
		uint32_t type_a;
		const void *dptr, *optr;
	} cases[] = {
		{ "offsets_size 4", { 0 }, 4, 0, NULL, NULL },
		{ "offsets_size 12", { 0, 24 }, 12, 0, NULL, NULL },
		{ "offset past data", { sizeof(data) + 8 }, 8, 0, NULL, NULL },
		{ "object past data", { sizeof(data) - 8 }, 8, 0, NULL, NULL },
		{ "misaligned offset", { 2 }, 8, 0, NULL, NULL },
		{ "overlapping objects", { 0, 8 }, 16, 0, NULL, NULL },
		{ "unknown type", { 0 }, 8, 0x12345678, NULL, NULL },
		{ "bad data pointer", { 0 }, 8, 0, (void *)8, NULL },
		{ "bad offsets pointer", { 0 }, 8, 0, NULL, (void *)8 },
	};
	struct binder_node_debug_info info = { .ptr = 0 };
	struct binder_cmds c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const void *dptr = cases[i].dptr, *optr = cases[i].optr;

		if (!dptr)
			dptr = &data;
		if (!optr)
			optr = cases[i].offs;

		data.a = binder_obj_binder(0xf0, 0, false);
		data.b = binder_obj_binder(0xf8, 0, false);
		if (cases[i].type_a)
			data.a.hdr.type = cases[i].type_a;
		cmds_reset(&c);
		raw_txn(&c, dptr, sizeof(data), optr, cases[i].offsets_size);
		EXPECT_EQ(BR_FAILED_REPLY, send_then_read(self->fd, &self->r, &c))
			TH_LOG("%s", cases[i].what);
		/* a buffer taken in the target's area is back before we are */
		EXPECT_EQ(0, binder_proc_count(self->s.pid, "  buffer "))
			TH_LOG("%s", cases[i].what);
	}
	EXPECT_EQ(-ETIMEDOUT, binder_server_wait(&self->s, BR_TRANSACTION, NULL, 200));
	/* no node of ours was left behind */
	ASSERT_EQ(0, ioctl(self->fd, BINDER_GET_NODE_DEBUG_INFO, &info));
	EXPECT_EQ(0, info.ptr);
}

/*
 * A bad object fails the whole transaction, before or after a good one:
 * the good binder's node and the target's ref are undone, the owner hears
 * no BR_INCREFS, the target nothing.
 */
TEST_F(mgr, bad_object_fails_whole_transaction)
{
	struct flat_binder_object objs[2];
	binder_size_t offs[2] = { 0, sizeof(objs[0]) };
	struct binder_node_debug_info info;
	struct binder_br br;
	int order, s, w;
	bool dead;

	for (order = 0; order < 2; order++) {
		objs[order] = binder_obj_handle(99, false);	/* no such ref */
		objs[!order] = binder_obj_binder(0xe0, 0xe1, false);
		binder_forget_seen(&self->r);
		EXPECT_EQ(BR_FAILED_REPLY,
			  binder_transact(&self->r, 0, 1, 0, objs, sizeof(objs),
					  offs, 2, &br)) TH_LOG("order %d", order);
		EXPECT_FALSE(binder_seen(&self->r, BR_INCREFS));
		EXPECT_FALSE(binder_seen(&self->r, BR_ACQUIRE));
		memset(&info, 0, sizeof(info));
		ASSERT_EQ(0, ioctl(self->fd, BINDER_GET_NODE_DEBUG_INFO, &info));
		EXPECT_EQ(0, info.ptr) TH_LOG("order %d", order);
		EXPECT_EQ(-1, binder_ref_counts(self->s.pid, 1, &s, &w, &dead));
	}
	EXPECT_EQ(-ETIMEDOUT, binder_server_wait(&self->s, BR_TRANSACTION, NULL, 200));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 100));
}

/*
 * A binder whose cookie differs from its node's: BR_FAILED_REPLY.  Both in
 * one transaction: the first makes the node, the second contradicts it.
 * (Across two calls the node may be gone in between: a node whose refs
 * all go before its owner reads the BR_INCREFS work is deleted silently.)
 */
TEST_F(mgr, binder_cookie_mismatch)
{
	struct flat_binder_object objs[2] = {
		binder_obj_binder(0xe0, 0xe1, false),
		binder_obj_binder(0xe0, 0xbad, false),
	};
	binder_size_t offs[2] = { 0, sizeof(objs[0]) };
	struct binder_node_debug_info info = { .ptr = 0 };
	struct binder_br br;

	EXPECT_EQ(BR_FAILED_REPLY, binder_transact(&self->r, 0, 1, 0, objs,
						   sizeof(objs), offs, 2, &br));
	ASSERT_EQ(0, ioctl(self->fd, BINDER_GET_NODE_DEBUG_INFO, &info));
	EXPECT_EQ(0, info.ptr);
	/* the same, each alone, is fine */
	ASSERT_EQ(BR_REPLY, binder_transact(&self->r, 0, 1, 0, objs,
					    sizeof(objs[0]), offs, 1, &br));
	EXPECT_EQ(0, binder_free_buffer(self->fd, br.txn.data.ptr.buffer));
}

/*
 * The caller of read_buffer_faults: a call with an fd, then, once @go
 * says so, a plain one
 */
static int faulted_read_caller(int go)
{
	struct binder_fd_object obj = { .hdr.type = BINDER_TYPE_FD };
	binder_size_t off = 0;
	struct binder_reader r;
	struct binder_br br;
	int fd, mfd, first, second;
	void *map;

	fd = binder_open_mapped(&map);
	if (fd < 0)
		return 20;
	binder_reader_init(&r, fd);
	mfd = binder_memfd("faulted");
	if (mfd < 0)
		return 21;
	obj.fd = mfd;
	first = binder_transact(&r, 0, 1, 0, &obj, sizeof(obj), &off, 1, &br);
	if (read(go, &br, 1) != 1)
		return 22;
	second = binder_call(&r, 0, 2, "ok", 2, &br);
	if (second == BR_REPLY)
		binder_free_buffer(fd, br.txn.data.ptr.buffer);
	if (first != BR_FAILED_REPLY)
		return first == BR_REPLY ? 2 : 3;
	return second == BR_REPLY ? 0 : 4;
}

/*
 * A read whose buffer goes bad after its first word: BR_NOOP fits, the
 * BR_TRANSACTION after it runs into a PROT_NONE page.  The read fails
 * with EFAULT and the caller, whose call was taken off the list, gets
 * BR_FAILED_REPLY (upstream fails the call when its put_user faults), so
 * nobody is left waiting.  The reader works on: the next call is
 * delivered and answered.  Extension of our driver: the fd installed for
 * the lost call is closed and its buffer freed (upstream leaves both).
 */
TEST(read_buffer_faults)
{
	struct flat_binder_object mgr = binder_obj_binder(0, 0, false);
	struct binder_write_read bwr;
	struct binder_reader r;
	struct binder_br br;
	struct pollfd pfd;
	int fd, fds, status, go[2];
	void *map;
	char *pg;
	pid_t pid;

	fd = binder_open_mapped(&map);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, binder_become_context_manager_ext(fd, &mgr));
	ASSERT_EQ(0, binder_send_u32(fd, BC_ENTER_LOOPER));
	pg = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, pg);
	ASSERT_EQ(0, mprotect(pg + 4096, 4096, PROT_NONE));
	ASSERT_EQ(0, pipe(go));
	fds = binder_count_fds(getpid());

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(faulted_read_caller(go[0]));

	pfd.fd = fd;
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, T));
	EXPECT_EQ(-1, binder_write_read(fd, NULL, 0, pg + 4096 - 8, 256, &bwr));
	EXPECT_EQ(EFAULT, errno);
	if (binder_is_ours()) {
		EXPECT_EQ(fds, binder_count_fds(getpid()));
		EXPECT_EQ(0, binder_proc_count(getpid(), "  buffer "));
	}

	/* the caller got its answer before the next call is made */
	ASSERT_EQ(1, write(go[1], "g", 1));
	binder_reader_init(&r, fd);
	ASSERT_EQ(0, binder_read_br(&r, &br, T));
	ASSERT_EQ(BR_TRANSACTION, br.cmd);
	EXPECT_EQ(2, br.txn.code);
	EXPECT_EQ(0, binder_reply(fd, br.txn.data.ptr.buffer, 0, "r", 1,
				  NULL, 0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	munmap(pg, 2 * 4096);
	close(go[0]);
	close(go[1]);
	close(fd);
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
