/*
 * import_values.c - each record's values judged against the fields its
 * package declares, as the load stages the lines (imports.h).
 *
 * Load refuses a record whose payload sets a field its package does not
 * declare, or sets one to a value that does not fit the declared type
 * (docs/import.md, "What load refuses").  The store can check that
 * set-wise once every item is staged, but that reads every staged
 * payload back: at a million records, four seconds of a load after
 * staging.  ferry's exporter writes the schema items first
 * (docs/format.md 5.2), so by the time a record is staged its entity's
 * declared fields are known, and the load judges it then, while the
 * thread that reads the file (import_feed.c) reads ahead.  (On that
 * thread, which is the busier of the two while staging, the same check
 * made the staging longer by as much as it saved.)
 *
 * An entity is judged here only when its schema item came before every
 * record of it and was itself without fault; any other (records before
 * their schema, a system entity, a package made by another tool in
 * another order) is left to the store's check, entity by entity, so the
 * verdict is the same whichever way a package is ordered.  The answer
 * is the one the store's check gives: the first bad record of the
 * entity and the words of ferry_type__payload_check().
 *
 * The same walk over a judged record collects its reference values,
 * which the load stages with the item: the plan's check that each
 * reference's record exists then reads those few bytes instead of every
 * payload again (half of a load's plan at a million records).  A record
 * of an entity not judged here is staged without them, and the store
 * reads its payload.
 */
#include "imports.h"

#include "store/stage_line.h"
#include "types.h"

#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#define COL(sl, c) FERRY_STAGED(sl, c)

typedef struct {
	char *entity;
	ferry_fieldset fields;
	int judged;		/* schema first, and without fault */
	int64_t bad;		/* the first record that does not fit */
	ferry_str why;
} entity_values;

struct ferry_value_judge {
	entity_values *e;
	size_t n, cap;
	size_t last;		/* the last entity found */
	ferry_str refs;		/* the last record's reference values */
};

int ferry__values_new(ferry_value_judge **out)
{
	return (*out = ferry__calloc(1, sizeof(**out))) ? 0 : FERRY_ENOMEM;
}

void ferry__values_free(ferry_value_judge *j)
{
	size_t i;

	if (!j)
		return;
	for (i = 0; i < j->n; i++) {
		ferry__free(j->e[i].entity);
		ferry_fieldset_dispose(&j->e[i].fields);
		ferry_str_dispose(&j->e[i].why);
	}
	ferry__free(j->e);
	ferry_str_dispose(&j->refs);
	ferry__free(j);
}

/* The entity's index, or j->n; records come by entity, so the last
 * one found is tried first. */
static size_t index_of(const ferry_value_judge *j, const char *entity)
{
	size_t i;

	if (j->last < j->n && !strcmp(j->e[j->last].entity, entity))
		return j->last;
	for (i = 0; i < j->n && strcmp(j->e[i].entity, entity); i++)
		;
	return i;
}

static entity_values *find(ferry_value_judge *j, const char *entity)
{
	size_t i = index_of(j, entity);

	return i < j->n ? &j->e[j->last = i] : NULL;
}

/* The entity's entry, new and not judged if it had none. */
static entity_values *entry(ferry_value_judge *j, const char *entity)
{
	entity_values *e = find(j, entity), *grown;

	if (e)
		return e;
	if (j->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 16;

		if ((grown = ferry__realloc(j->e, cap * sizeof(*grown))) ==
		    NULL)
			return NULL;
		j->e = grown;
		j->cap = cap;
	}
	e = &j->e[j->n];
	memset(e, 0, sizeof(*e));
	if ((e->entity = ferry__strdup(entity)) == NULL)
		return NULL;
	j->last = j->n++;
	return e;
}

/* One declared field from a schema item's definition: 0, 1 when it is
 * not one the store would declare the same way, or FERRY_ENOMEM. */
static int declared_field(ferry_fieldset *fs, sj_value f)
{
	ferry_str name = FERRY_STR_INIT, type = FERRY_STR_INIT,
		err = FERRY_STR_INIT;
	ferry_field field;
	int rc = 1, hn, ht;

	memset(&field, 0, sizeof(field));
	hn = sj_text(&name, sj_member(f, "name"));
	ht = sj_text(&type, sj_member(f, "type"));
	if (ferry_str_failed(&name) || ferry_str_failed(&type))
		rc = FERRY_ENOMEM;
	else if (hn && ht && name.size < sizeof(field.name) &&
	    type.size < sizeof(field.type_text) &&
	    ferry_fieldset_find(fs, name.ptr) < 0) {
		memcpy(field.name, name.ptr, name.size + 1);
		memcpy(field.type_text, type.ptr, type.size + 1);
		if (ferry_type__parse(&field.type, field.type_text, &err) == 0)
			rc = ferry_fieldset_add(fs, &field) < 0 ?
				FERRY_ENOMEM : 0;
	}
	ferry_str_dispose(&err);
	ferry_str_dispose(&name);
	ferry_str_dispose(&type);
	return rc;
}

/* A schema item: its entity is judged here if no record came before
 * it and it is the only one. */
static int see_schema(ferry_value_judge *j, const ferry_stage_line *sl,
	const char *entity)
{
	entity_values *e = find(j, entity);
	sj_value fields, f;
	size_t i;
	int rc;

	if (e) {
		e->judged = 0;
		return 0;
	}
	if ((e = entry(j, entity)) == NULL)
		return FERRY_ENOMEM;
	fields = sj_member(sj_member(sl->root, "definition"), "fields");
	for (i = 0; (f = sj_element(fields, i)).kind != SJ_NONE; i++)
		if ((rc = declared_field(&e->fields, f)) != 0)
			return rc < 0 ? rc : 0;
	e->judged = 1;
	return 0;
}

/* A record: judged if its entity is; else its entity never is.  1
 * when it fits and its reference values are in j->refs. */
static int see_record(ferry_value_judge *j, const ferry_stage_line *sl,
	const char *entity, int64_t item)
{
	const ferry_str *payload = &sl->col[FERRY_COL_PAYLOAD];
	const char *action = COL(sl, FERRY_COL_ACTION);
	entity_values *e = entry(j, entity);

	if (!e)
		return FERRY_ENOMEM;
	if (!e->judged || e->bad)
		return 0;
	if (!action || !strcmp(action, "delete") ||
	    sl->null[FERRY_COL_PAYLOAD])
		return 0;
	ferry_str_clear(&j->refs);
	if (ferry_type__payload_check(&e->why, &j->refs, entity, &e->fields,
	    payload->ptr, payload->size)) {
		if (ferry_str_failed(&e->why))
			return FERRY_ENOMEM;
		e->bad = item;
		return 0;
	}
	return ferry_str_failed(&j->refs) ? FERRY_ENOMEM : 1;
}

int ferry__values_see(ferry_value_judge *j, const ferry_stage_line *sl,
	const char *code, int64_t item, const ferry_str **refs)
{
	const char *t = COL(sl, FERRY_COL_T);
	const char *entity = COL(sl, FERRY_COL_ENTITY);
	int rc = 0;
	entity_values *e;

	*refs = NULL;
	if (!j || !t || !entity)
		return 0;
	if (code) {
		/* Refused on its own: the load refuses the file before any
		 * value is judged; the entity is the store's, to be sure. */
		if ((e = entry(j, entity)) == NULL)
			return FERRY_ENOMEM;
		e->judged = 0;
	} else if (!strcmp(t, "schema")) {
		rc = see_schema(j, sl, entity);
	} else if (!strcmp(t, "record")) {
		rc = see_record(j, sl, entity, item);
	}
	if (rc == 1)
		*refs = &j->refs;
	return rc < 0 ? rc : 0;
}

int ferry__values_verdict(const ferry_value_judge *j, const char *entity,
	int64_t *bad, const char **why)
{
	const entity_values *e;
	size_t i;

	*bad = 0;
	*why = NULL;
	if (!j || (i = index_of(j, entity)) == j->n ||
	    !(e = &j->e[i])->judged)
		return 0;
	*bad = e->bad;
	*why = e->bad ? ferry_str_cstr(&e->why) : NULL;
	return 1;
}
