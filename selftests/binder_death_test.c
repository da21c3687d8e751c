// SPDX-License-Identifier: GPL-2.0
/*
 * Death notifications and dead binders: BR_DEAD_BINDER when a node's
 * owner dies, BC_DEAD_BINDER_DONE, clearing (before, during and after the
 * death), and calls to a dead node.  Conformance: the reference driver's
 * behaviour is the spec.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS
#define COOKIE 0xdead0001ULL

#define CODE_GET_BINDER	10
#define CODE_HANG	11	/* never answered, buffer kept */

static void handler(struct binder_server *s, struct binder_reader *r,
		    const struct binder_br *tr, struct binder_answer *ans)
{
	struct flat_binder_object obj;

	if (tr->txn.code == CODE_HANG) {
		ans->no_reply = true;
		ans->keep_buffer = true;	/* in flight with its buffer */
		return;
	}
	if (tr->txn.code != CODE_GET_BINDER)
		return;
	obj = binder_obj_binder(0xb1, 0xc1, false);
	memcpy(ans->data, &obj, sizeof(obj));
	ans->size = sizeof(obj);
	ans->offsets[0] = 0;
	ans->n = 1;
}

/*
 * A manager server; the test's thread is a looper (deaths are proc work)
 * holding a strong ref to handle 0.
 */
FIXTURE(death)
{
	struct binder_server s;
	struct binder_reader r;
	void *map;
	int fd;
};

FIXTURE_SETUP(death)
{
	struct binder_cmds c = { .len = 0 };

	memset(&self->s, 0, sizeof(self->s));
	self->s.flags = BINDER_SERVER_CTX_MGR;
	self->s.handler = handler;
	ASSERT_EQ(0, binder_server_start(&self->s));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	binder_reader_init(&self->r, self->fd);
	cmd_u32(&c, BC_ENTER_LOOPER);
	cmd_handle(&c, BC_ACQUIRE, 0);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
}

FIXTURE_TEARDOWN(death)
{
	close(self->fd);
	binder_server_stop(&self->s);
}

static int death_cmd(int fd, uint32_t bc, uint32_t handle, uint64_t cookie)
{
	struct binder_cmds c = { .len = 0 };

	cmd_death(&c, bc, handle, cookie);
	return binder_write_cmds(fd, &c, NULL);
}

static int send_ptr(int fd, uint32_t bc, uint64_t ptr)
{
	struct binder_cmds c = { .len = 0 };

	cmd_ptr(&c, bc, ptr);
	return binder_write_cmds(fd, &c, NULL);
}

/* Wait (2 s) until our ref desc shows its node dead. */
static bool ref_dead(uint32_t desc)
{
	int i, s, w;
	bool dead = false;

	for (i = 0; i < 100 && !dead; i++) {
		if (binder_ref_counts(getpid(), desc, &s, &w, &dead))
			return false;
		if (!dead)
			usleep(20000);
	}
	return dead;
}

/* The owner is killed: BR_DEAD_BINDER with our cookie within 1 s. */
TEST_F(death, dead_binder_on_kill)
{
	struct binder_br br;

	ASSERT_EQ(0, death_cmd(self->fd, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE));
	/* nothing while it lives */
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 200));
	binder_server_stop(&self->s);
	ASSERT_EQ(0, binder_read_until(&self->r, BR_DEAD_BINDER, &br, 1000));
	EXPECT_EQ(COOKIE, br.cookie);
	EXPECT_TRUE(ref_dead(0));
	ASSERT_EQ(0, send_ptr(self->fd, BC_DEAD_BINDER_DONE, COOKIE));
	/* one notification only */
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 200));
	/* and it can still be cleared: done at once */
	ASSERT_EQ(0, death_cmd(self->fd, BC_CLEAR_DEATH_NOTIFICATION, 0, COOKIE));
	ASSERT_EQ(0, binder_read_br(&self->r, &br, T));
	EXPECT_EQ(BR_CLEAR_DEATH_NOTIFICATION_DONE, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
}

/* Cleared before the death: BR_CLEAR_DEATH_NOTIFICATION_DONE, no death. */
TEST_F(death, clear_then_kill)
{
	struct binder_br br;

	ASSERT_EQ(0, death_cmd(self->fd, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE));
	ASSERT_EQ(0, death_cmd(self->fd, BC_CLEAR_DEATH_NOTIFICATION, 0, COOKIE));
	ASSERT_EQ(0, binder_read_br(&self->r, &br, T));
	EXPECT_EQ(BR_CLEAR_DEATH_NOTIFICATION_DONE, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
	binder_server_stop(&self->s);
	EXPECT_TRUE(ref_dead(0));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 300));
}

/* Asked on a node already dead: BR_DEAD_BINDER at once. */
TEST_F(death, request_on_dead_node)
{
	struct binder_br br;

	binder_server_stop(&self->s);
	ASSERT_TRUE(ref_dead(0));
	ASSERT_EQ(0, death_cmd(self->fd, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE));
	ASSERT_EQ(0, binder_read_br(&self->r, &br, 500));
	EXPECT_EQ(BR_DEAD_BINDER, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
	EXPECT_EQ(0, send_ptr(self->fd, BC_DEAD_BINDER_DONE, COOKIE));
}

/*
 * Cleared while the death is queued, not yet read: BR_DEAD_BINDER still
 * comes, and the clear is done (BR_CLEAR_DEATH_NOTIFICATION_DONE) only
 * after BC_DEAD_BINDER_DONE.
 */
TEST_F(death, clear_while_death_queued)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	struct binder_br br;

	ASSERT_EQ(0, death_cmd(self->fd, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE));
	binder_server_stop(&self->s);
	ASSERT_EQ(1, poll(&pfd, 1, 1000));
	ASSERT_EQ(0, death_cmd(self->fd, BC_CLEAR_DEATH_NOTIFICATION, 0, COOKIE));
	ASSERT_EQ(0, binder_read_br(&self->r, &br, T));
	EXPECT_EQ(BR_DEAD_BINDER, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 300));
	ASSERT_EQ(0, send_ptr(self->fd, BC_DEAD_BINDER_DONE, COOKIE));
	ASSERT_EQ(0, binder_read_br(&self->r, &br, T));
	EXPECT_EQ(BR_CLEAR_DEATH_NOTIFICATION_DONE, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
}

/* Cleared after BR_DEAD_BINDER, before BC_DEAD_BINDER_DONE: the same. */
TEST_F(death, clear_before_dead_binder_done)
{
	struct binder_br br;

	ASSERT_EQ(0, death_cmd(self->fd, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE));
	binder_server_stop(&self->s);
	ASSERT_EQ(0, binder_read_br(&self->r, &br, 1000));
	ASSERT_EQ(BR_DEAD_BINDER, br.cmd);
	ASSERT_EQ(0, death_cmd(self->fd, BC_CLEAR_DEATH_NOTIFICATION, 0, COOKIE));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 300));
	ASSERT_EQ(0, send_ptr(self->fd, BC_DEAD_BINDER_DONE, COOKIE));
	ASSERT_EQ(0, binder_read_br(&self->r, &br, T));
	EXPECT_EQ(BR_CLEAR_DEATH_NOTIFICATION_DONE, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
}

/*
 * One notification per ref: a second request is ignored (the first cookie
 * stays), so is a clear with the wrong cookie.
 */
TEST_F(death, second_request_ignored)
{
	struct binder_br br;

	ASSERT_EQ(0, death_cmd(self->fd, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE));
	ASSERT_EQ(0, death_cmd(self->fd, BC_REQUEST_DEATH_NOTIFICATION, 0, 0x77));
	ASSERT_EQ(0, death_cmd(self->fd, BC_CLEAR_DEATH_NOTIFICATION, 0, 0x77));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 200));
	binder_server_stop(&self->s);
	ASSERT_EQ(0, binder_read_br(&self->r, &br, 1000));
	EXPECT_EQ(BR_DEAD_BINDER, br.cmd);
	EXPECT_EQ(COOKIE, br.cookie);
	ASSERT_EQ(0, send_ptr(self->fd, BC_DEAD_BINDER_DONE, COOKIE));
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&self->r, &br, 300));
}

/* Each ref gets its own notification, handle 0 and handle 1 alike. */
TEST_F(death, every_ref_notified)
{
	const struct flat_binder_object *obj;
	struct binder_cmds c = { .len = 0 };
	struct binder_br br;
	bool got0 = false, got1 = false;
	int i;

	ASSERT_EQ(BR_REPLY, binder_call(&self->r, 0, CODE_GET_BINDER, NULL, 0, &br));
	obj = br_data(&br);
	ASSERT_EQ(BINDER_TYPE_HANDLE, obj->hdr.type);
	ASSERT_EQ(1, obj->handle);
	cmd_handle(&c, BC_ACQUIRE, 1);
	cmd_free_buffer(&c, br.txn.data.ptr.buffer);
	cmd_death(&c, BC_REQUEST_DEATH_NOTIFICATION, 0, COOKIE);
	cmd_death(&c, BC_REQUEST_DEATH_NOTIFICATION, 1, COOKIE + 1);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	binder_server_stop(&self->s);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, binder_read_until(&self->r, BR_DEAD_BINDER, &br, 1000));
		got0 |= br.cookie == COOKIE;
		got1 |= br.cookie == COOKIE + 1;
		ASSERT_EQ(0, send_ptr(self->fd, BC_DEAD_BINDER_DONE, br.cookie));
	}
	EXPECT_TRUE(got0);
	EXPECT_TRUE(got1);
}

/* Get the server's binder (as handle 1) and hold it strong: 0, or -1. */
static int acquire_server_binder(struct binder_reader *r, int fd)
{
	const struct flat_binder_object *obj;
	struct binder_cmds c = { .len = 0 };
	struct binder_br br;
	bool ok;

	if (binder_call(r, 0, CODE_GET_BINDER, NULL, 0, &br) != BR_REPLY)
		return -1;
	obj = br_data(&br);
	ok = obj->hdr.type == BINDER_TYPE_HANDLE && obj->handle == 1;
	if (ok)
		cmd_handle(&c, BC_ACQUIRE, 1);
	cmd_free_buffer(&c, br.txn.data.ptr.buffer);
	if (binder_write_cmds(fd, &c, NULL))
		return -1;
	return ok ? 0 : -1;
}

/* Calls to a dead node, by handle 0 or a ref, fail with BR_DEAD_REPLY. */
TEST_F(death, call_dead_node)
{
	struct binder_br br;

	ASSERT_EQ(0, acquire_server_binder(&self->r, self->fd));
	binder_server_stop(&self->s);
	ASSERT_TRUE(ref_dead(1));
	EXPECT_EQ(BR_DEAD_REPLY, binder_call(&self->r, 1, 1, NULL, 0, &br));
	EXPECT_EQ(BR_DEAD_REPLY, binder_call(&self->r, 0, 1, NULL, 0, &br));
	/* oneway too */
	EXPECT_EQ(BR_DEAD_REPLY, binder_transact(&self->r, 1, 1, TF_ONE_WAY, NULL,
						 0, NULL, 0, &br));
}

/* The server dies while our call waits for its reply: BR_DEAD_REPLY. */
TEST_F(death, owner_dies_during_call)
{
	struct binder_cmds c = { .len = 0 };
	struct binder_br br;

	cmd_txn(&c, BC_TRANSACTION, 0, CODE_HANG, 0, NULL, 0, NULL, 0);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	ASSERT_EQ(0, binder_server_wait(&self->s, BR_TRANSACTION, NULL, T));
	binder_server_stop(&self->s);
	ASSERT_EQ(0, binder_read_br(&self->r, &br, T));
	if (br.cmd == BR_TRANSACTION_COMPLETE)
		ASSERT_EQ(0, binder_read_br(&self->r, &br, T));
	EXPECT_EQ(BR_DEAD_REPLY, br.cmd);
}

/* The "  node N: u... c..." line of node @node in @buf, copied to @line */
static bool node_line(const char *buf, int node, char *line, size_t size)
{
	char want[32];
	const char *p, *e;

	snprintf(want, sizeof(want), "\n  node %d: ", node);
	p = strstr(buf, want);
	if (!p)
		return false;
	p++;
	e = strchr(p, '\n');
	snprintf(line, size, "%.*s", e ? (int)(e - p) : (int)strlen(p), p);
	return true;
}

/*
 * The "dead nodes:" section of debugfs state (before the first proc): is
 * node @node there, with @pid among the procs holding a ref?  1 yes, 0 no,
 * -1 if state can't be read.
 */
static int dead_node_listed(const char *file, int node, pid_t pid)
{
	static char buf[1 << 18];
	char line[256], want[32];
	const char *sec, *end;

	if (binder_read_file(file, buf, sizeof(buf)) < 0)
		return -1;
	sec = strstr(buf, "\ndead nodes:\n");
	if (!sec)
		return 0;
	end = strstr(sec, "\nproc ");
	if (end)
		buf[end - buf + 1] = '\0';
	if (!node_line(sec, node, line, sizeof(line)))
		return 0;
	/* "... tr 0 proc 123 456" */
	snprintf(want, sizeof(want), " %d", pid);
	strcat(line, " ");
	sec = strstr(line, " proc ");
	if (!sec)
		return 0;
	strcat(want, " ");
	return !!strstr(sec + 5, want);
}

/* The node id our ref @desc points to, from proc/<pid>: "... node N s ..." */
static int ref_node_id(uint32_t desc)
{
	static char buf[65536];
	char want[32];
	const char *p;
	int node;

	if (binder_read_proc(getpid(), buf, sizeof(buf)) < 0)
		return -1;
	snprintf(want, sizeof(want), ": desc %u ", desc);
	p = strstr(buf, want);
	if (!p)
		return -1;
	p = strstr(p, "node ");
	if (!p || sscanf(p, "node %d", &node) != 1)
		return -1;
	return node;
}

/*
 * A node whose owner died while we hold a ref is in state's "dead nodes:"
 * section, naming us; once our ref goes, so does the node.
 */
TEST_F(death, dead_nodes_in_state)
{
	struct binder_cmds c = { .len = 0 };
	int node;

	node = ref_node_id(0);
	ASSERT_LT(0, node);
	EXPECT_EQ(0, dead_node_listed(BINDER_DEBUGFS "/state", node, getpid()));
	binder_server_stop(&self->s);
	ASSERT_TRUE(ref_dead(0));
	EXPECT_EQ(1, dead_node_listed(BINDER_DEBUGFS "/state", node, getpid()));
	cmd_handle(&c, BC_RELEASE, 0);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	EXPECT_EQ(-1, ref_node_id(0));
	EXPECT_EQ(0, dead_node_listed(BINDER_DEBUGFS "/state", node, getpid()));
}

/*
 * Does %p print pointers as they are?  The kernel says so itself: when
 * hashing is off (no_hash_pointers, or slub_debug on kernels that turn it
 * off for slub_debug, as 6.1 does and later 6.12 updates no longer do) it
 * logs a notice at boot that it "shows unhashed kernel memory addresses".
 * 1: it does, 0: the whole log is there and has no such notice, -1: we
 * cannot tell (no /dev/kmsg, or the log wrapped; the lane boots with
 * log_buf_len=4M so that it does not).
 */
static int kernel_prints_raw_pointers(void)
{
	char rec[2048], *seq;
	bool first = true;
	int fd, ret = -1;
	ssize_t n;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* a record overwritten under us */
		if (n <= 0)
			break;
		rec[n] = '\0';
		/* "prio,seq,usec,flags;text": the log is whole if seq 0 is */
		seq = strchr(rec, ',');
		if (first && seq && strtoull(seq + 1, NULL, 10) == 0)
			ret = 0;
		first = false;
		if (strstr(rec, "unhashed kernel memory addresses")) {
			ret = 1;
			break;
		}
	}
	close(fd);
	return ret;
}

/*
 * Node @node's line in state and in state_hashed, read while it holds
 * still: the owner may still be acting on the ref just taken (hs/hw, tr
 * change as it does), so the pair counts only if state read again after
 * state_hashed gives the same line.
 */
static bool node_lines_settled(int node, char *rline, char *hline,
			       size_t size)
{
	static char raw[1 << 18], hashed[1 << 18];
	char again[256];
	int i;

	for (i = 0; i < 100; i++, usleep(10000)) {
		if (binder_read_file(BINDER_DEBUGFS "/state", raw,
				     sizeof(raw)) <= 0 ||
		    binder_read_file(BINDER_DEBUGFS "/state_hashed", hashed,
				     sizeof(hashed)) <= 0 ||
		    !node_line(raw, node, rline, size) ||
		    !node_line(hashed, node, hline, size))
			return false;
		if (binder_read_file(BINDER_DEBUGFS "/state", raw,
				     sizeof(raw)) <= 0 ||
		    !node_line(raw, node, again, sizeof(again)))
			return false;
		if (!strcmp(again, rline))
			return true;
	}
	return false;
}

/*
 * Ours (upstream 6.16's files, which the 6.1/6.12 reference lacks):
 * state_hashed and transactions_hashed print what state and transactions
 * print, with the user's node ptr/cookie and buffer addresses hashed (%p),
 * or as they are where the kernel prints raw pointers.
 */
TEST_F(death, hashed_files_hide_user_pointers)
{
	static char raw[1 << 18], hashed[1 << 18];
	char rline[256], hline[256], rdata[64], hdata[64];
	int raw_ptrs = kernel_prints_raw_pointers();
	struct binder_cmds c = { .len = 0 };
	const char *p;
	int node, n;

	if (!binder_is_ours())
		SKIP(return, "state_hashed: our extension (upstream 6.16)");
	if (raw_ptrs < 0)
		SKIP(return, "cannot tell from the kernel log if %%p hashes");
	ASSERT_EQ(0, acquire_server_binder(&self->r, self->fd));
	node = ref_node_id(1);
	ASSERT_LT(0, node);

	ASSERT_TRUE(node_lines_settled(node, rline, hline, sizeof(rline)));
	/* the server's 0xb1/0xc1 as they are, then hashed */
	EXPECT_NE(NULL, strstr(rline, "u00000000000000b1 c00000000000000c1 "));
	EXPECT_EQ(raw_ptrs, strcmp(rline, hline) == 0);
	EXPECT_EQ(raw_ptrs, !!strstr(hline, "u00000000000000b1 "));
	EXPECT_EQ(raw_ptrs, !!strstr(hline, " c00000000000000c1 "));
	/* the rest of the line is the same */
	EXPECT_STREQ(strstr(rline, " hs "), strstr(hline, " hs "));

	/* a call in flight: its buffer address hashed, the rest alike */
	cmds_reset(&c);
	cmd_txn(&c, BC_TRANSACTION, 1, CODE_HANG, 0, "abcd", 4, NULL, 0);
	ASSERT_EQ(0, binder_write_cmds(self->fd, &c, NULL));
	ASSERT_EQ(0, binder_server_wait(&self->s, BR_TRANSACTION, NULL, T));
	ASSERT_LT(0, binder_read_file(BINDER_DEBUGFS "/transactions", raw,
				      sizeof(raw)));
	ASSERT_LT(0, binder_read_file(BINDER_DEBUGFS "/transactions_hashed",
				      hashed, sizeof(hashed)));
	EXPECT_EQ(0, strncmp(hashed, "binder transactions:\n", 21));
	p = strstr(raw, " size 4:0 data ");
	ASSERT_NE(NULL, p) TH_LOG("transactions: %s", raw);
	n = sscanf(p, " size 4:0 data %63s", rdata);
	ASSERT_EQ(1, n);
	p = strstr(hashed, " size 4:0 data ");
	ASSERT_NE(NULL, p);
	n = sscanf(p, " size 4:0 data %63s", hdata);
	ASSERT_EQ(1, n);
	/* "data %lx" there, "data %p" here: hashed, or 16 digits of it */
	EXPECT_EQ(raw_ptrs,
		  strtoull(rdata, NULL, 16) == strtoull(hdata, NULL, 16));
	EXPECT_EQ(16, strlen(hdata));
}

TEST_HARNESS_MAIN
