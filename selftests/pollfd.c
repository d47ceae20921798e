// SPDX-License-Identifier: GPL-2.0
/*
 * Pollable ports (mp_pollfd_open, MACHPORT_IOC_PORT_POLLFD): poll, select
 * and epoll on receive rights and port sets, and the descriptor's
 * lifetime in every order of closing it, destroying the port and exiting.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/machport.h>
#include <mach/mach.h>
#include <machport/pollfd.h>
#include <servers/bootstrap.h>

#include "kselftest_harness.h"
#include "util.h"

#define SELF mach_task_self()

static mach_msg_return_t poke(mach_port_t p)
{
	mach_msg_header_t h = { 0 };

	h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	h.msgh_size = sizeof(h);
	h.msgh_remote_port = p;
	h.msgh_id = 55;
	return mach_msg(&h, MACH_SEND_MSG, sizeof(h), 0, 0, 0, 0);
}

/* poll() revents on @fd after waiting up to @ms. */
static short revents(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, ms) < 0)
		return -1;
	return pfd.revents;
}

TEST(readable_while_a_message_is_queued)
{
	mach_port_t p = new_port();
	int fd = -1;

	KR_EQ(KERN_SUCCESS, mp_pollfd_open(p, &fd));
	ASSERT_LE(0, fd);
	ASSERT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ASSERT_EQ(0, revents(fd, 0));
	KR_EQ(MACH_MSG_SUCCESS, poke(p));
	KR_EQ(MACH_MSG_SUCCESS, poke(p));
	ASSERT_EQ(POLLIN, revents(fd, 0));
	ASSERT_EQ(55, mp_next_id(p));
	ASSERT_EQ(POLLIN, revents(fd, 0));	/* one more is queued */
	ASSERT_EQ(55, mp_next_id(p));
	ASSERT_EQ(0, revents(fd, 0));
	close(fd);
	mach_port_destroy(SELF, p);
}

TEST(select_works_too)
{
	mach_port_t p = new_port();
	struct timeval tv = { 0, 0 };
	fd_set rd;
	int fd;

	KR_EQ(KERN_SUCCESS, mp_pollfd_open(p, &fd));
	FD_ZERO(&rd);
	FD_SET(fd, &rd);
	ASSERT_EQ(0, select(fd + 1, &rd, NULL, NULL, &tv));
	KR_EQ(MACH_MSG_SUCCESS, poke(p));
	FD_ZERO(&rd);
	FD_SET(fd, &rd);
	ASSERT_EQ(1, select(fd + 1, &rd, NULL, NULL, &tv));
	ASSERT_TRUE(FD_ISSET(fd, &rd));
	close(fd);
	mach_port_destroy(SELF, p);
}

TEST(port_set_readable_when_a_member_is)
{
	mach_port_t set, a = new_port(), b = new_port();
	int fd;

	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_PORT_SET, &set));
	KR_EQ(KERN_SUCCESS, mach_port_insert_member(SELF, a, set));
	KR_EQ(KERN_SUCCESS, mp_pollfd_open(set, &fd));
	ASSERT_EQ(0, revents(fd, 0));
	KR_EQ(MACH_MSG_SUCCESS, poke(b));	/* not a member */
	ASSERT_EQ(0, revents(fd, 0));
	KR_EQ(MACH_MSG_SUCCESS, poke(a));
	ASSERT_EQ(POLLIN, revents(fd, 0));
	ASSERT_EQ(55, mp_next_id(set));
	ASSERT_EQ(0, revents(fd, 0));
	/* Joining the set with a message queued makes the set readable. */
	KR_EQ(KERN_SUCCESS, mach_port_insert_member(SELF, b, set));
	ASSERT_EQ(POLLIN, revents(fd, 0));
	/* Destroying the set hangs up. */
	mach_port_destroy(SELF, set);
	ASSERT_EQ(POLLHUP, revents(fd, 0) & POLLHUP);
	close(fd);
	mach_port_destroy(SELF, a);
	mach_port_destroy(SELF, b);
}

TEST(misuse)
{
	mach_port_t p = new_port(), s;
	struct machport_port_pollfd a = { 0 };
	int fd = -1, dev;
	char c;

	KR_EQ(KERN_INVALID_NAME, mp_pollfd_open(0x4242, &fd));
	KR_EQ(KERN_INVALID_NAME, mp_pollfd_open(MACH_PORT_NULL, &fd));
	/* A send right (the bootstrap port) or a dead name is not enough. */
	KR_EQ(KERN_INVALID_RIGHT, mp_pollfd_open(bootstrap_port, &fd));
	KR_EQ(KERN_SUCCESS, mach_port_allocate(SELF, MACH_PORT_RIGHT_DEAD_NAME, &s));
	KR_EQ(KERN_INVALID_RIGHT, mp_pollfd_open(s, &fd));
	KR_EQ(KERN_INVALID_ARGUMENT, mp_pollfd_open(p, NULL));
	ASSERT_EQ(-1, fd);
	/* The raw ioctl: unknown flags and reserved fields are refused. */
	dev = open("/dev/mach", O_RDWR);
	ASSERT_LE(0, dev);
	a.name = 0x103;
	a.flags = 2;
	ASSERT_EQ(-1, ioctl(dev, MACHPORT_IOC_PORT_POLLFD, &a));
	ASSERT_EQ(EINVAL, errno);
	a.flags = 0;
	a.reserved = 1;
	ASSERT_EQ(-1, ioctl(dev, MACHPORT_IOC_PORT_POLLFD, &a));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, ioctl(dev, MACHPORT_IOC_PORT_POLLFD, (void *)8));
	ASSERT_EQ(EFAULT, errno);
	close(dev);
	/* The descriptor is for polling only. */
	KR_EQ(KERN_SUCCESS, mp_pollfd_open(p, &fd));
	ASSERT_EQ(-1, read(fd, &c, 1));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, write(fd, &c, 1));
	ASSERT_EQ(EINVAL, errno);
	close(fd);
	mach_port_destroy(SELF, p);
}

/* ---- Lifetime --------------------------------------------------------- */

struct waiter {
	int epfd;
	volatile int tid;
	uint32_t events;
	int n;
};

static void *epoll_waiter(void *arg)
{
	struct waiter *w = arg;
	struct epoll_event ev = { 0 };

	w->tid = gettid();
	w->n = epoll_wait(w->epfd, &ev, 1, 10000);
	w->events = ev.events;
	return NULL;
}

TEST(epoll_sees_the_port_destroyed)
{
	mach_port_t p = new_port();
	struct epoll_event ev = { .events = EPOLLIN };
	struct waiter w = { 0 };
	pthread_t th;
	int fd;

	KR_EQ(KERN_SUCCESS, mp_pollfd_open(p, &fd));
	w.epfd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_EQ(0, epoll_ctl(w.epfd, EPOLL_CTL_ADD, fd, &ev));
	ASSERT_EQ(0, pthread_create(&th, NULL, epoll_waiter, &w));
	mp_wait_blocked(&w.tid);
	mach_port_destroy(SELF, p);
	pthread_join(th, NULL);
	ASSERT_EQ(1, w.n);
	ASSERT_EQ(EPOLLHUP, w.events & EPOLLHUP);
	/* Still hung up, for ever; closing in either order is fine. */
	ASSERT_EQ(POLLHUP, revents(fd, 0) & POLLHUP);
	close(w.epfd);
	close(fd);
}

TEST(epoll_wakes_on_a_message)
{
	mach_port_t p = new_port();
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	struct waiter w = { 0 };
	pthread_t th;
	int fd;

	KR_EQ(KERN_SUCCESS, mp_pollfd_open(p, &fd));
	w.epfd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_EQ(0, epoll_ctl(w.epfd, EPOLL_CTL_ADD, fd, &ev));
	ASSERT_EQ(0, pthread_create(&th, NULL, epoll_waiter, &w));
	mp_wait_blocked(&w.tid);
	KR_EQ(MACH_MSG_SUCCESS, poke(p));
	pthread_join(th, NULL);
	ASSERT_EQ(1, w.n);
	ASSERT_EQ(EPOLLIN, w.events);
	/* Edge-triggered: each new message is a new edge. */
	KR_EQ(MACH_MSG_SUCCESS, poke(p));
	ASSERT_EQ(1, epoll_wait(w.epfd, &ev, 1, 1000));
	close(fd);
	mach_port_destroy(SELF, p);
	close(w.epfd);
}

TEST(close_orders)
{
	long ports = mp_count("ports");
	struct epoll_event ev = { .events = EPOLLIN };
	mach_port_t p;
	int fd, epfd;

	/* fd closed while in an epoll set, then the port destroyed. */
	p = new_port();
	KR_EQ(KERN_SUCCESS, mp_pollfd_open(p, &fd));
	epfd = epoll_create1(0);
	ASSERT_EQ(0, epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev));
	close(fd);
	mach_port_destroy(SELF, p);
	ASSERT_EQ(0, epoll_wait(epfd, &ev, 1, 0));
	close(epfd);
	/* Port destroyed first, epoll closed, then the fd. */
	p = new_port();
	KR_EQ(KERN_SUCCESS, mp_pollfd_open(p, &fd));
	epfd = epoll_create1(0);
	ASSERT_EQ(0, epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev));
	mach_port_destroy(SELF, p);
	ASSERT_EQ(ports + 1, mp_count("ports"));	/* the fd holds it */
	close(epfd);
	close(fd);
	/* Several descriptors for one port. */
	p = new_port();
	KR_EQ(KERN_SUCCESS, mp_pollfd_open(p, &fd));
	KR_EQ(KERN_SUCCESS, mp_pollfd_open(p, &epfd));
	close(fd);
	KR_EQ(MACH_MSG_SUCCESS, poke(p));
	ASSERT_EQ(POLLIN, revents(epfd, 0));
	close(epfd);
	mach_port_destroy(SELF, p);
	ASSERT_EQ(ports, mp_count("ports"));
}

/* Pass a descriptor over a unix socket. */
static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, b;
	struct iovec iov = { .iov_base = &b, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &mh, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * A child's port, watched from here through its descriptor: the child
 * exits (its space and port go with it) while we sit in epoll_wait.
 */
TEST(epoll_while_the_owner_exits)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int sv[2], fd, epfd, status;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		mach_port_t p = new_port();
		int pfd;
		char c;

		if (mp_pollfd_open(p, &pfd) || poke(p) || send_fd(sv[1], pfd))
			_exit(1);
		close(pfd);
		read(sv[1], &c, 1);	/* until the parent watches */
		_exit(0);
	}
	fd = recv_fd(sv[0]);
	ASSERT_LE(0, fd);
	epfd = epoll_create1(0);
	ASSERT_EQ(0, epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev));
	ASSERT_EQ(1, epoll_wait(epfd, &ev, 1, 1000));
	ASSERT_EQ(EPOLLIN, ev.events);	/* the child's message */
	ASSERT_EQ(1, write(sv[0], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ev.events = 0;
	ASSERT_EQ(1, epoll_wait(epfd, &ev, 1, 5000));
	ASSERT_EQ(EPOLLHUP, ev.events & EPOLLHUP);
	close(fd);
	close(epfd);
	close(sv[0]);
	close(sv[1]);
}

/* The process holding the port, the descriptor and the epoll set exits. */
TEST(exit_with_everything_open)
{
	long ports = mp_count("ports");
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct epoll_event ev = { .events = EPOLLIN };
		mach_port_t p = new_port(), set;
		int fd, sfd, epfd = epoll_create1(0);

		mach_port_allocate(SELF, MACH_PORT_RIGHT_PORT_SET, &set);
		mach_port_insert_member(SELF, p, set);
		if (mp_pollfd_open(p, &fd) || mp_pollfd_open(set, &sfd))
			_exit(1);
		epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
		epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev);
		poke(p);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(ports, mp_count("ports"));
}

TEST_HARNESS_MAIN
