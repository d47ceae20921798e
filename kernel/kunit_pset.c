// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: port-set bookkeeping (pset.c, mqueue.c). A member holding
 * messages is on its set's ready list exactly once, and leaves it when
 * drained, however it was drained; receiving on a set serves ready members
 * round robin; a member that leaves, moves or dies leaves every set, its
 * ready entries with it.
 */
#include <linux/spinlock.h>

#include "kunit.h"
#include "machport.h"
#include "port.h"
#include "pset.h"
#include "right.h"
#include "space.h"

#define HDR		((u32)sizeof(struct machport_msg_header))
#define SEND		MACHPORT_MSG_TYPE_PORT_SEND
#define ANY_SIZE	1024U
#define SUCCESS		MACHPORT_MSG_SUCCESS
#define MAX_READY	8

/* The set's ready list, in serving order (up to MAX_READY entries). */
struct ready {
	u32 n;
	struct mp_port *port[MAX_READY];
};

static void ready_of(struct mp_pset *set, struct ready *r)
{
	struct mp_member *mb;

	r->n = 0;
	spin_lock(&set->lock);
	list_for_each_entry(mb, &set->ready, ready) {
		if (r->n < MAX_READY)
			r->port[r->n] = mb->port;
		r->n++;
	}
	spin_unlock(&set->lock);
}

static u32 members_of(struct mp_pset *set)
{
	struct mp_member *mb;
	u32 n = 0;

	spin_lock(&set->lock);
	list_for_each_entry(mb, &set->members, in_set)
		n++;
	spin_unlock(&set->lock);
	return n;
}

/* The ready list is exactly @want (NULL-terminated). */
static void expect_ready(struct kunit *test, struct mp_pset *set,
			 struct mp_port *const *want)
{
	struct ready r;
	u32 i, n = 0;

	while (want[n])
		n++;
	ready_of(set, &r);
	KUNIT_EXPECT_EQ(test, r.n, n);
	for (i = 0; i < n && i < r.n && i < MAX_READY; i++)
		KUNIT_EXPECT_PTR_EQ(test, r.port[i], want[i]);
}

#define EXPECT_READY(test, set, ...) \
	expect_ready(test, set, (struct mp_port *const []){ __VA_ARGS__, NULL })
#define EXPECT_NOT_READY(test, set) \
	expect_ready(test, set, (struct mp_port *const []){ NULL })

static int member_op(struct mp_space *space, u32 op, u32 name, u32 set)
{
	int kr;

	mutex_lock(&space->lock);
	kr = mp_right_members(space, op, name, set);
	mutex_unlock(&space->lock);
	return kr;
}

static int insert(struct mp_space *space, u32 name, u32 set)
{
	return member_op(space, MACHPORT_MEMBER_INSERT, name, set);
}

/* Receive on @name: the member's name (local name), or 0 for nothing. */
static u32 receive_from(struct kunit *test, struct mp_space *space, u32 name,
			struct mp_kunit_rcv *r)
{
	if (mp_kunit_receive(space, name, ANY_SIZE, 0, r) != SUCCESS)
		return 0;
	return r->local_name;
}

static void ready_once(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	struct mp_port *a, *b;
	struct mp_kunit_rcv r;
	struct mp_pset *set;
	u32 an, bn, sn;

	set = mp_kunit_set(test, space, &sn);
	a = mp_kunit_port(test, space, &an);
	b = mp_kunit_port(test, space, &bn);
	KUNIT_EXPECT_EQ(test, insert(space, an, sn), MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, insert(space, bn, sn), MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, members_of(set), 2U);
	EXPECT_NOT_READY(test, set);

	KUNIT_EXPECT_EQ(test, mp_kunit_send(a, SEND, 1, HDR), SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(a, SEND, 2, HDR), SUCCESS);
	EXPECT_READY(test, set, a);		/* once, for two messages */
	KUNIT_EXPECT_EQ(test, mp_kunit_send(b, SEND, 3, HDR), SUCCESS);
	EXPECT_READY(test, set, a, b);

	KUNIT_EXPECT_EQ(test, receive_from(test, space, sn, &r), an);
	KUNIT_EXPECT_EQ(test, r.id, 1);
	KUNIT_EXPECT_EQ(test, r.seqno, 0U);	/* the member's */
	EXPECT_READY(test, set, b, a);		/* served: to the back */
	KUNIT_EXPECT_EQ(test, receive_from(test, space, sn, &r), bn);
	KUNIT_EXPECT_EQ(test, r.id, 3);
	KUNIT_EXPECT_EQ(test, r.seqno, 0U);
	EXPECT_READY(test, set, a);		/* b drained */
	KUNIT_EXPECT_EQ(test, receive_from(test, space, sn, &r), an);
	KUNIT_EXPECT_EQ(test, r.id, 2);
	KUNIT_EXPECT_EQ(test, r.seqno, 1U);
	EXPECT_NOT_READY(test, set);
	KUNIT_EXPECT_EQ(test, mp_kunit_receive(space, sn, ANY_SIZE, 0, &r),
			MACHPORT_RCV_TIMED_OUT);
}

static void round_robin(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	static const u32 order[] = { 0, 1, 2, 0, 1, 2 };
	struct mp_port *port[3];
	struct mp_kunit_rcv r;
	struct mp_pset *set;
	u32 name[3], sn, i, k;

	set = mp_kunit_set(test, space, &sn);
	for (i = 0; i < 3; i++) {
		port[i] = mp_kunit_port(test, space, &name[i]);
		KUNIT_EXPECT_EQ(test, insert(space, name[i], sn),
				MACHPORT_KERN_SUCCESS);
	}
	for (i = 0; i < 3; i++)
		for (k = 0; k < 2; k++)
			KUNIT_EXPECT_EQ(test, mp_kunit_send(port[i], SEND,
							    10 * i + k, HDR),
					SUCCESS);
	EXPECT_READY(test, set, port[0], port[1], port[2]);
	for (k = 0; k < ARRAY_SIZE(order); k++) {
		i = order[k];
		KUNIT_EXPECT_EQ(test, receive_from(test, space, sn, &r), name[i]);
		KUNIT_EXPECT_EQ(test, r.id, (s32)(10 * i + k / 3));
		KUNIT_EXPECT_EQ(test, r.seqno, k / 3);
	}
	EXPECT_NOT_READY(test, set);
}

/*
 * Joining with messages queued makes a member ready; draining it directly
 * on the port, or taking it out of the set, takes it off the ready list.
 */
static void join_and_leave(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	struct mp_kunit_counts c;
	struct mp_kunit_rcv r;
	struct mp_pset *set;
	struct mp_port *a;
	u32 an, sn;

	set = mp_kunit_set(test, space, &sn);
	a = mp_kunit_port(test, space, &an);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(a, SEND, 1, HDR), SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(a, SEND, 2, HDR), SUCCESS);
	KUNIT_EXPECT_EQ(test, insert(space, an, sn), MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, insert(space, an, sn),
			MACHPORT_KERN_ALREADY_IN_SET);
	EXPECT_READY(test, set, a);
	KUNIT_EXPECT_EQ(test, receive_from(test, space, an, &r), an);
	EXPECT_READY(test, set, a);
	KUNIT_EXPECT_EQ(test, receive_from(test, space, an, &r), an);
	KUNIT_EXPECT_EQ(test, r.seqno, 1U);
	EXPECT_NOT_READY(test, set);

	KUNIT_EXPECT_EQ(test, mp_kunit_send(a, SEND, 3, HDR), SUCCESS);
	EXPECT_READY(test, set, a);
	KUNIT_EXPECT_EQ(test, member_op(space, MACHPORT_MEMBER_EXTRACT, an, sn),
			MACHPORT_KERN_SUCCESS);
	EXPECT_NOT_READY(test, set);
	KUNIT_EXPECT_EQ(test, members_of(set), 0U);
	KUNIT_EXPECT_FALSE(test, mp_pset_has(set, a));
	mp_kunit_counts(a, &c);
	KUNIT_EXPECT_EQ(test, c.msgcount, 1U);	/* the message stays */
	KUNIT_EXPECT_EQ(test, member_op(space, MACHPORT_MEMBER_EXTRACT, an, sn),
			MACHPORT_KERN_NOT_IN_SET);
	KUNIT_EXPECT_EQ(test, mp_kunit_receive(space, sn, ANY_SIZE, 0, &r),
			MACHPORT_RCV_TIMED_OUT);
}

/* A member of two sets: ready in both, drained from both at once. */
static void two_sets(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	struct mp_pset *s1, *s2;
	struct mp_kunit_rcv r;
	struct mp_port *a;
	u32 an, n1, n2;

	s1 = mp_kunit_set(test, space, &n1);
	s2 = mp_kunit_set(test, space, &n2);
	a = mp_kunit_port(test, space, &an);
	KUNIT_EXPECT_EQ(test, insert(space, an, n1), MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, insert(space, an, n2), MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(a, SEND, 1, HDR), SUCCESS);
	EXPECT_READY(test, s1, a);
	EXPECT_READY(test, s2, a);
	KUNIT_EXPECT_EQ(test, receive_from(test, space, n2, &r), an);
	EXPECT_NOT_READY(test, s1);
	EXPECT_NOT_READY(test, s2);
	KUNIT_EXPECT_EQ(test, mp_kunit_receive(space, n1, ANY_SIZE, 0, &r),
			MACHPORT_RCV_TIMED_OUT);
}

/* A member that dies or moves leaves every set. */
static void member_goes(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	struct mp_port *a, *b;
	struct mp_pset *s1, *s2;
	u32 an, bn, n1, n2, names[2] = { }, count;

	s1 = mp_kunit_set(test, space, &n1);
	s2 = mp_kunit_set(test, space, &n2);
	a = mp_kunit_port(test, space, &an);
	b = mp_kunit_port(test, space, &bn);
	KUNIT_EXPECT_EQ(test, insert(space, an, n1), MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, insert(space, an, n2), MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, insert(space, bn, n1), MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(a, SEND, 1, HDR), SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(b, SEND, 2, HDR), SUCCESS);
	EXPECT_READY(test, s1, a, b);
	EXPECT_READY(test, s2, a);

	/* mach_port_move_member: out of both sets, into one. */
	KUNIT_EXPECT_EQ(test, member_op(space, MACHPORT_MEMBER_MOVE, an, n2),
			MACHPORT_KERN_SUCCESS);
	EXPECT_READY(test, s1, b);
	EXPECT_READY(test, s2, a);
	KUNIT_EXPECT_EQ(test, members_of(s1), 1U);
	KUNIT_EXPECT_EQ(test, members_of(s2), 1U);
	KUNIT_EXPECT_EQ(test, member_op(space, MACHPORT_MEMBER_INSERT, an, n1),
			MACHPORT_KERN_SUCCESS);
	EXPECT_READY(test, s1, b, a);

	/* Its receive right destroyed: gone from both, ready or not. */
	mutex_lock(&space->lock);
	KUNIT_EXPECT_EQ(test, mp_right_destroy(space, an),
			MACHPORT_KERN_SUCCESS);
	count = ARRAY_SIZE(names);
	KUNIT_EXPECT_EQ(test, mp_right_set_status(space, n1, names, &count),
			MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, count, 1U);
	KUNIT_EXPECT_EQ(test, names[0], bn);
	count = ARRAY_SIZE(names);
	KUNIT_EXPECT_EQ(test, mp_right_set_status(space, n2, names, &count),
			MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, count, 0U);
	mutex_unlock(&space->lock);
	EXPECT_READY(test, s1, b);
	EXPECT_NOT_READY(test, s2);
	KUNIT_EXPECT_EQ(test, members_of(s2), 0U);

	/* Moved to no set at all, then again: KERN_NOT_IN_SET. */
	KUNIT_EXPECT_EQ(test, member_op(space, MACHPORT_MEMBER_MOVE, bn,
					MACHPORT_NAME_NULL),
			MACHPORT_KERN_SUCCESS);
	EXPECT_NOT_READY(test, s1);
	KUNIT_EXPECT_EQ(test, member_op(space, MACHPORT_MEMBER_MOVE, bn,
					MACHPORT_NAME_NULL),
			MACHPORT_KERN_NOT_IN_SET);
}

static struct kunit_case pset_cases[] = {
	KUNIT_CASE(ready_once),
	KUNIT_CASE(round_robin),
	KUNIT_CASE(join_and_leave),
	KUNIT_CASE(two_sets),
	KUNIT_CASE(member_goes),
	{}
};

static struct kunit_suite pset_suite = {
	.name = "machport_pset",
	.suite_init = mp_kunit_suite_init,
	.suite_exit = mp_kunit_suite_exit,
	.test_cases = pset_cases,
};

kunit_test_suites(&pset_suite);
