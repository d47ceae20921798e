// SPDX-License-Identifier: GPL-2.0
/*
 * A port's message queue: enqueue with queue limits and blocking senders,
 * dequeue with waiting receivers, and direct handoff from a sender to a
 * receiver that is already waiting.
 *
 * Handoff: a receiver blocked in mach_msg waits on port->rcv_wait with an
 * exclusive entry. A sender that finds one there (under the port lock)
 * gives it the message through the wake function, which also wakes it
 * with a synchronous hint (__wake_up_sync_key), so the message never
 * touches the queue and the receiver runs next on the sender's CPU when
 * the sender is about to block for the reply.
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/wait.h>

#include "kmsg.h"
#include "machport.h"
#include "mp_trace.h"
#include "mqueue.h"
#include "pollfd.h"
#include "port.h"
#include "pset.h"
#include "space.h"
#include "stats.h"

struct mp_waiter {
	wait_queue_entry_t wq;
	u32 max_size;
	struct mp_kmsg *kmsg;	/* handed off by a sender */
	struct mp_port *from;	/* ...from this port (a reference) */
	u32 local_name;		/* ...which the receiver names so */
	int status;		/* set when the port or set died or moved */
};

/* Key passed to the waiters' wake function. */
struct wake_key {
	struct mp_kmsg *kmsg;	/* message to hand off, or NULL */
	struct mp_port *from;	/* its port */
	int status;		/* status to give every waiter, or 0 */
	bool taken;
};

static int waiter_wake(wait_queue_entry_t *wq, unsigned int mode, int flags,
		       void *key)
{
	struct mp_waiter *w = container_of(wq, struct mp_waiter, wq);
	struct wake_key *k = key;
	bool declined = false;
	int ret;

	if (k->status) {
		w->status = k->status;
	} else if (k->kmsg && !k->taken && k->kmsg->size <= w->max_size) {
		w->kmsg = k->kmsg;
		w->from = k->from;
		w->local_name = k->from->rcv_name;
		mp_port_get(k->from);
		k->taken = true;
	} else if (k->kmsg) {
		declined = true;	/* too small a buffer: try the next one */
	}
	list_del_init(&wq->entry);
	ret = default_wake_function(wq, mode, flags, NULL);
	/*
	 * A waiter that could not take the message does not use up the
	 * exclusive wake-up: another waiter may be able to.
	 */
	return declined ? 0 : ret;
}

/* Hand @kmsg to a receiver waiting on @wq, if one takes it. */
static bool handoff(wait_queue_head_t *wq, struct mp_port *port,
		    struct mp_kmsg *kmsg)
{
	struct wake_key key = { .kmsg = kmsg, .from = port };

	__wake_up_sync_key(wq, TASK_INTERRUPTIBLE, &key);
	if (key.taken)
		kmsg->seqno = port->seqno++;
	return key.taken;
}

static void dequeued(struct mp_port *port, struct mp_kmsg *kmsg)
{
	lockdep_assert_held(&port->lock);
	mp_stat_add(msgs_queued, -1);
	mp_stat_add(bytes_queued, -(s64)kmsg->size);
	kmsg->seqno = port->seqno++;
	if (port->msgcount-- <= port->qlimit)
		wake_up_interruptible(&port->snd_wait);
	if (!port->msgcount)
		mp_pset_unmark_ready(port);
}

/*
 * Hand @kmsg to a receiver waiting on the port or on one of its sets, or
 * queue it, tell its sets and wake one receiver of each.
 */
static void deliver(struct mp_port *port, struct mp_kmsg *kmsg)
{
	struct mp_member *mb;
	bool taken = false;

	lockdep_assert_held(&port->lock);
	trace_machport_msg_send(port->id,
				((struct machport_msg_header *)kmsg->data)->id,
				kmsg->size);
	/* Waiters join and leave under port->lock, which we hold. */
	if (waitqueue_active(&port->rcv_wait) &&
	    handoff(&port->rcv_wait, port, kmsg))
		return;
	list_for_each_entry(mb, &port->memberships, in_port) {
		spin_lock(&mb->set->lock);
		/* A set's waiters join and leave under its lock. */
		if (waitqueue_active(&mb->set->rcv_wait))
			taken = handoff(&mb->set->rcv_wait, port, kmsg);
		spin_unlock(&mb->set->lock);
		if (taken)
			return;
	}
	list_add_tail(&kmsg->link, &port->messages);
	port->msgcount++;
	mp_stat_add(msgs_queued, 1);
	mp_stat_add(bytes_queued, kmsg->size);
	mp_pollfd_port_wake(port, EPOLLIN | EPOLLRDNORM);
	mp_pset_mark_ready(port);
}

/* The member of @set in @mb holds messages; the set's lock is held. */
void mp_mqueue_set_ready(struct mp_pset *set, struct mp_member *mb)
{
	struct wake_key key = { };

	lockdep_assert_held(&set->lock);
	if (list_empty(&mb->ready))
		list_add_tail(&mb->ready, &set->ready);
	__wake_up(&set->rcv_wait, TASK_INTERRUPTIBLE, 1, &key);
	mp_pollfd_set_wake(set, EPOLLIN | EPOLLRDNORM);
}

void mp_pset_mark_ready(struct mp_port *port)
{
	struct mp_member *mb;

	lockdep_assert_held(&port->lock);
	list_for_each_entry(mb, &port->memberships, in_port) {
		spin_lock(&mb->set->lock);
		mp_mqueue_set_ready(mb->set, mb);
		spin_unlock(&mb->set->lock);
	}
}

void mp_pset_unmark_ready(struct mp_port *port)
{
	struct mp_member *mb;

	lockdep_assert_held(&port->lock);
	list_for_each_entry(mb, &port->memberships, in_port) {
		spin_lock(&mb->set->lock);
		list_del_init(&mb->ready);
		spin_unlock(&mb->set->lock);
	}
}

/* The set died or lost its last member: its receivers must look again. */
void mp_mqueue_set_changed(struct mp_pset *set)
{
	struct wake_key key = { .status = MACHPORT_RCV_PORT_CHANGED };

	lockdep_assert_held(&set->lock);
	__wake_up(&set->rcv_wait, TASK_INTERRUPTIBLE, 0, &key);
}

static bool has_room(struct mp_port *port, struct mp_kmsg *kmsg)
{
	lockdep_assert_held(&port->lock);
	if (port->msgcount < port->qlimit || kmsg->kernel ||
	    kmsg->dest_msgt == MACHPORT_MSG_TYPE_PORT_SEND_ONCE)
		return true;
	/* Waiters join and leave under port->lock, which we hold. */
	return waitqueue_active(&port->rcv_wait);
}

/**
 * mp_mqueue_send() - put a message on its destination's queue
 * @port: the destination (kmsg->dest)
 * @kmsg: the message, rights copied in
 * @option: MACH_SEND_TIMEOUT matters here
 * @timeout: jiffies to wait for room, MAX_SCHEDULE_TIMEOUT for ever
 * @reap: where a message for a dead port goes, for a caller that is
 *	already destroying messages (NULL: destroy it here)
 *
 * Return: MACH_MSG_SUCCESS with the message delivered, or destroyed when
 * the port died meanwhile (as XNU does); MACH_SEND_TIMED_OUT or
 * MACH_SEND_INTERRUPTED with the message still the caller's.
 */
int mp_mqueue_send(struct mp_port *port, struct mp_kmsg *kmsg, u32 option,
		   long timeout, struct list_head *reap)
{
	DEFINE_WAIT(wait);

	spin_lock(&port->lock);
	for (;;) {
		/*
		 * Nobody receives from a kernel port (a message to one is served
		 * before it could get here): a kernel reply sent back to one,
		 * on a reply right naming it, is destroyed like one to a dead
		 * port instead of waiting there for ever.
		 */
		if (!port->active || port->kobject) {
			spin_unlock(&port->lock);
			if (reap)
				list_add_tail(&kmsg->link, reap);
			else
				mp_kmsg_destroy(kmsg);
			return MACHPORT_MSG_SUCCESS;
		}
		if (has_room(port, kmsg)) {
			deliver(port, kmsg);
			spin_unlock(&port->lock);
			return MACHPORT_MSG_SUCCESS;
		}
		if (!timeout) {
			spin_unlock(&port->lock);
			return MACHPORT_SEND_TIMED_OUT;
		}
		if (signal_pending(current)) {
			spin_unlock(&port->lock);
			return MACHPORT_SEND_INTERRUPTED;
		}
		prepare_to_wait_exclusive(&port->snd_wait, &wait,
					  TASK_INTERRUPTIBLE);
		spin_unlock(&port->lock);
		timeout = schedule_timeout(timeout);
		finish_wait(&port->snd_wait, &wait);
		spin_lock(&port->lock);
	}
}

static void waiter_init(struct mp_waiter *w, u32 max_size)
{
	memset(w, 0, sizeof(*w));
	w->max_size = max_size;
	init_waitqueue_func_entry(&w->wq, waiter_wake);
	w->wq.private = current;
	w->wq.flags |= WQ_FLAG_EXCLUSIVE;
}

/*
 * Sleep once on @wq, @lock (which guards it) dropped meanwhile.
 * Return: -EAGAIN to look again, or the mach_msg_return_t to stop with: a
 * message handed over (MACH_MSG_SUCCESS, in @w), the port or set gone,
 * the timeout spent, or a signal. *@timeout is what is left.
 */
static int wait_once(wait_queue_head_t *wq, spinlock_t *lock,
		     struct mp_waiter *w, long *timeout)
{
	lockdep_assert_held(lock);
	if (!*timeout)
		return MACHPORT_RCV_TIMED_OUT;
	if (signal_pending(current))
		return MACHPORT_RCV_INTERRUPTED;
	__add_wait_queue_entry_tail(wq, &w->wq);
	set_current_state(TASK_INTERRUPTIBLE);
	spin_unlock(lock);
	*timeout = schedule_timeout(*timeout);
	spin_lock(lock);
	if (!list_empty(&w->wq.entry))
		list_del_init(&w->wq.entry);
	if (w->kmsg)
		return MACHPORT_MSG_SUCCESS;
	return w->status ?: -EAGAIN;
}

static bool still_receiver(struct mp_port *port, struct mp_rcv_req *req)
{
	return port->active && port->receiver == req->space &&
	       port->rcv_name == req->name;
}

/* The head of the queue, or a Mach code when nothing can be taken now. */
static int try_dequeue(struct mp_port *port, struct mp_rcv_req *req,
		       struct mp_kmsg **kmsgp)
{
	struct mp_kmsg *kmsg;

	if (list_empty(&port->messages))
		return -EAGAIN;
	kmsg = list_first_entry(&port->messages, struct mp_kmsg, link);
	if (kmsg->size > req->max_size) {
		req->too_large_size = kmsg->size;
		if (req->option & MACHPORT_RCV_LARGE)
			return MACHPORT_RCV_TOO_LARGE;	/* stays queued */
	}
	list_del(&kmsg->link);
	dequeued(port, kmsg);
	*kmsgp = kmsg;
	return kmsg->size > req->max_size ? MACHPORT_RCV_TOO_LARGE :
					    MACHPORT_MSG_SUCCESS;
}

/**
 * mp_mqueue_receive() - take the next message from a port
 * @port: a port whose receive right @req->space holds as @req->name
 * @req: the receiver's limits and wait
 * @kmsgp: the message; also set with MACH_RCV_TOO_LARGE when the message
 *	was dequeued anyway (no MACH_RCV_LARGE): the caller destroys it
 *
 * Return: a mach_msg_return_t.
 */
int mp_mqueue_receive(struct mp_port *port, struct mp_rcv_req *req,
		      struct mp_kmsg **kmsgp)
{
	struct mp_waiter w;
	long timeout = req->timeout;
	int ret;

	*kmsgp = NULL;
	waiter_init(&w, req->max_size);
	spin_lock(&port->lock);
	for (;;) {
		ret = MACHPORT_RCV_PORT_CHANGED;
		if (!still_receiver(port, req))
			break;
		ret = try_dequeue(port, req, kmsgp);
		if (ret != -EAGAIN)
			break;
		ret = wait_once(&port->rcv_wait, &port->lock, &w, &timeout);
		if (ret != -EAGAIN)
			break;
	}
	spin_unlock(&port->lock);
	if (w.kmsg) {
		*kmsgp = w.kmsg;
		mp_port_put(w.from);	/* it is @port */
	}
	if (*kmsgp) {
		mp_port_get(port);
		req->from = port;
		req->local_name = req->name;
	}
	return ret;
}

/*
 * Try one member of a set: -EAGAIN when it had nothing after all, or it
 * left the set (or its receive right left the space) meanwhile.
 */
static int take_from_member(struct mp_pset *set, struct mp_port *port,
			    struct mp_rcv_req *req, struct mp_kmsg **kmsgp)
{
	int ret = -EAGAIN;

	spin_lock(&port->lock);
	if (port->active && port->receiver == req->space &&
	    mp_pset_member_locked(set, port))
		ret = try_dequeue(port, req, kmsgp);
	if (ret != -EAGAIN) {
		req->from = port;
		req->local_name = port->rcv_name;
	}
	spin_unlock(&port->lock);
	return ret;
}

/**
 * mp_mqueue_receive_set() - take the next message from any member of a set
 * @set: a port set of @req->space
 * @req: the receiver's limits and wait; on return with a message (or
 *	MACH_RCV_TOO_LARGE), @req->from is the member (with a reference)
 *	and @req->local_name its name
 * @kmsgp: as for mp_mqueue_receive()
 *
 * Members are served round robin: the member served goes to the back of
 * the ready list, so a busy member cannot starve the others.
 */
int mp_mqueue_receive_set(struct mp_pset *set, struct mp_rcv_req *req,
			  struct mp_kmsg **kmsgp)
{
	long timeout = req->timeout;
	struct mp_member *mb;
	struct mp_port *port;
	struct mp_waiter w;
	int ret;

	*kmsgp = NULL;
	waiter_init(&w, req->max_size);
	spin_lock(&set->lock);
	for (;;) {
		ret = MACHPORT_RCV_PORT_CHANGED;
		if (!set->active)
			break;
		mb = list_first_entry_or_null(&set->ready, struct mp_member,
					      ready);
		if (mb) {
			list_move_tail(&mb->ready, &set->ready);
			port = mb->port;
			mp_port_get(port);
			spin_unlock(&set->lock);
			ret = take_from_member(set, port, req, kmsgp);
			if (ret != -EAGAIN)
				return ret;	/* the reference is req->from's */
			mp_port_put(port);
			spin_lock(&set->lock);
			continue;
		}
		ret = wait_once(&set->rcv_wait, &set->lock, &w, &timeout);
		if (ret != -EAGAIN)
			break;
	}
	spin_unlock(&set->lock);
	if (w.kmsg) {
		*kmsgp = w.kmsg;
		req->from = w.from;
		req->local_name = w.local_name;
	}
	return ret;
}

/*
 * The receive right died or moved: blocked receivers return
 * MACH_RCV_PORT_CHANGED, blocked senders look again.
 */
void mp_mqueue_port_changed(struct mp_port *port)
{
	struct wake_key key = { .status = MACHPORT_RCV_PORT_CHANGED };

	lockdep_assert_held(&port->lock);
	__wake_up(&port->rcv_wait, TASK_INTERRUPTIBLE, 0, &key);
	wake_up_interruptible_all(&port->snd_wait);
}

void mp_mqueue_set_qlimit(struct mp_port *port, u32 qlimit)
{
	spin_lock(&port->lock);
	port->qlimit = qlimit;
	wake_up_interruptible_all(&port->snd_wait);
	spin_unlock(&port->lock);
}
