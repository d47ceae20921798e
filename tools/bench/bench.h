/* SPDX-License-Identifier: MIT */
/*
 * machport-bench: machport against the IPC mechanisms a Linux user would
 * pick instead, in one run (Documentation/benchmarks.md).
 */
#ifndef MACHPORT_BENCH_H
#define MACHPORT_BENCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MAX_PAYLOAD	4096
#define MAX_CLIENTS	16

/* Every request and reply starts with this (payload bytes, not extra). */
struct wire {
	uint32_t len;		/* whole payload, this header included */
	uint32_t op;		/* OP_* */
	uint64_t seq;
};

enum { OP_ECHO = 1, OP_QUIT = 2, OP_ONEWAY = 3 };

/*
 * One channel between a client and its server process. Each peer keeps
 * what it needs here; fields it does not use stay zero.
 */
struct chan {
	int fd[2 * MAX_CLIENTS + 4];
	void *shm;			/* futex, eventfd: shared page(s) */
	void *map;			/* binder: the mmap'd buffer */
	void *priv;			/* machport: the message buffer */
	size_t map_size;
	uint64_t pending_free;		/* binder: a buffer to free next */
	char name[64];			/* POSIX mq, bootstrap names */
	unsigned int port;		/* machport: the service, or set */
	unsigned int reply;		/* machport: the reply port */
	unsigned int ports[MAX_CLIENTS];
	int nclients;
	int id;				/* this client's index */
	uint32_t msg_len;		/* async: every message's size */
	unsigned char *sbuf;		/* the peer's own send buffer */
	unsigned char *rbuf;		/* ...and receive buffer */
};

/*
 * A peer. rpc_*: request/reply; async_*: one-way; multi_*: N clients
 * against one server. A NULL member means the scenario does not apply.
 */
struct peer {
	const char *name;
	/* NULL when usable, else why not (printed as a SKIP) */
	const char *(*unavailable)(void);

	/* before fork; then the server runs serve() in its own process */
	int (*rpc_setup)(struct chan *c);
	void (*rpc_serve)(struct chan *c);
	int (*rpc_client)(struct chan *c);	/* client side, after fork */
	/* send a request of len payload bytes (op in c->sbuf), get the reply */
	int (*rpc_call)(struct chan *c, uint32_t len);

	int (*async_setup)(struct chan *c);
	int (*async_receiver)(struct chan *c);	/* receiver side, after fork */
	int (*async_sender)(struct chan *c);	/* sender side, after fork */
	int (*async_send)(struct chan *c, uint32_t len);
	int (*async_recv)(struct chan *c);	/* returns the op received */

	/* N clients: setup for MAX_CLIENTS; client c->id uses its own link */
	int (*multi_setup)(struct chan *c);
	void (*multi_serve)(struct chan *c);
	int (*multi_wait)(struct chan *c);	/* parent: server is ready */
	int (*multi_client)(struct chan *c);

	/* the client side, once its server is gone (IPC objects to remove) */
	void (*cleanup)(struct chan *c);
};

/*
 * Bulk transfer of one buffer: the receiver ends with the bytes readable
 * in its address space and reads one byte of every page (checked).
 */
struct bulk_peer {
	const char *name;
	const char *(*unavailable)(void);
	int (*setup)(struct chan *c);			/* before fork */
	int (*receiver)(struct chan *c);		/* after fork */
	int (*sender)(struct chan *c);
	int (*send)(struct chan *c, const unsigned char *buf, size_t size);
	/* receive size bytes, check them with bulk_check(), release them */
	int (*recv)(struct chan *c, size_t size);
};

extern const struct bulk_peer bulk_pipe, bulk_stream, bulk_memfd, bulk_ool;

/* bulk.c: the pattern: every page's first byte says which page it is */
void bulk_fill(unsigned char *buf, size_t size);
int bulk_check(const unsigned char *buf, size_t size);

extern const struct peer peer_pipe, peer_stream, peer_seqpacket, peer_dgram,
	peer_eventfd, peer_futex, peer_posixmq, peer_sysvmq, peer_binder,
	peer_machport;

/* common.c */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t now_ns(void);
void pin_cpu(pid_t pid, int cpu);
int ncpus(void);
int read_full(int fd, void *buf, size_t len);
int write_full(int fd, const void *buf, size_t len);
void *xmalloc(size_t n);
void chan_buffers(struct chan *c);
int sync_signal(int fd);
int sync_wait(int fd);
void write_proc(const char *path, const char *value);
void save_proc(void);

/* common.c: go/done signals of the harness (futex on shared memory) */
struct mbox {
	_Atomic uint32_t seq;		/* posts so far */
	uint32_t pad;
	_Atomic uint64_t value;		/* the last post's value */
};
struct mbox *mbox_new(void);
void mbox_post(struct mbox *m, uint64_t value);
int mbox_wait(struct mbox *m, uint32_t target, const pid_t *pids, int n);
void restore_proc(void);

/* mem.c: kernel memory per object, from a child memory cgroup */
struct memres {
	const char *what;
	const char *peer;
	long count;
	double slab_bytes;	/* per object, from memory.stat "slab" */
	double kernel_bytes;	/* per object, from memory.stat "kernel" */
	const char *source;	/* "memcg" or "meminfo" */
	char detail[256];	/* slab caches that grew, per object */
	bool ok;
};
int mem_measure(struct memres *out, int max, long nports, long nmsgs);

/* path.c: one process, a message to itself: the message path alone */
struct pathres {
	const char *name;
	double best_ns;		/* per send + receive, best round's mean */
	bool ok;
};
int path_measure(struct pathres *out, int max, int rounds, int iters,
		 bool (*selected)(const char *name));

#endif
