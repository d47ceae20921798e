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

struct machport_features {
	__u64 features;		/* out: MACHPORT_FEAT_* */
	__u32 max_names;	/* out: names per IPC space */
	__u32 max_msg_size;	/* out: bytes of inline message, header included */
	__u32 qlimit_max;	/* out: largest queue limit */
	__u32 reserved0;	/* must be 0 */
	__u64 reserved[4];	/* must be 0 */
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

#endif /* _UAPI_LINUX_MACHPORT_H */
