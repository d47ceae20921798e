// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: a structured fuzzer for /dev/mach (Documentation/fuzzing.md).
 *
 * Several processes, each with a few threads, drive every MACHPORT_IOC_*
 * with random but well-typed arguments: names come mostly from a model of
 * the process's space built from the kernel's own answers, so sequences
 * reach deep states (rights in transit, ports in sets, armed
 * notifications, queues holding rights, receive rights inside their own
 * queue...), and sometimes from stale, NULL, DEAD or random values.
 * Processes meet through the name service and through inherited special
 * ports; threads are interrupted by signals, the descriptor is closed
 * under them, children fork and die mid-call.
 *
 * It fails on an ioctl answer outside the documented set, a message that
 * arrives different from how it was sent, a child killed by a signal we
 * did not send, a hang, or module object counts that do not return to
 * where they started. Runs are seeded; with --procs 1 --threads 1 a run is
 * deterministic and prints the hash of everything the kernel answered.
 *
 * Without arguments it runs as a selftest: fixed seeds, a determinism
 * check, then a time-boxed run from a random seed, one "ok"/"not ok" line
 * each, with a replay command for every failure.
 */
#include <dirent.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <linux/machport.h>

/* ---- Limits and layout ------------------------------------------------ */

#define MAX_PROCS	8
#define MAX_THREADS	8
#define SLOTS_PER_PROC	(MAX_THREADS + 1)	/* threads and the ticker */
#define NSLOTS		(MAX_PROCS * SLOTS_PER_PROC)
#define MODEL_MAX	512
#define STALE_MAX	64
#define MAX_POLLFDS	16
#define MAX_KIDS	8
#define POOL		24		/* service names per run */

#define PAGE		4096UL
#define BUF_SIZE	((1UL << 20) + (64UL << 10))	/* send/receive buffers */
#define BIG_SIZE	(4UL << 20)			/* pattern, read-only */
#define SCRATCH_SIZE	(256UL << 10)			/* pattern, per thread */
#define EDGE_RW		(64UL << 10)
#define NAMES_MAX	4096				/* OOL port arrays */

#define FZ_MAGIC	0x467a4d73U	/* "sMzF" */
#define FZ_ID		0x46000000
#define MAX_DESC	16
#define MAX_VERIFY	8

/* MACH_PORT_TYPE_* bits, short. */
#define T_SEND		MACHPORT_TYPE_SEND
#define T_RECV		MACHPORT_TYPE_RECEIVE
#define T_SO		MACHPORT_TYPE_SEND_ONCE
#define T_PSET		MACHPORT_TYPE_PORT_SET
#define T_DEAD		MACHPORT_TYPE_DEAD_NAME
#define T_DNREQ		MACHPORT_TYPE_DNREQUEST
#define T_RIGHTS	(T_SEND | T_RECV | T_SO | T_PSET | T_DEAD)
#define T_ANY		T_RIGHTS

#define TASK_SELF	0x103U
#define NONCANON	0x8000000000000000ULL
#define KERNEL_ADDR	0xffffffff81000000ULL

#define HDR_SIZE	sizeof(struct machport_msg_header)
#define BODY_OFF	(HDR_SIZE + sizeof(struct machport_msg_body))

/* ---- Operations --------------------------------------------------------
 * Name, weight (relative frequency). --avoid takes these names, and the
 * feature names after them, which switch off one kind of argument.
 */
#define OPS(X)						\
	X(VERSION,	"version",		2)	\
	X(FEATURES,	"features",		2)	\
	X(ALLOCATE,	"allocate",		24)	\
	X(DEALLOCATE,	"deallocate",		14)	\
	X(DESTROY,	"destroy",		10)	\
	X(TYPE,		"type",			10)	\
	X(MOD_REFS,	"mod_refs",		12)	\
	X(GET_REFS,	"get_refs",		6)	\
	X(INSERT,	"insert_right",		10)	\
	X(EXTRACT,	"extract_right",	10)	\
	X(NAMES,	"names",		6)	\
	X(GET_ATTR,	"get_attr",		6)	\
	X(SET_ATTR,	"set_attr",		6)	\
	X(SEND,		"send",			64)	\
	X(RECV,		"recv",			56)	\
	X(RPC,		"rpc",			14)	\
	X(KSEND,	"kernel_send",		8)	\
	X(GET_SPECIAL,	"get_special",		6)	\
	X(SET_SPECIAL,	"set_special",		4)	\
	X(INHERIT,	"inherit",		3)	\
	X(MEMBER,	"member",		12)	\
	X(SET_STATUS,	"set_status",		4)	\
	X(NOTIFY,	"request_notify",	16)	\
	X(PORT_CTL,	"port_ctl",		8)	\
	X(PEEK,		"peek",			4)	\
	X(POLLFD,	"pollfd",		6)	\
	X(POLL,		"poll",			6)	\
	X(BOOTSTRAP,	"bootstrap",		16)	\
	X(BAD_IOCTL,	"bad_ioctl",		3)	\
	X(FORK,		"fork",			3)	\
	X(CLOSE_FD,	"close_fd",		1)	\
	X(SIGNAL,	"signal",		6)	\
	X(REAP,		"reap",			4)	\
	X(SCENARIO,	"scenario",		14)	\
	X(SECOND_SPACE,	"second_space",		2)

enum op {
#define X(e, n, w) OP_##e,
	OPS(X)
#undef X
	NOPS
};

static const char *const op_names[NOPS] = {
#define X(e, n, w) [OP_##e] = n,
	OPS(X)
#undef X
};

static const unsigned int op_weights[NOPS] = {
#define X(e, n, w) [OP_##e] = w,
	OPS(X)
#undef X
};

/* Kinds of arguments --avoid can switch off (bits after the ops). */
#define FEATS(X)							\
	X(REPLY_SEND,	"reply_send")	/* reply rights of send kind */	\
	X(OOL_BIG,	"ool_big")	/* OOL regions of 64 KiB and more */ \
	X(BAD_PTR,	"bad_ptr")	/* unmapped, read-only, kernel pointers */ \
	X(BLOCKING,	"blocking")	/* waits without a timeout */	\
	X(KILL,		"kill")		/* SIGKILL of children and workers */ \
	X(NEWNS,	"new_ns")	/* a fresh IPC namespace per run */ \
	X(OWN_RECEIVE,	"own_receive")	/* a receive right sent to its own port */ \
	X(GUARD,	"guard")	/* guarded receive rights */	\
	X(INSERT_SO,	"insert_send_once") /* insert_right on a send-once name */ \
	X(INTROSPECT,	"introspect")	/* lsmp dumps the spaces meanwhile */

enum feat {
#define X(e, n) F_##e,
	FEATS(X)
#undef X
	NFEATS
};

static const char *const feat_names[NFEATS] = {
#define X(e, n) [F_##e] = n,
	FEATS(X)
#undef X
};

/* ---- Configuration ------------------------------------------------------ */

struct cfg {
	uint64_t seed;
	long iterations;	/* per thread; 0: until the time box */
	double seconds;		/* time box; 0: none */
	int procs, threads;
	uint64_t avoid;		/* ops (bit op) and features (bit NOPS + f) */
	int verbose;
	int trace;		/* print every ioctl (stderr) */
	double hang;		/* seconds without progress that count as a hang */
	bool det;		/* one process, one thread: deterministic */
	uint64_t deadline;	/* CLOCK_MONOTONIC ns; 0: none */
	int leader_fd;		/* the leader's space, for INHERIT */
	bool newns;		/* this run is in a new IPC namespace */
	char lsmp[512];		/* lsmp next to us, or "" */
	const char *argv0;
};

static struct cfg C;

static bool avoided_op(int op)
{
	return C.avoid & (1ULL << op);
}

static bool feat(int f)
{
	return !(C.avoid & (1ULL << (NOPS + f)));
}

/* ---- Shared state (all processes of a run) ----------------------------- */

struct slot {
	_Atomic int pid, tid;
	_Atomic int op;			/* current op, -1 between ops */
	_Atomic int blocking;		/* in a wait that only a signal ends */
	_Atomic uint64_t since;		/* ns the op started */
	_Atomic uint64_t hash;		/* of the kernel's answers, at the end */
	_Atomic long done;		/* iterations done */
	_Atomic int active;
};

struct shared {
	_Atomic uint64_t iterations, ioctls, procs, kills, forks;
	_Atomic uint64_t sent, received, verified, dumps;
	_Atomic uint64_t op_calls[NOPS], op_success[NOPS];
	_Atomic uint64_t cov[16];	/* deep states reached, see cov_names */
	_Atomic int stop;
	_Atomic int failed;
	char failmsg[2048];
	struct slot slots[NSLOTS];
	_Atomic int worker_killed[MAX_PROCS];
};

static struct shared *sh;

/* States worth reaching; counted when the kernel shows we got there. */
enum {
	COV_RCV_RIGHT, COV_SEND_RIGHT, COV_SO_RIGHT, COV_OOL, COV_OOL_BIG,
	COV_OOL_PORTS, COV_SET_RCV, COV_N_SEND_ONCE, COV_N_NO_SENDERS,
	COV_N_PORT_DESTROYED, COV_N_DEAD_NAME, COV_N_PORT_DELETED,
	COV_MIG_REPLY, COV_BS_RIGHT, COV_PSEUDO, COV_INTERRUPTED,
};

static const char *const cov_names[16] = {
	"receive rights received", "send rights received",
	"send-once rights received", "OOL regions received",
	"OOL regions >= 64 KiB received", "OOL port arrays received",
	"messages received on a set", "send-once notifications",
	"no-senders notifications", "port-destroyed notifications",
	"dead-name notifications", "port-deleted notifications",
	"kernel MIG error replies", "bootstrap replies with a right",
	"pseudo-receives (failed sends given back)",
	"waits interrupted by a signal",
};

static void cov(int what)
{
	atomic_fetch_add_explicit(&sh->cov[what], 1, memory_order_relaxed);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void sleep_ms(double ms)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ms / 1000),
		.tv_nsec = (long)((ms - (time_t)(ms / 1000) * 1000) * 1e6),
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static bool stopping(void)
{
	return atomic_load_explicit(&sh->stop, memory_order_relaxed) ||
	       (C.deadline && now_ns() >= C.deadline);
}

/* Record the first failure of the run; everything winds down. */
__attribute__((format(printf, 1, 2)))
static void failf(const char *fmt, ...)
{
	char buf[1024];
	int expected = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (atomic_compare_exchange_strong(&sh->failed, &expected, 1))
		snprintf(sh->failmsg, sizeof(sh->failmsg), "pid %d tid %d: %s",
			 getpid(), gettid(), buf);
	atomic_store(&sh->stop, 1);
	dprintf(2, "# fuzz[%d/%d]: FAIL: %s\n", getpid(), gettid(), buf);
}

/* ---- PRNG: splitmix64 seeds xorshift64* streams ------------------------ */

struct rng {
	uint64_t s;
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A stream of its own for (seed, a, b, c): a process, a thread, a child. */
static void rng_init(struct rng *r, uint64_t seed, uint64_t a, uint64_t b,
		     uint64_t c)
{
	uint64_t x = seed;

	splitmix64(&x);
	x ^= a * 0x100000001b3ULL;
	splitmix64(&x);
	x ^= b * 0xc2b2ae3d27d4eb4fULL;
	splitmix64(&x);
	x ^= c * 0x165667b19e3779f9ULL;
	r->s = splitmix64(&x) | 1;
}

static uint64_t rnext(struct rng *r)
{
	uint64_t x = r->s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n). */
static uint32_t rn(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(((rnext(r) >> 32) * (uint64_t)n) >> 32) : 0;
}

/* True with probability pct percent. */
static bool pct(struct rng *r, unsigned int p)
{
	return rn(r, 100) < p;
}

/* Sizes spread over orders of magnitude: [lo, hi], log-uniform. */
static uint32_t rlog(struct rng *r, uint32_t lo, uint32_t hi)
{
	uint32_t bits = 0, span, v;

	while (bits < 32 && (hi >> bits))
		bits++;
	span = 1 + rn(r, bits);
	v = span >= 32 ? (uint32_t)rnext(r) : rn(r, 1U << span);
	if (v < lo)
		v = lo + rn(r, 8);
	return v > hi ? lo + rn(r, hi - lo + 1) : v;
}

/* ---- Byte patterns ------------------------------------------------------ */

/* The byte at offset x of every pattern region. */
static inline uint8_t pat(uint64_t x)
{
	return (uint8_t)(x * 131 + (x >> 8) * 7 + (x >> 16) * 3 + 0x5a);
}

static void pat_fill(uint8_t *p, uint64_t off, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = pat(off + i);
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261U;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619U;
	return h;
}

/* ---- What an ioctl may answer ------------------------------------------- */

static const long kern_codes[] = {
	MACHPORT_KERN_SUCCESS, MACHPORT_KERN_INVALID_ADDRESS,
	MACHPORT_KERN_NO_SPACE, MACHPORT_KERN_INVALID_ARGUMENT,
	MACHPORT_KERN_FAILURE, MACHPORT_KERN_RESOURCE_SHORTAGE,
	MACHPORT_KERN_NOT_RECEIVER, MACHPORT_KERN_NO_ACCESS,
	MACHPORT_KERN_ALREADY_IN_SET, MACHPORT_KERN_NOT_IN_SET,
	MACHPORT_KERN_NAME_EXISTS, MACHPORT_KERN_INVALID_NAME,
	MACHPORT_KERN_INVALID_TASK, MACHPORT_KERN_INVALID_RIGHT,
	MACHPORT_KERN_INVALID_VALUE, MACHPORT_KERN_UREFS_OVERFLOW,
	MACHPORT_KERN_INVALID_CAPABILITY, MACHPORT_KERN_RIGHT_EXISTS,
};

static const long msg_codes[] = {
	MACHPORT_MSG_SUCCESS, MACHPORT_SEND_INVALID_DATA,
	MACHPORT_SEND_INVALID_DEST, MACHPORT_SEND_TIMED_OUT,
	MACHPORT_SEND_INVALID_VOUCHER, MACHPORT_SEND_INTERRUPTED,
	MACHPORT_SEND_MSG_TOO_SMALL, MACHPORT_SEND_INVALID_REPLY,
	MACHPORT_SEND_INVALID_RIGHT, MACHPORT_SEND_INVALID_MEMORY,
	MACHPORT_SEND_NO_BUFFER, MACHPORT_SEND_TOO_LARGE,
	MACHPORT_SEND_INVALID_TYPE, MACHPORT_SEND_INVALID_HEADER,
	MACHPORT_SEND_INVALID_OPTIONS, MACHPORT_RCV_INVALID_NAME,
	MACHPORT_RCV_TIMED_OUT, MACHPORT_RCV_TOO_LARGE,
	MACHPORT_RCV_INTERRUPTED, MACHPORT_RCV_PORT_CHANGED,
	MACHPORT_RCV_INVALID_DATA, MACHPORT_RCV_INVALID_TRAILER,
	MACHPORT_RCV_HEADER_ERROR | MACHPORT_MSG_IPC_SPACE,
	MACHPORT_RCV_BODY_ERROR | MACHPORT_MSG_IPC_SPACE,
	MACHPORT_RCV_BODY_ERROR | MACHPORT_MSG_VM_SPACE,
	MACHPORT_RCV_BODY_ERROR | MACHPORT_MSG_VM_KERNEL,
};

static bool in_list(long v, const long *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

static bool errno_ok(long e)
{
	switch (e) {
	case EFAULT: case EINVAL: case EPERM: case ENOMEM: case ENOTTY:
	case EBADF: case EMFILE: case ENFILE: case EINTR:
		return true;
	}
	return false;
}

static const char *cmd_name(unsigned long cmd)
{
	switch (cmd) {
	case MACHPORT_IOC_VERSION: return "VERSION";
	case MACHPORT_IOC_FEATURES: return "FEATURES";
	case MACHPORT_IOC_PORT_ALLOCATE: return "PORT_ALLOCATE";
	case MACHPORT_IOC_PORT_DEALLOCATE: return "PORT_DEALLOCATE";
	case MACHPORT_IOC_PORT_DESTROY: return "PORT_DESTROY";
	case MACHPORT_IOC_PORT_TYPE: return "PORT_TYPE";
	case MACHPORT_IOC_PORT_MOD_REFS: return "PORT_MOD_REFS";
	case MACHPORT_IOC_PORT_GET_REFS: return "PORT_GET_REFS";
	case MACHPORT_IOC_PORT_INSERT_RIGHT: return "PORT_INSERT_RIGHT";
	case MACHPORT_IOC_PORT_EXTRACT_RIGHT: return "PORT_EXTRACT_RIGHT";
	case MACHPORT_IOC_PORT_NAMES: return "PORT_NAMES";
	case MACHPORT_IOC_PORT_GET_ATTR: return "PORT_GET_ATTR";
	case MACHPORT_IOC_PORT_SET_ATTR: return "PORT_SET_ATTR";
	case MACHPORT_IOC_MSG: return "MSG";
	case MACHPORT_IOC_GET_SPECIAL: return "GET_SPECIAL";
	case MACHPORT_IOC_SET_SPECIAL: return "SET_SPECIAL";
	case MACHPORT_IOC_INHERIT: return "INHERIT";
	case MACHPORT_IOC_MEMBER: return "MEMBER";
	case MACHPORT_IOC_SET_STATUS: return "SET_STATUS";
	case MACHPORT_IOC_REQUEST_NOTIFY: return "REQUEST_NOTIFY";
	case MACHPORT_IOC_PORT_CTL: return "PORT_CTL";
	case MACHPORT_IOC_PORT_POLLFD: return "PORT_POLLFD";
	case MACHPORT_IOC_PORT_PEEK: return "PORT_PEEK";
	}
	return NULL;
}

/* Is @v (>= 0: a Mach code, < 0: -errno) a documented answer to @cmd? */
static bool answer_ok(unsigned long cmd, long v)
{
	if (v < 0)
		return errno_ok(-v);
	switch (cmd) {
	case MACHPORT_IOC_VERSION:
		return v == MACHPORT_ABI_VERSION;
	case MACHPORT_IOC_FEATURES:
		return v == 0;
	case MACHPORT_IOC_MSG:
		return in_list(v, msg_codes, sizeof(msg_codes) / sizeof(long));
	case MACHPORT_IOC_SET_SPECIAL:
		/* task_set_special_port's MIG copyin answers so. */
		if (v == MACHPORT_SEND_INVALID_RIGHT)
			return true;
		break;
	}
	if (!cmd_name(cmd))
		return false;	/* unknown ioctls answer ENOTTY */
	return in_list(v, kern_codes, sizeof(kern_codes) / sizeof(long));
}

/* ---- Processes and threads ---------------------------------------------- */

struct model {
	uint32_t name[MODEL_MAX];
	uint32_t type[MODEL_MAX];
	int n;
	uint32_t stale[STALE_MAX];
	int nstale;
};

struct kid {
	pid_t pid;
	uint64_t kill_at;	/* ns; 0: let it finish */
};

struct th;

struct proc {
	int index;		/* worker number */
	int gen;		/* respawn generation */
	bool is_child;		/* a forked child, or a second space */
	bool noblock;		/* no waits that only a signal ends */
	_Atomic int fd;		/* our own /dev/mach descriptor */
	pthread_mutex_t mu;	/* the fields below */
	struct model m;
	uint32_t bootstrap;	/* a send right to the bootstrap port, or 0 */
	uint32_t reply;		/* a receive right for bootstrap replies */
	int pollfds[MAX_POLLFDS];
	int npollfds;
	struct kid kids[MAX_KIDS];
	int nkids;
	int nthreads;
	struct th *threads[MAX_THREADS];
	_Atomic int running;	/* fuzz threads still running */
	_Atomic int epoch;	/* bumped when the descriptor changes */
	_Atomic int kid_seq;
	uint8_t *big;		/* BIG_SIZE of pattern, read-only */
	uint8_t *none;		/* PROT_NONE pages */
	uint8_t *hole;		/* an address where nothing is ever mapped */
	uint8_t *unmapped;	/* a range we unmapped (maybe mapped again since) */
};

/* What an ioctl's argument pointer is (arg_ptr). */
enum { ARG_GOOD, ARG_RO, ARG_BAD };

struct th {
	struct proc *p;
	int idx;
	struct rng r;
	struct slot *slot;
	pid_t tid;
	pthread_t pt;
	uint64_t hash;
	long done;
	uint8_t *sbuf, *rbuf;	/* BUF_SIZE each */
	uint8_t *scratch;	/* SCRATCH_SIZE of pattern */
	uint32_t *names;	/* NAMES_MAX names for OOL port arrays */
	uint8_t *edge;		/* EDGE_RW bytes, then EDGE_RW of PROT_NONE */
	uint8_t *ro;		/* EDGE_RW bytes, read-only except while filled */
	int fail_streak;	/* picks that found nothing: refresh the model */
	int arg, arg_used;	/* ARG_*: the argument of the next, last ioctl */
	int cur_op;		/* the operation being run */
	uint32_t reply;		/* receive right for replies, this epoch */
	int reply_epoch;
	long child_ops;		/* in a forked child: ops left */
};

static void hash_mix(struct th *t, uint64_t v)
{
	t->hash = (t->hash ^ v) * 0x100000001b3ULL;
	t->hash ^= t->hash >> 29;
}

/* One ioctl on @fd, its answer checked against the documented set. */
/*
 * Is @fd still a /dev/mach descriptor in this process? When another
 * thread closed it and the number went to another file, that file
 * answers as it will: EBADF or ENOTTY mostly, EINVAL from an epoll
 * descriptor on kernels that give epoll ioctls (6.9 and later).
 */
static bool fd_is_mach(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && S_ISCHR(a.st_mode) &&
	       stat("/dev/" MACHPORT_DEVICE_NAME, &b) == 0 &&
	       a.st_rdev == b.st_rdev;
}

static long io_fd(struct th *t, int fd, unsigned long cmd, void *arg)
{
	long v;
	int r;

	atomic_fetch_add_explicit(&sh->ioctls, 1, memory_order_relaxed);
	r = ioctl(fd, cmd, arg);
	v = r < 0 ? -(long)errno : r;
	hash_mix(t, cmd);
	hash_mix(t, (uint64_t)v);
	if (C.trace) {
		const char *n = cmd_name(cmd);

		struct machport_msg mm, *m = &mm;
		struct iovec lv = { &mm, sizeof(mm) }, rv = { arg, sizeof(mm) };

		/* The argument may be a pointer that faults: read it safely. */
		if (cmd == MACHPORT_IOC_MSG &&
		    process_vm_readv(getpid(), &lv, 1, &rv, 1, 0) == sizeof(mm)) {
			dprintf(2, "# [%d] MSG opt %#x send %#llx/%u rcv %#x %#llx/%u to %u -> %#lx\n",
				getpid(), m->option, (unsigned long long)m->send_msg,
				m->send_size, m->rcv_name,
				(unsigned long long)m->rcv_msg, m->rcv_size,
				m->timeout, v);
			if (m->send_msg && m->send_size >= HDR_SIZE) {
				uint32_t w[12] = { 0 };
				struct iovec l2 = { w, sizeof(w) };
				struct iovec r2 = { (void *)(uintptr_t)m->send_msg, sizeof(w) };

				if (process_vm_readv(getpid(), &l2, 1, &r2, 1, 0) > 0)
					dprintf(2, "#   sent: bits %#x remote %#x local %#x voucher %#x id %#x | %#x | %#x %#x %#x | %#x %#x %#x\n",
						w[0], w[2], w[3], w[4], w[5], w[6], w[7],
						w[8], w[9], w[10], w[11], w[12 - 1]);
			}
		} else {
			uint32_t w[8] = { 0 };
			struct iovec l2 = { w, sizeof(w) }, r2 = { arg, sizeof(w) };

			if (!arg || process_vm_readv(getpid(), &l2, 1, &r2, 1, 0) <= 0)
				memset(w, 0xff, sizeof(w));
			dprintf(2, "# [%d] %s %#lx {%#x %#x %#x %#x %#x %#x} -> %ld\n",
				getpid(), n ? n : "?", cmd, w[0], w[1], w[2], w[3],
				w[4], w[5], v);
		}
	}
	t->arg_used = t->arg;
	t->arg = ARG_GOOD;
	if (v == 0)
		atomic_fetch_add_explicit(&sh->op_success[t->cur_op], 1,
					  memory_order_relaxed);
	if (v == MACHPORT_SEND_INTERRUPTED || v == MACHPORT_RCV_INTERRUPTED)
		cov(COV_INTERRUPTED);
	/* Unless the descriptor changed under us: another file, or none. */
	if (t->arg_used == ARG_BAD && cmd != MACHPORT_IOC_VERSION && v != -EFAULT &&
	    (C.det || (v != -ENOTTY && v != -EBADF && fd_is_mach(fd))))
		failf("%s (cmd %#lx) with an argument pointer that faults answered %ld, not -EFAULT",
		      cmd_name(cmd) ? cmd_name(cmd) : "unknown ioctl", cmd, v);
	if (!answer_ok(cmd, v)) {
		const char *n = cmd_name(cmd);

		if (v < 0)
			failf("%s (cmd %#lx) on fd %d: errno %ld (%s), not a documented error",
			      n ? n : "unknown ioctl", cmd, fd, -v, strerror(-v));
		else
			failf("%s (cmd %#lx) on fd %d: answered %#lx, not a documented Mach code",
			      n ? n : "unknown ioctl", cmd, fd, v);
	}
	return v;
}

static long io(struct th *t, unsigned long cmd, void *arg)
{
	return io_fd(t, atomic_load(&t->p->fd), cmd, arg);
}

/* ---- The model of a space ----------------------------------------------- */

static int model_find(struct model *m, uint32_t name)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->name[i] == name)
			return i;
	return -1;
}

static void stale_add(struct model *m, uint32_t name)
{
	if (m->nstale < STALE_MAX)
		m->stale[m->nstale++] = name;
	else
		m->stale[name % STALE_MAX] = name;
}

static void model_remove_at(struct model *m, int i)
{
	stale_add(m, m->name[i]);
	m->n--;
	m->name[i] = m->name[m->n];
	m->type[i] = m->type[m->n];
}

/* @name holds (at least) @type now; type 0 only records the name. */
static void model_add(struct th *t, uint32_t name, uint32_t type)
{
	struct model *m = &t->p->m;
	int i;

	if (name == MACHPORT_NAME_NULL || name == MACHPORT_NAME_DEAD)
		return;
	pthread_mutex_lock(&t->p->mu);
	i = model_find(m, name);
	if (i >= 0) {
		m->type[i] |= type;
	} else if (m->n < MODEL_MAX) {
		m->name[m->n] = name;
		m->type[m->n++] = type;
	} else {
		i = rn(&t->r, MODEL_MAX);
		stale_add(m, m->name[i]);
		m->name[i] = name;
		m->type[i] = type;
	}
	pthread_mutex_unlock(&t->p->mu);
}

/* What the kernel said the name is; type 0: the name is gone. */
static void model_set(struct th *t, uint32_t name, uint32_t type)
{
	struct model *m = &t->p->m;
	int i;

	pthread_mutex_lock(&t->p->mu);
	i = model_find(m, name);
	if (i >= 0 && !type)
		model_remove_at(m, i);
	else if (i >= 0)
		m->type[i] = type;
	pthread_mutex_unlock(&t->p->mu);
	if (i < 0 && type)
		model_add(t, name, type);
}

static void model_clear_bits(struct th *t, uint32_t name, uint32_t bits)
{
	struct model *m = &t->p->m;
	int i;

	pthread_mutex_lock(&t->p->mu);
	i = model_find(m, name);
	if (i >= 0) {
		m->type[i] &= ~bits;
		if (!(m->type[i] & T_RIGHTS))
			model_remove_at(m, i);
	}
	pthread_mutex_unlock(&t->p->mu);
}

static void model_reset(struct proc *p)
{
	int i;

	pthread_mutex_lock(&p->mu);
	for (i = 0; i < p->m.n; i++)
		stale_add(&p->m, p->m.name[i]);
	p->m.n = 0;
	p->bootstrap = 0;
	p->reply = 0;
	pthread_mutex_unlock(&p->mu);
}

static int model_size(struct proc *p)
{
	int n;

	pthread_mutex_lock(&p->mu);
	n = p->m.n;
	pthread_mutex_unlock(&p->mu);
	return n;
}

/* A name that is not a right of ours, or not any more, or not a name. */
static uint32_t junk_name(struct th *t)
{
	struct model *m = &t->p->m;
	uint32_t v = 0;

	pthread_mutex_lock(&t->p->mu);
	switch (rn(&t->r, 11)) {
	case 0: v = MACHPORT_NAME_NULL; break;
	case 1: v = MACHPORT_NAME_DEAD; break;
	case 2: v = TASK_SELF; break;
	case 3: v = m->nstale ? m->stale[rn(&t->r, m->nstale)] : 0x203; break;
	case 4: v = (uint32_t)rnext(&t->r); break;
	case 5: v = ((1 + rn(&t->r, 600)) << 8) | (rn(&t->r, 64) << 2) | 3; break;
	case 6: v = m->n ? m->name[rn(&t->r, m->n)] ^ 4 : 0x307; break;
	case 7: v = m->n ? m->name[rn(&t->r, m->n)] + 0x100 : 0x403; break;
	case 8: v = 0xfffffe03U; break;
	case 9: v = m->n ? m->name[rn(&t->r, m->n)] & ~3U : 0x200; break;
	default: v = m->nstale ? m->stale[rn(&t->r, m->nstale)] : 1; break;
	}
	pthread_mutex_unlock(&t->p->mu);
	return v;
}

/*
 * A name holding any of @want, from the model; 0 when there is none.
 * Sometimes (junk_pct percent) a junk name instead.
 */
static uint32_t pick_j(struct th *t, uint32_t want, unsigned int junk_pct)
{
	struct model *m = &t->p->m;
	uint32_t cand[MODEL_MAX], v = 0;
	int i, n = 0;

	if (pct(&t->r, junk_pct))
		return junk_name(t);
	pthread_mutex_lock(&t->p->mu);
	for (i = 0; i < m->n; i++)
		if (m->type[i] & want)
			cand[n++] = m->name[i];
	if (n)
		v = cand[rn(&t->r, n)];
	pthread_mutex_unlock(&t->p->mu);
	if (!v) {
		t->fail_streak++;
		return pct(&t->r, 50) ? junk_name(t) : 0;
	}
	return v;
}

static uint32_t pick(struct th *t, uint32_t want)
{
	return pick_j(t, want, 6);
}

/* The type the model has for @name (0: unknown). */
static uint32_t model_type(struct th *t, uint32_t name)
{
	uint32_t type = 0;
	int i;

	pthread_mutex_lock(&t->p->mu);
	i = model_find(&t->p->m, name);
	if (i >= 0)
		type = t->p->m.type[i];
	pthread_mutex_unlock(&t->p->mu);
	return type;
}

/* Is @type a combination of rights one name can hold? */
static bool type_valid(uint32_t type)
{
	uint32_t r = type & T_RIGHTS;

	if (type & ~(T_RIGHTS | T_DNREQ))
		return false;
	if ((type & T_DNREQ) && (r & (T_PSET | T_DEAD)))
		return false;
	return r == T_SEND || r == T_RECV || r == (T_SEND | T_RECV) ||
	       r == T_SO || r == T_PSET || r == T_DEAD;
}

/* The right a disposition leaves in the receiver (MACH_MSG_TYPE_PORT_*). */
static uint32_t disp_msgt(uint32_t disp)
{
	switch (disp) {
	case MACHPORT_MSG_TYPE_MOVE_RECEIVE:
		return MACHPORT_MSG_TYPE_PORT_RECEIVE;
	case MACHPORT_MSG_TYPE_MOVE_SEND:
	case MACHPORT_MSG_TYPE_COPY_SEND:
	case MACHPORT_MSG_TYPE_MAKE_SEND:
		return MACHPORT_MSG_TYPE_PORT_SEND;
	case MACHPORT_MSG_TYPE_MOVE_SEND_ONCE:
	case MACHPORT_MSG_TYPE_MAKE_SEND_ONCE:
		return MACHPORT_MSG_TYPE_PORT_SEND_ONCE;
	}
	return 0;
}

static uint32_t msgt_type(uint32_t msgt)
{
	switch (msgt) {
	case MACHPORT_MSG_TYPE_PORT_RECEIVE: return T_RECV;
	case MACHPORT_MSG_TYPE_PORT_SEND: return T_SEND;
	case MACHPORT_MSG_TYPE_PORT_SEND_ONCE: return T_SO;
	}
	return 0;
}

/* The rights a name needs for @disp. */
static uint32_t disp_needs(uint32_t disp)
{
	switch (disp) {
	case MACHPORT_MSG_TYPE_MOVE_RECEIVE:
	case MACHPORT_MSG_TYPE_MAKE_SEND:
	case MACHPORT_MSG_TYPE_MAKE_SEND_ONCE:
		return T_RECV;
	case MACHPORT_MSG_TYPE_MOVE_SEND:
	case MACHPORT_MSG_TYPE_COPY_SEND:
		return T_SEND;
	case MACHPORT_MSG_TYPE_MOVE_SEND_ONCE:
		return T_SO;
	}
	return T_ANY;
}

/* A disposition: mostly 16..21, sometimes anything. */
static uint32_t rand_disp(struct th *t)
{
	if (pct(&t->r, 4))
		return rn(&t->r, 4) ? rn(&t->r, 32) : (uint32_t)rnext(&t->r);
	return MACHPORT_MSG_TYPE_MOVE_RECEIVE + rn(&t->r, 6);
}

/* A disposition and a name that fits it (most of the time). */
static void pick_right(struct th *t, uint32_t *name, uint32_t *disp)
{
	*disp = rand_disp(t);
	if (*disp == MACHPORT_MSG_TYPE_MOVE_RECEIVE && pct(&t->r, 50))
		*disp = MACHPORT_MSG_TYPE_MAKE_SEND;
	*name = pick(t, disp_needs(*disp));
}

/* ---- Pointers the kernel must refuse ---------------------------------- */

/* Copy @len bytes to the read-only area (reads work, writes fault). */
static void *to_ro(struct th *t, const void *src, size_t len)
{
	if (len > EDGE_RW)
		len = EDGE_RW;
	mprotect(t->ro, EDGE_RW, PROT_READ | PROT_WRITE);
	memcpy(t->ro, src, len);
	mprotect(t->ro, EDGE_RW, PROT_READ);
	return t->ro;
}

/* Copy @len bytes so that they end where the PROT_NONE page starts. */
static void *to_edge(struct th *t, const void *src, size_t len, size_t cut)
{
	uint8_t *dst;

	if (len > EDGE_RW)
		len = EDGE_RW;
	if (cut > len)
		cut = len;
	/* The last @cut bytes fall on the PROT_NONE page. */
	dst = t->edge + EDGE_RW - (len - cut);
	memcpy(dst, src, len - cut);
	return dst;
}

/* An address that faults (or, for the read-only one, faults on write). */
static void *bad_addr(struct th *t)
{
	switch (rn(&t->r, 6)) {
	case 0: return NULL;
	case 1: return t->p->hole;
	case 2: return t->p->none;
	case 3: return (void *)(uintptr_t)NONCANON;
	case 4: return (void *)(uintptr_t)KERNEL_ADDR;
	default: return t->edge + EDGE_RW;	/* the PROT_NONE page */
	}
}

/*
 * The argument of an ioctl: @good most of the time; sometimes a copy the
 * kernel can read but not write back, one cut short by a PROT_NONE page,
 * or an address that is not mapped at all.
 */
static void *arg_ptr(struct th *t, void *good, size_t len)
{
	t->arg = ARG_GOOD;
	if (!feat(F_BAD_PTR) || !pct(&t->r, 3))
		return good;
	switch (rn(&t->r, 3)) {
	case 0:
		t->arg = ARG_RO;
		return to_ro(t, good, len);
	case 1:
		t->arg = ARG_BAD;
		return to_edge(t, good, len, 1 + rn(&t->r, len));
	default:
		t->arg = ARG_BAD;
		return bad_addr(t);
	}
}

/* ---- Messages ----------------------------------------------------------- */

/*
 * What follows the descriptors of every message we build, so that the
 * receiver can check the message arrived as it was sent.
 */
struct fz_body {
	uint32_t magic;
	uint32_t pid;		/* the sender (the trailer must say so too) */
	uint32_t size;		/* bytes sent, header included */
	uint32_t len;		/* payload bytes after this structure */
	uint32_t sum;		/* fnv1a of the payload */
	uint32_t ndesc;
	uint8_t dtype[MAX_DESC];
	uint8_t ddisp[MAX_DESC];	/* disposition sent */
	uint8_t dclass[MAX_DESC];	/* name sent: 0 NULL, 1 DEAD, 2 a name */
	uint32_t dsize[MAX_DESC];	/* OOL bytes or port count */
	uint32_t nverify;
	uint32_t vdesc[MAX_VERIFY];	/* descriptors whose bytes are pattern */
	uint32_t voff[MAX_VERIFY];	/* ...from this pattern offset */
};

struct built {
	uint32_t size;
	int ndealloc;
	void *dealloc[MAX_DESC];	/* our own mappings the kernel may unmap */
	size_t dealloc_len[MAX_DESC];
	bool dealloc_flag[MAX_DESC];
	uint32_t moved_recv[MAX_DESC];	/* receive rights that leave */
	int nmoved;
	uint32_t fz_off;		/* where the fz_body is */
};

static bool low_memory(void);

static uint32_t ool_size(struct th *t, bool *big_used)
{
	uint32_t r = rn(&t->r, 100);
	bool big = feat(F_OOL_BIG) && !*big_used && !low_memory();

	if (r < 12)
		return 0;
	if (r < 45)
		return rlog(&t->r, 1, 4096);
	if (r < 82 || !big)
		return rlog(&t->r, 4097, 65535);
	*big_used = true;
	if (r < 94)
		return rlog(&t->r, 65536, 1U << 20);
	if (r < 97)
		return rlog(&t->r, 1U << 20, 4U << 20);
	if (r < 99)
		return rn(&t->r, 2) ? 0xffffffffU : (300U << 20);
	return 65536 - rn(&t->r, 2);
}

/*
 * The range we unmapped, except in a deterministic run: whether something
 * was mapped there since depends on the kernel's address-space layout
 * (on 6.12 it varies from run to run), and so would the answers.
 */
static uint8_t *unmapped(struct th *t)
{
	return C.det ? t->p->hole : t->p->unmapped;
}

/*
 * Where OOL bytes come from. *voff gets the pattern offset when the
 * receiver can check the bytes (else ~0).
 */
static uint64_t ool_source(struct th *t, uint32_t size, struct built *b,
			   bool *dealloc, uint32_t *voff)
{
	uint32_t r = rn(&t->r, 100);

	*voff = ~0U;
	*dealloc = false;
	if (!feat(F_BAD_PTR) && r >= 78)
		r = rn(&t->r, 78);
	if (r < 55 || (r < 78 && size > SCRATCH_SIZE)) {
		uint32_t off = size <= BIG_SIZE ? rn(&t->r, BIG_SIZE - size + 1) : 0;

		if (size <= BIG_SIZE)
			*voff = off;
		return (uintptr_t)(t->p->big + off);
	}
	if (r < 68) {
		uint32_t off = rn(&t->r, SCRATCH_SIZE - size + 1);

		*voff = off;
		return (uintptr_t)(t->scratch + off);
	}
	if (r < 78) {
		/* A mapping of our own, which deallocate = TRUE may take. */
		size_t len = (size + PAGE - 1) & ~(PAGE - 1);
		uint32_t base = rn(&t->r, 1U << 20);
		uint8_t *m;

		if (!len || b->ndealloc >= MAX_DESC)
			return (uintptr_t)t->scratch;
		m = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return (uintptr_t)t->scratch;
		pat_fill(m, base, size);
		*voff = base;
		*dealloc = pct(&t->r, 80);
		b->dealloc[b->ndealloc] = m;
		b->dealloc_len[b->ndealloc] = len;
		b->dealloc_flag[b->ndealloc++] = *dealloc;
		return (uintptr_t)m;
	}
	if (r < 82)
		return (uintptr_t)t->p->none;
	if (r < 85)
		return (uintptr_t)(rn(&t->r, 2) ? t->p->hole : unmapped(t));
	if (r < 89)	/* runs into the PROT_NONE page */
		return (uintptr_t)(t->edge + EDGE_RW -
				   (size > 1 ? rn(&t->r, size < EDGE_RW ? size : EDGE_RW) : 0));
	if (r < 91)
		return 0;
	if (r < 93)
		return rn(&t->r, 2) ? NONCANON : KERNEL_ADDR;
	return (uintptr_t)t->ro;
}

/* Names for an OOL port array of @count entries for @disp. */
static uint64_t ool_names(struct th *t, uint32_t count, uint32_t disp,
			  struct built *b)
{
	uint32_t start, i, r = rn(&t->r, 100);

	if (count > NAMES_MAX || (feat(F_BAD_PTR) && r >= 90)) {
		switch (rn(&t->r, 5)) {
		case 0: return 0;
		case 1: return (uintptr_t)t->p->hole;
		case 4: return (uintptr_t)unmapped(t);
		case 2: return (uintptr_t)t->ro;	/* junk names, readable */
		default: return (uintptr_t)(t->edge + EDGE_RW - 4 * rn(&t->r, 4));
		}
	}
	start = rn(&t->r, NAMES_MAX - count + 1);
	for (i = 0; i < count; i++) {
		uint32_t n = pct(&t->r, 10) ? MACHPORT_NAME_NULL :
			     pick(t, disp_needs(disp));

		t->names[start + i] = n;
		if (disp == MACHPORT_MSG_TYPE_MOVE_RECEIVE && b->nmoved < MAX_DESC)
			b->moved_recv[b->nmoved++] = n;
	}
	return (uintptr_t)(t->names + start);
}

/*
 * Build a message in @buf: header, then (complex) descriptors, then an
 * fz_body and a payload. Returns the size; @b says what to clean up.
 */
static uint32_t build_msg(struct th *t, uint8_t *buf, struct built *b,
			  uint32_t bits, uint32_t dest, uint32_t reply,
			  bool complex)
{
	struct machport_msg_header *h = (void *)buf;
	struct fz_body *fz;
	uint32_t off = HDR_SIZE, n = 0, i, len;
	bool big_used = false;
	uint8_t *payload;

	memset(b, 0, sizeof(*b));
	h->bits = bits | (complex ? MACHPORT_MSGH_BITS_COMPLEX : 0);
	h->remote_port = dest;
	h->local_port = reply;
	h->voucher_port = 0;
	h->id = FZ_ID + rn(&t->r, 0x10000);
	h->size = 0;
	fz = (void *)(buf + 512);	/* filled in below, moved at the end */
	memset(fz, 0, sizeof(*fz));
	if (complex) {
		n = rn(&t->r, 100) < 90 ? rn(&t->r, 5) : rn(&t->r, MAX_DESC + 1);
		off = BODY_OFF;
		for (i = 0; i < n; i++) {
			uint8_t *d = buf + off;
			uint32_t k = rn(&t->r, 100);

			if (off + 16 > 480)
				break;
			if (k < 40) {
				struct machport_msg_port_descriptor *pd = (void *)d;
				uint32_t name, disp;

				pick_right(t, &name, &disp);
				if (feat(F_OWN_RECEIVE) && pct(&t->r, 8) &&
				    (model_type(t, dest) & T_RECV)) {
					name = dest;
					disp = MACHPORT_MSG_TYPE_MOVE_RECEIVE;
				}
				if (pct(&t->r, 5))
					name = pct(&t->r, 60) ? MACHPORT_NAME_NULL :
						MACHPORT_NAME_DEAD;
				memset(pd, 0, sizeof(*pd));
				pd->name = name;
				pd->disposition = (uint8_t)disp;
				pd->type = MACHPORT_MSG_PORT_DESCRIPTOR;
				if (pct(&t->r, 2))
					pd->pad1 = (uint32_t)rnext(&t->r);
				if (disp == MACHPORT_MSG_TYPE_MOVE_RECEIVE &&
				    b->nmoved < MAX_DESC)
					b->moved_recv[b->nmoved++] = name;
				fz->dtype[i] = pd->type;
				fz->ddisp[i] = pd->disposition;
				fz->dclass[i] = name == MACHPORT_NAME_NULL ? 0 :
						name == MACHPORT_NAME_DEAD ? 1 : 2;
				off += sizeof(*pd);
			} else if (k < 76) {
				struct machport_msg_ool_descriptor *od = (void *)d;
				uint32_t size = ool_size(t, &big_used), voff;
				bool dealloc;

				memset(od, 0, sizeof(*od));
				od->address = ool_source(t, size, b, &dealloc, &voff);
				od->size = size;
				od->deallocate = dealloc;
				od->copy = pct(&t->r, 98) ? rn(&t->r, 2) : 2 + rn(&t->r, 254);
				od->type = pct(&t->r, 92) ? MACHPORT_MSG_OOL_DESCRIPTOR :
					   MACHPORT_MSG_OOL_VOLATILE_DESCRIPTOR;
				fz->dtype[i] = od->type;
				fz->dsize[i] = size;
				if (voff != ~0U && fz->nverify < MAX_VERIFY) {
					fz->vdesc[fz->nverify] = i;
					fz->voff[fz->nverify++] = voff;
				}
				off += sizeof(*od);
			} else if (k < 96) {
				struct machport_msg_ool_ports_descriptor *opd = (void *)d;
				uint32_t count, disp = rand_disp(t);

				count = pct(&t->r, 99) ? rlog(&t->r, 0, 48) :
					(rn(&t->r, 2) ? 70000 : rlog(&t->r, 0, 5000));
				memset(opd, 0, sizeof(*opd));
				opd->address = ool_names(t, count, disp, b);
				opd->count = count;
				opd->disposition = (uint8_t)disp;
				opd->type = MACHPORT_MSG_OOL_PORTS_DESCRIPTOR;
				opd->copy = rn(&t->r, 2);
				fz->dtype[i] = opd->type;
				fz->ddisp[i] = opd->disposition;
				fz->dsize[i] = count;
				off += sizeof(*opd);
			} else {
				/* A type that does not exist (or guarded). */
				memset(d, 0, 16);
				d[11] = (uint8_t)(MACHPORT_MSG_GUARDED_PORT_DESCRIPTOR +
						  rn(&t->r, 252));
				fz->dtype[i] = d[11];
				off += 12 + 4 * rn(&t->r, 2);
			}
		}
		n = i;
		((struct machport_msg_body *)(buf + HDR_SIZE))->descriptor_count =
			pct(&t->r, 97) ? n :
			(rn(&t->r, 2) ? n + 1 + rn(&t->r, 3) : (uint32_t)rnext(&t->r));
	}
	fz->magic = FZ_MAGIC;
	fz->pid = getpid();
	fz->ndesc = n;
	len = rn(&t->r, 100) < 90 ? rlog(&t->r, 0, 2048) :
	      rn(&t->r, 100) < 90 ? rlog(&t->r, 0, 65536) :
	      rlog(&t->r, 0, BUF_SIZE - 1024);
	len &= ~3U;
	memmove(buf + off, fz, sizeof(*fz));
	fz = (void *)(buf + off);
	payload = buf + off + sizeof(*fz);
	if (len <= 4096) {
		for (i = 0; i < len; i++)
			payload[i] = (uint8_t)rnext(&t->r);
	} else {
		pat_fill(payload, rn(&t->r, 1U << 20), len);
	}
	fz->len = len;
	fz->sum = fnv1a(payload, len);
	b->fz_off = off;
	b->size = off + sizeof(*fz) + len;
	fz->size = b->size;
	return b->size;
}

/* After a send: the kernel took our mappings with deallocate, or not. */
static void send_cleanup(struct built *b, bool kernel_took)
{
	int i;

	for (i = 0; i < b->ndealloc; i++) {
		/*
		 * A range the kernel unmapped may hold another thread's
		 * mapping by now: never unmap it twice.
		 */
		if (kernel_took && b->dealloc_flag[i])
			continue;
		munmap(b->dealloc[i], b->dealloc_len[i]);
	}
	b->ndealloc = 0;
}

static uint32_t trailer_size(uint32_t option)
{
	static const uint32_t sizes[] = { 8, 12, 20, 52, 60 };
	uint32_t e = MACHPORT_RCV_TRAILER_ELEMENTS(option);

	return e < 5 ? sizes[e] : 68;
}

static bool is_mig_code(int32_t kr)
{
	return kr == 0 || (kr >= MACHPORT_BOOTSTRAP_NOT_PRIVILEGED &&
			   kr <= MACHPORT_BOOTSTRAP_NO_MEMORY) ||
	       kr == MACHPORT_MIG_BAD_ID || kr == MACHPORT_MIG_BAD_ARGUMENTS ||
	       kr == MACHPORT_KERN_INVALID_RIGHT;
}

/* A message the kernel wrote: a notification or a MIG reply. */
static void check_kernel_msg(struct th *t, const uint8_t *buf)
{
	const struct machport_msg_header *h = (const void *)buf;
	bool complex = h->bits & MACHPORT_MSGH_BITS_COMPLEX;
	int32_t id = h->id, value;

	switch (id) {
	case MACHPORT_NOTIFY_SEND_ONCE: cov(COV_N_SEND_ONCE); break;
	case MACHPORT_NOTIFY_NO_SENDERS: cov(COV_N_NO_SENDERS); break;
	case MACHPORT_NOTIFY_PORT_DESTROYED: cov(COV_N_PORT_DESTROYED); break;
	case MACHPORT_NOTIFY_DEAD_NAME: cov(COV_N_DEAD_NAME); break;
	case MACHPORT_NOTIFY_PORT_DELETED: cov(COV_N_PORT_DELETED); break;
	default:
		cov(h->bits & MACHPORT_MSGH_BITS_COMPLEX ? COV_BS_RIGHT : COV_MIG_REPLY);
	}
	switch (id) {
	case MACHPORT_NOTIFY_SEND_ONCE:
		if (h->size != HDR_SIZE || complex)
			failf("send-once notification of %u bytes", h->size);
		return;
	case MACHPORT_NOTIFY_PORT_DELETED:
	case MACHPORT_NOTIFY_NO_SENDERS:
	case MACHPORT_NOTIFY_DEAD_NAME:
		if (h->size != HDR_SIZE + 12 || complex)
			failf("notification %#o of %u bytes", id, h->size);
		return;
	case MACHPORT_NOTIFY_PORT_DESTROYED:
		if (h->size != BODY_OFF + 12 || !complex ||
		    ((const struct machport_msg_body *)(buf + HDR_SIZE))->descriptor_count != 1 ||
		    buf[BODY_OFF + 10] != MACHPORT_MSG_TYPE_PORT_RECEIVE)
			failf("port-destroyed notification malformed (%u bytes)", h->size);
		return;
	}
	/* A MIG reply: request id + 100. */
	if (h->size == HDR_SIZE + 12 && !complex) {
		memcpy(&value, buf + HDR_SIZE + 8, 4);
		if (!is_mig_code(value))
			failf("kernel reply %d carries code %d", id, value);
		if (id != MACHPORT_BOOTSTRAP_MSG_CHECK_IN + 100 &&
		    id != MACHPORT_BOOTSTRAP_MSG_REGISTER + 100 &&
		    id != MACHPORT_BOOTSTRAP_MSG_LOOK_UP + 100 &&
		    value != MACHPORT_MIG_BAD_ID)
			failf("kernel reply %d to an unknown request carries %d", id, value);
		if (value == 0 && id != MACHPORT_BOOTSTRAP_MSG_REGISTER + 100)
			failf("kernel reply %d says success without a right", id);
		return;
	}
	if (h->size == BODY_OFF + 12 && complex &&
	    (id == MACHPORT_BOOTSTRAP_MSG_CHECK_IN + 100 ||
	     id == MACHPORT_BOOTSTRAP_MSG_LOOK_UP + 100)) {
		uint8_t want = id == MACHPORT_BOOTSTRAP_MSG_CHECK_IN + 100 ?
			       MACHPORT_MSG_TYPE_PORT_RECEIVE :
			       MACHPORT_MSG_TYPE_PORT_SEND;

		if (buf[BODY_OFF + 10] != want)
			failf("bootstrap reply %d carries disposition %u", id,
			      buf[BODY_OFF + 10]);
		return;
	}
	failf("kernel message id %d of %u bytes%s: not a notification or reply",
	      id, h->size, complex ? " (complex)" : "");
}

static void verify_bytes(struct th *t, const uint8_t *a, uint32_t size,
			 uint32_t voff, int desc)
{
	uint32_t i, o;

	if (size <= 8192) {
		for (i = 0; i < size; i++)
			if (a[i] != pat(voff + i))
				goto bad;
		return;
	}
	for (i = 0; i < 18; i++) {
		o = i == 0 ? 0 : i == 1 ? size - 1 : rn(&t->r, size);
		if (a[o] != pat(voff + o)) {
			i = o;
			goto bad;
		}
	}
	return;
bad:
	failf("OOL descriptor %d (%u bytes at %p): byte %u is %#x, sent %#x",
	      desc, size, (void *)a, i, a[i], pat(voff + i));
}

/*
 * A message the kernel wrote into @buf (received, or given back to the
 * sender by a failed send when @pseudo): learn its rights, check it
 * against what the sender said it sent, unmap its OOL regions.
 */
static void harvest(struct th *t, uint8_t *buf, uint32_t cap, uint32_t option,
		    uint32_t rcv_name, bool pseudo)
{
	struct machport_msg_header *h = (void *)buf;
	uint32_t size = h->size, bits = h->bits, off = HDR_SIZE, n = 0, i;
	uint32_t rmsgt = MACHPORT_MSGH_BITS_REMOTE(bits);
	uint32_t lmsgt = MACHPORT_MSGH_BITS_LOCAL(bits);
	bool complex = bits & MACHPORT_MSGH_BITS_COMPLEX;
	uint32_t tsize = pseudo ? 0 : trailer_size(option);
	uint64_t addr[MAX_DESC] = { 0 };
	uint64_t len[MAX_DESC] = { 0 };
	uint8_t types[MAX_DESC];
	const struct machport_msg_trailer *tr = NULL;
	struct fz_body fz;
	bool ours = false, kernel = false;
	const uint32_t *names;

	if (size < HDR_SIZE || size % 4 || size + tsize > cap) {
		failf("%s message of %u bytes in a %u-byte buffer",
		      pseudo ? "pseudo-received" : "received", size, cap);
		return;
	}
	if (bits & ~(MACHPORT_MSGH_BITS_COMPLEX | 0x1f1f) ||
	    (rmsgt && rmsgt != MACHPORT_MSG_TYPE_PORT_SEND &&
	     rmsgt != MACHPORT_MSG_TYPE_PORT_SEND_ONCE) ||
	    (lmsgt && lmsgt != MACHPORT_MSG_TYPE_PORT_SEND &&
	     lmsgt != MACHPORT_MSG_TYPE_PORT_SEND_ONCE) ||
	    (!pseudo && !lmsgt)) {
		failf("%s message bits %#x", pseudo ? "pseudo-received" : "received",
		      bits);
		return;
	}
	if (!pseudo) {
		if (!rmsgt && h->remote_port)
			failf("received reply name %#x without a right", h->remote_port);
		if (rmsgt)
			model_add(t, h->remote_port, msgt_type(rmsgt));
		if (!h->local_port || h->voucher_port)
			failf("received local name %#x voucher %#x", h->local_port,
			      h->voucher_port);
		tr = (const void *)(buf + size);
		if (tr->type != MACHPORT_TRAILER_FORMAT_0 || tr->size != tsize)
			failf("trailer type %u size %u, asked for %u bytes",
			      tr->type, tr->size, tsize);
		if (tsize >= 52)
			kernel = tr->audit[5] == 0;
	} else {
		if (rmsgt)
			model_add(t, h->remote_port, msgt_type(rmsgt));
		if (lmsgt)
			model_add(t, h->local_port, msgt_type(lmsgt));
	}
	if (complex) {
		if (size < BODY_OFF) {
			failf("complex message of %u bytes", size);
			return;
		}
		n = ((struct machport_msg_body *)(buf + HDR_SIZE))->descriptor_count;
		off = BODY_OFF;
		if (n > (size - BODY_OFF) / 12) {
			failf("%u descriptors in %u bytes", n, size);
			return;
		}
		for (i = 0; i < n; i++) {
			uint8_t *d = buf + off;
			uint8_t type = d[11];

			if (i < MAX_DESC)
				types[i] = type;
			if (type == MACHPORT_MSG_PORT_DESCRIPTOR) {
				struct machport_msg_port_descriptor *pd = (void *)d;

				if (!msgt_type(pd->disposition))
					failf("port descriptor %u disposition %u", i,
					      pd->disposition);
				if (!pseudo && pd->name && pd->name != MACHPORT_NAME_DEAD)
					cov(pd->disposition == MACHPORT_MSG_TYPE_PORT_RECEIVE ?
					    COV_RCV_RIGHT :
					    pd->disposition == MACHPORT_MSG_TYPE_PORT_SEND ?
					    COV_SEND_RIGHT : COV_SO_RIGHT);
				model_add(t, pd->name, msgt_type(pd->disposition));
				off += 12;
				continue;
			}
			if (off + 16 > size) {
				failf("descriptor %u runs past the message", i);
				return;
			}
			if (type == MACHPORT_MSG_OOL_DESCRIPTOR ||
			    type == MACHPORT_MSG_OOL_VOLATILE_DESCRIPTOR) {
				struct machport_msg_ool_descriptor *od = (void *)d;

				if (od->deallocate || od->copy != MACHPORT_MSG_VIRTUAL_COPY ||
				    (od->size && (!od->address || od->address % PAGE)) ||
				    (!od->size && od->address))
					failf("OOL descriptor %u: address %#llx size %u dealloc %u copy %u",
					      i, (unsigned long long)od->address, od->size,
					      od->deallocate, od->copy);
				else if (i < MAX_DESC) {
					if (!pseudo && od->size)
						cov(od->size >= 65536 ? COV_OOL_BIG : COV_OOL);
					addr[i] = od->address;
					len[i] = od->size;
				} else if (od->size) {
					munmap((void *)(uintptr_t)od->address, od->size);
				}
			} else if (type == MACHPORT_MSG_OOL_PORTS_DESCRIPTOR) {
				struct machport_msg_ool_ports_descriptor *opd = (void *)d;
				uint32_t j;

				if (!msgt_type(opd->disposition) ||
				    (opd->count && (!opd->address || opd->address % PAGE)) ||
				    (!opd->count && opd->address)) {
					failf("OOL ports descriptor %u: address %#llx count %u disposition %u",
					      i, (unsigned long long)opd->address,
					      opd->count, opd->disposition);
				} else if (opd->count) {
					if (!pseudo)
						cov(COV_OOL_PORTS);
					names = (const uint32_t *)(uintptr_t)opd->address;
					for (j = 0; j < opd->count; j++)
						model_add(t, names[j], msgt_type(opd->disposition));
					munmap((void *)(uintptr_t)opd->address,
					       (size_t)opd->count * 4);
				}
			} else {
				failf("descriptor %u of type %u delivered", i, type);
				return;
			}
			off += 16;
		}
	}
	if (!pseudo && kernel)
		check_kernel_msg(t, buf);
	/* Our own messages say what they carried. */
	if (size >= off + sizeof(fz) && h->id >= FZ_ID && h->id < FZ_ID + 0x10000) {
		memcpy(&fz, buf + off, sizeof(fz));
		ours = fz.magic == FZ_MAGIC;
	}
	if (ours) {
		const uint8_t *payload = buf + off + sizeof(fz);

		atomic_fetch_add_explicit(&sh->verified, 1, memory_order_relaxed);
		if (fz.size != size || off + sizeof(fz) + fz.len > size ||
		    fz.ndesc != n || (complex && n > MAX_DESC))
			failf("message %#x: %u bytes, %u descriptors; sent %u bytes, %u descriptors",
			      h->id, size, n, fz.size, fz.ndesc);
		else if (fnv1a(payload, fz.len) != fz.sum)
			failf("message %#x: payload of %u bytes changed", h->id, fz.len);
		if (tr && tsize >= 52 && tr->audit[5] != fz.pid)
			failf("message %#x from pid %u: trailer says pid %u", h->id,
			      fz.pid, tr->audit[5]);
		for (i = 0; complex && i < n && i < MAX_DESC; i++) {
			if (types[i] != fz.dtype[i] &&
			    !(fz.dtype[i] == MACHPORT_MSG_OOL_VOLATILE_DESCRIPTOR &&
			      types[i] == MACHPORT_MSG_OOL_DESCRIPTOR)) {
				failf("message %#x: descriptor %u type %u, sent %u",
				      h->id, i, types[i], fz.dtype[i]);
				break;
			}
		}
		off = BODY_OFF;
		for (i = 0; complex && i < n && i < MAX_DESC && !sh->failed; i++) {
			uint8_t *d = buf + off;

			if (types[i] == MACHPORT_MSG_PORT_DESCRIPTOR) {
				struct machport_msg_port_descriptor *pd = (void *)d;

				if (pd->disposition != disp_msgt(fz.ddisp[i]))
					failf("message %#x: port descriptor %u arrived as %u, sent %u",
					      h->id, i, pd->disposition, fz.ddisp[i]);
				if ((fz.dclass[i] == 0 && pd->name) ||
				    (fz.dclass[i] == 1 && pd->name != MACHPORT_NAME_DEAD) ||
				    (fz.dclass[i] == 2 && !pd->name) ||
				    (fz.dclass[i] == 2 && pd->name == MACHPORT_NAME_DEAD &&
				     fz.ddisp[i] == MACHPORT_MSG_TYPE_MOVE_RECEIVE && !pseudo))
					failf("message %#x: port descriptor %u names %#x, sent class %u disposition %u",
					      h->id, i, pd->name, fz.dclass[i], fz.ddisp[i]);
				off += 12;
				continue;
			}
			if (types[i] == MACHPORT_MSG_OOL_PORTS_DESCRIPTOR) {
				struct machport_msg_ool_ports_descriptor *opd = (void *)d;

				if (opd->count != fz.dsize[i] ||
				    opd->disposition != disp_msgt(fz.ddisp[i]))
					failf("message %#x: OOL ports %u: %u names as %u, sent %u as %u",
					      h->id, i, opd->count, opd->disposition,
					      fz.dsize[i], fz.ddisp[i]);
			} else if (len[i] != fz.dsize[i]) {
				failf("message %#x: OOL %u: %llu bytes, sent %u", h->id, i,
				      (unsigned long long)len[i], fz.dsize[i]);
			}
			off += 16;
		}
		for (i = 0; i < fz.nverify && i < MAX_VERIFY && !sh->failed; i++) {
			uint32_t di = fz.vdesc[i];

			if (di < MAX_DESC && addr[di] && len[di] == fz.dsize[di])
				verify_bytes(t, (const uint8_t *)(uintptr_t)addr[di],
					     (uint32_t)len[di], fz.voff[i], di);
		}
	}
	for (i = 0; i < MAX_DESC; i++)
		if (addr[i] && len[i])
			munmap((void *)(uintptr_t)addr[i], len[i]);
}

/* ---- Waits -------------------------------------------------------------- */

static void on_signal(int sig)
{
	(void)sig;	/* only interrupts */
}

/*
 * A wait only a signal ends: the ticker thread interrupts it, or (one
 * thread, a child) a timer does, so that the run stays deterministic.
 */
static void block_begin(struct th *t)
{
	if (C.det || t->p->is_child) {
		/* Again and again: a signal that comes early ends nothing. */
		struct itimerval it = {
			.it_value = { .tv_usec = 2000 + rn(&t->r, 4000) },
			.it_interval = { .tv_usec = 3000 },
		};

		setitimer(ITIMER_REAL, &it, NULL);
	} else if (t->slot) {
		atomic_store(&t->slot->blocking, 1);
	}
}

static void block_end(struct th *t)
{
	if (C.det || t->p->is_child) {
		struct itimerval it = { .it_value = { 0, 0 }, .it_interval = { 0, 0 } };

		setitimer(ITIMER_REAL, &it, NULL);
	} else if (t->slot) {
		atomic_store(&t->slot->blocking, 0);
	}
}

static uint32_t timeout_ms(struct th *t)
{
	return pct(&t->r, 90) ? rn(&t->r, 4) : rn(&t->r, 20);
}

static uint32_t send_options(struct th *t, bool *blocking)
{
	static const uint32_t hints[] = {
		MACHPORT_SEND_OVERRIDE, MACHPORT_SEND_INTERRUPT,
		MACHPORT_SEND_NOTIFY, MACHPORT_SEND_FILTER_NONFATAL,
		MACHPORT_SEND_TRAILER, MACHPORT_SEND_NOIMPORTANCE,
		MACHPORT_SEND_SYNC_OVERRIDE, MACHPORT_SEND_PROPAGATE_QOS,
		MACHPORT_RCV_LARGE,
	};
	uint32_t o = MACHPORT_SEND_MSG;

	*blocking = feat(F_BLOCKING) && !t->p->noblock && pct(&t->r, 5);
	if (!*blocking)
		o |= MACHPORT_SEND_TIMEOUT;
	if (pct(&t->r, 8))
		o |= hints[rn(&t->r, sizeof(hints) / sizeof(hints[0]))];
	if (pct(&t->r, 1))
		o |= 1U << rn(&t->r, 24);	/* perhaps unknown */
	return o;
}

static uint32_t rcv_options(struct th *t, bool *blocking)
{
	static const uint32_t hints[] = {
		MACHPORT_RCV_VOUCHER, MACHPORT_RCV_GUARDED_DESC,
		MACHPORT_RCV_SYNC_WAIT, MACHPORT_RCV_INTERRUPT,
		MACHPORT_RCV_LARGE_IDENTITY,
	};
	uint32_t o = MACHPORT_RCV_MSG;

	*blocking = feat(F_BLOCKING) && !t->p->noblock && pct(&t->r, 5);
	if (!*blocking)
		o |= MACHPORT_RCV_TIMEOUT;
	if (pct(&t->r, 30))
		o |= MACHPORT_RCV_LARGE;
	if (pct(&t->r, 8))
		o |= hints[rn(&t->r, sizeof(hints) / sizeof(hints[0]))];
	if (pct(&t->r, 50))
		o |= (uint32_t)rn(&t->r, 8) << 24;	/* trailer elements */
	if (pct(&t->r, 1))
		o |= (1U + rn(&t->r, 15)) << 28;	/* trailer type */
	if (pct(&t->r, 1))
		o |= 1U << rn(&t->r, 24);
	return o;
}

/* ---- Names the process keeps ------------------------------------------- */

static uint32_t bootstrap_name(struct th *t)
{
	struct machport_special_port sp;
	uint32_t bp;

	pthread_mutex_lock(&t->p->mu);
	bp = t->p->bootstrap;
	pthread_mutex_unlock(&t->p->mu);
	if (bp && !pct(&t->r, 5))
		return bp;
	memset(&sp, 0, sizeof(sp));
	sp.which = MACHPORT_TASK_BOOTSTRAP_PORT;
	if (io(t, MACHPORT_IOC_GET_SPECIAL, &sp) == MACHPORT_KERN_SUCCESS &&
	    sp.name) {
		bp = sp.name;
		model_add(t, bp, T_SEND);
		pthread_mutex_lock(&t->p->mu);
		t->p->bootstrap = bp;
		pthread_mutex_unlock(&t->p->mu);
	}
	return bp;
}

static uint32_t new_receive(struct th *t)
{
	struct machport_port_allocate a;

	memset(&a, 0, sizeof(a));
	a.right = MACHPORT_RIGHT_RECEIVE;
	if (io(t, MACHPORT_IOC_PORT_ALLOCATE, &a) != MACHPORT_KERN_SUCCESS)
		return 0;
	model_add(t, a.name, T_RECV);
	return a.name;
}

/* This thread's receive right for replies (a new one after a new space). */
static uint32_t reply_port(struct th *t)
{
	int epoch = atomic_load(&t->p->epoch);

	if (!t->reply || t->reply_epoch != epoch ||
	    !(model_type(t, t->reply) & T_RECV)) {
		t->reply = new_receive(t);
		t->reply_epoch = epoch;
	}
	return t->reply;
}

/* ---- mach_msg ------------------------------------------------------------ */

enum { SM_PLAIN, SM_RPC, SM_KERNEL };

static bool is_rcv_code(long ret)
{
	return ret >= 0x10004000 && ret < 0x10005000;
}

static void do_send(struct th *t, int mode)
{
	struct machport_msg_header *h = (void *)t->sbuf;
	uint32_t dest, ddisp, reply = 0, rdisp = 0, bits, size, type, r;
	uint8_t *sendp = t->sbuf;
	bool blocking, rblocking = false, writable = true, sent, pseudo;
	struct machport_msg a;
	struct built b;
	int i;
	long ret;

	memset(&a, 0, sizeof(a));
	if (mode == SM_KERNEL) {
		dest = rn(&t->r, 2) ? TASK_SELF : bootstrap_name(t);
		ddisp = pct(&t->r, 85) ? MACHPORT_MSG_TYPE_COPY_SEND :
			MACHPORT_MSG_TYPE_MOVE_SEND;
	} else if (pct(&t->r, 85)) {
		dest = pick(t, T_SEND | T_SO | T_RECV);
		type = model_type(t, dest);
		if (type & T_SO)
			ddisp = MACHPORT_MSG_TYPE_MOVE_SEND_ONCE;
		else if (type & T_SEND)
			ddisp = pct(&t->r, 75) ? MACHPORT_MSG_TYPE_COPY_SEND :
				MACHPORT_MSG_TYPE_MOVE_SEND;
		else if (type & T_RECV)
			ddisp = pct(&t->r, 70) ? MACHPORT_MSG_TYPE_MAKE_SEND :
				MACHPORT_MSG_TYPE_MAKE_SEND_ONCE;
		else
			ddisp = rand_disp(t);
	} else {
		pick_right(t, &dest, &ddisp);
	}
	r = rn(&t->r, 100);
	if (mode == SM_RPC || r < 35) {
		reply = mode == SM_RPC && pct(&t->r, 80) ? reply_port(t) :
			pick(t, T_RECV);
		rdisp = MACHPORT_MSG_TYPE_MAKE_SEND_ONCE;
	} else if (r < 45) {
		reply = pick(t, T_SO);
		rdisp = MACHPORT_MSG_TYPE_MOVE_SEND_ONCE;
	} else if (r < 55 + 20 * (mode == SM_KERNEL) && feat(F_REPLY_SEND)) {
		switch (rn(&t->r, 4)) {
		case 0:
			reply = pick(t, T_RECV);
			rdisp = MACHPORT_MSG_TYPE_MAKE_SEND;
			break;
		case 1:
			reply = pick(t, T_SEND);
			rdisp = MACHPORT_MSG_TYPE_MOVE_SEND;
			break;
		case 2:
			reply = mode == SM_KERNEL ? dest : pick(t, T_SEND);
			rdisp = MACHPORT_MSG_TYPE_COPY_SEND;
			break;
		default:
			reply = pick(t, T_SEND);
			rdisp = MACHPORT_MSG_TYPE_COPY_SEND;
		}
	} else if (r < 60) {
		pick_right(t, &reply, &rdisp);
		if (pct(&t->r, 30))
			rdisp = 0;
		if (!feat(F_REPLY_SEND) &&
		    disp_msgt(rdisp) == MACHPORT_MSG_TYPE_PORT_SEND)
			rdisp = MACHPORT_MSG_TYPE_MAKE_SEND_ONCE;
	}
	bits = (ddisp & 0xff) | (rdisp & 0xff) << 8;
	if (pct(&t->r, 2))
		bits |= (uint32_t)rn(&t->r, 32) << 16;		/* voucher */
	if (pct(&t->r, 1))
		bits |= 1U << (21 + rn(&t->r, 10));		/* undefined bits */
	size = build_msg(t, t->sbuf, &b, bits, dest, reply, pct(&t->r, 45));
	if (MACHPORT_MSGH_BITS_VOUCHER(bits) && pct(&t->r, 50))
		h->voucher_port = pick(t, T_SEND);
	a.send_size = size;
	if (pct(&t->r, 4)) {
		static const uint32_t junk[] = { 0, 4, 20, 23, HDR_SIZE, BODY_OFF,
						 0xffffffffU, (1U << 20) + 4 };

		a.send_size = rn(&t->r, 3) ? junk[rn(&t->r, 8)] :
			      size + 4 * rn(&t->r, 3) - 4 + rn(&t->r, 2) * 2;
		/* The size argument wins: say so to the receiver. */
		if (a.send_size >= b.fz_off + sizeof(struct fz_body) &&
		    a.send_size <= BUF_SIZE) {
			struct fz_body *fz = (void *)(t->sbuf + b.fz_off);

			fz->size = a.send_size;
			if (a.send_size < size) {
				fz->len = a.send_size - b.fz_off - sizeof(*fz);
				fz->sum = fnv1a((uint8_t *)(fz + 1), fz->len);
			}
		}
	}
	r = rn(&t->r, 100);
	if (feat(F_BAD_PTR) && r < 2 && size <= EDGE_RW) {
		sendp = to_ro(t, t->sbuf, size);
		writable = false;
	} else if (r < 5 && size <= EDGE_RW) {
		/* Ends at the PROT_NONE page, or runs into it. */
		sendp = to_edge(t, t->sbuf, size, pct(&t->r, 50) ? 0 :
				1 + rn(&t->r, size));
	} else if (feat(F_BAD_PTR) && r < 7) {
		sendp = bad_addr(t);
		writable = false;
	}
	a.send_msg = (uintptr_t)sendp;
	a.option = send_options(t, &blocking);
	a.timeout = timeout_ms(t);
	if (mode == SM_RPC) {
		a.option |= rcv_options(t, &rblocking);
		if (blocking || !rblocking)
			a.option |= MACHPORT_RCV_TIMEOUT;
		if (rblocking && !blocking)
			blocking = !(a.option & MACHPORT_RCV_TIMEOUT);
		a.rcv_name = pct(&t->r, 85) ? reply : pick(t, T_RECV | T_PSET);
		a.rcv_msg = (uintptr_t)t->rbuf;
		a.rcv_size = BUF_SIZE;
	}
	if (pct(&t->r, 1))
		a.reserved = 1 + rn(&t->r, 100);
	if (pct(&t->r, 2))
		a.notify = (uint32_t)rnext(&t->r);	/* ignored */
	if (blocking)
		block_begin(t);
	ret = io(t, MACHPORT_IOC_MSG, arg_ptr(t, &a, sizeof(a)));
	if (blocking)
		block_end(t);

	sent = ret == MACHPORT_MSG_SUCCESS || (mode == SM_RPC && is_rcv_code(ret));
	pseudo = ret == MACHPORT_SEND_TIMED_OUT || ret == MACHPORT_SEND_INTERRUPTED;
	send_cleanup(&b, sent || pseudo);
	if (sent) {
		atomic_fetch_add_explicit(&sh->sent, 1, memory_order_relaxed);
		for (i = 0; i < b.nmoved; i++)
			model_clear_bits(t, b.moved_recv[i], T_RECV);
		if (ddisp == MACHPORT_MSG_TYPE_MOVE_SEND_ONCE)
			model_clear_bits(t, dest, T_SO);
		if (rdisp == MACHPORT_MSG_TYPE_MOVE_SEND_ONCE)
			model_clear_bits(t, reply, T_SO);
	}
	/* A send that failed late gives the message back, rewritten. */
	if (pseudo && writable && ((struct machport_msg_header *)sendp)->size) {
		cov(COV_PSEUDO);
		harvest(t, sendp, a.send_size, 0, 0, true);
	}
	if (mode == SM_RPC && ret == MACHPORT_MSG_SUCCESS) {
		atomic_fetch_add_explicit(&sh->received, 1, memory_order_relaxed);
		harvest(t, t->rbuf, BUF_SIZE, a.option, a.rcv_name, false);
	}
}

static void do_recv(struct th *t, uint32_t name, uint32_t option_or)
{
	struct machport_msg_header *h;
	struct machport_msg a;
	uint8_t *rb = t->rbuf;
	uint32_t cap = BUF_SIZE, r, needed;
	bool blocking;
	long ret;

	memset(&a, 0, sizeof(a));
	a.rcv_name = name ? name : pick_j(t, T_RECV | T_PSET, 8);
	a.option = rcv_options(t, &blocking) | option_or;
	if (option_or & MACHPORT_RCV_TIMEOUT)
		blocking = false;
	a.timeout = timeout_ms(t);
	r = rn(&t->r, 100);
	a.rcv_size = r < 85 ? BUF_SIZE : r < 96 ? rlog(&t->r, 0, 300) :
		     (uint32_t)rnext(&t->r);
	r = rn(&t->r, 100);
	if (feat(F_BAD_PTR) && r < 2) {
		rb = t->ro;
		cap = 0;
	} else if (feat(F_BAD_PTR) && r < 4) {
		cap = rn(&t->r, EDGE_RW);
		rb = t->edge + EDGE_RW - cap;	/* runs into PROT_NONE */
	} else if (feat(F_BAD_PTR) && r < 6) {
		rb = bad_addr(t);
		cap = 0;
	}
	a.rcv_msg = (uintptr_t)rb;
	if (pct(&t->r, 1))
		a.send_size = (uint32_t)rnext(&t->r);	/* unused without SEND */
	if (blocking)
		block_begin(t);
	ret = io(t, MACHPORT_IOC_MSG, arg_ptr(t, &a, sizeof(a)));
	if (blocking)
		block_end(t);
	h = (void *)rb;
	if (ret == MACHPORT_RCV_TOO_LARGE && (a.option & MACHPORT_RCV_LARGE) &&
	    rb == t->rbuf && a.rcv_size >= HDR_SIZE) {
		/* The message stays queued; its size is in msgh_size. */
		needed = h->size;
		if (needed <= a.rcv_size || needed > BUF_SIZE)
			failf("MACH_RCV_LARGE: needs %u bytes with a %u-byte buffer",
			      needed, a.rcv_size);
		a.rcv_size = BUF_SIZE;
		a.option |= MACHPORT_RCV_TIMEOUT;
		a.timeout = 0;
		ret = io(t, MACHPORT_IOC_MSG, &a);
	}
	if (ret == MACHPORT_MSG_SUCCESS) {
		atomic_fetch_add_explicit(&sh->received, 1, memory_order_relaxed);
		if (model_type(t, a.rcv_name) & T_PSET)
			cov(COV_SET_RCV);
		if (cap)
			harvest(t, rb, cap, a.option, a.rcv_name, false);
	}
}

/* ---- The name service ---------------------------------------------------- */

struct bs_simple {
	struct machport_msg_header h;
	uint8_t ndr[8];
	char name[MACHPORT_BOOTSTRAP_NAME_LEN];
};

struct bs_register {
	struct machport_msg_header h;
	struct machport_msg_body b;
	struct machport_msg_port_descriptor d;
	uint8_t ndr[8];
	char name[MACHPORT_BOOTSTRAP_NAME_LEN];
};

static const uint8_t ndr_record[8] = { 0, 0, 0, 0, 1, 0, 0, 0 };

/* Service name k of this run: processes meet at the first few. */
static void pool_name(char *name, uint32_t k)
{
	memset(name, 0, MACHPORT_BOOTSTRAP_NAME_LEN);
	if (k == POOL - 1) {
		memset(name, 'L', MACHPORT_BOOTSTRAP_NAME_LEN - 1);
		memcpy(name, "fz.", 3);
		return;
	}
	snprintf(name, MACHPORT_BOOTSTRAP_NAME_LEN, "fz.%" PRIx64 ".%u", C.seed, k);
}

/*
 * One request: @id (402, 403, 404 or another) for pool name @k, answered
 * on this thread's reply port. @right/@disp: what to register.
 */
static void bs_request(struct th *t, int32_t id, uint32_t k, uint32_t right,
		       uint32_t disp, bool junk)
{
	struct bs_register *reg = (void *)t->sbuf;
	struct bs_simple *req = (void *)t->sbuf;
	uint32_t bp = bootstrap_name(t), rp = reply_port(t), size;
	uint32_t rdisp = MACHPORT_MSG_TYPE_MAKE_SEND_ONCE, reply = rp;
	struct machport_msg a;
	char *name;
	long ret;

	memset(t->sbuf, 0, sizeof(*reg));
	if (id == MACHPORT_BOOTSTRAP_MSG_REGISTER) {
		reg->h.bits = MACHPORT_MSGH_BITS_COMPLEX;
		reg->b.descriptor_count = 1;
		reg->d.name = right;
		reg->d.disposition = (uint8_t)disp;
		reg->d.type = MACHPORT_MSG_PORT_DESCRIPTOR;
		memcpy(reg->ndr, ndr_record, 8);
		name = reg->name;
		size = sizeof(*reg);
	} else {
		memcpy(req->ndr, ndr_record, 8);
		name = req->name;
		size = sizeof(*req);
	}
	pool_name(name, k);
	if (junk) {
		switch (rn(&t->r, 6)) {
		case 0: memset(name, 0, MACHPORT_BOOTSTRAP_NAME_LEN); break;
		case 1: memset(name, 'x', MACHPORT_BOOTSTRAP_NAME_LEN); break;
		case 2: size += 4 * (rn(&t->r, 5) - 2); break;
		case 3: reply = 0; rdisp = 0; break;
		case 4:
			if (feat(F_REPLY_SEND)) {
				/* Replies to a send right: perhaps the bootstrap port's own. */
				reply = rn(&t->r, 2) ? bp : rp;
				rdisp = reply == bp ? MACHPORT_MSG_TYPE_COPY_SEND :
					MACHPORT_MSG_TYPE_MAKE_SEND;
			}
			break;
		default: bp = junk_name(t); break;
		}
	}
	if (size < HDR_SIZE)
		size = HDR_SIZE;
	req->h.bits |= MACHPORT_MSG_TYPE_COPY_SEND | rdisp << 8;
	req->h.remote_port = bp;
	req->h.local_port = reply;
	req->h.id = id;
	memset(&a, 0, sizeof(a));
	a.send_msg = (uintptr_t)t->sbuf;
	a.send_size = size;
	a.option = MACHPORT_SEND_MSG | MACHPORT_SEND_TIMEOUT;
	a.timeout = rn(&t->r, 2);
	ret = io(t, MACHPORT_IOC_MSG, &a);
	if (ret == MACHPORT_SEND_TIMED_OUT || ret == MACHPORT_SEND_INTERRUPTED) {
		if (req->h.size)
			harvest(t, t->sbuf, size, 0, 0, true);
		return;
	}
	if (ret != MACHPORT_MSG_SUCCESS)
		return;
	if (id == MACHPORT_BOOTSTRAP_MSG_REGISTER &&
	    disp == MACHPORT_MSG_TYPE_MOVE_RECEIVE)
		model_clear_bits(t, right, T_RECV);
	/* The kernel answered while we sent; the reply is queued already. */
	do_recv(t, rp, MACHPORT_RCV_TIMEOUT | (7U << 24));
}

static void op_bootstrap(struct th *t)
{
	uint32_t r = rn(&t->r, 100), k, right = 0, disp = 0;
	int32_t id;

	k = pct(&t->r, 70) ? rn(&t->r, 2 * C.procs) : rn(&t->r, POOL);
	if (r < 30) {
		id = MACHPORT_BOOTSTRAP_MSG_CHECK_IN;
	} else if (r < 50) {
		id = MACHPORT_BOOTSTRAP_MSG_REGISTER;
		switch (rn(&t->r, 8)) {
		case 0: case 1: case 2:
			right = pick(t, T_SEND);
			disp = MACHPORT_MSG_TYPE_COPY_SEND;
			break;
		case 3: case 4:
			right = pick(t, T_RECV);
			disp = MACHPORT_MSG_TYPE_MAKE_SEND;
			break;
		case 5:
			right = MACHPORT_NAME_NULL;	/* unregister */
			disp = MACHPORT_MSG_TYPE_COPY_SEND;
			break;
		case 6:
			right = pick(t, T_SEND);
			disp = MACHPORT_MSG_TYPE_MOVE_SEND;
			break;
		default:
			pick_right(t, &right, &disp);
		}
	} else if (r < 92) {
		id = MACHPORT_BOOTSTRAP_MSG_LOOK_UP;
	} else {
		static const int32_t ids[] = { 0, 401, 405, 502, -1, 0x7fffffff };

		id = ids[rn(&t->r, 6)];
	}
	bs_request(t, id, k, right, disp, pct(&t->r, 8));
	/* Met someone: tell them something. */
	if (id == MACHPORT_BOOTSTRAP_MSG_LOOK_UP && pct(&t->r, 50))
		do_send(t, SM_PLAIN);
}

/* ---- Port-right ioctls --------------------------------------------------- */

static uint32_t chosen_name(struct th *t)
{
	switch (rn(&t->r, 6)) {
	case 0: return pick(t, T_ANY);
	case 1: return junk_name(t);
	case 2: return ((1 + rn(&t->r, 0x40000)) << 8) | (rn(&t->r, 64) << 2) | 3;
	case 3: return (uint32_t)rnext(&t->r);
	default: return ((2 + rn(&t->r, 2000)) << 8) | (rn(&t->r, 64) << 2) | 3;
	}
}

static void op_allocate(struct th *t)
{
	static const uint32_t rights[] = {
		MACHPORT_RIGHT_RECEIVE, MACHPORT_RIGHT_RECEIVE,
		MACHPORT_RIGHT_RECEIVE, MACHPORT_RIGHT_RECEIVE,
		MACHPORT_RIGHT_RECEIVE, MACHPORT_RIGHT_PORT_SET,
		MACHPORT_RIGHT_PORT_SET, MACHPORT_RIGHT_DEAD_NAME,
		MACHPORT_RIGHT_SEND, MACHPORT_RIGHT_SEND_ONCE,
		MACHPORT_RIGHT_LABELH, MACHPORT_RIGHT_NUMBER,
	};
	struct machport_port_allocate a;
	long ret;

	memset(&a, 0, sizeof(a));
	a.right = pct(&t->r, 97) ? rights[rn(&t->r, 12)] : (uint32_t)rnext(&t->r);
	if (pct(&t->r, 15)) {
		a.flags = MACHPORT_ALLOCATE_NAME;
		a.name = chosen_name(t);
	}
	if (pct(&t->r, 2))
		a.flags |= 1U << (1 + rn(&t->r, 31));
	if (pct(&t->r, 2))
		a.reserved = (uint32_t)rnext(&t->r);
	if (pct(&t->r, 2) && !a.flags)
		a.name = (uint32_t)rnext(&t->r);
	ret = io(t, MACHPORT_IOC_PORT_ALLOCATE, arg_ptr(t, &a, sizeof(a)));
	if (ret == MACHPORT_KERN_SUCCESS)
		model_add(t, a.name, a.right == MACHPORT_RIGHT_RECEIVE ? T_RECV :
			  a.right == MACHPORT_RIGHT_PORT_SET ? T_PSET : T_DEAD);
}

static void op_name(struct th *t, bool destroy)
{
	struct machport_port_name a;
	uint32_t type;
	long ret;

	memset(&a, 0, sizeof(a));
	a.name = pick(t, T_ANY);
	if (pct(&t->r, 1))
		a.reserved = 1;
	type = model_type(t, a.name);
	ret = io(t, destroy ? MACHPORT_IOC_PORT_DESTROY : MACHPORT_IOC_PORT_DEALLOCATE,
		 arg_ptr(t, &a, sizeof(a)));
	if (ret == MACHPORT_KERN_SUCCESS && (destroy || (type & (T_SO | T_PSET))))
		model_set(t, a.name, 0);
	else if (ret == MACHPORT_KERN_INVALID_NAME)
		model_set(t, a.name, 0);
}

static void op_type(struct th *t)
{
	struct machport_port_type a;
	long ret;

	memset(&a, 0, sizeof(a));
	a.name = pick(t, T_ANY);
	if (pct(&t->r, 1))
		a.type = 1;
	ret = io(t, MACHPORT_IOC_PORT_TYPE, arg_ptr(t, &a, sizeof(a)));
	if (ret == MACHPORT_KERN_SUCCESS) {
		if (!type_valid(a.type))
			failf("mach_port_type(%#x) = %#x: not a combination of rights",
			      a.name, a.type);
		if (a.name != MACHPORT_NAME_DEAD)
			model_set(t, a.name, a.type);
	} else if (ret == MACHPORT_KERN_INVALID_NAME) {
		model_set(t, a.name, 0);
	}
}

static int32_t extreme_delta(struct th *t)
{
	static const int32_t d[] = {
		1, -1, 0, 2, -2, 0xffff, -0xffff, 0x10000, -0x10000, 0xfffe,
		-0xfffe, INT32_MAX, INT32_MIN, 100, -100,
	};

	return pct(&t->r, 90) ? d[rn(&t->r, 15)] : (int32_t)rnext(&t->r);
}

static void op_refs(struct th *t, bool mod)
{
	struct machport_port_refs a;
	long ret;

	memset(&a, 0, sizeof(a));
	a.right = pct(&t->r, 96) ? rn(&t->r, MACHPORT_RIGHT_NUMBER) :
		  (uint32_t)rnext(&t->r);
	a.name = pick(t, a.right < 5 ? MACHPORT_TYPE(a.right) : T_ANY);
	if (mod)
		a.delta = extreme_delta(t);
	else if (pct(&t->r, 1))
		a.delta = 1;
	if (pct(&t->r, 1))
		a.refs = 1;
	ret = io(t, mod ? MACHPORT_IOC_PORT_MOD_REFS : MACHPORT_IOC_PORT_GET_REFS,
		 arg_ptr(t, &a, sizeof(a)));
	if (ret != MACHPORT_KERN_SUCCESS)
		return;
	if (!mod && (a.refs > MACHPORT_UREFS_MAX ||
		     ((a.right == MACHPORT_RIGHT_RECEIVE ||
		       a.right == MACHPORT_RIGHT_SEND_ONCE ||
		       a.right == MACHPORT_RIGHT_PORT_SET) && a.refs > 1)))
		failf("mach_port_get_refs(%#x, right %u) = %u", a.name, a.right,
		      a.refs);
}

static uint32_t sc_type(struct th *t, uint32_t name);

static void op_insert(struct th *t)
{
	struct machport_port_insert_right a;
	uint32_t type;
	long ret;

	memset(&a, 0, sizeof(a));
	pick_right(t, &a.poly, &a.disposition);
	switch (rn(&t->r, 4)) {
	case 0:
		a.name = a.poly;	/* the usual mach_port_insert_right */
		if (pct(&t->r, 70))
			a.disposition = (model_type(t, a.poly) & T_RECV) ?
					MACHPORT_MSG_TYPE_MAKE_SEND :
					MACHPORT_MSG_TYPE_COPY_SEND;
		break;
	case 1:
		a.name = pick(t, T_ANY);
		break;
	default:
		a.name = chosen_name(t);
	}
	if (pct(&t->r, 1))
		a.reserved = 1;
	/* Known bug: a right joins a name that holds a send-once right. */
	if (!feat(F_INSERT_SO) && a.name != a.poly &&
	    (sc_type(t, a.name) & T_SO))
		return;
	ret = io(t, MACHPORT_IOC_PORT_INSERT_RIGHT, arg_ptr(t, &a, sizeof(a)));
	if (ret == MACHPORT_KERN_SUCCESS) {
		type = msgt_type(disp_msgt(a.disposition));
		model_add(t, a.name, type);
		if (a.disposition == MACHPORT_MSG_TYPE_MOVE_RECEIVE && a.name != a.poly)
			model_clear_bits(t, a.poly, T_RECV);
		if (a.disposition == MACHPORT_MSG_TYPE_MOVE_SEND_ONCE)
			model_clear_bits(t, a.poly, T_SO);
	}
}

static void op_extract(struct th *t)
{
	struct machport_port_extract_right a;
	uint32_t disp;
	long ret;

	memset(&a, 0, sizeof(a));
	pick_right(t, &a.name, &a.disposition);
	disp = a.disposition;
	if (pct(&t->r, 1))
		a.poly = 1;
	if (pct(&t->r, 1))
		a.type = 1;
	ret = io(t, MACHPORT_IOC_PORT_EXTRACT_RIGHT, arg_ptr(t, &a, sizeof(a)));
	if (ret != MACHPORT_KERN_SUCCESS)
		return;
	if (a.type != disp_msgt(disp))
		failf("mach_port_extract_right(%#x, %u): type %u", a.name, disp, a.type);
	model_add(t, a.poly, msgt_type(a.type));
}

/* mach_port_names(): also how the model learns what the space holds. */
static void op_port_names(struct th *t, bool refresh)
{
	struct machport_port_names a;
	uint32_t *types = (uint32_t *)t->rbuf, cap = NAMES_MAX, i;
	struct model *m = &t->p->m;
	bool self = false;
	long ret;

	memset(&a, 0, sizeof(a));
	a.names = (uintptr_t)t->names;
	a.types = (uintptr_t)types;
	a.count = cap;
	if (!refresh) {
		if (pct(&t->r, 10))
			a.count = cap = rn(&t->r, 4);
		if (feat(F_BAD_PTR) && pct(&t->r, 4))
			a.names = (uintptr_t)bad_addr(t);
		if (feat(F_BAD_PTR) && pct(&t->r, 4))
			a.types = (uintptr_t)(rn(&t->r, 2) ? (void *)t->ro : bad_addr(t));
		if (pct(&t->r, 1))
			a.reserved = 1;
	}
	ret = io(t, MACHPORT_IOC_PORT_NAMES, refresh ? &a : arg_ptr(t, &a, sizeof(a)));
	if (ret != MACHPORT_KERN_SUCCESS || a.count > cap ||
	    a.names != (uintptr_t)t->names || a.types != (uintptr_t)types)
		return;
	for (i = 0; i < a.count; i++) {
		if (!type_valid(types[i]))
			failf("mach_port_names: %#x has type %#x", t->names[i], types[i]);
		if (t->names[i] == TASK_SELF && (types[i] & T_SEND))
			self = true;
	}
	if (!self)
		failf("mach_port_names: %u names, no task self", a.count);
	pthread_mutex_lock(&t->p->mu);
	for (i = 0; i < (uint32_t)m->n; i++)
		stale_add(m, m->name[i]);
	m->n = 0;
	for (i = 0; i < a.count && m->n < MODEL_MAX; i++) {
		uint32_t j = a.count <= MODEL_MAX ? i : rn(&t->r, a.count);

		if (model_find(m, t->names[j]) >= 0)
			continue;
		m->name[m->n] = t->names[j];
		m->type[m->n++] = types[j];
	}
	pthread_mutex_unlock(&t->p->mu);
	t->fail_streak = 0;
}

static void op_attr(struct th *t, bool set)
{
	static const uint32_t qlimits[] = { 0, 1, 2, 5, 16, 64, 1024, 1025, 0xffffffffU };
	struct machport_port_attr a;
	uint32_t want[] = { 0, 1, 10, 1, 0, 0, 0, 17 };
	long ret;

	memset(&a, 0, sizeof(a));
	a.name = pick(t, T_RECV);
	a.flavor = pct(&t->r, 95) ? rn(&t->r, 9) : (uint32_t)rnext(&t->r);
	if (set && pct(&t->r, 60))
		a.flavor = MACHPORT_PORT_LIMITS_INFO;
	a.count = pct(&t->r, 85) ? 32 : rn(&t->r, 34);
	if (set) {
		a.count = pct(&t->r, 85) ? 1 : rn(&t->r, 34);
		/* Deep queues only now and then: memory. */
		a.info[0] = pct(&t->r, 80) ? qlimits[rn(&t->r, 5)] :
			    qlimits[rn(&t->r, 9)];
	}
	if (pct(&t->r, 1))
		a.reserved = 1;
	ret = io(t, set ? MACHPORT_IOC_PORT_SET_ATTR : MACHPORT_IOC_PORT_GET_ATTR,
		 arg_ptr(t, &a, sizeof(a)));
	if (ret != MACHPORT_KERN_SUCCESS || set)
		return;
	if (a.flavor >= 8 || a.count != want[a.flavor])
		failf("mach_port_get_attributes(flavor %u) wrote %u words", a.flavor,
		      a.count);
	else if (a.flavor == MACHPORT_PORT_LIMITS_INFO && a.info[0] > MACHPORT_QLIMIT_MAX)
		failf("queue limit %u", a.info[0]);
}

/* ---- Special ports, inheritance ----------------------------------------- */

static void op_special(struct th *t, bool set)
{
	struct machport_special_port a;
	long ret;

	memset(&a, 0, sizeof(a));
	a.which = pct(&t->r, 96) ? rn(&t->r, MACHPORT_TASK_MAX_SPECIAL_PORT + 2) :
		  (uint32_t)rnext(&t->r);
	if (pct(&t->r, 40))
		a.which = MACHPORT_TASK_BOOTSTRAP_PORT;
	if (set) {
		switch (rn(&t->r, 5)) {
		case 0: a.name = MACHPORT_NAME_NULL; break;
		case 1: a.name = pick(t, T_RECV); break;
		case 2: a.name = bootstrap_name(t); break;
		default: a.name = pick(t, T_SEND | T_DEAD);
		}
	} else if (pct(&t->r, 1)) {
		a.name = 1;
	}
	if (pct(&t->r, 1))
		a.reserved = 1;
	ret = io(t, set ? MACHPORT_IOC_SET_SPECIAL : MACHPORT_IOC_GET_SPECIAL,
		 arg_ptr(t, &a, sizeof(a)));
	if (ret != MACHPORT_KERN_SUCCESS)
		return;
	if (set && a.which == MACHPORT_TASK_BOOTSTRAP_PORT) {
		pthread_mutex_lock(&t->p->mu);
		t->p->bootstrap = 0;	/* ask again */
		pthread_mutex_unlock(&t->p->mu);
	}
	if (!set && a.which == MACHPORT_TASK_KERNEL_PORT && a.name != TASK_SELF)
		failf("task_get_special_port(TASK_KERNEL_PORT) = %#x", a.name);
	if (!set && a.name)
		model_add(t, a.name, T_SEND);
}

static int devnull_fd(void)
{
	static _Atomic int fd = -1;
	int f = atomic_load(&fd);

	if (f < 0) {
		f = open("/dev/null", O_RDWR | O_CLOEXEC);
		int expected = -1;

		if (!atomic_compare_exchange_strong(&fd, &expected, f)) {
			close(f);
			f = expected;
		}
	}
	return f;
}

static void op_inherit(struct th *t)
{
	struct machport_inherit a;
	long ret;

	memset(&a, 0, sizeof(a));
	switch (rn(&t->r, 8)) {
	case 0: case 1: case 2: case 3:
		a.parent_fd = t->p->is_child ? -1 : C.leader_fd;
		break;
	case 4: a.parent_fd = atomic_load(&t->p->fd); break;	/* our own: EPERM */
	case 5: a.parent_fd = devnull_fd(); break;		/* not a space: EINVAL */
	case 6: a.parent_fd = -1 - (int)rn(&t->r, 2); break;
	default: a.parent_fd = 900 + rn(&t->r, 100); break;
	}
	if (pct(&t->r, 1))
		a.reserved = 1;
	ret = io(t, MACHPORT_IOC_INHERIT, arg_ptr(t, &a, sizeof(a)));
	if (ret == MACHPORT_KERN_SUCCESS) {
		pthread_mutex_lock(&t->p->mu);
		t->p->bootstrap = 0;
		pthread_mutex_unlock(&t->p->mu);
	}
}

/* ---- Port sets ------------------------------------------------------------ */

static void op_member(struct th *t)
{
	struct machport_member a;

	memset(&a, 0, sizeof(a));
	a.op = pct(&t->r, 97) ? rn(&t->r, 3) : 3 + rn(&t->r, 100);
	a.name = pick(t, T_RECV);
	a.pset = a.op == MACHPORT_MEMBER_MOVE && pct(&t->r, 20) ?
		 MACHPORT_NAME_NULL : pick(t, T_PSET);
	if (pct(&t->r, 1))
		a.reserved = 1;
	io(t, MACHPORT_IOC_MEMBER, arg_ptr(t, &a, sizeof(a)));
}

static void op_set_status(struct th *t)
{
	struct machport_set_status a;
	uint32_t cap, i, type;
	long ret;

	memset(&a, 0, sizeof(a));
	a.name = pick(t, T_PSET);
	cap = a.count = pct(&t->r, 80) ? NAMES_MAX : rn(&t->r, 4);
	a.names = (uintptr_t)t->names;
	if (feat(F_BAD_PTR) && pct(&t->r, 4))
		a.names = (uintptr_t)bad_addr(t);
	ret = io(t, MACHPORT_IOC_SET_STATUS, arg_ptr(t, &a, sizeof(a)));
	if (ret != MACHPORT_KERN_SUCCESS || a.names != (uintptr_t)t->names)
		return;
	/* Members are receive rights of ours (check only when alone). */
	for (i = 0; C.det && i < a.count && i < cap; i++) {
		struct machport_port_type pt = { .name = t->names[i] };

		if (io(t, MACHPORT_IOC_PORT_TYPE, &pt) != MACHPORT_KERN_SUCCESS ||
		    !((type = pt.type) & T_RECV))
			failf("set %#x has member %#x, which is no receive right",
			      a.name, t->names[i]);
	}
}

/* ---- Notifications, receive-right controls ------------------------------- */

static void op_notify(struct th *t)
{
	struct machport_request_notification a;
	uint32_t r = rn(&t->r, 100);
	long ret;

	memset(&a, 0, sizeof(a));
	if (r < 30) {
		a.msgid = MACHPORT_NOTIFY_NO_SENDERS;
		a.name = pick(t, T_RECV);
	} else if (r < 48) {
		a.msgid = MACHPORT_NOTIFY_PORT_DESTROYED;
		a.name = pick(t, T_RECV);
	} else if (r < 88) {
		a.msgid = MACHPORT_NOTIFY_DEAD_NAME;
		a.name = pick(t, T_SEND | T_SO | T_RECV | T_DEAD);
	} else {
		static const int32_t ids[] = {
			MACHPORT_NOTIFY_SEND_POSSIBLE, MACHPORT_NOTIFY_PORT_DELETED,
			MACHPORT_NOTIFY_SEND_ONCE, 0, -1, 0111,
		};

		a.msgid = ids[rn(&t->r, 6)];
		a.name = pick(t, T_ANY);
	}
	r = rn(&t->r, 100);
	a.sync = r < 60 ? 0 : r < 80 ? 1 : r < 90 ? rn(&t->r, 10) : (uint32_t)rnext(&t->r);
	r = rn(&t->r, 100);
	if (r < 70) {
		a.notify = rn(&t->r, 4) ? pick(t, T_RECV) : a.name;
		a.notify_disp = MACHPORT_MSG_TYPE_MAKE_SEND_ONCE;
	} else if (r < 82) {
		a.notify = pick(t, T_SO);
		a.notify_disp = MACHPORT_MSG_TYPE_MOVE_SEND_ONCE;
	} else if (r < 94) {
		a.notify = MACHPORT_NAME_NULL;	/* cancel */
		a.notify_disp = rn(&t->r, 2) ? 0 : MACHPORT_MSG_TYPE_MAKE_SEND_ONCE;
	} else {
		pick_right(t, &a.notify, &a.notify_disp);
	}
	if (pct(&t->r, 1))
		a.reserved = 1;
	if (pct(&t->r, 1))
		a.previous = 1;
	ret = io(t, MACHPORT_IOC_REQUEST_NOTIFY, arg_ptr(t, &a, sizeof(a)));
	if (ret != MACHPORT_KERN_SUCCESS)
		return;
	if (a.notify_disp == MACHPORT_MSG_TYPE_MOVE_SEND_ONCE)
		model_clear_bits(t, a.notify, T_SO);
	model_add(t, a.previous, T_SO);
}

static void op_port_ctl(struct th *t)
{
	static const uint64_t guards[] = { 0, 1, 0x6775617264ULL, ~0ULL };
	struct machport_port_ctl a;
	long ret;

	memset(&a, 0, sizeof(a));
	a.op = pct(&t->r, 97) ? rn(&t->r, 7) : 7 + rn(&t->r, 100);
	if (!feat(F_GUARD) && a.op == MACHPORT_CTL_GUARD)
		a.op = MACHPORT_CTL_SET_CONTEXT;
	a.name = pick(t, T_RECV);
	switch (a.op) {
	case MACHPORT_CTL_GUARD:
	case MACHPORT_CTL_UNGUARD:
	case MACHPORT_CTL_DESTRUCT:
		a.value = guards[rn(&t->r, 4)];
		a.flags = rn(&t->r, 4);
		break;
	case MACHPORT_CTL_SET_MSCOUNT:
		a.value = pct(&t->r, 70) ? rn(&t->r, 5) : rnext(&t->r);
		break;
	default:
		a.value = rn(&t->r, 2) ? rn(&t->r, 1000) : rnext(&t->r);
	}
	if (a.op == MACHPORT_CTL_DESTRUCT) {
		static const int32_t deltas[] = { 0, 0, -1, -1, -2, 1, INT32_MIN };

		a.delta = deltas[rn(&t->r, 7)];
	}
	if (pct(&t->r, 2))
		a.flags = 4 << rn(&t->r, 28);
	if (pct(&t->r, 1))
		a.reserved = 1;
	ret = io(t, MACHPORT_IOC_PORT_CTL, arg_ptr(t, &a, sizeof(a)));
	if (ret == MACHPORT_KERN_SUCCESS && a.op == MACHPORT_CTL_DESTRUCT)
		model_clear_bits(t, a.name, T_RECV);
}

/* mach_port_peek: the queue's messages by number, every trailer size. */
static void op_peek(struct th *t)
{
	struct machport_port_peek a;
	uint8_t trailer[80];
	long ret;

	memset(&a, 0, sizeof(a));
	a.name = pick(t, T_RECV);
	/* Format 0 with 0..7 elements, or any bits at all. */
	a.trailer_type = pct(&t->r, 95) ? rn(&t->r, 8) << 24 : (uint32_t)rnext(&t->r);
	a.seqno = pct(&t->r, 50) ? 0 : rn(&t->r, 40);
	a.trailer_size = pct(&t->r, 90) ? sizeof(trailer) : rn(&t->r, 72);
	a.trailer = pct(&t->r, 95) ? (uintptr_t)trailer : (uintptr_t)bad_addr(t);
	if (pct(&t->r, 1))
		a.reserved = 1;
	ret = io(t, MACHPORT_IOC_PORT_PEEK, arg_ptr(t, &a, sizeof(a)));
	if (ret == MACHPORT_KERN_SUCCESS && t->arg == ARG_GOOD &&
	    (a.trailer_size < 8 || a.trailer_size > 52))
		failf("mach_port_peek wrote a trailer of %u bytes", a.trailer_size);
}

/* ---- Pollable ports -------------------------------------------------------- */

static void pollfd_add(struct th *t, int fd)
{
	int old = -1;

	pthread_mutex_lock(&t->p->mu);
	if (t->p->npollfds == MAX_POLLFDS) {
		int i = rn(&t->r, MAX_POLLFDS);

		old = t->p->pollfds[i];
		t->p->pollfds[i] = fd;
	} else {
		t->p->pollfds[t->p->npollfds++] = fd;
	}
	pthread_mutex_unlock(&t->p->mu);
	if (old >= 0)
		close(old);
}

static void op_pollfd(struct th *t)
{
	struct machport_port_pollfd a;
	char c = 0;
	long ret;
	int fl;

	memset(&a, 0, sizeof(a));
	a.name = pick(t, rn(&t->r, 3) ? T_RECV : T_PSET);
	a.flags = pct(&t->r, 50) ? MACHPORT_POLLFD_CLOEXEC : 0;
	if (pct(&t->r, 2))
		a.flags |= 2U << rn(&t->r, 30);
	if (pct(&t->r, 1))
		a.fd = 3;
	if (pct(&t->r, 1))
		a.reserved = 1;
	ret = io(t, MACHPORT_IOC_PORT_POLLFD, arg_ptr(t, &a, sizeof(a)));
	if (ret != MACHPORT_KERN_SUCCESS || a.fd < 0)
		return;
	fl = fcntl(a.fd, F_GETFD);
	if (fl < 0 || !!(fl & FD_CLOEXEC) != !!(a.flags & MACHPORT_POLLFD_CLOEXEC)) {
		/* The closer may have reused the number meanwhile: only alone. */
		if (C.det)
			failf("pollfd %d: F_GETFD %d with flags %#x", a.fd, fl, a.flags);
	}
	if (C.det && (read(a.fd, &c, 1) != -1 || errno != EINVAL ||
		      write(a.fd, &c, 1) != -1 || errno != EINVAL))
		failf("pollfd %d: read/write did not fail with EINVAL", a.fd);
	pollfd_add(t, a.fd);
}

static void op_poll(struct th *t)
{
	struct pollfd pfd[MAX_POLLFDS];
	int n = 0, i, close_fd = -1, ep = -1;
	short ok = POLLIN | POLLRDNORM | POLLHUP;

	/* Our own duplicates: another thread may close the originals. */
	pthread_mutex_lock(&t->p->mu);
	for (i = 0; i < t->p->npollfds; i++) {
		if (pct(&t->r, 60))
			continue;
		pfd[n].fd = fcntl(t->p->pollfds[i], F_DUPFD_CLOEXEC, 0);
		pfd[n].events = POLLIN | (pct(&t->r, 20) ? POLLOUT : 0);
		pfd[n].revents = 0;
		if (pfd[n].fd >= 0)
			n++;
	}
	if (t->p->npollfds && pct(&t->r, 25)) {
		i = rn(&t->r, t->p->npollfds);
		close_fd = t->p->pollfds[i];
		t->p->pollfds[i] = t->p->pollfds[--t->p->npollfds];
	}
	pthread_mutex_unlock(&t->p->mu);
	if (n && pct(&t->r, 30)) {
		struct epoll_event ev[MAX_POLLFDS];

		ep = epoll_create1(EPOLL_CLOEXEC);
		for (i = 0; ep >= 0 && i < n; i++) {
			struct epoll_event e = { .events = EPOLLIN, .data.u32 = i };

			if (epoll_ctl(ep, EPOLL_CTL_ADD, pfd[i].fd, &e))
				failf("epoll_ctl on a pollfd: %s", strerror(errno));
		}
		/* Close a descriptor while epoll watches it, sometimes. */
		if (ep >= 0 && pct(&t->r, 30)) {
			close(pfd[n - 1].fd);
			n--;
		}
		if (ep >= 0) {
			int k = epoll_wait(ep, ev, MAX_POLLFDS, rn(&t->r, 3));

			for (i = 0; i < k; i++)
				if (ev[i].events & ~(uint32_t)(EPOLLIN | EPOLLRDNORM | EPOLLHUP))
					failf("epoll on a pollfd: events %#x", ev[i].events);
		}
		if (pct(&t->r, 50) && ep >= 0) {
			close(ep);
			ep = -1;
		}
	} else if (n) {
		if (poll(pfd, n, rn(&t->r, 3)) > 0)
			for (i = 0; i < n; i++)
				if (pfd[i].revents & ~ok)
					failf("poll on a pollfd: revents %#x", pfd[i].revents);
	}
	for (i = 0; i < n; i++)
		close(pfd[i].fd);
	if (ep >= 0)
		close(ep);
	if (close_fd >= 0)
		close(close_fd);
}

/* ---- Misuse of the device ------------------------------------------------- */

static const unsigned long known_cmds[] = {
	MACHPORT_IOC_VERSION, MACHPORT_IOC_FEATURES, MACHPORT_IOC_PORT_ALLOCATE,
	MACHPORT_IOC_PORT_DEALLOCATE, MACHPORT_IOC_PORT_DESTROY,
	MACHPORT_IOC_PORT_TYPE, MACHPORT_IOC_PORT_MOD_REFS,
	MACHPORT_IOC_PORT_GET_REFS, MACHPORT_IOC_PORT_INSERT_RIGHT,
	MACHPORT_IOC_PORT_EXTRACT_RIGHT, MACHPORT_IOC_PORT_NAMES,
	MACHPORT_IOC_PORT_GET_ATTR, MACHPORT_IOC_PORT_SET_ATTR, MACHPORT_IOC_MSG,
	MACHPORT_IOC_GET_SPECIAL, MACHPORT_IOC_SET_SPECIAL, MACHPORT_IOC_INHERIT,
	MACHPORT_IOC_MEMBER, MACHPORT_IOC_SET_STATUS,
	MACHPORT_IOC_REQUEST_NOTIFY, MACHPORT_IOC_PORT_CTL,
	MACHPORT_IOC_PORT_POLLFD,
};

static void op_version(struct th *t)
{
	long ret = io(t, MACHPORT_IOC_VERSION, NULL);

	/* (EBADF, ENOTTY: another thread just closed the descriptor.) */
	if (ret != MACHPORT_ABI_VERSION &&
	    (C.det || (ret != -EBADF && ret != -ENOTTY &&
		       fd_is_mach(atomic_load(&t->p->fd)))))
		failf("MACHPORT_IOC_VERSION answered %ld, not %d", ret,
		      MACHPORT_ABI_VERSION);
}

static void op_features(struct th *t)
{
	struct machport_features f;
	long ret;

	memset(&f, 0, sizeof(f));
	if (pct(&t->r, 5))
		f.reserved[rn(&t->r, 3)] = 1;
	if (pct(&t->r, 5))
		f.max_names = 1;
	ret = io(t, MACHPORT_IOC_FEATURES, arg_ptr(t, &f, sizeof(f)));
	if (ret == 0 && (f.max_msg_size < HDR_SIZE ||
			 f.qlimit_max != MACHPORT_QLIMIT_MAX || !f.max_names))
		failf("MACHPORT_IOC_FEATURES: max_msg_size %u qlimit_max %u max_names %u",
		      f.max_msg_size, f.qlimit_max, f.max_names);
}

static void op_bad_ioctl(struct th *t)
{
	uint8_t arg[256];
	unsigned long cmd;
	long ret;
	int fd, i;

	memset(arg, 0, sizeof(arg));
	switch (rn(&t->r, 5)) {
	case 0:		/* our magic, a number or size we do not have */
		do {
			cmd = _IOC(rn(&t->r, 4), MACHPORT_IOC_MAGIC, rn(&t->r, 0x60),
				   rlog(&t->r, 0, 255));
		} while (cmd_name(cmd));
		ret = io(t, cmd, pct(&t->r, 50) ? (void *)arg : bad_addr(t));
		if (ret != -ENOTTY && (C.det || (ret != -EBADF &&
						  fd_is_mach(atomic_load(&t->p->fd)))))
			failf("unknown ioctl %#lx answered %ld, not -ENOTTY", cmd, ret);
		break;
	case 1:		/* somebody else's */
		cmd = rn(&t->r, 2) ? 0x5401 /* TCGETS */ : _IOR('f', 1, long);
		ret = io(t, cmd, arg);
		if (ret != -ENOTTY && (C.det || (ret != -EBADF &&
						  fd_is_mach(atomic_load(&t->p->fd)))))
			failf("foreign ioctl %#lx answered %ld, not -ENOTTY", cmd, ret);
		break;
	case 2:		/* a known one with a pointer that does not work */
		cmd = known_cmds[rn(&t->r, sizeof(known_cmds) / sizeof(known_cmds[0]))];
		if (cmd == MACHPORT_IOC_MSG || cmd == MACHPORT_IOC_INHERIT)
			cmd = MACHPORT_IOC_PORT_TYPE;
		io(t, cmd, bad_addr(t));
		break;
	case 3:		/* the leader's space, which is not ours */
		fd = C.leader_fd;
		if (fd < 0 || t->p->is_child)
			break;
		cmd = known_cmds[2 + rn(&t->r, sizeof(known_cmds) / sizeof(known_cmds[0]) - 2)];
		ret = io_fd(t, fd, cmd, arg);
		if (ret != -EPERM)
			failf("%s on another process's space answered %ld, not -EPERM",
			      cmd_name(cmd), ret);
		break;
	default:	/* not /dev/mach at all */
		fd = devnull_fd();
		pthread_mutex_lock(&t->p->mu);
		if (t->p->npollfds && rn(&t->r, 2))
			fd = fcntl(t->p->pollfds[rn(&t->r, t->p->npollfds)],
				   F_DUPFD_CLOEXEC, 0);
		pthread_mutex_unlock(&t->p->mu);
		if (fd < 0)
			break;
		i = rn(&t->r, sizeof(known_cmds) / sizeof(known_cmds[0]));
		ret = io_fd(t, fd, known_cmds[i], arg);
		if (ret != -ENOTTY && ret != -EINVAL) {
			char link[128] = "";
			char path[64];

			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			(void)!readlink(path, link, sizeof(link) - 1);
			failf("%s on descriptor %d (%s, %s) answered %ld", cmd_name(known_cmds[i]),
			      fd, link, fd == devnull_fd() ? "our /dev/null" : "a pollfd's duplicate",
			      ret);
		}
		if (fd != devnull_fd())
			close(fd);
	}
}

/* ---- Children, the descriptor, signals ---------------------------------- */

static void fuzz_loop(struct th *t, long iters);
static struct proc *proc_new(int index, int gen, bool is_child);

/* A child's end: SIGKILL (ours, or its parent's death) is the only signal. */
static void check_status(pid_t pid, int st, const char *what)
{
	if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
		failf("%s %d killed by signal %d (%s)", what, pid, WTERMSIG(st),
		      strsignal(WTERMSIG(st)));
	else if (WIFEXITED(st) && WEXITSTATUS(st))
		failf("%s %d exited with status %d", what, pid, WEXITSTATUS(st));
}

static void *child_blocker(void *arg)
{
	int fd = (int)(intptr_t)arg;
	struct machport_port_allocate pa = { .right = MACHPORT_RIGHT_RECEIVE };
	struct machport_msg a;
	uint8_t buf[256];

	if (ioctl(fd, MACHPORT_IOC_PORT_ALLOCATE, &pa))
		return NULL;
	memset(&a, 0, sizeof(a));
	a.option = MACHPORT_RCV_MSG;
	a.rcv_name = pa.name;
	a.rcv_msg = (uintptr_t)buf;
	a.rcv_size = sizeof(buf);
	ioctl(fd, MACHPORT_IOC_MSG, &a);	/* until the process exits */
	return NULL;
}

/*
 * A forked child: the parent's descriptor is not its own (EPERM); it
 * opens its own space, inherits the parent's special ports through the
 * parent's descriptor, does a few operations, and ends in one of three
 * ways: it exits, it exits while another of its threads waits in
 * mach_msg, or it waits in mach_msg until its parent kills it.
 */
static void child_main(struct th *pt, int mode, int ready_fd, int seq,
		       pid_t ppid)
{
	struct proc *parent = pt->p, *p;
	int pfd = atomic_load(&parent->fd), fd;
	struct machport_port_type ty;
	struct machport_inherit in;
	pthread_t helper;
	struct th *t;
	long ret, first;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != ppid)
		_exit(0);	/* the parent is gone already */
	p = proc_new(parent->index, parent->gen, true);
	t = calloc(1, sizeof(*t));
	if (!p || !t)
		_exit(0);
	*t = *pt;		/* its buffers are ours now, copied on write */
	t->p = p;
	t->slot = NULL;
	t->reply = 0;
	t->hash = 0;
	rng_init(&t->r, C.seed, 100 + parent->index, 1000 + pt->idx, seq);
	p->big = parent->big;
	p->none = parent->none;
	p->hole = parent->hole;
	p->unmapped = parent->unmapped;
	atomic_store(&p->fd, pfd);

	memset(&ty, 0, sizeof(ty));
	ty.name = TASK_SELF;
	ret = first = io_fd(t, pfd, MACHPORT_IOC_PORT_TYPE, &ty);
	/* (Another thread of the parent may have just closed it.) */
	if (ret != -EPERM &&
	    (C.det || (ret != -EBADF && ret != -ENOTTY && fd_is_mach(pfd))))
		failf("a child's call on its parent's descriptor answered %ld, not -EPERM",
		      ret);
	fd = open("/dev/" MACHPORT_DEVICE_NAME, O_RDWR | (rn(&t->r, 2) ? O_CLOEXEC : 0));
	if (fd < 0)
		_exit(0);
	atomic_store(&p->fd, fd);
	memset(&in, 0, sizeof(in));
	in.parent_fd = pfd;
	ret = io(t, MACHPORT_IOC_INHERIT, &in);
	/* (A parent killed meanwhile is no parent any more: EPERM.) */
	/* (If the number was closed, our own open may have taken it.) */
	if (first == -EPERM && ret != MACHPORT_KERN_SUCCESS &&
	    ret != MACHPORT_KERN_INVALID_TASK &&
	    !(ret == -EPERM && getppid() != ppid))
		failf("MACHPORT_IOC_INHERIT from the parent's descriptor %d answered %ld (parent %d, now %d; first call %ld)",
		      pfd, ret, ppid, getppid(), first);
	if (rn(&t->r, 2))
		close(pfd);	/* the parent's file outlives this copy */
	fuzz_loop(t, 1 + rn(&t->r, 40));
	if (mode == 1 && !pthread_create(&helper, NULL, child_blocker,
					 (void *)(intptr_t)fd))
		sleep_ms(1 + rn(&t->r, 3));
	if (mode == 2) {
		struct machport_port_allocate pa = { .right = MACHPORT_RIGHT_RECEIVE };
		struct machport_msg a;

		if (ioctl(fd, MACHPORT_IOC_PORT_ALLOCATE, &pa) == 0) {
			memset(&a, 0, sizeof(a));
			a.option = MACHPORT_RCV_MSG;
			a.rcv_name = pa.name;
			a.rcv_msg = (uintptr_t)t->rbuf;
			a.rcv_size = 256;
			if (ready_fd >= 0)
				(void)!write(ready_fd, "r", 1);
			for (;;)	/* signals end single waits; SIGKILL all */
				ioctl(fd, MACHPORT_IOC_MSG, &a);
		}
	}
	_exit(0);
}

static long stat_field(const char *path, int field, char *state);

/* The state letter of a process, or 0. */
static char proc_state(pid_t pid)
{
	char path[64], state = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	stat_field(path, 1, &state);
	return state;
}

static void kid_add(struct th *t, pid_t pid, uint64_t kill_at);
static void reap_kids(struct th *t, bool all);

static void op_fork(struct th *t)
{
	int mode = rn(&t->r, 3), seq = atomic_fetch_add(&t->p->kid_seq, 1);
	int pipefd[2] = { -1, -1 };
	uint64_t kill_at = 0;
	pid_t pid, me = getpid();
	char c;
	int st, i;

	if (!feat(F_KILL) && mode == 2)
		mode = 0;
	if (C.det && mode == 2 && pipe2(pipefd, O_CLOEXEC))
		return;
	if (!C.det) {
		reap_kids(t, false);
		if (mode == 2 || (feat(F_KILL) && pct(&t->r, 30)))
			kill_at = now_ns() + rn(&t->r, 30) * 1000000ULL;
	}
	pid = fork();
	if (pid == 0) {
		if (pipefd[0] >= 0)
			close(pipefd[0]);
		child_main(t, mode, pipefd[1], seq, me);
		_exit(0);
	}
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (pid < 0) {
		if (pipefd[0] >= 0)
			close(pipefd[0]);
		return;
	}
	atomic_fetch_add(&sh->forks, 1);
	atomic_fetch_add(&sh->procs, 1);
	if (!C.det) {
		kid_add(t, pid, kill_at);
		return;
	}
	/* Alone: the child's life happens between two of our operations. */
	if (mode == 2) {
		if (read(pipefd[0], &c, 1) == 1) {
			for (i = 0; i < 5000 && proc_state(pid) != 'S'; i++)
				sleep_ms(1);
			kill(pid, SIGKILL);
			atomic_fetch_add(&sh->kills, 1);
		}
		close(pipefd[0]);
	}
	if (waitpid(pid, &st, 0) == pid)
		check_status(pid, st, "child");
}

static void kid_add(struct th *t, pid_t pid, uint64_t kill_at)
{
	struct proc *p = t->p;

	pthread_mutex_lock(&p->mu);
	if (p->nkids < MAX_KIDS) {
		p->kids[p->nkids].pid = pid;
		p->kids[p->nkids++].kill_at = kill_at;
		pid = 0;
	}
	pthread_mutex_unlock(&p->mu);
	if (pid) {	/* no room: this one ends now */
		int st;

		kill(pid, SIGKILL);
		atomic_fetch_add(&sh->kills, 1);
		if (waitpid(pid, &st, 0) == pid)
			check_status(pid, st, "child");
	}
}

/* Collect children that ended; kill those whose time came (or all). */
static void reap_kids(struct th *t, bool all)
{
	struct proc *p = t->p;
	uint64_t now = now_ns();
	struct kid k;
	int i, st;

	for (i = 0;; i++) {
		bool kill_it;
		pid_t r;

		pthread_mutex_lock(&p->mu);
		if (i >= p->nkids) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		k = p->kids[i];
		r = waitpid(k.pid, &st, WNOHANG);
		kill_it = r == 0 && (all || (k.kill_at && now >= k.kill_at));
		if (r != 0 || kill_it) {
			p->kids[i] = p->kids[--p->nkids];
			i--;
		}
		pthread_mutex_unlock(&p->mu);
		if (r == k.pid) {
			check_status(k.pid, st, "child");
		} else if (kill_it) {
			kill(k.pid, SIGKILL);
			atomic_fetch_add(&sh->kills, 1);
			if (waitpid(k.pid, &st, 0) == k.pid)
				check_status(k.pid, st, "child");
		}
	}
}

static void op_close_fd(struct th *t)
{
	static pthread_mutex_t closer = PTHREAD_MUTEX_INITIALIZER;
	struct proc *p = t->p;
	struct machport_inherit in;
	int old, nfd, v = rn(&t->r, 4);

	pthread_mutex_lock(&closer);
	old = atomic_load(&p->fd);
	switch (v) {
	case 0:		/* a new space, then the old descriptor goes */
		nfd = open("/dev/" MACHPORT_DEVICE_NAME, O_RDWR | O_CLOEXEC);
		if (nfd < 0)
			goto out;
		atomic_store(&p->fd, nfd);
		close(old);
		break;
	case 1:		/* the same number, another space: dup2 closes the old */
		nfd = open("/dev/" MACHPORT_DEVICE_NAME, O_RDWR | O_CLOEXEC);
		if (nfd < 0)
			goto out;
		dup2(nfd, old);
		close(nfd);
		break;
	case 2:		/* a duplicate: the space must not go */
		nfd = fcntl(old, F_DUPFD_CLOEXEC, 0);
		if (nfd < 0)
			goto out;
		atomic_store(&p->fd, nfd);
		close(old);
		goto out;
	default:	/* closed first: others see EBADF or another file */
		close(old);
		nfd = open("/dev/" MACHPORT_DEVICE_NAME, O_RDWR | O_CLOEXEC);
		if (nfd < 0) {
			failf("reopening /dev/mach: %s", strerror(errno));
			goto out;
		}
		atomic_store(&p->fd, nfd);
	}
	atomic_fetch_add(&p->epoch, 1);
	model_reset(p);
	if (C.leader_fd >= 0 && pct(&t->r, 60)) {
		memset(&in, 0, sizeof(in));
		in.parent_fd = C.leader_fd;
		io(t, MACHPORT_IOC_INHERIT, &in);
	}
out:
	pthread_mutex_unlock(&closer);
}

static void op_signal(struct th *t)
{
	struct proc *p = t->p;
	struct th *x = p->threads[rn(&t->r, p->nthreads)];

	if (x && x->tid)
		pthread_kill(x->pt, SIGUSR1);
}


/* ---- Scenarios: sequences that reach a deep state on purpose -------------
 *
 * Built from the same ioctls, on ports only this thread knows until the
 * scenario ends. Alone (one process, one thread) nobody else can touch
 * them, so the outcome is checked exactly; with company, only exercised.
 */

__attribute__((format(printf, 3, 4)))
static void expect(struct th *t, bool ok, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (ok || !C.det || t->p->is_child)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	failf("scenario: %s", buf);
}

static uint32_t sc_alloc(struct th *t, uint32_t right)
{
	struct machport_port_allocate a;

	memset(&a, 0, sizeof(a));
	a.right = right;
	if (io(t, MACHPORT_IOC_PORT_ALLOCATE, &a) != MACHPORT_KERN_SUCCESS)
		return 0;
	return a.name;
}

static long sc_insert(struct th *t, uint32_t name, uint32_t poly, uint32_t disp)
{
	struct machport_port_insert_right a;

	memset(&a, 0, sizeof(a));
	a.name = name;
	a.poly = poly;
	a.disposition = disp;
	return io(t, MACHPORT_IOC_PORT_INSERT_RIGHT, &a);
}

static long sc_notify(struct th *t, uint32_t name, int32_t msgid, uint32_t sync,
		      uint32_t notify)
{
	struct machport_request_notification a;
	long ret;

	memset(&a, 0, sizeof(a));
	a.name = name;
	a.msgid = msgid;
	a.sync = sync;
	a.notify = notify;
	a.notify_disp = MACHPORT_MSG_TYPE_MAKE_SEND_ONCE;
	ret = io(t, MACHPORT_IOC_REQUEST_NOTIFY, &a);
	if (ret == MACHPORT_KERN_SUCCESS)
		model_add(t, a.previous, T_SO);
	return ret;
}

static long sc_name_op(struct th *t, unsigned long cmd, uint32_t name)
{
	struct machport_port_name a;

	memset(&a, 0, sizeof(a));
	a.name = name;
	return io(t, cmd, &a);
}

static uint32_t sc_type(struct th *t, uint32_t name)
{
	struct machport_port_type a;

	memset(&a, 0, sizeof(a));
	a.name = name;
	return io(t, MACHPORT_IOC_PORT_TYPE, &a) == MACHPORT_KERN_SUCCESS ? a.type : 0;
}

/* A message to @dest carrying @n port rights (names[i] with disps[i]). */
static long sc_send(struct th *t, uint32_t dest, uint32_t ddisp, uint32_t reply,
		    uint32_t rdisp, const uint32_t *names, const uint32_t *disps,
		    int n, uint32_t ool)
{
	struct machport_msg_header *h = (void *)t->sbuf;
	struct machport_msg_port_descriptor *pd;
	struct machport_msg_ool_descriptor *od;
	struct machport_msg a;
	uint32_t size = HDR_SIZE;
	int i;

	memset(t->sbuf, 0, 512);
	h->bits = ddisp | rdisp << 8;
	h->remote_port = dest;
	h->local_port = reply;
	h->id = FZ_ID + 0xffff;		/* not an fz_body message */
	if (n || ool) {
		h->bits |= MACHPORT_MSGH_BITS_COMPLEX;
		((struct machport_msg_body *)(h + 1))->descriptor_count = n + !!ool;
		size = BODY_OFF;
		for (i = 0; i < n; i++) {
			pd = (void *)(t->sbuf + size);
			pd->name = names[i];
			pd->disposition = (uint8_t)disps[i];
			pd->type = MACHPORT_MSG_PORT_DESCRIPTOR;
			size += sizeof(*pd);
		}
		if (ool) {
			od = (void *)(t->sbuf + size);
			od->address = (uintptr_t)t->p->big;
			od->size = ool;
			od->copy = MACHPORT_MSG_VIRTUAL_COPY;
			od->type = MACHPORT_MSG_OOL_DESCRIPTOR;
			size += sizeof(*od);
		}
	}
	memset(&a, 0, sizeof(a));
	a.send_msg = (uintptr_t)t->sbuf;
	a.send_size = size;
	a.option = MACHPORT_SEND_MSG | MACHPORT_SEND_TIMEOUT;
	return io(t, MACHPORT_IOC_MSG, &a);
}

/* Receive one message on @name now (or fail); returns its id or -1. */
static int32_t sc_recv(struct th *t, uint32_t name, uint32_t *desc_name)
{
	struct machport_msg_header *h = (void *)t->rbuf;
	struct machport_msg a;
	int32_t id = -1;

	memset(&a, 0, sizeof(a));
	a.option = MACHPORT_RCV_MSG | MACHPORT_RCV_TIMEOUT | (7U << 24);
	a.rcv_name = name;
	a.rcv_msg = (uintptr_t)t->rbuf;
	a.rcv_size = BUF_SIZE;
	if (desc_name)
		*desc_name = 0;
	if (io(t, MACHPORT_IOC_MSG, &a) != MACHPORT_MSG_SUCCESS)
		return -1;
	id = h->id;
	if (desc_name && (h->bits & MACHPORT_MSGH_BITS_COMPLEX) &&
	    h->size >= BODY_OFF + 12)
		*desc_name = ((struct machport_msg_port_descriptor *)
			      (t->rbuf + BODY_OFF))->name;
	else if (desc_name && h->size == HDR_SIZE + 12)
		memcpy(desc_name, t->rbuf + HDR_SIZE + 8, 4);
	harvest(t, t->rbuf, BUF_SIZE, a.option, name, false);
	return id;
}

static void op_scenario(struct th *t)
{
	uint32_t r = 0, n = 0, q = 0, s = 0, x, names[4], disps[4];
	int32_t id;
	long ret;
	int i, k;

	switch (rn(&t->r, 10)) {
	case 0:	/* port destroyed: the receive right comes back instead */
		r = sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
		n = sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
		if (!r || !n)
			break;
		ret = sc_notify(t, r, MACHPORT_NOTIFY_PORT_DESTROYED, 0, n);
		expect(t, ret == 0, "port-destroyed request answered %ld", ret);
		if (pct(&t->r, 50))	/* with something queued that holds rights */
			sc_send(t, r, MACHPORT_MSG_TYPE_MAKE_SEND, n,
				MACHPORT_MSG_TYPE_MAKE_SEND_ONCE, NULL, NULL, 0, 100);
		ret = rn(&t->r, 2) ? sc_name_op(t, MACHPORT_IOC_PORT_DESTROY, r) :
		      sc_name_op(t, MACHPORT_IOC_PORT_DEALLOCATE, r);
		id = sc_recv(t, n, &x);
		if (ret == MACHPORT_KERN_SUCCESS)
			expect(t, id == MACHPORT_NOTIFY_PORT_DESTROYED && x,
			       "after destroying %#x: message %d carrying %#x, not a port-destroyed notification",
			       r, id, x);
		r = x;
		break;
	case 1:	/* no senders */
		r = sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
		if (!r)
			break;
		n = rn(&t->r, 2) ? r : sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
		k = 1 + rn(&t->r, 3);
		for (i = 0; i < k; i++)
			sc_insert(t, r, r, MACHPORT_MSG_TYPE_MAKE_SEND);
		ret = sc_notify(t, r, MACHPORT_NOTIFY_NO_SENDERS, rn(&t->r, 3), n);
		expect(t, ret == 0, "no-senders request answered %ld", ret);
		{
			struct machport_port_refs a = {
				.name = r, .right = MACHPORT_RIGHT_SEND, .delta = -k,
			};

			ret = io(t, MACHPORT_IOC_PORT_MOD_REFS, &a);
		}
		id = sc_recv(t, n, &x);
		expect(t, ret == 0 && id == MACHPORT_NOTIFY_NO_SENDERS,
		       "no send rights left on %#x: got message %d", r, id);
		break;
	case 2:	/* dead name: the receive right dies inside a queue */
		r = sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
		q = sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
		n = sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
		if (!r || !q || !n)
			break;
		sc_insert(t, r, r, MACHPORT_MSG_TYPE_MAKE_SEND);
		names[0] = r;
		disps[0] = MACHPORT_MSG_TYPE_MOVE_RECEIVE;
		ret = sc_send(t, q, MACHPORT_MSG_TYPE_MAKE_SEND, 0, 0, names, disps, 1, 0);
		expect(t, ret == 0, "moving %#x into %#x answered %#lx", r, q, ret);
		expect(t, sc_type(t, r) == T_SEND, "%#x is %#x after its receive right left",
		       r, sc_type(t, r));
		ret = sc_notify(t, r, MACHPORT_NOTIFY_DEAD_NAME, 0, n);
		expect(t, ret == 0, "dead-name request answered %ld", ret);
		sc_name_op(t, MACHPORT_IOC_PORT_DESTROY, q);	/* r dies with q's queue */
		expect(t, (sc_type(t, r) & T_RIGHTS) == T_DEAD,
		       "%#x is %#x after its port died in a destroyed queue", r, sc_type(t, r));
		id = sc_recv(t, n, &x);
		expect(t, id == MACHPORT_NOTIFY_DEAD_NAME && x == r,
		       "dead-name notification: message %d for %#x, wanted %#x", id, x, r);
		q = 0;
		break;
	case 3:	/* receive rights nested in each other's queues, maybe a cycle */
		k = 2 + rn(&t->r, 5);
		for (i = 0; i < k; i++) {
			x = sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
			if (!x)
				break;
			if (r) {
				names[0] = r;
				disps[0] = MACHPORT_MSG_TYPE_MOVE_RECEIVE;
				ret = sc_send(t, x, MACHPORT_MSG_TYPE_MAKE_SEND, 0, 0,
					      names, disps, 1, rn(&t->r, 2) ? 0 : 5000);
				expect(t, ret == 0, "nesting %#x in %#x answered %#lx", r, x, ret);
			} else {
				q = x;		/* the innermost */
				sc_insert(t, q, q, MACHPORT_MSG_TYPE_MAKE_SEND);
			}
			r = x;
		}
		if (pct(&t->r, 50) && q && r != q) {
			/* The outermost into the innermost: a cycle, destroyed. */
			names[0] = r;
			disps[0] = MACHPORT_MSG_TYPE_MOVE_RECEIVE;
			ret = sc_send(t, q, MACHPORT_MSG_TYPE_COPY_SEND, 0, 0, names, disps, 1, 0);
			expect(t, ret == 0, "closing a cycle answered %#lx", ret);
			expect(t, (sc_type(t, q) & T_RIGHTS) == T_DEAD,
			       "%#x is %#x after its cycle was destroyed", q, sc_type(t, q));
			r = 0;
		}
		if (r && pct(&t->r, 50)) {
			sc_name_op(t, MACHPORT_IOC_PORT_DESTROY, r);
			r = 0;
		}
		break;
	case 4:	/* a port set: messages on members arrive on the set */
		s = sc_alloc(t, MACHPORT_RIGHT_PORT_SET);
		k = 1 + rn(&t->r, 3);
		for (i = 0; s && i < k; i++) {
			struct machport_member m = { .op = MACHPORT_MEMBER_INSERT, .pset = s };

			names[i] = m.name = sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
			if (io(t, MACHPORT_IOC_MEMBER, &m) == 0 && pct(&t->r, 70))
				sc_send(t, m.name, MACHPORT_MSG_TYPE_MAKE_SEND_ONCE, 0, 0,
					NULL, NULL, 0, 0);
		}
		for (i = 0; s && i < k + 1; i++) {
			struct machport_msg_header *h = (void *)t->rbuf;

			id = sc_recv(t, s, NULL);
			if (id < 0)
				break;
			x = h->local_port;
			expect(t, x == names[0] || (k > 1 && x == names[1]) ||
			       (k > 2 && x == names[2]),
			       "message on set %#x says member %#x", s, x);
		}
		for (i = 0; s && i < k; i++)
			model_add(t, names[i], T_RECV);
		if (pct(&t->r, 50))
			sc_name_op(t, MACHPORT_IOC_PORT_DESTROY, s), s = 0;
		break;
	case 5:	/* a send-once right dies unused */
		r = sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
		if (!r)
			break;
		{
			struct machport_port_extract_right a = {
				.name = r, .disposition = MACHPORT_MSG_TYPE_MAKE_SEND_ONCE,
			};

			ret = io(t, MACHPORT_IOC_PORT_EXTRACT_RIGHT, &a);
			if (ret == 0)
				sc_name_op(t, MACHPORT_IOC_PORT_DEALLOCATE, a.poly);
		}
		id = sc_recv(t, r, NULL);
		expect(t, ret == 0 && id == MACHPORT_NOTIFY_SEND_ONCE,
		       "unused send-once right for %#x: got message %d", r, id);
		break;
	case 6:	/* a full queue gives the message back, rights and memory */
		r = sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
		q = sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
		if (!r || !q)
			break;
		{
			struct machport_port_attr a = {
				.name = r, .flavor = MACHPORT_PORT_LIMITS_INFO, .count = 1,
			};

			io(t, MACHPORT_IOC_PORT_SET_ATTR, &a);	/* qlimit 0 */
		}
		names[0] = q;
		disps[0] = MACHPORT_MSG_TYPE_MAKE_SEND;
		names[1] = q;
		disps[1] = MACHPORT_MSG_TYPE_MOVE_RECEIVE;
		ret = sc_send(t, r, MACHPORT_MSG_TYPE_MAKE_SEND, 0, 0, names, disps, 2,
			      rn(&t->r, 2) ? 100 : 70000);
		expect(t, ret == MACHPORT_SEND_TIMED_OUT,
		       "a send to a queue limited to 0 answered %#lx", ret);
		if (ret == MACHPORT_SEND_TIMED_OUT &&
		    ((struct machport_msg_header *)t->sbuf)->size) {
			cov(COV_PSEUDO);
			/* The rights come back, perhaps under new names. */
			x = ((struct machport_msg_port_descriptor *)
			     (t->sbuf + BODY_OFF + 12))->name;
			harvest(t, t->sbuf, ((struct machport_msg_header *)t->sbuf)->size,
				0, 0, true);
			expect(t, sc_type(t, x) & T_RECV,
			       "the send gave %#x back as %#x, which is %#x", q, x,
			       sc_type(t, x));
			q = x;
		}
		break;
	case 7:	/* a guarded receive right stays where it is */
		r = sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
		q = sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
		if (!r || !q || !feat(F_GUARD))
			break;
		{
			struct machport_port_ctl c = {
				.op = MACHPORT_CTL_GUARD, .name = r, .value = 0x1234,
				.flags = rn(&t->r, 4),
			};

			ret = io(t, MACHPORT_IOC_PORT_CTL, &c);
			expect(t, ret == 0, "guard answered %ld", ret);
			ret = sc_name_op(t, MACHPORT_IOC_PORT_DESTROY, r);
			expect(t, ret == MACHPORT_KERN_INVALID_RIGHT,
			       "destroying a guarded right answered %ld", ret);
			names[0] = r;
			disps[0] = MACHPORT_MSG_TYPE_MOVE_RECEIVE;
			ret = sc_send(t, q, MACHPORT_MSG_TYPE_MAKE_SEND, 0, 0, names, disps, 1, 0);
			expect(t, ret == MACHPORT_SEND_INVALID_RIGHT,
			       "moving a guarded right answered %#lx", ret);
			c.op = MACHPORT_CTL_DESTRUCT;
			c.value = pct(&t->r, 80) ? 0x1234 : 0x4321;
			c.flags = 0;
			ret = io(t, MACHPORT_IOC_PORT_CTL, &c);
			expect(t, ret == (c.value == 0x1234 ? 0 : MACHPORT_KERN_INVALID_ARGUMENT),
			       "destruct with guard %#llx answered %ld",
			       (unsigned long long)c.value, ret);
			if (ret == 0)
				r = 0;
		}
		break;
	case 8:	/* a pollable port sees its message, then its death */
		r = sc_alloc(t, rn(&t->r, 3) ? MACHPORT_RIGHT_RECEIVE : MACHPORT_RIGHT_PORT_SET);
		if (!r)
			break;
		{
			struct machport_port_pollfd a = { .name = r, .flags = MACHPORT_POLLFD_CLOEXEC };
			struct pollfd pfd;

			if (io(t, MACHPORT_IOC_PORT_POLLFD, &a) != 0)
				break;
			pfd.fd = a.fd;
			pfd.events = POLLIN;
			if (sc_send(t, r, MACHPORT_MSG_TYPE_MAKE_SEND, 0, 0, NULL, NULL, 0, 0) == 0) {
				pfd.revents = 0;
				poll(&pfd, 1, 0);
				expect(t, pfd.revents & POLLIN, "pollfd of %#x: revents %#x with a message queued",
				       r, pfd.revents);
			}
			sc_name_op(t, MACHPORT_IOC_PORT_DESTROY, r);
			pfd.revents = 0;
			poll(&pfd, 1, 0);
			expect(t, pfd.revents & POLLHUP, "pollfd of %#x: revents %#x after its death",
			       r, pfd.revents);
			if (pct(&t->r, 50))
				close(a.fd);
			else
				pollfd_add(t, a.fd);
			r = 0;
		}
		break;
	default: /* the task port answers every request with MIG_BAD_ID */
		r = sc_alloc(t, MACHPORT_RIGHT_RECEIVE);
		if (!r)
			break;
		ret = sc_send(t, TASK_SELF, MACHPORT_MSG_TYPE_COPY_SEND, r,
			      MACHPORT_MSG_TYPE_MAKE_SEND_ONCE, NULL, NULL, 0,
			      rn(&t->r, 2) ? 0 : 4096);
		id = sc_recv(t, r, &x);
		expect(t, ret == 0 && id == FZ_ID + 0xffff + 100 &&
		       (int32_t)x == MACHPORT_MIG_BAD_ID,
		       "request to the task port: reply %d code %d", id, (int32_t)x);
	}
	/* What is left joins the model, for the others to play with. */
	model_add(t, r, T_RECV);
	model_add(t, n, T_RECV);
	model_add(t, q, T_RECV);
	model_add(t, s, T_PSET);
}


/*
 * A second space in the same process: a few operations on it, rights
 * passed both ways through the name service, then it closes with
 * whatever it holds.
 */
static void op_second_space(struct th *t)
{
	struct proc *p2;
	struct th t2;
	int fd, i;

	p2 = proc_new(t->p->index, t->p->gen, true);
	if (!p2)
		return;
	fd = open("/dev/" MACHPORT_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		free(p2);
		return;
	}
	p2->noblock = true;
	p2->big = t->p->big;
	p2->none = t->p->none;
	p2->hole = t->p->hole;
	p2->unmapped = t->p->unmapped;
	atomic_store(&p2->fd, fd);
	t2 = *t;		/* same thread: the buffers can be shared */
	t2.p = p2;
	t2.slot = NULL;
	t2.reply = 0;
	/* Meet the first space: check in there, look up here, and back. */
	for (i = 0; i < 2; i++)
		bs_request(&t2, MACHPORT_BOOTSTRAP_MSG_CHECK_IN,
			   2 * C.procs + rn(&t->r, POOL - 1 - 2 * C.procs), 0, 0, false);
	fuzz_loop(&t2, 1 + rn(&t->r, 30));
	t->r = t2.r;	/* keep the stream moving */
	t->hash ^= t2.hash;
	if (pct(&t->r, 50))
		op_bootstrap(t);	/* perhaps a name the second space holds */
	for (i = 0; i < p2->npollfds; i++)
		close(p2->pollfds[i]);
	close(fd);
	pthread_mutex_destroy(&p2->mu);
	free(p2);
}

/* ---- The loop -------------------------------------------------------------- */

static bool low_memory(void)
{
	static _Atomic uint64_t checked;
	static _Atomic int low;
	uint64_t now = now_ns();
	char line[128];
	FILE *f;

	if (C.det)
		return false;
	if (now - atomic_load(&checked) < 500000000ULL)
		return atomic_load(&low);
	atomic_store(&checked, now);
	f = fopen("/proc/meminfo", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long kb;

		if (sscanf(line, "MemAvailable: %lu kB", &kb) == 1) {
			atomic_store(&low, kb < 256 * 1024);
			break;
		}
	}
	fclose(f);
	return atomic_load(&low);
}

static int pick_op(struct th *t)
{
	unsigned int w[NOPS], total = 0, r;
	bool child = t->p->is_child;
	int i, n = model_size(t->p);

	for (i = 0; i < NOPS; i++) {
		w[i] = avoided_op(i) ? 0 : op_weights[i];
		total += w[i];
	}
	if (child)
		w[OP_FORK] = w[OP_CLOSE_FD] = w[OP_SIGNAL] = w[OP_REAP] =
			w[OP_SECOND_SPACE] = 0;
	if (C.det)
		w[OP_SIGNAL] = w[OP_REAP] = 0;
	/* Keep the space from growing without bound. */
	if (n > 300) {
		w[OP_DESTROY] *= 8;
		w[OP_DEALLOCATE] *= 4;
		w[OP_ALLOCATE] /= 4;
		w[OP_EXTRACT] /= 4;
		w[OP_INSERT] /= 4;
	} else if (n < 8) {
		w[OP_ALLOCATE] *= 4;
	}
	for (total = 0, i = 0; i < NOPS; i++)
		total += w[i];
	if (!total)
		return OP_VERSION;
	r = rn(&t->r, total);
	for (i = 0; i < NOPS; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return OP_VERSION;
}

static void run_op(struct th *t, int op)
{
	switch (op) {
	case OP_VERSION: op_version(t); break;
	case OP_FEATURES: op_features(t); break;
	case OP_ALLOCATE: op_allocate(t); break;
	case OP_DEALLOCATE: op_name(t, false); break;
	case OP_DESTROY: op_name(t, true); break;
	case OP_TYPE: op_type(t); break;
	case OP_MOD_REFS: op_refs(t, true); break;
	case OP_GET_REFS: op_refs(t, false); break;
	case OP_INSERT: op_insert(t); break;
	case OP_EXTRACT: op_extract(t); break;
	case OP_NAMES: op_port_names(t, false); break;
	case OP_GET_ATTR: op_attr(t, false); break;
	case OP_SET_ATTR: op_attr(t, true); break;
	case OP_SEND: do_send(t, SM_PLAIN); break;
	case OP_RECV: do_recv(t, 0, 0); break;
	case OP_RPC: do_send(t, SM_RPC); break;
	case OP_KSEND: do_send(t, SM_KERNEL); break;
	case OP_GET_SPECIAL: op_special(t, false); break;
	case OP_SET_SPECIAL: op_special(t, true); break;
	case OP_INHERIT: op_inherit(t); break;
	case OP_MEMBER: op_member(t); break;
	case OP_SET_STATUS: op_set_status(t); break;
	case OP_NOTIFY: op_notify(t); break;
	case OP_PORT_CTL: op_port_ctl(t); break;
	case OP_PEEK: op_peek(t); break;
	case OP_POLLFD: op_pollfd(t); break;
	case OP_POLL: op_poll(t); break;
	case OP_BOOTSTRAP: op_bootstrap(t); break;
	case OP_BAD_IOCTL: op_bad_ioctl(t); break;
	case OP_FORK: op_fork(t); break;
	case OP_CLOSE_FD: op_close_fd(t); break;
	case OP_SIGNAL: op_signal(t); break;
	case OP_REAP: reap_kids(t, false); break;
	case OP_SCENARIO: op_scenario(t); break;
	case OP_SECOND_SPACE: op_second_space(t); break;
	}
}

static void fuzz_loop(struct th *t, long iters)
{
	long i;
	int op;

	for (i = 0; !iters || i < iters; i++) {
		if (stopping())
			break;
		if (t->fail_streak > 8 || pct(&t->r, 2)) {
			op_port_names(t, true);
			t->fail_streak = 0;
		}
		op = pick_op(t);
		if (t->slot) {
			atomic_store(&t->slot->since, now_ns());
			atomic_store(&t->slot->op, op);
		}
		hash_mix(t, op);
		t->cur_op = op;
		run_op(t, op);
		if (t->slot)
			atomic_store(&t->slot->op, -1);
		atomic_fetch_add_explicit(&sh->op_calls[op], 1, memory_order_relaxed);
		t->done++;
		if (!t->p->is_child)
			atomic_fetch_add_explicit(&sh->iterations, 1,
						  memory_order_relaxed);
	}
}

/* ---- Processes ------------------------------------------------------------ */

static void *map(size_t len, int prot)
{
	void *m = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return m == MAP_FAILED ? NULL : m;
}

static struct proc *proc_new(int index, int gen, bool is_child)
{
	struct proc *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->index = index;
	p->gen = gen;
	p->is_child = is_child;
	atomic_store(&p->fd, -1);
	pthread_mutex_init(&p->mu, NULL);
	if (is_child)
		return p;
	p->big = map(BIG_SIZE, PROT_READ | PROT_WRITE);
	p->none = map(4 * PAGE, PROT_NONE);
	/* Below mmap_min_addr: never mapped, unlike a range we unmap. */
	p->hole = (uint8_t *)(uintptr_t)(2 * PAGE);
	/*
	 * And a range we unmap: the kernel may map something there later
	 * (an OOL region it gives us), so it is only ever read from.
	 */
	p->unmapped = map(16 * PAGE, PROT_READ | PROT_WRITE);
	if (!p->big || !p->none || !p->unmapped)
		return NULL;
	munmap(p->unmapped, 16 * PAGE);
	pat_fill(p->big, 0, BIG_SIZE);
	mprotect(p->big, BIG_SIZE, PROT_READ);
	return p;
}

static struct th *th_new(struct proc *p, int idx)
{
	struct th *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->p = p;
	t->idx = idx;
	rng_init(&t->r, C.seed, p->index + 1, p->gen, idx + 1);
	t->sbuf = map(BUF_SIZE, PROT_READ | PROT_WRITE);
	t->rbuf = map(BUF_SIZE, PROT_READ | PROT_WRITE);
	t->scratch = map(SCRATCH_SIZE, PROT_READ | PROT_WRITE);
	t->names = map(NAMES_MAX * 4, PROT_READ | PROT_WRITE);
	t->edge = map(2 * EDGE_RW, PROT_READ | PROT_WRITE);
	t->ro = map(EDGE_RW, PROT_READ);
	if (!t->sbuf || !t->rbuf || !t->scratch || !t->names || !t->edge || !t->ro)
		return NULL;
	pat_fill(t->scratch, 0, SCRATCH_SIZE);
	mprotect(t->edge + EDGE_RW, EDGE_RW, PROT_NONE);
	t->slot = &sh->slots[p->index * SLOTS_PER_PROC + idx];
	return t;
}

/* A worker's first steps: meet the others. */
static void startup(struct th *t)
{
	struct machport_inherit in;
	struct machport_port_allocate a;
	int j;

	if (C.leader_fd >= 0 && pct(&t->r, 80)) {
		memset(&in, 0, sizeof(in));
		in.parent_fd = C.leader_fd;
		io(t, MACHPORT_IOC_INHERIT, &in);
	}
	bootstrap_name(t);
	new_receive(t);
	new_receive(t);
	memset(&a, 0, sizeof(a));
	a.right = MACHPORT_RIGHT_PORT_SET;
	if (io(t, MACHPORT_IOC_PORT_ALLOCATE, &a) == MACHPORT_KERN_SUCCESS)
		model_add(t, a.name, T_PSET);
	for (j = 0; j < 2; j++)
		bs_request(t, MACHPORT_BOOTSTRAP_MSG_CHECK_IN,
			   (2 * t->p->index + j) % (POOL - 1), 0, 0, false);
}

static void *fuzz_thread(void *arg)
{
	struct th *t = arg;

	t->tid = gettid();
	atomic_store(&t->slot->pid, getpid());
	atomic_store(&t->slot->tid, t->tid);
	atomic_store(&t->slot->op, -1);
	atomic_store(&t->slot->active, 1);
	if (t->idx == 0)
		startup(t);
	fuzz_loop(t, C.iterations);
	atomic_store(&t->slot->hash, t->hash);
	atomic_store(&t->slot->done, t->done);
	atomic_store(&t->slot->active, 0);
	atomic_fetch_sub(&t->p->running, 1);
	return NULL;
}

/* Our own crash: say where, then die of it (the parent reports it). */
static void on_crash(int sig, siginfo_t *si, void *uc)
{
	void *bt[32];
	int n = backtrace(bt, 32);

	(void)uc;
	dprintf(2, "# fuzz[%d/%d]: signal %d at address %p; backtrace (addr2line -e fuzz):\n",
		getpid(), gettid(), sig, si->si_addr);
	backtrace_symbols_fd(bt, n, 2);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: waits end */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sa.sa_sigaction = on_crash;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
}

static void worker_main(int index, int gen)
{
	struct rng r;
	struct proc *p;
	struct slot *ts;
	int i, fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	install_handlers();
	p = proc_new(index, gen, false);
	if (!p) {
		failf("worker %d: out of memory", index);
		_exit(1);
	}
	fd = open("/dev/" MACHPORT_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		failf("open /dev/%s: %s", MACHPORT_DEVICE_NAME, strerror(errno));
		_exit(1);
	}
	atomic_store(&p->fd, fd);
	p->nthreads = C.threads;
	for (i = 0; i < C.threads; i++) {
		p->threads[i] = th_new(p, i);
		if (!p->threads[i]) {
			failf("worker %d: out of memory", index);
			_exit(1);
		}
	}
	atomic_store(&p->running, C.threads);
	if (C.det) {
		p->threads[0]->pt = pthread_self();
		fuzz_thread(p->threads[0]);
	} else {
		for (i = 0; i < C.threads; i++)
			if (pthread_create(&p->threads[i]->pt, NULL, fuzz_thread,
					   p->threads[i])) {
				failf("pthread_create: %s", strerror(errno));
				atomic_fetch_sub(&p->running, 1);
				p->threads[i]->tid = 0;
			}
		/* The ticker: ends waits nothing else would end, and more. */
		rng_init(&r, C.seed, index + 1, gen, 999);
		ts = &sh->slots[index * SLOTS_PER_PROC + MAX_THREADS];
		atomic_store(&ts->pid, getpid());
		atomic_store(&ts->tid, gettid());
		while (atomic_load(&p->running) > 0) {
			uint64_t now;

			sleep_ms(2 + rn(&r, 20));
			now = now_ns();
			for (i = 0; i < C.threads; i++) {
				struct th *x = p->threads[i];

				if (!x->tid || !atomic_load(&x->slot->active))
					continue;
				if ((atomic_load(&x->slot->blocking) &&
				     now > atomic_load(&x->slot->since) + 10000000ULL) ||
				    pct(&r, 2))
					pthread_kill(x->pt, SIGUSR1);
			}
		}
		for (i = 0; i < C.threads; i++)
			if (p->threads[i]->tid)
				pthread_join(p->threads[i]->pt, NULL);
	}
	reap_kids(p->threads[0], true);
	_exit(0);
}

/* ---- The leader: one run's processes ----------------------------------- */

static pid_t spawn_worker(int index, int gen)
{
	pid_t pid = fork();

	if (pid == 0) {
		worker_main(index, gen);
		_exit(0);
	}
	if (pid > 0)
		atomic_fetch_add(&sh->procs, 1);
	return pid;
}

/* The pids in /proc; returns how many (at most @max). */
static int list_pids(const char *dir, int *pids, int max)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return 0;
	while (n < max && (de = readdir(d)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			pids[n++] = atoi(de->d_name);
	closedir(d);
	return n;
}

/* Field @field (1-based, after the command) of /proc/@path/stat. */
static long stat_field(const char *path, int field, char *state)
{
	char buf[512], *p;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p || !p[1])
		return -1;
	if (state)
		*state = p[2];
	p += 2;		/* the state is field 1 */
	while (--field > 0 && p)
		if ((p = strchr(p, ' ')))
			p++;
	return p ? atol(p) : -1;
}

/* Kill the processes whose parent we are (orphans handed to us). */
static void kill_children_of(pid_t parent)
{
	static int pids[65536];
	char path[64];
	int n, i;

	n = list_pids("/proc", pids, 65536);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", pids[i]);
		if (stat_field(path, 2, NULL) == parent)
			kill(pids[i], SIGKILL);
	}
}

/*
 * lsmp reads every space through the generic netlink family while the
 * workers change them: dumps race with everything else.
 */
static pid_t start_lsmp(struct rng *r, const pid_t *workers)
{
	char pidbuf[16];
	pid_t pid;
	int fd;

	pid = fork();
	if (pid)
		return pid < 0 ? 0 : pid;
	fd = open("/dev/null", O_WRONLY);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	switch (rn(r, 4)) {
	case 0:
		execl(C.lsmp, "lsmp", "--stats", (char *)NULL);
		break;
	case 1:
		snprintf(pidbuf, sizeof(pidbuf), "%d", workers[rn(r, C.procs)]);
		execl(C.lsmp, "lsmp", "--json", "-p", pidbuf, (char *)NULL);
		break;
	default:
		execl(C.lsmp, "lsmp", rn(r, 2) ? "--json" : "-a", "-a", (char *)NULL);
	}
	_exit(127);
}

static void leader_main(void)
{
	pid_t w[MAX_PROCS] = { 0 };
	int gen[MAX_PROCS] = { 0 };
	uint64_t next_kill = 0, next_dump = 0;
	pid_t dumper = 0;
	int alive = 0, i, st;
	struct rng r;
	pid_t pid;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	install_handlers();
	if (C.newns && unshare(CLONE_NEWIPC))
		C.newns = false;
	C.leader_fd = open("/dev/" MACHPORT_DEVICE_NAME, O_RDWR);
	rng_init(&r, C.seed, 0x1eade5, 0, 0);
	for (i = 0; i < C.procs; i++) {
		w[i] = spawn_worker(i, 0);
		if (w[i] > 0)
			alive++;
	}
	while (alive > 0) {
		pid = waitpid(-1, &st, WNOHANG);
		if (pid > 0 && pid == dumper) {
			/* Its exit status is lsmp's business; a crash is ours. */
			if (WIFSIGNALED(st))
				failf("lsmp killed by signal %d while the run went on",
				      WTERMSIG(st));
			dumper = 0;
			continue;
		}
		if (pid > 0) {
			for (i = 0; i < C.procs && w[i] != pid; i++)
				;
			if (i == C.procs) {	/* an orphan of a worker */
				check_status(pid, st, "orphaned child");
				continue;
			}
			if (atomic_exchange(&sh->worker_killed[i], 0) &&
			    WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
				int s;

				for (s = 0; s < SLOTS_PER_PROC; s++)
					atomic_store(&sh->slots[i * SLOTS_PER_PROC + s].active, 0);
				if (!stopping()) {
					w[i] = spawn_worker(i, ++gen[i]);
					if (w[i] > 0)
						continue;
				}
			} else {
				check_status(pid, st, "worker");
			}
			w[i] = 0;
			alive--;
			continue;
		}
		if (pid < 0 && errno != EINTR)
			break;
		sleep_ms(5);
		if (!C.det && C.lsmp[0] && feat(F_INTROSPECT) && !dumper &&
		    now_ns() >= next_dump) {
			next_dump = now_ns() + (100 + rn(&r, 500)) * 1000000ULL;
			dumper = start_lsmp(&r, w);
			if (dumper)
				atomic_fetch_add(&sh->dumps, 1);
		}
		/* Now and then a worker dies mid-call, killed. */
		if (!C.det && C.procs > 1 && !C.iterations && feat(F_KILL) &&
		    now_ns() >= next_kill) {
			next_kill = now_ns() + 100000000ULL;
			if (pct(&r, 2)) {
				i = rn(&r, C.procs);
				if (w[i] > 0) {
					atomic_store(&sh->worker_killed[i], 1);
					kill(w[i], SIGKILL);
					atomic_fetch_add(&sh->kills, 1);
				}
			}
		}
	}
	kill_children_of(getpid());
	while ((pid = waitpid(-1, &st, 0)) > 0)
		if (pid != dumper)
			check_status(pid, st, "orphaned child");
	_exit(0);
}

/* ---- The controller --------------------------------------------------------- */

static long mp_count(const char *what)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/misc/mach/%s", what);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Print up to @max_lines of @path; returns the lines printed. */
static int print_file(const char *path, const char *prefix, int max_lines)
{
	char line[256];
	FILE *f = fopen(path, "re");
	int n = 0;

	if (!f)
		return 0;
	while (n < max_lines && fgets(line, sizeof(line), f)) {
		printf("%s%s", prefix, line);
		n++;
	}
	fclose(f);
	return n;
}

/* Where every task of the run is, for a hang report. */
static void dump_group(pid_t pgid)
{
	static int pids[65536], tids[4096];
	char path[128], state;
	int n, m, i, j, k;

	n = list_pids("/proc", pids, 65536);
	for (i = 0; i < n; i++) {
		if (getpgid(pids[i]) != pgid)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task", pids[i]);
		m = list_pids(path, tids, 4096);
		for (j = 0; j < m; j++) {
			state = '?';
			snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pids[i], tids[j]);
			stat_field(path, 1, &state);
			printf("#   pid %d tid %d state %c\n", pids[i], tids[j], state);
			if (state == 'Z')
				continue;
			snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", pids[i], tids[j]);
			print_file(path, "#     syscall: ", 1);
			/* A running task shows no stack: look a few times. */
			for (k = 0; k < 5; k++) {
				snprintf(path, sizeof(path), "/proc/%d/task/%d/stack",
					 pids[i], tids[j]);
				if (print_file(path, "#     ", 24))
					break;
				sleep_ms(100);
			}
		}
	}
}

/* Is the thread still there (not exiting, not a zombie)? */
static bool thread_alive(int pid, int tid)
{
	char path[96], state = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	if (stat_field(path, 1, &state) < 0)
		return false;
	return state != 'Z' && state != 'X' && state != 'x';
}

/* Ask the registry for every name of the run: it forgets the dead ones. */
static void sweep_names(void)
{
	struct machport_port_allocate pa = { .right = MACHPORT_RIGHT_RECEIVE };
	struct machport_special_port sp = { .which = MACHPORT_TASK_BOOTSTRAP_PORT };
	struct bs_simple req;
	uint8_t reply[256];
	struct machport_msg a;
	int fd, k;

	fd = open("/dev/" MACHPORT_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	if (ioctl(fd, MACHPORT_IOC_GET_SPECIAL, &sp) || !sp.name ||
	    ioctl(fd, MACHPORT_IOC_PORT_ALLOCATE, &pa))
		goto out;
	for (k = 0; k < POOL; k++) {
		memset(&req, 0, sizeof(req));
		req.h.bits = MACHPORT_MSG_TYPE_COPY_SEND |
			     MACHPORT_MSG_TYPE_MAKE_SEND_ONCE << 8;
		req.h.remote_port = sp.name;
		req.h.local_port = pa.name;
		req.h.id = MACHPORT_BOOTSTRAP_MSG_LOOK_UP;
		memcpy(req.ndr, ndr_record, 8);
		pool_name(req.name, k);
		memset(&a, 0, sizeof(a));
		a.send_msg = (uintptr_t)&req;
		a.send_size = sizeof(req);
		a.rcv_msg = (uintptr_t)reply;
		a.rcv_size = sizeof(reply);
		a.rcv_name = pa.name;
		a.option = MACHPORT_SEND_MSG | MACHPORT_RCV_MSG | MACHPORT_RCV_TIMEOUT;
		a.timeout = 100;
		ioctl(fd, MACHPORT_IOC_MSG, &a);
	}
out:
	close(fd);	/* whatever it got goes with the space */
}

struct result {
	bool ok, complete;
	uint64_t hash;
	double secs;
	uint64_t iterations, ioctls, procs, kills;
	char why[2100];
};

static void run_case(struct result *res)
{
	uint64_t t0 = now_ns(), hang_ns = (uint64_t)(C.hang * 1e9), stop_at = 0;
	uint64_t last_ioctls = 0, last_progress = t0;
	long sp0, po0, sp = 0, po = 0;
	int st = 0, i;
	pid_t leader;
	bool hung = false;

	memset(res, 0, sizeof(*res));
	memset(sh, 0, sizeof(*sh));
	C.det = C.procs == 1 && C.threads == 1;
	C.deadline = C.seconds > 0 ? t0 + (uint64_t)(C.seconds * 1e9) : 0;
	C.leader_fd = -1;
	sp0 = mp_count("spaces");
	po0 = mp_count("ports");
	fflush(stdout);
	leader = fork();
	if (leader == 0) {
		setpgid(0, 0);
		leader_main();
		_exit(0);
	}
	if (leader < 0) {
		snprintf(res->why, sizeof(res->why), "fork: %s", strerror(errno));
		return;
	}
	setpgid(leader, leader);
	for (;;) {
		uint64_t now;

		if (waitpid(leader, &st, WNOHANG) == leader)
			break;
		sleep_ms(50);
		now = now_ns();
		if (atomic_load(&sh->stop) && !stop_at)
			stop_at = now;
		for (i = 0; i < NSLOTS && !hung; i++) {
			struct slot *s = &sh->slots[i];
			int op = atomic_load(&s->op);

			uint64_t since = atomic_load(&s->since);

			/* (since may be newer than now: it changes meanwhile.) */
			if (!atomic_load(&s->active) || op < 0 || since >= now ||
			    now - since < hang_ns)
				continue;
			/* A thread of a process that died: the run's end catches that. */
			if (!thread_alive(atomic_load(&s->pid), atomic_load(&s->tid)))
				continue;
			failf("hang: %s made no progress for %.0f s (pid %d tid %d)",
			      op_names[op], C.hang, atomic_load(&s->pid),
			      atomic_load(&s->tid));
			hung = true;
		}
		if (atomic_load(&sh->ioctls) != last_ioctls) {
			last_ioctls = atomic_load(&sh->ioctls);
			last_progress = now;
		}
		if (!hung && now - last_progress > hang_ns) {
			failf("hang: no ioctl answered for %.0f s, and the run is not over",
			      C.hang);
			hung = true;
		}
		if (!hung && C.deadline && now > C.deadline + hang_ns) {
			failf("hang: the run did not end %.0f s after its time box", C.hang);
			hung = true;
		}
		if (!hung && stop_at && now - stop_at > hang_ns) {
			failf("hang: the run did not stop %.0f s after it was told to", C.hang);
			hung = true;
		}
		if (hung) {
			printf("# tasks of the run, with their kernel stacks:\n");
			dump_group(leader);
			fflush(stdout);
			kill(-leader, SIGKILL);
			waitpid(leader, &st, 0);
			break;
		}
	}
	kill(-leader, SIGKILL);		/* anything left in the group */
	if (!hung && WIFSIGNALED(st))
		failf("leader killed by signal %d", WTERMSIG(st));
	res->complete = !C.deadline || now_ns() < C.deadline;
	/* Every object of the run must go with its processes. */
	if (!C.newns)
		sweep_names();
	for (i = 0; i < 200; i++) {
		sp = mp_count("spaces");
		po = mp_count("ports");
		if (sp == sp0 && po == po0)
			break;
		sleep_ms(50);
	}
	if (!hung && (sp != sp0 || po != po0))
		failf("leak: %ld spaces and %ld ports before, %ld and %ld after",
		      sp0, po0, sp, po);
	res->ok = !atomic_load(&sh->failed);
	if (!res->ok)
		snprintf(res->why, sizeof(res->why), "%s", sh->failmsg);
	res->hash = atomic_load(&sh->slots[0].hash);
	res->complete = res->complete && C.iterations &&
			atomic_load(&sh->slots[0].done) == C.iterations;
	res->secs = (now_ns() - t0) / 1e9;
	res->iterations = atomic_load(&sh->iterations);
	res->ioctls = atomic_load(&sh->ioctls);
	res->procs = atomic_load(&sh->procs);
	res->kills = atomic_load(&sh->kills);
}

/* ---- main --------------------------------------------------------------------- */

static uint64_t tot_iterations, tot_ioctls, tot_procs, tot_kills;
static int case_no, failures;

static void replay_cmd(char *buf, size_t len)
{
	int n, i;

	n = snprintf(buf, len, "%s --seed %" PRIu64, C.argv0, C.seed);
	if (C.iterations)
		n += snprintf(buf + n, len - n, " --iterations %ld", C.iterations);
	if (C.seconds > 0)
		n += snprintf(buf + n, len - n, " --seconds %g", C.seconds);
	n += snprintf(buf + n, len - n, " --procs %d --threads %d", C.procs, C.threads);
	for (i = 0; i < NOPS + NFEATS; i++)
		if (C.avoid & (1ULL << i))
			n += snprintf(buf + n, len - n, " --avoid %s",
				      i < NOPS ? op_names[i] : feat_names[i - NOPS]);
}

static void report(struct result *res, const char *what)
{
	char replay[512];

	case_no++;
	tot_iterations += res->iterations;
	tot_ioctls += res->ioctls;
	tot_procs += res->procs;
	tot_kills += res->kills;
	replay_cmd(replay, sizeof(replay));
	if (res->ok) {
		printf("ok %d %sseed=%" PRIu64 " procs=%d threads=%d iterations=%" PRIu64
		       " ioctls=%" PRIu64 " sent=%" PRIu64 " received=%" PRIu64
		       " %.1fs%s", case_no, what, C.seed, C.procs, C.threads,
		       res->iterations, res->ioctls, (uint64_t)atomic_load(&sh->sent),
		       (uint64_t)atomic_load(&sh->received), res->secs,
		       C.newns ? " new-ipc-ns" : "");
		if (C.det)
			printf(" hash=%016" PRIx64, res->hash);
		printf("\n");
	} else {
		failures++;
		printf("not ok %d %sseed=%" PRIu64 " procs=%d threads=%d replay: %s # %s\n",
		       case_no, what, C.seed, C.procs, C.threads, replay, res->why);
	}
	if (C.verbose) {
		int i;

		printf("#   %-16s %8s %8s\n", "operation", "runs", "ioctls=0");
		for (i = 0; i < NOPS; i++)
			printf("#   %-16s %8" PRIu64 " %8" PRIu64 "\n", op_names[i],
			       (uint64_t)atomic_load(&sh->op_calls[i]),
			       (uint64_t)atomic_load(&sh->op_success[i]));
		for (i = 0; i < 16; i++)
			printf("#   %-44s %8" PRIu64 "\n", cov_names[i],
			       (uint64_t)atomic_load(&sh->cov[i]));
		printf("#   messages checked %" PRIu64 ", forks %" PRIu64 ", kills %" PRIu64
		       ", lsmp dumps %" PRIu64 "\n",
		       (uint64_t)atomic_load(&sh->verified),
		       (uint64_t)atomic_load(&sh->forks), res->kills,
		       (uint64_t)atomic_load(&sh->dumps));
	}
	fflush(stdout);
}

static int parse_avoid(const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	int i;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NOPS; i++)
			if (!strcmp(tok, op_names[i]))
				break;
		if (i == NOPS) {
			for (i = 0; i < NFEATS; i++)
				if (!strcmp(tok, feat_names[i]))
					break;
			if (i == NFEATS) {
				fprintf(stderr, "fuzz: --avoid %s: no such operation or feature\n", tok);
				free(copy);
				return -1;
			}
			i += NOPS;
		}
		C.avoid |= 1ULL << i;
	}
	free(copy);
	return 0;
}

static void usage(void)
{
	int i;

	printf("usage: fuzz [--seed N] [--iterations M] [--seconds S] [--procs P] [--threads T]\n"
	       "            [--avoid OP[,OP...]] [--hang S] [--verbose]\n"
	       "Without --seed: the selftest (fixed seeds, a determinism check, then a\n"
	       "random seed until --seconds, default 75, have passed in all).\n"
	       "Operations and features --avoid knows:\n ");
	for (i = 0; i < NOPS; i++)
		printf(" %s", op_names[i]);
	printf("\n ");
	for (i = 0; i < NFEATS; i++)
		printf(" %s", feat_names[i]);
	printf("\n");
}

static void set_run(uint64_t seed, long iterations, double seconds, int procs,
		    int threads)
{
	C.seed = seed;
	C.iterations = iterations;
	C.seconds = seconds;
	C.procs = procs;
	C.threads = threads;
	/* Odd seeds run in a fresh IPC namespace (if we may make one). */
	C.newns = feat(F_NEWNS) && (seed & 1);
}

int main(int argc, char **argv)
{
	bool have_seed = false, have_iter = false;
	long iterations = 0;
	double seconds = 0;
	int procs = 2, threads = 2, i;
	uint64_t seed = 0;
	struct result res;

	C.argv0 = argv[0];
	C.hang = 60;
	{
		char exe[400];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		char *slash;

		if (n > 0) {
			exe[n] = 0;
			slash = strrchr(exe, '/');
			if (slash) {
				*slash = 0;
				snprintf(C.lsmp, sizeof(C.lsmp), "%s/lsmp", exe);
				if (access(C.lsmp, X_OK))
					C.lsmp[0] = 0;
			}
		}
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			C.verbose = 1;
			continue;
		}
		if (!strcmp(a, "--trace")) {
			C.trace = 1;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage();
			return 0;
		}
		if (!v) {
			usage();
			return 2;
		}
		i++;
		if (!strcmp(a, "--seed")) {
			seed = strtoull(v, NULL, 0);
			have_seed = true;
		} else if (!strcmp(a, "--iterations")) {
			iterations = strtol(v, NULL, 0);
			have_iter = true;
		} else if (!strcmp(a, "--seconds")) {
			seconds = strtod(v, NULL);
		} else if (!strcmp(a, "--procs")) {
			procs = atoi(v);
		} else if (!strcmp(a, "--threads")) {
			threads = atoi(v);
		} else if (!strcmp(a, "--hang")) {
			C.hang = strtod(v, NULL);
		} else if (!strcmp(a, "--avoid")) {
			if (parse_avoid(v))
				return 2;
		} else {
			usage();
			return 2;
		}
	}
	if (procs < 1 || procs > MAX_PROCS || threads < 1 || threads > MAX_THREADS) {
		fprintf(stderr, "fuzz: --procs and --threads are 1..%d\n", MAX_PROCS);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	if (access("/dev/" MACHPORT_DEVICE_NAME, R_OK | W_OK) || mp_count("ports") < 0) {
		printf("1..1\nok 1 fuzz # SKIP /dev/%s or its counters are missing\n",
		       MACHPORT_DEVICE_NAME);
		return 0;
	}
	if (have_seed || have_iter) {
		if (!have_iter && seconds <= 0)
			iterations = 1000;
		set_run(have_seed ? seed : (uint64_t)time(NULL), iterations, seconds,
			procs, threads);
		printf("1..1\n");
		run_case(&res);
		report(&res, "");
	} else {
		/* The selftest: fixed seeds, then a random one in the time left. */
		static const struct { int procs, threads; long iters; } plan[] = {
			{ 1, 1, 300 }, { 2, 2, 150 }, { 3, 2, 120 }, { 2, 3, 120 },
			{ 1, 1, 400 }, { 4, 2, 80 }, { 1, 3, 150 }, { 3, 3, 80 },
		};
		double budget = seconds > 0 ? seconds : 75, cap;
		uint64_t start = now_ns(), hash1;
		bool complete1;

		printf("1..%zu\n", sizeof(plan) / sizeof(plan[0]) + 2);
		for (i = 0; i < (int)(sizeof(plan) / sizeof(plan[0])); i++) {
			cap = budget / 10 > 5 ? budget / 10 : 5;
			set_run(i + 1, plan[i].iters, cap, plan[i].procs, plan[i].threads);
			run_case(&res);
			report(&res, "");
			if (i == 0) {
				hash1 = res.hash;
				complete1 = res.complete && res.ok;
				/* The same seed again, alone: the same answers. */
				run_case(&res);
				if (res.ok && complete1 && res.complete && res.hash != hash1) {
					res.ok = false;
					snprintf(res.why, sizeof(res.why),
						 "not deterministic: hash %016" PRIx64 " then %016" PRIx64,
						 hash1, res.hash);
				}
				report(&res, "determinism ");
			}
		}
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
		cap = budget - (now_ns() - start) / 1e9;
		if (cap < 10)
			cap = 10;
		{
			struct rng r;

			rng_init(&r, seed, 0, 0, 0);
			set_run(seed % 1000000007ULL, 0, cap, 2 + rn(&r, 3), 2 + rn(&r, 2));
		}
		run_case(&res);
		report(&res, "random ");
	}
	printf("fuzz: %" PRIu64 " iterations, %" PRIu64 " ioctls, %" PRIu64
	       " processes, %" PRIu64 " kills\n", tot_iterations, tot_ioctls,
	       tot_procs, tot_kills);
	return failures ? 1 : 0;
}
