// SPDX-License-Identifier: GPL-2.0
/*
 * Pins a send must hold while it runs without the lock, and what it must
 * not pin that it never took:
 *
 * - two sync calls in one write: the second fails (BR_FAILED_REPLY,
 *   -EPROTO: the sender has a call in progress it does not serve), and
 *   its failure drops no pin on the target proc it never took, so the
 *   target is freed when it goes, also while BINDER_FREEZE pins it by
 *   pid as it closes;
 * - a nested call whose target thread (the caller blocked in the call it
 *   serves) leaves with BINDER_THREAD_EXIT while the nested call's data is
 *   being copied (held on a userfaultfd page): the nested call fails with
 *   BR_DEAD_REPLY and reaches no other thread, however new;
 * - a holder of a server's fd (its forked child) sends while the server
 *   (the owner) is killed, then exits; whatever the target reads of that
 *   call is harmless, and everything goes.
 *
 * Nothing may hang (every wait is bounded), the kernel may report nothing
 * (the lane reads the console), and the objects a test made go away.
 * Conformance, except where noted: only ours makes a dead owner's file
 * unusable to its holders at once.
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

#define T		BINDER_TIMEOUT_MS
#define LONG_MS		10000	/* setup steps, generous under TCG */

#define CODE_HOLD	40	/* answered when the test says so */
#define CODE_SECOND	41	/* the call that must fail */
#define CODE_CALLBACK	42	/* data: a binder; the handler calls it back */
#define CODE_NESTED	43	/* the call back, data held on a uffd page */
#define CODE_FROM_HOLDER 44
#define CODE_PING	45
#define CODE_SLOW	46	/* answered after a little while */

#define EV_HELD		0x7e5a0001u	/* the server holds CODE_HOLD */
#define EV_NESTED	0x7e5a0002u	/* arg: the outcome of CODE_NESTED */

#define X_NODE		0x5800
#define STALL_BYTE	0x3c

#define HOLDER_NOT_DEAD \
	"upstream keeps a dead owner's file usable to its holders until release"

/* pipes made by the test before the server forks */
struct attack_ctx {
	int go[2];	/* test -> server: answer CODE_HOLD, end a stall */
	int fault[2];	/* server -> test: a stalled copy faulted */
};

static int wait_byte(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&pfd, 1, timeout_ms) != 1 || read(fd, &c, 1) != 1)
		return -1;
	return 0;
}

static int make_ctx(struct attack_ctx *ctx)
{
	if (pipe2(ctx->go, O_CLOEXEC) || pipe2(ctx->fault, O_CLOEXEC))
		return -errno;
	return 0;
}

static void close_ctx(struct attack_ctx *ctx)
{
	close(ctx->go[0]);
	close(ctx->go[1]);
	close(ctx->fault[0]);
	close(ctx->fault[1]);
}

static unsigned int rnd(unsigned int *seed, unsigned int n)
{
	*seed = *seed * 1103515245 + 12345;
	return (*seed >> 16) % n;
}

static void on_signal(int sig)
{
}

/* sig interrupts a blocking binder read (EINTR), no restart */
static int catch_signal(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

/* ---- a copy that waits: data whose second page is a userfaultfd page ---- */

struct stall {
	int uffd;
	size_t page;
	uint8_t *data;		/* 2 pages: the first there, the second missing */
	uint8_t *src;		/* one page of STALL_BYTE */
	int fault_wr;		/* gets a byte when the copy faulted */
	int go_rd;		/* a byte here lets the copy go on */
	bool kick;		/* then signal kick_thread until done */
	pthread_t kick_thread;
	atomic_int done;
	pthread_t thread;
	int err;		/* the helper's first failure, -errno */
};

static bool uffd_available(void)
{
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int stall_copy_page(struct stall *st, size_t which)
{
	struct uffdio_copy copy = {
		.dst = (uintptr_t)st->data + which * st->page,
		.src = (uintptr_t)st->src,
		.len = st->page,
	};

	return ioctl(st->uffd, UFFDIO_COPY, &copy) ? -errno : 0;
}

static int stall_init(struct stall *st, int fault_wr, int go_rd)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;

	memset(st, 0, sizeof(*st));
	st->page = sysconf(_SC_PAGESIZE);
	st->fault_wr = fault_wr;
	st->go_rd = go_rd;
	st->uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (st->uffd < 0)
		return -errno;
	if (ioctl(st->uffd, UFFDIO_API, &api))
		return -errno;
	st->src = mmap(NULL, st->page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st->data = mmap(NULL, 2 * st->page, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (st->src == MAP_FAILED || st->data == MAP_FAILED)
		return -ENOMEM;
	memset(st->src, STALL_BYTE, st->page);
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)st->data;
	reg.range.len = 2 * st->page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(st->uffd, UFFDIO_REGISTER, &reg))
		return -errno;
	return stall_copy_page(st, 0);
}

static void *stall_main(void *arg)
{
	struct stall *st = arg;
	struct pollfd pfd = { .fd = st->uffd, .events = POLLIN };
	struct uffd_msg msg;
	int i, ret;

	if (poll(&pfd, 1, LONG_MS) != 1 ||
	    read(st->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		st->err = -ETIMEDOUT;
	} else {
		if (write(st->fault_wr, "f", 1) != 1)
			st->err = -EPIPE;
		/* on after a while all the same: nothing waits forever */
		wait_byte(st->go_rd, LONG_MS);
		ret = stall_copy_page(st, 1);
		if (!st->err)
			st->err = ret;
	}
	if (!st->kick)
		return NULL;
	/* the sender may wait for an answer that never comes: interrupt it */
	for (i = 0; i < 100 && !atomic_load(&st->done); i++)
		usleep(10000);
	for (i = 0; i < 100 && !atomic_load(&st->done); i++) {
		pthread_kill(st->kick_thread, SIGUSR1);
		usleep(50000);
	}
	return NULL;
}

static int stall_start(struct stall *st)
{
	return -pthread_create(&st->thread, NULL, stall_main, st);
}

static void stall_fini(struct stall *st)
{
	pthread_join(st->thread, NULL);
	munmap(st->data, 2 * st->page);
	munmap(st->src, st->page);
	close(st->uffd);
}

/* ---- the server ---- */

/*
 * CODE_CALLBACK: call the binder the caller sent (a nested call, to the
 * caller's thread) with data whose copy stalls until the test says go;
 * report the outcome as EV_NESTED.
 */
static void call_back(struct binder_server *s, struct binder_reader *r,
		      const struct binder_br *tr, struct attack_ctx *ctx)
{
	const struct flat_binder_object *obj = br_data(tr);
	struct binder_br br;
	struct stall st;
	int ret;

	if (tr->txn.offsets_size != sizeof(binder_size_t) ||
	    obj->hdr.type != BINDER_TYPE_HANDLE) {
		binder_server_event(s, EV_NESTED, (uint32_t)-EPROTO);
		return;
	}
	ret = stall_init(&st, ctx->fault[1], ctx->go[0]);
	if (!ret)
		ret = stall_start(&st);
	if (ret) {
		binder_server_event(s, EV_NESTED, (uint32_t)ret);
		return;
	}
	ret = binder_transact(r, obj->handle, CODE_NESTED, 0, st.data,
			      2 * st.page, NULL, 0, &br);
	if (ret == BR_REPLY || ret == BR_TRANSACTION)
		binder_free_buffer(s->fd, br.txn.data.ptr.buffer);
	stall_fini(&st);
	binder_server_event(s, EV_NESTED, (uint32_t)(st.err ? st.err : ret));
}

static void attack_handler(struct binder_server *s, struct binder_reader *r,
			   const struct binder_br *tr, struct binder_answer *ans)
{
	struct attack_ctx *ctx = s->arg;
	uint32_t code = tr->txn.code;

	switch (code) {
	case CODE_HOLD:
		binder_server_event(s, EV_HELD, tr->txn.sender_pid);
		wait_byte(ctx->go[0], LONG_MS);
		break;
	case CODE_CALLBACK:
		call_back(s, r, tr, ctx);
		break;
	case CODE_SLOW:
		usleep(5000);
		break;
	}
	/* the answer names the call it answers */
	memcpy(ans->data, &code, sizeof(code));
	ans->size = sizeof(code);
}

static int start_server(struct binder_server *s, struct attack_ctx *ctx)
{
	memset(s, 0, sizeof(*s));
	s->flags = BINDER_SERVER_CTX_MGR;
	s->handler = attack_handler;
	s->arg = ctx;
	return binder_server_start(s);
}

static uint32_t reply_code(const struct binder_br *br)
{
	uint32_t code = 0;

	if (br->txn.data_size == sizeof(code))
		memcpy(&code, br_data(br), sizeof(code));
	return code;
}

/* ---- 1. two sync calls in one write ---- */

/* BC_TRANSACTION CODE_HOLD, then BC_TRANSACTION CODE_SECOND, to handle 0 */
static void two_calls(struct binder_cmds *c)
{
	cmds_reset(c);
	cmd_txn(c, BC_TRANSACTION, 0, CODE_HOLD, 0, "1", 1, NULL, 0);
	cmd_txn(c, BC_TRANSACTION, 0, CODE_SECOND, 0, "2", 1, NULL, 0);
}

/*
 * The first call goes to the server and waits there; the second, sent
 * while the first is in progress (and served by another thread), fails
 * at once with BR_FAILED_REPLY and -EPROTO, after the first call's
 * BR_TRANSACTION_COMPLETE.  Both commands are consumed.  The first call
 * is answered as usual, the second never reaches the server, and the
 * sender calls on afterwards.
 */
TEST(two_calls_in_one_write_second_fails)
{
	struct binder_extended_error ee;
	struct binder_server s;
	struct attack_ctx ctx;
	struct binder_reader r;
	struct binder_cmds c;
	struct binder_br br;
	binder_size_t consumed = 0;
	void *map;
	int fd;

	ASSERT_EQ(0, make_ctx(&ctx));
	ASSERT_EQ(0, start_server(&s, &ctx));
	fd = binder_open_mapped(&map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);

	two_calls(&c);
	ASSERT_EQ(0, binder_write_cmds(fd, &c, &consumed));
	EXPECT_EQ(c.len, consumed);
	ASSERT_EQ(0, binder_read_until(&r, BR_FAILED_REPLY, &br, T));
	ASSERT_EQ(2, r.nseen);
	EXPECT_EQ(BR_TRANSACTION_COMPLETE, r.seen[0]);
	memset(&ee, 0, sizeof(ee));
	ASSERT_EQ(0, ioctl(fd, BINDER_GET_EXTENDED_ERROR, &ee));
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-EPROTO, ee.param);

	/* the first is there, held; now it is answered */
	ASSERT_EQ(0, binder_server_wait(&s, EV_HELD, NULL, T));
	ASSERT_EQ(1, write(ctx.go[1], "g", 1));
	ASSERT_EQ(0, binder_read_until(&r, BR_REPLY, &br, T));
	EXPECT_EQ(CODE_HOLD, reply_code(&br));
	EXPECT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));
	EXPECT_EQ(3, r.nseen);

	/* the second never came; the sender goes on */
	EXPECT_NE(0, binder_server_wait(&s, BR_TRANSACTION, NULL, 300));
	ASSERT_EQ(BR_REPLY, binder_call(&r, 0, CODE_PING, "p", 1, &br));
	EXPECT_EQ(CODE_PING, reply_code(&br));
	EXPECT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));

	binder_server_stop(&s);
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	close_ctx(&ctx);
}

/*
 * The same, round after round, each with a new server that is killed
 * once its call is answered, or while it holds it (the call dies):
 * its proc (and everything else) is freed.  A failed call that drops a
 * pin it never took leaves the target unfreed for good ("proc: active"
 * stays up).
 */
TEST(two_calls_in_one_write_target_freed)
{
	struct binder_objects base;
	struct attack_ctx ctx;
	int round;

	ASSERT_EQ(0, make_ctx(&ctx));
	ASSERT_EQ(0, binder_objects_snapshot(&base));
	for (round = 0; round < 5; round++) {
		struct binder_server s;
		struct binder_reader r;
		struct binder_cmds c;
		struct binder_br br;
		void *map;
		int fd;

		ASSERT_EQ(0, start_server(&s, &ctx)) TH_LOG("round %d", round);
		fd = binder_open_mapped(&map);
		ASSERT_LE(0, fd);
		binder_reader_init(&r, fd);
		two_calls(&c);
		ASSERT_EQ(0, binder_write_cmds(fd, &c, NULL));
		ASSERT_EQ(0, binder_read_until(&r, BR_FAILED_REPLY, &br, T))
			TH_LOG("round %d", round);
		ASSERT_EQ(0, binder_server_wait(&s, EV_HELD, NULL, T));
		if (round % 2) {
			/* answered, then the server goes */
			ASSERT_EQ(1, write(ctx.go[1], "g", 1));
			ASSERT_EQ(0, binder_read_until(&r, BR_REPLY, &br, T));
			binder_free_buffer(fd, br.txn.data.ptr.buffer);
			binder_server_stop(&s);
		} else {
			/* the server goes with the call held */
			binder_server_stop(&s);
			ASSERT_EQ(0, binder_read_until(&r, BR_DEAD_REPLY, &br, T))
				TH_LOG("round %d", round);
		}
		munmap(map, BINDER_MAP_SIZE);
		close(fd);
		ASSERT_EQ(0, binder_wait_objects_back(&base, 5000))
			TH_LOG("round %d: the target proc stays", round);
	}
	close_ctx(&ctx);
}

/* BINDER_FREEZE and thaw of pid in a loop, until stop */
struct freezer {
	int fd;
	pid_t pid;
	atomic_int stop;
	int bad;		/* an errno no freeze may give */
	int freezes;
	pthread_t thread;
};

/*
 * A freeze with a timeout holds its pin while it waits (a call is
 * pending): half the time pinned, half not, so a proc may go either way.
 */
static void *freezer_main(void *arg)
{
	struct freezer *f = arg;

	while (!atomic_load(&f->stop)) {
		struct binder_freeze_info info = {
			.pid = f->pid, .enable = 1,
			.timeout_ms = f->freezes % 2 ? 20 : 0,
		};

		/* EAGAIN: calls pending; EINVAL: no proc of that pid now */
		if (ioctl(f->fd, BINDER_FREEZE, &info) &&
		    errno != EAGAIN && errno != EINVAL)
			f->bad = errno;
		info.enable = 0;
		info.timeout_ms = 0;
		if (ioctl(f->fd, BINDER_FREEZE, &info) && errno != EINVAL)
			f->bad = errno;
		f->freezes++;
		usleep(f->freezes % 2 ? 0 : 20000);
	}
	return NULL;
}

/*
 * A manager that, round after round, opens, takes one call, holds it,
 * and closes its fd when told (the call dies with it).
 */
static void reopening_manager(int ready_wr, int close_rd, int rounds)
{
	int round;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (round = 0; round < rounds; round++) {
		struct binder_reader r;
		struct binder_br br;
		void *map;
		int fd, i;

		fd = binder_open_mapped(&map);
		if (fd < 0)
			_exit(10);
		/* the last manager's teardown may still be running */
		for (i = 0; binder_become_context_manager(fd); i++)
			if (i == 3)
				_exit(11);
		if (binder_send_u32(fd, BC_ENTER_LOOPER))
			_exit(12);
		binder_reader_init(&r, fd);
		if (write(ready_wr, "r", 1) != 1)
			_exit(13);
		if (binder_read_until(&r, BR_TRANSACTION, &br, LONG_MS))
			_exit(14);
		if (write(ready_wr, "t", 1) != 1)
			_exit(15);
		if (wait_byte(close_rd, LONG_MS))
			_exit(16);
		munmap(map, BINDER_MAP_SIZE);
		close(fd);
	}
	_exit(0);
}

#define FREEZE_ROUNDS 8

/*
 * The double call to a manager that then closes its fd, while another
 * thread freezes and thaws the manager's pid in a loop (BINDER_FREEZE
 * pins each proc of the pid while it works on it): the first call dies
 * with BR_DEAD_REPLY, the second fails at once, the freezes see only
 * EAGAIN or EINVAL, and the closed procs are freed, never under a pin.
 * (A pin dropped that was never taken shows here as a proc that stays,
 * when no freeze held it as it closed, or as a proc freed under a
 * freeze's pin: KASAN, or a crash in BINDER_FREEZE.)
 */
TEST(two_calls_in_one_write_vs_freeze_and_close)
{
	struct binder_objects base;
	struct freezer f;
	unsigned int seed = 5;
	int ready[2], closing[2];
	int round, status, fd;
	pid_t mgr;
	void *map;

	ASSERT_EQ(0, binder_objects_snapshot(&base));
	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(closing, O_CLOEXEC));
	memset(&f, 0, sizeof(f));
	f.fd = binder_open_dev(BINDER_DEV, 0);
	ASSERT_LE(0, f.fd);
	fd = binder_open_mapped(&map);
	ASSERT_LE(0, fd);
	mgr = fork();
	ASSERT_LE(0, mgr);
	if (mgr == 0)
		reopening_manager(ready[1], closing[0], FREEZE_ROUNDS);
	f.pid = mgr;

	for (round = 0; round < FREEZE_ROUNDS; round++) {
		struct binder_reader r;
		struct binder_cmds c;
		struct binder_br br;

		ASSERT_EQ(0, wait_byte(ready[0], LONG_MS)) TH_LOG("round %d", round);
		binder_reader_init(&r, fd);
		two_calls(&c);
		ASSERT_EQ(0, binder_write_cmds(fd, &c, NULL));
		EXPECT_EQ(0, binder_read_until(&r, BR_FAILED_REPLY, &br, T))
			TH_LOG("round %d: the second call did not fail", round);
		ASSERT_EQ(0, wait_byte(ready[0], LONG_MS)) TH_LOG("round %d", round);

		/* freezes come and go while the manager closes */
		atomic_store(&f.stop, 0);
		ASSERT_EQ(0, pthread_create(&f.thread, NULL, freezer_main, &f));
		usleep(rnd(&seed, 30000));
		ASSERT_EQ(1, write(closing[1], "c", 1));
		EXPECT_EQ(0, binder_read_until(&r, BR_DEAD_REPLY, &br, T))
			TH_LOG("round %d: the held call did not die", round);
		usleep(rnd(&seed, 30000));
		atomic_store(&f.stop, 1);
		pthread_join(f.thread, NULL);
		EXPECT_EQ(0, f.bad) TH_LOG("round %d: BINDER_FREEZE: %s", round,
					   strerror(f.bad));
	}
	ASSERT_EQ(mgr, waitpid(mgr, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("manager status %#x", status);
	TH_LOG("%d freezes", f.freezes);
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	close(f.fd);
	close(ready[0]);
	close(ready[1]);
	close(closing[0]);
	close(closing[1]);
	EXPECT_EQ(0, binder_wait_objects_back(&base, 5000));
}

/* ---- 2. a nested call to a thread that exits while it is copied ---- */

/* X's thread: calls the server with a binder of ours, waits until EINTR */
struct caller {
	int fd;
	pthread_t thread;
	atomic_int done;
	bool eintr;		/* its read returned EINTR */
	int exit_ret;		/* BINDER_THREAD_EXIT: 0 or -errno */
	uint32_t early;		/* a BR that should not have come */
	int err;
};

/* Acknowledge node work in buf[0..len); the first other BR, or 0 */
static uint32_t ack_node_work(int fd, const uint8_t *buf, size_t len)
{
	struct binder_cmds ack = { .len = 0 };
	size_t pos = 0;
	uint32_t other = 0;

	while (pos + sizeof(uint32_t) <= len) {
		struct binder_ptr_cookie pc;
		uint32_t cmd;

		memcpy(&cmd, buf + pos, sizeof(cmd));
		pos += sizeof(cmd);
		if (pos + _IOC_SIZE(cmd) > len)
			break;
		memcpy(&pc, buf + pos, _IOC_SIZE(cmd) < sizeof(pc) ?
		       _IOC_SIZE(cmd) : sizeof(pc));
		pos += _IOC_SIZE(cmd);
		switch (cmd) {
		case BR_NOOP:
		case BR_TRANSACTION_COMPLETE:
		case BR_RELEASE:
		case BR_DECREFS:
			break;
		case BR_INCREFS:
			cmd_ptr_cookie(&ack, BC_INCREFS_DONE, pc.ptr, pc.cookie);
			break;
		case BR_ACQUIRE:
			cmd_ptr_cookie(&ack, BC_ACQUIRE_DONE, pc.ptr, pc.cookie);
			break;
		default:
			if (!other)
				other = cmd;
		}
	}
	if (ack.len)
		binder_write_cmds(fd, &ack, NULL);
	return other;
}

static void *caller_main(void *arg)
{
	struct caller *x = arg;
	struct flat_binder_object obj = binder_obj_binder(X_NODE, X_NODE, false);
	struct binder_cmds c = { .len = 0 };
	binder_size_t off = 0;
	uint8_t buf[256];

	cmd_txn(&c, BC_TRANSACTION, 0, CODE_CALLBACK, 0, &obj, sizeof(obj),
		&off, 1);
	x->err = binder_write_cmds(x->fd, &c, NULL);
	while (!x->err && !x->early) {
		struct binder_write_read bwr;

		if (binder_write_read(x->fd, NULL, 0, buf, sizeof(buf), &bwr) < 0) {
			if (errno == EINTR)
				x->eintr = true;
			else
				x->err = -errno;
			break;
		}
		x->early = ack_node_work(x->fd, buf, bwr.read_consumed);
	}
	x->exit_ret = ioctl(x->fd, BINDER_THREAD_EXIT, 0) ? -errno : 0;
	atomic_store(&x->done, 1);
	return NULL;
}

/* New threads of X: each has a binder thread, and reads what comes */
struct newcomers {
	int fd;
	int cpus;
	atomic_int started;
	pthread_barrier_t bar;
	atomic_int stop;
	atomic_int calls;	/* BR_TRANSACTIONs they got */
	atomic_int errors;
};

static void *newcomer_main(void *arg)
{
	struct newcomers *n = arg;
	struct binder_version v;
	struct binder_reader *r = malloc(sizeof(*r));

	if (!r || ioctl(n->fd, BINDER_VERSION, &v))
		atomic_fetch_add(&n->errors, 1);
	pthread_barrier_wait(&n->bar);
	if (!r)
		return NULL;
	binder_reader_init(r, n->fd);
	while (!atomic_load(&n->stop)) {
		struct binder_br br;
		int ret = binder_read_br(r, &br, 50);

		if (ret == -ETIMEDOUT)
			continue;
		if (ret) {
			atomic_fetch_add(&n->errors, 1);
			break;
		}
		if (br.cmd == BR_TRANSACTION)
			atomic_fetch_add(&n->calls, 1);
		binder_handle_unwanted(r, &br);
	}
	free(r);
	return NULL;
}

#define NEWCOMERS	64
#define NESTED_ROUNDS	2
/* kfree_rcu() frees after up to KFREE_DRAIN_JIFFIES (5 s on 6.1) */
#define RCU_FREED_MS	6500

/* Spread over the CPUs: the freed thread sits on one CPU's free list */
static void *newcomer_on_cpu(void *arg)
{
	struct newcomers *n = arg;
	cpu_set_t set;
	int cpu = atomic_fetch_add(&n->started, 1) % n->cpus;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	return newcomer_main(n);
}

/*
 * One round: X's caller thread calls T; T's call back stalls in its copy;
 * the caller leaves; newcomers come; T's copy goes on.  The outcome of T's
 * nested call, or an error of the round's own.
 */
static void nested_round(struct __test_metadata *_metadata,
			 struct binder_server *s, struct attack_ctx *ctx,
			 int fd, int round)
{
	pthread_t t[NEWCOMERS];
	struct newcomers n;
	struct caller x;
	uint64_t arg = 0;
	int i;

	memset(&x, 0, sizeof(x));
	x.fd = fd;
	ASSERT_EQ(0, pthread_create(&x.thread, NULL, caller_main, &x));

	/* T is in its copy, its target X's caller thread */
	ASSERT_EQ(0, wait_byte(ctx->fault[0], LONG_MS))
		TH_LOG("round %d: T's nested call never faulted", round);
	for (i = 0; i < 400 && !atomic_load(&x.done); i++) {
		pthread_kill(x.thread, SIGUSR1);
		usleep(10000);
	}
	ASSERT_TRUE(atomic_load(&x.done))
		TH_LOG("round %d: X's thread never left", round);
	pthread_join(x.thread, NULL);
	EXPECT_TRUE(x.eintr) TH_LOG("round %d", round);
	EXPECT_EQ(0, x.exit_ret) TH_LOG("round %d", round);
	EXPECT_EQ(0, x.early) TH_LOG("round %d", round);
	EXPECT_EQ(0, x.err) TH_LOG("round %d", round);

	/* once kfree_rcu() freed it, the exited thread's memory may be reused */
	usleep(RCU_FREED_MS * 1000);
	memset(&n, 0, sizeof(n));
	n.fd = fd;
	n.cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (n.cpus < 1)
		n.cpus = 1;
	ASSERT_EQ(0, pthread_barrier_init(&n.bar, NULL, NEWCOMERS + 1));
	for (i = 0; i < NEWCOMERS; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, newcomer_on_cpu, &n));
	pthread_barrier_wait(&n.bar);

	ASSERT_EQ(1, write(ctx->go[1], "g", 1));
	ASSERT_EQ(0, binder_server_wait(s, EV_NESTED, &arg, LONG_MS))
		TH_LOG("round %d: T's nested call never completed", round);
	usleep(200000);
	atomic_store(&n.stop, 1);
	for (i = 0; i < NEWCOMERS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&n.bar);
	EXPECT_EQ(0, atomic_load(&n.calls))
		TH_LOG("round %d: a new thread got the nested call", round);
	EXPECT_EQ(0, atomic_load(&n.errors)) TH_LOG("round %d", round);
	/* else T is left in its nested call: no next round */
	ASSERT_EQ(BR_DEAD_REPLY, (uint32_t)arg)
		TH_LOG("round %d: the nested call got %#x", round, (uint32_t)arg);
}

/*
 * X's thread calls T with a binder of X; T calls that binder back, which
 * goes to X's thread, the one waiting in the call T serves.  T's data copy
 * waits on a userfaultfd page, the target thread chosen.  Meanwhile X's
 * thread is interrupted by a signal (its read: EINTR), leaves with
 * BINDER_THREAD_EXIT, and X starts new threads that use the fd (new
 * binder threads, maybe where the old one was).  Then T's copy goes on:
 * its nested call fails with BR_DEAD_REPLY, no new thread gets it, and
 * everything goes.  Two rounds, for the old thread's memory to be taken
 * again (or, under KASAN, read freed); each waits for kfree_rcu().
 */
FIXTURE(nested)
{
};

FIXTURE_SETUP(nested)
{
}

FIXTURE_TEARDOWN(nested)
{
}

TEST_F_TIMEOUT(nested, call_to_thread_that_exits, 120)
{
	struct binder_objects base;
	struct binder_server s;
	struct attack_ctx ctx;
	void *map;
	int fd, round;

	if (!uffd_available())
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, binder_objects_snapshot(&base));
	ASSERT_EQ(0, make_ctx(&ctx));
	ASSERT_EQ(0, catch_signal(SIGUSR1));
	ASSERT_EQ(0, start_server(&s, &ctx));
	fd = binder_open_mapped(&map);
	ASSERT_LE(0, fd);
	for (round = 0; round < NESTED_ROUNDS; round++)
		nested_round(_metadata, &s, &ctx, fd, round);
	binder_server_stop(&s);
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	close_ctx(&ctx);
	EXPECT_EQ(0, binder_wait_objects_back(&base, 5000));
}

/* ---- 3. the owner dies under a holder's send ---- */

/* pipes made by the test before the owner forks */
struct holder_pipes {
	int fault[2];	/* holder -> test: its send's copy faulted */
	int go[2];	/* test -> holder: let the copy go on */
	int result[2];	/* holder -> test: its outcome (int) */
	int pid[2];	/* owner -> test: the holder's pid */
};

/* What the test saw of one owner death under a holder's send */
struct holder_outcome {
	int holder;	/* the holder's call: a BR, or -errno (-EINTR: none) */
	int target;	/* what the target read then: a BR or -ETIMEDOUT */
	uint32_t code;	/* BR_TRANSACTION: its code */
	bool intact;	/* BR_TRANSACTION: its data as sent */
	int replied;	/* BR_TRANSACTION: what the target's reply got */
};

/* The first answer to a call in buf[0..len), or 0 */
static int call_outcome(const uint8_t *buf, size_t len)
{
	size_t pos = 0;

	while (pos + sizeof(uint32_t) <= len) {
		uint32_t cmd;

		memcpy(&cmd, buf + pos, sizeof(cmd));
		pos += sizeof(cmd) + _IOC_SIZE(cmd);
		if (cmd != BR_NOOP && cmd != BR_TRANSACTION_COMPLETE)
			return cmd;
	}
	return 0;
}

/*
 * The holder (the owner's child, with the owner's fd): one sync call to
 * the manager, its data stalled until the test says go, the read for the
 * answer in the same ioctl (interrupted by a signal when no answer comes).
 */
static void holder_main(int fd, struct holder_pipes *p)
{
	struct binder_write_read bwr;
	struct binder_version v;
	struct binder_cmds c;
	struct stall st;
	uint8_t buf[256];
	int outcome = 0;

	if (catch_signal(SIGUSR1) || stall_init(&st, p->fault[1], p->go[0]))
		_exit(20);
	st.kick = true;
	st.kick_thread = pthread_self();
	if (stall_start(&st))
		_exit(21);
	/* a new thread's first read returns at once: not this one */
	if (ioctl(fd, BINDER_VERSION, &v))
		_exit(22);
	cmds_reset(&c);
	cmd_txn(&c, BC_TRANSACTION, 0, CODE_FROM_HOLDER, 0, st.data,
		2 * st.page, NULL, 0);
	if (binder_write_read(fd, c.buf, c.len, buf, sizeof(buf), &bwr) < 0)
		outcome = -errno;
	else
		outcome = call_outcome(buf, bwr.read_consumed);
	while (!outcome) {
		if (binder_write_read(fd, NULL, 0, buf, sizeof(buf), &bwr) < 0)
			outcome = -errno;
		else
			outcome = call_outcome(buf, bwr.read_consumed);
	}
	atomic_store(&st.done, 1);
	stall_fini(&st);
	if (write(p->result[1], &outcome, sizeof(outcome)) != sizeof(outcome))
		_exit(23);
	_exit(0);
}

/* The owner: opens and maps, forks the holder, waits to be killed */
static void owner_main(struct holder_pipes *p)
{
	void *map;
	pid_t holder;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = binder_open_mapped(&map);
	if (fd < 0)
		_exit(30);
	holder = fork();
	if (holder < 0)
		_exit(31);
	/* no PDEATHSIG: it outlives the owner */
	if (holder == 0)
		holder_main(fd, p);
	if (write(p->pid[1], &holder, sizeof(holder)) != sizeof(holder))
		_exit(32);
	for (;;)
		pause();
}

static int read_int(int fd, int *v, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, timeout_ms) != 1 || read(fd, v, sizeof(*v)) != sizeof(*v))
		return -1;
	return 0;
}

/* Reap a child that should exit by itself; SIGKILL it if it does not. */
static int reap_within(pid_t pid, int timeout_ms)
{
	int status = -1, i;

	for (i = 0; i <= timeout_ms / 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* Until binder/proc/<pid> is gone (the file released); 0 or -1 */
static int wait_proc_gone(pid_t pid, int timeout_ms)
{
	char path[64];
	int i;

	snprintf(path, sizeof(path), BINDER_DEBUGFS "/proc/%d", pid);
	for (i = 0; i <= timeout_ms / 10; i++) {
		if (access(path, F_OK))
			return 0;
		usleep(10000);
	}
	return -1;
}

/* A process that calls the manager once; exits 0 when answered */
static void ping_caller(void)
{
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = binder_open_mapped(&map);
	if (fd < 0)
		_exit(10);
	binder_reader_init(&r, fd);
	if (binder_call(&r, 0, CODE_PING, "p", 1, &br) != BR_REPLY)
		_exit(11);
	_exit(reply_code(&br) == CODE_PING ? 0 : 12);
}

static bool data_intact(const struct binder_br *br, size_t size)
{
	const uint8_t *d = br_data(br);
	size_t i;

	if (br->txn.data_size != size)
		return false;
	for (i = 0; i < size; i++)
		if (d[i] != STALL_BYTE)
			return false;
	return true;
}

/*
 * We are the manager (the target).  The owner's child sends us a call
 * whose data copy stalls; the owner is SIGKILLed and reaped; the copy
 * goes on; the child gets what it gets and exits; the owner's proc is
 * released; then we read.  A call we get is answered.  Then we serve a
 * new caller, and nothing is left.
 */
static void owner_killed_under_holder(struct __test_metadata *_metadata,
				      struct holder_outcome *o)
{
	struct holder_pipes p;
	struct binder_objects base;
	size_t page = sysconf(_SC_PAGESIZE);
	uint32_t code = CODE_PING;
	struct binder_reader r;
	struct binder_br br;
	pid_t owner, caller, holder = 0;
	int fd, status, ret;
	void *map;

	memset(o, 0, sizeof(*o));
	ASSERT_EQ(0, binder_objects_snapshot(&base));
	/* the holder is reparented to us when the owner dies */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	ASSERT_EQ(0, pipe2(p.fault, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(p.go, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(p.result, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(p.pid, O_CLOEXEC));
	fd = binder_open_mapped(&map);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, binder_become_context_manager(fd));
	ASSERT_EQ(0, binder_send_u32(fd, BC_ENTER_LOOPER));
	binder_reader_init(&r, fd);

	owner = fork();
	ASSERT_LE(0, owner);
	if (owner == 0)
		owner_main(&p);
	ASSERT_EQ(0, read_int(p.pid[0], &holder, LONG_MS));
	ASSERT_EQ(0, wait_byte(p.fault[0], LONG_MS))
		TH_LOG("the holder's send never faulted");

	/* the holder is in its send: the owner dies */
	kill(owner, SIGKILL);
	ASSERT_EQ(owner, waitpid(owner, &status, 0));
	usleep(200000);
	ASSERT_EQ(1, write(p.go[1], "g", 1));
	ASSERT_EQ(0, read_int(p.result[0], &o->holder, LONG_MS))
		TH_LOG("the holder never told its outcome");
	status = reap_within(holder, LONG_MS);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("holder status %#x", status);
	EXPECT_EQ(0, wait_proc_gone(owner, LONG_MS))
		TH_LOG("the owner's proc is never released");
	usleep(200000);

	/* now we read what is left of the call */
	ret = binder_read_br(&r, &br, 1000);
	o->target = ret ? ret : (int)br.cmd;
	if (!ret && br.cmd == BR_TRANSACTION) {
		o->code = br.txn.code;
		o->intact = data_intact(&br, 2 * page);
		EXPECT_EQ(0, binder_reply(fd, br.txn.data.ptr.buffer, 0, "r", 1,
					  NULL, 0));
		ret = binder_read_br(&r, &br, T);
		o->replied = ret ? ret : (int)br.cmd;
	} else if (!ret) {
		binder_handle_unwanted(&r, &br);
	}

	/* and we serve on (a caller of another process: upstream refuses ours) */
	caller = fork();
	ASSERT_LE(0, caller);
	if (caller == 0)
		ping_caller();
	ASSERT_EQ(0, binder_read_until(&r, BR_TRANSACTION, &br, T))
		TH_LOG("a new caller never came through");
	EXPECT_EQ(CODE_PING, br.txn.code);
	EXPECT_EQ(0, binder_reply(fd, br.txn.data.ptr.buffer, 0, &code,
				  sizeof(code), NULL, 0));
	status = reap_within(caller, LONG_MS);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the new caller: status %#x", status);

	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	close(p.fault[0]);
	close(p.fault[1]);
	close(p.go[0]);
	close(p.go[1]);
	close(p.result[0]);
	close(p.result[1]);
	close(p.pid[0]);
	close(p.pid[1]);
	EXPECT_EQ(0, binder_wait_objects_back(&base, 5000));
}

/*
 * What both drivers must do: the holder's call is never answered (we
 * were not reading): it fails, or its wait is interrupted; a call we read
 * afterwards is the holder's, with its data, and our reply to it
 * completes or fails, harmlessly.
 */
TEST(holder_call_while_owner_killed)
{
	struct holder_outcome o;
	int round;

	if (!uffd_available())
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	for (round = 0; round < 3; round++) {
		owner_killed_under_holder(_metadata, &o);
		TH_LOG("round %d: holder %#x, we read %#x, our reply %#x", round,
		       o.holder, o.target, o.replied);
		EXPECT_TRUE(o.holder == BR_DEAD_REPLY ||
			    o.holder == BR_FAILED_REPLY ||
			    o.holder == -EINTR || o.holder == -ESRCH)
			TH_LOG("round %d: the holder got %#x", round, o.holder);
		EXPECT_TRUE(o.target == -ETIMEDOUT || o.target == BR_TRANSACTION)
			TH_LOG("round %d: we read %#x", round, o.target);
		if (o.target != BR_TRANSACTION)
			continue;
		EXPECT_EQ(CODE_FROM_HOLDER, o.code);
		EXPECT_TRUE(o.intact);
		EXPECT_TRUE(o.replied == BR_TRANSACTION_COMPLETE ||
			    o.replied == BR_FAILED_REPLY ||
			    o.replied == BR_DEAD_REPLY)
			TH_LOG("round %d: our reply got %#x", round, o.replied);
	}
}

/*
 * Ours: the owner's death makes its proc dead at once, for every holder
 * of its file: the holder's call in progress fails, and never reaches us.
 * Its ioctl fails with -ESRCH, as every ioctl on a dead proc's file does
 * (its thread was released: no BR_* is queued for it any more).
 */
TEST(holder_call_while_owner_killed_dead_reply)
{
	struct holder_outcome o;
	int round;

	if (!binder_is_ours())
		SKIP(return, HOLDER_NOT_DEAD);
	if (!uffd_available())
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	for (round = 0; round < 3; round++) {
		owner_killed_under_holder(_metadata, &o);
		EXPECT_EQ(-ESRCH, o.holder) TH_LOG("round %d", round);
		EXPECT_EQ(-ETIMEDOUT, o.target)
			TH_LOG("round %d: we read %#x", round, o.target);
	}
}

/* ---- the same by brute force: holders call in a loop ---- */

#define LOOP_SIZE	(64 * 1024)
#define LOOP_THREADS	2

struct loop_holder {
	int fd;
	int ready_wr;
	atomic_int *answered;
};

static void *loop_call_main(void *arg)
{
	static uint8_t data[LOOP_SIZE];
	struct loop_holder *h = arg;
	struct binder_reader r;
	struct binder_br br;
	int i, ret;

	binder_reader_init(&r, h->fd);
	for (i = 0; i < 2000; i++) {
		ret = binder_transact(&r, 0, CODE_SLOW, 0, data, sizeof(data),
				      NULL, 0, &br);
		if (ret == BR_REPLY) {
			binder_free_buffer(h->fd, br.txn.data.ptr.buffer);
			if (!atomic_exchange(h->answered, 1) &&
			    write(h->ready_wr, "r", 1) != 1)
				break;
		} else if (ret < 0 && ret != -ETIMEDOUT) {
			break;	/* -ESRCH: the file is dead (ours) */
		}
	}
	return NULL;
}

/* The owner: forks a holder whose threads call the manager in a loop */
static void loop_owner_main(int ready_wr, int pid_wr)
{
	struct loop_holder h[LOOP_THREADS];
	atomic_int answered = 0;
	pthread_t t[LOOP_THREADS];
	void *map;
	pid_t holder;
	int fd, i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = binder_open_mapped(&map);
	if (fd < 0)
		_exit(30);
	holder = fork();
	if (holder < 0)
		_exit(31);
	if (holder == 0) {
		for (i = 0; i < LOOP_THREADS; i++) {
			h[i].fd = fd;
			h[i].ready_wr = ready_wr;
			h[i].answered = &answered;
			if (pthread_create(&t[i], NULL, loop_call_main, &h[i]))
				_exit(33);
		}
		for (i = 0; i < LOOP_THREADS; i++)
			pthread_join(t[i], NULL);
		_exit(0);
	}
	if (write(pid_wr, &holder, sizeof(holder)) != sizeof(holder))
		_exit(32);
	for (;;)
		pause();
}

/*
 * Round after round, an owner's child calls a (slow, one-thread) server
 * from two threads through the owner's fd; the owner is killed at a
 * random moment, the child right after, with calls of it in flight or
 * queued at the server, which reads them afterwards.  The server serves
 * on, and nothing is left.
 */
TEST(holder_calls_in_loop_owner_killed)
{
	struct binder_objects base;
	struct binder_server s;
	struct attack_ctx ctx;
	struct binder_reader r;
	struct binder_br br;
	unsigned int seed = 9;
	int round, ready[2], pids[2], fd;
	void *map;

	ASSERT_EQ(0, binder_objects_snapshot(&base));
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	ASSERT_EQ(0, make_ctx(&ctx));
	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(pids, O_CLOEXEC));
	ASSERT_EQ(0, start_server(&s, &ctx));
	for (round = 0; round < 8; round++) {
		pid_t owner, holder = 0;
		int status;

		owner = fork();
		ASSERT_LE(0, owner);
		if (owner == 0)
			loop_owner_main(ready[1], pids[1]);
		ASSERT_EQ(0, read_int(pids[0], &holder, LONG_MS));
		ASSERT_EQ(0, wait_byte(ready[0], LONG_MS))
			TH_LOG("round %d: the holder's calls never came through",
			       round);
		usleep(rnd(&seed, 20000));
		kill(owner, SIGKILL);
		ASSERT_EQ(owner, waitpid(owner, &status, 0));
		usleep(rnd(&seed, 3000));
		kill(holder, SIGKILL);
		ASSERT_EQ(holder, waitpid(holder, &status, 0));
	}
	fd = binder_open_mapped(&map);
	ASSERT_LE(0, fd);
	binder_reader_init(&r, fd);
	ASSERT_EQ(BR_REPLY, binder_call(&r, 0, CODE_PING, "p", 1, &br));
	EXPECT_EQ(CODE_PING, reply_code(&br));
	binder_free_buffer(fd, br.txn.data.ptr.buffer);
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
	binder_server_stop(&s);
	close_ctx(&ctx);
	close(ready[0]);
	close(ready[1]);
	close(pids[0]);
	close(pids[1]);
	EXPECT_EQ(0, binder_wait_objects_back(&base, 5000));
}

FIXTURE(last)
{
};

FIXTURE_SETUP(last)
{
}

FIXTURE_TEARDOWN(last)
{
}

/* Everything above is gone once its processes are: no live objects. */
TEST_F(last, no_objects_left)
{
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

TEST_HARNESS_MAIN
