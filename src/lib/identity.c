/*
 * identity.c - the system entities, the system columns and the identity
 * key (identity.h): the one table every list of them is derived from.
 */
#include "identity.h"

#include "text.h"

#include <jansson.h>

#include <stdio.h>
#include <string.h>

static const ferry_system_field entity_fields[] = {
	{ "description", "text" },
	{ "display", "nvarchar(200)" },
	{ "name", "nvarchar(63)" },
	{ NULL, NULL }
};

static const ferry_system_field field_fields[] = {
	{ "default_value", "json" },
	{ "description", "text" },
	{ "display", "nvarchar(200)" },
	{ "entity", "nvarchar(63)" },
	{ "external_name", "nvarchar(200)" },
	{ "name", "nvarchar(63)" },
	{ "type", "nvarchar(96)" },
	{ NULL, NULL }
};

/* Associated objects: event handlers, form templates, process flows. */
static const ferry_system_field object_fields[] = {
	{ "definition", "json" },
	{ "entity", "nvarchar(63)" },
	{ "name", "nvarchar(200)" },
	{ NULL, NULL }
};

/* In byte order of names: entity packs list the objects in this order. */
static const ferry_system_entity systems[] = {
	{ "sys_entity", entity_fields, FERRY_SYSTEM_CATALOG },
	{ "sys_event_handler", object_fields, FERRY_SYSTEM_OBJECT },
	{ "sys_field", field_fields, FERRY_SYSTEM_CATALOG },
	{ "sys_form_template", object_fields, FERRY_SYSTEM_OBJECT },
	{ "sys_process_flow", object_fields, FERRY_SYSTEM_OBJECT },
};

#define SYSTEMS (sizeof(systems) / sizeof(systems[0]))

const char *const ferry__system_columns[] = {
	"sys_id", "sys_created_at", "sys_created_by", "sys_updated_at",
	"sys_updated_by", "sys_policy", "sys_vendor", "sys_version", NULL
};

const ferry_system_entity *ferry__system_entity_at(size_t i)
{
	return i < SYSTEMS ? &systems[i] : NULL;
}

const ferry_system_entity *ferry__system_entity(const char *entity)
{
	size_t i;

	for (i = 0; entity && i < SYSTEMS; i++)
		if (!strcmp(systems[i].entity, entity))
			return &systems[i];
	return NULL;
}

int ferry__is_system_entity(const char *entity)
{
	return ferry__system_entity(entity) != NULL;
}

int ferry__is_catalog_entity(const char *entity)
{
	const ferry_system_entity *s = ferry__system_entity(entity);

	return s && s->kind == FERRY_SYSTEM_CATALOG;
}

const char *ferry__object_entity(const char *name)
{
	const ferry_system_entity *s = ferry__system_entity(name);

	return s && s->kind == FERRY_SYSTEM_OBJECT ? s->entity : NULL;
}

int ferry__entity_name_reserved(const char *name)
{
	return ferry__is_system_entity(name) || !strncmp(name, "ferry_", 6) ||
		!strncmp(name, "sqlite_", 7);
}

int ferry__field_name_reserved(const char *name)
{
	size_t i;

	for (i = 0; ferry__system_columns[i]; i++)
		if (!strcmp(name, ferry__system_columns[i]))
			return 1;
	return 0;
}

static const char *value_text(const ferry_fieldset *fs,
	const ferry_value *values, const char *field)
{
	int i = ferry_fieldset_find(fs, field);

	if (i < 0 || values[i].kind != FERRY_V_TEXT)
		return "";
	return values[i].s;
}

void ferry__field_key(ferry_str *out, const char *entity,
	const char *field)
{
	ferry_str_puts(out, entity);
	ferry_str_putc(out, '.');
	ferry_str_puts(out, field);
}

void ferry__object_key(ferry_str *out, const char *entity,
	const char *name)
{
	ferry_str_puts(out, entity);
	ferry_str_putc(out, ':');
	ferry_str_puts(out, name);
}

void ferry__record_key(ferry_str *out, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values,
	const char *sys_id)
{
	const ferry_system_entity *s = ferry__system_entity(entity);

	if (!s)
		ferry_str_puts(out, sys_id);
	else if (!strcmp(entity, "sys_entity"))
		ferry_str_puts(out, value_text(fs, values, "name"));
	else if (!strcmp(entity, "sys_field"))
		ferry__field_key(out, value_text(fs, values, "entity"),
			value_text(fs, values, "name"));
	else
		ferry__object_key(out, value_text(fs, values, "entity"),
			value_text(fs, values, "name"));
}

const char *ferry__payload_key(ferry_str *buf, const char *entity,
	const char *sys_id, const char *payload, size_t len)
{
	const ferry_system_entity *s = ferry__system_entity(entity);
	json_t *obj;
	const char *name, *owner;
	int made = 0;

	if (!s)
		return sys_id;
	if (!(obj = json_loadb(payload, len, 0, NULL)))
		return NULL;
	name = json_string_value(json_object_get(obj, "name"));
	owner = json_string_value(json_object_get(obj, "entity"));
	if (!strcmp(entity, "sys_entity")) {
		if (name) {
			ferry_str_puts(buf, name);
			made = 1;
		}
	} else if (name && owner) {
		if (s->kind == FERRY_SYSTEM_CATALOG)
			ferry__field_key(buf, owner, name);
		else
			ferry__object_key(buf, owner, name);
		made = 1;
	}
	json_decref(obj);
	return made && !ferry_str_failed(buf) ? ferry_str_cstr(buf) : NULL;
}

int ferry__updateset_field_name(char out[FERRY_NAME_MAX], const char *name)
{
	if (!ferry_ident_valid(name))
		return -1;
	if (!ferry__field_name_reserved(name) || !strcmp(name, "sys_id")) {
		snprintf(out, FERRY_NAME_MAX, "%s", name);
		return 0;
	}
	if (strlen(name) + strlen(FERRY_UPDATESET_RENAME) > FERRY_IDENT_MAX)
		return -1;
	snprintf(out, FERRY_NAME_MAX, FERRY_UPDATESET_RENAME "%s", name);
	return 0;
}
