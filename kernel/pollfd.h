/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_POLLFD_H
#define MACHPORT_POLLFD_H

#include <linux/compiler.h>
#include <linux/poll.h>
#include <linux/types.h>

struct machport_port_pollfd;
struct mp_port;
struct mp_pset;
struct mp_space;

long mp_pollfd_open(struct mp_space *space, struct machport_port_pollfd *a,
		    void __user *uarg);
void mp_pollfd_port_wake(struct mp_port *port, __poll_t mask);
void mp_pollfd_set_wake(struct mp_pset *set, __poll_t mask);
void mp_pollfd_free(struct mp_port *port);

#endif /* MACHPORT_POLLFD_H */
