/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_MSG_H
#define MACHPORT_MSG_H

struct machport_msg;
struct mp_space;

extern unsigned int mp_max_msg_size;

int mp_msg(struct mp_space *space, const struct machport_msg *args);

#endif /* MACHPORT_MSG_H */
