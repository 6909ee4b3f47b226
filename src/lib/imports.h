/*
 * imports.h - what the import pipeline's files share.  The steps, each
 * using only those after it in this list and the files below: apply
 * (import_apply.c: every step in one call), load (import_load.c),
 * resolve (import_resolve.c), commit (import_commit.c), the plan
 * (import_plan.c: preview), back out (import_backout.c); below them,
 * what more than one step uses: the field-level decisions and diff
 * (import_diff.c), delete by query (import_query.c), the documents and
 * list and show (import_docs.c), the problem kinds (import_problems.c),
 * the words of facts (import_facts.c), the decision tables
 * (import_decide.c), an item judged on its own as load reads it
 * (import_verdict.c), the lines load reads a batch ahead on a thread
 * (import_feed.c), and finding an import and reading its items
 * (import_common.c), which uses nothing of the others.  docs/import.md
 * describes the pipeline and its rules.
 */
#ifndef FERRY_LIB_IMPORTS_H
#define FERRY_LIB_IMPORTS_H

#include "merge3.h"
#include "records.h"
#include "schema_merge.h"
#include "sop.h"
#include "store/store.h"

/* The system entities whose records are the catalog, and the ones that
 * are associated objects. */
int ferry__import_is_catalog(const char *entity);

/*
 * An item line read at load judged on its own (import_verdict.c): *code
 * the first fact that refuses it (a code of import_facts.c), NULL for
 * none; *system whether it is a record of one of ferry's own entities.
 * 0, or -1 when memory ran out.
 */
int ferry__import_verdict(const ferry_stage_line *sl, const char **code,
	int *system);

/*
 * A load's item lines, read and judged a batch ahead on a thread of
 * their own (import_feed.c).  A line as the feed hands it out: its
 * number (from 1), its columns, and rc 0 with the verdict of
 * ferry__import_verdict (code, system), FERRY_STAGE_TOO_LONG or
 * FERRY_STAGE_NOT_JSON when it cannot be read, -1 when memory ran out.
 */
typedef struct {
	int64_t item;
	const ferry_stage_line *line;
	const char *code;
	int system;
	int rc;
} ferry_fed_line;

/* Read one line of a package of format `format` (1 for lines made in
 * format 1's form, as update sets' are) into sl (reused) and out, as the
 * feed does: out->rc. */
int ferry__import_read_line(ferry_stage_line *sl, const char *line,
	size_t len, unsigned format, ferry_fed_line *out);

/*
 * Each record's values against the fields its package declares, judged
 * as the lines are staged (import_values.c): the entities whose schema
 * item came before their records.  ferry__values_see() takes each line
 * read (with its verdict's code) in the file's order: 0, or
 * FERRY_ENOMEM, which fails the load (what was judged would differ from
 * what the store keeps).  Then ferry__values_verdict() answers 1 for an
 * entity it judged, with its first record that does not fit (*bad, 0
 * for none) and the words, or 0 when the store's check must judge the
 * entity.
 *
 * For a record it judged and found fitting, ferry__values_see() sets
 * *refs to its reference values (ferry_type__payload_check's refs), to
 * be staged with the item before the next line is seen; else NULL.
 */
typedef struct ferry_value_judge ferry_value_judge;

int ferry__values_new(ferry_value_judge **out);
void ferry__values_free(ferry_value_judge *j);
int ferry__values_see(ferry_value_judge *j, const ferry_stage_line *sl,
	const char *code, int64_t item, const ferry_str **refs);
int ferry__values_verdict(const ferry_value_judge *j, const char *entity,
	int64_t *bad, const char **why);

typedef struct ferry_line_feed ferry_line_feed;

/* Start reading r's items: 0, or FERRY_ENOMEM. */
int ferry__feed_new(ferry_line_feed **out, ferry_sop_reader *r);
/*
 * The next line, valid until the next call: 1; after a line with rc
 * other than 0 the caller must not ask again.  0 at the reader's
 * verified end, or the reader's failure with its message in err.
 */
int ferry__feed_next(ferry_line_feed *f, const ferry_fed_line **line,
	ferry_str *err);
/* Stop reading; the reader is the caller's again. */
void ferry__feed_free(ferry_line_feed *f);

/*
 * An import's state as users see it: a package's load that has committed
 * its staging but not yet its plan (import_load.c), running or stopped,
 * is "loading"; the store keeps it as loaded without a stamp.
 */
const char *ferry__import_state(const char *state, const char *stamp);

/*
 * Look an import up, with the message a user sees when there is none;
 * with `states` (comma-separated), FERRY_ESTATE unless it is in one of
 * them, `doing` completing "cannot ... an import that is ...".
 */
int ferry__import_find(ferry_db *db, int64_t id, const char *states,
	const char *doing, ferry_import_row *out);

/*
 * The steps as apply runs them, handing on values instead of documents:
 * load (the new import's id in *loaded), a preview (the count of items
 * with unresolved errors in *unresolved, unless NULL) and resolve (how
 * many items were resolved in *resolved).  Their public calls are these
 * less the values.
 */
int ferry__import_load(ferry_buf *out, ferry_db *db, const char *path,
	int64_t *loaded);
int ferry__import_preview(ferry_buf *out, ferry_db *db, int64_t id,
	const ferry_preview_filter *f, int64_t *unresolved);
int ferry__import_resolve(ferry_buf *out, ferry_db *db, int64_t id,
	const char *resolution, const int64_t *items, size_t n,
	int64_t *resolved);

/*
 * Decide what every item of an import does against the target as it is
 * now and record every problem (docs/import.md, "Preview"), replacing
 * the previous plan; resolutions are kept.  Inside the caller's
 * transaction.
 */
int ferry__import_plan(ferry_db *db, const ferry_import_row *imp);

/*
 * The import's plan, current: the kept one if neither the target nor a
 * resolution has changed since it was made (at load or by a preview),
 * else a new one, kept; the import is then previewed (by db->user, now,
 * when restamp is set or the state changes).  Inside the caller's
 * transaction.
 */
int ferry__import_keep_plan(ferry_db *db, const ferry_import_row *imp,
	int restamp);

/*
 * A sys_field payload as a field definition: the strings point into
 * obj (a parsed payload) or are NULL; default_value is owned by def_text.
 */
int ferry__import_field_def(ferry_db *db, json_t *obj, ferry_field_def *def,
	ferry_str *def_text);

/*
 * 1 if every value that exactly fits type `declared` (in its stored form)
 * exactly fits type `target` too, so no value needs checking: the same
 * type with room enough, int into bigint, any string into text.
 */
int ferry__import_covers(const ferry_type *target, const ferry_type *declared);

/* Parse a payload or merged object (one document per call). */
int ferry__import_parse(ferry_db *db, const char *text, json_t **out);

/* An item of an import with its plan, or FERRY_ENOTFOUND with the
 * message a user sees ("import 3 has no item 9; see ...").  out is
 * disposed of by the caller. */
int ferry__import_item_find(ferry_db *db, int64_t id, int64_t item,
	ferry_import_item *out);

/* What an item is, for listings: "record", "entity" or "field" (a
 * catalog record: an entity or field definition), "object" (an
 * associated object), "schema" (a declared schema), "formula",
 * "dataset", or the item's own kind. */
const char *ferry__import_item_type(const ferry_import_item *it);
/* The same from an item's kind t and entity. */
const char *ferry__import_type_of(const char *t, const char *entity);

/*
 * The documents of an import (import_docs.c), appended to doc from the
 * store's facts; docs/import.md shows them.  load and summary leave the
 * object open for the caller's members: load {id, stamp, items, kind,
 * mode, pack, source, previous; summary {id, state, stamp, pack, items,
 * actions, unresolved, problem_count, kinds, matched} (kinds: every
 * problem by kind; matched: how many f keeps, f may be NULL), with the
 * unresolved count in *unresolved too unless it is NULL.
 */
int ferry__import_doc_load(ferry_db *db, int64_t id, ferry_str *doc);
int ferry__import_doc_summary(ferry_db *db, int64_t id,
	const ferry_problem_filter *f, ferry_str *doc, int64_t *unresolved);
/* {id, state, stamp, pack, backup, committed_at, outcomes, schema,
 * definitions} after a commit. */
int ferry__import_doc_commit(ferry_db *db, int64_t id, ferry_str *doc);
/* {id, state, restored, backed_out_at, problems} after a back out, each
 * problem with the words of its facts. */
int ferry__import_doc_backout(ferry_db *db, int64_t id, int64_t restored,
	ferry_str *doc);

/* One field of a record item, decided by the three-way merge: values
 * as canonical JSON text (owned); base NULL when the item carries no
 * base values, target NULL when the target has no such record. */
typedef struct {
	char *name;
	char *base, *target, *package;
	ferry_merge3 merge;
} ferry_import_field_decision;

/* Every field a record item writes or changes (its payload's and its
 * old values' keys), in byte order. */
typedef struct {
	ferry_import_field_decision *fields;
	size_t n;
	int has_base;		/* an update that carries base values */
	int has_target;		/* the target has the record */
} ferry_import_decided;

/*
 * Decide every field of a record item against the target's values
 * (target[i] belongs to fs->fields[i]; NULL when the target has no such
 * record): merge3.h for an update with base values; otherwise, with a
 * target record, every field that differs is a conflict.
 */
int ferry__import_decide(ferry_db *db, const ferry_import_item *it,
	const ferry_fieldset *fs, const ferry_value *target,
	ferry_import_decided *out);
/* The same, reading the target's record the plan found. */
int ferry__import_decide_item(ferry_db *db, const ferry_import_item *it,
	ferry_import_decided *out);
void ferry__import_decided_dispose(ferry_import_decided *d);

/*
 * Delete by query (import_query.c): FIELD=VALUE conditions joined by
 * "^", parsed; the plan of one delete_query item (a count and a
 * delete_by_query note); its commit (every match deleted through the
 * write path with o).
 */
#define FERRY_QUERY_MAX 16
typedef struct {
	char fields[FERRY_QUERY_MAX][FERRY_NAME_MAX];
	char *values[FERRY_QUERY_MAX];
	size_t n;
} ferry_query;

int ferry__query_parse(const char *query, ferry_query *out, ferry_str *err);
void ferry__query_dispose(ferry_query *q);
int ferry__query_plan(ferry_db *db, int64_t id, const ferry_import_item *it);
int ferry__query_commit(ferry_db *db, int64_t id, const ferry_import_item *it,
	const ferry_write_opts *o);

/* The resolutions a problem kind or an item allows (bits). */
#define FERRY_RESOLVE_ACCEPT 1u
#define FERRY_RESOLVE_SKIP 2u
#define FERRY_RESOLVE_MERGE 4u
#define FERRY_RESOLVE_PARTIAL 8u	/* accept takes conflicting fields only */

/* A problem kind: its name, the resolutions that answer it (0 for a
 * note that needs none) and what to do first, if anything. */
typedef struct {
	const char *name;
	unsigned allows;
	const char *before;
} ferry_problem_kind_info;

/* A kind by name, or NULL; the i-th kind, or NULL past the last. */
const ferry_problem_kind_info *ferry__problem_kind(const char *name);
const ferry_problem_kind_info *ferry__problem_kind_at(size_t i);

/* The kinds that need an answer and cannot take `want` (a
 * FERRY_RESOLVE_ bit), comma-separated, in the table's order. */
void ferry__problem_kinds_without(ferry_str *s, unsigned want);

/* What an item allows: accept and skip always; merge for the inserts and
 * updates of records; PARTIAL when accept decides field by field. */
unsigned ferry__import_item_allows(const char *t, const char *entity,
	const char *action, const char *decision);

/* The decision table of record items, and the three tables of the
 * problems the store finds from facts (import_decide.c). */
extern const ferry_decision_table ferry__record_decisions;
/* What a resolved item does. */
extern const ferry_decision_table ferry__resolved_acts;
extern const ferry_decision_table ferry__record_problems[3];

/*
 * The words of facts the store found (import_facts.c): a fact is a JSON
 * array [code, value...]; facts is one fact or an array of them (one
 * problem kind found several times on an item), worded "; "-joined.
 * FERRY_EFORMAT when facts is not such an array.
 */
int ferry__fact_words(ferry_str *s, const char *facts);
/* facts holding one sentence the library worded itself. */
void ferry__fact_text(ferry_str *facts, const char *sentence);
/* Record a problem the library worded itself (sentence). */
int ferry__problem_say(ferry_db *db, int64_t id, int64_t item,
	const char *kind, const char *severity, const ferry_str *sentence);
/* 1 when code has words here. */
int ferry__fact_known(const char *code);

/* Append "; ..." saying which commands answer a problem of `kind` on
 * item (those both the kind and the item allow). */
void ferry__problem_advice(ferry_str *s, const char *kind, int64_t id,
	int64_t item, unsigned item_allows);

/* Append word quoted for a POSIX shell where it needs quoting. */
void ferry__shell_quote(ferry_str *s, const char *word);

/* Write the members of the JSON object `patch` over obj. */
int ferry__import_overlay(ferry_db *db, json_t *obj, const char *patch);

/*
 * For tests only: 0 sends every record item of a commit through the write
 * path (ferry__record_write), bypassing the set-wise inserts and updates,
 * so that a parity test can prove both give the same instance; 1 (the
 * default) restores it.  Not thread-safe; the library never calls it.
 */
void ferry__import_set_fast_path(int on);

#endif
