/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers for the binder selftests, so tests read as scenarios.
 * Built against the UAPI header of the kernel under test.
 */
#ifndef _BINDER_LIB_H
#define _BINDER_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/android/binder.h>

#define BINDER_DEV		"/dev/binder"
#define BINDER_DEBUGFS		"/sys/kernel/debug/binder"
#define BINDER_MAP_SIZE		(1024 * 1024)

/* Open a binder device (O_RDWR | O_CLOEXEC | extra); -1 with errno set. */
int binder_open_dev(const char *dev, int extra_flags);

/* Open BINDER_DEV and map BINDER_MAP_SIZE read-only; -1 on failure. */
int binder_open_mapped(void **map);

/* BINDER_WRITE_READ; returns ioctl()'s result, errno set on failure. */
int binder_write_read(int fd, const void *wbuf, size_t wsize,
		      void *rbuf, size_t rsize, struct binder_write_read *bwr);

/* Is the driver under test ours?  Extension tests skip on the reference. */
bool binder_is_ours(void);

/* Read a whole (small) file into buf, NUL-terminated; bytes read or -1. */
ssize_t binder_read_file(const char *path, char *buf, size_t size);

/* Does /proc/self/maps hold a mapping starting at addr? */
bool binder_addr_mapped(const void *addr);

#endif /* _BINDER_LIB_H */
