// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the name table (space.c). Names are index << 8 | generation,
 * kernel generations have the low two bits set, a reused slot's generation
 * advances by MP_GEN_STEP and wraps modulo 256, freed slots are reused in
 * FIFO order, growing the table keeps every entry and the reverse hash,
 * and the name limit answers KERN_NO_SPACE.
 *
 * Bare slots are marked as dead names (no port to release), so that
 * mp_space_lookup() sees them and teardown can release any left over.
 * Every case holds the space's lock as the functions require and uses
 * only non-fatal expectations while it does.
 */
#include <linux/limits.h>
#include <linux/slab.h>

#include "kunit.h"
#include "machport.h"
#include "port.h"
#include "right.h"
#include "space.h"

#define DEAD		MACHPORT_TYPE_DEAD_NAME
#define FRESH_GEN	MP_GEN_ROLL

/* A free slot taken and given a dead name, or NULL when none is free. */
static struct mp_entry *take_slot(struct mp_space *space)
{
	struct mp_entry *e = mp_space_alloc(space);

	if (e) {
		e->type = DEAD;
		e->urefs = 1;
	}
	return e;
}

/*
 * Take every free slot without growing; returns how many. Loops here and
 * below stop after a table's worth, so that a broken free list fails the
 * case instead of hanging it.
 */
static u32 fill(struct mp_space *space)
{
	u32 n = 0;

	while (n <= space->size && take_slot(space))
		n++;
	return n;
}

/* Free every bare dead name (slots past the task's). */
static void free_all(struct mp_space *space)
{
	u32 i;

	for (i = MP_FIRST_INDEX; i < space->size; i++)
		if (space->table[i].type == DEAD && !space->table[i].port)
			mp_space_free(space, &space->table[i]);
}

/*
 * The free list's invariants: it ends, every slot on it says so, and every
 * unused slot (index 2 and up) is on it exactly once.
 */
static void check_free_list(struct kunit *test, struct mp_space *space)
{
	u32 index, steps = 0, unused = 0, listed_unused = 0, i;

	for (index = space->free_head; index && steps <= space->size;
	     index = space->table[index].next_free) {
		steps++;
		KUNIT_EXPECT_LT(test, index, space->size);
		if (index >= space->size)
			return;
		KUNIT_EXPECT_TRUE(test, space->table[index].on_free_list);
		if (!space->table[index].type)
			listed_unused++;
		if (!space->table[index].next_free)
			KUNIT_EXPECT_EQ(test, space->free_tail, index);
	}
	KUNIT_EXPECT_LE(test, steps, space->size);	/* no cycle */
	for (i = MP_FIRST_INDEX; i < space->size; i++) {
		if (space->table[i].type)
			continue;
		unused++;
		KUNIT_EXPECT_TRUE(test, space->table[i].on_free_list);
	}
	KUNIT_EXPECT_EQ(test, unused, listed_unused);
	KUNIT_EXPECT_EQ(test, unused, space->size - 1 - space->used);
}

static void fresh_names(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	struct mp_entry *e, *task;
	u32 name, prev, n;

	mutex_lock(&space->lock);
	/* mach_task_self() is 0x103, as on macOS: pinned and pegged. */
	task = mp_space_lookup(space, MP_NAME(MP_TASK_INDEX, FRESH_GEN));
	KUNIT_EXPECT_NOT_NULL(test, task);
	if (task) {
		KUNIT_EXPECT_TRUE(test, task->pinned);
		KUNIT_EXPECT_EQ(test, task->urefs, MACHPORT_UREFS_MAX);
	}
	KUNIT_EXPECT_EQ(test, space->used, 1U);
	check_free_list(test, space);

	e = take_slot(space);
	KUNIT_EXPECT_NOT_NULL(test, e);
	if (!e)
		goto out;
	name = mp_space_name(space, e);
	KUNIT_EXPECT_EQ(test, name, 0x203U);	/* the first name of a task */
	KUNIT_EXPECT_PTR_EQ(test, mp_space_lookup(space, name), e);
	/* Another generation, index 0, past the table: no entry. */
	KUNIT_EXPECT_NULL(test, mp_space_lookup(space, name + MP_GEN_STEP));
	KUNIT_EXPECT_NULL(test, mp_space_lookup(space, name ^ MP_GEN_ROLL));
	KUNIT_EXPECT_NULL(test, mp_space_lookup(space, MP_NAME(0, FRESH_GEN)));
	KUNIT_EXPECT_NULL(test, mp_space_lookup(space,
						MP_NAME(space->size, FRESH_GEN)));
	KUNIT_EXPECT_NULL(test, mp_space_lookup(space, MACHPORT_NAME_DEAD));
	/* A slot taken but not given a right yet is not a name. */
	e->type = 0;
	KUNIT_EXPECT_NULL(test, mp_space_lookup(space, name));
	e->type = DEAD;

	/* Fresh slots come in index order, all with the fresh generation. */
	prev = name;
	n = 1;
	while (n <= space->size && (e = take_slot(space))) {
		name = mp_space_name(space, e);
		KUNIT_EXPECT_EQ(test, MP_NAME_GEN(name), (u32)FRESH_GEN);
		KUNIT_EXPECT_EQ(test, MP_NAME_INDEX(name), MP_NAME_INDEX(prev) + 1);
		prev = name;
		n++;
	}
	/* The initial table: 64 slots less index 0 and the task's. */
	KUNIT_EXPECT_EQ(test, n, space->size - MP_FIRST_INDEX);
	KUNIT_EXPECT_EQ(test, space->used, space->size - 1);
	check_free_list(test, space);
	free_all(space);
	KUNIT_EXPECT_EQ(test, space->used, 1U);
	check_free_list(test, space);
out:
	mutex_unlock(&space->lock);
}

/*
 * One index reused 64 times: each reuse adds MP_GEN_STEP, keeps the low
 * bits, never lets an earlier name find the entry, and the 64th wraps
 * back to the first name.
 */
static void generation_wrap(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	struct mp_entry *e;
	u32 first, prev, name, index, k;

	mutex_lock(&space->lock);
	e = take_slot(space);
	KUNIT_EXPECT_NOT_NULL(test, e);
	if (!e)
		goto out;
	first = mp_space_name(space, e);
	index = MP_NAME_INDEX(first);
	fill(space);	/* so that the slot freed is the only free one */
	KUNIT_EXPECT_NULL(test, mp_space_alloc(space));
	prev = first;
	for (k = 1; k <= 256 / MP_GEN_STEP; k++) {
		mp_space_free(space, &space->table[index]);
		KUNIT_EXPECT_NULL(test, mp_space_lookup(space, prev));
		e = take_slot(space);
		KUNIT_EXPECT_PTR_EQ(test, e, &space->table[index]);
		if (!e)
			break;
		name = mp_space_name(space, e);
		KUNIT_EXPECT_EQ(test, MP_NAME_INDEX(name), index);
		KUNIT_EXPECT_EQ(test, MP_NAME_GEN(name),
				(FRESH_GEN + k * MP_GEN_STEP) & 0xff);
		KUNIT_EXPECT_EQ(test, MP_NAME_GEN(name) & MP_GEN_ROLL,
				(u32)MP_GEN_ROLL);
		KUNIT_EXPECT_NULL(test, mp_space_lookup(space, prev));
		KUNIT_EXPECT_PTR_EQ(test, mp_space_lookup(space, name), e);
		if (k < 256 / MP_GEN_STEP)
			KUNIT_EXPECT_NE(test, name, first);
		prev = name;
	}
	KUNIT_EXPECT_EQ(test, prev, first);	/* wrapped modulo 256 */
	free_all(space);
	check_free_list(test, space);
out:
	mutex_unlock(&space->lock);
}

/* Freed slots come back oldest first, after the slots already free. */
static void fifo_reuse(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	static const u32 order[] = { 9, 5, 7 };
	struct mp_entry *e;
	u32 i;

	mutex_lock(&space->lock);
	fill(space);
	KUNIT_EXPECT_NULL(test, mp_space_alloc(space));	/* full, no growth */
	for (i = 0; i < ARRAY_SIZE(order); i++)
		mp_space_free(space, &space->table[order[i]]);
	check_free_list(test, space);
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		e = take_slot(space);
		KUNIT_EXPECT_PTR_EQ(test, e, &space->table[order[i]]);
		if (e)
			KUNIT_EXPECT_EQ(test, (u32)e->gen,
					(u32)(FRESH_GEN + MP_GEN_STEP));
	}
	KUNIT_EXPECT_NULL(test, mp_space_alloc(space));

	/* A slot freed while others are free waits behind them. */
	mp_space_free(space, &space->table[20]);
	mp_space_free(space, &space->table[4]);
	mp_space_free(space, &space->table[12]);
	KUNIT_EXPECT_PTR_EQ(test, take_slot(space), &space->table[20]);
	mp_space_free(space, &space->table[20]);
	KUNIT_EXPECT_PTR_EQ(test, take_slot(space), &space->table[4]);
	KUNIT_EXPECT_PTR_EQ(test, take_slot(space), &space->table[12]);
	KUNIT_EXPECT_PTR_EQ(test, take_slot(space), &space->table[20]);
	KUNIT_EXPECT_EQ(test, (u32)space->table[20].gen,
			(u32)(FRESH_GEN + 2 * MP_GEN_STEP));
	check_free_list(test, space);
	free_all(space);
	mutex_unlock(&space->lock);
}

/* mach_port_allocate_name: a chosen slot stays on the free list, skipped. */
static void chosen_names(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	u32 name = MP_NAME(5, 0x17), far = MP_NAME(100, 0x07), i;
	struct mp_entry *e;
	int kr;

	mutex_lock(&space->lock);
	kr = mp_space_alloc_name(space, name, &e);
	KUNIT_EXPECT_EQ(test, kr, MACHPORT_KERN_SUCCESS);
	if (kr)
		goto out;
	e->type = DEAD;
	e->urefs = 1;
	KUNIT_EXPECT_PTR_EQ(test, mp_space_lookup(space, name), e);
	KUNIT_EXPECT_EQ(test, mp_space_name(space, e), name);
	KUNIT_EXPECT_EQ(test, mp_space_alloc_name(space, name, &e),
			MACHPORT_KERN_NAME_EXISTS);
	KUNIT_EXPECT_EQ(test, mp_space_alloc_name(space, name + MP_GEN_STEP, &e),
			MACHPORT_KERN_FAILURE);
	KUNIT_EXPECT_EQ(test, mp_space_alloc_name(space, MP_NAME(0, 0x03), &e),
			MACHPORT_KERN_FAILURE);
	check_free_list(test, space);
	/* Kernel-chosen names never land on it. */
	for (i = 0; i <= space->size && (e = take_slot(space)); i++)
		KUNIT_EXPECT_NE(test, MP_NAME_INDEX(mp_space_name(space, e)), 5U);

	/* Past the table: it grows, and every entry keeps its name. */
	kr = mp_space_alloc_name(space, far, &e);
	KUNIT_EXPECT_EQ(test, kr, MACHPORT_KERN_SUCCESS);
	if (!kr) {
		e->type = DEAD;
		e->urefs = 1;
	}
	KUNIT_EXPECT_GT(test, space->size, 100U);
	KUNIT_EXPECT_NOT_NULL(test, mp_space_lookup(space, far));
	KUNIT_EXPECT_NOT_NULL(test, mp_space_lookup(space, name));
	for (i = MP_FIRST_INDEX; i < 64; i++)
		KUNIT_EXPECT_EQ(test, space->table[i].type, DEAD);
	check_free_list(test, space);

	/* Freed, the chosen name's slot is listed once and gets a new gen. */
	mp_space_free(space, &space->table[100]);
	KUNIT_EXPECT_NULL(test, mp_space_lookup(space, far));
	check_free_list(test, space);
	free_all(space);
	check_free_list(test, space);
out:
	mutex_unlock(&space->lock);
}

#define GROW_PORTS	300

/*
 * Receive rights enough to grow the table three times: every name still
 * finds its entry, and the reverse hash still finds every port's name.
 */
static void growth(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	struct mp_port **ports;
	struct mp_entry *e;
	u32 *names, size0, i;
	int kr = 0;

	names = kunit_kcalloc(test, GROW_PORTS, sizeof(*names), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, names);
	ports = kunit_kcalloc(test, GROW_PORTS, sizeof(*ports), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ports);

	mutex_lock(&space->lock);
	size0 = space->size;
	for (i = 0; i < GROW_PORTS && !kr; i++) {
		kr = mp_right_allocate(space, MACHPORT_RIGHT_RECEIVE, 0,
				       &names[i]);
		e = kr ? NULL : mp_space_lookup(space, names[i]);
		ports[i] = e ? e->port : NULL;
	}
	KUNIT_EXPECT_EQ(test, kr, MACHPORT_KERN_SUCCESS);
	if (kr)
		goto out;
	KUNIT_EXPECT_GT(test, space->size, 4 * size0);
	for (i = 0; i < GROW_PORTS; i++) {
		e = mp_space_lookup(space, names[i]);
		KUNIT_EXPECT_NOT_NULL(test, e);
		if (!e)
			continue;
		KUNIT_EXPECT_EQ(test, e->type, MACHPORT_TYPE_RECEIVE);
		KUNIT_EXPECT_PTR_EQ(test, e->port, ports[i]);
		KUNIT_EXPECT_PTR_EQ(test, mp_space_find(space, ports[i]), e);
		KUNIT_EXPECT_EQ(test, ports[i]->rcv_name, names[i]);
	}
	check_free_list(test, space);

	/* Half of them go; the others' names and hash entries stay. */
	for (i = 0; i < GROW_PORTS; i += 2)
		KUNIT_EXPECT_EQ(test, mp_right_destroy(space, names[i]),
				MACHPORT_KERN_SUCCESS);
	for (i = 0; i < GROW_PORTS; i++) {
		e = mp_space_lookup(space, names[i]);
		if (i % 2 == 0) {
			KUNIT_EXPECT_NULL(test, e);
			continue;
		}
		KUNIT_EXPECT_NOT_NULL(test, e);
		KUNIT_EXPECT_PTR_EQ(test, mp_space_find(space, ports[i]), e);
	}
	check_free_list(test, space);
out:
	mutex_unlock(&space->lock);
}

#define TEST_MAX_NAMES	100

/* max_names: exactly that many names, then KERN_NO_SPACE. */
static void name_limit(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	unsigned int saved = mp_max_names;
	u32 name = 0, last = 0, n = 0;
	int kr = 0;

	mutex_lock(&space->lock);
	mp_max_names = TEST_MAX_NAMES;
	while (n <= TEST_MAX_NAMES) {
		kr = mp_right_allocate(space, MACHPORT_RIGHT_DEAD_NAME, 0, &name);
		if (kr)
			break;
		last = name;
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, (u32)TEST_MAX_NAMES);
	KUNIT_EXPECT_EQ(test, kr, MACHPORT_KERN_NO_SPACE);
	KUNIT_EXPECT_EQ(test, space->size, (u32)TEST_MAX_NAMES + MP_FIRST_INDEX);
	KUNIT_EXPECT_EQ(test, mp_space_reserve(space, 1), MACHPORT_KERN_NO_SPACE);
	KUNIT_EXPECT_EQ(test, mp_space_reserve_index(space, TEST_MAX_NAMES +
						     MP_FIRST_INDEX),
			MACHPORT_KERN_NO_SPACE);
	KUNIT_EXPECT_EQ(test, mp_space_reserve_index(space, TEST_MAX_NAMES +
						     MP_FIRST_INDEX - 1),
			MACHPORT_KERN_SUCCESS);
	/* A chosen name past the limit, as XNU answers. */
	name = MP_NAME(TEST_MAX_NAMES + MP_FIRST_INDEX, 0x03);
	KUNIT_EXPECT_EQ(test, mp_right_allocate(space, MACHPORT_RIGHT_RECEIVE,
						MACHPORT_ALLOCATE_NAME, &name),
			MACHPORT_KERN_NO_SPACE);
	/* The limit counts names in use, not names ever made. */
	KUNIT_EXPECT_EQ(test, mp_right_deallocate(space, last),
			MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_right_allocate(space, MACHPORT_RIGHT_DEAD_NAME,
						0, &name),
			MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, MP_NAME_INDEX(name), MP_NAME_INDEX(last));
	KUNIT_EXPECT_NE(test, name, last);
	KUNIT_EXPECT_EQ(test, mp_right_allocate(space, MACHPORT_RIGHT_DEAD_NAME,
						0, &name),
			MACHPORT_KERN_NO_SPACE);
	check_free_list(test, space);
	mp_max_names = saved;
	mutex_unlock(&space->lock);
}

/*
 * Reservations past the limit fail and change nothing, however large. A
 * count that wraps the u32 sum in mp_space_reserve() is a known bug.
 */
static void reserve_limits(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	u32 size;
	int kr;

	mutex_lock(&space->lock);
	size = space->size;
	KUNIT_EXPECT_EQ(test, mp_space_reserve(space, 0), MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_space_reserve(space, mp_max_names + 1),
			MACHPORT_KERN_NO_SPACE);
	/* The largest index a name can have, 2^24 - 1. */
	KUNIT_EXPECT_EQ(test, mp_space_reserve_index(space, MP_NAME_INDEX(U32_MAX)),
			MACHPORT_KERN_NO_SPACE);
	KUNIT_EXPECT_EQ(test, space->size, size);
	kr = mp_space_reserve(space, U32_MAX - size + 1);
	mutex_unlock(&space->lock);
	/* size + nfree would wrap in 32 bits: too many, not success. */
	KUNIT_EXPECT_EQ(test, kr, MACHPORT_KERN_NO_SPACE);
}

static struct kunit_case space_cases[] = {
	KUNIT_CASE(fresh_names),
	KUNIT_CASE(generation_wrap),
	KUNIT_CASE(fifo_reuse),
	KUNIT_CASE(chosen_names),
	KUNIT_CASE(growth),
	KUNIT_CASE(name_limit),
	KUNIT_CASE(reserve_limits),
	{}
};

static struct kunit_suite space_suite = {
	.name = "machport_space",
	.suite_init = mp_kunit_suite_init,
	.suite_exit = mp_kunit_suite_exit,
	.test_cases = space_cases,
};

kunit_test_suites(&space_suite);
