// SPDX-License-Identifier: GPL-2.0
/*
 * Messages to ports the kernel answers for: bootstrap ports go to the
 * name service (bootstrap.c); the task's own port is refused here.
 *
 * On macOS a message to a task port is a MIG request that the kernel
 * serves. None
 * of the task port's MIG routines are implemented here (libmachport
 * reaches the same operations through ioctls), so every request gets the
 * answer macOS gives an unknown routine: a reply with msgh_id + 100 and
 * MIG_BAD_ID, on the reply right if there is one. The request itself is
 * consumed, so a sender never waits on a queue nobody reads.
 */
#include "bootstrap.h"
#include "kmsg.h"
#include "kobject.h"
#include "machport.h"
#include "notify.h"
#include "port.h"

/* Serve a request sent to a kernel port; consumes @kmsg. */
void mp_kobject_receive(struct mp_kmsg *kmsg)
{
	struct machport_msg_header *hdr = kmsg->data;

	if (kmsg->dest->kobject == MP_KOBJECT_BOOTSTRAP) {
		mp_bootstrap_receive(kmsg);
		return;
	}
	/* A mig_reply_error_t, made of the request: it cannot fail. */
	mp_notify_reply_in_place(kmsg, hdr->id + 100, (u32)MACHPORT_MIG_BAD_ID);
}
