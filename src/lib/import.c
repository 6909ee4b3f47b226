/*
 * import.c - importing a package, part one: load (verify and stage a
 * .sop file), resolve and merge (answer problems), list and show.  The
 * plan is in import_preview.c, commit and back out in import_commit.c;
 * docs/import.md describes the whole pipeline.
 *
 * load verifies the whole file first, without a transaction, then
 * streams it through the .sop reader into the staging tables
 * with one prepared statement, in one transaction, and then checks every
 * item set-wise in SQL: memory does not grow with the package, and a bad
 * item anywhere rolls the whole load back, leaving the target as it was.
 */
#include "imports.h"
#include "keys.h"

#include "alloc.h"
#include "definitions.h"
#include "entitypacks.h"
#include "sop.h"
#include "text.h"
#include "updateset.h"

#include <string.h>

#define SOURCE_NAME_MAX 1000	/* bytes of a header's source name */

int ferry__import_is_catalog(const char *entity)
{
	return !strcmp(entity, "sys_entity") || !strcmp(entity, "sys_field");
}

static int in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

int ferry__import_find(ferry_db *db, int64_t id, const char *states,
	const char *doing, ferry_import_row *out)
{
	int error = ferry_store__import_get(db, id, out);

	if (error == FERRY_ENOTFOUND)
		return ferry__error(db, error, "no import %lld; see 'ferry "
			"import list'", (long long)id);
	if (error < 0)
		return error;
	if (states && !in_list(states, out->state)) {
		if (!strcmp(out->state, "loaded") &&
		    in_list(states, "previewed"))
			return ferry__error(db, FERRY_ESTATE, "cannot %s "
				"import %lld before its preview: run 'ferry "
				"import preview %lld' first", doing,
				(long long)id, (long long)id);
		return ferry__error(db, FERRY_ESTATE, "cannot %s import %lld: "
			"it is %s (see 'ferry import show %lld')", doing,
			(long long)id, !strcmp(out->state, "backed_out") ?
			"backed out" : out->state, (long long)id);
	}
	return 0;
}

int ferry__import_covers(const ferry_type *target, const ferry_type *declared)
{
	switch (declared->base) {
	case FERRY_T_NVARCHAR:
	case FERRY_T_NCHAR:
		return target->base == FERRY_T_TEXT ||
			(ferry_type__sized(target) &&
			target->size >= declared->size);
	case FERRY_T_INT:
		return target->base == FERRY_T_INT ||
			target->base == FERRY_T_BIGINT;
	case FERRY_T_DECIMAL:
		return target->base == FERRY_T_DECIMAL &&
			target->scale == declared->scale &&
			target->size - target->scale >=
			declared->size - declared->scale;
	case FERRY_T_REF:
		/* Any reference takes a sys_id; whether its record exists
		 * is checked on its own. */
		return target->base == FERRY_T_REF;
	default:
		return target->base == declared->base;
	}
}

int ferry__import_parse(ferry_db *db, const char *text, json_t **out)
{
	json_error_t jerr;

	*out = text ? json_loads(text, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (!*out || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return ferry__error(db, FERRY_EINVALID, "a payload must be a "
			"JSON object like '{\"name\":\"x\"}'");
	}
	return 0;
}

/* A member that is a string, or NULL. */
static const char *member_text(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

int ferry__import_field_def(ferry_db *db, json_t *obj, ferry_field_def *def,
	ferry_str *def_text)
{
	json_t *dv = json_object_get(obj, "default_value");

	/* A declared schema's fields call it "default". */
	if (!dv)
		dv = json_object_get(obj, "default");

	memset(def, 0, sizeof(*def));
	def->name = member_text(obj, "name");
	def->type = member_text(obj, "type");
	def->display = member_text(obj, "display");
	def->description = member_text(obj, "description");
	def->external_name = member_text(obj, "external_name");
	if (dv && !json_is_null(dv)) {
		ferry_json__canonical(def_text, dv);
		if (ferry_str_failed(def_text))
			return ferry__error(db, FERRY_ENOMEM, "out of memory");
		def->default_value = def_text->ptr;
	}
	if (!def->name || !def->type)
		return ferry__error(db, FERRY_EINVALID, "a field record needs "
			"a name and a type");
	return 0;
}

/* ---- load ---------------------------------------------------------------- */

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
				error = ferry_store__import_field(db, id, 0,
					sys->entity, fs.fields[k].name,
					fs.fields[k].type_text);
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
	int64_t bad;
	ferry_str *why;
} value_check;

static int check_entity_values(const char *entity, void *payload)
{
	value_check *c = payload;
	ferry_fieldset fs = { NULL, 0 };
	int error;

	if ((error = ferry__import_fields(c->db, c->id, 0, entity,
	    &fs)) == 0)
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

/* Stage one item line; a line the store cannot stage is refused with
 * its words. */
static int stage_line(ferry_db *db, ferry_import_stager *s, int64_t item,
	const char *line, size_t len)
{
	static const char *const facts[] = { NULL, "[\"stage_too_long\"]",
		"[\"stage_not_json\"]", "[\"stage_repeated\"]" };
	ferry_str why = FERRY_STR_INIT;
	int rc = ferry_store__import_stage(s, item, line, len);

	if (rc <= 0 || rc >= (int)(sizeof(facts) / sizeof(facts[0])))
		return rc;
	if (ferry__fact_words(&why, facts[rc]) < 0)
		rc = ferry__error(db, FERRY_ENOMEM, "out of memory");
	else
		rc = ferry__error(db, FERRY_EFORMAT, "item %lld (line %lld) %s",
			(long long)item, (long long)item + 1, why.ptr);
	ferry_str_dispose(&why);
	return rc;
}

static int stage_items(ferry_db *db, const char *path, ferry_sop_reader *r,
	int64_t id, ferry_str *err)
{
	ferry_import_stager *s = NULL;
	const char *line;
	size_t len;
	int64_t item = 0;
	int rc, error;

	if ((error = ferry_store__import_stager_new(&s, db, id)) < 0)
		return error;
	while ((rc = ferry_sop__reader_next(r, &line, &len, err)) == 1) {
		if ((error = stage_line(db, s, ++item, line, len)) < 0) {
			error = refuse_item(db, path, error, r, err);
			goto done;
		}
		if (item % 10000 == 0)
			ferry__progress(db, "loading", (uint64_t)item, 0);
	}
	if (rc < 0) {
		error = ferry__error(db, rc, "%s", ferry_str_cstr(err));
		goto done;
	}
	ferry__progress(db, "loading", (uint64_t)item, (uint64_t)item);
done:
	ferry_store__import_stager_free(s);
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
	const char *advice)
{
	ferry_str why = FERRY_STR_INIT, fact = FERRY_STR_INIT;
	definition_check dc;
	value_check vc;
	int64_t bad = 0;
	int error;

	vc.db = db;
	vc.id = id;
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
	const ferry_sig_verdict *sig, const ferry_str *warning)
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
	ferry_updateset *read, const char *kind)
{
	ferry_updateset us = *read;
	ferry_import_stager *s = NULL;
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
	for (i = 0; i < us.n && !error; i++)
		error = stage_line(db, s, (int64_t)i + 1,
			us.lines[i], strlen(us.lines[i]));
	if (error < 0) {
		error = ferry__error(db, error, "%s: %s", path,
			ferry_errmsg(db));
		goto done;
	}
	if ((error = check_staged(db, path, id, "the update set cannot be "
	    "imported as it is")) < 0 ||
	    (error = ferry_store__import_last_arrived(db, id)) < 0 ||
	    (error = ferry_store__import_previous(db, id, us.pack_uid, &prev,
	    &prev_stamp)) < 0 ||
	    (error = ferry_store__import_loaded(db, id, stamp,
	    (int64_t)us.n, prev)) < 0 ||
	    (error = plan_loaded(db, id)) < 0)
		goto done;
	error = load_doc(db, out, id, prev, &prev_stamp, stamp, &sig,
		&warning);
done:
	error = ferry_store__end(db, error);
out:
	ferry_store__import_stager_free(s);
	ferry__updateset_dispose(&us);
	free(header);
	ferry_str_dispose(&warning);
	ferry_str_dispose(&prev_stamp);
	return error;
}

int ferry_import_load(ferry_buf *out, ferry_db *db, const char *path)
{
	ferry_sop_reader *r = NULL;
	ferry_str err = FERRY_STR_INIT, prev_stamp = FERRY_STR_INIT;
	ferry_str warning = FERRY_STR_INIT;
	ferry_sig_verdict sig;
	header_info h;
	ferry_import_new n;
	char now[FERRY_ISO_LEN];
	int64_t id = 0, prev = 0;
	int error, required;

	FERRY_CHECK_DB(db);
	memset(&h, 0, sizeof(h));
	if (!path)
		return ferry__error(db, FERRY_EMISUSE, "no file given");
	/*
	 * Who may import is settled first, so a non-admin learns that and
	 * nothing about the file.  Then the whole file is verified (format,
	 * limits, integrity) before the write transaction starts: a hostile
	 * or damaged package is refused without staging anything or holding
	 * the instance's lock.
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
			FERRY_UPDATESET_KIND : FERRY_CMPACK_KIND);
	}
	if ((error = ferry_sop__verify(path, NULL, NULL, NULL, &err)) < 0) {
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
	    (error = stage_items(db, path, r, id, &err)) < 0)
		goto done;
	/* The file is whole and its signature, if any, valid (the reader
	 * checked both): is it one this instance takes? */
	if ((error = ferry__sig_verdict(db, ferry_sop__reader_signature(r),
	    &sig)) < 0 ||
	    (error = ferry__sig_policy(db, path, &sig, required,
	    &warning)) < 0)
		goto done;
	/* The file is verified; now every item, set-wise. */
	if ((error = check_staged(db, path, id, "the package was changed "
	    "after export or is damaged: export it again")) < 0 ||
	    (error = ferry_store__import_previous(db, id, h.pack_uid, &prev,
	    &prev_stamp)) < 0 ||
	    (error = ferry_store__import_loaded(db, id,
	    ferry_sop__reader_stamp(r), (int64_t)ferry_sop__reader_items(r),
	    prev)) < 0 ||
	    (error = plan_loaded(db, id)) < 0)
		goto done;
	error = load_doc(db, out, id, prev, &prev_stamp,
		ferry_sop__reader_stamp(r), &sig, &warning);
done:
	ferry_sop__reader_free(r);
	json_decref(h.doc);
	ferry_str_dispose(&err);
	ferry_str_dispose(&prev_stamp);
	ferry_str_dispose(&warning);
	return ferry_store__end(db, error);
}

/* ---- resolve ------------------------------------------------------------- */

int ferry__import_item_find(ferry_db *db, int64_t id, int64_t item,
	ferry_import_item *out)
{
	int error = ferry_store__import_item_get(db, id, item, out);

	if (error == FERRY_ENOTFOUND || (error == 0 && !out->decision))
		error = ferry__error(db, FERRY_ENOTFOUND, "import %lld has no "
			"item %lld; see 'ferry import preview %lld'",
			(long long)id, (long long)item, (long long)id);
	return error;
}

/* Refuse a resolution an item's problems do not allow, saying what
 * does. */
static int check_allowed(ferry_db *db, int64_t id,
	const ferry_import_item *it, unsigned want, const char *word)
{
	ferry_str kind = FERRY_STR_INIT, advice = FERRY_STR_INIT,
		kinds = FERRY_STR_INIT;
	int error;

	if (want == FERRY_RESOLVE_MERGE && !(ferry__import_item_allows(it->t,
	    it->entity, it->action, it->decision) & FERRY_RESOLVE_MERGE))
		return ferry__error(db, FERRY_EINVALID, "item %lld is %s: only "
			"the inserts and updates of records take a patch; "
			"accept or skip it", (long long)it->item,
			strcmp(it->t, "record") ? "not a record" :
			!strcmp(it->action, "delete") ? "a delete" :
			"a catalog change (merged by the schema rules)");
	ferry__problem_kinds_without(&kinds, want);
	if (ferry_str_failed(&kinds))
		return ferry__error(db, FERRY_ENOMEM, "out of memory");
	error = ferry_store__import_problem_of(db, id, it->item, ferry_str_cstr(&kinds),
		&kind);
	if (error == 0) {
		ferry__problem_advice(&advice, kind.ptr, id, it->item,
			ferry__import_item_allows(it->t, it->entity,
			it->action, it->decision));
		error = ferry__error(db, FERRY_ECONFLICT, "item %lld cannot be "
			"%s: it has a %s problem%s", (long long)it->item, word,
			kind.ptr, ferry_str_cstr(&advice));
	} else if (error == FERRY_ENOTFOUND) {
		error = 0;
	}
	ferry_str_dispose(&kind);
	ferry_str_dispose(&advice);
	ferry_str_dispose(&kinds);
	return error;
}

static int resolve_one(ferry_db *db, int64_t id, int64_t item,
	const char *resolution, int whole, const char *now)
{
	ferry_import_item it;
	int error;

	memset(&it, 0, sizeof(it));
	if ((error = ferry__import_item_find(db, id, item, &it)) < 0)
		goto done;
	if (!strcmp(resolution, "clear")) {
		error = ferry_store__import_resolution_clear(db, id, item);
		goto done;
	}
	if (!strcmp(resolution, "accept") && (error = check_allowed(db, id,
	    &it, FERRY_RESOLVE_ACCEPT, whole ? "accepted whole" :
	    "accepted")) < 0)
		goto done;
	error = ferry_store__import_resolution_set(db, id, item, resolution,
		NULL, whole, db->user, now);
done:
	ferry_import_item_dispose(&it);
	return error;
}

int ferry_import_resolve(ferry_buf *out, ferry_db *db, int64_t id,
	const char *resolution, const int64_t *items, size_t n)
{
	ferry_import_row imp;
	ferry_str doc = FERRY_STR_INIT, left_items = FERRY_STR_INIT,
		unresolved_items = FERRY_STR_INIT;
	char now[FERRY_ISO_LEN];
	int64_t resolved = 0, left = 0, unresolved = 0;
	int whole = 0, error;
	size_t i;

	FERRY_CHECK_DB(db);
	if (resolution && !strcmp(resolution, "accept_whole")) {
		whole = 1;
		resolution = "accept";
	}
	if (!resolution || (strcmp(resolution, "accept") != 0 &&
	    strcmp(resolution, "skip") != 0 &&
	    strcmp(resolution, "clear") != 0))
		return ferry__error(db, FERRY_EINVALID, "resolve with accept "
			"(the package wins), accept_whole (the package's whole "
			"record), skip (keep the target's) or clear (back to "
			"unresolved); merge takes a patch");
	if (n && !items)
		return ferry__error(db, FERRY_EMISUSE, "no items given");
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "resolve imports")) < 0 ||
	    (error = ferry__import_find(db, id, "previewed", "resolve",
	    &imp)) < 0)
		goto done;
	ferry__now_iso(db, now);
	if (n == 0) {
		error = ferry_store__import_resolve_all(db, id, resolution,
			whole, strcmp(resolution, "accept") ? NULL :
			FERRY_IMPORT_NOT_ACCEPTABLE, db->user, now, &resolved,
			&left, &left_items);
	} else {
		/* All or nothing: the first refusal rolls back. */
		for (i = 0; i < n && !error; i++)
			error = resolve_one(db, id, items[i], resolution,
				whole, now);
		resolved = (int64_t)n;
		ferry_str_puts(&left_items, "[]");
	}
	/* A resolution may change what other items find (a reference to
	 * a skipped record): commit plans again. */
	if (error < 0 ||
	    (error = ferry_store__import_mark_plan(db, id, 0)) < 0 ||
	    (error = ferry_store__import_unresolved(db, id, &unresolved,
	    &unresolved_items)) < 0)
		goto done;
	ferry_str_printf(&doc, "{\"id\":%lld,\"resolution\":\"%s\","
		"\"resolved\":%lld,\"left\":%lld,\"left_items\":%s,"
		"\"unresolved\":%lld,\"unresolved_items\":%s}", (long long)id,
		whole ? "accept_whole" : resolution, (long long)resolved,
		(long long)left, ferry_str_cstr(&left_items),
		(long long)unresolved, ferry_str_cstr(&unresolved_items));
	error = ferry__buf_take(db, out, &doc);
done:
	ferry_str_dispose(&doc);
	ferry_str_dispose(&left_items);
	ferry_str_dispose(&unresolved_items);
	return ferry_store__end(db, error);
}

/* Check one hand-merged value against the target field. */
static int merge_value(ferry_db *db, int64_t id, const ferry_field *f,
	json_t *val, const char *entity)
{
	ferry_str err = FERRY_STR_INIT;
	ferry_value v = { FERRY_V_NULL, 0, NULL, 0 };
	int error = 0;

	if (ferry_type__convert(&v, f, val, &err) < 0) {
		error = ferry__error(db, FERRY_EINVALID, "%s.%s: %s; nothing "
			"changed", entity, f->name, ferry_str_cstr(&err));
		goto done;
	}
	if (f->type.base == FERRY_T_REF && v.kind == FERRY_V_TEXT) {
		int table = ferry_store__entity_exists(db, f->type.ref);

		if (table < 0 || (error = ferry_store__import_ref_exists(db,
		    id, f->type.ref, v.s, table)) < 0) {
			error = table < 0 ? table : error;
			goto done;
		}
		if (error == 0)
			error = ferry__error(db, FERRY_ENOTFOUND, "%s.%s "
				"refers to %s record %s, which is neither in "
				"the target nor written by the import", entity,
				f->name, f->type.ref, v.s);
		else
			error = 0;
	}
done:
	ferry_value_dispose(&v);
	ferry_str_dispose(&err);
	return error;
}

/* Every conflicting field must be decided by the patch. */
static int check_conflicts_patched(ferry_db *db, const ferry_import_item *it,
	json_t *patch)
{
	ferry_import_decided d;
	ferry_str missing = FERRY_STR_INIT;
	size_t i;
	int error;

	/* Without base values the patch goes over the target's record. */
	if ((error = ferry__import_decide_item(db, it, &d)) < 0)
		return error;
	for (i = 0; i < d.n && d.has_base && d.has_target; i++)
		if (d.fields[i].merge == FERRY_MERGE3_CONFLICT &&
		    !json_object_get(patch, d.fields[i].name))
			ferry_str_printf(&missing, "%s%s", missing.size ?
				", " : "", d.fields[i].name);
	if (missing.size)
		error = ferry__error(db, FERRY_EINVALID, "the patch must decide "
			"every field that conflicts; it leaves out %s (see "
			"'ferry import diff ID %lld'); nothing changed",
			missing.ptr, (long long)it->item);
	ferry_str_dispose(&missing);
	ferry__import_decided_dispose(&d);
	return error;
}

int ferry_import_merge(ferry_db *db, int64_t id, int64_t item,
	const char *json)
{
	ferry_import_row imp;
	ferry_import_item it;
	ferry_fieldset fs = { NULL, 0 };
	ferry_str merged = FERRY_STR_INIT;
	char now[FERRY_ISO_LEN];
	json_t *obj = NULL, *val;
	const char *key;
	int error, i;

	FERRY_CHECK_DB(db);
	memset(&it, 0, sizeof(it));
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "resolve imports")) < 0 ||
	    (error = ferry__import_find(db, id, "previewed", "resolve",
	    &imp)) < 0 ||
	    (error = ferry__import_item_find(db, id, item, &it)) < 0 ||
	    (error = check_allowed(db, id, &it, FERRY_RESOLVE_MERGE,
	    "merged")) < 0 ||
	    (error = ferry__import_fields(db, id, 1, it.entity,
	    &fs)) < 0)
		goto done;
	if (!json || (obj = json_loads(json, JSON_REJECT_DUPLICATES,
	    NULL)) == NULL || !json_is_object(obj)) {
		error = ferry__error(db, FERRY_EINVALID, "the patch is not a "
			"JSON object of field values (e.g. '{\"name\":\"Ann\"}'); "
			"nothing changed");
		goto done;
	}
	if (json_object_size(obj) == 0) {
		error = ferry__error(db, FERRY_EINVALID, "the patch names no "
			"field; name the fields you decide, or accept or skip "
			"the item");
		goto done;
	}
	json_object_foreach(obj, key, val) {
		if (!strcmp(key, "sys_id")) {
			error = ferry__error(db, FERRY_EINVALID, "the patch "
				"names sys_id, which is the record's identity; "
				"leave it out");
			goto done;
		}
		if ((i = ferry_fieldset_find(&fs, key)) < 0) {
			error = ferry__error(db, FERRY_ENOTFOUND, "%s has no "
				"field '%s' in the target (with the package's "
				"schema changes); see 'ferry entity show %s'; "
				"nothing changed", it.entity, key, it.entity);
			goto done;
		}
		if ((error = merge_value(db, id, &fs.fields[i], val,
		    it.entity)) < 0)
			goto done;
	}
	if ((error = check_conflicts_patched(db, &it, obj)) < 0)
		goto done;
	ferry_str_init(&merged, FERRY_TEXT_MAX);
	ferry_json__canonical(&merged, obj);
	if (ferry_str_failed(&merged)) {
		error = ferry__error(db, FERRY_ENOMEM, "the patch is too "
			"large");
		goto done;
	}
	ferry__now_iso(db, now);
	if ((error = ferry_store__import_resolution_set(db, id, item, "merge",
	    merged.ptr, 0, db->user, now)) == 0)
		error = ferry_store__import_mark_plan(db, id, 0);
done:
	json_decref(obj);
	ferry_str_dispose(&merged);
	ferry_fieldset_dispose(&fs);
	ferry_import_item_dispose(&it);
	return ferry_store__end(db, error);
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
	    strcmp(imp.state, "previewed") != 0) {
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

/* ---- list and show ------------------------------------------------------- */

int ferry_import_list(ferry_buf *out, ferry_db *db)
{
	ferry_str json = FERRY_STR_INIT;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__actor(db)) < 0 ||
	    (error = ferry__import_doc_list(db, &json)) < 0) {
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
	    (error = ferry__import_doc_show(db, id, &json)) < 0) {
		ferry_str_dispose(&json);
		return error;
	}
	return ferry__buf_take(db, out, &json);
}
