// SPDX-License-Identifier: MIT
/*
 * machport-bench: kernel memory per object. A child process moves into
 * its own memory cgroup (cgroup2 at /sys/fs/cgroup), creates many objects
 * and reports the growth of memory.stat "slab" (slab objects) and
 * "kernel" (all kernel memory charged: slab, pages, vmalloc) divided by
 * the count. The module's allocations are GFP_KERNEL_ACCOUNT, as are the
 * kernel's for pipes, sockets and message queues. Without a memory
 * controller, /proc/meminfo's Slab is used instead (noisier: it sees the
 * whole machine).
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mach/mach.h>

#include "bench.h"

#define CGROOT	"/sys/fs/cgroup"
#define CG	CGROOT "/machport-bench"

struct kmem {
	long long slab, kernel;
};

static bool use_memcg;

static long long stat_field(const char *path, const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, n) && (line[n] == ' ' || line[n] == ':')) {
			v = atoll(line + n + 1 + (line[n] == ':'));
			break;
		}
	}
	fclose(f);
	return v;
}

static struct kmem kmem_now(void)
{
	struct kmem k;

	if (use_memcg) {
		k.slab = stat_field(CG "/memory.stat", "slab");
		k.kernel = stat_field(CG "/memory.stat", "kernel");
	} else {
		/* kB, for the whole machine */
		k.slab = stat_field("/proc/meminfo", "Slab") * 1024;
		k.kernel = -1;
	}
	return k;
}

static bool memcg_was_on;

static bool memcg_setup(void)
{
	char ctl[256] = "";
	int fd;

	if (access(CGROOT "/cgroup.subtree_control", W_OK) || access("/dev/mach", F_OK))
		return false;
	fd = open(CGROOT "/cgroup.subtree_control", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, ctl, sizeof(ctl) - 1) < 0)
			ctl[0] = 0;
		close(fd);
	}
	memcg_was_on = strstr(ctl, "memory") != NULL;
	memset(ctl, 0, sizeof(ctl));
	write_proc(CGROOT "/cgroup.subtree_control", "+memory");
	if (mkdir(CG, 0755) && errno != EEXIST)
		return false;
	fd = open(CG "/cgroup.controllers", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (read(fd, ctl, sizeof(ctl) - 1) < 0)
		ctl[0] = 0;
	close(fd);
	return strstr(ctl, "memory") != NULL;
}

/* /proc/slabinfo: objects in use per cache, to say where the bytes go. */
#define MAX_CACHES	512
struct slabsnap {
	int n;
	struct {
		char name[64];
		long active, objsize;
	} c[MAX_CACHES];
};

static void slab_snapshot(struct slabsnap *s)
{
	char line[512];
	FILE *f = fopen("/proc/slabinfo", "re");

	s->n = 0;
	while (f && s->n < MAX_CACHES && fgets(line, sizeof(line), f)) {
		long active, total, objsize;
		char name[64];

		if (sscanf(line, "%63s %ld %ld %ld", name, &active, &total, &objsize) != 4)
			continue;
		snprintf(s->c[s->n].name, sizeof(s->c[s->n].name), "%s", name);
		s->c[s->n].active = active;
		s->c[s->n].objsize = objsize;
		s->n++;
	}
	if (f)
		fclose(f);
}

/* "cache objsize x objects-per-item" for caches that grew with the items */
static void slab_diff(const struct slabsnap *a, const struct slabsnap *b,
		      long n, char *out, size_t size)
{
	size_t used = 0;
	int i, j;

	out[0] = 0;
	for (i = 0; i < b->n; i++) {
		long before = 0;
		double per;

		for (j = 0; j < a->n; j++)
			if (!strcmp(a->c[j].name, b->c[i].name))
				before = a->c[j].active;
		per = (double)(b->c[i].active - before) / (double)n;
		if (per < 0.05 || used + 64 > size)
			continue;
		used += (size_t)snprintf(out + used, size - used, "%s%s %ld B x %.2f",
					 used ? ", " : "", b->c[i].name,
					 b->c[i].objsize, per);
	}
}

enum kind {
	K_PORT, K_PORT_MSG, K_PIPE, K_SOCKPAIR, K_EVENTFD, K_DGRAM_MSG,
	K_PIPE_MSG, K_PMQ_MSG, K_SYSV_MSG,
};

static void raise_nofile(long n)
{
	struct rlimit r = { (rlim_t)n, (rlim_t)n };

	setrlimit(RLIMIT_NOFILE, &r);
}

static void send_64(mach_port_t port)
{
	struct {
		mach_msg_header_t h;
		unsigned char payload[64];
	} m;
	mach_msg_return_t mr;

	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	m.h.msgh_remote_port = port;
	m.h.msgh_id = 4000;
	mr = mach_msg(&m.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(m), 0,
		      MACH_PORT_NULL, 0, MACH_PORT_NULL);
	if (mr)
		die("memory: mach_msg: %s", mach_error_string(mr));
}

/* Objects per queue for the queued-message kinds. */
#define PER_QUEUE	1000

/*
 * In the child: everything a kind needs that is not per object happens
 * before the first reading (the space, the queues); then @n objects.
 */
static void child(enum kind kind, long n, int out)
{
	long nq = (n + PER_QUEUE - 1) / PER_QUEUE, i;
	struct kmem a, b;
	mach_port_t *q = NULL, p;
	int *fds = NULL, fd[2];
	unsigned char msg[64];
	long long res[2];
	static struct slabsnap snap[2];
	char detail[sizeof(((struct memres *)0)->detail)];

	memset(msg, 0x11, sizeof(msg));
	if (use_memcg)
		write_proc(CG "/cgroup.procs", "0");
	raise_nofile(4 * n + 1024);
	fds = calloc((size_t)(2 * n + 2), sizeof(int));
	q = calloc((size_t)nq + 1, sizeof(*q));
	if (!fds || !q)
		die("memory: out of memory");
	/* the space exists before the first reading */
	if (kind == K_PORT || kind == K_PORT_MSG) {
		mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &p);
		mach_port_destroy(mach_task_self(), p);
	}
	switch (kind) {
	case K_PORT_MSG:
		for (i = 0; i < nq; i++) {
			mach_port_limits_t l = { .mpl_qlimit = MACH_PORT_QLIMIT_MAX };

			mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &q[i]);
			mach_port_insert_right(mach_task_self(), q[i], q[i],
					       MACH_MSG_TYPE_MAKE_SEND);
			mach_port_set_attributes(mach_task_self(), q[i],
						 MACH_PORT_LIMITS_INFO,
						 (mach_port_info_t)&l,
						 MACH_PORT_LIMITS_INFO_COUNT);
		}
		break;
	case K_DGRAM_MSG:
		write_proc("/proc/sys/net/unix/max_dgram_qlen", "4096");
		/* fall through */
	case K_PIPE_MSG:
		for (i = 0; i < nq; i++) {
			int size = 64 << 20;

			if (kind == K_PIPE_MSG) {
				if (pipe(fds + 2 * i))
					die("memory: pipe: %s", strerror(errno));
				fcntl(fds[2 * i + 1], F_SETPIPE_SZ, 1 << 20);
				continue;
			}
			if (socketpair(AF_UNIX, SOCK_DGRAM, 0, fds + 2 * i))
				die("memory: socketpair: %s", strerror(errno));
			setsockopt(fds[2 * i], SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size));
			setsockopt(fds[2 * i + 1], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
		}
		break;
	case K_PMQ_MSG: {
		struct mq_attr attr = { .mq_maxmsg = PER_QUEUE, .mq_msgsize = 64 };
		struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
		char name[64];

		setrlimit(RLIMIT_MSGQUEUE, &unlimited);
		write_proc("/proc/sys/fs/mqueue/msg_max", "4096");
		for (i = 0; i < nq; i++) {
			snprintf(name, sizeof(name), "/machport-bench-mem-%d-%ld",
				 (int)getpid(), i);
			fds[i] = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
			if (fds[i] < 0)
				die("memory: mq_open: %s", strerror(errno));
			mq_unlink(name);
		}
		break;
	}
	case K_SYSV_MSG:
		write_proc("/proc/sys/kernel/msgmnb", "16777216");
		for (i = 0; i < nq; i++) {
			struct msqid_ds ds;

			fds[i] = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
			if (fds[i] < 0 || msgctl(fds[i], IPC_STAT, &ds))
				die("memory: msgget: %s", strerror(errno));
			ds.msg_qbytes = 1 << 20;
			msgctl(fds[i], IPC_SET, &ds);
		}
		break;
	default:
		break;
	}
	if (kind == K_PORT || kind == K_PORT_MSG)
		slab_snapshot(&snap[0]);
	a = kmem_now();
	for (i = 0; i < n; i++) {
		switch (kind) {
		case K_PORT:
			if (mach_port_allocate(mach_task_self(),
					       MACH_PORT_RIGHT_RECEIVE, &p))
				die("memory: mach_port_allocate");
			break;
		case K_PORT_MSG:
			send_64(q[i / PER_QUEUE]);
			break;
		case K_PIPE:
			if (pipe(fd))
				die("memory: pipe: %s", strerror(errno));
			break;
		case K_SOCKPAIR:
			if (socketpair(AF_UNIX, SOCK_DGRAM, 0, fd))
				die("memory: socketpair: %s", strerror(errno));
			break;
		case K_EVENTFD:
			if (eventfd(0, 0) < 0)
				die("memory: eventfd: %s", strerror(errno));
			break;
		case K_DGRAM_MSG:
			if (send(fds[2 * (i / PER_QUEUE)], msg, 64, MSG_DONTWAIT) != 64)
				die("memory: send: %s", strerror(errno));
			break;
		case K_PIPE_MSG:
			if (write(fds[2 * (i / PER_QUEUE) + 1], msg, 64) != 64)
				die("memory: write: %s", strerror(errno));
			break;
		case K_PMQ_MSG:
			if (mq_send(fds[i / PER_QUEUE], (char *)msg, 64, 0))
				die("memory: mq_send: %s", strerror(errno));
			break;
		case K_SYSV_MSG: {
			struct {
				long type;
				unsigned char m[64];
			} sm = { .type = 1 };

			if (msgsnd(fds[i / PER_QUEUE], &sm, 64, IPC_NOWAIT))
				die("memory: msgsnd: %s", strerror(errno));
			break;
		}
		}
	}
	b = kmem_now();
	res[0] = b.slab - a.slab;
	res[1] = a.kernel < 0 || b.kernel < 0 ? -1 : b.kernel - a.kernel;
	detail[0] = 0;
	if (kind == K_PORT || kind == K_PORT_MSG) {
		slab_snapshot(&snap[1]);
		slab_diff(&snap[0], &snap[1], n, detail, sizeof(detail));
	}
	if (write_full(out, res, sizeof(res)) ||
	    write_full(out, detail, sizeof(detail)))
		die("memory: report");
	if (kind == K_SYSV_MSG)
		for (i = 0; i < nq; i++)
			msgctl(fds[i], IPC_RMID, NULL);
	_exit(0);
}

static bool measure(struct memres *r, const char *what, const char *peer,
		    enum kind kind, long n)
{
	long long res[2];
	int p[2], status;
	pid_t pid;

	r->what = what;
	r->peer = peer;
	r->count = n;
	r->source = use_memcg ? "memcg" : "meminfo";
	r->ok = false;
	if (pipe(p))
		return false;
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		close(p[0]);
		child(kind, n, p[1]);
	}
	close(p[1]);
	if (read_full(p[0], res, sizeof(res)) ||
	    read_full(p[0], r->detail, sizeof(r->detail)))
		res[0] = res[1] = -1;
	r->detail[sizeof(r->detail) - 1] = 0;
	close(p[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return false;
	r->slab_bytes = (double)res[0] / (double)n;
	r->kernel_bytes = res[1] < 0 ? -1 : (double)res[1] / (double)n;
	r->ok = true;
	return true;
}

/* Returns the number of results written to @out. */
int mem_measure(struct memres *out, int max, long nports, long nmsgs)
{
	static const struct {
		const char *what, *peer;
		enum kind kind;
		bool msgs;
	} kinds[] = {
		{ "idle port", "machport", K_PORT, false },
		{ "idle pipe", "pipe", K_PIPE, false },
		{ "idle socketpair", "unix-dgram", K_SOCKPAIR, false },
		{ "idle eventfd", "eventfd", K_EVENTFD, false },
		{ "queued 64 B message", "machport", K_PORT_MSG, true },
		{ "queued 64 B message", "pipe", K_PIPE_MSG, true },
		{ "queued 64 B message", "unix-dgram", K_DGRAM_MSG, true },
		{ "queued 64 B message", "posix-mq", K_PMQ_MSG, true },
		{ "queued 64 B message", "sysv-mq", K_SYSV_MSG, true },
	};
	int i, n = 0;

	use_memcg = memcg_setup();
	for (i = 0; i < (int)(sizeof(kinds) / sizeof(kinds[0])) && n < max; i++) {
		if (!strcmp(kinds[i].peer, "machport") && access("/dev/mach", F_OK))
			continue;
		measure(&out[n], kinds[i].what, kinds[i].peer, kinds[i].kind,
			kinds[i].msgs ? nmsgs : nports);
		n++;
	}
	if (use_memcg) {
		rmdir(CG);
		if (!memcg_was_on)
			write_proc(CGROOT "/cgroup.subtree_control", "-memory");
	}
	return n;
}
