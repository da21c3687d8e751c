// SPDX-License-Identifier: GPL-2.0
/*
 * The binder trace events, read back through tracefs.
 *
 * Conformance (both lanes: Debian's driver has the same events): every
 * upstream event exists with upstream's fields in upstream's order and
 * types (its format file), and a call carrying a binder object and an fd,
 * its reply, a handle sent back to its owner, a failed call and the freed
 * buffers show up in "trace" with the values the test knows: transaction
 * debug ids matching between binder_transaction, _received, _alloc_buf,
 * the translations and the buffer releases; the target node, proc and
 * thread; code, flags, sizes; the fds sent and received and their offset;
 * the handles given; the BC_ and BR_ codes; the ioctl and its halves; the
 * first page of the server's area allocated.  A handle passed on through
 * the context manager (ref_to_ref); a queued oneway replaced by a
 * TF_UPDATE_TXN one (update_buffer_release); a page freed to the lru,
 * taken back, then reclaimed by the shrinker (the lru, alloc_page and
 * unmap events, in order).
 *
 * Extension of our driver (skipped on the reference): binder_vma_close
 * and binder_proc_dead, with their reasons.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define EXTENSION "extension of our driver"
#define T BINDER_TIMEOUT_MS
#define TRACEFS "/sys/kernel/tracing"
#define NODE_PTR 0x5eed0001ULL
#define OBJ_PTR 0xc11e4700ULL

/* ---- tracefs ---- */

static int tracefs_write(const char *file, const char *val)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

/*
 * tracefs mounted (it may not be yet), the trace empty, events/binder on.
 * record-cmd off: enabling an event then patches only the binder
 * tracepoints, not the scheduler's (a comm is not needed, the tid is
 * kept).  Patching code another vCPU runs (text_poke_bp's int3 round)
 * has been seen to lock up both vCPUs of the TCG guest.
 */
static int trace_start(void)
{
	if (access(TRACEFS "/trace", F_OK) &&
	    mount("nodev", TRACEFS, "tracefs", 0, NULL))
		return -errno;
	if (tracefs_write("tracing_on", "0") ||
	    tracefs_write("events/enable", "0") ||
	    tracefs_write("options/record-cmd", "0") ||
	    tracefs_write("buffer_size_kb", "4096") ||
	    tracefs_write("trace", "") ||
	    tracefs_write("events/binder/enable", "1") ||
	    tracefs_write("tracing_on", "1"))
		return -EIO;
	return 0;
}

static void trace_stop(void)
{
	tracefs_write("tracing_on", "0");
	tracefs_write("events/binder/enable", "0");
	tracefs_write("options/record-cmd", "1");
}

/* One line of "trace": who, which event, its text after "name: " */
struct ev {
	int tid;
	char name[64];
	char text[256];
};

#define MAX_EV 20000
static struct ev evs[MAX_EV];
static int nev;
static char tbuf[8 << 20];

/* "  comm-123  [000] d..1.  12.345678: binder_x: a=1 b=2" */
static int trace_read(void)
{
	char *line, *save = NULL;

	nev = 0;
	if (binder_read_file(TRACEFS "/trace", tbuf, sizeof(tbuf)) < 0)
		return -1;
	for (line = strtok_r(tbuf, "\n", &save); line && nev < MAX_EV;
	     line = strtok_r(NULL, "\n", &save)) {
		char *br = strstr(line, " [");
		char *name = strstr(line, ": binder_");
		char *dash, *colon;
		struct ev *e = &evs[nev];

		if (line[0] == '#' || !br || !name || name < br)
			continue;
		*br = '\0';
		dash = strrchr(line, '-');
		if (!dash)
			continue;
		e->tid = atoi(dash + 1);
		name += 2;
		colon = strchr(name, ':');
		if (!colon || colon - name >= (long)sizeof(e->name))
			continue;
		memcpy(e->name, name, colon - name);
		e->name[colon - name] = '\0';
		snprintf(e->text, sizeof(e->text), "%s", colon + 1);
		nev++;
	}
	return nev;
}

/* The value of key=... in an event's text (decimal or 0x); -1 when absent */
static long long fld(const struct ev *e, const char *key)
{
	size_t k = strlen(key);
	const char *p = e->text;

	while ((p = strstr(p, key))) {
		if ((p == e->text || p[-1] == ' ') && p[k] == '=')
			return strtoll(p + k + 1, NULL, 0);
		p += k;
	}
	return -1;
}

/*
 * The first event named name from index *from on, by tid (0: anyone),
 * whose key (NULL: none) equals val; NULL when none.  *from moves past it.
 */
static const struct ev *find_ev(int *from, const char *name, int tid,
				const char *key, long long val)
{
	int i;

	for (i = from ? *from : 0; i < nev; i++) {
		const struct ev *e = &evs[i];

		if (strcmp(e->name, name) || (tid && e->tid != tid) ||
		    (key && fld(e, key) != val))
			continue;
		if (from)
			*from = i + 1;
		return e;
	}
	return NULL;
}

/*
 * From *from on: NAME_start then NAME_end, by @tid, for page 0 of the
 * area of @proc; *from moves past them.
 */
static bool page0_pair(int *from, const char *name, int tid, int proc)
{
	static const char * const half[] = { "start", "end" };
	char ev[64];
	int i;

	for (i = 0; i < 2; i++) {
		const struct ev *e;

		snprintf(ev, sizeof(ev), "%s_%s", name, half[i]);
		e = find_ev(from, ev, tid, "proc", proc);
		if (!e || fld(e, "page_index") != 0)
			return false;
	}
	return true;
}

static int count_ev(const char *name, int tid, const char *key, long long val)
{
	int from = 0, n = 0;

	while (find_ev(&from, name, tid, key, val))
		n++;
	return n;
}

static void dump_trace(void)
{
	int i;

	for (i = 0; i < nev; i++)
		fprintf(stderr, "#   %d %s:%s\n", evs[i].tid, evs[i].name,
			evs[i].text);
}

static pid_t gettid_(void)
{
	return syscall(SYS_gettid);
}

/* ---- formats: upstream's fields, in order, with their types ---- */

struct event_format {
	const char *name;
	const char *fields;	/* "type name;" each, in order */
};

#define LRU_PAGE "int proc;size_t page_index;"
#define BUFFER "int debug_id;size_t data_size;size_t offsets_size;size_t extra_buffers_size;"
#define FD_EV "int debug_id;int fd;size_t offset;"
#define RET "int ret;"

static const struct event_format formats[] = {
	{ "binder_ioctl", "unsigned int cmd;unsigned long arg;" },
	{ "binder_lock", "const char * tag;" },
	{ "binder_locked", "const char * tag;" },
	{ "binder_unlock", "const char * tag;" },
	{ "binder_ioctl_done", RET },
	{ "binder_write_done", RET },
	{ "binder_read_done", RET },
	{ "binder_wait_for_work",
	  "bool proc_work;bool transaction_stack;bool thread_todo;" },
	{ "binder_txn_latency_free",
	  "int debug_id;int from_proc;int from_thread;int to_proc;"
	  "int to_thread;unsigned int code;unsigned int flags;" },
	{ "binder_transaction",
	  "int debug_id;int target_node;int to_proc;int to_thread;"
	  "int reply;unsigned int code;unsigned int flags;" },
	{ "binder_transaction_received", "int debug_id;" },
	{ "binder_transaction_node_to_ref",
	  "int debug_id;int node_debug_id;binder_uintptr_t node_ptr;"
	  "int ref_debug_id;uint32_t ref_desc;" },
	{ "binder_transaction_ref_to_node",
	  "int debug_id;int ref_debug_id;uint32_t ref_desc;"
	  "int node_debug_id;binder_uintptr_t node_ptr;" },
	{ "binder_transaction_ref_to_ref",
	  "int debug_id;int node_debug_id;int src_ref_debug_id;"
	  "uint32_t src_ref_desc;int dest_ref_debug_id;"
	  "uint32_t dest_ref_desc;" },
	{ "binder_transaction_fd_send", FD_EV },
	{ "binder_transaction_fd_recv", FD_EV },
	{ "binder_transaction_alloc_buf", BUFFER },
	{ "binder_transaction_buffer_release", BUFFER },
	{ "binder_transaction_failed_buffer_release", BUFFER },
	{ "binder_transaction_update_buffer_release", BUFFER },
	{ "binder_update_page_range",
	  "int proc;bool allocate;size_t offset;size_t size;" },
	{ "binder_alloc_lru_start", LRU_PAGE },
	{ "binder_alloc_lru_end", LRU_PAGE },
	{ "binder_free_lru_start", LRU_PAGE },
	{ "binder_free_lru_end", LRU_PAGE },
	{ "binder_alloc_page_start", LRU_PAGE },
	{ "binder_alloc_page_end", LRU_PAGE },
	{ "binder_unmap_user_start", LRU_PAGE },
	{ "binder_unmap_user_end", LRU_PAGE },
	{ "binder_unmap_kernel_start", LRU_PAGE },
	{ "binder_unmap_kernel_end", LRU_PAGE },
	{ "binder_command", "uint32_t cmd;" },
	{ "binder_return", "uint32_t cmd;" },
};

/* The "type name;" list of an event's own fields (after the common_ ones) */
static int event_fields(const char *name, char *out, size_t size)
{
	char path[256], buf[8192], *line, *save = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), TRACEFS "/events/binder/%s/format", name);
	if (binder_read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	out[0] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f = strstr(line, "field:"), *end;

		if (!f || strstr(f, "common_"))
			continue;
		f += strlen("field:");
		end = strchr(f, ';');
		if (!end)
			continue;
		len += snprintf(out + len, size - len, "%.*s;",
				(int)(end - f), f);
		if (len >= size)
			return -1;
	}
	return 0;
}

TEST(upstream_formats)
{
	char got[1024];
	size_t i;

	if (access(TRACEFS "/trace", F_OK))
		ASSERT_EQ(0, mount("nodev", TRACEFS, "tracefs", 0, NULL));
	for (i = 0; i < ARRAY_SIZE(formats); i++) {
		const struct event_format *f = &formats[i];

		ASSERT_EQ(0, event_fields(f->name, got, sizeof(got)))
			TH_LOG("no event %s", f->name);
		EXPECT_STREQ(f->fields, got) TH_LOG("event %s", f->name);
	}
}

/* ---- a call, its reply, a handle back, a failed call, freed buffers ---- */

struct call_msg {
	struct flat_binder_object obj;
	struct binder_fd_object fd;
};

TEST(upstream_events)
{
	struct binder_server s = {
		.flags = BINDER_SERVER_CTX_MGR,
		.handler = binder_inspect_handler,
	};
	const struct ev *e, *tx, *rx, *ntr, *rp, *bad;
	const binder_size_t offs[2] = { 0, sizeof(struct flat_binder_object) };
	const binder_size_t off0 = 0;
	struct binder_inspect_report rep;
	struct flat_binder_object got, back, badh;
	struct call_msg msg;
	struct binder_reader r;
	struct binder_br br;
	int64_t handle;
	int node_id, call_id, reply_id, bad_id, from, srv_fd;
	uint32_t srv_handle;
	char want[64];
	pid_t me = gettid_(), spid;
	void *map;
	int fd, memfd;

	ASSERT_EQ(0, trace_start());
	ASSERT_EQ(0, binder_server_start(&s));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	memfd = binder_memfd("traced");
	ASSERT_LE(0, memfd);

	/* 1. a node of the server's, given to us in a reply */
	handle = binder_inspect_node(&r, NODE_PTR, FLAT_BINDER_FLAG_ACCEPTS_FDS);
	ASSERT_LT(0, handle);
	/* 2. a call with a binder object and an fd, and its reply */
	msg.obj = binder_obj_binder(OBJ_PTR, OBJ_PTR + 1, false);
	memset(&msg.fd, 0, sizeof(msg.fd));
	msg.fd.hdr.type = BINDER_TYPE_FD;
	msg.fd.fd = memfd;
	ASSERT_EQ(BR_REPLY, binder_inspect_call(&r, handle, &msg, sizeof(msg),
						offs, 2, &rep));
	ASSERT_EQ(2, rep.nobj);
	ASSERT_EQ(1, rep.nfd);
	memcpy(&got, rep.obj[0].raw, sizeof(got));
	ASSERT_EQ(BINDER_TYPE_HANDLE, got.hdr.type);
	srv_handle = got.handle;
	srv_fd = rep.fd[0].fd;
	/* 3. the server's handle sent back to it: its own node */
	back = binder_obj_handle(handle, false);
	ASSERT_EQ(BR_REPLY, binder_inspect_call(&r, handle, &back, sizeof(back),
						&off0, 1, &rep));
	memcpy(&got, rep.obj[0].raw, sizeof(got));
	ASSERT_EQ(BINDER_TYPE_BINDER, got.hdr.type);
	/* 4. a call with a handle we do not have: fails after the buffer */
	badh = binder_obj_handle(31337, false);
	ASSERT_EQ(BR_FAILED_REPLY,
		  binder_transact(&r, handle, BINDER_INSPECT, 0, &badh,
				  sizeof(badh), &off0, 1, &br));
	/* 5. a call to no handle: fails before any transaction is traced */
	ASSERT_EQ(BR_FAILED_REPLY, binder_call(&r, 4242, 0x77, "x", 1, &br));
	spid = s.pid;	/* stop clears it */
	binder_server_stop(&s);
	trace_stop();
	ASSERT_LT(0, trace_read());

	/* 1: the reply carries the node: node_to_ref, into our handle */
	ntr = find_ev(NULL, "binder_transaction_node_to_ref", 0, "src_ptr",
		      NODE_PTR);
	ASSERT_NE(NULL, ntr) dump_trace();
	EXPECT_EQ(handle, fld(ntr, "dest_desc"));
	node_id = fld(ntr, "node");
	EXPECT_LT(0, node_id);
	rp = find_ev(NULL, "binder_transaction", 0, "transaction",
		     fld(ntr, "transaction"));
	ASSERT_NE(NULL, rp);
	EXPECT_EQ(1, fld(rp, "reply"));
	EXPECT_EQ(0, fld(rp, "dest_node"));
	EXPECT_EQ(getpid(), fld(rp, "dest_proc"));
	EXPECT_EQ(me, fld(rp, "dest_thread"));
	EXPECT_NE(me, rp->tid);

	/* 2: the call, to the node, as sent */
	from = 0;
	tx = find_ev(&from, "binder_transaction", me, "dest_node", node_id);
	ASSERT_NE(NULL, tx) dump_trace();
	call_id = fld(tx, "transaction");
	EXPECT_EQ(spid, fld(tx, "dest_proc"));
	EXPECT_EQ(0, fld(tx, "dest_thread"));
	EXPECT_EQ(0, fld(tx, "reply"));
	EXPECT_EQ(BINDER_INSPECT, fld(tx, "code"));
	EXPECT_EQ(0, fld(tx, "flags"));
	e = find_ev(NULL, "binder_transaction_alloc_buf", 0, "transaction",
		    call_id);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(sizeof(msg), fld(e, "data_size"));
	EXPECT_EQ(sizeof(offs), fld(e, "offsets_size"));
	EXPECT_EQ(0, fld(e, "extra_buffers_size"));
	e = find_ev(NULL, "binder_transaction_node_to_ref", me, "transaction",
		    call_id);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(OBJ_PTR, fld(e, "src_ptr"));
	EXPECT_EQ(srv_handle, fld(e, "dest_desc"));
	/* a new node, of ours */
	EXPECT_LT(0, fld(e, "node"));
	EXPECT_NE(node_id, fld(e, "node"));
	e = find_ev(NULL, "binder_transaction_fd_send", me, "transaction",
		    call_id);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(memfd, fld(e, "src_fd"));
	EXPECT_EQ(offs[1] + offsetof(struct binder_fd_object, fd),
		  fld(e, "offset"));
	/* received by a server thread, which installed the fd */
	rx = find_ev(NULL, "binder_transaction_received", 0, "transaction",
		     call_id);
	ASSERT_NE(NULL, rx);
	EXPECT_NE(me, rx->tid);
	e = find_ev(NULL, "binder_transaction_fd_recv", rx->tid, "transaction",
		    call_id);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(srv_fd, fld(e, "dest_fd"));
	EXPECT_EQ(offs[1] + offsetof(struct binder_fd_object, fd),
		  fld(e, "offset"));
	/* the server freed the request */
	EXPECT_EQ(1, count_ev("binder_transaction_buffer_release", rx->tid,
			      "transaction", call_id));
	/* the reply to it came to us, and we freed its buffer */
	e = find_ev(&from, "binder_transaction", rx->tid, "reply", 1);
	ASSERT_NE(NULL, e);
	reply_id = fld(e, "transaction");
	EXPECT_EQ(getpid(), fld(e, "dest_proc"));
	EXPECT_EQ(me, fld(e, "dest_thread"));
	EXPECT_EQ(1, count_ev("binder_transaction_received", me, "transaction",
			      reply_id));
	e = find_ev(NULL, "binder_transaction_alloc_buf", 0, "transaction",
		    reply_id);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(sizeof(rep), fld(e, "data_size"));
	EXPECT_EQ(1, count_ev("binder_transaction_buffer_release", me,
			      "transaction", reply_id));

	/* 3: our handle to the server's node: ref_to_node */
	tx = find_ev(&from, "binder_transaction", me, "dest_node", node_id);
	ASSERT_NE(NULL, tx);
	e = find_ev(NULL, "binder_transaction_ref_to_node", me, "transaction",
		    fld(tx, "transaction"));
	ASSERT_NE(NULL, e);
	EXPECT_EQ(node_id, fld(e, "node"));
	EXPECT_EQ(handle, fld(e, "src_desc"));
	EXPECT_EQ(NODE_PTR, fld(e, "dest_ptr"));

	/* 4: a failed call: its buffer goes back, nobody receives it */
	bad = find_ev(&from, "binder_transaction", me, "dest_node", node_id);
	ASSERT_NE(NULL, bad);
	bad_id = fld(bad, "transaction");
	EXPECT_EQ(1, count_ev("binder_transaction_alloc_buf", 0, "transaction",
			      bad_id));
	EXPECT_EQ(1, count_ev("binder_transaction_failed_buffer_release", me,
			      "transaction", bad_id));
	EXPECT_EQ(0, count_ev("binder_transaction_received", 0, "transaction",
			      bad_id));
	EXPECT_EQ(0, count_ev("binder_transaction_buffer_release", 0,
			      "transaction", bad_id));
	EXPECT_LE(2, count_ev("binder_return", me, "cmd", BR_FAILED_REPLY));
	/* 5: and no transaction at all for the call to no handle */
	EXPECT_EQ(NULL, find_ev(&from, "binder_transaction", me, NULL, 0));
	/* 4 is freed naming its caller and target, as it was never queued */
	e = find_ev(NULL, "binder_txn_latency_free", 0, "transaction", bad_id);
	ASSERT_NE(NULL, e);
	snprintf(want, sizeof(want), " from %d:%d to %d:0 ", getpid(), me, spid);
	EXPECT_NE(NULL, strstr(e->text, want)) TH_LOG("%s", e->text);
	/* only what binder_transaction traced is freed with a trace (not 5) */
	from = 0;
	while ((e = find_ev(&from, "binder_txn_latency_free", 0, NULL, 0)))
		EXPECT_NE(NULL, find_ev(NULL, "binder_transaction", 0,
					"transaction", fld(e, "transaction")))
			TH_LOG("%s", e->text);

	/* the commands and returns of it all */
	EXPECT_LE(4, count_ev("binder_command", me, "cmd", BC_TRANSACTION));
	EXPECT_LE(2, count_ev("binder_command", me, "cmd", BC_FREE_BUFFER));
	EXPECT_LE(3, count_ev("binder_command", 0, "cmd", BC_REPLY));
	EXPECT_LE(3, count_ev("binder_return", me, "cmd", BR_REPLY));
	EXPECT_LE(3, count_ev("binder_return", me, "cmd",
			      BR_TRANSACTION_COMPLETE));
	EXPECT_LE(1, count_ev("binder_return", rx->tid, "cmd", BR_TRANSACTION));
	EXPECT_EQ(0, count_ev("binder_return", 0, "cmd", BR_NOOP));
	/* the ioctls, their halves, a wait for the reply */
	EXPECT_LE(5, count_ev("binder_ioctl", me, "cmd", BINDER_WRITE_READ));
	EXPECT_LE(5, count_ev("binder_ioctl_done", me, "ret", 0));
	EXPECT_LE(5, count_ev("binder_write_done", me, "ret", 0));
	EXPECT_LE(5, count_ev("binder_read_done", me, "ret", 0));
	/* we never entered the looper; the server's looper waits for any */
	EXPECT_LE(5, count_ev("binder_wait_for_work", me, "proc_work", 0));
	EXPECT_EQ(0, count_ev("binder_wait_for_work", me, "proc_work", 1));
	EXPECT_LE(1, count_ev("binder_wait_for_work", rx->tid, "proc_work", 1));
	/* the server's first page, for the first buffer it got */
	e = find_ev(NULL, "binder_update_page_range", 0, "proc", spid);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(1, fld(e, "allocate"));
	EXPECT_EQ(0, fld(e, "offset"));
	EXPECT_EQ(getpagesize(), fld(e, "size"));
	e = find_ev(NULL, "binder_alloc_page_start", 0, "proc", spid);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0, fld(e, "page_index"));
	e = find_ev(NULL, "binder_alloc_page_end", 0, "proc", spid);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0, fld(e, "page_index"));
	/*
	 * transactions freed: the call once answered (the caller is no more
	 * "from"), to the server's thread that took it; the reply, to us
	 */
	e = find_ev(NULL, "binder_txn_latency_free", 0, "transaction", call_id);
	ASSERT_NE(NULL, e);
	snprintf(want, sizeof(want), " from 0:0 to %d:%d ", spid, rx->tid);
	EXPECT_NE(NULL, strstr(e->text, want)) TH_LOG("%s", e->text);
	e = find_ev(NULL, "binder_txn_latency_free", 0, "transaction", reply_id);
	ASSERT_NE(NULL, e);
	snprintf(want, sizeof(want), " from 0:0 to %d:%d ", getpid(), me);
	EXPECT_NE(NULL, strstr(e->text, want)) TH_LOG("%s", e->text);

	close(memfd);
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

/* ---- a handle passed on by a third process: ref_to_ref ---- */

#define C_PTR 0xc0ffee00ULL

/* Publish a node with the manager, tell the test, wait to be let go */
static int publisher(int ready, int done)
{
	struct binder_reader r;
	void *map;
	char c = 'k';
	int fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);

	if (fd < 0)
		return 10;
	binder_reader_init(&r, fd);
	if (binder_sm_add(&r, C_PTR, C_PTR + 1))
		return 11;
	if (write(ready, &c, 1) != 1)
		return 12;
	if (read(done, &c, 1) != 0)
		return 13;
	return 0;
}

/*
 * A child publishes its node with the service manager (node_to_ref into
 * the manager); we get it back from the manager: the manager's handle
 * becomes ours, a ref_to_ref in the manager's reply, naming the child's
 * node, the manager's handle and ours.
 */
TEST(ref_to_ref_event)
{
	struct binder_server s = {
		.flags = BINDER_SERVER_CTX_MGR,
		.handler = binder_sm_handler,
	};
	const struct ev *ntr, *rtr, *rp;
	struct binder_reader r;
	int ready[2], done[2], st, fd;
	int64_t handle;
	pid_t child;
	void *map;
	char c;

	ASSERT_EQ(0, trace_start());
	ASSERT_EQ(0, binder_server_start(&s));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(done));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		close(ready[0]);
		close(done[1]);
		_exit(publisher(ready[1], done[0]));
	}
	close(ready[1]);
	close(done[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	handle = binder_sm_get(&r);
	ASSERT_LT(0, handle);
	close(done[1]);
	ASSERT_EQ(child, waitpid(child, &st, 0));
	EXPECT_EQ(0, st);
	binder_server_stop(&s);
	trace_stop();
	ASSERT_LT(0, trace_read());

	/* the child's node, into the manager's handle */
	ntr = find_ev(NULL, "binder_transaction_node_to_ref", child, "src_ptr",
		      C_PTR);
	ASSERT_NE(NULL, ntr) dump_trace();
	/* the manager's handle to it, into ours, in the manager's reply */
	rtr = find_ev(NULL, "binder_transaction_ref_to_ref", 0, "node",
		      fld(ntr, "node"));
	ASSERT_NE(NULL, rtr) dump_trace();
	EXPECT_NE(child, rtr->tid);
	EXPECT_NE(gettid_(), rtr->tid);
	EXPECT_EQ(fld(ntr, "dest_desc"), fld(rtr, "src_desc"));
	EXPECT_EQ(fld(ntr, "dest_ref"), fld(rtr, "src_ref"));
	EXPECT_EQ(handle, fld(rtr, "dest_desc"));
	EXPECT_LT(0, fld(rtr, "dest_ref"));
	EXPECT_NE(fld(rtr, "src_ref"), fld(rtr, "dest_ref"));
	rp = find_ev(NULL, "binder_transaction", rtr->tid, "transaction",
		     fld(rtr, "transaction"));
	ASSERT_NE(NULL, rp);
	EXPECT_EQ(1, fld(rp, "reply"));
	EXPECT_EQ(getpid(), fld(rp, "dest_proc"));
	EXPECT_EQ(1, count_ev("binder_transaction_ref_to_ref", 0, NULL, 0));

	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

/* ---- an outdated oneway replaced, and a page's way through the lru ---- */

#define BR_PENDING_FROZEN	_IO('r', 20)

static int freeze(int fd, pid_t pid, bool enable)
{
	struct binder_freeze_info info = { .pid = pid, .enable = enable };

	return binder_ioctl(fd, BINDER_FREEZE, &info) ? -errno : 0;
}

/* One oneway call of code 9 to the manager; its BR, or 0 */
static uint32_t send_oneway(struct binder_reader *r, uint32_t flags,
			    uint32_t v)
{
	struct binder_cmds c = { .len = 0 };
	struct binder_br br;

	cmd_txn(&c, BC_TRANSACTION, 0, 9, TF_ONE_WAY | flags, &v, sizeof(v),
		NULL, 0);
	if (binder_write_cmds(r->fd, &c, NULL) || binder_read_br(r, &br, T))
		return 0;
	return br.cmd;
}

/* Three oneways with TF_UPDATE_TXN; when told, a fourth without */
static int updater(int res, int go)
{
	struct binder_reader r;
	uint32_t got, i;
	void *map;
	char c;
	int fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);

	if (fd < 0)
		return 10;
	binder_reader_init(&r, fd);
	for (i = 1; i <= 4; i++) {
		if (i == 4 && read(go, &c, 1) != 1)
			return 11;
		got = send_oneway(&r, i < 4 ? TF_UPDATE_TXN : 0, i);
		if (write(res, &got, sizeof(got)) != sizeof(got))
			return 12;
	}
	if (read(go, &c, 1) != 0)
		return 13;
	return 0;
}

/* Read one BR_TRANSACTION of ours, free it; its data, or -1 */
static long long take_oneway(struct binder_reader *r)
{
	struct binder_br br;
	uint32_t v;

	if (binder_read_br(r, &br, T) || br.cmd != BR_TRANSACTION ||
	    br.txn.data_size != sizeof(v))
		return -1;
	memcpy(&v, br_data(&br), sizeof(v));
	if (binder_free_buffer(r->fd, br.txn.data.ptr.buffer))
		return -1;
	return v;
}

/*
 * We are the frozen manager; a child sends three oneways with
 * TF_UPDATE_TXN: the second waits in the node's async queue, and the
 * third replaces it, so the sender releases its buffer
 * (binder_transaction_update_buffer_release).  Thawed, we take 1 and 3:
 * our first page, allocated for 1, goes to the lru when both are freed;
 * a fourth call takes it back from there; freed again, it goes back, and
 * the shrinker (drop_caches) unmaps it from us and frees it.
 */
TEST(update_and_lru_events)
{
	uint32_t want = binder_kernel_at_least(6, 12) ? BR_PENDING_FROZEN :
			BR_TRANSACTION_COMPLETE;
	int res[2], go[2], st, fd, i, from, id[3];
	struct binder_proc_stats ps;
	const struct ev *e;
	struct binder_reader r;
	pid_t me = getpid();
	int64_t end;
	uint32_t got;
	pid_t child;
	void *map;

	ASSERT_EQ(0, pipe(res));
	ASSERT_EQ(0, pipe(go));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	ASSERT_EQ(0, binder_become_context_manager(fd));
	ASSERT_EQ(0, binder_send_u32(fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, trace_start());
	ASSERT_EQ(0, freeze(fd, me, true));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		close(res[0]);
		close(go[1]);
		_exit(updater(res[1], go[0]));
	}
	close(res[1]);
	close(go[0]);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(sizeof(got), read(res[0], &got, sizeof(got)));
		EXPECT_EQ(want, got) TH_LOG("oneway %d: %#x", i + 1, got);
	}
	ASSERT_EQ(0, freeze(fd, me, false));
	EXPECT_EQ(1, take_oneway(&r));
	EXPECT_EQ(3, take_oneway(&r));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(sizeof(got), read(res[0], &got, sizeof(got)));
	EXPECT_EQ(BR_TRANSACTION_COMPLETE, got);
	EXPECT_EQ(4, take_oneway(&r));
	close(go[1]);
	ASSERT_EQ(child, waitpid(child, &st, 0));
	EXPECT_EQ(0, st);
	/* the shrinker takes our idle page */
	end = binder_now_ms() + 5000;
	do {
		ASSERT_EQ(0, binder_drop_caches(2));
		ASSERT_EQ(0, binder_proc_stats(me, &ps));
		if (!ps.pages_lru)
			break;
		usleep(50000);
	} while (binder_now_ms() < end);
	EXPECT_EQ(0, ps.pages_lru);
	trace_stop();
	ASSERT_LT(0, trace_read());

	/* the three updatable calls, sent by the child */
	from = 0;
	for (i = 0; i < 3; i++) {
		e = find_ev(&from, "binder_transaction", child, "code", 9);
		ASSERT_NE(NULL, e) dump_trace();
		id[i] = fld(e, "transaction");
	}
	/* the second replaced by the third, by the sender; we freed 1 and 3 */
	e = find_ev(NULL, "binder_transaction_update_buffer_release", 0, NULL,
		    0);
	ASSERT_NE(NULL, e) dump_trace();
	EXPECT_EQ(id[1], fld(e, "transaction"));
	EXPECT_EQ(child, e->tid);
	EXPECT_EQ(sizeof(uint32_t), fld(e, "data_size"));
	EXPECT_EQ(1, count_ev("binder_transaction_update_buffer_release", 0,
			      NULL, 0));
	EXPECT_EQ(0, count_ev("binder_transaction_buffer_release", 0,
			      "transaction", id[1]));
	for (i = 0; i < 3; i += 2)
		EXPECT_EQ(1, count_ev("binder_transaction_buffer_release", me,
				      "transaction", id[i]));

	/* our page 0: allocated, to the lru, back from it, to it, shrunk */
	from = 0;
	EXPECT_TRUE(page0_pair(&from, "binder_alloc_page", child, me)) dump_trace();
	EXPECT_TRUE(page0_pair(&from, "binder_free_lru", me, me)) dump_trace();
	EXPECT_TRUE(page0_pair(&from, "binder_alloc_lru", child, me)) dump_trace();
	EXPECT_TRUE(page0_pair(&from, "binder_free_lru", me, me)) dump_trace();
	/*
	 * By the shrinker, from the task that wrote drop_caches: us.  6.1
	 * unmaps the user page before the kernel's, 6.12 the other way.
	 */
	for (i = 0; i < 2; i++) {
		int at = from;

		EXPECT_TRUE(page0_pair(&at, i ? "binder_unmap_kernel" :
					"binder_unmap_user", me, me)) dump_trace();
	}

	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

/* ---- ours: the vma and proc lifetimes ---- */

/* A child that opens and maps binder, munmaps it first when asked, exits */
static pid_t lifetime_child(bool unmap_first)
{
	pid_t pid = fork();
	void *map;
	int fd;

	if (pid)
		return pid;
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	if (fd < 0)
		_exit(1);
	if (unmap_first && munmap(map, BINDER_MAP_SIZE))
		_exit(2);
	_exit(0);
}

/* Wait (up to 5 s) for name by anyone with proc=pid; the event or NULL */
static const struct ev *wait_ev(const char *name, pid_t pid)
{
	int64_t end = binder_now_ms() + 5000;
	const struct ev *e;

	do {
		trace_read();
		e = find_ev(NULL, name, 0, "proc", pid);
		if (e)
			return e;
		usleep(50000);
	} while (binder_now_ms() < end);
	return NULL;
}

TEST(lifecycle_events)
{
	const struct ev *e;
	pid_t a, b;
	int st;

	if (!binder_is_ours())
		SKIP(return, EXTENSION);
	ASSERT_EQ(0, trace_start());
	a = lifetime_child(true);
	ASSERT_LT(0, a);
	ASSERT_EQ(a, waitpid(a, &st, 0));
	ASSERT_EQ(0, st);
	b = lifetime_child(false);
	ASSERT_LT(0, b);
	ASSERT_EQ(b, waitpid(b, &st, 0));
	ASSERT_EQ(0, st);

	/* a: munmap by the live owner, then its file released at exit */
	e = wait_ev("binder_vma_close", a);
	ASSERT_NE(NULL, e);
	EXPECT_NE(NULL, strstr(e->text, " reason=munmap")) TH_LOG("%s", e->text);
	EXPECT_EQ(BINDER_MAP_SIZE, fld(e, "size"));
	e = wait_ev("binder_proc_dead", a);
	ASSERT_NE(NULL, e);
	EXPECT_NE(NULL, strstr(e->text, " reason=released")) TH_LOG("%s", e->text);
	/* b: its address space torn down at exit, before its files */
	e = wait_ev("binder_vma_close", b);
	ASSERT_NE(NULL, e);
	EXPECT_NE(NULL, strstr(e->text, " reason=exit")) TH_LOG("%s", e->text);
	e = wait_ev("binder_proc_dead", b);
	ASSERT_NE(NULL, e);
	EXPECT_NE(NULL, strstr(e->text, " reason=owner_exit")) TH_LOG("%s", e->text);
	/* once each */
	EXPECT_EQ(1, count_ev("binder_proc_dead", 0, "proc", a));
	EXPECT_EQ(1, count_ev("binder_proc_dead", 0, "proc", b));
	trace_stop();
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

TEST_HARNESS_MAIN
