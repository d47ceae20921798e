// SPDX-License-Identifier: GPL-2.0
/*
 * Port objects: creation, death and the counts of rights that name them.
 */
#include <linux/slab.h>

#include "kmsg.h"
#include "machport.h"
#include "mqueue.h"
#include "notify.h"
#include "pollfd.h"
#include "mp_trace.h"
#include "port.h"
#include "stats.h"

static struct kmem_cache *port_cache;
static atomic64_t next_port_id = ATOMIC64_INIT(0);

struct mp_port *mp_port_create(struct mp_space *receiver, u32 name)
{
	struct mp_port *port;

	port = kmem_cache_zalloc(port_cache, GFP_KERNEL_ACCOUNT);
	if (!port)
		return NULL;
	kref_init(&port->ref);
	spin_lock_init(&port->lock);
	port->active = true;
	port->receiver = receiver;
	port->rcv_name = name;
	port->qlimit = MACHPORT_QLIMIT_DEFAULT;
	INIT_LIST_HEAD(&port->messages);
	INIT_LIST_HEAD(&port->memberships);
	INIT_LIST_HEAD(&port->dnrequests);
	INIT_LIST_HEAD(&port->rcv_waiters);
	port->id = atomic64_inc_return(&next_port_id);
	atomic_long_inc(&mp_stats.ports);
	trace_machport_port_create(port->id);
	return port;
}

void mp_port_release(struct kref *ref)
{
	struct mp_port *port = container_of(ref, struct mp_port, ref);

	/* Death takes every request; this only guards against leaks. */
	mp_notify_drop_requests(port);
	mp_pollfd_free(port);
	atomic_long_dec(&mp_stats.ports);
	kmem_cache_free(port_cache, port);
}

/*
 * The receive right is gone: the port dies. Every send and send-once right
 * naming it now reads as a dead name; spaces convert their entries lazily
 * when they next look at them (see right.c), so no other space is locked
 * here. Blocked receivers and senders wake; queued messages are destroyed.
 * The caller gives up the receive right's reference separately.
 */
void mp_port_destroy(struct mp_port *port)
{
	LIST_HEAD(reap);

	mp_port_kill(port, &reap);
	mp_kmsg_reap(&reap);
}

/* The queue goes onto @reap; the message counters forget it. */
static void unqueue_all(struct mp_port *port, struct list_head *reap)
{
	struct mp_kmsg *kmsg;
	s64 bytes = 0;

	lockdep_assert_held(&port->lock);
	list_for_each_entry(kmsg, &port->messages, link)
		bytes += kmsg->size;
	mp_stat_add(msgs_queued, -(s64)port->msgcount);
	mp_stat_add(bytes_queued, -bytes);
	list_splice_tail_init(&port->messages, reap);
	port->msgcount = 0;
}

/*
 * mp_port_destroy() without destroying the queued messages: they go on
 * @reap, for a caller that is already destroying messages and must not
 * recurse (a message can carry a receive right whose queue holds messages
 * carrying receive rights...). mp_kmsg_reap() finishes the job.
 */
void mp_port_kill(struct mp_port *port, struct list_head *reap)
{
	struct mp_port *ns, *pd;
	LIST_HEAD(dead_names);

	spin_lock(&port->lock);
	pd = port->pdrequest;
	port->pdrequest = NULL;
	if (pd && !port->kobject) {
		/* Not dead after all: the receive right goes to @pd. */
		port->receiver = NULL;
		port->rcv_name = 0;
		port->mscount = 0;
		port->seqno = 0;
		port->context = 0;
		port->guarded = false;
		port->strict_guard = false;
		port->immovable = false;
		mp_mqueue_port_changed(port);
		spin_unlock(&port->lock);
		mp_port_get(port);
		mp_notify_port_destroyed(pd, port, reap);
		return;
	}
	WRITE_ONCE(port->active, false);
	port->receiver = NULL;
	port->rcv_name = 0;
	mp_mqueue_port_changed(port);
	mp_pollfd_port_wake(port, EPOLLHUP);
	unqueue_all(port, reap);
	trace_machport_port_death(port->id);
	ns = port->nsrequest;
	port->nsrequest = NULL;
	list_splice_init(&port->dnrequests, &dead_names);
	spin_unlock(&port->lock);
	/* Registrations that can never fire are send-once rights unused. */
	if (ns)
		mp_notify_send_once(ns);
	if (pd)
		mp_notify_send_once(pd);
	mp_notify_dead_requests(&dead_names);
}

void mp_port_make_send(struct mp_port *port)
{
	spin_lock(&port->lock);
	port->mscount++;
	port->srights++;
	spin_unlock(&port->lock);
}

void mp_port_copy_send(struct mp_port *port)
{
	spin_lock(&port->lock);
	port->srights++;
	spin_unlock(&port->lock);
}

/* The last send right going fires a no-senders request (one-shot). */
void mp_port_release_send(struct mp_port *port)
{
	struct mp_port *notify = NULL;
	u32 mscount;

	spin_lock(&port->lock);
	if (!--port->srights && port->active) {
		notify = port->nsrequest;
		port->nsrequest = NULL;
		mscount = port->mscount;
	}
	spin_unlock(&port->lock);
	if (notify)
		mp_notify_no_senders(notify, mscount);
}

void mp_port_make_send_once(struct mp_port *port)
{
	spin_lock(&port->lock);
	port->sorights++;
	spin_unlock(&port->lock);
}

void mp_port_release_send_once(struct mp_port *port)
{
	spin_lock(&port->lock);
	port->sorights--;
	spin_unlock(&port->lock);
}

void mp_port_set_receiver(struct mp_port *port, struct mp_space *space,
			  u32 name)
{
	spin_lock(&port->lock);
	port->receiver = space;
	port->rcv_name = name;
	spin_unlock(&port->lock);
}

/*
 * The receive right leaves its space (moved): its waiters must look again,
 * and the port starts afresh as XNU's does: make-send count, sequence
 * number and context go back to zero.
 */
void mp_port_clear_receiver(struct mp_port *port)
{
	spin_lock(&port->lock);
	port->receiver = NULL;
	port->rcv_name = 0;
	port->mscount = 0;
	port->seqno = 0;
	port->context = 0;
	mp_mqueue_port_changed(port);
	spin_unlock(&port->lock);
}

/*
 * Receive rights in transit. A message carrying the receive right of R to
 * port D puts R "inside" D. Were D (transitively) inside R, the ports
 * would hold each other and nobody could ever receive them: the sender
 * finds out here and destroys the message instead. One lock for the whole
 * module, taken only by messages that carry receive rights.
 */
static DEFINE_SPINLOCK(mp_transit_lock);

bool mp_port_transit_begin(struct mp_port *port, struct mp_port *dest)
{
	struct mp_port *d;
	bool ok = true;

	spin_lock(&mp_transit_lock);
	for (d = dest; d; d = d->transit_dest) {
		if (d == port) {
			ok = false;
			break;
		}
	}
	if (ok && !port->transit_dest) {
		mp_port_get(dest);
		port->transit_dest = dest;
	}
	spin_unlock(&mp_transit_lock);
	return ok;
}

/* The receive right arrived in a space or died. */
void mp_port_transit_end(struct mp_port *port)
{
	struct mp_port *dest;

	spin_lock(&mp_transit_lock);
	dest = port->transit_dest;
	port->transit_dest = NULL;
	spin_unlock(&mp_transit_lock);
	if (dest)
		mp_port_put(dest);
}

int mp_port_cache_init(void)
{
	port_cache = KMEM_CACHE(mp_port, SLAB_ACCOUNT);
	return port_cache ? 0 : -ENOMEM;
}

void mp_port_cache_exit(void)
{
	kmem_cache_destroy(port_cache);
}
