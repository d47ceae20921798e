// SPDX-License-Identifier: GPL-2.0
/*
 * Complex messages: port descriptors (every disposition, NULL/DEAD),
 * out-of-line memory (snapshot at send, deallocate, sizes up to 64 MiB),
 * out-of-line port arrays, errors, and receive rights in transit.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mach/mach.h>

#include "kselftest_harness.h"
#include "util.h"

#define SELF mach_task_self()

struct port_msg {
	mach_msg_header_t header;
	mach_msg_body_t body;
	mach_msg_port_descriptor_t port[2];
	int tail;
};

struct ool_msg {
	mach_msg_header_t header;
	mach_msg_body_t body;
	mach_msg_ool_descriptor_t ool;
	mach_msg_ool_ports_descriptor_t ports;
};

union rcv {
	mach_msg_header_t header;
	struct port_msg p;
	struct ool_msg o;
	char buf[1024];
};

static mach_msg_return_t send_ports_d(mach_port_t dest,
				      mach_msg_type_name_t ddisp, mach_port_t a,
				      mach_msg_type_name_t da, mach_port_t b,
				      mach_msg_type_name_t db)
{
	struct port_msg m;

	memset(&m, 0, sizeof(m));
	m.header.msgh_bits = MACH_MSGH_BITS(ddisp, 0) | MACH_MSGH_BITS_COMPLEX;
	m.header.msgh_remote_port = dest;
	m.header.msgh_id = 7;
	m.body.msgh_descriptor_count = 2;
	m.port[0].name = a;
	m.port[0].disposition = da;
	m.port[0].type = MACH_MSG_PORT_DESCRIPTOR;
	m.port[1].name = b;
	m.port[1].disposition = db;
	m.port[1].type = MACH_MSG_PORT_DESCRIPTOR;
	m.tail = 0x5a5a;
	return mach_msg(&m.header, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(m),
			0, 0, 0, 0);
}

static mach_msg_return_t send_ports(mach_port_t dest, mach_port_t a,
				    mach_msg_type_name_t da, mach_port_t b,
				    mach_msg_type_name_t db)
{
	return send_ports_d(dest, MACH_MSG_TYPE_MAKE_SEND, a, da, b, db);
}

static mach_msg_return_t rcv(mach_port_t p, union rcv *r)
{
	memset(r, 0, sizeof(*r));
	return mach_msg(&r->header, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0,
			sizeof(*r), p, 0, 0);
}

TEST(port_descriptors)
{
	mach_port_t p = new_port(), q = new_port();
	union rcv r;

	KR_EQ(MACH_MSG_SUCCESS, send_ports(p, q, MACH_MSG_TYPE_MAKE_SEND, q, MACH_MSG_TYPE_MAKE_SEND_ONCE));
	EXPECT_EQ(1u, status_of(q).mps_mscount);
	KR_EQ(MACH_MSG_SUCCESS, rcv(p, &r));
	EXPECT_TRUE(r.header.msgh_bits & MACH_MSGH_BITS_COMPLEX);
	EXPECT_EQ(2u, r.p.body.msgh_descriptor_count);
	EXPECT_EQ(q, r.p.port[0].name) TH_LOG("a send right merges into q's name");
	EXPECT_EQ(MACH_MSG_TYPE_PORT_SEND, (unsigned int)r.p.port[0].disposition);
	EXPECT_EQ(MACH_MSG_TYPE_PORT_SEND_ONCE, (unsigned int)r.p.port[1].disposition);
	EXPECT_EQ(MACH_PORT_TYPE_SEND_ONCE, type_of(r.p.port[1].name));
	EXPECT_EQ(0x5a5a, r.p.tail);
	mach_msg_destroy(&r.header);
	EXPECT_EQ(MACH_PORT_TYPE_RECEIVE, type_of(q));
	EXPECT_EQ(SEND_ONCE_NOTE, mp_next_id(q));
	EXPECT_EQ(0u, status_of(q).mps_sorights);
	/* NULL and DEAD pass through */
	KR_EQ(MACH_MSG_SUCCESS, send_ports(p, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_DEAD, MACH_MSG_TYPE_MOVE_SEND));
	KR_EQ(MACH_MSG_SUCCESS, rcv(p, &r));
	EXPECT_EQ(MACH_PORT_NULL, r.p.port[0].name);
	EXPECT_EQ(MACH_PORT_DEAD, r.p.port[1].name);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, q));
}

TEST(move_receive)
{
	mach_port_t p = new_port(), q = new_port();
	union rcv r;
	struct { mach_msg_header_t h; char b[32]; } m;

	/* queue a message on q, then move q's receive right */
	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.h.msgh_remote_port = q;
	m.h.msgh_id = 42;
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, q, q, MACH_MSG_TYPE_MAKE_SEND));
	EXPECT_EQ(2u, status_of(q).mps_mscount);
	KR_EQ(MACH_MSG_SUCCESS, send_ports(p, q, MACH_MSG_TYPE_MOVE_RECEIVE, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND));
	/* the send right stays under q's name */
	EXPECT_EQ(MACH_PORT_TYPE_SEND, type_of(q));
	KR_EQ(MACH_MSG_SUCCESS, rcv(p, &r));
	EXPECT_EQ(MACH_MSG_TYPE_PORT_RECEIVE, (unsigned int)r.p.port[0].disposition);
	/* received into the same space: merges with the send right */
	EXPECT_EQ(q, r.p.port[0].name);
	EXPECT_EQ(MACH_PORT_TYPE_SEND_RECEIVE, type_of(q));
	/* queued messages travelled with it; counters were reset */
	EXPECT_EQ(1u, status_of(q).mps_msgcount);
	EXPECT_EQ(0u, status_of(q).mps_mscount);
	EXPECT_EQ(0u, status_of(q).mps_seqno);
	KR_EQ(MACH_MSG_SUCCESS, rcv(q, &r));
	EXPECT_EQ(42, r.header.msgh_id);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, q));
}

TEST(receive_right_to_its_own_port)
{
	mach_port_t p = new_port();
	long ports = mp_count("ports");

	/* XNU destroys the message: the port dies, nothing leaks or hangs */
	KR_EQ(MACH_MSG_SUCCESS, send_ports(p, p, MACH_MSG_TYPE_MOVE_RECEIVE, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND));
	EXPECT_EQ(~0u, type_of(p)) TH_LOG("the name went with the receive right");
	EXPECT_EQ(ports - 1, mp_count("ports"));
}

TEST(receive_right_cycle)
{
	mach_port_t a = new_port(), b = new_port();
	long ports = mp_count("ports");

	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, a, a, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, b, b, MACH_MSG_TYPE_MAKE_SEND));
	/* a inside b, then b inside a: the second message is destroyed */
	KR_EQ(MACH_MSG_SUCCESS, send_ports_d(b, MACH_MSG_TYPE_COPY_SEND, a, MACH_MSG_TYPE_MOVE_RECEIVE, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND));
	KR_EQ(MACH_MSG_SUCCESS, send_ports_d(a, MACH_MSG_TYPE_COPY_SEND, b, MACH_MSG_TYPE_MOVE_RECEIVE, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND));
	EXPECT_EQ(MACH_PORT_TYPE_DEAD_NAME, type_of(a));
	EXPECT_EQ(MACH_PORT_TYPE_DEAD_NAME, type_of(b));
	EXPECT_EQ(ports - 2, mp_count("ports"));
	mach_port_destroy(SELF, a);
	mach_port_destroy(SELF, b);
}

TEST(nested_receive_rights_die_together)
{
	mach_port_t p[8];
	long ports;
	int i;

	for (i = 0; i < 8; i++) {
		p[i] = new_port();
		mach_port_insert_right(SELF, p[i], p[i], MACH_MSG_TYPE_MAKE_SEND);
	}
	ports = mp_count("ports");
	/* p[i+1] goes inside p[i]: a chain hanging off p[0] */
	for (i = 6; i >= 0; i--)
		KR_EQ(MACH_MSG_SUCCESS, send_ports_d(p[i], MACH_MSG_TYPE_COPY_SEND, p[i + 1], MACH_MSG_TYPE_MOVE_RECEIVE, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p[0], MACH_PORT_RIGHT_RECEIVE, -1));
	/* every port of the chain died: the send rights read as dead names */
	for (i = 0; i < 8; i++)
		EXPECT_EQ(MACH_PORT_TYPE_DEAD_NAME, type_of(p[i]));
	for (i = 0; i < 8; i++)
		mach_port_destroy(SELF, p[i]);
	EXPECT_EQ(ports - 8, mp_count("ports"));
}

TEST(body_errors)
{
	mach_port_t p = new_port(), r = new_port();
	struct port_msg m;

	memset(&m, 0, sizeof(m));
	m.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE) | MACH_MSGH_BITS_COMPLEX;
	m.header.msgh_remote_port = p;
	m.header.msgh_local_port = r;
	m.body.msgh_descriptor_count = 1;
	m.port[0].type = 9;
	m.port[0].disposition = MACH_MSG_TYPE_COPY_SEND;
	/* a bad type consumes nothing */
	KR_EQ(MACH_SEND_INVALID_TYPE, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	EXPECT_EQ(0u, status_of(p).mps_mscount);
	EXPECT_EQ(0u, status_of(r).mps_sorights);
	m.port[0].type = MACH_MSG_PORT_DESCRIPTOR;
	m.port[0].disposition = 3;
	KR_EQ(MACH_SEND_INVALID_TYPE, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	/* too many descriptors for the size */
	m.body.msgh_descriptor_count = 100;
	KR_EQ(MACH_SEND_MSG_TOO_SMALL, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	/* a bad right releases the header rights already taken */
	m.body.msgh_descriptor_count = 1;
	m.port[0].disposition = MACH_MSG_TYPE_COPY_SEND;
	m.port[0].name = 0x777703;
	KR_EQ(MACH_SEND_INVALID_RIGHT, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	EXPECT_EQ(1u, status_of(p).mps_mscount);
	EXPECT_EQ(0, status_of(p).mps_srights);
	EXPECT_EQ(SEND_ONCE_NOTE, mp_next_id(r));
	EXPECT_EQ(0u, status_of(r).mps_sorights);
	EXPECT_EQ(0u, status_of(p).mps_msgcount);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, r));
}

static mach_msg_return_t send_ool(mach_port_t dest, void *addr, mach_msg_size_t size,
				  boolean_t dealloc, mach_msg_copy_options_t copy,
				  mach_port_t *names, mach_msg_size_t count,
				  mach_msg_type_name_t disp)
{
	struct ool_msg m;

	memset(&m, 0, sizeof(m));
	m.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m.header.msgh_remote_port = dest;
	m.body.msgh_descriptor_count = 2;
	m.ool.address = addr;
	m.ool.size = size;
	m.ool.deallocate = dealloc;
	m.ool.copy = copy;
	m.ool.type = MACH_MSG_OOL_DESCRIPTOR;
	m.ports.address = names;
	m.ports.count = count;
	m.ports.disposition = disp;
	m.ports.copy = MACH_MSG_PHYSICAL_COPY;
	m.ports.type = MACH_MSG_OOL_PORTS_DESCRIPTOR;
	return mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0);
}

TEST(ool_memory)
{
	mach_port_t p = new_port();
	mach_msg_size_t sizes[] = { 0, 1, 4095, 4096, 100000, 1 << 20 };
	union rcv r;
	unsigned int i, j;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		vm_address_t buf = 0;
		unsigned char *got;

		KR_EQ(KERN_SUCCESS, vm_allocate(SELF, &buf, sizes[i] ? sizes[i] : 1, VM_FLAGS_ANYWHERE));
		for (j = 0; j < sizes[i]; j++)
			((unsigned char *)buf)[j] = (unsigned char)(j * 13 + i);
		KR_EQ(MACH_MSG_SUCCESS, send_ool(p, (void *)buf, sizes[i], FALSE, MACH_MSG_VIRTUAL_COPY, NULL, 0, MACH_MSG_TYPE_COPY_SEND));
		/* the receiver sees the bytes as they were at send time */
		if (sizes[i])
			memset((void *)buf, 0xee, sizes[i]);
		KR_EQ(MACH_MSG_SUCCESS, rcv(p, &r));
		EXPECT_EQ(sizes[i], r.o.ool.size);
		got = r.o.ool.address;
		if (!sizes[i])
			EXPECT_EQ(NULL, got);
		for (j = 0; j < sizes[i]; j++)
			if (got[j] != (unsigned char)(j * 13 + i))
				break;
		EXPECT_EQ(sizes[i], j);
		EXPECT_NE((void *)buf, (void *)got);
		mach_msg_destroy(&r.header);
		vm_deallocate(SELF, buf, sizes[i] ? sizes[i] : 1);
	}
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(ool_deallocate_and_big)
{
	mach_port_t p = new_port();
	size_t size = 64u << 20;
	vm_address_t buf = 0;
	union rcv r;
	unsigned char *got;

	KR_EQ(KERN_SUCCESS, vm_allocate(SELF, &buf, size, VM_FLAGS_ANYWHERE));
	memset((void *)buf, 0x3c, size);
	((unsigned char *)buf)[size - 1] = 0x7e;
	KR_EQ(MACH_MSG_SUCCESS, send_ool(p, (void *)buf, (mach_msg_size_t)size, TRUE, MACH_MSG_VIRTUAL_COPY, NULL, 0, MACH_MSG_TYPE_COPY_SEND));
	/* deallocate: the sender's range is gone */
	EXPECT_EQ(-1, msync((void *)buf, 4096, MS_ASYNC));
	KR_EQ(MACH_MSG_SUCCESS, rcv(p, &r));
	got = r.o.ool.address;
	EXPECT_EQ(size, r.o.ool.size);
	EXPECT_EQ(0x3c, got[0]);
	EXPECT_EQ(0x3c, got[size / 2]);
	EXPECT_EQ(0x7e, got[size - 1]);
	mach_msg_destroy(&r.header);
	EXPECT_EQ(-1, msync(got, 4096, MS_ASYNC)) TH_LOG("mach_msg_destroy frees OOL memory");
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

/*
 * A large region arrives mapped copy-on-write: the receiver writes its own
 * copy, the rest of the last page reads as zero, a page dropped with
 * MADV_DONTNEED comes back with the bytes that were sent, a forked child
 * sees the same bytes and writes its own copy, and nothing is left behind.
 */
TEST(ool_region_copy_on_write)
{
	mach_port_t p = new_port();
	size_t size = 300000, len = (size + 4095) & ~(size_t)4095, j;
	unsigned char *buf = malloc(size), *got;
	long ports = mp_count("ports");
	union rcv r;
	pid_t pid;
	int st;

	ASSERT_NE(NULL, buf);
	for (j = 0; j < size; j++)
		buf[j] = (unsigned char)(j * 7 + 1);
	KR_EQ(MACH_MSG_SUCCESS, send_ool(p, buf, (mach_msg_size_t)size, FALSE, MACH_MSG_VIRTUAL_COPY, NULL, 0, MACH_MSG_TYPE_COPY_SEND));
	KR_EQ(MACH_MSG_SUCCESS, rcv(p, &r));
	got = r.o.ool.address;
	for (j = size; j < len; j++)
		if (got[j])
			break;
	EXPECT_EQ(len, j) TH_LOG("the end of the last page is not zero");
	got[0] = 0x55;
	got[size - 1] = 0xaa;
	EXPECT_EQ(0x55, got[0]);
	EXPECT_EQ((unsigned char)((size - 1) * 7 + 1), buf[size - 1]);
	pid = fork();
	if (pid == 0) {
		if (got[0] != 0x55 || got[1] != 8)
			_exit(1);
		got[1] = 0;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	EXPECT_EQ(8, got[1]) TH_LOG("the child's write reached the parent");
	ASSERT_EQ(0, madvise(got, len, MADV_DONTNEED));
	for (j = 0; j < size; j++)
		if (got[j] != (unsigned char)(j * 7 + 1))
			break;
	EXPECT_EQ(size, j) TH_LOG("a dropped page came back different at %zu", j);
	mach_msg_destroy(&r.header);
	free(buf);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
	EXPECT_EQ(ports - 1, mp_count("ports"));
}

TEST(ool_errors)
{
	mach_port_t p = new_port();
	mach_port_t bad[1] = { 0x777703 };

	KR_EQ(MACH_SEND_INVALID_MEMORY, send_ool(p, (void *)16, 4096, FALSE, MACH_MSG_VIRTUAL_COPY, NULL, 0, MACH_MSG_TYPE_COPY_SEND));
	KR_EQ(MACH_SEND_INVALID_MEMORY, send_ool(p, NULL, 0, FALSE, MACH_MSG_VIRTUAL_COPY, (mach_port_t *)16, 4, MACH_MSG_TYPE_COPY_SEND));
	KR_EQ(MACH_SEND_INVALID_RIGHT, send_ool(p, NULL, 0, FALSE, MACH_MSG_VIRTUAL_COPY, bad, 1, MACH_MSG_TYPE_COPY_SEND));
	KR_EQ(MACH_SEND_INVALID_TYPE, send_ool(p, NULL, 0, FALSE, 7, NULL, 0, MACH_MSG_TYPE_COPY_SEND));
	KR_EQ(MACH_SEND_TOO_LARGE, send_ool(p, NULL, 0x7fffffff, FALSE, MACH_MSG_VIRTUAL_COPY, NULL, 0, MACH_MSG_TYPE_COPY_SEND));
	EXPECT_EQ(0u, status_of(p).mps_msgcount);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

/* Counts and sizes chosen to overflow 32-bit arithmetic. */
TEST(overflowing_counts)
{
	mach_port_t p = new_port();
	struct {
		mach_msg_header_t header;
		mach_msg_body_t body;
		mach_msg_ool_descriptor_t ool[2];
	} m;

	memset(&m, 0, sizeof(m));
	m.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
	m.header.msgh_remote_port = p;
	m.body.msgh_descriptor_count = 0xffffffff;
	KR_EQ(MACH_SEND_MSG_TOO_SMALL, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	m.body.msgh_descriptor_count = 0x15555556;	/* x12 wraps to 8 */
	KR_EQ(MACH_SEND_MSG_TOO_SMALL, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	m.body.msgh_descriptor_count = 2;
	m.ool[0].type = m.ool[1].type = MACH_MSG_OOL_DESCRIPTOR;
	m.ool[0].size = m.ool[1].size = 0x80000000;	/* sum wraps to 0 */
	m.ool[0].address = m.ool[1].address = (void *)4096;
	KR_EQ(MACH_SEND_TOO_LARGE, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	m.ool[1].type = MACH_MSG_OOL_PORTS_DESCRIPTOR;
	m.ool[1].size = 0x40000001;	/* count x 4 wraps */
	m.ool[1].pad1 = MACH_MSG_TYPE_COPY_SEND;	/* the disposition byte */
	m.ool[0].size = 0;
	KR_EQ(MACH_SEND_TOO_LARGE, mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	EXPECT_EQ(0u, status_of(p).mps_msgcount);
	EXPECT_EQ(0u, status_of(p).mps_mscount);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(ool_ports)
{
	mach_port_t p = new_port(), q[4];
	mach_port_t names[6];
	union rcv r;
	mach_port_t *got;
	int i;

	for (i = 0; i < 4; i++)
		names[i] = q[i] = new_port();
	names[4] = MACH_PORT_NULL;
	names[5] = MACH_PORT_DEAD;
	KR_EQ(MACH_MSG_SUCCESS, send_ool(p, NULL, 0, FALSE, MACH_MSG_VIRTUAL_COPY, names, 6, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(MACH_MSG_SUCCESS, rcv(p, &r));
	EXPECT_EQ(6u, r.o.ports.count);
	EXPECT_EQ(MACH_MSG_TYPE_PORT_SEND, (unsigned int)r.o.ports.disposition);
	got = r.o.ports.address;
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(q[i], got[i]);
		EXPECT_EQ(MACH_PORT_TYPE_SEND_RECEIVE, type_of(q[i]));
	}
	EXPECT_EQ(MACH_PORT_NULL, got[4]);
	EXPECT_EQ(MACH_PORT_DEAD, got[5]);
	mach_msg_destroy(&r.header);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(MACH_PORT_TYPE_RECEIVE, type_of(q[i]));
		mach_port_destroy(SELF, q[i]);
	}
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

/* A complex message destroyed by a too-small receive releases its rights. */
TEST(too_large_complex_released)
{
	mach_port_t p = new_port(), q = new_port();
	static char data[100000];
	struct { mach_msg_header_t h; char b[8]; } small;

	KR_EQ(MACH_MSG_SUCCESS, send_ool(p, data, sizeof(data), FALSE, MACH_MSG_VIRTUAL_COPY, &q, 1, MACH_MSG_TYPE_MAKE_SEND_ONCE));
	EXPECT_EQ(1u, status_of(q).mps_sorights);
	KR_EQ(MACH_RCV_TOO_LARGE, mach_msg(&small.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(small), p, 0, 0));
	EXPECT_EQ(SEND_ONCE_NOTE, mp_next_id(q));
	EXPECT_EQ(0u, status_of(q).mps_sorights);
	EXPECT_EQ(0u, status_of(p).mps_msgcount);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, q));
}

TEST(queued_complex_destroyed_with_port)
{
	mach_port_t p = new_port(), q = new_port();
	static char data[100000];
	long ports = mp_count("ports");

	KR_EQ(MACH_MSG_SUCCESS, send_ports(p, q, MACH_MSG_TYPE_MAKE_SEND, q, MACH_MSG_TYPE_MAKE_SEND_ONCE));
	KR_EQ(MACH_MSG_SUCCESS, send_ool(p, data, sizeof(data), FALSE, MACH_MSG_PHYSICAL_COPY, &q, 1, MACH_MSG_TYPE_MAKE_SEND));
	EXPECT_EQ(1, status_of(q).mps_srights);
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
	EXPECT_EQ(0, status_of(q).mps_srights);
	EXPECT_EQ(SEND_ONCE_NOTE, mp_next_id(q));
	EXPECT_EQ(0u, status_of(q).mps_sorights);
	EXPECT_EQ(ports - 1, mp_count("ports"));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, q));
}

TEST_HARNESS_MAIN
