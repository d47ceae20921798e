// SPDX-License-Identifier: GPL-2.0
/*
 * Messages to ports the kernel answers for (the task's own port).
 *
 * On macOS such a message is a MIG request that the kernel serves. None
 * of the task port's MIG routines are implemented here (libmachport
 * reaches the same operations through ioctls), so every request gets the
 * answer macOS gives an unknown routine: a reply with msgh_id + 100 and
 * MIG_BAD_ID, on the reply right if there is one. The request itself is
 * consumed, so a sender never waits on a queue nobody reads.
 */
#include "kmsg.h"
#include "kobject.h"
#include "machport.h"
#include "mqueue.h"
#include "port.h"

#define MIG_BAD_ID	(-303)	/* <mach/mig_errors.h> */
#define REPLY_SIZE	(sizeof(struct machport_msg_header) + 8 + sizeof(s32))

/* NDR_record_t for this machine: little-endian integers, ASCII, IEEE. */
static const u8 ndr_record[8] = { 0, 0, 0, 0, 1, 0, 0, 0 };

static void reply_bad_id(struct mp_kmsg *req)
{
	struct machport_msg_header *hdr, *rhdr = req->data;
	s32 ret = MIG_BAD_ID;
	struct mp_kmsg *kmsg;

	kmsg = mp_kmsg_alloc(REPLY_SIZE);
	if (!kmsg)
		return;	/* the reply right dies with the request */
	hdr = kmsg->data;
	memset(hdr, 0, REPLY_SIZE);
	hdr->bits = req->reply_msgt;
	hdr->size = REPLY_SIZE;
	hdr->id = rhdr->id + 100;
	memcpy(hdr + 1, ndr_record, sizeof(ndr_record));
	memcpy((u8 *)(hdr + 1) + sizeof(ndr_record), &ret, sizeof(ret));
	kmsg->dest = req->reply;
	kmsg->dest_msgt = req->reply_msgt;
	req->reply = NULL;
	mp_mqueue_send(kmsg->dest, kmsg, MACHPORT_SEND_TIMEOUT, 0, NULL);
}

/* Serve (refuse) a request sent to a kernel port; consumes @kmsg. */
void mp_kobject_receive(struct mp_kmsg *kmsg)
{
	if (kmsg->reply)
		reply_bad_id(kmsg);
	mp_kmsg_destroy(kmsg);
}
