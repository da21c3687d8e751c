// SPDX-License-Identifier: GPL-2.0
/*
 * Android binder IPC, out-of-tree: module init, devices, file operations and
 * ioctl dispatch.  The protocol lives in its own files as it grows; object
 * lifetimes live in binder_proc.c, the buffer area in binder_alloc.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/prio.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "binder_internal.h"
#include "binder_log.h"
#include "binder_trace.h"

static char *devices = "binder";
module_param(devices, charp, 0444);
MODULE_PARM_DESC(devices, "comma-separated device names (default: binder): misc devices, and the devices of every binderfs mount");

u32 binder_debug_mask = BINDER_DEBUG_USER_ERROR |
			BINDER_DEBUG_FAILED_TRANSACTION |
			BINDER_DEBUG_DEAD_TRANSACTION;
module_param_named(debug_mask, binder_debug_mask, uint, 0644);
MODULE_PARM_DESC(debug_mask, "BINDER_DEBUG_* bits of what to log");

struct binder_stats binder_stats;

/* The misc devices: filled at init, read-only until exit: no lock. */
static LIST_HEAD(binder_devices);

/* Every device's context, misc and binderfs (debugfs "transactions") */
DEFINE_MUTEX(binder_contexts_lock);
LIST_HEAD(binder_contexts);

/**
 * binder_set_nice() - run the current thread at @nice, as far as allowed
 * @nice: the wanted nice value
 *
 * Without the right to raise its priority that far (can_nice), the thread
 * gets the best RLIMIT_NICE allows.
 */
void binder_set_nice(long nice)
{
	long min_nice;

	if (can_nice(current, nice)) {
		set_user_nice(current, nice);
		return;
	}
	min_nice = rlimit_to_nice(rlimit(RLIMIT_NICE));
	binder_debug(BINDER_DEBUG_PRIORITY_CAP,
		     "%d: nice value %ld not allowed use %ld instead\n",
		     current->pid, nice, min_nice);
	set_user_nice(current, max(nice, min_nice));
	if (min_nice <= MAX_NICE)
		return;
	binder_user_error("%d RLIMIT_NICE not set\n", current->pid);
}

static atomic_t binder_last_id;

int binder_new_debug_id(void)
{
	return atomic_inc_return(&binder_last_id);
}

/* ---- BINDER_WRITE_READ: commands ---- */

/* BC_INCREFS, BC_ACQUIRE, BC_RELEASE, BC_DECREFS */
static int binder_ref_cmd(struct binder_proc *proc,
			  struct binder_thread *thread, u32 cmd, u32 target)
{
	struct binder_context *context = proc->context;
	bool strong = cmd == BC_ACQUIRE || cmd == BC_RELEASE;
	bool increment = cmd == BC_INCREFS || cmd == BC_ACQUIRE;
	struct binder_spare sp;
	struct binder_node *mgr;
	struct binder_ref_id id;
	int ret = -EINVAL;

	/* handle 0 may need a new ref to the context manager */
	binder_spare_init(&sp);
	if (increment && !target && binder_spare_fill(&sp, 0, 1)) {
		binder_spare_drain(&sp);
		return -ENOMEM;
	}
	/* refs_lock and the node's locks: no device-wide lock */
	mgr = increment && !target ? binder_context_mgr_get(context) : NULL;
	if (mgr) {
		if (READ_ONCE(mgr->proc) == proc) {
			binder_user_error("%d:%d context manager tried to acquire desc 0\n",
					  proc->pid, thread->pid);
			binder_node_tmpref_put(mgr);
			binder_spare_drain(&sp);
			return -EINVAL;
		}
		ret = binder_inc_ref_for_node(proc, mgr, strong, NULL,
					      &id, &sp);
		binder_node_tmpref_put(mgr);
	}
	if (ret)
		ret = binder_update_ref_for_handle(proc, target, increment,
						   strong);
	binder_spare_drain(&sp);
	if (ret)
		binder_user_error("%d:%d refcount change %u on invalid ref %u ret %d\n",
				  proc->pid, thread->pid, cmd, target, ret);
	return 0;
}

static void binder_looper_cmd(struct binder_proc *proc,
			      struct binder_thread *thread, u32 cmd)
{
	spin_lock(&proc->inner_lock);
	switch (cmd) {
	case BC_REGISTER_LOOPER:
		if (thread->looper & BINDER_LOOPER_STATE_ENTERED) {
			thread->looper |= BINDER_LOOPER_STATE_INVALID;
			binder_user_error("%d:%d BC_REGISTER_LOOPER after BC_ENTER_LOOPER\n",
					  proc->pid, thread->pid);
		} else if (proc->requested_threads == 0) {
			thread->looper |= BINDER_LOOPER_STATE_INVALID;
			binder_user_error("%d:%d BC_REGISTER_LOOPER without request\n",
					  proc->pid, thread->pid);
		} else {
			proc->requested_threads--;
			proc->requested_threads_started++;
		}
		thread->looper |= BINDER_LOOPER_STATE_REGISTERED;
		break;
	case BC_ENTER_LOOPER:
		if (thread->looper & BINDER_LOOPER_STATE_REGISTERED) {
			thread->looper |= BINDER_LOOPER_STATE_INVALID;
			binder_user_error("%d:%d BC_ENTER_LOOPER after BC_REGISTER_LOOPER\n",
					  proc->pid, thread->pid);
		}
		thread->looper |= BINDER_LOOPER_STATE_ENTERED;
		break;
	case BC_EXIT_LOOPER:
		thread->looper |= BINDER_LOOPER_STATE_EXITED;
		break;
	}
	spin_unlock(&proc->inner_lock);
}

/* Queue BR_ERROR-style @cmd for the thread's next read. */
static void binder_thread_return_error(struct binder_thread *thread, u32 cmd)
{
	struct binder_context *context = thread->proc->context;

	mutex_lock(&context->lock);
	if (!thread->released && thread->return_error.cmd == BR_OK) {
		thread->return_error.cmd = cmd;
		binder_enqueue_thread_work_clocked(thread,
						   &thread->return_error.work);
	}
	mutex_unlock(&context->lock);
}

static int binder_thread_write(struct binder_proc *proc,
			       struct binder_thread *thread,
			       binder_uintptr_t buffer, size_t size,
			       binder_size_t *consumed)
{
	void __user *start = u64_to_user_ptr(buffer);
	void __user *ptr = start + *consumed;
	void __user *end = start + size;
	int ret;

	while (ptr < end && thread->return_error.cmd == BR_OK) {
		u32 cmd;

		/* the owner died while a holder's thread was writing */
		if (READ_ONCE(thread->released))
			return -ESRCH;
		if (get_user(cmd, (u32 __user *)ptr))
			return -EFAULT;
		ptr += sizeof(u32);
		trace_binder_command(cmd);
		if (_IOC_NR(cmd) < BINDER_BC_COUNT)
			atomic_inc(&binder_stats.bc[_IOC_NR(cmd)]);

		switch (cmd) {
		case BC_INCREFS:
		case BC_ACQUIRE:
		case BC_RELEASE:
		case BC_DECREFS: {
			u32 target;

			if (get_user(target, (u32 __user *)ptr))
				return -EFAULT;
			ptr += sizeof(u32);
			ret = binder_ref_cmd(proc, thread, cmd, target);
			if (ret)
				return ret;
			break;
		}
		case BC_INCREFS_DONE:
		case BC_ACQUIRE_DONE: {
			struct binder_ptr_cookie pc;

			if (copy_from_user(&pc, ptr, sizeof(pc)))
				return -EFAULT;
			ptr += sizeof(pc);
			binder_node_work_done(proc, cmd, pc.ptr, pc.cookie);
			break;
		}
		case BC_FREE_BUFFER: {
			binder_uintptr_t data_ptr;

			if (get_user(data_ptr, (binder_uintptr_t __user *)ptr))
				return -EFAULT;
			ptr += sizeof(data_ptr);
			binder_free_buffer_cmd(proc, thread, data_ptr);
			break;
		}
		case BC_TRANSACTION:
		case BC_REPLY: {
			struct binder_transaction_data tr;

			if (copy_from_user(&tr, ptr, sizeof(tr)))
				return -EFAULT;
			ptr += sizeof(tr);
			binder_transaction(proc, thread, &tr, 0, cmd == BC_REPLY);
			break;
		}
		case BC_TRANSACTION_SG:
		case BC_REPLY_SG: {
			struct binder_transaction_data_sg tr;

			if (copy_from_user(&tr, ptr, sizeof(tr)))
				return -EFAULT;
			ptr += sizeof(tr);
			binder_transaction(proc, thread, &tr.transaction_data,
					   tr.buffers_size, cmd == BC_REPLY_SG);
			break;
		}
		case BC_REGISTER_LOOPER:
		case BC_ENTER_LOOPER:
		case BC_EXIT_LOOPER:
			binder_looper_cmd(proc, thread, cmd);
			break;
		case BC_REQUEST_DEATH_NOTIFICATION:
		case BC_CLEAR_DEATH_NOTIFICATION: {
			struct binder_ref_death *death = NULL;
			struct binder_handle_cookie hc;

			if (copy_from_user(&hc, ptr, sizeof(hc)))
				return -EFAULT;
			ptr += sizeof(hc);
			/* allocated before the lock: no reclaim under it */
			if (cmd == BC_REQUEST_DEATH_NOTIFICATION) {
				death = binder_ref_death_new();
				if (!death) {
					binder_thread_return_error(thread,
								   BR_ERROR);
					break;
				}
			}
			if (death)
				binder_request_death(thread, hc.handle,
						     hc.cookie, &death);
			else
				binder_clear_death(thread, hc.handle,
						   hc.cookie);
			binder_ref_death_free(death);
			break;
		}
		case BC_REQUEST_FREEZE_NOTIFICATION:
		case BC_CLEAR_FREEZE_NOTIFICATION: {
			struct binder_ref_freeze *freeze = NULL;
			struct binder_handle_cookie hc;

			if (!BINDER_UAPI_FREEZE_NOTIFICATION)
				goto unknown;
			if (copy_from_user(&hc, ptr, sizeof(hc)))
				return -EFAULT;
			ptr += sizeof(hc);
			/* allocated before the lock: no reclaim under it */
			if (cmd == BC_REQUEST_FREEZE_NOTIFICATION) {
				freeze = binder_ref_freeze_new();
				if (!freeze)
					return -ENOMEM;
			}
			if (freeze)
				ret = binder_request_freeze(proc, hc.handle,
							    hc.cookie, &freeze);
			else
				ret = binder_clear_freeze(proc, hc.handle,
							  hc.cookie);
			binder_ref_freeze_free(freeze);
			if (ret)
				return ret;
			break;
		}
		case BC_FREEZE_NOTIFICATION_DONE: {
			binder_uintptr_t cookie;

			if (!BINDER_UAPI_FREEZE_NOTIFICATION)
				goto unknown;
			if (get_user(cookie, (binder_uintptr_t __user *)ptr))
				return -EFAULT;
			ptr += sizeof(cookie);
			ret = binder_freeze_done(proc, cookie);
			if (ret)
				return ret;
			break;
		}
		case BC_DEAD_BINDER_DONE: {
			binder_uintptr_t cookie;

			if (get_user(cookie, (binder_uintptr_t __user *)ptr))
				return -EFAULT;
			ptr += sizeof(cookie);
			binder_dead_binder_done(thread, cookie);
			break;
		}
		default:
unknown:
			binder_user_error("%d:%d unknown command %u\n",
					  proc->pid, thread->pid, cmd);
			return -EINVAL;
		}
		*consumed = ptr - start;
	}
	return 0;
}

/* ---- BINDER_WRITE_READ: returns ---- */

/*
 * Read results are staged in a kernel buffer under context->lock and
 * copied to userspace once it is dropped, so a reader whose buffer faults
 * (userfaultfd, FUSE, swap) stalls only itself.  Its first word is written
 * before the lock is taken, so a bad buffer fails with -EFAULT before any
 * work is taken off a list.
 */
#define BINDER_READ_STAGE	1024

struct binder_rbuf {
	u8 *buf;
	size_t len;
	size_t cap;
};

/* Stage a return; the leading BR_NOOP of a read is not traced, as upstream */
static void binder_stage_cmd(struct binder_rbuf *rb, u32 cmd,
			     const void *data, size_t size)
{
	if (WARN_ON_ONCE(rb->cap - rb->len < sizeof(u32) + size))
		return;
	memcpy(rb->buf + rb->len, &cmd, sizeof(u32));
	if (size)
		memcpy(rb->buf + rb->len + sizeof(u32), data, size);
	rb->len += sizeof(u32) + size;
	if (_IOC_NR(cmd) < BINDER_BR_COUNT)
		atomic_inc(&binder_stats.br[_IOC_NR(cmd)]);
}

/* A return for the reader (trace event binder_return) */
static void binder_put_cmd_data(struct binder_rbuf *rb, u32 cmd,
				const void *data, size_t size)
{
	trace_binder_return(cmd);
	binder_stage_cmd(rb, cmd, data, size);
}

static void binder_put_cmd(struct binder_rbuf *rb, u32 cmd)
{
	binder_put_cmd_data(rb, cmd, NULL, 0);
}

/* BR_TRANSACTION / BR_REPLY for @t, as the reader sees it */
static u32 binder_fill_transaction_data(struct binder_transaction *t,
					struct binder_transaction_data *tr)
{
	struct binder_buffer *buffer = t->buffer;
	struct binder_node *node = buffer->target_node;
	u32 cmd;

	memset(tr, 0, sizeof(*tr));
	if (node) {
		tr->target.ptr = node->ptr;
		tr->cookie = node->cookie;
		/* run at the caller's nice, bounded by the node's minimum */
		t->saved_priority = task_nice(current);
		if (t->priority < node->min_priority &&
		    !(t->flags & TF_ONE_WAY))
			binder_set_nice(t->priority);
		else if (!(t->flags & TF_ONE_WAY) ||
			 t->saved_priority > node->min_priority)
			binder_set_nice(node->min_priority);
		cmd = BR_TRANSACTION;
	} else {
		cmd = BR_REPLY;
	}
	tr->code = t->code;
	tr->flags = t->flags;
	tr->sender_euid = from_kuid(current_user_ns(), t->sender_euid);
	if (t->from)
		tr->sender_pid = task_tgid_nr_ns(t->from->proc->tsk,
						 task_active_pid_ns(current));
	tr->data_size = buffer->data_size;
	tr->offsets_size = buffer->offsets_size;
	tr->data.ptr.buffer = buffer->user_data;
	tr->data.ptr.offsets = buffer->user_data +
			       ALIGN(buffer->data_size, sizeof(u64));
	return cmd;
}

/* Room for the largest single return (BR_TRANSACTION_SEC_CTX) */
#define BINDER_READ_MIN_ROOM (sizeof(u32) + \
			      sizeof(struct binder_transaction_data_secctx))

static int binder_thread_read(struct binder_proc *proc,
			      struct binder_thread *thread,
			      binder_uintptr_t buffer, size_t size,
			      binder_size_t *consumed, bool non_block)
{
	struct binder_context *context = proc->context;
	u8 __user *start = u64_to_user_ptr(buffer);
	u8 __user *ptr = start + *consumed;
	struct binder_undelivery undo = { };
	struct binder_fd_res fdres = { };
	struct binder_rbuf rb = { };
	bool do_proc_work, spawn = false;
	size_t need, fd_tried = 0;
	int ret = 0;

	/* only the thread itself reads: its staging buffer needs no lock */
	if (!thread->rbuf) {
		thread->rbuf = kmalloc(BINDER_READ_STAGE, GFP_KERNEL);
		if (!thread->rbuf)
			return -ENOMEM;
	}
	rb.buf = thread->rbuf;
	/*
	 * Touch the buffer now, as the first word of a read always was: a
	 * bad one fails before any work is taken, and a faulting one (a
	 * userfaultfd page) stalls its reader before the lock.  A buffer
	 * that goes bad further on fails the copy after the lock (-EFAULT),
	 * and the transaction the read took is taken back (binder_undeliver).
	 */
	if (*consumed > size || size - *consumed < sizeof(u32) ||
	    put_user(BR_NOOP, (u32 __user *)ptr))
		return -EFAULT;
	rb.cap = min_t(size_t, size - *consumed, BINDER_READ_STAGE);
	if (*consumed == 0)
		binder_stage_cmd(&rb, BR_NOOP, NULL, 0);

	mutex_lock(&context->lock);
retry:
	do_proc_work = binder_available_for_proc_work_clocked(thread);
	binder_thread_set_looper(thread, BINDER_LOOPER_STATE_WAITING, true);
	if (do_proc_work)
		binder_set_nice(proc->default_priority);
	if (do_proc_work && !(thread->looper & (BINDER_LOOPER_STATE_REGISTERED |
						BINDER_LOOPER_STATE_ENTERED)))
		binder_user_error("%d:%d waits for proc work before entering the looper (%x)\n",
				  proc->pid, thread->pid, thread->looper);
	trace_binder_wait_for_work(do_proc_work, !!thread->transaction_stack,
				   !list_empty(&thread->todo));
	if (thread->released) {
		ret = -ESRCH;
	} else if (non_block) {
		spin_lock(&proc->inner_lock);
		if (!binder_thread_has_work_ilocked(thread, do_proc_work))
			ret = -EAGAIN;
		spin_unlock(&proc->inner_lock);
	} else {
		ret = binder_thread_wait_for_work(thread, do_proc_work);
	}
	binder_thread_set_looper(thread, BINDER_LOOPER_STATE_WAITING, false);
	if (ret)
		goto out;

	for (;;) {
		struct binder_node *node;
		struct list_head *list;
		struct binder_work *w;
		bool one = false;

		/*
		 * The work is picked, and all but a transaction taken off and
		 * read, under inner_lock: refs deleted and death or freeze
		 * notifications changed without context->lock take their
		 * work off these lists and free it under that lock.
		 */
		spin_lock(&proc->inner_lock);
		if (!list_empty(&thread->todo))
			list = &thread->todo;
		else if (!list_empty(&proc->todo) && do_proc_work)
			list = &proc->todo;
		else
			list = NULL;
		if (!list) {
			spin_unlock(&proc->inner_lock);
			if (*consumed + rb.len == sizeof(u32) &&
			    !thread->looper_need_return)
				goto retry;
			break;
		}
		if (rb.cap - rb.len < BINDER_READ_MIN_ROOM) {
			spin_unlock(&proc->inner_lock);
			break;
		}

		w = list_first_entry(list, struct binder_work, entry);
		if (w->type == BINDER_WORK_TRANSACTION) {
			struct binder_transaction_data_secctx tr;
			struct binder_transaction *t;
			size_t trsize = sizeof(tr.transaction_data);
			u32 cmd;

			/* queued and taken off only under context->lock */
			spin_unlock(&proc->inner_lock);
			t = container_of(w, struct binder_transaction, work);
			need = binder_txn_fd_count_clocked(t);
			if (need > fdres.n - fdres.used && need > fd_tried) {
				/* fds are reserved unlocked; then look again */
				fd_tried = need;
				mutex_unlock(&context->lock);
				binder_fd_reserve(&fdres, fdres.used + need);
				mutex_lock(&context->lock);
				continue;
			}
			if (binder_apply_fd_fixups_clocked(t, &fdres, need)) {
				bool is_reply = !t->buffer->target_node;

				binder_dequeue_work_clocked(proc, w);
				binder_fail_delivery_clocked(t);
				if (is_reply) {
					binder_put_cmd(&rb, BR_FAILED_REPLY);
					goto done;
				}
				if (list == &thread->todo)
					binder_thread_todo_drained_clocked(thread);
				continue;
			}
			cmd = binder_fill_transaction_data(t,
							   &tr.transaction_data);
			if (cmd == BR_TRANSACTION && t->security_ctx) {
				cmd = BR_TRANSACTION_SEC_CTX;
				tr.secctx = t->security_ctx;
				trsize = sizeof(tr);
			}
			trace_binder_transaction_received(t);
			binder_put_cmd_data(&rb, cmd, &tr, trsize);
			binder_dequeue_work_clocked(proc, w);
			/* what a faulting copy-out takes back */
			undo.user_data = t->buffer->user_data;
			undo.nfds = fdres.used;
			if (binder_transaction_delivered_clocked(thread, t))
				undo.call = t;
			/* one call or reply per read, as upstream */
			if (list == &thread->todo)
				binder_thread_todo_drained_clocked(thread);
			goto done;
		}

		binder_dequeue_work_ilocked(proc, w);
		node = NULL;
		switch (w->type) {
		case BINDER_WORK_RETURN_ERROR: {
			struct binder_error *e;

			e = container_of(w, struct binder_error, work);
			binder_put_cmd(&rb, e->cmd);
			e->cmd = BR_OK;
			w = NULL;
			break;
		}
		case BINDER_WORK_TRANSACTION_COMPLETE:
		case BINDER_WORK_TRANSACTION_PENDING:
		case BINDER_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT: {
			u32 cmd = BR_TRANSACTION_COMPLETE;

			if (READ_ONCE(proc->oneway_spam_detection) &&
			    w->type == BINDER_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT)
				cmd = BR_ONEWAY_SPAM_SUSPECT;
			else if (w->type == BINDER_WORK_TRANSACTION_PENDING)
				cmd = BR_TRANSACTION_PENDING_FROZEN;
			binder_put_cmd(&rb, cmd);
			/* freed below, unlocked */
			break;
		}
		case BINDER_WORK_NODE: {
			/*
			 * Read under inner_lock: a holder's BC_RELEASE (no
			 * context->lock) would free it otherwise.  At most two
			 * commands (a count is taken or given back, strong
			 * and weak): the room every step has.
			 */
			struct binder_ptr_cookie pc;
			bool unlinked;
			u32 cmds[4];
			int i, n;

			BUILD_BUG_ON(2 * (sizeof(u32) + sizeof(pc)) >
				     BINDER_READ_MIN_ROOM);
			node = container_of(w, struct binder_node, work);
			n = binder_node_work_read_ilocked(node, cmds, &pc,
							  &unlinked);
			for (i = 0; i < n; i++)
				binder_put_cmd_data(&rb, cmds[i], &pc,
						    sizeof(pc));
			if (!unlinked)
				node = NULL;
			w = NULL;
			break;
		}
		case BINDER_WORK_DEAD_BINDER:
		case BINDER_WORK_DEAD_BINDER_AND_CLEAR:
		case BINDER_WORK_CLEAR_DEATH_NOTIFICATION: {
			struct binder_ref_death *death;
			bool clear = w->type ==
				     BINDER_WORK_CLEAR_DEATH_NOTIFICATION;

			death = container_of(w, struct binder_ref_death, work);
			binder_put_cmd_data(&rb, clear ?
					    BR_CLEAR_DEATH_NOTIFICATION_DONE :
					    BR_DEAD_BINDER, &death->cookie,
					    sizeof(death->cookie));
			if (clear)
				break;	/* no ref owns it: freed below */
			binder_enqueue_work_ilocked(proc, w,
						    &proc->delivered_death);
			w = NULL;
			/* one per read: userspace may call out on it */
			one = true;
			break;
		}
		case BINDER_WORK_FROZEN_BINDER: {
			struct binder_frozen_state_info info = { };
			struct binder_ref_freeze *freeze;

			freeze = container_of(w, struct binder_ref_freeze, work);
			info.cookie = freeze->cookie;
			info.is_frozen = freeze->is_frozen;
			binder_put_cmd_data(&rb, BR_FROZEN_BINDER, &info,
					    sizeof(info));
			freeze->sent = true;
			binder_enqueue_work_ilocked(proc, w,
						    &proc->delivered_freeze);
			w = NULL;
			/* one per read, as BR_DEAD_BINDER */
			one = true;
			break;
		}
		case BINDER_WORK_CLEAR_FREEZE_NOTIFICATION: {
			struct binder_ref_freeze *freeze;

			freeze = container_of(w, struct binder_ref_freeze, work);
			binder_put_cmd_data(&rb,
					    BR_CLEAR_FREEZE_NOTIFICATION_DONE,
					    &freeze->cookie,
					    sizeof(freeze->cookie));
			/* no ref owns it: freed below */
			break;
		}
		default:
			WARN_ON_ONCE(1);
			w = NULL;
			break;
		}
		if (list == &thread->todo && list_empty(&thread->todo))
			thread->process_todo = false;
		spin_unlock(&proc->inner_lock);

		/* what the reader took and nobody else owns: freed unlocked */
		if (node)
			binder_node_free_unlinked(node);
		else if (w && !binder_free_unowned_work(w, w->type))
			WARN_ON_ONCE(1);
		if (one)
			goto done;
	}

done:
	spin_lock(&proc->inner_lock);
	if (proc->requested_threads == 0 &&
	    list_empty(&proc->waiting_threads) &&
	    proc->requested_threads_started < proc->max_threads &&
	    (thread->looper & (BINDER_LOOPER_STATE_REGISTERED |
			       BINDER_LOOPER_STATE_ENTERED))) {
		proc->requested_threads++;
		binder_debug(BINDER_DEBUG_THREADS, "%d:%d BR_SPAWN_LOOPER\n",
			     proc->pid, thread->pid);
		spawn = true;
	}
	spin_unlock(&proc->inner_lock);
out:
	if (!list_empty(&proc->todo))
		binder_wakeup_proc_clocked(proc);
	mutex_unlock(&context->lock);
	/* a delivery that failed gave its buffer back */
	binder_proc_free_deferred(proc);

	if (ret) {
		/* as before the wait: BR_NOOP written, nothing consumed */
		if (copy_to_user(ptr, rb.buf, rb.len))
			ret = -EFAULT;
		goto exit;
	}

	/* as upstream, BR_SPAWN_LOOPER goes over the buffer's first word */
	if (spawn) {
		if (*consumed == 0) {
			u32 cmd = BR_SPAWN_LOOPER;

			memcpy(rb.buf, &cmd, sizeof(cmd));
		} else if (put_user(BR_SPAWN_LOOPER, (u32 __user *)start)) {
			goto fault;
		}
		trace_binder_return(BR_SPAWN_LOOPER);
		atomic_inc(&binder_stats.br[_IOC_NR(BR_SPAWN_LOOPER)]);
	}
	if (rb.len && copy_to_user(ptr, rb.buf, rb.len))
		goto fault;
	*consumed += rb.len;
	goto exit;

fault:
	/* userspace never learned of it: nobody may wait on it */
	ret = -EFAULT;
	binder_undeliver(thread, &undo, fdres.fds);
exit:
	binder_fd_unreserve(&fdres);
	return ret;
}

static int binder_ioctl_write_read(struct file *filp,
				   struct binder_thread *thread,
				   unsigned int cmd, void __user *ubuf)
{
	struct binder_proc *proc = filp->private_data;
	struct binder_write_read bwr;
	int ret = 0;

	if (_IOC_SIZE(cmd) != sizeof(bwr))
		return -EINVAL;
	if (copy_from_user(&bwr, ubuf, sizeof(bwr)))
		return -EFAULT;

	binder_debug(BINDER_DEBUG_READ_WRITE,
		     "%d:%d write %lld at %016llx, read %lld at %016llx\n",
		     proc->pid, thread->pid,
		     (u64)bwr.write_size, (u64)bwr.write_buffer,
		     (u64)bwr.read_size, (u64)bwr.read_buffer);

	if (bwr.write_size > 0) {
		ret = binder_thread_write(proc, thread, bwr.write_buffer,
					  bwr.write_size, &bwr.write_consumed);
		trace_binder_write_done(ret);
		if (ret < 0) {
			bwr.read_consumed = 0;
			goto out;
		}
	}
	if (bwr.read_size > 0) {
		ret = binder_thread_read(proc, thread, bwr.read_buffer,
					 bwr.read_size, &bwr.read_consumed,
					 filp->f_flags & O_NONBLOCK);
		trace_binder_read_done(ret);
		if (ret < 0)
			goto out;
	}
out:
	if (copy_to_user(ubuf, &bwr, sizeof(bwr)))
		ret = -EFAULT;
	return ret;
}

/* ---- other ioctls ---- */

static int binder_ioctl_set_max_threads(struct binder_proc *proc,
					void __user *ubuf)
{
	u32 max_threads;

	if (copy_from_user(&max_threads, ubuf, sizeof(max_threads)))
		return -EINVAL;
	spin_lock(&proc->inner_lock);
	proc->max_threads = max_threads;
	spin_unlock(&proc->inner_lock);
	return 0;
}

static int binder_ioctl_version(unsigned int cmd, void __user *ubuf)
{
	struct binder_version __user *ver = ubuf;

	if (_IOC_SIZE(cmd) != sizeof(*ver))
		return -EINVAL;
	if (put_user(BINDER_CURRENT_PROTOCOL_VERSION, &ver->protocol_version))
		return -EINVAL;
	return 0;
}

static int binder_ioctl_set_ctx_mgr(struct binder_proc *proc,
				    unsigned int cmd, void __user *ubuf)
{
	struct flat_binder_object fbo;

	if (cmd == BINDER_SET_CONTEXT_MGR)
		return binder_set_context_mgr(proc, NULL);
	if (copy_from_user(&fbo, ubuf, sizeof(fbo)))
		return -EINVAL;
	return binder_set_context_mgr(proc, &fbo);
}

static int binder_ioctl_node_debug_info(struct binder_proc *proc,
					void __user *ubuf)
{
	struct binder_node_debug_info info;
	binder_uintptr_t ptr;
	struct rb_node *n;

	if (copy_from_user(&info, ubuf, sizeof(info)))
		return -EFAULT;
	ptr = info.ptr;
	memset(&info, 0, sizeof(info));

	/* the tree and the has bits: the owner's inner_lock */
	spin_lock(&proc->inner_lock);
	for (n = rb_first(&proc->nodes); n; n = rb_next(n)) {
		struct binder_node *node = rb_entry(n, struct binder_node,
						    rb_node);

		if (node->ptr > ptr) {
			info.ptr = node->ptr;
			info.cookie = node->cookie;
			info.has_strong_ref = node->has_strong_ref;
			info.has_weak_ref = node->has_weak_ref;
			break;
		}
	}
	spin_unlock(&proc->inner_lock);

	if (copy_to_user(ubuf, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static int binder_ioctl_node_info_for_ref(struct binder_proc *proc,
					  void __user *ubuf)
{
	struct binder_context *context = proc->context;
	struct binder_node_info_for_ref info;
	int ret = 0;

	if (copy_from_user(&info, ubuf, sizeof(info)))
		return -EFAULT;
	if (info.strong_count || info.weak_count || info.reserved1 ||
	    info.reserved2 || info.reserved3) {
		binder_user_error("%d BINDER_GET_NODE_INFO_FOR_REF: only handle may be non-zero.\n",
				  proc->pid);
		return -EINVAL;
	}

	if (!binder_is_context_mgr(context, proc)) {
		ret = -EPERM;
	} else {
		struct binder_node *node;

		node = binder_handle_node(proc, info.handle, true, NULL);
		if (!node) {
			ret = -EINVAL;
		} else {
			struct binder_proc *owner = binder_node_lock_inner(node);

			info.strong_count = node->local_strong_refs +
					    node->internal_strong_refs;
			info.weak_count = node->local_weak_refs;
			binder_node_unlock_inner(node, owner);
			binder_node_tmpref_put(node);
		}
	}

	if (!ret && copy_to_user(ubuf, &info, sizeof(info)))
		ret = -EFAULT;
	return ret;
}

static long binder_ioctl_cmd(struct file *filp, unsigned int cmd,
			     unsigned long arg)
{
	struct binder_proc *proc = filp->private_data;
	void __user *ubuf = (void __user *)arg;
	struct binder_thread *thread;
	int ret;

	/*
	 * The owner is gone: whoever still holds the file cannot use it,
	 * and no thread is created in the dead proc.
	 */
	if (!binder_proc_usable(proc)) {
		binder_user_error("%d:%d ioctl %x on the file of dead proc %d\n",
				  current->tgid, current->pid, cmd, proc->pid);
		return -ESRCH;
	}

	thread = binder_get_thread(proc);
	if (!thread)
		return -ENOMEM;

	switch (cmd) {
	case BINDER_WRITE_READ:
		ret = binder_ioctl_write_read(filp, thread, cmd, ubuf);
		break;
	case BINDER_SET_MAX_THREADS:
		ret = binder_ioctl_set_max_threads(proc, ubuf);
		break;
	case BINDER_THREAD_EXIT:
		ret = binder_thread_exit(proc, thread);
		thread = NULL;
		break;
	case BINDER_VERSION:
		ret = binder_ioctl_version(cmd, ubuf);
		break;
	case BINDER_SET_CONTEXT_MGR:
	case BINDER_SET_CONTEXT_MGR_EXT:
		ret = binder_ioctl_set_ctx_mgr(proc, cmd, ubuf);
		break;
	case BINDER_ENABLE_ONEWAY_SPAM_DETECTION: {
		u32 enable;

		if (copy_from_user(&enable, ubuf, sizeof(enable))) {
			ret = -EFAULT;
			break;
		}
		/* one flag, read once per BR_TRANSACTION_COMPLETE */
		WRITE_ONCE(proc->oneway_spam_detection, !!enable);
		ret = 0;
		break;
	}
	case BINDER_GET_EXTENDED_ERROR: {
		struct binder_extended_error ee;

		mutex_lock(&proc->context->lock);
		ee = thread->ee;
		binder_set_extended_error(&thread->ee, 0, BR_OK, 0);
		mutex_unlock(&proc->context->lock);
		ret = copy_to_user(ubuf, &ee, sizeof(ee)) ? -EFAULT : 0;
		break;
	}
	case BINDER_GET_NODE_DEBUG_INFO:
		ret = binder_ioctl_node_debug_info(proc, ubuf);
		break;
	case BINDER_GET_NODE_INFO_FOR_REF:
		ret = binder_ioctl_node_info_for_ref(proc, ubuf);
		break;
	case BINDER_FREEZE:
		ret = binder_ioctl_freeze(ubuf);
		break;
	case BINDER_GET_FROZEN_INFO:
		ret = binder_ioctl_frozen_info(ubuf);
		break;
	default:
		ret = -EINVAL;
		break;
	}

	if (thread)
		binder_thread_ioctl_done(thread);
	if (ret && ret != -EINTR && ret != -ERESTARTSYS && ret != -EAGAIN)
		binder_user_error("%d:%d ioctl %x %lx returned %d\n",
				  proc->pid, current->pid, cmd, arg, ret);
	return ret;
}

/* trace events binder_ioctl and binder_ioctl_done around every ioctl */
static long binder_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	long ret;

	trace_binder_ioctl(cmd, arg);
	ret = binder_ioctl_cmd(filp, cmd, arg);
	trace_binder_ioctl_done(ret);
	return ret;
}

/* ---- file operations ---- */

/*
 * A misc device's open comes through misc_open(), which leaves the
 * miscdevice in private_data; a binderfs node's inode holds its device.
 */
static int binder_open(struct inode *inode, struct file *filp)
{
	struct binderfs_info *fs = binderfs_info_of(inode);
	struct binder_device *device;
	struct binder_proc *proc;

	if (fs)
		device = inode->i_private;
	else
		device = container_of(filp->private_data, struct binder_device,
				      misc);
	proc = binder_proc_create(device, fs);
	if (!proc)
		return -ENOMEM;
	proc->file = filp;
	filp->private_data = proc;
	return 0;
}

static int binder_flush(struct file *filp, fl_owner_t id)
{
	binder_proc_flush(filp->private_data);
	return 0;
}

static int binder_release(struct inode *inode, struct file *filp)
{
	binder_proc_release(filp->private_data);
	return 0;
}

static int binder_mmap(struct file *filp, struct vm_area_struct *vma)
{
	return binder_proc_mmap(filp->private_data, vma);
}

static __poll_t binder_poll(struct file *filp, struct poll_table_struct *wait)
{
	struct binder_proc *proc = filp->private_data;
	struct binder_thread *thread;

	struct binder_context *context = proc->context;
	bool do_proc_work, has_work, dead;

	if (!binder_proc_usable(proc))
		return EPOLLERR;
	thread = binder_get_thread(proc);
	if (!thread)
		return EPOLLERR;

	binder_thread_set_looper(thread, BINDER_LOOPER_STATE_POLL, true);
	mutex_lock(&context->lock);
	do_proc_work = binder_available_for_proc_work_clocked(thread);
	mutex_unlock(&context->lock);

	poll_wait(filp, &thread->wait, wait);

	mutex_lock(&context->lock);
	spin_lock(&thread->proc->inner_lock);
	has_work = binder_thread_has_work_ilocked(thread, do_proc_work);
	dead = thread->released;
	spin_unlock(&thread->proc->inner_lock);
	mutex_unlock(&context->lock);
	/* a holder's thread whose proc died is woken and told */
	if (dead)
		return EPOLLERR;
	return has_work ? EPOLLIN : 0;
}

const struct file_operations binder_fops = {
	.owner = THIS_MODULE,
	.poll = binder_poll,
	.unlocked_ioctl = binder_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = binder_mmap,
	.open = binder_open,
	.flush = binder_flush,
	.release = binder_release,
};

/**
 * binder_proc_from_file() - the proc behind a binder file
 * @filp: any file
 *
 * Return: the proc, or NULL when @filp is not a binder device file.
 */
struct binder_proc *binder_proc_from_file(struct file *filp)
{
	return filp->f_op == &binder_fops ? filp->private_data : NULL;
}

/* ---- devices ---- */

/**
 * binder_device_new() - a device with its own context, one ref held
 * @name: its name (copied)
 *
 * Return: the device, on binder_contexts, or NULL when out of memory.
 */
struct binder_device *binder_device_new(const char *name)
{
	struct binder_device *device;
	size_t len = strlen(name);

	device = kzalloc(struct_size(device, name, len + 1), GFP_KERNEL);
	if (!device)
		return NULL;
	memcpy(device->name, name, len + 1);
	refcount_set(&device->ref, 1);
	mutex_init(&device->context.lock);
	spin_lock_init(&device->context.mgr_lock);
	spin_lock_init(&device->context.txn_lock);
	spin_lock_init(&device->context.dead_nodes_lock);
	INIT_LIST_HEAD(&device->context.transactions);
	INIT_LIST_HEAD(&device->context.dead_nodes);
	device->context.name = device->name;
	mutex_lock(&binder_contexts_lock);
	list_add_tail(&device->context.entry, &binder_contexts);
	mutex_unlock(&binder_contexts_lock);
	return device;
}

void binder_device_get(struct binder_device *device)
{
	refcount_inc(&device->ref);
}

/* The last put frees the device (never under its context->lock). */
void binder_device_put(struct binder_device *device)
{
	if (!refcount_dec_and_test(&device->ref))
		return;
	mutex_lock(&binder_contexts_lock);
	list_del(&device->context.entry);
	mutex_unlock(&binder_contexts_lock);
	mutex_destroy(&device->context.lock);
	kfree(device);
}

/**
 * binder_devices_param_each() - call @fn for each name of devices=
 * @fn:  called with each non-empty name in order; a non-zero return stops
 * @arg: passed to @fn
 *
 * Return: 0, what @fn returned, or -ENOMEM.
 */
int binder_devices_param_each(int (*fn)(const char *name, void *arg),
			      void *arg)
{
	char *names, *cursor, *name;
	int ret = 0;

	names = kstrdup(devices, GFP_KERNEL);
	if (!names)
		return -ENOMEM;
	cursor = names;
	while (!ret && (name = strsep(&cursor, ",")))
		if (*name)
			ret = fn(name, arg);
	kfree(names);
	return ret;
}

static void binder_devices_destroy(void)
{
	struct binder_device *device, *tmp;

	list_for_each_entry_safe(device, tmp, &binder_devices, entry) {
		misc_deregister(&device->misc);
		list_del(&device->entry);
		/* a proc still in its deferred teardown holds it a while */
		binder_device_put(device);
	}
}

static int binder_misc_device_create(const char *name, void *unused)
{
	struct binder_device *device;
	int ret;

	list_for_each_entry(device, &binder_devices, entry) {
		if (!strcmp(device->name, name)) {
			pr_err("device %s listed twice in devices=\n", name);
			return -EINVAL;
		}
	}

	device = binder_device_new(name);
	if (!device)
		return -ENOMEM;
	device->misc.minor = MISC_DYNAMIC_MINOR;
	device->misc.name = device->name;
	device->misc.fops = &binder_fops;

	ret = misc_register(&device->misc);
	if (ret) {
		binder_device_put(device);
		return ret;
	}
	list_add_tail(&device->entry, &binder_devices);
	return 0;
}

static int binder_devices_create(void)
{
	int ret;

	ret = binder_devices_param_each(binder_misc_device_create, NULL);
	if (!ret && list_empty(&binder_devices)) {
		pr_err("devices= names no device\n");
		ret = -EINVAL;
	}
	if (ret)
		binder_devices_destroy();
	return ret;
}

static int __init binder_init(void)
{
	int ret;

	ret = binder_alloc_module_init();
	if (ret)
		return ret;

	ret = binder_proc_init();
	if (ret)
		goto err_alloc;

	ret = binder_debugfs_init();
	if (ret)
		goto err_proc;

	ret = binder_netlink_init();
	if (ret)
		goto err_debugfs;

	ret = binder_devices_create();
	if (ret)
		goto err_netlink;

	ret = binderfs_init();
	if (ret)
		goto err_devices;
	return 0;

err_devices:
	binder_devices_destroy();
err_netlink:
	binder_netlink_exit();
err_debugfs:
	binder_debugfs_exit();
err_proc:
	binder_proc_exit();
err_alloc:
	binder_alloc_module_exit();
	return ret;
}

static void __exit binder_exit(void)
{
	/*
	 * No mount is left (each holds the module); a proc whose teardown is
	 * still queued holds its device until binder_proc_exit() drains it.
	 */
	binderfs_exit();
	/* debugfs readers walk the devices: remove it first */
	binder_debugfs_exit();
	binder_devices_destroy();
	binder_netlink_exit();
	binder_proc_exit();
	binder_alloc_module_exit();
}

module_init(binder_init);
module_exit(binder_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Android binder IPC driver (out-of-tree)");
MODULE_VERSION("0.1");
