// SPDX-License-Identifier: MIT
/* machport-bench: small helpers shared by the peers and the driver. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "machport-bench[%d]: ", (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	_exit(1);
}

/* Progress, on stderr (the host script shows it while the VM runs). */
void note(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int ncpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

/* cpu < 0: any CPU. */
void pin_cpu(pid_t pid, int cpu)
{
	cpu_set_t set;
	int i, n = (int)sysconf(_SC_NPROCESSORS_ONLN);

	CPU_ZERO(&set);
	if (cpu < 0) {
		for (i = 0; i < n; i++)
			CPU_SET(i, &set);
	} else {
		CPU_SET(cpu % n, &set);
	}
	if (sched_setaffinity(pid, sizeof(set), &set))
		die("sched_setaffinity(%d, %d): %s", (int)pid, cpu, strerror(errno));
}

int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void *xmalloc(size_t n)
{
	void *p = aligned_alloc(4096, (n + 4095) & ~(size_t)4095);

	if (!p)
		die("out of memory (%zu bytes)", n);
	memset(p, 0x5a, n);
	return p;
}

/* Default send and receive buffers (a peer may point them elsewhere). */
void chan_buffers(struct chan *c)
{
	if (!c->sbuf)
		c->sbuf = xmalloc(MAX_PAYLOAD);
	if (!c->rbuf)
		c->rbuf = xmalloc(MAX_PAYLOAD);
}

/* One byte on a control pipe. */
int sync_signal(int fd)
{
	char b = 1;

	return write_full(fd, &b, 1);
}

int sync_wait(int fd)
{
	char b;

	return read_full(fd, &b, 1);
}

/* The limits write_proc() may raise, put back by restore_proc() at exit. */
static const char *const tunables[] = {
	"/proc/sys/net/unix/max_dgram_qlen",
	"/proc/sys/fs/mqueue/msg_max",
	"/proc/sys/kernel/msgmnb",
};
#define NTUNABLES	(sizeof(tunables) / sizeof(tunables[0]))
static char saved[NTUNABLES][32];

void save_proc(void)
{
	size_t i;

	for (i = 0; i < NTUNABLES; i++) {
		int fd = open(tunables[i], O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, saved[i], sizeof(saved[i]) - 1);

		saved[i][n > 0 ? n : 0] = 0;
		if (fd >= 0)
			close(fd);
	}
}

void restore_proc(void)
{
	size_t i;

	for (i = 0; i < NTUNABLES; i++)
		if (saved[i][0])
			write_proc(tunables[i], saved[i]);
}

/*
 * Raise a system limit for the peers (or join a cgroup). Only on a
 * machine with the module loaded, i.e. a test machine such as the VM:
 * never a surprise on a workstation where the program is run by hand.
 */
void write_proc(const char *path, const char *value)
{
	int fd;

	if (access("/dev/mach", F_OK))
		return;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, value, strlen(value)) < 0)
		note("cannot write %s to %s: %s", value, path, strerror(errno));
	close(fd);
}

/*
 * The harness's own signals (go, done) between processes: a counter in
 * shared memory and a futex. Not a pipe: in the VM, a wake-up that a
 * pipe sends while holding its wait queue's lock costs milliseconds
 * across CPUs (Documentation/benchmarks.md), and the harness must not
 * add that to what it measures.
 */
struct mbox *mbox_new(void)
{
	struct mbox *m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	memset(m, 0, sizeof(*m));
	return m;
}

void mbox_post(struct mbox *m, uint64_t value)
{
	atomic_store(&m->value, value);
	atomic_fetch_add(&m->seq, 1);
	syscall(SYS_futex, &m->seq, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* A process that died before it should: killed, or exited with a failure. */
static bool failed(const pid_t *pids, int n)
{
	int i, status;

	for (i = 0; i < n; i++)
		if (pids[i] > 0 && waitpid(pids[i], &status, WNOHANG) == pids[i] &&
		    !(WIFEXITED(status) && !WEXITSTATUS(status)))
			return true;
	return false;
}

/*
 * Wait until @target posts in all; -1 when one of the @n processes in
 * @pids has failed meanwhile (checked every second).
 */
int mbox_wait(struct mbox *m, uint32_t target, const pid_t *pids, int n)
{
	struct timespec ts = { 1, 0 };
	uint32_t s;

	while ((s = atomic_load(&m->seq)) != target) {
		if (syscall(SYS_futex, &m->seq, FUTEX_WAIT, s, &ts, NULL, 0) &&
		    errno == ETIMEDOUT && failed(pids, n))
			return -1;
	}
	return 0;
}
