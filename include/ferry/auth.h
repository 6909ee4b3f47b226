/*
 * ferry/auth.h - who may reach an instance from outside a shell, and what
 * they did: passwords, API tokens, server sessions and the audit log.
 *
 * A front end that serves many people (ferry serve) authenticates each
 * request with ferry_auth_token() or ferry_auth_session(), which make the
 * authenticated user the handle's acting user: every later call on the
 * handle is checked against that user's role by the library itself, so
 * the HTTP API and the CLI can never disagree on who may do what.
 *
 * Secrets are never stored: passwords as argon2id strings
 * (crypto_pwhash_str), tokens and session ids as BLAKE2b-256 hashes (they
 * carry 256 random bits, so a fast hash is enough and a lookup is one
 * index probe).  Nothing here ever returns a stored secret.
 */
#ifndef FERRY_AUTH_H
#define FERRY_AUTH_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Shortest password ferry_user_passwd() accepts. */
#define FERRY_PASSWORD_MIN 8
/** How long a server session lives, in seconds (12 hours). */
#define FERRY_SESSION_SECONDS 43200
/** Failed logins of one user name from one address that are free; each
 * further one doubles the wait before the next attempt (capped). */
#define FERRY_LOGIN_FREE_FAILURES 3
/** Longest wait between attempts after failed logins, in seconds. */
#define FERRY_LOGIN_MAX_WAIT 300

/**
 * Name the network address the handle's calls come from (for the audit
 * log and the failed-login limits); NULL: "local".
 */
int ferry_db_set_address(ferry_db *db, const char *address);

/**
 * Set a user's password (the user themself or an admin).
 * @return 0, FERRY_ENOTFOUND (no such user), FERRY_EINVALID (shorter
 *         than FERRY_PASSWORD_MIN characters, or not UTF-8),
 *         FERRY_EDENIED, FERRY_ENOMEM (hashing needs 64 MiB)
 */
int ferry_user_passwd(ferry_db *db, const char *name, const char *password);

/**
 * Create an API token for a user (the user themself or an admin).
 * @param[out] out {id, user, label, token}: the token is shown here once
 *             and never again
 * @param label free text naming what the token is for; NULL: ""
 * @return 0, FERRY_ENOTFOUND, FERRY_EINVALID, FERRY_EDENIED
 */
int ferry_token_create(ferry_buf *out, ferry_db *db, const char *user,
	const char *label);

/**
 * Live tokens: [{id, user, label, created_at, last_used_at}].  An admin
 * sees everyone's (or `user`'s); others only their own.
 * @param user NULL: every user's the actor may see
 */
int ferry_token_list(ferry_buf *out, ferry_db *db, const char *user);

/**
 * Revoke a token (its owner or an admin); it stops working at once.
 * @return 0, FERRY_ENOTFOUND (no such live token), FERRY_EDENIED
 */
int ferry_token_revoke(ferry_db *db, int64_t id);

/** Who a request is: filled by ferry_auth_token(), ferry_auth_session(). */
typedef struct {
	char user[128];	/**< the authenticated user */
	int admin;	/**< that user's admin flag */
	char csrf[65];	/**< the session's CSRF token; "" for API tokens */
} ferry_auth_info;

/**
 * Authenticate by API token and make its user the handle's actor.
 * @return 0, FERRY_EAUTH (unknown or revoked token)
 */
int ferry_auth_token(ferry_auth_info *out, ferry_db *db, const char *token);

/**
 * Authenticate by session id (the cookie) and make its user the actor.
 * @return 0, FERRY_EAUTH (unknown, ended or expired session)
 */
int ferry_auth_session(ferry_auth_info *out, ferry_db *db,
	const char *session);

/**
 * Log in with a password and start a session kept in the instance (so
 * that several servers on one instance share it), valid for
 * FERRY_SESSION_SECONDS.  The same FERRY_EAUTH answers an unknown user, a
 * user without a password and a wrong password (an unknown user costs the
 * same argon2id work).  After FERRY_LOGIN_FREE_FAILURES failures of a
 * name from the handle's address, attempts are refused unchecked until
 * a wait that doubles with each failure has passed.  Every attempt is
 * written to the audit log.
 *
 * @param[out] out {user, admin, csrf, session, expires_at}; `session` is
 *             the secret for the cookie: hand it to no one else
 * @return 0, FERRY_EAUTH
 */
int ferry_session_login(ferry_buf *out, ferry_db *db, const char *user,
	const char *password);

/** End a session (log out); an unknown session is not an error. */
int ferry_session_logout(ferry_db *db, const char *session);

/**
 * Append an entry to the audit log: the actor (if known), the handle's
 * address, the time, and what the caller says was done.
 * @param operation what was asked, e.g. "POST /api/v1/imports/{id}/commit"
 * @param object what it was done to, e.g. "import 3" (NULL: "")
 * @param outcome "ok", or the error code's name
 */
int ferry_audit_add(ferry_db *db, const char *operation, const char *object,
	const char *outcome);

/**
 * The audit log, newest first (admins only).
 * @param[out] out [{id, at, user, address, operation, object, outcome}]
 * @param[out] total entries that match the filters (may be NULL)
 * @param user only this user's entries (NULL: everyone's)
 * @param since only entries at or after this UTC time
 *        ("2021-12-31T12:00:00Z"; NULL: all)
 * @param limit at most this many (0: all); offset: skip this many
 * @return 0, FERRY_EINVALID (a bad time), FERRY_EDENIED
 */
int ferry_audit_list(ferry_buf *out, int64_t *total, ferry_db *db,
	const char *user, const char *since, int64_t limit, int64_t offset);

#ifdef __cplusplus
}
#endif

#endif
