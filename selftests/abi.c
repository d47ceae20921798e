// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel/user ABI: the macOS layouts of <mach/message.h> agree with
 * the uapi header, the Mach constants agree, and the ioctls reject what
 * botching-up-ioctls.rst says they must.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <mach/mach.h>
#include <linux/machport.h>

#include "kselftest_harness.h"

#define SAME_LAYOUT(mac, uapi)						\
	_Static_assert(sizeof(mac) == sizeof(struct uapi),		\
		       #mac " size differs from " #uapi)
#define SAME_FIELD(mac, mf, uapi, uf)					\
	_Static_assert(offsetof(mac, mf) == offsetof(struct uapi, uf) && \
		       sizeof(((mac *)0)->mf) == sizeof(((struct uapi *)0)->uf), \
		       #mac "." #mf " differs")

SAME_LAYOUT(mach_msg_header_t, machport_msg_header);
SAME_FIELD(mach_msg_header_t, msgh_bits, machport_msg_header, bits);
SAME_FIELD(mach_msg_header_t, msgh_size, machport_msg_header, size);
SAME_FIELD(mach_msg_header_t, msgh_remote_port, machport_msg_header, remote_port);
SAME_FIELD(mach_msg_header_t, msgh_local_port, machport_msg_header, local_port);
SAME_FIELD(mach_msg_header_t, msgh_voucher_port, machport_msg_header, voucher_port);
SAME_FIELD(mach_msg_header_t, msgh_id, machport_msg_header, id);
_Static_assert(sizeof(mach_msg_header_t) == 24, "header is 24 bytes");

SAME_LAYOUT(mach_msg_body_t, machport_msg_body);
SAME_FIELD(mach_msg_body_t, msgh_descriptor_count, machport_msg_body, descriptor_count);

SAME_LAYOUT(mach_msg_port_descriptor_t, machport_msg_port_descriptor);
SAME_FIELD(mach_msg_port_descriptor_t, name, machport_msg_port_descriptor, name);
SAME_FIELD(mach_msg_port_descriptor_t, pad1, machport_msg_port_descriptor, pad1);
_Static_assert(sizeof(mach_msg_port_descriptor_t) == 12, "port descriptor");

SAME_LAYOUT(mach_msg_ool_descriptor_t, machport_msg_ool_descriptor);
SAME_FIELD(mach_msg_ool_descriptor_t, address, machport_msg_ool_descriptor, address);
SAME_FIELD(mach_msg_ool_descriptor_t, size, machport_msg_ool_descriptor, size);
_Static_assert(sizeof(mach_msg_ool_descriptor_t) == 16, "ool descriptor");

SAME_LAYOUT(mach_msg_ool_ports_descriptor_t, machport_msg_ool_ports_descriptor);
SAME_FIELD(mach_msg_ool_ports_descriptor_t, address, machport_msg_ool_ports_descriptor, address);
SAME_FIELD(mach_msg_ool_ports_descriptor_t, count, machport_msg_ool_ports_descriptor, count);
_Static_assert(sizeof(mach_msg_ool_ports_descriptor_t) == 16, "ool ports");

SAME_LAYOUT(mach_msg_mac_trailer_t, machport_msg_trailer);
SAME_FIELD(mach_msg_mac_trailer_t, msgh_trailer_type, machport_msg_trailer, type);
SAME_FIELD(mach_msg_mac_trailer_t, msgh_trailer_size, machport_msg_trailer, size);
SAME_FIELD(mach_msg_mac_trailer_t, msgh_seqno, machport_msg_trailer, seqno);
SAME_FIELD(mach_msg_mac_trailer_t, msgh_sender, machport_msg_trailer, sender);
SAME_FIELD(mach_msg_mac_trailer_t, msgh_audit, machport_msg_trailer, audit);
SAME_FIELD(mach_msg_mac_trailer_t, msgh_context, machport_msg_trailer, context);
SAME_FIELD(mach_msg_mac_trailer_t, msgh_ad, machport_msg_trailer, ad);
SAME_FIELD(mach_msg_mac_trailer_t, msgh_labels, machport_msg_trailer, labels);
_Static_assert(sizeof(mach_msg_trailer_t) == 8, "trailer 8");
_Static_assert(sizeof(mach_msg_seqno_trailer_t) == 12, "trailer 12");
_Static_assert(sizeof(mach_msg_security_trailer_t) == 20, "trailer 20");
_Static_assert(sizeof(mach_msg_audit_trailer_t) == 52, "trailer 52");
_Static_assert(sizeof(mach_msg_context_trailer_t) == 60, "trailer 60");
_Static_assert(sizeof(mach_msg_mac_trailer_t) == 68, "trailer 68");

/* Mach constants that cross the ABI are macOS's. */
#define SAME_VALUE(mac, uapi) _Static_assert((mac) == (uapi), #mac)
SAME_VALUE(KERN_SUCCESS, MACHPORT_KERN_SUCCESS);
SAME_VALUE(KERN_INVALID_ADDRESS, MACHPORT_KERN_INVALID_ADDRESS);
SAME_VALUE(KERN_NO_SPACE, MACHPORT_KERN_NO_SPACE);
SAME_VALUE(KERN_INVALID_ARGUMENT, MACHPORT_KERN_INVALID_ARGUMENT);
SAME_VALUE(KERN_FAILURE, MACHPORT_KERN_FAILURE);
SAME_VALUE(KERN_RESOURCE_SHORTAGE, MACHPORT_KERN_RESOURCE_SHORTAGE);
SAME_VALUE(KERN_NOT_RECEIVER, MACHPORT_KERN_NOT_RECEIVER);
SAME_VALUE(KERN_ALREADY_IN_SET, MACHPORT_KERN_ALREADY_IN_SET);
SAME_VALUE(KERN_NOT_IN_SET, MACHPORT_KERN_NOT_IN_SET);
SAME_VALUE(KERN_NAME_EXISTS, MACHPORT_KERN_NAME_EXISTS);
SAME_VALUE(KERN_INVALID_NAME, MACHPORT_KERN_INVALID_NAME);
SAME_VALUE(KERN_INVALID_TASK, MACHPORT_KERN_INVALID_TASK);
SAME_VALUE(KERN_INVALID_RIGHT, MACHPORT_KERN_INVALID_RIGHT);
SAME_VALUE(KERN_INVALID_VALUE, MACHPORT_KERN_INVALID_VALUE);
SAME_VALUE(KERN_UREFS_OVERFLOW, MACHPORT_KERN_UREFS_OVERFLOW);
SAME_VALUE(KERN_INVALID_CAPABILITY, MACHPORT_KERN_INVALID_CAPABILITY);
SAME_VALUE(KERN_RIGHT_EXISTS, MACHPORT_KERN_RIGHT_EXISTS);
SAME_VALUE(MACH_PORT_RIGHT_SEND, MACHPORT_RIGHT_SEND);
SAME_VALUE(MACH_PORT_RIGHT_RECEIVE, MACHPORT_RIGHT_RECEIVE);
SAME_VALUE(MACH_PORT_RIGHT_SEND_ONCE, MACHPORT_RIGHT_SEND_ONCE);
SAME_VALUE(MACH_PORT_RIGHT_PORT_SET, MACHPORT_RIGHT_PORT_SET);
SAME_VALUE(MACH_PORT_RIGHT_DEAD_NAME, MACHPORT_RIGHT_DEAD_NAME);
SAME_VALUE(MACH_PORT_RIGHT_NUMBER, MACHPORT_RIGHT_NUMBER);
SAME_VALUE(MACH_PORT_TYPE_SEND, MACHPORT_TYPE_SEND);
SAME_VALUE(MACH_PORT_TYPE_RECEIVE, MACHPORT_TYPE_RECEIVE);
SAME_VALUE(MACH_PORT_TYPE_SEND_ONCE, MACHPORT_TYPE_SEND_ONCE);
SAME_VALUE(MACH_PORT_TYPE_PORT_SET, MACHPORT_TYPE_PORT_SET);
SAME_VALUE(MACH_PORT_TYPE_DEAD_NAME, MACHPORT_TYPE_DEAD_NAME);
SAME_VALUE(MACH_PORT_TYPE_DNREQUEST, MACHPORT_TYPE_DNREQUEST);
SAME_VALUE(MACH_MSG_TYPE_MOVE_RECEIVE, MACHPORT_MSG_TYPE_MOVE_RECEIVE);
SAME_VALUE(MACH_MSG_TYPE_MOVE_SEND, MACHPORT_MSG_TYPE_MOVE_SEND);
SAME_VALUE(MACH_MSG_TYPE_MOVE_SEND_ONCE, MACHPORT_MSG_TYPE_MOVE_SEND_ONCE);
SAME_VALUE(MACH_MSG_TYPE_COPY_SEND, MACHPORT_MSG_TYPE_COPY_SEND);
SAME_VALUE(MACH_MSG_TYPE_MAKE_SEND, MACHPORT_MSG_TYPE_MAKE_SEND);
SAME_VALUE(MACH_MSG_TYPE_MAKE_SEND_ONCE, MACHPORT_MSG_TYPE_MAKE_SEND_ONCE);
SAME_VALUE(MACH_PORT_NULL, MACHPORT_NAME_NULL);
SAME_VALUE(MACH_PORT_DEAD, MACHPORT_NAME_DEAD);

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = open("/dev/mach", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/mach: %s", strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

TEST_F(dev, version)
{
	EXPECT_EQ(MACHPORT_ABI_VERSION, ioctl(self->fd, MACHPORT_IOC_VERSION));
}

TEST_F(dev, features)
{
	struct machport_features f = { 0 };

	ASSERT_EQ(0, ioctl(self->fd, MACHPORT_IOC_FEATURES, &f));
	EXPECT_TRUE(f.features & MACHPORT_FEAT_PORTS);
	EXPECT_LT(1000, f.max_names);

	memset(&f, 0, sizeof(f));
	f.reserved[2] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_FEATURES, &f));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_FEATURES, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(dev, unknown_ioctl)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IO(MACHPORT_IOC_MAGIC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IO('x', 1)));
	EXPECT_EQ(ENOTTY, errno);
	/* Right number, wrong size: a different command. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(MACHPORT_IOC_MAGIC, 0x10, __u64)));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(dev, reserved_fields)
{
	struct machport_port_allocate a = { .right = MACHPORT_RIGHT_RECEIVE };
	struct machport_port_name n = { .name = 0 };
	struct machport_port_type t = { .name = 0x103, .type = 1 };
	struct machport_port_refs r = { .name = 0x103, .refs = 1 };
	struct machport_port_names ns = { .reserved = 1 };
	struct machport_port_insert_right ir = { .reserved = 1 };
	struct machport_port_extract_right er = { .poly = 1 };

	a.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_PORT_ALLOCATE, &a));
	EXPECT_EQ(EINVAL, errno);
	a.reserved = 0;
	a.flags = 2;
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_PORT_ALLOCATE, &a));
	EXPECT_EQ(EINVAL, errno);
	a.flags = 0;
	a.name = 5;	/* an output unless MACHPORT_ALLOCATE_NAME */
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_PORT_ALLOCATE, &a));
	EXPECT_EQ(EINVAL, errno);
	n.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_PORT_DEALLOCATE, &n));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_PORT_DESTROY, &n));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_PORT_TYPE, &t));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_PORT_MOD_REFS, &r));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_PORT_GET_REFS, &r));
	EXPECT_EQ(EINVAL, errno);
	r.refs = 0;
	r.delta = 1;	/* GET_REFS takes no delta */
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_PORT_GET_REFS, &r));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_PORT_NAMES, &ns));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_PORT_INSERT_RIGHT, &ir));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_PORT_EXTRACT_RIGHT, &er));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, bad_pointers)
{
	unsigned long cmds[] = {
		MACHPORT_IOC_PORT_ALLOCATE, MACHPORT_IOC_PORT_DEALLOCATE,
		MACHPORT_IOC_PORT_DESTROY, MACHPORT_IOC_PORT_TYPE,
		MACHPORT_IOC_PORT_MOD_REFS, MACHPORT_IOC_PORT_GET_REFS,
		MACHPORT_IOC_PORT_INSERT_RIGHT, MACHPORT_IOC_PORT_EXTRACT_RIGHT,
		MACHPORT_IOC_PORT_NAMES,
	};
	struct machport_port_names ns = { .count = 4, .names = 16, .types = 16 };
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], NULL));
		EXPECT_EQ(EFAULT, errno);
	}
	/* The arrays are written after the names were gathered. */
	EXPECT_EQ(-1, ioctl(self->fd, MACHPORT_IOC_PORT_NAMES, &ns));
	EXPECT_EQ(EFAULT, errno);
}

/* The ioctl answers Mach misuse with the Mach code, not an errno. */
TEST_F(dev, mach_codes_are_positive)
{
	struct machport_port_type t = { .name = 0x7777703 };

	EXPECT_EQ(MACHPORT_KERN_INVALID_NAME,
		  ioctl(self->fd, MACHPORT_IOC_PORT_TYPE, &t));
}

TEST_HARNESS_MAIN
