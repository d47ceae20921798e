// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel messages: allocation, the sender's identity, trailers, and
 * destruction (releasing every right a message carries).
 */
#include <linux/cred.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>

#include "desc.h"
#include "kmsg.h"
#include "machport.h"
#include "port.h"
#include "right.h"

static struct kmem_cache *kmsg_cache;
static struct kmem_cache *body_cache;

/*
 * One spare kmsg per CPU keeps the allocator off the small-message path:
 * a receiver parks the kmsg it is done with, the next sender on that CPU
 * takes it. In a ping-pong each side's CPU gets back what it gave, so an
 * RPC allocates nothing once warm. (A parked kmsg stays charged to the
 * memory cgroup that first allocated it: one object per CPU.)
 */
static DEFINE_PER_CPU(struct mp_kmsg *, spare_kmsg);

static struct mp_kmsg *kmsg_get(void)
{
	struct mp_kmsg *kmsg = this_cpu_xchg(spare_kmsg, NULL);

	return kmsg ?: kmem_cache_alloc(kmsg_cache, GFP_KERNEL_ACCOUNT);
}

static void kmsg_put(struct mp_kmsg *kmsg)
{
	if (this_cpu_cmpxchg(spare_kmsg, NULL, kmsg))
		kmem_cache_free(kmsg_cache, kmsg);
}

/*
 * Small messages come whole from one slab object; larger ones add a body:
 * up to MP_KMSG_BODY (a 4 KiB payload and its header) from a cache of
 * their own, beyond that from kvmalloc().
 */
struct mp_kmsg *mp_kmsg_alloc(u32 size)
{
	struct mp_kmsg *kmsg;

	kmsg = kmsg_get();
	if (!kmsg)
		return NULL;
	memset(kmsg, 0, offsetof(struct mp_kmsg, inline_data));
	kmsg->size = size;
	if (size <= MP_KMSG_INLINE) {
		kmsg->data = kmsg->inline_data;
		return kmsg;
	}
	kmsg->body_cached = size <= MP_KMSG_BODY;
	if (kmsg->body_cached)
		kmsg->data = kmem_cache_alloc(body_cache, GFP_KERNEL_ACCOUNT);
	else
		kmsg->data = kvmalloc(size, GFP_KERNEL_ACCOUNT);
	if (!kmsg->data) {
		kmsg_put(kmsg);
		return NULL;
	}
	return kmsg;
}

/* Free the memory; the rights were consumed or released already. */
void mp_kmsg_free(struct mp_kmsg *kmsg)
{
	if (kmsg->desc)
		mp_desc_free(kmsg);
	if (kmsg->body_cached)
		kmem_cache_free(body_cache, kmsg->data);
	else if (kmsg->data != kmsg->inline_data)
		kvfree(kmsg->data);
	put_pid(kmsg->sender);
	kmsg_put(kmsg);
}

/*
 * A message that will never be received (its port died, the receiver's
 * buffer was too small, the send failed): release every right it holds.
 * Never called with a port lock held: releasing a right locks its port.
 */
void mp_kmsg_destroy(struct mp_kmsg *kmsg)
{
	LIST_HEAD(reap);

	list_add(&kmsg->link, &reap);
	mp_kmsg_reap(&reap);
}

/*
 * Destroy every message on @reap, and the messages their rights release
 * in turn (a receive right in a message kills its port, whose queue joins
 * @reap): a loop, not a recursion, however deep ports nest in messages.
 */
void mp_kmsg_reap(struct list_head *reap)
{
	struct mp_kmsg *kmsg;

	while ((kmsg = list_first_entry_or_null(reap, struct mp_kmsg, link))) {
		list_del(&kmsg->link);
		mp_right_release_transit(kmsg->dest, kmsg->dest_msgt, reap);
		mp_right_release_transit(kmsg->reply, kmsg->reply_msgt, reap);
		mp_desc_release(kmsg, reap);
		mp_kmsg_free(kmsg);
	}
}

void mp_kmsg_set_sender(struct mp_kmsg *kmsg)
{
	const struct cred *cred = current_cred();

	kmsg->sender = get_pid(task_tgid(current));
	kmsg->euid = cred->euid;
	kmsg->egid = cred->egid;
	kmsg->uid = cred->uid;
	kmsg->gid = cred->gid;
	kmsg->pidversion = (u32)current->group_leader->start_time;
}

/* Trailer sizes by MACH_RCV_TRAILER_ELEMENTS, as macOS defines them. */
u32 mp_kmsg_trailer_size(u32 option)
{
	static const u8 sizes[] = { 8, 12, 20, 52, 60 };
	u32 elements = MACHPORT_RCV_TRAILER_ELEMENTS(option);

	return elements < ARRAY_SIZE(sizes) ? sizes[elements] :
	       sizeof(struct machport_msg_trailer);
}

/*
 * The trailer's first @size bytes (mp_kmsg_trailer_size()), the rest
 * zero: only the elements the receiver asked for are worked out, so the
 * default 8-byte trailer costs nothing. Identities are given as the
 * receiver's namespaces see them.
 */
void mp_kmsg_fill_trailer(struct mp_kmsg *kmsg, u64 context, void *buf,
			  u32 size)
{
	struct machport_msg_trailer *t = buf;
	struct user_namespace *ns;
	u32 euid, egid;

	memset(t, 0, sizeof(*t));
	t->type = MACHPORT_TRAILER_FORMAT_0;
	t->size = size;
	if (size < offsetofend(struct machport_msg_trailer, seqno))
		return;
	t->seqno = kmsg->seqno;
	if (size < offsetofend(struct machport_msg_trailer, sender))
		return;
	ns = current_user_ns();
	euid = from_kuid_munged(ns, kmsg->euid);
	egid = from_kgid_munged(ns, kmsg->egid);
	t->sender[0] = euid;
	t->sender[1] = egid;
	if (size < offsetofend(struct machport_msg_trailer, audit))
		return;
	t->audit[0] = (u32)-1;		/* audit user: not tracked */
	t->audit[1] = euid;
	t->audit[2] = egid;
	t->audit[3] = from_kuid_munged(ns, kmsg->uid);
	t->audit[4] = from_kgid_munged(ns, kmsg->gid);
	t->audit[5] = pid_nr_ns(kmsg->sender, task_active_pid_ns(current));
	t->audit[6] = 0;		/* audit session: not tracked */
	t->audit[7] = kmsg->pidversion;
	t->context = context;		/* kept only when asked for */
}

/*
 * A cache with a constructor is not cleared on allocation by
 * init_on_alloc=1 (Debian's default), which would write every byte of
 * the inline buffer for each queued message, and every byte of a 4 KiB
 * body, only for the copy-in to write them again. Nothing is ever read
 * from a kmsg or a body that was not written first: mp_kmsg_alloc()
 * clears the bookkeeping, the copy-in (or the kernel's builder) fills
 * the message's @size bytes, and only those are read or copied out.
 * The constructor has nothing to do. (The price: KMSAN does not track
 * objects of caches with constructors.)
 */
static void no_clear_ctor(void *obj)
{
}

int mp_kmsg_cache_init(void)
{
	/* Only the inline message bytes are ever copied to or from user. */
	kmsg_cache = kmem_cache_create_usercopy("mp_kmsg",
						sizeof(struct mp_kmsg) + MP_KMSG_INLINE,
						0, SLAB_ACCOUNT,
						offsetof(struct mp_kmsg, inline_data),
						MP_KMSG_INLINE, no_clear_ctor);
	if (!kmsg_cache)
		return -ENOMEM;
	body_cache = kmem_cache_create_usercopy("mp_kmsg_body", MP_KMSG_BODY,
						0, SLAB_ACCOUNT, 0,
						MP_KMSG_BODY, no_clear_ctor);
	if (!body_cache) {
		kmem_cache_destroy(kmsg_cache);
		return -ENOMEM;
	}
	return 0;
}

void mp_kmsg_cache_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct mp_kmsg *kmsg = per_cpu(spare_kmsg, cpu);

		if (kmsg)
			kmem_cache_free(kmsg_cache, kmsg);
		per_cpu(spare_kmsg, cpu) = NULL;
	}
	kmem_cache_destroy(kmsg_cache);
	kmem_cache_destroy(body_cache);
}
