// SPDX-License-Identifier: GPL-2.0
/*
 * mach_msg: simple messages, header rights, RPC, queue limits, timeouts,
 * too-large receives, trailers and the quirks macOS code relies on.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mach/mach.h>

#include "kselftest_harness.h"
#include "util.h"

#define SELF mach_task_self()

struct simple_msg {
	mach_msg_header_t header;
	char body[64];
};

struct rcv_buf {
	mach_msg_header_t header;
	char body[4096];
	mach_msg_max_trailer_t trailer;
};

static mach_msg_return_t send_simple(mach_port_t dest, mach_msg_type_name_t disp,
				     mach_port_t reply,
				     mach_msg_type_name_t reply_disp,
				     mach_msg_id_t id, const char *text,
				     mach_msg_option_t extra, mach_msg_timeout_t timeout)
{
	struct simple_msg m;

	memset(&m, 0, sizeof(m));
	m.header.msgh_bits = MACH_MSGH_BITS(disp, reply_disp);
	m.header.msgh_remote_port = dest;
	m.header.msgh_local_port = reply;
	m.header.msgh_id = id;
	strncpy(m.body, text, sizeof(m.body) - 1);
	return mach_msg(&m.header, MACH_SEND_MSG | extra, sizeof(m), 0,
			MACH_PORT_NULL, timeout, MACH_PORT_NULL);
}

static mach_msg_return_t receive(mach_port_t port, struct rcv_buf *b,
				 mach_msg_option_t extra, mach_msg_timeout_t timeout)
{
	memset(b, 0, sizeof(*b));
	return mach_msg(&b->header, MACH_RCV_MSG | extra, 0, sizeof(*b), port,
			timeout, MACH_PORT_NULL);
}

static mach_port_urefs_t send_refs(mach_port_t p)
{
	mach_port_urefs_t r = 0;

	mach_port_get_refs(SELF, p, MACH_PORT_RIGHT_SEND, &r);
	return r;
}

TEST(send_receive_fifo)
{
	mach_port_t p = new_port();
	struct rcv_buf b;
	char text[16];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(text, sizeof(text), "msg %d", i);
		KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_MAKE_SEND,
			MACH_PORT_NULL, 0, 100 + i, text, 0, 0));
	}
	EXPECT_EQ(5u, status_of(p).mps_msgcount);
	EXPECT_EQ(5u, status_of(p).mps_mscount);
	for (i = 0; i < 5; i++) {
		KR_EQ(MACH_MSG_SUCCESS, receive(p, &b, 0, 0));
		snprintf(text, sizeof(text), "msg %d", i);
		EXPECT_EQ(100 + i, b.header.msgh_id);
		EXPECT_STREQ(text, b.body);
		EXPECT_EQ(sizeof(struct simple_msg), b.header.msgh_size);
		EXPECT_EQ(p, b.header.msgh_local_port);
		EXPECT_EQ(MACH_PORT_NULL, b.header.msgh_remote_port);
		EXPECT_EQ(MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND),
			  b.header.msgh_bits);
		/* default trailer: format 0, 8 bytes */
		EXPECT_EQ(0u, b.trailer.msgh_trailer_type);
		EXPECT_EQ(8u, ((mach_msg_trailer_t *)((char *)&b + b.header.msgh_size))->msgh_trailer_size);
	}
	/* The made send rights were used up by delivery. */
	EXPECT_EQ(0, status_of(p).mps_srights);
	EXPECT_EQ(0u, status_of(p).mps_msgcount);
	EXPECT_EQ(5u, status_of(p).mps_seqno);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(header_dispositions)
{
	mach_port_t p = new_port(), r = new_port();
	struct rcv_buf b;

	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND, 2));
	/* COPY_SEND keeps the sender's uref; MOVE_SEND consumes one. */
	KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1, "a", 0, 0));
	EXPECT_EQ(3u, send_refs(p));
	KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_MOVE_SEND, MACH_PORT_NULL, 0, 2, "b", 0, 0));
	EXPECT_EQ(2u, send_refs(p));
	KR_EQ(MACH_MSG_SUCCESS, receive(p, &b, 0, 0));
	KR_EQ(MACH_MSG_SUCCESS, receive(p, &b, 0, 0));
	/* Reply right made send-once: arrives as PORT_SEND_ONCE in remote. */
	KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_COPY_SEND, r, MACH_MSG_TYPE_MAKE_SEND_ONCE, 3, "c", 0, 0));
	KR_EQ(MACH_MSG_SUCCESS, receive(p, &b, 0, 0));
	EXPECT_EQ(MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, MACH_MSG_TYPE_PORT_SEND), b.header.msgh_bits);
	EXPECT_NE(r, b.header.msgh_remote_port);
	{
		mach_port_type_t t;

		KR_EQ(KERN_SUCCESS, mach_port_type(SELF, b.header.msgh_remote_port, &t));
		EXPECT_EQ(MACH_PORT_TYPE_SEND_ONCE, t);
	}
	EXPECT_EQ(1u, status_of(r).mps_sorights);
	/* Reply with it: MOVE_SEND_ONCE. */
	KR_EQ(MACH_MSG_SUCCESS, send_simple(b.header.msgh_remote_port, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 4, "reply", 0, 0));
	KR_EQ(MACH_MSG_SUCCESS, receive(r, &b, 0, 0));
	EXPECT_EQ(4, b.header.msgh_id);
	EXPECT_EQ(MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE), b.header.msgh_bits);
	EXPECT_EQ(0u, status_of(r).mps_sorights);
	/* MAKE_SEND reply merges into the receive right's name. */
	KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_COPY_SEND, r, MACH_MSG_TYPE_MAKE_SEND, 5, "d", 0, 0));
	KR_EQ(MACH_MSG_SUCCESS, receive(p, &b, 0, 0));
	EXPECT_EQ(r, b.header.msgh_remote_port);
	EXPECT_EQ(1u, send_refs(r));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, r));
}

TEST(send_errors)
{
	mach_port_t p = new_port();
	struct simple_msg m;

	memset(&m, 0, sizeof(m));
	m.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.header.msgh_remote_port = p;
	KR_EQ(MACH_SEND_MSG_TOO_SMALL, mach_msg(&m.header, MACH_SEND_MSG, 20, 0, 0, 0, 0));
	KR_EQ(MACH_SEND_MSG_TOO_SMALL, mach_msg(&m.header, MACH_SEND_MSG, 26, 0, 0, 0, 0));
	KR_EQ(MACH_SEND_TOO_LARGE, mach_msg(&m.header, MACH_SEND_MSG, 64 << 20, 0, 0, 0, 0));
	KR_EQ(MACH_SEND_INVALID_DATA, mach_msg((mach_msg_header_t *)8, MACH_SEND_MSG, 24, 0, 0, 0, 0));
	m.header.msgh_bits |= 0x00400000;
	KR_EQ(MACH_SEND_INVALID_HEADER, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	m.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_RECEIVE, 0);
	KR_EQ(MACH_SEND_INVALID_HEADER, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	m.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.header.msgh_local_port = p;	/* a reply name without disposition */
	KR_EQ(MACH_SEND_INVALID_HEADER, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	m.header.msgh_local_port = MACH_PORT_NULL;
	m.header.msgh_remote_port = MACH_PORT_NULL;
	KR_EQ(MACH_SEND_INVALID_DEST, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	m.header.msgh_remote_port = 0x777703;
	KR_EQ(MACH_SEND_INVALID_DEST, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	m.header.msgh_remote_port = p;
	m.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	KR_EQ(MACH_SEND_INVALID_DEST, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	/* bad reply: nothing taken (the make-send count did not move) */
	m.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_COPY_SEND);
	m.header.msgh_local_port = p;
	KR_EQ(MACH_SEND_INVALID_REPLY, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	EXPECT_EQ(0u, status_of(p).mps_mscount);
	EXPECT_EQ(0u, status_of(p).mps_msgcount);
	/* msgh_size in the header is ignored: the size argument wins */
	m.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.header.msgh_local_port = MACH_PORT_NULL;
	m.header.msgh_size = 12345;
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&m.header, MACH_SEND_MSG, 32, 0, 0, 0, 0));
	{
		struct rcv_buf b;

		KR_EQ(MACH_MSG_SUCCESS, receive(p, &b, 0, 0));
		EXPECT_EQ(32u, b.header.msgh_size);
	}
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(unknown_options)
{
	mach_port_t p = new_port();
	struct rcv_buf b;

	KR_EQ(MACH_SEND_INVALID_OPTIONS, send_simple(p, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 1, "x", 0x00000200, 0));
	KR_EQ(MACH_SEND_INVALID_OPTIONS, send_simple(p, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 1, "x", 0x00400000, 0));
	KR_EQ(MACH_RCV_INVALID_DATA, receive(p, &b, 0x00002000, 0));
	/* hints without an effect here are accepted */
	KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 1, "x", MACH_SEND_NOIMPORTANCE | MACH_SEND_SYNC_OVERRIDE, 0));
	KR_EQ(MACH_MSG_SUCCESS, receive(p, &b, MACH_RCV_VOUCHER | MACH_RCV_TIMEOUT, 0));
	EXPECT_EQ(0u, status_of(p).mps_msgcount);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(sizes)
{
	mach_port_t p = new_port();
	static char sbuf[65536 + 64], rbuf[65536 + 256];
	mach_msg_header_t *s = (mach_msg_header_t *)sbuf, *r = (mach_msg_header_t *)rbuf;
	mach_msg_size_t sizes[] = { 24, 28, 252, 256, 260, 4096, 65536 };
	unsigned int i, j;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(sbuf, 0, sizeof(sbuf));
		s->msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
		s->msgh_remote_port = p;
		s->msgh_id = (int)i;
		for (j = sizeof(*s); j < sizes[i]; j++)
			sbuf[j] = (char)(j * 7 + i);
		KR_EQ(MACH_MSG_SUCCESS, mach_msg(s, MACH_SEND_MSG, sizes[i], 0, 0, 0, 0));
		KR_EQ(MACH_MSG_SUCCESS, mach_msg(r, MACH_RCV_MSG, 0, sizeof(rbuf), p, 0, 0));
		EXPECT_EQ(sizes[i], r->msgh_size);
		EXPECT_EQ(0, memcmp(sbuf + sizeof(*s), rbuf + sizeof(*r), sizes[i] - sizeof(*s)));
	}
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(queue_limit_and_timeouts)
{
	mach_port_t p = new_port();
	mach_port_limits_t lim;
	mach_msg_type_number_t n = MACH_PORT_LIMITS_INFO_COUNT;
	struct rcv_buf b;
	struct timespec t0, t1;
	int i;

	KR_EQ(KERN_SUCCESS, mach_port_get_attributes(SELF, p, MACH_PORT_LIMITS_INFO, (mach_port_info_t)&lim, &n));
	EXPECT_EQ(MACH_PORT_QLIMIT_DEFAULT, lim.mpl_qlimit);
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND));
	for (i = 0; i < 5; i++)
		KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, i, "x", MACH_SEND_TIMEOUT, 0));
	/* full: a zero timeout returns at once, and the right comes back */
	KR_EQ(MACH_SEND_TIMED_OUT, send_simple(p, MACH_MSG_TYPE_MOVE_SEND, MACH_PORT_NULL, 0, 9, "x", MACH_SEND_TIMEOUT, 0));
	EXPECT_EQ(1u, send_refs(p));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	KR_EQ(MACH_SEND_TIMED_OUT, send_simple(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 9, "x", MACH_SEND_TIMEOUT, 100));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_LE(90, (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	/* a send-once destination ignores the limit */
	{
		mach_port_t so;
		mach_msg_type_name_t t;

		KR_EQ(KERN_SUCCESS, mach_port_extract_right(SELF, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &t));
		KR_EQ(MACH_MSG_SUCCESS, send_simple(so, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 6, "so", MACH_SEND_TIMEOUT, 0));
		EXPECT_EQ(6u, status_of(p).mps_msgcount);
	}
	/* raise the limit */
	lim.mpl_qlimit = 10;
	KR_EQ(KERN_SUCCESS, mach_port_set_attributes(SELF, p, MACH_PORT_LIMITS_INFO, (mach_port_info_t)&lim, 1));
	KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 7, "x", MACH_SEND_TIMEOUT, 0));
	lim.mpl_qlimit = MACH_PORT_QLIMIT_MAX + 1;
	KR_EQ(KERN_INVALID_VALUE, mach_port_set_attributes(SELF, p, MACH_PORT_LIMITS_INFO, (mach_port_info_t)&lim, 1));
	KR_EQ(KERN_INVALID_ARGUMENT, mach_port_set_attributes(SELF, p, 99, (mach_port_info_t)&lim, 1));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_set_attributes(SELF, SELF, MACH_PORT_LIMITS_INFO, (mach_port_info_t)&lim, 1));
	for (i = 0; i < 7; i++)
		KR_EQ(MACH_MSG_SUCCESS, receive(p, &b, MACH_RCV_TIMEOUT, 0));
	/* empty: poll and bounded wait */
	KR_EQ(MACH_RCV_TIMED_OUT, receive(p, &b, MACH_RCV_TIMEOUT, 0));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	KR_EQ(MACH_RCV_TIMED_OUT, receive(p, &b, MACH_RCV_TIMEOUT, 100));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_LE(90, (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(receive_errors)
{
	mach_port_t p = new_port(), d;
	struct rcv_buf b;

	KR_EQ(MACH_RCV_INVALID_NAME, receive(MACH_PORT_NULL, &b, MACH_RCV_TIMEOUT, 0));
	KR_EQ(MACH_RCV_INVALID_NAME, receive(0x777703, &b, MACH_RCV_TIMEOUT, 0));
	KR_EQ(MACH_RCV_INVALID_NAME, receive(SELF, &b, MACH_RCV_TIMEOUT, 0));
	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_DEAD_NAME, &d));
	KR_EQ(MACH_RCV_INVALID_NAME, receive(d, &b, MACH_RCV_TIMEOUT, 0));
	KR_EQ(MACH_RCV_INVALID_TRAILER, receive(p, &b, MACH_RCV_TIMEOUT | MACH_RCV_TRAILER_TYPE(1), 0));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, d));
}

TEST(too_large)
{
	mach_port_t p = new_port(), r = new_port();
	struct { mach_msg_header_t h; char small[8]; } small;
	struct rcv_buf b;

	KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_MAKE_SEND, r, MACH_MSG_TYPE_MAKE_SEND_ONCE, 1, "big", 0, 0));
	/* MACH_RCV_LARGE: stays queued, size needed reported */
	memset(&small, 0, sizeof(small));
	KR_EQ(MACH_RCV_TOO_LARGE, mach_msg(&small.h, MACH_RCV_MSG | MACH_RCV_LARGE | MACH_RCV_TIMEOUT, 0, sizeof(small), p, 0, 0));
	EXPECT_EQ(sizeof(struct simple_msg) + 8, small.h.msgh_size);
	EXPECT_EQ(1u, status_of(p).mps_msgcount);
	KR_EQ(MACH_MSG_SUCCESS, receive(p, &b, MACH_RCV_TIMEOUT, 0));
	EXPECT_EQ(1, b.header.msgh_id);
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, b.header.msgh_remote_port));
	EXPECT_EQ(SEND_ONCE_NOTE, mp_next_id(r));
	/* without it: dequeued and destroyed, the reply right released */
	KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_MAKE_SEND, r, MACH_MSG_TYPE_MAKE_SEND_ONCE, 2, "big", 0, 0));
	EXPECT_EQ(1u, status_of(r).mps_sorights);
	KR_EQ(MACH_RCV_TOO_LARGE, mach_msg(&small.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(small), p, 0, 0));
	EXPECT_EQ(0u, status_of(p).mps_msgcount);
	EXPECT_EQ(SEND_ONCE_NOTE, mp_next_id(r));
	EXPECT_EQ(0u, status_of(r).mps_sorights);
	/* the trailer counts: room for the message but not the trailer */
	KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 3, "x", 0, 0));
	KR_EQ(MACH_RCV_TOO_LARGE, mach_msg(&b.header, MACH_RCV_MSG | MACH_RCV_LARGE | MACH_RCV_TIMEOUT, 0, sizeof(struct simple_msg) + 4, p, 0, 0));
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&b.header, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(struct simple_msg) + 8, p, 0, 0));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, r));
}

TEST(trailers)
{
	mach_port_t p = new_port();
	const unsigned int sizes[] = { 8, 12, 20, 52, 60, 68, 68, 68 };
	struct rcv_buf b;
	unsigned int e;

	for (e = 0; e < 8; e++) {
		mach_msg_max_trailer_t *t;
		unsigned char *after;

		KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, (int)e, "t", 0, 0));
		memset(&b, 0xaa, sizeof(b));
		KR_EQ(MACH_MSG_SUCCESS, mach_msg(&b.header, MACH_RCV_MSG | MACH_RCV_TRAILER_TYPE(MACH_MSG_TRAILER_FORMAT_0) | MACH_RCV_TRAILER_ELEMENTS(e), 0, sizeof(b), p, 0, 0));
		t = (mach_msg_max_trailer_t *)((char *)&b + b.header.msgh_size);
		EXPECT_EQ(sizes[e], t->msgh_trailer_size);
		after = (unsigned char *)t + sizes[e];
		EXPECT_EQ(0xaa, after[0]) TH_LOG("bytes past the trailer are untouched (e=%u)", e);
		if (e >= 1)
			EXPECT_EQ(e, t->msgh_seqno);
		if (e >= 2) {
			EXPECT_EQ(geteuid(), t->msgh_sender.val[0]);
			EXPECT_EQ(getegid(), t->msgh_sender.val[1]);
		}
		if (e >= 3) {
			EXPECT_EQ((unsigned int)getpid(), t->msgh_audit.val[5]);
			EXPECT_EQ(geteuid(), t->msgh_audit.val[1]);
			EXPECT_EQ(getuid(), t->msgh_audit.val[3]);
		}
		if (e >= 4)
			EXPECT_EQ(0u, t->msgh_context);
	}
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

struct server_arg {
	mach_port_t port;
	int count;
};

/* Receives requests and replies on their send-once right, then stops. */
static void *echo_server(void *p)
{
	struct server_arg *a = p;
	struct rcv_buf b;
	int i;

	for (i = 0; i < a->count; i++) {
		if (receive(a->port, &b, 0, 0) != MACH_MSG_SUCCESS)
			return (void *)1;
		b.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
		b.header.msgh_local_port = MACH_PORT_NULL;
		b.header.msgh_id += 100;
		if (mach_msg(&b.header, MACH_SEND_MSG, b.header.msgh_size, 0, 0, 0, 0))
			return (void *)2;
	}
	return NULL;
}

TEST(rpc_threads)
{
	struct server_arg a = { .port = new_port(), .count = 1000 };
	mach_port_t reply = mach_reply_port();
	pthread_t th;
	void *ret;
	int i;

	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, a.port, a.port, MACH_MSG_TYPE_MAKE_SEND));
	ASSERT_EQ(0, pthread_create(&th, NULL, echo_server, &a));
	for (i = 0; i < a.count; i++) {
		struct rcv_buf b;

		memset(&b, 0, sizeof(b));
		b.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
		b.header.msgh_remote_port = a.port;
		b.header.msgh_local_port = reply;
		b.header.msgh_id = i;
		snprintf(b.body, 64, "ping %d", i);
		KR_EQ(MACH_MSG_SUCCESS, mach_msg(&b.header, MACH_SEND_MSG | MACH_RCV_MSG,
			sizeof(struct simple_msg), sizeof(b), reply, 0, 0));
		EXPECT_EQ(i + 100, b.header.msgh_id);
		EXPECT_EQ(reply, b.header.msgh_local_port);
		if (b.header.msgh_id != i + 100)
			break;
	}
	ASSERT_EQ(0, pthread_join(th, &ret));
	EXPECT_EQ(NULL, ret);
	EXPECT_EQ(0u, status_of(reply).mps_sorights);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, a.port));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, reply));
}

struct waiter_arg {
	mach_port_t port;
	mach_msg_option_t option;
	mach_msg_return_t result;
	volatile int started;
};

static void *blocked_receiver(void *p)
{
	struct waiter_arg *a = p;
	struct rcv_buf b;

	a->started = gettid();
	a->result = receive(a->port, &b, a->option, 0);
	return NULL;
}

TEST(port_destroyed_under_receiver)
{
	struct waiter_arg a = { .port = new_port() };
	pthread_t th;

	ASSERT_EQ(0, pthread_create(&th, NULL, blocked_receiver, &a));
	mp_wait_blocked(&a.started);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, a.port));
	pthread_join(th, NULL);
	EXPECT_EQ(MACH_RCV_PORT_CHANGED, a.result);
}

static void on_signal(int sig)
{
	(void)sig;
}

TEST(signals)
{
	struct waiter_arg a = { .port = new_port(), .option = MACH_RCV_INTERRUPT };
	struct sigaction sa;
	pthread_t th;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	/* MACH_RCV_INTERRUPT: the caller sees the interruption */
	ASSERT_EQ(0, pthread_create(&th, NULL, blocked_receiver, &a));
	mp_wait_blocked(&a.started);
	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	EXPECT_EQ(MACH_RCV_INTERRUPTED, a.result);
	/* without it the library restarts the receive */
	a.option = 0;
	a.started = 0;
	ASSERT_EQ(0, pthread_create(&th, NULL, blocked_receiver, &a));
	mp_wait_blocked(&a.started);
	pthread_kill(th, SIGUSR1);
	usleep(50000);
	KR_EQ(MACH_MSG_SUCCESS, send_simple(a.port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 1, "after", 0, 0));
	pthread_join(th, NULL);
	EXPECT_EQ(MACH_MSG_SUCCESS, a.result);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, a.port));
}

struct sender_arg {
	mach_port_t port;
	mach_msg_return_t result;
	volatile int started;
};

static void *blocked_sender(void *p)
{
	struct sender_arg *a = p;

	a->started = gettid();
	a->result = send_simple(a->port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 99, "blocked", 0, 0);
	return NULL;
}

struct sized_waiter {
	mach_port_t port;
	mach_msg_size_t size;
	mach_msg_return_t result;
	long ms;
	volatile int started;
};

static void *sized_receiver(void *p)
{
	struct sized_waiter *w = p;
	struct timespec t0, t1;
	struct rcv_buf b;

	w->started = gettid();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	w->result = mach_msg(&b.header, MACH_RCV_MSG | MACH_RCV_LARGE | MACH_RCV_TIMEOUT,
			     0, w->size, w->port, 5000, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	w->ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	return NULL;
}

/* A waiter with too small a buffer must not swallow the wake-up. */
TEST(two_waiters_one_too_small)
{
	struct sized_waiter small = { .port = new_port(), .size = sizeof(mach_msg_header_t) + 8 };
	struct sized_waiter big = { .port = small.port, .size = sizeof(struct rcv_buf) };
	pthread_t t1, t2;

	ASSERT_EQ(0, pthread_create(&t1, NULL, sized_receiver, &small));
	mp_wait_blocked(&small.started);
	ASSERT_EQ(0, pthread_create(&t2, NULL, sized_receiver, &big));
	mp_wait_blocked(&big.started);
	KR_EQ(MACH_MSG_SUCCESS, send_simple(small.port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, 1, "for the big one", 0, 0));
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	EXPECT_EQ(MACH_MSG_SUCCESS, big.result);
	/* woken by the send, not by its 5 s timeout */
	EXPECT_GT(2500, big.ms);
	EXPECT_TRUE(small.result == MACH_RCV_TOO_LARGE || small.result == MACH_RCV_TIMED_OUT);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, small.port));
}

/*
 * The task's own port answers every request as macOS answers an unknown
 * MIG routine, and never lets a sender pile up messages on it.
 */
TEST(task_port_requests)
{
	mach_port_t reply = mach_reply_port();
	struct {
		mach_msg_header_t h;
		NDR_record_t ndr;
		kern_return_t ret;
		mach_msg_trailer_t t;
	} r;
	int i;

	for (i = 0; i < 20; i++)
		KR_EQ(MACH_MSG_SUCCESS, send_simple(SELF, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 3400, "x", MACH_SEND_TIMEOUT, 0));
	KR_EQ(MACH_MSG_SUCCESS, send_simple(SELF, MACH_MSG_TYPE_COPY_SEND, reply, MACH_MSG_TYPE_MAKE_SEND_ONCE, 3401, "x", 0, 0));
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&r.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(r), reply, 1000, 0));
	EXPECT_EQ(3501, r.h.msgh_id);
	EXPECT_EQ(MIG_BAD_ID, r.ret);
	EXPECT_EQ(reply, r.h.msgh_local_port);
	EXPECT_EQ(MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE), r.h.msgh_bits);
	EXPECT_EQ(0u, status_of(reply).mps_msgcount);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, reply));
}

TEST(full_queue_sender)
{
	struct sender_arg a = { .port = new_port() };
	struct rcv_buf b;
	pthread_t th;
	int i;

	for (i = 0; i < 5; i++)
		KR_EQ(MACH_MSG_SUCCESS, send_simple(a.port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0, i, "x", 0, 0));
	/* a blocked sender proceeds when a message is received */
	ASSERT_EQ(0, pthread_create(&th, NULL, blocked_sender, &a));
	mp_wait_blocked(&a.started);
	EXPECT_EQ(5u, status_of(a.port).mps_msgcount);
	KR_EQ(MACH_MSG_SUCCESS, receive(a.port, &b, 0, 0));
	pthread_join(th, NULL);
	EXPECT_EQ(MACH_MSG_SUCCESS, a.result);
	EXPECT_EQ(5u, status_of(a.port).mps_msgcount);
	/* a blocked sender whose port dies returns success (XNU quirk) */
	a.started = 0;
	ASSERT_EQ(0, pthread_create(&th, NULL, blocked_sender, &a));
	mp_wait_blocked(&a.started);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, a.port));
	pthread_join(th, NULL);
	EXPECT_EQ(MACH_MSG_SUCCESS, a.result);
}

/*
 * Queue limit 0: a sender blocks until a receiver waits, then hands its
 * message over. The receiver starting to wait must wake it (it used to
 * sleep on, with a receiver waiting and room for it).
 */
TEST(qlimit_zero_rendezvous)
{
	struct sender_arg a = { .port = new_port() };
	mach_port_limits_t lim = { .mpl_qlimit = 0 };
	struct rcv_buf b;
	pthread_t th;

	KR_EQ(KERN_SUCCESS, mach_port_set_attributes(SELF, a.port, MACH_PORT_LIMITS_INFO,
						     (mach_port_info_t)&lim, MACH_PORT_LIMITS_INFO_COUNT));
	ASSERT_EQ(0, pthread_create(&th, NULL, blocked_sender, &a));
	mp_wait_blocked(&a.started);
	EXPECT_EQ(0u, status_of(a.port).mps_msgcount);
	KR_EQ(MACH_MSG_SUCCESS, receive(a.port, &b, MACH_RCV_TIMEOUT, 5000));
	EXPECT_EQ(99, b.header.msgh_id);
	/* Whatever happened, the sender must not stay blocked. */
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, a.port));
	pthread_join(th, NULL);
	EXPECT_EQ(MACH_MSG_SUCCESS, a.result);
}

TEST(death_releases_queued_rights)
{
	mach_port_t p = new_port(), r = new_port();
	long ports = mp_count("ports");

	KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_MAKE_SEND, r, MACH_MSG_TYPE_MAKE_SEND, 1, "a", 0, 0));
	KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_MAKE_SEND, r, MACH_MSG_TYPE_MAKE_SEND_ONCE, 2, "b", 0, 0));
	EXPECT_EQ(1, status_of(r).mps_srights);
	EXPECT_EQ(1u, status_of(r).mps_sorights);
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, -1));
	EXPECT_EQ(0, status_of(r).mps_srights);
	EXPECT_EQ(SEND_ONCE_NOTE, mp_next_id(r));
	EXPECT_EQ(0u, status_of(r).mps_sorights);
	EXPECT_EQ(ports - 1, mp_count("ports"));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, r));
}

TEST(dead_send_once_destination)
{
	mach_port_t p = new_port(), so, s;
	mach_msg_type_name_t t;
	mach_port_type_t type;

	KR_EQ(KERN_SUCCESS, mach_port_extract_right(SELF, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &t));
	/* extracting a send right merges into the receive right's name */
	KR_EQ(KERN_SUCCESS, mach_port_extract_right(SELF, p, MACH_MSG_TYPE_MAKE_SEND, &s, &t));
	EXPECT_EQ(p, s);
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, -1));
	/* a dead send-once right: success, message dropped, right consumed */
	KR_EQ(MACH_MSG_SUCCESS, send_simple(so, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 1, "x", 0, 0));
	KR_EQ(KERN_INVALID_NAME, mach_port_type(SELF, so, &type));
	/* a dead send right: invalid destination, the dead name stays */
	KR_EQ(MACH_SEND_INVALID_DEST, send_simple(p, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1, "x", 0, 0));
	KR_EQ(KERN_SUCCESS, mach_port_type(SELF, p, &type));
	EXPECT_EQ(MACH_PORT_TYPE_DEAD_NAME, type);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(send_to_self_same_name)
{
	mach_port_t p = new_port();
	struct rcv_buf b;

	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND));
	/* MOVE_SEND twice on a name with one uref cannot be satisfied */
	KR_EQ(MACH_SEND_INVALID_REPLY, send_simple(p, MACH_MSG_TYPE_MOVE_SEND, p, MACH_MSG_TYPE_MOVE_SEND, 1, "x", 0, 0));
	EXPECT_EQ(1u, send_refs(p));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_SEND, 1));
	KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_MOVE_SEND, p, MACH_MSG_TYPE_MOVE_SEND, 1, "x", 0, 0));
	EXPECT_EQ(0u, send_refs(p));
	KR_EQ(MACH_MSG_SUCCESS, receive(p, &b, 0, 0));
	EXPECT_EQ(p, b.header.msgh_remote_port);
	EXPECT_EQ(1u, send_refs(p));
	/* MOVE_SEND dest with a MAKE_SEND_ONCE reply on the same name */
	KR_EQ(MACH_MSG_SUCCESS, send_simple(p, MACH_MSG_TYPE_MOVE_SEND, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, 2, "x", 0, 0));
	KR_EQ(MACH_MSG_SUCCESS, receive(p, &b, 0, 0));
	EXPECT_EQ(MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, MACH_MSG_TYPE_PORT_SEND), b.header.msgh_bits);
	mach_msg_destroy(&b.header);
	EXPECT_EQ(SEND_ONCE_NOTE, mp_next_id(p));
	EXPECT_EQ(0u, status_of(p).mps_sorights);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST_HARNESS_MAIN
