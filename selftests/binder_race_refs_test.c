// SPDX-License-Identifier: GPL-2.0
/*
 * Threads of one process change the same handle's counts and death
 * notification at once, while another thread calls through it, debugfs
 * readers walk every proc's nodes and refs, and the node's owner is
 * killed in the middle.
 *
 * Our driver takes these commands (BC_INCREFS .. BC_DECREFS, death
 * notifications, BC_DEAD_BINDER_DONE) and debugfs node walks without the
 * device lock, so this is where a lost wake-up, a notification freed while
 * a reader holds it, or a walk off a freed node would show (the lane's
 * init_on_free, KASAN and lockdep make it a crash or a report).
 *
 * The same for freeze notifications (6.12 on): a looper asks for and
 * clears them on one handle while another thread freezes and thaws the
 * node's owner in a loop.
 *
 * Conformance: both drivers.  What is asserted is what userspace sees:
 * every BC_CLEAR_DEATH_NOTIFICATION is answered by its
 * BR_CLEAR_DEATH_NOTIFICATION_DONE (after a BR_DEAD_BINDER once the node
 * is dead), every call before the kill is answered, and every object goes.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS

#define CHURN_ROUNDS	300	/* per phase, for the death-notification thread */
#define CODE_PING	40

/* 6.12's UAPI additions, spelled out so the test builds against any header */
struct frozen_state_info {
	binder_uintptr_t cookie;
	uint32_t is_frozen;
	uint32_t reserved;
};

#define BR_FROZEN		_IOR('r', 21, struct frozen_state_info)
#define BR_CLEAR_FREEZE_DONE	_IOR('r', 22, binder_uintptr_t)
#define BC_REQUEST_FREEZE	_IOW('c', 19, struct binder_handle_cookie)
#define BC_CLEAR_FREEZE		_IOW('c', 20, struct binder_handle_cookie)
#define BC_FREEZE_DONE		_IOW('c', 21, binder_uintptr_t)

struct churn {
	int fd;
	pid_t server;
	atomic_int phase;	/* 0: server alive, 1: killed, 2: stop */
	atomic_int rounds;	/* death thread's rounds so far */
	atomic_int confirmed;	/* the test saw our ref's node dead */
	/* results, read after join */
	int bad_round;		/* first round that went wrong, or -1 */
	int bad_cmd;		/* what it got instead (or -errno) */
	int dead_before_kill;	/* BR_DEAD_BINDER while the server lived */
	int dead_during_kill;	/* ... once it was killed */
	int rounds_confirmed;	/* rounds begun once the node was dead */
	int missing_dead;	/* ... that got no BR_DEAD_BINDER */
	atomic_int calls_ok;	/* read by the test while it runs */
	int calls_bad;
	int call_bad_ret;
	int debugfs_reads, debugfs_fail;
};

/*
 * One round: a weak count, a death notification asked for and cleared in
 * the same write, the count dropped; then the clear's DONE is read, after
 * acknowledging a BR_DEAD_BINDER if the node died meanwhile.  0 and
 * *dead, or what came instead of the DONE.
 */
static int death_round(struct churn *ch, struct binder_reader *r,
		       binder_uintptr_t cookie, bool *dead)
{
	struct binder_cmds c = { .len = 0 };
	struct binder_br br;
	int ret;

	*dead = false;
	cmd_handle(&c, BC_INCREFS, 0);
	cmd_death(&c, BC_REQUEST_DEATH_NOTIFICATION, 0, cookie);
	cmd_death(&c, BC_CLEAR_DEATH_NOTIFICATION, 0, cookie);
	cmd_handle(&c, BC_DECREFS, 0);
	ret = binder_write_cmds(ch->fd, &c, NULL);
	if (ret)
		return ret;
	for (;;) {
		ret = binder_read_br(r, &br, T);
		if (ret)
			return ret;
		if (br.cmd == BR_CLEAR_DEATH_NOTIFICATION_DONE &&
		    br.cookie == cookie)
			return 0;
		if (br.cmd != BR_DEAD_BINDER || br.cookie != cookie)
			return br.cmd;
		*dead = true;
		binder_handle_unwanted(r, &br);
	}
}

static void *death_thread(void *arg)
{
	struct churn *ch = arg;
	struct binder_reader r;
	binder_uintptr_t cookie = 0x5eed0000;
	int i, ret, after = 0;

	binder_reader_init(&r, ch->fd);
	/* a looper: its CLEAR_DONE comes to it, proc work too */
	binder_send_u32(ch->fd, BC_ENTER_LOOPER);
	/* until the kill, and on until CHURN_ROUNDS / 4 after the node died */
	for (i = 0; i < 100 * CHURN_ROUNDS; i++) {
		bool confirmed = atomic_load(&ch->confirmed), dead;

		if (atomic_load(&ch->phase) == 0 && i >= CHURN_ROUNDS) {
			usleep(1000);
			continue;
		}
		if (confirmed && after >= CHURN_ROUNDS / 4)
			break;
		ret = death_round(ch, &r, ++cookie, &dead);
		atomic_fetch_add(&ch->rounds, 1);
		if (ret) {
			ch->bad_round = i;
			ch->bad_cmd = ret;
			break;
		}
		/* read after the round: the kill had not begun by its end */
		if (atomic_load(&ch->phase) == 0)
			ch->dead_before_kill += dead;
		else
			ch->dead_during_kill += dead;
		if (confirmed) {
			after++;
			ch->missing_dead += !dead;
		}
	}
	ch->rounds_confirmed = after;
	return NULL;
}

/* Strong counts and calls through the same handle, until the kill */
static void *call_thread(void *arg)
{
	struct churn *ch = arg;
	struct binder_reader r;
	struct binder_br br;
	int ret;

	binder_reader_init(&r, ch->fd);
	while (atomic_load(&ch->phase) == 0) {
		struct binder_cmds c = { .len = 0 };

		cmd_handle(&c, BC_ACQUIRE, 0);
		binder_write_cmds(ch->fd, &c, NULL);
		ret = binder_call(&r, 0, CODE_PING, "ping", 4, &br);
		if (ret == BR_REPLY)
			binder_free_buffer(ch->fd, br.txn.data.ptr.buffer);
		cmds_reset(&c);
		cmd_handle(&c, BC_RELEASE, 0);
		binder_write_cmds(ch->fd, &c, NULL);
		if (ret == BR_REPLY) {
			atomic_fetch_add(&ch->calls_ok, 1);
		} else if (atomic_load(&ch->phase) == 0) {
			/* the kill may land between the check and the call */
			ch->calls_bad++;
			ch->call_bad_ret = ret;
			break;
		}
	}
	return NULL;
}

/* Every proc's nodes and refs, and the device's dead nodes, in a loop */
static void *debugfs_thread(void *arg)
{
	static const char * const files[] = {
		BINDER_DEBUGFS "/state", BINDER_DEBUGFS "/stats",
	};
	static char buf[1 << 18];
	struct churn *ch = arg;
	int i = 0;

	while (atomic_load(&ch->phase) < 2) {
		/* proc/<pid> goes with the server: only the others count */
		if (i % 3 == 2)
			binder_read_proc(ch->server, buf, sizeof(buf));
		else if (binder_read_file(files[i % 3], buf, sizeof(buf)) <= 0)
			ch->debugfs_fail++;
		ch->debugfs_reads++;
		i++;
	}
	return NULL;
}

TEST(ref_and_death_churn_vs_calls_debugfs_and_kill)
{
	struct churn ch = { .bad_round = -1 };
	struct binder_cmds c = { .len = 0 };
	int strong, weak, ret = -1;
	struct binder_objects base;
	struct binder_server s;
	pthread_t dt, ct, ft;
	bool dead = false;
	void *map;
	int64_t end;

	ASSERT_EQ(0, binder_objects_snapshot(&base));
	memset(&s, 0, sizeof(s));
	s.flags = BINDER_SERVER_CTX_MGR;
	ASSERT_EQ(0, binder_server_start(&s));
	ch.server = s.pid;
	ch.fd = binder_open_mapped(&map);
	ASSERT_LE(0, ch.fd);
	/* a count of the test's own keeps handle 0 through the churn */
	cmd_handle(&c, BC_INCREFS, 0);
	ASSERT_EQ(0, binder_write_cmds(ch.fd, &c, NULL));

	ASSERT_EQ(0, pthread_create(&ft, NULL, debugfs_thread, &ch));
	ASSERT_EQ(0, pthread_create(&ct, NULL, call_thread, &ch));
	ASSERT_EQ(0, pthread_create(&dt, NULL, death_thread, &ch));

	/*
	 * The death thread's first rounds and a few calls (the reference
	 * lets the rounds starve the calls), then the owner dies under it all
	 */
	end = binder_now_ms() + 30000;
	while ((atomic_load(&ch.rounds) < CHURN_ROUNDS / 2 ||
		atomic_load(&ch.calls_ok) < 3) &&
	       ch.bad_round < 0 && ch.calls_bad == 0 && binder_now_ms() < end)
		usleep(5000);
	atomic_store(&ch.phase, 1);
	binder_server_stop(&s);
	pthread_join(ct, NULL);
	/* the reference releases the proc from a work item: wait for it */
	end = binder_now_ms() + 10000;
	while (binder_now_ms() < end) {
		ret = binder_ref_counts(getpid(), 0, &strong, &weak, &dead);
		if (ret || dead)
			break;
		usleep(10000);
	}
	atomic_store(&ch.confirmed, 1);
	pthread_join(dt, NULL);
	atomic_store(&ch.phase, 2);
	pthread_join(ft, NULL);

	EXPECT_EQ(0, ret) TH_LOG("handle 0 went while the test held it");
	EXPECT_TRUE(dead) TH_LOG("the server's node never died");
	EXPECT_EQ(-1, ch.bad_round)
		TH_LOG("round %d got %d (%#x) instead of its CLEAR_DONE",
		       ch.bad_round, ch.bad_cmd, ch.bad_cmd);
	EXPECT_EQ(0, ch.dead_before_kill);
	/* a request on a dead node is answered at once, every time */
	EXPECT_EQ(CHURN_ROUNDS / 4, ch.rounds_confirmed);
	EXPECT_EQ(0, ch.missing_dead)
		TH_LOG("%d of %d rounds on the dead node got no BR_DEAD_BINDER",
		       ch.missing_dead, ch.rounds_confirmed);
	EXPECT_EQ(0, ch.calls_bad) TH_LOG("a call got %d", ch.call_bad_ret);
	EXPECT_LE(3, atomic_load(&ch.calls_ok));
	EXPECT_EQ(0, ch.debugfs_fail);
	TH_LOG("%d rounds, %d calls, %d debugfs reads, %d BR_DEAD_BINDER",
	       atomic_load(&ch.rounds), atomic_load(&ch.calls_ok), ch.debugfs_reads,
	       ch.dead_during_kill);

	/* the handle goes with the test's last count */
	cmds_reset(&c);
	cmd_handle(&c, BC_DECREFS, 0);
	EXPECT_EQ(0, binder_write_cmds(ch.fd, &c, NULL));
	EXPECT_NE(0, binder_ref_counts(getpid(), 0, &strong, &weak, &dead));
	munmap(map, BINDER_MAP_SIZE);
	close(ch.fd);
	EXPECT_EQ(0, binder_wait_objects_back(&base, 2000));
}

struct freezer {
	int fd;
	pid_t pid;
	atomic_int stop;
	int toggles, failed, last_errno;
};

/* Freeze and thaw the owner, over and over */
static void *freezer_thread(void *arg)
{
	struct freezer *f = arg;
	int enable = 1;

	while (!atomic_load(&f->stop)) {
		struct binder_freeze_info info = {
			.pid = f->pid, .enable = enable, .timeout_ms = 0,
		};

		if (binder_ioctl(f->fd, BINDER_FREEZE, &info)) {
			f->failed++;
			f->last_errno = errno;
		} else {
			f->toggles++;
			enable = !enable;
		}
	}
	return NULL;
}

/* The next BR, which must be cmd with cookie first in its payload */
static int expect_br(struct binder_reader *r, uint32_t cmd,
		     binder_uintptr_t cookie)
{
	struct binder_br br;
	binder_uintptr_t got;
	int ret = binder_read_br(r, &br, T);

	if (ret)
		return ret;
	memcpy(&got, br.raw, sizeof(got));
	if (br.cmd != cmd || got != cookie)
		return br.cmd ? (int)br.cmd : -EPROTO;
	return 0;
}

/*
 * Every round, with the owner frozen and thawed meanwhile: asked for and
 * cleared in one write, only BR_CLEAR_FREEZE_NOTIFICATION_DONE comes (the
 * queued notification became it); asked for, read, then cleared and
 * acknowledged in one write, one BR_FROZEN_BINDER then the DONE.
 */
TEST(freeze_notification_churn_vs_freezer)
{
	struct freezer f = { 0 };
	struct binder_cmds c = { .len = 0 };
	struct binder_handle_cookie hc = { 0 };
	binder_uintptr_t cookie = 0xf7ee0000;
	struct binder_objects base;
	struct binder_server s;
	struct binder_reader r;
	int i, ret = 0, bad = -1;
	pthread_t ft, dbg;
	struct churn ch = { 0 };
	void *map;

	if (!binder_kernel_at_least(6, 12))
		SKIP(return, "freeze notifications came with 6.12");
	ASSERT_EQ(0, binder_objects_snapshot(&base));
	memset(&s, 0, sizeof(s));
	s.flags = BINDER_SERVER_CTX_MGR;
	ASSERT_EQ(0, binder_server_start(&s));
	f.fd = binder_open_mapped(&map);
	ASSERT_LE(0, f.fd);
	f.pid = s.pid;
	binder_reader_init(&r, f.fd);
	cmd_handle(&c, BC_INCREFS, 0);
	cmd_u32(&c, BC_ENTER_LOOPER);
	ASSERT_EQ(0, binder_write_cmds(f.fd, &c, NULL));
	ch.server = s.pid;
	ASSERT_EQ(0, pthread_create(&dbg, NULL, debugfs_thread, &ch));
	ASSERT_EQ(0, pthread_create(&ft, NULL, freezer_thread, &f));

	for (i = 0; i < CHURN_ROUNDS && bad < 0; i++) {
		hc.handle = 0;
		hc.cookie = ++cookie;
		cmds_reset(&c);
		cmd_u32(&c, BC_REQUEST_FREEZE);
		cmd_raw(&c, &hc, sizeof(hc));
		if (i % 2) {
			ret = binder_write_cmds(f.fd, &c, NULL);
			if (!ret)
				ret = expect_br(&r, BR_FROZEN, cookie);
			cmds_reset(&c);
		}
		if (!ret) {
			cmd_u32(&c, BC_CLEAR_FREEZE);
			cmd_raw(&c, &hc, sizeof(hc));
			if (i % 2) {
				cmd_u32(&c, BC_FREEZE_DONE);
				cmd_raw(&c, &cookie, sizeof(cookie));
			}
			ret = binder_write_cmds(f.fd, &c, NULL);
		}
		if (!ret)
			ret = expect_br(&r, BR_CLEAR_FREEZE_DONE, cookie);
		if (ret)
			bad = i;
	}
	atomic_store(&f.stop, 1);
	pthread_join(ft, NULL);
	atomic_store(&ch.phase, 2);
	pthread_join(dbg, NULL);

	EXPECT_EQ(-1, bad) TH_LOG("round %d got %d (%#x)", bad, ret, ret);
	EXPECT_LT(0, f.toggles);
	EXPECT_EQ(0, f.failed) TH_LOG("BINDER_FREEZE: %s",
				      strerror(f.last_errno));
	EXPECT_EQ(0, ch.debugfs_fail);
	/* nothing else is left for the looper */
	EXPECT_EQ(-ETIMEDOUT, binder_read_br(&r, &(struct binder_br){ 0 }, 200));
	TH_LOG("%d rounds, %d freezes and thaws, %d debugfs reads", i,
	       f.toggles, ch.debugfs_reads);

	/* thawed, the handle dropped, the owner gone: everything goes */
	{
		struct binder_freeze_info info = { .pid = s.pid, .enable = 0 };

		EXPECT_EQ(0, binder_ioctl(f.fd, BINDER_FREEZE, &info));
	}
	cmds_reset(&c);
	cmd_handle(&c, BC_DECREFS, 0);
	EXPECT_EQ(0, binder_write_cmds(f.fd, &c, NULL));
	munmap(map, BINDER_MAP_SIZE);
	close(f.fd);
	binder_server_stop(&s);
	EXPECT_EQ(0, binder_wait_objects_back(&base, 2000));
}

TEST_HARNESS_MAIN
