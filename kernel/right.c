// SPDX-License-Identifier: GPL-2.0
/*
 * Rights and their names: the mach_port_* calls, and moving rights into
 * and out of a space (copyin/copyout), which mach_msg shares.
 *
 * Every function here runs with the space's lock held and the space
 * active. A send or send-once right whose port died still points at the
 * port until the space next looks at the entry; check_dead() then turns
 * it into a dead name, keeping its user references, so a port's death
 * never has to lock the spaces that name it.
 */
#include <linux/kernel.h>

#include "kmsg.h"
#include "machport.h"
#include "notify.h"
#include "port.h"
#include "pset.h"
#include "right.h"
#include "space.h"

#define T_SEND		MACHPORT_TYPE_SEND
#define T_RECEIVE	MACHPORT_TYPE_RECEIVE
#define T_SEND_ONCE	MACHPORT_TYPE_SEND_ONCE
#define T_PORT_SET	MACHPORT_TYPE_PORT_SET
#define T_DEAD		MACHPORT_TYPE_DEAD_NAME
#define T_RIGHTS	(T_SEND | T_RECEIVE | T_SEND_ONCE | T_PORT_SET | T_DEAD)
#define T_DNREQ		MACHPORT_TYPE_DNREQUEST

/*
 * The port of a name with a dead-name request died: the request fired
 * (see mp_port_kill) and the notification carries one more user
 * reference on the dead name, as in XNU.
 */
static void dead_with_request(struct mp_entry *e)
{
	if ((e->type & T_DNREQ) && e->urefs < MACHPORT_UREFS_MAX)
		e->urefs++;
	e->type = T_DEAD;
}

static bool name_valid(u32 name)
{
	return name != MACHPORT_NAME_NULL && name != MACHPORT_NAME_DEAD;
}

/*
 * User references saturate at MACHPORT_UREFS_MAX, and a count that reached
 * it stays there ("pegged"): only an explicit -MACHPORT_UREFS_MAX delta
 * takes it down, as in current XNU.
 */
static u16 urefs_add(u16 urefs, u32 n)
{
	return min_t(u32, (u32)urefs + n, MACHPORT_UREFS_MAX);
}

static bool pegged(struct mp_entry *e)
{
	return e->urefs == MACHPORT_UREFS_MAX;
}

/* Make a send or send-once right to a dead port read as a dead name. */
static void check_dead(struct mp_space *space, struct mp_entry *e)
{
	struct mp_port *port = e->port;

	if (!(e->type & (T_SEND | T_SEND_ONCE)) || (e->type & T_RECEIVE))
		return;
	if (mp_port_active(port))
		return;
	if (e->hashed)
		mp_space_unhash(space, e);
	dead_with_request(e);
	e->port = NULL;
	mp_port_put(port);
}

static struct mp_entry *lookup(struct mp_space *space, u32 name)
{
	struct mp_entry *e = mp_space_lookup(space, name);

	if (e)
		check_dead(space, e);
	return e;
}

/* A name's entry, with a dead port's rights read as a dead name. */
struct mp_entry *mp_right_lookup(struct mp_space *space, u32 name)
{
	lockdep_assert_held(&space->lock);
	return lookup(space, name);
}

/* The entry lost its last right: give the object reference and slot back. */
static void entry_release(struct mp_space *space, struct mp_entry *e)
{
	struct mp_port *port = e->port;
	struct mp_pset *set = e->pset;
	bool is_set = e->type & T_PORT_SET;

	if ((e->type & T_DNREQ) && port)
		mp_notify_cancel(port, space, mp_space_name(space, e));
	mp_space_free(space, e);
	if (is_set)
		mp_pset_destroy(set);
	else if (port)
		mp_port_put(port);
}

static void drop_send(struct mp_space *space, struct mp_entry *e)
{
	mp_port_release_send(e->port);
	e->type &= ~T_SEND;
	e->urefs = 0;
	if (!(e->type & T_RECEIVE))
		entry_release(space, e);
}

/* A send-once right destroyed unused: its port hears of it. */
static void drop_send_once(struct mp_space *space, struct mp_entry *e)
{
	struct mp_port *port = e->port;

	mp_port_get(port);	/* the notification's */
	entry_release(space, e);
	mp_notify_send_once(port);
}

/*
 * The receive right dies. A send right under the same name becomes a dead
 * name at once, keeping its user references.
 */
/* The name lets go of its port: its own dead-name request is a deletion. */
static void cancel_own_request(struct mp_space *space, struct mp_entry *e)
{
	if (!(e->type & T_DNREQ) || !e->port)
		return;
	mp_notify_cancel(e->port, space, mp_space_name(space, e));
	e->type &= ~T_DNREQ;
}

static void drop_receive(struct mp_space *space, struct mp_entry *e)
{
	struct mp_port *port = e->port;

	/* Without a send right the name goes away with the receive right. */
	if (!(e->type & T_SEND))
		cancel_own_request(space, e);
	mp_pset_remove_all(port);
	mp_port_destroy(port);
	if (mp_port_active(port)) {
		/* A port-destroyed request took the receive right away. */
		e->type &= ~T_RECEIVE;
		if (!(e->type & T_SEND))
			entry_release(space, e);
		return;
	}
	if (e->type & T_SEND) {
		mp_port_release_send(port);
		mp_space_unhash(space, e);
		dead_with_request(e);
		e->port = NULL;
		mp_port_put(port);
		return;
	}
	entry_release(space, e);
}

/* mach_port_destroy() on one entry: every right under the name goes. */
void mp_right_destroy_entry(struct mp_space *space, struct mp_entry *e)
{
	lockdep_assert_held(&space->lock);
	if (e->pinned)		/* only at teardown: the task port dies */
		mp_port_destroy(e->port);
	check_dead(space, e);
	cancel_own_request(space, e);	/* the whole name goes */
	if (e->type & T_RECEIVE)
		drop_receive(space, e);
	if (e->type & T_SEND)
		drop_send(space, e);
	else if (e->type & T_SEND_ONCE)
		drop_send_once(space, e);
	else if (e->type)
		entry_release(space, e);	/* dead name or port set */
}

/*
 * A name the user chose, in XNU's order of checks: past the table's limit,
 * generation bits that kernel names never have, index 0.
 */
static int chosen_name_check(u32 name)
{
	if (MP_NAME_INDEX(name) >= mp_max_names + MP_FIRST_INDEX)
		return MACHPORT_KERN_NO_SPACE;
	if ((MP_NAME_GEN(name) & MP_GEN_ROLL) != MP_GEN_ROLL)
		return MACHPORT_KERN_INVALID_VALUE;
	if (!MP_NAME_INDEX(name))
		return MACHPORT_KERN_FAILURE;
	return MACHPORT_KERN_SUCCESS;
}

static int allocate_entry(struct mp_space *space, u32 flags, u32 *name,
			  struct mp_entry **ep)
{
	int kr;

	if (!(flags & MACHPORT_ALLOCATE_NAME)) {
		kr = mp_space_reserve(space, 1);
		if (kr)
			return kr;
		*ep = mp_space_alloc(space);
		*name = mp_space_name(space, *ep);
		return MACHPORT_KERN_SUCCESS;
	}
	kr = chosen_name_check(*name);
	if (kr)
		return kr;
	return mp_space_alloc_name(space, *name, ep);
}

int mp_right_allocate(struct mp_space *space, u32 right, u32 flags, u32 *name)
{
	struct mp_entry *e;
	struct mp_pset *set = NULL;
	struct mp_port *port = NULL;
	int kr;

	if ((flags & MACHPORT_ALLOCATE_NAME) && !name_valid(*name))
		return MACHPORT_KERN_INVALID_VALUE;
	if (right != MACHPORT_RIGHT_RECEIVE &&
	    right != MACHPORT_RIGHT_PORT_SET &&
	    right != MACHPORT_RIGHT_DEAD_NAME)
		return MACHPORT_KERN_INVALID_VALUE;
	/* XNU ignores the chosen name of a dead name and picks one. */
	if (right == MACHPORT_RIGHT_DEAD_NAME)
		flags &= ~MACHPORT_ALLOCATE_NAME;
	if (right == MACHPORT_RIGHT_RECEIVE) {
		port = mp_port_create(space, 0);
		if (!port)
			return MACHPORT_KERN_RESOURCE_SHORTAGE;
	} else if (right == MACHPORT_RIGHT_PORT_SET) {
		set = mp_pset_create();
		if (!set)
			return MACHPORT_KERN_RESOURCE_SHORTAGE;
	}
	kr = allocate_entry(space, flags, name, &e);
	if (kr) {
		if (port)
			mp_port_put(port);
		if (set)
			mp_pset_put(set);
		return kr;
	}
	if (set) {
		e->type = T_PORT_SET;
		e->pset = set;
		set->name = *name;
	} else if (port) {
		e->type = T_RECEIVE;
		e->port = port;
		mp_port_set_receiver(port, space, *name);
		mp_space_hash(space, e);
	} else {
		e->type = T_DEAD;
		e->urefs = 1;
	}
	return MACHPORT_KERN_SUCCESS;
}

int mp_right_deallocate(struct mp_space *space, u32 name)
{
	struct mp_entry *e;

	if (!name_valid(name))
		return MACHPORT_KERN_SUCCESS;
	e = lookup(space, name);
	if (!e)
		return MACHPORT_KERN_INVALID_NAME;
	if (e->type & T_SEND) {
		if (!pegged(e) && --e->urefs == 0)
			drop_send(space, e);
	} else if (e->type & T_SEND_ONCE) {
		drop_send_once(space, e);
	} else if (e->type & T_DEAD) {
		if (!pegged(e) && --e->urefs == 0)
			entry_release(space, e);
	} else if (e->type & T_PORT_SET) {
		entry_release(space, e);
	} else {
		return MACHPORT_KERN_INVALID_RIGHT;
	}
	return MACHPORT_KERN_SUCCESS;
}

int mp_right_destroy(struct mp_space *space, u32 name)
{
	struct mp_entry *e;

	if (!name_valid(name))
		return MACHPORT_KERN_SUCCESS;
	e = lookup(space, name);
	if (!e)
		return MACHPORT_KERN_INVALID_NAME;
	if (e->pinned)
		return MACHPORT_KERN_INVALID_CAPABILITY;
	if ((e->type & T_RECEIVE) && READ_ONCE(e->port->guarded))
		return MACHPORT_KERN_INVALID_RIGHT;	/* mach_port_destruct */
	mp_right_destroy_entry(space, e);
	return MACHPORT_KERN_SUCCESS;
}

int mp_right_type(struct mp_space *space, u32 name, u32 *type)
{
	struct mp_entry *e;

	if (name == MACHPORT_NAME_NULL)
		return MACHPORT_KERN_INVALID_NAME;
	if (name == MACHPORT_NAME_DEAD) {
		*type = T_DEAD;
		return MACHPORT_KERN_SUCCESS;
	}
	e = lookup(space, name);
	if (!e)
		return MACHPORT_KERN_INVALID_NAME;
	*type = e->type;
	return MACHPORT_KERN_SUCCESS;
}

/* Apply @delta to the user references of a send right or dead name. */
static int urefs_delta(struct mp_space *space, struct mp_entry *e, s32 delta)
{
	if (pegged(e) && delta != -(s32)MACHPORT_UREFS_MAX)
		return MACHPORT_KERN_SUCCESS;
	if (delta < 0 && -delta > e->urefs)
		return MACHPORT_KERN_INVALID_VALUE;
	if (e->pinned && delta < 0 && -delta == e->urefs)
		return MACHPORT_KERN_INVALID_CAPABILITY;
	if (delta > 0) {
		e->urefs = urefs_add(e->urefs, delta);
		return MACHPORT_KERN_SUCCESS;
	}
	e->urefs += delta;
	if (e->urefs)
		return MACHPORT_KERN_SUCCESS;
	if (e->type & T_SEND)
		drop_send(space, e);
	else
		entry_release(space, e);
	return MACHPORT_KERN_SUCCESS;
}

/* Rights that hold no user references: the delta is 0 or -1. */
static int single_delta(struct mp_space *space, struct mp_entry *e, u32 right,
			s32 delta)
{
	if (delta == 0)
		return MACHPORT_KERN_SUCCESS;
	if (delta != -1)
		return MACHPORT_KERN_INVALID_VALUE;
	if (right == MACHPORT_RIGHT_RECEIVE && READ_ONCE(e->port->guarded))
		return MACHPORT_KERN_INVALID_RIGHT;
	if (right == MACHPORT_RIGHT_RECEIVE)
		drop_receive(space, e);
	else if (right == MACHPORT_RIGHT_SEND_ONCE)
		drop_send_once(space, e);
	else
		entry_release(space, e);
	return MACHPORT_KERN_SUCCESS;
}

int mp_right_mod_refs(struct mp_space *space, u32 name, u32 right, s32 delta)
{
	struct mp_entry *e;

	if (right >= MACHPORT_RIGHT_NUMBER)
		return MACHPORT_KERN_INVALID_VALUE;
	if (!name_valid(name)) {
		if (right == MACHPORT_RIGHT_SEND ||
		    right == MACHPORT_RIGHT_SEND_ONCE)
			return MACHPORT_KERN_SUCCESS;
		return MACHPORT_KERN_INVALID_NAME;
	}
	if (delta > (s32)MACHPORT_UREFS_MAX || delta < -(s32)MACHPORT_UREFS_MAX)
		return MACHPORT_KERN_INVALID_VALUE;
	e = lookup(space, name);
	if (!e)
		return MACHPORT_KERN_INVALID_NAME;
	if (right == MACHPORT_RIGHT_LABELH ||
	    !(e->type & MACHPORT_TYPE(right)))
		return MACHPORT_KERN_INVALID_RIGHT;
	if (right == MACHPORT_RIGHT_SEND || right == MACHPORT_RIGHT_DEAD_NAME)
		return urefs_delta(space, e, delta);
	return single_delta(space, e, right, delta);
}

int mp_right_get_refs(struct mp_space *space, u32 name, u32 right, u32 *refs)
{
	struct mp_entry *e;

	if (right >= MACHPORT_RIGHT_NUMBER)
		return MACHPORT_KERN_INVALID_VALUE;
	*refs = 0;
	if (!name_valid(name)) {
		if (right != MACHPORT_RIGHT_SEND &&
		    right != MACHPORT_RIGHT_SEND_ONCE)
			return MACHPORT_KERN_INVALID_NAME;
		*refs = 1;
		return MACHPORT_KERN_SUCCESS;
	}
	e = lookup(space, name);
	if (!e)
		return MACHPORT_KERN_INVALID_NAME;
	if (!(e->type & MACHPORT_TYPE(right)))
		return MACHPORT_KERN_SUCCESS;
	if (right == MACHPORT_RIGHT_SEND || right == MACHPORT_RIGHT_DEAD_NAME)
		*refs = e->urefs;
	else
		*refs = 1;
	return MACHPORT_KERN_SUCCESS;
}

/* ---- Rights in transit ------------------------------------------------ */

u32 mp_right_disp_to_msgt(u32 disp)
{
	switch (disp) {
	case MACHPORT_MSG_TYPE_MOVE_RECEIVE:
		return MP_MSGT_PORT_RECEIVE;
	case MACHPORT_MSG_TYPE_MOVE_SEND:
	case MACHPORT_MSG_TYPE_COPY_SEND:
	case MACHPORT_MSG_TYPE_MAKE_SEND:
		return MP_MSGT_PORT_SEND;
	case MACHPORT_MSG_TYPE_MOVE_SEND_ONCE:
	case MACHPORT_MSG_TYPE_MAKE_SEND_ONCE:
		return MP_MSGT_PORT_SEND_ONCE;
	}
	return 0;
}

/*
 * Would taking @disp from @e succeed? Returns a Mach code; *deadp tells
 * that the right is a dead name and travels as MACH_PORT_DEAD.
 */
static int copyin_check(struct mp_entry *e, u32 disp, bool *deadp)
{
	u32 need;

	*deadp = false;
	switch (disp) {
	case MACHPORT_MSG_TYPE_MOVE_RECEIVE:
	case MACHPORT_MSG_TYPE_MAKE_SEND:
	case MACHPORT_MSG_TYPE_MAKE_SEND_ONCE:
		need = T_RECEIVE;
		break;
	case MACHPORT_MSG_TYPE_COPY_SEND:
	case MACHPORT_MSG_TYPE_MOVE_SEND:
		need = T_SEND;
		break;
	case MACHPORT_MSG_TYPE_MOVE_SEND_ONCE:
		need = T_SEND_ONCE;
		break;
	default:
		return MACHPORT_KERN_INVALID_RIGHT;
	}
	/* A guarded receive right stays where it is. */
	if (disp == MACHPORT_MSG_TYPE_MOVE_RECEIVE && (e->type & need) &&
	    READ_ONCE(e->port->guarded))
		return MACHPORT_KERN_INVALID_RIGHT;
	if (e->type & need)
		return MACHPORT_KERN_SUCCESS;
	if ((e->type & T_DEAD) && need != T_RECEIVE) {
		*deadp = true;
		return MACHPORT_KERN_SUCCESS;
	}
	return MACHPORT_KERN_INVALID_RIGHT;
}

/* Does the entry still name the port after copyin_commit(@disp)? */
static bool copyin_keeps_port(struct mp_entry *e, u32 disp)
{
	switch (disp) {
	case MACHPORT_MSG_TYPE_MOVE_RECEIVE:
		return e->type & T_SEND;
	case MACHPORT_MSG_TYPE_MOVE_SEND:
		return e->urefs > 1 || (e->type & T_RECEIVE);	/* or pegged */
	case MACHPORT_MSG_TYPE_MOVE_SEND_ONCE:
		return false;
	}
	return true;
}

/* Take the right; copyin_check() said yes. Returns the port (NULL: dead). */
static struct mp_port *copyin_commit(struct mp_space *space,
				     struct mp_entry *e, u32 disp, bool dead)
{
	struct mp_port *port = e->port;

	if (dead) {
		if (disp != MACHPORT_MSG_TYPE_COPY_SEND && !pegged(e) &&
		    --e->urefs == 0)
			entry_release(space, e);
		return NULL;
	}
	mp_port_get(port);
	switch (disp) {
	case MACHPORT_MSG_TYPE_MOVE_RECEIVE:
		mp_pset_remove_all(port);
		mp_port_clear_receiver(port);
		e->type &= ~T_RECEIVE;
		if (!(e->type & T_SEND))
			entry_release(space, e);
		break;
	case MACHPORT_MSG_TYPE_MAKE_SEND:
		mp_port_make_send(port);
		break;
	case MACHPORT_MSG_TYPE_MAKE_SEND_ONCE:
		mp_port_make_send_once(port);
		break;
	case MACHPORT_MSG_TYPE_COPY_SEND:
		mp_port_copy_send(port);
		break;
	case MACHPORT_MSG_TYPE_MOVE_SEND:
		mp_port_copy_send(port);	/* the right in transit */
		if (!pegged(e) && --e->urefs == 0)
			drop_send(space, e);	/* the entry's own right */
		break;
	case MACHPORT_MSG_TYPE_MOVE_SEND_ONCE:
		/* The right itself travels: sorights is unchanged. */
		entry_release(space, e);
		break;
	}
	return port;
}

/**
 * mp_right_copyin() - take a right out of a space to send it
 * @space: locked, active space
 * @name: the name in @space (not NULL or DEAD)
 * @disp: MACH_MSG_TYPE_MOVE_* / COPY_SEND / MAKE_*
 * @portp: the port with a reference for the right in transit, or NULL when
 *	a dead name was given (the right travels as MACH_PORT_DEAD)
 *
 * Return: MACHPORT_KERN_INVALID_NAME, _INVALID_RIGHT (also for a bad
 * disposition), or success.
 */
int mp_right_copyin(struct mp_space *space, u32 name, u32 disp,
		    struct mp_port **portp)
{
	struct mp_entry *e;
	bool dead;
	int kr;

	lockdep_assert_held(&space->lock);
	e = lookup(space, name);
	if (!e)
		return MACHPORT_KERN_INVALID_NAME;
	kr = copyin_check(e, disp, &dead);
	if (kr)
		return kr;
	*portp = copyin_commit(space, e, disp, dead);
	return MACHPORT_KERN_SUCCESS;
}

/*
 * Destroy a right in transit (its message is never received). A receive
 * right kills its port; the port's queued messages go on @reap.
 */
void mp_right_release_transit(struct mp_port *port, u32 msgt,
			      struct list_head *reap)
{
	if (!port)
		return;
	if (msgt == MP_MSGT_PORT_RECEIVE) {
		mp_port_transit_end(port);
		mp_port_kill(port, reap);
	} else if (msgt == MP_MSGT_PORT_SEND) {
		mp_port_release_send(port);
	} else {
		mp_notify_send_once(port);	/* consumes the reference */
		return;
	}
	mp_port_put(port);
}

void mp_right_drop_transit(struct mp_port *port, u32 msgt)
{
	LIST_HEAD(reap);

	mp_right_release_transit(port, msgt, &reap);
	mp_kmsg_reap(&reap);
}

/* Put a right in transit into @e, which names its port or is fresh. */
static void copyout_into(struct mp_space *space, struct mp_entry *e,
			 struct mp_port *port, u32 msgt)
{
	bool fresh = !e->type;

	if (fresh)
		e->port = port;
	switch (msgt) {
	case MP_MSGT_PORT_RECEIVE:
		mp_port_transit_end(port);
		e->type |= T_RECEIVE;
		mp_port_set_receiver(port, space, mp_space_name(space, e));
		break;
	case MP_MSGT_PORT_SEND:
		if (e->type & T_SEND) {
			e->urefs = urefs_add(e->urefs, 1);
			mp_port_release_send(port);	/* merged */
		} else {
			e->type |= T_SEND;
			e->urefs = 1;
		}
		break;
	case MP_MSGT_PORT_SEND_ONCE:
		e->type = T_SEND_ONCE;
		e->urefs = 1;
		break;
	}
	if (!fresh) {
		mp_port_put(port);	/* the entry already holds one */
		return;
	}
	if (msgt != MP_MSGT_PORT_SEND_ONCE)
		mp_space_hash(space, e);
}

/**
 * mp_right_copyout() - give a right in transit a name in a space
 * @space: locked, active space with a free slot reserved
 * @port: port of the right, NULL for a dead one
 * @msgt: MP_MSGT_PORT_*
 *
 * Send rights merge into the name the space already has for the port.
 * Return: the name, MACHPORT_NAME_DEAD when the port is dead.
 */
u32 mp_right_copyout(struct mp_space *space, struct mp_port *port, u32 msgt)
{
	struct mp_entry *e = NULL;

	lockdep_assert_held(&space->lock);
	if (!port)
		return MACHPORT_NAME_DEAD;
	if (msgt != MP_MSGT_PORT_RECEIVE && !mp_port_active(port)) {
		mp_right_drop_transit(port, msgt);
		return MACHPORT_NAME_DEAD;
	}
	if (msgt != MP_MSGT_PORT_SEND_ONCE)
		e = mp_space_find(space, port);
	if (!e)
		e = mp_space_alloc(space);
	copyout_into(space, e, port, msgt);
	return mp_space_name(space, e);
}

/*
 * mach_port_insert_right(name, name, MAKE_SEND or COPY_SEND): one more
 * user reference on the name itself, with XNU's answers for names that
 * cannot give one.
 */
static int insert_self(struct mp_space *space, u32 name, u32 disp)
{
	struct mp_entry *e = lookup(space, name);

	if (!e)
		return MACHPORT_KERN_INVALID_NAME;
	if (e->type & T_DEAD)
		return MACHPORT_KERN_INVALID_CAPABILITY;
	if (e->type & T_PORT_SET)
		return MACHPORT_KERN_INVALID_RIGHT;
	if (disp == MACHPORT_MSG_TYPE_MAKE_SEND && !(e->type & T_RECEIVE))
		return MACHPORT_KERN_INVALID_RIGHT;
	if (disp == MACHPORT_MSG_TYPE_COPY_SEND && !(e->type & T_SEND))
		return MACHPORT_KERN_INVALID_RIGHT;
	if (disp == MACHPORT_MSG_TYPE_MAKE_SEND)
		mp_port_make_send(e->port);
	else
		mp_port_copy_send(e->port);
	mp_port_get(e->port);
	copyout_into(space, e, e->port, MP_MSGT_PORT_SEND);
	return MACHPORT_KERN_SUCCESS;
}

/* May the right from @pe go under the name whose entry is @te (or none)? */
static int insert_check(struct mp_space *space, struct mp_entry *pe, u32 disp,
			struct mp_entry *te)
{
	u32 msgt = mp_right_disp_to_msgt(disp);
	struct mp_port *port = pe->port;
	struct mp_entry *oe;

	if (!mp_port_active(port) || port->kobject)
		return MACHPORT_KERN_INVALID_CAPABILITY;
	if (msgt != MP_MSGT_PORT_SEND_ONCE) {
		oe = mp_space_find(space, port);
		if (oe && oe != te && (oe != pe || copyin_keeps_port(pe, disp)))
			return MACHPORT_KERN_RIGHT_EXISTS;
	}
	/* A send-once right always has a name of its own. */
	if (te && (te->port != port || msgt == MP_MSGT_PORT_SEND_ONCE ||
		   (te->type & T_SEND_ONCE)))
		return MACHPORT_KERN_NAME_EXISTS;
	return MACHPORT_KERN_SUCCESS;
}

/*
 * mach_port_insert_right(): the right @poly names, taken with @disp,
 * appears under @name. Errors come in XNU's order. Unlike XNU, which
 * destroys the right it took when the name turns out to be unusable,
 * everything is checked before anything changes: a failed call leaves
 * the space exactly as it was.
 */
int mp_right_insert(struct mp_space *space, u32 name, u32 poly, u32 disp)
{
	struct mp_entry *pe, *te;
	struct mp_port *port;
	bool dead;
	int kr, name_kr;

	if (name == poly && (disp == MACHPORT_MSG_TYPE_MAKE_SEND ||
			     disp == MACHPORT_MSG_TYPE_COPY_SEND))
		return insert_self(space, name, disp);
	name_kr = chosen_name_check(name);
	if (!name_kr && name_valid(name)) {
		/* Grow now: entry pointers must stay valid below. */
		kr = mp_space_reserve_index(space, MP_NAME_INDEX(name));
		if (kr)
			return kr;
	}
	pe = lookup(space, poly);
	if (!pe)
		return MACHPORT_KERN_INVALID_NAME;
	kr = copyin_check(pe, disp, &dead);
	if (kr)
		return kr;
	if (!name_valid(name))
		return MACHPORT_KERN_INVALID_VALUE;
	if (dead)
		return MACHPORT_KERN_INVALID_CAPABILITY;
	if (name_kr)
		return name_kr;
	te = lookup(space, name);
	if (!te && space->table[MP_NAME_INDEX(name)].type)
		return MACHPORT_KERN_FAILURE;	/* index in use, other gen */
	kr = insert_check(space, pe, disp, te);
	if (kr)
		return kr;

	port = copyin_commit(space, pe, disp, false);
	te = mp_space_lookup(space, name);
	if (!te) {
		/* Cannot fail: the slot was checked free and is reserved. */
		kr = mp_space_alloc_name(space, name, &te);
		if (kr) {
			mp_right_drop_transit(port, mp_right_disp_to_msgt(disp));
			return kr;
		}
	}
	copyout_into(space, te, port, mp_right_disp_to_msgt(disp));
	return MACHPORT_KERN_SUCCESS;
}

int mp_right_extract(struct mp_space *space, u32 name, u32 disp, u32 *poly,
		     u32 *msgt)
{
	struct mp_port *port;
	int kr;

	if (!mp_right_disp_to_msgt(disp))
		return MACHPORT_KERN_INVALID_VALUE;
	if (!name_valid(name))
		return MACHPORT_KERN_INVALID_RIGHT;
	kr = mp_space_reserve(space, 1);
	if (kr)
		return kr;
	kr = mp_right_copyin(space, name, disp, &port);
	if (kr)
		return kr;
	*msgt = mp_right_disp_to_msgt(disp);
	*poly = mp_right_copyout(space, port, *msgt);
	return MACHPORT_KERN_SUCCESS;
}

/* Fill up to @count names and types; returns how many names there are. */
u32 mp_right_snapshot(struct mp_space *space, u32 *names, u32 *types,
		      u32 count)
{
	u32 i, n = 0;

	lockdep_assert_held(&space->lock);
	for (i = MP_TASK_INDEX; i < space->size; i++) {
		struct mp_entry *e = &space->table[i];

		if (!e->type)
			continue;
		check_dead(space, e);
		if (n < count) {
			names[n] = mp_space_name(space, e);
			types[n] = e->type;
		}
		n++;
	}
	return n;
}

/*
 * Index 1 names the task's own port, as mach_task_self() does on macOS: a
 * send right to a kernel-held port, pinned, its user references pegged so
 * that no sequence of deallocations takes it away.
 */
int mp_right_init_task(struct mp_space *space)
{
	struct mp_entry *e = &space->table[MP_TASK_INDEX];
	struct mp_port *port = mp_port_create(NULL, 0);

	lockdep_assert_held(&space->lock);
	if (!port)
		return -ENOMEM;
	port->kobject = MP_KOBJECT_TASK;
	port->srights = 1;
	e->port = port;
	e->type = T_SEND;
	e->urefs = MACHPORT_UREFS_MAX;
	e->gen = MP_GEN_ROLL;
	e->pinned = 1;
	space->used++;
	mp_space_hash(space, e);
	return 0;
}

/* ---- Message headers ---------------------------------------------------- */

static bool consumes(u32 disp)
{
	return disp == MACHPORT_MSG_TYPE_MOVE_SEND ||
	       disp == MACHPORT_MSG_TYPE_MOVE_SEND_ONCE;
}

/* Check the destination; *dropp: a dead send-once right, see below. */
static int header_dest_check(struct mp_space *space, u32 name, u32 disp,
			     struct mp_entry **ep, bool *dropp)
{
	struct mp_entry *e = mp_space_lookup(space, name);
	bool was_send_once, dead;

	*dropp = false;
	if (!e)
		return MACHPORT_SEND_INVALID_DEST;
	was_send_once = e->type & T_SEND_ONCE;
	check_dead(space, e);
	if (copyin_check(e, disp, &dead))
		return MACHPORT_SEND_INVALID_DEST;
	if (dead) {
		/*
		 * XNU quirk programs rely on: sending on a send-once right
		 * whose port died succeeds, and the message is dropped.
		 */
		if (!was_send_once || disp != MACHPORT_MSG_TYPE_MOVE_SEND_ONCE)
			return MACHPORT_SEND_INVALID_DEST;
		*dropp = true;
	}
	*ep = e;
	return MACHPORT_MSG_SUCCESS;
}

static int header_reply_check(struct mp_space *space, u32 name, u32 disp,
			      struct mp_entry **ep, bool *deadp)
{
	struct mp_entry *e;

	*ep = NULL;
	*deadp = name == MACHPORT_NAME_DEAD;
	if (!disp || !name_valid(name))
		return MACHPORT_MSG_SUCCESS;
	e = lookup(space, name);
	if (!e || copyin_check(e, disp, deadp))
		return MACHPORT_SEND_INVALID_REPLY;
	*ep = e;
	return MACHPORT_MSG_SUCCESS;
}

/* One name as destination and reply: both must be satisfiable together. */
static int header_same_name_check(struct mp_entry *e, u32 ddisp, u32 rdisp)
{
	if (!consumes(ddisp) || !consumes(rdisp))
		return MACHPORT_MSG_SUCCESS;
	if (ddisp == MACHPORT_MSG_TYPE_MOVE_SEND &&
	    rdisp == MACHPORT_MSG_TYPE_MOVE_SEND &&
	    e->urefs >= 2)
		return MACHPORT_MSG_SUCCESS;
	return MACHPORT_SEND_INVALID_REPLY;
}

/**
 * mp_right_copyin_header() - take the rights a message header names
 * @space: locked, active sender's space
 * @h: in: names and dispositions; out: ports (with references) and flags
 *
 * Atomic: everything is checked before anything is taken, so a failed
 * call leaves the space unchanged.
 * Return: a mach_msg_return_t.
 */
int mp_right_copyin_header(struct mp_space *space, struct mp_header_rights *h)
{
	struct mp_entry *de, *re;
	bool ddead, rdead;
	int ret;

	lockdep_assert_held(&space->lock);
	ret = header_dest_check(space, h->dest_name, h->dest_disp, &de, &ddead);
	if (ret)
		return ret;
	ret = header_reply_check(space, h->reply_name, h->reply_disp, &re,
				 &rdead);
	if (ret)
		return ret;
	if (re == de) {
		ret = header_same_name_check(de, h->dest_disp, h->reply_disp);
		if (ret)
			return ret;
	}
	h->drop = ddead;
	h->reply_dead = rdead;
	h->reply = NULL;
	/* Take the right that does not consume the entry first. */
	if (consumes(h->dest_disp) && re) {
		h->reply = copyin_commit(space, re, h->reply_disp, rdead);
		re = NULL;
	}
	h->dest = copyin_commit(space, de, h->dest_disp, ddead);
	if (re)
		h->reply = copyin_commit(space, re, h->reply_disp, rdead);
	return MACHPORT_MSG_SUCCESS;
}

/*
 * What mach_msg() receives from: the port of a receive right or a port
 * set, with a reference (exactly one of *portp, *setp is set).
 */
int mp_right_receive_object(struct mp_space *space, u32 name,
			    struct mp_port **portp, struct mp_pset **setp)
{
	struct mp_entry *e;

	lockdep_assert_held(&space->lock);
	*portp = NULL;
	*setp = NULL;
	e = name_valid(name) ? lookup(space, name) : NULL;
	if (e && (e->type & T_PORT_SET)) {
		kref_get(&e->pset->ref);
		*setp = e->pset;
		return MACHPORT_MSG_SUCCESS;
	}
	return mp_right_receive_port(space, name, portp);
}

/* For a poll descriptor: the receive right's port or the set, referenced. */
int mp_right_poll_object(struct mp_space *space, u32 name,
			 struct mp_port **portp, struct mp_pset **setp)
{
	struct mp_entry *e;

	lockdep_assert_held(&space->lock);
	e = name_valid(name) ? lookup(space, name) : NULL;
	if (!e)
		return MACHPORT_KERN_INVALID_NAME;
	if (e->type & T_PORT_SET) {
		kref_get(&e->pset->ref);
		*setp = e->pset;
		return MACHPORT_KERN_SUCCESS;
	}
	if (!(e->type & T_RECEIVE))
		return MACHPORT_KERN_INVALID_RIGHT;
	mp_port_get(e->port);
	*portp = e->port;
	return MACHPORT_KERN_SUCCESS;
}

/* The port of the receive right @name, with a reference. */
int mp_right_receive_port(struct mp_space *space, u32 name,
			  struct mp_port **portp)
{
	struct mp_entry *e;

	lockdep_assert_held(&space->lock);
	e = name_valid(name) ? lookup(space, name) : NULL;
	if (!e || !(e->type & T_RECEIVE))
		return MACHPORT_RCV_INVALID_NAME;
	mp_port_get(e->port);
	*portp = e->port;
	return MACHPORT_MSG_SUCCESS;
}

/* A destination right that delivered its message is used up. */
void mp_right_drop_used(struct mp_port *port, u32 msgt)
{
	if (!port)
		return;
	if (msgt == MP_MSGT_PORT_SEND)
		mp_port_release_send(port);
	else
		mp_port_release_send_once(port);
	mp_port_put(port);
}

/* ---- Port-set membership ----------------------------------------------- */

static int member_lookup(struct mp_space *space, u32 name, u32 pset,
			 struct mp_entry **me, struct mp_entry **se)
{
	*me = lookup(space, name);
	*se = NULL;
	if (!*me)
		return MACHPORT_KERN_INVALID_NAME;
	if (pset != MACHPORT_NAME_NULL) {
		*se = lookup(space, pset);
		if (!*se)
			return MACHPORT_KERN_INVALID_NAME;
	}
	if (!((*me)->type & T_RECEIVE))
		return MACHPORT_KERN_INVALID_RIGHT;
	if (*se && !((*se)->type & T_PORT_SET))
		return MACHPORT_KERN_INVALID_RIGHT;
	return MACHPORT_KERN_SUCCESS;
}

/**
 * mp_right_members() - mach_port_move/insert/extract_member()
 * @space: locked, active space
 * @op: MACHPORT_MEMBER_*
 * @name: the member, a receive right
 * @pset: the set (for MOVE, MACH_PORT_NULL removes from every set)
 *
 * Return: XNU's codes: KERN_INVALID_RIGHT for NULL/DEAD names,
 * KERN_INVALID_NAME, KERN_INVALID_RIGHT, KERN_ALREADY_IN_SET,
 * KERN_NOT_IN_SET.
 */
int mp_right_members(struct mp_space *space, u32 op, u32 name, u32 pset)
{
	struct mp_entry *me, *se;
	struct mp_port *port;
	int kr;

	lockdep_assert_held(&space->lock);
	if (!name_valid(name) || pset == MACHPORT_NAME_DEAD ||
	    (op != MACHPORT_MEMBER_MOVE && pset == MACHPORT_NAME_NULL))
		return MACHPORT_KERN_INVALID_RIGHT;
	kr = member_lookup(space, name, pset, &me, &se);
	if (kr)
		return kr;
	port = me->port;
	switch (op) {
	case MACHPORT_MEMBER_INSERT:
		return mp_pset_add(se->pset, port);
	case MACHPORT_MEMBER_EXTRACT:
		return mp_pset_remove(se->pset, port) ?
		       MACHPORT_KERN_SUCCESS : MACHPORT_KERN_NOT_IN_SET;
	}
	if (!mp_pset_remove_all(port) && !se)
		return MACHPORT_KERN_NOT_IN_SET;
	return se ? mp_pset_add(se->pset, port) : MACHPORT_KERN_SUCCESS;
}

/* mach_port_get_set_status(): the members' names; *count in and out. */
int mp_right_set_status(struct mp_space *space, u32 name, u32 *names,
			u32 *count)
{
	struct mp_entry *e;

	lockdep_assert_held(&space->lock);
	if (!name_valid(name))
		return MACHPORT_KERN_INVALID_RIGHT;
	e = lookup(space, name);
	if (!e)
		return MACHPORT_KERN_INVALID_NAME;
	if (!(e->type & T_PORT_SET))
		return MACHPORT_KERN_INVALID_RIGHT;
	*count = mp_pset_member_names(e->pset, names, *count);
	return MACHPORT_KERN_SUCCESS;
}
