// SPDX-License-Identifier: GPL-2.0
/*
 * Complex messages: port, out-of-line memory and out-of-line port array
 * descriptors (macOS LP64 layouts).
 *
 * Sending takes three passes over the descriptors: parse and validate
 * (nothing taken, so MACH_SEND_INVALID_TYPE consumes nothing), copy the
 * out-of-line memory (the receiver sees the bytes as they were at send
 * time), and take the rights under the space lock. Receiving maps the
 * memory into the receiver, names the rights, and rewrites the
 * descriptors in place.
 */
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "desc.h"
#include "kmsg.h"
#include "oolfile.h"
#include "machport.h"
#include "port.h"
#include "right.h"
#include "space.h"

#define BODY_OFFSET	(sizeof(struct machport_msg_header) + \
			 sizeof(struct machport_msg_body))
#define PORT_DESC_SIZE	sizeof(struct machport_msg_port_descriptor)
#define OOL_DESC_SIZE	sizeof(struct machport_msg_ool_descriptor)

static bool real_port(struct mp_port *p)
{
	return p && p != MP_PORT_DEAD;
}

static bool any_right(u32 disp)
{
	return disp >= MACHPORT_MSG_TYPE_MOVE_RECEIVE &&
	       disp <= MACHPORT_MSG_TYPE_MAKE_SEND_ONCE;
}

/* One descriptor at @off: its size, or 0 for an invalid type. */
/* The descriptor's size, 0 for a bad one, -1 when it is cut off. */
static int parse_one(struct mp_kmsg *kmsg, u32 off, struct mp_kdesc *d)
{
	u8 *raw = kmsg->data + off;
	struct machport_msg_port_descriptor *pd = (void *)raw;
	struct machport_msg_ool_descriptor *od = (void *)raw;
	struct machport_msg_ool_ports_descriptor *opd = (void *)raw;

	d->offset = off;
	d->type = raw[11];	/* the type byte is last in every layout */
	switch (d->type) {
	case MACHPORT_MSG_PORT_DESCRIPTOR:
		d->disp = pd->disposition;
		d->uaddr = pd->name;	/* the name, until the right is in */
		return any_right(d->disp) ? PORT_DESC_SIZE : 0;
	case MACHPORT_MSG_OOL_DESCRIPTOR:
	case MACHPORT_MSG_OOL_VOLATILE_DESCRIPTOR:
		if (off + OOL_DESC_SIZE > kmsg->size)
			return -1;
		d->copy = od->copy;
		d->dealloc = od->deallocate;
		d->count = od->size;
		d->uaddr = od->address;
		return d->copy <= MACHPORT_MSG_VIRTUAL_COPY ? OOL_DESC_SIZE : 0;
	case MACHPORT_MSG_OOL_PORTS_DESCRIPTOR:
		if (off + OOL_DESC_SIZE > kmsg->size)
			return -1;
		d->disp = opd->disposition;
		d->dealloc = opd->deallocate;
		d->count = opd->count;
		d->uaddr = opd->address;
		return any_right(d->disp) ? OOL_DESC_SIZE : 0;
	}
	return 0;
}

/**
 * mp_desc_parse() - validate the descriptors of a complex message
 * @kmsg: the message as copied from the sender
 *
 * Return: a mach_msg_return_t; nothing is taken from the sender yet.
 */
int mp_desc_parse(struct mp_kmsg *kmsg)
{
	struct machport_msg_body *body = kmsg->data + sizeof(struct machport_msg_header);
	u64 ool_bytes = 0, ool_ports = 0;
	u32 i, n, off = BODY_OFFSET;
	int len;

	if (kmsg->size < BODY_OFFSET)
		return MACHPORT_SEND_MSG_TOO_SMALL;
	n = body->descriptor_count;
	if (n > (kmsg->size - BODY_OFFSET) / PORT_DESC_SIZE)
		return MACHPORT_SEND_MSG_TOO_SMALL;
	if (!n)
		return MACHPORT_MSG_SUCCESS;
	kmsg->desc = kvcalloc(n, sizeof(*kmsg->desc), GFP_KERNEL_ACCOUNT);
	if (!kmsg->desc)
		return MACHPORT_SEND_NO_BUFFER;
	kmsg->ndesc = n;
	for (i = 0; i < n; i++) {
		struct mp_kdesc *d = &kmsg->desc[i];

		if (off + PORT_DESC_SIZE > kmsg->size)
			return MACHPORT_SEND_MSG_TOO_SMALL;
		len = parse_one(kmsg, off, d);
		if (len < 0)
			return MACHPORT_SEND_MSG_TOO_SMALL;
		if (!len)
			return MACHPORT_SEND_INVALID_TYPE;
		if (d->type == MACHPORT_MSG_OOL_PORTS_DESCRIPTOR)
			ool_ports += d->count;
		else if (d->type != MACHPORT_MSG_PORT_DESCRIPTOR)
			ool_bytes += d->count;
		off += len;
	}
	if (ool_bytes > mp_max_ool_size || ool_ports > mp_max_ool_ports)
		return MACHPORT_SEND_TOO_LARGE;
	return MACHPORT_MSG_SUCCESS;
}

/*
 * Large regions: one copy into pages of the message's own, which the
 * receiver maps copy-on-write (oolfile.c), so its reads cost no second
 * copy and its writes copy only the pages written. Small ones: a kernel
 * buffer and one copy each way, cheaper than creating a file.
 */
#define FILE_MIN	(64U << 10)

static int copyin_ool_pages(struct mp_kdesc *d)
{
	struct file *file = mp_ool_file(u64_to_user_ptr(d->uaddr), d->count);

	if (IS_ERR(file))
		return PTR_ERR(file) == -EFAULT ? MACHPORT_SEND_INVALID_MEMORY :
						  MACHPORT_SEND_NO_BUFFER;
	d->file = file;
	return MACHPORT_MSG_SUCCESS;
}

static int copyin_ool(struct mp_kdesc *d)
{
	if (!d->count)
		return MACHPORT_MSG_SUCCESS;
	if (d->count >= FILE_MIN)
		return copyin_ool_pages(d);
	d->mem = kvmalloc(d->count, GFP_KERNEL_ACCOUNT);
	if (!d->mem)
		return MACHPORT_SEND_NO_BUFFER;
	if (copy_from_user(d->mem, u64_to_user_ptr(d->uaddr), d->count))
		return MACHPORT_SEND_INVALID_MEMORY;
	return MACHPORT_MSG_SUCCESS;
}

/* The names of an OOL ports array, parked in the pointer slots for now. */
static int copyin_ool_names(struct mp_kdesc *d)
{
	u32 __user *unames = u64_to_user_ptr(d->uaddr);
	u32 i, name;

	if (!d->count)
		return MACHPORT_MSG_SUCCESS;
	d->ports = kvcalloc(d->count, sizeof(*d->ports), GFP_KERNEL_ACCOUNT);
	if (!d->ports)
		return MACHPORT_SEND_NO_BUFFER;
	for (i = 0; i < d->count; i++) {
		if (get_user(name, unames + i))
			return MACHPORT_SEND_INVALID_MEMORY;
		d->ports[i] = (struct mp_port *)(uintptr_t)name;
	}
	return MACHPORT_MSG_SUCCESS;
}

/* Copy out-of-line memory and port names; no rights are taken. */
int mp_desc_copyin_memory(struct mp_kmsg *kmsg)
{
	u32 i;
	int ret = MACHPORT_MSG_SUCCESS;

	for (i = 0; i < kmsg->ndesc && !ret; i++) {
		struct mp_kdesc *d = &kmsg->desc[i];

		if (d->type == MACHPORT_MSG_OOL_PORTS_DESCRIPTOR)
			ret = copyin_ool_names(d);
		else if (d->type != MACHPORT_MSG_PORT_DESCRIPTOR)
			ret = copyin_ool(d);
	}
	return ret;
}

/* Take one right; NULL and DEAD names travel as they are. */
static int take(struct mp_space *space, u32 name, u32 disp,
		struct mp_port **portp)
{
	if (name == MACHPORT_NAME_NULL) {
		*portp = NULL;
		return 0;
	}
	if (name == MACHPORT_NAME_DEAD) {
		*portp = MP_PORT_DEAD;
		return 0;
	}
	if (mp_right_copyin(space, name, disp, portp))
		return MACHPORT_SEND_INVALID_RIGHT;
	if (!*portp)
		*portp = MP_PORT_DEAD;	/* a dead name */
	return 0;
}

static void release_taken(struct mp_port **ports, u32 n, u32 msgt)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (real_port(ports[i]))
			mp_right_drop_transit(ports[i], msgt);
		ports[i] = NULL;
	}
}

static int take_array(struct mp_space *space, struct mp_kdesc *d)
{
	u32 i, msgt = mp_right_disp_to_msgt(d->disp);
	int ret;

	for (i = 0; i < d->count; i++) {
		ret = take(space, (uintptr_t)d->ports[i], d->disp, &d->ports[i]);
		if (ret) {
			/* Give back nothing: XNU releases what a bad body took. */
			release_taken(d->ports, i, msgt);
			memset(d->ports + i, 0, (d->count - i) * sizeof(*d->ports));
			d->rights_in = true;
			return ret;
		}
	}
	d->rights_in = true;
	return MACHPORT_MSG_SUCCESS;
}

/**
 * mp_desc_copyin_rights() - take the rights the descriptors name
 * @space: locked, active sender's space
 * @kmsg: a parsed message
 *
 * On MACH_SEND_INVALID_RIGHT the rights taken so far stay in the message,
 * which the caller destroys, as XNU does with a bad body.
 */
int mp_desc_copyin_rights(struct mp_space *space, struct mp_kmsg *kmsg)
{
	u32 i;
	int ret;

	lockdep_assert_held(&space->lock);
	for (i = 0; i < kmsg->ndesc; i++) {
		struct mp_kdesc *d = &kmsg->desc[i];

		if (d->type == MACHPORT_MSG_PORT_DESCRIPTOR) {
			ret = take(space, d->uaddr, d->disp, &d->port);
			if (ret)
				return ret;
			d->rights_in = true;
		} else if (d->type == MACHPORT_MSG_OOL_PORTS_DESCRIPTOR) {
			ret = take_array(space, d);
			if (ret)
				return ret;
		}
	}
	return MACHPORT_MSG_SUCCESS;
}

static bool is_receive(struct mp_kdesc *d, struct mp_port *p)
{
	return d->disp == MACHPORT_MSG_TYPE_MOVE_RECEIVE && real_port(p);
}

/*
 * Record where each receive right in the message is going. Returns false
 * when one would end up (transitively) inside its own queue: XNU destroys
 * such a message rather than let the ports leak or the receiver hang.
 */
bool mp_desc_transit_check(struct mp_kmsg *kmsg)
{
	bool ok = true;
	u32 i, j;

	for (i = 0; i < kmsg->ndesc; i++) {
		struct mp_kdesc *d = &kmsg->desc[i];

		if (d->type == MACHPORT_MSG_PORT_DESCRIPTOR &&
		    is_receive(d, d->port))
			ok &= mp_port_transit_begin(d->port, kmsg->dest);
		if (d->type != MACHPORT_MSG_OOL_PORTS_DESCRIPTOR)
			continue;
		for (j = 0; j < d->count; j++)
			if (is_receive(d, d->ports[j]))
				ok &= mp_port_transit_begin(d->ports[j],
							    kmsg->dest);
	}
	return ok;
}

/* deallocate = TRUE: the sender's range goes once the send succeeded. */
void mp_desc_dealloc_sender(struct mp_kmsg *kmsg)
{
	u32 i;

	for (i = 0; i < kmsg->ndesc; i++) {
		struct mp_kdesc *d = &kmsg->desc[i];
		u64 len = d->count, start;

		if (!d->dealloc || !d->count ||
		    d->type == MACHPORT_MSG_PORT_DESCRIPTOR)
			continue;
		if (d->type == MACHPORT_MSG_OOL_PORTS_DESCRIPTOR)
			len *= sizeof(u32);
		start = d->uaddr & PAGE_MASK;
		len = PAGE_ALIGN(d->uaddr + len) - start;
		vm_munmap(start, len);
	}
}

/* Rights the receiver will need names for. */
u32 mp_desc_rights(struct mp_kmsg *kmsg)
{
	u32 i, n = 0;

	for (i = 0; i < kmsg->ndesc; i++) {
		if (kmsg->desc[i].type == MACHPORT_MSG_PORT_DESCRIPTOR)
			n++;
		else if (kmsg->desc[i].type == MACHPORT_MSG_OOL_PORTS_DESCRIPTOR)
			n += kmsg->desc[i].count;
	}
	return n;
}

/*
 * New memory in the receiver: anonymous, as vm_allocate() gives, or a
 * private mapping of the message's region (oolfile.c).
 */
static int map_for(struct file *file, u64 bytes, u64 *addrp)
{
	unsigned long addr;

	*addrp = 0;
	if (!bytes)
		return 0;
	addr = vm_mmap(file, 0, PAGE_ALIGN(bytes), PROT_READ | PROT_WRITE,
		       file ? MAP_PRIVATE : MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(addr))
		return -ENOMEM;
	*addrp = addr;
	return 0;
}

static void unmap_all(struct mp_kmsg *kmsg, u64 *addrs, u32 upto)
{
	u32 i;

	for (i = 0; i < upto; i++) {
		struct mp_kdesc *d = &kmsg->desc[i];
		u64 bytes = d->count;

		if (d->type == MACHPORT_MSG_OOL_PORTS_DESCRIPTOR)
			bytes *= sizeof(u32);
		if (addrs[i])
			vm_munmap(addrs[i], PAGE_ALIGN(bytes));
	}
}

/* Receiver, unlocked: map out-of-line memory and arrays, copy the bytes. */
static int map_memory(struct mp_kmsg *kmsg, u64 *addrs)
{
	u32 i;

	for (i = 0; i < kmsg->ndesc; i++) {
		struct mp_kdesc *d = &kmsg->desc[i];
		bool ports = d->type == MACHPORT_MSG_OOL_PORTS_DESCRIPTOR;

		if (d->type == MACHPORT_MSG_PORT_DESCRIPTOR)
			continue;
		struct file *file = ports ? NULL : d->file;

		if (map_for(file, ports ? (u64)d->count * sizeof(u32) : d->count,
			    &addrs[i]) ||
		    (!ports && !file && d->count &&
		     copy_to_user(u64_to_user_ptr(addrs[i]), d->mem, d->count))) {
			unmap_all(kmsg, addrs, i + 1);
			return MACHPORT_RCV_BODY_ERROR | MACHPORT_MSG_VM_SPACE;
		}
	}
	return 0;
}

static u32 name_for(struct mp_space *space, struct mp_port *port, u32 msgt)
{
	if (!port)
		return MACHPORT_NAME_NULL;
	if (port == MP_PORT_DEAD)
		return MACHPORT_NAME_DEAD;
	return mp_right_copyout(space, port, msgt);
}

/* Receiver, locked: name every right; OOL port names go to @names. */
static void name_rights(struct mp_space *space, struct mp_kmsg *kmsg,
			u32 *names)
{
	u32 i, j;

	for (i = 0; i < kmsg->ndesc; i++) {
		struct mp_kdesc *d = &kmsg->desc[i];
		u32 msgt = mp_right_disp_to_msgt(d->disp);

		if (d->type == MACHPORT_MSG_PORT_DESCRIPTOR) {
			d->uaddr = name_for(space, d->port, msgt);
			d->port = NULL;
		} else if (d->type == MACHPORT_MSG_OOL_PORTS_DESCRIPTOR) {
			for (j = 0; j < d->count; j++) {
				*names++ = name_for(space, d->ports[j], msgt);
				d->ports[j] = NULL;
			}
		}
	}
}

/* Rewrite the descriptors in the message for the receiver. */
static int write_back(struct mp_kmsg *kmsg, u64 *addrs, u32 *names)
{
	u32 i;

	for (i = 0; i < kmsg->ndesc; i++) {
		struct mp_kdesc *d = &kmsg->desc[i];
		u8 *raw = kmsg->data + d->offset;
		struct machport_msg_port_descriptor *pd = (void *)raw;
		struct machport_msg_ool_descriptor *od = (void *)raw;
		struct machport_msg_ool_ports_descriptor *opd = (void *)raw;

		switch (d->type) {
		case MACHPORT_MSG_PORT_DESCRIPTOR:
			pd->name = d->uaddr;
			pd->pad1 = 0;
			pd->pad2 = 0;
			pd->disposition = mp_right_disp_to_msgt(d->disp);
			break;
		case MACHPORT_MSG_OOL_PORTS_DESCRIPTOR:
			if (d->count && copy_to_user(u64_to_user_ptr(addrs[i]),
						     names, d->count * sizeof(u32)))
				return MACHPORT_RCV_INVALID_DATA;
			names += d->count;
			opd->address = addrs[i];
			opd->deallocate = 0;
			opd->copy = MACHPORT_MSG_VIRTUAL_COPY;
			opd->disposition = mp_right_disp_to_msgt(d->disp);
			break;
		default:
			od->address = addrs[i];
			od->deallocate = 0;
			od->copy = MACHPORT_MSG_VIRTUAL_COPY;
			break;
		}
	}
	return MACHPORT_MSG_SUCCESS;
}

/**
 * mp_desc_copyout() - give the receiver the descriptors' memory and rights
 * @space: the receiver's space (unlocked)
 * @kmsg: a complex message
 *
 * On failure before any right was named, the rights stay in the message
 * for the caller to destroy.
 * Return: a mach_msg_return_t.
 */
int mp_desc_copyout(struct mp_space *space, struct mp_kmsg *kmsg)
{
	u32 nrights = mp_desc_rights(kmsg), *names = NULL;
	u64 *addrs;
	int ret;

	if (!kmsg->ndesc)
		return MACHPORT_MSG_SUCCESS;
	addrs = kvcalloc(kmsg->ndesc, sizeof(*addrs), GFP_KERNEL_ACCOUNT);
	if (nrights)
		names = kvcalloc(nrights, sizeof(*names), GFP_KERNEL_ACCOUNT);
	ret = MACHPORT_RCV_BODY_ERROR | MACHPORT_MSG_VM_KERNEL;
	if (!addrs || (nrights && !names))
		goto out;
	ret = map_memory(kmsg, addrs);
	if (ret)
		goto out;
	mutex_lock(&space->lock);
	ret = MACHPORT_RCV_BODY_ERROR | MACHPORT_MSG_IPC_SPACE;
	if (space->active && !mp_space_reserve(space, nrights)) {
		name_rights(space, kmsg, names);
		ret = MACHPORT_MSG_SUCCESS;
	}
	mutex_unlock(&space->lock);
	if (ret)
		unmap_all(kmsg, addrs, kmsg->ndesc);
	else
		ret = write_back(kmsg, addrs, names);
out:
	kvfree(names);
	kvfree(addrs);
	return ret;
}

/* Destroy the rights of a message that is never received. */
void mp_desc_release(struct mp_kmsg *kmsg, struct list_head *reap)
{
	u32 i, j;

	for (i = 0; i < kmsg->ndesc; i++) {
		struct mp_kdesc *d = &kmsg->desc[i];
		u32 msgt = mp_right_disp_to_msgt(d->disp);

		if (!d->rights_in)
			continue;
		if (d->type == MACHPORT_MSG_PORT_DESCRIPTOR) {
			if (real_port(d->port))
				mp_right_release_transit(d->port, msgt, reap);
			d->port = NULL;
		} else if (d->type == MACHPORT_MSG_OOL_PORTS_DESCRIPTOR) {
			for (j = 0; d->ports && j < d->count; j++) {
				if (real_port(d->ports[j]))
					mp_right_release_transit(d->ports[j],
								 msgt, reap);
				d->ports[j] = NULL;
			}
		}
	}
}

/* Free the descriptors' memory; their rights are gone or were never in. */
void mp_desc_free(struct mp_kmsg *kmsg)
{
	u32 i;

	for (i = 0; i < kmsg->ndesc; i++) {
		struct mp_kdesc *d = &kmsg->desc[i];

		switch (d->type) {
		case MACHPORT_MSG_PORT_DESCRIPTOR:
			break;
		case MACHPORT_MSG_OOL_PORTS_DESCRIPTOR:
			kvfree(d->ports);
			break;
		default:
			kvfree(d->mem);
			if (d->file)
				fput(d->file);
		}
	}
	kvfree(kmsg->desc);
	kmsg->desc = NULL;
	kmsg->ndesc = 0;
}
