/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel versions machport supports (6.1 LTS
 * to the newest) lives here and nowhere else. Each entry says which API
 * changed, in which release, and what we use instead.
 */
#ifndef MACHPORT_COMPAT_H
#define MACHPORT_COMPAT_H

#include <linux/version.h>

#endif /* MACHPORT_COMPAT_H */
