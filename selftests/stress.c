// SPDX-License-Identifier: GPL-2.0
/*
 * Stress with random deaths: server processes answer RPCs on port sets
 * and shuffle their membership; client processes make RPCs that carry
 * ports, arm notifications and look services up by name; every ~100 ms
 * a random worker is killed with SIGKILL and replaced. Afterwards the
 * module must hold nothing: no space, no port beyond the test's own.
 *
 * MACHPORT_STRESS_SECONDS sets the duration (default 20).
 */
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mach/mach.h>
#include <servers/bootstrap.h>

#include "kselftest_harness.h"
#include "util.h"

#define SELF mach_task_self()
#define SERVERS 2
#define CLIENTS 4
#define PORTS_PER_SERVER 4

struct shared {
	atomic_long rpcs;
	atomic_long transfers;
	atomic_long notifications;
};

struct req {
	mach_msg_header_t h;
	mach_msg_body_t body;
	mach_msg_port_descriptor_t carried;
	int value;
};

union rbuf {
	mach_msg_header_t h;
	struct req r;
	char buf[512];
};

static struct shared *sh;
static char prefix[64];

static unsigned int rnd(unsigned int *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void service_name(char *buf, size_t len, int server, int port)
{
	snprintf(buf, len, "%s.%d.%d", prefix, server, port);
}

static void serve(int id)
{
	mach_port_t sets[2], ports[PORTS_PER_SERVER];
	unsigned int seed = getpid();
	char name[96];
	int i;

	mach_port_allocate(SELF, MACH_PORT_RIGHT_PORT_SET, &sets[0]);
	mach_port_allocate(SELF, MACH_PORT_RIGHT_PORT_SET, &sets[1]);
	for (i = 0; i < PORTS_PER_SERVER; i++) {
		service_name(name, sizeof(name), id, i);
		/* A killed predecessor's name is free once its port died. */
		while (bootstrap_check_in(bootstrap_port, name, &ports[i]))
			usleep(1000);
		mach_port_insert_member(SELF, ports[i], sets[0]);
		if (i % 2)
			mach_port_insert_member(SELF, ports[i], sets[1]);
	}
	for (;;) {
		union rbuf m;
		mach_msg_header_t reply;
		mach_port_t set = sets[rnd(&seed) % 2];

		if (mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m),
			     set, 50, 0))
			continue;
		/* Keep some carried ports a while, drop others. */
		if (m.h.msgh_bits & MACH_MSGH_BITS_COMPLEX) {
			atomic_fetch_add(&sh->transfers, 1);
			if (rnd(&seed) % 4 == 0) {
				mach_port_t prev;

				mach_port_request_notification(SELF,
					m.r.carried.name, MACH_NOTIFY_DEAD_NAME, 0,
					ports[0], MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev);
			} else {
				mach_port_deallocate(SELF, m.r.carried.name);
			}
		}
		if (m.h.msgh_id == MACH_NOTIFY_DEAD_NAME) {
			atomic_fetch_add(&sh->notifications, 1);
			mach_msg_destroy(&m.h);
			continue;
		}
		if (MACH_PORT_VALID(m.h.msgh_remote_port)) {
			reply = (mach_msg_header_t){
				.msgh_bits = MACH_MSGH_BITS(
					MACH_MSGH_BITS_REMOTE(m.h.msgh_bits), 0),
				.msgh_size = sizeof(reply),
				.msgh_remote_port = m.h.msgh_remote_port,
				.msgh_id = m.h.msgh_id + 100,
			};
			if (mach_msg(&reply, MACH_SEND_MSG | MACH_SEND_TIMEOUT,
				     sizeof(reply), 0, 0, 100, 0))
				mach_port_deallocate(SELF, m.h.msgh_remote_port);
		}
		/* Shuffle: move a random port between the sets. */
		i = rnd(&seed) % PORTS_PER_SERVER;
		mach_port_move_member(SELF, ports[i], sets[rnd(&seed) % 2]);
	}
}

static void client(void)
{
	unsigned int seed = getpid();
	mach_port_t reply = new_port(), svc[SERVERS * PORTS_PER_SERVER] = { 0 };
	char name[96];

	for (;;) {
		unsigned int k = rnd(&seed) % (SERVERS * PORTS_PER_SERVER);
		mach_port_t carried = MACH_PORT_NULL;
		union rbuf m;
		kern_return_t kr;

		if (!svc[k] || (type_of(svc[k]) & MACH_PORT_TYPE_DEAD_NAME)) {
			if (svc[k])
				mach_port_deallocate(SELF, svc[k]);
			svc[k] = MACH_PORT_NULL;
			service_name(name, sizeof(name), k / PORTS_PER_SERVER,
				     k % PORTS_PER_SERVER);
			if (bootstrap_look_up(bootstrap_port, name, &svc[k])) {
				usleep(2000);
				continue;
			}
		}
		memset(&m, 0, sizeof(m));
		m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND,
					       MACH_MSG_TYPE_MAKE_SEND_ONCE);
		m.h.msgh_size = sizeof(mach_msg_header_t) + sizeof(int);
		m.h.msgh_remote_port = svc[k];
		m.h.msgh_local_port = reply;
		m.h.msgh_id = 500;
		if (rnd(&seed) % 3 == 0) {
			carried = new_port();
			m.h.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
			m.h.msgh_size = sizeof(m.r);
			m.r.body.msgh_descriptor_count = 1;
			m.r.carried.name = carried;
			m.r.carried.disposition = MACH_MSG_TYPE_MAKE_SEND;
			m.r.carried.type = MACH_MSG_PORT_DESCRIPTOR;
		}
		kr = mach_msg(&m.h, MACH_SEND_MSG | MACH_RCV_MSG |
			      MACH_SEND_TIMEOUT | MACH_RCV_TIMEOUT, m.h.msgh_size,
			      sizeof(m), reply, 200, 0);
		if (kr == MACH_MSG_SUCCESS && m.h.msgh_id == 600)
			atomic_fetch_add(&sh->rpcs, 1);
		else if (kr == MACH_RCV_TIMED_OUT)
			/* A late reply must never be taken for the next one. */
			reply = (mach_port_destroy(SELF, reply), new_port());
		if (carried && rnd(&seed) % 2)
			mach_port_destroy(SELF, carried);	/* dead name there */
	}
}

static pid_t spawn(int role)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (role < SERVERS)
			serve(role);
		client();
	}
	return pid;
}

FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

TEST_F_TIMEOUT(stress, rpcs_transfers_and_sets_under_random_kills, 600)
{
	const char *env = getenv("MACHPORT_STRESS_SECONDS");
	int seconds = env ? atoi(env) : 20, kills = 0, i, status;
	pid_t workers[SERVERS + CLIENTS];
	/* This thread's reply port, used at the end, counts from the start. */
	mach_port_t rp = mig_get_reply_port();
	long ports = mp_count("ports"), spaces = mp_count("spaces");
	unsigned int seed = 12345;
	time_t end;

	ASSERT_NE(MACH_PORT_NULL, rp);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	snprintf(prefix, sizeof(prefix), "org.machport.test.stress.%d",
		 (int)getpid());
	for (i = 0; i < SERVERS + CLIENTS; i++)
		workers[i] = spawn(i);
	end = time(NULL) + seconds;
	while (time(NULL) < end) {
		usleep(100000);
		i = rnd(&seed) % (SERVERS + CLIENTS);
		kill(workers[i], SIGKILL);
		ASSERT_EQ(workers[i], waitpid(workers[i], &status, 0));
		ASSERT_TRUE(WIFSIGNALED(status));	/* never a crash */
		ASSERT_EQ(SIGKILL, WTERMSIG(status));
		kills++;
		workers[i] = spawn(i);
	}
	for (i = 0; i < SERVERS + CLIENTS; i++) {
		kill(workers[i], SIGKILL);
		ASSERT_EQ(workers[i], waitpid(workers[i], &status, 0));
		ASSERT_EQ(SIGKILL, WTERMSIG(status));
	}
	TH_LOG("%d s: %d kills, %ld RPCs, %ld port transfers, %ld dead-name notifications",
	       seconds, kills, atomic_load(&sh->rpcs),
	       atomic_load(&sh->transfers), atomic_load(&sh->notifications));
	ASSERT_LT(0, atomic_load(&sh->rpcs));
	ASSERT_LT(0, atomic_load(&sh->transfers));
	/* The registry lets go of dead services' ports when asked. */
	for (i = 0; i < SERVERS * PORTS_PER_SERVER; i++) {
		char name[96];
		mach_port_t p;

		service_name(name, sizeof(name), i / PORTS_PER_SERVER,
			     i % PORTS_PER_SERVER);
		ASSERT_EQ(BOOTSTRAP_UNKNOWN_SERVICE,
			  bootstrap_look_up(bootstrap_port, name, &p));
	}
	/* Nothing of the workers is left, whatever they were doing. */
	ASSERT_EQ(spaces, mp_count("spaces"));
	ASSERT_EQ(ports, mp_count("ports"));
}

TEST_HARNESS_MAIN
