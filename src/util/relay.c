/*
 * relay.c - two batches between a filling thread and the caller
 * (relay.h).
 */
#include "relay.h"

#include <string.h>

static void *relay_thread(void *arg)
{
	ferry_relay *r = arg;

	pthread_mutex_lock(&r->worker.mu);
	for (;;) {
		int k = r->fill_at, last;

		while (r->full[k] && !r->stop)
			pthread_cond_wait(&r->worker.cv, &r->worker.mu);
		if (r->stop)
			break;
		pthread_mutex_unlock(&r->worker.mu);
		last = r->fill(r->batch[k], r->arg);
		pthread_mutex_lock(&r->worker.mu);
		r->last[k] = last;
		r->full[k] = 1;
		r->fill_at = 1 - k;
		pthread_cond_broadcast(&r->worker.cv);
		if (last)
			break;
	}
	pthread_mutex_unlock(&r->worker.mu);
	return NULL;
}

void ferry_relay_start(ferry_relay *r, void *b0, void *b1,
	int (*fill)(void *batch, void *arg),
	size_t (*count)(const void *batch), void (*used)(void *batch),
	void *arg, int ahead)
{
	memset(r, 0, sizeof(*r));
	r->batch[0] = b0;
	r->batch[1] = b1;
	r->fill = fill;
	r->count = count;
	r->used = used;
	r->arg = arg;
	/* Without the thread, ferry_relay_next() fills each batch. */
	r->threaded = ahead && ferry_worker_start(&r->worker, relay_thread,
		r);
}

/* Wait for the caller's next batch to be filled. */
static void take(ferry_relay *r)
{
	int k = r->take_at;

	if (!r->threaded) {
		if (!r->full[k]) {
			r->last[k] = r->fill(r->batch[k], r->arg);
			r->full[k] = 1;
		}
	} else {
		pthread_mutex_lock(&r->worker.mu);
		while (!r->full[k])
			pthread_cond_wait(&r->worker.cv, &r->worker.mu);
		pthread_mutex_unlock(&r->worker.mu);
	}
	r->taken = 1;
	r->at = 0;
}

/* Hand the caller's batch back to be filled again. */
static void give_back(ferry_relay *r)
{
	int k = r->take_at;

	if (r->used)
		r->used(r->batch[k]);
	if (r->threaded)
		pthread_mutex_lock(&r->worker.mu);
	r->full[k] = 0;
	if (r->threaded) {
		pthread_cond_broadcast(&r->worker.cv);
		pthread_mutex_unlock(&r->worker.mu);
	}
	r->taken = 0;
	r->take_at = 1 - k;
}

int ferry_relay_next(ferry_relay *r, void **batch, size_t *index)
{
	for (;;) {
		int k;

		if (!r->taken)
			take(r);
		k = r->take_at;
		*batch = r->batch[k];
		if (r->at < r->count(r->batch[k])) {
			*index = r->at++;
			return 1;
		}
		if (r->last[k])
			return 0;
		give_back(r);
	}
}

void ferry_relay_stop(ferry_relay *r)
{
	if (!r->threaded)
		return;
	ferry_worker_stop(&r->worker, &r->stop);
	r->threaded = 0;
}
