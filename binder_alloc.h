/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The buffer allocator: one per proc, managing the read-only area the proc
 * mapped with mmap() on its binder fd.  Buffers for incoming transactions
 * are carved from that area; the kernel writes them, userspace reads them.
 *
 * The allocator never keeps a pointer to the vma: the vma may be closed at
 * any moment by the owner (munmap, exit, exec).  It keeps the mm (mmgrab'd)
 * and the area's address, and looks the vma up under the mmap lock when it
 * has to touch it; @mapped, changed only under both the mmap write lock and
 * @mutex, says whether the vma at @area is still ours.
 *
 * Pages are allocated when a buffer first needs them.  A page no buffer
 * uses stays mapped but sits on a global list_lru, from which a shrinker
 * frees it under memory pressure; a new buffer that needs it takes it back.
 */
#ifndef _BINDER_ALLOC_H
#define _BINDER_ALLOC_H

#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/rbtree.h>
#include <linux/seq_file.h>
#include <linux/types.h>

struct binder_node;

/*
 * alloc_debug_mask (module parameter, as Debian's module has it): what the
 * allocator logs, with upstream's bit values.
 */
enum {
	BINDER_ALLOC_DEBUG_USER_ERROR		= 1U << 0,
	BINDER_ALLOC_DEBUG_OPEN_CLOSE		= 1U << 1,
	BINDER_ALLOC_DEBUG_BUFFER_ALLOC		= 1U << 2,
	BINDER_ALLOC_DEBUG_BUFFER_ALLOC_ASYNC	= 1U << 3,
};

extern u32 binder_alloc_debug_mask;

/* Log (rate-limited) when any of @bits is set in the mask @mask_var */
#define binder_log_masked(mask_var, bits, fmt, ...)			\
	do {								\
		if ((mask_var) & (bits))				\
			pr_info_ratelimited(fmt, ##__VA_ARGS__);	\
	} while (0)

#define binder_alloc_debug(bits, fmt, ...)				\
	binder_log_masked(binder_alloc_debug_mask, bits, fmt, ##__VA_ARGS__)

/* Largest area a proc may map; larger mappings are clamped to this. */
#define BINDER_ALLOC_MAX_AREA	SZ_4M

/**
 * struct binder_buffer - one buffer (allocated or free) of an area
 * @entry:        link in alloc->buffers, in address order
 * @rb_node:      in alloc->free_buffers (keyed by size) when @free, else in
 *                alloc->allocated_buffers (keyed by @user_data)
 * @free:         not allocated
 * @async:        allocated for a oneway transaction (counts against the
 *                async half of the area)
 * @oneway_spam_suspect: its sender was found filling the async space
 * @allow_user_free: userspace may BC_FREE_BUFFER it (delivered to it)
 * @clear_on_free: TF_CLEAR_BUF: zeroed when freed
 * @user_data:    where the buffer starts, as a user address
 * @data_size:    bytes of transaction data
 * @offsets_size: bytes of the object offsets array
 * @extra_size:   bytes of extra (security context, scatter-gather) space
 * @pid:          who allocated it (the sender), for async accounting
 * @debug_id:     the transaction it was allocated for (trace events)
 * @owner:        the transaction it carries, while it has one
 * @target_node:  the node a call was sent to (NULL for a reply); the
 *                buffer holds a local strong count on it
 * @free_later:   in alloc->free_later, given back but not yet freed
 *
 * The allocator's fields (@entry, @rb_node, @free, @async, @user_data,
 * the sizes; @free_later is added to lock-free) are guarded by
 * alloc->mutex.
 * @clear_on_free, @owner and @target_node belong to the protocol code and
 * are guarded by the context's lock once the buffer is allocated (the
 * allocator reads them when the buffer is freed: by then the protocol is
 * done with it).  @allow_user_free is set by the protocol at delivery
 * (context's lock, WRITE_ONCE: BC_FREE_BUFFER tests it under alloc->mutex
 * alone) and cleared under alloc->mutex by whoever frees the buffer for
 * userspace (BC_FREE_BUFFER, or the owner's death, when no delivery can
 * come any more).  None is a bitfield, so writing them never touches the
 * allocator's bits.  A buffer's size is the distance
 * to the next buffer (or to the end of the area).
 */
struct binder_buffer {
	struct list_head entry;
	struct rb_node rb_node;
	unsigned int free:1;
	unsigned int async:1;
	unsigned int oneway_spam_suspect:1;
	/* the protocol's, written under the context's lock: not in that word */
	bool allow_user_free;
	bool clear_on_free;
	unsigned long user_data;
	size_t data_size;
	size_t offsets_size;
	size_t extra_size;
	pid_t pid;
	int debug_id;
	void *owner;
	struct binder_node *target_node;
	struct llist_node free_later;
};

/**
 * struct binder_alloc_page - one page of an area
 * @lru:    on binder_alloc_lru while resident and unused
 * @page:   the page, or NULL when not resident
 * @alloc:  the allocator it belongs to
 * @users:  how many allocated buffers overlap this page
 *
 * @page and @users are guarded by alloc->mutex; @lru by the list_lru.
 */
struct binder_alloc_page {
	struct list_head lru;
	struct page *page;
	struct binder_alloc *alloc;
	unsigned int users;
};

/**
 * struct binder_alloc - per-proc buffer allocator
 * @mutex:       guards every field below
 * @mm:          the opener's mm; mmgrab()'d at init, mmdrop()'d at release
 * @area:        user address of the mapped area, 0 before mmap
 * @area_size:   usable size of the area (the vma clamped to
 *               BINDER_ALLOC_MAX_AREA); non-zero once mapped, and stays
 *               so after the vma closes: a proc maps at most once
 * @mapped:      true from mmap until vm_ops->close
 * @buffers:     every buffer, in address order
 * @free_buffers: free buffers by size (best fit)
 * @allocated_buffers: allocated buffers by address
 * @free_async_space: what oneway buffers may still take (half the area)
 * @pages:       one entry per page of the area
 * @resident:    how many of @pages have a page
 * @no_vma_logged: the "no vma" condition was reported once already
 * @oneway_spam_detected: a sender filling the async space was reported
 *               (buffer->oneway_spam_suspect); reset when space recovers
 * @pid:         owner's pid, for messages
 * @free_later:  buffers given back by code that holds a lock other procs
 *               need (binder_alloc_free_buf_later()); lock-free, emptied
 *               under @mutex by binder_alloc_free_deferred(), by the next
 *               allocation and at release
 */
struct binder_alloc {
	struct mutex mutex;	/* guards all of struct binder_alloc */
	struct mm_struct *mm;
	unsigned long area;
	size_t area_size;
	bool mapped;
	struct list_head buffers;
	struct rb_root free_buffers;
	struct rb_root allocated_buffers;
	size_t free_async_space;
	struct binder_alloc_page *pages;
	size_t resident;
	bool no_vma_logged;
	bool oneway_spam_detected;
	pid_t pid;
	struct llist_head free_later;
};

int binder_alloc_module_init(void);
void binder_alloc_module_exit(void);

void binder_alloc_init(struct binder_alloc *alloc, pid_t pid);
int binder_alloc_mmap(struct binder_alloc *alloc, struct vm_area_struct *vma);
void binder_alloc_vma_close(struct binder_alloc *alloc,
			    struct vm_area_struct *vma, bool owner_gone);
void binder_alloc_release(struct binder_alloc *alloc);

struct binder_buffer *binder_alloc_new_buf(struct binder_alloc *alloc,
					   size_t data_size,
					   size_t offsets_size,
					   size_t extra_size,
					   bool is_async, pid_t pid);
void binder_alloc_free_buf(struct binder_alloc *alloc,
			   struct binder_buffer *buffer);
void binder_alloc_free_buf_later(struct binder_alloc *alloc,
				 struct binder_buffer *buffer);
void binder_alloc_free_deferred(struct binder_alloc *alloc);
struct binder_buffer *binder_alloc_prepare_to_free(struct binder_alloc *alloc,
						   unsigned long user_ptr);
int binder_alloc_copy_to_buffer(struct binder_alloc *alloc,
				struct binder_buffer *buffer, size_t offset,
				const void *src, size_t bytes);
int binder_alloc_copy_from_buffer(struct binder_alloc *alloc, void *dest,
				  struct binder_buffer *buffer, size_t offset,
				  size_t bytes);

int binder_alloc_copy_user_to_buffer(struct binder_alloc *alloc,
				     struct binder_buffer *buffer,
				     size_t offset, const void __user *from,
				     size_t bytes);
void binder_alloc_free_delivered(struct binder_alloc *alloc);

size_t binder_alloc_free_async_space(struct binder_alloc *alloc);
size_t binder_alloc_resident(struct binder_alloc *alloc);
void binder_alloc_print_state(struct seq_file *m, struct binder_alloc *alloc);
size_t binder_buffer_total(size_t data_size, size_t offsets_size,
			   size_t extra_size);
struct pid_namespace;
/* upstream's buffer lines; the sender pids as seen in @ns */
void binder_alloc_print_buffers(struct seq_file *m, struct binder_alloc *alloc,
				struct pid_namespace *ns);
void binder_alloc_print_pages(struct seq_file *m, struct binder_alloc *alloc);
unsigned long binder_alloc_shrink_all(void);
int binder_alloc_selftest(struct binder_alloc *alloc);

#endif /* _BINDER_ALLOC_H */
