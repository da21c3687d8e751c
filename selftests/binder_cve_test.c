// SPDX-License-Identifier: GPL-2.0
/*
 * Regressions of known binder CVEs, as scenarios that must neither crash
 * nor warn (the lane fails on any kernel report; the debug kernel adds
 * KASAN) and must leave the driver consistent.  Conformance.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS

/*
 * CVE-2019-2215: epoll waits on the binder thread's wait queue; the thread
 * is freed by BINDER_THREAD_EXIT; EPOLL_CTL_DEL (or closing the epoll fd)
 * then must not touch the freed queue.
 */
TEST(epoll_then_thread_exit)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct binder_version v;
	int i, fd, ep;

	fd = binder_open_dev(BINDER_DEV, 0);
	ASSERT_LE(0, fd);
	for (i = 0; i < 50; i++) {
		ep = epoll_create1(EPOLL_CLOEXEC);
		ASSERT_LE(0, ep);
		ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
		ASSERT_EQ(0, ioctl(fd, BINDER_THREAD_EXIT, 0));
		if (i % 2)
			EXPECT_EQ(0, epoll_ctl(ep, EPOLL_CTL_DEL, fd, &ev));
		EXPECT_EQ(0, close(ep));
	}
	/* the proc is fine */
	EXPECT_EQ(0, ioctl(fd, BINDER_VERSION, &v));
	close(fd);
}

/*
 * A binder sent oneway queues its node's BR_INCREFS work on the sending
 * thread; the thread exits before reading it while the target drops the
 * ref (frees the buffer).  Node work must not outlive its node or thread:
 * no crash, the node goes, the proc goes on.
 */
TEST(thread_exit_with_node_work_queued)
{
	struct binder_server s = { .flags = BINDER_SERVER_CTX_MGR };
	struct binder_node_debug_info info;
	struct binder_cmds c;
	struct binder_reader r;
	struct binder_br br;
	binder_size_t off = 0;
	void *map;
	int i, fd;

	ASSERT_EQ(0, binder_server_start(&s));
	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	for (i = 0; i < 50; i++) {
		struct flat_binder_object obj =
			binder_obj_binder(0x100 + i, 0, false);

		cmds_reset(&c);
		cmd_txn(&c, BC_TRANSACTION, 0, 1, TF_ONE_WAY, &obj, sizeof(obj),
			&off, 1);
		ASSERT_EQ(0, binder_write_cmds(fd, &c, NULL));
		if (i % 2)
			usleep(1000);
		ASSERT_EQ(0, ioctl(fd, BINDER_THREAD_EXIT, 0));
	}
	/* each call was served; wait for the last, then look */
	for (i = 0; i < 50; i++)
		ASSERT_EQ(0, binder_server_wait(&s, BR_TRANSACTION, NULL, T));
	usleep(100000);
	binder_reader_init(&r, fd);
	ASSERT_EQ(BR_REPLY, binder_call(&r, 0, 1, NULL, 0, &br));
	EXPECT_EQ(0, binder_free_buffer(fd, br.txn.data.ptr.buffer));
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, ioctl(fd, BINDER_GET_NODE_DEBUG_INFO, &info));
	EXPECT_EQ(0, info.ptr) TH_LOG("node %#llx left", (unsigned long long)info.ptr);
	binder_server_stop(&s);
	close(fd);
}

/*
 * The receiver frees a transaction's buffer and replies while the sender
 * is being killed: the teardown of the sender's side races BC_FREE_BUFFER
 * and BC_REPLY.  Each round must end with no buffer left.
 */
static int call_forever(void)
{
	struct binder_reader r;
	struct binder_br br;
	void *map;
	int fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);

	if (fd < 0)
		return 10;
	binder_reader_init(&r, fd);
	for (;;)
		if (binder_call(&r, 0, 1, "data", 4, &br) == BR_REPLY)
			binder_free_buffer(fd, br.txn.data.ptr.buffer);
}

TEST(free_buffer_races_sender_death)
{
	static const uint32_t reply_done[] = {
		BR_TRANSACTION_COMPLETE, BR_FAILED_REPLY, BR_DEAD_REPLY,
	};
	struct binder_reader r;
	struct binder_br br;
	int i, fd, status, outcomes;
	void *map;
	pid_t child;

	fd = binder_open_mapped_dev(BINDER_DEV, 0, &map);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, binder_become_context_manager(fd));
	ASSERT_EQ(0, binder_send_u32(fd, BC_ENTER_LOOPER));
	binder_reader_init(&r, fd);
	for (i = 0; i < 20; i++) {
		child = fork();
		ASSERT_LE(0, child);
		if (child == 0)
			_exit(call_forever());
		ASSERT_EQ(0, binder_read_until(&r, BR_TRANSACTION, &br, T));
		kill(child, SIGKILL);
		if (i % 2)
			waitpid(child, &status, 0);
		EXPECT_EQ(0, binder_reply(fd, br.txn.data.ptr.buffer, 0, "r", 1,
					  NULL, 0));
		if (!(i % 2))
			waitpid(child, &status, 0);
		/*
		 * our reply completes or fails: one outcome, and nothing
		 * else comes; either way nothing is kept
		 */
		EXPECT_EQ(0, binder_drain_returns(&r, reply_done, 3, 100, &outcomes))
			TH_LOG("round %d", i);
		EXPECT_EQ(1, outcomes) TH_LOG("round %d", i);
		EXPECT_EQ(0, binder_proc_count(getpid(), "  buffer "));
	}
	close(fd);
}

TEST_HARNESS_MAIN
