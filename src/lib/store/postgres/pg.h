/*
 * pg.h - the PostgreSQL backend's own header, shared by its files and by
 * nothing else: its operations (store_ops.h as ferry_pg__NAME()), the
 * connection, a prepared-statement cache, error mapping, identifier
 * quoting and the lent functions run on the client.
 *
 * The layout (docs/postgresql.md): an instance is one database; its
 * tables live in the schema "ferry" of that database, every text column
 * collated "C" so that ordering is by bytes, as on SQLite.  Values
 * travel as text both ways: a record's canonical payload is stored and
 * read back as the same bytes, so hashes agree across stores.
 */
#ifndef FERRY_STORE_PG_H
#define FERRY_STORE_PG_H

#include "../stmt_cache.h"
#include "../store.h"

#include "pq.h"

/* The schema that holds an instance inside its database. */
#define PG_SCHEMA "ferry"

/* The keys of the advisory lock every writer of an instance takes:
 * one instance is one database, and advisory locks are per database. */
#define PG_WRITER_KEYS "1718773106, 1"

/* A text column, compared and sorted by bytes like SQLite's. */
#define PG_TEXT "text COLLATE \"C\""

/* A version's payload: its own, or, for a version an import's commit
 * wrote set-wise, the payload load staged, which it names by its staged
 * key (schema.c, 15 -> 16; as sqlite/sq.h's VERSION_PAYLOAD()).  Every
 * reader of a version's payload goes through it. */
#define PG_VERSION_PAYLOAD(v) "(CASE WHEN " v ".payload_k IS NULL THEN " v \
	".payload ELSE (SELECT vp.payload FROM ferry_version_payload vp " \
	"WHERE vp.k = " v ".payload_k) END)"

/* The system columns every entity table has, user or system entity. */
#define PG_SYS_COLUMNS \
	"sys_id " PG_TEXT " PRIMARY KEY NOT NULL," \
	"sys_created_at " PG_TEXT " NOT NULL," \
	"sys_created_by " PG_TEXT " NOT NULL," \
	"sys_updated_at " PG_TEXT " NOT NULL," \
	"sys_updated_by " PG_TEXT " NOT NULL," \
	"sys_policy " PG_TEXT " NOT NULL DEFAULT 'open' CHECK (sys_policy " \
	"IN ('open','changed','protected'))," \
	"sys_vendor bigint NOT NULL DEFAULT 0," \
	"sys_version " PG_TEXT " NOT NULL"

typedef struct ferry_pg {
	PGconn *conn;
	char *where;		/* the location without its password */
	int depth;		/* transaction nesting */
	int writing;		/* the transaction holds the writer's lock */
	int64_t own_changes;	/* write transactions this connection ended */
	int batch;		/* inside a schema batch */
	const ferry_store_function *fns;	/* lent by the library */
	size_t nfns;
	unsigned next_name;	/* names of prepared statements */
	ferry_stmt_cache cache;	/* prepared statements by SQL text */
	char names[STMT_CACHE_SIZE][16];	/* ... the cache's slots' */
} ferry_pg;

/* The backend's connection of an open instance. */
#define PG(db) ((ferry_pg *)(db)->store)

/* The backend's operations: ferry_pg__NAME() for each of store_ops.h. */
#define FERRY_STORE_OP(ret, op, params, args) ret ferry_pg__##op params;
#define FERRY_STORE_VOID_OP(op, params, args) void ferry_pg__##op params;
#define FERRY_STORE_OWN_OP(ret, op, params) ret ferry_pg__##op params;
#include "../store_ops.h"
#undef FERRY_STORE_OP
#undef FERRY_STORE_VOID_OP
#undef FERRY_STORE_OWN_OP

/*
 * Run sql with n text parameters ($1..$n; NULL for SQL NULL) as a
 * prepared statement of this connection (prepared once, on first use).
 * With out, the result is handed over (PQclear() it); without, a
 * command's result is dropped.  A failure sets the error, naming the
 * work as `what`, and returns its code.
 */
int ferry_pg__query(ferry_db *db, const char *sql, int n,
	const char *const *params, PGresult **out, const char *what);
/* As ferry_pg__query() for a query of one row: FERRY_ENOTFOUND (no
 * message set) when there is none; *out is then NULL. */
int ferry_pg__one(ferry_db *db, const char *sql, int n,
	const char *const *params, PGresult **out, const char *what);
/*
 * Run a query and hand each row (res, row) to cb; a non-zero return
 * from cb stops and is returned.  The result is read whole before the
 * first call, so cb may run other statements.
 */
typedef int (*ferry_pg_row_cb)(const PGresult *res, int row, void *payload);
int ferry_pg__each(ferry_db *db, const char *sql, int n,
	const char *const *params, ferry_pg_row_cb cb, void *payload,
	const char *what);
/* Run SQL text without parameters (several statements allowed). */
int ferry_pg__exec(ferry_db *db, const char *sql);
/* As ferry_pg__query() for a command: how many rows it changed. */
int ferry_pg__command(ferry_db *db, const char *sql, int n,
	const char *const *params, int64_t *changed, const char *what);
/* Record a failed result (or connection, when res is NULL): maps the
 * SQLSTATE to a FERRY_E* code, sets the message.  Does not clear res. */
int ferry_pg__error(ferry_db *db, const PGresult *res, const char *what);
/* Append "name" with embedded quotes doubled. */
void ferry_pg__ident(ferry_str *s, const char *name);

/* Append a value in COPY's text form (\N for null). */
void ferry_pg__copy_value(ferry_str *out, const char *v, size_t n, int null);

/* Undo COPY's text escapes in place (\t, \n, \\, octal, ...); the
 * value's new length. */
size_t ferry_pg__copy_unescape(char *s);

/* Send rows (COPY text) through one COPY statement: 0, or -1 with the
 * refusing answer in *bad (NULL when the connection failed).  Touches
 * only the connection, so that a thread of its own may run it. */
int ferry_pg__copy_send(PGconn *conn, const char *sql, const ferry_str *rows,
	PGresult **bad);
/* Column text, NULL for SQL NULL; valid until the result is cleared. */
const char *ferry_pg__str(const PGresult *r, int row, int col);
/* Column as an integer (0 for NULL). */
int64_t ferry_pg__int(const PGresult *r, int row, int col);
/* Copy column text into a fixed buffer (empty for NULL). */
void ferry_pg__copy(char *dst, size_t size, const PGresult *r, int row,
	int col);

/* An integer parameter's text. */
typedef struct {
	char text[24];
} ferry_pg_num;
const char *ferry_pg__num(ferry_pg_num *buf, int64_t v);

/*
 * Run the lent function `name` on the client with n text arguments
 * (NULL for NULL) and append its text result to out; *is_null (may be
 * NULL) tells a NULL result.  An integer result is appended as text.
 */
int ferry_pg__call(ferry_db *db, const char *name, int n,
	const char *const *args, ferry_str *out, int *is_null);

/*
 * ferry_pg__call() with the SQL type of each argument as SQLite would
 * hand it (types[i] FERRY_STORE_NULL: text, as every argument of
 * ferry_pg__call() is).
 */
int ferry_pg__call_typed(ferry_db *db, const char *name, int n,
	const char *const *args, const ferry_store_type *types,
	ferry_str *out, int *is_null);

/* schema.c: make a new instance's schema; whether an open one is behind
 * this ferry's (newer or unknown refused); run the steps it lacks (both
 * inside the caller's write transaction). */
int ferry_pg__schema_create(ferry_db *db);
int ferry_pg__schema_behind(ferry_db *db, int *behind);
int ferry_pg__schema_upgrade(ferry_db *db);
/* database.c: run those steps for an open or restored instance. */
int ferry_pg__bring_up_to_date(ferry_db *db);

#endif
