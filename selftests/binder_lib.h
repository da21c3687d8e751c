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
/* ioctl()/mmap() of a binder fd; under fault injection, the window it opens */
int binder_ioctl(int fd, unsigned long req, void *arg);
void *binder_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);

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

/* Open dev and map BINDER_MAP_SIZE read-only; -1 with errno on failure. */
int binder_open_mapped_dev(const char *dev, int extra_flags, void **map);

/* Wait for debugfs binder/stats to show no live object; 0 or -1 (logged). */
int binder_wait_objects_zero(int timeout_ms);

/* binder/proc/<pid> into buf; bytes read, or -1 if there is none. */
ssize_t binder_read_proc(pid_t pid, char *buf, size_t size);

/* Lines of binder/proc/<pid> starting with prefix ("  buffer ", ...); -1 if none */
int binder_proc_count(pid_t pid, const char *prefix);

/*
 * The ref desc of binder/proc/<pid>: its strong and weak counts, and whether
 * its node is dead.  0, or -1 when pid has no such ref.
 */
int binder_ref_counts(pid_t pid, uint32_t desc, int *strong, int *weak,
		      bool *dead);

/* ---- Commands (BC_*): build a write buffer, then send it. ---- */

struct binder_cmds {
	uint8_t buf[2048];
	size_t len;
};

void cmds_reset(struct binder_cmds *c);
/* Append raw bytes (a command, a payload, or half of one). */
void cmd_raw(struct binder_cmds *c, const void *p, size_t size);
void cmd_u32(struct binder_cmds *c, uint32_t v);
/* BC_INCREFS, BC_ACQUIRE, BC_RELEASE, BC_DECREFS */
void cmd_handle(struct binder_cmds *c, uint32_t bc, uint32_t handle);
/* BC_FREE_BUFFER, BC_DEAD_BINDER_DONE */
void cmd_ptr(struct binder_cmds *c, uint32_t bc, binder_uintptr_t ptr);
/* BC_INCREFS_DONE, BC_ACQUIRE_DONE */
void cmd_ptr_cookie(struct binder_cmds *c, uint32_t bc, binder_uintptr_t ptr,
		    binder_uintptr_t cookie);
/* BC_REQUEST_DEATH_NOTIFICATION, BC_CLEAR_DEATH_NOTIFICATION */
void cmd_death(struct binder_cmds *c, uint32_t bc, uint32_t handle,
	       binder_uintptr_t cookie);
/* BC_TRANSACTION or BC_REPLY; offsets: n object offsets into data */
void cmd_txn(struct binder_cmds *c, uint32_t bc, uint32_t handle, uint32_t code,
	     uint32_t flags, const void *data, size_t size,
	     const binder_size_t *offsets, size_t n);
static inline void cmd_free_buffer(struct binder_cmds *c, binder_uintptr_t p)
{
	cmd_ptr(c, BC_FREE_BUFFER, p);
}

/* Send c (write only); 0 or -errno.  *consumed gets write_consumed. */
int binder_write_cmds(int fd, const struct binder_cmds *c,
		      binder_size_t *consumed);
/* One command, for short scenarios */
int binder_free_buffer(int fd, binder_uintptr_t ptr);
int binder_send_u32(int fd, uint32_t bc);

/* ---- Returns (BR_*): a per-thread read stream. ---- */

struct binder_br {
	uint32_t cmd;
	uint32_t size;		/* payload bytes, _IOC_SIZE(cmd) */
	union {
		/* BR_TRANSACTION(_SEC_CTX), BR_REPLY */
		struct binder_transaction_data txn;
		/* BR_INCREFS, BR_ACQUIRE, BR_RELEASE, BR_DECREFS */
		struct binder_ptr_cookie node;
		/* BR_DEAD_BINDER, BR_CLEAR_DEATH_NOTIFICATION_DONE */
		binder_uintptr_t cookie;
		int32_t error;	/* BR_ERROR */
		uint8_t raw[128];
	};
};

/* The transaction data of a BR_TRANSACTION/BR_REPLY, in our mapping */
static inline const void *br_data(const struct binder_br *br)
{
	return (const void *)(uintptr_t)br->txn.data.ptr.buffer;
}

static inline const binder_size_t *br_offsets(const struct binder_br *br)
{
	return (const binder_size_t *)(uintptr_t)br->txn.data.ptr.offsets;
}

#define BINDER_SEEN_MAX 64

struct binder_reader {
	int fd;
	size_t len, pos;
	uint32_t seen[BINDER_SEEN_MAX];	/* every BR returned, but BR_NOOP */
	unsigned int nseen;
	uint8_t buf[1024];
};

void binder_reader_init(struct binder_reader *r, int fd);
/*
 * Next BR (BR_NOOP skipped), waiting up to timeout_ms (poll() on the fd,
 * so a silent driver fails the test instead of hanging it).  0 and *br,
 * -ETIMEDOUT, -EPROTO on a truncated return, or -errno of the ioctl.
 */
int binder_read_br(struct binder_reader *r, struct binder_br *br,
		   int timeout_ms);
/*
 * Read until BR want.  Meanwhile unwanted buffers are freed, BR_INCREFS /
 * BR_ACQUIRE acknowledged and BR_DEAD_BINDER done.  0, or -errno.
 */
int binder_read_until(struct binder_reader *r, uint32_t want,
		      struct binder_br *br, int timeout_ms);
/* Has the reader returned BR br since init (or the last forget)? */
/*
 * Everything the driver returns within window_ms (BR_NOOP aside), each
 * handled as binder_read_until() would.  *outcomes counts those in
 * ok[0..n); returns how many others came (each logged), or -errno.
 */
int binder_drain_returns(struct binder_reader *r, const uint32_t *ok,
			 size_t n, int window_ms, int *outcomes);
bool binder_seen(const struct binder_reader *r, uint32_t br);
void binder_forget_seen(struct binder_reader *r);
/* Handle a BR the test does not care about, as binder_read_until would. */
void binder_handle_unwanted(struct binder_reader *r,
			    const struct binder_br *br);

/* ---- Calls ---- */

#define BINDER_TIMEOUT_MS	2000

/*
 * BC_TRANSACTION to handle and wait (BINDER_TIMEOUT_MS) for its outcome:
 * returns BR_REPLY (reply->txn; free its buffer), BR_DEAD_REPLY,
 * BR_FAILED_REPLY, BR_TRANSACTION_COMPLETE for a oneway call, BR_TRANSACTION
 * if a nested call arrives first (in reply), or -errno.
 */
int binder_transact(struct binder_reader *r, uint32_t handle, uint32_t code,
		    uint32_t flags, const void *data, size_t size,
		    const binder_size_t *offsets, size_t n,
		    struct binder_br *reply);
/* A plain sync call without objects; same returns. */
int binder_call(struct binder_reader *r, uint32_t handle, uint32_t code,
		const void *data, size_t size, struct binder_br *reply);
/* BC_REPLY (and BC_FREE_BUFFER of the request's buffer when req != 0) */
int binder_reply(int fd, binder_uintptr_t req, uint32_t flags,
		 const void *data, size_t size,
		 const binder_size_t *offsets, size_t n);

/* BINDER_SET_CONTEXT_MGR, retrying EBUSY ~2 s (a dead manager goes late) */
int binder_become_context_manager(int fd);
int binder_become_context_manager_ext(int fd, const struct flat_binder_object *fbo);

/* A flat_binder_object of a local binder / of a handle */
struct flat_binder_object binder_obj_binder(binder_uintptr_t ptr,
					    binder_uintptr_t cookie, bool weak);
struct flat_binder_object binder_obj_handle(uint32_t handle, bool weak);

/* ---- A tiny server process ---- */

struct binder_server;

/* What a handler answers; size 0 and no objects is an empty reply. */
struct binder_answer {
	uint32_t flags;
	size_t size;
	binder_size_t offsets[4];
	size_t n;
	uint8_t data[512];
	bool keep_buffer;	/* do not BC_FREE_BUFFER the request */
	bool no_reply;		/* do not BC_REPLY (the handler did) */
};

/*
 * Runs in the server, on the looper thread that got tr (a BR_TRANSACTION)
 * and reads with r; ans starts empty.
 */
typedef void (*binder_handler_fn)(struct binder_server *s,
				  struct binder_reader *r,
				  const struct binder_br *tr,
				  struct binder_answer *ans);

/* The default handler replies this, then the request's data. */
struct binder_echo {
	uint32_t code;
	uint32_t flags;
	int32_t sender_pid;
	uint32_t sender_euid;
	uint64_t target_ptr;
	uint64_t cookie;
	uint64_t data_size;
	uint64_t offsets_size;
};

/* What the server saw, for the test to wait on */
struct binder_event {
	uint32_t cmd;		/* a BR, never BR_NOOP */
	uint32_t pad;
	uint64_t arg;		/* code, node ptr or death cookie */
};

#define BINDER_SERVER_CTX_MGR	0x1	/* become the context manager */
#define BINDER_SERVER_NO_LOOP	0x2	/* ready, but never reads */

struct binder_server {
	/* set by the test */
	const char *dev;		/* default BINDER_DEV */
	unsigned int flags;
	binder_handler_fn handler;	/* default: reply struct binder_echo */
	void *arg;
	unsigned int max_threads;	/* > 0: a pool, spawned on request */
	/* the test's side */
	pid_t pid;
	int events;			/* read end of the event pipe */
	/* the server's side, for handlers */
	int fd;
	void *map;
	int event_wr;
};

/* Fork the server, wait until it is ready; 0 or -errno. */
int binder_server_start(struct binder_server *s);
/* SIGKILL and reap it; its status, as waitpid() gives it. */
int binder_server_stop(struct binder_server *s);
/* Wait for the server to see BR cmd; 0 and *arg, or -ETIMEDOUT. */
int binder_server_wait(struct binder_server *s, uint32_t cmd, uint64_t *arg,
		       int timeout_ms);
/* In the server: report an event of a handler's own. */
void binder_server_event(struct binder_server *s, uint32_t cmd, uint64_t arg);

/*
 * A minimal service manager, as a handler for a BINDER_SERVER_CTX_MGR
 * server: BINDER_SM_ADD takes one object (it keeps a strong ref on the
 * handle, for good), BINDER_SM_GET replies the last one added as a
 * BINDER_TYPE_HANDLE object, or an empty reply when there is none.
 */
#define BINDER_SM_ADD	1
#define BINDER_SM_GET	2
void binder_sm_handler(struct binder_server *s, struct binder_reader *r,
		       const struct binder_br *tr, struct binder_answer *ans);
/* Client side: publish a local binder (ptr, cookie) / look it up */
int binder_sm_add(struct binder_reader *r, binder_uintptr_t ptr,
		  binder_uintptr_t cookie);
/* the handle, or -1 if there is none or the call failed (logged) */
int64_t binder_sm_get(struct binder_reader *r);

/* ---- Lifecycle and allocator helpers (binder_{seed,alloc_txn,race}_test) ---- */

/* binder_server_start(), but the server maps map_size bytes. */
int binder_server_start_map(struct binder_server *s, size_t map_size);

/*
 * Wait for the first server event that is one of cmds[0..n); 0 and *got
 * (and *arg), or -ETIMEDOUT.  Other events are dropped.
 */
int binder_server_wait_any(struct binder_server *s, const uint32_t *cmds,
			   size_t n, uint32_t *got, uint64_t *arg,
			   int timeout_ms);

/* The per-proc block of binder/stats, as both drivers print it. */
struct binder_proc_stats {
	int threads;
	long free_async_space;
	int nodes;
	int pages_active, pages_lru, pages_free;	/* "  pages: A:L:F" */
};

/* 0 and *st for the first "proc <pid>" block of binder/stats, else -1 */
int binder_proc_stats(pid_t pid, struct binder_proc_stats *st);

/* The number after "prefix" on a line of binder/proc/<pid>; -1 if none */
long binder_proc_value(pid_t pid, const char *prefix);

/* A count of our binder/objects ("page", "buffer", ...); -1 if none */
long binder_objects_count(const char *name);

/* echo what > /proc/sys/vm/drop_caches; 0 or -errno */
int binder_drop_caches(int what);

/*
 * The kernel log from now on: binder_kmsg_open() skips what is there;
 * binder_kmsg_count() reads what came since and counts the records that
 * contain every string of needles[0..n) (NULL entries ignored).
 */
int binder_kmsg_open(void);
int binder_kmsg_count(int fd, const char * const *needles, size_t n);

/* Milliseconds of CLOCK_MONOTONIC */
int64_t binder_now_ms(void);

/*
 * The global live object counts of binder/stats (both drivers), to check
 * that a test leaves nothing behind even when an earlier one did.
 */
#define BINDER_OBJECT_KINDS 7	/* proc thread node ref death transaction transaction_complete */
struct binder_objects {
	int active[BINDER_OBJECT_KINDS];
};

/* 0 and *o, or -1 */
int binder_objects_snapshot(struct binder_objects *o);
/* Wait until no count is above base's; 0, or -1 (what is left, logged) */
int binder_wait_objects_back(const struct binder_objects *base, int timeout_ms);

/* ---- Fds, scatter-gather, security context, freeze (binder_{fd,sg,...}_test) ---- */

/* BC_TRANSACTION_SG or BC_REPLY_SG: cmd_txn() with buffers_size sg bytes */
void cmd_txn_sg(struct binder_cmds *c, uint32_t bc, uint32_t handle,
		uint32_t code, uint32_t flags, const void *data, size_t size,
		const binder_size_t *offsets, size_t n,
		binder_size_t buffers_size);

/*
 * Send c, which holds one transaction (its flags are flags), and wait for
 * its outcome as binder_transact() does; same returns.
 */
int binder_transact_cmds(struct binder_reader *r, const struct binder_cmds *c,
			 uint32_t flags, struct binder_br *reply);

/* The number of open fds of pid (its /proc/<pid>/fd); -1 on error */
int binder_count_fds(pid_t pid);

/* Is the running kernel release at least major.minor? */
bool binder_kernel_at_least(int major, int minor);

/* A memfd holding the string s (without its NUL); -1 on error */
int binder_memfd(const char *s);

/*
 * A handler that reports what a transaction carried, for a
 * BINDER_SERVER_CTX_MGR server:
 *   BINDER_INSPECT_NODE  data: struct binder_inspect_node; replies a
 *                        BINDER_TYPE_BINDER of that ptr (and cookie) with
 *                        those flags (FLAT_BINDER_FLAG_*)
 *   BINDER_INSPECT       replies a struct binder_inspect_report
 *   BINDER_INSPECT_REPLY_FD  replies one BINDER_TYPE_FD object (a memfd
 *                        holding "reply", cookie BINDER_INSPECT_COOKIE),
 *                        then reports its own extended error as the server
 *                        event BINDER_INSPECT_EE, arg (command << 32 | param)
 *   BINDER_INSPECT_REPLY_SG  replies with BC_REPLY_SG a struct
 *                        binder_sg_reply: a PTR to a struct binder_sg_outer
 *                        whose child points to a PTR holding two fds (memfds
 *                        holding "r0" and "r1"), and an FDA over those; the
 *                        extended error is reported as for REPLY_FD
 * The report's fds are closed by the handler once looked at.
 */
#define BINDER_INSPECT_NODE	1
#define BINDER_INSPECT		2
#define BINDER_INSPECT_REPLY_FD	3
#define BINDER_INSPECT_REPLY_SG	4
#define BINDER_INSPECT_EE	0x7e7e0001
#define BINDER_INSPECT_COOKIE	0xc0c0c0c0c0ULL
#define BINDER_INSPECT_MAX	4

/* BINDER_INSPECT_REPLY_SG: the reply's data and the buffers it points to */
struct binder_sg_outer {
	uint64_t tag;			/* BINDER_INSPECT_COOKIE */
	uint64_t child;			/* the inner buffer's address */
};

struct binder_sg_inner {
	uint32_t fds[2];
	uint64_t tail;			/* BINDER_INSPECT_COOKIE + 1 */
};

struct binder_sg_reply {
	uint64_t head;
	struct binder_buffer_object outer;
	struct binder_buffer_object inner;	/* child of outer at 8 */
	struct binder_fd_array_object fda;	/* 2 fds at 0 of inner */
};

struct binder_inspect_node {
	uint64_t ptr;
	uint32_t flags;
	uint32_t pad;
};

struct binder_seen_obj {
	uint8_t raw[40];	/* the object as received (binder_buffer_object at most) */
	uint32_t in_map;	/* PTR: its buffer lies in the receiver's mapping */
	uint32_t pad;
	uint8_t bytes[32];	/* PTR: the first bytes of its buffer */
};

struct binder_seen_fd {
	int32_t fd;		/* the receiver's fd, from an FD object or an FDA */
	int32_t fd_flags;	/* fcntl(F_GETFD), or -errno */
	int32_t open_after_free;	/* still open after BC_FREE_BUFFER */
	char data[12];		/* pread() at 0 through it, NUL-terminated */
};

struct binder_inspect_report {
	uint32_t cmd;		/* BR_TRANSACTION or BR_TRANSACTION_SEC_CTX */
	uint32_t nobj;
	uint32_t nfd;
	uint32_t secctx_len;	/* strlen of the security context */
	int64_t secctx_off;	/* its offset from the data buffer, or -1 */
	char secctx[32];
	struct binder_seen_obj obj[BINDER_INSPECT_MAX];
	struct binder_seen_fd fd[BINDER_INSPECT_MAX];	/* the first ones */
	/* every fd (up to BINDER_INSPECT_ALL_FDS), not only the first */
	uint32_t fds_total;
	uint32_t fds_cloexec;	/* open and FD_CLOEXEC when looked at */
	uint32_t fds_distinct;
	uint32_t fds_open_after_free;
};

#define BINDER_INSPECT_ALL_FDS 256

/*
 * BINDER_INSPECT: send c (one BC_TRANSACTION or BC_TRANSACTION_SG of that
 * code) and read the report: BR_REPLY and *rep, the BR that came instead,
 * or -EPROTO when the reply is no report.
 */
int binder_inspect_cmds(struct binder_reader *r, const struct binder_cmds *c,
			struct binder_inspect_report *rep);
/* The same by BC_TRANSACTION of data with n objects at offs */
int binder_inspect_call(struct binder_reader *r, uint32_t handle,
			const void *data, size_t size,
			const binder_size_t *offs, size_t n,
			struct binder_inspect_report *rep);

/*
 * What a caller without TF_ACCEPT_FDS sees of an inspect reply carrying
 * fds (BINDER_INSPECT_REPLY_FD or _SG): the BR it gets, its open fds
 * before and after, its extended error, and the replier's as reported.
 */
struct binder_refused_reply {
	int32_t br;
	int fds_before;
	int fds_after;
	struct binder_extended_error ee;
	int server_wait;	/* 0 when the replier's ee event came */
	uint32_t server_command;
	int32_t server_param;
};

void binder_inspect_refused_reply(struct binder_server *s,
				  struct binder_reader *r, uint32_t handle,
				  uint32_t code, struct binder_refused_reply *out);

void binder_inspect_handler(struct binder_server *s, struct binder_reader *r,
			    const struct binder_br *tr,
			    struct binder_answer *ans);
/* Client side: a (strong, acquired) handle to a new node; -1 on failure */
int64_t binder_inspect_node(struct binder_reader *r, uint64_t ptr,
			    uint32_t flags);

/* ---- Failure reports: generic netlink family "binder", group "report" ---- */

/* One BINDER_CMD_REPORT, attributes as upstream 6.18 numbers them */
struct binder_nl_report {
	uint32_t error;			/* the BR_* the sender got */
	char context[64];
	uint32_t from_pid, from_tid;
	uint32_t to_pid, to_tid;	/* 0 when absent */
	bool has_to_pid, has_to_tid;
	bool is_reply;
	uint32_t flags, code, data_size;
};

/*
 * A socket that receives the reports; -ENOENT when no family "binder" is
 * registered (the reference), else -errno.
 */
int binder_report_open(void);
/* The next report within timeout_ms: 0, or -ETIMEDOUT, -errno */
int binder_report_read(int fd, struct binder_nl_report *rep, int timeout_ms);

#endif /* _BINDER_LIB_H */
