// SPDX-License-Identifier: GPL-2.0
/*
 * The name service: bootstrap_check_in(), bootstrap_register() and
 * bootstrap_look_up() against the kernel's per-IPC-namespace registry,
 * across processes and users, with services dying, containers
 * (unshare(CLONE_NEWIPC)), special ports, and a bootstrap server of our
 * own installed with task_set_bootstrap_port().
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mach/mach.h>
#include <mach/mig_errors.h>
#include <servers/bootstrap.h>

#include "kselftest_harness.h"
#include "util.h"

/* bootstrap_register() is deprecated on macOS, and tested here. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define SELF mach_task_self()

struct note {
	mach_msg_header_t h;
	int value;
};

union rbuf {
	mach_msg_header_t h;
	struct note n;
	char buf[512];
};

/* A name no other test (or earlier run) uses. */
static void uniq(char *buf, size_t len, const char *tag)
{
	static int seq;

	snprintf(buf, len, "org.machport.test.%s.%d.%d", tag, (int)getpid(),
		 ++seq);
}

static mach_msg_return_t send_value(mach_port_t dest, int value)
{
	struct note m = { 0 };

	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	m.h.msgh_size = sizeof(m);
	m.h.msgh_remote_port = dest;
	m.h.msgh_id = 1000;
	m.value = value;
	return mach_msg(&m.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(m), 0,
			MACH_PORT_NULL, 5000, MACH_PORT_NULL);
}

/* The value of the next message on @port, or -1. */
static int recv_value(mach_port_t port, mach_msg_timeout_t ms)
{
	union rbuf r;

	if (mach_msg(&r.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(r), port,
		     ms, MACH_PORT_NULL) != MACH_MSG_SUCCESS)
		return -1;
	return r.h.msgh_id == 1000 ? r.n.value : -1;
}

/* Run @fn in a child; its exit status (0 = success). */
static int in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(fn(arg));
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* ---- Basics ---------------------------------------------------------- */

TEST(bootstrap_port_is_set)
{
	mach_port_t bp = MACH_PORT_NULL;

	ASSERT_NE(MACH_PORT_NULL, bootstrap_port);
	KR_EQ(KERN_SUCCESS, task_get_bootstrap_port(SELF, &bp));
	/* A space names a port once: the same name, one more reference. */
	ASSERT_EQ(bootstrap_port, bp);
	ASSERT_EQ(MACH_PORT_TYPE_SEND, type_of(bp));
	mach_port_deallocate(SELF, bp);
}

TEST(other_special_ports_are_null)
{
	static const int slots[] = { TASK_HOST_PORT, TASK_NAME_PORT,
				     TASK_ACCESS_PORT, TASK_DEBUG_CONTROL_PORT };
	mach_port_t p;
	unsigned int i;

	for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		p = 1;
		KR_EQ(KERN_SUCCESS, task_get_special_port(SELF, slots[i], &p));
		ASSERT_EQ(MACH_PORT_NULL, p);
	}
	KR_EQ(KERN_INVALID_ARGUMENT, task_get_special_port(SELF, 99, &p));
}

TEST(check_in_then_look_up)
{
	mach_port_t rcv = MACH_PORT_NULL, snd = MACH_PORT_NULL;
	mach_port_status_t st;
	char name[128];

	uniq(name, sizeof(name), "basic");
	KR_EQ(KERN_SUCCESS, bootstrap_check_in(bootstrap_port, name, &rcv));
	ASSERT_EQ(MACH_PORT_TYPE_RECEIVE, type_of(rcv));
	st = status_of(rcv);
	ASSERT_EQ(1, st.mps_srights);	/* the registry's send right */
	KR_EQ(KERN_SUCCESS, bootstrap_look_up(bootstrap_port, name, &snd));
	/* The same port: the receive right's name now also holds send. */
	ASSERT_EQ(rcv, snd);
	ASSERT_EQ(MACH_PORT_TYPE_SEND_RECEIVE, type_of(rcv));
	KR_EQ(MACH_MSG_SUCCESS, send_value(snd, 7));
	ASSERT_EQ(7, recv_value(rcv, 1000));
	mach_port_deallocate(SELF, snd);
	mach_port_mod_refs(SELF, rcv, MACH_PORT_RIGHT_RECEIVE, -1);
}

TEST(unknown_service)
{
	mach_port_t p = 5;
	char name[128];

	uniq(name, sizeof(name), "unknown");
	KR_EQ(BOOTSTRAP_UNKNOWN_SERVICE, bootstrap_look_up(bootstrap_port, name, &p));
	ASSERT_EQ(5, p);
	KR_EQ(BOOTSTRAP_UNKNOWN_SERVICE,
	      bootstrap_register(bootstrap_port, name, MACH_PORT_NULL));
}

TEST(name_lengths)
{
	char name[200];
	mach_port_t p = MACH_PORT_NULL;

	memset(name, 'a', sizeof(name));
	name[128] = 0;		/* 128 characters: longer than a name_t */
	KR_EQ(BOOTSTRAP_BAD_COUNT, bootstrap_check_in(bootstrap_port, name, &p));
	KR_EQ(BOOTSTRAP_BAD_COUNT, bootstrap_look_up(bootstrap_port, name, &p));
	name[127] = 0;		/* 127: the longest that fits */
	snprintf(name, 20, "%08d-longname", (int)getpid());
	name[strlen(name)] = 'b';
	ASSERT_EQ(127, strlen(name));
	KR_EQ(KERN_SUCCESS, bootstrap_check_in(bootstrap_port, name, &p));
	mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, -1);
	KR_EQ(BOOTSTRAP_BAD_COUNT, bootstrap_check_in(bootstrap_port, "", &p));
	KR_EQ(BOOTSTRAP_BAD_COUNT, bootstrap_look_up(bootstrap_port, NULL, &p));
}

TEST(name_in_use_and_service_active)
{
	mach_port_t a = new_port(), b = new_port(), p;
	char name[128];

	uniq(name, sizeof(name), "inuse");
	mach_port_insert_right(SELF, a, a, MACH_MSG_TYPE_MAKE_SEND);
	mach_port_insert_right(SELF, b, b, MACH_MSG_TYPE_MAKE_SEND);
	KR_EQ(KERN_SUCCESS, bootstrap_register(bootstrap_port, name, a));
	KR_EQ(BOOTSTRAP_NAME_IN_USE, bootstrap_register(bootstrap_port, name, b));
	KR_EQ(BOOTSTRAP_SERVICE_ACTIVE, bootstrap_check_in(bootstrap_port, name, &p));
	KR_EQ(KERN_SUCCESS, bootstrap_look_up(bootstrap_port, name, &p));
	ASSERT_EQ(a, p);
	/* Unregistering gives the name back. */
	KR_EQ(KERN_SUCCESS, bootstrap_register(bootstrap_port, name, MACH_PORT_NULL));
	KR_EQ(BOOTSTRAP_UNKNOWN_SERVICE, bootstrap_look_up(bootstrap_port, name, &p));
	KR_EQ(KERN_SUCCESS, bootstrap_register(bootstrap_port, name, b));
	KR_EQ(KERN_SUCCESS, bootstrap_look_up(bootstrap_port, name, &p));
	ASSERT_EQ(b, p);
	mach_port_destroy(SELF, a);
	mach_port_destroy(SELF, b);
}

TEST(register_needs_a_send_right)
{
	mach_port_t a = new_port();
	char name[128];

	uniq(name, sizeof(name), "right");
	/* A receive right alone cannot be copied as a send right. */
	KR_EQ(MACH_SEND_INVALID_RIGHT, bootstrap_register(bootstrap_port, name, a));
	KR_EQ(MACH_SEND_INVALID_RIGHT, bootstrap_register(bootstrap_port, name, 0x12345));
	mach_port_destroy(SELF, a);
}

/* ---- Across processes ------------------------------------------------ */

static int child_sends(void *arg)
{
	mach_port_t p = MACH_PORT_NULL;

	if (bootstrap_look_up(bootstrap_port, arg, &p) != KERN_SUCCESS)
		return 1;
	return send_value(p, 42) == MACH_MSG_SUCCESS ? 0 : 2;
}

TEST(found_from_another_process)
{
	mach_port_t rcv;
	char name[128];

	uniq(name, sizeof(name), "xproc");
	KR_EQ(KERN_SUCCESS, bootstrap_check_in(bootstrap_port, name, &rcv));
	ASSERT_EQ(0, in_child(child_sends, name));
	ASSERT_EQ(42, recv_value(rcv, 5000));
	mach_port_destroy(SELF, rcv);
}

static int child_checks_in_and_exits(void *arg)
{
	mach_port_t p;

	return bootstrap_check_in(bootstrap_port, arg, &p) == KERN_SUCCESS ? 0 : 1;
}

TEST(name_goes_with_its_port)
{
	mach_port_t p = MACH_PORT_NULL, q = MACH_PORT_NULL;
	char name[128];

	uniq(name, sizeof(name), "dies");
	/* In this process: destroying the receive right drops the name. */
	KR_EQ(KERN_SUCCESS, bootstrap_check_in(bootstrap_port, name, &p));
	mach_port_destroy(SELF, p);
	KR_EQ(BOOTSTRAP_UNKNOWN_SERVICE, bootstrap_look_up(bootstrap_port, name, &q));
	/* Another process checks in and exits: the name is free again. */
	ASSERT_EQ(0, in_child(child_checks_in_and_exits, name));
	KR_EQ(BOOTSTRAP_UNKNOWN_SERVICE, bootstrap_look_up(bootstrap_port, name, &q));
	/* ...and the service can come back under the same name. */
	KR_EQ(KERN_SUCCESS, bootstrap_check_in(bootstrap_port, name, &p));
	KR_EQ(KERN_SUCCESS, bootstrap_look_up(bootstrap_port, name, &q));
	ASSERT_EQ(p, q);
	mach_port_destroy(SELF, p);
}

struct user_arg {
	const char *name;
	uid_t uid;
};

static int as_other_user(void *arg)
{
	struct user_arg *u = arg;
	mach_port_t p = MACH_PORT_NULL, s = new_port();

	if (setresgid(u->uid, u->uid, u->uid) || setresuid(u->uid, u->uid, u->uid))
		return 10;
	mach_port_insert_right(SELF, s, s, MACH_MSG_TYPE_MAKE_SEND);
	/* Any user finds the service... */
	if (bootstrap_look_up(bootstrap_port, u->name, &p) != KERN_SUCCESS)
		return 1;
	if (send_value(p, 9) != MACH_MSG_SUCCESS)
		return 2;
	/* ...but cannot take the name over or drop it. */
	if (bootstrap_register(bootstrap_port, u->name, s) !=
	    BOOTSTRAP_NOT_PRIVILEGED)
		return 3;
	if (bootstrap_check_in(bootstrap_port, u->name, &p) !=
	    BOOTSTRAP_NOT_PRIVILEGED)
		return 4;
	if (bootstrap_register(bootstrap_port, u->name,
			       MACH_PORT_NULL) != BOOTSTRAP_NOT_PRIVILEGED)
		return 5;
	return 0;
}

TEST(other_users_look_up_but_never_take_over)
{
	struct user_arg u = { .uid = 65534 };
	mach_port_t rcv;
	char name[128];

	if (geteuid() != 0)
		SKIP(return, "needs root to switch users");
	uniq(name, sizeof(name), "user");
	u.name = name;
	KR_EQ(KERN_SUCCESS, bootstrap_check_in(bootstrap_port, name, &rcv));
	ASSERT_EQ(0, in_child(as_other_user, &u));
	ASSERT_EQ(9, recv_value(rcv, 5000));
	mach_port_destroy(SELF, rcv);
}

static int fill_names(void *arg)
{
	const unsigned int limit = *(unsigned int *)arg;
	mach_port_t s = new_port(), p;
	char name[128];
	unsigned int i;

	if (setresuid(4242, 4242, 4242))
		return 10;
	mach_port_insert_right(SELF, s, s, MACH_MSG_TYPE_MAKE_SEND);
	for (i = 0; i < limit; i++) {
		snprintf(name, sizeof(name), "org.machport.test.limit.%d.%u",
			 (int)getpid(), i);
		if (bootstrap_register(bootstrap_port, name, s) != KERN_SUCCESS)
			return 1;
	}
	snprintf(name, sizeof(name), "org.machport.test.limit.%d.x", (int)getpid());
	if (bootstrap_register(bootstrap_port, name, s) != BOOTSTRAP_NO_MEMORY)
		return 2;
	if (bootstrap_check_in(bootstrap_port, name, &p) != BOOTSTRAP_NO_MEMORY)
		return 3;
	/* A name whose port died no longer counts. */
	mach_port_destroy(SELF, s);
	if (bootstrap_check_in(bootstrap_port, name, &p) != KERN_SUCCESS)
		return 4;
	return 0;
}

TEST(names_per_user_are_bounded)
{
	unsigned int limit = 0;
	FILE *f = fopen("/sys/module/machport/parameters/max_service_names", "r");

	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%u", &limit));
	fclose(f);
	ASSERT_LT(0, limit);
	if (geteuid() != 0)
		SKIP(return, "needs root to switch users");
	ASSERT_EQ(0, in_child(fill_names, &limit));
}

/* ---- Races ------------------------------------------------------------ */

static volatile int stop_churn;

static int churn(void *arg)
{
	mach_port_t p;
	int i;

	for (i = 0; i < 400; i++) {
		if (bootstrap_check_in(bootstrap_port, arg, &p) != KERN_SUCCESS)
			return 1;
		mach_port_destroy(SELF, p);
	}
	return 0;
}

TEST(look_up_races_with_the_service_dying)
{
	int found = 0, unknown = 0, i, status;
	char name[128];
	pid_t pid;

	uniq(name, sizeof(name), "race");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(churn(name));
	for (i = 0; i < 400; i++) {
		mach_port_t p = MACH_PORT_NULL;
		kern_return_t kr = bootstrap_look_up(bootstrap_port, name, &p);

		if (kr == KERN_SUCCESS) {
			/* Alive or dead by now, but a send right or dead name. */
			ASSERT_NE(0, type_of(p) & (MACH_PORT_TYPE_SEND |
						   MACH_PORT_TYPE_DEAD_NAME));
			mach_port_deallocate(SELF, p);
			found++;
		} else {
			ASSERT_EQ(BOOTSTRAP_UNKNOWN_SERVICE, kr);
			unknown++;
		}
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(400, found + unknown);
	TH_LOG("%d found, %d unknown", found, unknown);
	/* All gone: the last check-in was destroyed. */
	{
		mach_port_t p;

		KR_EQ(BOOTSTRAP_UNKNOWN_SERVICE,
		      bootstrap_look_up(bootstrap_port, name, &p));
	}
}

/* ---- Containers: IPC namespaces --------------------------------------- */

struct ns_arg {
	const char *parent_name;
	const char *own_name;
	int pipe_fd;
};

static int in_new_ns_grandchild(void *arg)
{
	struct ns_arg *a = arg;
	mach_port_t p = MACH_PORT_NULL;
	char ok = 1;

	/* The parent's name is not visible in this namespace... */
	if (bootstrap_look_up(bootstrap_port, a->parent_name, &p) !=
	    BOOTSTRAP_UNKNOWN_SERVICE)
		return 1;
	/* ...so it can be taken here without touching the parent's. */
	if (bootstrap_check_in(bootstrap_port, a->parent_name, &p) != KERN_SUCCESS)
		return 2;
	if (bootstrap_check_in(bootstrap_port, a->own_name, &p) != KERN_SUCCESS)
		return 3;
	if (bootstrap_look_up(bootstrap_port, a->own_name, &p) != KERN_SUCCESS)
		return 4;
	/* Tell the original namespace we are registered, then wait. */
	if (write(a->pipe_fd, &ok, 1) != 1)
		return 5;
	sleep(2);
	return 0;
}

static int in_new_ns(void *arg)
{
	if (unshare(CLONE_NEWIPC))
		return 20;
	/* Spaces opened from now on belong to the new namespace. */
	return in_child(in_new_ns_grandchild, arg);
}

TEST(ipc_namespaces_have_their_own_names)
{
	char parent_name[128], own_name[128], c;
	struct ns_arg a;
	mach_port_t rcv, p;
	int fds[2], status;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs CAP_SYS_ADMIN for unshare(CLONE_NEWIPC)");
	uniq(parent_name, sizeof(parent_name), "ns.parent");
	uniq(own_name, sizeof(own_name), "ns.own");
	KR_EQ(KERN_SUCCESS, bootstrap_check_in(bootstrap_port, parent_name, &rcv));
	ASSERT_EQ(0, pipe(fds));
	a = (struct ns_arg){ parent_name, own_name, fds[1] };
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(in_new_ns(&a));
	ASSERT_EQ(1, read(fds[0], &c, 1));
	/* The container's names are not visible out here. */
	KR_EQ(BOOTSTRAP_UNKNOWN_SERVICE, bootstrap_look_up(bootstrap_port, own_name, &p));
	KR_EQ(KERN_SUCCESS, bootstrap_look_up(bootstrap_port, parent_name, &p));
	ASSERT_EQ(rcv, p);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	mach_port_destroy(SELF, rcv);
	close(fds[0]);
	close(fds[1]);
}

/* ---- Protocol misuse --------------------------------------------------- */

TEST(kernel_server_answers_bad_requests)
{
	struct {
		mach_msg_header_t h;
		NDR_record_t ndr;
		char name[8];
		char room[256];
	} m;
	mach_port_t reply = new_port();

	/* An unknown routine: MIG_BAD_ID, as macOS servers answer. */
	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND,
				       MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.h.msgh_remote_port = bootstrap_port;
	m.h.msgh_local_port = reply;
	m.h.msgh_id = 499;
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG |
					 MACH_RCV_TIMEOUT, 40, sizeof(m), reply,
					 5000, MACH_PORT_NULL));
	ASSERT_EQ(599, m.h.msgh_id);
	ASSERT_EQ(MIG_BAD_ID, ((mig_reply_error_t *)&m)->RetCode);
	/* A look-up of the wrong size: MIG_BAD_ARGUMENTS. */
	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND,
				       MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.h.msgh_remote_port = bootstrap_port;
	m.h.msgh_local_port = reply;
	m.h.msgh_id = BOOTSTRAP_MSG_LOOK_UP;
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG |
					 MACH_RCV_TIMEOUT, 40, sizeof(m), reply,
					 5000, MACH_PORT_NULL));
	ASSERT_EQ(BOOTSTRAP_MSG_LOOK_UP + 100, m.h.msgh_id);
	ASSERT_EQ(MIG_BAD_ARGUMENTS, ((mig_reply_error_t *)&m)->RetCode);
	mach_port_destroy(SELF, reply);
}

/*
 * A kernel server's reply goes to a send right whose queue is full: it is
 * queued beyond the limit, as XNU's kernel messages are (it used to be
 * left undelivered, and its port leaked; found by the fuzzer).
 */
TEST(kernel_reply_to_a_full_queue)
{
	mach_port_t r = new_port();
	mach_port_limits_t lim = { .mpl_qlimit = 1 };
	mach_msg_header_t h = { 0 };

	KR_EQ(KERN_SUCCESS, mach_port_set_attributes(SELF, r, MACH_PORT_LIMITS_INFO,
						     (mach_port_info_t)&lim,
						     MACH_PORT_LIMITS_INFO_COUNT));
	h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	h.msgh_size = sizeof(h);
	h.msgh_remote_port = r;
	h.msgh_id = 1;
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&h, MACH_SEND_MSG, sizeof(h), 0, 0, 0, 0));
	/* To the bootstrap port, the reply right a send right to r. */
	h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND);
	h.msgh_remote_port = bootstrap_port;
	h.msgh_local_port = r;
	h.msgh_id = 499;
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&h, MACH_SEND_MSG, sizeof(h), 0, 0, 0, 0));
	ASSERT_EQ(2, status_of(r).mps_msgcount);
	ASSERT_EQ(1, mp_next_id(r));
	ASSERT_EQ(599, mp_next_id(r));
	mach_port_destroy(SELF, r);
}

/*
 * A check-in whose reply right names the bootstrap port itself: the reply
 * (carrying the new receive right) is destroyed, not parked for ever on a
 * port nobody receives from, so the name goes with its port (found by
 * the fuzzer).
 */
TEST(reply_to_a_kernel_port_is_destroyed)
{
	struct {
		mach_msg_header_t h;
		NDR_record_t ndr;
		name_t name;
	} m;
	char name[128];
	mach_port_t p;

	uniq(name, sizeof(name), "kreply");
	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_COPY_SEND);
	m.h.msgh_size = sizeof(m);
	m.h.msgh_remote_port = bootstrap_port;
	m.h.msgh_local_port = bootstrap_port;
	m.h.msgh_id = BOOTSTRAP_MSG_CHECK_IN;
	m.ndr = NDR_record;
	strcpy(m.name, name);
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0));
	KR_EQ(BOOTSTRAP_UNKNOWN_SERVICE, bootstrap_look_up(bootstrap_port, name, &p));
}

TEST(strerror_strings)
{
	ASSERT_STREQ("Unknown service name",
		     bootstrap_strerror(BOOTSTRAP_UNKNOWN_SERVICE));
	ASSERT_STREQ("Permission denied",
		     bootstrap_strerror(BOOTSTRAP_NOT_PRIVILEGED));
	ASSERT_STREQ(mach_error_string(MACH_SEND_INVALID_DEST),
		     bootstrap_strerror(MACH_SEND_INVALID_DEST));
	KR_EQ(MACH_SEND_INVALID_DEST,
	      bootstrap_look_up(MACH_PORT_NULL, "x", &(mach_port_t){ 0 }));
}

/* ---- A bootstrap server of our own ------------------------------------- */

/*
 * A minimal name server speaking the documented protocol: one name,
 * "our.service", which it answers with its own port @svc for LOOK_UP,
 * refuses CHECK_IN with BOOTSTRAP_NOT_PRIVILEGED and counts REGISTERs.
 */
struct own_server {
	mach_port_t port;	/* requests come here */
	mach_port_t svc;	/* what "our.service" names */
	int registers;
	int served;
};

static void *serve(void *arg)
{
	struct own_server *s = arg;

	for (;;) {
		union {
			mach_msg_header_t h;
			struct {
				mach_msg_header_t h;
				NDR_record_t ndr;
				name_t name;
			} simple;
			struct {
				mach_msg_header_t h;
				mach_msg_body_t body;
				mach_msg_port_descriptor_t port;
				NDR_record_t ndr;
				name_t name;
			} reg;
			char buf[1024];
		} in;
		union {
			mig_reply_error_t err;
			struct {
				mach_msg_header_t h;
				mach_msg_body_t body;
				mach_msg_port_descriptor_t port;
			} port;
		} out;
		mach_msg_size_t size;

		if (mach_msg(&in.h, MACH_RCV_MSG, 0, sizeof(in), s->port, 0,
			     MACH_PORT_NULL) != MACH_MSG_SUCCESS)
			return NULL;	/* the port went: stop */
		memset(&out, 0, sizeof(out));
		out.err.Head.msgh_bits = MACH_MSGH_BITS(
			MACH_MSGH_BITS_REMOTE(in.h.msgh_bits), 0);
		out.err.Head.msgh_remote_port = in.h.msgh_remote_port;
		out.err.Head.msgh_id = in.h.msgh_id + 100;
		out.err.NDR = NDR_record;
		size = sizeof(out.err);
		s->served++;
		if (in.h.msgh_id == BOOTSTRAP_MSG_LOOK_UP &&
		    !strcmp(in.simple.name, "our.service")) {
			out.port.h.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
			out.port.body.msgh_descriptor_count = 1;
			out.port.port.name = s->svc;
			out.port.port.disposition = MACH_MSG_TYPE_MAKE_SEND;
			out.port.port.type = MACH_MSG_PORT_DESCRIPTOR;
			size = sizeof(out.port);
		} else if (in.h.msgh_id == BOOTSTRAP_MSG_LOOK_UP) {
			out.err.RetCode = BOOTSTRAP_UNKNOWN_SERVICE;
		} else if (in.h.msgh_id == BOOTSTRAP_MSG_CHECK_IN) {
			out.err.RetCode = BOOTSTRAP_NOT_PRIVILEGED;
		} else if (in.h.msgh_id == BOOTSTRAP_MSG_REGISTER) {
			s->registers++;
			mach_port_deallocate(SELF, in.reg.port.name);
			out.err.RetCode = KERN_SUCCESS;
		} else {
			out.err.RetCode = MIG_BAD_ID;
		}
		mach_msg(&out.err.Head, MACH_SEND_MSG, size, 0, MACH_PORT_NULL,
			 0, MACH_PORT_NULL);
	}
}

static int child_uses_our_server(void *arg)
{
	mach_port_t p = MACH_PORT_NULL, s = new_port();

	(void)arg;
	mach_port_insert_right(SELF, s, s, MACH_MSG_TYPE_MAKE_SEND);
	if (bootstrap_look_up(bootstrap_port, "our.service", &p) != KERN_SUCCESS)
		return 1;
	if (send_value(p, 77) != MACH_MSG_SUCCESS)
		return 2;
	if (bootstrap_look_up(bootstrap_port, "elsewhere", &p) !=
	    BOOTSTRAP_UNKNOWN_SERVICE)
		return 3;
	if (bootstrap_check_in(bootstrap_port, "x", &p) != BOOTSTRAP_NOT_PRIVILEGED)
		return 4;
	if (bootstrap_register(bootstrap_port, "y", s) != KERN_SUCCESS)
		return 5;
	return 0;
}

TEST(own_bootstrap_server_for_children)
{
	struct own_server s = { 0 };
	mach_port_t saved = MACH_PORT_NULL;
	pthread_t th;

	s.port = new_port();
	s.svc = new_port();
	mach_port_insert_right(SELF, s.port, s.port, MACH_MSG_TYPE_MAKE_SEND);
	KR_EQ(KERN_SUCCESS, task_get_bootstrap_port(SELF, &saved));
	KR_EQ(KERN_SUCCESS, task_set_bootstrap_port(SELF, s.port));
	ASSERT_EQ(0, pthread_create(&th, NULL, serve, &s));
	/* Children inherit the server in their bootstrap port. */
	ASSERT_EQ(0, in_child(child_uses_our_server, NULL));
	ASSERT_EQ(77, recv_value(s.svc, 5000));
	ASSERT_EQ(1, s.registers);
	ASSERT_EQ(4, s.served);
	/* Back to the kernel's registry; the server thread ends. */
	KR_EQ(KERN_SUCCESS, task_set_bootstrap_port(SELF, saved));
	mach_port_destroy(SELF, s.port);
	pthread_join(th, NULL);
	mach_port_destroy(SELF, s.svc);
	mach_port_deallocate(SELF, saved);
}

static void *look_up_once(void *arg)
{
	mach_port_t p;

	return (void *)(long)bootstrap_look_up(bootstrap_port, arg, &p);
}

/* A thread's reply port goes when the thread does. */
TEST(reply_ports_go_with_their_threads)
{
	long before = mp_count("ports");
	pthread_t th[4];
	void *kr;
	int i;

	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, look_up_once,
					    "org.machport.test.nobody"));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(th[i], &kr));
		ASSERT_EQ(BOOTSTRAP_UNKNOWN_SERVICE, (long)kr);
	}
	ASSERT_EQ(before, mp_count("ports"));
	/* This thread's stays, and is the same for every request. */
	ASSERT_EQ(mig_get_reply_port(), mig_get_reply_port());
	ASSERT_EQ(before + 1, mp_count("ports"));
}

/* Everything above let go of its ports: none outlives its test. */
TEST(no_ports_left_behind)
{
	long before;
	char name[128];
	mach_port_t p;

	/* This thread's reply port is made once and stays: count from it. */
	ASSERT_NE(MACH_PORT_NULL, mig_get_reply_port());
	before = mp_count("ports");
	uniq(name, sizeof(name), "leak");
	ASSERT_EQ(0, in_child(child_checks_in_and_exits, name));
	KR_EQ(KERN_SUCCESS, bootstrap_check_in(bootstrap_port, name, &p));
	mach_port_destroy(SELF, p);
	KR_EQ(BOOTSTRAP_UNKNOWN_SERVICE, bootstrap_look_up(bootstrap_port, name, &p));
	ASSERT_EQ(before, mp_count("ports"));
}

TEST_HARNESS_MAIN
