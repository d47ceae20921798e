// SPDX-License-Identifier: MIT
/*
 * The core of the <machport/cf.h> objects: reference counts, validity and
 * invalidation, dispatching received messages, dead-name watches and the
 * fork handling. See cf_internal.h.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <machport/pollfd.h>

#include "cf_internal.h"

#define SELF mach_task_self()

/* Messages one dispatch handles at most: other sources get their turn. */
#define DISPATCH_BATCH	32

/* ---- fork generation ---------------------------------------------------- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/*
 * A dead-name watch: one per watched name and generation, shared by the
 * objects watching that name (a name has one dead-name request slot).
 * Its notification port gets the request's notification; the first
 * object that sees it marks the watch dead and destroys the notification
 * port, which wakes every other watcher's pollfd with POLLHUP.
 */
struct cf_watch {
	struct cf_watch *next;
	mach_port_t name;
	mach_port_t notify;	/* receive right; NULL once dead */
	unsigned int gen;
	unsigned int refs;
	bool dead;
};

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cf_watch *watches;

static void fork_prepare(void)
{
	pthread_mutex_lock(&watch_lock);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&watch_lock);
}

/*
 * The library's own child handler advances mp_fork_generation(), which
 * makes the parent's objects inert (cf_current()); the watches of the
 * parent are only freed in the child, under a lock no thread holds.
 */
static void fork_child(void)
{
	pthread_mutex_init(&watch_lock, NULL);
}

static void cf_init(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

void cf_setup(void)
{
	pthread_once(&init_once, cf_init);
}

unsigned int cf_generation(void)
{
	return mp_fork_generation();
}

mach_msg_timeout_t cf_timeout_ms(double seconds, bool *forever)
{
	double ms;

	*forever = seconds < 0 || isnan(seconds);
	if (*forever)
		return 0;
	ms = seconds * 1000.0;
	if (ms >= (double)UINT32_MAX) {
		*forever = true;
		return 0;
	}
	/* Rounded up (no libm: ceil() would need -lm under clang). */
	return (mach_msg_timeout_t)ms + ((double)(mach_msg_timeout_t)ms < ms);
}

/* ---- dead-name watches -------------------------------------------------- */

static kern_return_t arm(struct cf_watch *w)
{
	mach_port_t prev = MACH_PORT_NULL;
	kern_return_t kr;

	kr = mach_port_request_notification(SELF, w->name,
					    MACH_NOTIFY_DEAD_NAME, 0,
					    w->notify,
					    MACH_MSG_TYPE_MAKE_SEND_ONCE,
					    &prev);
	/* Someone else's request, replaced: its port hears SEND_ONCE. */
	if (kr == KERN_SUCCESS && MACH_PORT_VALID(prev))
		mach_port_deallocate(SELF, prev);
	return kr;
}

/* Cancel the request; its send-once right comes back and goes. */
static void disarm(mach_port_t name)
{
	mach_port_t prev = MACH_PORT_NULL;

	if (mach_port_request_notification(SELF, name, MACH_NOTIFY_DEAD_NAME,
					   0, MACH_PORT_NULL,
					   MACH_MSG_TYPE_MAKE_SEND_ONCE,
					   &prev) == KERN_SUCCESS &&
	    MACH_PORT_VALID(prev))
		mach_port_deallocate(SELF, prev);
}

static void watch_set_dead(struct cf_watch *w)
{
	w->dead = true;
	if (w->notify)
		mach_port_mod_refs(SELF, w->notify, MACH_PORT_RIGHT_RECEIVE, -1);
	w->notify = MACH_PORT_NULL;
}

/* Take in what the notification port holds; watch_lock held. */
static void watch_poll_locked(struct cf_watch *w)
{
	union {
		mach_msg_header_t h;
		mach_dead_name_notification_t dead;
		char buf[256];
	} m;
	mach_port_type_t type;
	mach_msg_return_t mr;

	while (!w->dead) {
		mr = mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0,
			      sizeof(m), w->notify, 0, MACH_PORT_NULL);
		if (mr == MACH_RCV_TIMED_OUT)
			return;
		if (mr != MACH_MSG_SUCCESS) {
			watch_set_dead(w);	/* the notify port is gone */
			return;
		}
		switch (m.h.msgh_id) {
		case MACH_NOTIFY_DEAD_NAME:
			/* The notification added a user reference. */
			if (m.dead.not_port == w->name)
				mach_port_deallocate(SELF, w->name);
			watch_set_dead(w);
			break;
		case MACH_NOTIFY_PORT_DELETED:	/* the right was released */
			watch_set_dead(w);
			break;
		case MACH_NOTIFY_SEND_ONCE:
			/* Our request was replaced or cancelled by another. */
			if (mach_port_type(SELF, w->name, &type) ||
			    !(type & (MACH_PORT_TYPE_SEND_RIGHTS |
				      MACH_PORT_TYPE_RECEIVE)) ||
			    arm(w) != KERN_SUCCESS)
				watch_set_dead(w);
			break;
		default:
			mach_msg_destroy(&m.h);
			break;
		}
	}
}

/*
 * The watch of @name, shared with other objects watching it; a new
 * pollfd on its notification port in *@pfd.
 */
static struct cf_watch *watch_get(mach_port_t name, int *pfd,
				  kern_return_t *krp)
{
	unsigned int gen = cf_generation();
	struct cf_watch *w;
	kern_return_t kr;

	pthread_mutex_lock(&watch_lock);
	for (w = watches; w; w = w->next) {
		if (w->gen != gen || w->name != name)
			continue;
		watch_poll_locked(w);
		if (!w->dead)
			break;
	}
	if (w) {
		kr = mp_pollfd_open(w->notify, pfd);
		if (kr == KERN_SUCCESS)
			w->refs++;
		goto out;
	}
	kr = KERN_RESOURCE_SHORTAGE;
	w = calloc(1, sizeof(*w));
	if (!w)
		goto out;
	w->name = name;
	w->gen = gen;
	w->refs = 1;
	kr = mach_port_allocate(SELF, MACH_PORT_RIGHT_RECEIVE, &w->notify);
	if (kr)
		goto err_free;
	kr = arm(w);
	if (kr == KERN_INVALID_ARGUMENT)	/* already a dead name */
		kr = KERN_INVALID_RIGHT;
	if (kr)
		goto err_notify;
	kr = mp_pollfd_open(w->notify, pfd);
	if (kr)
		goto err_disarm;
	w->next = watches;
	watches = w;
	goto out;

err_disarm:
	disarm(name);
err_notify:
	watch_set_dead(w);
err_free:
	free(w);
	w = NULL;
out:
	pthread_mutex_unlock(&watch_lock);
	*krp = kr;
	return kr ? NULL : w;
}

static bool watch_dead(struct cf_watch *w)
{
	bool dead;

	pthread_mutex_lock(&watch_lock);
	watch_poll_locked(w);
	dead = w->dead;
	pthread_mutex_unlock(&watch_lock);
	return dead;
}

static void watch_put(struct cf_watch *w)
{
	struct cf_watch **pp;

	pthread_mutex_lock(&watch_lock);
	if (--w->refs) {
		pthread_mutex_unlock(&watch_lock);
		return;
	}
	for (pp = &watches; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	if (w->gen == cf_generation()) {
		/* A notification already queued releases its reference. */
		watch_poll_locked(w);
		if (!w->dead)
			disarm(w->name);
		watch_set_dead(w);
	}
	pthread_mutex_unlock(&watch_lock);
	free(w);
}

/* ---- objects ------------------------------------------------------------ */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int epoll_add(int epfd, int fd, uint32_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

kern_return_t cf_obj_init(struct cf_obj *obj, const struct cf_obj_ops *ops,
			  mach_port_t port, bool receives,
			  const mp_context_t *ctx)
{
	kern_return_t kr = KERN_RESOURCE_SHORTAGE;

	cf_setup();
	obj->ops = ops;
	atomic_init(&obj->refs, 1);
	obj->gen = cf_generation();
	obj->valid = true;
	obj->rights_held = true;
	obj->port = port;
	obj->receives = receives;
	obj->pfd = -1;
	obj->epfd = epoll_create1(EPOLL_CLOEXEC);
	obj->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (obj->epfd < 0 || obj->evfd < 0 || epoll_add(obj->epfd, obj->evfd, 0))
		goto err_fds;
	if (receives)
		kr = mp_pollfd_open(port, &obj->pfd);
	else
		obj->watch = watch_get(port, &obj->pfd, &kr);
	if (kr)
		goto err_fds;
	if (epoll_add(obj->epfd, obj->pfd, 1)) {
		kr = KERN_RESOURCE_SHORTAGE;
		goto err_watch;
	}
	pthread_mutex_init(&obj->lock, NULL);
	pthread_mutex_init(&obj->perform_lock, NULL);
	if (ctx) {
		obj->ctx = *ctx;
		if (ctx->retain)
			obj->ctx.info = ctx->retain(ctx->info);
	}
	return KERN_SUCCESS;

err_watch:
	if (obj->watch)
		watch_put(obj->watch);
	obj->watch = NULL;
err_fds:
	close_fd(&obj->pfd);
	close_fd(&obj->evfd);
	close_fd(&obj->epfd);
	return kr;
}

void cf_obj_retain(struct cf_obj *obj)
{
	atomic_fetch_add_explicit(&obj->refs, 1, memory_order_relaxed);
}

/*
 * Drop the watch and the rights: once, by whoever clears rights_held
 * (the last user after the invalidation). No one reads obj->watch then.
 */
static void teardown(struct cf_obj *obj)
{
	if (obj->watch)
		watch_put(obj->watch);
	obj->watch = NULL;
	obj->ops->drop_rights(obj);
}

/* Mark invalid; true if the caller must call teardown(). Lock held. */
static bool mark_invalid_locked(struct cf_obj *obj)
{
	bool drop = !obj->users && obj->rights_held;

	obj->valid = false;
	if (drop)
		obj->rights_held = false;
	return drop;
}

void cf_obj_release(struct cf_obj *obj)
{
	if (!obj || atomic_fetch_sub_explicit(&obj->refs, 1,
					      memory_order_acq_rel) != 1)
		return;
	if (cf_current(obj)) {
		/*
		 * The last reference invalidates a valid object, without its
		 * invalidation callback: the object is going away. No run
		 * loop holds it and no thread is inside it (each has a
		 * reference), so no lock is needed.
		 */
		if (obj->valid && mark_invalid_locked(obj))
			teardown(obj);
		pthread_mutex_destroy(&obj->lock);
		pthread_mutex_destroy(&obj->perform_lock);
	} else if (obj->watch) {
		watch_put(obj->watch);	/* in a child: frees memory only */
	}
	close_fd(&obj->pfd);
	close_fd(&obj->evfd);
	close_fd(&obj->epfd);
	if (obj->ctx.release)
		obj->ctx.release(obj->ctx.info);
	obj->ops->destroy(obj);
}

void cf_obj_invalidate(struct cf_obj *obj)
{
	bool drop;
	cf_fn cb;

	if (!cf_current(obj))
		return;
	/* The callback may release the caller's reference. */
	cf_obj_retain(obj);
	pthread_mutex_lock(&obj->lock);
	if (!obj->valid) {
		pthread_mutex_unlock(&obj->lock);
		cf_obj_release(obj);
		return;
	}
	drop = mark_invalid_locked(obj);
	cb = obj->inval_cb;
	pthread_mutex_unlock(&obj->lock);
	/* Wake every loop the descriptor is in: they drop the source. */
	eventfd_write(obj->evfd, 1);
	if (cb)
		obj->ops->call_invalidation(obj, cb);
	if (drop)
		teardown(obj);
	cf_obj_release(obj);
}

bool cf_obj_enter(struct cf_obj *obj)
{
	bool ok;

	if (!cf_current(obj))
		return false;
	pthread_mutex_lock(&obj->lock);
	ok = obj->valid;
	if (ok)
		obj->users++;
	pthread_mutex_unlock(&obj->lock);
	return ok;
}

void cf_obj_leave(struct cf_obj *obj)
{
	bool drop;

	pthread_mutex_lock(&obj->lock);
	obj->users--;
	drop = !obj->valid && !obj->users && obj->rights_held;
	if (drop)
		obj->rights_held = false;
	pthread_mutex_unlock(&obj->lock);
	if (drop)
		teardown(obj);
}

/* The pollfd says the receive right or set is gone. */
static bool pollfd_hup(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

bool cf_obj_is_valid(struct cf_obj *obj)
{
	bool dead;

	if (!cf_obj_enter(obj))
		return false;
	dead = obj->receives ? pollfd_hup(obj->pfd) : watch_dead(obj->watch);
	cf_obj_leave(obj);
	if (dead)
		cf_obj_invalidate(obj);
	return !dead;
}

static bool still_valid(struct cf_obj *obj)
{
	bool v;

	pthread_mutex_lock(&obj->lock);
	v = obj->valid;
	pthread_mutex_unlock(&obj->lock);
	return v;
}

/*
 * Receive and handle up to DISPATCH_BATCH messages without waiting.
 * Returns true if the port is gone.
 */
static bool receive_batch(struct cf_obj *obj, int *handled)
{
	union {
		mach_msg_header_t h;
		char buf[MP_MSGPORT_INLINE_MAX + 512];
	} stack;
	mach_msg_header_t *m = &stack.h;
	mach_msg_size_t size = sizeof(stack);
	mach_msg_return_t mr;
	bool gone = false;
	int i;

	for (i = 0; i < DISPATCH_BATCH && still_valid(obj); i++) {
		mr = mach_msg(m, CF_RCV_OPTIONS | MACH_RCV_TIMEOUT, 0, size,
			      obj->port, 0, MACH_PORT_NULL);
		if (mr == MACH_RCV_TOO_LARGE) {
			mach_msg_size_t need = m->msgh_size;
			void *big = malloc(need);

			if (!big)
				break;	/* stays queued; try again later */
			if (m != &stack.h)
				free(m);
			m = big;
			size = need;
			i--;
			continue;
		}
		if (mr == MACH_RCV_INVALID_NAME || mr == MACH_RCV_PORT_CHANGED) {
			gone = true;
			break;
		}
		if (mr != MACH_MSG_SUCCESS)
			break;
		obj->ops->handle(obj, m);
		(*handled)++;
	}
	if (m != &stack.h)
		free(m);
	return gone || (!*handled && pollfd_hup(obj->pfd));
}

/*
 * The objects this thread is dispatching, innermost first. A callback
 * that dispatches an object already on the chain gets nothing to do
 * instead of a deadlock on its perform lock; one that dispatches another
 * object busy in another thread does not wait for it either (two threads
 * each waiting, in a callback, for the other's object would deadlock).
 */
struct dispatching {
	const struct cf_obj *obj;
	struct dispatching *outer;
};

static _Thread_local struct dispatching *dispatch_chain;

static bool dispatching(const struct cf_obj *obj)
{
	struct dispatching *d;

	for (d = dispatch_chain; d; d = d->outer)
		if (d->obj == obj)
			return true;
	return false;
}

bool cf_obj_dispatch(struct cf_obj *obj, int *handled)
{
	struct dispatching self = { obj, dispatch_chain };
	bool gone, valid;

	*handled = 0;
	if (!cf_current(obj))
		return false;
	if (dispatching(obj))
		return still_valid(obj);
	if (self.outer) {
		if (pthread_mutex_trylock(&obj->perform_lock))
			return still_valid(obj);
	} else {
		/* Another thread may be handling it: wait, do not spin. */
		pthread_mutex_lock(&obj->perform_lock);
	}
	cf_obj_retain(obj);
	dispatch_chain = &self;
	if (cf_obj_enter(obj)) {
		if (obj->receives)
			gone = receive_batch(obj, handled);
		else
			gone = watch_dead(obj->watch);
		cf_obj_leave(obj);
		if (gone)
			cf_obj_invalidate(obj);
	}
	dispatch_chain = self.outer;
	pthread_mutex_unlock(&obj->perform_lock);
	valid = still_valid(obj);
	cf_obj_release(obj);
	return valid;
}

void cf_obj_set_invalidation(struct cf_obj *obj, cf_fn cb)
{
	bool now;

	if (!cf_current(obj))
		return;
	pthread_mutex_lock(&obj->lock);
	obj->inval_cb = cb;
	now = !obj->valid && cb;
	pthread_mutex_unlock(&obj->lock);
	/* As CoreFoundation: an object already invalid calls it at once. */
	if (now)
		obj->ops->call_invalidation(obj, cb);
}

cf_fn cf_obj_get_invalidation(struct cf_obj *obj)
{
	cf_fn cb;

	if (!cf_current(obj))
		return obj ? obj->inval_cb : NULL;
	pthread_mutex_lock(&obj->lock);
	cb = obj->inval_cb;
	pthread_mutex_unlock(&obj->lock);
	return cb;
}
