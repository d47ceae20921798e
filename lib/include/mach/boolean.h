/* SPDX-License-Identifier: MIT */
/*
 * <mach/boolean.h> - boolean_t, TRUE and FALSE.
 *
 * macOS does not use one type everywhere: its x86_64 userspace headers
 * make boolean_t an unsigned int, its arm64 headers a (signed) int.  We
 * follow the macOS SDK of the same architecture so that code which
 * compiles warning-free on a given Mac (-Wsign-compare and friends) does
 * the same here.  Both are 32 bits wide, so structure layouts agree either
 * way.
 */
#ifndef LIBMACHPORT_MACH_BOOLEAN_H
#define LIBMACHPORT_MACH_BOOLEAN_H

#if defined(__x86_64__)
typedef unsigned int boolean_t;
#else
typedef int boolean_t;
#endif

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#endif /* LIBMACHPORT_MACH_BOOLEAN_H */
