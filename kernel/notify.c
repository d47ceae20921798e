// SPDX-License-Identifier: GPL-2.0
/*
 * Notifications: kernel-generated messages, sent on a send-once right the
 * program registered (<mach/notify.h> ids and body layouts, LP64).
 *
 * A notification is a kmsg whose destination right is the registered
 * send-once right; sending it uses that right up. A send-once destination
 * ignores the queue limit, so sending never blocks. A notification that
 * cannot be delivered (its port died) is destroyed like any message.
 */
#include <linux/slab.h>

#include "desc.h"
#include "kmsg.h"
#include "machport.h"
#include "mqueue.h"
#include "mp_trace.h"
#include "notify.h"
#include "port.h"
#include "right.h"
#include "space.h"
#include "stats.h"

#define HDR	sizeof(struct machport_msg_header)
#define NDR	8	/* NDR_record_t */

/* The NDR record MIG puts first in a body: little-endian, ASCII, IEEE. */
static const u8 ndr_record[NDR] = { 0, 0, 0, 0, 1, 0, 0, 0 };

/* A message to the right @dest of type @msgt (consumed), or NULL. */
static struct mp_kmsg *kernel_msg_to(struct mp_port *dest, u32 msgt, u32 id,
				     u32 size)
{
	struct machport_msg_header *hdr;
	struct mp_kmsg *kmsg = mp_kmsg_alloc(size);

	if (!kmsg)
		return NULL;
	memset(kmsg->data, 0, size);
	hdr = kmsg->data;
	hdr->bits = msgt;
	hdr->size = size;
	hdr->id = id;
	kmsg->dest = dest;
	kmsg->dest_msgt = msgt;
	kmsg->kernel = true;
	mp_stat_add(notifications, 1);
	trace_machport_notify(dest->id, id, size);
	return kmsg;
}

static struct mp_kmsg *kernel_msg(struct mp_port *dest, u32 id, u32 size)
{
	return kernel_msg_to(dest, MACHPORT_MSG_TYPE_PORT_SEND_ONCE, id, size);
}

/*
 * The MIG-shaped kernel message: header, NDR record, one 32-bit value (a
 * name, a count or a return code), to the right @dest of type @msgt.
 * Consumes the right; without memory, it is released unused.
 */
void mp_notify_send_value(struct mp_port *dest, u32 msgt, u32 id, u32 value)
{
	struct mp_kmsg *kmsg = kernel_msg_to(dest, msgt, id,
					     HDR + NDR + sizeof(u32));

	if (!kmsg) {
		mp_right_drop_used(dest, msgt);
		return;
	}
	memcpy(kmsg->data + HDR, ndr_record, NDR);
	memcpy(kmsg->data + HDR + NDR, &value, sizeof(value));
	mp_mqueue_send(dest, kmsg, MACHPORT_SEND_TIMEOUT, 0, NULL);
}

/* Without memory for the message the right goes unused and unannounced. */
static void give_up(struct mp_port *dest)
{
	mp_port_release_send_once(dest);
	mp_port_put(dest);
}

static void post(struct mp_kmsg *kmsg)
{
	mp_mqueue_send(kmsg->dest, kmsg, MACHPORT_SEND_TIMEOUT, 0, NULL);
}

/* A name-carrying notification: dead name, port deleted, no senders. */
static void notify_u32(struct mp_port *notify, u32 id, u32 value)
{
	mp_notify_send_value(notify, MACHPORT_MSG_TYPE_PORT_SEND_ONCE, id,
			     value);
}

/*
 * A send-once right destroyed without being used: its port is told
 * (MACH_NOTIFY_SEND_ONCE), with that very right. Consumes the right and
 * its port reference.
 */
void mp_notify_send_once(struct mp_port *port)
{
	struct mp_kmsg *kmsg = NULL;

	if (mp_port_active(port))
		kmsg = kernel_msg(port, MACHPORT_NOTIFY_SEND_ONCE, HDR);
	if (!kmsg) {
		give_up(port);
		return;
	}
	post(kmsg);
}

void mp_notify_no_senders(struct mp_port *notify, u32 mscount)
{
	notify_u32(notify, MACHPORT_NOTIFY_NO_SENDERS, mscount);
}

void mp_notify_dead_name(struct mp_port *notify, u32 name)
{
	notify_u32(notify, MACHPORT_NOTIFY_DEAD_NAME, name);
}

/**
 * mp_notify_send_port() - a kernel message carrying one right
 * @dest: where to, a right of type @msgt
 * @msgt: MACH_MSG_TYPE_PORT_SEND or _SEND_ONCE
 * @id: the message id
 * @port: the right carried, in transit, with its reference
 * @disp: its kind: MACH_MSG_TYPE_MOVE_RECEIVE, _MOVE_SEND or _MOVE_SEND_ONCE
 * @reap: messages to destroy afterwards (mp_kmsg_reap)
 *
 * The message is a header, a body and one port descriptor: the shape of
 * MACH_NOTIFY_PORT_DESTROYED and of a MIG reply whose only output is a
 * port. Were the message to put a receive right inside its own queue, or
 * @dest be dead, the message joins @reap and the right dies with it:
 * never a recursion, however many ports nest in each other's queues.
 *
 * Return: 0 with both rights consumed, or -ENOMEM with neither.
 */
int mp_notify_send_port(struct mp_port *dest, u32 msgt, u32 id,
			struct mp_port *port, u8 disp, struct list_head *reap)
{
	u32 size = HDR + sizeof(struct machport_msg_body) +
		   sizeof(struct machport_msg_port_descriptor);
	struct machport_msg_header *hdr;
	struct mp_kmsg *kmsg;

	kmsg = kernel_msg_to(dest, msgt, id, size);
	if (kmsg)
		kmsg->desc = kvcalloc(1, sizeof(*kmsg->desc), GFP_KERNEL_ACCOUNT);
	if (!kmsg || !kmsg->desc) {
		if (kmsg) {
			kmsg->dest = NULL;	/* the right to @dest is ours */
			mp_kmsg_free(kmsg);
		}
		return -ENOMEM;
	}
	hdr = kmsg->data;
	hdr->bits |= MACHPORT_MSGH_BITS_COMPLEX;
	((struct machport_msg_body *)(hdr + 1))->descriptor_count = 1;
	kmsg->ndesc = 1;
	kmsg->desc[0].offset = HDR + sizeof(struct machport_msg_body);
	kmsg->desc[0].type = MACHPORT_MSG_PORT_DESCRIPTOR;
	kmsg->desc[0].disp = disp;
	kmsg->desc[0].port = port;
	kmsg->desc[0].rights_in = true;
	if (!mp_desc_transit_check(kmsg)) {
		list_add_tail(&kmsg->link, reap);
		return 0;
	}
	mp_mqueue_send(dest, kmsg, MACHPORT_SEND_TIMEOUT, 0, reap);
	return 0;
}

/**
 * mp_notify_reply_in_place() - answer a request to a kernel port
 * @kmsg: the request, rights copied in (consumed)
 * @id: the reply's id
 * @code: the return code
 *
 * The request becomes its own reply, a mig_reply_error_t on its reply
 * right: answering takes no memory, so a client waiting for the answer
 * gets one even when nothing can be allocated. The request's other
 * rights (its destination, its descriptors') are released. Without a
 * reply right the request is simply destroyed.
 */
void mp_notify_reply_in_place(struct mp_kmsg *kmsg, u32 id, u32 code)
{
	u32 size = HDR + NDR + sizeof(u32);
	struct mp_port *dest = kmsg->reply;
	struct machport_msg_header *hdr;
	LIST_HEAD(reap);

	if (!dest) {
		mp_kmsg_destroy(kmsg);
		return;
	}
	mp_right_release_transit(kmsg->dest, kmsg->dest_msgt, &reap);
	mp_desc_release(kmsg, &reap);
	if (kmsg->desc)
		mp_desc_free(kmsg);
	/* Every kmsg holds at least MP_KMSG_INLINE bytes. */
	hdr = kmsg->data;
	memset(hdr, 0, size);
	hdr->bits = kmsg->reply_msgt;
	hdr->size = size;
	hdr->id = id;
	memcpy(kmsg->data + HDR, ndr_record, NDR);
	memcpy(kmsg->data + HDR + NDR, &code, sizeof(code));
	kmsg->size = size;
	kmsg->dest = dest;
	kmsg->dest_msgt = kmsg->reply_msgt;
	kmsg->reply = NULL;
	kmsg->reply_msgt = 0;
	kmsg->reply_dead = false;
	kmsg->kernel = true;
	mp_stat_add(notifications, 1);
	trace_machport_notify(dest->id, id, size);
	mp_mqueue_send(dest, kmsg, MACHPORT_SEND_TIMEOUT, 0, &reap);
	mp_kmsg_reap(&reap);
}

/*
 * Instead of dying, @port (its receive right, in transit, one reference
 * given) goes to @notify in a MACH_NOTIFY_PORT_DESTROYED message.
 */
void mp_notify_port_destroyed(struct mp_port *notify, struct mp_port *port,
			      struct list_head *reap)
{
	if (!mp_notify_send_port(notify, MACHPORT_MSG_TYPE_PORT_SEND_ONCE,
				 MACHPORT_NOTIFY_PORT_DESTROYED, port,
				 MACHPORT_MSG_TYPE_MOVE_RECEIVE, reap))
		return;
	/* Without memory the port dies after all, unannounced. */
	give_up(notify);
	mp_right_release_transit(port, MACHPORT_MSG_TYPE_PORT_RECEIVE, reap);
}

/* Release whatever registrations a port being freed still holds. */
void mp_notify_drop_requests(struct mp_port *port)
{
	struct mp_dnreq *req, *tmp;

	list_for_each_entry_safe(req, tmp, &port->dnrequests, link) {
		give_up(req->notify);
		kfree(req);
	}
	INIT_LIST_HEAD(&port->dnrequests);
	if (port->nsrequest)
		give_up(port->nsrequest);
	if (port->pdrequest)
		give_up(port->pdrequest);
	port->nsrequest = NULL;
	port->pdrequest = NULL;
}

/* The port died: every dead-name request fires. */
void mp_notify_dead_requests(struct list_head *requests)
{
	struct mp_dnreq *req, *tmp;

	list_for_each_entry_safe(req, tmp, requests, link) {
		list_del(&req->link);
		mp_notify_dead_name(req->notify, req->name);
		kfree(req);
	}
}

static struct mp_dnreq *find_request(struct mp_port *port,
				     struct mp_space *space, u32 name)
{
	struct mp_dnreq *req;

	lockdep_assert_held(&port->lock);
	list_for_each_entry(req, &port->dnrequests, link)
		if (req->space == space && req->name == name)
			return req;
	return NULL;
}

/*
 * @space let go of @name while the port lives: its dead-name request, if
 * the port's death did not take it already, becomes a
 * MACH_NOTIFY_PORT_DELETED.
 */
void mp_notify_cancel(struct mp_port *port, struct mp_space *space, u32 name)
{
	struct mp_dnreq *req;

	spin_lock(&port->lock);
	req = find_request(port, space, name);
	if (req)
		list_del(&req->link);
	spin_unlock(&port->lock);
	if (req) {
		notify_u32(req->notify, MACHPORT_NOTIFY_PORT_DELETED, name);
		kfree(req);
	}
}

/* The receive right @name names, or the code XNU gives when there is none. */
static int receive_entry(struct mp_space *space, u32 name,
			 struct mp_port **portp)
{
	struct mp_entry *e = mp_right_lookup(space, name);

	if (!e)
		return MACHPORT_KERN_INVALID_NAME;
	if (!(e->type & MACHPORT_TYPE_RECEIVE))
		return MACHPORT_KERN_INVALID_RIGHT;
	*portp = e->port;
	return MACHPORT_KERN_SUCCESS;
}

/* Checks on @name that need no right yet, in XNU's order. */
static int request_check(struct mp_space *space, u32 name, s32 msgid,
			 u32 sync)
{
	bool valid = name != MACHPORT_NAME_NULL && name != MACHPORT_NAME_DEAD;
	struct mp_port *port;
	int kr;

	switch (msgid) {
	case MACHPORT_NOTIFY_PORT_DESTROYED:
		if (sync)
			return MACHPORT_KERN_INVALID_VALUE;
		fallthrough;
	case MACHPORT_NOTIFY_NO_SENDERS:
		if (!valid)
			return MACHPORT_KERN_INVALID_RIGHT;
		kr = receive_entry(space, name, &port);
		if (!kr && port->kobject)
			kr = MACHPORT_KERN_INVALID_RIGHT;
		return kr;
	case MACHPORT_NOTIFY_DEAD_NAME:
		if (!valid)
			return MACHPORT_KERN_INVALID_ARGUMENT;
		return mp_right_lookup(space, name) ? MACHPORT_KERN_SUCCESS :
						      MACHPORT_KERN_INVALID_NAME;
	}
	return MACHPORT_KERN_INVALID_VALUE;
}

/* Swap the no-senders or port-destroyed registration of a receive right. */
static struct mp_port *swap_port_request(struct mp_space *space, u32 name,
					 s32 msgid, u32 sync,
					 struct mp_port *notify)
{
	struct mp_port *port, *prev;
	bool fire = false;
	u32 mscount = 0;

	receive_entry(space, name, &port);	/* checked already */
	spin_lock(&port->lock);
	if (msgid == MACHPORT_NOTIFY_PORT_DESTROYED) {
		prev = port->pdrequest;
		port->pdrequest = notify;
	} else {
		prev = port->nsrequest;
		/* No senders already, and none made since @sync: fire now. */
		fire = notify && !port->srights && sync <= port->mscount;
		port->nsrequest = fire ? NULL : notify;
		mscount = port->mscount;
	}
	spin_unlock(&port->lock);
	if (fire)
		mp_notify_no_senders(notify, mscount);
	return prev;
}

/* Arm, replace or cancel the dead-name request on @name. */
static int swap_dead_name(struct mp_space *space, u32 name, u32 sync,
			  struct mp_port *notify, struct mp_port **prevp)
{
	struct mp_dnreq *req, *fresh = NULL;
	struct mp_entry *e = mp_right_lookup(space, name);
	struct mp_port *port;

	*prevp = NULL;
	if (!e)
		return MACHPORT_KERN_INVALID_NAME;	/* the notify was it */
dead:
	if (e->type & MACHPORT_TYPE_DEAD_NAME) {
		if (!sync || !notify)
			return MACHPORT_KERN_INVALID_ARGUMENT;
		/* Already dead and asked for at once: the uref it carries. */
		if (e->urefs < MACHPORT_UREFS_MAX)
			e->urefs++;
		mp_notify_dead_name(notify, name);
		return MACHPORT_KERN_SUCCESS;
	}
	if (!(e->type & (MACHPORT_TYPE_SEND | MACHPORT_TYPE_SEND_ONCE |
			 MACHPORT_TYPE_RECEIVE)))
		return MACHPORT_KERN_INVALID_RIGHT;
	if (notify) {
		fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
		if (!fresh)
			return MACHPORT_KERN_RESOURCE_SHORTAGE;
	}
	port = e->port;
	spin_lock(&port->lock);
	if (!port->active) {
		/* It died while we allocated: the name is dead now. */
		spin_unlock(&port->lock);
		kfree(fresh);
		e = mp_right_lookup(space, name);
		goto dead;
	}
	req = find_request(port, space, name);
	if (req) {
		*prevp = req->notify;
		req->notify = notify;
		if (!notify) {
			list_del(&req->link);
			fresh = req;	/* freed below */
		}
	} else if (notify) {
		fresh->space = space;
		fresh->name = name;
		fresh->notify = notify;
		list_add_tail(&fresh->link, &port->dnrequests);
		fresh = NULL;
	}
	spin_unlock(&port->lock);
	kfree(fresh);
	if (notify)
		e->type |= MACHPORT_TYPE_DNREQUEST;
	else
		e->type &= ~MACHPORT_TYPE_DNREQUEST;
	return MACHPORT_KERN_SUCCESS;
}

/**
 * mp_notify_request() - mach_port_request_notification()
 * @space: locked, active space
 * @a: the request; a->previous gets the previous registration's
 *	send-once right, named in @space, or MACH_PORT_NULL
 *
 * A request that fails after the notify right was made or moved destroys
 * that right unused, which sends a send-once notification, as XNU does.
 */
int mp_notify_request(struct mp_space *space,
		      struct machport_request_notification *a)
{
	struct mp_port *notify = NULL, *prev = NULL;
	int kr;

	lockdep_assert_held(&space->lock);
	if (a->notify == MACHPORT_NAME_DEAD)
		return MACHPORT_KERN_INVALID_CAPABILITY;
	if (a->notify != MACHPORT_NAME_NULL &&
	    a->notify_disp != MACHPORT_MSG_TYPE_MAKE_SEND_ONCE &&
	    a->notify_disp != MACHPORT_MSG_TYPE_MOVE_SEND_ONCE)
		return MACHPORT_KERN_INVALID_CAPABILITY;
	kr = mp_space_reserve(space, 1);	/* for the previous right */
	if (!kr)
		kr = request_check(space, a->name, a->msgid, a->sync);
	if (kr)
		return kr;
	if (a->notify != MACHPORT_NAME_NULL) {
		kr = mp_right_copyin(space, a->notify, a->notify_disp, &notify);
		if (kr)
			return kr;
		if (!notify)
			return MACHPORT_KERN_INVALID_CAPABILITY;
	}
	if (a->msgid == MACHPORT_NOTIFY_DEAD_NAME) {
		kr = swap_dead_name(space, a->name, a->sync, notify, &prev);
		if (kr && notify)
			mp_notify_send_once(notify);
		if (kr)
			return kr;
	} else {
		prev = swap_port_request(space, a->name, a->msgid, a->sync,
					 notify);
	}
	a->previous = prev ? mp_right_copyout(space, prev,
					      MACHPORT_MSG_TYPE_PORT_SEND_ONCE) :
			     MACHPORT_NAME_NULL;
	return MACHPORT_KERN_SUCCESS;
}
