/*
 * server.h - ferry serve: the HTTP API over libferry, shared between the
 * server's files.  The server is a face like the CLI: it uses only
 * <ferry.h> and src/util, and every rule (roles included) stays in the
 * library, reached through the acting user that authenticating a request
 * sets on the handle.
 *
 * A request's life (server.c): route it (routes.c), authenticate it
 * (auth.c), read its body into memory or stream an upload to a file under
 * the instance's folder (uploads.c), run its handler (api_*.c) on a
 * handle from the pool, answer it (reply.c), log one line.
 */
#ifndef FERRY_SERVER_H
#define FERRY_SERVER_H

#include "ferry.h"
#include "serve.h"
#include "str.h"

#include <jansson.h>
#include "mhd.h"
#include <pthread.h>
#include <stdint.h>

/* ---- internal ---------------------------------------------------------- */

typedef struct srv srv;

/* The server's shared state (pool.c, read through its accessors). */
struct srv {
	ferry_server_options o;
	char *work_dir;		/* <instance dir>/.ferry-serve */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	ferry_db **pool;	/* idle handles */
	unsigned npool, pool_size;
	unsigned busy;		/* requests and jobs in flight */
	struct MHD_Daemon *daemon;
};
typedef struct srv_req srv_req;

/* Route flags. */
enum {
	ROUTE_PUBLIC = 1,	/* no authentication (login, page assets) */
	ROUTE_UPLOAD = 2,	/* the body is a file, streamed to disk */
	ROUTE_AUDIT = 4		/* write it to the audit log */
};

typedef int (*srv_handler)(srv_req *r);

typedef struct {
	const char *method;
	const char *pattern;	/* '*' matches one path segment, handed
				 * to the handler as a parameter */
	srv_handler fn;
	int flags;
} srv_route;

#define SRV_MAX_PARAMS 4

struct srv_req {
	srv *s;
	struct MHD_Connection *conn;
	const srv_route *route;
	const char *method;
	char *path;			/* the URL path, for the log */
	char *param[SRV_MAX_PARAMS];	/* decoded '*' segments */
	char *query[8];			/* decoded query values, to free */
	char addr[64];			/* the client's address */
	uint64_t start_us;
	int started;			/* first call seen */
	int write;			/* method changes something */
	/* who */
	ferry_auth_info who;
	int authed;
	char *cookie_session;		/* session id from the cookie */
	/* body */
	ferry_str body;			/* JSON bodies, capped */
	int body_over;			/* over a cap: 413 at the end */
	char *upload_dir;		/* uploads: a private folder */
	char *upload_path;		/* the file inside it */
	int upload_fd;
	uint64_t upload_size;
	json_t *json;			/* the parsed body, or NULL */
	/* the handle while the handler runs */
	ferry_db *db;
	/* answer */
	unsigned status;
	const char *err_code;		/* the error document's code */
	int answered;
	char *set_cookie;		/* Set-Cookie value to send */
};

/* ---- server.c -------------------------------------------------------- */
/* Open the handle pool and start the daemon (what ferry_server_run()
 * does before it waits for a signal; the fuzz harness's way in).
 * use_poll: poll(2) instead of epoll, whose edge-triggered events let a
 * half-closed connection (a client that sent all it will send) wait for
 * the idle timeout; the harness, which half-closes every connection,
 * needs the end noticed at once.  Returns 0, or 1 or 2 (a bad --listen)
 * after printing "ferry: ...". */
int srv_start(srv **out, const ferry_server_options *opts, int use_poll);
/* The port the daemon listens on (the one chosen for port 0). */
unsigned srv_port(const srv *s);
/* Wait until no request or job is in flight. */
void srv_idle(srv *s);
/* Stop gracefully (what is in flight finishes) and free; accepts NULL. */
void srv_stop(srv *s);

/* ---- pool.c: the shared state ---------------------------------------- */
const ferry_server_options *srv_options(const srv *s);
/* Borrow a handle for the request's user (authenticated requests) or
 * none (public ones); give it back with srv_db_release(). */
ferry_db *srv_db_acquire(srv *s);
void srv_db_release(srv *s, ferry_db *db);
/* Open a fresh handle (jobs run on their own).  NULL on failure. */
ferry_db *srv_db_open(srv *s);
/* The folder for uploads and downloads: <instance dir>/.ferry-serve. */
const char *srv_work_dir(const srv *s);
int srv_tls(const srv *s);
uint64_t srv_now_us(void);
/* Running work that a graceful stop waits for. */
void srv_busy_enter(srv *s);
void srv_busy_leave(srv *s);

/* ---- reply.c --------------------------------------------------------- */
/* Map a FERRY_E* code to the HTTP status and the API's error code: the
 * one table. */
unsigned srv_status_of(int code, const char **name);
int srv_reply(srv_req *r, unsigned status, const char *type,
	const char *body, size_t len);
int srv_reply_json(srv_req *r, unsigned status, const char *json);
int srv_reply_jsonv(srv_req *r, unsigned status, json_t *doc);
int srv_reply_error(srv_req *r, unsigned status, const char *code,
	const char *message);
/* 400 bad_request with a message saying what to send. */
int srv_bad_request(srv_req *r, const char *message);
/* A library call's outcome: the document (200) or its error. */
int srv_reply_doc(srv_req *r, int error, ferry_buf *doc);
/* As srv_reply_doc() for an array document: {"items": a page, "total"}
 * after ?limit=&offset=. */
int srv_reply_list(srv_req *r, int error, ferry_buf *doc);
/* The library's error as the API's error document. */
int srv_reply_ferror(srv_req *r, int error);
int srv_reply_ok(srv_req *r, int error);
/* A file as a download named `name` (RFC 6266), removed afterwards. */
int srv_reply_file(srv_req *r, const char *path, const char *name,
	const char *type);
/* Build the Content-Disposition value for a file name. */
void srv_content_disposition(ferry_str *out, const char *name);

/* ---- request helpers (reply.c) ------------------------------------------ */
const char *srv_query(srv_req *r, const char *key);
/* ?limit=&offset=: 0 on success, else answered 400. */
int srv_paging(srv_req *r, int64_t *limit, int64_t *offset);
/* Body members; NULL / def when absent.  A wrong type answers 400 and
 * sets *bad. */
const char *srv_jstr(srv_req *r, const char *key, int *bad);
int srv_jbool(srv_req *r, const char *key, int def, int *bad);
int64_t srv_jint(srv_req *r, const char *key, int64_t def, int *bad);
/* Parse a decimal id (path parameter); -1 when not one. */
int64_t srv_parse_id(const char *text);

/* Decode %XX escapes (and '+' as a space when `plus`); NULL for a bad
 * escape or an escaped NUL. */
char *srv_unescape(const char *s, size_t len, int plus);

/* ---- routes.c -------------------------------------------------------- */
/* The route for method and path; params filled.  *path_known tells a
 * 405 from a 404. */
const srv_route *srv_route_find(const char *method, const char *path,
	char **params, int *path_known);

/* ---- auth.c ---------------------------------------------------------- */
/* Authenticate (Bearer token or session cookie) and check CSRF on
 * cookie writes; answers 401/403 itself.  0: go on. */
int srv_authenticate(srv_req *r);
int api_session_create(srv_req *r);
int api_session_delete(srv_req *r);
int api_session_get(srv_req *r);

/* ---- uploads.c ------------------------------------------------------- */
int srv_upload_begin(srv_req *r);
int srv_upload_write(srv_req *r, const char *data, size_t len);
void srv_upload_finish(srv_req *r);	/* close the file */
void srv_upload_remove(srv_req *r);	/* delete file and folder */
/* A private folder under the work folder: "<work>/<prefix>XXXXXX". */
char *srv_make_dir(srv *s, const char *prefix);
void srv_remove_tree(const char *dir);
/* An upload name reduced to one safe file name inside its folder. */
void srv_safe_name(char *out, size_t size, const char *name,
	const char *suffix);

/* ---- jobs.c ---------------------------------------------------------- */
typedef int (*srv_job_fn)(ferry_buf *out, ferry_db *db, void *arg);
/* Run fn on its own handle as the request's user.  exclusive: one at a
 * time per instance (409 busy otherwise).  dir: a folder removed when
 * the job ends (may be NULL).  Answers 202 {"job"}, or with ?wait=true
 * the job's outcome as srv_reply_doc() would. */
int srv_job_start(srv_req *r, const char *what, srv_job_fn fn, void *arg,
	void (*free_arg)(void *), int exclusive, const char *dir);
int api_job_get(srv_req *r);
void srv_jobs_init(srv *s);
void srv_jobs_wait(srv *s);
void srv_jobs_free(void);

/* ---- assets.c -------------------------------------------------------- */
/* One file of the web page. */
typedef struct {
	const char *path;		/* "/index.html" */
	const char *type;		/* its Content-Type */
	const unsigned char *data;
	size_t len;
} srv_asset;

/* The page's files (generated from web/), ending with a NULL path. */
extern const srv_asset ferry_server__assets[];

/*
 * The web page's files, built into the binary: the file for a path ("/"
 * and unknown page paths fall back to index.html).  Returns 0 and
 * borrows the data, or -1.
 */
int ferry_server__asset(const char *path, const unsigned char **data,
	size_t *len, const char **type);
int api_asset(srv_req *r);

/* ---- api_*.c: handlers named in the route table ---------------------- */
#define API(name) int api_##name(srv_req *r)
API(instance); API(users_list); API(users_add); API(users_set);
API(users_passwd); API(tokens_list); API(tokens_create); API(tokens_revoke);
API(properties_list); API(property_get); API(property_put);
API(entities_list); API(entities_create); API(entity_get);
API(fields_add); API(field_set); API(field_drop); API(entity_pack);
API(records_list); API(records_create); API(record_get); API(record_put);
API(record_delete); API(record_history); API(record_restore);
API(packs_list); API(packs_create); API(pack_get); API(pack_complete);
API(pack_reopen); API(pack_use); API(pack_current); API(pack_items);
API(pack_export);
API(inspect); API(imports_load); API(imports_list); API(import_get);
API(import_preview); API(import_resolve); API(import_commit);
API(import_backout); API(import_diff); API(import_discard);
API(entitypacks_upload); API(entitypacks_unpack);
API(formulas_list); API(formulas_create); API(formula_get);
API(formula_version); API(formula_activate); API(formula_close);
API(formula_delete);
API(audit_list);
#undef API

#endif
