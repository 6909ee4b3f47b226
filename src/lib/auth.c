/*
 * auth.c - passwords, API tokens, server sessions, failed-login limits
 * and the audit log: the rules of who may reach an instance from outside
 * a shell (ferry/auth.h).
 *
 * Authenticating a request makes its user the handle's acting user, so
 * every role check after it is the library's ordinary ferry__actor()
 * check, the same as for the CLI's --user.
 */
#include "db.h"

#include "alloc.h"
#include "hash.h"
#include "jsonw.h"
#include "store/store.h"
#include "text.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* What an unknown user's password is checked against, so that a login
 * for a name that does not exist costs the same argon2id work as a wrong
 * password (the answer must not tell them apart, nor its timing). */
static const char dummy_hash[crypto_pwhash_STRBYTES] =
	"$argon2id$v=19$m=65536,t=2,p=1$0GmHX7wCCok7/qzJhvUUgQ$"
	"LfKnx7n8BsXy+0CVpVSMyZSf1g2cfcoSJQ5y7KkJCiA";

#define TOKEN_PREFIX "ferry_"
#define WRONG_LOGIN "wrong user name or password"

static const char *address_of(const ferry_db *db)
{
	return db->address ? db->address : "local";
}

int ferry_db_set_address(ferry_db *db, const char *address)
{
	FERRY_CHECK_DB(db);
	ferry__free(db->address);
	db->address = address ? ferry__strdup(address) : NULL;
	if (address && !db->address)
		return ferry__oom(db);
	return 0;
}

/* n random bytes as lowercase hex into out (2n + 1 bytes). */
static void random_hex(char *out, size_t n)
{
	unsigned char b[32];

	randombytes_buf(b, n);
	sodium_bin2hex(out, 2 * n + 1, b, n);
	sodium_memzero(b, sizeof(b));
}

/* The actor is `user` or an admin; `what` completes "only admins may". */
static int require_self_or_admin(ferry_db *db, const char *user,
	const char *what)
{
	int error;

	if ((error = ferry__actor(db)) < 0)
		return error;
	if (db->user_admin || (user && !strcmp(user, db->user)))
		return 0;
	return ferry__error(db, FERRY_EDENIED, "only admins may %s of "
		"another user; '%s' is not an admin", what, db->user);
}

static int user_exists(ferry_db *db, const char *name)
{
	ferry_user_row row;
	int error = ferry_store__user_get(db, name, &row);

	if (error == FERRY_ENOTFOUND)
		return ferry__error(db, error, "no user '%s'; see 'ferry user "
			"list'", name);
	return error;
}

int ferry__audit(ferry_db *db, const char *user, const char *operation,
	const char *object, const char *outcome)
{
	char now[FERRY_ISO_LEN];

	ferry__now_iso(db, now);
	return ferry_store__audit_insert(db, now, user, address_of(db),
		operation, object, outcome);
}

int ferry_user_passwd(ferry_db *db, const char *name, const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	size_t len;
	int error;

	FERRY_CHECK_DB(db);
	FERRY_ASSERT_ARG(name);
	FERRY_ASSERT_ARG(password);
	if ((error = require_self_or_admin(db, name, "set the password")) < 0 ||
	    (error = user_exists(db, name)) < 0)
		return error;
	len = strlen(password);
	if (!ferry_utf8_valid(password, len) || len > 4096 ||
	    ferry_utf8_length(password, len) < FERRY_PASSWORD_MIN)
		return ferry__error(db, FERRY_EINVALID, "a password needs at "
			"least %d characters of UTF-8 text (at most 4096 "
			"bytes)", FERRY_PASSWORD_MIN);
	/* Hash outside the transaction: argon2id takes a while and must not
	 * hold the instance's write lock. */
	if (sodium_init() < 0 || crypto_pwhash_str(hash, password, len,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return ferry__error(db, FERRY_ENOMEM, "not enough memory to "
			"hash the password (argon2id needs 64 MiB)");
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry_store__password_set(db, name, hash)) == 0)
		error = ferry__audit(db, db->user, "user passwd", name, "ok");
	return ferry_store__end(db, error);
}

int ferry_token_create(ferry_buf *out, ferry_db *db, const char *user,
	const char *label)
{
	char token[sizeof(TOKEN_PREFIX) + 64], hash[FERRY_HASH_HEX],
		now[FERRY_ISO_LEN], object[64];
	ferry_str doc = FERRY_STR_INIT;
	int64_t id;
	int error;

	FERRY_CHECK_DB(db);
	FERRY_ASSERT_ARG(user);
	if (!label)
		label = "";
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = require_self_or_admin(db, user, "create tokens")) < 0 ||
	    (error = user_exists(db, user)) < 0)
		goto done;
	if (strlen(label) > 200 || !ferry_utf8_valid(label, strlen(label))) {
		error = ferry__error(db, FERRY_EINVALID, "a token label is "
			"UTF-8 text of at most 200 bytes");
		goto done;
	}
	memcpy(token, TOKEN_PREFIX, sizeof(TOKEN_PREFIX) - 1);
	random_hex(token + sizeof(TOKEN_PREFIX) - 1, 32);
	ferry_hash_hex(hash, token, strlen(token));
	ferry__now_iso(db, now);
	if ((error = ferry_store__token_insert(&id, db, user, label, hash,
	    now)) < 0)
		goto done;
	ferry_str_printf(&doc, "{\"id\":%lld,\"user\":", (long long)id);
	ferry_str_puts_json(&doc, user);
	ferry_str_puts(&doc, ",\"label\":");
	ferry_str_puts_json(&doc, label);
	ferry_str_printf(&doc, ",\"token\":\"%s\"}", token);
	snprintf(object, sizeof(object), "token %lld", (long long)id);
	error = ferry__audit(db, db->user, "token create", object, "ok");
done:
	sodium_memzero(token, sizeof(token));
	if ((error = ferry_store__end(db, error)) == 0)
		return ferry__buf_take(db, out, &doc);
	ferry_str_dispose(&doc);
	return error;
}

static int token_item(const ferry_token_entry *t, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_int(doc, "id", t->id);
	ferry_json_str(doc, "user", t->user);
	ferry_json_str(doc, "label", t->label);
	ferry_json_str(doc, "created_at", t->created_at);
	ferry_json_str(doc, "last_used_at", t->last_used_at);
	ferry_json_close(doc, '}');
	return 0;
}

int ferry_token_list(ferry_buf *out, ferry_db *db, const char *user)
{
	ferry_str doc = FERRY_STR_INIT;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__actor(db)) < 0)
		return error;
	if (!db->user_admin) {
		if (user && strcmp(user, db->user))
			return ferry__error(db, FERRY_EDENIED, "only admins "
				"may list the tokens of another user; '%s' is "
				"not an admin", db->user);
		user = db->user;
	}
	ferry_json_open(&doc, NULL, '[');
	error = ferry_store__token_each(db, user, token_item, &doc);
	ferry_json_close(&doc, ']');
	if (error < 0) {
		ferry_str_dispose(&doc);
		return error;
	}
	return ferry__buf_take(db, out, &doc);
}

int ferry_token_revoke(ferry_db *db, int64_t id)
{
	ferry_token_row row;
	char now[FERRY_ISO_LEN], object[64];
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0)
		goto done;
	error = ferry_store__token_by_id(db, id, &row);
	if (error == FERRY_ENOTFOUND || (error == 0 && row.revoked)) {
		error = ferry__error(db, FERRY_ENOTFOUND, "no live token %lld; "
			"see 'ferry token list'", (long long)id);
		goto done;
	}
	if (error < 0 || (error = require_self_or_admin(db, row.user,
	    "revoke the tokens")) < 0)
		goto done;
	ferry__now_iso(db, now);
	snprintf(object, sizeof(object), "token %lld", (long long)id);
	if ((error = ferry_store__token_revoke(db, id, now)) == 0)
		error = ferry__audit(db, db->user, "token revoke", object, "ok");
done:
	return ferry_store__end(db, error);
}

/* Make `user` the acting user and fill `out`. */
static int become(ferry_auth_info *out, ferry_db *db, const char *user)
{
	int error;

	if ((error = ferry_db_set_user(db, user)) < 0 ||
	    (error = ferry__actor(db)) < 0)
		return error;
	snprintf(out->user, sizeof(out->user), "%s", db->user);
	out->admin = db->user_admin;
	return 0;
}

int ferry_auth_token(ferry_auth_info *out, ferry_db *db, const char *token)
{
	ferry_token_row row;
	char hash[FERRY_HASH_HEX], now[FERRY_ISO_LEN];
	int error;

	FERRY_CHECK_DB(db);
	FERRY_ASSERT_ARG(out);
	FERRY_ASSERT_ARG(token);
	memset(out, 0, sizeof(*out));
	ferry_hash_hex(hash, token, strlen(token));
	error = ferry_store__token_by_hash(db, hash, &row);
	if (error == FERRY_ENOTFOUND || (error == 0 && row.revoked))
		return ferry__error(db, FERRY_EAUTH, "the token is unknown or "
			"revoked; create one with 'ferry token create'");
	if (error < 0)
		return error;
	/* Note the use at most once a minute: a read must not turn into a
	 * write on every request. */
	if (ferry__now(db) - row.last_used >= 60) {
		ferry__now_iso(db, now);
		if ((error = ferry_store__token_used(db, row.id, now)) < 0)
			return error;
	}
	return become(out, db, row.user);
}

int ferry_auth_session(ferry_auth_info *out, ferry_db *db,
	const char *session)
{
	char hash[FERRY_HASH_HEX], user[128];
	int error;

	FERRY_CHECK_DB(db);
	FERRY_ASSERT_ARG(out);
	FERRY_ASSERT_ARG(session);
	memset(out, 0, sizeof(*out));
	ferry_hash_hex(hash, session, strlen(session));
	error = ferry_store__session_get(db, hash, ferry__now(db), user,
		sizeof(user), out->csrf, sizeof(out->csrf));
	if (error == FERRY_ENOTFOUND)
		return ferry__error(db, FERRY_EAUTH, "the session has ended "
			"or expired; log in again");
	if (error < 0)
		return error;
	return become(out, db, user);
}

/* Seconds still to wait before `failures` failed logins may try again. */
static int64_t login_wait(int64_t failures, int64_t last_at, int64_t now)
{
	int64_t wait;

	if (failures < FERRY_LOGIN_FREE_FAILURES)
		return 0;
	wait = failures - FERRY_LOGIN_FREE_FAILURES >= 9 ?
		FERRY_LOGIN_MAX_WAIT :
		(int64_t)1 << (failures - FERRY_LOGIN_FREE_FAILURES);
	if (wait > FERRY_LOGIN_MAX_WAIT)
		wait = FERRY_LOGIN_MAX_WAIT;
	return last_at + wait > now ? last_at + wait - now : 0;
}

/* Record a failed login (committed: the refusal must stick). */
static int login_refused(ferry_db *db, const char *user, const char *why,
	int64_t wait)
{
	int error;

	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if (!wait)
		error = ferry_store__login_failed(db, user, address_of(db),
			ferry__now(db));
	if (error == 0)
		error = ferry__audit(db, NULL, "login", user, why);
	if ((error = ferry_store__end(db, error)) < 0)
		return error;
	if (wait)
		return ferry__error(db, FERRY_EAUTH, "too many failed logins "
			"for this user from this address; try again in %lld "
			"seconds", (long long)wait);
	return ferry__error(db, FERRY_EAUTH, WRONG_LOGIN);
}

int ferry_session_login(ferry_buf *out, ferry_db *db, const char *user,
	const char *password)
{
	char stored[crypto_pwhash_STRBYTES], session[65], csrf[65],
		hash[FERRY_HASH_HEX], now[FERRY_ISO_LEN];
	ferry_str doc = FERRY_STR_INIT;
	int64_t failures, last_at, wait, t;
	int error, known;

	FERRY_CHECK_DB(db);
	t = ferry__now(db);
	FERRY_ASSERT_ARG(user);
	FERRY_ASSERT_ARG(password);
	if (strlen(user) >= 128 || strlen(password) > 4096)
		return ferry__error(db, FERRY_EAUTH, WRONG_LOGIN);
	if ((error = ferry_store__login_failures(db, user, address_of(db),
	    &failures, &last_at)) < 0)
		return error;
	if ((wait = login_wait(failures, last_at, t)) > 0)
		return login_refused(db, user, "throttled", wait);
	error = ferry_store__password_get(db, user, stored, sizeof(stored));
	if (error < 0 && error != FERRY_ENOTFOUND)
		return error;
	known = error == 0 && stored[0];
	if (sodium_init() < 0)
		return ferry__error(db, FERRY_ERROR, "libsodium cannot start");
	if (crypto_pwhash_str_verify(known ? stored : dummy_hash, password,
	    strlen(password)) != 0 || !known)
		return login_refused(db, user, "denied", 0);

	random_hex(session, 32);
	random_hex(csrf, 32);
	ferry_hash_hex(hash, session, strlen(session));
	ferry__now_iso(db, now);
	if ((error = ferry_store__begin(db)) < 0)
		goto done;
	if ((error = ferry_store__session_purge(db, t)) == 0 &&
	    (error = ferry_store__session_insert(db, hash, user, csrf,
	    address_of(db), now, t + FERRY_SESSION_SECONDS)) == 0 &&
	    (error = ferry_store__login_clear(db, user, address_of(db))) == 0)
		error = ferry__audit(db, user, "login", user, "ok");
	if ((error = ferry_store__end(db, error)) < 0 ||
	    (error = ferry_db_set_user(db, user)) < 0 ||
	    (error = ferry__actor(db)) < 0)
		goto done;
	ferry_str_puts(&doc, "{\"user\":");
	ferry_str_puts_json(&doc, db->user);
	ferry_str_printf(&doc, ",\"admin\":%s,\"csrf\":\"%s\",\"session\":"
		"\"%s\",\"expires_at\":", db->user_admin ? "true" : "false",
		csrf, session);
	ferry_time_format_iso(now, t + FERRY_SESSION_SECONDS);
	ferry_str_puts_json(&doc, now);
	ferry_str_putc(&doc, '}');
	error = ferry__buf_take(db, out, &doc);
done:
	sodium_memzero(session, sizeof(session));
	ferry_str_dispose(&doc);
	return error;
}

int ferry_session_logout(ferry_db *db, const char *session)
{
	char hash[FERRY_HASH_HEX];
	int error;

	FERRY_CHECK_DB(db);
	FERRY_ASSERT_ARG(session);
	ferry_hash_hex(hash, session, strlen(session));
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry_store__session_delete(db, hash)) == 0)
		error = ferry__audit(db, db->user_resolved ? db->user : NULL,
			"logout", db->user_resolved ? db->user : "", "ok");
	return ferry_store__end(db, error);
}

int ferry_audit_add(ferry_db *db, const char *operation, const char *object,
	const char *outcome)
{
	int error;

	FERRY_CHECK_DB(db);
	FERRY_ASSERT_ARG(operation);
	FERRY_ASSERT_ARG(outcome);
	/* The named actor, even one that no longer resolves (the entry
	 * still says who asked); the first admin when none was named. */
	if (!db->user)
		(void)ferry__actor(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	error = ferry__audit(db, db->user, operation, object, outcome);
	return ferry_store__end(db, error);
}

static int audit_item(const ferry_audit_entry *a, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_int(doc, "id", a->id);
	ferry_json_str(doc, "at", a->at);
	ferry_json_str(doc, "user", a->user);
	ferry_json_str(doc, "address", a->address);
	ferry_json_str(doc, "operation", a->operation);
	ferry_json_str(doc, "object", a->object);
	ferry_json_str(doc, "outcome", a->outcome);
	ferry_json_close(doc, '}');
	return 0;
}

int ferry_audit_list(ferry_buf *out, int64_t *total, ferry_db *db,
	const char *user, const char *since, int64_t limit, int64_t offset)
{
	ferry_str doc = FERRY_STR_INIT;
	char iso[FERRY_ISO_LEN];
	int64_t n = 0, t;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__require_admin(db, "read the audit log")) < 0)
		return error;
	if (since) {
		if (ferry_time_parse_iso(&t, since) < 0)
			return ferry__error(db, FERRY_EINVALID, "cannot read "
				"the time '%s'; write it as "
				"2021-12-31T12:00:00Z (UTC)", since);
		ferry_time_format_iso(iso, t);
		since = iso;
	}
	if (limit < 0 || offset < 0)
		return ferry__error(db, FERRY_EINVALID, "limit and offset are "
			"whole numbers");
	ferry_json_open(&doc, NULL, '[');
	error = ferry_store__audit_each(db, user, since, limit, offset, &n,
		audit_item, &doc);
	ferry_json_close(&doc, ']');
	if (error < 0) {
		ferry_str_dispose(&doc);
		return error;
	}
	if (total)
		*total = n;
	return ferry__buf_take(db, out, &doc);
}
