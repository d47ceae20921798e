/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_NOTIFY_H
#define MACHPORT_NOTIFY_H

#include <linux/list.h>
#include <linux/types.h>

struct machport_request_notification;
struct mp_kmsg;
struct mp_port;
struct mp_space;

/**
 * struct mp_dnreq - a dead-name request: tell @notify with @name when the
 * port dies (MACH_NOTIFY_DEAD_NAME), or when @space lets go of @name first
 * (MACH_NOTIFY_PORT_DELETED).
 * @link: on port->dnrequests, under the port's lock.
 * @space: the space whose name it is; identity only, never dereferenced
 *	(its entries cancel their requests before the space goes).
 * @name: the name in @space.
 * @notify: the send-once right to notify with (a port reference).
 */
struct mp_dnreq {
	struct list_head link;
	struct mp_space *space;
	u32 name;
	struct mp_port *notify;
};

void mp_notify_send_value(struct mp_port *dest, u32 msgt, u32 id, u32 value);
int mp_notify_send_port(struct mp_port *dest, u32 msgt, u32 id,
			struct mp_port *port, u8 disp, struct list_head *reap);
void mp_notify_reply_in_place(struct mp_kmsg *kmsg, u32 id, u32 code);
void mp_notify_send_once(struct mp_port *port);
void mp_notify_no_senders(struct mp_port *notify, u32 mscount);
void mp_notify_dead_name(struct mp_port *notify, u32 name);
void mp_notify_port_destroyed(struct mp_port *notify, struct mp_port *port,
			      struct list_head *reap);
void mp_notify_dead_requests(struct list_head *requests);
void mp_notify_drop_requests(struct mp_port *port);
void mp_notify_cancel(struct mp_port *port, struct mp_space *space, u32 name);
int mp_notify_request(struct mp_space *space,
		      struct machport_request_notification *a);

#endif /* MACHPORT_NOTIFY_H */
