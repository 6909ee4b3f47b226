/*
 * instance.c - creating and opening instances; users and properties.
 */
#include "db.h"
#include "functions.h"
#include "keys.h"

#include "alloc.h"
#include "jsonw.h"
#include "store/store.h"
#include "text.h"

#include <sodium.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define USER_NAME_MAX 100

/* The default name of an instance: a file's base name, an address's
 * database ("postgresql://host/ferry_dev?sslmode=require": ferry_dev). */
static const char *base_name(const char *path, char *buf, size_t size)
{
	const char *end = path + strlen(path), *start;

	if (strstr(path, "://"))
		end = path + strcspn(path, "?");
	for (start = end; start > path && start[-1] != '/'; start--)
		;
	snprintf(buf, size, "%.*s", (int)(end - start), start);
	return buf;
}

/*
 * An address with its password left out ("postgresql://u:secret@h/db"
 * shows as "postgresql://u@h/db"): messages and documents quote the
 * location, and a password must not travel with them.
 */
static char *shown(const char *path)
{
	const char *user = strstr(path, "://"), *at, *colon;
	size_t n;
	char *s;

	if (!user)
		return ferry__strdup(path);
	user += 3;
	n = strcspn(user, "/?");
	at = memchr(user, '@', n);
	colon = at ? memchr(user, ':', (size_t)(at - user)) : NULL;
	if (!colon)
		return ferry__strdup(path);
	if ((s = ferry__malloc(strlen(path) + 1)) == NULL)
		return NULL;
	memcpy(s, path, (size_t)(colon - path));
	memcpy(s + (colon - path), at, strlen(at) + 1);
	return s;
}

static int db_new(ferry_db **out, const char *path)
{
	char stem[256];

	ferry_db *db;

	*out = NULL;
	/* libsodium picks its fastest BLAKE2b once initialised. */
	if (sodium_init() < 0)
		return FERRY_ERROR;
	if ((db = ferry__calloc(1, sizeof(*db))) == NULL)
		return FERRY_ENOMEM;
	ferry_str_init(&db->errmsg, 4096);
	*out = db;
	if (!path)
		return ferry__error(db, FERRY_EMISUSE, "no instance path");
	if ((db->path = ferry__strdup(path)) == NULL ||
	    (db->shown = shown(path)) == NULL)
		return ferry__oom(db);
	/* A file's backups and key lie beside it; an address's in the
	 * current folder, named after its database. */
	if (strstr(path, "://"))
		path = base_name(path, stem, sizeof(stem));
	if ((db->stem = ferry__strdup(path)) == NULL)
		return ferry__oom(db);
	return 0;
}

/* A user name: printable, no spaces at the ends, not too long. */
static int check_user_name(ferry_db *db, const char *name)
{
	return ferry__check_name(db, "user name", name);
}

int ferry__check_name(ferry_db *db, const char *what, const char *name)
{
	size_t i, len = name ? strlen(name) : 0;

	if (len == 0 || len > USER_NAME_MAX || !ferry_utf8_valid(name, len) ||
	    name[0] == ' ' || name[len - 1] == ' ' || name[0] == '-')
		goto bad;
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			goto bad;
	return 0;
bad:
	return ferry__error(db, FERRY_EINVALID, "invalid %s '%s': use 1 to %d "
		"printable characters, not starting with '-'", what,
		name ? name : "", USER_NAME_MAX);
}

static int check_tz(ferry_db *db, const char *tz)
{
	if (!ferry_tz_valid(tz))
		return ferry__error(db, FERRY_EINVALID, "unknown time zone "
			"'%s'; use an IANA name such as UTC, Europe/Moscow or "
			"America/New_York", tz ? tz : "");
	return 0;
}

int ferry_db_create(ferry_db **out, const char *path,
	const ferry_init_options *opts)
{
	ferry_init_options defaults = FERRY_INIT_OPTIONS_INIT;
	char id[37], pack_uid[37], now[FERRY_ISO_LEN], base[256];
	const char *name, *admin, *tz;
	int64_t pack_id;
	ferry_db *db;
	int error;

	if ((error = db_new(out, path)) < 0)
		return error;
	db = *out;
	if (!opts)
		opts = &defaults;
	name = opts->name ? opts->name : base_name(db->stem, base,
		sizeof(base));
	admin = opts->admin ? opts->admin : "admin";
	tz = opts->tz ? opts->tz : "UTC";
	/* The clock is fixed before anything is stamped (FERRY_NOW). */
	if (opts->now) {
		if (ferry_time_parse_iso(&db->fixed_now, opts->now) < 0)
			return ferry__error(db, FERRY_EINVALID, "cannot read "
				"the time '%s'; write it as 2021-12-31T12:00:00Z "
				"(UTC)", opts->now);
		db->has_fixed_now = 1;
	}
	if (!*name || strlen(name) > 200 || !ferry_utf8_valid(name,
	    strlen(name)))
		return ferry__error(db, FERRY_EINVALID, "invalid instance "
			"name; use 1 to 200 characters");
	if ((error = check_user_name(db, admin)) < 0 ||
	    (error = check_tz(db, tz)) < 0)
		return error;
	ferry_uuid_new(id);
	ferry_uuid_new(pack_uid);
	ferry__now_iso(db, now);
	if ((error = ferry_store__create(db, path, id, name, now)) < 0)
		return error;
	/* The store left its creating transaction open: finish the
	 * instance inside it, so a failure leaves no file behind. */
	if ((error = ferry_store__pack_insert(db, pack_uid,
	    FERRY_DEFAULT_PACK, "Changes not captured in another pack", 1,
	    admin, now, &pack_id)) < 0 ||
	    (error = ferry_store__user_insert(db, admin, 1, tz, pack_id,
	    now)) < 0) {
		ferry_store__rollback(db);
		ferry_store__close(db);
		unlink(path);
		return error;
	}
	if ((error = ferry_store__end(db, 0)) < 0)
		return error;
	return ferry__functions_lend(db);
}

int ferry_db_open(ferry_db **out, const char *path)
{
	int error;

	if ((error = db_new(out, path)) < 0 ||
	    (error = ferry_store__open(*out, path)) < 0)
		return error;
	return ferry__functions_lend(*out);
}

void ferry_db_close(ferry_db *db)
{
	if (!db)
		return;
	if (db->store)
		ferry_store__close(db);
	ferry__free(db->path);
	ferry__free(db->shown);
	ferry__free(db->stem);
	ferry__free(db->user);
	ferry__free(db->user_tz);
	ferry__free(db->address);
	ferry__free(db->key_file);
	ferry__free(db->backup_prefix);
	ferry_str_dispose(&db->errmsg);
	ferry__free(db);
}

const char *ferry_db_location(const ferry_db *db)
{
	return db ? db->shown : NULL;
}

int ferry_instance_info(ferry_buf *out, ferry_db *db)
{
	ferry_str id = FERRY_STR_INIT, name = FERRY_STR_INIT,
		doc = FERRY_STR_INIT;
	int error, version;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__instance(db, &id, &name)) < 0 ||
	    (error = ferry_store__schema_version(db, &version)) < 0)
		goto done;
	ferry_str_puts(&doc, "{\"id\":");
	ferry_str_puts_json(&doc, ferry_str_cstr(&id));
	ferry_str_puts(&doc, ",\"name\":");
	ferry_str_puts_json(&doc, ferry_str_cstr(&name));
	ferry_str_printf(&doc, ",\"schema_version\":%d,\"path\":", version);
	ferry_str_puts_json(&doc, db->shown);
	ferry_str_putc(&doc, '}');
	error = ferry__buf_take(db, out, &doc);
done:
	ferry_str_dispose(&id);
	ferry_str_dispose(&name);
	ferry_str_dispose(&doc);
	return error;
}

/* The parts of ferry info --sizes, in the store's order. */
static const struct {
	const char *name;
	const char *holds;
} size_parts[FERRY_PARTS] = {
	[FERRY_PART_RECORDS] = { "records", "the entities' records" },
	[FERRY_PART_CATALOG] = { "catalog", "entities, fields and "
		"associated objects" },
	[FERRY_PART_VERSIONS] = { "versions", "every record version: the "
		"history" },
	[FERRY_PART_PACKS] = { "packs", "local packs, their items and the "
		"lines kept for export" },
	[FERRY_PART_STAGING] = { "import_staging", "imports' staged items "
		"(payloads until committed or discarded)" },
	[FERRY_PART_IMPORTS] = { "imports", "imports' plans, problems and "
		"resolutions" },
	[FERRY_PART_DEFINITIONS] = { "definitions", "formulas and data "
		"sets" },
	[FERRY_PART_ACCESS] = { "access", "users, tokens, sessions, keys and "
		"trust" },
	[FERRY_PART_AUDIT] = { "audit", "the audit log" },
	[FERRY_PART_OTHER] = { "other", "the instance, properties and the "
		"schema" },
	[FERRY_PART_FREE] = { "free", "space free for reuse by later "
		"writes" },
};

int ferry_instance_sizes(ferry_buf *out, ferry_db *db)
{
	ferry_str doc = FERRY_STR_INIT;
	ferry_sizes z;
	int error, i;

	FERRY_CHECK_DB(db);
	FERRY_ASSERT_ARG(out);
	if ((error = ferry_store__begin_read(db)) < 0)
		return error;
	error = ferry_store__sizes(db, &z);
	if ((error = ferry_store__end(db, error)) < 0)
		return error;
	ferry_json_open(&doc, NULL, '{');
	ferry_json_str(&doc, "path", db->shown);
	ferry_json_int(&doc, "bytes", z.total);
	ferry_json_int(&doc, "page_size", z.page_size);
	ferry_json_int(&doc, "wal_bytes", z.log);
	ferry_json_bool(&doc, "by_part", z.by_part);
	ferry_json_open(&doc, "parts", '[');
	for (i = 0; i < FERRY_PARTS; i++) {
		if (!z.by_part && i != FERRY_PART_OTHER &&
		    i != FERRY_PART_FREE)
			continue;
		ferry_json_open(&doc, NULL, '{');
		ferry_json_str(&doc, "part", size_parts[i].name);
		ferry_json_int(&doc, "bytes", z.data[i] + z.index[i]);
		ferry_json_int(&doc, "index_bytes", z.index[i]);
		ferry_json_str(&doc, "holds", z.by_part ||
			i == FERRY_PART_FREE ? size_parts[i].holds :
			"everything but the free space (this SQLite cannot "
			"tell the parts: it has no dbstat table)");
		ferry_json_close(&doc, '}');
	}
	ferry_json_close(&doc, ']');
	ferry_json_close(&doc, '}');
	return ferry__buf_take(db, out, &doc);
}

int ferry_user_add(ferry_db *db, const char *name, int admin, const char *tz)
{
	ferry_user_row row;
	char now[FERRY_ISO_LEN];
	int64_t pack;
	int error;

	FERRY_CHECK_DB(db);
	if (!tz)
		tz = "UTC";
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "add users")) < 0 ||
	    (error = check_user_name(db, name)) < 0 ||
	    (error = check_tz(db, tz)) < 0)
		goto done;
	error = ferry_store__user_get(db, name, &row);
	if (error == 0) {
		error = ferry__error(db, FERRY_EEXISTS, "user '%s' already "
			"exists; change it with 'ferry user set'", name);
		goto done;
	}
	if (error != FERRY_ENOTFOUND)
		goto done;
	ferry__now_iso(db, now);
	if ((error = ferry_store__pack_default_id(db, &pack)) < 0)
		goto done;
	error = ferry_store__user_insert(db, name, admin, tz, pack, now);
done:
	return ferry_store__end(db, error);
}

int ferry_user_set(ferry_db *db, const char *name, const char *tz, int admin)
{
	ferry_user_row row;
	int64_t admins;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "change users")) < 0)
		goto done;
	if ((error = ferry_store__user_get(db, name, &row)) < 0) {
		if (error == FERRY_ENOTFOUND)
			error = ferry__error(db, error, "no user '%s'; see "
				"'ferry user list'", name);
		goto done;
	}
	if (tz && (error = check_tz(db, tz)) < 0)
		goto done;
	if (admin == 0 && row.admin) {
		if ((error = ferry_store__user_count_admins(db, &admins)) < 0)
			goto done;
		if (admins <= 1) {
			error = ferry__error(db, FERRY_ESTATE, "'%s' is the "
				"last admin; make another user an admin first",
				name);
			goto done;
		}
	}
	error = ferry_store__user_update(db, name, tz, admin);
	db->user_resolved = 0;
done:
	return ferry_store__end(db, error);
}

static int user_item(const ferry_user_entry *u, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_str(doc, "name", u->name);
	ferry_json_bool(doc, "admin", u->admin);
	ferry_json_str(doc, "tz", u->tz);
	ferry_json_str(doc, "current_pack", u->current_pack);
	ferry_json_close(doc, '}');
	return 0;
}

/* [{name, admin, tz, current_pack}] by name (docs/cli/user.md). */
static int user_doc(ferry_db *db, ferry_str *doc)
{
	int error;

	ferry_json_open(doc, NULL, '[');
	error = ferry_store__user_each(db, user_item, doc);
	ferry_json_close(doc, ']');
	return error;
}

int ferry_user_list(ferry_buf *out, ferry_db *db)
{
	return ferry__document(db, out, user_doc);
}

static int check_key(ferry_db *db, const char *key)
{
	size_t i, len = key ? strlen(key) : 0;

	if (len == 0 || len > 200)
		goto bad;
	for (i = 0; i < len; i++) {
		char c = key[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			goto bad;
	}
	return 0;
bad:
	return ferry__error(db, FERRY_EINVALID, "invalid property key '%s'; "
		"use letters, digits, '.', '_' and '-'", key ? key : "");
}

int ferry_property_set(ferry_db *db, const char *key, const char *value)
{
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry_store__begin(db)) < 0)
		return error;
	if ((error = ferry__require_admin(db, "set properties")) < 0 ||
	    (error = check_key(db, key)) < 0)
		goto done;
	if (!value || !ferry_utf8_valid(value, strlen(value))) {
		error = ferry__error(db, FERRY_EINVALID, "a property value "
			"must be UTF-8 text");
		goto done;
	}
	/* Properties with rules of their own. */
	if (!strcmp(key, FERRY_REQUIRE_SIGNATURE) && strcmp(value, "true") &&
	    strcmp(value, "false")) {
		error = ferry__error(db, FERRY_EINVALID, "%s is true or false, "
			"not '%.40s'", key, value);
		goto done;
	}
	error = ferry_store__property_set(db, key, value);
done:
	return ferry_store__end(db, error);
}

int ferry_property_get(ferry_buf *out, ferry_db *db, const char *key)
{
	ferry_str value = FERRY_STR_INIT;
	int error;

	FERRY_CHECK_DB(db);
	if ((error = ferry__actor(db)) < 0 ||
	    (error = check_key(db, key)) < 0)
		goto done;
	error = ferry_store__property_get(db, key, &value);
	if (error == FERRY_ENOTFOUND)
		error = ferry__error(db, error, "property '%s' is not set; "
			"see 'ferry property list'", key);
	if (error == 0)
		return ferry__buf_take(db, out, &value);
done:
	ferry_str_dispose(&value);
	return error;
}

static int property_item(const char *key, const char *value, void *payload)
{
	ferry_str *doc = payload;

	ferry_json_open(doc, NULL, '{');
	ferry_json_str(doc, "key", key);
	ferry_json_str(doc, "value", value);
	ferry_json_close(doc, '}');
	return 0;
}

/* [{key, value}] by key. */
static int property_doc(ferry_db *db, ferry_str *doc)
{
	int error;

	ferry_json_open(doc, NULL, '[');
	error = ferry_store__property_each(db, property_item, doc);
	ferry_json_close(doc, ']');
	return error;
}

int ferry_property_list(ferry_buf *out, ferry_db *db)
{
	return ferry__document(db, out, property_doc);
}
