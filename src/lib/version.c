/*
 * version.c - version hashes and the single write path for records
 * (see records.h).
 */
#include "records.h"

#include "alloc.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

/*
 * The hash input is frozen (docs/format.md): a domain line, then entity,
 * identity key and action on lines of their own, then the canonical
 * payload.  A delete hashes an empty payload: its content is "gone".
 */
void ferry__version_hash(char out[FERRY_HASH_HEX], const char *entity,
	const char *rkey, const char *action, const char *payload, size_t len)
{
	ferry_hash h;

	ferry_hash_init(&h);
	ferry_hash_update(&h, "ferry-version-1\n", 16);
	ferry_hash_update(&h, entity, strlen(entity));
	ferry_hash_update(&h, "\n", 1);
	ferry_hash_update(&h, rkey, strlen(rkey));
	ferry_hash_update(&h, "\n", 1);
	ferry_hash_update(&h, action, strlen(action));
	ferry_hash_update(&h, "\n", 1);
	if (strcmp(action, "delete") != 0)
		ferry_hash_update(&h, payload, len);
	ferry_hash_final_hex(&h, out);
}

/*
 * The item seal (frozen, docs/format.md 5.3): what the package carries
 * about a version beside its content, so that neither can be edited
 * without the other being recomputed.  The version hash stays content
 * only, so the same content has the same hash in every instance.
 */
void ferry__item_seal(char out[FERRY_HASH_HEX], const char *version,
	const char *policy, int vendor)
{
	ferry_hash h;

	ferry_hash_init(&h);
	ferry_hash_update(&h, "ferry-seal-1\n", 13);
	ferry_hash_update(&h, version, strlen(version));
	ferry_hash_update(&h, "\n", 1);
	ferry_hash_update(&h, policy, strlen(policy));
	ferry_hash_update(&h, vendor ? "\ntrue" : "\nfalse",
		vendor ? 5 : 6);
	ferry_hash_final_hex(&h, out);
}

/*
 * The object seal (frozen, docs/entitypacks.md): an entity pack's object
 * item carries no version hash, so this covers all it says — which
 * object it is, its definition and its policy — so that none of it can
 * be edited with only the trailer recomputed.  Each part but the last is
 * followed by LF; names cannot hold LF, and the definition is one line
 * of canonical JSON.
 */
void ferry__object_seal(char out[FERRY_HASH_HEX], const char *table,
	const char *entity, const char *name, const char *definition,
	const char *policy)
{
	const char *part[] = { table, entity, name, definition, policy };
	ferry_hash h;
	size_t i;

	ferry_hash_init(&h);
	ferry_hash_update(&h, "ferry-object-seal-1\n", 20);
	for (i = 0; i < sizeof(part) / sizeof(part[0]); i++) {
		if (i)
			ferry_hash_update(&h, "\n", 1);
		ferry_hash_update(&h, part[i], strlen(part[i]));
	}
	ferry_hash_final_hex(&h, out);
}

/* The actor's current pack, which must be open to capture: its id. */
static int capture_pack(ferry_db *db, int64_t *id)
{
	ferry_pack_row pack;
	int error;

	if ((error = ferry__actor(db)) < 0)
		return error;
	if ((error = ferry_store__pack_get_id(db, db->user_pack, &pack)) < 0)
		return error == FERRY_ENOTFOUND ? ferry__error(db, error,
			"the current pack of '%s' is gone; pick one with "
			"'ferry pack use NAME'", db->user) : error;
	if (pack.state == FERRY_PACK_COMPLETED)
		return ferry__error(db, FERRY_ESTATE, "your current pack '%s' "
			"is completed and frozen; switch with 'ferry pack use "
			"NAME' (or reopen it)", pack.name);
	*id = pack.id;
	return 0;
}

int ferry__capture(ferry_db *db, const char *entity, const char *sys_id,
	int64_t version_id, int64_t parent_id)
{
	int64_t pack_id = 0;	/* set on success (gcc -O3 cannot see it) */
	int error;

	if ((error = capture_pack(db, &pack_id)) < 0)
		return error;
	return ferry_store__pack_capture(db, pack_id, entity, sys_id,
		version_id, parent_id);
}

/*
 * The hash of a version: the very same content as an earlier version's
 * (same_payload, back out puts it back) is that version, whose hash is
 * same_version; anything else is hashed.
 */
static void version_hash(char hash[FERRY_HASH_HEX], const char *entity,
	const char *rkey, ferry_action action, const ferry_str *payload,
	const char *same_payload, const char *same_version)
{
	if (same_version && same_payload &&
	    !strcmp(payload->ptr, same_payload))
		snprintf(hash, FERRY_HASH_HEX, "%s", same_version);
	else
		ferry__version_hash(hash, entity, rkey,
			ferry_action_name(action), payload->ptr, payload->size);
}

/* A version's payload, key and hash, made from the record's values
 * alone (any thread): FERRY_ENOMEM or 0. */
static int make_parts(ferry_record_made *m, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values,
	const char *sys_id, ferry_action action, const char *same_payload,
	const char *same_version)
{
	ferry_type__payload(&m->payload, fs, values);
	ferry__record_key(&m->rkey, entity, fs, values, sys_id);
	if (ferry_str_failed(&m->payload) || ferry_str_failed(&m->rkey))
		return FERRY_ENOMEM;
	version_hash(m->hash, entity, m->rkey.ptr, action, &m->payload,
		same_payload, same_version);
	return 0;
}

/*
 * The local rules: a new record is open, a local change makes it
 * changed, a protected one stays protected (imports bring their own).
 * had is the record's policy before the write (open for a new one).
 */
static ferry_policy write_policy(const ferry_write_opts *o, int is_insert,
	ferry_policy had)
{
	if (o->own_policy)
		return o->policy;
	if (is_insert)
		return FERRY_POLICY_OPEN;
	return had == FERRY_POLICY_PROTECTED ? FERRY_POLICY_PROTECTED :
		FERRY_POLICY_CHANGED;
}

int ferry__payload_damaged(ferry_db *db, const char *entity,
	const char *sys_id)
{
	return ferry__error(db, FERRY_EFORMAT, "the stored payload of %s "
		"record %s is not canonical JSON; the instance is damaged; "
		"restore it from a backup (see 'ferry backup list')",
		entity, sys_id);
}

int ferry__record_write(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *sys_id, ferry_action action,
	const ferry_value *values, const int *set, const ferry_write_opts *o,
	char version_out[FERRY_HASH_HEX])
{
	ferry_record_made m = { FERRY_STR_INIT, FERRY_STR_INIT, "" };
	ferry_version_ref parent = { 0, FERRY_STR_INIT, FERRY_STR_INIT,
		FERRY_STR_INIT };
	ferry_value *current = NULL;
	ferry_record_meta meta;
	ferry_version_row v;
	ferry_audit audit;
	char now[FERRY_ISO_LEN];
	ferry_policy had = FERRY_POLICY_OPEN, policy;
	int error, exists, vendor, is_insert, is_delete;
	int64_t version_id;

	is_insert = action == FERRY_ACTION_INSERT;
	is_delete = action == FERRY_ACTION_DELETE;
	if ((error = ferry__actor(db)) < 0)
		goto done;
	error = ferry_store__record_meta(db, entity, sys_id, &meta);
	if (error < 0 && error != FERRY_ENOTFOUND)
		goto done;
	exists = error == 0;
	error = 0;
	if (exists && ferry_policy_parse(&had, meta.policy) < 0) {
		error = ferry__error(db, FERRY_EFORMAT, "%s record %s has an "
			"unknown policy '%s'", entity, sys_id, meta.policy);
		goto done;
	}
	if (is_insert && exists) {
		error = ferry__error(db, FERRY_EEXISTS, "%s record %s already "
			"exists", entity, sys_id);
		goto done;
	}
	if (!is_insert && !exists) {
		error = ferry__error(db, FERRY_ENOTFOUND, "no %s record with "
			"sys_id %s; see 'ferry record list %s'", entity, sys_id,
			entity);
		goto done;
	}
	if (exists && !o->allow_protected && had == FERRY_POLICY_PROTECTED) {
		error = ferry__error(db, FERRY_EPROTECTED, "%s record %s is "
			"protected: it belongs to an installed application and "
			"cannot be changed locally; change it in the "
			"application's source instance and import it", entity,
			sys_id);
		goto done;
	}
	policy = write_policy(o, is_insert, had);
	vendor = o->vendor >= 0 ? o->vendor : exists ? meta.vendor : 0;

	/* The payload of a delete records what was deleted. */
	if (is_delete) {
		if ((current = ferry__calloc(fs->n ? fs->n : 1,
		    sizeof(*current))) == NULL) {
			error = ferry__oom(db);
			goto done;
		}
		if ((error = ferry_store__record_values(db, entity, fs, sys_id,
		    current)) < 0)
			goto done;
		values = current;
	}
	if (make_parts(&m, entity, fs, values, sys_id, action,
	    o->same_payload, o->same_version) < 0) {
		error = ferry__oom(db);
		goto done;
	}
	error = ferry_store__version_latest(db, entity, sys_id, &parent);
	if (error < 0 && error != FERRY_ENOTFOUND)
		goto done;
	error = 0;

	ferry__now_iso(db, now);
	memset(&v, 0, sizeof(v));
	v.entity = entity;
	v.sys_id = sys_id;
	v.rkey = m.rkey.ptr;
	v.action = ferry_action_name(action);
	v.hash = m.hash;
	v.parent = parent.id ? parent.hash.ptr : NULL;
	v.parent_id = parent.id;
	v.payload = m.payload.ptr;
	v.payload_len = m.payload.size;
	v.policy = ferry_policy_name(policy);
	v.vendor = vendor;
	v.author = db->user;
	v.at = now;
	v.source = o->source;
	v.import_id = o->import_id;
	if (o->capture)
		v.pack_id = db->user_pack;
	if ((error = ferry_store__version_insert(db, &v, &version_id)) < 0)
		goto done;
	if (o->capture && (error = ferry__capture(db, entity, sys_id,
	    version_id, parent.id)) < 0)
		goto done;

	audit.user = db->user;
	audit.at = now;
	if (is_insert)
		error = ferry_store__record_insert(db, entity, fs, values,
			sys_id, policy, vendor, m.hash, &audit);
	else if (is_delete)
		error = ferry_store__record_delete(db, entity, sys_id);
	else
		error = ferry_store__record_update(db, entity, fs, values, set,
			sys_id, policy, vendor, m.hash, &audit);
	if (error == 0 && version_out)
		memcpy(version_out, m.hash, FERRY_HASH_HEX);
done:
	if (current)
		ferry_values_dispose(current, fs->n);
	ferry_version_ref_dispose(&parent);
	ferry__record_made_dispose(&m);
	return error;
}

int ferry__record_make(ferry_record_made *m, const char *entity,
	const ferry_fieldset *fs, const ferry_value *values,
	const char *sys_id, ferry_action action)
{
	return make_parts(m, entity, fs, values, sys_id, action, NULL, NULL);
}

void ferry__record_made_dispose(ferry_record_made *m)
{
	ferry_str_dispose(&m->payload);
	ferry_str_dispose(&m->rkey);
}

/* What a batch write builds for one record: its row and version point
 * into these. */
typedef struct {
	ferry_record_made made;
	char now[FERRY_ISO_LEN];
} batch_parts;

typedef struct {
	ferry_record_new *rows;
	batch_parts *parts;
	size_t n;
} batch;

static int batch_new(ferry_db *db, batch *b, size_t n)
{
	b->n = n;
	b->rows = ferry__calloc(n, sizeof(*b->rows));
	b->parts = ferry__calloc(n, sizeof(*b->parts));
	return b->rows && b->parts ? 0 : ferry__oom(db);
}

static void batch_dispose(batch *b)
{
	size_t i;

	for (i = 0; b->parts && i < b->n; i++)
		ferry__record_made_dispose(&b->parts[i].made);
	ferry__free(b->parts);
	ferry__free(b->rows);
}

/*
 * Row i of a batch: the record's payload, key and hash built as
 * ferry__record_write() builds them (or as made ahead: an insert's),
 * its version (no parent, no pack: the caller's to set) and its row.
 */
static int batch_row(ferry_db *db, batch *b, size_t i, const char *entity,
	const ferry_fieldset *fs, const char *sys_id, ferry_action action,
	const ferry_value *values, ferry_policy policy, int vendor,
	const ferry_write_opts *o, const char *same_payload,
	const char *same_version, const ferry_record_made *made)
{
	batch_parts *p = &b->parts[i];
	ferry_record_new *r = &b->rows[i];
	ferry_version_row *v = &r->version;

	if (!made) {
		made = &p->made;
		if (make_parts(&p->made, entity, fs, values, sys_id, action,
		    same_payload, same_version) < 0)
			return ferry__oom(db);
	}
	ferry__now_iso(db, p->now);
	v->entity = entity;
	v->sys_id = sys_id;
	v->rkey = made->rkey.ptr;
	v->action = ferry_action_name(action);
	v->hash = made->hash;
	v->payload = made->payload.ptr;
	v->payload_len = made->payload.size;
	v->policy = ferry_policy_name(policy);
	v->vendor = vendor;
	v->author = db->user;
	v->at = p->now;
	v->source = o->source;
	v->import_id = o->import_id;
	r->values = values;
	r->policy = policy;
	r->audit.user = db->user;
	r->audit.at = p->now;
	return 0;
}

int ferry__record_insert_many(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const char *const *sys_ids,
	ferry_value *const *values, const ferry_record_made *const *made,
	size_t n, const ferry_write_opts *o)
{
	ferry_policy policy = write_policy(o, 1, FERRY_POLICY_OPEN);
	int64_t pack_id = 0;
	batch b;
	size_t i;
	int error;

	if (n == 0)
		return 0;
	if ((error = ferry__actor(db)) < 0 ||
	    (o->capture && (error = capture_pack(db, &pack_id)) < 0))
		return error;
	error = batch_new(db, &b, n);
	for (i = 0; i < n && !error; i++) {
		error = batch_row(db, &b, i, entity, fs, sys_ids[i],
			FERRY_ACTION_INSERT, values[i], policy, o->vendor >= 0 ?
			o->vendor : 0, o, NULL, NULL, made ? made[i] : NULL);
		b.rows[i].version.pack_id = pack_id;
	}
	if (error == 0)
		error = ferry_store__record_insert_many(db, entity, fs, b.rows,
			n);
	batch_dispose(&b);
	return error;
}

int ferry__record_update_many(ferry_db *db, const char *entity,
	const ferry_fieldset *fs, const ferry_record_change *c, size_t n,
	const ferry_write_opts *o)
{
	int64_t pack_id = 0;
	batch b;
	size_t i;
	int error;

	if (n == 0)
		return 0;
	if ((error = ferry__actor(db)) < 0 ||
	    (o->capture && (error = capture_pack(db, &pack_id)) < 0))
		return error;
	error = batch_new(db, &b, n);
	for (i = 0; i < n && !error; i++) {
		error = batch_row(db, &b, i, entity, fs, c[i].sys_id,
			FERRY_ACTION_UPDATE, c[i].values, c[i].policy,
			c[i].vendor, o, c[i].same_payload, c[i].same_version,
			c[i].made);
		b.rows[i].version.parent = c[i].parent_hash;
		b.rows[i].version.parent_id = c[i].parent_id;
		b.rows[i].version.pack_id = pack_id;
	}
	if (error == 0)
		error = ferry_store__record_update_many(db, entity, fs, b.rows,
			n);
	batch_dispose(&b);
	return error;
}
