/*
 * pack.c - local packs: create, use, list, show, add, complete, reopen.
 * Capturing changes happens in version.c; exporting in export.c.
 */
#include "records.h"

#include "alloc.h"
#include "jsonw.h"
#include "store/store.h"
#include "text.h"

#include <string.h>
#include <strings.h>

#define PACK_NAME_MAX 200

int ferry__pack_name_ok(const char *name)
{
	size_t i, len = name ? strlen(name) : 0;

	if (len == 0 || len > PACK_NAME_MAX || !ferry_utf8_valid(name, len))
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return 0;
	return 1;
}

static int check_pack_name(ferry_db *db, const char *name)
{
	if (ferry__pack_name_ok(name))
		return 0;
	return ferry__error(db, FERRY_EINVALID, "invalid pack name: use 1 to "
		"%d printable characters", PACK_NAME_MAX);
}

/* Look a pack up by name, with the error a user should see. */
static int find_pack(ferry_db *db, const char *name, ferry_pack_row *out)
{
	int error = ferry_store__pack_get(db, name ? name : "", out);

	if (error == FERRY_ENOTFOUND)
		return ferry__error(db, error, "no pack named '%s'; see 'ferry "
			"pack list'", name ? name : "");
	return error;
}

int ferry_pack_create(ferry_db *db, const char *name,
	const char *description, int use)
{
	ferry_pack_row row;
	char uid[37], now[FERRY_ISO_LEN];
	int64_t id;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = check_pack_name(db, name)) < 0)
		goto done;
	if (description && !ferry_utf8_valid(description,
	    strlen(description))) {
		error = ferry__error(db, FERRY_EINVALID, "a description must "
			"be UTF-8 text");
		goto done;
	}
	error = ferry_store__pack_get(db, name, &row);
	if (error == 0) {
		error = ferry__error(db, FERRY_EEXISTS, "a pack named '%s' "
			"already exists; choose another name", name);
		goto done;
	}
	if (error != FERRY_ENOTFOUND)
		goto done;
	ferry_uuid_new(uid);
	ferry__now_iso(db, now);
	if ((error = ferry_store__pack_insert(db, uid, name, description, 0,
	    db->user, now, &id)) < 0)
		goto done;
	if (use && (error = ferry_store__user_set_pack(db, db->user, id)) == 0)
		db->user_pack = id;
done:
	return ferry_store__end(db, error);
}

int ferry_pack_use(ferry_db *db, const char *name)
{
	ferry_pack_row row;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = find_pack(db, name, &row)) < 0)
		goto done;
	if (row.state == FERRY_PACK_COMPLETED) {
		error = ferry__error(db, FERRY_ESTATE, "pack '%s' is completed "
			"and cannot capture changes; reopen it first ('ferry "
			"pack reopen %s') or use another pack", name, name);
		goto done;
	}
	if ((error = ferry_store__user_set_pack(db, db->user, row.id)) == 0)
		db->user_pack = row.id;
done:
	return ferry_store__end(db, error);
}

int ferry_pack_current(ferry_buf *out, ferry_db *db)
{
	ferry_pack_row row;
	ferry_str json = FERRY_STR_INIT;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__actor(db)) < 0 ||
	    (error = ferry_store__pack_get_id(db, db->user_pack, &row)) < 0)
		return error;
	ferry_str_puts(&json, "{\"user\":");
	ferry_str_puts_json(&json, db->user);
	ferry_str_puts(&json, ",\"name\":");
	ferry_str_puts_json(&json, row.name);
	ferry_str_puts(&json, ",\"state\":");
	ferry_str_puts_json(&json, ferry_pack_state_name(row.state));
	ferry_str_putc(&json, '}');
	return ferry__buf_take(db, out, &json);
}

static int pack_item(const ferry_pack_entry *p, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_str(doc, "name", p->name);
	ferry_json_str(doc, "state", p->state);
	ferry_json_bool(doc, "default", p->is_default);
	ferry_json_int(doc, "records", p->records);
	ferry_json_int(doc, "definitions", p->definitions);
	ferry_json_int(doc, "out_of_date", p->out_of_date);
	ferry_json_str(doc, "description", p->description);
	ferry_json_str(doc, "created_by", p->created_by);
	ferry_json_str(doc, "created_at", p->created_at);
	ferry_json_str(doc, "completed_at", p->completed_at);
	ferry_json_close(doc, '}');
	return 0;
}

/* [{name, state, default, records, definitions, out_of_date,
 * description, created_by, created_at, completed_at}] by creation. */
static int pack_list_doc(ferry_db *db, ferry_str *doc)
{
	int error;

	ferry_json_open(doc, NULL, '[');
	error = ferry_store__pack_each(db, 0, pack_item, doc);
	ferry_json_close(doc, ']');
	return error;
}

int ferry_pack_list(ferry_buf *out, ferry_db *db)
{
	return ferry__document(db, out, pack_list_doc);
}

/* The head of pack show's document: it stays open for the items. */
static int pack_head(const ferry_pack_entry *p, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_str(doc, "name", p->name);
	ferry_json_str(doc, "state", p->state);
	ferry_json_str(doc, "description", p->description);
	ferry_json_str(doc, "created_by", p->created_by);
	ferry_json_str(doc, "created_at", p->created_at);
	ferry_json_str(doc, "completed_at", p->completed_at);
	ferry_json_str(doc, "exported_at", p->exported_at);
	return 0;
}

/*
 * What a record item is, for people: the catalog's records are the
 * schema (entities and fields), the other sys_ tables hold the
 * associated objects, which are named by their identity key.  The
 * prefix compares as SQL's LIKE 'sys\_%' did, ignoring ASCII case.
 */
static const char *item_type(const char *entity, int *named)
{
	*named = !strncasecmp(entity, "sys_", 4);
	if (!strcmp(entity, "sys_entity"))
		return "entity";
	if (!strcmp(entity, "sys_field"))
		return "field";
	return *named ? "object" : "record";
}

static int pack_show_item(const ferry_pack_item_entry *it, void *payload)
{
	ferry_str *doc = payload;
	int named;
	const char *type = item_type(it->entity, &named);

	ferry_json_open(doc, NULL, '{');
	ferry_json_str(doc, "type", type);
	ferry_json_str(doc, "entity", it->entity);
	ferry_json_str(doc, "sys_id", it->sys_id);
	ferry_json_str(doc, "name", named ? it->rkey : NULL);
	ferry_json_str(doc, "action", it->action);
	ferry_json_str(doc, "version", it->version);
	ferry_json_bool(doc, "out_of_date", it->out_of_date);
	ferry_json_close(doc, '}');
	return 0;
}

static int pack_show_definition(const char *kind, const char *name,
	int version, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_str(doc, "kind", kind);
	ferry_json_str(doc, "name", name);
	ferry_json_int(doc, "version", version);
	ferry_json_close(doc, '}');
	return 0;
}

int ferry_pack_show(ferry_buf *out, ferry_db *db, const char *name)
{
	ferry_pack_row row;
	ferry_str json = FERRY_STR_INIT;
	int error;

	FERRY_CHECK_DB(db);
	/* One snapshot for the head, the items and the definitions. */
	if ((error = ferry_store__begin_read(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = find_pack(db, name, &row)) < 0 ||
	    (error = ferry_store__pack_each(db, row.id, pack_head,
	    &json)) < 0)
		goto done;
	ferry_json_open(&json, "items", '[');
	if ((error = ferry_store__pack_items_each(db, row.id, pack_show_item,
	    &json)) < 0)
		goto done;
	ferry_json_close(&json, ']');
	ferry_json_open(&json, "definitions", '[');
	if ((error = ferry_store__pack_definitions_each(db, row.id,
	    pack_show_definition, &json)) < 0)
		goto done;
	ferry_json_close(&json, ']');
	ferry_json_close(&json, '}');
done:
	if ((error = ferry_store__end(db, error)) == 0)
		return ferry__buf_take(db, out, &json);
	ferry_str_dispose(&json);
	return error;
}

/* A pack that can still take items. */
static int open_pack(ferry_db *db, const char *name, ferry_pack_row *row)
{
	int error;

	if ((error = find_pack(db, name, row)) < 0)
		return error;
	if (row->state == FERRY_PACK_COMPLETED)
		return ferry__error(db, FERRY_ESTATE, "pack '%s' is completed "
			"and frozen; reopen it first ('ferry pack reopen %s')",
			name, name);
	return 0;
}

int ferry_pack_add_record(ferry_db *db, const char *pack, const char *entity,
	const char *sys_id)
{
	ferry_version_ref v = { 0, FERRY_STR_INIT, FERRY_STR_INIT,
		FERRY_STR_INIT };
	ferry_fieldset fs = { NULL, 0 };
	ferry_pack_row row;
	int64_t parent_id = 0;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = open_pack(db, pack, &row)) < 0 ||
	    (error = ferry__fields(db, entity, &fs)) < 0)
		goto done;
	if (!ferry_sys_id_valid(sys_id)) {
		error = ferry__error(db, FERRY_EINVALID, "'%s' is not a "
			"sys_id (a lowercase UUID or 32 lowercase hex digits)",
			sys_id ? sys_id : "");
		goto done;
	}
	error = ferry_store__version_latest(db, entity, sys_id, &v);
	if (error == FERRY_ENOTFOUND)
		error = ferry__error(db, error, "no %s record with sys_id %s; "
			"see 'ferry record list %s'", entity, sys_id, entity);
	if (error < 0)
		goto done;
	/* The base is the version before the current one. */
	if ((error = ferry_store__version_parent(db, v.id, &parent_id)) < 0)
		goto done;
	error = ferry_store__pack_capture(db, row.id, entity, sys_id, v.id,
		parent_id);
done:
	ferry_version_ref_dispose(&v);
	ferry_fieldset_dispose(&fs);
	return ferry_store__end(db, error);
}

int ferry_pack_add_definition(ferry_db *db, const char *pack,
	const char *kind, const char *name, int version)
{
	ferry_pack_row row;
	int error, exists;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = open_pack(db, pack, &row)) < 0)
		goto done;
	if (!kind || (strcmp(kind, "formula") && strcmp(kind, "dataset"))) {
		error = ferry__error(db, FERRY_EINVALID, "a pack takes "
			"'formula' or 'dataset' versions");
		goto done;
	}
	if ((exists = ferry_store__definition_version_exists(db, kind, name,
	    version)) < 0) {
		error = exists;
		goto done;
	}
	if (!exists) {
		error = ferry__error(db, FERRY_ENOTFOUND, "no %s '%s' with "
			"version %d; see 'ferry %s show %s'", kind,
			name ? name : "", version, kind, name ? name : "");
		goto done;
	}
	error = ferry_store__pack_add_definition(db, row.id, kind, name,
		version);
done:
	return ferry_store__end(db, error);
}

int ferry_pack_complete(ferry_db *db, const char *name)
{
	ferry_pack_row row;
	char now[FERRY_ISO_LEN];
	int64_t default_id;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = find_pack(db, name, &row)) < 0)
		goto done;
	if (row.is_default) {
		error = ferry__error(db, FERRY_ESTATE, "the Default pack is "
			"never completed; move its changes into a pack of "
			"their own with 'ferry pack add'");
		goto done;
	}
	if (row.state == FERRY_PACK_COMPLETED) {
		error = ferry__error(db, FERRY_ESTATE, "pack '%s' is already "
			"completed (at %s)", name, row.completed_at);
		goto done;
	}
	ferry__now_iso(db, now);
	if ((error = ferry_store__pack_set_state(db, row.id,
	    FERRY_PACK_COMPLETED, now)) < 0 ||
	    (error = ferry__pack_freeze(db, row.id)) < 0 ||
	    (error = ferry_store__pack_default_id(db, &default_id)) < 0)
		goto done;
	/* The seed: the admin preference changes to the default pack. */
	if ((error = ferry_store__pack_switch_users(db, row.id,
	    default_id)) < 0)
		goto done;
	if (db->user_pack == row.id)
		db->user_pack = default_id;
done:
	return ferry_store__end(db, error);
}

int ferry_pack_reopen(ferry_db *db, const char *name)
{
	ferry_pack_row row;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "reopen packs")) < 0 ||
	    (error = find_pack(db, name, &row)) < 0)
		goto done;
	if (row.state != FERRY_PACK_COMPLETED) {
		error = ferry__error(db, FERRY_ESTATE, "pack '%s' is not "
			"completed", name);
		goto done;
	}
	if ((error = ferry_store__pack_thaw(db, row.id)) == 0)
		error = ferry_store__pack_set_state(db, row.id,
			FERRY_PACK_IN_PROGRESS, NULL);
done:
	return ferry_store__end(db, error);
}

int ferry_pack_rename(ferry_db *db, const char *name, const char *new_name)
{
	ferry_pack_row row, other;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = find_pack(db, name, &row)) < 0 ||
	    (error = check_pack_name(db, new_name)) < 0)
		goto done;
	if (row.is_default) {
		error = ferry__error(db, FERRY_ESTATE, "the Default pack keeps "
			"its name");
		goto done;
	}
	error = ferry_store__pack_get(db, new_name, &other);
	if (error == 0) {
		error = ferry__error(db, FERRY_EEXISTS, "a pack named '%s' "
			"already exists; choose another name", new_name);
		goto done;
	}
	if (error == FERRY_ENOTFOUND)
		error = ferry_store__pack_rename(db, row.id, new_name);
done:
	return ferry_store__end(db, error);
}

int ferry_pack_delete(ferry_db *db, const char *name)
{
	ferry_pack_row row;
	int64_t items = 0, default_id;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "delete packs")) < 0 ||
	    (error = find_pack(db, name, &row)) < 0 ||
	    (error = ferry_store__pack_count(db, row.id, &items)) < 0)
		goto done;
	if (row.is_default) {
		error = ferry__error(db, FERRY_ESTATE, "the Default pack is "
			"never deleted");
		goto done;
	}
	if (items && row.exported_at[0]) {
		error = ferry__error(db, FERRY_ESTATE, "pack '%s' was exported "
			"(first at %s) and holds %lld item(s): other instances "
			"may have it; keep it, or take its items out first "
			"('ferry pack remove')", name, row.exported_at,
			(long long)items);
		goto done;
	}
	if ((error = ferry_store__pack_default_id(db, &default_id)) < 0 ||
	    (error = ferry_store__pack_delete(db, row.id, default_id)) < 0)
		goto done;
	if (db->user_pack == row.id)
		db->user_pack = default_id;
done:
	return ferry_store__end(db, error);
}

int ferry_pack_remove(ferry_db *db, const char *pack, const char *kind,
	const char *item)
{
	ferry_pack_row row;
	int error, found = 0, definition;

	FERRY_CHECK_DB(db);
	FERRY_ASSERT_ARG(item);
	definition = kind && (!strcmp(kind, "formula") ||
		!strcmp(kind, "dataset"));
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = open_pack(db, pack, &row)) < 0 ||
	    (error = ferry_store__pack_remove(db, row.id, definition ? kind :
	    NULL, definition ? NULL : kind, item, &found)) < 0)
		goto done;
	if (found == 0)
		error = ferry__error(db, FERRY_ENOTFOUND, "pack '%s' holds no "
			"%s%s%s; see 'ferry pack show %s'", pack,
			kind ? kind : "item", kind ? " " : " ", item, pack);
	else if (found > 1)
		error = ferry__error(db, FERRY_EINVALID, "'%s' names several "
			"items of pack '%s'; name the entity too: 'ferry pack "
			"remove %s ENTITY %s'", item, pack, pack, item);
done:
	return ferry_store__end(db, error);
}
