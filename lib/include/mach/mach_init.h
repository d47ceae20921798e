/* SPDX-License-Identifier: MIT */
/*
 * <mach/mach_init.h> - ports every task starts with.
 *
 * macOS exposes mach_task_self() as a macro reading a global variable;
 * here it is a function.  Source code that calls mach_task_self()
 * compiles the same either way (only the mach_task_self_ variable itself
 * is not provided).
 */
#ifndef LIBMACHPORT_MACH_MACH_INIT_H
#define LIBMACHPORT_MACH_MACH_INIT_H

#include <mach/mach_types.h>
#include <mach/vm_page_size.h>
#include <mach/mach_traps.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The calling task's own task port (a send right; never deallocate it). */
extern mach_port_t mach_task_self(void);

/*
 * The calling thread's reply port for MIG-style requests (a receive right
 * the library keeps per thread; a new one after fork() or after
 * mig_dealloc_reply_port()).
 */
extern mach_port_t mig_get_reply_port(void);
extern void mig_dealloc_reply_port(mach_port_t reply_port);
extern void mig_put_reply_port(mach_port_t reply_port);

#ifdef __cplusplus
}
#endif

#define current_task()	mach_task_self()

#endif /* LIBMACHPORT_MACH_MACH_INIT_H */
