// SPDX-License-Identifier: GPL-2.0
/*
 * Proc and thread lifetimes.
 *
 * A proc has two lifetimes, tracked separately and reconciled here:
 *
 *   vma path:   mmap() ---------> vm_ops->close()
 *               NONE -> MAPPED -> UNMAPPED    (munmap by the live owner)
 *                              -> TORN_DOWN   (owner's mm torn down: exit,
 *                                              exec, or kill)
 *
 *   proc path:  open() -> flush() ... -> release() -> deferred teardown
 *               ALIVE ------------------> RELEASED -> TEARDOWN -> freed
 *                 |                          ^
 *                 | vma TORN_DOWN            |
 *                 v                          |
 *               DEAD ------------------------+  (release, whenever the
 *                                                last file ref drops)
 *
 * The file can outlive its owner (a forked child, an fd passed over a
 * socket, an fd in flight in a binder buffer): release() then never comes
 * while the owner is gone.  The vma path does come, so a TORN_DOWN vma
 * makes the proc DEAD at once, without waiting for release().
 *
 * vm_ops->close runs under the owner's mmap_lock; release() and the
 * teardown run with no lock held.  Neither path waits on the other.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/cred.h>
#include <linux/freezer.h>
#include <linux/mm.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "binder_internal.h"
#include "binder_trace.h"

/* binder_procs_lock guards binder_procs, the list of every open proc */
DEFINE_MUTEX(binder_procs_lock);
LIST_HEAD(binder_procs);

/*
 * binder_procs_dentry_lock orders the creation and removal of the debugfs
 * proc/<pid> files and guards proc->debugfs_entry.  debugfs_remove() waits
 * for the file's readers, and readers take binder_procs_lock: so it is
 * called with this lock held, never binder_procs_lock.
 */
static DEFINE_MUTEX(binder_procs_dentry_lock);

static struct workqueue_struct *binder_teardown_wq;

static void binder_proc_set_state_plocked(struct binder_proc *proc,
					  enum binder_proc_state state)
{
	lockdep_assert_held(&proc->lock);
	proc->proc_state = state;
	proc->state_changed = ktime_get_boottime();
}

static void binder_proc_set_vma_state_plocked(struct binder_proc *proc,
					      enum binder_vma_state state)
{
	lockdep_assert_held(&proc->lock);
	proc->vma_state = state;
	proc->vma_changed = ktime_get_boottime();
}

const char *binder_vma_state_name(enum binder_vma_state state)
{
	switch (state) {
	case BINDER_VMA_NONE:
		return "none";
	case BINDER_VMA_MAPPED:
		return "mapped";
	case BINDER_VMA_UNMAPPED:
		return "unmapped by owner";
	case BINDER_VMA_TORN_DOWN:
		return "torn down at exit";
	}
	return "?";
}

const char *binder_proc_state_name(enum binder_proc_state state)
{
	switch (state) {
	case BINDER_PROC_ALIVE:
		return "alive";
	case BINDER_PROC_DEAD:
		return "dead";
	case BINDER_PROC_RELEASED:
		return "released";
	case BINDER_PROC_TEARDOWN:
		return "awaiting deferred release";
	}
	return "?";
}

/* ---- the proc path: open -> flush -> release -> deferred teardown ---- */

/*
 * On binder_procs.  The first proc of a pid gets the debugfs file; the
 * first of a pid opened through a binderfs mount gets that mount's
 * binder_logs/proc file (when it has binder_logs).
 */
static void binder_procs_link(struct binder_proc *proc)
{
	bool first = true, first_fs = !!proc->fs;
	struct binder_proc *other;

	mutex_lock(&binder_procs_dentry_lock);
	mutex_lock(&binder_procs_lock);
	list_for_each_entry(other, &binder_procs, proc_node) {
		if (other->pid != proc->pid)
			continue;
		first = false;
		if (other->fs == proc->fs)
			first_fs = false;
	}
	list_add(&proc->proc_node, &binder_procs);
	mutex_unlock(&binder_procs_lock);
	if (first)
		proc->debugfs_entry = binder_debugfs_add_proc(proc->pid);
	if (first_fs)
		proc->fs_entry = binderfs_add_proc(proc->fs, proc);
	mutex_unlock(&binder_procs_dentry_lock);
}

/* Off binder_procs; another proc of the pid keeps the files. */
static void binder_procs_unlink(struct binder_proc *proc)
{
	struct dentry *entry, *fs_entry;
	struct binder_proc *other;

	mutex_lock(&binder_procs_dentry_lock);
	mutex_lock(&binder_procs_lock);
	list_del(&proc->proc_node);
	entry = proc->debugfs_entry;
	proc->debugfs_entry = NULL;
	fs_entry = proc->fs_entry;
	proc->fs_entry = NULL;
	list_for_each_entry(other, &binder_procs, proc_node) {
		if (other->pid != proc->pid)
			continue;
		if (entry) {
			other->debugfs_entry = entry;
			entry = NULL;
		}
		if (fs_entry && other->fs == proc->fs) {
			other->fs_entry = fs_entry;
			fs_entry = NULL;
		}
	}
	mutex_unlock(&binder_procs_lock);
	binder_debugfs_remove_proc(entry);
	binderfs_remove_proc(fs_entry);
	mutex_unlock(&binder_procs_dentry_lock);
}

/**
 * binder_proc_free_deferred() - free the buffers of @proc that code under
 * the device lock gave back (binder_alloc_free_buf_later())
 * @proc: the proc; called with no binder lock held
 *
 * The area's mutex is held by senders while they allocate pages in it, so
 * it is never waited for under a lock other procs need.
 */
void binder_proc_free_deferred(struct binder_proc *proc)
{
	lockdep_assert_not_held(&proc->context->lock);
	binder_alloc_free_deferred(&proc->alloc);
}

/**
 * binder_proc_kill() - everything the proc offered or held goes, now
 * @proc: a proc whose owner is gone (vma torn down) or whose file was
 *        released
 * @why:  which of the two (trace event binder_proc_dead)
 *
 * Threads leave (calls they served fail with BR_DEAD_REPLY, calls they
 * sent lose their caller), queued work is dropped (queued calls fail),
 * nodes die (death notifications go out), refs are dropped, and buffers
 * userspace held are freed.  Threads and the proc struct stay until the
 * final release.  Runs once.
 */
static void binder_proc_kill(struct binder_proc *proc,
			     enum binder_kill_reason why)
{
	struct binder_context *context = proc->context;

	mutex_lock(&context->lock);
	if (proc->killed) {
		mutex_unlock(&context->lock);
		return;
	}
	/* read under either lock by whoever queues work on the proc */
	spin_lock(&proc->inner_lock);
	proc->killed = true;
	spin_unlock(&proc->inner_lock);
	trace_binder_proc_dead(proc, why);

	binder_proc_release_threads_clocked(proc);
	binder_release_work_clocked(proc, &proc->todo);
	binder_release_nodes_and_refs_clocked(proc);
	/*
	 * Cleared notifications waiting for their ack: with the refs gone,
	 * what is left on the delivered lists is nobody else's.
	 */
	binder_release_work_clocked(proc, &proc->delivered_freeze);
	binder_release_work_clocked(proc, &proc->delivered_death);
	mutex_unlock(&context->lock);
	/*
	 * The allocator's alone, so not under the device lock: buffers
	 * userspace held (a BC_FREE_BUFFER racing with this takes each one
	 * off first, under alloc->mutex, so none is freed twice), and those
	 * the release above gave back (binder_alloc_free_buf_later()).
	 */
	binder_alloc_free_delivered(&proc->alloc);
	binder_debug(BINDER_DEBUG_OPEN_CLOSE, "%d: protocol state released\n",
		     proc->pid);
}

static void binder_proc_teardown(struct work_struct *work);
static void binder_proc_dead_work(struct work_struct *work);

/**
 * binder_proc_create() - a new open of @device by the current process
 * @device: the device opened (a ref is taken for the proc)
 * @fs:     the binderfs mount it was opened through, or NULL
 *
 * Return: the proc, or NULL when out of memory.
 */
struct binder_proc *binder_proc_create(struct binder_device *device,
				       struct binderfs_info *fs)
{
	struct binder_proc *proc;

	proc = kzalloc(sizeof(*proc), GFP_KERNEL);
	if (!proc)
		return NULL;

	spin_lock_init(&proc->lock);
	spin_lock_init(&proc->inner_lock);
	mutex_init(&proc->refs_lock);
	proc->threads = RB_ROOT;
	proc->nodes = RB_ROOT;
	proc->refs_by_desc = RB_ROOT;
	proc->refs_by_node = RB_ROOT;
	INIT_LIST_HEAD(&proc->todo);
	INIT_LIST_HEAD(&proc->waiting_threads);
	INIT_LIST_HEAD(&proc->delivered_death);
	INIT_LIST_HEAD(&proc->delivered_freeze);
	init_waitqueue_head(&proc->freeze_wait);
	proc->context = &device->context;
	proc->tsk = get_task_struct(current->group_leader);
	proc->pid = current->group_leader->pid;
	proc->tgid = get_pid(task_tgid(current));
	proc->cred = get_cred(current_cred());
	proc->default_priority = task_nice(current);
	binder_device_get(device);
	proc->device = device;
	proc->fs = fs;
	proc->state_changed = ktime_get_boottime();
	kref_init(&proc->refcount);
	INIT_WORK(&proc->teardown_work, binder_proc_teardown);
	INIT_WORK(&proc->dead_work, binder_proc_dead_work);
	binder_alloc_init(&proc->alloc, proc->pid);
	binder_stats_created(BINDER_STAT_PROC);

	binder_procs_link(proc);

	binder_debug(BINDER_DEBUG_OPEN_CLOSE, "open %d:%d\n",
		     proc->pid, current->pid);
	return proc;
}

/**
 * binder_proc_flush() - a holder of the file closed one of its descriptors
 * @proc: the proc
 *
 * Threads blocked in a read return, so a process can close its binder fd
 * from one thread while others sit in the looper.
 */
void binder_proc_flush(struct binder_proc *proc)
{
	struct rb_node *n;

	binder_debug(BINDER_DEBUG_OPEN_CLOSE, "flush %d\n", proc->pid);
	/*
	 * inner_lock orders this with a reader that sets WAITING before it
	 * checks looper_need_return (after prepare_to_wait): either this sees
	 * WAITING and wakes it, or the reader sees looper_need_return.
	 */
	spin_lock(&proc->inner_lock);
	spin_lock(&proc->lock);
	for (n = rb_first(&proc->threads); n; n = rb_next(n)) {
		struct binder_thread *thread;

		thread = rb_entry(n, struct binder_thread, rb_node);
		WRITE_ONCE(thread->looper_need_return, true);
		if (thread->looper & BINDER_LOOPER_STATE_WAITING)
			wake_up_interruptible(&thread->wait);
	}
	spin_unlock(&proc->lock);
	spin_unlock(&proc->inner_lock);
}

/*
 * The last ref of a thread is gone.  An epoll that waited on it may still
 * be linked to its wait queue: detach it (wake_up_pollfree) and free only
 * after a grace period, when epoll's RCU readers are done with the queue
 * (CVE-2019-2215).
 */
static void binder_thread_free(struct binder_thread *thread)
{
	struct binder_proc *proc = thread->proc;

	if (thread->looper & BINDER_LOOPER_STATE_POLL)
		wake_up_pollfree(&thread->wait);
	kfree(thread->rbuf);
	kfree_rcu(thread, rcu);
	binder_stats_deleted(BINDER_STAT_THREAD);
	binder_proc_put(proc);
}

/**
 * binder_thread_get() - pin @thread beyond the lock it was found under
 * @thread: a thread found under context->lock (or the caller's own)
 *
 * Return: @thread.
 */
struct binder_thread *binder_thread_get(struct binder_thread *thread)
{
	refcount_inc(&thread->refs);
	return thread;
}

/**
 * binder_thread_put() - drop a pin (or the proc's own ref) of @thread
 * @thread: the thread; freed by the last put, which also drops its ref on
 *          the proc (and so may free the proc)
 */
void binder_thread_put(struct binder_thread *thread)
{
	if (refcount_dec_and_test(&thread->refs))
		binder_thread_free(thread);
}

/* The last ref of the proc is gone: teardown ran, no thread is left. */
static void binder_proc_free(struct kref *kref)
{
	struct binder_proc *proc = container_of(kref, struct binder_proc,
						refcount);

	WARN_ON_ONCE(!RB_EMPTY_ROOT(&proc->threads));
	binder_debug(BINDER_DEBUG_OPEN_CLOSE, "release %d\n", proc->pid);
	binder_alloc_release(&proc->alloc);
	bitmap_free(proc->desc_map);
	mutex_destroy(&proc->refs_lock);
	put_cred(proc->cred);
	put_pid(proc->tgid);
	put_task_struct(proc->tsk);
	binder_device_put(proc->device);
	kfree(proc);
	binder_stats_deleted(BINDER_STAT_PROC);
}

/**
 * binder_proc_get() - pin @proc beyond the lock it was found under
 * @proc: a proc found under a lock that keeps it alive (context->lock for a
 *        node's owner or a thread's proc, binder_procs_lock for the list)
 *
 * Return: @proc.
 */
struct binder_proc *binder_proc_get(struct binder_proc *proc)
{
	kref_get(&proc->refcount);
	return proc;
}

/**
 * binder_proc_put() - drop a ref of @proc
 * @proc: the proc; the last put frees it (so nothing of it may be used
 *        after this call)
 */
void binder_proc_put(struct binder_proc *proc)
{
	kref_put(&proc->refcount, binder_proc_free);
}

/* Take the threads out of @proc's tree, dropping the tree's refs. */
static void binder_proc_unlink_threads_clocked(struct binder_proc *proc)
{
	for (;;) {
		struct binder_thread *thread;
		struct rb_node *n;

		spin_lock(&proc->lock);
		n = rb_first(&proc->threads);
		if (n)
			rb_erase(n, &proc->threads);
		spin_unlock(&proc->lock);
		if (!n)
			return;
		thread = rb_entry(n, struct binder_thread, rb_node);
		/* the proc's own ref keeps it alive: this never frees it */
		binder_thread_put(thread);
	}
}

static void binder_proc_teardown(struct work_struct *work)
{
	struct binder_proc *proc = container_of(work, struct binder_proc,
						teardown_work);
	struct binder_context *context = proc->context;

	/* the vma path may have queued the death work: let it finish */
	flush_work(&proc->dead_work);
	binder_proc_kill(proc, BINDER_KILL_RELEASED);

	mutex_lock(&context->lock);
	/* no ioctl can come any more: release what got in during the kill */
	binder_proc_release_threads_clocked(proc);
	binder_proc_unlink_threads_clocked(proc);
	mutex_unlock(&context->lock);
	binder_proc_free_deferred(proc);
	/* the file's ref: pinned senders and threads may keep it a while */
	binder_proc_put(proc);
}

/* The owner's address space is gone: the proc is dead now. */
static void binder_proc_dead_work(struct work_struct *work)
{
	struct binder_proc *proc = container_of(work, struct binder_proc,
						dead_work);

	binder_debug(BINDER_DEBUG_DEAD_BINDER, "%d: owner gone, proc dead\n",
		     proc->pid);
	binder_proc_kill(proc, BINDER_KILL_OWNER_EXIT);
}

/**
 * binder_proc_usable() - may the proc still take part in transactions?
 * @proc: the proc
 *
 * Return: false once the owner is gone or the file released.
 */
bool binder_proc_usable(struct binder_proc *proc)
{
	bool alive;

	spin_lock(&proc->lock);
	alive = proc->proc_state == BINDER_PROC_ALIVE;
	spin_unlock(&proc->lock);
	return alive;
}

/**
 * binder_proc_release() - the last reference to the proc's file is gone
 * @proc: the proc
 *
 * Unlinks the proc so nothing new can find it, then queues the teardown.
 */
void binder_proc_release(struct binder_proc *proc)
{
	binder_procs_unlink(proc);

	spin_lock(&proc->lock);
	proc->file = NULL;
	binder_proc_set_state_plocked(proc, BINDER_PROC_TEARDOWN);
	spin_unlock(&proc->lock);

	queue_work(binder_teardown_wq, &proc->teardown_work);
}

/* ---- the vma path: mmap -> vm_ops->close ---- */

static void binder_vma_open(struct vm_area_struct *vma)
{
	struct binder_proc *proc = vma->vm_private_data;

	binder_debug(BINDER_DEBUG_OPEN_CLOSE, "%d open vm area %lx-%lx\n",
		     proc->pid, vma->vm_start, vma->vm_end);
}

/*
 * exit_mmap() (process exit, exec, or the last user of the mm going away)
 * is the only caller that closes vmas of an mm with no users left; munmap()
 * always runs with the mm in use.
 */
static bool binder_vma_owner_gone(struct vm_area_struct *vma)
{
	return atomic_read(&vma->vm_mm->mm_users) == 0;
}

static void binder_vma_close(struct vm_area_struct *vma)
{
	struct binder_proc *proc = vma->vm_private_data;
	bool gone = binder_vma_owner_gone(vma);

	binder_debug(BINDER_DEBUG_OPEN_CLOSE, "%d close vm area %lx-%lx (%s)\n",
		     proc->pid, vma->vm_start, vma->vm_end,
		     gone ? "exit" : "munmap");
	trace_binder_vma_close(proc, vma->vm_end - vma->vm_start,
			       gone ? BINDER_VMA_TORN_DOWN : BINDER_VMA_UNMAPPED);

	binder_alloc_vma_close(&proc->alloc, vma, gone);

	spin_lock(&proc->lock);
	binder_proc_set_vma_state_plocked(proc, gone ? BINDER_VMA_TORN_DOWN :
						       BINDER_VMA_UNMAPPED);
	if (gone && proc->proc_state == BINDER_PROC_ALIVE) {
		binder_proc_set_state_plocked(proc, BINDER_PROC_DEAD);
		/* under mmap_lock: the protocol side runs on the workqueue */
		queue_work(binder_teardown_wq, &proc->dead_work);
	}
	spin_unlock(&proc->lock);
}

static vm_fault_t binder_vm_fault(struct vm_fault *vmf)
{
	/* Pages are inserted by the kernel when a buffer needs them. */
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct binder_vm_ops = {
	.open = binder_vma_open,
	.close = binder_vma_close,
	.fault = binder_vm_fault,
};

/**
 * binder_proc_mmap() - map the proc's buffer area
 * @proc: the proc
 * @vma:  the new vma (mmap_lock held for writing)
 *
 * Only the opener may map, only read-only, only once.  The mapping is not
 * inherited across fork and can never become writable.
 */
int binder_proc_mmap(struct binder_proc *proc, struct vm_area_struct *vma)
{
	int ret;

	if (proc->tsk != current->group_leader)
		return -EINVAL;

	if (vma->vm_flags & VM_WRITE) {
		binder_user_error("%d: mmap %lx-%lx writable mapping refused\n",
				  proc->pid, vma->vm_start, vma->vm_end);
		return -EPERM;
	}

	ret = binder_alloc_mmap(&proc->alloc, vma);
	if (ret) {
		binder_user_error("%d: mmap %lx-%lx refused: %s\n",
				  proc->pid, vma->vm_start, vma->vm_end,
				  ret == -EBUSY ? "already mapped" :
				  ret == -EINVAL ? "not the opener's mm" :
				  "out of memory");
		return ret;
	}

	vm_flags_set(vma, VM_DONTCOPY | VM_MIXEDMAP);
	vm_flags_clear(vma, VM_MAYWRITE);
	vma->vm_ops = &binder_vm_ops;
	vma->vm_private_data = proc;

	spin_lock(&proc->lock);
	binder_proc_set_vma_state_plocked(proc, BINDER_VMA_MAPPED);
	spin_unlock(&proc->lock);
	return 0;
}

/* ---- threads ---- */

static struct binder_thread *binder_thread_lookup_plocked(struct binder_proc *proc,
							  pid_t pid)
{
	struct rb_node *n = proc->threads.rb_node;

	lockdep_assert_held(&proc->lock);
	while (n) {
		struct binder_thread *thread;

		thread = rb_entry(n, struct binder_thread, rb_node);
		if (pid < thread->pid)
			n = n->rb_left;
		else if (pid > thread->pid)
			n = n->rb_right;
		else
			return thread;
	}
	return NULL;
}

static void binder_thread_insert_plocked(struct binder_proc *proc,
					 struct binder_thread *new)
{
	struct rb_node **p = &proc->threads.rb_node, *parent = NULL;

	lockdep_assert_held(&proc->lock);
	while (*p) {
		struct binder_thread *thread;

		parent = *p;
		thread = rb_entry(parent, struct binder_thread, rb_node);
		if (new->pid < thread->pid)
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&new->rb_node, parent, p);
	rb_insert_color(&new->rb_node, &proc->threads);
}

/**
 * binder_get_thread() - the calling thread's binder_thread, created on first use
 * @proc: the proc the caller talks to
 *
 * Return: the thread, or NULL when out of memory.
 */
struct binder_thread *binder_get_thread(struct binder_proc *proc)
{
	struct binder_thread *thread;

	/* Only current creates current's thread: no race between the steps. */
	spin_lock(&proc->lock);
	thread = binder_thread_lookup_plocked(proc, current->pid);
	spin_unlock(&proc->lock);
	if (thread)
		return thread;

	thread = kzalloc(sizeof(*thread), GFP_KERNEL);
	if (!thread)
		return NULL;
	thread->proc = binder_proc_get(proc);
	refcount_set(&thread->refs, 1);
	thread->pid = current->pid;
	thread->looper_need_return = true;
	INIT_LIST_HEAD(&thread->waiting_entry);
	INIT_LIST_HEAD(&thread->todo);
	INIT_LIST_HEAD(&thread->return_error.work.entry);
	thread->return_error.work.type = BINDER_WORK_RETURN_ERROR;
	thread->return_error.cmd = BR_OK;
	INIT_LIST_HEAD(&thread->reply_error.work.entry);
	thread->reply_error.work.type = BINDER_WORK_RETURN_ERROR;
	thread->reply_error.cmd = BR_OK;
	thread->ee.command = BR_OK;
	init_waitqueue_head(&thread->wait);

	spin_lock(&proc->lock);
	/*
	 * Got in after the owner died (the ioctl checked just before): the
	 * kill has released, or will release, only the threads before it.
	 */
	thread->released = proc->proc_state != BINDER_PROC_ALIVE;
	binder_thread_insert_plocked(proc, thread);
	spin_unlock(&proc->lock);
	binder_stats_created(BINDER_STAT_THREAD);
	return thread;
}

/**
 * binder_thread_release_clocked() - @thread leaves its proc's protocol
 * @thread: the thread (BINDER_THREAD_EXIT, or its proc dies)
 *
 * The call it was serving fails with BR_DEAD_REPLY; calls it sent lose
 * their caller (their replies will fail); its queued work is dropped.
 */
void binder_thread_release_clocked(struct binder_thread *thread)
{
	struct binder_transaction *t, *send_reply = NULL;

	if (thread->released)
		return;
	/* under inner_lock: where work is queued on the thread, it is checked */
	spin_lock(&thread->proc->inner_lock);
	WRITE_ONCE(thread->released, true);
	list_del_init(&thread->waiting_entry);
	spin_unlock(&thread->proc->inner_lock);
	/* a holder's thread asleep in read or poll learns it at once */
	wake_up_interruptible_all(&thread->wait);

	t = thread->transaction_stack;
	if (t && t->to_thread == thread)
		send_reply = t;
	while (t) {
		if (t->to_thread == thread) {
			struct binder_transaction *next = t->to_parent;

			t->to_thread = NULL;
			/* nobody of the proc serves it any more */
			binder_outstanding_dec_clocked(t);
			if (t->buffer && t != send_reply) {
				t->buffer->owner = NULL;
				t->buffer = NULL;
			}
			/*
			 * The caller may wait on it long after this proc is
			 * gone: it no longer names the proc (debugfs).
			 */
			if (t != send_reply)
				t->to_proc = NULL;
			t = next;
		} else if (t->from == thread) {
			t->from = NULL;
			t = t->from_parent;
		} else {
			WARN_ON_ONCE(1);
			break;
		}
	}
	thread->transaction_stack = NULL;
	if (send_reply) {
		if (send_reply->buffer) {
			send_reply->buffer->owner = NULL;
			send_reply->buffer = NULL;
		}
		binder_send_failed_reply_clocked(send_reply, BR_DEAD_REPLY);
	}
	binder_release_work_clocked(thread->proc, &thread->todo);
}

/**
 * binder_proc_release_threads_clocked() - every thread of @proc leaves
 * @proc: a proc being killed or torn down
 *
 * A thread may still be created while the proc dies (an ioctl that got in
 * just before): each pass takes the next thread not yet released.
 */
void binder_proc_release_threads_clocked(struct binder_proc *proc)
{
	struct rb_node *n;

	/*
	 * One pass.  No thread leaves the tree meanwhile (that takes
	 * context->lock, which is held); one that joins is born released
	 * (the proc is no longer alive) and may be skipped.
	 */
	spin_lock(&proc->lock);
	n = rb_first(&proc->threads);
	spin_unlock(&proc->lock);
	while (n) {
		binder_thread_release_clocked(rb_entry(n, struct binder_thread,
						       rb_node));
		spin_lock(&proc->lock);
		n = rb_next(n);
		spin_unlock(&proc->lock);
	}
}

/**
 * binder_thread_exit() - BINDER_THREAD_EXIT: forget the calling thread
 * @proc:   the proc
 * @thread: the caller's thread
 *
 * Return: 0.
 */
int binder_thread_exit(struct binder_proc *proc, struct binder_thread *thread)
{
	binder_debug(BINDER_DEBUG_THREADS, "%d:%d exit\n",
		     proc->pid, thread->pid);
	mutex_lock(&proc->context->lock);
	binder_thread_release_clocked(thread);
	spin_lock(&proc->lock);
	rb_erase(&thread->rb_node, &proc->threads);
	RB_CLEAR_NODE(&thread->rb_node);
	spin_unlock(&proc->lock);
	mutex_unlock(&proc->context->lock);
	binder_proc_free_deferred(proc);
	/* the tree's ref; a sender that pinned the thread keeps it a while */
	binder_thread_put(thread);
	return 0;
}

/*
 * A released thread (its proc died under a holder) has "work": it must
 * wake and learn it.  process_todo counts only with work on the list, so
 * work taken back from the list (a ref deleted with its death work queued)
 * never leaves a reader spinning.
 */
bool binder_thread_has_work_ilocked(struct binder_thread *thread,
				    bool do_proc_work)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	return (thread->process_todo && !list_empty(&thread->todo)) ||
	       thread->looper_need_return || thread->released ||
	       (do_proc_work && !list_empty(&thread->proc->todo));
}

/*
 * Set or clear BINDER_LOOPER_STATE_* @bits of @thread.  Only the thread
 * itself changes its bits, so it reads its own without a lock; others
 * read them under inner_lock.
 */
void binder_thread_set_looper(struct binder_thread *thread, u32 bits,
			      bool on)
{
	spin_lock(&thread->proc->inner_lock);
	if (on)
		thread->looper |= bits;
	else
		thread->looper &= ~bits;
	spin_unlock(&thread->proc->inner_lock);
}

/* The reader took work off its own list: no wake-up pending once empty. */
void binder_thread_todo_drained_clocked(struct binder_thread *thread)
{
	spin_lock(&thread->proc->inner_lock);
	if (list_empty(&thread->todo))
		thread->process_todo = false;
	spin_unlock(&thread->proc->inner_lock);
}

/* No call in progress and nothing of its own to do: may take proc work. */
bool binder_available_for_proc_work_clocked(struct binder_thread *thread)
{
	return !thread->transaction_stack && list_empty(&thread->todo);
}

/**
 * binder_thread_wait_for_work() - sleep in read until there is work
 * @thread:       the reading thread
 * @do_proc_work: the thread may take work from the proc's list
 *
 * Called and returns with context->lock held; drops it while asleep.
 * Return: 0 when there is work, -EINTR when a signal came first, -ESRCH
 * when the thread's proc died (the owner is gone; a holder was reading).
 */
int binder_thread_wait_for_work(struct binder_thread *thread,
				bool do_proc_work)
{
	struct binder_proc *proc = thread->proc;
	struct binder_context *context = proc->context;
	DEFINE_WAIT(wait);
	int ret = 0;

	lockdep_assert_held(&context->lock);
	for (;;) {
		prepare_to_wait(&thread->wait, &wait,
				TASK_INTERRUPTIBLE | TASK_FREEZABLE);
		/*
		 * The check and joining waiting_threads are one step under
		 * inner_lock: work queued for the proc without context->lock
		 * (a holder's BC_RELEASE, a death notification) either is
		 * seen here or finds this thread waiting and wakes it.
		 */
		spin_lock(&proc->inner_lock);
		if (binder_thread_has_work_ilocked(thread, do_proc_work)) {
			spin_unlock(&proc->inner_lock);
			break;
		}
		if (do_proc_work)
			list_add(&thread->waiting_entry, &proc->waiting_threads);
		spin_unlock(&proc->inner_lock);
		mutex_unlock(&context->lock);
		schedule();
		mutex_lock(&context->lock);
		spin_lock(&proc->inner_lock);
		list_del_init(&thread->waiting_entry);
		spin_unlock(&proc->inner_lock);
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	finish_wait(&thread->wait, &wait);
	if (!ret && thread->released)
		ret = -ESRCH;
	return ret;
}

/*
 * The end of each ioctl of @thread.  Cleared without the lock, as upstream
 * does: a flush that sets it at the same moment also wakes the thread, and
 * its next read returns anyway.  Saves a lock round trip per ioctl.
 */
void binder_thread_ioctl_done(struct binder_thread *thread)
{
	WRITE_ONCE(thread->looper_need_return, false);
}

void binder_wakeup_thread_clocked(struct binder_thread *thread)
{
	wake_up_interruptible(&thread->wait);
}

/* The waker is about to sleep waiting for the wakee (a sync call or reply). */
void binder_wakeup_thread_sync_clocked(struct binder_thread *thread)
{
	wake_up_interruptible_sync(&thread->wait);
}

/*
 * Work was queued for the whole proc: wake one waiting thread, or every
 * thread that polls and could take it.
 */
void binder_wakeup_proc_ilocked(struct binder_proc *proc)
{
	struct binder_thread *thread;
	struct rb_node *n;

	lockdep_assert_held(&proc->inner_lock);
	thread = list_first_entry_or_null(&proc->waiting_threads,
					  struct binder_thread, waiting_entry);
	if (thread) {
		list_del_init(&thread->waiting_entry);
		wake_up_interruptible(&thread->wait);
		return;
	}
	/* other threads' looper bits: inner_lock */
	spin_lock(&proc->lock);
	for (n = rb_first(&proc->threads); n; n = rb_next(n)) {
		thread = rb_entry(n, struct binder_thread, rb_node);
		if ((thread->looper & BINDER_LOOPER_STATE_POLL) &&
		    binder_available_for_proc_work_clocked(thread))
			wake_up_interruptible(&thread->wait);
	}
	spin_unlock(&proc->lock);
}

void binder_wakeup_proc_clocked(struct binder_proc *proc)
{
	spin_lock(&proc->inner_lock);
	binder_wakeup_proc_ilocked(proc);
	spin_unlock(&proc->inner_lock);
}

int binder_proc_init(void)
{
	binder_teardown_wq = alloc_workqueue("binder_teardown", WQ_UNBOUND, 0);
	return binder_teardown_wq ? 0 : -ENOMEM;
}

void binder_proc_exit(void)
{
	/* Drains every queued teardown before the module goes away. */
	destroy_workqueue(binder_teardown_wq);
}
