// SPDX-License-Identifier: MIT
/*
 * mp_msgport_t: request/reply of bytes between a local (server) port
 * registered under a bootstrap name and remote (client) ports that look
 * the name up, in the spirit of CoreFoundation's CFMessagePort; and
 * mp_data_t, the byte buffers it carries.
 *
 * The wire format is in <machport/cf.h>. A request that wants a reply
 * carries a send-once right made from the calling thread's reply port
 * and, when both timeouts agree, is sent and answered in one mach_msg()
 * call (MACH_SEND_MSG | MACH_RCV_MSG).
 */
#include <stdlib.h>
#include <string.h>

#include <servers/bootstrap.h>

#include "cf_internal.h"

#define SELF mach_task_self()

/* ---- mp_data ------------------------------------------------------------ */

struct mp_data {
	atomic_uint refs;
	const void *bytes;
	size_t length;
	void (*dealloc)(void *bytes, size_t length, void *arg);
	void *arg;
	unsigned char copy[];	/* mp_data_create()'s bytes */
};

mp_data_t *mp_data_create(const void *bytes, size_t length)
{
	mp_data_t *d;

	if (length && !bytes)
		return NULL;
	d = malloc(sizeof(*d) + length);
	if (!d)
		return NULL;
	atomic_init(&d->refs, 1);
	if (length)
		memcpy(d->copy, bytes, length);
	d->bytes = d->copy;
	d->length = length;
	d->dealloc = NULL;
	d->arg = NULL;
	return d;
}

mp_data_t *mp_data_create_no_copy(void *bytes, size_t length,
				  void (*dealloc)(void *bytes, size_t length,
						  void *arg),
				  void *arg)
{
	mp_data_t *d;

	if (length && !bytes)
		return NULL;
	d = malloc(sizeof(*d));
	if (!d)
		return NULL;
	atomic_init(&d->refs, 1);
	d->bytes = bytes;
	d->length = length;
	d->dealloc = dealloc;
	d->arg = arg;
	return d;
}

mp_data_t *mp_data_retain(mp_data_t *data)
{
	if (data)
		atomic_fetch_add_explicit(&data->refs, 1, memory_order_relaxed);
	return data;
}

void mp_data_release(mp_data_t *data)
{
	if (!data || atomic_fetch_sub_explicit(&data->refs, 1,
					       memory_order_acq_rel) != 1)
		return;
	if (data->dealloc)
		data->dealloc((void *)data->bytes, data->length, data->arg);
	free(data);
}

const void *mp_data_get_bytes(const mp_data_t *data)
{
	return data ? data->bytes : NULL;
}

size_t mp_data_get_length(const mp_data_t *data)
{
	return data ? data->length : 0;
}

/* Out-of-line memory received: it goes back with vm_deallocate(). */
static void ool_dealloc(void *bytes, size_t length, void *arg)
{
	(void)arg;
	if (length)
		vm_deallocate(SELF, (vm_address_t)bytes, length);
}

/* ---- the wire format ---------------------------------------------------- */

struct wire_inline {
	mach_msg_header_t header;
	struct mp_msgport_wire wire;
	/* the data, padded to 4 bytes */
};

struct wire_ool {
	mach_msg_header_t header;
	mach_msg_body_t body;
	mach_msg_ool_descriptor_t ool;
	struct mp_msgport_wire wire;
};

/* Room for any message this file sends (inline up to the limit). */
union wire_buf {
	mach_msg_header_t header;
	struct wire_inline in;
	struct wire_ool ool;
	char raw[sizeof(struct wire_inline) + MP_MSGPORT_INLINE_MAX];
};

/* Receive buffer for a reply: any inline reply and a trailer. */
union reply_buf {
	mach_msg_header_t header;
	char raw[sizeof(union wire_buf) + 512];
};

/*
 * Lay out @length bytes at @data (length <= UINT32_MAX) in @b; the caller
 * fills in the header's ports and id. Returns the message size.
 */
static mach_msg_size_t wire_build(union wire_buf *b, const void *data,
				  size_t length)
{
	mach_msg_size_t padded;

	memset(&b->header, 0, sizeof(b->header));
	if (length > MP_MSGPORT_INLINE_MAX) {
		b->header.msgh_bits = MACH_MSGH_BITS_COMPLEX;
		b->ool.body.msgh_descriptor_count = 1;
		b->ool.ool.address = (void *)data;
		b->ool.ool.size = (mach_msg_size_t)length;
		b->ool.ool.deallocate = 0;
		b->ool.ool.copy = MACH_MSG_VIRTUAL_COPY;
		b->ool.ool.type = MACH_MSG_OOL_DESCRIPTOR;
		b->ool.wire.magic = MP_MSGPORT_MAGIC;
		b->ool.wire.length = (uint32_t)length;
		return sizeof(b->ool);
	}
	b->in.wire.magic = MP_MSGPORT_MAGIC;
	b->in.wire.length = (uint32_t)length;
	padded = (mach_msg_size_t)((length + 3) & ~(size_t)3);
	memset(b->raw + sizeof(b->in) + length, 0, padded - length);
	if (length)
		memcpy(b->raw + sizeof(b->in), data, length);
	return sizeof(b->in) + padded;
}

/* Find the data of a message in the wire format; false if it is not. */
static bool wire_parse(mach_msg_header_t *m, void **data, size_t *length)
{
	mach_msg_size_t size = m->msgh_size;
	struct wire_inline *in;

	if (m->msgh_bits & MACH_MSGH_BITS_COMPLEX) {
		struct wire_ool *w = (struct wire_ool *)m;

		if (size < sizeof(*w) || w->body.msgh_descriptor_count != 1 ||
		    w->ool.type != MACH_MSG_OOL_DESCRIPTOR ||
		    w->wire.magic != MP_MSGPORT_MAGIC ||
		    w->wire.length != w->ool.size)
			return false;
		*data = w->ool.address;
		*length = w->ool.size;
		return true;
	}
	if (size < sizeof(struct wire_inline))
		return false;
	in = (struct wire_inline *)m;
	if (in->wire.magic != MP_MSGPORT_MAGIC ||
	    in->wire.length > size - sizeof(*in))
		return false;
	*data = in + 1;
	*length = in->wire.length;
	return true;
}

/*
 * A send that failed after the kernel took the message (a timeout) gave
 * its rights and memory back, rewritten as received (pseudo-receive):
 * release them. A message the kernel never took is left alone.
 */
static void undo_failed_send(mach_msg_header_t *m)
{
	mach_msg_type_name_t remote = MACH_MSGH_BITS_REMOTE(m->msgh_bits);
	mach_port_t reply = m->msgh_local_port;

	if (remote != MACH_MSG_TYPE_PORT_SEND &&
	    remote != MACH_MSG_TYPE_PORT_SEND_ONCE)
		return;
	mach_msg_destroy(m);	/* destination reference, OOL copy */
	if (MACH_PORT_VALID(reply))
		mach_port_deallocate(SELF, reply);
}

static int32_t reply_id(int32_t msgid)
{
	return (int32_t)((uint32_t)msgid + MP_MSGPORT_REPLY_DELTA);
}

/* ---- objects ------------------------------------------------------------ */

struct name_node {
	struct name_node *next;
	char name[];
};

struct mp_msgport {
	struct cf_obj core;		/* first: the casts below rely on it */
	bool remote;			/* const */
	mp_msgport_callback_t callout;	/* const */
	/* Every name the port had, newest first; freed with the object. */
	_Atomic(struct name_node *) names;
};

/* Serializes mp_msgport_set_name() calls. */
static pthread_mutex_t name_lock = PTHREAD_MUTEX_INITIALIZER;

static void send_reply(mach_port_t reply, mach_msg_type_name_t type,
		       int32_t id, mp_data_t *answer)
{
	union wire_buf b;
	mach_msg_size_t size;
	mach_msg_return_t mr;
	mach_port_type_t t;

	size = wire_build(&b, mp_data_get_bytes(answer),
			  mp_data_get_length(answer));
	b.header.msgh_bits |= MACH_MSGH_BITS(type, 0);
	b.header.msgh_remote_port = reply;
	b.header.msgh_id = id;
	/* A send-once right never waits; a plain send right must not. */
	mr = mach_msg(&b.header, MACH_SEND_MSG | MACH_SEND_TIMEOUT, size, 0,
		      MACH_PORT_NULL, 0, MACH_PORT_NULL);
	if (mr == MACH_SEND_TIMED_OUT)
		undo_failed_send(&b.header);
	else if (mr != MACH_MSG_SUCCESS &&
		 mach_port_type(SELF, reply, &t) == KERN_SUCCESS)
		mach_port_deallocate(SELF, reply);
}

static void msgport_handle(struct cf_obj *obj, mach_msg_header_t *msg)
{
	struct mp_msgport *mp = (struct mp_msgport *)obj;
	mach_msg_type_name_t type = MACH_MSGH_BITS_REMOTE(msg->msgh_bits);
	mach_port_t reply = msg->msgh_remote_port;
	mp_data_t *answer = NULL;
	size_t length;
	void *data;

	if (!wire_parse(msg, &data, &length)) {
		/* Not ours: dropped, its reply right tells the sender so. */
		mach_msg_destroy(msg);
		return;
	}
	if (mp->callout)
		answer = mp->callout(mp, msg->msgh_id, data, length,
				     obj->ctx.info);
	if (MACH_PORT_VALID(reply) && (type == MACH_MSG_TYPE_PORT_SEND_ONCE ||
				       type == MACH_MSG_TYPE_PORT_SEND)) {
		send_reply(reply, type, reply_id(msg->msgh_id), answer);
		msg->msgh_remote_port = MACH_PORT_NULL;
	}
	mp_data_release(answer);
	mach_msg_destroy(msg);	/* the request's out-of-line data */
}

static void msgport_drop_rights(struct cf_obj *obj)
{
	struct mp_msgport *mp = (struct mp_msgport *)obj;

	/* A local port's name registration dies with its receive right. */
	if (mp->remote)
		mach_port_deallocate(SELF, obj->port);
	else
		mach_port_mod_refs(SELF, obj->port, MACH_PORT_RIGHT_RECEIVE, -1);
}

static void msgport_call_invalidation(struct cf_obj *obj, cf_fn cb)
{
	((mp_msgport_invalidation_callback_t)cb)((struct mp_msgport *)obj,
						 obj->ctx.info);
}

static void msgport_destroy(struct cf_obj *obj)
{
	struct mp_msgport *mp = (struct mp_msgport *)obj;
	struct name_node *n = atomic_load(&mp->names), *next;

	for (; n; n = next) {
		next = n->next;
		free(n);
	}
	free(mp);
}

static const struct cf_obj_ops msgport_ops = {
	.handle = msgport_handle,
	.drop_rights = msgport_drop_rights,
	.call_invalidation = msgport_call_invalidation,
	.destroy = msgport_destroy,
};

static struct cf_obj *core(mp_msgport_t *port)
{
	return port && port->core.ops == &msgport_ops ? &port->core : NULL;
}

static bool push_name(struct mp_msgport *mp, const char *name)
{
	size_t len = strlen(name);
	struct name_node *n = malloc(sizeof(*n) + len + 1);

	if (!n)
		return false;
	memcpy(n->name, name, len + 1);
	n->next = atomic_load(&mp->names);
	atomic_store(&mp->names, n);
	return true;
}

static mp_msgport_t *msgport_new(mach_port_t port, bool remote,
				 const char *name,
				 mp_msgport_callback_t callout,
				 const mp_context_t *context,
				 kern_return_t *krp)
{
	struct mp_msgport *mp = calloc(1, sizeof(*mp));

	*krp = KERN_RESOURCE_SHORTAGE;
	if (!mp)
		return NULL;
	mp->remote = remote;
	mp->callout = callout;
	atomic_init(&mp->names, NULL);
	if (name && !push_name(mp, name))
		goto err;
	*krp = cf_obj_init(&mp->core, &msgport_ops, port, !remote, context);
	if (*krp == KERN_SUCCESS)
		return mp;
err:
	msgport_destroy(&mp->core);
	return NULL;
}

mp_msgport_t *mp_msgport_create_local(const char *name,
				      mp_msgport_callback_t callout,
				      const mp_context_t *context,
				      kern_return_t *error)
{
	mp_msgport_t *mp = NULL;
	mach_port_t port;
	kern_return_t kr;

	if (name)
		kr = bootstrap_check_in(bootstrap_port, name, &port);
	else
		kr = mach_port_allocate(SELF, MACH_PORT_RIGHT_RECEIVE, &port);
	if (kr)
		goto out;
	mp = msgport_new(port, false, name, callout, context, &kr);
	if (!mp)
		mach_port_mod_refs(SELF, port, MACH_PORT_RIGHT_RECEIVE, -1);
out:
	if (error)
		*error = kr;
	return mp;
}

mp_msgport_t *mp_msgport_create_remote(const char *name, kern_return_t *error)
{
	mp_msgport_t *mp = NULL;
	mach_port_t port;
	kern_return_t kr;

	kr = bootstrap_look_up(bootstrap_port, name, &port);
	if (kr)
		goto out;
	mp = msgport_new(port, true, name, NULL, NULL, &kr);
	if (!mp)
		mach_port_deallocate(SELF, port);
	/* It died between the look-up and the watch: as good as unknown. */
	if (kr == KERN_INVALID_RIGHT)
		kr = BOOTSTRAP_UNKNOWN_SERVICE;
out:
	if (error)
		*error = kr;
	return mp;
}

mp_msgport_t *mp_msgport_retain(mp_msgport_t *port)
{
	if (core(port))
		cf_obj_retain(&port->core);
	return port;
}

void mp_msgport_release(mp_msgport_t *port)
{
	cf_obj_release(core(port));
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
/*
 * Register the existing port under @name: bootstrap_register() with a
 * send right, which the registry copies or moves; ours goes back.
 */
static kern_return_t register_name(mach_port_t port, const char *name)
{
	mach_port_urefs_t before = 0, after = 0;
	kern_return_t kr;

	mach_port_get_refs(SELF, port, MACH_PORT_RIGHT_SEND, &before);
	kr = mach_port_insert_right(SELF, port, port, MACH_MSG_TYPE_MAKE_SEND);
	if (kr)
		return kr;
	kr = bootstrap_register(bootstrap_port, name, port);
	mach_port_get_refs(SELF, port, MACH_PORT_RIGHT_SEND, &after);
	if (after > before)
		mach_port_deallocate(SELF, port);
	return kr;
}

static void unregister_name(const char *name)
{
	bootstrap_register(bootstrap_port, name, MACH_PORT_NULL);
}
#pragma GCC diagnostic pop

bool mp_msgport_set_name(mp_msgport_t *port, const char *name)
{
	struct cf_obj *obj = core(port);
	struct name_node *old;
	bool ok = false;

	if (!obj || port->remote || !name || !cf_obj_enter(obj))
		return false;
	pthread_mutex_lock(&name_lock);
	old = atomic_load(&port->names);
	if (old && !strcmp(old->name, name)) {
		ok = true;
	} else if (register_name(obj->port, name) == KERN_SUCCESS) {
		ok = push_name(port, name);
		if (old)
			unregister_name(old->name);
	}
	pthread_mutex_unlock(&name_lock);
	cf_obj_leave(obj);
	return ok;
}

const char *mp_msgport_get_name(mp_msgport_t *port)
{
	struct name_node *n;

	if (!core(port))
		return NULL;
	n = atomic_load(&port->names);
	return n ? n->name : NULL;
}

bool mp_msgport_is_remote(mp_msgport_t *port)
{
	return core(port) && port->remote;
}

bool mp_msgport_is_valid(mp_msgport_t *port)
{
	return cf_obj_is_valid(core(port));
}

void mp_msgport_invalidate(mp_msgport_t *port)
{
	cf_obj_invalidate(core(port));
}

mach_port_t mp_msgport_get_port(mp_msgport_t *port)
{
	return core(port) ? port->core.port : MACH_PORT_NULL;
}

int mp_msgport_get_fd(mp_msgport_t *port)
{
	return core(port) ? port->core.epfd : -1;
}

int mp_msgport_perform(mp_msgport_t *port)
{
	int handled;

	if (!cf_obj_dispatch(core(port), &handled))
		return -1;
	return handled;
}

void mp_msgport_set_invalidation_callback(mp_msgport_t *port,
					  mp_msgport_invalidation_callback_t callout)
{
	cf_obj_set_invalidation(core(port), (cf_fn)callout);
}

mp_msgport_invalidation_callback_t
mp_msgport_get_invalidation_callback(mp_msgport_t *port)
{
	return (mp_msgport_invalidation_callback_t)
		cf_obj_get_invalidation(core(port));
}

void mp_msgport_get_context(mp_msgport_t *port, mp_context_t *context)
{
	if (core(port) && context)
		*context = port->core.ctx;
}

int mp_runloop_add_msgport(mp_runloop_t *rl, mp_msgport_t *port)
{
	return cf_runloop_add(rl, core(port));
}

int mp_runloop_remove_msgport(mp_runloop_t *rl, mp_msgport_t *port)
{
	return cf_runloop_remove(rl, core(port));
}

/* ---- requests ----------------------------------------------------------- */

struct request {
	mach_msg_timeout_t send_ms, rcv_ms;
	bool send_forever, rcv_forever;
	mach_msg_header_t *rcv;		/* the reply, once received */
	union reply_buf *rbuf;
	void *big;			/* a reply larger than rbuf */
};

static bool is_send_error(mach_msg_return_t mr)
{
	return mr >= MACH_SEND_IN_PROGRESS && mr < MACH_RCV_IN_PROGRESS;
}

static mach_msg_option_t timeout_opt(bool forever, mach_msg_option_t opt)
{
	return forever ? 0 : opt;
}

static mach_msg_return_t receive_reply(struct request *r, mach_port_t rp,
				       mach_msg_option_t timeout_flag,
				       mach_msg_timeout_t ms)
{
	return mach_msg(&r->rbuf->header, CF_RCV_OPTIONS | timeout_flag, 0,
			sizeof(*r->rbuf), rp, ms, MACH_PORT_NULL);
}

/*
 * Send @b and wait for the reply on @rp: one call when the timeouts
 * agree, or when the reply may wait longer (the rest of the wait is a
 * second receive); a send then a receive when the reply must come sooner
 * than the send may take.
 */
static mach_msg_return_t exchange(struct request *r, union wire_buf *b,
				  mach_msg_size_t size, mach_port_t rp)
{
	mach_msg_option_t sopt = timeout_opt(r->send_forever, MACH_SEND_TIMEOUT);
	mach_msg_option_t ropt = timeout_opt(r->rcv_forever, MACH_RCV_TIMEOUT);
	bool rcv_longer = !r->send_forever &&
			  (r->rcv_forever || r->rcv_ms > r->send_ms);
	mach_msg_return_t mr;

	if (r->send_forever == r->rcv_forever && r->send_ms == r->rcv_ms) {
		return mach_msg_overwrite(&b->header, MACH_SEND_MSG | sopt |
					  CF_RCV_OPTIONS | ropt, size,
					  sizeof(*r->rbuf), rp, r->send_ms,
					  MACH_PORT_NULL, &r->rbuf->header, 0);
	}
	if (rcv_longer) {
		mr = mach_msg_overwrite(&b->header, MACH_SEND_MSG | sopt |
					CF_RCV_OPTIONS | MACH_RCV_TIMEOUT, size,
					sizeof(*r->rbuf), rp, r->send_ms,
					MACH_PORT_NULL, &r->rbuf->header, 0);
		if (mr != MACH_RCV_TIMED_OUT)
			return mr;
		return receive_reply(r, rp, ropt, r->rcv_ms - r->send_ms);
	}
	mr = mach_msg(&b->header, MACH_SEND_MSG | sopt, size, 0,
		      MACH_PORT_NULL, r->send_ms, MACH_PORT_NULL);
	if (mr)
		return mr;
	return receive_reply(r, rp, ropt, r->rcv_ms);
}

/* Take the reply in r->rcv apart into *@reply. */
static int32_t take_reply(mach_msg_header_t *m, int32_t msgid,
			  mp_data_t **reply)
{
	size_t length;
	void *data;

	if (m->msgh_id == MACH_NOTIFY_SEND_ONCE &&
	    !(m->msgh_bits & MACH_MSGH_BITS_COMPLEX))
		/* The request died unanswered: its server went away. */
		return MP_MSGPORT_BECAME_INVALID;
	if (m->msgh_id != reply_id(msgid) || !wire_parse(m, &data, &length)) {
		mach_msg_destroy(m);
		return MP_MSGPORT_TRANSPORT_ERROR;
	}
	if (m->msgh_bits & MACH_MSGH_BITS_COMPLEX)
		*reply = mp_data_create_no_copy(data, length, ool_dealloc, NULL);
	else
		*reply = mp_data_create(data, length);
	if (!*reply) {
		mach_msg_destroy(m);
		return MP_MSGPORT_TRANSPORT_ERROR;
	}
	/* Anything else the reply carried is not ours to keep. */
	if (MACH_PORT_VALID(m->msgh_remote_port))
		mach_port_deallocate(SELF, m->msgh_remote_port);
	return MP_MSGPORT_SUCCESS;
}

static int32_t one_way(struct cf_obj *obj, union wire_buf *b,
		       mach_msg_size_t size, struct request *r)
{
	mach_msg_return_t mr;

	(void)obj;
	mr = mach_msg(&b->header, MACH_SEND_MSG |
		      timeout_opt(r->send_forever, MACH_SEND_TIMEOUT), size, 0,
		      MACH_PORT_NULL, r->send_ms, MACH_PORT_NULL);
	if (mr == MACH_MSG_SUCCESS)
		return MP_MSGPORT_SUCCESS;
	undo_failed_send(&b->header);
	if (mr == MACH_SEND_TIMED_OUT)
		return MP_MSGPORT_SEND_TIMEOUT;
	return mr == MACH_SEND_INVALID_DEST ? MP_MSGPORT_IS_INVALID :
					      MP_MSGPORT_TRANSPORT_ERROR;
}

static int32_t transact(struct cf_obj *obj, int32_t msgid, const void *data,
			size_t length, struct request *r, mp_data_t **reply)
{
	union wire_buf b;
	union reply_buf rbuf;
	mach_msg_type_name_t dest = obj->receives ? MACH_MSG_TYPE_MAKE_SEND :
						    MACH_MSG_TYPE_COPY_SEND;
	mach_msg_size_t size = wire_build(&b, data, length);
	mach_msg_return_t mr;
	mach_port_t rp;
	int32_t ret;

	b.header.msgh_remote_port = obj->port;
	b.header.msgh_id = msgid;
	if (!reply) {
		b.header.msgh_bits |= MACH_MSGH_BITS(dest, 0);
		return one_way(obj, &b, size, r);
	}
	rp = mig_get_reply_port();
	if (!rp)
		return MP_MSGPORT_TRANSPORT_ERROR;
	b.header.msgh_bits |= MACH_MSGH_BITS(dest, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	b.header.msgh_local_port = rp;
	r->rbuf = &rbuf;
	mr = exchange(r, &b, size, rp);
	if (mr == MACH_RCV_TOO_LARGE) {
		/* Still queued (MACH_RCV_LARGE): fetch it into a bigger buffer. */
		mach_msg_size_t need = rbuf.header.msgh_size;

		r->big = malloc(need);
		mr = r->big ? mach_msg(r->big, CF_RCV_OPTIONS | MACH_RCV_TIMEOUT,
				       0, need, rp, 0, MACH_PORT_NULL) :
			      MACH_RCV_TOO_LARGE;
	}
	if (mr == MACH_MSG_SUCCESS) {
		ret = take_reply(r->big ? r->big : &rbuf.header, msgid, reply);
		if (ret == MP_MSGPORT_TRANSPORT_ERROR)
			mig_dealloc_reply_port(rp);
		return ret;
	}
	if (is_send_error(mr)) {
		undo_failed_send(&b.header);
		/* The returned send-once right notified the reply port. */
		mig_dealloc_reply_port(rp);
		if (mr == MACH_SEND_TIMED_OUT)
			return MP_MSGPORT_SEND_TIMEOUT;
		return mr == MACH_SEND_INVALID_DEST ? MP_MSGPORT_IS_INVALID :
						      MP_MSGPORT_TRANSPORT_ERROR;
	}
	/* A reply may still come: this reply port cannot be reused. */
	mig_dealloc_reply_port(rp);
	return mr == MACH_RCV_TIMED_OUT ? MP_MSGPORT_RECEIVE_TIMEOUT :
					  MP_MSGPORT_TRANSPORT_ERROR;
}

int32_t mp_msgport_send_request(mp_msgport_t *remote, int32_t msgid,
				const void *data, size_t length,
				double send_timeout, double rcv_timeout,
				mp_data_t **reply)
{
	struct cf_obj *obj = core(remote);
	struct request r = { 0 };
	int32_t ret;

	if (reply)
		*reply = NULL;
	if ((length && !data) || length > UINT32_MAX)
		return MP_MSGPORT_TRANSPORT_ERROR;
	if (!cf_obj_enter(obj))
		return MP_MSGPORT_IS_INVALID;
	/* A dead port answers the send with MACH_SEND_INVALID_DEST. */
	r.send_ms = cf_timeout_ms(send_timeout, &r.send_forever);
	r.rcv_ms = cf_timeout_ms(rcv_timeout, &r.rcv_forever);
	ret = transact(obj, msgid, data, length, &r, reply);
	free(r.big);
	cf_obj_leave(obj);
	if (ret == MP_MSGPORT_IS_INVALID)
		cf_obj_invalidate(obj);
	else if (ret == MP_MSGPORT_BECAME_INVALID)
		cf_obj_is_valid(obj);	/* invalidates it if the port died */
	return ret;
}
