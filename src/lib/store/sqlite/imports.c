/*
 * imports.c - the store's side of imports, part one: the helpers the
 * import files share, the import row, staging and checking a package's
 * items at load, reading items back, and the listings (see store.h,
 * "imports").
 *
 * Per-item JSON work runs inside SQLite (->, ->>, json_each and the
 * library's functions, store.h), one statement per check or entity:
 * that is what keeps the load and preview of a million items within
 * seconds.  The one pass in C is staging, which reads each line once as
 * json1 would (stage_line.c) while the reader hands it over.  Entity and field names
 * reach SQL text only through ferry_sq__ident() or
 * ferry_imports__literal(), after ferry_entity_ok()/ferry_field_ok() or
 * the catalog accepted them.
 */
#include "imports.h"
#include "../stage_line.h"
#include "../import_checks.h"

#include "alloc.h"

#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------- */

void ferry_imports__literal_of(ferry_str *s, const ferry_str *text)
{
	/* A text that failed to build fails the statement, which is then
	 * never run half-built. */
	if (ferry_str_failed(text))
		s->failed = 1;
	ferry_imports__literal(s, ferry_str_cstr(text));
}

/* Append a string as an SQL literal ('it''s'). */
void ferry_imports__literal(ferry_str *s, const char *text)
{
	ferry_str_putc(s, '\'');
	for (; *text; text++) {
		if (*text == '\'')
			ferry_str_putc(s, '\'');
		ferry_str_putc(s, *text);
	}
	ferry_str_putc(s, '\'');
}

/* A word and how many rows held it. */
typedef struct {
	char *word;
	int64_t n;
} tally_entry;

static int tally_order(const void *a, const void *b)
{
	return strcmp(((const tally_entry *)a)->word,
		((const tally_entry *)b)->word);
}

/* Count row's word into *t (*n entries), adding it when new. */
static int tally_add(tally_entry **t, size_t *n, const char *word)
{
	tally_entry *grown;
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*t)[i].word, word)) {
			(*t)[i].n++;
			return 0;
		}
	if ((grown = ferry__realloc(*t, (*n + 1) * sizeof(**t))) == NULL)
		return -1;
	*t = grown;
	if ((grown[*n].word = ferry__strdup(word)) == NULL)
		return -1;
	grown[(*n)++].n = 1;
	return 0;
}

/*
 * Counted here rather than by GROUP BY: SQLite groups by sorting every
 * row, and its sorter holds up to the page cache's size in memory, so a
 * count over a million plan rows took 35 MB more than over 100,000
 * (docs/performance.md).  The words are few (decisions, outcomes,
 * problem kinds), so a list found by strcmp is all the table needed.
 */
int ferry_imports__counts(ferry_db *db, sqlite3_stmt *st,
	int (*cb)(const char *word, int64_t n, void *payload), void *payload)
{
	tally_entry *t = NULL;
	size_t n = 0, i;
	int error = 0, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *word = (const char *)sqlite3_column_text(st, 0);

		/* (The counted columns are NOT NULL or coalesced.) */
		if (word && tally_add(&t, &n, word) < 0) {
			error = ferry__oom(db);
			break;
		}
	}
	error = ferry_sq__rows_end(db, st, rc, error, "reading an import");
	if (error == 0 && n > 1)
		qsort(t, n, sizeof(*t), tally_order);
	for (i = 0; i < n && error == 0; i++)
		error = cb(t[i].word, t[i].n, payload);
	for (i = 0; i < n; i++)
		ferry__free(t[i].word);
	ferry__free(t);
	return error;
}

int ferry_imports__numbers(ferry_db *db, sqlite3_stmt *st,
	int (*each)(int64_t n, void *payload), void *payload,
	const char *what)
{
	int error = 0, rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((error = each(sqlite3_column_int64(st, 0), payload)) != 0)
			break;
	return ferry_sq__rows_end(db, st, rc, error, what);
}

/* Prepare a statement that is not cached (dynamic or long-running);
 * sql is consumed. */
int ferry_imports__prepare(ferry_db *db, ferry_str *sql, sqlite3_stmt **st,
	const char *what)
{
	int rc, error = 0;

	*st = NULL;
	if (ferry_str_failed(sql)) {
		error = ferry__oom(db);
	} else {
		rc = sqlite3_prepare_v2(SQ(db)->conn, sql->ptr, -1, st,
			NULL);
		if (rc != SQLITE_OK)
			error = ferry_sq__error(db, rc, what);
	}
	ferry_str_dispose(sql);
	return error;
}

/* Run a statement built in sql (consumed), binding ?1 = id and ?2 =
 * text2. */
int ferry_imports__run_sql(ferry_db *db, ferry_str *sql, int64_t id,
	const char *text2, const char *what)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_imports__prepare(db, sql, &st, what)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	if (text2)
		sqlite3_bind_text(st, 2, text2, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 :
		ferry_sq__error(db, rc, what);
}

/* Run cached SQL binding ?1 = id (and ?2 = text2 when not NULL). */
int ferry_imports__run(ferry_db *db, const char *sql, int64_t id,
	const char *text2, const char *what)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, sql, &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	if (text2)
		sqlite3_bind_text(st, 2, text2, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, what);
}

int ferry_imports__count(ferry_db *db, const char *sql, int64_t id,
	const char *text2, int64_t *n, const char *what)
{
	sqlite3_stmt *st;
	int error, rc;

	*n = 0;
	if ((error = ferry_sq__prepare(db, sql, &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, text2, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	ferry_sq__reset(st);
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc, what);
}

static char *col_dup(sqlite3_stmt *st, int col, int *failed)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	char *s;

	if (!t)
		return NULL;
	s = ferry__strndup((const char *)t,
		(size_t)sqlite3_column_bytes(st, col));
	if (!s)
		*failed = 1;
	return s;
}

int ferry_imports__item_row(ferry_db *db, sqlite3_stmt *st,
	ferry_import_item *it)
{
	int failed = 0;

	ferry_import_item_dispose(it);
	it->item = sqlite3_column_int64(st, 0);
	it->t = col_dup(st, 1, &failed);
	it->entity = col_dup(st, 2, &failed);
	it->sys_id = col_dup(st, 3, &failed);
	it->rkey = col_dup(st, 4, &failed);
	it->action = col_dup(st, 5, &failed);
	it->version = col_dup(st, 6, &failed);
	it->base = col_dup(st, 7, &failed);
	it->policy = col_dup(st, 8, &failed);
	it->vendor = sqlite3_column_int(st, 9);
	it->payload = col_dup(st, 10, &failed);
	it->old = col_dup(st, 11, &failed);
	it->body = col_dup(st, 12, &failed);
	it->body_len = (size_t)sqlite3_column_bytes(st, 12);
	it->target_id = col_dup(st, 13, &failed);
	it->target_version = col_dup(st, 14, &failed);
	it->target_policy = col_dup(st, 15, &failed);
	it->decision = col_dup(st, 16, &failed);
	it->act = col_dup(st, 17, &failed);
	it->resolution = col_dup(st, 18, &failed);
	it->merged = col_dup(st, 19, &failed);
	it->whole = sqlite3_column_int(st, 20);
	return failed ? ferry__oom(db) : 0;
}

int ferry_imports__item_one(ferry_db *db, sqlite3_stmt *st,
	ferry_import_item *out, const char *what)
{
	int rc = sqlite3_step(st), error = 0;

	if (rc == SQLITE_ROW)
		error = ferry_imports__item_row(db, st, out);
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, what);
	return error;
}

/* ---- the import row ------------------------------------------------------ */

int ferry_sqlite__import_get(ferry_db *db, int64_t id, ferry_import_row *out)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT id, state, mode, stamp, "
	    "pack_uid, items FROM ferry_import WHERE id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		ferry_sq__copy(out->state, sizeof(out->state), st, 1);
		ferry_sq__copy(out->mode, sizeof(out->mode), st, 2);
		ferry_sq__copy(out->stamp, sizeof(out->stamp), st, 3);
		ferry_sq__copy(out->pack_uid, sizeof(out->pack_uid), st, 4);
		out->items = sqlite3_column_int64(st, 5);
	}
	ferry_sq__reset(st);
	if (rc == SQLITE_DONE)
		return FERRY_ENOTFOUND;
	return rc == SQLITE_ROW ? 0 : ferry_sq__error(db, rc,
		"reading imports");
}

int ferry_sqlite__import_create(ferry_db *db, const ferry_import_new *n,
	int64_t *id)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT INTO ferry_import (state, "
	    "file, header, kind, mode, pack_uid, pack_name, source_id, "
	    "source_name, stamp, items, loaded_by, loaded_at) VALUES "
	    "('loaded', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '', 0, ?9, ?10)",
	    &st)) < 0)
		return error;
	ferry_sq__bind_text(st, 1, n->file);
	ferry_sq__bind_text(st, 2, n->header);
	ferry_sq__bind_text(st, 3, n->kind);
	ferry_sq__bind_text(st, 4, n->mode);
	ferry_sq__bind_text(st, 5, n->pack_uid);
	ferry_sq__bind_text(st, 6, n->pack_name);
	ferry_sq__bind_text(st, 7, n->source_id);
	ferry_sq__bind_text(st, 8, n->source_name);
	ferry_sq__bind_text(st, 9, n->by);
	ferry_sq__bind_text(st, 10, n->at);
	if ((error = ferry_sq__done(db, st, "creating an import")) < 0)
		return error;
	*id = sqlite3_last_insert_rowid(SQ(db)->conn);
	return 0;
}

/*
 * What a plan depends on, in one value: every change to records and the
 * catalog writes a version, every change to formulas and data sets a
 * definition version or a status (docs/import.md, "Commit").
 */
#define PLAN_MARK "(SELECT coalesce(max(id), 0) FROM ferry_version) || " \
	"'/' || (SELECT count(*) || '.' || coalesce(max(rowid), 0) FROM " \
	"ferry_definition_version WHERE status = 'draft') || '/' || (SELECT " \
	"count(*) FROM ferry_definition_version) || '/' || (SELECT " \
	"coalesce(max(id), 0) FROM ferry_definition)"

int ferry_sqlite__import_mark_plan(ferry_db *db, int64_t id, int current)
{
	return ferry_imports__run(db, current ? "UPDATE ferry_import SET "
		"plan_mark = " PLAN_MARK " WHERE id = ?1" : "UPDATE "
		"ferry_import SET plan_mark = NULL WHERE id = ?1", id, NULL,
		"planning");
}

int ferry_sqlite__import_plan_current(ferry_db *db, int64_t id, int *current)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, "SELECT plan_mark IS NOT NULL AND "
	    "plan_mark = " PLAN_MARK " FROM ferry_import WHERE id = ?1",
	    &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	*current = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	ferry_sq__reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
		ferry_sq__error(db, rc, "reading an import");
}

int ferry_sqlite__import_set_state(ferry_db *db, int64_t id,
	const char *state, const char *by, const char *at,
	const char *backup)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "UPDATE ferry_import SET state = "
	    "?2, previewed_at = CASE ?2 WHEN 'previewed' THEN ?4 ELSE "
	    "previewed_at END, committed_by = CASE ?2 WHEN 'committed' THEN "
	    "?3 ELSE committed_by END, committed_at = CASE ?2 WHEN "
	    "'committed' THEN ?4 ELSE committed_at END, backup = CASE ?2 "
	    "WHEN 'committed' THEN ?5 ELSE backup END, backed_out_by = CASE "
	    "?2 WHEN 'backed_out' THEN ?3 ELSE backed_out_by END, "
	    "backed_out_at = CASE ?2 WHEN 'backed_out' THEN ?4 ELSE "
	    "backed_out_at END WHERE id = ?1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	ferry_sq__bind_text(st, 2, state);
	ferry_sq__bind_text(st, 3, by);
	ferry_sq__bind_text(st, 4, at);
	ferry_sq__bind_text(st, 5, backup);
	return ferry_sq__done(db, st, "updating an import");
}

/*
 * Which records a commit writes set-wise, and the parent of each one's
 * new version, live only as long as the commit's transaction, so they
 * are kept in a temporary table of the connection: outside the
 * instance's file, they cost no page of its write-ahead log and none of
 * the checkpoint after it.  (Marked in ferry_import_plan, they were 288
 * of the 2,255 pages a populated 1M commit wrote an entity,
 * docs/performance.md.)  A rolled back transaction takes back its
 * rows, and the table too if it created it, so the flag that says the
 * table exists is cleared then (database.c) and it is asked for again.
 */
int ferry_imports__commit_fast(ferry_db *db)
{
	int error;

	if (SQ(db)->commit_fast)
		return 0;
	if ((error = ferry_sq__exec(db, "CREATE TEMP TABLE IF NOT EXISTS "
	    "ferry_commit_fast (k INTEGER PRIMARY KEY, before_id INTEGER, "
	    "before_hash TEXT)")) < 0)
		return error;
	SQ(db)->commit_fast = 1;
	return 0;
}

/* The payloads of import ?1's items that commit did not write: all but
 * those of the records it wrote set-wise (fast) and those whose outcome
 * says it wrote them (store.h). */
#define DROP_UNKEPT "DELETE FROM ferry_version_payload WHERE " \
	STAGED_OF_IMPORT " AND NOT " IS_FAST("ferry_version_payload.k") \
	" AND NOT EXISTS (SELECT 1 FROM ferry_import_outcome o WHERE " \
	"o.import_id = ?1 AND o.item = ferry_version_payload.k - ?1 * " \
	"4294967296 AND o.outcome IN " FERRY_OUTCOMES_WRITTEN_SQL ")"

/*
 * The staged values go, the items stay as they are, and so do the
 * payloads versions kept.  When no other import has any staged values,
 * their table is emptied whole: a DELETE without WHERE is SQLite's
 * truncation, which frees the table's pages without reading its rows.
 */
static int drop_staged(ferry_db *db, int64_t id)
{
	sqlite3_stmt *st;
	int error, rc, others;

	if ((error = ferry_imports__commit_fast(db)) < 0 ||
	    (error = ferry_imports__run(db, DROP_UNKEPT, id, NULL,
	    "committing")) < 0 ||
	    (error = ferry_sq__exec(db, "DELETE FROM "
	    "temp.ferry_commit_fast")) < 0)
		return error;

	if ((error = ferry_sq__prepare(db, "SELECT EXISTS (SELECT 1 FROM "
	    "ferry_import_payload WHERE k < ?1 * 4294967296) OR EXISTS "
	    "(SELECT 1 FROM ferry_import_payload WHERE k > ?1 * 4294967296 "
	    "+ 4294967295)", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	others = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	ferry_sq__reset(st);
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, "committing");
	if (others)
		return ferry_imports__run(db, "DELETE FROM ferry_import_payload "
			"WHERE " STAGED_OF_IMPORT, id, NULL, "committing");
	return ferry_sq__exec(db, "DELETE FROM ferry_import_payload");
}

/* The staged values of entity's items that the commit wrote.  (Their
 * payloads stay: kept by the versions written set-wise, and beside the
 * version of each written one by one.) */
static int drop_written(ferry_db *db, int64_t id, const char *entity)
{
	return ferry_imports__run(db, "DELETE FROM ferry_import_payload WHERE "
		"k IN (SELECT " STAGED_KEY("i.import_id", "i.item") " FROM "
		"ferry_import_item i JOIN ferry_import_plan p ON p.import_id = "
		"i.import_id AND p.item = i.item WHERE i.import_id = ?1 AND "
		"i.t = 'record' AND i.entity = ?2 AND p.act IN ('insert',"
		"'update','merge'))", id, entity, "committing");
}

/* drop_staged() in drop()'s signature (the entity unused). */
static int drop_all(ferry_db *db, int64_t id, const char *entity)
{
	(void)entity;
	return drop_staged(db, id);
}

/*
 * SQLite as Debian builds it zeroes every freed page (secure_delete),
 * and each zeroed page is one more page through the journal: two fifths
 * more page writes for a whole commit of 20,000 items, to wipe copies of
 * payloads that live on in ferry_version in the same file.  FAST clears
 * what is deleted inside the pages written anyway and leaves freed pages
 * as they are; the connection's setting is put back afterwards.
 */
static int delete_fast(ferry_db *db, int (*drop)(ferry_db *db, int64_t id,
	const char *entity), int64_t id, const char *entity)
{
	sqlite3_stmt *st;
	char pragma[40];
	int error, rc, mode;

	if ((error = ferry_sq__prepare(db, "PRAGMA secure_delete", &st)) < 0)
		return error;
	rc = sqlite3_step(st);
	mode = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	ferry_sq__reset(st);
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, "committing");
	if ((error = ferry_sq__exec(db, "PRAGMA secure_delete = FAST")) < 0)
		return error;
	error = drop(db, id, entity);
	snprintf(pragma, sizeof(pragma), "PRAGMA secure_delete = %d", mode);
	if ((rc = ferry_sq__exec(db, pragma)) < 0 && error == 0)
		error = rc;
	return error;
}

int ferry_sqlite__import_unstage(ferry_db *db, int64_t id)
{
	return delete_fast(db, drop_all, id, NULL);
}

/*
 * The pages an entity's staged values free inside the commit's
 * transaction are the first its next writes take (SQLite reuses freed
 * pages at once), so an instance grows by the records and versions a
 * commit writes, not by those and the staging too.
 */
int ferry_sqlite__import_unstage_written(ferry_db *db, int64_t id,
	const char *entity)
{
	return delete_fast(db, drop_written, id, entity);
}

/* ---- load ---------------------------------------------------------------- */

int ferry_sqlite__import_last_arrived(ferry_db *db, int64_t id)
{
	return ferry_imports__run(db, "UPDATE ferry_import_payload AS s SET "
		"base = (SELECT v.hash FROM ferry_version v WHERE v.entity = "
		"i.entity AND v.sys_id = i.sys_id AND v.source = 'import' "
		"ORDER BY v.id DESC LIMIT 1) FROM ferry_import_item i WHERE "
		"i.import_id = ?1 AND i.t = 'record' AND i.entity NOT IN "
		CATALOG_ENTITIES " AND s.k = " STAGED_KEY("i.import_id",
		"i.item"), id, NULL, "loading");
}

/*
 * One item, its line read once by the library as json1 reads it
 * (stage_line.c) and judged on its own (stage_code, stage_system),
 * stored: the keys and a record's reference values in
 * ferry_import_item (STAGE_ITEM), the rest in ferry_import_payload
 * (STAGE_VALUES) but the seal, which the library checked as it read the
 * line and nothing reads again (a 64-digit hash a record: 66 MB of a 1M
 * load's log).  A record seen twice trips the items' unique index.
 * A statement of json1 calls a line pulled the columns out before, and
 * a CASE over the staged rows judged them: together about a quarter of
 * a load (docs/performance.md).
 */
#define STAGE_ITEM "INSERT INTO ferry_import_item (import_id, item, t, " \
	"entity, sys_id, rkey, action, stage_code, stage_system, refs) " \
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
#define STAGE_VALUES "INSERT INTO ferry_import_payload (k, import_id, " \
	"item, version, base, policy, vendor, old, body) VALUES (" \
	STAGED_KEY("?1", "?2") ", ?1, ?2, ?3, ?4, ?5, ?6, ?8, ?9)"
/* ... and a record's payload (?7 of STAGE_VALUES's columns, ?3 here) in
 * ferry_version_payload, under the same key. */
#define STAGE_PAYLOAD "INSERT INTO ferry_version_payload (k, payload) " \
	"VALUES (" STAGED_KEY("?1", "?2") ", ?3)"

struct ferry_import_stager {
	ferry_db *db;
	int64_t id;
	/* prepared once for the load */
	sqlite3_stmt *item;	/* STAGE_ITEM */
	sqlite3_stmt *values;	/* STAGE_VALUES */
	sqlite3_stmt *payload;	/* STAGE_PAYLOAD */
};

static int stager_prepare(ferry_db *db, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v3(SQ(db)->conn, sql, -1,
		SQLITE_PREPARE_PERSISTENT, st, NULL);

	return rc == SQLITE_OK ? 0 : ferry_sq__error(db, rc, "staging");
}

int ferry_sqlite__import_stager_new(ferry_import_stager **out, ferry_db *db,
	int64_t id)
{
	ferry_import_stager *s;
	int error;

	*out = NULL;
	if ((s = ferry__calloc(1, sizeof(*s))) == NULL)
		return ferry__oom(db);
	s->db = db;
	s->id = id;
	if ((error = stager_prepare(db, STAGE_ITEM, &s->item)) < 0 ||
	    (error = stager_prepare(db, STAGE_VALUES, &s->values)) < 0 ||
	    (error = stager_prepare(db, STAGE_PAYLOAD, &s->payload)) < 0) {
		ferry_sqlite__import_stager_free(db, s);
		return error;
	}
	*out = s;
	return 0;
}

void ferry_sqlite__import_stager_free(ferry_db *db, ferry_import_stager *s)
{
	(void)db;
	if (!s)
		return;
	sqlite3_finalize(s->item);
	sqlite3_finalize(s->values);
	sqlite3_finalize(s->payload);
	ferry__free(s);
}

/* Bind columns [from, to) of a line read to st from ?3 (?1 import, ?2
 * item); the vendor flag as an integer.  Every column is shorter than
 * an int's reach (the library reads no longer line). */
static void stage_bind(ferry_import_stager *s, sqlite3_stmt *st,
	const ferry_stage_line *sl, int64_t item, int from, int to)
{
	int c;

	sqlite3_bind_int64(st, 1, s->id);
	sqlite3_bind_int64(st, 2, item);
	for (c = from; c < to; c++) {
		int at = 3 + c - from;

		if (sl->null[c])
			sqlite3_bind_null(st, at);
		else if (c == FERRY_COL_VENDOR)
			sqlite3_bind_int(st, at, sl->col[c].ptr[0] == '1');
		else
			sqlite3_bind_text(st, at, sl->col[c].ptr,
				(int)sl->col[c].size, SQLITE_STATIC);
	}
}

static int stage_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc;
}

int ferry_sqlite__import_stage(ferry_db *db, ferry_import_stager *s,
	int64_t item, const ferry_staged_item *it)
{
	const int codes = 3 + FERRY_COL_VERSION;
	int rc;

	if (item < 0 || item > (int64_t)0xffffffff)
		return ferry__error(db, FERRY_EFORMAT, "a package of more than "
			"4294967295 items cannot be staged");
	stage_bind(s, s->item, it->line, item, 0, FERRY_COL_VERSION);
	if (it->code)
		sqlite3_bind_text(s->item, codes, it->code, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s->item, codes);
	sqlite3_bind_int(s->item, codes + 1, it->system);
	if (it->refs)
		sqlite3_bind_text(s->item, codes + 2, it->refs,
			(int)it->refs_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(s->item, codes + 2);
	if ((rc = stage_step(s->item)) == SQLITE_DONE) {
		stage_bind(s, s->values, it->line, item, FERRY_COL_VERSION,
			FERRY_COL_SEAL);
		rc = stage_step(s->values);
	}
	if (rc == SQLITE_DONE && !it->line->null[FERRY_COL_PAYLOAD]) {
		stage_bind(s, s->payload, it->line, item, FERRY_COL_PAYLOAD,
			FERRY_COL_PAYLOAD + 1);
		rc = stage_step(s->payload);
	}
	if (rc == SQLITE_DONE)
		return 0;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return FERRY_STAGE_REPEATED;
	return ferry_sq__error(db, rc, "staging an item");
}

int ferry_sqlite__import_field(ferry_db *db, int64_t id, ferry_scope scope,
	const char *entity, const char *name, const char *type)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "INSERT OR REPLACE INTO "
	    "ferry_import_field (import_id, scope, entity, name, type) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, scope);
	sqlite3_bind_text(st, 3, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, type, -1, SQLITE_TRANSIENT);
	return ferry_sq__done(db, st, "declaring a field");
}

/*
 * The first bad item and the fact that refuses it, [code, value...]
 * (the library words it, import_facts.c): its own verdict, which the
 * library judged as it staged the line (stage_code, import_verdict.c),
 * else the checks across items, last in their kinds' order.  A value is
 * handed over as found: the words quote it.
 */
#define CHECK_ITEMS "SELECT item, json_array(code, " ITEM_FACT_1 ", " \
	ITEM_FACT_2 ") FROM (SELECT i.item AS item, t, entity, sys_id, " \
	"action, (SELECT v.policy FROM ferry_import_payload v WHERE v.k = " \
	STAGED_KEY("i.import_id", "i.item") ") AS policy, rkey, " \
	ITEM_CODE " AS code FROM ferry_import_item i WHERE " \
	"i.import_id = ?1) WHERE code IS NOT NULL ORDER BY item LIMIT 1"

/* Records of a user entity the package declares no schema for. */
#define CHECK_SCHEMAS "SELECT (SELECT min(x.item) FROM ferry_import_item x " \
	"WHERE x.import_id = ?1 AND x.t = 'record' AND x.entity = e.entity), " \
	"json_array('record_without_schema', e.entity) FROM (SELECT DISTINCT " \
	"entity FROM ferry_import_item WHERE import_id = ?1 AND t = " \
	"'record' AND stage_system = 0) e WHERE NOT EXISTS (SELECT 1 FROM " \
	"ferry_import_item s WHERE s.import_id = ?1 AND s.t = 'schema' AND " \
	"s.entity = e.entity) ORDER BY 1 LIMIT 1"

/* Two catalog records or objects with one key. */
#define CHECK_KEYS "SELECT max(item), json_array('key_repeated', entity, " \
	"rkey) FROM ferry_import_item WHERE import_id = ?1 AND t = 'record' " \
	"AND stage_system <> 0 GROUP BY entity, rkey HAVING count(*) > 1 " \
	"ORDER BY 1 LIMIT 1"

#define DECLARE_FIELDS "INSERT INTO ferry_import_field (import_id, scope, " \
	"entity, name, type) SELECT ?1, 0, i.entity, f.value ->> '$.name', " \
	"f.value ->> '$.type' FROM ferry_import_item i" STAGED("i", "v") \
	", json_each(v.body, '$.definition.fields') f WHERE i.import_id = " \
	"?1 AND i.t = 'schema'"

/* Run one check: 1 with item and its fact when it finds a bad item. */
static int check_one(ferry_db *db, const char *sql, int64_t id,
	int64_t *item, ferry_str *fact)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = ferry_sq__prepare(db, sql, &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*item = sqlite3_column_int64(st, 0);
		ferry_str_clear(fact);
		ferry_str_puts(fact, (const char *)sqlite3_column_text(st, 1));
	}
	ferry_sq__reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : ferry_sq__error(db, rc, "checking "
		"the package");
}

int ferry_sqlite__import_check(ferry_db *db, int64_t id, int64_t *item,
	ferry_str *fact)
{
	int found;

	if ((found = check_one(db, CHECK_ITEMS, id, item, fact)) != 0)
		return found;
	if ((found = ferry_imports__run(db, DECLARE_FIELDS, id, NULL,
	    "declaring fields")) < 0)
		return found;
	if ((found = check_one(db, CHECK_SCHEMAS, id, item, fact)) != 0)
		return found;
	return check_one(db, CHECK_KEYS, id, item, fact);
}

int ferry_sqlite__import_check_values(ferry_db *db, int64_t id,
	const char *entity, const ferry_fieldset *fs, int64_t *item,
	ferry_str *why)
{
	ferry_str spec = FERRY_STR_INIT;
	sqlite3_stmt *st;
	size_t i;
	int error, rc, found;

	for (i = 0; i < fs->n; i++)
		ferry_str_printf(&spec, "%s%s %s", i ? ";" : "",
			fs->fields[i].name, fs->fields[i].type_text);
	if (ferry_str_failed(&spec)) {
		ferry_str_dispose(&spec);
		return ferry__oom(db);
	}
	/* min() with a bare column: the first bad item, through the
	 * entity's index (in item order it would walk the whole import). */
	if ((error = ferry_sq__prepare(db, "SELECT min(item), why FROM "
	    "(SELECT i.item AS item, ferry_payload_check(i.entity, vp.payload, "
	    "?3) AS why FROM ferry_import_item i INDEXED BY "
	    "ferry_import_item_record" STAGED("i", "v") " WHERE i.import_id = "
	    "?1 AND i.t = 'record' AND i.entity = ?2 AND i.action <> "
	    "'delete') WHERE why IS NOT NULL", &st)) < 0) {
		ferry_str_dispose(&spec);
		return error;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, entity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, ferry_str_cstr(&spec), -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (found) {
		*item = sqlite3_column_int64(st, 0);
		ferry_str_clear(why);
		ferry_str_puts(why, (const char *)sqlite3_column_text(st, 1));
	}
	ferry_sq__reset(st);
	ferry_str_dispose(&spec);
	if (found)
		return 1;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
		ferry_sq__error(db, rc, "checking the package");
}

int ferry_sqlite__import_previous(ferry_db *db, int64_t id,
	const char *pack_uid, int64_t *prev, ferry_str *stamp)
{
	sqlite3_stmt *st;
	int error, rc;

	*prev = 0;
	if ((error = ferry_sq__prepare(db, "SELECT id, stamp FROM "
	    "ferry_import WHERE pack_uid = ?2 AND id < ?1 AND state = "
	    "'committed' ORDER BY id DESC LIMIT 1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, pack_uid, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*prev = sqlite3_column_int64(st, 0);
		ferry_str_puts(stamp, (const char *)sqlite3_column_text(st, 1));
	}
	ferry_sq__reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
		ferry_sq__error(db, rc, "reading imports");
}

int ferry_sqlite__import_loaded(ferry_db *db, int64_t id, const char *stamp,
	int64_t items, int64_t previous)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "UPDATE ferry_import SET stamp = "
	    "?2, items = ?3, previous_id = nullif(?4, 0) WHERE id = ?1",
	    &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, stamp, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, items);
	sqlite3_bind_int64(st, 4, previous);
	return ferry_sq__done(db, st, "updating an import");
}


int ferry_sqlite__import_each(ferry_db *db, int64_t id, ferry_import_cb cb,
	void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc, found = 0;

	if ((error = ferry_sq__prepare(db, "SELECT m.id, m.state, m.stamp, "
	    "m.kind, m.mode, m.file, m.items, m.pack_uid, m.pack_name, "
	    "m.header ->> '$.pack.completed_at', m.source_id, m.source_name, "
	    "m.previous_id, p.id IS NOT NULL, p.stamp, m.loaded_by, "
	    "m.loaded_at, m.previewed_at, m.committed_by, m.committed_at, "
	    "m.backup, m.backed_out_by, m.backed_out_at FROM ferry_import m "
	    "LEFT JOIN ferry_import p ON p.id = m.previous_id WHERE ?1 = 0 OR "
	    "m.id = ?1 ORDER BY m.id", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_import_entry e;
		int t = sqlite3_column_type(st, 9);

		found = 1;
		e.id = sqlite3_column_int64(st, 0);
		e.state = ferry_sq__str(st, 1);
		e.stamp = ferry_sq__str(st, 2);
		e.kind = ferry_sq__str(st, 3);
		e.mode = ferry_sq__str(st, 4);
		e.file = ferry_sq__str(st, 5);
		e.items = sqlite3_column_int64(st, 6);
		e.pack_uid = ferry_sq__str(st, 7);
		e.pack_name = ferry_sq__str(st, 8);
		e.completed_at = ferry_sq__str(st, 9);
		e.completed_number = t == SQLITE_INTEGER || t == SQLITE_FLOAT;
		e.source_id = ferry_sq__str(st, 10);
		e.source_name = ferry_sq__str(st, 11);
		e.previous_id = sqlite3_column_int64(st, 12);
		e.previous_found = sqlite3_column_int(st, 13);
		e.previous_stamp = ferry_sq__str(st, 14);
		e.loaded_by = ferry_sq__str(st, 15);
		e.loaded_at = ferry_sq__str(st, 16);
		e.previewed_at = ferry_sq__str(st, 17);
		e.committed_by = ferry_sq__str(st, 18);
		e.committed_at = ferry_sq__str(st, 19);
		e.backup = ferry_sq__str(st, 20);
		e.backed_out_by = ferry_sq__str(st, 21);
		e.backed_out_at = ferry_sq__str(st, 22);
		if ((error = cb(&e, payload)) != 0)
			break;
	}
	error = ferry_sq__rows_end(db, st, rc, error, "reading imports");
	return error == 0 && id && !found ? FERRY_ENOTFOUND : error;
}

/* ---- items --------------------------------------------------------------- */

int ferry_sqlite__import_entities(ferry_db *db, int64_t id,
	int (*cb)(const char *entity, void *payload), void *payload)
{
	/* One seek of ferry_import_item_record an entity, from each to the
	 * next: SELECT DISTINCT walked the index's entry of every item
	 * (123 ms of a 100,000-item load, twice). */
	return ferry_sq__each_text(db, "WITH RECURSIVE e(name) AS (SELECT "
		"(SELECT min(entity) FROM ferry_import_item WHERE import_id = "
		"?1 AND t = 'record') UNION ALL SELECT (SELECT min(entity) "
		"FROM ferry_import_item WHERE import_id = ?1 AND t = 'record' "
		"AND entity > e.name) FROM e WHERE e.name IS NOT NULL) SELECT "
		"name FROM e WHERE name IS NOT NULL", id, cb, payload,
		"reading an import");
}

/* Hand every row of a prepared item statement to cb, then finalize it. */
static int items_run(ferry_db *db, sqlite3_stmt *st,
	int (*cb)(const ferry_import_item *it, void *payload), void *payload)
{
	ferry_import_item it;
	int rc, error = 0;

	memset(&it, 0, sizeof(it));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((error = ferry_imports__item_row(db, st, &it)) < 0 ||
		    (error = cb(&it, payload)) != 0)
			break;
	}
	sqlite3_finalize(st);
	ferry_import_item_dispose(&it);
	if (!error && rc != SQLITE_DONE && rc != SQLITE_ROW)
		error = ferry_sq__error(db, rc, "reading an import");
	return error;
}

int ferry_sqlite__import_items_each(ferry_db *db, int64_t id, const char *t,
	const char *entity, int (*cb)(const ferry_import_item *it,
	void *payload), void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc;

	/* Not cached: the callback runs other statements. */
	/* In the index's order: (entity, sys_id), items for kinds without
	 * them.  (ORDER BY item would walk the whole import.) */
	rc = sqlite3_prepare_v2(SQ(db)->conn, "SELECT " ITEM_STAGED
		" FROM ferry_import_item i INDEXED BY ferry_import_item_record"
		STAGED("i", "s") " WHERE i.import_id = ?1 AND i.t = ?2 AND (?3 IS NULL OR "
		"i.entity = ?3)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return ferry_sq__error(db, rc, "reading an import");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, t, -1, SQLITE_TRANSIENT);
	ferry_sq__bind_text(st, 3, entity);
	return items_run(db, st, cb, payload);
}

int ferry_sqlite__import_changed_each(ferry_db *db, int64_t id,
	int (*cb)(const ferry_import_item *it, void *payload), void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(SQ(db)->conn, "SELECT " ITEM_COLUMNS
		" FROM " ITEM_JOINS " WHERE i.import_id = ?1 AND i.t = "
		"'record' AND ((p.target_id IS NOT NULL AND p.decision <> "
		"'skip') OR EXISTS (SELECT 1 FROM ferry_import_problem pr "
		"WHERE pr.import_id = i.import_id AND pr.item = i.item AND "
		"pr.kind IN ('local_change', 'same_change'))) ORDER BY i.item",
		-1, &st, NULL);
	if (rc != SQLITE_OK)
		return ferry_sq__error(db, rc, "reading an import");
	sqlite3_bind_int64(st, 1, id);
	return items_run(db, st, cb, payload);
}

int ferry_sqlite__import_item_get(ferry_db *db, int64_t id, int64_t item,
	ferry_import_item *out)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT " ITEM_COLUMNS " FROM "
	    ITEM_JOINS " WHERE i.import_id = ?1 AND i.item = ?2", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, item);
	return ferry_imports__item_one(db, st, out, "reading an import");
}

int ferry_sqlite__import_fields_load(ferry_db *db, int64_t id, ferry_scope scope,
	const char *entity, ferry_fieldset *out)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	if ((error = ferry_sq__prepare(db, "SELECT name, type FROM "
	    "ferry_import_field WHERE import_id = ?1 AND scope = ?2 AND "
	    "entity = ?3 ORDER BY name", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, scope);
	sqlite3_bind_text(st, 3, entity, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_field f;

		memset(&f, 0, sizeof(f));
		ferry_sq__copy(f.name, sizeof(f.name), st, 0);
		ferry_sq__copy(f.type_text, sizeof(f.type_text), st, 1);
		if (ferry_fieldset_add(out, &f) < 0) {
			error = ferry__oom(db);
			break;
		}
	}
	ferry_sq__reset(st);
	if (error < 0)
		return error;
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 :
		ferry_sq__error(db, rc, "reading an import");
}

int ferry_sqlite__import_next_definition(ferry_db *db, int64_t id,
	int64_t after, ferry_import_item *out)
{
	sqlite3_stmt *st;
	int error;

	if ((error = ferry_sq__prepare(db, "SELECT " ITEM_COLUMNS " FROM "
	    "ferry_import_item i INDEXED BY ferry_import_item_record LEFT JOIN "
	    "ferry_import_plan p ON p.import_id = i.import_id AND p.item = "
	    "i.item LEFT JOIN ferry_import_resolution r ON r.import_id = "
	    "i.import_id AND r.item = i.item" STAGED("i", "s") " WHERE "
	    "i.import_id = ?1 AND i.t IN ('dataset', 'formula') AND i.item > ?2 ORDER BY i.item LIMIT "
	    "1", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, after);
	return ferry_imports__item_one(db, st, out, "reading an import");
}

/* ---- listing ------------------------------------------------------------- */


int ferry_sqlite__import_item_entries(ferry_db *db, int64_t id,
	int (*cb)(const ferry_import_item_entry *e, void *payload),
	void *payload)
{
	sqlite3_stmt *st;
	int error = 0, rc;

	/* Not cached: a long listing, and the callback may read. */
	rc = sqlite3_prepare_v2(SQ(db)->conn, "SELECT i.item, i.t, "
		"coalesce(i.entity, i.t), i.sys_id, i.rkey, coalesce(p.act, "
		"p.decision, i.action), i.action, r.resolution, r.whole, r.by, "
		"r.at, CASE WHEN p.act IS NULL OR (SELECT committed_at FROM "
		"ferry_import WHERE id = ?1) IS NULL THEN NULL ELSE " OUTCOME
		" END, " OUTCOME_DETAIL ", (SELECT count(*) FROM "
		"ferry_import_problem pr WHERE pr.import_id = i.import_id AND "
		"pr.item = i.item) FROM " ITEM_PLAN_JOINS OUTCOME_JOIN("i")
		" WHERE i.import_id = ?1 ORDER BY i.item", -1,
		&st,
		NULL);
	if (rc != SQLITE_OK)
		return ferry_sq__error(db, rc, "reading an import");
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ferry_import_item_entry e;

		e.item = sqlite3_column_int64(st, 0);
		e.t = ferry_sq__str(st, 1);
		e.entity = ferry_sq__str(st, 2);
		e.sys_id = ferry_sq__str(st, 3);
		e.key = ferry_sq__str(st, 4);
		e.act = ferry_sq__str(st, 5);
		e.action = ferry_sq__str(st, 6);
		e.resolution = ferry_sq__str(st, 7);
		e.whole = sqlite3_column_int(st, 8);
		e.resolved_by = ferry_sq__str(st, 9);
		e.resolved_at = ferry_sq__str(st, 10);
		e.outcome = ferry_sq__str(st, 11);
		e.detail = ferry_sq__str(st, 12);
		e.problems = sqlite3_column_int64(st, 13);
		if ((error = cb(&e, payload)) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (!error && rc != SQLITE_DONE && rc != SQLITE_ROW)
		error = ferry_sq__error(db, rc, "reading an import");
	return error;
}
