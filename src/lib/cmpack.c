/*
 * cmpack.c - Aptify Configuration Migration packs: `ferry entity unpack
 * DIR.cmpack` reads the pack's folder (Entities/<ID>.apt, and the event
 * handlers, process flows and form templates under Metadata/) with
 * libxml2 and hands each entity to entityunpack.c as if it came from an
 * entity pack, so the seed-002 merge rules apply unchanged.
 * docs/interop.md says what maps to what.
 *
 * Names: Aptify's are mixed case (Pets__c, OwnerID); ferry's lowercase.
 * The ferry name is the lowercased name, two names of one pack that
 * lowercase alike are refused, and the original stays visible: the
 * entity's display name is its Aptify name unless the pack gives one, a
 * renamed field's external name is its Aptify name (OwnerID).
 */
#include "entitypacks.h"

#include "alloc.h"
#include "db.h"
#include "hash.h"
#include "identity.h"
#include "text.h"
#include "types.h"
#include "xml.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define APT_FILES_MAX 100000
#define APT_FILE_MAX ((long)64 << 20)

int ferry__cmpack_is(const char *dir)
{
	char path[4096];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/Entities", dir);
	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The <FIELD NAME="name"> child of an OBJECT, as text, or NULL. */
static char *apt_field(xmlNodePtr obj, const char *name)
{
	xmlNodePtr c;

	for (c = obj->children; c; c = c->next) {
		xmlChar *n;
		int match;

		if (c->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)c->name, "FIELD") != 0)
			continue;
		n = xmlGetProp(c, (const xmlChar *)"NAME");
		match = n && !strcmp((const char *)n, name);
		xmlFree(n);
		if (match) {
			xmlChar *v = xmlNodeGetContent(c);
			char *s = ferry__strdup(v ? (const char *)v : "");

			xmlFree(v);
			return s;
		}
	}
	return NULL;
}

/* Every FIELD of an OBJECT as a JSON object (an object's definition). */
static json_t *apt_all(xmlNodePtr obj)
{
	json_t *o = json_object();
	xmlNodePtr c;

	for (c = obj->children; c && o; c = c->next) {
		xmlChar *n, *v;

		if (c->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)c->name, "FIELD") != 0)
			continue;
		n = xmlGetProp(c, (const xmlChar *)"NAME");
		v = xmlNodeGetContent(c);
		if (n && v)
			json_object_set_new(o, (const char *)n,
				json_string((const char *)v));
		xmlFree(n);
		xmlFree(v);
	}
	return o;
}

/* Aptify's name as ferry's: lowercased, then an identifier.  -1 if not. */
static int apt_name(char out[FERRY_NAME_MAX], const char *name)
{
	size_t i, len = name ? strlen(name) : 0;

	if (len == 0 || len >= FERRY_NAME_MAX)
		return -1;
	for (i = 0; i <= len; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	return ferry_ident_valid(out) ? 0 : -1;
}

/* SQLDataType and sizes as a ferry type; -1 for a type ferry lacks. */
static int apt_type(char out[FERRY_TYPE_TEXT_MAX], const char *type,
	const char *size, const char *precision, const char *scale)
{
	long n = size ? strtol(size, NULL, 10) : 0;
	long p = precision ? strtol(precision, NULL, 10) : 0;
	long s = scale ? strtol(scale, NULL, 10) : 0;

	if (!type)
		return -1;
	if (!strcmp(type, "nvarchar(max)") || !strcmp(type, "varchar(max)") ||
	    ((!strcmp(type, "nvarchar") || !strcmp(type, "varchar")) &&
	    n == -1) || !strcmp(type, "text") || !strcmp(type, "ntext"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "text");
	else if ((!strcmp(type, "nvarchar") || !strcmp(type, "varchar")) &&
	    n >= 1 && n <= FERRY_SIZE_MAX)
		snprintf(out, FERRY_TYPE_TEXT_MAX, "nvarchar(%ld)", n);
	else if ((!strcmp(type, "nchar") || !strcmp(type, "char")) && n >= 1 &&
	    n <= FERRY_SIZE_MAX)
		snprintf(out, FERRY_TYPE_TEXT_MAX, "nchar(%ld)", n);
	else if (!strcmp(type, "int") || !strcmp(type, "smallint") ||
	    !strcmp(type, "tinyint"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "int");
	else if (!strcmp(type, "bigint"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "bigint");
	else if (!strcmp(type, "bit"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "bool");
	else if (!strcmp(type, "money"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "decimal(19,4)");
	else if (!strcmp(type, "decimal") || !strcmp(type, "numeric")) {
		if (p < 1 || p > 38 || s < 0 || s > p)
			return -1;
		snprintf(out, FERRY_TYPE_TEXT_MAX, "decimal(%ld,%ld)", p, s);
	} else if (!strcmp(type, "float") || !strcmp(type, "real"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "float");
	else if (!strcmp(type, "datetime") || !strcmp(type, "datetime2"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "datetime");
	else if (!strcmp(type, "date"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "date");
	else if (!strcmp(type, "uniqueidentifier"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "nchar(36)");
	else
		return -1;
	return 0;
}

/* Parse one .apt file: its root OBJECT, or NULL with err set. */
static xmlDocPtr apt_read(const char *path, ferry_str *err)
{
	struct stat sb;
	xmlDocPtr doc;
	const char *why;

	if (ferry__xml_load(&why) < 0) {
		ferry_str_puts(err, why);
		return NULL;
	}
	if (stat(path, &sb) < 0 || sb.st_size > APT_FILE_MAX) {
		ferry_str_printf(err, "%s: missing or larger than %ld bytes",
			path, APT_FILE_MAX);
		return NULL;
	}
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
		XML_PARSE_NOWARNING);
	if (!doc || !xmlDocGetRootElement(doc) ||
	    strcmp((const char *)xmlDocGetRootElement(doc)->name,
	    "OBJECT") != 0 || doc->intSubset) {
		ferry_str_printf(err, "%s: not an Aptify object (one <OBJECT> "
			"of XML without a DTD)", path);
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

/* The .apt files of one folder, sorted. */
static int apt_list(const char *dir, char ***out, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL, **g;

	*n = 0;
	*out = NULL;
	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL && *n < APT_FILES_MAX) {
		size_t len = strlen(e->d_name);

		if (len <= 4 || strcmp(e->d_name + len - 4, ".apt") != 0)
			continue;
		if ((g = ferry__realloc(v, (*n + 1) * sizeof(*v))) == NULL) {
			closedir(d);
			*out = v;
			return -1;
		}
		v = g;
		if ((v[*n] = ferry__strdup(e->d_name)) == NULL) {
			closedir(d);
			*out = v;
			return -1;
		}
		(*n)++;
	}
	closedir(d);
	*out = v;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void list_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ferry__free(v[i]);
	ferry__free(v);
}

/*
 * An Aptify DefaultValue as ferry's default for a field of type `type`:
 * the canonical JSON text of the value, or NULL when there is none or
 * it is not a value of the type.  SQL Server's own forms are read too:
 * enclosing parentheses ("((0))"), quotes ("'New'", "N'New'", '' for a
 * quote), and a bit's 0 and 1.  An SQL function call (getdate(),
 * newid()) and anything else that is not a value of the type is not
 * carried (docs/interop.md).
 */
static char *apt_default(const char *type, const char *text)
{
	ferry_field f;
	ferry_value v = { FERRY_V_NULL, 0, NULL, 0 };
	ferry_str err = FERRY_STR_INIT, out = FERRY_STR_INIT,
		unq = FERRY_STR_INIT;
	const char *b = text, *e;
	json_t *j = NULL;
	char *result = NULL, *end;

	if (!text || !*text)
		return NULL;
	memset(&f, 0, sizeof(f));
	if (ferry_type__parse(&f.type, type, &err) < 0)
		goto done;
	e = b + strlen(b);
	while (e - b >= 2 && *b == '(' && e[-1] == ')')
		b++, e--;
	if (e - b >= 3 && *b == 'N' && b[1] == '\'')
		b++;
	/* An SQL function call (getdate(), newid()) is an expression. */
	if (*b != '\'' && (isalpha((unsigned char)*b) || *b == '_') &&
	    e[-1] == ')') {
		const char *c = b;

		while (c < e && (isalnum((unsigned char)*c) || *c == '_'))
			c++;
		if (c < e && *c == '(')
			goto done;
	}
	if (e - b >= 2 && *b == '\'' && e[-1] == '\'') {
		for (b++, e--; b < e; b++) {
			if (*b == '\'' && b + 1 < e && b[1] == '\'')
				b++;
			ferry_str_putc(&unq, *b);
		}
	} else {
		ferry_str_put(&unq, b, (size_t)(e - b));
	}
	if (ferry_str_failed(&unq))
		goto done;
	b = ferry_str_cstr(&unq);
	switch (f.type.base) {
	case FERRY_T_BOOL:
		j = !strcmp(b, "1") ? json_true() : !strcmp(b, "0") ?
			json_false() : NULL;
		break;
	case FERRY_T_INT:
	case FERRY_T_BIGINT: {
		long long i = strtoll(b, &end, 10);

		j = *b && !*end ? json_integer(i) : NULL;
		break;
	}
	case FERRY_T_FLOAT: {
		double d = strtod(b, &end);

		j = *b && !*end ? json_real(d) : NULL;
		break;
	}
	default:
		j = json_string(b);
	}
	if (j && ferry_type__convert(&v, &f, j, &err) == 0) {
		ferry_type__canonical(&out, &f, &v);
		if (!ferry_str_failed(&out))
			result = ferry_str_detach(&out);
	}
done:
	json_decref(j);
	ferry_value_dispose(&v);
	ferry_str_dispose(&err);
	ferry_str_dispose(&out);
	ferry_str_dispose(&unq);
	return result;
}

/* One entity field; skipped when joined (InTable=0). */
static int add_field(ferry_entitypack_file *p, xmlNodePtr o, ferry_str *err)
{
	char *name = apt_field(o, "Name"), *in = apt_field(o, "InTable");
	char *type = apt_field(o, "SQLDataType");
	char *size = apt_field(o, "SQLFieldSize");
	char *prec = apt_field(o, "SQLFieldPrecision");
	char *scale = apt_field(o, "SQLFieldScale");
	char *disp = apt_field(o, "DisplayName");
	char *desc = apt_field(o, "Description");
	char *dflt = apt_field(o, "DefaultValue");
	char fname[FERRY_NAME_MAX], ftype[FERRY_TYPE_TEXT_MAX];
	ferry_packed_field *nf, *f;
	ferry_str d = FERRY_STR_INIT;
	size_t i;
	int error = 0;

	if (in && !strcmp(in, "0"))
		goto done;
	if (apt_name(fname, name) < 0) {
		ferry_str_printf(err, "%s: field '%s' of %s has no name ferry "
			"can hold (letters, digits and '_')", p->path,
			name ? name : "", p->entity);
		error = -1;
		goto done;
	}
	if (apt_type(ftype, type, size, prec, scale) < 0) {
		ferry_str_printf(err, "%s: field %s of %s has SQL type %s "
			"(size %s), which ferry has no type for", p->path, name,
			p->entity, type ? type : "(none)", size ? size : "-");
		error = -1;
		goto done;
	}
	for (i = 0; i < p->nfields; i++)
		if (!strcmp(p->fields[i].name, fname)) {
			ferry_str_printf(err, "%s: fields of %s named %s and "
				"%s alike once lowercased; ferry names are "
				"lowercase", p->path, p->entity, name, fname);
			error = -1;
			goto done;
		}
	if (desc && *desc)
		ferry_str_puts(&d, desc);
	if ((nf = ferry__realloc(p->fields, (p->nfields + 1) *
	    sizeof(*nf))) == NULL) {
		error = -1;
		goto done;
	}
	p->fields = nf;
	f = &nf[p->nfields++];
	memset(f, 0, sizeof(*f));
	f->name = ferry__strdup(fname);
	f->type = ferry__strdup(ftype);
	f->display = disp && *disp && ferry_utf8_length(disp, strlen(disp)) <=
		200 ? ferry__strdup(disp) : NULL;
	f->description = d.size ? ferry__strdup(ferry_str_cstr(&d)) : NULL;
	/* The Aptify name stays the field's external name. */
	f->external_name = strcmp(fname, name) ? ferry__strdup(name) : NULL;
	f->default_value = apt_default(ftype, dflt);
	if (!f->name || !f->type || (strcmp(fname, name) &&
	    !f->external_name))
		error = -1;
done:
	ferry__free(name);
	ferry__free(in);
	ferry__free(type);
	ferry__free(size);
	ferry__free(prec);
	ferry__free(scale);
	ferry__free(disp);
	ferry__free(desc);
	ferry__free(dflt);
	ferry_str_dispose(&d);
	return error;
}

/* One Entities/<ID>.apt as an entity pack file. */
static int read_entity(ferry_entitypack_file *p, const char *dir,
	const char *file, char **apt_id, ferry_str *err)
{
	ferry_str entities = FERRY_STR_INIT;
	xmlDocPtr doc;
	xmlNodePtr root, sub, o;
	char *name = NULL, *desc = NULL, fname[FERRY_NAME_MAX];
	int error = 0;

	ferry_str_printf(&entities, "%s/Entities", dir);
	if (ferry_entitypack__file_init(p, ferry_str_cstr(&entities), file) <
	    0) {
		ferry_str_dispose(&entities);
		return -1;
	}
	ferry_str_dispose(&entities);
	if ((doc = apt_read(p->path, err)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	{
		xmlChar *id = xmlGetProp(root, (const xmlChar *)"ID");

		*apt_id = ferry__strdup(id ? (const char *)id : "");
		xmlFree(id);
	}
	name = apt_field(root, "Name");
	desc = apt_field(root, "Description");
	if (apt_name(fname, name) < 0) {
		ferry_str_printf(err, "%s: entity '%s' has no name ferry can "
			"hold (letters, digits and '_')", p->path,
			name ? name : "");
		error = -1;
		goto done;
	}
	ferry__free(p->entity);
	p->entity = ferry__strdup(fname);
	p->display = ferry__strdup(name);
	p->description = desc && *desc ? ferry__strdup(desc) : NULL;
	for (sub = root->children; sub && !error; sub = sub->next) {
		xmlChar *sn;
		int fields;

		if (sub->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)sub->name, "SUBTYPE") != 0)
			continue;
		sn = xmlGetProp(sub, (const xmlChar *)"NAME");
		fields = sn && !strcmp((const char *)sn, "EntityFields");
		xmlFree(sn);
		for (o = sub->children; fields && o && !error; o = o->next)
			if (o->type == XML_ELEMENT_NODE &&
			    !strcmp((const char *)o->name, "OBJECT"))
				error = add_field(p, o, err);
	}
done:
	ferry__free(name);
	ferry__free(desc);
	xmlFreeDoc(doc);
	return error;
}

/* An associated object for the entity it names (by Name or ID). */
static int add_object(ferry_entitypack_file *packs, size_t n,
	char **ids, const char *table, xmlNodePtr root, ferry_str *err,
	const char *path)
{
	char *ent = apt_field(root, "Entity"), *eid = apt_field(root,
		"EntityID"), *name = apt_field(root, "Name"), lower[FERRY_NAME_MAX];
	ferry_packed_object *no, *o;
	size_t i;
	int error = 0, found = -1;

	for (i = 0; i < n && found < 0; i++)
		if ((ent && apt_name(lower, ent) == 0 &&
		    !strcmp(lower, packs[i].entity)) ||
		    (eid && *eid && !strcmp(eid, ids[i])))
			found = (int)i;
	/* A process flow names no entity: it goes with the entity whose
	 * event handler runs it (by name or ID). */
	if (found < 0 && !strcmp(table, "sys_process_flow") && name) {
		xmlChar *id = xmlGetProp(root, (const xmlChar *)"ID");

		for (i = 0; i < n && found < 0; i++) {
			size_t k;

			for (k = 0; k < packs[i].nobjects && found < 0; k++) {
				json_t *d = packs[i].objects[k].definition;
				const char *pf = json_string_value(
					json_object_get(d, "ProcessFlow"));
				const char *pid = json_string_value(
					json_object_get(d, "ProcessFlowID"));

				if ((pf && !strcmp(pf, name)) || (pid && id &&
				    !strcmp(pid, (const char *)id)))
					found = (int)i;
			}
		}
		xmlFree(id);
	}
	if (found < 0)
		goto done;	/* an object of an entity not in the pack */
	if (!name || !*name) {
		ferry_str_printf(err, "%s: an object without a Name", path);
		error = -1;
		goto done;
	}
	if ((no = ferry__realloc(packs[found].objects,
	    (packs[found].nobjects + 1) * sizeof(*no))) == NULL) {
		error = -1;
		goto done;
	}
	packs[found].objects = no;
	o = &no[packs[found].nobjects++];
	memset(o, 0, sizeof(*o));
	o->table = ferry__object_entity(table);
	o->name = ferry__strdup(name);
	o->definition = apt_all(root);
	snprintf(o->policy, sizeof(o->policy), "open");
	if (!o->name || !o->definition)
		error = -1;
done:
	ferry__free(ent);
	ferry__free(eid);
	ferry__free(name);
	return error;
}

static int read_objects(ferry_entitypack_file *packs, size_t n, char **ids,
	const char *dir, const char *folder, const char *table, ferry_str *err)
{
	ferry_str sub = FERRY_STR_INIT;
	char **files = NULL;
	size_t nf = 0, i;
	int error;

	ferry_str_printf(&sub, "%s/Metadata/%s", dir, folder);
	error = apt_list(ferry_str_cstr(&sub), &files, &nf);
	if (nf)
		qsort(files, nf, sizeof(*files), cmp_str);
	for (i = 0; i < nf && !error; i++) {
		ferry_str path = FERRY_STR_INIT;
		xmlDocPtr doc;

		ferry_str_printf(&path, "%s/%s", ferry_str_cstr(&sub), files[i]);
		if ((doc = apt_read(ferry_str_cstr(&path), err)) == NULL)
			error = -1;
		else
			error = add_object(packs, n, ids, table,
				xmlDocGetRootElement(doc), err,
				ferry_str_cstr(&path));
		xmlFreeDoc(doc);
		ferry_str_dispose(&path);
	}
	list_free(files, nf);
	ferry_str_dispose(&sub);
	return error;
}

static int file_hash(char out[FERRY_HASH_HEX], const char *path)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	ferry_hash h;
	size_t got;

	if (!f)
		return -1;
	ferry_hash_init(&h);
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		ferry_hash_update(&h, buf, got);
	fclose(f);
	ferry_hash_final_hex(&h, out);
	return 0;
}


int ferry__cmpack_read(ferry_db *db, const char *dir,
	ferry_entitypack_file **out, size_t *count)
{
	ferry_str err = FERRY_STR_INIT, sub = FERRY_STR_INIT;
	ferry_entitypack_file *packs = NULL;
	char **files = NULL, **ids = NULL;
	size_t nf = 0, n = 0, i, k;
	int error = 0;

	*out = NULL;
	*count = 0;
	ferry_str_printf(&sub, "%s/Entities", dir);
	if (apt_list(ferry_str_cstr(&sub), &files, &nf) < 0) {
		error = ferry__oom(db);
		goto done;
	}
	if (nf)
		qsort(files, nf, sizeof(*files), cmp_str);
	if ((packs = ferry__calloc(nf ? nf : 1, sizeof(*packs))) == NULL ||
	    (ids = ferry__calloc(nf ? nf : 1, sizeof(*ids))) == NULL) {
		error = ferry__oom(db);
		goto done;
	}
	for (i = 0; i < nf && !error; i++) {
		if (read_entity(&packs[n], dir, files[i], &ids[n], &err) < 0) {
			n++;
			error = ferry__error(db, FERRY_EFORMAT, "%s", err.size ?
				ferry_str_cstr(&err) : "out of memory");
			break;
		}
		for (k = 0; k < n && !error; k++)
			if (!strcmp(packs[k].entity, packs[n].entity))
				error = ferry__error(db, FERRY_EFORMAT, "%s: "
					"two entities are named %s once "
					"lowercased; ferry names are lowercase",
					dir, packs[n].entity);
		n++;
	}
	if (!error && (read_objects(packs, n, ids, dir, "Event Handlers",
	    "sys_event_handler", &err) < 0 || read_objects(packs, n, ids,
	    dir, "Process Flows", "sys_process_flow", &err) < 0 ||
	    read_objects(packs, n, ids, dir, "Form Templates",
	    "sys_form_template", &err) < 0))
		error = ferry__error(db, FERRY_EFORMAT, "%s", err.size ?
			ferry_str_cstr(&err) : "out of memory");
	/* A stamp per entity: its .apt file's bytes, hashed. */
	for (i = 0; i < n && !error; i++)
		if (file_hash(packs[i].stamp, packs[i].path) < 0)
			error = ferry__error(db, FERRY_EIO, "%s: cannot be "
				"read", packs[i].path);
done:
	if (error) {
		for (i = 0; i < n; i++)
			ferry_entitypack__file_dispose(&packs[i]);
		ferry__free(packs);
	} else {
		*out = packs;
		*count = n;
	}
	for (i = 0; ids && i < nf; i++)
		ferry__free(ids[i]);
	ferry__free(ids);
	list_free(files, nf);
	ferry_str_dispose(&err);
	ferry_str_dispose(&sub);
	return error;
}
