// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a port's message queue (mqueue.c, port.c): messages are counted,
 * dequeued in order with consecutive sequence numbers, the queue limit
 * stops send rights but not send-once rights, a too large message stays
 * queued or is dropped as the receiver asked, and a dead port's queue and
 * later messages are destroyed with their rights.
 */
#include "kunit.h"
#include "machport.h"
#include "mqueue.h"
#include "port.h"
#include "pset.h"
#include "right.h"
#include "space.h"

#define HDR		((u32)sizeof(struct machport_msg_header))
#define SEND		MACHPORT_MSG_TYPE_PORT_SEND
#define SEND_ONCE	MACHPORT_MSG_TYPE_PORT_SEND_ONCE
#define ANY_SIZE	1024U
#define SUCCESS		MACHPORT_MSG_SUCCESS

static void count_and_seqno(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	struct mp_kunit_counts c;
	struct mp_kunit_rcv r;
	struct mp_port *port;
	u32 n, i;

	port = mp_kunit_port(test, space, &n);
	for (i = 1; i <= 3; i++)
		KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, i, HDR), SUCCESS);
	mp_kunit_counts(port, &c);
	KUNIT_EXPECT_EQ(test, c.msgcount, 3U);
	KUNIT_EXPECT_EQ(test, c.seqno, 0U);
	KUNIT_EXPECT_EQ(test, c.srights, 3U);	/* one per message */
	for (i = 1; i <= 3; i++) {
		KUNIT_EXPECT_EQ(test, mp_kunit_receive(space, n, ANY_SIZE, 0, &r),
				SUCCESS);
		KUNIT_EXPECT_EQ(test, r.id, (s32)i);
		KUNIT_EXPECT_EQ(test, r.seqno, i - 1);
		KUNIT_EXPECT_EQ(test, r.local_name, n);
		mp_kunit_counts(port, &c);
		KUNIT_EXPECT_EQ(test, c.msgcount, 3 - i);
		KUNIT_EXPECT_EQ(test, c.seqno, i);
	}
	KUNIT_EXPECT_EQ(test, mp_kunit_receive(space, n, ANY_SIZE, 0, &r),
			MACHPORT_RCV_TIMED_OUT);
	mp_kunit_counts(port, &c);
	KUNIT_EXPECT_EQ(test, c.srights, 0U);	/* used up by delivery */
	KUNIT_EXPECT_EQ(test, c.seqno, 3U);
}

/* Receive everything; the sequence numbers continue from @seqno. */
static u32 drain(struct kunit *test, struct mp_space *space, u32 name,
		 u32 seqno)
{
	struct mp_kunit_rcv r;
	u32 n = 0;

	while (n <= MACHPORT_QLIMIT_MAX &&
	       mp_kunit_receive(space, name, ANY_SIZE, 0, &r) == SUCCESS) {
		KUNIT_EXPECT_EQ(test, r.seqno, seqno + n);
		n++;
	}
	KUNIT_EXPECT_EQ(test, r.ret, MACHPORT_RCV_TIMED_OUT);
	return n;
}

static void queue_limit(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	struct mp_kunit_counts c;
	struct mp_kunit_rcv r;
	struct mp_port *port;
	u32 n, i;

	port = mp_kunit_port(test, space, &n);
	mp_kunit_counts(port, &c);
	KUNIT_EXPECT_EQ(test, c.qlimit, (u32)MACHPORT_QLIMIT_DEFAULT);
	for (i = 0; i < MACHPORT_QLIMIT_DEFAULT; i++)
		KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, i, HDR), SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, 99, HDR),
			MACHPORT_SEND_TIMED_OUT);
	/* A send-once right ignores the limit. */
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND_ONCE, 100, HDR), SUCCESS);
	mp_kunit_counts(port, &c);
	KUNIT_EXPECT_EQ(test, c.msgcount, MACHPORT_QLIMIT_DEFAULT + 1U);
	KUNIT_EXPECT_EQ(test, c.srights, (u32)MACHPORT_QLIMIT_DEFAULT);
	KUNIT_EXPECT_EQ(test, c.sorights, 1U);

	/* Room again below the limit, and only there. */
	KUNIT_EXPECT_EQ(test, mp_kunit_receive(space, n, ANY_SIZE, 0, &r),
			SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_receive(space, n, ANY_SIZE, 0, &r),
			SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, 101, HDR), SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, 102, HDR),
			MACHPORT_SEND_TIMED_OUT);

	/* mach_port_set_attributes(MACH_PORT_LIMITS_INFO) */
	mp_mqueue_set_qlimit(port, 7);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, 103, HDR), SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, 104, HDR), SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, 105, HDR),
			MACHPORT_SEND_TIMED_OUT);
	mp_mqueue_set_qlimit(port, 1);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, 106, HDR),
			MACHPORT_SEND_TIMED_OUT);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND_ONCE, 107, HDR), SUCCESS);
	mp_kunit_counts(port, &c);
	KUNIT_EXPECT_EQ(test, c.msgcount, 8U);

	KUNIT_EXPECT_EQ(test, drain(test, space, n, 2), 8U);
	mp_kunit_counts(port, &c);
	KUNIT_EXPECT_EQ(test, c.msgcount, 0U);
	KUNIT_EXPECT_EQ(test, c.srights, 0U);
	KUNIT_EXPECT_EQ(test, c.sorights, 0U);
}

/* MACH_RCV_TOO_LARGE: queued with MACH_RCV_LARGE, dropped without. */
static void too_large(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	struct mp_kunit_counts c;
	struct mp_kunit_rcv r;
	struct mp_port *port;
	u32 n;

	port = mp_kunit_port(test, space, &n);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, 7, 64), SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_receive(space, n, 63, MACHPORT_RCV_LARGE,
					       &r),
			MACHPORT_RCV_TOO_LARGE);
	KUNIT_EXPECT_EQ(test, r.too_large_size, 64U);
	mp_kunit_counts(port, &c);
	KUNIT_EXPECT_EQ(test, c.msgcount, 1U);
	KUNIT_EXPECT_EQ(test, c.seqno, 0U);

	KUNIT_EXPECT_EQ(test, mp_kunit_receive(space, n, 63, 0, &r),
			MACHPORT_RCV_TOO_LARGE);
	KUNIT_EXPECT_EQ(test, r.too_large_size, 64U);
	KUNIT_EXPECT_EQ(test, r.id, 7);
	KUNIT_EXPECT_EQ(test, r.seqno, 0U);
	mp_kunit_counts(port, &c);
	KUNIT_EXPECT_EQ(test, c.msgcount, 0U);
	KUNIT_EXPECT_EQ(test, c.seqno, 1U);	/* it was dequeued */
	KUNIT_EXPECT_EQ(test, c.srights, 0U);	/* and destroyed */

	/* Exactly the size fits. */
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, 8, 64), SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_receive(space, n, 64, 0, &r), SUCCESS);
	KUNIT_EXPECT_EQ(test, r.id, 8);
	KUNIT_EXPECT_EQ(test, r.seqno, 1U);
}

/* A dead port's queue goes with it; later messages are destroyed. */
static void dead_port(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	struct mp_kunit_counts c;
	struct mp_port *port;
	u32 n;

	port = mp_kunit_port(test, space, &n);
	mp_port_get(port);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, 1, HDR), SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND_ONCE, 2, 64), SUCCESS);
	mutex_lock(&space->lock);
	KUNIT_EXPECT_EQ(test, mp_right_destroy(space, n), MACHPORT_KERN_SUCCESS);
	mutex_unlock(&space->lock);
	mp_kunit_counts(port, &c);
	KUNIT_EXPECT_FALSE(test, c.active);
	KUNIT_EXPECT_EQ(test, c.msgcount, 0U);
	KUNIT_EXPECT_EQ(test, c.srights, 0U);
	KUNIT_EXPECT_EQ(test, c.sorights, 0U);

	/* As in XNU, sending to a dead port succeeds; nothing is kept. */
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, 3, HDR), SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND_ONCE, 4, HDR), SUCCESS);
	mp_kunit_counts(port, &c);
	KUNIT_EXPECT_EQ(test, c.msgcount, 0U);
	KUNIT_EXPECT_EQ(test, c.srights, 0U);
	KUNIT_EXPECT_EQ(test, c.sorights, 0U);
	mp_port_put(port);
}

/*
 * A receive right that moves takes its queue along and starts afresh as
 * XNU's does: sequence number and make-send count back to 0, out of its
 * sets.
 */
static void receive_right_moves(struct kunit *test)
{
	struct mp_space *space = mp_kunit_space(test);
	struct mp_kunit_counts c;
	struct mp_kunit_rcv r;
	u32 n, sn, moved = 0, msgt = 0;
	struct mp_port *port;

	port = mp_kunit_port(test, space, &n);
	mp_kunit_set(test, space, &sn);
	mutex_lock(&space->lock);
	KUNIT_EXPECT_EQ(test, mp_right_members(space, MACHPORT_MEMBER_INSERT,
					       n, sn), MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_right_insert(space, n, n,
					      MACHPORT_MSG_TYPE_MAKE_SEND),
			MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_right_deallocate(space, n),
			MACHPORT_KERN_SUCCESS);
	mutex_unlock(&space->lock);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, 1, HDR), SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_send(port, SEND, 2, HDR), SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_kunit_receive(space, n, ANY_SIZE, 0, &r),
			SUCCESS);
	mp_kunit_counts(port, &c);
	KUNIT_EXPECT_EQ(test, c.seqno, 1U);
	KUNIT_EXPECT_EQ(test, c.mscount, 1U);

	mutex_lock(&space->lock);
	KUNIT_EXPECT_EQ(test, mp_right_extract(space, n,
					       MACHPORT_MSG_TYPE_MOVE_RECEIVE,
					       &moved, &msgt),
			MACHPORT_KERN_SUCCESS);
	KUNIT_EXPECT_NE(test, moved, n);	/* a new name */
	KUNIT_EXPECT_FALSE(test, mp_pset_has(mp_space_lookup(space, sn)->pset,
					     port));
	mutex_unlock(&space->lock);
	mp_kunit_counts(port, &c);
	KUNIT_EXPECT_TRUE(test, c.active);
	KUNIT_EXPECT_EQ(test, c.msgcount, 1U);
	KUNIT_EXPECT_EQ(test, c.seqno, 0U);
	KUNIT_EXPECT_EQ(test, c.mscount, 0U);
	KUNIT_EXPECT_EQ(test, mp_kunit_receive(space, n, ANY_SIZE, 0, &r),
			MACHPORT_RCV_INVALID_NAME);
	KUNIT_EXPECT_EQ(test, mp_kunit_receive(space, moved, ANY_SIZE, 0, &r),
			SUCCESS);
	KUNIT_EXPECT_EQ(test, r.id, 2);
	KUNIT_EXPECT_EQ(test, r.seqno, 0U);
	KUNIT_EXPECT_EQ(test, r.local_name, moved);
}

static struct kunit_case mqueue_cases[] = {
	KUNIT_CASE(count_and_seqno),
	KUNIT_CASE(queue_limit),
	KUNIT_CASE(too_large),
	KUNIT_CASE(dead_port),
	KUNIT_CASE(receive_right_moves),
	{}
};

static struct kunit_suite mqueue_suite = {
	.name = "machport_mqueue",
	.suite_init = mp_kunit_suite_init,
	.suite_exit = mp_kunit_suite_exit,
	.test_cases = mqueue_cases,
};

kunit_test_suites(&mqueue_suite);
