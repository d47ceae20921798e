// SPDX-License-Identifier: GPL-2.0
/*
 * Task special ports: send rights a space keeps outside its name table
 * (the bootstrap port above all), read and set by task_get_special_port()
 * and task_set_special_port(), and inherited by a forked child.
 */
#include "machport.h"
#include "port.h"
#include "right.h"
#include "space.h"
#include "special.h"

static bool valid_which(u32 which)
{
	return which >= MACHPORT_TASK_KERNEL_PORT &&
	       which <= MACHPORT_TASK_MAX_SPECIAL_PORT;
}

/* task_get_special_port(): a new send right (user reference) to the port. */
int mp_special_get(struct mp_space *space, u32 which, u32 *name)
{
	struct mp_port *port;
	int kr;

	lockdep_assert_held(&space->lock);
	if (!valid_which(which))
		return MACHPORT_KERN_INVALID_ARGUMENT;
	if (which == MACHPORT_TASK_KERNEL_PORT) {
		*name = MP_NAME(MP_TASK_INDEX, MP_GEN_ROLL);
		return MACHPORT_KERN_SUCCESS;
	}
	port = space->special[which];
	if (!port) {
		*name = MACHPORT_NAME_NULL;
		return MACHPORT_KERN_SUCCESS;
	}
	kr = mp_space_reserve(space, 1);
	if (kr)
		return kr;
	mp_port_copy_send(port);
	mp_port_get(port);
	*name = mp_right_copyout(space, port, MP_MSGT_PORT_SEND);
	return MACHPORT_KERN_SUCCESS;
}

static void release(struct mp_port *port)
{
	if (port) {
		mp_port_release_send(port);
		mp_port_put(port);
	}
}

/* task_set_special_port(): the slot gets a copy of the send right @name. */
int mp_special_set(struct mp_space *space, u32 which, u32 name)
{
	struct mp_port *port = NULL;

	lockdep_assert_held(&space->lock);
	if (!valid_which(which))
		return MACHPORT_KERN_INVALID_ARGUMENT;
	if (which == MACHPORT_TASK_KERNEL_PORT)
		return MACHPORT_KERN_NO_ACCESS;
	if (name != MACHPORT_NAME_NULL && name != MACHPORT_NAME_DEAD &&
	    mp_right_copyin(space, name, MACHPORT_MSG_TYPE_COPY_SEND, &port))
		return MACHPORT_SEND_INVALID_RIGHT;	/* as MIG's copyin says */
	release(space->special[which]);
	space->special[which] = port;
	return MACHPORT_KERN_SUCCESS;
}

/* A new space's bootstrap port: its namespace's registry. */
void mp_special_init(struct mp_space *space, struct mp_port *bootstrap)
{
	lockdep_assert_held(&space->lock);
	mp_port_make_send(bootstrap);
	mp_port_get(bootstrap);
	space->special[MACHPORT_TASK_BOOTSTRAP_PORT] = bootstrap;
}

/*
 * A forked child starts with send rights to its parent's special ports.
 * The bootstrap port is the exception when the child is in another IPC
 * namespace (it unshared one before opening its space): a container
 * keeps its own registry. Both spaces are locked by the caller, parent
 * first (see locking.md).
 */
void mp_special_inherit(struct mp_space *child, struct mp_space *parent)
{
	u32 i;

	lockdep_assert_held(&child->lock);
	lockdep_assert_held(&parent->lock);
	for (i = 0; i < ARRAY_SIZE(parent->special); i++) {
		struct mp_port *port = parent->special[i];

		if (i == MACHPORT_TASK_BOOTSTRAP_PORT &&
		    child->bootstrap != parent->bootstrap)
			continue;
		if (port) {
			mp_port_copy_send(port);
			mp_port_get(port);
		}
		release(child->special[i]);
		child->special[i] = port;
	}
}

void mp_special_release(struct mp_space *space)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(space->special); i++) {
		release(space->special[i]);
		space->special[i] = NULL;
	}
}
