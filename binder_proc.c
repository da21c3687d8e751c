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

#include <linux/cred.h>
#include <linux/freezer.h>
#include <linux/mm.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "binder_internal.h"

/* binder_procs_lock guards binder_procs, the list of every open proc */
DEFINE_MUTEX(binder_procs_lock);
LIST_HEAD(binder_procs);

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

static void binder_proc_teardown(struct work_struct *work);

struct binder_proc *binder_proc_create(struct binder_device *device)
{
	struct binder_proc *proc;

	proc = kzalloc(sizeof(*proc), GFP_KERNEL);
	if (!proc)
		return NULL;

	spin_lock_init(&proc->lock);
	proc->threads = RB_ROOT;
	proc->tsk = get_task_struct(current->group_leader);
	proc->pid = current->group_leader->pid;
	proc->cred = get_cred(current_cred());
	proc->device = device;
	proc->state_changed = ktime_get_boottime();
	INIT_WORK(&proc->teardown_work, binder_proc_teardown);
	binder_alloc_init(&proc->alloc, proc->pid);
	binder_stats_created(BINDER_STAT_PROC);

	mutex_lock(&binder_procs_lock);
	list_add(&proc->proc_node, &binder_procs);
	binder_debugfs_add_proc(proc);
	mutex_unlock(&binder_procs_lock);

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
	spin_lock(&proc->lock);
	for (n = rb_first(&proc->threads); n; n = rb_next(n)) {
		struct binder_thread *thread;

		thread = rb_entry(n, struct binder_thread, rb_node);
		thread->looper_need_return = true;
		if (thread->looper & BINDER_LOOPER_STATE_WAITING)
			wake_up_interruptible(&thread->wait);
	}
	spin_unlock(&proc->lock);
}

/*
 * An epoll that waited on this thread may still be linked to its wait
 * queue: detach it (wake_up_pollfree) and free only after a grace period,
 * when epoll's RCU readers are done with the queue (CVE-2019-2215).
 */
static void binder_thread_free(struct binder_thread *thread)
{
	if (thread->looper & BINDER_LOOPER_STATE_POLL)
		wake_up_pollfree(&thread->wait);
	kfree_rcu(thread, rcu);
	binder_stats_deleted(BINDER_STAT_THREAD);
}

static void binder_proc_teardown(struct work_struct *work)
{
	struct binder_proc *proc = container_of(work, struct binder_proc,
						teardown_work);
	struct rb_node *n;
	int threads = 0;

	spin_lock(&proc->lock);
	while ((n = rb_first(&proc->threads))) {
		struct binder_thread *thread;

		thread = rb_entry(n, struct binder_thread, rb_node);
		rb_erase(n, &proc->threads);
		spin_unlock(&proc->lock);
		binder_thread_free(thread);
		threads++;
		spin_lock(&proc->lock);
	}
	spin_unlock(&proc->lock);

	binder_debug(BINDER_DEBUG_OPEN_CLOSE,
		     "release %d: threads %d\n", proc->pid, threads);

	binder_alloc_release(&proc->alloc);
	put_cred(proc->cred);
	put_task_struct(proc->tsk);
	kfree(proc);
	binder_stats_deleted(BINDER_STAT_PROC);
}

/**
 * binder_proc_release() - the last reference to the proc's file is gone
 * @proc: the proc
 *
 * Unlinks the proc so nothing new can find it, then queues the teardown.
 */
void binder_proc_release(struct binder_proc *proc)
{
	mutex_lock(&binder_procs_lock);
	binder_debugfs_remove_proc(proc);
	list_del(&proc->proc_node);
	mutex_unlock(&binder_procs_lock);

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

	binder_alloc_vma_close(&proc->alloc, vma, gone);

	spin_lock(&proc->lock);
	binder_proc_set_vma_state_plocked(proc, gone ? BINDER_VMA_TORN_DOWN :
						       BINDER_VMA_UNMAPPED);
	if (gone && proc->proc_state == BINDER_PROC_ALIVE)
		binder_proc_set_state_plocked(proc, BINDER_PROC_DEAD);
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
		binder_user_error("%d: mmap %lx-%lx already mapped\n",
				  proc->pid, vma->vm_start, vma->vm_end);
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
	thread->proc = proc;
	thread->pid = current->pid;
	thread->looper_need_return = true;
	init_waitqueue_head(&thread->wait);

	spin_lock(&proc->lock);
	binder_thread_insert_plocked(proc, thread);
	spin_unlock(&proc->lock);
	binder_stats_created(BINDER_STAT_THREAD);
	return thread;
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
	spin_lock(&proc->lock);
	rb_erase(&thread->rb_node, &proc->threads);
	spin_unlock(&proc->lock);
	binder_thread_free(thread);
	return 0;
}

bool binder_thread_has_work(struct binder_thread *thread)
{
	struct binder_proc *proc = thread->proc;
	bool has_work;

	spin_lock(&proc->lock);
	has_work = thread->looper_need_return;
	spin_unlock(&proc->lock);
	return has_work;
}

/**
 * binder_thread_wait_for_work() - sleep in read until there is work
 * @thread:    the reading thread
 * @non_block: the file is O_NONBLOCK
 *
 * Return: 0 when there is work, -EAGAIN for a non-blocking read with none,
 * -ERESTARTSYS when a signal interrupted the wait.
 */
int binder_thread_wait_for_work(struct binder_thread *thread, bool non_block)
{
	struct binder_proc *proc = thread->proc;
	int ret;

	if (binder_thread_has_work(thread))
		return 0;
	if (non_block)
		return -EAGAIN;

	spin_lock(&proc->lock);
	thread->looper |= BINDER_LOOPER_STATE_WAITING;
	spin_unlock(&proc->lock);

	ret = wait_event_freezable(thread->wait, binder_thread_has_work(thread));

	spin_lock(&proc->lock);
	thread->looper &= ~BINDER_LOOPER_STATE_WAITING;
	spin_unlock(&proc->lock);
	return ret;
}

void binder_thread_ioctl_done(struct binder_thread *thread)
{
	spin_lock(&thread->proc->lock);
	thread->looper_need_return = false;
	spin_unlock(&thread->proc->lock);
}

void binder_thread_mark_poll(struct binder_thread *thread)
{
	spin_lock(&thread->proc->lock);
	thread->looper |= BINDER_LOOPER_STATE_POLL;
	spin_unlock(&thread->proc->lock);
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
