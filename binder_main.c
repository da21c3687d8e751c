// SPDX-License-Identifier: GPL-2.0
/*
 * Android binder IPC, out-of-tree: module init, devices, file operations and
 * ioctl dispatch.  The protocol lives in its own files as it grows; object
 * lifetimes live in binder_proc.c, the buffer area in binder_alloc.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "binder_internal.h"

static char *devices = "binder";
module_param(devices, charp, 0444);
MODULE_PARM_DESC(devices, "comma-separated device names (default: binder)");

u32 binder_debug_mask = BINDER_DEBUG_USER_ERROR |
			BINDER_DEBUG_FAILED_TRANSACTION |
			BINDER_DEBUG_DEAD_TRANSACTION;
module_param_named(debug_mask, binder_debug_mask, uint, 0644);
MODULE_PARM_DESC(debug_mask, "BINDER_DEBUG_* bits of what to log");

struct binder_stats binder_stats;

/* Filled at init, read-only until exit: no lock. */
static LIST_HEAD(binder_devices);

/* ---- BINDER_WRITE_READ ---- */

static int binder_thread_write(struct binder_proc *proc,
			       struct binder_thread *thread,
			       binder_uintptr_t buffer, size_t size,
			       binder_size_t *consumed)
{
	void __user *start = u64_to_user_ptr(buffer);
	void __user *ptr = start + *consumed;
	void __user *end = start + size;

	while (ptr < end) {
		u32 cmd;

		if (get_user(cmd, (u32 __user *)ptr))
			return -EFAULT;
		ptr += sizeof(u32);
		if (_IOC_NR(cmd) < BINDER_BC_COUNT)
			atomic_inc(&binder_stats.bc[_IOC_NR(cmd)]);

		switch (cmd) {
		default:
			binder_user_error("%d:%d unknown command %u\n",
					  proc->pid, thread->pid, cmd);
			return -EINVAL;
		}
		*consumed = ptr - start;
	}
	return 0;
}

static int binder_thread_read(struct binder_proc *proc,
			      struct binder_thread *thread,
			      binder_uintptr_t buffer, size_t size,
			      binder_size_t *consumed, bool non_block)
{
	void __user *start = u64_to_user_ptr(buffer);
	void __user *ptr = start + *consumed;
	int ret;

	if (*consumed == 0) {
		if (put_user(BR_NOOP, (u32 __user *)ptr))
			return -EFAULT;
		ptr += sizeof(u32);
	}

	ret = binder_thread_wait_for_work(thread, non_block);
	if (ret)
		return ret;

	*consumed = ptr - start;
	return 0;
}

static int binder_ioctl_write_read(struct file *filp,
				   struct binder_thread *thread,
				   unsigned int cmd, void __user *ubuf)
{
	struct binder_proc *proc = filp->private_data;
	struct binder_write_read bwr;
	int ret = 0;

	if (_IOC_SIZE(cmd) != sizeof(bwr))
		return -EINVAL;
	if (copy_from_user(&bwr, ubuf, sizeof(bwr)))
		return -EFAULT;

	binder_debug(BINDER_DEBUG_READ_WRITE,
		     "%d:%d write %lld at %016llx, read %lld at %016llx\n",
		     proc->pid, thread->pid,
		     (u64)bwr.write_size, (u64)bwr.write_buffer,
		     (u64)bwr.read_size, (u64)bwr.read_buffer);

	if (bwr.write_size > 0) {
		ret = binder_thread_write(proc, thread, bwr.write_buffer,
					  bwr.write_size, &bwr.write_consumed);
		if (ret < 0) {
			bwr.read_consumed = 0;
			goto out;
		}
	}
	if (bwr.read_size > 0) {
		ret = binder_thread_read(proc, thread, bwr.read_buffer,
					 bwr.read_size, &bwr.read_consumed,
					 filp->f_flags & O_NONBLOCK);
		if (ret < 0)
			goto out;
	}
out:
	if (copy_to_user(ubuf, &bwr, sizeof(bwr)))
		ret = -EFAULT;
	return ret;
}

/* ---- other ioctls ---- */

static int binder_ioctl_set_max_threads(struct binder_proc *proc,
					void __user *ubuf)
{
	u32 max_threads;

	if (copy_from_user(&max_threads, ubuf, sizeof(max_threads)))
		return -EINVAL;
	spin_lock(&proc->lock);
	proc->max_threads = max_threads;
	spin_unlock(&proc->lock);
	return 0;
}

static int binder_ioctl_version(unsigned int cmd, void __user *ubuf)
{
	struct binder_version __user *ver = ubuf;

	if (_IOC_SIZE(cmd) != sizeof(*ver))
		return -EINVAL;
	if (put_user(BINDER_CURRENT_PROTOCOL_VERSION, &ver->protocol_version))
		return -EINVAL;
	return 0;
}

static long binder_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct binder_proc *proc = filp->private_data;
	void __user *ubuf = (void __user *)arg;
	struct binder_thread *thread;
	int ret;

	thread = binder_get_thread(proc);
	if (!thread)
		return -ENOMEM;

	switch (cmd) {
	case BINDER_WRITE_READ:
		ret = binder_ioctl_write_read(filp, thread, cmd, ubuf);
		break;
	case BINDER_SET_MAX_THREADS:
		ret = binder_ioctl_set_max_threads(proc, ubuf);
		break;
	case BINDER_THREAD_EXIT:
		ret = binder_thread_exit(proc, thread);
		thread = NULL;
		break;
	case BINDER_VERSION:
		ret = binder_ioctl_version(cmd, ubuf);
		break;
	default:
		ret = -EINVAL;
		break;
	}

	if (thread)
		binder_thread_ioctl_done(thread);
	if (ret && ret != -EINTR && ret != -ERESTARTSYS && ret != -EAGAIN)
		binder_user_error("%d:%d ioctl %x %lx returned %d\n",
				  proc->pid, current->pid, cmd, arg, ret);
	return ret;
}

/* ---- file operations ---- */

static int binder_open(struct inode *inode, struct file *filp)
{
	struct miscdevice *misc = filp->private_data;
	struct binder_device *device;
	struct binder_proc *proc;

	device = container_of(misc, struct binder_device, misc);
	proc = binder_proc_create(device);
	if (!proc)
		return -ENOMEM;
	proc->file = filp;
	filp->private_data = proc;
	return 0;
}

static int binder_flush(struct file *filp, fl_owner_t id)
{
	binder_proc_flush(filp->private_data);
	return 0;
}

static int binder_release(struct inode *inode, struct file *filp)
{
	binder_proc_release(filp->private_data);
	return 0;
}

static int binder_mmap(struct file *filp, struct vm_area_struct *vma)
{
	return binder_proc_mmap(filp->private_data, vma);
}

static __poll_t binder_poll(struct file *filp, struct poll_table_struct *wait)
{
	struct binder_proc *proc = filp->private_data;
	struct binder_thread *thread;

	thread = binder_get_thread(proc);
	if (!thread)
		return EPOLLERR;

	binder_thread_mark_poll(thread);
	poll_wait(filp, &thread->wait, wait);
	return binder_thread_has_work(thread) ? EPOLLIN : 0;
}

static const struct file_operations binder_fops = {
	.owner = THIS_MODULE,
	.poll = binder_poll,
	.unlocked_ioctl = binder_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = binder_mmap,
	.open = binder_open,
	.flush = binder_flush,
	.release = binder_release,
};

/**
 * binder_proc_from_file() - the proc behind a binder file
 * @filp: any file
 *
 * Return: the proc, or NULL when @filp is not a binder device file.
 */
struct binder_proc *binder_proc_from_file(struct file *filp)
{
	return filp->f_op == &binder_fops ? filp->private_data : NULL;
}

/* ---- devices ---- */

static void binder_devices_destroy(void)
{
	struct binder_device *device, *tmp;

	list_for_each_entry_safe(device, tmp, &binder_devices, entry) {
		misc_deregister(&device->misc);
		list_del(&device->entry);
		kfree(device);
	}
}

static int binder_device_create(const char *name)
{
	struct binder_device *device;
	size_t len = strlen(name);
	int ret;

	list_for_each_entry(device, &binder_devices, entry) {
		if (!strcmp(device->name, name)) {
			pr_err("device %s listed twice in devices=\n", name);
			return -EINVAL;
		}
	}

	device = kzalloc(struct_size(device, name, len + 1), GFP_KERNEL);
	if (!device)
		return -ENOMEM;
	memcpy(device->name, name, len + 1);
	device->misc.minor = MISC_DYNAMIC_MINOR;
	device->misc.name = device->name;
	device->misc.fops = &binder_fops;

	ret = misc_register(&device->misc);
	if (ret) {
		kfree(device);
		return ret;
	}
	list_add_tail(&device->entry, &binder_devices);
	return 0;
}

static int binder_devices_create(void)
{
	char *names, *cursor, *name;
	int ret = 0;

	names = kstrdup(devices, GFP_KERNEL);
	if (!names)
		return -ENOMEM;

	cursor = names;
	while ((name = strsep(&cursor, ","))) {
		if (!*name)
			continue;
		ret = binder_device_create(name);
		if (ret)
			break;
	}
	kfree(names);
	if (!ret && list_empty(&binder_devices)) {
		pr_err("devices= names no device\n");
		ret = -EINVAL;
	}
	if (ret)
		binder_devices_destroy();
	return ret;
}

static int __init binder_init(void)
{
	int ret;

	ret = binder_alloc_module_init();
	if (ret)
		return ret;

	ret = binder_proc_init();
	if (ret)
		goto err_alloc;

	ret = binder_debugfs_init();
	if (ret)
		goto err_proc;

	ret = binder_devices_create();
	if (ret)
		goto err_debugfs;
	return 0;

err_debugfs:
	binder_debugfs_exit();
err_proc:
	binder_proc_exit();
err_alloc:
	binder_alloc_module_exit();
	return ret;
}

static void __exit binder_exit(void)
{
	binder_devices_destroy();
	binder_proc_exit();
	binder_debugfs_exit();
	binder_alloc_module_exit();
}

module_init(binder_init);
module_exit(binder_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Android binder IPC driver (out-of-tree)");
MODULE_VERSION("0.1");
