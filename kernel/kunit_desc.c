// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: descriptor size arithmetic (desc.c). mp_desc_parse() runs on
 * crafted complex messages: descriptor counts that cannot fit the message
 * (32-bit products included), descriptors cut off by the end of the
 * message, out-of-line sizes and port counts around max_ool_size and
 * max_ool_ports (sums that would wrap in 32 bits included). Every one must
 * get its Mach error, never a read past the message (KASAN watches).
 * Parsing takes nothing from any space, so no space is needed.
 */
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/string.h>

#include "desc.h"
#include "kmsg.h"
#include "kunit.h"
#include "machport.h"

#define HDR		((u32)sizeof(struct machport_msg_header))
#define BODY		(HDR + (u32)sizeof(struct machport_msg_body))
#define PORT_SIZE	((u32)sizeof(struct machport_msg_port_descriptor))
#define OOL_SIZE	((u32)sizeof(struct machport_msg_ool_descriptor))
#define SUCCESS		MACHPORT_MSG_SUCCESS
#define TOO_SMALL	MACHPORT_SEND_MSG_TOO_SMALL
#define TOO_LARGE	MACHPORT_SEND_TOO_LARGE
#define INVALID_TYPE	MACHPORT_SEND_INVALID_TYPE

/*
 * A complex message of @size bytes (zeroed) claiming @count descriptors;
 * the descriptors are written with put_*() at their offsets.
 */
static struct mp_kmsg *complex_msg(struct kunit *test, u32 size, u32 count)
{
	struct mp_kmsg *kmsg = mp_kmsg_alloc(size);
	struct machport_msg_header *hdr;
	struct machport_msg_body *body;

	KUNIT_ASSERT_NOT_NULL(test, kmsg);
	memset(kmsg->data, 0, size);
	hdr = kmsg->data;
	hdr->bits = MACHPORT_MSGH_BITS_COMPLEX | MACHPORT_MSG_TYPE_COPY_SEND;
	hdr->size = size;
	if (size >= BODY) {
		body = kmsg->data + HDR;
		body->descriptor_count = count;
	}
	return kmsg;
}

/* Put a descriptor at @off; returns the offset after it. */
static u32 put_port(struct mp_kmsg *kmsg, u32 off)
{
	struct machport_msg_port_descriptor *d = kmsg->data + off;

	d->name = MACHPORT_NAME_NULL;
	d->disposition = MACHPORT_MSG_TYPE_COPY_SEND;
	d->type = MACHPORT_MSG_PORT_DESCRIPTOR;
	return off + PORT_SIZE;
}

static u32 put_ool(struct mp_kmsg *kmsg, u32 off, u32 size)
{
	struct machport_msg_ool_descriptor *d = kmsg->data + off;

	d->address = 0;
	d->copy = MACHPORT_MSG_VIRTUAL_COPY;
	d->size = size;
	d->type = MACHPORT_MSG_OOL_DESCRIPTOR;
	return off + OOL_SIZE;
}

static u32 put_ool_ports(struct mp_kmsg *kmsg, u32 off, u32 count)
{
	struct machport_msg_ool_ports_descriptor *d = kmsg->data + off;

	d->address = 0;
	d->disposition = MACHPORT_MSG_TYPE_COPY_SEND;
	d->count = count;
	d->type = MACHPORT_MSG_OOL_PORTS_DESCRIPTOR;
	return off + OOL_SIZE;
}

/* Parse and free; the result of the parse. */
static int parse(struct mp_kmsg *kmsg)
{
	int ret = mp_desc_parse(kmsg);

	mp_kmsg_free(kmsg);
	return ret;
}

/* A message of @n port descriptors in exactly @size bytes. */
static int parse_ports(struct kunit *test, u32 size, u32 count, u32 n)
{
	struct mp_kmsg *kmsg = complex_msg(test, size, count);
	u32 off = BODY, i;

	for (i = 0; i < n && off + PORT_SIZE <= size; i++)
		off = put_port(kmsg, off);
	return parse(kmsg);
}

static void count_vs_size(struct kunit *test)
{
	struct mp_kmsg *kmsg;
	u32 most = (4096 - BODY) / PORT_SIZE;

	/* No room for the body. */
	KUNIT_EXPECT_EQ(test, parse_ports(test, HDR, 0, 0), TOO_SMALL);
	/* A body and no descriptor. */
	kmsg = complex_msg(test, BODY, 0);
	KUNIT_EXPECT_EQ(test, mp_desc_parse(kmsg), SUCCESS);
	KUNIT_EXPECT_EQ(test, kmsg->ndesc, 0U);
	mp_kmsg_free(kmsg);
	KUNIT_EXPECT_EQ(test, parse_ports(test, BODY, 1, 0), TOO_SMALL);
	/* 12 bytes each at least. */
	kmsg = complex_msg(test, BODY + 3 * PORT_SIZE, 3);
	put_port(kmsg, put_port(kmsg, put_port(kmsg, BODY)));
	KUNIT_EXPECT_EQ(test, mp_desc_parse(kmsg), SUCCESS);
	KUNIT_EXPECT_EQ(test, kmsg->ndesc, 3U);
	KUNIT_EXPECT_EQ(test, mp_desc_rights(kmsg), 3U);
	mp_kmsg_free(kmsg);
	KUNIT_EXPECT_EQ(test, parse_ports(test, BODY + 3 * PORT_SIZE, 4, 3),
			TOO_SMALL);
	KUNIT_EXPECT_EQ(test, parse_ports(test, BODY + 3 * PORT_SIZE + 8, 4, 3),
			TOO_SMALL);
	KUNIT_EXPECT_EQ(test, parse_ports(test, 4096, most, most), SUCCESS);
	KUNIT_EXPECT_EQ(test, parse_ports(test, 4096, most + 1, most),
			TOO_SMALL);
	/* Counts whose byte size wraps in 32 bits. */
	KUNIT_EXPECT_EQ(test, parse_ports(test, 4096, U32_MAX, most), TOO_SMALL);
	KUNIT_EXPECT_EQ(test, parse_ports(test, 4096, 0x15555556, most),
			TOO_SMALL);	/* x12 = 2^32 + 8 */
	KUNIT_EXPECT_EQ(test, parse_ports(test, 4096, 0x80000000, most),
			TOO_SMALL);
	/* A message larger than the inline part of a kmsg. */
	KUNIT_EXPECT_EQ(test, parse_ports(test, MP_KMSG_INLINE + PORT_SIZE,
					  (MP_KMSG_INLINE + PORT_SIZE - BODY) /
					  PORT_SIZE, U32_MAX),
			SUCCESS);
}

/*
 * Out-of-line descriptors are 16 bytes: a count that fits at 12 bytes
 * each can still run past the end.
 */
static void count_vs_layout(struct kunit *test)
{
	struct mp_kmsg *kmsg;
	u32 off;

	/* Three OOL descriptors claimed in the room of three port ones. */
	kmsg = complex_msg(test, BODY + 3 * PORT_SIZE, 3);
	put_ool(kmsg, put_ool(kmsg, BODY, 1), 1);
	KUNIT_EXPECT_EQ(test, parse(kmsg), TOO_SMALL);

	/* Every kind, exactly in place. */
	kmsg = complex_msg(test, BODY + 2 * PORT_SIZE + 2 * OOL_SIZE, 4);
	off = put_port(kmsg, BODY);
	off = put_ool(kmsg, off, 4096);
	off = put_ool_ports(kmsg, off, 5);
	put_port(kmsg, off);
	KUNIT_EXPECT_EQ(test, mp_desc_parse(kmsg), SUCCESS);
	KUNIT_EXPECT_EQ(test, kmsg->ndesc, 4U);
	if (kmsg->ndesc == 4) {
		KUNIT_EXPECT_EQ(test, kmsg->desc[0].offset, BODY);
		KUNIT_EXPECT_EQ(test, kmsg->desc[1].offset, BODY + PORT_SIZE);
		KUNIT_EXPECT_EQ(test, kmsg->desc[1].count, 4096U);
		KUNIT_EXPECT_EQ(test, kmsg->desc[2].offset,
				BODY + PORT_SIZE + OOL_SIZE);
		KUNIT_EXPECT_EQ(test, kmsg->desc[2].count, 5U);
		KUNIT_EXPECT_EQ(test, kmsg->desc[3].offset,
				BODY + PORT_SIZE + 2 * OOL_SIZE);
	}
	KUNIT_EXPECT_EQ(test, mp_desc_rights(kmsg), 7U);
	mp_kmsg_free(kmsg);

	/* The same, four bytes short: the last one does not fit. */
	kmsg = complex_msg(test, BODY + 2 * PORT_SIZE + 2 * OOL_SIZE - 4, 4);
	off = put_port(kmsg, BODY);
	off = put_ool(kmsg, off, 4096);
	put_ool_ports(kmsg, off, 5);
	KUNIT_EXPECT_EQ(test, parse(kmsg), TOO_SMALL);
}

#define CUT_PORTS	22	/* port descriptors before the cut-off one */
#define CUT_SIZE	(BODY + CUT_PORTS * PORT_SIZE + PORT_SIZE)

/*
 * A message whose last descriptor is an out-of-line one cut off after its
 * first 12 bytes (the type byte is the 12th in every layout). The message
 * is larger than MP_KMSG_INLINE, so its bytes are a buffer of exactly
 * CUT_SIZE bytes and KASAN catches a read of the missing 4.
 */
static int parse_cut_off(struct kunit *test, u8 type)
{
	struct mp_kmsg *kmsg = complex_msg(test, CUT_SIZE, CUT_PORTS + 1);
	u32 off = BODY, i;
	u8 *raw;

	for (i = 0; i < CUT_PORTS; i++)
		off = put_port(kmsg, off);
	raw = kmsg->data + off;
	raw[9] = MACHPORT_MSG_VIRTUAL_COPY;	/* OOL: copy */
	raw[10] = MACHPORT_MSG_TYPE_COPY_SEND;	/* OOL ports: disposition */
	raw[11] = type;
	return parse(kmsg);
}

static void cut_off(struct kunit *test)
{
	int ool, ports;

	BUILD_BUG_ON(CUT_SIZE <= MP_KMSG_INLINE);
	ool = parse_cut_off(test, MACHPORT_MSG_OOL_DESCRIPTOR);
	ports = parse_cut_off(test, MACHPORT_MSG_OOL_PORTS_DESCRIPTOR);
	/*
	 * XNU checks each descriptor's full size against the end of the
	 * message before its type: MACH_SEND_MSG_TOO_SMALL, as XNU answers.
	 * Nothing is read past the end.
	 */
	KUNIT_EXPECT_EQ(test, ool, TOO_SMALL);
	KUNIT_EXPECT_EQ(test, ports, TOO_SMALL);
}

/* Types, dispositions and copy options that do not exist. */
static void bad_types(struct kunit *test)
{
	struct machport_msg_port_descriptor *pd;
	struct machport_msg_ool_descriptor *od;
	struct machport_msg_ool_ports_descriptor *opd;
	struct mp_kmsg *kmsg;
	u32 off;

	/* A bad second descriptor after a good one. */
	kmsg = complex_msg(test, BODY + 2 * PORT_SIZE, 2);
	pd = kmsg->data + put_port(kmsg, BODY);
	put_port(kmsg, BODY + PORT_SIZE);
	pd->type = 9;
	KUNIT_EXPECT_EQ(test, parse(kmsg), INVALID_TYPE);

	kmsg = complex_msg(test, BODY + PORT_SIZE, 1);
	pd = kmsg->data + BODY;
	put_port(kmsg, BODY);
	pd->type = MACHPORT_MSG_GUARDED_PORT_DESCRIPTOR;	/* not served */
	KUNIT_EXPECT_EQ(test, parse(kmsg), INVALID_TYPE);

	kmsg = complex_msg(test, BODY + PORT_SIZE, 1);
	pd = kmsg->data + BODY;
	put_port(kmsg, BODY);
	pd->disposition = MACHPORT_MSG_TYPE_MAKE_SEND_ONCE + 1;
	KUNIT_EXPECT_EQ(test, parse(kmsg), INVALID_TYPE);

	kmsg = complex_msg(test, BODY + OOL_SIZE, 1);
	od = kmsg->data + BODY;
	put_ool(kmsg, BODY, 8);
	od->copy = MACHPORT_MSG_VIRTUAL_COPY + 1;
	KUNIT_EXPECT_EQ(test, parse(kmsg), INVALID_TYPE);

	kmsg = complex_msg(test, BODY + OOL_SIZE, 1);
	opd = kmsg->data + BODY;
	put_ool_ports(kmsg, BODY, 1);
	opd->disposition = 0;
	KUNIT_EXPECT_EQ(test, parse(kmsg), INVALID_TYPE);

	/* OOL volatile counts as OOL. */
	kmsg = complex_msg(test, BODY + OOL_SIZE, 1);
	od = kmsg->data + BODY;
	off = put_ool(kmsg, BODY, 8);
	od->type = MACHPORT_MSG_OOL_VOLATILE_DESCRIPTOR;
	KUNIT_EXPECT_EQ(test, off, BODY + OOL_SIZE);
	KUNIT_EXPECT_EQ(test, parse(kmsg), SUCCESS);
}

/* Two OOL regions of @a and @b bytes. */
static int parse_ool2(struct kunit *test, u32 a, u32 b)
{
	struct mp_kmsg *kmsg = complex_msg(test, BODY + 2 * OOL_SIZE, 2);

	put_ool(kmsg, put_ool(kmsg, BODY, a), b);
	return parse(kmsg);
}

/* Two OOL port arrays of @a and @b names. */
static int parse_ports2(struct kunit *test, u32 a, u32 b)
{
	struct mp_kmsg *kmsg = complex_msg(test, BODY + 2 * OOL_SIZE, 2);

	put_ool_ports(kmsg, put_ool_ports(kmsg, BODY, a), b);
	return parse(kmsg);
}

static void ool_size_limit(struct kunit *test)
{
	u32 max;

	if (mp_max_ool_size >= U32_MAX)
		kunit_skip(test, "max_ool_size %lu: no u32 size exceeds it",
			   mp_max_ool_size);
	max = mp_max_ool_size;
	KUNIT_EXPECT_EQ(test, parse_ool2(test, max, 0), SUCCESS);
	KUNIT_EXPECT_EQ(test, parse_ool2(test, max + 1, 0), TOO_LARGE);
	KUNIT_EXPECT_EQ(test, parse_ool2(test, max - 1, 1), SUCCESS);
	KUNIT_EXPECT_EQ(test, parse_ool2(test, max, 1), TOO_LARGE);
	KUNIT_EXPECT_EQ(test, parse_ool2(test, max / 2 + 1, max / 2), TOO_LARGE);
	KUNIT_EXPECT_EQ(test, parse_ool2(test, U32_MAX, 0), TOO_LARGE);
	/* Sums that wrap in 32 bits: 2^32 and 2^32 + 1. */
	KUNIT_EXPECT_EQ(test, parse_ool2(test, 0x80000000, 0x80000000),
			TOO_LARGE);
	KUNIT_EXPECT_EQ(test, parse_ool2(test, U32_MAX, 2), TOO_LARGE);
}

static void ool_ports_limit(struct kunit *test)
{
	u32 max = mp_max_ool_ports;
	struct mp_kmsg *kmsg;

	KUNIT_EXPECT_EQ(test, parse_ports2(test, max, 0), SUCCESS);
	KUNIT_EXPECT_EQ(test, parse_ports2(test, max - 1, 1), SUCCESS);
	KUNIT_EXPECT_EQ(test, parse_ports2(test, max, 1), TOO_LARGE);
	if (max < U32_MAX)
		KUNIT_EXPECT_EQ(test, parse_ports2(test, max + 1, 0), TOO_LARGE);
	KUNIT_EXPECT_EQ(test, parse_ports2(test, U32_MAX, 0), TOO_LARGE);
	KUNIT_EXPECT_EQ(test, parse_ports2(test, 0x80000000, 0x80000000),
			TOO_LARGE);
	KUNIT_EXPECT_EQ(test, parse_ports2(test, U32_MAX, 1), TOO_LARGE);

	/* Bytes and names have separate limits: both at theirs. */
	kmsg = complex_msg(test, BODY + 2 * OOL_SIZE, 2);
	put_ool_ports(kmsg, put_ool(kmsg, BODY, min_t(unsigned long,
						      mp_max_ool_size,
						      U32_MAX)), max);
	KUNIT_EXPECT_EQ(test, mp_desc_parse(kmsg), SUCCESS);
	KUNIT_EXPECT_EQ(test, mp_desc_rights(kmsg), max);
	mp_kmsg_free(kmsg);
}

/* MACH_RCV_TRAILER_ELEMENTS 0-4 and 7, and what larger values get. */
static void trailer_sizes(struct kunit *test)
{
	static const u32 size[16] = {
		8, 12, 20, 52, 60, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68, 68
	};
	u32 e;

	for (e = 0; e < ARRAY_SIZE(size); e++)
		KUNIT_EXPECT_EQ(test, mp_kmsg_trailer_size(e << 24), size[e]);
	KUNIT_EXPECT_EQ(test, (u32)sizeof(struct machport_msg_trailer), 68U);
}

static struct kunit_case desc_cases[] = {
	KUNIT_CASE(count_vs_size),
	KUNIT_CASE(count_vs_layout),
	KUNIT_CASE(cut_off),
	KUNIT_CASE(bad_types),
	KUNIT_CASE(ool_size_limit),
	KUNIT_CASE(ool_ports_limit),
	KUNIT_CASE(trailer_sizes),
	{}
};

static struct kunit_suite desc_suite = {
	.name = "machport_desc",
	.suite_init = mp_kunit_suite_init,
	.suite_exit = mp_kunit_suite_exit,
	.test_cases = desc_cases,
};

kunit_test_suites(&desc_suite);
