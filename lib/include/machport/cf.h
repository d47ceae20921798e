/* SPDX-License-Identifier: MIT */
/*
 * <machport/cf.h>: a higher-level API over Mach ports in the spirit of
 * CoreFoundation's CFMachPort, CFMessagePort and CFRunLoop (libmachport's
 * own interface; the names are not Apple's).
 *
 *   mp_machport_t  wraps a receive right (a callback per message) or a
 *                  send right (watched for death); tells when it becomes
 *                  invalid.
 *   mp_msgport_t   request/reply of bytes: a local (server) port, usually
 *                  registered under a bootstrap name, and remote (client)
 *                  ports found by that name.
 *   mp_runloop_t   a small epoll loop that dispatches both; or use each
 *                  object's descriptor in your own poll/epoll loop and call
 *                  its *_perform() function when it is readable.
 *   mp_data_t      an immutable, reference-counted byte buffer.
 *
 * All objects are reference counted (*_retain / *_release) and may be
 * used from any thread. Callbacks run in the thread that calls *_perform()
 * or mp_runloop_run(); the callbacks of one object never run concurrently.
 * An invalidation callback runs once, in the thread that noticed the
 * invalidation (explicit, or the port's death found by *_perform(),
 * *_is_valid(), a run loop or a request). Releasing the last reference to
 * a valid object invalidates it without calling its callback. After
 * fork(), every object the parent created is invalid in the child: calls
 * report it invalid, run no callbacks and never touch the parent's ports.
 * See mp_machport(3), mp_msgport(3), mp_runloop(3), mp_data(3) and
 * Documentation/user-guide.md.
 */
#ifndef LIBMACHPORT_MACHPORT_CF_H
#define LIBMACHPORT_MACHPORT_CF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mach/mach.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- shared ------------------------------------------------------------ */

/*
 * Program-defined data handed to callbacks. If @retain is set it is called
 * on @info when an object is created with this context (its result is
 * stored), and @release when the object is freed.
 */
typedef struct mp_context {
	void *info;
	void *(*retain)(void *info);
	void (*release)(void *info);
} mp_context_t;

/* Wait forever, as a timeout (any negative value does). */
#define MP_TIMEOUT_FOREVER	(-1.0)

/* ---- mp_data ----------------------------------------------------------- */

typedef struct mp_data mp_data_t;

/* A copy of @length bytes at @bytes (NULL, 0 gives empty data). */
mp_data_t *mp_data_create(const void *bytes, size_t length);
/*
 * Data over @bytes without copying them; @dealloc (may be NULL) is called
 * as dealloc(bytes, length, arg) when the last reference goes.
 */
mp_data_t *mp_data_create_no_copy(void *bytes, size_t length,
				  void (*dealloc)(void *bytes, size_t length,
						  void *arg),
				  void *arg);
mp_data_t *mp_data_retain(mp_data_t *data);
void mp_data_release(mp_data_t *data);
const void *mp_data_get_bytes(const mp_data_t *data);
size_t mp_data_get_length(const mp_data_t *data);

/* ---- mp_machport ------------------------------------------------------- */

typedef struct mp_machport mp_machport_t;

/*
 * Called once per message received. @msg (@size bytes, msgh_size, and an
 * audit trailer after it) is valid only during the call; the rights and
 * out-of-line memory it carries become the callback's: keep them or call
 * mach_msg_destroy(msg).
 */
typedef void (*mp_machport_callback_t)(mp_machport_t *port,
				       mach_msg_header_t *msg,
				       mach_msg_size_t size, void *info);
typedef void (*mp_machport_invalidation_callback_t)(mp_machport_t *port,
						    void *info);

/* mp_machport_create_with_port(): the object owns the right it wraps. */
#define MP_MACHPORT_TAKE_RIGHT	0x1u

/*
 * A new port (a receive right and one send right under one name) that
 * calls @callout for each message. The object owns both rights and
 * destroys them when invalidated. NULL on failure, with the reason in
 * *@error if @error is not NULL.
 */
mp_machport_t *mp_machport_create(mp_machport_callback_t callout,
				  const mp_context_t *context,
				  kern_return_t *error);

/*
 * An object for an existing right:
 *  - a receive right or port set: @callout is called for each message;
 *    the object becomes invalid when the right is destroyed;
 *  - a send or send-once right: no messages; the object becomes invalid
 *    when the port dies (a dead-name notification).
 * Without MP_MACHPORT_TAKE_RIGHT the caller keeps the right and releases
 * it itself after invalidating the object. With it, the object takes the
 * receive right (or one send user reference) and releases it when
 * invalidated. Errors: KERN_INVALID_NAME, KERN_INVALID_RIGHT (a dead
 * name), KERN_RESOURCE_SHORTAGE.
 */
mp_machport_t *mp_machport_create_with_port(mach_port_t port,
					    mp_machport_callback_t callout,
					    const mp_context_t *context,
					    unsigned int flags,
					    kern_return_t *error);

mp_machport_t *mp_machport_retain(mp_machport_t *port);
void mp_machport_release(mp_machport_t *port);

/* Stop receiving, release owned rights, call the invalidation callback. */
void mp_machport_invalidate(mp_machport_t *port);
bool mp_machport_is_valid(mp_machport_t *port);
mach_port_t mp_machport_get_port(mp_machport_t *port);

/*
 * A descriptor (owned by the object) that polls readable when the object
 * has work: a message, the death of its port, its invalidation. Then call
 * mp_machport_perform(), which never blocks and returns the number of
 * messages handled, or -1 once the object is invalid (remove the
 * descriptor from your poll set then).
 */
int mp_machport_get_fd(mp_machport_t *port);
int mp_machport_perform(mp_machport_t *port);

/* If the object is already invalid, @callout is called at once. */
void mp_machport_set_invalidation_callback(mp_machport_t *port,
					   mp_machport_invalidation_callback_t callout);
mp_machport_invalidation_callback_t
mp_machport_get_invalidation_callback(mp_machport_t *port);
void mp_machport_get_context(mp_machport_t *port, mp_context_t *context);

/* ---- mp_msgport -------------------------------------------------------- */

typedef struct mp_msgport mp_msgport_t;

/* mp_msgport_send_request() results (CFMessagePort's values). */
#define MP_MSGPORT_SUCCESS		0
#define MP_MSGPORT_SEND_TIMEOUT		(-1)
#define MP_MSGPORT_RECEIVE_TIMEOUT	(-2)
#define MP_MSGPORT_IS_INVALID		(-3)
#define MP_MSGPORT_TRANSPORT_ERROR	(-4)
#define MP_MSGPORT_BECAME_INVALID	(-5)

/*
 * The local side's handler: @data (@length bytes) is valid during the call
 * only. The data returned (NULL for none) is sent back as the reply if the
 * sender waits for one, then released.
 */
typedef mp_data_t *(*mp_msgport_callback_t)(mp_msgport_t *local,
					    int32_t msgid, const void *data,
					    size_t length, void *info);
typedef void (*mp_msgport_invalidation_callback_t)(mp_msgport_t *port,
						   void *info);

/*
 * A local port receiving requests, registered under @name with
 * bootstrap_check_in() if @name is not NULL. It becomes invalid when
 * invalidated or when its receive right is destroyed; its name goes with
 * the port. Errors: BOOTSTRAP_SERVICE_ACTIVE (the name is taken, even by
 * this process), BOOTSTRAP_NOT_PRIVILEGED (by another user),
 * BOOTSTRAP_BAD_COUNT (not 1 to 127 bytes), KERN_RESOURCE_SHORTAGE.
 */
mp_msgport_t *mp_msgport_create_local(const char *name,
				      mp_msgport_callback_t callout,
				      const mp_context_t *context,
				      kern_return_t *error);
/*
 * A remote port for the port registered as @name (bootstrap_look_up()).
 * It becomes invalid when invalidated or when that port dies (a dead-name
 * notification). Errors: BOOTSTRAP_UNKNOWN_SERVICE, BOOTSTRAP_BAD_COUNT.
 */
mp_msgport_t *mp_msgport_create_remote(const char *name, kern_return_t *error);

mp_msgport_t *mp_msgport_retain(mp_msgport_t *port);
void mp_msgport_release(mp_msgport_t *port);

/*
 * Register a local port under @name, or rename it (the old name is
 * unregistered); false if the name is taken or the port is remote.
 */
bool mp_msgport_set_name(mp_msgport_t *port, const char *name);
/* The name, or NULL; valid as long as the object is. */
const char *mp_msgport_get_name(mp_msgport_t *port);
bool mp_msgport_is_remote(mp_msgport_t *port);
bool mp_msgport_is_valid(mp_msgport_t *port);
void mp_msgport_invalidate(mp_msgport_t *port);
/* The Mach port: the local receive right, or the remote send right. */
mach_port_t mp_msgport_get_port(mp_msgport_t *port);

/*
 * Send @length bytes at @data with @msgid to @remote (or to a local port
 * of this process). @send_timeout bounds the wait for room in the queue,
 * @rcv_timeout the wait for the reply, in seconds (0: do not wait;
 * negative: forever). If @reply is NULL no reply is asked for; otherwise
 * *@reply receives the reply data (release it) on MP_MSGPORT_SUCCESS and
 * NULL otherwise. Returns one of the MP_MSGPORT_* results:
 * IS_INVALID when the port was invalid before the request (invalidated,
 * or its port found dead by the send), BECAME_INVALID when the request
 * was destroyed unanswered (the server went away while it was queued or
 * being handled), TRANSPORT_ERROR for any other failure or a malformed
 * reply. A local port of this process may be the destination too.
 */
int32_t mp_msgport_send_request(mp_msgport_t *remote, int32_t msgid,
				const void *data, size_t length,
				double send_timeout, double rcv_timeout,
				mp_data_t **reply);

/* As mp_machport_get_fd() and mp_machport_perform(). */
int mp_msgport_get_fd(mp_msgport_t *port);
int mp_msgport_perform(mp_msgport_t *port);

void mp_msgport_set_invalidation_callback(mp_msgport_t *port,
					  mp_msgport_invalidation_callback_t callout);
mp_msgport_invalidation_callback_t
mp_msgport_get_invalidation_callback(mp_msgport_t *port);
void mp_msgport_get_context(mp_msgport_t *port, mp_context_t *context);

/*
 * The wire format, for peers that speak raw mach_msg(). A request is
 *   header (msgh_id = the message id; a reply right if a reply is wanted)
 *   [body + one MACH_MSG_OOL_DESCRIPTOR with the data, if complex]
 *   struct mp_msgport_wire
 *   the data, padded to 4 bytes (inline only)
 * Data up to MP_MSGPORT_INLINE_MAX bytes travels inline, larger data out
 * of line. The reply has the same layout with msgh_id = request id + 100.
 */
#define MP_MSGPORT_MAGIC	0x6d704d50u	/* "PMpm" */
#define MP_MSGPORT_INLINE_MAX	4096u
#define MP_MSGPORT_REPLY_DELTA	100

struct mp_msgport_wire {
	uint32_t magic;		/* MP_MSGPORT_MAGIC */
	uint32_t length;	/* bytes of data (inline or out of line) */
};

/* ---- mp_runloop -------------------------------------------------------- */

typedef struct mp_runloop mp_runloop_t;

/* mp_runloop_run() results (CFRunLoopRunInMode's values), or -1. */
#define MP_RUNLOOP_FINISHED		1	/* no sources left */
#define MP_RUNLOOP_STOPPED		2	/* mp_runloop_stop() */
#define MP_RUNLOOP_TIMED_OUT		3
#define MP_RUNLOOP_HANDLED_SOURCE	4	/* return_after_source_handled */
#define MP_RUNLOOP_ERROR		(-1)	/* errno says why */

mp_runloop_t *mp_runloop_create(void);
mp_runloop_t *mp_runloop_retain(mp_runloop_t *rl);
void mp_runloop_release(mp_runloop_t *rl);

/*
 * Sources: the run loop keeps a reference to each until it is removed,
 * it becomes invalid, or the run loop is freed. 0, or -1 with errno.
 */
int mp_runloop_add_machport(mp_runloop_t *rl, mp_machport_t *port);
int mp_runloop_remove_machport(mp_runloop_t *rl, mp_machport_t *port);
int mp_runloop_add_msgport(mp_runloop_t *rl, mp_msgport_t *port);
int mp_runloop_remove_msgport(mp_runloop_t *rl, mp_msgport_t *port);

/*
 * Dispatch messages and invalidations for up to @seconds (negative:
 * forever; 0: what is pending now). One thread at a time runs a given
 * run loop (another gets -1 with EBUSY).
 */
int mp_runloop_run(mp_runloop_t *rl, double seconds,
		   bool return_after_source_handled);
/*
 * Make mp_runloop_run() return MP_RUNLOOP_STOPPED, from any thread or a
 * signal handler; a stop while the loop is not running makes the next
 * run return at once.
 */
void mp_runloop_stop(mp_runloop_t *rl);
/* True while a thread is inside mp_runloop_run(). */
bool mp_runloop_is_running(mp_runloop_t *rl);
/* The run loop's epoll descriptor, to nest it in another loop. */
int mp_runloop_get_fd(mp_runloop_t *rl);

#ifdef __cplusplus
}
#endif

#endif /* LIBMACHPORT_MACHPORT_CF_H */
