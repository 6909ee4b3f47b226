/*
 * schema.c - the system tables of an instance, and their migrations.
 *
 * PRAGMA user_version holds the schema version.  migrations[k] takes an
 * instance from version k to k+1; a new instance runs them all.  Once a
 * version has shipped its text is frozen: changes go in a new step.
 */
#include "sq.h"

#define ASSOCIATED(table) \
	"CREATE TABLE " table " (" SYS_COLUMNS "," \
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
	"CREATE TABLE sys_entity (" SYS_COLUMNS ","
	"  name TEXT NOT NULL UNIQUE, display TEXT, description TEXT);"
	"CREATE TABLE sys_field (" SYS_COLUMNS ","
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
	"  signature TEXT NOT NULL,"	/* inputs, or a data set's columns */
	"  outputs TEXT NOT NULL DEFAULT '',"
	"  body TEXT NOT NULL DEFAULT '',"
	"  parent TEXT, master TEXT,"
	"  created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  PRIMARY KEY (definition_id, version));",
};

#define MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int ferry_store__migrate(ferry_db *db);

int ferry_store__migrate(ferry_db *db)
{
	int version, error;

	if ((error = ferry_store__schema_version(db, &version)) < 0)
		return error;
	if (version > MIGRATIONS)
		return ferry__error(db, FERRY_EFORMAT, "the instance %s was "
			"made by a newer ferry (schema %d, this ferry knows up "
			"to %d); upgrade ferry to open it", db->path, version,
			MIGRATIONS);
	for (; version < MIGRATIONS; version++) {
		char pragma[64];

		if ((error = ferry_sq__exec(db, migrations[version])) < 0)
			return error;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
			version + 1);
		if ((error = ferry_sq__exec(db, pragma)) < 0)
			return error;
	}
	return 0;
}
