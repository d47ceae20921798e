/* SPDX-License-Identifier: MIT */
/*
 * <mach/error.h> - structure of Mach error codes.
 *
 * A 32-bit error code is split into a 6-bit system (bits 26-31), a 12-bit
 * subsystem (bits 14-25) and a 14-bit code (bits 0-13).  Kernel results
 * (<mach/kern_return.h>) are system 0, subsystem 0; mach_msg() results
 * (<mach/message.h>) are system 4 with subsystem 0 (send) or 1 (receive).
 */
#ifndef LIBMACHPORT_MACH_ERROR_H
#define LIBMACHPORT_MACH_ERROR_H

#include <mach/kern_return.h>

typedef kern_return_t mach_error_t;
typedef mach_error_t (*mach_error_fn_t)(void);

#define err_none		((mach_error_t)0)
#define ERR_SUCCESS		((mach_error_t)0)
#define ERR_ROUTINE_NIL		((mach_error_fn_t)0)

/*
 * Built from unsigned arithmetic so that the high systems (err_local,
 * err_ipc_compat) do not overflow a signed int.
 */
#define err_system(x)		((mach_error_t)(((unsigned int)(x) & 0x3fu) << 26))
#define err_sub(x)		((mach_error_t)(((unsigned int)(x) & 0xfffu) << 14))

/* The parts of a code, as non-negative ints. */
#define err_get_system(err)	((int)((((unsigned int)(err)) >> 26) & 0x3f))
#define err_get_sub(err)	((int)((((unsigned int)(err)) >> 14) & 0xfff))
#define err_get_code(err)	((int)(((unsigned int)(err)) & 0x3fff))

#define system_emask		(err_system(0x3f))
#define sub_emask		(err_sub(0xfff))
#define code_emask		(0x3fff)

/* Systems */
#define err_kern		err_system(0x0)		/* the kernel */
#define err_us			err_system(0x1)		/* user-space libraries */
#define err_server		err_system(0x2)		/* user-space servers */
#define err_ipc			err_system(0x3)		/* old IPC */
#define err_mach_ipc		err_system(0x4)		/* Mach IPC */
#define err_dipc		err_system(0x7)		/* distributed IPC */
#define err_local		err_system(0x3e)	/* for the application */
#define err_ipc_compat		err_system(0x3f)	/* old Mach IPC */

#define err_max_system		0x3f

/* Unix errno values folded into the kernel system, subsystem 3. */
#define unix_err(errno)		(err_kern | err_sub(3) | (errno))

#endif /* LIBMACHPORT_MACH_ERROR_H */
