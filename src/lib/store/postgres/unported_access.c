/*
 * unported_*.c - the operations the PostgreSQL backend does not carry out
 * yet: each refuses with a clear error (ferry_pg__unported()) instead of
 * doing something else.  An operation leaves this file when its real
 * body is written in the file of its kind; when the file is empty it
 * goes, and a missing operation is a link error again.
 */
#include "pg.h"

int ferry_pg__password_get(ferry_db *db, const char *user, char *out, size_t size)
{
	return ferry_pg__unported(db, "password get");
}

int ferry_pg__password_set(ferry_db *db, const char *user, const char *hash)
{
	return ferry_pg__unported(db, "password set");
}

int ferry_pg__token_insert(int64_t *id, ferry_db *db, const char *user, const char *label, const char *hash, const char *now)
{
	return ferry_pg__unported(db, "token insert");
}

int ferry_pg__token_by_hash(ferry_db *db, const char *hash, ferry_token_row *out)
{
	return ferry_pg__unported(db, "token by hash");
}

int ferry_pg__token_by_id(ferry_db *db, int64_t id, ferry_token_row *out)
{
	return ferry_pg__unported(db, "token by id");
}

int ferry_pg__token_used(ferry_db *db, int64_t id, const char *now)
{
	return ferry_pg__unported(db, "token used");
}

int ferry_pg__token_revoke(ferry_db *db, int64_t id, const char *now)
{
	return ferry_pg__unported(db, "token revoke");
}

int ferry_pg__token_each(ferry_db *db, const char *user, ferry_token_cb cb, void *payload)
{
	return ferry_pg__unported(db, "token each");
}

int ferry_pg__session_insert(ferry_db *db, const char *hash, const char *user, const char *csrf, const char *address, const char *now, int64_t expires_at)
{
	return ferry_pg__unported(db, "session insert");
}

int ferry_pg__session_get(ferry_db *db, const char *hash, int64_t now, char *user, size_t user_size, char *csrf, size_t csrf_size)
{
	return ferry_pg__unported(db, "session get");
}

int ferry_pg__session_delete(ferry_db *db, const char *hash)
{
	return ferry_pg__unported(db, "session delete");
}

int ferry_pg__session_purge(ferry_db *db, int64_t now)
{
	return ferry_pg__unported(db, "session purge");
}

int ferry_pg__login_failures(ferry_db *db, const char *user, const char *address, int64_t *failures, int64_t *last_at)
{
	return ferry_pg__unported(db, "login failures");
}

int ferry_pg__login_failed(ferry_db *db, const char *user, const char *address, int64_t now)
{
	return ferry_pg__unported(db, "login failed");
}

int ferry_pg__login_clear(ferry_db *db, const char *user, const char *address)
{
	return ferry_pg__unported(db, "login clear");
}

int ferry_pg__audit_insert(ferry_db *db, const char *at, const char *user, const char *address, const char *operation, const char *object, const char *outcome)
{
	return ferry_pg__unported(db, "audit insert");
}

int ferry_pg__audit_each(ferry_db *db, const char *user, const char *since, int64_t limit, int64_t offset, int64_t *total, ferry_audit_cb cb, void *payload)
{
	return ferry_pg__unported(db, "audit each");
}

int ferry_pg__key_current(ferry_db *db, ferry_key_row *out)
{
	return ferry_pg__unported(db, "key current");
}

int ferry_pg__key_replace(ferry_db *db, const char *public_key, const char *fingerprint, const char *by, const char *now)
{
	return ferry_pg__unported(db, "key replace");
}

int ferry_pg__trust_by_name(ferry_db *db, const char *name, ferry_key_row *out)
{
	return ferry_pg__unported(db, "trust by name");
}

int ferry_pg__trust_by_key(ferry_db *db, const char *public_key, ferry_key_row *out)
{
	return ferry_pg__unported(db, "trust by key");
}

int ferry_pg__trust_insert(ferry_db *db, const ferry_key_row *row)
{
	return ferry_pg__unported(db, "trust insert");
}

int ferry_pg__trust_delete(ferry_db *db, const char *name)
{
	return ferry_pg__unported(db, "trust delete");
}

int ferry_pg__trust_each(ferry_db *db, ferry_trust_cb cb, void *payload)
{
	return ferry_pg__unported(db, "trust each");
}

