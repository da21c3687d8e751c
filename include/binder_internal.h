/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal object model of the binder driver.
 *
 * LOCK ORDER (outermost first; take only in this order, release in reverse):
 *
 *   1. binder_procs_lock     mutex    the global list of procs (binder_procs)
 *   2. mm->mmap_lock         rwsem    the owner's address space (vma paths)
 *   3. alloc->mutex          mutex    one proc's allocator: its area, buffers
 *                                     and page array (binder_alloc.h)
 *   4. proc->lock            spinlock one proc's threads, lifecycle state and
 *                                     work (struct binder_proc below)
 *   4. binder_alloc_lru lock spinlock the list of idle pages (inside 3; never
 *                                     together with 4)
 *
 * The shrinker is the one path that starts from an inner lock: holding the
 * binder_alloc_lru lock it only try-locks mmap_lock and then alloc->mutex,
 * and skips the page when either is busy.
 *
 * Function name suffixes state what the caller already holds:
 *   _plocked   proc->lock
 *   _alocked   alloc->mutex
 *
 * The vma lifetime (mmap -> vm_ops->close) and the proc lifetime (open ->
 * flush -> release -> deferred teardown) are tracked separately and
 * reconciled in binder_proc.c; see the state diagram at the top of that file.
 */
#ifndef _BINDER_INTERNAL_H
#define _BINDER_INTERNAL_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "binder_compat.h"
#include "../binder_alloc.h"

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
	do {								\
		if (binder_debug_mask & (mask))				\
			pr_info_ratelimited(fmt, ##__VA_ARGS__);	\
	} while (0)

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
	BINDER_STAT_UPSTREAM_COUNT,
	BINDER_STAT_BUFFER = BINDER_STAT_UPSTREAM_COUNT,
	BINDER_STAT_PAGE,
	BINDER_STAT_COUNT
};

/* Command counters are indexed by _IOC_NR() of the BC_* / BR_* code. */
#ifdef BINDER_HAVE_FREEZE_NOTIFICATION
#define BINDER_BC_COUNT (_IOC_NR(BC_FREEZE_NOTIFICATION_DONE) + 1)
#define BINDER_BR_COUNT (_IOC_NR(BR_CLEAR_FREEZE_NOTIFICATION_DONE) + 1)
#else
#define BINDER_BC_COUNT (_IOC_NR(BC_REPLY_SG) + 1)
#define BINDER_BR_COUNT (_IOC_NR(BR_ONEWAY_SPAM_SUSPECT) + 1)
#endif

struct binder_stats {
	atomic_t bc[BINDER_BC_COUNT];
	atomic_t br[BINDER_BR_COUNT];
	atomic_t obj_created[BINDER_STAT_COUNT];
	atomic_t obj_deleted[BINDER_STAT_COUNT];
};

extern struct binder_stats binder_stats;

static inline void binder_stats_created(enum binder_stat_type type)
{
	atomic_inc(&binder_stats.obj_created[type]);
}

static inline void binder_stats_deleted(enum binder_stat_type type)
{
	atomic_inc(&binder_stats.obj_deleted[type]);
}

/**
 * struct binder_device - one misc device (/dev/binder, /dev/hwbinder, ...)
 * @misc:     the registered misc device; its name is @name
 * @entry:    link in binder_devices (set at init, read-only after)
 * @name:     device name from the devices= parameter
 *
 * Each device is its own binder context: context manager, handles and
 * nodes do not cross devices.
 */
struct binder_device {
	struct miscdevice misc;
	struct list_head entry;
	char name[];
};

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

/**
 * struct binder_thread - a userspace thread that talks to a proc
 * @proc:         owning proc (never changes)
 * @rb_node:      link in proc->threads, keyed by @pid        (proc->lock)
 * @pid:          the thread's pid (in the init pid namespace)
 * @looper:       BINDER_LOOPER_STATE_* bits                  (proc->lock)
 * @looper_need_return: the next read returns at once, even with no work;
 *                set for a new thread and by flush, cleared at the end of
 *                each ioctl                                  (proc->lock)
 * @wait:         where the thread sleeps in read and poll
 * @rcu:          the thread is freed after a grace period, so that a
 *                poll waiter that saw @wait is done with it
 */
struct binder_thread {
	struct binder_proc *proc;
	struct rb_node rb_node;
	pid_t pid;
	u32 looper;
	bool looper_need_return;
	wait_queue_head_t wait;
	struct rcu_head rcu;
};

/**
 * struct binder_proc - one open of a binder device
 * @proc_node:    link in binder_procs                     (binder_procs_lock)
 * @lock:         guards @threads, @vma_state, @proc_state, @max_threads and
 *                the timestamps
 * @threads:      rb-tree of struct binder_thread keyed by pid    (@lock)
 * @pid:          tgid of the opener
 * @tsk:          the opener's group leader (reference held)
 * @cred:         the opener's credentials (reference held)
 * @device:       which device (context) this proc belongs to
 * @file:         the struct file of this open (not refcounted: valid from
 *                open to release)
 * @max_threads:  BINDER_SET_MAX_THREADS value                     (@lock)
 * @vma_state:    vma lifetime, see binder_proc.c                  (@lock)
 * @vma_changed:  ktime of the last @vma_state change              (@lock)
 * @proc_state:   proc lifetime, see binder_proc.c                 (@lock)
 * @state_changed: ktime of the last @proc_state change            (@lock)
 * @teardown_work: deferred teardown after release
 * @debugfs_entry: binder/proc/<pid> (only the first proc of a pid has one)
 * @alloc:        the buffer allocator of this proc's mapping
 */
struct binder_proc {
	struct list_head proc_node;
	spinlock_t lock;		/* see the kernel-doc above */
	struct rb_root threads;
	pid_t pid;
	struct task_struct *tsk;
	const struct cred *cred;
	struct binder_device *device;
	struct file *file;
	u32 max_threads;
	enum binder_vma_state vma_state;
	ktime_t vma_changed;
	enum binder_proc_state proc_state;
	ktime_t state_changed;
	struct work_struct teardown_work;
	struct dentry *debugfs_entry;
	struct binder_alloc alloc;
};

enum {
	BINDER_LOOPER_STATE_REGISTERED	= 0x01,
	BINDER_LOOPER_STATE_ENTERED	= 0x02,
	BINDER_LOOPER_STATE_EXITED	= 0x04,
	BINDER_LOOPER_STATE_INVALID	= 0x08,
	BINDER_LOOPER_STATE_WAITING	= 0x10,
	BINDER_LOOPER_STATE_POLL	= 0x20,
};

/* binder_proc.c: the two lifetimes */
extern struct mutex binder_procs_lock;
extern struct list_head binder_procs;
struct binder_proc *binder_proc_create(struct binder_device *device);
void binder_proc_flush(struct binder_proc *proc);
void binder_proc_release(struct binder_proc *proc);
int binder_proc_mmap(struct binder_proc *proc, struct vm_area_struct *vma);
struct binder_thread *binder_get_thread(struct binder_proc *proc);
int binder_thread_exit(struct binder_proc *proc, struct binder_thread *thread);
bool binder_thread_has_work(struct binder_thread *thread);
int binder_thread_wait_for_work(struct binder_thread *thread, bool non_block);
void binder_thread_ioctl_done(struct binder_thread *thread);
void binder_thread_mark_poll(struct binder_thread *thread);
const char *binder_vma_state_name(enum binder_vma_state state);
const char *binder_proc_state_name(enum binder_proc_state state);
int binder_proc_init(void);
void binder_proc_exit(void);

/* binder_main.c */
struct binder_proc *binder_proc_from_file(struct file *filp);

/* binder_debugfs.c */
int binder_debugfs_init(void);
void binder_debugfs_exit(void);
void binder_debugfs_add_proc(struct binder_proc *proc);
void binder_debugfs_remove_proc(struct binder_proc *proc);

#endif /* _BINDER_INTERNAL_H */
