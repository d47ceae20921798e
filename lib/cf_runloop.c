// SPDX-License-Identifier: MIT
/*
 * mp_runloop_t: a small epoll loop for mp_machport_t and mp_msgport_t
 * sources, in the spirit of CoreFoundation's CFRunLoop (one mode, no
 * timers). Each source is its object's descriptor; an eventfd stops the
 * loop from any thread.
 *
 * Epoll events carry an entry id, never a pointer: a callback may remove
 * (and free) another source whose event is in the same batch, and the id
 * lookup under the lock then simply misses.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "cf_internal.h"

#define STOP_ID		0	/* the stop eventfd's epoll tag */
#define EVENTS_MAX	16

struct entry {
	uint64_t id;
	struct cf_obj *obj;	/* a reference */
};

struct mp_runloop {
	atomic_uint refs;
	unsigned int gen;		/* const */
	int epfd;			/* const */
	int stopfd;			/* const */
	atomic_bool running;
	pthread_mutex_t lock;
	struct entry *entries;		/* lock */
	size_t count, cap;		/* lock */
	uint64_t next_id;		/* lock */
};

static bool rl_current(const mp_runloop_t *rl)
{
	return rl && rl->gen == cf_generation();
}

mp_runloop_t *mp_runloop_create(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = STOP_ID };
	mp_runloop_t *rl = calloc(1, sizeof(*rl));

	if (!rl)
		return NULL;
	cf_setup();	/* the fork handlers */
	atomic_init(&rl->refs, 1);
	atomic_init(&rl->running, false);
	rl->gen = cf_generation();
	rl->next_id = STOP_ID + 1;
	rl->epfd = epoll_create1(EPOLL_CLOEXEC);
	rl->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (rl->epfd < 0 || rl->stopfd < 0 ||
	    epoll_ctl(rl->epfd, EPOLL_CTL_ADD, rl->stopfd, &ev)) {
		if (rl->epfd >= 0)
			close(rl->epfd);
		if (rl->stopfd >= 0)
			close(rl->stopfd);
		free(rl);
		return NULL;
	}
	pthread_mutex_init(&rl->lock, NULL);
	return rl;
}

mp_runloop_t *mp_runloop_retain(mp_runloop_t *rl)
{
	if (rl)
		atomic_fetch_add_explicit(&rl->refs, 1, memory_order_relaxed);
	return rl;
}

void mp_runloop_release(mp_runloop_t *rl)
{
	size_t i;

	if (!rl || atomic_fetch_sub_explicit(&rl->refs, 1,
					     memory_order_acq_rel) != 1)
		return;
	/* No one else holds it: no lock needed, and none taken in a child. */
	for (i = 0; i < rl->count; i++)
		cf_obj_release(rl->entries[i].obj);
	free(rl->entries);
	if (rl_current(rl))
		pthread_mutex_destroy(&rl->lock);
	close(rl->epfd);
	close(rl->stopfd);
	free(rl);
}

static ssize_t find_obj(mp_runloop_t *rl, struct cf_obj *obj)
{
	size_t i;

	for (i = 0; i < rl->count; i++)
		if (rl->entries[i].obj == obj)
			return (ssize_t)i;
	return -1;
}

static ssize_t find_id(mp_runloop_t *rl, uint64_t id)
{
	size_t i;

	for (i = 0; i < rl->count; i++)
		if (rl->entries[i].id == id)
			return (ssize_t)i;
	return -1;
}

/* Take entry @i out; returns its object reference. Lock held. */
static struct cf_obj *take_locked(mp_runloop_t *rl, size_t i)
{
	struct cf_obj *obj = rl->entries[i].obj;

	epoll_ctl(rl->epfd, EPOLL_CTL_DEL, obj->epfd, NULL);
	rl->entries[i] = rl->entries[--rl->count];
	return obj;
}

int cf_runloop_add(mp_runloop_t *rl, struct cf_obj *obj)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ret = 0;

	if (!rl_current(rl) || !cf_current(obj) || !cf_obj_is_valid(obj)) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&rl->lock);
	if (find_obj(rl, obj) >= 0)
		goto out;	/* already a source: nothing to do */
	if (rl->count == rl->cap) {
		size_t cap = rl->cap ? rl->cap * 2 : 8;
		struct entry *e = realloc(rl->entries, cap * sizeof(*e));

		if (!e) {
			errno = ENOMEM;
			ret = -1;
			goto out;
		}
		rl->entries = e;
		rl->cap = cap;
	}
	ev.data.u64 = rl->next_id;
	if (epoll_ctl(rl->epfd, EPOLL_CTL_ADD, obj->epfd, &ev)) {
		ret = -1;
		goto out;
	}
	cf_obj_retain(obj);
	rl->entries[rl->count].id = rl->next_id++;
	rl->entries[rl->count].obj = obj;
	rl->count++;
out:
	pthread_mutex_unlock(&rl->lock);
	return ret;
}

int cf_runloop_remove(mp_runloop_t *rl, struct cf_obj *obj)
{
	struct cf_obj *taken = NULL;
	ssize_t i;

	if (!rl_current(rl) || !obj) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&rl->lock);
	i = find_obj(rl, obj);
	if (i >= 0)
		taken = take_locked(rl, (size_t)i);
	pthread_mutex_unlock(&rl->lock);
	if (!taken) {
		errno = ENOENT;
		return -1;
	}
	cf_obj_release(taken);
	return 0;
}

static void remove_id(mp_runloop_t *rl, uint64_t id)
{
	struct cf_obj *taken = NULL;
	ssize_t i;

	pthread_mutex_lock(&rl->lock);
	i = find_id(rl, id);
	if (i >= 0)
		taken = take_locked(rl, (size_t)i);
	pthread_mutex_unlock(&rl->lock);
	cf_obj_release(taken);
}

static size_t source_count(mp_runloop_t *rl)
{
	size_t n;

	pthread_mutex_lock(&rl->lock);
	n = rl->count;
	pthread_mutex_unlock(&rl->lock);
	return n;
}

/* Dispatch the source tagged @id; true if it handled a message. */
static bool perform_id(mp_runloop_t *rl, uint64_t id)
{
	struct cf_obj *obj = NULL;
	int handled = 0;
	ssize_t i;

	pthread_mutex_lock(&rl->lock);
	i = find_id(rl, id);
	if (i >= 0) {
		obj = rl->entries[i].obj;
		cf_obj_retain(obj);
	}
	pthread_mutex_unlock(&rl->lock);
	if (!obj)
		return false;	/* removed meanwhile */
	if (!cf_obj_dispatch(obj, &handled))
		remove_id(rl, id);	/* invalid: no longer a source */
	cf_obj_release(obj);
	return handled > 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run(mp_runloop_t *rl, double seconds, bool once)
{
	struct epoll_event ev[EVENTS_MAX];
	bool forever;
	mach_msg_timeout_t ms = cf_timeout_ms(seconds, &forever);
	int64_t deadline = now_ms() + ms;
	bool handled = false;
	uint64_t v;
	int n, i, wait;

	for (;;) {
		if (!source_count(rl))
			return MP_RUNLOOP_FINISHED;
		wait = forever ? -1 : (int)(deadline - now_ms());
		if (wait < 0 && !forever)
			wait = 0;
		n = epoll_wait(rl->epfd, ev, EVENTS_MAX, wait);
		if (n < 0 && errno != EINTR)
			return MP_RUNLOOP_ERROR;
		for (i = 0; i < n; i++) {
			if (ev[i].data.u64 == STOP_ID &&
			    eventfd_read(rl->stopfd, &v) == 0)
				return MP_RUNLOOP_STOPPED;
		}
		for (i = 0; i < n; i++) {
			if (ev[i].data.u64 != STOP_ID)
				handled |= perform_id(rl, ev[i].data.u64);
		}
		if (handled && once)
			return MP_RUNLOOP_HANDLED_SOURCE;
		if (!forever && now_ms() >= deadline)
			return MP_RUNLOOP_TIMED_OUT;
	}
}

int mp_runloop_run(mp_runloop_t *rl, double seconds,
		   bool return_after_source_handled)
{
	int ret;

	if (!rl_current(rl)) {
		errno = EINVAL;
		return MP_RUNLOOP_ERROR;
	}
	if (atomic_exchange(&rl->running, true)) {
		errno = EBUSY;
		return MP_RUNLOOP_ERROR;
	}
	mp_runloop_retain(rl);	/* a callback may release the caller's */
	ret = run(rl, seconds, return_after_source_handled);
	atomic_store(&rl->running, false);
	mp_runloop_release(rl);
	return ret;
}

void mp_runloop_stop(mp_runloop_t *rl)
{
	/* write(2) only: safe in a signal handler. */
	if (rl_current(rl))
		eventfd_write(rl->stopfd, 1);
}

bool mp_runloop_is_running(mp_runloop_t *rl)
{
	return rl_current(rl) && atomic_load(&rl->running);
}

int mp_runloop_get_fd(mp_runloop_t *rl)
{
	return rl ? rl->epfd : -1;
}
