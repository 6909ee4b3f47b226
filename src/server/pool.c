/*
 * pool.c - the state every part of ferry serve shares: its options and
 * work folder, the pool of instance handles each request borrows one of,
 * and the count of requests and jobs in flight.  Below the daemon
 * (server.c), the handlers and the jobs, which all use it.
 */
#include "server.h"

#include <stdio.h>
#include <time.h>

uint64_t srv_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

const ferry_server_options *srv_options(const srv *s)
{
	return &s->o;
}

const char *srv_work_dir(const srv *s)
{
	return s->work_dir;
}

int srv_tls(const srv *s)
{
	return s->o.tls_cert != NULL;
}

ferry_db *srv_db_open(srv *s)
{
	ferry_db *db = NULL;

	if (ferry_db_open(&db, s->o.db_path) < 0 ||
	    (s->o.now && ferry_db_set_now(db, s->o.now) < 0)) {
		fprintf(stderr, "ferry serve: cannot open %s: %s\n",
			s->o.db_path, ferry_errmsg(db));
		ferry_db_close(db);
		return NULL;
	}
	return db;
}

ferry_db *srv_db_acquire(srv *s)
{
	ferry_db *db;

	pthread_mutex_lock(&s->lock);
	while (s->npool == 0)
		pthread_cond_wait(&s->cond, &s->lock);
	db = s->pool[--s->npool];
	pthread_mutex_unlock(&s->lock);
	return db;
}

void srv_db_release(srv *s, ferry_db *db)
{
	if (!db)
		return;
	/* Forget the request's user and address before the next one. */
	ferry_db_set_user(db, NULL);
	ferry_db_set_address(db, NULL);
	pthread_mutex_lock(&s->lock);
	s->pool[s->npool++] = db;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

void srv_busy_enter(srv *s)
{
	pthread_mutex_lock(&s->lock);
	s->busy++;
	pthread_mutex_unlock(&s->lock);
}

void srv_busy_leave(srv *s)
{
	pthread_mutex_lock(&s->lock);
	s->busy--;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}
