// SPDX-License-Identifier: GPL-2.0
/*
 * Introspection: the "machport" generic netlink family, which lsmp reads.
 *
 * GET_SPACES dumps the IPC spaces the caller may inspect, GET_ENTRIES the
 * names of one process's spaces, GET_STATS the module-wide counters (see
 * uapi/linux/machport.h and Documentation/introspection.md).
 *
 * Visibility: a space is shown only if its process is in the caller's
 * pid namespace and the caller may inspect it under the rules of
 * ptrace_may_access(PTRACE_MODE_READ_REALCREDS), which modules cannot
 * call: same real uid and gid as all of the target's ids, or
 * CAP_SYS_PTRACE in the target's user namespace; and a target that is not
 * dumpable needs CAP_SYS_PTRACE in its mm's user namespace. (The LSM hook
 * ptrace_may_access also runs is the one part not applied; see
 * Documentation/security.md.) Pids are given in the caller's namespace.
 *
 * A dump holds one space's lock while it fills one message buffer, and
 * resumes from the next name. A space whose names changed between two
 * buffers flags the next message NLM_F_DUMP_INTR.
 */
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <net/genetlink.h>

#include "machport.h"
#include "netlink.h"
#include "port.h"
#include "pset.h"
#include "space.h"
#include "stats.h"

static struct genl_family mp_genl_family;

static const struct nla_policy mp_policy[MACHPORT_A_MAX + 1] = {
	[MACHPORT_A_ENTRY_PID] = { .type = NLA_U32 },
};

/* ---- Visibility ------------------------------------------------------- */

static bool same_ids(const struct cred *c, const struct cred *t)
{
	return uid_eq(c->uid, t->euid) && uid_eq(c->uid, t->suid) &&
	       uid_eq(c->uid, t->uid) && gid_eq(c->gid, t->egid) &&
	       gid_eq(c->gid, t->sgid) && gid_eq(c->gid, t->gid);
}

static bool may_inspect(struct task_struct *task)
{
	const struct cred *tcred;
	bool ok;

	if (same_thread_group(task, current))
		return true;
	tcred = get_task_cred(task);
	ok = same_ids(current_cred(), tcred) ||
	     ns_capable(tcred->user_ns, CAP_SYS_PTRACE);
	put_cred(tcred);
	return ok && mp_dumpable_or_capable(task);
}

/* @owner's pid in the caller's namespace if the caller may see it, else 0. */
static u32 visible_pid(struct pid *owner)
{
	struct task_struct *task;
	u32 nr = pid_nr_ns(owner, task_active_pid_ns(current));

	if (!nr)
		return 0;
	task = get_pid_task(owner, PIDTYPE_TGID);
	if (!task)
		return 0;
	if (!may_inspect(task))
		nr = 0;
	put_task_struct(task);
	return nr;
}

static int put_comm(struct sk_buff *skb, int attr, struct pid *pid)
{
	char comm[TASK_COMM_LEN] = "";
	struct task_struct *task = get_pid_task(pid, PIDTYPE_TGID);

	if (task) {
		get_task_comm(comm, task);
		put_task_struct(task);
	}
	return nla_put_string(skb, attr, comm);
}

/* ---- GET_SPACES --------------------------------------------------------- */

static int fill_space(struct sk_buff *skb, struct netlink_callback *cb,
		      struct mp_space *space, u32 pid)
{
	void *hdr;
	u32 used;
	u64 mem;

	mutex_lock(&space->lock);
	used = space->used;
	mem = sizeof(*space) + (u64)space->size * sizeof(struct mp_entry) +
	      (u64)space->nbuckets * sizeof(u32);
	mutex_unlock(&space->lock);

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &mp_genl_family, NLM_F_MULTI,
			  MACHPORT_CMD_GET_SPACES);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, MACHPORT_A_SPACE_ID, space->id,
			      MACHPORT_A_PAD) ||
	    nla_put_u32(skb, MACHPORT_A_SPACE_PID, pid) ||
	    put_comm(skb, MACHPORT_A_SPACE_COMM, space->owner) ||
	    nla_put_u32(skb, MACHPORT_A_SPACE_ENTRIES, used) ||
	    nla_put_u64_64bit(skb, MACHPORT_A_SPACE_MEMORY, mem,
			      MACHPORT_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* cb->args[0]: id of the last space put in a message. */
static int dump_spaces(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mp_space *space;
	u32 pid;

	while ((space = mp_space_next(cb->args[0]))) {
		pid = READ_ONCE(space->active) ? visible_pid(space->owner) : 0;
		if (pid && fill_space(skb, cb, space, pid)) {
			mp_space_put(space);
			break;
		}
		cb->args[0] = space->id;
		mp_space_put(space);
	}
	return skb->len;
}

/* ---- GET_ENTRIES -------------------------------------------------------- */

static u32 armed(struct mp_port *port, u32 *dnrequests)
{
	struct list_head *pos;
	u32 bits = 0;

	lockdep_assert_held(&port->lock);
	*dnrequests = 0;
	list_for_each(pos, &port->dnrequests)
		(*dnrequests)++;
	if (port->nsrequest)
		bits |= MACHPORT_ARMED_NO_SENDERS;
	if (port->pdrequest)
		bits |= MACHPORT_ARMED_PORT_DESTROYED;
	if (*dnrequests)
		bits |= MACHPORT_ARMED_DEAD_NAME;
	return bits;
}

static int put_sets(struct sk_buff *skb, struct mp_port *port)
{
	struct mp_member *mb;
	struct nlattr *nest;

	lockdep_assert_held(&port->lock);
	if (list_empty(&port->memberships))
		return 0;
	nest = nla_nest_start(skb, MACHPORT_A_ENTRY_SETS);
	if (!nest)
		return -EMSGSIZE;
	list_for_each_entry(mb, &port->memberships, in_port)
		if (nla_put_u32(skb, MACHPORT_A_SET_NAME, mb->set->name))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The receive side's state; the port's lock is held. */
static int put_receive(struct sk_buff *skb, struct mp_port *port)
{
	u32 dnreqs, bits = armed(port, &dnreqs);

	lockdep_assert_held(&port->lock);
	if (nla_put_u32(skb, MACHPORT_A_ENTRY_QLEN, port->msgcount) ||
	    nla_put_u32(skb, MACHPORT_A_ENTRY_QLIMIT, port->qlimit) ||
	    nla_put_u32(skb, MACHPORT_A_ENTRY_SEQNO, port->seqno) ||
	    nla_put_u32(skb, MACHPORT_A_ENTRY_MSCOUNT, port->mscount) ||
	    nla_put_u32(skb, MACHPORT_A_ENTRY_SRIGHTS, port->srights) ||
	    nla_put_u32(skb, MACHPORT_A_ENTRY_SORIGHTS, port->sorights) ||
	    nla_put_u32(skb, MACHPORT_A_ENTRY_NOTIFY, bits) ||
	    nla_put_u32(skb, MACHPORT_A_ENTRY_DNREQUESTS, dnreqs))
		return -EMSGSIZE;
	return put_sets(skb, port);
}

/* Who holds the receive right of a port this space sends to. */
static int put_peer(struct sk_buff *skb, struct pid *peer)
{
	u32 nr = visible_pid(peer);

	if (!nr)	/* not the caller's to see */
		return nla_put_flag(skb, MACHPORT_A_ENTRY_PEER_HIDDEN);
	if (nla_put_u32(skb, MACHPORT_A_ENTRY_PEER_PID, nr))
		return -EMSGSIZE;
	return put_comm(skb, MACHPORT_A_ENTRY_PEER_COMM, peer);
}

/* What a port entry says about its port; the space's lock is held. */
static int put_port(struct sk_buff *skb, struct mp_entry *e, u32 *type)
{
	struct mp_port *port = e->port;
	struct pid *peer = NULL;
	bool dead;
	int ret = 0;

	spin_lock(&port->lock);
	dead = !port->active;
	if (dead && (*type & (MACHPORT_TYPE_SEND | MACHPORT_TYPE_SEND_ONCE)))
		/* What mach_port_type() will say once it looks. */
		*type = (*type & ~(MACHPORT_TYPE_SEND |
				   MACHPORT_TYPE_SEND_ONCE)) |
			MACHPORT_TYPE_DEAD_NAME;
	if (nla_put_u64_64bit(skb, MACHPORT_A_ENTRY_PORT_ID, port->id,
			      MACHPORT_A_PAD) ||
	    (port->kobject &&
	     nla_put_u32(skb, MACHPORT_A_ENTRY_KOBJECT, port->kobject)))
		ret = -EMSGSIZE;
	else if (*type & MACHPORT_TYPE_RECEIVE)
		ret = put_receive(skb, port);
	else if (!dead && port->receiver)
		peer = get_pid(port->receiver->owner);
	else if (!dead && !port->kobject &&
		 nla_put_flag(skb, MACHPORT_A_ENTRY_IN_TRANSIT))
		ret = -EMSGSIZE;
	spin_unlock(&port->lock);
	if (!ret && peer)
		ret = put_peer(skb, peer);
	put_pid(peer);
	return ret;
}

static u32 set_members(struct mp_pset *set)
{
	struct list_head *pos;
	u32 n = 0;

	spin_lock(&set->lock);
	list_for_each(pos, &set->members)
		n++;
	spin_unlock(&set->lock);
	return n;
}

static int fill_entry(struct sk_buff *skb, struct netlink_callback *cb,
		      struct mp_space *space, u32 pid, struct mp_entry *e)
{
	u32 type = e->type & ~MACHPORT_TYPE_DNREQUEST;
	struct nlattr *type_attr;
	void *hdr;

	lockdep_assert_held(&space->lock);
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &mp_genl_family, NLM_F_MULTI,
			  MACHPORT_CMD_GET_ENTRIES);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	type_attr = nla_reserve(skb, MACHPORT_A_ENTRY_TYPE, sizeof(u32));
	if (nla_put_u64_64bit(skb, MACHPORT_A_SPACE_ID, space->id,
			      MACHPORT_A_PAD) ||
	    nla_put_u32(skb, MACHPORT_A_SPACE_PID, pid) ||
	    nla_put_u32(skb, MACHPORT_A_ENTRY_NAME,
			mp_space_name(space, e)) ||
	    !type_attr ||
	    nla_put_u32(skb, MACHPORT_A_ENTRY_UREFS, e->urefs) ||
	    ((e->type & MACHPORT_TYPE_DNREQUEST) &&
	     nla_put_flag(skb, MACHPORT_A_ENTRY_DNREQUEST)))
		goto cancel;
	if (type & MACHPORT_TYPE_PORT_SET) {
		if (nla_put_u32(skb, MACHPORT_A_ENTRY_MEMBERS,
				set_members(e->pset)))
			goto cancel;
	} else if (e->port && put_port(skb, e, &type)) {
		goto cancel;
	}
	if ((type & MACHPORT_TYPE_DEAD_NAME) &&
	    nla_put_flag(skb, MACHPORT_A_ENTRY_DEAD))
		goto cancel;
	/* The type may have been found dead on the way: filled in last. */
	*(u32 *)nla_data(type_attr) = type;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Names of @space from index *@next on; *@next moves past those sent. */
static int dump_space_entries(struct sk_buff *skb, struct netlink_callback *cb,
			      struct mp_space *space, u32 pid, u32 *next)
{
	int ret = 0;

	mutex_lock(&space->lock);
	/* Never 0: 0 tells the netlink core there is nothing to compare. */
	cb->seq = space->seq | 1U << 31;
	for (; space->active && *next < space->size; (*next)++) {
		struct mp_entry *e = &space->table[*next];

		if (!e->type)
			continue;
		ret = fill_entry(skb, cb, space, pid, e);
		if (ret)
			break;
	}
	mutex_unlock(&space->lock);
	return ret;
}

/*
 * cb->args: [0] the pid asked for (in the caller's namespace) + 1 once
 * parsed, [1] id of the space being dumped, [2] its next index.
 */
static int dump_entries(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr *tb[MACHPORT_A_MAX + 1];
	struct mp_space *space;
	u32 pid;
	int ret;

	if (!cb->args[0]) {
		ret = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, MACHPORT_A_MAX,
				  mp_policy, cb->extack);
		if (ret)
			return ret;
		if (!tb[MACHPORT_A_ENTRY_PID]) {
			NL_SET_ERR_MSG(cb->extack, "MACHPORT_A_ENTRY_PID is required");
			return -EINVAL;
		}
		cb->args[0] = (long)nla_get_u32(tb[MACHPORT_A_ENTRY_PID]) + 1;
		cb->args[1] = 0;
		cb->args[2] = MP_TASK_INDEX;
	}
	/* args[1]: the space to resume, or the lowest id to look at. */
	while ((space = mp_space_next(cb->args[1] ? cb->args[1] - 1 : 0))) {
		u32 next = cb->args[1] == space->id ? cb->args[2] : MP_TASK_INDEX;

		pid = READ_ONCE(space->active) ? visible_pid(space->owner) : 0;
		if (pid && pid == cb->args[0] - 1) {
			if (cb->args[1] != space->id)
				cb->prev_seq = 0;	/* a new space */
			cb->args[1] = space->id;
			ret = dump_space_entries(skb, cb, space, pid, &next);
			cb->args[2] = next;
			if (ret) {
				mp_space_put(space);
				break;
			}
		}
		/* Done with this space: move on (ids only grow). */
		cb->args[1] = space->id + 1;
		cb->args[2] = MP_TASK_INDEX;
		mp_space_put(space);
	}
	return skb->len;
}

/* ---- GET_STATS ---------------------------------------------------------- */

static int get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct mp_pcpu_stats sum;
	struct sk_buff *msg;
	void *hdr;

	mp_stats_sum(&sum);
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &mp_genl_family, 0,
				MACHPORT_CMD_GET_STATS);
	if (!hdr ||
	    nla_put_u64_64bit(msg, MACHPORT_A_STATS_SPACES,
			      atomic_long_read(&mp_stats.spaces), MACHPORT_A_PAD) ||
	    nla_put_u64_64bit(msg, MACHPORT_A_STATS_PORTS,
			      atomic_long_read(&mp_stats.ports), MACHPORT_A_PAD) ||
	    nla_put_u64_64bit(msg, MACHPORT_A_STATS_MSGS_QUEUED,
			      max_t(s64, sum.msgs_queued, 0), MACHPORT_A_PAD) ||
	    nla_put_u64_64bit(msg, MACHPORT_A_STATS_BYTES_QUEUED,
			      max_t(s64, sum.bytes_queued, 0), MACHPORT_A_PAD) ||
	    nla_put_u64_64bit(msg, MACHPORT_A_STATS_MSGS_SENT, sum.msgs_sent,
			      MACHPORT_A_PAD) ||
	    nla_put_u64_64bit(msg, MACHPORT_A_STATS_NOTIFICATIONS,
			      sum.notifications, MACHPORT_A_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* ---- The family --------------------------------------------------------- */

static const struct genl_small_ops mp_genl_ops[] = {
	{
		.cmd	= MACHPORT_CMD_GET_SPACES,
		.dumpit	= dump_spaces,
	},
	{
		.cmd	= MACHPORT_CMD_GET_ENTRIES,
		.dumpit	= dump_entries,
	},
	{
		.cmd	= MACHPORT_CMD_GET_STATS,
		.doit	= get_stats,
	},
};

static struct genl_family mp_genl_family __ro_after_init = {
	.name		= MACHPORT_GENL_NAME,
	.version	= MACHPORT_GENL_VERSION,
	.maxattr	= MACHPORT_A_MAX,
	.policy		= mp_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.small_ops	= mp_genl_ops,
	.n_small_ops	= ARRAY_SIZE(mp_genl_ops),
};

int __init mp_netlink_init(void)
{
	return genl_register_family(&mp_genl_family);
}

void mp_netlink_exit(void)
{
	genl_unregister_family(&mp_genl_family);
}
