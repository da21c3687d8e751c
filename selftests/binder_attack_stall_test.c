// SPDX-License-Identifier: GPL-2.0
/*
 * Attacks a reviewer ran against our driver, as regressions.  Conformance:
 * Debian's binder_linux.ko (upstream) survives each one.
 *
 * - One slow process stalls nobody else: a reader whose read buffer
 *   faults (a userfaultfd page the driver writes a return into), or a
 *   sender whose transaction data faults (the driver's copy from it
 *   waits), is stuck for seconds; meanwhile an unrelated client/server
 *   pair on the same device (and on another device) gets BINDER_VERSION
 *   and sync round trips within LATENCY_MS each.
 * - debugfs readers of binder/proc/<pid>, state, stats and transactions
 *   racing with procs coming and going: no deadlock, opens go on.
 * - debugfs reads a transaction whose target proc is gone (its thread
 *   left with the call on its stack while calling out, then the proc
 *   exited): no use of the freed proc (KASAN on the debug kernel), and
 *   nothing is left once everyone exits.
 *
 * Every wait is bounded; the latency limit is the one of the issue.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS

#define LATENCY_MS	100	/* the limit for one operation */
#define STALL_MS	2500	/* a stuck process is let go after this at most */
#define ROUNDS		10	/* timed meanwhile, ROUND_GAP_MS apart */
#define ROUND_GAP_MS	100

#define PAIR_PTR	0x5a1700	/* the pair's server's node */
#define CODE_PING	1		/* the pair's round trip */
#define CODE_STUCK	7		/* the stuck process's oneway call */
#define CODE_HOLD	30		/* the manager holds it until told */
#define EV_HELD		0x7e5a0001u	/* the manager holds a CODE_HOLD call */

/* Wait up to timeout_ms for one byte on fd; the byte, or -1 */
static int wait_byte(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	unsigned char c;

	if (poll(&pfd, 1, timeout_ms) != 1 || read(fd, &c, 1) != 1)
		return -1;
	return c;
}

/* Is a byte waiting on fd right now? */
static bool byte_ready(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1;
}

/* waitpid() for at most timeout_ms; the status, or -1 (still running) */
static int wait_child(pid_t pid, int timeout_ms)
{
	int64_t end = binder_now_ms() + timeout_ms;
	int status;

	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		if (binder_now_ms() > end)
			return -1;
		usleep(10000);
	}
}

static bool debugfs_there(void)
{
	return access(BINDER_DEBUGFS "/state", R_OK) == 0 &&
	       access(BINDER_DEBUGFS "/transactions", R_OK) == 0;
}

/*
 * The context manager's handler: binder_sm_handler, and CODE_HOLD, which
 * it holds (reporting EV_HELD) until a byte comes on the pipe it was
 * given, then answers.
 */
static void mgr_handler(struct binder_server *s, struct binder_reader *r,
			const struct binder_br *tr, struct binder_answer *ans)
{
	const int *go = s->arg;

	if (tr->txn.code != CODE_HOLD) {
		binder_sm_handler(s, r, tr, ans);
		return;
	}
	binder_server_event(s, EV_HELD, tr->txn.sender_pid);
	wait_byte(go[0], 10000);
}

/* A manager on /dev/binder (go: CODE_HOLD's pipe, may be NULL) */
static int start_mgr(struct binder_server *s, int *go)
{
	memset(s, 0, sizeof(*s));
	s->flags = BINDER_SERVER_CTX_MGR;
	s->handler = mgr_handler;
	s->arg = go;
	return binder_server_start(s);
}

/*
 * The pair's server: publishes PAIR_PTR with the manager, then answers
 * every call with an empty reply.  Writes 'r' on ready once it loops.
 */
static void pair_server(int ready)
{
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	if (fd < 0)
		_exit(10);
	binder_reader_init(&r, fd);
	if (binder_sm_add(&r, PAIR_PTR, 0))
		_exit(11);
	if (binder_send_u32(fd, BC_ENTER_LOOPER))
		_exit(12);
	if (write(ready, "r", 1) != 1)
		_exit(13);
	for (;;) {
		if (binder_read_br(&r, &br, -1))
			_exit(14);
		if (br.cmd == BR_TRANSACTION)
			binder_reply(fd, br.txn.data.ptr.buffer, 0, NULL, 0,
				     NULL, 0);
		else
			binder_handle_unwanted(&r, &br);
	}
}

/* ---- one slow process stalls nobody else ---- */

enum stuck_in {
	STUCK_READING,	/* a return is written into a faulting read buffer */
	STUCK_SENDING,	/* the transaction data is copied from a faulting page */
};

/* The stuck process's userfaultfd: one missing page, served late */
struct uffd_page {
	int uffd;
	void *page;		/* registered, missing until served */
	size_t size;
	int release;		/* test -> us: serve it now */
	int report;		/* us -> test: 'f' when the fault came */
};

static void *serve_fault(void *arg)
{
	struct uffd_page *u = arg;
	struct pollfd pfd = { .fd = u->uffd, .events = POLLIN };
	struct uffdio_copy copy = { 0 };
	struct uffd_msg msg;
	void *zero = calloc(1, u->size);

	if (!zero || poll(&pfd, 1, 5000) != 1 ||
	    read(u->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT ||
	    write(u->report, "f", 1) != 1)
		_exit(20);
	/* stuck until the test is done timing, or STALL_MS at most */
	wait_byte(u->release, STALL_MS);
	copy.dst = (uintptr_t)u->page;
	copy.src = (uintptr_t)zero;
	copy.len = u->size;
	if (ioctl(u->uffd, UFFDIO_COPY, &copy))
		_exit(21);
	free(zero);
	return NULL;
}

/*
 * The stuck process: opens dev, calls its manager oneway with CODE_STUCK
 * and gets stuck on a userfaultfd page, reading the call's
 * BR_TRANSACTION_COMPLETE into it, or sending the call's data from it.
 * Reports 'f' on report when the fault came, then 'd' when it is through
 * with the call (and 'e' if anything went wrong).
 */
static void stuck_process(const char *dev, enum stuck_in how, int release,
			  int report)
{
	const size_t page = sysconf(_SC_PAGESIZE);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { 0 };
	struct binder_cmds c = { .len = 0 };
	struct binder_write_read bwr;
	struct uffd_page u;
	struct binder_reader r;
	struct binder_br br;
	uint32_t rbuf[2];
	uint8_t *area;
	pthread_t t;
	void *map;
	int fd, ret;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = binder_open_mapped_dev(dev, 0, &map);
	u.uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (fd < 0 || u.uffd < 0 || ioctl(u.uffd, UFFDIO_API, &api))
		_exit(30);
	area = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		_exit(31);
	/* the first page is there, the second faults */
	memset(area, 0, page);
	u.page = area + page;
	u.size = page;
	u.release = release;
	u.report = report;
	reg.range.start = (uintptr_t)u.page;
	reg.range.len = page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(u.uffd, UFFDIO_REGISTER, &reg) ||
	    pthread_create(&t, NULL, serve_fault, &u))
		_exit(32);

	binder_reader_init(&r, fd);
	if (how == STUCK_READING) {
		/*
		 * BR_TRANSACTION_COMPLETE is queued for us; BR_NOOP fits in
		 * the first page, the completion goes to the second.
		 */
		cmd_txn(&c, BC_TRANSACTION, 0, CODE_STUCK, TF_ONE_WAY, "stuck",
			5, NULL, 0);
		if (binder_write_cmds(fd, &c, NULL))
			_exit(33);
		ret = binder_write_read(fd, NULL, 0, area + page - 4,
					4 + page, &bwr);
		memcpy(rbuf, area + page - 4, sizeof(rbuf));
		ret = ret || bwr.read_consumed != sizeof(rbuf) ||
		      rbuf[0] != BR_NOOP || rbuf[1] != BR_TRANSACTION_COMPLETE;
	} else {
		/* 8 bytes of data in the first page, 8 in the second */
		cmd_txn(&c, BC_TRANSACTION, 0, CODE_STUCK, TF_ONE_WAY,
			area + page - 8, 16, NULL, 0);
		ret = binder_write_cmds(fd, &c, NULL) ||
		      binder_read_until(&r, BR_TRANSACTION_COMPLETE, &br, T);
	}
	pthread_join(t, NULL);
	if (write(report, ret ? "e" : "d", 1) != 1)
		_exit(34);
	_exit(0);
}

static int64_t max_i64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t min_i64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* ROUNDS of BINDER_VERSION and a round trip; the longest of each */
static void time_rounds(struct __test_metadata *_metadata,
			struct binder_reader *r, int64_t h,
			int64_t *max_version, int64_t *max_call)
{
	struct binder_version v;
	struct binder_br br;
	int rounds;

	*max_version = 0;
	*max_call = 0;
	for (rounds = 0; rounds < ROUNDS; rounds++) {
		int64_t t0, t1, t2;
		int ret;

		t0 = binder_now_ms();
		ret = ioctl(r->fd, BINDER_VERSION, &v);
		t1 = binder_now_ms();
		EXPECT_EQ(0, ret);
		ret = binder_call(r, h, CODE_PING, "ping", 4, &br);
		t2 = binder_now_ms();
		EXPECT_EQ(BR_REPLY, ret) TH_LOG("round %d", rounds);
		if (ret == BR_REPLY)
			binder_free_buffer(r->fd, br.txn.data.ptr.buffer);
		if (t1 - t0 > *max_version)
			*max_version = t1 - t0;
		if (t2 - t1 > *max_call)
			*max_call = t2 - t1;
		usleep(ROUND_GAP_MS * 1000);
	}
}

/*
 * A process on stuck_dev is stuck in the driver (how) for STALL_MS at
 * most.  Meanwhile a client (us) and a server on /dev/binder that have
 * nothing to do with it time BINDER_VERSION and round trips: each within
 * LATENCY_MS, the limit.  On a busy host (the debug kernel under
 * TCG, other VMs) the undisturbed pair alone can take longer: the limit is
 * then three times what the same rounds took just before, never more than
 * STALL_MS / 2, so a stall of the device still fails.
 */
static void others_go_on(struct __test_metadata *_metadata,
			 const char *stuck_dev, enum stuck_in how)
{
	int64_t max_version = 0, max_call = 0, base_version, base_call, limit;
	struct binder_server mgr, stuck_mgr = { 0 };
	int release[2], report[2], ready[2];
	struct binder_objects base;
	struct binder_version v;
	struct binder_reader r;
	struct binder_br br;
	pid_t server, stuck;
	cpu_set_t cpu;
	bool still_stuck;
	int fd, status, got;
	int64_t h;
	void *map;

	ASSERT_EQ(0, binder_objects_snapshot(&base));
	ASSERT_EQ(0, pipe2(release, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	ASSERT_EQ(0, start_mgr(&mgr, NULL));
	if (strcmp(stuck_dev, BINDER_DEV)) {
		stuck_mgr.dev = stuck_dev;
		stuck_mgr.flags = BINDER_SERVER_CTX_MGR;
		ASSERT_EQ(0, binder_server_start(&stuck_mgr));
	}

	/*
	 * The pair: their server, and us, its client, on one CPU (a round
	 * trip then needs no other virtual CPU woken: less jitter in the
	 * VM); warm up.
	 */
	CPU_ZERO(&cpu);
	CPU_SET(sched_getcpu(), &cpu);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpu), &cpu));
	server = fork();
	ASSERT_LE(0, server);
	if (server == 0)
		pair_server(ready[1]);
	ASSERT_EQ('r', wait_byte(ready[0], 5000)) TH_LOG("no pair server");
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	h = binder_sm_get(&r);
	ASSERT_LT(0, h);
	ASSERT_EQ(BR_REPLY, binder_call(&r, h, CODE_PING, "ping", 4, &br));
	binder_free_buffer(fd, br.txn.data.ptr.buffer);
	ASSERT_EQ(0, ioctl(fd, BINDER_VERSION, &v));
	time_rounds(_metadata, &r, h, &base_version, &base_call);
	limit = max_i64(LATENCY_MS, 3 * max_i64(base_version, base_call));
	limit = min_i64(limit, STALL_MS / 2);

	stuck = fork();
	ASSERT_LE(0, stuck);
	if (stuck == 0)
		stuck_process(stuck_dev, how, release[0], report[1]);
	ASSERT_EQ('f', wait_byte(report[0], 5000))
		TH_LOG("the stuck process never faulted");

	time_rounds(_metadata, &r, h, &max_version, &max_call);
	still_stuck = !byte_ready(report[0]);
	ASSERT_EQ(1, write(release[1], "g", 1));
	got = wait_byte(report[0], 5000);
	status = wait_child(stuck, 5000);

	TH_LOG("%d rounds: BINDER_VERSION %lld ms, round trip %lld ms at most",
	       ROUNDS, (long long)max_version, (long long)max_call);
	TH_LOG("undisturbed: %lld / %lld ms; limit %lld ms",
	       (long long)base_version, (long long)base_call,
	       (long long)limit);
	EXPECT_GE(limit, max_version)
		TH_LOG("BINDER_VERSION took %lld ms", (long long)max_version);
	EXPECT_GE(limit, max_call)
		TH_LOG("a round trip took %lld ms", (long long)max_call);
	/* fast, but was the other one stuck all along? */
	if (max_version <= limit && max_call <= limit)
		EXPECT_TRUE(still_stuck)
			TH_LOG("the stall ended before the timing did");
	EXPECT_EQ('d', got) TH_LOG("the stuck process's call did not complete");
	EXPECT_TRUE(status >= 0 && WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("stuck process: status %#x", status);
	if (status < 0) {
		kill(stuck, SIGKILL);
		waitpid(stuck, &status, 0);
	}

	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	kill(server, SIGKILL);
	waitpid(server, &status, 0);
	if (stuck_mgr.pid)
		binder_server_stop(&stuck_mgr);
	binder_server_stop(&mgr);
	EXPECT_EQ(0, binder_wait_objects_back(&base, 5000));
}

/* A reader stuck writing a return into its faulting read buffer */
TEST(stuck_reader_stalls_nobody)
{
	others_go_on(_metadata, BINDER_DEV, STUCK_READING);
}

/* A sender stuck while the driver copies its transaction data */
TEST(stuck_sender_stalls_nobody)
{
	others_go_on(_metadata, BINDER_DEV, STUCK_SENDING);
}

/* The stuck reader is on another device: /dev/binder goes on */
TEST(stuck_reader_on_other_device_stalls_nobody)
{
	others_go_on(_metadata, "/dev/hwbinder", STUCK_READING);
}

/* ---- debugfs readers ---- */

/* A debugfs reader's state, shared with the test */
struct reader {
	atomic_int rounds;	/* every file read once more */
	/* when from != 0: every call from it shown goes to to_ok or to 0 */
	pid_t from, to_ok;
	atomic_int bad;		/* calls of from shown to another target */
	char bad_line[160];	/* the first of them */
	int seen_to[8];		/* the targets shown, in order */
	int nseen;
};

static struct reader *reader_new(void)
{
	struct reader *rd = mmap(NULL, sizeof(*rd), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (rd == MAP_FAILED)
		return NULL;
	memset(rd, 0, sizeof(*rd));
	return rd;
}

/*
 * The calls from rd->from in a debugfs text, as both drivers print them
 * ("from PID:TID[ (gone)] to PID:TID"): count those to neither
 * rd->to_ok nor 0 (the driver printed a pid it read from the wrong proc).
 */
static void check_targets(struct reader *rd, const char *text)
{
	const char *p;

	for (p = strstr(text, "from "); p; p = strstr(p + 1, "from ")) {
		int from, tid, to, n = 0;
		const char *q;

		if (sscanf(p, "from %d:%d%n", &from, &tid, &n) != 2 ||
		    from != rd->from)
			continue;
		q = p + n;
		if (!strncmp(q, " (gone)", 7))
			q += 7;
		if (sscanf(q, " to %d:", &to) != 1)
			continue;
		if ((!rd->nseen || rd->seen_to[rd->nseen - 1] != to) &&
		    rd->nseen < 8)
			rd->seen_to[rd->nseen++] = to;
		if (to == 0 || to == rd->to_ok)
			continue;
		if (!rd->bad++) {
			q = strchr(p, '\n');
			n = q ? q - p : (int)strlen(p);
			if (n >= (int)sizeof(rd->bad_line))
				n = sizeof(rd->bad_line) - 1;
			memcpy(rd->bad_line, p, n);
		}
	}
}

/*
 * Read every file of names[] (a "%d" in one is pid) over and over until
 * killed, checking the calls shown when asked to.
 */
static void debugfs_reader(const char * const *names, size_t n, pid_t pid,
			   struct reader *rd)
{
	static char buf[262144];
	char path[128];
	size_t i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), names[i], pid);
			if (binder_read_file(path, buf, sizeof(buf)) > 0 &&
			    rd->from)
				check_targets(rd, buf);
		}
		rd->rounds++;
	}
}

static pid_t start_reader(const char * const *names, size_t n, pid_t pid,
			  struct reader *rd)
{
	pid_t reader = fork();

	if (reader == 0)
		debugfs_reader(names, n, pid, rd);
	return reader;
}

/* Wait until the reader made `more` more rounds; 0 or -1 */
static int reader_rounds(struct reader *rd, int more, int timeout_ms)
{
	int64_t end = binder_now_ms() + timeout_ms;
	int target = rd->rounds + more;

	while (rd->rounds < target) {
		if (binder_now_ms() > end)
			return -1;
		usleep(5000);
	}
	return 0;
}

#define OBJ_PROC 0	/* in struct binder_objects */

/* Until at most max procs live; 0 or -1 */
static int wait_procs(int max, int timeout_ms)
{
	int64_t end = binder_now_ms() + timeout_ms;
	struct binder_objects now;

	for (;;) {
		if (!binder_objects_snapshot(&now) &&
		    now.active[OBJ_PROC] <= max)
			return 0;
		if (binder_now_ms() > end)
			return -1;
		usleep(20000);
	}
}

#define MID_PTR 0x3a1d00	/* the middle proc's node */

/*
 * The middle proc: publishes MID_PTR, takes one call, calls the manager
 * with CODE_HOLD from within it, then leaves the thread
 * (BINDER_THREAD_EXIT) with both on its stack, writes 'x' on report,
 * closes its fd and exits.  'r' on report when it loops.
 */
static void middle_proc(int report)
{
	struct binder_cmds c = { .len = 0 };
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	if (fd < 0)
		_exit(40);
	binder_reader_init(&r, fd);
	if (binder_sm_add(&r, MID_PTR, 0) || binder_send_u32(fd, BC_ENTER_LOOPER))
		_exit(41);
	if (write(report, "r", 1) != 1)
		_exit(42);
	if (binder_read_until(&r, BR_TRANSACTION, &br, 10000))
		_exit(43);
	cmd_txn(&c, BC_TRANSACTION, 0, CODE_HOLD, 0, "hold", 4, NULL, 0);
	if (binder_write_cmds(fd, &c, NULL))
		_exit(44);
	if (ioctl(fd, BINDER_THREAD_EXIT, 0))
		_exit(45);
	if (write(report, "x", 1) != 1)
		_exit(46);
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	_exit(0);
}

/* The first caller: calls the middle proc, reports the call's outcome */
static void first_caller(int report)
{
	struct binder_cmds c = { .len = 0 };
	struct binder_reader r;
	struct binder_br br;
	uint32_t got;
	int64_t h;
	void *map;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	if (fd < 0)
		_exit(50);
	binder_reader_init(&r, fd);
	h = binder_sm_get(&r);
	if (h <= 0)
		_exit(51);
	cmd_txn(&c, BC_TRANSACTION, h, CODE_PING, 0, "call", 4, NULL, 0);
	if (binder_write_cmds(fd, &c, NULL))
		_exit(52);
	if (write(report, "c", 1) != 1)
		_exit(53);
	do {
		got = binder_read_br(&r, &br, -1) ? 0 : br.cmd;
	} while (got == BR_TRANSACTION_COMPLETE);
	if (write(report, &got, sizeof(got)) != sizeof(got))
		_exit(54);
	for (;;)
		pause();
}

#define SPRAY_CPUS	4
#define SPRAY_PROCS	200

/*
 * On CPU cpu, open the device SPRAY_PROCS times (new procs, allocated
 * where freed ones were), write 'o' on report and wait to be killed.
 */
static void spray_procs(int cpu, int report)
{
	cpu_set_t set;
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	for (i = 0; i < SPRAY_PROCS; i++)
		if (binder_open_dev(BINDER_DEV, 0) < 0)
			_exit(70);
	if (write(report, "o", 1) != 1)
		_exit(71);
	for (;;)
		pause();
}

/*
 * X calls P; P's thread serves it by calling Q (the manager, which holds
 * the call), then leaves with both on its stack (BINDER_THREAD_EXIT), and
 * P exits: X's call is still on X's stack, its target proc gone.  debugfs
 * readers of state, transactions and stats go on all along; then Q
 * answers (X's call fails) and X is killed.  Nothing may touch the freed
 * proc (KASAN; and new procs are made where it likely was: X's call must
 * not show one of them as its target), and nothing is left.
 */
TEST(debugfs_txn_whose_target_proc_is_gone)
{
	static const char * const files[] = {
		BINDER_DEBUGFS "/state", BINDER_DEBUGFS "/transactions",
		BINDER_DEBUGFS "/stats", BINDER_DEBUGFS "/proc/%d",
	};
	struct binder_objects base;
	struct binder_server q;
	struct reader *rd;
	int go[2], prep[2], xrep[2], srep[2];
	pid_t p, x, reader, spray[SPRAY_CPUS];
	int i, cpus;
	uint32_t x_got = 0;
	struct pollfd pfd;
	int status;

	if (!debugfs_there())
		SKIP(return, "no binder debugfs");
	ASSERT_EQ(0, binder_objects_snapshot(&base));
	rd = reader_new();
	ASSERT_NE(NULL, rd);
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(srep, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(prep, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(xrep, O_CLOEXEC));
	ASSERT_EQ(0, start_mgr(&q, go));

	p = fork();
	ASSERT_LE(0, p);
	if (p == 0)
		middle_proc(prep[1]);
	ASSERT_EQ('r', wait_byte(prep[0], 5000)) TH_LOG("no middle proc");
	x = fork();
	ASSERT_LE(0, x);
	if (x == 0)
		first_caller(xrep[1]);
	ASSERT_EQ('c', wait_byte(xrep[0], 5000)) TH_LOG("X never called");
	/* from now on X's only call is the one to P */
	rd->from = x;
	rd->to_ok = p;
	reader = start_reader(files, 4, x, rd);
	ASSERT_LE(0, reader);
	ASSERT_EQ(0, binder_server_wait(&q, EV_HELD, NULL, 5000))
		TH_LOG("P's call never reached Q");
	ASSERT_EQ('x', wait_byte(prep[0], 5000)) TH_LOG("P's thread never left");
	status = wait_child(p, 5000);
	EXPECT_TRUE(status >= 0 && WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("P: status %#x", status);

	/* P's proc goes (Q and X are left); the reader sees X's call */
	EXPECT_EQ(0, wait_procs(base.active[OBJ_PROC] + 2, 5000))
		TH_LOG("P's proc stays");
	EXPECT_EQ(0, reader_rounds(rd, 20, 10000));

	/* new procs, on every CPU, likely where P's was; read again */
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus > SPRAY_CPUS)
		cpus = SPRAY_CPUS;
	for (i = 0; i < cpus; i++) {
		spray[i] = fork();
		ASSERT_LE(0, spray[i]);
		if (spray[i] == 0)
			spray_procs(i, srep[1]);
	}
	for (i = 0; i < cpus; i++)
		EXPECT_EQ('o', wait_byte(srep[0], 5000)) TH_LOG("no spray");
	EXPECT_EQ(0, reader_rounds(rd, 10, 10000));
	for (i = 0; i < cpus; i++) {
		kill(spray[i], SIGKILL);
		waitpid(spray[i], &status, 0);
	}

	/* Q answers the call of P's gone thread: X's call fails with it */
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, binder_server_wait(&q, BR_TRANSACTION_COMPLETE, NULL, 5000));
	pfd.fd = xrep[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 2000) != 1 ||
	    read(xrep[0], &x_got, sizeof(x_got)) != sizeof(x_got))
		x_got = 0;
	TH_LOG("X got %#x once Q answered", x_got);
	EXPECT_EQ(0, reader_rounds(rd, 10, 10000));

	kill(x, SIGKILL);
	waitpid(x, &status, 0);
	EXPECT_EQ(0, reader_rounds(rd, 10, 10000));
	kill(reader, SIGKILL);
	waitpid(reader, &status, 0);
	TH_LOG("X's call shown to %d %d %d %d %d (%d changes)", rd->seen_to[0],
	       rd->seen_to[1], rd->seen_to[2], rd->seen_to[3], rd->seen_to[4],
	       rd->nseen);
	EXPECT_EQ(0, rd->bad)
		TH_LOG("X's call shown to a proc other than P (%d): %s",
		       p, rd->bad_line);
	binder_server_stop(&q);
	EXPECT_EQ(0, binder_wait_objects_back(&base, 5000));
}

#define CYCLES		200
#define CYCLES_MS	20000

/*
 * Open, map, BINDER_VERSION (a thread), unmap and close, CYCLES times;
 * *done counts the cycles.  Exits 0 when through.
 */
static void open_close_loop(atomic_int *done)
{
	struct binder_version v;
	void *map;
	int i, fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < CYCLES; i++) {
		fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
		if (fd < 0)
			_exit(60);
		if (ioctl(fd, BINDER_VERSION, &v))
			_exit(61);
		munmap(map, BINDER_MAP_SIZE);
		close(fd);
		(*done)++;
	}
	_exit(0);
}

/*
 * A process opens and closes the device CYCLES times (each open makes
 * binder/proc/<pid>, each release removes it) while another reads
 * binder/proc/<pid>, state, stats and transactions in a loop.  All of it
 * within CYCLES_MS: a release that waits for a debugfs reader that waits
 * for the release deadlocks every open.  Last in this file: after such a
 * deadlock nothing of binder works any more.
 */
TEST(debugfs_readers_vs_open_close)
{
	static const char * const files[] = {
		BINDER_DEBUGFS "/proc/%d", BINDER_DEBUGFS "/state",
		BINDER_DEBUGFS "/stats", BINDER_DEBUGFS "/transactions",
	};
	struct binder_objects base;
	atomic_int *done;
	struct reader *rd;
	pid_t opener, reader;
	int64_t start;
	int status;

	if (!debugfs_there())
		SKIP(return, "no binder debugfs");
	ASSERT_EQ(0, binder_objects_snapshot(&base));
	done = mmap(NULL, sizeof(*done), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, done);
	*done = 0;
	rd = reader_new();
	ASSERT_NE(NULL, rd);

	opener = fork();
	ASSERT_LE(0, opener);
	if (opener == 0) {
		int i;

		/* once the reader runs */
		for (i = 0; i < 5000 && !rd->rounds; i++)
			usleep(1000);
		open_close_loop(done);
	}
	reader = start_reader(files, 4, opener, rd);
	ASSERT_LE(0, reader);

	start = binder_now_ms();
	status = wait_child(opener, CYCLES_MS);
	if (status < 0) {
		/* both hang in the driver: kill what can be, touch nothing */
		EXPECT_LE(0, status)
			TH_LOG("hung after %d of %d cycles (reader: %d rounds)",
			       *done, CYCLES, rd->rounds);
		kill(opener, SIGKILL);
		kill(reader, SIGKILL);
		return;
	}
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("opener: status %#x after %d cycles", status, *done);
	EXPECT_EQ(CYCLES, *done);
	kill(reader, SIGKILL);
	waitpid(reader, &status, 0);
	TH_LOG("%d cycles in %lld ms, %d reader rounds", *done,
	       (long long)(binder_now_ms() - start), rd->rounds);
	EXPECT_EQ(0, binder_wait_objects_back(&base, 5000));
}

TEST_HARNESS_MAIN
