// SPDX-License-Identifier: GPL-2.0
/*
 * The allocator and the two lifetimes (vma and proc), as our debugfs shows
 * them.  Extensions of our driver: every test here skips on the reference.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define SELFTEST_FILE BINDER_DEBUGFS "/alloc_selftest"

#define EXTENSION "extension of our driver"

static int write_fd_number(int fd)
{
	char num[16];
	int sfd, n, ret;

	sfd = open(SELFTEST_FILE, O_WRONLY | O_CLOEXEC);
	if (sfd < 0)
		return -errno;
	n = snprintf(num, sizeof(num), "%d", fd);
	ret = write(sfd, num, n) == n ? 0 : -errno;
	close(sfd);
	return ret;
}

/* binder/proc/<pid> of pid, into buf; false if there is none */
static bool proc_file(pid_t pid, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), BINDER_DEBUGFS "/proc/%d", pid);
	return binder_read_file(path, buf, size) > 0;
}

TEST(alloc_selftest)
{
	char buf[4096];
	void *map;
	int fd;

	if (!binder_is_ours())
		SKIP(return, EXTENSION);
	if (access(SELFTEST_FILE, F_OK))
		SKIP(return, "module built without BINDER_ALLOC_SELFTEST");
	fd = binder_open_mapped(&map);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, write_fd_number(fd)) TH_LOG("see the kernel log");
	ASSERT_TRUE(proc_file(getpid(), buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "  pages resident: 0\n")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "  free async space: 524288\n")) TH_LOG("%s", buf);
	close(fd);
}

TEST(alloc_selftest_bad_fds)
{
	int fd, null;

	if (!binder_is_ours())
		SKIP(return, EXTENSION);
	if (access(SELFTEST_FILE, F_OK))
		SKIP(return, "module built without BINDER_ALLOC_SELFTEST");
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, null);
	EXPECT_EQ(-EINVAL, write_fd_number(null));
	EXPECT_EQ(-EBADF, write_fd_number(1000));
	fd = binder_open_dev(BINDER_DEV, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ESRCH, write_fd_number(fd)) TH_LOG("unmapped fd");
	close(fd);
	close(null);
}

/* vma states as the owner maps and unmaps; the proc stays alive. */
TEST(vma_states)
{
	char buf[4096];
	void *map;
	int fd;

	if (!binder_is_ours())
		SKIP(return, EXTENSION);
	fd = binder_open_dev(BINDER_DEV, 0);
	ASSERT_LE(0, fd);
	ASSERT_TRUE(proc_file(getpid(), buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "lifecycle: proc alive since ")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, ", vma none\n")) TH_LOG("%s", buf);

	map = mmap(NULL, BINDER_MAP_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_TRUE(proc_file(getpid(), buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, ", vma mapped since ")) TH_LOG("%s", buf);

	ASSERT_EQ(0, munmap(map, BINDER_MAP_SIZE));
	ASSERT_TRUE(proc_file(getpid(), buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, ", vma unmapped by owner since ")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "lifecycle: proc alive since ")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "  file refs: 1\n")) TH_LOG("%s", buf);
	close(fd);
}

/*
 * Seed 000: the owner is killed while a forked child still holds its
 * binder fd.  Its proc is dead at once, visibly, though not yet released.
 */
TEST(killed_owner_is_dead_while_file_held)
{
	int ready[2], hold[2], release[2];
	pid_t owner, holder = 0;
	char buf[4096];
	int status, i;

	if (!binder_is_ours())
		SKIP(return, EXTENSION);
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(hold));
	ASSERT_EQ(0, pipe(release));

	owner = fork();
	ASSERT_LE(0, owner);
	if (owner == 0) {
		void *map;
		int fd = binder_open_dev(BINDER_DEV, 0);

		map = mmap(NULL, BINDER_MAP_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
		if (fd < 0 || map == MAP_FAILED)
			_exit(1);
		holder = fork();
		if (holder == 0) {
			char c;

			/* keeps the owner's binder file until told to go */
			close(release[1]);
			if (read(release[0], &c, 1) < 0)
				_exit(1);
			_exit(0);
		}
		if (write(hold[1], &holder, sizeof(holder)) != sizeof(holder) ||
		    write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(release[0]);
	ASSERT_EQ(sizeof(holder), read(hold[0], &holder, sizeof(holder)));
	ASSERT_EQ(1, read(ready[0], buf, 1));

	ASSERT_EQ(0, kill(owner, SIGKILL));
	ASSERT_EQ(owner, waitpid(owner, &status, 0));

	ASSERT_TRUE(proc_file(owner, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "lifecycle: proc dead since ")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, ", vma torn down at exit since ")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "  file refs: 1\n")) TH_LOG("%s", buf);

	/* the holder lets go: the proc is released and its file goes */
	close(release[1]);
	EXPECT_LT(0, holder);
	if (holder > 0) {
		char path[64];

		/* the holder was the owner's child: it is reparented to us or init */
		snprintf(path, sizeof(path), BINDER_DEBUGFS "/proc/%d", owner);
		for (i = 0; i < 100 && access(path, F_OK) == 0; i++)
			usleep(10000);
		EXPECT_NE(0, access(path, F_OK)) TH_LOG("proc %d lingers", owner);
	}
}

TEST_HARNESS_MAIN
