/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel versions machport supports (6.1 LTS
 * to the newest) lives here and nowhere else. Each entry says which API
 * changed, in which release, and what we use instead.
 */
#ifndef MACHPORT_COMPAT_H
#define MACHPORT_COMPAT_H

#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/proc_ns.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/version.h>

/*
 * A reference to the caller's IPC namespace, which keys the bootstrap
 * registry. get_ipc_ns() is inline everywhere, but put_ipc_ns() is not
 * exported to modules on any supported kernel: the namespace's own
 * proc_ns_operations.put does the same job. Without CONFIG_IPC_NS there
 * is one namespace, never freed, and no ops to call.
 */
static inline struct ipc_namespace *mp_ipc_ns_get(void)
{
	return get_ipc_ns(current->nsproxy->ipc_ns);
}

static inline void mp_ipc_ns_put(struct ipc_namespace *ns)
{
#ifdef CONFIG_IPC_NS
	ns->ns.ops->put(&ns->ns);
#endif
}

/*
 * ptrace's rule for a task that is not dumpable: only a caller with
 * CAP_SYS_PTRACE in the user namespace its dumpability belongs to may
 * inspect it. Dumpability used to live in the mm (get_dumpable(),
 * mm->user_ns); 7.3 has it in task->exec_state. Kbuild probes for that
 * header (MP_HAVE_EXEC_STATE) rather than guessing the release that
 * moved it; task_exec_state_get_dumpable() is not exported.
 */
#ifdef MP_HAVE_EXEC_STATE
#include <linux/sched/exec_state.h>

static inline bool mp_dumpable_or_capable(struct task_struct *task)
{
	struct task_exec_state *es;
	bool ok;

	rcu_read_lock();
	es = rcu_dereference(task->exec_state);
	ok = READ_ONCE(es->dumpable) == TASK_DUMPABLE_OWNER ||
	     ns_capable(es->user_ns, CAP_SYS_PTRACE);
	rcu_read_unlock();
	return ok;
}
#else
#include <linux/sched/coredump.h>
#include <linux/sched/task.h>

static inline bool mp_dumpable_or_capable(struct task_struct *task)
{
	struct mm_struct *mm;
	bool ok = true;

	task_lock(task);
	mm = task->mm;
	if (mm && get_dumpable(mm) != SUID_DUMP_USER &&
	    !ns_capable(mm->user_ns, CAP_SYS_PTRACE))
		ok = false;
	task_unlock(task);
	return ok;
}
#endif

#endif /* MACHPORT_COMPAT_H */
