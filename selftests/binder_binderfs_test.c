// SPDX-License-Identifier: GPL-2.0
/*
 * binderfs (ours: Debian's kernels have no binderfs, so the reference
 * lane skips every test): a mount's files, BINDER_CTL_ADD and its errors,
 * max=, unlink, a binderfs device used exactly like /dev/binder (context
 * manager, calls, death notification), devices independent of each other
 * and of /dev/binder, binder_logs, an open fd outliving unlink and umount,
 * a mount in a user namespace, and binder_logs of a mount made in a pid
 * namespace naming procs by their pid there.
 *
 * Each test runs in a mount namespace of its own: a mount a failed test
 * leaves goes with it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <linux/android/binderfs.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS
#define COOKIE 0xbf5001ULL

#define NOT_OURS "binderfs is ours: the reference kernel has none"

/* A fresh binderfs in a new temporary directory; 0 or -errno. */
static int bfs_mount(char *dir, size_t size, const char *opts)
{
	snprintf(dir, size, "/tmp/binderfs_XXXXXX");
	if (!mkdtemp(dir))
		return -errno;
	if (mount("binder", dir, "binder", 0, opts)) {
		int err = -errno;

		rmdir(dir);
		dir[0] = '\0';
		return err;
	}
	return 0;
}

static void bfs_umount(char *dir)
{
	if (!dir[0])
		return;
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	dir[0] = '\0';
}

static void bfs_path(char *buf, size_t size, const char *dir, const char *name)
{
	/* a path cut short names nothing: the test using it fails */
	if (snprintf(buf, size, "%s/%s", dir, name) >= (int)size)
		buf[0] = '\0';
}

/* BINDER_CTL_ADD of *dev (its name set) on dir's binder-control: 0 or -errno */
static int bfs_add_dev(const char *dir, struct binderfs_device *dev)
{
	char path[512];
	int fd, ret;

	bfs_path(path, sizeof(path), dir, "binder-control");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = ioctl(fd, BINDER_CTL_ADD, dev) ? -errno : 0;
	close(fd);
	return ret;
}

static int bfs_add(const char *dir, const char *name)
{
	struct binderfs_device dev = { };

	snprintf(dev.name, sizeof(dev.name), "%s", name);
	return bfs_add_dev(dir, &dev);
}

/* Open dir/name and map it, as binder_open_mapped_dev() does */
static int bfs_open_mapped(const char *dir, const char *name, void **map)
{
	char path[512];

	bfs_path(path, sizeof(path), dir, name);
	return binder_open_mapped_dev(path, 0, map);
}

/* The names of devices= (what every mount makes), count of them */
static int devices_param(char names[][64], int max)
{
	char buf[512], *save, *tok;
	int n = 0;

	if (binder_read_file("/sys/module/binder_linux/parameters/devices",
			     buf, sizeof(buf)) < 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	for (tok = strtok_r(buf, ",", &save); tok && n < max;
	     tok = strtok_r(NULL, ",", &save))
		snprintf(names[n++], 64, "%s", tok);
	return n;
}

/* Names in dir (without . and ..), sorted, joined by ' ' */
static int list_dir(const char *dir, char *out, size_t size)
{
	struct dirent **ents;
	size_t len = 0;
	int i, n;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return -1;
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, ".."))
			len += snprintf(out + len, len < size ? size - len : 0,
					"%s%s", len ? " " : "", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return 0;
}

/* A mount namespace of this process's own, its mounts private; 0 or -1 */
static int private_mounts(void)
{
	if (unshare(CLONE_NEWNS))
		return -1;
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

/* A private mount namespace, and a binderfs in it */
FIXTURE(bfs)
{
	char dir[64];
};

FIXTURE_SETUP(bfs)
{
	self->dir[0] = '\0';
	if (!binder_is_ours())
		return;
	ASSERT_EQ(0, private_mounts());
	ASSERT_EQ(0, bfs_mount(self->dir, sizeof(self->dir), NULL));
}

FIXTURE_TEARDOWN(bfs)
{
	bfs_umount(self->dir);
}

/* Is word one of the ' '-separated names of list? */
static bool has_name(const char *list, const char *word)
{
	size_t len = strlen(word);
	const char *p;

	for (p = list; (p = strstr(p, word)); p += len)
		if ((p == list || p[-1] == ' ') && (!p[len] || p[len] == ' '))
			return true;
	return false;
}

static int count_names(const char *list)
{
	int n = *list ? 1 : 0;

	for (; *list; list++)
		n += *list == ' ';
	return n;
}

/* A fresh mount: binder-control, a node per devices= name, features/. */
TEST_F(bfs, layout)
{
	char names[8][64], got[1024], path[512];
	struct stat st;
	int i, n;

	if (!binder_is_ours())
		SKIP(return, NOT_OURS);
	n = devices_param(names, 8);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, list_dir(self->dir, got, sizeof(got)));
	/* nothing else: no binder_logs without stats=global */
	EXPECT_EQ(n + 2, count_names(got)) TH_LOG("%s", got);
	EXPECT_TRUE(has_name(got, "binder-control")) TH_LOG("%s", got);
	EXPECT_TRUE(has_name(got, "features")) TH_LOG("%s", got);
	for (i = 0; i < n; i++) {
		EXPECT_TRUE(has_name(got, names[i])) TH_LOG("%s", got);
		bfs_path(path, sizeof(path), self->dir, names[i]);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_TRUE(S_ISCHR(st.st_mode));
		EXPECT_EQ(0600, st.st_mode & 07777);
	}
	bfs_path(path, sizeof(path), self->dir, "binder-control");
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	bfs_path(path, sizeof(path), self->dir, "features");
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
}

/*
 * features/: what the UAPI built against has, each "1\n": the module is
 * built against the running kernel's, and 6.12's has freeze notifications
 */
TEST_F(bfs, features)
{
	static const char * const want[] = {
		"extended_error",
		"freeze_notification",
		"oneway_spam_detection",
	};
	char path[512], got[512], buf[16], expect[512] = "";
	bool freeze = binder_kernel_at_least(6, 12);
	size_t i;

	if (!binder_is_ours())
		SKIP(return, NOT_OURS);
	bfs_path(path, sizeof(path), self->dir, "features");
	ASSERT_EQ(0, list_dir(path, got, sizeof(got)));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		char file[600];

		if (!freeze && !strcmp(want[i], "freeze_notification"))
			continue;
		snprintf(expect + strlen(expect), sizeof(expect) - strlen(expect),
			 "%s%s", expect[0] ? " " : "", want[i]);
		snprintf(file, sizeof(file), "%s/%s", path, want[i]);
		ASSERT_EQ(2, binder_read_file(file, buf, sizeof(buf))) TH_LOG("%s", file);
		EXPECT_STREQ("1\n", buf);
	}
	EXPECT_STREQ(expect, got);
}

/* BINDER_CTL_ADD: major/minor out, a char node of them, errors */
TEST_F(bfs, ctl_add)
{
	struct binderfs_device a = { .name = "bfs-a" }, b = { .name = "bfs-b" };
	struct binderfs_device dup = { .name = "bfs-a" }, longn = { };
	char path[512];
	struct stat st, ctl;
	int fd;

	if (!binder_is_ours())
		SKIP(return, NOT_OURS);
	ASSERT_EQ(0, bfs_add_dev(self->dir, &a));
	ASSERT_EQ(0, bfs_add_dev(self->dir, &b));
	bfs_path(path, sizeof(path), self->dir, "binder-control");
	ASSERT_EQ(0, stat(path, &ctl));
	EXPECT_EQ(major(ctl.st_rdev), a.major);
	EXPECT_EQ(a.major, b.major);
	EXPECT_NE(a.minor, b.minor);
	EXPECT_NE(minor(ctl.st_rdev), a.minor);
	bfs_path(path, sizeof(path), self->dir, "bfs-a");
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(makedev(a.major, a.minor), st.st_rdev);

	EXPECT_EQ(-EEXIST, bfs_add_dev(self->dir, &dup));
	/* upstream's name rules: lookup_one_len()'s */
	EXPECT_EQ(-EACCES, bfs_add(self->dir, ""));
	EXPECT_EQ(-EACCES, bfs_add(self->dir, "."));
	EXPECT_EQ(-EACCES, bfs_add(self->dir, ".."));
	EXPECT_EQ(-EACCES, bfs_add(self->dir, "a/b"));
	/* a name filling the whole field is cut at BINDERFS_MAX_NAME */
	memset(longn.name, 'x', sizeof(longn.name));
	ASSERT_EQ(0, bfs_add_dev(self->dir, &longn));
	longn.name[BINDERFS_MAX_NAME] = '\0';
	bfs_path(path, sizeof(path), self->dir, longn.name);
	EXPECT_EQ(0, access(path, F_OK));

	bfs_path(path, sizeof(path), self->dir, "binder-control");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, BINDER_CTL_ADD, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, _IO('b', 99), 0));
	EXPECT_EQ(EINVAL, errno);
	/* binder-control is no binder device */
	EXPECT_EQ(-1, ioctl(fd, BINDER_VERSION, &st));
	close(fd);
}

/* max=: the devices= ones count; -ENOSPC past it; unlink frees a place */
TEST(max_option)
{
	char dir[64], names[8][64], path[512], opts[32];
	int n;

	if (!binder_is_ours())
		SKIP(return, NOT_OURS);
	ASSERT_EQ(0, private_mounts());
	n = devices_param(names, 8);
	ASSERT_LT(0, n);
	EXPECT_EQ(-EINVAL, bfs_mount(dir, sizeof(dir), "max=1048577"));
	/* fewer than devices= makes the mount fail */
	snprintf(opts, sizeof(opts), "max=%d", n - 1);
	EXPECT_EQ(-ENOSPC, bfs_mount(dir, sizeof(dir), opts));
	snprintf(opts, sizeof(opts), "max=%d", n + 2);
	ASSERT_EQ(0, bfs_mount(dir, sizeof(dir), opts));
	EXPECT_EQ(0, bfs_add(dir, "one"));
	EXPECT_EQ(0, bfs_add(dir, "two"));
	EXPECT_EQ(-ENOSPC, bfs_add(dir, "three"));
	bfs_path(path, sizeof(path), dir, "one");
	ASSERT_EQ(0, unlink(path));
	EXPECT_EQ(0, bfs_add(dir, "three"));
	EXPECT_EQ(-ENOSPC, bfs_add(dir, "four"));
	/* a remount may raise it */
	snprintf(opts, sizeof(opts), "max=%d", n + 3);
	ASSERT_EQ(0, mount(NULL, dir, NULL, MS_REMOUNT, opts));
	EXPECT_EQ(0, bfs_add(dir, "four"));
	bfs_umount(dir);
}

/* Every mount is its own instance */
TEST_F(bfs, own_instance)
{
	char other[64], path[512];
	struct stat a, b;

	if (!binder_is_ours())
		SKIP(return, NOT_OURS);
	ASSERT_EQ(0, bfs_mount(other, sizeof(other), NULL));
	ASSERT_EQ(0, stat(self->dir, &a));
	ASSERT_EQ(0, stat(other, &b));
	EXPECT_NE(a.st_dev, b.st_dev);
	ASSERT_EQ(0, bfs_add(self->dir, "only-here"));
	bfs_path(path, sizeof(path), other, "only-here");
	EXPECT_EQ(-1, access(path, F_OK));
	/* the same name in both is fine: two devices */
	EXPECT_EQ(0, bfs_add(other, "only-here"));
	bfs_umount(other);
}

/* unlink removes a device; binder-control stays (-EPERM, as upstream) */
TEST_F(bfs, unlink)
{
	char path[512], path2[512];

	if (!binder_is_ours())
		SKIP(return, NOT_OURS);
	ASSERT_EQ(0, bfs_add(self->dir, "gone"));
	bfs_path(path, sizeof(path), self->dir, "gone");
	ASSERT_EQ(0, unlink(path));
	EXPECT_EQ(-1, open(path, O_RDWR | O_CLOEXEC));
	EXPECT_EQ(ENOENT, errno);
	/* the name may be used again */
	EXPECT_EQ(0, bfs_add(self->dir, "gone"));
	bfs_path(path, sizeof(path), self->dir, "binder-control");
	EXPECT_EQ(-1, unlink(path));
	EXPECT_EQ(EPERM, errno);
	bfs_path(path2, sizeof(path2), self->dir, "ctl2");
	EXPECT_EQ(-1, rename(path, path2));
	EXPECT_EQ(EPERM, errno);
	bfs_path(path2, sizeof(path2), self->dir, "gone");
	EXPECT_EQ(-1, rename(path2, path));
	EXPECT_EQ(EPERM, errno);
	/* a device renamed in the root is still a device */
	bfs_path(path, sizeof(path), self->dir, "renamed");
	ASSERT_EQ(0, rename(path2, path));
	EXPECT_EQ(0, access(path, F_OK));
	/* nothing is made in features/ */
	bfs_path(path, sizeof(path), self->dir, "features/extended_error");
	EXPECT_EQ(-1, unlink(path));
	bfs_path(path, sizeof(path), self->dir, "features/new");
	EXPECT_EQ(-1, mknod(path, S_IFCHR | 0600, makedev(1, 3)));
}

/*
 * A new device name in dir (its path in path), a context manager server
 * s on it, and this process's fd on it, mapped, read by r; the fd or -1.
 */
static int mgr_and_client(const char *dir, const char *name, char *path,
			  size_t size, struct binder_server *s, void **map,
			  struct binder_reader *r)
{
	int fd;

	if (bfs_add(dir, name))
		return -1;
	bfs_path(path, size, dir, name);
	s->flags = BINDER_SERVER_CTX_MGR;
	s->dev = path;
	if (binder_server_start(s))
		return -1;
	fd = binder_open_mapped_dev(path, 0, map);
	if (fd >= 0)
		binder_reader_init(r, fd);
	return fd;
}

/*
 * A binderfs device used exactly like /dev/binder: a context manager in
 * one process, a call and a death notification from another.
 */
TEST_F(bfs, like_dev_binder)
{
	struct binder_server s = { };
	struct binder_echo *e;
	struct binder_reader r;
	struct binder_cmds c = { .len = 0 };
	struct binder_br br;
	char path[512];
	void *map;
	int fd;

	if (!binder_is_ours())
		SKIP(return, NOT_OURS);
	fd = mgr_and_client(self->dir, "mydev", path, sizeof(path), &s, &map, &r);
	ASSERT_LE(0, fd);

	ASSERT_EQ(BR_REPLY, binder_call(&r, 0, 0x42, "hi", 2, &br));
	e = (struct binder_echo *)br_data(&br);
	EXPECT_EQ(0x42, e->code);
	EXPECT_EQ(getpid(), e->sender_pid);
	EXPECT_EQ(2, e->data_size);
	EXPECT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));

	cmd_u32(&c, BC_ENTER_LOOPER);
	cmd_handle(&c, BC_ACQUIRE, 0);
	cmd_death(&c, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE);
	ASSERT_EQ(0, binder_write_cmds(fd, &c, NULL));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&r, &br, 200));
	binder_server_stop(&s);
	ASSERT_EQ(0, binder_read_until(&r, BR_DEAD_BINDER, &br, 1000));
	EXPECT_EQ(COOKIE, br.cookie);
	cmds_reset(&c);
	cmd_ptr(&c, BC_DEAD_BINDER_DONE, COOKIE);
	EXPECT_EQ(0, binder_write_cmds(fd, &c, NULL));
	/* the manager is gone: calls fail as on /dev/binder */
	EXPECT_EQ(BR_DEAD_REPLY, binder_call(&r, 0, 0x43, NULL, 0, &br));
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
}

/*
 * Each device is its own context: managers of two binderfs devices and of
 * /dev/binder at once, and each call reaches its own device's manager.
 */
TEST_F(bfs, independent)
{
	struct binder_server a = { .flags = BINDER_SERVER_CTX_MGR };
	struct binder_server b = { .flags = BINDER_SERVER_CTX_MGR };
	struct binder_server g = { .flags = BINDER_SERVER_CTX_MGR };
	char pa[512], pb[512];
	struct binder_reader ra, rg;
	struct binder_br br;
	void *ma, *mg;
	uint64_t arg;
	int fa, fg;

	if (!binder_is_ours())
		SKIP(return, NOT_OURS);
	ASSERT_EQ(0, bfs_add(self->dir, "ctx-a"));
	ASSERT_EQ(0, bfs_add(self->dir, "ctx-b"));
	bfs_path(pa, sizeof(pa), self->dir, "ctx-a");
	bfs_path(pb, sizeof(pb), self->dir, "ctx-b");
	a.dev = pa;
	b.dev = pb;
	g.dev = BINDER_DEV;
	ASSERT_EQ(0, binder_server_start(&a));
	/* not -EBUSY: another device's manager does not count */
	ASSERT_EQ(0, binder_server_start(&b));
	ASSERT_EQ(0, binder_server_start(&g));

	fa = binder_open_mapped_dev(pa, 0, &ma);
	ASSERT_LE(0, fa);
	fg = binder_open_mapped_dev(BINDER_DEV, 0, &mg);
	ASSERT_LE(0, fg);
	binder_reader_init(&ra, fa);
	binder_reader_init(&rg, fg);
	ASSERT_EQ(BR_REPLY, binder_call(&ra, 0, 0x111, NULL, 0, &br));
	binder_free_buffer(fa, br.txn.data.ptr.buffer);
	ASSERT_EQ(BR_REPLY, binder_call(&rg, 0, 0x222, NULL, 0, &br));
	binder_free_buffer(fg, br.txn.data.ptr.buffer);

	EXPECT_EQ(0, binder_server_wait(&a, BR_TRANSACTION, &arg, T));
	EXPECT_EQ(0x111, arg);
	EXPECT_EQ(0, binder_server_wait(&g, BR_TRANSACTION, &arg, T));
	EXPECT_EQ(0x222, arg);
	/* nobody else saw a call */
	EXPECT_EQ(-ETIMEDOUT, binder_server_wait(&a, BR_TRANSACTION, &arg, 200));
	EXPECT_EQ(-ETIMEDOUT, binder_server_wait(&b, BR_TRANSACTION, &arg, 200));
	EXPECT_EQ(-ETIMEDOUT, binder_server_wait(&g, BR_TRANSACTION, &arg, 200));

	close(fa);
	close(fg);
	binder_server_stop(&a);
	binder_server_stop(&b);
	binder_server_stop(&g);
}

/*
 * An fd opened before unlink and umount keeps working: its device's
 * context (manager included) lives on until the last proc is gone.
 */
TEST_F(bfs, fd_outlives_unlink_and_umount)
{
	struct binder_server s = { };
	struct binder_version v = { };
	struct binder_reader r;
	struct binder_br br;
	char path[512], line[64], buf[4096];
	void *map;
	int fd;

	if (!binder_is_ours())
		SKIP(return, NOT_OURS);
	fd = mgr_and_client(self->dir, "short-lived", path, sizeof(path), &s,
			    &map, &r);
	ASSERT_LE(0, fd);

	ASSERT_EQ(0, unlink(path));
	bfs_umount(self->dir);
	EXPECT_EQ(0, ioctl(fd, BINDER_VERSION, &v));
	EXPECT_EQ(BINDER_CURRENT_PROTOCOL_VERSION, v.protocol_version);
	ASSERT_EQ(BR_REPLY, binder_call(&r, 0, 7, "x", 1, &br));
	EXPECT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));
	/* the proc still names its device's context */
	ASSERT_LT(0, binder_read_proc(getpid(), buf, sizeof(buf)));
	snprintf(line, sizeof(line), "context short-lived\n");
	EXPECT_NE(NULL, strstr(buf, line)) TH_LOG("%s", buf);

	binder_server_stop(&s);
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

/* binder_logs/ only with stats=global: the debugfs files and proc/<pid> */
#define BINDER_LOGS_FILES \
	"failed_transaction_log objects proc state state_hashed stats transaction_log transactions transactions_hashed"

TEST(binder_logs)
{
	char dir[64], path[512], buf[8192], want[160], names[8][64];
	struct binder_version v;
	void *map;
	int fd;

	if (!binder_is_ours())
		SKIP(return, NOT_OURS);
	ASSERT_EQ(0, private_mounts());
	ASSERT_LT(0, devices_param(names, 8));
	ASSERT_EQ(0, bfs_mount(dir, sizeof(dir), "stats=global"));
	bfs_path(path, sizeof(path), dir, "binder_logs");
	ASSERT_EQ(0, list_dir(path, buf, sizeof(buf)));
	EXPECT_STREQ(BINDER_LOGS_FILES, buf);
	bfs_path(path, sizeof(path), dir, "binder_logs/proc");
	ASSERT_EQ(0, list_dir(path, buf, sizeof(buf)));
	EXPECT_STREQ("", buf);

	fd = bfs_open_mapped(dir, names[0], &map);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, BINDER_VERSION, &v));
	snprintf(path, sizeof(path), "%s/binder_logs/proc/%d", dir, getpid());
	ASSERT_LT(0, binder_read_file(path, buf, sizeof(buf)));
	snprintf(want, sizeof(want), "proc %d\ncontext %s\n", getpid(), names[0]);
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	snprintf(want, sizeof(want), "  thread %d: ", getpid());
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "  lifecycle: proc alive")) TH_LOG("%s", buf);

	bfs_path(path, sizeof(path), dir, "binder_logs/state");
	ASSERT_LT(0, binder_read_file(path, buf, sizeof(buf)));
	snprintf(want, sizeof(want), "\nproc %d\n", getpid());
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	bfs_path(path, sizeof(path), dir, "binder_logs/stats");
	ASSERT_LT(0, binder_read_file(path, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "proc: active ")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	bfs_path(path, sizeof(path), dir, "binder_logs/objects");
	ASSERT_LT(0, binder_read_file(path, buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "proc ", 5)) TH_LOG("%s", buf);
	bfs_path(path, sizeof(path), dir, "binder_logs/transactions");
	ASSERT_LT(0, binder_read_file(path, buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "binder transactions:\n", 21));

	/* the file goes with the proc */
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	snprintf(path, sizeof(path), "%s/binder_logs/proc/%d", dir, getpid());
	EXPECT_EQ(-1, access(path, F_OK));
	bfs_umount(dir);
}

/* stats=global from a user namespace: -EPERM, as upstream */
static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/* In the child: uid/gid 1000 outside, root of a new user namespace inside */
static int enter_userns(void)
{
	if (setgid(1000) || setuid(1000))
		return 1;
	prctl(PR_SET_DUMPABLE, 1);
	if (unshare(CLONE_NEWUSER))
		return 2;
	if (write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/uid_map", "0 1000 1") ||
	    write_file("/proc/self/gid_map", "0 1000 1"))
		return 3;
	if (private_mounts())
		return 4;
	return 0;
}

static int userns_child(void)
{
	struct binderfs_device dev = { .name = "in-userns" };
	struct binder_version v = { };
	char dir[64], path[512];
	struct stat st;
	void *map;
	int ret, fd;

	ret = enter_userns();
	if (ret)
		return ret;
	if (bfs_mount(dir, sizeof(dir), "stats=global") != -EPERM)
		return 10;
	if (bfs_mount(dir, sizeof(dir), NULL))
		return 11;
	if (bfs_add_dev(dir, &dev))
		return 12;
	bfs_path(path, sizeof(path), dir, "in-userns");
	/* owned by the namespace's root, not the host's (65534 inside) */
	if (stat(path, &st) || st.st_uid != 0 || st.st_gid != 0 ||
	    !S_ISCHR(st.st_mode))
		return 13;
	/* the mount is not nodev: the node opens */
	fd = binder_open_mapped_dev(path, 0, &map);
	if (fd < 0)
		return 14;
	if (ioctl(fd, BINDER_VERSION, &v) ||
	    v.protocol_version != BINDER_CURRENT_PROTOCOL_VERSION)
		return 15;
	if (binder_become_context_manager(fd))
		return 16;
	close(fd);
	bfs_umount(dir);
	return 0;
}

TEST(userns_mount)
{
	int status;
	pid_t pid;

	if (!binder_is_ours())
		SKIP(return, NOT_OURS);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(userns_child());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/*
 * A mount made by pid 1 of a new pid namespace: binder_logs names its
 * procs by their pid there, and leaves out procs it cannot see (this
 * test's own, opened through the same mount); debugfs keeps global pids.
 */
static void pidns_init(const char *dir, const char *dev, int ready, int go)
{
	char c;
	void *map;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getpid() != 1)
		_exit(20);
	if (mount("binder", dir, "binder", 0, "stats=global"))
		_exit(21);
	fd = bfs_open_mapped(dir, dev, &map);
	if (fd < 0)
		_exit(22);
	if (binder_send_u32(fd, BC_ENTER_LOOPER))
		_exit(23);
	if (write(ready, "r", 1) != 1)
		_exit(24);
	if (read(go, &c, 1) != 1)
		_exit(25);
	close(fd);
	_exit(0);
}

/* Every "proc N" line of a log file; how many, and whether any is not n */
static int proc_lines(const char *buf, pid_t n, int *others)
{
	const char *p = buf;
	int count = 0;

	*others = 0;
	while ((p = strstr(p, "proc "))) {
		if (p == buf || p[-1] == '\n') {
			count++;
			if (atoi(p + 5) != n)
				(*others)++;
		}
		p += 5;
	}
	return count;
}

TEST(pidns_logs)
{
	char dir[64] = "/tmp/binderfs_XXXXXX", names[8][64], path[512];
	char buf[16384], want[160];
	int ready[2], go[2], status, others;
	pid_t mid, init_pid;
	void *map;
	int fd;

	if (!binder_is_ours())
		SKIP(return, NOT_OURS);
	ASSERT_EQ(0, private_mounts());
	ASSERT_LT(0, devices_param(names, 8));
	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));

	/* mid unshares the pid namespace; its child is pid 1 there */
	mid = fork();
	ASSERT_LE(0, mid);
	if (mid == 0) {
		pid_t child;

		if (unshare(CLONE_NEWPID))
			_exit(30);
		child = fork();
		if (child < 0)
			_exit(31);
		if (child == 0)
			pidns_init(dir, names[0], ready[1], go[0]);
		/* tell the test the global pid of the namespace's init */
		if (write(ready[1], &child, sizeof(child)) != sizeof(child))
			_exit(32);
		if (waitpid(child, &status, 0) != child)
			_exit(33);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 34);
	}
	ASSERT_EQ(sizeof(init_pid), read(ready[0], &init_pid, sizeof(init_pid)));
	ASSERT_EQ(1, read(ready[0], buf, 1)) TH_LOG("pid 1 did not get ready");

	/* this process, invisible there, opens a device of the same mount */
	fd = bfs_open_mapped(dir, names[0], &map);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, binder_send_u32(fd, BC_ENTER_LOOPER));

	ASSERT_EQ(0, list_dir(strcat(strcpy(path, dir), "/binder_logs/proc"),
			      buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);
	snprintf(path, sizeof(path), "%s/binder_logs/proc/1", dir);
	ASSERT_LT(0, binder_read_file(path, buf, sizeof(buf)));
	snprintf(want, sizeof(want), "proc 1\ncontext %s\n  thread 1: ", names[0]);
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	EXPECT_EQ(1, proc_lines(buf, 1, &others));
	EXPECT_EQ(0, others);

	snprintf(path, sizeof(path), "%s/binder_logs/state", dir);
	ASSERT_LT(0, binder_read_file(path, buf, sizeof(buf)));
	EXPECT_EQ(1, proc_lines(buf, 1, &others)) TH_LOG("%s", buf);
	EXPECT_EQ(0, others) TH_LOG("%s", buf);
	snprintf(path, sizeof(path), "%s/binder_logs/stats", dir);
	ASSERT_LT(0, binder_read_file(path, buf, sizeof(buf)));
	EXPECT_EQ(1, proc_lines(buf, 1, &others)) TH_LOG("%s", buf);
	EXPECT_EQ(0, others) TH_LOG("%s", buf);

	/* debugfs: global pids, both procs */
	ASSERT_LT(0, binder_read_proc(init_pid, buf, sizeof(buf)));
	snprintf(want, sizeof(want), "proc %d\ncontext %s\n  thread %d: ",
		 init_pid, names[0], init_pid);
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	EXPECT_LT(0, binder_read_proc(getpid(), buf, sizeof(buf)));

	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(mid, waitpid(mid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* its file went with its proc */
	snprintf(path, sizeof(path), "%s/binder_logs/proc/1", dir);
	EXPECT_EQ(-1, access(path, F_OK));
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}

TEST_HARNESS_MAIN
