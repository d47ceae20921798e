// SPDX-License-Identifier: MIT
/*
 * lsmp: which Mach ports a process holds, with which rights, and who is on
 * the other end, as macOS lsmp shows them. It reads the machport module's
 * generic netlink family ("machport", <linux/machport.h>) with libmnl;
 * Documentation/introspection.md describes the family and the output.
 *
 *   lsmp -p PID    the ports of one process (-p may be repeated)
 *   lsmp -a        the ports of every process the caller may inspect
 *   lsmp --stats   the module-wide counters
 *   --json         the same as a JSON document, one entry per line
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/machport.h>

#ifndef LSMP_VERSION
#define LSMP_VERSION "0.1.0"
#endif

/* A dump flagged NLM_F_DUMP_INTR is read again, up to this many times. */
#define DUMP_TRIES	4
/* Seconds to wait for the kernel before giving up on a request. */
#define RECV_TIMEOUT	10
#define COMM_MAX	64

#define BIT(a)		(UINT64_C(1) << (a))

_Static_assert(MACHPORT_A_MAX < 64, "attribute presence is a 64-bit mask");

/* ---- data ------------------------------------------------------------ */

struct entry {
	uint64_t has;		/* BIT(MACHPORT_A_*) of the attributes given */
	uint64_t space_id;
	uint32_t space_pid;
	uint32_t name;
	uint32_t type;
	uint32_t urefs;
	uint64_t port_id;
	uint32_t kobject;
	uint32_t peer_pid;
	char peer_comm[COMM_MAX];
	uint32_t qlen, qlimit, seqno, mscount, srights, sorights;
	uint32_t notify, dnrequests, members;
	uint32_t *sets;
	size_t nsets;
};

struct space {
	uint64_t has;		/* BIT(MACHPORT_A_SPACE_*) given */
	uint64_t id;
	uint32_t pid;
	char comm[COMM_MAX];
	uint32_t nentries;
	uint64_t memory;
	bool loaded;		/* its entries were read */
	struct entry *e;
	size_t n, cap;
};

struct spaces {
	struct space *v;
	size_t n, cap;
};

struct stats {
	uint64_t has;
	uint64_t v[MACHPORT_A_MAX + 1];
};

/* ---- small helpers --------------------------------------------------- */

static void *xrealloc(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		p = NULL;
	} else {
		p = realloc(p, n * size > 0 ? n * size : 1);
	}
	if (!p) {
		fprintf(stderr, "lsmp: out of memory\n");
		exit(1);
	}
	return p;
}

#define GROW(arr, n, cap) do {						\
	if ((n) == (cap)) {						\
		(cap) = (cap) ? 2 * (cap) : 16;				\
		(arr) = xrealloc((arr), (cap), sizeof(*(arr)));		\
	}								\
} while (0)

static void copy_str(char *dst, size_t size, const struct nlattr *a)
{
	const char *s = mnl_attr_get_payload(a);
	size_t n = strnlen(s, mnl_attr_get_payload_len(a));

	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* ---- netlink ----------------------------------------------------------- */

struct nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	uint16_t family;
};

/* How a request ended. */
struct reply {
	int err;		/* positive errno, 0 if it succeeded */
	bool intr;		/* a message carried NLM_F_DUMP_INTR */
	char msg[256];		/* the kernel's extended ack message, if any */
};

typedef void (*msg_fn)(const struct nlmsghdr *nlh, void *data);

static union {
	char buf[1 << 16];	/* larger than any dump skb (32 KiB) */
	struct nlmsghdr align;
} rx;

static void parse_extack(const struct nlmsghdr *m, size_t off,
			 struct reply *r)
{
	const struct nlattr *a;

	if (!(m->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    off > mnl_nlmsg_get_payload_len(m))
		return;
	mnl_attr_for_each(a, m, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_get_payload_len(a) > 0)
			copy_str(r->msg, sizeof(r->msg), a);
	}
}

/* NLMSG_ERROR: an error, or the ack (error 0) of a request. */
static int parse_error(const struct nlmsghdr *m, struct reply *r)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);
	size_t off = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(m) < sizeof(*e)) {
		r->err = EBADMSG;
		return -1;
	}
	if (!e->error)
		return 0;
	r->err = e->error < 0 ? -e->error : e->error;
	if (!(m->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= sizeof(struct nlmsghdr))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	parse_extack(m, off, r);
	return -1;
}

/* NLMSG_DONE ends a dump; its payload is the dump's error, if any. */
static int parse_done(const struct nlmsghdr *m, struct reply *r)
{
	int err;

	if (mnl_nlmsg_get_payload_len(m) < sizeof(err))
		return 0;
	memcpy(&err, mnl_nlmsg_get_payload(m), sizeof(err));
	if (err >= 0)
		return 0;
	r->err = -err;
	parse_extack(m, sizeof(err), r);
	return -1;
}

/*
 * Send @nlh and read its answer to the end: NLMSG_DONE for a dump, the
 * ack for a request (sent with NLM_F_ACK). Every message of the family is
 * handed to @fn. Returns 0, or -1 with @r->err set.
 */
static int nl_talk(struct nl *nl, struct nlmsghdr *nlh, msg_fn fn,
		   void *data, struct reply *r)
{
	memset(r, 0, sizeof(*r));
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
		r->err = errno;
		return -1;
	}
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(nl->sock, rx.buf,
						  sizeof(rx.buf));
		const struct nlmsghdr *m = &rx.align;
		int rem;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			r->err = errno == EAGAIN ? ETIMEDOUT : errno;
			return -1;
		}
		for (rem = (int)len; mnl_nlmsg_ok(m, rem);
		     m = mnl_nlmsg_next(m, &rem)) {
			/* Leftovers of an earlier request, or not for us. */
			if (m->nlmsg_seq != nlh->nlmsg_seq ||
			    m->nlmsg_pid != nl->portid)
				continue;
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				r->intr = true;
			switch (m->nlmsg_type) {
			case NLMSG_NOOP:
				break;
			case NLMSG_OVERRUN:
				r->err = ENOBUFS;
				return -1;
			case NLMSG_ERROR:
				return parse_error(m, r);
			case NLMSG_DONE:
				return parse_done(m, r);
			default:
				if (m->nlmsg_type >= NLMSG_MIN_TYPE && fn)
					fn(m, data);
				break;
			}
		}
	}
}

static struct nlmsghdr *genl_msg(void *buf, uint16_t type, uint16_t flags,
				 uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

static void family_cb(const struct nlmsghdr *m, void *data)
{
	const struct nlattr *a;
	int *id = data;

	mnl_attr_for_each(a, m, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(a, MNL_TYPE_U16) == 0)
			*id = mnl_attr_get_u16(a);
	}
}

static const char *reply_str(const struct reply *r)
{
	static char s[512];

	snprintf(s, sizeof(s), "%s%s%s%s", strerror(r->err),
		 r->msg[0] ? " (" : "", r->msg, r->msg[0] ? ")" : "");
	return s;
}

/* Open the socket and find the family. Exits with a message on failure. */
static void nl_open(struct nl *nl)
{
	union { char b[1024]; struct nlmsghdr a; } tx;
	struct timeval tv = { .tv_sec = RECV_TIMEOUT };
	struct nlmsghdr *nlh;
	struct reply r;
	int one = 1, id = -1;

	memset(nl, 0, sizeof(*nl));
	nl->seq = (unsigned int)time(NULL);
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock) {
		fprintf(stderr, "lsmp: cannot open a generic netlink socket: %s\n",
			strerror(errno));
		exit(1);
	}
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "lsmp: cannot bind a netlink socket: %s\n",
			strerror(errno));
		exit(1);
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	/* Best effort: error messages from the kernel, short acks. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVTIMEO,
		   &tv, sizeof(tv));

	nlh = genl_msg(tx.b, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, MACHPORT_GENL_NAME);
	if (nl_talk(nl, nlh, family_cb, &id, &r) < 0) {
		if (r.err == ENOENT)
			fprintf(stderr, "lsmp: the machport module is not loaded (no \"%s\" generic netlink family)\n",
				MACHPORT_GENL_NAME);
		else
			fprintf(stderr, "lsmp: cannot find the \"%s\" generic netlink family: %s\n",
				MACHPORT_GENL_NAME, reply_str(&r));
		exit(1);
	}
	if (id < 0) {
		fprintf(stderr, "lsmp: the kernel did not give the id of the \"%s\" generic netlink family\n",
			MACHPORT_GENL_NAME);
		exit(1);
	}
	nl->family = (uint16_t)id;
}

/* ---- the machport family ------------------------------------------------ */

static const enum mnl_attr_data_type attr_type[MACHPORT_A_MAX + 1] = {
	[MACHPORT_A_SPACE_ID] = MNL_TYPE_U64,
	[MACHPORT_A_SPACE_PID] = MNL_TYPE_U32,
	[MACHPORT_A_SPACE_COMM] = MNL_TYPE_STRING,
	[MACHPORT_A_SPACE_ENTRIES] = MNL_TYPE_U32,
	[MACHPORT_A_SPACE_MEMORY] = MNL_TYPE_U64,
	[MACHPORT_A_ENTRY_PID] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_NAME] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_TYPE] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_UREFS] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_PORT_ID] = MNL_TYPE_U64,
	[MACHPORT_A_ENTRY_KOBJECT] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_DEAD] = MNL_TYPE_FLAG,
	[MACHPORT_A_ENTRY_PEER_PID] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_PEER_COMM] = MNL_TYPE_STRING,
	[MACHPORT_A_ENTRY_QLEN] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_QLIMIT] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_SEQNO] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_MSCOUNT] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_SRIGHTS] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_SORIGHTS] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_NOTIFY] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_DNREQUESTS] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_SETS] = MNL_TYPE_NESTED,
	[MACHPORT_A_ENTRY_MEMBERS] = MNL_TYPE_U32,
	[MACHPORT_A_ENTRY_DNREQUEST] = MNL_TYPE_FLAG,
	[MACHPORT_A_ENTRY_IN_TRANSIT] = MNL_TYPE_FLAG,
	[MACHPORT_A_ENTRY_PEER_HIDDEN] = MNL_TYPE_FLAG,
	[MACHPORT_A_STATS_SPACES] = MNL_TYPE_U64,
	[MACHPORT_A_STATS_PORTS] = MNL_TYPE_U64,
	[MACHPORT_A_STATS_MSGS_QUEUED] = MNL_TYPE_U64,
	[MACHPORT_A_STATS_BYTES_QUEUED] = MNL_TYPE_U64,
	[MACHPORT_A_STATS_MSGS_SENT] = MNL_TYPE_U64,
	[MACHPORT_A_STATS_NOTIFICATIONS] = MNL_TYPE_U64,
	[MACHPORT_A_SET_NAME] = MNL_TYPE_U32,
};

/* Attributes of a newer kernel, and malformed ones, are skipped. */
static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, MACHPORT_A_MAX) < 0 ||
	    attr_type[type] == MNL_TYPE_UNSPEC ||
	    mnl_attr_validate(a, attr_type[type]) < 0)
		return MNL_CB_OK;
	tb[type] = a;
	return MNL_CB_OK;
}

static uint64_t parse_attrs(const struct nlmsghdr *m,
			    const struct nlattr *tb[MACHPORT_A_MAX + 1])
{
	uint64_t has = 0;
	int i;

	memset(tb, 0, sizeof(*tb) * (MACHPORT_A_MAX + 1));
	if (mnl_nlmsg_get_payload_len(m) < sizeof(struct genlmsghdr))
		return 0;
	mnl_attr_parse(m, sizeof(struct genlmsghdr), attr_cb, tb);
	for (i = 0; i <= MACHPORT_A_MAX; i++)
		if (tb[i])
			has |= BIT(i);
	return has;
}

static uint32_t u32_of(const struct nlattr *a)
{
	return a ? mnl_attr_get_u32(a) : 0;
}

static uint64_t u64_of(const struct nlattr *a)
{
	return a ? mnl_attr_get_u64(a) : 0;
}

static void space_cb(const struct nlmsghdr *m, void *data)
{
	const struct nlattr *tb[MACHPORT_A_MAX + 1];
	struct spaces *sp = data;
	struct space *s;

	GROW(sp->v, sp->n, sp->cap);
	s = &sp->v[sp->n++];
	memset(s, 0, sizeof(*s));
	s->has = parse_attrs(m, tb);
	s->id = u64_of(tb[MACHPORT_A_SPACE_ID]);
	s->pid = u32_of(tb[MACHPORT_A_SPACE_PID]);
	if (tb[MACHPORT_A_SPACE_COMM])
		copy_str(s->comm, sizeof(s->comm), tb[MACHPORT_A_SPACE_COMM]);
	s->nentries = u32_of(tb[MACHPORT_A_SPACE_ENTRIES]);
	s->memory = u64_of(tb[MACHPORT_A_SPACE_MEMORY]);
}

struct entries {
	struct entry *v;
	size_t n, cap;
};

static void entry_cb(const struct nlmsghdr *m, void *data)
{
	const struct nlattr *tb[MACHPORT_A_MAX + 1];
	struct entries *es = data;
	struct entry *e;

	GROW(es->v, es->n, es->cap);
	e = &es->v[es->n++];
	memset(e, 0, sizeof(*e));
	e->has = parse_attrs(m, tb);
	e->space_id = u64_of(tb[MACHPORT_A_SPACE_ID]);
	e->space_pid = u32_of(tb[MACHPORT_A_SPACE_PID]);
	e->name = u32_of(tb[MACHPORT_A_ENTRY_NAME]);
	e->type = u32_of(tb[MACHPORT_A_ENTRY_TYPE]);
	e->urefs = u32_of(tb[MACHPORT_A_ENTRY_UREFS]);
	e->port_id = u64_of(tb[MACHPORT_A_ENTRY_PORT_ID]);
	e->kobject = u32_of(tb[MACHPORT_A_ENTRY_KOBJECT]);
	e->peer_pid = u32_of(tb[MACHPORT_A_ENTRY_PEER_PID]);
	if (tb[MACHPORT_A_ENTRY_PEER_COMM])
		copy_str(e->peer_comm, sizeof(e->peer_comm),
			 tb[MACHPORT_A_ENTRY_PEER_COMM]);
	e->qlen = u32_of(tb[MACHPORT_A_ENTRY_QLEN]);
	e->qlimit = u32_of(tb[MACHPORT_A_ENTRY_QLIMIT]);
	e->seqno = u32_of(tb[MACHPORT_A_ENTRY_SEQNO]);
	e->mscount = u32_of(tb[MACHPORT_A_ENTRY_MSCOUNT]);
	e->srights = u32_of(tb[MACHPORT_A_ENTRY_SRIGHTS]);
	e->sorights = u32_of(tb[MACHPORT_A_ENTRY_SORIGHTS]);
	e->notify = u32_of(tb[MACHPORT_A_ENTRY_NOTIFY]);
	e->dnrequests = u32_of(tb[MACHPORT_A_ENTRY_DNREQUESTS]);
	e->members = u32_of(tb[MACHPORT_A_ENTRY_MEMBERS]);
	if (tb[MACHPORT_A_ENTRY_SETS]) {
		const struct nlattr *a;
		size_t cap = 0;

		mnl_attr_for_each_nested(a, tb[MACHPORT_A_ENTRY_SETS]) {
			if (mnl_attr_get_type(a) != MACHPORT_A_SET_NAME ||
			    mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				continue;
			GROW(e->sets, e->nsets, cap);
			e->sets[e->nsets++] = mnl_attr_get_u32(a);
		}
	}
}

static void stats_cb(const struct nlmsghdr *m, void *data)
{
	const struct nlattr *tb[MACHPORT_A_MAX + 1];
	struct stats *st = data;
	int i;

	st->has = parse_attrs(m, tb);
	for (i = 0; i <= MACHPORT_A_MAX; i++)
		if (tb[i] && attr_type[i] == MNL_TYPE_U64)
			st->v[i] = mnl_attr_get_u64(tb[i]);
}

static void free_entries(struct entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].sets);
	free(v);
}

static void free_spaces(struct spaces *sp)
{
	size_t i;

	for (i = 0; i < sp->n; i++)
		free_entries(sp->v[i].e, sp->v[i].n);
	free(sp->v);
	memset(sp, 0, sizeof(*sp));
}

static void warn_intr(void)
{
	static bool warned;

	if (!warned)
		fprintf(stderr, "lsmp: the space changed during the dump; output may be inconsistent\n");
	warned = true;
}

/* Every visible space; exits on error. */
static void get_spaces(struct nl *nl, struct spaces *sp)
{
	union { char b[256]; struct nlmsghdr a; } tx;
	struct reply r;
	int try;

	for (try = 0; try < DUMP_TRIES; try++) {
		struct nlmsghdr *nlh = genl_msg(tx.b, nl->family, NLM_F_DUMP,
						MACHPORT_CMD_GET_SPACES,
						MACHPORT_GENL_VERSION);

		free_spaces(sp);
		if (nl_talk(nl, nlh, space_cb, sp, &r) < 0) {
			fprintf(stderr, "lsmp: cannot list the IPC spaces: %s\n",
				reply_str(&r));
			exit(1);
		}
		if (!r.intr)
			return;
	}
	warn_intr();
}

/*
 * The names of process @pid, in @es. Returns 0, 1 if the kernel refused
 * to show them (as if it had none), or -1 on other errors (printed).
 */
static int get_entries(struct nl *nl, uint32_t pid, struct entries *es)
{
	union { char b[256]; struct nlmsghdr a; } tx;
	struct reply r;
	int try;

	for (try = 0; try < DUMP_TRIES; try++) {
		struct nlmsghdr *nlh = genl_msg(tx.b, nl->family, NLM_F_DUMP,
						MACHPORT_CMD_GET_ENTRIES,
						MACHPORT_GENL_VERSION);

		mnl_attr_put_u32(nlh, MACHPORT_A_ENTRY_PID, pid);
		free_entries(es->v, es->n);
		memset(es, 0, sizeof(*es));
		if (nl_talk(nl, nlh, entry_cb, es, &r) < 0) {
			if (r.err == ESRCH || r.err == ENOENT ||
			    r.err == EPERM || r.err == EACCES)
				return 1;
			fprintf(stderr, "lsmp: cannot read the ports of process %" PRIu32 ": %s\n",
				pid, reply_str(&r));
			return -1;
		}
		if (!r.intr)
			return 0;
	}
	warn_intr();
	return 0;
}

static void read_comm(uint32_t pid, char *comm, size_t size)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%" PRIu32 "/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(comm, (int)size, f))
		comm[strcspn(comm, "\n")] = '\0';
	else
		comm[0] = '\0';
	fclose(f);
}

/*
 * Put the entries of @es in their spaces of @sp (those of process @pid),
 * making a space for any the space dump did not show (it appeared since).
 */
static void place_entries(struct spaces *sp, uint32_t pid, struct entries *es)
{
	size_t i, j;

	for (j = 0; j < sp->n; j++)
		if (sp->v[j].pid == pid)
			sp->v[j].loaded = true;
	for (i = 0; i < es->n; i++) {
		struct entry *e = &es->v[i];
		bool has_id = e->has & BIT(MACHPORT_A_SPACE_ID);
		uint32_t epid = e->has & BIT(MACHPORT_A_SPACE_PID) ?
				e->space_pid : pid;
		struct space *s = NULL;

		/* Its space; without an id, the process's first one. */
		for (j = 0; j < sp->n && !s; j++) {
			struct space *c = &sp->v[j];

			if (c->pid == epid &&
			    (!has_id || ((c->has & BIT(MACHPORT_A_SPACE_ID)) &&
					 c->id == e->space_id)))
				s = c;
		}
		if (!s) {
			GROW(sp->v, sp->n, sp->cap);
			s = &sp->v[sp->n++];
			memset(s, 0, sizeof(*s));
			s->pid = epid;
			s->has = BIT(MACHPORT_A_SPACE_PID);
			if (has_id) {
				s->id = e->space_id;
				s->has |= BIT(MACHPORT_A_SPACE_ID);
			}
			for (j = 0; j + 1 < sp->n; j++)
				if (sp->v[j].pid == epid && sp->v[j].comm[0])
					strcpy(s->comm, sp->v[j].comm);
			if (!s->comm[0])
				read_comm(epid, s->comm, sizeof(s->comm));
			if (s->comm[0])
				s->has |= BIT(MACHPORT_A_SPACE_COMM);
			s->loaded = true;
		}
		GROW(s->e, s->n, s->cap);
		s->e[s->n++] = *e;
	}
	free(es->v);	/* the sets arrays moved with the entries */
	memset(es, 0, sizeof(*es));
}

static int cmp_space(const void *a, const void *b)
{
	const struct space *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->name != y->name)
		return x->name < y->name ? -1 : 1;
	return 0;
}

/* ---- text -------------------------------------------------------------- */

static const char *rights_str(uint32_t type, char *buf, size_t size)
{
	static const struct { uint32_t bit; const char *s; } r[] = {
		{ MACHPORT_TYPE_RECEIVE, "recv" },
		{ MACHPORT_TYPE_SEND, "send" },
		{ MACHPORT_TYPE_SEND_ONCE, "send-once" },
		{ MACHPORT_TYPE_PORT_SET, "port-set" },
		{ MACHPORT_TYPE_DEAD_NAME, "dead-name" },
	};
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		if (type & r[i].bit)
			len += snprintf(buf + len, size - len, "%s%s",
					len ? "," : "", r[i].s);
	if (!len)
		snprintf(buf, size, "none");
	return buf;
}

static const char *kobject_str(uint32_t k)
{
	switch (k) {
	case MACHPORT_KOBJECT_TASK:
		return "task";
	case MACHPORT_KOBJECT_BOOTSTRAP:
		return "bootstrap";
	}
	return NULL;
}

static bool entry_dead(const struct entry *e)
{
	return (e->has & BIT(MACHPORT_A_ENTRY_DEAD)) ||
	       (e->type & MACHPORT_TYPE_DEAD_NAME);
}

static bool entry_dnrequest(const struct entry *e)
{
	return (e->has & BIT(MACHPORT_A_ENTRY_DNREQUEST)) ||
	       (e->type & MACHPORT_TYPE_DNREQUEST);
}

static bool has_kobject(const struct entry *e)
{
	return (e->has & BIT(MACHPORT_A_ENTRY_KOBJECT)) &&
	       e->kobject != MACHPORT_KOBJECT_NONE;
}

/*
 * A command name made safe for a terminal: backslashes, control bytes and
 * bytes that are not UTF-8 are written as C escapes (\\, \xNN).
 */
static int utf8_len(const unsigned char *s);

static const char *tty_str(const char *str, char *buf, size_t size)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = 0;

	while (*s && len + 5 < size) {
		int n = utf8_len(s);

		if (n > 1) {
			memcpy(buf + len, s, (size_t)n);
			len += (size_t)n;
			s += n;
			continue;
		}
		if (*s == '\\')
			len += snprintf(buf + len, size - len, "\\\\");
		else if (*s < 0x20 || *s >= 0x7f)
			len += snprintf(buf + len, size - len, "\\x%02x", *s);
		else
			buf[len++] = (char)*s;
		s++;
	}
	buf[len] = '\0';
	return buf;
}

static const char *who_str(uint32_t pid, const char *comm, char *buf,
			   size_t size)
{
	char c[4 * COMM_MAX + 8];

	if (comm && comm[0])
		snprintf(buf, size, "%" PRIu32 " (%s)", pid,
			 tty_str(comm, c, sizeof(c)));
	else
		snprintf(buf, size, "%" PRIu32, pid);
	return buf;
}

static const char *peer_str(const struct space *s, const struct entry *e,
			    char *buf, size_t size)
{
	bool has_peer = e->has & BIT(MACHPORT_A_ENTRY_PEER_PID);

	if (entry_dead(e)) {
		snprintf(buf, size, "dead");
	} else if (has_kobject(e)) {
		const char *k = kobject_str(e->kobject);

		if (k)
			snprintf(buf, size, "kernel: %s", k);
		else
			snprintf(buf, size, "kernel: object %" PRIu32,
				 e->kobject);
	} else if (e->type & MACHPORT_TYPE_PORT_SET) {
		if (e->has & BIT(MACHPORT_A_ENTRY_MEMBERS))
			snprintf(buf, size, "%" PRIu32 " member%s", e->members,
				 e->members == 1 ? "" : "s");
		else
			snprintf(buf, size, "-");
	} else if (e->type & (MACHPORT_TYPE_SEND | MACHPORT_TYPE_SEND_ONCE)) {
		if (e->type & MACHPORT_TYPE_RECEIVE ||
		    (has_peer && e->peer_pid == s->pid))
			snprintf(buf, size, "self");
		else if (has_peer)
			who_str(e->peer_pid, e->peer_comm, buf, size);
		else if (e->has & BIT(MACHPORT_A_ENTRY_PEER_HIDDEN))
			snprintf(buf, size, "hidden");
		else if (e->has & BIT(MACHPORT_A_ENTRY_IN_TRANSIT))
			snprintf(buf, size, "in transit");
		else
			snprintf(buf, size, "-");
	} else {
		snprintf(buf, size, "-");
	}
	return buf;
}

static const char *flags_str(const struct entry *e, char *buf)
{
	bool recv = e->type & MACHPORT_TYPE_RECEIVE;

	buf[0] = e->notify & MACHPORT_ARMED_NO_SENDERS ? 'N' : '-';
	buf[1] = e->notify & MACHPORT_ARMED_PORT_DESTROYED ? 'D' : '-';
	buf[2] = recv && (e->dnrequests ||
			  (e->notify & MACHPORT_ARMED_DEAD_NAME)) ? 'd' : '-';
	buf[3] = entry_dnrequest(e) ? 'r' : '-';
	buf[4] = e->nsets ? 'S' : '-';
	buf[5] = '\0';
	return buf;
}

#define ROW "  %-10s  %-10s  %5s  %-10s  %-9s  %-5s  %s"

/* Send rights of other processes to a port, for lsmp -a. */
struct sender {
	uint64_t port_id;
	const struct space *s;
	const struct entry *e;
};

struct senders {
	struct sender *v;
	size_t n, cap;
};

static int cmp_sender(const void *a, const void *b)
{
	const struct sender *x = a, *y = b;

	if (x->port_id != y->port_id)
		return x->port_id < y->port_id ? -1 : 1;
	if (x->s->pid != y->s->pid)
		return x->s->pid < y->s->pid ? -1 : 1;
	return x->e->name < y->e->name ? -1 : x->e->name > y->e->name;
}

static void index_senders(const struct spaces *sp, struct senders *ix)
{
	size_t i, j;

	for (i = 0; i < sp->n; i++) {
		for (j = 0; j < sp->v[i].n; j++) {
			const struct entry *e = &sp->v[i].e[j];

			if (!(e->type & (MACHPORT_TYPE_SEND |
					 MACHPORT_TYPE_SEND_ONCE)) ||
			    !(e->has & BIT(MACHPORT_A_ENTRY_PORT_ID)) ||
			    entry_dead(e))
				continue;
			GROW(ix->v, ix->n, ix->cap);
			ix->v[ix->n++] = (struct sender){ e->port_id,
							  &sp->v[i], e };
		}
	}
	if (ix->n)
		qsort(ix->v, ix->n, sizeof(*ix->v), cmp_sender);
}

static void print_senders(const struct space *s, const struct entry *e,
			  const struct senders *ix)
{
	size_t lo = 0, hi = ix->n;

	if (!ix->n || !(e->type & MACHPORT_TYPE_RECEIVE) ||
	    !(e->has & BIT(MACHPORT_A_ENTRY_PORT_ID)))
		return;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->v[mid].port_id < e->port_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ix->n && ix->v[lo].port_id == e->port_id; lo++) {
		const struct sender *x = &ix->v[lo];
		char rights[64], urefs[16], who[5 * COMM_MAX], peer[6 * COMM_MAX];

		if (x->s->pid == s->pid)
			continue;	/* in the table already */
		rights_str(x->e->type & (MACHPORT_TYPE_SEND |
					 MACHPORT_TYPE_SEND_ONCE),
			   rights, sizeof(rights));
		if (x->e->has & BIT(MACHPORT_A_ENTRY_UREFS))
			snprintf(urefs, sizeof(urefs), "%" PRIu32, x->e->urefs);
		else
			snprintf(urefs, sizeof(urefs), "-");
		snprintf(peer, sizeof(peer), "<- %s as 0x%08" PRIx32,
			 who_str(x->s->pid, x->s->comm, who, sizeof(who)),
			 x->e->name);
		printf(ROW "\n", "  +", rights, urefs, "", "", "", peer);
	}
}

static void print_table(const struct space *s, const struct senders *ix)
{
	char comm[4 * COMM_MAX + 8];
	size_t i;

	printf("Process (%" PRIu32 ") : %s\n", s->pid,
	       tty_str(s->comm[0] ? s->comm : "?", comm, sizeof(comm)));
	printf("  %zu name%s", s->n, s->n == 1 ? "" : "s");
	if (s->has & BIT(MACHPORT_A_SPACE_ID))
		printf(", space %" PRIu64, s->id);
	if (s->has & BIT(MACHPORT_A_SPACE_MEMORY))
		printf(", name table %" PRIu64 " bytes", s->memory);
	printf("\n");
	if (!s->n)
		return;
	printf(ROW "\n", "name", "rights", "urefs", "identifier", "queue",
	       "flags", "peer");
	for (i = 0; i < s->n; i++) {
		const struct entry *e = &s->e[i];
		char name[16], rights[64], urefs[16], id[24], queue[32];
		char flags[8], peer[6 * COMM_MAX];
		size_t k;

		if (e->has & BIT(MACHPORT_A_ENTRY_NAME))
			snprintf(name, sizeof(name), "0x%08" PRIx32, e->name);
		else
			snprintf(name, sizeof(name), "?");
		if (e->has & BIT(MACHPORT_A_ENTRY_TYPE))
			rights_str(e->type, rights, sizeof(rights));
		else
			snprintf(rights, sizeof(rights), "?");
		if (e->has & BIT(MACHPORT_A_ENTRY_UREFS))
			snprintf(urefs, sizeof(urefs), "%" PRIu32, e->urefs);
		else
			snprintf(urefs, sizeof(urefs), "-");
		if (e->has & BIT(MACHPORT_A_ENTRY_PORT_ID))
			snprintf(id, sizeof(id), "0x%08" PRIx64, e->port_id);
		else
			snprintf(id, sizeof(id), "-");
		if ((e->type & MACHPORT_TYPE_RECEIVE) &&
		    (e->has & BIT(MACHPORT_A_ENTRY_QLEN)) &&
		    (e->has & BIT(MACHPORT_A_ENTRY_QLIMIT)))
			snprintf(queue, sizeof(queue), "%" PRIu32 "/%" PRIu32,
				 e->qlen, e->qlimit);
		else if ((e->type & MACHPORT_TYPE_RECEIVE) &&
			 (e->has & BIT(MACHPORT_A_ENTRY_QLEN)))
			snprintf(queue, sizeof(queue), "%" PRIu32, e->qlen);
		else
			snprintf(queue, sizeof(queue), "-");
		printf(ROW, name, rights, urefs, id, queue, flags_str(e, flags),
		       peer_str(s, e, peer, sizeof(peer)));
		for (k = 0; k < e->nsets; k++)
			printf("%s0x%08" PRIx32,
			       k ? "," : e->nsets > 1 ? "  in sets " : "  in set ",
			       e->sets[k]);
		printf("\n");
		print_senders(s, e, ix);
	}
}

/* ---- JSON ---------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at @s, or 0. */
static int utf8_len(const unsigned char *s)
{
	int n, i;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return n;
}

/*
 * A JSON string. Command names are bytes: a byte that is not part of valid
 * UTF-8 is written as the code point of the same value (\u00NN).
 */
static void json_str(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	putchar('"');
	while (*s) {
		int n = utf8_len(s);

		if (n > 1) {
			fwrite(s, 1, (size_t)n, stdout);
			s += n;
			continue;
		}
		switch (*s) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\b':
			fputs("\\b", stdout);
			break;
		case '\f':
			fputs("\\f", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			if (*s < 0x20 || *s >= 0x7f)
				printf("\\u%04x", *s);
			else
				putchar(*s);
		}
		s++;
	}
	putchar('"');
}

static void json_u32(const char *key, const struct entry *e, int attr,
		     uint32_t v)
{
	if (e->has & BIT(attr))
		printf(",\"%s\":%" PRIu32, key, v);
	else
		printf(",\"%s\":null", key);
}

static void json_entry(const struct entry *e)
{
	static const struct { uint32_t bit; const char *s; } rights[] = {
		{ MACHPORT_TYPE_RECEIVE, "recv" },
		{ MACHPORT_TYPE_SEND, "send" },
		{ MACHPORT_TYPE_SEND_ONCE, "send-once" },
		{ MACHPORT_TYPE_PORT_SET, "port-set" },
		{ MACHPORT_TYPE_DEAD_NAME, "dead-name" },
	}, armed[] = {
		{ MACHPORT_ARMED_NO_SENDERS, "no-senders" },
		{ MACHPORT_ARMED_PORT_DESTROYED, "port-destroyed" },
		{ MACHPORT_ARMED_DEAD_NAME, "dead-name" },
	};
	const char *sep = "";
	size_t i;

	if (e->has & BIT(MACHPORT_A_ENTRY_NAME))
		printf("{\"name\":%" PRIu32 ",\"name_hex\":\"0x%08" PRIx32 "\"",
		       e->name, e->name);
	else
		printf("{\"name\":null,\"name_hex\":null");
	printf(",\"rights\":[");
	for (i = 0; i < sizeof(rights) / sizeof(rights[0]); i++) {
		if (e->type & rights[i].bit) {
			printf("%s\"%s\"", sep, rights[i].s);
			sep = ",";
		}
	}
	printf("]");
	json_u32("type", e, MACHPORT_A_ENTRY_TYPE, e->type);
	json_u32("urefs", e, MACHPORT_A_ENTRY_UREFS, e->urefs);
	if (e->has & BIT(MACHPORT_A_ENTRY_PORT_ID))
		printf(",\"port_id\":%" PRIu64, e->port_id);
	else
		printf(",\"port_id\":null");
	printf(",\"dead\":%s", entry_dead(e) ? "true" : "false");
	if (!has_kobject(e))
		printf(",\"kobject\":null");
	else if (kobject_str(e->kobject))
		printf(",\"kobject\":\"%s\"", kobject_str(e->kobject));
	else
		printf(",\"kobject\":\"unknown-%" PRIu32 "\"", e->kobject);
	json_u32("peer_pid", e, MACHPORT_A_ENTRY_PEER_PID, e->peer_pid);
	printf(",\"peer_comm\":");
	if (e->has & BIT(MACHPORT_A_ENTRY_PEER_COMM))
		json_str(e->peer_comm);
	else
		printf("null");
	json_u32("qlen", e, MACHPORT_A_ENTRY_QLEN, e->qlen);
	json_u32("qlimit", e, MACHPORT_A_ENTRY_QLIMIT, e->qlimit);
	json_u32("seqno", e, MACHPORT_A_ENTRY_SEQNO, e->seqno);
	json_u32("mscount", e, MACHPORT_A_ENTRY_MSCOUNT, e->mscount);
	json_u32("srights", e, MACHPORT_A_ENTRY_SRIGHTS, e->srights);
	json_u32("sorights", e, MACHPORT_A_ENTRY_SORIGHTS, e->sorights);
	if (e->has & BIT(MACHPORT_A_ENTRY_NOTIFY)) {
		printf(",\"notify\":[");
		sep = "";
		for (i = 0; i < sizeof(armed) / sizeof(armed[0]); i++) {
			if (e->notify & armed[i].bit) {
				printf("%s\"%s\"", sep, armed[i].s);
				sep = ",";
			}
		}
		printf("]");
	} else {
		printf(",\"notify\":null");
	}
	json_u32("dnrequests", e, MACHPORT_A_ENTRY_DNREQUESTS, e->dnrequests);
	/* A receive right in no set may come without the (empty) nest. */
	if ((e->has & BIT(MACHPORT_A_ENTRY_SETS)) ||
	    (e->type & MACHPORT_TYPE_RECEIVE)) {
		printf(",\"sets\":[");
		for (i = 0; i < e->nsets; i++)
			printf("%s%" PRIu32, i ? "," : "", e->sets[i]);
		printf("]");
	} else {
		printf(",\"sets\":null");
	}
	json_u32("members", e, MACHPORT_A_ENTRY_MEMBERS, e->members);
	printf(",\"dnrequest\":%s", entry_dnrequest(e) ? "true" : "false");
	printf(",\"in_transit\":%s",
	       e->has & BIT(MACHPORT_A_ENTRY_IN_TRANSIT) ? "true" : "false");
	printf(",\"peer_hidden\":%s}",
	       e->has & BIT(MACHPORT_A_ENTRY_PEER_HIDDEN) ? "true" : "false");
}

static void json_space(const struct space *s)
{
	size_t i;

	printf("{\"pid\":%" PRIu32 ",\"comm\":", s->pid);
	if (s->comm[0])
		json_str(s->comm);
	else
		printf("null");
	if (s->has & BIT(MACHPORT_A_SPACE_ID))
		printf(",\"space_id\":%" PRIu64, s->id);
	else
		printf(",\"space_id\":null");
	printf(",\"entries\":[\n");
	for (i = 0; i < s->n; i++) {
		json_entry(&s->e[i]);
		printf("%s\n", i + 1 < s->n ? "," : "");
	}
	printf("]}");
}

/* ---- commands ------------------------------------------------------------ */

static bool json;

static void print_spaces(const struct spaces *sp, bool senders)
{
	struct senders ix = { 0 };
	bool first = true;
	size_t i;

	if (senders)
		index_senders(sp, &ix);
	if (json)
		printf("{\"processes\":[\n");
	for (i = 0; i < sp->n; i++) {
		if (!sp->v[i].loaded)
			continue;
		if (json) {
			printf("%s", first ? "" : ",\n");
			json_space(&sp->v[i]);
		} else {
			printf("%s", first ? "" : "\n");
			print_table(&sp->v[i], &ix);
		}
		first = false;
	}
	if (json)
		printf("%s]}\n", first ? "" : "\n");
	else if (first && senders)
		printf("No IPC spaces visible to you.\n");
	free(ix.v);
}

static void sort_spaces(struct spaces *sp)
{
	size_t i;

	if (sp->n)
		qsort(sp->v, sp->n, sizeof(*sp->v), cmp_space);
	for (i = 0; i < sp->n; i++)
		if (sp->v[i].n)
			qsort(sp->v[i].e, sp->v[i].n, sizeof(*sp->v[i].e),
			      cmp_entry);
}

static bool process_exists(uint32_t pid)
{
	return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

/* lsmp -p PID...: the spaces of the given processes. */
static int cmd_pids(struct nl *nl, const uint32_t *pids, size_t npids)
{
	struct spaces sp = { 0 };
	int ret = 0;
	size_t i, j;

	get_spaces(nl, &sp);
	for (i = 0; i < npids; i++) {
		struct entries es = { 0 };
		bool found = false;
		int err;

		for (j = 0; j < i; j++)
			if (pids[j] == pids[i])
				break;
		if (j < i)
			continue;	/* asked twice */
		err = get_entries(nl, pids[i], &es);
		if (err < 0) {
			ret = 1;
			continue;
		}
		if (err == 0)
			place_entries(&sp, pids[i], &es);
		for (j = 0; j < sp.n; j++)
			if (sp.v[j].pid == pids[i] && sp.v[j].loaded &&
			    sp.v[j].n)
				found = true;
		if (err > 0 || !found) {
			for (j = 0; j < sp.n; j++)
				if (sp.v[j].pid == pids[i])
					sp.v[j].loaded = false;
			if (!process_exists(pids[i]))
				fprintf(stderr, "lsmp: there is no process %" PRIu32 "\n",
					pids[i]);
			else
				fprintf(stderr, "lsmp: process %" PRIu32 " has no IPC space visible to you\n",
					pids[i]);
			ret = 1;
		}
	}
	sort_spaces(&sp);
	for (j = 0; j < sp.n; j++)
		if (sp.v[j].loaded)
			break;
	if (j < sp.n)
		print_spaces(&sp, false);
	free_spaces(&sp);
	return ret;
}

/* lsmp -a: every visible space. */
static int cmd_all(struct nl *nl)
{
	struct spaces sp = { 0 };
	uint32_t *pids = NULL;
	size_t npids = 0, cap = 0, i;
	int ret = 0;

	get_spaces(nl, &sp);
	sort_spaces(&sp);
	for (i = 0; i < sp.n; i++) {
		if (!(sp.v[i].has & BIT(MACHPORT_A_SPACE_PID)) ||
		    (npids && pids[npids - 1] == sp.v[i].pid))
			continue;
		GROW(pids, npids, cap);
		pids[npids++] = sp.v[i].pid;
	}
	for (i = 0; i < npids; i++) {
		struct entries es = { 0 };
		int err = get_entries(nl, pids[i], &es);
		size_t j;

		if (err < 0)
			ret = 1;
		if (err)
			continue;
		place_entries(&sp, pids[i], &es);
		/* A process that exited since the space dump is left out. */
		for (j = 0; j < sp.n; j++)
			if (sp.v[j].pid == pids[i] && !sp.v[j].n &&
			    !process_exists(pids[i]))
				sp.v[j].loaded = false;
	}
	sort_spaces(&sp);
	print_spaces(&sp, true);
	free(pids);
	free_spaces(&sp);
	return ret;
}

static int cmd_stats(struct nl *nl)
{
	static const struct { int attr; const char *key, *label; } f[] = {
		{ MACHPORT_A_STATS_SPACES, "spaces", "spaces" },
		{ MACHPORT_A_STATS_PORTS, "ports", "ports" },
		{ MACHPORT_A_STATS_MSGS_QUEUED, "msgs_queued", "messages queued" },
		{ MACHPORT_A_STATS_BYTES_QUEUED, "bytes_queued", "bytes queued" },
		{ MACHPORT_A_STATS_MSGS_SENT, "msgs_sent", "messages sent" },
		{ MACHPORT_A_STATS_NOTIFICATIONS, "notifications", "notifications" },
	};
	union { char b[256]; struct nlmsghdr a; } tx;
	struct nlmsghdr *nlh;
	struct stats st = { 0 };
	struct reply r;
	size_t i;

	nlh = genl_msg(tx.b, nl->family, NLM_F_ACK, MACHPORT_CMD_GET_STATS,
		       MACHPORT_GENL_VERSION);
	if (nl_talk(nl, nlh, stats_cb, &st, &r) < 0) {
		fprintf(stderr, "lsmp: cannot read the counters: %s\n",
			reply_str(&r));
		return 1;
	}
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		bool has = st.has & BIT(f[i].attr);

		if (json) {
			printf("%s\"%s\":", i ? "," : "{", f[i].key);
			if (has)
				printf("%" PRIu64, st.v[f[i].attr]);
			else
				printf("null");
		} else if (has) {
			printf("%-16s %" PRIu64 "\n", f[i].label,
			       st.v[f[i].attr]);
		} else {
			printf("%-16s -\n", f[i].label);
		}
	}
	if (json)
		printf("}\n");
	return 0;
}

#define SYNOPSIS \
	"Usage: lsmp [--json] -p PID [-p PID...]\n" \
	"       lsmp [--json] -a\n" \
	"       lsmp [--json] --stats\n"

static void usage(FILE *f)
{
	fprintf(f, SYNOPSIS
		"\n"
		"List the Mach ports (machport module) that processes hold: their\n"
		"names, rights, queues, and who holds the other end.\n"
		"\n"
		"  -p, --pid PID  the ports of process PID (may be repeated)\n"
		"  -a, --all      the ports of every process visible to you\n"
		"      --stats    the module-wide counters\n"
		"      --json     a JSON document instead of tables\n"
		"  -h, --help     this help\n"
		"      --version  the version of lsmp\n"
		"\n"
		"Flags: N no-senders armed, D port-destroyed armed, d dead-name\n"
		"requests on the port, r this name has a dead-name request,\n"
		"S in a port set. See lsmp(8).\n");
}

static void bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "lsmp: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n" SYNOPSIS "Try 'lsmp --help' for more.\n");
	exit(1);
}

int main(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_STATS, OPT_VERSION };
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t *pids = NULL;
	size_t npids = 0, cap = 0;
	bool all = false, stats = false;
	struct nl nl;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:ah", opts, NULL)) != -1) {
		switch (c) {
		case 'p': {
			char *end;
			long v;

			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v <= 0 ||
			    v > INT_MAX)
				bad_usage("invalid pid '%s'", optarg);
			GROW(pids, npids, cap);
			pids[npids++] = (uint32_t)v;
			break;
		}
		case 'a':
			all = true;
			break;
		case OPT_STATS:
			stats = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("lsmp (machport) %s\n", LSMP_VERSION);
			return 0;
		default: {
			const char *arg = argv[optind - 1];
			char opt[3] = { '-', (char)optopt, '\0' };

			if (strncmp(arg, "--", 2) && optopt)
				arg = opt;
			bad_usage(c == ':' ? "option '%s' needs an argument" :
				  "unknown option '%s'", arg);
		}
		}
	}
	if (optind < argc)
		bad_usage("unexpected argument '%s'", argv[optind]);
	if ((npids > 0) + all + stats != 1)
		bad_usage("%s", npids || all || stats ?
			  "-p, -a and --stats do not go together" :
			  "say which processes: -p PID or -a (or --stats)");

	nl_open(&nl);
	if (stats)
		ret = cmd_stats(&nl);
	else if (all)
		ret = cmd_all(&nl);
	else
		ret = cmd_pids(&nl, pids, npids);
	mnl_socket_close(nl.sock);
	free(pids);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "lsmp: cannot write the output: %s\n",
			strerror(errno));
		ret = 1;
	}
	return ret;
}
