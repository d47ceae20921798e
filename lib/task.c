// SPDX-License-Identifier: MIT
/*
 * task_get_special_port() and task_set_special_port().
 */
#include "internal.h"

kern_return_t task_get_special_port(task_t task, int which_port,
				    mach_port_t *special_port)
{
	struct machport_special_port a = { .which = (uint32_t)which_port };
	kern_return_t kr;

	if (!mp_task_ok(task))
		return MACH_SEND_INVALID_DEST;
	kr = mp_ioctl(MACHPORT_IOC_GET_SPECIAL, &a, KERN_INVALID_ADDRESS);
	if (kr == KERN_SUCCESS)
		*special_port = a.name;
	return kr;
}

kern_return_t task_set_special_port(task_t task, int which_port,
				    mach_port_t special_port)
{
	struct machport_special_port a = {
		.which = (uint32_t)which_port,
		.name = special_port,
	};

	if (!mp_task_ok(task))
		return MACH_SEND_INVALID_DEST;
	return mp_ioctl(MACHPORT_IOC_SET_SPECIAL, &a, KERN_INVALID_ADDRESS);
}
