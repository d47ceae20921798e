/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_SPACE_H
#define MACHPORT_SPACE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "machport.h"

struct mp_bootstrap;
struct mp_port;
struct mp_pset;
struct pid;

/*
 * A name is index << 8 | generation. Index 0 is never used (it would make
 * MACH_PORT_NULL a valid name) and index 1 is kept for the task's own
 * port, as on macOS where mach_task_self() is 0x103.
 */
#define MP_NAME_INDEX(name)	((name) >> 8)
#define MP_NAME_GEN(name)	((name) & 0xff)
#define MP_NAME(index, gen)	(((u32)(index) << 8) | (gen))
#define MP_TASK_INDEX		1
#define MP_FIRST_INDEX		2
/* Kernel-chosen generations have the low two bits set; reuse adds this. */
#define MP_GEN_ROLL		0x03
#define MP_GEN_STEP		0x04

/**
 * struct mp_entry - one name in a space and the rights it holds.
 * @port: the port named, with one reference held by the entry; NULL for a
 *	dead name made by mach_port_allocate, or a free slot.
 * @pset: the port set named (one reference), for a port-set entry.
 * @type: MACHPORT_TYPE_* bits of the rights held; 0 when the slot is free.
 * @urefs: user references of the send or dead-name right (1 for a
 *	send-once right, the receive right has no user reference count).
 * @gen: generation byte of the name.
 * @on_free_list: the slot is linked on the space's free list.
 * @hashed: the entry is on the reverse-lookup hash.
 * @pinned: the task's own send right: it cannot be destroyed.
 * @next_free: free-list link (index).
 * @hnext: reverse-lookup hash chain link (index), see mp_space_find().
 */
struct mp_entry {
	union {
		struct mp_port *port;
		struct mp_pset *pset;	/* when @type is MACH_PORT_TYPE_PORT_SET */
	};
	u32 type;
	u16 urefs;
	u8 gen;
	u8 on_free_list:1;
	u8 hashed:1;
	u8 pinned:1;
	u32 next_free;
	u32 hnext;
};

/**
 * struct mp_space - an IPC space: the names one process holds.
 * @lock: protects every field below it and every entry of @table.
 * @table: the entries, indexed by name index. Growing the table moves it:
 *	entry pointers are valid only until the next mp_space_reserve().
 * @size: number of slots in @table.
 * @used: slots in use.
 * @free_head: first index on the free list (0: empty). Freed slots go to
 *	the tail so that a name's index is reused as late as possible.
 * @free_tail: last index on the free list.
 * @buckets: reverse-lookup hash (port -> index of the entry holding send or
 *	receive rights to it): heads of chains linked through hnext.
 * @nbuckets: a power of two.
 * @active: false once torn down.
 * @owner: the thread group that opened the device.
 * @special: task special ports (send rights, one port reference each),
 *	indexed by TASK_*_PORT; slot 0 and TASK_KERNEL_PORT are unused.
 * @bootstrap: the name registry of the IPC namespace the space was opened
 *	in (a reference, dropped at teardown), whose port is the initial
 *	TASK_BOOTSTRAP_PORT.
 * @ref: lifetime of the structure (the file holds one reference).
 * @link: on the module's list of spaces (introspection), under its lock.
 * @id: unique while the module is loaded, never reused.
 * @seq: changes whenever a name is added or removed (dump consistency).
 */
struct mp_space {
	struct mutex lock;	/* see the kernel-doc above */
	struct mp_entry *table;
	u32 size;
	u32 used;
	u32 free_head;
	u32 free_tail;
	u32 *buckets;
	u32 nbuckets;
	bool active;
	struct pid *owner;
	struct mp_port *special[MACHPORT_TASK_MAX_SPECIAL_PORT + 1];
	struct mp_bootstrap *bootstrap;
	struct kref ref;
	struct list_head link;
	u64 id;
	u32 seq;
};

struct mp_space *mp_space_create(void);
void mp_space_teardown(struct mp_space *space);
void mp_space_put(struct mp_space *space);
bool mp_space_is_owner(struct mp_space *space);
struct mp_space *mp_space_next(u64 after);

int mp_space_reserve(struct mp_space *space, u32 nfree);
int mp_space_reserve_index(struct mp_space *space, u32 index);
struct mp_entry *mp_space_lookup(struct mp_space *space, u32 name);
struct mp_entry *mp_space_alloc(struct mp_space *space);
int mp_space_alloc_name(struct mp_space *space, u32 name,
			struct mp_entry **entryp);
void mp_space_free(struct mp_space *space, struct mp_entry *entry);
u32 mp_space_name(struct mp_space *space, struct mp_entry *entry);

struct mp_entry *mp_space_find(struct mp_space *space, struct mp_port *port);
void mp_space_hash(struct mp_space *space, struct mp_entry *entry);
void mp_space_unhash(struct mp_space *space, struct mp_entry *entry);

#endif /* MACHPORT_SPACE_H */
