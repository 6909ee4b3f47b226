/*
 * schema.c - the system tables of an instance, and their migrations.
 *
 * PRAGMA user_version holds the schema version.  migrations[k] takes an
 * instance from version k to k+1; a new instance runs them all.  Once a
 * version has shipped its text is frozen: changes go in a new step.
 */
#include "sq.h"

#include "../errors.h"

#include <stdio.h>
#include <string.h>

/* The system columns as version 1 wrote them (a shipped step's text is
 * frozen; 11 -> 12 rewrites the policy's check). */
#define SYS_COLUMNS_1 \
	"sys_id TEXT PRIMARY KEY NOT NULL," \
	"sys_created_at TEXT NOT NULL," \
	"sys_created_by TEXT NOT NULL," \
	"sys_updated_at TEXT NOT NULL," \
	"sys_updated_by TEXT NOT NULL," \
	"sys_policy TEXT NOT NULL DEFAULT 'open' CHECK (sys_policy IN " \
	"('open','changed','protected'))," \
	"sys_vendor INTEGER NOT NULL DEFAULT 0," \
	"sys_version TEXT NOT NULL"

#define ASSOCIATED(table) \
	"CREATE TABLE " table " (" SYS_COLUMNS_1 "," \
	"entity TEXT, name TEXT, definition TEXT," \
	"UNIQUE (entity, name));"

static const char *const migrations[] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE ferry_instance ("
	"  id TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL);"
	"CREATE TABLE ferry_property ("
	"  key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);"
	"CREATE TABLE ferry_pack ("
	"  id INTEGER PRIMARY KEY,"
	"  uid TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL UNIQUE,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  state TEXT NOT NULL CHECK (state IN ('in_progress','completed')),"
	"  is_default INTEGER NOT NULL DEFAULT 0,"
	"  created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  completed_at TEXT);"
	"CREATE TABLE ferry_user ("
	"  name TEXT PRIMARY KEY NOT NULL,"
	"  admin INTEGER NOT NULL,"
	"  tz TEXT NOT NULL,"
	"  current_pack INTEGER NOT NULL REFERENCES ferry_pack(id),"
	"  created_at TEXT NOT NULL);"
	/* Record versions: immutable; `hash` is the content id. */
	"CREATE TABLE ferry_version ("
	"  id INTEGER PRIMARY KEY,"
	"  entity TEXT NOT NULL, sys_id TEXT NOT NULL, rkey TEXT NOT NULL,"
	"  action TEXT NOT NULL CHECK (action IN ('insert','update','delete')),"
	"  hash TEXT NOT NULL, parent TEXT, parent_id INTEGER,"
	"  payload TEXT NOT NULL, policy TEXT NOT NULL,"
	"  vendor INTEGER NOT NULL,"
	"  author TEXT NOT NULL, at TEXT NOT NULL,"
	"  pack_id INTEGER, source TEXT NOT NULL, import_id INTEGER);"
	"CREATE INDEX ferry_version_record ON ferry_version (entity, sys_id, id);"
	/* A record once per pack: its latest version captured there, and
	 * the version before the first capture (the base for a target). */
	"CREATE TABLE ferry_pack_item ("
	"  pack_id INTEGER NOT NULL REFERENCES ferry_pack(id),"
	"  entity TEXT NOT NULL, sys_id TEXT NOT NULL,"
	"  version_id INTEGER NOT NULL REFERENCES ferry_version(id),"
	"  base_id INTEGER,"
	"  PRIMARY KEY (pack_id, entity, sys_id)) WITHOUT ROWID;"
	"CREATE TABLE ferry_pack_definition ("
	"  pack_id INTEGER NOT NULL REFERENCES ferry_pack(id),"
	"  kind TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL,"
	"  PRIMARY KEY (pack_id, kind, name)) WITHOUT ROWID;"
	/* The catalog: system entities, tables like any other. */
	"CREATE TABLE sys_entity (" SYS_COLUMNS_1 ","
	"  name TEXT NOT NULL UNIQUE, display TEXT, description TEXT);"
	"CREATE TABLE sys_field (" SYS_COLUMNS_1 ","
	"  entity TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,"
	"  display TEXT, description TEXT, default_value TEXT,"
	"  UNIQUE (entity, name));"
	ASSOCIATED("sys_form_template")
	ASSOCIATED("sys_event_handler")
	ASSOCIATED("sys_process_flow")
	/* Formulas and data sets: named, with numbered versions. */
	"CREATE TABLE ferry_definition ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK (kind IN ('formula','dataset')),"
	"  name TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  UNIQUE (kind, name));"
	"CREATE TABLE ferry_definition_version ("
	"  definition_id INTEGER NOT NULL REFERENCES ferry_definition(id),"
	"  version INTEGER NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('draft','active','closed')),"
	"  start_date TEXT NOT NULL,"
	/* signature: inputs, or a data set's columns, as canonical JSON
	 * [{"name","type"}]; outputs: canonical JSON ["step"]; equal
	 * signatures are equal text (docs/formulas.md). */
	"  signature TEXT NOT NULL,"
	"  outputs TEXT NOT NULL DEFAULT '[]',"
	"  body TEXT NOT NULL DEFAULT '',"
	"  parent TEXT, master TEXT,"
	"  created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  import_id INTEGER,"	/* the import that deployed it, or NULL */
	"  PRIMARY KEY (definition_id, version));"
	/* ---- imports ---- */
	/* An import of a package: staged by load, planned by preview,
	 * applied by commit, then kept as history. */
	"CREATE TABLE ferry_import ("
	"  id INTEGER PRIMARY KEY,"
	"  state TEXT NOT NULL CHECK (state IN ('loaded','previewed',"
	"  'committed','backed_out')),"
	"  file TEXT NOT NULL, header TEXT NOT NULL,"
	"  kind TEXT NOT NULL, mode TEXT NOT NULL,"
	"  pack_uid TEXT NOT NULL, pack_name TEXT NOT NULL,"
	"  source_id TEXT, source_name TEXT,"
	"  stamp TEXT NOT NULL, items INTEGER NOT NULL,"
	"  previous_id INTEGER,"
	"  loaded_by TEXT NOT NULL, loaded_at TEXT NOT NULL,"
	"  previewed_at TEXT, plan_mark TEXT,"
	"  committed_by TEXT, committed_at TEXT, backup TEXT,"
	"  backed_out_by TEXT, backed_out_at TEXT);"
	"CREATE INDEX ferry_import_pack ON ferry_import (pack_uid, id);"
	/* The package's items as loaded; never changed afterwards.  item
	 * counts from 1 (its line in the file is item + 1); body keeps the
	 * whole line of items other than records. */
	"CREATE TABLE ferry_import_item ("
	"  import_id INTEGER NOT NULL REFERENCES ferry_import(id),"
	"  item INTEGER NOT NULL,"
	"  t TEXT, entity TEXT, sys_id TEXT, rkey TEXT, action TEXT,"
	"  version TEXT, base TEXT, policy TEXT, vendor INTEGER,"
	"  payload TEXT, old TEXT, body TEXT,"
	"  PRIMARY KEY (import_id, item));"
	"CREATE UNIQUE INDEX ferry_import_item_record ON ferry_import_item"
	"  (import_id, t, entity, sys_id);"
	/* What preview decided for each item, and what commit did: narrow
	 * rows, rebuilt by every preview. */
	"CREATE TABLE ferry_import_plan ("
	"  import_id INTEGER NOT NULL, item INTEGER NOT NULL,"
	"  target_id TEXT, target_version TEXT, target_policy TEXT,"
	"  conflicts TEXT,"
	"  decision TEXT NOT NULL CHECK (decision IN ('insert','update',"
	"  'merge','delete','skip')),"
	"  act TEXT, fast INTEGER NOT NULL DEFAULT 0,"
	"  before_id INTEGER, before_hash TEXT,"
	"  outcome TEXT, detail TEXT,"
	"  PRIMARY KEY (import_id, item)) WITHOUT ROWID;"
	/* Answers to problems: they outlive a new preview. */
	"CREATE TABLE ferry_import_resolution ("
	"  import_id INTEGER NOT NULL, item INTEGER NOT NULL,"
	"  resolution TEXT NOT NULL CHECK (resolution IN ('accept','skip',"
	"  'merge')),"
	"  merged TEXT, by TEXT NOT NULL, at TEXT NOT NULL,"
	"  PRIMARY KEY (import_id, item)) WITHOUT ROWID;"
	/* Fields per entity: scope 0 as the package declares them, scope 1
	 * as the target will have them after the package's schema. */
	"CREATE TABLE ferry_import_field ("
	"  import_id INTEGER NOT NULL, scope INTEGER NOT NULL,"
	"  entity TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,"
	"  PRIMARY KEY (import_id, scope, entity, name)) WITHOUT ROWID;"
	"CREATE TABLE ferry_import_problem ("
	"  import_id INTEGER NOT NULL, item INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  severity TEXT NOT NULL CHECK (severity IN ('error','warning',"
	"  'info')),"
	"  message TEXT NOT NULL,"
	"  PRIMARY KEY (import_id, item, kind)) WITHOUT ROWID;"
	"CREATE INDEX ferry_version_import ON ferry_version (import_id)"
	"  WHERE import_id IS NOT NULL;",
	/* 1 -> 2: who may reach the instance over HTTP, and what they did.
	 * password: an argon2id string (crypto_pwhash_str), NULL for none;
	 * token and session hashes: BLAKE2b-256 of the secret, which is
	 * never stored; expires_at and last_at: UTC seconds. */
	"ALTER TABLE ferry_user ADD COLUMN password TEXT;"
	"CREATE TABLE ferry_token ("
	"  id INTEGER PRIMARY KEY,"
	"  user TEXT NOT NULL REFERENCES ferry_user(name),"
	"  label TEXT NOT NULL DEFAULT '',"
	"  hash TEXT NOT NULL UNIQUE,"
	"  created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT);"
	"CREATE TABLE ferry_session ("
	"  hash TEXT PRIMARY KEY NOT NULL,"
	"  user TEXT NOT NULL REFERENCES ferry_user(name),"
	"  csrf TEXT NOT NULL, address TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, expires_at INTEGER NOT NULL)"
	"  WITHOUT ROWID;"
	"CREATE TABLE ferry_login_failure ("
	"  user TEXT NOT NULL, address TEXT NOT NULL,"
	"  failures INTEGER NOT NULL, last_at INTEGER NOT NULL,"
	"  PRIMARY KEY (user, address)) WITHOUT ROWID;"
	"CREATE TABLE ferry_audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL, user TEXT, address TEXT NOT NULL,"
	"  operation TEXT NOT NULL, object TEXT NOT NULL DEFAULT '',"
	"  outcome TEXT NOT NULL);"
	"CREATE INDEX ferry_audit_user ON ferry_audit (user, id);",
	/* 2 -> 3: signed packages.  The instance's signing keys, public
	 * halves only (the secret key lives in a file, docs/security.md):
	 * the current one has no replaced_at.  The trust list: public keys
	 * whose signatures this instance accepts, under a name. */
	"CREATE TABLE ferry_key ("
	"  id INTEGER PRIMARY KEY,"
	"  public_key TEXT NOT NULL, fingerprint TEXT NOT NULL,"
	"  created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  replaced_at TEXT);"
	"CREATE TABLE ferry_trust ("
	"  name TEXT PRIMARY KEY NOT NULL,"
	"  public_key TEXT NOT NULL UNIQUE, fingerprint TEXT NOT NULL,"
	"  added_by TEXT NOT NULL, added_at TEXT NOT NULL);",
	/* 3 -> 4: the fields both sides changed alike, whether the target
	 * already holds the package's content, and accept --whole. */
	"ALTER TABLE ferry_import_plan ADD COLUMN same TEXT;"
	"ALTER TABLE ferry_import_plan ADD COLUMN applied INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE ferry_import_resolution ADD COLUMN whole INTEGER NOT"
	"  NULL DEFAULT 0;",
	/* 4 -> 5: a staged record's seal over its version, policy and
	 * vendor flag (docs/format.md 5.3). */
	"ALTER TABLE ferry_import_item ADD COLUMN seal TEXT;",
	/* 5 -> 6: when a pack was first exported (pack delete refuses an
	 * exported pack that still has items). */
	"ALTER TABLE ferry_pack ADD COLUMN exported_at TEXT;",
	/* 6 -> 7: a problem holds the facts found, not their words: a
	 * JSON array of [code, value...] that the library words
	 * (import_facts.c).  Problems worded before keep their words. */
	"ALTER TABLE ferry_import_problem RENAME COLUMN message TO facts;"
	"UPDATE ferry_import_problem SET facts = json_array(json_array("
	"  'text', facts));",
	/* 7 -> 8: a field's name in the system it came from, when ferry's
	 * differs (ServiceNow's sys_policy is field ext_sys_policy; Aptify's
	 * OwnerID is ownerid): docs/interop.md.  One field per external
	 * name in an entity. */
	"ALTER TABLE sys_field ADD COLUMN external_name TEXT;"
	"CREATE UNIQUE INDEX sys_field_external ON sys_field"
	"  (entity, external_name) WHERE external_name IS NOT NULL;",
	/* 8 -> 9: an item keeps what export needs of its base, so an
	 * export reads the base version only for items captured before:
	 * base, the base's hash (NULL when there is none or it is a
	 * delete), and old, the old values of an update over a live base
	 * as written in the package (ferry_old_values at capture; NULL
	 * for the items already there, whose export computes them). */
	"ALTER TABLE ferry_pack_item ADD COLUMN base TEXT;"
	"ALTER TABLE ferry_pack_item ADD COLUMN old TEXT;"
	"UPDATE ferry_pack_item AS i SET base = (SELECT b.hash FROM"
	"  ferry_version b WHERE b.id = i.base_id AND b.action <> 'delete')"
	"  WHERE i.base_id IS NOT NULL;",
	/* ---- 9 -> 10: the staged content in a table of its own ---- */
	/* What a commit drops of an item (its content and what vouches for
	 * it) leaves ferry_import_item for ferry_import_payload, a table
	 * without a foreign key: a commit empties it whole when no other
	 * import is staged (SQLite's truncation frees its pages without
	 * reading them) or deletes its own rows, and never rewrites the
	 * items it keeps.  Its key k is the rowid, import_id * 2^32 + item
	 * (imports.h, STAGED_KEY): every statement that reads a payload
	 * finds it by a rowid seek, which costs a fraction of a seek in an
	 * index of two columns.  What loaded and previewed imports staged
	 * moves there; committed and backed out imports kept nothing. */
	"CREATE TABLE ferry_import_payload ("
	"  k INTEGER PRIMARY KEY,"
	"  import_id INTEGER NOT NULL, item INTEGER NOT NULL,"
	"  version TEXT, base TEXT, policy TEXT, vendor INTEGER,"
	"  payload TEXT, old TEXT, body TEXT, seal TEXT);"
	"INSERT INTO ferry_import_payload (k, import_id, item, version, base,"
	"  policy, vendor, payload, old, body, seal) SELECT"
	"  i.import_id * 4294967296 + i.item, i.import_id, i.item, i.version, i.base, i.policy, i.vendor, i.payload, i.old,"
	"  i.body, i.seal FROM ferry_import_item i JOIN ferry_import m ON"
	"  m.id = i.import_id WHERE m.state IN ('loaded', 'previewed')"
	"  ORDER BY i.import_id, i.item;"
	"ALTER TABLE ferry_import_item DROP COLUMN version;"
	"ALTER TABLE ferry_import_item DROP COLUMN base;"
	"ALTER TABLE ferry_import_item DROP COLUMN policy;"
	"ALTER TABLE ferry_import_item DROP COLUMN vendor;"
	"ALTER TABLE ferry_import_item DROP COLUMN payload;"
	"ALTER TABLE ferry_import_item DROP COLUMN old;"
	"ALTER TABLE ferry_import_item DROP COLUMN body;"
	"ALTER TABLE ferry_import_item DROP COLUMN seal;",
	/* ---- end of 9 -> 10 ---- */
	/* ---- 10 -> 11: the ref fields that point at an entity ---- */
	/* Deleting a record asks which fields refer to its entity (type
	 * 'ref(entity)'); a back out asks it for every record it deletes,
	 * which scanned the whole catalog each time.  In the table's order
	 * among equal types, as the scan gave them. */
	"CREATE INDEX IF NOT EXISTS sys_field_type ON sys_field (type);",
	/* ---- 11 -> 12: CHECK constraints without IN lists ---- */
	/* (check_without_in() in migration_code[]: SQLite builds a
	 * temporary table for the list on every row it checks) */
	"",
	/* ---- 12 -> 13: an item's own verdict, kept as it is staged ---- */
	/* The library judges each item on its own as load reads its line
	 * (import_verdict.c): the first fact that refuses it (stage_code,
	 * NULL for none) and whether it is a record of one of ferry's own
	 * entities (stage_system), as PostgreSQL's items have kept them
	 * since 9 -> 10.  Items staged before stay NULL: only the load
	 * that stages an item reads these. */
	("ALTER TABLE ferry_import_item ADD COLUMN stage_code TEXT;"
	"ALTER TABLE ferry_import_item ADD COLUMN stage_system INTEGER;"),
	/* ---- 13 -> 14: a record's reference values, kept as staged ---- */
	/* The values of the fields its package declares as refs, when the
	 * load judged the record's values (import_values.c): an object of
	 * a few bytes, which the plan's reference checks read instead of
	 * the payload (imports_plan.c, FERRY_CHECK_REF_KEPT).  NULL for an
	 * item staged without them, whose payload is read. */
	"ALTER TABLE ferry_import_item ADD COLUMN refs TEXT;",
	/* ---- 14 -> 15: a record's content written once ---- */
	/* A staged record's payload lives in ferry_version_payload, under
	 * the staged row's key k, and no longer in ferry_import_payload.
	 * A commit that writes a record set-wise, as the package has it,
	 * writes a version whose payload is '' and whose payload_k names
	 * that row: the content is written once, at load, and a commit
	 * keeps it for the version where it used to copy it and then drop
	 * the staged copy (docs/architecture.md, "Written once").  Every
	 * other version keeps its payload in its own row (payload_k NULL).
	 * What loaded and previewed imports staged moves across. */
	("CREATE TABLE ferry_version_payload ("
	"  k INTEGER PRIMARY KEY, payload TEXT NOT NULL);"
	"ALTER TABLE ferry_version ADD COLUMN payload_k INTEGER;"
	"INSERT INTO ferry_version_payload (k, payload) SELECT k, payload"
	"  FROM ferry_import_payload WHERE payload IS NOT NULL;"
	"UPDATE ferry_import_payload SET payload = NULL"
	"  WHERE payload IS NOT NULL;"),
	/* ---- 15 -> 16: nothing here ---- */
	/* PostgreSQL takes the step SQLite took at 14 -> 15 (a record's
	 * content written once), and its items lose their foreign key,
	 * which a trigger checked a row at a time.  SQLite checks it by a
	 * seek in the import's own key as it inserts: its items keep it. */
	"SELECT 1;",
	/* ---- 16 -> 17: nothing here ---- */
	/* PostgreSQL leaves room in its plan's pages for the marks a
	 * commit writes (fillfactor); SQLite rewrites a row in place. */
	"SELECT 1;",
	/* ---- 17 -> 18: a commit's marks outside the instance ---- */
	/* Which records a commit writes set-wise, and the parent of each
	 * one's new version, live in a temporary table of the committing
	 * connection (imports_apply.c), where no page of theirs goes
	 * through the write-ahead log: the plan's columns for them go. */
	("ALTER TABLE ferry_import_plan DROP COLUMN fast;"
	"ALTER TABLE ferry_import_plan DROP COLUMN before_id;"
	"ALTER TABLE ferry_import_plan DROP COLUMN before_hash;"),
	/* ---- 18 -> 19: a completed pack's items in one place ---- */
	/* Each record item's finished line, as a pack export writes it,
	 * built at `pack complete` and kept in file order in a rowid
	 * table, which an export scans as one range instead of looking up
	 * each item's version and building its line; dropped when the pack
	 * is reopened or deleted.  frozen_format is the lines' format and
	 * frozen_mark the highest version id when they were built (0 for
	 * none), so that the out-of-date check probes only the records
	 * changed since; both NULL for a pack without lines (in progress,
	 * or completed before this step), which exports from its items as
	 * before (docs/architecture.md, "Pack export"). */
	("CREATE TABLE ferry_pack_frozen ("
	"  id INTEGER PRIMARY KEY,"
	"  pack_id INTEGER NOT NULL REFERENCES ferry_pack(id),"
	"  entity TEXT NOT NULL, sys_id TEXT NOT NULL,"
	"  out_of_date INTEGER NOT NULL, line TEXT NOT NULL);"
	"CREATE INDEX ferry_pack_frozen_pack ON ferry_pack_frozen (pack_id);"
	"ALTER TABLE ferry_pack ADD COLUMN frozen_mark INTEGER;"
	"ALTER TABLE ferry_pack ADD COLUMN frozen_format INTEGER;"),
	/* ---- 19 -> 20: what commit did, beside the plan ---- */
	/* The outcome commit records for an item it writes one by one (the
	 * act says what the rest did) lives in a table of its own, filled
	 * in item order, not in the plan's rows: the 100,000 such items of
	 * a populated 1M commit lie a few to each of the plan's pages, and
	 * their updates rewrote 158 MB of them (docs/performance.md).
	 * detail is commit's; NULL leaves the plan's. */
	("CREATE TABLE ferry_import_outcome ("
	"  import_id INTEGER NOT NULL, item INTEGER NOT NULL,"
	"  outcome TEXT NOT NULL, detail TEXT,"
	"  PRIMARY KEY (import_id, item)) WITHOUT ROWID;"
	"INSERT INTO ferry_import_outcome (import_id, item, outcome)"
	"  SELECT import_id, item, outcome FROM ferry_import_plan"
	"  WHERE outcome IS NOT NULL;"
	"ALTER TABLE ferry_import_plan DROP COLUMN outcome;"),
};

static int pragma_int(ferry_db *db, const char *name, int *out);

/*
 * "CHECK (col IN ('a','b'))" at p as "CHECK (col = 'a' OR col = 'b')"
 * onto out; the length of what it read, or 0 where p is not one.
 */
static size_t check_as_or(ferry_str *out, const char *p)
{
	const char *q = p + strlen("CHECK ("), *col, *lit;
	size_t ncol, nlit;
	int first = 1;

	if (strncmp(p, "CHECK (", 7))
		return 0;
	col = q;
	while (*q == '_' || (*q >= 'a' && *q <= 'z'))
		q++;
	if ((ncol = (size_t)(q - col)) == 0 || strncmp(q, " IN (", 5))
		return 0;
	q += 5;
	ferry_str_puts(out, "CHECK (");
	for (;;) {
		if (*q != '\'')
			return 0;
		lit = q++;
		while (*q && *q != '\'')
			q++;
		if (!*q++)
			return 0;
		nlit = (size_t)(q - lit);
		if (!first)
			ferry_str_puts(out, " OR ");
		first = 0;
		ferry_str_put(out, col, ncol);
		ferry_str_puts(out, " = ");
		ferry_str_put(out, lit, nlit);
		if (*q == ',') {
			while (*++q == ' ')
				;
			continue;
		}
		if (strncmp(q, "))", 2))
			return 0;
		ferry_str_putc(out, ')');
		return (size_t)(q + 2 - p);
	}
}

/* The CREATE TABLE text with every such CHECK written as comparisons. */
static int without_in(const char *sql, ferry_str *out)
{
	const char *p = sql, *c;
	size_t used, mark;

	while ((c = strstr(p, "CHECK (")) != NULL) {
		ferry_str_put(out, p, (size_t)(c - p));
		mark = out->size;
		if ((used = check_as_or(out, c)) == 0) {
			out->size = mark;
			ferry_str_put(out, c, 7);
			used = 7;
		}
		p = c + used;
	}
	ferry_str_puts(out, p);
	return ferry_str_failed(out) ? -1 : 0;
}

/*
 * 11 -> 12.  SQLite checks "x IN ('a','b')" by building a temporary
 * table of the list for every row it checks: a fifth of the work of
 * writing a plan row, a version or a record (docs/performance.md).  The
 * same rule written as comparisons costs a few instructions.  SQLite
 * cannot alter a CHECK constraint, but its documentation gives the way
 * to change one that every row already meets (lang_altertable.html,
 * "Making Other Kinds Of Table Schema Changes"): rewrite the table's
 * text in sqlite_schema with writable_schema on, then move the schema
 * version on.  The rows and their pages are not touched.
 */
static int check_without_in(ferry_db *db)
{
	sqlite3 *conn = SQ(db)->conn;
	sqlite3_stmt *rd = NULL, *wr = NULL;
	ferry_str sql = FERRY_STR_INIT;
	int rc, error = 0, defensive = 0, cookie = 0;

	sqlite3_db_config(conn, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
	sqlite3_db_config(conn, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
	if ((error = ferry_sq__exec(db, "PRAGMA writable_schema = ON")) < 0)
		goto done;
	rc = sqlite3_prepare_v2(conn, "SELECT name, sql FROM sqlite_schema "
		"WHERE type = 'table' AND sql LIKE '%CHECK (% IN (''%'", -1,
		&rd, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(conn, "UPDATE sqlite_schema SET sql = "
			"?2 WHERE type = 'table' AND name = ?1", -1, &wr, NULL);
	if (rc != SQLITE_OK) {
		error = ferry_sq__error(db, rc, "upgrading the instance");
		goto done;
	}
	while ((rc = sqlite3_step(rd)) == SQLITE_ROW) {
		ferry_str_clear(&sql);
		if (without_in((const char *)sqlite3_column_text(rd, 1),
		    &sql) < 0) {
			error = ferry__oom(db);
			goto done;
		}
		sqlite3_bind_value(wr, 1, sqlite3_column_value(rd, 0));
		sqlite3_bind_text(wr, 2, sql.ptr, (int)sql.size,
			SQLITE_STATIC);
		rc = sqlite3_step(wr);
		sqlite3_reset(wr);
		if (rc != SQLITE_DONE)
			break;
	}
	if (rc != SQLITE_DONE) {
		error = ferry_sq__error(db, rc, "upgrading the instance");
		goto done;
	}
	sqlite3_finalize(rd);
	rd = NULL;
	if ((error = pragma_int(db, "schema_version",
	    &cookie)) == 0) {
		char pragma[64];

		snprintf(pragma, sizeof(pragma), "PRAGMA schema_version = %d",
			cookie + 1);
		error = ferry_sq__exec(db, pragma);
	}
done:
	sqlite3_finalize(rd);
	sqlite3_finalize(wr);
	(void)ferry_sq__exec(db, "PRAGMA writable_schema = OFF");
	sqlite3_db_config(conn, SQLITE_DBCONFIG_DEFENSIVE, defensive, NULL);
	ferry_str_dispose(&sql);
	return error;
}

#define MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* What a step does beyond its text, run after it (NULL: nothing). */
static int (*const migration_code[MIGRATIONS])(ferry_db *db) = {
	[11] = check_without_in,
};

int ferry_sqlite__migrate(ferry_db *db);
int ferry_sqlite__needs_migration(int version);

int ferry_sqlite__needs_migration(int version)
{
	return version < MIGRATIONS;
}

/* PRAGMA name's value. */
static int pragma_int(ferry_db *db, const char *name, int *out)
{
	sqlite3_stmt *st;
	char sql[64];
	int rc;

	snprintf(sql, sizeof(sql), "PRAGMA %s", name);
	rc = sqlite3_prepare_v2(SQ(db)->conn, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return ferry_sq__error(db, rc, "open");
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return ferry_sq__error(db, rc, "reading the schema version");
	return 0;
}

int ferry_sqlite__schema_version(ferry_db *db, int *out)
{
	return pragma_int(db, "user_version", out);
}

int ferry_sqlite__migrate(ferry_db *db)
{
	int version, error;

	if ((error = ferry_sqlite__schema_version(db, &version)) < 0)
		return error;
	if (version > MIGRATIONS)
		return ferry_store__newer(db, db->path, version, MIGRATIONS);
	for (; version < MIGRATIONS; version++) {
		char pragma[64];

		if ((error = ferry_sq__exec(db, migrations[version])) < 0 ||
		    (migration_code[version] &&
		    (error = migration_code[version](db)) < 0))
			return error;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
			version + 1);
		if ((error = ferry_sq__exec(db, pragma)) < 0)
			return error;
	}
	return 0;
}
