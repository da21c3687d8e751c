// SPDX-License-Identifier: GPL-2.0
/*
 * What is kept and reported of transactions after the fact.
 *
 * Conformance (both lanes): debugfs transaction_log and
 * failed_transaction_log, upstream's rings of the last 32, in upstream's
 * line format; a call that went through is in the first only, one that
 * failed in both, with its BR_* and errno.
 *
 * Extension of our driver (skipped on the reference): each line also says
 * how long the driver took and why a call failed; failed transactions are
 * reported over generic netlink (family "binder", group "report", as
 * upstream 6.18, which neither Debian kernel has): one report per failure
 * class here (no such handle, no target, frozen target, a failed reply).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define EXTENSION "extension of our driver"
#define T BINDER_TIMEOUT_MS

/* A line of a transaction log, as upstream prints it */
struct log_line {
	int id;
	char type[8];
	int from_pid, from_tid, to_pid, to_tid;
	char context[64];
	int node, handle, data_size, offsets_size;
	int ret, param;
	char rest[256];		/* what follows l=N: ours adds t= and why= */
};

static int parse_line(const char *line, struct log_line *l)
{
	const char *node = strstr(line, " node ");
	int line_no, n = 0;

	memset(l, 0, sizeof(*l));
	if (!node ||
	    sscanf(line, "%d: %7s from %d:%d to %d:%d context %63s",
		   &l->id, l->type, &l->from_pid, &l->from_tid, &l->to_pid,
		   &l->to_tid, l->context) != 7 ||
	    sscanf(node, " node %d handle %d size %d:%d ret %d/%d l=%d%n",
		   &l->node, &l->handle, &l->data_size, &l->offsets_size,
		   &l->ret, &l->param, &line_no, &n) != 7)
		return -1;
	snprintf(l->rest, sizeof(l->rest), "%s", node + n);
	return 0;
}

/*
 * The last line of debugfs binder/<file> sent by tid with this code-free
 * signature (type, handle, data size): 0 and *l, or -1.
 */
static int find_entry(const char *file, const char *type, pid_t tid,
		      int handle, int data_size, struct log_line *l)
{
	static char buf[65536];
	char path[128], *line, *save = NULL;
	struct log_line cur;
	int found = -1;

	snprintf(path, sizeof(path), BINDER_DEBUGFS "/%s", file);
	if (binder_read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (parse_line(line, &cur))
			continue;
		if (!strcmp(cur.type, type) && cur.from_tid == tid &&
		    cur.handle == handle && cur.data_size == data_size) {
			*l = cur;
			found = 0;
		}
	}
	return found;
}

static pid_t gettid_(void)
{
	return syscall(SYS_gettid);
}

TEST(transaction_logs)
{
	struct binder_server s = { .flags = BINDER_SERVER_CTX_MGR };
	struct log_line ok, bad, none;
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd;

	ASSERT_EQ(0, binder_server_start(&s));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);

	ASSERT_EQ(BR_REPLY, binder_call(&r, 0, 0x51, "abc", 3, &br));
	ASSERT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));
	/* no such handle */
	ASSERT_EQ(BR_FAILED_REPLY, binder_call(&r, 4242, 0x52, "abcde", 5, &br));

	ASSERT_EQ(0, find_entry("transaction_log", "call", gettid_(), 0, 3, &ok));
	EXPECT_EQ(getpid(), ok.from_pid);
	EXPECT_EQ(s.pid, ok.to_pid);
	EXPECT_STREQ("binder", ok.context);
	EXPECT_LT(0, ok.node);
	EXPECT_EQ(0, ok.offsets_size);
	EXPECT_EQ(0, ok.ret);
	EXPECT_EQ(0, ok.param);
	/* the server's reply to it */
	EXPECT_EQ(0, find_entry("transaction_log", "reply", s.pid, 0,
				sizeof(struct binder_echo) + 3, &none));
	/* a call that went through is not a failure */
	EXPECT_NE(0, find_entry("failed_transaction_log", "call", gettid_(),
				0, 3, &none));

	ASSERT_EQ(0, find_entry("failed_transaction_log", "call", gettid_(),
				4242, 5, &bad));
	EXPECT_EQ(BR_FAILED_REPLY, (uint32_t)bad.ret);
	EXPECT_EQ(-EINVAL, bad.param);
	EXPECT_EQ(0, bad.to_pid);
	EXPECT_EQ(0, bad.node);
	EXPECT_LT(ok.id, bad.id);
	EXPECT_EQ(0, find_entry("transaction_log", "call", gettid_(), 4242, 5,
				&none));
	EXPECT_EQ(bad.id, none.id);

	binder_server_stop(&s);
	close(fd);
	if (!binder_is_ours())
		SKIP(return, "the rest: " EXTENSION);
	/* ours: the time taken, and why it failed */
	EXPECT_EQ(0, strncmp(ok.rest, " t=", 3)) TH_LOG("%s", ok.rest);
	EXPECT_EQ(NULL, strstr(ok.rest, "why="));
	EXPECT_NE(NULL, strstr(bad.rest, " why=\"")) TH_LOG("%s", bad.rest);
}

/* The log keeps the last 32, oldest first */
TEST(transaction_log_ring)
{
	static char buf[65536];
	char *line, *save = NULL;
	int i, n = 0, prev = -1, mine = 0;
	struct binder_reader r;
	struct binder_br br;
	struct log_line l;
	void *map;
	int fd;

	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	for (i = 0; i < 40; i++)
		ASSERT_EQ(BR_FAILED_REPLY,
			  binder_call(&r, 5000 + i, 1, NULL, 0, &br));
	ASSERT_LT(0, binder_read_file(BINDER_DEBUGFS "/failed_transaction_log",
				      buf, sizeof(buf)));
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		ASSERT_EQ(0, parse_line(line, &l)) TH_LOG("%s", line);
		n++;
		if (l.from_tid != gettid_())
			continue;
		/* ours, in the order sent: the oldest 8 are gone */
		EXPECT_EQ(prev < 0 ? 5008 : prev + 1, l.handle);
		prev = l.handle;
		mine++;
	}
	EXPECT_EQ(32, n);
	EXPECT_EQ(32, mine);
	close(fd);
}

/* ---- netlink reports (ours) ---- */

FIXTURE(rep) {
	struct binder_server s;
	struct binder_reader r;
	void *map;
	int fd;
	int nl;
};

static void bad_reply_handler(struct binder_server *s, struct binder_reader *r,
			      const struct binder_br *tr,
			      struct binder_answer *ans)
{
	struct flat_binder_object obj = {
		.hdr.type = BINDER_TYPE_HANDLE, .handle = 31337,
	};

	if (tr->txn.code != 9)
		return;
	memcpy(ans->data, &obj, sizeof(obj));
	ans->size = sizeof(obj);
	ans->offsets[0] = 0;
	ans->n = 1;
}

FIXTURE_SETUP(rep)
{
	self->nl = binder_report_open();
	if (!binder_is_ours()) {
		/* no family "binder" without ours; each test skips */
		ASSERT_EQ(-ENOENT, self->nl);
		return;
	}
	ASSERT_LE(0, self->nl) TH_LOG("%s", strerror(-self->nl));
	memset(&self->s, 0, sizeof(self->s));
	self->s.flags = BINDER_SERVER_CTX_MGR;
	self->s.handler = bad_reply_handler;
	ASSERT_EQ(0, binder_server_start(&self->s));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	binder_reader_init(&self->r, self->fd);
}

FIXTURE_TEARDOWN(rep)
{
	if (self->nl < 0)
		return;
	binder_server_stop(&self->s);
	close(self->fd);
	close(self->nl);
}

/* The next report from this thread (others' may come in between) */
static int my_report(int nl, pid_t from_tid, struct binder_nl_report *rep)
{
	int ret;

	do {
		ret = binder_report_read(nl, rep, T);
	} while (!ret && rep->from_tid != (uint32_t)from_tid);
	return ret;
}

TEST_F(rep, no_such_handle)
{
	struct binder_nl_report rep;
	struct binder_br br;

	if (self->nl < 0)
		SKIP(return, EXTENSION);

	ASSERT_EQ(BR_FAILED_REPLY,
		  binder_call(&self->r, 777, 0x61, "12345678", 8, &br));
	ASSERT_EQ(0, my_report(self->nl, gettid_(), &rep));
	EXPECT_EQ(BR_FAILED_REPLY, rep.error);
	EXPECT_STREQ("binder", rep.context);
	EXPECT_EQ(getpid(), rep.from_pid);
	EXPECT_FALSE(rep.has_to_pid);
	EXPECT_FALSE(rep.has_to_tid);
	EXPECT_FALSE(rep.is_reply);
	EXPECT_EQ(0x61, rep.code);
	EXPECT_EQ(8, rep.data_size);
	EXPECT_EQ(0, rep.flags & TF_ONE_WAY);
}

TEST_F(rep, no_target)
{
	struct binder_nl_report rep;
	struct binder_br br;

	if (self->nl < 0)
		SKIP(return, EXTENSION);

	binder_server_stop(&self->s);
	/* no context manager any more: handle 0 leads nowhere */
	ASSERT_EQ(BR_DEAD_REPLY,
		  binder_transact(&self->r, 0, 0x62, TF_ONE_WAY, "x", 1,
				  NULL, 0, &br));
	ASSERT_EQ(0, my_report(self->nl, gettid_(), &rep));
	EXPECT_EQ(BR_DEAD_REPLY, rep.error);
	EXPECT_EQ(0x62, rep.code);
	EXPECT_EQ(TF_ONE_WAY, rep.flags & TF_ONE_WAY);
	EXPECT_FALSE(rep.is_reply);
}

TEST_F(rep, frozen_target)
{
	struct binder_freeze_info frz = { .pid = self->s.pid, .enable = 1 };
	struct binder_nl_report rep;
	struct binder_br br;

	if (self->nl < 0)
		SKIP(return, EXTENSION);

	ASSERT_EQ(0, ioctl(self->fd, BINDER_FREEZE, &frz));
	ASSERT_EQ(BR_FROZEN_REPLY, binder_call(&self->r, 0, 0x63, NULL, 0, &br));
	frz.enable = 0;
	ASSERT_EQ(0, ioctl(self->fd, BINDER_FREEZE, &frz));
	ASSERT_EQ(0, my_report(self->nl, gettid_(), &rep));
	EXPECT_EQ(BR_FROZEN_REPLY, rep.error);
	EXPECT_TRUE(rep.has_to_pid);
	EXPECT_EQ(self->s.pid, rep.to_pid);
	EXPECT_EQ(0x63, rep.code);
}

TEST_F(rep, failed_reply)
{
	struct binder_nl_report rep;
	struct binder_br br;

	if (self->nl < 0)
		SKIP(return, EXTENSION);

	/* the server's reply carries a handle it does not have */
	ASSERT_EQ(BR_FAILED_REPLY, binder_call(&self->r, 0, 9, NULL, 0, &br));
	do {
		ASSERT_EQ(0, binder_report_read(self->nl, &rep, T));
	} while (!rep.is_reply);
	EXPECT_EQ(BR_FAILED_REPLY, rep.error);
	EXPECT_EQ(self->s.pid, rep.from_pid);
	EXPECT_TRUE(rep.has_to_pid);
	EXPECT_EQ(getpid(), rep.to_pid);
	EXPECT_TRUE(rep.has_to_tid);
	EXPECT_EQ(gettid_(), rep.to_tid);
}

TEST_HARNESS_MAIN
