/* SPDX-License-Identifier: MIT */
/*
 * Internals of <machport/cf.h>: the object core that mp_machport_t and
 * mp_msgport_t share, the fork generation and dead-name watches shared by
 * the objects watching one send right.
 *
 * An object's descriptor (get_fd) is a private epoll instance holding
 *   - an eventfd, written once when the object is invalidated, and
 *   - a pollfd (mp_pollfd_open) on the object's receive right or set, or,
 *     for a send right, on the notification port of its dead-name watch,
 * so one descriptor polls readable for a message, a death and an
 * invalidation, and can sit in any number of run loops or caller loops.
 *
 * Locking: obj->lock protects valid, users, rights_held and inval_cb.
 * obj->perform_lock keeps the object's message callbacks from running
 * concurrently; a dispatch from inside a callback only try-locks (see
 * cf_obj_dispatch()), so perform locks never nest in a blocking way. Only
 * perform locks are held while a user callback runs. watch_lock
 * (cf_object.c) and the run loop's lock are leaves: no other lock is
 * taken under them.
 *
 * Fork: cf_generation() (the library's mp_fork_generation()) changes in
 * every forked child. An object or run loop of another generation is
 * inert: every call checks the generation before it takes a lock, touches
 * a port or writes a shared descriptor.
 */
#ifndef LIBMACHPORT_CF_INTERNAL_H
#define LIBMACHPORT_CF_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <machport/cf.h>

#include "internal.h"

struct cf_obj;
struct cf_watch;

/* Any callback, stored untyped; called through its own type. */
typedef void (*cf_fn)(void);

struct cf_obj_ops {
	/* One received message; the handler owns its rights and memory. */
	void (*handle)(struct cf_obj *obj, mach_msg_header_t *msg);
	/* Release the rights the object owns (never in a forked child). */
	void (*drop_rights)(struct cf_obj *obj);
	/* Call the user's invalidation callback @cb. */
	void (*call_invalidation)(struct cf_obj *obj, cf_fn cb);
	/* Free what the subtype allocated; the core frees itself after. */
	void (*destroy)(struct cf_obj *obj);
};

struct cf_obj {
	const struct cf_obj_ops *ops;	/* const */
	atomic_uint refs;
	unsigned int gen;		/* fork generation at creation; const */
	pthread_mutex_t lock;
	pthread_mutex_t perform_lock;
	bool valid;			/* lock */
	bool rights_held;		/* lock: drop_rights() still due */
	unsigned int users;		/* lock: threads using the port's name */
	cf_fn inval_cb;			/* lock */
	mach_port_t port;		/* const */
	bool receives;			/* const: receive right or port set */
	struct cf_watch *watch;		/* the watch of a send right; NULL after teardown */
	int epfd;			/* const: what get_fd() gives */
	int evfd;			/* const: signalled on invalidation */
	int pfd;			/* const: pollfd, or -1 */
	mp_context_t ctx;		/* const */
};

/* Install the fork handlers (once). */
MP_HIDDEN void cf_setup(void);
MP_HIDDEN unsigned int cf_generation(void);

static inline bool cf_current(const struct cf_obj *obj)
{
	return obj && obj->gen == cf_generation();
}

/* Seconds (negative: forever) in milliseconds, rounded up. */
MP_HIDDEN mach_msg_timeout_t cf_timeout_ms(double seconds, bool *forever);

/*
 * Set up the core of a new object for @port: a pollfd on it if it
 * @receives, else a dead-name watch. Returns KERN_SUCCESS, or an error
 * with nothing left to undo (the caller's right is untouched).
 */
MP_HIDDEN kern_return_t cf_obj_init(struct cf_obj *obj,
				    const struct cf_obj_ops *ops,
				    mach_port_t port, bool receives,
				    const mp_context_t *ctx);
MP_HIDDEN void cf_obj_retain(struct cf_obj *obj);
MP_HIDDEN void cf_obj_release(struct cf_obj *obj);
/* Invalidate; the callback runs in this thread (never in a child). */
MP_HIDDEN void cf_obj_invalidate(struct cf_obj *obj);
/* Valid, looking for the port's death on the way (may invalidate). */
MP_HIDDEN bool cf_obj_is_valid(struct cf_obj *obj);
/*
 * Bracket a use of obj->port: false if the object is invalid. After an
 * invalidation the last user drops the rights, so a name is never freed
 * (and perhaps reused) under a thread still using it.
 */
MP_HIDDEN bool cf_obj_enter(struct cf_obj *obj);
MP_HIDDEN void cf_obj_leave(struct cf_obj *obj);
/*
 * Handle what is pending without blocking; *@handled counts messages.
 * Returns false once the object is invalid.
 */
MP_HIDDEN bool cf_obj_dispatch(struct cf_obj *obj, int *handled);
MP_HIDDEN void cf_obj_set_invalidation(struct cf_obj *obj, cf_fn cb);
MP_HIDDEN cf_fn cf_obj_get_invalidation(struct cf_obj *obj);

/* Receive options of the objects: audit trailer, keep large messages. */
#define CF_RCV_OPTIONS	(MACH_RCV_MSG | MACH_RCV_LARGE | \
			 MACH_RCV_TRAILER_TYPE(MACH_MSG_TRAILER_FORMAT_0) | \
			 MACH_RCV_TRAILER_ELEMENTS(MACH_RCV_TRAILER_AUDIT))

/* Run loop side of a source. */
MP_HIDDEN int cf_runloop_add(mp_runloop_t *rl, struct cf_obj *obj);
MP_HIDDEN int cf_runloop_remove(mp_runloop_t *rl, struct cf_obj *obj);

#endif /* LIBMACHPORT_CF_INTERNAL_H */
