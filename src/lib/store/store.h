/*
 * store.h - the store: the operations the library needs of a database,
 * as facts in and facts out, and the table of operations through which
 * a backend provides them (in the spirit of libgit2's refdb backends).
 *
 * The operations are listed once, in store_ops.h, with what each one
 * does.  The library calls them as ferry_store__NAME(); dispatch.c hands
 * each call to the backend the instance was opened with.  The SQLite
 * backend lives in src/lib/store/sqlite/; another backend implements the
 * same list and adds itself to ferry_store_backends[].  The rest of the
 * library holds the rules and never sees a query.
 *
 * Operations take the ferry_db for error reporting; they set the message
 * where a database call fails and return a negative FERRY_E* code.
 *
 * The store returns facts, never documents: a listing hands each row to
 * a callback as a struct of typed values (strings borrowed for the
 * duration of the call, NULL where the value is absent; record payloads,
 * which are canonical JSON text, stay text).  A callback returning
 * non-zero stops the listing, and that value is returned.  Unless its
 * comment says otherwise, a callback must not call the store.  The
 * library builds every public JSON document from these rows, so every
 * store prints the same bytes.
 */
#ifndef FERRY_STORE_H
#define FERRY_STORE_H

#include "handle.h"
#include "str.h"
#include "values.h"

#include <stdint.h>

/* ---- the database --------------------------------------------------- */

/* What a backup file holds (ferry_store__backup_inspect). */
typedef struct {
	char id[40];		/* the instance's id */
	char name[208];		/* the instance's name */
	int schema_version;
} ferry_backup_info;

/* ---- functions the library lends the store -------------------------- */

/*
 * The library's rules that the store's set-wise statements call by name
 * (ferry_fits(), ferry_version_hash(), ...; src/lib/functions.c has the
 * list).  Their bodies live in the library; a backend only carries them
 * out: SQLite registers each as an SQL function, a backend that cannot
 * run C inside its queries evaluates the same callbacks on the rows it
 * reads.  A callback reads its arguments and sets its result through the
 * ferry_store__arg_*() and ferry_store__result_*() calls below and
 * nothing else, so it never sees the backend; with no result set, the
 * result is NULL.
 */
/*
 * One call of a lent function: the backend that runs it and the
 * backend's own view of its arguments and result.
 */
typedef struct ferry_store_call {
	const ferry_store_backend *backend;
	void *impl;
} ferry_store_call;

typedef struct {
	const char *name;	/* the name statements call it by */
	int nargs;		/* how many arguments it takes, -1 any */
	void (*fn)(ferry_store_call *call);
} ferry_store_function;

/* What an argument holds. */
typedef enum {
	FERRY_STORE_NULL = 0,
	FERRY_STORE_INT,
	FERRY_STORE_REAL,
	FERRY_STORE_TEXT,
	FERRY_STORE_BLOB
} ferry_store_type;

/* ---- instance, users, properties ------------------------------------ */

/* The parts an instance's size is told by (ferry info --sizes). */
typedef enum {
	FERRY_PART_RECORDS = 0,	/* the user entities' rows */
	FERRY_PART_CATALOG,	/* entities, fields, associated objects */
	FERRY_PART_VERSIONS,	/* every record version */
	FERRY_PART_PACKS,	/* local packs, their items, their lines */
	FERRY_PART_STAGING,	/* imports' staged items */
	FERRY_PART_IMPORTS,	/* imports' plans, problems, resolutions */
	FERRY_PART_DEFINITIONS,	/* formulas and data sets */
	FERRY_PART_ACCESS,	/* users, tokens, sessions, keys, trust */
	FERRY_PART_AUDIT,	/* the audit log */
	FERRY_PART_OTHER,	/* the instance, properties, the schema */
	FERRY_PART_FREE,	/* space free for reuse */
	FERRY_PARTS
} ferry_size_part;

typedef struct {
	int64_t data[FERRY_PARTS];	/* bytes of rows (and free space) */
	int64_t index[FERRY_PARTS];	/* bytes of indexes */
	int64_t total;		/* the database: every part, free space too */
	int64_t log;		/* its write-ahead log beside it, 0 if none */
	int64_t page_size;
	int by_part;		/* 0: this database cannot tell the parts
				 * but free space; data[FERRY_PART_OTHER]
				 * then holds the rest */
} ferry_sizes;


typedef struct {
	char name[128];
	int admin;
	char tz[128];
	int64_t current_pack;
} ferry_user_row;

/* A user as listed: current_pack is the name of the user's pack. */
typedef struct {
	const char *name;
	int admin;
	const char *tz;
	const char *current_pack;
} ferry_user_entry;

typedef int (*ferry_user_cb)(const ferry_user_entry *u, void *payload);

typedef int (*ferry_property_cb)(const char *key, const char *value,
	void *payload);

/* ---- passwords, tokens, sessions, audit (sqlite/auth.c) ------------- */

typedef struct {
	int64_t id;
	char user[128];
	int revoked;
	int64_t last_used;	/* UTC seconds, 0 never */
} ferry_token_row;

/* A live token as listed. */
typedef struct {
	int64_t id;
	const char *user;
	const char *label;
	const char *created_at;
	const char *last_used_at;	/* NULL: never used */
} ferry_token_entry;

typedef int (*ferry_token_cb)(const ferry_token_entry *t, void *payload);

/* An entry of the audit log. */
typedef struct {
	int64_t id;
	const char *at;
	const char *user;	/* NULL: nobody signed in */
	const char *address;
	const char *operation;
	const char *object;
	const char *outcome;
} ferry_audit_entry;

typedef int (*ferry_audit_cb)(const ferry_audit_entry *a, void *payload);

/* ---- signing keys and the trust list (keys.c) ----------------------- */

/* A public key: the instance's own (by = created_by, at = created_at) or
 * a trusted one (name set; by = added_by, at = added_at). */
typedef struct {
	char name[128];
	char public_key[64];
	char fingerprint[64];
	char by[128];
	char at[32];
} ferry_key_row;

/* A trusted key as listed. */
typedef struct {
	const char *name;
	const char *public_key;
	const char *fingerprint;
	const char *added_by;
	const char *added_at;
} ferry_trust_entry;

typedef int (*ferry_trust_cb)(const ferry_trust_entry *t, void *payload);

/* ---- catalog -------------------------------------------------------- */

/* An entity of the catalog as listed. */
typedef struct {
	const char *name;
	const char *display;		/* may be NULL */
	const char *description;	/* may be NULL */
	int64_t fields;			/* how many fields it has */
} ferry_entity_entry;

typedef int (*ferry_entity_cb)(const ferry_entity_entry *e, void *payload);

/* ---- records -------------------------------------------------------- */

/* The system columns of a record. */
typedef struct {
	char sys_id[40];
	char policy[16];
	int vendor;
	char version[72];	/* hash of the current version */
} ferry_record_meta;

/* Who and when, for the audit columns. */
typedef struct {
	const char *user;
	const char *at;
} ferry_audit;

/* A condition of ferry_store__record_query(): column = value. */
typedef struct {
	const char *column;	/* a field or a system column */
	ferry_value value;	/* as stored */
} ferry_record_cond;

/* A record as listed: its system columns and its values. */
typedef struct {
	const char *sys_id;
	const char *policy;		/* open, changed, protected */
	int vendor;
	const char *version;		/* hash of the current version */
	const char *created_at, *created_by;
	const char *updated_at, *updated_by;
	/* values[i] belongs to fs->fields[i], as stored; the values and
	 * their text are borrowed for the callback (never freed). */
	const ferry_value *values;
} ferry_record_entry;

typedef int (*ferry_record_entry_cb)(const ferry_record_entry *r,
	void *payload);

/* What ferry_store__record_presence() finds of a sys_id. */
#define FERRY_PRESENT_ROW	1	/* the entity has a row with it */
#define FERRY_PRESENT_VERSION	2	/* it has a version (kept after a
					 * delete) */

/* ---- versions ------------------------------------------------------- */

typedef struct {
	const char *entity;
	const char *sys_id;
	const char *rkey;	/* identity key hashed with the content */
	const char *action;	/* insert, update, delete */
	const char *hash;
	const char *parent;	/* hash of the previous version, or NULL */
	int64_t parent_id;	/* its row, or 0 */
	const char *payload;
	size_t payload_len;	/* its bytes; 0: measured to its NUL */
	const char *policy;
	int vendor;
	const char *author;
	const char *at;
	int64_t pack_id;	/* capturing pack, 0 for none */
	const char *source;	/* local, restore, import */
	int64_t import_id;
} ferry_version_row;

typedef struct {
	int64_t id;
	ferry_str hash;
	ferry_str action;
	ferry_str payload;
} ferry_version_ref;

/* A new record for ferry_store__record_insert_many(): its insert version
 * (version.pack_id not 0: captured there) and its row. */
typedef struct {
	ferry_version_row version;
	const ferry_value *values;	/* one per field of the fieldset */
	ferry_policy policy;
	ferry_audit audit;
} ferry_record_new;

/*
 * What a batch of updates reads of each record first (record_current_many):
 * whether its row is there, its system columns, its newest version, and
 * (values, the caller's fs->n slots) its stored field values.
 */
typedef struct {
	int found;		/* 0: no row of this sys_id */
	ferry_record_meta meta;
	int64_t latest_id;	/* the newest version, 0 for none */
	char latest_hash[72];
	ferry_value *values;
} ferry_record_current;

void ferry_version_ref_dispose(ferry_version_ref *v);
/* A version of a record as its history lists it. */
typedef struct {
	const char *hash;
	const char *parent;	/* the previous version's hash, or NULL */
	const char *action;	/* insert, update, delete */
	const char *author;
	const char *at;
	const char *pack;	/* the capturing pack's name, or NULL */
	const char *source;	/* local, restore, import */
	int64_t import_id;	/* the import that wrote it, or 0 */
	const char *policy;
	const char *payload;	/* canonical JSON text */
	size_t payload_len;
} ferry_version_entry;

typedef int (*ferry_version_cb)(const ferry_version_entry *v,
	void *payload);

/* ---- packs ---------------------------------------------------------- */

typedef struct {
	int64_t id;
	char uid[40];
	char name[256];
	ferry_pack_state state;
	int is_default;
	char completed_at[32];	/* "" while in progress */
	char exported_at[32];	/* "" until first exported */
	/* The description has no length limit: read it whole with
	 * ferry_store__pack_description(), never into a fixed buffer. */
} ferry_pack_row;

/* A pack as listed. */
typedef struct {
	int64_t id;
	const char *name;
	const char *state;		/* in_progress, completed */
	int is_default;
	const char *description;
	const char *created_by;
	const char *created_at;
	const char *completed_at;	/* NULL while in progress */
	const char *exported_at;	/* NULL until first exported */
	/* Counts, filled when listing every pack (0 for one pack): record
	 * items, definition items, record items out of date. */
	int64_t records, definitions, out_of_date;
} ferry_pack_entry;

typedef int (*ferry_pack_cb)(const ferry_pack_entry *p, void *payload);

/* A record item of a pack. */
typedef struct {
	const char *entity;
	const char *sys_id;
	const char *rkey;	/* the identity key of its version */
	const char *action;	/* effective over the pack: insert, update,
				 * delete (as export writes it) */
	const char *version;	/* the hash of its version in the pack */
	int out_of_date;	/* the record has a later version */
} ferry_pack_item_entry;

typedef int (*ferry_pack_item_cb)(const ferry_pack_item_entry *it,
	void *payload);
typedef int (*ferry_pack_definition_cb)(const char *kind, const char *name,
	int version, void *payload);

/* ---- export --------------------------------------------------------- */

/* One record item of a pack, as export writes it. */
typedef struct {
	const char *entity;
	const char *sys_id;
	const char *rkey;
	const char *action;	/* effective over the pack */
	const char *version;
	const char *base;	/* NULL for an insert */
	const char *policy;
	int vendor;
	const char *payload;	/* canonical JSON */
	size_t payload_len;
	const char *old;	/* the old values of an update, as written */
	size_t old_len;
	const char *base_payload; /* the base's payload, for an update */
	size_t base_payload_len;	/* captured before old was kept */
	int out_of_date;	/* the record has a later version */
} ferry_export_row;

typedef int (*ferry_export_cb)(const ferry_export_row *row, void *payload);

/* One record item of a frozen pack: its finished line, as the export of
 * that format in pack mode writes it (docs/architecture.md, "Pack
 * export"). */
typedef struct {
	int64_t seq;		/* its place in file order, from 1; given to
				 * pack_freeze_add, 0 from export_frozen */
	const char *entity;
	const char *sys_id;
	int out_of_date;	/* the record has a later version */
	const char *line;	/* without its newline */
	size_t len;
} ferry_frozen_line;

typedef int (*ferry_frozen_cb)(const ferry_frozen_line *line, void *payload);

/* ---- definitions ---------------------------------------------------- */

/*
 * One version of a formula or data set as stored.  signature holds the
 * canonical JSON of the inputs (data sets: columns), outputs the
 * canonical JSON of the output steps ("[]" for data sets); parent and
 * master are empty when unset.  Init before use, dispose after.
 */
typedef struct {
	int version;
	char status[8];			/* draft, active, closed */
	char start_date[11];		/* YYYY-MM-DD */
	ferry_str signature;
	ferry_str outputs;
	ferry_str body;
	ferry_str parent;
	ferry_str master;
	char created_by[128];
} ferry_definition_row;

void ferry_store__definition_row_init(ferry_definition_row *row);
void ferry_store__definition_row_dispose(ferry_definition_row *row);

/* A formula or data set as listed. */
typedef struct {
	int64_t id;
	const char *kind;	/* formula, dataset */
	const char *name;
	const char *created_at;
	int64_t versions;	/* how many it has */
	/* The highest version, the highest active and the highest draft
	 * one; 0 when there is none (versions count from 1). */
	int latest, active, draft;
} ferry_definition_entry;

typedef int (*ferry_definition_cb)(const ferry_definition_entry *d,
	void *payload);

/* A version of a formula or data set as listed. */
typedef struct {
	int version;
	const char *status;		/* draft, active, closed */
	const char *start_date;		/* YYYY-MM-DD */
	const char *signature;		/* canonical JSON: inputs, columns */
	const char *outputs;		/* canonical JSON: output steps */
	const char *body;
	const char *parent, *master;	/* NULL when unset */
	const char *created_by, *created_at;
	int64_t import_id;		/* the import that deployed it, or 0 */
} ferry_definition_version_entry;

typedef int (*ferry_definition_version_cb)(
	const ferry_definition_version_entry *v, void *payload);

/* ---- entity packs --------------------------------------------------- */

/* One associated object of an entity, as a listing hands it out.  The
 * strings are borrowed for the duration of the callback. */
typedef struct {
	const char *sys_id;
	const char *name;
	const char *definition;	/* canonical JSON text, or NULL */
	const char *policy;	/* open, changed, protected */
} ferry_object_row;

/* Return non-zero to stop; that value is returned. */
typedef int (*ferry_object_cb)(const ferry_object_row *row, void *payload);

/* ---- imports -------------------------------------------------------- */

/*
 * The import pipeline's SQL (src/lib/store/sqlite/imports*.c; docs/import.md
 * for the rules).  Items are staged
 * in ferry_import_item by load and never changed; preview rebuilds
 * ferry_import_plan (one narrow row per item) and ferry_import_problem
 * set-wise, entity by entity, with SQLite's JSON functions and the
 * functions the library lends (below); commit applies clean inserts and
 * updates of user entities set-wise and hands everything else to the
 * write path one item at a time.
 *
 * The SQL functions the statements call (ferry_fits(), ...) are the
 * library's, lent to the store at open (src/lib/functions.c).
 */

/* Item kinds of the plan iterators (ferry_store__import_next). */
#define FERRY_IMPORT_WRITES 1	/* act insert, update or merge, not fast */
#define FERRY_IMPORT_DELETES 2	/* act delete */

/* Problem kinds an "accept" cannot resolve (comma-separated). */
#define FERRY_IMPORT_NOT_ACCEPTABLE "formula_draft_exists,missing_entity," \
	"missing_field,missing_reference,still_referenced,type_mismatch"

/* An import as its row says. */
typedef struct {
	int64_t id;
	char state[16];		/* loaded previewed committed backed_out */
	char mode[16];		/* pack, application */
	char stamp[72];
	char pack_uid[40];
	int64_t items;
} ferry_import_row;

/* A new import (load). */
typedef struct {
	const char *file;
	const char *header;	/* the header line */
	const char *kind, *mode;
	const char *pack_uid, *pack_name;
	const char *source_id, *source_name;	/* may be NULL */
	const char *by, *at;
} ferry_import_new;

/*
 * One staged item with its plan and resolution.  Strings are owned by
 * the row (ferry_import_item_dispose); absent values are NULL.
 */
typedef struct {
	int64_t item;
	char *t, *entity, *sys_id, *rkey, *action, *version, *base, *policy;
	int vendor;
	char *payload, *old, *body;
	size_t body_len;
	char *target_id, *target_version, *target_policy;
	char *decision, *act, *resolution, *merged;
	int whole;		/* accepted with --whole */
} ferry_import_item;

void ferry_import_item_dispose(ferry_import_item *it);

/* Stages the item lines of one load with one prepared statement. */
typedef struct ferry_import_stager ferry_import_stager;

/*
 * An item line to read (stage_line.h).  With spans set, payload and old
 * are the line's own bytes of those members (NULL for a member the line
 * lacks), which the library found by walking a compact line; without,
 * the reader finds them itself.  Either way they are the bytes as
 * written, spaces and all, so the canonical check sees what the package
 * holds.
 */
typedef struct {
	const char *line;
	size_t len;
	int spans;
	const char *payload, *old;
	size_t payload_len, old_len;
} ferry_import_line;

/* Why a line cannot be staged: read (stage_line.h) or stored
 * (ferry_store__import_stage). */
enum {
	FERRY_STAGE_TOO_LONG = 1,
	FERRY_STAGE_NOT_JSON,
	FERRY_STAGE_REPEATED	/* a record of an earlier item again */
};

/* A line's columns, read as json1 reads them (stage_line.h). */
typedef struct ferry_stage_line ferry_stage_line;

/* An item to stage: its line read, the library's verdict of the item
 * on its own (docs/import.md, "What load refuses"), and a record's
 * reference values when the load judged its values (import_values.c):
 * an object of each field its package declares as a ref that the
 * payload sets, with the payload's text of the value.  The store keeps
 * them with the item for FERRY_CHECK_REF_KEPT. */
typedef struct {
	const ferry_stage_line *line;
	const char *code;	/* the first fact refusing it, NULL for none */
	int system;		/* a record of one of ferry's own entities */
	const char *refs;	/* NULL when the load did not judge it */
	size_t refs_len;
} ferry_staged_item;

/* An import as its documents show it; strings live for the callback
 * (NULL when absent). */
typedef struct {
	int64_t id;
	const char *state, *stamp, *kind, *mode, *file;
	int64_t items;
	const char *pack_uid, *pack_name;
	/* The header's pack.completed_at: a string, or with
	 * completed_number the text of a number or truth there. */
	const char *completed_at;
	int completed_number;
	const char *source_id, *source_name;
	int64_t previous_id;		/* 0 when none */
	int previous_found;		/* that import exists: */
	const char *previous_stamp;	/* ...its stamp */
	const char *loaded_by, *loaded_at, *previewed_at;
	const char *committed_by, *committed_at, *backup;
	const char *backed_out_by, *backed_out_at;
} ferry_import_entry;

typedef int (*ferry_import_cb)(const ferry_import_entry *e, void *payload);

/* ---- preview -------------------------------------------------------- */

/*
 * What the store knows of a record item against the target: the facts
 * the library's decision table and protection matrix read
 * (import_decide.c).  The store evaluates a table set-wise: the first
 * row whose `all` facts hold and none of whose `none` facts hold gives
 * its result.
 */
typedef enum {
	FERRY_FACT_PRESENT = 1u << 0,	/* the target has the record */
	FERRY_FACT_SAME = 1u << 1,	/* ...with the package's version or
					 * content */
	FERRY_FACT_INSERT = 1u << 2,	/* the item's action */
	FERRY_FACT_UPDATE = 1u << 3,
	FERRY_FACT_DELETE = 1u << 4,
	FERRY_FACT_HAS_BASE = 1u << 5,	/* the item names a base version */
	FERRY_FACT_AT_BASE = 1u << 6,	/* the target is at that version */
	FERRY_FACT_FIELDS = 1u << 7,	/* compared field by field: the
					 * package has base values */
	FERRY_FACT_CONFLICT = 1u << 8,	/* a field changed on both sides,
					 * to different values */
	FERRY_FACT_SAME_FIELDS = 1u << 9,	/* ...or to the same */
	FERRY_FACT_MERGE = 1u << 10,	/* the plan's decision (problems) */
	FERRY_FACT_SKIP = 1u << 11,
	FERRY_FACT_NO_ENTITY = 1u << 12,	/* a missing_entity problem */
	FERRY_FACT_TARGET_PROTECTED = 1u << 13,	/* the target's policy */
	FERRY_FACT_TARGET_CHANGED = 1u << 14,
	FERRY_FACT_PACKAGE_PROTECTED = 1u << 15,	/* the item's */
	FERRY_FACT_PACKAGE_OPEN = 1u << 16,
	FERRY_FACT_NOT_RECORD = 1u << 17,	/* a catalog record or an item
						 * of another kind */
	FERRY_FACT_ACCEPTED = 1u << 18,	/* the item's resolution (acts) */
	FERRY_FACT_SKIPPED = 1u << 19,
	FERRY_FACT_MERGED = 1u << 20,
	FERRY_FACT_WHOLE = 1u << 21	/* accepted --whole */
} ferry_record_fact;

typedef struct {
	unsigned all, none;	/* ferry_record_fact bits */
	const char *then;	/* a decision or act (NULL: the plan's
				 * decision), or a problem's fact code */
	const char *kind, *severity;	/* the problem's (NULL for a
					 * decision) */
} ferry_decision_rule;

typedef struct {
	const ferry_decision_rule *rows;
	size_t n;
} ferry_decision_table;

/* What the values of one field need checking for, in the target. */
typedef enum {
	FERRY_CHECK_MISSING = 1,	/* the target lacks the field */
	FERRY_CHECK_TYPE,		/* its type may refuse a value */
	FERRY_CHECK_REF,		/* a ref: its record must exist */
	FERRY_CHECK_REF_KEPT		/* the same, of a field the package
					 * declares a ref: an item staged
					 * with refs has its value there */
} ferry_value_check;

/* Which problems to read: NULL members (and limit 0) for any. */
typedef struct {
	const char *severity, *kind, *entity;
	int64_t limit, offset;
} ferry_problem_filter;

/* One problem with its item's facts; strings live for the callback. */
typedef struct {
	int64_t item;
	const char *t, *entity, *sys_id, *key, *kind, *severity;
	const char *facts;	/* [[code, value...], ...] */
	const char *resolution, *action, *decision;	/* may be NULL */
	int whole;
} ferry_import_problem_row;

/* ---- commit --------------------------------------------------------- */

/* How commit writes (the write options of records.h, set-wise). */
typedef struct {
	int64_t import_id;
	int application;	/* vendor records (application mode) */
	const char *user;
	const char *at;
} ferry_import_write;

/* The acts import_fast may apply set-wise: an import without inserts
 * spares each entity its insert statement, which walks the entity's items
 * all the same. */
#define FERRY_FAST_INSERTS 1u
#define FERRY_FAST_UPDATES 2u

/*
 * The outcomes that say commit wrote an item's record.  The payload
 * load staged for such an item stays with the import once committed:
 * what the package brought, the version's own content when commit wrote
 * the package's record as it came, the package's side when it merged
 * (docs/import.md, "What a committed import keeps").  The staged payload
 * of any other item goes at commit: each store's unstaging keeps the
 * payloads of the items whose outcome is in this list.
 */
#define FERRY_OUTCOMES_WRITTEN_SQL "('inserted', 'updated', 'merged')"

/* An item of an import with what commit did with it; strings live for
 * the callback. */
typedef struct {
	int64_t item;
	const char *t, *entity, *key;
	const char *outcome;	/* as ferry_store__import_outcome_counts() */
	const char *detail;	/* NULL when none */
} ferry_import_outcome_row;

/* The catalog record items (FERRY_IMPORT_CATALOG) or the formula and
 * data set items (FERRY_IMPORT_DEFINITIONS) of an import, in item order,
 * with their outcome.  Non-zero from cb stops and is returned. */
#define FERRY_IMPORT_CATALOG 1
#define FERRY_IMPORT_DEFINITIONS 2

/* ---- back out ------------------------------------------------------- */

/* A record version an import wrote, with what to restore. */
typedef struct {
	int64_t id;		/* the import's version */
	char hash[72];		/* and its hash */
	char entity[128];
	char sys_id[40];
	char action[8];
	int64_t latest;		/* the record's newest version now */
	int64_t parent;		/* the version before the import, or 0 */
	ferry_str parent_action;
	ferry_str parent_payload;
	char parent_hash[72];
	char parent_policy[16];
	int parent_vendor;
	int64_t item;		/* the import's item, 0 if not found or
				 * not looked for (import_touched_batch) */
} ferry_import_touched;

void ferry_import_touched_dispose(ferry_import_touched *t);

/* An item of an import as shown; strings live for the callback. */
typedef struct {
	int64_t item;
	const char *t;
	const char *entity;	/* the item's entity, else its kind */
	const char *sys_id, *key;
	const char *act;	/* the plan's act, else its decision, else
				 * the package's action */
	const char *action;	/* the package's */
	const char *resolution;
	int whole;		/* accepted --whole */
	const char *resolved_by, *resolved_at;
	const char *outcome;	/* once committed, as
				 * ferry_store__import_outcome_counts() */
	const char *detail;
	int64_t problems;	/* how many the item has */
} ferry_import_item_entry;

/* ---- the table of operations ---------------------------------------- */

/* The layout of ferry_store_backend; a backend states the one it was
 * written for, and an instance is not opened through any other. */
#define FERRY_STORE_BACKEND_VERSION 1

/* The library's calls, ferry_store__NAME(), one per operation. */
#define FERRY_STORE_OP(ret, op, params, args) ret ferry_store__##op params;
#define FERRY_STORE_VOID_OP(op, params, args) void ferry_store__##op params;
#define FERRY_STORE_OWN_OP(ret, op, params) ret ferry_store__##op params;
#include "store_ops.h"
#undef FERRY_STORE_OP
#undef FERRY_STORE_VOID_OP
#undef FERRY_STORE_OWN_OP

struct ferry_store_backend {
	unsigned version;	/* FERRY_STORE_BACKEND_VERSION */
	const char *name;	/* how messages name the store: "SQLite" */
	const char *library;	/* its client library, as ferry version
				 * lists it: "sqlite" */
	/* Whether location (a --db value) names an instance of this store. */
	int (*claims)(const char *location);
	/* The client library's version ferry was built against and the one
	 * it runs with. */
	void (*library_versions)(const char **built, const char **running);
#define FERRY_STORE_OP(ret, op, params, args) ret (*op) params;
#define FERRY_STORE_VOID_OP(op, params, args) void (*op) params;
#define FERRY_STORE_OWN_OP(ret, op, params) ret (*op) params;
#include "store_ops.h"
#undef FERRY_STORE_OP
#undef FERRY_STORE_VOID_OP
#undef FERRY_STORE_OWN_OP
};

/* The backends this ferry is built with, in the order they are asked to
 * claim a location; NULL-terminated. */
extern const ferry_store_backend *const ferry_store_backends[];

#endif
