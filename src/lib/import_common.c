/*
 * import_common.c - what the steps of an import share (imports.h), and
 * nothing that is a step: finding an import or one of its items with
 * the message a user sees, reading an item's payload and a field
 * record, whether a type covers another.  Every step (import_load.c,
 * import_plan.c, import_resolve.c, import_commit.c, import_backout.c)
 * uses these; they use no step, so the pipeline has no circle.
 */
#include "imports.h"

#include <stdio.h>
#include <string.h>

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

const char *ferry__import_state(const char *state, const char *stamp)
{
	return state && !strcmp(state, "loaded") && (!stamp || !*stamp) ?
		"loading" : state;
}

int ferry__import_find(ferry_db *db, int64_t id, const char *states,
	const char *doing, ferry_import_row *out)
{
	int error = ferry_store__import_get(db, id, out);
	const char *shown;

	if (error == FERRY_ENOTFOUND)
		return ferry__error(db, error, "no import %lld; see 'ferry "
			"import list'", (long long)id);
	if (error < 0)
		return error;
	if ((shown = ferry__import_state(out->state, out->stamp)) !=
	    out->state)
		snprintf(out->state, sizeof(out->state), "%s", shown);
	if (states && !in_list(states, out->state)) {
		if (!strcmp(out->state, "loading"))
			return ferry__error(db, FERRY_ESTATE, "cannot %s "
				"import %lld: its load has not finished; unless "
				"it is still running, remove it with 'ferry "
				"import discard %lld' and load the file again",
				doing, (long long)id, (long long)id);
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

const char *ferry__import_type_of(const char *t, const char *entity)
{
	if (!t || strcmp(t, "record") != 0 || !entity)
		return t ? t : "unknown";
	if (!strcmp(entity, "sys_entity"))
		return "entity";
	if (!strcmp(entity, "sys_field"))
		return "field";
	return ferry__is_system_entity(entity) ? "object" : "record";
}

const char *ferry__import_item_type(const ferry_import_item *it)
{
	return ferry__import_type_of(it->t, it->entity);
}
