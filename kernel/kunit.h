/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the KUnit suites (kernel/kunit*.c) share. They are built only when
 * the target kernel has CONFIG_KUNIT and run when the module loads.
 */
#ifndef MACHPORT_KUNIT_H
#define MACHPORT_KUNIT_H

#include <kunit/test.h>
#include <linux/types.h>

struct mp_kmsg;
struct mp_port;
struct mp_pset;
struct mp_space;

/* A port's counters, read together under its lock. */
struct mp_kunit_counts {
	bool active;
	u32 msgcount;
	u32 seqno;
	u32 mscount;
	u32 qlimit;
	u32 srights;
	u32 sorights;
};

/* What mp_kunit_receive() got. */
struct mp_kunit_rcv {
	int ret;
	s32 id;
	u32 seqno;
	u32 local_name;
	u32 too_large_size;
};

int mp_kunit_suite_init(struct kunit_suite *suite);
void mp_kunit_suite_exit(struct kunit_suite *suite);
struct mp_space *mp_kunit_space(struct kunit *test);
struct mp_port *mp_kunit_port(struct kunit *test, struct mp_space *space,
			      u32 *name);
struct mp_pset *mp_kunit_set(struct kunit *test, struct mp_space *space,
			     u32 *name);
void mp_kunit_counts(struct mp_port *port, struct mp_kunit_counts *c);
struct mp_kmsg *mp_kunit_msg(struct mp_port *port, u32 msgt, s32 id, u32 size);
int mp_kunit_send(struct mp_port *port, u32 msgt, s32 id, u32 size);
int mp_kunit_receive(struct mp_space *space, u32 name, u32 max_size,
		     u32 option, struct mp_kunit_rcv *out);

#endif /* MACHPORT_KUNIT_H */
