// SPDX-License-Identifier: GPL-2.0
/*
 * binder_bench: speed, scale and memory of the binder driver under test,
 * through the raw UAPI.  One static binary, one mode per row:
 *
 *   binder_bench ROW|all [quick] [n=COUNT]
 *
 * Every metric is one line "row=NAME value=V unit=U" on stdout; lines
 * starting with '#' are notes.  QUICK=1 in the environment (or "quick")
 * uses tiny counts: a smoke run, its numbers mean nothing.  n=COUNT
 * overrides the iteration count of the rows that take one.
 *
 * Latency is one round trip measured with CLOCK_MONOTONIC, in
 * microseconds; percentiles are nearest-rank.  Each row runs in a process
 * of its own (with its own context manager), so that nothing one row
 * leaves behind weighs on the next; "all" waits for binder's live object
 * counts to come back between rows.
 *
 * Calls go the way libbinder makes them: one BINDER_WRITE_READ writes the
 * command and reads the outcome, BC_FREE_BUFFER of a reply travels with
 * the next command.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "binder_lib.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KiB 1024UL
#define MiB (1024UL * 1024UL)

static bool quick;
static long count_override;
static const char *dev = BINDER_DEV;

/* ---- output ---- */

static void emit(const char *row, double v, const char *unit)
{
	printf("row=%s value=%.*f unit=%s\n", row, v >= 100 ? 0 : 2, v, unit);
	fflush(stdout);
}

static void note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	printf("# FATAL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (errno %d %s)\n", errno, strerror(errno));
	fflush(stdout);
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* the iteration count of a row: normal, or quick, or n= */
static long count(long normal, long small)
{
	if (count_override > 0)
		return count_override;
	return quick ? small : normal;
}

/*
 * Rows that take a count stop at it or when their time budget is spent
 * (after MIN_SAMPLES at least): under TCG on a busy host a call can take
 * milliseconds.  n= lifts the budget.
 */
#define MIN_SAMPLES 50

static double budget_us(double secs)
{
	return (quick && secs > 1 ? 1 : secs) * 1e6;
}

static bool go_on(long i, long n, double t0, double secs)
{
	if (i >= n)
		return false;
	return i < MIN_SAMPLES || count_override ||
	       now_us() - t0 < budget_us(secs);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(const double *sorted, long n, int p)
{
	long i = (n * p + 99) / 100 - 1;	/* nearest rank */

	if (n <= 0)
		return 0;
	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	return sorted[i];
}

/* NAME_p50, NAME_p90, NAME_p99 of n latencies (sorted in place) */
static void emit_lat(const char *name, double *lat, long n)
{
	char row[96];
	static const int ps[] = { 50, 90, 99 };
	size_t i;

	note("%s: %ld samples", name, n);
	qsort(lat, n, sizeof(*lat), cmp_double);
	for (i = 0; i < ARRAY_SIZE(ps); i++) {
		snprintf(row, sizeof(row), "%s_p%d", name, ps[i]);
		emit(row, pct(lat, n, ps[i]), "us");
	}
}

static void *shm(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap shared %zu", size);
	return p;
}

/* ---- a binder connection: one thread's write and read buffers ---- */

struct conn {
	int fd;
	void *map;
	size_t wlen, rlen, rpos;
	__u8 rbuf[2048];
	__u8 wbuf[64 * 1024];
	/* what a BC_REPLY still in wbuf points to */
	__u8 rep[256];
	binder_size_t rep_off[4];
};

static struct conn *conn_open(size_t map_size)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		die("calloc");
	c->fd = binder_open_dev(dev, 0);
	if (c->fd < 0)
		die("open %s", dev);
	c->map = mmap(NULL, map_size, PROT_READ, MAP_PRIVATE, c->fd, 0);
	if (c->map == MAP_FAILED)
		die("mmap %s %zu", dev, map_size);
	return c;
}

/* another thread's connection on the same fd */
static struct conn *conn_share(const struct conn *o)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		die("calloc");
	c->fd = o->fd;
	c->map = o->map;
	return c;
}

static void wb_raw(struct conn *c, const void *p, size_t size)
{
	if (c->wlen + size > sizeof(c->wbuf))
		die("write buffer overflow");
	memcpy(c->wbuf + c->wlen, p, size);
	c->wlen += size;
}

static void wb_u32(struct conn *c, __u32 v)
{
	wb_raw(c, &v, sizeof(v));
}

static void wb_ptr(struct conn *c, __u32 bc, binder_uintptr_t p)
{
	wb_u32(c, bc);
	wb_raw(c, &p, sizeof(p));
}

static void wb_handle(struct conn *c, __u32 bc, __u32 handle)
{
	wb_u32(c, bc);
	wb_u32(c, handle);
}

static void wb_ptr_cookie(struct conn *c, __u32 bc,
			  const struct binder_ptr_cookie *pc)
{
	wb_u32(c, bc);
	wb_raw(c, pc, sizeof(*pc));
}

static void wb_txn(struct conn *c, __u32 bc, __u32 handle,
		   __u32 code, __u32 flags, const void *data,
		   size_t size, const binder_size_t *offs, size_t n)
{
	struct binder_transaction_data tr;

	memset(&tr, 0, sizeof(tr));
	tr.target.handle = handle;
	tr.code = code;
	tr.flags = flags;
	tr.data_size = size;
	tr.offsets_size = n * sizeof(binder_size_t);
	tr.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)data;
	tr.data.ptr.offsets = (binder_uintptr_t)(uintptr_t)offs;
	wb_u32(c, bc);
	wb_raw(c, &tr, sizeof(tr));
}

/* Write what is pending and, if rd, read; 0 or -errno. */
static int xfer(struct conn *c, bool rd)
{
	struct binder_write_read bwr;
	size_t done = 0;

	for (;;) {
		memset(&bwr, 0, sizeof(bwr));
		bwr.write_buffer = (binder_uintptr_t)(uintptr_t)(c->wbuf + done);
		bwr.write_size = c->wlen - done;
		if (rd) {
			bwr.read_buffer = (binder_uintptr_t)(uintptr_t)c->rbuf;
			bwr.read_size = sizeof(c->rbuf);
		}
		if (ioctl(c->fd, BINDER_WRITE_READ, &bwr) == 0)
			break;
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
		done += bwr.write_consumed;
		if (done >= c->wlen && !rd)
			break;
	}
	c->wlen = 0;
	c->rlen = rd ? bwr.read_consumed : 0;
	c->rpos = 0;
	return 0;
}

static int flush(struct conn *c)
{
	return c->wlen ? xfer(c, false) : 0;
}

/* The next BR (BR_NOOP skipped) and a copy of its payload; 0 or -errno */
static int next_br(struct conn *c, __u32 *cmd, void *payload, size_t max)
{
	for (;;) {
		while (c->rpos + 4 <= c->rlen) {
			size_t size;

			memcpy(cmd, c->rbuf + c->rpos, 4);
			size = _IOC_SIZE(*cmd);
			c->rpos += 4;
			if (c->rpos + size > c->rlen)
				return -EPROTO;
			memcpy(payload, c->rbuf + c->rpos, size < max ? size : max);
			c->rpos += size;
			if (*cmd != BR_NOOP)
				return 0;
		}
		int ret = xfer(c, true);

		if (ret)
			return ret;
	}
}

union br_payload {
	struct binder_transaction_data txn;
	struct binder_ptr_cookie pc;
	binder_uintptr_t cookie;
	__u8 raw[128];
};

/* What any thread does with the BRs that are no call's outcome */
static void handle_misc(struct conn *c, __u32 cmd,
			const union br_payload *p)
{
	switch (cmd) {
	case BR_INCREFS:
		wb_ptr_cookie(c, BC_INCREFS_DONE, &p->pc);
		break;
	case BR_ACQUIRE:
		wb_ptr_cookie(c, BC_ACQUIRE_DONE, &p->pc);
		break;
	case BR_DEAD_BINDER:
		wb_ptr(c, BC_DEAD_BINDER_DONE, p->cookie);
		break;
	case BR_TRANSACTION:
	case BR_TRANSACTION_SEC_CTX:
		/* nobody calls a client: drop it */
		wb_ptr(c, BC_FREE_BUFFER, p->txn.data.ptr.buffer);
		break;
	default:
		break;
	}
}

/*
 * BC_TRANSACTION and its outcome: 0 (BR_REPLY, or BR_TRANSACTION_COMPLETE
 * for a oneway call), else the failing BR or -errno.  The reply is in
 * *rep; its buffer is freed with the next command unless keep.
 */
static int call(struct conn *c, __u32 handle, __u32 code,
		__u32 flags, const void *data, size_t size,
		const binder_size_t *offs, size_t n,
		struct binder_transaction_data *rep, bool keep)
{
	union br_payload p;
	__u32 cmd;
	int ret;

	wb_txn(c, BC_TRANSACTION, handle, code, flags, data, size, offs, n);
	for (;;) {
		ret = next_br(c, &cmd, &p, sizeof(p));
		if (ret)
			return ret;
		switch (cmd) {
		case BR_TRANSACTION_COMPLETE:
			if (flags & TF_ONE_WAY)
				return 0;
			break;
		case BR_REPLY:
			if (rep)
				*rep = p.txn;
			if (!keep)
				wb_ptr(c, BC_FREE_BUFFER, p.txn.data.ptr.buffer);
			return 0;
		case BR_DEAD_REPLY:
		case BR_FAILED_REPLY:
		case BR_FROZEN_REPLY:
			return cmd;
		default:
			handle_misc(c, cmd, &p);
		}
	}
}

static double timed_call(struct conn *c, __u32 handle, __u32 code,
			 const void *data, size_t size,
			 const binder_size_t *offs, size_t n)
{
	double t0 = now_us();
	int ret = call(c, handle, code, 0, data, size, offs, n, NULL, false);

	if (ret)
		die("call code %u size %zu: %#x", code, size, ret);
	return now_us() - t0;
}

/* ---- servers ---- */

typedef void (*handler_fn)(struct conn *c,
			   const struct binder_transaction_data *t);

static void reply_empty(struct conn *c, const struct binder_transaction_data *t)
{
	/* BC_FREE_BUFFER first: a failed BC_REPLY stops the write */
	wb_ptr(c, BC_FREE_BUFFER, t->data.ptr.buffer);
	if (!(t->flags & TF_ONE_WAY))
		wb_txn(c, BC_REPLY, 0, 0, 0, NULL, 0, NULL, 0);
}

/* A looper: BC_ENTER_LOOPER, then serve for ever. */
static void serve(struct conn *c, handler_fn h)
{
	union br_payload p;
	__u32 cmd;

	wb_u32(c, BC_ENTER_LOOPER);
	for (;;) {
		int ret = next_br(c, &cmd, &p, sizeof(p));

		if (ret)
			_exit(10);
		if (cmd == BR_TRANSACTION)
			(h ? h : reply_empty)(c, &p.txn);
		else
			handle_misc(c, cmd, &p);
	}
}

static void *serve_thread(void *arg)
{
	struct conn *c = arg;

	serve(c, NULL);
	return NULL;
}

/* Context manager codes: what its handler does with a call */
enum {
	CODE_PING = 1,		/* reply empty (also any unknown code) */
	CODE_SM_ADD,		/* data: handle object, u32 idx: keep it */
	CODE_SM_GET,		/* data: u32 idx: reply the handle */
	CODE_FD,		/* close the fd object, reply empty */
	CODE_COUNT,		/* oneway: count it in *counter */
	CODE_KEEP,		/* keep the buffer (memory) */
	CODE_FREE_ALL,		/* free every kept buffer */
	CODE_CHURN,		/* keep, free a random older one (churn) */
	CODE_REFS_KEEP,		/* BC_ACQUIRE every handle object, free */
};

#define SM_MAX 64
#define KEEP_MAX 2048

static struct {
	__u32 handles[SM_MAX];
	atomic_long *counter;
	binder_uintptr_t kept[KEEP_MAX];
	size_t kept_size[KEEP_MAX];
	size_t nkept, kept_bytes;
	__u64 rng;
} mgr;

static __u64 xorshift(__u64 *s)
{
	__u64 x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

#define CHURN_MAX_HELD	64
#define CHURN_MAX_BYTES	(384 * KiB)
#define CHURN_MAX_SIZE	(16 * KiB)

static void mgr_handler(struct conn *c, const struct binder_transaction_data *t)
{
	const __u8 *data = (const void *)(uintptr_t)t->data.ptr.buffer;
	const binder_size_t *offs = (const void *)(uintptr_t)t->data.ptr.offsets;
	size_t nobj = t->offsets_size / sizeof(binder_size_t), i;
	const struct flat_binder_object *fo = (const void *)data;
	__u32 idx;

	switch (t->code) {
	case CODE_SM_ADD:
		memcpy(&idx, data + sizeof(*fo), sizeof(idx));
		if (nobj == 1 && fo->hdr.type == BINDER_TYPE_HANDLE &&
		    idx < SM_MAX) {
			wb_handle(c, BC_ACQUIRE, fo->handle);
			mgr.handles[idx] = fo->handle;
		}
		break;
	case CODE_SM_GET: {
		struct flat_binder_object o;

		memcpy(&idx, data, sizeof(idx));
		wb_ptr(c, BC_FREE_BUFFER, t->data.ptr.buffer);
		memset(&o, 0, sizeof(o));
		o.hdr.type = BINDER_TYPE_HANDLE;
		o.handle = idx < SM_MAX ? mgr.handles[idx] : 0;
		memcpy(c->rep, &o, sizeof(o));
		c->rep_off[0] = 0;
		wb_txn(c, BC_REPLY, 0, 0, 0, c->rep, sizeof(o), c->rep_off, 1);
		return;
	}
	case CODE_FD:
		for (i = 0; i < nobj; i++) {
			const struct binder_fd_object *f =
				(const void *)(data + offs[i]);

			if (f->hdr.type == BINDER_TYPE_FD)
				close(f->fd);
		}
		break;
	case CODE_COUNT:
		atomic_fetch_add(mgr.counter, 1);
		break;
	case CODE_KEEP:
		if (mgr.nkept < KEEP_MAX) {
			mgr.kept[mgr.nkept++] = t->data.ptr.buffer;
			wb_txn(c, BC_REPLY, 0, 0, 0, NULL, 0, NULL, 0);
			return;
		}
		break;
	case CODE_FREE_ALL:
		for (i = 0; i < mgr.nkept; i++) {
			wb_ptr(c, BC_FREE_BUFFER, mgr.kept[i]);
			if (c->wlen > sizeof(c->wbuf) / 2)
				flush(c);
		}
		mgr.nkept = 0;
		mgr.kept_bytes = 0;
		break;
	case CODE_CHURN:
		/* keep it; free random older ones until the area has room */
		while (mgr.nkept >= CHURN_MAX_HELD ||
		       (mgr.nkept && mgr.kept_bytes + t->data_size > CHURN_MAX_BYTES)) {
			i = xorshift(&mgr.rng) % mgr.nkept;
			wb_ptr(c, BC_FREE_BUFFER, mgr.kept[i]);
			mgr.kept_bytes -= mgr.kept_size[i];
			mgr.nkept--;
			mgr.kept[i] = mgr.kept[mgr.nkept];
			mgr.kept_size[i] = mgr.kept_size[mgr.nkept];
		}
		mgr.kept[mgr.nkept] = t->data.ptr.buffer;
		mgr.kept_size[mgr.nkept++] = t->data_size;
		mgr.kept_bytes += t->data_size;
		wb_txn(c, BC_REPLY, 0, 0, 0, NULL, 0, NULL, 0);
		return;
	case CODE_REFS_KEEP:
		for (i = 0; i < nobj; i++) {
			fo = (const void *)(data + offs[i]);
			if (fo->hdr.type == BINDER_TYPE_HANDLE)
				wb_handle(c, BC_ACQUIRE, fo->handle);
		}
		break;
	}
	reply_empty(c, t);
}

/* Fork fn(arg) with a readiness pipe; the child calls ready(). */
static int ready_fd = -1;

static void ready(void)
{
	char b = 1;

	if (write(ready_fd, &b, 1) != 1)
		_exit(11);
	close(ready_fd);
	ready_fd = -1;
}

static pid_t spawn(void (*fn)(long), long arg)
{
	int p[2];
	pid_t pid, parent = getpid();
	char b;

	if (pipe2(p, O_CLOEXEC))
		die("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(12);
		close(p[0]);
		ready_fd = p[1];
		fn(arg);
		_exit(0);
	}
	close(p[1]);
	struct pollfd pfd = { .fd = p[0], .events = POLLIN };

	if (poll(&pfd, 1, 20000) != 1 || read(p[0], &b, 1) != 1)
		die("child %d not ready", pid);
	close(p[0]);
	return pid;
}

static void reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

struct mgr_opts {
	size_t map_size;
	int threads;
};

static struct mgr_opts mgr_opts;

static void mgr_main(long unused)
{
	struct flat_binder_object fbo;
	struct conn *c = conn_open(mgr_opts.map_size);
	int i, ret;

	memset(&fbo, 0, sizeof(fbo));
	fbo.flags = FLAT_BINDER_FLAG_ACCEPTS_FDS;
	ret = binder_become_context_manager_ext(c->fd, &fbo);
	if (ret)
		die("BINDER_SET_CONTEXT_MGR_EXT: %d", ret);
	mgr.rng = 0x9e3779b97f4a7c15ULL;
	for (i = 1; i < mgr_opts.threads; i++) {
		pthread_t t;
		struct conn *tc = conn_share(c);

		if (pthread_create(&t, NULL, serve_thread, tc))
			die("pthread_create");
	}
	ready();
	serve(c, mgr_opts.threads > 1 ? NULL : mgr_handler);
}

/* The context manager of this row: threads loopers, map_size mapped */
static pid_t start_mgr(size_t map_size, int threads)
{
	mgr_opts.map_size = map_size;
	mgr_opts.threads = threads;
	return spawn(mgr_main, 0);
}

/* ---- rows ---- */

static void row_floor(void)
{
	long n = count(5000, 100), w = n / 10 + 1, i;
	double *lat = calloc(n, sizeof(*lat)), t0 = 0;
	int a[2], b[2];
	pid_t pid;
	char c = 0;

	if (!lat || pipe(a) || pipe(b))
		die("floor setup");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(a[1]);
		close(b[0]);
		while (read(a[0], &c, 1) == 1)
			if (write(b[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	for (i = -w; i < 0 || go_on(i, n, t0, 4); i++) {
		double t = now_us();

		if (!i)
			t0 = t;
		if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
			die("pipe ping-pong");
		if (i >= 0)
			lat[i] = now_us() - t;
	}
	n = i;
	close(a[1]);
	waitpid(pid, NULL, 0);
	emit_lat("floor_pipe", lat, n);
}

enum sync_kind { PLAIN, OBJS4, FD1 };

static void sync_row(const char *name, size_t size, enum sync_kind kind,
		     long n)
{
	long w = n / 10 + 1, i;
	double *lat = calloc(n, sizeof(*lat));
	__u8 *data = calloc(1, size < 256 ? 256 : size);
	binder_size_t offs[4];
	size_t nobj = 0;
	__u32 code = CODE_PING;
	struct conn *c;
	double t0;
	pid_t m;

	if (!lat || !data)
		die("calloc");
	m = start_mgr(MiB, 1);
	c = conn_open(MiB);
	if (kind == OBJS4) {
		for (nobj = 0; nobj < 4; nobj++) {
			struct flat_binder_object o;

			memset(&o, 0, sizeof(o));
			o.hdr.type = BINDER_TYPE_BINDER;
			o.flags = FLAT_BINDER_FLAG_ACCEPTS_FDS;
			o.binder = 0x1000 + nobj * 0x10;
			o.cookie = 0x2000 + nobj;
			memcpy(data + nobj * sizeof(o), &o, sizeof(o));
			offs[nobj] = nobj * sizeof(o);
		}
		size = nobj * sizeof(struct flat_binder_object);
	} else if (kind == FD1) {
		struct binder_fd_object f;
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			die("open /dev/null");
		memset(&f, 0, sizeof(f));
		f.hdr.type = BINDER_TYPE_FD;
		f.fd = fd;
		memcpy(data, &f, sizeof(f));
		offs[0] = 0;
		nobj = 1;
		size = sizeof(f);
		code = CODE_FD;
	}
	for (i = -w; i < 0; i++)
		timed_call(c, 0, code, data, size, offs, nobj);
	for (i = 0, t0 = now_us(); go_on(i, n, t0, 6); i++)
		lat[i] = timed_call(c, 0, code, data, size, offs, nobj);
	flush(c);
	emit_lat(name, lat, i);
	reap(m);
}

static void row_sync_8B(void) { sync_row("sync_8B", 8, PLAIN, count(5000, 100)); }
static void row_sync_4K(void) { sync_row("sync_4K", 4 * KiB, PLAIN, count(5000, 100)); }
static void row_sync_64K(void) { sync_row("sync_64K", 64 * KiB, PLAIN, count(3000, 50)); }
static void row_sync_4obj(void) { sync_row("sync_4obj", 0, OBJS4, count(5000, 100)); }
static void row_sync_1fd(void) { sync_row("sync_1fd", 0, FD1, count(5000, 100)); }

static void row_oneway(void)
{
	long n = count(30000, 300), window = 256, i;
	__u64 payload = 0;
	struct conn *c;
	double t0, t;
	pid_t m;

	mgr.counter = shm(sizeof(*mgr.counter));
	m = start_mgr(MiB, 1);
	c = conn_open(MiB);
	/* warm up both sides */
	for (i = 0; i < 10; i++)
		if (call(c, 0, CODE_PING, 0, &payload, 8, NULL, 0, NULL, false))
			die("oneway warmup");
	t0 = now_us();
	for (i = 0; go_on(i, n, t0, 5); i++) {
		int ret;

		/* the receiver's async space is finite: stay a window ahead */
		while (i - atomic_load(mgr.counter) >= window)
			sched_yield();
		ret = call(c, 0, CODE_COUNT, TF_ONE_WAY, &payload, 8, NULL, 0,
			   NULL, false);
		if (ret)
			die("oneway call %ld: %#x", i, ret);
	}
	n = i;
	while (atomic_load(mgr.counter) < n) {
		if (now_us() - t0 > 60e6)
			die("oneway: server counted %ld of %ld",
			    atomic_load(mgr.counter), n);
		sched_yield();
	}
	t = now_us() - t0;
	note("oneway: %ld calls", n);
	emit("oneway_calls", n / (t / 1e6), "calls/s");
	reap(m);
}

/* ---- scale ---- */

struct scale_shared {
	double start[16], end[16];
	long done[16];
	double deadline;	/* the clients' time budget ends */
	double lat[];		/* clients x per-client calls */
};

static struct scale_shared *sc;
static long sc_per;
static int sc_go[2];

/* a client: handle (0: the manager; else SM index idx+1 looked up) */
static void scale_client(long idx)
{
	struct conn *c = conn_open(MiB);
	__u32 handle = 0;
	__u64 payload = idx;
	long i;
	char b;

	if (idx >= 0x100) {	/* a pair's client: look its server up */
		struct binder_transaction_data rep;
		struct flat_binder_object o;
		__u32 k = idx - 0x100;

		idx = k;
		if (call(c, 0, CODE_SM_GET, 0, &k, sizeof(k), NULL, 0, &rep, true))
			die("SM_GET %u", k);
		memcpy(&o, (const void *)(uintptr_t)rep.data.ptr.buffer, sizeof(o));
		if (rep.data_size != sizeof(o) || o.hdr.type != BINDER_TYPE_HANDLE)
			die("SM_GET %u: no handle", k);
		handle = o.handle;
		wb_handle(c, BC_ACQUIRE, handle);
		wb_ptr(c, BC_FREE_BUFFER, rep.data.ptr.buffer);
	}
	for (i = 0; i < 10; i++)
		timed_call(c, handle, CODE_PING, &payload, 8, NULL, 0);
	ready();
	if (read(sc_go[0], &b, 1) != 1)
		_exit(13);
	sc->start[idx] = now_us();
	for (i = 0; i < sc_per && (i < 10 || count_override ||
				   now_us() < sc->deadline); i++)
		sc->lat[idx * sc_per + i] =
			timed_call(c, handle, CODE_PING, &payload, 8, NULL, 0);
	sc->end[idx] = now_us();
	sc->done[idx] = i;
	flush(c);
}

/* a pair's server: register node idx with the manager, serve */
static void pair_server(long idx)
{
	struct conn *c = conn_open(MiB);
	struct flat_binder_object o;
	__u8 d[sizeof(o) + sizeof(__u32)];
	binder_size_t off = 0;
	__u32 k = idx;

	memset(&o, 0, sizeof(o));
	o.hdr.type = BINDER_TYPE_BINDER;
	o.binder = 0x5000 + idx * 0x10;
	o.cookie = idx;
	memcpy(d, &o, sizeof(o));
	memcpy(d + sizeof(o), &k, sizeof(k));
	if (call(c, 0, CODE_SM_ADD, 0, d, sizeof(d), &off, 1, NULL, false))
		die("SM_ADD %ld", idx);
	flush(c);
	ready();
	serve(c, NULL);
}

/* P clients on one server of P loopers (pairs false) or P pairs */
static void scale_run(int p, bool pairs, long total)
{
	pid_t m, srv[16] = { 0 }, cli[16] = { 0 };
	double t0 = 1e300, t1 = 0, *lat;
	char row[64], go[16] = { 0 };
	long n, done = 0, j;
	int i;

	if (p < 1 || p > 16)
		die("scale: %d clients", p);
	sc_per = total / p;
	n = sc_per * p;
	sc = shm(sizeof(*sc) + n * sizeof(double));
	if (pipe(sc_go))
		die("pipe");
	m = start_mgr(MiB, pairs ? 1 : p);
	for (i = 0; pairs && i < p; i++)
		srv[i] = spawn(pair_server, i);
	for (i = 0; i < p; i++)
		cli[i] = spawn(scale_client, pairs ? 0x100 + i : i);
	sc->deadline = now_us() + budget_us(3);
	if (write(sc_go[1], go, (size_t)p) != (ssize_t)p)
		die("go");
	for (i = 0; i < p; i++) {
		int status;

		waitpid(cli[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			die("scale client %d: status %#x", i, status);
		if (sc->start[i] < t0)
			t0 = sc->start[i];
		if (sc->end[i] > t1)
			t1 = sc->end[i];
	}
	for (i = 0; i < p; i++)
		reap(srv[i]);
	reap(m);
	close(sc_go[0]);
	close(sc_go[1]);

	/* every client's samples, one after the other */
	lat = sc->lat;
	for (i = 0; i < p; i++)
		for (j = 0; j < sc->done[i]; j++)
			lat[done++] = sc->lat[i * sc_per + j];
	qsort(lat, done, sizeof(*lat), cmp_double);
	note("scale %s P=%d: %ld calls", pairs ? "pairs" : "server", p, done);
	snprintf(row, sizeof(row), "scale_%s_P%d_calls", pairs ? "pairs" : "server", p);
	emit(row, done / ((t1 - t0) / 1e6), "calls/s");
	snprintf(row, sizeof(row), "scale_%s_P%d_p99", pairs ? "pairs" : "server", p);
	emit(row, pct(lat, done, 99), "us");
	munmap(sc, sizeof(*sc) + n * sizeof(double));
}

static const int scale_ps[] = { 1, 2, 4, 8 };

static void row_scale_server(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scale_ps); i++)
		scale_run(scale_ps[i], false, count(8000, 80));
}

static void row_scale_pairs(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scale_ps); i++)
		scale_run(scale_ps[i], true, count(8000, 80));
}

/* ---- isolation ---- */

/*
 * The stuck process: a reader whose read buffer, and a writer whose
 * transaction data (to the manager), lie on userfaultfd pages nobody
 * fills.  Its main thread reports the faults on stuck_pipe and fills the
 * pages once told to on release_pipe.  Page 0 is an ordinary page, pages
 * 1 and 2 are the userfaultfd ones.  The reader sends a oneway call and
 * reads its BR_TRANSACTION_COMPLETE into a buffer that starts 4 bytes
 * before page 1: BR_NOOP fits on page 0, so the driver gets as far as
 * writing the second return, onto the missing page (a driver that does
 * that under a shared lock stalls everyone here).
 */
static int stuck_pipe[2], release_pipe[2];
static __u8 *stuck_pages;
static long page_size;
static int stuck_fd;

static void *stuck_reader(void *arg)
{
	struct binder_transaction_data tr = {
		.target.handle = 0, .code = CODE_PING, .flags = TF_ONE_WAY,
	};
	__u8 w[sizeof(__u32) + sizeof(tr)];
	__u32 cmd = BC_TRANSACTION;
	struct binder_write_read bwr;

	memcpy(w, &cmd, sizeof(cmd));
	memcpy(w + sizeof(cmd), &tr, sizeof(tr));
	memset(&bwr, 0, sizeof(bwr));
	bwr.write_buffer = (binder_uintptr_t)(uintptr_t)w;
	bwr.write_size = sizeof(w);
	bwr.read_buffer = (binder_uintptr_t)(uintptr_t)(stuck_pages +
							 page_size - 4);
	bwr.read_size = 256;
	ioctl(stuck_fd, BINDER_WRITE_READ, &bwr);
	return NULL;
}

static void *stuck_writer(void *arg)
{
	struct conn *c = conn_share(arg);

	/* 64 bytes of payload on the third, missing page */
	call(c, 0, CODE_PING, 0, stuck_pages + 2 * page_size, 64, NULL, 0,
	     NULL, false);
	return NULL;
}

static void stuck_main(long unused)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct conn *c = conn_open(MiB);
	pthread_t tr, tw;
	int uffd, faults = 0;
	char b;

	stuck_fd = c->fd;
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) {
		note("isolation: userfaultfd: %s", strerror(errno));
		_exit(20);
	}
	stuck_pages = mmap(NULL, 3 * page_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stuck_pages == MAP_FAILED)
		die("mmap");
	stuck_pages[0] = 1;	/* page 0 is there */
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)(stuck_pages + page_size);
	reg.range.len = 2 * page_size;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER");
	ready();
	if (pthread_create(&tr, NULL, stuck_reader, NULL) ||
	    pthread_create(&tw, NULL, stuck_writer, c))
		die("pthread_create");
	/* report every fault as it comes, until released */
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = uffd, .events = POLLIN },
			{ .fd = release_pipe[0], .events = POLLIN },
		};
		struct uffd_msg msg;

		if (poll(pfd, 2, -1) < 0)
			continue;
		if (pfd[1].revents)
			break;
		if (read(uffd, &msg, sizeof(msg)) == sizeof(msg) &&
		    msg.event == UFFD_EVENT_PAGEFAULT) {
			faults++;
			b = faults;
			if (write(stuck_pipe[1], &b, 1) != 1)
				_exit(21);
		}
	}
	if (read(release_pipe[0], &b, 1) != 1)
		_exit(22);
	/* fill both pages: the reader reads on, the writer's call goes out */
	struct uffdio_zeropage zp = {
		.range = { .start = (uintptr_t)(stuck_pages + page_size),
			   .len = 2 * page_size },
	};
	ioctl(uffd, UFFDIO_ZEROPAGE, &zp);
	pthread_join(tw, NULL);
	for (;;)
		pause();	/* the reader waits for work: killed */
}

static atomic_int iso_done;

static void *iso_watchdog(void *arg)
{
	double limit = *(double *)arg, t0 = now_us();
	char b = 1;

	while (!atomic_load(&iso_done)) {
		if (now_us() - t0 > limit) {
			note("isolation: pair still busy after %.0f s: releasing the stuck pages",
			     limit / 1e6);
			if (write(release_pipe[1], &b, 1) != 1)
				break;
			return NULL;
		}
		usleep(10000);
	}
	return NULL;
}

static void row_isolation(void)
{
	long n = count(4000, 100), w = n / 10 + 1, i;
	double *base = calloc(n, sizeof(double)), *stuck = calloc(n, sizeof(double));
	double limit = 10e6, base99, stuck99, t0;
	long nb, ns;
	__u64 payload = 0;
	struct conn *c;
	pthread_t wd;
	pid_t m, s;
	int faults = 0, status;
	char b;

	page_size = sysconf(_SC_PAGESIZE);
	if (!base || !stuck || pipe(stuck_pipe) || pipe(release_pipe))
		die("isolation setup");
	m = start_mgr(MiB, 1);
	c = conn_open(MiB);
	for (i = -w; i < 0; i++)
		timed_call(c, 0, CODE_PING, &payload, 8, NULL, 0);
	for (i = 0, t0 = now_us(); go_on(i, n, t0, 4); i++)
		base[i] = timed_call(c, 0, CODE_PING, &payload, 8, NULL, 0);
	nb = i;
	s = spawn(stuck_main, 0);
	/* both of its threads stuck in the driver on a missing page */
	for (;;) {
		struct pollfd pfd = { .fd = stuck_pipe[0], .events = POLLIN };

		if (poll(&pfd, 1, 5000) != 1)
			break;
		if (read(stuck_pipe[0], &b, 1) == 1)
			faults = b;
		if (faults >= 2)
			break;
	}
	if (waitpid(s, &status, WNOHANG) == s) {
		note("isolation: the stuck process exited (%#x): no userfaultfd?", status);
		reap(m);
		exit(1);
	}
	note("isolation: %d of 2 threads stuck on a userfaultfd page", faults);
	if (pthread_create(&wd, NULL, iso_watchdog, &limit))
		die("pthread_create");
	for (i = 0, t0 = now_us(); go_on(i, n, t0, 4); i++)
		stuck[i] = timed_call(c, 0, CODE_PING, &payload, 8, NULL, 0);
	ns = i;
	atomic_store(&iso_done, 1);
	pthread_join(wd, NULL);
	flush(c);
	b = 1;
	if (write(release_pipe[1], &b, 1) != 1)
		die("release");
	usleep(100000);
	reap(s);
	emit_lat("isolation_base", base, nb);
	emit_lat("isolation_stuck", stuck, ns);
	base99 = pct(base, nb, 99);
	stuck99 = pct(stuck, ns, 99);
	emit("isolation_slowdown", base99 > 0 ? stuck99 / base99 : 0, "x");
	reap(m);
}

/* ---- refs ---- */

/*
 * The manager holds refs: this process sends it fresh local binders in
 * batches (CODE_REFS_KEEP: it BC_ACQUIREs each handle).  At 1k, 10k and
 * 100k held refs, the time per new handle is that of a call carrying
 * REFS_MEASURE fresh binders, divided by their number (the manager frees
 * them: the count stays).  Building is quadratic on a driver whose lowest
 * free handle is a walk of all refs: a budget stops it, and refs_reached
 * says how far it got.
 */
#define REFS_BATCH	1000
#define REFS_MEASURE	100

static binder_uintptr_t refs_next_ptr = 0x100000;

static int refs_send(struct conn *c, __u32 code, int n)
{
	static struct flat_binder_object objs[REFS_BATCH];
	static binder_size_t offs[REFS_BATCH];
	int i;

	for (i = 0; i < n; i++) {
		memset(&objs[i], 0, sizeof(objs[i]));
		objs[i].hdr.type = BINDER_TYPE_BINDER;
		objs[i].binder = refs_next_ptr;
		objs[i].cookie = refs_next_ptr;
		refs_next_ptr += 0x10;
		offs[i] = i * sizeof(objs[i]);
	}
	return call(c, 0, code, 0, objs, n * sizeof(objs[0]), offs, n, NULL,
		    false);
}

static void row_refs(void)
{
	static const long levels[] = { 1000, 10000, 100000 };
	static const char * const names[] = { "refs_1k", "refs_10k", "refs_100k" };
	double budget = (quick ? 5 : 30) * 1e6, t0, per[3] = { 0 };
	long held = 0;
	size_t l;
	int reps = quick ? 2 : 7, r;
	struct conn *c;
	pid_t m;

	m = start_mgr(MiB, 1);
	c = conn_open(MiB);
	t0 = now_us();
	for (l = 0; l < ARRAY_SIZE(levels); l++) {
		double t[16];

		while (held < levels[l] && now_us() - t0 < budget) {
			int k = levels[l] - held < REFS_BATCH ? levels[l] - held : REFS_BATCH;

			if (refs_send(c, CODE_REFS_KEEP, k))
				die("refs: building at %ld", held);
			held += k;
		}
		if (held < levels[l]) {
			note("refs: %ld refs built in the %.0f s budget, %s not reached",
			     held, budget / 1e6, names[l]);
			break;
		}
		for (r = 0; r < reps; r++) {
			double s = now_us();

			if (refs_send(c, CODE_PING, REFS_MEASURE))
				die("refs: measuring at %ld", held);
			t[r] = (now_us() - s) / REFS_MEASURE;
		}
		qsort(t, reps, sizeof(t[0]), cmp_double);
		per[l] = t[reps / 2];
		emit(names[l], per[l], "us");
	}
	note("refs: %ld refs built in %.1f s", held, (now_us() - t0) / 1e6);
	emit("refs_reached", held, "refs");
	if (per[0] > 0 && per[2] > 0)
		emit("refs_growth", per[2] / per[0], "x");
	flush(c);
	reap(m);
}

/* ---- procs ---- */

static void procs_child(void)
{
	struct conn *c = conn_open(128 * KiB);
	__u64 payload = 0;

	if (call(c, 0, CODE_PING, 0, &payload, 8, NULL, 0, NULL, false))
		_exit(1);
	flush(c);
	munmap(c->map, 128 * KiB);
	close(c->fd);
	_exit(0);
}

static void row_procs(void)
{
	long n = count(1000, 20), launched = 0, live = 0, failed = 0;
	const long par = 4;
	struct binder_objects base;
	double t0, t1, t2;
	pid_t m;

	m = start_mgr(MiB, 1);
	binder_objects_snapshot(&base);
	fflush(stdout);
	t0 = now_us();
	while (launched < n || live > 0) {
		int status;

		if (launched < n && live < par) {
			pid_t pid = fork();

			if (pid < 0)
				die("fork");
			if (pid == 0)
				procs_child();
			launched++;
			live++;
			continue;
		}
		if (wait(&status) < 0)
			die("wait");
		live--;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	t1 = now_us();
	if (binder_wait_objects_back(&base, 30000))
		note("procs: objects not back after 30 s");
	t2 = now_us();
	if (failed)
		note("procs: %ld of %ld processes failed", failed, n);
	note("procs: %ld processes, %ld at a time", n, par);
	emit("procs_1000", (t1 - t0) / 1e6 * 1000 / n, "s");
	emit("procs_1000_drained", (t2 - t0) / 1e6 * 1000 / n, "s");
	reap(m);
}

/* ---- allocator churn ---- */

static void row_churn(void)
{
	static __u8 data[CHURN_MAX_SIZE];
	long n = count(10000, 200), i, failed = 0;
	__u64 rng = 0x2545f4914f6cdd1dULL;
	struct conn *c;
	double t0, t;
	pid_t m;

	m = start_mgr(MiB, 1);
	c = conn_open(MiB);
	t0 = now_us();
	for (i = 0; go_on(i, n, t0, 5); i++) {
		size_t size = 8 + (xorshift(&rng) % (CHURN_MAX_SIZE / 8)) * 8;

		if (size > CHURN_MAX_SIZE)
			size = CHURN_MAX_SIZE;
		if (call(c, 0, CODE_CHURN, 0, data, size, NULL, 0, NULL, false))
			failed++;
	}
	t = now_us() - t0;
	n = i;
	flush(c);
	note("churn: %ld allocations", n);
	if (failed)
		note("churn: %ld of %ld allocations failed", failed, n);
	emit("alloc_churn", n / (t / 1e6), "allocs/s");
	reap(m);
}

/* ---- memory ---- */

static long meminfo_kb(const char *key)
{
	char buf[4096], *p;
	size_t len = strlen(key);

	if (binder_read_file("/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, key, len) && p[len] == ':')
			return strtol(p + len + 1, NULL, 10);
	}
	return -1;
}

/*
 * Free memory in kB: the zones' free pages and the pages on the per-cpu
 * lists (MemFree leaves those out, and they serve a burst like binder's:
 * MemFree may not move at all).
 */
static long free_kb(void)
{
	static char buf[65536];
	long pages = 0;
	char *p;

	if (binder_read_file("/proc/zoneinfo", buf, sizeof(buf)) < 0)
		return -1;
	for (p = strtok(buf, "\n"); p; p = strtok(NULL, "\n")) {
		long v;

		p += strspn(p, " ");
		if (sscanf(p, "nr_free_pages %ld", &v) == 1 ||
		    sscanf(p, "count: %ld", &v) == 1)
			pages += v;
	}
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

/* bytes in /proc/slabinfo caches whose name holds "binder"; -1: none */
static long module_slab_bytes(void)
{
	char line[512];
	long total = -1;
	FILE *f = fopen("/proc/slabinfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char name[64];
		long active, num, objsize;

		if (!strstr(line, "binder") ||
		    sscanf(line, "%63s %ld %ld %ld", name, &active, &num, &objsize) != 4)
			continue;
		total = (total < 0 ? 0 : total) + num * objsize;
	}
	fclose(f);
	return total;
}

struct mem_point {
	long slab, free, module, pages;
};

static void mem_measure(struct mem_point *pt, pid_t m)
{
	struct binder_proc_stats st;
	int fd;

	binder_drop_caches(3);
	usleep(200000);
	/* fold the per-cpu counters into what /proc/meminfo shows */
	fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			note("memory: vm/stat_refresh: %s", strerror(errno));
		close(fd);
	}
	pt->slab = meminfo_kb("Slab");
	pt->free = free_kb();
	pt->module = module_slab_bytes();
	pt->pages = binder_proc_stats(m, &st) ? -1 : st.pages_active + st.pages_lru;
}

static void mem_emit(const char *when, const struct mem_point *b,
		     const struct mem_point *p)
{
	char row[64];

	snprintf(row, sizeof(row), "mem_%s_slab", when);
	emit(row, p->slab - b->slab, "kB");
	snprintf(row, sizeof(row), "mem_%s_used", when);
	emit(row, b->free - p->free, "kB");
	snprintf(row, sizeof(row), "mem_%s_pages", when);
	emit(row, p->pages, "pages");
	if (p->module >= 0) {
		snprintf(row, sizeof(row), "mem_%s_module_slab", when);
		emit(row, (p->module - (b->module > 0 ? b->module : 0)) / 1024.0, "kB");
	}
}

static void row_memory(void)
{
	static __u8 data[4096];
	struct mem_point base, burst, freed;
	long n = 1000, i, failed = 0;
	struct conn *c;
	pid_t m;

	m = start_mgr(4 * MiB, 1);
	c = conn_open(MiB);
	mem_measure(&base, m);
	for (i = 0; i < n; i++)
		if (call(c, 0, CODE_KEEP, 0, data, sizeof(data), NULL, 0, NULL, false))
			failed++;
	flush(c);
	mem_measure(&burst, m);
	if (call(c, 0, CODE_FREE_ALL, 0, data, 8, NULL, 0, NULL, false))
		die("memory: free all");
	flush(c);
	mem_measure(&freed, m);
	if (failed)
		note("memory: %ld of %ld 4 KiB calls failed", failed, n);
	if (base.module < 0)
		note("memory: no binder slab cache: slab = Slab delta of /proc/meminfo");
	note("memory: base/burst/freed: Slab %ld/%ld/%ld kB, free %ld/%ld/%ld kB",
	     base.slab, burst.slab, freed.slab, base.free, burst.free, freed.free);
	note("memory: base/burst/freed: binder pages %ld/%ld/%ld",
	     base.pages, burst.pages, freed.pages);
	mem_emit("burst", &base, &burst);
	mem_emit("freed", &base, &freed);
	reap(m);
}

/* ---- driver ---- */

static const struct {
	const char *name;
	void (*fn)(void);
} rows[] = {
	{ "floor", row_floor },
	{ "sync_8B", row_sync_8B },
	{ "sync_4K", row_sync_4K },
	{ "sync_64K", row_sync_64K },
	{ "sync_4obj", row_sync_4obj },
	{ "sync_1fd", row_sync_1fd },
	{ "oneway", row_oneway },
	{ "scale_server", row_scale_server },
	{ "scale_pairs", row_scale_pairs },
	{ "isolation", row_isolation },
	{ "refs", row_refs },
	{ "procs", row_procs },
	{ "churn", row_churn },
	{ "memory", row_memory },
};

#define NROWS ARRAY_SIZE(rows)

/* One row in a process of its own; 0 if it exited 0 in time */
static int run_row(size_t r)
{
	double t0 = now_us();
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(quick ? 120 : 600);
		rows[r].fn();
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	note("%s: %.1f s", rows[r].name, (now_us() - t0) / 1e6);
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	note("%s FAILED (status %#x)", rows[r].name, status);
	return 1;
}

static void print_usage(void)
{
	size_t r;

	fprintf(stderr, "usage: binder_bench ROW|all [quick] [n=COUNT] [dev=PATH]\nrows:");
	for (r = 0; r < NROWS; r++)
		fprintf(stderr, " %s", rows[r].name);
	fprintf(stderr, "\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *q = getenv("QUICK"), *which;
	struct binder_objects base;
	int i, failed = 0;
	size_t r;
	bool found = false, stats;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		print_usage();
	which = argv[1];
	quick = q && *q && strcmp(q, "0");
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "quick") || !strcmp(argv[i], "QUICK=1"))
			quick = true;
		else if (!strncmp(argv[i], "n=", 2))
			count_override = atol(argv[i] + 2);
		else if (!strncmp(argv[i], "dev=", 4))
			dev = argv[i] + 4;
		else
			print_usage();
	}
	note("binder_bench %s on %s, driver %s%s", which, dev,
	     binder_is_ours() ? "ours" : "reference", quick ? ", QUICK" : "");
	stats = !binder_objects_snapshot(&base);
	if (!stats)
		note("no %s/stats: not waiting for objects between rows", BINDER_DEBUGFS);
	for (r = 0; r < NROWS; r++) {
		if (strcmp(which, "all") && strcmp(which, rows[r].name))
			continue;
		found = true;
		failed += run_row(r);
		if (stats && binder_wait_objects_back(&base, 20000))
			note("%s: binder objects not back to where they were after 20 s",
			     rows[r].name);
	}
	if (!found)
		print_usage();
	note("binder_bench done, %d row(s) failed", failed);
	return failed ? 1 : 0;
}
