/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_KOBJECT_H
#define MACHPORT_KOBJECT_H

struct mp_kmsg;

void mp_kobject_receive(struct mp_kmsg *kmsg);

#endif /* MACHPORT_KOBJECT_H */
