// SPDX-License-Identifier: GPL-2.0
/*
 * The per-proc buffer allocator: the mapped area, the buffers carved from it
 * best-fit, and the pages behind them.  See binder_alloc.h.
 *
 * Locking (the order is in include/binder_internal.h): paths that map pages
 * take the owner's mmap_lock for reading, then alloc->mutex; vm_ops->close
 * comes with the mmap_lock held and takes alloc->mutex.  The shrinker runs
 * under the list_lru's spinlock and only try-locks the other two.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/list_lru.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/rbtree.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "binder_internal.h"
#include "binder_trace.h"

/* Resident pages that no buffer uses, across all procs. */
u32 binder_alloc_debug_mask = BINDER_ALLOC_DEBUG_USER_ERROR;
module_param_named(alloc_debug_mask, binder_alloc_debug_mask, uint, 0644);
MODULE_PARM_DESC(alloc_debug_mask, "BINDER_ALLOC_DEBUG_* bits of what the allocator logs");

static struct list_lru binder_alloc_lru;
static struct shrinker *binder_alloc_shrinker;

static struct binder_buffer *binder_buffer_new(void)
{
	struct binder_buffer *buffer = kzalloc(sizeof(*buffer), GFP_KERNEL);

	if (buffer)
		binder_stats_created(BINDER_STAT_BUFFER);
	return buffer;
}

static void binder_buffer_delete(struct binder_buffer *buffer)
{
	kfree(buffer);
	binder_stats_deleted(BINDER_STAT_BUFFER);
}

static size_t binder_buffer_size_alocked(struct binder_alloc *alloc,
					 struct binder_buffer *buffer)
{
	if (list_is_last(&buffer->entry, &alloc->buffers))
		return alloc->area + alloc->area_size - buffer->user_data;
	return list_next_entry(buffer, entry)->user_data - buffer->user_data;
}

static void binder_insert_free_alocked(struct binder_alloc *alloc,
				       struct binder_buffer *new)
{
	struct rb_node **p = &alloc->free_buffers.rb_node, *parent = NULL;
	size_t size = binder_buffer_size_alocked(alloc, new);

	new->free = 1;
	while (*p) {
		struct binder_buffer *buffer;

		parent = *p;
		buffer = rb_entry(parent, struct binder_buffer, rb_node);
		if (size < binder_buffer_size_alocked(alloc, buffer))
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&new->rb_node, parent, p);
	rb_insert_color(&new->rb_node, &alloc->free_buffers);
}

static void binder_insert_allocated_alocked(struct binder_alloc *alloc,
					    struct binder_buffer *new)
{
	struct rb_node **p = &alloc->allocated_buffers.rb_node, *parent = NULL;

	new->free = 0;
	while (*p) {
		struct binder_buffer *buffer;

		parent = *p;
		buffer = rb_entry(parent, struct binder_buffer, rb_node);
		if (new->user_data < buffer->user_data)
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&new->rb_node, parent, p);
	rb_insert_color(&new->rb_node, &alloc->allocated_buffers);
}

static struct binder_buffer *
binder_find_allocated_alocked(struct binder_alloc *alloc, unsigned long addr)
{
	struct rb_node *n = alloc->allocated_buffers.rb_node;

	while (n) {
		struct binder_buffer *buffer;

		buffer = rb_entry(n, struct binder_buffer, rb_node);
		if (addr < buffer->user_data)
			n = n->rb_left;
		else if (addr > buffer->user_data)
			n = n->rb_right;
		else
			return buffer;
	}
	return NULL;
}

/* ---- pages ---- */

static struct binder_alloc_page *binder_alloc_page_at(struct binder_alloc *alloc,
						      unsigned long addr)
{
	return &alloc->pages[(addr - alloc->area) >> PAGE_SHIFT];
}

/* Trace event binder_update_page_range: the pages of [start, end) */
static void binder_trace_page_range(struct binder_alloc *alloc, bool allocate,
				    unsigned long start, unsigned long end)
{
	trace_binder_update_page_range(alloc, allocate, start & PAGE_MASK,
				       PAGE_ALIGN(end));
}

static void binder_page_free_alocked(struct binder_alloc *alloc,
				     struct binder_alloc_page *p)
{
	__free_page(p->page);
	p->page = NULL;
	alloc->resident--;
	binder_stats_deleted(BINDER_STAT_PAGE);
}

/* One buffer less uses the pages of [start, end). */
static void binder_pages_put_alocked(struct binder_alloc *alloc,
				     unsigned long start, unsigned long end)
{
	unsigned long addr;

	for (addr = start & PAGE_MASK; addr < end; addr += PAGE_SIZE) {
		struct binder_alloc_page *p = binder_alloc_page_at(alloc, addr);

		size_t index = p - alloc->pages;

		if (WARN_ON_ONCE(!p->users) || --p->users || !p->page)
			continue;
		if (alloc->mapped) {
			trace_binder_free_lru_start(alloc, index);
			list_lru_add_obj(&binder_alloc_lru, &p->lru);
			trace_binder_free_lru_end(alloc, index);
		} else {
			binder_page_free_alocked(alloc, p);
		}
	}
}

/*
 * One buffer more uses the pages of [start, end): make them resident and
 * mapped.  The vma is ours and stays so: the caller holds the mmap_lock and
 * saw alloc->mapped.
 */
static int binder_pages_get_alocked(struct binder_alloc *alloc,
				    struct vm_area_struct *vma,
				    unsigned long start, unsigned long end)
{
	unsigned long addr;
	int ret = 0;

	for (addr = start & PAGE_MASK; addr < end; addr += PAGE_SIZE) {
		struct binder_alloc_page *p = binder_alloc_page_at(alloc, addr);
		size_t index = p - alloc->pages;
		struct page *page;

		if (p->users++) {
			continue;
		} else if (p->page) {
			trace_binder_alloc_lru_start(alloc, index);
			list_lru_del_obj(&binder_alloc_lru, &p->lru);
			trace_binder_alloc_lru_end(alloc, index);
			continue;
		}

		trace_binder_alloc_page_start(alloc, index);
		page = alloc_page(GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO);
		if (!page) {
			ret = -ENOMEM;
		} else {
			ret = vm_insert_page(vma, addr, page);
			if (ret)
				__free_page(page);
		}
		if (ret) {
			p->users--;
			pr_err_ratelimited("%d: cannot map a page at %lx: %d\n",
					   alloc->pid, addr, ret);
			binder_pages_put_alocked(alloc, start, addr);
			return ret;
		}
		p->page = page;
		alloc->resident++;
		binder_stats_created(BINDER_STAT_PAGE);
		trace_binder_alloc_page_end(alloc, index);
	}
	return 0;
}

/*
 * The shrinker's isolate callback, under the lru's spinlock: unmap an
 * unused page from its owner and free it, unless its allocator or mm is busy.
 */
static enum lru_status binder_alloc_isolate(struct list_head *item,
					    struct list_lru_one *lru,
					    spinlock_t *lock, void *unused)
	__must_hold(lock)
{
	struct binder_alloc_page *p = container_of(item, struct binder_alloc_page,
						   lru);
	struct binder_alloc *alloc = p->alloc;
	struct mm_struct *mm = alloc->mm;
	unsigned long addr;
	size_t index;

	/* alloc (so mm) lives: its release takes this lru lock to unlink p */
	if (!mmget_not_zero(mm))
		return LRU_SKIP;
	if (!mmap_read_trylock(mm))
		goto skip_mm;
	if (!mutex_trylock(&alloc->mutex))
		goto skip_mmap;

	list_lru_isolate(lru, item);
	spin_unlock(lock);

	index = p - alloc->pages;
	addr = alloc->area + (index << PAGE_SHIFT);
	if (alloc->mapped) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);

		if (vma) {
			trace_binder_unmap_user_start(alloc, index);
			binder_zap_page(vma, addr);
			trace_binder_unmap_user_end(alloc, index);
		}
	}
	trace_binder_unmap_kernel_start(alloc, index);
	binder_page_free_alocked(alloc, p);
	trace_binder_unmap_kernel_end(alloc, index);

	mutex_unlock(&alloc->mutex);
	mmap_read_unlock(mm);
	mmput_async(mm);
	spin_lock(lock);
	return LRU_REMOVED_RETRY;

skip_mmap:
	mmap_read_unlock(mm);
skip_mm:
	/* not mmput(): the last put would tear the mm down under our lock */
	mmput_async(mm);
	return LRU_SKIP;
}

static unsigned long binder_alloc_shrink_count(struct shrinker *s,
					       struct shrink_control *sc)
{
	return list_lru_shrink_count(&binder_alloc_lru, sc);
}

static unsigned long binder_alloc_shrink_scan(struct shrinker *s,
					      struct shrink_control *sc)
{
	return list_lru_shrink_walk(&binder_alloc_lru, sc,
				    binder_alloc_isolate, NULL);
}

/* Free every unused page now, as the shrinker would; returns how many. */
unsigned long binder_alloc_shrink_all(void)
{
	return list_lru_walk(&binder_alloc_lru, binder_alloc_isolate, NULL,
			     ULONG_MAX);
}

/* ---- the vma path: mmap and close ---- */

void binder_alloc_init(struct binder_alloc *alloc, pid_t pid)
{
	mutex_init(&alloc->mutex);
	INIT_LIST_HEAD(&alloc->buffers);
	init_llist_head(&alloc->free_later);
	alloc->free_buffers = RB_ROOT;
	alloc->allocated_buffers = RB_ROOT;
	alloc->pid = pid;
	alloc->mm = current->mm;
	mmgrab(alloc->mm);
}

/**
 * binder_alloc_mmap() - attach a new mapping to the allocator
 * @alloc: the proc's allocator
 * @vma:   the vma being set up (mmap_lock held for writing by the caller)
 *
 * Return: 0, -EBUSY if the proc already has (or had) an area, -EINVAL for
 * a vma in another mm than the opener's, -ENOMEM.
 */
int binder_alloc_mmap(struct binder_alloc *alloc, struct vm_area_struct *vma)
{
	struct binder_buffer *buffer;
	size_t i, npages;
	int ret = 0;

	/* a vfork child that opened, then exec'd: not the opener's mm */
	if (vma->vm_mm != alloc->mm)
		return -EINVAL;
	mutex_lock(&alloc->mutex);
	if (alloc->area_size) {
		ret = -EBUSY;
		goto out;
	}
	alloc->area_size = min_t(unsigned long, vma->vm_end - vma->vm_start,
				 BINDER_ALLOC_MAX_AREA);
	npages = alloc->area_size >> PAGE_SHIFT;
	alloc->pages = kvcalloc(npages, sizeof(*alloc->pages), GFP_KERNEL);
	buffer = binder_buffer_new();
	if (!alloc->pages || !buffer) {
		kvfree(alloc->pages);
		alloc->pages = NULL;
		if (buffer)
			binder_buffer_delete(buffer);
		alloc->area_size = 0;
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < npages; i++) {
		alloc->pages[i].alloc = alloc;
		INIT_LIST_HEAD(&alloc->pages[i].lru);
	}
	alloc->area = vma->vm_start;
	buffer->user_data = alloc->area;
	list_add(&buffer->entry, &alloc->buffers);
	binder_insert_free_alocked(alloc, buffer);
	alloc->free_async_space = alloc->area_size / 2;
	alloc->mapped = true;
out:
	mutex_unlock(&alloc->mutex);
	return ret;
}

/**
 * binder_alloc_vma_close() - the area's vma is gone
 * @alloc:      the proc's allocator
 * @vma:        the vma being closed (mmap_lock held)
 * @owner_gone: the whole address space is being torn down
 *
 * From now on no buffer can be allocated in the area.  Unused pages are
 * freed at once, the others as soon as their buffers are freed.  A munmap
 * of part of the area leaves the rest mapped in another vma: those pages
 * are unmapped there too, so no user mapping outlives its page.
 */
void binder_alloc_vma_close(struct binder_alloc *alloc,
			    struct vm_area_struct *vma, bool owner_gone)
{
	size_t i;

	mutex_lock(&alloc->mutex);
	alloc->mapped = false;
	for (i = 0; alloc->pages && i < alloc->area_size >> PAGE_SHIFT; i++) {
		struct binder_alloc_page *p = &alloc->pages[i];
		unsigned long addr = alloc->area + (i << PAGE_SHIFT);

		if (!p->page)
			continue;
		if (!owner_gone) {
			struct vm_area_struct *rest = vma_lookup(vma->vm_mm, addr);

			if (rest && rest != vma && rest->vm_ops == vma->vm_ops &&
			    rest->vm_private_data == vma->vm_private_data)
				binder_zap_page(rest, addr);
		}
		if (!p->users) {
			list_lru_del_obj(&binder_alloc_lru, &p->lru);
			binder_page_free_alocked(alloc, p);
		}
	}
	mutex_unlock(&alloc->mutex);
}

/* ---- buffers ---- */

/**
 * binder_buffer_total() - bytes a buffer of these sizes takes in the area
 * @data_size:    bytes of data
 * @offsets_size: bytes of offsets
 * @extra_size:   bytes of extra space
 *
 * Return: the sum of the 8-byte aligned parts (at least 8), 0 on overflow.
 */
size_t binder_buffer_total(size_t data_size, size_t offsets_size,
			   size_t extra_size)
{
	size_t total = 0;

	if (data_size > SIZE_MAX - 8 || offsets_size > SIZE_MAX - 8 ||
	    extra_size > SIZE_MAX - 8)
		return 0;
	if (check_add_overflow(ALIGN(data_size, 8), ALIGN(offsets_size, 8),
			       &total) ||
	    check_add_overflow(total, ALIGN(extra_size, 8), &total))
		return 0;
	/* an empty buffer still needs an address of its own */
	return max_t(size_t, total, sizeof(void *));
}

/*
 * Async space is low (under a tenth of the area): is @pid the one filling
 * it?  Reported once, until the space recovers.
 */
static bool binder_alloc_check_spam_alocked(struct binder_alloc *alloc,
					    pid_t pid)
{
	size_t bytes = 0, count = 0;
	struct rb_node *n;

	if (alloc->free_async_space >= alloc->area_size / 10) {
		alloc->oneway_spam_detected = false;
		return false;
	}
	for (n = rb_first(&alloc->allocated_buffers); n; n = rb_next(n)) {
		struct binder_buffer *b = rb_entry(n, struct binder_buffer,
						   rb_node);

		if (b->async && b->pid == pid) {
			count++;
			bytes += binder_buffer_size_alocked(alloc, b);
		}
	}
	/* more than 50 buffers or a quarter of the area from one sender */
	if (count <= 50 && bytes <= alloc->area_size / 4)
		return false;
	binder_alloc_debug(BINDER_ALLOC_DEBUG_USER_ERROR,
			   "%d: pid %d spamming oneway? %zd buffers allocated for a total size of %zd\n",
			   alloc->pid, pid, count, bytes);
	if (alloc->oneway_spam_detected)
		return false;
	alloc->oneway_spam_detected = true;
	return true;
}

static void binder_alloc_free_deferred_alocked(struct binder_alloc *alloc);

/**
 * binder_alloc_new_buf() - allocate a buffer in the area, best fit
 * @alloc:        the target proc's allocator
 * @data_size:    bytes of data
 * @offsets_size: bytes of offsets
 * @extra_size:   bytes of extra (secctx, scatter-gather) space
 * @is_async:     for a oneway transaction: limited to half the area
 * @pid:          the sender, for async accounting
 *
 * Return: the buffer, with resident pages, or ERR_PTR(-ESRCH) when the
 * area is gone (its owner unmapped it or died), -EINVAL when the sizes
 * overflow, -ENOSPC when it does not fit, -ENOMEM.
 */
struct binder_buffer *binder_alloc_new_buf(struct binder_alloc *alloc,
					   size_t data_size,
					   size_t offsets_size,
					   size_t extra_size,
					   bool is_async, pid_t pid)
{
	struct binder_buffer *buffer = NULL, *rest = NULL;
	struct mm_struct *mm = alloc->mm;
	struct vm_area_struct *vma;
	size_t size, bsize = 0;
	struct rb_node *n;
	int ret;

	size = binder_buffer_total(data_size, offsets_size, extra_size);
	if (!size)
		return ERR_PTR(-EINVAL);
	if (!mmget_not_zero(mm))
		return ERR_PTR(-ESRCH);

	mmap_read_lock(mm);
	mutex_lock(&alloc->mutex);
	/* what was given back meanwhile makes room first */
	binder_alloc_free_deferred_alocked(alloc);
	vma = alloc->mapped ? vma_lookup(mm, alloc->area) : NULL;
	if (!vma) {
		if (!alloc->no_vma_logged) {
			/* once per proc: its own limit, never dropped */
			alloc->no_vma_logged = true;
			pr_info("%d: binder_alloc_buf, no vma\n", alloc->pid);
		}
		ret = -ESRCH;
		goto err;
	}
	if (is_async &&
	    alloc->free_async_space < size) {
		binder_alloc_debug(BINDER_ALLOC_DEBUG_USER_ERROR,
				   "%d: binder_alloc_buf size %zd failed, no async space left\n",
				   alloc->pid, size);
		ret = -ENOSPC;
		goto err;
	}

	for (n = alloc->free_buffers.rb_node; n;) {
		struct binder_buffer *b = rb_entry(n, struct binder_buffer,
						   rb_node);
		size_t s = binder_buffer_size_alocked(alloc, b);

		if (size > s) {
			n = n->rb_right;
			continue;
		}
		buffer = b;
		bsize = s;
		if (size == s)
			break;
		n = n->rb_left;
	}
	if (!buffer) {
		binder_alloc_debug(BINDER_ALLOC_DEBUG_USER_ERROR,
				   "%d: binder_alloc_buf size %zd failed, no address space\n",
				   alloc->pid, size);
		ret = -ENOSPC;
		goto err;
	}

	if (bsize > size) {
		rest = binder_buffer_new();
		if (!rest) {
			ret = -ENOMEM;
			goto err;
		}
	}
	binder_trace_page_range(alloc, true, buffer->user_data,
				buffer->user_data + size);
	ret = binder_pages_get_alocked(alloc, vma, buffer->user_data,
				       buffer->user_data + size);
	if (ret)
		goto err;

	rb_erase(&buffer->rb_node, &alloc->free_buffers);
	if (rest) {
		rest->user_data = buffer->user_data + size;
		list_add(&rest->entry, &buffer->entry);
		binder_insert_free_alocked(alloc, rest);
		rest = NULL;
	}
	binder_insert_allocated_alocked(alloc, buffer);
	buffer->data_size = data_size;
	buffer->offsets_size = offsets_size;
	buffer->extra_size = extra_size;
	buffer->async = is_async;
	buffer->oneway_spam_suspect = 0;
	buffer->allow_user_free = false;
	buffer->clear_on_free = false;
	buffer->pid = pid;
	buffer->owner = NULL;
	buffer->target_node = NULL;
	binder_alloc_debug(BINDER_ALLOC_DEBUG_BUFFER_ALLOC,
			   "%d: binder_alloc_buf size %zd got buffer %pK size %zd\n",
			   alloc->pid, size, buffer, bsize);
	if (is_async) {
		alloc->free_async_space -= size;
		binder_alloc_debug(BINDER_ALLOC_DEBUG_BUFFER_ALLOC_ASYNC,
				   "%d: binder_alloc_buf size %zd async free %zd\n",
				   alloc->pid, size, alloc->free_async_space);
		buffer->oneway_spam_suspect =
			binder_alloc_check_spam_alocked(alloc, pid);
	}
	mutex_unlock(&alloc->mutex);
	mmap_read_unlock(mm);
	mmput(mm);
	return buffer;

err:
	mutex_unlock(&alloc->mutex);
	mmap_read_unlock(mm);
	mmput(mm);
	if (rest)
		binder_buffer_delete(rest);
	return ERR_PTR(ret);
}

static void binder_alloc_merge_free_alocked(struct binder_alloc *alloc,
					    struct binder_buffer *buffer)
{
	struct binder_buffer *next, *prev;

	if (!list_is_last(&buffer->entry, &alloc->buffers)) {
		next = list_next_entry(buffer, entry);
		if (next->free) {
			rb_erase(&next->rb_node, &alloc->free_buffers);
			list_del(&next->entry);
			binder_buffer_delete(next);
		}
	}
	if (buffer->entry.prev != &alloc->buffers) {
		prev = list_prev_entry(buffer, entry);
		if (prev->free) {
			rb_erase(&prev->rb_node, &alloc->free_buffers);
			list_del(&buffer->entry);
			binder_buffer_delete(buffer);
			buffer = prev;
		}
	}
	binder_insert_free_alocked(alloc, buffer);
}

/* TF_CLEAR_BUF: zero what the buffer held before its pages can be reused */
static void binder_alloc_clear_alocked(struct binder_alloc *alloc,
				       unsigned long start, size_t size)
{
	while (size) {
		struct binder_alloc_page *p = binder_alloc_page_at(alloc, start);
		size_t chunk = min_t(size_t, size,
				     PAGE_SIZE - offset_in_page(start));

		if (!WARN_ON_ONCE(!p->page))
			memzero_page(p->page, offset_in_page(start), chunk);
		start += chunk;
		size -= chunk;
	}
}

static void binder_alloc_free_buf_alocked(struct binder_alloc *alloc,
					  struct binder_buffer *buffer)
{
	size_t size;

	size = binder_buffer_size_alocked(alloc, buffer);
	binder_alloc_debug(BINDER_ALLOC_DEBUG_BUFFER_ALLOC,
			   "%d: binder_free_buf %pK size %zd\n",
			   alloc->pid, buffer, size);
	if (buffer->clear_on_free) {
		binder_alloc_clear_alocked(alloc, buffer->user_data, size);
		buffer->clear_on_free = false;
	}
	if (buffer->async) {
		alloc->free_async_space += size;
		binder_alloc_debug(BINDER_ALLOC_DEBUG_BUFFER_ALLOC_ASYNC,
				   "%d: binder_free_buf size %zd async free %zd\n",
				   alloc->pid, size, alloc->free_async_space);
	}
	binder_trace_page_range(alloc, false, buffer->user_data,
				buffer->user_data + size);
	binder_pages_put_alocked(alloc, buffer->user_data,
				 buffer->user_data + size);
	rb_erase(&buffer->rb_node, &alloc->allocated_buffers);
	buffer->async = 0;
	buffer->owner = NULL;
	binder_alloc_merge_free_alocked(alloc, buffer);
}

static void binder_alloc_free_deferred_alocked(struct binder_alloc *alloc)
{
	struct llist_node *list = llist_del_all(&alloc->free_later);
	struct binder_buffer *buffer, *next;

	llist_for_each_entry_safe(buffer, next, list, free_later)
		binder_alloc_free_buf_alocked(alloc, buffer);
}

/**
 * binder_alloc_free_buf() - give a buffer back
 * @alloc:  the allocator it came from
 * @buffer: an allocated buffer; invalid after this
 *
 * Takes @alloc->mutex, which a sender filling a buffer in this area holds
 * while it allocates pages: never call it under a lock another proc needs
 * (use binder_alloc_free_buf_later() there).
 */
void binder_alloc_free_buf(struct binder_alloc *alloc,
			   struct binder_buffer *buffer)
{
	mutex_lock(&alloc->mutex);
	binder_alloc_free_deferred_alocked(alloc);
	binder_alloc_free_buf_alocked(alloc, buffer);
	mutex_unlock(&alloc->mutex);
}

/**
 * binder_alloc_free_buf_later() - give a buffer back, without waiting
 * @alloc:  the allocator it came from
 * @buffer: an allocated buffer nobody else may free or use any more
 *
 * For callers holding a lock other procs need: takes no lock.  The buffer
 * is freed by the caller's binder_alloc_free_deferred() once it dropped
 * its locks, else by the next allocation in @alloc or at release,
 * whichever comes first.
 */
void binder_alloc_free_buf_later(struct binder_alloc *alloc,
				 struct binder_buffer *buffer)
{
	llist_add(&buffer->free_later, &alloc->free_later);
}

/**
 * binder_alloc_free_deferred() - free what binder_alloc_free_buf_later()
 * left
 * @alloc: the allocator
 *
 * Called with no lock held that another proc needs (it takes
 * @alloc->mutex).
 */
void binder_alloc_free_deferred(struct binder_alloc *alloc)
{
	if (llist_empty(&alloc->free_later))
		return;
	mutex_lock(&alloc->mutex);
	binder_alloc_free_deferred_alocked(alloc);
	mutex_unlock(&alloc->mutex);
}

/**
 * binder_alloc_prepare_to_free() - find the buffer userspace wants to free
 * @alloc:    the caller's allocator
 * @user_ptr: the data pointer userspace got with the buffer
 *
 * Return: the buffer, now no longer freeable by userspace a second time;
 * ERR_PTR(-EPERM) if it was not handed to userspace or already freed;
 * NULL if no buffer starts there.
 */
struct binder_buffer *binder_alloc_prepare_to_free(struct binder_alloc *alloc,
						   unsigned long user_ptr)
{
	struct binder_buffer *buffer;

	mutex_lock(&alloc->mutex);
	buffer = binder_find_allocated_alocked(alloc, user_ptr);
	if (buffer && !READ_ONCE(buffer->allow_user_free))
		buffer = ERR_PTR(-EPERM);
	else if (buffer)
		buffer->allow_user_free = false;
	mutex_unlock(&alloc->mutex);
	return buffer;
}

enum binder_copy_dir {
	BINDER_COPY_TO_BUFFER,		/* kernel memory -> buffer */
	BINDER_COPY_FROM_BUFFER,	/* buffer -> kernel memory */
	BINDER_COPY_USER_TO_BUFFER,	/* sender's memory -> buffer */
};

/*
 * Copy between the pages of an allocated buffer and @kbuf or @ubuf.  The
 * pages stay resident while the buffer is allocated, so no lock is needed
 * and a user copy may fault.
 */
static int binder_alloc_copy(struct binder_alloc *alloc,
			     struct binder_buffer *buffer, size_t offset,
			     void *kbuf, const void __user *ubuf, size_t bytes,
			     enum binder_copy_dir dir)
{
	size_t limit = binder_buffer_total(buffer->data_size,
					   buffer->offsets_size,
					   buffer->extra_size);

	if (offset > limit || bytes > limit - offset)
		return -EINVAL;
	while (bytes) {
		unsigned long addr = buffer->user_data + offset;
		struct binder_alloc_page *p = binder_alloc_page_at(alloc, addr);
		size_t chunk = min_t(size_t, bytes,
				     PAGE_SIZE - offset_in_page(addr));
		void *kaddr = kmap_local_page(p->page) + offset_in_page(addr);
		int ret = 0;

		switch (dir) {
		case BINDER_COPY_TO_BUFFER:
			memcpy(kaddr, kbuf, chunk);
			kbuf += chunk;
			break;
		case BINDER_COPY_FROM_BUFFER:
			memcpy(kbuf, kaddr, chunk);
			kbuf += chunk;
			break;
		case BINDER_COPY_USER_TO_BUFFER:
			if (copy_from_user(kaddr, ubuf, chunk))
				ret = -EFAULT;
			ubuf += chunk;
			break;
		}
		kunmap_local(kaddr);
		if (ret)
			return ret;
		offset += chunk;
		bytes -= chunk;
	}
	return 0;
}

int binder_alloc_copy_to_buffer(struct binder_alloc *alloc,
				struct binder_buffer *buffer, size_t offset,
				const void *src, size_t bytes)
{
	return binder_alloc_copy(alloc, buffer, offset, (void *)src, NULL,
				 bytes, BINDER_COPY_TO_BUFFER);
}

int binder_alloc_copy_from_buffer(struct binder_alloc *alloc, void *dest,
				  struct binder_buffer *buffer, size_t offset,
				  size_t bytes)
{
	return binder_alloc_copy(alloc, buffer, offset, dest, NULL, bytes,
				 BINDER_COPY_FROM_BUFFER);
}

/**
 * binder_alloc_copy_user_to_buffer() - fill part of a buffer from userspace
 * @alloc:  the buffer's allocator
 * @buffer: an allocated buffer
 * @offset: where in the buffer
 * @from:   the sender's memory
 * @bytes:  how much
 *
 * Return: 0, -EINVAL when the range is outside the buffer, -EFAULT.
 */
int binder_alloc_copy_user_to_buffer(struct binder_alloc *alloc,
				     struct binder_buffer *buffer,
				     size_t offset, const void __user *from,
				     size_t bytes)
{
	return binder_alloc_copy(alloc, buffer, offset, NULL, from, bytes,
				 BINDER_COPY_USER_TO_BUFFER);
}

/**
 * binder_alloc_free_delivered() - free every buffer userspace still holds
 * @alloc: the allocator of a proc whose owner is gone
 *
 * Buffers not yet delivered belong to transactions (or to a sender filling
 * them) and are freed by those.
 */
void binder_alloc_free_delivered(struct binder_alloc *alloc)
{
	struct rb_node *n, *next;

	/*
	 * One pass: freeing a buffer takes it out of allocated_buffers and
	 * merges it only with free neighbours, so the next allocated one
	 * stays where it is.
	 */
	mutex_lock(&alloc->mutex);
	binder_alloc_free_deferred_alocked(alloc);
	for (n = rb_first(&alloc->allocated_buffers); n; n = next) {
		struct binder_buffer *b = rb_entry(n, struct binder_buffer,
						   rb_node);

		next = rb_next(n);
		if (!b->allow_user_free)
			continue;
		b->allow_user_free = false;
		binder_alloc_free_buf_alocked(alloc, b);
	}
	mutex_unlock(&alloc->mutex);
}

size_t binder_alloc_free_async_space(struct binder_alloc *alloc)
{
	size_t space;

	mutex_lock(&alloc->mutex);
	space = alloc->free_async_space;
	mutex_unlock(&alloc->mutex);
	return space;
}

size_t binder_alloc_resident(struct binder_alloc *alloc)
{
	size_t resident;

	mutex_lock(&alloc->mutex);
	resident = alloc->resident;
	mutex_unlock(&alloc->mutex);
	return resident;
}

/* debugfs proc/<pid>, ours: "  pages resident: N", "  free async space: N" */
void binder_alloc_print_state(struct seq_file *m, struct binder_alloc *alloc)
{
	mutex_lock(&alloc->mutex);
	seq_printf(m, "  pages resident: %zu\n", alloc->resident);
	seq_printf(m, "  free async space: %zu\n", alloc->free_async_space);
	mutex_unlock(&alloc->mutex);
}

/* debugfs: upstream's "  buffer N: ADDR size D:O:E STATE" lines */
void binder_alloc_print_buffers(struct seq_file *m, struct binder_alloc *alloc,
				struct pid_namespace *ns)
{
	struct rb_node *n;

	mutex_lock(&alloc->mutex);
	for (n = rb_first(&alloc->allocated_buffers); n; n = rb_next(n)) {
		struct binder_buffer *b = rb_entry(n, struct binder_buffer,
						   rb_node);

		seq_printf(m, "  buffer %d: %lx size %zd:%zd:%zd %s\n",
			   binder_pid_view(b->pid, ns),
			   b->user_data - alloc->area, b->data_size,
			   b->offsets_size, b->extra_size,
			   b->owner ? "active" : "delivered");
	}
	mutex_unlock(&alloc->mutex);
}

/* debugfs: "  pages: active:lru:free" as upstream, then our resident count */
void binder_alloc_print_pages(struct seq_file *m, struct binder_alloc *alloc)
{
	size_t i, active = 0, lru = 0, free = 0;

	mutex_lock(&alloc->mutex);
	for (i = 0; alloc->pages && i < alloc->area_size >> PAGE_SHIFT; i++) {
		if (!alloc->pages[i].page)
			free++;
		else if (alloc->pages[i].users)
			active++;
		else
			lru++;
	}
	seq_printf(m, "  pages: %zu:%zu:%zu\n", active, lru, free);
	mutex_unlock(&alloc->mutex);
}

/**
 * binder_alloc_release() - free everything the allocator holds
 * @alloc: the proc's allocator
 *
 * Called once, from the proc's deferred teardown, when nothing else can
 * reach the allocator.
 */
void binder_alloc_release(struct binder_alloc *alloc)
{
	struct binder_buffer *buffer, *tmp;
	int buffers = 0, pages = 0;
	size_t i;

	mutex_lock(&alloc->mutex);
	/* the buffers are all deleted below, given back or not */
	init_llist_head(&alloc->free_later);
	list_for_each_entry_safe(buffer, tmp, &alloc->buffers, entry) {
		buffers += !buffer->free;
		list_del(&buffer->entry);
		binder_buffer_delete(buffer);
	}
	alloc->free_buffers = RB_ROOT;
	alloc->allocated_buffers = RB_ROOT;
	for (i = 0; alloc->pages && i < alloc->area_size >> PAGE_SHIFT; i++) {
		struct binder_alloc_page *p = &alloc->pages[i];

		if (!p->page)
			continue;
		list_lru_del_obj(&binder_alloc_lru, &p->lru);
		binder_page_free_alocked(alloc, p);
		pages++;
	}
	kvfree(alloc->pages);
	alloc->pages = NULL;
	mutex_unlock(&alloc->mutex);
	binder_alloc_debug(BINDER_ALLOC_DEBUG_OPEN_CLOSE,
			   "%s: %d buffers %d, pages %d\n",
			   __func__, alloc->pid, buffers, pages);

	mmdrop(alloc->mm);
	alloc->mm = NULL;
}

int binder_alloc_module_init(void)
{
	int ret = list_lru_init(&binder_alloc_lru);

	if (ret)
		return ret;
	binder_alloc_shrinker = binder_shrinker_create("android-binder",
						       binder_alloc_shrink_count,
						       binder_alloc_shrink_scan);
	if (!binder_alloc_shrinker) {
		list_lru_destroy(&binder_alloc_lru);
		return -ENOMEM;
	}
	return 0;
}

void binder_alloc_module_exit(void)
{
	binder_shrinker_destroy(binder_alloc_shrinker);
	list_lru_destroy(&binder_alloc_lru);
}
