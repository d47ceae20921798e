// SPDX-License-Identifier: GPL-2.0
/*
 * The name service: one registry of service names per IPC namespace,
 * served by the kernel on a bootstrap port.
 *
 * Every space opened in a namespace starts with a send right to the
 * namespace's bootstrap port in its TASK_BOOTSTRAP_PORT slot, so that
 * bootstrap_check_in(), bootstrap_register() and bootstrap_look_up() work
 * with no daemon to start, for every user, and a container (a separate
 * IPC namespace) sees only its own names. The requests are ordinary
 * MIG-shaped messages (uapi/linux/machport.h, Documentation/bootstrap.md):
 * a process may give itself and its children another server with
 * task_set_bootstrap_port(), as launchd does.
 *
 * The registry holds a send right to each service port, so a service has
 * senders while it is registered. A name whose port died is dropped the
 * next time anything touches it, and never counts against its owner.
 * A registry lives while a space opened in its namespace does; it holds
 * its namespace, so the namespace cannot be freed and its address
 * reused for another one while the registry is findable.
 */
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/stringhash.h>

#include "bootstrap.h"
#include "compat.h"
#include "desc.h"
#include "kmsg.h"
#include "machport.h"
#include "notify.h"
#include "port.h"
#include "right.h"

unsigned int mp_max_service_names = 1024;
module_param_named(max_service_names, mp_max_service_names, uint, 0444);
MODULE_PARM_DESC(max_service_names,
		 "Service names one user may register per IPC namespace (default 1024)");

#define NAME_LEN	MACHPORT_BOOTSTRAP_NAME_LEN
#define HDR		sizeof(struct machport_msg_header)
#define NDR		8
#define BODY		sizeof(struct machport_msg_body)
#define PORT_DESC	sizeof(struct machport_msg_port_descriptor)
#define SIMPLE_SIZE	(HDR + NDR + NAME_LEN)
#define REGISTER_SIZE	(HDR + BODY + PORT_DESC + NDR + NAME_LEN)

/**
 * struct mp_bootstrap - the name registry of one IPC namespace.
 * @ref: held by every space opened in @ns, and briefly by a request
 *	being served.
 * @link: on registries, under registries_lock.
 * @ns: the namespace (a reference).
 * @port: the bootstrap port (a kernel port, one reference).
 * @lock: protects @names.
 * @names: struct mp_service, hashed by name.
 */
struct mp_bootstrap {
	struct kref ref;
	struct list_head link;
	struct ipc_namespace *ns;
	struct mp_port *port;
	struct mutex lock;	/* see the kernel-doc above */
	DECLARE_HASHTABLE(names, 6);
};

/**
 * struct mp_service - one registered name.
 * @node: on mp_bootstrap.names.
 * @port: the service (a send right and a reference).
 * @owner: effective uid of the process that registered it.
 * @hash: of @name.
 * @name: NUL-terminated.
 */
struct mp_service {
	struct hlist_node node;
	struct mp_port *port;
	kuid_t owner;
	u32 hash;
	char name[NAME_LEN];
};

/* The registries, one per IPC namespace that has a space open. */
static LIST_HEAD(registries);
static DEFINE_MUTEX(registries_lock);

static struct mp_bootstrap *registry_create(void)
{
	struct mp_bootstrap *bs = kzalloc(sizeof(*bs), GFP_KERNEL_ACCOUNT);

	if (!bs)
		return NULL;
	bs->port = mp_port_create(NULL, 0);
	if (!bs->port) {
		kfree(bs);
		return NULL;
	}
	kref_init(&bs->ref);
	mutex_init(&bs->lock);
	hash_init(bs->names);
	bs->port->kobject = MP_KOBJECT_BOOTSTRAP;
	bs->port->kobj = bs;
	bs->ns = mp_ipc_ns_get();
	return bs;
}

/* The registry of the caller's IPC namespace, with a reference. */
struct mp_bootstrap *mp_bootstrap_get(void)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct mp_bootstrap *bs;

	mutex_lock(&registries_lock);
	list_for_each_entry(bs, &registries, link) {
		if (bs->ns == ns) {
			kref_get(&bs->ref);
			goto out;
		}
	}
	bs = registry_create();
	if (bs)
		list_add(&bs->link, &registries);
out:
	mutex_unlock(&registries_lock);
	return bs;
}

static void service_free(struct mp_service *svc)
{
	hash_del(&svc->node);
	mp_port_release_send(svc->port);
	mp_port_put(svc->port);
	kfree(svc);
}

/* Called by kref_put_mutex() with registries_lock held; drops it. */
static void registry_release(struct kref *ref)
{
	struct mp_bootstrap *bs = container_of(ref, struct mp_bootstrap, ref);
	struct mp_service *svc;
	struct hlist_node *tmp;
	int bkt;

	list_del(&bs->link);
	mutex_unlock(&registries_lock);
	/* Requests in flight find the port dead, or hold a reference. */
	spin_lock(&bs->port->lock);
	bs->port->kobj = NULL;
	spin_unlock(&bs->port->lock);
	mp_port_destroy(bs->port);
	mp_port_put(bs->port);
	hash_for_each_safe(bs->names, bkt, tmp, svc, node)
		service_free(svc);
	mp_ipc_ns_put(bs->ns);
	mutex_destroy(&bs->lock);
	kfree(bs);
}

void mp_bootstrap_put(struct mp_bootstrap *bs)
{
	if (bs)
		kref_put_mutex(&bs->ref, registry_release, &registries_lock);
}

/* The registry's port; make a send right before handing it out. */
struct mp_port *mp_bootstrap_port(struct mp_bootstrap *bs)
{
	return bs->port;
}

/* The registry a request to @port is for, with a reference, or NULL. */
static struct mp_bootstrap *registry_of(struct mp_port *port)
{
	struct mp_bootstrap *bs;

	spin_lock(&port->lock);
	bs = port->active ? port->kobj : NULL;
	if (bs && !kref_get_unless_zero(&bs->ref))
		bs = NULL;
	spin_unlock(&port->lock);
	return bs;
}

/* ---- Names ------------------------------------------------------------- */

/* The name at the end of a request: 1..127 bytes and a NUL. */
static const char *request_name(struct mp_kmsg *kmsg, u32 *hash)
{
	const char *name = (const char *)kmsg->data + kmsg->size - NAME_LEN;
	size_t len = strnlen(name, NAME_LEN);

	if (!len || len == NAME_LEN)
		return NULL;
	*hash = full_name_hash(NULL, name, len);
	return name;
}

/* The live entry for @name; an entry whose port died is dropped. */
static struct mp_service *find(struct mp_bootstrap *bs, const char *name,
			       u32 hash)
{
	struct mp_service *svc;

	lockdep_assert_held(&bs->lock);
	hash_for_each_possible(bs->names, svc, node, hash) {
		if (svc->hash != hash || strcmp(svc->name, name))
			continue;
		if (mp_port_active(svc->port))
			return svc;
		service_free(svc);
		return NULL;
	}
	return NULL;
}

/* Live names @uid owns; dead ones are dropped on the way. */
static u32 owned_by(struct mp_bootstrap *bs, kuid_t uid)
{
	struct mp_service *svc;
	struct hlist_node *tmp;
	u32 n = 0;
	int bkt;

	lockdep_assert_held(&bs->lock);
	hash_for_each_safe(bs->names, bkt, tmp, svc, node) {
		if (!uid_eq(svc->owner, uid))
			continue;
		if (mp_port_active(svc->port))
			n++;
		else
			service_free(svc);
	}
	return n;
}

/*
 * Can the caller register @name? 0, or the bootstrap code saying why not.
 * @taken is what to answer when the caller already owns the live name.
 */
static int may_register(struct mp_bootstrap *bs, const char *name, u32 hash,
			int taken)
{
	struct mp_service *svc = find(bs, name, hash);

	if (svc)
		return uid_eq(svc->owner, current_euid()) ? taken :
			MACHPORT_BOOTSTRAP_NOT_PRIVILEGED;
	if (owned_by(bs, current_euid()) >= mp_max_service_names)
		return MACHPORT_BOOTSTRAP_NO_MEMORY;
	return 0;
}

/* Enter @svc (name filled in) for @port, whose send right it takes. */
static void enter(struct mp_bootstrap *bs, struct mp_service *svc,
		  struct mp_port *port, u32 hash)
{
	lockdep_assert_held(&bs->lock);
	svc->port = port;
	svc->owner = current_euid();
	svc->hash = hash;
	hash_add(bs->names, &svc->node, hash);
}

static struct mp_service *service_alloc(const char *name)
{
	struct mp_service *svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);

	if (svc)
		strscpy(svc->name, name, NAME_LEN);
	return svc;
}

/* ---- Requests ---------------------------------------------------------- */

static bool is_complex(struct mp_kmsg *kmsg)
{
	struct machport_msg_header *hdr = kmsg->data;

	return hdr->bits & MACHPORT_MSGH_BITS_COMPLEX;
}

/* bootstrap_check_in(): a new port under @name; its receive right out. */
static int check_in(struct mp_bootstrap *bs, struct mp_kmsg *kmsg,
		    struct mp_port **out)
{
	struct mp_service *svc;
	struct mp_port *port;
	const char *name;
	u32 hash;
	int kr;

	if (kmsg->size != SIMPLE_SIZE || is_complex(kmsg))
		return MACHPORT_MIG_BAD_ARGUMENTS;
	name = request_name(kmsg, &hash);
	if (!name)
		return MACHPORT_BOOTSTRAP_BAD_COUNT;
	svc = service_alloc(name);
	port = mp_port_create(NULL, 0);
	if (!svc || !port) {
		kfree(svc);
		if (port)
			mp_port_put(port);
		return MACHPORT_BOOTSTRAP_NO_MEMORY;
	}
	mutex_lock(&bs->lock);
	kr = may_register(bs, name, hash, MACHPORT_BOOTSTRAP_SERVICE_ACTIVE);
	if (!kr) {
		mp_port_make_send(port);
		mp_port_get(port);
		enter(bs, svc, port, hash);
		svc = NULL;
	}
	mutex_unlock(&bs->lock);
	if (kr) {
		kfree(svc);
		mp_port_destroy(port);
		mp_port_put(port);
		return kr;
	}
	*out = port;	/* the receive right, in transit to the caller */
	return 0;
}

static bool is_send_disposition(u8 disp)
{
	return disp == MACHPORT_MSG_TYPE_MOVE_SEND ||
	       disp == MACHPORT_MSG_TYPE_COPY_SEND ||
	       disp == MACHPORT_MSG_TYPE_MAKE_SEND;
}

/* bootstrap_register(name, NULL): the owner takes its name back. */
static int unregister(struct mp_bootstrap *bs, const char *name, u32 hash)
{
	struct mp_service *svc;
	int kr = 0;

	mutex_lock(&bs->lock);
	svc = find(bs, name, hash);
	if (!svc)
		kr = MACHPORT_BOOTSTRAP_UNKNOWN_SERVICE;
	else if (!uid_eq(svc->owner, current_euid()))
		kr = MACHPORT_BOOTSTRAP_NOT_PRIVILEGED;
	else
		service_free(svc);
	mutex_unlock(&bs->lock);
	return kr;
}

/* bootstrap_register(): the send right in the descriptor, under @name. */
static int do_register(struct mp_bootstrap *bs, struct mp_kmsg *kmsg)
{
	struct machport_msg_body *body;
	struct mp_service *svc;
	struct mp_kdesc *d;
	const char *name;
	u32 hash;
	int kr;

	body = kmsg->data + HDR;
	if (kmsg->size != REGISTER_SIZE || !is_complex(kmsg) ||
	    body->descriptor_count != 1 || kmsg->ndesc != 1 ||
	    kmsg->desc[0].type != MACHPORT_MSG_PORT_DESCRIPTOR)
		return MACHPORT_MIG_BAD_ARGUMENTS;
	d = &kmsg->desc[0];
	name = request_name(kmsg, &hash);
	if (!name)
		return MACHPORT_BOOTSTRAP_BAD_COUNT;
	if (!d->port)
		return unregister(bs, name, hash);
	if (d->port == MP_PORT_DEAD || !is_send_disposition(d->disp))
		return MACHPORT_KERN_INVALID_RIGHT;
	svc = service_alloc(name);
	if (!svc)
		return MACHPORT_BOOTSTRAP_NO_MEMORY;
	mutex_lock(&bs->lock);
	kr = may_register(bs, name, hash, MACHPORT_BOOTSTRAP_NAME_IN_USE);
	if (!kr) {
		enter(bs, svc, d->port, hash);
		d->port = NULL;		/* the registry has the right now */
		svc = NULL;
	}
	mutex_unlock(&bs->lock);
	kfree(svc);
	return kr;
}

/* bootstrap_look_up(): a send right to the service named. */
static int look_up(struct mp_bootstrap *bs, struct mp_kmsg *kmsg,
		   struct mp_port **out)
{
	struct mp_service *svc;
	const char *name;
	u32 hash;
	int kr = MACHPORT_BOOTSTRAP_UNKNOWN_SERVICE;

	if (kmsg->size != SIMPLE_SIZE || is_complex(kmsg))
		return MACHPORT_MIG_BAD_ARGUMENTS;
	name = request_name(kmsg, &hash);
	if (!name)
		return MACHPORT_BOOTSTRAP_BAD_COUNT;
	mutex_lock(&bs->lock);
	svc = find(bs, name, hash);
	if (svc) {
		mp_port_copy_send(svc->port);
		mp_port_get(svc->port);
		*out = svc->port;
		kr = 0;
	}
	mutex_unlock(&bs->lock);
	return kr;
}

/*
 * Answer on the request's reply right and consume the request: the right
 * @port of kind @disp on success, else a mig_reply_error_t with @kr made
 * of the request itself (no memory needed, so the client always gets an
 * answer). Without a reply right, @port goes unused.
 */
static void reply(struct mp_kmsg *kmsg, int kr, struct mp_port *port,
		  u8 disp)
{
	struct machport_msg_header *hdr = kmsg->data;
	u32 id = hdr->id + MACHPORT_BOOTSTRAP_REPLY_DELTA;
	LIST_HEAD(reap);

	if (port && kmsg->reply &&
	    !mp_notify_send_port(kmsg->reply, kmsg->reply_msgt, id, port,
				 disp, &reap)) {
		kmsg->reply = NULL;
		mp_kmsg_reap(&reap);
		mp_kmsg_destroy(kmsg);
		return;
	}
	if (port) {
		/* Not delivered: a checked-in port dies, a name with it. */
		mp_right_release_transit(port, disp, &reap);
		mp_kmsg_reap(&reap);
		kr = MACHPORT_BOOTSTRAP_NO_MEMORY;
	}
	mp_notify_reply_in_place(kmsg, id, kr);
}

/* Serve a request sent to a bootstrap port; consumes @kmsg. */
void mp_bootstrap_receive(struct mp_kmsg *kmsg)
{
	struct mp_bootstrap *bs = registry_of(kmsg->dest);
	struct machport_msg_header *hdr = kmsg->data;
	struct mp_port *port = NULL;
	u8 disp = MACHPORT_MSG_TYPE_PORT_SEND;
	int kr;

	if (!bs) {
		mp_kmsg_destroy(kmsg);	/* the registry went meanwhile */
		return;
	}
	switch (hdr->id) {
	case MACHPORT_BOOTSTRAP_MSG_CHECK_IN:
		kr = check_in(bs, kmsg, &port);
		disp = MACHPORT_MSG_TYPE_PORT_RECEIVE;
		break;
	case MACHPORT_BOOTSTRAP_MSG_REGISTER:
		kr = do_register(bs, kmsg);
		break;
	case MACHPORT_BOOTSTRAP_MSG_LOOK_UP:
		kr = look_up(bs, kmsg, &port);
		break;
	default:
		kr = MACHPORT_MIG_BAD_ID;
	}
	mp_bootstrap_put(bs);
	reply(kmsg, kr, port, disp);
}
