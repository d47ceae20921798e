/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_ATTR_H
#define MACHPORT_ATTR_H

#include <linux/types.h>

struct machport_msg_trailer;
struct machport_port_ctl;
struct machport_port_peek;
struct mp_space;

int mp_attr_get(struct mp_space *space, u32 name, u32 flavor, u32 *info,
		u32 *count);
int mp_attr_set(struct mp_space *space, u32 name, u32 flavor,
		const u32 *info, u32 count);
int mp_attr_ctl(struct mp_space *space, struct machport_port_ctl *a);
int mp_attr_peek(struct mp_space *space, struct machport_port_peek *a,
		 struct machport_msg_trailer *trailer);

#endif /* MACHPORT_ATTR_H */
