/* SPDX-License-Identifier: MIT */
/*
 * <mach/task.h> - the task calls libmachport provides (the caller's own
 * task only).
 */
#ifndef LIBMACHPORT_MACH_TASK_H
#define LIBMACHPORT_MACH_TASK_H

#include <mach/std_types.h>
#include <mach/mach_types.h>
#include <mach/task_special_ports.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A new send right (one more user reference) to a special port, or
 * MACH_PORT_NULL when none is set. */
kern_return_t task_get_special_port(task_t task, int which_port,
				    mach_port_t *special_port);

/* Set a special port to a copy of the send right @special_port names
 * (MACH_PORT_NULL clears it). A forked child starts with its parent's. */
kern_return_t task_set_special_port(task_t task, int which_port,
				    mach_port_t special_port);

#ifdef __cplusplus
}
#endif

#endif /* LIBMACHPORT_MACH_TASK_H */
