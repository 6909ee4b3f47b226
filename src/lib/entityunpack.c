/*
 * entityunpack.c - unpacking entity packs (seed 002): list the packs of
 * a folder, select some (all by default), and bring each entity into
 * this instance with the safe merge rules of schema_merge.h.
 *
 * The order of work is what makes it all-or-nothing:
 * 1. admins only (listing is open to everyone: it changes nothing);
 * 2. every selected file is read and verified whole, and every entity a
 *    selected pack depends on must be selected too or exist here: any
 *    problem refuses the whole call before anything is written;
 * 3. the backup (outside the transaction, as SQLite's online backup
 *    needs), unless switched off;
 * 4. one transaction, in dependency order (referenced entities first):
 *    new entities are created first, then fields are added or merged,
 *    then associated objects are added or updated.  Creating every new
 *    entity before any field also lets two packs refer to each other.
 *
 * Writes go through the catalog calls and the one record write path with
 * source "unpack", not captured into anyone's local pack.  What was done
 * to each entity, field and object is reported with its reason.
 */
#include "entitypacks.h"
#include "keys.h"
#include "schema_merge.h"

#include "alloc.h"
#include "store/store.h"
#include "text.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Most .sop files one folder may hold. */
#define UNPACK_FILES_MAX 10000

/* How unpacking writes: its own source, not captured, and allowed to
 * touch records an application protects (an unpack is an import). */
#define UNPACK_WRITE { "unpack", 0, 1, FERRY_POLICY_OPEN, -1, 0, 1, NULL, NULL }

typedef enum {
	UP_NONE = 0,
	UP_CREATED,
	UP_MERGED,
	UP_SKIPPED
} up_action;

static const char *const action_names[] = { "", "created", "merged",
	"skipped" };

typedef struct {
	ferry_entitypack_file f;
	int selected;
	int exists;		/* the entity exists in this instance */
	int placed;		/* already in the unpack order */
	up_action action;
	ferry_sig_verdict sig;	/* its signature, as this instance sees it */
	ferry_str fields;	/* report: members of the fields array */
	ferry_str objects;	/* report: members of the objects array */
} up_pack;

typedef struct {
	ferry_db *db;
	const char *dir;
	const ferry_unpack_options *opts;
	up_pack *packs;		/* by file name */
	size_t n;
	up_pack **order;	/* the selected packs, dependency order */
	size_t norder;
	ferry_str warnings;	/* report: members of the warnings array */
} unpack_state;

static void state_dispose(unpack_state *u)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		ferry_entitypack__file_dispose(&u->packs[i].f);
		ferry_str_dispose(&u->packs[i].fields);
		ferry_str_dispose(&u->packs[i].objects);
	}
	ferry__free(u->packs);
	ferry__free(u->order);
	ferry_str_dispose(&u->warnings);
}

/* ---- finding and reading the packs ---------------------------------- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.sop files of the folder, by name; each read and verified. */
static int scan_dir(unpack_state *u)
{
	ferry_db *db = u->db;
	char **names = NULL, **grown;
	size_t n = 0, i;
	struct dirent *e;
	struct stat sb;
	int error = 0;
	DIR *d;

	if (ferry__cmpack_is(u->dir)) {
		ferry_entitypack_file *files;
		size_t k;

		if ((error = ferry__cmpack_read(db, u->dir, &files, &n)) < 0)
			return error;
		if ((u->packs = ferry__calloc(n ? n : 1, sizeof(*u->packs))) ==
		    NULL) {
			for (k = 0; k < n; k++)
				ferry_entitypack__file_dispose(&files[k]);
			ferry__free(files);
			return ferry__oom(db);
		}
		for (k = 0; k < n; k++)
			u->packs[k].f = files[k];
		u->n = n;
		ferry__free(files);
		return 0;
	}
	if ((d = opendir(u->dir)) == NULL)
		return ferry__error(db, FERRY_ENOTFOUND, "no folder %s; name "
			"the folder that holds the entity packs", u->dir);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.' || len <= 4 ||
		    strcmp(e->d_name + len - 4, ".sop") != 0)
			continue;
		if (n == UNPACK_FILES_MAX) {
			error = ferry__error(db, FERRY_EINVALID, "%s holds "
				"more than %d .sop files; put the entity packs "
				"in a folder of their own", u->dir,
				UNPACK_FILES_MAX);
			break;
		}
		if ((grown = ferry__realloc(names, (n + 1) *
		    sizeof(*names))) == NULL ||
		    (grown[n] = ferry__strdup(e->d_name)) == NULL) {
			if (grown)
				names = grown;
			error = ferry__oom(db);
			break;
		}
		names = grown;
		n++;
	}
	closedir(d);
	if (error < 0)
		goto done;
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	if ((u->packs = ferry__calloc(n ? n : 1, sizeof(*u->packs))) == NULL) {
		error = ferry__oom(db);
		goto done;
	}
	for (i = 0; i < n; i++) {
		up_pack *p = &u->packs[u->n];

		if (ferry_entitypack__file_init(&p->f, u->dir, names[i]) < 0) {
			ferry_entitypack__file_dispose(&p->f);
			error = ferry__oom(db);
			goto done;
		}
		if (stat(p->f.path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
			ferry_entitypack__file_dispose(&p->f);
			continue;
		}
		u->n++;
		ferry_entitypack__read(&p->f);
	}
done:
	for (i = 0; i < n; i++)
		ferry__free(names[i]);
	ferry__free(names);
	return error;
}

/* Mark the packs --select names (all without it). */
static int select_packs(unpack_state *u)
{
	const char *p = u->opts->select;
	size_t i, count = 0;

	if (!p) {
		for (i = 0; i < u->n; i++)
			u->packs[i].selected = 1;
		return 0;
	}
	while (*p) {
		const char *end;
		char name[FERRY_IDENT_MAX + 2];
		size_t len, found = 0;

		while (*p == ' ' || *p == ',')
			p++;
		for (end = p; *end && *end != ','; end++)
			;
		len = (size_t)(end - p);
		while (len && p[len - 1] == ' ')
			len--;
		if (len == 0)
			break;
		if (len > FERRY_IDENT_MAX)
			return ferry__error(u->db, FERRY_EINVALID, "--select "
				"names '%.*s', which is not an entity name",
				(int)len, p);
		memcpy(name, p, len);
		name[len] = '\0';
		for (i = 0; i < u->n; i++)
			if (!strcmp(u->packs[i].f.entity, name)) {
				u->packs[i].selected = 1;
				found++;
			}
		if (!found)
			return ferry__error(u->db, FERRY_ENOTFOUND, "no entity "
				"pack for '%s' in %s; see 'ferry entity unpack "
				"%s --list'", name, u->dir, u->dir);
		count += found;
		p = end;
	}
	if (!count)
		return ferry__error(u->db, FERRY_EINVALID, "--select names no "
			"entity; give NAME[,NAME...]");
	return 0;
}

static int mark_existing(unpack_state *u)
{
	size_t i;
	int rc;

	for (i = 0; i < u->n; i++) {
		if ((rc = ferry_store__entity_exists(u->db,
		    u->packs[i].f.entity)) < 0)
			return rc;
		u->packs[i].exists = rc;
	}
	return 0;
}

/* ---- listing ---------------------------------------------------------- */

static void put_names(ferry_str *s, const ferry_namelist *l)
{
	size_t i;

	ferry_str_putc(s, '[');
	for (i = 0; i < l->n; i++) {
		if (i)
			ferry_str_putc(s, ',');
		ferry_str_puts_json(s, l->v[i]);
	}
	ferry_str_putc(s, ']');
}

static void list_doc(unpack_state *u, ferry_str *doc)
{
	size_t i;

	ferry_str_puts(doc, "{\"dir\":");
	ferry_str_puts_json(doc, u->dir);
	ferry_str_puts(doc, ",\"packs\":[");
	for (i = 0; i < u->n; i++) {
		const up_pack *p = &u->packs[i];
		int valid = p->f.code == 0;

		if (i)
			ferry_str_putc(doc, ',');
		ferry_str_puts(doc, "{\"file\":");
		ferry_str_puts_json(doc, p->f.file);
		ferry_str_puts(doc, ",\"entity\":");
		ferry_str_puts_json(doc, p->f.entity);
		ferry_str_printf(doc, ",\"valid\":%s,\"problem\":",
			valid ? "true" : "false");
		if (valid)
			ferry_str_puts(doc, "null");
		else
			ferry_str_puts_json(doc, ferry_str_cstr(&p->f.problem));
		if (valid)
			ferry_str_printf(doc, ",\"fields\":%zu,\"objects\":%zu",
				p->f.nfields, p->f.nobjects);
		else
			ferry_str_puts(doc,
				",\"fields\":null,\"objects\":null");
		ferry_str_puts(doc, ",\"depends\":");
		put_names(doc, &p->f.depends);
		ferry_str_printf(doc, ",\"exists\":%s,\"selected\":%s,"
			"\"stamp\":", p->exists ? "true" : "false",
			p->selected ? "true" : "false");
		if (valid)
			ferry_str_printf(doc, "\"%s\"", p->f.stamp);
		else
			ferry_str_puts(doc, "null");
		ferry_str_puts(doc, ",\"signature\":");
		ferry__sig_json(doc, &p->sig);
		ferry_str_putc(doc, '}');
	}
	ferry_str_puts(doc, "]}");
}

/* Each pack's signature as this instance sees it (listing included). */
static int judge_signatures(unpack_state *u)
{
	size_t i;
	int error = 0;

	for (i = 0; i < u->n && !error; i++)
		error = ferry__sig_verdict(u->db, u->packs[i].f.sig_known ?
			&u->packs[i].f.sig : NULL, &u->packs[i].sig);
	return error;
}

/*
 * The signature rules (keys.h) over the selected packs: one refused
 * refuses the call; warnings are kept for the report.
 */
static int check_signatures(unpack_state *u)
{
	ferry_str warning = FERRY_STR_INIT;
	size_t i;
	int error, required;

	if ((error = ferry__sig_required(u->db, &required)) < 0)
		return error;
	for (i = 0; i < u->n && !error; i++) {
		const up_pack *p = &u->packs[i];

		if (!p->selected)
			continue;
		error = ferry__sig_policy(u->db, p->f.path, &p->sig, required,
			&warning);
		if (error == FERRY_EDENIED) {
			char *msg = ferry__strdup(ferry_errmsg(u->db));

			error = ferry__error(u->db, error, "nothing was "
				"unpacked: %s", msg ? msg : "");
			ferry__free(msg);
		}
		if (error == 0 && warning.size) {
			if (u->warnings.size)
				ferry_str_putc(&u->warnings, ',');
			ferry_str_puts_json(&u->warnings, warning.ptr);
		}
	}
	if (error == 0 && ferry_str_failed(&u->warnings))
		error = ferry__oom(u->db);
	ferry_str_dispose(&warning);
	return error;
}

/* ---- checks before anything is written ------------------------------- */

/* Every selected file must be a valid entity pack: else name them all. */
static int check_files(unpack_state *u)
{
	ferry_str msg = FERRY_STR_INIT;
	size_t i, bad = 0;
	int code = 0;

	for (i = 0; i < u->n; i++) {
		const up_pack *p = &u->packs[i];

		if (!p->selected || p->f.code == 0)
			continue;
		if (!code)
			code = p->f.code;
		ferry_str_puts(&msg, bad++ ? "; " : "");
		ferry_str_puts(&msg, ferry_str_cstr(&p->f.problem));
	}
	if (bad)
		ferry__error(u->db, code, "nothing was unpacked: %zu selected "
			"pack file(s) cannot be used: %s", bad,
			ferry_str_cstr(&msg));
	ferry_str_dispose(&msg);
	return bad ? code : 0;
}

static up_pack *selected_pack(unpack_state *u, const char *entity)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (u->packs[i].selected &&
		    !strcmp(u->packs[i].f.entity, entity))
			return &u->packs[i];
	return NULL;
}

static int will_write(const unpack_state *u, const up_pack *p)
{
	return p->selected && !(p->exists && u->opts->no_upgrade);
}

static int check_selection(unpack_state *u)
{
	size_t i, j, k;
	int rc;

	if (u->n == 0)
		return ferry__error(u->db, FERRY_ENOTFOUND, "no entity packs "
			"(*.sop files) in %s; make them with 'ferry entity "
			"pack NAME... --dir %s'", u->dir, u->dir);
	for (i = 0; i < u->n; i++)
		for (j = i + 1; j < u->n; j++)
			if (u->packs[i].selected && u->packs[j].selected &&
			    !strcmp(u->packs[i].f.entity,
			    u->packs[j].f.entity))
				return ferry__error(u->db, FERRY_EINVALID,
					"%s and %s are both packs of entity "
					"'%s'; move one of them out of the "
					"folder", u->packs[i].f.file,
					u->packs[j].f.file,
					u->packs[i].f.entity);
	for (i = 0; i < u->n; i++) {
		const up_pack *p = &u->packs[i];

		if (!will_write(u, p))
			continue;
		for (k = 0; k < p->f.depends.n; k++) {
			const char *d = p->f.depends.v[k];

			if (selected_pack(u, d))
				continue;
			if ((rc = ferry_store__entity_exists(u->db, d)) < 0)
				return rc;
			if (rc)
				continue;
			for (j = 0; j < u->n; j++)
				if (!strcmp(u->packs[j].f.entity, d))
					break;
			return ferry__error(u->db, FERRY_ENOTFOUND, "entity "
				"'%s' depends on entity '%s' (a ref(%s) "
				"field), which is neither in this instance nor "
				"selected; %s", p->f.entity, d, d, j < u->n ?
				"select its pack too" : "add its pack to the "
				"folder, or create it first");
		}
	}
	return 0;
}

/*
 * The selected packs, referenced entities first; among those ready, by
 * entity name.  A cycle (a refers to b, b to a) is broken by name: every
 * new entity is created before any field is added, so both resolve.
 */
static int order_packs(unpack_state *u)
{
	size_t i, k, nsel = 0;

	for (i = 0; i < u->n; i++)
		nsel += u->packs[i].selected != 0;
	if ((u->order = ferry__calloc(nsel ? nsel : 1,
	    sizeof(*u->order))) == NULL)
		return ferry__oom(u->db);
	while (u->norder < nsel) {
		up_pack *pick = NULL, *first = NULL;

		for (i = 0; i < u->n; i++) {
			up_pack *p = &u->packs[i];
			int ready = 1;

			if (!p->selected || p->placed)
				continue;
			for (k = 0; k < p->f.depends.n && ready; k++) {
				up_pack *d = selected_pack(u,
					p->f.depends.v[k]);

				ready = !d || d->placed;
			}
			if (!first || strcmp(p->f.entity, first->f.entity) < 0)
				first = p;
			if (ready && (!pick ||
			    strcmp(p->f.entity, pick->f.entity) < 0))
				pick = p;
		}
		if (!pick)
			pick = first;
		pick->placed = 1;
		u->order[u->norder++] = pick;
	}
	return 0;
}

/* ---- applying ----------------------------------------------------------- */

static void report_item(ferry_str *s, const char *key, const char *name,
	const char *action, const char *reason)
{
	if (s->size)
		ferry_str_putc(s, ',');
	ferry_str_puts(s, "{\"");
	ferry_str_puts(s, key);
	ferry_str_puts(s, "\":");
	ferry_str_puts_json(s, name);
	ferry_str_puts(s, ",\"action\":");
	ferry_str_puts_json(s, action);
	ferry_str_puts(s, ",\"reason\":");
	ferry_str_puts_json(s, reason);
	ferry_str_putc(s, '}');
}

static void report_object(ferry_str *s, const char *table, const char *name,
	const char *action, const char *reason)
{
	if (s->size)
		ferry_str_putc(s, ',');
	ferry_str_puts(s, "{\"entity_object\":");
	ferry_str_puts_json(s, table);
	ferry_str_puts(s, ",\"name\":");
	ferry_str_puts_json(s, name);
	ferry_str_puts(s, ",\"action\":");
	ferry_str_puts_json(s, action);
	ferry_str_puts(s, ",\"reason\":");
	ferry_str_puts_json(s, reason);
	ferry_str_putc(s, '}');
}

static int create_fields(unpack_state *u, up_pack *p)
{
	ferry_write_opts o = UNPACK_WRITE;
	ferry_str reason = FERRY_STR_INIT;
	size_t i;
	int error = 0;

	for (i = 0; i < p->f.nfields && !error; i++) {
		const ferry_packed_field *f = &p->f.fields[i];

		if ((error = ferry__field_add(u->db, p->f.entity, f->name,
		    f->type, f->display, f->description, f->default_value,
		    f->external_name, &o)) < 0)
			break;
		ferry_str_clear(&reason);
		ferry_str_printf(&reason, "the entity is new: added as %s",
			f->type);
		report_item(&p->fields, "field", f->name, "added",
			ferry_str_cstr(&reason));
	}
	ferry_str_dispose(&reason);
	return error;
}

/* Merge one packed field into an existing entity (schema_merge.h). */
static int merge_one(unpack_state *u, up_pack *p, const ferry_fieldset *had,
	const ferry_packed_field *f)
{
	ferry_write_opts o = UNPACK_WRITE;
	ferry_field_def def;
	ferry_merge_action action = FERRY_MERGE_KEEP;
	ferry_record_meta meta;
	ferry_str reason = FERRY_STR_INIT, sys_id = FERRY_STR_INIT;
	ferry_str key = FERRY_STR_INIT;
	int error = 0, deleted = 0;

	def.name = f->name;
	def.type = f->type;
	def.display = f->display;
	def.description = f->description;
	def.default_value = f->default_value;
	def.external_name = f->external_name;
	if (ferry_fieldset_find(had, f->name) >= 0) {
		/* Growing keeps the field record's policy. */
		if ((error = ferry_store__catalog_sys_id(u->db, p->f.entity,
		    f->name, &sys_id)) < 0 ||
		    (error = ferry_store__record_meta(u->db, "sys_field",
		    sys_id.ptr, &meta)) < 0) {
			if (error == FERRY_ENOTFOUND)
				error = ferry__error(u->db, FERRY_EFORMAT,
					"the catalog is damaged: field %s.%s "
					"has no sys_field record", p->f.entity,
					f->name);
			goto done;
		}
		if (ferry_policy_parse(&o.policy, meta.policy) < 0) {
			error = ferry__error(u->db, FERRY_EFORMAT, "the catalog "
				"is damaged: field %s.%s has the unknown policy "
				"'%s'", p->f.entity, f->name, meta.policy);
			goto done;
		}
	} else {
		ferry__field_key(&key, p->f.entity, f->name);
		if (ferry_str_failed(&key)) {
			error = ferry__oom(u->db);
			goto done;
		}
		if ((deleted = ferry_store__field_deleted(u->db,
		    key.ptr)) < 0) {
			error = deleted;
			goto done;
		}
	}
	if ((error = ferry__merge_field(u->db, p->f.entity, &def, &o, &action,
	    &reason)) < 0)
		goto done;
	if (action == FERRY_MERGE_ADD) {
		ferry_str_clear(&reason);
		ferry_str_printf(&reason, deleted ? "deleted in the target "
			"earlier: added back as %s" : "new in the pack: added "
			"as %s", f->type);
	}
	report_item(&p->fields, "field", f->name,
		ferry__merge_action_name(action), ferry_str_cstr(&reason));
done:
	ferry_str_dispose(&reason);
	ferry_str_dispose(&sys_id);
	ferry_str_dispose(&key);
	return error;
}

static int merge_fields(unpack_state *u, up_pack *p)
{
	ferry_fieldset had = { NULL, 0 };
	size_t i, j;
	int error;

	if ((error = ferry__fields(u->db, p->f.entity, &had)) < 0)
		goto done;
	for (i = 0; i < p->f.nfields; i++)
		if ((error = merge_one(u, p, &had, &p->f.fields[i])) < 0)
			goto done;
	for (i = 0; i < had.n; i++) {
		for (j = 0; j < p->f.nfields; j++)
			if (!strcmp(p->f.fields[j].name, had.fields[i].name))
				break;
		if (j == p->f.nfields)
			report_item(&p->fields, "field", had.fields[i].name,
				"kept", "only in the target: kept");
	}
done:
	ferry_fieldset_dispose(&had);
	return error;
}

/* 1 if the stored definition (values[di]) equals the packed one. */
static int same_definition(const ferry_value *v, json_t *def)
{
	ferry_str c = FERRY_STR_INIT;
	int same;

	if (json_is_null(def))
		return v->kind == FERRY_V_NULL;
	if (v->kind != FERRY_V_TEXT)
		return 0;
	ferry_json__canonical(&c, def);
	same = !ferry_str_failed(&c) && c.size == v->len &&
		!memcmp(c.ptr, v->s, c.size);
	ferry_str_dispose(&c);
	return same;
}

/*
 * What to do with an object present in both: NULL to update it, else
 * the reason it is kept.
 */
static const char *keep_reason(const ferry_record_meta *meta,
	const ferry_packed_object *po, const ferry_value *current)
{
	if (same_definition(current, po->definition))
		return "already the same in the target: kept";
	if (!strcmp(meta->policy, "changed"))
		return "customized locally: the target changed it, so its "
			"version is kept";
	if (!strcmp(meta->policy, "protected") &&
	    strcmp(po->policy, "protected") != 0)
		return "protected in the target: it belongs to an installed "
			"application, whose packs alone change it";
	return NULL;
}

static int object_one(unpack_state *u, up_pack *p,
	const ferry_packed_object *po)
{
	ferry_write_opts o = UNPACK_WRITE;
	ferry_fieldset fs = { NULL, 0 };
	ferry_record_meta meta;
	ferry_value *values = NULL;
	int *set = NULL, error, found, di, vendor_app;
	json_t *obj = json_object();
	const char *why;
	char sys_id[37];

	vendor_app = !strcmp(po->policy, "protected");
	if ((error = ferry__fields(u->db, po->table, &fs)) < 0)
		goto done;
	di = ferry_fieldset_find(&fs, "definition");
	values = ferry__calloc(fs.n, sizeof(*values));
	set = ferry__calloc(fs.n, sizeof(*set));
	if (!obj || !values || !set || di < 0 || json_object_set(obj,
	    "definition", po->definition) < 0) {
		error = ferry__oom(u->db);
		goto done;
	}
	error = ferry_store__object_find(u->db, po->table, p->f.entity,
		po->name, &meta);
	if (error < 0 && error != FERRY_ENOTFOUND)
		goto done;
	found = error == 0;
	if (!found) {
		if (json_object_set_new(obj, "entity",
		    json_string(p->f.entity)) < 0 ||
		    json_object_set_new(obj, "name", json_string(po->name)) <
		    0) {
			error = ferry__oom(u->db);
			goto done;
		}
		o.policy = vendor_app ? FERRY_POLICY_PROTECTED :
			FERRY_POLICY_OPEN;
		ferry_uuid_new(sys_id);
		if ((error = ferry__record_convert(u->db, po->table, &fs, obj,
		    values, set)) < 0 ||
		    (error = ferry__record_write(u->db, po->table, &fs, sys_id,
		    FERRY_ACTION_INSERT, values, NULL, &o, NULL)) < 0)
			goto done;
		report_object(&p->objects, po->table, po->name, "added",
			"not in the target: added");
		goto done;
	}
	if ((error = ferry_store__record_values(u->db, po->table, &fs,
	    meta.sys_id, values)) < 0)
		goto done;
	if ((why = keep_reason(&meta, po, &values[di])) != NULL) {
		report_object(&p->objects, po->table, po->name, "kept", why);
		goto done;
	}
	o.policy = vendor_app || !strcmp(meta.policy, "protected") ?
		FERRY_POLICY_PROTECTED : FERRY_POLICY_OPEN;
	if ((error = ferry__record_convert(u->db, po->table, &fs, obj, values,
	    set)) < 0 ||
	    (error = ferry__record_write(u->db, po->table, &fs, meta.sys_id,
	    FERRY_ACTION_UPDATE, values, set, &o, NULL)) < 0)
		goto done;
	report_object(&p->objects, po->table, po->name, "updated", "not "
		"customized locally: updated to the pack's definition");
done:
	json_decref(obj);
	if (values)
		ferry_values_dispose(values, fs.n);
	ferry__free(set);
	ferry_fieldset_dispose(&fs);
	return error;
}

typedef struct {
	up_pack *p;
	const char *table;
} target_only_state;

static int target_only(const ferry_object_row *row, void *payload)
{
	target_only_state *s = payload;
	size_t i;

	for (i = 0; i < s->p->f.nobjects; i++)
		if (s->p->f.objects[i].table == s->table &&
		    !strcmp(s->p->f.objects[i].name, row->name))
			return 0;
	report_object(&s->p->objects, s->table, row->name, "kept",
		"only in the target: kept");
	return 0;
}

static int unpack_objects(unpack_state *u, up_pack *p)
{
	target_only_state s;
	size_t i;
	int error = 0;

	for (i = 0; i < p->f.nobjects && !error; i++)
		error = object_one(u, p, &p->f.objects[i]);
	s.p = p;
	for (i = 0; !error && p->action == UP_MERGED &&
	    ferry__system_entity_at(i); i++) {
		if (ferry__system_entity_at(i)->kind != FERRY_SYSTEM_OBJECT)
			continue;
		s.table = ferry__system_entity_at(i)->entity;
		error = ferry_store__objects_each(u->db, s.table, p->f.entity,
			target_only, &s);
	}
	return error;
}

/* Inside the transaction: entities, then fields, then objects. */
static int apply(unpack_state *u)
{
	ferry_write_opts o = UNPACK_WRITE;
	size_t i;
	int error = 0, rc;

	for (i = 0; i < u->norder && !error; i++) {
		up_pack *p = u->order[i];

		if ((rc = ferry_store__entity_exists(u->db, p->f.entity)) < 0)
			return rc;
		if (rc)
			p->action = u->opts->no_upgrade ? UP_SKIPPED :
				UP_MERGED;
		else if ((error = ferry__entity_create(u->db, p->f.entity,
		    p->f.display, p->f.description, &o)) == 0)
			p->action = UP_CREATED;
	}
	for (i = 0; i < u->norder && !error; i++) {
		up_pack *p = u->order[i];

		if (p->action == UP_CREATED)
			error = create_fields(u, p);
		else if (p->action == UP_MERGED)
			error = merge_fields(u, p);
	}
	for (i = 0; i < u->norder && !error; i++) {
		if (u->order[i]->action != UP_SKIPPED)
			error = unpack_objects(u, u->order[i]);
		ferry__progress(u->db, "unpacking", i + 1, u->norder);
	}
	return error;
}

static const char *entity_reason(up_action a)
{
	switch (a) {
	case UP_CREATED:
		return "not in the target: created with its fields and "
			"associated objects";
	case UP_MERGED:
		return "exists in the target: merged field by field, never "
			"overwritten; its display name and description are "
			"kept";
	case UP_SKIPPED:
		return "exists in the target and upgrading existing entities "
			"is off (--no-upgrade): left as it is";
	case UP_NONE:
		break;
	}
	return "";
}

static void report_doc(unpack_state *u, ferry_str *doc, const char *backup)
{
	size_t i;

	ferry_str_puts(doc, "{\"dir\":");
	ferry_str_puts_json(doc, u->dir);
	ferry_str_puts(doc, ",\"backup\":");
	if (backup)
		ferry_str_puts_json(doc, backup);
	else
		ferry_str_puts(doc, "null");
	ferry_str_puts(doc, ",\"entities\":[");
	for (i = 0; i < u->norder; i++) {
		const up_pack *p = u->order[i];

		if (i)
			ferry_str_putc(doc, ',');
		ferry_str_puts(doc, "{\"entity\":");
		ferry_str_puts_json(doc, p->f.entity);
		ferry_str_puts(doc, ",\"file\":");
		ferry_str_puts_json(doc, p->f.file);
		ferry_str_puts(doc, ",\"action\":");
		ferry_str_puts_json(doc, action_names[p->action]);
		ferry_str_puts(doc, ",\"reason\":");
		ferry_str_puts_json(doc, entity_reason(p->action));
		ferry_str_puts(doc, ",\"signature\":");
		ferry__sig_json(doc, &p->sig);
		ferry_str_puts(doc, ",\"depends\":");
		put_names(doc, &p->f.depends);
		ferry_str_puts(doc, ",\"fields\":[");
		ferry_str_puts(doc, ferry_str_cstr(&p->fields));
		ferry_str_puts(doc, "],\"objects\":[");
		ferry_str_puts(doc, ferry_str_cstr(&p->objects));
		ferry_str_puts(doc, "]}");
	}
	ferry_str_puts(doc, "],\"warnings\":[");
	ferry_str_puts(doc, ferry_str_cstr(&u->warnings));
	ferry_str_puts(doc, "]}");
}

static int report_failed(unpack_state *u)
{
	size_t i;

	for (i = 0; i < u->norder; i++)
		if (ferry_str_failed(&u->order[i]->fields) ||
		    ferry_str_failed(&u->order[i]->objects))
			return 1;
	return 0;
}

int ferry_entity_unpack(ferry_buf *out, ferry_db *db, const char *dir,
	const ferry_unpack_options *opts)
{
	ferry_unpack_options defaults = FERRY_UNPACK_OPTIONS_INIT;
	ferry_str doc = FERRY_STR_INIT, backup = FERRY_STR_INIT;
	unpack_state u;
	int error;

	FERRY_CHECK_DB(db);
	memset(&u, 0, sizeof(u));
	if (!opts)
		opts = &defaults;
	if (opts->version == 0 || opts->version > FERRY_UNPACK_OPTIONS_VERSION)
		return ferry__error(db, FERRY_EMISUSE, "unknown "
			"ferry_unpack_options version %u; initialise it with "
			"FERRY_UNPACK_OPTIONS_INIT", opts->version);
	if (!dir || !*dir)
		return ferry__error(db, FERRY_EINVALID, "name the folder that "
			"holds the entity packs");
	u.db = db;
	u.dir = dir;
	u.opts = opts;
	/* Listing changes nothing, so anyone may list. */
	if ((error = opts->list_only ? ferry__actor(db) :
	    ferry__require_admin(db, "unpack entities")) < 0 ||
	    (error = scan_dir(&u)) < 0 ||
	    (error = select_packs(&u)) < 0 ||
	    (error = mark_existing(&u)) < 0 ||
	    (error = judge_signatures(&u)) < 0)
		goto done;
	if (opts->list_only) {
		list_doc(&u, &doc);
		error = ferry__buf_take(db, out, &doc);
		goto done;
	}
	if ((error = check_files(&u)) < 0 ||
	    (error = check_signatures(&u)) < 0 ||
	    (error = check_selection(&u)) < 0 ||
	    (error = order_packs(&u)) < 0)
		goto done;
	if (!opts->no_backup && (error = ferry__backup(db, &backup)) < 0)
		goto done;
	if ((error = ferry_store__begin(db)) < 0)
		goto done;
	error = ferry_store__end(db, apply(&u));
	if (error < 0)
		goto done;
	if (report_failed(&u)) {
		error = ferry__oom(db);
		goto done;
	}
	report_doc(&u, &doc, opts->no_backup ? NULL : backup.ptr);
	error = ferry__buf_take(db, out, &doc);
done:
	state_dispose(&u);
	ferry_str_dispose(&doc);
	ferry_str_dispose(&backup);
	return error;
}
