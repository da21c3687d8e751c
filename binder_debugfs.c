// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: binder/{state,stats,transactions,proc/<pid>}, state_hashed and
 * transactions_hashed (upstream 6.16: user pointers hashed), in upstream's
 * text formats, plus what we add: binder/objects (live object counts, for
 * tests and leak hunting) and lifecycle lines in each proc's block.
 *
 * The same files (binder_debugfs_entries, binder_proc_fops) make the
 * binder_logs/ directory of a binderfs mount (binder_fs.c).  Each file
 * prints pids as seen in the pid namespace of its view: the initial one in
 * debugfs, the mounter's in binder_logs, where procs not visible in it are
 * left out.  Procs are named exactly (their struct pid is kept); threads,
 * senders and buffers by looking their global pid up, so a pid reused since
 * reads as its new owner's, or 0 once it is free.
 *
 * Each object is printed by one small print_binder_* function.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/kstrtox.h>
#include <linux/ktime.h>
#include <linux/pid_namespace.h>
#include <linux/rbtree.h>
#include <linux/seq_file.h>

#include "binder_internal.h"
#include "binder_log.h"

static struct dentry *binder_debugfs_root;
static struct dentry *binder_debugfs_procs;

static const char * const binder_stat_names[BINDER_STAT_COUNT] = {
	[BINDER_STAT_PROC] = "proc",
	[BINDER_STAT_THREAD] = "thread",
	[BINDER_STAT_NODE] = "node",
	[BINDER_STAT_REF] = "ref",
	[BINDER_STAT_DEATH] = "death",
	[BINDER_STAT_TRANSACTION] = "transaction",
	[BINDER_STAT_TRANSACTION_COMPLETE] = "transaction_complete",
	[BINDER_STAT_FREEZE] = "freeze",
	[BINDER_STAT_BUFFER] = "buffer",
	[BINDER_STAT_PAGE] = "page",
};

const char * const binder_bc_names[BINDER_BC_COUNT] = {
	[_IOC_NR(BC_TRANSACTION)] = "BC_TRANSACTION",
	[_IOC_NR(BC_REPLY)] = "BC_REPLY",
	[_IOC_NR(BC_ACQUIRE_RESULT)] = "BC_ACQUIRE_RESULT",
	[_IOC_NR(BC_FREE_BUFFER)] = "BC_FREE_BUFFER",
	[_IOC_NR(BC_INCREFS)] = "BC_INCREFS",
	[_IOC_NR(BC_ACQUIRE)] = "BC_ACQUIRE",
	[_IOC_NR(BC_RELEASE)] = "BC_RELEASE",
	[_IOC_NR(BC_DECREFS)] = "BC_DECREFS",
	[_IOC_NR(BC_INCREFS_DONE)] = "BC_INCREFS_DONE",
	[_IOC_NR(BC_ACQUIRE_DONE)] = "BC_ACQUIRE_DONE",
	[_IOC_NR(BC_ATTEMPT_ACQUIRE)] = "BC_ATTEMPT_ACQUIRE",
	[_IOC_NR(BC_REGISTER_LOOPER)] = "BC_REGISTER_LOOPER",
	[_IOC_NR(BC_ENTER_LOOPER)] = "BC_ENTER_LOOPER",
	[_IOC_NR(BC_EXIT_LOOPER)] = "BC_EXIT_LOOPER",
	[_IOC_NR(BC_REQUEST_DEATH_NOTIFICATION)] = "BC_REQUEST_DEATH_NOTIFICATION",
	[_IOC_NR(BC_CLEAR_DEATH_NOTIFICATION)] = "BC_CLEAR_DEATH_NOTIFICATION",
	[_IOC_NR(BC_DEAD_BINDER_DONE)] = "BC_DEAD_BINDER_DONE",
	[_IOC_NR(BC_TRANSACTION_SG)] = "BC_TRANSACTION_SG",
	[_IOC_NR(BC_REPLY_SG)] = "BC_REPLY_SG",
#ifdef BINDER_HAVE_FREEZE_NOTIFICATION
	[_IOC_NR(BC_REQUEST_FREEZE_NOTIFICATION)] = "BC_REQUEST_FREEZE_NOTIFICATION",
	[_IOC_NR(BC_CLEAR_FREEZE_NOTIFICATION)] = "BC_CLEAR_FREEZE_NOTIFICATION",
	[_IOC_NR(BC_FREEZE_NOTIFICATION_DONE)] = "BC_FREEZE_NOTIFICATION_DONE",
#endif
};

const char * const binder_br_names[BINDER_BR_COUNT] = {
	[_IOC_NR(BR_ERROR)] = "BR_ERROR",
	[_IOC_NR(BR_OK)] = "BR_OK",
	[_IOC_NR(BR_TRANSACTION)] = "BR_TRANSACTION",
	[_IOC_NR(BR_REPLY)] = "BR_REPLY",
	[_IOC_NR(BR_ACQUIRE_RESULT)] = "BR_ACQUIRE_RESULT",
	[_IOC_NR(BR_DEAD_REPLY)] = "BR_DEAD_REPLY",
	[_IOC_NR(BR_TRANSACTION_COMPLETE)] = "BR_TRANSACTION_COMPLETE",
	[_IOC_NR(BR_INCREFS)] = "BR_INCREFS",
	[_IOC_NR(BR_ACQUIRE)] = "BR_ACQUIRE",
	[_IOC_NR(BR_RELEASE)] = "BR_RELEASE",
	[_IOC_NR(BR_DECREFS)] = "BR_DECREFS",
	[_IOC_NR(BR_ATTEMPT_ACQUIRE)] = "BR_ATTEMPT_ACQUIRE",
	[_IOC_NR(BR_NOOP)] = "BR_NOOP",
	[_IOC_NR(BR_SPAWN_LOOPER)] = "BR_SPAWN_LOOPER",
	[_IOC_NR(BR_FINISHED)] = "BR_FINISHED",
	[_IOC_NR(BR_DEAD_BINDER)] = "BR_DEAD_BINDER",
	[_IOC_NR(BR_CLEAR_DEATH_NOTIFICATION_DONE)] = "BR_CLEAR_DEATH_NOTIFICATION_DONE",
	[_IOC_NR(BR_FAILED_REPLY)] = "BR_FAILED_REPLY",
	[_IOC_NR(BR_FROZEN_REPLY)] = "BR_FROZEN_REPLY",
	[_IOC_NR(BR_ONEWAY_SPAM_SUSPECT)] = "BR_ONEWAY_SPAM_SUSPECT",
#ifdef BINDER_HAVE_FREEZE_NOTIFICATION
	[_IOC_NR(BR_TRANSACTION_PENDING_FROZEN)] = "BR_TRANSACTION_PENDING_FROZEN",
	[_IOC_NR(BR_FROZEN_BINDER)] = "BR_FROZEN_BINDER",
	[_IOC_NR(BR_CLEAR_FREEZE_NOTIFICATION_DONE)] = "BR_CLEAR_FREEZE_NOTIFICATION_DONE",
#endif
};

/**
 * binder_pid_view() - a global pid as seen in @ns
 * @nr: a pid in the initial pid namespace
 * @ns: the namespace of the view
 *
 * Return: the pid in @ns, or 0 when it is not visible there (or free).
 */
pid_t binder_pid_view(pid_t nr, struct pid_namespace *ns)
{
	struct pid *pid;

	if (ns == &init_pid_ns)
		return nr;
	rcu_read_lock();
	pid = find_pid_ns(nr, &init_pid_ns);
	nr = pid ? pid_nr_ns(pid, ns) : 0;
	rcu_read_unlock();
	return nr;
}

/* A proc's tgid in @ns: 0 when it is not visible there */
static pid_t binder_proc_view(struct binder_proc *proc,
			      struct pid_namespace *ns)
{
	return pid_nr_ns(proc->tgid, ns);
}

/* The pid namespace of the view a seq_file belongs to */
static struct pid_namespace *binder_seq_ns(struct seq_file *m)
{
	return binderfs_file_pid_ns(m->file);
}

static void print_binder_cmd_counts(struct seq_file *m, atomic_t *counts,
				    const char * const *names, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		int count = atomic_read(&counts[i]);

		if (count)
			seq_printf(m, "%s: %d\n", names[i] ?: "?", count);
	}
}

static void print_binder_transaction(struct seq_file *m, const char *prefix,
				     struct binder_transaction *t,
				     struct pid_namespace *ns, bool hash)
{
	seq_printf(m, "%s %d: from %d:%d%s to %d:%d code %x flags %x r%d%s",
		   prefix, t->debug_id, binder_pid_view(t->from_pid, ns),
		   binder_pid_view(t->from_tid, ns), t->from ? "" : " (gone)",
		   t->to_proc ? binder_proc_view(t->to_proc, ns) : 0,
		   t->to_thread ? binder_pid_view(t->to_thread->pid, ns) : 0,
		   t->code, t->flags,
		   t->need_reply, list_empty(&t->work.entry) ? "" : " queued");
	if (t->buffer && hash)
		seq_printf(m, " size %zd:%zd data %p", t->buffer->data_size,
			   t->buffer->offsets_size,
			   (void *)t->buffer->user_data);
	else if (t->buffer)
		seq_printf(m, " size %zd:%zd data %lx", t->buffer->data_size,
			   t->buffer->offsets_size, t->buffer->user_data);
	seq_putc(m, '\n');
}

/* "thread N: l NN need_return B tr N", then its transaction stack */
static void print_binder_thread_clocked(struct seq_file *m,
					struct binder_thread *thread,
					struct pid_namespace *ns, bool hash)
{
	struct binder_transaction *t;

	seq_printf(m, "  thread %d: l %02x need_return %d tr %d\n",
		   binder_pid_view(thread->pid, ns), thread->looper,
		   thread->looper_need_return, 0);
	for (t = thread->transaction_stack; t;) {
		if (t->from == thread) {
			print_binder_transaction(m, "    outgoing transaction",
						 t, ns, hash);
			t = t->from_parent;
		} else if (t->to_thread == thread) {
			print_binder_transaction(m, "    incoming transaction",
						 t, ns, hash);
			t = t->to_parent;
		} else {
			print_binder_transaction(m, "    bad transaction", t, ns,
						 hash);
			break;
		}
	}
}

/*
 * "node N: uPTR cCOOKIE hs hw ls lw is iw tr [proc P...]" as upstream; with
 * @hash, the user's ptr and cookie are printed hashed (%p), as upstream's
 * state_hashed.
 */
static void print_binder_node_nilocked(struct seq_file *m,
				       struct binder_node *node,
				       struct pid_namespace *ns, bool hash)
{
	struct binder_ref *ref;
	int count = 0;

	hlist_for_each_entry(ref, &node->refs, node_entry)
		count++;
	if (hash)
		seq_printf(m, "  node %d: u%p c%p", node->debug_id,
			   (void *)(uintptr_t)node->ptr,
			   (void *)(uintptr_t)node->cookie);
	else
		seq_printf(m, "  node %d: u%016llx c%016llx", node->debug_id,
			   (u64)node->ptr, (u64)node->cookie);
	seq_printf(m, " hs %d hw %d ls %d lw %d is %d iw %d tr %d",
		   node->has_strong_ref, node->has_weak_ref,
		   node->local_strong_refs, node->local_weak_refs,
		   node->internal_strong_refs, count,
		   atomic_read(&node->tmp_refs));
	if (count) {
		seq_puts(m, " proc");
		hlist_for_each_entry(ref, &node->refs, node_entry)
			seq_printf(m, " %d", binder_proc_view(ref->proc, ns));
	}
	seq_putc(m, '\n');
}

/*
 * A node, pinned by the caller, under its locks (its counts and refs
 * change without context->lock)
 */
static void print_binder_node(struct seq_file *m, struct binder_node *node,
			      struct pid_namespace *ns, bool hash)
{
	struct binder_proc *owner = binder_node_lock_inner(node);

	print_binder_node_nilocked(m, node, ns, hash);
	binder_node_unlock_inner(node, owner);
}

/* "ref N: desc D [dead ]node N s S w W d DEATH" as upstream */
static void print_binder_ref_rlocked(struct seq_file *m, struct binder_ref *ref)
{
	seq_printf(m, "  ref %d: desc %u %snode %d s %d w %d d %pK\n",
		   ref->debug_id, ref->desc,
		   READ_ONCE(ref->node->proc) ? "" : "dead ",
		   ref->node->debug_id, ref->strong, ref->weak, ref->death);
}

static void print_binder_ktime(struct seq_file *m, ktime_t t)
{
	struct timespec64 ts = ktime_to_timespec64(t);

	seq_printf(m, "%lld.%06lds", (long long)ts.tv_sec,
		   ts.tv_nsec / NSEC_PER_USEC);
}

/* Our lifecycle view of a proc; see the state diagram in binder_proc.c. */
static void print_binder_lifecycle_plocked(struct seq_file *m,
					   struct binder_proc *proc)
{
	seq_printf(m, "  lifecycle: proc %s since ",
		   binder_proc_state_name(proc->proc_state));
	print_binder_ktime(m, proc->state_changed);
	seq_printf(m, ", vma %s", binder_vma_state_name(proc->vma_state));
	if (proc->vma_state != BINDER_VMA_NONE) {
		seq_puts(m, " since ");
		print_binder_ktime(m, proc->vma_changed);
	}
	seq_putc(m, '\n');
	seq_printf(m, "  file refs: %ld\n",
		   proc->file ? file_count(proc->file) : 0L);
}

static void print_binder_proc(struct seq_file *m, struct binder_proc *proc,
			      struct pid_namespace *ns, bool hash)
{
	struct binder_context *context = proc->context;
	struct binder_node *node = NULL;
	struct rb_node *n;

	seq_printf(m, "proc %d\n", binder_proc_view(proc, ns));
	seq_printf(m, "context %s\n", proc->device->name);
	/* context->lock: the threads' transaction stacks (stage 4) */
	mutex_lock(&context->lock);
	spin_lock(&proc->inner_lock);
	spin_lock(&proc->lock);
	for (n = rb_first(&proc->threads); n; n = rb_next(n))
		print_binder_thread_clocked(m, rb_entry(n, struct binder_thread,
							rb_node), ns, hash);
	print_binder_lifecycle_plocked(m, proc);
	spin_unlock(&proc->lock);
	seq_printf(m, "  freeze: frozen %d sync_recv %d async_recv %d outstanding %d\n",
		   proc->frozen, proc->sync_recv, proc->async_recv,
		   proc->outstanding_txns);
	spin_unlock(&proc->inner_lock);
	mutex_unlock(&context->lock);
	while ((node = binder_proc_next_node(proc, node)))
		print_binder_node(m, node, ns, hash);
	mutex_lock(&proc->refs_lock);
	for (n = rb_first(&proc->refs_by_desc); n; n = rb_next(n))
		print_binder_ref_rlocked(m, rb_entry(n, struct binder_ref,
						     rb_node_desc));
	mutex_unlock(&proc->refs_lock);
	binder_alloc_print_buffers(m, &proc->alloc, ns);
	binder_alloc_print_state(m, &proc->alloc);
}

static void print_binder_proc_stats(struct seq_file *m,
				    struct binder_proc *proc,
				    struct pid_namespace *ns)
{
	int threads = 0, nodes = 0, refs = 0, strong = 0, weak = 0;
	struct rb_node *n;

	spin_lock(&proc->lock);
	for (n = rb_first(&proc->threads); n; n = rb_next(n))
		threads++;
	spin_unlock(&proc->lock);
	spin_lock(&proc->inner_lock);
	for (n = rb_first(&proc->nodes); n; n = rb_next(n))
		nodes++;
	spin_unlock(&proc->inner_lock);
	mutex_lock(&proc->refs_lock);
	for (n = rb_first(&proc->refs_by_desc); n; n = rb_next(n)) {
		struct binder_ref *ref = rb_entry(n, struct binder_ref,
						  rb_node_desc);

		refs++;
		strong += ref->strong;
		weak += ref->weak;
	}
	mutex_unlock(&proc->refs_lock);
	seq_printf(m, "proc %d\n", binder_proc_view(proc, ns));
	seq_printf(m, "context %s\n", proc->device->name);
	seq_printf(m, "  threads: %d\n", threads);
	spin_lock(&proc->inner_lock);
	seq_printf(m, "  requested threads: %d+%d/%d\n",
		   proc->requested_threads, proc->requested_threads_started,
		   proc->max_threads);
	spin_unlock(&proc->inner_lock);
	seq_printf(m, "  free async space %zd\n",
		   binder_alloc_free_async_space(&proc->alloc));
	seq_printf(m, "  nodes: %d\n", nodes);
	seq_printf(m, "  refs: %d s %d w %d\n", refs, strong, weak);
	binder_alloc_print_pages(m, &proc->alloc);
}

/* A dead node is in a view when a proc holding a ref to it is. */
static bool binder_node_in_view_nlocked(struct binder_node *node,
					struct pid_namespace *ns)
{
	struct binder_ref *ref;

	lockdep_assert_held(&node->lock);
	hlist_for_each_entry(ref, &node->refs, node_entry)
		if (binder_proc_view(ref->proc, ns))
			return true;
	return false;
}

/*
 * @context's dead node after @prev (NULL: the first), pinned; @prev's pin
 * is dropped.  A pinned dead node stays on the list (it is freed, and
 * taken off, only once nothing counts it), so the walk goes on from it.
 */
static struct binder_node *binder_next_dead_node(struct binder_context *context,
						 struct binder_node *prev)
{
	struct list_head *pos = prev ? &prev->dead_entry : &context->dead_nodes;
	struct binder_node *node = NULL;

	spin_lock(&context->dead_nodes_lock);
	if (pos->next != &context->dead_nodes) {
		node = list_entry(pos->next, struct binder_node, dead_entry);
		binder_node_tmpref(node);
	}
	spin_unlock(&context->dead_nodes_lock);
	if (prev)
		binder_node_tmpref_put(prev);
	return node;
}

/* upstream's "dead nodes:" section: every device's dead nodes, first */
static void print_binder_dead_nodes(struct seq_file *m,
				    struct pid_namespace *ns, bool hash)
{
	struct binder_context *context;
	bool header = false;

	mutex_lock(&binder_contexts_lock);
	list_for_each_entry(context, &binder_contexts, entry) {
		struct binder_node *node = NULL;

		while ((node = binder_next_dead_node(context, node))) {
			/* dead: no owner, node->lock alone */
			spin_lock(&node->lock);
			if (binder_node_in_view_nlocked(node, ns)) {
				if (!header)
					seq_puts(m, "dead nodes:\n");
				header = true;
				print_binder_node_nilocked(m, node, ns, hash);
			}
			spin_unlock(&node->lock);
		}
	}
	mutex_unlock(&binder_contexts_lock);
}

static void print_binder_state(struct seq_file *m, bool hash)
{
	struct pid_namespace *ns = binder_seq_ns(m);
	struct binder_proc *proc;

	seq_puts(m, "binder state:\n");
	print_binder_dead_nodes(m, ns, hash);
	mutex_lock(&binder_procs_lock);
	list_for_each_entry(proc, &binder_procs, proc_node)
		if (binder_proc_view(proc, ns))
			print_binder_proc(m, proc, ns, hash);
	mutex_unlock(&binder_procs_lock);
}

static int state_show(struct seq_file *m, void *unused)
{
	print_binder_state(m, false);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(state);

/* upstream 6.16's state_hashed: "state" with user pointers hashed */
static int state_hashed_show(struct seq_file *m, void *unused)
{
	print_binder_state(m, true);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(state_hashed);

static int stats_show(struct seq_file *m, void *unused)
{
	struct pid_namespace *ns = binder_seq_ns(m);
	struct binder_proc *proc;
	int i;

	seq_puts(m, "binder stats:\n");
	print_binder_cmd_counts(m, binder_stats.bc, binder_bc_names,
				BINDER_BC_COUNT);
	print_binder_cmd_counts(m, binder_stats.br, binder_br_names,
				BINDER_BR_COUNT);
	for (i = 0; i < BINDER_STAT_UPSTREAM_COUNT; i++) {
		int created = atomic_read(&binder_stats.obj_created[i]);
		int deleted = atomic_read(&binder_stats.obj_deleted[i]);

		if (created || deleted)
			seq_printf(m, "%s: active %d total %d\n",
				   binder_stat_names[i], created - deleted,
				   created);
	}

	mutex_lock(&binder_procs_lock);
	list_for_each_entry(proc, &binder_procs, proc_node)
		if (binder_proc_view(proc, ns))
			print_binder_proc_stats(m, proc, ns);
	mutex_unlock(&binder_procs_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/*
 * Every live transaction, where it is queued or whose stack holds it; in
 * a view of a pid namespace, those whose sender or target is visible.
 */
static void print_binder_transactions(struct seq_file *m, bool hash)
{
	struct pid_namespace *ns = binder_seq_ns(m);
	struct binder_context *context;

	seq_puts(m, "binder transactions:\n");
	mutex_lock(&binder_contexts_lock);
	list_for_each_entry(context, &binder_contexts, entry) {
		struct binder_transaction *t;

		/* context->lock: the transactions' fields and what they name */
		mutex_lock(&context->lock);
		spin_lock(&context->txn_lock);
		list_for_each_entry(t, &context->transactions, context_entry) {
			if (!binder_pid_view(t->from_pid, ns) &&
			    !(t->to_proc && binder_proc_view(t->to_proc, ns)))
				continue;
			seq_printf(m, "context %s", context->name);
			print_binder_transaction(m, ":", t, ns, hash);
		}
		spin_unlock(&context->txn_lock);
		mutex_unlock(&context->lock);
	}
	mutex_unlock(&binder_contexts_lock);
}

static int transactions_show(struct seq_file *m, void *unused)
{
	print_binder_transactions(m, false);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(transactions);

/* upstream 6.16's transactions_hashed: user pointers hashed */
static int transactions_hashed_show(struct seq_file *m, void *unused)
{
	print_binder_transactions(m, true);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(transactions_hashed);

/* Ours: every live object count, one "name N" line each, zero included. */
static int objects_show(struct seq_file *m, void *unused)
{
	int i;

	for (i = 0; i < BINDER_STAT_COUNT; i++)
		seq_printf(m, "%s %d\n", binder_stat_names[i],
			   atomic_read(&binder_stats.obj_created[i]) -
			   atomic_read(&binder_stats.obj_deleted[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(objects);
DEFINE_SHOW_ATTRIBUTE(binder_txn_log);
DEFINE_SHOW_ATTRIBUTE(binder_failed_txn_log);

/* proc/<pid>: every proc of that pid (as seen in the view's namespace) */
static int proc_show(struct seq_file *m, void *unused)
{
	pid_t pid = (pid_t)(unsigned long)m->private;
	struct pid_namespace *ns = binder_seq_ns(m);
	struct binder_proc *proc;

	seq_puts(m, "binder proc state:\n");
	mutex_lock(&binder_procs_lock);
	list_for_each_entry(proc, &binder_procs, proc_node)
		if (binder_proc_view(proc, ns) == pid)
			print_binder_proc(m, proc, ns, false);
	mutex_unlock(&binder_procs_lock);
	return 0;
}

static int proc_open(struct inode *inode, struct file *file)
{
	return single_open(file, proc_show, inode->i_private);
}

const struct file_operations binder_proc_fops = {
	.owner = THIS_MODULE,
	.open = proc_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

const struct binder_debugfs_entry binder_debugfs_entries[] = {
	{ "state", &state_fops },
	{ "state_hashed", &state_hashed_fops },
	{ "stats", &stats_fops },
	{ "transactions", &transactions_fops },
	{ "transactions_hashed", &transactions_hashed_fops },
	{ "objects", &objects_fops },
	{ "transaction_log", &binder_txn_log_fops },
	{ "failed_transaction_log", &binder_failed_txn_log_fops },
	{ }
};

#ifdef BINDER_ALLOC_SELFTEST
/*
 * Ours: write the number of a mapped binder fd of the writing process to
 * binder/alloc_selftest to run the allocator self-test on that proc's area
 * (which must have no allocated buffer).  The write fails with -EIO if the
 * self-test finds a fault; the kernel log says which.
 */
static ssize_t alloc_selftest_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct binder_proc *proc;
	struct file *target;
	int fd, ret;

	ret = kstrtoint_from_user(ubuf, count, 10, &fd);
	if (ret)
		return ret;
	target = fget(fd);
	if (!target)
		return -EBADF;
	proc = binder_proc_from_file(target);
	ret = proc ? binder_alloc_selftest(&proc->alloc) : -EINVAL;
	fput(target);
	return ret ? ret : count;
}

static const struct file_operations alloc_selftest_fops = {
	.owner = THIS_MODULE,
	.write = alloc_selftest_write,
};
#endif

/**
 * binder_debugfs_add_proc() - create binder/proc/@pid
 * @pid: the pid of a new proc, the first of that pid
 *
 * A second open by the same process shares the first one's file, which
 * lists both procs.
 *
 * Return: the file, or NULL (no debugfs; caller serializes with removal).
 */
struct dentry *binder_debugfs_add_proc(pid_t pid)
{
	struct dentry *d;
	char name[16];

	if (!binder_debugfs_procs)
		return NULL;
	snprintf(name, sizeof(name), "%u", pid);
	d = debugfs_create_file(name, 0444, binder_debugfs_procs,
				(void *)(unsigned long)pid, &binder_proc_fops);
	return IS_ERR(d) ? NULL : d;
}

/* Waits for the file's readers: never called under binder_procs_lock. */
void binder_debugfs_remove_proc(struct dentry *entry)
{
	debugfs_remove(entry);
}

int binder_debugfs_init(void)
{
	const struct binder_debugfs_entry *e;

	binder_debugfs_root = debugfs_create_dir("binder", NULL);
	if (IS_ERR(binder_debugfs_root)) {
		/* debugfs is optional: the driver works without it */
		binder_debugfs_root = NULL;
		return 0;
	}
	binder_debugfs_procs = debugfs_create_dir("proc", binder_debugfs_root);
	for (e = binder_debugfs_entries; e->name; e++)
		debugfs_create_file(e->name, 0444, binder_debugfs_root, NULL,
				    e->fops);
#ifdef BINDER_ALLOC_SELFTEST
	debugfs_create_file("alloc_selftest", 0200, binder_debugfs_root, NULL,
			    &alloc_selftest_fops);
#endif
	return 0;
}

void binder_debugfs_exit(void)
{
	debugfs_remove_recursive(binder_debugfs_root);
	binder_debugfs_root = NULL;
	binder_debugfs_procs = NULL;
}
