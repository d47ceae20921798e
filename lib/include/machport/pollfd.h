/* SPDX-License-Identifier: MIT */
/*
 * <machport/pollfd.h>: a file descriptor that polls readable while a
 * receive right or port set has a message queued (libmachport's own
 * call, the Linux counterpart of EVFILT_MACHPORT).
 */
#ifndef LIBMACHPORT_MACHPORT_POLLFD_H
#define LIBMACHPORT_MACHPORT_POLLFD_H

#include <mach/mach.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A new descriptor (O_CLOEXEC) for the receive right or port set @name of
 * the calling task, in *@fd. It reports POLLIN while a message is queued
 * on the port (on any member, for a set) and POLLHUP once the port or set
 * is destroyed. It refers to the port itself, not to the name: close it
 * whenever you like, before or after the right goes. Reading it fails
 * with EINVAL; messages are received with mach_msg().
 *
 * Returns KERN_SUCCESS, KERN_INVALID_NAME, KERN_INVALID_RIGHT (not a
 * receive right or port set), KERN_INVALID_TASK or KERN_RESOURCE_SHORTAGE
 * (no descriptor free, errno says why).
 */
kern_return_t mp_pollfd_open(mach_port_t name, int *fd);

#ifdef __cplusplus
}
#endif

#endif /* LIBMACHPORT_MACHPORT_POLLFD_H */
