/*
 * field.c - adding, changing and dropping the fields of an entity.
 *
 * Each is a sys_field record change (versioned and captured) plus the
 * matching DDL on the entity's table, in one transaction.
 */
#include "records.h"

#include "alloc.h"
#include "store/store.h"
#include "text.h"

#include <string.h>

/* sys_field's fields, in name order (see catalog.c). */
enum { F_DEFAULT, F_DESCRIPTION, F_DISPLAY, F_ENTITY, F_EXTERNAL, F_NAME,
	F_TYPE, F_COUNT };

static int set_text(ferry_value *v, const char *text)
{
	ferry_value_dispose(v);
	if (!text)
		return 0;
	v->kind = FERRY_V_TEXT;
	v->len = strlen(text);
	return (v->s = ferry__strdup(text)) ? 0 : -1;
}

/* Only a user entity's fields are changed here. */
static int user_entity(ferry_db *db, const char *entity, ferry_fieldset *fs)
{
	if (!entity || ferry__is_system_entity(entity))
		return ferry__error(db, FERRY_EINVALID, "the fields of system "
			"entity '%s' cannot be changed", entity ? entity : "");
	return ferry__fields(db, entity, fs);
}

static int check_field_name(ferry_db *db, const char *name)
{
	if (!ferry_ident_valid(name))
		return ferry__error(db, FERRY_EINVALID, "invalid field name "
			"'%s': use lowercase letters, digits and '_', starting "
			"with a letter, at most %d characters", name ? name : "",
			FERRY_IDENT_MAX);
	if (ferry__field_name_reserved(name)) {
		ferry_str cols = FERRY_STR_INIT;
		size_t i;
		int error;

		for (i = 0; ferry__system_columns[i]; i++)
			ferry_str_printf(&cols, "%s%s", i ? ", " : "",
				ferry__system_columns[i]);
		error = ferry_str_failed(&cols) ? ferry__oom(db) :
			ferry__error(db, FERRY_EINVALID, "field name '%s' is "
			"a system column's (%s); choose another name", name,
			cols.ptr);
		ferry_str_dispose(&cols);
		return error;
	}
	return 0;
}

int ferry__external_name_check(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *field, const char *external)
{
	size_t i, len;

	if (!external)
		return 0;
	len = strlen(external);
	if (!ferry_utf8_valid(external, len) || len == 0 ||
	    ferry_utf8_length(external, len) > 200 ||
	    strcspn(external, "\t\n\r") != len || !strcmp(external, field))
		return ferry__error(db, FERRY_EINVALID, "external name '%s' of "
			"field %s.%s: an external name is UTF-8 text of 1 to "
			"200 characters on one line, and differs from the "
			"field's own name", external, entity, field);
	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->fields[i].name, field) != 0 &&
		    fs->fields[i].external_name &&
		    !strcmp(fs->fields[i].external_name, external))
			return ferry__error(db, FERRY_ECONFLICT, "%s.%s and "
				"%s.%s would both stand for the external name "
				"'%s'; an external name maps to one field",
				entity, fs->fields[i].name, entity, field,
				external);
	return 0;
}

static int parse_type(ferry_db *db, const char *entity, const char *text,
	ferry_field *f)
{
	ferry_str err = FERRY_STR_INIT;
	int error = 0;

	if (!text || ferry_type__parse(&f->type, text, &err) < 0) {
		error = ferry__error(db, FERRY_EINVALID, "%s", text ?
			ferry_str_cstr(&err) : "a field needs a type");
		goto done;
	}
	ferry_type__format(f->type_text, &f->type);
	if (f->type.base == FERRY_T_REF && strcmp(f->type.ref, entity) != 0) {
		if ((error = ferry_store__entity_exists(db, f->type.ref)) < 0)
			goto done;
		if (error == 0) {
			error = ferry__error(db, FERRY_ENOTFOUND, "%s refers to "
				"entity '%s', which does not exist; create it "
				"first", f->type_text, f->type.ref);
			goto done;
		}
		error = 0;
	}
done:
	ferry_str_dispose(&err);
	return error;
}

/*
 * A default as typed on a command line: JSON when it reads as a value of
 * the field's type, else (for text types) the text itself.  Stored as the
 * canonical JSON of the converted value.
 */
static int convert_default(ferry_db *db, const ferry_field *f,
	const char *text, ferry_str *out)
{
	ferry_str err = FERRY_STR_INIT;
	ferry_value v = { FERRY_V_NULL, 0, NULL, 0 };
	json_t *j;
	int error = 0;

	j = json_loads(text, JSON_DECODE_ANY, NULL);
	if (!j || ferry_type__convert(&v, f, j, &err) < 0) {
		json_decref(j);
		ferry_value_dispose(&v);
		ferry_str_clear(&err);
		j = json_string(text);
		if (!j || ferry_type__convert(&v, f, j, &err) < 0) {
			error = ferry__error(db, FERRY_EINVALID, "default value "
				"'%s' does not fit field %s: %s", text, f->name,
				ferry_str_cstr(&err));
			goto done;
		}
	}
	ferry_type__canonical(out, f, &v);
	if (ferry_str_failed(out))
		error = ferry__oom(db);
done:
	json_decref(j);
	ferry_value_dispose(&v);
	ferry_str_dispose(&err);
	return error;
}

static void values_clear(ferry_value *values)
{
	size_t i;

	for (i = 0; i < F_COUNT; i++)
		ferry_value_dispose(&values[i]);
}

int ferry__field_add(ferry_db *db, const char *entity, const char *field,
	const char *type, const char *display, const char *description,
	const char *default_value, const char *external_name,
	const ferry_write_opts *o)
{
	ferry_fieldset fs = { NULL, 0 }, sysfs = { NULL, 0 };
	ferry_value values[F_COUNT];
	ferry_str def = FERRY_STR_INIT;
	ferry_field f;
	char sys_id[37];
	int error;

	memset(values, 0, sizeof(values));
	memset(&f, 0, sizeof(f));
	if ((error = user_entity(db, entity, &fs)) < 0 ||
	    (error = check_field_name(db, field)) < 0 ||
	    (error = ferry__external_name_check(db, entity, &fs, field,
	    external_name)) < 0)
		goto done;
	if (ferry_fieldset_find(&fs, field) >= 0) {
		error = ferry__error(db, FERRY_EEXISTS, "entity '%s' already "
			"has a field '%s'; change it with 'ferry field set'",
			entity, field);
		goto done;
	}
	snprintf(f.name, sizeof(f.name), "%s", field);
	if ((error = parse_type(db, entity, type, &f)) < 0)
		goto done;
	if (default_value && (error = convert_default(db, &f, default_value,
	    &def)) < 0)
		goto done;
	if ((display && (!ferry_utf8_valid(display, strlen(display)) ||
	    ferry_utf8_length(display, strlen(display)) > 200)) ||
	    (description && !ferry_utf8_valid(description,
	    strlen(description)))) {
		error = ferry__error(db, FERRY_EINVALID, "display names are "
			"UTF-8 text of at most 200 characters; descriptions "
			"UTF-8 text");
		goto done;
	}
	if ((error = ferry__fields(db, "sys_field", &sysfs)) < 0)
		goto done;
	if (set_text(&values[F_DEFAULT], default_value ? def.ptr : NULL) < 0 ||
	    set_text(&values[F_DESCRIPTION], description) < 0 ||
	    set_text(&values[F_DISPLAY], display) < 0 ||
	    set_text(&values[F_ENTITY], entity) < 0 ||
	    set_text(&values[F_EXTERNAL], external_name) < 0 ||
	    set_text(&values[F_NAME], field) < 0 ||
	    set_text(&values[F_TYPE], f.type_text) < 0) {
		error = ferry__oom(db);
		goto done;
	}
	ferry_uuid_new(sys_id);
	if ((error = ferry__record_write(db, "sys_field", &sysfs, sys_id,
	    FERRY_ACTION_INSERT, values, NULL, o, NULL)) < 0)
		goto done;
	error = ferry_store__column_add(db, entity, &f);
done:
	values_clear(values);
	ferry_str_dispose(&def);
	ferry_fieldset_dispose(&fs);
	ferry_fieldset_dispose(&sysfs);
	return error;
}

int ferry_field_add(ferry_db *db, const char *entity, const char *field,
	const char *type, const char *display, const char *description,
	const char *default_value)
{
	ferry_write_opts o = FERRY_WRITE_LOCAL;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "change the catalog")) == 0)
		error = ferry__field_add(db, entity, field, type, display,
			description, default_value, NULL, &o);
	return ferry_store__end(db, error);
}

/* Find the sys_field record of entity.field, with a clear error. */
static int field_record(ferry_db *db, const char *entity, const char *field,
	const ferry_fieldset *fs, ferry_str *sys_id)
{
	int error;

	if (ferry_fieldset_find(fs, field) < 0)
		return ferry__error(db, FERRY_ENOTFOUND, "entity '%s' has no "
			"field '%s'; see 'ferry entity show %s'", entity,
			field ? field : "", entity);
	error = ferry_store__catalog_sys_id(db, entity, field, sys_id);
	if (error == FERRY_ENOTFOUND)
		error = ferry__error(db, FERRY_EFORMAT, "the catalog is "
			"damaged: field %s.%s has no sys_field record", entity,
			field);
	return error;
}

int ferry__field_set(ferry_db *db, const char *entity, const char *field,
	const char *type, const char *display, const char *description,
	const char *default_value, const ferry_write_opts *o)
{
	ferry_fieldset fs = { NULL, 0 }, sysfs = { NULL, 0 };
	ferry_value values[F_COUNT];
	int set[F_COUNT] = { 0 };
	ferry_str sys_id = FERRY_STR_INIT, def = FERRY_STR_INIT,
		bad = FERRY_STR_INIT;
	ferry_field f;
	int error, idx;

	memset(values, 0, sizeof(values));
	if ((error = user_entity(db, entity, &fs)) < 0 ||
	    (error = field_record(db, entity, field, &fs, &sys_id)) < 0 ||
	    (error = ferry__fields(db, "sys_field", &sysfs)) < 0 ||
	    (error = ferry_store__record_values(db, "sys_field", &sysfs,
	    sys_id.ptr, values)) < 0)
		goto done;
	idx = ferry_fieldset_find(&fs, field);
	f = fs.fields[idx];
	if (type) {
		if ((error = parse_type(db, entity, type, &f)) < 0)
			goto done;
		error = ferry_store__column_check(db, entity, &f,
			ferry_type__fits, &bad);
		if (error < 0)
			goto done;
		if (error == 0) {
			error = ferry__error(db, FERRY_ECONFLICT, "%s record %s "
				"holds a value that %s cannot hold; change the "
				"record first", entity, ferry_str_cstr(&bad),
				f.type_text);
			goto done;
		}
		error = 0;
		set[F_TYPE] = 1;
		if (set_text(&values[F_TYPE], f.type_text) < 0)
			goto nomem;
	}
	if (default_value) {
		if ((error = convert_default(db, &f, default_value, &def)) < 0)
			goto done;
		set[F_DEFAULT] = 1;
		if (set_text(&values[F_DEFAULT], def.ptr) < 0)
			goto nomem;
	}
	if (display) {
		set[F_DISPLAY] = 1;
		if (set_text(&values[F_DISPLAY], display) < 0)
			goto nomem;
	}
	if (description) {
		set[F_DESCRIPTION] = 1;
		if (set_text(&values[F_DESCRIPTION], description) < 0)
			goto nomem;
	}
	error = ferry__record_write(db, "sys_field", &sysfs, sys_id.ptr,
		FERRY_ACTION_UPDATE, values, set, o, NULL);
	goto done;
nomem:
	error = ferry__oom(db);
done:
	values_clear(values);
	ferry_str_dispose(&sys_id);
	ferry_str_dispose(&def);
	ferry_str_dispose(&bad);
	ferry_fieldset_dispose(&fs);
	ferry_fieldset_dispose(&sysfs);
	return error;
}

int ferry_field_set(ferry_db *db, const char *entity, const char *field,
	const char *type, const char *display, const char *description,
	const char *default_value)
{
	ferry_write_opts o = FERRY_WRITE_LOCAL;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "change the catalog")) == 0)
		error = ferry__field_set(db, entity, field, type, display,
			description, default_value, &o);
	return ferry_store__end(db, error);
}

int ferry_field_drop(ferry_db *db, const char *entity, const char *field)
{
	ferry_write_opts o = FERRY_WRITE_LOCAL;
	ferry_fieldset fs = { NULL, 0 }, sysfs = { NULL, 0 };
	ferry_str sys_id = FERRY_STR_INIT;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "change the catalog")) < 0 ||
	    (error = user_entity(db, entity, &fs)) < 0 ||
	    (error = field_record(db, entity, field, &fs, &sys_id)) < 0 ||
	    (error = ferry__fields(db, "sys_field", &sysfs)) < 0 ||
	    (error = ferry__record_write(db, "sys_field", &sysfs, sys_id.ptr,
	    FERRY_ACTION_DELETE, NULL, NULL, &o, NULL)) < 0)
		goto done;
	error = ferry_store__column_drop(db, entity, field);
done:
	ferry_str_dispose(&sys_id);
	ferry_fieldset_dispose(&fs);
	ferry_fieldset_dispose(&sysfs);
	return ferry_store__end(db, error);
}
