// SPDX-License-Identifier: GPL-2.0
/*
 * FLAT_BINDER_FLAG_TXN_SECURITY_CTX: a node made with it gets its calls as
 * BR_TRANSACTION_SEC_CTX (struct binder_transaction_data_secctx), the
 * sender's security context copied at the end of the buffer, after the
 * data, the offsets and the sg buffers.  Conformance: the reference
 * driver's behaviour (in the lane's VM, with its kernel's default LSMs) is
 * the spec.  Without an LSM giving contexts (the lane's VM) such a node
 * gets no call at all: BR_FAILED_REPLY with the LSM's errno.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS
#define SEC_NODE 0x3000
#define PLAIN_NODE 0x3100

FIXTURE(sec) {
	struct binder_server s;
	struct binder_reader r;
	uint32_t sec, plain;
	void *map;
	int fd;
};

FIXTURE_SETUP(sec)
{
	int64_t h;

	memset(&self->s, 0, sizeof(self->s));
	self->s.flags = BINDER_SERVER_CTX_MGR;
	self->s.handler = binder_inspect_handler;
	ASSERT_EQ(0, binder_server_start(&self->s));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	binder_reader_init(&self->r, self->fd);
	h = binder_inspect_node(&self->r, SEC_NODE,
				FLAT_BINDER_FLAG_TXN_SECURITY_CTX);
	ASSERT_LE(0, h);
	self->sec = h;
	h = binder_inspect_node(&self->r, PLAIN_NODE, 0);
	ASSERT_LE(0, h);
	self->plain = h;
}

FIXTURE_TEARDOWN(sec)
{
	munmap(self->map, BINDER_MAP_SIZE);
	close(self->fd);
	binder_server_stop(&self->s);
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

/* Without the flag: a plain BR_TRANSACTION. */
TEST_F(sec, plain_node)
{
	struct binder_inspect_report rep;

	ASSERT_EQ(BR_REPLY, binder_inspect_call(&self->r, self->plain, "abc",
						3, NULL, 0, &rep));
	EXPECT_EQ(BR_TRANSACTION, rep.cmd);
	EXPECT_EQ(-1, rep.secctx_off);
}

/*
 * With it, the driver asks the LSMs for the sender's context
 * (security_cred_getsecid, security_secid_to_secctx).  In the lane's VM
 * (Debian's kernels booted without a policy) that fails: the call gets
 * BR_FAILED_REPLY, extended error -EINVAL, and never reaches the server.
 */
TEST_F(sec, secctx_node_without_lsm_context)
{
	struct binder_inspect_report rep;
	struct binder_extended_error ee;
	int ret;

	ret = binder_inspect_call(&self->r, self->sec, "abc", 3, NULL, 0,
				  &rep);
	ASSERT_EQ(0, ioctl(self->fd, BINDER_GET_EXTENDED_ERROR, &ee));
	if (ret == BR_REPLY)
		SKIP(return, "an LSM gives contexts here: \"%s\"", rep.secctx);
	EXPECT_EQ(BR_FAILED_REPLY, ret);
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	/*
	 * The LSM's own answer: -EINVAL with Debian's built-in LSMs and
	 * none giving contexts, -EOPNOTSUPP with no LSM at all (the debug
	 * kernel).
	 */
	EXPECT_TRUE(ee.param == -EINVAL || ee.param == -EOPNOTSUPP)
		TH_LOG("param %d", ee.param);
	EXPECT_EQ(0, binder_proc_count(self->s.pid, "  buffer "));
	/* the plain node is fine */
	ASSERT_EQ(BR_REPLY, binder_inspect_call(&self->r, self->plain, "abc",
						3, NULL, 0, &rep));
	EXPECT_EQ(BR_TRANSACTION, rep.cmd);
}

/*
 * Where an LSM gives contexts: BR_TRANSACTION_SEC_CTX, secctx pointing
 * into the buffer right after the 8-aligned data and offsets (and sg
 * buffers), a NUL-terminated string.
 */
TEST_F(sec, secctx_layout)
{
	struct {
		uint64_t head;
		struct binder_buffer_object p;
	} msg;
	uint64_t payload[2] = { 1, 2 };
	binder_size_t off = offsetof(typeof(msg), p);
	struct binder_cmds c = { .len = 0 };
	struct binder_inspect_report rep;
	struct binder_br br;
	int ret;

	ret = binder_inspect_call(&self->r, self->sec, "abc", 3, NULL, 0,
				  &rep);
	if (ret == BR_FAILED_REPLY)
		SKIP(return, "no LSM gives a security context here");
	ASSERT_EQ(BR_REPLY, ret);
	EXPECT_EQ(BR_TRANSACTION_SEC_CTX, rep.cmd);
	EXPECT_LT(0, rep.secctx_len);
	EXPECT_EQ(8, rep.secctx_off);

	memset(&msg, 0, sizeof(msg));
	msg.p.hdr.type = BINDER_TYPE_PTR;
	msg.p.buffer = (uintptr_t)payload;
	msg.p.length = sizeof(payload);
	cmd_txn_sg(&c, BC_TRANSACTION_SG, self->sec, BINDER_INSPECT, 0, &msg,
		   sizeof(msg), &off, 1, sizeof(payload));
	ASSERT_EQ(BR_REPLY, binder_transact_cmds(&self->r, &c, 0, &br));
	ASSERT_EQ(sizeof(rep), br.txn.data_size);
	memcpy(&rep, br_data(&br), sizeof(rep));
	binder_free_buffer(self->fd, br.txn.data.ptr.buffer);
	EXPECT_EQ(BR_TRANSACTION_SEC_CTX, rep.cmd);
	/* data 48, offsets 8, sg 16 */
	EXPECT_EQ(48 + 8 + 16, rep.secctx_off);
	EXPECT_EQ(0, memcmp(rep.obj[0].bytes, payload, sizeof(payload)));
}

TEST_HARNESS_MAIN
