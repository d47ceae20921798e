// SPDX-License-Identifier: GPL-2.0
/*
 * machport: Mach ports for Linux.
 *
 * Module init and exit, and the character device /dev/mach. Opening the
 * device creates an IPC space for the calling process; the space lives
 * while that process holds the descriptor open.
 */
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#include "ioctl.h"
#include "kmsg.h"
#include "machport.h"
#include "msg.h"
#include "netlink.h"
#include "port.h"
#include "space.h"

unsigned int mp_max_names = 1U << 18;
module_param_named(max_names, mp_max_names, uint, 0444);
MODULE_PARM_DESC(max_names, "Names per IPC space (default 262144)");

unsigned int mp_max_msg_size = 1U << 20;
module_param_named(max_msg_size, mp_max_msg_size, uint, 0444);
MODULE_PARM_DESC(max_msg_size,
		 "Largest inline message in bytes, header included (default 1 MiB)");

unsigned long mp_max_ool_size = 256UL << 20;
module_param_named(max_ool_size, mp_max_ool_size, ulong, 0444);
MODULE_PARM_DESC(max_ool_size,
		 "Out-of-line bytes per message (default 256 MiB)");

unsigned int mp_max_ool_ports = 1U << 16;
module_param_named(max_ool_ports, mp_max_ool_ports, uint, 0444);
MODULE_PARM_DESC(max_ool_ports,
		 "Port rights in out-of-line arrays per message (default 65536)");

struct mp_stats mp_stats;

static const struct file_operations mp_fops;

/* The space behind @file if it is a /dev/mach descriptor, else NULL. */
struct mp_space *mp_file_space(struct file *file)
{
	return file->f_op == &mp_fops ? file->private_data : NULL;
}

static int mp_open(struct inode *inode, struct file *file)
{
	struct mp_space *space = mp_space_create();

	if (!space)
		return -ENOMEM;
	file->private_data = space;
	return nonseekable_open(inode, file);
}

static int same_file(const void *file, struct file *f, unsigned int fd)
{
	return f == file;
}

/*
 * Called on every close of a descriptor for the file. When the owner
 * closes its last one (close, exec with O_CLOEXEC, exit), the space is
 * torn down at once, even if a child that inherited the descriptor keeps
 * the file itself open: the child cannot use it, and the owner's ports
 * must die with the owner, as they do on macOS.
 */
static int mp_flush(struct file *file, fl_owner_t id)
{
	struct mp_space *space = file->private_data;

	if (!mp_space_is_owner(space))
		return 0;
	if (iterate_fd(id, 0, same_file, file))
		return 0;
	mp_space_teardown(space);
	return 0;
}

static int mp_release(struct inode *inode, struct file *file)
{
	struct mp_space *space = file->private_data;

	mp_space_teardown(space);
	mp_space_put(space);
	return 0;
}

/*
 * Module-wide object counts in /sys/class/misc/mach/: live spaces and
 * ports. Tests use them to prove that nothing outlives its owner.
 */
static ssize_t spaces_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&mp_stats.spaces));
}
static DEVICE_ATTR_RO(spaces);

static ssize_t ports_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&mp_stats.ports));
}
static DEVICE_ATTR_RO(ports);

static struct attribute *mp_attrs[] = {
	&dev_attr_spaces.attr,
	&dev_attr_ports.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mp);

static const struct file_operations mp_fops = {
	.owner		= THIS_MODULE,
	.open		= mp_open,
	.flush		= mp_flush,
	.release	= mp_release,
	.unlocked_ioctl	= mp_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice mp_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= MACHPORT_DEVICE_NAME,
	.fops	= &mp_fops,
	.groups	= mp_groups,
	.mode	= 0666,
};

static int __init mp_init(void)
{
	int ret;

	if (!mp_max_names || mp_max_names > (1U << 24) - MP_FIRST_INDEX) {
		pr_err("machport: max_names must be in 1..%u\n",
		       (1U << 24) - MP_FIRST_INDEX);
		return -EINVAL;
	}
	if (mp_max_msg_size < sizeof(struct machport_msg_header) ||
	    mp_max_msg_size > (64U << 20)) {
		pr_err("machport: max_msg_size must be in 24..64 MiB\n");
		return -EINVAL;
	}
	ret = mp_port_cache_init();
	if (ret)
		return ret;
	ret = mp_kmsg_cache_init();
	if (ret)
		goto err_kmsg;
	ret = mp_netlink_init();
	if (ret)
		goto err_netlink;
	ret = misc_register(&mp_misc);
	if (ret)
		goto err_misc;
	return 0;

err_misc:
	mp_netlink_exit();
err_netlink:
	mp_kmsg_cache_exit();
err_kmsg:
	mp_port_cache_exit();
	return ret;
}

static void __exit mp_exit(void)
{
	misc_deregister(&mp_misc);
	mp_netlink_exit();
	mp_kmsg_cache_exit();
	mp_port_cache_exit();
}

module_init(mp_init);
module_exit(mp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Mach ports and Mach IPC (mach_msg) on /dev/mach");
MODULE_AUTHOR("The machport authors");
MODULE_VERSION(MACHPORT_VERSION);
