/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Definitions shared by every file of the module: limits and statistics.
 */
#ifndef MACHPORT_H
#define MACHPORT_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/machport.h>

#include "compat.h"

/*
 * Limits on what one IPC space may consume. Every allocation a user can
 * trigger is bounded by one of them and charged to the caller's memory
 * cgroup (GFP_KERNEL_ACCOUNT).
 */
extern unsigned int mp_max_names;	/* names per space */
extern unsigned long mp_max_ool_size;	/* OOL bytes per message */
extern unsigned int mp_max_ool_ports;	/* OOL port names per message */

/* Module-wide object counters, for leak accounting and introspection. */
struct mp_stats {
	atomic_long_t spaces;
	atomic_long_t ports;
};

extern struct mp_stats mp_stats;

#endif /* MACHPORT_H */
