// SPDX-License-Identifier: GPL-2.0
/*
 * Work lists, nodes, refs and death notifications.
 *
 * A node is an object a proc offers; other procs hold refs (handles) to
 * it.  The node's owner is told, with BR_INCREFS/BR_ACQUIRE and
 * BR_RELEASE/BR_DECREFS, whether anyone still needs the object weakly or
 * strongly; it answers the first two with BC_INCREFS_DONE/BC_ACQUIRE_DONE.
 * A node lives while anything counts it: refs, the kernel's local counts,
 * temporary pins, or the owner not yet told that the counts are gone.
 * When its owner dies the node lives on, ownerless, until its last ref
 * goes; the refs that asked for a death notification get BR_DEAD_BINDER.
 *
 * Locking (LOCK ORDER in binder_internal.h): a node's counts change under
 * node->lock and its owner's inner_lock (binder_node_lock_inner, the
 * _nilocked functions), a proc's refs under its refs_lock (_rlocked),
 * work lists under their proc's inner_lock (_ilocked); callers still hold
 * context->lock (the _clocked functions) until stage 5.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/cred.h>
#include <linux/security.h>
#include <linux/slab.h>

#include "binder_internal.h"

/* ---- work lists ---- */

/*
 * Every work list belongs to one proc (its todo, its threads' todo, its
 * delivered lists, its nodes' async_todo) and changes under that proc's
 * inner_lock: the _ilocked helpers need it held, the _clocked ones take
 * it (their callers, the transaction paths, still hold context->lock;
 * the ref and death commands do not, LOCK ORDER).
 */
void binder_enqueue_work_ilocked(struct binder_proc *proc,
				 struct binder_work *work,
				 struct list_head *target)
{
	lockdep_assert_held(&proc->inner_lock);
	WARN_ON_ONCE(!list_empty(&work->entry));
	list_add_tail(&work->entry, target);
}

void binder_enqueue_work_clocked(struct binder_proc *proc,
				 struct binder_work *work,
				 struct list_head *target)
{
	spin_lock(&proc->inner_lock);
	binder_enqueue_work_ilocked(proc, work, target);
	spin_unlock(&proc->inner_lock);
}

/* Work for @thread that wakes it: its next read returns it. */
void binder_enqueue_thread_work_ilocked(struct binder_thread *thread,
					struct binder_work *work)
{
	lockdep_assert_held(&thread->proc->inner_lock);
	/* a released thread's todo is never read again: callers check */
	WARN_ON_ONCE(thread->released);
	WARN_ON_ONCE(!list_empty(&work->entry));
	list_add_tail(&work->entry, &thread->todo);
	/*
	 * A thread that polls and queues work for itself (its own
	 * BR_TRANSACTION_COMPLETE) is woken: (e)poll only learns of work
	 * through the wait queue.
	 */
	if ((thread->looper & BINDER_LOOPER_STATE_POLL) &&
	    thread->pid == current->pid && !thread->process_todo)
		wake_up_interruptible_sync(&thread->wait);
	thread->process_todo = true;
}

void binder_enqueue_thread_work_clocked(struct binder_thread *thread,
					struct binder_work *work)
{
	spin_lock(&thread->proc->inner_lock);
	binder_enqueue_thread_work_ilocked(thread, work);
	spin_unlock(&thread->proc->inner_lock);
}

/*
 * Work for @thread that does not wake it by itself: it comes out with the
 * next work that does (a sync call's BR_TRANSACTION_COMPLETE with its
 * BR_REPLY).
 */
static void binder_enqueue_deferred_thread_work_ilocked(struct binder_thread *thread,
							struct binder_work *work)
{
	WARN_ON_ONCE(thread->released);
	binder_enqueue_work_ilocked(thread->proc, work, &thread->todo);
}

void binder_enqueue_deferred_thread_work_clocked(struct binder_thread *thread,
						 struct binder_work *work)
{
	spin_lock(&thread->proc->inner_lock);
	binder_enqueue_deferred_thread_work_ilocked(thread, work);
	spin_unlock(&thread->proc->inner_lock);
}

/*
 * Take @work off the list of @proc it is on, if any.  A node's work of a
 * node whose owner died (@proc NULL) is on no list any more.
 */
void binder_dequeue_work_ilocked(struct binder_proc *proc,
				 struct binder_work *work)
{
	if (!proc) {
		WARN_ON_ONCE(!list_empty(&work->entry));
		return;
	}
	lockdep_assert_held(&proc->inner_lock);
	list_del_init(&work->entry);
}

void binder_dequeue_work_clocked(struct binder_proc *proc,
				 struct binder_work *work)
{
	if (!proc) {
		WARN_ON_ONCE(!list_empty(&work->entry));
		return;
	}
	spin_lock(&proc->inner_lock);
	binder_dequeue_work_ilocked(proc, work);
	spin_unlock(&proc->inner_lock);
}

/* ---- spares: nodes and refs allocated before the lock ---- */

void binder_spare_init(struct binder_spare *sp)
{
	INIT_LIST_HEAD(&sp->nodes);
	INIT_HLIST_HEAD(&sp->refs);
}

/**
 * binder_spare_fill() - allocate what a command may create under the lock
 * @sp:    an initialized spare pool
 * @nodes: how many nodes it may create
 * @refs:  how many refs it may create
 *
 * Called without context->lock: direct reclaim never runs under it.
 * Return: 0, or -ENOMEM (what was allocated stays in @sp).
 */
int binder_spare_fill(struct binder_spare *sp, size_t nodes, size_t refs)
{
	while (nodes--) {
		struct binder_node *node = kzalloc(sizeof(*node), GFP_KERNEL);

		if (!node)
			return -ENOMEM;
		list_add(&node->work.entry, &sp->nodes);
	}
	while (refs--) {
		struct binder_ref *ref = kzalloc(sizeof(*ref), GFP_KERNEL);

		if (!ref)
			return -ENOMEM;
		hlist_add_head(&ref->node_entry, &sp->refs);
	}
	return 0;
}

/* Free what the command did not use (after dropping the lock). */
void binder_spare_drain(struct binder_spare *sp)
{
	struct binder_node *node, *tmp;
	struct hlist_node *n;
	struct binder_ref *ref;

	list_for_each_entry_safe(node, tmp, &sp->nodes, work.entry)
		kfree(node);
	hlist_for_each_entry_safe(ref, n, &sp->refs, node_entry)
		kfree(ref);
	binder_spare_init(sp);
}

static struct binder_node *binder_spare_node(struct binder_spare *sp)
{
	struct binder_node *node;

	node = list_first_entry_or_null(&sp->nodes, struct binder_node,
					work.entry);
	if (node)
		list_del_init(&node->work.entry);
	return node;
}

static void binder_spare_give_back(struct binder_spare *sp,
				   struct binder_node *node)
{
	if (node)
		list_add(&node->work.entry, &sp->nodes);
}

static struct binder_ref *binder_spare_ref(struct binder_spare *sp)
{
	struct binder_ref *ref;

	if (hlist_empty(&sp->refs))
		return NULL;
	ref = hlist_entry(sp->refs.first, struct binder_ref, node_entry);
	hlist_del(&ref->node_entry);
	return ref;
}

/* ---- nodes ---- */

/**
 * binder_node_lock_inner() - lock @node for a count change
 * @node: the node
 *
 * Takes node->lock, then the owner's inner_lock while the node has an
 * owner (node->proc changes only with both held, so it is stable here).
 * Return: the owner whose inner_lock was taken, or NULL; hand it to
 * binder_node_unlock_inner() (the node may lose its owner meanwhile).
 */
struct binder_proc *binder_node_lock_inner(struct binder_node *node)
	__acquires(&node->lock) __acquires(&proc->inner_lock)
{
	struct binder_proc *proc;

	spin_lock(&node->lock);
	proc = node->proc;
	if (proc)
		spin_lock(&proc->inner_lock);
	else
		__acquire(&proc->inner_lock);
	return proc;
}

void binder_node_unlock_inner(struct binder_node *node,
			      struct binder_proc *proc)
	__releases(&proc->inner_lock) __releases(&node->lock)
{
	if (proc)
		spin_unlock(&proc->inner_lock);
	else
		__release(&proc->inner_lock);
	spin_unlock(&node->lock);
}

static void binder_node_assert_nilocked(struct binder_node *node)
{
	lockdep_assert_held(&node->lock);
	if (node->proc)
		lockdep_assert_held(&node->proc->inner_lock);
}

/*
 * What reading or settling a node's counts needs: while it has an owner,
 * the owner's inner_lock (every change holds it, with node->lock: the
 * owner's read loop holds it alone); a dead node's, node->lock.
 */
static void binder_node_assert_counts_held(struct binder_node *node)
{
	if (node->proc)
		lockdep_assert_held(&node->proc->inner_lock);
	else
		lockdep_assert_held(&node->lock);
}

static struct binder_node *binder_get_node_ilocked(struct binder_proc *proc,
						   binder_uintptr_t ptr)
{
	struct rb_node *n = proc->nodes.rb_node;

	lockdep_assert_held(&proc->inner_lock);
	while (n) {
		struct binder_node *node = rb_entry(n, struct binder_node,
						    rb_node);

		if (ptr < node->ptr)
			n = n->rb_left;
		else if (ptr > node->ptr)
			n = n->rb_right;
		else
			return node;
	}
	return NULL;
}

/**
 * binder_get_node() - @proc's node for @ptr, pinned
 * @proc: the owner
 * @ptr:  the owner's name for it
 *
 * Return: the node with a tmpref (binder_node_tmpref_put() drops it), or
 * NULL.
 */
struct binder_node *binder_get_node(struct binder_proc *proc,
				    binder_uintptr_t ptr)
{
	struct binder_node *node;

	spin_lock(&proc->inner_lock);
	node = binder_get_node_ilocked(proc, ptr);
	if (node)
		binder_node_tmpref(node);
	spin_unlock(&proc->inner_lock);
	return node;
}

/**
 * binder_proc_next_node() - walk @proc's nodes, one pinned at a time
 * @proc: the owner
 * @prev: the node this returned last (its pin is dropped here), or NULL
 *        for the first
 *
 * The next node is searched by ptr, so the walk holds no lock between
 * steps and survives any node leaving the tree meanwhile, @prev included
 * (its owner's death erases even a pinned node).
 * Return: the node after @prev in ptr order, pinned, or NULL at the end.
 */
struct binder_node *binder_proc_next_node(struct binder_proc *proc,
					  struct binder_node *prev)
{
	struct binder_node *node = NULL;
	struct rb_node *n;

	spin_lock(&proc->inner_lock);
	n = proc->nodes.rb_node;
	while (n) {
		struct binder_node *cur = rb_entry(n, struct binder_node,
						   rb_node);

		if (!prev || cur->ptr > prev->ptr) {
			node = cur;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	if (node)
		binder_node_tmpref(node);
	spin_unlock(&proc->inner_lock);
	if (prev)
		binder_node_tmpref_put(prev);
	return node;
}

/**
 * binder_new_node_clocked() - the node of @proc for @fp, created if needed
 * @proc: the owner
 * @fp:   the object naming it (binder, cookie, flags); NULL for ptr 0
 * @sp:   where a new node comes from
 *
 * Return: the node, pinned (binder_node_tmpref_put() drops it), or NULL
 * when @sp has none left or @proc is dead.
 */
struct binder_node *binder_new_node_clocked(struct binder_proc *proc,
					    const struct flat_binder_object *fp,
					    struct binder_spare *sp)
{
	binder_uintptr_t ptr = fp ? fp->binder : 0;
	struct rb_node **p, *parent = NULL;
	struct binder_node *node, *new;

	/* taken first: no allocation under inner_lock, even from the pool */
	new = binder_spare_node(sp);
	spin_lock(&proc->inner_lock);
	p = &proc->nodes.rb_node;
	while (*p) {
		parent = *p;
		node = rb_entry(parent, struct binder_node, rb_node);
		if (ptr < node->ptr) {
			p = &parent->rb_left;
		} else if (ptr > node->ptr) {
			p = &parent->rb_right;
		} else {
			binder_node_tmpref(node);
			spin_unlock(&proc->inner_lock);
			binder_spare_give_back(sp, new);
			return node;
		}
	}

	/* a dead proc offers nothing new */
	if (proc->killed || !new) {
		spin_unlock(&proc->inner_lock);
		binder_spare_give_back(sp, new);
		return NULL;
	}
	node = new;
	node->debug_id = binder_new_debug_id();
	spin_lock_init(&node->lock);
	node->context = proc->context;
	node->proc = proc;
	node->ptr = ptr;
	atomic_set(&node->tmp_refs, 1);
	INIT_HLIST_HEAD(&node->refs);
	INIT_LIST_HEAD(&node->dead_entry);
	INIT_LIST_HEAD(&node->work.entry);
	node->work.type = BINDER_WORK_NODE;
	INIT_LIST_HEAD(&node->async_todo);
	if (fp) {
		node->cookie = fp->cookie;
		node->min_priority = fp->flags & FLAT_BINDER_FLAG_PRIORITY_MASK;
		node->accept_fds = !!(fp->flags & FLAT_BINDER_FLAG_ACCEPTS_FDS);
		node->txn_security_ctx =
			!!(fp->flags & FLAT_BINDER_FLAG_TXN_SECURITY_CTX);
	}
	rb_link_node(&node->rb_node, parent, p);
	rb_insert_color(&node->rb_node, &proc->nodes);
	spin_unlock(&proc->inner_lock);
	binder_stats_created(BINDER_STAT_NODE);
	binder_debug(BINDER_DEBUG_INTERNAL_REFS,
		     "%d:%d node %d u%016llx c%016llx created\n", proc->pid,
		     current->pid, node->debug_id, (u64)node->ptr,
		     (u64)node->cookie);
	return node;
}

static bool binder_node_strong(struct binder_node *node)
{
	return node->internal_strong_refs || node->local_strong_refs;
}

static bool binder_node_weak(struct binder_node *node)
{
	return !hlist_empty(&node->refs) || node->local_weak_refs ||
	       atomic_read(&node->tmp_refs) || binder_node_strong(node);
}

static void binder_node_free(struct binder_node *node)
{
	kfree(node);
	binder_stats_deleted(BINDER_STAT_NODE);
}

/*
 * A count of @node dropped.  Tell the owner when it holds a count it no
 * longer needs.  Return: true when nothing counts the node any more: it
 * is unlinked, and the caller frees it once it dropped the locks
 * (binder_node_unlock_check).
 */
static bool binder_node_check_nilocked(struct binder_node *node)
{
	struct binder_proc *proc = node->proc;

	binder_node_assert_counts_held(node);
	if (binder_node_weak(node) && (binder_node_strong(node) ||
				       !node->has_strong_ref))
		return false;

	if (proc && (node->has_strong_ref || node->has_weak_ref)) {
		if (list_empty(&node->work.entry) && !proc->killed) {
			binder_enqueue_work_ilocked(proc, &node->work,
						    &proc->todo);
			binder_wakeup_proc_ilocked(proc);
		}
		return false;
	}
	if (binder_node_weak(node))
		return false;

	if (proc) {
		binder_dequeue_work_ilocked(proc, &node->work);
		rb_erase(&node->rb_node, &proc->nodes);
	} else {
		spin_lock(&node->context->dead_nodes_lock);
		list_del(&node->dead_entry);
		spin_unlock(&node->context->dead_nodes_lock);
	}
	binder_debug(BINDER_DEBUG_INTERNAL_REFS, "node %d u%016llx freed\n",
		     node->debug_id, (u64)node->ptr);
	return true;
}

/* Unlock what binder_node_lock_inner() took; free @node if nothing counts it. */
static void binder_node_unlock_check(struct binder_node *node,
				     struct binder_proc *proc)
	__releases(&proc->inner_lock) __releases(&node->lock)
{
	bool free = binder_node_check_nilocked(node);

	binder_node_unlock_inner(node, proc);
	if (free)
		binder_node_free(node);
}

/**
 * binder_inc_node_nilocked() - count @node once more
 * @node:        the node (binder_node_lock_inner() held)
 * @strong:      a strong count (else weak)
 * @internal:    counted for a ref (else a local count of the kernel)
 * @target_list: a thread's todo list that should learn about a first
 *               count (the sending thread of a BINDER object, a thread of
 *               the node's owner), or NULL
 *
 * Return: 0, or -EINVAL when a ref asks for a strong count of a node no
 * strong ref holds any more.
 */
static int binder_inc_node_nilocked(struct binder_node *node, bool strong,
				    bool internal,
				    struct list_head *target_list)
{
	struct binder_proc *proc = node->proc;
	struct binder_thread *thread = NULL;

	binder_node_assert_nilocked(node);
	if (target_list) {
		thread = container_of(target_list, struct binder_thread, todo);
		/* only the owner's own threads learn of its nodes' counts */
		if (WARN_ON_ONCE(!proc || thread->proc != proc))
			return -EINVAL;
	}
	if (strong) {
		if (internal) {
			if (!target_list && !node->internal_strong_refs &&
			    !(proc && node->has_strong_ref &&
			      binder_node_is_context_mgr(node->context,
							 node))) {
				pr_err_ratelimited("invalid inc strong node %d\n",
						   node->debug_id);
				return -EINVAL;
			}
			node->internal_strong_refs++;
		} else {
			node->local_strong_refs++;
		}
		if (!node->has_strong_ref && thread) {
			binder_dequeue_work_ilocked(proc, &node->work);
			binder_enqueue_deferred_thread_work_ilocked(thread,
								    &node->work);
		}
	} else {
		if (!internal)
			node->local_weak_refs++;
		if (!node->has_weak_ref && list_empty(&node->work.entry)) {
			if (!thread) {
				pr_err_ratelimited("invalid inc weak node %d\n",
						   node->debug_id);
				return -EINVAL;
			}
			binder_enqueue_work_ilocked(proc, &node->work,
						    target_list);
		}
	}
	return 0;
}

/**
 * binder_node_work_cmds_nilocked() - what @node's owner must be told
 * @node: a node whose BINDER_WORK_NODE is being read
 * @cmds: out: BR_INCREFS, BR_ACQUIRE, BR_RELEASE, BR_DECREFS, in that
 *        order, as needed
 *
 * Return: how many of @cmds are set.
 */
static int binder_node_work_cmds_nilocked(struct binder_node *node,
					  u32 cmds[4])
{
	bool strong = binder_node_strong(node), weak = binder_node_weak(node);
	int n = 0;

	binder_node_assert_counts_held(node);
	if (weak && !node->has_weak_ref)
		cmds[n++] = BR_INCREFS;
	if (strong && !node->has_strong_ref)
		cmds[n++] = BR_ACQUIRE;
	if (!strong && node->has_strong_ref)
		cmds[n++] = BR_RELEASE;
	if (!weak && node->has_weak_ref)
		cmds[n++] = BR_DECREFS;
	return n;
}

/*
 * The owner read those commands.  A BR_INCREFS/BR_ACQUIRE holds a local
 * count until its BC_*_DONE.
 */
static void binder_node_work_told_nilocked(struct binder_node *node)
{
	bool strong = binder_node_strong(node), weak = binder_node_weak(node);

	binder_node_assert_counts_held(node);
	if (weak && !node->has_weak_ref) {
		node->has_weak_ref = 1;
		node->pending_weak_ref = 1;
		node->local_weak_refs++;
	}
	if (strong && !node->has_strong_ref) {
		node->has_strong_ref = 1;
		node->pending_strong_ref = 1;
		node->local_strong_refs++;
	}
	if (!strong)
		node->has_strong_ref = 0;
	if (!weak)
		node->has_weak_ref = 0;
}

/**
 * binder_node_work_read_ilocked() - the owner reads @node's BINDER_WORK_NODE
 * @node:     the node, its work just taken off its owner's list under the
 *            owner's inner_lock, still held (so the node has its owner,
 *            and no count of it changes: binder_node_assert_counts_held)
 * @cmds:     out: see binder_node_work_cmds_nilocked()
 * @pc:       out: the node's ptr and cookie
 * @unlinked: out: nothing counts the node any more: it left the owner's
 *            tree, and the caller frees it once it dropped the lock
 *            (binder_node_free_unlinked)
 *
 * No pin is taken: a pin counts as a weak hold, so the owner would be told
 * of the reader's own pin and told again once it is dropped.
 * Return: how many of @cmds are set.
 */
int binder_node_work_read_ilocked(struct binder_node *node, u32 cmds[4],
				  struct binder_ptr_cookie *pc, bool *unlinked)
{
	int n;

	lockdep_assert_held(&node->proc->inner_lock);
	pc->ptr = node->ptr;
	pc->cookie = node->cookie;
	n = binder_node_work_cmds_nilocked(node, cmds);
	binder_node_work_told_nilocked(node);
	*unlinked = binder_node_check_nilocked(node);
	return n;
}

/* Free a node binder_node_work_read_ilocked() unlinked, its lock dropped. */
void binder_node_free_unlinked(struct binder_node *node)
{
	/* whoever took node->lock before it was unlinked is done with it */
	spin_lock(&node->lock);
	spin_unlock(&node->lock);
	binder_node_free(node);
}

/* Return: see binder_inc_node_nilocked() */
int binder_inc_node(struct binder_node *node, bool strong, bool internal,
		    struct list_head *target_list)
{
	struct binder_proc *proc = binder_node_lock_inner(node);
	int ret;

	ret = binder_inc_node_nilocked(node, strong, internal, target_list);
	binder_node_unlock_inner(node, proc);
	return ret;
}

static void binder_dec_node_nilocked(struct binder_node *node, bool strong,
				     bool internal)
{
	binder_node_assert_nilocked(node);
	/*
	 * A dead node's local counts were dropped when its owner died
	 * (binder_node_release); a holder giving one back later, such as
	 * a sender that lost the race with the death, has nothing left to
	 * drop.
	 */
	if (!node->proc && !internal)
		return;
	if (strong) {
		if (internal)
			node->internal_strong_refs--;
		else
			node->local_strong_refs--;
	} else if (!internal) {
		node->local_weak_refs--;
	}
}

void binder_dec_node(struct binder_node *node, bool strong, bool internal)
{
	struct binder_proc *proc = binder_node_lock_inner(node);

	binder_dec_node_nilocked(node, strong, internal);
	binder_node_unlock_check(node, proc);
}

/*
 * Pin @node.  The caller keeps it alive meanwhile: it holds node->lock,
 * the owner's inner_lock with the node in its tree, or another count.
 */
void binder_node_tmpref(struct binder_node *node)
{
	atomic_inc(&node->tmp_refs);
}

void binder_node_tmpref_put(struct binder_node *node)
{
	struct binder_proc *proc = binder_node_lock_inner(node);

	atomic_dec(&node->tmp_refs);
	binder_node_unlock_check(node, proc);
}

/**
 * binder_node_work_done() - BC_INCREFS_DONE / BC_ACQUIRE_DONE
 * @proc:   the node's owner
 * @cmd:    which of the two
 * @ptr:    the node
 * @cookie: must match the node's
 *
 * Return: 0; -EINVAL for a node, cookie or state that does not match
 * (logged; the command is consumed, as upstream).
 */
int binder_node_work_done(struct binder_proc *proc, u32 cmd,
			  binder_uintptr_t ptr, binder_uintptr_t cookie)
{
	bool strong = cmd == BC_ACQUIRE_DONE;
	struct binder_proc *owner;
	struct binder_node *node;
	int ret = 0;

	node = binder_get_node(proc, ptr);
	if (!node || node->cookie != cookie) {
		binder_user_error("%d: %s u%016llx c%016llx: no such node\n",
				  proc->pid, strong ? "BC_ACQUIRE_DONE" :
				  "BC_INCREFS_DONE", (u64)ptr, (u64)cookie);
		ret = -EINVAL;
		goto out;
	}
	owner = binder_node_lock_inner(node);
	if (strong ? !node->pending_strong_ref : !node->pending_weak_ref) {
		binder_user_error("%d: %s node %d has no pending count\n",
				  proc->pid, strong ? "BC_ACQUIRE_DONE" :
				  "BC_INCREFS_DONE", node->debug_id);
		ret = -EINVAL;
	} else {
		if (strong)
			node->pending_strong_ref = 0;
		else
			node->pending_weak_ref = 0;
		binder_dec_node_nilocked(node, strong, false);
	}
	binder_node_unlock_check(node, owner);
out:
	if (node)
		binder_node_tmpref_put(node);
	return ret;
}

/* ---- refs ---- */

/*
 * A proc's refs (its two trees, its handle bitmap and each ref's counts)
 * change under its refs_lock.  Code that looks up a handle of one proc
 * and gives a ref to another pins the node (binder_node_tmpref)
 * and drops the first proc's refs_lock before it takes the second's:
 * never two at once (LOCK ORDER 2a).
 */
struct binder_ref *binder_get_ref_rlocked(struct binder_proc *proc, u32 desc,
					  bool need_strong)
{
	struct rb_node *n = proc->refs_by_desc.rb_node;

	lockdep_assert_held(&proc->refs_lock);
	while (n) {
		struct binder_ref *ref = rb_entry(n, struct binder_ref,
						  rb_node_desc);

		if (desc < ref->desc) {
			n = n->rb_left;
		} else if (desc > ref->desc) {
			n = n->rb_right;
		} else {
			if (need_strong && !ref->strong) {
				binder_user_error("%d: tried to use weak ref %u as strong ref\n",
						  proc->pid, desc);
				return NULL;
			}
			return ref;
		}
	}
	return NULL;
}

static void binder_ref_insert_desc_rlocked(struct binder_proc *proc,
					   struct binder_ref *new)
{
	struct rb_node **p = &proc->refs_by_desc.rb_node, *parent = NULL;

	while (*p) {
		struct binder_ref *ref;

		parent = *p;
		ref = rb_entry(parent, struct binder_ref, rb_node_desc);
		if (new->desc < ref->desc)
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&new->rb_node_desc, parent, p);
	rb_insert_color(&new->rb_node_desc, &proc->refs_by_desc);
}

/*
 * Handles in use are bits of proc->desc_map, so the lowest free one is a
 * bitmap search, not a walk of every ref.  The map grows by doubling; it
 * is rebuilt from refs_by_desc when it does, and the walk is the fallback
 * when memory is short (the map is grown without sleeping: the caller
 * holds refs_lock, which senders of handles to this proc wait for).
 */
static void binder_desc_grow_rlocked(struct binder_proc *proc, u32 want)
{
	u32 bits = max_t(u32, BITS_PER_LONG, proc->desc_bits);
	unsigned long *map;
	struct rb_node *n;

	while (bits <= want)
		bits *= 2;
	map = bitmap_zalloc(bits, GFP_NOWAIT | __GFP_NOWARN);
	if (!map)
		return;
	for (n = rb_first(&proc->refs_by_desc); n; n = rb_next(n)) {
		u32 desc = rb_entry(n, struct binder_ref, rb_node_desc)->desc;

		if (desc < bits)
			__set_bit(desc, map);
	}
	bitmap_free(proc->desc_map);
	proc->desc_map = map;
	proc->desc_bits = bits;
}

/* The lowest handle >= @start no ref of @proc has; marked used. */
static u32 binder_desc_acquire_rlocked(struct binder_proc *proc, u32 start)
{
	struct rb_node *n;
	u32 desc;

	desc = proc->desc_bits ?
	       find_next_zero_bit(proc->desc_map, proc->desc_bits, start) : 0;
	if (!proc->desc_bits || desc >= proc->desc_bits) {
		binder_desc_grow_rlocked(proc, proc->desc_bits);
		if (proc->desc_bits)
			desc = find_next_zero_bit(proc->desc_map,
						  proc->desc_bits, start);
	}
	if (desc < proc->desc_bits) {
		__set_bit(desc, proc->desc_map);
		return desc;
	}
	/* no map: the walk */
	desc = start;
	for (n = rb_first(&proc->refs_by_desc); n; n = rb_next(n)) {
		struct binder_ref *r = rb_entry(n, struct binder_ref,
						rb_node_desc);

		if (r->desc > desc)
			break;
		if (r->desc == desc)
			desc++;
	}
	return desc;
}

static void binder_desc_release_rlocked(struct binder_proc *proc, u32 desc)
{
	if (desc < proc->desc_bits)
		__clear_bit(desc, proc->desc_map);
}

/*
 * @proc's ref to @node, created if it has none.  A new ref gets the lowest
 * free handle; 0 is kept for the context manager's node.
 */
static struct binder_ref *binder_get_ref_for_node_rlocked(struct binder_proc *proc,
							  struct binder_node *node,
							  struct binder_spare *sp)
{
	struct rb_node **p = &proc->refs_by_node.rb_node, *parent = NULL;
	struct binder_proc *owner;
	struct binder_ref *ref;
	u32 desc;

	lockdep_assert_held(&proc->refs_lock);
	while (*p) {
		parent = *p;
		ref = rb_entry(parent, struct binder_ref, rb_node_node);
		if (node < ref->node)
			p = &parent->rb_left;
		else if (node > ref->node)
			p = &parent->rb_right;
		else
			return ref;
	}

	/* nor holds anything new */
	if (proc->killed)
		return NULL;
	ref = binder_spare_ref(sp);
	if (!ref)
		return NULL;
	ref->debug_id = binder_new_debug_id();
	ref->proc = proc;
	ref->node = node;
	rb_link_node(&ref->rb_node_node, parent, p);
	rb_insert_color(&ref->rb_node_node, &proc->refs_by_node);

	desc = binder_desc_acquire_rlocked(proc,
					   binder_node_is_context_mgr(proc->context,
								      node) ? 0 : 1);
	ref->desc = desc;
	binder_ref_insert_desc_rlocked(proc, ref);
	owner = binder_node_lock_inner(node);
	hlist_add_head(&ref->node_entry, &node->refs);
	binder_node_unlock_inner(node, owner);
	binder_stats_created(BINDER_STAT_REF);
	binder_debug(BINDER_DEBUG_INTERNAL_REFS,
		     "%d new ref %d desc %u for node %d\n", proc->pid,
		     ref->debug_id, ref->desc, node->debug_id);
	return ref;
}

static void binder_free_death(struct binder_ref_death *death)
{
	kfree(death);
	binder_stats_deleted(BINDER_STAT_DEATH);
}

/*
 * Unlink and free @ref, giving back the counts it holds on its node.  Its
 * notifications are taken off its own proc's lists after the node is
 * unlocked (never two procs' inner locks at once); once off node->refs,
 * the node's death or freeze no longer sees them.
 */
static void binder_delete_ref_rlocked(struct binder_ref *ref)
{
	struct binder_node *node = ref->node;
	struct binder_ref_freeze *freeze;
	struct binder_ref_death *death;
	struct binder_proc *owner;

	lockdep_assert_held(&ref->proc->refs_lock);
	binder_debug(BINDER_DEBUG_INTERNAL_REFS,
		     "%d delete ref %d desc %u for node %d\n", ref->proc->pid,
		     ref->debug_id, ref->desc, node->debug_id);
	rb_erase(&ref->rb_node_desc, &ref->proc->refs_by_desc);
	binder_desc_release_rlocked(ref->proc, ref->desc);
	rb_erase(&ref->rb_node_node, &ref->proc->refs_by_node);

	owner = binder_node_lock_inner(node);
	hlist_del(&ref->node_entry);
	death = ref->death;
	freeze = ref->freeze;
	ref->death = NULL;
	ref->freeze = NULL;
	if (ref->strong) {
		node->internal_strong_refs--;
		ref->strong = 0;
	}
	binder_node_unlock_check(node, owner);

	if (death) {
		binder_dequeue_work_clocked(ref->proc, &death->work);
		binder_free_death(death);
	}
	if (freeze) {
		binder_dequeue_work_clocked(ref->proc, &freeze->work);
		binder_free_ref_freeze(freeze);
	}
	kfree(ref);
	binder_stats_deleted(BINDER_STAT_REF);
}

static int binder_inc_ref_rlocked(struct binder_ref *ref, bool strong,
				  struct list_head *target_list)
{
	int ret;

	lockdep_assert_held(&ref->proc->refs_lock);
	if (strong) {
		if (!ref->strong) {
			ret = binder_inc_node(ref->node, true, true,
					      target_list);
			if (ret)
				return ret;
		}
		ref->strong++;
	} else {
		if (!ref->weak) {
			ret = binder_inc_node(ref->node, false, true,
					      target_list);
			if (ret)
				return ret;
		}
		ref->weak++;
	}
	return 0;
}

/* Return: 0, or -EINVAL when the count is already zero. */
static int binder_dec_ref_rlocked(struct binder_ref *ref, bool strong)
{
	lockdep_assert_held(&ref->proc->refs_lock);
	if (strong) {
		if (!ref->strong) {
			binder_user_error("%d invalid dec strong, ref %d desc %u\n",
					  ref->proc->pid, ref->debug_id,
					  ref->desc);
			return -EINVAL;
		}
		if (--ref->strong == 0)
			binder_dec_node(ref->node, true, true);
	} else {
		if (!ref->weak) {
			binder_user_error("%d invalid dec weak, ref %d desc %u\n",
					  ref->proc->pid, ref->debug_id,
					  ref->desc);
			return -EINVAL;
		}
		ref->weak--;
	}
	if (!ref->strong && !ref->weak)
		binder_delete_ref_rlocked(ref);
	return 0;
}

/**
 * binder_inc_ref_for_node() - give @proc one more count on @node
 * @proc:        the proc receiving a handle
 * @node:        the node (pinned by the caller)
 * @strong:      strong or weak count
 * @target_list: see binder_inc_node_clocked()
 * @id:          out: the ref's handle and debug id
 * @sp:          where a new ref comes from
 *
 * Takes @proc's refs_lock.
 * Return: 0, -ENOMEM (no spare ref, or @proc is dead), or -EINVAL.
 */
int binder_inc_ref_for_node(struct binder_proc *proc,
			    struct binder_node *node, bool strong,
			    struct list_head *target_list,
			    struct binder_ref_id *id,
			    struct binder_spare *sp)
{
	struct binder_ref *ref;
	int ret = -ENOMEM;

	mutex_lock(&proc->refs_lock);
	ref = binder_get_ref_for_node_rlocked(proc, node, sp);
	if (!ref)
		goto out;
	ret = binder_inc_ref_rlocked(ref, strong, target_list);
	if (ret) {
		if (!ref->strong && !ref->weak)
			binder_delete_ref_rlocked(ref);
		goto out;
	}
	id->debug_id = ref->debug_id;
	id->desc = ref->desc;
out:
	mutex_unlock(&proc->refs_lock);
	return ret;
}

/* BC_INCREFS, BC_ACQUIRE, BC_RELEASE, BC_DECREFS on handle @desc */
int binder_update_ref_for_handle(struct binder_proc *proc, u32 desc,
				 bool increment, bool strong)
{
	struct binder_ref *ref;
	int ret = -EINVAL;

	mutex_lock(&proc->refs_lock);
	ref = binder_get_ref_rlocked(proc, desc, strong);
	if (ref && increment)
		ret = binder_inc_ref_rlocked(ref, strong, NULL);
	else if (ref)
		ret = binder_dec_ref_rlocked(ref, strong);
	mutex_unlock(&proc->refs_lock);
	return ret;
}

/**
 * binder_handle_node() - the node behind one of @proc's handles,
 *                                pinned
 * @proc:        the proc whose handle it is
 * @desc:        the handle
 * @need_strong: the handle must hold a strong count
 * @id:          out: the ref's handle and debug id (for trace events)
 *
 * Return: the node with a tmpref the caller drops with
 * binder_node_tmpref_put(), or NULL (no such handle).
 */
struct binder_node *binder_handle_node(struct binder_proc *proc,
				       u32 desc, bool need_strong,
				       struct binder_ref_id *id)
{
	struct binder_node *node = NULL;
	struct binder_ref *ref;

	mutex_lock(&proc->refs_lock);
	ref = binder_get_ref_rlocked(proc, desc, need_strong);
	if (ref) {
		node = ref->node;
		/* the ref's count keeps the node while it is pinned */
		binder_node_tmpref(node);
		if (id) {
			id->debug_id = ref->debug_id;
			id->desc = ref->desc;
		}
	}
	mutex_unlock(&proc->refs_lock);
	return node;
}

/* ---- death notifications ---- */

static bool binder_thread_is_looper(struct binder_thread *thread)
{
	return thread->looper & (BINDER_LOOPER_STATE_REGISTERED |
				 BINDER_LOOPER_STATE_ENTERED);
}

/* Death work goes to the asking looper thread, else to the whole proc. */
static void binder_queue_death_ilocked(struct binder_thread *thread,
				       struct binder_work *work)
{
	if (binder_thread_is_looper(thread)) {
		binder_enqueue_thread_work_ilocked(thread, work);
		binder_wakeup_thread_clocked(thread);
	} else {
		binder_enqueue_work_ilocked(thread->proc, work,
					    &thread->proc->todo);
		binder_wakeup_proc_ilocked(thread->proc);
	}
}

/* A death notification, allocated before any lock is taken */
struct binder_ref_death *binder_ref_death_new(void)
{
	struct binder_ref_death *death = kzalloc(sizeof(*death), GFP_KERNEL);

	if (!death)
		return NULL;
	INIT_LIST_HEAD(&death->work.entry);
	binder_stats_created(BINDER_STAT_DEATH);
	return death;
}

/* Free one never used (NULL is fine) */
void binder_ref_death_free(struct binder_ref_death *death)
{
	if (death)
		binder_free_death(death);
}

/**
 * binder_request_death_rlocked() - BC_REQUEST_DEATH_NOTIFICATION
 * @thread: the caller
 * @desc:   its handle
 * @cookie: what BR_DEAD_BINDER will carry
 * @newp:   a notification from binder_ref_death_new(); taken (set to
 *          NULL) when used
 *
 * Return: 0, or -EINVAL for a bad handle or one that has one already.
 */
static int binder_request_death_rlocked(struct binder_thread *thread, u32 desc,
					binder_uintptr_t cookie,
					struct binder_ref_death **newp)
{
	struct binder_proc *proc = thread->proc;
	struct binder_ref_death *death;
	struct binder_ref *ref;

	ref = binder_get_ref_rlocked(proc, desc, false);
	if (!ref) {
		binder_user_error("%d:%d BC_REQUEST_DEATH_NOTIFICATION invalid ref %u\n",
				  proc->pid, thread->pid, desc);
		return -EINVAL;
	}
	if (ref->death) {
		binder_user_error("%d:%d BC_REQUEST_DEATH_NOTIFICATION already set\n",
				  proc->pid, thread->pid);
		return -EINVAL;
	}
	death = *newp;
	*newp = NULL;
	death->cookie = cookie;
	/* under node->lock: the node's death reads it */
	spin_lock(&ref->node->lock);
	ref->death = death;
	if (!ref->node->proc) {
		/*
		 * The node is dead already: any thread of the proc may take
		 * it, as upstream, so it is not lost if this thread exits.
		 */
		death->work.type = BINDER_WORK_DEAD_BINDER;
		spin_lock(&proc->inner_lock);
		/* a dead proc is sent nothing: its ref frees the death */
		if (!proc->killed) {
			binder_enqueue_work_ilocked(proc, &death->work,
						    &proc->todo);
			binder_wakeup_proc_ilocked(proc);
		}
		spin_unlock(&proc->inner_lock);
	}
	spin_unlock(&ref->node->lock);
	return 0;
}

int binder_request_death(struct binder_thread *thread, u32 desc,
			 binder_uintptr_t cookie,
			 struct binder_ref_death **newp)
{
	int ret;

	mutex_lock(&thread->proc->refs_lock);
	ret = binder_request_death_rlocked(thread, desc, cookie, newp);
	mutex_unlock(&thread->proc->refs_lock);
	return ret;
}

static int binder_clear_death_rlocked(struct binder_thread *thread, u32 desc,
				      binder_uintptr_t cookie)
{
	struct binder_proc *proc = thread->proc;
	struct binder_ref_death *death;
	struct binder_ref *ref;

	ref = binder_get_ref_rlocked(proc, desc, false);
	if (!ref) {
		binder_user_error("%d:%d BC_CLEAR_DEATH_NOTIFICATION invalid ref %u\n",
				  proc->pid, thread->pid, desc);
		return -EINVAL;
	}
	death = ref->death;
	if (!death) {
		binder_user_error("%d:%d BC_CLEAR_DEATH_NOTIFICATION not active\n",
				  proc->pid, thread->pid);
		return -EINVAL;
	}
	if (death->cookie != cookie) {
		binder_user_error("%d:%d BC_CLEAR_DEATH_NOTIFICATION cookie %016llx != %016llx\n",
				  proc->pid, thread->pid, (u64)death->cookie,
				  (u64)cookie);
		return -EINVAL;
	}
	spin_lock(&ref->node->lock);
	ref->death = NULL;
	spin_lock(&proc->inner_lock);
	if (!list_empty(&death->work.entry)) {
		/*
		 * BR_DEAD_BINDER is queued or delivered: clear after it.  On
		 * a dying proc, the release of that list frees it.
		 */
		death->work.type = BINDER_WORK_DEAD_BINDER_AND_CLEAR;
		death = NULL;
	} else if (!proc->killed) {
		death->work.type = BINDER_WORK_CLEAR_DEATH_NOTIFICATION;
		binder_queue_death_ilocked(thread, &death->work);
		death = NULL;
	}
	spin_unlock(&proc->inner_lock);
	spin_unlock(&ref->node->lock);
	/* a dying proc's, on no list and no ref's any more */
	if (death)
		binder_free_death(death);
	return 0;
}

int binder_clear_death(struct binder_thread *thread, u32 desc,
		       binder_uintptr_t cookie)
{
	int ret;

	mutex_lock(&thread->proc->refs_lock);
	ret = binder_clear_death_rlocked(thread, desc, cookie);
	mutex_unlock(&thread->proc->refs_lock);
	return ret;
}

int binder_dead_binder_done(struct binder_thread *thread,
			    binder_uintptr_t cookie)
{
	struct binder_proc *proc = thread->proc;
	struct binder_ref_death *death;

	/* the list and the work's type: inner_lock (a ref deleted frees it) */
	spin_lock(&proc->inner_lock);
	list_for_each_entry(death, &proc->delivered_death, work.entry) {
		if (death->cookie != cookie)
			continue;
		binder_dequeue_work_ilocked(proc, &death->work);
		if (death->work.type != BINDER_WORK_DEAD_BINDER_AND_CLEAR) {
			/* its ref still owns it */
			death = NULL;
		} else if (!proc->killed) {
			death->work.type = BINDER_WORK_CLEAR_DEATH_NOTIFICATION;
			binder_queue_death_ilocked(thread, &death->work);
			death = NULL;
		}
		spin_unlock(&proc->inner_lock);
		/* cleared on a dying proc: nobody's any more */
		if (death)
			binder_free_death(death);
		return 0;
	}
	spin_unlock(&proc->inner_lock);
	binder_user_error("%d:%d BC_DEAD_BINDER_DONE %016llx not found\n",
			  proc->pid, thread->pid, (u64)cookie);
	return -EINVAL;
}

/* ---- the end of a proc's nodes and refs ---- */

/* @node's owner is gone: the node dies; tell who asked. */
static void binder_node_release_clocked(struct binder_node *node)
{
	struct binder_proc *proc = node->proc;
	struct binder_ref *ref;
	bool free;

	binder_release_work_clocked(proc, &node->async_todo);
	spin_lock(&node->lock);
	spin_lock(&proc->inner_lock);
	binder_dequeue_work_ilocked(proc, &node->work);
	rb_erase(&node->rb_node, &proc->nodes);
	node->proc = NULL;
	node->local_strong_refs = 0;
	node->local_weak_refs = 0;
	spin_unlock(&proc->inner_lock);
	spin_lock(&node->context->dead_nodes_lock);
	list_add_tail(&node->dead_entry, &node->context->dead_nodes);
	spin_unlock(&node->context->dead_nodes_lock);

	/* one holder's inner_lock at a time, under node->lock */
	hlist_for_each_entry(ref, &node->refs, node_entry) {
		struct binder_ref_death *death = ref->death;

		if (!death)
			continue;
		spin_lock(&ref->proc->inner_lock);
		if (!ref->proc->killed && list_empty(&death->work.entry)) {
			death->work.type = BINDER_WORK_DEAD_BINDER;
			binder_enqueue_work_ilocked(ref->proc, &death->work,
						    &ref->proc->todo);
			binder_wakeup_proc_ilocked(ref->proc);
		}
		spin_unlock(&ref->proc->inner_lock);
	}
	binder_debug(BINDER_DEBUG_DEAD_BINDER, "node %d now dead, refs %s\n",
		     node->debug_id, hlist_empty(&node->refs) ? "none" : "left");
	free = binder_node_check_nilocked(node);
	spin_unlock(&node->lock);
	if (free)
		binder_node_free(node);
}

/**
 * binder_release_nodes_and_refs_clocked() - a dead proc's objects go
 * @proc: the proc, already marked killed
 *
 * Its nodes die (death notifications go out), its refs are dropped (other
 * nodes may die of it), and it stops being the context manager.
 */
void binder_release_nodes_and_refs_clocked(struct binder_proc *proc)
{
	struct binder_context *context = proc->context;
	struct rb_node *n;

	spin_lock(&context->mgr_lock);
	if (context->mgr_node && context->mgr_node->proc == proc)
		context->mgr_node = NULL;
	spin_unlock(&context->mgr_lock);

	/* @proc is killed: no node is added to its tree any more */
	for (;;) {
		struct binder_node *node = NULL;

		spin_lock(&proc->inner_lock);
		n = rb_first(&proc->nodes);
		if (n) {
			node = rb_entry(n, struct binder_node, rb_node);
			binder_node_tmpref(node);
		}
		spin_unlock(&proc->inner_lock);
		if (!node)
			break;
		binder_node_release_clocked(node);
		binder_node_tmpref_put(node);
	}
	mutex_lock(&proc->refs_lock);
	while ((n = rb_first(&proc->refs_by_desc))) {
		struct binder_ref *ref = rb_entry(n, struct binder_ref,
						  rb_node_desc);

		binder_delete_ref_rlocked(ref);
	}
	mutex_unlock(&proc->refs_lock);
}

/* ---- context manager ---- */

/*
 * context->mgr_node changes only with both context->lock and mgr_lock
 * held, and only from NULL to a node of a live proc and back to NULL when
 * that proc dies (before its nodes are released).  So under mgr_lock the
 * node, while it is the manager, is alive and node->proc is its owner.
 */

/**
 * binder_context_mgr_get() - the device's context manager node, pinned
 * @context: the device
 *
 * Return: the node with a tmpref (taken under mgr_lock, while the node's
 * manager count keeps it) the caller drops with binder_node_tmpref_put(),
 * or NULL.
 */
struct binder_node *binder_context_mgr_get(struct binder_context *context)
{
	struct binder_node *node;

	spin_lock(&context->mgr_lock);
	node = context->mgr_node;
	if (node)
		binder_node_tmpref(node);
	spin_unlock(&context->mgr_lock);
	return node;
}

/* Is @node the context manager of @context? */
bool binder_node_is_context_mgr(struct binder_context *context,
				const struct binder_node *node)
{
	bool ret;

	spin_lock(&context->mgr_lock);
	ret = node && context->mgr_node == node;
	spin_unlock(&context->mgr_lock);
	return ret;
}

/* Is @proc the context manager of @context (it owns the manager node)? */
bool binder_is_context_mgr(struct binder_context *context,
			   const struct binder_proc *proc)
{
	bool ret;

	spin_lock(&context->mgr_lock);
	ret = context->mgr_node && context->mgr_node->proc == proc;
	spin_unlock(&context->mgr_lock);
	return ret;
}

/*
 * May a caller of euid @euid become the manager?  Return: 0 when the
 * device has none and @euid is the first manager's (or there was none
 * yet); -EBUSY or -EPERM.
 */
static int binder_mgr_may_set(struct binder_context *context,
			      struct binder_proc *proc, kuid_t euid)
{
	int ret = 0;

	spin_lock(&context->mgr_lock);
	if (context->mgr_node)
		ret = -EBUSY;
	else if (context->mgr_uid_set && !uid_eq(context->mgr_uid, euid))
		ret = -EPERM;
	spin_unlock(&context->mgr_lock);
	if (ret == -EBUSY)
		binder_user_error("%d: BINDER_SET_CONTEXT_MGR already set\n",
				  proc->pid);
	else if (ret)
		binder_user_error("%d: BINDER_SET_CONTEXT_MGR bad uid %d != %d\n",
				  proc->pid, from_kuid(&init_user_ns, euid),
				  from_kuid(&init_user_ns, context->mgr_uid));
	return ret;
}

/**
 * binder_set_context_mgr() - BINDER_SET_CONTEXT_MGR(_EXT)
 * @proc: the caller's proc
 * @fp:   the manager's object (_EXT), or NULL
 *
 * Return: 0; -EBUSY when the device has a manager; -EPERM when the
 * caller's euid is not the first manager's or the LSM refuses; -ENOMEM.
 */
int binder_set_context_mgr(struct binder_proc *proc,
			   const struct flat_binder_object *fp)
{
	struct binder_context *context = proc->context;
	kuid_t euid = current_euid();
	struct binder_proc *owner;
	struct binder_spare sp;
	struct binder_node *node;
	int ret;

	binder_spare_init(&sp);
	ret = binder_spare_fill(&sp, 1, 0);
	if (ret)
		goto out_free;
	/*
	 * The LSM is asked without context->lock (a policy may take its
	 * time), and only when the caller may become the manager; the
	 * manager changes only under context->lock, so that is checked
	 * again under it: a racing caller may have become it meanwhile.
	 */
	ret = binder_mgr_may_set(context, proc, euid);
	if (ret)
		goto out_free;
	ret = security_binder_set_context_mgr(proc->cred);
	if (ret < 0)
		goto out_free;
	mutex_lock(&context->lock);
	ret = binder_mgr_may_set(context, proc, euid);
	if (ret)
		goto out;
	spin_lock(&context->mgr_lock);
	context->mgr_uid = euid;
	context->mgr_uid_set = true;
	spin_unlock(&context->mgr_lock);
	node = binder_new_node_clocked(proc, fp, &sp);
	if (!node) {
		ret = -ENOMEM;
		goto out;
	}
	owner = binder_node_lock_inner(node);
	node->local_weak_refs++;
	node->local_strong_refs++;
	node->has_strong_ref = 1;
	node->has_weak_ref = 1;
	binder_node_unlock_inner(node, owner);
	spin_lock(&context->mgr_lock);
	context->mgr_node = node;
	spin_unlock(&context->mgr_lock);
	binder_node_tmpref_put(node);
out:
	mutex_unlock(&context->lock);
out_free:
	binder_spare_drain(&sp);
	return ret;
}
