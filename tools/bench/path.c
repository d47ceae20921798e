// SPDX-License-Identifier: MIT
/*
 * machport-bench: the cost of the message path alone. One process sends a
 * 64-byte message to itself and receives it, so that nothing blocks and
 * nothing is scheduled: what is left is the kernel's work per message
 * (system call entry and exit, checks, copies, queueing), next to the
 * same for the other mechanisms and to a null system call.
 *
 *   null syscall     getppid()
 *   machport null    mach_port_type() on a receive right: one ioctl with a
 *                    name lookup, the floor of any machport call
 *   machport         mach_msg(MACH_SEND_MSG | MACH_RCV_MSG) to its own port:
 *                    one ioctl carries the message there and back
 *   machport 2 calls mach_msg(MACH_SEND_MSG), then mach_msg(MACH_RCV_MSG)
 *   pipe, unix-dgram, posix-mq, sysv-mq   one send and one receive call
 *   eventfd          write and read of the counter (no payload)
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mach/mach.h>

#include "bench.h"

#define LEN	64

struct pmsg {
	mach_msg_header_t h;
	unsigned char payload[LEN];
	mach_msg_max_trailer_t trailer;
};

static struct {
	int pipe[2], dgram[2], efd, sysv;
	mqd_t mq;
	mach_port_t port;
	struct pmsg m;
	unsigned char buf[LEN + sizeof(long)];
} S;

static int op_null(void)
{
	return syscall(SYS_getppid) > 0 ? 0 : -1;
}

static int op_mach_null(void)
{
	mach_port_type_t t;

	return mach_port_type(mach_task_self(), S.port, &t) ? -1 : 0;
}

static void mach_fill(void)
{
	S.m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
	S.m.h.msgh_remote_port = S.port;
	S.m.h.msgh_local_port = MACH_PORT_NULL;
	S.m.h.msgh_voucher_port = MACH_PORT_NULL;
	S.m.h.msgh_id = 5000;
}

static int op_mach(void)
{
	mach_fill();
	if (mach_msg(&S.m.h, MACH_SEND_MSG | MACH_RCV_MSG,
		     sizeof(mach_msg_header_t) + LEN, sizeof(S.m), S.port,
		     MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL))
		return -1;
	return S.m.h.msgh_size == sizeof(mach_msg_header_t) + LEN ? 0 : -1;
}

static int op_mach2(void)
{
	mach_fill();
	if (mach_msg(&S.m.h, MACH_SEND_MSG, sizeof(mach_msg_header_t) + LEN, 0,
		     MACH_PORT_NULL, MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL) ||
	    mach_msg(&S.m.h, MACH_RCV_MSG, 0, sizeof(S.m), S.port,
		     MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL))
		return -1;
	return 0;
}

static int op_pipe(void)
{
	return write(S.pipe[1], S.buf, LEN) == LEN &&
	       read(S.pipe[0], S.buf, LEN) == LEN ? 0 : -1;
}

static int op_dgram(void)
{
	return send(S.dgram[0], S.buf, LEN, 0) == LEN &&
	       recv(S.dgram[1], S.buf, LEN, 0) == LEN ? 0 : -1;
}

static int op_eventfd(void)
{
	uint64_t v = 1;

	return write(S.efd, &v, 8) == 8 && read(S.efd, &v, 8) == 8 ? 0 : -1;
}

static int op_posixmq(void)
{
	return !mq_send(S.mq, (char *)S.buf, LEN, 0) &&
	       mq_receive(S.mq, (char *)S.buf, LEN, NULL) == LEN ? 0 : -1;
}

static int op_sysvmq(void)
{
	*(long *)S.buf = 1;
	return !msgsnd(S.sysv, S.buf, LEN, 0) &&
	       msgrcv(S.sysv, S.buf, LEN, 0, 0) == LEN ? 0 : -1;
}

static const struct {
	const char *name;
	int (*op)(void);
	bool mach;
} ops[] = {
	{ "null syscall", op_null, false },
	{ "machport null", op_mach_null, true },
	{ "machport", op_mach, true },
	{ "machport 2 calls", op_mach2, true },
	{ "pipe", op_pipe, false },
	{ "unix-dgram", op_dgram, false },
	{ "eventfd", op_eventfd, false },
	{ "posix-mq", op_posixmq, false },
	{ "sysv-mq", op_sysvmq, false },
};

static int setup(void)
{
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = LEN };
	char name[64];

	memset(S.buf, 0x22, sizeof(S.buf));
	if (pipe2(S.pipe, O_CLOEXEC) ||
	    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, S.dgram))
		return -1;
	S.efd = eventfd(0, EFD_CLOEXEC);
	snprintf(name, sizeof(name), "/machport-bench-path-%d", (int)getpid());
	S.mq = mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
	if (S.mq >= 0)
		mq_unlink(name);
	S.sysv = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (S.efd < 0 || S.mq < 0 || S.sysv < 0)
		return -1;
	if (!access("/dev/mach", F_OK) &&
	    mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &S.port))
		return -1;
	return 0;
}

static void teardown(void)
{
	close(S.pipe[0]);
	close(S.pipe[1]);
	close(S.dgram[0]);
	close(S.dgram[1]);
	close(S.efd);
	mq_close(S.mq);
	msgctl(S.sysv, IPC_RMID, NULL);
	if (S.port)
		mach_port_destroy(mach_task_self(), S.port);
}

/*
 * @rounds rounds of @iters operations of every kind, interleaved; per
 * kind the best round's mean (the least disturbed by the machine).
 */
int path_measure(struct pathres *out, int max, int rounds, int iters,
		 bool (*selected)(const char *name))
{
	int n = (int)(sizeof(ops) / sizeof(ops[0])), i, r, k;
	bool have_mach = !access("/dev/mach", F_OK);

	if (n > max)
		n = max;
	if (setup()) {
		note("path: setup: %s", strerror(errno));
		teardown();
		return 0;
	}
	for (i = 0; i < n; i++) {
		out[i].name = ops[i].name;
		out[i].ok = (have_mach || !ops[i].mach) && selected(ops[i].name);
		out[i].best_ns = 0;
	}
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++) {
			uint64_t t0;
			double ns;

			if (!out[i].ok)
				continue;
			t0 = now_ns();
			for (k = 0; k < iters; k++)
				if (ops[i].op()) {
					note("path: %s failed: %s", ops[i].name,
					     strerror(errno));
					out[i].ok = false;
					break;
				}
			ns = (double)(now_ns() - t0) / iters;
			if (out[i].ok && (!out[i].best_ns || ns < out[i].best_ns))
				out[i].best_ns = ns;
		}
	teardown();
	return n;
}
