// SPDX-License-Identifier: GPL-2.0
/*
 * Notifications: every kind, fired by each path that fires it, within a
 * process and across processes, and the codes for bad requests.
 */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mach/mach.h>
#include <mach/notify.h>

#include "kselftest_harness.h"
#include "util.h"

#define SELF mach_task_self()

union note {
	mach_msg_header_t h;
	mach_dead_name_notification_t dead;
	mach_port_deleted_notification_t deleted;
	mach_no_senders_notification_t nosenders;
	mach_send_once_notification_t once;
	mach_port_destroyed_notification_t destroyed;
	char raw[256];
};

static mach_msg_return_t get(mach_port_t p, union note *n, mach_msg_timeout_t ms)
{
	memset(n, 0, sizeof(*n));
	return mach_msg(&n->h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(*n), p, ms, 0);
}

static mach_port_t make_so(mach_port_t p)
{
	mach_port_t so = MACH_PORT_NULL;
	mach_msg_type_name_t t;

	mach_port_extract_right(SELF, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so, &t);
	return so;
}

TEST(send_once_unused)
{
	mach_port_t p = new_port(), so = make_so(p);
	union note n;

	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, so));
	KR_EQ(MACH_MSG_SUCCESS, get(p, &n, 0));
	EXPECT_EQ(MACH_NOTIFY_SEND_ONCE, n.h.msgh_id);
	EXPECT_EQ(p, n.h.msgh_local_port);
	EXPECT_EQ(MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE), n.h.msgh_bits);
	EXPECT_EQ(sizeof(mach_msg_header_t), n.h.msgh_size);
	/* mod_refs(-1) and destroy do the same; so does a dropped reply */
	so = make_so(p);
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, so, MACH_PORT_RIGHT_SEND_ONCE, -1));
	KR_EQ(MACH_MSG_SUCCESS, get(p, &n, 0));
	EXPECT_EQ(MACH_NOTIFY_SEND_ONCE, n.h.msgh_id);
	{
		mach_port_t dest = new_port();
		struct { mach_msg_header_t h; char b[64]; } m = { 0 };
		struct { mach_msg_header_t h; } tiny;

		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
		m.h.msgh_remote_port = dest;
		m.h.msgh_local_port = p;
		KR_EQ(MACH_MSG_SUCCESS, mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
		KR_EQ(MACH_RCV_TOO_LARGE, mach_msg(&tiny.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(tiny), dest, 0, 0));
		KR_EQ(MACH_MSG_SUCCESS, get(p, &n, 0));
		EXPECT_EQ(MACH_NOTIFY_SEND_ONCE, n.h.msgh_id) TH_LOG("the dropped reply right");
		mach_port_destroy(SELF, dest);
	}
	/* a used send-once right sends nothing */
	KR_EQ(MACH_RCV_TIMED_OUT, get(p, &n, 0));
	mach_port_destroy(SELF, p);
}

TEST(no_senders)
{
	mach_port_t p = new_port(), np = new_port(), prev;
	union note n;

	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, p, MACH_NOTIFY_NO_SENDERS, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	EXPECT_EQ(MACH_PORT_NULL, prev);
	KR_EQ(MACH_RCV_TIMED_OUT, get(np, &n, 0));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, p));
	KR_EQ(MACH_MSG_SUCCESS, get(np, &n, 0));
	EXPECT_EQ(MACH_NOTIFY_NO_SENDERS, n.h.msgh_id);
	EXPECT_EQ(1u, n.nosenders.not_count);
	EXPECT_EQ(1, n.nosenders.NDR.int_rep);
	/* one-shot */
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, p));
	KR_EQ(MACH_RCV_TIMED_OUT, get(np, &n, 0));
	/* no senders now and sync <= mscount: fires at once */
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, p, MACH_NOTIFY_NO_SENDERS, 2, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(MACH_MSG_SUCCESS, get(np, &n, 0));
	EXPECT_EQ(2u, n.nosenders.not_count);
	/* sync beyond mscount: waits; the previous registration comes back */
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, p, MACH_NOTIFY_NO_SENDERS, 3, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(MACH_RCV_TIMED_OUT, get(np, &n, 0));
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, p, MACH_NOTIFY_NO_SENDERS, 0, MACH_PORT_NULL, 0, &prev));
	EXPECT_EQ(MACH_PORT_TYPE_SEND_ONCE, type_of(prev));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, prev));
	KR_EQ(MACH_MSG_SUCCESS, get(np, &n, 0));
	EXPECT_EQ(MACH_NOTIFY_SEND_ONCE, n.h.msgh_id);
	/* a made send right that dies in a destroyed message counts too */
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, p, MACH_NOTIFY_NO_SENDERS, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(MACH_MSG_SUCCESS, get(np, &n, 0));	/* fired at once */
	mach_port_destroy(SELF, p);
	mach_port_destroy(SELF, np);
}

TEST(port_deleted_and_dead_name)
{
	mach_port_t p = new_port(), np = new_port(), prev, so;
	union note n;

	/* a send-once name with a dead-name request, deallocated first */
	so = make_so(p);
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, so, MACH_NOTIFY_DEAD_NAME, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	EXPECT_EQ(MACH_PORT_TYPE_SEND_ONCE | MACH_PORT_TYPE_DNREQUEST, type_of(so));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, so));
	KR_EQ(MACH_MSG_SUCCESS, get(np, &n, 0));
	EXPECT_EQ(MACH_NOTIFY_PORT_DELETED, n.h.msgh_id);
	EXPECT_EQ(so, n.deleted.not_port);
	KR_EQ(MACH_MSG_SUCCESS, get(p, &n, 0));
	EXPECT_EQ(MACH_NOTIFY_SEND_ONCE, n.h.msgh_id);
	/* the port dies first: dead name, one more uref on the name */
	so = make_so(p);
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, so, MACH_NOTIFY_DEAD_NAME, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, -1));
	KR_EQ(MACH_MSG_SUCCESS, get(np, &n, 0));
	EXPECT_EQ(MACH_NOTIFY_DEAD_NAME, n.h.msgh_id);
	EXPECT_EQ(so, n.dead.not_port);
	EXPECT_EQ(MACH_PORT_TYPE_DEAD_NAME, type_of(so));
	{
		mach_port_urefs_t r = 0;

		mach_port_get_refs(SELF, so, MACH_PORT_RIGHT_DEAD_NAME, &r);
		EXPECT_EQ(2u, r);
	}
	/* on a dead name: only with sync, and then at once */
	KR_EQ(KERN_INVALID_ARGUMENT, mach_port_request_notification(SELF, so, MACH_NOTIFY_DEAD_NAME, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(MACH_MSG_SUCCESS, get(np, &n, 0));
	EXPECT_EQ(MACH_NOTIFY_SEND_ONCE, n.h.msgh_id) TH_LOG("the right made for the failed request");
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, so, MACH_NOTIFY_DEAD_NAME, 1, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(MACH_MSG_SUCCESS, get(np, &n, 0));
	EXPECT_EQ(MACH_NOTIFY_DEAD_NAME, n.h.msgh_id);
	mach_port_destroy(SELF, so);
	mach_port_destroy(SELF, np);
}

TEST(port_destroyed)
{
	mach_port_t p = new_port(), np = new_port(), prev;
	struct { mach_msg_header_t h; int v; } m = { 0 };
	union note n;

	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	m.h.msgh_remote_port = p;
	m.v = 99;
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	KR_EQ(KERN_INVALID_VALUE, mach_port_request_notification(SELF, p, MACH_NOTIFY_PORT_DESTROYED, 1, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, p, MACH_NOTIFY_PORT_DESTROYED, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	EXPECT_EQ(MACH_PORT_NULL, prev);
	/* instead of dying, the receive right comes back in a message */
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, -1));
	KR_EQ(MACH_MSG_SUCCESS, get(np, &n, 0));
	EXPECT_EQ(MACH_NOTIFY_PORT_DESTROYED, n.h.msgh_id);
	EXPECT_TRUE(n.h.msgh_bits & MACH_MSGH_BITS_COMPLEX);
	EXPECT_EQ(MACH_MSG_TYPE_PORT_RECEIVE, (unsigned int)n.destroyed.not_port.disposition);
	p = n.destroyed.not_port.name;
	EXPECT_EQ(MACH_PORT_TYPE_RECEIVE, type_of(p));
	/* its queue came along */
	{
		struct { mach_msg_header_t h; int v; mach_msg_trailer_t t; } r;

		KR_EQ(MACH_MSG_SUCCESS, mach_msg(&r.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(r), p, 0, 0));
		EXPECT_EQ(99, r.v);
	}
	/* one-shot: the second destruction is final */
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, -1));
	KR_EQ(MACH_RCV_TIMED_OUT, get(np, &n, 0));
	mach_port_destroy(SELF, np);
}

TEST(bad_requests)
{
	mach_port_t p = new_port(), np = new_port(), prev, d;

	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_DEAD_NAME, &d));
	KR_EQ(KERN_INVALID_VALUE, mach_port_request_notification(SELF, p, 0, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_INVALID_VALUE, mach_port_request_notification(SELF, p, MACH_NOTIFY_SEND_ONCE, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_INVALID_CAPABILITY, mach_port_request_notification(SELF, p, MACH_NOTIFY_NO_SENDERS, 0, MACH_PORT_DEAD, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_request_notification(SELF, MACH_PORT_NULL, MACH_NOTIFY_NO_SENDERS, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_INVALID_NAME, mach_port_request_notification(SELF, 0x777703, MACH_NOTIFY_NO_SENDERS, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_request_notification(SELF, d, MACH_NOTIFY_NO_SENDERS, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_INVALID_RIGHT, mach_port_request_notification(SELF, SELF, MACH_NOTIFY_PORT_DESTROYED, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_INVALID_ARGUMENT, mach_port_request_notification(SELF, MACH_PORT_NULL, MACH_NOTIFY_DEAD_NAME, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_INVALID_NAME, mach_port_request_notification(SELF, 0x777703, MACH_NOTIFY_DEAD_NAME, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_INVALID_CAPABILITY, mach_port_request_notification(SELF, p, MACH_NOTIFY_NO_SENDERS, 0, np, MACH_MSG_TYPE_MAKE_SEND, &prev));
	/* nothing was consumed by the refused requests */
	{
		mach_port_status_t st;
		mach_msg_type_number_t c = MACH_PORT_RECEIVE_STATUS_COUNT;

		mach_port_get_attributes(SELF, np, MACH_PORT_RECEIVE_STATUS, (mach_port_info_t)&st, &c);
		EXPECT_EQ(0u, st.mps_sorights);
		EXPECT_EQ(0u, st.mps_msgcount);
	}
	mach_port_destroy(SELF, p);
	mach_port_destroy(SELF, np);
	mach_port_destroy(SELF, d);
}

/* Across processes: the child's death fires what it held. */
TEST(process_exit_fires)
{
	mach_port_t bp = new_port(), np = new_port(), prev, child_port;
	union note n;
	pid_t pid;
	int status;

	mach_port_insert_right(SELF, bp, bp, MACH_MSG_TYPE_MAKE_SEND);
	task_set_special_port(SELF, TASK_BOOTSTRAP_PORT, bp);
	mach_port_deallocate(SELF, bp);
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, bp, MACH_NOTIFY_NO_SENDERS, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		mach_port_t mine = new_port(), b = MACH_PORT_NULL;
		struct {
			mach_msg_header_t h;
			mach_msg_body_t body;
			mach_msg_port_descriptor_t d;
		} m = { 0 };

		task_get_special_port(SELF, TASK_BOOTSTRAP_PORT, &b);
		/* give the parent a send right to our port, and exit */
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
		m.h.msgh_remote_port = b;
		m.body.msgh_descriptor_count = 1;
		m.d.name = mine;
		m.d.disposition = MACH_MSG_TYPE_MAKE_SEND;
		m.d.type = MACH_MSG_PORT_DESCRIPTOR;
		_exit(mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0) ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* the child's message: a send right to its (now dead) port */
	{
		struct {
			mach_msg_header_t h;
			mach_msg_body_t body;
			mach_msg_port_descriptor_t d;
			mach_msg_trailer_t t;
		} r;

		KR_EQ(MACH_MSG_SUCCESS, mach_msg(&r.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(r), bp, 1000, 0));
		child_port = r.d.name;
		EXPECT_EQ(MACH_PORT_TYPE_DEAD_NAME, type_of(child_port));
	}
	/* the child's send right to bp (inherited bootstrap) died with it,
	 * leaving only the special port's: no no-senders yet */
	KR_EQ(MACH_RCV_TIMED_OUT, get(np, &n, 0));
	KR_EQ(KERN_SUCCESS, task_set_special_port(SELF, TASK_BOOTSTRAP_PORT, MACH_PORT_NULL));
	KR_EQ(MACH_MSG_SUCCESS, get(np, &n, 1000));
	EXPECT_EQ(MACH_NOTIFY_NO_SENDERS, n.h.msgh_id);
	mach_port_destroy(SELF, child_port);
	mach_port_destroy(SELF, bp);
	mach_port_destroy(SELF, np);
}

/* A name's own request when the name goes with its receive right. */
TEST(own_request_on_receive_right)
{
	mach_port_t r = new_port(), np = new_port(), prev;
	union note n;

	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, r, MACH_NOTIFY_DEAD_NAME, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, r, MACH_PORT_RIGHT_RECEIVE, -1));
	KR_EQ(MACH_MSG_SUCCESS, get(np, &n, 0));
	EXPECT_EQ(MACH_NOTIFY_PORT_DELETED, n.h.msgh_id);
	EXPECT_EQ(r, n.deleted.not_port);
	KR_EQ(MACH_RCV_TIMED_OUT, get(np, &n, 0));
	/* with a send right too, mod_refs leaves a dead name: DEAD_NAME */
	r = new_port();
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, r, r, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, r, MACH_NOTIFY_DEAD_NAME, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, r, MACH_PORT_RIGHT_RECEIVE, -1));
	KR_EQ(MACH_MSG_SUCCESS, get(np, &n, 0));
	EXPECT_EQ(MACH_NOTIFY_DEAD_NAME, n.h.msgh_id);
	{
		mach_port_urefs_t refs = 0;

		mach_port_get_refs(SELF, r, MACH_PORT_RIGHT_DEAD_NAME, &refs);
		EXPECT_EQ(2u, refs);
	}
	mach_port_destroy(SELF, r);
	/* mach_port_destroy of a send+receive name: the whole name goes */
	r = new_port();
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, r, r, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, r, MACH_NOTIFY_DEAD_NAME, 0, np, MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, r));
	KR_EQ(MACH_MSG_SUCCESS, get(np, &n, 0));
	EXPECT_EQ(MACH_NOTIFY_PORT_DELETED, n.h.msgh_id);
	KR_EQ(MACH_RCV_TIMED_OUT, get(np, &n, 0));
	mach_port_destroy(SELF, np);
}

/*
 * Ports nested in each other's queues, each asking to get its own receive
 * right back when destroyed: destroying the outermost must not recurse
 * (the kernel stack would overflow) and must free them all.
 */
TEST(nested_port_destroyed_requests)
{
	enum { N = 300 };
	static mach_port_t r[N];
	mach_port_t prev;
	long ports;
	int i;

	for (i = 0; i < N; i++) {
		r[i] = new_port();
		KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, r[i], MACH_NOTIFY_PORT_DESTROYED, 0, r[i], MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	}
	ports = mp_count("ports");
	for (i = N - 1; i > 0; i--) {
		struct {
			mach_msg_header_t h;
			mach_msg_body_t body;
			mach_msg_port_descriptor_t d;
		} m = { 0 };

		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
		m.h.msgh_remote_port = r[i - 1];
		m.body.msgh_descriptor_count = 1;
		m.d.name = r[i];
		m.d.disposition = MACH_MSG_TYPE_MOVE_RECEIVE;
		m.d.type = MACH_MSG_PORT_DESCRIPTOR;
		KR_EQ(MACH_MSG_SUCCESS, mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	}
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, r[0]));
	EXPECT_EQ(ports - N, mp_count("ports"));
}

struct carry {
	mach_msg_header_t h;
	mach_msg_body_t body;
	mach_msg_port_descriptor_t d[2];
	mach_msg_trailer_t t;
};

/*
 * A process's exit fires what it held, across processes: its unused
 * send-once right (SEND_ONCE), its port with a port-destroyed request
 * (the receive right comes to us), its plain port (our dead-name
 * request fires).
 */
TEST(exit_paths_across_processes)
{
	mach_port_t bp = new_port(), np = new_port(), prev, dn_name, pd_name;
	int go[2], i, seen_so = 0, seen_pd = 0, seen_dn = 0;
	struct carry c;
	union note n;
	pid_t pid;

	mach_port_insert_right(SELF, bp, bp, MACH_MSG_TYPE_MAKE_SEND);
	task_set_special_port(SELF, TASK_BOOTSTRAP_PORT, bp);
	mach_port_deallocate(SELF, bp);
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		mach_port_t b = MACH_PORT_NULL, pd = new_port(), dn = new_port(), r = new_port();
		struct carry m;
		char ch;

		close(go[1]);
		task_get_special_port(SELF, TASK_BOOTSTRAP_PORT, &b);
		/* ask for two send-once rights to the parent's notify port */
		memset(&m, 0, sizeof(m));
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
		m.h.msgh_remote_port = b;
		m.h.msgh_local_port = r;
		if (mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(mach_msg_header_t), sizeof(m), r, 0, 0))
			_exit(1);
		/* d[0] goes unused; d[1] becomes pd's port-destroyed request */
		if (mach_port_request_notification(SELF, pd, MACH_NOTIFY_PORT_DESTROYED, 0, m.d[1].name,
						   MACH_MSG_TYPE_MOVE_SEND_ONCE, &prev))
			_exit(2);
		/* give the parent send rights to pd and dn */
		memset(&m, 0, sizeof(m));
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
		m.h.msgh_remote_port = b;
		m.body.msgh_descriptor_count = 2;
		m.d[0].name = pd;
		m.d[1].name = dn;
		m.d[0].disposition = m.d[1].disposition = MACH_MSG_TYPE_MAKE_SEND;
		m.d[0].type = m.d[1].type = MACH_MSG_PORT_DESCRIPTOR;
		if (mach_msg(&m.h, MACH_SEND_MSG, sizeof(m) - sizeof(m.t), 0, 0, 0, 0))
			_exit(3);
		read(go[0], &ch, 1);
		_exit(0);
	}
	/* the child's request: reply with two send-once rights to np */
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&c.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(c), bp, 5000, 0));
	{
		struct carry m;

		memset(&m, 0, sizeof(m));
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0) | MACH_MSGH_BITS_COMPLEX;
		m.h.msgh_remote_port = c.h.msgh_remote_port;
		m.body.msgh_descriptor_count = 2;
		m.d[0].name = m.d[1].name = np;
		m.d[0].disposition = m.d[1].disposition = MACH_MSG_TYPE_MAKE_SEND_ONCE;
		m.d[0].type = m.d[1].type = MACH_MSG_PORT_DESCRIPTOR;
		KR_EQ(MACH_MSG_SUCCESS, mach_msg(&m.h, MACH_SEND_MSG, sizeof(m) - sizeof(m.t), 0, 0, 0, 0));
	}
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&c.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(c), bp, 5000, 0));
	pd_name = c.d[0].name;
	dn_name = c.d[1].name;
	KR_EQ(KERN_SUCCESS, mach_port_request_notification(SELF, dn_name, MACH_NOTIFY_DEAD_NAME, 0, np,
							    MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev));
	close(go[1]);	/* the child exits */
	waitpid(pid, NULL, 0);
	for (i = 0; i < 3; i++) {
		KR_EQ(MACH_MSG_SUCCESS, get(np, &n, 2000));
		if (n.h.msgh_id == MACH_NOTIFY_SEND_ONCE)
			seen_so++;
		if (n.h.msgh_id == MACH_NOTIFY_DEAD_NAME && n.dead.not_port == dn_name)
			seen_dn++;
		if (n.h.msgh_id == MACH_NOTIFY_PORT_DESTROYED) {
			seen_pd++;
			/* the receive right joins our send right's name */
			EXPECT_EQ(pd_name, n.destroyed.not_port.name);
			EXPECT_EQ(MACH_PORT_TYPE_SEND_RECEIVE, type_of(pd_name));
		}
	}
	EXPECT_EQ(1, seen_so);
	EXPECT_EQ(1, seen_dn);
	EXPECT_EQ(1, seen_pd);
	KR_EQ(MACH_RCV_TIMED_OUT, get(np, &n, 0));
	task_set_special_port(SELF, TASK_BOOTSTRAP_PORT, MACH_PORT_NULL);
	mach_port_destroy(SELF, pd_name);
	mach_port_destroy(SELF, dn_name);
	mach_port_destroy(SELF, bp);
	mach_port_destroy(SELF, np);
	close(go[0]);
}

/*
 * Death against deallocation, across processes: the child holds send
 * rights to N of the parent's ports, each with a dead-name request, and
 * deallocates them while the parent destroys the ports. Every request
 * must produce exactly one notification: dead name or port deleted.
 */
TEST(death_races_deallocation)
{
	enum { N = 64 };
	mach_port_t bp = new_port(), ports[N];
	int sync[2], done[2], i;
	pid_t pid;
	char c;

	mach_port_insert_right(SELF, bp, bp, MACH_MSG_TYPE_MAKE_SEND);
	task_set_special_port(SELF, TASK_BOOTSTRAP_PORT, bp);
	mach_port_deallocate(SELF, bp);
	ASSERT_EQ(0, pipe(sync));
	ASSERT_EQ(0, pipe(done));
	for (i = 0; i < N; i++)
		ports[i] = new_port();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		mach_port_t b = MACH_PORT_NULL, np = new_port(), prev, names[N];
		union note n;
		int got = 0, dead = 0, deleted = 0;

		task_get_special_port(SELF, TASK_BOOTSTRAP_PORT, &b);
		for (i = 0; i < N; i++) {
			union {
				mach_msg_header_t h;
				struct {
					mach_msg_header_t h;
					mach_msg_body_t body;
					mach_msg_port_descriptor_t d;
					mach_msg_trailer_t t;
				} rep;
			} u;

			/* ask the parent for a send right to its port i */
			memset(&u, 0, sizeof(u));
			u.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
			u.h.msgh_remote_port = b;
			u.h.msgh_local_port = np;
			u.h.msgh_id = i;
			if (mach_msg(&u.h, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(u.h), sizeof(u), np, 0, 0))
				_exit(1);
			names[i] = u.rep.d.name;
			if (mach_port_request_notification(SELF, names[i], MACH_NOTIFY_DEAD_NAME, 0, np,
							   MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev))
				_exit(4);
		}
		write(sync[1], "x", 1);
		for (i = 0; i < N; i++)
			mach_port_deallocate(SELF, names[i]);
		while (get(np, &n, 2000) == MACH_MSG_SUCCESS) {
			if (n.h.msgh_id == MACH_NOTIFY_DEAD_NAME)
				dead++;
			else if (n.h.msgh_id == MACH_NOTIFY_PORT_DELETED)
				deleted++;
			got++;
		}
		printf("# dead-name %d, port-deleted %d\n", dead, deleted);
		_exit(got == N && dead + deleted == N ? 0 : 5);
	}
	/* serve the child's requests: a send right to each port */
	for (i = 0; i < N; i++) {
		struct {
			mach_msg_header_t h;
			mach_msg_body_t body;
			mach_msg_port_descriptor_t d;
		} m;
		struct { mach_msg_header_t h; mach_msg_trailer_t t; } r;

		KR_EQ(MACH_MSG_SUCCESS, mach_msg(&r.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(r), bp, 5000, 0));
		memset(&m, 0, sizeof(m));
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0) | MACH_MSGH_BITS_COMPLEX;
		m.h.msgh_remote_port = r.h.msgh_remote_port;
		m.body.msgh_descriptor_count = 1;
		m.d.name = ports[r.h.msgh_id];
		m.d.disposition = MACH_MSG_TYPE_MAKE_SEND;
		m.d.type = MACH_MSG_PORT_DESCRIPTOR;
		KR_EQ(MACH_MSG_SUCCESS, mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	}
	ASSERT_EQ(1, read(sync[0], &c, 1));
	for (i = 0; i < N; i++)
		mach_port_destroy(SELF, ports[i]);
	{
		int status;

		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	task_set_special_port(SELF, TASK_BOOTSTRAP_PORT, MACH_PORT_NULL);
	mach_port_destroy(SELF, bp);
	close(sync[0]);
	close(sync[1]);
	close(done[0]);
	close(done[1]);
}

TEST_HARNESS_MAIN
