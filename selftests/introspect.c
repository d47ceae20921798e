// SPDX-License-Identifier: GPL-2.0
/*
 * Introspection: the "machport" generic netlink family and lsmp, on a
 * known topology across processes (a server whose receive right is in a
 * set, a client with a send right and a dead name, a client with a
 * send-once right), with dumps racing with port churn and a user who
 * must not see another user's process.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/machport.h>
#include <mach/mach.h>
#include <servers/bootstrap.h>

#include "kselftest_harness.h"
#include "util.h"

#define SELF mach_task_self()

/* ---- A small generic netlink client ------------------------------------ */

#define MAX_OBJS 8192

/* One message of a dump: its attributes by type (0 = absent). */
struct obj {
	uint64_t a[MACHPORT_A_MAX + 1];
	uint8_t has[MACHPORT_A_MAX + 1];
	char comm[32];
	uint32_t sets[8];
	int nsets;
	int intr;
};

static struct obj objs[MAX_OBJS];

/* Called once between the first and second buffers of a dump, if set. */
static void (*between_batches)(void);

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	return fd;
}

struct req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[64];
};

static void add_attr(struct req *r, int type, const void *data, int len)
{
	struct nlattr *a = (void *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void parse_attrs(struct obj *o, struct nlattr *a, int len)
{
	for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (void *)((char *)a + NLA_ALIGN(a->nla_len))) {
		int t = a->nla_type & NLA_TYPE_MASK;
		void *d = (char *)a + NLA_HDRLEN;
		int dl = a->nla_len - NLA_HDRLEN;

		if (t > MACHPORT_A_MAX)
			continue;
		o->has[t] = 1;
		if (t == MACHPORT_A_SPACE_COMM || t == MACHPORT_A_ENTRY_PEER_COMM)
			snprintf(o->comm, sizeof(o->comm), "%.*s", dl, (char *)d);
		else if (t == MACHPORT_A_ENTRY_SETS)
			parse_attrs(o, d, dl);	/* MACHPORT_A_SET_NAME inside */
		else if (t == MACHPORT_A_SET_NAME && o->nsets < 8)
			memcpy(&o->sets[o->nsets++], d, 4);
		else if (dl == 8)
			memcpy(&o->a[t], d, 8);
		else if (dl == 4)
			o->a[t] = *(uint32_t *)d;
	}
}

/* The family's id, or -1 (module not loaded). */
static int family_id(int fd)
{
	struct req r = { 0 };
	char buf[4096];
	struct nlmsghdr *n = (void *)buf;
	int len;

	r.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.n.nlmsg_type = GENL_ID_CTRL;
	r.n.nlmsg_flags = NLM_F_REQUEST;
	r.g.cmd = CTRL_CMD_GETFAMILY;
	r.g.version = 1;
	add_attr(&r, CTRL_ATTR_FAMILY_NAME, MACHPORT_GENL_NAME,
		 sizeof(MACHPORT_GENL_NAME));
	if (send(fd, &r, r.n.nlmsg_len, 0) < 0)
		return -1;
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < (int)NLMSG_LENGTH(GENL_HDRLEN) || n->nlmsg_type == NLMSG_ERROR)
		return -1;
	{
		struct nlattr *a = (void *)((char *)NLMSG_DATA(n) + GENL_HDRLEN);
		int left = n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

		for (; left >= NLA_HDRLEN; left -= NLA_ALIGN(a->nla_len),
		     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
			if (a->nla_type == CTRL_ATTR_FAMILY_ID)
				return *(uint16_t *)((char *)a + NLA_HDRLEN);
	}
	return -1;
}

/*
 * Run @cmd (a dump unless GET_STATS); fills objs[]. Returns the number of
 * objects, or -errno.
 */
static int nl_query(int cmd, int pid)
{
	static char buf[65536];
	struct req r = { 0 };
	int fd = nl_open(), fam, n = 0, done = 0;

	if (fd < 0)
		return -errno;
	fam = family_id(fd);
	if (fam < 0) {
		close(fd);
		return -ENOENT;
	}
	r.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.n.nlmsg_type = fam;
	r.n.nlmsg_flags = NLM_F_REQUEST |
			  (cmd == MACHPORT_CMD_GET_STATS ? 0 : NLM_F_DUMP);
	r.n.nlmsg_seq = 1;
	r.g.cmd = cmd;
	r.g.version = MACHPORT_GENL_VERSION;
	if (pid >= 0)
		add_attr(&r, MACHPORT_A_ENTRY_PID, &pid, 4);
	if (send(fd, &r, r.n.nlmsg_len, 0) < 0) {
		close(fd);
		return -errno;
	}
	memset(objs, 0, sizeof(objs));
	while (!done) {
		int len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (len <= 0)
			break;
		if (between_batches) {
			between_batches();
			between_batches = NULL;
		}
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				/* A dump that failed says why here. */
				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&err, NLMSG_DATA(h), sizeof(int));
				if (err < 0) {
					close(fd);
					return err;
				}
				done = 1;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				int err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;

				close(fd);
				return err ? err : n;
			}
			if (n < MAX_OBJS) {
				objs[n].intr = !!(h->nlmsg_flags & NLM_F_DUMP_INTR);
				parse_attrs(&objs[n],
					    (void *)((char *)NLMSG_DATA(h) + GENL_HDRLEN),
					    h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
			}
			n++;
		}
		if (cmd == MACHPORT_CMD_GET_STATS)
			done = 1;
	}
	close(fd);
	return n;
}

static struct obj *find_name(int n, mach_port_t name)
{
	int i;

	for (i = 0; i < n; i++)
		if (objs[i].has[MACHPORT_A_ENTRY_NAME] &&
		    objs[i].a[MACHPORT_A_ENTRY_NAME] == name)
			return &objs[i];
	return NULL;
}

/* ---- The topology --------------------------------------------------------
 *
 *   server:   receive right R in set PS, a no-senders request armed on it,
 *             two messages queued; registered as a service. It destroys
 *             D, a port client A holds a send right to.
 *   client A: a send right to R, and D's dead name
 *   client B: a send-once right to R
 */
struct topo {
	pid_t server, a, b;
	mach_port_t r, ps, a_send, a_dead, b_once;
	int go[2];		/* closed by the test when done */
	int rep[3][2];		/* each process's report */
	char svc[64], inbox[64];
};

static void report(struct topo *t, int who, mach_port_t n1, mach_port_t n2)
{
	mach_port_t rp[2] = { n1, n2 };

	if (write(t->rep[who][1], rp, sizeof(rp)) != sizeof(rp))
		_exit(99);
}

/* Children hold their state until the test closes its end of go. */
static void wait_go(struct topo *t)
{
	char c;

	while (read(t->go[0], &c, 1) > 0)
		;
	_exit(0);
}

static mach_msg_return_t send_id(mach_port_t dest, mach_msg_type_name_t disp,
				 mach_port_t carry, mach_msg_type_name_t cdisp,
				 int id)
{
	struct {
		mach_msg_header_t h;
		mach_msg_body_t body;
		mach_msg_port_descriptor_t p;
	} m = { 0 };

	m.h.msgh_bits = MACH_MSGH_BITS(disp, 0);
	m.h.msgh_size = sizeof(m.h);
	if (carry) {
		m.h.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
		m.h.msgh_size = sizeof(m);
		m.body.msgh_descriptor_count = 1;
		m.p.name = carry;
		m.p.disposition = cdisp;
		m.p.type = MACH_MSG_PORT_DESCRIPTOR;
	}
	m.h.msgh_remote_port = dest;
	m.h.msgh_id = id;
	return mach_msg(&m.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, m.h.msgh_size,
			0, 0, 5000, 0);
}

static mach_msg_return_t send_to(mach_port_t dest, mach_msg_type_name_t disp,
				 mach_port_t carry, mach_msg_type_name_t cdisp)
{
	return send_id(dest, disp, carry, cdisp, 7);
}

/* Receive one message carrying a port; the port's name (and the id). */
static mach_port_t take_port_id(mach_port_t from, int *id)
{
	struct {
		mach_msg_header_t h;
		mach_msg_body_t body;
		mach_msg_port_descriptor_t p;
		char trailer[128];
	} m;

	if (mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), from,
		     20000, 0))
		return MACH_PORT_NULL;
	if (id)
		*id = m.h.msgh_id;
	return m.p.name;
}

static mach_port_t take_port(mach_port_t from)
{
	return take_port_id(from, NULL);
}

static void run_server(struct topo *t)
{
	mach_port_t r, ps, d, prev, inbox, who;
	int i, id;

	if (bootstrap_check_in(bootstrap_port, t->svc, &r))
		_exit(1);
	mach_port_allocate(SELF, MACH_PORT_RIGHT_PORT_SET, &ps);
	mach_port_insert_member(SELF, r, ps);
	mach_port_request_notification(SELF, r, MACH_NOTIFY_NO_SENDERS, 0, r,
				       MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev);
	d = new_port();
	if (bootstrap_check_in(bootstrap_port, t->inbox, &inbox))
		_exit(2);
	/* Client A (id 1) gets a send right to D, B a send-once right to R. */
	for (i = 0; i < 2; i++) {
		who = take_port_id(inbox, &id);
		if (!who || send_to(who, MACH_MSG_TYPE_MOVE_SEND,
				    id == 1 ? d : r,
				    id == 1 ? MACH_MSG_TYPE_MAKE_SEND :
					      MACH_MSG_TYPE_MAKE_SEND_ONCE))
			_exit(3);
	}
	mach_port_destroy(SELF, inbox);
	/* A's two messages on R, then D dies. */
	while (status_of(r).mps_msgcount < 2)
		usleep(10000);
	mach_port_destroy(SELF, d);
	report(t, 0, r, ps);
	wait_go(t);
}

static void run_client(struct topo *t, int is_b)
{
	mach_port_t r, inbox = new_port(), svc_inbox = MACH_PORT_NULL, got;

	while (bootstrap_look_up(bootstrap_port, t->inbox, &svc_inbox))
		usleep(10000);
	if (send_id(svc_inbox, MACH_MSG_TYPE_COPY_SEND, inbox,
		    MACH_MSG_TYPE_MAKE_SEND, is_b ? 2 : 1))
		_exit(5);
	got = take_port(inbox);
	if (!got)
		_exit(6);
	mach_port_deallocate(SELF, svc_inbox);
	mach_port_destroy(SELF, inbox);
	if (is_b) {
		report(t, 2, got, 0);
		wait_go(t);
	}
	if (bootstrap_look_up(bootstrap_port, t->svc, &r) ||
	    send_to(r, MACH_MSG_TYPE_COPY_SEND, 0, 0) ||
	    send_to(r, MACH_MSG_TYPE_COPY_SEND, 0, 0))
		_exit(7);
	while (!(type_of(got) & MACH_PORT_TYPE_DEAD_NAME))
		usleep(10000);
	report(t, 1, r, got);
	wait_go(t);
}

static void read_report(int fd, mach_port_t *n1, mach_port_t *n2)
{
	mach_port_t rp[2] = { 0, 0 };

	if (read(fd, rp, sizeof(rp)) != sizeof(rp))
		rp[0] = rp[1] = MACH_PORT_NULL;
	*n1 = rp[0];
	*n2 = rp[1];
}

FIXTURE(topo) {
	struct topo t;
};

FIXTURE_SETUP(topo)
{
	struct topo *t = &self->t;
	mach_port_t unused;
	int i;

	snprintf(t->svc, sizeof(t->svc), "org.machport.test.topo.%d",
		 (int)getpid());
	snprintf(t->inbox, sizeof(t->inbox), "org.machport.test.inbox.%d",
		 (int)getpid());
	ASSERT_EQ(0, pipe(t->go));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pipe(t->rep[i]));
	t->server = fork();
	if (!t->server) {
		close(t->go[1]);
		run_server(t);
	}
	t->a = fork();
	if (!t->a) {
		close(t->go[1]);
		run_client(t, 0);
	}
	t->b = fork();
	if (!t->b) {
		close(t->go[1]);
		run_client(t, 1);
	}
	read_report(t->rep[1][0], &t->a_send, &t->a_dead);
	read_report(t->rep[2][0], &t->b_once, &unused);
	read_report(t->rep[0][0], &t->r, &t->ps);
	close(t->go[0]);
	ASSERT_NE(MACH_PORT_NULL, t->r);
	ASSERT_NE(MACH_PORT_NULL, t->a_send);
	ASSERT_NE(MACH_PORT_NULL, t->b_once);
}

FIXTURE_TEARDOWN(topo)
{
	int i;

	close(self->t.go[1]);
	waitpid(self->t.server, NULL, 0);
	waitpid(self->t.a, NULL, 0);
	waitpid(self->t.b, NULL, 0);
	for (i = 0; i < 3; i++) {
		close(self->t.rep[i][0]);
		close(self->t.rep[i][1]);
	}
}

TEST_F(topo, server_entries)
{
	struct obj *r, *ps;
	int n = nl_query(MACHPORT_CMD_GET_ENTRIES, self->t.server);

	ASSERT_LT(3, n);
	r = find_name(n, self->t.r);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(self->t.server, r->a[MACHPORT_A_SPACE_PID]);
	ASSERT_EQ(MACH_PORT_TYPE_RECEIVE, r->a[MACHPORT_A_ENTRY_TYPE]);
	ASSERT_EQ(2, r->a[MACHPORT_A_ENTRY_QLEN]);
	ASSERT_EQ(MACH_PORT_QLIMIT_DEFAULT, r->a[MACHPORT_A_ENTRY_QLIMIT]);
	ASSERT_EQ(0, r->a[MACHPORT_A_ENTRY_SEQNO]);
	ASSERT_EQ(1, r->a[MACHPORT_A_ENTRY_MSCOUNT]);	/* the registry's */
	/* The registry's, A's, and the two queued messages' destinations. */
	ASSERT_EQ(4, r->a[MACHPORT_A_ENTRY_SRIGHTS]);
	ASSERT_EQ(2, r->a[MACHPORT_A_ENTRY_SORIGHTS]);	/* B, the request */
	ASSERT_EQ(MACHPORT_ARMED_NO_SENDERS, r->a[MACHPORT_A_ENTRY_NOTIFY]);
	ASSERT_EQ(0, r->a[MACHPORT_A_ENTRY_DNREQUESTS]);
	ASSERT_EQ(1, r->nsets);
	ASSERT_EQ(self->t.ps, r->sets[0]);
	ASSERT_FALSE(r->has[MACHPORT_A_ENTRY_DEAD]);
	ASSERT_FALSE(r->has[MACHPORT_A_ENTRY_PEER_PID]);
	ps = find_name(n, self->t.ps);
	ASSERT_NE(NULL, ps);
	ASSERT_EQ(MACH_PORT_TYPE_PORT_SET, ps->a[MACHPORT_A_ENTRY_TYPE]);
	ASSERT_EQ(1, ps->a[MACHPORT_A_ENTRY_MEMBERS]);
	/* The task's own port and the bootstrap port are kernel ports. */
	r = find_name(n, 0x103);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(MACHPORT_KOBJECT_TASK, r->a[MACHPORT_A_ENTRY_KOBJECT]);
}

TEST_F(topo, clients_see_the_same_port_and_its_holder)
{
	uint64_t id;
	struct obj *e;
	int n;

	n = nl_query(MACHPORT_CMD_GET_ENTRIES, self->t.server);
	e = find_name(n, self->t.r);
	ASSERT_NE(NULL, e);
	id = e->a[MACHPORT_A_ENTRY_PORT_ID];
	ASSERT_NE(0, id);

	n = nl_query(MACHPORT_CMD_GET_ENTRIES, self->t.a);
	e = find_name(n, self->t.a_send);
	ASSERT_NE(NULL, e);
	ASSERT_EQ(MACH_PORT_TYPE_SEND, e->a[MACHPORT_A_ENTRY_TYPE]);
	ASSERT_EQ(1, e->a[MACHPORT_A_ENTRY_UREFS]);
	ASSERT_EQ(id, e->a[MACHPORT_A_ENTRY_PORT_ID]);
	ASSERT_EQ(self->t.server, e->a[MACHPORT_A_ENTRY_PEER_PID]);
	ASSERT_STREQ("introspect", e->comm);
	e = find_name(n, self->t.a_dead);
	ASSERT_NE(NULL, e);
	ASSERT_EQ(MACH_PORT_TYPE_DEAD_NAME, e->a[MACHPORT_A_ENTRY_TYPE]);
	ASSERT_TRUE(e->has[MACHPORT_A_ENTRY_DEAD]);
	ASSERT_FALSE(e->has[MACHPORT_A_ENTRY_PEER_PID]);

	n = nl_query(MACHPORT_CMD_GET_ENTRIES, self->t.b);
	e = find_name(n, self->t.b_once);
	ASSERT_NE(NULL, e);
	ASSERT_EQ(MACH_PORT_TYPE_SEND_ONCE, e->a[MACHPORT_A_ENTRY_TYPE]);
	ASSERT_EQ(id, e->a[MACHPORT_A_ENTRY_PORT_ID]);
	ASSERT_EQ(self->t.server, e->a[MACHPORT_A_ENTRY_PEER_PID]);
}

TEST_F(topo, spaces_dump_lists_the_processes)
{
	int n = nl_query(MACHPORT_CMD_GET_SPACES, -1), i, seen = 0;

	ASSERT_LE(4, n);
	for (i = 0; i < n; i++) {
		pid_t pid = objs[i].a[MACHPORT_A_SPACE_PID];

		ASSERT_TRUE(objs[i].has[MACHPORT_A_SPACE_ID]);
		ASSERT_LT(0, objs[i].a[MACHPORT_A_SPACE_MEMORY]);
		if (pid == self->t.server || pid == self->t.a || pid == self->t.b) {
			ASSERT_STREQ("introspect", objs[i].comm);
			ASSERT_LE(3, objs[i].a[MACHPORT_A_SPACE_ENTRIES]);
			seen++;
		}
	}
	ASSERT_EQ(3, seen);
}

static void lsmp_json(char *out, size_t len, pid_t pid)
{
	char cmd[256], exe[200];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *f;
	size_t got;

	exe[n > 0 ? n : 0] = 0;
	*strrchr(exe, '/') = 0;
	snprintf(cmd, sizeof(cmd), "%s/lsmp --json -p %d", exe, (int)pid);
	f = popen(cmd, "r");
	got = f ? fread(out, 1, len - 1, f) : 0;
	out[got] = 0;
	if (f)
		pclose(f);
}

/* The line of lsmp's JSON about @name. */
static const char *json_line(const char *out, mach_port_t name)
{
	static char line[2048];
	char key[48];
	const char *p;
	size_t n;

	snprintf(key, sizeof(key), "{\"name\":%u,", name);
	p = strstr(out, key);
	if (!p)
		return "";
	n = strcspn(p, "\n");
	snprintf(line, sizeof(line), "%.*s", (int)n, p);
	return line;
}

TEST_F(topo, lsmp_json)
{
	static char out[262144];
	char want[128];
	const char *l;
	uint64_t id;
	int n;

	n = nl_query(MACHPORT_CMD_GET_ENTRIES, self->t.server);
	id = find_name(n, self->t.r)->a[MACHPORT_A_ENTRY_PORT_ID];

	lsmp_json(out, sizeof(out), self->t.server);
	snprintf(want, sizeof(want), "\"pid\":%d,", self->t.server);
	ASSERT_NE(NULL, strstr(out, want));
	l = json_line(out, self->t.r);
	TH_LOG("%s", l);
	ASSERT_NE(NULL, strstr(l, "\"rights\":[\"recv\"]"));
	snprintf(want, sizeof(want), "\"port_id\":%llu,", (unsigned long long)id);
	ASSERT_NE(NULL, strstr(l, want));
	ASSERT_NE(NULL, strstr(l, "\"qlen\":2,"));
	ASSERT_NE(NULL, strstr(l, "\"qlimit\":5,"));
	ASSERT_NE(NULL, strstr(l, "\"mscount\":1,"));
	ASSERT_NE(NULL, strstr(l, "\"srights\":4,"));
	ASSERT_NE(NULL, strstr(l, "\"sorights\":2,"));
	ASSERT_NE(NULL, strstr(l, "\"notify\":[\"no-senders\"]"));
	snprintf(want, sizeof(want), "\"sets\":[%u]", self->t.ps);
	ASSERT_NE(NULL, strstr(l, want));
	l = json_line(out, self->t.ps);
	ASSERT_NE(NULL, strstr(l, "\"rights\":[\"port-set\"]"));
	ASSERT_NE(NULL, strstr(l, "\"members\":1,"));

	lsmp_json(out, sizeof(out), self->t.a);
	l = json_line(out, self->t.a_send);
	TH_LOG("%s", l);
	ASSERT_NE(NULL, strstr(l, "\"rights\":[\"send\"]"));
	snprintf(want, sizeof(want), "\"peer_pid\":%d,", self->t.server);
	ASSERT_NE(NULL, strstr(l, want));
	ASSERT_NE(NULL, strstr(l, "\"peer_comm\":\"introspect\""));
	l = json_line(out, self->t.a_dead);
	ASSERT_NE(NULL, strstr(l, "\"rights\":[\"dead-name\"]"));
	ASSERT_NE(NULL, strstr(l, "\"dead\":true,"));

	lsmp_json(out, sizeof(out), self->t.b);
	l = json_line(out, self->t.b_once);
	ASSERT_NE(NULL, strstr(l, "\"rights\":[\"send-once\"]"));
	snprintf(want, sizeof(want), "\"port_id\":%llu,", (unsigned long long)id);
	ASSERT_NE(NULL, strstr(l, want));
}

/* ---- Counters ----------------------------------------------------------- */

TEST(stats_count_messages)
{
	uint64_t queued, bytes, sent, ports;
	mach_port_t p = new_port();
	mach_msg_header_t h = { 0 };
	int i;

	ASSERT_EQ(1, nl_query(MACHPORT_CMD_GET_STATS, -1));
	ASSERT_LT(0, objs[0].a[MACHPORT_A_STATS_SPACES]);
	ports = objs[0].a[MACHPORT_A_STATS_PORTS];
	ASSERT_EQ(mp_count("ports"), (long)ports);
	queued = objs[0].a[MACHPORT_A_STATS_MSGS_QUEUED];
	bytes = objs[0].a[MACHPORT_A_STATS_BYTES_QUEUED];
	sent = objs[0].a[MACHPORT_A_STATS_MSGS_SENT];
	h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	h.msgh_size = sizeof(h);
	h.msgh_remote_port = p;
	for (i = 0; i < 3; i++)
		KR_EQ(MACH_MSG_SUCCESS, mach_msg(&h, MACH_SEND_MSG, sizeof(h),
						 0, 0, 0, 0));
	ASSERT_EQ(1, nl_query(MACHPORT_CMD_GET_STATS, -1));
	ASSERT_EQ(queued + 3, objs[0].a[MACHPORT_A_STATS_MSGS_QUEUED]);
	ASSERT_EQ(bytes + 3 * sizeof(h), objs[0].a[MACHPORT_A_STATS_BYTES_QUEUED]);
	ASSERT_LE(sent + 3, objs[0].a[MACHPORT_A_STATS_MSGS_SENT]);
	/* Destroying the port takes its queue off the counters. */
	mach_port_destroy(SELF, p);
	ASSERT_EQ(1, nl_query(MACHPORT_CMD_GET_STATS, -1));
	ASSERT_EQ(queued, objs[0].a[MACHPORT_A_STATS_MSGS_QUEUED]);
	ASSERT_EQ(bytes, objs[0].a[MACHPORT_A_STATS_BYTES_QUEUED]);
}

/* ---- Visibility ---------------------------------------------------------- */

static int unprivileged_view(pid_t parent)
{
	int n, i;
	pid_t me = getpid();
	struct obj *e;

	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 10;
	/* The inherited bootstrap port is the parent's: its holder is hidden. */
	n = nl_query(MACHPORT_CMD_GET_ENTRIES, me);
	e = find_name(n, bootstrap_port);
	if (!e || !e->has[MACHPORT_A_ENTRY_PEER_HIDDEN] ||
	    e->has[MACHPORT_A_ENTRY_PEER_PID])
		return 5;
	(void)new_port();
	n = nl_query(MACHPORT_CMD_GET_SPACES, -1);
	if (n < 1)
		return 1;
	for (i = 0; i < n; i++)
		if ((pid_t)objs[i].a[MACHPORT_A_SPACE_PID] != me)
			return 2;	/* another user's process leaked */
	if (nl_query(MACHPORT_CMD_GET_ENTRIES, parent) != 0)
		return 3;
	if (nl_query(MACHPORT_CMD_GET_ENTRIES, me) < 2)
		return 4;
	return 0;
}

TEST(other_users_processes_are_invisible)
{
	pid_t parent = getpid(), pid;
	mach_port_t p;
	int status;

	if (geteuid() != 0)
		SKIP(return, "needs root to switch users");
	p = new_port();
	mach_port_insert_right(SELF, p, p, MACH_MSG_TYPE_MAKE_SEND);
	task_set_bootstrap_port(SELF, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(unprivileged_view(parent));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* Root sees both, and the child's entries. */
	ASSERT_LT(1, nl_query(MACHPORT_CMD_GET_ENTRIES, parent));
}

static mach_port_t extra;

static void add_a_port(void)
{
	extra = new_port();
}

/* A space that changes between two buffers of its dump: flagged. */
TEST(dump_of_a_changing_space_is_flagged)
{
	int n, i, first_intr = -1;

	for (i = 0; i < 2000; i++)
		(void)new_port();
	between_batches = add_a_port;
	n = nl_query(MACHPORT_CMD_GET_ENTRIES, getpid());
	ASSERT_LE(2002, n);
	ASSERT_NE(MACH_PORT_NULL, extra);
	for (i = 0; i < n; i++)
		if (objs[i].intr) {
			first_intr = i;
			break;
		}
	/* Not in the first buffer, but in what followed the change. */
	ASSERT_LT(0, first_intr);
	/* Unchanged, the same dump is clean, and has every name. */
	n = nl_query(MACHPORT_CMD_GET_ENTRIES, getpid());
	for (i = 0; i < n; i++)
		ASSERT_FALSE(objs[i].intr);
	ASSERT_NE(NULL, find_name(n, extra));
	ASSERT_LE(2003, n);
}

/* A send right whose receive right travels in a message. */
TEST(receive_right_in_transit)
{
	mach_port_t a = new_port(), q = new_port();
	struct obj *e;
	int n;

	KR_EQ(KERN_SUCCESS, mach_port_insert_right(SELF, a, a, MACH_MSG_TYPE_MAKE_SEND));
	KR_EQ(MACH_MSG_SUCCESS, send_to(q, MACH_MSG_TYPE_MAKE_SEND, a,
					MACH_MSG_TYPE_MOVE_RECEIVE));
	n = nl_query(MACHPORT_CMD_GET_ENTRIES, getpid());
	e = find_name(n, a);
	ASSERT_NE(NULL, e);
	ASSERT_EQ(MACH_PORT_TYPE_SEND, e->a[MACHPORT_A_ENTRY_TYPE]);
	ASSERT_TRUE(e->has[MACHPORT_A_ENTRY_IN_TRANSIT]);
	ASSERT_FALSE(e->has[MACHPORT_A_ENTRY_PEER_PID]);
	ASSERT_FALSE(e->has[MACHPORT_A_ENTRY_PEER_HIDDEN]);
	e = find_name(n, q);
	ASSERT_EQ(1, e->a[MACHPORT_A_ENTRY_QLEN]);
}

/* ---- Tracepoints ---------------------------------------------------------- */

static int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs(s, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int trace_has(const char *needle)
{
	static char buf[1 << 20];
	FILE *f = fopen("/sys/kernel/tracing/trace", "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return strstr(buf, needle) != NULL;
}

TEST(tracepoints_see_messages_and_ports)
{
	mach_port_t p, q;
	mach_msg_header_t h = { 0 };
	struct {
		mach_msg_header_t h;
		char room[128];
	} r;
	char want[96];
	uint64_t id;
	int n;

	if (access("/sys/kernel/tracing/events/machport", F_OK))
		SKIP(return, "no tracefs or no trace events in this kernel");
	ASSERT_EQ(0, write_file("/sys/kernel/tracing/trace", ""));
	ASSERT_EQ(0, write_file("/sys/kernel/tracing/events/machport/enable", "1"));
	p = new_port();
	q = new_port();
	n = nl_query(MACHPORT_CMD_GET_ENTRIES, getpid());
	id = find_name(n, p)->a[MACHPORT_A_ENTRY_PORT_ID];
	h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	h.msgh_size = sizeof(h);
	h.msgh_remote_port = p;
	h.msgh_id = 424242;
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&h, MACH_SEND_MSG, sizeof(h), 0, 0, 0, 0));
	KR_EQ(MACH_MSG_SUCCESS, mach_msg(&r.h, MACH_RCV_MSG, 0, sizeof(r), p, 0, 0));
	mach_port_destroy(SELF, q);
	ASSERT_EQ(0, write_file("/sys/kernel/tracing/events/machport/enable", "0"));
	snprintf(want, sizeof(want), "machport_port_create: port=%llu",
		 (unsigned long long)id);
	ASSERT_TRUE(trace_has(want));
	snprintf(want, sizeof(want), "machport_msg_send: port=%llu id=424242 size=24",
		 (unsigned long long)id);
	ASSERT_TRUE(trace_has(want));
	snprintf(want, sizeof(want), "machport_msg_receive: port=%llu id=424242 size=24",
		 (unsigned long long)id);
	ASSERT_TRUE(trace_has(want));
	snprintf(want, sizeof(want), "machport_port_death: port=%llu",
		 (unsigned long long)id + 1);
	ASSERT_TRUE(trace_has(want));
	mach_port_destroy(SELF, p);
}

TEST(entries_need_a_pid)
{
	ASSERT_EQ(-EINVAL, nl_query(MACHPORT_CMD_GET_ENTRIES, -1));
	ASSERT_EQ(0, nl_query(MACHPORT_CMD_GET_ENTRIES, 999999));
}

/* ---- Dumps racing with churn ---------------------------------------------- */

TEST(dump_races_with_port_churn)
{
	int go[2], status, i, n, intr = 0, j, k;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		mach_port_t keep[3000], p;

		for (i = 0; i < 3000; i++)
			keep[i] = new_port();
		if (write(go[1], "r", 1) != 1)
			_exit(1);
		for (i = 0;; i++) {	/* until killed */
			p = new_port();
			mach_port_destroy(SELF, p);
			if (i % 7 == 0) {
				mach_port_destroy(SELF, keep[i % 3000]);
				keep[i % 3000] = new_port();
			}
		}
		_exit(0);
	}
	ASSERT_EQ(1, read(go[0], &c, 1));
	for (i = 0; i < 10; i++) {
		int flagged = 0;

		n = nl_query(MACHPORT_CMD_GET_ENTRIES, pid);
		ASSERT_GT(MAX_OBJS, n);
		for (j = 0; j < n; j++) {
			ASSERT_TRUE(objs[j].has[MACHPORT_A_ENTRY_NAME]);
			ASSERT_TRUE(objs[j].has[MACHPORT_A_ENTRY_TYPE]);
			flagged |= objs[j].intr;
		}
		/*
		 * 3000 ports, the task's and the bootstrap port's names, and
		 * at most one being churned; a dump that saw the space change
		 * says so, and may then have missed or repeated names.
		 */
		if (!flagged) {
			ASSERT_LE(3001, n);
			ASSERT_GE(3003, n);
		}
		intr += flagged;
		/* A name appears at most once within a dump. */
		for (j = 1; j < n; j++)
			for (k = j - 8 < 0 ? 0 : j - 8; k < j; k++)
				ASSERT_NE(objs[j].a[MACHPORT_A_ENTRY_NAME],
					  objs[k].a[MACHPORT_A_ENTRY_NAME]);
	}
	TH_LOG("%d dumps, %d flagged NLM_F_DUMP_INTR", i, intr);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
}

TEST_HARNESS_MAIN
