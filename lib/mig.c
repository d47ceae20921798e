// SPDX-License-Identifier: MIT
/*
 * Per-thread reply ports for MIG-style requests (mig_get_reply_port()).
 *
 * Each thread keeps one receive right to get its replies on, made on
 * first use and destroyed when the thread exits. It is recorded with the
 * library's fork generation: in a forked child the name belongs to the
 * parent's space, so the child makes its own instead of using a name
 * that means something else there.
 */
#include <pthread.h>
#include <stdint.h>

#include "internal.h"

static _Thread_local mach_port_t reply_port;
static _Thread_local unsigned int reply_gen;
static pthread_key_t exit_key;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

/* Thread exit: the key's value says which port, of which generation. */
static void thread_exit(void *value)
{
	uint64_t v = (uintptr_t)value;
	mach_port_t port = (mach_port_t)v;

	if (port && (unsigned int)(v >> 32) == mp_fork_generation())
		mach_port_mod_refs(mach_task_self(), port,
				   MACH_PORT_RIGHT_RECEIVE, -1);
}

static void make_key(void)
{
	pthread_key_create(&exit_key, thread_exit);
}

static void remember(mach_port_t port, unsigned int gen)
{
	uint64_t v = port ? ((uint64_t)gen << 32 | port) : 0;

	pthread_once(&exit_once, make_key);
	pthread_setspecific(exit_key, (void *)(uintptr_t)v);
}

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
	remember(reply_port, gen);
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
	remember(MACH_PORT_NULL, 0);
	if (reply_gen == mp_fork_generation())
		mach_port_mod_refs(mach_task_self(), port,
				   MACH_PORT_RIGHT_RECEIVE, -1);
}

void mig_put_reply_port(mach_port_t port)
{
	(void)port;	/* the port stays the thread's */
}
