// SPDX-License-Identifier: MIT
/*
 * machport-bench: a minimal binder client and server on the raw ioctls of
 * <linux/android/binder.h> (Debian's binder_linux module).
 *
 * The server is the context manager (BINDER_SET_CONTEXT_MGR) and a looper
 * thread (BC_ENTER_LOOPER); a client sends BC_TRANSACTION to handle 0 and
 * reads until BR_REPLY. Both copy the payload out of the binder buffer
 * into their own (as a parcel would be read) and free the buffer with
 * BC_FREE_BUFFER in their next write, as libbinder does. One-way:
 * TF_ONE_WAY transactions.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/android/binder.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define RPC_MAP		(256 << 10)
#define ASYNC_MAP	(4 << 20)	/* the driver's largest; half is for one-way */

static const char *binder_dev;

static bool has_binderfs(void)
{
	char line[128];
	bool found = false;
	FILE *f = fopen("/proc/filesystems", "re");

	while (f && !found && fgets(line, sizeof(line), f))
		found = !strcmp(line, "nodev\tbinder\n");
	if (f)
		fclose(f);
	return found;
}

static const char *binder_unavailable(void)
{
	static const char *why;
	static bool tried;

	if (tried)
		return binder_dev ? NULL : why;
	tried = true;
	if (!access("/dev/binder", R_OK | W_OK)) {
		binder_dev = "/dev/binder";
		return NULL;
	}
	/* A kernel with binderfs: devices come from mounting it. */
	if (!access("/dev/binderfs/binder", R_OK | W_OK) ||
	    (has_binderfs() && (!mkdir("/dev/binderfs", 0755) || errno == EEXIST) &&
	     !mount("binder", "/dev/binderfs", "binder", 0, NULL) &&
	     !access("/dev/binderfs/binder", R_OK | W_OK))) {
		binder_dev = "/dev/binderfs/binder";
		return NULL;
	}
	why = "no binder device (/dev/binder or binderfs: load binder_linux)";
	return why;
}

struct bcmd {
	uint32_t cmd;
	struct binder_transaction_data txn;
} __attribute__((packed));

struct bfree {
	uint32_t cmd;
	binder_uintptr_t ptr;
} __attribute__((packed));

static int binder_open_dev(struct chan *c, size_t map_size)
{
	struct binder_version v;
	uint32_t zero = 0;

	c->fd[2] = open(binder_dev, O_RDWR | O_CLOEXEC);
	if (c->fd[2] < 0)
		return -1;
	if (ioctl(c->fd[2], BINDER_VERSION, &v) ||
	    v.protocol_version != BINDER_CURRENT_PROTOCOL_VERSION) {
		note("binder: protocol version %d, expected %d",
		     v.protocol_version, BINDER_CURRENT_PROTOCOL_VERSION);
		return -1;
	}
	c->map = mmap(NULL, map_size, PROT_READ, MAP_PRIVATE, c->fd[2], 0);
	if (c->map == MAP_FAILED)
		return -1;
	c->map_size = map_size;
	ioctl(c->fd[2], BINDER_SET_MAX_THREADS, &zero);
	chan_buffers(c);
	return 0;
}

/* One BINDER_WRITE_READ: all of @w written, then what the driver has. */
static int binder_io(struct chan *c, const void *w, size_t wsize,
		     void *r, size_t rsize, size_t *got)
{
	struct binder_write_read bwr = {
		.write_size = wsize,
		.write_buffer = (binder_uintptr_t)(uintptr_t)w,
		.read_size = rsize,
		.read_buffer = (binder_uintptr_t)(uintptr_t)r,
	};

	while (ioctl(c->fd[2], BINDER_WRITE_READ, &bwr)) {
		if (errno != EINTR)
			return -1;
		bwr.write_buffer += bwr.write_consumed;
		bwr.write_size -= bwr.write_consumed;
		bwr.write_consumed = 0;
		if (bwr.read_consumed)
			break;
	}
	*got = bwr.read_consumed;
	return 0;
}

/*
 * Walk what the driver returned: BR_TRANSACTION or BR_REPLY (copied to
 * @txn, and returned), 0 when there was nothing but bookkeeping (read
 * again), -1 on a failure.
 */
static long binder_parse(const unsigned char *p, size_t n,
			 struct binder_transaction_data *txn, int *completes)
{
	size_t off = 0;
	uint32_t cmd;

	while (off + sizeof(cmd) <= n) {
		memcpy(&cmd, p + off, sizeof(cmd));
		off += sizeof(cmd);
		switch (cmd) {
		case BR_NOOP:
		case BR_SPAWN_LOOPER:
			break;
		case BR_TRANSACTION_COMPLETE:
			if (completes)
				(*completes)++;
			break;
		case BR_TRANSACTION:
		case BR_REPLY:
			if (off + sizeof(*txn) > n)
				return -1;
			memcpy(txn, p + off, sizeof(*txn));
			return cmd;
		default:
			note("binder: unexpected return 0x%x", cmd);
			return -1;
		}
	}
	return 0;
}

/* Read (after writing @w) until a transaction or reply comes. */
static long binder_next(struct chan *c, const void *w, size_t wsize,
			struct binder_transaction_data *txn)
{
	uint32_t rb[64];
	size_t got;
	long cmd;

	do {
		if (binder_io(c, w, wsize, rb, sizeof(rb), &got))
			return -1;
		wsize = 0;
		cmd = binder_parse((unsigned char *)rb, got, txn, NULL);
	} while (cmd == 0);
	return cmd;
}

/* fd[0]/fd[1]: the server says it is the context manager; fd[2] binder. */
static int binder_setup(struct chan *c)
{
	return pipe(c->fd);
}

static void become_manager(struct chan *c, size_t map_size)
{
	uint32_t enter = BC_ENTER_LOOPER;
	uint64_t t0 = now_ns();
	size_t got;

	if (binder_open_dev(c, map_size))
		die("binder server: open %s: %s", binder_dev, strerror(errno));
	/* The previous manager's release is deferred: wait for it. */
	while (ioctl(c->fd[2], BINDER_SET_CONTEXT_MGR, 0)) {
		if (errno != EBUSY || now_ns() - t0 > 10000000000ull)
			die("binder server: BINDER_SET_CONTEXT_MGR: %s",
			    strerror(errno));
		usleep(10000);
	}
	if (binder_io(c, &enter, sizeof(enter), NULL, 0, &got))
		die("binder server: BC_ENTER_LOOPER: %s", strerror(errno));
	if (sync_signal(c->fd[1]))
		die("binder server: ready");
}

/* Serve transactions: reply to two-way ones, free every buffer. */
static void binder_loop(struct chan *c)
{
	struct {
		struct bfree f;
		struct bcmd r;
	} __attribute__((packed)) out;
	struct binder_transaction_data txn;
	size_t wsize = 0;
	long cmd;
	uint32_t len;

	memset(&out, 0, sizeof(out));
	for (;;) {
		cmd = binder_next(c, &out, wsize, &txn);
		if (cmd != BR_TRANSACTION)
			die("binder server: read: %s", strerror(errno));
		len = (uint32_t)txn.data_size;
		if (len > MAX_PAYLOAD || len < sizeof(struct wire))
			die("binder server: %u bytes", len);
		memcpy(c->rbuf, (void *)(uintptr_t)txn.data.ptr.buffer, len);
		out.f.cmd = BC_FREE_BUFFER;
		out.f.ptr = txn.data.ptr.buffer;
		wsize = sizeof(out.f);
		if (!(txn.flags & TF_ONE_WAY)) {
			memcpy(c->sbuf, c->rbuf, sizeof(struct wire));
			memset(&out.r, 0, sizeof(out.r));
			out.r.cmd = BC_REPLY;
			out.r.txn.code = txn.code;
			out.r.txn.data_size = len;
			out.r.txn.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)c->sbuf;
			wsize = sizeof(out);
		}
		if (((struct wire *)c->rbuf)->op == OP_QUIT) {
			size_t got;

			binder_io(c, &out, wsize, NULL, 0, &got);
			return;
		}
	}
}

static void binder_serve(struct chan *c)
{
	become_manager(c, RPC_MAP);
	binder_loop(c);
}

static int binder_client(struct chan *c)
{
	if (sync_wait(c->fd[0]))
		return -1;
	return binder_open_dev(c, RPC_MAP);
}

static int binder_call(struct chan *c, uint32_t len)
{
	struct {
		struct bfree f;
		struct bcmd t;
	} __attribute__((packed)) out;
	struct binder_transaction_data txn;
	char *w = (char *)&out.t;
	size_t wsize = sizeof(out.t);

	memset(&out, 0, sizeof(out));
	if (c->pending_free) {
		out.f.cmd = BC_FREE_BUFFER;
		out.f.ptr = c->pending_free;
		w = (char *)&out;
		wsize = sizeof(out);
		c->pending_free = 0;
	}
	out.t.cmd = BC_TRANSACTION;
	out.t.txn.target.handle = 0;
	out.t.txn.code = 1;
	out.t.txn.data_size = len;
	out.t.txn.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)c->sbuf;
	if (binder_next(c, w, wsize, &txn) != BR_REPLY)
		return -1;
	c->pending_free = txn.data.ptr.buffer;
	if (txn.data_size > MAX_PAYLOAD)
		return -1;
	memcpy(c->rbuf, (void *)(uintptr_t)txn.data.ptr.buffer, txn.data_size);
	return txn.data_size == len ? 0 : -1;
}

/* ---- one-way: TF_ONE_WAY transactions ------------------------------------- */

static int binder_async_receiver(struct chan *c)
{
	become_manager(c, ASYNC_MAP);
	return 0;
}

static int binder_async_sender(struct chan *c)
{
	if (sync_wait(c->fd[0]))
		return -1;
	return binder_open_dev(c, RPC_MAP);
}

static int binder_async_send(struct chan *c, uint32_t len)
{
	struct bcmd out;
	uint32_t rb[64];	/* room for a transaction, or the driver stops */
	size_t got;
	int done = 0;
	struct binder_transaction_data txn;

	memset(&out, 0, sizeof(out));
	out.cmd = BC_TRANSACTION;
	out.txn.target.handle = 0;
	out.txn.code = 2;
	out.txn.flags = TF_ONE_WAY;
	out.txn.data_size = len;
	out.txn.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)c->sbuf;
	/* The write and its BR_TRANSACTION_COMPLETE in one call. */
	if (binder_io(c, &out, sizeof(out), rb, sizeof(rb), &got))
		return -1;
	if (binder_parse((unsigned char *)rb, got, &txn, &done) || done != 1) {
		note("binder one-way: %zu bytes back, %d completes, first 0x%x 0x%x",
		     got, done, rb[0], rb[1]);
		return -1;
	}
	return 0;
}

/* The receiver frees the previous buffer as it waits for the next one. */
static int binder_async_recv(struct chan *c)
{
	struct bfree f = { BC_FREE_BUFFER, c->pending_free };
	struct binder_transaction_data txn;

	if (binder_next(c, &f, c->pending_free ? sizeof(f) : 0, &txn) !=
	    BR_TRANSACTION || txn.data_size != c->msg_len)
		return -1;
	c->pending_free = txn.data.ptr.buffer;
	memcpy(c->rbuf, (void *)(uintptr_t)txn.data.ptr.buffer, txn.data_size);
	return (int)((struct wire *)c->rbuf)->op;
}

/* ---- N clients, one context manager ----------------------------------------- */

static void binder_multi_serve(struct chan *c)
{
	become_manager(c, RPC_MAP);
	for (;;)
		binder_loop(c);
}

static int binder_multi_wait(struct chan *c)
{
	return sync_wait(c->fd[0]);
}

static int binder_multi_client(struct chan *c)
{
	return binder_open_dev(c, RPC_MAP);
}

static void binder_cleanup(struct chan *c)
{
	if (c->map && c->map != MAP_FAILED)
		munmap(c->map, c->map_size);
	if (c->fd[2] > 0)
		close(c->fd[2]);
	close(c->fd[0]);
	close(c->fd[1]);
}

const struct peer peer_binder = {
	.name = "binder",
	.unavailable = binder_unavailable,
	.rpc_setup = binder_setup,
	.rpc_serve = binder_serve,
	.rpc_client = binder_client,
	.rpc_call = binder_call,
	.async_setup = binder_setup,
	.async_receiver = binder_async_receiver,
	.async_sender = binder_async_sender,
	.async_send = binder_async_send,
	.async_recv = binder_async_recv,
	.multi_setup = binder_setup,
	.multi_serve = binder_multi_serve,
	.multi_wait = binder_multi_wait,
	.multi_client = binder_multi_client,
	.cleanup = binder_cleanup,
};
