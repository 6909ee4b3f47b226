/*
 * catalog.c - entities and fields: the fields of an entity (built in for
 * the system entities of identity.c, else from the catalog) and the
 * catalog calls.
 *
 * A catalog change is two things in one transaction: a record of
 * sys_entity or sys_field written through the ordinary write path (so it
 * is versioned and captured into the actor's pack) and the DDL on the
 * entity's table.
 */
#include "records.h"

#include "alloc.h"
#include "jsonw.h"
#include "store/store.h"
#include "text.h"

#include <string.h>

/* Parse the type text of each field the store loaded: a type that does
 * not parse means the catalog was damaged outside ferry. */
int ferry__parse_types(ferry_db *db, const char *entity, ferry_fieldset *fs)
{
	ferry_str err = FERRY_STR_INIT;
	size_t i;
	int error = 0;

	for (i = 0; i < fs->n && error == 0; i++)
		if (ferry_type__parse(&fs->fields[i].type,
		    fs->fields[i].type_text, &err) < 0)
			error = ferry__error(db, FERRY_EFORMAT, "the catalog "
				"is damaged: field %s.%s: %s", entity,
				fs->fields[i].name, ferry_str_cstr(&err));
	ferry_str_dispose(&err);
	return error;
}

int ferry__fields(ferry_db *db, const char *entity, ferry_fieldset *out)
{
	const ferry_system_entity *b = ferry__system_entity(entity);
	ferry_str err = FERRY_STR_INIT;
	const ferry_system_field *bf;
	int error;

	if (b) {
		for (bf = b->fields; bf->name; bf++) {
			ferry_field f;

			memset(&f, 0, sizeof(f));
			snprintf(f.name, sizeof(f.name), "%s", bf->name);
			snprintf(f.type_text, sizeof(f.type_text), "%s",
				bf->type);
			if (ferry_type__parse(&f.type, bf->type, &err) < 0 ||
			    ferry_fieldset_add(out, &f) < 0) {
				ferry_str_dispose(&err);
				ferry_fieldset_dispose(out);
				return ferry__oom(db);
			}
		}
		return 0;
	}
	if (!ferry_ident_valid(entity))
		return ferry__error(db, FERRY_EINVALID, "'%s' is not an entity "
			"name (lowercase letters, digits and '_', starting with "
			"a letter)", entity);
	if ((error = ferry_store__entity_exists(db, entity)) < 0)
		return error;
	if (error == 0)
		return ferry__error(db, FERRY_ENOTFOUND, "no entity '%s'; see "
			"'ferry entity list'", entity);
	/* A load that fails half-way leaves no fields behind. */
	if ((error = ferry_store__fields_load(db, entity, out)) == 0)
		error = ferry__parse_types(db, entity, out);
	if (error < 0)
		ferry_fieldset_dispose(out);
	return error;
}

/* The fields an import declares or leaves the target with, typed. */
int ferry__import_fields(ferry_db *db, int64_t id, ferry_scope scope,
	const char *entity, ferry_fieldset *out)
{
	int error;

	if ((error = ferry_store__import_fields_load(db, id, scope, entity,
	    out)) == 0)
		error = ferry__parse_types(db, entity, out);
	if (error < 0)
		ferry_fieldset_dispose(out);
	return error;
}

/* ---- entities ----------------------------------------------------------- */

static int check_new_name(ferry_db *db, const char *what, const char *name)
{
	if (!ferry_ident_valid(name))
		return ferry__error(db, FERRY_EINVALID, "invalid %s name '%s': "
			"use lowercase letters, digits and '_', starting with a "
			"letter, at most %d characters", what, name ? name : "",
			FERRY_IDENT_MAX);
	if (ferry__entity_name_reserved(name))
		return ferry__error(db, FERRY_EINVALID, "%s name '%s' is "
			"reserved (ferry's system entities, and names starting "
			"with ferry_ or sqlite_); choose another name", what,
			name);
	return 0;
}

static int set_text_value(ferry_value *v, const char *text)
{
	memset(v, 0, sizeof(*v));
	if (!text)
		return 0;
	v->kind = FERRY_V_TEXT;
	v->len = strlen(text);
	return (v->s = ferry__strdup(text)) ? 0 : -1;
}

static int check_label(ferry_db *db, const char *what, const char *text,
	size_t max)
{
	if (text && (!ferry_utf8_valid(text, strlen(text)) ||
	    ferry_utf8_length(text, strlen(text)) > max))
		return ferry__error(db, FERRY_EINVALID, "%s must be UTF-8 text "
			"of at most %zu characters", what, max);
	return 0;
}

int ferry__entity_create(ferry_db *db, const char *name,
	const char *display, const char *description,
	const ferry_write_opts *o)
{
	ferry_fieldset fs = { NULL, 0 };
	ferry_value values[3];
	char sys_id[37];
	int error;

	memset(values, 0, sizeof(values));
	if ((error = check_new_name(db, "entity", name)) < 0 ||
	    (error = check_label(db, "a display name", display, 200)) < 0 ||
	    (error = check_label(db, "a description", description,
	    1000000)) < 0)
		goto done;
	if ((error = ferry_store__entity_exists(db, name)) != 0) {
		if (error > 0)
			error = ferry__error(db, FERRY_EEXISTS, "entity '%s' "
				"already exists; see 'ferry entity show %s'",
				name, name);
		goto done;
	}
	if ((error = ferry__fields(db, "sys_entity", &fs)) < 0)
		goto done;
	/* fields: description, display, name */
	if (set_text_value(&values[0], description) < 0 ||
	    set_text_value(&values[1], display) < 0 ||
	    set_text_value(&values[2], name) < 0) {
		error = ferry__oom(db);
		goto done;
	}
	ferry_uuid_new(sys_id);
	if ((error = ferry__record_write(db, "sys_entity", &fs, sys_id,
	    FERRY_ACTION_INSERT, values, NULL, o, NULL)) < 0)
		goto done;
	error = ferry_store__table_create(db, name);
done:
	ferry_value_dispose(&values[0]);
	ferry_value_dispose(&values[1]);
	ferry_value_dispose(&values[2]);
	ferry_fieldset_dispose(&fs);
	return error;
}

int ferry_entity_create(ferry_db *db, const char *name, const char *display,
	const char *description)
{
	ferry_write_opts o = FERRY_WRITE_LOCAL;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "change the catalog")) == 0)
		error = ferry__entity_create(db, name, display, description,
			&o);
	return ferry_store__end(db, error);
}

static int entity_item(const ferry_entity_entry *e, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_str(doc, "name", e->name);
	ferry_json_str(doc, "display", e->display);
	ferry_json_str(doc, "description", e->description);
	ferry_json_int(doc, "fields", e->fields);
	ferry_json_close(doc, '}');
	return 0;
}

/* [{name, display, description, fields}] by name. */
static int entity_list_doc(ferry_db *db, ferry_str *doc)
{
	int error;

	ferry_json_open(doc, NULL, '[');
	error = ferry_store__entity_each(db, NULL, entity_item, doc);
	ferry_json_close(doc, ']');
	return error;
}

int ferry_entity_list(ferry_buf *out, ferry_db *db)
{
	return ferry__document(db, out, entity_list_doc);
}

/* The head of the definition document: it stays open for the fields. */
static int entity_head(const ferry_entity_entry *e, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_str(doc, "name", e->name);
	ferry_json_str(doc, "display", e->display);
	ferry_json_str(doc, "description", e->description);
	return 0;
}

int ferry__entity_doc(ferry_db *db, const char *entity, ferry_str *doc)
{
	ferry_fieldset fs = { NULL, 0 };
	size_t i;
	int error;

	if ((error = ferry_store__entity_each(db, entity, entity_head,
	    doc)) < 0 ||
	    (error = ferry_store__fields_load(db, entity, &fs)) < 0)
		goto done;
	ferry_json_open(doc, "fields", '[');
	for (i = 0; i < fs.n; i++) {
		const ferry_field *f = &fs.fields[i];

		ferry_json_open(doc, NULL, '{');
		ferry_json_str(doc, "name", f->name);
		ferry_json_str(doc, "type", f->type_text);
		ferry_json_str(doc, "display", f->display);
		ferry_json_str(doc, "description", f->description);
		ferry_json_raw(doc, "default", f->default_value,
			f->default_value ? strlen(f->default_value) : 0);
		ferry_json_str(doc, "external_name", f->external_name);
		ferry_json_close(doc, '}');
	}
	ferry_json_close(doc, ']');
	ferry_json_close(doc, '}');
	if (ferry_str_failed(doc))
		error = ferry__oom(db);
done:
	ferry_fieldset_dispose(&fs);
	return error;
}

int ferry_entity_show(ferry_buf *out, ferry_db *db, const char *name)
{
	ferry_str json = FERRY_STR_INIT;
	int error;

	FERRY_CHECK_DB(db);
	/* One snapshot for the entity and its fields. */
	if ((error = ferry_store__begin_read(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0)
		goto done;
	error = ferry__entity_doc(db, name, &json);
	if (error == FERRY_ENOTFOUND)
		error = ferry__error(db, error, "no entity '%s'; see 'ferry "
			"entity list'", name);
done:
	if ((error = ferry_store__end(db, error)) == 0)
		return ferry__buf_take(db, out, &json);
	ferry_str_dispose(&json);
	return error;
}
