/*
 * imports_stage.c - the PostgreSQL store's side of load: staging a
 * package's item lines and checking them (store.h, "imports").
 *
 * Both stores read a line's columns as SQLite's json1 reads them
 * (stage_line.c).  SQLite checks every item set-wise with the library's
 * lent functions inside SQL; a PostgreSQL server cannot run those
 * functions, so here they are run on the line on the client
 * (ferry_pg__call), and the row goes out with its item's verdict: the
 * first fact of CHECK_ITEMS that refuses the item on its own
 * (stage_code), and whether its entity is one of ferry's own
 * (stage_system).  The checks that compare items with each other run in
 * SQL at import_check, in the same order as on SQLite, so the same item
 * is refused for the same fact.
 *
 * Rows travel in COPY batches of at most STAGE_BATCH bytes, sent when a
 * batch is full and before anything reads the import's items
 * (ferry_pg_imports__flush): memory holds one batch, plus eight bytes a
 * record in a hash set of the records seen, which tells a repeated
 * record at the line that repeats it (a hit is confirmed by the table).
 * The batch belongs to the connection (libpq's instance data), since
 * the stager may be freed before its rows are read.
 */
#include "import_rows.h"
#include "../stage_line.h"

#include "alloc.h"
#include "hash.h"

#include <stdlib.h>
#include <string.h>

/* Bytes of COPY text held before they are sent. */
#define STAGE_BATCH ((size_t)4 << 20)

/* The columns go out in COPY order (stage_line.h): the keys, to
 * FERRY_COL_VERSION, into ferry_import_item with the item's verdict
 * (stage_code, stage_system) after them, the rest into
 * ferry_import_payload, which a commit empties (schema.c, 9 -> 10). */

#define COPY_ITEMS "COPY ferry_import_item (import_id, item, t, entity, " \
	"sys_id, rkey, action, stage_code, stage_system) FROM STDIN"
#define COPY_VALUES "COPY ferry_import_payload (import_id, item, version, " \
	"base, policy, vendor, payload, old, body, seal) FROM STDIN"

/* The rows of one load not sent yet, on one connection. */
typedef struct {
	int64_t id;		/* the import they are for */
	ferry_str rows;		/* COPY text for ferry_import_item */
	ferry_str values;	/* ... and for ferry_import_payload */
	uint64_t *seen;		/* hashes of the records staged (0 free) */
	size_t nseen, cap;	/* used, slots (a power of two) */
} pg_staging;

struct ferry_import_stager {
	ferry_db *db;
	int64_t id;
	ferry_stage_line sl;	/* the line and its columns */
	ferry_str scratch;	/* lent functions' results */
	int failed;		/* a line was refused: the load ends */
};

static int staging_event(PGEventId evt, void *info, void *pass)
{
	(void)pass;
	if (evt == PGEVT_CONNDESTROY) {
		PGEventConnDestroy *e = info;
		pg_staging *p = PQinstanceData(e->conn, staging_event);

		if (p) {
			ferry_str_dispose(&p->rows);
			ferry_str_dispose(&p->values);
			ferry__free(p->seen);
			ferry__free(p);
		}
	}
	return 1;
}

/* The connection's staging, made on first use. */
static pg_staging *staging(ferry_db *db, int make)
{
	PGconn *conn = PG(db)->conn;
	pg_staging *p = PQinstanceData(conn, staging_event);

	if (p || !make)
		return p;
	if ((p = ferry__calloc(1, sizeof(*p))) == NULL)
		return NULL;
	(void)PQregisterEventProc(conn, staging_event, "ferry staging", NULL);
	if (!PQsetInstanceData(conn, staging_event, p)) {
		ferry__free(p);
		return NULL;
	}
	return p;
}

static void staging_reset(pg_staging *p, int64_t id)
{
	p->id = id;
	ferry_str_clear(&p->rows);
	ferry_str_clear(&p->values);
	ferry__free(p->seen);
	p->seen = NULL;
	p->nseen = p->cap = 0;
}

/* Send rows (COPY text) through one COPY statement. */
static int copy_rows(ferry_db *db, const char *sql, const ferry_str *rows)
{
	PGconn *conn = PG(db)->conn;
	PGresult *res;
	int error = 0;

	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		error = ferry_pg__error(db, res, "staging items");
		PQclear(res);
		return error;
	}
	PQclear(res);
	if (PQputCopyData(conn, rows->ptr, (int)rows->size) != 1 ||
	    PQputCopyEnd(conn, NULL) != 1)
		error = ferry_pg__error(db, NULL, "staging items");
	while ((res = PQgetResult(conn)) != NULL) {
		if (!error && PQresultStatus(res) != PGRES_COMMAND_OK)
			error = ferry_pg__error(db, res, "staging items");
		PQclear(res);
	}
	return error;
}

int ferry_pg_imports__flush(ferry_db *db, int64_t id)
{
	pg_staging *p = staging(db, 0);
	int error;

	if (!p || p->rows.size == 0)
		return 0;
	if (p->id != id) {
		/* Rows of a load that failed: its transaction is gone. */
		staging_reset(p, 0);
		return 0;
	}
	if ((error = copy_rows(db, COPY_ITEMS, &p->rows)) == 0)
		error = copy_rows(db, COPY_VALUES, &p->values);
	ferry_str_clear(&p->rows);
	ferry_str_clear(&p->values);
	return error;
}

/* ---- the record seen ----------------------------------------------------- */

static uint64_t key_hash(const ferry_import_stager *s)
{
	uint64_t h = 1469598103934665603ULL;
	int c;
	size_t i;

	for (c = FERRY_COL_T; c <= FERRY_COL_SYS_ID; c++) {
		for (i = 0; i < s->sl.col[c].size; i++)
			h = (h ^ (unsigned char)s->sl.col[c].ptr[i]) *
				1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;	/* no byte of text */
	}
	return h ? h : 1;
}

/* 1 when h was seen (add it otherwise), or a negative error. */
static int seen_add(ferry_db *db, pg_staging *p, uint64_t h)
{
	size_t i;

	if (p->nseen * 2 >= p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 1024, k;
		uint64_t *t = ferry__calloc(cap, sizeof(*t));

		if (!t)
			return ferry__oom(db);
		for (k = 0; k < p->cap; k++)
			if (p->seen[k]) {
				for (i = (size_t)p->seen[k] & (cap - 1);
				    t[i]; i = (i + 1) & (cap - 1))
					;
				t[i] = p->seen[k];
			}
		ferry__free(p->seen);
		p->seen = t;
		p->cap = cap;
	}
	for (i = (size_t)h & (p->cap - 1); p->seen[i]; i = (i + 1) &
	    (p->cap - 1))
		if (p->seen[i] == h)
			return 1;
	p->seen[i] = h;
	p->nseen++;
	return 0;
}

/* ---- lent functions ------------------------------------------------------ */

/* A lent function's truth: 1, 0, or -1 for NULL (SQL's three values). */
static int truth(ferry_import_stager *s, const char *fn, int n,
	const char *const *args, int *out)
{
	int is_null, error;

	ferry_str_clear(&s->scratch);
	if ((error = ferry_pg__call(s->db, fn, n, args, &s->scratch,
	    &is_null)) < 0)
		return error;
	*out = is_null ? -1 : strtoll(ferry_str_cstr(&s->scratch), NULL,
		10) != 0;
	return 0;
}

/* A lent function's text into s->scratch; *is_null for NULL. */
static int text_of(ferry_import_stager *s, const char *fn, int n,
	const char *const *args, int *is_null)
{
	ferry_str_clear(&s->scratch);
	return ferry_pg__call(s->db, fn, n, args, &s->scratch, is_null);
}

/* a IS NOT b, for two texts that may be NULL. */
static int is_not(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) != 0 : a != b;
}

static int one_of(const char *v, const char *a, const char *b,
	const char *c)
{
	return v && (!strcmp(v, a) || !strcmp(v, b) || !strcmp(v, c));
}

#define V(s, c) FERRY_STAGED(&(s)->sl, c)

/* Whether entity is ferry's own (ferry_system_kind() > 0). */
static int system_entity(ferry_import_stager *s, const char *entity,
	int *out)
{
	int is_null, error;

	*out = 0;
	if (!entity)
		return 0;
	if ((error = text_of(s, "ferry_system_kind", 1, &entity,
	    &is_null)) < 0)
		return error;
	*out = !is_null && strtoll(ferry_str_cstr(&s->scratch), NULL, 10) > 0;
	return 0;
}

/* An entity a schema or query item may name: 0 bad, 1 good. */
static int user_entity(ferry_import_stager *s, const char *entity, int *ok)
{
	int t, sys, error;

	*ok = 0;
	if (!entity)
		return 0;
	if ((error = truth(s, "ferry_entity_ok", 1, &entity, &t)) < 0 ||
	    (error = system_entity(s, entity, &sys)) < 0)
		return error;
	*ok = t != 0 && !sys;
	return 0;
}

/* The version hash check of CHECK_ITEMS: 1 when it refuses. */
static int hash_refuses(ferry_import_stager *s, int *out)
{
	const char *action = V(s, FERRY_COL_ACTION);
	const char *args[] = { V(s, FERRY_COL_ENTITY), V(s, FERRY_COL_RKEY), action,
		V(s, FERRY_COL_PAYLOAD) };
	int is_null, error;

	*out = 0;
	if ((error = text_of(s, "ferry_version_hash", 4, args,
	    &is_null)) < 0)
		return error;
	if (!is_not(V(s, FERRY_COL_VERSION), is_null ? NULL :
	    ferry_str_cstr(&s->scratch)))
		return 0;
	if (!strcmp(action, "delete")) {
		*out = 1;
		return 0;
	}
	args[2] = !strcmp(action, "insert") ? "update" : "insert";
	if ((error = text_of(s, "ferry_version_hash", 4, args,
	    &is_null)) < 0)
		return error;
	*out = is_not(V(s, FERRY_COL_VERSION), is_null ? NULL :
		ferry_str_cstr(&s->scratch));
	return 0;
}

/* A record item's own verdict, CHECK_ITEMS's record branch in order. */
static int record_code(ferry_import_stager *s, const char **code)
{
	const char *entity = V(s, FERRY_COL_ENTITY), *sys_id = V(s, FERRY_COL_SYS_ID);
	const char *action = V(s, FERRY_COL_ACTION), *version = V(s, FERRY_COL_VERSION);
	const char *base = V(s, FERRY_COL_BASE), *policy = V(s, FERRY_COL_POLICY);
	const char *rkey = V(s, FERRY_COL_RKEY), *payload = V(s, FERRY_COL_PAYLOAD);
	const char *old = V(s, FERRY_COL_OLD);
	const char *key_args[] = { entity, sys_id, payload };
	const char *seal_args[] = { version, policy, V(s, FERRY_COL_VENDOR) };
	int t, is_null, error;

#define STEP(call, cond, name) \
	do { \
		if ((error = (call)) < 0) \
			return error; \
		if (cond) { \
			*code = name; \
			return 0; \
		} \
	} while (0)
	*code = NULL;
	if (!entity) {
		*code = "bad_entity";
		return 0;
	}
	STEP(truth(s, "ferry_entity_ok", 1, &entity, &t), t == 0,
		"bad_entity");
	if (!sys_id) {
		*code = "bad_sys_id";
		return 0;
	}
	STEP(truth(s, "ferry_sys_id_ok", 1, &sys_id, &t), t == 0,
		"bad_sys_id");
	STEP(0, !one_of(action, "insert", "update", "delete"), "bad_action");
	STEP(truth(s, "ferry_hex64", 1, &version, &t), t == 0, "no_version");
	if (base)
		STEP(truth(s, "ferry_hex64", 1, &base, &t), t == 0,
			"bad_base");
	STEP(0, !strcmp(action, "update") && !base, "update_without_base");
	STEP(0, !strcmp(action, "insert") && base, "insert_with_base");
	STEP(0, !one_of(policy, "open", "changed", "protected"),
		"bad_policy");
	STEP(0, !V(s, FERRY_COL_VENDOR), "no_vendor");
	STEP(0, !rkey, "no_key");
	STEP(0, !payload || payload[0] != '{', "no_payload");
	STEP(0, old && old[0] != '{', "old_not_object");
	STEP(truth(s, "ferry_canonical", 1, &payload, &t), t == 0,
		"payload_not_canonical");
	if (old)
		STEP(truth(s, "ferry_canonical", 1, &old, &t), t == 0,
			"old_not_canonical");
	STEP(text_of(s, "ferry_identity_key", 3, key_args, &is_null),
		is_not(rkey, is_null ? NULL : ferry_str_cstr(&s->scratch)),
		"key_mismatch");
	STEP(hash_refuses(s, &t), t, "hash_mismatch");
	STEP(text_of(s, "ferry_item_seal", 3, seal_args, &is_null),
		is_not(V(s, FERRY_COL_SEAL), is_null ? NULL :
		ferry_str_cstr(&s->scratch)), "seal_mismatch");
	return 0;
}

/* A schema item's own verdict (the branch but schema_twice). */
static int schema_code(ferry_import_stager *s, sj_value root,
	const char **code)
{
	sj_value def = sj_member(root, "definition"), fields, f;
	ferry_str names = FERRY_STR_INIT, name = FERRY_STR_INIT;
	const char *entity = V(s, FERRY_COL_ENTITY), *args[1];
	size_t i, k;
	int ok, t, error = 0;

	*code = NULL;
	if ((error = user_entity(s, entity, &ok)) < 0)
		return error;
	if (!ok) {
		*code = "schema_bad_entity";
		return 0;
	}
	if (def.kind != SJ_OBJECT) {
		*code = "schema_no_definition";
		return 0;
	}
	if (!sj_text(&name, sj_member(def, "name")) ||
	    is_not(ferry_str_cstr(&name), entity)) {
		*code = "schema_other_entity";
		goto done;
	}
	fields = sj_member(def, "fields");
	if (fields.kind != SJ_ARRAY) {
		*code = "schema_no_fields";
		goto done;
	}
	/* Each field's name, NUL-separated in names, for the repeat. */
	for (i = 0; (f = sj_element(fields, i)).kind != SJ_NONE; i++) {
		size_t at = names.size;

		if (f.kind != SJ_OBJECT) {
			*code = "schema_bad_field";
			goto done;
		}
		args[0] = sj_text(&names, sj_member(f, "name")) ?
			names.ptr + at : NULL;
		ferry_str_putc(&names, '\0');
		if (ferry_str_failed(&names)) {
			error = ferry__oom(s->db);
			goto done;
		}
		args[0] = args[0] ? names.ptr + at : NULL;
		if ((error = truth(s, "ferry_field_ok", 1, args, &t)) < 0)
			goto done;
		if (t == 0) {
			*code = "schema_bad_field";
			goto done;
		}
		ferry_str_clear(&name);
		args[0] = sj_text(&name, sj_member(f, "type")) ?
			ferry_str_cstr(&name) : NULL;
		if ((error = truth(s, "ferry_type_ok", 1, args, &t)) < 0)
			goto done;
		if (t == 0) {
			*code = "schema_bad_field";
			goto done;
		}
	}
	/* A name twice: count(*) - count(DISTINCT name) > 0. */
	for (i = 0; i < names.size && !*code; i += strlen(names.ptr + i) + 1)
		for (k = i + strlen(names.ptr + i) + 1; k < names.size;
		    k += strlen(names.ptr + k) + 1)
			if (!strcmp(names.ptr + i, names.ptr + k)) {
				*code = "schema_field_twice";
				break;
			}
done:
	ferry_str_dispose(&names);
	ferry_str_dispose(&name);
	return error;
}

/* The item's own verdict: CHECK_ITEMS but the checks across items. */
static int item_code(ferry_import_stager *s, sj_value root,
	const char **code)
{
	const char *t = V(s, FERRY_COL_T), *rkey = V(s, FERRY_COL_RKEY);
	int ok, error;

	*code = NULL;
	if (!t) {
		*code = "no_kind";
		return 0;
	}
	if (!strcmp(t, "record"))
		return record_code(s, code);
	if (!strcmp(t, "schema"))
		return schema_code(s, root, code);
	if (!strcmp(t, "delete_query")) {
		if ((error = user_entity(s, V(s, FERRY_COL_ENTITY), &ok)) < 0)
			return error;
		if (!ok)
			*code = "query_bad_entity";
		else if (sj_member(root, "query").kind != SJ_STRING)
			*code = "query_without_query";
		return 0;
	}
	if ((!strcmp(t, "formula") || !strcmp(t, "dataset")) &&
	    (!rkey || !*rkey))
		*code = "definition_without_name";
	return 0;
}

/* ---- staging ------------------------------------------------------------- */

int ferry_pg__import_stager_new(ferry_import_stager **out, ferry_db *db,
	int64_t id)
{
	ferry_import_stager *s;
	pg_staging *p;

	*out = NULL;
	if ((p = staging(db, 1)) == NULL ||
	    (s = ferry__calloc(1, sizeof(*s))) == NULL)
		return ferry__oom(db);
	staging_reset(p, id);
	s->db = db;
	s->id = id;
	*out = s;
	return 0;
}

void ferry_pg__import_stager_free(ferry_db *db, ferry_import_stager *s)
{
	pg_staging *p;

	if (!s)
		return;
	/* The rows not sent stay with the connection: they go out before
	 * the import's items are read.  A load that refused a line is
	 * rolled back: its rows are dropped. */
	if (s->failed && (p = staging(db, 0)) != NULL && p->id == s->id)
		staging_reset(p, 0);
	ferry_stage_line__dispose(&s->sl);
	ferry_str_dispose(&s->scratch);
	ferry__free(s);
}

/* Append a value in COPY's text form. */
static void copy_value(ferry_str *out, const char *v, size_t n, int null)
{
	size_t i, run = 0;

	if (null) {
		ferry_str_put(out, "\\N", 2);
		return;
	}
	for (i = 0; i < n; i++) {
		char c = v[i], e = c == '\\' ? '\\' : c == '\t' ? 't' :
			c == '\n' ? 'n' : c == '\r' ? 'r' : 0;

		if (!e)
			continue;
		ferry_str_put(out, v + run, i - run);
		ferry_str_putc(out, '\\');
		ferry_str_putc(out, e);
		run = i + 1;
	}
	ferry_str_put(out, v + run, n - run);
}

/* A row's import and item, then columns [from, to) of the line, in
 * COPY's text form. */
static void copy_columns(pg_staging *p, const ferry_import_stager *s,
	int64_t item, ferry_str *out, int from, int to)
{
	int c;

	ferry_str_printf(out, "%lld\t%lld", (long long)p->id,
		(long long)item);
	for (c = from; c < to; c++) {
		ferry_str_putc(out, '\t');
		copy_value(out, s->sl.col[c].ptr, s->sl.col[c].size, s->sl.null[c]);
	}
}

/* Is this record (t, entity, sys_id) staged already? */
static int repeated(ferry_import_stager *s, pg_staging *p, int *out)
{
	ferry_pg_num i;
	const char *params[] = { ferry_pg__num(&i, s->id), V(s, FERRY_COL_T),
		V(s, FERRY_COL_ENTITY), V(s, FERRY_COL_SYS_ID) };
	PGresult *res;
	int error;

	*out = 0;
	if ((error = seen_add(s->db, p, key_hash(s))) <= 0)
		return error;
	/* Seen, or a hash alike: the table says. */
	if ((error = ferry_pg_imports__flush(s->db, s->id)) < 0 ||
	    (error = ferry_pg__query(s->db, "SELECT 1 FROM ferry_import_item "
	    "WHERE import_id = $1 AND t = $2 AND entity = $3 AND sys_id = $4",
	    4, params, &res, "staging an item")) < 0)
		return error;
	*out = PQntuples(res) > 0;
	PQclear(res);
	return 0;
}

static int stage(ferry_db *db, ferry_import_stager *s, int64_t item,
	const ferry_import_line *l);

int ferry_pg__import_stage(ferry_db *db, ferry_import_stager *s,
	int64_t item, const ferry_import_line *l)
{
	int rc = stage(db, s, item, l);

	if (rc != 0)
		s->failed = 1;
	return rc;
}

static int stage(ferry_db *db, ferry_import_stager *s, int64_t item,
	const ferry_import_line *l)
{
	pg_staging *p = staging(db, 0);
	const char *code = NULL, *t;
	int rep = 0, sys = 0, error;

	if (l->len > (size_t)0x7fffffff)
		return FERRY_STAGE_TOO_LONG;
	if (!p || p->id != s->id)
		return ferry__error(db, FERRY_EMISUSE, "staging without a "
			"stager");
	if ((error = ferry_stage_line__read(&s->sl, l)) != 0)
		return error < 0 ? ferry__oom(db) : error;
	t = V(s, FERRY_COL_T);
	if (t && V(s, FERRY_COL_ENTITY) && V(s, FERRY_COL_SYS_ID) &&
	    (error = repeated(s, p, &rep)) < 0)
		return error;
	if (rep)
		return FERRY_STAGE_REPEATED;
	if ((error = item_code(s, s->sl.root, &code)) < 0)
		return error;
	if (t && !strcmp(t, "record") && (error = system_entity(s,
	    V(s, FERRY_COL_ENTITY), &sys)) < 0)
		return error;
	copy_columns(p, s, item, &p->rows, FERRY_COL_T, FERRY_COL_VERSION);
	ferry_str_putc(&p->rows, '\t');
	copy_value(&p->rows, code, code ? strlen(code) : 0, !code);
	ferry_str_printf(&p->rows, "\t%d\n", sys);
	copy_columns(p, s, item, &p->values, FERRY_COL_VERSION, FERRY_NCOLS);
	ferry_str_putc(&p->values, '\n');
	if (ferry_str_failed(&p->rows) || ferry_str_failed(&p->values))
		return ferry__oom(db);
	if (p->rows.size + p->values.size >= STAGE_BATCH)
		return ferry_pg_imports__flush(db, s->id);
	return 0;
}

/* ---- checks -------------------------------------------------------------- */

/* The values a refusal's words name, by its code (ITEM_FACT_1, _2). */
#define ITEM_FACT_1 "CASE WHEN code IN ('bad_entity', 'schema_bad_entity', " \
	"'query_bad_entity', 'schema_bad_field', 'schema_field_twice', " \
	"'schema_twice', 'hash_mismatch', 'seal_mismatch') THEN entity WHEN " \
	"code = 'bad_sys_id' THEN sys_id WHEN code = 'bad_action' THEN action " \
	"WHEN code = 'bad_policy' THEN policy WHEN code = 'key_mismatch' THEN " \
	"rkey WHEN code IN ('definition_without_name', " \
	"'definition_repeated') THEN t END"
#define ITEM_FACT_2 "CASE WHEN code IN ('hash_mismatch', 'seal_mismatch') " \
	"THEN sys_id WHEN code = 'definition_repeated' THEN rkey END"

/* The first item refused: its own verdict (stage_code), else the
 * checks across items, last in their branches on SQLite too. */
#define CHECK_ITEMS "SELECT item, code, " ITEM_FACT_1 ", " ITEM_FACT_2 \
	" FROM (SELECT i.item, t, entity, sys_id, action, v.policy, rkey, " \
	"coalesce(stage_code, CASE WHEN t = 'schema' AND EXISTS (SELECT 1 " \
	"FROM ferry_import_item s WHERE s.import_id = i.import_id AND s.t = " \
	"'schema' AND s.entity = i.entity AND s.item < i.item) THEN " \
	"'schema_twice' WHEN t IN ('formula', 'dataset') AND EXISTS (SELECT " \
	"1 FROM ferry_import_item s WHERE s.import_id = i.import_id AND s.t " \
	"= i.t AND s.rkey = i.rkey AND s.item < i.item) THEN " \
	"'definition_repeated' END) AS code FROM ferry_import_item i" \
	PG_STAGED("i", "v") " WHERE i.import_id = $1) x WHERE code IS NOT " \
	"NULL ORDER BY item LIMIT 1"

/* Records of a user entity the package declares no schema for. */
#define CHECK_SCHEMAS "SELECT (SELECT min(x.item) FROM ferry_import_item x " \
	"WHERE x.import_id = $1 AND x.t = 'record' AND x.entity = e.entity), " \
	"'record_without_schema', e.entity FROM (SELECT DISTINCT entity FROM " \
	"ferry_import_item WHERE import_id = $1 AND t = 'record' AND " \
	"stage_system = 0) e WHERE NOT EXISTS (SELECT 1 FROM " \
	"ferry_import_item s WHERE s.import_id = $1 AND s.t = 'schema' AND " \
	"s.entity = e.entity) ORDER BY 1 LIMIT 1"

/* Two catalog records or objects with one key. */
#define CHECK_KEYS "SELECT max(item), 'key_repeated', entity, rkey FROM " \
	"ferry_import_item WHERE import_id = $1 AND t = 'record' AND " \
	"stage_system <> 0 GROUP BY entity, rkey HAVING count(*) > 1 ORDER " \
	"BY 1 LIMIT 1"

/* Run one check: 1 with the item and its fact [code, value...] when it
 * finds a bad item. */
static int check_one(ferry_db *db, const char *sql, int64_t id,
	int64_t *item, ferry_str *fact)
{
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);
	PGresult *res;
	int error, c;

	if ((error = ferry_pg__query(db, sql, 1, &param, &res, "checking "
	    "the package")) < 0)
		return error;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	*item = ferry_pg__int(res, 0, 0);
	ferry_str_clear(fact);
	ferry_str_putc(fact, '[');
	for (c = 1; c < PQnfields(res); c++) {
		const char *v = ferry_pg__str(res, 0, c);

		if (c > 1)
			ferry_str_putc(fact, ',');
		if (v)
			ferry_str_put_json(fact, v, (size_t)PQgetlength(res,
				0, c));
		else
			ferry_str_puts(fact, "null");
	}
	ferry_str_putc(fact, ']');
	PQclear(res);
	return ferry_str_failed(fact) ? ferry__oom(db) : 1;
}

typedef struct {
	ferry_db *db;
	int64_t id;
} declare_ctx;

/* DECLARE_FIELDS for one schema item: its fields in scope 0. */
static int declare_item(const PGresult *res, int row, void *payload)
{
	declare_ctx *c = payload;
	const char *entity = ferry_pg__str(res, row, 0);
	const char *body = ferry_pg__str(res, row, 1);
	ferry_str name = FERRY_STR_INIT, type = FERRY_STR_INIT;
	sj_value root, fields, f;
	size_t i;
	int error = 0;

	if (!body || !sj_parse(body, strlen(body), &root))
		return 0;
	fields = sj_member(sj_member(root, "definition"), "fields");
	for (i = 0; !error && (f = sj_element(fields, i)).kind != SJ_NONE;
	    i++) {
		ferry_str_clear(&name);
		ferry_str_clear(&type);
		sj_text(&name, sj_member(f, "name"));
		sj_text(&type, sj_member(f, "type"));
		if (ferry_str_failed(&name) || ferry_str_failed(&type))
			error = ferry__oom(c->db);
		else
			error = ferry_pg__import_field(c->db, c->id,
				FERRY_SCOPE_PACKAGE, entity, name.ptr,
				type.ptr);
	}
	ferry_str_dispose(&name);
	ferry_str_dispose(&type);
	return error;
}

int ferry_pg__import_check(ferry_db *db, int64_t id, int64_t *item,
	ferry_str *fact)
{
	declare_ctx dc = { db, id };
	ferry_pg_num i;
	const char *param = ferry_pg__num(&i, id);
	int found;

	if ((found = ferry_pg_imports__flush(db, id)) < 0 ||
	    (found = check_one(db, CHECK_ITEMS, id, item, fact)) != 0)
		return found;
	if ((found = ferry_pg__each(db, "SELECT i.entity, v.body FROM "
	    "ferry_import_item i" PG_STAGED("i", "v") " WHERE i.import_id = "
	    "$1 AND i.t = 'schema' ORDER BY i.item", 1, &param, declare_item,
	    &dc, "declaring fields")) < 0)
		return found;
	if ((found = check_one(db, CHECK_SCHEMAS, id, item, fact)) != 0)
		return found;
	return check_one(db, CHECK_KEYS, id, item, fact);
}

typedef struct {
	ferry_db *db;
	const char *entity, *spec;
	int64_t *item;
	ferry_str *why;
} values_ctx;

static int value_row(const PGresult *res, int row, void *payload)
{
	values_ctx *c = payload;
	const char *args[] = { c->entity, ferry_pg__str(res, row, 1),
		c->spec };
	int is_null, error;

	ferry_str_clear(c->why);
	if ((error = ferry_pg__call(c->db, "ferry_payload_check", 3, args,
	    c->why, &is_null)) < 0)
		return error;
	if (is_null)
		return 0;
	*c->item = ferry_pg__int(res, row, 0);
	return 1;
}

int ferry_pg__import_check_values(ferry_db *db, int64_t id,
	const char *entity, const ferry_fieldset *fs, int64_t *item,
	ferry_str *why)
{
	ferry_str spec = FERRY_STR_INIT;
	ferry_pg_num i;
	const char *params[2];
	values_ctx c;
	size_t k;
	int found;

	for (k = 0; k < fs->n; k++)
		ferry_str_printf(&spec, "%s%s %s", k ? ";" : "",
			fs->fields[k].name, fs->fields[k].type_text);
	if (ferry_str_failed(&spec)) {
		ferry_str_dispose(&spec);
		return ferry__oom(db);
	}
	params[0] = ferry_pg__num(&i, id);
	params[1] = entity;
	c.db = db;
	c.entity = entity;
	c.spec = ferry_str_cstr(&spec);
	c.item = item;
	c.why = why;
	/* The first bad item is the one of the smallest number. */
	found = ferry_pg_imports__cursor(db, "SELECT i.item, v.payload FROM "
		"ferry_import_item i" PG_STAGED("i", "v") " WHERE i.import_id = "
		"$1 AND i.t = 'record' AND i.entity = $2 AND i.action <> "
		"'delete' ORDER BY i.item", 2, params,
		1000, value_row, &c, "checking the package");
	if (found == 0)
		ferry_str_clear(why);
	ferry_str_dispose(&spec);
	return found;
}

/* ---- the header ---------------------------------------------------------- */

/* The header's pack.completed_at as SQLite's ->> hands it out: text, a
 * number's or a truth's text (*number), or NULL. */
int ferry_pg_imports__completed(ferry_db *db, const char *header,
	ferry_str *out, int *is_null, int *number)
{
	sj_value root, v;

	*is_null = 1;
	*number = 0;
	if (!header || !sj_parse(header, strlen(header), &root))
		return 0;
	v = sj_member(sj_member(root, "pack"), "completed_at");
	*number = v.kind == SJ_INT || v.kind == SJ_REAL ||
		v.kind == SJ_TRUE || v.kind == SJ_FALSE;
	*is_null = !sj_text(out, v);
	return ferry_str_failed(out) ? ferry__oom(db) : 0;
}

/* Declared by the load for its checks, so with the stager. */
int ferry_pg__import_field(ferry_db *db, int64_t id, ferry_scope scope,
	const char *entity, const char *name, const char *type)
{
	ferry_pg_num i, s;
	const char *params[] = { ferry_pg__num(&i, id),
		ferry_pg__num(&s, (int64_t)scope), entity, name, type };

	return ferry_pg__query(db, "INSERT INTO ferry_import_field "
		"(import_id, scope, entity, name, type) VALUES ($1, $2, $3, "
		"$4, $5) ON CONFLICT (import_id, scope, entity, name) DO "
		"UPDATE SET type = excluded.type", 5, params, NULL,
		"declaring a field");
}
