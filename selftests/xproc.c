// SPDX-License-Identifier: GPL-2.0
/*
 * Across processes: special ports inherited over fork(), rights and
 * out-of-line memory carried in messages between a parent and its
 * children, receive rights moving between processes, death of the
 * receiving process, and a many-client RPC stress run.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mach/mach.h>
#include <servers/bootstrap.h>

#include "kselftest_harness.h"
#include "util.h"

#define SELF mach_task_self()

struct port_msg {
	mach_msg_header_t header;
	mach_msg_body_t body;
	mach_msg_port_descriptor_t port;
	mach_msg_ool_descriptor_t ool;
	int value;
};

struct rpc_msg {
	mach_msg_header_t header;
	int value;
	char pad[60];
};

union rcv {
	mach_msg_header_t header;
	struct port_msg p;
	struct rpc_msg r;
	char buf[512];
};

/* Send a right (and optionally OOL bytes) to @dest. */
static mach_msg_return_t give(mach_port_t dest, mach_port_t right,
			      mach_msg_type_name_t disp, void *ool,
			      mach_msg_size_t ool_size, int value)
{
	struct port_msg m;

	memset(&m, 0, sizeof(m));
	m.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) |
			     MACH_MSGH_BITS_COMPLEX;
	m.header.msgh_remote_port = dest;
	m.body.msgh_descriptor_count = 2;
	m.port.name = right;
	m.port.disposition = disp;
	m.port.type = MACH_MSG_PORT_DESCRIPTOR;
	m.ool.address = ool;
	m.ool.size = ool_size;
	m.ool.copy = MACH_MSG_VIRTUAL_COPY;
	m.ool.type = MACH_MSG_OOL_DESCRIPTOR;
	m.value = value;
	return mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0);
}

static mach_msg_return_t rcv(mach_port_t p, union rcv *r, mach_msg_timeout_t ms)
{
	memset(r, 0, sizeof(*r));
	return mach_msg(&r->header, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0,
			sizeof(*r), p, ms, 0);
}

/* The parent's port that children reach through their bootstrap port. */
static mach_port_t set_bootstrap(void)
{
	mach_port_t p = new_port();

	mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND);
	task_set_special_port(SELF, TASK_BOOTSTRAP_PORT, p);
	mach_port_deallocate(SELF, p);	/* the special port keeps a right */
	return p;
}

static mach_port_t child_bootstrap(void)
{
	mach_port_t bp = MACH_PORT_NULL;

	task_get_special_port(SELF, TASK_BOOTSTRAP_PORT, &bp);
	return bp;
}

TEST(special_ports)
{
	mach_port_t p = new_port(), got;

	/* The namespace's registry, which the library already named. */
	KR_EQ(KERN_SUCCESS, task_get_special_port(SELF, TASK_BOOTSTRAP_PORT, &got));
	EXPECT_EQ(bootstrap_port, got);
	KR_EQ(KERN_SUCCESS, task_get_special_port(SELF, TASK_KERNEL_PORT, &got));
	EXPECT_EQ(SELF, got);
	KR_EQ(KERN_INVALID_ARGUMENT, task_get_special_port(SELF, 0, &got));
	KR_EQ(KERN_INVALID_ARGUMENT, task_get_special_port(SELF, 12, &got));
	KR_EQ(MACH_SEND_INVALID_RIGHT, task_set_special_port(SELF, TASK_BOOTSTRAP_PORT, p));
	KR_EQ(MACH_SEND_INVALID_DEST, task_get_special_port(MACH_PORT_NULL, TASK_BOOTSTRAP_PORT, &got));
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(KERN_SUCCESS, task_set_special_port(SELF, TASK_BOOTSTRAP_PORT, p));
	KR_EQ(KERN_SUCCESS, mach_port_deallocate(SELF, p));
	KR_EQ(KERN_SUCCESS, task_get_special_port(SELF, TASK_BOOTSTRAP_PORT, &got));
	EXPECT_EQ(p, got);
	KR_EQ(KERN_SUCCESS, task_set_special_port(SELF, TASK_BOOTSTRAP_PORT, MACH_PORT_NULL));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, p));
}

TEST(child_inherits_bootstrap_and_talks)
{
	mach_port_t bp = set_bootstrap();
	union rcv r;
	pid_t pid;
	int status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		mach_port_t mine = child_bootstrap();

		if (!MACH_PORT_VALID(mine))
			_exit(1);
		_exit(give(mine, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, NULL, 0, getpid()) ? 2 : 0);
	}
	memset(&r, 0, sizeof(r));
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&r.header, MACH_RCV_MSG | MACH_RCV_TIMEOUT |
		MACH_RCV_TRAILER_TYPE(MACH_MSG_TRAILER_FORMAT_0) |
		MACH_RCV_TRAILER_ELEMENTS(MACH_RCV_TRAILER_AUDIT), 0, sizeof(r), bp, 5000, 0));
	EXPECT_EQ(pid, r.p.value);
	EXPECT_EQ((unsigned int)pid, ((mach_msg_audit_trailer_t *)((char *)&r + r.header.msgh_size))->msgh_audit.val[5] | 0u);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* A child serving echo RPCs on a port it announces to the parent. */
static void echo_child(int rounds)
{
	mach_port_t bp = child_bootstrap(), s = new_port();
	union rcv r;
	int i;

	if (give(bp, s, MACH_MSG_TYPE_MAKE_SEND, NULL, 0, 0))
		_exit(1);
	for (i = 0; i < rounds; i++) {
		if (mach_msg(&r.header, MACH_RCV_MSG, 0, sizeof(r), s, 0, 0))
			_exit(2);
		r.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
		r.header.msgh_local_port = MACH_PORT_NULL;
		r.r.value++;
		if (mach_msg(&r.header, MACH_SEND_MSG, sizeof(struct rpc_msg), 0, 0, 0, 0))
			_exit(3);
	}
	_exit(0);
}

static mach_msg_return_t call(mach_port_t server, mach_port_t reply, int *value)
{
	union rcv r;
	mach_msg_return_t mr;

	memset(&r, 0, sizeof(r));
	r.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	r.header.msgh_remote_port = server;
	r.header.msgh_local_port = reply;
	r.r.value = *value;
	mr = mach_msg(&r.header, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(struct rpc_msg),
		      sizeof(r), reply, 0, 0);
	*value = r.r.value;
	return mr;
}

TEST(rpc_across_processes_and_death)
{
	mach_port_t bp = set_bootstrap(), server, reply = mach_reply_port();
	mach_port_type_t t;
	union rcv r;
	pid_t pid;
	int i, status, v;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		echo_child(100);
	KR_EQ(MACH_MSG_SUCCESS, rcv(bp, &r, 5000));
	server = r.p.port.name;
	EXPECT_EQ(MACH_MSG_TYPE_PORT_SEND, (unsigned int)r.p.port.disposition);
	for (i = 0; i < 100; i++) {
		v = i;
		KR_EQ(MACH_MSG_SUCCESS, call(server, reply, &v));
		EXPECT_EQ(i + 1, v);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* the receiver exited: our send right is a dead name now */
	KR_EQ(KERN_SUCCESS, mach_port_type(SELF, server, &t));
	EXPECT_EQ(MACH_PORT_TYPE_DEAD_NAME, t);
	v = 0;
	KR_EQ(MACH_SEND_INVALID_DEST, call(server, reply, &v));
}

TEST(receive_right_moves_to_parent)
{
	mach_port_t bp = set_bootstrap();
	union rcv r;
	pid_t pid;
	int status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		mach_port_t q = new_port(), mine = child_bootstrap();

		/* a message waits on q, then q's receive right leaves */
		if (give(q, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, NULL, 0, 77) != MACH_SEND_INVALID_DEST)
			_exit(1);	/* no send right yet: COPY_SEND fails */
		mach_port_insert_right(SELF, q, q, MACH_MSG_TYPE_MAKE_SEND);
		if (give(q, MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, NULL, 0, 77))
			_exit(2);
		if (give(mine, q, MACH_MSG_TYPE_MOVE_RECEIVE, NULL, 0, 1))
			_exit(3);
		_exit(0);	/* our send right to q dies with us, q lives on */
	}
	KR_EQ(MACH_MSG_SUCCESS, rcv(bp, &r, 5000));
	EXPECT_EQ(MACH_MSG_TYPE_PORT_RECEIVE, (unsigned int)r.p.port.disposition);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	{
		mach_port_t q = r.p.port.name;

		KR_EQ(MACH_MSG_SUCCESS, rcv(q, &r, 1000));
		EXPECT_EQ(77, r.p.value);
		KR_EQ(KERN_SUCCESS, mach_port_destroy(SELF, q));
	}
}

TEST(ool_across_processes)
{
	mach_port_t bp = set_bootstrap();
	size_t size = 1 << 20;
	union rcv r;
	pid_t pid;
	int status;
	size_t i;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned char *buf = malloc(size + 3);

		/* an unaligned range spanning pages */
		for (i = 0; i < size; i++)
			buf[i + 3] = (unsigned char)(i * 31);
		if (give(child_bootstrap(), MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, buf + 3, (mach_msg_size_t)size, 5))
			_exit(1);
		memset(buf, 0, size + 3);	/* too late to matter */
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	KR_EQ(MACH_MSG_SUCCESS, rcv(bp, &r, 5000));
	ASSERT_EQ(size, r.p.ool.size);
	for (i = 0; i < size; i++)
		if (((unsigned char *)r.p.ool.address)[i] != (unsigned char)(i * 31))
			break;
	EXPECT_EQ(size, i);
	mach_msg_destroy(&r.header);
}

TEST(receiver_exits_with_ool_queued)
{
	long ports, spaces;
	int sync[2];
	pid_t pid;
	char c;

	mach_port_type(SELF, SELF, &(mach_port_type_t){0});
	ports = mp_count("ports");
	spaces = mp_count("spaces");
	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		mach_port_t q = new_port(), other = new_port();
		static char data[300000];
		int i;

		mach_port_insert_right(SELF, q, q, MACH_MSG_TYPE_MAKE_SEND);
		for (i = 0; i < 5; i++)
			give(q, other, MACH_MSG_TYPE_MAKE_SEND, data, sizeof(data), i);
		write(sync[1], "x", 1);
		pause();
	}
	ASSERT_EQ(1, read(sync[0], &c, 1));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (int i = 0; i < 100 && mp_count("ports") != ports; i++)
		usleep(10000);
	EXPECT_EQ(ports, mp_count("ports"));
	EXPECT_EQ(spaces, mp_count("spaces"));
	close(sync[0]);
	close(sync[1]);
}

struct stress_arg {
	mach_port_t server;
	int rounds;
	int errors;
};

static void *stress_thread(void *p)
{
	struct stress_arg *a = p;
	mach_port_t reply = mach_reply_port();
	int i, v;

	for (i = 0; i < a->rounds; i++) {
		v = i;
		if (call(a->server, reply, &v) || v != i + 1)
			a->errors++;
	}
	mach_port_destroy(SELF, reply);
	return NULL;
}

/* The server: answers until it has answered @total requests. */
static void *stress_server(void *p)
{
	struct stress_arg *a = p;
	union rcv r;
	int i;

	for (i = 0; i < a->rounds; i++) {
		if (mach_msg(&r.header, MACH_RCV_MSG, 0, sizeof(r), a->server, 0, 0)) {
			a->errors++;
			continue;
		}
		r.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
		r.header.msgh_local_port = MACH_PORT_NULL;
		r.r.value++;
		if (mach_msg(&r.header, MACH_SEND_MSG, sizeof(struct rpc_msg), 0, 0, 0, 0))
			a->errors++;
	}
	return NULL;
}

FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

/* Minutes on the debug kernel (KASAN, lockdep) under emulation. */
TEST_F_TIMEOUT(stress, rpc, 900)
{
	enum { CLIENTS = 4, THREADS = 2 };
	int rounds = getenv("MACHPORT_STRESS_ROUNDS") ? atoi(getenv("MACHPORT_STRESS_ROUNDS")) : 10000;
	struct stress_arg srv = { .server = set_bootstrap(), .rounds = CLIENTS * THREADS * rounds };
	pthread_t st;
	pid_t pids[CLIENTS], churn;
	int i, status;

	ASSERT_EQ(0, pthread_create(&st, NULL, stress_server, &srv));
	for (i = 0; i < CLIENTS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0) {
			struct stress_arg a[THREADS];
			pthread_t th[THREADS];
			int t, errors = 0;

			for (t = 0; t < THREADS; t++) {
				a[t].server = child_bootstrap();
				a[t].rounds = rounds;
				a[t].errors = 0;
				pthread_create(&th[t], NULL, stress_thread, &a[t]);
			}
			for (t = 0; t < THREADS; t++) {
				pthread_join(th[t], NULL);
				errors += a[t].errors;
			}
			_exit(errors ? 1 : 0);
		}
	}
	/* processes come and go meanwhile, holding and dropping rights */
	for (i = 0; i < 20; i++) {
		churn = fork();
		if (churn == 0) {
			mach_port_t p = new_port(), bp = child_bootstrap();

			mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND);
			(void)bp;
			_exit(0);
		}
		waitpid(churn, NULL, 0);
	}
	for (i = 0; i < CLIENTS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	pthread_join(st, NULL);
	EXPECT_EQ(0, srv.errors);
}

TEST_HARNESS_MAIN
