/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MACHPORT_STATS_H
#define MACHPORT_STATS_H

#include <linux/percpu.h>
#include <linux/types.h>

/*
 * Message counters, per CPU so that the message path touches no shared
 * cache line; summed only when read (introspection). Queued counts go up
 * on one CPU and down on another, so a single CPU's value may be
 * negative: only the sum means anything.
 */
struct mp_pcpu_stats {
	s64 msgs_queued;
	s64 bytes_queued;
	u64 msgs_sent;
	u64 notifications;
};

DECLARE_PER_CPU(struct mp_pcpu_stats, mp_pcpu_stats);

#define mp_stat_add(field, n)	this_cpu_add(mp_pcpu_stats.field, (n))

void mp_stats_sum(struct mp_pcpu_stats *sum);

#endif /* MACHPORT_STATS_H */
