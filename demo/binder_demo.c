// SPDX-License-Identifier: GPL-2.0
/*
 * binder_demo: the driver doing its job, as a story a human reads.  One
 * static binary, raw UAPI (selftests/binder_lib.c), one mode per role:
 *
 *   binder_demo story [LANE]       the whole story (make demo runs it)
 *   binder_demo servicemanager     a context manager that keeps names
 *   binder_demo service NAME       register NAME, answer calls
 *                                  (NAME "upper" upper-cases, others echo)
 *   binder_demo call NAME TEXT     look NAME up and call it
 *   binder_demo list               the names the servicemanager knows
 *
 * The story: a service manager and two services register by name, a
 * client looks them up and calls them; then one service is killed with
 * SIGKILL while a child it forked still holds its binder fd (seed 000:
 * upstream keeps such a proc alive until the holder lets go, and nobody
 * hears of the death).  The client, which asked for a death notification,
 * times its BR_DEAD_BINDER; binder/proc/<pid> of the service is shown
 * before and after.  The last line is the verdict: "demo LANE: ...".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "binder_lib.h"

/* The service manager's codes (on handle 0) */
#define SM_ADD		1	/* struct sm_add; replies an int32 status */
#define SM_GET		2	/* a name; replies struct sm_found or nothing */
#define SM_LIST		3	/* replies "name pid\n" lines */

/* A service's codes */
#define SVC_CALL	1	/* text; replies text */
#define SVC_FORK_HOLDER	2	/* fork a child holding our fd; its pid */

#define NAME_LEN	32
#define SM_MAX		16
#define DEATH_COOKIE	0xdead0001ULL
#define DEATH_CAP_MS	3000	/* how long the story waits for a death */

struct sm_add {
	char name[NAME_LEN];
	struct flat_binder_object obj;
};

struct sm_found {
	struct flat_binder_object obj;
	__s32 pid;		/* who registered it */
	__s32 pad;
};

struct conn {
	int fd;
	void *map;
	struct binder_reader r;
};

static const char *dev = BINDER_DEV;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "binder_demo: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static const char *br_name(int ret)
{
	static char other[32];

	switch (ret) {
	case BR_REPLY:
		return "BR_REPLY";
	case BR_DEAD_REPLY:
		return "BR_DEAD_REPLY";
	case BR_FAILED_REPLY:
		return "BR_FAILED_REPLY";
	case BR_FROZEN_REPLY:
		return "BR_FROZEN_REPLY";
	case -ETIMEDOUT:
		return "no answer (timed out)";
	}
	if (ret < 0)
		snprintf(other, sizeof(other), "error %s", strerror(-ret));
	else
		snprintf(other, sizeof(other), "BR %#x", ret);
	return other;
}

/* Open and map dev; a looper (BC_ENTER_LOOPER) gets the proc's work. */
static void conn_open(struct conn *c, bool looper)
{
	c->fd = binder_open_mapped_dev(dev, 0, &c->map);
	if (c->fd < 0)
		die("open/mmap %s: %s", dev, strerror(errno));
	binder_reader_init(&c->r, c->fd);
	if (looper && binder_send_u32(c->fd, BC_ENTER_LOOPER))
		die("BC_ENTER_LOOPER: %s", strerror(errno));
}

static void say_ready(int ready_fd)
{
	if (ready_fd >= 0 && write(ready_fd, "r", 1) != 1)
		die("ready pipe: %s", strerror(errno));
}

/* ---- The service manager ---- */

struct sm_entry {
	char name[NAME_LEN];
	__u32 handle;
	__s32 pid;
	binder_uintptr_t cookie;	/* of its death notification; 0: free */
};

static struct sm_entry sm_tab[SM_MAX];
static binder_uintptr_t sm_cookies;

static struct sm_entry *sm_find(const char *name)
{
	int i;

	for (i = 0; i < SM_MAX; i++)
		if (sm_tab[i].cookie && !strcmp(sm_tab[i].name, name))
			return &sm_tab[i];
	return NULL;
}

/* Forget e: its death notification and our strong ref go. */
static void sm_drop(int fd, struct sm_entry *e, bool dead)
{
	struct binder_cmds c = { .len = 0 };

	if (dead)
		cmd_ptr(&c, BC_DEAD_BINDER_DONE, e->cookie);
	else
		cmd_death(&c, BC_CLEAR_DEATH_NOTIFICATION, e->handle, e->cookie);
	cmd_handle(&c, BC_RELEASE, e->handle);
	binder_write_cmds(fd, &c, NULL);
	e->cookie = 0;
}

static __s32 sm_add(int fd, const struct binder_br *tr, bool verbose)
{
	const struct sm_add *a = br_data(tr);
	struct binder_cmds c = { .len = 0 };
	struct sm_entry *e;
	int i;

	if (tr->txn.data_size != sizeof(*a) ||
	    tr->txn.offsets_size != sizeof(binder_size_t) ||
	    br_offsets(tr)[0] != offsetof(struct sm_add, obj) ||
	    a->obj.hdr.type != BINDER_TYPE_HANDLE ||
	    !memchr(a->name, '\0', NAME_LEN) || !a->name[0])
		return -EINVAL;
	e = sm_find(a->name);
	if (e)
		sm_drop(fd, e, false);
	for (i = 0; i < SM_MAX && sm_tab[i].cookie; i++)
		;
	if (i == SM_MAX)
		return -ENOSPC;
	e = &sm_tab[i];
	memcpy(e->name, a->name, NAME_LEN);
	e->handle = a->obj.handle;
	e->pid = tr->txn.sender_pid;
	e->cookie = ++sm_cookies;
	/* our own ref, before the buffer (and its ref) goes; and its death */
	cmd_handle(&c, BC_ACQUIRE, e->handle);
	cmd_death(&c, BC_REQUEST_DEATH_NOTIFICATION, e->handle, e->cookie);
	binder_write_cmds(fd, &c, NULL);
	if (verbose)
		say("servicemanager: added \"%s\" (pid %d, handle %u)",
		    e->name, e->pid, e->handle);
	return 0;
}

static void sm_transaction(int fd, const struct binder_br *tr, bool verbose)
{
	char data[SM_MAX * (NAME_LEN + 16)], name[NAME_LEN];
	binder_size_t off = 0;
	struct sm_found found;
	struct sm_entry *e;
	__s32 status;
	size_t len = 0;
	int i;

	switch (tr->txn.code) {
	case SM_ADD:
		status = sm_add(fd, tr, verbose);
		binder_reply(fd, tr->txn.data.ptr.buffer, 0, &status,
			     sizeof(status), NULL, 0);
		return;
	case SM_GET:
		memset(name, 0, sizeof(name));
		memcpy(name, br_data(tr), tr->txn.data_size < NAME_LEN ?
		       tr->txn.data_size : NAME_LEN - 1);
		e = sm_find(name);
		if (!e)
			break;
		memset(&found, 0, sizeof(found));
		found.obj = binder_obj_handle(e->handle, false);
		found.pid = e->pid;
		binder_reply(fd, tr->txn.data.ptr.buffer, 0, &found,
			     sizeof(found), &off, 1);
		return;
	case SM_LIST:
		for (i = 0; i < SM_MAX; i++)
			if (sm_tab[i].cookie)
				len += snprintf(data + len, sizeof(data) - len,
						"%s %d\n", sm_tab[i].name,
						sm_tab[i].pid);
		binder_reply(fd, tr->txn.data.ptr.buffer, 0, data, len,
			     NULL, 0);
		return;
	}
	binder_reply(fd, tr->txn.data.ptr.buffer, 0, NULL, 0, NULL, 0);
}

static int sm_main(int ready_fd, bool verbose)
{
	struct conn c;
	struct binder_br br;
	int i, ret;

	conn_open(&c, false);
	ret = binder_become_context_manager(c.fd);
	if (ret)
		die("BINDER_SET_CONTEXT_MGR: %s", strerror(-ret));
	if (binder_send_u32(c.fd, BC_ENTER_LOOPER))
		die("BC_ENTER_LOOPER: %s", strerror(errno));
	if (verbose)
		say("servicemanager: pid %d is the context manager of %s",
		    getpid(), dev);
	say_ready(ready_fd);
	while (!(ret = binder_read_br(&c.r, &br, -1))) {
		switch (br.cmd) {
		case BR_TRANSACTION:
			sm_transaction(c.fd, &br, verbose);
			break;
		case BR_DEAD_BINDER:
			for (i = 0; i < SM_MAX; i++)
				if (sm_tab[i].cookie == br.cookie)
					break;
			if (i == SM_MAX) {
				binder_handle_unwanted(&c.r, &br);
				break;
			}
			if (verbose)
				say("servicemanager: \"%s\" (pid %d) died, dropped",
				    sm_tab[i].name, sm_tab[i].pid);
			sm_drop(c.fd, &sm_tab[i], true);
			break;
		default:
			binder_handle_unwanted(&c.r, &br);
		}
	}
	fprintf(stderr, "servicemanager: read: %s\n", strerror(-ret));
	return 1;
}

/* ---- A service ---- */

static char svc_node;	/* our node's address: its binder ptr */

static void holder_main(void)
{
	prctl(PR_SET_NAME, "demo-holder");
	for (;;)
		pause();
}

static void svc_transaction(int fd, const char *name,
			    const struct binder_br *tr)
{
	char text[256];
	size_t len = tr->txn.data_size, i;
	__s32 pid;

	switch (tr->txn.code) {
	case SVC_CALL:
		if (len > sizeof(text))
			len = sizeof(text);
		memcpy(text, br_data(tr), len);
		if (!strcmp(name, "upper"))
			for (i = 0; i < len; i++)
				if (text[i] >= 'a' && text[i] <= 'z')
					text[i] -= 'a' - 'A';
		binder_reply(fd, tr->txn.data.ptr.buffer, 0, text, len,
			     NULL, 0);
		return;
	case SVC_FORK_HOLDER:
		fflush(stdout);
		pid = fork();
		if (pid == 0)
			holder_main();
		if (pid < 0)
			pid = -errno;
		binder_reply(fd, tr->txn.data.ptr.buffer, 0, &pid, sizeof(pid),
			     NULL, 0);
		return;
	}
	binder_reply(fd, tr->txn.data.ptr.buffer, 0, NULL, 0, NULL, 0);
}

static int service_main(const char *name, int ready_fd, bool verbose)
{
	struct sm_add a;
	binder_size_t off = offsetof(struct sm_add, obj);
	struct binder_br br;
	struct conn c;
	__s32 status = -EPROTO;
	int ret;

	if (strlen(name) >= NAME_LEN)
		die("service name too long: %s", name);
	conn_open(&c, false);
	memset(&a, 0, sizeof(a));
	strcpy(a.name, name);
	a.obj = binder_obj_binder((uintptr_t)&svc_node, 0, false);
	ret = binder_transact(&c.r, 0, SM_ADD, 0, &a, sizeof(a), &off, 1, &br);
	if (ret != BR_REPLY)
		die("register \"%s\": %s (is a servicemanager running?)",
		    name, br_name(ret));
	if (br.txn.data_size == sizeof(status))
		memcpy(&status, br_data(&br), sizeof(status));
	binder_free_buffer(c.fd, br.txn.data.ptr.buffer);
	if (status)
		die("register \"%s\": %s", name, strerror(-status));
	if (binder_send_u32(c.fd, BC_ENTER_LOOPER))
		die("BC_ENTER_LOOPER: %s", strerror(errno));
	if (verbose)
		say("service \"%s\": pid %d registered", name, getpid());
	say_ready(ready_fd);
	while (!(ret = binder_read_br(&c.r, &br, -1))) {
		if (br.cmd == BR_TRANSACTION)
			svc_transaction(c.fd, name, &br);
		else
			binder_handle_unwanted(&c.r, &br);
	}
	fprintf(stderr, "service \"%s\": read: %s\n", name, strerror(-ret));
	return 1;
}

/* ---- A client ---- */

/* Look name up: its (acquired) handle and *pid, or -1 */
static __s64 sm_lookup(struct conn *c, const char *name, __s32 *pid)
{
	char q[NAME_LEN];
	const struct sm_found *f;
	struct binder_cmds cmds = { .len = 0 };
	struct binder_br br;
	int ret;

	memset(q, 0, sizeof(q));
	strncpy(q, name, NAME_LEN - 1);
	ret = binder_call(&c->r, 0, SM_GET, q, sizeof(q), &br);
	if (ret != BR_REPLY) {
		say("   lookup \"%s\": %s (no servicemanager?)", name,
		    br_name(ret));
		return -1;
	}
	f = br_data(&br);
	if (br.txn.data_size != sizeof(*f) ||
	    br.txn.offsets_size != sizeof(binder_size_t) ||
	    f->obj.hdr.type != BINDER_TYPE_HANDLE) {
		binder_free_buffer(c->fd, br.txn.data.ptr.buffer);
		return -1;
	}
	*pid = f->pid;
	/* our ref must outlive the reply buffer, which holds one of its own */
	cmd_handle(&cmds, BC_ACQUIRE, f->obj.handle);
	cmd_free_buffer(&cmds, br.txn.data.ptr.buffer);
	ret = f->obj.handle;
	binder_write_cmds(c->fd, &cmds, NULL);
	return ret;
}

/* SVC_CALL: the BR it ended with; the reply text in out */
static int call_text(struct conn *c, __u32 handle, const char *text,
		     char *out, size_t size)
{
	struct binder_br br;
	size_t len;
	int ret;

	out[0] = '\0';
	ret = binder_call(&c->r, handle, SVC_CALL, text, strlen(text), &br);
	if (ret != BR_REPLY)
		return ret;
	len = br.txn.data_size < size - 1 ? br.txn.data_size : size - 1;
	memcpy(out, br_data(&br), len);
	out[len] = '\0';
	binder_free_buffer(c->fd, br.txn.data.ptr.buffer);
	return ret;
}

static int client_call(const char *name, const char *text)
{
	char out[256];
	struct conn c;
	__s32 pid;
	__s64 h;
	int ret;

	conn_open(&c, false);
	h = sm_lookup(&c, name, &pid);
	if (h < 0) {
		say("\"%s\" is not registered", name);
		return 1;
	}
	ret = call_text(&c, h, text, out, sizeof(out));
	if (ret != BR_REPLY) {
		say("%s (pid %d, handle %lld): %s", name, pid, (long long)h,
		    br_name(ret));
		return 1;
	}
	say("%s (pid %d, handle %lld) replied \"%s\"", name, pid,
	    (long long)h, out);
	return 0;
}

static int client_list(void)
{
	struct binder_br br;
	struct conn c;
	int ret;

	conn_open(&c, false);
	ret = binder_call(&c.r, 0, SM_LIST, NULL, 0, &br);
	if (ret != BR_REPLY) {
		say("list: %s (no servicemanager?)", br_name(ret));
		return 1;
	}
	printf("%.*s", (int)br.txn.data_size, (const char *)br_data(&br));
	fflush(stdout);
	binder_free_buffer(c.fd, br.txn.data.ptr.buffer);
	return 0;
}

/* ---- The story ---- */

/* Fork a role; returns its pid once it said it is ready. */
static pid_t spawn(const char *name)
{
	struct pollfd pfd;
	int p[2];
	pid_t pid;
	char ch;

	if (pipe2(p, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(p[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (name)
			service_main(name, p[1], false);
		else
			sm_main(p[1], false);
		_exit(0);
	}
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 5000) != 1 || read(p[0], &ch, 1) != 1)
		die("%s did not start", name ? name : "servicemanager");
	close(p[0]);
	return pid;
}

/* Show binder/proc/<pid>; the lifecycle line in *life (or "") */
static void show_proc(pid_t pid, const char *when, char *life, size_t size)
{
	static char buf[16384];
	char *line, *save = NULL;

	if (life)
		life[0] = '\0';
	say("   $ cat /sys/kernel/debug/binder/proc/%d        # %s", pid, when);
	if (binder_read_proc(pid, buf, sizeof(buf)) < 0) {
		say("   | (no such file: the driver has let the proc go)");
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		say("   | %s", line);
		if (life && !strncmp(line, "  lifecycle: ", 13))
			snprintf(life, size, "%s", line + 13);
	}
}

/*
 * binder/state, each line as "@state TAG LINE": demo/run.sh keeps these
 * out of the story, saves them and draws them with tools/binder-graph.
 */
static void dump_state(const char *tag)
{
	static char buf[65536];
	char *line, *save = NULL;

	if (binder_read_file(BINDER_DEBUGFS "/state", buf, sizeof(buf)) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		say("@state %s %s", tag, line);
}

static bool proc_listed(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), BINDER_DEBUGFS "/proc/%d", pid);
	return access(path, F_OK) == 0;
}

static __s32 call_int(struct conn *c, __u32 handle, __u32 code)
{
	struct binder_br br;
	__s32 v = -1;
	int ret;

	ret = binder_call(&c->r, handle, code, NULL, 0, &br);
	if (ret != BR_REPLY)
		die("call %u: %s", code, br_name(ret));
	if (br.txn.data_size == sizeof(v))
		memcpy(&v, br_data(&br), sizeof(v));
	binder_free_buffer(c->fd, br.txn.data.ptr.buffer);
	return v;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Wait up to ms for our death notification; 0 when it came */
static int wait_death(struct conn *c, int ms)
{
	struct binder_cmds cmds = { .len = 0 };
	struct binder_br br;

	if (binder_read_until(&c->r, BR_DEAD_BINDER, &br, ms < 0 ? 0 : ms))
		return -1;
	cmd_ptr(&cmds, BC_DEAD_BINDER_DONE, br.cookie);
	binder_write_cmds(c->fd, &cmds, NULL);
	return 0;
}

/*
 * The holder exits.  With t0 >= 0 (the kill) the death is still awaited:
 * then the ms from the kill to it, or -1 when it did not come.
 */
static __s64 holder_exits(struct conn *c, pid_t holder, __s64 t0)
{
	__s64 t, now;

	say("   $ kill -9 %d                           # the holder exits",
	    holder);
	t = binder_now_ms();
	reap(holder);
	if (t0 < 0)
		return -1;
	if (wait_death(c, DEATH_CAP_MS)) {
		say("   client: still no BR_DEAD_BINDER %d ms after the holder exited",
		    DEATH_CAP_MS);
		return -1;
	}
	now = binder_now_ms();
	say("   client: BR_DEAD_BINDER %lld ms after the kill, %lld ms after the holder exited",
	    (long long)(now - t0), (long long)(now - t));
	return now - t0;
}

static int story(const char *lane)
{
	const char *hello = "hello, binder";
	char out[256], life[256], verdict[256];
	__s64 h_echo, h_upper, h, t0, t_dead = -1, t;
	pid_t sm, echo, upper, holder;
	struct binder_cmds cmds = { .len = 0 };
	bool dead_at_once, late = false;
	struct conn c;
	__s32 pid;
	int ret;

	/* the holder, orphaned when its parent is killed, comes to us */
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	say("1. A service manager and two services, found by name");
	sm = spawn(NULL);
	say("   servicemanager   pid %-5d is the context manager of %s",
	    sm, dev);
	echo = spawn("echo");
	say("   service \"echo\"   pid %-5d registered its name", echo);
	upper = spawn("upper");
	say("   service \"upper\"  pid %-5d registered its name", upper);
	conn_open(&c, true);
	say("   client           pid %-5d asks the servicemanager (handle 0):",
	    getpid());
	h_echo = sm_lookup(&c, "echo", &pid);
	if (h_echo < 0)
		die("lookup echo failed");
	say("   lookup \"echo\"   -> handle %lld (pid %d)", (long long)h_echo,
	    pid);
	ret = call_text(&c, h_echo, hello, out, sizeof(out));
	say("   call echo(\"%s\")   -> %s \"%s\"", hello, br_name(ret), out);
	h_upper = sm_lookup(&c, "upper", &pid);
	if (h_upper < 0)
		die("lookup upper failed");
	say("   lookup \"upper\"  -> handle %lld (pid %d)", (long long)h_upper,
	    pid);
	ret = call_text(&c, h_upper, hello, out, sizeof(out));
	say("   call upper(\"%s\")  -> %s \"%s\"", hello, br_name(ret), out);
	h = sm_lookup(&c, "nosuch", &pid);
	say("   lookup \"nosuch\" -> %s", h < 0 ? "not registered" : "found?!");

	say("");
	say("2. \"upper\" is killed (SIGKILL) while a child it forked holds its binder fd");
	cmd_death(&cmds, BC_REQUEST_DEATH_NOTIFICATION, h_upper, DEATH_COOKIE);
	if (binder_write_cmds(c.fd, &cmds, NULL))
		die("BC_REQUEST_DEATH_NOTIFICATION failed");
	say("   client asked for a death notification on handle %lld (\"upper\")",
	    (long long)h_upper);
	holder = call_int(&c, h_upper, SVC_FORK_HOLDER);
	if (holder <= 0)
		die("upper could not fork: %s", strerror(-holder));
	say("   \"upper\" forked pid %d: it holds the binder fd, does nothing",
	    holder);
	show_proc(upper, "before the kill", NULL, 0);
	dump_state("before-kill");

	t0 = binder_now_ms();
	kill(upper, SIGKILL);
	waitpid(upper, NULL, 0);
	say("   $ kill -9 %d                           # reaped after %lld ms",
	    upper, (long long)(binder_now_ms() - t0));
	if (!wait_death(&c, DEATH_CAP_MS - (binder_now_ms() - t0))) {
		t_dead = binder_now_ms() - t0;
		say("   client: BR_DEAD_BINDER after %lld ms, while pid %d still holds the fd",
		    (long long)t_dead, holder);
	} else {
		say("   client: no BR_DEAD_BINDER in %d ms (%d is gone, %d holds its fd)",
		    DEATH_CAP_MS, upper, holder);
	}
	t = binder_now_ms();
	ret = call_text(&c, h_upper, "anyone there?", out, sizeof(out));
	say("   call upper(\"anyone there?\") -> %s in %lld ms", br_name(ret),
	    (long long)(binder_now_ms() - t));
	h = sm_lookup(&c, "upper", &pid);
	if (h < 0)
		say("   lookup \"upper\"  -> not registered (the servicemanager saw it die)");
	else
		say("   lookup \"upper\"  -> handle %lld (pid %d): still registered",
		    (long long)h, pid);

	say("");
	say("3. After the kill: the service's proc in debugfs, then the holder exits");
	show_proc(upper, "after the kill, the holder alive", life,
		  sizeof(life));
	dump_state("after-kill");
	dead_at_once = strstr(life, "proc dead");
	if (t_dead < 0) {
		t_dead = holder_exits(&c, holder, t0);
		late = true;
	} else {
		holder_exits(&c, holder, -1);
	}
	/* the last fd's release may be deferred (a workqueue) */
	for (t = binder_now_ms(); proc_listed(upper) &&
	     binder_now_ms() - t < 1000;)
		usleep(10000);
	show_proc(upper, "after the holder exited", NULL, 0);

	if (t_dead >= 0 && !late)
		snprintf(verdict, sizeof(verdict), "death seen in %lld ms%s",
			 (long long)t_dead,
			 dead_at_once ? ", proc dead at once" :
			 life[0] ? ", proc not dead" : "");
	else if (t_dead >= 0)
		snprintf(verdict, sizeof(verdict),
			 "death seen only after the holder exited (%lld ms)",
			 (long long)t_dead);
	else
		snprintf(verdict, sizeof(verdict), "no death seen at all");

	close(c.fd);
	munmap(c.map, BINDER_MAP_SIZE);
	reap(echo);
	reap(sm);
	say("");
	say("demo %s: %s", lane, verdict);
	return 0;
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: binder_demo [-d DEV] story [LANE]\n"
		"       binder_demo [-d DEV] servicemanager\n"
		"       binder_demo [-d DEV] service NAME   (\"upper\" upper-cases)\n"
		"       binder_demo [-d DEV] call NAME TEXT\n"
		"       binder_demo [-d DEV] list\n");
	exit(2);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && !strcmp(argv[1], "-d")) {
		dev = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		bad_usage();
	if (!strcmp(argv[1], "story"))
		return story(argc > 2 ? argv[2] :
			     binder_is_ours() ? "ours" : "reference");
	if (!strcmp(argv[1], "servicemanager"))
		return sm_main(-1, true);
	if (!strcmp(argv[1], "service") && argc == 3)
		return service_main(argv[2], -1, true);
	if (!strcmp(argv[1], "call") && argc == 4)
		return client_call(argv[2], argv[3]);
	if (!strcmp(argv[1], "list"))
		return client_list();
	bad_usage();
	return 2;
}
