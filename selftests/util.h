/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the selftests. */
#ifndef MACHPORT_SELFTEST_UTIL_H
#define MACHPORT_SELFTEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>

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

#endif
