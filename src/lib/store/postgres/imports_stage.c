/*
 * imports_stage.c - the PostgreSQL store's side of load: staging a
 * package's item lines and checking them (store.h, "imports").
 *
 * The library hands over each line read (stage_line.h) with its verdict
 * of the item on its own (import_verdict.c); the row goes out with that
 * verdict (stage_code) and whether its entity is one of ferry's own
 * (stage_system).  The checks that compare items with each other run in
 * SQL at import_check, in the same order as on SQLite, so the same item
 * is refused for the same fact.
 *
 * Rows travel in COPY batches of at most STAGE_BATCH bytes, sent when a
 * batch is full and before anything reads the import's items
 * (ferry_pg_imports__flush): memory holds two batches, plus eight bytes
 * a record in a hash set of the records seen, which tells a repeated
 * record at the line that repeats it (a hit is confirmed by the table).
 * A full batch goes to a sender, a thread of the stager's, which sends
 * it while the load fills the next: the server stores one batch while
 * the client reads and writes the next (docs/performance.md).  While
 * the sender holds the connection nothing else uses it: every other
 * use waits for it first (sender_wait), and so does the stager's end.
 * The batches belong to the connection (libpq's instance data), since
 * the stager may be freed before its last rows are sent.
 */
#include "import_rows.h"
#include "../stage_line.h"
#include "../import_checks.h"

#include "alloc.h"
#include "hash.h"
#include "worker.h"

#include <stdlib.h>
#include <string.h>

/* Bytes of COPY text held before they are sent. */
#define STAGE_BATCH ((size_t)4 << 20)

/* The columns go out in COPY order (stage_line.h): the keys, to
 * FERRY_COL_VERSION, into ferry_import_item with the item's verdict
 * (stage_code, stage_system) and a record's reference values (refs)
 * after them, the rest but the payload and the seal (which the library
 * checked as it read the line, and nothing reads again) into
 * ferry_import_payload, which a commit empties (schema.c, 9 -> 10), and
 * the payload into
 * ferry_version_payload under the staged key, where the version a
 * commit writes from it keeps it (15 -> 16). */

#define COPY_ITEMS "COPY ferry_import_item (import_id, item, t, entity, " \
	"sys_id, rkey, action, stage_code, stage_system, refs) FROM STDIN"
#define COPY_VALUES "COPY ferry_import_payload (import_id, item, version, " \
	"base, policy, vendor, old, body) FROM STDIN"
#define COPY_PAYLOADS "COPY ferry_version_payload (k, payload) FROM STDIN"

/* One batch of rows: COPY text for each table. */
typedef struct {
	ferry_str rows;		/* for ferry_import_item */
	ferry_str values;	/* ... for ferry_import_payload */
	ferry_str payloads;	/* ... and for ferry_version_payload */
} pg_batch;

/* The rows of one load not stored yet, on one connection. */
typedef struct {
	PGconn *conn;
	int64_t id;		/* the import they are for */
	pg_batch fill;		/* the batch the stager fills */
	pg_batch sent;		/* the batch with the sender (while busy) */
	uint64_t *seen;		/* hashes of the records staged (0 free) */
	size_t nseen, cap;	/* used, slots (a power of two) */
	/* The sender; busy, stop, failed and bad under worker.mu. */
	ferry_worker worker;
	int threaded;		/* the sender runs */
	int busy;		/* it holds `sent` and the connection */
	int stop;
	int failed;		/* a batch it sent was refused ... */
	PGresult *bad;		/* ... with this answer (NULL: no answer) */
} pg_staging;

struct ferry_import_stager {
	ferry_db *db;
	int64_t id;
	int failed;		/* a line was refused: the load ends */
};

static void batch_clear(pg_batch *b)
{
	ferry_str_clear(&b->rows);
	ferry_str_clear(&b->values);
	ferry_str_clear(&b->payloads);
}

static void batch_dispose(pg_batch *b)
{
	ferry_str_dispose(&b->rows);
	ferry_str_dispose(&b->values);
	ferry_str_dispose(&b->payloads);
}

static void sender_stop(pg_staging *p);

static int staging_event(PGEventId evt, void *info, void *pass)
{
	(void)pass;
	if (evt == PGEVT_CONNDESTROY) {
		PGEventConnDestroy *e = info;
		pg_staging *p = PQinstanceData(e->conn, staging_event);

		if (p) {
			/* (The stager's end stopped the sender; this is
			 * for a stager never freed.) */
			sender_stop(p);
			batch_dispose(&p->fill);
			batch_dispose(&p->sent);
			PQclear(p->bad);
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
	p->conn = conn;
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
	batch_clear(&p->fill);
	PQclear(p->bad);
	p->bad = NULL;
	p->failed = 0;
	ferry__free(p->seen);
	p->seen = NULL;
	p->nseen = p->cap = 0;
}

/* Send a batch's rows, table by table. */
static int batch_send(PGconn *conn, const pg_batch *b, PGresult **bad)
{
	if (b->rows.size == 0)
		return 0;
	if (ferry_pg__copy_send(conn, COPY_ITEMS, &b->rows, bad) < 0 ||
	    ferry_pg__copy_send(conn, COPY_VALUES, &b->values, bad) < 0)
		return -1;
	return b->payloads.size > 0 ? ferry_pg__copy_send(conn, COPY_PAYLOADS,
		&b->payloads, bad) : 0;
}

/* ---- the sender ---------------------------------------------------------- */

static void *sender_main(void *arg)
{
	pg_staging *p = arg;
	ferry_worker *w = &p->worker;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		PGresult *bad = NULL;
		int rc;

		while (!p->busy && !p->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!p->busy)
			break;
		pthread_mutex_unlock(&w->mu);
		rc = batch_send(p->conn, &p->sent, &bad);
		batch_clear(&p->sent);
		pthread_mutex_lock(&w->mu);
		if (rc < 0 && !p->failed) {
			p->failed = 1;
			p->bad = bad;
		} else
			PQclear(bad);
		p->busy = 0;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Wait until the sender holds nothing. */
static void sender_idle(pg_staging *p)
{
	if (!p->threaded)
		return;
	pthread_mutex_lock(&p->worker.mu);
	while (p->busy)
		pthread_cond_wait(&p->worker.cv, &p->worker.mu);
	pthread_mutex_unlock(&p->worker.mu);
}

/* Wait until the sender holds nothing; its failure, if it had one, as
 * an error of db's (once).  (The sender writes failed and bad only
 * while busy, which only the caller sets.) */
static int sender_wait(ferry_db *db, pg_staging *p)
{
	PGresult *bad;
	int error;

	sender_idle(p);
	if (!p->failed)
		return 0;
	bad = p->bad;
	p->failed = 0;
	p->bad = NULL;
	error = ferry_pg__error(db, bad, "staging items");
	PQclear(bad);
	return error;
}

static void sender_start(pg_staging *p)
{
	if (p->threaded)
		return;		/* (a stager not freed: its sender serves) */
	p->busy = p->stop = 0;
	p->threaded = ferry_worker_start(&p->worker, sender_main, p);
}

/* Stop the sender once it holds nothing; a failure stays for the next
 * sender_wait(). */
static void sender_stop(pg_staging *p)
{
	sender_idle(p);
	if (p->threaded)
		ferry_worker_stop(&p->worker, &p->stop);
	p->threaded = 0;
}

/* Send the filled batch: to the sender when `ahead` and it runs (the
 * rows are stored later, in order), else here and now. */
static int batch_flush(ferry_db *db, pg_staging *p, int ahead)
{
	PGresult *bad = NULL;
	pg_batch t;
	int error;

	if ((error = sender_wait(db, p)) < 0)
		return error;
	if (p->fill.rows.size == 0)
		return 0;
	if (ahead && p->threaded) {
		pthread_mutex_lock(&p->worker.mu);
		t = p->sent;
		p->sent = p->fill;
		p->fill = t;
		p->busy = 1;
		pthread_cond_broadcast(&p->worker.cv);
		pthread_mutex_unlock(&p->worker.mu);
		return 0;
	}
	if (batch_send(p->conn, &p->fill, &bad) < 0)
		error = ferry_pg__error(db, bad, "staging items");
	PQclear(bad);
	batch_clear(&p->fill);
	return error;
}

int ferry_pg_imports__flush(ferry_db *db, int64_t id)
{
	pg_staging *p = staging(db, 0);
	int error;

	if (!p)
		return 0;
	if ((error = sender_wait(db, p)) < 0)
		return error;
	if (p->id != id) {
		/* Rows of a load that failed: its transaction is gone. */
		staging_reset(p, 0);
		return 0;
	}
	return batch_flush(db, p, 0);
}

/* ---- the record seen ----------------------------------------------------- */

static uint64_t key_hash(const ferry_stage_line *sl)
{
	uint64_t h = 1469598103934665603ULL;
	int c;
	size_t i;

	for (c = FERRY_COL_T; c <= FERRY_COL_SYS_ID; c++) {
		for (i = 0; i < sl->col[c].size; i++)
			h = (h ^ (unsigned char)sl->col[c].ptr[i]) *
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

#define V(sl, c) FERRY_STAGED(sl, c)

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
	sender_start(p);
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
	 * the import's items are read, and so does the sender's failure,
	 * if it had one.  A load that refused a line is rolled back: its
	 * rows are dropped (here when the store refused it; when the
	 * library did, by the next stager or flush, whose import is
	 * another). */
	if ((p = staging(db, 0)) == NULL) {
		ferry__free(s);
		return;
	}
	sender_stop(p);
	if (s->failed && p->id == s->id)
		staging_reset(p, 0);
	ferry__free(s);
}

/* A row's import and item, then columns [from, to) of the line but
 * skip, in COPY's text form. */
static void copy_columns(pg_staging *p, const ferry_stage_line *sl,
	int64_t item, ferry_str *out, int from, int to, int skip)
{
	int c;

	ferry_str_printf(out, "%lld\t%lld", (long long)p->id,
		(long long)item);
	for (c = from; c < to; c++) {
		if (c == skip)
			continue;
		ferry_str_putc(out, '\t');
		ferry_pg__copy_value(out, sl->col[c].ptr, sl->col[c].size, sl->null[c]);
	}
}

/* Is this record (t, entity, sys_id) staged already? */
static int repeated(ferry_import_stager *s, pg_staging *p,
	const ferry_stage_line *sl, int *out)
{
	ferry_pg_num i;
	const char *params[] = { ferry_pg__num(&i, s->id),
		V(sl, FERRY_COL_T), V(sl, FERRY_COL_ENTITY),
		V(sl, FERRY_COL_SYS_ID) };
	PGresult *res;
	int error;

	*out = 0;
	if ((error = seen_add(s->db, p, key_hash(sl))) <= 0)
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
	const ferry_staged_item *it);

int ferry_pg__import_stage(ferry_db *db, ferry_import_stager *s,
	int64_t item, const ferry_staged_item *it)
{
	int rc = stage(db, s, item, it);

	if (rc != 0)
		s->failed = 1;
	return rc;
}

static int stage(ferry_db *db, ferry_import_stager *s, int64_t item,
	const ferry_staged_item *it)
{
	pg_staging *p = staging(db, 0);
	const ferry_stage_line *sl = it->line;
	pg_batch *b;
	int rep = 0, error;

	if (!p || p->id != s->id)
		return ferry__error(db, FERRY_EMISUSE, "staging without a "
			"stager");
	b = &p->fill;
	if (V(sl, FERRY_COL_T) && V(sl, FERRY_COL_ENTITY) &&
	    V(sl, FERRY_COL_SYS_ID) && (error = repeated(s, p, sl, &rep)) < 0)
		return error;
	if (rep)
		return FERRY_STAGE_REPEATED;
	copy_columns(p, sl, item, &b->rows, FERRY_COL_T, FERRY_COL_VERSION,
		-1);
	ferry_str_putc(&b->rows, '\t');
	ferry_pg__copy_value(&b->rows, it->code, it->code ? strlen(it->code) : 0,
		!it->code);
	ferry_str_printf(&b->rows, "\t%d\t", it->system);
	ferry_pg__copy_value(&b->rows, it->refs, it->refs_len, !it->refs);
	ferry_str_putc(&b->rows, '\n');
	copy_columns(p, sl, item, &b->values, FERRY_COL_VERSION,
		FERRY_COL_SEAL, FERRY_COL_PAYLOAD);
	ferry_str_putc(&b->values, '\n');
	if (!sl->null[FERRY_COL_PAYLOAD]) {
		ferry_str_printf(&b->payloads, "%lld\t",
			(long long)PG_STAGED_K(p->id, item));
		ferry_pg__copy_value(&b->payloads, sl->col[FERRY_COL_PAYLOAD].ptr,
			sl->col[FERRY_COL_PAYLOAD].size, 0);
		ferry_str_putc(&b->payloads, '\n');
	}
	if (ferry_str_failed(&b->rows) || ferry_str_failed(&b->values) ||
	    ferry_str_failed(&b->payloads))
		return ferry__oom(db);
	if (b->rows.size + b->values.size + b->payloads.size >= STAGE_BATCH)
		return batch_flush(db, p, 1);
	return 0;
}

/* ---- checks -------------------------------------------------------------- */

/* The first item refused: its own verdict (stage_code), else the
 * checks across items, last in their branches on SQLite too. */
#define CHECK_ITEMS "SELECT item, code, " ITEM_FACT_1 ", " ITEM_FACT_2 \
	" FROM (SELECT i.item, t, entity, sys_id, action, v.policy, rkey, " \
	ITEM_CODE " AS code FROM ferry_import_item i" \
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
	    (found = ferry_pg_imports__analyze(db)) < 0 ||
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
	found = ferry_pg_imports__cursor(db, "SELECT i.item, vp.payload FROM "
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
