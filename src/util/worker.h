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

/*
 * Set *stop under the lock and wake the worker, which must see it the
 * next time it looks; wait for it to end, then release its lock and
 * condition.
 */
void ferry_worker_stop(ferry_worker *w, int *stop);

#endif
