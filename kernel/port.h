/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_PORT_H
#define MACHPORT_PORT_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

struct mp_space;

/**
 * struct mp_port - a Mach port: a message queue with one receive right.
 * @ref: lifetime of the object. Held once by every space entry that names
 *	the port (whatever rights it holds there) and once by every right to
 *	the port that is in transit.
 * @lock: protects every field below it.
 * @active: false once the receive right was destroyed; never true again.
 *	Read without the lock (READ_ONCE) only as a hint.
 * @guarded: the receive right is guarded (mach_port_guard); @context is
 *	the guard. @strict_guard hides it from mach_port_get_context.
 *	@immovable: the receive right cannot be moved.
 * @kobject: MP_KOBJECT_*: a port the kernel answers for (a task's own
 *	port, a bootstrap port); it has no receive right and cannot be given
 *	a chosen name elsewhere.
 * @receiver: space holding the receive right, NULL while the right is in
 *	transit or after death.
 * @rcv_name: the receive right's name in @receiver.
 * @srights: send rights in existence: one per space entry holding a send
 *	right, whatever its user references, plus one per send right in
 *	transit.
 * @sorights: send-once rights in existence.
 * @mscount: make-send count.
 * @seqno: sequence number of the next message dequeued.
 * @qlimit: queue limit.
 * @context: the receive right's context value (mach_port_set_context).
 * @kobj: for a kernel port, what it stands for (MP_KOBJECT_BOOTSTRAP: its
 *	registry, no reference); NULL once that is gone.
 * @id: stable identifier shown by introspection; never a kernel address.
 * @transit_dest: while the receive right travels in a message, the port
 *	whose queue that message is on (a reference); under mp_transit_lock.
 * @memberships: struct mp_member.in_port, one per set the port is in.
 * @nsrequest: no-senders notification: a send-once right (reference).
 * @pdrequest: port-destroyed notification: a send-once right (reference).
 * @dnrequests: dead-name requests (struct mp_dnreq) of the names that
 *	spaces hold for this port.
 * @messages: queued messages (struct mp_kmsg), oldest first.
 * @msgcount: number of messages on @messages.
 * @snd_waiters: senders blocked because the queue is full. They sleep
 *	on the hashed wait queue of the port's address (__var_waitqueue()),
 *	so that an idle port does not carry a wait queue of its own.
 * @rcv_waiters: receivers blocked in mach_msg on this port (struct
 *	mp_waiter, in the order they came). A sender with a waiting
 *	receiver hands the message to it directly instead of queueing it,
 *	and wakes it after dropping @lock.
 * @poll: pollers (MACHPORT_IOC_PORT_POLLFD), allocated with the first
 *	poll descriptor and freed with the port; set once, under @lock.
 */
struct mp_port {
	struct kref ref;
	spinlock_t lock;	/* see the kernel-doc above */
	bool active;
	u8 kobject;
	bool guarded;
	bool strict_guard;
	u32 rcv_name;
	struct mp_space *receiver;
	u32 srights;
	u32 sorights;
	u32 mscount;
	u32 seqno;
	u32 qlimit;
	u32 msgcount;
	u32 snd_waiters;
	bool immovable;
	union {
		u64 context;
		void *kobj;
	};
	u64 id;
	struct mp_port *transit_dest;
	struct list_head memberships;
	struct mp_port *nsrequest;
	struct mp_port *pdrequest;
	struct list_head dnrequests;
	struct list_head messages;
	struct list_head rcv_waiters;
	struct mp_pollwq *poll;
};

/* Values of mp_port.kobject */
enum {
	MP_KOBJECT_NONE,
	MP_KOBJECT_TASK,
	MP_KOBJECT_BOOTSTRAP,
};

/* The pollers of a port (see pollfd.c). */
struct mp_pollwq {
	wait_queue_head_t wait;
};

struct mp_port *mp_port_create(struct mp_space *receiver, u32 name);
void mp_port_destroy(struct mp_port *port);
void mp_port_kill(struct mp_port *port, struct list_head *reap);
void mp_port_release(struct kref *ref);

static inline void mp_port_get(struct mp_port *port)
{
	kref_get(&port->ref);
}

static inline void mp_port_put(struct mp_port *port)
{
	kref_put(&port->ref, mp_port_release);
}

static inline bool mp_port_active(struct mp_port *port)
{
	return READ_ONCE(port->active);
}

void mp_port_make_send(struct mp_port *port);
void mp_port_copy_send(struct mp_port *port);
void mp_port_release_send(struct mp_port *port);
void mp_port_make_send_once(struct mp_port *port);
void mp_port_release_send_once(struct mp_port *port);
void mp_port_set_receiver(struct mp_port *port, struct mp_space *space,
			  u32 name);
void mp_port_clear_receiver(struct mp_port *port);
bool mp_port_transit_begin(struct mp_port *port, struct mp_port *dest);
void mp_port_transit_end(struct mp_port *port);

int mp_port_cache_init(void);
void mp_port_cache_exit(void);

#endif /* MACHPORT_PORT_H */
