// SPDX-License-Identifier: GPL-2.0
/*
 * <machport/cf.h>: mp_machport_t, mp_msgport_t and mp_runloop_t, mostly
 * across processes: a callback per message, invalidation (explicit, by a
 * port's death, by a server's exit), descriptors in a caller's own epoll
 * loop, the run loop's timeout and stop, every request result, out-of-line
 * payloads, many threads at once, and objects made inert by fork().
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mach/mach.h>
#include <machport/cf.h>
#include <servers/bootstrap.h>

#include "kselftest_harness.h"
#include "util.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define SELF mach_task_self()

/* Message ids the test servers understand. */
#define ID_ECHO		1	/* reply: the request */
#define ID_REVERSE	2	/* reply: the request, bytes reversed */
#define ID_SLEEP	3	/* sleep 300 ms, then reply "late" */
#define ID_DIE		666	/* exit without replying */
#define ID_QUIT		999	/* reply "bye", then stop */

/* A name no other test (or earlier run) uses. */
static void uniq(char *buf, size_t len, const char *tag)
{
	static int seq;

	snprintf(buf, len, "org.machport.test.cf.%s.%d.%d", tag, (int)getpid(),
		 ++seq);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The number of names in this task's space. */
static int name_count(void)
{
	mach_port_name_array_t names;
	mach_port_type_array_t types;
	mach_msg_type_number_t n = 0, nt = 0;

	if (mach_port_names(SELF, &names, &n, &types, &nt))
		return -1;
	vm_deallocate(SELF, (vm_address_t)names, n * sizeof(*names));
	vm_deallocate(SELF, (vm_address_t)types, nt * sizeof(*types));
	return (int)n;
}

static mach_port_urefs_t urefs(mach_port_t name, mach_port_right_t right)
{
	mach_port_urefs_t r = 0;

	mach_port_get_refs(SELF, name, right, &r);
	return r;
}

/* ---- a server process ----------------------------------------------- */

static mp_runloop_t *server_loop;

static mp_data_t *server_callout(mp_msgport_t *local, int32_t msgid,
				 const void *data, size_t length, void *info)
{
	const unsigned char *in = data;
	unsigned char *out;
	mp_data_t *d;
	size_t i;

	(void)local;
	(void)info;
	switch (msgid) {
	case ID_ECHO:
		return mp_data_create(data, length);
	case ID_REVERSE:
		out = malloc(length ? length : 1);
		for (i = 0; i < length; i++)
			out[i] = in[length - 1 - i];
		d = mp_data_create(out, length);
		free(out);
		return d;
	case ID_SLEEP:
		usleep(300 * 1000);
		return mp_data_create("late", 4);
	case ID_DIE:
		_exit(0);
	case ID_QUIT:
		mp_runloop_stop(server_loop);
		return mp_data_create("bye", 3);
	default:
		return NULL;
	}
}

enum server_mode {
	SERVE,		/* run the loop until ID_QUIT */
	IDLE,		/* never receive; exit when the parent closes the pipe */
	IDLE_QLIMIT1,	/* IDLE with a queue limit of 1 */
};

struct server {
	pid_t pid;
	int to_child;	/* closing it lets an IDLE server exit */
};

/*
 * Start a server process registered as @name; returns once the name is
 * registered. The child exits 0 if all went well.
 */
static int start_server(struct server *s, const char *name,
			enum server_mode mode)
{
	int ready[2], hold[2];
	char c;

	if (pipe(ready) || pipe(hold))
		return -1;
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		mach_port_limits_t lim = { .mpl_qlimit = 1 };
		mp_msgport_t *local;
		int ret = 0;

		close(ready[0]);
		close(hold[1]);
		local = mp_msgport_create_local(name, server_callout, NULL, NULL);
		if (!local)
			_exit(2);
		if (mode == IDLE_QLIMIT1 &&
		    mach_port_set_attributes(SELF, mp_msgport_get_port(local),
					     MACH_PORT_LIMITS_INFO,
					     (mach_port_info_t)&lim,
					     MACH_PORT_LIMITS_INFO_COUNT))
			_exit(3);
		server_loop = mp_runloop_create();
		if (!server_loop || mp_runloop_add_msgport(server_loop, local))
			_exit(4);
		if (write(ready[1], "r", 1) != 1)
			_exit(5);
		if (mode == SERVE)
			ret = mp_runloop_run(server_loop, 60, false) ==
			      MP_RUNLOOP_STOPPED ? 0 : 6;
		else
			while (read(hold[0], &c, 1) > 0)
				;
		mp_msgport_invalidate(local);
		mp_msgport_release(local);
		mp_runloop_release(server_loop);
		_exit(ret);
	}
	close(ready[1]);
	close(hold[0]);
	s->to_child = hold[1];
	if (read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		return -1;
	}
	close(ready[0]);
	return 0;
}

/* Wait for the server; its exit status, or -1. */
static int stop_server(struct server *s, bool kill_it)
{
	int status;

	if (s->to_child >= 0)
		close(s->to_child);
	s->to_child = -1;
	if (kill_it)
		kill(s->pid, SIGKILL);
	if (waitpid(s->pid, &status, 0) != s->pid)
		return -1;
	if (kill_it)
		return WIFSIGNALED(status) ? 0 : -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- callbacks that count --------------------------------------------- */

struct counts {
	atomic_int messages;
	atomic_int invalidations;
	atomic_int retains, releases;
	mach_msg_id_t ids[16];
	pid_t sender[16];
	mp_runloop_t *stop_after_invalidation;
};

static void *count_retain(void *info)
{
	atomic_fetch_add(&((struct counts *)info)->retains, 1);
	return info;
}

static void count_release(void *info)
{
	atomic_fetch_add(&((struct counts *)info)->releases, 1);
}

static void on_message(mp_machport_t *port, mach_msg_header_t *msg,
		       mach_msg_size_t size, void *info)
{
	struct counts *c = info;
	mach_msg_audit_trailer_t *t = (void *)((char *)msg + size);
	int i = atomic_fetch_add(&c->messages, 1);

	(void)port;
	if (i < 16) {
		c->ids[i] = msg->msgh_id;
		c->sender[i] = (pid_t)t->msgh_audit.val[5];
	}
	mach_msg_destroy(msg);
}

static void on_machport_invalid(mp_machport_t *port, void *info)
{
	struct counts *c = info;

	(void)port;
	atomic_fetch_add(&c->invalidations, 1);
	if (c->stop_after_invalidation)
		mp_runloop_stop(c->stop_after_invalidation);
}

/* Remote ports have no context: their callbacks count here. */
static struct counts global_counts;

static void on_msgport_invalid(mp_msgport_t *port, void *info)
{
	(void)port;
	on_machport_invalid(NULL, info ? info : &global_counts);
}

static mach_msg_return_t send_id(mach_port_t dest, mach_msg_id_t id)
{
	mach_msg_header_t h = { 0 };

	h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	h.msgh_remote_port = dest;
	h.msgh_id = id;
	return mach_msg(&h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(h), 0,
			MACH_PORT_NULL, 5000, MACH_PORT_NULL);
}

/* ---- mp_machport ---------------------------------------------------- */

TEST(machport_calls_back_per_message_from_another_process)
{
	struct counts c = { 0 };
	mp_context_t ctx = { &c, count_retain, count_release };
	mp_runloop_t *rl = mp_runloop_create();
	mp_machport_t *mp;
	kern_return_t kr = -1;
	char name[128];
	pid_t pid;
	double end;
	int i, status;

	ASSERT_NE(NULL, rl);
	mp = mp_machport_create(on_message, &ctx, &kr);
	ASSERT_NE(NULL, mp);
	KR_EQ(KERN_SUCCESS, kr);
	ASSERT_EQ(1, c.retains);
	ASSERT_TRUE(mp_machport_is_valid(mp));
	ASSERT_EQ(MACH_PORT_TYPE_SEND_RECEIVE, type_of(mp_machport_get_port(mp)));
	uniq(name, sizeof(name), "machport");
	KR_EQ(KERN_SUCCESS, bootstrap_register(bootstrap_port, name,
					       mp_machport_get_port(mp)));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		mach_port_t p;

		if (bootstrap_look_up(bootstrap_port, name, &p))
			_exit(1);
		for (i = 0; i < 3; i++)
			if (send_id(p, 101 + i))
				_exit(2);
		_exit(0);
	}
	ASSERT_EQ(0, mp_runloop_add_machport(rl, mp));
	end = now() + 10;
	while (c.messages < 3 && now() < end)
		mp_runloop_run(rl, 1.0, true);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	ASSERT_EQ(3, c.messages);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(101 + i, c.ids[i]);
		EXPECT_EQ(pid, c.sender[i]);	/* from the audit trailer */
	}
	/* Nothing else pending: a zero-second run times out. */
	ASSERT_EQ(MP_RUNLOOP_TIMED_OUT, mp_runloop_run(rl, 0, false));
	ASSERT_EQ(3, c.messages);
	mp_runloop_release(rl);
	mp_machport_invalidate(mp);
	mp_machport_release(mp);
	ASSERT_EQ(1, c.releases);
	ASSERT_EQ(0, c.invalidations);	/* no callback was set */
}

TEST(machport_invalidate_explicitly)
{
	struct counts c = { 0 };
	mp_context_t ctx = { &c, NULL, NULL }, got;
	mp_machport_t *mp = mp_machport_create(NULL, &ctx, NULL);
	mach_port_t port;

	ASSERT_NE(NULL, mp);
	port = mp_machport_get_port(mp);
	ASSERT_TRUE(mp_machport_get_invalidation_callback(mp) == NULL);
	mp_machport_set_invalidation_callback(mp, on_machport_invalid);
	ASSERT_TRUE(mp_machport_get_invalidation_callback(mp) ==
		    on_machport_invalid);
	mp_machport_get_context(mp, &got);
	ASSERT_EQ(&c, got.info);
	ASSERT_EQ(0, c.invalidations);
	mp_machport_invalidate(mp);
	ASSERT_EQ(1, c.invalidations);
	ASSERT_FALSE(mp_machport_is_valid(mp));
	mp_machport_invalidate(mp);
	ASSERT_EQ(1, c.invalidations);
	/* It owned the rights: they are gone. */
	ASSERT_EQ(~0u, type_of(port));
	ASSERT_EQ(-1, mp_machport_perform(mp));
	/* Set on an invalid object, a callback is called at once. */
	mp_machport_set_invalidation_callback(mp, on_machport_invalid);
	ASSERT_EQ(2, c.invalidations);
	/* An invalid object is no source. */
	{
		mp_runloop_t *rl = mp_runloop_create();

		ASSERT_EQ(-1, mp_runloop_add_machport(rl, mp));
		ASSERT_EQ(EINVAL, errno);
		ASSERT_EQ(MP_RUNLOOP_FINISHED, mp_runloop_run(rl, 0.1, false));
		mp_runloop_release(rl);
	}
	mp_machport_release(mp);
}

TEST(machport_wrapping_a_receive_right_sees_it_destroyed)
{
	struct counts c = { 0 };
	mp_context_t ctx = { &c, NULL, NULL };
	mach_port_t p = new_port();
	mp_machport_t *mp;
	kern_return_t kr;

	ASSERT_NE(MACH_PORT_NULL, p);
	mp = mp_machport_create_with_port(p, on_message, &ctx, 0, &kr);
	ASSERT_NE(NULL, mp);
	mp_machport_set_invalidation_callback(mp, on_machport_invalid);
	ASSERT_EQ(p, mp_machport_get_port(mp));
	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, p, p,
						   MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(MACH_MSG_SUCCESS, send_id(p, 7));
	ASSERT_EQ(1, mp_machport_perform(mp));
	ASSERT_EQ(7, c.ids[0]);
	ASSERT_EQ(0, mp_machport_perform(mp));
	ASSERT_TRUE(mp_machport_is_valid(mp));
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, -1));
	ASSERT_FALSE(mp_machport_is_valid(mp));
	ASSERT_EQ(1, c.invalidations);
	/* Not taken: the caller's send right (now a dead name) is left. */
	ASSERT_EQ(MACH_PORT_TYPE_DEAD_NAME, type_of(p));
	mp_machport_release(mp);
	ASSERT_EQ(MACH_PORT_TYPE_DEAD_NAME, type_of(p));
	mach_port_deallocate(SELF, p);

	/* Bad names and dead names are refused. */
	ASSERT_EQ(NULL, mp_machport_create_with_port(0x12345603, NULL, NULL, 0, &kr));
	KR_EQ(KERN_INVALID_NAME, kr);
	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_DEAD_NAME, &p));
	ASSERT_EQ(NULL, mp_machport_create_with_port(p, NULL, NULL, 0, &kr));
	KR_EQ(KERN_INVALID_RIGHT, kr);
	mach_port_deallocate(SELF, p);
}

TEST(machport_take_right_releases_it)
{
	mach_port_t p = new_port();
	mp_machport_t *mp;

	mp = mp_machport_create_with_port(p, NULL, NULL, MP_MACHPORT_TAKE_RIGHT,
					  NULL);
	ASSERT_NE(NULL, mp);
	mp_machport_invalidate(mp);
	ASSERT_EQ(~0u, type_of(p));
	mp_machport_release(mp);
	/* A port set works too. */
	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_PORT_SET, &p));
	mp = mp_machport_create_with_port(p, NULL, NULL, MP_MACHPORT_TAKE_RIGHT,
					  NULL);
	ASSERT_NE(NULL, mp);
	mp_machport_release(mp);	/* the last reference invalidates */
	ASSERT_EQ(~0u, type_of(p));
}

TEST(machport_on_a_send_right_gets_the_dead_name)
{
	struct counts c = { 0 };
	mp_context_t ctx = { &c, NULL, NULL };
	mp_runloop_t *rl = mp_runloop_create();
	mp_machport_t *mp, *twin;
	struct server s;
	mach_port_t p;
	char name[128];

	uniq(name, sizeof(name), "deadname");
	ASSERT_EQ(0, start_server(&s, name, IDLE));
	KR_EQ(KERN_SUCCESS, bootstrap_look_up(bootstrap_port, name, &p));
	mp = mp_machport_create_with_port(p, NULL, &ctx, 0, NULL);
	ASSERT_NE(NULL, mp);
	/* Two objects may watch one name (it has one request slot). */
	twin = mp_machport_create_with_port(p, NULL, &ctx, 0, NULL);
	ASSERT_NE(NULL, twin);
	mp_machport_set_invalidation_callback(mp, on_machport_invalid);
	mp_machport_set_invalidation_callback(twin, on_machport_invalid);
	ASSERT_TRUE(mp_machport_is_valid(mp));
	ASSERT_EQ(0, mp_runloop_add_machport(rl, mp));
	ASSERT_EQ(0, mp_runloop_add_machport(rl, twin));
	ASSERT_EQ(MP_RUNLOOP_TIMED_OUT, mp_runloop_run(rl, 0.2, false));
	ASSERT_EQ(0, c.invalidations);
	ASSERT_EQ(0, stop_server(&s, false));
	/* Both sources are invalidated and leave: nothing left to run. */
	ASSERT_EQ(MP_RUNLOOP_FINISHED, mp_runloop_run(rl, 10, false));
	ASSERT_EQ(2, c.invalidations);
	ASSERT_FALSE(mp_machport_is_valid(mp));
	ASSERT_FALSE(mp_machport_is_valid(twin));
	mp_machport_release(mp);
	mp_machport_release(twin);
	/* The caller's right is a dead name with its one reference. */
	ASSERT_EQ(MACH_PORT_TYPE_DEAD_NAME, type_of(p));
	ASSERT_EQ(1, urefs(p, MACH_PORT_RIGHT_DEAD_NAME));
	mach_port_deallocate(SELF, p);
	mp_runloop_release(rl);
}

/* ---- descriptors in a loop of one's own ------------------------------- */

TEST(descriptors_in_own_epoll_loop)
{
	struct counts c = { 0 };
	mp_context_t ctx = { &c, NULL, NULL };
	struct epoll_event ev = { .events = EPOLLIN }, out[4];
	mp_machport_t *mp = mp_machport_create(on_message, &ctx, NULL);
	mp_msgport_t *remote;
	struct server s;
	mach_port_t p;
	char name[128];
	int ep = epoll_create1(EPOLL_CLOEXEC), n;

	ASSERT_LE(0, ep);
	ASSERT_NE(NULL, mp);
	uniq(name, sizeof(name), "epoll");
	ASSERT_EQ(0, start_server(&s, name, IDLE));
	remote = mp_msgport_create_remote(name, NULL);
	ASSERT_NE(NULL, remote);
	global_counts.invalidations = 0;
	mp_msgport_set_invalidation_callback(remote, on_msgport_invalid);
	ev.data.ptr = mp;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, mp_machport_get_fd(mp), &ev));
	ev.data.ptr = remote;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, mp_msgport_get_fd(remote), &ev));
	ASSERT_EQ(0, epoll_wait(ep, out, 4, 100));

	/* A message makes the port's descriptor readable. */
	p = mp_machport_get_port(mp);
	KR_EQ(MACH_MSG_SUCCESS, send_id(p, 42));
	n = epoll_wait(ep, out, 4, 5000);
	ASSERT_EQ(1, n);
	ASSERT_EQ(mp, out[0].data.ptr);
	ASSERT_EQ(1, mp_machport_perform(mp));
	ASSERT_EQ(42, c.ids[0]);
	ASSERT_EQ(0, epoll_wait(ep, out, 4, 100));

	/* The server's exit makes the remote's descriptor readable. */
	ASSERT_EQ(0, stop_server(&s, false));
	n = epoll_wait(ep, out, 4, 5000);
	ASSERT_EQ(1, n);
	ASSERT_EQ(remote, out[0].data.ptr);
	ASSERT_EQ(-1, mp_msgport_perform(remote));
	ASSERT_EQ(1, global_counts.invalidations);
	epoll_ctl(ep, EPOLL_CTL_DEL, mp_msgport_get_fd(remote), NULL);

	/* An invalidation makes the descriptor readable too. */
	mp_machport_invalidate(mp);
	n = epoll_wait(ep, out, 4, 5000);
	ASSERT_EQ(1, n);
	ASSERT_EQ(mp, out[0].data.ptr);
	ASSERT_EQ(-1, mp_machport_perform(mp));
	epoll_ctl(ep, EPOLL_CTL_DEL, mp_machport_get_fd(mp), NULL);
	mp_machport_release(mp);
	mp_msgport_release(remote);
	close(ep);
}

/* ---- the run loop ----------------------------------------------------- */

static void *stop_later(void *arg)
{
	usleep(200 * 1000);
	mp_runloop_stop(arg);
	return NULL;
}

struct runner {
	mp_runloop_t *rl;
	int result;
};

static void *run_forever(void *arg)
{
	struct runner *r = arg;

	r->result = mp_runloop_run(r->rl, MP_TIMEOUT_FOREVER, false);
	return NULL;
}

TEST(runloop_timeout_stop_and_results)
{
	mp_runloop_t *rl = mp_runloop_create();
	mp_machport_t *mp = mp_machport_create(NULL, NULL, NULL);
	struct runner r = { rl, 0 };
	pthread_t t;
	double t0;

	ASSERT_NE(NULL, rl);
	ASSERT_NE(NULL, mp);
	ASSERT_LE(0, mp_runloop_get_fd(rl));
	/* No sources: finished at once. */
	ASSERT_EQ(MP_RUNLOOP_FINISHED, mp_runloop_run(rl, 5, false));
	ASSERT_EQ(0, mp_runloop_add_machport(rl, mp));
	ASSERT_EQ(0, mp_runloop_add_machport(rl, mp));	/* once only */

	t0 = now();
	ASSERT_EQ(MP_RUNLOOP_TIMED_OUT, mp_runloop_run(rl, 0.3, false));
	ASSERT_LE(0.29, now() - t0);
	ASSERT_GT(5.0, now() - t0);

	/* A stop from another thread. */
	ASSERT_EQ(0, pthread_create(&t, NULL, stop_later, rl));
	t0 = now();
	ASSERT_EQ(MP_RUNLOOP_STOPPED, mp_runloop_run(rl, 30, false));
	ASSERT_GT(10.0, now() - t0);
	pthread_join(t, NULL);

	/* A stop before the run makes it return at once. */
	mp_runloop_stop(rl);
	ASSERT_EQ(MP_RUNLOOP_STOPPED, mp_runloop_run(rl, 30, false));

	/* One thread at a time. */
	ASSERT_EQ(0, pthread_create(&t, NULL, run_forever, &r));
	t0 = now();
	while (!mp_runloop_is_running(rl) && now() - t0 < 10)
		usleep(1000);
	ASSERT_TRUE(mp_runloop_is_running(rl));
	ASSERT_EQ(MP_RUNLOOP_ERROR, mp_runloop_run(rl, 0, false));
	ASSERT_EQ(EBUSY, errno);
	mp_runloop_stop(rl);
	pthread_join(t, NULL);
	ASSERT_EQ(MP_RUNLOOP_STOPPED, r.result);
	ASSERT_FALSE(mp_runloop_is_running(rl));

	/* Return after one source handled. */
	KR_EQ(MACH_MSG_SUCCESS, send_id(mp_machport_get_port(mp), 1));
	ASSERT_EQ(MP_RUNLOOP_HANDLED_SOURCE, mp_runloop_run(rl, 10, true));

	/* Removed: finished again. */
	ASSERT_EQ(0, mp_runloop_remove_machport(rl, mp));
	ASSERT_EQ(-1, mp_runloop_remove_machport(rl, mp));
	ASSERT_EQ(ENOENT, errno);
	ASSERT_EQ(MP_RUNLOOP_FINISHED, mp_runloop_run(rl, 5, false));
	mp_runloop_release(rl);
	mp_machport_release(mp);
}

/* A source invalidated while the loop waits leaves it. */
static void *invalidate_later(void *arg)
{
	usleep(200 * 1000);
	mp_machport_invalidate(arg);
	return NULL;
}

TEST(runloop_drops_a_source_invalidated_by_another_thread)
{
	struct counts c = { 0 };
	mp_context_t ctx = { &c, NULL, NULL };
	mp_runloop_t *rl = mp_runloop_create();
	mp_machport_t *mp = mp_machport_create(NULL, &ctx, NULL);
	pthread_t t;

	mp_machport_set_invalidation_callback(mp, on_machport_invalid);
	ASSERT_EQ(0, mp_runloop_add_machport(rl, mp));
	ASSERT_EQ(0, pthread_create(&t, NULL, invalidate_later, mp));
	ASSERT_EQ(MP_RUNLOOP_FINISHED, mp_runloop_run(rl, 20, false));
	pthread_join(t, NULL);
	ASSERT_EQ(1, c.invalidations);
	mp_machport_release(mp);
	mp_runloop_release(rl);
}

/* ---- mp_msgport: requests and their results --------------------------- */

TEST(request_reply_across_processes)
{
	mp_msgport_t *remote;
	mp_data_t *reply = NULL;
	struct server s;
	char name[128];
	kern_return_t kr;

	uniq(name, sizeof(name), "rr");
	ASSERT_EQ(NULL, mp_msgport_create_remote(name, &kr));
	KR_EQ(BOOTSTRAP_UNKNOWN_SERVICE, kr);
	ASSERT_EQ(0, start_server(&s, name, SERVE));
	remote = mp_msgport_create_remote(name, &kr);
	ASSERT_NE(NULL, remote);
	KR_EQ(KERN_SUCCESS, kr);
	ASSERT_TRUE(mp_msgport_is_remote(remote));
	ASSERT_TRUE(mp_msgport_is_valid(remote));
	ASSERT_STREQ(name, mp_msgport_get_name(remote));
	/* A send right, with the remote's dead-name request armed on it. */
	ASSERT_EQ(MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_DNREQUEST,
		  type_of(mp_msgport_get_port(remote)));

	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(remote, ID_REVERSE, "abcdef", 6, 5, 5,
					  &reply));
	ASSERT_NE(NULL, reply);
	ASSERT_EQ(6, mp_data_get_length(reply));
	ASSERT_EQ(0, memcmp("fedcba", mp_data_get_bytes(reply), 6));
	mp_data_release(reply);

	/* Empty data both ways; a one-way request; forever timeouts. */
	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(remote, ID_ECHO, NULL, 0,
					  MP_TIMEOUT_FOREVER,
					  MP_TIMEOUT_FOREVER, &reply));
	ASSERT_EQ(0, mp_data_get_length(reply));
	mp_data_release(reply);
	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(remote, ID_ECHO, "x", 1, 5, 0, NULL));
	/* An id the server does not know: an empty reply. */
	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(remote, 12345, "x", 1, 5, 5, &reply));
	ASSERT_EQ(0, mp_data_get_length(reply));
	mp_data_release(reply);
	/* Timeouts that differ: reply longer, then reply shorter. */
	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(remote, ID_SLEEP, "x", 1, 0.05, 10,
					  &reply));
	ASSERT_EQ(0, memcmp("late", mp_data_get_bytes(reply), 4));
	mp_data_release(reply);
	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(remote, ID_SLEEP, "x", 1,
					  MP_TIMEOUT_FOREVER, 10, &reply));
	mp_data_release(reply);

	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(remote, ID_QUIT, NULL, 0, 5, 5, &reply));
	ASSERT_EQ(0, memcmp("bye", mp_data_get_bytes(reply), 3));
	mp_data_release(reply);
	ASSERT_EQ(0, stop_server(&s, false));
	mp_msgport_invalidate(remote);
	mp_msgport_release(remote);
}

TEST(send_timeout_on_a_full_queue)
{
	mp_msgport_t *remote;
	mp_data_t *reply = (mp_data_t *)1;
	struct server s;
	char name[128];
	double t0;
	int before;

	uniq(name, sizeof(name), "sendtimeout");
	ASSERT_EQ(0, start_server(&s, name, IDLE_QLIMIT1));
	remote = mp_msgport_create_remote(name, NULL);
	ASSERT_NE(NULL, remote);
	/* The first request fills the queue (limit 1, nobody receives). */
	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(remote, ID_ECHO, "1", 1, 1, 0, NULL));
	before = name_count();
	t0 = now();
	ASSERT_EQ(MP_MSGPORT_SEND_TIMEOUT,
		  mp_msgport_send_request(remote, ID_ECHO, "2", 1, 0.2, 5,
					  &reply));
	ASSERT_LE(0.19, now() - t0);
	ASSERT_EQ(NULL, reply);
	/* Out of line, one-way, no wait at all. */
	{
		static char big[100000];

		ASSERT_EQ(MP_MSGPORT_SEND_TIMEOUT,
			  mp_msgport_send_request(remote, ID_ECHO, big,
						  sizeof(big), 0, 0, NULL));
		ASSERT_EQ(MP_MSGPORT_SEND_TIMEOUT,
			  mp_msgport_send_request(remote, ID_ECHO, big,
						  sizeof(big), 0.1, 0.1, &reply));
	}
	/* What the failed sends gave back was released. */
	ASSERT_GE(before, name_count());
	ASSERT_EQ(1, urefs(mp_msgport_get_port(remote), MACH_PORT_RIGHT_SEND));
	ASSERT_TRUE(mp_msgport_is_valid(remote));
	ASSERT_EQ(0, stop_server(&s, false));
	mp_msgport_release(remote);
}

TEST(receive_timeout_when_the_server_never_answers)
{
	mp_msgport_t *remote;
	mp_data_t *reply = (mp_data_t *)1;
	struct server s;
	char name[128];
	double t0;

	uniq(name, sizeof(name), "rcvtimeout");
	ASSERT_EQ(0, start_server(&s, name, IDLE));
	remote = mp_msgport_create_remote(name, NULL);
	ASSERT_NE(NULL, remote);
	t0 = now();
	ASSERT_EQ(MP_MSGPORT_RECEIVE_TIMEOUT,
		  mp_msgport_send_request(remote, ID_ECHO, "a", 1, 1, 0.3,
					  &reply));
	ASSERT_LE(0.29, now() - t0);
	ASSERT_EQ(NULL, reply);
	/* Reply allowed longer than the send, and shorter. */
	t0 = now();
	ASSERT_EQ(MP_MSGPORT_RECEIVE_TIMEOUT,
		  mp_msgport_send_request(remote, ID_ECHO, "b", 1, 0.1, 0.4,
					  &reply));
	ASSERT_LE(0.39, now() - t0);
	ASSERT_EQ(MP_MSGPORT_RECEIVE_TIMEOUT,
		  mp_msgport_send_request(remote, ID_ECHO, "c", 1, 10, 0.1,
					  &reply));
	ASSERT_TRUE(mp_msgport_is_valid(remote));
	ASSERT_EQ(0, stop_server(&s, false));
	mp_msgport_release(remote);
}

TEST(is_invalid_after_invalidate_or_server_gone)
{
	mp_msgport_t *remote;
	struct server s;
	char name[128];

	uniq(name, sizeof(name), "isinvalid");
	ASSERT_EQ(0, start_server(&s, name, IDLE));
	remote = mp_msgport_create_remote(name, NULL);
	ASSERT_NE(NULL, remote);
	mp_msgport_invalidate(remote);
	ASSERT_FALSE(mp_msgport_is_valid(remote));
	ASSERT_EQ(MP_MSGPORT_IS_INVALID,
		  mp_msgport_send_request(remote, ID_ECHO, "a", 1, 1, 1, NULL));
	mp_msgport_release(remote);

	/* The server exits before the request: the port is dead. */
	remote = mp_msgport_create_remote(name, NULL);
	ASSERT_NE(NULL, remote);
	global_counts.invalidations = 0;
	mp_msgport_set_invalidation_callback(remote, on_msgport_invalid);
	ASSERT_EQ(0, stop_server(&s, false));
	ASSERT_EQ(MP_MSGPORT_IS_INVALID,
		  mp_msgport_send_request(remote, ID_ECHO, "a", 1, 1, 1, NULL));
	ASSERT_EQ(1, global_counts.invalidations);
	ASSERT_FALSE(mp_msgport_is_valid(remote));
	mp_msgport_release(remote);
	/* And the name is gone with it. */
	ASSERT_EQ(NULL, mp_msgport_create_remote(name, NULL));
	/* Misuse. */
	ASSERT_EQ(MP_MSGPORT_IS_INVALID,
		  mp_msgport_send_request(NULL, 1, "a", 1, 1, 1, NULL));
}

TEST(became_invalid_when_the_server_dies_with_the_request)
{
	mp_msgport_t *remote;
	mp_data_t *reply = (mp_data_t *)1;
	struct server s;
	char name[128];
	int status;

	uniq(name, sizeof(name), "became");
	ASSERT_EQ(0, start_server(&s, name, SERVE));
	remote = mp_msgport_create_remote(name, NULL);
	ASSERT_NE(NULL, remote);
	global_counts.invalidations = 0;
	mp_msgport_set_invalidation_callback(remote, on_msgport_invalid);
	ASSERT_EQ(MP_MSGPORT_BECAME_INVALID,
		  mp_msgport_send_request(remote, ID_DIE, "x", 1, 5, 20, &reply));
	ASSERT_EQ(NULL, reply);
	ASSERT_EQ(s.pid, waitpid(s.pid, &status, 0));
	s.pid = -1;
	close(s.to_child);
	ASSERT_FALSE(mp_msgport_is_valid(remote));
	ASSERT_EQ(1, global_counts.invalidations);
	ASSERT_EQ(MP_MSGPORT_IS_INVALID,
		  mp_msgport_send_request(remote, ID_ECHO, "x", 1, 5, 5, &reply));
	mp_msgport_release(remote);
}

TEST(remote_invalidated_when_the_server_exits)
{
	mp_runloop_t *rl = mp_runloop_create();
	mp_msgport_t *remote, *again;
	struct server s;
	char name[128];

	uniq(name, sizeof(name), "remotedies");
	ASSERT_EQ(0, start_server(&s, name, IDLE));
	remote = mp_msgport_create_remote(name, NULL);
	again = mp_msgport_create_remote(name, NULL);	/* the same name here */
	ASSERT_NE(NULL, remote);
	ASSERT_NE(NULL, again);
	ASSERT_EQ(mp_msgport_get_port(remote), mp_msgport_get_port(again));
	ASSERT_EQ(2, urefs(mp_msgport_get_port(remote), MACH_PORT_RIGHT_SEND));
	global_counts.invalidations = 0;
	mp_msgport_set_invalidation_callback(remote, on_msgport_invalid);
	mp_msgport_set_invalidation_callback(again, on_msgport_invalid);
	ASSERT_EQ(0, mp_runloop_add_msgport(rl, remote));
	ASSERT_EQ(0, mp_runloop_add_msgport(rl, again));
	ASSERT_EQ(MP_RUNLOOP_TIMED_OUT, mp_runloop_run(rl, 0.2, false));
	ASSERT_EQ(0, stop_server(&s, false));
	ASSERT_EQ(0, global_counts.invalidations);
	ASSERT_EQ(MP_RUNLOOP_FINISHED, mp_runloop_run(rl, 10, false));
	ASSERT_EQ(2, global_counts.invalidations);
	ASSERT_FALSE(mp_msgport_is_valid(remote));
	ASSERT_FALSE(mp_msgport_is_valid(again));
	mp_msgport_release(remote);
	mp_msgport_release(again);
	mp_runloop_release(rl);
}

TEST(local_invalidated_when_its_receive_right_is_destroyed)
{
	struct counts c = { 0 };
	mp_context_t ctx = { &c, NULL, NULL };
	mp_msgport_t *local, *remote;
	kern_return_t kr;
	mach_port_t p;
	char name[128];

	uniq(name, sizeof(name), "localgone");
	local = mp_msgport_create_local(name, server_callout, &ctx, &kr);
	ASSERT_NE(NULL, local);
	ASSERT_FALSE(mp_msgport_is_remote(local));
	ASSERT_STREQ(name, mp_msgport_get_name(local));
	/* The name is taken now. */
	ASSERT_EQ(NULL, mp_msgport_create_local(name, NULL, NULL, &kr));
	KR_EQ(BOOTSTRAP_SERVICE_ACTIVE, kr);
	mp_msgport_set_invalidation_callback(local, on_msgport_invalid);
	p = mp_msgport_get_port(local);
	ASSERT_EQ(MACH_PORT_TYPE_RECEIVE, type_of(p));
	/* A remote in this process too, notified as well. */
	remote = mp_msgport_create_remote(name, NULL);
	ASSERT_NE(NULL, remote);
	global_counts.invalidations = 0;
	mp_msgport_set_invalidation_callback(remote, on_msgport_invalid);
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(SELF, p, MACH_PORT_RIGHT_RECEIVE, -1));
	ASSERT_FALSE(mp_msgport_is_valid(local));
	ASSERT_EQ(1, c.invalidations);
	ASSERT_EQ(-1, mp_msgport_perform(local));
	ASSERT_FALSE(mp_msgport_is_valid(remote));
	ASSERT_EQ(1, global_counts.invalidations);
	mp_msgport_release(remote);
	mp_msgport_release(local);
	/* The name went with the port. */
	ASSERT_EQ(NULL, mp_msgport_create_remote(name, &kr));
	KR_EQ(BOOTSTRAP_UNKNOWN_SERVICE, kr);

	/* Explicit invalidation releases the name as well. */
	local = mp_msgport_create_local(name, NULL, NULL, &kr);
	ASSERT_NE(NULL, local);
	mp_msgport_invalidate(local);
	ASSERT_EQ(NULL, mp_msgport_create_remote(name, &kr));
	KR_EQ(BOOTSTRAP_UNKNOWN_SERVICE, kr);
	mp_msgport_release(local);
}

/* ---- in-process server thread ------------------------------------------ */

struct loop_thread {
	pthread_t t;
	mp_runloop_t *rl;
	int result;
};

static void *loop_main(void *arg)
{
	struct loop_thread *lt = arg;

	lt->result = mp_runloop_run(lt->rl, 60, false);
	return NULL;
}

static int loop_start(struct loop_thread *lt, mp_msgport_t *local)
{
	lt->rl = mp_runloop_create();
	if (!lt->rl || mp_runloop_add_msgport(lt->rl, local))
		return -1;
	return pthread_create(&lt->t, NULL, loop_main, lt);
}

static int loop_stop(struct loop_thread *lt)
{
	mp_runloop_stop(lt->rl);
	pthread_join(lt->t, NULL);
	mp_runloop_release(lt->rl);
	return lt->result;
}

TEST(set_name_later_and_rename)
{
	mp_msgport_t *local = mp_msgport_create_local(NULL, server_callout,
						      NULL, NULL);
	mp_msgport_t *remote, *other;
	struct loop_thread lt;
	mp_data_t *reply;
	char a[128], b[128];
	kern_return_t kr;

	ASSERT_NE(NULL, local);
	ASSERT_EQ(NULL, mp_msgport_get_name(local));
	uniq(a, sizeof(a), "later");
	uniq(b, sizeof(b), "renamed");
	ASSERT_TRUE(mp_msgport_set_name(local, a));
	ASSERT_STREQ(a, mp_msgport_get_name(local));
	ASSERT_TRUE(mp_msgport_set_name(local, a));	/* the same: fine */
	ASSERT_EQ(0, loop_start(&lt, local));
	remote = mp_msgport_create_remote(a, NULL);
	ASSERT_NE(NULL, remote);
	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(remote, ID_REVERSE, "ab", 2, 5, 5,
					  &reply));
	ASSERT_EQ(0, memcmp("ba", mp_data_get_bytes(reply), 2));
	mp_data_release(reply);
	/* A local port of this process is a destination too. */
	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(local, ID_ECHO, "xy", 2, 5, 5, &reply));
	ASSERT_EQ(0, memcmp("xy", mp_data_get_bytes(reply), 2));
	mp_data_release(reply);

	ASSERT_TRUE(mp_msgport_set_name(local, b));
	ASSERT_STREQ(b, mp_msgport_get_name(local));
	ASSERT_EQ(NULL, mp_msgport_create_remote(a, &kr));
	KR_EQ(BOOTSTRAP_UNKNOWN_SERVICE, kr);
	other = mp_msgport_create_remote(b, NULL);
	ASSERT_NE(NULL, other);
	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(other, ID_ECHO, "z", 1, 5, 5, &reply));
	mp_data_release(reply);
	/* Remote ports have no name to set; a taken name is refused. */
	ASSERT_FALSE(mp_msgport_set_name(other, a));
	{
		mp_msgport_t *taker = mp_msgport_create_local(a, NULL, NULL, NULL);

		ASSERT_NE(NULL, taker);
		ASSERT_FALSE(mp_msgport_set_name(local, a));
		ASSERT_STREQ(b, mp_msgport_get_name(local));
		mp_msgport_release(taker);
	}
	ASSERT_EQ(MP_RUNLOOP_STOPPED, loop_stop(&lt));
	mp_msgport_release(other);
	mp_msgport_release(remote);
	mp_msgport_invalidate(local);
	mp_msgport_release(local);
}

/* ---- payloads ---------------------------------------------------------- */

static int check_reverse(mp_msgport_t *remote, size_t len)
{
	unsigned char *buf = calloc(len ? len : 1, 1);
	const unsigned char *got;
	mp_data_t *reply = NULL;
	size_t i;
	int ret = 0;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 7 + i / 251);
	if (mp_msgport_send_request(remote, ID_REVERSE, buf, len, 10, 30,
				    &reply) != MP_MSGPORT_SUCCESS)
		ret = 1;
	else if (mp_data_get_length(reply) != len)
		ret = 2;
	got = mp_data_get_bytes(reply);
	for (i = 0; !ret && i < len; i++)
		if (got[i] != buf[len - 1 - i])
			ret = 3;
	mp_data_release(reply);
	free(buf);
	return ret;
}

TEST(out_of_line_payloads_round_trip)
{
	mp_msgport_t *remote;
	struct server s;
	char name[128];
	int before;

	uniq(name, sizeof(name), "ool");
	ASSERT_EQ(0, start_server(&s, name, SERVE));
	remote = mp_msgport_create_remote(name, NULL);
	ASSERT_NE(NULL, remote);
	ASSERT_EQ(0, check_reverse(remote, 1));
	ASSERT_EQ(0, check_reverse(remote, MP_MSGPORT_INLINE_MAX));
	ASSERT_EQ(0, check_reverse(remote, MP_MSGPORT_INLINE_MAX + 1));
	before = name_count();
	ASSERT_EQ(0, check_reverse(remote, 1 << 20));
	ASSERT_EQ(0, check_reverse(remote, 3 * 1000 * 1000 + 3));
	ASSERT_EQ(before, name_count());
	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(remote, ID_QUIT, NULL, 0, 5, 5, NULL));
	ASSERT_EQ(0, stop_server(&s, false));
	mp_msgport_release(remote);
}

/* A raw mach_msg() client speaks the documented wire format. */
TEST(raw_mach_msg_client_of_a_local_port)
{
	struct {
		mach_msg_header_t h;
		struct mp_msgport_wire w;
		char data[8];
	} req = { 0 };
	union {
		mach_msg_header_t h;
		struct {
			mach_msg_header_t h;
			struct mp_msgport_wire w;
			char data[8];
		} r;
		char buf[256];
	} rep;
	mp_msgport_t *local;
	struct loop_thread lt;
	mach_port_t p, rp = new_port();
	char name[128];

	uniq(name, sizeof(name), "raw");
	local = mp_msgport_create_local(name, server_callout, NULL, NULL);
	ASSERT_NE(NULL, local);
	ASSERT_EQ(0, loop_start(&lt, local));
	KR_EQ(KERN_SUCCESS, bootstrap_look_up(bootstrap_port, name, &p));
	req.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND,
					 MACH_MSG_TYPE_MAKE_SEND_ONCE);
	req.h.msgh_remote_port = p;
	req.h.msgh_local_port = rp;
	req.h.msgh_id = ID_REVERSE;
	req.w.magic = MP_MSGPORT_MAGIC;
	req.w.length = 3;
	memcpy(req.data, "raw", 3);
	KR_EQ(MACH_MSG_SUCCESS,
	      mach_msg_overwrite(&req.h, MACH_SEND_MSG | MACH_RCV_MSG |
				 MACH_RCV_TIMEOUT, sizeof(req), sizeof(rep),
				 rp, 10000, MACH_PORT_NULL, &rep.h, 0));
	ASSERT_EQ(ID_REVERSE + MP_MSGPORT_REPLY_DELTA, rep.h.msgh_id);
	ASSERT_EQ(MP_MSGPORT_MAGIC, rep.r.w.magic);
	ASSERT_EQ(3, rep.r.w.length);
	ASSERT_EQ(0, memcmp("war", rep.r.data, 3));
	/* Garbage is dropped: the reply right tells the sender. */
	req.w.magic = 0;
	KR_EQ(MACH_MSG_SUCCESS,
	      mach_msg_overwrite(&req.h, MACH_SEND_MSG | MACH_RCV_MSG |
				 MACH_RCV_TIMEOUT, sizeof(req), sizeof(rep),
				 rp, 10000, MACH_PORT_NULL, &rep.h, 0));
	ASSERT_EQ(MACH_NOTIFY_SEND_ONCE, rep.h.msgh_id);
	ASSERT_EQ(MP_RUNLOOP_STOPPED, loop_stop(&lt));
	mach_port_deallocate(SELF, p);
	mach_port_mod_refs(SELF, rp, MACH_PORT_RIGHT_RECEIVE, -1);
	mp_msgport_invalidate(local);
	mp_msgport_release(local);
}

/* ---- threads ------------------------------------------------------------ */

#define THREADS		8
#define PER_THREAD	40

struct sender {
	pthread_t t;
	mp_msgport_t *remote;
	int index;
	int failures;
};

static void *send_many(void *arg)
{
	struct sender *s = arg;
	char buf[64];
	mp_data_t *reply;
	int i, n;

	for (i = 0; i < PER_THREAD; i++) {
		n = snprintf(buf, sizeof(buf), "thread %d request %d", s->index, i);
		reply = NULL;
		if (mp_msgport_send_request(s->remote, ID_ECHO, buf, n, 10, 30,
					    &reply) != MP_MSGPORT_SUCCESS ||
		    mp_data_get_length(reply) != (size_t)n ||
		    memcmp(buf, mp_data_get_bytes(reply), n))
			s->failures++;
		mp_data_release(reply);
		/* Every fourth one goes out of line. */
		if (i % 4 == 0 && check_reverse(s->remote, 70000 + s->index))
			s->failures++;
	}
	return NULL;
}

TEST(many_threads_send_requests_at_once)
{
	struct sender s[THREADS];
	mp_msgport_t *remote;
	struct server srv;
	char name[128];
	int i, failures = 0;

	uniq(name, sizeof(name), "threads");
	ASSERT_EQ(0, start_server(&srv, name, SERVE));
	remote = mp_msgport_create_remote(name, NULL);
	ASSERT_NE(NULL, remote);
	for (i = 0; i < THREADS; i++) {
		s[i].remote = remote;
		s[i].index = i;
		s[i].failures = 0;
		ASSERT_EQ(0, pthread_create(&s[i].t, NULL, send_many, &s[i]));
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(s[i].t, NULL);
		failures += s[i].failures;
	}
	ASSERT_EQ(0, failures);
	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(remote, ID_QUIT, NULL, 0, 5, 5, NULL));
	ASSERT_EQ(0, stop_server(&srv, false));
	mp_msgport_release(remote);
}

static void *send_some(void *arg)
{
	struct sender *s = arg;
	mp_data_t *reply;
	int i;

	for (i = 0; i < 25; i++) {
		reply = NULL;
		if (mp_msgport_send_request(s->remote, ID_ECHO, &i, sizeof(i), 10,
					    30, &reply) != MP_MSGPORT_SUCCESS ||
		    mp_data_get_length(reply) != sizeof(i))
			s->failures++;
		mp_data_release(reply);
	}
	return NULL;
}

/* One thread invalidates while others send: no crash, sane results. */
static void *send_until_invalid(void *arg)
{
	struct sender *s = arg;
	int32_t r;

	do {
		r = mp_msgport_send_request(s->remote, ID_ECHO, "q", 1, 10, 30,
					    NULL);
		if (r != MP_MSGPORT_SUCCESS && r != MP_MSGPORT_IS_INVALID)
			s->failures++;
	} while (r == MP_MSGPORT_SUCCESS);
	return NULL;
}

TEST(invalidate_while_other_threads_send)
{
	struct sender s[4];
	mp_msgport_t *remote;
	struct server srv;
	char name[128];
	int i;

	uniq(name, sizeof(name), "race");
	ASSERT_EQ(0, start_server(&srv, name, SERVE));
	remote = mp_msgport_create_remote(name, NULL);
	ASSERT_NE(NULL, remote);
	for (i = 0; i < 4; i++) {
		s[i].remote = remote;
		s[i].failures = 0;
		ASSERT_EQ(0, pthread_create(&s[i].t, NULL, send_until_invalid,
					    &s[i]));
	}
	usleep(100 * 1000);
	mp_msgport_invalidate(remote);
	for (i = 0; i < 4; i++) {
		pthread_join(s[i].t, NULL);
		ASSERT_EQ(0, s[i].failures);
	}
	/* The send right went once the last sender left. */
	ASSERT_EQ(~0u, type_of(mp_msgport_get_port(remote)));
	mp_msgport_release(remote);
	ASSERT_EQ(0, stop_server(&srv, true));
}

/* The callbacks of one object never run at the same time. */
static atomic_int inside, overlaps, nested_result = -2;

static mp_data_t *slow_callout(mp_msgport_t *local, int32_t msgid,
			       const void *data, size_t length, void *info)
{
	(void)msgid;
	(void)info;
	if (atomic_fetch_add(&inside, 1))
		atomic_fetch_add(&overlaps, 1);
	/* Performing itself from its own callback: nothing, no deadlock. */
	atomic_store(&nested_result, mp_msgport_perform(local));
	usleep(1000);
	atomic_fetch_sub(&inside, 1);
	return mp_data_create(data, length);
}

TEST(callbacks_of_one_object_never_overlap)
{
	struct loop_thread lt[2];
	struct sender s[4];
	mp_msgport_t *local, *remote;
	char name[128];
	int i;

	uniq(name, sizeof(name), "overlap");
	local = mp_msgport_create_local(name, slow_callout, NULL, NULL);
	ASSERT_NE(NULL, local);
	remote = mp_msgport_create_remote(name, NULL);
	ASSERT_NE(NULL, remote);
	/* One object in two run loops, each run by its own thread. */
	ASSERT_EQ(0, loop_start(&lt[0], local));
	ASSERT_EQ(0, loop_start(&lt[1], local));
	for (i = 0; i < 4; i++) {
		s[i].remote = remote;
		s[i].index = i;
		s[i].failures = 0;
		ASSERT_EQ(0, pthread_create(&s[i].t, NULL, send_some, &s[i]));
	}
	for (i = 0; i < 4; i++) {
		pthread_join(s[i].t, NULL);
		ASSERT_EQ(0, s[i].failures);
	}
	ASSERT_EQ(MP_RUNLOOP_STOPPED, loop_stop(&lt[0]));
	ASSERT_EQ(MP_RUNLOOP_STOPPED, loop_stop(&lt[1]));
	ASSERT_EQ(0, overlaps);
	ASSERT_EQ(0, nested_result);
	mp_msgport_release(remote);
	mp_msgport_invalidate(local);
	mp_msgport_release(local);
}

/* ---- fork -------------------------------------------------------------- */

TEST(forked_child_sees_parent_objects_invalid)
{
	struct counts c = { 0 };
	mp_context_t ctx = { &c, NULL, NULL };
	mp_msgport_t *local, *remote;
	mp_machport_t *mp;
	mp_runloop_t *rl = mp_runloop_create();
	mp_data_t *reply;
	struct loop_thread lt;
	char name[128];
	pid_t pid;
	int status;

	uniq(name, sizeof(name), "fork");
	local = mp_msgport_create_local(name, server_callout, &ctx, NULL);
	ASSERT_NE(NULL, local);
	remote = mp_msgport_create_remote(name, NULL);
	ASSERT_NE(NULL, remote);
	mp = mp_machport_create(on_message, &ctx, NULL);
	ASSERT_NE(NULL, mp);
	mp_machport_set_invalidation_callback(mp, on_machport_invalid);
	mp_msgport_set_invalidation_callback(local, on_msgport_invalid);
	ASSERT_EQ(0, mp_runloop_add_machport(rl, mp));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int bad = 0;
		mp_machport_t *mine;

		bad |= mp_machport_is_valid(mp) << 0;
		bad |= mp_msgport_is_valid(local) << 1;
		bad |= mp_msgport_is_valid(remote) << 2;
		bad |= (mp_msgport_send_request(remote, ID_ECHO, "a", 1, 1, 1,
						NULL) != MP_MSGPORT_IS_INVALID) << 3;
		bad |= (mp_machport_perform(mp) != -1) << 4;
		bad |= (mp_runloop_run(rl, 0, false) != MP_RUNLOOP_ERROR) << 5;
		/* Inert: no callbacks, and the parent's ports stay. */
		mp_machport_invalidate(mp);
		mp_msgport_invalidate(local);
		bad |= (c.invalidations != 0) << 6;
		mp_runloop_stop(rl);	/* must not stop the parent's loop */
		mp_runloop_release(rl);
		mp_machport_release(mp);
		mp_msgport_release(remote);
		mp_msgport_release(local);
		/* The child's own objects work. */
		mine = mp_machport_create(NULL, NULL, NULL);
		bad |= (!mine || !mp_machport_is_valid(mine)) << 7;
		mp_machport_release(mine);
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* The parent's objects are untouched. */
	ASSERT_TRUE(mp_machport_is_valid(mp));
	ASSERT_TRUE(mp_msgport_is_valid(local));
	ASSERT_TRUE(mp_msgport_is_valid(remote));
	ASSERT_EQ(0, c.invalidations);
	/* The stop the child asked for did not reach the parent's loop. */
	ASSERT_EQ(MP_RUNLOOP_TIMED_OUT, mp_runloop_run(rl, 0.1, false));
	ASSERT_EQ(0, loop_start(&lt, local));
	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(remote, ID_ECHO, "ok", 2, 5, 5, &reply));
	mp_data_release(reply);
	ASSERT_EQ(MP_RUNLOOP_STOPPED, loop_stop(&lt));
	mp_msgport_invalidate(local);
	ASSERT_EQ(1, c.invalidations);
	mp_machport_invalidate(mp);
	ASSERT_EQ(2, c.invalidations);
	mp_msgport_release(remote);
	mp_msgport_release(local);
	mp_machport_release(mp);
	mp_runloop_release(rl);
}

/* ---- leaks ------------------------------------------------------------- */

TEST(no_names_left_behind)
{
	mp_msgport_t *local, *remote;
	mp_machport_t *mp, *watch;
	mp_runloop_t *rl;
	struct loop_thread lt;
	mp_data_t *reply;
	char name[128];
	int before;

	/* This thread's reply port stays the thread's: make it first. */
	ASSERT_NE(MACH_PORT_NULL, mig_get_reply_port());
	before = name_count();
	ASSERT_LT(0, before);
	uniq(name, sizeof(name), "leak");
	local = mp_msgport_create_local(name, server_callout, NULL, NULL);
	ASSERT_NE(NULL, local);
	remote = mp_msgport_create_remote(name, NULL);
	ASSERT_NE(NULL, remote);
	mp = mp_machport_create(NULL, NULL, NULL);
	watch = mp_machport_create_with_port(mp_machport_get_port(mp), NULL,
					     NULL, 0, NULL);
	ASSERT_NE(NULL, watch);
	rl = mp_runloop_create();
	ASSERT_EQ(0, mp_runloop_add_machport(rl, mp));
	ASSERT_EQ(0, loop_start(&lt, local));
	ASSERT_EQ(MP_MSGPORT_SUCCESS,
		  mp_msgport_send_request(remote, ID_REVERSE, "abc", 3, 5, 5,
					  &reply));
	mp_data_release(reply);
	ASSERT_EQ(0, check_reverse(remote, 200000));
	ASSERT_EQ(MP_RUNLOOP_STOPPED, loop_stop(&lt));
	mp_msgport_release(remote);
	mp_msgport_release(local);
	mp_machport_release(watch);
	mp_runloop_release(rl);
	mp_machport_release(mp);
	ASSERT_EQ(before, name_count());
}

static int freed;

static void count_free(void *bytes, size_t length, void *arg)
{
	(void)bytes;
	(void)length;
	*(int *)arg += 1;
}

TEST(mp_data_basics)
{
	char bytes[] = "hello";
	mp_data_t *d = mp_data_create(bytes, 5), *n;

	ASSERT_NE(NULL, d);
	bytes[0] = 'j';
	ASSERT_EQ(0, memcmp("hello", mp_data_get_bytes(d), 5));
	ASSERT_EQ(d, mp_data_retain(d));
	mp_data_release(d);
	ASSERT_EQ(5, mp_data_get_length(d));
	mp_data_release(d);
	ASSERT_EQ(NULL, mp_data_create(NULL, 3));
	ASSERT_EQ(0, mp_data_get_length(NULL));
	n = mp_data_create_no_copy(bytes, 5, count_free, &freed);
	ASSERT_TRUE(mp_data_get_bytes(n) == (const void *)bytes);
	mp_data_release(n);
	ASSERT_EQ(1, freed);
}

TEST_HARNESS_MAIN
