// SPDX-License-Identifier: GPL-2.0
/*
 * A port's message queue: enqueue with queue limits and blocking senders,
 * dequeue with waiting receivers, and direct handoff from a sender to a
 * receiver that is already waiting.
 *
 * Handoff: a receiver blocked in mach_msg waits on port->rcv_waiters (or
 * set->rcv_waiters) with a struct mp_waiter on its stack. A sender that
 * finds one there (under the port lock) gives it the message, takes it
 * off the list and marks it done, so the message never touches the queue;
 * it wakes the receiver only after dropping the port lock, so that the
 * receiver, often on another CPU, never spins on a lock its waker holds.
 * The receiver sees "done" without taking the lock.
 *
 * Senders blocked on a full queue sleep on the hashed wait queue of the
 * port's address, counted in port->snd_waiters: a dequeue wakes one only
 * when there is one.
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/wait_bit.h>

#include "kmsg.h"
#include "machport.h"
#include "mp_trace.h"
#include "mqueue.h"
#include "pollfd.h"
#include "port.h"
#include "pset.h"
#include "space.h"
#include "stats.h"

/*
 * A receiver blocked in mach_msg, on its own stack. @link and @done
 * change under the lock of the port or set it waits on; once @done is
 * set, the rest is the waiter's own again and the waker must not touch
 * it.
 */
struct mp_waiter {
	struct list_head link;
	struct task_struct *task;
	u32 max_size;
	bool done;		/* taken off the list by a waker */
	struct mp_kmsg *kmsg;	/* handed off by a sender */
	struct mp_port *from;	/* ...from this port (a reference) */
	u32 local_name;		/* ...which the receiver names so */
	int status;		/* set when the port or set died or moved */
};

/*
 * Take @w off its list and tell it so. The waiter may return as soon as
 * it sees @done, so the task reference returned is what the caller wakes
 * it with (wake_waiter()), preferably after dropping its locks.
 */
static struct task_struct *finish_waiter(struct mp_waiter *w)
{
	struct task_struct *task = w->task;

	list_del_init(&w->link);
	get_task_struct(task);
	/* Pairs with wait_once()'s acquire: the fields above come first. */
	smp_store_release(&w->done, true);
	return task;
}

static void wake_waiter(struct task_struct *task)
{
	if (task) {
		wake_up_process(task);
		put_task_struct(task);
	}
}

/* Every waiter on @waiters returns @status (the port or set changed). */
static void fail_waiters(struct list_head *waiters, int status)
{
	struct mp_waiter *w, *tmp;

	list_for_each_entry_safe(w, tmp, waiters, link) {
		w->status = status;
		wake_waiter(finish_waiter(w));
	}
}

/*
 * Hand @kmsg to the first receiver on @waiters whose buffer holds it.
 * Receivers ahead of it without room are woken to look again: they find
 * the message queued (and report MACH_RCV_TOO_LARGE) or sleep again.
 * Return: the receiver's task to wake, or NULL when nobody took it.
 */
static struct task_struct *handoff(struct list_head *waiters,
				   struct mp_port *port, struct mp_kmsg *kmsg)
{
	struct mp_waiter *w, *tmp;

	lockdep_assert_held(&port->lock);
	list_for_each_entry_safe(w, tmp, waiters, link) {
		if (kmsg->size > w->max_size) {
			wake_waiter(finish_waiter(w));	/* rare */
			continue;
		}
		w->kmsg = kmsg;
		w->from = port;
		w->local_name = port->rcv_name;
		mp_port_get(port);
		kmsg->seqno = port->seqno++;
		return finish_waiter(w);
	}
	return NULL;
}

/* Wake @nr senders waiting for room on @port (0: all of them). */
static void wake_senders(struct mp_port *port, int nr)
{
	struct wait_bit_key key = { .flags = (void *)port, .bit_nr = -1 };

	lockdep_assert_held(&port->lock);
	if (port->snd_waiters)
		__wake_up(__var_waitqueue(port), TASK_INTERRUPTIBLE, nr, &key);
}

static void dequeued(struct mp_port *port, struct mp_kmsg *kmsg)
{
	lockdep_assert_held(&port->lock);
	mp_stat_add(msgs_queued, -1);
	mp_stat_add(bytes_queued, -(s64)kmsg->size);
	kmsg->seqno = port->seqno++;
	if (port->msgcount-- <= port->qlimit)
		wake_senders(port, 1);
	if (!port->msgcount)
		mp_pset_unmark_ready(port);
}

/*
 * Hand @kmsg to a receiver waiting on the port or on one of its sets, or
 * queue it, tell its sets and wake one receiver of each.
 * Return: the receiver to wake once the port lock is dropped, or NULL.
 */
static struct task_struct *deliver(struct mp_port *port,
				   struct mp_kmsg *kmsg)
{
	struct task_struct *task;
	struct mp_member *mb;

	lockdep_assert_held(&port->lock);
	trace_machport_msg_send(port->id,
				((struct machport_msg_header *)kmsg->data)->id,
				kmsg->size);
	task = handoff(&port->rcv_waiters, port, kmsg);
	if (task)
		return task;
	list_for_each_entry(mb, &port->memberships, in_port) {
		spin_lock(&mb->set->lock);
		task = handoff(&mb->set->rcv_waiters, port, kmsg);
		spin_unlock(&mb->set->lock);
		if (task)
			return task;
	}
	list_add_tail(&kmsg->link, &port->messages);
	port->msgcount++;
	mp_stat_add(msgs_queued, 1);
	mp_stat_add(bytes_queued, kmsg->size);
	mp_pollfd_port_wake(port, EPOLLIN | EPOLLRDNORM);
	mp_pset_mark_ready(port);
	return NULL;
}

/* The member of @set in @mb holds messages; the set's lock is held. */
void mp_mqueue_set_ready(struct mp_pset *set, struct mp_member *mb)
{
	struct mp_waiter *w;

	lockdep_assert_held(&set->lock);
	if (list_empty(&mb->ready))
		list_add_tail(&mb->ready, &set->ready);
	/* One receiver goes to look. */
	w = list_first_entry_or_null(&set->rcv_waiters, struct mp_waiter, link);
	if (w)
		wake_waiter(finish_waiter(w));
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
	lockdep_assert_held(&set->lock);
	fail_waiters(&set->rcv_waiters, MACHPORT_RCV_PORT_CHANGED);
}

static bool has_room(struct mp_port *port, struct mp_kmsg *kmsg)
{
	lockdep_assert_held(&port->lock);
	if (port->msgcount < port->qlimit || kmsg->kernel ||
	    kmsg->dest_msgt == MACHPORT_MSG_TYPE_PORT_SEND_ONCE)
		return true;
	/* Waiters join and leave under port->lock, which we hold. */
	return !list_empty(&port->rcv_waiters);
}

/*
 * Wait for room once, @port->lock dropped meanwhile; *@timeout is what is
 * left. A sender that leaves without sending passes a wake-up it may
 * have had on to the next one.
 */
static void wait_for_room(struct mp_port *port, long *timeout)
{
	wait_queue_head_t *wq = __var_waitqueue(port);
	struct wait_bit_queue_entry wait;

	lockdep_assert_held(&port->lock);
	init_wait_var_entry(&wait, port, 0);
	port->snd_waiters++;
	prepare_to_wait_exclusive(wq, &wait.wq_entry, TASK_INTERRUPTIBLE);
	spin_unlock(&port->lock);
	*timeout = schedule_timeout(*timeout);
	finish_wait(wq, &wait.wq_entry);
	spin_lock(&port->lock);
	port->snd_waiters--;
}

static int give_up_send(struct mp_port *port, int ret)
	__releases(&port->lock)
{
	if (port->msgcount < port->qlimit)
		wake_senders(port, 1);
	spin_unlock(&port->lock);
	return ret;
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
	struct task_struct *task;

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
			task = deliver(port, kmsg);
			/*
			 * Handed to a receiver, the message left room behind: a
			 * sender woken for that room and not using it passes the
			 * wake-up on, or the next one would sleep with room free.
			 */
			if (port->msgcount < port->qlimit)
				wake_senders(port, 1);
			spin_unlock(&port->lock);
			wake_waiter(task);
			return MACHPORT_MSG_SUCCESS;
		}
		if (!timeout)
			return give_up_send(port, MACHPORT_SEND_TIMED_OUT);
		if (signal_pending(current))
			return give_up_send(port, MACHPORT_SEND_INTERRUPTED);
		wait_for_room(port, &timeout);
	}
}

/*
 * Sleep once on @waiters, @lock (which guards them) dropped meanwhile; it
 * stays dropped on return.
 * Return: -EAGAIN to look again, or the mach_msg_return_t to stop with: a
 * message handed over (MACH_MSG_SUCCESS, in @w), the port or set gone,
 * the timeout spent, or a signal. *@timeout is what is left.
 */
static int wait_once(struct list_head *waiters, spinlock_t *lock,
		     struct mp_waiter *w, long *timeout)
	__releases(lock)
{
	lockdep_assert_held(lock);
	if (!*timeout || signal_pending(current)) {
		spin_unlock(lock);
		return *timeout ? MACHPORT_RCV_INTERRUPTED :
				  MACHPORT_RCV_TIMED_OUT;
	}
	w->done = false;
	list_add_tail(&w->link, waiters);
	set_current_state(TASK_INTERRUPTIBLE);
	spin_unlock(lock);
	*timeout = schedule_timeout(*timeout);
	/* Pairs with finish_waiter()'s release. */
	if (!smp_load_acquire(&w->done)) {
		/* Timeout, signal, or a waker that has not got here yet. */
		spin_lock(lock);
		if (!w->done)
			list_del(&w->link);
		spin_unlock(lock);
	}
	if (w->kmsg)
		return MACHPORT_MSG_SUCCESS;
	return w->status ?: -EAGAIN;
}

static void waiter_init(struct mp_waiter *w, u32 max_size)
{
	memset(w, 0, sizeof(*w));
	w->task = current;
	w->max_size = max_size;
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
	for (;;) {
		spin_lock(&port->lock);
		ret = MACHPORT_RCV_PORT_CHANGED;
		if (still_receiver(port, req))
			ret = try_dequeue(port, req, kmsgp);
		if (ret != -EAGAIN) {
			spin_unlock(&port->lock);
			break;
		}
		/* A waiting receiver is room for a sender (has_room()). */
		wake_senders(port, 1);
		ret = wait_once(&port->rcv_waiters, &port->lock, &w, &timeout);
		if (ret != -EAGAIN)
			break;
	}
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

/*
 * The next member of @set with messages, with a reference, moved to the
 * back of the ready list (round robin); NULL when none. @set->lock held.
 */
static struct mp_port *next_ready(struct mp_pset *set)
{
	struct mp_member *mb;

	lockdep_assert_held(&set->lock);
	mb = list_first_entry_or_null(&set->ready, struct mp_member, ready);
	if (!mb)
		return NULL;
	list_move_tail(&mb->ready, &set->ready);
	mp_port_get(mb->port);
	return mb->port;
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
	struct mp_port *port;
	struct mp_waiter w;
	int ret;

	*kmsgp = NULL;
	waiter_init(&w, req->max_size);
	for (;;) {
		spin_lock(&set->lock);
		if (!set->active) {
			spin_unlock(&set->lock);
			ret = MACHPORT_RCV_PORT_CHANGED;
			break;
		}
		port = next_ready(set);
		if (port) {
			spin_unlock(&set->lock);
			ret = take_from_member(set, port, req, kmsgp);
			if (ret != -EAGAIN)
				return ret;	/* the reference is req->from's */
			mp_port_put(port);
			continue;
		}
		ret = wait_once(&set->rcv_waiters, &set->lock, &w, &timeout);
		if (ret != -EAGAIN)
			break;
	}
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
	lockdep_assert_held(&port->lock);
	fail_waiters(&port->rcv_waiters, MACHPORT_RCV_PORT_CHANGED);
	wake_senders(port, 0);
}

void mp_mqueue_set_qlimit(struct mp_port *port, u32 qlimit)
{
	spin_lock(&port->lock);
	port->qlimit = qlimit;
	wake_senders(port, 0);
	spin_unlock(&port->lock);
}

/**
 * mp_mqueue_peek() - look at a queued message without taking it
 * @port: the port
 * @seqno: in, the sequence number of the message (0: the first); out,
 *	the first message's when 0 was asked for
 * @size: out, its msgh_size
 * @id: out, its msgh_id
 * @trailer: out, its trailer of @trailer_size bytes (as a receive would
 *	give it, without the context)
 * @trailer_size: from mp_kmsg_trailer_size()
 *
 * Queued messages have no sequence number yet: the one at position i of
 * the queue gets port->seqno + i when it is received.
 * Return: whether there is such a message.
 */
bool mp_mqueue_peek(struct mp_port *port, u32 *seqno, u32 *size, s32 *id,
		    struct machport_msg_trailer *trailer, u32 trailer_size)
{
	struct mp_kmsg *kmsg, *found = NULL;
	u32 first, n = 0;

	spin_lock(&port->lock);
	first = port->seqno;
	if (!*seqno)
		*seqno = first;
	list_for_each_entry(kmsg, &port->messages, link) {
		if (first + n++ == *seqno) {
			found = kmsg;
			break;
		}
	}
	if (found) {
		*size = found->size;
		*id = ((struct machport_msg_header *)found->data)->id;
		mp_kmsg_fill_trailer(found, 0, trailer, trailer_size);
		trailer->seqno = *seqno;
	}
	spin_unlock(&port->lock);
	return found;
}
