// SPDX-License-Identifier: MIT
/*
 * make demo: Mach ports on Linux, step by step, with readable output.
 */
#include <stdio.h>
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

	printf("\n%s\n", bad ? "demo FAILED" : "demo finished: Mach IPC is working");
	return bad;
}
