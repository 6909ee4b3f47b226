/*
 * external.c - where a field's external name is looked up for showing:
 * the name a field has in the system it came from when ferry's differs
 * (ServiceNow's sys_policy is field ext_sys_policy; Aptify's OwnerID is
 * ownerid).  The name itself is a catalog fact (sys_field's
 * external_name, checked in field.c, merged in schema_merge.c); this
 * file answers "which external names do the fields of this entity have"
 * for an import's diff, from the package's declared schema and the
 * target's catalog.  docs/interop.md.
 */
#include "imports.h"

#include "store/store.h"

#include <string.h>

typedef struct {
	const char *entity;
	json_t *names;
	int error;
} declared_state;

/* The declared schema item of the entity: its fields' external names. */
static int declared_names(const ferry_import_item *it, void *payload)
{
	declared_state *s = payload;
	json_t *doc, *f;
	size_t i;

	if (!it->entity || strcmp(it->entity, s->entity) != 0 || !it->body)
		return 0;
	if ((doc = json_loadb(it->body, it->body_len, 0, NULL)) == NULL)
		return 0;
	json_array_foreach(json_object_get(json_object_get(doc,
	    "definition"), "fields"), i, f) {
		const char *name = json_string_value(json_object_get(f,
			"name"));
		json_t *ext = json_object_get(f, "external_name");

		if (name && json_is_string(ext) && json_object_set(s->names,
		    name, ext) < 0)
			s->error = -1;
	}
	json_decref(doc);
	return 0;
}

int ferry__external_names(ferry_db *db, int64_t import_id,
	const char *entity, json_t **out)
{
	ferry_fieldset fs = { NULL, 0 };
	declared_state s;
	size_t i;
	int error = 0, exists;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	s.entity = entity;
	if ((s.names = json_object()) == NULL)
		return ferry__oom(db);
	if (!entity || ferry__is_system_entity(entity))
		goto done;
	if ((exists = ferry_store__entity_exists(db, entity)) < 0) {
		error = exists;
		goto done;
	}
	if (exists && (error = ferry__fields(db, entity, &fs)) < 0)
		goto done;
	for (i = 0; i < fs.n; i++)
		if (fs.fields[i].external_name && json_object_set_new(s.names,
		    fs.fields[i].name, json_string(
		    fs.fields[i].external_name)) < 0)
			s.error = -1;
	/* The package's declared schema says what its fields stand for
	 * (a collision with the target's is refused by the merge rules). */
	if (import_id && (error = ferry_store__import_items_each(db,
	    import_id, "schema", entity, declared_names, &s)) < 0)
		goto done;
	if (s.error)
		error = ferry__oom(db);
done:
	ferry_fieldset_dispose(&fs);
	if (error)
		json_decref(s.names);
	else
		*out = s.names;
	return error;
}
