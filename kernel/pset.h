/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_PSET_H
#define MACHPORT_PSET_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

struct mp_kmsg;
struct mp_port;
struct mp_space;

/**
 * struct mp_pset - a port set: receive from any of its member ports.
 * @ref: lifetime (the space entry, blocked receivers, memberships).
 * @lock: protects @active, @members, @ready and @rcv_waiters. Nests
 *	inside the member ports' locks.
 * @active: false once the set was destroyed.
 * @members: struct mp_member.in_set of every member.
 * @ready: struct mp_member.ready of the members that hold messages, in
 *	the order they will be served (round robin).
 * @rcv_waiters: receivers blocked on the set (handoff as for ports).
 * @poll_wait: pollers (MACHPORT_IOC_PORT_POLLFD), woken under @lock.
 */
struct mp_pset {
	u32 name;		/* in its space, for mps_pset */
	struct kref ref;
	spinlock_t lock;	/* see the kernel-doc above */
	bool active;
	struct list_head members;
	struct list_head ready;
	struct list_head rcv_waiters;
	wait_queue_head_t poll_wait;
};

/**
 * struct mp_member - one port's membership in one set.
 * @in_port: on port->memberships (under the port's lock).
 * @in_set: on set->members (under the set's lock).
 * @ready: on set->ready while the port holds messages (set's lock).
 * @port: the member; memberships end before the port can be freed.
 * @set: the set, with a reference.
 *
 * Memberships are created and removed under the owning space's lock,
 * with the port's and then the set's lock held.
 */
struct mp_member {
	struct list_head in_port;
	struct list_head in_set;
	struct list_head ready;
	struct mp_port *port;
	struct mp_pset *set;
};

struct mp_pset *mp_pset_create(void);
void mp_pset_put(struct mp_pset *set);
void mp_pset_destroy(struct mp_pset *set);
bool mp_pset_has(struct mp_pset *set, struct mp_port *port);
bool mp_pset_member_locked(struct mp_pset *set, struct mp_port *port);
int mp_pset_add(struct mp_pset *set, struct mp_port *port);
bool mp_pset_remove(struct mp_pset *set, struct mp_port *port);
bool mp_pset_remove_all(struct mp_port *port);
u32 mp_pset_member_names(struct mp_pset *set, u32 *names, u32 count);
bool mp_pset_deliver(struct mp_port *port, struct mp_kmsg *kmsg);
void mp_pset_mark_ready(struct mp_port *port);
void mp_pset_unmark_ready(struct mp_port *port);

#endif /* MACHPORT_PSET_H */
