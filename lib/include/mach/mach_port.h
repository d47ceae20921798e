/* SPDX-License-Identifier: MIT */
/*
 * <mach/mach_port.h> - managing the rights in an IPC space.
 *
 * Every call takes the IPC space first: a task port, normally
 * mach_task_self().  Signatures are those of macOS's <mach/mach_port.h>
 * (ipc_space_t, ipc_space_read_t and mach_port_t are all port names in
 * userspace).  Results are kern_return_t codes from <mach/kern_return.h>.
 */
#ifndef LIBMACHPORT_MACH_MACH_PORT_H
#define LIBMACHPORT_MACH_MACH_PORT_H

#include <mach/std_types.h>
#include <mach/mach_types.h>
#include <mach/message.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Inspecting names ------------------------------------------------- */

/*
 * List every name in the space with its MACH_PORT_TYPE_* bits.  The two
 * arrays are allocated with vm_allocate() in the caller; release them
 * with vm_deallocate().
 */
kern_return_t mach_port_names(ipc_space_t task,
			      mach_port_name_array_t *names,
			      mach_msg_type_number_t *namesCnt,
			      mach_port_type_array_t *types,
			      mach_msg_type_number_t *typesCnt);

/* The MACH_PORT_TYPE_* bits of one name. */
kern_return_t mach_port_type(ipc_space_t task, mach_port_name_t name,
			     mach_port_type_t *ptype);

/*
 * Obsolete: the macOS kernel no longer serves it, and it answers MIG_BAD_ID
 * here too. Declared for old sources.
 */
kern_return_t mach_port_rename(ipc_space_t task, mach_port_name_t old_name,
			       mach_port_name_t new_name);

/* ---- Creating and destroying rights ----------------------------------- */

/* New receive right, empty port set or dead name, under a chosen name. */
kern_return_t mach_port_allocate_name(ipc_space_t task,
				      mach_port_right_t right,
				      mach_port_name_t name);

/* The same, with a name chosen by the kernel. */
kern_return_t mach_port_allocate(ipc_space_t task, mach_port_right_t right,
				 mach_port_name_t *name);

/* Drop every right and every uref the name carries. */
kern_return_t mach_port_destroy(ipc_space_t task, mach_port_name_t name);

/* Drop one uref of a send, send-once or dead-name right. */
kern_return_t mach_port_deallocate(ipc_space_t task, mach_port_name_t name);

/* User references held for one kind of right under a name. */
kern_return_t mach_port_get_refs(ipc_space_t task, mach_port_name_t name,
				 mach_port_right_t right,
				 mach_port_urefs_t *refs);

/* Add delta (may be negative) to those references. */
kern_return_t mach_port_mod_refs(ipc_space_t task, mach_port_name_t name,
				 mach_port_right_t right,
				 mach_port_delta_t delta);

/*
 * Look at a queued message without receiving it: the one whose sequence
 * number is *request_seqnop, or the first one if that is 0.
 */
kern_return_t mach_port_peek(ipc_space_t task, mach_port_name_t name,
			     mach_msg_trailer_type_t trailer_type,
			     mach_port_seqno_t *request_seqnop,
			     mach_msg_size_t *msg_sizep,
			     mach_msg_id_t *msg_idp,
			     mach_msg_trailer_info_t trailer_infop,
			     mach_msg_type_number_t *trailer_infopCnt);

/* ---- Receive-right state ---------------------------------------------- */

kern_return_t mach_port_set_mscount(ipc_space_t task, mach_port_name_t name,
				    mach_port_mscount_t mscount);

kern_return_t mach_port_set_seqno(ipc_space_t task, mach_port_name_t name,
				  mach_port_seqno_t seqno);

/*
 * Read an attribute record (flavor MACH_PORT_*_INFO / _STATUS).  On entry
 * *port_info_outCnt is the room in port_info_out, in natural_t words; on
 * return it is the number of words written.
 */
kern_return_t mach_port_get_attributes(ipc_space_read_t task,
				       mach_port_name_t name,
				       mach_port_flavor_t flavor,
				       mach_port_info_t port_info_out,
				       mach_msg_type_number_t *port_info_outCnt);

kern_return_t mach_port_set_attributes(ipc_space_t task,
				       mach_port_name_t name,
				       mach_port_flavor_t flavor,
				       mach_port_info_t port_info,
				       mach_msg_type_number_t port_infoCnt);

kern_return_t mach_port_get_context(ipc_space_read_t task,
				    mach_port_name_t name,
				    mach_port_context_t *context);

kern_return_t mach_port_set_context(ipc_space_t task, mach_port_name_t name,
				    mach_port_context_t context);

/* ---- Port sets -------------------------------------------------------- */

/* Members of a port set (array from vm_allocate(); vm_deallocate() it). */
kern_return_t mach_port_get_set_status(ipc_space_read_t task,
				       mach_port_name_t name,
				       mach_port_name_array_t *members,
				       mach_msg_type_number_t *membersCnt);

/* Move a receive right into set after (out of all sets if MACH_PORT_NULL). */
kern_return_t mach_port_move_member(ipc_space_t task,
				    mach_port_name_t member,
				    mach_port_name_t after);

kern_return_t mach_port_insert_member(ipc_space_t task,
				      mach_port_name_t name,
				      mach_port_name_t pset);

kern_return_t mach_port_extract_member(ipc_space_t task,
				       mach_port_name_t name,
				       mach_port_name_t pset);

/* ---- Moving rights ---------------------------------------------------- */

/*
 * Arm notification msgid (MACH_NOTIFY_*) on name, to be sent to notify
 * (a right made with notifyPoly, normally MACH_MSG_TYPE_MAKE_SEND_ONCE).
 * The send-once right registered before, if any, is returned in
 * *previous.
 */
kern_return_t mach_port_request_notification(ipc_space_t task,
					     mach_port_name_t name,
					     mach_msg_id_t msgid,
					     mach_port_mscount_t sync,
					     mach_port_t notify,
					     mach_msg_type_name_t notifyPoly,
					     mach_port_t *previous);

/* Give the space the right poly (with disposition polyPoly) under name. */
kern_return_t mach_port_insert_right(ipc_space_t task, mach_port_name_t name,
				     mach_port_t poly,
				     mach_msg_type_name_t polyPoly);

/* Take a right out of the space, as a message would (msgt_name). */
kern_return_t mach_port_extract_right(ipc_space_t task,
				      mach_port_name_t name,
				      mach_msg_type_name_t msgt_name,
				      mach_port_t *poly,
				      mach_msg_type_name_t *polyPoly);

/* ---- Construction with options and guards ----------------------------- */

/* Allocate a port configured by options (MPO_*); context as given. */
kern_return_t mach_port_construct(ipc_space_t task,
				  mach_port_options_ptr_t options,
				  mach_port_context_t context,
				  mach_port_name_t *name);

/* Undo mach_port_construct(): drop srdelta send urefs and the receive right. */
kern_return_t mach_port_destruct(ipc_space_t task, mach_port_name_t name,
				 mach_port_delta_t srdelta,
				 mach_port_context_t guard);

kern_return_t mach_port_guard(ipc_space_t task, mach_port_name_t name,
			      mach_port_context_t guard, boolean_t strict);

kern_return_t mach_port_unguard(ipc_space_t task, mach_port_name_t name,
				mach_port_context_t guard);

#ifdef __cplusplus
}
#endif

#endif /* LIBMACHPORT_MACH_MACH_PORT_H */
