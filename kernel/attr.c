// SPDX-License-Identifier: GPL-2.0
/*
 * mach_port_get_attributes() and mach_port_set_attributes(): queue limits
 * and the receive status of a port; mach_port_peek().
 */
#include "attr.h"
#include "kmsg.h"
#include "machport.h"
#include "mqueue.h"
#include "port.h"
#include "pset.h"
#include "right.h"
#include "space.h"

/* natural_t words in each flavor's structure, as macOS counts them. */
#define LIMITS_INFO_COUNT	1
#define RECEIVE_STATUS_COUNT	10
#define DNREQUESTS_SIZE_COUNT	1
#define INFO_EXT_COUNT		17	/* status, boost count, 6 reserved */

#define STATUS_FLAG_GUARDED		0x02
#define STATUS_FLAG_STRICT_GUARD	0x04
#define STATUS_FLAG_IMMOVABLE		0x40

/* mach_port_status_t, word by word. */
enum { MPS_PSET, MPS_SEQNO, MPS_MSCOUNT, MPS_QLIMIT, MPS_MSGCOUNT,
	MPS_SORIGHTS, MPS_SRIGHTS, MPS_PDREQUEST, MPS_NSREQUEST, MPS_FLAGS };

static int receive_port(struct mp_space *space, u32 name,
			struct mp_port **portp)
{
	int ret = mp_right_receive_port(space, name, portp);

	if (ret == MACHPORT_MSG_SUCCESS)
		return MACHPORT_KERN_SUCCESS;
	/* Tell a missing name from a name without a receive right. */
	return mp_space_lookup(space, name) ? MACHPORT_KERN_INVALID_RIGHT :
					      MACHPORT_KERN_INVALID_NAME;
}

static void receive_status(struct mp_port *port, u32 *info, u32 words)
{
	struct mp_member *mb;

	memset(info, 0, words * sizeof(u32));
	spin_lock(&port->lock);
	mb = list_first_entry_or_null(&port->memberships, struct mp_member,
				      in_port);
	info[MPS_PSET] = mb ? mb->set->name : 0;
	info[MPS_SEQNO] = port->seqno;
	info[MPS_MSCOUNT] = port->mscount;
	info[MPS_QLIMIT] = port->qlimit;
	info[MPS_MSGCOUNT] = port->msgcount;
	info[MPS_SORIGHTS] = port->sorights;
	info[MPS_SRIGHTS] = port->srights > 0;
	info[MPS_PDREQUEST] = !!port->pdrequest;
	info[MPS_NSREQUEST] = !!port->nsrequest;
	info[MPS_FLAGS] = (port->guarded ? STATUS_FLAG_GUARDED : 0) |
			  (port->strict_guard ? STATUS_FLAG_STRICT_GUARD : 0) |
			  (port->immovable ? STATUS_FLAG_IMMOVABLE : 0);
	spin_unlock(&port->lock);
}

static u32 dnrequests(struct mp_port *port)
{
	struct list_head *pos;
	u32 n = 0;

	spin_lock(&port->lock);
	list_for_each(pos, &port->dnrequests)
		n++;
	spin_unlock(&port->lock);
	return n;
}

int mp_attr_get(struct mp_space *space, u32 name, u32 flavor, u32 *info,
		u32 *count)
{
	struct mp_port *port;
	u32 need;
	int kr;

	lockdep_assert_held(&space->lock);
	switch (flavor) {
	case MACHPORT_PORT_LIMITS_INFO:
		need = LIMITS_INFO_COUNT;
		break;
	case MACHPORT_PORT_RECEIVE_STATUS:
		need = RECEIVE_STATUS_COUNT;
		break;
	case MACHPORT_PORT_DNREQUESTS_SIZE:
		need = DNREQUESTS_SIZE_COUNT;
		break;
	case MACHPORT_PORT_INFO_EXT:
		need = INFO_EXT_COUNT;
		break;
	default:
		return MACHPORT_KERN_INVALID_ARGUMENT;
	}
	if (*count < need)
		return MACHPORT_KERN_FAILURE;
	kr = receive_port(space, name, &port);
	if (kr)
		return kr;
	if (flavor == MACHPORT_PORT_LIMITS_INFO)
		info[0] = READ_ONCE(port->qlimit);
	else if (flavor == MACHPORT_PORT_DNREQUESTS_SIZE)
		info[0] = dnrequests(port);
	else
		receive_status(port, info, need);
	*count = need;
	mp_port_put(port);
	return MACHPORT_KERN_SUCCESS;
}

int mp_attr_set(struct mp_space *space, u32 name, u32 flavor,
		const u32 *info, u32 count)
{
	struct mp_port *port;
	int kr;

	lockdep_assert_held(&space->lock);
	switch (flavor) {
	case MACHPORT_PORT_LIMITS_INFO:
		if (count < LIMITS_INFO_COUNT)
			return MACHPORT_KERN_FAILURE;
		break;
	case MACHPORT_PORT_TEMPOWNER:
	case MACHPORT_PORT_IMPORTANCE_RECEIVER:
	case MACHPORT_PORT_DENAP_RECEIVER:
		/* Scheduling hints macOS accepts; nothing to do here. */
		kr = receive_port(space, name, &port);
		if (!kr)
			mp_port_put(port);
		return kr;
	default:
		return MACHPORT_KERN_INVALID_ARGUMENT;
	}
	kr = receive_port(space, name, &port);
	if (kr)
		return kr;
	if (info[0] > MACHPORT_QLIMIT_MAX)
		kr = MACHPORT_KERN_INVALID_VALUE;
	else
		mp_mqueue_set_qlimit(port, info[0]);
	mp_port_put(port);
	return kr;
}

/* Guard, unguard and destruct: XNU answers misuse with this code. */
static int guard_op(struct mp_port *port, u32 op, u64 guard, u32 flags)
{
	int kr = MACHPORT_KERN_SUCCESS;

	spin_lock(&port->lock);
	if (op == MACHPORT_CTL_GUARD) {
		if (port->guarded) {
			kr = MACHPORT_KERN_INVALID_ARGUMENT;
		} else {
			port->guarded = true;
			port->strict_guard = flags & MACHPORT_GUARD_STRICT;
			port->immovable = flags & MACHPORT_GUARD_IMMOVABLE;
			port->context = guard;
		}
	} else if (!port->guarded || port->context != guard) {
		kr = MACHPORT_KERN_INVALID_ARGUMENT;
	} else {
		port->guarded = false;
		port->strict_guard = false;
		port->immovable = false;
		port->context = 0;
	}
	spin_unlock(&port->lock);
	return kr;
}

static int context_op(struct mp_port *port, struct machport_port_ctl *a)
{
	int kr = MACHPORT_KERN_SUCCESS;

	spin_lock(&port->lock);
	switch (a->op) {
	case MACHPORT_CTL_SET_MSCOUNT:
		port->mscount = a->value;
		break;
	case MACHPORT_CTL_SET_SEQNO:
		port->seqno = a->value;
		break;
	case MACHPORT_CTL_GET_CONTEXT:
		/* A strict guard is not given away. */
		a->value = port->strict_guard ? 0 : port->context;
		break;
	case MACHPORT_CTL_SET_CONTEXT:
		if (port->guarded)
			kr = MACHPORT_KERN_INVALID_ARGUMENT;
		else
			port->context = a->value;
		break;
	}
	spin_unlock(&port->lock);
	return kr;
}

/**
 * mp_attr_ctl() - mach_port_set_mscount, _set_seqno, _get/set_context,
 * _guard, _unguard and _destruct on a receive right
 * @space: locked, active space
 * @a: the request (a->value is written for GET_CONTEXT)
 */
int mp_attr_ctl(struct mp_space *space, struct machport_port_ctl *a)
{
	struct mp_port *port;
	int kr;

	lockdep_assert_held(&space->lock);
	if (a->op > MACHPORT_CTL_DESTRUCT)
		return MACHPORT_KERN_INVALID_ARGUMENT;
	if (a->name == MACHPORT_NAME_NULL || a->name == MACHPORT_NAME_DEAD)
		return MACHPORT_KERN_INVALID_RIGHT;
	kr = receive_port(space, a->name, &port);
	if (kr)
		return kr;
	if (a->op == MACHPORT_CTL_DESTRUCT)
		/* An unguarded right needs no guard; a guarded one its own. */
		kr = READ_ONCE(port->guarded) ?
		     guard_op(port, MACHPORT_CTL_UNGUARD, a->value, 0) : 0;
	else if (a->op >= MACHPORT_CTL_GUARD)
		kr = guard_op(port, a->op, a->value, a->flags);
	else
		kr = context_op(port, a);
	mp_port_put(port);
	if (kr || a->op != MACHPORT_CTL_DESTRUCT)
		return kr;
	/* Unguarded: the send references go, then the receive right. */
	if (a->delta > 0)
		return MACHPORT_KERN_INVALID_VALUE;
	if (a->delta) {
		kr = mp_right_mod_refs(space, a->name, MACHPORT_RIGHT_SEND,
				       a->delta);
		if (kr)
			return kr;
	}
	return mp_right_mod_refs(space, a->name, MACHPORT_RIGHT_RECEIVE, -1);
}

/*
 * mach_port_peek(): XNU's checks in XNU's order (the trailer asked for,
 * then the name), then the queue.
 */
int mp_attr_peek(struct mp_space *space, struct machport_port_peek *a,
		 struct machport_msg_trailer *trailer)
{
	struct mp_port *port;
	u32 size;
	int kr;

	lockdep_assert_held(&space->lock);
	size = mp_kmsg_trailer_size(a->trailer_type);
	if (MACHPORT_RCV_TRAILER_TYPE(a->trailer_type) !=
	    MACHPORT_TRAILER_FORMAT_0 ||
	    MACHPORT_RCV_TRAILER_ELEMENTS(a->trailer_type) >
	    MACHPORT_RCV_TRAILER_AUDIT || size > a->trailer_size)
		return MACHPORT_KERN_INVALID_VALUE;
	a->trailer_size = size;
	if (a->name == MACHPORT_NAME_NULL || a->name == MACHPORT_NAME_DEAD)
		return MACHPORT_KERN_INVALID_RIGHT;
	kr = receive_port(space, a->name, &port);
	if (kr)
		return kr;
	if (!mp_mqueue_peek(port, &a->seqno, &a->size, &a->id, trailer, size))
		kr = MACHPORT_KERN_FAILURE;
	mp_port_put(port);
	return kr;
}
