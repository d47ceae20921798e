// SPDX-License-Identifier: GPL-2.0
/*
 * Port sets: membership calls and their codes, receiving from any member
 * (name and seqno of the member), fairness, wake-ups, handoff to a
 * receiver blocked on the set, and destruction.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <mach/mach.h>

#include "kselftest_harness.h"
#include "util.h"

#define SELF mach_task_self()

struct msg {
	mach_msg_header_t header;
	int value;
};

struct rcv {
	mach_msg_header_t header;
	int value;
	mach_msg_max_trailer_t trailer;
};

static mach_port_t new_right(mach_port_right_t right)
{
	mach_port_t p = MACH_PORT_NULL;

	mach_port_allocate(SELF, right, &p);
	return p;
}

static mach_msg_return_t post(mach_port_t dest, int value)
{
	struct msg m = { 0 };

	m.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.header.msgh_remote_port = dest;
	m.value = value;
	return mach_msg(&m.header, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(m), 0, 0, 0, 0);
}

static mach_msg_return_t take(mach_port_t from, struct rcv *r, mach_msg_timeout_t ms)
{
	memset(r, 0, sizeof(*r));
	return mach_msg(&r->header, MACH_RCV_MSG | MACH_RCV_TIMEOUT |
			MACH_RCV_TRAILER_TYPE(MACH_MSG_TRAILER_FORMAT_0) |
			MACH_RCV_TRAILER_ELEMENTS(MACH_RCV_TRAILER_SEQNO),
			0, sizeof(*r), from, ms, 0);
}

static unsigned int members(mach_port_t set)
{
	mach_port_name_array_t names;
	mach_msg_type_number_t n = 0;

	if (mach_port_get_set_status(SELF, set, &names, &n))
		return ~0u;
	if (n)
		vm_deallocate(SELF, (vm_address_t)names, n * sizeof(*names));
	return n;
}

TEST(membership_codes)
{
	mach_port_t set = new_right(MACH_PORT_RIGHT_PORT_SET), set2 = new_right(MACH_PORT_RIGHT_PORT_SET);
	mach_port_t p = new_right(MACH_PORT_RIGHT_RECEIVE), d = new_right(MACH_PORT_RIGHT_DEAD_NAME);
	mach_port_type_t t;
	mach_port_urefs_t refs;

	KR_EQ(KERN_SUCCESS, mach_port_type(SELF, set, &t));
	EXPECT_EQ(MACH_PORT_TYPE_PORT_SET, t);
	KR_EQ(KERN_SUCCESS, mach_port_get_refs(SELF, set, MACH_PORT_RIGHT_PORT_SET, &refs));
	EXPECT_EQ(1u, refs);
	KR_EQ(KERN_INVALID_RIGHT, mach_port_insert_member(SELF, MACH_PORT_NULL, set));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_insert_member(SELF, p, MACH_PORT_NULL));
	KR_EQ(KERN_INVALID_NAME, mach_port_insert_member(SELF, 0x777703, set));
	KR_EQ(KERN_INVALID_NAME, mach_port_insert_member(SELF, p, 0x777703));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_insert_member(SELF, d, set));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_insert_member(SELF, p, p));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_insert_member(SELF, set, set2));
	KR_EQ(KERN_NOT_IN_SET, mach_port_extract_member(SELF, p, set));
	KR_EQ(KERN_NOT_IN_SET, mach_port_move_member(SELF, p, MACH_PORT_NULL));
	KR_EQ(KERN_SUCCESS, mach_port_insert_member(SELF, p, set));
	KR_EQ(KERN_ALREADY_IN_SET, mach_port_insert_member(SELF, p, set));
	EXPECT_EQ(1u, members(set));
	/* a port may be in several sets */
	KR_EQ(KERN_SUCCESS, mach_port_insert_member(SELF, p, set2));
	EXPECT_EQ(1u, members(set2));
	/* move: out of every set, into one */
	KR_EQ(KERN_SUCCESS, mach_port_move_member(SELF, p, set2));
	EXPECT_EQ(0u, members(set));
	EXPECT_EQ(1u, members(set2));
	KR_EQ(KERN_SUCCESS, mach_port_move_member(SELF, p, MACH_PORT_NULL));
	EXPECT_EQ(0u, members(set2));
	KR_EQ(KERN_SUCCESS, mach_port_insert_member(SELF, p, set));
	KR_EQ(KERN_SUCCESS, mach_port_extract_member(SELF, p, set));
	EXPECT_EQ(0u, members(set));
	{
		mach_port_name_array_t names;
		mach_msg_type_number_t n;

		KR_EQ(KERN_INVALID_RIGHT, mach_port_get_set_status(SELF, p, &names, &n));
		KR_EQ(KERN_INVALID_NAME, mach_port_get_set_status(SELF, 0x777703, &names, &n));
	}
	/* a dying member leaves its sets */
	KR_EQ(KERN_SUCCESS, mach_port_insert_member(SELF, p, set));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, -1));
	EXPECT_EQ(0u, members(set));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, set));
	KR_EQ(KERN_INVALID_NAME, mach_port_type(SELF, set, &t));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, set2, MACH_PORT_RIGHT_PORT_SET, -1));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, d));
}

TEST(receive_from_members)
{
	mach_port_t set = new_right(MACH_PORT_RIGHT_PORT_SET);
	mach_port_t a = new_right(MACH_PORT_RIGHT_RECEIVE), b = new_right(MACH_PORT_RIGHT_RECEIVE);
	mach_msg_seqno_trailer_t *t;
	struct rcv r;

	KR_EQ(MACH_RCV_TIMED_OUT, take(set, &r, 0));
	/* messages queued before joining count */
	KR_EQ(MACH_MSG_SUCCESS, post(a, 1));
	KR_EQ(MACH_MSG_SUCCESS, post(a, 2));
	KR_EQ(KERN_SUCCESS, mach_port_insert_member(SELF, a, set));
	KR_EQ(KERN_SUCCESS, mach_port_insert_member(SELF, b, set));
	KR_EQ(MACH_MSG_SUCCESS, post(b, 10));
	KR_EQ(MACH_MSG_SUCCESS, take(set, &r, 0));
	EXPECT_EQ(a, r.header.msgh_local_port);
	EXPECT_EQ(1, r.value);
	t = (mach_msg_seqno_trailer_t *)((char *)&r + r.header.msgh_size);
	EXPECT_EQ(0u, t->msgh_seqno);
	/* round robin: b next, although a has more */
	KR_EQ(MACH_MSG_SUCCESS, take(set, &r, 0));
	EXPECT_EQ(b, r.header.msgh_local_port);
	EXPECT_EQ(10, r.value);
	EXPECT_EQ(0u, t->msgh_seqno) TH_LOG("the member's own seqno");
	/* receiving on the member itself still works */
	KR_EQ(MACH_MSG_SUCCESS, take(a, &r, 0));
	EXPECT_EQ(2, r.value);
	EXPECT_EQ(1u, t->msgh_seqno);
	KR_EQ(MACH_RCV_TIMED_OUT, take(set, &r, 0));
	mach_port_destroy(SELF, a);
	mach_port_destroy(SELF, b);
	mach_port_destroy(SELF, set);
}

TEST(fairness)
{
	mach_port_t set = new_right(MACH_PORT_RIGHT_PORT_SET), p[3];
	mach_port_limits_t lim = { .mpl_qlimit = 64 };
	int got[3] = { 0 }, i, j;
	struct rcv r;

	for (i = 0; i < 3; i++) {
		p[i] = new_right(MACH_PORT_RIGHT_RECEIVE);
		mach_port_set_attributes(SELF, p[i], MACH_PORT_LIMITS_INFO, (mach_port_info_t)&lim, 1);
		KR_EQ(KERN_SUCCESS, mach_port_insert_member(SELF, p[i], set));
	}
	for (j = 0; j < 30; j++)
		KR_EQ(MACH_MSG_SUCCESS, post(p[0], j));	/* a busy member */
	KR_EQ(MACH_MSG_SUCCESS, post(p[1], 100));
	KR_EQ(MACH_MSG_SUCCESS, post(p[2], 200));
	for (j = 0; j < 3; j++) {
		KR_EQ(MACH_MSG_SUCCESS, take(set, &r, 0));
		for (i = 0; i < 3; i++)
			if (r.header.msgh_local_port == p[i])
				got[i]++;
	}
	EXPECT_EQ(1, got[0]);
	EXPECT_EQ(1, got[1]);
	EXPECT_EQ(1, got[2]);
	for (i = 0; i < 3; i++)
		mach_port_destroy(SELF, p[i]);
	mach_port_destroy(SELF, set);
}

struct waiter {
	mach_port_t set;
	mach_msg_return_t result;
	mach_port_t from;
	int value;
	volatile int started;
};

static void *wait_on_set(void *arg)
{
	struct waiter *w = arg;
	struct rcv r;

	w->started = gettid();
	w->result = take(w->set, &r, 10000);
	w->from = r.header.msgh_local_port;
	w->value = r.value;
	return NULL;
}

static void start(struct waiter *w, pthread_t *th)
{
	w->started = 0;
	pthread_create(th, NULL, wait_on_set, w);
	mp_wait_blocked(&w->started);
}

TEST(wakeups_and_handoff)
{
	struct waiter w = { .set = new_right(MACH_PORT_RIGHT_PORT_SET) };
	mach_port_t a = new_right(MACH_PORT_RIGHT_RECEIVE), b = new_right(MACH_PORT_RIGHT_RECEIVE);
	pthread_t th;

	KR_EQ(KERN_SUCCESS, mach_port_insert_member(SELF, a, w.set));
	/* a receiver blocked on the set gets a member's message directly */
	start(&w, &th);
	KR_EQ(MACH_MSG_SUCCESS, post(a, 5));
	pthread_join(th, NULL);
	EXPECT_EQ(MACH_MSG_SUCCESS, w.result);
	EXPECT_EQ(a, w.from);
	EXPECT_EQ(5, w.value);
	/* joining with queued messages wakes a blocked receiver */
	KR_EQ(MACH_MSG_SUCCESS, post(b, 6));
	start(&w, &th);
	KR_EQ(KERN_SUCCESS, mach_port_insert_member(SELF, b, w.set));
	pthread_join(th, NULL);
	EXPECT_EQ(MACH_MSG_SUCCESS, w.result);
	EXPECT_EQ(b, w.from);
	/* the last member leaving wakes it with MACH_RCV_PORT_CHANGED */
	KR_EQ(KERN_SUCCESS, mach_port_extract_member(SELF, b, w.set));
	start(&w, &th);
	KR_EQ(KERN_SUCCESS, mach_port_move_member(SELF, a, MACH_PORT_NULL));
	pthread_join(th, NULL);
	EXPECT_EQ(MACH_RCV_PORT_CHANGED, w.result);
	/* so does destroying the set */
	start(&w, &th);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, w.set));
	pthread_join(th, NULL);
	EXPECT_EQ(MACH_RCV_PORT_CHANGED, w.result);
	mach_port_destroy(SELF, a);
	mach_port_destroy(SELF, b);
}

/* A receive right that moves in a message leaves its sets. */
TEST(moved_member_leaves_set)
{
	mach_port_t set = new_right(MACH_PORT_RIGHT_PORT_SET);
	mach_port_t p = new_right(MACH_PORT_RIGHT_RECEIVE), carrier = new_right(MACH_PORT_RIGHT_RECEIVE);
	struct {
		mach_msg_header_t header;
		mach_msg_body_t body;
		mach_msg_port_descriptor_t port;
	} m;
	struct {
		mach_msg_header_t header;
		mach_msg_body_t body;
		mach_msg_port_descriptor_t port;
		mach_msg_max_trailer_t trailer;
	} r;

	KR_EQ(KERN_SUCCESS, mach_port_insert_member(SELF, p, set));
	memset(&m, 0, sizeof(m));
	m.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m.header.msgh_remote_port = carrier;
	m.body.msgh_descriptor_count = 1;
	m.port.name = p;
	m.port.disposition = MACH_MSG_TYPE_MOVE_RECEIVE;
	m.port.type = MACH_MSG_PORT_DESCRIPTOR;
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	EXPECT_EQ(0u, members(set));
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&r.header, MACH_RCV_MSG, 0, sizeof(r), carrier, 0, 0));
	EXPECT_EQ(0u, members(set)) TH_LOG("membership is not restored on arrival");
	mach_port_destroy(SELF, r.port.name);
	mach_port_destroy(SELF, carrier);
	mach_port_destroy(SELF, set);
}

TEST(teardown_with_members)
{
	long ports, spaces;
	pid_t pid;
	int status;

	mach_port_type(SELF, SELF, &(mach_port_type_t){0});
	ports = mp_count("ports");
	spaces = mp_count("spaces");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		mach_port_t set = new_right(MACH_PORT_RIGHT_PORT_SET), p;
		int i;

		for (i = 0; i < 10; i++) {
			p = new_right(MACH_PORT_RIGHT_RECEIVE);
			mach_port_insert_member(SELF, p, set);
			post(p, i);
		}
		_exit(0);
	}
	waitpid(pid, &status, 0);
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(ports, mp_count("ports"));
	EXPECT_EQ(spaces, mp_count("spaces"));
}

TEST_HARNESS_MAIN
