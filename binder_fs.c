// SPDX-License-Identifier: GPL-2.0
/*
 * binderfs, the "binder" filesystem type: mount -t binder binderfs DIR
 * (Android mounts it on /dev/binderfs).
 *
 * Every mount is its own instance (its own super block) holding:
 *   binder-control   BINDER_CTL_ADD makes a new device node here
 *   <name>           a binder device, one per devices= name at mount time
 *                    and per BINDER_CTL_ADD; each is its own context, used
 *                    with binder_fops exactly like /dev/binder; unlink
 *                    removes it
 *   features/        one file per feature of the UAPI built against ("1")
 *   binder_logs/     with "stats=global" only: binder_debugfs.c's files,
 *                    pids as seen in the mounter's pid namespace, and
 *                    proc/<pid> for the procs opened through this mount
 *
 * Options, as upstream: "max=N" caps the devices of the mount (-ENOSPC
 * beyond), "stats=global" needs CAP_SYS_ADMIN in the initial user
 * namespace and cannot change on remount.  FS_USERNS_MOUNT: the root of a
 * user namespace may mount it; it can make device nodes only through
 * binder-control, so the mount does not get SB_I_NODEV.
 *
 * Lifetimes: a mounted super block holds the module (the fs type's
 * owner); a device node's inode holds a ref of its struct binder_device,
 * and so does every proc opened through it (binder_proc.c), so a device
 * unlinked or unmounted while open keeps its context until its last proc
 * is freed.  An open file pins its mount, so a proc's binder_logs/proc
 * file is always removed (at release) before its super block goes.
 *
 * Not exported to modules, and designed around:
 *   - put_ipc_ns() and init_ipc_ns (6.1): upstream holds the mounter's ipc
 *     namespace to let the initial one use the last minors.  All that is
 *     needed is whether it is the initial one, which fill_super records
 *     from the namespace's inode number (PROC_IPC_INIT_INO); nothing is
 *     held.
 *   - upstream's binder_open() tells a binderfs inode by its super block's
 *     magic; ours by the super block's fs type (ours alone).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/fsnotify.h>
#include <linux/idr.h>
#include <linux/ipc_namespace.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <uapi/linux/android/binderfs.h>

#include "binder_internal.h"

#define BINDERFS_ROOT_INO	1
#define BINDERFS_CONTROL_INO	2
#define BINDERFS_DEVICE_INO(minor) ((minor) + 3)
#define BINDERFS_MAX_MINOR	BIT(MINORBITS)
/* the initial ipc namespace always finds a minor left */
#define BINDERFS_MAX_MINOR_CAPPED (BINDERFS_MAX_MINOR - 4)

/**
 * struct binderfs_info - one binderfs mount (the super block's s_fs_info)
 * @pid_ns:       the mounter's pid namespace (reference held): the pids
 *                of binder_logs are the ones seen there
 * @root_uid:     root of the mount's user namespace, owner of the device
 *                nodes
 * @root_gid:     its group
 * @max:          "max=": devices this mount may hold (remount may change it)
 * @stats_global: "stats=global": the mount has binder_logs/
 * @init_ipc:     mounted from the initial ipc namespace
 * @devices:      device nodes of the mount (binder-control aside)
 * @control:      the binder-control dentry
 * @proc_dir:     binder_logs/proc, or NULL
 */
struct binderfs_info {
	struct pid_namespace *pid_ns;
	kuid_t root_uid;
	kgid_t root_gid;
	u32 max;
	bool stats_global;
	bool init_ipc;
	atomic_t devices;
	struct dentry *control;
	struct dentry *proc_dir;
};

/* What the mount options say, until fill_super or reconfigure uses it */
struct binderfs_opts {
	u32 max;
	bool stats_global;
};

static dev_t binderfs_dev;
static DEFINE_IDA(binderfs_minors);
static struct file_system_type binder_fs_type;

/* ---- what other files ask of a binderfs inode ---- */

/**
 * binderfs_info_of() - the binderfs mount an inode belongs to
 * @inode: any inode
 *
 * Return: the mount's info, or NULL when @inode is not binderfs's.
 */
struct binderfs_info *binderfs_info_of(const struct inode *inode)
{
	if (inode->i_sb->s_type != &binder_fs_type)
		return NULL;
	return inode->i_sb->s_fs_info;
}

/**
 * binderfs_file_pid_ns() - the pid namespace a binder log file shows
 * @file: an open file of debugfs binder/ or of binder_logs/
 *
 * Return: the mounter's pid namespace for binder_logs, else the initial
 * one.  Valid while @file is open (it pins the mount).
 */
struct pid_namespace *binderfs_file_pid_ns(const struct file *file)
{
	struct binderfs_info *info = binderfs_info_of(file_inode(file));

	return info ? info->pid_ns : &init_pid_ns;
}

/* ---- inodes and dentries ---- */

static struct inode *binderfs_new_inode(struct super_block *sb, umode_t mode,
					unsigned long ino)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_ino = ino;
	inode->i_mode = mode;
	binder_inode_init_times(inode);
	return inode;
}

/* A device node (binder-control or a device) with a minor of its own */
static struct inode *binderfs_new_chr_inode(struct super_block *sb,
					    unsigned long ino_base)
{
	struct binderfs_info *info = sb->s_fs_info;
	struct inode *inode;
	int minor;

	minor = ida_alloc_max(&binderfs_minors, info->init_ipc ?
			      BINDERFS_MAX_MINOR - 1 :
			      BINDERFS_MAX_MINOR_CAPPED - 1, GFP_KERNEL);
	if (minor < 0)
		return ERR_PTR(minor);
	inode = binderfs_new_inode(sb, 0, ino_base ?: BINDERFS_DEVICE_INO(minor));
	if (!inode) {
		ida_free(&binderfs_minors, minor);
		return ERR_PTR(-ENOMEM);
	}
	/* from here on, evicting the inode frees the minor */
	init_special_inode(inode, S_IFCHR | 0600,
			   MKDEV(MAJOR(binderfs_dev), minor));
	inode->i_uid = info->root_uid;
	inode->i_gid = info->root_gid;
	return inode;
}

/*
 * A new name in @parent, locked by the caller: a negative dentry (its ref
 * stays with the file while it exists) or -EEXIST.  lookup_one_len()
 * refuses "", ".", ".." and names with '/' (-EACCES), as upstream.
 */
static struct dentry *binderfs_new_dentry(struct dentry *parent,
					  const char *name)
{
	struct dentry *dentry;

	dentry = lookup_one_len(name, parent, strlen(name));
	if (IS_ERR(dentry))
		return dentry;
	if (d_really_is_positive(dentry)) {
		dput(dentry);
		return ERR_PTR(-EEXIST);
	}
	return dentry;
}

/* Link @inode as @name in @parent; on failure @inode is put. */
static struct dentry *binderfs_link(struct dentry *parent, const char *name,
				    struct inode *inode)
{
	struct inode *dir = d_inode(parent);
	struct dentry *dentry;

	inode_lock(dir);
	dentry = binderfs_new_dentry(parent, name);
	if (!IS_ERR(dentry)) {
		if (S_ISDIR(inode->i_mode))
			inc_nlink(dir);
		d_instantiate(dentry, inode);
		if (S_ISDIR(inode->i_mode))
			fsnotify_mkdir(dir, dentry);
		else
			fsnotify_create(dir, dentry);
	}
	inode_unlock(dir);
	if (IS_ERR(dentry))
		iput(inode);
	return dentry;
}

static struct dentry *binderfs_add_file(struct dentry *parent,
					const char *name,
					const struct file_operations *fops,
					void *data)
{
	struct super_block *sb = parent->d_sb;
	struct inode *inode;

	inode = binderfs_new_inode(sb, S_IFREG | 0444,
				   iunique(sb, BINDERFS_DEVICE_INO(BINDERFS_MAX_MINOR)));
	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_fop = fops;
	inode->i_private = data;
	return binderfs_link(parent, name, inode);
}

static struct dentry *binderfs_add_dir(struct dentry *parent, const char *name)
{
	struct super_block *sb = parent->d_sb;
	struct inode *inode;

	inode = binderfs_new_inode(sb, S_IFDIR | 0755,
				   iunique(sb, BINDERFS_DEVICE_INO(BINDERFS_MAX_MINOR)));
	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_op = &simple_dir_inode_operations;
	inode->i_fop = &simple_dir_operations;
	set_nlink(inode, 2);
	return binderfs_link(parent, name, inode);
}

/* ---- devices ---- */

/**
 * binderfs_add_device() - a new binder device node in a mount
 * @sb:    the mount
 * @req:   its name (NUL-terminated here); gets its major and minor
 * @userp: where BINDER_CTL_ADD wants @req back, or NULL
 *
 * Return: 0; -ENOSPC past "max=" or out of minors, -EEXIST, -EACCES for a
 * bad name, -EFAULT, -ENOMEM.
 */
static int binderfs_add_device(struct super_block *sb,
			       struct binderfs_device *req,
			       struct binderfs_device __user *userp)
{
	struct binderfs_info *info = sb->s_fs_info;
	struct binder_device *device;
	struct dentry *dentry;
	struct inode *inode;

	req->name[BINDERFS_MAX_NAME] = '\0';
	if (atomic_inc_return(&info->devices) > READ_ONCE(info->max)) {
		atomic_dec(&info->devices);
		return -ENOSPC;
	}
	inode = binderfs_new_chr_inode(sb, 0);
	if (IS_ERR(inode)) {
		atomic_dec(&info->devices);
		return PTR_ERR(inode);
	}
	device = binder_device_new(req->name);
	if (!device) {
		atomic_dec(&info->devices);
		iput(inode);
		return -ENOMEM;
	}
	/* from here on, evicting the inode puts the device and the count */
	inode->i_private = device;
	inode->i_fop = &binder_fops;

	req->major = MAJOR(inode->i_rdev);
	req->minor = MINOR(inode->i_rdev);
	if (userp && copy_to_user(userp, req, sizeof(*req))) {
		iput(inode);
		return -EFAULT;
	}
	dentry = binderfs_link(sb->s_root, req->name, inode);
	return PTR_ERR_OR_ZERO(dentry);
}

static long binder_ctl_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct binderfs_device __user *userp = (void __user *)arg;
	struct binderfs_device req;

	if (cmd != BINDER_CTL_ADD)
		return -EINVAL;
	if (copy_from_user(&req, userp, sizeof(req)))
		return -EFAULT;
	return binderfs_add_device(file_inode(file)->i_sb, &req, userp);
}

static const struct file_operations binder_ctl_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.unlocked_ioctl = binder_ctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static int binderfs_add_control(struct super_block *sb)
{
	struct binderfs_info *info = sb->s_fs_info;
	struct dentry *dentry;
	struct inode *inode;

	inode = binderfs_new_chr_inode(sb, BINDERFS_CONTROL_INO);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	inode->i_fop = &binder_ctl_fops;
	dentry = d_alloc_name(sb->s_root, "binder-control");
	if (!dentry) {
		iput(inode);
		return -ENOMEM;
	}
	info->control = dentry;
	d_add(dentry, inode);
	return 0;
}

static int binderfs_add_param_device(const char *name, void *sb)
{
	struct binderfs_device req = { };

	strscpy(req.name, name, sizeof(req.name));
	return binderfs_add_device(sb, &req, NULL);
}

static void binderfs_evict_inode(struct inode *inode)
{
	struct binderfs_info *info = inode->i_sb->s_fs_info;
	struct binder_device *device = inode->i_private;

	clear_inode(inode);
	if (!S_ISCHR(inode->i_mode))
		return;
	ida_free(&binderfs_minors, MINOR(inode->i_rdev));
	/* binder-control has no device */
	if (!device)
		return;
	atomic_dec(&info->devices);
	binder_device_put(device);
}

/* ---- the root directory: devices are unlinked and renamed in it ---- */

static int binderfs_unlink(struct inode *dir, struct dentry *dentry)
{
	struct binderfs_info *info = dir->i_sb->s_fs_info;

	if (dentry == info->control)
		return -EPERM;
	return simple_unlink(dir, dentry);
}

static int binderfs_rename(struct binder_idmap *idmap, struct inode *old_dir,
			   struct dentry *old_dentry, struct inode *new_dir,
			   struct dentry *new_dentry, unsigned int flags)
{
	struct binderfs_info *info = old_dir->i_sb->s_fs_info;

	/*
	 * Within the root only: a node moved into binder_logs/proc could
	 * replace a proc's file, whose dentry the proc still holds.
	 */
	if (old_dentry == info->control || new_dentry == info->control ||
	    new_dir != old_dir)
		return -EPERM;
	return simple_rename(idmap, old_dir, old_dentry, new_dir, new_dentry,
			     flags);
}

static const struct inode_operations binderfs_root_iops = {
	.lookup = simple_lookup,
	.unlink = binderfs_unlink,
	.rename = binderfs_rename,
};

/* ---- features/ and binder_logs/ ---- */

static int binder_feature_show(struct seq_file *m, void *unused)
{
	seq_puts(m, "1\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(binder_feature);

/* What the UAPI built against has, as upstream's features/ of that UAPI */
static const char * const binder_features[] = {
	"oneway_spam_detection",
	"extended_error",
#if BINDER_UAPI_FREEZE_NOTIFICATION
	"freeze_notification",
#endif
};

static int binderfs_add_features(struct super_block *sb)
{
	struct dentry *dir, *d;
	size_t i;

	dir = binderfs_add_dir(sb->s_root, "features");
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	for (i = 0; i < ARRAY_SIZE(binder_features); i++) {
		d = binderfs_add_file(dir, binder_features[i],
				      &binder_feature_fops, NULL);
		if (IS_ERR(d))
			return PTR_ERR(d);
	}
	return 0;
}

static int binderfs_add_logs(struct super_block *sb)
{
	struct binderfs_info *info = sb->s_fs_info;
	const struct binder_debugfs_entry *e;
	struct dentry *dir, *d;

	dir = binderfs_add_dir(sb->s_root, "binder_logs");
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	for (e = binder_debugfs_entries; e->name; e++) {
		d = binderfs_add_file(dir, e->name, e->fops, NULL);
		if (IS_ERR(d))
			return PTR_ERR(d);
	}
	d = binderfs_add_dir(dir, "proc");
	if (IS_ERR(d))
		return PTR_ERR(d);
	info->proc_dir = d;
	return 0;
}

/**
 * binderfs_add_proc() - binder_logs/proc/<pid> for a proc opened through @fs
 * @fs:   the mount
 * @proc: the first proc of its pid opened through @fs
 *
 * Named by the pid in the mounter's pid namespace; none when the mount has
 * no binder_logs or the proc is not visible there.  The caller holds
 * binder_procs_dentry_lock.
 *
 * Return: the file's dentry, or NULL.
 */
struct dentry *binderfs_add_proc(struct binderfs_info *fs,
				 struct binder_proc *proc)
{
	struct dentry *d;
	char name[12];
	pid_t nr;

	if (!fs || !fs->proc_dir)
		return NULL;
	nr = pid_nr_ns(proc->tgid, fs->pid_ns);
	if (!nr)
		return NULL;
	snprintf(name, sizeof(name), "%d", nr);
	d = binderfs_add_file(fs->proc_dir, name, &binder_proc_fops,
			      (void *)(unsigned long)nr);
	return IS_ERR(d) ? NULL : d;
}

/* Remove what binderfs_add_proc() made (NULL: nothing). */
void binderfs_remove_proc(struct dentry *entry)
{
	struct inode *dir;

	if (!entry)
		return;
	dir = d_inode(entry->d_parent);
	inode_lock(dir);
	dget(entry);
	/* drops the ref the file held */
	simple_unlink(dir, entry);
	d_delete(entry);
	dput(entry);
	inode_unlock(dir);
}

/* ---- super block and mount ---- */

static int binderfs_show_options(struct seq_file *m, struct dentry *root)
{
	struct binderfs_info *info = root->d_sb->s_fs_info;

	seq_printf(m, ",max=%u", READ_ONCE(info->max));
	if (info->stats_global)
		seq_puts(m, ",stats=global");
	return 0;
}

static const struct super_operations binderfs_super_ops = {
	.evict_inode = binderfs_evict_inode,
	.show_options = binderfs_show_options,
	.statfs = simple_statfs,
};

static int binderfs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct binderfs_opts *opts = fc->fs_private;
	struct binderfs_info *info;
	struct inode *root;
	int ret;

	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	/* device nodes come only from binder-control: see the top */
	sb->s_iflags &= ~SB_I_NODEV;
	sb->s_iflags |= SB_I_NOEXEC;
	sb->s_magic = BINDERFS_SUPER_MAGIC;
	sb->s_op = &binderfs_super_ops;
	sb->s_time_gran = 1;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	sb->s_fs_info = info;
	info->pid_ns = get_pid_ns(task_active_pid_ns(current));
	info->init_ipc = current->nsproxy->ipc_ns->ns.inum == PROC_IPC_INIT_INO;
	info->root_uid = make_kuid(sb->s_user_ns, 0);
	if (!uid_valid(info->root_uid))
		info->root_uid = GLOBAL_ROOT_UID;
	info->root_gid = make_kgid(sb->s_user_ns, 0);
	if (!gid_valid(info->root_gid))
		info->root_gid = GLOBAL_ROOT_GID;
	info->max = opts->max;
	info->stats_global = opts->stats_global;

	root = binderfs_new_inode(sb, S_IFDIR | 0755, BINDERFS_ROOT_INO);
	if (!root)
		return -ENOMEM;
	root->i_op = &binderfs_root_iops;
	root->i_fop = &simple_dir_operations;
	set_nlink(root, 2);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;

	ret = binderfs_add_control(sb);
	if (!ret)
		ret = binder_devices_param_each(binderfs_add_param_device, sb);
	if (!ret)
		ret = binderfs_add_features(sb);
	if (!ret && info->stats_global)
		ret = binderfs_add_logs(sb);
	return ret;
}

enum {
	BINDERFS_OPT_MAX,
	BINDERFS_OPT_STATS,
};

static const struct constant_table binderfs_stats_values[] = {
	{ "global", true },
	{ }
};

static const struct fs_parameter_spec binderfs_params[] = {
	fsparam_u32("max", BINDERFS_OPT_MAX),
	fsparam_enum("stats", BINDERFS_OPT_STATS, binderfs_stats_values),
	{ }
};

static int binderfs_parse_param(struct fs_context *fc,
				struct fs_parameter *param)
{
	struct binderfs_opts *opts = fc->fs_private;
	struct fs_parse_result result;
	int opt;

	opt = fs_parse(fc, binderfs_params, param, &result);
	if (opt < 0)
		return opt;
	switch (opt) {
	case BINDERFS_OPT_MAX:
		if (result.uint_32 > BINDERFS_MAX_MINOR)
			return invalfc(fc, "Bad value for '%s'", param->key);
		opts->max = result.uint_32;
		break;
	case BINDERFS_OPT_STATS:
		/* every proc of the host in the logs: the host's admin only */
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		opts->stats_global = result.uint_32;
		break;
	}
	return 0;
}

static int binderfs_get_tree(struct fs_context *fc)
{
	return get_tree_nodev(fc, binderfs_fill_super);
}

static int binderfs_reconfigure(struct fs_context *fc)
{
	struct binderfs_info *info = fc->root->d_sb->s_fs_info;
	struct binderfs_opts *opts = fc->fs_private;

	if (info->stats_global != opts->stats_global)
		return invalfc(fc, "Binderfs stats mode cannot be changed during a remount");
	WRITE_ONCE(info->max, opts->max);
	return 0;
}

static void binderfs_free_fc(struct fs_context *fc)
{
	kfree(fc->fs_private);
}

static const struct fs_context_operations binderfs_context_ops = {
	.free = binderfs_free_fc,
	.parse_param = binderfs_parse_param,
	.get_tree = binderfs_get_tree,
	.reconfigure = binderfs_reconfigure,
};

static int binderfs_init_fs_context(struct fs_context *fc)
{
	struct binderfs_opts *opts;

	opts = kzalloc(sizeof(*opts), GFP_KERNEL);
	if (!opts)
		return -ENOMEM;
	opts->max = BINDERFS_MAX_MINOR;
	fc->fs_private = opts;
	fc->ops = &binderfs_context_ops;
	return 0;
}

static void binderfs_kill_sb(struct super_block *sb)
{
	struct binderfs_info *info = sb->s_fs_info;

	/* evicting the device nodes needs the info: free it after */
	kill_litter_super(sb);
	if (info) {
		put_pid_ns(info->pid_ns);
		kfree(info);
	}
}

static struct file_system_type binder_fs_type = {
	.owner = THIS_MODULE,
	.name = "binder",
	.init_fs_context = binderfs_init_fs_context,
	.parameters = binderfs_params,
	.kill_sb = binderfs_kill_sb,
	.fs_flags = FS_USERNS_MOUNT,
};

static int binderfs_check_name(const char *name, void *unused)
{
	if (strlen(name) <= BINDERFS_MAX_NAME)
		return 0;
	pr_err("devices= name %s is too long for binderfs\n", name);
	return -E2BIG;
}

int binderfs_init(void)
{
	int ret;

	/* every mount makes the devices= devices: their names must fit */
	ret = binder_devices_param_each(binderfs_check_name, NULL);
	if (ret)
		return ret;
	ret = alloc_chrdev_region(&binderfs_dev, 0, BINDERFS_MAX_MINOR,
				  "binder");
	if (ret)
		return ret;
	ret = register_filesystem(&binder_fs_type);
	if (ret)
		unregister_chrdev_region(binderfs_dev, BINDERFS_MAX_MINOR);
	return ret;
}

void binderfs_exit(void)
{
	unregister_filesystem(&binder_fs_type);
	unregister_chrdev_region(binderfs_dev, BINDERFS_MAX_MINOR);
	ida_destroy(&binderfs_minors);
}
