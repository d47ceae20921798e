// SPDX-License-Identifier: MIT
/*
 * Per-thread reply ports for MIG-style requests (mig_get_reply_port()).
 *
 * Each thread keeps one receive right to get its replies on, made on
 * first use. It is recorded with the library's fork generation: in a
 * forked child the name belongs to the parent's space, so the child
 * makes its own instead of using a name that means something else.
 */
#include "internal.h"

static _Thread_local mach_port_t reply_port;
static _Thread_local unsigned int reply_gen;

mach_port_t mig_get_reply_port(void)
{
	unsigned int gen = mp_fork_generation();

	if (reply_port != MACH_PORT_NULL && reply_gen == gen)
		return reply_port;
	reply_port = MACH_PORT_NULL;
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE,
			       &reply_port) != KERN_SUCCESS)
		reply_port = MACH_PORT_NULL;
	reply_gen = gen;
	return reply_port;
}

/*
 * After a failed exchange a late reply may still arrive: the port goes,
 * and the next request gets a fresh one.
 */
void mig_dealloc_reply_port(mach_port_t port)
{
	if (port == MACH_PORT_NULL || port != reply_port)
		return;
	reply_port = MACH_PORT_NULL;
	if (reply_gen == mp_fork_generation())
		mach_port_mod_refs(mach_task_self(), port,
				   MACH_PORT_RIGHT_RECEIVE, -1);
}

void mig_put_reply_port(mach_port_t port)
{
	(void)port;	/* the port stays the thread's */
}
