// SPDX-License-Identifier: GPL-2.0
/*
 * BINDER_TYPE_FD objects: an fd of the sender becomes a new fd of the
 * receiver, installed when the receiver reads the transaction, O_CLOEXEC,
 * and the receiver's to close (freeing the buffer leaves it open).  Only a
 * node made with FLAT_BINDER_FLAG_ACCEPTS_FDS takes them, only a caller
 * that set TF_ACCEPT_FDS gets them in a reply.  A transaction that fails
 * installs nothing.  Conformance: the reference driver's behaviour is the
 * spec.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS
#define FDS_NODE 0x1000

static struct binder_fd_object fd_obj(int fd, uint64_t cookie)
{
	struct binder_fd_object o;

	memset(&o, 0, sizeof(o));
	o.hdr.type = BINDER_TYPE_FD;
	o.fd = fd;
	o.cookie = cookie;
	return o;
}

static int get_ee(int fd, struct binder_extended_error *ee)
{
	memset(ee, 0xa5, sizeof(*ee));
	return ioctl(fd, BINDER_GET_EXTENDED_ERROR, ee);
}

FIXTURE(fds) {
	struct binder_server s;
	struct binder_reader r;
	uint32_t node;		/* a handle to a node that accepts fds */
	int memfd[2];
	void *map;
	int fd;
};

FIXTURE_SETUP(fds)
{
	int64_t h;

	memset(&self->s, 0, sizeof(self->s));
	self->s.flags = BINDER_SERVER_CTX_MGR;
	self->s.handler = binder_inspect_handler;
	ASSERT_EQ(0, binder_server_start(&self->s));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	binder_reader_init(&self->r, self->fd);
	h = binder_inspect_node(&self->r, FDS_NODE, FLAT_BINDER_FLAG_ACCEPTS_FDS);
	ASSERT_LE(0, h);
	self->node = h;
	/* drop the server's events so far */
	ASSERT_EQ(0, binder_server_wait(&self->s, BR_TRANSACTION, NULL, T));
	self->memfd[0] = binder_memfd("first");
	self->memfd[1] = binder_memfd("second");
	ASSERT_LE(0, self->memfd[0]);
	ASSERT_LE(0, self->memfd[1]);
}

FIXTURE_TEARDOWN(fds)
{
	close(self->memfd[0]);
	close(self->memfd[1]);
	munmap(self->map, BINDER_MAP_SIZE);
	close(self->fd);
	binder_server_stop(&self->s);
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

/*
 * The receiver gets a new fd to the same file: the object's fd field holds
 * it (the upper half of the 64-bit union zeroed), pad_flags and cookie as
 * sent; it is FD_CLOEXEC; BC_FREE_BUFFER does not close it.  The sender's
 * fd stays its own.
 */
TEST_F(fds, fd_object_delivered)
{
	struct binder_fd_object obj = fd_obj(self->memfd[0], 0x1234abcd5678ULL);
	const struct binder_fd_object *got;
	struct binder_inspect_report rep;
	binder_size_t off = 0;
	int before;

	obj.pad_flags = 0x7f;
	before = binder_count_fds(self->s.pid);
	ASSERT_LT(0, before);
	ASSERT_EQ(BR_REPLY, binder_inspect_call(&self->r, self->node, &obj,
						sizeof(obj), &off, 1, &rep));
	EXPECT_EQ(BR_TRANSACTION, rep.cmd);
	ASSERT_EQ(1, rep.nobj);
	ASSERT_EQ(1, rep.nfd);
	got = (const void *)rep.obj[0].raw;
	EXPECT_EQ(BINDER_TYPE_FD, got->hdr.type);
	EXPECT_EQ(0x7f, got->pad_flags);
	EXPECT_EQ(0x1234abcd5678ULL, got->cookie);
	EXPECT_EQ((binder_uintptr_t)(uint32_t)rep.fd[0].fd, got->pad_binder);
	EXPECT_LE(0, rep.fd[0].fd);
	EXPECT_EQ(FD_CLOEXEC, rep.fd[0].fd_flags);
	EXPECT_STREQ("first", rep.fd[0].data);
	/* BINDER_TYPE_FD: the receiver owns it, freeing the buffer keeps it */
	EXPECT_EQ(1, rep.fd[0].open_after_free);
	/* the handler closed it: nothing left over in the server */
	EXPECT_EQ(before, binder_count_fds(self->s.pid));
	EXPECT_EQ(0, fcntl(self->memfd[0], F_GETFD) & ~FD_CLOEXEC);
	EXPECT_EQ(0, binder_proc_count(self->s.pid, "  buffer "));
}

/* Two fds, data around them: two new fds, the bytes between intact. */
TEST_F(fds, two_fds_and_data)
{
	struct {
		uint32_t head;
		uint32_t pad;
		struct binder_fd_object a, b;
		uint64_t tail;
	} msg = {
		.head = 0xfeedf00d, .a = fd_obj(self->memfd[0], 1),
		.b = fd_obj(self->memfd[1], 2), .tail = 0x1122334455667788ULL,
	};
	binder_size_t offs[2] = {
		offsetof(typeof(msg), a), offsetof(typeof(msg), b)
	};
	struct binder_inspect_report rep;

	ASSERT_EQ(BR_REPLY, binder_inspect_call(&self->r, self->node, &msg,
						sizeof(msg), offs, 2, &rep));
	ASSERT_EQ(2, rep.nfd);
	EXPECT_NE(rep.fd[0].fd, rep.fd[1].fd);
	EXPECT_STREQ("first", rep.fd[0].data);
	EXPECT_STREQ("second", rep.fd[1].data);
	EXPECT_EQ(FD_CLOEXEC, rep.fd[1].fd_flags);
	EXPECT_EQ(1, ((const struct binder_fd_object *)rep.obj[0].raw)->cookie);
	EXPECT_EQ(2, ((const struct binder_fd_object *)rep.obj[1].raw)->cookie);
}

/*
 * A reply with an fd to a caller that set TF_ACCEPT_FDS: the caller gets a
 * new FD_CLOEXEC fd, which BC_FREE_BUFFER leaves open.  The replier's
 * extended error says BR_OK.
 */
TEST_F(fds, reply_fd_accepted)
{
	const struct binder_fd_object *got;
	struct binder_br br;
	uint64_t ee = 0;
	char buf[8] = "";
	int before, fd;

	before = binder_count_fds(getpid());
	ASSERT_EQ(BR_REPLY, binder_transact(&self->r, self->node,
					    BINDER_INSPECT_REPLY_FD,
					    TF_ACCEPT_FDS, NULL, 0, NULL, 0,
					    &br));
	ASSERT_EQ(sizeof(*got), br.txn.data_size);
	ASSERT_EQ(sizeof(binder_size_t), br.txn.offsets_size);
	got = br_data(&br);
	EXPECT_EQ(BINDER_TYPE_FD, got->hdr.type);
	EXPECT_EQ(BINDER_INSPECT_COOKIE, got->cookie);
	fd = got->fd;
	EXPECT_EQ(before + 1, binder_count_fds(getpid()));
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	EXPECT_EQ(5, pread(fd, buf, sizeof(buf) - 1, 0));
	EXPECT_STREQ("reply", buf);
	EXPECT_EQ(0, binder_free_buffer(self->fd, br.txn.data.ptr.buffer));
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	close(fd);
	ASSERT_EQ(0, binder_server_wait(&self->s, BINDER_INSPECT_EE, &ee, T));
	EXPECT_EQ(BR_OK, ee >> 32);
	EXPECT_EQ(0, (int32_t)ee);
}

/*
 * The same reply to a caller without TF_ACCEPT_FDS: the caller gets
 * BR_FAILED_REPLY and no fd, its extended error BR_FAILED_REPLY/-EPERM;
 * the replier gets BR_TRANSACTION_COMPLETE and its own extended error
 * stays BR_OK (the failure is the caller's).
 */
TEST_F(fds, reply_fd_refused)
{
	struct binder_refused_reply got;
	struct binder_br br;

	binder_inspect_refused_reply(&self->s, &self->r, self->node,
				     BINDER_INSPECT_REPLY_FD, &got);
	EXPECT_EQ(BR_FAILED_REPLY, got.br);
	EXPECT_EQ(got.fds_before, got.fds_after);
	EXPECT_NE(0, got.ee.id);
	EXPECT_EQ(BR_FAILED_REPLY, got.ee.command);
	EXPECT_EQ(-EPERM, got.ee.param);
	ASSERT_EQ(0, got.server_wait);
	EXPECT_EQ(BR_OK, got.server_command);
	EXPECT_EQ(0, got.server_param);
	/* the server is fine: the next call works */
	ASSERT_EQ(BR_REPLY, binder_call(&self->r, self->node, 99, NULL, 0, &br));
	binder_free_buffer(self->fd, br.txn.data.ptr.buffer);
}

/*
 * An fd to a node without FLAT_BINDER_FLAG_ACCEPTS_FDS (the manager's,
 * made by BINDER_SET_CONTEXT_MGR): BR_FAILED_REPLY, -EPERM; the server
 * sees nothing and gets no fd.
 */
TEST_F(fds, node_refuses_fds)
{
	struct binder_fd_object obj = fd_obj(self->memfd[0], 0);
	struct binder_extended_error ee;
	binder_size_t off = 0;
	struct binder_br br;
	int before;

	before = binder_count_fds(self->s.pid);
	EXPECT_EQ(BR_FAILED_REPLY, binder_transact(&self->r, 0, BINDER_INSPECT,
						   0, &obj, sizeof(obj), &off,
						   1, &br));
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-EPERM, ee.param);
	EXPECT_EQ(-ETIMEDOUT, binder_server_wait(&self->s, BR_TRANSACTION,
						 NULL, 200));
	EXPECT_EQ(before, binder_count_fds(self->s.pid));
	EXPECT_EQ(0, binder_proc_count(self->s.pid, "  buffer "));
}

/* An fd we do not have: BR_FAILED_REPLY, -EBADF. */
TEST_F(fds, bad_fd)
{
	struct binder_fd_object obj = fd_obj(4000, 0);
	struct binder_extended_error ee;
	binder_size_t off = 0;
	struct binder_br br;
	int before;

	before = binder_count_fds(self->s.pid);
	EXPECT_EQ(BR_FAILED_REPLY,
		  binder_transact(&self->r, self->node, BINDER_INSPECT, 0, &obj,
				  sizeof(obj), &off, 1, &br));
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-EBADF, ee.param);
	EXPECT_EQ(before, binder_count_fds(self->s.pid));
	EXPECT_EQ(0, binder_proc_count(self->s.pid, "  buffer "));
}

/*
 * fd, fd, then an object of no known type: BR_FAILED_REPLY, -EINVAL, and
 * the two fds already translated are never installed in the receiver.
 */
TEST_F(fds, failure_after_fds_installs_nothing)
{
	struct {
		struct binder_fd_object a, b;
		struct binder_fd_object bad;
	} msg = {
		.a = fd_obj(self->memfd[0], 0), .b = fd_obj(self->memfd[1], 0),
		.bad = fd_obj(self->memfd[0], 0),
	};
	binder_size_t offs[3] = {
		offsetof(typeof(msg), a), offsetof(typeof(msg), b),
		offsetof(typeof(msg), bad),
	};
	struct binder_extended_error ee;
	struct binder_br br;
	int before;

	msg.bad.hdr.type = 0x12345678;
	before = binder_count_fds(self->s.pid);
	EXPECT_EQ(BR_FAILED_REPLY,
		  binder_transact(&self->r, self->node, BINDER_INSPECT, 0, &msg,
				  sizeof(msg), offs, 3, &br));
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-EINVAL, ee.param);
	EXPECT_EQ(-ETIMEDOUT, binder_server_wait(&self->s, BR_TRANSACTION,
						 NULL, 200));
	EXPECT_EQ(before, binder_count_fds(self->s.pid));
	EXPECT_EQ(0, binder_proc_count(self->s.pid, "  buffer "));
	/* and after a bad fd in third place: -EBADF, nothing either */
	msg.bad = fd_obj(4000, 0);
	EXPECT_EQ(BR_FAILED_REPLY,
		  binder_transact(&self->r, self->node, BINDER_INSPECT, 0, &msg,
				  sizeof(msg), offs, 3, &br));
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_EQ(-EBADF, ee.param);
	EXPECT_EQ(before, binder_count_fds(self->s.pid));
	/* our fds are still ours */
	EXPECT_LE(0, fcntl(self->memfd[0], F_GETFD));
	EXPECT_LE(0, fcntl(self->memfd[1], F_GETFD));
}

/* A oneway call with an fd: delivered all the same, the fd installed. */
TEST_F(fds, oneway_fd)
{
	struct binder_fd_object obj = fd_obj(self->memfd[1], 0);
	binder_size_t off = 0;
	struct binder_br br;

	EXPECT_EQ(BR_TRANSACTION_COMPLETE,
		  binder_transact(&self->r, self->node, 77, TF_ONE_WAY, &obj,
				  sizeof(obj), &off, 1, &br));
	EXPECT_EQ(0, binder_server_wait(&self->s, BR_TRANSACTION, NULL, T));
}

TEST_HARNESS_MAIN
