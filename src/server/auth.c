/*
 * auth.c - who a request is: an API token (Authorization: Bearer) or a
 * session cookie with, on writes, the X-CSRF-Token header; and the
 * session endpoints (log in, who am I, log out).  The checks themselves
 * are the library's (ferry/auth.h); this file reads and writes headers.
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COOKIE "ferry_session"

/* Compare in time independent of where the strings differ. */
static int same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

int srv_authenticate(srv_req *r)
{
	const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_AUTHORIZATION);
	const char *cookie = MHD_lookup_connection_value(r->conn,
		MHD_COOKIE_KIND, COOKIE);
	ferry_db *db;
	int error;

	if (!h && !cookie)
		return srv_reply_error(r, 401, "unauthenticated", "log in "
			"(POST /api/v1/session) or send Authorization: Bearer "
			"TOKEN (ferry token create)"), -1;
	if (h && strncmp(h, "Bearer ", 7) != 0)
		return srv_reply_error(r, 401, "unauthenticated", "the "
			"Authorization header takes 'Bearer TOKEN'"), -1;
	db = srv_db_acquire(r->s);
	ferry_db_set_address(db, r->addr);
	if (h)
		error = ferry_auth_token(&r->who, db, h + 7);
	else
		error = ferry_auth_session(&r->who, db, cookie);
	if (error < 0) {
		r->db = db;
		srv_reply_ferror(r, error);
		r->db = NULL;
	}
	srv_db_release(r->s, db);
	if (error < 0)
		return -1;
	r->authed = 1;
	if (!h && (r->cookie_session = strdup(cookie)) == NULL)
		return srv_reply_error(r, 500, "internal", "out of memory"),
			-1;
	if (!h && r->write) {
		const char *csrf = MHD_lookup_connection_value(r->conn,
			MHD_HEADER_KIND, "X-CSRF-Token");

		if (!csrf || !r->who.csrf[0] || !same_secret(csrf,
		    r->who.csrf))
			return srv_reply_error(r, 403, "csrf", "a change made "
				"with a session cookie needs the X-CSRF-Token "
				"header from the login answer"), -1;
	}
	return 0;
}

static int reply_who(srv_req *r, const char *user, int admin,
	const char *csrf)
{
	json_t *doc = json_pack("{s:s,s:b}", "user", user, "admin", admin);

	if (csrf && *csrf)
		json_object_set_new(doc, "csrf", json_string(csrf));
	return srv_reply_jsonv(r, 200, doc);
}

int api_session_create(srv_req *r)
{
	ferry_buf out = FERRY_BUF_INIT;
	const char *user, *password;
	json_t *doc = NULL;
	int bad = 0, error;
	char cookie[256];

	user = srv_jstr(r, "user", &bad);
	password = srv_jstr(r, "password", &bad);
	if (bad)
		return 0;
	if (!user || !password)
		return srv_bad_request(r, "send "
			"{\"user\": NAME, \"password\": PASSWORD}");
	if ((error = ferry_session_login(&out, r->db, user, password)) < 0)
		return srv_reply_ferror(r, error);
	doc = json_loadb(out.ptr, out.size, 0, NULL);
	ferry_buf_dispose(&out);
	if (!doc)
		return srv_reply_error(r, 500, "internal", "internal error");
	snprintf(cookie, sizeof(cookie), COOKIE "=%s; Path=/; HttpOnly; "
		"SameSite=Strict; Max-Age=%d%s", json_string_value(
		json_object_get(doc, "session")), FERRY_SESSION_SECONDS,
		srv_tls(r->s) ? "; Secure" : "");
	r->set_cookie = strdup(cookie);
	/* The session id goes only into the cookie. */
	json_object_del(doc, "session");
	snprintf(r->who.user, sizeof(r->who.user), "%s", user);
	r->authed = 1;
	return srv_reply_jsonv(r, 200, doc);
}

int api_session_get(srv_req *r)
{
	return reply_who(r, r->who.user, r->who.admin,
		r->cookie_session ? r->who.csrf : NULL);
}

int api_session_delete(srv_req *r)
{
	char cookie[160];
	int error = 0;

	if (r->cookie_session)
		error = ferry_session_logout(r->db, r->cookie_session);
	snprintf(cookie, sizeof(cookie), COOKIE "=; Path=/; HttpOnly; "
		"SameSite=Strict; Max-Age=0%s", srv_tls(r->s) ? "; Secure" :
		"");
	r->set_cookie = strdup(cookie);
	return srv_reply_ok(r, error);
}
