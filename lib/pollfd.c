// SPDX-License-Identifier: MIT
/*
 * mp_pollfd_open(): a descriptor that polls readable while a receive
 * right or port set has messages (MACHPORT_IOC_PORT_POLLFD).
 */
#include <errno.h>

#include <machport/pollfd.h>

#include "internal.h"

kern_return_t mp_pollfd_open(mach_port_t name, int *fd)
{
	struct machport_port_pollfd a = {
		.name = name,
		.flags = MACHPORT_POLLFD_CLOEXEC,
	};
	kern_return_t kr;

	if (!fd)
		return KERN_INVALID_ARGUMENT;
	errno = 0;
	kr = mp_ioctl(MACHPORT_IOC_PORT_POLLFD, &a, KERN_INVALID_ADDRESS);
	if (kr == KERN_FAILURE && (errno == EMFILE || errno == ENFILE))
		return KERN_RESOURCE_SHORTAGE;
	if (kr == KERN_SUCCESS)
		*fd = a.fd;
	return kr;
}
