/*
 * cmpack_import.c - `ferry import load DIR.cmpack`: an Aptify pack
 * folder, read by cmpack.c exactly as `entity unpack` reads it, becomes
 * the items of a package that import_load.c stages like an update set's, so
 * preview, resolve, commit and back out work unchanged.  Per entity, in
 * the pack's order: its sys_entity record, one sys_field record per
 * field (its type, labels, default and the Aptify name as its external
 * name) and the records of its event handlers, process flows and form
 * templates.  A pack carries schema and objects, never records of the
 * entities themselves.
 *
 * Payloads are converted through the catalog's own fields
 * (ferry__record_convert, ferry_type__payload), so an item's version is
 * the one the write path computes when it is committed.  The pack has no
 * base versions: update-set mode (docs/interop.md), so a record is
 * overwritten unless the target changed it since it last arrived, and
 * existing fields follow the seed-002 merge rules.
 */
#include "updateset.h"

#include "alloc.h"
#include "entitypacks.h"
#include "records.h"

#include <string.h>

/* One record item of a system entity, from its values as JSON. */
static int catalog_item(ferry_db *db, const char *entity, const char *key,
	json_t *obj, ferry_updateset *out)
{
	ferry_fieldset fs = { NULL, 0 };
	ferry_value *values = NULL;
	ferry_str line = FERRY_STR_INIT, payload = FERRY_STR_INIT,
		idkey = FERRY_STR_INIT;
	int *set = NULL, error;
	char id[37];

	if ((error = ferry__fields(db, entity, &fs)) < 0)
		goto done;
	if ((values = ferry__calloc(fs.n, sizeof(*values))) == NULL ||
	    (set = ferry__calloc(fs.n, sizeof(*set))) == NULL) {
		error = ferry__oom(db);
		goto done;
	}
	if ((error = ferry__record_convert(db, entity, &fs, obj, values,
	    set)) < 0)
		goto done;
	ferry_type__payload(&payload, &fs, values);
	ferry_str_printf(&idkey, "%s %s", entity, key);
	ferry__updateset_catalog_id(id, ferry_str_cstr(&idkey));
	ferry__updateset_record_item(&line, entity, id, key, "insert",
		payload.ptr, payload.size);
	if (ferry_str_failed(&payload) || ferry_str_failed(&idkey) ||
	    ferry__updateset_add_line(out, &line) < 0)
		error = ferry__oom(db);
done:
	if (values)
		ferry_values_dispose(values, fs.n);
	ferry__free(set);
	ferry_fieldset_dispose(&fs);
	ferry_str_dispose(&line);
	ferry_str_dispose(&payload);
	ferry_str_dispose(&idkey);
	return error;
}

/* A JSON string member, or nothing for NULL. */
static int set_text(json_t *obj, const char *key, const char *text)
{
	return text ? json_object_set_new(obj, key, json_string(text)) : 0;
}

static int entity_items(ferry_db *db, const ferry_entitypack_file *p,
	ferry_updateset *out)
{
	ferry_str key = FERRY_STR_INIT;
	json_t *obj;
	size_t i;
	int error = 0;

	obj = json_object();
	if (!obj || set_text(obj, "name", p->entity) < 0 ||
	    set_text(obj, "display", p->display) < 0 ||
	    set_text(obj, "description", p->description) < 0)
		error = ferry__oom(db);
	else
		error = catalog_item(db, "sys_entity", p->entity, obj, out);
	json_decref(obj);
	for (i = 0; i < p->nfields && !error; i++) {
		const ferry_packed_field *f = &p->fields[i];
		json_t *dv = NULL;

		obj = json_object();
		if (f->default_value)
			dv = json_loads(f->default_value, JSON_DECODE_ANY,
				NULL);
		ferry_str_clear(&key);
		ferry_str_printf(&key, "%s.%s", p->entity, f->name);
		if (!obj || (f->default_value && !dv) ||
		    set_text(obj, "entity", p->entity) < 0 ||
		    set_text(obj, "name", f->name) < 0 ||
		    set_text(obj, "type", f->type) < 0 ||
		    set_text(obj, "display", f->display) < 0 ||
		    set_text(obj, "description", f->description) < 0 ||
		    set_text(obj, "external_name", f->external_name) < 0 ||
		    (dv && json_object_set(obj, "default_value", dv) < 0) ||
		    ferry_str_failed(&key))
			error = ferry__oom(db);
		else
			error = catalog_item(db, "sys_field", key.ptr, obj,
				out);
		json_decref(dv);
		json_decref(obj);
	}
	for (i = 0; i < p->nobjects && !error; i++) {
		const ferry_packed_object *o = &p->objects[i];

		obj = json_pack("{s:s, s:s, s:O}", "entity", p->entity,
			"name", o->name, "definition", o->definition);
		ferry_str_clear(&key);
		ferry_str_printf(&key, "%s:%s", p->entity, o->name);
		if (!obj || ferry_str_failed(&key))
			error = ferry__oom(db);
		else
			error = catalog_item(db, o->table, key.ptr, obj, out);
		json_decref(obj);
	}
	ferry_str_dispose(&key);
	return error;
}

/* The pack's name: the folder's last component ("pets.cmpack"). */
static void pack_name(ferry_str *out, const char *dir)
{
	size_t len = strlen(dir);
	const char *base;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	for (base = dir + len; base > dir && base[-1] != '/'; base--)
		;
	ferry_str_put(out, base, (size_t)(dir + len - base));
}

/* The header: kind, update-set mode, and the pack named after its
 * folder, its id a UUID from that name (so a later copy of the same
 * pack is the same pack to `import list`). */
static int build_header(ferry_db *db, const char *dir, ferry_updateset *out)
{
	ferry_str name = FERRY_STR_INIT, key = FERRY_STR_INIT;
	int error = 0;

	pack_name(&name, dir);
	ferry_str_printf(&key, "aptify-cmpack %s", ferry_str_cstr(&name));
	if (ferry_str_failed(&name) || ferry_str_failed(&key)) {
		error = ferry__oom(db);
		goto done;
	}
	if (!ferry__pack_name_ok(name.ptr)) {
		error = ferry__error(db, FERRY_EFORMAT, "%s: an Aptify pack's "
			"folder name is its name, 1 to 200 printable "
			"characters; rename the folder", dir);
		goto done;
	}
	ferry__updateset_catalog_id(out->pack_uid, key.ptr);
	out->header = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:n}}",
		"format", "aptify-cmpack", "kind", FERRY_CMPACK_KIND, "mode",
		"update_set", "pack", "id", out->pack_uid, "name", name.ptr,
		"description");
	if (!out->header)
		error = ferry__oom(db);
done:
	ferry_str_dispose(&name);
	ferry_str_dispose(&key);
	return error;
}

int ferry__cmpack_items(ferry_db *db, const char *dir, ferry_updateset *out)
{
	ferry_entitypack_file *packs = NULL;
	size_t n = 0, i;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = ferry__cmpack_read(db, dir, &packs, &n)) < 0)
		return error;
	if (n == 0)
		error = ferry__error(db, FERRY_EFORMAT, "%s: the Aptify pack "
			"holds no entity (Entities/*.apt); nothing to import",
			dir);
	if (!error)
		error = build_header(db, dir, out);
	for (i = 0; i < n && !error; i++)
		error = entity_items(db, &packs[i], out);
	for (i = 0; i < n; i++)
		ferry_entitypack__file_dispose(&packs[i]);
	ferry__free(packs);
	if (error)
		ferry__updateset_dispose(out);
	return error;
}
