// SPDX-License-Identifier: MIT
/*
 * make demo: Mach ports on Linux, step by step, with readable output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mach/mach.h>
#include <machport/cf.h>
#include <servers/bootstrap.h>

static const char *type_str(mach_port_type_t t)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s%s%s%s%s",
		 t & MACH_PORT_TYPE_RECEIVE ? "receive " : "",
		 t & MACH_PORT_TYPE_SEND ? "send " : "",
		 t & MACH_PORT_TYPE_SEND_ONCE ? "send-once " : "",
		 t & MACH_PORT_TYPE_PORT_SET ? "port-set " : "",
		 t & MACH_PORT_TYPE_DEAD_NAME ? "dead-name " : "");
	return buf;
}

static int check(const char *what, kern_return_t kr)
{
	printf("  %-52s -> %s\n", what, mach_error_string(kr));
	return kr != KERN_SUCCESS;
}

static void show(const char *label, mach_port_t name)
{
	mach_port_type_t t = 0;
	mach_port_urefs_t send = 0;

	mach_port_type(mach_task_self(), name, &t);
	mach_port_get_refs(mach_task_self(), name, MACH_PORT_RIGHT_SEND, &send);
	printf("  %-10s name 0x%-8x rights: %-22s send urefs %u\n", label, name,
	       type_str(t), send);
}

struct announce {
	mach_msg_header_t header;
	mach_msg_body_t body;
	mach_msg_port_descriptor_t port;
	char text[64];
};

struct request {
	mach_msg_header_t header;
	mach_msg_body_t body;
	mach_msg_ool_descriptor_t ool;
	char text[64];
};

struct reply {
	mach_msg_header_t header;
	char text[64];
};

union buffer {
	mach_msg_header_t header;
	struct announce ann;
	struct request req;
	struct reply rep;
	char raw[1024];
};

/* The child: announce a service port through the bootstrap port, then
 * answer three requests and exit. */
static void server_child(void)
{
	mach_port_t bootstrap, service;
	union buffer b;
	int i;

	task_get_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT, &bootstrap);
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &service);
	memset(&b, 0, sizeof(b));
	b.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) |
			     MACH_MSGH_BITS_COMPLEX;
	b.header.msgh_remote_port = bootstrap;
	b.ann.body.msgh_descriptor_count = 1;
	b.ann.port.name = service;
	b.ann.port.disposition = MACH_MSG_TYPE_MAKE_SEND;
	b.ann.port.type = MACH_MSG_PORT_DESCRIPTOR;
	snprintf(b.ann.text, sizeof(b.ann.text), "hello from server %d", getpid());
	mach_msg(&b.header, MACH_SEND_MSG, sizeof(struct announce), 0, 0, 0, 0);
	for (i = 0; i < 3; i++) {
		mach_msg(&b.header, MACH_RCV_MSG, 0, sizeof(b), service, 0, 0);
		printf("  server %d: request id %d \"%s\" with %u OOL bytes\n",
		       getpid(), b.header.msgh_id, b.req.text, b.req.ool.size);
		fflush(stdout);
		vm_deallocate(mach_task_self(),	/* the OOL region is ours */
			      (vm_address_t)b.req.ool.address, b.req.ool.size);
		b.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
		b.header.msgh_local_port = MACH_PORT_NULL;
		b.header.msgh_id += 100;
		snprintf(b.rep.text, sizeof(b.rep.text), "reply %d", i);
		mach_msg(&b.header, MACH_SEND_MSG, sizeof(struct reply), 0, 0, 0, 0);
	}
	_exit(0);
}

static int two_processes(void)
{
	mach_port_t bootstrap, service, reply = mach_reply_port();
	static char blob[1 << 20];
	mach_port_type_t t;
	union buffer b;
	pid_t pid;
	int i, bad = 0;

	printf("\n7. Two processes: request/reply through a bootstrap port\n");
	mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &bootstrap);
	mach_port_insert_right(mach_task_self(), bootstrap, bootstrap,
			       MACH_MSG_TYPE_MAKE_SEND);
	bad |= check("task_set_special_port(BOOTSTRAP)",
		     task_set_special_port(mach_task_self(),
					   TASK_BOOTSTRAP_PORT, bootstrap));
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		server_child();
	bad |= check("receive the server's announcement",
		     mach_msg(&b.header, MACH_RCV_MSG, 0, sizeof(b), bootstrap,
			      0, 0));
	service = b.ann.port.name;
	printf("  client: \"%s\", its port is 0x%x here\n", b.ann.text, service);
	memset(blob, 'x', sizeof(blob));
	for (i = 0; i < 3; i++) {
		memset(&b, 0, sizeof(b));
		b.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND,
						    MACH_MSG_TYPE_MAKE_SEND_ONCE) |
				     MACH_MSGH_BITS_COMPLEX;
		b.header.msgh_remote_port = service;
		b.header.msgh_local_port = reply;
		b.header.msgh_id = i;
		b.req.body.msgh_descriptor_count = 1;
		b.req.ool.address = blob;
		b.req.ool.size = sizeof(blob) >> i;
		b.req.ool.copy = MACH_MSG_VIRTUAL_COPY;
		b.req.ool.type = MACH_MSG_OOL_DESCRIPTOR;
		snprintf(b.req.text, sizeof(b.req.text), "request %d", i);
		/* one call sends the request and waits for the reply */
		bad |= mach_msg(&b.header, MACH_SEND_MSG | MACH_RCV_MSG,
				sizeof(struct request), sizeof(b), reply, 0, 0) != 0;
		printf("  client: reply id %d \"%s\"\n", b.header.msgh_id,
		       b.rep.text);
		fflush(stdout);
	}
	waitpid(pid, NULL, 0);
	mach_port_type(mach_task_self(), service, &t);
	printf("  client: the server exited; its port is now: %s\n",
	       type_str(t));
	bad |= t != MACH_PORT_TYPE_DEAD_NAME;
	return bad;
}

/* ---- 8. a named service, two clients: <machport/cf.h> and raw mach_msg */

#define GREET_ID	1	/* reply: "hello, <data>" */
#define SUM_ID		2	/* reply: the byte count and sum of the data */
#define QUIT_ID		99	/* reply "bye", then the service stops */

static mp_runloop_t *service_loop;

static mp_data_t *service_callout(mp_msgport_t *local, int32_t msgid,
				  const void *data, size_t length, void *info)
{
	const unsigned char *p = data;
	unsigned long sum = 0;
	char text[160];
	size_t i;

	(void)info;
	switch (msgid) {
	case GREET_ID:
		printf("  service %d: request %d on \"%s\": \"%.*s\"\n",
		       getpid(), msgid, mp_msgport_get_name(local), (int)length,
		       (const char *)data);
		snprintf(text, sizeof(text), "hello, %.*s", (int)length,
			 (const char *)data);
		break;
	case SUM_ID:
		for (i = 0; i < length; i++)
			sum += p[i];
		printf("  service %d: request %d with %zu bytes (out of line)\n",
		       getpid(), msgid, length);
		snprintf(text, sizeof(text), "%zu bytes, sum %lu", length, sum);
		break;
	case QUIT_ID:
		printf("  service %d: request %d: stopping\n", getpid(), msgid);
		mp_runloop_stop(service_loop);
		snprintf(text, sizeof(text), "bye");
		break;
	default:
		return NULL;
	}
	fflush(stdout);
	return mp_data_create(text, strlen(text));
}

static void service_process(const char *name, int ready_fd)
{
	mp_msgport_t *local;
	kern_return_t kr;
	int r;

	local = mp_msgport_create_local(name, service_callout, NULL, &kr);
	if (!local) {
		printf("  service: mp_msgport_create_local: %s\n",
		       bootstrap_strerror(kr));
		_exit(1);
	}
	service_loop = mp_runloop_create();
	mp_runloop_add_msgport(service_loop, local);
	printf("  service %d: checked in as \"%s\", running its run loop\n",
	       getpid(), name);
	fflush(stdout);
	if (write(ready_fd, "r", 1) != 1)
		_exit(1);
	r = mp_runloop_run(service_loop, 60, false);
	mp_msgport_invalidate(local);
	mp_msgport_release(local);
	mp_runloop_release(service_loop);
	_exit(r == MP_RUNLOOP_STOPPED ? 0 : 1);
}

static const char *result_str(int32_t r)
{
	switch (r) {
	case MP_MSGPORT_SUCCESS:		return "success";
	case MP_MSGPORT_SEND_TIMEOUT:		return "send timeout";
	case MP_MSGPORT_RECEIVE_TIMEOUT:	return "receive timeout";
	case MP_MSGPORT_IS_INVALID:		return "is invalid";
	case MP_MSGPORT_TRANSPORT_ERROR:	return "transport error";
	case MP_MSGPORT_BECAME_INVALID:		return "became invalid";
	default:				return "?";
	}
}

/* One request through a remote message port; 0 if it worked. */
static int ask(mp_msgport_t *remote, const char *who, int32_t id,
	       const void *data, size_t length)
{
	mp_data_t *reply = NULL;
	int32_t r;

	r = mp_msgport_send_request(remote, id, data, length, 5.0, 5.0, &reply);
	printf("  %s: request %d (%zu bytes) -> %s", who, id, length,
	       result_str(r));
	if (r == MP_MSGPORT_SUCCESS)
		printf(", reply \"%.*s\"", (int)mp_data_get_length(reply),
		       (const char *)mp_data_get_bytes(reply));
	printf("\n");
	fflush(stdout);
	mp_data_release(reply);
	return r != MP_MSGPORT_SUCCESS;
}

/* Client A: the higher-level API, a short request and a 1 MiB one. */
static int client_cf(const char *name)
{
	size_t big = 1 << 20, i;
	unsigned char *blob = malloc(big);
	mp_msgport_t *remote;
	kern_return_t kr;
	int bad = 0;

	remote = mp_msgport_create_remote(name, &kr);
	printf("  client A %d: mp_msgport_create_remote(\"%s\") -> %s\n",
	       getpid(), name, bootstrap_strerror(kr));
	if (!remote || !blob)
		return 1;
	bad |= ask(remote, "client A", GREET_ID, "client A", 8);
	for (i = 0; i < big; i++)
		blob[i] = (unsigned char)i;
	bad |= ask(remote, "client A", SUM_ID, blob, big);
	mp_msgport_release(remote);
	free(blob);
	return bad;
}

/* Client B: raw mach_msg() in the documented wire format. */
static int client_raw(const char *name)
{
	struct {
		mach_msg_header_t header;
		struct mp_msgport_wire wire;
		char data[8];
	} req;
	union {
		mach_msg_header_t header;
		struct {
			mach_msg_header_t header;
			struct mp_msgport_wire wire;
			char data[200];
		} m;
	} rep;
	mach_port_t service, reply = mig_get_reply_port();
	kern_return_t kr;

	kr = bootstrap_look_up(bootstrap_port, name, &service);
	printf("  client B %d: bootstrap_look_up(\"%s\") -> %s, port 0x%x\n",
	       getpid(), name, bootstrap_strerror(kr), service);
	if (kr)
		return 1;
	memset(&req, 0, sizeof(req));
	req.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND,
					      MACH_MSG_TYPE_MAKE_SEND_ONCE);
	req.header.msgh_remote_port = service;
	req.header.msgh_local_port = reply;
	req.header.msgh_id = GREET_ID;
	req.wire.magic = MP_MSGPORT_MAGIC;
	req.wire.length = 8;
	memcpy(req.data, "client B", 8);
	kr = mach_msg_overwrite(&req.header, MACH_SEND_MSG | MACH_RCV_MSG |
				MACH_RCV_TIMEOUT, sizeof(req), sizeof(rep),
				reply, 5000, MACH_PORT_NULL, &rep.header, 0);
	printf("  client B: mach_msg(SEND|RCV) -> %s", mach_error_string(kr));
	if (kr == MACH_MSG_SUCCESS)
		printf(", reply id %d \"%.*s\"", rep.header.msgh_id,
		       (int)rep.m.wire.length, rep.m.data);
	printf("\n");
	fflush(stdout);
	mach_port_deallocate(mach_task_self(), service);
	return kr != MACH_MSG_SUCCESS ||
	       rep.header.msgh_id != GREET_ID + MP_MSGPORT_REPLY_DELTA;
}

static int run_client(int (*fn)(const char *), const char *name)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(fn(name));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	return !WIFEXITED(status) || WEXITSTATUS(status);
}

static void service_gone(mp_msgport_t *port, void *info)
{
	(void)info;
	printf("  parent: invalidation callback: \"%s\" went away "
	       "(dead-name notification)\n", mp_msgport_get_name(port));
	fflush(stdout);
}

static int named_service(void)
{
	mp_msgport_t *remote;
	mp_runloop_t *rl;
	char name[64];
	int ready[2], bad = 0, status, r;
	pid_t service;
	char c;

	printf("\n8. A named service and two clients: <machport/cf.h> and raw mach_msg\n");
	/* Section 7 pointed the bootstrap port elsewhere: back to the names. */
	task_set_special_port(mach_task_self(), TASK_BOOTSTRAP_PORT,
			      bootstrap_port);
	snprintf(name, sizeof(name), "org.machport.demo.greeter.%d", getpid());
	if (pipe(ready))
		return 1;
	fflush(stdout);
	service = fork();
	if (service == 0) {
		close(ready[0]);
		service_process(name, ready[1]);
	}
	close(ready[1]);
	if (service < 0 || read(ready[0], &c, 1) != 1)
		return 1;
	close(ready[0]);

	bad |= run_client(client_cf, name);
	bad |= run_client(client_raw, name);

	/* The parent watches the service, and asks it to stop. */
	remote = mp_msgport_create_remote(name, NULL);
	if (!remote)
		return 1;
	mp_msgport_set_invalidation_callback(remote, service_gone);
	rl = mp_runloop_create();
	mp_runloop_add_msgport(rl, remote);
	bad |= ask(remote, "parent", QUIT_ID, NULL, 0);
	r = mp_runloop_run(rl, 10.0, false);
	printf("  parent: run loop returned %s\n",
	       r == MP_RUNLOOP_FINISHED ? "FINISHED (its only source left)" :
	       "something else");
	bad |= r != MP_RUNLOOP_FINISHED;
	r = mp_msgport_send_request(remote, GREET_ID, "again", 5, 1, 1, NULL);
	printf("  parent: another request -> %s\n", result_str(r));
	bad |= r != MP_MSGPORT_IS_INVALID;
	mp_msgport_release(remote);
	mp_runloop_release(rl);
	bad |= waitpid(service, &status, 0) != service || status != 0;
	return bad;
}

/* ---- 9. lsmp: who holds which port ------------------------------------ */

/*
 * A service and a client that stays connected, seen through lsmp, the
 * introspection tool (tools/lsmp): every process's names and rights, and
 * for each send right, the process at the other end.
 */
static int lsmp_view(const char *lsmp)
{
	char name[64], cmd[256];
	mp_msgport_t *remote;
	int ready[2], bad = 0, status;
	pid_t service;
	char c;

	printf("\n9. lsmp -a: the demo's processes and their ports\n");
	snprintf(name, sizeof(name), "org.machport.demo.shown.%d", getpid());
	if (pipe(ready))
		return 1;
	fflush(stdout);
	service = fork();
	if (service == 0) {
		close(ready[0]);
		service_process(name, ready[1]);
	}
	close(ready[1]);
	if (service < 0 || read(ready[0], &c, 1) != 1)
		return 1;
	close(ready[0]);
	remote = mp_msgport_create_remote(name, NULL);
	if (!remote)
		return 1;
	printf("  parent %d: connected to \"%s\" (a send right to its port)\n\n",
	       getpid(), name);
	fflush(stdout);
	snprintf(cmd, sizeof(cmd), "%s -a", lsmp);
	bad |= system(cmd) != 0;
	/* Stop the service. */
	mp_msgport_send_request(remote, QUIT_ID, NULL, 0, 5, 5, NULL);
	mp_msgport_release(remote);
	bad |= waitpid(service, &status, 0) != service || status != 0;
	return bad;
}

int main(int argc, char **argv)
{
	const char *lsmp = argc == 3 && !strcmp(argv[1], "--lsmp") ? argv[2] :
			   NULL;
	mach_port_t port, so;
	mach_msg_type_name_t t;
	mach_port_name_array_t names;
	mach_port_type_array_t types;
	mach_msg_type_number_t n, nt, i;
	int bad = 0;
	pid_t pid;

	printf("machport demo: Mach IPC rights in a Linux process (pid %d)\n\n",
	       getpid());
	printf("1. Allocate a receive right\n");
	bad |= check("mach_port_allocate(RECEIVE)",
		     mach_port_allocate(mach_task_self(),
					MACH_PORT_RIGHT_RECEIVE, &port));
	show("port", port);

	printf("\n2. Make send rights under the same name\n");
	bad |= check("mach_port_insert_right(MAKE_SEND)",
		     mach_port_insert_right(mach_task_self(), port, port,
					    MACH_MSG_TYPE_MAKE_SEND));
	bad |= check("mach_port_mod_refs(SEND, +2)",
		     mach_port_mod_refs(mach_task_self(), port,
					MACH_PORT_RIGHT_SEND, 2));
	show("port", port);
	bad |= check("mach_port_extract_right(MAKE_SEND_ONCE)",
		     mach_port_extract_right(mach_task_self(), port,
					     MACH_MSG_TYPE_MAKE_SEND_ONCE,
					     &so, &t));
	show("send-once", so);

	printf("\n3. The names this task holds (mach_port_names)\n");
	bad |= check("mach_port_names", mach_port_names(mach_task_self(),
				&names, &n, &types, &nt));
	for (i = 0; i < n; i++)
		printf("  0x%-8x %s%s\n", names[i], type_str(types[i]),
		       names[i] == mach_task_self() ? "(the task itself)" : "");
	vm_deallocate(mach_task_self(), (vm_address_t)names, n * sizeof(*names));
	vm_deallocate(mach_task_self(), (vm_address_t)types, n * sizeof(*types));

	printf("\n4. A forked child has its own IPC space\n");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		mach_port_type_t ct;

		printf("  child: mach_port_type(0x%x) -> %s\n", port,
		       mach_error_string(mach_port_type(mach_task_self(), port,
							&ct)));
		_exit(0);
	}
	waitpid(pid, NULL, 0);

	printf("\n5. Destroy the receive right: its rights become dead names\n");
	bad |= check("mach_port_mod_refs(RECEIVE, -1)",
		     mach_port_mod_refs(mach_task_self(), port,
					MACH_PORT_RIGHT_RECEIVE, -1));
	show("port", port);
	show("send-once", so);

	printf("\n6. Misuse gets the code macOS returns\n");
	check("mach_port_deallocate(stale name)",
	      mach_port_deallocate(mach_task_self(), 0x7777703));
	check("mach_port_allocate(SEND)",
	      mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_SEND, &so));

	bad |= two_processes();
	bad |= named_service();
	if (lsmp)
		bad |= lsmp_view(lsmp);
	printf("\n%s\n", bad ? "demo FAILED" : "demo finished: Mach IPC is working");
	return bad;
}
