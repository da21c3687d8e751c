/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal object model of the binder driver.
 *
 * LOCK ORDER (outermost first; take only in this order, release in reverse).
 * Entries marked [target] are the per-proc design being built in stages
 * (issue 10); until a stage lands, what it moves is still under
 * context->lock.  Only the unmarked locks exist today.
 *
 *   0. binder_procs_dentry_lock mutex debugfs proc/<pid> files and the
 *                                     binderfs binder_logs/proc/<pid> files
 *                                     (held across debugfs_remove(), which
 *                                     waits for readers that take 1 and 2)
 *   0a. binder_logs/proc dir's inode lock (VFS) creating or removing a
 *                                     binderfs proc file (binder_fs.c)
 *   1. binder_procs_lock     mutex    the global list of procs (binder_procs)
 *   1. binder_contexts_lock  mutex    the list of every device's context
 *                                     (debugfs "transactions"; never
 *                                     together with binder_procs_lock)
 *   2. context->lock         mutex    transitional: one device's protocol
 *                                     state not yet under a lock below:
 *                                     transactions and transaction
 *                                     stacks, a proc's death (its threads,
 *                                     queues and nodes), BINDER_FREEZE,
 *                                     the context manager's setting.  The
 *                                     ref commands (BC_INCREFS ..
 *                                     BC_DECREFS, BC_INCREFS_DONE,
 *                                     BC_ACQUIRE_DONE), death and freeze
 *                                     notification commands (request,
 *                                     clear, done), debugfs node walks
 *                                     and the node info ioctls no
 *                                     longer take it (stage 5a); so work
 *                                     lists are read and changed under
 *                                     inner_lock only, and a waiting
 *                                     reader checks for work and joins
 *                                     waiting_threads in one inner_lock
 *                                     section.
 *                                     Each stage takes state out of it;
 *                                     at the end no protocol path takes it
 *   2a. proc->refs_lock      mutex    one proc's handles: its refs trees,
 *                                     handle bitmap and each ref's counts
 *                                     (stage 3a).
 *                                     One proc's at a time: a handle
 *                                     translated for another proc is
 *                                     looked up, its node pinned, the lock
 *                                     dropped, then the target's taken
 *   3. mm->mmap_lock         rwsem    an address space (vma paths, page
 *                                     faults of user copies)
 *   4. alloc->mutex          mutex    one proc's allocator: its area, buffers
 *                                     and page array (binder_alloc.h)
 *   5. node->lock            spinlock a node's owner link (node->proc,
 *                                     cleared when the owner dies), its
 *                                     list of refs, its counts and
 *                                     has/pending bits, each of its refs'
 *                                     death pointer (stage 3b).  Count
 *                                     changes take the owner's inner_lock
 *                                     too (binder_node_lock_inner), so
 *                                     the owner reads them under its own;
 *                                     the owner's death takes each
 *                                     holder's inner_lock in turn under it
 *   6. proc->inner_lock      spinlock what one proc's own paths and its
 *                                     senders touch.  Today: every work
 *                                     list of the proc (its todo, its
 *                                     threads' todo, delivered lists, its
 *                                     nodes' async_todo), its nodes tree,
 *                                     its waiting threads and wait state
 *                                     (looper bits, process_todo, spawn
 *                                     counts, max_threads), @killed, the
 *                                     freeze state and outstanding count.
 *                                     Work is taken off a list and read
 *                                     (or its type read) in one section
 *                                     under it: a ref deleted frees its
 *                                     death or freeze work under it.
 *                                     [target] the proc's and
 *                                     its threads' todo lists, process_todo,
 *                                     waiting threads, looper bits and
 *                                     counts, delivered death/freeze lists,
 *                                     its nodes tree with each node's local
 *                                     counts, has/pending bits, node work
 *                                     and async_todo, freeze state and
 *                                     outstanding count, @killed, and its
 *                                     threads' transaction stacks.  Never
 *                                     two procs' at once: code that moves
 *                                     work between procs pins the other
 *                                     (binder_proc_get, binder_thread_get),
 *                                     drops its own and takes the other's,
 *                                     and checks @killed / ->released again
 *   7. proc->lock            spinlock one proc's thread tree and lifecycle
 *                                     state (struct binder_proc below)
 *   7. binder_alloc_lru lock spinlock the list of idle pages (inside 4; never
 *                                     together with proc->lock)
 *   8. context->dead_nodes_lock spinlock the device's dead nodes (inside 5)
 *   8. t->lock               spinlock [target] a transaction's @from and
 *                                     @to_thread links, which the release
 *                                     of a thread of either proc clears
 *   8. context->mgr_lock     spinlock the context manager (mgr_node,
 *                                     mgr_uid), struct binder_context
 *   8. context->txn_lock     spinlock the device's list of transactions
 *
 * Locks 5-8 are never held across anything that sleeps: no user copy, no
 * allocation that may reclaim, no allocator call, no fd install, no LSM
 * hook that may sleep.  Queueing work on a proc takes only that proc's
 * inner lock; a wake-up is issued under it (wait queues have their own
 * lock).  Every pointer to another proc's object that is used after the
 * lock it was found under is dropped is pinned first (LIFETIMES).
 *
 * vm_ops->close runs under mmap_lock, so it never takes context->lock: it
 * queues the proc's death work instead.  The shrinker is the one path that
 * starts from an inner lock: holding the binder_alloc_lru lock it only
 * try-locks mmap_lock and then alloc->mutex, and skips the page when either
 * is busy.
 *
 * Function name suffixes state what the caller already holds:
 *   _clocked   context->lock (transitional)
 *   _rlocked   proc->refs_lock
 *   _nlocked   node->lock                   [target]
 *   _ilocked   proc->inner_lock
 *   _nilocked  node->lock, then the owner's proc->inner_lock
 *   _plocked   proc->lock
 *   _alocked   alloc->mutex
 * A function without a suffix takes what it needs itself.
 *
 * Stages (issue 10): 1. the context manager and the transaction list under
 * their own locks (done); 2. work lists and wait state under inner_lock
 * (the lists and waiting threads done, nested in context->lock);
 * 3. refs under refs_lock (3a, done: nested in context->lock, a handle
 * translated for another proc pins its node and drops the first proc's
 * refs_lock before taking the second's), nodes under node->lock and
 * inner_lock with tmp_refs an atomic pin (3b, done: still nested in
 * context->lock); 4. transaction stacks under inner_lock and t->lock
 * (4a, done: the queue point under the target's inner_lock); 5.
 * context->lock gone from the protocol paths (5a, done: the ref,
 * death- and freeze-notification commands, the read loop's
 * non-transaction work, debugfs node walks).
 *
 * What is never done under context->lock (it would let one process stall
 * every other process of the device): user-memory access (reads are staged
 * in a kernel buffer and copied out after; transaction data and sg buffers
 * are copied before it is taken), sleeping allocations of protocol objects
 * (transactions, deaths, freeze notifications, and a pool of nodes and refs
 * a command may create are allocated first: struct binder_spare), fget()
 * and the LSM's file check (FD objects are translated unlocked), and
 * closing fds, reserving fds for a reader (get_unused_fd_flags may grow
 * the fd table: the reader drops the lock for it), sizing the batch of
 * fd-array fds a freed buffer closes, and waiting for any proc's
 * alloc->mutex (a sender holds it across its page allocations): code
 * under the lock gives buffers back with binder_alloc_free_buf_later(),
 * and the caller frees them once it dropped the lock
 * (binder_proc_free_deferred(), which asserts it); BC_FREE_BUFFER finds
 * its buffer before taking it.  A proc's last put may free its allocator
 * under it: nobody else can hold that mutex then.  Nor are the LSM's
 * binder hooks called under it: the transaction hook once the target is
 * pinned, the transfer hooks in the unlocked first pass over a buffer's
 * objects, the context manager hook before the manager is set (which is
 * checked again under the lock).
 *
 * LIFETIMES: a pointer used after the lock it was found under is dropped
 * is pinned where it was found and unpinned in one place:
 *   device  refcount (binder_device_get/put): one for its misc registration
 *           or its binderfs inode (dropped at module exit or inode
 *           eviction), one per proc (dropped when the proc is freed), so a
 *           binderfs device unlinked or unmounted while open keeps its
 *           context; the last put is never under context->lock (whoever
 *           holds it has a proc of the device pinned)
 *   proc    kref (binder_proc_get/put): the open file's ref (dropped when
 *           the deferred teardown is done), one per thread, one per pin
 *   thread  refcount (binder_thread_get/put): one for proc->threads, one
 *           per pin; freed after an RCU grace period (epoll)
 *   node    tmp_refs (binder_node_tmpref/_put): an atomic pin taken where
 *           the node was found (under node->lock, under its owner's
 *           inner_lock from the owner's tree, under mgr_lock for the
 *           manager, under a proc's refs_lock from a ref), plus its
 *           counts; freed by whoever drops the last with both locks held,
 *           after unlocking
 * Dead or released state is checked under the lock that queues the work,
 * at every point that queues work or a transaction: proc->killed,
 * thread->released (no work is ever queued on a released thread); both
 * are set under the proc's inner_lock (and context->lock), and the
 * transaction queue point checks them, and the target's frozen state,
 * under the target's inner_lock.
 *
 * The vma lifetime (mmap -> vm_ops->close) and the proc lifetime (open ->
 * flush -> release -> deferred teardown) are tracked separately and
 * reconciled in binder_proc.c; see the state diagram at the top of that file.
 */
#ifndef _BINDER_INTERNAL_H
#define _BINDER_INTERNAL_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <uapi/linux/android/binder.h>

#include "binder_compat.h"
#include "../binder_alloc.h"
#include "binder_log.h"

/* debug_mask bits, numbered as upstream's so existing recipes keep working */
enum {
	BINDER_DEBUG_USER_ERROR		= 1U << 0,
	BINDER_DEBUG_FAILED_TRANSACTION	= 1U << 1,
	BINDER_DEBUG_DEAD_TRANSACTION	= 1U << 2,
	BINDER_DEBUG_OPEN_CLOSE		= 1U << 3,
	BINDER_DEBUG_DEAD_BINDER	= 1U << 4,
	BINDER_DEBUG_DEATH_NOTIFICATION	= 1U << 5,
	BINDER_DEBUG_READ_WRITE		= 1U << 6,
	BINDER_DEBUG_USER_REFS		= 1U << 7,
	BINDER_DEBUG_THREADS		= 1U << 8,
	BINDER_DEBUG_TRANSACTION	= 1U << 9,
	BINDER_DEBUG_TRANSACTION_COMPLETE = 1U << 10,
	BINDER_DEBUG_FREE_BUFFER	= 1U << 11,
	BINDER_DEBUG_INTERNAL_REFS	= 1U << 12,
	BINDER_DEBUG_PRIORITY_CAP	= 1U << 13,
	BINDER_DEBUG_SPINLOCKS		= 1U << 14,
};

extern u32 binder_debug_mask;

#define binder_debug(mask, fmt, ...)					\
	binder_log_masked(binder_debug_mask, mask, fmt, ##__VA_ARGS__)

#define binder_user_error(fmt, ...)					\
	binder_debug(BINDER_DEBUG_USER_ERROR, fmt, ##__VA_ARGS__)

/*
 * Live object counts.  The first BINDER_STAT_UPSTREAM_COUNT are the objects
 * upstream's debugfs "stats" reports (same names, same order); the rest are
 * ours and only appear in debugfs "objects".
 */
enum binder_stat_type {
	BINDER_STAT_PROC,
	BINDER_STAT_THREAD,
	BINDER_STAT_NODE,
	BINDER_STAT_REF,
	BINDER_STAT_DEATH,
	BINDER_STAT_TRANSACTION,
	BINDER_STAT_TRANSACTION_COMPLETE,
	BINDER_STAT_FREEZE,	/* upstream's with the 6.12 UAPI */
	BINDER_STAT_BUFFER,
	BINDER_STAT_PAGE,
	BINDER_STAT_COUNT
};

#define BINDER_STAT_UPSTREAM_COUNT \
	(BINDER_STAT_FREEZE + BINDER_UAPI_FREEZE_NOTIFICATION)

/*
 * Command counters are indexed by _IOC_NR() of the BC_* / BR_* code; the
 * UAPI built against says how many there are.
 */
#define BINDER_BC_COUNT (_IOC_NR(BINDER_UAPI_LAST_BC) + 1)
#define BINDER_BR_COUNT (_IOC_NR(BINDER_UAPI_LAST_BR) + 1)

struct binder_stats {
	atomic_t bc[BINDER_BC_COUNT];
	atomic_t br[BINDER_BR_COUNT];
	atomic_t obj_created[BINDER_STAT_COUNT];
	atomic_t obj_deleted[BINDER_STAT_COUNT];
};

extern struct binder_stats binder_stats;

/* "BC_TRANSACTION", ... by _IOC_NR() (debugfs "stats", trace events) */
extern const char * const binder_bc_names[BINDER_BC_COUNT];
extern const char * const binder_br_names[BINDER_BR_COUNT];

static inline void binder_stats_created(enum binder_stat_type type)
{
	atomic_inc(&binder_stats.obj_created[type]);
}

static inline void binder_stats_deleted(enum binder_stat_type type)
{
	atomic_inc(&binder_stats.obj_deleted[type]);
}

struct binder_node;

/**
 * struct binder_context - the protocol state of one device
 * @lock:       guards every node, ref, death, transaction, work list,
 *              transaction stack and looper count of the procs of this
 *              device (see LOCK ORDER: what is still to leave it)
 * @mgr_lock:   guards @mgr_node, @mgr_uid and @mgr_uid_set
 * @mgr_node:   the context manager's node (handle 0), or NULL; changed
 *              with @lock and @mgr_lock held, from NULL to a node of a
 *              live proc and back to NULL when it dies  (@mgr_lock)
 * @mgr_uid:    euid of the first context manager; later ones must match
 *                                                           (@mgr_lock)
 * @mgr_uid_set: @mgr_uid is valid                           (@mgr_lock)
 * @txn_lock:   guards @transactions (the list, not the transactions)
 * @transactions: every live transaction of the device       (@txn_lock)
 * @name:       the device name, for messages
 * @dead_nodes_lock: guards @dead_nodes (LOCK ORDER 8)
 * @dead_nodes: nodes whose owner is gone but that refs still hold, for
 *              debugfs "state" (upstream's "dead nodes:"); changed with
 *              @lock held too, which debugfs reads it under
 *                                                      (@dead_nodes_lock)
 * @entry:      in binder_contexts                    (binder_contexts_lock)
 */
struct binder_context {
	struct mutex lock;	/* see the kernel-doc above */
	spinlock_t mgr_lock;	/* see the kernel-doc above */
	spinlock_t txn_lock;	/* see the kernel-doc above */
	spinlock_t dead_nodes_lock;	/* see the kernel-doc above */
	struct list_head transactions;
	struct list_head dead_nodes;
	struct list_head entry;
	struct binder_node *mgr_node;
	kuid_t mgr_uid;
	bool mgr_uid_set;
	const char *name;
};

/**
 * struct binder_device - one binder device: a misc device (/dev/binder,
 *            /dev/hwbinder, ... from devices=) or a binderfs device node
 * @ref:      see LIFETIMES above (binder_device_get/put)
 * @misc:     misc devices: the registered misc device; its name is @name
 * @entry:    misc devices: link in binder_devices (set at init, read-only
 *            after)
 * @context:  the device's protocol state
 * @name:     device name (devices= or BINDER_CTL_ADD)
 *
 * Each device is its own binder context: context manager, handles and
 * nodes do not cross devices.
 */
struct binder_device {
	refcount_t ref;
	struct miscdevice misc;
	struct list_head entry;
	struct binder_context context;
	char name[];
};

struct binderfs_info;

/* Why the proc's mapping went away (vma path) */
enum binder_vma_state {
	BINDER_VMA_NONE,	/* never mapped */
	BINDER_VMA_MAPPED,
	BINDER_VMA_UNMAPPED,	/* munmap() by the live owner */
	BINDER_VMA_TORN_DOWN,	/* the owner's address space was torn down */
};

/* Where the proc is in its own lifetime (proc path) */
enum binder_proc_state {
	BINDER_PROC_ALIVE,
	BINDER_PROC_DEAD,	/* owner gone; file may still be held elsewhere */
	BINDER_PROC_RELEASED,	/* last file reference dropped */
	BINDER_PROC_TEARDOWN,	/* deferred teardown queued or running */
};

/* Why binder_proc_kill() releases a proc (trace event binder_proc_dead) */
enum binder_kill_reason {
	BINDER_KILL_OWNER_EXIT,	/* the owner's vma was torn down */
	BINDER_KILL_RELEASED,	/* the last reference to the file dropped */
};

/* What a struct binder_work on a todo list stands for */
enum binder_work_type {
	BINDER_WORK_TRANSACTION = 1,
	BINDER_WORK_TRANSACTION_COMPLETE,
	BINDER_WORK_TRANSACTION_ONEWAY_SPAM_SUSPECT,
	BINDER_WORK_RETURN_ERROR,
	BINDER_WORK_NODE,
	BINDER_WORK_DEAD_BINDER,
	BINDER_WORK_DEAD_BINDER_AND_CLEAR,
	BINDER_WORK_CLEAR_DEATH_NOTIFICATION,
	BINDER_WORK_TRANSACTION_PENDING,	/* oneway queued at a frozen proc */
	BINDER_WORK_FROZEN_BINDER,
	BINDER_WORK_CLEAR_FREEZE_NOTIFICATION,
};

/**
 * struct binder_work - an item on a thread's or proc's todo list
 * @entry: link in the list; empty when not queued; changed under the
 *         list's proc->inner_lock and context->lock, read under either
 * @type:  what it is; the containing struct follows from it
 */
struct binder_work {
	struct list_head entry;
	enum binder_work_type type;
};

/* A BR_* error queued for a thread (BR_FAILED_REPLY, BR_DEAD_REPLY, ...) */
struct binder_error {
	struct binder_work work;
	u32 cmd;
};

/**
 * struct binder_node - an object a proc offers to others
 * @debug_id:   unique id for debugfs and messages
 * @lock:       see below (LOCK ORDER 5)
 * @context:    the device's context (set at creation)
 * @work:       BINDER_WORK_NODE: tells the owner about count changes
 *              (its list entry: the owner's inner_lock)
 * @rb_node:    in proc->nodes, keyed by @ptr, while the owner lives
 *              (the owner's inner_lock)
 * @dead_entry: in context->dead_nodes once the owner is dead
 *              (context->dead_nodes_lock)
 * @proc:       owner; NULL once the owner is dead
 * @refs:       every struct binder_ref to this node
 * @internal_strong_refs: refs with a strong count
 * @local_strong_refs / @local_weak_refs: counts held by the kernel
 *              (buffers in flight, the context manager, pending BR_*s)
 * @tmp_refs:   pins of code that uses the node after dropping the lock it
 *              found it under (binder_node_tmpref/_put); taken under
 *              @lock, under the owner's inner_lock while the node is in its
 *              tree, or by a holder of another count; dropped with both
 *              locks held (binder_node_tmpref_put)
 * @ptr, @cookie: the owner's names for the object
 * @has_strong_ref, @has_weak_ref: the owner was told BR_ACQUIRE/BR_INCREFS
 *              and not yet BR_RELEASE/BR_DECREFS
 * @pending_strong_ref, @pending_weak_ref: waiting for BC_*_DONE
 * @has_async_transaction: a oneway call is being delivered or handled;
 *              further ones wait on @async_todo
 * @accept_fds, @txn_security_ctx, @min_priority, @sched_policy: from the
 *              flat_binder_object flags that created the node (read-only)
 * @async_todo: queued oneway transactions
 *
 * @proc, @refs, the counts and the has/pending bits change only with @lock
 * held and, while the node has an owner, the owner's inner_lock too
 * (binder_node_lock_inner, the _nilocked functions), so either lock reads
 * them: the owner's read loop under its inner_lock, a ref's paths under
 * @lock.  @has_async_transaction and @async_todo are the owner's: its
 * inner_lock (with context->lock still held as well).
 */
struct binder_node {
	int debug_id;
	spinlock_t lock;		/* see the kernel-doc above */
	struct binder_context *context;
	struct binder_work work;
	struct rb_node rb_node;
	struct list_head dead_entry;
	struct binder_proc *proc;
	struct hlist_head refs;
	int internal_strong_refs;
	int local_weak_refs;
	int local_strong_refs;
	atomic_t tmp_refs;
	binder_uintptr_t ptr;
	binder_uintptr_t cookie;
	unsigned int has_strong_ref:1;
	unsigned int pending_strong_ref:1;
	unsigned int has_weak_ref:1;
	unsigned int pending_weak_ref:1;
	unsigned int has_async_transaction:1;
	unsigned int accept_fds:1;
	unsigned int txn_security_ctx:1;
	u8 min_priority;
	struct list_head async_todo;
};

/* A death notification a proc asked for on one of its refs */
struct binder_ref_death {
	struct binder_work work;
	binder_uintptr_t cookie;
};

/**
 * struct binder_ref_freeze - a freeze notification a proc asked for
 * @work:      BINDER_WORK_FROZEN_BINDER while the ref has it;
 *             BINDER_WORK_CLEAR_FREEZE_NOTIFICATION once cleared (then it
 *             belongs to its work list until read)
 * @cookie:    the requester's cookie
 * @is_frozen: the state the next BR_FROZEN_BINDER reports
 * @sent:      delivered, not yet acknowledged (on proc->delivered_freeze)
 * @resend:    the state changed (or it was cleared) while @sent: queue it
 *             again on BC_FREEZE_NOTIFICATION_DONE
 */
struct binder_ref_freeze {
	struct binder_work work;
	binder_uintptr_t cookie;
	bool is_frozen;
	bool sent;
	bool resend;
};

/**
 * struct binder_ref - a proc's handle to a node (usually another proc's)
 * @debug_id:      unique id
 * @rb_node_desc:  in proc->refs_by_desc
 * @rb_node_node:  in proc->refs_by_node
 * @node_entry:    in node->refs
 * @proc:          the proc holding the handle
 * @node:          the node it refers to
 * @desc:          the handle number
 * @strong, @weak: userspace and in-flight counts
 * @death:         requested death notification, or NULL
 * @freeze:        requested freeze notification, or NULL
 *
 * Created, counted and deleted with @proc's refs_lock held (and, until
 * stage 3 moves the node side, context->lock): its tree links, @desc,
 * @strong and @weak change only so.  @node_entry, @death and @freeze are
 * read by the node's owner's paths (its death, its freeze) and so are
 * also changed only with context->lock held.
 */
struct binder_ref {
	int debug_id;
	struct rb_node rb_node_desc;
	struct rb_node rb_node_node;
	struct hlist_node node_entry;
	struct binder_proc *proc;
	struct binder_node *node;
	u32 desc;
	int strong;
	int weak;
	struct binder_ref_death *death;
	struct binder_ref_freeze *freeze;
};

/*
 * What is printed or traced of a ref after its proc's refs_lock is dropped
 * (the ref itself may be gone by then)
 */
struct binder_ref_id {
	int debug_id;
	u32 desc;
};

/**
 * struct binder_transaction - one call or reply in flight
 * @debug_id:    unique id
 * @work:        BINDER_WORK_TRANSACTION on the target's todo
 * @context:     the device's context, whose @transactions list holds it
 * @context_entry: in context->transactions (debugfs "transactions");
 *               guarded by context->txn_lock
 * @from:        sending thread of a sync call, NULL for oneway and replies
 *               and once the sender is gone
 * @from_pid, @from_tid: who sent it (messages and debugfs)
 * @from_parent: next transaction on @from's stack
 * @to_proc:     target proc
 * @to_thread:   target thread once known
 * @to_tid:      the thread that got it (the caller of a reply, the handler
 *               of a sync call), kept after @to_thread is cleared: trace
 *               event binder_txn_latency_free
 * @to_parent:   next transaction on @to_thread's stack
 * @need_reply:  a sync call not yet answered
 * @traced:      its binder_transaction event was sent: only such a
 *               transaction gets a binder_txn_latency_free, as upstream
 * @outstanding: counted in @to_proc->outstanding_txns (queued or delivered
 *               to it, not yet done with)
 * @buffer:      the data, in @to_proc's area; NULL once userspace freed it
 * @code, @flags: from binder_transaction_data
 * @sender_euid: the sender's euid, set by the kernel
 * @security_ctx: user address of the sender's security context at the end
 *               of the buffer (FLAT_BINDER_FLAG_TXN_SECURITY_CTX), or 0
 * @fd_fixups:   files of BINDER_TYPE_FD objects, installed as fds by the
 *               receiving thread when it reads the transaction
 * @priority:    the sender's nice value when it sent
 * @saved_priority: the handler's nice before it took the call, restored
 *               when it replies
 *
 * Everything is guarded by context->lock.
 */
struct binder_transaction {
	int debug_id;
	struct binder_work work;
	struct binder_context *context;
	struct list_head context_entry;
	struct binder_thread *from;
	pid_t from_pid;
	pid_t from_tid;
	struct binder_transaction *from_parent;
	struct binder_proc *to_proc;
	struct binder_thread *to_thread;
	pid_t to_tid;
	struct binder_transaction *to_parent;
	unsigned int need_reply:1;
	unsigned int outstanding:1;
	unsigned int traced:1;
	struct binder_buffer *buffer;
	unsigned int code;
	unsigned int flags;
	kuid_t sender_euid;
	binder_uintptr_t security_ctx;
	struct list_head fd_fixups;
	long priority;
	long saved_priority;
};

/**
 * struct binder_txn_fd_fixup - a file in flight in a transaction
 * @entry:     in transaction->fd_fixups
 * @file:      the sender's file (reference held until installed)
 * @offset:    where in the buffer the receiver's fd number goes
 * @target_fd: the fd reserved in the receiver, or -1
 */
struct binder_txn_fd_fixup {
	struct list_head entry;
	struct file *file;
	size_t offset;
	int target_fd;
};

/**
 * struct binder_thread - a userspace thread that talks to a proc
 * @proc:         owning proc (never changes)
 * @rb_node:      link in proc->threads, keyed by @pid        (proc->lock)
 * @waiting_entry: in proc->waiting_threads while it waits for proc work
 * @pid:          the thread's pid (in the init pid namespace)
 * @looper:       BINDER_LOOPER_STATE_* bits; changed by the thread only,
 *                under proc->inner_lock (binder_thread_set_looper)
 * @looper_need_return: the next read returns at once, even with no work;
 *                set for a new thread and by flush (under
 *                proc->inner_lock), cleared (unlocked, WRITE_ONCE) at the
 *                end of each ioctl
 * @process_todo: @todo holds work that should wake the thread (queued
 *                BR_TRANSACTION_COMPLETE of a sync call does not)
 *                                                 (proc->inner_lock)
 * @todo:         work for this thread only
 * @transaction_stack: innermost transaction this thread sends or serves
 * @return_error: an error for this thread's last command
 * @reply_error:  the error a failed sync call gets as its reply
 * @ee:           BINDER_GET_EXTENDED_ERROR: the last transaction's outcome
 * @wait:         where the thread sleeps in read and poll
 * @rbuf:         where its reads are staged before the copy to userspace;
 *                allocated at its first read, used by the thread only
 * @log_rec:      what the transaction logs keep of the transaction the
 *                thread is sending; used by the thread only (a thread
 *                sends one at a time)
 * @released:     left the proc (BINDER_THREAD_EXIT or its proc died); set
 *                once under context->lock and the proc's inner_lock (the
 *                queue point checks it under the latter), read without
 *                either by the thread's own ioctls (READ_ONCE)
 * @refs:         one for its place in proc->threads, one per pin of code
 *                that keeps the pointer after dropping context->lock
 *                (binder_thread_get/put); the thread holds a ref on @proc
 * @rcu:          the thread is freed after a grace period, so that a
 *                poll waiter that saw @wait is done with it
 *
 * Unless marked otherwise, fields are guarded by context->lock.
 */
struct binder_thread {
	struct binder_proc *proc;
	refcount_t refs;
	struct rb_node rb_node;
	struct list_head waiting_entry;
	pid_t pid;
	u32 looper;
	bool looper_need_return;
	bool process_todo;
	struct list_head todo;
	struct binder_transaction *transaction_stack;
	struct binder_error return_error;
	struct binder_error reply_error;
	struct binder_extended_error ee;
	wait_queue_head_t wait;
	u8 *rbuf;
	struct binder_txn_record log_rec;
	bool released;
	struct rcu_head rcu;
};

/**
 * struct binder_proc - one open of a binder device
 * @proc_node:    link in binder_procs                     (binder_procs_lock)
 * @lock:         guards @threads, @vma_state, @proc_state and the
 *                timestamps
 * @inner_lock:   guards the work lists (@todo, @delivered_death,
 *                @delivered_freeze, each thread's todo and each own
 *                node's async_todo), every binder_work's entry on them,
 *                and @waiting_threads with each thread's waiting_entry;
 *                written with context->lock held as well (LOCK ORDER 6);
 *                alone: @max_threads, @requested_threads(_started), and
 *                each thread's looper bits and process_todo
 * @threads:      rb-tree of struct binder_thread keyed by pid    (@lock)
 * @pid:          tgid of the opener
 * @tgid:         the opener's tgid struct pid (reference held): its number
 *                in any pid namespace, for binderfs binder_logs
 * @tsk:          the opener's group leader (reference held)
 * @cred:         the opener's credentials (reference held)
 * @device:       which device (context) this proc belongs to
 * @context:      &device->context
 * @file:         the struct file of this open (not refcounted: valid from
 *                open to release)
 * @vma_state:    vma lifetime, see binder_proc.c                  (@lock)
 * @vma_changed:  ktime of the last @vma_state change              (@lock)
 * @proc_state:   proc lifetime, see binder_proc.c                 (@lock)
 * @state_changed: ktime of the last @proc_state change            (@lock)
 * @teardown_work: deferred teardown after release
 * @dead_work:    the protocol consequences of the owner's death, queued
 *                by the vma path
 * @debugfs_entry: binder/proc/<pid>: one proc of the pid has it, handed to
 *                another at release           (binder_procs_dentry_lock)
 * @fs:           the binderfs mount the proc was opened through, or NULL;
 *                used only while the proc is on binder_procs (from open
 *                to release: the open file pins the mount)
 * @fs_entry:     binder_logs/proc/<pid> of @fs: one proc of the pid opened
 *                through @fs has it, as @debugfs_entry
 *                                             (binder_procs_dentry_lock)
 * @alloc:        the buffer allocator of this proc's mapping
 * @default_priority: the opener's nice value; a thread waiting for proc
 *                work returns to it
 * @freeze_wait:  BINDER_FREEZE with a timeout waits here for
 *                @outstanding_txns to drop to 0
 *
 * @refcount:     one for the open file (dropped when the deferred teardown
 *                is done), one per thread, one per pin of code that keeps
 *                the pointer after dropping the lock it found it under
 *                (binder_proc_get/put); the last put frees the proc
 *
 * @refs_lock:    guards @refs_by_desc, @refs_by_node, @desc_map,
 *                @desc_bits and each ref's counts (LOCK ORDER 2a)
 * @refs_by_desc, @refs_by_node: the proc's refs              (@refs_lock)
 * @desc_map, @desc_bits: the handles in use, a bitmap of @desc_bits bits
 *                (binder_node.c); freed with the proc         (@refs_lock)
 *
 * Guarded by context->lock (the lists and counts @inner_lock names: by it)
 * @killed:       nodes, refs, work and buffers are gone (owner dead or
 *                released); nothing new may be queued.  Set with
 *                @inner_lock held too: readable under either
 * @nodes:        the proc's nodes by ptr
 * @todo:         work for any thread of the proc
 * @waiting_threads: threads waiting for proc work
 * @delivered_death: BR_DEAD_BINDERs not yet acknowledged
 * @oneway_spam_detection: BINDER_ENABLE_ONEWAY_SPAM_DETECTION: this proc
 *                is told BR_ONEWAY_SPAM_SUSPECT when it floods a target
 *                (READ_ONCE/WRITE_ONCE, no lock)
 * @delivered_freeze: BR_FROZEN_BINDERs not yet acknowledged
 * @frozen:       BINDER_FREEZE: sync calls to it fail with BR_FROZEN_REPLY
 * @sync_recv, @async_recv: a call of that kind came while frozen
 * @outstanding_txns: transactions queued or delivered to the proc and not
 *                done with; a freeze waits for none
 *                (these four: changed with @inner_lock held as well, so
 *                the queue point, binder_proc_transaction_clocked(), reads
 *                them under it)
 * @max_threads:  BINDER_SET_MAX_THREADS value                (@inner_lock)
 * @requested_threads, @requested_threads_started: BR_SPAWN_LOOPER
 *                accounting                                   (@inner_lock)
 */
struct binder_proc {
	struct list_head proc_node;
	spinlock_t lock;		/* see the kernel-doc above */
	spinlock_t inner_lock;		/* see the kernel-doc above */
	struct rb_root threads;
	pid_t pid;
	struct pid *tgid;
	struct task_struct *tsk;
	const struct cred *cred;
	struct binder_device *device;
	struct binder_context *context;
	struct file *file;
	enum binder_vma_state vma_state;
	ktime_t vma_changed;
	enum binder_proc_state proc_state;
	ktime_t state_changed;
	struct work_struct teardown_work;
	struct work_struct dead_work;
	struct dentry *debugfs_entry;
	struct binderfs_info *fs;
	struct dentry *fs_entry;
	struct binder_alloc alloc;
	long default_priority;
	wait_queue_head_t freeze_wait;

	struct kref refcount;
	bool killed;
	struct rb_root nodes;
	struct mutex refs_lock;		/* see the kernel-doc above */
	struct rb_root refs_by_desc;
	struct rb_root refs_by_node;
	unsigned long *desc_map;
	u32 desc_bits;
	struct list_head todo;
	struct list_head waiting_threads;
	struct list_head delivered_death;
	struct list_head delivered_freeze;
	bool frozen;
	bool sync_recv;
	bool async_recv;
	int outstanding_txns;
	bool oneway_spam_detection;
	u32 max_threads;
	int requested_threads;
	int requested_threads_started;
};

enum {
	BINDER_LOOPER_STATE_REGISTERED	= 0x01,
	BINDER_LOOPER_STATE_ENTERED	= 0x02,
	BINDER_LOOPER_STATE_EXITED	= 0x04,
	BINDER_LOOPER_STATE_INVALID	= 0x08,
	BINDER_LOOPER_STATE_WAITING	= 0x10,
	BINDER_LOOPER_STATE_POLL	= 0x20,
};

int binder_new_debug_id(void);

static inline void binder_set_extended_error(struct binder_extended_error *ee,
					     u32 id, u32 command, s32 param)
{
	ee->id = id;
	ee->command = command;
	ee->param = param;
}

/* binder_proc.c: the two lifetimes, threads and waiting */
extern struct mutex binder_procs_lock;
extern struct list_head binder_procs;
struct binder_proc *binder_proc_create(struct binder_device *device,
				       struct binderfs_info *fs);
void binder_proc_flush(struct binder_proc *proc);
void binder_proc_release(struct binder_proc *proc);
int binder_proc_mmap(struct binder_proc *proc, struct vm_area_struct *vma);
bool binder_proc_usable(struct binder_proc *proc);
struct binder_proc *binder_proc_get(struct binder_proc *proc);
void binder_proc_put(struct binder_proc *proc);
void binder_proc_free_deferred(struct binder_proc *proc);
struct binder_thread *binder_thread_get(struct binder_thread *thread);
void binder_thread_put(struct binder_thread *thread);
struct binder_thread *binder_get_thread(struct binder_proc *proc);
int binder_thread_exit(struct binder_proc *proc, struct binder_thread *thread);
void binder_thread_release_clocked(struct binder_thread *thread);
void binder_proc_release_threads_clocked(struct binder_proc *proc);
bool binder_thread_has_work_ilocked(struct binder_thread *thread,
				    bool do_proc_work);
bool binder_available_for_proc_work_clocked(struct binder_thread *thread);
void binder_thread_set_looper(struct binder_thread *thread, u32 bits,
			      bool on);
void binder_thread_todo_drained_clocked(struct binder_thread *thread);
int binder_thread_wait_for_work(struct binder_thread *thread,
				bool do_proc_work);
void binder_thread_ioctl_done(struct binder_thread *thread);
void binder_wakeup_proc_ilocked(struct binder_proc *proc);
void binder_wakeup_proc_clocked(struct binder_proc *proc);
void binder_wakeup_thread_clocked(struct binder_thread *thread);
void binder_wakeup_thread_sync_clocked(struct binder_thread *thread);
const char *binder_vma_state_name(enum binder_vma_state state);
const char *binder_proc_state_name(enum binder_proc_state state);
int binder_proc_init(void);
void binder_proc_exit(void);

/**
 * struct binder_spare - nodes and refs allocated before context->lock
 * @nodes: spare nodes, linked by work.entry
 * @refs:  spare refs, linked by node_entry
 *
 * A command that may create objects under the lock allocates as many as it
 * may need first, so direct reclaim never runs under the lock; what it did
 * not use is freed once the lock is dropped.  Owned by one command.
 */
struct binder_spare {
	struct list_head nodes;
	struct hlist_head refs;
};

/* binder_node.c: work lists, nodes, refs, death notifications */
void binder_spare_init(struct binder_spare *sp);
int binder_spare_fill(struct binder_spare *sp, size_t nodes, size_t refs);
void binder_spare_drain(struct binder_spare *sp);
void binder_enqueue_work_clocked(struct binder_proc *proc,
				 struct binder_work *work,
				 struct list_head *target);
void binder_enqueue_thread_work_ilocked(struct binder_thread *thread,
					struct binder_work *work);
void binder_enqueue_thread_work_clocked(struct binder_thread *thread,
					struct binder_work *work);
void binder_enqueue_deferred_thread_work_clocked(struct binder_thread *thread,
						 struct binder_work *work);
void binder_dequeue_work_clocked(struct binder_proc *proc,
				 struct binder_work *work);
void binder_enqueue_work_ilocked(struct binder_proc *proc,
				 struct binder_work *work,
				 struct list_head *target);
void binder_dequeue_work_ilocked(struct binder_proc *proc,
				 struct binder_work *work);
struct binder_proc *binder_node_lock_inner(struct binder_node *node);
void binder_node_unlock_inner(struct binder_node *node,
			      struct binder_proc *proc);
struct binder_node *binder_proc_next_node(struct binder_proc *proc,
					  struct binder_node *prev);
struct binder_node *binder_get_node(struct binder_proc *proc,
				    binder_uintptr_t ptr);
struct binder_node *binder_new_node_clocked(struct binder_proc *proc,
					    const struct flat_binder_object *fp,
					    struct binder_spare *sp);
int binder_inc_node(struct binder_node *node, bool strong, bool internal,
		    struct list_head *target_list);
void binder_dec_node(struct binder_node *node, bool strong, bool internal);
int binder_node_work_read_ilocked(struct binder_node *node, u32 cmds[4],
				  struct binder_ptr_cookie *pc, bool *unlinked);
void binder_node_free_unlinked(struct binder_node *node);
void binder_node_tmpref(struct binder_node *node);
void binder_node_tmpref_put(struct binder_node *node);
struct binder_ref *binder_get_ref_rlocked(struct binder_proc *proc, u32 desc,
					  bool need_strong);
struct binder_node *binder_handle_node(struct binder_proc *proc,
				       u32 desc, bool need_strong,
				       struct binder_ref_id *id);
int binder_inc_ref_for_node(struct binder_proc *proc,
			    struct binder_node *node, bool strong,
			    struct list_head *target_list,
			    struct binder_ref_id *id,
			    struct binder_spare *sp);
int binder_update_ref_for_handle(struct binder_proc *proc, u32 desc,
				 bool increment, bool strong);
struct binder_ref_death *binder_ref_death_new(void);
void binder_ref_death_free(struct binder_ref_death *death);
int binder_request_death(struct binder_thread *thread, u32 desc,
			 binder_uintptr_t cookie,
			 struct binder_ref_death **newp);
int binder_clear_death(struct binder_thread *thread, u32 desc,
		       binder_uintptr_t cookie);
int binder_dead_binder_done(struct binder_thread *thread,
			    binder_uintptr_t cookie);
void binder_release_nodes_and_refs_clocked(struct binder_proc *proc);
int binder_node_work_done(struct binder_proc *proc, u32 cmd,
			  binder_uintptr_t ptr, binder_uintptr_t cookie);
int binder_set_context_mgr(struct binder_proc *proc,
			   const struct flat_binder_object *fp);
struct binder_node *binder_context_mgr_get(struct binder_context *context);
bool binder_node_is_context_mgr(struct binder_context *context,
				const struct binder_node *node);
bool binder_is_context_mgr(struct binder_context *context,
			   const struct binder_proc *proc);

/* binder_transaction.c */
int binder_transaction(struct binder_proc *proc, struct binder_thread *thread,
		       const struct binder_transaction_data *tr,
		       binder_size_t buffers_size, bool reply);
void binder_free_buffer_cmd(struct binder_proc *proc,
			    struct binder_thread *thread,
			    binder_uintptr_t data_ptr);
void binder_free_transaction_clocked(struct binder_transaction *t);
void binder_send_failed_reply_clocked(struct binder_transaction *t,
				      u32 error_code);
bool binder_free_unowned_work(struct binder_work *w,
			      enum binder_work_type type);
void binder_release_work_clocked(struct binder_proc *proc,
				 struct list_head *list);
bool binder_transaction_delivered_clocked(struct binder_thread *thread,
					  struct binder_transaction *t);
/*
 * fds a reader reserved, with context->lock dropped, for its fd fixups:
 * @fds[@used..@n) are still free to hand out
 */
struct binder_fd_res {
	int *fds;
	size_t used;
	size_t n;
	size_t cap;
};

size_t binder_txn_fd_count_clocked(struct binder_transaction *t);
void binder_fd_reserve(struct binder_fd_res *res, size_t want);
void binder_fd_unreserve(struct binder_fd_res *res);
int binder_apply_fd_fixups_clocked(struct binder_transaction *t,
				   struct binder_fd_res *res, size_t need);
void binder_fail_delivery_clocked(struct binder_transaction *t);

/**
 * struct binder_undelivery - what one read handed out, taken back by
 *                            binder_undeliver() if its copy-out faults
 * @user_data: data address of the transaction buffer it returned; 0: none
 * @call:      that transaction, when it is a sync call now on the reader's
 *             stack (compared only: never dereferenced unless still there)
 * @nfds:      how many fds were installed for it: the reader's first
 *             reserved ones
 */
struct binder_undelivery {
	unsigned long user_data;
	struct binder_transaction *call;
	size_t nfds;
};

void binder_undeliver(struct binder_thread *thread,
		      const struct binder_undelivery *undo, const int *fds);

/* binder_freeze.c: BINDER_FREEZE, frozen info, freeze notifications */
void binder_outstanding_inc_ilocked(struct binder_transaction *t);
void binder_outstanding_inc_clocked(struct binder_transaction *t);
void binder_outstanding_dec_clocked(struct binder_transaction *t);
int binder_ioctl_freeze(void __user *ubuf);
int binder_ioctl_frozen_info(void __user *ubuf);
struct binder_ref_freeze *binder_ref_freeze_new(void);
void binder_ref_freeze_free(struct binder_ref_freeze *freeze);
int binder_request_freeze(struct binder_proc *proc, u32 desc,
			  binder_uintptr_t cookie,
			  struct binder_ref_freeze **newp);
int binder_clear_freeze(struct binder_proc *proc, u32 desc,
			binder_uintptr_t cookie);
int binder_freeze_done(struct binder_proc *proc,
		       binder_uintptr_t cookie);
void binder_free_ref_freeze(struct binder_ref_freeze *freeze);

/* binder_main.c: module, devices, file operations */
extern const struct file_operations binder_fops;
extern struct mutex binder_contexts_lock;
extern struct list_head binder_contexts;
struct binder_proc *binder_proc_from_file(struct file *filp);
void binder_set_nice(long nice);
struct binder_device *binder_device_new(const char *name);
void binder_device_get(struct binder_device *device);
void binder_device_put(struct binder_device *device);
int binder_devices_param_each(int (*fn)(const char *name, void *arg),
			      void *arg);

/* binder_debugfs.c: the files of binder/ in debugfs and binder_logs/ */
struct binder_debugfs_entry {
	const char *name;
	const struct file_operations *fops;
};

/* state, stats, transactions, objects; ends with a NULL name */
extern const struct binder_debugfs_entry binder_debugfs_entries[];
/* proc/<pid>: i_private is the pid (in the pid namespace of the view) */
extern const struct file_operations binder_proc_fops;
pid_t binder_pid_view(pid_t nr, struct pid_namespace *ns);
int binder_debugfs_init(void);
void binder_debugfs_exit(void);
struct dentry *binder_debugfs_add_proc(pid_t pid);
void binder_debugfs_remove_proc(struct dentry *entry);

/* binder_fs.c: binderfs */
int binderfs_init(void);
void binderfs_exit(void);
struct binderfs_info *binderfs_info_of(const struct inode *inode);
struct pid_namespace *binderfs_file_pid_ns(const struct file *file);
struct dentry *binderfs_add_proc(struct binderfs_info *fs,
				 struct binder_proc *proc);
void binderfs_remove_proc(struct dentry *entry);

#endif /* _BINDER_INTERNAL_H */
