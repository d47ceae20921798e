/* SPDX-License-Identifier: MIT */
/*
 * <mach/mach_traps.h> - Mach calls that are traps on macOS rather than
 * messages to the kernel.
 */
#ifndef LIBMACHPORT_MACH_MACH_TRAPS_H
#define LIBMACHPORT_MACH_MACH_TRAPS_H

#include <mach/std_types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Create a new port and return the name of its receive right in the
 * caller's space (MACH_PORT_NULL if none could be made).  The caller owns
 * the right and releases it with mach_port_mod_refs() or
 * mach_port_destroy().
 */
extern mach_port_name_t mach_reply_port(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBMACHPORT_MACH_MACH_TRAPS_H */
