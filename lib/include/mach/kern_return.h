/* SPDX-License-Identifier: MIT */
/*
 * <mach/kern_return.h> - result codes of Mach kernel calls.
 *
 * The numbers are the ones macOS uses; they are part of the ABI because
 * programs compare against them and print them.  mach_error_string()
 * (<mach/mach_error.h>) turns any of them into text.
 */
#ifndef LIBMACHPORT_MACH_KERN_RETURN_H
#define LIBMACHPORT_MACH_KERN_RETURN_H

typedef int kern_return_t;

#define KERN_SUCCESS			0

/* Memory and arguments */
#define KERN_INVALID_ADDRESS		1	/* address not mapped */
#define KERN_PROTECTION_FAILURE		2	/* access not permitted */
#define KERN_NO_SPACE			3	/* address range busy or none free */
#define KERN_INVALID_ARGUMENT		4	/* argument not acceptable */
#define KERN_FAILURE			5	/* generic failure */
#define KERN_RESOURCE_SHORTAGE		6	/* out of a kernel resource */

/* Port rights and names */
#define KERN_NOT_RECEIVER		7	/* caller lacks the receive right */
#define KERN_NO_ACCESS			8	/* access restriction violated */
#define KERN_MEMORY_FAILURE		9	/* backing object destroyed */
#define KERN_MEMORY_ERROR		10	/* backing object returned an error */
#define KERN_ALREADY_IN_SET		11	/* port is already in that set */
#define KERN_NOT_IN_SET			12	/* port is in no set */
#define KERN_NAME_EXISTS		13	/* name already used in the space */
#define KERN_ABORTED			14	/* operation aborted */
#define KERN_INVALID_NAME		15	/* name denotes no right */
#define KERN_INVALID_TASK		16	/* target task is not active */
#define KERN_INVALID_RIGHT		17	/* name holds the wrong kind of right */
#define KERN_INVALID_VALUE		18	/* value out of range */
#define KERN_UREFS_OVERFLOW		19	/* user-reference count would overflow */
#define KERN_INVALID_CAPABILITY		20	/* right is not usable here */
#define KERN_RIGHT_EXISTS		21	/* port already named otherwise */
#define KERN_INVALID_HOST		22	/* not a host port */

/* Memory objects (kernel-internal on macOS, kept for completeness) */
#define KERN_MEMORY_PRESENT		23
#define KERN_MEMORY_DATA_MOVED		24
#define KERN_MEMORY_RESTART_COPY	25

/* Scheduling, processors, objects */
#define KERN_INVALID_PROCESSOR_SET	26
#define KERN_POLICY_LIMIT		27
#define KERN_INVALID_POLICY		28
#define KERN_INVALID_OBJECT		29
#define KERN_ALREADY_WAITING		30
#define KERN_DEFAULT_SET		31
#define KERN_EXCEPTION_PROTECTED	32
#define KERN_INVALID_LEDGER		33
#define KERN_INVALID_MEMORY_CONTROL	34
#define KERN_INVALID_SECURITY		35
#define KERN_NOT_DEPRESSED		36
#define KERN_TERMINATED			37	/* object no longer exists */

/* Synchronisation objects */
#define KERN_LOCK_SET_DESTROYED		38
#define KERN_LOCK_UNSTABLE		39
#define KERN_LOCK_OWNED			40
#define KERN_LOCK_OWNED_SELF		41
#define KERN_SEMAPHORE_DESTROYED	42

/* RPC and miscellany */
#define KERN_RPC_SERVER_TERMINATED	43
#define KERN_RPC_TERMINATE_ORPHAN	44
#define KERN_RPC_CONTINUE_ORPHAN	45
#define KERN_NOT_SUPPORTED		46
#define KERN_NODE_DOWN			47
#define KERN_NOT_WAITING		48
#define KERN_OPERATION_TIMED_OUT	49
#define KERN_CODESIGN_ERROR		50
#define KERN_POLICY_STATIC		51
#define KERN_INSUFFICIENT_BUFFER_SIZE	52
#define KERN_DENIED			53
#define KERN_MISSING_KC			54
#define KERN_INVALID_KC			55
#define KERN_NOT_FOUND			56

/* Upper bound of the kernel's own return codes. */
#define KERN_RETURN_MAX			0x100

#endif /* LIBMACHPORT_MACH_KERN_RETURN_H */
