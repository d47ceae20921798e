// SPDX-License-Identifier: GPL-2.0
/*
 * IPC space lifecycle: one space per open, owned by the opening process;
 * a forked child gets its own; the owner's last close, exec or exit tears
 * the space down and frees its ports.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mach/mach.h>
#include <linux/machport.h>

#include "kselftest_harness.h"
#include "util.h"

static int raw_allocate(int fd, __u32 *name)
{
	struct machport_port_allocate a = { .right = MACHPORT_RIGHT_RECEIVE };
	int ret = ioctl(fd, MACHPORT_IOC_PORT_ALLOCATE, &a);

	*name = a.name;
	return ret;
}

static int raw_type(int fd, __u32 name, __u32 *type)
{
	struct machport_port_type t = { .name = name };
	int ret = ioctl(fd, MACHPORT_IOC_PORT_TYPE, &t);

	*type = t.type;
	return ret;
}

/* Wait up to 5 s for a module-wide count to come back to @want. */
static long settle(const char *what, long want)
{
	long v = -1;
	int i;

	for (i = 0; i < 500; i++) {
		v = mp_count(what);
		if (v == want)
			break;
		usleep(10000);
	}
	return v;
}

TEST(two_opens_two_spaces)
{
	int a = open("/dev/mach", O_RDWR | O_CLOEXEC);
	int b = open("/dev/mach", O_RDWR | O_CLOEXEC);
	__u32 name, type;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(MACHPORT_KERN_SUCCESS, raw_allocate(a, &name));
	EXPECT_EQ(MACHPORT_KERN_SUCCESS, raw_type(a, name, &type));
	EXPECT_EQ(MACHPORT_TYPE_RECEIVE, type);
	EXPECT_EQ(MACHPORT_KERN_INVALID_NAME, raw_type(b, name, &type));
	close(a);
	close(b);
}

TEST(space_counted_and_freed)
{
	long spaces = mp_count("spaces"), ports = mp_count("ports");
	int fd = open("/dev/mach", O_RDWR | O_CLOEXEC);
	__u32 name;
	int i;

	ASSERT_LE(0, spaces);
	ASSERT_LE(0, fd);
	EXPECT_EQ(spaces + 1, mp_count("spaces"));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, raw_allocate(fd, &name));
	/* Ten ports plus the task's own. */
	EXPECT_EQ(ports + 11, mp_count("ports"));
	close(fd);
	EXPECT_EQ(spaces, mp_count("spaces"));
	EXPECT_EQ(ports, mp_count("ports"));
}

TEST(inherited_fd_is_not_the_childs)
{
	int fd = open("/dev/mach", O_RDWR | O_CLOEXEC);
	__u32 name, type;
	pid_t pid;
	int status;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, raw_allocate(fd, &name));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int ret = raw_type(fd, name, &type);

		/* Not the child's space: refused, and the version still works. */
		if (ret != -1 || errno != EPERM)
			_exit(1);
		if (ioctl(fd, MACHPORT_IOC_VERSION) != MACHPORT_ABI_VERSION)
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The parent's space is untouched by the child's attempt and exit. */
	EXPECT_EQ(0, raw_type(fd, name, &type));
	EXPECT_EQ(MACHPORT_TYPE_RECEIVE, type);
	close(fd);
}

TEST(fork_child_gets_fresh_space)
{
	mach_port_t port, child_port;
	mach_port_type_t type;
	pid_t pid;
	int status;

	KR_EQ(KERN_SUCCESS, mach_port_allocate(mach_task_self(),
					      MACH_PORT_RIGHT_RECEIVE, &port));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (mach_port_type(mach_task_self(), port, &type) !=
		    KERN_INVALID_NAME)
			_exit(1);
		if (mach_port_allocate(mach_task_self(),
				       MACH_PORT_RIGHT_RECEIVE,
				       &child_port) != KERN_SUCCESS)
			_exit(2);
		if (mach_port_type(mach_task_self(), child_port, &type) ||
		    type != MACH_PORT_TYPE_RECEIVE)
			_exit(3);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	KR_EQ(KERN_SUCCESS, mach_port_type(mach_task_self(), port, &type));
	EXPECT_EQ(MACH_PORT_TYPE_RECEIVE, type);
	KR_EQ(KERN_SUCCESS, mach_port_mod_refs(mach_task_self(), port,
					      MACH_PORT_RIGHT_RECEIVE, -1));
}

TEST(exit_tears_down)
{
	long spaces = mp_count("spaces"), ports = mp_count("ports");
	pid_t pid;
	int status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		mach_port_t p;
		int i;

		for (i = 0; i < 100; i++)
			if (mach_port_allocate(mach_task_self(),
					       MACH_PORT_RIGHT_RECEIVE, &p))
				_exit(1);
		_exit(0);	/* no cleanup: exit must do it */
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(spaces, settle("spaces", spaces));
	EXPECT_EQ(ports, settle("ports", ports));
}

TEST(killed_process_tears_down)
{
	long ports = mp_count("ports");
	int sync[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		mach_port_t p;
		int i;

		for (i = 0; i < 50; i++)
			mach_port_allocate(mach_task_self(),
					   MACH_PORT_RIGHT_RECEIVE, &p);
		write(sync[1], "x", 1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(sync[0], &c, 1));
	EXPECT_EQ(ports + 51, mp_count("ports"));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_EQ(ports, settle("ports", ports));
	close(sync[0]);
	close(sync[1]);
}

/* The owner's last close ends the space though a child holds the file. */
TEST(owner_close_wins_over_inherited_fd)
{
	long ports;
	int fd = open("/dev/mach", O_RDWR);	/* inherited across fork */
	int sync[2], ready[2];
	__u32 name;
	pid_t pid;
	char c;
	int i;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(sync));
	ASSERT_EQ(0, pipe(ready));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, raw_allocate(fd, &name));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sync[1]);
		write(ready[1], "r", 1);
		read(sync[0], &c, 1);	/* holds fd until the parent is done */
		_exit(0);
	}
	/* The child has its own space by now (libmachport's fork handler). */
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ports = mp_count("ports");
	/* A dup keeps the space alive; the last of the owner's fds ends it. */
	{
		int dupfd = dup(fd);

		close(fd);
		EXPECT_EQ(ports, mp_count("ports"));
		close(dupfd);
	}
	/* Its ten ports and its task port are gone. */
	EXPECT_EQ(ports - 11, mp_count("ports"));
	close(sync[1]);
	waitpid(pid, NULL, 0);
	close(sync[0]);
}

TEST(exec_tears_down)
{
	long ports = mp_count("ports");
	int sync[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		mach_port_t p;
		int i;

		for (i = 0; i < 20; i++)
			mach_port_allocate(mach_task_self(),
					   MACH_PORT_RIGHT_RECEIVE, &p);
		write(sync[1], "x", 1);
		/* The library's descriptor is O_CLOEXEC. */
		execl("/bin/sleep", "sleep", "10", (char *)NULL);
		_exit(127);
	}
	close(sync[1]);
	ASSERT_EQ(1, read(sync[0], &c, 1));
	/* The child now runs sleep(1), long past settle()'s 5 s. */
	EXPECT_EQ(ports, settle("ports", ports));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(sync[0]);
}

TEST_HARNESS_MAIN
