/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * machport: Mach IPC for Linux -- the kernel/user ABI.
 *
 * This header is the only definition of the interface between machport.ko
 * and userspace (libmachport). Rules, after
 * Documentation/process/botching-up-ioctls.rst:
 *
 *  - every structure has a fixed size, only __u32/__s32/__u64 members, and
 *    explicit padding; user pointers travel as __u64;
 *  - the kernel rejects unknown flags and non-zero reserved or padding
 *    fields with -EINVAL, so they can be given a meaning later;
 *  - MACHPORT_IOC_VERSION returns MACHPORT_ABI_VERSION; features added
 *    later are announced in machport_features.features.
 *
 * Return convention of every ioctl except VERSION and FEATURES: a
 * negative value is a Linux errno for a misuse of the ioctl itself
 * (-EFAULT for a bad pointer, -EINVAL for reserved fields, -EPERM when
 * the caller does not own the IPC space behind the file, -ENOMEM, ...);
 * zero or a positive value is the Mach return code (kern_return_t or
 * mach_msg_return_t) of the operation, with macOS's numbering. Output
 * fields are only meaningful when the Mach code is MACHPORT_KERN_SUCCESS
 * unless the ioctl says otherwise.
 */
#ifndef _UAPI_LINUX_MACHPORT_H
#define _UAPI_LINUX_MACHPORT_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MACHPORT_DEVICE_NAME	"mach"
#define MACHPORT_ABI_VERSION	1

/* ---- Mach constants that cross the ABI (macOS values) ---------------- */

/* kern_return_t */
#define MACHPORT_KERN_SUCCESS			0
#define MACHPORT_KERN_INVALID_ADDRESS		1
#define MACHPORT_KERN_NO_SPACE			3
#define MACHPORT_KERN_INVALID_ARGUMENT		4
#define MACHPORT_KERN_FAILURE			5
#define MACHPORT_KERN_RESOURCE_SHORTAGE		6
#define MACHPORT_KERN_NOT_RECEIVER		7
#define MACHPORT_KERN_NO_ACCESS			8
#define MACHPORT_KERN_ALREADY_IN_SET		11
#define MACHPORT_KERN_NOT_IN_SET		12
#define MACHPORT_KERN_NAME_EXISTS		13
#define MACHPORT_KERN_INVALID_NAME		15
#define MACHPORT_KERN_INVALID_TASK		16
#define MACHPORT_KERN_INVALID_RIGHT		17
#define MACHPORT_KERN_INVALID_VALUE		18
#define MACHPORT_KERN_UREFS_OVERFLOW		19
#define MACHPORT_KERN_INVALID_CAPABILITY	20
#define MACHPORT_KERN_RIGHT_EXISTS		21

/* mach_msg_return_t */
#define MACHPORT_MSG_SUCCESS			0
#define MACHPORT_SEND_INVALID_DATA		0x10000002
#define MACHPORT_SEND_INVALID_DEST		0x10000003
#define MACHPORT_SEND_TIMED_OUT			0x10000004
#define MACHPORT_SEND_INVALID_VOUCHER		0x10000005
#define MACHPORT_SEND_INTERRUPTED		0x10000007
#define MACHPORT_SEND_MSG_TOO_SMALL		0x10000008
#define MACHPORT_SEND_INVALID_REPLY		0x10000009
#define MACHPORT_SEND_INVALID_RIGHT		0x1000000a
#define MACHPORT_SEND_INVALID_MEMORY		0x1000000c
#define MACHPORT_SEND_NO_BUFFER			0x1000000d
#define MACHPORT_SEND_TOO_LARGE			0x1000000e
#define MACHPORT_SEND_INVALID_TYPE		0x1000000f
#define MACHPORT_SEND_INVALID_HEADER		0x10000010
#define MACHPORT_SEND_INVALID_OPTIONS		0x10000013
#define MACHPORT_RCV_INVALID_NAME		0x10004002
#define MACHPORT_RCV_TIMED_OUT			0x10004003
#define MACHPORT_RCV_TOO_LARGE			0x10004004
#define MACHPORT_RCV_INTERRUPTED		0x10004005
#define MACHPORT_RCV_PORT_CHANGED		0x10004006
#define MACHPORT_RCV_INVALID_DATA		0x10004008
#define MACHPORT_RCV_HEADER_ERROR		0x1000400b
#define MACHPORT_RCV_BODY_ERROR			0x1000400c
#define MACHPORT_RCV_INVALID_TRAILER		0x1000400f
#define MACHPORT_MSG_IPC_SPACE			0x00002000
#define MACHPORT_MSG_VM_SPACE			0x00001000
#define MACHPORT_MSG_VM_KERNEL			0x00000400

/* mach_msg_option_t */
#define MACHPORT_SEND_MSG		0x00000001
#define MACHPORT_RCV_MSG		0x00000002
#define MACHPORT_RCV_LARGE		0x00000004
#define MACHPORT_RCV_LARGE_IDENTITY	0x00000008
#define MACHPORT_SEND_TIMEOUT		0x00000010
#define MACHPORT_SEND_OVERRIDE		0x00000020
#define MACHPORT_SEND_INTERRUPT		0x00000040
#define MACHPORT_SEND_NOTIFY		0x00000080
#define MACHPORT_RCV_TIMEOUT		0x00000100
#define MACHPORT_RCV_INTERRUPT		0x00000400
#define MACHPORT_RCV_VOUCHER		0x00000800
#define MACHPORT_RCV_GUARDED_DESC	0x00001000
#define MACHPORT_RCV_SYNC_WAIT		0x00004000
#define MACHPORT_RCV_SYNC_PEEK		0x00008000
#define MACHPORT_SEND_FILTER_NONFATAL	0x00010000
#define MACHPORT_SEND_TRAILER		0x00020000
#define MACHPORT_SEND_NOIMPORTANCE	0x00040000
#define MACHPORT_SEND_SYNC_OVERRIDE	0x00100000
#define MACHPORT_SEND_PROPAGATE_QOS	0x00200000
#define MACHPORT_SEND_SYNC_BOOTSTRAP_CHECKIN 0x00800000
#define MACHPORT_RCV_TRAILER_ELEMENTS(o) (((o) >> 24) & 0xf)
#define MACHPORT_RCV_TRAILER_TYPE(o)	(((o) >> 28) & 0xf)
/* Options a program may pass; the ones without an effect here are
 * accepted and ignored, as hints. */
#define MACHPORT_OPTIONS_KNOWN						\
	(MACHPORT_SEND_MSG | MACHPORT_RCV_MSG | MACHPORT_RCV_LARGE |	\
	 MACHPORT_RCV_LARGE_IDENTITY | MACHPORT_SEND_TIMEOUT |		\
	 MACHPORT_SEND_OVERRIDE | MACHPORT_SEND_INTERRUPT |		\
	 MACHPORT_SEND_NOTIFY | MACHPORT_RCV_TIMEOUT |			\
	 MACHPORT_RCV_INTERRUPT | MACHPORT_RCV_VOUCHER |		\
	 MACHPORT_RCV_GUARDED_DESC | MACHPORT_RCV_SYNC_WAIT |		\
	 MACHPORT_SEND_FILTER_NONFATAL | MACHPORT_SEND_TRAILER |	\
	 MACHPORT_SEND_NOIMPORTANCE | MACHPORT_SEND_SYNC_OVERRIDE |	\
	 MACHPORT_SEND_PROPAGATE_QOS | 0xff000000U)

/* Header bits (mach_msg_bits_t) */
#define MACHPORT_MSGH_BITS_REMOTE(b)	((b) & 0x1f)
#define MACHPORT_MSGH_BITS_LOCAL(b)	(((b) >> 8) & 0x1f)
#define MACHPORT_MSGH_BITS_VOUCHER(b)	(((b) >> 16) & 0x1f)
#define MACHPORT_MSGH_BITS_COMPLEX	0x80000000U
#define MACHPORT_MSGH_BITS_USER		0x801f1f1fU

/* Right kinds (mach_port_right_t) and type bits (mach_port_type_t) */
#define MACHPORT_RIGHT_SEND		0
#define MACHPORT_RIGHT_RECEIVE		1
#define MACHPORT_RIGHT_SEND_ONCE	2
#define MACHPORT_RIGHT_PORT_SET		3
#define MACHPORT_RIGHT_DEAD_NAME	4
#define MACHPORT_RIGHT_LABELH		5
#define MACHPORT_RIGHT_NUMBER		6

#define MACHPORT_TYPE(right)		(1U << ((right) + 16))
#define MACHPORT_TYPE_SEND		MACHPORT_TYPE(MACHPORT_RIGHT_SEND)
#define MACHPORT_TYPE_RECEIVE		MACHPORT_TYPE(MACHPORT_RIGHT_RECEIVE)
#define MACHPORT_TYPE_SEND_ONCE		MACHPORT_TYPE(MACHPORT_RIGHT_SEND_ONCE)
#define MACHPORT_TYPE_PORT_SET		MACHPORT_TYPE(MACHPORT_RIGHT_PORT_SET)
#define MACHPORT_TYPE_DEAD_NAME		MACHPORT_TYPE(MACHPORT_RIGHT_DEAD_NAME)
#define MACHPORT_TYPE_DNREQUEST		0x80000000U

#define MACHPORT_NAME_NULL		0U
#define MACHPORT_NAME_DEAD		0xffffffffU

/* Dispositions (mach_msg_type_name_t) */
#define MACHPORT_MSG_TYPE_MOVE_RECEIVE		16
#define MACHPORT_MSG_TYPE_MOVE_SEND		17
#define MACHPORT_MSG_TYPE_MOVE_SEND_ONCE	18
#define MACHPORT_MSG_TYPE_COPY_SEND		19
#define MACHPORT_MSG_TYPE_MAKE_SEND		20
#define MACHPORT_MSG_TYPE_MAKE_SEND_ONCE	21
#define MACHPORT_MSG_TYPE_PORT_RECEIVE		16
#define MACHPORT_MSG_TYPE_PORT_SEND		17
#define MACHPORT_MSG_TYPE_PORT_SEND_ONCE	18

/* Descriptor types and copy options */
#define MACHPORT_MSG_PORT_DESCRIPTOR		0
#define MACHPORT_MSG_OOL_DESCRIPTOR		1
#define MACHPORT_MSG_OOL_PORTS_DESCRIPTOR	2
#define MACHPORT_MSG_OOL_VOLATILE_DESCRIPTOR	3
#define MACHPORT_MSG_GUARDED_PORT_DESCRIPTOR	4
#define MACHPORT_MSG_PHYSICAL_COPY		0
#define MACHPORT_MSG_VIRTUAL_COPY		1

/* Trailer (format 0) and its elements (MACHPORT_RCV_TRAILER_ELEMENTS) */
#define MACHPORT_TRAILER_FORMAT_0		0
#define MACHPORT_RCV_TRAILER_NULL		0
#define MACHPORT_RCV_TRAILER_SEQNO		1
#define MACHPORT_RCV_TRAILER_SENDER		2
#define MACHPORT_RCV_TRAILER_AUDIT		3
#define MACHPORT_RCV_TRAILER_CTX		4

/* Limits the kernel enforces (also reported by MACHPORT_IOC_FEATURES) */
#define MACHPORT_UREFS_MAX		0xffffU

/* ---- Message layout (macOS LP64) ---------------------------------------
 *
 * mach_msg() messages live in user memory in exactly macOS's layout; the
 * kernel reads and writes them there. These structures describe that
 * layout; libmachport's <mach/message.h> gives the macOS names and a test
 * checks that both agree. Descriptors and trailers are packed to 4 bytes,
 * as macOS declares them; multi-field bytes are spelled out for a
 * little-endian ABI (x86-64, arm64), matching macOS's bit-fields.
 */
#define MACHPORT_PACKED4	__attribute__((packed, aligned(4)))

struct machport_msg_header {
	__u32 bits;
	__u32 size;
	__u32 remote_port;
	__u32 local_port;
	__u32 voucher_port;
	__s32 id;
};

struct machport_msg_body {
	__u32 descriptor_count;
};

struct machport_msg_port_descriptor {
	__u32 name;
	__u32 pad1;
	__u16 pad2;
	__u8 disposition;
	__u8 type;
};

struct machport_msg_ool_descriptor {
	__u64 address;
	__u8 deallocate;
	__u8 copy;
	__u8 pad1;
	__u8 type;
	__u32 size;
} MACHPORT_PACKED4;

struct machport_msg_ool_ports_descriptor {
	__u64 address;
	__u8 deallocate;
	__u8 copy;
	__u8 disposition;
	__u8 type;
	__u32 count;
} MACHPORT_PACKED4;

/* The largest trailer (MACH_RCV_TRAILER_AV, 68 bytes); smaller ones are
 * prefixes of it. */
struct machport_msg_trailer {
	__u32 type;
	__u32 size;
	__u32 seqno;
	__u32 sender[2];	/* security_token_t */
	__u32 audit[8];		/* audit_token_t */
	__u64 context;
	__s32 ad;
	__u32 labels;
} MACHPORT_PACKED4;

/* ---- Version and features --------------------------------------------- */

/* Bits of machport_features.features */
#define MACHPORT_FEAT_PORTS		(1ULL << 0)	/* the port-right ioctls */
#define MACHPORT_FEAT_MSG		(1ULL << 1)	/* mach_msg, attributes */
#define MACHPORT_FEAT_COMPLEX		(1ULL << 2)	/* descriptors, OOL */
#define MACHPORT_FEAT_SPECIAL		(1ULL << 3)	/* special ports, inherit */
#define MACHPORT_FEAT_PSET		(1ULL << 4)	/* port sets */
#define MACHPORT_FEAT_NOTIFY		(1ULL << 5)	/* notifications */
#define MACHPORT_FEAT_BOOTSTRAP		(1ULL << 6)	/* the name service */
#define MACHPORT_FEAT_POLLFD		(1ULL << 7)	/* MACHPORT_IOC_PORT_POLLFD */
#define MACHPORT_FEAT_PEEK		(1ULL << 8)	/* MACHPORT_IOC_PORT_PEEK */

struct machport_features {
	__u64 features;		/* out: MACHPORT_FEAT_* */
	__u32 max_names;	/* out: names per IPC space */
	__u32 max_msg_size;	/* out: bytes of inline message, header included */
	__u32 qlimit_max;	/* out: largest queue limit */
	__u32 max_ool_ports;	/* out: port names in OOL arrays, per message */
	__u64 max_ool_size;	/* out: OOL bytes per message */
	__u64 reserved[3];	/* must be 0 */
};

/* ---- Port-right ioctls (mach_port_* calls, on the caller's space) ----- */

/* MACHPORT_IOC_PORT_ALLOCATE flags */
#define MACHPORT_ALLOCATE_NAME		(1U << 0)	/* name is an input */

struct machport_port_allocate {
	__u32 right;		/* in: MACHPORT_RIGHT_* */
	__u32 flags;		/* in: MACHPORT_ALLOCATE_* */
	__u32 name;		/* in with MACHPORT_ALLOCATE_NAME, else out */
	__u32 reserved;		/* must be 0 */
};

/* deallocate, destroy */
struct machport_port_name {
	__u32 name;		/* in */
	__u32 reserved;		/* must be 0 */
};

struct machport_port_type {
	__u32 name;		/* in */
	__u32 type;		/* out: MACHPORT_TYPE_* bits */
};

struct machport_port_refs {
	__u32 name;		/* in */
	__u32 right;		/* in: MACHPORT_RIGHT_* */
	__s32 delta;		/* in (MOD_REFS) */
	__u32 refs;		/* out (GET_REFS) */
};

struct machport_port_insert_right {
	__u32 name;		/* in: the name to use in the space */
	__u32 poly;		/* in: the name of the right to insert */
	__u32 disposition;	/* in: MACHPORT_MSG_TYPE_* */
	__u32 reserved;		/* must be 0 */
};

struct machport_port_extract_right {
	__u32 name;		/* in */
	__u32 disposition;	/* in: MACHPORT_MSG_TYPE_* */
	__u32 poly;		/* out: the extracted right's new name */
	__u32 type;		/* out: MACHPORT_MSG_TYPE_PORT_* of the right */
};

/*
 * names/types point to arrays of count __u32. The kernel fills at most
 * count entries and sets count to the number of names in the space; when
 * that is larger than the array, call again with a bigger one.
 */
struct machport_port_names {
	__u64 names;		/* in: user pointer to __u32[count] */
	__u64 types;		/* in: user pointer to __u32[count] */
	__u32 count;		/* in: capacity; out: names in the space */
	__u32 reserved;		/* must be 0 */
};

/* ---- mach_msg ----------------------------------------------------------
 *
 * One ioctl sends, receives, or both (send first; a failed send skips the
 * receive), exactly as mach_msg_overwrite(): the kernel reads the message
 * from send_msg and writes the received one to rcv_msg. The return value
 * is the mach_msg_return_t. MACH_SEND_INTERRUPTED / MACH_RCV_INTERRUPTED
 * come back on a signal; the library restarts unless the caller asked for
 * MACH_SEND_INTERRUPT / MACH_RCV_INTERRUPT.
 */
struct machport_msg {
	__u64 send_msg;		/* in: user address of the message to send */
	__u64 rcv_msg;		/* in: user address of the receive buffer */
	__u32 option;		/* in: mach_msg_option_t */
	__u32 send_size;	/* in */
	__u32 rcv_size;		/* in */
	__u32 rcv_name;		/* in: receive right or port set */
	__u32 timeout;		/* in: milliseconds */
	__u32 notify;		/* in: ignored, as on macOS */
	__u64 reserved;		/* must be 0 */
};

/* ---- Port attributes (mach_port_get/set_attributes) -------------------- */
#define MACHPORT_PORT_LIMITS_INFO	1
#define MACHPORT_PORT_RECEIVE_STATUS	2
#define MACHPORT_PORT_DNREQUESTS_SIZE	3
#define MACHPORT_PORT_TEMPOWNER		4
#define MACHPORT_PORT_IMPORTANCE_RECEIVER 5
#define MACHPORT_PORT_DENAP_RECEIVER	6
#define MACHPORT_PORT_INFO_EXT		7
#define MACHPORT_QLIMIT_DEFAULT		5
#define MACHPORT_QLIMIT_MAX		1024

struct machport_port_attr {
	__u32 name;		/* in */
	__u32 flavor;		/* in: MACHPORT_PORT_* */
	__u32 count;		/* in: words in info (set) or room (get);
				 * out: words written (get) */
	__u32 reserved;		/* must be 0 */
	__u32 info[32];		/* in (set) / out (get) */
};

/* ---- Task special ports (task_get/set_special_port) -------------------- */
#define MACHPORT_TASK_KERNEL_PORT	1
#define MACHPORT_TASK_BOOTSTRAP_PORT	4
#define MACHPORT_TASK_MAX_SPECIAL_PORT	11

struct machport_special_port {
	__u32 which;		/* in: TASK_*_PORT */
	__u32 name;		/* set: in, a send right or NULL;
				 * get: out, a new send right's name */
	__u64 reserved;		/* must be 0 */
};

/*
 * A forked child's library calls this on its new descriptor with the
 * descriptor it inherited from its parent: the child's space gets send
 * rights to the parent's special ports, as a macOS child inherits them.
 * Only the parent's own space can be inherited from (-EPERM otherwise).
 */
struct machport_inherit {
	__s32 parent_fd;	/* in */
	__u32 reserved;		/* must be 0 */
};

/* ---- The name service (bootstrap port) ---------------------------------
 *
 * A new space's TASK_BOOTSTRAP_PORT is a send right to a port the kernel
 * answers for: the name registry of the opener's IPC namespace. Requests
 * and replies follow MIG conventions (NDR record, reply id = id + 100, a
 * mig_reply_error_t carrying the return code, or on success a complex
 * reply with one port descriptor and nothing else). name is 1..127 bytes
 * and a NUL, padded to 128 with anything. Documentation/bootstrap.md has
 * the layouts, so that a replacement server can be written.
 *
 *   CHECK_IN: header, NDR, name[128]          -> the receive right of a new
 *                                                port registered under name
 *   REGISTER: header, body, port descriptor (a send right, or NULL to
 *             unregister), NDR, name[128]     -> return code only
 *   LOOK_UP:  header, NDR, name[128]          -> a send right
 */
#define MACHPORT_BOOTSTRAP_NAME_LEN		128
#define MACHPORT_BOOTSTRAP_MSG_CHECK_IN		402
#define MACHPORT_BOOTSTRAP_MSG_REGISTER		403
#define MACHPORT_BOOTSTRAP_MSG_LOOK_UP		404
#define MACHPORT_BOOTSTRAP_REPLY_DELTA		100

#define MACHPORT_BOOTSTRAP_SUCCESS		0
#define MACHPORT_BOOTSTRAP_NOT_PRIVILEGED	1100
#define MACHPORT_BOOTSTRAP_NAME_IN_USE		1101
#define MACHPORT_BOOTSTRAP_UNKNOWN_SERVICE	1102
#define MACHPORT_BOOTSTRAP_SERVICE_ACTIVE	1103
#define MACHPORT_BOOTSTRAP_BAD_COUNT		1104
#define MACHPORT_BOOTSTRAP_NO_MEMORY		1105

#define MACHPORT_MIG_BAD_ID			(-303)
#define MACHPORT_MIG_BAD_ARGUMENTS		(-304)

/* ---- Pollable ports ------------------------------------------------------
 *
 * MACHPORT_IOC_PORT_POLLFD: a new file descriptor for the receive right or
 * port set @name. It polls EPOLLIN | EPOLLRDNORM while a message is queued
 * (on any member, for a set) and EPOLLHUP once the port or set is
 * destroyed. It refers to the port or set itself (a reference), not to
 * the name, so it may be closed before or after the right goes. read()
 * and write() fail with -EINVAL. Mach codes: KERN_INVALID_NAME,
 * KERN_INVALID_RIGHT; errno: EMFILE, ENFILE, ENOMEM.
 */
#define MACHPORT_POLLFD_CLOEXEC		(1U << 0)	/* O_CLOEXEC */

struct machport_port_pollfd {
	__u32 name;		/* in: a receive right or port set */
	__u32 flags;		/* in: MACHPORT_POLLFD_* */
	__s32 fd;		/* out */
	__u32 reserved;		/* must be 0 */
};

/* ---- Port sets ---------------------------------------------------------- */
#define MACHPORT_MEMBER_MOVE		0	/* mach_port_move_member */
#define MACHPORT_MEMBER_INSERT		1	/* mach_port_insert_member */
#define MACHPORT_MEMBER_EXTRACT		2	/* mach_port_extract_member */

struct machport_member {
	__u32 op;		/* in: MACHPORT_MEMBER_* */
	__u32 name;		/* in: the member (a receive right) */
	__u32 pset;		/* in: the set (MOVE: MACH_PORT_NULL = none) */
	__u32 reserved;		/* must be 0 */
};

/* As MACHPORT_IOC_PORT_NAMES: count is the capacity in, the total out. */
struct machport_set_status {
	__u32 name;		/* in: a port set */
	__u32 count;		/* in/out */
	__u64 names;		/* in: user pointer to __u32[count] */
};

/* ---- Notifications (mach_port_request_notification) --------------------- */
#define MACHPORT_NOTIFY_PORT_DELETED	0101
#define MACHPORT_NOTIFY_SEND_POSSIBLE	0102
#define MACHPORT_NOTIFY_PORT_DESTROYED	0105
#define MACHPORT_NOTIFY_NO_SENDERS	0106
#define MACHPORT_NOTIFY_SEND_ONCE	0107
#define MACHPORT_NOTIFY_DEAD_NAME	0110

struct machport_request_notification {
	__u32 name;		/* in: the name the request is about */
	__s32 msgid;		/* in: MACHPORT_NOTIFY_* */
	__u32 sync;		/* in */
	__u32 notify;		/* in: where to notify (or NULL to cancel) */
	__u32 notify_disp;	/* in: MAKE_SEND_ONCE or MOVE_SEND_ONCE */
	__u32 previous;		/* out: the previous registration's right */
	__u64 reserved;		/* must be 0 */
};

/* ---- Receive-right controls: mscount, seqno, context, guards ---------- */
#define MACHPORT_CTL_SET_MSCOUNT	0	/* value */
#define MACHPORT_CTL_SET_SEQNO		1	/* value */
#define MACHPORT_CTL_GET_CONTEXT	2	/* value out */
#define MACHPORT_CTL_SET_CONTEXT	3	/* value */
#define MACHPORT_CTL_GUARD		4	/* value = guard, flags */
#define MACHPORT_CTL_UNGUARD		5	/* value = guard */
#define MACHPORT_CTL_DESTRUCT		6	/* value = guard, delta */

#define MACHPORT_GUARD_STRICT		(1U << 0)	/* MPG_STRICT */
#define MACHPORT_GUARD_IMMOVABLE	(1U << 1)	/* MPG_IMMOVABLE_RECEIVE */

struct machport_port_ctl {
	__u32 op;		/* in: MACHPORT_CTL_* */
	__u32 name;		/* in: a receive right */
	__u64 value;		/* in, or out for GET_CONTEXT */
	__s32 delta;		/* in: DESTRUCT's send-right delta */
	__u32 flags;		/* in: GUARD's MACHPORT_GUARD_* */
	__u64 reserved;		/* must be 0 */
};

/*
 * MACHPORT_IOC_PORT_PEEK (mach_port_peek): the message with sequence
 * number seqno on a receive right's queue (0: the first one), left
 * queued. trailer_type is as in mach_msg's options: format 0 with up to
 * MACH_RCV_TRAILER_AUDIT elements; that trailer is written at trailer,
 * which has room for trailer_size bytes.
 */
struct machport_port_peek {
	__u32 name;		/* in: a receive right */
	__u32 trailer_type;	/* in: MACH_RCV_TRAILER_TYPE | _ELEMENTS */
	__u32 seqno;		/* in: 0 or a sequence number; out: the message's */
	__u32 size;		/* out: its msgh_size */
	__s32 id;		/* out: its msgh_id */
	__u32 trailer_size;	/* in: room at trailer; out: bytes written */
	__u64 trailer;		/* in: user address of the trailer buffer */
	__u64 reserved;		/* must be 0 */
};

/* ---- Introspection: the "machport" generic netlink family ----------------
 *
 * Commands (GENL_ADMIN_PERM not required: visibility is per process):
 *   MACHPORT_CMD_GET_SPACES  dump: one message per IPC space the caller
 *                            may inspect (MACHPORT_A_SPACE_*)
 *   MACHPORT_CMD_GET_ENTRIES dump, request MACHPORT_A_ENTRY_PID: one
 *                            message per name in that process's spaces
 *                            (MACHPORT_A_ENTRY_*)
 *   MACHPORT_CMD_GET_STATS   do: module-wide counters (MACHPORT_A_STATS_*)
 *
 * A caller sees a process only if that process is in its pid namespace
 * and the caller could read it with ptrace (the same credential and
 * dumpability rules as PTRACE_MODE_READ_REALCREDS); pids are in the
 * caller's pid namespace. A dump whose space gained or lost names while
 * it was read is flagged NLM_F_DUMP_INTR. Documentation/introspection.md
 * has the attribute trees.
 */
#define MACHPORT_GENL_NAME		"machport"
#define MACHPORT_GENL_VERSION		1

enum machport_cmd {
	MACHPORT_CMD_UNSPEC,
	MACHPORT_CMD_GET_SPACES,
	MACHPORT_CMD_GET_ENTRIES,
	MACHPORT_CMD_GET_STATS,
	__MACHPORT_CMD_MAX,
};
#define MACHPORT_CMD_MAX	(__MACHPORT_CMD_MAX - 1)

/* Top-level attributes of every message of the family. */
enum machport_attr {
	MACHPORT_A_UNSPEC,
	MACHPORT_A_SPACE_ID,		/* u64: the space, unique while loaded */
	MACHPORT_A_SPACE_PID,		/* u32: owning process (tgid) */
	MACHPORT_A_SPACE_COMM,		/* string: its command name */
	MACHPORT_A_SPACE_ENTRIES,	/* u32: names in use (task name included) */
	MACHPORT_A_SPACE_MEMORY,	/* u64: bytes of its name table */
	MACHPORT_A_ENTRY_PID,		/* u32: request: whose entries */
	MACHPORT_A_ENTRY_NAME,		/* u32: the name */
	MACHPORT_A_ENTRY_TYPE,		/* u32: MACH_PORT_TYPE_* rights */
	MACHPORT_A_ENTRY_UREFS,		/* u32: send / dead-name user refs */
	MACHPORT_A_ENTRY_PORT_ID,	/* u64: the port (same in every space) */
	MACHPORT_A_ENTRY_KOBJECT,	/* u32: MACHPORT_KOBJECT_* */
	MACHPORT_A_ENTRY_DEAD,		/* flag: the port is dead */
	MACHPORT_A_ENTRY_PEER_PID,	/* u32: holder of the receive right */
	MACHPORT_A_ENTRY_PEER_COMM,	/* string: its command name */
	MACHPORT_A_ENTRY_QLEN,		/* u32: receive: messages queued */
	MACHPORT_A_ENTRY_QLIMIT,	/* u32: receive: queue limit */
	MACHPORT_A_ENTRY_SEQNO,		/* u32: receive: sequence number */
	MACHPORT_A_ENTRY_MSCOUNT,	/* u32: receive: make-send count */
	MACHPORT_A_ENTRY_SRIGHTS,	/* u32: receive: send rights */
	MACHPORT_A_ENTRY_SORIGHTS,	/* u32: receive: send-once rights */
	MACHPORT_A_ENTRY_NOTIFY,	/* u32: receive: MACHPORT_ARMED_* */
	MACHPORT_A_ENTRY_DNREQUESTS,	/* u32: receive: dead-name requests */
	MACHPORT_A_ENTRY_SETS,		/* nest of u32 (MACHPORT_A_SET_NAME):
					 * receive: the sets it is in */
	MACHPORT_A_ENTRY_MEMBERS,	/* u32: port set: member count */
	MACHPORT_A_ENTRY_DNREQUEST,	/* flag: this name has a dead-name request */
	MACHPORT_A_STATS_SPACES,	/* u64 */
	MACHPORT_A_STATS_PORTS,		/* u64 */
	MACHPORT_A_STATS_MSGS_QUEUED,	/* u64: messages on queues now */
	MACHPORT_A_STATS_BYTES_QUEUED,	/* u64: their bytes */
	MACHPORT_A_STATS_MSGS_SENT,	/* u64: since the module loaded */
	MACHPORT_A_STATS_NOTIFICATIONS,	/* u64: kernel notifications sent */
	MACHPORT_A_SET_NAME,		/* u32, inside MACHPORT_A_ENTRY_SETS */
	MACHPORT_A_PAD,
	MACHPORT_A_ENTRY_IN_TRANSIT,	/* flag: the receive right is in a message */
	MACHPORT_A_ENTRY_PEER_HIDDEN,	/* flag: its holder is not the caller's
					 * to see */
	__MACHPORT_A_MAX,
};
#define MACHPORT_A_MAX	(__MACHPORT_A_MAX - 1)

/* MACHPORT_A_ENTRY_KOBJECT */
#define MACHPORT_KOBJECT_NONE		0
#define MACHPORT_KOBJECT_TASK		1
#define MACHPORT_KOBJECT_BOOTSTRAP	2

/* MACHPORT_A_ENTRY_NOTIFY bits */
#define MACHPORT_ARMED_NO_SENDERS	(1U << 0)
#define MACHPORT_ARMED_PORT_DESTROYED	(1U << 1)
#define MACHPORT_ARMED_DEAD_NAME	(1U << 2)

#define MACHPORT_IOC_MAGIC	0xBA

#define MACHPORT_IOC_VERSION		_IO(MACHPORT_IOC_MAGIC, 0x00)
#define MACHPORT_IOC_FEATURES		_IOWR(MACHPORT_IOC_MAGIC, 0x01, struct machport_features)
#define MACHPORT_IOC_PORT_ALLOCATE	_IOWR(MACHPORT_IOC_MAGIC, 0x10, struct machport_port_allocate)
#define MACHPORT_IOC_PORT_DEALLOCATE	_IOW(MACHPORT_IOC_MAGIC, 0x11, struct machport_port_name)
#define MACHPORT_IOC_PORT_DESTROY	_IOW(MACHPORT_IOC_MAGIC, 0x12, struct machport_port_name)
#define MACHPORT_IOC_PORT_TYPE		_IOWR(MACHPORT_IOC_MAGIC, 0x13, struct machport_port_type)
#define MACHPORT_IOC_PORT_MOD_REFS	_IOW(MACHPORT_IOC_MAGIC, 0x14, struct machport_port_refs)
#define MACHPORT_IOC_PORT_GET_REFS	_IOWR(MACHPORT_IOC_MAGIC, 0x15, struct machport_port_refs)
#define MACHPORT_IOC_PORT_INSERT_RIGHT	_IOW(MACHPORT_IOC_MAGIC, 0x16, struct machport_port_insert_right)
#define MACHPORT_IOC_PORT_EXTRACT_RIGHT	_IOWR(MACHPORT_IOC_MAGIC, 0x17, struct machport_port_extract_right)
#define MACHPORT_IOC_PORT_NAMES		_IOWR(MACHPORT_IOC_MAGIC, 0x18, struct machport_port_names)
#define MACHPORT_IOC_PORT_GET_ATTR	_IOWR(MACHPORT_IOC_MAGIC, 0x19, struct machport_port_attr)
#define MACHPORT_IOC_PORT_SET_ATTR	_IOW(MACHPORT_IOC_MAGIC, 0x1a, struct machport_port_attr)
#define MACHPORT_IOC_MSG		_IOW(MACHPORT_IOC_MAGIC, 0x20, struct machport_msg)
#define MACHPORT_IOC_GET_SPECIAL	_IOWR(MACHPORT_IOC_MAGIC, 0x30, struct machport_special_port)
#define MACHPORT_IOC_SET_SPECIAL	_IOW(MACHPORT_IOC_MAGIC, 0x31, struct machport_special_port)
#define MACHPORT_IOC_INHERIT		_IOW(MACHPORT_IOC_MAGIC, 0x32, struct machport_inherit)
#define MACHPORT_IOC_MEMBER		_IOW(MACHPORT_IOC_MAGIC, 0x40, struct machport_member)
#define MACHPORT_IOC_SET_STATUS		_IOWR(MACHPORT_IOC_MAGIC, 0x41, struct machport_set_status)
#define MACHPORT_IOC_REQUEST_NOTIFY	_IOWR(MACHPORT_IOC_MAGIC, 0x50, struct machport_request_notification)
#define MACHPORT_IOC_PORT_CTL		_IOWR(MACHPORT_IOC_MAGIC, 0x51, struct machport_port_ctl)
#define MACHPORT_IOC_PORT_POLLFD	_IOWR(MACHPORT_IOC_MAGIC, 0x52, struct machport_port_pollfd)
#define MACHPORT_IOC_PORT_PEEK		_IOWR(MACHPORT_IOC_MAGIC, 0x53, struct machport_port_peek)

#endif /* _UAPI_LINUX_MACHPORT_H */
