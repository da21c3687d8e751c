// SPDX-License-Identifier: GPL-2.0
/*
 * The per-proc buffer allocator: the mapped area and (as it grows) the
 * buffers and pages carved from it.  See binder_alloc.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>

#include "binder_alloc.h"

void binder_alloc_init(struct binder_alloc *alloc, pid_t pid)
{
	mutex_init(&alloc->mutex);
	alloc->pid = pid;
	alloc->mm = current->mm;
	mmgrab(alloc->mm);
}

/**
 * binder_alloc_mmap() - attach a new mapping to the allocator
 * @alloc: the proc's allocator
 * @vma:   the vma being set up (mmap_lock held for writing by the caller)
 *
 * Return: 0, or -EBUSY if the proc already has (or had) an area.
 */
int binder_alloc_mmap(struct binder_alloc *alloc, struct vm_area_struct *vma)
{
	int ret = 0;

	mutex_lock(&alloc->mutex);
	if (alloc->area_size) {
		ret = -EBUSY;
		goto out;
	}
	alloc->area = vma->vm_start;
	alloc->area_size = min_t(unsigned long, vma->vm_end - vma->vm_start,
				 BINDER_ALLOC_MAX_AREA);
	alloc->mapped = true;
out:
	mutex_unlock(&alloc->mutex);
	return ret;
}

/**
 * binder_alloc_vma_close() - the area's vma is gone
 * @alloc: the proc's allocator
 *
 * Called from vm_ops->close with the mmap_lock held.  After this no buffer
 * can be allocated in the area, and nothing may touch the old vma.
 */
void binder_alloc_vma_close(struct binder_alloc *alloc)
{
	mutex_lock(&alloc->mutex);
	alloc->mapped = false;
	mutex_unlock(&alloc->mutex);
}

bool binder_alloc_is_mapped(struct binder_alloc *alloc)
{
	bool mapped;

	mutex_lock(&alloc->mutex);
	mapped = alloc->mapped;
	mutex_unlock(&alloc->mutex);
	return mapped;
}

/**
 * binder_alloc_release() - free everything the allocator holds
 * @alloc: the proc's allocator
 *
 * Called once, from the proc's deferred teardown.
 */
void binder_alloc_release(struct binder_alloc *alloc)
{
	mmdrop(alloc->mm);
	alloc->mm = NULL;
}
