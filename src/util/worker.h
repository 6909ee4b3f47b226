/*
 * worker.h - a thread that works beside the one that started it, with
 * the lock and the condition the two share.
 */
#ifndef FERRY_UTIL_WORKER_H
#define FERRY_UTIL_WORKER_H

#include <pthread.h>

typedef struct {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
} ferry_worker;

/*
 * Start fn(arg) on a thread of its own: 1 when it runs, 0 when it could
 * not start, and then nothing needs undoing (its caller does the work
 * itself).
 */
int ferry_worker_start(ferry_worker *w, void *(*fn)(void *), void *arg);

/* Wait for a started worker to end (tell it to first), then release
 * its lock and condition. */
void ferry_worker_join(ferry_worker *w);

#endif
