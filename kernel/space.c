// SPDX-License-Identifier: GPL-2.0
/*
 * IPC spaces: the table that maps a process's names to rights.
 *
 * The table is an array indexed by the name's index, so that looking a
 * name up is one bounds check and one generation compare, and so that
 * giving a right a fresh name (as every received reply right needs) takes
 * a slot from a free list without allocating. A small hash on the port
 * pointer finds the name a space already has for a port, which Mach needs
 * because a space names each port at most once for send and receive
 * rights.
 */
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "bootstrap.h"
#include "machport.h"
#include "port.h"
#include "right.h"
#include "space.h"
#include "special.h"

#define INITIAL_SIZE	64

/* Every space, oldest first, for introspection; nothing else takes it. */
static LIST_HEAD(spaces);
static DEFINE_MUTEX(spaces_lock);
static u64 last_space_id;

static void free_list_append(struct mp_space *space, u32 index)
{
	struct mp_entry *e = &space->table[index];

	e->on_free_list = 1;
	e->next_free = 0;
	if (space->free_tail)
		space->table[space->free_tail].next_free = index;
	else
		space->free_head = index;
	space->free_tail = index;
}

static u32 bucket_of(struct mp_space *space, struct mp_port *port)
{
	return hash_ptr(port, ilog2(space->nbuckets));
}

static void hash_link(struct mp_space *space, u32 index)
{
	struct mp_entry *e = &space->table[index];
	u32 b = bucket_of(space, e->port);

	e->hnext = space->buckets[b];
	space->buckets[b] = index;
	e->hashed = 1;
}

static void rehash(struct mp_space *space)
{
	u32 i;

	memset(space->buckets, 0, space->nbuckets * sizeof(u32));
	for (i = MP_TASK_INDEX; i < space->size; i++)
		if (space->table[i].hashed)
			hash_link(space, i);
}

static u32 size_limit(void)
{
	return mp_max_names + MP_FIRST_INDEX;
}

/* Grow the table to at least @want slots; moves every entry. */
static int grow(struct mp_space *space, u32 want)
{
	u32 new_size = max(space->size * 2, (u32)INITIAL_SIZE);
	u32 nbuckets, i;
	struct mp_entry *table;
	u32 *buckets;

	if (want > size_limit())
		return MACHPORT_KERN_NO_SPACE;
	new_size = min(max(new_size, want), size_limit());
	nbuckets = roundup_pow_of_two(new_size);

	table = kvcalloc(new_size, sizeof(*table), GFP_KERNEL_ACCOUNT);
	if (!table)
		return MACHPORT_KERN_RESOURCE_SHORTAGE;
	buckets = kvcalloc(nbuckets, sizeof(*buckets), GFP_KERNEL_ACCOUNT);
	if (!buckets) {
		kvfree(table);
		return MACHPORT_KERN_RESOURCE_SHORTAGE;
	}
	if (space->size)
		memcpy(table, space->table, space->size * sizeof(*table));
	kvfree(space->table);
	kvfree(space->buckets);
	space->table = table;
	space->buckets = buckets;
	space->nbuckets = nbuckets;
	for (i = max_t(u32, space->size, MP_FIRST_INDEX); i < new_size; i++) {
		table[i].gen = MP_GEN_ROLL;
		free_list_append(space, i);
	}
	space->size = new_size;
	rehash(space);
	return MACHPORT_KERN_SUCCESS;
}

static u32 nr_free(struct mp_space *space)
{
	/* Slot 0 is never used; slot 1 (the task's name) counts in @used. */
	if (!space->size)
		return 0;
	return space->size - 1 - space->used;
}

/**
 * mp_space_reserve() - make sure @nfree slots are free
 * @space: locked, active space
 * @nfree: slots the caller will take with mp_space_alloc()
 *
 * May move the table: call it before taking entry pointers.
 * Return: a Mach code, MACHPORT_KERN_NO_SPACE past the name limit.
 */
int mp_space_reserve(struct mp_space *space, u32 nfree)
{
	lockdep_assert_held(&space->lock);
	if (nr_free(space) >= nfree)
		return MACHPORT_KERN_SUCCESS;
	/* No u32 wrap: more than the limit allows is simply too many. */
	if (nfree > size_limit())
		return MACHPORT_KERN_NO_SPACE;
	return grow(space, space->size + nfree);
}

/* Make sure the slot for @index exists; may move the table. */
int mp_space_reserve_index(struct mp_space *space, u32 index)
{
	lockdep_assert_held(&space->lock);
	if (index < space->size)
		return MACHPORT_KERN_SUCCESS;
	return grow(space, index + 1);
}

struct mp_entry *mp_space_lookup(struct mp_space *space, u32 name)
{
	u32 index = MP_NAME_INDEX(name);
	struct mp_entry *e;

	lockdep_assert_held(&space->lock);
	if (!index || index >= space->size)
		return NULL;
	e = &space->table[index];
	if (!e->type || e->gen != MP_NAME_GEN(name))
		return NULL;
	return e;
}

/* Take a free slot; mp_space_reserve() must have made one available. */
struct mp_entry *mp_space_alloc(struct mp_space *space)
{
	struct mp_entry *e;
	u32 index;

	lockdep_assert_held(&space->lock);
	while ((index = space->free_head)) {
		e = &space->table[index];
		space->free_head = e->next_free;
		if (!space->free_head)
			space->free_tail = 0;
		e->on_free_list = 0;
		if (e->type)	/* taken by mp_space_alloc_name() meanwhile */
			continue;
		space->used++;
		space->seq++;
		return e;
	}
	return NULL;
}

/**
 * mp_space_alloc_name() - take the slot for a name the user chose
 * @space: locked, active space
 * @name: valid name (not NULL or DEAD, generation checked by the caller)
 * @entryp: the free entry, with its generation set from @name
 *
 * The slot stays on the free list; mp_space_alloc() skips it. May move the
 * table.
 * Return: a Mach code: KERN_NAME_EXISTS if the name is in use, KERN_FAILURE
 * if its index is in use under another generation (as XNU answers).
 */
int mp_space_alloc_name(struct mp_space *space, u32 name,
			struct mp_entry **entryp)
{
	u32 index = MP_NAME_INDEX(name);
	struct mp_entry *e;
	int kr;

	lockdep_assert_held(&space->lock);
	if (!index)
		return MACHPORT_KERN_FAILURE;
	if (index >= space->size) {
		kr = grow(space, index + 1);
		if (kr)
			return kr;
	}
	e = &space->table[index];
	if (e->type)
		return e->gen == MP_NAME_GEN(name) ? MACHPORT_KERN_NAME_EXISTS :
						     MACHPORT_KERN_FAILURE;
	e->gen = MP_NAME_GEN(name);
	space->used++;
	space->seq++;
	*entryp = e;
	return MACHPORT_KERN_SUCCESS;
}

/* Return a slot whose rights are gone; its next name is a new generation. */
void mp_space_free(struct mp_space *space, struct mp_entry *e)
{
	lockdep_assert_held(&space->lock);
	if (e->hashed)
		mp_space_unhash(space, e);
	e->type = 0;
	e->port = NULL;
	e->urefs = 0;
	e->gen += MP_GEN_STEP;
	space->used--;
	space->seq++;
	if (!e->on_free_list)
		free_list_append(space, e - space->table);
}

u32 mp_space_name(struct mp_space *space, struct mp_entry *e)
{
	return MP_NAME(e - space->table, e->gen);
}

/* The entry holding send or receive rights for @port, if any. */
struct mp_entry *mp_space_find(struct mp_space *space, struct mp_port *port)
{
	u32 index;

	lockdep_assert_held(&space->lock);
	if (!space->nbuckets)
		return NULL;
	index = space->buckets[bucket_of(space, port)];
	while (index) {
		struct mp_entry *e = &space->table[index];

		if (e->port == port)
			return e;
		index = e->hnext;
	}
	return NULL;
}

void mp_space_hash(struct mp_space *space, struct mp_entry *e)
{
	lockdep_assert_held(&space->lock);
	hash_link(space, e - space->table);
}

void mp_space_unhash(struct mp_space *space, struct mp_entry *e)
{
	u32 index = e - space->table;
	u32 *link = &space->buckets[bucket_of(space, e->port)];

	lockdep_assert_held(&space->lock);
	while (*link != index)
		link = &space->table[*link].hnext;
	*link = e->hnext;
	e->hnext = 0;
	e->hashed = 0;
}

struct mp_space *mp_space_create(void)
{
	struct mp_space *space;

	space = kzalloc(sizeof(*space), GFP_KERNEL_ACCOUNT);
	if (!space)
		return NULL;
	mutex_init(&space->lock);
	kref_init(&space->ref);
	space->active = true;
	space->owner = get_pid(task_tgid(current));
	space->bootstrap = mp_bootstrap_get();
	mutex_lock(&space->lock);
	if (!space->bootstrap || grow(space, INITIAL_SIZE) ||
	    mp_right_init_task(space)) {
		kvfree(space->table);
		kvfree(space->buckets);
		mutex_unlock(&space->lock);
		mp_bootstrap_put(space->bootstrap);
		put_pid(space->owner);
		kfree(space);
		return NULL;
	}
	mp_special_init(space, mp_bootstrap_port(space->bootstrap));
	mutex_unlock(&space->lock);
	mutex_lock(&spaces_lock);
	space->id = ++last_space_id;
	list_add_tail(&space->link, &spaces);
	mutex_unlock(&spaces_lock);
	atomic_long_inc(&mp_stats.spaces);
	return space;
}

/*
 * Destroy every right the space holds, as if the process had called
 * mach_port_destroy() on each name, and free the table. Later calls on the
 * space find it inactive.
 */
void mp_space_teardown(struct mp_space *space)
{
	struct mp_bootstrap *bs;
	u32 i;

	mutex_lock(&space->lock);
	if (!space->active) {
		mutex_unlock(&space->lock);
		return;
	}
	space->active = false;
	mp_special_release(space);
	for (i = MP_TASK_INDEX; i < space->size; i++)
		if (space->table[i].type)
			mp_right_destroy_entry(space, &space->table[i]);
	kvfree(space->table);
	kvfree(space->buckets);
	space->table = NULL;
	space->buckets = NULL;
	space->size = 0;
	space->nbuckets = 0;
	space->free_head = 0;
	space->free_tail = 0;
	bs = space->bootstrap;
	space->bootstrap = NULL;
	mutex_unlock(&space->lock);
	/* The last space of a namespace takes its registry with it. */
	mp_bootstrap_put(bs);
}

static void space_release(struct kref *ref)
{
	struct mp_space *space = container_of(ref, struct mp_space, ref);

	mutex_lock(&spaces_lock);
	list_del(&space->link);
	mutex_unlock(&spaces_lock);
	put_pid(space->owner);
	mutex_destroy(&space->lock);
	kfree(space);
	atomic_long_dec(&mp_stats.spaces);
}

void mp_space_put(struct mp_space *space)
{
	kref_put(&space->ref, space_release);
}

bool mp_space_is_owner(struct mp_space *space)
{
	return task_tgid(current) == space->owner;
}

/* The space created next after the one with id @after, referenced. */
struct mp_space *mp_space_next(u64 after)
{
	struct mp_space *space, *found = NULL;

	mutex_lock(&spaces_lock);
	list_for_each_entry(space, &spaces, link) {
		if (space->id > after && kref_get_unless_zero(&space->ref)) {
			found = space;
			break;
		}
	}
	mutex_unlock(&spaces_lock);
	return found;
}
