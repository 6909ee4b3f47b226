/*
 * test_auth.c - passwords, tokens, sessions and failed-login limits as
 * the library decides them, on a fixed clock: the same answer for an
 * unknown user and a wrong password, the doubling wait after failed
 * logins, session expiry, revocation, and the acting user that
 * authenticating sets (so the library's role checks apply).
 */
#include "helpers.h"

#include "ferry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW "2021-12-31T12:00:00Z"
#define PASSWORD "correct horse battery"

typedef test_instance fixture;

static int setup(void **state)
{
	ferry_init_options o = FERRY_INIT_OPTIONS_INIT;
	fixture *f;

	o.now = NOW;
	test_instance_new(state, "i.db", &o);
	f = *state;
	assert_int_equal(ferry_user_add(f->db, "bob", 0, NULL), 0);
	assert_int_equal(ferry_user_passwd(f->db, "bob", PASSWORD), 0);
	assert_int_equal(ferry_db_set_address(f->db, "192.0.2.7"), 0);
	return 0;
}

static void at(ferry_db *db, const char *iso)
{
	assert_int_equal(ferry_db_set_now(db, iso), 0);
}

static void test_auth_login__unknown_user_and_wrong_password_are_alike(
	void **state)
{
	fixture *f = *state;
	ferry_buf out = FERRY_BUF_INIT;
	char first[256];

	assert_int_equal(ferry_session_login(&out, f->db, "nobody", PASSWORD),
		FERRY_EAUTH);
	snprintf(first, sizeof(first), "%s", ferry_errmsg(f->db));
	assert_int_equal(ferry_session_login(&out, f->db, "bob", "wrong one"),
		FERRY_EAUTH);
	assert_string_equal(ferry_errmsg(f->db), first);
	/* admin exists but has no password: the same answer again. */
	assert_int_equal(ferry_session_login(&out, f->db, "admin", PASSWORD),
		FERRY_EAUTH);
	assert_string_equal(ferry_errmsg(f->db), first);
	assert_null(out.ptr);
}

static void test_auth_login__failures_double_the_wait(void **state)
{
	fixture *f = *state;
	ferry_buf out = FERRY_BUF_INIT;
	int i;

	at(f->db, "2021-12-31T12:00:00Z");
	for (i = 0; i < FERRY_LOGIN_FREE_FAILURES; i++)
		assert_int_equal(ferry_session_login(&out, f->db, "bob", "no"),
			FERRY_EAUTH);
	/* After 3 failures: 1 s; the right password is refused unchecked. */
	assert_int_equal(ferry_session_login(&out, f->db, "bob", PASSWORD),
		FERRY_EAUTH);
	assert_non_null(strstr(ferry_errmsg(f->db), "try again in 1 "));
	at(f->db, "2021-12-31T12:00:01Z");
	assert_int_equal(ferry_session_login(&out, f->db, "bob", "no"),
		FERRY_EAUTH);
	/* 4 failures: 2 s from the last. */
	at(f->db, "2021-12-31T12:00:02Z");
	assert_int_equal(ferry_session_login(&out, f->db, "bob", PASSWORD),
		FERRY_EAUTH);
	assert_non_null(strstr(ferry_errmsg(f->db), "try again in 1 "));
	/* Another address is not slowed by this one's failures. */
	assert_int_equal(ferry_db_set_address(f->db, "192.0.2.8"), 0);
	assert_int_equal(ferry_session_login(&out, f->db, "bob", PASSWORD),
		0);
	ferry_buf_dispose(&out);
	assert_int_equal(ferry_db_set_address(f->db, "192.0.2.7"), 0);
	at(f->db, "2021-12-31T12:00:03Z");
	assert_int_equal(ferry_session_login(&out, f->db, "bob", PASSWORD),
		0);
	ferry_buf_dispose(&out);
	/* A success clears the count. */
	assert_int_equal(ferry_session_login(&out, f->db, "bob", "no"),
		FERRY_EAUTH);
	assert_int_equal(ferry_session_login(&out, f->db, "bob", PASSWORD),
		0);
	ferry_buf_dispose(&out);
}

/* The value of "key":"..." in a flat JSON document, copied to out. */
static void member(const char *doc, const char *key, char *out, size_t n)
{
	char pat[64];
	const char *p, *e;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(doc, pat);
	assert_non_null(p);
	p += strlen(pat);
	e = strchr(p, '"');
	assert_true(e && (size_t)(e - p) < n);
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
}

static void test_auth_session__acts_as_its_user_until_it_expires(
	void **state)
{
	fixture *f = *state;
	ferry_buf out = FERRY_BUF_INIT;
	ferry_auth_info who;
	char session[80], csrf[80];

	at(f->db, "2021-12-31T12:00:00Z");
	assert_int_equal(ferry_session_login(&out, f->db, "bob", PASSWORD),
		0);
	member(out.ptr, "session", session, sizeof(session));
	member(out.ptr, "csrf", csrf, sizeof(csrf));
	assert_non_null(strstr(out.ptr, "\"expires_at\":"
		"\"2022-01-01T00:00:00Z\""));
	ferry_buf_dispose(&out);
	assert_int_equal(ferry_db_set_user(f->db, NULL), 0);
	at(f->db, "2021-12-31T23:59:59Z");
	assert_int_equal(ferry_auth_session(&who, f->db, session), 0);
	assert_string_equal(who.user, "bob");
	assert_string_equal(who.csrf, csrf);
	assert_int_equal(who.admin, 0);
	/* The library's role checks now apply to bob. */
	assert_int_equal(ferry_user_add(f->db, "eve", 1, NULL), FERRY_EDENIED);
	at(f->db, "2022-01-01T00:00:00Z");
	assert_int_equal(ferry_auth_session(&who, f->db, session),
		FERRY_EAUTH);
	assert_int_equal(ferry_auth_session(&who, f->db, "not a session"),
		FERRY_EAUTH);
}

static void test_auth_session__logout_ends_it(void **state)
{
	fixture *f = *state;
	ferry_buf out = FERRY_BUF_INIT;
	ferry_auth_info who;
	char session[80];

	assert_int_equal(ferry_session_login(&out, f->db, "bob", PASSWORD),
		0);
	member(out.ptr, "session", session, sizeof(session));
	ferry_buf_dispose(&out);
	assert_int_equal(ferry_session_logout(f->db, session), 0);
	assert_int_equal(ferry_auth_session(&who, f->db, session),
		FERRY_EAUTH);
}

static void test_auth_token__works_until_revoked(void **state)
{
	fixture *f = *state;
	ferry_buf out = FERRY_BUF_INIT;
	ferry_auth_info who;
	char token[80];

	assert_int_equal(ferry_token_create(&out, f->db, "bob", "ci"), 0);
	member(out.ptr, "token", token, sizeof(token));
	assert_int_equal(strncmp(token, "ferry_", 6), 0);
	assert_int_equal(strlen(token), 6 + 64);
	ferry_buf_dispose(&out);
	assert_int_equal(ferry_auth_token(&who, f->db, token), 0);
	assert_string_equal(who.user, "bob");
	assert_string_equal(who.csrf, "");
	/* Bob may revoke his own token. */
	assert_int_equal(ferry_token_revoke(f->db, 1), 0);
	assert_int_equal(ferry_auth_token(&who, f->db, token), FERRY_EAUTH);
	assert_int_equal(ferry_token_revoke(f->db, 1), FERRY_ENOTFOUND);
	token[10] ^= 1;
	assert_int_equal(ferry_auth_token(&who, f->db, token), FERRY_EAUTH);
}

static void test_auth_audit__admins_only_newest_first_paged(void **state)
{
	fixture *f = *state;
	ferry_buf out = FERRY_BUF_INIT;
	int64_t total = 0;

	assert_int_equal(ferry_audit_add(f->db, "op one", "x", "ok"), 0);
	assert_int_equal(ferry_audit_add(f->db, "op two", "y", "ok"), 0);
	assert_int_equal(ferry_audit_list(&out, &total, f->db, NULL, NULL, 1,
		0), 0);
	assert_non_null(strstr(out.ptr, "\"operation\":\"op two\""));
	assert_null(strstr(out.ptr, "op one"));
	assert_non_null(strstr(out.ptr, "\"address\":\"192.0.2.7\""));
	assert_int_equal(total, 3);	/* with bob's password change */
	ferry_buf_dispose(&out);
	assert_int_equal(ferry_audit_list(&out, &total, f->db, NULL,
		"2022-01-01T00:00:00Z", 0, 0), 0);
	assert_string_equal(out.ptr, "[]");
	assert_int_equal(total, 0);
	ferry_buf_dispose(&out);
	assert_int_equal(ferry_db_set_user(f->db, "bob"), 0);
	assert_int_equal(ferry_audit_list(&out, &total, f->db, NULL, NULL, 0,
		0), FERRY_EDENIED);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, \
	test_instance_free)
	const struct CMUnitTest tests[] = {
		T(test_auth_login__unknown_user_and_wrong_password_are_alike),
		T(test_auth_login__failures_double_the_wait),
		T(test_auth_session__acts_as_its_user_until_it_expires),
		T(test_auth_session__logout_ends_it),
		T(test_auth_token__works_until_revoked),
		T(test_auth_audit__admins_only_newest_first_paged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
