/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_NETLINK_H
#define MACHPORT_NETLINK_H

#include <linux/init.h>

int __init mp_netlink_init(void);
void mp_netlink_exit(void);

#endif /* MACHPORT_NETLINK_H */
