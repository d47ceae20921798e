// SPDX-License-Identifier: GPL-2.0
/*
 * Port objects: creation, death and the counts of rights that name them.
 */
#include <linux/slab.h>

#include "machport.h"
#include "mqueue.h"
#include "port.h"

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
	init_waitqueue_head(&port->rcv_wait);
	init_waitqueue_head(&port->snd_wait);
	port->id = atomic64_inc_return(&next_port_id);
	atomic_long_inc(&mp_stats.ports);
	return port;
}

void mp_port_release(struct kref *ref)
{
	struct mp_port *port = container_of(ref, struct mp_port, ref);

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
	spin_lock(&port->lock);
	WRITE_ONCE(port->active, false);
	port->receiver = NULL;
	port->rcv_name = 0;
	mp_mqueue_port_changed(port);
	spin_unlock(&port->lock);
	mp_mqueue_drain(port);
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

void mp_port_release_send(struct mp_port *port)
{
	spin_lock(&port->lock);
	port->srights--;
	spin_unlock(&port->lock);
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

/* The receive right leaves its space (moved): its waiters must look again. */
void mp_port_clear_receiver(struct mp_port *port)
{
	spin_lock(&port->lock);
	port->receiver = NULL;
	port->rcv_name = 0;
	mp_mqueue_port_changed(port);
	spin_unlock(&port->lock);
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
