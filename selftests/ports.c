// SPDX-License-Identifier: GPL-2.0
/*
 * Port rights and names: the mach_port_* calls with the codes macOS
 * returns (XNU's checks, in XNU's order).
 */
#include <string.h>

#include <mach/mach.h>
#include <mach/notify.h>
#include <servers/bootstrap.h>

#include "kselftest_harness.h"
#include "util.h"

#define SELF mach_task_self()

static mach_port_t new_receive(struct __test_metadata *_metadata)
{
	mach_port_t p = MACH_PORT_NULL;

	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_RECEIVE, &p));
	return p;
}

static mach_port_urefs_t refs_of(mach_port_t name, mach_port_right_t right)
{
	mach_port_urefs_t r = 0;

	if (mach_port_get_refs(SELF, name, right, &r) != KERN_SUCCESS)
		return ~0u;
	return r;
}

TEST(first_call)
{
	mach_port_t p = new_receive(_metadata);
	mach_port_type_t t;

	ASSERT_TRUE(MACH_PORT_VALID(p));
	EXPECT_EQ(3u, p & 3) TH_LOG("kernel names have generation bits 0b11");
	KR_EQ(KERN_SUCCESS, mach_port_type(SELF, p, &t));
	EXPECT_EQ(MACH_PORT_TYPE_RECEIVE, t);
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, -1));
	KR_EQ(KERN_INVALID_NAME, mach_port_type(SELF, p, &t));
}

TEST(bad_task)
{
	mach_port_t p = new_receive(_metadata);
	mach_port_type_t t;

	KR_EQ(MACH_SEND_INVALID_DEST, mach_port_allocate(MACH_PORT_NULL,
				MACH_PORT_RIGHT_RECEIVE, &p));
	KR_EQ(MACH_SEND_INVALID_DEST, mach_port_type(p, p, &t));
	KR_EQ(MACH_SEND_INVALID_DEST, mach_port_deallocate(MACH_PORT_DEAD, p));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(task_self_name)
{
	mach_port_t self = SELF;
	int i;

	EXPECT_EQ(MACH_PORT_TYPE_SEND, type_of(self));
	/* Pinned and pegged: deallocation never takes it away. */
	for (i = 0; i < 3; i++)
		KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, self));
	EXPECT_EQ(MACH_PORT_TYPE_SEND, type_of(self));
	KR_EQ(KERN_INVALID_CAPABILITY, mach_port_destroy(SELF, self));
	KR_EQ(KERN_INVALID_CAPABILITY, mach_port_mod_refs(SELF, self,
				MACH_PORT_RIGHT_SEND, -0xffff));
	EXPECT_EQ(MACH_PORT_TYPE_SEND, type_of(self));
}

TEST(allocate_rights)
{
	mach_port_t p;

	KR_EQ(KERN_INVALID_VALUE, mach_port_allocate(SELF, MACH_PORT_RIGHT_SEND, &p));
	KR_EQ(KERN_INVALID_VALUE, mach_port_allocate(SELF, MACH_PORT_RIGHT_SEND_ONCE, &p));
	KR_EQ(KERN_INVALID_VALUE, mach_port_allocate(SELF, 5, &p));
	KR_EQ(KERN_INVALID_VALUE, mach_port_allocate(SELF, 6, &p));
	KR_EQ(KERN_INVALID_VALUE, mach_port_allocate(SELF, 1000, &p));
	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_DEAD_NAME, &p));
	EXPECT_EQ(MACH_PORT_TYPE_DEAD_NAME, type_of(p));
	EXPECT_EQ(1u, refs_of(p, MACH_PORT_RIGHT_DEAD_NAME));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, p));
	KR_EQ(KERN_INVALID_NAME, mach_port_deallocate(SELF, p));
}

TEST(allocate_name)
{
	mach_port_t want = 0x03f00003, p;	/* index 258048 */

	KR_EQ(KERN_INVALID_VALUE, mach_port_allocate_name(SELF, MACH_PORT_RIGHT_RECEIVE, MACH_PORT_NULL));
	KR_EQ(KERN_INVALID_VALUE, mach_port_allocate_name(SELF, MACH_PORT_RIGHT_RECEIVE, MACH_PORT_DEAD));
	KR_EQ(KERN_INVALID_VALUE, mach_port_allocate_name(SELF, MACH_PORT_RIGHT_SEND, 0x1003));
	KR_EQ(KERN_INVALID_VALUE, mach_port_allocate_name(SELF, MACH_PORT_RIGHT_RECEIVE, 0x1001));
	KR_EQ(KERN_FAILURE, mach_port_allocate_name(SELF, MACH_PORT_RIGHT_RECEIVE, 0x7b));
	KR_EQ(KERN_NO_SPACE, mach_port_allocate_name(SELF, MACH_PORT_RIGHT_RECEIVE, 0xfffffe03));
	KR_EQ(KERN_SUCCESS, mach_port_allocate_name(SELF, MACH_PORT_RIGHT_RECEIVE, 0x1003));
	EXPECT_EQ(MACH_PORT_TYPE_RECEIVE, type_of(0x1003));
	KR_EQ(KERN_NAME_EXISTS, mach_port_allocate_name(SELF, MACH_PORT_RIGHT_RECEIVE, 0x1003));
	KR_EQ(KERN_FAILURE, mach_port_allocate_name(SELF, MACH_PORT_RIGHT_RECEIVE, 0x1007));
	/* The task's own name is taken. */
	KR_EQ(KERN_NAME_EXISTS, mach_port_allocate_name(SELF, MACH_PORT_RIGHT_RECEIVE, 0x103));
	/* A dead name ignores the chosen name. */
	KR_EQ(KERN_SUCCESS, mach_port_allocate_name(SELF, MACH_PORT_RIGHT_DEAD_NAME, 0x1003));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, 0x1003));
	/* A far index grows the table. */
	KR_EQ(KERN_SUCCESS, mach_port_allocate_name(SELF, MACH_PORT_RIGHT_RECEIVE, want));
	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_RECEIVE, &p));
	EXPECT_NE(want, p);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, want));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(stale_name_never_hits_new_port)
{
	mach_port_t p = new_receive(_metadata), q;
	int i;

	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
	for (i = 0; i < 200; i++) {
		KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_RECEIVE, &q));
		EXPECT_NE(p, q);
		KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, q));
		EXPECT_EQ(~0u, type_of(p));
	}
}

TEST(deallocate_matrix)
{
	mach_port_t p = new_receive(_metadata), d;

	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, MACH_PORT_NULL));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, MACH_PORT_DEAD));
	KR_EQ(KERN_INVALID_NAME, mach_port_deallocate(SELF, 0x777703));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_deallocate(SELF, p));
	/* send + receive: the send uref goes, the receive stays */
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND));
	EXPECT_EQ(MACH_PORT_TYPE_SEND_RECEIVE, type_of(p));
	EXPECT_EQ(2u, refs_of(p, MACH_PORT_RIGHT_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, p));
	EXPECT_EQ(1u, refs_of(p, MACH_PORT_RIGHT_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, p));
	EXPECT_EQ(MACH_PORT_TYPE_RECEIVE, type_of(p));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_deallocate(SELF, p));
	/* dead name with two urefs */
	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_DEAD_NAME, &d));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, d, MACH_PORT_RIGHT_DEAD_NAME, 1));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, d));
	EXPECT_EQ(MACH_PORT_TYPE_DEAD_NAME, type_of(d));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, d));
	EXPECT_EQ(~0u, type_of(d));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(send_once_rights)
{
	mach_port_t p = new_receive(_metadata), so, so2;
	mach_msg_type_name_t t;

	KR_EQ(KERN_SUCCESS, mach_port_extract_right(SELF, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &t));
	EXPECT_EQ(MACH_MSG_TYPE_PORT_SEND_ONCE, t);
	EXPECT_NE(p, so);
	KR_EQ(KERN_SUCCESS, mach_port_extract_right(SELF, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so2, &t));
	EXPECT_NE(so, so2) TH_LOG("send-once rights always get a fresh name");
	EXPECT_EQ(MACH_PORT_TYPE_SEND_ONCE, type_of(so));
	EXPECT_EQ(1u, refs_of(so, MACH_PORT_RIGHT_SEND_ONCE));
	KR_EQ(KERN_INVALID_VALUE, mach_port_mod_refs(SELF, so, MACH_PORT_RIGHT_SEND_ONCE, 1));
	KR_EQ(KERN_INVALID_VALUE, mach_port_mod_refs(SELF, so, MACH_PORT_RIGHT_SEND_ONCE, -2));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, so, MACH_PORT_RIGHT_SEND_ONCE, 0));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, so, MACH_PORT_RIGHT_SEND_ONCE, -1));
	EXPECT_EQ(~0u, type_of(so));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, so2));
	EXPECT_EQ(~0u, type_of(so2));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(mod_refs_matrix)
{
	mach_port_t p = new_receive(_metadata);

	KR_EQ(KERN_INVALID_VALUE, mach_port_mod_refs(SELF, p, 6, 0));
	KR_EQ(KERN_INVALID_VALUE, mach_port_mod_refs(SELF, MACH_PORT_NULL, 6, 0));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, MACH_PORT_NULL, MACH_PORT_RIGHT_SEND, 1));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, MACH_PORT_DEAD, MACH_PORT_RIGHT_SEND_ONCE, -1));
	KR_EQ(KERN_INVALID_NAME, mach_port_mod_refs(SELF, MACH_PORT_DEAD, MACH_PORT_RIGHT_RECEIVE, 0));
	KR_EQ(KERN_INVALID_NAME, mach_port_mod_refs(SELF, 0x777703, MACH_PORT_RIGHT_SEND, 1));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND, 1));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND_ONCE, 0));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_PORT_SET, 0));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_DEAD_NAME, 0));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_mod_refs(SELF, p, 5, 0));
	KR_EQ(KERN_INVALID_VALUE, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, 1));
	KR_EQ(KERN_INVALID_VALUE, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, -2));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, 0));
	/* send urefs */
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND, 9));
	EXPECT_EQ(10u, refs_of(p, MACH_PORT_RIGHT_SEND));
	KR_EQ(KERN_INVALID_VALUE, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND, -11));
	EXPECT_EQ(10u, refs_of(p, MACH_PORT_RIGHT_SEND));
	KR_EQ(KERN_INVALID_VALUE, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND, 0x10000));
	KR_EQ(KERN_INVALID_VALUE, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND, -0x10000));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND, -10));
	EXPECT_EQ(MACH_PORT_TYPE_RECEIVE, type_of(p));
	/* get_refs */
	EXPECT_EQ(1u, refs_of(p, MACH_PORT_RIGHT_RECEIVE));
	EXPECT_EQ(0u, refs_of(p, MACH_PORT_RIGHT_SEND));
	EXPECT_EQ(0u, refs_of(p, 5));
	EXPECT_EQ(1u, refs_of(MACH_PORT_NULL, MACH_PORT_RIGHT_SEND));
	EXPECT_EQ(1u, refs_of(MACH_PORT_DEAD, MACH_PORT_RIGHT_SEND_ONCE));
	EXPECT_EQ(~0u, refs_of(MACH_PORT_DEAD, MACH_PORT_RIGHT_DEAD_NAME));
	EXPECT_EQ(~0u, refs_of(p, 6));
	/* receive -1 destroys */
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, -1));
	EXPECT_EQ(~0u, type_of(p));
}

TEST(urefs_saturate_and_peg)
{
	mach_port_t p = new_receive(_metadata);

	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND, 0xfff0));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND, 0xff));
	EXPECT_EQ(0xffffu, refs_of(p, MACH_PORT_RIGHT_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND));
	EXPECT_EQ(0xffffu, refs_of(p, MACH_PORT_RIGHT_SEND));
	/* pegged: decrements do nothing, -0xffff removes the right */
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, p));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND, -5));
	EXPECT_EQ(0xffffu, refs_of(p, MACH_PORT_RIGHT_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND, -0xffff));
	EXPECT_EQ(MACH_PORT_TYPE_RECEIVE, type_of(p));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(receive_death_makes_dead_names)
{
	mach_port_t p = new_receive(_metadata), so;
	mach_msg_type_name_t t;

	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND, 2));
	KR_EQ(KERN_SUCCESS, mach_port_extract_right(SELF, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &t));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, -1));
	/* same name: dead at once with its urefs */
	EXPECT_EQ(MACH_PORT_TYPE_DEAD_NAME, type_of(p));
	EXPECT_EQ(3u, refs_of(p, MACH_PORT_RIGHT_DEAD_NAME));
	EXPECT_EQ(0u, refs_of(p, MACH_PORT_RIGHT_SEND));
	/* the send-once right is a dead name with one uref */
	EXPECT_EQ(MACH_PORT_TYPE_DEAD_NAME, type_of(so));
	EXPECT_EQ(1u, refs_of(so, MACH_PORT_RIGHT_DEAD_NAME));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_mod_refs(SELF, so, MACH_PORT_RIGHT_SEND_ONCE, -1));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, so));
	EXPECT_EQ(~0u, type_of(so));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_DEAD_NAME, -3));
	EXPECT_EQ(~0u, type_of(p));
}

TEST(send_right_elsewhere_dies_lazily)
{
	mach_port_t p = new_receive(_metadata), s;
	mach_msg_type_name_t t;

	/* a second send name for the same port is impossible (merging)... */
	KR_EQ(KERN_SUCCESS, mach_port_extract_right(SELF, p, MACH_MSG_TYPE_MAKE_SEND, &s, &t));
	EXPECT_EQ(p, s) TH_LOG("send rights merge into the receive right's name");
	EXPECT_EQ(MACH_MSG_TYPE_PORT_SEND, t);
	/* ...so move the receive right to a new name and kill it there */
	KR_EQ(KERN_INVALID_NAME, mach_port_extract_right(SELF, 0x777703, MACH_MSG_TYPE_COPY_SEND, &s, &t));
	KR_EQ(KERN_INVALID_VALUE, mach_port_extract_right(SELF, p, 15, &s, &t));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_extract_right(SELF, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, &s, &t));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(insert_right_matrix)
{
	mach_port_t p = new_receive(_metadata), q = new_receive(_metadata);
	mach_port_t d, so;
	mach_msg_type_name_t t;

	/* name == poly fast path */
	KR_EQ(KERN_INVALID_NAME, mach_port_insert_right(SELF, 0x777703, 0x777703, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_COPY_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_COPY_SEND));
	EXPECT_EQ(2u, refs_of(p, MACH_PORT_RIGHT_SEND));
	/* poly errors first */
	KR_EQ(KERN_INVALID_NAME, mach_port_insert_right(SELF, 0x5003, 0x777703, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_INVALID_NAME, mach_port_insert_right(SELF, MACH_PORT_NULL, MACH_PORT_NULL, MACH_MSG_TYPE_MOVE_SEND));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_insert_right(SELF, 0x5003, p, 15));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_insert_right(SELF, 0x5003, q, MACH_MSG_TYPE_COPY_SEND));
	/* then the target name */
	KR_EQ(KERN_INVALID_VALUE, mach_port_insert_right(SELF, MACH_PORT_NULL, p, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_INVALID_VALUE, mach_port_insert_right(SELF, MACH_PORT_DEAD, p, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_INVALID_VALUE, mach_port_insert_right(SELF, 0x5001, q, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_FAILURE, mach_port_insert_right(SELF, 0x7b, q, MACH_MSG_TYPE_MAKE_SEND));
	/* already named in the space under another name */
	KR_EQ(KERN_RIGHT_EXISTS, mach_port_insert_right(SELF, 0x5003, p, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_RIGHT_EXISTS, mach_port_insert_right(SELF, q, p, MACH_MSG_TYPE_MAKE_SEND));
	/* name used for another port */
	KR_EQ(KERN_NAME_EXISTS, mach_port_insert_right(SELF, q, q, MACH_MSG_TYPE_MAKE_SEND_ONCE));
	/* failures changed nothing */
	EXPECT_EQ(2u, refs_of(p, MACH_PORT_RIGHT_SEND));
	EXPECT_EQ(MACH_PORT_TYPE_RECEIVE, type_of(q));
	/* a dead name as poly */
	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_DEAD_NAME, &d));
	KR_EQ(KERN_INVALID_CAPABILITY, mach_port_insert_right(SELF, 0x5003, d, MACH_MSG_TYPE_COPY_SEND));
	KR_EQ(KERN_INVALID_CAPABILITY, mach_port_insert_right(SELF, d, d, MACH_MSG_TYPE_COPY_SEND));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_insert_right(SELF, 0x5003, d, MACH_MSG_TYPE_MAKE_SEND));
	EXPECT_EQ(1u, refs_of(d, MACH_PORT_RIGHT_DEAD_NAME));
	/* the task's own port cannot go under a chosen name */
	KR_EQ(KERN_INVALID_CAPABILITY, mach_port_insert_right(SELF, 0x5003, SELF, MACH_MSG_TYPE_COPY_SEND));
	/* a rename of a receive right: MOVE_RECEIVE to a new name */
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, 0x5003, q, MACH_MSG_TYPE_MOVE_RECEIVE));
	EXPECT_EQ(~0u, type_of(q));
	EXPECT_EQ(MACH_PORT_TYPE_RECEIVE, type_of(0x5003));
	/* send-once under a chosen name */
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, 0x6003, 0x5003, MACH_MSG_TYPE_MAKE_SEND_ONCE));
	EXPECT_EQ(MACH_PORT_TYPE_SEND_ONCE, type_of(0x6003));
	/* move the send-once right to yet another name */
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, 0x6103, 0x6003, MACH_MSG_TYPE_MOVE_SEND_ONCE));
	EXPECT_EQ(~0u, type_of(0x6003));
	EXPECT_EQ(MACH_PORT_TYPE_SEND_ONCE, type_of(0x6103));
	/* p keeps naming its port after a MOVE_SEND of one of two urefs:
	 * RIGHT_EXISTS is checked before NAME_EXISTS, as in XNU */
	KR_EQ(KERN_RIGHT_EXISTS, mach_port_insert_right(SELF, 0x5003, p, MACH_MSG_TYPE_MOVE_SEND));
	/* a name used by another port */
	KR_EQ(KERN_NAME_EXISTS, mach_port_insert_right(SELF, 0x5003, 0x6103, MACH_MSG_TYPE_MOVE_SEND_ONCE));
	/* send+receive MOVE_RECEIVE to a fresh name: send stays, port named twice */
	KR_EQ(KERN_RIGHT_EXISTS, mach_port_insert_right(SELF, 0x7003, p, MACH_MSG_TYPE_MOVE_RECEIVE));
	/* extract then re-insert: a moved send right comes back */
	KR_EQ(KERN_SUCCESS, mach_port_extract_right(SELF, 0x6103, MACH_MSG_TYPE_MOVE_SEND_ONCE, &so, &t));
	EXPECT_EQ(MACH_MSG_TYPE_PORT_SEND_ONCE, t);
	EXPECT_EQ(MACH_PORT_TYPE_SEND_ONCE, type_of(so));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, so));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, d));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, 0x5003));
}

TEST(names_lists_everything)
{
	mach_port_t p = new_receive(_metadata), d;
	mach_port_name_array_t names;
	mach_port_type_array_t types;
	mach_msg_type_number_t n, nt, i;
	int seen_p = 0, seen_self = 0, seen_d = 0;

	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_DEAD_NAME, &d));
	KR_EQ(KERN_SUCCESS, mach_port_names(SELF, &names, &n, &types, &nt));
	ASSERT_EQ(n, nt);
	for (i = 0; i < n; i++) {
		if (names[i] == p && types[i] == MACH_PORT_TYPE_RECEIVE)
			seen_p++;
		if (names[i] == SELF && types[i] == MACH_PORT_TYPE_SEND)
			seen_self++;
		if (names[i] == d && types[i] == MACH_PORT_TYPE_DEAD_NAME)
			seen_d++;
		if (i)
			EXPECT_LT(names[i - 1], names[i]);
	}
	EXPECT_EQ(1, seen_p);
	EXPECT_EQ(1, seen_self);
	EXPECT_EQ(1, seen_d);
	KR_EQ(KERN_SUCCESS, vm_deallocate(SELF, (vm_address_t)names, n * sizeof(*names)));
	KR_EQ(KERN_SUCCESS, vm_deallocate(SELF, (vm_address_t)types, n * sizeof(*types)));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, d));
}

TEST(many_names_grow_and_shrink)
{
	enum { N = 5000 };
	static mach_port_t p[N];
	mach_port_name_array_t names;
	mach_port_type_array_t types;
	mach_msg_type_number_t n, nt;
	mach_port_type_t t;
	long ports;
	int i;

	mach_port_type(SELF, SELF, &t);	/* the space exists from here */
	ports = mp_count("ports");

	for (i = 0; i < N; i++)
		KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_RECEIVE, &p[i]));
	EXPECT_EQ(ports + N, mp_count("ports"));
	KR_EQ(KERN_SUCCESS, mach_port_names(SELF, &names, &n, &types, &nt));
	EXPECT_LE((mach_msg_type_number_t)N + 1, n);
	vm_deallocate(SELF, (vm_address_t)names, n * sizeof(*names));
	vm_deallocate(SELF, (vm_address_t)types, n * sizeof(*types));
	for (i = 0; i < N; i++)
		KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p[i], MACH_PORT_RIGHT_RECEIVE, -1));
	EXPECT_EQ(ports, mp_count("ports"));
}

/*
 * A send-once right always has a name of its own: inserting another right
 * of its port under that name answers KERN_NAME_EXISTS (found by the
 * fuzzer: the rights merged, and deallocating the name then lost the
 * receive right without killing the port).
 */
TEST(insert_into_a_send_once_name)
{
	mach_port_t r = new_port(), so;
	mach_msg_type_name_t t;

	KR_EQ(KERN_SUCCESS, mach_port_extract_right(SELF, r, MACH_MSG_TYPE_MAKE_SEND_ONCE,
						    &so, &t));
	KR_EQ(KERN_NAME_EXISTS, mach_port_insert_right(SELF, so, r, MACH_MSG_TYPE_MOVE_RECEIVE));
	/* The space names the port already: that check comes first. */
	KR_EQ(KERN_RIGHT_EXISTS, mach_port_insert_right(SELF, so, r, MACH_MSG_TYPE_MAKE_SEND));
	EXPECT_EQ(MACH_PORT_TYPE_SEND_ONCE, type_of(so));
	EXPECT_EQ(MACH_PORT_TYPE_RECEIVE, type_of(r));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, so));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, r, MACH_PORT_RIGHT_RECEIVE, -1));
}

/* The per-space name limit (module parameter max_names): KERN_NO_SPACE. */
TEST(name_limit)
{
	FILE *f = fopen("/sys/module/machport/parameters/max_names", "r");
	unsigned int max = 0, n = 0;
	mach_port_t d;
	kern_return_t kr;

	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%u", &max));
	fclose(f);
	/* Only the task's own name is left (the bootstrap port had one). */
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, bootstrap_port));
	/* dead names cost a table slot each and nothing else */
	while ((kr = mach_port_allocate(SELF, MACH_PORT_RIGHT_DEAD_NAME, &d)) == KERN_SUCCESS)
		n++;
	EXPECT_EQ(KERN_NO_SPACE, kr);
	EXPECT_EQ(max, n);
	/* a freed slot can be had again, and only one */
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, d));
	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_RECEIVE, &d));
	KR_EQ(KERN_NO_SPACE, mach_port_allocate(SELF, MACH_PORT_RIGHT_RECEIVE, &d));

	/*
	 * A full space still receives a message that carries no right (its
	 * destination right is used up); one whose reply right needs a new
	 * name fails with MACH_RCV_HEADER_ERROR | MACH_MSG_IPC_SPACE and is
	 * destroyed, as on XNU.
	 */
	{
		struct { mach_msg_header_t h; mach_msg_max_trailer_t t; } m;

		memset(&m, 0, sizeof(m));
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
		m.h.msgh_remote_port = d;
		m.h.msgh_id = 7;
		KR_EQ(MACH_MSG_SUCCESS, mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(m.h),
						 sizeof(m), d, 0, 0));
		EXPECT_EQ(7, m.h.msgh_id);
		EXPECT_EQ(d, m.h.msgh_local_port);
		EXPECT_EQ(MACH_PORT_NULL, m.h.msgh_remote_port);
		memset(&m, 0, sizeof(m));
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
		m.h.msgh_remote_port = d;
		m.h.msgh_local_port = d;
		KR_EQ(MACH_RCV_HEADER_ERROR | MACH_MSG_IPC_SPACE,
		      mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(m.h), sizeof(m), d, 0, 0));
		/* The unused send-once right fired its notification. */
		KR_EQ(MACH_MSG_SUCCESS, mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), d, 0, 0));
		EXPECT_EQ(MACH_NOTIFY_SEND_ONCE, m.h.msgh_id);
		EXPECT_EQ(0u, status_of(d).mps_msgcount);
		EXPECT_EQ(0u, status_of(d).mps_sorights);
	}
}

TEST(reply_port)
{
	mach_port_t r = mach_reply_port();

	ASSERT_TRUE(MACH_PORT_VALID(r));
	EXPECT_EQ(MACH_PORT_TYPE_RECEIVE, type_of(r));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, r));
}

TEST(error_strings)
{
	EXPECT_STREQ("(os/kern) invalid name", mach_error_string(KERN_INVALID_NAME));
	EXPECT_NE(NULL, strstr(mach_error_string(MACH_SEND_INVALID_DEST), "invalid destination"));
}

TEST_HARNESS_MAIN
