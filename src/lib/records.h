/*
 * records.h - the one path by which any record changes: a local edit, a
 * catalog change, a restore or an import.  It checks the protection
 * policy, writes the row, writes the immutable version and captures it
 * into the actor's current pack, all in the caller's transaction.
 */
#ifndef FERRY_LIB_RECORDS_H
#define FERRY_LIB_RECORDS_H

#include "db.h"
#include "hash.h"
#include "identity.h"
#include "types.h"

#include <stdio.h>

/* How a change is written. */
typedef struct {
	const char *source;	/* "local", "restore", "import", "unpack" */
	int64_t import_id;	/* the import, for source "import" */
	int own_policy;		/* the change brings its policy (below);
				 * 0: the local rules (open, changed) */
	ferry_policy policy;
	int vendor;		/* -1 keeps the record's flag (0 on insert) */
	int capture;		/* capture into the actor's current pack */
	int allow_protected;	/* may change a protected record (imports) */
	/* NULL, or an earlier version's payload and id: a write of that
	 * very content is that version (back out puts it back) */
	const char *same_payload, *same_version;
} ferry_write_opts;

#define FERRY_WRITE_LOCAL \
	{ "local", 0, 0, FERRY_POLICY_OPEN, -1, 1, 0, NULL, NULL }

/*
 * The key of the member that names a record's renamed fields in record
 * documents ({"ext_sys_policy":"sys_policy"}): not a possible field
 * name, so it never collides with one.  docs/cli/record.md.
 */
#define FERRY_EXTERNAL_NAMES "@external_names"

/*
 * The fields of an entity, system or user, added to out (empty).
 * FERRY_ENOTFOUND with a message for an unknown entity.  On any failure
 * out is left empty: nothing to dispose.
 */
int ferry__fields(ferry_db *db, const char *entity, ferry_fieldset *out);
/* Parse the type_text of each field the store loaded into its type:
 * FERRY_EFORMAT, the catalog damaged, when one does not parse. */
int ferry__parse_types(ferry_db *db, const char *entity, ferry_fieldset *fs);
/* The fields of entity an import declares (scope 0) or the target will
 * have (1), their types parsed; out is left empty on failure. */
int ferry__import_fields(ferry_db *db, int64_t id, ferry_scope scope,
	const char *entity, ferry_fieldset *out);
/*
 * Append an entity's definition document, {name, display, description,
 * fields:[{name, type, display, description, default, external_name}]}
 * with fields by
 * name (docs/cli/entity.md; the schema items of docs/format.md).
 * FERRY_ENOTFOUND (no message) when the catalog has no such entity.
 */
int ferry__entity_doc(ferry_db *db, const char *entity, ferry_str *doc);

/*
 * Keep the finished lines of a pack being completed, as its export in
 * the newest format and pack mode writes them (export.c; the store's
 * pack_freeze_add), inside the caller's transaction.
 */
int ferry__pack_freeze(ferry_db *db, int64_t pack_id);

/* The version hash of content: docs/format.md, section 5.3. */
void ferry__version_hash(char out[FERRY_HASH_HEX], const char *entity,
	const char *rkey, const char *action, const char *payload,
	size_t len);

/*
 * The pack name rule (docs/cli/pack.md): 1 to 200 bytes of UTF-8
 * without control characters.  For names typed here and names read
 * from a package's header alike.
 */
int ferry__pack_name_ok(const char *name);

/* The seal over a version, its policy and vendor flag: format.md 5.3. */
void ferry__item_seal(char out[FERRY_HASH_HEX], const char *version,
	const char *policy, int vendor);

/* The seal over an entity pack's object item: its object entity, entity,
 * name, definition (canonical JSON text, "null" for none) and policy;
 * docs/entitypacks.md. */
void ferry__object_seal(char out[FERRY_HASH_HEX], const char *table,
	const char *entity, const char *name, const char *definition,
	const char *policy);

/* The error for a stored payload that is not canonical JSON (ferry
 * wrote every one): FERRY_EFORMAT, naming the record. */
int ferry__payload_damaged(ferry_db *db, const char *entity,
	const char *sys_id);

/*
 * Write one change.  action is FERRY_ACTION_INSERT (sys_id must be new),
 * FERRY_ACTION_UPDATE (values holds every field's new value, set[] marks
 * the changed ones) or FERRY_ACTION_DELETE (values ignored).  The
 * version hash is returned in version_out when it is not NULL.
 */
int ferry__record_write(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *sys_id, ferry_action action,
	const ferry_value *values, const int *set, const ferry_write_opts *o,
	char version_out[FERRY_HASH_HEX]);

/*
 * Convert a JSON object of field values for an entity: values[] (fs->n
 * slots) receives the converted values, set[] marks the fields present.
 * Unknown fields, bad values and dangling references are refused.
 */
int ferry__record_convert(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, json_t *obj, ferry_value *values, int *set);

/* The steps of a put, which the bulk load (record_load.c) shares. */
/* Refuse the catalog entities, changed with their own commands. */
int ferry__record_check_entity(ferry_db *db, const char *entity);
/* Parse one record document: a JSON object in valid UTF-8. */
int ferry__record_parse(ferry_db *db, json_t **out, const char *text,
	size_t len);
/* The same without a handle (any thread): FERRY_EINVALID with why. */
int ferry__record_parse_text(json_t **out, const char *text, size_t len,
	ferry_str *why);

/*
 * record load's input, read and parsed a batch ahead on a thread of its
 * own (record_read.c).  A line as it hands it out: its number, and the
 * parsed object (the caller's from then on), or error with why:
 * FERRY_EINVALID for a line that is not a record document or is longer
 * than FERRY_RECORD_LINE_MAX (too_long), FERRY_EIO when the input could
 * not be read, FERRY_ENOMEM.
 */
#define FERRY_RECORD_LINE_MAX ((size_t)64 << 20)

typedef struct {
	uint64_t lineno;
	size_t len;	/* the line's bytes */
	json_t *obj;
	int error;
	int too_long;
	ferry_str why;
	void *prepared;	/* what prepare made of the line, or NULL (the
			 * caller's from then on, as obj) */
} ferry_record_line;

typedef struct ferry_record_reader ferry_record_reader;

/*
 * The work a line needs that does not need the instance, done where the
 * line is read (on the reading thread, so on two cores beside the
 * writes).  prepare_text(line, text, len, arg), when set, runs first on
 * the line's text: 1 when it set line->prepared and the line needs no
 * parsing, 0 when the line is to be parsed, or FERRY_ENOMEM.
 * prepare(line, text, len, arg) runs on each line then parsed, with its
 * text, and may set line->prepared, and free line->obj (setting it
 * NULL); it returns FERRY_ENOMEM or 0.  discard(prepared, arg) frees
 * one the caller did not take.
 */
typedef struct {
	int (*prepare_text)(ferry_record_line *line, const char *text,
		size_t len, void *arg);
	int (*prepare)(ferry_record_line *line, const char *text, size_t len,
		void *arg);
	void (*discard)(void *prepared, void *arg);
	void *arg;
} ferry_record_prep;

/* prep may be NULL. */
int ferry__record_reader_new(ferry_record_reader **out, FILE *in,
	const ferry_record_prep *prep);
/* The next line with a record or an error, valid until the next call:
 * 1, or 0 at the end of the input. */
int ferry__record_reader_next(ferry_record_reader *r,
	ferry_record_line **line);
/* Hand back what prepare made of a line, for the reading thread to
 * discard (where it was made, and not on the caller's time): 0, or
 * FERRY_ENOMEM and the caller discards it. */
int ferry__record_reader_spend(ferry_record_reader *r, void *prepared);
void ferry__record_reader_free(ferry_record_reader *r);
/*
 * Write one record document: update the record it names, or insert it.
 * With upsert, a sys_id that does not exist yet is inserted under that
 * id; without, that is an error.  A document without a sys_id is
 * inserted under the one in sys_id, or a new one when sys_id is "".
 * sys_id receives the record's.
 */
int ferry__record_put(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, json_t *obj, int upsert, char sys_id[37]);
/* What a record's version is made of, from its values alone: its
 * payload, its key and its hash. */
typedef struct {
	ferry_str payload, rkey;
	char hash[FERRY_HASH_HEX];
} ferry_record_made;

/*
 * 1 when writing values to entity's record sys_id, whose current version
 * hash is version, would change nothing (writing what is already there
 * makes no version), 0 when it would, or an error.  made (or NULL)
 * receives, when 0, the parts of the change's version (an update's, as
 * ferry__record_make() makes them): the caller's to dispose.
 */
int ferry__record_unchanged(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values,
	const char *sys_id, const char *version, ferry_record_made *made);
/*
 * The values of a new record: obj converted as ferry__record_convert()
 * does but without looking its references up (the caller does, for many
 * records at once), and the defaults of the fields it leaves out.  With
 * db NULL (any thread) a refusal is only its code: the caller converts
 * again with the handle to say why.
 */
int ferry__record_new_values(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, json_t *obj, ferry_value *values, int *set);
/* One member of a record document converted into its field's slot, as
 * the two above convert each (key is not sys_id). */
int ferry__record_member(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *key, json_t *val,
	ferry_value *values, int *set, int refs);
/* The defaults of the fields a new record leaves out (set[i] 0). */
int ferry__record_defaults(ferry_db *db, const ferry_fieldset *fs,
	ferry_value *values, const int *set);
/*
 * A new record's values read from the text of its line (len bytes, with
 * a NUL at text[len], as the reader hands a line over), without parsing
 * it into an object (record_text.c; any thread): 1 with values, set and
 * sys_id (the one the line names, or "") as ferry__record_new_values()
 * makes them from the parsed line; 0 when the line is one this reader
 * leaves to jansson (the caller parses it, and converts or refuses it
 * as before), nothing set; or FERRY_ENOMEM.
 */
int ferry__record_values_of_text(const char *entity, const ferry_fieldset *fs,
	const char *text, size_t len, ferry_value *values, int *set,
	char sys_id[37]);

/* Make m as ferry__record_write() makes the version of action (an
 * insert or an update; any thread): FERRY_ENOMEM or 0. */
int ferry__record_make(ferry_record_made *m, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values,
	const char *sys_id, ferry_action action);
void ferry__record_made_dispose(ferry_record_made *m);

/*
 * Insert n new records as ferry__record_write() inserts each in turn
 * (the local rules of o, a version, the capture), a few statements for
 * all of them.  The caller vouches that each sys_ids[i] is new: no row,
 * no version (ferry_store__record_presence()), no two alike.  made is
 * NULL, or holds for each record NULL or its parts made ahead
 * (ferry__record_make()) from the same values and sys_id.
 */
int ferry__record_insert_many(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *const *sys_ids,
	ferry_value *const *values, const ferry_record_made *const *made,
	size_t n, const ferry_write_opts *o);

/* A change to an existing record whose newest version the caller has
 * read (ferry__record_update_many). */
typedef struct {
	const char *sys_id;
	const ferry_value *values;	/* every field's (fs->n) */
	int64_t parent_id;		/* the record's newest version */
	const char *parent_hash;
	ferry_policy policy;
	int vendor;
	/* NULL, or an earlier version's payload and id, as in
	 * ferry_write_opts */
	const char *same_payload, *same_version;
	/* NULL, or (without same_payload) the version's parts made ahead
	 * from the same values (ferry__record_unchanged()) */
	const ferry_record_made *made;
} ferry_record_change;

/*
 * Update n existing records as ferry__record_write() updates each in
 * turn with every field set, the policy and vendor flag given, a few
 * statements for all of them.  The caller vouches for what the write
 * path would read a record at a time: each record exists, c[i].parent_id
 * is its newest version, no two changes are to one record, and
 * protection does not apply (o->allow_protected, or the caller found
 * none of the records protected).  With o->capture each version is
 * captured into the actor's current pack, as the write path captures
 * it: a bulk load's updates; without, a back out's restores.
 */
int ferry__record_update_many(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_change *c, size_t n,
	const ferry_write_opts *o);

/* Capture a written version into the actor's current pack. */
int ferry__capture(ferry_db *db, const char *entity, const char *sys_id,
	int64_t version_id, int64_t parent_id);

/*
 * The catalog changes without the admin check or transaction of the
 * public calls, written with the caller's options (imports and unpacking
 * use these).  NULL text arguments keep what is there (set) or leave the
 * value unset (create, add).
 */
int ferry__entity_create(ferry_db *db, const char *name,
	const char *display, const char *description,
	const ferry_write_opts *o);
int ferry__field_add(ferry_db *db, const char *entity, const char *field,
	const char *type, const char *display, const char *description,
	const char *default_value, const char *external_name,
	const ferry_write_opts *o);

/*
 * A field's external name (its name in the system it came from, kept
 * when ferry's name differs: docs/interop.md), checked for a new field
 * of entity whose fields are fs: UTF-8 text of 1 to 200 characters on
 * one line, not the field's own name, and no other field of the entity
 * standing for it (FERRY_ECONFLICT).  NULL (none) passes.
 */
int ferry__external_name_check(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *field, const char *external);

/*
 * The external names of entity's fields (external.c), as a JSON object
 * field -> external name (*out owned by the caller): the target's
 * catalog, and with import_id (0: none) that import's declared schema
 * of the entity over it.
 */
int ferry__external_names(ferry_db *db, int64_t import_id,
	const char *entity, json_t **out);
int ferry__field_set(ferry_db *db, const char *entity, const char *field,
	const char *type, const char *display, const char *description,
	const char *default_value, const ferry_write_opts *o);

#endif
