/* SPDX-License-Identifier: MIT */
/*
 * <mach/task_special_ports.h> - selectors for task_get_special_port() and
 * task_set_special_port().  These are slot numbers, not port names.
 */
#ifndef LIBMACHPORT_MACH_TASK_SPECIAL_PORTS_H
#define LIBMACHPORT_MACH_TASK_SPECIAL_PORTS_H

typedef int task_special_port_t;

#define TASK_KERNEL_PORT		1	/* the task's own control port */
#define TASK_HOST_PORT			2	/* host port */
#define TASK_NAME_PORT			3	/* name-only task port */
#define TASK_BOOTSTRAP_PORT		4	/* bootstrap server */
#define TASK_INSPECT_PORT		5
#define TASK_READ_PORT			6
/* 7 and 8 were used by macOS for ports it has since retired. */
#define TASK_ACCESS_PORT		9
#define TASK_DEBUG_CONTROL_PORT		10
#define TASK_RESOURCE_NOTIFY_PORT	11
#define TASK_MAX_SPECIAL_PORT		TASK_RESOURCE_NOTIFY_PORT

/* Shorthands; they need task_get/set_special_port() to be declared. */
#define task_get_kernel_port(task, port) \
	(task_get_special_port((task), TASK_KERNEL_PORT, (port)))
#define task_set_kernel_port(task, port) \
	(task_set_special_port((task), TASK_KERNEL_PORT, (port)))
#define task_get_host_port(task, port) \
	(task_get_special_port((task), TASK_HOST_PORT, (port)))
#define task_set_host_port(task, port) \
	(task_set_special_port((task), TASK_HOST_PORT, (port)))
#define task_get_bootstrap_port(task, port) \
	(task_get_special_port((task), TASK_BOOTSTRAP_PORT, (port)))
#define task_set_bootstrap_port(task, port) \
	(task_set_special_port((task), TASK_BOOTSTRAP_PORT, (port)))
#define task_get_task_access_port(task, port) \
	(task_get_special_port((task), TASK_ACCESS_PORT, (port)))
#define task_set_task_access_port(task, port) \
	(task_set_special_port((task), TASK_ACCESS_PORT, (port)))
#define task_get_debug_control_port(task, port) \
	(task_get_special_port((task), TASK_DEBUG_CONTROL_PORT, (port)))
#define task_set_task_debug_control_port(task, port) \
	(task_set_special_port((task), TASK_DEBUG_CONTROL_PORT, (port)))

#endif /* LIBMACHPORT_MACH_TASK_SPECIAL_PORTS_H */
