// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel self-test of the buffer allocator, run on demand on one proc's
 * (empty) area through debugfs binder/alloc_selftest.
 *
 * Five buffers whose ends fall at different places relative to page
 * boundaries are allocated and then freed in every one of the 120 orders;
 * after each step the page accounting must match the allocated buffers
 * exactly; in the first round, data is copied through every buffer and
 * back, and the user-free guard is checked.  Then the async half-area
 * limit, the size checks, and the shrinker path that frees idle pages.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": alloc selftest: " fmt

#include <linux/err.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "binder_internal.h"

#define SELFTEST_BUFS 5

static const size_t selftest_sizes[SELFTEST_BUFS] = {
	8,				/* inside the first page */
	PAGE_SIZE - 8 - 8,		/* ends exactly at the page end */
	PAGE_SIZE + PAGE_SIZE / 2,	/* crosses a boundary */
	2 * PAGE_SIZE + 8,		/* spans several pages */
	40,				/* small, sharing a page */
};

/* Does any allocated buffer overlap the page at addr? */
static bool selftest_page_in_use_alocked(struct binder_alloc *alloc,
					 unsigned long addr)
{
	struct rb_node *n;

	for (n = rb_first(&alloc->allocated_buffers); n; n = rb_next(n)) {
		struct binder_buffer *b = rb_entry(n, struct binder_buffer,
						   rb_node);
		size_t size = binder_buffer_total(b->data_size,
						  b->offsets_size,
						  b->extra_size);

		if (b->user_data < addr + PAGE_SIZE &&
		    b->user_data + size > addr)
			return true;
	}
	return false;
}

/* Every page is resident and counted exactly when a buffer overlaps it. */
static int selftest_check_pages(struct binder_alloc *alloc, const char *when)
{
	size_t i;
	int ret = 0;

	mutex_lock(&alloc->mutex);
	for (i = 0; i < alloc->area_size >> PAGE_SHIFT; i++) {
		struct binder_alloc_page *p = &alloc->pages[i];
		unsigned long addr = alloc->area + (i << PAGE_SHIFT);
		bool used = selftest_page_in_use_alocked(alloc, addr);

		if (used != !!p->users || (used && !p->page)) {
			pr_err("%s: page %zu: in use %d, users %u, resident %d\n",
			       when, i, used, p->users, !!p->page);
			ret = -EIO;
			break;
		}
	}
	mutex_unlock(&alloc->mutex);
	return ret;
}

/* After everything is freed: one free buffer covering the whole area. */
static int selftest_check_empty(struct binder_alloc *alloc, size_t async)
{
	struct binder_buffer *b;
	int ret = 0;

	mutex_lock(&alloc->mutex);
	b = list_first_entry(&alloc->buffers, struct binder_buffer, entry);
	if (!list_is_singular(&alloc->buffers) || !b->free ||
	    b->user_data != alloc->area ||
	    !RB_EMPTY_ROOT(&alloc->allocated_buffers) ||
	    alloc->free_async_space != async) {
		pr_err("area not whole again (async space %zu, want %zu)\n",
		       alloc->free_async_space, async);
		ret = -EIO;
	}
	mutex_unlock(&alloc->mutex);
	return ret;
}

/*
 * Write a pattern through the whole of each buffer and read it back: the
 * copies cross page boundaries and must land in the buffer's own pages.
 */
static int selftest_copy(struct binder_alloc *alloc,
			 struct binder_buffer **bufs, int n)
{
	u8 *pattern, *back;
	int i, ret = 0;

	pattern = kmalloc(2 * PAGE_SIZE + 8, GFP_KERNEL);
	back = kmalloc(2 * PAGE_SIZE + 8, GFP_KERNEL);
	if (!pattern || !back) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n && !ret; i++) {
		size_t size = selftest_sizes[i], j;

		for (j = 0; j < size; j++)
			pattern[j] = (u8)(i * 31 + j);
		if (binder_alloc_copy_to_buffer(alloc, bufs[i], 0, pattern,
						size))
			ret = -EIO;
	}
	for (i = 0; i < n && !ret; i++) {
		size_t size = selftest_sizes[i], j;

		for (j = 0; j < size; j++)
			pattern[j] = (u8)(i * 31 + j);
		if (binder_alloc_copy_from_buffer(alloc, back, bufs[i], 0,
						  size) ||
		    memcmp(pattern, back, size))
			ret = -EIO;
	}
	/* nothing past the end of a buffer */
	if (!ret && binder_alloc_copy_to_buffer(alloc, bufs[0], 1, pattern,
						selftest_sizes[0]) != -EINVAL)
		ret = -EIO;
	if (ret)
		pr_err("copy to/from buffers failed\n");
out:
	kfree(pattern);
	kfree(back);
	return ret;
}

/* Userspace frees only what it was handed, and only once. */
static int selftest_user_free(struct binder_alloc *alloc,
			      struct binder_buffer *b)
{
	int ret = 0;

	if (binder_alloc_prepare_to_free(alloc, b->user_data) !=
	    ERR_PTR(-EPERM))
		ret = -EIO;
	b->allow_user_free = true;
	if (binder_alloc_prepare_to_free(alloc, b->user_data) != b ||
	    binder_alloc_prepare_to_free(alloc, b->user_data) !=
	    ERR_PTR(-EPERM) ||
	    binder_alloc_prepare_to_free(alloc, b->user_data + 8))
		ret = -EIO;
	if (ret)
		pr_err("prepare_to_free checks failed\n");
	return ret;
}

/* The next permutation of idx[] in lexicographic order; false after last. */
static bool selftest_next_order(int *idx, int n)
{
	int i = n - 2, j = n - 1;

	while (i >= 0 && idx[i] > idx[i + 1])
		i--;
	if (i < 0)
		return false;
	while (idx[j] < idx[i])
		j--;
	swap(idx[i], idx[j]);
	for (i++, j = n - 1; i < j; i++, j--)
		swap(idx[i], idx[j]);
	return true;
}

static int selftest_orders(struct binder_alloc *alloc, size_t async)
{
	struct binder_buffer *bufs[SELFTEST_BUFS];
	int order[SELFTEST_BUFS] = { 0, 1, 2, 3, 4 };
	int i, ret, rounds = 0;

	do {
		for (i = 0; i < SELFTEST_BUFS; i++) {
			bufs[i] = binder_alloc_new_buf(alloc, selftest_sizes[i],
						       0, 0, false, 0);
			if (IS_ERR(bufs[i])) {
				pr_err("alloc of %zu failed: %ld\n",
				       selftest_sizes[i], PTR_ERR(bufs[i]));
				while (--i >= 0)
					binder_alloc_free_buf(alloc, bufs[i]);
				return -EIO;
			}
		}
		ret = selftest_check_pages(alloc, "after alloc");
		if (!ret && !rounds)
			ret = selftest_copy(alloc, bufs, SELFTEST_BUFS) ?:
			      selftest_user_free(alloc, bufs[3]);
		for (i = 0; i < SELFTEST_BUFS; i++) {
			binder_alloc_free_buf(alloc, bufs[order[i]]);
			if (!ret)
				ret = selftest_check_pages(alloc, "after free");
		}
		if (!ret)
			ret = selftest_check_empty(alloc, async);
		if (ret)
			return ret;
		rounds++;
	} while (selftest_next_order(order, SELFTEST_BUFS));

	return rounds == 120 ? 0 : -EIO;
}

/* Oneway buffers may take half of the area and no more. */
static int selftest_async(struct binder_alloc *alloc, size_t async)
{
	struct binder_buffer *b, *first = NULL;
	size_t taken = 0;
	int ret = 0;

	for (;;) {
		b = binder_alloc_new_buf(alloc, PAGE_SIZE, 0, 0, true, 0);
		if (IS_ERR(b))
			break;
		b->owner = first;	/* chain them through owner */
		first = b;
		taken += PAGE_SIZE;
	}
	/* as upstream (since 6.1.y): a buffer costs its size, no header */
	if (PTR_ERR(b) != -ENOSPC || taken != async) {
		pr_err("async: took %zu of %zu, stopped with %ld\n",
		       taken, async, PTR_ERR(b));
		ret = -EIO;
	}
	/* a sync buffer still fits in the other half */
	b = binder_alloc_new_buf(alloc, PAGE_SIZE, 0, 0, false, 0);
	if (IS_ERR(b)) {
		pr_err("async: sync alloc failed: %ld\n", PTR_ERR(b));
		ret = -EIO;
	} else {
		binder_alloc_free_buf(alloc, b);
	}
	while (first) {
		b = first;
		first = b->owner;
		binder_alloc_free_buf(alloc, b);
	}
	return ret ?: selftest_check_empty(alloc, async);
}

static int selftest_sizes_checked(struct binder_alloc *alloc)
{
	struct binder_buffer *b;

	b = binder_alloc_new_buf(alloc, SIZE_MAX, 0, 0, false, 0);
	if (PTR_ERR(b) != -EINVAL)
		goto bad;
	b = binder_alloc_new_buf(alloc, SIZE_MAX - 16, SIZE_MAX - 16, 0,
				 false, 0);
	if (PTR_ERR(b) != -EINVAL)
		goto bad;
	b = binder_alloc_new_buf(alloc, alloc->area_size + 1, 0, 0, false, 0);
	if (PTR_ERR(b) != -ENOSPC)
		goto bad;
	/* the whole area is one buffer */
	b = binder_alloc_new_buf(alloc, alloc->area_size, 0, 0, false, 0);
	if (IS_ERR(b))
		goto bad;
	binder_alloc_free_buf(alloc, b);
	return 0;
bad:
	if (!IS_ERR(b))
		binder_alloc_free_buf(alloc, b);
	pr_err("size checks: got %ld\n", PTR_ERR(b));
	return -EIO;
}

/* Idle pages stay resident until the shrinker takes them. */
static int selftest_shrink(struct binder_alloc *alloc)
{
	size_t before = binder_alloc_resident(alloc);

	binder_alloc_shrink_all();
	if (!before || binder_alloc_resident(alloc)) {
		pr_err("shrink: %zu pages resident before, %zu after\n",
		       before, binder_alloc_resident(alloc));
		return -EIO;
	}
	return 0;
}

/**
 * binder_alloc_selftest() - exercise the allocator on a mapped, empty area
 * @alloc: the allocator of a proc that mapped its area and holds no buffer
 *
 * Return: 0 when every check passed, -EIO when one failed (logged),
 * -EBUSY when the area is in use, -ESRCH when it is not mapped.
 */
int binder_alloc_selftest(struct binder_alloc *alloc)
{
	size_t async;
	int ret;

	mutex_lock(&alloc->mutex);
	async = alloc->free_async_space;
	ret = !alloc->mapped ? -ESRCH :
	      !RB_EMPTY_ROOT(&alloc->allocated_buffers) ? -EBUSY : 0;
	mutex_unlock(&alloc->mutex);
	if (ret)
		return ret;

	ret = selftest_orders(alloc, async);
	if (!ret)
		ret = selftest_async(alloc, async);
	if (!ret)
		ret = selftest_sizes_checked(alloc);
	if (!ret)
		ret = selftest_shrink(alloc);
	pr_info("%d: %s\n", alloc->pid, ret ? "FAILED" : "passed");
	return ret;
}
