/*
 * import_load.c - importing a package, part one: load (verify and
 * stage a .sop file, a ServiceNow update set or an Aptify pack, then
 * make the first plan with import_plan.c), and discard (drop a loaded
 * import).  The other steps: import_plan.c (preview), import_resolve.c,
 * import_commit.c, import_backout.c; what they share is in
 * import_common.c; docs/import.md describes the whole pipeline.
 *
 * load verifies the whole file first, without a transaction, then
 * streams it through the .sop reader into the staging tables
 * with one prepared statement, in one transaction, and then checks every
 * item set-wise in SQL: memory does not grow with the package, and a bad
 * item anywhere rolls the whole load back, leaving the target as it was.
 */
#include "imports.h"
#include "canonical.h"
#include "keys.h"
#include "store/stage_line.h"

#include "alloc.h"
#include "definitions.h"
#include "entitypacks.h"
#include "sop.h"
#include "text.h"
#include "updateset.h"

#include <stdio.h>
#include <string.h>

#define SOURCE_NAME_MAX 1000	/* bytes of a header's source name */
#define ERROR_KEPT 2048		/* bytes of a message kept to be reworded */

/* The handle's message, copied into msg to be reworded: ferry__error()
 * rewrites the buffer the message lives in. */
static const char *kept_message(ferry_db *db, char msg[ERROR_KEPT])
{
	snprintf(msg, ERROR_KEPT, "%s", ferry_errmsg(db));
	return msg;
}

/* A member that is a string, or NULL. */
static const char *member_text(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* The header's facts an import keeps, checked. */
typedef struct {
	json_t *doc;
	const char *kind, *mode, *pack_uid, *pack_name;
	const char *source_id, *source_name;
} header_info;

static int read_header(ferry_db *db, const char *path, const char *text,
	header_info *h)
{
	json_t *pack, *source;

	memset(h, 0, sizeof(*h));
	/* The reader checked it is a JSON object. */
	h->doc = json_loads(text, 0, NULL);
	pack = json_object_get(h->doc, "pack");
	source = json_object_get(h->doc, "source");
	h->kind = member_text(h->doc, "kind");
	h->mode = member_text(h->doc, "mode");
	h->pack_uid = member_text(pack, "id");
	h->pack_name = member_text(pack, "name");
	h->source_id = member_text(source, "id");
	h->source_name = member_text(source, "name");
	if (!h->kind || strcmp(h->kind, "local_pack") != 0)
		return ferry__error(db, FERRY_EFORMAT, "%s: not a local pack "
			"(its kind is %s); import exported local packs, and "
			"unpack entity packs with 'ferry entity unpack'", path,
			h->kind ? h->kind : "missing");
	if (!h->mode || (strcmp(h->mode, "pack") != 0 &&
	    strcmp(h->mode, "application") != 0))
		return ferry__error(db, FERRY_EFORMAT, "%s: the header's mode "
			"is %s, not pack or application; export it again", path,
			h->mode ? h->mode : "missing");
	if (!h->pack_uid || !ferry_uuid_valid(h->pack_uid) ||
	    !ferry__pack_name_ok(h->pack_name))
		return ferry__error(db, FERRY_EFORMAT, "%s: the header has no "
			"valid pack id and name (a name is 1 to 200 printable "
			"characters); export it again", path);
	if ((h->source_id && !ferry_uuid_valid(h->source_id)) ||
	    (h->source_name && (!*h->source_name ||
	    strlen(h->source_name) > SOURCE_NAME_MAX)))
		return ferry__error(db, FERRY_EFORMAT, "%s: the header's "
			"source is not valid; export it again", path);
	return 0;
}

/* The fields of the system entities, for the item checks. */
static int declare_system_fields(ferry_db *db, int64_t id)
{
	const ferry_system_entity *sys;
	size_t i, k;
	int error = 0;

	for (i = 0; (sys = ferry__system_entity_at(i)) != NULL && !error;
	    i++) {
		ferry_fieldset fs = { NULL, 0 };

		if ((error = ferry__fields(db, sys->entity, &fs)) == 0)
			for (k = 0; k < fs.n && !error; k++)
				error = ferry_store__import_field(db, id,
					FERRY_SCOPE_PACKAGE, sys->entity,
					fs.fields[k].name, fs.fields[k].type_text);
		ferry_fieldset_dispose(&fs);
	}
	return error;
}

/* Formula and data set items must read (formula_deploy.c checks). */
typedef struct {
	ferry_db *db;
	const char *path;
} definition_check;

static int check_definition(const ferry_import_item *it, void *payload)
{
	definition_check *c = payload;
	ferry_definition_plan plan;
	int error;

	ferry__definition_plan_init(&plan);
	error = ferry__definition_preview(c->db, it->body, it->body_len,
		&plan);
	ferry__definition_plan_dispose(&plan);
	if (error == FERRY_EINVALID) {
		char *msg = ferry__strdup(ferry_errmsg(c->db));

		error = ferry__error(c->db, FERRY_EFORMAT, "%s: item %lld "
			"(line %lld): %s", c->path, (long long)it->item,
			(long long)it->item + 1, msg ? msg : "");
		ferry__free(msg);
	}
	return error;
}

/* Every record's values against the fields its package declares. */
typedef struct {
	ferry_db *db;
	int64_t id;
	const ferry_value_judge *judged;	/* as read, or NULL */
	int64_t bad;
	ferry_str *why;
} value_check;

static int check_entity_values(const char *entity, void *payload)
{
	value_check *c = payload;
	ferry_fieldset fs = { NULL, 0 };
	const char *why;
	int error;

	/* Judged as the lines were read (import_values.c)?  Else the
	 * store reads the entity's payloads again. */
	if (ferry__values_verdict(c->judged, entity, &c->bad, &why)) {
		if (!c->bad)
			return 0;
		ferry_str_clear(c->why);
		if (ferry_str_puts(c->why, why) < 0)
			return ferry__oom(c->db);
		return 1;
	}
	if ((error = ferry__import_fields(c->db, c->id, FERRY_SCOPE_PACKAGE,
	    entity, &fs)) == 0)
		error = ferry_store__import_check_values(c->db, c->id, entity,
			&fs, &c->bad, c->why);
	ferry_fieldset_dispose(&fs);
	return error;
}

/*
 * Refuse the file for a staging failure: unless the rest of the file
 * shows it damaged (then that is the message, as it names the cause),
 * the item's message, naming the file.
 */
static int refuse_item(ferry_db *db, const char *path, int error,
	ferry_sop_reader *r, ferry_str *err)
{
	const char *line;
	size_t len;
	int rc;
	char *msg = ferry__strdup(ferry_errmsg(db));

	while ((rc = ferry_sop__reader_next(r, &line, &len, err)) == 1)
		;
	if (rc < 0)
		error = ferry__error(db, rc, "%s", ferry_str_cstr(err));
	else if (error == FERRY_EFORMAT)
		error = ferry__error(db, error, "%s: %s; the package was "
			"changed after export or is damaged: export it again",
			path, msg ? msg : "");
	ferry__free(msg);
	return error;
}

/*
 * Stage one item line, read and judged (ferry__import_read_line or a
 * feed), with its reference values when they are known (NULL): a line
 * that cannot be read or stored is refused with its words.
 */
static int stage_line(ferry_db *db, ferry_import_stager *s,
	const ferry_fed_line *fl, const ferry_str *refs)
{
	static const char *const facts[] = { NULL, "[\"stage_too_long\"]",
		"[\"stage_not_json\"]", "[\"stage_repeated\"]" };
	ferry_str why = FERRY_STR_INIT;
	ferry_staged_item it = { fl->line, fl->code, fl->system,
		refs ? refs->ptr : NULL, refs ? refs->size : 0 };
	int rc = fl->rc;

	if (rc < 0)
		return ferry__error(db, FERRY_ENOMEM, "out of memory");
	if (rc == 0)
		rc = ferry_store__import_stage(db, s, fl->item, &it);
	if (rc <= 0 || rc >= (int)(sizeof(facts) / sizeof(facts[0])))
		return rc;
	if (ferry__fact_words(&why, facts[rc]) < 0)
		rc = ferry__error(db, FERRY_ENOMEM, "out of memory");
	else
		rc = ferry__error(db, FERRY_EFORMAT, "item %lld (line %lld) %s",
			(long long)fl->item, (long long)fl->item + 1, why.ptr);
	ferry_str_dispose(&why);
	return rc;
}

/*
 * The package's items, read a batch ahead (import_feed.c) and stored
 * one by one.  On a refusal the feed stops first, so that refuse_item
 * reads the rest of the file itself.
 */
static int stage_items(ferry_db *db, const char *path, ferry_sop_reader *r,
	int64_t id, ferry_value_judge *values, ferry_str *err)
{
	ferry_import_stager *s = NULL;
	ferry_line_feed *feed = NULL;
	const ferry_fed_line *fl;
	int64_t items = 0;
	int rc, error;

	if ((error = ferry_store__import_stager_new(&s, db, id)) < 0)
		return error;
	if (ferry__feed_new(&feed, r) < 0) {
		error = ferry__oom(db);
		goto done;
	}
	while ((rc = ferry__feed_next(feed, &fl, err)) == 1) {
		const ferry_str *refs = NULL;

		items = fl->item;
		if (fl->rc == 0 && ferry__values_see(values, fl->line,
		    fl->code, fl->item, &refs) < 0) {
			error = ferry__oom(db);
			goto done;
		}
		if ((error = stage_line(db, s, fl, refs)) < 0) {
			ferry__feed_free(feed);
			feed = NULL;
			error = refuse_item(db, path, error, r, err);
			goto done;
		}
		if (items % 10000 == 0)
			ferry__progress(db, "loading", (uint64_t)items, 0);
	}
	if (rc < 0) {
		error = ferry__error(db, rc, "%s", ferry_str_cstr(err));
		goto done;
	}
	ferry__progress(db, "loading", (uint64_t)items, (uint64_t)items);
done:
	ferry__feed_free(feed);
	ferry_store__import_stager_free(db, s);
	return error;
}

/*
 * The plan is made once, here, against the target as it is, and kept:
 * a preview answers from it (a page of a 100,000-item preview at once)
 * until the target changes or a resolution is made, when it is made
 * again (docs/import.md, "Preview").
 */
static int plan_loaded(ferry_db *db, int64_t id)
{
	ferry_import_row imp;
	int error;

	if ((error = ferry__import_find(db, id, "loaded", "plan", &imp)) < 0 ||
	    (error = ferry__import_plan(db, &imp)) < 0)
		return error;
	return ferry_store__import_mark_plan(db, id, 1);
}

/*
 * Every staged item checked set-wise: the items on their own, each
 * record's values against its declared schema, formulas and data sets.
 */
static int check_staged(ferry_db *db, const char *path, int64_t id,
	const ferry_value_judge *judged, const char *advice)
{
	ferry_str why = FERRY_STR_INIT, fact = FERRY_STR_INIT;
	definition_check dc;
	value_check vc;
	int64_t bad = 0;
	int error;

	vc.db = db;
	vc.id = id;
	vc.judged = judged;
	vc.why = &why;
	vc.bad = 0;
	if ((error = ferry_store__import_check(db, id, &bad, &fact)) > 0) {
		ferry_str_clear(&why);
		if (ferry__fact_words(&why, ferry_str_cstr(&fact)) < 0)
			error = ferry__error(db, FERRY_ENOMEM, "out of memory");
	} else if (error == 0 && (error = ferry_store__import_entities(db,
	    id, check_entity_values, &vc)) > 0) {
		bad = vc.bad;
	}
	if (error > 0)
		error = ferry__error(db, FERRY_EFORMAT, "%s: item %lld (line "
			"%lld) %s; %s", path, (long long)bad,
			(long long)bad + 1, ferry_str_cstr(&why), advice);
	ferry_str_dispose(&why);
	ferry_str_dispose(&fact);
	if (error < 0)
		return error;
	dc.db = db;
	dc.path = path;
	if ((error = ferry_store__import_items_each(db, id, "formula", NULL,
	    check_definition, &dc)) < 0)
		return error;
	return ferry_store__import_items_each(db, id, "dataset", NULL,
		check_definition, &dc);
}

/* What the load says of the last import of the same pack (prev, 0 for
 * none): the same package again, or a changed one. */
static void put_previous_message(ferry_str *doc, int64_t prev,
	const char *prev_stamp, const char *stamp)
{
	ferry_str msg = FERRY_STR_INIT;

	ferry_str_puts(doc, ",\"message\":");
	if (!prev) {
		ferry_str_puts(doc, "null");
		return;
	}
	if (!strcmp(prev_stamp, stamp))
		ferry_str_printf(&msg, "identical to import %lld, nothing to "
			"do", (long long)prev);
	else
		ferry_str_printf(&msg, "changed since import %lld (stamp %.12s "
			"\u2192 %.12s)", (long long)prev, prev_stamp, stamp);
	ferry_str_puts_json(doc, ferry_str_cstr(&msg));
	ferry_str_dispose(&msg);
}

/* The load document, with what it says of the previous import, the
 * signature verdict and the warnings. */
static int load_doc(ferry_db *db, ferry_buf *out, int64_t id,
	int64_t prev, const ferry_str *prev_stamp, const char *stamp,
	const ferry_sig_verdict *sig, const ferry_str *warning,
	int64_t *loaded)
{
	ferry_str doc = FERRY_STR_INIT;
	int error;

	if ((error = ferry__import_doc_load(db, id, &doc)) == 0) {
		/* The document's members, then the message, the signature
		 * and the warnings. */
		put_previous_message(&doc, prev, ferry_str_cstr(prev_stamp),
			stamp);
		ferry_str_puts(&doc, ",\"signature\":");
		ferry__sig_json(&doc, sig);
		ferry_str_puts(&doc, ",\"warnings\":[");
		if (warning->size)
			ferry_str_puts_json(&doc, warning->ptr);
		ferry_str_puts(&doc, "]}");
		error = ferry__buf_take(db, out, &doc);
	}
	if (error == 0)
		*loaded = id;
	ferry_str_dispose(&doc);
	return error;
}

/*
 * A ServiceNow update set (updateset.c) or an Aptify pack (cmpack.c):
 * read and checked whole before the transaction (us, disposed of
 * here), then staged like a package's items.  Neither has base
 * versions: each record's base is the version that last arrived by
 * import, so preview overwrites a record the target has not changed
 * since and reports one it has (docs/interop.md).
 */
static int load_update_set(ferry_buf *out, ferry_db *db, const char *path,
	ferry_updateset *read, const char *kind, int64_t *loaded)
{
	ferry_updateset us = *read;
	ferry_import_stager *s = NULL;
	ferry_stage_line sl;
	ferry_sop_signature unsigned_sig;
	ferry_sig_verdict sig;
	ferry_str warning = FERRY_STR_INIT, prev_stamp = FERRY_STR_INIT;
	ferry_import_new n;
	char now[FERRY_ISO_LEN], stamp[FERRY_HASH_HEX];
	char *header = NULL;
	ferry_hash h;
	int64_t id = 0, prev = 0;
	size_t i;
	int error, required;

	memset(&sl, 0, sizeof(sl));
	memset(read, 0, sizeof(*read));
	if ((header = json_dumps(us.header, JSON_COMPACT)) == NULL) {
		ferry__updateset_dispose(&us);
		return ferry__error(db, FERRY_ENOMEM, "out of memory");
	}
	memset(&unsigned_sig, 0, sizeof(unsigned_sig));
	ferry_hash_init(&h);
	ferry_hash_update(&h, FERRY_SOP_STAMP_DOMAIN,
		strlen(FERRY_SOP_STAMP_DOMAIN));
	for (i = 0; i < us.n; i++) {
		ferry_hash_update(&h, us.lines[i], strlen(us.lines[i]));
		ferry_hash_update(&h, "\n", 1);
	}
	ferry_hash_final_hex(&h, stamp);
	if ((error = ferry_store__begin(db)) < 0)
		goto out;
	if ((error = ferry__require_admin(db, "import packages")) < 0 ||
	    (error = ferry__sig_required(db, &required)) < 0 ||
	    (error = ferry__sig_verdict(db, &unsigned_sig, &sig)) < 0 ||
	    (error = ferry__sig_policy(db, path, &sig, required,
	    &warning)) < 0)
		goto done;
	ferry__now_iso(db, now);
	memset(&n, 0, sizeof(n));
	n.file = path;
	n.header = header;
	n.kind = kind;
	n.mode = "update_set";
	n.pack_uid = us.pack_uid;
	n.pack_name = json_string_value(json_object_get(json_object_get(
		us.header, "pack"), "name"));
	n.by = db->user;
	n.at = now;
	if ((error = ferry_store__import_create(db, &n, &id)) < 0 ||
	    (error = declare_system_fields(db, id)) < 0 ||
	    (error = ferry_store__import_stager_new(&s, db, id)) < 0)
		goto done;
	for (i = 0; i < us.n && !error; i++) {
		ferry_fed_line fl;

		fl.item = (int64_t)i + 1;
		ferry__import_read_line(&sl, us.lines[i], strlen(us.lines[i]),
			1, &fl);
		error = stage_line(db, s, &fl, NULL);
	}
	if (error < 0) {
		char msg[ERROR_KEPT];

		error = ferry__error(db, error, "%s: %s", path,
			kept_message(db, msg));
		goto done;
	}
	if ((error = check_staged(db, path, id, NULL, "the update set cannot "
	    "be imported as it is")) < 0 ||
	    (error = ferry_store__import_last_arrived(db, id)) < 0 ||
	    (error = ferry_store__import_previous(db, id, us.pack_uid, &prev,
	    &prev_stamp)) < 0 ||
	    (error = ferry_store__import_loaded(db, id, stamp,
	    (int64_t)us.n, prev)) < 0 ||
	    (error = plan_loaded(db, id)) < 0)
		goto done;
	error = load_doc(db, out, id, prev, &prev_stamp, stamp, &sig,
		&warning, loaded);
done:
	error = ferry_store__end(db, error);
out:
	ferry_store__import_stager_free(db, s);
	ferry_stage_line__dispose(&sl);
	ferry__updateset_dispose(&us);
	free(header);
	ferry_str_dispose(&warning);
	ferry_str_dispose(&prev_stamp);
	return error;
}

/*
 * On a store that commits the staging on its own (store_ops.h,
 * commits_staging: SQLite), a package's load is two transactions: its
 * staging, then its checks and plan.  Between them, and if a crash stops
 * the second, the import is "loading" (ferry__import_state); one whose
 * checks fail is discarded here, so that the instance is left as it was.
 */

/* The second transaction could not start: the import stays loading. */
static int left_loading(ferry_db *db, int64_t id, int error)
{
	char msg[ERROR_KEPT];

	return ferry__error(db, error, "%s; import %lld is left unfinished: "
		"remove it with 'ferry import discard %lld' and load the file "
		"again", kept_message(db, msg), (long long)id, (long long)id);
}

/* Another writer may have discarded the import between the two. */
static int still_loading(ferry_db *db, int64_t id)
{
	ferry_import_row imp;
	int error = ferry_store__import_get(db, id, &imp);

	if (error == FERRY_ENOTFOUND)
		return ferry__error(db, error, "import %lld was discarded "
			"before its load finished; load the file again",
			(long long)id);
	return error;
}

/* The load failed after its staging was committed: the staging goes,
 * and the load's own error is the one reported. */
static int discard_unfinished(ferry_db *db, int64_t id, int error)
{
	char msg[ERROR_KEPT];
	int rc;

	/* Kept on the stack: a load that ran out of memory still
	 * discards (the store's discard asks no memory of ferry's
	 * allocator either). */
	kept_message(db, msg);
	if ((rc = ferry_store__begin(db)) == 0)
		rc = ferry_store__end(db, ferry_store__import_discard(db, id));
	if (rc < 0)
		error = ferry__error(db, error, "%s; import %lld is left "
			"unfinished: remove it with 'ferry import discard "
			"%lld'", msg, (long long)id, (long long)id);
	else
		error = ferry__error(db, error, "%s", msg);
	return error;
}

static int bulk_import_load(ferry_buf *out, ferry_db *db, const char *path,
	int64_t *loaded)
{
	ferry_sop_reader *r = NULL;
	ferry_value_judge *values = NULL;
	ferry_str err = FERRY_STR_INIT, prev_stamp = FERRY_STR_INIT;
	ferry_str warning = FERRY_STR_INIT;
	ferry_sig_verdict sig;
	header_info h;
	ferry_import_new n;
	char now[FERRY_ISO_LEN];
	int64_t id = 0, prev = 0;
	int error, required, apart;

	memset(&h, 0, sizeof(h));
	if (!path)
		return ferry__error(db, FERRY_EMISUSE, "no file given");
	/*
	 * Who may import is settled first, so a non-admin learns that and
	 * nothing about the file.  Then the file's limits are checked
	 * before the write transaction starts, so that a hostile package
	 * (ten million empty items) is refused without staging anything or
	 * holding the instance's lock.  That pass leaves out the digests:
	 * the reader that stages checks format and integrity as it goes,
	 * and a package it finds damaged (even after an item it could not
	 * stage: refuse_item()) is refused and its transaction rolled back.
	 * Verifying in both passes cost a tenth of a load's time
	 * (docs/performance.md).
	 */
	if ((error = ferry__require_admin(db, "import packages")) < 0)
		return error;
	if (ferry__updateset_sniff(path) || ferry__cmpack_is(path)) {
		ferry_updateset us;
		int set = ferry__updateset_sniff(path);

		if ((error = set ? ferry__updateset_read(db, path, &us) :
		    ferry__cmpack_items(db, path, &us)) < 0)
			return error;
		return load_update_set(out, db, path, &us, set ?
			FERRY_UPDATESET_KIND : FERRY_CMPACK_KIND, loaded);
	}
	if ((error = ferry_sop__scan(path, &err)) < 0) {
		error = ferry__error(db, error, "%s", ferry_str_cstr(&err));
		ferry_str_dispose(&err);
		return error;
	}
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "import packages")) < 0 ||
	    (error = ferry__sig_required(db, &required)) < 0)
		goto done;
	if ((error = ferry_sop__reader_open(&r, path, &err)) < 0) {
		error = ferry__error(db, error, "%s", ferry_str_cstr(&err));
		goto done;
	}
	if ((error = read_header(db, path, ferry_sop__reader_header(r),
	    &h)) < 0)
		goto done;
	ferry__now_iso(db, now);
	memset(&n, 0, sizeof(n));
	n.file = path;
	n.header = ferry_sop__reader_header(r);
	n.kind = h.kind;
	n.mode = h.mode;
	n.pack_uid = h.pack_uid;
	n.pack_name = h.pack_name;
	n.source_id = h.source_id;
	n.source_name = h.source_name;
	n.by = db->user;
	n.at = now;
	if ((error = ferry_store__import_create(db, &n, &id)) < 0 ||
	    (error = declare_system_fields(db, id)) < 0 ||
	    (error = ferry__values_new(&values) < 0 ? ferry__oom(db) :
	    0) < 0 ||
	    (error = stage_items(db, path, r, id, values, &err)) < 0)
		goto done;
	/* The file is whole and its signature, if any, valid (the reader
	 * checked both): is it one this instance takes? */
	if ((error = ferry__sig_verdict(db, ferry_sop__reader_signature(r),
	    &sig)) < 0 ||
	    (error = ferry__sig_policy(db, path, &sig, required,
	    &warning)) < 0)
		goto done;
	/* On a store that gains by it, the staging is committed on its
	 * own: the store copies it into the instance while the checks and
	 * the plan run (docs/import.md, "Load"). */
	if ((apart = ferry_store__commits_staging(db)) != 0) {
		if ((error = ferry_store__end(db, 0)) < 0)
			goto out;
		if ((error = ferry_store__begin(db)) < 0) {
			error = left_loading(db, id, error);
			goto out;
		}
	}
	/* The file is verified; now every item, set-wise. */
	if ((error = still_loading(db, id)) < 0 ||
	    (error = check_staged(db, path, id, values, "the package was "
	    "changed after export or is damaged: export it again")) < 0 ||
	    (error = ferry_store__import_previous(db, id, h.pack_uid, &prev,
	    &prev_stamp)) < 0 ||
	    (error = ferry_store__import_loaded(db, id,
	    ferry_sop__reader_stamp(r), (int64_t)ferry_sop__reader_items(r),
	    prev)) < 0 ||
	    (error = plan_loaded(db, id)) < 0 ||
	    (error = load_doc(db, out, id, prev, &prev_stamp,
	    ferry_sop__reader_stamp(r), &sig, &warning, loaded)) < 0)
		error = ferry_store__end(db, error);
	else
		error = ferry_store__end(db, 0);
	if (error < 0 && apart)
		error = discard_unfinished(db, id, error);
	goto out;
done:
	error = ferry_store__end(db, error);
out:
	ferry__values_free(values);
	ferry_sop__reader_free(r);
	json_decref(h.doc);
	ferry_str_dispose(&err);
	ferry_str_dispose(&prev_stamp);
	ferry_str_dispose(&warning);
	return error;
}

/* A bulk step (store_ops.h, "bulk"). */
int ferry__import_load(ferry_buf *out, ferry_db *db, const char *path,
	int64_t *loaded)
{
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__bulk_begin(db, FERRY_BULK_WIDE)) == 0)
		error = ferry__bulk_end(db,
			bulk_import_load(out, db, path, loaded));
	return error;
}

int ferry_import_load(ferry_buf *out, ferry_db *db, const char *path)
{
	int64_t id;

	FERRY_CHECK_DB(db);
	return ferry__import_load(out, db, path, &id);
}

/* ---- discard ------------------------------------------------------------- */

int ferry_import_discard(ferry_buf *out, ferry_db *db, int64_t id)
{
	ferry_import_row imp;
	ferry_str doc = FERRY_STR_INIT;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "discard imports")) < 0 ||
	    (error = ferry__import_find(db, id, NULL, NULL, &imp)) < 0)
		goto done;
	if (strcmp(imp.state, "loaded") != 0 &&
	    strcmp(imp.state, "previewed") != 0 &&
	    strcmp(imp.state, "loading") != 0) {
		error = ferry__error(db, FERRY_ESTATE, "cannot discard import "
			"%lld: it is %s, and a %s import is kept as the "
			"instance's history%s", (long long)id,
			!strcmp(imp.state, "backed_out") ? "backed out" :
			imp.state, !strcmp(imp.state, "backed_out") ?
			"backed out" : imp.state, !strcmp(imp.state,
			"committed") ? " (undo it with 'ferry import "
			"backout')" : "");
		goto done;
	}
	if ((error = ferry_store__import_discard(db, id)) < 0)
		goto done;
	ferry_str_printf(&doc, "{\"id\":%lld,\"discarded\":true,\"items\":"
		"%lld}", (long long)id, (long long)imp.items);
	error = ferry__buf_take(db, out, &doc);
done:
	ferry_str_dispose(&doc);
	return ferry_store__end(db, error);
}

