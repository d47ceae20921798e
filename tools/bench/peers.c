// SPDX-License-Identifier: MIT
/*
 * machport-bench: the Linux peers. Each carries the same payload as
 * machport (struct wire first) with one system call per send and one per
 * receive where the mechanism allows it:
 *
 *   pipe          two pipes, read/write
 *   unix-stream   AF_UNIX SOCK_STREAM socketpair, send/recv
 *   unix-seqpacket, unix-dgram   the same with those socket types
 *   eventfd       payload in a shared page, an eventfd each way to signal
 *   futex         payload in a shared page, FUTEX_WAIT/FUTEX_WAKE on a word
 *   posix-mq      two POSIX message queues
 *   sysv-mq       two System V message queues
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

static struct wire *W(unsigned char *buf)
{
	return (struct wire *)buf;
}

/* The server's reply: the request's header, same length. */
static void make_reply(struct chan *c)
{
	memcpy(c->sbuf, c->rbuf, sizeof(struct wire));
}

/* ---- byte streams: pipe, AF_UNIX stream --------------------------------- */

/* One message from a byte stream: what one read brings, completed. */
static int stream_recv(int fd, unsigned char *buf)
{
	ssize_t n;
	uint32_t len;

	do {
		n = read(fd, buf, MAX_PAYLOAD);
	} while (n < 0 && errno == EINTR);
	if (n < (ssize_t)sizeof(struct wire)) {
		if (n <= 0)
			return -1;
		if (read_full(fd, buf + n, sizeof(struct wire) - (size_t)n))
			return -1;
		n = sizeof(struct wire);
	}
	len = W(buf)->len;
	if (len > MAX_PAYLOAD || (size_t)n > len)
		return -1;
	return read_full(fd, buf + n, len - (size_t)n);
}

/* fd[0]/fd[1]: requests, client writes fd[1]; fd[2]/fd[3]: replies. */
static int pipe_setup(struct chan *c)
{
	if (pipe2(c->fd, O_CLOEXEC) || pipe2(c->fd + 2, O_CLOEXEC))
		return -1;
	chan_buffers(c);
	return 0;
}

static void stream_serve(struct chan *c, int in, int out)
{
	for (;;) {
		if (stream_recv(in, c->rbuf))
			die("stream server: read: %s", strerror(errno));
		make_reply(c);
		if (write_full(out, c->sbuf, W(c->rbuf)->len))
			die("stream server: write: %s", strerror(errno));
		if (W(c->rbuf)->op == OP_QUIT)
			return;
	}
}

static void pipe_serve(struct chan *c)
{
	stream_serve(c, c->fd[0], c->fd[3]);
}

static int pipe_client(struct chan *c)
{
	(void)c;
	return 0;
}

static int stream_call(int out, int in, struct chan *c, uint32_t len)
{
	if (write_full(out, c->sbuf, len))
		return -1;
	return stream_recv(in, c->rbuf);
}

static int pipe_call(struct chan *c, uint32_t len)
{
	return stream_call(c->fd[1], c->fd[2], c, len);
}

/* Async: requests only; a pipe as deep as the system allows. */
static int pipe_async_setup(struct chan *c)
{
	if (pipe2(c->fd, O_CLOEXEC))
		return -1;
	fcntl(c->fd[1], F_SETPIPE_SZ, 1 << 20);
	chan_buffers(c);
	return 0;
}

static int pipe_async_send(struct chan *c, uint32_t len)
{
	return write_full(c->fd[1], c->sbuf, len);
}

/* Exactly one message per read: the size is known in advance. */
static int pipe_async_recv(struct chan *c)
{
	if (read_full(c->fd[0], c->rbuf, c->msg_len))
		return -1;
	return (int)W(c->rbuf)->op;
}

static void close_all(struct chan *c)
{
	size_t i;

	for (i = 0; i < sizeof(c->fd) / sizeof(c->fd[0]); i++)
		if (c->fd[i] > 0)
			close(c->fd[i]);
}

const struct peer peer_pipe = {
	.name = "pipe",
	.rpc_setup = pipe_setup,
	.rpc_serve = pipe_serve,
	.rpc_client = pipe_client,
	.rpc_call = pipe_call,
	.async_setup = pipe_async_setup,
	.async_receiver = pipe_client,
	.async_sender = pipe_client,
	.async_send = pipe_async_send,
	.async_recv = pipe_async_recv,
	.cleanup = close_all,
};

/* ---- AF_UNIX sockets: fd[0] the client's end, fd[1] the server's --------- */

static int sock_setup_type(struct chan *c, int type, int bufsize)
{
	int i;

	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, c->fd))
		return -1;
	for (i = 0; i < 2 && bufsize; i++) {
		setsockopt(c->fd[i], SOL_SOCKET, SO_SNDBUFFORCE, &bufsize,
			   sizeof(bufsize));
		setsockopt(c->fd[i], SOL_SOCKET, SO_RCVBUFFORCE, &bufsize,
			   sizeof(bufsize));
	}
	chan_buffers(c);
	return 0;
}

static int stream_setup(struct chan *c)
{
	return sock_setup_type(c, SOCK_STREAM, 0);
}

static void stream_sock_serve(struct chan *c)
{
	stream_serve(c, c->fd[1], c->fd[1]);
}

static int stream_sock_call(struct chan *c, uint32_t len)
{
	return stream_call(c->fd[0], c->fd[0], c, len);
}

static int stream_async_setup(struct chan *c)
{
	return sock_setup_type(c, SOCK_STREAM, 8 << 20);
}

static int sock_async_send(struct chan *c, uint32_t len)
{
	ssize_t n;

	do {
		n = send(c->fd[0], c->sbuf, len, 0);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

static int stream_async_recv(struct chan *c)
{
	if (read_full(c->fd[1], c->rbuf, c->msg_len))
		return -1;
	return (int)W(c->rbuf)->op;
}

const struct peer peer_stream = {
	.name = "unix-stream",
	.rpc_setup = stream_setup,
	.rpc_serve = stream_sock_serve,
	.rpc_client = pipe_client,
	.rpc_call = stream_sock_call,
	.async_setup = stream_async_setup,
	.async_receiver = pipe_client,
	.async_sender = pipe_client,
	.async_send = sock_async_send,
	.async_recv = stream_async_recv,
	.cleanup = close_all,
};

/* Message sockets: one send, one recv per message. */
static int msgsock_recv(int fd, unsigned char *buf)
{
	ssize_t n;

	do {
		n = recv(fd, buf, MAX_PAYLOAD, 0);
	} while (n < 0 && errno == EINTR);
	if (n < (ssize_t)sizeof(struct wire) || (uint32_t)n != W(buf)->len)
		return -1;
	return 0;
}

static int msgsock_send(int fd, unsigned char *buf, uint32_t len)
{
	ssize_t n;

	do {
		n = send(fd, buf, len, 0);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

static void msgsock_serve_one(struct chan *c, int fd)
{
	if (msgsock_recv(fd, c->rbuf))
		die("socket server: recv: %s", strerror(errno));
	make_reply(c);
	if (msgsock_send(fd, c->sbuf, W(c->rbuf)->len))
		die("socket server: send: %s", strerror(errno));
}

static void msgsock_serve(struct chan *c)
{
	do
		msgsock_serve_one(c, c->fd[1]);
	while (W(c->rbuf)->op != OP_QUIT);
}

static int msgsock_call(struct chan *c, uint32_t len)
{
	if (msgsock_send(c->fd[0], c->sbuf, len))
		return -1;
	return msgsock_recv(c->fd[0], c->rbuf);
}

static int msgsock_async_recv(struct chan *c)
{
	if (msgsock_recv(c->fd[1], c->rbuf))
		return -1;
	return (int)W(c->rbuf)->op;
}

static int seqpacket_setup(struct chan *c)
{
	return sock_setup_type(c, SOCK_SEQPACKET, 0);
}

static int seqpacket_async_setup(struct chan *c)
{
	return sock_setup_type(c, SOCK_SEQPACKET, 8 << 20);
}

/*
 * N clients, one server: a seqpacket socketpair per client, the server
 * waits on all of them with epoll. fd[2i] client i's end, fd[2i+1] the
 * server's, fd[2*MAX_CLIENTS] the epoll instance.
 */
static int seqpacket_multi_setup(struct chan *c)
{
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
			       c->fd + 2 * i))
			return -1;
	chan_buffers(c);
	return 0;
}

static void seqpacket_multi_serve(struct chan *c)
{
	struct epoll_event ev[MAX_CLIENTS];
	int ep = epoll_create1(EPOLL_CLOEXEC), i, n, live = MAX_CLIENTS;

	if (ep < 0)
		die("epoll_create1: %s", strerror(errno));
	for (i = 0; i < MAX_CLIENTS; i++) {
		close(c->fd[2 * i]);
		ev[0].events = EPOLLIN;
		ev[0].data.fd = c->fd[2 * i + 1];
		if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd[2 * i + 1], ev))
			die("epoll_ctl: %s", strerror(errno));
	}
	while (live) {
		n = epoll_wait(ep, ev, MAX_CLIENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("epoll_wait: %s", strerror(errno));
		for (i = 0; i < n; i++) {
			msgsock_serve_one(c, ev[i].data.fd);
			if (W(c->rbuf)->op == OP_QUIT) {
				epoll_ctl(ep, EPOLL_CTL_DEL, ev[i].data.fd, NULL);
				live--;
			}
		}
	}
}

static int seqpacket_multi_client(struct chan *c)
{
	c->fd[0] = c->fd[2 * c->id];
	return 0;
}

const struct peer peer_seqpacket = {
	.name = "unix-seqpacket",
	.rpc_setup = seqpacket_setup,
	.rpc_serve = msgsock_serve,
	.rpc_client = pipe_client,
	.rpc_call = msgsock_call,
	.async_setup = seqpacket_async_setup,
	.async_receiver = pipe_client,
	.async_sender = pipe_client,
	.async_send = sock_async_send,
	.async_recv = msgsock_async_recv,
	.multi_setup = seqpacket_multi_setup,
	.multi_serve = seqpacket_multi_serve,
	.multi_client = seqpacket_multi_client,
	.cleanup = close_all,
};

static int dgram_setup(struct chan *c)
{
	return sock_setup_type(c, SOCK_DGRAM, 0);
}

/* A datagram socket's queue length is net.unix.max_dgram_qlen (10). */
static int dgram_async_setup(struct chan *c)
{
	write_proc("/proc/sys/net/unix/max_dgram_qlen", "4096");
	return sock_setup_type(c, SOCK_DGRAM, 8 << 20);
}

const struct peer peer_dgram = {
	.name = "unix-dgram",
	.rpc_setup = dgram_setup,
	.rpc_serve = msgsock_serve,
	.rpc_client = pipe_client,
	.rpc_call = msgsock_call,
	.async_setup = dgram_async_setup,
	.async_receiver = pipe_client,
	.async_sender = pipe_client,
	.async_send = sock_async_send,
	.async_recv = msgsock_async_recv,
	.cleanup = close_all,
};

/* ---- shared memory + eventfd / futex -------------------------------------- */

struct shm_box {
	_Atomic uint32_t word;		/* futex: the sequence */
	uint32_t pad;
	unsigned char buf[MAX_PAYLOAD];
};

static int shm_setup(struct chan *c)
{
	c->shm = mmap(NULL, sizeof(struct shm_box), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->shm == MAP_FAILED)
		return -1;
	memset(c->shm, 0, sizeof(struct shm_box));
	chan_buffers(c);
	return 0;
}

/* fd[0]: requests, fd[1]: replies. */
static int eventfd_setup(struct chan *c)
{
	c->fd[0] = eventfd(0, EFD_CLOEXEC);
	c->fd[1] = eventfd(0, EFD_CLOEXEC);
	if (c->fd[0] < 0 || c->fd[1] < 0)
		return -1;
	return shm_setup(c);
}

static int efd_post(int fd)
{
	uint64_t one = 1;

	return write(fd, &one, sizeof(one)) == sizeof(one) ? 0 : -1;
}

static int efd_take(int fd)
{
	uint64_t v;
	ssize_t n;

	do {
		n = read(fd, &v, sizeof(v));
	} while (n < 0 && errno == EINTR);
	return n == sizeof(v) ? 0 : -1;
}

static void eventfd_serve(struct chan *c)
{
	struct shm_box *box = c->shm;

	do {
		if (efd_take(c->fd[0]))
			die("eventfd server: read: %s", strerror(errno));
		memcpy(c->rbuf, box->buf, W(box->buf)->len);
		make_reply(c);
		memcpy(box->buf, c->sbuf, W(c->rbuf)->len);
		if (efd_post(c->fd[1]))
			die("eventfd server: write: %s", strerror(errno));
	} while (W(c->rbuf)->op != OP_QUIT);
}

static int eventfd_call(struct chan *c, uint32_t len)
{
	struct shm_box *box = c->shm;

	memcpy(box->buf, c->sbuf, len);
	if (efd_post(c->fd[0]) || efd_take(c->fd[1]))
		return -1;
	memcpy(c->rbuf, box->buf, W(box->buf)->len);
	return 0;
}

static void shm_cleanup(struct chan *c)
{
	close_all(c);
	munmap(c->shm, sizeof(struct shm_box));
}

const struct peer peer_eventfd = {
	.name = "eventfd",
	.rpc_setup = eventfd_setup,
	.rpc_serve = eventfd_serve,
	.rpc_client = pipe_client,
	.rpc_call = eventfd_call,
	.cleanup = shm_cleanup,
};

static long futex(_Atomic uint32_t *uaddr, int op, uint32_t val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

/* Wait until *word != old; no spinning (the machine may have one CPU). */
static void futex_wait_change(_Atomic uint32_t *word, uint32_t old)
{
	while (atomic_load_explicit(word, memory_order_acquire) == old)
		futex(word, FUTEX_WAIT, old);
}

static void futex_publish(_Atomic uint32_t *word, uint32_t val)
{
	atomic_store_explicit(word, val, memory_order_release);
	futex(word, FUTEX_WAKE, 1);
}

/* The word counts: the client makes it odd (request), the server even. */
static void futex_serve(struct chan *c)
{
	struct shm_box *box = c->shm;
	uint32_t seen = 0;

	do {
		futex_wait_change(&box->word, seen);
		memcpy(c->rbuf, box->buf, W(box->buf)->len);
		make_reply(c);
		memcpy(box->buf, c->sbuf, W(c->rbuf)->len);
		seen = atomic_load_explicit(&box->word, memory_order_relaxed) + 1;
		futex_publish(&box->word, seen);
	} while (W(c->rbuf)->op != OP_QUIT);
}

static int futex_call(struct chan *c, uint32_t len)
{
	struct shm_box *box = c->shm;
	uint32_t req = atomic_load_explicit(&box->word, memory_order_relaxed) + 1;

	memcpy(box->buf, c->sbuf, len);
	futex_publish(&box->word, req);
	futex_wait_change(&box->word, req);
	memcpy(c->rbuf, box->buf, W(box->buf)->len);
	return 0;
}

const struct peer peer_futex = {
	.name = "futex",
	.rpc_setup = shm_setup,
	.rpc_serve = futex_serve,
	.rpc_client = pipe_client,
	.rpc_call = futex_call,
	.cleanup = shm_cleanup,
};

/* ---- POSIX message queues: fd[0] requests, fd[1] replies ------------------ */

static int pmq_open2(struct chan *c, long maxmsg, long msgsize)
{
	struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	static int seq;
	char name[64];
	int i;

	setrlimit(RLIMIT_MSGQUEUE, &unlimited);
	if (maxmsg > 10)
		write_proc("/proc/sys/fs/mqueue/msg_max", "4096");
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "/machport-bench-%d-%d",
			 (int)getpid(), seq++);
		c->fd[i] = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
				   0600, &attr);
		if (c->fd[i] < 0)
			return -1;
		mq_unlink(name);
	}
	chan_buffers(c);
	return 0;
}

static int pmq_setup(struct chan *c)
{
	return pmq_open2(c, 10, MAX_PAYLOAD);
}

static int pmq_recv(mqd_t q, unsigned char *buf)
{
	ssize_t n;

	do {
		n = mq_receive(q, (char *)buf, MAX_PAYLOAD, NULL);
	} while (n < 0 && errno == EINTR);
	return n >= (ssize_t)sizeof(struct wire) && (uint32_t)n == W(buf)->len ?
	       0 : -1;
}

static int pmq_send(mqd_t q, unsigned char *buf, uint32_t len)
{
	int r;

	do {
		r = mq_send(q, (const char *)buf, len, 0);
	} while (r < 0 && errno == EINTR);
	return r;
}

static void pmq_serve(struct chan *c)
{
	do {
		if (pmq_recv(c->fd[0], c->rbuf))
			die("posix-mq server: receive: %s", strerror(errno));
		make_reply(c);
		if (pmq_send(c->fd[1], c->sbuf, W(c->rbuf)->len))
			die("posix-mq server: send: %s", strerror(errno));
	} while (W(c->rbuf)->op != OP_QUIT);
}

static int pmq_call(struct chan *c, uint32_t len)
{
	if (pmq_send(c->fd[0], c->sbuf, len))
		return -1;
	return pmq_recv(c->fd[1], c->rbuf);
}

/* Root may exceed fs.mqueue.msg_max (10) up to 65536 messages. */
static int pmq_async_setup(struct chan *c)
{
	return pmq_open2(c, 4096, MAX_PAYLOAD);
}

static int pmq_async_send(struct chan *c, uint32_t len)
{
	return pmq_send(c->fd[0], c->sbuf, len);
}

static int pmq_async_recv(struct chan *c)
{
	if (pmq_recv(c->fd[0], c->rbuf))
		return -1;
	return (int)W(c->rbuf)->op;
}

const struct peer peer_posixmq = {
	.name = "posix-mq",
	.rpc_setup = pmq_setup,
	.rpc_serve = pmq_serve,
	.rpc_client = pipe_client,
	.rpc_call = pmq_call,
	.async_setup = pmq_async_setup,
	.async_receiver = pipe_client,
	.async_sender = pipe_client,
	.async_send = pmq_async_send,
	.async_recv = pmq_async_recv,
	.cleanup = close_all,
};

/*
 * ---- System V message queues: fd[0] requests, fd[1] replies (msqids) ----
 * The payload sits right after the long mtype in the peer's own buffers.
 */
static int svq_setup_bytes(struct chan *c, unsigned long qbytes)
{
	struct msqid_ds ds;
	int i;

	for (i = 0; i < 2; i++) {
		c->fd[i] = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
		if (c->fd[i] < 0)
			return -1;
		if (qbytes && !msgctl(c->fd[i], IPC_STAT, &ds)) {
			ds.msg_qbytes = qbytes;
			if (msgctl(c->fd[i], IPC_SET, &ds))
				note("sysv-mq: msg_qbytes %lu: %s", qbytes,
				     strerror(errno));
		}
	}
	c->sbuf = (unsigned char *)xmalloc(MAX_PAYLOAD + 64) + sizeof(long);
	c->rbuf = (unsigned char *)xmalloc(MAX_PAYLOAD + 64) + sizeof(long);
	((long *)c->sbuf)[-1] = 1;
	return 0;
}

static int svq_setup(struct chan *c)
{
	return svq_setup_bytes(c, 0);
}

static int svq_recv(int q, unsigned char *buf)
{
	ssize_t n;

	do {
		n = msgrcv(q, buf - sizeof(long), MAX_PAYLOAD, 0, 0);
	} while (n < 0 && errno == EINTR);
	return n >= (ssize_t)sizeof(struct wire) && (uint32_t)n == W(buf)->len ?
	       0 : -1;
}

static int svq_send(int q, unsigned char *buf, uint32_t len)
{
	int r;

	do {
		r = msgsnd(q, buf - sizeof(long), len, 0);
	} while (r < 0 && errno == EINTR);
	return r;
}

static void svq_serve(struct chan *c)
{
	do {
		if (svq_recv(c->fd[0], c->rbuf))
			die("sysv-mq server: msgrcv: %s", strerror(errno));
		make_reply(c);
		if (svq_send(c->fd[1], c->sbuf, W(c->rbuf)->len))
			die("sysv-mq server: msgsnd: %s", strerror(errno));
	} while (W(c->rbuf)->op != OP_QUIT);
}

static int svq_call(struct chan *c, uint32_t len)
{
	if (svq_send(c->fd[0], c->sbuf, len))
		return -1;
	return svq_recv(c->fd[1], c->rbuf);
}

static int svq_async_setup(struct chan *c)
{
	write_proc("/proc/sys/kernel/msgmnb", "16777216");
	return svq_setup_bytes(c, 16 << 20);
}

static int svq_async_send(struct chan *c, uint32_t len)
{
	return svq_send(c->fd[0], c->sbuf, len);
}

static int svq_async_recv(struct chan *c)
{
	if (svq_recv(c->fd[0], c->rbuf))
		return -1;
	return (int)W(c->rbuf)->op;
}

static void svq_cleanup(struct chan *c)
{
	msgctl(c->fd[0], IPC_RMID, NULL);
	msgctl(c->fd[1], IPC_RMID, NULL);
}

const struct peer peer_sysvmq = {
	.name = "sysv-mq",
	.rpc_setup = svq_setup,
	.rpc_serve = svq_serve,
	.rpc_client = pipe_client,
	.rpc_call = svq_call,
	.async_setup = svq_async_setup,
	.async_receiver = pipe_client,
	.async_sender = pipe_client,
	.async_send = svq_async_send,
	.async_recv = svq_async_recv,
	.cleanup = svq_cleanup,
};
