/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The buffer allocator: one per proc, managing the read-only area the proc
 * mapped with mmap() on its binder fd.  Buffers for incoming transactions
 * are carved from that area; the kernel writes them, userspace reads them.
 *
 * The allocator never keeps a pointer to the vma: the vma may be closed at
 * any moment by the owner (munmap, exit, exec).  It keeps the mm (mmgrab'd)
 * and the area's address, and looks the vma up under the mmap lock when it
 * has to touch it.
 */
#ifndef _BINDER_ALLOC_H
#define _BINDER_ALLOC_H

#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/types.h>

/* Largest area a proc may map; larger mappings are clamped to this. */
#define BINDER_ALLOC_MAX_AREA	SZ_4M

/**
 * struct binder_alloc - per-proc buffer allocator
 * @mutex:       guards every field below
 * @mm:          the opener's mm; mmgrab()'d at init, mmdrop()'d at release
 * @area:        user address of the mapped area, 0 before mmap   (@mutex)
 * @area_size:   usable size of the area (the vma clamped to
 *               BINDER_ALLOC_MAX_AREA); non-zero once mapped, and stays
 *               so after the vma closes: a proc maps at most once (@mutex)
 * @mapped:      true from mmap until vm_ops->close                (@mutex)
 * @pid:         owner's pid, for messages
 */
struct binder_alloc {
	struct mutex mutex;	/* guards all of struct binder_alloc */
	struct mm_struct *mm;
	unsigned long area;
	size_t area_size;
	bool mapped;
	pid_t pid;
};

void binder_alloc_init(struct binder_alloc *alloc, pid_t pid);
int binder_alloc_mmap(struct binder_alloc *alloc, struct vm_area_struct *vma);
void binder_alloc_vma_close(struct binder_alloc *alloc);
void binder_alloc_release(struct binder_alloc *alloc);
bool binder_alloc_is_mapped(struct binder_alloc *alloc);

#endif /* _BINDER_ALLOC_H */
