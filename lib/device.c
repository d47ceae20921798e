// SPDX-License-Identifier: MIT
/*
 * The per-process descriptor for /dev/mach.
 *
 * Opened on first use with O_CLOEXEC. The kernel ties an IPC space to the
 * process that opened it, so after fork() the child must open its own:
 * a pthread_atfork() handler forgets the parent's descriptor in the child,
 * and a call that still reaches the parent's space (EPERM, after a fork
 * the handler did not see) reopens and retries.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

static atomic_int dev_fd = -1;
static atomic_uint fork_generation;

unsigned int mp_fork_generation(void)
{
	return atomic_load_explicit(&fork_generation, memory_order_relaxed);
}
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void forget_in_child(void)
{
	int fd = atomic_exchange(&dev_fd, -1);

	atomic_fetch_add(&fork_generation, 1);
	/* Closing the parent's descriptor in the child leaves its space. */
	if (fd >= 0)
		close(fd);
}

/*
 * In a forked child: open the child's own space at once and let it
 * inherit the parent's special ports (the bootstrap port...) through the
 * descriptor the child inherited, then drop that descriptor.
 */
static void start_child_space(void)
{
	int parent = atomic_exchange(&dev_fd, -1);
	struct machport_inherit in = { .parent_fd = parent };
	int fd;

	atomic_fetch_add(&fork_generation, 1);
	if (parent < 0)
		return;
	fd = open("/dev/" MACHPORT_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		ioctl(fd, MACHPORT_IOC_INHERIT, &in);
		atomic_store(&dev_fd, fd);
	}
	close(parent);
	mp_bootstrap_after_fork();
}

int mp_device_present(void)
{
	return access("/dev/" MACHPORT_DEVICE_NAME, R_OK | W_OK) == 0;
}

static void install_atfork(void)
{
	pthread_atfork(NULL, NULL, start_child_space);
}

static void report_open_failure(int err)
{
	static atomic_flag reported = ATOMIC_FLAG_INIT;

	if (getenv("MACHPORT_QUIET") || atomic_flag_test_and_set(&reported))
		return;
	fprintf(stderr, "libmachport: cannot open /dev/%s: %s%s\n",
		MACHPORT_DEVICE_NAME, strerror(err),
		err == ENOENT ? " (is the machport module loaded?)" : "");
}

static int open_device(void)
{
	int fd, expected = -1;

	pthread_once(&atfork_once, install_atfork);
	fd = open("/dev/" MACHPORT_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		report_open_failure(errno);
		return -1;
	}
	if (ioctl(fd, MACHPORT_IOC_VERSION) != MACHPORT_ABI_VERSION) {
		fprintf(stderr, "libmachport: /dev/%s speaks ABI %d, the library %d\n",
			MACHPORT_DEVICE_NAME, ioctl(fd, MACHPORT_IOC_VERSION),
			MACHPORT_ABI_VERSION);
		close(fd);
		return -1;
	}
	/* Another thread may have opened it meanwhile: keep theirs. */
	if (!atomic_compare_exchange_strong(&dev_fd, &expected, fd)) {
		close(fd);
		return expected;
	}
	return fd;
}

static int device_fd(void)
{
	int fd = atomic_load_explicit(&dev_fd, memory_order_acquire);

	return fd >= 0 ? fd : open_device();
}

static kern_return_t errno_to_kr(int err, kern_return_t fault_kr)
{
	switch (err) {
	case EFAULT:
		return fault_kr;
	case ENOMEM:
		return KERN_RESOURCE_SHORTAGE;
	case EINTR:
		return KERN_ABORTED;
	default:
		return KERN_FAILURE;
	}
}

kern_return_t mp_ioctl(unsigned long cmd, void *arg, kern_return_t fault_kr)
{
	int fd, ret, tries = 0;

	do {
		fd = device_fd();
		if (fd < 0)
			return KERN_FAILURE;
		ret = ioctl(fd, cmd, arg);
		if (ret >= 0)
			return ret;
		if (errno != EPERM)
			return errno_to_kr(errno, fault_kr);
		/* The descriptor is a parent's: start this process's own. */
		forget_in_child();
	} while (++tries < 2);
	return KERN_FAILURE;
}
