/*
 * import_docs.c - the documents of an import (load, preview, commit,
 * back out, list, show), written from the facts the store returns
 * (store.h, "imports"): the import's row, its items, counts.  The store
 * builds no JSON for them, so every store prints the same bytes.  List
 * and show are nothing but their documents, so they are here too.
 */
#include "imports.h"

#include "jsonw.h"

#include <string.h>

/* What each decision counts in a preview, and each outcome in a commit,
 * in the documents' order. */
static const char *const decisions[] = { "insert", "update", "merge",
	"delete", "skip" };
static const char *const outcomes[] = { "inserted", "updated", "merged",
	"deleted", "skipped" };
#define WORDS 5

/* The import's row lives for the store's callback: each document writes
 * the members it needs from it there. */
typedef int (*entry_write)(ferry_str *doc, const ferry_import_entry *e,
	int64_t n);

typedef struct {
	ferry_str *doc;
	entry_write write;
	int64_t n;		/* a count of the caller's, for write() */
} entry_writer;

static int entry_cb(const ferry_import_entry *e, void *payload)
{
	entry_writer *w = payload;

	return w->write(w->doc, e, w->n);
}

/* Write the members of import id that write() chooses. */
static int import_members(ferry_db *db, int64_t id, ferry_str *doc,
	entry_write write, int64_t n)
{
	entry_writer w;
	int error;

	w.doc = doc;
	w.write = write;
	w.n = n;
	error = ferry_store__import_each(db, id, entry_cb, &w);
	if (error == FERRY_ENOTFOUND)
		return ferry__error(db, FERRY_EIO, "reading an import");
	return error;
}

static void put_pack(ferry_str *doc, const ferry_import_entry *e)
{
	ferry_json_open(doc, "pack", '{');
	ferry_json_str(doc, "id", e->pack_uid);
	ferry_json_str(doc, "name", e->pack_name);
	if (e->completed_number)
		ferry_json_raw(doc, "completed_at", e->completed_at,
			strlen(e->completed_at));
	else
		ferry_json_str(doc, "completed_at", e->completed_at);
	ferry_json_close(doc, '}');
}

static void put_source(ferry_str *doc, const ferry_import_entry *e)
{
	ferry_json_open(doc, "source", '{');
	ferry_json_str(doc, "id", e->source_id);
	ferry_json_str(doc, "name", e->source_name);
	ferry_json_close(doc, '}');
}

/* The members most documents open with: {id, state, stamp, pack. */
static void put_opening(ferry_str *doc, const ferry_import_entry *e)
{
	ferry_json_open(doc, NULL, '{');
	ferry_json_int(doc, "id", e->id);
	ferry_json_str(doc, "state",
		ferry__import_state(e->state, e->stamp));
	ferry_json_str(doc, "stamp", e->stamp);
	put_pack(doc, e);
}

/* Counts by word, in the order of words (0 for a word without). */
typedef struct {
	const char *const *words;
	int64_t n[WORDS];
} word_counts;

static int count_cb(const char *word, int64_t n, void *payload)
{
	word_counts *c = payload;
	size_t i;

	for (i = 0; i < WORDS; i++)
		if (word && !strcmp(word, c->words[i]))
			c->n[i] = n;
	return 0;
}

static void put_counts(ferry_str *doc, const char *key, const word_counts *c)
{
	size_t i;

	ferry_json_open(doc, key, '{');
	for (i = 0; i < WORDS; i++)
		ferry_json_int(doc, c->words[i], c->n[i]);
	ferry_json_close(doc, '}');
}

static int outcome_counts(ferry_db *db, int64_t id, ferry_str *doc)
{
	word_counts c;
	int error;

	memset(&c, 0, sizeof(c));
	c.words = outcomes;
	if ((error = ferry_store__import_outcome_counts(db, id, count_cb,
	    &c)) < 0)
		return error;
	put_counts(doc, "outcomes", &c);
	return 0;
}

/* A document's end: out of memory when a callback or the document ran
 * out, else error. */
static int done(ferry_db *db, ferry_str *doc, int error)
{
	if (error == FERRY_ENOMEM || (error == 0 && ferry_str_failed(doc)))
		return ferry__oom(db);
	return error;
}

/* ---- load ---------------------------------------------------------------- */

static int load_members(ferry_str *doc, const ferry_import_entry *e,
	int64_t n)
{
	ferry_json_open(doc, NULL, '{');
	ferry_json_int(doc, "id", e->id);
	ferry_json_str(doc, "stamp", e->stamp);
	ferry_json_int(doc, "items", e->items);
	ferry_json_str(doc, "kind", e->kind);
	ferry_json_str(doc, "mode", e->mode);
	put_pack(doc, e);
	put_source(doc, e);
	if (!e->previous_found) {
		ferry_json_raw(doc, "previous", NULL, 0);
		return 0;
	}
	ferry_json_open(doc, "previous", '{');
	ferry_json_int(doc, "id", e->previous_id);
	ferry_json_str(doc, "stamp", e->previous_stamp);
	ferry_json_bool(doc, "same", e->previous_stamp && e->stamp &&
		!strcmp(e->previous_stamp, e->stamp));
	ferry_json_close(doc, '}');
	return 0;
}

int ferry__import_doc_load(ferry_db *db, int64_t id, ferry_str *doc)
{
	return done(db, doc, import_members(db, id, doc, load_members, 0));
}

/* ---- preview ------------------------------------------------------------- */

static int summary_members(ferry_str *doc, const ferry_import_entry *e,
	int64_t n)
{
	put_opening(doc, e);
	ferry_json_int(doc, "items", e->items);
	return 0;
}

/* Problems counted by kind, in the store's order of kinds. */
typedef struct {
	ferry_str *doc;
	int64_t total;
} kind_counts;

static int kind_cb(const char *kind, int64_t n, void *payload)
{
	kind_counts *k = payload;

	ferry_json_int(k->doc, kind, n);
	k->total += n;
	return 0;
}

int ferry__import_doc_summary(ferry_db *db, int64_t id,
	const ferry_problem_filter *f, ferry_str *doc, int64_t *unresolved_out)
{
	ferry_str kinds = FERRY_STR_INIT;
	word_counts c;
	kind_counts k;
	int64_t unresolved = 0, matched = 0;
	int error;

	memset(&c, 0, sizeof(c));
	c.words = decisions;
	k.doc = &kinds;
	k.total = 0;
	ferry_json_open(&kinds, NULL, '{');
	if ((error = import_members(db, id, doc, summary_members,
	    0)) < 0 ||
	    (error = ferry_store__import_decision_counts(db, id, count_cb,
	    &c)) < 0 ||
	    (error = ferry_store__import_unresolved(db, id, &unresolved,
	    NULL, NULL)) < 0 ||
	    (error = ferry_store__import_problem_kinds(db, id, f, kind_cb, &k,
	    &matched)) < 0)
		goto out;
	ferry_json_close(&kinds, '}');
	put_counts(doc, "actions", &c);
	ferry_json_int(doc, "unresolved", unresolved);
	if (unresolved_out)
		*unresolved_out = unresolved;
	ferry_json_int(doc, "problem_count", k.total);
	ferry_json_raw(doc, "kinds", kinds.ptr, kinds.size);
	ferry_json_int(doc, "matched", matched);
	ferry_json_close(doc, '}');
	if (ferry_str_failed(&kinds))
		doc->failed = 1;
out:
	ferry_str_dispose(&kinds);
	return done(db, doc, error);
}

/* ---- commit -------------------------------------------------------------- */

static int commit_members(ferry_str *doc, const ferry_import_entry *e,
	int64_t n)
{
	put_opening(doc, e);
	ferry_json_str(doc, "backup", e->backup);
	ferry_json_str(doc, "committed_at", e->committed_at);
	return 0;
}

static int schema_cb(const ferry_import_outcome_row *r, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_int(doc, "item", r->item);
	ferry_json_str(doc, "entity", r->entity);
	ferry_json_str(doc, "key", r->key);
	ferry_json_str(doc, "outcome", r->outcome);
	ferry_json_str(doc, "detail", r->detail);
	ferry_json_close(doc, '}');
	return 0;
}

/* A definition's detail is its result, a JSON document already. */
static int definition_cb(const ferry_import_outcome_row *r, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_int(doc, "item", r->item);
	ferry_json_str(doc, "kind", r->t);
	ferry_json_str(doc, "name", r->key);
	ferry_json_str(doc, "outcome", r->outcome);
	ferry_json_raw(doc, "result", r->detail, r->detail ?
		strlen(r->detail) : 0);
	ferry_json_close(doc, '}');
	return 0;
}

int ferry__import_doc_commit(ferry_db *db, int64_t id, ferry_str *doc)
{
	int error;

	if ((error = import_members(db, id, doc, commit_members, 0)) < 0 ||
	    (error = outcome_counts(db, id, doc)) < 0)
		return error;
	ferry_json_open(doc, "schema", '[');
	if ((error = ferry_store__import_outcomes_each(db, id,
	    FERRY_IMPORT_CATALOG, schema_cb, doc)) < 0)
		return error;
	ferry_json_close(doc, ']');
	ferry_json_open(doc, "definitions", '[');
	if ((error = ferry_store__import_outcomes_each(db, id,
	    FERRY_IMPORT_DEFINITIONS, definition_cb, doc)) < 0)
		return error;
	ferry_json_close(doc, ']');
	ferry_json_close(doc, '}');
	return done(db, doc, 0);
}

/* ---- back out ------------------------------------------------------------ */

/* The kinds of problem a back out reports. */
#define BACKOUT_KINDS "changed_since_import,not_backed_out"

/* n: how many versions the back out restored. */
static int backout_members(ferry_str *doc, const ferry_import_entry *e,
	int64_t n)
{
	ferry_json_open(doc, NULL, '{');
	ferry_json_int(doc, "id", e->id);
	ferry_json_str(doc, "state",
		ferry__import_state(e->state, e->stamp));
	ferry_json_int(doc, "restored", n);
	ferry_json_str(doc, "backed_out_at", e->backed_out_at);
	return 0;
}

/* Each problem with the words of its facts. */
typedef struct {
	ferry_str *doc;
	ferry_str words;
} backout_problems;

static int backout_cb(const ferry_import_problem_row *r, void *payload)
{
	backout_problems *b = payload;
	int error;

	ferry_str_clear(&b->words);
	if ((error = ferry__fact_words(&b->words, r->facts)) < 0)
		return error;
	ferry_json_open(b->doc, NULL, '{');
	ferry_json_int(b->doc, "item", r->item);
	ferry_json_str(b->doc, "entity", r->entity);
	ferry_json_str(b->doc, "sys_id", r->sys_id);
	ferry_json_str(b->doc, "key", r->key);
	ferry_json_str(b->doc, "kind", r->kind);
	ferry_json_str(b->doc, "severity", r->severity);
	ferry_json_key(b->doc, "message");
	ferry_str_put_json(b->doc, b->words.ptr, b->words.size);
	ferry_json_close(b->doc, '}');
	return ferry_str_failed(&b->words) ? FERRY_ENOMEM : 0;
}

int ferry__import_doc_backout(ferry_db *db, int64_t id, int64_t restored,
	ferry_str *doc)
{
	backout_problems b;
	int error;

	if ((error = import_members(db, id, doc, backout_members,
	    restored)) < 0)
		return error;
	ferry_json_open(doc, "problems", '[');
	b.doc = doc;
	ferry_str_init(&b.words, 0);
	error = ferry_store__import_problems_of_kinds(db, id, BACKOUT_KINDS,
		backout_cb, &b);
	ferry_str_dispose(&b.words);
	if (error == FERRY_EFORMAT)
		return ferry__error(db, error, "reading an import's problems");
	if (error < 0)
		return done(db, doc, error);
	ferry_json_close(doc, ']');
	ferry_json_close(doc, '}');
	return done(db, doc, 0);
}

/* ---- list and show ------------------------------------------------------- */

static int list_members(ferry_str *doc, const ferry_import_entry *e,
	int64_t n)
{
	put_opening(doc, e);
	ferry_json_str(doc, "mode", e->mode);
	ferry_json_int(doc, "items", e->items);
	ferry_json_str(doc, "loaded_by", e->loaded_by);
	ferry_json_str(doc, "loaded_at", e->loaded_at);
	ferry_json_str(doc, "committed_at", e->committed_at);
	ferry_json_str(doc, "backed_out_at", e->backed_out_at);
	ferry_json_close(doc, '}');
	return ferry_str_failed(doc) ? FERRY_ENOMEM : 0;
}

static int doc_list(ferry_db *db, ferry_str *doc)
{
	entry_writer w;
	int error;

	w.doc = doc;
	w.write = list_members;
	w.n = 0;
	ferry_json_open(doc, NULL, '[');
	error = ferry_store__import_each(db, 0, entry_cb, &w);
	if (error == FERRY_ENOTFOUND)
		error = 0;
	ferry_json_close(doc, ']');
	return done(db, doc, error);
}

/* A shown import: its members before the items (head) and after them
 * (tail), written while the store hands its row. */
typedef struct {
	ferry_str head, tail;
	int committed;
} show_parts;

static int show_cb(const ferry_import_entry *e, void *payload)
{
	show_parts *p = payload;

	ferry_json_open(&p->head, NULL, '{');
	ferry_json_int(&p->head, "id", e->id);
	ferry_json_str(&p->head, "state",
		ferry__import_state(e->state, e->stamp));
	ferry_json_str(&p->head, "stamp", e->stamp);
	ferry_json_str(&p->head, "kind", e->kind);
	ferry_json_str(&p->head, "mode", e->mode);
	put_pack(&p->head, e);
	put_source(&p->head, e);
	ferry_json_str(&p->head, "file", e->file);
	p->committed = e->committed_at != NULL;
	ferry_json_id(&p->tail, "previous_id", e->previous_id);
	ferry_json_str(&p->tail, "loaded_by", e->loaded_by);
	ferry_json_str(&p->tail, "loaded_at", e->loaded_at);
	ferry_json_str(&p->tail, "previewed_at", e->previewed_at);
	ferry_json_str(&p->tail, "committed_by", e->committed_by);
	ferry_json_str(&p->tail, "committed_at", e->committed_at);
	ferry_json_str(&p->tail, "backup", e->backup);
	ferry_json_str(&p->tail, "backed_out_by", e->backed_out_by);
	ferry_json_str(&p->tail, "backed_out_at", e->backed_out_at);
	ferry_json_close(&p->tail, '}');
	return 0;
}

static int show_item_cb(const ferry_import_item_entry *e, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_int(doc, "item", e->item);
	ferry_json_str(doc, "type", ferry__import_type_of(e->t, e->entity));
	ferry_json_str(doc, "entity", e->entity);
	ferry_json_str(doc, "sys_id", e->sys_id);
	ferry_json_str(doc, "key", e->key);
	ferry_json_str(doc, "action", e->act);
	ferry_json_str(doc, "package_action", e->action);
	ferry_json_str(doc, "resolution", e->whole ? "accept_whole" :
		e->resolution);
	ferry_json_str(doc, "resolved_by", e->resolved_by);
	ferry_json_str(doc, "resolved_at", e->resolved_at);
	ferry_json_str(doc, "outcome", e->outcome);
	ferry_json_str(doc, "detail", e->detail);
	ferry_json_int(doc, "problems", e->problems);
	ferry_json_close(doc, '}');
	return ferry_str_failed(doc) ? FERRY_ENOMEM : 0;
}

static int doc_show(ferry_db *db, int64_t id, ferry_str *doc)
{
	show_parts p;
	int error;

	ferry_str_init(&p.head, 0);
	ferry_str_init(&p.tail, 0);
	p.committed = 0;
	if ((error = ferry_store__import_each(db, id, show_cb, &p)) < 0) {
		if (error == FERRY_ENOTFOUND)
			error = ferry__error(db, FERRY_EIO, "reading an "
				"import");
		goto out;
	}
	ferry_str_put(doc, p.head.ptr, p.head.size);
	ferry_json_open(doc, "items", '[');
	if ((error = ferry_store__import_item_entries(db, id, show_item_cb,
	    doc)) < 0)
		goto out;
	ferry_json_close(doc, ']');
	if (!p.committed)
		ferry_json_raw(doc, "outcomes", NULL, 0);
	else if ((error = outcome_counts(db, id, doc)) < 0)
		goto out;
	ferry_json_key(doc, NULL);
	ferry_str_put(doc, p.tail.ptr, p.tail.size);
	if (ferry_str_failed(&p.head) || ferry_str_failed(&p.tail))
		doc->failed = 1;
out:
	ferry_str_dispose(&p.head);
	ferry_str_dispose(&p.tail);
	return done(db, doc, error);
}

int ferry_import_list(ferry_buf *out, ferry_db *db)
{
	ferry_str json = FERRY_STR_INIT;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__actor(db)) < 0 ||
	    (error = doc_list(db, &json)) < 0) {
		ferry_str_dispose(&json);
		return error;
	}
	return ferry__buf_take(db, out, &json);
}

int ferry_import_show(ferry_buf *out, ferry_db *db, int64_t id)
{
	ferry_import_row imp;
	ferry_str json = FERRY_STR_INIT;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__actor(db)) < 0 ||
	    (error = ferry__import_find(db, id, NULL, NULL, &imp)) < 0 ||
	    (error = doc_show(db, id, &json)) < 0) {
		ferry_str_dispose(&json);
		return error;
	}
	return ferry__buf_take(db, out, &json);
}
