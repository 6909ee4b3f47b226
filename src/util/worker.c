/*
 * worker.c - a thread beside its starter (worker.h).
 */
#include "worker.h"

int ferry_worker_start(ferry_worker *w, void *(*fn)(void *), void *arg)
{
	if (pthread_mutex_init(&w->mu, NULL) != 0)
		return 0;
	if (pthread_cond_init(&w->cv, NULL) != 0) {
		pthread_mutex_destroy(&w->mu);
		return 0;
	}
	if (pthread_create(&w->thread, NULL, fn, arg) != 0) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		return 0;
	}
	return 1;
}

void ferry_worker_stop(ferry_worker *w, int *stop)
{
	pthread_mutex_lock(&w->mu);
	*stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
}
