/*
 * export.c - the PostgreSQL store's side of pack export: the pack's
 * items in file order, with their versions, read through a cursor a
 * batch at a time so memory does not grow with the pack, in the order
 * and with the values of sqlite/export.c.
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
