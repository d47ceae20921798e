/* SPDX-License-Identifier: MIT */
/*
 * <mach/mig_errors.h> - return codes of MIG-generated calls and the
 * layout of an error reply.
 */
#ifndef LIBMACHPORT_MACH_MIG_ERRORS_H
#define LIBMACHPORT_MACH_MIG_ERRORS_H

#include <mach/kern_return.h>
#include <mach/message.h>
#include <mach/ndr.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MIG_TYPE_ERROR		-300	/* type check failure */
#define MIG_REPLY_MISMATCH	-301	/* wrong reply message id */
#define MIG_REMOTE_ERROR	-302	/* server detected an error */
#define MIG_BAD_ID		-303	/* unknown request id */
#define MIG_BAD_ARGUMENTS	-304	/* server type check failure */
#define MIG_NO_REPLY		-305	/* no reply should be sent */
#define MIG_EXCEPTION		-306	/* server raised an exception */
#define MIG_ARRAY_TOO_LARGE	-307	/* array does not fit */
#define MIG_SERVER_DIED		-308	/* server died */
#define MIG_TRAILER_ERROR	-309	/* trailer has an unknown format */

/* The reply a server sends when it only has a return code to give. */
typedef struct {
	mach_msg_header_t	Head;
	NDR_record_t		NDR;
	kern_return_t		RetCode;
} mig_reply_error_t;

#ifdef __cplusplus
}
#endif

#endif /* LIBMACHPORT_MACH_MIG_ERRORS_H */
