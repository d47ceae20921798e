// SPDX-License-Identifier: GPL-2.0
/*
 * mach_port_get_attributes() and mach_port_set_attributes(): queue limits
 * and the receive status of a port.
 */
#include "attr.h"
#include "machport.h"
#include "mqueue.h"
#include "port.h"
#include "right.h"
#include "space.h"

/* natural_t words in each flavor's structure, as macOS counts them. */
#define LIMITS_INFO_COUNT	1
#define RECEIVE_STATUS_COUNT	10

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

static void receive_status(struct mp_port *port, u32 *info)
{
	memset(info, 0, RECEIVE_STATUS_COUNT * sizeof(u32));
	spin_lock(&port->lock);
	info[MPS_SEQNO] = port->seqno;
	info[MPS_MSCOUNT] = port->mscount;
	info[MPS_QLIMIT] = port->qlimit;
	info[MPS_MSGCOUNT] = port->msgcount;
	info[MPS_SORIGHTS] = port->sorights;
	info[MPS_SRIGHTS] = port->srights > 0;
	spin_unlock(&port->lock);
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
	else
		receive_status(port, info);
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
	if (flavor != MACHPORT_PORT_LIMITS_INFO)
		return MACHPORT_KERN_INVALID_ARGUMENT;
	if (count < LIMITS_INFO_COUNT)
		return MACHPORT_KERN_FAILURE;
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
