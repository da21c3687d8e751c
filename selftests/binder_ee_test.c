// SPDX-License-Identifier: GPL-2.0
/*
 * BINDER_GET_EXTENDED_ERROR: the calling thread's last transaction outcome
 * (id, BR_* command, errno-style param), reset by reading it.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

static int get_ee(int fd, struct binder_extended_error *ee)
{
	memset(ee, 0xa5, sizeof(*ee));
	return ioctl(fd, BINDER_GET_EXTENDED_ERROR, ee);
}

FIXTURE(ee) {
	struct binder_server s;
	struct binder_reader r;
	void *map;
	int fd;
};

FIXTURE_SETUP(ee)
{
	memset(&self->s, 0, sizeof(self->s));
	self->s.flags = BINDER_SERVER_CTX_MGR;
	ASSERT_EQ(0, binder_server_start(&self->s));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	binder_reader_init(&self->r, self->fd);
}

FIXTURE_TEARDOWN(ee)
{
	close(self->fd);
	binder_server_stop(&self->s);
}

/* A fresh thread has nothing to report. */
TEST_F(ee, fresh_thread_is_ok)
{
	struct binder_extended_error ee;

	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_EQ(0, ee.id);
	EXPECT_EQ(BR_OK, ee.command);
	EXPECT_EQ(0, ee.param);
}

/* A call that worked: BR_OK with its transaction's id, then reset. */
TEST_F(ee, success_then_reset)
{
	struct binder_extended_error ee;
	struct binder_br br;

	ASSERT_EQ(BR_REPLY, binder_call(&self->r, 0, 1, "x", 1, &br));
	binder_free_buffer(self->fd, br.txn.data.ptr.buffer);
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_NE(0, ee.id);
	EXPECT_EQ(BR_OK, ee.command);
	EXPECT_EQ(0, ee.param);
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_EQ(0, ee.id);
	EXPECT_EQ(BR_OK, ee.command);
}

/* A bad handle: BR_FAILED_REPLY, -EINVAL (no target node). */
TEST_F(ee, bad_handle)
{
	struct binder_extended_error ee;
	struct binder_br br;

	ASSERT_EQ(BR_FAILED_REPLY, binder_call(&self->r, 99, 1, NULL, 0, &br));
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_NE(0, ee.id);
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-EINVAL, ee.param);
}

/* No context manager on this device: BR_DEAD_REPLY, -EINVAL. */
TEST(no_context_manager)
{
	struct binder_extended_error ee;
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd = binder_open_mapped_dev("/dev/vndbinder", 0, &map);

	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	ASSERT_EQ(BR_DEAD_REPLY, binder_call(&r, 0, 1, NULL, 0, &br));
	ASSERT_EQ(0, get_ee(fd, &ee));
	EXPECT_EQ(BR_DEAD_REPLY, ee.command);
	EXPECT_EQ(-EINVAL, ee.param);
	close(fd);
}

/* offsets_size not a multiple of 8: BR_FAILED_REPLY, -EINVAL. */
TEST_F(ee, bad_offsets_size)
{
	struct binder_extended_error ee;
	binder_size_t offs[1] = { 0 };
	struct binder_cmds c = { .len = 0 };
	struct binder_transaction_data tr;
	struct binder_br br;
	char data[32] = { 0 };

	memset(&tr, 0, sizeof(tr));
	tr.target.handle = 0;
	tr.code = 1;
	tr.data_size = sizeof(data);
	tr.offsets_size = 4;
	tr.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)data;
	tr.data.ptr.offsets = (binder_uintptr_t)(uintptr_t)offs;
	cmd_u32(&c, BC_TRANSACTION);
	cmd_raw(&c, &tr, sizeof(tr));
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	ASSERT_EQ(0, binder_read_until(&self->r, BR_FAILED_REPLY, &br, 2000));
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-EINVAL, ee.param);
}

/* The next call starts over: BR_OK again after a failure. */
TEST_F(ee, next_call_clears)
{
	struct binder_extended_error ee;
	struct binder_br br;

	ASSERT_EQ(BR_FAILED_REPLY, binder_call(&self->r, 99, 1, NULL, 0, &br));
	ASSERT_EQ(BR_REPLY, binder_call(&self->r, 0, 1, "x", 1, &br));
	binder_free_buffer(self->fd, br.txn.data.ptr.buffer);
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_EQ(BR_OK, ee.command);
	EXPECT_EQ(0, ee.param);
}

TEST_F(ee, bad_pointer)
{
	EXPECT_EQ(-1, ioctl(self->fd, BINDER_GET_EXTENDED_ERROR, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_HARNESS_MAIN
