// SPDX-License-Identifier: MIT
/*
 * The mach_port_* calls on the caller's own task, over /dev/mach.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * On macOS these calls reach the kernel through a trap that translates
 * the task name first; a name that is not a task answers
 * MACH_SEND_INVALID_DEST. Only the caller's own task exists here.
 */
#define CHECK_TASK(task)					\
	do {							\
		if (!mp_task_ok(task))				\
			return MACH_SEND_INVALID_DEST;		\
	} while (0)

static kern_return_t allocate(mach_port_right_t right, uint32_t flags,
			      mach_port_name_t *name)
{
	struct machport_port_allocate a = {
		.right = right,
		.flags = flags,
		.name = flags ? *name : 0,
	};
	kern_return_t kr;

	kr = mp_ioctl(MACHPORT_IOC_PORT_ALLOCATE, &a, KERN_INVALID_ADDRESS);
	if (kr == KERN_SUCCESS)
		*name = a.name;
	return kr;
}

kern_return_t mach_port_allocate(ipc_space_t task, mach_port_right_t right,
				 mach_port_name_t *name)
{
	CHECK_TASK(task);
	return allocate(right, 0, name);
}

kern_return_t mach_port_allocate_name(ipc_space_t task,
				      mach_port_right_t right,
				      mach_port_name_t name)
{
	CHECK_TASK(task);
	return allocate(right, MACHPORT_ALLOCATE_NAME, &name);
}

static kern_return_t name_op(unsigned long cmd, mach_port_name_t name)
{
	struct machport_port_name a = { .name = name };

	return mp_ioctl(cmd, &a, KERN_INVALID_ADDRESS);
}

kern_return_t mach_port_deallocate(ipc_space_t task, mach_port_name_t name)
{
	CHECK_TASK(task);
	return name_op(MACHPORT_IOC_PORT_DEALLOCATE, name);
}

kern_return_t mach_port_destroy(ipc_space_t task, mach_port_name_t name)
{
	CHECK_TASK(task);
	return name_op(MACHPORT_IOC_PORT_DESTROY, name);
}

kern_return_t mach_port_type(ipc_space_t task, mach_port_name_t name,
			     mach_port_type_t *ptype)
{
	struct machport_port_type a = { .name = name };
	kern_return_t kr;

	CHECK_TASK(task);
	kr = mp_ioctl(MACHPORT_IOC_PORT_TYPE, &a, KERN_INVALID_ADDRESS);
	if (kr == KERN_SUCCESS)
		*ptype = a.type;
	return kr;
}

kern_return_t mach_port_mod_refs(ipc_space_t task, mach_port_name_t name,
				 mach_port_right_t right,
				 mach_port_delta_t delta)
{
	struct machport_port_refs a = {
		.name = name, .right = right, .delta = delta,
	};

	CHECK_TASK(task);
	return mp_ioctl(MACHPORT_IOC_PORT_MOD_REFS, &a, KERN_INVALID_ADDRESS);
}

kern_return_t mach_port_get_refs(ipc_space_t task, mach_port_name_t name,
				 mach_port_right_t right,
				 mach_port_urefs_t *refs)
{
	struct machport_port_refs a = { .name = name, .right = right };
	kern_return_t kr;

	CHECK_TASK(task);
	kr = mp_ioctl(MACHPORT_IOC_PORT_GET_REFS, &a, KERN_INVALID_ADDRESS);
	if (kr == KERN_SUCCESS)
		*refs = a.refs;
	return kr;
}

kern_return_t mach_port_insert_right(ipc_space_t task, mach_port_name_t name,
				     mach_port_t poly,
				     mach_msg_type_name_t polyPoly)
{
	struct machport_port_insert_right a = {
		.name = name, .poly = poly, .disposition = polyPoly,
	};

	CHECK_TASK(task);
	return mp_ioctl(MACHPORT_IOC_PORT_INSERT_RIGHT, &a,
			KERN_INVALID_ADDRESS);
}

kern_return_t mach_port_extract_right(ipc_space_t task, mach_port_name_t name,
				      mach_msg_type_name_t msgt_name,
				      mach_port_t *poly,
				      mach_msg_type_name_t *polyPoly)
{
	struct machport_port_extract_right a = {
		.name = name, .disposition = msgt_name,
	};
	kern_return_t kr;

	CHECK_TASK(task);
	kr = mp_ioctl(MACHPORT_IOC_PORT_EXTRACT_RIGHT, &a,
		      KERN_INVALID_ADDRESS);
	if (kr == KERN_SUCCESS) {
		*poly = a.poly;
		*polyPoly = a.type;
	}
	return kr;
}

/* Ask with a growing buffer until the space's names fit: buf holds the
 * names in its first half and the types in its second. */
static kern_return_t fetch_names(uint32_t **bufp, uint32_t *countp,
				 uint32_t *capp)
{
	uint32_t cap = 64, *buf;
	kern_return_t kr;

	for (;;) {
		struct machport_port_names a = { .count = cap };

		buf = malloc((size_t)cap * 2 * sizeof(uint32_t));
		if (!buf)
			return KERN_RESOURCE_SHORTAGE;
		a.names = (uintptr_t)buf;
		a.types = (uintptr_t)(buf + cap);
		kr = mp_ioctl(MACHPORT_IOC_PORT_NAMES, &a,
			      KERN_INVALID_ADDRESS);
		if (kr == KERN_SUCCESS && a.count <= cap) {
			*bufp = buf;
			*countp = a.count;
			*capp = cap;
			return KERN_SUCCESS;
		}
		free(buf);
		if (kr)
			return kr;
		cap = a.count + 16;
	}
}

static kern_return_t vm_copy_array(const uint32_t *src, uint32_t count,
				   vm_address_t *dst)
{
	kern_return_t kr;

	*dst = 0;
	if (!count)
		return KERN_SUCCESS;
	kr = vm_allocate(MP_TASK_SELF_NAME, dst, count * sizeof(uint32_t),
			 VM_FLAGS_ANYWHERE);
	if (kr == KERN_SUCCESS)
		memcpy((void *)*dst, src, count * sizeof(uint32_t));
	return kr;
}

/*
 * The caller frees both arrays with vm_deallocate(), so each gets its own
 * mapping, as on macOS.
 */
kern_return_t mach_port_names(ipc_space_t task, mach_port_name_array_t *names,
			      mach_msg_type_number_t *namesCnt,
			      mach_port_type_array_t *types,
			      mach_msg_type_number_t *typesCnt)
{
	vm_address_t n = 0, t = 0;
	uint32_t *buf, count, cap;
	kern_return_t kr;

	CHECK_TASK(task);
	kr = fetch_names(&buf, &count, &cap);
	if (kr)
		return kr;
	kr = vm_copy_array(buf, count, &n);
	if (kr == KERN_SUCCESS) {
		kr = vm_copy_array(buf + cap, count, &t);
		if (kr)
			vm_deallocate(MP_TASK_SELF_NAME, n,
				      count * sizeof(uint32_t));
	}
	free(buf);
	if (kr)
		return kr;
	*names = (mach_port_name_t *)n;
	*types = (mach_port_type_t *)t;
	*namesCnt = count;
	*typesCnt = count;
	return KERN_SUCCESS;
}

mach_port_t mach_reply_port(void)
{
	mach_port_name_t name;

	if (allocate(MACH_PORT_RIGHT_RECEIVE, 0, &name) != KERN_SUCCESS)
		return MACH_PORT_NULL;
	return name;
}

kern_return_t mach_port_get_attributes(ipc_space_read_t task,
				       mach_port_name_t name,
				       mach_port_flavor_t flavor,
				       mach_port_info_t info,
				       mach_msg_type_number_t *count)
{
	struct machport_port_attr a = { .name = name, .flavor = flavor };
	kern_return_t kr;

	CHECK_TASK(task);
	a.count = *count < 32 ? *count : 32;
	kr = mp_ioctl(MACHPORT_IOC_PORT_GET_ATTR, &a, KERN_INVALID_ADDRESS);
	if (kr == KERN_SUCCESS) {
		memcpy(info, a.info, a.count * sizeof(natural_t));
		*count = a.count;
	}
	return kr;
}

kern_return_t mach_port_set_attributes(ipc_space_t task, mach_port_name_t name,
				       mach_port_flavor_t flavor,
				       mach_port_info_t info,
				       mach_msg_type_number_t count)
{
	struct machport_port_attr a = { .name = name, .flavor = flavor };

	CHECK_TASK(task);
	a.count = count < 32 ? count : 32;
	memcpy(a.info, info, a.count * sizeof(natural_t));
	return mp_ioctl(MACHPORT_IOC_PORT_SET_ATTR, &a, KERN_INVALID_ADDRESS);
}

static kern_return_t member_op(uint32_t op, mach_port_name_t name,
			       mach_port_name_t pset)
{
	struct machport_member a = { .op = op, .name = name, .pset = pset };

	return mp_ioctl(MACHPORT_IOC_MEMBER, &a, KERN_INVALID_ADDRESS);
}

kern_return_t mach_port_move_member(ipc_space_t task, mach_port_name_t member,
				    mach_port_name_t after)
{
	CHECK_TASK(task);
	return member_op(MACHPORT_MEMBER_MOVE, member, after);
}

kern_return_t mach_port_insert_member(ipc_space_t task, mach_port_name_t name,
				      mach_port_name_t pset)
{
	CHECK_TASK(task);
	return member_op(MACHPORT_MEMBER_INSERT, name, pset);
}

kern_return_t mach_port_extract_member(ipc_space_t task, mach_port_name_t name,
				       mach_port_name_t pset)
{
	CHECK_TASK(task);
	return member_op(MACHPORT_MEMBER_EXTRACT, name, pset);
}

/* The members' names, in memory the caller frees with vm_deallocate(). */
kern_return_t mach_port_get_set_status(ipc_space_read_t task,
				       mach_port_name_t name,
				       mach_port_name_array_t *members,
				       mach_msg_type_number_t *membersCnt)
{
	uint32_t cap = 16, *buf;
	vm_address_t out = 0;
	kern_return_t kr;

	CHECK_TASK(task);
	for (;;) {
		struct machport_set_status a = { .name = name, .count = cap };

		buf = malloc(cap * sizeof(*buf));
		if (!buf)
			return KERN_RESOURCE_SHORTAGE;
		a.names = (uintptr_t)buf;
		kr = mp_ioctl(MACHPORT_IOC_SET_STATUS, &a, KERN_INVALID_ADDRESS);
		if (kr || a.count <= cap) {
			cap = a.count;
			break;
		}
		free(buf);
		cap = a.count + 16;
	}
	if (kr == KERN_SUCCESS)
		kr = vm_copy_array(buf, cap, &out);
	free(buf);
	if (kr)
		return kr;
	*members = (mach_port_name_t *)out;
	*membersCnt = cap;
	return KERN_SUCCESS;
}

kern_return_t mach_port_request_notification(ipc_space_t task,
					     mach_port_name_t name,
					     mach_msg_id_t msgid,
					     mach_port_mscount_t sync,
					     mach_port_t notify,
					     mach_msg_type_name_t notifyPoly,
					     mach_port_t *previous)
{
	struct machport_request_notification a = {
		.name = name, .msgid = msgid, .sync = sync,
		.notify = notify, .notify_disp = notifyPoly,
	};
	kern_return_t kr;

	CHECK_TASK(task);
	kr = mp_ioctl(MACHPORT_IOC_REQUEST_NOTIFY, &a, KERN_INVALID_ADDRESS);
	if (kr == KERN_SUCCESS)
		*previous = a.previous;
	return kr;
}

static kern_return_t port_ctl(uint32_t op, mach_port_name_t name,
			      uint64_t *value, int32_t delta, uint32_t flags)
{
	struct machport_port_ctl a = {
		.op = op, .name = name, .value = value ? *value : 0,
		.delta = delta, .flags = flags,
	};
	kern_return_t kr = mp_ioctl(MACHPORT_IOC_PORT_CTL, &a,
				    KERN_INVALID_ADDRESS);

	if (kr == KERN_SUCCESS && value)
		*value = a.value;
	return kr;
}

kern_return_t mach_port_set_mscount(ipc_space_t task, mach_port_name_t name,
				    mach_port_mscount_t mscount)
{
	uint64_t v = mscount;

	CHECK_TASK(task);
	return port_ctl(MACHPORT_CTL_SET_MSCOUNT, name, &v, 0, 0);
}

kern_return_t mach_port_set_seqno(ipc_space_t task, mach_port_name_t name,
				  mach_port_seqno_t seqno)
{
	uint64_t v = seqno;

	CHECK_TASK(task);
	return port_ctl(MACHPORT_CTL_SET_SEQNO, name, &v, 0, 0);
}

kern_return_t mach_port_peek(ipc_space_t task, mach_port_name_t name,
			     mach_msg_trailer_type_t trailer_type,
			     mach_port_seqno_t *request_seqnop,
			     mach_msg_size_t *msg_sizep,
			     mach_msg_id_t *msg_idp,
			     mach_msg_trailer_info_t trailer_infop,
			     mach_msg_type_number_t *trailer_infopCnt)
{
	struct machport_port_peek a = {
		.name = name,
		.trailer_type = trailer_type,
		.seqno = *request_seqnop,
		/* MIG's bound for mach_msg_trailer_info_t: 68 bytes. */
		.trailer_size = *trailer_infopCnt < sizeof(mach_msg_max_trailer_t) ?
				*trailer_infopCnt : sizeof(mach_msg_max_trailer_t),
		.trailer = (uintptr_t)trailer_infop,
	};
	kern_return_t kr;

	CHECK_TASK(task);
	kr = mp_ioctl(MACHPORT_IOC_PORT_PEEK, &a, KERN_INVALID_ADDRESS);
	if (kr == KERN_SUCCESS) {
		*request_seqnop = a.seqno;
		*msg_sizep = a.size;
		*msg_idp = a.id;
		*trailer_infopCnt = a.trailer_size;
	}
	return kr;
}

/* The kernel of macOS no longer serves it: MIG answers an unknown id. */
kern_return_t mach_port_rename(ipc_space_t task, mach_port_name_t old_name,
			       mach_port_name_t new_name)
{
	(void)task;
	(void)old_name;
	(void)new_name;
	return MIG_BAD_ID;
}

kern_return_t mach_port_get_context(ipc_space_read_t task,
				    mach_port_name_t name,
				    mach_port_context_t *context)
{
	uint64_t v = 0;
	kern_return_t kr;

	CHECK_TASK(task);
	kr = port_ctl(MACHPORT_CTL_GET_CONTEXT, name, &v, 0, 0);
	if (kr == KERN_SUCCESS)
		*context = v;
	return kr;
}

kern_return_t mach_port_set_context(ipc_space_t task, mach_port_name_t name,
				    mach_port_context_t context)
{
	uint64_t v = context;

	CHECK_TASK(task);
	return port_ctl(MACHPORT_CTL_SET_CONTEXT, name, &v, 0, 0);
}

kern_return_t mach_port_guard(ipc_space_t task, mach_port_name_t name,
			      mach_port_context_t guard, boolean_t strict)
{
	uint64_t v = guard;

	CHECK_TASK(task);
	return port_ctl(MACHPORT_CTL_GUARD, name, &v, 0,
			strict ? MACHPORT_GUARD_STRICT : 0);
}

kern_return_t mach_port_unguard(ipc_space_t task, mach_port_name_t name,
				mach_port_context_t guard)
{
	uint64_t v = guard;

	CHECK_TASK(task);
	return port_ctl(MACHPORT_CTL_UNGUARD, name, &v, 0, 0);
}

kern_return_t mach_port_destruct(ipc_space_t task, mach_port_name_t name,
				 mach_port_delta_t srdelta,
				 mach_port_context_t guard)
{
	uint64_t v = guard;

	CHECK_TASK(task);
	return port_ctl(MACHPORT_CTL_DESTRUCT, name, &v, srdelta, 0);
}

/*
 * mach_port_construct(): a receive right with its options applied; if an
 * option cannot be applied the right is destroyed and nothing remains.
 */
kern_return_t mach_port_construct(ipc_space_t task,
				  mach_port_options_ptr_t options,
				  mach_port_context_t context,
				  mach_port_name_t *name)
{
	uint32_t flags = options->flags;
	mach_port_name_t n;
	kern_return_t kr;
	uint64_t v = context;

	CHECK_TASK(task);
	kr = allocate(MACH_PORT_RIGHT_RECEIVE, 0, &n);
	if (kr)
		return kr;
	if (flags & MPO_QLIMIT)
		kr = mach_port_set_attributes(task, n, MACH_PORT_LIMITS_INFO,
					      (mach_port_info_t)&options->mpl,
					      MACH_PORT_LIMITS_INFO_COUNT);
	if (!kr && (flags & MPO_INSERT_SEND_RIGHT))
		kr = mach_port_insert_right(task, n, n, MACH_MSG_TYPE_MAKE_SEND);
	if (!kr && (flags & MPO_CONTEXT_AS_GUARD))
		kr = port_ctl(MACHPORT_CTL_GUARD, n, &v, 0,
			      ((flags & MPO_STRICT) ? MACHPORT_GUARD_STRICT : 0) |
			      ((flags & MPO_IMMOVABLE_RECEIVE) ?
			       MACHPORT_GUARD_IMMOVABLE : 0));
	else if (!kr)
		kr = port_ctl(MACHPORT_CTL_SET_CONTEXT, n, &v, 0, 0);
	if (kr) {
		if (flags & MPO_CONTEXT_AS_GUARD)
			port_ctl(MACHPORT_CTL_UNGUARD, n, &v, 0, 0);
		mach_port_destroy(task, n);
		return kr;
	}
	*name = n;
	return KERN_SUCCESS;
}
