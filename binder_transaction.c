// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions: BC_TRANSACTION / BC_REPLY, object translation, buffer
 * release, failed replies, and the protocol side of a proc's death.
 *
 * A sync call is pushed on the sender's transaction stack when sent and on
 * the receiving thread's stack when delivered; the reply pops both.  A
 * thread that serves a call and calls back into a proc waiting on it is
 * delivered the inner call (it picks the waiting thread from its stack).
 * Oneway calls to one node are delivered one at a time: the next waits on
 * node->async_todo until the previous one's buffer is freed.
 *
 * Sending drops context->lock while it allocates and fills the buffer in
 * the target's area (that sleeps and faults); the target proc and node are
 * pinned meanwhile, and their state is checked again after.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/ktime.h>
#include <linux/file.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>

#include "binder_internal.h"
#include "binder_log.h"
#include "binder_trace.h"

static struct binder_transaction *binder_transaction_new(void)
{
	struct binder_transaction *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	t->debug_id = binder_new_debug_id();
	INIT_LIST_HEAD(&t->work.entry);
	INIT_LIST_HEAD(&t->context_entry);
	INIT_LIST_HEAD(&t->fd_fixups);
	t->work.type = BINDER_WORK_TRANSACTION;
	binder_stats_created(BINDER_STAT_TRANSACTION);
	return t;
}

/* Files not handed to the receiver go back; reserved fds are unreserved. */
static void binder_free_fd_fixups(struct binder_transaction *t)
{
	struct binder_txn_fd_fixup *fixup, *tmp;

	list_for_each_entry_safe(fixup, tmp, &t->fd_fixups, entry) {
		if (fixup->target_fd >= 0)
			put_unused_fd(fixup->target_fd);
		fput(fixup->file);
		list_del(&fixup->entry);
		kfree(fixup);
	}
}

/* On the device's list of live transactions (debugfs "transactions") */
static void binder_context_txn_add(struct binder_context *context,
				   struct binder_transaction *t)
{
	t->context = context;
	spin_lock(&context->txn_lock);
	list_add_tail(&t->context_entry, &context->transactions);
	spin_unlock(&context->txn_lock);
}

static void binder_context_txn_del(struct binder_transaction *t)
{
	if (!t->context)
		return;
	spin_lock(&t->context->txn_lock);
	list_del(&t->context_entry);
	spin_unlock(&t->context->txn_lock);
}

void binder_free_transaction_clocked(struct binder_transaction *t)
{
	if (t->traced)
		trace_binder_txn_latency_free(t);
	binder_outstanding_dec_clocked(t);
	binder_free_fd_fixups(t);
	binder_context_txn_del(t);
	if (t->buffer)
		t->buffer->owner = NULL;
	kfree(t);
	binder_stats_deleted(BINDER_STAT_TRANSACTION);
}

/* ---- objects in a buffer ---- */

static size_t binder_object_size(u32 type)
{
	switch (type) {
	case BINDER_TYPE_BINDER:
	case BINDER_TYPE_WEAK_BINDER:
	case BINDER_TYPE_HANDLE:
	case BINDER_TYPE_WEAK_HANDLE:
		return sizeof(struct flat_binder_object);
	case BINDER_TYPE_FD:
		return sizeof(struct binder_fd_object);
	case BINDER_TYPE_PTR:
		return sizeof(struct binder_buffer_object);
	case BINDER_TYPE_FDA:
		return sizeof(struct binder_fd_array_object);
	}
	return 0;
}

/* Any object a buffer may hold, as read from it */
union binder_object {
	struct binder_object_header hdr;
	struct flat_binder_object fbo;
	struct binder_fd_object fdo;
	struct binder_buffer_object bbo;
	struct binder_fd_array_object fdao;
};

/*
 * Read the object at @offset of @buffer into @obj.
 * Return: its size, or 0 when no valid object fits there.
 */
static size_t binder_get_object(struct binder_alloc *alloc,
				struct binder_buffer *buffer, u64 offset,
				union binder_object *obj)
{
	size_t data_size = buffer->data_size, size;
	u32 type;

	if (data_size < sizeof(struct binder_object_header) ||
	    offset > data_size - sizeof(struct binder_object_header) ||
	    !IS_ALIGNED(offset, sizeof(u32)))
		return 0;
	if (binder_alloc_copy_from_buffer(alloc, &type, buffer, offset,
					  sizeof(type)))
		return 0;
	size = binder_object_size(type);
	if (!size || data_size < size || offset > data_size - size)
		return 0;
	memset(obj, 0, sizeof(*obj));
	if (binder_alloc_copy_from_buffer(alloc, obj, buffer, offset,
					  min(size, sizeof(*obj))))
		return 0;
	return size;
}

static int binder_get_offset(struct binder_alloc *alloc,
			     struct binder_buffer *buffer, size_t index,
			     u64 *offset)
{
	size_t at = ALIGN(buffer->data_size, sizeof(u64)) +
		    index * sizeof(binder_size_t);
	binder_size_t off;
	int ret;

	ret = binder_alloc_copy_from_buffer(alloc, &off, buffer, at,
					    sizeof(off));
	*offset = off;
	return ret;
}

/* fds of a freed buffer's fd arrays, closed once context->lock is dropped */
struct binder_fd_batch {
	u32 *fd;
	size_t n;
	size_t cap;
};

/* The batch was sized (unlocked) for every fd of the buffer's fd arrays. */
static void binder_fd_batch_add(struct binder_fd_batch *b, u32 fd)
{
	if (b->n == b->cap) {
		pr_warn_ratelimited("fd array: out of memory, fd %u left open\n",
				    fd);
		return;
	}
	b->fd[b->n++] = fd;
}

/* A file whose last reference of the fd table goes once the ioctl is over */
struct binder_fd_close {
	struct callback_head twork;
	struct file *file;
};

static void binder_fd_close_work(struct callback_head *twork)
{
	struct binder_fd_close *c = container_of(twork, struct binder_fd_close,
						 twork);

	fput(c->file);
	kfree(c);
}

/*
 * Close @fd of the current task.  The fd goes now; its file keeps a
 * reference until the task returns to userspace (task work), since the
 * fd may name the very binder file whose ioctl runs (an fd array's fd
 * dup2()'d onto it) and the ioctl's fdget() may hold no reference.
 */
static void binder_close_fd_deferred(u32 fd)
{
	struct binder_fd_close *c = kzalloc(sizeof(*c), GFP_KERNEL);

	/* out of memory: close at once, as an ordinary close() would */
	if (!c) {
		close_fd(fd);
		return;
	}
	c->file = binder_file_close_fd(fd);
	if (!c->file) {
		kfree(c);
		return;
	}
	get_file(c->file);
	filp_close(c->file, current->files);
	init_task_work(&c->twork, binder_fd_close_work);
	if (task_work_add(current, &c->twork, TWA_RESUME))
		binder_fd_close_work(&c->twork);
}

static void binder_fd_batch_close(struct binder_fd_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		binder_close_fd_deferred(b->fd[i]);
	kfree(b->fd);
}

static size_t binder_buffer_object_count(struct binder_buffer *buffer)
{
	return buffer->offsets_size / sizeof(binder_size_t);
}

/*
 * Read the BINDER_TYPE_PTR object at offsets[@index] of @buffer, one of
 * its first @num_valid (already checked) objects, and where it is.
 */
static bool binder_get_ptr(struct binder_alloc *alloc,
			   struct binder_buffer *buffer, u64 index,
			   size_t num_valid, struct binder_buffer_object *bbo,
			   u64 *obj_offset)
{
	union binder_object obj;
	u64 offset;

	if (index >= num_valid ||
	    binder_get_offset(alloc, buffer, index, &offset) ||
	    !binder_get_object(alloc, buffer, offset, &obj) ||
	    obj.hdr.type != BINDER_TYPE_PTR)
		return false;
	*bbo = obj.bbo;
	if (obj_offset)
		*obj_offset = offset;
	return true;
}

/*
 * Where the fds of @fda, object @index of @buffer, are in @buffer: inside
 * its parent, an earlier PTR (at *@parent_obj).  An FDA of no fds places
 * none (*@at is 0), wherever its parent_offset points, as upstream.
 * Return: 0, or -EINVAL.
 */
static int binder_fda_fds_offset(struct binder_alloc *alloc,
				 struct binder_buffer *buffer,
				 const struct binder_fd_array_object *fda,
				 size_t index, u64 *parent_obj, u64 *at)
{
	struct binder_buffer_object parent;
	u64 size;

	if (!binder_get_ptr(alloc, buffer, fda->parent, index, &parent,
			    parent_obj))
		return -EINVAL;
	*at = 0;
	if (!fda->num_fds)
		return 0;
	if (check_mul_overflow((u64)fda->num_fds, (u64)sizeof(u32), &size) ||
	    size > parent.length ||
	    fda->parent_offset > parent.length - size ||
	    parent.buffer < buffer->user_data)
		return -EINVAL;
	*at = parent.buffer - buffer->user_data + fda->parent_offset;
	return 0;
}

/*
 * Give back what the first @count objects of @buffer (owned by @proc)
 * hold, and the buffer's count on its target node.  With @close (a buffer
 * its owner frees), the fds its fd arrays installed are collected there to
 * be closed.
 */
static void binder_buffer_release_clocked(struct binder_proc *proc,
					  struct binder_buffer *buffer,
					  size_t count,
					  struct binder_fd_batch *close)
{
	union binder_object obj;
	size_t i;

	if (buffer->target_node) {
		binder_dec_node(buffer->target_node, true, false);
		buffer->target_node = NULL;
	}
	for (i = 0; i < count; i++) {
		u64 offset, parent, at, k;
		struct binder_node *node;
		bool strong;

		if (binder_get_offset(&proc->alloc, buffer, i, &offset) ||
		    !binder_get_object(&proc->alloc, buffer, offset, &obj)) {
			pr_err_ratelimited("%d: release: bad object at index %zu\n",
					   proc->pid, i);
			continue;
		}
		strong = obj.hdr.type == BINDER_TYPE_BINDER ||
			 obj.hdr.type == BINDER_TYPE_HANDLE;
		switch (obj.hdr.type) {
		case BINDER_TYPE_BINDER:
		case BINDER_TYPE_WEAK_BINDER:
			node = binder_get_node(proc, obj.fbo.binder);
			if (!node) {
				pr_err_ratelimited("%d: release: bad node %016llx\n",
						   proc->pid,
						   (u64)obj.fbo.binder);
				break;
			}
			binder_dec_node(node, strong, false);
			binder_node_tmpref_put(node);
			break;
		case BINDER_TYPE_HANDLE:
		case BINDER_TYPE_WEAK_HANDLE:
			if (binder_update_ref_for_handle(proc,
							 obj.fbo.handle,
							 false, strong))
				pr_err_ratelimited("%d: release: bad handle %u\n",
						   proc->pid, obj.fbo.handle);
			break;
		case BINDER_TYPE_FDA:
			if (!close)
				break;
			if (binder_fda_fds_offset(&proc->alloc, buffer,
						  &obj.fdao, i, &parent, &at)) {
				pr_err_ratelimited("%d: release: bad fd array at index %zu\n",
						   proc->pid, i);
				break;
			}
			for (k = 0; k < obj.fdao.num_fds; k++) {
				u32 fd;

				if (binder_alloc_copy_from_buffer(&proc->alloc,
								  &fd, buffer,
								  at + k * sizeof(fd),
								  sizeof(fd)))
					break;
				binder_fd_batch_add(close, fd);
			}
			break;
		default:
			/*
			 * BINDER_TYPE_FD: the receiver owns the fd once
			 * delivered (userspace closes it), and an undelivered
			 * file is dropped with its transaction's fixups.
			 * BINDER_TYPE_PTR: its bytes go with the buffer.
			 */
			break;
		}
	}
}

/* How many fds the valid fd arrays of @buffer (owned by @proc) hold */
static size_t binder_buffer_fda_fds_clocked(struct binder_proc *proc,
					    struct binder_buffer *buffer)
{
	size_t i, n = 0, count = binder_buffer_object_count(buffer);
	union binder_object obj;
	u64 offset, parent, at;

	for (i = 0; i < count; i++) {
		if (binder_get_offset(&proc->alloc, buffer, i, &offset) ||
		    !binder_get_object(&proc->alloc, buffer, offset, &obj) ||
		    obj.hdr.type != BINDER_TYPE_FDA ||
		    binder_fda_fds_offset(&proc->alloc, buffer, &obj.fdao, i,
					  &parent, &at))
			continue;
		n += obj.fdao.num_fds;
	}
	return n;
}

/*
 * Free a buffer of @proc that userspace gave back or that never reached
 * it.  A freed oneway buffer lets the node's next oneway call through.
 */
static void binder_free_buf_clocked(struct binder_proc *proc,
				    struct binder_buffer *buffer,
				    struct binder_fd_batch *close)
{
	struct binder_transaction *t = buffer->owner;
	struct binder_node *node = buffer->target_node;

	trace_binder_transaction_buffer_release(buffer);
	if (t) {
		t->buffer = NULL;
		buffer->owner = NULL;
	}
	/*
	 * A dying proc drops its queues: nothing moves up any more.  The
	 * node's async queue and flag are its owner's (inner_lock), the
	 * owner link the node's (either lock reads it).
	 */
	spin_lock(&proc->inner_lock);
	if (buffer->async && node && node->proc == proc && !proc->killed) {
		struct binder_work *w;

		w = list_first_entry_or_null(&node->async_todo,
					     struct binder_work, entry);
		if (!w) {
			node->has_async_transaction = 0;
		} else {
			binder_dequeue_work_ilocked(proc, w);
			binder_enqueue_work_ilocked(proc, w, &proc->todo);
			binder_wakeup_proc_ilocked(proc);
		}
	}
	spin_unlock(&proc->inner_lock);
	binder_buffer_release_clocked(proc, buffer,
				      binder_buffer_object_count(buffer), close);
	/* the area's mutex is not taken under the device lock */
	binder_alloc_free_buf_later(&proc->alloc, buffer);
}

/**
 * binder_free_buffer_cmd() - BC_FREE_BUFFER
 * @proc:     the caller's proc
 * @thread:   the caller
 * @data_ptr: the buffer's data pointer, as delivered
 *
 * Unknown buffers and buffers not delivered (or already being freed) are
 * refused with a message; the command is consumed either way.  The fds
 * the buffer's fd arrays installed in the caller are closed.
 */
void binder_free_buffer_cmd(struct binder_proc *proc,
			    struct binder_thread *thread,
			    binder_uintptr_t data_ptr)
{
	struct binder_context *context = proc->context;
	struct binder_fd_batch close = { };
	struct binder_buffer *buffer;

	/* the area's mutex is never taken under the device lock */
	buffer = binder_alloc_prepare_to_free(&proc->alloc, data_ptr);
	if (IS_ERR_OR_NULL(buffer)) {
		/* a dead proc's buffers went with it: no error then */
		if (READ_ONCE(proc->killed))
			return;
		binder_user_error("%d:%d BC_FREE_BUFFER u%016llx %s\n",
				  proc->pid, thread->pid, (u64)data_ptr,
				  buffer ? "matched unreturned or currently freeing buffer" :
				  "no match");
		return;
	}
	binder_debug(BINDER_DEBUG_FREE_BUFFER, "%d:%d BC_FREE_BUFFER u%016llx\n",
		     proc->pid, thread->pid, (u64)data_ptr);
	/*
	 * The buffer is ours now (nobody else frees a buffer taken off
	 * userspace's hands, binder_proc_kill() included): size the batch
	 * of fds to close without the lock, then free it.
	 */
	mutex_lock(&context->lock);
	if (proc->killed)
		goto dead;
	close.cap = binder_buffer_fda_fds_clocked(proc, buffer);
	if (close.cap) {
		mutex_unlock(&context->lock);
		close.fd = kmalloc_array(close.cap, sizeof(*close.fd),
					 GFP_KERNEL);
		if (!close.fd)
			close.cap = 0;
		mutex_lock(&context->lock);
		if (proc->killed)
			goto dead;
	}
	binder_free_buf_clocked(proc, buffer, &close);
	mutex_unlock(&context->lock);
	binder_proc_free_deferred(proc);
	binder_fd_batch_close(&close);
	return;

dead:
	/* its nodes and refs are gone: only the area's part is left */
	mutex_unlock(&context->lock);
	binder_alloc_free_buf(&proc->alloc, buffer);
	kfree(close.fd);
}

/* ---- failing and cleaning up ---- */

/* Take @t off the top of its sender's stack. */
static void binder_pop_transaction_clocked(struct binder_thread *thread,
					   struct binder_transaction *t)
{
	if (WARN_ON_ONCE(thread->transaction_stack != t))
		return;
	thread->transaction_stack = t->from_parent;
	t->from = NULL;
}

/**
 * binder_send_failed_reply_clocked() - a sync call will get no reply
 * @t:          the call; freed here
 * @error_code: BR_DEAD_REPLY or BR_FAILED_REPLY for the caller
 *
 * When the caller itself is gone, the call it was serving fails too, up
 * the chain until a live caller is found.
 */
void binder_send_failed_reply_clocked(struct binder_transaction *t,
				      u32 error_code)
{
	struct binder_transaction *next;

	for (;;) {
		struct binder_thread *target = t->from;

		if (target) {
			binder_debug(BINDER_DEBUG_FAILED_TRANSACTION,
				     "send failed reply for transaction %d to %d:%d\n",
				     t->debug_id, target->proc->pid,
				     target->pid);
			binder_pop_transaction_clocked(target, t);
			if (target->reply_error.cmd == BR_OK) {
				target->reply_error.cmd = error_code;
				binder_enqueue_thread_work_clocked(target,
								   &target->reply_error.work);
				binder_wakeup_thread_clocked(target);
			} else {
				pr_warn_ratelimited("%d:%d unexpected reply error %u\n",
						    target->proc->pid,
						    target->pid,
						    target->reply_error.cmd);
			}
			binder_free_transaction_clocked(t);
			return;
		}
		next = t->from_parent;
		binder_debug(BINDER_DEBUG_FAILED_TRANSACTION,
			     "send failed reply for transaction %d, target dead\n",
			     t->debug_id);
		binder_free_transaction_clocked(t);
		if (!next)
			return;
		t = next;
	}
}

/*
 * A transaction that was never delivered goes away: its buffer is freed
 * (the receiver never saw it) and a sync caller gets BR_DEAD_REPLY.
 */
static void binder_cleanup_transaction_clocked(struct binder_transaction *t)
{
	struct binder_buffer *buffer = t->buffer;

	if (buffer) {
		t->buffer = NULL;
		buffer->owner = NULL;
		binder_free_buf_clocked(t->to_proc, buffer, NULL);
	}
	if (t->need_reply)
		binder_send_failed_reply_clocked(t, BR_DEAD_REPLY);
	else
		binder_free_transaction_clocked(t);
}

/**
 * binder_free_unowned_work() - free work that is nobody's once off its list
 * @w:    work just taken off a list
 * @type: its type, read when it was taken off
 *
 * Completions and cleared death or freeze notifications belong to the
 * list they are on; the rest is owned elsewhere (a transaction, a thread,
 * a ref, a node) and is left alone.
 * Return: whether @w was freed.
 */
bool binder_free_unowned_work(struct binder_work *w,
			      enum binder_work_type type)
{
	switch (type) {
	case BINDER_WORK_TRANSACTION_COMPLETE:
	case BINDER_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT:
	case BINDER_WORK_TRANSACTION_PENDING:
		kfree(w);
		binder_stats_deleted(BINDER_STAT_TRANSACTION_COMPLETE);
		return true;
	case BINDER_WORK_CLEAR_FREEZE_NOTIFICATION:
		binder_free_ref_freeze(container_of(w, struct binder_ref_freeze,
						    work));
		return true;
	case BINDER_WORK_DEAD_BINDER_AND_CLEAR:
	case BINDER_WORK_CLEAR_DEATH_NOTIFICATION:
		kfree(container_of(w, struct binder_ref_death, work));
		binder_stats_deleted(BINDER_STAT_DEATH);
		return true;
	default:
		return false;
	}
}

/**
 * binder_release_work_clocked() - drop every work item of @list
 * @proc: whose list it is
 * @list: a todo list (thread, proc or node async) being abandoned
 */
void binder_release_work_clocked(struct binder_proc *proc,
				 struct list_head *list)
{
	struct binder_transaction *t;
	enum binder_work_type type;
	struct binder_work *w;

	for (;;) {
		/*
		 * Taken off and its type read in one step: a ref deleted
		 * without context->lock takes its death or freeze work off
		 * the list and frees it under inner_lock.
		 */
		spin_lock(&proc->inner_lock);
		w = list_first_entry_or_null(list, struct binder_work, entry);
		if (w) {
			binder_dequeue_work_ilocked(proc, w);
			type = w->type;
		}
		spin_unlock(&proc->inner_lock);
		if (!w)
			break;
		if (type == BINDER_WORK_TRANSACTION) {
			t = container_of(w, struct binder_transaction, work);
			binder_cleanup_transaction_clocked(t);
		} else if (type == BINDER_WORK_RETURN_ERROR) {
			container_of(w, struct binder_error, work)->cmd = BR_OK;
		} else {
			/*
			 * A node's work, or a notification its ref owns
			 * (delivered again or dropped with the ref), stays.
			 */
			binder_free_unowned_work(w, type);
		}
	}
}

/* ---- delivery to the target ---- */

static struct binder_thread *binder_select_thread_ilocked(struct binder_proc *proc)
{
	struct binder_thread *thread;

	lockdep_assert_held(&proc->inner_lock);
	thread = list_first_entry_or_null(&proc->waiting_threads,
					  struct binder_thread, waiting_entry);
	if (thread)
		list_del_init(&thread->waiting_entry);
	return thread;
}

/*
 * Can @queued, a oneway call waiting on its node at a frozen proc, be
 * dropped for @t, a newer one with TF_UPDATE_TXN?  Both must be oneway
 * TF_UPDATE_TXN calls of the same sender with the same code and flags to
 * the same object.
 */
static bool binder_txn_supersedes(struct binder_transaction *t,
				  struct binder_transaction *queued)
{
	const u32 both = TF_ONE_WAY | TF_UPDATE_TXN;
	struct binder_node *a = t->buffer->target_node;
	struct binder_node *b = queued->buffer->target_node;

	return (t->flags & queued->flags & both) == both &&
	       t->to_proc->tsk == queued->to_proc->tsk &&
	       t->code == queued->code && t->flags == queued->flags &&
	       t->buffer->pid == queued->buffer->pid &&
	       a->ptr == b->ptr && a->cookie == b->cookie;
}

/*
 * The oneway call @t supersedes on @node's queue, taken off it, or NULL.
 * Under the owner's inner_lock; binder_drop_superseded_clocked() frees it.
 */
static struct binder_transaction *
binder_take_superseded_ilocked(struct binder_transaction *t,
			       struct binder_node *node)
{
	struct binder_transaction *queued;
	struct binder_work *w;

	lockdep_assert_held(&node->proc->inner_lock);
	list_for_each_entry(w, &node->async_todo, entry) {
		if (w->type != BINDER_WORK_TRANSACTION)
			continue;
		queued = container_of(w, struct binder_transaction, work);
		if (binder_txn_supersedes(t, queued)) {
			binder_dequeue_work_ilocked(node->proc, w);
			return queued;
		}
	}
	return NULL;
}

/* Free the superseded call @queued, once the inner_lock is dropped. */
static void binder_drop_superseded_clocked(struct binder_transaction *t,
					   struct binder_transaction *queued)
{
	struct binder_buffer *buffer;

	binder_debug(BINDER_DEBUG_TRANSACTION, "txn %d supersedes %d\n",
		     t->debug_id, queued->debug_id);
	buffer = queued->buffer;
	queued->buffer = NULL;
	buffer->owner = NULL;
	trace_binder_transaction_update_buffer_release(buffer);
	/* never delivered: its objects go back, its fds were never installed */
	binder_buffer_release_clocked(queued->to_proc, buffer,
				      binder_buffer_object_count(buffer), NULL);
	/* freed by the sender once it dropped the lock (binder_send_unpin) */
	binder_alloc_free_buf_later(&queued->to_proc->alloc, buffer);
	binder_free_transaction_clocked(queued);
}

/*
 * Queue @t for @proc: on @thread when the call must go there, else on a
 * waiting thread or the proc's list; a oneway call to a node that is busy
 * with one waits on the node.
 *
 * Return: 0; BR_DEAD_REPLY when the target is gone; BR_FROZEN_REPLY for a
 * sync call to a frozen proc; BR_TRANSACTION_PENDING_FROZEN when a oneway
 * call was queued at a frozen proc (success, with the 6.12 UAPI only).
 */
static u32 binder_proc_transaction_clocked(struct binder_transaction *t,
					   struct binder_proc *proc,
					   struct binder_thread *thread)
{
	struct binder_node *node = t->buffer->target_node;
	struct binder_transaction *superseded = NULL;
	bool oneway = t->flags & TF_ONE_WAY;
	bool pending_async = false;
	u32 ret = 0;

	/*
	 * The queue point: the target's frozen, killed and released states
	 * are checked under its inner_lock, which they change under, and
	 * the call is queued under it (LOCK ORDER 6).
	 */
	spin_lock(&proc->inner_lock);
	if (proc->frozen) {
		proc->sync_recv |= !oneway;
		proc->async_recv |= oneway;
	}
	if ((proc->frozen && !oneway) || proc->killed ||
	    !binder_proc_usable(proc) || (thread && thread->released)) {
		ret = proc->frozen ? BR_FROZEN_REPLY : BR_DEAD_REPLY;
		goto out;
	}

	if (oneway) {
		if (node->has_async_transaction)
			pending_async = true;
		else
			node->has_async_transaction = 1;
	}

	if (!thread && !pending_async)
		thread = binder_select_thread_ilocked(proc);

	/* counted first: dropping a superseded call never reaches zero */
	binder_outstanding_inc_ilocked(t);
	if (thread) {
		binder_enqueue_thread_work_ilocked(thread, &t->work);
	} else if (!pending_async) {
		binder_enqueue_work_ilocked(proc, &t->work, &proc->todo);
	} else {
		if ((t->flags & TF_UPDATE_TXN) && proc->frozen)
			superseded = binder_take_superseded_ilocked(t, node);
		binder_enqueue_work_ilocked(proc, &t->work, &node->async_todo);
	}

	if (!pending_async) {
		if (thread && !oneway)
			binder_wakeup_thread_sync_clocked(thread);
		else if (thread)
			binder_wakeup_thread_clocked(thread);
		else
			binder_wakeup_proc_ilocked(proc);
	}
	if (oneway && proc->frozen && BINDER_UAPI_FREEZE_NOTIFICATION)
		ret = BR_TRANSACTION_PENDING_FROZEN;
out:
	spin_unlock(&proc->inner_lock);
	if (superseded)
		binder_drop_superseded_clocked(t, superseded);
	return ret;
}

/* ---- sending ---- */

static int binder_translate_binder(struct binder_proc *proc,
				   struct binder_thread *thread,
				   struct binder_proc *target_proc,
				   const struct binder_transaction *t,
				   struct flat_binder_object *fp,
				   struct binder_spare *sp)
{
	bool strong = fp->hdr.type == BINDER_TYPE_BINDER;
	struct binder_node *node;
	struct binder_ref_id id;
	int ret;

	/* pinned, found or made */
	node = binder_new_node_clocked(proc, fp, sp);
	if (!node)
		return -ENOMEM;
	if (fp->cookie != node->cookie) {
		binder_user_error("%d:%d u%016llx node %d cookie %016llx != %016llx\n",
				  proc->pid, thread->pid, (u64)fp->binder,
				  node->debug_id, (u64)fp->cookie,
				  (u64)node->cookie);
		ret = -EINVAL;
		goto drop;
	}
	ret = binder_inc_ref_for_node(target_proc, node, strong,
				      &thread->todo, &id, sp);
	if (ret)
		goto drop;
	trace_binder_transaction_node_to_ref(t, node, &id);
	fp->hdr.type = strong ? BINDER_TYPE_HANDLE : BINDER_TYPE_WEAK_HANDLE;
	fp->binder = 0;
	fp->handle = id.desc;
	fp->cookie = 0;
drop:
	/* a node made for this object and left unused goes again (as upstream) */
	binder_node_tmpref_put(node);
	return ret;
}

static int binder_translate_handle(struct binder_proc *proc,
				   struct binder_thread *thread,
				   struct binder_proc *target_proc,
				   const struct binder_transaction *t,
				   struct flat_binder_object *fp,
				   struct binder_spare *sp)
{
	bool strong = fp->hdr.type == BINDER_TYPE_HANDLE;
	struct binder_ref_id src, dst;
	struct binder_node *node;
	int ret = 0;

	node = binder_handle_node(proc, fp->handle, strong, &src);
	if (!node) {
		binder_user_error("%d:%d got transaction with invalid handle, %u\n",
				  proc->pid, thread->pid, fp->handle);
		return -EINVAL;
	}
	if (node->proc == target_proc) {
		fp->hdr.type = strong ? BINDER_TYPE_BINDER :
					BINDER_TYPE_WEAK_BINDER;
		fp->binder = node->ptr;
		fp->cookie = node->cookie;
		binder_inc_node(node, strong, false, NULL);
		trace_binder_transaction_ref_to_node(t, node, &src);
		goto unpin;
	}
	ret = binder_inc_ref_for_node(target_proc, node, strong, NULL,
				      &dst, sp);
	if (ret)
		goto unpin;
	trace_binder_transaction_ref_to_ref(t, node, &src, &dst);
	fp->binder = 0;
	fp->handle = dst.desc;
	fp->cookie = 0;
unpin:
	binder_node_tmpref_put(node);
	return ret;
}

/* Who sends files to whom: fd objects are translated without the lock */
struct binder_fd_send {
	struct binder_proc *proc;
	struct binder_thread *thread;
	struct binder_proc *target_proc;
	struct binder_transaction *t;
	bool accept_fds;
};

/*
 * A file for the receiver: checked and referenced now, installed as an fd
 * by the receiving thread when it reads the transaction.  Runs unlocked:
 * the transaction is not visible to anyone else yet.
 */
static int binder_translate_fd(struct binder_fd_send *fs, u32 fd,
			       size_t fd_offset)
{
	struct binder_txn_fd_fixup *fixup;
	struct file *file;
	int ret;

	if (!fs->accept_fds) {
		binder_user_error("%d:%d transaction with fd %u, target does not allow fds\n",
				  fs->proc->pid, fs->thread->pid, fd);
		return -EPERM;
	}
	file = fget(fd);
	if (!file) {
		binder_user_error("%d:%d got transaction with invalid fd, %u\n",
				  fs->proc->pid, fs->thread->pid, fd);
		return -EBADF;
	}
	ret = security_binder_transfer_file(fs->proc->cred,
					    fs->target_proc->cred, file);
	if (ret < 0) {
		fput(file);
		return -EPERM;
	}
	fixup = kzalloc(sizeof(*fixup), GFP_KERNEL);
	if (!fixup) {
		fput(file);
		return -ENOMEM;
	}
	fixup->file = file;
	fixup->offset = fd_offset;
	fixup->target_fd = -1;
	list_add_tail(&fixup->entry, &fs->t->fd_fixups);
	trace_binder_transaction_fd_send(fs->t, fd, fd_offset);
	return 0;
}

/* The fds of a checked fd array, object @index of @buffer, in order */
static int binder_translate_fda(struct binder_fd_send *fs,
				struct binder_buffer *buffer, size_t index,
				const struct binder_fd_array_object *fda)
{
	struct binder_alloc *alloc = &fs->target_proc->alloc;
	u64 parent, at, k;
	int ret;

	ret = binder_fda_fds_offset(alloc, buffer, fda, index, &parent, &at);
	for (k = 0; !ret && k < fda->num_fds; k++) {
		u64 fd_at = at + k * sizeof(u32);
		u32 fd;

		ret = binder_alloc_copy_from_buffer(alloc, &fd, buffer, fd_at,
						    sizeof(fd));
		if (!ret)
			ret = binder_translate_fd(fs, fd, fd_at);
	}
	return ret;
}

/*
 * Scatter-gather state of one send: where the next BINDER_TYPE_PTR's bytes
 * go in the buffer's sg area, and the PTR object the last fixup went into
 * with the lowest offset a next fixup may use in it.  A last object at
 * offset 0 means "none yet", as upstream has it (so a PTR at data offset 0
 * can be nobody's parent).
 */
struct binder_sg {
	u64 next;
	u64 end;
	u64 last_obj;
	u64 last_min;
};

/*
 * Fixups go into one buffer at growing offsets, and only into the PTR last
 * fixed up in or one of its ancestors (whose own fixups then limit how low
 * the offset may be).
 */
static bool binder_sg_fixup_in_order(struct binder_alloc *alloc,
				     struct binder_buffer *buffer,
				     const struct binder_sg *sg,
				     u64 parent_obj, u64 fixup_offset)
{
	u64 obj = sg->last_obj, min = sg->last_min;

	if (!obj)
		return false;
	/* each step goes to a lower index: the walk ends */
	while (obj != parent_obj) {
		union binder_object o;

		if (binder_get_object(alloc, buffer, obj, &o) != sizeof(o.bbo) ||
		    o.hdr.type != BINDER_TYPE_PTR ||
		    !(o.bbo.flags & BINDER_BUFFER_FLAG_HAS_PARENT))
			return false;
		min = o.bbo.parent_offset + sizeof(binder_uintptr_t);
		if (binder_get_offset(alloc, buffer, o.bbo.parent, &obj))
			return false;
	}
	return fixup_offset >= min;
}

/*
 * A BINDER_TYPE_PTR, object @index at @offset: its bytes are copied from
 * the sender into the sg area, its buffer points there, and a child's
 * address is written into its parent.
 */
static int binder_sg_ptr(struct binder_alloc *alloc,
			 struct binder_buffer *buffer, struct binder_sg *sg,
			 size_t index, u64 offset,
			 struct binder_buffer_object *bbo)
{
	struct binder_buffer_object parent;
	u64 parent_obj, at;

	if (bbo->length > sg->end - sg->next)
		return -EINVAL;
	if (binder_alloc_copy_user_to_buffer(alloc, buffer, sg->next,
					     u64_to_user_ptr(bbo->buffer),
					     bbo->length))
		return -EINVAL;
	bbo->buffer = buffer->user_data + sg->next;
	sg->next += ALIGN(bbo->length, sizeof(u64));

	if (bbo->flags & BINDER_BUFFER_FLAG_HAS_PARENT) {
		if (!binder_get_ptr(alloc, buffer, bbo->parent, index, &parent,
				    &parent_obj) ||
		    !binder_sg_fixup_in_order(alloc, buffer, sg, parent_obj,
					      bbo->parent_offset) ||
		    parent.length < sizeof(binder_uintptr_t) ||
		    bbo->parent_offset > parent.length -
					 sizeof(binder_uintptr_t))
			return -EINVAL;
		at = parent.buffer - buffer->user_data + bbo->parent_offset;
		if (binder_alloc_copy_to_buffer(alloc, buffer, at, &bbo->buffer,
						sizeof(bbo->buffer)))
			return -EINVAL;
	}
	sg->last_obj = offset;
	sg->last_min = 0;
	return 0;
}

/*
 * A BINDER_TYPE_FDA, object @index: its fds must lie, 4-aligned, in an
 * earlier PTR (copied already); they are translated with the other objects.
 * @udata is the sender's data, where its own copy of the parent says where
 * the fds were in its memory.
 */
static int binder_sg_fda(struct binder_alloc *alloc,
			 struct binder_buffer *buffer, struct binder_sg *sg,
			 size_t index, const void __user *udata,
			 const struct binder_fd_array_object *fda)
{
	binder_uintptr_t sender_base;
	u64 parent_obj, at;

	if (binder_fda_fds_offset(alloc, buffer, fda, index, &parent_obj,
				  &at) ||
	    !binder_sg_fixup_in_order(alloc, buffer, sg, parent_obj,
				      fda->parent_offset))
		return -EINVAL;
	if (copy_from_user(&sender_base, udata + parent_obj +
			   offsetof(struct binder_buffer_object, buffer),
			   sizeof(sender_base)))
		return -EINVAL;
	if (fda->num_fds &&
	    (!IS_ALIGNED(at, sizeof(u32)) ||
	     !IS_ALIGNED(sender_base + fda->parent_offset, sizeof(u32))))
		return -EINVAL;
	sg->last_obj = parent_obj;
	sg->last_min = fda->parent_offset + fda->num_fds * sizeof(u32);
	return 0;
}

/* What translating a buffer's objects may create, allocated unlocked */
struct binder_obj_counts {
	size_t nodes;
	size_t refs;
};

/*
 * First pass over a freshly filled @buffer, without context->lock: every
 * object is checked (offsets in order, objects inside the data), sg
 * buffers are copied and fixed up, fd arrays checked, files (FD and FDA
 * objects) translated, and the LSM asked about each binder and handle
 * (security_binder_transfer_binder; the second pass translates them).
 * @udata is the sender's data.
 *
 * Return: 0, or a negative errno; *count says how many objects passed.
 * The second pass translates the binders and handles of those and reports
 * this error after them, so the first failing object decides the error,
 * as when done in one pass.  @objs adds up the nodes and refs that pass
 * may create, to be allocated before it takes the lock.
 */
static int binder_check_objects(struct binder_fd_send *fs,
				struct binder_buffer *buffer,
				u64 sg_size, const void __user *udata,
				size_t *count, struct binder_obj_counts *objs)
{
	struct binder_alloc *alloc = &fs->target_proc->alloc;
	size_t i, n = binder_buffer_object_count(buffer);
	struct binder_sg sg = { };
	union binder_object obj;
	u64 off_min = 0;
	int ret = 0;

	sg.next = ALIGN(buffer->data_size, sizeof(u64)) +
		  ALIGN(buffer->offsets_size, sizeof(u64));
	sg.end = sg.next + sg_size;
	for (i = 0; i < n; i++) {
		size_t size;
		u64 offset;

		if (binder_get_offset(alloc, buffer, i, &offset)) {
			ret = -EINVAL;
			break;
		}
		size = binder_get_object(alloc, buffer, offset, &obj);
		if (!size || offset < off_min) {
			binder_user_error("%d:%d bad offset (%lld, min %lld max %zd) or object\n",
					  current->tgid, current->pid, offset,
					  off_min, buffer->data_size);
			ret = -EINVAL;
			break;
		}
		off_min = offset + size;
		switch (obj.hdr.type) {
		case BINDER_TYPE_BINDER:
		case BINDER_TYPE_WEAK_BINDER:
			objs->nodes++;
			fallthrough;
		case BINDER_TYPE_HANDLE:
		case BINDER_TYPE_WEAK_HANDLE:
			objs->refs++;
			/* the LSM is asked here, unlocked, for each of them */
			if (security_binder_transfer_binder(fs->proc->cred,
							    fs->target_proc->cred))
				ret = -EPERM;
			break;
		case BINDER_TYPE_FD:
			ret = binder_translate_fd(fs, obj.fdo.fd,
						  offset + offsetof(struct binder_fd_object,
								    fd));
			obj.fdo.pad_binder = 0;
			if (!ret && binder_alloc_copy_to_buffer(alloc, buffer,
								offset, &obj,
								size))
				ret = -EINVAL;
			break;
		case BINDER_TYPE_PTR:
			ret = binder_sg_ptr(alloc, buffer, &sg, i, offset,
					    &obj.bbo);
			if (!ret && binder_alloc_copy_to_buffer(alloc, buffer,
								offset, &obj,
								size))
				ret = -EINVAL;
			if (ret)
				binder_user_error("%d:%d bad buffer object at index %zu\n",
						  current->tgid, current->pid, i);
			break;
		case BINDER_TYPE_FDA:
			ret = binder_sg_fda(alloc, buffer, &sg, i, udata,
					    &obj.fdao);
			if (ret)
				binder_user_error("%d:%d bad fd array object at index %zu\n",
						  current->tgid, current->pid, i);
			else
				ret = binder_translate_fda(fs, buffer, i,
							   &obj.fdao);
			break;
		}
		if (ret)
			break;
	}
	*count = i;
	return ret;
}

/*
 * Translate the binders and handles of the first @count objects of
 * @buffer (checked by binder_check_objects()) for @target_proc.
 * Return: 0, or a negative errno; *done says how many objects were
 * translated (and hold counts) either way.
 */
static int binder_translate_objects_clocked(struct binder_proc *proc,
					    struct binder_thread *thread,
					    struct binder_proc *target_proc,
					    const struct binder_transaction *t,
					    struct binder_buffer *buffer,
					    size_t count, size_t *done,
					    struct binder_spare *sp)
{
	struct binder_alloc *alloc = &target_proc->alloc;
	union binder_object obj;
	size_t i;
	int ret;

	*done = 0;
	for (i = 0; i < count; i++) {
		size_t size;
		u64 offset;

		if (binder_get_offset(alloc, buffer, i, &offset))
			return -EINVAL;
		size = binder_get_object(alloc, buffer, offset, &obj);
		if (!size)
			return -EINVAL;

		switch (obj.hdr.type) {
		case BINDER_TYPE_BINDER:
		case BINDER_TYPE_WEAK_BINDER:
			ret = binder_translate_binder(proc, thread, target_proc,
						      t, &obj.fbo, sp);
			break;
		case BINDER_TYPE_HANDLE:
		case BINDER_TYPE_WEAK_HANDLE:
			ret = binder_translate_handle(proc, thread, target_proc,
						      t, &obj.fbo, sp);
			break;
		default:
			/* FD, FDA, PTR: done by binder_check_objects() */
			*done = i + 1;
			continue;
		}
		if (ret)
			return ret;
		if (binder_alloc_copy_to_buffer(alloc, buffer, offset, &obj,
						size))
			return -EINVAL;
		*done = i + 1;
	}
	return 0;
}

static struct binder_work *binder_tcomplete_new(void)
{
	struct binder_work *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return NULL;
	INIT_LIST_HEAD(&w->entry);
	w->type = BINDER_WORK_TRANSACTION_COMPLETE;
	binder_stats_created(BINDER_STAT_TRANSACTION_COMPLETE);
	return w;
}

static void binder_tcomplete_free(struct binder_work *w)
{
	if (!w)
		return;
	kfree(w);
	binder_stats_deleted(BINDER_STAT_TRANSACTION_COMPLETE);
}

/*
 * What one send holds while context->lock is dropped.  @target_proc and
 * @target_thread are pinned (binder_proc_get/binder_thread_get) where they
 * are found, @target_node holds a tmp ref; the end of binder_transaction()
 * drops each pin it finds set, in one place: the node's under the lock,
 * the others after it (binder_send_unpin()).
 */
struct binder_send {
	struct binder_proc *target_proc;
	struct binder_thread *target_thread;
	struct binder_node *target_node;
	struct binder_transaction *in_reply_to;
	u32 return_error;
	int param;
	const char *why;
};

/* Drop the tmp ref the send holds on its target node. */
static void binder_send_unpin_node_clocked(struct binder_send *s)
{
	if (s->target_node)
		binder_node_tmpref_put(s->target_node);
	s->target_node = NULL;
}

/*
 * With context->lock dropped: free the buffers the send gave back in the
 * target's area (a failed send's, one a TF_UPDATE_TXN call replaced),
 * then drop the target's pins (the target may be freed here).
 */
static void binder_send_unpin(struct binder_send *s)
{
	if (s->target_proc)
		binder_proc_free_deferred(s->target_proc);
	if (s->target_thread)
		binder_thread_put(s->target_thread);
	if (s->target_proc)
		binder_proc_put(s->target_proc);
}

/* Under the lock: find where a reply goes.  Return: 0 or -1 (error set). */
static int binder_send_reply_target_clocked(struct binder_thread *thread,
					    struct binder_send *s)
{
	struct binder_transaction *in_reply_to = thread->transaction_stack;

	if (!in_reply_to) {
		s->why = "reply with no transaction stack";
		s->param = -EPROTO;
		return -1;
	}
	if (in_reply_to->to_thread != thread) {
		s->why = "reply with bad transaction stack";
		s->param = -EPROTO;
		return -1;
	}
	thread->transaction_stack = in_reply_to->to_parent;
	in_reply_to->to_tid = thread->pid;
	in_reply_to->to_thread = NULL;
	binder_set_nice(in_reply_to->saved_priority);
	s->in_reply_to = in_reply_to;
	if (!in_reply_to->from) {
		s->return_error = BR_DEAD_REPLY;
		s->why = "reply to a dead caller";
		return -1;
	}
	s->target_thread = binder_thread_get(in_reply_to->from);
	s->target_proc = binder_proc_get(s->target_thread->proc);
	return 0;
}

/* Under the lock: find where a call goes.  Return: 0 or -1 (error set). */
static int binder_send_call_target_clocked(struct binder_proc *proc,
					   struct binder_thread *thread,
					   const struct binder_transaction_data *tr,
					   struct binder_send *s)
{
	struct binder_context *context = proc->context;
	struct binder_node *node;

	/* the node is pinned where it is found; the pin is kept on success */
	if (tr->target.handle) {
		node = binder_handle_node(proc, tr->target.handle,
					  true, NULL);
		if (!node) {
			s->why = "transaction to invalid handle";
			s->param = -EINVAL;
			return -1;
		}
	} else {
		node = binder_context_mgr_get(context);
		if (!node) {
			s->return_error = BR_DEAD_REPLY;
			s->why = "no context manager";
			s->param = -EINVAL;
			return -1;
		}
		/* from any fd of the owning process, as upstream (by pid) */
		if (node->proc && node->proc->pid == proc->pid) {
			s->why = "transaction to context manager from process owning it";
			s->param = -EINVAL;
			goto unpin;
		}
	}
	if (!node->proc || !binder_proc_usable(node->proc) ||
	    node->proc->killed) {
		s->return_error = BR_DEAD_REPLY;
		s->why = "target node is dead";
		s->param = -EINVAL;
		goto unpin;
	}
	if (WARN_ON_ONCE(node->proc == proc)) {
		s->why = "transaction to own node";
		s->param = -EINVAL;
		goto unpin;
	}
	s->target_proc = binder_proc_get(node->proc);
	s->target_node = node;
	/* the buffer's count on its target; the pin stays while unlocked */
	binder_inc_node(node, true, false, NULL);

	if (!(tr->flags & TF_ONE_WAY) && thread->transaction_stack) {
		struct binder_transaction *tmp = thread->transaction_stack;

		if (tmp->to_thread != thread) {
			s->why = "new transaction with bad transaction stack";
			s->param = -EPROTO;
			return -1;
		}
		for (; tmp; tmp = tmp->from_parent) {
			if (tmp->from && tmp->from->proc == s->target_proc) {
				s->target_thread = binder_thread_get(tmp->from);
				break;
			}
		}
	}
	return 0;

unpin:
	binder_node_tmpref_put(node);
	return -1;
}

/* What the logs keep of a transaction: what the sender asked for */
static void binder_txn_record_start(struct binder_txn_record *rec,
				    struct binder_proc *proc,
				    struct binder_thread *thread,
				    const struct binder_transaction_data *tr,
				    int debug_id, bool reply)
{
	memset(rec, 0, sizeof(*rec));
	rec->start_ns = ktime_get_ns();
	rec->debug_id = debug_id;
	rec->call_type = reply ? BINDER_TXN_REPLY :
			 tr->flags & TF_ONE_WAY ? BINDER_TXN_ASYNC :
			 BINDER_TXN_CALL;
	rec->from_proc = proc->pid;
	rec->from_thread = thread->pid;
	rec->target_handle = tr->target.handle;
	rec->data_size = tr->data_size;
	rec->offsets_size = tr->offsets_size;
	rec->flags = tr->flags;
	rec->code = tr->code;
	strscpy(rec->context, proc->device->name, sizeof(rec->context));
}

/* ... and where it went, read while the target is still pinned */
static void binder_txn_record_target(struct binder_txn_record *rec,
				     const struct binder_send *s)
{
	rec->to_proc = s->target_proc ? s->target_proc->pid : 0;
	rec->to_thread = s->target_thread ? s->target_thread->pid : 0;
	rec->to_node = s->target_node ? s->target_node->debug_id : 0;
}

/**
 * binder_transaction() - BC_TRANSACTION(_SG) or BC_REPLY(_SG)
 * @proc:         the sender's proc
 * @thread:       the sender
 * @tr:           the command's payload
 * @buffers_size: the sg area for BINDER_TYPE_PTR objects (0 without _SG)
 * @reply:        BC_REPLY(_SG)
 *
 * Failures are reported to userspace as BR_* work (BR_FAILED_REPLY,
 * BR_DEAD_REPLY), never as an ioctl error.
 *
 * Return: 0.
 */
int binder_transaction(struct binder_proc *proc, struct binder_thread *thread,
		       const struct binder_transaction_data *tr,
		       binder_size_t buffers_size, bool reply)
{
	struct binder_context *context = proc->context;
	struct binder_send s = { .return_error = BR_FAILED_REPLY };
	bool oneway = !reply && (tr->flags & TF_ONE_WAY);
	struct binder_buffer *buffer = NULL;
	struct binder_obj_counts objs = { };
	struct binder_fd_send fs;
	struct binder_transaction *t;
	struct binder_work *tcomplete;
	size_t done = 0, checked = 0;
	struct binder_txn_record *rec = &thread->log_rec;
	struct binder_spare sp;
	char *secctx = NULL;
	u32 secctx_sz = 0;
	u64 extra_size;
	int check_ret;
	int debug_id;
	int ret;

	t = binder_transaction_new();
	tcomplete = binder_tcomplete_new();
	debug_id = t ? t->debug_id : 0;
	/*
	 * As upstream, a sync call names its caller from the start: a call
	 * that fails before it is queued is traced (binder_txn_latency_free)
	 * from it.  Until t is queued only debugfs sees it, and it does not
	 * follow t->from.
	 */
	if (t && !reply && !oneway)
		t->from = thread;
	binder_spare_init(&sp);
	binder_txn_record_start(rec, proc, thread, tr, debug_id, reply);

	mutex_lock(&context->lock);
	binder_set_extended_error(&thread->ee, debug_id, BR_OK, 0);
	if (t)
		binder_context_txn_add(context, t);
	if (thread->released) {
		/* a holder's thread, and the owner died under it */
		s.return_error = BR_DEAD_REPLY;
		s.why = "sender's proc is dead";
		s.param = -ESRCH;
		goto err;
	}
	if (!t || !tcomplete) {
		s.why = "out of memory";
		s.param = -ENOMEM;
		goto err;
	}
	if (reply)
		ret = binder_send_reply_target_clocked(thread, &s);
	else
		ret = binder_send_call_target_clocked(proc, thread, tr, &s);
	if (ret)
		goto err;
	trace_binder_transaction(reply, t, tr, s.target_node, s.target_proc,
				 s.target_thread);
	/* named from here, as upstream; s pins them until t is freed or queued */
	t->to_proc = s.target_proc;
	t->to_tid = s.target_thread ? s.target_thread->pid : 0;
	t->traced = 1;
	mutex_unlock(&context->lock);

	/* the LSM is asked unlocked; replies are not checked, as upstream */
	if (!reply && security_binder_transaction(proc->cred,
						  s.target_proc->cred) < 0) {
		s.why = "refused by security module";
		s.param = -EPERM;
		mutex_lock(&context->lock);
		goto err;
	}

	/* the node's flags never change: no lock needed to read them */
	if (s.target_node && s.target_node->txn_security_ctx) {
		u32 secid;

		security_cred_getsecid(proc->cred, &secid);
		ret = security_secid_to_secctx(secid, &secctx, &secctx_sz);
		if (ret) {
			secctx = NULL;
			s.param = ret;
			s.why = "no security context";
			mutex_lock(&context->lock);
			goto err;
		}
	}

	if (check_add_overflow((u64)buffers_size,
			       (u64)ALIGN(secctx_sz, sizeof(u64)),
			       &extra_size)) {
		s.param = -EINVAL;
		s.why = "sg and security context sizes overflow";
		mutex_lock(&context->lock);
		goto err;
	}

	/* Fill the buffer in the target's area; this sleeps and faults. */
	buffer = binder_alloc_new_buf(&s.target_proc->alloc, tr->data_size,
				      tr->offsets_size, extra_size, oneway,
				      current->tgid);
	if (IS_ERR(buffer)) {
		ret = PTR_ERR(buffer);
		buffer = NULL;
		s.return_error = ret == -ESRCH ? BR_DEAD_REPLY : BR_FAILED_REPLY;
		s.param = ret;
		s.why = ret == -ESRCH ? "no buffer: vma cleared, target dead or dying" :
			ret == -ENOSPC ? "no buffer: no space left" :
			"no buffer";
		mutex_lock(&context->lock);
		goto err;
	}
	buffer->debug_id = t->debug_id;
	trace_binder_transaction_alloc_buf(buffer);
	ret = binder_alloc_copy_user_to_buffer(&s.target_proc->alloc, buffer, 0,
					       u64_to_user_ptr(tr->data.ptr.buffer),
					       tr->data_size);
	if (!ret)
		ret = binder_alloc_copy_user_to_buffer(&s.target_proc->alloc,
						       buffer,
						       ALIGN(tr->data_size, sizeof(u64)),
						       u64_to_user_ptr(tr->data.ptr.offsets),
						       tr->offsets_size);

	if (!ret && secctx) {
		size_t at = ALIGN(tr->data_size, sizeof(u64)) +
			    ALIGN(tr->offsets_size, sizeof(u64)) + buffers_size;

		ret = binder_alloc_copy_to_buffer(&s.target_proc->alloc, buffer,
						  at, secctx, secctx_sz);
		t->security_ctx = buffer->user_data + at;
	}
	/* objects are checked, sg buffers filled, files taken unlocked too */
	fs.proc = proc;
	fs.thread = thread;
	fs.target_proc = s.target_proc;
	fs.t = t;
	/* the node's flags and the call's never change: readable unlocked */
	fs.accept_fds = reply ? !!(s.in_reply_to->flags & TF_ACCEPT_FDS) :
				s.target_node->accept_fds;
	check_ret = -EINVAL;
	if (!ret && IS_ALIGNED(tr->offsets_size, sizeof(binder_size_t)) &&
	    IS_ALIGNED(buffers_size, sizeof(u64)))
		check_ret = binder_check_objects(&fs, buffer, buffers_size,
						 u64_to_user_ptr(tr->data.ptr.buffer),
						 &checked, &objs);
	/* what translation may create, allocated while still unlocked */
	if (!ret && binder_spare_fill(&sp, objs.nodes, objs.refs))
		ret = -ENOMEM;

	mutex_lock(&context->lock);
	/* the buffer now holds the node's strong count taken above */
	buffer->target_node = s.target_node;
	buffer->clear_on_free = tr->flags & TF_CLEAR_BUF;
	if (ret) {
		s.why = ret == -ENOMEM ? "out of memory" :
			"invalid data or offsets pointer";
		s.param = ret == -ENOMEM ? ret : -EFAULT;
		goto err;
	}
	if (!IS_ALIGNED(tr->offsets_size, sizeof(binder_size_t))) {
		s.why = "invalid offsets size";
		s.param = -EINVAL;
		goto err;
	}
	if (!IS_ALIGNED(buffers_size, sizeof(u64))) {
		s.why = "unaligned sg buffers size";
		s.param = -EINVAL;
		goto err;
	}
	if (thread->released) {
		s.return_error = BR_DEAD_REPLY;
		s.why = "sender's proc died";
		s.param = -ESRCH;
		goto err;
	}
	if (s.target_proc->killed || !binder_proc_usable(s.target_proc) ||
	    (s.target_thread && s.target_thread->released) ||
	    (reply && s.in_reply_to->from != s.target_thread)) {
		s.return_error = BR_DEAD_REPLY;
		s.why = "target died";
		goto err;
	}
	if (reply && s.target_thread->transaction_stack != s.in_reply_to) {
		/* as upstream: the replier gets the error, the call stays */
		s.in_reply_to = NULL;
		s.why = "reply to a caller with another transaction on top";
		s.param = -EPROTO;
		goto err;
	}
	ret = binder_translate_objects_clocked(proc, thread, s.target_proc, t,
					       buffer, checked, &done, &sp);
	if (!ret)
		ret = check_ret;
	if (ret) {
		s.param = ret;
		s.why = "object translation failed";
		goto err;
	}

	t->from_pid = proc->pid;
	t->from_tid = thread->pid;
	t->code = tr->code;
	t->flags = tr->flags;
	t->sender_euid = task_euid(proc->tsk);
	t->priority = task_nice(current);
	t->buffer = buffer;
	buffer->owner = t;

	if (reply) {
		struct binder_thread *caller = s.target_thread;

		binder_enqueue_thread_work_clocked(thread, tcomplete);
		binder_pop_transaction_clocked(caller, s.in_reply_to);
		binder_free_transaction_clocked(s.in_reply_to);
		binder_enqueue_thread_work_clocked(caller, &t->work);
		binder_outstanding_inc_clocked(t);
		binder_wakeup_thread_sync_clocked(caller);
	} else if (!oneway) {
		t->need_reply = 1;
		t->from_parent = thread->transaction_stack;
		thread->transaction_stack = t;
		binder_enqueue_deferred_thread_work_clocked(thread, tcomplete);
		ret = binder_proc_transaction_clocked(t, s.target_proc,
						      s.target_thread);
		if (ret) {
			thread->transaction_stack = t->from_parent;
			binder_dequeue_work_clocked(proc, tcomplete);
			t->from = NULL;
			t->need_reply = 0;
			s.return_error = ret;
			s.why = ret == BR_FROZEN_REPLY ? "target frozen" :
				"target died";
			goto err_linked;
		}
	} else {
		if (buffer->oneway_spam_suspect)
			tcomplete->type =
				BINDER_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT;
		binder_enqueue_thread_work_clocked(thread, tcomplete);
		ret = binder_proc_transaction_clocked(t, s.target_proc, NULL);
		if (ret == BR_TRANSACTION_PENDING_FROZEN) {
			/* queued: the sender is told it waits for a thaw */
			tcomplete->type = BINDER_WORK_TRANSACTION_PENDING;
		} else if (ret) {
			binder_dequeue_work_clocked(proc, tcomplete);
			s.return_error = ret;
			s.why = "target died";
			goto err_linked;
		}
	}
	binder_debug(BINDER_DEBUG_TRANSACTION,
		     "%d:%d %s %d to %d:%d node %d size %lld-%lld\n",
		     proc->pid, thread->pid, reply ? "BC_REPLY" :
		     "BC_TRANSACTION", t->debug_id, s.target_proc->pid,
		     s.target_thread ? s.target_thread->pid : 0,
		     s.target_node ? s.target_node->debug_id : 0,
		     (u64)tr->data_size, (u64)tr->offsets_size);
	binder_txn_record_target(rec, &s);
	binder_send_unpin_node_clocked(&s);
	mutex_unlock(&context->lock);
	binder_send_unpin(&s);
	binder_txn_log_sent(rec);
	binder_spare_drain(&sp);
	if (secctx)
		security_release_secctx(secctx, secctx_sz);
	return 0;

err_linked:
	t->buffer = NULL;
	buffer->owner = NULL;
err:
	if (buffer) {
		trace_binder_transaction_failed_buffer_release(buffer);
		binder_buffer_release_clocked(s.target_proc, buffer, done, NULL);
		binder_alloc_free_buf_later(&s.target_proc->alloc, buffer);
	} else if (s.target_node) {
		binder_dec_node(s.target_node, true, false);
	}
	binder_debug(BINDER_DEBUG_FAILED_TRANSACTION,
		     "%d:%d transaction %s to %d failed, %s, code %u size %lld-%lld\n",
		     proc->pid, thread->pid, reply ? "reply" : "call",
		     s.target_proc ? s.target_proc->pid : 0, s.why, tr->code,
		     (u64)tr->data_size, (u64)tr->offsets_size);
	binder_txn_record_target(rec, &s);
	rec->return_error = s.return_error;
	rec->return_error_param = s.param;
	rec->why = s.why;
	if (t)
		binder_free_transaction_clocked(t);
	binder_send_unpin_node_clocked(&s);
	binder_tcomplete_free(tcomplete);

	if (s.in_reply_to) {
		struct binder_thread *caller = s.in_reply_to->from;

		/* the replier is done; the caller learns of the failure */
		if (caller && caller->ee.command == BR_OK)
			binder_set_extended_error(&caller->ee, debug_id,
						  s.return_error, s.param);
		if (!thread->released) {
			thread->return_error.cmd = BR_TRANSACTION_COMPLETE;
			binder_enqueue_thread_work_clocked(thread,
							   &thread->return_error.work);
		}
		binder_send_failed_reply_clocked(s.in_reply_to, s.return_error);
	} else if (!thread->released) {
		binder_set_extended_error(&thread->ee, debug_id, s.return_error,
					  s.param);
		thread->return_error.cmd = s.return_error;
		binder_enqueue_thread_work_clocked(thread,
						   &thread->return_error.work);
	}
	mutex_unlock(&context->lock);
	/* the last pin of a torn-down target frees it: nothing after this */
	binder_send_unpin(&s);
	binder_txn_log_failed(rec);
	binder_spare_drain(&sp);
	if (secctx)
		security_release_secctx(secctx, secctx_sz);
	return 0;
}

/**
 * binder_transaction_delivered_clocked() - @thread read @t
 * @thread: the reader
 * @t:      a transaction just returned as BR_TRANSACTION or BR_REPLY
 *
 * A sync call joins the reader's stack until it replies; anything else is
 * done with (its buffer is userspace's now).
 *
 * Return: true if @t joined the stack, false if it was freed.
 */
bool binder_transaction_delivered_clocked(struct binder_thread *thread,
					  struct binder_transaction *t)
{
	WRITE_ONCE(t->buffer->allow_user_free, true);
	if (t->buffer->target_node && !(t->flags & TF_ONE_WAY)) {
		t->to_parent = thread->transaction_stack;
		t->to_thread = thread;
		thread->transaction_stack = t;
		return true;
	}
	binder_free_transaction_clocked(t);
	return false;
}

/* How many fds the reader of @t needs */
size_t binder_txn_fd_count_clocked(struct binder_transaction *t)
{
	return list_count_nodes(&t->fd_fixups);
}

/**
 * binder_fd_reserve() - reserve fds for the reader, without the lock
 * @res:  the reader's reservations
 * @want: how many it needs reserved in all (used ones included)
 *
 * get_unused_fd_flags() may grow the fd table (a sleeping allocation):
 * the reader drops context->lock for it.
 */
void binder_fd_reserve(struct binder_fd_res *res, size_t want)
{
	if (want > res->cap) {
		int *fds = krealloc_array(res->fds, want, sizeof(*fds),
					  GFP_KERNEL);

		if (!fds)
			return;
		res->fds = fds;
		res->cap = want;
	}
	while (res->n < want) {
		int fd = get_unused_fd_flags(O_CLOEXEC);

		if (fd < 0)
			return;
		res->fds[res->n++] = fd;
	}
}

/* Give back the fds the reader did not use (after dropping the lock). */
void binder_fd_unreserve(struct binder_fd_res *res)
{
	while (res->used < res->n)
		put_unused_fd(res->fds[res->used++]);
	kfree(res->fds);
	memset(res, 0, sizeof(*res));
}

/**
 * binder_apply_fd_fixups_clocked() - install @t's files in the reader
 * @t:   a transaction the current thread is about to read
 * @res: fds reserved for it beforehand (binder_fd_reserve())
 * @need: how many files @t carries (binder_txn_fd_count_clocked())
 *
 * Each file gets one of the reserved O_CLOEXEC fds, written into the
 * buffer where its object's fd was.  All or nothing.
 *
 * Return: 0, or -EMFILE when too few fds could be reserved (then nothing
 * is installed).
 */
int binder_apply_fd_fixups_clocked(struct binder_transaction *t,
				   struct binder_fd_res *res, size_t need)
{
	struct binder_proc *proc = t->to_proc;
	struct binder_txn_fd_fixup *fixup, *tmp;
	size_t first = res->used;

	if (res->n - res->used < need)
		goto err;
	/* lowest first, in object order, as when reserved one by one */
	list_for_each_entry(fixup, &t->fd_fixups, entry) {
		int fd = res->fds[res->used++];

		fixup->target_fd = fd;
		if (binder_alloc_copy_to_buffer(&proc->alloc, t->buffer,
						fixup->offset, &fd, sizeof(u32)))
			goto err;
	}
	list_for_each_entry_safe(fixup, tmp, &t->fd_fixups, entry) {
		fd_install(fixup->target_fd, fixup->file);
		trace_binder_transaction_fd_recv(t, fixup->target_fd,
						 fixup->offset);
		list_del(&fixup->entry);
		kfree(fixup);
	}
	return 0;

err:
	/* none was installed: the reserved fds go back with the unused */
	res->used = first;
	binder_free_fd_fixups(t);
	return -EMFILE;
}

/**
 * binder_undeliver() - a read's copy-out faulted after it took a
 * transaction
 * @thread: the reader (the current thread), holding no lock
 * @undo:   what the read handed out
 * @fds:    the fds the read reserved; the first @undo->nfds were installed
 *
 * Userspace never learned of the transaction: the fds installed for it
 * are closed, its buffer is freed (a oneway node's next call moves up),
 * and a sync call leaves the reader's stack and its caller gets
 * BR_FAILED_REPLY, as upstream fails a call whose put_user faults.  So a
 * reader whose buffer goes bad (munmap, mprotect) strands no caller and
 * leaks nothing.
 */
void binder_undeliver(struct binder_thread *thread,
		      const struct binder_undelivery *undo, const int *fds)
{
	struct binder_proc *proc = thread->proc;
	struct binder_context *context = proc->context;
	struct binder_buffer *buffer = NULL;
	struct binder_transaction *t = undo->call;
	size_t i;

	if (!undo->user_data)
		return;
	for (i = 0; i < undo->nfds; i++)
		binder_close_fd_deferred(fds[i]);
	/* NULL or an error: userspace freed it meanwhile (a guess) */
	buffer = binder_alloc_prepare_to_free(&proc->alloc, undo->user_data);
	if (IS_ERR(buffer))
		buffer = NULL;
	mutex_lock(&context->lock);
	if (proc->killed) {
		/* its nodes and refs went, the call failed with it */
		mutex_unlock(&context->lock);
		if (buffer)
			binder_alloc_free_buf(&proc->alloc, buffer);
		return;
	}
	if (buffer)
		binder_free_buf_clocked(proc, buffer, NULL);
	/* only this thread changes its stack while it is not released */
	if (t && !thread->released && thread->transaction_stack == t) {
		binder_debug(BINDER_DEBUG_FAILED_TRANSACTION,
			     "%d:%d read of transaction %d faulted\n",
			     proc->pid, thread->pid, t->debug_id);
		thread->transaction_stack = t->to_parent;
		t->to_thread = NULL;
		binder_set_nice(t->saved_priority);
		binder_send_failed_reply_clocked(t, BR_FAILED_REPLY);
	}
	mutex_unlock(&context->lock);
	binder_proc_free_deferred(proc);
}

/**
 * binder_fail_delivery_clocked() - @t could not be handed to its reader
 * @t: the transaction, already off its list; freed here with its buffer
 *
 * A sync caller gets BR_FAILED_REPLY.
 */
void binder_fail_delivery_clocked(struct binder_transaction *t)
{
	struct binder_buffer *buffer = t->buffer;

	t->buffer = NULL;
	buffer->owner = NULL;
	binder_free_buf_clocked(t->to_proc, buffer, NULL);
	if (t->need_reply)
		binder_send_failed_reply_clocked(t, BR_FAILED_REPLY);
	else
		binder_free_transaction_clocked(t);
}
