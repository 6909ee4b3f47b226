/*
 * updateset.c - ServiceNow update sets: `ferry import load FILE.xml`
 * reads an "Export to XML" of an update set (an <unload> holding one
 * <sys_remote_update_set> and one <sys_update_xml> per change) with
 * libxml2's streaming reader and turns it into the items of a package:
 * a declared schema per table, sys_entity and sys_field records for the
 * tables and fields (from sys_dictionary and sys_db_object where the set
 * defines them, text fields otherwise), and one record item per record
 * in the payloads.  import_load.c stages them like a .sop's items, so preview,
 * resolve, commit and back out work unchanged.  docs/interop.md says
 * what maps to what.
 *
 * The whole file is read and checked before anything is written: a file
 * that is not an update set, a payload that is not XML, a record ferry
 * cannot hold, a truncated file or an XML bomb gets one message and
 * changes nothing.  No DTD is read, no entity is expanded, no network is
 * touched, and depth, size and counts are capped (updateset.h).
 */
#include "updateset.h"

#include "alloc.h"
#include "imports.h"
#include "records.h"
#include "text.h"
#include "timeutil.h"
#include "xml.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One record of a payload, as read. */
typedef struct {
	char *entity;
	char sys_id[FERRY_SYS_ID_MAX + 1];
	int del;		/* DELETE */
	json_t *values;		/* ferry field name -> text, as written */
	int64_t update;		/* its sys_update_xml, counting from 1 */
} us_record;

typedef struct {
	ferry_db *db;
	const char *path;
	json_t *header;		/* the update set's own fields */
	us_record *recs;
	size_t n, cap;
	json_t *index;		/* "entity sys_id" -> index in recs */
	json_t *defs;		/* entity -> field -> {type, label, del} */
	json_t *tables;		/* entity -> {label} */
	json_t *queries;	/* delete_query items, in order */
	json_t *origins;	/* entity -> ferry field name -> the name
				 * ServiceNow gives it */
	int64_t updates;
	char xml_error[300];	/* libxml2's first message */
} us_reader;

/* ---- names ------------------------------------------------------------- */

/* The external name of a ferry field name: NULL unless renamed. */
static const char *external_of(const char *name)
{
	size_t n = strlen(FERRY_UPDATESET_RENAME);

	return !strncmp(name, FERRY_UPDATESET_RENAME, n) &&
		ferry__field_name_reserved(name + n) ? name + n : NULL;
}

/* ---- libxml2 ------------------------------------------------------------- */

static void on_xml_error(void *arg, xmlErrorPtr e)
{
	us_reader *u = arg;
	size_t n;

	if (!e || u->xml_error[0])
		return;
	snprintf(u->xml_error, sizeof(u->xml_error), "line %d: %s", e->line,
		e->message ? e->message : "not well-formed");
	n = strlen(u->xml_error);
	while (n > 0 && (u->xml_error[n - 1] == '\n' ||
	    u->xml_error[n - 1] == ' '))
		u->xml_error[--n] = '\0';
}

/* No DTD, no entity expansion, no network: the parser's defaults with
 * every loader off. */
#define XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOXINCNODE)

static const char *name_of(xmlNodePtr n)
{
	return (const char *)n->name;
}

static int has_element_children(xmlNodePtr n)
{
	xmlNodePtr c;

	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return 1;
	return 0;
}

/* An element's text (text and CDATA, as the parser reports them). */
static char *text_of(xmlNodePtr n)
{
	xmlChar *x = xmlNodeGetContent(n);
	char *s = ferry__strdup(x ? (const char *)x : "");

	xmlFree(x);
	return s;
}

static char *attr_of(xmlNodePtr n, const char *name)
{
	xmlChar *x = xmlGetProp(n, (const xmlChar *)name);
	char *s = x ? ferry__strdup((const char *)x) : NULL;

	xmlFree(x);
	return s;
}

/* A DTD, an entity or an entity reference anywhere: refused.  (The
 * parser caps depth at 256 without XML_PARSE_HUGE; records are capped
 * tighter where they are read.) */
static int bomb_free(xmlNodePtr n, int depth)
{
	xmlNodePtr c;

	for (c = n->children; c; c = c->next) {
		if (c->type == XML_ENTITY_REF_NODE ||
		    c->type == XML_ENTITY_NODE || c->type == XML_DTD_NODE)
			return 0;
		if (c->type == XML_ELEMENT_NODE && !bomb_free(c, depth + 1))
			return 0;
	}
	return 1;
}

/* ---- records -------------------------------------------------------------- */

static int fail(us_reader *u, const char *fmt, const char *a, const char *b)
{
	return ferry__error(u->db, FERRY_EFORMAT, fmt, u->path,
		(long long)u->updates, a ? a : "", b ? b : "");
}

/*
 * Note that field `original` of table is kept as ferry field `name`.
 * The collision check of the renaming: a table that has both ServiceNow's
 * sys_policy (kept as ext_sys_policy) and a field of its own named
 * ext_sys_policy, in one record or in two, cannot be kept.
 */
static int note_origin(us_reader *u, const char *table, const char *original,
	const char *name)
{
	json_t *t = json_object_get(u->origins, table);
	const char *was;

	if (!t && (json_object_set_new(u->origins, table, t = json_object()) <
	    0 || !t))
		return ferry__oom(u->db);
	was = json_string_value(json_object_get(t, name));
	if (!was)
		return json_object_set_new(t, name, json_string(original)) < 0 ?
			ferry__oom(u->db) : 0;
	if (strcmp(was, original) != 0)
		return ferry__error(u->db, FERRY_EFORMAT, "%s: update %lld: "
			"table %s has both a field '%s' and a field '%s', and "
			"ferry keeps both as %s (%s is ferry's system column, "
			"so ServiceNow's is kept under the prefix "
			FERRY_UPDATESET_RENAME "); rename one of them in "
			"ServiceNow and export the set again", u->path,
			(long long)u->updates, table, was, original, name,
			external_of(name) ? external_of(name) : name);
	return 0;
}

static int add_record(us_reader *u, us_record *r)
{
	json_t *at;
	char key[FERRY_NAME_MAX + FERRY_SYS_ID_MAX + 2];

	snprintf(key, sizeof(key), "%s %s", r->entity, r->sys_id);
	/* A record changed twice in one set: the later change wins, as
	 * it does when ServiceNow commits the set. */
	if ((at = json_object_get(u->index, key)) != NULL) {
		us_record *old = &u->recs[json_integer_value(at)];

		ferry__free(old->entity);
		json_decref(old->values);
		*old = *r;
		return 0;
	}
	if (u->n >= FERRY_UPDATESET_RECORDS_MAX)
		return ferry__error(u->db, FERRY_ENOMEM, "%s: more than %d "
			"records; split the update set", u->path,
			FERRY_UPDATESET_RECORDS_MAX);
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 64;
		us_record *nr = ferry__realloc(u->recs, cap * sizeof(*nr));

		if (!nr)
			return ferry__oom(u->db);
		u->recs = nr;
		u->cap = cap;
	}
	if (json_object_set_new(u->index, key, json_integer((json_int_t)u->n))
	    < 0)
		return ferry__oom(u->db);
	u->recs[u->n++] = *r;
	return 0;
}

/* What an action attribute or element says: 0 insert or update, 1
 * delete, 2 delete by query, -1 unknown. */
static int action_kind(const char *a)
{
	if (!a || !*a || !strcmp(a, "INSERT_OR_UPDATE") ||
	    !strcmp(a, "INSERT") || !strcmp(a, "UPDATE"))
		return 0;
	if (!strcmp(a, "DELETE"))
		return 1;
	if (!strcmp(a, "delete_multiple"))
		return 2;
	return -1;
}

/* A sys_dictionary or sys_db_object record also defines schema. */
static int note_definition(us_reader *u, const us_record *r)
{
	const char *table = json_string_value(json_object_get(r->values,
		"name"));
	json_t *t, *f;

	if (!table || !ferry_ident_valid(table) ||
	    ferry__entity_name_reserved(table))
		return 0;
	if (!strcmp(r->entity, "sys_db_object")) {
		if (r->del)
			return 0;
		t = json_pack("{s:O?}", "label",
			json_object_get(r->values, "label"));
		return json_object_set_new(u->tables, table, t);
	}
	{
		const char *element = json_string_value(json_object_get(
			r->values, "element"));
		const char *type = json_string_value(json_object_get(
			r->values, "internal_type"));
		const char *len = json_string_value(json_object_get(
			r->values, "max_length"));
		char name[FERRY_NAME_MAX];

		if (!element || !*element) {
			/* The table's own row ("collection"): its label
			 * unless sys_db_object gave one. */
			if (r->del || json_object_get(u->tables, table))
				return 0;
			t = json_pack("{s:O?}", "label",
				json_object_get(r->values, "column_label"));
			return json_object_set_new(u->tables, table, t);
		}
		if (ferry__updateset_field_name(name, element) < 0)
			return 0;
		if (!(t = json_object_get(u->defs, table))) {
			t = json_object();
			if (json_object_set_new(u->defs, table, t) < 0)
				return -1;
		}
		f = json_pack("{s:s, s:s, s:O?, s:b}", "type", type ? type :
			"", "length", len ? len : "", "label",
			json_object_get(r->values, "column_label"), "del",
			r->del);
		return json_object_set_new(t, name, f);
	}
}

/* A sys_dictionary row's field, for the collision check. */
static int note_element(us_reader *u, const us_record *r)
{
	const char *table = json_string_value(json_object_get(r->values,
		"name"));
	const char *element = json_string_value(json_object_get(r->values,
		"element"));
	char name[FERRY_NAME_MAX];

	if (!table || !ferry_ident_valid(table) ||
	    ferry__entity_name_reserved(table) || !element || !*element ||
	    ferry__updateset_field_name(name, element) < 0)
		return 0;
	return note_origin(u, table, element, name);
}

/* A delete_multiple: the table and its encoded query, checked. */
static int read_query(us_reader *u, xmlNodePtr n)
{
	char *query = attr_of(n, "query");
	ferry_query q;
	ferry_str err = FERRY_STR_INIT, name = FERRY_STR_INIT;
	json_t *item;
	int error = 0;

	if (ferry__query_parse(query, &q, &err) < 0) {
		error = fail(u, "%s: update %lld: a delete_multiple of %s: "
			"%s", name_of(n), ferry_str_cstr(&err));
	} else {
		ferry__query_dispose(&q);
		ferry_str_printf(&name, "%s:%s", name_of(n), query);
		item = json_pack("{s:s, s:s, s:s, s:s}", "t", "delete_query",
			"entity", name_of(n), "name", ferry_str_cstr(&name),
			"query", query);
		if (!item || json_array_append_new(u->queries, item) < 0)
			error = ferry__oom(u->db);
	}
	ferry__free(query);
	ferry_str_dispose(&err);
	ferry_str_dispose(&name);
	return error;
}

static int read_record(us_reader *u, xmlNodePtr n, const char *action)
{
	us_record r;
	xmlNodePtr c;
	char *own = attr_of(n, "action");
	const char *act = own ? own : action;
	int kind = action_kind(act), error = 0;

	memset(&r, 0, sizeof(r));
	r.update = u->updates;
	if (kind < 0) {
		error = fail(u, "%s: update %lld has action '%s', which an "
			"update set does not use (INSERT_OR_UPDATE, DELETE or "
			"delete_multiple)%s", act, NULL);
		goto done;
	}
	if (!ferry_ident_valid(name_of(n)) ||
	    ferry__entity_name_reserved(name_of(n))) {
		error = fail(u, "%s: update %lld holds a record of table "
			"'%s', which is not a table name ferry can hold "
			"(lowercase letters, digits and '_'; not ferry's own "
			"names)%s", name_of(n), NULL);
		goto done;
	}
	if (kind == 2) {
		error = read_query(u, n);
		goto done;
	}
	r.del = kind == 1;
	r.entity = ferry__strdup(name_of(n));
	r.values = json_object();
	if (!r.entity || !r.values) {
		error = ferry__oom(u->db);
		goto done;
	}
	for (c = n->children; c && !error; c = c->next) {
		char name[FERRY_NAME_MAX], *v;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (has_element_children(c)) {
			error = fail(u, "%s: update %lld: field '%s' of a %s "
				"record holds elements, not a value", name_of(c),
				r.entity);
			break;
		}
		if (!strcmp(name_of(c), "sys_id")) {
			v = text_of(c);
			if (!v || !ferry_sys_id_valid(v))
				error = fail(u, "%s: update %lld: a %s record "
					"has sys_id '%s', which is not 32 "
					"lowercase hex digits", r.entity, v);
			else
				snprintf(r.sys_id, sizeof(r.sys_id), "%s", v);
			ferry__free(v);
			continue;
		}
		if (ferry__updateset_field_name(name, name_of(c)) < 0) {
			error = fail(u, "%s: update %lld: table %s has a field "
				"'%s', which is not a field name ferry can hold "
				"(lowercase letters, digits and '_', at most 63 "
				"with ferry's renaming)", r.entity, name_of(c));
			break;
		}
		if ((error = note_origin(u, r.entity, name_of(c), name)) < 0)
			break;
		if (json_object_get(r.values, name)) {
			error = fail(u, "%s: update %lld: a %s record gives "
				"field '%s' twice", r.entity, name);
			break;
		}
		if ((v = text_of(c)) == NULL || json_object_set_new(r.values,
		    name, json_string(v)) < 0) {
			error = ferry__error(u->db, FERRY_EFORMAT, "%s: update "
				"%lld: a value of %s.%s is not UTF-8 text",
				u->path, (long long)u->updates, r.entity, name);
		}
		ferry__free(v);
	}
	if (!error && !r.sys_id[0])
		error = fail(u, "%s: update %lld: a %s record has no sys_id%s",
			r.entity, NULL);
	if (!error && !strcmp(r.entity, "sys_dictionary"))
		error = note_element(u, &r);
	if (!error && (!strcmp(r.entity, "sys_dictionary") ||
	    !strcmp(r.entity, "sys_db_object")) && note_definition(u, &r) < 0)
		error = ferry__oom(u->db);
	if (!error) {
		error = add_record(u, &r);
		if (!error)
			memset(&r, 0, sizeof(r));
	}
done:
	ferry__free(r.entity);
	json_decref(r.values);
	ferry__free(own);
	return error;
}

/*
 * The records under n: an element whose children are all values is a
 * record; one holding records is a wrapper (field labels, list and form
 * layouts), read recursively.
 */
static int read_records(us_reader *u, xmlNodePtr n, const char *action,
	int depth)
{
	xmlNodePtr c, g;
	int error = 0;

	if (depth > FERRY_UPDATESET_DEPTH_MAX)
		return fail(u, "%s: update %lld: its payload nests more than "
			"%s levels deep", "32", NULL);
	for (c = n->children; c && !error; c = c->next) {
		int wrapper = 0;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		for (g = c->children; g && !wrapper; g = g->next)
			wrapper = g->type == XML_ELEMENT_NODE &&
				has_element_children(g);
		if (wrapper) {
			char *own = attr_of(c, "action");

			error = read_records(u, c, own ? own : action,
				depth + 1);
			ferry__free(own);
		} else {
			error = read_record(u, c, action);
		}
	}
	return error;
}

static int read_payload(us_reader *u, const char *payload, const char *action)
{
	xmlTextReaderPtr r;
	xmlNodePtr root;
	char *table = NULL;
	int rc, error = 0;
	size_t len = strlen(payload);

	if (len > FERRY_UPDATESET_PAYLOAD_MAX)
		return fail(u, "%s: update %lld: its payload is larger than "
			"%s bytes", "67108864", NULL);
	u->xml_error[0] = '\0';
	if ((r = xmlReaderForMemory(payload, (int)len, NULL, NULL,
	    XML_OPTIONS)) == NULL)
		return ferry__oom(u->db);
	xmlTextReaderSetStructuredErrorHandler(r, on_xml_error, u);
	while ((rc = xmlTextReaderRead(r)) == 1 &&
	    xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
		if (xmlTextReaderNodeType(r) ==
		    XML_READER_TYPE_DOCUMENT_TYPE)
			break;
	if (rc == 1 && xmlTextReaderNodeType(r) ==
	    XML_READER_TYPE_DOCUMENT_TYPE) {
		error = fail(u, "%s: update %lld: its payload declares a "
			"DTD; update sets have none, and ferry expands no "
			"entities%s%s", NULL, NULL);
		goto done;
	}
	if (rc != 1 || (root = xmlTextReaderExpand(r)) == NULL ||
	    u->xml_error[0]) {
		error = fail(u, "%s: update %lld: its payload is not XML "
			"(%s)%s", u->xml_error[0] ? u->xml_error : "empty",
			NULL);
		goto done;
	}
	if (strcmp(name_of(root), "record_update") != 0) {
		error = fail(u, "%s: update %lld: its payload is a <%s>, not "
			"a <record_update>%s", name_of(root), NULL);
		goto done;
	}
	if (!bomb_free(root, 0)) {
		error = fail(u, "%s: update %lld: its payload holds entity "
			"references; ferry expands no entities%s%s", NULL,
			NULL);
		goto done;
	}
	/* The table the update names must be the record's. */
	table = attr_of(root, "table");
	if (table) {
		xmlNodePtr c;
		int found = 0;

		for (c = root->children; c && !found; c = c->next)
			found = c->type == XML_ELEMENT_NODE &&
				!strcmp(name_of(c), table);
		if (!found) {
			error = fail(u, "%s: update %lld names table '%s' but "
				"its payload holds no %s record", table, table);
			goto done;
		}
	}
	if ((error = read_records(u, root, action, 0)) < 0)
		goto done;
	/* The rest must be well-formed too (the tree is no longer
	 * needed: moving on frees it). */
	while ((rc = xmlTextReaderRead(r)) == 1)
		;
	if (rc < 0 || u->xml_error[0])
		error = fail(u, "%s: update %lld: its payload is not XML "
			"(%s)%s", u->xml_error[0] ? u->xml_error :
			"not well-formed", NULL);
done:
	ferry__free(table);
	xmlFreeTextReader(r);
	return error;
}

/* One <sys_update_xml>. */
static int read_update(us_reader *u, xmlNodePtr n)
{
	xmlNodePtr c;
	char *action = NULL, *payload = NULL;
	int error = 0;

	u->updates++;
	for (c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp(name_of(c), "action") && !action)
			action = text_of(c);
		else if (!strcmp(name_of(c), "payload") && !payload)
			payload = text_of(c);
	}
	if (!payload || !*payload)
		error = fail(u, "%s: update %lld has no payload%s%s", NULL,
			NULL);
	else
		error = read_payload(u, payload, action);
	ferry__free(action);
	ferry__free(payload);
	return error;
}

/* The <sys_remote_update_set>: its leaf fields, as text. */
static int read_header(us_reader *u, xmlNodePtr n)
{
	xmlNodePtr c;

	if (json_object_size(u->header) > 0)
		return ferry__error(u->db, FERRY_EFORMAT, "%s: holds two "
			"<sys_remote_update_set> headers; export one update "
			"set per file", u->path);
	for (c = n->children; c; c = c->next) {
		char *v;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		v = text_of(c);
		if (!v || json_object_set_new(u->header, name_of(c),
		    json_string(v ? v : "")) < 0) {
			ferry__free(v);
			return ferry__error(u->db, FERRY_EFORMAT, "%s: the "
				"update set's %s is not UTF-8 text", u->path,
				name_of(c));
		}
		ferry__free(v);
	}
	if (json_object_size(u->header) == 0)
		json_object_set_new(u->header, "name", json_string(""));
	return 0;
}

/*
 * 1 if the prolog (what comes before the first element) declares a DTD:
 * refused before parsing, as libxml2 reads the internal subset (and its
 * entity definitions) before the reader reports anything.
 */
static int prolog_has_dtd(const char *path)
{
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "rb");
	char *p;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (p = buf; (p = strchr(p, '<')) != NULL; p++) {
		if (!strncmp(p, "<!DOCTYPE", 9) || !strncmp(p, "<!ENTITY", 8))
			return 1;
		if (p[1] != '?' && p[1] != '!')
			return 0;
	}
	return 0;
}

static int read_file(us_reader *u)
{
	xmlTextReaderPtr r;
	const char *why;
	struct stat st;
	int rc, error = 0, root = 0, type;

	if (stat(u->path, &st) < 0)
		return ferry__error(u->db, FERRY_ENOTFOUND, "%s: no such "
			"file", u->path);
	if (st.st_size > FERRY_UPDATESET_FILE_MAX)
		return ferry__error(u->db, FERRY_ENOMEM, "%s: larger than %lld "
			"bytes, the most ferry reads as an update set; split "
			"it", u->path, (long long)FERRY_UPDATESET_FILE_MAX);
	if (prolog_has_dtd(u->path))
		return ferry__error(u->db, FERRY_EFORMAT, "%s: declares a DTD "
			"or entities; an update-set export has none, and ferry "
			"expands no entities (XML bombs)", u->path);
	if (ferry__xml_load(&why) < 0)
		return ferry__error(u->db, FERRY_ERROR, "%s", why);
	if ((r = xmlReaderForFile(u->path, NULL, XML_OPTIONS)) == NULL)
		return ferry__error(u->db, FERRY_EIO, "%s: cannot be read",
			u->path);
	xmlTextReaderSetStructuredErrorHandler(r, on_xml_error, u);
	rc = xmlTextReaderRead(r);
	while (rc == 1 && !error) {
		xmlNodePtr n;
		const char *name;

		type = xmlTextReaderNodeType(r);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE ||
		    type == XML_READER_TYPE_ENTITY_REFERENCE ||
		    type == XML_READER_TYPE_ENTITY) {
			error = ferry__error(u->db, FERRY_EFORMAT, "%s: "
				"declares a DTD or entities; an update-set "
				"export has none, and ferry expands no entities "
				"(XML bombs)", u->path);
			break;
		}
		if (type != XML_READER_TYPE_ELEMENT) {
			rc = xmlTextReaderRead(r);
			continue;
		}
		name = (const char *)xmlTextReaderConstLocalName(r);
		if (xmlTextReaderDepth(r) == 0) {
			if (!name || strcmp(name, "unload") != 0) {
				error = ferry__error(u->db, FERRY_EFORMAT,
					"%s: not a ServiceNow update set: its "
					"root is <%s>, not <unload>; export the "
					"update set with 'Export to XML'",
					u->path, name ? name : "?");
				break;
			}
			root = 1;
			rc = xmlTextReaderRead(r);
			continue;
		}
		if (strcmp(name, "sys_remote_update_set") != 0 &&
		    strcmp(name, "sys_update_xml") != 0) {
			error = ferry__error(u->db, FERRY_EFORMAT, "%s: holds "
				"a <%s>, which an update-set export does not "
				"(only <sys_remote_update_set> and "
				"<sys_update_xml>): export the update set, not "
				"a table", u->path, name);
			break;
		}
		if ((n = xmlTextReaderExpand(r)) == NULL)
			break;
		if (!bomb_free(n, 0)) {
			error = ferry__error(u->db, FERRY_EFORMAT, "%s: holds "
				"entity references; ferry expands no entities "
				"(XML bombs)", u->path);
			break;
		}
		if (!strcmp(name, "sys_remote_update_set"))
			error = read_header(u, n);
		else
			error = read_update(u, n);
		rc = xmlTextReaderNext(r);
	}
	if (!error && (rc < 0 || u->xml_error[0] || !root))
		error = ferry__error(u->db, FERRY_EFORMAT, "%s: %s (%s); "
			"export the update set again", u->path, root ?
			"truncated or not well-formed XML" :
			"not a ServiceNow update set", u->xml_error[0] ?
			u->xml_error : "no <unload> element");
	if (!error && json_object_size(u->header) == 0)
		error = ferry__error(u->db, FERRY_EFORMAT, "%s: not a "
			"ServiceNow update set: no <sys_remote_update_set> "
			"header; export the update set with 'Export to XML'",
			u->path);
	xmlFreeTextReader(r);
	return error;
}

/* ---- types ---------------------------------------------------------------- */

/* ServiceNow's internal_type and max_length as a ferry type. */
static void map_type(char out[FERRY_TYPE_TEXT_MAX], const char *type,
	const char *length)
{
	long n = length && *length ? strtol(length, NULL, 10) : 0;

	if (!strcmp(type, "string") && n >= 1 && n <= FERRY_SIZE_MAX)
		snprintf(out, FERRY_TYPE_TEXT_MAX, "nvarchar(%ld)", n);
	else if (!strcmp(type, "integer"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "int");
	else if (!strcmp(type, "longint"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "bigint");
	else if (!strcmp(type, "boolean"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "bool");
	else if (!strcmp(type, "float"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "float");
	else if (!strcmp(type, "decimal"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "decimal(%ld,2)",
			n < 3 ? 15 : n > 38 ? 38 : n);
	else if (!strcmp(type, "currency") || !strcmp(type, "price"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "decimal(20,4)");
	else if (!strcmp(type, "glide_date_time") ||
	    !strcmp(type, "due_date"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "datetime");
	else if (!strcmp(type, "glide_date"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "date");
	else if (!strcmp(type, "glide_time"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "time");
	else if (!strcmp(type, "glide_duration") || !strcmp(type, "timer"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "bigint");
	else if (!strcmp(type, "GUID"))
		snprintf(out, FERRY_TYPE_TEXT_MAX, "nchar(32)");
	else
		snprintf(out, FERRY_TYPE_TEXT_MAX, "text");
}

/*
 * A value as written in the XML, as the JSON value of its ferry type:
 * strings stay strings; for other types an empty value is null, dates
 * and times drop ServiceNow's space and epoch date, durations become
 * seconds.  The type's own check then decides (ferry_type__convert).
 */
static json_t *typed_value(const ferry_field *f, const char *v,
	const char *sn_type)
{
	char buf[FERRY_DATETIME_MAX + 8], *end;
	int64_t when;

	switch (f->type.base) {
	case FERRY_T_NVARCHAR:
	case FERRY_T_NCHAR:
	case FERRY_T_TEXT:
		return json_string(v);
	default:
		break;
	}
	if (!*v)
		return json_null();
	switch (f->type.base) {
	case FERRY_T_INT:
	case FERRY_T_BIGINT:
		if (sn_type && (!strcmp(sn_type, "glide_duration") ||
		    !strcmp(sn_type, "timer"))) {
			snprintf(buf, sizeof(buf), "%.19sZ", v);
			if (ferry_time_parse_iso(&when, buf) < 0)
				return json_string(v);
			return json_integer(when);
		}
		{
			long long i = strtoll(v, &end, 10);

			return *end ? json_string(v) : json_integer(i);
		}
	case FERRY_T_BOOL:
		return !strcmp(v, "true") ? json_true() : !strcmp(v, "false") ?
			json_false() : json_string(v);
	case FERRY_T_FLOAT: {
		double d = strtod(v, &end);

		return *end ? json_string(v) : json_real(d);
	}
	case FERRY_T_DATETIME:
		snprintf(buf, sizeof(buf), "%sZ", v);
		return json_string(buf);
	case FERRY_T_TIME:
		/* ServiceNow writes a time as "1970-01-01 HH:MM:SS". */
		return json_string(strlen(v) > 11 && v[10] == ' ' ? v + 11 : v);
	default:
		return json_string(v);
	}
}

/* ---- items ---------------------------------------------------------------- */

void ferry__updateset_catalog_id(char out[37], const char *key)
{
	char hex[FERRY_HASH_HEX];
	ferry_hash h;

	ferry_hash_init(&h);
	ferry_hash_update(&h, "ferry-servicenow-catalog-1\n", 27);
	ferry_hash_update(&h, key, strlen(key));
	ferry_hash_final_hex(&h, hex);
	snprintf(out, 37, "%.8s-%.4s-4%.3s-8%.3s-%.12s", hex, hex + 8,
		hex + 13, hex + 17, hex + 20);
}

void ferry__updateset_record_item(ferry_str *line, const char *entity,
	const char *sys_id, const char *key, const char *action,
	const char *payload, size_t len)
{
	char version[FERRY_HASH_HEX], seal[FERRY_HASH_HEX];

	ferry__version_hash(version, entity, key, action, payload, len);
	ferry__item_seal(seal, version, "open", 0);
	ferry_str_puts(line, "{\"t\":\"record\",\"entity\":");
	ferry_str_puts_json(line, entity);
	ferry_str_puts(line, ",\"sys_id\":");
	ferry_str_puts_json(line, sys_id);
	ferry_str_puts(line, ",\"key\":");
	ferry_str_puts_json(line, key);
	ferry_str_printf(line, ",\"action\":\"%s\",\"version\":\"%s\","
		"\"base\":null,\"policy\":\"open\",\"vendor\":false,"
		"\"seal\":\"%s\",\"payload\":", action, version, seal);
	ferry_str_put(line, payload, len);
	ferry_str_puts(line, ",\"old\":null}");
}

/* The fields of an entity: those its records use and those the set's
 * dictionary defines, with their types. */
static int entity_fields(us_reader *u, const char *entity,
	ferry_fieldset *fs)
{
	json_t *defs = json_object_get(u->defs, entity), *d;
	const char *name;
	ferry_str err = FERRY_STR_INIT;
	size_t i;
	int error = 0;

	for (i = 0; i < u->n && !error; i++) {
		json_t *v;

		if (strcmp(u->recs[i].entity, entity) != 0)
			continue;
		json_object_foreach(u->recs[i].values, name, v) {
			ferry_field f;

			if (ferry_fieldset_find(fs, name) >= 0)
				continue;
			memset(&f, 0, sizeof(f));
			snprintf(f.name, sizeof(f.name), "%s", name);
			d = json_object_get(defs, name);
			if (d && !json_is_true(json_object_get(d, "del")))
				map_type(f.type_text, json_string_value(
					json_object_get(d, "type")),
					json_string_value(json_object_get(d,
					"length")));
			else
				snprintf(f.type_text, sizeof(f.type_text),
					"text");
			if (ferry_type__parse(&f.type, f.type_text, &err) < 0 ||
			    ferry_fieldset_add(fs, &f) < 0) {
				error = ferry__oom(u->db);
				break;
			}
		}
	}
	json_object_foreach(defs, name, d) {
		ferry_field f;

		if (error || json_is_true(json_object_get(d, "del")) ||
		    ferry_fieldset_find(fs, name) >= 0)
			continue;
		memset(&f, 0, sizeof(f));
		snprintf(f.name, sizeof(f.name), "%s", name);
		map_type(f.type_text, json_string_value(json_object_get(d,
			"type")), json_string_value(json_object_get(d,
			"length")));
		if (ferry_type__parse(&f.type, f.type_text, &err) < 0 ||
		    ferry_fieldset_add(fs, &f) < 0)
			error = ferry__oom(u->db);
	}
	ferry_str_dispose(&err);
	return error;
}

/* The label the set gives a field, or NULL. */
static const char *field_label(us_reader *u, const char *entity,
	const char *field)
{
	return json_string_value(json_object_get(json_object_get(
		json_object_get(u->defs, entity), field), "label"));
}

/* A catalog payload's "display" member, when the set gives a label
 * that fits (at most 200 characters). */
static void put_display(ferry_str *p, const char *label)
{
	if (label && *label && ferry_utf8_length(label, strlen(label)) <= 200) {
		ferry_str_puts(p, "\"display\":");
		ferry_str_puts_json(p, label);
		ferry_str_putc(p, ',');
	}
}

/* The schema item of an entity whose records the set holds (a .sop
 * declares the schema of the entities its records use, and only those),
 * and the catalog records of every entity. */
static int schema_items(us_reader *u, const char *entity,
	const ferry_fieldset *fs, ferry_updateset *out)
{
	ferry_str line = FERRY_STR_INIT, p = FERRY_STR_INIT,
		key = FERRY_STR_INIT;
	const char *label = json_string_value(json_object_get(
		json_object_get(u->tables, entity), "label"));
	char id[37];
	size_t i;
	int error = 0;

	ferry_str_puts(&line, "{\"t\":\"schema\",\"entity\":");
	ferry_str_puts_json(&line, entity);
	ferry_str_puts(&line, ",\"definition\":{\"name\":");
	ferry_str_puts_json(&line, entity);
	ferry_str_puts(&line, ",\"display\":null,\"description\":null,"
		"\"fields\":[");
	for (i = 0; i < fs->n; i++) {
		ferry_str_puts(&line, i ? ",{\"name\":" : "{\"name\":");
		ferry_str_puts_json(&line, fs->fields[i].name);
		ferry_str_puts(&line, ",\"type\":");
		ferry_str_puts_json(&line, fs->fields[i].type_text);
		ferry_str_puts(&line, ",\"display\":null,\"description\":null,"
			"\"default\":null,\"external_name\":");
		if (external_of(fs->fields[i].name))
			ferry_str_puts_json(&line,
				external_of(fs->fields[i].name));
		else
			ferry_str_puts(&line, "null");
		ferry_str_putc(&line, '}');
	}
	ferry_str_puts(&line, "]}}");
	for (i = 0; i < u->n && strcmp(u->recs[i].entity, entity) != 0; i++)
		;
	if (i < u->n)
		error = ferry__updateset_add_line(out, &line);
	else
		ferry_str_clear(&line);
	/* sys_entity: {description, display, name}. */
	ferry_str_puts(&p, "{");
	put_display(&p, label);
	ferry_str_puts(&p, "\"name\":");
	ferry_str_puts_json(&p, entity);
	ferry_str_putc(&p, '}');
	ferry__updateset_catalog_id(id, entity);
	ferry__updateset_record_item(&line, "sys_entity", id, entity, "insert", p.ptr,
		p.size);
	if (!error)
		error = ferry__updateset_add_line(out, &line);
	/* sys_field: {display, entity, external_name, name, type}. */
	for (i = 0; i < fs->n && !error; i++) {
		const char *name = fs->fields[i].name;
		const char *fl = field_label(u, entity, name);

		ferry_str_clear(&p);
		ferry_str_clear(&key);
		ferry_str_puts(&p, "{");
		put_display(&p, fl);
		ferry_str_puts(&p, "\"entity\":");
		ferry_str_puts_json(&p, entity);
		/* A renamed field keeps ServiceNow's name (keys in byte
		 * order: the canonical payload). */
		if (external_of(name)) {
			ferry_str_puts(&p, ",\"external_name\":");
			ferry_str_puts_json(&p, external_of(name));
		}
		ferry_str_puts(&p, ",\"name\":");
		ferry_str_puts_json(&p, name);
		ferry_str_puts(&p, ",\"type\":");
		ferry_str_puts_json(&p, fs->fields[i].type_text);
		ferry_str_putc(&p, '}');
		ferry__field_key(&key, entity, name);
		ferry__updateset_catalog_id(id, key.ptr);
		ferry__updateset_record_item(&line, "sys_field", id, key.ptr, "insert",
			p.ptr, p.size);
		error = ferry__updateset_add_line(out, &line);
	}
	if (!error && (ferry_str_failed(&p) || ferry_str_failed(&key)))
		error = ferry__oom(u->db);
	ferry_str_dispose(&line);
	ferry_str_dispose(&p);
	ferry_str_dispose(&key);
	return error;
}

/* The record items of one entity, in sys_id order. */
static int cmp_sys_id(const void *a, const void *b)
{
	return strcmp((*(us_record *const *)a)->sys_id,
		(*(us_record *const *)b)->sys_id);
}

static int record_items(us_reader *u, const char *entity,
	const ferry_fieldset *fs, ferry_updateset *out)
{
	ferry_str line = FERRY_STR_INIT, p = FERRY_STR_INIT,
		err = FERRY_STR_INIT;
	ferry_value *values = NULL;
	json_t *defs = json_object_get(u->defs, entity);
	us_record **order = NULL;
	size_t i, k, m = 0;
	int error = 0;

	if ((order = ferry__calloc(u->n ? u->n : 1, sizeof(*order))) == NULL ||
	    (values = ferry__calloc(fs->n ? fs->n : 1, sizeof(*values))) ==
	    NULL) {
		error = ferry__oom(u->db);
		goto done;
	}
	for (i = 0; i < u->n; i++)
		if (!strcmp(u->recs[i].entity, entity))
			order[m++] = &u->recs[i];
	qsort(order, m, sizeof(*order), cmp_sys_id);
	for (i = 0; i < m && !error; i++) {
		us_record *r = order[i];

		for (k = 0; k < fs->n && !error; k++) {
			const ferry_field *f = &fs->fields[k];
			const char *v = json_string_value(json_object_get(
				r->values, f->name));
			json_t *j;

			ferry_value_dispose(&values[k]);
			if (!v)
				continue;
			j = typed_value(f, v, json_string_value(
				json_object_get(json_object_get(defs,
				f->name), "type")));
			ferry_str_clear(&err);
			if (!j || ferry_type__convert(&values[k], f, j,
			    &err) < 0)
				error = ferry__error(u->db, FERRY_EFORMAT,
					"%s: update %lld: %s.%s of record %s: "
					"%s", u->path, (long long)r->update,
					entity, f->name, r->sys_id,
					ferry_str_cstr(&err));
			json_decref(j);
		}
		if (error)
			break;
		ferry_str_clear(&p);
		ferry_type__payload(&p, fs, values);
		ferry__updateset_record_item(&line, entity, r->sys_id, r->sys_id,
			r->del ? "delete" : "insert", p.ptr, p.size);
		error = ferry__updateset_add_line(out, &line);
	}
done:
	ferry_values_dispose(values, fs->n);
	ferry__free(order);
	ferry_str_dispose(&line);
	ferry_str_dispose(&p);
	ferry_str_dispose(&err);
	return error;
}

int ferry__updateset_add_line(ferry_updateset *out, ferry_str *line)
{
	char **nl;

	if (ferry_str_failed(line))
		return -1;
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 64;

		if ((nl = ferry__realloc(out->lines, cap * sizeof(*nl))) ==
		    NULL)
			return -1;
		out->lines = nl;
		out->cap = cap;
	}
	if ((out->lines[out->n] = ferry__strndup(line->ptr, line->size)) ==
	    NULL)
		return -1;
	out->n++;
	ferry_str_clear(line);
	return 0;
}

void ferry__updateset_dispose(ferry_updateset *us)
{
	size_t i;

	for (i = 0; i < us->n; i++)
		ferry__free(us->lines[i]);
	ferry__free(us->lines);
	json_decref(us->header);
	memset(us, 0, sizeof(*us));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every item, entity by entity in name order. */
static int build_items(us_reader *u, ferry_updateset *out)
{
	json_t *names = json_object();
	const char *name, **sorted = NULL;
	json_t *v;
	size_t i, n = 0;
	int error = 0;

	for (i = 0; i < u->n; i++)
		json_object_set_new(names, u->recs[i].entity, json_true());
	json_object_foreach(u->defs, name, v)
		json_object_set_new(names, name, json_true());
	json_object_foreach(u->tables, name, v)
		json_object_set_new(names, name, json_true());
	if ((sorted = ferry__calloc(json_object_size(names) + 1,
	    sizeof(*sorted))) == NULL) {
		json_decref(names);
		return ferry__oom(u->db);
	}
	json_object_foreach(names, name, v)
		sorted[n++] = name;
	qsort(sorted, n, sizeof(*sorted), cmp_names);
	for (i = 0; i < n && !error; i++) {
		ferry_fieldset fs = { NULL, 0 };

		if ((error = entity_fields(u, sorted[i], &fs)) == 0 &&
		    (error = schema_items(u, sorted[i], &fs, out)) == 0)
			error = record_items(u, sorted[i], &fs, out);
		ferry_fieldset_dispose(&fs);
	}
	json_array_foreach(u->queries, i, v) {
		ferry_str line = FERRY_STR_INIT;
		char *text;

		if (error)
			break;
		if ((text = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER))
		    == NULL) {
			error = -1;
			break;
		}
		ferry_str_puts(&line, text);
		free(text);
		error = ferry__updateset_add_line(out, &line);
		ferry_str_dispose(&line);
	}
	if (error == -1)
		error = ferry__oom(u->db);
	ferry__free(sorted);
	json_decref(names);
	return error;
}

/* The header document an import keeps: the set's name, description,
 * application, dates and id. */
static int build_header(us_reader *u, ferry_updateset *out)
{
	static const char *const keep[] = { "name", "description",
		"application", "application_name", "application_version",
		"release_date", "sys_created_on", "sys_updated_on",
		"remote_sys_id", "sys_id", "state" };
	const char *id = json_string_value(json_object_get(u->header,
		"remote_sys_id"));
	const char *name = json_string_value(json_object_get(u->header,
		"name"));
	json_t *set;
	size_t i;

	if (!id || strlen(id) != 32 || !ferry_sys_id_valid(id))
		id = json_string_value(json_object_get(u->header, "sys_id"));
	if (!id || strlen(id) != 32 || !ferry_sys_id_valid(id))
		return ferry__error(u->db, FERRY_EFORMAT, "%s: the update "
			"set's header has no sys_id (32 hex digits); export it "
			"again", u->path);
	if (!name || !ferry__pack_name_ok(name))
		return ferry__error(u->db, FERRY_EFORMAT, "%s: the update set "
			"has no usable name (1 to 200 printable characters); "
			"name it in ServiceNow and export it again", u->path);
	if ((set = json_object()) == NULL)
		return ferry__oom(u->db);
	/* The set's id as a UUID: its 32 digits with dashes, reversible. */
	snprintf(out->pack_uid, sizeof(out->pack_uid),
		"%.8s-%.4s-%.4s-%.4s-%.12s", id, id + 8, id + 12, id + 16,
		id + 20);
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		json_t *v = json_object_get(u->header, keep[i]);

		if (v)
			json_object_set(set, keep[i], v);
	}
	out->header = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:O?}, s:o}",
		"format", "servicenow-update-set", "kind",
		FERRY_UPDATESET_KIND, "mode", "update_set", "pack", "id",
		out->pack_uid, "name", name, "description",
		json_object_get(u->header, "description"), "update_set", set);
	return out->header ? 0 : ferry__oom(u->db);
}

int ferry__updateset_read(ferry_db *db, const char *path,
	ferry_updateset *out)
{
	us_reader u;
	size_t i;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&u, 0, sizeof(u));
	u.db = db;
	u.path = path;
	u.header = json_object();
	u.index = json_object();
	u.defs = json_object();
	u.tables = json_object();
	u.queries = json_array();
	u.origins = json_object();
	if (!u.header || !u.index || !u.defs || !u.tables || !u.queries ||
	    !u.origins)
		error = ferry__oom(db);
	else if ((error = read_file(&u)) == 0 &&
	    (error = build_header(&u, out)) == 0)
		error = build_items(&u, out);
	for (i = 0; i < u.n; i++) {
		ferry__free(u.recs[i].entity);
		json_decref(u.recs[i].values);
	}
	ferry__free(u.recs);
	json_decref(u.header);
	json_decref(u.index);
	json_decref(u.defs);
	json_decref(u.tables);
	json_decref(u.queries);
	json_decref(u.origins);
	if (error)
		ferry__updateset_dispose(out);
	return error;
}

int ferry__updateset_sniff(const char *path)
{
	FILE *f;
	unsigned char b[64];
	size_t n, i = 0;
	struct stat st;

	if (stat(path, &st) < 0 || S_ISDIR(st.st_mode))
		return 0;
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	n = fread(b, 1, sizeof(b), f);
	fclose(f);
	if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf)
		i = 3;
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' ||
	    b[i] == '\n'))
		i++;
	return i < n && b[i] == '<';
}
