// SPDX-License-Identifier: GPL-2.0
/*
 * A second, independent opinion: Debian's trinity system call fuzzer
 * pointed at /dev/mach for a bounded run (its victim files are the device,
 * so ioctls, reads, writes, mmaps, polls and closes land on our file
 * operations with arguments nobody here chose). Passes when trinity ran
 * its course, the kernel logged nothing (tools/vm-run checks), and the
 * module still works and holds nothing afterwards.
 *
 * MACHPORT_TRINITY_SYSCALLS sets the number of calls (default 5000: about
 * a minute and a half under emulation).
 * Skips when trinity is not installed (it is copied into the VM by
 * tools/check when the host has it: Debian package "trinity").
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mach/mach.h>

#include "kselftest_harness.h"
#include "util.h"

#define TRINITY "/usr/bin/trinity"

FIXTURE(trinity) {
	int unused;
};

FIXTURE_SETUP(trinity)
{
}

FIXTURE_TEARDOWN(trinity)
{
}

TEST_F_TIMEOUT(trinity, bounded_run_on_dev_mach, 900)
{
	const char *env = getenv("MACHPORT_TRINITY_SYSCALLS");
	char count[32], dir[] = "/tmp/trinity.XXXXXX";
	int status, fd;
	mach_port_t p;
	pid_t pid;
	long spaces;

	if (access(TRINITY, X_OK))
		SKIP(return, "trinity is not installed");
	spaces = mp_count("spaces");

	snprintf(count, sizeof(count), "-N%s", env ? env : "5000");
	ASSERT_NE(NULL, mkdtemp(dir));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Its logs and scratch files go to a directory of its own. */
		if (chdir(dir))
			_exit(126);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		execl(TRINITY, "trinity", "--dangerous", "-q", "-V", "/dev/mach",
		      "-c", "ioctl", "-c", "read", "-c", "write", "-c", "mmap",
		      "-c", "poll", "-c", "close", "-c", "dup", "-c", "fcntl",
		      "-C", "2", count, "--disable-fds=sockets,perf,drm",
		      (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	TH_LOG("trinity %s exited with %d", count,
	       WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_NE(127, WEXITSTATUS(status));
	/* The module still serves, and trinity left nothing behind. */
	KR_EQ(KERN_SUCCESS, mach_port_allocate(mach_task_self(),
					       MACH_PORT_RIGHT_RECEIVE, &p));
	KR_EQ(KERN_SUCCESS, mach_port_destroy(mach_task_self(), p));
	ASSERT_EQ(spaces, mp_count("spaces"));
}

TEST_HARNESS_MAIN
