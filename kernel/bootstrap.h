/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_BOOTSTRAP_H
#define MACHPORT_BOOTSTRAP_H

struct mp_bootstrap;
struct mp_kmsg;
struct mp_port;

extern unsigned int mp_max_service_names;

struct mp_bootstrap *mp_bootstrap_get(void);
void mp_bootstrap_put(struct mp_bootstrap *bs);
struct mp_port *mp_bootstrap_port(struct mp_bootstrap *bs);
void mp_bootstrap_receive(struct mp_kmsg *kmsg);

#endif /* MACHPORT_BOOTSTRAP_H */
