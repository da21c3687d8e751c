// SPDX-License-Identifier: GPL-2.0
/*
 * The context manager's euid rule, as upstream: the first process that
 * becomes a device's context manager fixes the euid every later manager
 * of that device must have, for as long as the driver is loaded.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define DEV "/dev/hwbinder"

/* In a child with euid @euid: 0 when it became the manager, else errno. */
static int try_manager_as(uid_t euid)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (!pid) {
		void *map;
		int fd, ret;

		if (euid && seteuid(euid))
			_exit(100);
		fd = binder_open_mapped_dev(DEV, 0, &map);
		if (fd < 0)
			_exit(101);
		ret = binder_become_context_manager(fd);
		if (ret)
			_exit(-ret);
		close(fd);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST(other_euid_refused)
{
	/* root managed this device first (now, or an earlier test) */
	ASSERT_EQ(0, try_manager_as(0));
	EXPECT_EQ(EPERM, try_manager_as(65534));
	/* and root still may */
	EXPECT_EQ(0, try_manager_as(0));
}

TEST_HARNESS_MAIN
