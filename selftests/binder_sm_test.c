// SPDX-License-Identifier: GPL-2.0
/*
 * Three processes through the mini service manager: a server registers a
 * binder with the manager, a client looks it up and calls it.  The client
 * gets a ref of its own (handle 1 and up; 0 is the manager's); the
 * manager dying does not break it.  Conformance: the reference driver's
 * behaviour is the spec.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "binder_lib.h"

#define T BINDER_TIMEOUT_MS

#define SERVICE_PTR	0x5e00
#define SERVICE_COOKIE	0x5e01

/* What the service replies: who it is and what it got */
struct service_reply {
	uint64_t ptr;
	uint64_t cookie;
	uint32_t code;
	int32_t pid;
};

/* The service: registers with the manager, then serves (exits on silence) */
static void service_main(int ready)
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
	if (binder_sm_add(&r, SERVICE_PTR, SERVICE_COOKIE))
		_exit(11);
	if (binder_send_u32(fd, BC_ENTER_LOOPER))
		_exit(12);
	if (write(ready, "r", 1) != 1)
		_exit(13);
	while (!binder_read_until(&r, BR_TRANSACTION, &br, 10 * T)) {
		struct service_reply rep = {
			.ptr = br.txn.target.ptr,
			.cookie = br.txn.cookie,
			.code = br.txn.code,
			.pid = getpid(),
		};

		if (br.txn.flags & TF_ONE_WAY)
			binder_free_buffer(fd, br.txn.data.ptr.buffer);
		else
			binder_reply(fd, br.txn.data.ptr.buffer, 0, &rep,
				     sizeof(rep), NULL, 0);
	}
	_exit(0);
}

FIXTURE(three)
{
	struct binder_server sm;
	struct binder_reader r;
	pid_t service;
	void *map;
	int fd;
};

FIXTURE_SETUP(three)
{
	struct pollfd pfd;
	int p[2];
	char c;

	memset(&self->sm, 0, sizeof(self->sm));
	self->sm.flags = BINDER_SERVER_CTX_MGR;
	self->sm.handler = binder_sm_handler;
	ASSERT_EQ(0, binder_server_start(&self->sm));

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	self->service = fork();
	ASSERT_LE(0, self->service);
	if (self->service == 0) {
		close(p[0]);
		service_main(p[1]);
	}
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	ASSERT_EQ(1, read(p[0], &c, 1));
	close(p[0]);

	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	binder_reader_init(&self->r, self->fd);
}

FIXTURE_TEARDOWN(three)
{
	int status;

	close(self->fd);
	kill(self->service, SIGKILL);
	waitpid(self->service, &status, 0);
	if (self->sm.pid > 0)
		binder_server_stop(&self->sm);
}

/* Call the service; 0 and what it replied, or the BR / -errno */
static int call_service(struct binder_reader *r, uint32_t handle,
			uint32_t code, struct service_reply *rep)
{
	struct binder_br br;
	int ret = binder_call(r, handle, code, NULL, 0, &br);

	if (ret != BR_REPLY)
		return ret;
	memset(rep, 0, sizeof(*rep));
	if (br.txn.data_size == sizeof(*rep))
		memcpy(rep, br_data(&br), sizeof(*rep));
	else
		ret = -EPROTO;
	binder_free_buffer(r->fd, br.txn.data.ptr.buffer);
	return ret == BR_REPLY ? 0 : ret;
}

TEST_F(three, lookup_and_call)
{
	struct service_reply rep;
	int strong, weak;
	bool dead;
	int64_t h;

	h = binder_sm_get(&self->r);
	ASSERT_LE(1, h);
	ASSERT_EQ(0, call_service(&self->r, h, 42, &rep));
	EXPECT_EQ(SERVICE_PTR, rep.ptr);
	EXPECT_EQ(SERVICE_COOKIE, rep.cookie);
	EXPECT_EQ(42, rep.code);
	EXPECT_EQ(self->service, rep.pid);
	/* our ref: the strong one binder_sm_get took, node alive */
	ASSERT_EQ(0, binder_ref_counts(getpid(), h, &strong, &weak, &dead));
	EXPECT_EQ(1, strong);
	EXPECT_FALSE(dead);
	/* a second lookup finds the same ref */
	EXPECT_EQ(h, binder_sm_get(&self->r));
	ASSERT_EQ(0, binder_ref_counts(getpid(), h, &strong, &weak, &dead));
	EXPECT_EQ(2, strong);
}

/*
 * The manager dies: our ref to the service stays (calls still work), the
 * manager's is gone with it, and calls to handle 0 get BR_DEAD_REPLY.
 */
TEST_F(three, manager_death_keeps_client_ref)
{
	struct service_reply rep;
	struct binder_br br;
	int strong, weak;
	bool dead;
	int64_t h;
	int i;

	h = binder_sm_get(&self->r);
	ASSERT_LE(1, h);
	ASSERT_EQ(0, call_service(&self->r, h, 1, &rep));
	binder_server_stop(&self->sm);

	EXPECT_EQ(BR_DEAD_REPLY, binder_call(&self->r, 0, BINDER_SM_GET, NULL,
					     0, &br));
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, call_service(&self->r, h, 100 + i, &rep));
		EXPECT_EQ(SERVICE_PTR, rep.ptr);
		EXPECT_EQ(100 + i, rep.code);
	}
	ASSERT_EQ(0, binder_ref_counts(getpid(), h, &strong, &weak, &dead));
	EXPECT_EQ(1, strong);
	EXPECT_FALSE(dead);
	/* oneway too */
	EXPECT_EQ(BR_TRANSACTION_COMPLETE,
		  binder_transact(&self->r, h, 7, TF_ONE_WAY, NULL, 0, NULL, 0,
				  &br));
	EXPECT_EQ(0, call_service(&self->r, h, 8, &rep));
}

/*
 * The service's own ref to the manager came from its call only: it holds
 * none; the manager holds one strong ref to the service's node; after the
 * client's lookup the client holds one too.
 */
TEST_F(three, refs_held)
{
	int strong, weak;
	bool dead;
	int64_t h;

	EXPECT_NE(0, binder_ref_counts(self->service, 0, &strong, &weak, &dead));
	/* the manager's ref to the service: its first, desc 1 */
	ASSERT_EQ(0, binder_ref_counts(self->sm.pid, 1, &strong, &weak, &dead));
	EXPECT_EQ(1, strong);
	EXPECT_FALSE(dead);
	h = binder_sm_get(&self->r);
	ASSERT_LE(1, h);
	ASSERT_EQ(0, binder_ref_counts(getpid(), h, &strong, &weak, &dead));
	EXPECT_EQ(1, strong);
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

TEST_F(last, no_objects_left)
{
	EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

TEST_HARNESS_MAIN
