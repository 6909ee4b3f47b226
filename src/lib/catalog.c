/*
 * catalog.c - entities and fields: the built-in system entities, the
 * catalog calls, and the identity keys of catalog records.
 *
 * A catalog change is two things in one transaction: a record of
 * sys_entity or sys_field written through the ordinary write path (so it
 * is versioned and captured into the actor's pack) and the DDL on the
 * entity's table.
 */
#include "records.h"

#include "alloc.h"
#include "store/store.h"
#include "text.h"

#include <string.h>

typedef struct {
	const char *name;
	const char *type;
} builtin_field;

typedef struct {
	const char *entity;
	const builtin_field *fields;	/* sorted by name */
	int catalog;			/* changed only by catalog calls */
} builtin_entity;

static const builtin_field entity_fields[] = {
	{ "description", "text" },
	{ "display", "nvarchar(200)" },
	{ "name", "nvarchar(63)" },
	{ NULL, NULL }
};

static const builtin_field field_fields[] = {
	{ "default_value", "json" },
	{ "description", "text" },
	{ "display", "nvarchar(200)" },
	{ "entity", "nvarchar(63)" },
	{ "external_name", "nvarchar(200)" },
	{ "name", "nvarchar(63)" },
	{ "type", "nvarchar(96)" },
	{ NULL, NULL }
};

/* Associated objects: form templates, event handlers, process flows. */
static const builtin_field object_fields[] = {
	{ "definition", "json" },
	{ "entity", "nvarchar(63)" },
	{ "name", "nvarchar(200)" },
	{ NULL, NULL }
};

static const builtin_entity builtins[] = {
	{ "sys_entity", entity_fields, 1 },
	{ "sys_field", field_fields, 1 },
	{ "sys_form_template", object_fields, 0 },
	{ "sys_event_handler", object_fields, 0 },
	{ "sys_process_flow", object_fields, 0 },
};

#define BUILTINS (sizeof(builtins) / sizeof(builtins[0]))

static const builtin_entity *builtin(const char *entity)
{
	size_t i;

	for (i = 0; i < BUILTINS; i++)
		if (!strcmp(builtins[i].entity, entity))
			return &builtins[i];
	return NULL;
}

int ferry__is_system_entity(const char *entity)
{
	return builtin(entity) != NULL;
}

int ferry__is_catalog_entity(const char *entity)
{
	const builtin_entity *b = builtin(entity);

	return b && b->catalog;
}

int ferry__entity_name_reserved(const char *name)
{
	return ferry__is_system_entity(name) || !strncmp(name, "ferry_", 6) ||
		!strncmp(name, "sqlite_", 7);
}

int ferry__field_name_reserved(const char *name)
{
	static const char *const columns[] = { "sys_id", "sys_created_at",
		"sys_created_by", "sys_updated_at", "sys_updated_by",
		"sys_policy", "sys_vendor", "sys_version" };
	size_t i;

	for (i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		if (!strcmp(name, columns[i]))
			return 1;
	return 0;
}

int ferry__fields(ferry_db *db, const char *entity, ferry_fieldset *out)
{
	const builtin_entity *b = builtin(entity);
	ferry_str err = FERRY_STR_INIT;
	const builtin_field *bf;
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
				return ferry__error(db, FERRY_ENOMEM,
					"out of memory");
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
	return ferry_store__fields_load(db, entity, out);
}

static const char *value_text(const ferry_fieldset *fs,
	const ferry_value *values, const char *field)
{
	int i = ferry_fieldset_find(fs, field);

	if (i < 0 || values[i].kind != FERRY_V_TEXT)
		return "";
	return values[i].s;
}

int ferry__record_key(ferry_str *out, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values,
	const char *sys_id)
{
	if (!strcmp(entity, "sys_entity")) {
		ferry_str_puts(out, value_text(fs, values, "name"));
	} else if (!strcmp(entity, "sys_field")) {
		ferry_str_puts(out, value_text(fs, values, "entity"));
		ferry_str_putc(out, '.');
		ferry_str_puts(out, value_text(fs, values, "name"));
	} else if (builtin(entity)) {
		ferry_str_puts(out, value_text(fs, values, "entity"));
		ferry_str_putc(out, ':');
		ferry_str_puts(out, value_text(fs, values, "name"));
	} else {
		ferry_str_puts(out, sys_id);
	}
	return 0;
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
		error = ferry__error(db, FERRY_ENOMEM, "out of memory");
		goto done;
	}
	ferry_uuid_new(sys_id);
	if ((error = ferry__record_write(db, "sys_entity", &fs, sys_id,
	    "insert", values, NULL, o, NULL)) < 0)
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

int ferry_entity_list(ferry_buf *out, ferry_db *db)
{
	return ferry__document(db, out, ferry_store__entity_list);
}

int ferry_entity_show(ferry_buf *out, ferry_db *db, const char *name)
{
	ferry_str json = FERRY_STR_INIT;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__actor(db)) < 0)
		goto done;
	error = ferry_store__entity_show(db, name, &json);
	if (error == FERRY_ENOTFOUND)
		error = ferry__error(db, error, "no entity '%s'; see 'ferry "
			"entity list'", name);
	if (error == 0)
		return ferry__buf_take(db, out, &json);
done:
	ferry_str_dispose(&json);
	return error;
}
