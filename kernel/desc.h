/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_DESC_H
#define MACHPORT_DESC_H

#include <linux/list.h>
#include <linux/types.h>

struct mp_kmsg;
struct mp_port;
struct mp_space;

/* A right that travels as MACH_PORT_DEAD. */
#define MP_PORT_DEAD	((struct mp_port *)1UL)

/**
 * struct mp_kdesc - the kernel's side of one descriptor of a message
 * @offset: where the descriptor sits in the message
 * @type: MACH_MSG_*_DESCRIPTOR
 * @disp: the sender's disposition (port and OOL-ports descriptors)
 * @copy: the sender's copy option (OOL)
 * @dealloc: the sender asked for its range to be deallocated
 * @count: OOL: bytes; OOL ports: names
 * @uaddr: the sender's address (OOL, OOL ports)
 * @port: port descriptor: the right, NULL or MP_PORT_DEAD
 * @ports: OOL ports: the rights (NULL or MP_PORT_DEAD entries allowed)
 * @mem: OOL: the bytes, copied at send time (small regions)
 * @file: OOL: the bytes in pages of their own (large regions, oolfile.c),
 *	which the receiver maps copy-on-write instead of copying them again
 * @rights_in: the rights were taken from the sender's space
 */
struct mp_kdesc {
	u32 offset;
	u8 type;
	u8 disp;
	u8 copy;
	u8 dealloc;
	u32 count;
	u64 uaddr;
	union {
		struct mp_port *port;
		struct mp_port **ports;
		void *mem;
	};
	struct file *file;
	bool rights_in;
};

int mp_desc_parse(struct mp_kmsg *kmsg);
int mp_desc_copyin_memory(struct mp_kmsg *kmsg);
int mp_desc_copyin_rights(struct mp_space *space, struct mp_kmsg *kmsg);
bool mp_desc_transit_check(struct mp_kmsg *kmsg);
void mp_desc_dealloc_sender(struct mp_kmsg *kmsg);
int mp_desc_copyout(struct mp_space *space, struct mp_kmsg *kmsg);
void mp_desc_release(struct mp_kmsg *kmsg, struct list_head *reap);
void mp_desc_free(struct mp_kmsg *kmsg);
u32 mp_desc_rights(struct mp_kmsg *kmsg);

#endif /* MACHPORT_DESC_H */
