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

#include <linux/mm.h>
#include <uapi/linux/android/binder.h>

/*
 * The BINDER_HAVE_* switches are set by Kbuild, which probes the target
 * kernel's headers: a backport counts, a version number does not.
 */

/* vm_flags became read-only behind accessors in 6.3. */
#ifndef BINDER_HAVE_VM_FLAGS_SET
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
 * The 6.12 UAPI adds freeze notifications (BC_/BR_*FREEZE_NOTIFICATION*,
 * BR_FROZEN_BINDER, BR_TRANSACTION_PENDING_FROZEN): implemented when the
 * target's header has them, i.e. BINDER_HAVE_FREEZE_NOTIFICATION is set.
 */

#endif /* _BINDER_COMPAT_H */
