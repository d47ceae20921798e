// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: user-reference arithmetic at its limits (right.c), through the
 * entry points the ioctls call, with the space locked as WITH_SPACE()
 * does. Counts saturate at MACHPORT_UREFS_MAX (0xFFFF) and stay "pegged"
 * there, as in current XNU: an increment past the maximum succeeds and
 * leaves it there (XNU no longer answers KERN_UREFS_OVERFLOW for these
 * calls), only a -0xFFFF delta takes a pegged count down, and an
 * underflow or a delta past +-0xFFFF answers KERN_INVALID_VALUE.
 */
#include <linux/limits.h>

#include "kunit.h"
#include "machport.h"
#include "notify.h"
#include "port.h"
#include "right.h"
#include "space.h"

#define UMAX		MACHPORT_UREFS_MAX
#define DMAX		((s32)MACHPORT_UREFS_MAX)	/* as a delta */
#define R_SEND		MACHPORT_RIGHT_SEND
#define R_RECEIVE	MACHPORT_RIGHT_RECEIVE
#define R_SEND_ONCE	MACHPORT_RIGHT_SEND_ONCE
#define R_DEAD		MACHPORT_RIGHT_DEAD_NAME
#define KR_OK		MACHPORT_KERN_SUCCESS
#define NO_NAME		(~0U)

static u32 refs(struct mp_space *space, u32 name, u32 right)
{
	u32 n;

	return mp_right_get_refs(space, name, right, &n) ? NO_NAME : n;
}

static u32 type_of(struct mp_space *space, u32 name)
{
	u32 type;

	return mp_right_type(space, name, &type) ? NO_NAME : type;
}

static struct mp_port *port_of(struct mp_space *space, u32 name)
{
	struct mp_entry *e = mp_space_lookup(space, name);

	return e ? e->port : NULL;
}

static u32 srights(struct mp_port *port)
{
	struct mp_kunit_counts c;

	mp_kunit_counts(port, &c);
	return c.srights;
}

static u32 msgcount(struct mp_port *port)
{
	struct mp_kunit_counts c;

	mp_kunit_counts(port, &c);
	return c.msgcount;
}

/* A receive right and a send right (one user reference) under one name. */
static int new_send(struct mp_space *space, u32 *name)
{
	int kr = mp_right_allocate(space, MACHPORT_RIGHT_RECEIVE, 0, name);

	return kr ?: mp_right_insert(space, *name, *name,
				     MACHPORT_MSG_TYPE_MAKE_SEND);
}

static void send_saturates(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	struct mp_port *port;
	u32 n = 0, m = 0;

	mutex_lock(&space->lock);
	KUNIT_EXPECT_EQ(test, new_send(space, &n), KR_OK);
	port = port_of(space, n);
	KUNIT_EXPECT_NOT_NULL(test, port);
	if (!port)
		goto out;
	KUNIT_EXPECT_EQ(test, refs(space, n, R_SEND), 1U);
	KUNIT_EXPECT_EQ(test, srights(port), 1U);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, DMAX - 2), KR_OK);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_SEND), UMAX - 1);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, 1), KR_OK);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_SEND), UMAX);
	/* Past the maximum: success, pegged, never wrapped. */
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, 1), KR_OK);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_SEND), UMAX);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, DMAX), KR_OK);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_SEND), UMAX);
	KUNIT_EXPECT_EQ(test, mp_right_insert(space, n, n,
					      MACHPORT_MSG_TYPE_MAKE_SEND), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_insert(space, n, n,
					      MACHPORT_MSG_TYPE_COPY_SEND), KR_OK);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_SEND), UMAX);
	KUNIT_EXPECT_EQ(test, srights(port), 1U);	/* one per name */

	/* From a few references, a large delta saturates too. */
	KUNIT_EXPECT_EQ(test, new_send(space, &m), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, m, R_SEND, 2), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, m, R_SEND, DMAX), KR_OK);
	KUNIT_EXPECT_EQ(test, refs(space, m, R_SEND), UMAX);
out:
	mutex_unlock(&space->lock);
}

/*
 * Pegged: deallocate, -n and MOVE_SEND leave the count alone, a send
 * right arriving merges into it, -0xFFFF removes the right.
 */
static void pegged(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	struct mp_port *port, *moved = NULL;
	u32 n = 0;

	mutex_lock(&space->lock);
	KUNIT_EXPECT_EQ(test, new_send(space, &n), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, DMAX - 1), KR_OK);
	port = port_of(space, n);
	KUNIT_EXPECT_NOT_NULL(test, port);
	if (!port)
		goto out;
	KUNIT_EXPECT_EQ(test, mp_right_deallocate(space, n), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, -1), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, -(DMAX - 1)),
			KR_OK);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_SEND), UMAX);

	KUNIT_EXPECT_EQ(test, mp_right_copyin(space, n,
					      MACHPORT_MSG_TYPE_MOVE_SEND,
					      &moved), KR_OK);
	KUNIT_EXPECT_PTR_EQ(test, moved, port);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_SEND), UMAX);
	KUNIT_EXPECT_EQ(test, srights(port), 2U);	/* one in transit */
	if (moved) {
		KUNIT_EXPECT_EQ(test, mp_space_reserve(space, 1), KR_OK);
		/* It comes back under the same name, merged. */
		KUNIT_EXPECT_EQ(test, mp_right_copyout(space, moved,
						       MP_MSGT_PORT_SEND), n);
	}
	KUNIT_EXPECT_EQ(test, refs(space, n, R_SEND), UMAX);
	KUNIT_EXPECT_EQ(test, srights(port), 1U);

	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, -DMAX), KR_OK);
	KUNIT_EXPECT_EQ(test, type_of(space, n), MACHPORT_TYPE_RECEIVE);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_SEND), 0U);
	KUNIT_EXPECT_EQ(test, srights(port), 0U);
out:
	mutex_unlock(&space->lock);
}

/* Deltas beyond +-0xFFFF, and right numbers out of range. */
static void delta_range(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	static const s32 bad[] = { DMAX + 1, -DMAX - 1, S32_MAX, S32_MIN };
	u32 n = 0, i;

	mutex_lock(&space->lock);
	KUNIT_EXPECT_EQ(test, new_send(space, &n), KR_OK);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, bad[i]),
				MACHPORT_KERN_INVALID_VALUE);
		KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_DEAD, bad[i]),
				MACHPORT_KERN_INVALID_VALUE);
	}
	KUNIT_EXPECT_EQ(test, refs(space, n, R_SEND), 1U);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, MACHPORT_RIGHT_NUMBER,
						1),
			MACHPORT_KERN_INVALID_VALUE);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, MACHPORT_RIGHT_LABELH,
						1),
			MACHPORT_KERN_INVALID_RIGHT);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_SEND), 1U);
	mutex_unlock(&space->lock);
}

/* Taking more references than there are: KERN_INVALID_VALUE, no change. */
static void underflow(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	u32 n = 0, d = 0;

	mutex_lock(&space->lock);
	KUNIT_EXPECT_EQ(test, new_send(space, &n), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, 2), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, -4),
			MACHPORT_KERN_INVALID_VALUE);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_SEND), 3U);
	KUNIT_EXPECT_EQ(test, mp_right_deallocate(space, n), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, -2), KR_OK);
	KUNIT_EXPECT_EQ(test, type_of(space, n), MACHPORT_TYPE_RECEIVE);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, -1),
			MACHPORT_KERN_INVALID_RIGHT);

	/* A dead name counts the same way. */
	KUNIT_EXPECT_EQ(test, mp_right_allocate(space, MACHPORT_RIGHT_DEAD_NAME,
						0, &d), KR_OK);
	KUNIT_EXPECT_EQ(test, refs(space, d, R_DEAD), 1U);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, d, R_DEAD, -2),
			MACHPORT_KERN_INVALID_VALUE);
	KUNIT_EXPECT_EQ(test, refs(space, d, R_DEAD), 1U);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, d, R_DEAD, DMAX), KR_OK);
	KUNIT_EXPECT_EQ(test, refs(space, d, R_DEAD), UMAX);
	KUNIT_EXPECT_EQ(test, mp_right_deallocate(space, d), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, d, R_DEAD, -(DMAX - 1)),
			KR_OK);
	KUNIT_EXPECT_EQ(test, refs(space, d, R_DEAD), UMAX);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, d, R_DEAD, -DMAX), KR_OK);
	KUNIT_EXPECT_EQ(test, type_of(space, d), NO_NAME);
	mutex_unlock(&space->lock);
}

/* Receive, send-once and port-set rights hold no count: 0 or -1 only. */
static void single_rights(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	u32 n = 0, so = 0, msgt = 0, s = 0;
	struct mp_port *port;

	mutex_lock(&space->lock);
	KUNIT_EXPECT_EQ(test, mp_right_allocate(space, MACHPORT_RIGHT_RECEIVE,
						0, &n), KR_OK);
	port = port_of(space, n);
	KUNIT_EXPECT_NOT_NULL(test, port);
	if (!port)
		goto out;
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_RECEIVE, 0), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_RECEIVE, 1),
			MACHPORT_KERN_INVALID_VALUE);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_RECEIVE, -2),
			MACHPORT_KERN_INVALID_VALUE);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_RECEIVE), 1U);

	KUNIT_EXPECT_EQ(test, mp_right_extract(space, n,
					       MACHPORT_MSG_TYPE_MAKE_SEND_ONCE,
					       &so, &msgt), KR_OK);
	KUNIT_EXPECT_EQ(test, msgt, (u32)MP_MSGT_PORT_SEND_ONCE);
	KUNIT_EXPECT_EQ(test, refs(space, so, R_SEND_ONCE), 1U);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, so, R_SEND_ONCE, 1),
			MACHPORT_KERN_INVALID_VALUE);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, so, R_SEND_ONCE, -2),
			MACHPORT_KERN_INVALID_VALUE);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, so, R_SEND, -1),
			MACHPORT_KERN_INVALID_RIGHT);

	KUNIT_EXPECT_EQ(test, mp_right_allocate(space, MACHPORT_RIGHT_PORT_SET,
						0, &s), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, s,
						MACHPORT_RIGHT_PORT_SET, 1),
			MACHPORT_KERN_INVALID_VALUE);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, s,
						MACHPORT_RIGHT_PORT_SET, -1), KR_OK);
	KUNIT_EXPECT_EQ(test, type_of(space, s), NO_NAME);

	/* A send-once right destroyed unused announces itself on its port. */
	KUNIT_EXPECT_EQ(test, msgcount(port), 0U);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, so, R_SEND_ONCE, -1), KR_OK);
	KUNIT_EXPECT_EQ(test, type_of(space, so), NO_NAME);
	KUNIT_EXPECT_EQ(test, msgcount(port), 1U);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_RECEIVE, -1), KR_OK);
	KUNIT_EXPECT_EQ(test, type_of(space, n), NO_NAME);
out:
	mutex_unlock(&space->lock);
}

/* mach_task_self(): pegged from the start and pinned. */
static void task_name(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	u32 t = MP_NAME(MP_TASK_INDEX, MP_GEN_ROLL);

	mutex_lock(&space->lock);
	KUNIT_EXPECT_EQ(test, refs(space, t, R_SEND), UMAX);
	KUNIT_EXPECT_EQ(test, mp_right_deallocate(space, t), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, t, R_SEND, -1), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, t, R_SEND, 1), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, t, R_SEND, -DMAX),
			MACHPORT_KERN_INVALID_CAPABILITY);
	KUNIT_EXPECT_EQ(test, mp_right_destroy(space, t),
			MACHPORT_KERN_INVALID_CAPABILITY);
	KUNIT_EXPECT_EQ(test, refs(space, t, R_SEND), UMAX);
	KUNIT_EXPECT_EQ(test, type_of(space, t), MACHPORT_TYPE_SEND);
	mutex_unlock(&space->lock);
}

/* A port's death turns send rights into dead names with their counts. */
static void death_keeps_counts(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	u32 n = 0, m = 0, so = 0, msgt = 0;

	mutex_lock(&space->lock);
	KUNIT_EXPECT_EQ(test, new_send(space, &n), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, DMAX), KR_OK);
	KUNIT_EXPECT_EQ(test, new_send(space, &m), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, m, R_SEND, 2), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_extract(space, n,
					       MACHPORT_MSG_TYPE_MAKE_SEND_ONCE,
					       &so, &msgt), KR_OK);

	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_RECEIVE, -1), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, m, R_RECEIVE, -1), KR_OK);
	KUNIT_EXPECT_EQ(test, type_of(space, n), MACHPORT_TYPE_DEAD_NAME);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_DEAD), UMAX);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_SEND), 0U);
	KUNIT_EXPECT_EQ(test, type_of(space, m), MACHPORT_TYPE_DEAD_NAME);
	KUNIT_EXPECT_EQ(test, refs(space, m, R_DEAD), 3U);
	/* The send-once right, looked at again, is a dead name too. */
	KUNIT_EXPECT_EQ(test, type_of(space, so), MACHPORT_TYPE_DEAD_NAME);
	KUNIT_EXPECT_EQ(test, refs(space, so, R_DEAD), 1U);

	/* Still pegged as a dead name. */
	KUNIT_EXPECT_EQ(test, mp_right_deallocate(space, n), KR_OK);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_DEAD), UMAX);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_DEAD, -DMAX), KR_OK);
	KUNIT_EXPECT_EQ(test, type_of(space, n), NO_NAME);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, m, R_DEAD, -3), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_deallocate(space, so), KR_OK);
	KUNIT_EXPECT_EQ(test, type_of(space, so), NO_NAME);
	mutex_unlock(&space->lock);
}

/* mach_port_request_notification(MACH_NOTIFY_DEAD_NAME, @name) to @notify. */
static int dead_name_request(struct mp_space *space, u32 name, u32 sync,
			     u32 notify)
{
	struct machport_request_notification a = {
		.name = name,
		.msgid = MACHPORT_NOTIFY_DEAD_NAME,
		.sync = sync,
		.notify = notify,
		.notify_disp = MACHPORT_MSG_TYPE_MAKE_SEND_ONCE,
	};

	return mp_notify_request(space, &a);
}

/*
 * A dead-name notification gives the dead name one more user reference,
 * up to the maximum: a pegged count stays pegged, it does not wrap to 0.
 */
static void dead_name_notification(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	u32 r = 0, n = 0, m = 0, d = 0;
	struct mp_port *notify;

	mutex_lock(&space->lock);
	KUNIT_EXPECT_EQ(test, mp_right_allocate(space, MACHPORT_RIGHT_RECEIVE,
						0, &r), KR_OK);
	notify = port_of(space, r);
	KUNIT_EXPECT_NOT_NULL(test, notify);
	if (!notify)
		goto out;
	KUNIT_EXPECT_EQ(test, new_send(space, &n), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_SEND, DMAX), KR_OK);
	KUNIT_EXPECT_EQ(test, new_send(space, &m), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, m, R_SEND, DMAX - 2),
			KR_OK);
	KUNIT_EXPECT_EQ(test, refs(space, m, R_SEND), UMAX - 1);
	KUNIT_EXPECT_EQ(test, dead_name_request(space, n, 0, r), KR_OK);
	KUNIT_EXPECT_EQ(test, dead_name_request(space, m, 0, r), KR_OK);
	KUNIT_EXPECT_EQ(test, type_of(space, n),
			MACHPORT_TYPE_SEND | MACHPORT_TYPE_RECEIVE |
			MACHPORT_TYPE_DNREQUEST);

	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, n, R_RECEIVE, -1), KR_OK);
	KUNIT_EXPECT_EQ(test, mp_right_mod_refs(space, m, R_RECEIVE, -1), KR_OK);
	KUNIT_EXPECT_EQ(test, msgcount(notify), 2U);	/* both fired */
	KUNIT_EXPECT_EQ(test, type_of(space, n), MACHPORT_TYPE_DEAD_NAME);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_DEAD), UMAX);
	KUNIT_EXPECT_EQ(test, type_of(space, m), MACHPORT_TYPE_DEAD_NAME);
	KUNIT_EXPECT_EQ(test, refs(space, m, R_DEAD), UMAX);

	/* Asked for on a name already dead (sync): at once, capped too. */
	KUNIT_EXPECT_EQ(test, dead_name_request(space, n, 1, r), KR_OK);
	KUNIT_EXPECT_EQ(test, refs(space, n, R_DEAD), UMAX);
	KUNIT_EXPECT_EQ(test, mp_right_allocate(space, MACHPORT_RIGHT_DEAD_NAME,
						0, &d), KR_OK);
	KUNIT_EXPECT_EQ(test, dead_name_request(space, d, 1, r), KR_OK);
	KUNIT_EXPECT_EQ(test, refs(space, d, R_DEAD), 2U);
	KUNIT_EXPECT_EQ(test, msgcount(notify), 4U);
	/* Not at once: refused, and the send-once right made says so. */
	KUNIT_EXPECT_EQ(test, dead_name_request(space, d, 0, r),
			MACHPORT_KERN_INVALID_ARGUMENT);
	KUNIT_EXPECT_EQ(test, refs(space, d, R_DEAD), 2U);
	KUNIT_EXPECT_EQ(test, msgcount(notify), 5U);
out:
	mutex_unlock(&space->lock);
}

static struct kunit_case urefs_cases[] = {
	KUNIT_CASE(send_saturates),
	KUNIT_CASE(pegged),
	KUNIT_CASE(delta_range),
	KUNIT_CASE(underflow),
	KUNIT_CASE(single_rights),
	KUNIT_CASE(task_name),
	KUNIT_CASE(death_keeps_counts),
	KUNIT_CASE(dead_name_notification),
	{}
};

static struct kunit_suite urefs_suite = {
	.name = "machport_urefs",
	.suite_init = mp_kunit_suite_init,
	.suite_exit = mp_kunit_suite_exit,
	.test_cases = urefs_cases,
};

kunit_test_suites(&urefs_suite);
