/*
 * sq.c - SQLite plumbing for the store (see sq.h).
 */
#include "sq.h"

#include "../errors.h"

#include "alloc.h"

#include <errno.h>
#include <string.h>

/*
 * Keep a statement that found every slot of its set stepping: replacing
 * one would finalize a statement a caller is reading rows from.
 */
static int spill(ferry_db *db, sqlite3_stmt *stmt)
{
	ferry_sqlite *st = SQ(db);
	sqlite3_stmt **grown;

	grown = ferry__realloc(st->spill, (st->nspill + 1) * sizeof(*grown));
	if (!grown) {
		sqlite3_finalize(stmt);
		return ferry__oom(db);
	}
	st->spill = grown;
	st->spill[st->nspill++] = stmt;
	return 0;
}

static int stepping(size_t slot, void *ctx)
{
	return sqlite3_stmt_busy(((ferry_sqlite *)ctx)->stmts[slot]);
}

int ferry_sq__prepare(ferry_db *db, const char *sql, sqlite3_stmt **out)
{
	ferry_sqlite *st = SQ(db);
	size_t set, i;
	char *copy;
	int rc;

	if ((i = ferry_stmt_cache_find(&st->cache, sql, &set)) <
	    STMT_CACHE_SIZE) {
		*out = st->stmts[i];
		return 0;
	}
	rc = sqlite3_prepare_v2(st->conn, sql, -1, out, NULL);
	if (rc != SQLITE_OK)
		return ferry_sq__error(db, rc, "prepare");
	if ((i = ferry_stmt_cache_victim(&st->cache, set, stepping, st)) ==
	    STMT_CACHE_SIZE)
		return (rc = spill(db, *out)) < 0 ? (*out = NULL, rc) : 0;
	if ((copy = ferry__strdup(sql)) == NULL) {
		sqlite3_finalize(*out);
		*out = NULL;
		return ferry__oom(db);
	}
	if (st->cache.keys[i].sql) {
		sqlite3_finalize(st->stmts[i]);
		ferry__free(st->cache.keys[i].sql);
	}
	ferry_stmt_cache_fill(&st->cache, i, copy);
	st->stmts[i] = *out;
	return 0;
}

void ferry_sq__reset(sqlite3_stmt *st)
{
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

/*
 * SQLite's result codes in ferry's words: the library's own messages
 * ("file is not a database") name nothing a user can act on.
 */
int ferry_sq__error(ferry_db *db, int rc, const char *what)
{
	sqlite3 *conn = db->store ? SQ(db)->conn : NULL;
	int sys = conn ? sqlite3_system_errno(conn) : 0;
	const char *path = db->path ? db->path : "the instance";

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ferry_store__busy(db);
	case SQLITE_NOMEM:
		return ferry__oom(db);
	case SQLITE_CONSTRAINT:
		return ferry_store__failed(db, FERRY_ECONFLICT, what,
			conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
	case SQLITE_NOTADB:
		return ferry_store__not_instance(db, path);
	case SQLITE_CORRUPT:
		return ferry__error(db, FERRY_EFORMAT, "%s is damaged (found "
			"during %s); restore it from a backup", path, what);
	case SQLITE_FULL:
		return ferry_store__full(db, what);
	case SQLITE_READONLY:
		return ferry__error(db, FERRY_EIO, "%s is read-only and %s "
			"would change it; run this where the file can be "
			"written", path, what);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		if ((rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC) &&
		    sys == ENOSPC)
			return ferry_store__full(db, what);
		return ferry__error(db, FERRY_EIO, "cannot read or write %s "
			"(during %s: %s); check the disk and the file's "
			"permissions, then try again", path, what,
			sys ? strerror(sys) : "input/output error");
	default:
		return ferry_store__failed(db, FERRY_ERROR, what,
			conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
	}
}

int ferry_sq__done(ferry_db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	ferry_sq__reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, what);
	return 0;
}

int ferry_sq__exec(ferry_db *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(SQ(db)->conn, sql, NULL, NULL, &err);

	sqlite3_free(err);
	return rc == SQLITE_OK ? 0 : ferry_sq__error(db, rc, "update");
}

int ferry_sq__text(ferry_db *db, sqlite3_stmt *st, ferry_str *out)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		ferry_str_put(out, t ? (const char *)t : "",
			t ? (size_t)sqlite3_column_bytes(st, 0) : 0);
		ferry_sq__reset(st);
		if (ferry_str_failed(out))
			return ferry__oom(db);
		return 0;
	}
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	return ferry_sq__error(db, rc, "query");
}

void ferry_sq__ident(ferry_str *s, const char *name)
{
	ferry_str_putc(s, '"');
	for (; *name; name++) {
		if (*name == '"')
			ferry_str_putc(s, '"');
		ferry_str_putc(s, *name);
	}
	ferry_str_putc(s, '"');
}

int ferry_sq__bind_text(sqlite3_stmt *st, int i, const char *text)
{
	if (!text)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
}

void ferry_sq__copy(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;

	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, t, n);
	dst[n] = '\0';
}

const char *ferry_sq__str(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

int ferry_sq__rows_end(ferry_db *db, sqlite3_stmt *st, int rc, int error,
	const char *what)
{
	ferry_sq__reset(st);
	if (error)
		return error;
	return rc == SQLITE_DONE ? 0 : ferry_sq__error(db, rc, what);
}

typedef struct {
	int (*cb)(const char *text, void *payload);
	void *payload;
} each_text_state;

static int each_text_line(const char *text, size_t len, void *payload)
{
	each_text_state *e = payload;

	(void)len;
	return e->cb(text, e->payload);
}

int ferry_sq__each_text(ferry_db *db, const char *sql, int64_t param,
	int (*cb)(const char *text, void *payload), void *payload,
	const char *what)
{
	each_text_state e = { cb, payload };

	return ferry_sq__each_line(db, sql, param, each_text_line, &e, what);
}

int ferry_sq__each_line(ferry_db *db, const char *sql, int64_t param,
	int (*cb)(const char *text, size_t len, void *payload), void *payload,
	const char *what)
{
	sqlite3_stmt *st = NULL;
	int rc, error = 0;

	rc = sqlite3_prepare_v2(SQ(db)->conn, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return ferry_sq__error(db, rc, what);
	sqlite3_bind_int64(st, 1, param);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((error = cb((const char *)sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), payload)) != 0)
			break;
	sqlite3_finalize(st);
	if (!error && rc != SQLITE_DONE && rc != SQLITE_ROW)
		error = ferry_sq__error(db, rc, what);
	return error;
}
