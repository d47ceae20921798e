// SPDX-License-Identifier: GPL-2.0
/*
 * Pollable ports: a file descriptor for a receive right or a port set
 * that polls readable while a message is queued, so that Mach ports join
 * poll(), select() and epoll loops (what EVFILT_MACHPORT does on macOS).
 *
 * Lifetime: the file holds a reference to the port or set, and the wait
 * queue pollers sleep on lives inside it (for a port, allocated with the
 * first descriptor and freed with the port). So the wait queue outlives
 * every epoll or poll entry on it, whatever is closed, destroyed or
 * exits first: epoll removes its entries when the file is released,
 * before the file drops its reference. A port that dies wakes its
 * pollers with EPOLLHUP; the descriptor then reports EPOLLHUP for ever.
 *
 * Senders wake pollers only when there are any: the check is made under
 * the port's (set's) lock, the same lock poll takes to look at the queue
 * after joining the wait queue, so no wake-up can be lost.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "machport.h"
#include "pollfd.h"
#include "port.h"
#include "pset.h"
#include "right.h"
#include "space.h"

struct mp_pollfd {
	struct mp_port *port;	/* one of the two, with a reference */
	struct mp_pset *set;
};

static __poll_t port_poll(struct file *file, struct mp_port *port,
			  poll_table *pt)
{
	__poll_t mask = 0;

	poll_wait(file, &port->poll->wait, pt);
	spin_lock(&port->lock);
	if (!port->active)
		mask |= EPOLLHUP;
	else if (port->msgcount)
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_unlock(&port->lock);
	return mask;
}

static __poll_t set_poll(struct file *file, struct mp_pset *set,
			 poll_table *pt)
{
	__poll_t mask = 0;

	poll_wait(file, &set->poll_wait, pt);
	spin_lock(&set->lock);
	if (!set->active)
		mask |= EPOLLHUP;
	else if (!list_empty(&set->ready))
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_unlock(&set->lock);
	return mask;
}

static __poll_t mp_pollfd_poll(struct file *file, poll_table *pt)
{
	struct mp_pollfd *pf = file->private_data;

	return pf->port ? port_poll(file, pf->port, pt) :
			  set_poll(file, pf->set, pt);
}

static int mp_pollfd_release(struct inode *inode, struct file *file)
{
	struct mp_pollfd *pf = file->private_data;

	if (pf->port)
		mp_port_put(pf->port);
	else
		mp_pset_put(pf->set);
	kfree(pf);
	return 0;
}

static const struct file_operations mp_pollfd_fops = {
	.owner		= THIS_MODULE,
	.poll		= mp_pollfd_poll,
	.release	= mp_pollfd_release,
	.llseek		= noop_llseek,
};

/* Give @port its pollers' wait queue, unless it has one already. */
static int port_prepare(struct mp_port *port)
{
	struct mp_pollwq *pw = kmalloc(sizeof(*pw), GFP_KERNEL_ACCOUNT);

	if (!pw)
		return -ENOMEM;
	init_waitqueue_head(&pw->wait);
	spin_lock(&port->lock);
	if (!port->poll) {
		port->poll = pw;
		pw = NULL;
	}
	spin_unlock(&port->lock);
	kfree(pw);
	return 0;
}

/* The receive right or port set @name, with a reference. */
static int lookup(struct mp_space *space, u32 name, struct mp_pollfd *pf)
{
	int kr = MACHPORT_KERN_INVALID_TASK;

	mutex_lock(&space->lock);
	if (space->active)
		kr = mp_right_poll_object(space, name, &pf->port, &pf->set);
	mutex_unlock(&space->lock);
	return kr;
}

static void pollfd_put(struct mp_pollfd *pf)
{
	if (pf->port)
		mp_port_put(pf->port);
	if (pf->set)
		mp_pset_put(pf->set);
	kfree(pf);
}

/*
 * MACHPORT_IOC_PORT_POLLFD: the descriptor goes into the table only once
 * its number reached the caller, so a bad pointer leaks nothing.
 */
long mp_pollfd_open(struct mp_space *space, struct machport_port_pollfd *a,
		    void __user *uarg)
{
	struct mp_pollfd *pf;
	struct file *file;
	long ret;
	int fd;

	pf = kzalloc(sizeof(*pf), GFP_KERNEL_ACCOUNT);
	if (!pf)
		return -ENOMEM;
	ret = lookup(space, a->name, pf);
	if (!ret && pf->port)
		ret = port_prepare(pf->port);
	if (ret) {
		pollfd_put(pf);
		return ret;
	}
	fd = get_unused_fd_flags(O_RDWR |
				 (a->flags & MACHPORT_POLLFD_CLOEXEC ?
				  O_CLOEXEC : 0));
	if (fd < 0) {
		pollfd_put(pf);
		return fd;
	}
	file = anon_inode_getfile("[mach_port]", &mp_pollfd_fops, pf, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		pollfd_put(pf);
		return PTR_ERR(file);
	}
	a->fd = fd;
	if (copy_to_user(uarg, a, sizeof(*a))) {
		fput(file);	/* releases @pf */
		put_unused_fd(fd);
		return -EFAULT;
	}
	fd_install(fd, file);
	return MACHPORT_KERN_SUCCESS;
}

/* Wake a port's pollers, if it has any; the port's lock is held. */
void mp_pollfd_port_wake(struct mp_port *port, __poll_t mask)
{
	lockdep_assert_held(&port->lock);
	/* poll() joins the queue before it takes port->lock, which we hold. */
	if (port->poll && waitqueue_active(&port->poll->wait))
		wake_up_interruptible_poll(&port->poll->wait, mask);
}

/* Wake a set's pollers, if it has any; the set's lock is held. */
void mp_pollfd_set_wake(struct mp_pset *set, __poll_t mask)
{
	lockdep_assert_held(&set->lock);
	/* poll() joins the queue before it takes set->lock, which we hold. */
	if (waitqueue_active(&set->poll_wait))
		wake_up_interruptible_poll(&set->poll_wait, mask);
}

/* The port is being freed: no file refers to it any more. */
void mp_pollfd_free(struct mp_port *port)
{
	kfree(port->poll);
	port->poll = NULL;
}
