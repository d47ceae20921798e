// SPDX-License-Identifier: MIT
/*
 * What an out-of-line transfer costs per MiB, next to memcpy of the same
 * bytes: send + receive of one OOL region (sender and receiver in one
 * process, so only the kernel's work is timed), touching every received
 * page, versus memcpy into fresh memory touching every page.
 * Usage: oolcost [MiB...]   (default: 1 16 64)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mach/mach.h>

struct ool_msg {
	mach_msg_header_t header;
	mach_msg_body_t body;
	mach_msg_ool_descriptor_t ool;
};

struct rcv_msg {
	struct ool_msg m;
	mach_msg_max_trailer_t trailer;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double ool_once(mach_port_t port, void *buf, size_t size)
{
	struct ool_msg m = { 0 };
	struct rcv_msg r;
	volatile unsigned char sink = 0;
	double t0 = now();
	size_t i;

	m.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) |
			     MACH_MSGH_BITS_COMPLEX;
	m.header.msgh_remote_port = port;
	m.body.msgh_descriptor_count = 1;
	m.ool.address = buf;
	m.ool.size = (mach_msg_size_t)size;
	m.ool.copy = MACH_MSG_VIRTUAL_COPY;
	m.ool.type = MACH_MSG_OOL_DESCRIPTOR;
	if (mach_msg(&m.header, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0) ||
	    mach_msg(&r.m.header, MACH_RCV_MSG, 0, sizeof(r), port, 0, 0)) {
		fprintf(stderr, "oolcost: mach_msg failed\n");
		exit(1);
	}
	for (i = 0; i < size; i += 4096)
		sink += ((unsigned char *)r.m.ool.address)[i];
	t0 = now() - t0;
	vm_deallocate(mach_task_self(), (vm_address_t)r.m.ool.address, size);
	return t0;
}

/* memcpy into fresh memory, as a receiver would get it, pages touched. */
static double memcpy_once(void *src, size_t size)
{
	volatile unsigned char sink = 0;
	vm_address_t dst = 0;
	double t0 = now();
	size_t i;

	vm_allocate(mach_task_self(), &dst, size, VM_FLAGS_ANYWHERE);
	memcpy((void *)dst, src, size);
	for (i = 0; i < size; i += 4096)
		sink += ((volatile unsigned char *)dst)[i];
	t0 = now() - t0;
	vm_deallocate(mach_task_self(), dst, size);
	return t0;
}

int main(int argc, char **argv)
{
	int sizes[] = { 1, 16, 64 }, n = 3, i, k, rounds = 5;
	mach_port_t port;

	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &port);
	if (argc > 1)
		n = argc - 1;
	printf("%8s %14s %14s %8s\n", "MiB", "OOL ms/MiB", "memcpy ms/MiB", "ratio");
	for (i = 0; i < n; i++) {
		size_t mib = argc > 1 ? (size_t)atoi(argv[i + 1]) : (size_t)sizes[i];
		size_t size = mib << 20;
		void *buf = malloc(size);
		double ool = 1e9, cpy = 1e9;

		memset(buf, 1, size);
		for (k = 0; k < rounds; k++) {
			double a = ool_once(port, buf, size);
			double b = memcpy_once(buf, size);

			ool = a < ool ? a : ool;
			cpy = b < cpy ? b : cpy;
		}
		printf("%8zu %14.3f %14.3f %8.2f\n", mib, ool * 1e3 / mib,
		       cpy * 1e3 / mib, ool / cpy);
		free(buf);
	}
	return 0;
}
