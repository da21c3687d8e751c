// SPDX-License-Identifier: GPL-2.0
/*
 * The four LSM hooks of binder, denied for real: a BPF LSM policy
 * (binder_lsm.bpf.c, embedded as a bpftool skeleton) refuses one hook for
 * one process, and the driver must give upstream's result:
 *
 *   security_binder_set_context_mgr  the ioctl fails with the LSM's errno;
 *                                    no manager is set
 *   security_binder_transaction      BR_FAILED_REPLY, extended error
 *                                    (BR_FAILED_REPLY, -EPERM); the target
 *                                    sees nothing.  Replies are not checked.
 *   security_binder_transfer_binder  the same; no node left behind in the
 *                                    sender, no ref created in the receiver
 *   security_binder_transfer_file    the same; no fd installed
 *
 * (upstream maps whatever the LSM returns to -EPERM for the last three).
 * An allowed control case calls every hook once and works.  Conformance:
 * the reference driver's behaviour is the spec.  The test skips, saying
 * why, only where the kernel cannot run a BPF LSM program at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <bpf/libbpf.h>

#include "kselftest_harness.h"
#include "binder_lib.h"
#include "binder_lsm.h"
#include "binder_lsm.skel.h"

#define T BINDER_TIMEOUT_MS
#define FDS_NODE 0x1000		/* the server's node that accepts fds */
#define OWN_NODE 0x5000		/* a node of the test's own */
#define QUIET_MS 300		/* how long "the server saw nothing" waits */

static int libbpf_log(enum libbpf_print_level level, const char *fmt,
		      va_list ap)
{
	static char msg[16384];
	char *line, *next;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* a verifier log is many lines: each a TAP comment */
	for (line = msg; *line; line = next) {
		next = strchrnul(line, '\n');
		fprintf(stderr, "# libbpf: %.*s\n", (int)(next - line), line);
		if (*next)
			next++;
	}
	return 0;
}

/*
 * Why this kernel cannot run the policy, or NULL when it can.  Only facts of
 * the kernel count: a policy that fails to load or attach where it could
 * fails the test.
 */
static const char *lsm_unavailable(char *why, size_t size)
{
	char lsms[256];
	struct stat st;

	if (stat("/sys/kernel/btf/vmlinux", &st))
		return "no /sys/kernel/btf/vmlinux: the kernel has no BTF (CONFIG_DEBUG_INFO_BTF)";
	if (stat("/sys/kernel/security/lsm", &st))
		mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
	if (binder_read_file("/sys/kernel/security/lsm", lsms, sizeof(lsms)) < 0)
		return "no /sys/kernel/security/lsm (CONFIG_SECURITY, CONFIG_SECURITYFS)";
	if (!strstr(lsms, "bpf")) {
		snprintf(why, size, "no BPF LSM (CONFIG_BPF_LSM, lsm=): active \"%s\"",
			 lsms);
		return why;
	}
	return NULL;
}

static void set_rule(struct binder_lsm *skel, int hook, pid_t tgid, int err)
{
	skel->bss->rules[hook].err = err;
	__atomic_store_n(&skel->bss->rules[hook].tgid, tgid, __ATOMIC_SEQ_CST);
}

static uint64_t calls(struct binder_lsm *skel, int hook)
{
	return __atomic_load_n(&skel->bss->calls[hook], __ATOMIC_SEQ_CST);
}

static uint64_t denied(struct binder_lsm *skel, int hook)
{
	return __atomic_load_n(&skel->bss->denied[hook], __ATOMIC_SEQ_CST);
}

static int get_ee(int fd, struct binder_extended_error *ee)
{
	memset(ee, 0xa5, sizeof(*ee));
	return ioctl(fd, BINDER_GET_EXTENDED_ERROR, ee);
}

static struct binder_fd_object fd_obj(int fd)
{
	struct binder_fd_object o;

	memset(&o, 0, sizeof(o));
	o.hdr.type = BINDER_TYPE_FD;
	o.fd = fd;
	return o;
}

/* BINDER_SET_CONTEXT_MGR(_EXT) on dev, waiting out a manager going away */
static int set_mgr(int fd, bool ext)
{
	struct flat_binder_object fbo = binder_obj_binder(0, 0, false);
	static const int32_t zero;
	int64_t end = binder_now_ms() + T;

	for (;;) {
		if (!ioctl(fd, ext ? BINDER_SET_CONTEXT_MGR_EXT :
			   BINDER_SET_CONTEXT_MGR, ext ? (void *)&fbo :
			   (void *)&zero))
			return 0;
		if (errno != EBUSY || binder_now_ms() > end)
			return -errno;
		usleep(20000);
	}
}

FIXTURE(lsm) {
	/* why the kernel cannot run the policy ("" when it can) */
	char skip[320];
	struct binder_lsm *skel;
	struct binder_server s;
	struct binder_reader r;
	uint32_t node;		/* a handle to the server's FDS_NODE */
	int memfd;
	void *map;
	int fd;
};

FIXTURE_SETUP(lsm)
{
	const char *skip;
	int64_t h;

	self->skel = NULL;
	self->fd = -1;
	self->memfd = -1;
	memset(&self->s, 0, sizeof(self->s));
	self->skip[0] = 0;
	skip = lsm_unavailable(self->skip, sizeof(self->skip));
	if (skip) {
		/* this harness runs the test after a skipped setup: it skips */
		if (skip != self->skip)
			snprintf(self->skip, sizeof(self->skip), "%s", skip);
		SKIP(return, "%s", skip);
	}
	libbpf_set_print(libbpf_log);
	/* BTF and the BPF LSM are there: so is bpf(), nothing else to skip */
	self->skel = binder_lsm__open_and_load();
	ASSERT_NE(NULL, self->skel) TH_LOG("loading the policy: %s", strerror(errno));
	ASSERT_EQ(0, binder_lsm__attach(self->skel)) TH_LOG("attaching the policy: %s",
							    strerror(errno));

	self->s.flags = BINDER_SERVER_CTX_MGR;
	self->s.handler = binder_inspect_handler;
	ASSERT_EQ(0, binder_server_start(&self->s));
	self->fd = binder_open_mapped_dev(BINDER_DEV, 0, &self->map);
	ASSERT_LE(0, self->fd);
	binder_reader_init(&self->r, self->fd);
	h = binder_inspect_node(&self->r, FDS_NODE, FLAT_BINDER_FLAG_ACCEPTS_FDS);
	ASSERT_LE(0, h);
	self->node = h;
	/* drop the server's events so far */
	ASSERT_EQ(0, binder_server_wait(&self->s, BR_TRANSACTION, NULL, T));
	self->memfd = binder_memfd("secret");
	ASSERT_LE(0, self->memfd);
}

FIXTURE_TEARDOWN(lsm)
{
	if (self->memfd >= 0)
		close(self->memfd);
	if (self->fd >= 0) {
		munmap(self->map, BINDER_MAP_SIZE);
		close(self->fd);
	}
	if (self->s.pid > 0)
		binder_server_stop(&self->s);
	if (self->skel)
		binder_lsm__destroy(self->skel);
	if (self->s.pid > 0)
		EXPECT_EQ(0, binder_wait_objects_zero(5000));
}

/* The server saw no transaction since the last wait */
static bool server_quiet(struct binder_server *s)
{
	return binder_server_wait(s, BR_TRANSACTION, NULL, QUIET_MS) == -ETIMEDOUT;
}

/*
 * BINDER_SET_CONTEXT_MGR and _EXT refused: the ioctl fails with what the
 * LSM said (upstream passes it on), and no manager is set: a call to handle
 * 0 of that device is a BR_DEAD_REPLY.  Allowed again, the same fd becomes
 * the manager.
 */
static void ctx_mgr_denied(struct __test_metadata *_metadata,
			   struct binder_lsm *skel, bool ext, int err)
{
	struct binder_extended_error ee;
	struct binder_reader cr;
	struct binder_br br;
	void *map, *cmap;
	int fd, cfd;

	fd = binder_open_mapped_dev("/dev/vndbinder", 0, &map);
	ASSERT_LE(0, fd);
	cfd = binder_open_mapped_dev("/dev/vndbinder", 0, &cmap);
	ASSERT_LE(0, cfd);
	binder_reader_init(&cr, cfd);

	set_rule(skel, BINDER_LSM_CTX_MGR, getpid(), err);
	EXPECT_EQ(err, set_mgr(fd, ext));
	EXPECT_EQ(1, denied(skel, BINDER_LSM_CTX_MGR));
	EXPECT_EQ(BR_DEAD_REPLY, binder_call(&cr, 0, 1, NULL, 0, &br));
	ASSERT_EQ(0, get_ee(cfd, &ee));
	EXPECT_EQ(BR_DEAD_REPLY, ee.command);

	set_rule(skel, BINDER_LSM_CTX_MGR, getpid(), 0);
	EXPECT_EQ(0, set_mgr(fd, ext));
	EXPECT_EQ(2, calls(skel, BINDER_LSM_CTX_MGR));
	EXPECT_EQ(1, denied(skel, BINDER_LSM_CTX_MGR));
	munmap(cmap, BINDER_MAP_SIZE);
	close(cfd);
	munmap(map, BINDER_MAP_SIZE);
	close(fd);
}

TEST_F(lsm, set_context_mgr_denied)
{
	/* the harness runs a test whose setup skipped */
	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	ctx_mgr_denied(_metadata, self->skel, false, -EPERM);
}

TEST_F(lsm, set_context_mgr_ext_denied)
{
	/* the harness runs a test whose setup skipped */
	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	ctx_mgr_denied(_metadata, self->skel, true, -EPERM);
}

/* The LSM's own errno comes back from the ioctl as it is */
TEST_F(lsm, set_context_mgr_errno_passed_on)
{
	/* the harness runs a test whose setup skipped */
	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	ctx_mgr_denied(_metadata, self->skel, false, -EACCES);
}

/*
 * A transaction refused: BR_FAILED_REPLY with (BR_FAILED_REPLY, -EPERM),
 * whatever errno the LSM gave, and the server sees nothing.  A oneway one
 * likewise.  The next call, allowed, works.
 */
TEST_F(lsm, transaction_denied)
{
	struct binder_extended_error ee;
	struct binder_br br;
	int err;

	/* the harness runs a test whose setup skipped */
	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	for (err = EPERM; err; err = err == EPERM ? EACCES : 0) {
		set_rule(self->skel, BINDER_LSM_TRANSACTION, getpid(), -err);
		ASSERT_EQ(BR_FAILED_REPLY,
			  binder_call(&self->r, 0, 1, "x", 1, &br));
		ASSERT_EQ(0, get_ee(self->fd, &ee));
		EXPECT_NE(0, ee.id);
		EXPECT_EQ(BR_FAILED_REPLY, ee.command);
		EXPECT_EQ(-EPERM, ee.param) TH_LOG("the LSM said %d", -err);
	}
	EXPECT_EQ(2, denied(self->skel, BINDER_LSM_TRANSACTION));

	set_rule(self->skel, BINDER_LSM_TRANSACTION, getpid(), -EPERM);
	ASSERT_EQ(BR_FAILED_REPLY, binder_transact(&self->r, 0, 1, TF_ONE_WAY,
						   "y", 1, NULL, 0, &br));
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-EPERM, ee.param);
	EXPECT_EQ(3, denied(self->skel, BINDER_LSM_TRANSACTION));
	EXPECT_TRUE(server_quiet(&self->s));
	EXPECT_EQ(0, binder_proc_count(self->s.pid, "  buffer "));

	set_rule(self->skel, BINDER_LSM_TRANSACTION, getpid(), 0);
	ASSERT_EQ(BR_REPLY, binder_call(&self->r, 0, 1, "z", 1, &br));
	binder_free_buffer(self->fd, br.txn.data.ptr.buffer);
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_EQ(BR_OK, ee.command);
	EXPECT_EQ(4, calls(self->skel, BINDER_LSM_TRANSACTION));
}

/* A reply is no transaction to the hook: a replier refused them replies */
TEST_F(lsm, reply_not_checked)
{
	struct binder_br br;

	/* the harness runs a test whose setup skipped */
	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	set_rule(self->skel, BINDER_LSM_TRANSACTION, self->s.pid, -EPERM);
	ASSERT_EQ(BR_REPLY, binder_call(&self->r, 0, 1, "x", 1, &br));
	binder_free_buffer(self->fd, br.txn.data.ptr.buffer);
	EXPECT_EQ(0, calls(self->skel, BINDER_LSM_TRANSACTION));
}

/*
 * A local binder refused: BR_FAILED_REPLY, -EPERM; the server sees
 * nothing, gets no ref, and the node the translation made for the sender
 * is gone again (upstream makes it, then frees it unused).  Allowed, the
 * same object goes through and the server holds a ref.
 */
TEST_F(lsm, transfer_binder_denied)
{
	struct flat_binder_object obj = binder_obj_binder(OWN_NODE, OWN_NODE,
							  false);
	struct binder_inspect_report rep;
	struct binder_extended_error ee;
	binder_size_t off = 0;
	int refs;

	/* the harness runs a test whose setup skipped */
	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	refs = binder_proc_count(self->s.pid, "  ref ");
	ASSERT_LE(0, refs);
	ASSERT_EQ(0, binder_proc_count(getpid(), "  node "));

	set_rule(self->skel, BINDER_LSM_TRANSFER_BINDER, getpid(), -EACCES);
	ASSERT_EQ(BR_FAILED_REPLY, binder_inspect_call(&self->r, 0, &obj,
						       sizeof(obj), &off, 1,
						       &rep));
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_NE(0, ee.id);
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-EPERM, ee.param);
	EXPECT_EQ(1, denied(self->skel, BINDER_LSM_TRANSFER_BINDER));
	EXPECT_TRUE(server_quiet(&self->s));
	EXPECT_EQ(refs, binder_proc_count(self->s.pid, "  ref "));
	EXPECT_EQ(0, binder_proc_count(getpid(), "  node "))
		TH_LOG("a node of the refused binder is left in the sender");
	EXPECT_EQ(0, binder_proc_count(self->s.pid, "  buffer "));

	set_rule(self->skel, BINDER_LSM_TRANSFER_BINDER, getpid(), 0);
	ASSERT_EQ(BR_REPLY, binder_inspect_call(&self->r, 0, &obj, sizeof(obj),
						&off, 1, &rep));
	EXPECT_EQ(1, rep.nobj);
	EXPECT_EQ(2, calls(self->skel, BINDER_LSM_TRANSFER_BINDER));
}

/*
 * A handle refused (sent back to its node's owner, where it would become
 * the binder again): BR_FAILED_REPLY, -EPERM, the sender's ref untouched.
 */
TEST_F(lsm, transfer_handle_denied)
{
	struct flat_binder_object obj = binder_obj_handle(self->node, false);
	struct binder_inspect_report rep;
	struct binder_extended_error ee;
	int strong, weak, strong2, weak2;
	binder_size_t off = 0;
	bool dead;

	/* the harness runs a test whose setup skipped */
	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	ASSERT_EQ(0, binder_ref_counts(getpid(), self->node, &strong, &weak,
				       &dead));
	set_rule(self->skel, BINDER_LSM_TRANSFER_BINDER, getpid(), -EPERM);
	ASSERT_EQ(BR_FAILED_REPLY, binder_inspect_call(&self->r, 0, &obj,
						       sizeof(obj), &off, 1,
						       &rep));
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-EPERM, ee.param);
	EXPECT_EQ(1, denied(self->skel, BINDER_LSM_TRANSFER_BINDER));
	EXPECT_TRUE(server_quiet(&self->s));
	ASSERT_EQ(0, binder_ref_counts(getpid(), self->node, &strong2, &weak2,
				       &dead));
	EXPECT_EQ(strong, strong2);
	EXPECT_EQ(weak, weak2);

	set_rule(self->skel, BINDER_LSM_TRANSFER_BINDER, getpid(), 0);
	ASSERT_EQ(BR_REPLY, binder_inspect_call(&self->r, 0, &obj, sizeof(obj),
						&off, 1, &rep));
	ASSERT_EQ(1, rep.nobj);
	/* back home, the handle is the server's own binder again */
	EXPECT_EQ(BINDER_TYPE_BINDER,
		  ((const struct flat_binder_object *)rep.obj[0].raw)->hdr.type);
}

/*
 * The server's reply carrying a binder refused: the caller gets
 * BR_FAILED_REPLY, (BR_FAILED_REPLY, -EPERM), no handle, and the node the
 * reply's translation made in the server is gone again.
 */
TEST_F(lsm, transfer_binder_in_reply_denied)
{
	struct binder_inspect_node in = { .ptr = 0x7000, .flags = 0 };
	struct binder_extended_error ee;
	struct binder_br br;
	int nodes, refs;

	/* the harness runs a test whose setup skipped */
	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	nodes = binder_proc_count(self->s.pid, "  node ");
	ASSERT_LT(0, nodes);
	refs = binder_proc_count(getpid(), "  ref ");
	ASSERT_LT(0, refs);
	set_rule(self->skel, BINDER_LSM_TRANSFER_BINDER, self->s.pid, -EPERM);
	ASSERT_EQ(BR_FAILED_REPLY, binder_call(&self->r, 0, BINDER_INSPECT_NODE,
					       &in, sizeof(in), &br));
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-EPERM, ee.param);
	EXPECT_EQ(1, denied(self->skel, BINDER_LSM_TRANSFER_BINDER));
	EXPECT_EQ(refs, binder_proc_count(getpid(), "  ref "));
	usleep(100000);		/* the server's BC_REPLY returned */
	EXPECT_EQ(nodes, binder_proc_count(self->s.pid, "  node "))
		TH_LOG("a node of the refused reply is left in the server");
}

/*
 * An fd refused: BR_FAILED_REPLY, -EPERM (whatever the LSM said), the
 * server sees nothing and gets no fd; the sender's fd is its own still.
 */
TEST_F(lsm, transfer_file_denied)
{
	struct binder_fd_object obj = fd_obj(self->memfd);
	struct binder_inspect_report rep;
	struct binder_extended_error ee;
	binder_size_t off = 0;
	int before;

	/* the harness runs a test whose setup skipped */
	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	before = binder_count_fds(self->s.pid);
	ASSERT_LT(0, before);
	set_rule(self->skel, BINDER_LSM_TRANSFER_FILE, getpid(), -EACCES);
	ASSERT_EQ(BR_FAILED_REPLY, binder_inspect_call(&self->r, self->node,
						       &obj, sizeof(obj), &off,
						       1, &rep));
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_NE(0, ee.id);
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-EPERM, ee.param);
	EXPECT_EQ(1, denied(self->skel, BINDER_LSM_TRANSFER_FILE));
	EXPECT_TRUE(server_quiet(&self->s));
	EXPECT_EQ(before, binder_count_fds(self->s.pid));
	EXPECT_EQ(0, binder_proc_count(self->s.pid, "  buffer "));
	EXPECT_LE(0, fcntl(self->memfd, F_GETFD));

	set_rule(self->skel, BINDER_LSM_TRANSFER_FILE, getpid(), 0);
	ASSERT_EQ(BR_REPLY, binder_inspect_call(&self->r, self->node, &obj,
						sizeof(obj), &off, 1, &rep));
	ASSERT_EQ(1, rep.nfd);
	EXPECT_STREQ("secret", rep.fd[0].data);
	EXPECT_EQ(2, calls(self->skel, BINDER_LSM_TRANSFER_FILE));
}

/*
 * The server's reply of @code, carrying fds, refused: the caller gets
 * BR_FAILED_REPLY, (BR_FAILED_REPLY, -EPERM) and no fd; the replier's own
 * extended error stays BR_OK.  An ASSERT here ends the test.
 */
static void refused_fd_reply(struct __test_metadata *_metadata,
			     struct _test_data_lsm *self, uint32_t code)
{
	struct binder_extended_error ee;
	struct binder_br br;
	uint64_t ev = 0;
	int before;

	before = binder_count_fds(getpid());
	set_rule(self->skel, BINDER_LSM_TRANSFER_FILE, self->s.pid, -EPERM);
	ASSERT_EQ(BR_FAILED_REPLY, binder_transact(&self->r, self->node, code,
						   TF_ACCEPT_FDS, NULL, 0,
						   NULL, 0, &br));
	EXPECT_EQ(before, binder_count_fds(getpid()));
	ASSERT_EQ(0, get_ee(self->fd, &ee));
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-EPERM, ee.param);
	EXPECT_EQ(1, denied(self->skel, BINDER_LSM_TRANSFER_FILE));
	ASSERT_EQ(0, binder_server_wait(&self->s, BINDER_INSPECT_EE, &ev, T));
	EXPECT_EQ(BR_OK, ev >> 32);
	EXPECT_EQ(0, (int32_t)ev);
}

/*
 * The server's reply carrying an fd refused (the caller accepts fds): the
 * caller gets BR_FAILED_REPLY, (BR_FAILED_REPLY, -EPERM) and no fd; the
 * replier's own extended error stays BR_OK.
 */
TEST_F(lsm, transfer_file_in_reply_denied)
{
	/* the harness runs a test whose setup skipped */
	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	refused_fd_reply(_metadata, self, BINDER_INSPECT_REPLY_FD);
}

/*
 * The same for fds in a BINDER_TYPE_FDA (a BC_REPLY_SG): the first fd
 * refused fails the reply, the caller gets none of them.
 */
TEST_F(lsm, transfer_fda_in_reply_denied)
{
	struct binder_br br;
	int before;

	/* the harness runs a test whose setup skipped */
	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	before = binder_count_fds(getpid());
	refused_fd_reply(_metadata, self, BINDER_INSPECT_REPLY_SG);

	/* allowed, the caller gets both */
	set_rule(self->skel, BINDER_LSM_TRANSFER_FILE, self->s.pid, 0);
	ASSERT_EQ(BR_REPLY, binder_transact(&self->r, self->node,
					    BINDER_INSPECT_REPLY_SG,
					    TF_ACCEPT_FDS, NULL, 0, NULL, 0,
					    &br));
	EXPECT_EQ(before + 2, binder_count_fds(getpid()));
	EXPECT_EQ(3, calls(self->skel, BINDER_LSM_TRANSFER_FILE));
	binder_free_buffer(self->fd, br.txn.data.ptr.buffer);
	/* an FDA's fds are closed with its buffer */
	EXPECT_EQ(before, binder_count_fds(getpid()));
}

/*
 * The control case: the policy watches every hook and allows all.  A
 * manager is set, a transaction carrying a binder and an fd goes through,
 * and each hook was asked once.
 */
TEST_F(lsm, allowed_control)
{
	struct {
		struct flat_binder_object b;
		struct binder_fd_object f;
	} data = {
		.b = binder_obj_binder(OWN_NODE, OWN_NODE, false),
		.f = fd_obj(self->memfd),
	};
	binder_size_t offs[2] = { 0, sizeof(data.b) };
	struct binder_inspect_report rep;
	void *map;
	int h, fd;

	/* the harness runs a test whose setup skipped */
	if (self->skip[0])
		SKIP(return, "%s", self->skip);
	for (h = 0; h < BINDER_LSM_HOOKS; h++)
		set_rule(self->skel, h, getpid(), 0);
	fd = binder_open_mapped_dev("/dev/vndbinder", 0, &map);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, set_mgr(fd, false));
	munmap(map, BINDER_MAP_SIZE);
	close(fd);

	ASSERT_EQ(BR_REPLY, binder_inspect_call(&self->r, self->node, &data,
						sizeof(data), offs, 2, &rep));
	EXPECT_EQ(2, rep.nobj);
	ASSERT_EQ(1, rep.nfd);
	EXPECT_STREQ("secret", rep.fd[0].data);
	for (h = 0; h < BINDER_LSM_HOOKS; h++) {
		EXPECT_EQ(1, calls(self->skel, h)) TH_LOG("hook %d", h);
		EXPECT_EQ(0, denied(self->skel, h)) TH_LOG("hook %d", h);
	}
}

TEST_HARNESS_MAIN
