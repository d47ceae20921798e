// SPDX-License-Identifier: GPL-2.0
/*
 * The fixture the KUnit suites share: the module's caches, IPC spaces that
 * go away with the test case, and bare messages.
 *
 * KUnit runs a module's suites when the module loads. On older kernels
 * (the debug lane's 6.1 among them) that is at MODULE_STATE_COMING, before
 * mp_init(): the port and kmsg caches do not exist yet, so each suite
 * creates them for its run and destroys them afterwards (which also proves
 * that it left no port or kmsg behind: kmem_cache_destroy() complains about
 * any). Newer kernels run the suites once the module is live, with the
 * module's own caches, which are then left alone. Module parameters are
 * not parsed yet at COMING: the suites see the default limits.
 */
#include <kunit/resource.h>
#include <linux/module.h>
#include <linux/string.h>

#include "kmsg.h"
#include "kunit.h"
#include "machport.h"
#include "mqueue.h"
#include "port.h"
#include "pset.h"
#include "right.h"
#include "space.h"

static bool own_caches;

int mp_kunit_suite_init(struct kunit_suite *suite)
{
	int ret;

	own_caches = THIS_MODULE->state == MODULE_STATE_COMING;
	if (!own_caches)
		return 0;
	ret = mp_port_cache_init();
	if (!ret) {
		ret = mp_kmsg_cache_init();
		if (ret)
			mp_port_cache_exit();
	}
	if (ret)
		own_caches = false;	/* KUnit skips suite_exit then */
	return ret;
}

void mp_kunit_suite_exit(struct kunit_suite *suite)
{
	if (!own_caches)
		return;
	mp_kmsg_cache_exit();
	mp_port_cache_exit();
	own_caches = false;
}

static int space_init(struct kunit_resource *res, void *context)
{
	res->data = mp_space_create();
	return res->data ? 0 : -ENOMEM;
}

static void space_free(struct kunit_resource *res)
{
	mp_space_teardown(res->data);
	mp_space_put(res->data);
}

/*
 * A new IPC space (its owner is the thread running the case), torn down
 * when the case ends, even if an assertion stops it: every right it still
 * holds is destroyed then.
 */
struct mp_space *mp_kunit_space(struct kunit *test)
{
	struct mp_space *space;

	space = kunit_alloc_resource(test, space_init, space_free, GFP_KERNEL,
				     NULL);
	KUNIT_ASSERT_NOT_NULL(test, space);
	return space;
}

/* A new receive right in @space: its port, valid while the right lives. */
struct mp_port *mp_kunit_port(struct kunit *test, struct mp_space *space,
			      u32 *name)
{
	struct mp_entry *e = NULL;

	mutex_lock(&space->lock);
	if (!mp_right_allocate(space, MACHPORT_RIGHT_RECEIVE, 0, name))
		e = mp_space_lookup(space, *name);
	mutex_unlock(&space->lock);
	KUNIT_ASSERT_NOT_NULL(test, e);
	return e->port;
}

/* A new port set in @space, valid while its name lives. */
struct mp_pset *mp_kunit_set(struct kunit *test, struct mp_space *space,
			     u32 *name)
{
	struct mp_entry *e = NULL;

	mutex_lock(&space->lock);
	if (!mp_right_allocate(space, MACHPORT_RIGHT_PORT_SET, 0, name))
		e = mp_space_lookup(space, *name);
	mutex_unlock(&space->lock);
	KUNIT_ASSERT_NOT_NULL(test, e);
	return e->pset;
}

void mp_kunit_counts(struct mp_port *port, struct mp_kunit_counts *c)
{
	spin_lock(&port->lock);
	c->active = port->active;
	c->msgcount = port->msgcount;
	c->seqno = port->seqno;
	c->mscount = port->mscount;
	c->qlimit = port->qlimit;
	c->srights = port->srights;
	c->sorights = port->sorights;
	spin_unlock(&port->lock);
}

/*
 * A message of @size bytes (header included, zeroed) to @port, carrying
 * its destination right as a message does: MACHPORT_MSG_TYPE_PORT_SEND or
 * _SEND_ONCE (@msgt), with a port reference. Sending, or
 * mp_kmsg_destroy(), consumes it.
 */
struct mp_kmsg *mp_kunit_msg(struct mp_port *port, u32 msgt, s32 id, u32 size)
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
	if (msgt == MACHPORT_MSG_TYPE_PORT_SEND_ONCE)
		mp_port_make_send_once(port);
	else
		mp_port_copy_send(port);
	mp_port_get(port);
	kmsg->dest = port;
	kmsg->dest_msgt = msgt;
	return kmsg;
}

/*
 * Send a message of @size bytes with id @id to @port, never waiting
 * (MACH_SEND_TIMEOUT of 0). A message that could not be queued is
 * destroyed. Return: as mp_mqueue_send().
 */
int mp_kunit_send(struct mp_port *port, u32 msgt, s32 id, u32 size)
{
	struct mp_kmsg *kmsg = mp_kunit_msg(port, msgt, id, size);
	int ret;

	if (!kmsg)
		return MACHPORT_SEND_NO_BUFFER;
	ret = mp_mqueue_send(port, kmsg, MACHPORT_SEND_TIMEOUT, 0, NULL);
	if (ret)
		mp_kmsg_destroy(kmsg);
	return ret;
}

/*
 * Receive on @name (a receive right or a port set) without waiting, as
 * msg_receive() does up to the copyout: the message's destination right is
 * used up and the message freed; a too large message that was dequeued
 * anyway (no MACH_RCV_LARGE in @option) is destroyed. @max_size is the
 * largest message accepted. Return: the mach_msg_return_t, also in @out.
 */
int mp_kunit_receive(struct mp_space *space, u32 name, u32 max_size,
		     u32 option, struct mp_kunit_rcv *out)
{
	struct mp_rcv_req req = {
		.space = space,
		.name = name,
		.option = option,
		.timeout = 0,
		.max_size = max_size,
	};
	struct mp_kmsg *kmsg = NULL;
	struct mp_port *port;
	struct mp_pset *set;
	int ret;

	memset(out, 0, sizeof(*out));
	mutex_lock(&space->lock);
	ret = mp_right_receive_object(space, name, &port, &set);
	mutex_unlock(&space->lock);
	if (ret)
		return out->ret = ret;
	if (set)
		ret = mp_mqueue_receive_set(set, &req, &kmsg);
	else
		ret = mp_mqueue_receive(port, &req, &kmsg);
	out->ret = ret;
	out->too_large_size = req.too_large_size;
	if (kmsg) {
		out->id = ((struct machport_msg_header *)kmsg->data)->id;
		out->seqno = kmsg->seqno;
		out->local_name = req.local_name;
		if (ret == MACHPORT_MSG_SUCCESS) {
			mp_right_drop_used(kmsg->dest, kmsg->dest_msgt);
			kmsg->dest = NULL;
		}
		mp_kmsg_destroy(kmsg);
	}
	if (req.from)
		mp_port_put(req.from);
	if (set)
		mp_pset_put(set);
	else
		mp_port_put(port);
	return ret;
}
