// SPDX-License-Identifier: GPL-2.0
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "binder_lib.h"

/*
 * Fault injection (tools/faultinject/guest.sh): with BINDER_MAKE_IT_FAIL=1
 * in the environment, a thread marks itself for failslab and
 * fail_page_alloc (task-filter, /proc/thread-self/make-it-fail) for the
 * time of each binder call made through here (open, mmap, ioctl), so the
 * failures land in the driver's paths, not in fork, exec or the harness.
 */
static int binder_fi_enabled = -1;
/* this thread's make-it-fail, opened unmarked: opening it marked would fail */
static __thread int binder_fi_fd = -1;
static __thread pid_t binder_fi_tid;

static void binder_fi_mark(const char *v)
{
	pid_t tid = gettid();

	if (binder_fi_enabled < 0) {
		const char *e = getenv("BINDER_MAKE_IT_FAIL");

		binder_fi_enabled = e && !strcmp(e, "1");
	}
	if (!binder_fi_enabled)
		return;
	if (binder_fi_fd < 0 || binder_fi_tid != tid) {
		/* a forked child holds its parent thread's file: its own */
		if (binder_fi_fd >= 0)
			close(binder_fi_fd);
		binder_fi_fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
		binder_fi_tid = tid;
	}
	if (binder_fi_fd < 0 || write(binder_fi_fd, v, 1) != 1) {
		fprintf(stderr, "BINDER_MAKE_IT_FAIL: /proc/thread-self/make-it-fail: %s\n",
			strerror(errno));
		exit(1);
	}
}

int binder_ioctl(int fd, unsigned long req, void *arg)
{
	int ret, err;

	binder_fi_mark("1");
	ret = ioctl(fd, req, arg);
	err = errno;
	binder_fi_mark("0");
	errno = err;
	return ret;
}

void *binder_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p;
	int err;

	binder_fi_mark("1");
	p = mmap(addr, len, prot, flags, fd, off);
	err = errno;
	binder_fi_mark("0");
	errno = err;
	return p;
}

int binder_open_dev(const char *dev, int extra_flags)
{
	int fd, err;

	binder_fi_mark("1");
	fd = open(dev, O_RDWR | O_CLOEXEC | extra_flags);
	err = errno;
	binder_fi_mark("0");
	errno = err;
	return fd;
}

int binder_open_mapped(void **map)
{
	int fd = binder_open_dev(BINDER_DEV, 0);

	if (fd < 0)
		return -1;
	*map = binder_mmap(NULL, BINDER_MAP_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	if (*map == MAP_FAILED) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int binder_write_read(int fd, const void *wbuf, size_t wsize,
		      void *rbuf, size_t rsize, struct binder_write_read *bwr)
{
	memset(bwr, 0, sizeof(*bwr));
	bwr->write_buffer = (binder_uintptr_t)(uintptr_t)wbuf;
	bwr->write_size = wsize;
	bwr->read_buffer = (binder_uintptr_t)(uintptr_t)rbuf;
	bwr->read_size = rsize;
	return binder_ioctl(fd, BINDER_WRITE_READ, bwr);
}

bool binder_is_ours(void)
{
	return access(BINDER_DEBUGFS "/objects", R_OK) == 0;
}

ssize_t binder_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len + 1 < size &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

bool binder_addr_mapped(const void *addr)
{
	char line[512];
	bool found = false;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strtoul(line, NULL, 16) == (unsigned long)(uintptr_t)addr;
	fclose(f);
	return found;
}

int binder_open_mapped_dev(const char *dev, int extra_flags, void **map)
{
	int fd = binder_open_dev(dev, extra_flags);

	if (fd < 0)
		return -1;
	*map = binder_mmap(NULL, BINDER_MAP_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	if (*map == MAP_FAILED) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The global "X: active N" lines of binder/stats, before the first proc */
static bool objects_zero(char *what, size_t size)
{
	static char buf[65536];
	char *line, *save = NULL;

	what[0] = '\0';
	if (binder_read_file(BINDER_DEBUGFS "/stats", buf, sizeof(buf)) < 0) {
		snprintf(what, size, "no stats: %s", strerror(errno));
		return false;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[64];
		int active, total;

		if (!strncmp(line, "proc ", 5))
			break;
		if (sscanf(line, "%63[^:]: active %d total %d",
			   name, &active, &total) == 3 && active) {
			snprintf(what, size, "%s", line);
			return false;
		}
	}
	return true;
}

int binder_wait_objects_zero(int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;
	char what[128];

	while (!objects_zero(what, sizeof(what))) {
		if (now_ms() > end) {
			fprintf(stderr, "# live binder objects: %s\n", what);
			return -1;
		}
		usleep(20000);
	}
	return 0;
}

ssize_t binder_read_proc(pid_t pid, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), BINDER_DEBUGFS "/proc/%d", pid);
	return binder_read_file(path, buf, size);
}

int binder_proc_count(pid_t pid, const char *prefix)
{
	static char buf[65536];
	size_t len = strlen(prefix);
	const char *line;
	int n = 0;

	if (binder_read_proc(pid, buf, sizeof(buf)) < 0)
		return -1;
	for (line = buf; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, prefix, len))
			n++;
	}
	return n;
}

int binder_ref_counts(pid_t pid, uint32_t desc, int *strong, int *weak,
		      bool *dead)
{
	static char buf[65536];
	const char *line;

	if (binder_read_proc(pid, buf, sizeof(buf)) < 0)
		return -1;
	/* "  ref 12: desc 1 [dead ]node 10 s 1 w 0 d 0000000000000000" */
	for (line = strstr(buf, "\n  ref "); line;
	     line = strstr(line + 1, "\n  ref ")) {
		unsigned int d;
		int node, n;
		const char *p = strstr(line, ": desc ");

		if (!p || sscanf(p, ": desc %u %n", &d, &n) != 1 || d != desc)
			continue;
		p += n;
		*dead = !strncmp(p, "dead ", 5);
		if (*dead)
			p += 5;
		if (sscanf(p, "node %d s %d w %d", &node, strong, weak) == 3)
			return 0;
	}
	return -1;
}

/* Commands */

void cmds_reset(struct binder_cmds *c)
{
	c->len = 0;
}

void cmd_raw(struct binder_cmds *c, const void *p, size_t size)
{
	if (c->len + size > sizeof(c->buf)) {
		fprintf(stderr, "# binder_cmds overflow\n");
		abort();
	}
	memcpy(c->buf + c->len, p, size);
	c->len += size;
}

void cmd_u32(struct binder_cmds *c, uint32_t v)
{
	cmd_raw(c, &v, sizeof(v));
}

void cmd_handle(struct binder_cmds *c, uint32_t bc, uint32_t handle)
{
	cmd_u32(c, bc);
	cmd_u32(c, handle);
}

void cmd_ptr(struct binder_cmds *c, uint32_t bc, binder_uintptr_t ptr)
{
	cmd_u32(c, bc);
	cmd_raw(c, &ptr, sizeof(ptr));
}

void cmd_ptr_cookie(struct binder_cmds *c, uint32_t bc, binder_uintptr_t ptr,
		    binder_uintptr_t cookie)
{
	struct binder_ptr_cookie pc = { .ptr = ptr, .cookie = cookie };

	cmd_u32(c, bc);
	cmd_raw(c, &pc, sizeof(pc));
}

void cmd_death(struct binder_cmds *c, uint32_t bc, uint32_t handle,
	       binder_uintptr_t cookie)
{
	struct binder_handle_cookie hc = { .handle = handle, .cookie = cookie };

	cmd_u32(c, bc);
	cmd_raw(c, &hc, sizeof(hc));
}

void cmd_txn(struct binder_cmds *c, uint32_t bc, uint32_t handle, uint32_t code,
	     uint32_t flags, const void *data, size_t size,
	     const binder_size_t *offsets, size_t n)
{
	struct binder_transaction_data tr;

	memset(&tr, 0, sizeof(tr));
	tr.target.handle = handle;
	tr.code = code;
	tr.flags = flags;
	tr.data_size = size;
	tr.offsets_size = n * sizeof(binder_size_t);
	tr.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)data;
	tr.data.ptr.offsets = (binder_uintptr_t)(uintptr_t)offsets;
	cmd_u32(c, bc);
	cmd_raw(c, &tr, sizeof(tr));
}

int binder_write_cmds(int fd, const struct binder_cmds *c,
		      binder_size_t *consumed)
{
	struct binder_write_read bwr;
	int ret;

	ret = binder_write_read(fd, c->buf, c->len, NULL, 0, &bwr);
	if (consumed)
		*consumed = bwr.write_consumed;
	return ret < 0 ? -errno : 0;
}

int binder_free_buffer(int fd, binder_uintptr_t ptr)
{
	struct binder_cmds c = { .len = 0 };

	cmd_free_buffer(&c, ptr);
	return binder_write_cmds(fd, &c, NULL);
}

int binder_send_u32(int fd, uint32_t bc)
{
	struct binder_cmds c = { .len = 0 };

	cmd_u32(&c, bc);
	return binder_write_cmds(fd, &c, NULL);
}

/* Returns */

void binder_reader_init(struct binder_reader *r, int fd)
{
	r->fd = fd;
	r->len = 0;
	r->pos = 0;
	r->nseen = 0;
}

int binder_read_br(struct binder_reader *r, struct binder_br *br,
		   int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	for (;;) {
		struct binder_write_read bwr;

		while (r->pos + sizeof(uint32_t) <= r->len) {
			uint32_t cmd;
			size_t size;

			memcpy(&cmd, r->buf + r->pos, sizeof(cmd));
			size = _IOC_SIZE(cmd);
			if (r->pos + sizeof(cmd) + size > r->len) {
				fprintf(stderr, "# BR %#x truncated\n", cmd);
				r->pos = 0;
				r->len = 0;
				return -EPROTO;
			}
			r->pos += sizeof(cmd);
			if (cmd == BR_NOOP)
				continue;
			memset(br, 0, sizeof(*br));
			br->cmd = cmd;
			br->size = size;
			memcpy(br->raw, r->buf + r->pos,
			       size < sizeof(br->raw) ? size : sizeof(br->raw));
			r->pos += size;
			if (r->nseen < BINDER_SEEN_MAX)
				r->seen[r->nseen++] = cmd;
			return 0;
		}
		r->pos = 0;
		r->len = 0;

		if (timeout_ms >= 0) {
			struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
			int64_t left = end - now_ms();
			int n;

			if (left < 0)
				left = 0;
			n = poll(&pfd, 1, left);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -errno;
			if (n == 0)
				return -ETIMEDOUT;
		}
		if (binder_write_read(r->fd, NULL, 0, r->buf, sizeof(r->buf),
				      &bwr) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		r->len = bwr.read_consumed;
	}
}

void binder_handle_unwanted(struct binder_reader *r, const struct binder_br *br)
{
	struct binder_cmds c = { .len = 0 };

	switch (br->cmd) {
	case BR_TRANSACTION:
	case BR_TRANSACTION_SEC_CTX:
	case BR_REPLY:
		cmd_free_buffer(&c, br->txn.data.ptr.buffer);
		break;
	case BR_INCREFS:
		cmd_ptr_cookie(&c, BC_INCREFS_DONE, br->node.ptr, br->node.cookie);
		break;
	case BR_ACQUIRE:
		cmd_ptr_cookie(&c, BC_ACQUIRE_DONE, br->node.ptr, br->node.cookie);
		break;
	case BR_DEAD_BINDER:
		cmd_ptr(&c, BC_DEAD_BINDER_DONE, br->cookie);
		break;
	default:
		return;
	}
	binder_write_cmds(r->fd, &c, NULL);
}

int binder_read_until(struct binder_reader *r, uint32_t want,
		      struct binder_br *br, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;
	int ret;

	for (;;) {
		int64_t left = end - now_ms();

		ret = binder_read_br(r, br, left < 0 ? 0 : left);
		if (ret)
			return ret;
		if (br->cmd == want)
			return 0;
		binder_handle_unwanted(r, br);
	}
}

bool binder_seen(const struct binder_reader *r, uint32_t br)
{
	unsigned int i;

	for (i = 0; i < r->nseen; i++)
		if (r->seen[i] == br)
			return true;
	return false;
}

void binder_forget_seen(struct binder_reader *r)
{
	r->nseen = 0;
}

/* Calls */

int binder_transact(struct binder_reader *r, uint32_t handle, uint32_t code,
		    uint32_t flags, const void *data, size_t size,
		    const binder_size_t *offsets, size_t n,
		    struct binder_br *reply)
{
	struct binder_cmds c = { .len = 0 };

	cmd_txn(&c, BC_TRANSACTION, handle, code, flags, data, size, offsets, n);
	return binder_transact_cmds(r, &c, flags, reply);
}

int binder_call(struct binder_reader *r, uint32_t handle, uint32_t code,
		const void *data, size_t size, struct binder_br *reply)
{
	return binder_transact(r, handle, code, 0, data, size, NULL, 0, reply);
}

int binder_reply(int fd, binder_uintptr_t req, uint32_t flags,
		 const void *data, size_t size,
		 const binder_size_t *offsets, size_t n)
{
	struct binder_cmds c = { .len = 0 };

	/* first: a failed BC_REPLY stops the write, what follows is lost */
	if (req)
		cmd_free_buffer(&c, req);
	cmd_txn(&c, BC_REPLY, 0, 0, flags, data, size, offsets, n);
	return binder_write_cmds(fd, &c, NULL);
}

static int set_context_mgr(int fd, unsigned long req, const void *arg)
{
	int64_t end = now_ms() + 2000;

	for (;;) {
		if (binder_ioctl(fd, req, (void *)arg) == 0)
			return 0;
		if (errno != EBUSY || now_ms() > end)
			return -errno;
		usleep(20000);
	}
}

int binder_become_context_manager(int fd)
{
	static const int32_t zero;

	return set_context_mgr(fd, BINDER_SET_CONTEXT_MGR, &zero);
}

int binder_become_context_manager_ext(int fd, const struct flat_binder_object *fbo)
{
	return set_context_mgr(fd, BINDER_SET_CONTEXT_MGR_EXT, fbo);
}

struct flat_binder_object binder_obj_binder(binder_uintptr_t ptr,
					    binder_uintptr_t cookie, bool weak)
{
	struct flat_binder_object o;

	memset(&o, 0, sizeof(o));
	o.hdr.type = weak ? BINDER_TYPE_WEAK_BINDER : BINDER_TYPE_BINDER;
	o.flags = FLAT_BINDER_FLAG_ACCEPTS_FDS | 0x7f;
	o.binder = ptr;
	o.cookie = cookie;
	return o;
}

struct flat_binder_object binder_obj_handle(uint32_t handle, bool weak)
{
	struct flat_binder_object o;

	memset(&o, 0, sizeof(o));
	o.hdr.type = weak ? BINDER_TYPE_WEAK_HANDLE : BINDER_TYPE_HANDLE;
	o.handle = handle;
	return o;
}

/* The server */

void binder_server_event(struct binder_server *s, uint32_t cmd, uint64_t arg)
{
	struct binder_event ev = { .cmd = cmd, .arg = arg };

	/* non-blocking: a test that reads no events never stalls its server */
	if (write(s->event_wr, &ev, sizeof(ev)) != sizeof(ev))
		return;
}

static void echo_handler(struct binder_server *s, struct binder_reader *r,
			 const struct binder_br *tr, struct binder_answer *ans)
{
	struct binder_echo e = {
		.code = tr->txn.code,
		.flags = tr->txn.flags,
		.sender_pid = tr->txn.sender_pid,
		.sender_euid = tr->txn.sender_euid,
		.target_ptr = tr->txn.target.ptr,
		.cookie = tr->txn.cookie,
		.data_size = tr->txn.data_size,
		.offsets_size = tr->txn.offsets_size,
	};
	size_t n = tr->txn.data_size;

	if (n > sizeof(ans->data) - sizeof(e))
		n = sizeof(ans->data) - sizeof(e);
	memcpy(ans->data, &e, sizeof(e));
	memcpy(ans->data + sizeof(e), br_data(tr), n);
	ans->size = sizeof(e) + n;
}

static uint64_t event_arg(const struct binder_br *br)
{
	switch (br->cmd) {
	case BR_TRANSACTION:
	case BR_TRANSACTION_SEC_CTX:
	case BR_REPLY:
		return br->txn.code;
	case BR_INCREFS:
	case BR_ACQUIRE:
	case BR_RELEASE:
	case BR_DECREFS:
		return br->node.ptr;
	case BR_DEAD_BINDER:
	case BR_CLEAR_DEATH_NOTIFICATION_DONE:
		return br->cookie;
	case BR_ERROR:
		return (uint32_t)br->error;
	}
	return 0;
}

struct server_thread {
	struct binder_server *s;
	uint32_t looper_cmd;
};

static void *server_loop(void *arg)
{
	struct server_thread *st = arg;
	struct binder_server *s = st->s;
	struct binder_reader *r = malloc(sizeof(*r));
	struct binder_br br;

	if (!r || binder_send_u32(s->fd, st->looper_cmd))
		_exit(3);
	binder_reader_init(r, s->fd);
	for (;;) {
		struct binder_answer ans;
		int ret = binder_read_br(r, &br, -1);

		if (ret) {
			binder_server_event(s, 0, -ret);
			_exit(4);
		}
		binder_server_event(s, br.cmd, event_arg(&br));
		switch (br.cmd) {
		case BR_TRANSACTION:
		case BR_TRANSACTION_SEC_CTX:
			memset(&ans, 0, sizeof(ans));
			(s->handler ? s->handler : echo_handler)(s, r, &br, &ans);
			if (!(br.txn.flags & TF_ONE_WAY) && !ans.no_reply)
				binder_reply(s->fd, ans.keep_buffer ? 0 :
					     br.txn.data.ptr.buffer, ans.flags,
					     ans.data, ans.size, ans.offsets, ans.n);
			else if (!ans.keep_buffer)
				binder_free_buffer(s->fd, br.txn.data.ptr.buffer);
			break;
		case BR_SPAWN_LOOPER: {
			struct server_thread *nt = malloc(sizeof(*nt));
			pthread_t t;

			nt->s = s;
			nt->looper_cmd = BC_REGISTER_LOOPER;
			if (pthread_create(&t, NULL, server_loop, nt))
				_exit(5);
			pthread_detach(t);
			break;
		}
		default:
			binder_handle_unwanted(r, &br);
		}
	}
	return NULL;
}

/* The server process: open, map map_size bytes, set up, loop. */
static void server_main(struct binder_server *s, pid_t parent,
			size_t map_size)
{
	struct server_thread st = { .s = s, .looper_cmd = BC_ENTER_LOOPER };
	int ret = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	s->fd = binder_open_dev(s->dev, 0);
	if (s->fd < 0)
		ret = errno;
	if (!ret) {
		s->map = binder_mmap(NULL, map_size, PROT_READ, MAP_PRIVATE, s->fd, 0);
		if (s->map == MAP_FAILED)
			ret = errno;
	}
	if (!ret && (s->flags & BINDER_SERVER_CTX_MGR))
		ret = -binder_become_context_manager(s->fd);
	if (!ret && s->max_threads &&
	    binder_ioctl(s->fd, BINDER_SET_MAX_THREADS, &s->max_threads))
		ret = errno;
	binder_server_event(s, 0, ret);
	if (ret)
		_exit(2);
	if (s->flags & BINDER_SERVER_NO_LOOP)
		for (;;)
			pause();
	server_loop(&st);
}

int binder_server_start_map(struct binder_server *s, size_t map_size)
{
	struct binder_event ev;
	struct pollfd pfd;
	int p[2];
	pid_t parent = getpid();

	if (!s->dev)
		s->dev = BINDER_DEV;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	s->pid = fork();
	if (s->pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (s->pid == 0) {
		close(p[0]);
		s->event_wr = p[1];
		fcntl(p[1], F_SETFL, O_NONBLOCK);
		server_main(s, parent, map_size);
		_exit(0);
	}
	close(p[1]);
	s->events = p[0];
	s->event_wr = -1;
	pfd.fd = s->events;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 5000) != 1 ||
	    read(s->events, &ev, sizeof(ev)) != sizeof(ev)) {
		binder_server_stop(s);
		return -ETIMEDOUT;
	}
	if (ev.cmd != 0 || ev.arg != 0) {
		binder_server_stop(s);
		return ev.arg ? -(int)ev.arg : -EPROTO;
	}
	return 0;
}

int binder_server_start(struct binder_server *s)
{
	return binder_server_start_map(s, BINDER_MAP_SIZE);
}

int binder_server_stop(struct binder_server *s)
{
	int status = -1;

	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGKILL);
	waitpid(s->pid, &status, 0);
	s->pid = 0;
	close(s->events);
	s->events = -1;
	return status;
}

int binder_server_wait(struct binder_server *s, uint32_t cmd, uint64_t *arg,
		       int timeout_ms)
{
	return binder_server_wait_any(s, &cmd, 1, NULL, arg, timeout_ms);
}

/* The service manager */

static int32_t sm_handle = -1;

void binder_sm_handler(struct binder_server *s, struct binder_reader *r,
		       const struct binder_br *tr, struct binder_answer *ans)
{
	const struct flat_binder_object *obj = br_data(tr);
	struct flat_binder_object out;
	struct binder_cmds c = { .len = 0 };

	switch (tr->txn.code) {
	case BINDER_SM_ADD:
		if (tr->txn.offsets_size != sizeof(binder_size_t) ||
		    br_offsets(tr)[0] != 0 ||
		    obj->hdr.type != BINDER_TYPE_HANDLE)
			break;
		/* our own ref, before the buffer (and its ref) goes */
		cmd_handle(&c, BC_ACQUIRE, obj->handle);
		binder_write_cmds(s->fd, &c, NULL);
		sm_handle = obj->handle;
		binder_server_event(s, BINDER_SM_ADD, sm_handle);
		break;
	case BINDER_SM_GET:
		if (sm_handle < 0)
			break;
		out = binder_obj_handle(sm_handle, false);
		memcpy(ans->data, &out, sizeof(out));
		ans->size = sizeof(out);
		ans->offsets[0] = 0;
		ans->n = 1;
		break;
	}
}

int binder_sm_add(struct binder_reader *r, binder_uintptr_t ptr,
		  binder_uintptr_t cookie)
{
	struct flat_binder_object obj = binder_obj_binder(ptr, cookie, false);
	binder_size_t off = 0;
	struct binder_br br;
	int ret;

	ret = binder_transact(r, 0, BINDER_SM_ADD, 0, &obj, sizeof(obj),
			      &off, 1, &br);
	if (ret == BR_REPLY) {
		binder_free_buffer(r->fd, br.txn.data.ptr.buffer);
		return 0;
	}
	fprintf(stderr, "# %s: %#x\n", __func__, ret);
	return ret < 0 ? ret : -EPROTO;
}

int64_t binder_sm_get(struct binder_reader *r)
{
	const struct flat_binder_object *obj;
	struct binder_br br;
	int64_t handle = -1;
	int ret;

	ret = binder_call(r, 0, BINDER_SM_GET, NULL, 0, &br);
	if (ret != BR_REPLY) {
		fprintf(stderr, "# %s: %#x\n", __func__, ret);
		return -1;
	}
	obj = br_data(&br);
	if (br.txn.data_size == sizeof(*obj) &&
	    br.txn.offsets_size == sizeof(binder_size_t) &&
	    obj->hdr.type == BINDER_TYPE_HANDLE)
		handle = obj->handle;
	/*
	 * Our ref must outlive the reply buffer: the buffer holds a strong
	 * ref of its own that BC_FREE_BUFFER drops.
	 */
	if (handle >= 0) {
		struct binder_cmds c = { .len = 0 };

		cmd_handle(&c, BC_ACQUIRE, handle);
		cmd_free_buffer(&c, br.txn.data.ptr.buffer);
		binder_write_cmds(r->fd, &c, NULL);
	} else {
		binder_free_buffer(r->fd, br.txn.data.ptr.buffer);
	}
	return handle;
}

/* Lifecycle and allocator helpers */

int64_t binder_now_ms(void)
{
	return now_ms();
}

int binder_server_wait_any(struct binder_server *s, const uint32_t *cmds,
			   size_t n, uint32_t *got, uint64_t *arg,
			   int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd pfd = { .fd = s->events, .events = POLLIN };
		int64_t left = end - now_ms();
		struct binder_event ev;
		size_t i;

		if (poll(&pfd, 1, left < 0 ? 0 : left) != 1)
			return -ETIMEDOUT;
		if (read(s->events, &ev, sizeof(ev)) != sizeof(ev))
			return -EPIPE;
		for (i = 0; i < n; i++) {
			if (ev.cmd != cmds[i])
				continue;
			if (got)
				*got = ev.cmd;
			if (arg)
				*arg = ev.arg;
			return 0;
		}
	}
}

int binder_proc_stats(pid_t pid, struct binder_proc_stats *st)
{
	static char buf[262144];
	char head[32], *p, *end;

	if (binder_read_file(BINDER_DEBUGFS "/stats", buf, sizeof(buf)) < 0)
		return -1;
	snprintf(head, sizeof(head), "\nproc %d\n", pid);
	p = strstr(buf, head);
	if (!p)
		return -1;
	p += strlen(head);
	end = strstr(p, "\nproc ");
	if (end)
		*end = '\0';
	memset(st, 0, sizeof(*st));
	st->free_async_space = -1;
	st->pages_active = -1;
	st->pages_lru = -1;
	st->pages_free = -1;
	for (p = strtok(p, "\n"); p; p = strtok(NULL, "\n")) {
		if (sscanf(p, "  threads: %d", &st->threads) == 1 ||
		    sscanf(p, "  free async space %ld",
			   &st->free_async_space) == 1 ||
		    sscanf(p, "  nodes: %d", &st->nodes) == 1)
			continue;
		if (sscanf(p, "  pages: %d:%d:%d", &st->pages_active,
			   &st->pages_lru, &st->pages_free) != 3)
			continue;
	}
	return st->pages_active < 0 ? -1 : 0;
}

long binder_proc_value(pid_t pid, const char *prefix)
{
	static char buf[65536];
	size_t len = strlen(prefix);
	const char *line;

	if (binder_read_proc(pid, buf, sizeof(buf)) < 0)
		return -1;
	for (line = buf; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, prefix, len))
			return strtol(line + len, NULL, 10);
	}
	return -1;
}

long binder_objects_count(const char *name)
{
	char buf[1024], *line, *save = NULL;
	size_t len = strlen(name);

	if (binder_read_file(BINDER_DEBUGFS "/objects", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, name, len) && line[len] == ' ')
			return strtol(line + len + 1, NULL, 10);
	return -1;
}

int binder_drop_caches(int what)
{
	char c = '0' + what;
	int fd, ret = 0;

	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, &c, 1) != 1)
		ret = -errno;
	close(fd);
	return ret;
}

int binder_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

int binder_kmsg_count(int fd, const char * const *needles, size_t n)
{
	char rec[2048];
	int count = 0;

	for (;;) {
		ssize_t len = read(fd, rec, sizeof(rec) - 1);
		size_t i;
		bool all = true;

		if (len < 0 && errno == EPIPE)
			continue;	/* records were overwritten: go on */
		if (len <= 0)
			break;
		rec[len] = '\0';
		for (i = 0; i < n && all; i++)
			all = !needles[i] || strstr(rec, needles[i]);
		count += all;
	}
	return count;
}

static const char * const binder_object_names[BINDER_OBJECT_KINDS] = {
	"proc", "thread", "node", "ref", "death", "transaction",
	"transaction_complete",
};

int binder_objects_snapshot(struct binder_objects *o)
{
	static char buf[65536];
	char *line, *save = NULL;

	memset(o, 0, sizeof(*o));
	if (binder_read_file(BINDER_DEBUGFS "/stats", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[64];
		int active, total, i;

		if (!strncmp(line, "proc ", 5))
			break;
		if (sscanf(line, "%63[^:]: active %d total %d",
			   name, &active, &total) != 3)
			continue;
		for (i = 0; i < BINDER_OBJECT_KINDS; i++)
			if (!strcmp(name, binder_object_names[i]))
				o->active[i] = active;
	}
	return 0;
}

int binder_wait_objects_back(const struct binder_objects *base, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;
	struct binder_objects now;
	int i;

	for (;;) {
		bool back = !binder_objects_snapshot(&now);

		for (i = 0; back && i < BINDER_OBJECT_KINDS; i++)
			back = now.active[i] <= base->active[i];
		if (back)
			return 0;
		if (now_ms() > end)
			break;
		usleep(20000);
	}
	for (i = 0; i < BINDER_OBJECT_KINDS; i++)
		if (now.active[i] > base->active[i])
			fprintf(stderr, "# %s: %d live, %d before\n",
				binder_object_names[i], now.active[i],
				base->active[i]);
	return -1;
}

/* Fds, scatter-gather, security context, freeze */

#include <dirent.h>
#include <sys/utsname.h>

void cmd_txn_sg(struct binder_cmds *c, uint32_t bc, uint32_t handle,
		uint32_t code, uint32_t flags, const void *data, size_t size,
		const binder_size_t *offsets, size_t n,
		binder_size_t buffers_size)
{
	struct binder_transaction_data_sg sg;

	memset(&sg, 0, sizeof(sg));
	sg.transaction_data.target.handle = handle;
	sg.transaction_data.code = code;
	sg.transaction_data.flags = flags;
	sg.transaction_data.data_size = size;
	sg.transaction_data.offsets_size = n * sizeof(binder_size_t);
	sg.transaction_data.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)data;
	sg.transaction_data.data.ptr.offsets =
		(binder_uintptr_t)(uintptr_t)offsets;
	sg.buffers_size = buffers_size;
	cmd_u32(c, bc);
	cmd_raw(c, &sg, sizeof(sg));
}

int binder_transact_cmds(struct binder_reader *r, const struct binder_cmds *c,
			 uint32_t flags, struct binder_br *reply)
{
	int64_t end = now_ms() + BINDER_TIMEOUT_MS;
	int ret;

	ret = binder_write_cmds(r->fd, c, NULL);
	if (ret)
		return ret;
	for (;;) {
		int64_t left = end - now_ms();

		ret = binder_read_br(r, reply, left < 0 ? 0 : left);
		if (ret)
			return ret;
		switch (reply->cmd) {
		case BR_TRANSACTION_COMPLETE:
		case BR_ONEWAY_SPAM_SUSPECT:
			if (flags & TF_ONE_WAY)
				return reply->cmd;
			break;
		case BR_REPLY:
		case BR_DEAD_REPLY:
		case BR_FAILED_REPLY:
		case BR_FROZEN_REPLY:
		case BR_TRANSACTION:
		case BR_TRANSACTION_SEC_CTX:
			return reply->cmd;
		default:
			binder_handle_unwanted(r, reply);
		}
	}
}

int binder_count_fds(pid_t pid)
{
	char path[64];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

bool binder_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma, mi;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

int binder_memfd(const char *s)
{
	size_t len = strlen(s);
	int fd = memfd_create("binder_test", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, s, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

static_assert(sizeof(struct binder_inspect_report) <=
	      sizeof(((struct binder_answer *)0)->data),
	      "the report is a reply");

/* Every fd the transaction being inspected brought */
static int inspect_all_fds[BINDER_INSPECT_ALL_FDS];

static void inspect_fd(struct binder_inspect_report *rep, int fd)
{
	struct binder_seen_fd *f;
	uint32_t i, seen;
	ssize_t n;

	if (rep->fds_total < BINDER_INSPECT_ALL_FDS) {
		seen = rep->fds_total++;
		inspect_all_fds[seen] = fd;
		rep->fds_cloexec += fcntl(fd, F_GETFD) == FD_CLOEXEC;
		for (i = 0; i < seen && inspect_all_fds[i] != fd; i++)
			;
		rep->fds_distinct += i == seen;
	}
	if (rep->nfd >= BINDER_INSPECT_MAX)
		return;
	f = &rep->fd[rep->nfd++];
	f->fd = fd;
	f->fd_flags = fcntl(fd, F_GETFD);
	if (f->fd_flags < 0)
		f->fd_flags = -errno;
	n = pread(fd, f->data, sizeof(f->data) - 1, 0);
	if (n < 0)
		n = 0;
	f->data[n] = '\0';
}

/* The fds of an FDA: in its parent PTR's buffer, already in our space */
static void inspect_fda(struct binder_inspect_report *rep,
			const struct binder_br *tr,
			const struct binder_fd_array_object *fda)
{
	const struct binder_buffer_object *parent;
	const uint8_t *data = br_data(tr);
	size_t nobj = tr->txn.offsets_size / sizeof(binder_size_t);
	binder_size_t off;
	uint32_t fd;
	uint64_t i;

	if (fda->parent >= nobj)
		return;
	off = br_offsets(tr)[fda->parent];
	parent = (const void *)(data + off);
	for (i = 0; i < fda->num_fds; i++) {
		memcpy(&fd, (const uint8_t *)(uintptr_t)parent->buffer +
		       fda->parent_offset + i * sizeof(fd), sizeof(fd));
		inspect_fd(rep, fd);
	}
}

static void inspect(struct binder_server *s, const struct binder_br *tr,
		    struct binder_inspect_report *rep)
{
	const uint8_t *data = br_data(tr);
	size_t nobj = tr->txn.offsets_size / sizeof(binder_size_t);
	binder_uintptr_t secctx;
	size_t i;

	rep->cmd = tr->cmd;
	rep->secctx_off = -1;
	if (tr->cmd == BR_TRANSACTION_SEC_CTX) {
		memcpy(&secctx, tr->raw + sizeof(struct binder_transaction_data),
		       sizeof(secctx));
		rep->secctx_off = secctx - tr->txn.data.ptr.buffer;
		if (secctx) {
			strncpy(rep->secctx, (const char *)(uintptr_t)secctx,
				sizeof(rep->secctx) - 1);
			rep->secctx_len = strlen(rep->secctx);
		}
	}
	for (i = 0; i < nobj && i < BINDER_INSPECT_MAX; i++) {
		struct binder_seen_obj *o = &rep->obj[rep->nobj++];
		binder_size_t off = br_offsets(tr)[i];
		const struct binder_object_header *hdr;
		const struct binder_buffer_object *bbo;
		size_t len;

		if (off >= tr->txn.data_size)
			continue;
		len = tr->txn.data_size - off;
		memcpy(o->raw, data + off,
		       len < sizeof(o->raw) ? len : sizeof(o->raw));
		hdr = (const void *)(data + off);
		switch (hdr->type) {
		case BINDER_TYPE_FD:
			inspect_fd(rep, ((const struct binder_fd_object *)hdr)->fd);
			break;
		case BINDER_TYPE_PTR:
			bbo = (const void *)hdr;
			o->in_map = bbo->buffer >= (uintptr_t)s->map &&
				bbo->buffer < (uintptr_t)s->map + BINDER_MAP_SIZE;
			if (!o->in_map)
				break;
			len = bbo->length;
			memcpy(o->bytes, (const void *)(uintptr_t)bbo->buffer,
			       len < sizeof(o->bytes) ? len : sizeof(o->bytes));
			break;
		case BINDER_TYPE_FDA:
			inspect_fda(rep, tr, (const void *)hdr);
			break;
		}
	}
}

static void reply_fd(struct binder_server *s, struct binder_reader *r,
		     const struct binder_br *tr)
{
	struct binder_extended_error ee = { .command = BR_ERROR };
	struct binder_cmds c = { .len = 0 };
	struct binder_fd_object obj;
	binder_size_t off = 0;
	struct binder_br br;
	int fd = binder_memfd("reply");

	memset(&obj, 0, sizeof(obj));
	obj.hdr.type = BINDER_TYPE_FD;
	obj.fd = fd;
	obj.cookie = BINDER_INSPECT_COOKIE;
	cmd_free_buffer(&c, tr->txn.data.ptr.buffer);
	cmd_txn(&c, BC_REPLY, 0, 0, 0, &obj, sizeof(obj), &off, 1);
	binder_write_cmds(s->fd, &c, NULL);
	/* the replier's outcome: BR_TRANSACTION_COMPLETE, then its ee */
	binder_read_until(r, BR_TRANSACTION_COMPLETE, &br, BINDER_TIMEOUT_MS);
	ioctl(s->fd, BINDER_GET_EXTENDED_ERROR, &ee);
	binder_server_event(s, BINDER_INSPECT_EE,
			    (uint64_t)ee.command << 32 | (uint32_t)ee.param);
	close(fd);
}

/* BINDER_INSPECT_REPLY_SG */
static void reply_sg(struct binder_server *s, struct binder_reader *r,
		     const struct binder_br *tr)
{
	struct binder_extended_error ee = { .command = BR_ERROR };
	struct binder_sg_outer outer = { .tag = BINDER_INSPECT_COOKIE };
	struct binder_sg_inner inner = { .tail = BINDER_INSPECT_COOKIE + 1 };
	binder_size_t offs[3] = {
		offsetof(struct binder_sg_reply, outer),
		offsetof(struct binder_sg_reply, inner),
		offsetof(struct binder_sg_reply, fda),
	};
	struct binder_cmds c = { .len = 0 };
	struct binder_sg_reply msg;
	struct binder_br br;

	inner.fds[0] = binder_memfd("r0");
	inner.fds[1] = binder_memfd("r1");
	memset(&msg, 0, sizeof(msg));
	msg.outer.hdr.type = BINDER_TYPE_PTR;
	msg.outer.buffer = (binder_uintptr_t)(uintptr_t)&outer;
	msg.outer.length = sizeof(outer);
	msg.inner.hdr.type = BINDER_TYPE_PTR;
	msg.inner.flags = BINDER_BUFFER_FLAG_HAS_PARENT;
	msg.inner.buffer = (binder_uintptr_t)(uintptr_t)&inner;
	msg.inner.length = sizeof(inner);
	msg.inner.parent = 0;
	msg.inner.parent_offset = offsetof(struct binder_sg_outer, child);
	msg.fda.hdr.type = BINDER_TYPE_FDA;
	msg.fda.num_fds = 2;
	msg.fda.parent = 1;
	msg.fda.parent_offset = 0;
	cmd_free_buffer(&c, tr->txn.data.ptr.buffer);
	cmd_txn_sg(&c, BC_REPLY_SG, 0, 0, 0, &msg, sizeof(msg), offs, 3,
		   sizeof(outer) + sizeof(inner));
	binder_write_cmds(s->fd, &c, NULL);
	binder_read_until(r, BR_TRANSACTION_COMPLETE, &br, BINDER_TIMEOUT_MS);
	ioctl(s->fd, BINDER_GET_EXTENDED_ERROR, &ee);
	binder_server_event(s, BINDER_INSPECT_EE,
			    (uint64_t)ee.command << 32 | (uint32_t)ee.param);
	close(inner.fds[0]);
	close(inner.fds[1]);
}

void binder_inspect_handler(struct binder_server *s, struct binder_reader *r,
			    const struct binder_br *tr,
			    struct binder_answer *ans)
{
	const struct binder_inspect_node *in = br_data(tr);
	struct binder_inspect_report rep;
	struct flat_binder_object obj;
	uint32_t i;

	switch (tr->txn.code) {
	case BINDER_INSPECT_NODE:
		if (tr->txn.data_size < sizeof(*in))
			return;
		obj = binder_obj_binder(in->ptr, in->ptr, false);
		obj.flags = in->flags;
		memcpy(ans->data, &obj, sizeof(obj));
		ans->size = sizeof(obj);
		ans->offsets[0] = 0;
		ans->n = 1;
		return;
	case BINDER_INSPECT:
		memset(&rep, 0, sizeof(rep));
		inspect(s, tr, &rep);
		/* do the fds outlive the buffer? then close them */
		binder_free_buffer(s->fd, tr->txn.data.ptr.buffer);
		ans->keep_buffer = true;
		for (i = 0; i < rep.nfd; i++)
			rep.fd[i].open_after_free =
				fcntl(rep.fd[i].fd, F_GETFD) >= 0;
		for (i = 0; i < rep.fds_total; i++) {
			if (fcntl(inspect_all_fds[i], F_GETFD) < 0)
				continue;
			rep.fds_open_after_free++;
			close(inspect_all_fds[i]);
		}
		memcpy(ans->data, &rep, sizeof(rep));
		ans->size = sizeof(rep);
		return;
	case BINDER_INSPECT_REPLY_FD:
		reply_fd(s, r, tr);
		ans->no_reply = true;
		ans->keep_buffer = true;
		return;
	case BINDER_INSPECT_REPLY_SG:
		reply_sg(s, r, tr);
		ans->no_reply = true;
		ans->keep_buffer = true;
		return;
	}
}

void binder_inspect_refused_reply(struct binder_server *s,
				  struct binder_reader *r, uint32_t handle,
				  uint32_t code, struct binder_refused_reply *out)
{
	struct binder_br br;
	uint64_t ev = 0;

	memset(out, 0, sizeof(*out));
	out->fds_before = binder_count_fds(getpid());
	out->br = binder_transact(r, handle, code, 0, NULL, 0, NULL, 0, &br);
	out->fds_after = binder_count_fds(getpid());
	if (ioctl(r->fd, BINDER_GET_EXTENDED_ERROR, &out->ee))
		out->ee.command = BR_ERROR;
	out->server_wait = binder_server_wait(s, BINDER_INSPECT_EE, &ev,
					      BINDER_TIMEOUT_MS);
	out->server_command = ev >> 32;
	out->server_param = (int32_t)ev;
}

int binder_inspect_cmds(struct binder_reader *r, const struct binder_cmds *c,
			struct binder_inspect_report *rep)
{
	struct binder_br br;
	int ret;

	ret = binder_transact_cmds(r, c, 0, &br);
	if (ret != BR_REPLY)
		return ret;
	memset(rep, 0, sizeof(*rep));
	if (br.txn.data_size == sizeof(*rep))
		memcpy(rep, br_data(&br), sizeof(*rep));
	binder_free_buffer(r->fd, br.txn.data.ptr.buffer);
	return br.txn.data_size == sizeof(*rep) ? BR_REPLY : -EPROTO;
}

int binder_inspect_call(struct binder_reader *r, uint32_t handle,
			const void *data, size_t size,
			const binder_size_t *offs, size_t n,
			struct binder_inspect_report *rep)
{
	struct binder_cmds c = { .len = 0 };

	cmd_txn(&c, BC_TRANSACTION, handle, BINDER_INSPECT, 0, data, size,
		offs, n);
	return binder_inspect_cmds(r, &c, rep);
}

int64_t binder_inspect_node(struct binder_reader *r, uint64_t ptr,
			    uint32_t flags)
{
	struct binder_inspect_node in = { .ptr = ptr, .flags = flags };
	const struct flat_binder_object *obj;
	struct binder_cmds c = { .len = 0 };
	struct binder_br br;
	int64_t handle = -1;
	int ret;

	ret = binder_call(r, 0, BINDER_INSPECT_NODE, &in, sizeof(in), &br);
	if (ret != BR_REPLY) {
		fprintf(stderr, "# %s: %#x\n", __func__, ret);
		return -1;
	}
	obj = br_data(&br);
	if (br.txn.data_size == sizeof(*obj) &&
	    obj->hdr.type == BINDER_TYPE_HANDLE)
		handle = obj->handle;
	/* our own ref, before the buffer's goes */
	if (handle >= 0)
		cmd_handle(&c, BC_ACQUIRE, handle);
	cmd_free_buffer(&c, br.txn.data.ptr.buffer);
	binder_write_cmds(r->fd, &c, NULL);
	return handle;
}

/*
 * Everything the driver returns within window_ms (BR_NOOP aside), each
 * handled as binder_read_until() would.  *outcomes counts those in
 * ok[0..n); returns how many others came (each logged), or -errno when a
 * read fails.
 */
int binder_drain_returns(struct binder_reader *r, const uint32_t *ok,
			 size_t n, int window_ms, int *outcomes)
{
	int64_t end = binder_now_ms() + window_ms;
	int others = 0;

	*outcomes = 0;
	for (;;) {
		int64_t left = end - binder_now_ms();
		struct binder_br br;
		size_t i;
		int ret;

		ret = binder_read_br(r, &br, left < 0 ? 0 : left);
		if (ret == -ETIMEDOUT)
			return others;
		if (ret)
			return ret;
		for (i = 0; i < n && ok[i] != br.cmd; i++)
			;
		if (i < n) {
			(*outcomes)++;
		} else {
			fprintf(stderr, "# unexpected BR %#x\n", br.cmd);
			others++;
		}
		binder_handle_unwanted(r, &br);
	}
}

/* Failure reports over generic netlink */

#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

enum {
	NL_A_ERROR = 1, NL_A_CONTEXT, NL_A_FROM_PID, NL_A_FROM_TID,
	NL_A_TO_PID, NL_A_TO_TID, NL_A_IS_REPLY, NL_A_FLAGS, NL_A_CODE,
	NL_A_DATA_SIZE,
};

#define NL_CMD_REPORT	1

static bool nla_ok_(const struct nlattr *a, int len)
{
	return len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       a->nla_len <= len;
}

static struct nlattr *nla_next_(const struct nlattr *a, int *len)
{
	*len -= NLA_ALIGN(a->nla_len);
	return (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
}

static void *nla_data_(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static uint32_t nla_u32_(const struct nlattr *a)
{
	uint32_t v = 0;

	if (a->nla_len >= NLA_HDRLEN + sizeof(v))
		memcpy(&v, nla_data_(a), sizeof(v));
	return v;
}

/* CTRL_CMD_GETFAMILY "binder": the multicast group id of "report" */
static int binder_report_group(int fd)
{
	struct {
		struct nlmsghdr nh;
		struct genlmsghdr gh;
		char attrs[64];
	} req = { 0 };
	static char buf[8192];
	struct nlattr *a = (struct nlattr *)req.attrs;
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	int len, alen, group = -ENOENT;

	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof("binder");
	memcpy(nla_data_(a), "binder", sizeof("binder"));
	req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(a->nla_len);
	req.nh.nlmsg_type = GENL_ID_CTRL;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.gh.cmd = CTRL_CMD_GETFAMILY;
	req.gh.version = 1;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return -errno;
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < 0)
		return -errno;
	if (!NLMSG_OK(nh, len) || nh->nlmsg_type == NLMSG_ERROR)
		return -ENOENT;
	a = (struct nlattr *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN);
	alen = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	for (; nla_ok_(a, alen); a = nla_next_(a, &alen)) {
		struct nlattr *g;
		int glen;

		if ((a->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		g = nla_data_(a);
		glen = a->nla_len - NLA_HDRLEN;
		for (; nla_ok_(g, glen); g = nla_next_(g, &glen)) {
			struct nlattr *f = nla_data_(g);
			int flen = g->nla_len - NLA_HDRLEN, id = -1;
			bool report = false;

			for (; nla_ok_(f, flen); f = nla_next_(f, &flen)) {
				if (f->nla_type == CTRL_ATTR_MCAST_GRP_ID)
					id = nla_u32_(f);
				else if (f->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
					report = !strcmp(nla_data_(f), "report");
			}
			if (report && id >= 0)
				group = id;
		}
	}
	return group;
}

int binder_report_open(void)
{
	int fd, group, ret;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	group = binder_report_group(fd);
	if (group < 0) {
		close(fd);
		return group;
	}
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
		       sizeof(group))) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

int binder_report_read(int fd, struct binder_nl_report *rep, int timeout_ms)
{
	static char buf[8192];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int64_t end = binder_now_ms() + timeout_ms;

	for (;;) {
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		int64_t left = end - binder_now_ms();
		struct genlmsghdr *gh;
		struct nlattr *a;
		int len, alen;

		if (left < 0 || poll(&pfd, 1, left) != 1)
			return -ETIMEDOUT;
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0)
			return -errno;
		if (!NLMSG_OK(nh, len) || nh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		gh = NLMSG_DATA(nh);
		if (gh->cmd != NL_CMD_REPORT)
			continue;
		memset(rep, 0, sizeof(*rep));
		a = (struct nlattr *)((char *)gh + GENL_HDRLEN);
		alen = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
		for (; nla_ok_(a, alen); a = nla_next_(a, &alen)) {
			switch (a->nla_type) {
			case NL_A_ERROR:
				rep->error = nla_u32_(a);
				break;
			case NL_A_CONTEXT:
				snprintf(rep->context, sizeof(rep->context), "%.*s",
					 (int)(a->nla_len - NLA_HDRLEN),
					 (char *)nla_data_(a));
				break;
			case NL_A_FROM_PID:
				rep->from_pid = nla_u32_(a);
				break;
			case NL_A_FROM_TID:
				rep->from_tid = nla_u32_(a);
				break;
			case NL_A_TO_PID:
				rep->to_pid = nla_u32_(a);
				rep->has_to_pid = true;
				break;
			case NL_A_TO_TID:
				rep->to_tid = nla_u32_(a);
				rep->has_to_tid = true;
				break;
			case NL_A_IS_REPLY:
				rep->is_reply = true;
				break;
			case NL_A_FLAGS:
				rep->flags = nla_u32_(a);
				break;
			case NL_A_CODE:
				rep->code = nla_u32_(a);
				break;
			case NL_A_DATA_SIZE:
				rep->data_size = nla_u32_(a);
				break;
			}
		}
		return 0;
	}
}

