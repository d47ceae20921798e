/* SPDX-License-Identifier: MIT */
/*
 * <servers/bootstrap.h>: finding ports by name (libmachport).
 *
 * Signatures and return codes as on macOS. The calls are MIG-shaped
 * requests sent to the bootstrap port given (normally bootstrap_port, the
 * task's TASK_BOOTSTRAP_PORT): the kernel module answers them by default,
 * one name registry per IPC namespace; a process may install its own
 * server with task_set_bootstrap_port(). The protocol is documented in
 * Documentation/bootstrap.md.
 */
#ifndef LIBMACHPORT_SERVERS_BOOTSTRAP_H
#define LIBMACHPORT_SERVERS_BOOTSTRAP_H

#include <mach/mach.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BOOTSTRAP_MAX_NAME_LEN		128
#define BOOTSTRAP_MAX_CMD_LEN		512
#define BOOTSTRAP_MAX_LOOKUP_COUNT	20

typedef char name_t[BOOTSTRAP_MAX_NAME_LEN];
typedef char cmd_t[BOOTSTRAP_MAX_CMD_LEN];
typedef name_t *name_array_t;
typedef int bootstrap_status_t;
typedef bootstrap_status_t *bootstrap_status_array_t;
typedef boolean_t *bool_array_t;

#define BOOTSTRAP_SUCCESS		0
#define BOOTSTRAP_NOT_PRIVILEGED	1100
#define BOOTSTRAP_NAME_IN_USE		1101
#define BOOTSTRAP_UNKNOWN_SERVICE	1102
#define BOOTSTRAP_SERVICE_ACTIVE	1103
#define BOOTSTRAP_BAD_COUNT		1104
#define BOOTSTRAP_NO_MEMORY		1105
#define BOOTSTRAP_NO_CHILDREN		1106

#define BOOTSTRAP_STATUS_INACTIVE	0
#define BOOTSTRAP_STATUS_ACTIVE		1
#define BOOTSTRAP_STATUS_ON_DEMAND	2

/* The task's bootstrap port, set up when the library loads and after fork. */
extern mach_port_t bootstrap_port;

/*
 * macOS declares the names as name_t (char[128]); an array parameter is a
 * pointer, so these are the same functions, but spelt as pointers GCC
 * does not warn that a string literal is shorter than 128 bytes.
 */
kern_return_t bootstrap_check_in(mach_port_t bp, const char *service_name,
				 mach_port_t *sp);
kern_return_t bootstrap_register(mach_port_t bp, const char *service_name,
				 mach_port_t sp)
	__attribute__((deprecated("use bootstrap_check_in()")));
kern_return_t bootstrap_look_up(mach_port_t bp, const char *service_name,
				mach_port_t *sp);
const char *bootstrap_strerror(kern_return_t r);

/*
 * The request protocol (ours; MIG conventions): message ids, and the
 * reply id of each request is its id + 100.
 */
#define BOOTSTRAP_MSG_CHECK_IN		402
#define BOOTSTRAP_MSG_REGISTER		403
#define BOOTSTRAP_MSG_LOOK_UP		404
#define BOOTSTRAP_MSG_REPLY_DELTA	100

#ifdef __cplusplus
}
#endif

#endif /* LIBMACHPORT_SERVERS_BOOTSTRAP_H */
