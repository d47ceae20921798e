// SPDX-License-Identifier: MIT
/*
 * mp_machport_t: a Mach port wrapped as an object, in the spirit of
 * CoreFoundation's CFMachPort. A receive right (or port set) gets a
 * callback per message; a send right is watched for the port's death.
 */
#include <stdlib.h>

#include "cf_internal.h"

#define SELF mach_task_self()

enum own {
	OWN_NONE,		/* the caller's right */
	OWN_RECEIVE,		/* the receive right (or set) */
	OWN_SEND,		/* one send (or send-once) user reference */
	OWN_BOTH,		/* mp_machport_create(): receive and one send */
};

struct mp_machport {
	struct cf_obj core;		/* first: the casts below rely on it */
	mp_machport_callback_t callout;	/* const */
	enum own own;			/* const */
	mach_port_right_t recv_right;	/* RECEIVE or PORT_SET; const */
};

static void machport_handle(struct cf_obj *obj, mach_msg_header_t *msg)
{
	struct mp_machport *mp = (struct mp_machport *)obj;

	if (mp->callout)
		mp->callout(mp, msg, msg->msgh_size, obj->ctx.info);
	else
		mach_msg_destroy(msg);
}

static void machport_drop_rights(struct cf_obj *obj)
{
	struct mp_machport *mp = (struct mp_machport *)obj;

	switch (mp->own) {
	case OWN_BOTH:
		mach_port_deallocate(SELF, obj->port);
		/* fall through */
	case OWN_RECEIVE:
		mach_port_mod_refs(SELF, obj->port, mp->recv_right, -1);
		break;
	case OWN_SEND:
		mach_port_deallocate(SELF, obj->port);
		break;
	case OWN_NONE:
		break;
	}
}

static void machport_call_invalidation(struct cf_obj *obj, cf_fn cb)
{
	((mp_machport_invalidation_callback_t)cb)((struct mp_machport *)obj,
						  obj->ctx.info);
}

static void machport_destroy(struct cf_obj *obj)
{
	free(obj);
}

static const struct cf_obj_ops machport_ops = {
	.handle = machport_handle,
	.drop_rights = machport_drop_rights,
	.call_invalidation = machport_call_invalidation,
	.destroy = machport_destroy,
};

static struct cf_obj *core(mp_machport_t *port)
{
	return port && port->core.ops == &machport_ops ? &port->core : NULL;
}

static mp_machport_t *wrap(mach_port_t name, bool receives,
			   mach_port_right_t recv_right, enum own own,
			   mp_machport_callback_t callout,
			   const mp_context_t *context, kern_return_t *error)
{
	struct mp_machport *mp = calloc(1, sizeof(*mp));
	kern_return_t kr = KERN_RESOURCE_SHORTAGE;

	if (mp) {
		mp->callout = callout;
		mp->own = own;
		mp->recv_right = recv_right;
		kr = cf_obj_init(&mp->core, &machport_ops, name, receives,
				 context);
		if (kr) {
			free(mp);
			mp = NULL;
		}
	}
	if (error)
		*error = kr;
	return mp;
}

mp_machport_t *mp_machport_create(mp_machport_callback_t callout,
				  const mp_context_t *context,
				  kern_return_t *error)
{
	mp_machport_t *mp;
	mach_port_t name;
	kern_return_t kr;

	kr = mach_port_allocate(SELF, MACH_PORT_RIGHT_RECEIVE, &name);
	if (kr == KERN_SUCCESS) {
		kr = mach_port_insert_right(SELF, name, name,
					    MACH_MSG_TYPE_MAKE_SEND);
		if (kr)
			mach_port_mod_refs(SELF, name, MACH_PORT_RIGHT_RECEIVE, -1);
	}
	if (kr) {
		if (error)
			*error = kr;
		return NULL;
	}
	mp = wrap(name, true, MACH_PORT_RIGHT_RECEIVE, OWN_BOTH, callout,
		  context, error);
	if (!mp) {
		mach_port_deallocate(SELF, name);
		mach_port_mod_refs(SELF, name, MACH_PORT_RIGHT_RECEIVE, -1);
	}
	return mp;
}

mp_machport_t *mp_machport_create_with_port(mach_port_t port,
					    mp_machport_callback_t callout,
					    const mp_context_t *context,
					    unsigned int flags,
					    kern_return_t *error)
{
	bool take = flags & MP_MACHPORT_TAKE_RIGHT;
	mach_port_type_t type;
	kern_return_t kr;

	if (flags & ~MP_MACHPORT_TAKE_RIGHT) {
		kr = KERN_INVALID_ARGUMENT;
		goto fail;
	}
	kr = mach_port_type(SELF, port, &type);
	if (kr)
		goto fail;
	if (type & MACH_PORT_TYPE_RECEIVE)
		return wrap(port, true, MACH_PORT_RIGHT_RECEIVE,
			    take ? OWN_RECEIVE : OWN_NONE, callout, context,
			    error);
	if (type & MACH_PORT_TYPE_PORT_SET)
		return wrap(port, true, MACH_PORT_RIGHT_PORT_SET,
			    take ? OWN_RECEIVE : OWN_NONE, callout, context,
			    error);
	if (type & MACH_PORT_TYPE_SEND_RIGHTS)
		return wrap(port, false, 0, take ? OWN_SEND : OWN_NONE,
			    callout, context, error);
	kr = KERN_INVALID_RIGHT;	/* a dead name */
fail:
	if (error)
		*error = kr;
	return NULL;
}

mp_machport_t *mp_machport_retain(mp_machport_t *port)
{
	if (core(port))
		cf_obj_retain(&port->core);
	return port;
}

void mp_machport_release(mp_machport_t *port)
{
	cf_obj_release(core(port));
}

void mp_machport_invalidate(mp_machport_t *port)
{
	cf_obj_invalidate(core(port));
}

bool mp_machport_is_valid(mp_machport_t *port)
{
	return cf_obj_is_valid(core(port));
}

mach_port_t mp_machport_get_port(mp_machport_t *port)
{
	return core(port) ? port->core.port : MACH_PORT_NULL;
}

int mp_machport_get_fd(mp_machport_t *port)
{
	return core(port) ? port->core.epfd : -1;
}

int mp_machport_perform(mp_machport_t *port)
{
	int handled;

	if (!cf_obj_dispatch(core(port), &handled))
		return -1;
	return handled;
}

void mp_machport_set_invalidation_callback(mp_machport_t *port,
					   mp_machport_invalidation_callback_t callout)
{
	cf_obj_set_invalidation(core(port), (cf_fn)callout);
}

mp_machport_invalidation_callback_t
mp_machport_get_invalidation_callback(mp_machport_t *port)
{
	return (mp_machport_invalidation_callback_t)
		cf_obj_get_invalidation(core(port));
}

void mp_machport_get_context(mp_machport_t *port, mp_context_t *context)
{
	if (core(port) && context)
		*context = port->core.ctx;
}

int mp_runloop_add_machport(mp_runloop_t *rl, mp_machport_t *port)
{
	return cf_runloop_add(rl, core(port));
}

int mp_runloop_remove_machport(mp_runloop_t *rl, mp_machport_t *port)
{
	return cf_runloop_remove(rl, core(port));
}
