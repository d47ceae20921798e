// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection (debug lane: FAILSLAB and FAIL_PAGE_ALLOC): every
 * allocation on the port and message paths is made to fail in turn, with
 * /proc/thread-self/fail-nth, and each failure must surface as the
 * documented Mach error, leave nothing half done and leak nothing. On a
 * kernel without fault injection the tests skip.
 *
 * For each operation: arm fail-nth = 1, 2, ... and run the operation once
 * per value until a run completes without the fault being injected; the
 * number of runs that failed is the number of allocation sites the
 * operation reaches. After every run the operation is undone and the
 * module's port count must be back where it started.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mach/mach.h>
#include <machport/pollfd.h>
#include <servers/bootstrap.h>

#include "kselftest_harness.h"
#include "util.h"

#define SELF mach_task_self()
#define MAX_NTH 400

static int nth_fd = -1;

static int write_str(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, v, strlen(v)) == (ssize_t)strlen(v);
	close(fd);
	return ok ? 0 : -1;
}

/*
 * Let the injectors fail sleeping allocations too (they skip them by
 * default) and keep quiet; fail-nth then picks which call fails.
 */
static int setup_injection(void)
{
	static const char *const knobs[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/verbose", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (write_str(knobs[i][0], knobs[i][1]))
			return -1;
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	return nth_fd < 0 ? -1 : 0;
}

static void arm(int nth)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", nth);

	if (pwrite(nth_fd, buf, n, 0) != n)
		abort();
}

/* True if the armed fault was injected; disarms either way. */
static int injected(void)
{
	char buf[16] = "";
	int left;

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0)
		abort();
	left = atoi(buf);
	arm(0);
	return left == 0;
}

/* The codes an allocation failure may surface as. */
static int is_shortage(kern_return_t kr)
{
	return kr == KERN_RESOURCE_SHORTAGE || kr == KERN_NO_SPACE ||
	       kr == MACH_SEND_NO_BUFFER || kr == BOOTSTRAP_NO_MEMORY ||
	       kr == (MACH_RCV_HEADER_ERROR | MACH_MSG_IPC_SPACE) ||
	       kr == (MACH_RCV_BODY_ERROR | MACH_MSG_VM_SPACE) ||
	       kr == (MACH_RCV_BODY_ERROR | MACH_MSG_IPC_SPACE) ||
	       kr == (MACH_RCV_BODY_ERROR | MACH_MSG_VM_KERNEL) ||
	       kr == (MACH_RCV_BODY_ERROR | MACH_MSG_IPC_KERNEL) ||
	       kr == MACH_RCV_INVALID_DATA;
}

/*
 * One operation under test: @prepare (not injected) sets up *state, @op
 * is what faults are injected into, @undo returns to the start. @op's
 * result must be success or a shortage; @check (optional) verifies the
 * state after @op, given whether it succeeded.
 */
struct fault_op {
	const char *name;
	void (*prepare)(void *state);
	kern_return_t (*op)(void *state);
	int (*check)(void *state, kern_return_t kr);
	void (*undo)(void *state);
};

/* Returns the number of allocation sites, or -1 after a bad result. */
static int sweep(struct __test_metadata *_metadata, const struct fault_op *f,
		 void *state)
{
	long ports = mp_count("ports");
	int nth;

	for (nth = 1; nth <= MAX_NTH; nth++) {
		kern_return_t kr;
		int hit;

		if (f->prepare)
			f->prepare(state);
		arm(nth);
		kr = f->op(state);
		hit = injected();
		if (kr != KERN_SUCCESS && !(hit && is_shortage(kr))) {
			TH_LOG("%s: fail-nth %d: %#x (%s)%s", f->name, nth, kr,
			       mach_error_string(kr), hit ? "" : ", not injected");
			return -1;
		}
		if (f->check && !f->check(state, kr)) {
			TH_LOG("%s: fail-nth %d: inconsistent after %#x", f->name,
			       nth, kr);
			return -1;
		}
		f->undo(state);
		if (mp_count("ports") != ports) {
			TH_LOG("%s: fail-nth %d: %ld ports, %ld before", f->name,
			       nth, mp_count("ports"), ports);
			return -1;
		}
		if (!hit) {
			TH_LOG("%s: %d allocation sites", f->name, nth - 1);
			return nth - 1;
		}
	}
	TH_LOG("%s: more than %d sites", f->name, MAX_NTH);
	return -1;
}

#define NEEDS_INJECTION()						\
	do {								\
		if (setup_injection())					\
			SKIP(return, "no fault injection in this kernel"); \
	} while (0)

/* ---- Ports -------------------------------------------------------------- */

struct ports_state {
	mach_port_t p[80];
	int n;
};

static kern_return_t op_allocate(void *v)
{
	struct ports_state *s = v;
	kern_return_t kr = KERN_SUCCESS;

	/* 80 ports: the table grows on the way. */
	for (s->n = 0; s->n < 80; s->n++) {
		kr = mach_port_allocate(SELF, MACH_PORT_RIGHT_RECEIVE, &s->p[s->n]);
		if (kr)
			break;
		kr = mach_port_insert_right(SELF, s->p[s->n], s->p[s->n],
					    MACH_MSG_TYPE_MAKE_SEND);
		if (kr) {
			s->n++;
			break;
		}
	}
	return kr;
}

static void undo_ports(void *v)
{
	struct ports_state *s = v;

	while (s->n > 0)
		mach_port_destroy(SELF, s->p[--s->n]);
}

TEST(allocate_and_insert)
{
	struct ports_state s = { .n = 0 };
	struct fault_op f = { "allocate", NULL, op_allocate, NULL, undo_ports };

	NEEDS_INJECTION();
	ASSERT_LT(0, sweep(_metadata, &f, &s));
}

/* ---- Messages ----------------------------------------------------------- */

struct msg_state {
	mach_port_t dest, carried, reply;
	void *ool_small, *ool_large;
	mach_port_t ool_ports[4];
	mach_msg_size_t inline_size;
	int complex;
};

struct big_msg {
	mach_msg_header_t h;
	mach_msg_body_t body;
	mach_msg_port_descriptor_t port;
	mach_msg_ool_descriptor_t small;
	mach_msg_ool_descriptor_t large;
	mach_msg_ool_ports_descriptor_t ports;
	char data[2048];
};

static void prepare_msg(void *v)
{
	struct msg_state *s = v;

	s->dest = new_port();
	s->carried = new_port();
	s->reply = new_port();
	mach_port_insert_right(SELF, s->carried, s->carried,
			       MACH_MSG_TYPE_MAKE_SEND);
}

static kern_return_t op_send(void *v)
{
	struct msg_state *s = v;
	struct big_msg m;

	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND,
				       MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.h.msgh_remote_port = s->dest;
	m.h.msgh_local_port = s->reply;
	m.h.msgh_id = 1234;
	if (s->complex) {
		m.h.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
		m.body.msgh_descriptor_count = 4;
		m.port.name = s->carried;
		m.port.disposition = MACH_MSG_TYPE_COPY_SEND;
		m.port.type = MACH_MSG_PORT_DESCRIPTOR;
		m.small.address = s->ool_small;
		m.small.size = 4096;
		m.small.copy = MACH_MSG_VIRTUAL_COPY;
		m.small.type = MACH_MSG_OOL_DESCRIPTOR;
		m.large.address = s->ool_large;
		m.large.size = 256 * 1024;	/* the shmem path */
		m.large.copy = MACH_MSG_VIRTUAL_COPY;
		m.large.type = MACH_MSG_OOL_DESCRIPTOR;
		m.ports.address = s->ool_ports;
		m.ports.count = 4;
		m.ports.disposition = MACH_MSG_TYPE_COPY_SEND;
		m.ports.type = MACH_MSG_OOL_PORTS_DESCRIPTOR;
	}
	return mach_msg(&m.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT,
			s->complex ? sizeof(m) : s->inline_size, 0, 0, 0, 0);
}

/* Sent: the message is there and intact. Failed: nothing is queued. */
static int check_send(void *v, kern_return_t kr)
{
	struct msg_state *s = v;
	mach_port_status_t st = status_of(s->dest);

	if (kr)
		return st.mps_msgcount == 0 &&
		       type_of(s->carried) == MACH_PORT_TYPE_SEND_RECEIVE;
	return st.mps_msgcount == 1;
}

static void undo_msg(void *v)
{
	struct msg_state *s = v;

	mach_port_destroy(SELF, s->dest);
	mach_port_destroy(SELF, s->carried);
	mach_port_destroy(SELF, s->reply);
}

static void msg_setup(struct msg_state *s, int complex, mach_msg_size_t size)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->complex = complex;
	s->inline_size = size;
	s->ool_small = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	s->ool_large = mmap(NULL, 256 * 1024, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	memset(s->ool_small, 1, 4096);
	memset(s->ool_large, 2, 256 * 1024);
	for (i = 0; i < 4; i++)
		s->ool_ports[i] = mach_task_self();
}

TEST(send_small_message)
{
	struct msg_state s;
	struct fault_op f = { "send 64 B", prepare_msg, op_send, check_send,
			      undo_msg };

	NEEDS_INJECTION();
	msg_setup(&s, 0, 64);
	ASSERT_LE(0, sweep(_metadata, &f, &s));
}

TEST(send_large_inline_message)
{
	struct msg_state s;
	struct fault_op f = { "send 2 KiB", prepare_msg, op_send, check_send,
			      undo_msg };

	NEEDS_INJECTION();
	msg_setup(&s, 0, 2048);
	ASSERT_LT(0, sweep(_metadata, &f, &s));
}

TEST(send_complex_message)
{
	struct msg_state s;
	struct fault_op f = { "send complex", prepare_msg, op_send, check_send,
			      undo_msg };

	NEEDS_INJECTION();
	msg_setup(&s, 1, 0);
	ASSERT_LT(0, sweep(_metadata, &f, &s));
}

/* The receive side: the message is queued before the fault is armed. */
static void prepare_queued(void *v)
{
	prepare_msg(v);
	if (op_send(v))
		abort();
}

static kern_return_t op_receive(void *v)
{
	struct msg_state *s = v;
	static struct big_msg m;
	static char room[sizeof(m) + 128];
	kern_return_t kr;

	memset(room, 0, sizeof(room));
	kr = mach_msg((mach_msg_header_t *)room, MACH_RCV_MSG | MACH_RCV_TIMEOUT,
		      0, sizeof(room), s->dest, 0, 0);
	if (kr == KERN_SUCCESS) {
		mach_msg_header_t *h = (mach_msg_header_t *)room;

		if (h->msgh_id != 1234)
			return KERN_FAILURE;
		mach_msg_destroy(h);
	}
	return kr;
}

TEST(receive_complex_message)
{
	struct msg_state s;
	struct fault_op f = { "receive complex", prepare_queued, op_receive,
			      NULL, undo_msg };

	NEEDS_INJECTION();
	msg_setup(&s, 1, 0);
	ASSERT_LT(0, sweep(_metadata, &f, &s));
}

/* ---- Notifications and sets ---------------------------------------------- */

struct notify_state {
	mach_port_t port, notify, set;
};

static void prepare_notify(void *v)
{
	struct notify_state *s = v;

	s->port = new_port();
	s->notify = new_port();
	mach_port_insert_right(SELF, s->port, s->port, MACH_MSG_TYPE_MAKE_SEND);
}

static kern_return_t op_notify(void *v)
{
	struct notify_state *s = v;
	mach_port_t prev;
	kern_return_t kr;

	kr = mach_port_request_notification(SELF, s->port,
					    MACH_NOTIFY_DEAD_NAME, 0, s->notify,
					    MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev);
	if (!kr)
		kr = mach_port_request_notification(SELF, s->port,
						    MACH_NOTIFY_NO_SENDERS, 0,
						    s->notify,
						    MACH_MSG_TYPE_MAKE_SEND_ONCE,
						    &prev);
	if (!kr)
		kr = mach_port_allocate(SELF, MACH_PORT_RIGHT_PORT_SET, &s->set);
	if (!kr)
		kr = mach_port_insert_member(SELF, s->port, s->set);
	/* The no-senders notification is built with the fault still armed. */
	if (!kr)
		kr = mach_port_mod_refs(SELF, s->port, MACH_PORT_RIGHT_SEND, -1);
	return kr;
}

static void undo_notify(void *v)
{
	struct notify_state *s = v;

	mach_port_destroy(SELF, s->port);
	mach_port_destroy(SELF, s->notify);
	if (s->set)
		mach_port_destroy(SELF, s->set);
	s->set = MACH_PORT_NULL;
}

TEST(notifications_and_sets)
{
	struct notify_state s = { 0 };
	struct fault_op f = { "notifications and sets", prepare_notify,
			      op_notify, NULL, undo_notify };

	NEEDS_INJECTION();
	ASSERT_LT(0, sweep(_metadata, &f, &s));
}

/* ---- Name service and poll descriptors ----------------------------------- */

struct bs_state {
	char name[64];
	mach_port_t rcv, snd;
	int fd;
};

static kern_return_t op_bootstrap(void *v)
{
	struct bs_state *s = v;
	kern_return_t kr;

	s->rcv = s->snd = MACH_PORT_NULL;
	s->fd = -1;
	kr = bootstrap_check_in(bootstrap_port, s->name, &s->rcv);
	if (!kr)
		kr = bootstrap_look_up(bootstrap_port, s->name, &s->snd);
	if (!kr)
		kr = mp_pollfd_open(s->rcv, &s->fd);
	return kr;
}

static void undo_bootstrap(void *v)
{
	struct bs_state *s = v;
	mach_port_t p;

	if (s->fd >= 0)
		close(s->fd);
	if (s->rcv)
		mach_port_destroy(SELF, s->rcv);
	/* The registry drops the dead name when it is next asked. */
	bootstrap_look_up(bootstrap_port, s->name, &p);
	/* A failed exchange may have discarded the reply port. */
	mig_dealloc_reply_port(mig_get_reply_port());
}

TEST(name_service_and_poll_descriptor)
{
	struct bs_state s;
	struct fault_op f = { "bootstrap and pollfd", NULL, op_bootstrap, NULL,
			      undo_bootstrap };

	NEEDS_INJECTION();
	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "org.machport.test.faults.%d",
		 (int)getpid());
	ASSERT_LT(0, sweep(_metadata, &f, &s));
}

/* ---- A new space ----------------------------------------------------------- */

static kern_return_t op_open(void *v)
{
	int *fd = v;

	*fd = open("/dev/mach", O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return errno == ENOMEM ? KERN_RESOURCE_SHORTAGE : KERN_FAILURE;
	return KERN_SUCCESS;
}

static void undo_open(void *v)
{
	int *fd = v;

	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

TEST(open_a_space)
{
	int fd = -1;
	struct fault_op f = { "open /dev/mach", NULL, op_open, NULL, undo_open };

	NEEDS_INJECTION();
	ASSERT_LT(0, sweep(_metadata, &f, &fd));
}

TEST_HARNESS_MAIN
