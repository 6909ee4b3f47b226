/*
 * server.c - ferry serve: the libmicrohttpd daemon, the pool of instance
 * handles, each request's life from its first header to its log line,
 * and a graceful stop on SIGTERM or SIGINT.
 *
 * libmicrohttpd runs a pool of worker threads over epoll, with keep-alive,
 * a per-connection memory limit (which bounds the request line and
 * headers), a connection limit and an idle timeout, so a slow client
 * cannot hold a slot forever.  Each worker handles one request at a time
 * and borrows one ferry_db handle from the pool for it: the handle's
 * acting user is set to the request's authenticated user, so the library
 * checks every role itself.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void client_address(srv_req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn,
		MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(r->addr, sizeof(r->addr), "unknown");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			r->addr, sizeof(r->addr));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			&((const struct sockaddr_in6 *)sa)->sin6_addr, r->addr,
			sizeof(r->addr));
}

/* Bytes a second a request body must average once `timeout` has passed. */
#define SRV_MIN_RATE 1024

static const srv_route asset_route = { "GET", "/", api_asset,
	ROUTE_PUBLIC };

/* First call: route, limits, authentication.  0 to go on reading. */
static int begin(srv_req *r)
{
	const char *len;
	int known = 0;

	if (strncmp(r->path, "/api/", 5) != 0) {
		if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))
			return srv_reply_error(r, 405, "method_not_allowed",
				"the page's files are read with GET");
		r->route = &asset_route;
		return 0;
	}
	r->route = srv_route_find(r->method, r->path, r->param, &known);
	if (!r->route) {
		if (known)
			return srv_reply_error(r, 405, "method_not_allowed",
				"this path does not take that method; see "
				"docs/api.md");
		return srv_reply_error(r, 404, "not_found", "no such endpoint; "
			"see docs/api.md");
	}
	r->write = strcmp(r->method, "GET") && strcmp(r->method, "HEAD");
	len = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (!(r->route->flags & ROUTE_PUBLIC) && srv_authenticate(r) != 0)
		return -1;
	if (len && (r->route->flags & ROUTE_UPLOAD) &&
	    strtoull(len, NULL, 10) > r->s->o.max_upload) {
		char msg[160];

		snprintf(msg, sizeof(msg), "the file is larger than this "
			"server takes (%llu bytes; see ferry serve "
			"--max-upload)",
			(unsigned long long)r->s->o.max_upload);
		return srv_reply_error(r, 413, "too_large", msg);
	}
	if (r->route->flags & ROUTE_UPLOAD)
		return srv_upload_begin(r);
	return 0;
}

static void take_body(srv_req *r, const char *data, size_t len)
{
	if (r->body_over)
		return;
	if (r->route->flags & ROUTE_UPLOAD) {
		if (r->upload_size + len > r->s->o.max_upload) {
			r->body_over = 1;
			srv_upload_remove(r);
			return;
		}
		if (srv_upload_write(r, data, len) < 0)
			r->body_over = -1;
		return;
	}
	if (r->body.size + len > FERRY_SERVER_BODY_MAX) {
		r->body_over = 1;
		return;
	}
	ferry_str_put(&r->body, data, len);
}

static void audit(srv_req *r)
{
	char op[128], outcome[64];

	snprintf(op, sizeof(op), "%s %s", r->method, r->route->pattern);
	if (r->status < 400)
		snprintf(outcome, sizeof(outcome), r->status == 202 ?
			"accepted" : "ok");
	else
		snprintf(outcome, sizeof(outcome), "%u %s", r->status,
			r->err_code ? r->err_code : "error");
	if (ferry_audit_add(r->db, op, r->path, outcome) < 0)
		fprintf(stderr, "ferry serve: cannot write the audit log: "
			"%s\n", ferry_errmsg(r->db));
}

/* Last call: the body is complete; run the handler. */
static void finish(srv_req *r)
{
	if (r->route->flags & ROUTE_UPLOAD)
		srv_upload_finish(r);
	if (r->body_over > 0) {
		char msg[160];

		srv_upload_remove(r);
		snprintf(msg, sizeof(msg), "the request body is larger than "
			"this server takes (%llu bytes; see ferry serve "
			"--max-upload)", (unsigned long long)
			(r->route->flags & ROUTE_UPLOAD ? r->s->o.max_upload :
			FERRY_SERVER_BODY_MAX));
		srv_reply_error(r, 413, "too_large", msg);
		return;
	}
	if (r->body_over < 0 || ferry_str_failed(&r->body)) {
		srv_upload_remove(r);
		srv_reply_error(r, 500, "internal", "internal error");
		return;
	}
	if (!(r->route->flags & ROUTE_UPLOAD) && r->body.size) {
		json_error_t je;

		r->json = json_loadb(r->body.ptr, r->body.size, 0, &je);
		if (!json_is_object(r->json)) {
			char msg[256];

			snprintf(msg, sizeof(msg), "the body must be a JSON "
				"object: %s", r->json ? "not an object" :
				je.text);
			srv_bad_request(r, msg);
			return;
		}
	}
	r->db = srv_db_acquire(r->s);
	if (ferry_db_set_address(r->db, r->addr) < 0 || (r->authed &&
	    ferry_db_set_user(r->db, r->who.user) < 0)) {
		srv_reply_error(r, 500, "internal", "internal error");
	} else {
		r->route->fn(r);
		if (!r->answered)
			srv_reply_error(r, 500, "internal", "internal error");
		if (r->authed && (r->route->flags & ROUTE_AUDIT))
			audit(r);
	}
	srv_db_release(r->s, r->db);
	r->db = NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
	const char *url, const char *method, const char *version,
	const char *data, size_t *data_size, void **con_cls)
{
	srv *s = cls;
	srv_req *r = *con_cls;

	(void)version;
	if (!r) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return MHD_NO;
		*con_cls = r;
		r->s = s;
		r->conn = conn;
		r->method = method;
		r->upload_fd = -1;
		r->start_us = srv_now_us();
		r->path = strdup(url);
		srv_busy_enter(s);
		ferry_str_init(&r->body, FERRY_SERVER_BODY_MAX + 1);
		client_address(r);
		if (!r->path)
			return MHD_NO;
		begin(r);
		return MHD_YES;
	}
	if (r->answered) {
		*data_size = 0;
		return MHD_YES;
	}
	if (*data_size) {
		uint64_t secs = (srv_now_us() - r->start_us) / 1000000u;

		/* The idle timeout cuts a silent client; this cuts one that
		 * trickles: after `timeout` seconds a body must have come at
		 * SRV_MIN_RATE bytes a second on average. */
		if (secs > s->o.timeout && (r->upload_size + r->body.size) /
		    secs < SRV_MIN_RATE) {
			fprintf(stderr, "ferry serve: %s %s %s: the body comes "
				"too slowly; connection closed\n", r->addr,
				r->method, r->path);
			return MHD_NO;
		}
		take_body(r, data, *data_size);
		*data_size = 0;
		return MHD_YES;
	}
	finish(r);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn,
	void **con_cls, enum MHD_RequestTerminationCode toe)
{
	srv *s = cls;
	srv_req *r = *con_cls;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	int i;

	(void)conn;
	if (!r)
		return;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* One line per request; never a password, token or cookie. */
	fprintf(stderr, "%s %s %s %s %s %u %llums%s\n", when, r->addr,
		r->authed ? r->who.user : "-", r->method,
		r->path ? r->path : "?", r->answered ? r->status : 0,
		(unsigned long long)((srv_now_us() - r->start_us) / 1000),
		toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" :
		toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ?
		" (timed out)" : " (connection closed)");
	srv_upload_remove(r);
	for (i = 0; i < SRV_MAX_PARAMS; i++)
		free(r->param[i]);
	for (i = 0; i < (int)(sizeof(r->query) / sizeof(r->query[0])); i++)
		free(r->query[i]);
	free(r->path);
	free(r->cookie_session);
	free(r->set_cookie);
	json_decref(r->json);
	ferry_str_dispose(&r->body);
	free(r);
	*con_cls = NULL;
	srv_busy_leave(s);
}

/* Leave the URL as sent: routes.c decodes each path segment after
 * splitting, so that a pack named "a/b" (sent as a%2Fb) stays one
 * segment; srv_query() decodes query values. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* Read a whole PEM file for libmicrohttpd. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    n < 1024 * 1024 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = calloc(1, (size_t)n + 1)) != NULL &&
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	char *end;
	long port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (!colon)
		return -1;
	port = strtol(colon + 1, &end, 10);
	hl = (size_t)(colon - listen);
	if (*end || port < 0 || port > 65535 || hl >= sizeof(host))
		return -1;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

		host[hl - 1] = '\0';
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1 ?
			0 : -1;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		return inet_pton(AF_INET, hl ? host : "0.0.0.0",
			&a4->sin_addr) == 1 ? 0 : -1;
	}
}

static char *make_work_dir(const char *db_path)
{
	const char *slash = strrchr(db_path, '/');
	size_t dl = slash ? (size_t)(slash - db_path) : 1;
	char *dir = malloc(dl + sizeof("/.ferry-serve"));

	if (!dir)
		return NULL;
	if (slash)
		memcpy(dir, db_path, dl);
	else
		dir[0] = '.';
	memcpy(dir + dl, "/.ferry-serve", sizeof("/.ferry-serve"));
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* What srv_start() took, given back; accepts NULL. */
static void srv_free(srv *s)
{
	unsigned i;

	if (!s)
		return;
	if (s->pool)
		for (i = 0; i < s->npool; i++)
			ferry_db_close(s->pool[i]);
	free(s->pool);
	srv_jobs_free();
	free(s->work_dir);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

int srv_start(srv **out, const ferry_server_options *opts, int use_poll)
{
	srv *s;
	struct sockaddr_storage ss;
	char *cert = NULL, *key = NULL;
	const char *why;
	unsigned i, flags;
	int rc = 1;

	*out = NULL;
	if (srv_mhd_load(&why) < 0) {
		fprintf(stderr, "ferry: %s\n", why);
		return 1;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return 1;
	s->o = *opts;
	if (!s->o.listen)
		s->o.listen = "127.0.0.1:8080";
	if (!s->o.workers)
		s->o.workers = FERRY_SERVER_WORKERS_DEFAULT;
	if (!s->o.timeout)
		s->o.timeout = FERRY_SERVER_TIMEOUT_DEFAULT;
	if (!s->o.max_upload)
		s->o.max_upload = FERRY_SERVER_MAX_UPLOAD_DEFAULT;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	if (parse_listen(s->o.listen, &ss) < 0) {
		fprintf(stderr, "ferry: cannot read --listen '%s'; write "
			"ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080\n",
			s->o.listen);
		rc = 2;
		goto done;
	}
	if (s->o.tls_cert && (!(cert = read_file(s->o.tls_cert)) ||
	    !(key = read_file(s->o.tls_key)))) {
		fprintf(stderr, "ferry: cannot read the TLS certificate or key "
			"(%s, %s); give PEM files\n", s->o.tls_cert,
			s->o.tls_key);
		goto done;
	}
	if ((s->work_dir = make_work_dir(s->o.db_path)) == NULL) {
		fprintf(stderr, "ferry: cannot create the server's folder "
			"beside %s: %s\n", s->o.db_path, strerror(errno));
		goto done;
	}
	s->pool_size = s->o.workers;
	if ((s->pool = calloc(s->pool_size, sizeof(*s->pool))) == NULL)
		goto done;
	for (i = 0; i < s->pool_size; i++) {
		if ((s->pool[i] = srv_db_open(s)) == NULL)
			goto done;
		s->npool++;
	}
	srv_jobs_init(s);

	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
		MHD_USE_ERROR_LOG | (use_poll ? MHD_USE_POLL : MHD_USE_EPOLL);
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (cert)
		flags |= MHD_USE_TLS;
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, s->o.workers,
		MHD_OPTION_CONNECTION_TIMEOUT, s->o.timeout,
		MHD_OPTION_CONNECTION_LIMIT, 1024u,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
		cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
		MHD_OPTION_HTTPS_MEM_KEY, key,
		MHD_OPTION_END);
	if (!s->daemon) {
		fprintf(stderr, "ferry: cannot listen on %s (in use, or not "
			"an address of this machine?)\n", s->o.listen);
		goto done;
	}
	*out = s;
	s = NULL;
	rc = 0;
done:
	srv_free(s);
	free(cert);
	free(key);
	return rc;
}

unsigned srv_port(const srv *s)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon,
		MHD_DAEMON_INFO_BIND_PORT);

	return di ? di->port : 0;
}

void srv_idle(srv *s)
{
	srv_jobs_wait(s);
	pthread_mutex_lock(&s->lock);
	while (s->busy > 0)
		pthread_cond_wait(&s->cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

void srv_stop(srv *s)
{
	struct timespec until;
	MHD_socket ls;

	if (!s)
		return;
	/* Stop accepting, then wait for requests and jobs: a commit is
	 * never torn. */
	ls = MHD_quiesce_daemon(s->daemon);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	srv_jobs_wait(s);
	pthread_mutex_lock(&s->lock);
	/* Requests still reading a body get the idle timeout. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += s->o.timeout;
	while (s->busy > 0 && pthread_cond_timedwait(&s->cond, &s->lock,
	    &until) == 0)
		;
	pthread_mutex_unlock(&s->lock);
	srv_jobs_wait(s);
	MHD_stop_daemon(s->daemon);
	srv_free(s);
}

int ferry_server_run(const ferry_server_options *opts)
{
	srv *s;
	sigset_t set;
	int sig, rc;

	/* Signals go to sigwait() below, never to a worker: blocked before
	 * the daemon's threads start, which inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((rc = srv_start(&s, opts, 0)) != 0)
		return rc;
	fprintf(stderr, "ferry serve: %s on http%s://%s/ (%u workers)\n",
		s->o.db_path, srv_tls(s) ? "s" : "", s->o.listen,
		s->o.workers);
	sigwait(&set, &sig);
	fprintf(stderr, "ferry serve: %s: finishing what is in flight\n",
		sig == SIGTERM ? "SIGTERM" : "SIGINT");
	srv_stop(s);
	fprintf(stderr, "ferry serve: stopped\n");
	return 0;
}
