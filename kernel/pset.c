// SPDX-License-Identifier: GPL-2.0
/*
 * Port sets: membership and lifetime. Receiving on a set and delivering
 * to a member's sets live in mqueue.c, with the rest of the queueing.
 *
 * A port may belong to several sets, as in current XNU. Memberships are
 * created and removed with the owning space's lock held (members and sets
 * live in one space), then the port's lock, then the set's: so a
 * membership list never changes under a sender, which walks its port's
 * memberships with only the port's lock.
 */
#include <linux/slab.h>

#include "machport.h"
#include "mqueue.h"
#include "port.h"
#include "pollfd.h"
#include "pset.h"

struct mp_pset *mp_pset_create(void)
{
	struct mp_pset *set = kzalloc(sizeof(*set), GFP_KERNEL_ACCOUNT);

	if (!set)
		return NULL;
	kref_init(&set->ref);
	spin_lock_init(&set->lock);
	set->active = true;
	INIT_LIST_HEAD(&set->members);
	INIT_LIST_HEAD(&set->ready);
	INIT_LIST_HEAD(&set->rcv_waiters);
	init_waitqueue_head(&set->poll_wait);
	return set;
}

static void pset_release(struct kref *ref)
{
	kfree(container_of(ref, struct mp_pset, ref));
}

void mp_pset_put(struct mp_pset *set)
{
	kref_put(&set->ref, pset_release);
}

static struct mp_member *find(struct mp_pset *set, struct mp_port *port)
{
	struct mp_member *mb;

	lockdep_assert_held(&port->lock);
	list_for_each_entry(mb, &port->memberships, in_port)
		if (mb->set == set)
			return mb;
	return NULL;
}

/* Is @port in @set? The port's lock is held. */
bool mp_pset_member_locked(struct mp_pset *set, struct mp_port *port)
{
	return find(set, port);
}

bool mp_pset_has(struct mp_pset *set, struct mp_port *port)
{
	bool ret;

	spin_lock(&port->lock);
	ret = find(set, port);
	spin_unlock(&port->lock);
	return ret;
}

/* Unlink @mb; both locks held. The caller frees it after unlocking. */
static void unlink(struct mp_member *mb)
{
	struct mp_pset *set = mb->set;

	lockdep_assert_held(&mb->port->lock);
	lockdep_assert_held(&set->lock);
	list_del(&mb->in_port);
	list_del(&mb->in_set);
	list_del_init(&mb->ready);
	/* An empty set has nothing left to wait for. */
	if (list_empty(&set->members))
		mp_mqueue_set_changed(set);
}

static void free_member(struct mp_member *mb)
{
	mp_pset_put(mb->set);
	kfree(mb);
}

/* Return: a Mach code; KERN_ALREADY_IN_SET when @port is a member. */
int mp_pset_add(struct mp_pset *set, struct mp_port *port)
{
	struct mp_member *mb = kzalloc(sizeof(*mb), GFP_KERNEL_ACCOUNT);
	int kr = MACHPORT_KERN_SUCCESS;

	if (!mb)
		return MACHPORT_KERN_RESOURCE_SHORTAGE;
	mb->port = port;
	mb->set = set;
	INIT_LIST_HEAD(&mb->ready);
	spin_lock(&port->lock);
	spin_lock(&set->lock);
	if (find(set, port)) {
		kr = MACHPORT_KERN_ALREADY_IN_SET;
	} else {
		kref_get(&set->ref);
		list_add_tail(&mb->in_port, &port->memberships);
		list_add_tail(&mb->in_set, &set->members);
		/* Messages already queued: the set's receivers can have them. */
		if (port->msgcount)
			mp_mqueue_set_ready(set, mb);
		mb = NULL;
	}
	spin_unlock(&set->lock);
	spin_unlock(&port->lock);
	kfree(mb);
	return kr;
}

/* Return: false when @port was not a member. */
bool mp_pset_remove(struct mp_pset *set, struct mp_port *port)
{
	struct mp_member *mb;

	spin_lock(&port->lock);
	mb = find(set, port);
	if (mb) {
		spin_lock(&set->lock);
		unlink(mb);
		spin_unlock(&set->lock);
	}
	spin_unlock(&port->lock);
	if (mb)
		free_member(mb);
	return mb;
}

/* The port leaves every set (it moves or dies). Return: it was in one. */
bool mp_pset_remove_all(struct mp_port *port)
{
	struct mp_member *mb, *tmp;
	LIST_HEAD(gone);

	spin_lock(&port->lock);
	list_for_each_entry_safe(mb, tmp, &port->memberships, in_port) {
		spin_lock(&mb->set->lock);
		unlink(mb);
		spin_unlock(&mb->set->lock);
		list_add(&mb->in_port, &gone);
	}
	spin_unlock(&port->lock);
	list_for_each_entry_safe(mb, tmp, &gone, in_port)
		free_member(mb);
	return !list_empty(&gone);
}

/*
 * The set's last name is gone: members leave it, blocked receivers wake
 * with MACH_RCV_PORT_CHANGED. The members' list is stable here (the
 * space's lock is held); each removal takes the port's lock first.
 */
void mp_pset_destroy(struct mp_pset *set)
{
	struct mp_member *mb;

	spin_lock(&set->lock);
	set->active = false;
	mp_mqueue_set_changed(set);
	mp_pollfd_set_wake(set, EPOLLHUP);
	spin_unlock(&set->lock);
	while ((mb = list_first_entry_or_null(&set->members, struct mp_member,
					      in_set)))
		mp_pset_remove(set, mb->port);
	mp_pset_put(set);
}

/* The members' receive-right names, for mach_port_get_set_status(). */
u32 mp_pset_member_names(struct mp_pset *set, u32 *names, u32 count)
{
	struct mp_member *mb;
	u32 n = 0;

	list_for_each_entry(mb, &set->members, in_set) {
		if (n < count)
			names[n] = READ_ONCE(mb->port->rcv_name);
		n++;
	}
	return n;
}
