/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the selftests. */
#ifndef MACHPORT_SELFTEST_UTIL_H
#define MACHPORT_SELFTEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mach/mach.h>

/* A module-wide count from /sys/class/misc/mach/ (spaces, ports). */
static inline long mp_count(const char *what)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/misc/mach/%s", what);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

#define KR_EQ(expected, call) ASSERT_EQ((kern_return_t)(expected), (call))

/*
 * The id of the next message queued on @port (taken off the queue and
 * destroyed), or -1 if there is none. A send-once right destroyed unused
 * announces itself on its port with MACH_NOTIFY_SEND_ONCE (0107 = 71).
 */
static inline int mp_next_id(mach_port_t port)
{
	struct {
		mach_msg_header_t h;
		char body[1024];
	} m;

	if (mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), port,
		     0, MACH_PORT_NULL) != MACH_MSG_SUCCESS)
		return -1;
	mach_msg_destroy(&m.h);
	return m.h.msgh_id;
}

#define SEND_ONCE_NOTE 0107

/* A new receive right, or MACH_PORT_NULL. */
static inline mach_port_t new_port(void)
{
	mach_port_t p = MACH_PORT_NULL;

	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &p))
		return MACH_PORT_NULL;
	return p;
}

/* A name's MACH_PORT_TYPE_* bits, or ~0 when the name is not there. */
static inline mach_port_type_t type_of(mach_port_t name)
{
	mach_port_type_t t = 0;

	if (mach_port_type(mach_task_self(), name, &t) != KERN_SUCCESS)
		return ~0u;
	return t;
}

/* A receive right's status; all ones when there is none. */
static inline mach_port_status_t status_of(mach_port_t p)
{
	mach_port_status_t st;
	mach_msg_type_number_t n = MACH_PORT_RECEIVE_STATUS_COUNT;

	memset(&st, 0xff, sizeof(st));
	mach_port_get_attributes(mach_task_self(), p, MACH_PORT_RECEIVE_STATUS,
				 (mach_port_info_t)&st, &n);
	return st;
}

/*
 * Wait until the thread whose id *tidp holds (it stores gettid() there
 * before blocking) sleeps in the kernel, then a little more: a test that
 * acts on a blocked receiver or sender must not race with it getting
 * there, however slow the machine.
 */
static inline void mp_wait_blocked(volatile int *tidp)
{
	char path[64], buf[512], *p;
	int i;

	for (i = 0; i < 2000; i++) {
		FILE *f;
		size_t n;

		if (*tidp) {
			snprintf(path, sizeof(path), "/proc/self/task/%d/stat", *tidp);
			f = fopen(path, "r");
			if (f) {
				n = fread(buf, 1, sizeof(buf) - 1, f);
				fclose(f);
				buf[n] = 0;
				p = strrchr(buf, ')');
				if (p && p[1] == ' ' && p[2] == 'S')
					break;
			}
		}
		usleep(5000);
	}
	usleep(20000);
}

#endif
