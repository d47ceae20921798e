/* SPDX-License-Identifier: MIT */
/*
 * <mach/port.h> - port names, rights and port attributes.
 *
 * In userspace a port is known only by a 32-bit name that is local to the
 * task's IPC space.  A name may carry several rights to the same port
 * (send and receive coalesce under one name; each send-once right gets a
 * name of its own).  Values and layouts match macOS LP64.
 */
#ifndef LIBMACHPORT_MACH_PORT_H
#define LIBMACHPORT_MACH_PORT_H

#include <stdint.h>
#include <mach/boolean.h>
#include <mach/machine/vm_types.h>

/* ---- Names ------------------------------------------------------------ */

/* A bare name in some IPC space (no right implied). */
typedef natural_t mach_port_name_t;
typedef mach_port_name_t *mach_port_name_array_t;

/* A name that stands for a right the caller holds. */
typedef natural_t mach_port_t;
typedef mach_port_t *mach_port_array_t;

/*
 * MACH_PORT_NULL means "no port"; MACH_PORT_DEAD stands for a right whose
 * port has died.  Both may travel in messages.  MACH_PORT_NULL is a plain
 * 0 on purpose, so that it can be assigned to any of the port typedefs.
 */
#define MACH_PORT_NULL		0
#define MACH_PORT_DEAD		((mach_port_name_t)~0)
#define MACH_PORT_VALID(name) \
	(((name) != MACH_PORT_NULL) && ((name) != MACH_PORT_DEAD))

/*
 * Kernel-chosen names are (index << 8) | generation.  MACH_PORT_GEN()
 * returns the generation moved to the top byte, as macOS does, and
 * MACH_PORT_MAKE() takes it in that form.
 */
#define MACH_PORT_INDEX(name)		((name) >> 8)
#define MACH_PORT_GEN(name)		(((name) & 0xff) << 24)
#define MACH_PORT_MAKE(index, gen)	(((index) << 8) | (gen) >> 24)

/* ---- Rights ----------------------------------------------------------- */

typedef natural_t mach_port_right_t;

#define MACH_PORT_RIGHT_SEND		((mach_port_right_t)0)
#define MACH_PORT_RIGHT_RECEIVE		((mach_port_right_t)1)
#define MACH_PORT_RIGHT_SEND_ONCE	((mach_port_right_t)2)
#define MACH_PORT_RIGHT_PORT_SET	((mach_port_right_t)3)
#define MACH_PORT_RIGHT_DEAD_NAME	((mach_port_right_t)4)
#define MACH_PORT_RIGHT_LABELH		((mach_port_right_t)5)	/* obsolete */
#define MACH_PORT_RIGHT_NUMBER		((mach_port_right_t)6)	/* count, not a right */

/* A bit set of the rights one name carries, as mach_port_type() reports. */
typedef natural_t mach_port_type_t;
typedef mach_port_type_t *mach_port_type_array_t;

#define MACH_PORT_TYPE(right) \
	((mach_port_type_t)((mach_port_type_t)1 << \
			    ((right) + (mach_port_right_t)16)))

#define MACH_PORT_TYPE_NONE		((mach_port_type_t)0L)
#define MACH_PORT_TYPE_SEND		MACH_PORT_TYPE(MACH_PORT_RIGHT_SEND)
#define MACH_PORT_TYPE_RECEIVE		MACH_PORT_TYPE(MACH_PORT_RIGHT_RECEIVE)
#define MACH_PORT_TYPE_SEND_ONCE	MACH_PORT_TYPE(MACH_PORT_RIGHT_SEND_ONCE)
#define MACH_PORT_TYPE_PORT_SET		MACH_PORT_TYPE(MACH_PORT_RIGHT_PORT_SET)
#define MACH_PORT_TYPE_DEAD_NAME	MACH_PORT_TYPE(MACH_PORT_RIGHT_DEAD_NAME)
#define MACH_PORT_TYPE_LABELH		MACH_PORT_TYPE(MACH_PORT_RIGHT_LABELH)

/* Unions of the above that callers commonly test against. */
#define MACH_PORT_TYPE_SEND_RECEIVE \
	(MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE)
#define MACH_PORT_TYPE_SEND_RIGHTS \
	(MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_SEND_ONCE)
#define MACH_PORT_TYPE_PORT_RIGHTS \
	(MACH_PORT_TYPE_SEND_RIGHTS | MACH_PORT_TYPE_RECEIVE)
#define MACH_PORT_TYPE_PORT_OR_DEAD \
	(MACH_PORT_TYPE_PORT_RIGHTS | MACH_PORT_TYPE_DEAD_NAME)
#define MACH_PORT_TYPE_ALL_RIGHTS \
	(MACH_PORT_TYPE_PORT_OR_DEAD | MACH_PORT_TYPE_PORT_SET)

/* Extra bits: a notification request is armed on the name. */
#define MACH_PORT_TYPE_DNREQUEST		0x80000000
#define MACH_PORT_TYPE_SPREQUEST		0x40000000
#define MACH_PORT_TYPE_SPREQUEST_DELAYED	0x20000000

/* ---- Counters --------------------------------------------------------- */

typedef natural_t mach_port_urefs_t;		/* user references */
typedef integer_t mach_port_delta_t;		/* signed change of urefs */

typedef natural_t mach_port_seqno_t;		/* receive sequence number */
typedef natural_t mach_port_mscount_t;		/* make-send count */
typedef natural_t mach_port_msgcount_t;		/* messages queued / limit */
typedef natural_t mach_port_rights_t;		/* a number of rights */

/* Whether any send right to a port exists. */
typedef unsigned int mach_port_srights_t;
#define MACH_PORT_SRIGHTS_NONE		0
#define MACH_PORT_SRIGHTS_PRESENT	1

/* ---- Receive-right status (MACH_PORT_RECEIVE_STATUS) ------------------ */

typedef struct mach_port_status {
	mach_port_rights_t	mps_pset;	/* number of sets holding it */
	mach_port_seqno_t	mps_seqno;	/* next sequence number */
	mach_port_mscount_t	mps_mscount;	/* make-send count */
	mach_port_msgcount_t	mps_qlimit;	/* queue limit */
	mach_port_msgcount_t	mps_msgcount;	/* messages queued now */
	mach_port_rights_t	mps_sorights;	/* send-once rights alive */
	boolean_t		mps_srights;	/* any send right alive? */
	boolean_t		mps_pdrequest;	/* port-destroyed armed? */
	boolean_t		mps_nsrequest;	/* no-senders armed? */
	natural_t		mps_flags;	/* MACH_PORT_STATUS_FLAG_* */
} mach_port_status_t;

/* Bits of mps_flags */
#define MACH_PORT_STATUS_FLAG_TEMPOWNER			0x01
#define MACH_PORT_STATUS_FLAG_GUARDED			0x02
#define MACH_PORT_STATUS_FLAG_STRICT_GUARD		0x04
#define MACH_PORT_STATUS_FLAG_IMP_DONATION		0x08
#define MACH_PORT_STATUS_FLAG_REVIVE			0x10
#define MACH_PORT_STATUS_FLAG_TASKPTR			0x20
#define MACH_PORT_STATUS_FLAG_GUARD_IMMOVABLE_RECEIVE	0x40
#define MACH_PORT_STATUS_FLAG_NO_GRANT			0x80

/* ---- Queue limits (MACH_PORT_LIMITS_INFO) ----------------------------- */

#define MACH_PORT_QLIMIT_ZERO		(0)
#define MACH_PORT_QLIMIT_BASIC		(5)
#define MACH_PORT_QLIMIT_SMALL		(16)
#define MACH_PORT_QLIMIT_LARGE		(1024)
#define MACH_PORT_QLIMIT_KERNEL		(65534)
#define MACH_PORT_QLIMIT_MIN		MACH_PORT_QLIMIT_ZERO
#define MACH_PORT_QLIMIT_DEFAULT	MACH_PORT_QLIMIT_BASIC
#define MACH_PORT_QLIMIT_MAX		MACH_PORT_QLIMIT_LARGE

typedef struct mach_port_limits {
	mach_port_msgcount_t	mpl_qlimit;	/* largest queue length */
} mach_port_limits_t;

/* ---- Other attribute records ------------------------------------------ */

typedef struct mach_port_info_ext {
	mach_port_status_t	mpie_status;
	mach_port_msgcount_t	mpie_boost_cnt;
	uint32_t		reserved[6];
} mach_port_info_ext_t;

typedef struct mach_port_guard_info {
	uint64_t		mpgi_guard;
} mach_port_guard_info_t;

/* mach_port_get/set_attributes() move an array of integer_t words. */
typedef integer_t *mach_port_info_t;
typedef int mach_port_flavor_t;

#define MACH_PORT_LIMITS_INFO		1	/* mach_port_limits_t */
#define MACH_PORT_RECEIVE_STATUS	2	/* mach_port_status_t */
#define MACH_PORT_DNREQUESTS_SIZE	3	/* one int */
#define MACH_PORT_TEMPOWNER		4	/* no data */
#define MACH_PORT_IMPORTANCE_RECEIVER	5	/* no data */
#define MACH_PORT_DENAP_RECEIVER	6	/* no data */
#define MACH_PORT_INFO_EXT		7	/* mach_port_info_ext_t */
#define MACH_PORT_GUARD_INFO		8	/* mach_port_guard_info_t */
#define MACH_PORT_SERVICE_THROTTLED	9	/* one int */

/* Sizes of the records above, counted in natural_t words. */
#define MACH_PORT_LIMITS_INFO_COUNT \
	((natural_t)(sizeof(mach_port_limits_t) / sizeof(natural_t)))
#define MACH_PORT_RECEIVE_STATUS_COUNT \
	((natural_t)(sizeof(mach_port_status_t) / sizeof(natural_t)))
#define MACH_PORT_DNREQUESTS_SIZE_COUNT	1
#define MACH_PORT_INFO_EXT_COUNT \
	((natural_t)(sizeof(mach_port_info_ext_t) / sizeof(natural_t)))
#define MACH_PORT_GUARD_INFO_COUNT \
	((natural_t)(sizeof(mach_port_guard_info_t) / sizeof(natural_t)))
#define MACH_PORT_SERVICE_THROTTLED_COUNT 1

/* Argument of the (legacy) mach_port_allocate_qos/full calls. */
typedef struct mach_port_qos {
	unsigned int	name : 1;	/* caller supplies the name */
	unsigned int	prealloc : 1;	/* preallocated message */
	boolean_t	pad1 : 30;
	natural_t	len;
} mach_port_qos_t;

/* ---- mach_port_construct() options ------------------------------------ */

#define MPO_CONTEXT_AS_GUARD		0x01	/* guard with the context */
#define MPO_QLIMIT			0x02	/* apply mpl.mpl_qlimit */
#define MPO_TEMPOWNER			0x04
#define MPO_IMPORTANCE_RECEIVER		0x08
#define MPO_INSERT_SEND_RIGHT		0x10	/* also make a send right */
#define MPO_STRICT			0x20	/* strict guard */
#define MPO_DENAP_RECEIVER		0x40
#define MPO_IMMOVABLE_RECEIVE		0x80	/* receive right cannot move */
#define MPO_FILTER_MSG			0x100
#define MPO_TG_BLOCK_TRACKING		0x200
#define MPO_SERVICE_PORT		0x400
#define MPO_CONNECTION_PORT		0x800
#define MPO_REPLY_PORT			0x1000
#define MPO_ENFORCE_REPLY_PORT_SEMANTICS 0x2000
#define MPO_PROVISIONAL_REPLY_PORT	0x4000
#define MPO_PROVISIONAL_ID_PROT_OPTOUT	0x8000

#define MACH_SERVICE_PORT_INFO_STRING_NAME_MAX_BUF_LEN 255

typedef struct mach_service_port_info {
	char	mspi_string_name[MACH_SERVICE_PORT_INFO_STRING_NAME_MAX_BUF_LEN];
	uint8_t	mspi_domain_type;
} mach_service_port_info_data_t;
typedef struct mach_service_port_info *mach_service_port_info_t;

/*
 * Anonymous unions are standard from C11 and C++98 on; older C dialects
 * get them as a GNU extension without a -pedantic complaint.
 */
#if !defined(__cplusplus) && defined(__GNUC__) && \
	(!defined(__STDC_VERSION__) || __STDC_VERSION__ < 201112L)
#define LIBMACHPORT_ANON_UNION __extension__ union
#else
#define LIBMACHPORT_ANON_UNION union
#endif

/* 24 bytes on LP64; the union keeps room for future fields. */
typedef struct mach_port_options {
	uint32_t		flags;		/* MPO_* */
	mach_port_limits_t	mpl;		/* with MPO_QLIMIT */
	LIBMACHPORT_ANON_UNION {
		uint64_t			reserved[2];
		mach_port_name_t		work_interval_port;
		mach_service_port_info_t	service_port_info;
		mach_port_name_t		service_port_name;
	};
} mach_port_options_t;
typedef mach_port_options_t *mach_port_options_ptr_t;

/* Flags of mach_port_guard_with_flags() */
#define MPG_STRICT		0x01
#define MPG_IMMOVABLE_RECEIVE	0x02

#endif /* LIBMACHPORT_MACH_PORT_H */
