// SPDX-License-Identifier: MIT
/*
 * <servers/bootstrap.h>: bootstrap_check_in(), bootstrap_register(),
 * bootstrap_look_up() and bootstrap_strerror().
 *
 * Each call is one MIG-style request on the bootstrap port it is given,
 * answered on the thread's reply port: by the kernel's registry for the
 * IPC namespace by default, or by whatever server the task's
 * TASK_BOOTSTRAP_PORT was set to. Documentation/bootstrap.md describes
 * the messages.
 */
#include <string.h>

#include <mach/mig_errors.h>
#include <mach/notify.h>
#include <servers/bootstrap.h>

#include "internal.h"

mach_port_t bootstrap_port = MACH_PORT_NULL;

/* CHECK_IN and LOOK_UP */
typedef struct {
	mach_msg_header_t head;
	NDR_record_t ndr;
	name_t name;
} name_request_t;

typedef struct {
	mach_msg_header_t head;
	mach_msg_body_t body;
	mach_msg_port_descriptor_t port;
	NDR_record_t ndr;
	name_t name;
} register_request_t;

typedef struct {
	mach_msg_header_t head;
	mach_msg_body_t body;
	mach_msg_port_descriptor_t port;
} port_reply_t;

typedef union {
	mig_reply_error_t error;
	port_reply_t port;
	struct {
		port_reply_t reply;
		mach_msg_max_trailer_t trailer;
	} room;
} reply_t;

_Static_assert(sizeof(name_request_t) == 160, "request layout");
_Static_assert(sizeof(register_request_t) == 176, "request layout");
_Static_assert(sizeof(port_reply_t) == 40, "reply layout");

/*
 * The task's bootstrap port, as launchd hands it to every macOS process
 * before main(). Without the module there is none (MACH_PORT_NULL), and
 * nothing is printed: a program that never uses Mach IPC must not notice.
 */
static void fetch_bootstrap_port(void)
{
	mach_port_t port = MACH_PORT_NULL;

	if (task_get_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT,
				  &port) != KERN_SUCCESS)
		port = MACH_PORT_NULL;
	bootstrap_port = port;
}

__attribute__((constructor)) static void bootstrap_init(void)
{
	if (mp_device_present())
		fetch_bootstrap_port();
}

void mp_bootstrap_after_fork(void)
{
	fetch_bootstrap_port();
}

static kern_return_t copy_name(name_t dst, const char *src)
{
	size_t len;

	if (!src)
		return BOOTSTRAP_BAD_COUNT;
	len = strnlen(src, BOOTSTRAP_MAX_NAME_LEN);
	if (len == BOOTSTRAP_MAX_NAME_LEN)
		return BOOTSTRAP_BAD_COUNT;	/* does not fit a name_t */
	memset(dst, 0, BOOTSTRAP_MAX_NAME_LEN);
	memcpy(dst, src, len);
	return KERN_SUCCESS;
}

static void set_header(mach_msg_header_t *h, mach_port_t bp, mach_port_t rp,
		       mach_msg_id_t id, mach_msg_size_t size)
{
	h->msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND,
				      MACH_MSG_TYPE_MAKE_SEND_ONCE);
	h->msgh_size = size;
	h->msgh_remote_port = bp;
	h->msgh_local_port = rp;
	h->msgh_voucher_port = MACH_PORT_NULL;
	h->msgh_id = id;
}

/* Send @req (of @size) and receive its reply into @rep. */
static kern_return_t exchange(mach_msg_header_t *req, mach_msg_size_t size,
			      reply_t *rep)
{
	mach_port_t rp = req->msgh_local_port;
	mach_msg_id_t id = req->msgh_id;
	kern_return_t kr;

	kr = mach_msg(req, MACH_SEND_MSG | MACH_RCV_MSG, size, sizeof(*rep),
		      rp, MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
	if (kr != MACH_MSG_SUCCESS) {
		/* A reply may still come: never to this port again. */
		if (kr != MACH_SEND_INVALID_DEST && kr != MACH_SEND_INVALID_RIGHT)
			mig_dealloc_reply_port(rp);
		return kr;
	}
	/* The reply is in the same buffer (@rep overlays @req). */
	if (rep->error.Head.msgh_id != id + BOOTSTRAP_MSG_REPLY_DELTA) {
		mach_msg_destroy(&rep->error.Head);
		return rep->error.Head.msgh_id == MACH_NOTIFY_SEND_ONCE ?
			MIG_SERVER_DIED : MIG_REPLY_MISMATCH;
	}
	return KERN_SUCCESS;
}

/* The return code of a reply that carries no port. */
static kern_return_t code_of(reply_t *rep)
{
	mach_msg_header_t *h = &rep->error.Head;

	if ((h->msgh_bits & MACH_MSGH_BITS_COMPLEX) ||
	    h->msgh_size != sizeof(mig_reply_error_t)) {
		mach_msg_destroy(h);
		return MIG_TYPE_ERROR;
	}
	return rep->error.RetCode;
}

/* The port of a reply that carries one, else its return code. */
static kern_return_t port_of(reply_t *rep, mach_msg_type_name_t want,
			     mach_port_t *sp)
{
	mach_msg_header_t *h = &rep->port.head;
	kern_return_t kr;

	if (!(h->msgh_bits & MACH_MSGH_BITS_COMPLEX)) {
		kr = code_of(rep);
		return kr == KERN_SUCCESS ? MIG_TYPE_ERROR : kr;
	}
	if (h->msgh_size != sizeof(port_reply_t) ||
	    rep->port.body.msgh_descriptor_count != 1 ||
	    rep->port.port.type != MACH_MSG_PORT_DESCRIPTOR ||
	    rep->port.port.disposition != want) {
		mach_msg_destroy(h);
		return MIG_TYPE_ERROR;
	}
	*sp = rep->port.port.name;
	return KERN_SUCCESS;
}

static kern_return_t name_call(mach_port_t bp, mach_msg_id_t id,
			       const char *service_name,
			       mach_msg_type_name_t want, mach_port_t *sp)
{
	union {
		name_request_t req;
		reply_t rep;
	} m;
	mach_port_t rp;
	kern_return_t kr;

	if (!sp)
		return KERN_INVALID_ARGUMENT;
	kr = copy_name(m.req.name, service_name);
	if (kr != KERN_SUCCESS)
		return kr;
	rp = mig_get_reply_port();
	if (rp == MACH_PORT_NULL)
		return BOOTSTRAP_NO_MEMORY;
	set_header(&m.req.head, bp, rp, id, sizeof(m.req));
	m.req.ndr = NDR_record;
	kr = exchange(&m.req.head, sizeof(m.req), &m.rep);
	if (kr != KERN_SUCCESS)
		return kr;
	return port_of(&m.rep, want, sp);
}

kern_return_t bootstrap_check_in(mach_port_t bp, const char *service_name,
				 mach_port_t *sp)
{
	return name_call(bp, BOOTSTRAP_MSG_CHECK_IN, service_name,
			 MACH_MSG_TYPE_PORT_RECEIVE, sp);
}

kern_return_t bootstrap_look_up(mach_port_t bp, const char *service_name,
				mach_port_t *sp)
{
	return name_call(bp, BOOTSTRAP_MSG_LOOK_UP, service_name,
			 MACH_MSG_TYPE_PORT_SEND, sp);
}

kern_return_t bootstrap_register(mach_port_t bp, const char *service_name,
				 mach_port_t sp)
{
	union {
		register_request_t req;
		reply_t rep;
	} m;
	mach_port_t rp;
	kern_return_t kr;

	kr = copy_name(m.req.name, service_name);
	if (kr != KERN_SUCCESS)
		return kr;
	rp = mig_get_reply_port();
	if (rp == MACH_PORT_NULL)
		return BOOTSTRAP_NO_MEMORY;
	set_header(&m.req.head, bp, rp, BOOTSTRAP_MSG_REGISTER, sizeof(m.req));
	m.req.head.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
	m.req.body.msgh_descriptor_count = 1;
	memset(&m.req.port, 0, sizeof(m.req.port));
	m.req.port.name = sp;
	m.req.port.disposition = MACH_MSG_TYPE_COPY_SEND;
	m.req.port.type = MACH_MSG_PORT_DESCRIPTOR;
	m.req.ndr = NDR_record;
	kr = exchange(&m.req.head, sizeof(m.req), &m.rep);
	if (kr != KERN_SUCCESS)
		return kr;
	return code_of(&m.rep);
}

const char *bootstrap_strerror(kern_return_t r)
{
	switch (r) {
	case BOOTSTRAP_SUCCESS:
		return "Success";
	case BOOTSTRAP_NOT_PRIVILEGED:
		return "Permission denied";
	case BOOTSTRAP_NAME_IN_USE:
		return "Service name already exists";
	case BOOTSTRAP_UNKNOWN_SERVICE:
		return "Unknown service name";
	case BOOTSTRAP_SERVICE_ACTIVE:
		return "Service already active";
	case BOOTSTRAP_BAD_COUNT:
		return "Bad service name length or count";
	case BOOTSTRAP_NO_MEMORY:
		return "Out of memory, or too many names";
	case BOOTSTRAP_NO_CHILDREN:
		return "No child bootstrap subsets";
	default:
		return mach_error_string(r);
	}
}
