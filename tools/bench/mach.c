// SPDX-License-Identifier: MIT
/*
 * machport-bench: the machport peer, written as a macOS program would be.
 *
 * RPC: the server checks a receive right in with bootstrap_check_in(),
 * the client finds it with bootstrap_look_up(). Each call is one
 * mach_msg(MACH_SEND_MSG | MACH_RCV_MSG) per side: the client sends with
 * a send-once right made from its reply port (MACH_MSG_TYPE_MAKE_SEND_ONCE)
 * and waits on that port; the server replies on the send-once right and
 * waits for the next request in the same call.
 * One-way: the same service with its queue limit raised to
 * MACH_PORT_QLIMIT_MAX (mach_port_set_attributes, MACH_PORT_LIMITS_INFO).
 * N clients: one service port per client, all in one port set on which
 * the server receives.
 * Bulk: one out-of-line descriptor (MACH_MSG_VIRTUAL_COPY).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mach/mach.h>
#include <servers/bootstrap.h>

#include "bench.h"

struct mmsg {
	mach_msg_header_t h;
	unsigned char payload[MAX_PAYLOAD];
	mach_msg_max_trailer_t trailer;
};

#define HDR	((mach_msg_size_t)sizeof(mach_msg_header_t))

static struct wire *W(unsigned char *buf)
{
	return (struct wire *)buf;
}

static const char *mach_unavailable(void)
{
	return access("/dev/mach", R_OK | W_OK) ? "no /dev/mach" : NULL;
}

static void check(kern_return_t kr, const char *what)
{
	if (kr != KERN_SUCCESS)
		die("machport: %s: %s (0x%x)", what, mach_error_string(kr), kr);
}

/* fd[0]/fd[1]: the server says it has checked in. */
static int mach_setup(struct chan *c)
{
	static int seq;

	snprintf(c->name, sizeof(c->name), "org.machport.bench.%d.%d",
		 (int)getpid(), seq++);
	if (pipe(c->fd))
		return -1;
	c->priv = xmalloc(sizeof(struct mmsg));
	return 0;
}

static mach_port_t check_in(const char *name)
{
	mach_port_t port;

	check(bootstrap_check_in(bootstrap_port, name, &port),
	      "bootstrap_check_in");
	return port;
}

static void set_qlimit(mach_port_t port, int qlimit)
{
	mach_port_limits_t limits = { .mpl_qlimit = (mach_port_msgcount_t)qlimit };

	check(mach_port_set_attributes(mach_task_self(), port,
				       MACH_PORT_LIMITS_INFO,
				       (mach_port_info_t)&limits,
				       MACH_PORT_LIMITS_INFO_COUNT),
	      "mach_port_set_attributes(MACH_PORT_LIMITS_INFO)");
}

/*
 * Serve on @rcv (a port or a port set) until a request says OP_QUIT:
 * reply on the send-once right and receive the next request in one call.
 */
static void serve_on(struct mmsg *m, mach_port_t rcv)
{
	mach_msg_option_t opt = MACH_RCV_MSG;
	mach_msg_size_t send_size = 0;
	mach_msg_return_t mr;

	for (;;) {
		mr = mach_msg(&m->h, opt, send_size, sizeof(*m), rcv,
			      MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
		if (mr != MACH_MSG_SUCCESS)
			die("machport server: mach_msg: %s (0x%x)",
			    mach_error_string(mr), mr);
		send_size = m->h.msgh_size;
		m->h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
		m->h.msgh_local_port = MACH_PORT_NULL;
		m->h.msgh_voucher_port = MACH_PORT_NULL;
		m->h.msgh_id += 100;
		if (W(m->payload)->op == OP_QUIT) {
			mr = mach_msg(&m->h, MACH_SEND_MSG, send_size, 0,
				      MACH_PORT_NULL, MACH_MSG_TIMEOUT_NONE,
				      MACH_PORT_NULL);
			if (mr != MACH_MSG_SUCCESS)
				die("machport server: last reply: 0x%x", mr);
			return;
		}
		opt = MACH_SEND_MSG | MACH_RCV_MSG;
	}
}

static void mach_serve(struct chan *c)
{
	mach_port_t port = check_in(c->name);

	if (sync_signal(c->fd[1]))
		die("machport server: ready");
	serve_on(c->priv, port);
}

static int mach_client(struct chan *c)
{
	struct mmsg *m = c->priv;

	if (sync_wait(c->fd[0]))
		return -1;
	if (bootstrap_look_up(bootstrap_port, c->name, &c->port))
		return -1;
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE,
			       &c->reply))
		return -1;
	c->sbuf = c->rbuf = m->payload;
	return 0;
}

static int mach_call(struct chan *c, uint32_t len)
{
	struct mmsg *m = c->priv;
	mach_msg_return_t mr;

	m->h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND,
					MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m->h.msgh_remote_port = c->port;
	m->h.msgh_local_port = c->reply;
	m->h.msgh_voucher_port = MACH_PORT_NULL;
	m->h.msgh_id = 1000;
	mr = mach_msg(&m->h, MACH_SEND_MSG | MACH_RCV_MSG, HDR + len,
		      sizeof(*m), c->reply, MACH_MSG_TIMEOUT_NONE,
		      MACH_PORT_NULL);
	if (mr != MACH_MSG_SUCCESS) {
		note("machport client: mach_msg: %s (0x%x)",
		     mach_error_string(mr), mr);
		return -1;
	}
	return m->h.msgh_size == HDR + len ? 0 : -1;
}

/* ---- one-way -------------------------------------------------------------- */

static int mach_async_receiver(struct chan *c)
{
	struct mmsg *m = c->priv;

	c->port = check_in(c->name);
	set_qlimit(c->port, MACH_PORT_QLIMIT_MAX);
	c->rbuf = m->payload;
	return sync_signal(c->fd[1]);
}

static int mach_async_sender(struct chan *c)
{
	struct mmsg *m = c->priv;

	if (sync_wait(c->fd[0]))
		return -1;
	if (bootstrap_look_up(bootstrap_port, c->name, &c->port))
		return -1;
	c->sbuf = m->payload;
	return 0;
}

static int mach_async_send(struct chan *c, uint32_t len)
{
	struct mmsg *m = c->priv;
	mach_msg_return_t mr;

	m->h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
	m->h.msgh_remote_port = c->port;
	m->h.msgh_local_port = MACH_PORT_NULL;
	m->h.msgh_voucher_port = MACH_PORT_NULL;
	m->h.msgh_id = 2000;
	mr = mach_msg(&m->h, MACH_SEND_MSG, HDR + len, 0, MACH_PORT_NULL,
		      MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
	return mr == MACH_MSG_SUCCESS ? 0 : -1;
}

static int mach_async_recv(struct chan *c)
{
	struct mmsg *m = c->priv;
	mach_msg_return_t mr;

	mr = mach_msg(&m->h, MACH_RCV_MSG, 0, sizeof(*m), c->port,
		      MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
	if (mr != MACH_MSG_SUCCESS || m->h.msgh_size != HDR + c->msg_len)
		return -1;
	return (int)W(m->payload)->op;
}

/* ---- N clients: one port per client in one port set ------------------------- */

static void mach_multi_serve(struct chan *c)
{
	mach_port_t set, port;
	char name[96];
	int i;

	check(mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_PORT_SET,
				 &set), "mach_port_allocate(PORT_SET)");
	for (i = 0; i < MAX_CLIENTS; i++) {
		snprintf(name, sizeof(name), "%s.%d", c->name, i);
		port = check_in(name);
		check(mach_port_insert_member(mach_task_self(), port, set),
		      "mach_port_insert_member");
	}
	if (sync_signal(c->fd[1]))
		die("machport server: ready");
	serve_on(c->priv, set);
}

static int mach_multi_client(struct chan *c)
{
	struct mmsg *m = c->priv;
	char name[96];

	snprintf(name, sizeof(name), "%s.%d", c->name, c->id);
	if (bootstrap_look_up(bootstrap_port, name, &c->port))
		return -1;
	if (mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE,
			       &c->reply))
		return -1;
	c->sbuf = c->rbuf = m->payload;
	return 0;
}

/* The parent waits once for the server, before forking clients. */
static int mach_multi_wait(struct chan *c)
{
	return sync_wait(c->fd[0]);
}

const struct peer peer_machport = {
	.name = "machport",
	.unavailable = mach_unavailable,
	.rpc_setup = mach_setup,
	.rpc_serve = mach_serve,
	.rpc_client = mach_client,
	.rpc_call = mach_call,
	.async_setup = mach_setup,
	.async_receiver = mach_async_receiver,
	.async_sender = mach_async_sender,
	.async_send = mach_async_send,
	.async_recv = mach_async_recv,
	.multi_setup = mach_setup,
	.multi_serve = mach_multi_serve,
	.multi_wait = mach_multi_wait,
	.multi_client = mach_multi_client,
};

/* ---- bulk: one out-of-line region --------------------------------------------- */

struct ool_msg {
	mach_msg_header_t h;
	mach_msg_body_t body;
	mach_msg_ool_descriptor_t ool;
};

struct ool_rcv {
	struct ool_msg m;
	mach_msg_max_trailer_t trailer;
};

static int ool_receiver(struct chan *c)
{
	c->port = check_in(c->name);
	return sync_signal(c->fd[1]);
}

static int ool_sender(struct chan *c)
{
	if (sync_wait(c->fd[0]))
		return -1;
	return bootstrap_look_up(bootstrap_port, c->name, &c->port) ? -1 : 0;
}

static int ool_send(struct chan *c, const unsigned char *buf, size_t size)
{
	struct ool_msg m;

	memset(&m, 0, sizeof(m));
	m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) |
			MACH_MSGH_BITS_COMPLEX;
	m.h.msgh_remote_port = c->port;
	m.h.msgh_id = 3000;
	m.body.msgh_descriptor_count = 1;
	m.ool.address = (void *)buf;
	m.ool.size = (mach_msg_size_t)size;
	m.ool.deallocate = FALSE;
	m.ool.copy = MACH_MSG_VIRTUAL_COPY;
	m.ool.type = MACH_MSG_OOL_DESCRIPTOR;
	return mach_msg(&m.h, MACH_SEND_MSG, sizeof(m), 0, MACH_PORT_NULL,
			MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL) ? -1 : 0;
}

static int ool_recv(struct chan *c, size_t size)
{
	struct ool_rcv r;
	int ret;

	if (mach_msg(&r.m.h, MACH_RCV_MSG, 0, sizeof(r), c->port,
		     MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL))
		return -1;
	if (!(r.m.h.msgh_bits & MACH_MSGH_BITS_COMPLEX) ||
	    r.m.ool.size != size)
		return -1;
	ret = bulk_check(r.m.ool.address, size);
	vm_deallocate(mach_task_self(), (vm_address_t)r.m.ool.address, size);
	return ret;
}

static int ool_setup(struct chan *c)
{
	static int seq;

	snprintf(c->name, sizeof(c->name), "org.machport.bench.ool.%d.%d",
		 (int)getpid(), seq++);
	return pipe(c->fd);
}

const struct bulk_peer bulk_ool = {
	.name = "machport-ool",
	.unavailable = mach_unavailable,
	.setup = ool_setup,
	.receiver = ool_receiver,
	.sender = ool_sender,
	.send = ool_send,
	.recv = ool_recv,
};
