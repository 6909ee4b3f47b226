/*
 * records.c - the PostgreSQL store's side of records: rows of entity
 * tables, built with the entity's field list.  Names reach SQL only
 * through ferry_pg__table() and ferry_pg__ident(), after the catalog
 * validated them.
 *
 * Values travel as text: an integer as its decimal text, text as
 * itself.  Every field is a PG_TEXT column; a value read back takes the
 * kind of its field's type (ferry_type__is_integer(), see catalog.c),
 * which is the kind SQLite keeps with the value.
 */
#include "plan_sql.h"
#include "sqltext.h"

#include "alloc.h"

#include <stdlib.h>
#include <string.h>

/* Records read at a time by a query (streamed: a page in memory). */
#define QUERY_PAGE 500

/* The parameters of a row's values: text, or a number's text. */
typedef struct {
	const char **params;
	ferry_pg_num *nums;
} value_params;

static int params_new(ferry_db *db, value_params *p, size_t n)
{
	p->params = ferry__calloc(n ? n : 1, sizeof(*p->params));
	p->nums = ferry__calloc(n ? n : 1, sizeof(*p->nums));
	if (!p->params || !p->nums) {
		ferry__free(p->params);
		ferry__free(p->nums);
		return ferry__oom(db);
	}
	return 0;
}

static void params_dispose(value_params *p)
{
	ferry__free(p->params);
	ferry__free(p->nums);
}

static void param_value(value_params *p, size_t i, const ferry_value *v)
{
	switch (v->kind) {
	case FERRY_V_NULL:
		p->params[i] = NULL;
		break;
	case FERRY_V_INT:
		p->params[i] = ferry_pg__num(&p->nums[i], v->i);
		break;
	case FERRY_V_TEXT:
		p->params[i] = v->s ? v->s : "";
		break;
	}
}

/* The kind the values of field f are stored with. */
static ferry_value_kind field_kind(const ferry_field *f)
{
	return ferry_type__is_integer(&f->type) ? FERRY_V_INT : FERRY_V_TEXT;
}

/* Column col of a row as a value of field f; text is borrowed from the
 * result. */
static void column_value(ferry_value *v, const PGresult *res, int row,
	int col, const ferry_field *f)
{
	memset(v, 0, sizeof(*v));
	if (PQgetisnull(res, row, col))
		return;
	v->kind = field_kind(f);
	if (v->kind == FERRY_V_INT) {
		v->i = strtoll(PQgetvalue(res, row, col), NULL, 10);
	} else {
		v->s = PQgetvalue(res, row, col);
		v->len = (size_t)PQgetlength(res, row, col);
	}
}

/* The system columns of row, from column col on. */
static void meta_at(ferry_record_meta *out, const PGresult *res, int row,
	int col)
{
	ferry_pg__copy(out->sys_id, sizeof(out->sys_id), res, row, col);
	ferry_pg__copy(out->policy, sizeof(out->policy), res, row, col + 1);
	out->vendor = (int)ferry_pg__int(res, row, col + 2);
	ferry_pg__copy(out->version, sizeof(out->version), res, row, col + 3);
}

static void meta_row(ferry_record_meta *out, const PGresult *res)
{
	meta_at(out, res, 0, 0);
}

int ferry_pg__record_meta(ferry_db *db, const char *entity,
	const char *sys_id, ferry_record_meta *out)
{
	ferry_str sql = FERRY_STR_INIT;
	PGresult *res;
	int error;

	ferry_str_puts(&sql, "SELECT sys_id, sys_policy, sys_vendor, "
		"sys_version FROM ");
	ferry_pg__table(&sql, entity);
	ferry_str_puts(&sql, " WHERE sys_id = $1");
	if ((error = ferry_pg__query_str(db, &sql, 1, &sys_id, &res,
	    "reading a record")) < 0)
		return error;
	if (PQntuples(res) == 0)
		error = FERRY_ENOTFOUND;
	else
		meta_row(out, res);
	PQclear(res);
	return error;
}

int ferry_pg__record_exists(ferry_db *db, const char *entity,
	const char *sys_id)
{
	ferry_record_meta m;
	int error = ferry_pg__record_meta(db, entity, sys_id, &m);

	if (error == FERRY_ENOTFOUND)
		return 0;
	return error < 0 ? error : 1;
}

/* $1 sys_id, $2 time, $3 user, $4 policy, $5 vendor, $6 version: the
 * system parameters of a write; the values follow from $7. */
#define SYS_PARAMS 6

static void sys_params(value_params *p, const char *sys_id,
	ferry_policy policy, int vendor, const char *version,
	const ferry_audit *audit)
{
	p->params[0] = sys_id;
	p->params[1] = audit->at;
	p->params[2] = audit->user;
	p->params[3] = ferry_policy_name(policy);
	p->params[4] = ferry_pg__num(&p->nums[4], vendor ? 1 : 0);
	p->params[5] = version;
}

int ferry_pg__record_insert(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values,
	const char *sys_id, ferry_policy policy, int vendor,
	const char *version, const ferry_audit *audit)
{
	ferry_str sql = FERRY_STR_INIT;
	value_params p;
	size_t i;
	int error;

	if ((error = params_new(db, &p, SYS_PARAMS + fs->n)) < 0)
		return error;
	ferry_str_puts(&sql, "INSERT INTO ");
	ferry_pg__table(&sql, entity);
	ferry_str_puts(&sql, " (sys_id, sys_created_at, sys_created_by, "
		"sys_updated_at, sys_updated_by, sys_policy, sys_vendor, "
		"sys_version");
	for (i = 0; i < fs->n; i++) {
		ferry_str_puts(&sql, ", ");
		ferry_pg__ident(&sql, fs->fields[i].name);
	}
	ferry_str_puts(&sql, ") VALUES ($1, $2, $3, $2, $3, $4, $5, $6");
	for (i = 0; i < fs->n; i++) {
		ferry_str_printf(&sql, ", $%zu", i + SYS_PARAMS + 1);
		param_value(&p, i + SYS_PARAMS, &values[i]);
	}
	ferry_str_putc(&sql, ')');
	sys_params(&p, sys_id, policy, vendor, version, audit);
	error = ferry_pg__query_str(db, &sql, (int)(SYS_PARAMS + fs->n),
		p.params, NULL, "inserting a record");
	params_dispose(&p);
	return error;
}

int ferry_pg__record_update(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values, const int *set,
	const char *sys_id, ferry_policy policy, int vendor,
	const char *version, const ferry_audit *audit)
{
	ferry_str sql = FERRY_STR_INIT;
	value_params p;
	size_t i, n = SYS_PARAMS;
	int error;

	if ((error = params_new(db, &p, SYS_PARAMS + fs->n)) < 0)
		return error;
	ferry_str_puts(&sql, "UPDATE ");
	ferry_pg__table(&sql, entity);
	ferry_str_puts(&sql, " SET sys_updated_at = $2, sys_updated_by = $3, "
		"sys_policy = $4, sys_vendor = $5, sys_version = $6");
	for (i = 0; i < fs->n; i++) {
		if (!set[i])
			continue;
		ferry_str_puts(&sql, ", ");
		ferry_pg__ident(&sql, fs->fields[i].name);
		ferry_str_printf(&sql, " = $%zu", n + 1);
		param_value(&p, n++, &values[i]);
	}
	ferry_str_puts(&sql, " WHERE sys_id = $1");
	sys_params(&p, sys_id, policy, vendor, version, audit);
	error = ferry_pg__query_str(db, &sql, (int)n, p.params, NULL,
		"updating a record");
	params_dispose(&p);
	return error;
}

int ferry_pg__record_delete(ferry_db *db, const char *entity,
	const char *sys_id)
{
	ferry_str sql = FERRY_STR_INIT;

	ferry_str_puts(&sql, "DELETE FROM ");
	ferry_pg__table(&sql, entity);
	ferry_str_puts(&sql, " WHERE sys_id = $1");
	return ferry_pg__query_str(db, &sql, 1, &sys_id, NULL,
		"deleting a record");
}

/* A record's columns: the META_COLUMNS system columns, then the
 * fields, each after `alias` (a table alias and its dot, or ""). */
#define META_COLUMNS 8

static void record_columns(ferry_str *sql, const char *alias,
	const ferry_fieldset *fs)
{
	static const char *const meta[META_COLUMNS] = { "sys_id",
		"sys_policy", "sys_vendor", "sys_version", "sys_created_at",
		"sys_created_by", "sys_updated_at", "sys_updated_by" };
	size_t i;

	for (i = 0; i < META_COLUMNS; i++) {
		ferry_str_puts(sql, i ? ", " : "");
		ferry_str_puts(sql, alias);
		ferry_str_puts(sql, meta[i]);
	}
	for (i = 0; i < fs->n; i++) {
		ferry_str_puts(sql, ", ");
		ferry_str_puts(sql, alias);
		ferry_pg__ident(sql, fs->fields[i].name);
	}
}

static void select_columns(ferry_str *sql, const char *entity,
	const ferry_fieldset *fs)
{
	ferry_str_puts(sql, "SELECT ");
	record_columns(sql, "", fs);
	ferry_str_puts(sql, " FROM ");
	ferry_pg__table(sql, entity);
}

int ferry_pg__record_values(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *sys_id, ferry_value *values)
{
	ferry_str sql = FERRY_STR_INIT;
	PGresult *res;
	size_t i;
	int error;

	select_columns(&sql, entity, fs);
	ferry_str_puts(&sql, " WHERE sys_id = $1");
	if ((error = ferry_pg__query_str(db, &sql, 1, &sys_id, &res,
	    "reading a record")) < 0)
		return error;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return FERRY_ENOTFOUND;
	}
	for (i = 0; i < fs->n; i++) {
		ferry_value *v = &values[i];

		column_value(v, res, 0, (int)i + META_COLUMNS, &fs->fields[i]);
		if (v->kind == FERRY_V_TEXT && (v->s = ferry__strndup(v->s,
		    v->len)) == NULL)
			error = FERRY_ENOMEM;
	}
	PQclear(res);
	return error ? ferry__oom(db) : 0;
}

/*
 * One statement for the batch: each sys_id's row joined to its newest
 * version, where the one-record operations cost three round trips a
 * record.  Columns: the ordinal, the record's (record_columns), then
 * the newest version's id and hash.
 */
int ferry_pg__record_current_many(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *const *sys_ids, size_t n,
	ferry_record_current *current)
{
	ferry_str sql = FERRY_STR_INIT;
	ferry_pg_array ids;
	const char *params[2] = { entity, NULL };
	PGresult *res = NULL;
	size_t i;
	int error = 0, r, last = 1 + META_COLUMNS + (int)fs->n;

	for (i = 0; i < n; i++) {
		current[i].found = 0;
		current[i].latest_id = 0;
		current[i].latest_hash[0] = '\0';
	}
	if (n == 0)
		return 0;
	if ((params[1] = ferry_pg_array_texts(&ids, sys_ids, n)) == NULL) {
		ferry_pg_array_dispose(&ids);
		return ferry__oom(db);
	}
	ferry_str_puts(&sql, "SELECT u.o, ");
	record_columns(&sql, "t.", fs);
	ferry_str_puts(&sql, ", lv.id, lv.hash FROM unnest($2::text[]) WITH "
		"ORDINALITY AS u(id, o) JOIN ");
	ferry_pg__table(&sql, entity);
	ferry_str_puts(&sql, " t ON t.sys_id = u.id LEFT JOIN LATERAL (SELECT "
		"v.id, v.hash FROM ferry_version v WHERE v.entity = $1::text "
		"AND v.sys_id = u.id ORDER BY v.id DESC LIMIT 1) lv ON true");
	error = ferry_pg__query_str(db, &sql, 2, params, &res,
		"reading records");
	ferry_pg_array_dispose(&ids);
	if (error < 0)
		return error;
	for (r = 0; r < PQntuples(res) && !error; r++) {
		int64_t at = ferry_pg__int(res, r, 0);
		ferry_record_current *c;

		if (at < 1 || (uint64_t)at > n)
			continue;
		c = &current[at - 1];
		c->found = 1;
		meta_at(&c->meta, res, r, 1);
		for (i = 0; i < fs->n; i++) {
			ferry_value *v = &c->values[i];

			column_value(v, res, r, 1 + META_COLUMNS + (int)i,
				&fs->fields[i]);
			if (v->kind == FERRY_V_TEXT && (v->s =
			    ferry__strndup(v->s, v->len)) == NULL)
				error = ferry__oom(db);
		}
		if (!PQgetisnull(res, r, last)) {
			c->latest_id = ferry_pg__int(res, r, last);
			ferry_pg__copy(c->latest_hash, sizeof(c->latest_hash),
				res, r, last + 1);
		}
	}
	PQclear(res);
	return error;
}

/* A query's state: the page being handed on and where the next starts. */
typedef struct {
	const ferry_fieldset *fs;
	ferry_value *values;
	ferry_record_entry_cb cb;
	void *payload;
	ferry_str last;		/* sys_id of the last row handed on */
	uint64_t rows;		/* rows of the page */
} query_state;

static int query_row(const PGresult *res, int row, void *payload)
{
	query_state *q = payload;
	ferry_record_entry e;
	size_t i;

	q->rows++;
	e.sys_id = ferry_pg__str(res, row, 0);
	e.policy = ferry_pg__str(res, row, 1);
	e.vendor = (int)ferry_pg__int(res, row, 2);
	e.version = ferry_pg__str(res, row, 3);
	e.created_at = ferry_pg__str(res, row, 4);
	e.created_by = ferry_pg__str(res, row, 5);
	e.updated_at = ferry_pg__str(res, row, 6);
	e.updated_by = ferry_pg__str(res, row, 7);
	for (i = 0; i < q->fs->n; i++)
		column_value(&q->values[i], res, row, (int)i + META_COLUMNS,
			&q->fs->fields[i]);
	e.values = q->values;
	ferry_str_clear(&q->last);
	ferry_str_puts(&q->last, e.sys_id);
	if (ferry_str_failed(&q->last))
		return FERRY_ENOMEM;
	return q->cb(&e, q->payload);
}

/*
 * The query's text: the conditions, then the page's start ($k: after
 * that sys_id), size and offset.  A condition on a field with a value
 * of the other kind matches nothing, as on SQLite, where an integer
 * never equals a text.
 */
static int query_text(ferry_str *sql, const char *entity,
	const ferry_fieldset *fs, const ferry_record_cond *conds, size_t n,
	value_params *p)
{
	size_t i, k = 0;
	int f;

	select_columns(sql, entity, fs);
	ferry_str_puts(sql, " WHERE ");
	for (i = 0; i < n; i++) {
		const ferry_value *v = &conds[i].value;

		f = ferry_fieldset_find(fs, conds[i].column);
		if (v->kind != FERRY_V_NULL && f >= 0 &&
		    field_kind(&fs->fields[f]) != v->kind) {
			ferry_str_puts(sql, "false AND ");
			continue;
		}
		ferry_pg__ident(sql, conds[i].column);
		if (v->kind == FERRY_V_NULL) {
			ferry_str_puts(sql, " IS NULL AND ");
			continue;
		}
		param_value(p, k++, v);
		ferry_str_printf(sql, " = $%zu AND ", k);
	}
	ferry_str_printf(sql, "sys_id > $%zu ORDER BY sys_id LIMIT $%zu "
		"OFFSET $%zu", k + 1, k + 2, k + 3);
	return (int)k;
}

int ferry_pg__record_query(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_cond *conds, size_t n,
	uint64_t limit, uint64_t offset,
	ferry_record_entry_cb cb, void *payload)
{
	query_state q = { fs, NULL, cb, payload, FERRY_STR_INIT, 0 };
	ferry_str sql = FERRY_STR_INIT;
	uint64_t left = limit ? limit : UINT64_MAX, page;
	value_params p = { NULL, NULL };
	int error, k, own;

	if ((error = params_new(db, &p, n + 3)) < 0)
		return error;
	k = query_text(&sql, entity, fs, conds, n, &p);
	if (ferry_str_failed(&sql) || (fs->n && (q.values = ferry__calloc(
	    fs->n, sizeof(*q.values))) == NULL)) {
		error = ferry__oom(db);
		goto done;
	}
	/* One snapshot for every page, as SQLite's one statement has. */
	own = PG(db)->depth == 0;
	if (own && (error = ferry_pg__begin_read(db)) < 0)
		goto done;
	ferry_str_puts(&q.last, "");
	do {
		page = left < QUERY_PAGE ? left : QUERY_PAGE;
		q.rows = 0;
		p.params[k] = ferry_str_cstr(&q.last);
		p.params[k + 1] = ferry_pg__num(&p.nums[k + 1], (int64_t)page);
		p.params[k + 2] = ferry_pg__num(&p.nums[k + 2],
			(int64_t)offset);
		error = ferry_pg__each(db, sql.ptr, k + 3, p.params, query_row,
			&q, "listing records");
		/* Later pages start after the last row handed on. */
		offset = 0;
		left -= q.rows;
	} while (error == 0 && q.rows == page && left > 0);
	if (error == FERRY_ENOMEM)
		error = ferry__oom(db);
	if (own) {
		int end = ferry_pg__end(db, error < 0 ? error : 0);

		if (error >= 0 && end < 0)
			error = end;
	}
done:
	ferry_str_dispose(&sql);
	ferry_str_dispose(&q.last);
	ferry__free(q.values);
	params_dispose(&p);
	return error;
}

/* Look for a referring row through one ref field; 1 when found. */
static int referrer_in(ferry_db *db, const char *entity, const char *field,
	const char *sys_id, ferry_str *who)
{
	ferry_str sql = FERRY_STR_INIT;
	PGresult *res;
	int error;

	ferry_str_puts(&sql, "SELECT sys_id FROM ");
	ferry_pg__table(&sql, entity);
	ferry_str_puts(&sql, " WHERE ");
	ferry_pg__ident(&sql, field);
	ferry_str_puts(&sql, " = $1 ORDER BY sys_id LIMIT 1");
	if ((error = ferry_pg__query_str(db, &sql, 1, &sys_id, &res,
	    "looking for references")) < 0)
		return error;
	if (PQntuples(res) > 0) {
		ferry_str_printf(who, "%s.%s %s", entity, field,
			PQgetvalue(res, 0, 0));
		error = ferry_str_failed(who) ? ferry__oom(db) : 1;
	}
	PQclear(res);
	return error;
}

int ferry_pg__record_referrer(ferry_db *db, const char *entity,
	const char *sys_id, ferry_str *who)
{
	PGresult *res;
	int error, i;

	/* The ref fields that point at this entity, in the order they were
	 * added (SQLite's scan of sys_field). */
	if ((error = ferry_pg__query(db, "SELECT entity, name FROM sys_field "
	    "WHERE type = 'ref(' || $1::text || ')' ORDER BY _seq", 1, &entity,
	    &res, "looking for references")) < 0)
		return error;
	error = FERRY_ENOTFOUND;
	for (i = 0; i < PQntuples(res); i++) {
		int found = referrer_in(db, PQgetvalue(res, i, 0),
			PQgetvalue(res, i, 1), sys_id, who);

		if (found != 0) {
			error = found > 0 ? 0 : found;
			break;
		}
	}
	PQclear(res);
	return error;
}
