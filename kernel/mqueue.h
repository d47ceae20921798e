/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_MQUEUE_H
#define MACHPORT_MQUEUE_H

#include <linux/list.h>
#include <linux/types.h>

struct machport_msg_trailer;
struct mp_kmsg;
struct mp_member;
struct mp_port;
struct mp_pset;
struct mp_space;

/* What a receiver waits for and accepts. */
struct mp_rcv_req {
	struct mp_space *space;	/* receiver's space */
	u32 name;		/* the receive right's name there */
	u32 option;
	long timeout;		/* jiffies, MAX_SCHEDULE_TIMEOUT for none */
	u32 max_size;		/* largest message that fits with its trailer */
	u32 too_large_size;	/* out: size needed, for MACH_RCV_TOO_LARGE */
	struct mp_port *from;	/* out: the port the message came from */
	u32 local_name;		/* out: its name in the receiver's space */
};

int mp_mqueue_send(struct mp_port *port, struct mp_kmsg *kmsg, u32 option,
		   long timeout, struct list_head *reap);
int mp_mqueue_receive(struct mp_port *port, struct mp_rcv_req *req,
		      struct mp_kmsg **kmsgp);
int mp_mqueue_receive_set(struct mp_pset *set, struct mp_rcv_req *req,
			  struct mp_kmsg **kmsgp);
void mp_mqueue_port_changed(struct mp_port *port);
void mp_mqueue_set_ready(struct mp_pset *set, struct mp_member *mb);
void mp_mqueue_set_changed(struct mp_pset *set);
void mp_mqueue_set_qlimit(struct mp_port *port, u32 qlimit);
bool mp_mqueue_peek(struct mp_port *port, u32 *seqno, u32 *size, s32 *id,
		    struct machport_msg_trailer *trailer, u32 trailer_size);

#endif /* MACHPORT_MQUEUE_H */
