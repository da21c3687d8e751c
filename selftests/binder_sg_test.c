// SPDX-License-Identifier: GPL-2.0
/*
 * Scatter-gather: BC_TRANSACTION_SG, BINDER_TYPE_PTR objects (buffers
 * copied after the offsets, parents' pointers fixed up) and
 * BINDER_TYPE_FDA (fd arrays inside a PTR buffer, closed by the kernel
 * when the buffer is freed).  Every malformed one fails with
 * BR_FAILED_REPLY, -EINVAL, and installs no fd.  Conformance: the reference
 * driver's behaviour is the spec.
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
#define FDS_NODE 0x2000

static struct binder_buffer_object ptr_obj(const void *buf, size_t len)
{
	struct binder_buffer_object o;

	memset(&o, 0, sizeof(o));
	o.hdr.type = BINDER_TYPE_PTR;
	o.buffer = (binder_uintptr_t)(uintptr_t)buf;
	o.length = len;
	return o;
}

static struct binder_buffer_object child_obj(const void *buf, size_t len,
					     uint64_t parent, uint64_t off)
{
	struct binder_buffer_object o = ptr_obj(buf, len);

	o.flags = BINDER_BUFFER_FLAG_HAS_PARENT;
	o.parent = parent;
	o.parent_offset = off;
	return o;
}

static struct binder_fd_array_object fda_obj(uint64_t num, uint64_t parent,
					     uint64_t off)
{
	struct binder_fd_array_object o;

	memset(&o, 0, sizeof(o));
	o.hdr.type = BINDER_TYPE_FDA;
	o.num_fds = num;
	o.parent = parent;
	o.parent_offset = off;
	return o;
}

struct sg_env {
	struct binder_server s;
	struct binder_reader r;
	uint32_t node;		/* a handle to a node that accepts fds */
	int memfd[2];
	void *map;
	int fd;
};

FIXTURE(sg) {
	struct sg_env e;
};

FIXTURE_SETUP(sg)
{
	int64_t h;

	memset(&self->e.s, 0, sizeof(self->e.s));
	self->e.s.flags = BINDER_SERVER_CTX_MGR;
	self->e.s.handler = binder_inspect_handler;
	ASSERT_EQ(0, binder_server_start(&self->e.s));
	self->e.fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->e.map);
	ASSERT_LE(0, self->e.fd);
	binder_reader_init(&self->e.r, self->e.fd);
	h = binder_inspect_node(&self->e.r, FDS_NODE, FLAT_BINDER_FLAG_ACCEPTS_FDS);
	ASSERT_LE(0, h);
	self->e.node = h;
	ASSERT_EQ(0, binder_server_wait(&self->e.s, BR_TRANSACTION, NULL, T));
	self->e.memfd[0] = binder_memfd("first");
	self->e.memfd[1] = binder_memfd("second");
	ASSERT_LE(0, self->e.memfd[0]);
	ASSERT_LE(0, self->e.memfd[1]);
}

FIXTURE_TEARDOWN(sg)
{
	close(self->e.memfd[0]);
	close(self->e.memfd[1]);
	munmap(self->e.map, BINDER_MAP_SIZE);
	close(self->e.fd);
	binder_server_stop(&self->e.s);
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

/* BC_TRANSACTION_SG of BINDER_INSPECT: BR_REPLY and the report, or the BR */
static int sg_call(struct binder_reader *r, uint32_t handle, const void *data,
		   size_t size, const binder_size_t *offs, size_t n,
		   binder_size_t buffers_size, struct binder_inspect_report *rep)
{
	struct binder_cmds c = { .len = 0 };

	cmd_txn_sg(&c, BC_TRANSACTION_SG, handle, BINDER_INSPECT, 0, data, size,
		   offs, n, buffers_size);
	return binder_inspect_cmds(r, &c, rep);
}

/*
 * A malformed sg transaction: BR_FAILED_REPLY, extended error
 * BR_FAILED_REPLY/param; the server sees nothing, gets no fd, holds no
 * buffer.
 */
static void expect_sg_fails(struct __test_metadata *_metadata,
			    struct sg_env *self, const void *data,
			    size_t size, const binder_size_t *offs, size_t n,
			    binder_size_t buffers_size, int32_t param)
{
	struct binder_inspect_report rep;
	struct binder_extended_error ee;
	int before = binder_count_fds(self->s.pid);

	ASSERT_LT(0, before);
	EXPECT_EQ(BR_FAILED_REPLY, sg_call(&self->r, self->node, data, size,
					   offs, n, buffers_size, &rep));
	memset(&ee, 0xa5, sizeof(ee));
	ASSERT_EQ(0, ioctl(self->fd, BINDER_GET_EXTENDED_ERROR, &ee));
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(param, ee.param);
	EXPECT_EQ(-ETIMEDOUT, binder_server_wait(&self->s, BR_TRANSACTION,
						 NULL, 100));
	EXPECT_EQ(before, binder_count_fds(self->s.pid));
	EXPECT_EQ(0, binder_proc_count(self->s.pid, "  buffer "));
	/* our own fds are untouched */
	EXPECT_LE(0, fcntl(self->memfd[0], F_GETFD));
	EXPECT_LE(0, fcntl(self->memfd[1], F_GETFD));
}

/*
 * A PTR holding two fds and an FDA over them, in one message.  Objects
 * start at 8: a PTR at data offset 0 cannot be a parent (see below).
 */
struct fda_msg {
	uint64_t head;
	struct binder_buffer_object ptr;
	struct binder_fd_array_object fda;
};

struct fd_payload {
	uint32_t fds[2];
	uint64_t trailer;
};

/*
 * The receiver gets the PTR's bytes in its own mapping (the object's
 * buffer rewritten to point there), the fds in it replaced by new
 * FD_CLOEXEC fds of its own, the bytes after them intact, the FDA object
 * as sent.  Freeing the buffer closes the FDA's fds.
 */
TEST_F(sg, fda_in_ptr)
{
	struct fd_payload pl = {
		.fds = { self->e.memfd[0], self->e.memfd[1] },
		.trailer = 0x0123456789abcdefULL,
	};
	struct fda_msg msg = {
		.ptr = ptr_obj(&pl, sizeof(pl)), .fda = fda_obj(2, 0, 0),
	};
	binder_size_t offs[2] = {
		offsetof(struct fda_msg, ptr), offsetof(struct fda_msg, fda)
	};
	const struct binder_buffer_object *ptr;
	const struct binder_fd_array_object *fda;
	struct binder_inspect_report rep;
	struct fd_payload got;
	int before = binder_count_fds(self->e.s.pid);

	ASSERT_EQ(BR_REPLY, sg_call(&self->e.r, self->e.node, &msg, sizeof(msg),
				    offs, 2, sizeof(pl), &rep));
	ASSERT_EQ(2, rep.nobj);
	ptr = (const void *)rep.obj[0].raw;
	fda = (const void *)rep.obj[1].raw;
	EXPECT_EQ(BINDER_TYPE_PTR, ptr->hdr.type);
	EXPECT_EQ(1, rep.obj[0].in_map);
	EXPECT_NE((uintptr_t)&pl, ptr->buffer);
	EXPECT_EQ(sizeof(pl), ptr->length);
	EXPECT_EQ(0, ptr->flags);
	EXPECT_EQ(BINDER_TYPE_FDA, fda->hdr.type);
	EXPECT_EQ(2, fda->num_fds);
	EXPECT_EQ(0, fda->parent);
	EXPECT_EQ(0, fda->parent_offset);

	ASSERT_EQ(2, rep.nfd);
	memcpy(&got, rep.obj[0].bytes, sizeof(got));
	EXPECT_EQ(rep.fd[0].fd, (int32_t)got.fds[0]);
	EXPECT_EQ(rep.fd[1].fd, (int32_t)got.fds[1]);
	EXPECT_NE(rep.fd[0].fd, rep.fd[1].fd);
	EXPECT_EQ(0x0123456789abcdefULL, got.trailer);
	EXPECT_EQ(FD_CLOEXEC, rep.fd[0].fd_flags);
	EXPECT_EQ(FD_CLOEXEC, rep.fd[1].fd_flags);
	EXPECT_STREQ("first", rep.fd[0].data);
	EXPECT_STREQ("second", rep.fd[1].data);
	/* BINDER_TYPE_FDA: the kernel closes them with the buffer */
	EXPECT_EQ(0, rep.fd[0].open_after_free);
	EXPECT_EQ(0, rep.fd[1].open_after_free);
	EXPECT_EQ(before, binder_count_fds(self->e.s.pid));
	/* the sender's payload is not touched */
	EXPECT_EQ(self->e.memfd[0], (int)pl.fds[0]);
}

/*
 * An FDA of many fds (two files, 96 times over): each becomes a distinct
 * FD_CLOEXEC fd of the receiver, in order, and all are closed with the
 * buffer.
 */
TEST_F(sg, fda_of_many_fds)
{
	enum { N = 192 };
	struct {
		uint64_t head;
		struct binder_buffer_object ptr;
		struct binder_fd_array_object fda;
	} msg;
	binder_size_t offs[2] = {
		offsetof(typeof(msg), ptr), offsetof(typeof(msg), fda)
	};
	struct binder_inspect_report rep;
	uint32_t fds[N];
	int before = binder_count_fds(self->e.s.pid);
	int i;

	for (i = 0; i < N; i++)
		fds[i] = self->e.memfd[i % 2];
	memset(&msg, 0, sizeof(msg));
	msg.ptr = ptr_obj(fds, sizeof(fds));
	msg.fda = fda_obj(N, 0, 0);
	ASSERT_EQ(BR_REPLY, sg_call(&self->e.r, self->e.node, &msg, sizeof(msg),
				    offs, 2, sizeof(fds), &rep));
	EXPECT_EQ(N, rep.fds_total);
	EXPECT_EQ(N, rep.fds_cloexec);
	EXPECT_EQ(N, rep.fds_distinct);
	EXPECT_EQ(0, rep.fds_open_after_free);
	ASSERT_EQ(BINDER_INSPECT_MAX, rep.nfd);
	EXPECT_STREQ("first", rep.fd[0].data);
	EXPECT_STREQ("second", rep.fd[1].data);
	EXPECT_STREQ("first", rep.fd[2].data);
	EXPECT_EQ(before, binder_count_fds(self->e.s.pid));
}

/* An FDA of no fds is fine: the PTR's bytes arrive as they are. */
TEST_F(sg, fda_of_no_fds)
{
	struct fd_payload pl = { .fds = { 7, 8 }, .trailer = 42 };
	struct fda_msg msg = {
		.ptr = ptr_obj(&pl, sizeof(pl)), .fda = fda_obj(0, 0, 0),
	};
	binder_size_t offs[2] = {
		offsetof(struct fda_msg, ptr), offsetof(struct fda_msg, fda)
	};
	struct binder_inspect_report rep;

	ASSERT_EQ(BR_REPLY, sg_call(&self->e.r, self->e.node, &msg, sizeof(msg),
				    offs, 2, sizeof(pl), &rep));
	EXPECT_EQ(0, rep.nfd);
	EXPECT_EQ(0, memcmp(rep.obj[0].bytes, &pl, sizeof(pl)));
}

/*
 * A child PTR (BINDER_BUFFER_FLAG_HAS_PARENT): its buffer follows the
 * parent's in the sg area (8-aligned), and the parent's pointer at
 * parent_offset is rewritten to the child's address in the receiver; the
 * parent's other bytes are intact.
 */
TEST_F(sg, nested_ptr_fixup)
{
	struct {
		uint64_t x;
		uint64_t child;
		uint64_t y;
	} parent = { 0x1111, 0xdeadbeef, 0x3333 }, got;
	static const char child[13] = "hello, child";
	struct {
		uint64_t head;
		struct binder_buffer_object a, b;
	} msg = {
		.a = ptr_obj(&parent, sizeof(parent)),
		.b = child_obj(child, sizeof(child), 0, 8),
	};
	binder_size_t offs[2] = {
		offsetof(typeof(msg), a), offsetof(typeof(msg), b)
	};
	const struct binder_buffer_object *a, *b;
	struct binder_inspect_report rep;

	ASSERT_EQ(BR_REPLY, sg_call(&self->e.r, self->e.node, &msg, sizeof(msg),
				    offs, 2, sizeof(parent) + 16, &rep));
	ASSERT_EQ(2, rep.nobj);
	a = (const void *)rep.obj[0].raw;
	b = (const void *)rep.obj[1].raw;
	EXPECT_EQ(1, rep.obj[0].in_map);
	EXPECT_EQ(1, rep.obj[1].in_map);
	EXPECT_EQ(a->buffer + sizeof(parent), b->buffer);
	EXPECT_EQ(BINDER_BUFFER_FLAG_HAS_PARENT, b->flags);
	EXPECT_EQ(0, b->parent);
	EXPECT_EQ(8, b->parent_offset);
	EXPECT_EQ(sizeof(child), b->length);
	memcpy(&got, rep.obj[0].bytes, sizeof(got));
	EXPECT_EQ(0x1111, got.x);
	EXPECT_EQ(b->buffer, got.child);
	EXPECT_EQ(0x3333, got.y);
	EXPECT_STREQ(child, (const char *)rep.obj[1].bytes);
	/* the sender's parent is not touched */
	EXPECT_EQ(0xdeadbeef, parent.child);
}

/* CVE-2020-0041: an FDA's parent must be an earlier object. */
TEST_F(sg, fda_parent_not_before_it)
{
	struct fd_payload pl = { .fds = { self->e.memfd[0], self->e.memfd[1] } };
	struct fda_msg msg = {
		.ptr = ptr_obj(&pl, sizeof(pl)), .fda = fda_obj(2, 1, 0),
	};
	binder_size_t offs[2] = {
		offsetof(struct fda_msg, ptr), offsetof(struct fda_msg, fda)
	};

	expect_sg_fails(_metadata, &self->e, &msg, sizeof(msg), offs, 2,
			sizeof(pl), -EINVAL);
	/* nor itself as the first object */
	offs[0] = offsetof(struct fda_msg, fda);
	msg.fda.parent = 0;
	expect_sg_fails(_metadata, &self->e, &msg, sizeof(msg), offs, 1,
			sizeof(pl), -EINVAL);
}

/*
 * Upstream's fixup check takes a last-fixed object at data offset 0 for
 * "none": a PTR at offset 0 can be no FDA's or child's parent.
 */
TEST_F(sg, parent_at_offset_zero)
{
	struct fd_payload pl = { .fds = { self->e.memfd[0], self->e.memfd[1] } };
	uint64_t child = 0;
	struct {
		struct binder_buffer_object ptr;
		struct binder_fd_array_object fda;
	} msg = { .ptr = ptr_obj(&pl, sizeof(pl)), .fda = fda_obj(2, 0, 0) };
	struct {
		struct binder_buffer_object a, b;
	} nest = {
		.a = ptr_obj(&pl, sizeof(pl)),
		.b = child_obj(&child, sizeof(child), 0, 8),
	};
	binder_size_t offs[2] = { 0, sizeof(msg.ptr) };

	expect_sg_fails(_metadata, &self->e, &msg, sizeof(msg), offs, 2,
			sizeof(pl), -EINVAL);
	expect_sg_fails(_metadata, &self->e, &nest, sizeof(nest), offs, 2,
			sizeof(pl) + 8, -EINVAL);
}

/* An FDA's parent must be a PTR: after a translated fd, nothing installed */
TEST_F(sg, fda_parent_not_ptr)
{
	struct {
		struct binder_fd_object fd;
		struct binder_fd_array_object fda;
	} msg = { .fda = fda_obj(1, 0, 0) };
	binder_size_t offs[2] = { 0, sizeof(msg.fd) };

	msg.fd.hdr.type = BINDER_TYPE_FD;
	msg.fd.fd = self->e.memfd[0];
	expect_sg_fails(_metadata, &self->e, &msg, sizeof(msg), offs, 2, 0,
			-EINVAL);
}

/* The fds must lie within the parent, 4-aligned. */
TEST_F(sg, fda_out_of_parent)
{
	struct fd_payload pl = { .fds = { self->e.memfd[0], self->e.memfd[1] } };
	struct fda_msg msg = { .ptr = ptr_obj(&pl, sizeof(pl)) };
	binder_size_t offs[2] = {
		offsetof(struct fda_msg, ptr), offsetof(struct fda_msg, fda)
	};

	msg.fda = fda_obj(2, 0, 12);	/* 8 bytes at 12 of 16 */
	expect_sg_fails(_metadata, &self->e, &msg, sizeof(msg), offs, 2,
			sizeof(pl), -EINVAL);
	msg.fda = fda_obj(5, 0, 0);	/* 20 bytes in 16 */
	expect_sg_fails(_metadata, &self->e, &msg, sizeof(msg), offs, 2,
			sizeof(pl), -EINVAL);
	msg.fda = fda_obj(1, 0, 2);	/* not 4-aligned */
	expect_sg_fails(_metadata, &self->e, &msg, sizeof(msg), offs, 2,
			sizeof(pl), -EINVAL);
}

/* A child's pointer must fit in its parent. */
TEST_F(sg, ptr_parent_offset_out_of_range)
{
	uint64_t parent[3] = { 0 }, child = 0;
	struct {
		uint64_t head;
		struct binder_buffer_object a, b;
	} msg = {
		.a = ptr_obj(parent, sizeof(parent)),
		.b = child_obj(&child, sizeof(child), 0, 20),	/* > 24 - 8 */
	};
	binder_size_t offs[2] = {
		offsetof(typeof(msg), a), offsetof(typeof(msg), b)
	};

	expect_sg_fails(_metadata, &self->e, &msg, sizeof(msg), offs, 2, 32,
			-EINVAL);
	/* a parent that is not there */
	msg.b = child_obj(&child, sizeof(child), 5, 0);
	expect_sg_fails(_metadata, &self->e, &msg, sizeof(msg), offs, 2, 32,
			-EINVAL);
}

/*
 * Fixups go in order: within a parent at growing offsets, and only into
 * the last object fixed or one of its parents.
 */
TEST_F(sg, ptr_parents_out_of_order)
{
	uint64_t a[4] = { 0 }, b = 0, c = 0, d = 0;
	struct {
		uint64_t head;
		struct binder_buffer_object a, b, c, d;
	} msg = {
		.a = ptr_obj(a, sizeof(a)),
		.b = child_obj(&b, sizeof(b), 0, 16),
		.c = child_obj(&c, sizeof(c), 0, 0),	/* 0 < 16: back */
	};
	binder_size_t offs[4] = {
		offsetof(typeof(msg), a), offsetof(typeof(msg), b),
		offsetof(typeof(msg), c), offsetof(typeof(msg), d),
	};

	expect_sg_fails(_metadata, &self->e, &msg, offsetof(typeof(msg), d), offs, 3,
			sizeof(a) + 16, -EINVAL);
	/* D's parent B is neither the last one (C) nor C's parent (A) */
	msg.b = child_obj(&b, sizeof(b), 0, 0);
	msg.c = child_obj(&c, sizeof(c), 0, 8);
	msg.d = child_obj(&d, sizeof(d), 1, 0);
	expect_sg_fails(_metadata, &self->e, &msg, sizeof(msg), offs, 4,
			sizeof(a) + 24, -EINVAL);
	/* while in order it works */
	msg.c = child_obj(&c, sizeof(c), 0, 8);
	msg.d = child_obj(&d, sizeof(d), 2, 0);
	{
		struct binder_inspect_report rep;

		EXPECT_EQ(BR_REPLY, sg_call(&self->e.r, self->e.node, &msg,
					    sizeof(msg), offs, 4,
					    sizeof(a) + 24, &rep));
	}
}

/* sg buffers beyond buffers_size, or an unaligned buffers_size */
TEST_F(sg, sg_size_checks)
{
	uint8_t big[64] = { 0 };
	struct binder_buffer_object p = ptr_obj(big, sizeof(big));
	binder_size_t off = 0;

	expect_sg_fails(_metadata, &self->e, &p, sizeof(p), &off, 1, 32, -EINVAL);
	p.length = 16;
	expect_sg_fails(_metadata, &self->e, &p, sizeof(p), &off, 1, 20, -EINVAL);
	/* two buffers: the second one's 8-aligned start leaves no room */
	{
		struct binder_buffer_object two[2] = {
			ptr_obj(big, 12), ptr_obj(big, 8)
		};
		binder_size_t offs[2] = { 0, sizeof(two[0]) };

		expect_sg_fails(_metadata, &self->e, two, sizeof(two), offs, 2, 16,
				-EINVAL);
	}
}

/*
 * An sg size that overflows the buffer's size: -EINVAL; one too big for
 * the receiver's area: -ENOSPC (the allocator's answer).
 */
TEST_F(sg, sg_size_overflow)
{
	uint64_t v = 0;
	struct binder_buffer_object p = ptr_obj(&v, sizeof(v));
	binder_size_t off = 0;

	expect_sg_fails(_metadata, &self->e, &p, sizeof(p), &off, 1,
			(binder_size_t)-8, -EINVAL);
	expect_sg_fails(_metadata, &self->e, &p, sizeof(p), &off, 1,
			(binder_size_t)1 << 40, -ENOSPC);
}

/* A PTR in a plain BC_TRANSACTION has no sg room: BR_FAILED_REPLY, -EINVAL */
TEST_F(sg, ptr_without_sg)
{
	uint64_t v = 5;
	struct binder_buffer_object p = ptr_obj(&v, sizeof(v));
	struct binder_extended_error ee;
	binder_size_t off = 0;
	struct binder_br br;

	EXPECT_EQ(BR_FAILED_REPLY,
		  binder_transact(&self->e.r, self->e.node, BINDER_INSPECT, 0, &p,
				  sizeof(p), &off, 1, &br));
	ASSERT_EQ(0, ioctl(self->e.fd, BINDER_GET_EXTENDED_ERROR, &ee));
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-EINVAL, ee.param);
}

/* A PTR to memory we do not have: BR_FAILED_REPLY, -EINVAL (not -EFAULT) */
TEST_F(sg, ptr_bad_address)
{
	struct binder_buffer_object p = ptr_obj((void *)16, 8);
	binder_size_t off = 0;

	expect_sg_fails(_metadata, &self->e, &p, sizeof(p), &off, 1, 8, -EINVAL);
}

/* fds translated through an FDA, then a bad child: nothing installed */
TEST_F(sg, failure_after_fda_installs_nothing)
{
	struct fd_payload pl = { .fds = { self->e.memfd[0], self->e.memfd[1] } };
	uint64_t child = 0;
	struct {
		uint64_t head;
		struct binder_buffer_object ptr;
		struct binder_fd_array_object fda;
		struct binder_buffer_object bad;
	} msg = {
		.ptr = ptr_obj(&pl, sizeof(pl)), .fda = fda_obj(2, 0, 0),
		.bad = child_obj(&child, sizeof(child), 0, 100),
	};
	binder_size_t offs[3] = {
		offsetof(typeof(msg), ptr), offsetof(typeof(msg), fda),
		offsetof(typeof(msg), bad)
	};

	expect_sg_fails(_metadata, &self->e, &msg, sizeof(msg), offs, 3,
			sizeof(pl) + 8, -EINVAL);
}

/*
 * The 5.18 deferred-fixup corner: PTR parent -> PTR child -> FDA as the
 * last object, its fds in the child.  The receiver gets the parent with
 * the child's address in it, the fds in the child replaced by its own.
 */
TEST_F(sg, fda_in_child_ptr)
{
	struct binder_sg_outer outer = { .tag = 77 };
	struct binder_sg_inner inner = {
		.fds = { self->e.memfd[0], self->e.memfd[1] }, .tail = 78,
	};
	struct binder_sg_reply msg = {
		.outer = ptr_obj(&outer, sizeof(outer)),
		.inner = child_obj(&inner, sizeof(inner), 0,
				   offsetof(struct binder_sg_outer, child)),
		.fda = fda_obj(2, 1, 0),
	};
	binder_size_t offs[3] = {
		offsetof(struct binder_sg_reply, outer),
		offsetof(struct binder_sg_reply, inner),
		offsetof(struct binder_sg_reply, fda),
	};
	const struct binder_buffer_object *a, *b;
	struct binder_inspect_report rep;
	struct binder_sg_outer got_outer;
	struct binder_sg_inner got_inner;
	int before = binder_count_fds(self->e.s.pid);

	ASSERT_EQ(BR_REPLY, sg_call(&self->e.r, self->e.node, &msg, sizeof(msg),
				    offs, 3, sizeof(outer) + sizeof(inner),
				    &rep));
	ASSERT_EQ(3, rep.nobj);
	a = (const void *)rep.obj[0].raw;
	b = (const void *)rep.obj[1].raw;
	memcpy(&got_outer, rep.obj[0].bytes, sizeof(got_outer));
	memcpy(&got_inner, rep.obj[1].bytes, sizeof(got_inner));
	EXPECT_EQ(a->buffer + sizeof(outer), b->buffer);
	EXPECT_EQ(77, got_outer.tag);
	EXPECT_EQ(b->buffer, got_outer.child);
	ASSERT_EQ(2, rep.nfd);
	EXPECT_EQ(rep.fd[0].fd, (int32_t)got_inner.fds[0]);
	EXPECT_EQ(rep.fd[1].fd, (int32_t)got_inner.fds[1]);
	EXPECT_EQ(78, got_inner.tail);
	EXPECT_STREQ("first", rep.fd[0].data);
	EXPECT_STREQ("second", rep.fd[1].data);
	EXPECT_EQ(FD_CLOEXEC, rep.fd[0].fd_flags);
	EXPECT_EQ(0, rep.fd[0].open_after_free);
	EXPECT_EQ(0, rep.fd[1].open_after_free);
	EXPECT_EQ(before, binder_count_fds(self->e.s.pid));
}

/*
 * BC_REPLY_SG: the same shape as a reply to a caller that accepts fds.
 * The caller's new fds read what the replier put in them, and freeing
 * the reply closes them; the replier's extended error stays BR_OK.
 */
TEST_F(sg, reply_sg_with_fda)
{
	const struct binder_buffer_object *outer, *inner;
	const struct binder_sg_outer *o;
	const struct binder_sg_inner *in;
	const struct binder_sg_reply *msg;
	char buf[2][4] = { "", "" };
	struct binder_br br;
	uint64_t ev = 0;
	int before, fds[2], i;

	before = binder_count_fds(getpid());
	ASSERT_EQ(BR_REPLY, binder_transact(&self->e.r, self->e.node,
					    BINDER_INSPECT_REPLY_SG,
					    TF_ACCEPT_FDS, NULL, 0, NULL, 0,
					    &br));
	ASSERT_EQ(sizeof(*msg), br.txn.data_size);
	ASSERT_EQ(3 * sizeof(binder_size_t), br.txn.offsets_size);
	msg = br_data(&br);
	outer = &msg->outer;
	inner = &msg->inner;
	EXPECT_EQ(BINDER_TYPE_PTR, outer->hdr.type);
	EXPECT_EQ(BINDER_TYPE_PTR, inner->hdr.type);
	EXPECT_EQ(BINDER_TYPE_FDA, msg->fda.hdr.type);
	/* both buffers in our mapping, after data and offsets, 8-aligned */
	EXPECT_EQ(br.txn.data.ptr.buffer + ((sizeof(*msg) + 7) & ~7UL) +
		  3 * sizeof(binder_size_t), outer->buffer);
	EXPECT_EQ(outer->buffer + sizeof(*o), inner->buffer);
	o = (const void *)(uintptr_t)outer->buffer;
	in = (const void *)(uintptr_t)inner->buffer;
	EXPECT_EQ(BINDER_INSPECT_COOKIE, o->tag);
	EXPECT_EQ(inner->buffer, o->child);
	EXPECT_EQ(BINDER_INSPECT_COOKIE + 1, in->tail);
	EXPECT_EQ(before + 2, binder_count_fds(getpid()));
	for (i = 0; i < 2; i++) {
		fds[i] = in->fds[i];
		EXPECT_EQ(FD_CLOEXEC, fcntl(fds[i], F_GETFD));
		EXPECT_EQ(2, pread(fds[i], buf[i], sizeof(buf[i]) - 1, 0));
	}
	EXPECT_STREQ("r0", buf[0]);
	EXPECT_STREQ("r1", buf[1]);
	EXPECT_EQ(0, binder_free_buffer(self->e.fd, br.txn.data.ptr.buffer));
	/* BINDER_TYPE_FDA: closed with the buffer */
	EXPECT_EQ(before, binder_count_fds(getpid()));
	EXPECT_EQ(-1, fcntl(fds[0], F_GETFD));
	EXPECT_EQ(-1, fcntl(fds[1], F_GETFD));
	ASSERT_EQ(0, binder_server_wait(&self->e.s, BINDER_INSPECT_EE, &ev, T));
	EXPECT_EQ(BR_OK, ev >> 32);
	EXPECT_EQ(0, (int32_t)ev);
}

/*
 * The same reply to a caller without TF_ACCEPT_FDS: BR_FAILED_REPLY and
 * -EPERM for the caller, no fd; the replier's own outcome is fine.
 */
TEST_F(sg, reply_sg_fda_refused)
{
	struct binder_refused_reply got;

	binder_inspect_refused_reply(&self->e.s, &self->e.r, self->e.node,
				     BINDER_INSPECT_REPLY_SG, &got);
	EXPECT_EQ(BR_FAILED_REPLY, got.br);
	EXPECT_EQ(got.fds_before, got.fds_after);
	EXPECT_EQ(BR_FAILED_REPLY, got.ee.command);
	EXPECT_EQ(-EPERM, got.ee.param);
	ASSERT_EQ(0, got.server_wait);
	EXPECT_EQ(BR_OK, got.server_command);
	EXPECT_EQ(0, got.server_param);
}

TEST_HARNESS_MAIN
