/* SPDX-License-Identifier: MIT */
/*
 * libmachport internals: the descriptor for /dev/mach and the ioctl call.
 */
#ifndef LIBMACHPORT_INTERNAL_H
#define LIBMACHPORT_INTERNAL_H

#include <mach/mach.h>
#include <linux/machport.h>

#define MP_HIDDEN __attribute__((visibility("hidden")))

/* The task's own name, as on macOS (index 1, generation 0x03). */
#define MP_TASK_SELF_NAME	((mach_port_name_t)0x103)

/*
 * Run one ioctl on the calling process's IPC space, opening it on first
 * use. Returns the Mach code the kernel gave, or the Mach code that best
 * describes a failure of the ioctl itself (@fault_kr for a bad user
 * pointer). Retries once with a fresh space if the descriptor belongs to
 * a parent (a fork the library did not see, e.g. a raw clone()).
 */
MP_HIDDEN kern_return_t mp_ioctl(unsigned long cmd, void *arg,
				 kern_return_t fault_kr);

/*
 * Counts the forks this process's library has seen in a child: state
 * that holds names (per-thread reply ports...) is stale when it was
 * recorded under another generation.
 */
MP_HIDDEN unsigned int mp_fork_generation(void);

/* /dev/mach exists and may be opened (no message if not). */
MP_HIDDEN int mp_device_present(void);

/* After fork, in the child: fetch the child's own bootstrap port. */
MP_HIDDEN void mp_bootstrap_after_fork(void);

/* True if @task names the calling task. */
static inline int mp_task_ok(mach_port_t task)
{
	return task == MP_TASK_SELF_NAME;
}

#endif /* LIBMACHPORT_INTERNAL_H */
