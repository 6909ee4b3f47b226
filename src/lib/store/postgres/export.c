/*
 * export.c - the PostgreSQL store's side of pack export: the pack's
 * items in file order, with their versions, read through a cursor a
 * batch at a time so memory does not grow with the pack, in the order
 * and with the values of sqlite/export.c; and a completed pack's
 * finished lines, kept at `pack complete` and read by its export
 * instead.
 */
#include "pg.h"

#include <stdio.h>
#include <string.h>

/* Rows fetched per round trip: few trips, a bounded batch in memory. */
#define EXPORT_BATCH 1000
#define TEXT_(n) #n
#define TEXT(n) TEXT_(n)

#define EXPORT_CURSOR "ferry_export_rows"

/*
 * The items in file order, each with one lookup of its version; the
 * base's hash and the old values are the item's, and the base's payload
 * is read only for an update captured before items kept old values.
 * The out-of-date check walks ferry_version_record in the same order.
 * %lld is the pack's id: a cursor is declared as plain SQL text.
 */
static const char export_sql[] = "DECLARE " EXPORT_CURSOR " NO SCROLL "
	"CURSOR FOR SELECT i.entity, i.sys_id, v.rkey, CASE WHEN v.action = "
	"'delete' THEN 'delete' WHEN i.base IS NULL THEN 'insert' ELSE "
	"'update' END, v.hash, i.base, v.policy, v.vendor, "
	PG_VERSION_PAYLOAD("v") ", CASE "
	"WHEN v.action = 'update' AND i.base IS NOT NULL THEN i.old END, "
	"CASE WHEN v.action = 'update' AND i.base IS NOT NULL AND i.old IS "
	"NULL THEN (SELECT " PG_VERSION_PAYLOAD("b") " FROM ferry_version b "
	"WHERE b.id = "
	"i.base_id) END, CASE WHEN EXISTS (SELECT 1 FROM ferry_version n "
	"WHERE n.entity = i.entity AND n.sys_id = i.sys_id AND n.id > "
	"i.version_id) THEN 1 ELSE 0 END FROM ferry_pack_item i JOIN "
	"ferry_version v ON v.id = i.version_id WHERE i.pack_id = %lld "
	"ORDER BY i.entity, i.sys_id";

/* Column text and its length (NULL, 0 for SQL NULL). */
static const char *column(const PGresult *res, int row, int col,
	size_t *len)
{
	const char *s = ferry_pg__str(res, row, col);

	if (len)
		*len = s ? (size_t)PQgetlength(res, row, col) : 0;
	return s;
}

/* Hand each row of one fetched batch to cb. */
static int export_batch(const PGresult *res, ferry_export_cb cb,
	void *payload)
{
	int i, error = 0;

	for (i = 0; i < PQntuples(res) && error == 0; i++) {
		ferry_export_row r;

		r.entity = column(res, i, 0, NULL);
		r.sys_id = column(res, i, 1, NULL);
		r.rkey = column(res, i, 2, NULL);
		r.action = column(res, i, 3, NULL);
		r.version = column(res, i, 4, NULL);
		r.base = column(res, i, 5, NULL);
		r.policy = column(res, i, 6, NULL);
		r.vendor = (int)ferry_pg__int(res, i, 7);
		r.payload = column(res, i, 8, &r.payload_len);
		r.old = column(res, i, 9, &r.old_len);
		r.base_payload = column(res, i, 10, &r.base_payload_len);
		r.out_of_date = (int)ferry_pg__int(res, i, 11);
		error = cb(&r, payload);
	}
	return error;
}

int ferry_pg__export_rows(ferry_db *db, int64_t pack_id,
	ferry_export_cb cb, void *payload)
{
	char sql[sizeof(export_sql) + 24];
	PGresult *res;
	int error, rows;

	/* A cursor lives in a transaction: export reads inside its own. */
	if (PQtransactionStatus(PG(db)->conn) != PQTRANS_INTRANS)
		return ferry__error(db, FERRY_EMISUSE, "export reads a pack "
			"inside a transaction");
	snprintf(sql, sizeof(sql), export_sql, (long long)pack_id);
	res = PQexec(PG(db)->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		error = ferry_pg__error(db, res, "export");
		PQclear(res);
		return error;
	}
	PQclear(res);
	do {
		/* Not prepared through the cache: it runs once per batch
		 * of one export. */
		res = PQexec(PG(db)->conn, "FETCH FORWARD "
			TEXT(EXPORT_BATCH) " FROM " EXPORT_CURSOR);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			error = ferry_pg__error(db, res, "export");
			PQclear(res);
			break;
		}
		rows = PQntuples(res);
		error = export_batch(res, cb, payload);
		PQclear(res);
	} while (error == 0 && rows == EXPORT_BATCH);
	/* Closed even after a failed callback: the transaction goes on.
	 * In a failed transaction the close fails too, harmlessly. */
	PQclear(PQexec(PG(db)->conn, "CLOSE " EXPORT_CURSOR));
	return error;
}

/* ---- a frozen pack's lines ---------------------------------------------- */

#define COPY_FROZEN "COPY ferry_pack_frozen (pack_id, seq, entity, sys_id, " \
	"out_of_date, line) FROM STDIN"

int ferry_pg__pack_freeze_add(ferry_db *db, int64_t pack_id,
	const ferry_frozen_line *lines, size_t n)
{
	ferry_str rows = FERRY_STR_INIT;
	PGresult *bad = NULL;
	size_t i;
	int error = 0;

	/* One COPY a batch: a round trip a line would cost more than the
	 * lines. */
	for (i = 0; i < n; i++) {
		const ferry_frozen_line *l = &lines[i];

		ferry_str_printf(&rows, "%lld\t%lld\t", (long long)pack_id,
			(long long)l->seq);
		ferry_pg__copy_value(&rows, l->entity, strlen(l->entity), 0);
		ferry_str_putc(&rows, '\t');
		ferry_pg__copy_value(&rows, l->sys_id, strlen(l->sys_id), 0);
		ferry_str_printf(&rows, "\t%d\t", l->out_of_date);
		ferry_pg__copy_value(&rows, l->line, l->len, 0);
		ferry_str_putc(&rows, '\n');
	}
	if (ferry_str_failed(&rows))
		error = ferry__oom(db);
	else if (n && ferry_pg__copy_send(PG(db)->conn, COPY_FROZEN, &rows,
	    &bad) < 0)
		error = ferry_pg__error(db, bad, "completing a pack");
	PQclear(bad);
	ferry_str_dispose(&rows);
	return error;
}

int ferry_pg__pack_freeze_end(ferry_db *db, int64_t pack_id,
	unsigned format)
{
	ferry_pg_num p, f;
	const char *params[] = { ferry_pg__num(&p, pack_id),
		ferry_pg__num(&f, format) };

	return ferry_pg__command(db, "UPDATE ferry_pack SET frozen_mark = "
		"(SELECT coalesce(max(id), 0) FROM ferry_version), "
		"frozen_format = $2 WHERE id = $1", 2, params, NULL,
		"completing a pack");
}

int ferry_pg__pack_thaw(ferry_db *db, int64_t pack_id)
{
	ferry_pg_num p;
	const char *param = ferry_pg__num(&p, pack_id);
	int error;

	if ((error = ferry_pg__command(db, "DELETE FROM ferry_pack_frozen "
	    "WHERE pack_id = $1", 1, &param, NULL, "reopening a pack")) < 0)
		return error;
	return ferry_pg__command(db, "UPDATE ferry_pack SET frozen_mark = "
		"NULL, frozen_format = NULL WHERE id = $1", 1, &param, NULL,
		"reopening a pack");
}

/*
 * A frozen pack's lines in file order, through COPY: a row at a time
 * from the connection, where a cursor's batch of 1,000 lines (735 KB)
 * was a result libpq allocates and frees again, which glibc gave back
 * to the system and faulted in again each time, two thirds of the
 * export's reading thread (docs/performance.md).  An item is out of
 * date if it was when frozen, or, only when the instance has versions
 * after the mark (the first %lld), if its record has one.
 */
#define FROZEN_FROM " line FROM ferry_pack_frozen f WHERE f.pack_id = " \
	"%lld ORDER BY f.seq) TO STDOUT"
static const char frozen_sql[] = "COPY (SELECT entity, sys_id, "
	"out_of_date," FROZEN_FROM;
static const char frozen_changed_sql[] = "COPY (SELECT entity, sys_id, "
	"CASE WHEN out_of_date = 1 OR EXISTS (SELECT 1 FROM ferry_version n "
	"WHERE n.entity = f.entity AND n.sys_id = f.sys_id AND n.id > %lld) "
	"THEN 1 ELSE 0 END," FROZEN_FROM;

/* One row of COPY's text (entity, sys_id, out_of_date, line, then a
 * newline) into l, unescaped in place; -1 when it is not one. */
static int frozen_row(char *row, ferry_frozen_line *l)
{
	char *field[4];
	size_t len[4];
	int i;

	for (i = 0; i < 4; i++) {
		char *end = row + strcspn(row, i < 3 ? "\t" : "\n");

		if (*end != (i < 3 ? '\t' : '\n'))
			return -1;
		*end = '\0';
		field[i] = row;
		len[i] = ferry_pg__copy_unescape(row);
		row = end + 1;
	}
	l->seq = 0;
	l->entity = field[0];
	l->sys_id = field[1];
	l->out_of_date = field[2][0] == '1';
	l->line = field[3];
	l->len = len[3];
	return 0;
}

int ferry_pg__export_frozen(ferry_db *db, int64_t pack_id, unsigned format,
	ferry_frozen_cb cb, void *payload)
{
	char sql[sizeof(frozen_changed_sql) + 48];
	ferry_pg_num p, f;
	const char *params[] = { ferry_pg__num(&p, pack_id),
		ferry_pg__num(&f, format) };
	PGconn *conn = PG(db)->conn;
	PGresult *res;
	char *row;
	int64_t mark;
	int error, changed, n;

	/* The mark, and whether versions were written since. */
	if ((error = ferry_pg__one(db, "SELECT frozen_mark, (SELECT max(id) "
	    "FROM ferry_version) > frozen_mark FROM ferry_pack WHERE id = $1 "
	    "AND frozen_format = $2", 2, params, &res, "export")) < 0)
		return error;
	mark = ferry_pg__int(res, 0, 0);
	changed = !PQgetisnull(res, 0, 1) && *PQgetvalue(res, 0, 1) == 't';
	PQclear(res);
	if (changed)
		snprintf(sql, sizeof(sql), frozen_changed_sql, (long long)mark,
			(long long)pack_id);
	else
		snprintf(sql, sizeof(sql), frozen_sql, (long long)pack_id);
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		error = ferry_pg__error(db, res, "export");
		PQclear(res);
		return error;
	}
	PQclear(res);
	/* Every row is read, even after a failed callback: a COPY ends
	 * only when its data has all been read. */
	while ((n = PQgetCopyData(conn, &row, 0)) > 0) {
		ferry_frozen_line l;

		if (error == 0)
			error = frozen_row(row, &l) < 0 ? ferry__error(db,
				FERRY_ERROR, "the lines pack %lld keeps for "
				"export are damaged; reopen the pack and "
				"complete it again", (long long)pack_id) :
				cb(&l, payload);
		PQfreemem(row);
	}
	while ((res = PQgetResult(conn)) != NULL) {
		if (error == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
			error = ferry_pg__error(db, res, "export");
		PQclear(res);
	}
	/* (-2: the connection failed, and no result may say so.) */
	if (error == 0 && n == -2)
		error = ferry_pg__error(db, NULL, "export");
	return error;
}

typedef struct {
	int (*cb)(const char *entity, void *payload);
	void *payload;
} entities_ctx;

static int entity_row(const PGresult *res, int row, void *payload)
{
	entities_ctx *c = payload;

	return c->cb(ferry_pg__str(res, row, 0), c->payload);
}

int ferry_pg__pack_entities(ferry_db *db, int64_t pack_id,
	int (*cb)(const char *entity, void *payload), void *payload)
{
	entities_ctx c = { cb, payload };
	ferry_pg_num p;
	const char *param = ferry_pg__num(&p, pack_id);

	return ferry_pg__each(db, "SELECT DISTINCT i.entity FROM "
		"ferry_pack_item i WHERE i.pack_id = $1 ORDER BY 1", 1, &param,
		entity_row, &c, "export");
}
