/*
 * jobs.c - long operations (import load, commit, back out, entity
 * unpack) run as jobs on their own thread and handle, with progress that
 * GET /jobs/{id} reports.  Commit, back out and unpack take the
 * instance's operation lock first: one at a time per instance, across
 * every server process on the same folder (flock), else 409 busy.
 */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define JOBS_KEPT 256

enum { JOB_RUNNING, JOB_DONE, JOB_FAILED };

typedef struct {
	int64_t id;
	int state;
	char user[128];
	char addr[64];
	char what[64];
	uint64_t done, total;
	char *result;		/* the document (done) */
	char *err_code;		/* the error (failed) */
	char *err_msg;
	unsigned err_status;
	int error;		/* the FERRY_E* code (failed) */
	/* the work */
	srv *s;
	srv_job_fn fn;
	void *arg;
	void (*free_arg)(void *);
	char *dir;
	int lock_fd;
} job;

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_cond = PTHREAD_COND_INITIALIZER;
static job *jobs[JOBS_KEPT];	/* by id % JOBS_KEPT */
static int64_t next_id = 1;
static unsigned running;

void srv_jobs_init(srv *s)
{
	(void)s;
}

void srv_jobs_wait(srv *s)
{
	(void)s;
	pthread_mutex_lock(&jobs_lock);
	while (running > 0)
		pthread_cond_wait(&jobs_cond, &jobs_lock);
	pthread_mutex_unlock(&jobs_lock);
}

static void job_free(job *j)
{
	if (!j)
		return;
	free(j->result);
	free(j->err_code);
	free(j->err_msg);
	free(j);
}

void srv_jobs_free(void)
{
	size_t i;

	pthread_mutex_lock(&jobs_lock);
	for (i = 0; i < JOBS_KEPT; i++) {
		job_free(jobs[i]);
		jobs[i] = NULL;
	}
	pthread_mutex_unlock(&jobs_lock);
}

static void progress(const char *what, uint64_t done, uint64_t total,
	void *payload)
{
	job *j = payload;

	(void)what;
	pthread_mutex_lock(&jobs_lock);
	j->done = done;
	j->total = total;
	pthread_mutex_unlock(&jobs_lock);
}

static void *job_main(void *payload)
{
	job *j = payload;
	ferry_buf out = FERRY_BUF_INIT;
	ferry_db *db = srv_db_open(j->s);
	const char *name = "internal", *msg = "internal error; the server's "
		"log has the details";
	unsigned status = 500;
	char outcome[64], object[64];
	int error = FERRY_ERROR;

	if (db && ferry_db_set_user(db, j->user) == 0 &&
	    ferry_db_set_address(db, j->addr) == 0) {
		ferry_db_set_progress(db, progress, j);
		error = j->fn(&out, db, j->arg);
		ferry_db_set_progress(db, NULL, NULL);
	}
	if (error < 0) {
		status = srv_status_of(error, &name);
		if (status != 500 && db)
			msg = ferry_errmsg(db);
		else
			fprintf(stderr, "ferry serve: job %lld (%s) failed: "
				"%s\n", (long long)j->id, j->what,
				db ? ferry_errmsg(db) : "no handle");
	}
	snprintf(object, sizeof(object), "job %lld", (long long)j->id);
	snprintf(outcome, sizeof(outcome), "%s", error < 0 ? name : "ok");
	pthread_mutex_lock(&jobs_lock);
	if (error < 0) {
		j->error = error;
		j->err_status = status;
		j->err_code = strdup(name);
		j->err_msg = strdup(msg && *msg ? msg : ferry_strerror(error));
	} else {
		j->result = out.ptr ? strdup(out.ptr) : strdup("null");
		if (j->total == 0)
			j->total = 1;
		j->done = j->total;
	}
	pthread_mutex_unlock(&jobs_lock);
	/* The message is copied: the audit call may replace it. */
	if (db && ferry_audit_add(db, j->what, object, outcome) < 0)
		fprintf(stderr, "ferry serve: cannot write the audit log: "
			"%s\n", ferry_errmsg(db));
	pthread_mutex_lock(&jobs_lock);
	j->state = error < 0 ? JOB_FAILED : JOB_DONE;
	pthread_mutex_unlock(&jobs_lock);
	ferry_buf_dispose(&out);
	ferry_db_close(db);
	if (j->dir)
		srv_remove_tree(j->dir);
	free(j->dir);
	j->dir = NULL;
	if (j->free_arg)
		j->free_arg(j->arg);
	if (j->lock_fd >= 0)
		close(j->lock_fd);	/* releases the flock */
	pthread_mutex_lock(&jobs_lock);
	running--;
	pthread_cond_broadcast(&jobs_cond);
	pthread_mutex_unlock(&jobs_lock);
	return NULL;
}

/* The instance's operation lock, or -1 when another holds it. */
static int take_lock(srv *s, int *busy)
{
	char path[4096];
	int fd;

	*busy = 0;
	snprintf(path, sizeof(path), "%s/operation.lock", srv_work_dir(s));
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		*busy = errno == EWOULDBLOCK;
		close(fd);
		return -1;
	}
	return fd;
}

/* The job document; call with jobs_lock held. */
static json_t *job_doc(const job *j)
{
	static const char *const states[] = { "running", "done", "failed" };
	json_t *doc = json_pack("{s:I,s:s,s:s,s:I,s:I}", "id",
		(json_int_t)j->id, "state", states[j->state], "operation",
		j->what, "done", (json_int_t)j->done, "total",
		(json_int_t)j->total);

	if (j->state == JOB_DONE)
		json_object_set_new(doc, "result", json_loads(j->result, 0,
			NULL));
	else if (j->state == JOB_FAILED)
		json_object_set_new(doc, "error", json_pack("{s:s,s:s}",
			"code", j->err_code ? j->err_code : "internal",
			"message", j->err_msg ? j->err_msg : ""));
	return doc;
}

static int wanted(srv_req *r)
{
	const char *w = srv_query(r, "wait");

	return w && (!strcmp(w, "true") || !strcmp(w, "1"));
}

int srv_job_start(srv_req *r, const char *what, srv_job_fn fn, void *arg,
	void (*free_arg)(void *), int exclusive, const char *dir)
{
	job *j = calloc(1, sizeof(*j)), *old;
	pthread_t t;
	pthread_attr_t attr;
	int busy = 0, rc;
	int64_t id;

	if (!j || (dir && (j->dir = strdup(dir)) == NULL))
		goto fail;
	j->lock_fd = -1;
	if (exclusive && (j->lock_fd = take_lock(r->s, &busy)) < 0) {
		free(j->dir);
		free(j);
		if (free_arg)
			free_arg(arg);
		if (busy)
			return srv_reply_error(r, 409, "busy", "another "
				"commit, back out or unpack is running on "
				"this instance; try again when it has "
				"finished");
		return srv_reply_error(r, 500, "internal", "internal error");
	}
	j->s = r->s;
	j->fn = fn;
	j->arg = arg;
	j->free_arg = free_arg;
	j->state = JOB_RUNNING;
	snprintf(j->user, sizeof(j->user), "%s", r->who.user);
	snprintf(j->addr, sizeof(j->addr), "%s", r->addr);
	snprintf(j->what, sizeof(j->what), "%s", what);
	pthread_mutex_lock(&jobs_lock);
	id = j->id = next_id++;
	old = jobs[id % JOBS_KEPT];
	if (old && old->state == JOB_RUNNING) {
		/* Every slot is running: refuse rather than forget one. */
		next_id--;
		pthread_mutex_unlock(&jobs_lock);
		if (j->lock_fd >= 0)
			close(j->lock_fd);
		free(j->dir);
		free(j);
		if (free_arg)
			free_arg(arg);
		return srv_reply_error(r, 409, "busy", "too many jobs are "
			"running; try again shortly");
	}
	job_free(old);
	jobs[id % JOBS_KEPT] = j;
	running++;
	pthread_mutex_unlock(&jobs_lock);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, job_main, j);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		pthread_mutex_lock(&jobs_lock);
		j->state = JOB_FAILED;
		j->err_code = strdup("internal");
		j->err_msg = strdup("cannot start a thread");
		running--;
		pthread_mutex_unlock(&jobs_lock);
		if (j->lock_fd >= 0)
			close(j->lock_fd);
		if (j->dir)
			srv_remove_tree(j->dir);
		if (free_arg)
			free_arg(arg);
		return srv_reply_error(r, 500, "internal", "internal error");
	}
	if (!wanted(r)) {
		json_t *doc = json_pack("{s:I}", "job", (json_int_t)id);

		return srv_reply_jsonv(r, 202, doc);
	}
	/* ?wait=true: answer with the outcome, as a direct call would. */
	pthread_mutex_lock(&jobs_lock);
	while ((j = jobs[id % JOBS_KEPT]) != NULL && j->id == id &&
	    j->state == JOB_RUNNING)
		pthread_cond_wait(&jobs_cond, &jobs_lock);
	if (j && j->id == id && j->state == JOB_DONE) {
		char *text = strdup(j->result);

		pthread_mutex_unlock(&jobs_lock);
		rc = text ? srv_reply_json(r, 200, text) :
			srv_reply_error(r, 500, "internal", "out of memory");
		free(text);
		return rc;
	}
	if (j && j->id == id) {
		char *code = strdup(j->err_code ? j->err_code : "internal");
		char *msg = strdup(j->err_msg ? j->err_msg : "");
		unsigned status = j->err_status ? j->err_status : 500;
		const char *name;

		srv_status_of(j->error, &name);
		pthread_mutex_unlock(&jobs_lock);
		rc = srv_reply_error(r, status, code ? code : "internal",
			msg ? msg : "");
		r->err_code = name;	/* static, unlike code */
		free(code);
		free(msg);
		return rc;
	}
	pthread_mutex_unlock(&jobs_lock);
	return srv_reply_error(r, 500, "internal", "internal error");
fail:
	free(j);
	if (free_arg)
		free_arg(arg);
	return srv_reply_error(r, 500, "internal", "out of memory");
}

int api_job_get(srv_req *r)
{
	int64_t id = srv_parse_id(r->param[0]);
	json_t *doc = NULL;
	job *j;

	pthread_mutex_lock(&jobs_lock);
	j = id > 0 ? jobs[id % JOBS_KEPT] : NULL;
	/* A job is its starter's, and any admin's, to see. */
	if (j && j->id == id && (r->who.admin || !strcmp(j->user,
	    r->who.user)))
		doc = job_doc(j);
	pthread_mutex_unlock(&jobs_lock);
	if (!doc)
		return srv_reply_error(r, 404, "not_found", "no such job on "
			"this server (jobs are kept while the server runs)");
	return srv_reply_jsonv(r, 200, doc);
}
