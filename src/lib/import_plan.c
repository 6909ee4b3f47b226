/*
 * import_plan.c - importing a package, part two: the plan.  For every
 * staged item, decide what it does to the target (insert, update, merge,
 * delete, skip) and record every problem it has, each with a kind, a
 * severity and a sentence saying what to do (docs/import.md, "Preview").
 *
 * Records are planned set-wise, a handful of statements per entity, in
 * the store (src/lib/store/sqlite/imports.c): identity, versions, the
 * field-level three-way check, the protection matrix, fields, types and
 * references.  The few catalog items go one by one through the schema
 * merge rules (schema_merge.h) that entity unpacking uses too; formulas
 * and data sets through ferry__definition_preview().
 */
#include "imports.h"

#include "alloc.h"
#include "definitions.h"

#include <string.h>

/* A list of names (entities the package creates, or plans). */
typedef struct {
	char **names;
	size_t n;
} name_list;

static int names_add(name_list *l, const char *name)
{
	char **nn;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->names[i], name))
			return 0;
	if ((nn = ferry__realloc(l->names, (l->n + 1) * sizeof(*nn))) == NULL)
		return -1;
	l->names = nn;
	if ((nn[l->n] = ferry__strdup(name)) == NULL)
		return -1;
	l->n++;
	return 0;
}

static int names_has(const name_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->names[i], name))
			return 1;
	return 0;
}

static void names_dispose(name_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		ferry__free(l->names[i]);
	ferry__free(l->names);
	l->names = NULL;
	l->n = 0;
}

typedef struct {
	ferry_db *db;
	int64_t id;
	name_list created;	/* entities the package creates */
	name_list entities;	/* entities of record items */
	ferry_str msg;
	ferry_str facts;	/* msg as the store keeps it */
} plan_state;

static int nomem(ferry_db *db)
{
	return ferry__error(db, FERRY_ENOMEM, "out of memory");
}

/* 1 if the target has entity, or the package creates it. */
static int entity_known(plan_state *s, const char *entity)
{
	int error;

	if (names_has(&s->created, entity))
		return 1;
	if ((error = ferry_store__entity_exists(s->db, entity)) < 0)
		return error;
	return error;
}

/* The target's catalog record for an entity or field: sys_id and
 * version, or empty strings when there is none. */
static int catalog_target(ferry_db *db, const char *entity,
	const char *field, ferry_str *sys_id, ferry_record_meta *meta)
{
	int error;

	ferry_str_clear(sys_id);
	memset(meta, 0, sizeof(*meta));
	error = ferry_store__catalog_sys_id(db, entity, field, sys_id);
	if (error == FERRY_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	error = ferry_store__record_meta(db, field ? "sys_field" :
		"sys_entity", sys_id->ptr, meta);
	return error == FERRY_ENOTFOUND ? 0 : error;
}

static int problem(plan_state *s, int64_t item, const char *kind,
	const char *severity)
{
	return ferry__problem_say(s->db, s->id, item, kind, severity,
		&s->msg);
}

/* ---- catalog items ------------------------------------------------------- */

static int plan_entity_item(const ferry_import_item *it, void *payload)
{
	plan_state *s = payload;
	ferry_str sys_id = FERRY_STR_INIT;
	ferry_record_meta meta;
	const char *decision = "skip", *kind = NULL;
	int error;

	if ((error = catalog_target(s->db, it->rkey, NULL, &sys_id,
	    &meta)) < 0)
		goto done;
	ferry_str_clear(&s->msg);
	if (!strcmp(it->action, "delete")) {
		kind = meta.version[0] ? "schema_kept" : "already_deleted";
		ferry_str_printf(&s->msg, meta.version[0] ? "entity %s stays: "
			"imports never drop entities or columns" : "entity %s "
			"is not in the target; nothing to delete", it->rkey);
	} else if (!meta.version[0]) {
		decision = "insert";
		if (names_add(&s->created, it->rkey) < 0) {
			error = nomem(s->db);
			goto done;
		}
	} else if (!strcmp(meta.version, it->version)) {
		kind = "already_applied";
		ferry_str_printf(&s->msg, "entity %s already has this version; "
			"nothing to do", it->rkey);
	} else {
		kind = "schema_kept";
		ferry_str_printf(&s->msg, "entity %s exists in the target and "
			"is kept as it is (its display name and description "
			"stay); its fields are merged one by one", it->rkey);
	}
	if ((error = ferry_store__import_plan_put(s->db, s->id, it->item,
	    sys_id.size ? sys_id.ptr : NULL, meta.version[0] ? meta.version :
	    NULL, decision, NULL)) < 0)
		goto done;
	if (kind)
		error = problem(s, it->item, kind, "info");
done:
	ferry_str_dispose(&sys_id);
	return error;
}

/* The field a sys_field item is about: from its payload, or for a
 * delete from its key "entity.field". */
static int field_of(const ferry_import_item *it, json_t *obj, char *entity,
	char *field)
{
	const char *e = json_string_value(json_object_get(obj, "entity"));
	const char *f = json_string_value(json_object_get(obj, "name"));
	const char *dot = strchr(it->rkey, '.');

	if (!e || !f) {
		if (!dot)
			return -1;
		e = it->rkey;
		f = dot + 1;
		snprintf(entity, FERRY_NAME_MAX, "%.*s", (int)(dot - e), e);
	} else {
		snprintf(entity, FERRY_NAME_MAX, "%s", e);
	}
	snprintf(field, FERRY_NAME_MAX, "%s", f);
	return 0;
}

/* Plan a field: the schema merge rules decide. */
static int plan_field(plan_state *s, const ferry_import_item *it,
	json_t *obj, const char *entity, const char *field,
	const ferry_record_meta *meta, const char **decision,
	ferry_str *detail)
{
	ferry_fieldset fs = { NULL, 0 };
	ferry_field_def def;
	ferry_str def_text = FERRY_STR_INIT;
	char new_type[FERRY_TYPE_TEXT_MAX];
	ferry_type pt;
	int error, exists, a, i = -1;

	if ((error = ferry__import_field_def(s->db, obj, &def,
	    &def_text)) < 0)
		goto done;
	if ((exists = ferry_store__entity_exists(s->db, entity)) < 0) {
		error = exists;
		goto done;
	}
	if (exists && (error = ferry__fields(s->db, entity, &fs)) < 0)
		goto done;
	if (exists)
		i = ferry_fieldset_find(&fs, field);
	a = ferry__merge_field_plan(i >= 0 ? &fs.fields[i] : NULL, &def,
		new_type, detail);
	if (a < 0) {
		error = ferry__error(s->db, FERRY_EFORMAT, "%s",
			ferry_str_cstr(detail));
		goto done;
	}
	ferry_str_clear(&s->msg);
	if (meta->version[0] && !strcmp(meta->version, it->version)) {
		ferry_str_printf(&s->msg, "field %s.%s already has this "
			"version; nothing to do", entity, field);
		error = problem(s, it->item, "already_applied", "info");
		goto done;
	}
	if (a == FERRY_MERGE_KEEP) {
		ferry_str_printf(&s->msg, "field %s.%s: %s", entity, field,
			ferry_str_cstr(detail));
		error = problem(s, it->item, "schema_kept", "info");
		goto done;
	}
	*decision = a == FERRY_MERGE_ADD ? "insert" : "update";
	if ((error = ferry_store__import_field(s->db, s->id,
	    FERRY_SCOPE_TARGET, entity, field, new_type)) < 0)
		goto done;
	/* A reference needs its entity. */
	ferry_str_clear(&def_text);
	if (ferry_type__parse(&pt, new_type, &def_text) == 0 &&
	    pt.base == FERRY_T_REF && strcmp(pt.ref, entity) != 0) {
		if ((error = entity_known(s, pt.ref)) < 0)
			goto done;
		if (error == 0) {
			ferry_str_printf(&s->msg, "field %s.%s is a %s, and "
				"entity %s is neither in the target nor "
				"created by the package: create it first, or "
				"skip the field", entity, field, new_type,
				pt.ref);
			error = problem(s, it->item, "missing_entity",
				"error");
			goto done;
		}
		error = 0;
	}
done:
	ferry_str_dispose(&def_text);
	ferry_fieldset_dispose(&fs);
	return error;
}

static int plan_field_item(const ferry_import_item *it, void *payload)
{
	plan_state *s = payload;
	ferry_str sys_id = FERRY_STR_INIT, detail = FERRY_STR_INIT;
	ferry_record_meta meta;
	char entity[FERRY_NAME_MAX], field[FERRY_NAME_MAX];
	const char *decision = "skip";
	json_t *obj = NULL;
	int error, known;

	if ((error = ferry__import_parse(s->db, it->payload, &obj)) < 0)
		goto done;
	if (field_of(it, obj, entity, field) < 0) {
		error = ferry__error(s->db, FERRY_EFORMAT, "item %lld: a field "
			"record without entity and name", (long long)it->item);
		goto done;
	}
	if ((error = catalog_target(s->db, entity, field, &sys_id,
	    &meta)) < 0 || (known = entity_known(s, entity)) < 0) {
		error = error < 0 ? error : known;
		goto done;
	}
	ferry_str_clear(&s->msg);
	if (!strcmp(it->action, "delete")) {
		ferry_str_printf(&s->msg, meta.version[0] ? "field %s.%s "
			"stays: imports never drop columns" : "field %s.%s is "
			"not in the target; nothing to delete", entity, field);
		error = problem(s, it->item, meta.version[0] ?
			"field_not_dropped" : "already_deleted", "info");
	} else if (!known) {
		decision = "insert";
		ferry_str_printf(&s->msg, "field %s.%s belongs to entity %s, "
			"which is neither in the target nor created by the "
			"package: create the entity first, or skip the field",
			entity, field, entity);
		error = problem(s, it->item, "missing_entity", "error");
	} else {
		error = plan_field(s, it, obj, entity, field, &meta, &decision,
			&detail);
	}
	if (error < 0)
		goto done;
	if (ferry_str_failed(&detail)) {
		error = nomem(s->db);
		goto done;
	}
	error = ferry_store__import_plan_put(s->db, s->id, it->item,
		sys_id.size ? sys_id.ptr : NULL, meta.version[0] ?
		meta.version : NULL, decision, detail.size ? detail.ptr : NULL);
done:
	json_decref(obj);
	ferry_str_dispose(&sys_id);
	ferry_str_dispose(&detail);
	return error;
}

/* ---- declared schemas ---------------------------------------------------- */

/*
 * A schema item declares an entity the package's records use.  What the
 * target lacks of it (the entity, or some of its fields) and no catalog
 * item adds is created from the declaration at commit, by the schema
 * merge rules: creates_entity / creates_field (info).
 */
/* A declared ref() field needs its entity: missing_entity when neither
 * the target nor the package has it. */
static int declared_ref_known(plan_state *s, const ferry_import_item *it,
	const char *name, const char *type)
{
	ferry_str err = FERRY_STR_INIT;
	ferry_type t;
	int error = 0;

	if (ferry_type__parse(&t, type, &err) == 0 && t.base == FERRY_T_REF &&
	    strcmp(t.ref, it->entity) != 0) {
		if ((error = entity_known(s, t.ref)) == 0) {
			ferry_str_clear(&s->msg);
			ferry_str_printf(&s->msg, "field %s.%s is a %s, and "
				"entity %s is neither in the target nor "
				"created by the package", it->entity, name,
				type, t.ref);
			error = problem(s, it->item, "missing_entity",
				"error");
		} else if (error > 0) {
			error = 0;
		}
	}
	ferry_str_dispose(&err);
	return error;
}

static int plan_schema_item(const ferry_import_item *it, void *payload)
{
	plan_state *s = payload;
	ferry_fieldset target = { NULL, 0 };
	ferry_str added = FERRY_STR_INIT;
	json_t *doc = NULL, *fields, *f;
	const char *decision = "skip";
	size_t i, n = 0;
	int error, known, creates = 0;

	if (ferry__is_system_entity(it->entity))
		goto plan;
	if ((known = entity_known(s, it->entity)) < 0) {
		error = known;
		goto done;
	}
	if ((doc = json_loadb(it->body, it->body_len, 0, NULL)) == NULL) {
		error = ferry__error(s->db, FERRY_EFORMAT, "item %lld: a schema "
			"item that is not JSON", (long long)it->item);
		goto done;
	}
	fields = json_object_get(json_object_get(doc, "definition"),
		"fields");
	if (!known) {
		creates = 1;
		decision = "insert";
		if (names_add(&s->created, it->entity) < 0) {
			error = nomem(s->db);
			goto done;
		}
	}
	if ((error = ferry__import_fields(s->db, s->id, FERRY_SCOPE_TARGET,
	    it->entity, &target)) < 0)
		goto done;
	json_array_foreach(fields, i, f) {
		const char *name = json_string_value(json_object_get(f,
			"name"));
		const char *type = json_string_value(json_object_get(f,
			"type"));

		if (!name || !type || ferry_fieldset_find(&target, name) >= 0)
			continue;
		if ((error = declared_ref_known(s, it, name, type)) < 0)
			goto done;
		if ((error = ferry_store__import_field(s->db, s->id,
		    FERRY_SCOPE_TARGET, it->entity, name, type)) < 0)
			goto done;
		ferry_str_printf(&added, "%s%s %s", n++ ? ", " : "", name,
			type);
		/* A renamed field names what it stands for. */
		if (json_string_value(json_object_get(f, "external_name")))
			ferry_str_printf(&added, " (external name %s)",
				json_string_value(json_object_get(f,
				"external_name")));
	}
	if (n && !creates)
		decision = "update";
	ferry_str_clear(&s->msg);
	if (creates)
		ferry_str_printf(&s->msg, "entity %s is not in the target: it "
			"is created from the package's declared schema%s%s",
			it->entity, n ? ", with " : "", ferry_str_cstr(&added));
	else if (n)
		ferry_str_printf(&s->msg, "entity %s lacks field(s) the "
			"package declares: %s is added by the schema merge "
			"rules", it->entity, ferry_str_cstr(&added));
	if ((creates || n) && (error = problem(s, it->item, creates ?
	    "creates_entity" : "creates_field", "info")) < 0)
		goto done;
plan:
	/* A schema that adds nothing has no plan: it does nothing. */
	error = strcmp(decision, "skip") ? ferry_store__import_plan_put(s->db,
		s->id, it->item, NULL, NULL, decision, NULL) : 0;
done:
	json_decref(doc);
	ferry_str_dispose(&added);
	ferry_fieldset_dispose(&target);
	return error;
}

/* ---- records ------------------------------------------------------------- */

static int collect_entity(const char *entity, void *payload)
{
	plan_state *s = payload;

	return names_add(&s->entities, entity) < 0 ? nomem(s->db) : 0;
}

/* The target's fields of an entity (scope 1), before the package's
 * field changes are planned over them. */
static int target_fields(plan_state *s, const char *entity)
{
	ferry_fieldset fs = { NULL, 0 };
	size_t i;
	int error;

	if ((error = ferry_store__entity_exists(s->db, entity)) <= 0 &&
	    !ferry__is_system_entity(entity))
		return error;
	if ((error = ferry__fields(s->db, entity, &fs)) == 0)
		for (i = 0; i < fs.n && !error; i++)
			error = ferry_store__import_field(s->db, s->id,
				FERRY_SCOPE_TARGET, entity, fs.fields[i].name,
				fs.fields[i].type_text);
	ferry_fieldset_dispose(&fs);
	return error;
}

/* An associated object needs the entity it belongs to. */
static int check_object(const ferry_import_item *it, void *payload)
{
	plan_state *s = payload;
	json_t *obj = NULL;
	const char *entity;
	int error;

	if (!strcmp(it->action, "delete"))
		return 0;
	if ((error = ferry__import_parse(s->db, it->payload, &obj)) < 0)
		return error;
	entity = json_string_value(json_object_get(obj, "entity"));
	if ((error = entity_known(s, entity ? entity : "")) == 0) {
		ferry_str_clear(&s->msg);
		ferry_str_printf(&s->msg, "%s %s belongs to entity %s, which "
			"is neither in the target nor created by the "
			"package: create the entity first, or skip it",
			it->entity, it->rkey, entity ? entity : "(none)");
		error = problem(s, it->item, "missing_entity", "error");
	} else if (error > 0) {
		error = 0;
	}
	json_decref(obj);
	return error;
}

static int plan_entity_records(plan_state *s, const char *entity)
{
	ferry_fieldset fs = { NULL, 0 };
	int error, exists;

	if (ferry__import_is_catalog(entity))
		return 0;
	if ((exists = ferry_store__entity_exists(s->db, entity)) < 0)
		return exists;
	if (exists || ferry__is_system_entity(entity)) {
		if ((error = ferry__fields(s->db, entity, &fs)) == 0)
			error = ferry_store__import_plan_records(s->db, s->id,
				entity, &fs, ferry__is_system_entity(entity),
				&ferry__record_decisions);
		ferry_fieldset_dispose(&fs);
		if (error == 0 && ferry__is_system_entity(entity))
			error = ferry_store__import_items_each(s->db, s->id,
				"record", entity, check_object, s);
		return error;
	}
	if ((error = ferry_store__import_plan_records(s->db, s->id, entity,
	    NULL, 0, &ferry__record_decisions)) < 0 ||
	    names_has(&s->created, entity))
		return error;
	ferry_str_clear(&s->msg);
	ferry_str_printf(&s->msg, "entity %s is neither in the target nor "
		"created by the package: create it ('ferry entity create'), "
		"import a pack that creates it, or skip its records", entity);
	ferry_str_clear(&s->facts);
	ferry__fact_text(&s->facts, ferry_str_cstr(&s->msg));
	if (ferry_str_failed(&s->msg) || ferry_str_failed(&s->facts))
		return nomem(s->db);
	return ferry_store__import_problems_entity(s->db, s->id, entity,
		s->facts.ptr);
}

/*
 * Field, type and reference problems of the records of one entity.  Load
 * proved every value exactly fits the field the package declares, so a
 * field needs a pass over the items only when the target lacks it, when
 * its target type may refuse such values, or when it is a reference.
 */
static int entity_problems(plan_state *s, const char *entity)
{
	ferry_fieldset declared = { NULL, 0 }, target = { NULL, 0 };
	size_t i;
	int error, known, k;

	if (ferry__import_is_catalog(entity))
		return 0;
	if ((known = entity_known(s, entity)) <= 0 &&
	    !ferry__is_system_entity(entity))
		return known;
	if ((error = ferry__import_fields(s->db, s->id, FERRY_SCOPE_PACKAGE,
	    entity, &declared)) < 0 ||
	    (error = ferry__import_fields(s->db, s->id, FERRY_SCOPE_TARGET,
	    entity, &target)) < 0)
		goto done;
	for (i = 0; i < declared.n && !error; i++) {
		const ferry_field *d = &declared.fields[i];
		const ferry_field *t;

		if ((k = ferry_fieldset_find(&target, d->name)) < 0) {
			error = ferry_store__import_problems_field(s->db, s->id,
				entity, d->name, FERRY_CHECK_MISSING, NULL);
			continue;
		}
		t = &target.fields[k];
		if (!ferry__import_covers(&t->type, &d->type) &&
		    (error = ferry_store__import_problems_field(s->db, s->id,
		    entity, d->name, FERRY_CHECK_TYPE, t)) < 0)
			break;
		/* A value the package declares a ref was kept with its
		 * item when load judged it (import_values.c). */
		if (t->type.base == FERRY_T_REF)
			error = ferry_store__import_problems_field(s->db, s->id,
				entity, d->name, d->type.base == FERRY_T_REF ?
				FERRY_CHECK_REF_KEPT : FERRY_CHECK_REF, t);
	}
done:
	ferry_fieldset_dispose(&declared);
	ferry_fieldset_dispose(&target);
	return error;
}

static int referenced(const char *entity, const char *field,
	const char *ref_entity, void *payload)
{
	plan_state *s = payload;

	return ferry_store__import_problems_referenced(s->db, s->id, entity,
		field, ref_entity);
}

/* ---- formulas and data sets ---------------------------------------------- */

static int plan_definition(const ferry_import_item *it, void *payload)
{
	plan_state *s = payload;
	ferry_definition_plan plan;
	ferry_str detail = FERRY_STR_INIT;
	json_t *problems = NULL, *p;
	size_t i;
	int error;

	ferry__definition_plan_init(&plan);
	if ((error = ferry__definition_preview(s->db, it->body, it->body_len,
	    &plan)) < 0)
		goto done;
	ferry_str_puts(&detail, "{\"action\":");
	ferry_str_puts_json(&detail, ferry_str_cstr(&plan.action));
	ferry_str_puts(&detail, ",\"name\":");
	ferry_str_puts_json(&detail, ferry_str_cstr(&plan.target));
	ferry_str_putc(&detail, '}');
	if (ferry_str_failed(&detail)) {
		error = nomem(s->db);
		goto done;
	}
	if ((error = ferry_store__import_plan_put(s->db, s->id, it->item,
	    NULL, NULL, strcmp(ferry_str_cstr(&plan.action),
	    "already_applied") ? "insert" : "skip", detail.ptr)) < 0)
		goto done;
	problems = json_loads(ferry_str_cstr(&plan.problems), 0, NULL);
	json_array_foreach(problems, i, p) {
		const char *kind = json_string_value(json_object_get(p,
			"kind"));
		const char *severity = json_string_value(json_object_get(p,
			"severity"));
		const char *message = json_string_value(json_object_get(p,
			"message"));

		if (!kind || !severity || !message)
			continue;
		ferry_str_clear(&s->msg);
		ferry_str_puts(&s->msg, message);
		if ((error = ferry__problem_say(s->db, s->id, it->item, kind,
		    severity, &s->msg)) < 0)
			break;
	}
done:
	json_decref(problems);
	ferry_str_dispose(&detail);
	ferry__definition_plan_dispose(&plan);
	return error;
}

/* ---- the plan ------------------------------------------------------------ */

static int plan_query(const ferry_import_item *it, void *payload)
{
	plan_state *s = payload;

	return ferry__query_plan(s->db, s->id, it);
}

int ferry__import_plan(ferry_db *db, const ferry_import_row *imp)
{
	plan_state s;
	size_t i;
	int error;

	memset(&s, 0, sizeof(s));
	s.db = db;
	s.id = imp->id;
	ferry_str_init(&s.msg, 0);
	ferry_str_init(&s.facts, 0);
	if ((error = ferry_store__import_plan_reset(db, imp->id)) < 0 ||
	    (error = ferry_store__import_entities(db, imp->id,
	    collect_entity, &s)) < 0)
		goto done;
	/* Schema first: which entities the package creates, and the
	 * fields every entity will have once its field changes merge. */
	if ((error = ferry_store__import_items_each(db, imp->id, "record",
	    "sys_entity", plan_entity_item, &s)) < 0)
		goto done;
	for (i = 0; i < s.entities.n && !error; i++)
		error = target_fields(&s, s.entities.names[i]);
	if (error < 0 || (error = ferry_store__import_items_each(db, imp->id,
	    "record", "sys_field", plan_field_item, &s)) < 0 ||
	    (error = ferry_store__import_items_each(db, imp->id, "schema",
	    NULL, plan_schema_item, &s)) < 0)
		goto done;
	for (i = 0; i < s.entities.n && !error; i++) {
		error = plan_entity_records(&s, s.entities.names[i]);
		ferry__progress(db, "planning", i + 1, 2 * s.entities.n);
	}
	if (error < 0 ||
	    (error = ferry_store__import_problems_records(db, imp->id,
	    ferry__record_problems)) < 0)
		goto done;
	/* References may point at records of any entity the package
	 * writes, so these come once every entity is planned. */
	for (i = 0; i < s.entities.n && !error; i++) {
		error = entity_problems(&s, s.entities.names[i]);
		ferry__progress(db, "planning", s.entities.n + i + 1,
			2 * s.entities.n);
	}
	if (error < 0 ||
	    (error = ferry_store__import_referrers(db, imp->id, referenced,
	    &s)) < 0 ||
	    (error = ferry_store__import_items_each(db, imp->id, "formula",
	    NULL, plan_definition, &s)) < 0 ||
	    (error = ferry_store__import_items_each(db, imp->id, "dataset",
	    NULL, plan_definition, &s)) < 0 ||
	    (error = ferry_store__import_items_each(db, imp->id,
	    "delete_query", NULL, plan_query, &s)) < 0)
		goto done;
	error = ferry_store__import_plan_rest(db, imp->id);
done:
	names_dispose(&s.created);
	names_dispose(&s.entities);
	ferry_str_dispose(&s.msg);
	ferry_str_dispose(&s.facts);
	return error;
}

int ferry__import_keep_plan(ferry_db *db, const ferry_import_row *imp,
	int restamp)
{
	char now[FERRY_ISO_LEN];
	int error, current = 0;

	if ((error = ferry_store__import_plan_current(db, imp->id,
	    &current)) < 0)
		return error;
	if (!current && (error = ferry__import_plan(db, imp)) < 0)
		return error;
	if (current && !restamp && !strcmp(imp->state, "previewed"))
		return 0;
	ferry__now_iso(db, now);
	if ((error = ferry_store__import_set_state(db, imp->id, "previewed",
	    db->user, now, NULL)) < 0)
		return error;
	return ferry_store__import_mark_plan(db, imp->id, 1);
}

/* The transaction of a preview: the plan kept current, the preview
 * stamped with who made it and when. */
static int preview_plan(ferry_db *db, int64_t id)
{
	ferry_import_row imp;
	int error;

	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "preview imports")) == 0 &&
	    (error = ferry__import_find(db, id, "loaded,previewed", "preview",
	    &imp)) == 0)
		error = ferry__import_keep_plan(db, &imp, 1);
	return ferry_store__end(db, error);
}

typedef struct {
	ferry_db *db;
	int64_t id;
	ferry_preview_cb cb;
	void *payload;
	ferry_str line, msg;
} stream_state;

static void put_member(ferry_str *s, const char *name, const char *text)
{
	ferry_str_printf(s, ",\"%s\":", name);
	if (text)
		ferry_str_puts_json(s, text);
	else
		ferry_str_puts(s, "null");
}

/* One problem as its JSON object: the store's facts, the advice from
 * the table of kinds (import_problems.c). */
static int stream_problem(const ferry_import_problem_row *r, void *payload)
{
	stream_state *s = payload;
	ferry_str *l = &s->line;

	ferry_str_clear(l);
	ferry_str_printf(l, "{\"item\":%lld", (long long)r->item);
	put_member(l, "entity", r->entity);
	put_member(l, "sys_id", r->sys_id);
	put_member(l, "key", r->key);
	put_member(l, "kind", r->kind);
	put_member(l, "severity", r->severity);
	ferry_str_clear(&s->msg);
	if (ferry__fact_words(&s->msg, r->facts) < 0)
		return FERRY_ENOMEM;
	ferry__problem_advice(&s->msg, r->kind, s->id, r->item,
		ferry__import_item_allows(r->t, r->entity, r->action,
		r->decision));
	if (ferry_str_failed(&s->msg))
		return FERRY_ENOMEM;
	ferry_str_puts(l, ",\"message\":");
	ferry_str_put_json(l, s->msg.ptr, s->msg.size);
	put_member(l, "resolution", r->resolution && r->whole ?
		"accept_whole" : r->resolution);
	ferry_str_putc(l, '}');
	if (ferry_str_failed(l))
		return FERRY_ENOMEM;
	return s->cb(FERRY_PREVIEW_PROBLEM, l->ptr, l->size, s->payload);
}

/* A filter checked, as the store reads it. */
static int check_filter(ferry_db *db, const ferry_preview_filter *f,
	ferry_problem_filter *out)
{
	memset(out, 0, sizeof(*out));
	if (!f)
		return 0;
	if (f->version != FERRY_PREVIEW_FILTER_VERSION)
		return ferry__error(db, FERRY_EMISUSE, "unknown preview filter "
			"version %u", f->version);
	if (f->severity && strcmp(f->severity, "error") != 0 &&
	    strcmp(f->severity, "warning") != 0 &&
	    strcmp(f->severity, "info") != 0)
		return ferry__error(db, FERRY_EINVALID, "no severity '%s': "
			"use error, warning or info", f->severity);
	if (f->kind && !ferry__problem_kind(f->kind)) {
		ferry_str kinds = FERRY_STR_INIT;
		const ferry_problem_kind_info *k;
		size_t i;
		int error;

		for (i = 0; (k = ferry__problem_kind_at(i)) != NULL; i++)
			ferry_str_printf(&kinds, "%s%s", i ? ", " : "",
				k->name);
		error = ferry__error(db, FERRY_EINVALID, "no problem kind '%s'; "
			"the kinds are %s", f->kind, ferry_str_cstr(&kinds));
		ferry_str_dispose(&kinds);
		return error;
	}
	if (f->limit < 0 || f->offset < 0)
		return ferry__error(db, FERRY_EINVALID, "limit and offset "
			"cannot be negative");
	out->severity = f->severity;
	out->kind = f->kind;
	out->entity = f->entity;
	out->limit = f->limit;
	out->offset = f->offset;
	return 0;
}

/* The preview, as ferry_import_preview_each_filtered() streams it, with
 * the count of unresolved items in *unresolved (unless NULL). */
static int preview_each(ferry_db *db, int64_t id,
	const ferry_preview_filter *f, ferry_preview_cb cb, void *payload,
	int64_t *unresolved)
{
	ferry_str summary = FERRY_STR_INIT;
	ferry_problem_filter pf;
	stream_state s;
	int error;

	memset(&s, 0, sizeof(s));
	if (!cb)
		return ferry__error(db, FERRY_EMISUSE, "no callback given");
	if ((error = check_filter(db, f, &pf)) < 0)
		return error;
	/* The plan is one transaction; the listing reads what it kept. */
	if ((error = preview_plan(db, id)) < 0 ||
	    (error = ferry__import_doc_summary(db, id, &pf, &summary,
	    unresolved)) < 0)
		goto done;
	if ((error = cb(FERRY_PREVIEW_SUMMARY, summary.ptr, summary.size,
	    payload)) != 0)
		goto done;
	s.db = db;
	s.id = id;
	s.cb = cb;
	s.payload = payload;
	ferry_str_init(&s.line, 0);
	ferry_str_init(&s.msg, 0);
	error = ferry_store__import_problems_each(db, id, &pf, stream_problem,
		&s);
	if (error == FERRY_ENOMEM)
		error = ferry__error(db, error, "out of memory");
done:
	ferry_str_dispose(&s.line);
	ferry_str_dispose(&s.msg);
	ferry_str_dispose(&summary);
	return error;
}

int ferry_import_preview_each_filtered(ferry_db *db, int64_t id,
	const ferry_preview_filter *f, ferry_preview_cb cb, void *payload)
{
	FERRY_CHECK_DB(db);
	return preview_each(db, id, f, cb, payload, NULL);
}

int ferry_import_preview_each(ferry_db *db, int64_t id, ferry_preview_cb cb,
	void *payload)
{
	return ferry_import_preview_each_filtered(db, id, NULL, cb, payload);
}

/* The whole preview document from its pieces. */
static int collect(ferry_preview_part part, const char *json, size_t len,
	void *payload)
{
	ferry_str *doc = payload;

	if (part == FERRY_PREVIEW_SUMMARY) {
		/* {...summary} becomes {...summary,"problems":[ */
		ferry_str_put(doc, json, len ? len - 1 : 0);
		ferry_str_puts(doc, ",\"problems\":[");
	} else {
		if (doc->ptr[doc->size - 1] == '}')
			ferry_str_putc(doc, ',');
		ferry_str_put(doc, json, len);
	}
	return ferry_str_failed(doc) ? FERRY_ENOMEM : 0;
}

int ferry__import_preview(ferry_buf *out, ferry_db *db, int64_t id,
	const ferry_preview_filter *f, int64_t *unresolved)
{
	ferry_str doc = FERRY_STR_INIT;
	int error;

	error = preview_each(db, id, f, collect, &doc, unresolved);
	if (error == FERRY_ENOMEM)
		error = ferry__error(db, error, "out of memory");
	if (error == 0) {
		ferry_str_puts(&doc, "]}");
		error = ferry__buf_take(db, out, &doc);
	}
	ferry_str_dispose(&doc);
	return error;
}

int ferry_import_preview_filtered(ferry_buf *out, ferry_db *db, int64_t id,
	const ferry_preview_filter *f)
{
	FERRY_CHECK_DB(db);
	return ferry__import_preview(out, db, id, f, NULL);
}

int ferry_import_preview(ferry_buf *out, ferry_db *db, int64_t id)
{
	return ferry_import_preview_filtered(out, db, id, NULL);
}
