// SPDX-License-Identifier: GPL-2.0
/*
 * Port attributes and controls: receive status, mscount, seqno, context,
 * guards, mach_port_construct / mach_port_destruct, mach_port_peek.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mach/mach.h>
#include <mach/notify.h>

#include "kselftest_harness.h"
#include "util.h"

#define SELF mach_task_self()

TEST(status_fields)
{
	mach_port_t p = new_port(), set, np = new_port(), prev;
	mach_port_info_ext_t ext;
	mach_msg_type_number_t n;
	integer_t dn[1];

	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_PORT_SET, &set));
	KR_EQ(KERN_SUCCESS, mach_port_insert_member(SELF, p, set));
	EXPECT_EQ(set, status_of(p).mps_pset);
	EXPECT_EQ(0, status_of(p).mps_nsrequest);
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, p, MACH_NOTIFY_NO_SENDERS, 1, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, p, MACH_NOTIFY_PORT_DESTROYED, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	EXPECT_EQ(1, status_of(p).mps_nsrequest);
	EXPECT_EQ(1, status_of(p).mps_pdrequest);
	n = MACH_PORT_INFO_EXT_COUNT;
	KR_EQ(KERN_SUCCESS, mach_port_get_attributes(SELF, p, MACH_PORT_INFO_EXT, (mach_port_info_t)&ext, &n));
	EXPECT_EQ(MACH_PORT_INFO_EXT_COUNT, n);
	EXPECT_EQ(MACH_PORT_QLIMIT_DEFAULT, ext.mpie_status.mps_qlimit);
	n = 1;
	KR_EQ(KERN_SUCCESS, mach_port_get_attributes(SELF, p, MACH_PORT_DNREQUESTS_SIZE, dn, &n));
	n = 1;
	KR_EQ(KERN_FAILURE, mach_port_get_attributes(SELF, p, MACH_PORT_RECEIVE_STATUS, dn, &n));
	KR_EQ(KERN_INVALID_ARGUMENT, mach_port_get_attributes(SELF, p, 99, dn, &n));
	KR_EQ(KERN_SUCCESS, mach_port_set_attributes(SELF, p, MACH_PORT_TEMPOWNER, NULL, 0));
	KR_EQ(KERN_SUCCESS, mach_port_set_attributes(SELF, p, MACH_PORT_IMPORTANCE_RECEIVER, NULL, 0));
	mach_port_destroy(SELF, set);
	mach_port_destroy(SELF, np);
	mach_port_destroy(SELF, p);
}

TEST(mscount_seqno_context)
{
	mach_port_t p = new_port();
	mach_port_context_t ctx = 0;
	struct { mach_msg_header_t h; } m = { 0 };
	struct { mach_msg_header_t h; mach_msg_context_trailer_t t; } r;

	KR_EQ(KERN_SUCCESS, mach_port_set_mscount(SELF, p, 7));
	KR_EQ(KERN_SUCCESS, mach_port_set_seqno(SELF, p, 40));
	EXPECT_EQ(7u, status_of(p).mps_mscount);
	EXPECT_EQ(40u, status_of(p).mps_seqno);
	KR_EQ(KERN_SUCCESS, mach_port_set_context(SELF, p, 0x1234567890abcdefULL));
	KR_EQ(KERN_SUCCESS, mach_port_get_context(SELF, p, &ctx));
	EXPECT_EQ(0x1234567890abcdefULL, ctx);
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.h.msgh_remote_port = p;
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&r.h, MACH_RCV_MSG | MACH_RCV_TRAILER_TYPE(MACH_MSG_TRAILER_FORMAT_0) |
		MACH_RCV_TRAILER_ELEMENTS(MACH_RCV_TRAILER_CTX), 0, sizeof(r), p, 0, 0));
	EXPECT_EQ(0x1234567890abcdefULL, r.t.msgh_context);
	EXPECT_EQ(40u, r.t.msgh_seqno);
	EXPECT_EQ(8u, status_of(p).mps_mscount);
	KR_EQ(KERN_INVALID_RIGHT, mach_port_set_context(SELF, MACH_PORT_NULL, 1));
	KR_EQ(KERN_INVALID_NAME, mach_port_set_mscount(SELF, 0x777703, 1));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_get_context(SELF, SELF, &ctx));
	mach_port_destroy(SELF, p);
}

static void send_id(mach_port_t p, mach_msg_id_t id, mach_msg_size_t size)
{
	struct { mach_msg_header_t h; char body[64]; } m;

	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.h.msgh_remote_port = p;
	m.h.msgh_id = id;
	if (mach_msg(&m.h, MACH_SEND_MSG, size, 0, 0, 0, 0) != MACH_MSG_SUCCESS)
		abort();
}

/* mach_port_peek: XNU's answers, the messages left where they were. */
TEST(peek)
{
	mach_port_t p = new_port(), set;
	mach_port_seqno_t seq = 0;
	mach_msg_size_t size = 0;
	mach_msg_id_t id = 0;
	mach_msg_audit_trailer_t t;
	mach_msg_type_number_t n = sizeof(t);
	struct { mach_msg_header_t h; char rest[64 + sizeof(mach_msg_seqno_trailer_t)]; } r;
	mach_msg_trailer_type_t audit = MACH_RCV_TRAILER_TYPE(MACH_MSG_TRAILER_FORMAT_0) |
		MACH_RCV_TRAILER_ELEMENTS(MACH_RCV_TRAILER_AUDIT);

	/* Nothing queued: KERN_FAILURE. */
	KR_EQ(KERN_FAILURE, mach_port_peek(SELF, p, audit, &seq, &size, &id, (mach_msg_trailer_info_t)&t, &n));
	KR_EQ(KERN_SUCCESS, mach_port_set_seqno(SELF, p, 10));
	send_id(p, 500, sizeof(mach_msg_header_t));
	send_id(p, 501, sizeof(mach_msg_header_t) + 16);
	send_id(p, 502, sizeof(mach_msg_header_t) + 64);

	/* 0: the first message, with its sequence number and audit trailer. */
	memset(&t, 0xff, sizeof(t));
	KR_EQ(KERN_SUCCESS, mach_port_peek(SELF, p, audit, &seq, &size, &id, (mach_msg_trailer_info_t)&t, &n));
	EXPECT_EQ(10u, seq);
	EXPECT_EQ(500, id);
	EXPECT_EQ(sizeof(mach_msg_header_t), size);
	EXPECT_EQ(sizeof(t), n);
	EXPECT_EQ(sizeof(t), t.msgh_trailer_size);
	EXPECT_EQ(10u, t.msgh_seqno);
	EXPECT_EQ(geteuid(), t.msgh_sender.val[0]);
	EXPECT_EQ((unsigned int)getpid(), t.msgh_audit.val[5]);

	/* A given sequence number: the third message. */
	seq = 12;
	n = sizeof(t);
	KR_EQ(KERN_SUCCESS, mach_port_peek(SELF, p, audit, &seq, &size, &id, (mach_msg_trailer_info_t)&t, &n));
	EXPECT_EQ(502, id);
	EXPECT_EQ(sizeof(mach_msg_header_t) + 64, size);
	EXPECT_EQ(12u, t.msgh_seqno);

	/* Before the queue or past it: KERN_FAILURE. */
	seq = 9;
	KR_EQ(KERN_FAILURE, mach_port_peek(SELF, p, audit, &seq, &size, &id, (mach_msg_trailer_info_t)&t, &n));
	seq = 13;
	KR_EQ(KERN_FAILURE, mach_port_peek(SELF, p, audit, &seq, &size, &id, (mach_msg_trailer_info_t)&t, &n));

	/* The smallest trailer: 8 bytes written, the count says so. */
	seq = 0;
	n = sizeof(t);
	memset(&t, 0xff, sizeof(t));
	KR_EQ(KERN_SUCCESS, mach_port_peek(SELF, p, 0, &seq, &size, &id, (mach_msg_trailer_info_t)&t, &n));
	EXPECT_EQ(sizeof(mach_msg_trailer_t), n);
	EXPECT_EQ(0xffffffffu, t.msgh_seqno);	/* not written */

	/* Trailers it will not give, and too small a buffer. */
	n = sizeof(t);
	KR_EQ(KERN_INVALID_VALUE, mach_port_peek(SELF, p, MACH_RCV_TRAILER_TYPE(MACH_MSG_TRAILER_FORMAT_0) |
		MACH_RCV_TRAILER_ELEMENTS(MACH_RCV_TRAILER_CTX), &seq, &size, &id, (mach_msg_trailer_info_t)&t, &n));
	KR_EQ(KERN_INVALID_VALUE, mach_port_peek(SELF, p, MACH_RCV_TRAILER_TYPE(1), &seq, &size, &id, (mach_msg_trailer_info_t)&t, &n));
	n = 19;
	KR_EQ(KERN_INVALID_VALUE, mach_port_peek(SELF, p, MACH_RCV_TRAILER_TYPE(MACH_MSG_TRAILER_FORMAT_0) |
		MACH_RCV_TRAILER_ELEMENTS(MACH_RCV_TRAILER_SENDER), &seq, &size, &id, (mach_msg_trailer_info_t)&t, &n));

	/* Names without a receive right. */
	n = sizeof(t);
	KR_EQ(KERN_INVALID_RIGHT, mach_port_peek(SELF, MACH_PORT_NULL, audit, &seq, &size, &id, (mach_msg_trailer_info_t)&t, &n));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_peek(SELF, MACH_PORT_DEAD, audit, &seq, &size, &id, (mach_msg_trailer_info_t)&t, &n));
	KR_EQ(KERN_INVALID_NAME, mach_port_peek(SELF, 0x777703, audit, &seq, &size, &id, (mach_msg_trailer_info_t)&t, &n));
	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_PORT_SET, &set));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_peek(SELF, set, audit, &seq, &size, &id, (mach_msg_trailer_info_t)&t, &n));
	/* A trailer buffer that is not there. */
	seq = 0;
	KR_EQ(KERN_INVALID_ADDRESS, mach_port_peek(SELF, p, audit, &seq, &size, &id, (mach_msg_trailer_info_t)8, &n));

	/* Peeking took nothing: the messages come in order, numbered. */
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&r.h, MACH_RCV_MSG | MACH_RCV_TRAILER_TYPE(MACH_MSG_TRAILER_FORMAT_0) |
		MACH_RCV_TRAILER_ELEMENTS(MACH_RCV_TRAILER_SEQNO), 0, sizeof(r), p, 0, 0));
	EXPECT_EQ(500, r.h.msgh_id);
	/* The trailer follows the message, here its header alone. */
	EXPECT_EQ(10u, ((mach_msg_seqno_trailer_t *)((char *)&r + r.h.msgh_size))->msgh_seqno);
	seq = 0;
	n = sizeof(t);
	KR_EQ(KERN_SUCCESS, mach_port_peek(SELF, p, audit, &seq, &size, &id, (mach_msg_trailer_info_t)&t, &n));
	EXPECT_EQ(11u, seq);
	EXPECT_EQ(501, id);
	EXPECT_EQ(11u, status_of(p).mps_seqno);
	EXPECT_EQ(2u, status_of(p).mps_msgcount);
	mach_port_destroy(SELF, set);
	mach_port_destroy(SELF, p);
}

/* mach_port_rename is gone from macOS's kernel: MIG_BAD_ID. */
TEST(rename_is_obsolete)
{
	mach_port_t p = new_port();

	KR_EQ(MIG_BAD_ID, mach_port_rename(SELF, p, 0x1003));
	EXPECT_EQ(MACH_PORT_TYPE_RECEIVE, type_of(p));
	mach_port_destroy(SELF, p);
}

TEST(guards)
{
	mach_port_t p = new_port(), q;
	mach_port_context_t ctx;
	mach_msg_type_name_t t;

	KR_EQ(KERN_SUCCESS, mach_port_guard(SELF, p, 0xfeed, FALSE));
	KR_EQ(KERN_INVALID_ARGUMENT, mach_port_guard(SELF, p, 0xfeed, FALSE));
	KR_EQ(KERN_SUCCESS, mach_port_get_context(SELF, p, &ctx));
	EXPECT_EQ(0xfeedu, ctx);
	KR_EQ(KERN_INVALID_ARGUMENT, mach_port_set_context(SELF, p, 1));
	EXPECT_EQ(MACH_PORT_STATUS_FLAG_GUARDED, status_of(p).mps_flags);
	/* a guarded receive right is not destroyed, moved or dropped */
	KR_EQ(KERN_INVALID_RIGHT, mach_port_destroy(SELF, p));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, -1));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_extract_right(SELF, p, MACH_MSG_TYPE_MOVE_RECEIVE, &q, &t));
	KR_EQ(KERN_INVALID_ARGUMENT, mach_port_unguard(SELF, p, 0xbad));
	KR_EQ(KERN_INVALID_ARGUMENT, mach_port_destruct(SELF, p, 0, 0xbad));
	KR_EQ(KERN_SUCCESS, mach_port_unguard(SELF, p, 0xfeed));
	KR_EQ(KERN_INVALID_ARGUMENT, mach_port_unguard(SELF, p, 0xfeed));
	/* strict guards hide the guard */
	KR_EQ(KERN_SUCCESS, mach_port_guard(SELF, p, 0xcafe, TRUE));
	KR_EQ(KERN_SUCCESS, mach_port_get_context(SELF, p, &ctx));
	EXPECT_EQ(0u, ctx);
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND, 1));
	KR_EQ(KERN_SUCCESS, mach_port_destruct(SELF, p, -2, 0xcafe));
	KR_EQ(KERN_INVALID_NAME, mach_port_get_context(SELF, p, &ctx));
}

TEST(construct)
{
	mach_port_options_t opts;
	mach_port_t p;
	mach_port_context_t ctx = 1;
	mach_port_type_t type;

	memset(&opts, 0, sizeof(opts));
	opts.flags = MPO_QLIMIT | MPO_INSERT_SEND_RIGHT;
	opts.mpl.mpl_qlimit = 17;
	KR_EQ(KERN_SUCCESS, mach_port_construct(SELF, &opts, 0x99, &p));
	KR_EQ(KERN_SUCCESS, mach_port_type(SELF, p, &type));
	EXPECT_EQ(MACH_PORT_TYPE_SEND_RECEIVE, type);
	EXPECT_EQ(17u, status_of(p).mps_qlimit);
	KR_EQ(KERN_SUCCESS, mach_port_get_context(SELF, p, &ctx));
	EXPECT_EQ(0x99u, ctx);
	KR_EQ(KERN_SUCCESS, mach_port_destruct(SELF, p, -1, 0));
	/* context as a strict guard */
	opts.flags = MPO_CONTEXT_AS_GUARD | MPO_STRICT;
	KR_EQ(KERN_SUCCESS, mach_port_construct(SELF, &opts, 0x77, &p));
	EXPECT_EQ(MACH_PORT_STATUS_FLAG_GUARDED | MACH_PORT_STATUS_FLAG_STRICT_GUARD, status_of(p).mps_flags);
	KR_EQ(KERN_INVALID_RIGHT, mach_port_destroy(SELF, p));
	KR_EQ(KERN_SUCCESS, mach_port_destruct(SELF, p, 0, 0x77));
	/* a bad option leaves nothing behind */
	opts.flags = MPO_QLIMIT;
	opts.mpl.mpl_qlimit = MACH_PORT_QLIMIT_MAX + 1;
	{
		long ports = mp_count("ports");

		KR_EQ(KERN_INVALID_VALUE, mach_port_construct(SELF, &opts, 0, &p));
		EXPECT_EQ(ports, mp_count("ports"));
	}
}

TEST_HARNESS_MAIN
