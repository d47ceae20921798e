// SPDX-License-Identifier: GPL-2.0
/*
 * mach_msg(): send, receive, or both in one call.
 *
 * Send: the message is copied from user memory once, into a kmsg; the
 * header's rights are taken from the sender's space (atomically); the
 * kmsg goes to the destination's queue or straight to a waiting receiver.
 * Receive: the kmsg's rights get names in the receiver's space, the
 * header is turned around as macOS does, and the message and the trailer
 * are copied to the receiver's buffer. No user memory is touched with the
 * space's lock held.
 */
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include "desc.h"
#include "kmsg.h"
#include "kobject.h"
#include "mp_trace.h"
#include "stats.h"
#include "machport.h"
#include "mqueue.h"
#include "msg.h"
#include "port.h"
#include "pset.h"
#include "right.h"
#include "space.h"

#define HDR_SIZE	sizeof(struct machport_msg_header)

static long to_jiffies(u32 option, u32 flag, u32 ms)
{
	if (!(option & flag))
		return MAX_SCHEDULE_TIMEOUT;
	return min_t(unsigned long, msecs_to_jiffies(ms),
		     MAX_SCHEDULE_TIMEOUT - 1);
}

static bool send_disp(u32 disp)
{
	return disp >= MACHPORT_MSG_TYPE_MOVE_SEND &&
	       disp <= MACHPORT_MSG_TYPE_MAKE_SEND_ONCE;
}

/* Header checks that need no lock; XNU's codes. */
static int check_header(struct machport_msg_header *hdr)
{
	u32 bits = hdr->bits;
	u32 local = MACHPORT_MSGH_BITS_LOCAL(bits);
	u32 voucher = MACHPORT_MSGH_BITS_VOUCHER(bits);

	if (bits & ~MACHPORT_MSGH_BITS_USER)
		return MACHPORT_SEND_INVALID_HEADER;
	if (!send_disp(MACHPORT_MSGH_BITS_REMOTE(bits)))
		return MACHPORT_SEND_INVALID_HEADER;
	if (local ? !send_disp(local) : hdr->local_port != MACHPORT_NAME_NULL)
		return MACHPORT_SEND_INVALID_HEADER;
	if (voucher && voucher != MACHPORT_MSG_TYPE_MOVE_SEND &&
	    voucher != MACHPORT_MSG_TYPE_COPY_SEND)
		return MACHPORT_SEND_INVALID_HEADER;
	/* Vouchers are not implemented: only "no voucher" is valid. */
	if (voucher && hdr->voucher_port != MACHPORT_NAME_NULL)
		return MACHPORT_SEND_INVALID_VOUCHER;
	if (hdr->remote_port == MACHPORT_NAME_NULL ||
	    hdr->remote_port == MACHPORT_NAME_DEAD)
		return MACHPORT_SEND_INVALID_DEST;
	return MACHPORT_MSG_SUCCESS;
}

static int copyin_rights(struct mp_space *space, struct mp_kmsg *kmsg,
			 struct mp_header_rights *h)
{
	struct machport_msg_header *hdr = kmsg->data;
	int ret = MACHPORT_SEND_INVALID_DEST;

	h->dest_name = hdr->remote_port;
	h->dest_disp = MACHPORT_MSGH_BITS_REMOTE(hdr->bits);
	h->reply_name = hdr->local_port;
	h->reply_disp = MACHPORT_MSGH_BITS_LOCAL(hdr->bits);
	mutex_lock(&space->lock);
	if (space->active)
		ret = mp_right_copyin_header(space, h);
	mutex_unlock(&space->lock);
	if (ret)
		return ret;
	kmsg->dest = h->dest;
	kmsg->dest_msgt = mp_right_disp_to_msgt(h->dest_disp);
	kmsg->reply = h->reply;
	kmsg->reply_dead = h->reply_dead;
	kmsg->reply_msgt = h->reply_disp ? mp_right_disp_to_msgt(h->reply_disp) : 0;
	return MACHPORT_MSG_SUCCESS;
}

/*
 * The send failed after the rights were taken (timeout, signal): give
 * them back to the sender and write their names into its buffer, as
 * XNU's pseudo-receive does. Nothing is lost.
 */
static void pseudo_receive(struct mp_space *space, struct mp_kmsg *kmsg,
			   u64 uaddr)
{
	struct machport_msg_header *hdr = kmsg->data;
	u32 dest, reply = MACHPORT_NAME_NULL;

	if (mp_desc_copyout(space, kmsg)) {
		mp_kmsg_destroy(kmsg);
		return;
	}
	mutex_lock(&space->lock);
	if (!space->active || mp_space_reserve(space, 2)) {
		mutex_unlock(&space->lock);
		mp_kmsg_destroy(kmsg);
		return;
	}
	dest = mp_right_copyout(space, kmsg->dest, kmsg->dest_msgt);
	if (kmsg->reply)
		reply = mp_right_copyout(space, kmsg->reply, kmsg->reply_msgt);
	else if (kmsg->reply_dead)
		reply = MACHPORT_NAME_DEAD;
	mutex_unlock(&space->lock);
	hdr->bits = (hdr->bits & MACHPORT_MSGH_BITS_COMPLEX) |
		    kmsg->dest_msgt | (u32)kmsg->reply_msgt << 8;
	hdr->remote_port = dest;
	hdr->local_port = reply;
	if (copy_to_user(u64_to_user_ptr(uaddr), hdr, kmsg->size))
		pr_debug("machport: pseudo-receive: sender buffer gone\n");
	kmsg->dest = NULL;
	kmsg->reply = NULL;
	mp_kmsg_free(kmsg);
}

static bool is_complex(struct mp_kmsg *kmsg)
{
	struct machport_msg_header *hdr = kmsg->data;

	return hdr->bits & MACHPORT_MSGH_BITS_COMPLEX;
}

/*
 * The descriptors' memory, then their rights. -ELOOP: the message would
 * put a receive right inside its own queue; it is destroyed and the send
 * reports success, as XNU does.
 */
static int copyin_body(struct mp_space *space, struct mp_kmsg *kmsg)
{
	int ret = mp_desc_copyin_memory(kmsg);

	if (ret)
		return ret;
	mutex_lock(&space->lock);
	ret = space->active ? mp_desc_copyin_rights(space, kmsg) :
			      MACHPORT_SEND_INVALID_DEST;
	mutex_unlock(&space->lock);
	if (ret)
		return ret;
	if (kmsg->dest && !mp_desc_transit_check(kmsg))
		return -ELOOP;
	mp_desc_dealloc_sender(kmsg);
	return MACHPORT_MSG_SUCCESS;
}

/*
 * The message bytes. A small one (a multiple of 4 bytes, at most
 * MP_KMSG_INLINE) goes into the kmsg's inline buffer in one user access
 * section, 8 bytes at a time: the bounds are the kmsg's own, so the
 * hardened-usercopy checks of copy_from_user() would only repeat them.
 */
static int copyin_msg(struct mp_kmsg *kmsg, const void __user *src)
{
	const u64 __user *s = src;
	u32 i, words = kmsg->size / 8;
	u64 *d = kmsg->data;

	if (kmsg->size > MP_KMSG_INLINE)
		return copy_from_user(kmsg->data, src, kmsg->size) ? -EFAULT : 0;
	if (!user_read_access_begin(src, kmsg->size))
		return -EFAULT;
	for (i = 0; i < words; i++)
		unsafe_get_user(d[i], &s[i], fault);
	if (kmsg->size % 8)
		unsafe_get_user(*(u32 *)&d[words], (const u32 __user *)&s[words],
				fault);
	user_read_access_end();
	return 0;
fault:
	user_read_access_end();
	return -EFAULT;
}

static int msg_send(struct mp_space *space, const struct machport_msg *a)
{
	struct mp_header_rights h;
	struct mp_kmsg *kmsg;
	int ret;

	if (a->send_size < HDR_SIZE || a->send_size % 4)
		return MACHPORT_SEND_MSG_TOO_SMALL;
	if (a->send_size > mp_max_msg_size)
		return MACHPORT_SEND_TOO_LARGE;
	kmsg = mp_kmsg_alloc(a->send_size);
	if (!kmsg)
		return MACHPORT_SEND_NO_BUFFER;
	if (copyin_msg(kmsg, u64_to_user_ptr(a->send_msg))) {
		mp_kmsg_free(kmsg);
		return MACHPORT_SEND_INVALID_DATA;
	}
	/* The size argument wins over the msgh_size written in the header. */
	((struct machport_msg_header *)kmsg->data)->size = a->send_size;
	ret = check_header(kmsg->data);
	if (!ret && is_complex(kmsg))
		ret = mp_desc_parse(kmsg);	/* consumes nothing */
	if (!ret)
		ret = copyin_rights(space, kmsg, &h);
	if (ret) {
		mp_kmsg_free(kmsg);
		return ret;
	}
	if (is_complex(kmsg)) {
		/* A bad body releases the header rights already taken. */
		ret = copyin_body(space, kmsg);
		if (ret) {
			mp_kmsg_destroy(kmsg);
			return ret == -ELOOP ? MACHPORT_MSG_SUCCESS : ret;
		}
	}
	if (h.drop) {
		mp_kmsg_destroy(kmsg);
		return MACHPORT_MSG_SUCCESS;
	}
	mp_stat_add(msgs_sent, 1);
	if (kmsg->dest->kobject) {
		mp_kobject_receive(kmsg);
		return MACHPORT_MSG_SUCCESS;
	}
	mp_kmsg_set_sender(kmsg);
	ret = mp_mqueue_send(kmsg->dest, kmsg, a->option,
			     to_jiffies(a->option, MACHPORT_SEND_TIMEOUT,
					a->timeout), NULL);
	if (ret) {
		mp_stat_add(msgs_sent, -1);
		pseudo_receive(space, kmsg, a->send_msg);
	}
	return ret;
}

/* Look up the receive right or port set; a reference comes back. */
static int rcv_lookup(struct mp_space *space, u32 name, struct mp_port **pp,
		      struct mp_pset **sp)
{
	int ret = MACHPORT_RCV_INVALID_NAME;

	mutex_lock(&space->lock);
	if (space->active)
		ret = mp_right_receive_object(space, name, pp, sp);
	mutex_unlock(&space->lock);
	return ret;
}

/* Turn the header around for the receiver, naming the rights it gets. */
static int copyout_header(struct mp_space *space, struct mp_kmsg *kmsg,
			  u32 local_name)
{
	struct machport_msg_header *hdr = kmsg->data;
	u32 reply = MACHPORT_NAME_NULL;

	/* Only a reply right needs the space (and maybe a new name in it). */
	if (kmsg->reply) {
		mutex_lock(&space->lock);
		if (!space->active || mp_space_reserve(space, 1)) {
			mutex_unlock(&space->lock);
			return MACHPORT_RCV_HEADER_ERROR | MACHPORT_MSG_IPC_SPACE;
		}
		reply = mp_right_copyout(space, kmsg->reply, kmsg->reply_msgt);
		kmsg->reply = NULL;
		mutex_unlock(&space->lock);
	} else if (kmsg->reply_dead) {
		reply = MACHPORT_NAME_DEAD;
	}
	/* The destination right is used up by the delivery. */
	mp_right_drop_used(kmsg->dest, kmsg->dest_msgt);
	kmsg->dest = NULL;

	hdr->bits = (hdr->bits & MACHPORT_MSGH_BITS_COMPLEX) |
		    kmsg->reply_msgt | (u32)kmsg->dest_msgt << 8;
	hdr->remote_port = reply;
	hdr->local_port = local_name;
	hdr->voucher_port = MACHPORT_NAME_NULL;
	return MACHPORT_MSG_SUCCESS;
}

/*
 * The message and its trailer. A small message goes in one user access
 * section: its bytes lie within the kmsg's own buffer (inline, or a body
 * at least that large when a kernel reply was built in place) and the
 * trailer is on our stack, so the hardened-usercopy checks of
 * copy_to_user() would only repeat what is known here. A large body is better copied by
 * copy_to_user()'s string instructions.
 */
static int copyout_msg(struct mp_kmsg *kmsg, const struct machport_msg *a,
		       u32 trailer_size, u64 context)
{
	struct machport_msg_trailer trailer;
	void __user *ubuf = u64_to_user_ptr(a->rcv_msg);
	const void *tp = &trailer;

	mp_kmsg_fill_trailer(kmsg, context, &trailer, trailer_size);
	if (kmsg->size > MP_KMSG_INLINE) {
		if (copy_to_user(ubuf, kmsg->data, kmsg->size) ||
		    copy_to_user(ubuf + kmsg->size, tp, trailer_size))
			return MACHPORT_RCV_INVALID_DATA;
		return MACHPORT_MSG_SUCCESS;
	}
	if (!user_write_access_begin(ubuf, kmsg->size + trailer_size))
		return MACHPORT_RCV_INVALID_DATA;
	unsafe_copy_to_user(ubuf, kmsg->data, kmsg->size, fault);
	unsafe_copy_to_user(ubuf + kmsg->size, tp, trailer_size, fault);
	user_write_access_end();
	return MACHPORT_MSG_SUCCESS;
fault:
	user_write_access_end();
	return MACHPORT_RCV_INVALID_DATA;
}

static int too_large(struct mp_kmsg *kmsg, const struct machport_msg *a,
		     u32 needed)
{
	struct machport_msg_header __user *uhdr = u64_to_user_ptr(a->rcv_msg);

	if (kmsg)
		mp_kmsg_destroy(kmsg);	/* dequeued: no MACH_RCV_LARGE */
	else if (a->rcv_size >= HDR_SIZE && put_user(needed, &uhdr->size))
		return MACHPORT_RCV_INVALID_DATA;
	return MACHPORT_RCV_TOO_LARGE;
}

static int msg_receive(struct mp_space *space, const struct machport_msg *a)
{
	u32 trailer_size = mp_kmsg_trailer_size(a->option);
	struct mp_rcv_req req = {
		.space = space,
		.name = a->rcv_name,
		.option = a->option,
		.timeout = to_jiffies(a->option, MACHPORT_RCV_TIMEOUT,
				      a->timeout),
	};
	struct mp_kmsg *kmsg;
	struct mp_port *port;
	struct mp_pset *set;
	int ret;

	if (MACHPORT_RCV_TRAILER_TYPE(a->option) != MACHPORT_TRAILER_FORMAT_0)
		return MACHPORT_RCV_INVALID_TRAILER;
	req.max_size = a->rcv_size > trailer_size ? a->rcv_size - trailer_size : 0;
	ret = rcv_lookup(space, a->rcv_name, &port, &set);
	if (ret)
		return ret;
	if (set)
		ret = mp_mqueue_receive_set(set, &req, &kmsg);
	else
		ret = mp_mqueue_receive(port, &req, &kmsg);
	if (ret == MACHPORT_RCV_TOO_LARGE)
		ret = too_large(kmsg, a, req.too_large_size + trailer_size);
	if (ret)
		goto out;
	trace_machport_msg_receive(req.from->id,
				   ((struct machport_msg_header *)kmsg->data)->id,
				   kmsg->size);
	ret = mp_desc_copyout(space, kmsg);
	if (!ret)
		ret = copyout_header(space, kmsg, req.local_name);
	if (!ret)
		ret = copyout_msg(kmsg, a, trailer_size,
				  READ_ONCE(req.from->context));
	if (ret)
		mp_kmsg_destroy(kmsg);
	else
		mp_kmsg_free(kmsg);
out:
	if (req.from)
		mp_port_put(req.from);
	if (set)
		mp_pset_put(set);
	else
		mp_port_put(port);
	return ret;
}

int mp_msg(struct mp_space *space, const struct machport_msg *a)
{
	int ret;

	if (a->option & ~MACHPORT_OPTIONS_KNOWN)
		return (a->option & MACHPORT_SEND_MSG) ?
		       MACHPORT_SEND_INVALID_OPTIONS : MACHPORT_RCV_INVALID_DATA;
	if (a->option & MACHPORT_SEND_MSG) {
		ret = msg_send(space, a);
		if (ret)
			return ret;
	}
	if (a->option & MACHPORT_RCV_MSG)
		return msg_receive(space, a);
	return MACHPORT_MSG_SUCCESS;
}
