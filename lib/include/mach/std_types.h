/* SPDX-License-Identifier: MIT */
/*
 * <mach/std_types.h> - the basic Mach types in one include.
 */
#ifndef LIBMACHPORT_MACH_STD_TYPES_H
#define LIBMACHPORT_MACH_STD_TYPES_H

#include <stdint.h>
#include <mach/boolean.h>
#include <mach/kern_return.h>
#include <mach/port.h>
#include <mach/machine/vm_types.h>
#include <mach/vm_types.h>

#endif /* LIBMACHPORT_MACH_STD_TYPES_H */
