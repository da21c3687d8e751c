// SPDX-License-Identifier: GPL-2.0
/*
 * Freezing: BINDER_FREEZE, BINDER_GET_FROZEN_INFO and, with the 6.12 UAPI,
 * freeze notifications.
 *
 * A frozen proc gets no sync calls: their senders get BR_FROZEN_REPLY.
 * Oneway calls are queued as usual (with the 6.12 UAPI their senders are
 * told BR_TRANSACTION_PENDING_FROZEN), and one sent with TF_UPDATE_TXN
 * replaces an older one of the same sender, code and node still waiting on
 * the node (binder_transaction.c).  Freezing fails with -EAGAIN while
 * transactions to the proc are outstanding or its threads are in calls,
 * after waiting up to timeout_ms for the outstanding ones to be done.
 *
 * Procs are found by pid on every device, as upstream does, but the pid
 * is the one the caller sees in its own PID namespace (upstream compares
 * global pids, so a container froze whatever host process had that
 * number).  A proc's freeze state is guarded by its inner_lock (and the
 * freezing itself by context->lock, until stage 5).
 *
 * A freeze notification is asked for on a ref; it reports the state of
 * the node's owner at once and at every change.  One is delivered at a
 * time: until BC_FREEZE_NOTIFICATION_DONE, a change only updates what the
 * next one will say.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/pid_namespace.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "binder_internal.h"

/**
 * binder_outstanding_inc_ilocked() - @t was queued for its target proc
 * @t: a transaction with to_proc set (its inner_lock held)
 */
void binder_outstanding_inc_ilocked(struct binder_transaction *t)
{
	lockdep_assert_held(&t->to_proc->inner_lock);
	t->outstanding = 1;
	t->to_proc->outstanding_txns++;
}

void binder_outstanding_inc_clocked(struct binder_transaction *t)
{
	spin_lock(&t->to_proc->inner_lock);
	binder_outstanding_inc_ilocked(t);
	spin_unlock(&t->to_proc->inner_lock);
}

/**
 * binder_outstanding_dec_clocked() - its target proc is done with @t
 * @t: a transaction, counted or not
 *
 * Takes the target's inner_lock (the count and t->outstanding are under
 * it, and under context->lock as well until stage 5).
 */
void binder_outstanding_dec_clocked(struct binder_transaction *t)
{
	struct binder_proc *proc = t->to_proc;

	if (!t->outstanding)
		return;
	spin_lock(&proc->inner_lock);
	t->outstanding = 0;
	if (!--proc->outstanding_txns && proc->frozen)
		wake_up_interruptible_all(&proc->freeze_wait);
	spin_unlock(&proc->inner_lock);
}

/* Transactions to @proc outstanding, or one of its threads in a call */
static bool binder_txns_pending_clocked(struct binder_proc *proc)
{
	bool pending = proc->outstanding_txns > 0;
	struct rb_node *n;

	spin_lock(&proc->lock);
	for (n = rb_first(&proc->threads); n && !pending; n = rb_next(n)) {
		struct binder_thread *thread = rb_entry(n, struct binder_thread,
							rb_node);

		pending = !!thread->transaction_stack;
	}
	spin_unlock(&proc->lock);
	return pending;
}

/* ---- freeze notifications ---- */

void binder_free_ref_freeze(struct binder_ref_freeze *freeze)
{
	kfree(freeze);
	binder_stats_deleted(BINDER_STAT_FREEZE);
}

/* A freeze notification, allocated before context->lock is taken */
struct binder_ref_freeze *binder_ref_freeze_new(void)
{
	struct binder_ref_freeze *freeze = kzalloc(sizeof(*freeze), GFP_KERNEL);

	if (!freeze)
		return NULL;
	INIT_LIST_HEAD(&freeze->work.entry);
	freeze->work.type = BINDER_WORK_FROZEN_BINDER;
	binder_stats_created(BINDER_STAT_FREEZE);
	return freeze;
}

/* Free one never used (NULL is fine) */
void binder_ref_freeze_free(struct binder_ref_freeze *freeze)
{
	if (freeze)
		binder_free_ref_freeze(freeze);
}

static void binder_queue_freeze_ilocked(struct binder_proc *proc,
					struct binder_ref_freeze *freeze)
{
	binder_enqueue_work_ilocked(proc, &freeze->work, &proc->todo);
	binder_wakeup_proc_ilocked(proc);
}

/*
 * Every ref to @node that asked learns its owner's new state.  A ref's
 * freeze pointer is read under node->lock (it is set and cleared under
 * it); the notification is its holder's, changed under the holder's
 * inner_lock, taken one holder at a time.
 */
static void binder_freeze_notify_node(struct binder_node *node, bool frozen)
{
	struct binder_ref *ref;

	spin_lock(&node->lock);
	hlist_for_each_entry(ref, &node->refs, node_entry) {
		struct binder_ref_freeze *freeze = ref->freeze;
		struct binder_proc *holder = ref->proc;

		if (!freeze)
			continue;
		spin_lock(&holder->inner_lock);
		if (holder->killed) {
			/* nothing is queued on a dead proc */
		} else if (list_empty(&freeze->work.entry)) {
			freeze->is_frozen = frozen;
			binder_queue_freeze_ilocked(holder, freeze);
		} else {
			/* queued: it says the new state; delivered: again */
			if (freeze->sent && freeze->is_frozen != frozen)
				freeze->resend = true;
			freeze->is_frozen = frozen;
		}
		spin_unlock(&holder->inner_lock);
	}
	spin_unlock(&node->lock);
}

/*
 * Every ref to @proc's nodes that asked learns its new state.  The walk
 * pins one node at a time and holds no lock between nodes
 * (binder_proc_next_node), so it needs nothing against the owner's death.
 */
static void binder_freeze_notify(struct binder_proc *proc, bool frozen)
{
	struct binder_node *node = NULL;

	while ((node = binder_proc_next_node(proc, node)))
		binder_freeze_notify_node(node, frozen);
}

/**
 * binder_request_freeze_rlocked() - BC_REQUEST_FREEZE_NOTIFICATION
 * @proc:   the caller's proc
 * @desc:   a handle of @proc (strong or weak)
 * @cookie: what BR_FROZEN_BINDER will carry
 * @newp:   a notification from binder_ref_freeze_new(); taken (set to
 *          NULL) when used
 *
 * Return: 0; -EINVAL for an unknown handle or one that has a freeze
 * notification already.
 */
static int binder_request_freeze_rlocked(struct binder_proc *proc, u32 desc,
					 binder_uintptr_t cookie,
					 struct binder_ref_freeze **newp)
{
	struct binder_ref_freeze *freeze;
	struct binder_ref *ref;

	ref = binder_get_ref_rlocked(proc, desc, false);
	if (!ref) {
		binder_user_error("%d BC_REQUEST_FREEZE_NOTIFICATION invalid ref %u\n",
				  proc->pid, desc);
		return -EINVAL;
	}
	if (ref->freeze) {
		binder_user_error("%d BC_REQUEST_FREEZE_NOTIFICATION already set\n",
				  proc->pid);
		return -EINVAL;
	}
	freeze = *newp;
	*newp = NULL;
	freeze->cookie = cookie;
	/* under node->lock: the owner's freeze walks its refs under it */
	spin_lock(&ref->node->lock);
	ref->freeze = freeze;
	if (ref->node->proc) {
		freeze->is_frozen = READ_ONCE(ref->node->proc->frozen);
		spin_lock(&proc->inner_lock);
		/* a dead proc is sent nothing: its ref frees the notification */
		if (!proc->killed)
			binder_queue_freeze_ilocked(proc, freeze);
		spin_unlock(&proc->inner_lock);
	}
	spin_unlock(&ref->node->lock);
	return 0;
}

int binder_request_freeze(struct binder_proc *proc, u32 desc,
			  binder_uintptr_t cookie,
			  struct binder_ref_freeze **newp)
{
	int ret;

	mutex_lock(&proc->refs_lock);
	ret = binder_request_freeze_rlocked(proc, desc, cookie, newp);
	mutex_unlock(&proc->refs_lock);
	return ret;
}

/**
 * binder_clear_freeze_rlocked() - BC_CLEAR_FREEZE_NOTIFICATION
 * @proc:   the caller's proc
 * @desc:   the handle
 * @cookie: the cookie it was requested with
 *
 * BR_CLEAR_FREEZE_NOTIFICATION_DONE follows: now, when the notification
 * is queued (it becomes the DONE), or after the delivered one is
 * acknowledged.
 *
 * Return: 0, or -EINVAL (unknown handle, none requested, other cookie).
 */
static int binder_clear_freeze_rlocked(struct binder_proc *proc, u32 desc,
				       binder_uintptr_t cookie)
{
	struct binder_ref_freeze *freeze;
	struct binder_ref *ref;

	ref = binder_get_ref_rlocked(proc, desc, false);
	if (!ref) {
		binder_user_error("%d BC_CLEAR_FREEZE_NOTIFICATION invalid ref %u\n",
				  proc->pid, desc);
		return -EINVAL;
	}
	freeze = ref->freeze;
	if (!freeze) {
		binder_user_error("%d BC_CLEAR_FREEZE_NOTIFICATION not active\n",
				  proc->pid);
		return -EINVAL;
	}
	if (freeze->cookie != cookie) {
		binder_user_error("%d BC_CLEAR_FREEZE_NOTIFICATION cookie %016llx != %016llx\n",
				  proc->pid, (u64)cookie, (u64)freeze->cookie);
		return -EINVAL;
	}
	spin_lock(&ref->node->lock);
	ref->freeze = NULL;
	spin_lock(&proc->inner_lock);
	freeze->work.type = BINDER_WORK_CLEAR_FREEZE_NOTIFICATION;
	if (!list_empty(&freeze->work.entry)) {
		/* queued: it becomes the DONE; delivered: after its ack */
		if (freeze->sent)
			freeze->resend = true;
		freeze = NULL;
	} else if (!proc->killed) {
		binder_queue_freeze_ilocked(proc, freeze);
		freeze = NULL;
	}
	spin_unlock(&proc->inner_lock);
	spin_unlock(&ref->node->lock);
	/* a dying proc's, on no list and no ref's any more */
	if (freeze)
		binder_free_ref_freeze(freeze);
	return 0;
}

int binder_clear_freeze(struct binder_proc *proc, u32 desc,
			binder_uintptr_t cookie)
{
	int ret;

	mutex_lock(&proc->refs_lock);
	ret = binder_clear_freeze_rlocked(proc, desc, cookie);
	mutex_unlock(&proc->refs_lock);
	return ret;
}

/**
 * binder_freeze_done() - BC_FREEZE_NOTIFICATION_DONE
 * @proc:   the caller's proc
 * @cookie: of a delivered BR_FROZEN_BINDER
 *
 * Return: 0, or -EINVAL when no delivered notification has @cookie.
 */
int binder_freeze_done(struct binder_proc *proc,
		       binder_uintptr_t cookie)
{
	struct binder_ref_freeze *freeze;

	/* the list and the notification: inner_lock (a ref deleted frees it) */
	spin_lock(&proc->inner_lock);
	list_for_each_entry(freeze, &proc->delivered_freeze, work.entry) {
		if (freeze->cookie != cookie)
			continue;
		binder_dequeue_work_ilocked(proc, &freeze->work);
		freeze->sent = false;
		if (freeze->resend && !proc->killed) {
			freeze->resend = false;
			binder_queue_freeze_ilocked(proc, freeze);
			freeze = NULL;
		} else if (freeze->work.type !=
			   BINDER_WORK_CLEAR_FREEZE_NOTIFICATION) {
			/* its ref still owns it */
			freeze = NULL;
		}
		spin_unlock(&proc->inner_lock);
		/* cleared on a dying proc: nobody's any more */
		if (freeze)
			binder_free_ref_freeze(freeze);
		return 0;
	}
	spin_unlock(&proc->inner_lock);
	binder_user_error("%d BC_FREEZE_NOTIFICATION_DONE %016llx not found\n",
			  proc->pid, (u64)cookie);
	return -EINVAL;
}

/* ---- the ioctls ---- */

/*
 * Does @proc belong to the process the caller knows as @nr?  The pid is
 * read in the caller's PID namespace (a container's BINDER_FREEZE names
 * its own processes); in the initial namespace this is upstream's
 * comparison of global pids.  proc->tgid is held, so a dead owner's proc
 * that a holder keeps is still found.
 */
static bool binder_proc_is_pid(struct binder_proc *proc, pid_t nr,
			       struct pid_namespace *ns)
{
	return nr > 0 && pid_nr_ns(proc->tgid, ns) == nr;
}

/*
 * Pin every proc opened by @pid (in the caller's PID namespace).  The array is allocated with
 * binder_procs_lock dropped (a global lock: no reclaim under it), and the
 * procs counted again once it is taken back.
 * Return: how many (*procs to unpin and free), 0 when there is none, or
 * -ENOMEM.
 */
static int binder_pin_procs_of_pid(pid_t pid, struct binder_proc ***procs)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct binder_proc *proc, **found = NULL;
	int n, cap = 0;

	for (;;) {
		mutex_lock(&binder_procs_lock);
		n = 0;
		list_for_each_entry(proc, &binder_procs, proc_node)
			n += binder_proc_is_pid(proc, pid, ns);
		if (n <= cap)
			break;
		mutex_unlock(&binder_procs_lock);
		kfree(found);
		cap = n;
		found = kcalloc(cap, sizeof(*found), GFP_KERNEL);
		if (!found)
			return -ENOMEM;
	}
	n = 0;
	list_for_each_entry(proc, &binder_procs, proc_node)
		if (binder_proc_is_pid(proc, pid, ns))
			found[n++] = binder_proc_get(proc);
	mutex_unlock(&binder_procs_lock);
	if (!n)
		kfree(found);
	*procs = found;
	return n;
}

static long binder_freeze_proc(struct binder_proc *proc,
			       const struct binder_freeze_info *info)
{
	struct binder_context *context = proc->context;
	long ret = 0;

	mutex_lock(&context->lock);
	/* what a sender checks under the inner_lock where it queues */
	spin_lock(&proc->inner_lock);
	proc->sync_recv = false;
	proc->async_recv = false;
	proc->frozen = info->enable;
	spin_unlock(&proc->inner_lock);
	if (!info->enable && BINDER_UAPI_FREEZE_NOTIFICATION)
		binder_freeze_notify(proc, false);
	mutex_unlock(&context->lock);
	if (!info->enable)
		return 0;

	if (info->timeout_ms > 0)
		ret = wait_event_interruptible_timeout(proc->freeze_wait,
						       !READ_ONCE(proc->outstanding_txns),
						       msecs_to_jiffies(info->timeout_ms));

	mutex_lock(&context->lock);
	if (ret >= 0 && binder_txns_pending_clocked(proc))
		ret = -EAGAIN;
	if (ret < 0) {
		spin_lock(&proc->inner_lock);
		proc->frozen = false;
		spin_unlock(&proc->inner_lock);
	} else if (BINDER_UAPI_FREEZE_NOTIFICATION) {
		binder_freeze_notify(proc, true);
	}
	mutex_unlock(&context->lock);
	return ret;
}

/**
 * binder_ioctl_freeze() - BINDER_FREEZE
 * @ubuf: struct binder_freeze_info
 *
 * Every proc of the pid is frozen (or thawed) in turn; the first failure
 * stops there.
 *
 * Return: 0; -EINVAL for a pid with no proc; -EAGAIN when transactions
 * are pending; -ERESTARTSYS when a signal cut the wait; -EFAULT, -ENOMEM.
 */
int binder_ioctl_freeze(void __user *ubuf)
{
	struct binder_freeze_info info;
	struct binder_proc **procs;
	long ret = 0;
	int i, n;

	if (copy_from_user(&info, ubuf, sizeof(info)))
		return -EFAULT;
	n = binder_pin_procs_of_pid(info.pid, &procs);
	if (n <= 0)
		return n ? n : -EINVAL;
	for (i = 0; i < n; i++) {
		if (ret >= 0)
			ret = binder_freeze_proc(procs[i], &info);
		binder_proc_put(procs[i]);
	}
	kfree(procs);
	return ret < 0 ? ret : 0;
}

/**
 * binder_ioctl_frozen_info() - BINDER_GET_FROZEN_INFO
 * @ubuf: struct binder_frozen_status_info; pid in, the rest out
 *
 * sync_recv: bit 0, a sync call came while frozen; bit 1, transactions
 * are pending.  async_recv: a oneway call came while frozen.  Over every
 * proc of the pid.
 *
 * Return: 0; -EINVAL for a pid with no proc; -EFAULT.
 */
int binder_ioctl_frozen_info(void __user *ubuf)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct binder_frozen_status_info info;
	struct binder_proc *proc;
	bool found = false;

	if (copy_from_user(&info, ubuf, sizeof(info)))
		return -EFAULT;
	info.sync_recv = 0;
	info.async_recv = 0;
	mutex_lock(&binder_procs_lock);
	list_for_each_entry(proc, &binder_procs, proc_node) {
		if (!binder_proc_is_pid(proc, info.pid, ns))
			continue;
		found = true;
		mutex_lock(&proc->context->lock);
		info.sync_recv |= proc->sync_recv |
				  (binder_txns_pending_clocked(proc) << 1);
		info.async_recv |= proc->async_recv;
		mutex_unlock(&proc->context->lock);
	}
	mutex_unlock(&binder_procs_lock);
	if (!found)
		return -EINVAL;
	return copy_to_user(ubuf, &info, sizeof(info)) ? -EFAULT : 0;
}
