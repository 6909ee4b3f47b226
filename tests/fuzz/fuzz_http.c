/*
 * fuzz_http.c - libFuzzer harness for ferry serve's request handling.
 * The bytes are one HTTP connection's worth of request: request line,
 * headers, cookies, body (JSON, a package upload, anything).  They are
 * sent over loopback to an in-process server (srv_start(), the code
 * `ferry serve` runs, one worker, polling with poll(2) rather than epoll
 * so that the end of the input is noticed at once) on a throwaway
 * instance made at start-up, and the first answer is read.
 *
 * So that the fuzzer gets past authentication, the placeholders @TOKEN@,
 * @SESSION@ and @CSRF@ in the input are replaced by an admin's API token,
 * session id and CSRF token, and @RTOKEN@ by a non-admin's token.
 *
 * The first answer must be a well-formed HTTP response: a status line
 * "HTTP/1.x NNN", header lines and, per Content-Length, the whole body.
 * An answer from ferry (it carries X-Content-Type-Options) with a status
 * of 400 or more must be a JSON error document, {"error": {"code",
 * "message"}} with both non-empty (or, as documented for inspecting a
 * damaged file, its report with "valid": false and "error"), and never
 * 500: bad input gets a clear error, not an internal one.  An answer
 * without that header comes from libmicrohttpd itself, which only
 * answers HTTP it cannot parse: it must be an error status.  Crashes, leaks and undefined behaviour are the
 * sanitizers' to catch; before the next input, every request and job of
 * this one has finished.
 *
 * The instance lives for the whole run (what one input creates, the next
 * may use), so a failing input is replayed on a fresh instance.
 */
#define _GNU_SOURCE	/* memmem */
#include "fuzz_util.h"
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PASSWORD "fuzz-password"
/* Longest answer read; more is a finding (no answer here is that big). */
#define ANSWER_MAX ((size_t)16 << 20)

static srv *server;
static unsigned port;
static ferry_server_options opts;
static char db_path[4200];
static char token[128], rtoken[128], session[128], csrf[128];

/* The real stderr: the server logs a line per request there, so runs
 * discard fd 2 (-close_fd_mask=2, which libFuzzer applies after
 * LLVMFuzzerInitialize(); sanitizer reports keep their own copy). */
static FILE *report;

/* While fd 2 is discarded, the current input's server log goes to this
 * file instead, to be shown when a check fails; -1 when fd 2 is kept. */
static int input_log = -1;

/* Point a discarded fd 2 at input_log, emptied (before each input). */
static void log_to_file(void)
{
	struct stat s2, sn;

	if (input_log < 0) {
		if (fstat(2, &s2) < 0 || stat("/dev/null", &sn) < 0 ||
		    !S_ISCHR(s2.st_mode) || s2.st_rdev != sn.st_rdev)
			return;
		input_log = open(fuzz_write("server.log", (const uint8_t *)"",
			0), O_RDWR);
		if (input_log < 0)
			return;
	}
	if (ftruncate(input_log, 0) == 0 && lseek(input_log, 0,
	    SEEK_SET) == 0)
		dup2(input_log, 2);
}

static void die(const char *what, const char *detail)
{
	FILE *out = report ? report : stderr;
	char buf[4096];
	ssize_t n;

	fprintf(out, "fuzz_http: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	if (input_log >= 0 && lseek(input_log, 0, SEEK_SET) == 0) {
		fprintf(out, "fuzz_http: the server's log of this input:\n");
		while ((n = read(input_log, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, (size_t)n, out);
	}
	abort();
}

/* String members of a library document into out1 (and out2). */
static void members(ferry_buf *doc, const char *k1, char *out1,
	const char *k2, char *out2)
{
	json_t *j = json_loadb(doc->ptr, doc->size, 0, NULL);
	const char *v1 = json_string_value(json_object_get(j, k1));
	const char *v2 = k2 ? json_string_value(json_object_get(j, k2)) : "";

	if (!v1 || !v2 || strlen(v1) >= 128 || strlen(v2) >= 128)
		die("a set-up document without its members", k1);
	snprintf(out1, 128, "%s", v1);
	if (k2)
		snprintf(out2, 128, "%s", v2);
	json_decref(j);
	ferry_buf_dispose(doc);
}

/* The throwaway instance: an admin with a password, a token and a
 * session; a reader with a token. */
static void make_instance(void)
{
	ferry_init_options io = FERRY_INIT_OPTIONS_INIT;
	ferry_buf out = FERRY_BUF_INIT;
	ferry_db *db = NULL;

	snprintf(db_path, sizeof(db_path), "%s/http.db", fuzz_dir());
	io.name = "fuzz";
	if (ferry_db_create(&db, db_path, &io) < 0 ||
	    ferry_user_passwd(db, "admin", PASSWORD) < 0 ||
	    ferry_user_add(db, "reader", 0, "UTC") < 0)
		die("cannot make the instance", ferry_errmsg(db));
	if (ferry_token_create(&out, db, "admin", "fuzz") < 0)
		die("cannot make a token", ferry_errmsg(db));
	members(&out, "token", token, NULL, NULL);
	if (ferry_token_create(&out, db, "reader", "fuzz") < 0)
		die("cannot make a token", ferry_errmsg(db));
	members(&out, "token", rtoken, NULL, NULL);
	if (ferry_session_login(&out, db, "admin", PASSWORD) < 0)
		die("cannot log in", ferry_errmsg(db));
	members(&out, "session", session, "csrf", csrf);
	ferry_db_close(db);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	sigset_t alarm_only;
	int rc;

	(void)argc;
	(void)argv;
	if ((report = fdopen(dup(2), "w")) == NULL)
		die("cannot keep stderr", strerror(errno));
	setvbuf(report, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	make_instance();
	opts.db_path = db_path;
	opts.listen = "127.0.0.1:0";
	opts.workers = 1;
	/* A request the server waits on (a body that never comes) ends at
	 * this idle timeout: well within libFuzzer's -timeout of 10 s. */
	opts.timeout = 3;
	/* Small, so that the fuzzer can reach the upload limit. */
	opts.max_upload = 1 << 20;
	/* libFuzzer's timer (SIGALRM, every few seconds) must interrupt
	 * only this thread, whose calls go on after EINTR: the server's
	 * threads, and the job threads they start, inherit it blocked, so
	 * that a file write or a poll of theirs is never cut short by the
	 * harness, which a real server never sees. */
	sigemptyset(&alarm_only);
	sigaddset(&alarm_only, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alarm_only, NULL);
	rc = srv_start(&server, &opts, 1);
	pthread_sigmask(SIG_UNBLOCK, &alarm_only, NULL);
	if (rc != 0 || (port = srv_port(server)) == 0)
		die("cannot start the server", NULL);
	return 0;
}

/* The input with the placeholders replaced. */
static void expand(ferry_str *req, const char *s, size_t n)
{
	static const struct {
		const char *name;
		const char *value;
	} ph[] = {
		{ "@TOKEN@", token }, { "@RTOKEN@", rtoken },
		{ "@SESSION@", session }, { "@CSRF@", csrf },
	};
	size_t i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < sizeof(ph) / sizeof(ph[0]); k++) {
			size_t l = strlen(ph[k].name);

			if (n - i >= l && !memcmp(s + i, ph[k].name, l)) {
				ferry_str_puts(req, ph[k].value);
				i += l - 1;
				break;
			}
		}
		if (k == sizeof(ph) / sizeof(ph[0]))
			ferry_str_putc(req, s[i]);
	}
}

/* A header's value in the block [h, end), or NULL; case-insensitive. */
static const char *header(const char *h, const char *end, const char *name,
	size_t *len)
{
	size_t nl = strlen(name);

	while (h < end) {
		const char *eol = memchr(h, '\r', (size_t)(end - h));

		if (!eol)
			eol = end;
		if ((size_t)(eol - h) > nl && h[nl] == ':' &&
		    !strncasecmp(h, name, nl)) {
			h += nl + 1;
			while (h < eol && *h == ' ')
				h++;
			*len = (size_t)(eol - h);
			return h;
		}
		h = eol + 2;
	}
	return NULL;
}

/* Skip interim "100 Continue" answers: where the real one starts. */
static size_t skip_interim(const char *a, size_t n)
{
	size_t off = 0;
	const char *e;

	while (n - off >= 13 && !memcmp(a + off, "HTTP/1.1 100 ", 13) &&
	    (e = memmem(a + off, n - off, "\r\n\r\n", 4)) != NULL)
		off = (size_t)(e + 4 - a);
	return off;
}

/* Whether the first answer in a[0..n) is complete: its headers and as
 * much body as its Content-Length says (none for HEAD).  An answer
 * without Content-Length ends with the connection. */
static int answer_complete(const char *a, size_t n, int head)
{
	size_t off = skip_interim(a, n), vl;
	const char *hend = memmem(a + off, n - off, "\r\n\r\n", 4), *v;

	if (!hend)
		return 0;
	if (!(v = header(a + off, hend + 2, "Content-Length", &vl)))
		return 0;
	return head || (size_t)(a + n - (hend + 4)) >= strtoul(v, NULL, 10);
}

/* Send the request, close our side, read the first answer. */
static void exchange(const ferry_str *req, ferry_str *ans, int head)
{
	struct sockaddr_in a;
	struct timeval tv = { 60, 0 };
	char buf[65536];
	size_t off = 0;
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) < 0)
		die("cannot make a socket", strerror(errno));
	/* Interrupted, the connection goes on in the background: wait for
	 * it with connect() again (EALREADY, then EISCONN once made). */
	while (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 &&
	    errno != EISCONN)
		if (errno != EINTR && errno != EALREADY)
			die("cannot connect to the server", strerror(errno));
	/* The server may answer (and close) before it has read it all.
	 * libFuzzer's timer (SIGALRM) interrupts calls: they go on. */
	while (off < req->size && ((n = send(fd, req->ptr + off,
	    req->size - off, MSG_NOSIGNAL)) > 0 || (n < 0 && errno == EINTR)))
		off += n > 0 ? (size_t)n : 0;
	shutdown(fd, SHUT_WR);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0 ||
	    (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		ferry_str_put(ans, buf, (size_t)n);
		if (ans->size > ANSWER_MAX)
			die("the answer does not end", NULL);
		/* Keep-alive: the server would wait for the next request. */
		if (answer_complete(ans->ptr, ans->size, head))
			break;
	}
	if (n < 0 && errno != ECONNRESET)
		die("no end to the answer", strerror(errno));
	close(fd);
	if (ferry_str_failed(ans))
		die("out of memory", NULL);
}

/* The checks of the opening comment on the first answer. */
static void check(const char *a, size_t n, int head)
{
	const char *end = a + n, *hdr, *hend = NULL, *v;
	unsigned status;
	size_t vl, clen;
	json_t *doc, *err;

	size_t off = skip_interim(a, n);

	a += off;
	n -= off;
	if (n == 0)
		return;	/* closed unanswered: an incomplete request */
	if (n < 13 || memcmp(a, "HTTP/1.", 7) || (a[7] != '0' && a[7] != '1')
	    || a[8] != ' ' || a[9] < '1' || a[9] > '5' || a[10] < '0' ||
	    a[10] > '9' || a[11] < '0' || a[11] > '9' || a[12] != ' ')
		die("not an HTTP status line", NULL);
	status = (unsigned)((a[9] - '0') * 100 + (a[10] - '0') * 10 +
		(a[11] - '0'));
	if ((hdr = memmem(a, n, "\r\n", 2)) == NULL ||
	    (hend = memmem(a, n, "\r\n\r\n", 4)) == NULL)
		die("the answer's headers do not end", NULL);
	hdr += 2;
	if (!header(hdr, hend + 2, "X-Content-Type-Options", &vl)) {
		if (status < 400)
			die("an answer not from ferry that is no error", NULL);
		return;
	}
	if (status < 400)
		return;
	if (status >= 500)
		die("ferry answered bad input with an internal error", NULL);
	if (!(v = header(hdr, hend + 2, "Content-Type", &vl)) || vl != 16 ||
	    memcmp(v, "application/json", 16))
		die("an error answer that is not JSON", NULL);
	if (head)
		return;
	if (!(v = header(hdr, hend + 2, "Content-Length", &vl)))
		die("an error answer without Content-Length", NULL);
	clen = strtoul(v, NULL, 10);
	if ((size_t)(end - (hend + 4)) < clen)
		die("the error answer is cut short", NULL);
	doc = json_loadb(hend + 4, clen, 0, NULL);
	err = json_object_get(doc, "error");
	/* The one documented exception: inspecting a damaged file answers
	 * its report, {"valid": false, "error": "why", ...}. */
	if (json_is_string(err) && json_is_false(json_object_get(doc,
	    "valid")) && json_string_length(err))
		err = NULL;
	else if (!json_is_object(doc) || !json_is_object(err) ||
	    !json_string_length(json_object_get(err, "code")) ||
	    !json_string_length(json_object_get(err, "message")))
		die("an error answer that is not an error document", NULL);
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ferry_str req, ans;
	int head = size >= 5 && !memcmp(data, "HEAD ", 5);

	ferry_str_init(&req, 0);
	ferry_str_init(&ans, 0);
	log_to_file();
	expand(&req, (const char *)data, size);
	if (ferry_str_failed(&req))
		die("out of memory", NULL);
	exchange(&req, &ans, head);
	/* Whatever the input started, it ends before the next one. */
	srv_idle(server);
	check(ans.ptr ? ans.ptr : "", ans.size, head);
	ferry_str_dispose(&req);
	ferry_str_dispose(&ans);
	return 0;
}
