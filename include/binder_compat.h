/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels this module builds against lives here,
 * so that the rest of the code reads as if written for one kernel.
 *
 * Supported: Debian's 6.1 (linux-image-amd64 in bookworm), Debian's 6.12
 * (linux-image-6.12-amd64) and a 6.1 debug build from linux-source-6.1.
 */
#ifndef _BINDER_COMPAT_H
#define _BINDER_COMPAT_H

#include <linux/version.h>
#include <linux/mm.h>
#include <uapi/linux/android/binder.h>

/* vm_flags became read-only behind accessors in 6.3. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

/*
 * The 6.12 UAPI adds freeze notifications; BR_FROZEN_BINDER is an enum
 * member, so its presence is told by the kernel version of the header.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define BINDER_HAVE_FREEZE_NOTIFICATION 1
#else
#define BINDER_HAVE_FREEZE_NOTIFICATION 0
#endif

#endif /* _BINDER_COMPAT_H */
