// SPDX-License-Identifier: MIT
/*
 * machport-bench: bulk transfer of one buffer from a sender to a receiver
 * process. The receiver must end up with the bytes readable in its own
 * memory, and reads (and checks) one byte of every page:
 *
 *   pipe          write/read through a 1 MiB pipe into a reused buffer
 *   unix-stream   the same through an AF_UNIX stream socket (4 MiB buffers)
 *   memfd         the sender writes into a new memfd and passes it with
 *                 SCM_RIGHTS; the receiver maps it
 *   machport-ool  (mach.c) one out-of-line descriptor
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

#define PAGE	4096

void bulk_fill(unsigned char *buf, size_t size)
{
	size_t i;

	memset(buf, 0x33, size);
	for (i = 0; i < size; i += PAGE)
		buf[i] = (unsigned char)(i / PAGE * 7 + 1);
}

int bulk_check(const unsigned char *buf, size_t size)
{
	unsigned int bad = 0;
	size_t i;

	for (i = 0; i < size; i += PAGE)
		bad |= buf[i] ^ (unsigned char)(i / PAGE * 7 + 1);
	if (size && buf[size - 1] != (((size - 1) % PAGE) ? 0x33 :
				      (unsigned char)((size - 1) / PAGE * 7 + 1)))
		bad = 1;
	if (bad)
		note("bulk: the received bytes differ from the sent ones");
	return bad ? -1 : 0;
}

/* The receive buffer, kept and reused across transfers (fd[2] unused). */
static unsigned char *rcvbuf;
static size_t rcvbuf_size;

static unsigned char *receive_buffer(size_t size)
{
	if (size > rcvbuf_size) {
		free(rcvbuf);
		rcvbuf = xmalloc(size);
		rcvbuf_size = size;
	}
	return rcvbuf;
}

static int none(struct chan *c)
{
	(void)c;
	return 0;
}

/* fd[0] read end, fd[1] write end */
static int bpipe_setup(struct chan *c)
{
	if (pipe2(c->fd, O_CLOEXEC))
		return -1;
	if (fcntl(c->fd[1], F_SETPIPE_SZ, 1 << 20) < 0)
		note("pipe: F_SETPIPE_SZ 1 MiB: %s", strerror(errno));
	return 0;
}

static int bpipe_send(struct chan *c, const unsigned char *buf, size_t size)
{
	return write_full(c->fd[1], buf, size);
}

static int bpipe_recv(struct chan *c, size_t size)
{
	unsigned char *buf = receive_buffer(size);

	if (read_full(c->fd[0], buf, size))
		return -1;
	return bulk_check(buf, size);
}

const struct bulk_peer bulk_pipe = {
	.name = "pipe",
	.setup = bpipe_setup,
	.receiver = none,
	.sender = none,
	.send = bpipe_send,
	.recv = bpipe_recv,
};

/* fd[0] receiver's end, fd[1] sender's end */
static int bstream_setup(struct chan *c)
{
	int size = 4 << 20, i;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c->fd))
		return -1;
	for (i = 0; i < 2; i++) {
		setsockopt(c->fd[i], SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size));
		setsockopt(c->fd[i], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	}
	return 0;
}

static int bstream_send(struct chan *c, const unsigned char *buf, size_t size)
{
	return write_full(c->fd[1], buf, size);
}

const struct bulk_peer bulk_stream = {
	.name = "unix-stream",
	.setup = bstream_setup,
	.receiver = none,
	.sender = none,
	.send = bstream_send,
	.recv = bpipe_recv,
};

/* fd[0] receiver's end, fd[1] sender's end (seqpacket: one fd a message) */
static int bmemfd_setup(struct chan *c)
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->fd);
}

static int bmemfd_send(struct chan *c, const unsigned char *buf, size_t size)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	struct iovec iov;
	uint64_t sz = size;
	int fd, ret;

	fd = memfd_create("machport-bench", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write_full(fd, buf, size)) {
		close(fd);
		return -1;
	}
	iov.iov_base = &sz;
	iov.iov_len = sizeof(sz);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	ret = sendmsg(c->fd[1], &mh, 0) == sizeof(sz) ? 0 : -1;
	close(fd);
	return ret;
}

static int bmemfd_recv(struct chan *c, size_t size)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	struct iovec iov;
	uint64_t sz;
	void *p;
	int fd, ret;

	iov.iov_base = &sz;
	iov.iov_len = sizeof(sz);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	if (recvmsg(c->fd[0], &mh, MSG_CMSG_CLOEXEC) != sizeof(sz) || sz != size)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	ret = bulk_check(p, size);
	munmap(p, size);
	return ret;
}

const struct bulk_peer bulk_memfd = {
	.name = "memfd",
	.setup = bmemfd_setup,
	.receiver = none,
	.sender = none,
	.send = bmemfd_send,
	.recv = bmemfd_recv,
};
