// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "binder_lib.h"

int binder_open_dev(const char *dev, int extra_flags)
{
	return open(dev, O_RDWR | O_CLOEXEC | extra_flags);
}

int binder_open_mapped(void **map)
{
	int fd = binder_open_dev(BINDER_DEV, 0);

	if (fd < 0)
		return -1;
	*map = mmap(NULL, BINDER_MAP_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	if (*map == MAP_FAILED) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int binder_write_read(int fd, const void *wbuf, size_t wsize,
		      void *rbuf, size_t rsize, struct binder_write_read *bwr)
{
	memset(bwr, 0, sizeof(*bwr));
	bwr->write_buffer = (binder_uintptr_t)(uintptr_t)wbuf;
	bwr->write_size = wsize;
	bwr->read_buffer = (binder_uintptr_t)(uintptr_t)rbuf;
	bwr->read_size = rsize;
	return ioctl(fd, BINDER_WRITE_READ, bwr);
}

bool binder_is_ours(void)
{
	return access(BINDER_DEBUGFS "/objects", R_OK) == 0;
}

ssize_t binder_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len + 1 < size &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

bool binder_addr_mapped(const void *addr)
{
	char line[512];
	bool found = false;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strtoul(line, NULL, 16) == (unsigned long)(uintptr_t)addr;
	fclose(f);
	return found;
}
