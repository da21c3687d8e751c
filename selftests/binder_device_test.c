// SPDX-License-Identifier: GPL-2.0
/*
 * The device and its ioctl surface: open/close, devices=, BINDER_VERSION,
 * BINDER_SET_MAX_THREADS, BINDER_THREAD_EXIT, unknown ioctls, and
 * BINDER_WRITE_READ with bad pointers, and the module parameters.
 * Conformance: passes on both lanes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

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

#define PARAMS "/sys/module/binder_linux/parameters/"

/* Every parameter of Debian's module, with its permissions. */
TEST(module_parameters)
{
	static const struct { const char *name; mode_t mode; } p[] = {
		{ "devices", 0444 },
		{ "debug_mask", 0644 },
		{ "alloc_debug_mask", 0644 },
	};
	char path[128];
	struct stat st;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		snprintf(path, sizeof(path), PARAMS "%s", p[i].name);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s: %s", path, strerror(errno));
		EXPECT_EQ(p[i].mode, st.st_mode & 07777) TH_LOG("%s", path);
	}
}

static int write_param(const char *name, unsigned int v)
{
	char path[128], val[16];
	int fd, n, ret = 0;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(val, sizeof(val), "%u\n", v);
	if (write(fd, val, n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * alloc_debug_mask's BUFFER_ALLOC bit (1 << 2) logs each buffer the
 * allocator hands out and takes back, with the area owner's pid first, in
 * upstream's words.
 */
TEST(alloc_debug_mask_logs_buffers)
{
	struct binder_server s = { .flags = BINDER_SERVER_CTX_MGR };
	static const char * const fmt[3] = {
		" %d: binder_alloc_buf size ",	/* the request, in the server */
		" %d: binder_alloc_buf size ",	/* the reply, in ours */
		" %d: binder_free_buf ",	/* the server frees the request */
	};
	char buf[32], needle[3][64];
	struct binder_reader r;
	struct binder_br br;
	unsigned long orig;
	int fd, kmsg[3], i;
	void *map;

	ASSERT_LT(0, binder_read_file(PARAMS "alloc_debug_mask", buf, sizeof(buf)));
	orig = strtoul(buf, NULL, 0);
	ASSERT_EQ(0, binder_server_start(&s));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	for (i = 0; i < 3; i++) {
		kmsg[i] = binder_kmsg_open();
		ASSERT_LE(0, kmsg[i]);
	}

	ASSERT_EQ(0, write_param("alloc_debug_mask", orig | 4));
	ASSERT_EQ(BR_REPLY, binder_call(&r, 0, 1, "x", 1, &br));
	ASSERT_EQ(0, write_param("alloc_debug_mask", orig));
	ASSERT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));
	ASSERT_LT(0, binder_read_file(PARAMS "alloc_debug_mask", buf, sizeof(buf)));
	EXPECT_EQ(orig, strtoul(buf, NULL, 0));

	snprintf(needle[0], sizeof(needle[0]), fmt[0], s.pid);
	snprintf(needle[1], sizeof(needle[1]), fmt[1], getpid());
	snprintf(needle[2], sizeof(needle[2]), fmt[2], s.pid);
	for (i = 0; i < 3; i++) {
		const char *want = needle[i];

		EXPECT_LE(1, binder_kmsg_count(kmsg[i], &want, 1))
			TH_LOG("no \"%s\" in the kernel log", want);
		close(kmsg[i]);
	}
	binder_server_stop(&s);
	close(fd);
}

TEST_HARNESS_MAIN
