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
#include <linux/proc_ns.h>
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

#endif /* MACHPORT_COMPAT_H */
