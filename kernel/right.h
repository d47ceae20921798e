/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_RIGHT_H
#define MACHPORT_RIGHT_H

#include <linux/list.h>
#include <linux/types.h>

struct mp_entry;
struct mp_port;
struct mp_pset;
struct mp_space;

/* What a right in transit is: MACH_MSG_TYPE_PORT_* (macOS values). */
#define MP_MSGT_PORT_RECEIVE	16
#define MP_MSGT_PORT_SEND	17
#define MP_MSGT_PORT_SEND_ONCE	18

int mp_right_allocate(struct mp_space *space, u32 right, u32 flags, u32 *name);
int mp_right_deallocate(struct mp_space *space, u32 name);
int mp_right_destroy(struct mp_space *space, u32 name);
int mp_right_type(struct mp_space *space, u32 name, u32 *type);
int mp_right_mod_refs(struct mp_space *space, u32 name, u32 right, s32 delta);
int mp_right_get_refs(struct mp_space *space, u32 name, u32 right, u32 *refs);
int mp_right_insert(struct mp_space *space, u32 name, u32 poly, u32 disp);
int mp_right_extract(struct mp_space *space, u32 name, u32 disp, u32 *poly,
		     u32 *msgt);
u32 mp_right_snapshot(struct mp_space *space, u32 *names, u32 *types,
		      u32 count);

int mp_right_init_task(struct mp_space *space);
struct mp_entry *mp_right_lookup(struct mp_space *space, u32 name);
void mp_right_destroy_entry(struct mp_space *space, struct mp_entry *e);

/* The rights of a message header, on their way in. */
struct mp_header_rights {
	u32 dest_name, dest_disp;
	u32 reply_name, reply_disp;
	struct mp_port *dest;	/* out; NULL when @drop */
	struct mp_port *reply;	/* out; NULL for none or dead */
	bool reply_dead;	/* out: the reply right travels as DEAD */
	bool drop;		/* out: dead send-once destination */
};

int mp_right_copyin_header(struct mp_space *space, struct mp_header_rights *h);
u32 mp_right_disp_to_msgt(u32 disp);
int mp_right_copyin(struct mp_space *space, u32 name, u32 disp,
		    struct mp_port **portp);
u32 mp_right_copyout(struct mp_space *space, struct mp_port *port, u32 msgt);
void mp_right_drop_transit(struct mp_port *port, u32 msgt);
void mp_right_release_transit(struct mp_port *port, u32 msgt,
			      struct list_head *reap);
void mp_right_drop_used(struct mp_port *port, u32 msgt);
int mp_right_receive_port(struct mp_space *space, u32 name,
			  struct mp_port **portp);
int mp_right_poll_object(struct mp_space *space, u32 name,
			 struct mp_port **portp, struct mp_pset **setp);
int mp_right_receive_object(struct mp_space *space, u32 name,
			    struct mp_port **portp, struct mp_pset **setp);
int mp_right_members(struct mp_space *space, u32 op, u32 name, u32 pset);
int mp_right_set_status(struct mp_space *space, u32 name, u32 *names,
			u32 *count);

#endif /* MACHPORT_RIGHT_H */
