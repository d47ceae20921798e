/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_SPECIAL_H
#define MACHPORT_SPECIAL_H

#include <linux/types.h>

struct mp_port;
struct mp_space;

void mp_special_init(struct mp_space *space, struct mp_port *bootstrap);
int mp_special_get(struct mp_space *space, u32 which, u32 *name);
int mp_special_set(struct mp_space *space, u32 which, u32 name);
void mp_special_inherit(struct mp_space *child, struct mp_space *parent);
void mp_special_release(struct mp_space *space);

#endif /* MACHPORT_SPECIAL_H */
