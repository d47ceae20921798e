// SPDX-License-Identifier: MIT
/* machport-bench: small helpers shared by the peers and the driver. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
