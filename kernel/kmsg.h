/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_KMSG_H
#define MACHPORT_KMSG_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/uidgid.h>

struct mp_kdesc;
struct mp_port;
struct pid;

/* Messages up to this size (header included) live inside the kmsg. */
#define MP_KMSG_INLINE	256
/* Larger ones up to this size have a body from a cache of their own. */
#define MP_KMSG_BODY	(4096 + 512)

/**
 * struct mp_kmsg - a message in the kernel, between send and receive.
 * @link: on the destination port's queue (under the port's lock).
 * @size: bytes of the message, header included (the msgh_size sent).
 * @seqno: the destination's sequence number, given at dequeue.
 * @dest: the destination right in transit (one port reference).
 * @reply: the reply right in transit (one reference), or NULL.
 * @dest_msgt: MACH_MSG_TYPE_PORT_SEND or _SEND_ONCE.
 * @reply_msgt: the reply right's MACH_MSG_TYPE_PORT_*, 0 for none.
 * @reply_dead: the reply name was MACH_PORT_DEAD (or a dead name).
 * @kernel: made by the kernel (a notification, a kernel server's reply):
 *	it ignores the destination's queue limit, as XNU's kernel messages
 *	do, so it is never left undelivered for want of room.
 * @sender: the sending thread group, for the audit trailer.
 * @euid/@egid/@uid/@gid: the sender's credentials at send time.
 * @pidversion: distinguishes a reused pid (the sender's start time).
 * @desc: descriptors of a complex message, @ndesc of them.
 * @body_cached: @data comes from the body cache (MP_KMSG_BODY).
 * @data: the message bytes as sent: @inline_data, a body from the body
 *	cache, or a kvmalloc'd buffer.
 */
struct mp_kmsg {
	struct list_head link;
	u32 size;
	u32 seqno;
	struct mp_port *dest;
	struct mp_port *reply;
	u8 dest_msgt;
	u8 reply_msgt;
	bool reply_dead;
	bool kernel;
	bool body_cached;
	struct pid *sender;
	kuid_t euid, uid;
	kgid_t egid, gid;
	u32 pidversion;
	struct mp_kdesc *desc;
	u32 ndesc;
	void *data;
	u8 inline_data[] __aligned(8);
};

struct mp_kmsg *mp_kmsg_alloc(u32 size);
void mp_kmsg_free(struct mp_kmsg *kmsg);
void mp_kmsg_destroy(struct mp_kmsg *kmsg);
void mp_kmsg_reap(struct list_head *reap);
void mp_kmsg_set_sender(struct mp_kmsg *kmsg);
u32 mp_kmsg_trailer_size(u32 option);
void mp_kmsg_fill_trailer(struct mp_kmsg *kmsg, u64 context, void *trailer,
			  u32 size);

int mp_kmsg_cache_init(void);
void mp_kmsg_cache_exit(void);

#endif /* MACHPORT_KMSG_H */
