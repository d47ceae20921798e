// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl interface: copies the uapi structures in and out, checks
 * reserved fields, and calls the Mach operations on the caller's space.
 *
 * Return convention (uapi/linux/machport.h): a negative errno for misuse
 * of the ioctl itself, otherwise the Mach code of the operation.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "attr.h"
#include "ioctl.h"
#include "machport.h"
#include "msg.h"
#include "notify.h"
#include "pollfd.h"
#include "right.h"
#include "space.h"
#include "special.h"

static long ioc_features(void __user *uarg)
{
	struct machport_features f;

	if (copy_from_user(&f, uarg, sizeof(f)))
		return -EFAULT;
	if (f.features || f.max_names || f.max_msg_size || f.qlimit_max ||
	    f.max_ool_ports || f.max_ool_size ||
	    memchr_inv(f.reserved, 0, sizeof(f.reserved)))
		return -EINVAL;
	f.features = MACHPORT_FEAT_PORTS | MACHPORT_FEAT_MSG |
		     MACHPORT_FEAT_COMPLEX | MACHPORT_FEAT_SPECIAL |
		     MACHPORT_FEAT_PSET | MACHPORT_FEAT_NOTIFY |
		     MACHPORT_FEAT_BOOTSTRAP | MACHPORT_FEAT_POLLFD |
		     MACHPORT_FEAT_PEEK;
	f.max_ool_size = mp_max_ool_size;
	f.max_ool_ports = mp_max_ool_ports;
	f.max_names = mp_max_names;
	f.max_msg_size = mp_max_msg_size;
	f.qlimit_max = MACHPORT_QLIMIT_MAX;
	if (copy_to_user(uarg, &f, sizeof(f)))
		return -EFAULT;
	return 0;
}

/*
 * Run @op with the space locked. A space torn down by its owner's last
 * close while another of its threads was still calling in answers
 * KERN_INVALID_TASK, as a call on a dead task does on macOS.
 */
#define WITH_SPACE(space, op) ({					\
	struct mp_space *__sp = (space);				\
	long __ret = MACHPORT_KERN_INVALID_TASK;			\
	mutex_lock(&__sp->lock);					\
	if (__sp->active)						\
		__ret = (op);						\
	mutex_unlock(&__sp->lock);					\
	__ret;								\
})

static long ioc_allocate(struct mp_space *space, void __user *uarg)
{
	struct machport_port_allocate a;
	long kr;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved || (a.flags & ~MACHPORT_ALLOCATE_NAME))
		return -EINVAL;
	if (!(a.flags & MACHPORT_ALLOCATE_NAME) && a.name)
		return -EINVAL;
	kr = WITH_SPACE(space, mp_right_allocate(space, a.right, a.flags,
						 &a.name));
	if (kr == MACHPORT_KERN_SUCCESS &&
	    put_user(a.name, &((struct machport_port_allocate __user *)uarg)->name))
		return -EFAULT;
	return kr;
}

static long ioc_name_op(struct mp_space *space, void __user *uarg,
			unsigned int cmd)
{
	struct machport_port_name a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved)
		return -EINVAL;
	if (cmd == MACHPORT_IOC_PORT_DEALLOCATE)
		return WITH_SPACE(space, mp_right_deallocate(space, a.name));
	return WITH_SPACE(space, mp_right_destroy(space, a.name));
}

static long ioc_type(struct mp_space *space, void __user *uarg)
{
	struct machport_port_type a;
	long kr;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.type)
		return -EINVAL;
	kr = WITH_SPACE(space, mp_right_type(space, a.name, &a.type));
	if (kr == MACHPORT_KERN_SUCCESS && copy_to_user(uarg, &a, sizeof(a)))
		return -EFAULT;
	return kr;
}

static long ioc_refs(struct mp_space *space, void __user *uarg,
		     unsigned int cmd)
{
	struct machport_port_refs a;
	long kr;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.refs)
		return -EINVAL;
	if (cmd == MACHPORT_IOC_PORT_MOD_REFS)
		return WITH_SPACE(space, mp_right_mod_refs(space, a.name,
							   a.right, a.delta));
	if (a.delta)
		return -EINVAL;
	kr = WITH_SPACE(space, mp_right_get_refs(space, a.name, a.right,
						 &a.refs));
	if (kr == MACHPORT_KERN_SUCCESS && copy_to_user(uarg, &a, sizeof(a)))
		return -EFAULT;
	return kr;
}

static long ioc_insert(struct mp_space *space, void __user *uarg)
{
	struct machport_port_insert_right a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved)
		return -EINVAL;
	return WITH_SPACE(space, mp_right_insert(space, a.name, a.poly,
						 a.disposition));
}

static long ioc_extract(struct mp_space *space, void __user *uarg)
{
	struct machport_port_extract_right a;
	long kr;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.poly || a.type)
		return -EINVAL;
	kr = WITH_SPACE(space, mp_right_extract(space, a.name, a.disposition,
						&a.poly, &a.type));
	if (kr == MACHPORT_KERN_SUCCESS && copy_to_user(uarg, &a, sizeof(a)))
		return -EFAULT;
	return kr;
}

static long snapshot(struct mp_space *space, u32 *buf, u32 cap, u32 *n)
{
	*n = mp_right_snapshot(space, buf, buf + cap, cap);
	return MACHPORT_KERN_SUCCESS;
}

/*
 * The names are gathered under the lock into a kernel buffer and copied
 * out after it is dropped, so a faulting user buffer never stalls the
 * space. The buffer is bounded by the name limit.
 */
static long ioc_names(struct mp_space *space, void __user *uarg)
{
	struct machport_port_names a;
	u32 cap, n, *buf;
	long kr;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved)
		return -EINVAL;
	cap = min(a.count, mp_max_names);
	buf = kvmalloc_array(max(cap, 1U), 2 * sizeof(u32), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	kr = WITH_SPACE(space, snapshot(space, buf, cap, &n));
	if (kr)
		goto out;
	a.count = n;
	n = min(n, cap);
	if (copy_to_user(u64_to_user_ptr(a.names), buf, n * sizeof(u32)) ||
	    copy_to_user(u64_to_user_ptr(a.types), buf + cap,
			 n * sizeof(u32)) ||
	    copy_to_user(uarg, &a, sizeof(a)))
		kr = -EFAULT;
out:
	kvfree(buf);
	return kr;
}

static long ioc_msg(struct mp_space *space, void __user *uarg)
{
	struct machport_msg a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved)
		return -EINVAL;
	return mp_msg(space, &a);
}

static long ioc_get_attr(struct mp_space *space, void __user *uarg)
{
	struct machport_port_attr a;
	long kr;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved || a.count > ARRAY_SIZE(a.info))
		return -EINVAL;
	kr = WITH_SPACE(space, mp_attr_get(space, a.name, a.flavor, a.info,
					   &a.count));
	if (kr == MACHPORT_KERN_SUCCESS && copy_to_user(uarg, &a, sizeof(a)))
		return -EFAULT;
	return kr;
}

static long ioc_set_attr(struct mp_space *space, void __user *uarg)
{
	struct machport_port_attr a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved || a.count > ARRAY_SIZE(a.info))
		return -EINVAL;
	return WITH_SPACE(space, mp_attr_set(space, a.name, a.flavor, a.info,
					     a.count));
}

static long ioc_special(struct mp_space *space, void __user *uarg,
			unsigned int cmd)
{
	struct machport_special_port a;
	long kr;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved || (cmd == MACHPORT_IOC_GET_SPECIAL && a.name))
		return -EINVAL;
	if (cmd == MACHPORT_IOC_SET_SPECIAL)
		return WITH_SPACE(space, mp_special_set(space, a.which, a.name));
	kr = WITH_SPACE(space, mp_special_get(space, a.which, &a.name));
	if (kr == MACHPORT_KERN_SUCCESS && copy_to_user(uarg, &a, sizeof(a)))
		return -EFAULT;
	return kr;
}

/* Is @space's owner the caller's parent? */
static bool owned_by_parent(struct mp_space *space)
{
	bool ret;

	rcu_read_lock();
	ret = task_tgid(rcu_dereference(current->real_parent)) == space->owner;
	rcu_read_unlock();
	return ret;
}

static long ioc_pollfd(struct mp_space *space, void __user *uarg)
{
	struct machport_port_pollfd a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved || a.fd || (a.flags & ~MACHPORT_POLLFD_CLOEXEC))
		return -EINVAL;
	return mp_pollfd_open(space, &a, uarg);
}

static long ioc_inherit(struct mp_space *space, void __user *uarg)
{
	struct machport_inherit a;
	struct mp_space *parent;
	struct file *file;
	long ret = -EPERM;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved)
		return -EINVAL;
	file = fget(a.parent_fd);	/* stable across kernels, unlike fdget */
	if (!file)
		return -EBADF;
	parent = mp_file_space(file);
	if (!parent) {
		ret = -EINVAL;
	} else if (parent != space && owned_by_parent(parent)) {
		/* Parent before child: the only place two spaces nest. */
		mutex_lock(&parent->lock);
		mutex_lock_nested(&space->lock, SINGLE_DEPTH_NESTING);
		ret = MACHPORT_KERN_INVALID_TASK;
		if (parent->active && space->active) {
			mp_special_inherit(space, parent);
			ret = MACHPORT_KERN_SUCCESS;
		}
		mutex_unlock(&space->lock);
		mutex_unlock(&parent->lock);
	}
	fput(file);
	return ret;
}

static long ioc_member(struct mp_space *space, void __user *uarg)
{
	struct machport_member a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved || a.op > MACHPORT_MEMBER_EXTRACT)
		return -EINVAL;
	return WITH_SPACE(space, mp_right_members(space, a.op, a.name, a.pset));
}

static long ioc_set_status(struct mp_space *space, void __user *uarg)
{
	struct machport_set_status a;
	u32 cap, *buf;
	long kr;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	cap = min(a.count, mp_max_names);
	buf = kvmalloc_array(max(cap, 1U), sizeof(u32), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	kr = WITH_SPACE(space, mp_right_set_status(space, a.name, buf, &cap));
	if (kr == MACHPORT_KERN_SUCCESS) {
		u32 n = min(cap, a.count);

		a.count = cap;
		if (copy_to_user(u64_to_user_ptr(a.names), buf,
				 n * sizeof(u32)) ||
		    copy_to_user(uarg, &a, sizeof(a)))
			kr = -EFAULT;
	}
	kvfree(buf);
	return kr;
}

static long ioc_request_notify(struct mp_space *space, void __user *uarg)
{
	struct machport_request_notification a;
	long kr;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved || a.previous)
		return -EINVAL;
	kr = WITH_SPACE(space, mp_notify_request(space, &a));
	if (kr == MACHPORT_KERN_SUCCESS &&
	    put_user(a.previous, &((struct machport_request_notification __user *)uarg)->previous))
		return -EFAULT;
	return kr;
}

static long ioc_port_ctl(struct mp_space *space, void __user *uarg)
{
	struct machport_port_ctl a;
	long kr;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved || (a.flags & ~(MACHPORT_GUARD_STRICT |
					MACHPORT_GUARD_IMMOVABLE)))
		return -EINVAL;
	kr = WITH_SPACE(space, mp_attr_ctl(space, &a));
	if (kr == MACHPORT_KERN_SUCCESS && a.op == MACHPORT_CTL_GET_CONTEXT &&
	    copy_to_user(uarg, &a, sizeof(a)))
		return -EFAULT;
	return kr;
}

static long ioc_peek(struct mp_space *space, void __user *uarg)
{
	struct machport_msg_trailer trailer;
	struct machport_port_peek a;
	long kr;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved)
		return -EINVAL;
	kr = WITH_SPACE(space, mp_attr_peek(space, &a, &trailer));
	if (kr != MACHPORT_KERN_SUCCESS)
		return kr;
	if (copy_to_user(u64_to_user_ptr(a.trailer), &trailer, a.trailer_size) ||
	    copy_to_user(uarg, &a, sizeof(a)))
		return -EFAULT;
	return kr;
}

static long space_ioctl(struct mp_space *space, unsigned int cmd,
			void __user *uarg)
{
	switch (cmd) {
	case MACHPORT_IOC_PORT_ALLOCATE:
		return ioc_allocate(space, uarg);
	case MACHPORT_IOC_PORT_DEALLOCATE:
	case MACHPORT_IOC_PORT_DESTROY:
		return ioc_name_op(space, uarg, cmd);
	case MACHPORT_IOC_PORT_TYPE:
		return ioc_type(space, uarg);
	case MACHPORT_IOC_PORT_MOD_REFS:
	case MACHPORT_IOC_PORT_GET_REFS:
		return ioc_refs(space, uarg, cmd);
	case MACHPORT_IOC_PORT_INSERT_RIGHT:
		return ioc_insert(space, uarg);
	case MACHPORT_IOC_PORT_EXTRACT_RIGHT:
		return ioc_extract(space, uarg);
	case MACHPORT_IOC_PORT_NAMES:
		return ioc_names(space, uarg);
	case MACHPORT_IOC_PORT_GET_ATTR:
		return ioc_get_attr(space, uarg);
	case MACHPORT_IOC_PORT_SET_ATTR:
		return ioc_set_attr(space, uarg);
	case MACHPORT_IOC_MSG:
		return ioc_msg(space, uarg);
	case MACHPORT_IOC_GET_SPECIAL:
	case MACHPORT_IOC_SET_SPECIAL:
		return ioc_special(space, uarg, cmd);
	case MACHPORT_IOC_INHERIT:
		return ioc_inherit(space, uarg);
	case MACHPORT_IOC_MEMBER:
		return ioc_member(space, uarg);
	case MACHPORT_IOC_SET_STATUS:
		return ioc_set_status(space, uarg);
	case MACHPORT_IOC_REQUEST_NOTIFY:
		return ioc_request_notify(space, uarg);
	case MACHPORT_IOC_PORT_CTL:
		return ioc_port_ctl(space, uarg);
	case MACHPORT_IOC_PORT_POLLFD:
		return ioc_pollfd(space, uarg);
	case MACHPORT_IOC_PORT_PEEK:
		return ioc_peek(space, uarg);
	}
	return -ENOIOCTLCMD;
}

long mp_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mp_space *space = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MACHPORT_IOC_VERSION:
		return MACHPORT_ABI_VERSION;
	case MACHPORT_IOC_FEATURES:
		return ioc_features(uarg);
	}
	if (_IOC_TYPE(cmd) != MACHPORT_IOC_MAGIC)
		return -ENOIOCTLCMD;
	/*
	 * A space belongs to the process that opened the device; a child
	 * that inherited the descriptor opens its own.
	 */
	if (!mp_space_is_owner(space))
		return -EPERM;
	return space_ioctl(space, cmd, uarg);
}
