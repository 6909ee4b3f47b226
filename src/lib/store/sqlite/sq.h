/*
 * sq.h - the SQLite backend's own header, shared by its files and by
 * nothing else: its operations (store_ops.h as ferry_sqlite__NAME()),
 * the connection, a prepared-statement cache, error mapping and
 * identifier quoting.
 */
#ifndef FERRY_STORE_SQ_H
#define FERRY_STORE_SQ_H

#include "../stmt_cache.h"
#include "../store.h"

#include <sqlite3.h>


/* The system columns every entity table has, user or system entity:
 * the policy checked by comparisons, not an IN list (schema.c, 11 ->
 * 12). */
#define SYS_COLUMNS \
	"sys_id TEXT PRIMARY KEY NOT NULL," \
	"sys_created_at TEXT NOT NULL," \
	"sys_created_by TEXT NOT NULL," \
	"sys_updated_at TEXT NOT NULL," \
	"sys_updated_by TEXT NOT NULL," \
	"sys_policy TEXT NOT NULL DEFAULT 'open' CHECK (sys_policy = " \
	"'open' OR sys_policy = 'changed' OR sys_policy = 'protected')," \
	"sys_vendor INTEGER NOT NULL DEFAULT 0," \
	"sys_version TEXT NOT NULL"

/* A table created inside a schema batch, not yet in SQLite. */
typedef struct {
	char *name;
	ferry_str columns;	/* ", \"a\", \"b\"" */
} ferry_pending_table;

typedef struct ferry_sqlite {
	sqlite3 *conn;
	int depth;		/* transaction nesting */
	int batch;		/* inside a schema batch (catalog.c) */
	int commit_fast;	/* temp.ferry_commit_fast exists (imports.c) */
	ferry_pending_table *pending;
	size_t npending;
	ferry_stmt_cache cache;	/* prepared statements by SQL text */
	sqlite3_stmt *stmts[STMT_CACHE_SIZE];	/* ... the cache's slots' */
	/* Statements prepared while every slot of their set was in the
	 * middle of a step: finalized at close. */
	sqlite3_stmt **spill;
	size_t nspill;
	/* In a bulk step: the thread writing its log back (writeback.c). */
	struct ferry_sq_writeback *writeback;
} ferry_sqlite;

/* Start (if not running) and stop the writing back of a bulk step's
 * log (writeback.c): an optimisation, so starting never fails.  Stopping
 * waits for a checkpoint under way. */
void ferry_sqlite__writeback_start(ferry_db *db);
void ferry_sqlite__writeback_stop(ferry_db *db);
/* Copy what a bulk step committed into the database file, beside the
 * step (writeback.c); nothing outside a bulk step. */
void ferry_sqlite__writeback_checkpoint(ferry_db *db);

/* A version's payload, v its alias: in its own row, or for a version a
 * commit wrote from the package as it was staged, in the staged row it
 * names (schema.c, 14 -> 15). */
#define VERSION_PAYLOAD(v) "(CASE WHEN " v ".payload_k IS NULL THEN " v \
	".payload ELSE (SELECT vp.payload FROM ferry_version_payload vp " \
	"WHERE vp.k = " v ".payload_k) END)"

/* "INSERT INTO entity (sys_id, the system columns, fs's fields)" of a
 * record row (records.c), for VALUES or a SELECT to follow. */
void ferry_sqlite__record_insert_into(ferry_str *sql, const char *entity,
	const ferry_fieldset *fs);

/* The backend's connection of an open instance. */
#define SQ(db) ((ferry_sqlite *)(db)->store)

/* The backend's operations: ferry_sqlite__NAME() for each of store_ops.h. */
#define FERRY_STORE_OP(ret, op, params, args) ret ferry_sqlite__##op params;
#define FERRY_STORE_VOID_OP(op, params, args) void ferry_sqlite__##op params;
#define FERRY_STORE_OWN_OP(ret, op, params) ret ferry_sqlite__##op params;
#include "../store_ops.h"
#undef FERRY_STORE_OP
#undef FERRY_STORE_VOID_OP
#undef FERRY_STORE_OWN_OP

/* A cached statement, reset and unbound; do not finalize it.  Statements
 * are shared: a caller must finish with one (ferry_sq__reset) before
 * anything it calls prepares the same text. */
int ferry_sq__prepare(ferry_db *db, const char *sql, sqlite3_stmt **out);
/* Capture a new record's first version in a pack (pack_capture of a
 * record that has no item there and no base: no lookups). */
int ferry_sq__capture_new(ferry_db *db, int64_t pack_id, const char *entity,
	const char *sys_id, int64_t version_id);
void ferry_sq__reset(sqlite3_stmt *st);
/* Record a database failure: maps SQLite's code, sets the message. */
int ferry_sq__error(ferry_db *db, int rc, const char *what);
/* Step a statement that returns no rows, then reset it. */
int ferry_sq__done(ferry_db *db, sqlite3_stmt *st, const char *what);
/* Run SQL text without parameters. */
int ferry_sq__exec(ferry_db *db, const char *sql);
/* Step once and append column 0 as text to out ("" for NULL); reset. */
int ferry_sq__text(ferry_db *db, sqlite3_stmt *st, ferry_str *out);
/* Append "name" with embedded quotes doubled. */
void ferry_sq__ident(ferry_str *s, const char *name);
/*
 * Run a query with one integer parameter (?1) and hand column 0 of each
 * row, as text, to cb; a non-zero return from cb stops and is returned.
 * Not cached, so cb may run other statements.  `what` names the work in
 * a database error.
 */
int ferry_sq__each_text(ferry_db *db, const char *sql, int64_t param,
	int (*cb)(const char *text, void *payload), void *payload,
	const char *what);
/* As ferry_sq__each_text(), handing cb the text's length too (item
 * lines built in SQL). */
int ferry_sq__each_line(ferry_db *db, const char *sql, int64_t param,
	int (*cb)(const char *text, size_t len, void *payload), void *payload,
	const char *what);
/* Bind a text parameter or NULL. */
int ferry_sq__bind_text(sqlite3_stmt *st, int i, const char *text);
/* Copy column text into a fixed buffer (empty for NULL). */
void ferry_sq__copy(char *dst, size_t size, sqlite3_stmt *st, int col);
/* Column text, NULL for SQL NULL; valid until the next step or reset. */
const char *ferry_sq__str(sqlite3_stmt *st, int col);
/*
 * Finish a loop handing rows to a callback: rc is the last step's
 * result, error the callback's (non-zero stops the loop).  Resets st;
 * returns error, or the database's failure named by `what`, or 0.
 */
int ferry_sq__rows_end(ferry_db *db, sqlite3_stmt *st, int rc, int error,
	const char *what);

#endif
