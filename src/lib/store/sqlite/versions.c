/*
 * versions.c - the store's side of record versions: the immutable
 * history rows, and the version documents.
 */
#include "sq.h"

#include <string.h>

/* The texts are bound without a copy: ferry_sq__done() steps and
 * resets the statement, clearing them, before this returns. */
int ferry_sqlite__version_insert(ferry_db *db, const ferry_version_row *v,
	int64_t *id)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_version (entity, "
	    "sys_id, rkey, action, hash, parent, parent_id, payload, policy, "
	    "vendor, author, at, pack_id, source, import_id) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6, nullif(?7, 0), ?8, ?9, ?10, ?11, ?12, "
	    "nullif(?13, 0), ?14, nullif(?15, 0))", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, v->entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->sys_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v->rkey, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, v->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, v->hash, -1, SQLITE_STATIC);
	ferry_sq__bind_text(st, 6, v->parent);
	sqlite3_bind_int64(st, 7, v->parent_id);
	/* Its length when known: measuring 600 bytes a record was 2% of a
	 * record load. */
	sqlite3_bind_text(st, 8, v->payload, v->payload_len ?
		(int)v->payload_len : -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, v->policy, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 10, v->vendor ? 1 : 0);
	sqlite3_bind_text(st, 11, v->author, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, v->at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, v->pack_id);
	sqlite3_bind_text(st, 14, v->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 15, v->import_id);
	if ((error = ferry_sq__done(db, st, "writing a version")) < 0)
		return error;
	if (id)
		*id = sqlite3_last_insert_rowid(SQ(db)->conn);
	return 0;
}

static int version_row(ferry_db *db, sqlite3_stmt *st, ferry_version_ref *out)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		ferry_str_clear(&out->hash);
		ferry_str_clear(&out->action);
		ferry_str_clear(&out->payload);
		ferry_str_puts(&out->hash, (const char *)sqlite3_column_text(st, 1));
		ferry_str_puts(&out->action,
			(const char *)sqlite3_column_text(st, 2));
		ferry_str_puts(&out->payload,
			(const char *)sqlite3_column_text(st, 3));
	}
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, "reading versions");
	if (ferry_str_failed(&out->hash) || ferry_str_failed(&out->action) ||
	    ferry_str_failed(&out->payload))
		return ferry__oom(db);
	return 0;
}

int ferry_sqlite__version_latest(ferry_db *db, const char *entity,
	const char *sys_id, ferry_version_ref *out)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT id, hash, action, '' "
	    "FROM ferry_version WHERE entity = ?1 AND sys_id = ?2 "
	    "ORDER BY id DESC LIMIT 1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, sys_id, -1, SQLITE_TRANSIENT);
	return version_row(db, st, out);
}

int ferry_sqlite__version_find(ferry_db *db, const char *entity,
	const char *sys_id, const char *hash, ferry_version_ref *out)
{
	sqlite3_stmt *st;
	int error, rc, distinct;

	/* A prefix must name one content: versions sharing a hash are the
	 * same content, so count distinct hashes. */
	if ((error = ferry_sq__prepare(db, "SELECT count(DISTINCT hash) FROM "
	    "ferry_version WHERE entity = ?1 AND sys_id = ?2 AND "
	    "substr(hash, 1, length(?3)) = ?3", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, sys_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	distinct = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	ferry_sq__reset(st);
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, "reading versions");
	if (distinct == 0)
		return FERRY_ENOTFOUND;
	if (distinct > 1)
		return ferry__error(db, FERRY_EINVALID, "version '%s' is "
			"ambiguous for this record; give more of its hash",
			hash);
	if ((error = ferry_sq__prepare(db, "SELECT id, hash, action, "
	    VERSION_PAYLOAD("v") " FROM ferry_version v WHERE entity = ?1 "
	    "AND sys_id = ?2 AND "
	    "substr(hash, 1, length(?3)) = ?3 ORDER BY id DESC LIMIT 1",
	    &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, sys_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_TRANSIENT);
	return version_row(db, st, out);
}

int ferry_sqlite__version_parent(ferry_db *db, int64_t id, int64_t *parent)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT coalesce(parent_id, 0) FROM "
	    "ferry_version WHERE id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	*parent = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	ferry_sq__reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
		ferry_sq__error(db, rc, "reading versions");
}

int ferry_sqlite__version_each(ferry_db *db, const char *entity,
	const char *sys_id, ferry_version_cb cb, void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	if ((error = ferry_sq__prepare(db, "SELECT v.hash, v.parent, "
	    "v.action, v.author, v.at, p.name, v.source, v.import_id, "
	    "v.policy, " VERSION_PAYLOAD("v") " FROM ferry_version v LEFT "
	    "JOIN ferry_pack p "
	    "ON p.id = v.pack_id WHERE v.entity = ?1 AND v.sys_id = ?2 "
	    "ORDER BY v.id", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, sys_id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_version_entry v;

		v.hash = ferry_sq__str(st, 0);
		v.parent = ferry_sq__str(st, 1);
		v.action = ferry_sq__str(st, 2);
		v.author = ferry_sq__str(st, 3);
		v.at = ferry_sq__str(st, 4);
		v.pack = ferry_sq__str(st, 5);
		v.source = ferry_sq__str(st, 6);
		v.import_id = sqlite3_column_int64(st, 7);
		v.policy = ferry_sq__str(st, 8);
		v.payload = ferry_sq__str(st, 9);
		v.payload_len = (size_t)sqlite3_column_bytes(st, 9);
		if ((error = cb(&v, payload)) != 0)
			break;
	}
	return ferry_sq__rows_end(db, st, rc, error, "reading versions");
}
