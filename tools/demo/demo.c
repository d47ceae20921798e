// SPDX-License-Identifier: MIT
/*
 * make demo: Mach ports on Linux, step by step, with readable output.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mach/mach.h>

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

int main(void)
{
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
	printf("\n%s\n", bad ? "demo FAILED" : "demo finished: Mach IPC is working");
	return bad;
}
