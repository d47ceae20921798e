/* SPDX-License-Identifier: MIT */
/*
 * <mach/notify.h> - notifications the kernel sends about ports.
 *
 * A notification is requested with mach_port_request_notification() and
 * arrives on the send-once right given there, as a message whose msgh_id
 * is one of the MACH_NOTIFY_* numbers below (octal, as Mach always wrote
 * them).  The structures describe those messages as received with the
 * default 20-byte trailer; a receive buffer that asks for a larger
 * trailer must be sized with REQUESTED_TRAILER_SIZE() instead.
 */
#ifndef LIBMACHPORT_MACH_NOTIFY_H
#define LIBMACHPORT_MACH_NOTIFY_H

#include <mach/port.h>
#include <mach/message.h>
#include <mach/ndr.h>

#define MACH_NOTIFY_FIRST		0100
#define MACH_NOTIFY_PORT_DELETED	(MACH_NOTIFY_FIRST + 001)
	/* a send or send-once right with a request armed was deallocated */
#define MACH_NOTIFY_SEND_POSSIBLE	(MACH_NOTIFY_FIRST + 002)
	/* the destination queue has room again */
#define MACH_NOTIFY_PORT_DESTROYED	(MACH_NOTIFY_FIRST + 005)
	/* a receive right would have died; it is handed over instead */
#define MACH_NOTIFY_NO_SENDERS		(MACH_NOTIFY_FIRST + 006)
	/* the last send right to a port went away */
#define MACH_NOTIFY_SEND_ONCE		(MACH_NOTIFY_FIRST + 007)
	/* a send-once right was destroyed without being used */
#define MACH_NOTIFY_DEAD_NAME		(MACH_NOTIFY_FIRST + 010)
	/* the port behind a send or send-once right died */
#define MACH_NOTIFY_LAST		(MACH_NOTIFY_FIRST + 015)

typedef mach_port_t notify_port_t;

/* Body: the name that was deleted. */
typedef struct {
	mach_msg_header_t		not_header;
	NDR_record_t			NDR;
	mach_port_name_t		not_port;	/* MACH_MSG_TYPE_PORT_NAME */
	mach_msg_format_0_trailer_t	trailer;
} mach_port_deleted_notification_t;

/* Body: the name that can be sent to again. */
typedef struct {
	mach_msg_header_t		not_header;
	NDR_record_t			NDR;
	mach_port_name_t		not_port;	/* MACH_MSG_TYPE_PORT_NAME */
	mach_msg_format_0_trailer_t	trailer;
} mach_send_possible_notification_t;

/* Complex message: one port descriptor carrying the receive right. */
typedef struct {
	mach_msg_header_t		not_header;
	mach_msg_body_t			not_body;
	mach_msg_port_descriptor_t	not_port;	/* PORT_RECEIVE */
	mach_msg_format_0_trailer_t	trailer;
} mach_port_destroyed_notification_t;

/* Body: the port's make-send count when it lost its last sender. */
typedef struct {
	mach_msg_header_t		not_header;
	NDR_record_t			NDR;
	mach_msg_type_number_t		not_count;
	mach_msg_format_0_trailer_t	trailer;
} mach_no_senders_notification_t;

/* Header only. */
typedef struct {
	mach_msg_header_t		not_header;
	mach_msg_format_0_trailer_t	trailer;
} mach_send_once_notification_t;

/* Body: the name that is now a dead name. */
typedef struct {
	mach_msg_header_t		not_header;
	NDR_record_t			NDR;
	mach_port_name_t		not_port;	/* MACH_MSG_TYPE_PORT_NAME */
	mach_msg_format_0_trailer_t	trailer;
} mach_dead_name_notification_t;

#endif /* LIBMACHPORT_MACH_NOTIFY_H */
