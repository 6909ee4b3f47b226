/*
 * database.c - reaching, creating and closing the PostgreSQL database of
 * an instance; transactions; sizes.
 *
 * Writers are serialised as on SQLite: a write transaction first takes
 * the instance's advisory lock, waiting at most lock_timeout (5 s) for
 * another writer, then says the instance is busy.  Readers take a
 * snapshot (REPEATABLE READ) and never wait.
 */
#include "pg.h"

#include "../errors.h"
#include "../parts.h"
#include "alloc.h"

#include <stdio.h>
#include <string.h>

/* Connection parameters beside the location's own. */
static PGconn *connect_to(const char *location, const char *dbname)
{
	const char *keys[] = { "dbname", "dbname", "application_name",
		"client_encoding", "connect_timeout", NULL };
	const char *values[] = { location, dbname, "ferry", "UTF8", "10",
		NULL };

	if (!dbname) {
		keys[1] = keys[2];
		keys[2] = keys[3];
		keys[3] = keys[4];
		keys[4] = NULL;
		values[1] = values[2];
		values[2] = values[3];
		values[3] = values[4];
		values[4] = NULL;
	}
	/* expand_dbname: the first dbname is the whole location; a later
	 * dbname overrides the database it names. */
	return PQconnectdbParams(keys, values, 1);
}

/* Why a connection failed, in ferry's words. */
static int connect_error(ferry_db *db, PGconn *conn, const char *where)
{
	ferry_str why = FERRY_STR_INIT;
	const char *msg = PQerrorMessage(conn);
	const char *p;
	int error;

	/* libpq's last line is the reason; earlier ones name addresses. */
	for (p = msg; (p = strstr(p, "FATAL:  ")) != NULL; p += 8)
		msg = p + 8;
	if ((p = strstr(msg, "failed: ")) != NULL)
		msg = p + 8;
	ferry_str_put(&why, msg, strcspn(msg, "\n"));
	if (ferry_str_failed(&why))
		return ferry__oom(db);
	if (strstr(why.ptr, "password authentication failed") ||
	    strstr(why.ptr, "no password supplied") ||
	    strstr(why.ptr, "authentication failed") ||
	    PQconnectionNeedsPassword(conn))
		error = ferry__error(db, FERRY_EAUTH, "the PostgreSQL server "
			"refused the credentials for %s (%s); check the user "
			"and the password (PGPASSWORD or ~/.pgpass)", where,
			why.ptr);
	else if (strstr(why.ptr, "does not exist") && strstr(why.ptr,
	    "database"))
		/* The words of an instance file that is not there: the
		 * server's reason says nothing more. */
		error = ferry__error(db, FERRY_ENOTFOUND, "no instance at %s; "
			"create one with 'ferry --db %s init'", where, where);
	else
		error = ferry__error(db, FERRY_EIO, "cannot reach the "
			"PostgreSQL server for %s (%s); check the address and "
			"that the server runs", where, why.ptr);
	ferry_str_dispose(&why);
	return error;
}

/* The session's settings: the instance's schema first on the path. */
static int session(ferry_db *db)
{
	/* No JIT and no parallel workers: ferry's statements are many and
	 * short, an entity's items at a time, and compiling one, or
	 * starting a worker for it, cost more than running it (seen on the
	 * plan's statements: a worker's start 20-30 ms a statement). */
	return ferry_pg__exec(db, "SET search_path = " PG_SCHEMA ", pg_catalog;"
		"SET lock_timeout = '5s';"
		"SET jit = off;"
		"SET max_parallel_workers_per_gather = 0;"
		"SET random_page_cost = 1.1;"
		"SET work_mem = '16MB';"
		"SET client_min_messages = warning");
}

/* libpq, loaded by the first instance on PostgreSQL a run opens (pq.h). */
static int load_libpq(ferry_db *db)
{
	const char *why;

	return ferry_pq__load(&why) < 0 ?
		ferry__error(db, FERRY_ERROR, "%s", why) : 0;
}

static int connect(ferry_db *db, const char *location)
{
	ferry_pg *pg;

	if ((db->store = pg = ferry__calloc(1, sizeof(*pg))) == NULL)
		return ferry__oom(db);
	if ((pg->where = ferry__strdup(db->shown)) == NULL)
		return ferry__oom(db);
	pg->conn = connect_to(location, NULL);
	if (!pg->conn)
		return ferry__oom(db);
	if (PQstatus(pg->conn) != CONNECTION_OK)
		return connect_error(db, pg->conn, pg->where);
	return session(db);
}

/* Is the open database an instance?  Reads the catalog only. */
static int is_instance(ferry_db *db, int *out)
{
	PGresult *res;
	int error;

	if ((error = ferry_pg__query(db, "SELECT 1 FROM pg_catalog.pg_tables "
	    "WHERE schemaname = '" PG_SCHEMA "' AND tablename = "
	    "'ferry_instance'", 0, NULL, &res, "opening the instance")) < 0)
		return error;
	*out = PQntuples(res) > 0;
	PQclear(res);
	return 0;
}

/*
 * Make the database the location names, when it does not exist: through
 * the server's maintenance database "postgres", with byte order ("C")
 * and UTF-8 whatever the server's defaults.
 */
static int create_database(ferry_db *db, const char *location)
{
	PGconn *conn = connect_to(location, NULL);
	const char *name = NULL;
	ferry_str sql = FERRY_STR_INIT;
	PGconn *admin = NULL;
	PGresult *res;
	PQconninfoOption *opts, *o;
	int error = 0;

	if (!conn)
		return ferry__oom(db);
	if (PQstatus(conn) == CONNECTION_OK) {
		PQfinish(conn);
		return 0;
	}
	if (!strstr(PQerrorMessage(conn), "does not exist")) {
		error = connect_error(db, conn, PG(db)->where);
		PQfinish(conn);
		return error;
	}
	PQfinish(conn);
	opts = PQconninfoParse(location, NULL);
	for (o = opts; o && o->keyword; o++)
		if (!strcmp(o->keyword, "dbname"))
			name = o->val;
	if (!opts || !name) {
		PQconninfoFree(opts);
		return ferry__error(db, FERRY_EINVALID, "%s names no database; "
			"give one, as in postgresql://host/ferry_dev",
			PG(db)->where);
	}
	admin = connect_to(location, "postgres");
	if (!admin)
		error = ferry__oom(db);
	else if (PQstatus(admin) != CONNECTION_OK)
		error = connect_error(db, admin, PG(db)->where);
	if (error == 0) {
		ferry_str_puts(&sql, "CREATE DATABASE ");
		ferry_pg__ident(&sql, name);
		ferry_str_puts(&sql, " TEMPLATE template0 ENCODING 'UTF8' "
			"LC_COLLATE 'C' LC_CTYPE 'C'");
		if (ferry_str_failed(&sql)) {
			error = ferry__oom(db);
		} else {
			res = PQexec(admin, sql.ptr);
			if (PQresultStatus(res) != PGRES_COMMAND_OK)
				error = ferry__error(db, FERRY_EIO, "cannot "
					"create the database of %s: %s; create "
					"it (createdb), then run init again",
					PG(db)->where,
					PQresultErrorField(res,
					PG_DIAG_MESSAGE_PRIMARY));
			PQclear(res);
		}
	}
	ferry_str_dispose(&sql);
	PQfinish(admin);
	PQconninfoFree(opts);
	return error;
}

int ferry_pg__create(ferry_db *db, const char *location, const char *id,
	const char *name, const char *now)
{
	const char *params[3] = { id, name, now };
	int error, exists;

	if ((error = load_libpq(db)) < 0)
		return error;
	if ((db->store = ferry__calloc(1, sizeof(ferry_pg))) == NULL)
		return ferry__oom(db);
	if ((PG(db)->where = ferry__strdup(db->shown)) == NULL) {
		error = ferry__oom(db);
		goto fail;
	}
	if ((error = create_database(db, location)) < 0)
		goto fail;
	ferry_pg__close(db);
	if ((error = connect(db, location)) < 0 ||
	    (error = is_instance(db, &exists)) < 0)
		goto fail;
	if (exists) {
		error = ferry__error(db, FERRY_EEXISTS, "a ferry instance "
			"already exists at %s; choose another database, or "
			"open it with --db", PG(db)->where);
		goto fail;
	}
	if ((error = ferry_pg__begin(db)) < 0)
		goto fail;
	if ((error = ferry_pg__schema_create(db)) < 0 ||
	    (error = ferry_pg__query(db, "INSERT INTO ferry_instance (id, "
	    "name, created_at) VALUES ($1, $2, $3)", 3, params, NULL,
	    "init")) < 0)
		goto rollback;
	/* Left open, as on SQLite: init adds the first pack and user in
	 * the same transaction. */
	return 0;
rollback:
	ferry_pg__rollback(db);
fail:
	ferry_pg__close(db);
	return error;
}

/*
 * Run the schema steps the open instance lacks, under the writer lock; a
 * newer or unknown schema is refused.  Only reads while there are no
 * steps to run: opening is not a change other connections should see
 * (data_version).
 */
int ferry_pg__bring_up_to_date(ferry_db *db)
{
	int error, behind;

	if ((error = ferry_pg__schema_behind(db, &behind)) < 0 || !behind)
		return error;
	if ((error = ferry_pg__begin(db)) < 0)
		return error;
	return ferry_pg__end(db, ferry_pg__schema_upgrade(db));
}

int ferry_pg__open(ferry_db *db, const char *location)
{
	int error, exists;

	if ((error = load_libpq(db)) < 0 ||
	    (error = connect(db, location)) < 0 ||
	    (error = is_instance(db, &exists)) < 0)
		return error;
	if (!exists)
		return ferry_store__not_instance(db, PG(db)->where);
	return ferry_pg__bring_up_to_date(db);
}

void ferry_pg__close(ferry_db *db)
{
	ferry_pg *pg = PG(db);
	size_t i;

	if (!pg)
		return;
	for (i = 0; i < STMT_CACHE_SIZE; i++)
		ferry__free(pg->cache.keys[i].sql);
	if (pg->conn)
		PQfinish(pg->conn);
	ferry__free(pg->where);
	ferry__free(pg);
	db->store = NULL;
}

/* ---- transactions ------------------------------------------------------- */

/* The writer's lock, taken once per transaction. */
static int take_writer_lock(ferry_db *db)
{
	int error;

	if (PG(db)->writing)
		return 0;
	if ((error = ferry_pg__exec(db, "SELECT pg_advisory_xact_lock(" PG_WRITER_KEYS ")")) < 0)
		return error;
	PG(db)->writing = 1;
	return 0;
}

/* Nothing: the server's memory is the server's (shared_buffers,
 * work_mem); the client holds a batch at a time whatever the step. */
int ferry_pg__bulk(ferry_db *db, ferry_bulk kind)
{
	(void)db;
	(void)kind;
	return 0;
}

/* No checkpoint to run beside the load: a load stays one transaction,
 * and a server that stops during it leaves nothing. */
int ferry_pg__commits_staging(ferry_db *db)
{
	(void)db;
	return 0;
}

int ferry_pg__begin(ferry_db *db)
{
	int error;

	if (PG(db)->depth++ > 0)
		/* A write nested in a read takes the lock now. */
		return take_writer_lock(db);
	if ((error = ferry_pg__exec(db, "BEGIN")) == 0)
		error = take_writer_lock(db);
	if (error < 0)
		ferry_pg__rollback(db);
	return error;
}

int ferry_pg__begin_read(ferry_db *db)
{
	int error;

	if (PG(db)->depth++ > 0)
		return 0;
	if ((error = ferry_pg__exec(db, "BEGIN ISOLATION LEVEL REPEATABLE "
	    "READ")) < 0)
		PG(db)->depth = 0;
	return error;
}

int ferry_pg__commit(ferry_db *db)
{
	int error = 0;

	if (PG(db)->depth <= 0 || --PG(db)->depth > 0)
		return 0;
	/* A write transaction counts itself, for data_version. */
	if (PG(db)->writing)
		error = ferry_pg__exec(db, "UPDATE ferry_change SET n = n + 1");
	if (error == 0)
		error = ferry_pg__exec(db, "COMMIT");
	if (error < 0) {
		ferry_pg__rollback(db);
		return error;
	}
	if (PG(db)->writing)
		PG(db)->own_changes++;
	PG(db)->writing = 0;
	return 0;
}

void ferry_pg__rollback(ferry_db *db)
{
	PG(db)->depth = 0;
	PG(db)->writing = 0;
	if (PQtransactionStatus(PG(db)->conn) != PQTRANS_IDLE)
		PQclear(PQexec(PG(db)->conn, "ROLLBACK"));
}

int ferry_pg__end(ferry_db *db, int error)
{
	if (error < 0) {
		ferry_pg__rollback(db);
		return error;
	}
	return ferry_pg__commit(db);
}

/* Write transactions other connections committed: ferry_change counts
 * every one, this connection's own are taken off. */
int ferry_pg__data_version(ferry_db *db, int64_t *out)
{
	PGresult *res;
	int error;

	if ((error = ferry_pg__query(db, "SELECT n FROM ferry_change", 0,
	    NULL, &res, "data_version")) < 0)
		return error;
	*out = (PQntuples(res) ? ferry_pg__int(res, 0, 0) : 0) -
		PG(db)->own_changes;
	PQclear(res);
	return 0;
}

int ferry_pg__instance(ferry_db *db, ferry_str *id, ferry_str *name)
{
	PGresult *res;
	int error;

	if ((error = ferry_pg__query(db, "SELECT id, name FROM ferry_instance",
	    0, NULL, &res, "reading the instance")) < 0)
		return error;
	if (PQntuples(res) == 1) {
		ferry_str_puts(id, PQgetvalue(res, 0, 0));
		ferry_str_puts(name, PQgetvalue(res, 0, 1));
	} else {
		error = ferry_store__not_instance(db, PG(db)->where);
	}
	PQclear(res);
	if (error == 0 && (ferry_str_failed(id) || ferry_str_failed(name)))
		error = ferry__oom(db);
	return error;
}

/* ---- sizes -------------------------------------------------------------- */

int ferry_pg__sizes(ferry_db *db, ferry_sizes *out)
{
	PGresult *res;
	int error, i;

	memset(out, 0, sizeof(*out));
	if ((error = ferry_pg__query(db, "SELECT c.relname, "
	    "pg_table_size(c.oid), pg_indexes_size(c.oid), "
	    "current_setting('block_size')::bigint FROM pg_catalog.pg_class c "
	    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	    "WHERE n.nspname = '" PG_SCHEMA "' AND c.relkind = 'r'", 0, NULL,
	    &res, "reading sizes")) < 0)
		return error;
	for (i = 0; i < PQntuples(res); i++) {
		ferry_size_part part = ferry_store__size_part(
			PQgetvalue(res, i, 0));

		out->data[part] += ferry_pg__int(res, i, 1);
		out->index[part] += ferry_pg__int(res, i, 2);
		out->total += ferry_pg__int(res, i, 1) +
			ferry_pg__int(res, i, 2);
		out->page_size = ferry_pg__int(res, i, 3);
	}
	PQclear(res);
	out->by_part = 1;
	return 0;
}
