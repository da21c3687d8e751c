// SPDX-License-Identifier: GPL-2.0
/*
 * binder_fuzz: a seeded random driver of the whole binder protocol, for
 * the VM lane (tools/fuzz/README.md).  Static C on the raw UAPI header of
 * the kernel it is built for.
 *
 *   binder_fuzz [-s SEED] [-t SECONDS] [-w WATCHDOG] [-p WORKERS] [-v]
 *   binder_fuzz --holder SEED MS FD...   (what an exec'd holder runs)
 *
 * The supervisor (this process) forks, per device (/dev/binder, hwbinder,
 * vndbinder, those that exist), one context manager and WORKERS workers;
 * each has 2-3 threads that issue random but structurally plausible command
 * streams, serve what comes in, and exchange real handles through the
 * context manager (SM_ADD / SM_GET).  The supervisor is also the chaos
 * agent: it kills, stops and respawns processes.  Each process and thread
 * draws from a PRNG seeded by (SEED, slot, generation, thread), so a run is
 * reproducible as far as scheduling allows.
 *
 * Output (TAP, as the lane reads it): "# fuzz: ..." figures, then
 * "ok 1 fuzz seed=SEED" or "not ok 1 fuzz seed=SEED: why".  A failure
 * here is a hang: a process still running WATCHDOG seconds after the end.
 * Kernel reports, object counts and rmmod are checked by the lane.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>

#include "binder_lib.h"

/* 6.12's freeze notifications, by number: on 6.1 they are unknown commands */
struct fz_frozen_state {
	binder_uintptr_t cookie;
	uint32_t is_frozen;
	uint32_t reserved;
};

#define FZ_BC_REQUEST_FREEZE_NOTIFICATION _IOW('c', 19, struct binder_handle_cookie)
#define FZ_BC_CLEAR_FREEZE_NOTIFICATION	_IOW('c', 20, struct binder_handle_cookie)
#define FZ_BC_FREEZE_NOTIFICATION_DONE	_IOW('c', 21, binder_uintptr_t)
#define FZ_BR_TRANSACTION_PENDING_FROZEN _IO('r', 20)
#define FZ_BR_FROZEN_BINDER		_IOR('r', 21, struct fz_frozen_state)
#define FZ_BR_CLEAR_FREEZE_NOTIFICATION_DONE _IOR('r', 22, binder_uintptr_t)

#define MAX_DEVS	3
#define MAX_SLOTS	32
#define NODES		16
#define HANDLES		32
#define HELD		32
#define ALIENS		4
#define POOL		12
#define SM_HANDLES	64
#define SM_ADD		1
#define SM_GET		2
#define WBUF_SIZE	16384
#define RBUF_SIZE	4096
#define SG_SIZE		8192
#define MAX_OBJS	12
#define NR_SLOTS	32	/* counters indexed by _IOC_NR */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char * const dev_names[MAX_DEVS] = {
	"/dev/binder", "/dev/hwbinder", "/dev/vndbinder",
};

/* the devices present, in that order; slots name them by index here */
static const char *devs[MAX_DEVS];

static const char * const bc_names[] = {
	"TRANSACTION", "REPLY", "ACQUIRE_RESULT", "FREE_BUFFER", "INCREFS",
	"ACQUIRE", "RELEASE", "DECREFS", "INCREFS_DONE", "ACQUIRE_DONE",
	"ATTEMPT_ACQUIRE", "REGISTER_LOOPER", "ENTER_LOOPER", "EXIT_LOOPER",
	"REQUEST_DEATH_NOTIFICATION", "CLEAR_DEATH_NOTIFICATION",
	"DEAD_BINDER_DONE", "TRANSACTION_SG", "REPLY_SG",
	"REQUEST_FREEZE_NOTIFICATION", "CLEAR_FREEZE_NOTIFICATION",
	"FREEZE_NOTIFICATION_DONE",
};

static const char * const br_names[] = {
	"ERROR", "OK", "TRANSACTION", "REPLY", "ACQUIRE_RESULT", "DEAD_REPLY",
	"TRANSACTION_COMPLETE", "INCREFS", "ACQUIRE", "RELEASE", "DECREFS",
	"ATTEMPT_ACQUIRE", "NOOP", "SPAWN_LOOPER", "FINISHED", "DEAD_BINDER",
	"CLEAR_DEATH_NOTIFICATION_DONE", "FAILED_REPLY", "FROZEN_REPLY",
	"ONEWAY_SPAM_SUSPECT", "TRANSACTION_PENDING_FROZEN", "FROZEN_BINDER",
	"CLEAR_FREEZE_NOTIFICATION_DONE",
};

static const char * const ioctl_names[NR_SLOTS] = {
	[1] = "WRITE_READ", [3] = "SET_IDLE_TIMEOUT", [5] = "SET_MAX_THREADS",
	[6] = "SET_IDLE_PRIORITY", [7] = "SET_CONTEXT_MGR", [8] = "THREAD_EXIT",
	[9] = "VERSION", [11] = "GET_NODE_DEBUG_INFO",
	[12] = "GET_NODE_INFO_FOR_REF", [13] = "SET_CONTEXT_MGR_EXT",
	[14] = "FREEZE", [15] = "GET_FROZEN_INFO",
	[16] = "ENABLE_ONEWAY_SPAM_DETECTION", [17] = "GET_EXTENDED_ERROR",
};

static const char * const obj_names[] = {
	"binder", "weak_binder", "handle", "weak_handle", "fd", "fda", "ptr",
	"garbage",
};

/* What a thread does next; weights in op_weight[] */
enum fz_op {
	OP_CALL, OP_CALL_SG, OP_ONEWAY_FLOOD, OP_SM_GET, OP_SM_ADD, OP_REFS,
	OP_NODE_DONE, OP_DEATH, OP_FREEZE_NOTE, OP_LOOPER, OP_FREE,
	OP_LATE_REPLY, OP_STRAY_REPLY, OP_RAW, OP_FLIP, OP_TRUNCATE,
	OP_READ_ODD, OP_IOCTL, OP_IOCTL_RANDOM, OP_FREEZE, OP_EPOLL, OP_POLL,
	OP_DEBUGFS, OP_MMAP, OP_REOPEN, OP_HOLDER_FORK, OP_HOLDER_EXEC,
	OP_SCM, OP_ALIEN, OP_THREAD, OP_THREAD_EXIT, OP_EXIT, OP_COUNT
};

static const char * const op_names[OP_COUNT] = {
	"call", "call_sg", "oneway_flood", "sm_get", "sm_add", "refs",
	"node_done", "death", "freeze_note", "looper", "free", "late_reply",
	"stray_reply", "raw", "flip", "truncate", "read_odd", "ioctl",
	"ioctl_random", "freeze", "epoll", "poll", "debugfs", "mmap", "reopen",
	"holder_fork", "holder_exec", "scm", "alien", "thread", "thread_exit",
	"exit",
};

static const unsigned int op_weight[OP_COUNT] = {
	[OP_CALL] = 220, [OP_CALL_SG] = 90, [OP_ONEWAY_FLOOD] = 8,
	[OP_SM_GET] = 40, [OP_SM_ADD] = 20, [OP_REFS] = 50,
	[OP_NODE_DONE] = 20, [OP_DEATH] = 40, [OP_FREEZE_NOTE] = 25,
	[OP_LOOPER] = 15, [OP_FREE] = 30, [OP_LATE_REPLY] = 30,
	[OP_STRAY_REPLY] = 10, [OP_RAW] = 30, [OP_FLIP] = 40,
	[OP_TRUNCATE] = 25, [OP_READ_ODD] = 25, [OP_IOCTL] = 50,
	[OP_IOCTL_RANDOM] = 15, [OP_FREEZE] = 15, [OP_EPOLL] = 12,
	[OP_POLL] = 10, [OP_DEBUGFS] = 6, [OP_MMAP] = 2, [OP_REOPEN] = 2,
	[OP_HOLDER_FORK] = 4, [OP_HOLDER_EXEC] = 2, [OP_SCM] = 4,
	[OP_ALIEN] = 8, [OP_THREAD] = 6, [OP_THREAD_EXIT] = 6, [OP_EXIT] = 1,
};

/* ---- State shared by every process (MAP_SHARED, made before the forks) ---- */

struct fz_slot {
	int pid;	/* 0 while not running */
	int dev;	/* home device */
	int gen;	/* how many times it was started */
	int ctx_mgr;	/* the context manager of its device */
	int stopped;	/* SIGSTOPped by the chaos agent */
	int64_t respawn_ms;
};

struct fz_shared {
	int stop;
	int nslots;
	int ndevs;
	uint64_t seed;
	struct fz_slot slot[MAX_SLOTS];
	uint64_t bc[NR_SLOTS], br[NR_SLOTS], br_other;
	uint64_t bc_raw, bc_flip, bc_trunc;
	uint64_t ioctl[NR_SLOTS], ioctl_err[NR_SLOTS], ioctl_other;
	uint64_t obj[8], ops[OP_COUNT];
	uint64_t txns, oneway, replies, objs_bad;
	uint64_t spawned, killed, sigstopped, exited, crashed;
	uint64_t holders, execs, scm, threads, aliens, anomalies;
};

static struct fz_shared *sh;

static void stat_inc(uint64_t *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

static int64_t now_ms(void)
{
	return binder_now_ms();
}

static bool stopping(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_RELAXED);
}

/* ---- PRNG: splitmix64, one state per thread ---- */

struct rng {
	uint64_t s;
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? rnd(r) % n : 0;
}

static bool chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

static void rng_seed(struct rng *r, uint64_t seed, int slot, int gen, int thread)
{
	r->s = mix64(seed ^ mix64(((uint64_t)slot << 40) ^ ((uint64_t)gen << 16) ^
				  (uint64_t)(thread + 1)));
}

/* A value as fuzzers like them: small, edge, or anything */
static uint64_t interesting(struct rng *r)
{
	static const uint64_t edge[] = {
		0, 1, 2, 7, 8, 16, 24, 40, 4095, 4096, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL, ~0ULL,
		~0ULL - 7, 0xffff888000000000ULL,
	};

	switch (below(r, 3)) {
	case 0:
		return edge[below(r, ARRAY_SIZE(edge))];
	case 1:
		return below(r, 256);
	default:
		return rnd(r);
	}
}

/* ---- This process ---- */

struct fz_dev {
	int fd;			/* -1 when closed */
	int dev;		/* index into dev_names */
	uint8_t *map;
	size_t map_size;
	bool mapped;		/* the whole mapping is there to read */
	unsigned int map_gen;	/* changes with the mapping (map_lock) */
	uint32_t handle[HANDLES];
	uint8_t strong[HANDLES], weak[HANDLES];	/* counts we took */
	int nhandles;
	binder_uintptr_t held[HELD];	/* received buffers not freed yet */
	int nheld;
	binder_uintptr_t freed;		/* the last one freed (double frees) */
};

struct fz_proc {
	int slot, gen;
	bool ctx_mgr;
	pthread_mutex_t lock;		/* the tables below and in dev[] */
	pthread_rwlock_t map_lock;	/* read: touching a mapping; write: changing it */
	struct fz_dev dev[2];
	int ndev;
	int pool[POOL];			/* fds to send in objects */
	int npool;
	int epfd;			/* an epoll set holding the binder fds */
	int alien[ALIENS];		/* binder fds of other procs, received */
	int naliens;
	uint32_t sm[SM_HANDLES];	/* the context manager's registry */
	int nsm;
	int threads;			/* running threads */
	int threads_started;
};

static struct fz_proc P;
static __thread int cur_op = -1;	/* the op this thread is in, for a crash */
static uint64_t fz_nodes[NODES];	/* our nodes are these addresses */

static binder_uintptr_t node_ptr(int i)
{
	return (binder_uintptr_t)(uintptr_t)&fz_nodes[i];
}

static binder_uintptr_t node_cookie(int i)
{
	return 0xc00c1e0000ULL + i;
}

/* ---- A thread ---- */

struct wbuf {
	size_t len;
	uint8_t b[WBUF_SIZE];
};

struct fz_thread {
	struct rng rng;
	int idx;
	bool extra;		/* a short-lived thread */
	timer_t timer;
	bool has_timer;
	int pend[2];		/* incoming sync calls not replied, per dev */
	bool spawn;		/* the driver asked for a looper (BR_SPAWN_LOOPER) */
	unsigned int read_gen;	/* map_gen when the returns being parsed were read */
	struct wbuf w;		/* the command being built */
	struct wbuf resp;	/* what the returns ask for (frees, dones, replies) */
	uint8_t rbuf[RBUF_SIZE];
	uint8_t data[4096 + 256];
	binder_size_t offs[MAX_OBJS + 4];
	uint8_t sg[SG_SIZE];
};

static void put(struct wbuf *w, const void *p, size_t n)
{
	if (w->len + n > sizeof(w->b))
		return;
	memcpy(w->b + w->len, p, n);
	w->len += n;
}

static void put_bc(struct wbuf *w, uint32_t bc)
{
	if (_IOC_TYPE(bc) == 'c' && _IOC_NR(bc) < NR_SLOTS)
		stat_inc(&sh->bc[_IOC_NR(bc)]);
	else
		stat_inc(&sh->bc_raw);
	put(w, &bc, sizeof(bc));
}

static void put_u32(struct wbuf *w, uint32_t bc, uint32_t v)
{
	put_bc(w, bc);
	put(w, &v, sizeof(v));
}

static void put_ptr(struct wbuf *w, uint32_t bc, binder_uintptr_t v)
{
	put_bc(w, bc);
	put(w, &v, sizeof(v));
}

static void put_ptr_cookie(struct wbuf *w, uint32_t bc, binder_uintptr_t ptr,
			   binder_uintptr_t cookie)
{
	struct binder_ptr_cookie pc = { .ptr = ptr, .cookie = cookie };

	put_bc(w, bc);
	put(w, &pc, sizeof(pc));
}

static void put_handle_cookie(struct wbuf *w, uint32_t bc, uint32_t handle,
			      binder_uintptr_t cookie)
{
	struct binder_handle_cookie hc = { .handle = handle, .cookie = cookie };

	put_bc(w, bc);
	put(w, &hc, sizeof(hc));
}

/* A thread's own timer interrupts its blocking ioctls (SIGUSR1, no restart). */
static void on_sigusr1(int sig)
{
	(void)sig;
}

static void thread_timer_init(struct fz_thread *t)
{
	struct sigevent sev;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGUSR1;
	sev._sigev_un._tid = syscall(SYS_gettid);
	t->has_timer = timer_create(CLOCK_MONOTONIC, &sev, &t->timer) == 0;
}

static void thread_timer_arm(struct fz_thread *t, int ms)
{
	struct itimerspec its;

	if (!t->has_timer)
		return;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
	timer_settime(t->timer, 0, &its, NULL);
}

static int fz_ioctl(int fd, unsigned long cmd, void *arg)
{
	unsigned int nr = _IOC_NR(cmd);
	int ret;

	if (_IOC_TYPE(cmd) == 'b' && nr < NR_SLOTS && ioctl_names[nr])
		stat_inc(&sh->ioctl[nr]);
	else
		stat_inc(&sh->ioctl_other);
	ret = ioctl(fd, cmd, arg);
	if (ret < 0 && _IOC_TYPE(cmd) == 'b' && nr < NR_SLOTS)
		stat_inc(&sh->ioctl_err[nr]);
	return ret;
}

/*
 * BINDER_WRITE_READ; a read on a blocking fd is bounded by the thread's
 * timer (the driver's wait is interruptible).
 */
static int fz_wr(struct fz_thread *t, int fd, const void *wb, size_t wlen,
		 void *rb, size_t rlen, struct binder_write_read *bwr)
{
	int ret;

	memset(bwr, 0, sizeof(*bwr));
	bwr->write_buffer = (binder_uintptr_t)(uintptr_t)wb;
	bwr->write_size = wlen;
	bwr->read_buffer = (binder_uintptr_t)(uintptr_t)rb;
	bwr->read_size = rlen;
	if (rlen && t)
		thread_timer_arm(t, 50 + below(&t->rng, 250));
	ret = fz_ioctl(fd, BINDER_WRITE_READ, bwr);
	if (rlen && t)
		thread_timer_arm(t, 0);
	return ret;
}

static void flush(struct fz_thread *t, int fd, struct wbuf *w)
{
	struct binder_write_read bwr;

	if (w->len && fd >= 0)
		fz_wr(t, fd, w->b, w->len, NULL, 0, &bwr);
	w->len = 0;
}

static int anomaly_printed;

static void suspect(const char *fmt, ...)
{
	va_list ap;

	stat_inc(&sh->anomalies);
	if (__atomic_fetch_add(&anomaly_printed, 1, __ATOMIC_RELAXED) >= 10)
		return;
	printf("# anomaly (seed %llu slot %d gen %d): ",
	       (unsigned long long)sh->seed, P.slot, P.gen);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ---- Handles, nodes, buffers we know of ---- */

static void learn_handle(struct fz_thread *t, struct fz_dev *d, uint32_t h)
{
	int i, slot;

	pthread_mutex_lock(&P.lock);
	for (i = 0; i < d->nhandles; i++)
		if (d->handle[i] == h)
			goto out;
	if (d->nhandles < HANDLES) {
		slot = d->nhandles++;
	} else {
		/* evict one, giving back the counts we took on it */
		slot = below(&t->rng, HANDLES);
		for (; d->strong[slot]; d->strong[slot]--)
			put_u32(&t->resp, BC_RELEASE, d->handle[slot]);
		for (; d->weak[slot]; d->weak[slot]--)
			put_u32(&t->resp, BC_DECREFS, d->handle[slot]);
	}
	d->handle[slot] = h;
	d->strong[slot] = 0;
	d->weak[slot] = 0;
	/* keep it, as libbinder would, most of the time */
	if (chance(&t->rng, 70)) {
		put_u32(&t->resp, BC_INCREFS, h);
		put_u32(&t->resp, BC_ACQUIRE, h);
		d->strong[slot] = 1;
		d->weak[slot] = 1;
	}
out:
	pthread_mutex_unlock(&P.lock);
}

/* A handle to use: one we know, the manager, or a made-up one */
static uint32_t pick_handle(struct fz_thread *t, struct fz_dev *d)
{
	uint32_t h = 0;

	if (chance(&t->rng, 8))
		return chance(&t->rng, 50) ? below(&t->rng, 64) : (uint32_t)interesting(&t->rng);
	pthread_mutex_lock(&P.lock);
	if (d->nhandles && chance(&t->rng, 80))
		h = d->handle[below(&t->rng, d->nhandles)];
	pthread_mutex_unlock(&P.lock);
	return h;
}

static void hold_buffer(struct fz_dev *d, binder_uintptr_t buf)
{
	pthread_mutex_lock(&P.lock);
	if (d->nheld < HELD)
		d->held[d->nheld++] = buf;
	pthread_mutex_unlock(&P.lock);
}

/* A buffer to free: a held one (valid), the last freed (double), or junk */
static binder_uintptr_t pick_buffer(struct fz_thread *t, struct fz_dev *d)
{
	binder_uintptr_t b;
	int i;

	pthread_mutex_lock(&P.lock);
	if (d->nheld && chance(&t->rng, 75)) {
		i = below(&t->rng, d->nheld);
		b = d->held[i];
		d->held[i] = d->held[--d->nheld];
		d->freed = b;
	} else if (chance(&t->rng, 50)) {
		b = d->freed;
	} else if (d->map && chance(&t->rng, 50)) {
		b = (binder_uintptr_t)(uintptr_t)d->map + below(&t->rng, d->map_size + 64);
	} else {
		b = interesting(&t->rng);
	}
	pthread_mutex_unlock(&P.lock);
	return b;
}

static int pick_fd(struct fz_thread *t)
{
	if (chance(&t->rng, 10))
		return chance(&t->rng, 50) ? -1 : (int)below(&t->rng, 2048);
	if (!P.npool)
		return 0;
	return P.pool[below(&t->rng, P.npool)];
}

static struct fz_dev *pick_dev(struct fz_thread *t)
{
	if (P.ndev > 1 && chance(&t->rng, 25))
		return &P.dev[1];
	return &P.dev[0];
}

/* ---- Transactions with random object lists ---- */

struct fz_txn {
	size_t size;
	size_t noffs;
	size_t offsets_size;
	binder_size_t buffers_size;
	uint32_t flags;
};

/* One PTR object: its buffer in t->sg, maybe a parent */
static size_t add_ptr(struct fz_thread *t, struct binder_buffer_object *o,
		      size_t *sg_used, const int *ptr_idx, const size_t *ptr_len,
		      int nptr)
{
	struct rng *r = &t->rng;
	size_t len = chance(r, 80) ? (below(r, 64) + 1) * 8 : below(r, 700);

	o->hdr.type = BINDER_TYPE_PTR;
	if (*sg_used + len > sizeof(t->sg))
		len = 0;
	o->buffer = (binder_uintptr_t)(uintptr_t)(t->sg + *sg_used);
	o->length = len;
	if (chance(r, 6))
		o->buffer = interesting(r);
	if (chance(r, 4))
		o->length = interesting(r);
	if (nptr && chance(r, 50)) {
		int p = below(r, nptr);

		o->flags = BINDER_BUFFER_FLAG_HAS_PARENT;
		o->parent = ptr_idx[p];
		o->parent_offset = ptr_len[p] >= 8 ? below(r, ptr_len[p] / 8) * 8 : 0;
		if (chance(r, 8))
			o->parent = interesting(r);
		if (chance(r, 8))
			o->parent_offset = interesting(r);
	} else if (chance(r, 5)) {
		o->flags = rnd(r);
	}
	*sg_used += (len + 7) & ~(size_t)7;
	return len;
}

/* One FDA object over a PTR's buffer: write the fds there */
static void add_fda(struct fz_thread *t, struct binder_fd_array_object *o,
		    const int *ptr_idx, const size_t *ptr_len,
		    const binder_uintptr_t *ptr_buf, int nptr)
{
	struct rng *r = &t->rng;
	int p = nptr ? (int)below(r, nptr) : 0;
	size_t room = nptr ? ptr_len[p] / 4 : 0;
	size_t i, n;

	o->hdr.type = BINDER_TYPE_FDA;
	n = room ? below(r, room < 4 ? room + 1 : 5) : 0;
	o->num_fds = n;
	o->parent = nptr ? ptr_idx[p] : below(r, 4);
	o->parent_offset = 0;
	if (room > n && chance(r, 50))
		o->parent_offset = below(r, room - n + 1) * 4;
	/* the fds go into the parent's buffer when it is ours (not a bad pointer) */
	if (nptr) {
		uint64_t at = ptr_buf[p] - (uintptr_t)t->sg + o->parent_offset;

		for (i = 0; i < n && at <= sizeof(t->sg) - sizeof(uint32_t); i++) {
			uint32_t fd = pick_fd(t);

			memcpy(t->sg + at, &fd, sizeof(fd));
			at += sizeof(fd);
		}
	}
	if (chance(r, 8))
		o->num_fds = interesting(r);
	if (chance(r, 8))
		o->parent_offset = interesting(r);
	if (chance(r, 5))
		o->parent = interesting(r);
}

/* Fill t->data/offs/sg with a random payload and objects */
static void build_txn(struct fz_thread *t, struct fz_dev *d, bool sg,
		      struct fz_txn *x)
{
	struct rng *r = &t->rng;
	int ptr_idx[MAX_OBJS], nptr = 0, nobj, i;
	size_t ptr_len[MAX_OBJS], pos, sg_used = 0;
	binder_uintptr_t ptr_buf[MAX_OBJS];

	memset(x, 0, sizeof(*x));
	pos = chance(r, 50) ? below(r, 8) * 8 : 0;
	for (i = 0; i < (int)pos; i++)
		t->data[i] = rnd(r);
	nobj = chance(r, 30) ? 0 : below(r, sg ? MAX_OBJS : 6) + 1;
	for (i = 0; i < nobj && pos + 40 <= 4096; i++) {
		union {
			struct flat_binder_object f;
			struct binder_fd_object fd;
			struct binder_buffer_object b;
			struct binder_fd_array_object a;
		} o;
		size_t size = sizeof(o.f);
		unsigned int kind = chance(r, 5) ? 7 : below(r, sg ? 7 : 5);
		int n = below(r, NODES);

		memset(&o, 0, sizeof(o));
		if (!sg && kind == 4 && chance(r, 10))
			kind = 6;	/* a PTR where there are no sg buffers */
		switch (kind) {
		case 0: case 1:
			o.f.hdr.type = kind ? BINDER_TYPE_WEAK_BINDER : BINDER_TYPE_BINDER;
			o.f.flags = chance(r, 70) ? FLAT_BINDER_FLAG_ACCEPTS_FDS | below(r, 0x80)
						  : (uint32_t)rnd(r);
			if (chance(r, 20))
				o.f.flags |= FLAT_BINDER_FLAG_TXN_SECURITY_CTX;
			o.f.binder = chance(r, 90) ? node_ptr(n) : interesting(r);
			o.f.cookie = chance(r, 90) ? node_cookie(n) : interesting(r);
			break;
		case 2: case 3:
			o.f.hdr.type = kind == 2 ? BINDER_TYPE_HANDLE : BINDER_TYPE_WEAK_HANDLE;
			o.f.handle = pick_handle(t, d);
			o.f.flags = chance(r, 10) ? rnd(r) : 0;
			break;
		case 4:
			o.fd.hdr.type = BINDER_TYPE_FD;
			o.fd.fd = pick_fd(t);
			o.fd.cookie = rnd(r);
			break;
		case 5:
			add_fda(t, &o.a, ptr_idx, ptr_len, ptr_buf, nptr);
			size = sizeof(o.a);
			break;
		case 6:
			if (!sg) {
				o.f.hdr.type = BINDER_TYPE_PTR;
				break;
			}
			ptr_len[nptr] = add_ptr(t, &o.b, &sg_used, ptr_idx, ptr_len, nptr);
			ptr_buf[nptr] = o.b.buffer;
			ptr_idx[nptr++] = x->noffs;
			size = sizeof(o.b);
			break;
		default:
			o.f.hdr.type = chance(r, 50) ? (uint32_t)rnd(r) : BINDER_TYPE_PTR + 1;
			o.f.binder = rnd(r);
			break;
		}
		stat_inc(&sh->obj[kind]);
		if (chance(r, 3)) {	/* a flipped bit in the object */
			((uint8_t *)&o)[below(r, size)] ^= 1 << below(r, 8);
			stat_inc(&sh->objs_bad);
		}
		memcpy(t->data + pos, &o, size);
		t->offs[x->noffs++] = pos;
		if (chance(r, 4)) {	/* a corrupted offset */
			t->offs[x->noffs - 1] = chance(r, 50) ? pos + below(r, 8) : interesting(r);
			stat_inc(&sh->objs_bad);
		}
		pos += size;
		if (chance(r, 20)) {	/* payload between objects */
			size_t gap = below(r, 4) * 8;

			memset(t->data + pos, (int)rnd(r), gap);
			pos += gap;
		}
	}
	if (chance(r, 30)) {
		size_t tail = below(r, 64);

		memset(t->data + pos, (int)rnd(r), tail);
		pos += tail;
	}
	x->size = pos;
	x->offsets_size = x->noffs * sizeof(binder_size_t);
	x->buffers_size = sg_used;
	if (chance(r, 4))
		x->offsets_size += below(r, 8);
	if (chance(r, 3))
		x->buffers_size = interesting(r);
	if (chance(r, 3))
		x->size = chance(r, 50) ? interesting(r) : x->size + below(r, 64);
	x->flags = chance(r, 85) ? 0 : TF_ACCEPT_FDS;
	if (chance(r, 40))
		x->flags |= TF_ACCEPT_FDS;
	if (chance(r, 10))
		x->flags |= TF_CLEAR_BUF;
	if (chance(r, 5))
		x->flags |= TF_STATUS_CODE;
	if (chance(r, 3))
		x->flags |= TF_UPDATE_TXN | TF_ONE_WAY;
	if (chance(r, 3))
		x->flags = rnd(r);
}

/* Append BC_TRANSACTION(_SG) / BC_REPLY(_SG) of the built payload */
static void put_txn(struct fz_thread *t, uint32_t bc, uint32_t handle,
		    uint32_t code, const struct fz_txn *x)
{
	struct rng *r = &t->rng;
	struct binder_transaction_data_sg sg;
	struct binder_transaction_data *tr = &sg.transaction_data;

	memset(&sg, 0, sizeof(sg));
	tr->target.handle = handle;
	tr->cookie = chance(r, 5) ? rnd(r) : 0;
	tr->code = code;
	tr->flags = x->flags;
	tr->data_size = x->size;
	tr->offsets_size = x->offsets_size;
	tr->data.ptr.buffer = (binder_uintptr_t)(uintptr_t)t->data;
	tr->data.ptr.offsets = (binder_uintptr_t)(uintptr_t)t->offs;
	if (chance(r, 3))
		tr->data.ptr.buffer = interesting(r);
	if (chance(r, 3))
		tr->data.ptr.offsets = interesting(r);
	if (chance(r, 2))
		tr->sender_pid = rnd(r);	/* the driver fills it in */
	sg.buffers_size = x->buffers_size;
	put_bc(&t->w, bc);
	if (bc == BC_TRANSACTION_SG || bc == BC_REPLY_SG)
		put(&t->w, &sg, sizeof(sg));
	else
		put(&t->w, tr, sizeof(*tr));
	if (bc == BC_REPLY || bc == BC_REPLY_SG)
		stat_inc(&sh->replies);
	else if (x->flags & TF_ONE_WAY)
		stat_inc(&sh->oneway);
	else
		stat_inc(&sh->txns);
}

/* ---- Returns ---- */

static bool in_map(const struct fz_dev *d, binder_uintptr_t p, uint64_t len)
{
	uintptr_t lo = (uintptr_t)d->map;

	return d->mapped && p >= lo && len <= d->map_size && p - lo <= d->map_size - len;
}

/* The size of an object of this type; 0 for none */
static size_t obj_size(uint32_t type)
{
	switch (type) {
	case BINDER_TYPE_BINDER:
	case BINDER_TYPE_WEAK_BINDER:
	case BINDER_TYPE_HANDLE:
	case BINDER_TYPE_WEAK_HANDLE:
		return sizeof(struct flat_binder_object);
	case BINDER_TYPE_FD:
		return sizeof(struct binder_fd_object);
	case BINDER_TYPE_FDA:
		return sizeof(struct binder_fd_array_object);
	case BINDER_TYPE_PTR:
		return sizeof(struct binder_buffer_object);
	default:
		return 0;
	}
}

static void keep_alien(int fd)
{
	struct binder_version v;

	pthread_mutex_lock(&P.lock);
	if (P.naliens < ALIENS && ioctl(fd, BINDER_VERSION, &v) == 0) {
		P.alien[P.naliens++] = fd;
		fd = -1;
		stat_inc(&sh->aliens);
	}
	pthread_mutex_unlock(&P.lock);
	if (fd >= 0)
		close(fd);
}

/*
 * What a received transaction or reply carries: handles are learned, fds
 * from FD objects closed (the receiver owns them) or kept when they are
 * another proc's binder file.  FDA fds are the driver's to close when the
 * buffer is freed.  Every delivered object must lie in our mapping.
 */
static void take_objects(struct fz_thread *t, struct fz_dev *d,
			 const struct binder_transaction_data *tr)
{
	binder_uintptr_t buf = tr->data.ptr.buffer;
	uint64_t i, n = tr->offsets_size / sizeof(binder_size_t);

	pthread_rwlock_rdlock(&P.map_lock);
	/* a buffer of a mapping since replaced is not ours to look at */
	if (!d->mapped || d->map_gen != t->read_gen)
		goto out;
	if (!in_map(d, buf, tr->data_size) ||
	    !in_map(d, tr->data.ptr.offsets, tr->offsets_size)) {
		const struct fz_dev *o = &P.dev[P.ndev - 1 - (d - P.dev)];

		if (!tr->data_size && !tr->offsets_size)
			goto out;
		suspect("buffer %#llx+%llu offsets %#llx+%llu outside mapping %p+%zu",
			(unsigned long long)buf, (unsigned long long)tr->data_size,
			(unsigned long long)tr->data.ptr.offsets,
			(unsigned long long)tr->offsets_size, d->map, d->map_size);
		suspect("  read from %s fd %d; other: %s %p+%zu fd %d%s", devs[d->dev], d->fd,
			o == d ? "none" : devs[o->dev], o->map, o->map_size, o->fd,
			o != d && in_map(o, buf, tr->data_size) ? ", the buffer is in it" : "");
		goto out;
	}
	for (i = 0; i < n; i++) {
		binder_size_t off = ((const binder_size_t *)(uintptr_t)tr->data.ptr.offsets)[i];
		const struct flat_binder_object *f;

		if (off % 4 || off > tr->data_size || tr->data_size - off < sizeof(f->hdr)) {
			suspect("object offset %llu past data size %llu",
				(unsigned long long)off, (unsigned long long)tr->data_size);
			break;
		}
		f = (const void *)(uintptr_t)(buf + off);
		if (!obj_size(f->hdr.type) || tr->data_size - off < obj_size(f->hdr.type)) {
			suspect("object of type %#x at %llu of %llu delivered", f->hdr.type,
				(unsigned long long)off, (unsigned long long)tr->data_size);
			break;
		}
		switch (f->hdr.type) {
		case BINDER_TYPE_HANDLE:
		case BINDER_TYPE_WEAK_HANDLE:
			learn_handle(t, d, f->handle);
			break;
		case BINDER_TYPE_FD: {
			const struct binder_fd_object *fo = (const void *)f;

			if (chance(&t->rng, 30))
				keep_alien(fo->fd);
			else
				close(fo->fd);
			break;
		}
		case BINDER_TYPE_PTR: {
			const struct binder_buffer_object *b = (const void *)f;

			if (!in_map(d, b->buffer, b->length))
				suspect("PTR buffer %#llx+%llu outside the mapping",
					(unsigned long long)b->buffer,
					(unsigned long long)b->length);
			break;
		}
		default:
			break;
		}
	}
out:
	pthread_rwlock_unlock(&P.map_lock);
}

/* The context manager's side of SM_ADD / SM_GET; false: not one of those */
static bool sm_serve(struct fz_thread *t, struct fz_dev *d,
		     const struct binder_transaction_data *tr)
{
	struct flat_binder_object o;
	struct fz_txn x;
	uint64_t i, n = tr->offsets_size / sizeof(binder_size_t);

	if (!P.ctx_mgr || d != &P.dev[0])
		return false;
	if (tr->code == SM_ADD) {
		pthread_rwlock_rdlock(&P.map_lock);
		if (!d->mapped || !in_map(d, tr->data.ptr.buffer, tr->data_size) ||
		    !in_map(d, tr->data.ptr.offsets, tr->offsets_size))
			n = 0;
		for (i = 0; i < n; i++) {
			binder_size_t off = ((binder_size_t *)(uintptr_t)tr->data.ptr.offsets)[i];
			const struct flat_binder_object *f;

			if (off > tr->data_size || tr->data_size - off < sizeof(*f))
				break;
			f = (const void *)(uintptr_t)(tr->data.ptr.buffer + off);
			if (f->hdr.type != BINDER_TYPE_HANDLE)
				continue;
			pthread_mutex_lock(&P.lock);
			if (P.nsm < SM_HANDLES) {
				P.sm[P.nsm++] = f->handle;
				put_u32(&t->resp, BC_ACQUIRE, f->handle);
			}
			pthread_mutex_unlock(&P.lock);
		}
		pthread_rwlock_unlock(&P.map_lock);
		return false;	/* replied as any other call */
	}
	if (tr->code != SM_GET || (tr->flags & TF_ONE_WAY))
		return false;
	memset(&o, 0, sizeof(o));
	o.hdr.type = BINDER_TYPE_HANDLE;
	pthread_mutex_lock(&P.lock);
	o.handle = P.nsm ? P.sm[below(&t->rng, P.nsm)] : 0;
	n = P.nsm;
	pthread_mutex_unlock(&P.lock);
	memset(&x, 0, sizeof(x));
	memcpy(t->data, &o, sizeof(o));
	t->offs[0] = 0;
	x.size = n ? sizeof(o) : 0;
	x.offsets_size = n ? sizeof(binder_size_t) : 0;
	x.noffs = n ? 1 : 0;
	put_txn(t, BC_REPLY, 0, 0, &x);
	return true;
}

static void reply_random(struct fz_thread *t, struct fz_dev *d)
{
	struct fz_txn x;
	bool sg = chance(&t->rng, 30);

	build_txn(t, d, sg, &x);
	x.flags &= ~TF_ONE_WAY;
	put_txn(t, sg ? BC_REPLY_SG : BC_REPLY, 0, 0, &x);
}

static void on_transaction(struct fz_thread *t, struct fz_dev *d,
			   const struct binder_transaction_data *tr)
{
	struct rng *r = &t->rng;
	bool sync = !(tr->flags & TF_ONE_WAY);
	bool replied = false;

	take_objects(t, d, tr);
	t->w.len = 0;
	if (sync)
		replied = sm_serve(t, d, tr);	/* reads the request: before its free */
	/* the request's buffer first, then the reply, as libbinder does */
	if (chance(r, 92))
		put_ptr(&t->resp, BC_FREE_BUFFER, tr->data.ptr.buffer);
	else
		hold_buffer(d, tr->data.ptr.buffer);
	flush(t, d->fd, &t->resp);
	if (sync) {
		/* the reply points at t->data: sent before anything rebuilds that */
		if (!replied && chance(r, 90)) {
			reply_random(t, d);
			replied = true;
		}
		if (!replied)
			t->pend[d - P.dev]++;	/* answered later, or never */
		flush(t, d->fd, &t->w);
	}
}

/*
 * Walk one read buffer.  Returns true when it held the outcome of a call
 * (BR_REPLY, BR_DEAD_REPLY, BR_FAILED_REPLY, BR_FROZEN_REPLY, or
 * BR_TRANSACTION_COMPLETE when oneway).
 */
static bool parse_returns(struct fz_thread *t, struct fz_dev *d, const uint8_t *p,
			  size_t len, bool oneway)
{
	struct rng *r = &t->rng;
	bool outcome = false;
	size_t pos = 0;

	while (len - pos >= sizeof(uint32_t)) {
		const struct binder_transaction_data *tr;
		uint32_t br, done;
		size_t size;
		union {
			struct binder_transaction_data_secctx sec;
			struct binder_ptr_cookie pc;
			binder_uintptr_t cookie;
			struct fz_frozen_state fs;
			int32_t err;
		} u;

		memcpy(&br, p + pos, sizeof(br));
		pos += sizeof(br);
		size = _IOC_SIZE(br);
		if (_IOC_TYPE(br) != 'r' || size > sizeof(u) || len - pos < size) {
			suspect("return %#x with %zu of %zu bytes left", br, len - pos, size);
			stat_inc(&sh->br_other);
			break;
		}
		memset(&u, 0, sizeof(u));
		memcpy(&u, p + pos, size);
		tr = &u.sec.transaction_data;
		pos += size;
		if (_IOC_NR(br) < NR_SLOTS)
			stat_inc(&sh->br[_IOC_NR(br)]);
		switch (br) {
		case BR_NOOP:
		case BR_OK:
		case BR_ERROR:
		case BR_RELEASE:
		case BR_DECREFS:
		case BR_CLEAR_DEATH_NOTIFICATION_DONE:
		case FZ_BR_CLEAR_FREEZE_NOTIFICATION_DONE:
		case BR_ONEWAY_SPAM_SUSPECT:
		case FZ_BR_TRANSACTION_PENDING_FROZEN:
			break;
		case BR_TRANSACTION_COMPLETE:
			outcome |= oneway;
			break;
		case BR_DEAD_REPLY:
		case BR_FAILED_REPLY:
		case BR_FROZEN_REPLY:
			outcome = true;
			break;
		case BR_TRANSACTION:
		case BR_TRANSACTION_SEC_CTX:
			on_transaction(t, d, tr);
			break;
		case BR_REPLY:
			take_objects(t, d, tr);
			if (chance(r, 95))
				put_ptr(&t->resp, BC_FREE_BUFFER, tr->data.ptr.buffer);
			else
				hold_buffer(d, tr->data.ptr.buffer);
			outcome = true;
			break;
		case BR_INCREFS:
		case BR_ACQUIRE:
			if (chance(r, 4))
				break;	/* never acknowledged */
			if (chance(r, 4))
				u.pc.cookie ^= 1;
			done = br == BR_INCREFS ? BC_INCREFS_DONE : BC_ACQUIRE_DONE;
			put_ptr_cookie(&t->resp, done, u.pc.ptr, u.pc.cookie);
			break;
		case BR_DEAD_BINDER:
			if (chance(r, 92))
				put_ptr(&t->resp, BC_DEAD_BINDER_DONE, u.cookie);
			break;
		case FZ_BR_FROZEN_BINDER:
			if (chance(r, 90))
				put_ptr(&t->resp, FZ_BC_FREEZE_NOTIFICATION_DONE, u.fs.cookie);
			break;
		case BR_SPAWN_LOOPER:
			t->spawn = true;	/* answered by a new thread, now and then */
			break;
		default:
			suspect("unexpected return %#x", br);
			break;
		}
	}
	return outcome;
}

static void spawn_thread(bool extra, bool looper);

/*
 * Read and handle what the driver has for this thread for up to wait_ms,
 * sending what the returns ask for.  want: stop at a call's outcome.
 */
static bool pump(struct fz_thread *t, struct fz_dev *d, int wait_ms, bool want,
		 bool oneway)
{
	int64_t end = now_ms() + wait_ms;
	bool got = false;

	do {
		struct binder_write_read bwr;
		struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
		size_t rlen = sizeof(t->rbuf);
		int64_t left = end - now_ms();
		int ret;

		if (d->fd < 0)
			break;
		if (poll(&pfd, 1, left > 0 ? (left > 50 ? 50 : left) : 0) <= 0) {
			if (left <= 0)
				break;
			if (stopping())
				break;
			continue;
		}
		if (pfd.revents & (POLLERR | POLLNVAL | POLLHUP))
			break;
		if (chance(&t->rng, 5))
			rlen = below(&t->rng, 64);
		t->read_gen = __atomic_load_n(&d->map_gen, __ATOMIC_RELAXED);
		ret = fz_wr(t, d->fd, NULL, 0, t->rbuf, rlen, &bwr);
		if (ret < 0 && errno != EAGAIN && errno != EINTR)
			break;
		got |= parse_returns(t, d, t->rbuf, bwr.read_consumed, oneway);
		flush(t, d->fd, &t->resp);
		if (t->spawn && chance(&t->rng, 30))
			spawn_thread(true, true);
		t->spawn = false;
	} while (!(want && got) && now_ms() < end);
	return got;
}

/* Send what t->w holds on d and wait for the outcome of a call in it */
static void send_and_wait(struct fz_thread *t, struct fz_dev *d, bool sync)
{
	flush(t, d->fd, &t->w);
	pump(t, d, sync ? 100 + below(&t->rng, 400) : below(&t->rng, 20), true, !sync);
}

/* ---- Operations ---- */

static void op_call(struct fz_thread *t, struct fz_dev *d, bool sg)
{
	struct fz_txn x;
	uint32_t code = chance(&t->rng, 20) ? below(&t->rng, 4) : (uint32_t)rnd(&t->rng);

	build_txn(t, d, sg, &x);
	if (chance(&t->rng, 25))
		x.flags |= TF_ONE_WAY;
	put_txn(t, sg ? BC_TRANSACTION_SG : BC_TRANSACTION, pick_handle(t, d), code, &x);
	send_and_wait(t, d, !(x.flags & TF_ONE_WAY));
}

static void op_oneway_flood(struct fz_thread *t, struct fz_dev *d)
{
	uint32_t h = pick_handle(t, d);
	int i, n = 10 + below(&t->rng, 150);
	size_t size = below(&t->rng, 2048);

	memset(t->data, 0x5a, size);
	for (i = 0; i < n && !stopping(); i++) {
		struct fz_txn x = { .size = size, .flags = TF_ONE_WAY };

		if (chance(&t->rng, 10))
			x.flags |= TF_UPDATE_TXN;
		put_txn(t, BC_TRANSACTION, h, i, &x);
		if (t->w.len > sizeof(t->w.b) - 128 || chance(&t->rng, 20))
			send_and_wait(t, d, false);
	}
	send_and_wait(t, d, false);
}

static void op_sm(struct fz_thread *t, struct fz_dev *d, bool add)
{
	struct flat_binder_object o;
	struct fz_txn x;
	int n = below(&t->rng, NODES);

	memset(&x, 0, sizeof(x));
	if (add) {
		memset(&o, 0, sizeof(o));
		o.hdr.type = chance(&t->rng, 90) ? BINDER_TYPE_BINDER : BINDER_TYPE_WEAK_BINDER;
		o.flags = FLAT_BINDER_FLAG_ACCEPTS_FDS | below(&t->rng, 0x80);
		o.binder = node_ptr(n);
		o.cookie = node_cookie(n);
		memcpy(t->data, &o, sizeof(o));
		t->offs[0] = 0;
		x.size = sizeof(o);
		x.offsets_size = sizeof(binder_size_t);
		x.noffs = 1;
	}
	x.flags = TF_ACCEPT_FDS;
	put_txn(t, BC_TRANSACTION, 0, add ? SM_ADD : SM_GET, &x);
	send_and_wait(t, d, true);
}

static void op_refs(struct fz_thread *t, struct fz_dev *d)
{
	static const uint32_t bcs[] = { BC_INCREFS, BC_ACQUIRE, BC_RELEASE, BC_DECREFS };
	int i, n = 1 + below(&t->rng, 4);

	for (i = 0; i < n; i++)
		put_u32(&t->w, bcs[below(&t->rng, 4)], pick_handle(t, d));
	send_and_wait(t, d, false);
}

static void op_node_done(struct fz_thread *t, struct fz_dev *d)
{
	int n = below(&t->rng, NODES);
	binder_uintptr_t ptr = chance(&t->rng, 70) ? node_ptr(n) : interesting(&t->rng);
	binder_uintptr_t cookie = chance(&t->rng, 70) ? node_cookie(n) : interesting(&t->rng);

	put_ptr_cookie(&t->w, chance(&t->rng, 50) ? BC_INCREFS_DONE : BC_ACQUIRE_DONE,
		       ptr, cookie);
	send_and_wait(t, d, false);
}

static binder_uintptr_t pick_cookie(struct fz_thread *t)
{
	return chance(&t->rng, 80) ? 0xdead0000ULL + below(&t->rng, 8) : interesting(&t->rng);
}

static void op_death(struct fz_thread *t, struct fz_dev *d)
{
	static const uint32_t bcs[] = {
		BC_REQUEST_DEATH_NOTIFICATION, BC_REQUEST_DEATH_NOTIFICATION,
		BC_CLEAR_DEATH_NOTIFICATION,
	};

	if (chance(&t->rng, 15))
		put_ptr(&t->w, BC_DEAD_BINDER_DONE, pick_cookie(t));
	else
		put_handle_cookie(&t->w, bcs[below(&t->rng, 3)], pick_handle(t, d), pick_cookie(t));
	send_and_wait(t, d, false);
}

static void op_freeze_note(struct fz_thread *t, struct fz_dev *d)
{
	switch (below(&t->rng, 4)) {
	case 0: case 1:
		put_handle_cookie(&t->w, FZ_BC_REQUEST_FREEZE_NOTIFICATION,
				  pick_handle(t, d), pick_cookie(t));
		break;
	case 2:
		put_handle_cookie(&t->w, FZ_BC_CLEAR_FREEZE_NOTIFICATION,
				  pick_handle(t, d), pick_cookie(t));
		break;
	default:
		put_ptr(&t->w, FZ_BC_FREEZE_NOTIFICATION_DONE, pick_cookie(t));
		break;
	}
	send_and_wait(t, d, false);
}

static void op_looper(struct fz_thread *t, struct fz_dev *d)
{
	static const uint32_t bcs[] = {
		BC_ENTER_LOOPER, BC_REGISTER_LOOPER, BC_EXIT_LOOPER,
	};

	put_bc(&t->w, bcs[below(&t->rng, 3)]);
	send_and_wait(t, d, false);
}

static void op_free(struct fz_thread *t, struct fz_dev *d)
{
	put_ptr(&t->w, BC_FREE_BUFFER, pick_buffer(t, d));
	send_and_wait(t, d, false);
}

static void op_reply(struct fz_thread *t, struct fz_dev *d, bool late)
{
	int i = d - P.dev;

	if (late && !t->pend[i])
		return;
	if (late)
		t->pend[i]--;
	reply_random(t, d);
	send_and_wait(t, d, false);
}

/* Every BC with random arguments, and codes that are none */
static void op_raw(struct fz_thread *t, struct fz_dev *d)
{
	struct rng *r = &t->rng;
	int i, n = 1 + below(r, 4);

	for (i = 0; i < n; i++) {
		uint32_t bc;
		uint8_t junk[80];
		size_t j, size;

		if (chance(r, 80)) {
			unsigned int nr = below(r, 24);

			size = chance(r, 80) ? below(r, 9) * 8 : below(r, 80);
			bc = chance(r, 50) ? _IOW('c', nr, char[1]) : _IO('c', nr);
			bc = (bc & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
			     ((uint32_t)size << _IOC_SIZESHIFT);
		} else {
			bc = rnd(r);
			size = _IOC_SIZE(bc) <= sizeof(junk) ? _IOC_SIZE(bc) : 0;
		}
		for (j = 0; j < sizeof(junk); j++)
			junk[j] = chance(r, 50) ? 0 : rnd(r);
		stat_inc(&sh->bc_raw);
		put(&t->w, &bc, sizeof(bc));
		put(&t->w, junk, size);
	}
	send_and_wait(t, d, false);
}

/* A plausible stream, then bit flips in it, or cut anywhere */
static void op_mangle(struct fz_thread *t, struct fz_dev *d, bool cut)
{
	struct rng *r = &t->rng;
	struct binder_write_read bwr;
	struct fz_txn x;
	int i, n;

	t->w.len = 0;
	build_txn(t, d, chance(r, 40), &x);
	put_txn(t, chance(r, 50) ? BC_TRANSACTION_SG : BC_TRANSACTION,
		pick_handle(t, d), rnd(r), &x);
	if (chance(r, 50))
		put_u32(&t->w, BC_ACQUIRE, pick_handle(t, d));
	if (cut) {
		stat_inc(&sh->bc_trunc);
		t->w.len = below(r, t->w.len + 1);
	} else {
		stat_inc(&sh->bc_flip);
		n = 1 + below(r, 6);
		for (i = 0; i < n && t->w.len; i++)
			t->w.b[below(r, t->w.len)] ^= 1 << below(r, 8);
	}
	fz_wr(t, d->fd, t->w.b, t->w.len, chance(r, 30) ? t->rbuf : NULL,
	      chance(r, 30) ? below(r, 48) : 0, &bwr);
	t->w.len = 0;
	pump(t, d, below(r, 200), true, false);
}

static void *bad_ptr(struct rng *r, void *good)
{
	switch (below(r, 8)) {
	case 0:
		return NULL;
	case 1:
		return (void *)(uintptr_t)0xffff888000000000ULL;
	case 2:
		return (void *)(uintptr_t)interesting(r);
	case 3:
		return P.dev[0].map;	/* read-only to us */
	default:
		return good;
	}
}

static void op_read_odd(struct fz_thread *t, struct fz_dev *d)
{
	struct rng *r = &t->rng;
	struct binder_write_read bwr;
	size_t rlen = chance(r, 50) ? below(r, 16) : below(r, sizeof(t->rbuf));
	binder_size_t start;

	memset(&bwr, 0, sizeof(bwr));
	bwr.read_buffer = (binder_uintptr_t)(uintptr_t)bad_ptr(r, t->rbuf);
	bwr.read_size = rlen;
	if (chance(r, 20))
		bwr.read_size = interesting(r);
	if (chance(r, 20))
		bwr.read_consumed = interesting(r);
	if (chance(r, 20)) {
		bwr.write_buffer = (binder_uintptr_t)(uintptr_t)bad_ptr(r, t->w.b);
		bwr.write_size = interesting(r);
		bwr.write_consumed = interesting(r);
	}
	/* the driver writes at read_buffer + read_consumed */
	start = bwr.read_consumed;
	t->read_gen = __atomic_load_n(&d->map_gen, __ATOMIC_RELAXED);
	thread_timer_arm(t, 50 + below(r, 200));
	if (fz_ioctl(d->fd, BINDER_WRITE_READ, chance(r, 10) ? bad_ptr(r, &bwr) : &bwr) == 0 &&
	    bwr.read_buffer == (binder_uintptr_t)(uintptr_t)t->rbuf &&
	    start <= bwr.read_consumed && bwr.read_consumed <= sizeof(t->rbuf) &&
	    bwr.read_size <= sizeof(t->rbuf))
		parse_returns(t, d, t->rbuf + start, bwr.read_consumed - start, false);
	thread_timer_arm(t, 0);
	flush(t, d->fd, &t->resp);
}

static int pick_pid(struct fz_thread *t)
{
	int s = below(&t->rng, sh->nslots);

	if (chance(&t->rng, 10))
		return chance(&t->rng, 50) ? (int)interesting(&t->rng) : getpid();
	return __atomic_load_n(&sh->slot[s].pid, __ATOMIC_RELAXED);
}

/* Every ioctl, with plausible and bad arguments */
static void op_ioctl(struct fz_thread *t, struct fz_dev *d)
{
	struct rng *r = &t->rng;
	union {
		struct binder_version v;
		struct binder_node_debug_info ndi;
		struct binder_node_info_for_ref nir;
		struct flat_binder_object fbo;
		struct binder_freeze_info fi;
		struct binder_frozen_status_info fsi;
		struct binder_extended_error ee;
		int64_t s64;
		uint32_t u32;
		uint8_t raw[64];
	} a;
	unsigned long cmd;

	memset(&a, 0, sizeof(a));
	switch (below(r, 11)) {
	case 0:
		cmd = BINDER_VERSION;
		break;
	case 1:
		cmd = BINDER_SET_MAX_THREADS;
		a.u32 = chance(r, 80) ? below(r, 8) : interesting(r);
		break;
	case 2:
		cmd = chance(r, 50) ? BINDER_SET_IDLE_TIMEOUT : BINDER_SET_IDLE_PRIORITY;
		a.s64 = interesting(r);
		break;
	case 3:
		cmd = chance(r, 70) ? BINDER_SET_CONTEXT_MGR : BINDER_SET_CONTEXT_MGR_EXT;
		a.fbo.flags = chance(r, 50) ? FLAT_BINDER_FLAG_TXN_SECURITY_CTX : rnd(r);
		a.fbo.binder = rnd(r);
		break;
	case 4:
		cmd = BINDER_GET_NODE_DEBUG_INFO;
		a.ndi.ptr = chance(r, 50) ? node_ptr(below(r, NODES)) : interesting(r);
		break;
	case 5:
		cmd = BINDER_GET_NODE_INFO_FOR_REF;
		a.nir.handle = pick_handle(t, d);
		if (chance(r, 10))
			a.nir.reserved2 = 1;
		break;
	case 6:
		cmd = BINDER_GET_FROZEN_INFO;
		a.fsi.pid = pick_pid(t);
		break;
	case 7:
		cmd = BINDER_ENABLE_ONEWAY_SPAM_DETECTION;
		a.u32 = chance(r, 80) ? below(r, 2) : interesting(r);
		break;
	case 8:
		cmd = BINDER_GET_EXTENDED_ERROR;
		break;
	case 9:
		cmd = BINDER_THREAD_EXIT;
		break;
	default:
		cmd = BINDER_FREEZE;
		a.fi.pid = pick_pid(t);
		a.fi.enable = below(r, 2);
		a.fi.timeout_ms = below(r, 60);
		break;
	}
	thread_timer_arm(t, 300);
	if (fz_ioctl(d->fd, cmd, chance(r, 8) ? bad_ptr(r, &a) : &a) == 0 &&
	    (cmd == BINDER_SET_CONTEXT_MGR || cmd == BINDER_SET_CONTEXT_MGR_EXT) &&
	    d == &P.dev[0])
		P.ctx_mgr = true;	/* the device had none: serve it */
	thread_timer_arm(t, 0);
}

/* Numbers in binder's ioctl space that are no ioctl, or the wrong size */
static void op_ioctl_random(struct fz_thread *t, struct fz_dev *d)
{
	struct rng *r = &t->rng;
	uint8_t arg[256];
	unsigned long cmd;

	memset(arg, 0, sizeof(arg));
	if (chance(r, 70))
		cmd = _IOC(below(r, 4), 'b', below(r, 24), below(r, sizeof(arg)));
	else
		cmd = (uint32_t)rnd(r);
	thread_timer_arm(t, 300);
	fz_ioctl(d->fd, cmd, chance(r, 20) ? bad_ptr(r, arg) : arg);
	thread_timer_arm(t, 0);
}

static void op_freeze(struct fz_thread *t, struct fz_dev *d)
{
	struct binder_freeze_info fi = {
		.pid = pick_pid(t),
		.enable = chance(&t->rng, 45),
		.timeout_ms = below(&t->rng, 100),
	};
	struct binder_frozen_status_info fsi = { .pid = fi.pid };

	thread_timer_arm(t, 400);
	fz_ioctl(d->fd, BINDER_FREEZE, &fi);
	thread_timer_arm(t, 0);
	fz_ioctl(d->fd, BINDER_GET_FROZEN_INFO, &fsi);
	if (fi.enable && chance(&t->rng, 60)) {
		usleep(below(&t->rng, 50) * 1000);
		fi.enable = 0;
		fz_ioctl(d->fd, BINDER_FREEZE, &fi);
	}
}

/* An epoll set on the binder fd; sometimes the thread exits under it */
static void op_epoll(struct fz_thread *t, struct fz_dev *d)
{
	struct rng *r = &t->rng;
	struct epoll_event ev = { .events = EPOLLIN }, out[4];
	int ep = chance(r, 50) ? P.epfd : epoll_create1(EPOLL_CLOEXEC);
	int n;

	if (ep < 0)
		return;
	if (ep != P.epfd)
		epoll_ctl(ep, EPOLL_CTL_ADD, d->fd, &ev);
	n = epoll_wait(ep, out, 4, below(r, 30));
	if (n > 0)
		pump(t, d, 0, false, false);
	if (chance(r, 30))
		fz_ioctl(d->fd, BINDER_THREAD_EXIT, NULL);
	if (ep != P.epfd) {
		if (chance(r, 50))
			epoll_ctl(ep, EPOLL_CTL_DEL, d->fd, NULL);
		close(ep);
	}
}

static void op_poll(struct fz_thread *t, struct fz_dev *d)
{
	struct pollfd pfd[2] = {
		{ .fd = d->fd, .events = POLLIN | POLLOUT | POLLPRI },
		{ .fd = P.dev[P.ndev - 1].fd, .events = POLLIN },
	};

	if (poll(pfd, 2, below(&t->rng, 30)) > 0 && (pfd[0].revents & POLLIN))
		pump(t, d, 0, false, false);
}

static void op_debugfs(struct fz_thread *t)
{
	static const char * const files[] = {
		"state", "stats", "transactions", "objects", "transaction_log",
		"failed_transaction_log",
	};
	char path[128], buf[4096];
	int fd;

	if (chance(&t->rng, 30))
		snprintf(path, sizeof(path), BINDER_DEBUGFS "/proc/%d", pick_pid(t));
	else
		snprintf(path, sizeof(path), BINDER_DEBUGFS "/%s",
			 files[below(&t->rng, ARRAY_SIZE(files))]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0 && !stopping())
		;
	close(fd);
}

static int map_dev(struct fz_dev *d, struct rng *r)
{
	static const size_t sizes[] = {
		4096, 8192, 64 << 10, 128 << 10, 1 << 20, 1 << 20, 4 << 20, 5 << 20,
	};
	size_t size = sizes[below(r, ARRAY_SIZE(sizes))];
	void *m;

	m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, d->fd, 0);
	if (m == MAP_FAILED)
		return -1;
	d->map = m;
	d->map_size = size;
	d->mapped = true;
	return 0;
}

/* munmap, mprotect, mremap, madvise, a second mmap: the vma paths */
static void op_mmap(struct fz_thread *t, struct fz_dev *d)
{
	struct rng *r = &t->rng;
	void *m;

	pthread_rwlock_wrlock(&P.map_lock);
	__atomic_fetch_add(&d->map_gen, 1, __ATOMIC_RELAXED);
	switch (below(r, 6)) {
	case 0:
		if (d->map && munmap(d->map, d->map_size) == 0) {
			d->map = NULL;
			d->mapped = false;
		}
		break;
	case 1:
		if (d->map && d->map_size > 4096) {	/* split the vma */
			munmap(d->map + d->map_size - 4096, 4096);
			d->mapped = false;
		}
		break;
	case 2:
		if (d->map)
			mprotect(d->map, d->map_size, PROT_READ | PROT_WRITE);
		break;
	case 3:
		if (d->map) {
			m = mremap(d->map, d->map_size, d->map_size * 2, MREMAP_MAYMOVE);
			if (m != MAP_FAILED) {
				d->map = m;
				d->map_size *= 2;
				d->mapped = false;
			}
		}
		break;
	case 4:
		if (d->map) {
			madvise(d->map, d->map_size, MADV_DONTNEED);
			d->mapped = false;
		}
		break;
	default:
		m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, d->fd, 0);
		if (m != MAP_FAILED && d->map)
			munmap(m, 4096);
		else if (m != MAP_FAILED)
			d->map = m;
		if (m != MAP_FAILED && d->map == m) {
			d->map_size = 4096;
			d->mapped = true;
		}
		break;
	}
	pthread_rwlock_unlock(&P.map_lock);
}

static int open_dev(struct fz_dev *d, struct rng *r)
{
	d->fd = open(devs[d->dev], O_RDWR | O_CLOEXEC |
		     (chance(r, 60) ? O_NONBLOCK : 0));
	if (d->fd < 0)
		return -1;
	if (chance(r, 95))
		map_dev(d, r);
	return 0;
}

/* Close a binder fd (maybe with another thread inside) and open anew */
static void op_reopen(struct fz_thread *t, struct fz_dev *d)
{
	int old;

	pthread_rwlock_wrlock(&P.map_lock);
	pthread_mutex_lock(&P.lock);
	__atomic_fetch_add(&d->map_gen, 1, __ATOMIC_RELAXED);
	old = d->fd;
	if (d->map && chance(&t->rng, 70))
		munmap(d->map, d->map_size);
	d->map = NULL;
	d->mapped = false;
	d->nhandles = 0;
	d->nheld = 0;
	if (P.ctx_mgr && d == &P.dev[0])
		P.nsm = 0;
	if (open_dev(d, &t->rng) < 0) {
		d->fd = old;	/* keep using the old one */
	} else {
		close(old);
		if (P.ctx_mgr && d == &P.dev[0])
			P.ctx_mgr = binder_become_context_manager(d->fd) == 0;
	}
	pthread_mutex_unlock(&P.lock);
	pthread_rwlock_unlock(&P.map_lock);
}

/*
 * A holder: a process with our binder fds that is not their owner.  It
 * pokes at them (ioctls, writes, reads, polls, an mmap from its own mm)
 * for ms and exits.  Runs after fork() (it touches no lock of ours), after
 * exec (--holder) and on fds received over a UNIX socket.
 */
static void holder_run(uint64_t seed, int ms, const int *fds, int n)
{
	struct fz_thread *t = calloc(1, sizeof(*t));
	int64_t end = now_ms() + ms;
	struct binder_write_read bwr;
	struct binder_version v;
	void *m;

	if (!t || !n)
		_exit(0);
	t->rng.s = seed;
	thread_timer_init(t);
	while (now_ms() < end && !stopping()) {
		int fd = fds[below(&t->rng, n)];
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		switch (below(&t->rng, 6)) {
		case 0:
			fz_ioctl(fd, BINDER_VERSION, &v);
			break;
		case 1:
			put_bc(&t->w, chance(&t->rng, 50) ? BC_ENTER_LOOPER : BC_REGISTER_LOOPER);
			put_u32(&t->w, BC_ACQUIRE, below(&t->rng, 8));
			flush(t, fd, &t->w);
			break;
		case 2:
			if (poll(&pfd, 1, below(&t->rng, 20)) > 0)
				fz_wr(t, fd, NULL, 0, t->rbuf, sizeof(t->rbuf), &bwr);
			break;
		case 3:
			m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
			if (m != MAP_FAILED)
				munmap(m, 4096);
			break;
		case 4:
			fz_ioctl(fd, chance(&t->rng, 50) ? BINDER_THREAD_EXIT
							: BINDER_GET_EXTENDED_ERROR, &v);
			break;
		default:
			usleep(below(&t->rng, 20) * 1000);
			break;
		}
	}
	_exit(0);
}

static void holder_fds(int *fds, int *n)
{
	int i;

	*n = 0;
	for (i = 0; i < P.ndev; i++)
		if (P.dev[i].fd >= 0)
			fds[(*n)++] = P.dev[i].fd;
}

static void op_holder(struct fz_thread *t, bool do_exec)
{
	uint64_t seed = rnd(&t->rng);
	int fds[2], n, i, ms = below(&t->rng, 1500);
	pid_t pid;

	holder_fds(fds, &n);
	stat_inc(&sh->holders);
	pid = fork();
	if (pid != 0) {
		if (pid > 0 && chance(&t->rng, 50))
			waitpid(pid, NULL, 0);	/* else the supervisor reaps it */
		return;
	}
	if (do_exec) {
		char *argv[8], args[4][24];

		for (i = 0; i < n; i++)
			fcntl(fds[i], F_SETFD, 0);
		snprintf(args[0], sizeof(args[0]), "%llu", (unsigned long long)seed);
		snprintf(args[1], sizeof(args[1]), "%d", ms);
		argv[0] = "binder_fuzz";
		argv[1] = "--holder";
		argv[2] = args[0];
		argv[3] = args[1];
		for (i = 0; i < n; i++) {
			snprintf(args[2 + i], sizeof(args[2 + i]), "%d", fds[i]);
			argv[4 + i] = args[2 + i];
		}
		argv[4 + n] = NULL;
		stat_inc(&sh->execs);
		execv("/proc/self/exe", argv);
		_exit(0);
	}
	holder_run(seed, ms, fds, n);
}

static int send_fds(int sock, const int *fds, int n)
{
	char byte = 'f';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = CMSG_SPACE(sizeof(int) * n),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	return sendmsg(sock, &msg, MSG_NOSIGNAL);
}

static int recv_fds(int sock, int *fds, int max)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	int n;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) <= 0)
		return 0;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return 0;
	n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	if (n > max)
		n = max;
	memcpy(fds, CMSG_DATA(c), sizeof(int) * n);
	return n;
}

/*
 * Binder fds over a UNIX socket: to a forked child that uses them, to
 * ourselves (a second fd of the same file), or left in flight in a socket
 * that is closed (the socket garbage collector drops them).
 */
static void op_scm(struct fz_thread *t)
{
	struct timeval tv = { .tv_sec = 2 };
	int sv[2], fds[4], n, got, i;
	uint64_t seed = rnd(&t->rng);
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		return;
	holder_fds(fds, &n);
	if (P.npool > 3)
		fds[n++] = P.pool[below(&t->rng, P.npool)];
	stat_inc(&sh->scm);
	switch (below(&t->rng, 3)) {
	case 0:
		pid = fork();
		if (pid == 0) {
			close(sv[0]);
			setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			got = recv_fds(sv[1], fds, 4);
			holder_run(seed, below(&t->rng, 1000), fds, got);
		}
		stat_inc(&sh->holders);
		send_fds(sv[0], fds, n);
		break;
	case 1:
		send_fds(sv[0], fds, n);
		got = recv_fds(sv[1], fds, 4);
		for (i = 0; i < got; i++) {
			struct binder_version v;

			fz_ioctl(fds[i], BINDER_VERSION, &v);
			if (i == 0 && chance(&t->rng, 50))
				keep_alien(fds[i]);
			else
				close(fds[i]);
		}
		break;
	default:
		send_fds(sv[0], fds, n);
		send_fds(sv[1], &sv[0], 1);	/* a cycle only the GC can free */
		break;
	}
	close(sv[0]);
	close(sv[1]);
}

/* Use, then drop, a binder fd of another proc that came in an object */
static void op_alien(struct fz_thread *t)
{
	struct binder_write_read bwr;
	struct binder_version v;
	int fd = -1;

	pthread_mutex_lock(&P.lock);
	if (P.naliens && chance(&t->rng, 40)) {
		int i = below(&t->rng, P.naliens);

		fd = P.alien[i];
		P.alien[i] = P.alien[--P.naliens];
	} else if (P.naliens) {
		fd = dup(P.alien[below(&t->rng, P.naliens)]);
	}
	pthread_mutex_unlock(&P.lock);
	if (fd < 0)
		return;
	fz_ioctl(fd, BINDER_VERSION, &v);
	put_u32(&t->w, BC_INCREFS, below(&t->rng, 4));
	put_bc(&t->w, BC_ENTER_LOOPER);
	flush(t, fd, &t->w);
	if (chance(&t->rng, 30)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, 5) > 0)
			fz_wr(t, fd, NULL, 0, t->rbuf, 8, &bwr);
	}
	close(fd);
}

/* ---- Threads and processes ---- */

static int pick_op(struct rng *r)
{
	static unsigned int total;
	unsigned int x;
	int i;

	if (!total)
		for (i = 0; i < OP_COUNT; i++)
			total += op_weight[i];
	x = below(r, total);
	for (i = 0; i < OP_COUNT; i++) {
		if (x < op_weight[i])
			return i;
		x -= op_weight[i];
	}
	return OP_CALL;
}

static void run_op(struct fz_thread *t, int op)
{
	struct fz_dev *d = pick_dev(t);

	cur_op = op;
	stat_inc(&sh->ops[op]);
	switch (op) {
	case OP_CALL:
		op_call(t, d, false);
		break;
	case OP_CALL_SG:
		op_call(t, d, true);
		break;
	case OP_ONEWAY_FLOOD:
		op_oneway_flood(t, d);
		break;
	case OP_SM_GET:
		op_sm(t, d, false);
		break;
	case OP_SM_ADD:
		op_sm(t, d, true);
		break;
	case OP_REFS:
		op_refs(t, d);
		break;
	case OP_NODE_DONE:
		op_node_done(t, d);
		break;
	case OP_DEATH:
		op_death(t, d);
		break;
	case OP_FREEZE_NOTE:
		op_freeze_note(t, d);
		break;
	case OP_LOOPER:
		op_looper(t, d);
		break;
	case OP_FREE:
		op_free(t, d);
		break;
	case OP_LATE_REPLY:
		op_reply(t, d, true);
		break;
	case OP_STRAY_REPLY:
		op_reply(t, d, false);
		break;
	case OP_RAW:
		op_raw(t, d);
		break;
	case OP_FLIP:
		op_mangle(t, d, false);
		break;
	case OP_TRUNCATE:
		op_mangle(t, d, true);
		break;
	case OP_READ_ODD:
		op_read_odd(t, d);
		break;
	case OP_IOCTL:
		op_ioctl(t, d);
		break;
	case OP_IOCTL_RANDOM:
		op_ioctl_random(t, d);
		break;
	case OP_FREEZE:
		op_freeze(t, d);
		break;
	case OP_EPOLL:
		op_epoll(t, d);
		break;
	case OP_POLL:
		op_poll(t, d);
		break;
	case OP_DEBUGFS:
		op_debugfs(t);
		break;
	case OP_MMAP:
		op_mmap(t, d);
		break;
	case OP_REOPEN:
		op_reopen(t, d);
		break;
	case OP_HOLDER_FORK:
		op_holder(t, false);
		break;
	case OP_HOLDER_EXEC:
		op_holder(t, true);
		break;
	case OP_SCM:
		op_scm(t);
		break;
	case OP_ALIEN:
		op_alien(t);
		break;
	case OP_THREAD:
		spawn_thread(true, false);
		break;
	case OP_THREAD_EXIT:
		fz_ioctl(d->fd, BINDER_THREAD_EXIT, NULL);
		break;
	case OP_EXIT:
		if (!P.ctx_mgr || chance(&t->rng, 20)) {
			stat_inc(&sh->exited);
			_exit(0);	/* no cleanup: the driver's release does it */
		}
		break;
	}
}

/* A worker's own crash: say where, then die of it (the supervisor counts it) */
static void on_fault(int sig, siginfo_t *si, void *uc)
{
	char msg[200];
	int n;

	n = snprintf(msg, sizeof(msg),
		     "# worker slot %d gen %d: signal %d at %p ip %#llx during %s (seed %llu)\n",
		     P.slot, P.gen, sig, si->si_addr,
		     (unsigned long long)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP],
		     cur_op >= 0 ? op_names[cur_op] : "a pump", (unsigned long long)sh->seed);
	if (write(STDOUT_FILENO, msg, n) < 0)
		n = 0;
	raise(sig);	/* SA_RESETHAND: the default action now */
}

struct thread_arg {
	bool extra, looper;
	int idx;
};

static void *thread_main(void *p)
{
	struct thread_arg a = *(struct thread_arg *)p;
	struct fz_thread *t = calloc(1, sizeof(*t));
	int ops = 0, limit = a.extra ? 5 + (int)(a.idx % 40) : -1;

	free(p);
	if (!t)
		goto out;
	t->idx = a.idx;
	t->extra = a.extra;
	rng_seed(&t->rng, sh->seed, P.slot, P.gen, a.idx);
	thread_timer_init(t);
	if (a.looper || chance(&t->rng, 60)) {
		put_bc(&t->w, a.looper ? BC_REGISTER_LOOPER : BC_ENTER_LOOPER);
		flush(t, P.dev[0].fd, &t->w);
	}
	while (!stopping() && (limit < 0 || ops++ < limit)) {
		run_op(t, pick_op(&t->rng));
		cur_op = -1;
		pump(t, pick_dev(t), below(&t->rng, 10), false, false);
	}
	if (chance(&t->rng, 50)) {
		put_bc(&t->w, BC_EXIT_LOOPER);
		flush(t, P.dev[0].fd, &t->w);
	}
	if (chance(&t->rng, 50))
		fz_ioctl(P.dev[0].fd, BINDER_THREAD_EXIT, NULL);
	if (t->has_timer)
		timer_delete(t->timer);
	free(t);
out:
	__atomic_fetch_sub(&P.threads, 1, __ATOMIC_RELAXED);
	return NULL;
}

static pthread_t main_threads[4];
static int nmain;

static void spawn_thread(bool extra, bool looper)
{
	struct thread_arg *a;
	pthread_attr_t attr;
	pthread_t th;
	int idx;

	if (__atomic_load_n(&P.threads, __ATOMIC_RELAXED) >= 8 || stopping())
		return;
	a = malloc(sizeof(*a));
	if (!a)
		return;
	idx = __atomic_fetch_add(&P.threads_started, 1, __ATOMIC_RELAXED);
	a->extra = extra;
	a->looper = looper;
	a->idx = idx;
	__atomic_fetch_add(&P.threads, 1, __ATOMIC_RELAXED);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 << 10);
	if (extra)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &attr, thread_main, a) != 0) {
		__atomic_fetch_sub(&P.threads, 1, __ATOMIC_RELAXED);
		free(a);
	} else {
		stat_inc(&sh->threads);
		if (!extra)
			main_threads[nmain++] = th;
	}
	pthread_attr_destroy(&attr);
}

/* The fds objects carry: files of every kind, and our binder fds */
static void make_pool(void)
{
	int p[2], s[2], i;

	P.npool = 0;
	P.pool[P.npool++] = binder_memfd("fuzz");
	if (pipe2(p, O_CLOEXEC) == 0) {
		P.pool[P.npool++] = p[0];
		P.pool[P.npool++] = p[1];
	}
	P.pool[P.npool++] = eventfd(0, EFD_CLOEXEC);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s) == 0) {
		P.pool[P.npool++] = s[0];
		P.pool[P.npool++] = s[1];
	}
	P.epfd = epoll_create1(EPOLL_CLOEXEC);
	P.pool[P.npool++] = P.epfd;
	for (i = 0; i < P.ndev; i++) {
		struct epoll_event ev = { .events = EPOLLIN };

		P.pool[P.npool++] = P.dev[i].fd;
		epoll_ctl(P.epfd, EPOLL_CTL_ADD, P.dev[i].fd, &ev);
	}
}

static void worker_main(int slot)
{
	struct fz_slot *s = &sh->slot[slot];
	struct fz_thread *t = calloc(1, sizeof(*t));
	struct flat_binder_object mgr;
	struct rng *r;
	struct sigaction sa;
	int i, nthreads;
	int64_t kick;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!t)
		_exit(2);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	memset(&P, 0, sizeof(P));
	P.slot = slot;
	P.gen = s->gen;
	pthread_mutex_init(&P.lock, NULL);
	pthread_rwlock_init(&P.map_lock, NULL);
	r = &t->rng;
	rng_seed(r, sh->seed, slot, s->gen, -1);
	thread_timer_init(t);

	P.dev[0].dev = s->dev;
	if (open_dev(&P.dev[0], r) < 0)
		_exit(3);
	P.ndev = 1;
	if (sh->ndevs > 1 && chance(r, 40)) {
		P.dev[1].dev = (s->dev + 1 + below(r, sh->ndevs - 1)) % sh->ndevs;
		if (open_dev(&P.dev[1], r) == 0)
			P.ndev = 2;
	}
	make_pool();
	i = below(r, 5);
	fz_ioctl(P.dev[0].fd, BINDER_SET_MAX_THREADS, &i);
	if (chance(r, 30)) {
		i = 1;
		fz_ioctl(P.dev[0].fd, BINDER_ENABLE_ONEWAY_SPAM_DETECTION, &i);
	}
	if (s->ctx_mgr) {
		if (chance(r, 50)) {
			mgr = binder_obj_binder(node_ptr(0), node_cookie(0), false);
			if (chance(r, 50))
				mgr.flags |= FLAT_BINDER_FLAG_TXN_SECURITY_CTX;
			P.ctx_mgr = binder_become_context_manager_ext(P.dev[0].fd, &mgr) == 0;
		} else {
			P.ctx_mgr = binder_become_context_manager(P.dev[0].fd) == 0;
		}
	}
	/* real handles: publish two nodes, look up what others published */
	for (i = 0; i < 2; i++)
		op_sm(t, &P.dev[0], true);
	for (i = 0; i < 3; i++)
		op_sm(t, &P.dev[0], false);

	if (chance(r, 90)) {	/* the main thread serves the proc's work too */
		put_bc(&t->w, BC_ENTER_LOOPER);
		flush(t, P.dev[0].fd, &t->w);
	}
	nthreads = 2 + below(r, 2);
	for (i = 0; i < nthreads; i++)
		spawn_thread(false, false);
	while (!stopping()) {
		pump(t, &P.dev[0], 50, false, false);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;	/* holders */
	}

	/* the end: kick threads out of the driver until they are done */
	kick = now_ms();
	while (__atomic_load_n(&P.threads, __ATOMIC_RELAXED) > 0) {
		for (i = 0; i < nmain; i++)
			pthread_kill(main_threads[i], SIGUSR1);
		usleep(20000);
		if (now_ms() - kick > 600000)
			break;	/* the supervisor's watchdog says hang */
	}
	for (i = 0; i < nmain; i++)
		pthread_join(main_threads[i], NULL);
	_exit(0);
}

/* ---- The supervisor: spawns, kills, respawns; then the verdict ---- */

static void spawn_slot(int slot)
{
	struct fz_slot *s = &sh->slot[slot];
	pid_t pid;

	s->gen++;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		worker_main(slot);
	if (pid > 0) {
		s->pid = pid;
		s->stopped = 0;
		stat_inc(&sh->spawned);
	}
}

static int slot_of(pid_t pid)
{
	int i;

	for (i = 0; i < sh->nslots; i++)
		if (sh->slot[i].pid == pid)
			return i;
	return -1;
}

/* Reap what exited; count how; schedule respawns.  Returns slots alive. */
static int reap(bool respawn, struct rng *r)
{
	int status, i, alive = 0;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		i = slot_of(pid);
		if (i < 0)
			continue;	/* a holder, reparented to us */
		sh->slot[i].pid = 0;
		if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
			stat_inc(&sh->crashed);
			printf("# worker slot %d gen %d (pid %d) died of signal %d (seed %llu)\n",
			       i, sh->slot[i].gen, pid, WTERMSIG(status),
			       (unsigned long long)sh->seed);
		} else if (WIFEXITED(status) && WEXITSTATUS(status) > 1) {
			printf("# worker slot %d gen %d (pid %d) could not start (exit %d)\n",
			       i, sh->slot[i].gen, pid, WEXITSTATUS(status));
		}
		sh->slot[i].respawn_ms = now_ms() + below(r, 300);
	}
	for (i = 0; i < sh->nslots; i++) {
		if (sh->slot[i].pid)
			alive++;
		else if (respawn && now_ms() >= sh->slot[i].respawn_ms)
			spawn_slot(i);
	}
	return alive;
}

static void chaos(struct rng *r)
{
	int i = below(r, sh->nslots);
	struct fz_slot *s = &sh->slot[i];

	if (!s->pid)
		return;
	if (s->stopped) {
		kill(s->pid, SIGCONT);
		s->stopped = 0;
		return;
	}
	switch (below(r, 10)) {
	case 0:
		if (!s->ctx_mgr || chance(r, 50)) {
			kill(s->pid, SIGSTOP);
			s->stopped = 1;
			stat_inc(&sh->sigstopped);
		}
		break;
	case 1: case 2: case 3:
		/* the context manager dies less often: it holds the registry */
		if (s->ctx_mgr && chance(r, 70))
			break;
		kill(s->pid, SIGKILL);
		stat_inc(&sh->killed);
		break;
	default:
		break;
	}
}

static void dump_file(const char *path, int max_lines)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (max_lines-- > 0 && fgets(line, sizeof(line), f))
		printf("#   %s", line);
	fclose(f);
}

/* Where a process that did not finish is: its threads' states and stacks */
static void dump_stuck(pid_t pid)
{
	char path[320];
	struct dirent *e;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", pid, e->d_name);
		dump_file(path, 1);
		printf("\n");
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stack", pid, e->d_name);
		dump_file(path, 20);
	}
	closedir(dir);
}

/* A child of ours still running (a holder reparented to us), or 0 */
static pid_t find_child(void)
{
	char path[300], buf[256], *p;
	struct dirent *e;
	pid_t found = 0;
	DIR *dir = opendir("/proc");

	while (dir && !found && (e = readdir(dir))) {
		int ppid, fd, n;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		p = strrchr(buf, ')');	/* "pid (comm) state ppid ..." */
		if (p && sscanf(p + 1, " %*c %d", &ppid) == 1 && ppid == getpid())
			found = atoi(e->d_name);
	}
	if (dir)
		closedir(dir);
	return found;
}

static void print_counts(const char *what, const uint64_t *v, const char * const *names,
			 size_t n, const char *prefix)
{
	size_t i, col = 0;

	printf("# fuzz: %s:", what);
	for (i = 0; i < n; i++) {
		if (!names[i] || !v[i])
			continue;
		if (col++ && col % 6 == 1)
			printf("\n# fuzz: %s:", what);
		printf(" %s%s=%llu", prefix, names[i], (unsigned long long)v[i]);
	}
	printf("\n");
}

static void print_stats(int64_t ms)
{
	uint64_t bc_total = sh->bc_raw, br_total = 0, io_total = sh->ioctl_other;
	size_t i;

	for (i = 0; i < NR_SLOTS; i++) {
		bc_total += sh->bc[i];
		br_total += sh->br[i];
		io_total += sh->ioctl[i];
	}
	printf("# fuzz: ran %lld ms: %llu commands, %llu returns, %llu ioctls\n",
	       (long long)ms, (unsigned long long)bc_total, (unsigned long long)br_total,
	       (unsigned long long)io_total);
	print_counts("commands", sh->bc, bc_names, ARRAY_SIZE(bc_names),
		     "BC_");
	printf("# fuzz: commands: raw=%llu bitflipped_streams=%llu truncated_streams=%llu\n",
	       (unsigned long long)sh->bc_raw, (unsigned long long)sh->bc_flip,
	       (unsigned long long)sh->bc_trunc);
	print_counts("returns", sh->br, br_names, ARRAY_SIZE(br_names), "BR_");
	print_counts("ioctls", sh->ioctl, ioctl_names, NR_SLOTS, "");
	print_counts("ioctl errors", sh->ioctl_err, ioctl_names, NR_SLOTS, "");
	printf("# fuzz: ioctls: not binder's=%llu\n", (unsigned long long)sh->ioctl_other);
	printf("# fuzz: transactions: sync=%llu oneway=%llu replies=%llu corrupted_objects=%llu\n",
	       (unsigned long long)sh->txns, (unsigned long long)sh->oneway,
	       (unsigned long long)sh->replies, (unsigned long long)sh->objs_bad);
	print_counts("objects", sh->obj, obj_names, 8, "");
	print_counts("ops", sh->ops, op_names, OP_COUNT, "");
	printf("# fuzz: processes: spawned=%llu killed=%llu sigstopped=%llu exited=%llu",
	       (unsigned long long)sh->spawned, (unsigned long long)sh->killed,
	       (unsigned long long)sh->sigstopped, (unsigned long long)sh->exited);
	printf(" crashed=%llu\n", (unsigned long long)sh->crashed);
	printf("# fuzz: processes: holders=%llu execs=%llu scm=%llu threads=%llu",
	       (unsigned long long)sh->holders, (unsigned long long)sh->execs,
	       (unsigned long long)sh->scm, (unsigned long long)sh->threads);
	printf(" alien_fds=%llu anomalies=%llu\n", (unsigned long long)sh->aliens,
	       (unsigned long long)sh->anomalies);
}

static int supervise(int seconds, int watchdog)
{
	struct rng r;
	int64_t start = now_ms(), end = start + seconds * 1000LL, next = start, t0;
	int i, alive, stuck = 0;
	pid_t pid;

	rng_seed(&r, sh->seed, MAX_SLOTS, 0, -1);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	for (i = 0; i < sh->nslots; i++)
		spawn_slot(i);
	while (now_ms() < end) {
		usleep(20000);
		reap(true, &r);
		if (now_ms() >= next) {
			chaos(&r);
			next = now_ms() + 100 + below(&r, 900);
		}
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < sh->nslots; i++)
		if (sh->slot[i].pid)
			kill(sh->slot[i].pid, SIGCONT);
	t0 = now_ms();
	do {
		usleep(50000);
		alive = reap(false, &r);
	} while (alive && now_ms() - t0 < watchdog * 1000LL);
	print_stats(now_ms() - start);
	for (i = 0; i < sh->nslots; i++) {
		pid = sh->slot[i].pid;
		if (!pid)
			continue;
		stuck++;
		printf("# hang: slot %d gen %d (pid %d) still running %d s after the end;",
		       i, sh->slot[i].gen, pid, watchdog);
		printf(" its threads:\n");
		dump_stuck(pid);
		kill(pid, SIGKILL);
	}
	if (stuck) {
		printf("# binder/state at the hang:\n");
		dump_file(BINDER_DEBUGFS "/state", 200);
		t0 = now_ms();
		while (reap(false, &r) && now_ms() - t0 < watchdog * 1000LL)
			usleep(50000);
		for (i = 0; i < sh->nslots; i++)
			if (sh->slot[i].pid)
				printf("# hang: pid %d survives SIGKILL\n", sh->slot[i].pid);
	}
	/* holders end on their own within seconds */
	t0 = now_ms();
	while (waitpid(-1, NULL, WNOHANG) >= 0 && now_ms() - t0 < watchdog * 1000LL)
		usleep(50000);
	pid = waitpid(-1, NULL, WNOHANG) == 0 ? find_child() : 0;
	if (pid > 0) {
		stuck++;
		printf("# hang: holder pid %d still running %d s after the end; its threads:\n",
		       pid, watchdog);
		dump_stuck(pid);
	}
	if (stuck) {
		printf("not ok 1 fuzz seed=%llu: %d process(es) did not finish within %d s\n",
		       (unsigned long long)sh->seed, stuck, watchdog);
		return 1;
	}
	printf("ok 1 fuzz seed=%llu\n", (unsigned long long)sh->seed);
	return 0;
}

static void bad_args(void)
{
	fprintf(stderr,
		"usage: binder_fuzz [-s SEED] [-t SECONDS] [-w WATCHDOG] [-p WORKERS]\n"
		"       binder_fuzz --holder SEED MS FD...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	int seconds = 60, watchdog = 120, workers = 3, opt, i, d;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;	/* no SA_RESTART: waits return EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (argc >= 4 && !strcmp(argv[1], "--holder")) {
		int fds[4], n = 0;

		for (i = 4; i < argc && n < 4; i++)
			fds[n++] = atoi(argv[i]);
		holder_run(strtoull(argv[2], NULL, 0), atoi(argv[3]), fds, n);
	}
	while ((opt = getopt(argc, argv, "s:t:w:p:")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			seconds = atoi(optarg);
			break;
		case 'w':
			watchdog = atoi(optarg);
			break;
		case 'p':
			workers = atoi(optarg);
			break;
		default:
			bad_args();
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sh->seed = seed;
	for (d = 0; d < MAX_DEVS; d++) {
		if (access(dev_names[d], R_OK | W_OK))
			continue;
		for (i = 0; i <= workers && sh->nslots < MAX_SLOTS; i++) {
			struct fz_slot *s = &sh->slot[sh->nslots++];

			s->dev = sh->ndevs;
			s->ctx_mgr = i == 0;
		}
		devs[sh->ndevs++] = dev_names[d];
	}
	printf("# fuzz: seed=%llu seconds=%d watchdog=%d devices=%d processes=%d driver=%s\n",
	       (unsigned long long)seed, seconds, watchdog, sh->ndevs, sh->nslots,
	       binder_is_ours() ? "ours" : "reference");
	if (!sh->ndevs) {
		printf("not ok 1 fuzz seed=%llu: no binder device\n", (unsigned long long)seed);
		return 1;
	}
	return supervise(seconds, watchdog);
}
