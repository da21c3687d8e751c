// SPDX-License-Identifier: GPL-2.0
/*
 * The device and its ioctl surface: open/close, devices=, BINDER_VERSION,
 * BINDER_SET_MAX_THREADS, BINDER_THREAD_EXIT, unknown ioctls, and
 * BINDER_WRITE_READ with bad pointers.  Conformance: passes on both lanes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define BAD_PTR ((void *)8)

TEST(open_close_many)
{
	int fds[64];
	int i;

	for (i = 0; i < 1000; i++) {
		int fd = binder_open_dev(BINDER_DEV, 0);

		ASSERT_LE(0, fd) TH_LOG("open #%d: %s", i, strerror(errno));
		ASSERT_EQ(0, close(fd));
	}
	for (i = 0; i < 64; i++) {
		fds[i] = binder_open_dev(BINDER_DEV, 0);
		ASSERT_LE(0, fds[i]);
	}
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, close(fds[i]));
}

/*
 * devices= made three contexts; binder/proc/<pid> lists every proc of the
 * pid, each with its context.  All three stay open while reading: upstream
 * keeps a closed proc listed until its deferred teardown, and a proc opened
 * meanwhile by the same pid gets no debugfs file of its own.
 */
TEST(devices_are_contexts)
{
	static const char * const names[] = { "binder", "hwbinder", "vndbinder" };
	char path[64], buf[4096], want[64];
	int fds[3];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/dev/%s", names[i]);
		fds[i] = binder_open_dev(path, 0);
		ASSERT_LE(0, fds[i]) TH_LOG("%s: %s", path, strerror(errno));
	}
	snprintf(path, sizeof(path), BINDER_DEBUGFS "/proc/%d", getpid());
	ASSERT_LT(0, binder_read_file(path, buf, sizeof(buf)));
	for (i = 0; i < 3; i++) {
		snprintf(want, sizeof(want), "context %s\n", names[i]);
		EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
		EXPECT_EQ(0, close(fds[i]));
	}
}

TEST(version)
{
	struct binder_version v = { .protocol_version = -1 };
	int fd = binder_open_dev(BINDER_DEV, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, BINDER_VERSION, &v));
	EXPECT_EQ(BINDER_CURRENT_PROTOCOL_VERSION, v.protocol_version);
	EXPECT_EQ(8, v.protocol_version);
	close(fd);
}

TEST(version_bad_pointer)
{
	int fd = binder_open_dev(BINDER_DEV, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, BINDER_VERSION, BAD_PTR));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(unknown_ioctl)
{
	int fd = binder_open_dev(BINDER_DEV, 0);
	struct binder_version v;

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, _IO('b', 99), 0));
	EXPECT_EQ(EINVAL, errno);
	/* a known number with the wrong size is unknown, too */
	EXPECT_EQ(-1, ioctl(fd, _IOWR('b', 1, __u32), &v));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, _IOWR('x', 9, struct binder_version), &v));
	EXPECT_EQ(EINVAL, errno);
	/* and the fd still works */
	EXPECT_EQ(0, ioctl(fd, BINDER_VERSION, &v));
	close(fd);
}

TEST(set_max_threads)
{
	int fd = binder_open_dev(BINDER_DEV, 0);
	__u32 n;

	ASSERT_LE(0, fd);
	n = 0;
	EXPECT_EQ(0, ioctl(fd, BINDER_SET_MAX_THREADS, &n));
	n = 15;
	EXPECT_EQ(0, ioctl(fd, BINDER_SET_MAX_THREADS, &n));
	EXPECT_EQ(-1, ioctl(fd, BINDER_SET_MAX_THREADS, BAD_PTR));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(thread_exit)
{
	struct binder_version v;
	int fd = binder_open_dev(BINDER_DEV, 0);
	__s32 unused = 0;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, BINDER_VERSION, &v));
	EXPECT_EQ(0, ioctl(fd, BINDER_THREAD_EXIT, &unused));
	/* the next ioctl makes the thread anew */
	EXPECT_EQ(0, ioctl(fd, BINDER_VERSION, &v));
	close(fd);
}

TEST(write_read_bad_pointers)
{
	struct binder_write_read bwr;
	struct binder_version v;
	int fd = binder_open_dev(BINDER_DEV, 0);

	ASSERT_LE(0, fd);

	EXPECT_EQ(-1, ioctl(fd, BINDER_WRITE_READ, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, BINDER_WRITE_READ, BAD_PTR));
	EXPECT_EQ(EFAULT, errno);

	EXPECT_EQ(-1, binder_write_read(fd, BAD_PTR, 4, NULL, 0, &bwr));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, bwr.write_consumed);

	EXPECT_EQ(-1, binder_write_read(fd, NULL, 0, BAD_PTR, 64, &bwr));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, bwr.read_consumed);

	/* the fd is still usable */
	EXPECT_EQ(0, ioctl(fd, BINDER_VERSION, &v));
	EXPECT_EQ(BINDER_CURRENT_PROTOCOL_VERSION, v.protocol_version);
	EXPECT_EQ(0, binder_write_read(fd, NULL, 0, NULL, 0, &bwr));
	close(fd);
}

/*
 * A thread's first read returns at once with just BR_NOOP (a new thread
 * has "need return" set); the next one on an O_NONBLOCK fd with no work
 * fails with EAGAIN and consumes nothing.
 */
TEST(read_noop_then_eagain)
{
	struct binder_write_read bwr;
	__u32 rbuf[8];
	int fd = binder_open_dev(BINDER_DEV, O_NONBLOCK);

	ASSERT_LE(0, fd);
	memset(rbuf, 0xff, sizeof(rbuf));
	ASSERT_EQ(0, binder_write_read(fd, NULL, 0, rbuf, sizeof(rbuf), &bwr));
	EXPECT_EQ(sizeof(__u32), bwr.read_consumed);
	EXPECT_EQ(BR_NOOP, rbuf[0]);

	EXPECT_EQ(-1, binder_write_read(fd, NULL, 0, rbuf, sizeof(rbuf), &bwr));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, bwr.read_consumed);
	close(fd);
}

TEST(unknown_command)
{
	struct binder_write_read bwr;
	struct binder_version v;
	__u32 cmd = 0xdeadbeef;
	int fd = binder_open_dev(BINDER_DEV, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, binder_write_read(fd, &cmd, sizeof(cmd), NULL, 0, &bwr));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, bwr.write_consumed);
	EXPECT_EQ(0, ioctl(fd, BINDER_VERSION, &v));
	close(fd);
}

/* binder/proc/<pid> exists while the fd is open and goes with release. */
TEST(debugfs_proc_entry)
{
	char path[64], buf[4096], want[32];
	int fd;

	snprintf(path, sizeof(path), BINDER_DEBUGFS "/proc/%d", getpid());
	ASSERT_NE(0, access(path, F_OK));
	fd = binder_open_dev(BINDER_DEV, 0);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, binder_read_file(path, buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "binder proc state:\n", 19)) TH_LOG("%s", buf);
	snprintf(want, sizeof(want), "proc %d\n", getpid());
	EXPECT_NE(NULL, strstr(buf, want));
	close(fd);
	EXPECT_NE(0, access(path, F_OK));
}

TEST_HARNESS_MAIN
