// SPDX-License-Identifier: MIT
/*
 * machport-bench: machport against the local IPC mechanisms of Linux, in
 * one run, in the same machine (Documentation/benchmarks.md).
 *
 *   machport-bench [--scale F]   the whole benchmark: a table on stdout,
 *                                then the JSON and the chart's data
 *                                between "@@@ BEGIN name" / "@@@ END" lines
 *   machport-bench --smoke       a tiny run, one TAP line per scenario and
 *                                peer ("ok N latency pipe"); what
 *                                build/selftests/bench-smoke does
 *
 * Every scenario interleaves its peers: rounds, and in each round every
 * peer in turn (starting with a different one each round), so that a
 * change in the machine's speed during the run touches all of them alike.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static const struct peer *const rpc_peers[] = {
	&peer_machport, &peer_pipe, &peer_stream, &peer_seqpacket, &peer_dgram,
	&peer_eventfd, &peer_futex, &peer_posixmq, &peer_sysvmq, &peer_binder,
};
#define NPEERS	((int)(sizeof(rpc_peers) / sizeof(rpc_peers[0])))

static const struct bulk_peer *const bulk_peers[] = {
	&bulk_ool, &bulk_pipe, &bulk_stream, &bulk_memfd,
};
#define NBULK	((int)(sizeof(bulk_peers) / sizeof(bulk_peers[0])))

static const uint32_t sizes[] = { 64, 4096 };
#define NSIZES	2
static const char *const placements[] = { "same CPU", "cross CPU" };
static const char *const placement_keys[] = { "same_cpu", "cross_cpu" };
#define NPLACE	2
static const int nclients[] = { 1, 4, 16 };
#define NMULTI	3
static const size_t bulk_sizes[] = { 1 << 20, 64 << 20 };
#define NBULKSZ	2

static struct {
	bool smoke;
	int lat_rounds, lat_chunk, lat_warm;
	int tput_rounds, tput_msgs;
	int bulk_rounds, bulk_small_reps;
	int nbulk_sizes;
	int multi_rounds, multi_calls, nmulti;
	int path_rounds, path_iters;
	long mem_ports, mem_msgs;
	int cpus;
} P;

static int tap_n;
static bool ran_path, ran_lat, ran_tput, ran_bulk, ran_multi;
static const char *only_peers;
static uint32_t only_size;	/* --size: one request size only */
static bool verbose;		/* --verbose: every round's figure */

/* --peers a,b: only these (for profiling one of them) */
static bool selected(const char *name)
{
	const char *p = only_peers;
	size_t n = strlen(name);

	if (!p)
		return true;
	while ((p = strstr(p, name))) {
		if ((p == only_peers || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

static void tap(bool ok, const char *scenario, const char *peer,
		const char *skip)
{
	if (!P.smoke)
		return;
	if (skip)
		printf("ok %d %s %s # SKIP %s\n", ++tap_n, scenario, peer, skip);
	else
		printf("%sok %d %s %s\n", ok ? "" : "not ", ++tap_n, scenario, peer);
	fflush(stdout);
}

static pid_t spawn(void (*fn)(struct chan *), struct chan *c)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fn(c);
		_exit(0);
	}
	return pid;
}

static void reap(pid_t pid, bool kill_it)
{
	int status;

	if (pid <= 0)
		return;
	if (kill_it)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- round-trip latency ------------------------------------------------------ */

/*
 * Each call is timed with the time stamp counter (the client stays on
 * CPU 0), converted with the rate measured against CLOCK_MONOTONIC over
 * the whole scenario: in the VM the clock source is the emulated HPET,
 * which costs a system call and a device access per reading.
 */
static uint64_t ticks(void)
{
	return __builtin_ia32_rdtsc();
}

struct latres {
	bool ok, skipped;
	const char *why;
	double p50[NPLACE][NSIZES], p99[NPLACE][NSIZES], mean[NPLACE][NSIZES];
	long n[NPLACE][NSIZES];
};
static struct latres lat[NPEERS];

struct samples {
	uint64_t *v;
	long n;
};

static int one_call(const struct peer *p, struct chan *c, uint32_t len,
		    uint32_t op, uint64_t seq)
{
	struct wire *w = (struct wire *)c->sbuf;

	w->len = len;
	w->op = op;
	w->seq = seq;
	if (p->rpc_call(c, len))
		return -1;
	w = (struct wire *)c->rbuf;
	if (w->seq != seq || w->len != len || w->op != op)
		return -1;
	return 0;
}

static void run_latency(void)
{
	static struct chan chans[NPEERS];
	static struct samples s[NPEERS][NPLACE][NSIZES];
	pid_t pid[NPEERS] = { 0 };
	int i, r, pl, sz, k, j;
	uint64_t seq = 1, ns0, tk0;
	long cap = (long)P.lat_rounds * P.lat_chunk;
	double ns_per_tick;

	note("round-trip latency: %d rounds of %d calls per peer, size and placement",
	     P.lat_rounds, P.lat_chunk);
	for (i = 0; i < NPEERS; i++) {
		const struct peer *p = rpc_peers[i];

		lat[i].why = p->unavailable ? p->unavailable() : NULL;
		if (!selected(p->name))
			lat[i].why = "not selected";
		if (lat[i].why) {
			lat[i].skipped = true;
			continue;
		}
		if (p->rpc_setup(&chans[i])) {
			lat[i].why = strerror(errno);
			note("%s: setup: %s", p->name, lat[i].why);
			continue;
		}
		lat[i].ok = true;
	}
	/* All servers first, so that none inherits another's client side. */
	for (i = 0; i < NPEERS; i++)
		if (lat[i].ok)
			pid[i] = spawn(rpc_peers[i]->rpc_serve, &chans[i]);
	pin_cpu(0, 0);
	for (i = 0; i < NPEERS; i++) {
		if (!lat[i].ok)
			continue;
		if (rpc_peers[i]->rpc_client(&chans[i])) {
			note("%s: client: %s", rpc_peers[i]->name, strerror(errno));
			lat[i].ok = false;
			continue;
		}
		chan_buffers(&chans[i]);
		for (pl = 0; pl < NPLACE; pl++)
			for (sz = 0; sz < NSIZES; sz++) {
				s[i][pl][sz].v = calloc((size_t)cap, sizeof(uint64_t));
				if (!s[i][pl][sz].v)
					die("out of memory");
			}
	}
	ns0 = now_ns();
	tk0 = ticks();
	for (r = 0; r < P.lat_rounds; r++) {
		for (pl = 0; pl < NPLACE; pl++) {
			if (pl == 1 && P.cpus < 2)
				continue;
			for (i = 0; i < NPEERS; i++)
				if (lat[i].ok)
					pin_cpu(pid[i], pl);
			for (sz = 0; sz < NSIZES; sz++) {
				if (only_size && sizes[sz] != only_size)
					continue;
				for (k = 0; k < NPEERS; k++) {
					struct samples *ss;

					i = (k + r) % NPEERS;
					if (!lat[i].ok)
						continue;
					ss = &s[i][pl][sz];
					for (j = 0; j < P.lat_warm; j++)
						if (one_call(rpc_peers[i], &chans[i],
							     sizes[sz], OP_ECHO, seq++))
							goto fail;
					for (j = 0; j < P.lat_chunk; j++) {
						uint64_t t0 = ticks();

						if (one_call(rpc_peers[i], &chans[i],
							     sizes[sz], OP_ECHO, seq++))
							goto fail;
						ss->v[ss->n++] = ticks() - t0;
					}
					continue;
fail:
					note("%s: a call failed", rpc_peers[i]->name);
					lat[i].ok = false;
					lat[i].why = "a call failed";
					reap(pid[i], true);
					pid[i] = 0;
				}
			}
		}
	}
	ns_per_tick = (double)(now_ns() - ns0) / (double)(ticks() - tk0);
	for (i = 0; i < NPEERS; i++) {
		if (lat[i].ok) {
			if (one_call(rpc_peers[i], &chans[i], 64, OP_QUIT, seq++)) {
				lat[i].ok = false;
				reap(pid[i], true);
			} else {
				reap(pid[i], false);
			}
		} else {
			reap(pid[i], true);
		}
		if (lat[i].ok && rpc_peers[i]->cleanup)
			rpc_peers[i]->cleanup(&chans[i]);
		for (pl = 0; pl < NPLACE; pl++)
			for (sz = 0; sz < NSIZES; sz++) {
				struct samples *ss = &s[i][pl][sz];
				double sum = 0;
				long n = ss->n, m;

				if (!n)
					continue;
				qsort(ss->v, (size_t)n, sizeof(uint64_t), cmp_u64);
				for (m = 0; m < n; m++)
					sum += (double)ss->v[m];
				lat[i].p50[pl][sz] = (double)ss->v[n / 2] * ns_per_tick / 1e3;
				lat[i].p99[pl][sz] = (double)ss->v[(n * 99) / 100] *
						     ns_per_tick / 1e3;
				lat[i].mean[pl][sz] = sum / (double)n * ns_per_tick / 1e3;
				lat[i].n[pl][sz] = n;
				free(ss->v);
			}
		tap(lat[i].ok, "latency", rpc_peers[i]->name,
		    lat[i].skipped ? lat[i].why : NULL);
	}
	pin_cpu(0, -1);
}

/* ---- one-way throughput ---------------------------------------------------------- */

struct tputres {
	bool ok, skipped, tried;
	const char *why;
	double rate[NPLACE];	/* messages per second, median of rounds */
};
static struct tputres tput[NPEERS];

/*
 * The harness's control: the receiver says it is ready on a pipe (not
 * timed), then the parent posts a batch size on @ctl (0 to stop) and the
 * receiver posts on @done when it has the batch.
 */
struct async_ctl {
	int ready[2];
	struct mbox *ctl, *done;
	uint32_t posted;	/* batches posted (the parent's count) */
};

static int ctl_post(struct async_ctl *a, uint64_t value)
{
	mbox_post(a->ctl, value);
	a->posted++;
	return 0;
}

static int ctl_done(struct async_ctl *a, pid_t receiver)
{
	return mbox_wait(a->done, a->posted, &receiver, 1);
}

/* The receiver's side: the next batch's value. */
static uint64_t ctl_next(struct async_ctl *a, uint32_t *seen)
{
	mbox_wait(a->ctl, ++*seen, NULL, 0);
	return atomic_load(&a->ctl->value);
}

static int ctl_init(struct async_ctl *a)
{
	a->ctl = mbox_new();
	a->done = mbox_new();
	a->posted = 0;
	return pipe(a->ready);
}
static struct async_ctl actl[NPEERS];
static int async_index;

static void async_receiver_main(struct chan *c)
{
	const struct peer *p = rpc_peers[async_index];
	struct async_ctl *a = &actl[async_index];
	uint32_t n, i, seen = 0;

	if (p->async_receiver(c))
		die("%s: receiver: %s", p->name, strerror(errno));
	if (sync_signal(a->ready[1]))
		die("ready");
	for (;;) {
		n = (uint32_t)ctl_next(a, &seen);
		if (!n)
			return;
		for (i = 0; i < n; i++)
			if (p->async_recv(c) != OP_ONEWAY)
				die("%s: receive failed (%s)", p->name,
				    strerror(errno));
		mbox_post(a->done, 0);
	}
}

static void run_throughput(void)
{
	static struct chan chans[NPEERS];
	double *rates[NPEERS][NPLACE];
	int nr[NPEERS][NPLACE];
	pid_t pid[NPEERS] = { 0 };
	uint32_t n = (uint32_t)P.tput_msgs, m;
	int i, r, pl, k;
	uint64_t seq = 1;

	note("one-way throughput: %d rounds of %u messages of 64 bytes", P.tput_rounds, n);
	memset(nr, 0, sizeof(nr));
	for (i = 0; i < NPEERS; i++) {
		const struct peer *p = rpc_peers[i];

		if (!p->async_setup)
			continue;
		tput[i].tried = true;
		tput[i].why = p->unavailable ? p->unavailable() : NULL;
		if (!selected(p->name))
			tput[i].why = "not selected";
		if (tput[i].why) {
			tput[i].skipped = true;
			continue;
		}
		if (ctl_init(&actl[i]) || p->async_setup(&chans[i])) {
			tput[i].why = strerror(errno);
			continue;
		}
		chans[i].msg_len = 64;
		tput[i].ok = true;
	}
	for (i = 0; i < NPEERS; i++) {
		if (!tput[i].ok)
			continue;
		async_index = i;
		pid[i] = spawn(async_receiver_main, &chans[i]);
	}
	pin_cpu(0, 0);
	for (i = 0; i < NPEERS; i++) {
		if (!tput[i].ok)
			continue;
		if (sync_wait(actl[i].ready[0]) ||
		    rpc_peers[i]->async_sender(&chans[i])) {
			note("%s: sender: %s", rpc_peers[i]->name, strerror(errno));
			tput[i].ok = false;
			continue;
		}
		chan_buffers(&chans[i]);
		for (pl = 0; pl < NPLACE; pl++)
			rates[i][pl] = calloc((size_t)P.tput_rounds, sizeof(double));
	}
	for (r = 0; r < P.tput_rounds; r++) {
		for (pl = 0; pl < NPLACE; pl++) {
			if (pl == 1 && P.cpus < 2)
				continue;
			for (i = 0; i < NPEERS; i++)
				if (tput[i].ok)
					pin_cpu(pid[i], pl);
			for (k = 0; k < NPEERS; k++) {
				struct chan *c;
				struct wire *w;
				uint64_t t0;

				i = (k + r) % NPEERS;
				if (!tput[i].ok)
					continue;
				c = &chans[i];
				w = (struct wire *)c->sbuf;
				/*
				 * Across CPUs the receiver takes messages as
				 * they come; on one CPU it starts once the batch
				 * is queued (when it would wake on every message
				 * or not is up to the scheduler, and varies
				 * tenfold from one batch to the next).
				 */
				if (pl == 1)
					ctl_post(&actl[i], n);
				t0 = now_ns();
				for (m = 0; m < n; m++) {
					w->len = 64;
					w->op = OP_ONEWAY;
					w->seq = seq++;
					if (rpc_peers[i]->async_send(c, 64))
						goto fail;
				}
				if (pl == 0)
					ctl_post(&actl[i], n);
				if (ctl_done(&actl[i], pid[i]))
					goto fail;
				rates[i][pl][nr[i][pl]++] = n / ((double)(now_ns() - t0) / 1e9);
				if (verbose)
					note("throughput %s %s round %d: %.0f msg/s",
					     rpc_peers[i]->name, placements[pl], r,
					     rates[i][pl][nr[i][pl] - 1]);
				continue;
fail:
				note("%s: one-way send failed: %s", rpc_peers[i]->name,
				     strerror(errno));
				tput[i].ok = false;
				tput[i].why = "a send failed";
				reap(pid[i], true);
				pid[i] = 0;
			}
		}
	}
	for (i = 0; i < NPEERS; i++) {
		if (!tput[i].tried)
			continue;
		if (tput[i].ok) {
			ctl_post(&actl[i], 0);
			reap(pid[i], false);
			if (rpc_peers[i]->cleanup)
				rpc_peers[i]->cleanup(&chans[i]);
			for (pl = 0; pl < NPLACE; pl++) {
				tput[i].rate[pl] = median(rates[i][pl], nr[i][pl]);
				free(rates[i][pl]);
			}
		} else {
			reap(pid[i], true);
		}
		tap(tput[i].ok, "throughput", rpc_peers[i]->name,
		    tput[i].skipped ? tput[i].why : NULL);
	}
	pin_cpu(0, -1);
}

/* ---- bulk transfer ----------------------------------------------------------------- */

struct bulkres {
	bool ok, skipped;
	const char *why;
	double mibs[NPLACE][NBULKSZ];	/* MiB/s, median of the transfers */
	double ms[NPLACE][NBULKSZ];	/* ms per transfer, median */
};
static struct bulkres bulk[NBULK];
static struct async_ctl bctl[NBULK];
static int bulk_index;

static void bulk_receiver_main(struct chan *c)
{
	const struct bulk_peer *p = bulk_peers[bulk_index];
	struct async_ctl *a = &bctl[bulk_index];
	uint32_t seen = 0;
	uint64_t size;

	if (p->receiver(c))
		die("%s: receiver: %s", p->name, strerror(errno));
	if (sync_signal(a->ready[1]))
		die("ready");
	for (;;) {
		size = ctl_next(a, &seen);
		if (!size)
			return;
		if (p->recv(c, size))
			die("%s: receive failed (%s)", p->name, strerror(errno));
		mbox_post(a->done, 0);
	}
}

static void run_bulk(void)
{
	static struct chan chans[NBULK];
	double *ms[NBULK][NPLACE][NBULKSZ];
	int nr[NBULK][NPLACE][NBULKSZ], pl;
	pid_t pid[NBULK] = { 0 };
	size_t maxsize = bulk_sizes[P.nbulk_sizes - 1];
	unsigned char *buf = xmalloc(maxsize);
	int i, r, sz, k, j, reps;

	note("bulk transfer: %d rounds (%d transfers of 1 MiB%s per round)",
	     P.bulk_rounds, P.bulk_small_reps,
	     P.nbulk_sizes > 1 ? ", 1 of 64 MiB" : "");
	bulk_fill(buf, maxsize);
	memset(nr, 0, sizeof(nr));
	for (i = 0; i < NBULK; i++) {
		const struct bulk_peer *p = bulk_peers[i];

		bulk[i].why = p->unavailable ? p->unavailable() : NULL;
		if (!selected(p->name))
			bulk[i].why = "not selected";
		if (bulk[i].why) {
			bulk[i].skipped = true;
			continue;
		}
		if (ctl_init(&bctl[i]) || p->setup(&chans[i])) {
			bulk[i].why = strerror(errno);
			continue;
		}
		bulk[i].ok = true;
	}
	for (i = 0; i < NBULK; i++) {
		if (!bulk[i].ok)
			continue;
		bulk_index = i;
		pid[i] = spawn(bulk_receiver_main, &chans[i]);
	}
	pin_cpu(0, 0);
	for (i = 0; i < NBULK; i++) {
		if (!bulk[i].ok)
			continue;
		if (sync_wait(bctl[i].ready[0]) || bulk_peers[i]->sender(&chans[i])) {
			bulk[i].ok = false;
			continue;
		}
		for (pl = 0; pl < NPLACE; pl++)
			for (sz = 0; sz < NBULKSZ; sz++)
				ms[i][pl][sz] = calloc((size_t)(P.bulk_rounds *
							       P.bulk_small_reps),
						       sizeof(double));
	}
	for (r = 0; r < P.bulk_rounds; r++) {
		for (pl = 0; pl < NPLACE; pl++) {
			if (pl == 1 && P.cpus < 2)
				continue;
			for (i = 0; i < NBULK; i++)
				if (bulk[i].ok)
					pin_cpu(pid[i], pl);
			for (sz = 0; sz < P.nbulk_sizes; sz++) {
				uint64_t size = bulk_sizes[sz];

				reps = sz ? 1 : P.bulk_small_reps;
				for (k = 0; k < NBULK; k++) {
					i = (k + r) % NBULK;
					if (!bulk[i].ok)
						continue;
					for (j = 0; j < reps; j++) {
						uint64_t t0;

						ctl_post(&bctl[i], size);
						t0 = now_ns();
						if (bulk_peers[i]->send(&chans[i], buf, size) ||
						    ctl_done(&bctl[i], pid[i]))
							goto fail;
						ms[i][pl][sz][nr[i][pl][sz]++] =
							(double)(now_ns() - t0) / 1e6;
						if (verbose)
							note("bulk %s %s %zu MiB: %.1f ms",
							     bulk_peers[i]->name, placements[pl],
							     (size_t)(size >> 20),
							     ms[i][pl][sz][nr[i][pl][sz] - 1]);
					}
					continue;
fail:
					note("%s: bulk transfer failed: %s", bulk_peers[i]->name,
					     strerror(errno));
					bulk[i].ok = false;
					bulk[i].why = "a transfer failed";
					reap(pid[i], true);
					pid[i] = 0;
				}
			}
		}
	}
	for (i = 0; i < NBULK; i++) {
		if (bulk[i].ok) {
			ctl_post(&bctl[i], 0);
			reap(pid[i], false);
			for (pl = 0; pl < NPLACE; pl++)
				for (sz = 0; sz < P.nbulk_sizes; sz++) {
					double t = median(ms[i][pl][sz], nr[i][pl][sz]);

					bulk[i].ms[pl][sz] = t;
					bulk[i].mibs[pl][sz] = t > 0 ?
						(double)(bulk_sizes[sz] >> 20) / (t / 1e3) : 0;
				}
		} else {
			reap(pid[i], true);
		}
		tap(bulk[i].ok, "bulk", bulk_peers[i]->name,
		    bulk[i].skipped ? bulk[i].why : NULL);
	}
	free(buf);
	pin_cpu(0, -1);
}

/* ---- N clients against one server ----------------------------------------------------- */

struct multires {
	bool ok, skipped, tried;
	const char *why;
	double rate[NPLACE][NMULTI];	/* RPCs per second, all clients, median */
};
static struct multires multi[NPEERS];

static struct mbox *multi_go, *multi_done;

static void multi_client_main(const struct peer *p, struct chan *c, int id,
			      int calls, int ready)
{
	int j;

	c->id = id;
	if (p->multi_client(c))
		die("%s: client %d: %s", p->name, id, strerror(errno));
	chan_buffers(c);
	if (sync_signal(ready) || mbox_wait(multi_go, 1, NULL, 0))
		die("%s: client %d: sync", p->name, id);
	for (j = 0; j < calls; j++)
		if (one_call(p, c, 64, OP_ECHO, (uint64_t)j + 1))
			die("%s: client %d: call failed", p->name, id);
	mbox_post(multi_done, 0);
}

/* One measurement: @n clients making @calls RPCs each; RPCs per second. */
static double multi_once(const struct peer *p, struct chan *c, int n, int calls)
{
	int ready[2], j, ok = 1;
	pid_t kids[MAX_CLIENTS];
	uint64_t t0;
	double rate;

	if (pipe(ready))
		die("pipe: %s", strerror(errno));
	atomic_store(&multi_go->seq, 0);
	atomic_store(&multi_done->seq, 0);
	for (j = 0; j < n; j++) {
		fflush(stdout);
		kids[j] = fork();
		if (kids[j] < 0)
			die("fork: %s", strerror(errno));
		if (!kids[j]) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			multi_client_main(p, c, j, calls, ready[1]);
			_exit(0);
		}
	}
	close(ready[1]);
	for (j = 0; j < n; j++)
		if (sync_wait(ready[0]))
			ok = 0;
	t0 = now_ns();
	mbox_post(multi_go, 0);
	if (ok && mbox_wait(multi_done, (uint32_t)n, kids, n))
		ok = 0;
	rate = (double)n * calls / ((double)(now_ns() - t0) / 1e9);
	for (j = 0; j < n; j++)
		reap(kids[j], !ok);
	close(ready[0]);
	return ok ? rate : -1;
}

static void run_multi(void)
{
	static struct chan chans[NPEERS];
	double *rates[NPEERS][NPLACE][NMULTI];
	pid_t pid[NPEERS] = { 0 };
	int i, r, k, m, pl, nr[NPEERS][NPLACE][NMULTI];

	note("N clients, one server: %d rounds, %d calls in all per measurement",
	     P.multi_rounds, P.multi_calls);
	multi_go = mbox_new();
	multi_done = mbox_new();
	memset(nr, 0, sizeof(nr));
	for (i = 0; i < NPEERS; i++) {
		const struct peer *p = rpc_peers[i];

		if (!p->multi_setup)
			continue;
		multi[i].tried = true;
		multi[i].why = p->unavailable ? p->unavailable() : NULL;
		if (!selected(p->name))
			multi[i].why = "not selected";
		if (multi[i].why) {
			multi[i].skipped = true;
			continue;
		}
		if (p->multi_setup(&chans[i])) {
			multi[i].why = strerror(errno);
			continue;
		}
		pid[i] = spawn(p->multi_serve, &chans[i]);
		if (p->multi_wait && p->multi_wait(&chans[i])) {
			multi[i].why = "server did not start";
			reap(pid[i], true);
			continue;
		}
		multi[i].ok = true;
		for (pl = 0; pl < NPLACE; pl++)
			for (m = 0; m < NMULTI; m++)
				rates[i][pl][m] = calloc((size_t)P.multi_rounds,
							 sizeof(double));
	}
	/* The clients (children of this process) on CPU 0, the server on pl. */
	pin_cpu(0, 0);
	for (r = 0; r < P.multi_rounds; r++)
		for (pl = 0; pl < NPLACE; pl++) {
			if (pl == 1 && P.cpus < 2)
				continue;
			for (i = 0; i < NPEERS; i++)
				if (multi[i].ok)
					pin_cpu(pid[i], pl);
			for (m = 0; m < P.nmulti; m++)
				for (k = 0; k < NPEERS; k++) {
					double rate;

					i = (k + r) % NPEERS;
					if (!multi[i].ok)
						continue;
					rate = multi_once(rpc_peers[i], &chans[i],
							  nclients[m],
							  P.multi_calls / nclients[m]);
					if (rate < 0) {
						note("%s: N clients: failed",
						     rpc_peers[i]->name);
						multi[i].ok = false;
						multi[i].why = "a client failed";
						continue;
					}
					rates[i][pl][m][nr[i][pl][m]++] = rate;
				}
		}
	pin_cpu(0, -1);
	for (i = 0; i < NPEERS; i++) {
		if (!multi[i].tried)
			continue;
		reap(pid[i], true);
		if (multi[i].ok) {
			for (pl = 0; pl < NPLACE; pl++)
				for (m = 0; m < NMULTI; m++) {
					multi[i].rate[pl][m] = median(rates[i][pl][m],
								      nr[i][pl][m]);
					free(rates[i][pl][m]);
				}
			if (rpc_peers[i]->cleanup)
				rpc_peers[i]->cleanup(&chans[i]);
		}
		tap(multi[i].ok, "clients", rpc_peers[i]->name,
		    multi[i].skipped ? multi[i].why : NULL);
	}
}

/* ---- the message path alone -------------------------------------------------------------- */

static struct pathres path[16];
static int npath;

static void run_path(void)
{
	int i;

	note("message path: %d rounds of %d messages to self", P.path_rounds,
	     P.path_iters);
	pin_cpu(0, 0);
	npath = path_measure(path, 16, P.path_rounds, P.path_iters, selected);
	pin_cpu(0, -1);
	for (i = 0; i < npath; i++)
		tap(path[i].ok, "path", path[i].name,
		    !path[i].ok && strstr(path[i].name, "machport") &&
		    access("/dev/mach", F_OK) ? "no /dev/mach" : NULL);
}

/* ---- kernel memory ---------------------------------------------------------------------- */

static struct memres mem[16];
static int nmem;

static void run_memory(void)
{
	int i;

	note("kernel memory: %ld idle objects, %ld queued messages", P.mem_ports,
	     P.mem_msgs);
	nmem = mem_measure(mem, 16, P.mem_ports, P.mem_msgs);
	for (i = 0; i < nmem; i++) {
		char what[96];

		snprintf(what, sizeof(what), "memory-%s",
			 strncmp(mem[i].what, "idle", 4) ? "message" : "idle");
		tap(mem[i].ok, what, mem[i].peer, NULL);
	}
}

/* ---- output -------------------------------------------------------------------------------- */

static int find_peer(const char *name)
{
	int i;

	for (i = 0; i < NPEERS; i++)
		if (!strcmp(rpc_peers[i]->name, name))
			return i;
	return -1;
}

static double mem_of(const char *what_prefix, const char *peer)
{
	int i;

	for (i = 0; i < nmem; i++)
		if (mem[i].ok && !strcmp(mem[i].peer, peer) &&
		    !strncmp(mem[i].what, what_prefix, strlen(what_prefix)))
			return mem[i].kernel_bytes >= 0 ? mem[i].kernel_bytes :
							  mem[i].slab_bytes;
	return -1;
}

struct target {
	char what[96];
	double value;		/* the ratio or amount measured, <0: unknown */
	double limit;
	bool at_most;
	const char *unit;
};
static struct target targets[16];
static int ntargets;

static void add_target(const char *what, double value, double limit,
		       bool at_most, const char *unit)
{
	struct target *t = &targets[ntargets++];

	snprintf(t->what, sizeof(t->what), "%s", what);
	t->value = value;
	t->limit = limit;
	t->at_most = at_most;
	t->unit = unit;
}

static bool target_met(const struct target *t)
{
	if (t->value < 0)
		return false;
	return t->at_most ? t->value <= t->limit : t->value >= t->limit;
}

static double ratio(double a, double b)
{
	return a > 0 && b > 0 ? a / b : -1;
}

static void compute_targets(void)
{
	int m = find_peer("machport"), pp = find_peer("pipe"),
	    fx = find_peer("futex"), bd = find_peer("binder"),
	    dg = find_peer("unix-dgram"), pl;
	char what[96];

	ntargets = 0;
	for (pl = 0; pl < NPLACE; pl++) {
		snprintf(what, sizeof(what), "RPC p50 64 B %s / pipe", placements[pl]);
		add_target(what, ratio(lat[m].p50[pl][0], lat[pp].p50[pl][0]), 0.75, true, "x");
		snprintf(what, sizeof(what), "RPC p50 64 B %s / futex", placements[pl]);
		add_target(what, ratio(lat[m].p50[pl][0], lat[fx].p50[pl][0]), 1.0, true, "x");
		snprintf(what, sizeof(what), "RPC p50 64 B %s / binder", placements[pl]);
		add_target(what, ratio(lat[m].p50[pl][0], lat[bd].p50[pl][0]), 0.5, true, "x");
	}
	for (pl = 0; pl < NPLACE; pl++) {
		snprintf(what, sizeof(what), "one-way msg/s %s / unix-dgram", placements[pl]);
		add_target(what, ratio(tput[m].rate[pl], tput[dg].rate[pl]), 1.5, false, "x");
	}
	for (pl = 0; pl < NPLACE; pl++) {
		snprintf(what, sizeof(what), "1 MiB OOL MiB/s %s / unix-stream",
			 placements[pl]);
		add_target(what, ratio(bulk[0].mibs[pl][0], bulk[2].mibs[pl][0]),
			   2.0, false, "x");
	}
	add_target("kernel bytes per idle port", mem_of("idle", "machport"), 256,
		   true, "B");
}

static const char *fmt_num(char *buf, size_t n, double v, int prec)
{
	if (v <= 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.*f", prec, v);
	return buf;
}

static void print_tput(int m)
{
	char a[32], b[32], c[32], d[32];
	int i;

	printf("\nOne-way throughput, 64 B messages, messages per second "
	       "(median of %d batches of %d; same CPU:\nthe receiver starts once "
	       "the batch is queued; cross CPU: it takes them as they come)\n",
	       P.tput_rounds, P.tput_msgs);
	printf("%-15s %12s %12s   %15s\n", "", "", "", "machport / peer");
	printf("%-15s %12s %12s   %7s %7s\n", "peer", "same CPU", "cross CPU", "same",
	       "cross");
	for (i = 0; i < NPEERS; i++) {
		if (!tput[i].tried)
			continue;
		if (!tput[i].ok) {
			printf("%-15s (%s)\n", rpc_peers[i]->name,
			       tput[i].why ? tput[i].why : "failed");
			continue;
		}
		printf("%-15s %12s %12s   %7s %7s\n", rpc_peers[i]->name,
		       fmt_num(a, 32, tput[i].rate[0], 0), fmt_num(b, 32, tput[i].rate[1], 0),
		       fmt_num(c, 32, ratio(tput[m].rate[0], tput[i].rate[0]), 2),
		       fmt_num(d, 32, ratio(tput[m].rate[1], tput[i].rate[1]), 2));
	}
}

static void print_bulk(void)
{
	char a[32], b[32], c[32], d[32], e[32], f[32];
	int i;

	printf("\nBulk transfer, MiB/s (median; the receiver reads a byte of "
	       "every page)\n");
	printf("%-15s %21s   %21s   %15s\n", "", "---- same CPU -----",
	       "---- cross CPU ----", "machport / peer");
	printf("%-15s %10s %10s   %10s %10s   %7s %7s\n", "peer", "1 MiB", "64 MiB",
	       "1 MiB", "64 MiB", "1 same", "1 cross");
	for (i = 0; i < NBULK; i++) {
		if (!bulk[i].ok) {
			printf("%-15s (%s)\n", bulk_peers[i]->name,
			       bulk[i].why ? bulk[i].why : "failed");
			continue;
		}
		printf("%-15s %10s %10s   %10s %10s   %7s %7s\n", bulk_peers[i]->name,
		       fmt_num(a, 32, bulk[i].mibs[0][0], 1),
		       fmt_num(b, 32, bulk[i].mibs[0][1], 1),
		       fmt_num(c, 32, bulk[i].mibs[1][0], 1),
		       fmt_num(d, 32, bulk[i].mibs[1][1], 1),
		       fmt_num(e, 32, ratio(bulk[0].mibs[0][0], bulk[i].mibs[0][0]), 2),
		       fmt_num(f, 32, ratio(bulk[0].mibs[1][0], bulk[i].mibs[1][0]), 2));
	}
}

static void print_multi(void)
{
	char a[32], b[32], c[32], d[32], e[32], f[32];
	int i;

	printf("\nN clients against one server (64 B RPCs), RPCs per second, all "
	       "clients (machport: a port set;\nunix-seqpacket: epoll; binder: one "
	       "looper). Clients on CPU 0, the server on CPU 0 (same) or 1 (cross)\n");
	printf("%-15s %32s   %32s\n", "", "----------- same CPU -----------",
	       "----------- cross CPU ----------");
	printf("%-15s %10s %10s %10s   %10s %10s %10s\n", "peer", "N=1", "N=4",
	       "N=16", "N=1", "N=4", "N=16");
	for (i = 0; i < NPEERS; i++) {
		if (!multi[i].tried)
			continue;
		if (!multi[i].ok) {
			printf("%-15s (%s)\n", rpc_peers[i]->name,
			       multi[i].why ? multi[i].why : "failed");
			continue;
		}
		printf("%-15s %10s %10s %10s   %10s %10s %10s\n", rpc_peers[i]->name,
		       fmt_num(a, 32, multi[i].rate[0][0], 0),
		       fmt_num(b, 32, multi[i].rate[0][1], 0),
		       fmt_num(c, 32, multi[i].rate[0][2], 0),
		       fmt_num(d, 32, multi[i].rate[1][0], 0),
		       fmt_num(e, 32, multi[i].rate[1][1], 0),
		       fmt_num(f, 32, multi[i].rate[1][2], 0));
	}
}

static void print_mem(void)
{
	char a[32], b[32];
	int i;

	printf("\nKernel memory per object, bytes (%s)\n",
	       nmem && !strcmp(mem[0].source, "memcg") ?
	       "growth of a child memory cgroup's memory.stat" :
	       "growth of /proc/meminfo Slab");
	printf("%-22s %-15s %8s %8s %8s\n", "object", "peer", "count", "slab", "kernel");
	for (i = 0; i < nmem; i++)
		printf("%-22s %-15s %8ld %8s %8s\n", mem[i].what, mem[i].peer,
		       mem[i].count, mem[i].ok ? fmt_num(a, 32, mem[i].slab_bytes, 0) : "fail",
		       mem[i].ok ? fmt_num(b, 32, mem[i].kernel_bytes, 0) : "fail");
	for (i = 0; i < nmem; i++)
		if (mem[i].ok && mem[i].detail[0])
			printf("  %s, %s: %s\n", mem[i].peer, mem[i].what, mem[i].detail);
}

static void print_table(const char *kernel)
{
	char a[32], b[32], c[32], d[32], e[32], f[32], g[32], h[32];
	int i, sz, m = find_peer("machport");

	printf("@@@ BEGIN table\n");
	printf("machport benchmark: kernel %s, %d CPUs, QEMU software emulation (TCG).\n",
	       kernel, P.cpus);
	printf("Under emulation absolute figures mean nothing: only ratios within this run do.\n");
	for (sz = 0; ran_lat && sz < NSIZES; sz++) {
		printf("\nRound-trip latency, %s request and reply, microseconds "
		       "(client and server in separate processes)\n",
		       sz ? "4 KiB" : "64 B");
		printf("%-15s %27s   %27s   %15s\n", "", "------- same CPU --------",
		       "------- cross CPU -------", "p50 / machport");
		printf("%-15s %8s %9s %8s   %8s %9s %8s   %7s %7s\n", "peer", "p50", "p99",
		       "mean", "p50", "p99", "mean", "same", "cross");
		for (i = 0; i < NPEERS; i++) {
			if (!lat[i].ok) {
				printf("%-15s (%s)\n", rpc_peers[i]->name,
				       lat[i].why ? lat[i].why : "failed");
				continue;
			}
			printf("%-15s %8s %9s %8s   %8s %9s %8s   %7s %7s\n",
			       rpc_peers[i]->name,
			       fmt_num(a, 32, lat[i].p50[0][sz], 1),
			       fmt_num(b, 32, lat[i].p99[0][sz], 1),
			       fmt_num(c, 32, lat[i].mean[0][sz], 1),
			       fmt_num(d, 32, lat[i].p50[1][sz], 1),
			       fmt_num(e, 32, lat[i].p99[1][sz], 1),
			       fmt_num(f, 32, lat[i].mean[1][sz], 1),
			       fmt_num(g, 32, ratio(lat[i].p50[0][sz], lat[m].p50[0][sz]), 2),
			       fmt_num(h, 32, ratio(lat[i].p50[1][sz], lat[m].p50[1][sz]), 2));
		}
		printf("(%ld calls per peer and placement)\n", lat[m].n[0][sz]);
	}

	if (ran_path && npath) {
		double null_ns = path[0].ok ? path[0].best_ns : 0;
		double mach_ns = 0;

		for (i = 0; i < npath; i++)
			if (!strcmp(path[i].name, "machport") && path[i].ok)
				mach_ns = path[i].best_ns;
		printf("\nMessage path alone: one process sends 64 B to itself and "
		       "receives it (nothing blocks), microseconds\n");
		printf("%-17s %9s %14s %12s\n", "", "per msg", "null syscalls",
		       "/ machport");
		for (i = 0; i < npath; i++) {
			if (!path[i].ok) {
				printf("%-17s (failed)\n", path[i].name);
				continue;
			}
			printf("%-17s %9s %14s %12s\n", path[i].name,
			       fmt_num(a, 32, path[i].best_ns / 1e3, 2),
			       fmt_num(b, 32, ratio(path[i].best_ns, null_ns), 1),
			       fmt_num(c, 32, ratio(path[i].best_ns, mach_ns), 2));
		}
	}

	if (ran_tput)
		print_tput(m);
	if (ran_bulk)
		print_bulk();
	if (ran_multi)
		print_multi();
	if (nmem)
		print_mem();

	printf("\nTargets (ratios within this run)\n");
	for (i = 0; i < ntargets; i++) {
		struct target *t = &targets[i];

		printf("  %-40s %8s%s  %s %g%s  %s\n", t->what,
		       fmt_num(a, 32, t->value, 2), t->unit, t->at_most ? "<=" : ">=",
		       t->limit, t->unit, target_met(t) ? "met" : "MISSED");
	}
	printf("@@@ END\n");
}

static void json_num(const char *key, double v, bool comma)
{
	if (v > 0)
		printf("\"%s\": %.6g%s", key, v, comma ? ", " : "");
	else
		printf("\"%s\": null%s", key, comma ? ", " : "");
}

static void print_json(const char *kernel)
{
	int i, pl, sz, m, first;

	printf("@@@ BEGIN bench.json\n{\n");
	printf("  \"kernel\": \"%s\",\n  \"cpus\": %d,\n", kernel, P.cpus);
	printf("  \"emulation\": \"QEMU TCG (software): compare ratios within the run only\",\n");
	printf("  \"path_us\": [\n");
	first = 1;
	for (i = 0; i < npath; i++) {
		if (!path[i].ok)
			continue;
		printf("%s    {\"op\": \"%s\", \"us\": %.4g}", first ? "" : ",\n",
		       path[i].name, path[i].best_ns / 1e3);
		first = 0;
	}
	printf("\n  ],\n");
	printf("  \"latency_us\": [\n");
	first = 1;
	for (i = 0; i < NPEERS; i++)
		for (pl = 0; pl < NPLACE; pl++)
			for (sz = 0; sz < NSIZES; sz++) {
				if (!lat[i].ok || !lat[i].n[pl][sz])
					continue;
				printf("%s    {\"peer\": \"%s\", \"size\": %u, \"placement\": \"%s\", "
				       "\"calls\": %ld, ", first ? "" : ",\n", rpc_peers[i]->name,
				       sizes[sz], placement_keys[pl], lat[i].n[pl][sz]);
				json_num("p50", lat[i].p50[pl][sz], true);
				json_num("p99", lat[i].p99[pl][sz], true);
				json_num("mean", lat[i].mean[pl][sz], false);
				printf("}");
				first = 0;
			}
	printf("\n  ],\n  \"throughput_msgs_per_s\": [\n");
	first = 1;
	for (i = 0; i < NPEERS; i++) {
		if (!tput[i].ok)
			continue;
		printf("%s    {\"peer\": \"%s\", \"size\": 64, ", first ? "" : ",\n",
		       rpc_peers[i]->name);
		json_num("same_cpu", tput[i].rate[0], true);
		json_num("cross_cpu", tput[i].rate[1], false);
		printf("}");
		first = 0;
	}
	printf("\n  ],\n  \"bulk_mib_per_s\": [\n");
	first = 1;
	for (i = 0; i < NBULK; i++) {
		if (!bulk[i].ok)
			continue;
		printf("%s    {\"peer\": \"%s\", ", first ? "" : ",\n", bulk_peers[i]->name);
		json_num("same_cpu_1MiB", bulk[i].mibs[0][0], true);
		json_num("same_cpu_64MiB", bulk[i].mibs[0][1], true);
		json_num("cross_cpu_1MiB", bulk[i].mibs[1][0], true);
		json_num("cross_cpu_64MiB", bulk[i].mibs[1][1], false);
		printf("}");
		first = 0;
	}
	printf("\n  ],\n  \"clients_rpcs_per_s\": [\n");
	first = 1;
	for (i = 0; i < NPEERS; i++) {
		if (!multi[i].ok)
			continue;
		printf("%s    {\"peer\": \"%s\", ", first ? "" : ",\n", rpc_peers[i]->name);
		for (m = 0; m < NPLACE * NMULTI; m++) {
			char key[32];

			snprintf(key, sizeof(key), "%s_n%d", placement_keys[m / NMULTI],
				 nclients[m % NMULTI]);
			json_num(key, multi[i].rate[m / NMULTI][m % NMULTI],
				 m + 1 < NPLACE * NMULTI);
		}
		printf("}");
		first = 0;
	}
	printf("\n  ],\n  \"kernel_memory_bytes\": [\n");
	for (i = 0; i < nmem; i++) {
		printf("    {\"object\": \"%s\", \"peer\": \"%s\", \"count\": %ld, "
		       "\"source\": \"%s\", ", mem[i].what, mem[i].peer, mem[i].count,
		       mem[i].source);
		if (mem[i].ok) {
			printf("\"slab\": %.1f, ", mem[i].slab_bytes);
			if (mem[i].kernel_bytes >= 0)
				printf("\"kernel\": %.1f}", mem[i].kernel_bytes);
			else
				printf("\"kernel\": null}");
		} else {
			printf("\"slab\": null, \"kernel\": null}");
		}
		printf("%s\n", i + 1 < nmem ? "," : "");
	}
	printf("  ],\n  \"targets\": [\n");
	for (i = 0; i < ntargets; i++) {
		struct target *t = &targets[i];

		printf("    {\"what\": \"%s\", ", t->what);
		json_num("value", t->value, true);
		printf("\"limit\": %g, \"at_most\": %s, \"met\": %s}%s\n", t->limit,
		       t->at_most ? "true" : "false", target_met(t) ? "true" : "false",
		       i + 1 < ntargets ? "," : "");
	}
	printf("  ]\n}\n@@@ END\n");
}

/* Data for the chart (gnuplot, on the host): whitespace-separated. */
static void print_plot_data(void)
{
	int i, pl, sz;

	printf("@@@ BEGIN latency.dat\n");
	printf("peer \"64 B same CPU\" \"64 B cross CPU\" \"4 KiB same CPU\" "
	       "\"4 KiB cross CPU\"\n");
	for (i = 0; i < NPEERS; i++) {
		if (!lat[i].ok)
			continue;
		printf("%s", rpc_peers[i]->name);
		for (sz = 0; sz < NSIZES; sz++)
			for (pl = 0; pl < NPLACE; pl++)
				printf(" %.3f", lat[i].p50[pl][sz]);
		printf("\n");
	}
	printf("@@@ END\n@@@ BEGIN throughput.dat\npeer \"same CPU\" \"cross CPU\"\n");
	for (i = 0; i < NPEERS; i++)
		if (tput[i].ok)
			printf("%s %.0f %.0f\n", rpc_peers[i]->name, tput[i].rate[0],
			       tput[i].rate[1]);
	printf("@@@ END\n@@@ BEGIN bulk.dat\n"
	       "peer \"1 MiB same CPU\" \"64 MiB same CPU\" \"1 MiB cross CPU\" "
	       "\"64 MiB cross CPU\"\n");
	for (i = 0; i < NBULK; i++)
		if (bulk[i].ok)
			printf("%s %.2f %.2f %.2f %.2f\n", bulk_peers[i]->name,
			       bulk[i].mibs[0][0], bulk[i].mibs[0][1],
			       bulk[i].mibs[1][0], bulk[i].mibs[1][1]);
	printf("@@@ END\n@@@ BEGIN clients.dat\npeer \"N=1 same CPU\" \"N=4 same CPU\" "
	       "\"N=16 same CPU\" \"N=1 cross CPU\" \"N=4 cross CPU\" \"N=16 cross CPU\"\n");
	for (i = 0; i < NPEERS; i++)
		if (multi[i].ok)
			printf("%s %.0f %.0f %.0f %.0f %.0f %.0f\n", rpc_peers[i]->name,
			       multi[i].rate[0][0], multi[i].rate[0][1], multi[i].rate[0][2],
			       multi[i].rate[1][0], multi[i].rate[1][1], multi[i].rate[1][2]);
	printf("@@@ END\n");
}

static int scaled(int n, double scale)
{
	int v = (int)(n * scale + 0.5);

	return v < 1 ? 1 : v;
}

static void usage(void)
{
	fprintf(stderr, "usage: machport-bench [--smoke] [--scale F] [--only SCENARIOS] [--peers PEERS]\n"
		"  SCENARIOS: comma-separated path,latency,throughput,bulk,clients,memory\n"
		"  PEERS: comma-separated peer names (to profile one of them)\n"
		"  --one-cpu: same-CPU placements only; --size 64|4096: one size only\n"
		"  --verbose: every round's figure (throughput, bulk), on stderr\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	bool one_cpu = false;
	double scale = 1.0;
	struct utsname u;
	uint64_t t0 = now_ns();
	int i;

#ifdef BENCH_SMOKE
	P.smoke = true;
#endif
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--smoke"))
			P.smoke = true;
		else if (!strcmp(argv[i], "--scale") && i + 1 < argc)
			scale = atof(argv[++i]);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--peers") && i + 1 < argc)
			only_peers = argv[++i];
		else if (!strcmp(argv[i], "--one-cpu"))
			one_cpu = true;
		else if (!strcmp(argv[i], "--verbose"))
			verbose = true;
		else if (!strcmp(argv[i], "--size") && i + 1 < argc)
			only_size = (uint32_t)atoi(argv[++i]);
		else
			usage();
	}
	if (scale <= 0)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	P.cpus = one_cpu ? 1 : ncpus();
	P.lat_warm = 20;
	P.nbulk_sizes = NBULKSZ;
	P.nmulti = NMULTI;
	if (P.smoke) {
		P.lat_rounds = 1;
		P.lat_chunk = 10;
		P.lat_warm = 2;
		P.tput_rounds = 1;
		P.tput_msgs = 50;
		P.bulk_rounds = 1;
		P.bulk_small_reps = 1;
		P.nbulk_sizes = 1;
		P.multi_rounds = 1;
		P.multi_calls = 16;
		P.nmulti = 2;
		P.mem_ports = 200;
		P.mem_msgs = 200;
		P.path_rounds = 1;
		P.path_iters = 20;
	} else {
		P.lat_rounds = 10;
		P.lat_chunk = scaled(200, scale);
		P.tput_rounds = scaled(10, scale);
		P.tput_msgs = 1000;
		P.bulk_rounds = scaled(4, scale);
		P.bulk_small_reps = 4;
		P.multi_rounds = scaled(3, scale);
		P.multi_calls = 1600;
		P.mem_ports = 20000;
		P.mem_msgs = 16000;
		P.path_rounds = 10;
		P.path_iters = scaled(1000, scale);
	}
	if (P.lat_chunk < 1 || P.tput_rounds < 1 || P.bulk_rounds < 1 ||
	    P.multi_rounds < 1)
		usage();
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	signal(SIGPIPE, SIG_IGN);
	save_proc();

	ran_path = !only || strstr(only, "path");
	ran_lat = !only || strstr(only, "latency");
	ran_tput = !only || strstr(only, "throughput");
	ran_bulk = !only || strstr(only, "bulk");
	ran_multi = !only || strstr(only, "clients");
	if (ran_path)
		run_path();
	if (ran_lat)
		run_latency();
	if (ran_tput)
		run_throughput();
	if (ran_bulk)
		run_bulk();
	if (ran_multi)
		run_multi();
	if (!only || strstr(only, "memory"))
		run_memory();
	restore_proc();
	note("done in %.0f s", (double)(now_ns() - t0) / 1e9);
	if (P.smoke) {
		printf("1..%d\n", tap_n);
		return 0;
	}
	compute_targets();
	print_table(u.release);
	print_json(u.release);
	print_plot_data();
	return 0;
}
