/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events of the binder driver (tracefs: events/binder/).
 *
 * The upstream events keep upstream's names, field names, field types and
 * field order (drivers/android/binder_trace.h of Linux 6.1 and 6.12, which
 * define the same set with the same fields), so perfetto, systrace and
 * trace-cmd parse them unchanged.  Each is emitted where upstream emits it:
 *
 *   binder_ioctl, binder_ioctl_done   entry and return of every ioctl
 *   binder_write_done, binder_read_done  the write and read halves of
 *                                     BINDER_WRITE_READ (when non-empty)
 *   binder_wait_for_work              a read about to look for work (and
 *                                     sleep when there is none)
 *   binder_transaction                a call or reply whose target is found
 *                                     (before its buffer is allocated)
 *   binder_transaction_received       BR_TRANSACTION/BR_REPLY given to the
 *                                     reader
 *   binder_transaction_node_to_ref, _ref_to_node, _ref_to_ref
 *                                     a binder or handle object translated
 *   binder_transaction_fd_send, _fd_recv  a file taken from the sender /
 *                                     installed as an fd in the reader
 *   binder_transaction_alloc_buf      the transaction's buffer allocated
 *   binder_transaction_buffer_release  BC_FREE_BUFFER frees a buffer
 *   binder_transaction_failed_buffer_release  a failed transaction gives
 *                                     back its buffer
 *   binder_transaction_update_buffer_release  a TF_UPDATE_TXN oneway call
 *                                     supersedes a queued one: its buffer
 *   binder_txn_latency_free           a transaction freed
 *   binder_update_page_range          a buffer's pages taken (allocate=1)
 *                                     or given back (allocate=0): every
 *                                     page the buffer touches (upstream
 *                                     leaves out a first or last page it
 *                                     shares with another buffer)
 *   binder_alloc_lru_start/_end       an idle page taken off the lru
 *   binder_free_lru_start/_end        a page no buffer uses put on the lru
 *   binder_alloc_page_start/_end      a page allocated and mapped
 *   binder_unmap_user_start/_end, binder_unmap_kernel_start/_end
 *                                     the shrinker unmaps and frees a page
 *   binder_command, binder_return     every BC_* read / BR_* written
 *   binder_lock, binder_locked, binder_unlock
 *                                     defined, never emitted (as upstream)
 *
 * Ours (not in upstream; parsers that do not know them skip them):
 *
 *   binder_vma_close   the proc's vma closes: proc=pid, size of the vma,
 *                      reason=munmap (the live owner unmapped it) or
 *                      reason=exit (the owner's address space was torn
 *                      down: exit, exec, kill)
 *   binder_proc_dead   the proc's protocol state is released (threads
 *                      leave, nodes die, refs and buffers go), once:
 *                      reason=owner_exit (its vma was torn down, the file
 *                      may still be held elsewhere) or reason=released
 *                      (the last reference to its file was dropped)
 *
 * One difference of order: within one transaction, upstream translates
 * the objects in their order; this driver takes the files first (without
 * the device lock), so every binder_transaction_fd_send of a transaction
 * comes before its node/ref translations.  Each event's values are
 * upstream's.
 *
 * binder_trace.c defines CREATE_TRACE_POINTS.  The in-tree driver (the
 * reference module) defines the same upstream event names: only one of
 * the two modules is loaded at a time.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM binder

#if !defined(_BINDER_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _BINDER_TRACE_H

#include <linux/tracepoint.h>

struct binder_alloc;
struct binder_buffer;
struct binder_node;
struct binder_proc;
struct binder_ref;
struct binder_thread;
struct binder_transaction;
struct binder_transaction_data;

TRACE_EVENT(binder_ioctl,
	    TP_PROTO(unsigned int cmd, unsigned long arg),
	    TP_ARGS(cmd, arg),
	    TP_STRUCT__entry(__field(unsigned int, cmd)
			     __field(unsigned long, arg)),
	    TP_fast_assign(__entry->cmd = cmd;
			   __entry->arg = arg;),
	    TP_printk("cmd=0x%x arg=0x%lx", __entry->cmd, __entry->arg)
);

/* upstream's, kept for its event set: this driver never emits them */
DECLARE_EVENT_CLASS(binder_lock_class,
		    TP_PROTO(const char *tag),
		    TP_ARGS(tag),
		    TP_STRUCT__entry(__field(const char *, tag)),
		    TP_fast_assign(__entry->tag = tag;),
		    TP_printk("tag=%s", __entry->tag)
);

DEFINE_EVENT(binder_lock_class, binder_lock,
	     TP_PROTO(const char *tag), TP_ARGS(tag));
DEFINE_EVENT(binder_lock_class, binder_locked,
	     TP_PROTO(const char *tag), TP_ARGS(tag));
DEFINE_EVENT(binder_lock_class, binder_unlock,
	     TP_PROTO(const char *tag), TP_ARGS(tag));

DECLARE_EVENT_CLASS(binder_function_return_class,
		    TP_PROTO(int ret),
		    TP_ARGS(ret),
		    TP_STRUCT__entry(__field(int, ret)),
		    TP_fast_assign(__entry->ret = ret;),
		    TP_printk("ret=%d", __entry->ret)
);

DEFINE_EVENT(binder_function_return_class, binder_ioctl_done,
	     TP_PROTO(int ret), TP_ARGS(ret));
DEFINE_EVENT(binder_function_return_class, binder_write_done,
	     TP_PROTO(int ret), TP_ARGS(ret));
DEFINE_EVENT(binder_function_return_class, binder_read_done,
	     TP_PROTO(int ret), TP_ARGS(ret));

TRACE_EVENT(binder_wait_for_work,
	    TP_PROTO(bool proc_work, bool transaction_stack, bool thread_todo),
	    TP_ARGS(proc_work, transaction_stack, thread_todo),
	    TP_STRUCT__entry(__field(bool, proc_work)
			     __field(bool, transaction_stack)
			     __field(bool, thread_todo)),
	    TP_fast_assign(__entry->proc_work = proc_work;
			   __entry->transaction_stack = transaction_stack;
			   __entry->thread_todo = thread_todo;),
	    TP_printk("proc_work=%d transaction_stack=%d thread_todo=%d",
		      __entry->proc_work, __entry->transaction_stack,
		      __entry->thread_todo)
);

/* from: the sync caller still waiting (0:0 for oneway, replies, gone) */
TRACE_EVENT(binder_txn_latency_free,
	    TP_PROTO(const struct binder_transaction *t),
	    TP_ARGS(t),
	    TP_STRUCT__entry(__field(int, debug_id)
			     __field(int, from_proc)
			     __field(int, from_thread)
			     __field(int, to_proc)
			     __field(int, to_thread)
			     __field(unsigned int, code)
			     __field(unsigned int, flags)),
	    TP_fast_assign(__entry->debug_id = t->debug_id;
			   __entry->from_proc = t->from ? t->from->proc->pid : 0;
			   __entry->from_thread = t->from ? t->from->pid : 0;
			   __entry->to_proc = t->to_proc ? t->to_proc->pid : 0;
			   __entry->to_thread = t->to_thread ? t->to_thread->pid :
			   t->to_tid;
			   __entry->code = t->code;
			   __entry->flags = t->flags;),
	    /* upstream prints code under "flags=" and flags under "code=" */
	    TP_printk("transaction=%d from %d:%d to %d:%d flags=0x%x code=0x%x",
		      __entry->debug_id, __entry->from_proc, __entry->from_thread,
		      __entry->to_proc, __entry->to_thread, __entry->code,
		      __entry->flags)
);

/*
 * Sent before the buffer is allocated, so the transaction's own fields are
 * not filled yet: its target and the caller's binder_transaction_data are
 * passed.  dest_thread is 0 for a call no thread was chosen for yet.
 */
TRACE_EVENT(binder_transaction,
	    TP_PROTO(bool reply, const struct binder_transaction *t,
		     const struct binder_transaction_data *tr,
		     const struct binder_node *target_node,
		     const struct binder_proc *to_proc,
		     const struct binder_thread *to_thread),
	    TP_ARGS(reply, t, tr, target_node, to_proc, to_thread),
	    TP_STRUCT__entry(__field(int, debug_id)
			     __field(int, target_node)
			     __field(int, to_proc)
			     __field(int, to_thread)
			     __field(int, reply)
			     __field(unsigned int, code)
			     __field(unsigned int, flags)),
	    TP_fast_assign(__entry->debug_id = t->debug_id;
			   __entry->target_node = target_node ? target_node->debug_id : 0;
			   __entry->to_proc = to_proc->pid;
			   __entry->to_thread = to_thread ? to_thread->pid : 0;
			   __entry->reply = reply;
			   __entry->code = tr->code;
			   __entry->flags = tr->flags;),
	    TP_printk("transaction=%d dest_node=%d dest_proc=%d dest_thread=%d reply=%d flags=0x%x code=0x%x",
		      __entry->debug_id, __entry->target_node,
		      __entry->to_proc, __entry->to_thread,
		      __entry->reply, __entry->flags, __entry->code)
);

TRACE_EVENT(binder_transaction_received,
	    TP_PROTO(const struct binder_transaction *t),
	    TP_ARGS(t),
	    TP_STRUCT__entry(__field(int, debug_id)),
	    TP_fast_assign(__entry->debug_id = t->debug_id;),
	    TP_printk("transaction=%d", __entry->debug_id)
);

/* the sender's node becomes a handle of the target's: @ref, in the target */
TRACE_EVENT(binder_transaction_node_to_ref,
	    TP_PROTO(const struct binder_transaction *t,
		     const struct binder_node *node,
		     const struct binder_ref_id *ref),
	    TP_ARGS(t, node, ref),
	    TP_STRUCT__entry(__field(int, debug_id)
			     __field(int, node_debug_id)
			     __field(binder_uintptr_t, node_ptr)
			     __field(int, ref_debug_id)
			     __field(uint32_t, ref_desc)),
	    TP_fast_assign(__entry->debug_id = t->debug_id;
			   __entry->node_debug_id = node->debug_id;
			   __entry->node_ptr = node->ptr;
			   __entry->ref_debug_id = ref->debug_id;
			   __entry->ref_desc = ref->desc;),
	    TP_printk("transaction=%d node=%d src_ptr=0x%016llx ==> dest_ref=%d dest_desc=%d",
		      __entry->debug_id, __entry->node_debug_id,
		      (u64)__entry->node_ptr,
		      __entry->ref_debug_id, __entry->ref_desc)
);

/* the sender's handle @ref is to a node of the target: it gets the node */
TRACE_EVENT(binder_transaction_ref_to_node,
	    TP_PROTO(const struct binder_transaction *t,
		     const struct binder_node *node,
		     const struct binder_ref_id *ref),
	    TP_ARGS(t, node, ref),
	    TP_STRUCT__entry(__field(int, debug_id)
			     __field(int, ref_debug_id)
			     __field(uint32_t, ref_desc)
			     __field(int, node_debug_id)
			     __field(binder_uintptr_t, node_ptr)),
	    TP_fast_assign(__entry->debug_id = t->debug_id;
			   __entry->ref_debug_id = ref->debug_id;
			   __entry->ref_desc = ref->desc;
			   __entry->node_debug_id = node->debug_id;
			   __entry->node_ptr = node->ptr;),
	    TP_printk("transaction=%d node=%d src_ref=%d src_desc=%d ==> dest_ptr=0x%016llx",
		      __entry->debug_id, __entry->node_debug_id,
		      __entry->ref_debug_id, __entry->ref_desc,
		      (u64)__entry->node_ptr)
);

/* the sender's handle @src to a third proc's node becomes the target's @dst */
TRACE_EVENT(binder_transaction_ref_to_ref,
	    TP_PROTO(const struct binder_transaction *t,
		     const struct binder_node *node,
		     const struct binder_ref_id *src,
		     const struct binder_ref_id *dst),
	    TP_ARGS(t, node, src, dst),
	    TP_STRUCT__entry(__field(int, debug_id)
			     __field(int, node_debug_id)
			     __field(int, src_ref_debug_id)
			     __field(uint32_t, src_ref_desc)
			     __field(int, dest_ref_debug_id)
			     __field(uint32_t, dest_ref_desc)),
	    TP_fast_assign(__entry->debug_id = t->debug_id;
			   __entry->node_debug_id = node->debug_id;
			   __entry->src_ref_debug_id = src->debug_id;
			   __entry->src_ref_desc = src->desc;
			   __entry->dest_ref_debug_id = dst->debug_id;
			   __entry->dest_ref_desc = dst->desc;),
	    TP_printk("transaction=%d node=%d src_ref=%d src_desc=%d ==> dest_ref=%d dest_desc=%d",
		      __entry->debug_id, __entry->node_debug_id,
		      __entry->src_ref_debug_id, __entry->src_ref_desc,
		      __entry->dest_ref_debug_id, __entry->dest_ref_desc)
);

/* @offset: of the fd (the object's, or the fd array entry's) in the buffer */
TRACE_EVENT(binder_transaction_fd_send,
	    TP_PROTO(const struct binder_transaction *t, int fd, size_t offset),
	    TP_ARGS(t, fd, offset),
	    TP_STRUCT__entry(__field(int, debug_id)
			     __field(int, fd)
			     __field(size_t, offset)),
	    TP_fast_assign(__entry->debug_id = t->debug_id;
			   __entry->fd = fd;
			   __entry->offset = offset;),
	    TP_printk("transaction=%d src_fd=%d offset=%zu",
		      __entry->debug_id, __entry->fd, __entry->offset)
);

TRACE_EVENT(binder_transaction_fd_recv,
	    TP_PROTO(const struct binder_transaction *t, int fd, size_t offset),
	    TP_ARGS(t, fd, offset),
	    TP_STRUCT__entry(__field(int, debug_id)
			     __field(int, fd)
			     __field(size_t, offset)),
	    TP_fast_assign(__entry->debug_id = t->debug_id;
			   __entry->fd = fd;
			   __entry->offset = offset;),
	    TP_printk("transaction=%d dest_fd=%d offset=%zu",
		      __entry->debug_id, __entry->fd, __entry->offset)
);

/* debug_id: the transaction the buffer was allocated for */
DECLARE_EVENT_CLASS(binder_buffer_class,
		    TP_PROTO(const struct binder_buffer *buf),
		    TP_ARGS(buf),
		    TP_STRUCT__entry(__field(int, debug_id)
				     __field(size_t, data_size)
				     __field(size_t, offsets_size)
				     __field(size_t, extra_buffers_size)),
		    TP_fast_assign(__entry->debug_id = buf->debug_id;
				   __entry->data_size = buf->data_size;
				   __entry->offsets_size = buf->offsets_size;
				   __entry->extra_buffers_size = buf->extra_size;),
		    TP_printk("transaction=%d data_size=%zd offsets_size=%zd extra_buffers_size=%zd",
			      __entry->debug_id, __entry->data_size, __entry->offsets_size,
			      __entry->extra_buffers_size)
);

DEFINE_EVENT(binder_buffer_class, binder_transaction_alloc_buf,
	     TP_PROTO(const struct binder_buffer *buf), TP_ARGS(buf));
DEFINE_EVENT(binder_buffer_class, binder_transaction_buffer_release,
	     TP_PROTO(const struct binder_buffer *buf), TP_ARGS(buf));
DEFINE_EVENT(binder_buffer_class, binder_transaction_failed_buffer_release,
	     TP_PROTO(const struct binder_buffer *buf), TP_ARGS(buf));
DEFINE_EVENT(binder_buffer_class, binder_transaction_update_buffer_release,
	     TP_PROTO(const struct binder_buffer *buf), TP_ARGS(buf));

/* [start, end): user addresses in the area; offset is from its start */
TRACE_EVENT(binder_update_page_range,
	    TP_PROTO(const struct binder_alloc *alloc, bool allocate,
		     unsigned long start, unsigned long end),
	    TP_ARGS(alloc, allocate, start, end),
	    TP_STRUCT__entry(__field(int, proc)
			     __field(bool, allocate)
			     __field(size_t, offset)
			     __field(size_t, size)),
	    TP_fast_assign(__entry->proc = alloc->pid;
			   __entry->allocate = allocate;
			   __entry->offset = start - alloc->area;
			   __entry->size = end - start;),
	    TP_printk("proc=%d allocate=%d offset=%zu size=%zu",
		      __entry->proc, __entry->allocate,
		      __entry->offset, __entry->size)
);

DECLARE_EVENT_CLASS(binder_lru_page_class,
		    TP_PROTO(const struct binder_alloc *alloc, size_t page_index),
		    TP_ARGS(alloc, page_index),
		    TP_STRUCT__entry(__field(int, proc)
				     __field(size_t, page_index)),
		    TP_fast_assign(__entry->proc = alloc->pid;
				   __entry->page_index = page_index;),
		    TP_printk("proc=%d page_index=%zu",
			      __entry->proc, __entry->page_index)
);

#define DEFINE_BINDER_LRU_PAGE_EVENT(name)				\
DEFINE_EVENT(binder_lru_page_class, name,				\
	     TP_PROTO(const struct binder_alloc *alloc, size_t page_index),	\
	     TP_ARGS(alloc, page_index))

DEFINE_BINDER_LRU_PAGE_EVENT(binder_alloc_lru_start);
DEFINE_BINDER_LRU_PAGE_EVENT(binder_alloc_lru_end);
DEFINE_BINDER_LRU_PAGE_EVENT(binder_free_lru_start);
DEFINE_BINDER_LRU_PAGE_EVENT(binder_free_lru_end);
DEFINE_BINDER_LRU_PAGE_EVENT(binder_alloc_page_start);
DEFINE_BINDER_LRU_PAGE_EVENT(binder_alloc_page_end);
DEFINE_BINDER_LRU_PAGE_EVENT(binder_unmap_user_start);
DEFINE_BINDER_LRU_PAGE_EVENT(binder_unmap_user_end);
DEFINE_BINDER_LRU_PAGE_EVENT(binder_unmap_kernel_start);
DEFINE_BINDER_LRU_PAGE_EVENT(binder_unmap_kernel_end);

/* names from the tables of debugfs "stats" (binder_debugfs.c) */
#ifndef _BINDER_TRACE_CMD_NAME
#define _BINDER_TRACE_CMD_NAME
static inline const char *binder_trace_cmd_name(const char * const *names,
						unsigned int count, u32 cmd)
{
	unsigned int nr = _IOC_NR(cmd);

	return nr < count && names[nr] ? names[nr] : "unknown";
}
#endif

TRACE_EVENT(binder_command,
	    TP_PROTO(uint32_t cmd),
	    TP_ARGS(cmd),
	    TP_STRUCT__entry(__field(uint32_t, cmd)),
	    TP_fast_assign(__entry->cmd = cmd;),
	    TP_printk("cmd=0x%x %s", __entry->cmd,
		      binder_trace_cmd_name(binder_bc_names, BINDER_BC_COUNT,
					    __entry->cmd))
);

TRACE_EVENT(binder_return,
	    TP_PROTO(uint32_t cmd),
	    TP_ARGS(cmd),
	    TP_STRUCT__entry(__field(uint32_t, cmd)),
	    TP_fast_assign(__entry->cmd = cmd;),
	    TP_printk("cmd=0x%x %s", __entry->cmd,
		      binder_trace_cmd_name(binder_br_names, BINDER_BR_COUNT,
					    __entry->cmd))
);

/* ---- ours: the two lifetimes of a proc (see binder_proc.c) ---- */

TRACE_DEFINE_ENUM(BINDER_VMA_UNMAPPED);
TRACE_DEFINE_ENUM(BINDER_VMA_TORN_DOWN);
TRACE_DEFINE_ENUM(BINDER_KILL_OWNER_EXIT);
TRACE_DEFINE_ENUM(BINDER_KILL_RELEASED);

/* @reason: BINDER_VMA_UNMAPPED (munmap) or BINDER_VMA_TORN_DOWN (exit) */
TRACE_EVENT(binder_vma_close,
	    TP_PROTO(const struct binder_proc *proc, unsigned long size,
		     enum binder_vma_state reason),
	    TP_ARGS(proc, size, reason),
	    TP_STRUCT__entry(__field(int, proc)
			     __field(size_t, size)
			     __field(int, reason)),
	    TP_fast_assign(__entry->proc = proc->pid;
			   __entry->size = size;
			   __entry->reason = reason;),
	    TP_printk("proc=%d size=%zu reason=%s", __entry->proc, __entry->size,
		      __print_symbolic(__entry->reason,
				       { BINDER_VMA_UNMAPPED, "munmap" },
				       { BINDER_VMA_TORN_DOWN, "exit" }))
);

TRACE_EVENT(binder_proc_dead,
	    TP_PROTO(const struct binder_proc *proc, enum binder_kill_reason reason),
	    TP_ARGS(proc, reason),
	    TP_STRUCT__entry(__field(int, proc)
			     __field(int, reason)),
	    TP_fast_assign(__entry->proc = proc->pid;
			   __entry->reason = reason;),
	    TP_printk("proc=%d reason=%s", __entry->proc,
		      __print_symbolic(__entry->reason,
				       { BINDER_KILL_OWNER_EXIT, "owner_exit" },
				       { BINDER_KILL_RELEASED, "released" }))
);

#endif /* _BINDER_TRACE_H */

/* out of tree: found through Kbuild's -I$(src)/include */
#undef TRACE_INCLUDE_PATH
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE binder_trace
#include <trace/define_trace.h>
