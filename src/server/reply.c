/*
 * reply.c - answering requests: documents, lists with paging, the API's
 * error documents (through the one table that maps FERRY_E* codes to HTTP
 * statuses), downloads; and reading query strings and JSON bodies.
 */
#include "server.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* FERRY_E* code -> HTTP status and the API's error code.  The only place
 * that decides a status for a library error; docs/api.md lists it. */
static const struct {
	int code;
	unsigned status;
	const char *name;
} status_table[] = {
	{ FERRY_ENOTFOUND, 404, "not_found" },
	{ FERRY_EEXISTS, 409, "exists" },
	{ FERRY_EINVALID, 422, "invalid" },
	{ FERRY_EDENIED, 403, "denied" },
	{ FERRY_ECONFLICT, 409, "conflict" },
	{ FERRY_EFORMAT, 422, "bad_file" },
	{ FERRY_ENOMEM, 413, "too_large" },
	{ FERRY_ESTATE, 409, "state" },
	{ FERRY_EUNRESOLVED, 409, "unresolved_problems" },
	{ FERRY_EBUSY, 409, "busy" },
	{ FERRY_EPROTECTED, 403, "protected" },
	{ FERRY_EAUTH, 401, "unauthenticated" },
	/* FERRY_ERROR, FERRY_EMISUSE, FERRY_EIO and unknown codes: 500. */
};

unsigned srv_status_of(int code, const char **name)
{
	size_t i;

	for (i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
		if (status_table[i].code == code) {
			*name = status_table[i].name;
			return status_table[i].status;
		}
	*name = "internal";
	return 500;
}

static void add_security_headers(srv_req *r, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (r->set_cookie)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
			r->set_cookie);
}

static int queue(srv_req *r, unsigned status, struct MHD_Response *resp)
{
	int ok;

	if (!resp)
		return -1;
	add_security_headers(r, resp);
	ok = MHD_queue_response(r->conn, status, resp) == MHD_YES;
	MHD_destroy_response(resp);
	r->status = status;
	r->answered = 1;
	return ok ? 0 : -1;
}

int srv_reply(srv_req *r, unsigned status, const char *type,
	const char *body, size_t len)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len,
		(void *)body, MHD_RESPMEM_MUST_COPY);

	if (resp && type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
			type);
	return queue(r, status, resp);
}

int srv_reply_json(srv_req *r, unsigned status, const char *json)
{
	return srv_reply(r, status, "application/json", json, strlen(json));
}

int srv_reply_jsonv(srv_req *r, unsigned status, json_t *doc)
{
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	int rc;

	if (!text) {
		json_decref(doc);
		return srv_reply_error(r, 500, "internal", "out of memory");
	}
	rc = srv_reply_json(r, status, text);
	free(text);
	json_decref(doc);
	return rc;
}

/*
 * The message as JSON takes it: a message may quote what the client sent
 * (a query value, a name), which need not be UTF-8; each byte of a
 * sequence that is not becomes '?'.  NULL when out of memory.
 */
static char *utf8_message(const char *m)
{
	size_t len = strlen(m), i = 0, n;
	char *out = malloc(len + 1), *o = out;

	while (out && i < len) {
		if ((n = ferry_utf8_seq(m + i, len - i)) != 0) {
			memcpy(o, m + i, n);
			o += n;
			i += n;
		} else {
			*o++ = '?';
			i++;
		}
	}
	if (out)
		*o = '\0';
	return out;
}

int srv_reply_error(srv_req *r, unsigned status, const char *code,
	const char *message)
{
	char *clean = utf8_message(message);
	json_t *doc = clean ? json_pack("{s:{s:s,s:s}}", "error", "code",
		code, "message", clean) : NULL;

	free(clean);
	r->err_code = code;
	return srv_reply_jsonv(r, status, doc);
}

int srv_bad_request(srv_req *r, const char *message)
{
	return srv_reply_error(r, 400, "bad_request", message);
}

int srv_reply_ferror(srv_req *r, int error)
{
	const char *name, *msg = r->db ? ferry_errmsg(r->db) : "";
	unsigned status = srv_status_of(error, &name);

	if (!msg || !*msg)
		msg = ferry_strerror(error);
	if (status == 500) {
		/* Logged whole; the answer says nothing internal. */
		fprintf(stderr, "ferry serve: internal error on %s %s: %s\n",
			r->method, r->path, msg);
		msg = "internal error; the server's log has the details";
	}
	return srv_reply_error(r, status, name, msg);
}

int srv_reply_doc(srv_req *r, int error, ferry_buf *doc)
{
	int rc;

	if (error < 0)
		rc = srv_reply_ferror(r, error);
	else
		rc = srv_reply(r, 200, "application/json", doc->ptr ?
			doc->ptr : "null", doc->ptr ? doc->size : 4);
	ferry_buf_dispose(doc);
	return rc;
}

int srv_reply_ok(srv_req *r, int error)
{
	if (error < 0)
		return srv_reply_ferror(r, error);
	return srv_reply_json(r, 200, "{\"ok\":true}");
}

int srv_reply_list(srv_req *r, int error, ferry_buf *doc)
{
	json_t *all, *page;
	int64_t limit, offset, i, n;

	if (error < 0)
		return srv_reply_doc(r, error, doc);
	if (srv_paging(r, &limit, &offset) < 0) {
		ferry_buf_dispose(doc);
		return 0;
	}
	all = json_loadb(doc->ptr, doc->size, 0, NULL);
	ferry_buf_dispose(doc);
	if (!json_is_array(all)) {
		json_decref(all);
		return srv_reply_error(r, 500, "internal", "internal error");
	}
	n = (int64_t)json_array_size(all);
	page = json_array();
	for (i = offset; i < n && (limit == 0 || i < offset + limit); i++)
		json_array_append(page, json_array_get(all, (size_t)i));
	json_decref(all);
	return srv_reply_jsonv(r, 200, json_pack("{s:o,s:I}", "items", page,
		"total", (json_int_t)n));
}

void srv_content_disposition(ferry_str *out, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	/* An ASCII fallback for old clients, then RFC 6266 / RFC 5987
	 * filename* with the exact UTF-8 name percent-encoded. */
	ferry_str_puts(out, "attachment; filename=\"");
	for (p = (const unsigned char *)name; *p; p++)
		ferry_str_putc(out, *p < 0x20 || *p >= 0x7f || *p == '"' ||
			*p == '\\' || *p == '/' || *p == ':' ? '_' : (char)*p);
	ferry_str_puts(out, "\"; filename*=UTF-8''");
	for (p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p)) {
			ferry_str_putc(out, (char)*p);
		} else {
			ferry_str_putc(out, '%');
			ferry_str_putc(out, hex[*p >> 4]);
			ferry_str_putc(out, hex[*p & 15]);
		}
	}
}

int srv_reply_file(srv_req *r, const char *path, const char *name,
	const char *type)
{
	struct MHD_Response *resp;
	ferry_str cd = FERRY_STR_INIT;
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &sb) < 0) {
		if (fd >= 0)
			close(fd);
		return srv_reply_error(r, 500, "internal", "internal error");
	}
	/* The open descriptor keeps the data; the name can go now. */
	unlink(path);
	resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
	if (!resp) {
		close(fd);
		return -1;
	}
	srv_content_disposition(&cd, name);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, "Content-Disposition",
		ferry_str_cstr(&cd));
	ferry_str_dispose(&cd);
	return queue(r, 200, resp);
}

char *srv_unescape(const char *s, size_t len, int plus)
{
	char *out = malloc(len + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			char h[3], *end;
			long v;

			if (i + 2 >= len)
				goto bad;
			h[0] = s[i + 1];
			h[1] = s[i + 2];
			h[2] = '\0';
			v = strtol(h, &end, 16);
			if (*end || v == 0)
				goto bad;
			*o++ = (char)v;
			i += 2;
		} else {
			*o++ = plus && s[i] == '+' ? ' ' : s[i];
		}
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

const char *srv_query(srv_req *r, const char *key)
{
	const char *raw = MHD_lookup_connection_value(r->conn,
		MHD_GET_ARGUMENT_KIND, key);
	size_t i;

	/* The server unescapes nothing itself (see server.c), so that an
	 * escaped '/' stays inside its path segment; values decode here. */
	if (!raw)
		return NULL;
	for (i = 0; i < sizeof(r->query) / sizeof(r->query[0]); i++)
		if (!r->query[i])
			return r->query[i] = srv_unescape(raw, strlen(raw), 1);
	return NULL;
}

static int parse_count(const char *text, int64_t *out)
{
	char *end;
	long long v;

	if (!text)
		return 0;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (!*text || *end || v < 0 || errno)
		return -1;
	*out = v;
	return 0;
}

int srv_paging(srv_req *r, int64_t *limit, int64_t *offset)
{
	*limit = 0;
	*offset = 0;
	if (parse_count(srv_query(r, "limit"), limit) < 0 ||
	    parse_count(srv_query(r, "offset"), offset) < 0) {
		srv_bad_request(r, "limit and offset are "
			"whole numbers, e.g. ?limit=50&offset=100");
		return -1;
	}
	return 0;
}

int64_t srv_parse_id(const char *text)
{
	int64_t v = -1;

	if (!text || parse_count(text, &v) < 0)
		return -1;
	return v;
}

static json_t *member(srv_req *r, const char *key)
{
	return r->json ? json_object_get(r->json, key) : NULL;
}

static void wrong_type(srv_req *r, const char *key, const char *want,
	int *bad)
{
	char msg[160];

	if (*bad)
		return;
	snprintf(msg, sizeof(msg), "\"%s\" must be %s", key, want);
	srv_bad_request(r, msg);
	*bad = 1;
}

const char *srv_jstr(srv_req *r, const char *key, int *bad)
{
	json_t *v = member(r, key);

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		wrong_type(r, key, "a string", bad);
		return NULL;
	}
	return json_string_value(v);
}

int srv_jbool(srv_req *r, const char *key, int def, int *bad)
{
	json_t *v = member(r, key);

	if (!v || json_is_null(v))
		return def;
	if (!json_is_boolean(v)) {
		wrong_type(r, key, "true or false", bad);
		return def;
	}
	return json_is_true(v);
}

int64_t srv_jint(srv_req *r, const char *key, int64_t def, int *bad)
{
	json_t *v = member(r, key);

	if (!v || json_is_null(v))
		return def;
	if (!json_is_integer(v)) {
		wrong_type(r, key, "a whole number", bad);
		return def;
	}
	return json_integer_value(v);
}
