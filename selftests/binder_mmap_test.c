// SPDX-License-Identifier: GPL-2.0
/*
 * The rules of mmap() on a binder fd: read-only, once, by the opener only,
 * not inherited across fork, never made writable later, large requests
 * accepted (and clamped by the driver).  Conformance: passes on both lanes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

FIXTURE(fd)
{
	int fd;
};

FIXTURE_SETUP(fd)
{
	self->fd = binder_open_dev(BINDER_DEV, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(fd)
{
	close(self->fd);
}

static void *map(int fd, size_t size, int prot, int flags)
{
	return mmap(NULL, size, prot, flags, fd, 0);
}

TEST_F(fd, read_only_private)
{
	void *p = map(self->fd, BINDER_MAP_SIZE, PROT_READ, MAP_PRIVATE);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(binder_addr_mapped(p));
	EXPECT_EQ(0, munmap(p, BINDER_MAP_SIZE));
}

TEST_F(fd, writable_refused)
{
	EXPECT_EQ(MAP_FAILED, map(self->fd, BINDER_MAP_SIZE,
				  PROT_READ | PROT_WRITE, MAP_SHARED));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(MAP_FAILED, map(self->fd, BINDER_MAP_SIZE,
				  PROT_READ | PROT_WRITE, MAP_PRIVATE));
	EXPECT_EQ(EPERM, errno);
	/* a refused attempt does not use up the one mapping */
	EXPECT_NE(MAP_FAILED, map(self->fd, BINDER_MAP_SIZE, PROT_READ,
				  MAP_PRIVATE));
}

TEST_F(fd, never_made_writable)
{
	void *p = map(self->fd, BINDER_MAP_SIZE, PROT_READ, MAP_PRIVATE);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, BINDER_MAP_SIZE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
}

TEST_F(fd, second_mapping_busy)
{
	void *p = map(self->fd, BINDER_MAP_SIZE, PROT_READ, MAP_PRIVATE);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(MAP_FAILED, map(self->fd, BINDER_MAP_SIZE, PROT_READ,
				  MAP_PRIVATE));
	EXPECT_EQ(EBUSY, errno);
}

/* A proc maps once in its life: not even after munmap. */
TEST_F(fd, no_mapping_after_munmap)
{
	void *p = map(self->fd, BINDER_MAP_SIZE, PROT_READ, MAP_PRIVATE);

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p, BINDER_MAP_SIZE));
	EXPECT_EQ(MAP_FAILED, map(self->fd, BINDER_MAP_SIZE, PROT_READ,
				  MAP_PRIVATE));
	EXPECT_EQ(EBUSY, errno);
}

/* More than 4 MiB is accepted; the driver uses only the first 4 MiB. */
TEST_F(fd, large_mapping_accepted)
{
	size_t size = 8 * 1024 * 1024;
	void *p = map(self->fd, size, PROT_READ, MAP_PRIVATE);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(binder_addr_mapped(p));
}

TEST_F(fd, not_inherited_by_fork)
{
	void *p = map(self->fd, BINDER_MAP_SIZE, PROT_READ, MAP_PRIVATE);
	int status;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, p);
	ASSERT_TRUE(binder_addr_mapped(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(binder_addr_mapped(p) ? 1 : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("child inherited the mapping");
	EXPECT_TRUE(binder_addr_mapped(p));
}

/* Only the process that opened the fd may map it. */
TEST_F(fd, only_opener_maps)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		void *p = map(self->fd, BINDER_MAP_SIZE, PROT_READ, MAP_PRIVATE);

		_exit(p == MAP_FAILED && errno == EINVAL ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("child could map the parent's fd");
	/* and the opener still can */
	EXPECT_NE(MAP_FAILED, map(self->fd, BINDER_MAP_SIZE, PROT_READ,
				  MAP_PRIVATE));
}

TEST_HARNESS_MAIN
