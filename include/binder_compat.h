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

#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/list_lru.h>
#include <linux/mm.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
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
 * Take @fd out of the current task's table; the table's reference to the
 * file passes to the caller (who must filp_close() it).  Renamed in 6.8.
 */
static inline struct file *binder_file_close_fd(unsigned int fd)
{
#ifdef BINDER_HAVE_FILE_CLOSE_FD
	return file_close_fd(fd);
#else
	return close_fd_get_file(fd);
#endif
}

/* Unmap one page of a vma: 6.1 exports only zap_page_range(). */
static inline void binder_zap_page(struct vm_area_struct *vma,
				   unsigned long addr)
{
#ifdef BINDER_HAVE_ZAP_PAGE_RANGE
	zap_page_range(vma, addr, PAGE_SIZE);
#else
	zap_page_range_single(vma, addr, PAGE_SIZE, NULL);
#endif
}

/* list_lru_add/del grew nid and memcg arguments in 6.8. */
#ifndef BINDER_HAVE_LIST_LRU_OBJ
static inline bool list_lru_add_obj(struct list_lru *lru, struct list_head *item)
{
	return list_lru_add(lru, item);
}

static inline bool list_lru_del_obj(struct list_lru *lru, struct list_head *item)
{
	return list_lru_del(lru, item);
}
#endif

/* Shrinkers are allocated by the kernel since 6.7. */
static inline struct shrinker *
binder_shrinker_create(const char *name,
		       unsigned long (*count)(struct shrinker *,
					      struct shrink_control *),
		       unsigned long (*scan)(struct shrinker *,
					     struct shrink_control *))
{
	struct shrinker *s;

#ifdef BINDER_HAVE_SHRINKER_ALLOC
	s = shrinker_alloc(0, "%s", name);
	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	shrinker_register(s);
#else
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	if (register_shrinker(s, "%s", name)) {
		kfree(s);
		return NULL;
	}
#endif
	return s;
}

static inline void binder_shrinker_destroy(struct shrinker *s)
{
#ifdef BINDER_HAVE_SHRINKER_ALLOC
	shrinker_free(s);
#else
	unregister_shrinker(s);
	kfree(s);
#endif
}

/*
 * Inode operations take the mount's idmap since 6.3 (a user namespace
 * before): "struct binder_idmap" is whichever the kernel passes; binderfs
 * only hands it on.
 */
#ifdef BINDER_HAVE_MNT_IDMAP
#define binder_idmap mnt_idmap
#else
#define binder_idmap user_namespace
#endif

/* A new inode's atime, mtime and ctime: behind accessors since 6.6. */
static inline void binder_inode_init_times(struct inode *inode)
{
#ifdef BINDER_HAVE_INODE_INIT_TS
	simple_inode_init_ts(inode);
#else
	struct timespec64 now = current_time(inode);

	inode->i_atime = now;
	inode->i_mtime = now;
	inode->i_ctime = now;
#endif
}

/*
 * The 6.12 UAPI adds freeze notifications (BC_/BR_*FREEZE_NOTIFICATION*,
 * BR_FROZEN_BINDER) and BR_TRANSACTION_PENDING_FROZEN: implemented when the
 * target's header has them, i.e. BINDER_HAVE_FREEZE_NOTIFICATION is set.
 * Elsewhere the code tests BINDER_UAPI_FREEZE_NOTIFICATION; without it the
 * names below only let that code compile: the commands stay unknown
 * (-EINVAL) and the returns are never produced, as with 6.1's header.
 */
#ifdef BINDER_HAVE_FREEZE_NOTIFICATION
#define BINDER_UAPI_FREEZE_NOTIFICATION 1
#define BINDER_UAPI_LAST_BC BC_FREEZE_NOTIFICATION_DONE
#define BINDER_UAPI_LAST_BR BR_CLEAR_FREEZE_NOTIFICATION_DONE
#else
#define BINDER_UAPI_FREEZE_NOTIFICATION 0
#define BINDER_UAPI_LAST_BC BC_REPLY_SG
#define BINDER_UAPI_LAST_BR BR_ONEWAY_SPAM_SUSPECT

struct binder_frozen_state_info {
	binder_uintptr_t cookie;
	__u32 is_frozen;
	__u32 reserved;
};

#define BR_TRANSACTION_PENDING_FROZEN	_IO('r', 20)
#define BR_FROZEN_BINDER	_IOR('r', 21, struct binder_frozen_state_info)
#define BR_CLEAR_FREEZE_NOTIFICATION_DONE _IOR('r', 22, binder_uintptr_t)
#define BC_REQUEST_FREEZE_NOTIFICATION	\
	_IOW('c', 19, struct binder_handle_cookie)
#define BC_CLEAR_FREEZE_NOTIFICATION	\
	_IOW('c', 20, struct binder_handle_cookie)
#define BC_FREEZE_NOTIFICATION_DONE	_IOW('c', 21, binder_uintptr_t)
#endif

#endif /* _BINDER_COMPAT_H */
