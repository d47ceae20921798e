// SPDX-License-Identifier: MIT
/*
 * mach_msg(), mach_msg_overwrite() and mach_msg_destroy().
 */
#include <stddef.h>

#include "internal.h"

mach_msg_return_t mach_msg_overwrite(mach_msg_header_t *msg,
				     mach_msg_option_t option,
				     mach_msg_size_t send_size,
				     mach_msg_size_t rcv_size,
				     mach_port_name_t rcv_name,
				     mach_msg_timeout_t timeout,
				     mach_port_name_t notify,
				     mach_msg_header_t *rcv_msg,
				     mach_msg_size_t rcv_limit)
{
	struct machport_msg a = {
		.send_msg = (uintptr_t)msg,
		.rcv_msg = (uintptr_t)(rcv_msg ? rcv_msg : msg),
		.option = option,
		.send_size = send_size,
		.rcv_size = rcv_size,
		.rcv_name = rcv_name,
		.timeout = timeout,
		.notify = notify,
	};
	mach_msg_return_t mr;

	(void)rcv_limit;	/* unused by macOS's kernel too */
	/*
	 * As libsyscall does: an interrupted send or receive starts again
	 * unless the caller asked to see interruptions. A send that was
	 * interrupted did not happen; a receive is retried without the send.
	 */
	do {
		mr = mp_ioctl(MACHPORT_IOC_MSG, &a, MACH_SEND_INVALID_DATA);
	} while (mr == MACH_SEND_INTERRUPTED && !(option & MACH_SEND_INTERRUPT));
	while (mr == MACH_RCV_INTERRUPTED && !(option & MACH_RCV_INTERRUPT)) {
		a.option &= ~MACH_SEND_MSG;
		mr = mp_ioctl(MACHPORT_IOC_MSG, &a, MACH_RCV_INVALID_DATA);
	}
	return mr;
}

mach_msg_return_t mach_msg(mach_msg_header_t *msg, mach_msg_option_t option,
			   mach_msg_size_t send_size, mach_msg_size_t rcv_size,
			   mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
			   mach_port_name_t notify)
{
	return mach_msg_overwrite(msg, option, send_size, rcv_size, rcv_name,
				  timeout, notify, NULL, 0);
}

/* Release one right named in a message, by the type the message gives. */
static void destroy_port(mach_port_t port, mach_msg_type_name_t type)
{
	if (!MACH_PORT_VALID(port))
		return;
	switch (type) {
	case MACH_MSG_TYPE_MOVE_SEND:
	case MACH_MSG_TYPE_MOVE_SEND_ONCE:
		mach_port_deallocate(mach_task_self(), port);
		break;
	case MACH_MSG_TYPE_MOVE_RECEIVE:
		mach_port_mod_refs(mach_task_self(), port,
				   MACH_PORT_RIGHT_RECEIVE, -1);
		break;
	case MACH_MSG_TYPE_MAKE_SEND:
		/* Made and released at once: the make-send count moves. */
		if (mach_port_insert_right(mach_task_self(), port, port,
					   MACH_MSG_TYPE_MAKE_SEND) == KERN_SUCCESS)
			mach_port_deallocate(mach_task_self(), port);
		break;
	case MACH_MSG_TYPE_MAKE_SEND_ONCE: {
		mach_port_t so;
		mach_msg_type_name_t t;

		if (mach_port_extract_right(mach_task_self(), port,
					    MACH_MSG_TYPE_MAKE_SEND_ONCE,
					    &so, &t) == KERN_SUCCESS)
			mach_port_deallocate(mach_task_self(), so);
		break;
	}
	default:	/* COPY_SEND and bare names hold nothing */
		break;
	}
}

static void destroy_ool_ports(mach_msg_ool_ports_descriptor_t *d)
{
	mach_port_t *names = d->address;
	mach_msg_size_t i;

	for (i = 0; names && i < d->count; i++)
		destroy_port(names[i], d->disposition);
	if (names && d->count)
		vm_deallocate(mach_task_self(), (vm_address_t)names,
			      d->count * sizeof(*names));
}

/* Walk the descriptors; returns 0 when the body is malformed. */
static void destroy_body(mach_msg_header_t *msg)
{
	mach_msg_body_t *body = (mach_msg_body_t *)(msg + 1);
	char *p = (char *)(body + 1);
	char *end = (char *)msg + msg->msgh_size;
	mach_msg_size_t i;

	if ((char *)(body + 1) > end)
		return;
	for (i = 0; i < body->msgh_descriptor_count; i++) {
		mach_msg_descriptor_t *d = (mach_msg_descriptor_t *)p;

		if (p + sizeof(mach_msg_port_descriptor_t) > end)
			return;
		switch (d->type.type) {
		case MACH_MSG_PORT_DESCRIPTOR:
			destroy_port(d->port.name, d->port.disposition);
			p += sizeof(mach_msg_port_descriptor_t);
			break;
		case MACH_MSG_OOL_DESCRIPTOR:
		case MACH_MSG_OOL_VOLATILE_DESCRIPTOR:
			if (d->out_of_line.address && d->out_of_line.size)
				vm_deallocate(mach_task_self(),
					      (vm_address_t)d->out_of_line.address,
					      d->out_of_line.size);
			p += sizeof(mach_msg_ool_descriptor_t);
			break;
		case MACH_MSG_OOL_PORTS_DESCRIPTOR:
			destroy_ool_ports(&d->ool_ports);
			p += sizeof(mach_msg_ool_ports_descriptor_t);
			break;
		default:
			return;
		}
	}
}

/*
 * Release every right and out-of-line region a received message carries
 * (its reply right and its body; the destination right was used by the
 * delivery), as macOS does.
 */
void mach_msg_destroy(mach_msg_header_t *msg)
{
	destroy_port(msg->msgh_remote_port,
		     MACH_MSGH_BITS_REMOTE(msg->msgh_bits));
	destroy_port(msg->msgh_voucher_port,
		     MACH_MSGH_BITS_VOUCHER(msg->msgh_bits));
	if (msg->msgh_bits & MACH_MSGH_BITS_COMPLEX)
		destroy_body(msg);
}
