// SPDX-License-Identifier: GPL-2.0
/*
 * Module-wide message counters (see stats.h); object counts live in
 * mp_stats (machport.h).
 */
#include <linux/cpumask.h>
#include <linux/string.h>

#include "stats.h"

DEFINE_PER_CPU(struct mp_pcpu_stats, mp_pcpu_stats);

void mp_stats_sum(struct mp_pcpu_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		struct mp_pcpu_stats *s = per_cpu_ptr(&mp_pcpu_stats, cpu);

		sum->msgs_queued += READ_ONCE(s->msgs_queued);
		sum->bytes_queued += READ_ONCE(s->bytes_queued);
		sum->msgs_sent += READ_ONCE(s->msgs_sent);
		sum->notifications += READ_ONCE(s->notifications);
	}
}
