/*
 * entitypack.c - the entity pack file (seed 002): packing entities into
 * it, and reading it back for entityunpack.c.
 *
 * Packing writes one .sop file per entity, `<entity>.sop`, holding the
 * entity's definition, its fields and its associated objects (form
 * templates, event handlers, process flows).  Items are written from
 * stored canonical text in a fixed order (the entity, its fields by name,
 * its objects by object entity and name), so the same definition gives
 * the same item bytes and the same stamp, whoever packs it and whenever.
 * A call packs every named entity or none: all names and target files are
 * checked before anything is written, and the files written before a
 * failure are removed again.
 *
 * Reading verifies a file whole (the .sop checks, then every item) into a
 * ferry_entitypack_file.  The layout is specified in docs/entitypacks.md.
 */
#include "entitypacks.h"
#include "keys.h"
#include "records.h"

#include "alloc.h"
#include "sop.h"
#include "store/store.h"
#include "text.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- name lists ----------------------------------------------------- */

int ferry_namelist__add(ferry_namelist *l, const char *name)
{
	size_t i = 0;
	char **v, *copy;
	int cmp = 1;

	while (i < l->n && (cmp = strcmp(l->v[i], name)) < 0)
		i++;
	if (i < l->n && cmp == 0)
		return 0;
	if ((copy = ferry__strdup(name)) == NULL)
		return -1;
	if ((v = ferry__realloc(l->v, (l->n + 1) * sizeof(*v))) == NULL) {
		ferry__free(copy);
		return -1;
	}
	memmove(&v[i + 1], &v[i], (l->n - i) * sizeof(*v));
	v[i] = copy;
	l->v = v;
	l->n++;
	return 0;
}

int ferry_namelist__has(const ferry_namelist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], name))
			return 1;
	return 0;
}

void ferry_namelist__dispose(ferry_namelist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		ferry__free(l->v[i]);
	ferry__free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* ---- writing one pack ----------------------------------------------- */

typedef struct {
	ferry_db *db;
	ferry_sop_writer *w;
	ferry_str line;		/* the item being built (capped) */
	ferry_str err;		/* the writer's message */
	const char *entity;
	const char *table;	/* object entity being listed */
	uint64_t objects;	/* object items written */
} pack_state;

static int write_line(pack_state *s)
{
	int error;

	if (ferry_str_failed(&s->line))
		return ferry__error(s->db, FERRY_ENOMEM, "an item of entity "
			"'%s' is larger than %zu bytes, or out of memory",
			s->entity, FERRY_SOP_LINE_MAX);
	if ((error = ferry_sop__writer_item(s->w, s->line.ptr,
	    s->line.size)) < 0)
		return ferry__error(s->db, error, "%s",
			ferry_sop__writer_errmsg(s->w));
	return 0;
}

static void put_text(ferry_str *l, const char *text)
{
	if (text)
		ferry_str_puts_json(l, text);
	else
		ferry_str_puts(l, "null");
}

static const char *member_text(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int entity_item(pack_state *s, json_t *def)
{
	ferry_str *l = &s->line;

	ferry_str_clear(l);
	ferry_str_puts(l, "{\"t\":\"entity\",\"name\":");
	ferry_str_puts_json(l, s->entity);
	ferry_str_puts(l, ",\"display\":");
	put_text(l, member_text(def, "display"));
	ferry_str_puts(l, ",\"description\":");
	put_text(l, member_text(def, "description"));
	ferry_str_putc(l, '}');
	return write_line(s);
}

static int field_item(pack_state *s, const ferry_field *f)
{
	ferry_str *l = &s->line;

	ferry_str_clear(l);
	ferry_str_puts(l, "{\"t\":\"field\",\"name\":");
	ferry_str_puts_json(l, f->name);
	ferry_str_puts(l, ",\"type\":");
	ferry_str_puts_json(l, f->type_text);
	ferry_str_puts(l, ",\"display\":");
	put_text(l, f->display);
	ferry_str_puts(l, ",\"description\":");
	put_text(l, f->description);
	/* The default is stored as canonical JSON text: copied as is. */
	ferry_str_puts(l, ",\"default\":");
	ferry_str_puts(l, f->default_value ? f->default_value : "null");
	/* Only a field that has one carries its external name, so packs
	 * of other fields read as before. */
	if (f->external_name) {
		ferry_str_puts(l, ",\"external_name\":");
		ferry_str_puts_json(l, f->external_name);
	}
	ferry_str_putc(l, '}');
	return write_line(s);
}

static int object_item(const ferry_object_row *row, void *payload)
{
	pack_state *s = payload;
	ferry_str *l = &s->line;
	char seal[FERRY_HASH_HEX];

	ferry_str_clear(l);
	ferry_str_puts(l, "{\"t\":\"object\",\"entity_object\":");
	ferry_str_puts_json(l, s->table);
	ferry_str_puts(l, ",\"entity\":");
	ferry_str_puts_json(l, s->entity);
	ferry_str_puts(l, ",\"name\":");
	ferry_str_puts_json(l, row->name);
	/* Stored canonical (sorted keys, compact): copied as is. */
	ferry_str_puts(l, ",\"definition\":");
	ferry_str_puts(l, row->definition ? row->definition : "null");
	ferry_str_puts(l, ",\"policy\":");
	ferry_str_puts_json(l, row->policy ? row->policy : "open");
	ferry__object_seal(seal, s->table, s->entity, row->name,
		row->definition ? row->definition : "null",
		row->policy ? row->policy : "open");
	ferry_str_printf(l, ",\"seal\":\"%s\"}", seal);
	s->objects++;
	return write_line(s);
}

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

static int build_header(ferry_db *db, ferry_str *h, const char *entity,
	const ferry_namelist *depends)
{
	ferry_str_puts(h, "{\"kind\":\"" FERRY_ENTITY_PACK_KIND "\","
		"\"entity\":");
	ferry_str_puts_json(h, entity);
	ferry_str_puts(h, ",\"depends\":");
	put_names(h, depends);
	return ferry__package_origin(db, h);
}

/* The entity's definition document ({name, display, description, ...}). */
static int load_definition(ferry_db *db, const char *entity, json_t **out)
{
	ferry_str text = FERRY_STR_INIT;
	int error;

	*out = NULL;
	error = ferry__entity_doc(db, entity, &text);
	if (error == FERRY_ENOTFOUND)
		error = ferry__error(db, error, "no entity '%s'; see 'ferry "
			"entity list'", entity);
	if (error == 0 && (*out = json_loadb(text.ptr, text.size, 0,
	    NULL)) == NULL)
		error = ferry__oom(db);
	ferry_str_dispose(&text);
	return error;
}

/* Write DIR/<entity>.sop and append its entry to the report doc. */
static int pack_one(ferry_db *db, const char *entity, const char *path,
	const unsigned char *sk, ferry_str *doc)
{
	ferry_sop_write_options wo = FERRY_SOP_WRITE_OPTIONS_INIT;
	ferry_fieldset fs = { NULL, 0 };
	ferry_namelist depends = FERRY_NAMELIST_INIT;
	ferry_str header = FERRY_STR_INIT;
	char stamp[FERRY_HASH_HEX];
	json_t *def = NULL;
	pack_state s;
	size_t i;
	int error;

	memset(&s, 0, sizeof(s));
	s.db = db;
	s.entity = entity;
	ferry_str_init(&s.line, FERRY_SOP_LINE_MAX);
	if ((error = ferry__fields(db, entity, &fs)) < 0 ||
	    (error = load_definition(db, entity, &def)) < 0)
		goto done;
	/* ref(OTHER) fields: OTHER must be there before this entity. */
	for (i = 0; i < fs.n; i++)
		if (fs.fields[i].type.base == FERRY_T_REF &&
		    strcmp(fs.fields[i].type.ref, entity) != 0 &&
		    ferry_namelist__add(&depends, fs.fields[i].type.ref) < 0) {
			error = ferry__oom(db);
			goto done;
		}
	if ((error = build_header(db, &header, entity, &depends)) < 0)
		goto done;
	wo.secret_key = sk;
	/* Format 2 changed only a local pack's record items: an entity
	 * pack stays readable by every ferry that reads format 1. */
	wo.format = 1;
	if ((error = ferry_sop__writer_open(&s.w, path, header.ptr, &wo,
	    &s.err)) < 0) {
		error = ferry__error(db, error, "%s", ferry_str_cstr(&s.err));
		goto done;
	}
	if ((error = entity_item(&s, def)) < 0)
		goto done;
	for (i = 0; i < fs.n; i++)
		if ((error = field_item(&s, &fs.fields[i])) < 0)
			goto done;
	for (i = 0; ferry__system_entity_at(i); i++) {
		if (ferry__system_entity_at(i)->kind != FERRY_SYSTEM_OBJECT)
			continue;
		s.table = ferry__system_entity_at(i)->entity;
		if ((error = ferry_store__objects_each(db, s.table, entity,
		    object_item, &s)) < 0)
			goto done;
	}
	if ((error = ferry_sop__writer_finish(s.w, stamp, &s.err)) < 0) {
		error = ferry__error(db, error, "%s", ferry_str_cstr(&s.err));
		goto done;
	}
	ferry_str_puts(doc, "{\"entity\":");
	ferry_str_puts_json(doc, entity);
	ferry_str_puts(doc, ",\"path\":");
	ferry_str_puts_json(doc, path);
	ferry_str_printf(doc, ",\"fields\":%zu,\"objects\":%llu,\"depends\":",
		fs.n, (unsigned long long)s.objects);
	put_names(doc, &depends);
	ferry_str_printf(doc, ",\"stamp\":\"%s\",\"signature\":", stamp);
	ferry__signer_json(doc, sk);
	ferry_str_putc(doc, '}');
done:
	ferry_sop__writer_free(s.w);
	ferry_str_dispose(&s.line);
	ferry_str_dispose(&s.err);
	ferry_str_dispose(&header);
	ferry_namelist__dispose(&depends);
	ferry_fieldset_dispose(&fs);
	json_decref(def);
	return error;
}

/* DIR/<entity>.sop */
static void pack_path(ferry_str *path, const char *dir, const char *entity)
{
	size_t len = strlen(dir);

	ferry_str_clear(path);
	ferry_str_puts(path, dir);
	if (len && dir[len - 1] != '/')
		ferry_str_putc(path, '/');
	ferry_str_puts(path, entity);
	ferry_str_puts(path, ".sop");
}

/* Everything that can be known before writing: names, folder, files. */
static int check_request(ferry_db *db, const char *const *names, size_t n,
	const char *dir)
{
	ferry_str path = FERRY_STR_INIT;
	struct stat sb;
	size_t i, j;
	int error = 0;

	if (!dir || !*dir)
		return ferry__error(db, FERRY_EINVALID, "name the folder to "
			"write the packs into with --dir DIR");
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return ferry__error(db, FERRY_ENOTFOUND, "no folder %s; create "
			"it first", dir);
	if (n == 0)
		return ferry__error(db, FERRY_EINVALID, "name at least one "
			"entity to pack; see 'ferry entity list'");
	for (i = 0; i < n && !error; i++) {
		const char *e = names[i] ? names[i] : "";

		if (ferry__is_system_entity(e)) {
			error = ferry__error(db, FERRY_EINVALID, "'%s' is a "
				"system entity and is not packed; associated "
				"objects travel with the entity they belong "
				"to", e);
			break;
		}
		if (!ferry_ident_valid(e)) {
			error = ferry__error(db, FERRY_EINVALID, "'%s' is not "
				"an entity name; see 'ferry entity list'", e);
			break;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(names[j], e))
				break;
		if (j < i) {
			error = ferry__error(db, FERRY_EINVALID, "entity '%s' "
				"is named twice; name each entity once", e);
			break;
		}
		if ((error = ferry_store__entity_exists(db, e)) < 0)
			break;
		if (error == 0) {
			error = ferry__error(db, FERRY_ENOTFOUND, "no entity "
				"'%s'; see 'ferry entity list'", e);
			break;
		}
		error = 0;
		pack_path(&path, dir, e);
		if (ferry_str_failed(&path)) {
			error = ferry__oom(db);
			break;
		}
		if (lstat(path.ptr, &sb) == 0)
			error = ferry__error(db, FERRY_EEXISTS, "%s already "
				"exists; remove it or pack into another folder "
				"(nothing was written)", path.ptr);
	}
	ferry_str_dispose(&path);
	return error;
}

int ferry_entity_pack(ferry_buf *out, ferry_db *db,
	const char *const *names, size_t n, const char *dir)
{
	return ferry_entity_pack_v2(out, db, names, n, dir, NULL);
}

int ferry_entity_pack_v2(ferry_buf *out, ferry_db *db,
	const char *const *names, size_t n, const char *dir,
	const ferry_entity_pack_options *opts)
{
	ferry_str doc = FERRY_STR_INIT, path = FERRY_STR_INIT;
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	char **written = NULL;
	size_t i, nwritten = 0;
	int error, sign = opts && opts->sign;

	FERRY_CHECK_DB(db);
	if (n && !names)
		return ferry__error(db, FERRY_EMISUSE, "no entity names given");
	if (opts && opts->version != FERRY_ENTITY_PACK_OPTIONS_VERSION)
		return ferry__error(db, FERRY_EMISUSE, "unknown "
			"ferry_entity_pack_options version %u; initialise it "
			"with FERRY_ENTITY_PACK_OPTIONS_INIT", opts->version);
	/* One transaction: every pack reads one consistent state. */
	if ((error = ferry_store__begin_read(db)) < 0)
		return error;
	if ((error = ferry__actor(db)) < 0 ||
	    (error = check_request(db, names, n, dir)) < 0 ||
	    (sign && (error = ferry__key_secret(db, sk)) < 0))
		goto done;
	if ((written = ferry__calloc(n, sizeof(*written))) == NULL) {
		error = ferry__oom(db);
		goto done;
	}
	ferry_str_puts(&doc, "{\"dir\":");
	ferry_str_puts_json(&doc, dir);
	ferry_str_puts(&doc, ",\"packs\":[");
	for (i = 0; i < n; i++) {
		pack_path(&path, dir, names[i]);
		if (ferry_str_failed(&path)) {
			error = ferry__oom(db);
			goto done;
		}
		if (i)
			ferry_str_putc(&doc, ',');
		if ((error = pack_one(db, names[i], path.ptr, sign ? sk :
		    NULL, &doc)) < 0)
			goto done;
		if ((written[nwritten] = ferry__strdup(path.ptr)) == NULL) {
			unlink(path.ptr);
			error = ferry__oom(db);
			goto done;
		}
		nwritten++;
	}
	ferry_str_puts(&doc, "]}");
	error = ferry__buf_take(db, out, &doc);
done:
	for (i = 0; i < nwritten; i++) {
		/* All or nothing: take back what this call wrote. */
		if (error < 0)
			unlink(written[i]);
		ferry__free(written[i]);
	}
	ferry__free(written);
	sodium_memzero(sk, sizeof(sk));
	ferry_str_dispose(&doc);
	ferry_str_dispose(&path);
	return ferry_store__end(db, error);
}

/* ---- reading a pack --------------------------------------------------- */

int ferry_entitypack__file_init(ferry_entitypack_file *p, const char *dir,
	const char *file)
{
	ferry_str path = FERRY_STR_INIT;
	size_t len = strlen(file), dlen = strlen(dir);

	memset(p, 0, sizeof(*p));
	ferry_str_puts(&path, dir);
	if (dlen && dir[dlen - 1] != '/')
		ferry_str_putc(&path, '/');
	ferry_str_puts(&path, file);
	p->path = ferry_str_failed(&path) ? NULL : ferry_str_detach(&path);
	ferry_str_dispose(&path);
	p->file = ferry__strdup(file);
	p->entity = ferry__strndup(file, len > 4 ? len - 4 : len);
	return p->path && p->file && p->entity ? 0 : -1;
}

void ferry_entitypack__file_dispose(ferry_entitypack_file *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nfields; i++) {
		ferry__free(p->fields[i].name);
		ferry__free(p->fields[i].type);
		ferry__free(p->fields[i].display);
		ferry__free(p->fields[i].description);
		ferry__free(p->fields[i].default_value);
		ferry__free(p->fields[i].external_name);
	}
	for (i = 0; i < p->nobjects; i++) {
		ferry__free(p->objects[i].name);
		json_decref(p->objects[i].definition);
	}
	ferry__free(p->fields);
	ferry__free(p->objects);
	ferry__free(p->path);
	ferry__free(p->file);
	ferry__free(p->entity);
	ferry__free(p->display);
	ferry__free(p->description);
	ferry_namelist__dispose(&p->depends);
	ferry_str_dispose(&p->problem);
	memset(p, 0, sizeof(*p));
}

/* Record why the file is refused (the first reason wins). */
static int problem(ferry_entitypack_file *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int problem(ferry_entitypack_file *p, int code, const char *fmt, ...)
{
	va_list ap;

	if (p->code)
		return p->code;
	ferry_str_clear(&p->problem);
	va_start(ap, fmt);
	ferry_str_vprintf(&p->problem, fmt, ap);
	va_end(ap);
	p->code = code;
	return code;
}

/* An item that is not what docs/entitypacks.md says. */
static int bad_item(ferry_entitypack_file *p, uint64_t line,
	const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int bad_item(ferry_entitypack_file *p, uint64_t line,
	const char *fmt, ...)
{
	ferry_str what = FERRY_STR_INIT;
	va_list ap;

	va_start(ap, fmt);
	ferry_str_vprintf(&what, fmt, ap);
	va_end(ap);
	problem(p, FERRY_EFORMAT, "%s: line %llu: %s; the file is damaged, "
		"pack it again", p->path, (unsigned long long)line,
		ferry_str_cstr(&what));
	ferry_str_dispose(&what);
	return FERRY_EFORMAT;
}

static int no_memory(ferry_entitypack_file *p)
{
	return problem(p, FERRY_ENOMEM, "%s: out of memory while reading it",
		p->path);
}

/* A member that is a string, null or absent: 0 with *out a copy (NULL
 * for null or absent); 1 when it has another type; -1 out of memory. */
static int opt_text(json_t *obj, const char *key, char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return 1;
	*out = ferry__strndup(json_string_value(v), json_string_length(v));
	return *out ? 0 : -1;
}

static int read_texts(ferry_entitypack_file *p, uint64_t line, json_t *j,
	char **display, char **description)
{
	int a = opt_text(j, "display", display);
	int b = opt_text(j, "description", description);

	if (a < 0 || b < 0)
		return no_memory(p);
	if (a || b)
		return bad_item(p, line, "display and description are text "
			"or null");
	return 0;
}

static int read_entity(ferry_entitypack_file *p, uint64_t line, json_t *j,
	int *seen)
{
	const char *name = json_string_value(json_object_get(j, "name"));

	if (*seen || p->nfields || p->nobjects)
		return bad_item(p, line, "the entity item must come first, "
			"and once");
	if (!name || strcmp(name, p->entity) != 0)
		return bad_item(p, line, "the entity item is not for entity "
			"'%s' named in the header", p->entity);
	*seen = 1;
	return read_texts(p, line, j, &p->display, &p->description);
}

static int read_field(ferry_entitypack_file *p, uint64_t line, json_t *j)
{
	ferry_packed_field *f, *grown;
	ferry_str err = FERRY_STR_INIT, def = FERRY_STR_INIT;
	const char *name = json_string_value(json_object_get(j, "name"));
	const char *type = json_string_value(json_object_get(j, "type"));
	json_t *dv = json_object_get(j, "default");
	char text[FERRY_TYPE_TEXT_MAX];
	ferry_type t;
	size_t i;
	int error = 0;

	if (p->nfields >= FERRY_ENTITY_PACK_FIELDS_MAX)
		return bad_item(p, line, "more than %d fields",
			FERRY_ENTITY_PACK_FIELDS_MAX);
	if (!name || !ferry_ident_valid(name) ||
	    ferry__field_name_reserved(name))
		return bad_item(p, line, "a field item needs a valid field "
			"name");
	for (i = 0; i < p->nfields; i++)
		if (!strcmp(p->fields[i].name, name))
			return bad_item(p, line, "field '%s' appears twice",
				name);
	if (!type || ferry_type__parse(&t, type, &err) < 0) {
		error = bad_item(p, line, "field %s: %s", name, type ?
			ferry_str_cstr(&err) : "no type");
		ferry_str_dispose(&err);
		return error;
	}
	ferry_str_dispose(&err);
	ferry_type__format(text, &t);
	grown = ferry__realloc(p->fields, (p->nfields + 1) * sizeof(*grown));
	if (!grown)
		return no_memory(p);
	p->fields = grown;
	f = &p->fields[p->nfields++];
	memset(f, 0, sizeof(*f));
	if ((f->name = ferry__strdup(name)) == NULL ||
	    (f->type = ferry__strdup(text)) == NULL)
		return no_memory(p);
	if ((error = read_texts(p, line, j, &f->display,
	    &f->description)) < 0)
		return error;
	if ((error = opt_text(j, "external_name", &f->external_name)) < 0)
		return no_memory(p);
	if (error || (f->external_name && (!*f->external_name ||
	    !strcmp(f->external_name, name))))
		return bad_item(p, line, "field %s: its external_name is text "
			"other than the field's name, or null", name);
	for (i = 0; f->external_name && i + 1 < p->nfields; i++)
		if (p->fields[i].external_name &&
		    !strcmp(p->fields[i].external_name, f->external_name))
			return bad_item(p, line, "fields %s and %s both stand "
				"for the external name '%s'", p->fields[i].name,
				name, f->external_name);
	if (dv && !json_is_null(dv)) {
		ferry_json__canonical(&def, dv);
		if (ferry_str_failed(&def) ||
		    (f->default_value = ferry_str_detach(&def)) == NULL) {
			ferry_str_dispose(&def);
			return no_memory(p);
		}
	}
	if (t.base == FERRY_T_REF && strcmp(t.ref, p->entity) != 0 &&
	    ferry_namelist__add(&p->depends, t.ref) < 0)
		return no_memory(p);
	return 0;
}

/* The object's seal against what the item says (docs/entitypacks.md). */
static int check_object_seal(ferry_entitypack_file *p, uint64_t line,
	const char *table, const char *name, json_t *definition,
	const char *policy, const char *seal)
{
	ferry_str def = FERRY_STR_INIT;
	char want[FERRY_HASH_HEX];

	if (!seal)
		return bad_item(p, line, "the %s object '%s' has no seal",
			table, name);
	if (definition && !json_is_null(definition))
		ferry_json__canonical(&def, definition);
	else
		ferry_str_puts(&def, "null");
	if (ferry_str_failed(&def)) {
		ferry_str_dispose(&def);
		return no_memory(p);
	}
	ferry__object_seal(want, table, p->entity, name, def.ptr, policy);
	ferry_str_dispose(&def);
	if (strcmp(seal, want) != 0)
		return bad_item(p, line, "the %s object '%s' does not match "
			"its seal: its definition or policy was changed after "
			"packing", table, name);
	return 0;
}

static int read_object(ferry_entitypack_file *p, uint64_t line, json_t *j)
{
	ferry_packed_object *o, *grown;
	const char *table = ferry__object_entity(json_string_value(
		json_object_get(j, "entity_object")));
	const char *entity = json_string_value(json_object_get(j, "entity"));
	const char *name = json_string_value(json_object_get(j, "name"));
	json_t *pv = json_object_get(j, "policy");
	json_t *dv = json_object_get(j, "definition");
	const char *policy = pv ? json_string_value(pv) : "open";
	int error;

	if (p->nobjects >= FERRY_ENTITY_PACK_OBJECTS_MAX)
		return bad_item(p, line, "more than %d associated objects",
			FERRY_ENTITY_PACK_OBJECTS_MAX);
	if (!table)
		return bad_item(p, line, "entity_object is not one of "
			"sys_event_handler, sys_form_template, "
			"sys_process_flow");
	if (!entity || strcmp(entity, p->entity) != 0)
		return bad_item(p, line, "the object belongs to another "
			"entity than '%s'", p->entity);
	if (!name || !*name)
		return bad_item(p, line, "an object needs a name");
	if (!policy || (strcmp(policy, "open") && strcmp(policy, "changed") &&
	    strcmp(policy, "protected")))
		return bad_item(p, line, "policy is open, changed or "
			"protected");
	if ((error = check_object_seal(p, line, table, name, dv, policy,
	    json_string_value(json_object_get(j, "seal")))) != 0)
		return error;
	grown = ferry__realloc(p->objects, (p->nobjects + 1) *
		sizeof(*grown));
	if (!grown)
		return no_memory(p);
	p->objects = grown;
	o = &p->objects[p->nobjects++];
	memset(o, 0, sizeof(*o));
	o->table = table;
	snprintf(o->policy, sizeof(o->policy), "%s", policy);
	o->definition = dv ? json_incref(dv) : json_null();
	if ((o->name = ferry__strdup(name)) == NULL)
		return no_memory(p);
	return 0;
}

static int read_item(ferry_entitypack_file *p, const char *line, size_t len,
	uint64_t lineno, int *seen)
{
	json_error_t jerr;
	json_t *j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *t = json_string_value(json_object_get(j, "t"));
	int error = 0;

	if (!j || !json_is_object(j))
		error = bad_item(p, lineno, "not a JSON object (%s)", j ?
			"another JSON value" :
			ferry_json__error_text(&jerr));
	else if (!t)
		error = bad_item(p, lineno, "the item has no \"t\"");
	else if (!strcmp(t, "entity"))
		error = read_entity(p, lineno, j, seen);
	else if (!strcmp(t, "field") || !strcmp(t, "object"))
		error = !*seen ? bad_item(p, lineno, "the entity item must "
			"come first") : t[0] == 'f' ? read_field(p, lineno, j) :
			read_object(p, lineno, j);
	/* Other kinds of items are skipped (docs/format.md, section 10). */
	json_decref(j);
	return error;
}

int ferry_entitypack__read(ferry_entitypack_file *p)
{
	ferry_sop_reader *r = NULL;
	ferry_str err = FERRY_STR_INIT;
	json_t *h = NULL;
	const char *kind, *entity, *line, *stamp;
	size_t len;
	int rc, seen = 0;

	if ((rc = ferry_sop__reader_open(&r, p->path, &err)) < 0) {
		problem(p, rc, "%s", ferry_str_cstr(&err));
		goto done;
	}
	h = json_loads(ferry_sop__reader_header(r), 0, NULL);
	kind = json_string_value(json_object_get(h, "kind"));
	if (!kind || strcmp(kind, FERRY_ENTITY_PACK_KIND) != 0) {
		problem(p, FERRY_EFORMAT, "%s: not an entity pack (its kind is "
			"%s); unpack only files made by 'ferry entity pack', "
			"and move this one out of the folder", p->path,
			kind ? kind : "missing");
		goto done;
	}
	entity = json_string_value(json_object_get(h, "entity"));
	if (!entity || !ferry_ident_valid(entity)) {
		problem(p, FERRY_EFORMAT, "%s: the header names no valid "
			"entity; the file is damaged, pack it again", p->path);
		goto done;
	}
	ferry__free(p->entity);
	if ((p->entity = ferry__strdup(entity)) == NULL) {
		no_memory(p);
		goto done;
	}
	/* Read to the end even after a bad item: damage is best named by
	 * the integrity check, which comes last. */
	while ((rc = ferry_sop__reader_next(r, &line, &len, &err)) == 1)
		if (!p->code)
			read_item(p, line, len, ferry_sop__reader_lineno(r),
				&seen);
	if (rc < 0) {
		p->code = 0;
		problem(p, rc, "%s", ferry_str_cstr(&err));
		goto done;
	}
	if (!p->code && !seen)
		problem(p, FERRY_EFORMAT, "%s: it holds no entity item; the "
			"file is damaged, pack it again", p->path);
	if (!p->code && (stamp = ferry_sop__reader_stamp(r)) != NULL)
		snprintf(p->stamp, sizeof(p->stamp), "%s", stamp);
done:
	if (ferry_sop__reader_signature(r)) {
		p->sig = *ferry_sop__reader_signature(r);
		p->sig_known = 1;
	}
	ferry_sop__reader_free(r);
	ferry_str_dispose(&err);
	json_decref(h);
	return p->code;
}
